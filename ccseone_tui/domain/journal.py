"""The instance journal (the instance log, SPEC §3.1.2.3): one line per operation.

Kept beside the other plain dataclasses so every layer (store, services, UI) can see it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class JournalEntry:
    """One operation done through a control instance, and how it ended.

    ``id`` is assigned by the store (0 before it is saved); it only grows, so a tail can ask
    for "everything after the last id I showed".
    """

    id: int
    instance_id: str
    at: float  # UTC epoch seconds
    user: str
    action: str  # e.g. "cluster.associate"
    target: str  # what it acted on: cluster, cluster/namespace, app …
    result: str  # e.g. "Succeeded", "Failed"
    duration_ms: float | None = None
    error: str = ""
    task_id: str | None = None  # the fan-out task that carries per-cluster results, if any

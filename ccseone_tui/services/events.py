"""Events the services emit and the UI (or the CLI) subscribes to.

The services never know who listens: the TUI turns these into Textual messages, the CLI
prints them, tests await them. Callbacks run on the event loop and must not block.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import ControlInstance, MemberCluster, Task

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InstancesChanged:
    instances: list[ControlInstance] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClusterProbed:
    """One cluster answered (or failed to) a status probe; emitted as each one finishes."""

    cluster: MemberCluster


@dataclass(frozen=True, slots=True)
class ClustersRefreshed:
    """A full refresh of an instance's clusters (or all, ``instance_id=None``) finished."""

    instance_id: str | None
    clusters: list[MemberCluster]


@dataclass(frozen=True, slots=True)
class ClustersChanged:
    """Clusters were added, edited or removed. ``from_hub``: written from a hub snapshot,
    which the followers of that hub already hold — they need not re-read the cache."""

    instance_id: str | None
    from_hub: bool = False


@dataclass(frozen=True, slots=True)
class TaskChanged:
    task: Task


@dataclass(frozen=True, slots=True)
class JournalAppended:
    entry: JournalEntry


Event = (
    InstancesChanged
    | ClusterProbed
    | ClustersRefreshed
    | ClustersChanged
    | TaskChanged
    | JournalAppended
)
Listener = Callable[[Any], None]


class EventBus:
    """Fan events out to subscribers. A failing subscriber is logged, never breaks the emitter."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._waiters: list[tuple[type, asyncio.Future[Any]]] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: object) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken screen must not stop a fan-out
                log.exception("event listener failed on %r", type(event).__name__)
        for kind, fut in list(self._waiters):
            if isinstance(event, kind) and not fut.done():
                fut.set_result(event)
        self._waiters = [(k, f) for k, f in self._waiters if not f.done()]

    def next(self, kind: type) -> asyncio.Future[Any]:
        """A future for the next event of ``kind``: tests and scripts await it, never sleep."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append((kind, fut))
        return fut

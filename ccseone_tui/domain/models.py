"""The console's nouns as plain dataclasses, shared by every layer.

Nothing here does I/O. Timestamps are UTC epoch seconds (floats) so that the store, the
services and the UI agree without timezone conversions; the UI formats them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class InstanceStatus(enum.StrEnum):
    READY = "Ready"
    CREATING = "Creating"
    ERROR = "Error"
    DELETING = "Deleting"


class Engine(enum.StrEnum):
    LOCAL = "local"
    OCM = "ocm"


class ClusterStatus(enum.StrEnum):
    WAITING = "Waiting"  # created, not yet registered
    READY = "Ready"
    NOT_READY = "NotReady"  # answers, but nodes are not ready
    OFFLINE = "Offline"  # did not answer within the timeout
    UNAUTHORIZED = "Unauthorized"  # answered 401/403
    THROTTLED = "Throttled"  # kept answering 429 through the retries
    UNKNOWN = "Unknown"  # never probed
    # ocm: the member's agent asked to join (pending CSR / hubAcceptsClient false)
    AWAITING_ACCEPTANCE = "AwaitingAcceptance"
    DENIED = "Denied"  # the hub admin denied its join request


class ClusterSource(enum.StrEnum):
    KUBECONFIG = "kubeconfig"  # associated from a kubeconfig context
    REGISTERED = "registered"  # registered by join command
    CCSE = "ccse"
    OTHER_CLOUD = "other-cloud"
    IDC = "idc"


class TaskStatus(enum.StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    PARTIAL = "Partial"  # some targets failed, the others succeeded
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    # its process ended (killed, lost session) before it finished; found at the next start
    INTERRUPTED = "Interrupted"


@dataclass(slots=True)
class ControlInstance:
    id: str
    name: str
    region: str
    engine: Engine = Engine.LOCAL
    status: InstanceStatus = InstanceStatus.READY
    deletion_protection: bool = True
    description: str = ""
    created_at: float = 0.0
    # ocm engine only: where the hub is reached (file + context, never credentials)
    hub_kubeconfig: str | None = None
    hub_context: str | None = None


@dataclass(slots=True)
class ClusterProbe:
    """What the last status probe of a member cluster saw."""

    status: ClusterStatus = ClusterStatus.UNKNOWN
    version: str | None = None
    nodes: int | None = None
    nodes_ready: int | None = None
    edge_nodes: int | None = None
    latency_ms: float | None = None
    last_seen: float | None = None  # last time the cluster answered
    probed_at: float | None = None  # last time we asked
    error: str | None = None
    # last time ``version`` was asked of the server (GET /version): a warm probe asks it once
    # per ``engines.probe.VERSION_TTL`` only, so a refresh costs one request per cluster
    version_checked_at: float | None = None


@dataclass(slots=True)
class MemberCluster:
    id: str
    name: str
    instance_id: str
    region: str = ""
    source: ClusterSource = ClusterSource.KUBECONFIG
    api_server: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    deletion_protection: bool = True
    # how the cluster is reached: a kubeconfig file and a context in it (never credentials)
    kubeconfig: str | None = None
    context: str | None = None
    created_at: float = 0.0
    probe: ClusterProbe = field(default_factory=ClusterProbe)

    @property
    def status(self) -> ClusterStatus:
        return self.probe.status


@dataclass(slots=True)
class FleetNamespace:
    id: str
    instance_id: str
    name: str
    priority: int = 0
    selector: dict[str, str] = field(default_factory=dict)  # empty: every cluster
    labels: dict[str, str] = field(default_factory=dict)
    cpu_limit: str | None = None
    memory_limit: str | None = None
    created_at: float = 0.0


@dataclass(slots=True)
class Template:
    id: str
    name: str
    kind: str  # chart | yaml | git
    source: dict[str, Any] = field(default_factory=dict)  # repo URL, chart, ref, path …
    description: str = ""
    created_at: float = 0.0


@dataclass(slots=True)
class App:
    id: str
    instance_id: str
    name: str
    template_id: str
    description: str = ""
    current_revision: int = 0
    status: str = "Draft"
    created_at: float = 0.0


@dataclass(slots=True)
class Revision:
    app_id: str
    number: int
    template_version: str = ""
    values: str = ""
    manifests: str = ""
    message: str = ""
    author: str = ""
    created_at: float = 0.0


@dataclass(slots=True)
class TaskResult:
    """One target's outcome inside a fan-out task."""

    task_id: str
    target: str  # cluster name, or cluster/namespace
    status: TaskStatus = TaskStatus.PENDING
    message: str = ""
    started_at: float | None = None
    finished_at: float | None = None


@dataclass(slots=True)
class Task:
    id: str
    kind: str  # e.g. "cluster.associate", "namespace.create"
    target: str  # what the task acts on (instance, namespace, app …)
    instance_id: str | None = None
    status: TaskStatus = TaskStatus.PENDING
    user: str = ""
    created_at: float = 0.0
    finished_at: float | None = None
    results: list[TaskResult] = field(default_factory=list)
    # the process running it (JSON: host, pid, start token); see services/process.py
    owner: str | None = None

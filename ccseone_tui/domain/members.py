"""What an engine tells the services about its member clusters, its control plane and the
work it did for them — plain dataclasses, engine-agnostic names, no I/O.

The ``local`` engine keeps its members in SQLite and answers most of these with ``None``;
the ``ocm`` engine reads them from the hub (ManagedClusters, CSRs, the ClusterManager). The
TUI and the CLI show them as they are: they never need to know which engine answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.models import ClusterProbe


@dataclass(frozen=True, slots=True)
class Condition:
    """One status condition as the control plane reports it."""

    type: str
    status: str  # "True" | "False" | "Unknown"
    reason: str = ""
    message: str = ""
    changed_at: str = ""  # lastTransitionTime, RFC 3339 as reported


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """A join request (an OCM CSR) that waits for an accept or a deny."""

    name: str
    requester: str = ""
    created_at: str = ""


@dataclass(slots=True)
class MemberDetails:
    """The control plane's facts about one member, for the detail screen. Never holds a
    credential; everything here is what ``kubectl get managedcluster -o yaml`` shows."""

    on_hub: bool = True  # False: only a join request names it (nobody created it)
    accepts_client: bool = False  # spec.hubAcceptsClient
    conditions: list[Condition] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)
    capacity: dict[str, str] = field(default_factory=dict)
    allocatable: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, Any]] = field(default_factory=list)
    cluster_set: str = ""
    client_urls: list[str] = field(default_factory=list)  # where the member's API answers
    pending: list[PendingRequest] = field(default_factory=list)
    created_by_ccseone: bool = False
    deleting: bool = False

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@dataclass(slots=True)
class MemberView:
    """One member as the control plane sees it right now: what the cache row gets (name,
    labels, region, API server, probe) plus the details."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    region: str = ""
    api_server: str = ""
    probe: ClusterProbe = field(default_factory=ClusterProbe)
    details: MemberDetails = field(default_factory=MemberDetails)
    deletion_protection: bool | None = None  # None: the control plane does not say


@dataclass(slots=True)
class MembersSnapshot:
    """The members of one instance. ``stale``: the control plane did not answer, these rows
    are the cache's last picture and ``error`` says why; writes are refused meanwhile."""

    instance: str
    clusters: list[Any]  # list[MemberCluster] (the cache rows, refreshed)
    stale: bool = False
    error: str = ""
    at: float = 0.0
    details: dict[str, MemberDetails] = field(default_factory=dict)
    # names whose row differs from the previous snapshot, and names gone since; None: take
    # ``clusters`` whole (the first frame, a stale picture). A view updates only these rows,
    # so a burst of changes costs what changed, not the fleet's size.
    changed: frozenset[str] | None = None
    removed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class JoinInstructions:
    """What to run on a member to join it: the files to write first, then the command."""

    cluster: str
    command: str  # the one command line, secrets included: shown, never stored or logged
    files: dict[str, str] = field(default_factory=dict)  # file name -> content
    expires_at: float | None = None  # when the embedded token stops working
    then: str = ""  # what to do afterwards (e.g. accept it)

    @property
    def text(self) -> str:
        """Everything as one shell-pasteable block."""
        lines: list[str] = []
        for name, content in self.files.items():
            lines += [f"cat > {name} <<'EOF'", content.rstrip("\n"), "EOF"]
        lines.append(self.command)
        if self.then:
            lines += ["", self.then]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ControllerHealth:
    name: str
    ready: int
    desired: int
    image: str = ""

    @property
    def healthy(self) -> bool:
        return self.desired > 0 and self.ready >= self.desired


@dataclass(slots=True)
class ControlPlaneInfo:
    """Basic info of an instance's control plane (the OCM hub): where it is, what runs."""

    engine: str
    api_server: str = ""
    context: str = ""
    version: str = ""  # OCM version where visible (the ClusterManager's image tags)
    kubernetes_version: str = ""
    controllers: list[ControllerHealth] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # clusters, accepted, available …
    conditions: list[Condition] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.healthy for c in self.controllers)


@dataclass(frozen=True, slots=True)
class CleanupOutcome:
    """One object removed (or not) on the control plane while deleting a member."""

    target: str  # e.g. "ManifestWork east-1/app-shop"
    status: str  # a TaskStatus value
    message: str = ""


@dataclass(slots=True)
class MemberRemoval:
    """What removing a member from the control plane did. ``done`` is False when it stopped
    before deleting the member because work objects are stuck on their finalizer (listed in
    ``stuck``); run again with finalizer removal confirmed to finish."""

    cluster: str
    steps: list[CleanupOutcome] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # to run on the member afterwards
    done: bool = True

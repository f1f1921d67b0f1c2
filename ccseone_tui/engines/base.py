"""The engine protocol: everything the services need from "the way to the clusters".

``local`` talks to each member's API server directly with kubeconfig credentials and keeps
its members in SQLite; ``ocm`` goes through an Open Cluster Management hub (ManagedCluster,
CSR, ManifestWork). Both answer these calls, so services and screens stay engine-agnostic:
they import this module and ``engines.factory``, never an engine's internals.

Four groups:

* members — ``members_from_control_plane`` says whether the engine, not SQLite, is the
  source of truth; then ``list_members``/``watch_members`` give ``MemberView``s and SQLite
  is only the cache that paints the first frame.
* registration — ``create_member``, ``join_instructions``, ``accept``, ``deny``,
  ``remove_member`` (the control-plane side of a delete).
* delivery — ``delivery(cluster, namespace, owner)`` gives a :class:`Delivery` that puts a
  set of objects on one target under an owner name, withdraws them, reports their status.
* direct access — ``client(cluster)``: the member's own API server, when there is a way.
* shared state — ``records()``: where fleet namespaces, apps and revisions live for every
  ccseone of the instance (local: nowhere but this cache; ocm: ConfigMaps on the hub).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ccseone_tui.domain.models import ClusterProbe, MemberCluster

if TYPE_CHECKING:  # the hub's views: imported by the engines that build them
    from ccseone_tui.domain.members import (
        ControlPlaneInfo,
        JoinInstructions,
        MemberDetails,
        MemberRemoval,
        MemberView,
    )

Obj = dict[str, Any]


@dataclass(slots=True)
class ManifestState:
    """One object of a delivered set as the target's agent reports it (ocm: a work's
    ``resourceStatus.manifests[]``); ``feedback``: status fields it sent back by name."""

    kind: str
    name: str
    namespace: str = ""
    applied: bool | None = None
    available: bool | None = None
    message: str = ""
    feedback: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DeliveryStatus:
    """Where one owner's objects stand on one target. ``applied``: the objects the target
    holds now; ``ready``: None while the engine cannot tell (local reads live objects
    instead), else whether the target reports them available.

    Engines that hold the set as one object (ocm's ManifestWork) also say whether it
    ``exists``, whether the report is ``current`` (about the latest spec), ``applied_ok`` /
    ``degraded``, the per-object ``manifests``, the set's ``annotations`` (shared state) and
    its ``version`` (resourceVersion, for conflict checks)."""

    owner: str
    cluster: str
    namespace: str
    applied: int = 0
    ready: bool | None = None
    message: str = ""
    objects: list[str] = field(default_factory=list)
    exists: bool = True
    current: bool | None = None
    applied_ok: bool | None = None
    degraded: bool = False
    manifests: list[ManifestState] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    deleting: bool = False
    version: str = ""
    desired: list[Obj] | None = None  # the set as the engine holds it (None: not kept)


@dataclass(frozen=True, slots=True)
class MemberSpec:
    """What ``clusters create`` asks the control plane to pre-create."""

    name: str
    region: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    deletion_protection: bool = True


class Delivery(Protocol):
    """One owner's objects on one target (cluster + namespace).

    ``whole_set`` False (local): ``put`` creates or updates the objects given, the caller
    prunes and withdraws object by object. True (ocm): the engine holds the owner's whole
    set — ``put`` replaces it (the target prunes what was dropped), ``withdraw`` removes it
    all, and ``status`` is how the caller sees the target without direct access."""

    whole_set: bool

    async def put(self, objects: list[Obj], *, force: bool = False,
                  dry_run: bool = False) -> list[Obj]:
        """Create or update every object (server-side apply semantics); returns what the
        target holds afterwards, in the same order. Raises the first failure."""
        ...

    async def withdraw(self, objects: list[Obj]) -> int:
        """Remove those objects; returns how many were there. Absent is not an error."""
        ...

    async def status(self) -> DeliveryStatus: ...


@dataclass(slots=True)
class SharedRecord:
    """One record other ccseones of the instance read: ``kind`` namespace | app | revision,
    ``name`` unique within the kind (a revision: ``<app>.<number>``), ``app`` the app a
    revision belongs to, ``data`` JSON-able, ``blob`` large bytes kept beside it (a
    revision's manifests), ``version`` what the store answered last (the next write must
    carry it: a record changed meanwhile is ``ChangedElsewhere``, never overwritten)."""

    kind: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)
    blob: bytes | None = None
    app: str = ""
    version: str = ""


class RecordStore(Protocol):
    """Records every ccseone of an instance shares. ``shared`` False (local): nothing is
    kept anywhere but the local cache, every call is a no-op."""

    shared: bool

    async def list(self, kind: str, app: str = "") -> list[SharedRecord]:
        """Every record of a kind (of one app: ``app``): one request, not one per record."""
        ...

    async def get(self, kind: str, name: str) -> SharedRecord | None: ...

    async def create(self, record: SharedRecord) -> SharedRecord:
        """``ChangedElsewhere`` if one of that name exists (another ccseone made it)."""
        ...

    async def update(self, record: SharedRecord) -> SharedRecord:
        """Replace the record if it still has ``record.version``, else ``ChangedElsewhere``;
        returns it with the new version."""
        ...

    async def delete(self, record: SharedRecord) -> None:
        """Remove it if it still has ``record.version`` (empty: whatever it holds);
        absent is not an error."""
        ...


class ClusterEngine(Protocol):
    name: str
    # True: the control plane lists the members and SQLite only caches them
    members_from_control_plane: bool

    # ---- direct access + status ------------------------------------------------------------

    async def client(self, cluster: MemberCluster) -> Any:
        """A direct API client for one member (``kube.ClusterClient``); raises
        ``DirectAccessUnavailable`` when the engine has no way to the member's API server."""
        ...

    async def probe(self, cluster: MemberCluster, *, full: bool = False) -> ClusterProbe:
        """Status of one member; never raises — failures become the probe's status.
        ``full``: ask everything now (the server version too), as for a probe the user asked
        for; otherwise a warm probe may keep what changes rarely (``engines.probe``)."""
        ...

    # ---- members ---------------------------------------------------------------------------

    async def list_members(self) -> list[MemberView]:
        """Every member the control plane knows, joined or waiting (``[]`` for local)."""
        ...

    def watch_members(self) -> AsyncIterator[list[MemberView]]:
        """The whole member list again after every change on the control plane; a lost
        connection raises ``HubUnreachable`` between snapshots while it retries."""
        ...

    async def details(self, cluster: MemberCluster) -> MemberDetails | None: ...

    async def info(self) -> ControlPlaneInfo: ...

    async def check(self) -> ControlPlaneInfo:
        """Prove the control plane is usable (an instance is created only then)."""
        ...

    # ---- registration ----------------------------------------------------------------------

    async def create_member(self, spec: MemberSpec) -> MemberView | None: ...

    async def join_instructions(self, name: str) -> JoinInstructions: ...

    async def accept(self, name: str) -> str: ...

    async def deny(self, name: str) -> str: ...

    async def remove_member(self, name: str, *, remove_finalizers: bool = False,
                            wait_seconds: float = 30.0) -> MemberRemoval: ...

    # ---- delivery --------------------------------------------------------------------------

    def delivery(self, cluster: MemberCluster, namespace: str, owner: str) -> Delivery: ...

    # ---- the control plane's own events (instance log) -------------------------------------

    async def events_client(self) -> tuple[Any, frozenset[str]] | None:
        """(client, involved kinds) whose Events belong in the instance log, or None."""
        ...

    # ---- shared state ----------------------------------------------------------------------

    def records(self) -> RecordStore: ...

    async def close(self) -> None: ...

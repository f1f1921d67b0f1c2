"""Values shared by the resource browser (issue #11): any kind, on any member cluster.

The read path (``service.ResourceService``: kinds from discovery, kubectl's columns from the
server-side Table, live list+watch per cluster) and the object actions
(``objects.ObjectsService``: describe, YAML, events, drill-down, delete, scale, restart, edit)
and the shell (exec, port-forward) all speak in these types, so the TUI and the CLI never
see raw Table JSON. No ``kubernetes`` import here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ccseone_tui.kube.values import ResourceInfo

CLUSTER_COLUMN = "CLUSTER"
NAMESPACE_COLUMN = "NAMESPACE"


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """One object on one member cluster: what every action is given."""

    cluster: str  # the member cluster's name in ccseone
    info: ResourceInfo  # its type, as that cluster's discovery serves it
    namespace: str | None  # None for a cluster-scoped kind
    name: str

    @property
    def key(self) -> str:
        """The row key: ``cluster/namespace/name`` (``cluster//name`` when cluster-scoped).
        Names of clusters, namespaces and objects never hold a ``/``."""
        return f"{self.cluster}/{self.namespace or ''}/{self.name}"

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.cluster}: {self.info.plural}/{where}{self.name}"


class ResourceRow(NamedTuple):
    """One table row: ``cells`` line up with ``ResourceTable.columns`` (CLUSTER first,
    NAMESPACE second for namespaced kinds, then the server's columns as printed)."""

    key: str  # ObjectRef.key
    cells: tuple[str, ...]
    meta: dict[str, Any]  # the row's object metadata (labels, ownerReferences, uid, rv …)


@dataclass(slots=True)
class ResourceTable:
    """One kind across the asked clusters; never raises for one cluster."""

    info: ResourceInfo  # the kind as resolved (first cluster that serves it)
    columns: tuple[str, ...]  # headers: "CLUSTER", ["NAMESPACE"], then the server's
    clusters: list[str]  # every cluster asked, in cache order
    rows: list[ResourceRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # cluster -> short cause, verbatim
    missing: list[str] = field(default_factory=list)  # clusters that do not serve the kind
    production: frozenset[str] = frozenset()
    skipped: list[str] = field(default_factory=list)  # members not registered yet

    def ref(self, row: ResourceRow) -> ObjectRef:
        cluster, namespace, name = row.key.split("/", 2)
        return ObjectRef(cluster, self.info, namespace or None, name)


@dataclass(slots=True)
class ClusterDelta:
    """What one cluster's list or watch changed since the last delta of that cluster.

    ``reset``: the rows below replace every row of that cluster (a list or a 410 relist);
    otherwise ``upserts`` change rows in place and ``deleted`` are row keys that went.
    ``error`` set: the cluster is a gap now (its rows are kept but marked stale by the
    view); the next delta without an error heals it.
    """

    cluster: str
    upserts: list[ResourceRow] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    reset: bool = False
    error: str | None = None
    missing: bool = False  # the cluster does not serve this kind (not an error)
    columns: tuple[str, ...] | None = None  # set on a list: the headers of these rows


def row_ref(info: ResourceInfo, key: str) -> ObjectRef:
    cluster, namespace, name = key.split("/", 2)
    return ObjectRef(cluster, info, namespace or None, name)


__all__ = ["CLUSTER_COLUMN", "NAMESPACE_COLUMN", "ClusterDelta", "ObjectRef", "ResourceRow",
           "ResourceTable", "row_ref"]

"""The kinds a sandbox cluster serves: built-in ones plus whatever CRDs define.

One ``ResourceType`` per group/version/plural. Built-ins are module constants shared by every
cluster (200 clusters in one process must not each build them); a ``Registry`` adds the
cluster's CRD-defined types on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True, slots=True)
class ResourceType:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    singular: str = ""
    categories: tuple[str, ...] = ()
    # Kinds whose writes bump metadata.generation (those with a spec the controllers read).
    generation: bool = True
    # Kinds whose main resource ignores .status on writes (a /status subresource owns it).
    status_subresource: bool = False
    scale_subresource: bool = False
    verbs: tuple[str, ...] = VERBS
    subresources: tuple[str, ...] = field(default=())
    # a CRD version's additionalPrinterColumns: (name, type, jsonPath, priority) each
    printer_columns: tuple[tuple[str, str, str, int], ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def key(self) -> tuple[str, str]:
        """Storage key: every served version of a kind shares one bucket."""
        return (self.group, self.plural)

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"


def _t(
    group: str, version: str, plural: str, kind: str, namespaced: bool, **kw: Any
) -> ResourceType:
    singular = kw.pop("singular", kind.lower())
    return ResourceType(group, version, plural, kind, namespaced, singular=singular, **kw)


_ALL = ("all",)
_LIST_ONLY = ("get", "list")

BUILTIN: tuple[ResourceType, ...] = (
    _t("", "v1", "namespaces", "Namespace", False, short_names=("ns",),
       status_subresource=True, generation=False, subresources=("finalize", "status"),
       verbs=("create", "delete", "get", "list", "patch", "update", "watch")),
    _t("", "v1", "nodes", "Node", False, short_names=("no",), status_subresource=True,
       generation=False, subresources=("status",)),
    _t("", "v1", "pods", "Pod", True, short_names=("po",), categories=_ALL,
       status_subresource=True, generation=False,
       subresources=("exec", "log", "portforward", "status")),
    _t("", "v1", "services", "Service", True, short_names=("svc",), categories=_ALL,
       status_subresource=True, generation=False, subresources=("status",)),
    _t("", "v1", "configmaps", "ConfigMap", True, short_names=("cm",), generation=False),
    _t("", "v1", "secrets", "Secret", True, generation=False),
    _t("", "v1", "serviceaccounts", "ServiceAccount", True, short_names=("sa",),
       generation=False, subresources=("token",)),
    _t("", "v1", "events", "Event", True, short_names=("ev",), generation=False),
    _t("", "v1", "resourcequotas", "ResourceQuota", True, short_names=("quota",),
       status_subresource=True, generation=False, subresources=("status",)),
    _t("", "v1", "endpoints", "Endpoints", True, short_names=("ep",), generation=False,
       singular="endpoints"),
    _t("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True,
       short_names=("pvc",), status_subresource=True, generation=False,
       subresources=("status",)),
    _t("", "v1", "limitranges", "LimitRange", True, short_names=("limits",), generation=False),
    _t("apps", "v1", "deployments", "Deployment", True, short_names=("deploy",),
       categories=_ALL, status_subresource=True, scale_subresource=True,
       subresources=("scale", "status")),
    _t("apps", "v1", "statefulsets", "StatefulSet", True, short_names=("sts",),
       categories=_ALL, status_subresource=True, scale_subresource=True,
       subresources=("scale", "status")),
    _t("apps", "v1", "daemonsets", "DaemonSet", True, short_names=("ds",), categories=_ALL,
       status_subresource=True, subresources=("status",)),
    _t("apps", "v1", "replicasets", "ReplicaSet", True, short_names=("rs",),
       categories=_ALL, status_subresource=True, scale_subresource=True,
       subresources=("scale", "status")),
    _t("batch", "v1", "jobs", "Job", True, categories=_ALL, status_subresource=True,
       subresources=("status",)),
    _t("batch", "v1", "cronjobs", "CronJob", True, short_names=("cj",), categories=_ALL,
       status_subresource=True, subresources=("status",)),
    _t("rbac.authorization.k8s.io", "v1", "roles", "Role", True, generation=False),
    _t("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True,
       generation=False),
    _t("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False,
       generation=False),
    _t("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False,
       generation=False),
    _t("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
       False, short_names=("crd", "crds"), status_subresource=True,
       subresources=("status",)),
    _t("events.k8s.io", "v1", "events", "Event", True, short_names=("ev",), generation=False),
    # The OCM registration flow (agents ask for client certificates, leases are heartbeats)
    # uses these; every real cluster serves them, so every sandbox cluster does too.
    _t("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest",
       False, short_names=("csr",), status_subresource=True, generation=False,
       subresources=("approval", "status")),
    _t("coordination.k8s.io", "v1", "leases", "Lease", True, generation=False),
)

# Preferred order of groups in /apis, like a real server lists them.
BUILTIN_GROUPS: tuple[str, ...] = (
    "apps", "events.k8s.io", "batch", "certificates.k8s.io", "rbac.authorization.k8s.io",
    "apiextensions.k8s.io", "coordination.k8s.io",
)

_BUILTIN_INDEX: dict[tuple[str, str, str], ResourceType] = {
    (t.group, t.version, t.plural): t for t in BUILTIN
}
# Core kinds by storage key, for code that needs "the" type of a bucket (controllers, GC).
CORE: dict[str, ResourceType] = {t.plural: t for t in BUILTIN if t.group == ""}
APPS: dict[str, ResourceType] = {t.plural: t for t in BUILTIN if t.group == "apps"}
JOBS = _BUILTIN_INDEX[("batch", "v1", "jobs")]
CRDS = _BUILTIN_INDEX[("apiextensions.k8s.io", "v1", "customresourcedefinitions")]
CSRS = _BUILTIN_INDEX[("certificates.k8s.io", "v1", "certificatesigningrequests")]
LEASES = _BUILTIN_INDEX[("coordination.k8s.io", "v1", "leases")]


def crd_types(crd: dict[str, Any]) -> list[ResourceType]:
    """The served types a CustomResourceDefinition object defines."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group", "")
    plural = names.get("plural", "")
    kind = names.get("kind", "")
    if not (group and plural and kind):
        return []
    out = []
    for v in spec.get("versions") or []:
        if not v.get("served", True):
            continue
        subs = (v.get("subresources") or {})
        out.append(
            ResourceType(
                group=group,
                version=v.get("name", "v1"),
                plural=plural,
                kind=kind,
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                singular=names.get("singular") or kind.lower(),
                categories=tuple(names.get("categories") or ()),
                status_subresource="status" in subs,
                scale_subresource="scale" in subs,
                subresources=tuple(s for s in ("scale", "status") if s in subs),
                printer_columns=tuple(
                    (str(c.get("name", "")), str(c.get("type", "string")),
                     str(c.get("jsonPath", "")), int(c.get("priority") or 0))
                    for c in v.get("additionalPrinterColumns") or ()),
            )
        )
    return out


class Registry:
    """Built-in types plus this cluster's CRD types; bumps ``generation`` on every change so
    cached discovery documents know when to rebuild."""

    def __init__(self) -> None:
        self._crd: dict[tuple[str, str, str], ResourceType] = {}
        self._crd_owner: dict[str, list[tuple[str, str, str]]] = {}
        self.generation = 0

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        return _BUILTIN_INDEX.get((group, version, plural)) or self._crd.get(
            (group, version, plural)
        )

    def by_key(self, key: tuple[str, str]) -> ResourceType | None:
        """Any served type stored under ``key`` (the first version found)."""
        for t in BUILTIN:
            if t.key == key:
                return t
        for t in self._crd.values():
            if t.key == key:
                return t
        return None

    def key_for(self, api_version: str, kind: str) -> tuple[str, str] | None:
        """Storage key of ``kind`` in ``apiVersion`` (owner references name kinds, not
        plurals)."""
        group, _, version = api_version.rpartition("/")
        for t in self.types_in(group, version):
            if t.kind == kind:
                return t.key
        return None

    def custom_types(self) -> list[ResourceType]:
        return list(self._crd.values())

    def group_versions(self) -> dict[str, list[str]]:
        """group -> versions in served order, built-ins first."""
        out: dict[str, list[str]] = {g: ["v1"] for g in BUILTIN_GROUPS}
        for t in self._crd.values():
            versions = out.setdefault(t.group, [])
            if t.version not in versions:
                versions.append(t.version)
        return out

    def types_in(self, group: str, version: str) -> list[ResourceType]:
        built = [t for t in BUILTIN if t.group == group and t.version == version]
        return built + [t for t in self._crd.values() if t.group == group and t.version == version]

    def set_crd(self, crd_name: str, types: list[ResourceType]) -> None:
        self.remove_crd(crd_name)
        keys = []
        for t in types:
            k = (t.group, t.version, t.plural)
            if k in _BUILTIN_INDEX:
                continue
            self._crd[k] = t
            keys.append(k)
        self._crd_owner[crd_name] = keys
        self.generation += 1

    def remove_crd(self, crd_name: str) -> None:
        for k in self._crd_owner.pop(crd_name, []):
            self._crd.pop(k, None)
        self.generation += 1

"""Plain value types of the Kubernetes adapter (no ``kubernetes`` import here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class ClusterRef:
    """How to reach one member cluster: a kubeconfig file and a context in it.

    ``context=None`` means the file's ``current-context``. ``name`` is the cluster's name in
    the app (the key of :meth:`KubePool.fan_out` results and of every error).
    """

    name: str
    kubeconfig: str
    context: str | None = None


@dataclass(frozen=True, slots=True)
class ContextInfo:
    """One kubeconfig context, without any credential."""

    name: str
    cluster: str
    server: str
    user: str
    namespace: str | None
    file: str
    insecure: bool = False
    current: bool = False  # the merged current-context


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """One resource type the API server serves (from discovery)."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def base_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path of the collection (``name=None``) or of one object.

        A namespaced type without a namespace gives the all-namespaces collection; the
        namespace of a cluster-scoped type is ignored (as kubectl does).
        """
        parts = [self.base_path]
        if self.namespaced and namespace:
            parts.append(f"namespaces/{quote(namespace, safe='')}")
        parts.append(self.plural)
        if name is not None:
            parts.append(quote(name, safe=""))
        return "/".join(parts)


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One watch event: ``ADDED``, ``MODIFIED``, ``DELETED`` with the object, or ``RELIST``.

    ``RELIST`` carries a whole ``List`` (``items`` + ``metadata.resourceVersion``): the watch
    (re)started from a fresh list — at the start when no resourceVersion was given, and after
    the server answered 410 Gone. The consumer replaces its state with the list's items.
    """

    type: str
    object: dict[str, Any] = field(default_factory=dict)

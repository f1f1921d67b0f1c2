"""The Kubernetes adapter — the only package that imports ``kubernetes`` (and only lazily:
importing this package does not import ``kubernetes`` nor ``aiohttp``; the first connection
does, in a worker thread, so the app can paint before paying for it).

Public API::

    list_contexts(paths) -> list[ContextInfo]
    ClusterRef(name, kubeconfig, context)
    KubePool(settings): await pool.client(ref), await pool.fan_out(refs, fn, timeout=…)
    ClusterClient: request, version, discover, resource_for, list, get, create, apply,
                   merge_patch, delete, watch (WatchEvent), logs, close
"""

from ccseone_tui.kube.client import ClusterClient
from ccseone_tui.kube.errors import KindNotFound
from ccseone_tui.kube.kubeconfig import list_contexts
from ccseone_tui.kube.pool import KubePool
from ccseone_tui.kube.values import ClusterRef, ContextInfo, ResourceInfo, WatchEvent

__all__ = [
    "ClusterClient",
    "ClusterRef",
    "ContextInfo",
    "KindNotFound",
    "KubePool",
    "ResourceInfo",
    "WatchEvent",
    "list_contexts",
]

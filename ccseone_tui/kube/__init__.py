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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient
    from ccseone_tui.kube.errors import KindNotFound
    from ccseone_tui.kube.kubeconfig import list_contexts
    from ccseone_tui.kube.pool import KubePool
    from ccseone_tui.kube.values import ClusterRef, ContextInfo, ResourceInfo, WatchEvent

# Each name is imported on first use (PEP 562): a cache-only CLI command builds a KubePool
# it never calls, and should not pay for the client, discovery and error modules (ssl,
# email) that only a connection needs.
_WHERE = {"ClusterClient": "client", "KindNotFound": "errors", "list_contexts": "kubeconfig",
          "KubePool": "pool", "ClusterRef": "values", "ContextInfo": "values",
          "ResourceInfo": "values", "WatchEvent": "values"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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

"""Helpers shared by the kube adapter tests (plain functions; fixtures are in conftest)."""

from __future__ import annotations

import asyncio
import itertools

from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterClient, ClusterRef, list_contexts

SETTINGS = Settings(connect_timeout=1.0, read_timeout=2.0, per_cluster_concurrency=8)
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}"


def refs_for(fleet, kubeconfig: str | None = None) -> list[ClusterRef]:
    """One ref per sandbox cluster (the fleet names each context after its cluster)."""
    path = str(kubeconfig or fleet.kubeconfig_path)
    contexts = {c.name for c in list_contexts([path])}
    assert {c.name for c in fleet.clusters} <= contexts
    return [ClusterRef(name=c.name, kubeconfig=path, context=c.name) for c in fleet.clusters]


async def wait_for(
    client: ClusterClient,
    api_version: str,
    kind: str,
    predicate,
    *,
    namespace: str | None = None,
    label_selector: str | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109
) -> list[dict]:
    """Watch (list + events) until ``predicate(objects)`` holds; returns the objects."""
    state: dict[tuple[str, str], dict] = {}
    stream = client.watch(api_version, kind, namespace=namespace, label_selector=label_selector)
    try:
        async with asyncio.timeout(timeout):
            async for event in stream:
                if event.type == "RELIST":
                    state = {_key(o): o for o in event.object["items"]}
                elif event.type == "DELETED":
                    state.pop(_key(event.object), None)
                else:
                    state[_key(event.object)] = event.object
                if predicate(list(state.values())):
                    return list(state.values())
    finally:
        await stream.aclose()
    raise AssertionError("watch ended")


def _key(obj: dict) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return meta.get("namespace", ""), meta.get("name", "")

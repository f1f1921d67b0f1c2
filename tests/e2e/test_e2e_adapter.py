"""The kube adapter scenarios of tests/kube, against real clusters (opt-in, see conftest)."""

from __future__ import annotations

import asyncio

import pytest

from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.kube import ClusterClient, ClusterRef, KubePool


def _ok(results: dict[str, object]) -> dict[str, object]:
    failed = {k: v for k, v in results.items() if isinstance(v, BaseException)}
    assert not failed, failed
    return results


async def test_version_everywhere(e2e_pool: KubePool, e2e_refs: list[ClusterRef]) -> None:
    results = _ok(await e2e_pool.fan_out(e2e_refs, lambda c: c.version(), timeout=30))
    for version in results.values():
        assert str(version["gitVersion"]).startswith("v")


async def test_discovery(e2e_pool: KubePool, e2e_refs: list[ClusterRef]) -> None:
    async def check(c: ClusterClient) -> None:
        resources = await c.discover()
        assert any(r.kind == "ConfigMap" and r.api_version == "v1" for r in resources)
        deploy = await c.resource_for("apps/v1", "Deployment")
        assert deploy.plural == "deployments" and deploy.namespaced

    _ok(await e2e_pool.fan_out(e2e_refs, check, timeout=60))


async def test_configmap_lifecycle(
    e2e_pool: KubePool, e2e_refs: list[ClusterRef], e2e_namespace: str
) -> None:
    async def scenario(c: ClusterClient) -> None:
        cm = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "e2e", "namespace": e2e_namespace},
            "data": {"a": "1"},
        }
        created = await c.create(cm)
        rv = created["metadata"]["resourceVersion"]
        watch = c.watch("v1", "ConfigMap", namespace=e2e_namespace, resource_version=rv)
        try:
            applied = await c.apply({**cm, "data": {"a": "2"}}, force=True)
            assert applied["data"]["a"] == "2"
            event = await asyncio.wait_for(anext(watch), 30)
            assert event.type == "MODIFIED" and event.object["data"]["a"] == "2"
        finally:
            await watch.aclose()
        got = await c.get("v1", "ConfigMap", "e2e", namespace=e2e_namespace)
        assert got["data"] == {"a": "2"}
        await c.delete("v1", "ConfigMap", "e2e", namespace=e2e_namespace)
        with pytest.raises(ResourceNotFound):
            await c.get("v1", "ConfigMap", "e2e", namespace=e2e_namespace)

    _ok(await e2e_pool.fan_out(e2e_refs, scenario, timeout=120))


async def test_pod_logs(e2e_pool: KubePool, e2e_refs: list[ClusterRef]) -> None:
    """Reads the tail of a running kube-system pod; skips where no node is Ready."""
    checked = 0
    for ref in e2e_refs:
        c = await e2e_pool.client(ref)
        nodes = (await c.list("v1", "Node"))["items"]
        ready = [
            n
            for n in nodes
            for cond in n.get("status", {}).get("conditions", [])
            if cond.get("type") == "Ready" and cond.get("status") == "True"
        ]
        if not ready:
            continue
        pods = await c.list(
            "v1", "Pod", namespace="kube-system", field_selector="status.phase=Running"
        )
        if not pods["items"]:
            continue
        pod = pods["items"][0]
        container = pod["spec"]["containers"][0]["name"]
        lines = [
            line
            async for line in c.logs(
                "kube-system",
                pod["metadata"]["name"],
                container=container,
                tail_lines=5,
                timestamps=True,
            )
        ]
        assert len(lines) <= 5
        checked += 1
    if not checked:
        pytest.skip("e2e: no cluster has a Ready node with a running kube-system pod")

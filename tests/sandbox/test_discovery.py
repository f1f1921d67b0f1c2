"""Version, health, discovery and authentication, through the official client."""

from __future__ import annotations

import shutil

import aiohttp
import pytest
from kubernetes.aio import client, config

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw


async def test_version_and_health(raw: Raw) -> None:
    v = await raw.get("/version")
    assert v["gitVersion"] == "v1.30.2"
    assert (v["major"], v["minor"]) == ("1", "30")
    status, body, _ = await raw.call("GET", "/healthz", accept="text/plain")
    assert (status, body) == (200, "ok")


async def test_typed_client_works(api_client: client.ApiClient) -> None:
    info = await client.VersionApi(api_client).get_code()
    assert info.git_version == "v1.30.2"
    nodes = await client.CoreV1Api(api_client).list_node()
    assert [n.metadata.name for n in nodes.items] == [
        "sandbox-1-node-1", "sandbox-1-node-2", "sandbox-1-node-3"]
    assert nodes.items[0].status.node_info.kubelet_version == "v1.30.2"


async def test_discovery_documents(raw: Raw) -> None:
    assert (await raw.get("/api"))["versions"] == ["v1"]
    core = await raw.get("/api/v1")
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods["namespaced"] and pods["kind"] == "Pod" and pods["shortNames"] == ["po"]
    assert "watch" in pods["verbs"]
    assert any(r["name"] == "pods/log" for r in core["resources"])
    groups = {g["name"] for g in (await raw.get("/apis"))["groups"]}
    assert {"apps", "batch", "rbac.authorization.k8s.io", "apiextensions.k8s.io",
            "events.k8s.io"} <= groups
    apps = await raw.get("/apis/apps/v1")
    deploy = next(r for r in apps["resources"] if r["name"] == "deployments")
    assert deploy["shortNames"] == ["deploy"] and deploy["singularName"] == "deployment"
    status, body, _ = await raw.call("GET", "/apis/nope.example.com/v1")
    assert status == 404 and body["reason"] == "NotFound"


async def test_unauthorized_without_or_with_wrong_token(fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{c.url}/api/v1/namespaces") as r:
            assert r.status == 401
            body = await r.json()
            assert (body["kind"], body["reason"], body["code"]) == ("Status", "Unauthorized", 401)
        async with s.get(f"{c.url}/api/v1/namespaces",
                         headers={"Authorization": "Bearer wrong"}) as r:
            assert r.status == 401
        async with s.get(f"{c.url}/version", headers={"Authorization": "Bearer wrong"}) as r:
            assert r.status == 401
        # Like a real API server, /version and health endpoints are public.
        async with s.get(f"{c.url}/version") as r:
            assert r.status == 200


async def test_kubeconfig_has_a_context_per_cluster(fleet: SandboxFleet) -> None:
    import yaml

    path = fleet.kubeconfig_path
    assert path.stat().st_mode & 0o777 == 0o600
    doc = yaml.safe_load(path.read_text())
    assert [c["name"] for c in doc["contexts"]] == ["sandbox-1", "sandbox-2"]
    servers = {c["name"]: c["cluster"]["server"] for c in doc["clusters"]}
    assert servers["sandbox-2"] == fleet["sandbox-2"].url.replace("https", "http")
    assert fleet["sandbox-2"].url.startswith("http://127.0.0.1:")


async def test_add_cluster_rewrites_kubeconfig(fleet: SandboxFleet) -> None:
    import yaml

    c = await fleet.add_cluster(version="v1.29.5")
    assert c.name == "sandbox-3"
    doc = yaml.safe_load(fleet.kubeconfig_path.read_text())
    assert "sandbox-3" in [x["name"] for x in doc["contexts"]]
    async with aiohttp.ClientSession() as s, s.get(f"{c.url}/version") as r:
        assert (await r.json())["gitVersion"] == "v1.29.5"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for TLS")
async def test_tls_fleet_with_the_official_client() -> None:
    async with SandboxFleet(clusters=1, tls=True, system_workloads=False) as f:
        assert f.clusters[0].url.startswith("https://127.0.0.1:")
        api = await config.new_client_from_config(config_file=str(f.kubeconfig_path),
                                                  context="sandbox-1")
        try:
            ns = await client.CoreV1Api(api).list_namespace()
        finally:
            await api.close()
        assert "default" in [n.metadata.name for n in ns.items]

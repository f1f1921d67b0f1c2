"""The OCM kinds the sandbox serves: discovery on the hub and on members, hub seeding, and
that the declarations match the real OCM v1.3 CRD files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from kubernetes.aio import client

from ccseone_tui.sandbox import SandboxCluster, SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import HUB_KINDS, MANAGED_SERVICE_ACCOUNTS, MEMBER_KINDS

from .conftest import Raw
from .ocm_support import condition, ocm_fleet, open_raw

CRD_DIRS = (Path(__file__).parents[1] / "data" / "ocm-crds",
            Path(__file__).parent / "data" / "ocm-crds")


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    f = await ocm_fleet()
    try:
        yield f
    finally:
        await f.stop()


@pytest.fixture
async def hub(fleet: SandboxFleet) -> AsyncIterator[Raw]:
    api, raw = await open_raw(fleet, "hub")
    try:
        yield raw
    finally:
        await api.close()


async def test_discovery_lists_the_ocm_kinds(fleet: SandboxFleet, hub: Raw) -> None:
    groups = await client.ApisApi(hub.api).get_api_versions()
    names = {g.name for g in groups.groups}
    assert {"cluster.open-cluster-management.io", "addon.open-cluster-management.io",
            "work.open-cluster-management.io", "operator.open-cluster-management.io",
            "certificates.k8s.io", "coordination.k8s.io"} <= names
    cluster_v1 = await hub.get("/apis/cluster.open-cluster-management.io/v1")
    mcl = next(r for r in cluster_v1["resources"] if r["name"] == "managedclusters")
    assert (mcl["kind"], mcl["namespaced"], mcl["shortNames"]) == (
        "ManagedCluster", False, ["mcl", "mcls"])
    assert any(r["name"] == "managedclusters/status" for r in cluster_v1["resources"])
    csr = await hub.get("/apis/certificates.k8s.io/v1")
    assert {r["name"] for r in csr["resources"]} == {
        "certificatesigningrequests", "certificatesigningrequests/approval",
        "certificatesigningrequests/status"}
    work = await hub.get("/apis/work.open-cluster-management.io/v1")
    assert [(r["name"], r["namespaced"]) for r in work["resources"]
            if "/" not in r["name"]] == [("manifestworks", True)]
    # a member serves the managed-cluster side
    api, member = await open_raw(fleet, "sandbox-1")
    try:
        op = await member.get("/apis/operator.open-cluster-management.io/v1")
        assert [r["kind"] for r in op["resources"] if "/" not in r["name"]] == ["Klusterlet"]
        claims = await member.get("/apis/cluster.open-cluster-management.io/v1alpha1")
        assert claims["resources"][0]["name"] == "clusterclaims"
        applied = await member.get("/apis/work.open-cluster-management.io/v1")
        assert applied["resources"][0]["kind"] == "AppliedManifestWork"
        # the CRDs are there too, as on a real cluster
        status, _, _ = await member.call(
            "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                   "klusterlets.operator.open-cluster-management.io")
        assert status == 200
    finally:
        await api.close()


async def test_declarations_match_the_real_crds() -> None:
    """Install the real OCM v1.3 CRDs into a plain cluster: it must serve what we declare."""
    files = sorted(p for d in CRD_DIRS for p in d.glob("*.crd.yaml"))
    async with SandboxCluster("plain", nodes=1, system_workloads=False) as c:
        for path in files:
            crd = yaml.safe_load(path.read_text())
            c.writes.create(c.state.registry.lookup("apiextensions.k8s.io", "v1",
                                                    "customresourcedefinitions"), "", crd, None)
        checked = 0
        for kind in HUB_KINDS + MEMBER_KINDS:
            if kind is MANAGED_SERVICE_ACCOUNTS or kind.plural == "clustermanagers":
                continue  # not among the v1.3 API CRD files
            for ours in kind.types():
                real = c.state.registry.lookup(ours.group, ours.version, ours.plural)
                assert real is not None, f"{ours.plural}.{ours.group}/{ours.version}"
                fields = ("kind", "namespaced", "short_names", "singular",
                          "status_subresource", "scale_subresource")
                assert {f: getattr(ours, f) for f in fields} == {
                    f: getattr(real, f) for f in fields}, ours.plural
                checked += 1
            assert [t.version for t in kind.types()] == [
                t.version for t in c.state.registry.custom_types() if t.plural == kind.plural]
        assert checked >= 10


async def test_the_hub_is_seeded_like_clusteradm_init(fleet: SandboxFleet, hub: Raw) -> None:
    cm = await hub.get("/apis/operator.open-cluster-management.io/v1/clustermanagers/"
                       "cluster-manager")
    assert cm["spec"]["registrationImagePullSpec"] == (
        "quay.io/open-cluster-management/registration:v1.0.0")
    assert condition(cm, "Applied")["status"] == "True"
    deployments = await hub.get("/apis/apps/v1/namespaces/open-cluster-management-hub/"
                                "deployments")
    ready = {d["metadata"]["name"]: d["status"].get("readyReplicas") for d in deployments["items"]}
    assert ready == {"cluster-manager-registration-controller": 1,
                     "cluster-manager-registration-webhook": 1,
                     "cluster-manager-work-webhook": 1,
                     "cluster-manager-placement-controller": 1}
    sets = await hub.get("/apis/cluster.open-cluster-management.io/v1beta2/managedclustersets")
    assert [s["metadata"]["name"] for s in sets["items"]] == ["default", "global"]
    # the bootstrap service account's token may register clusters and nothing more
    status, answer, _ = await hub.call(
        "POST", "/api/v1/namespaces/open-cluster-management/serviceaccounts/"
                "agent-registration-bootstrap/token",
        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}})
    assert status == 201
    token = answer["status"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert fleet.hub is not None
    async with aiohttp.ClientSession() as http:
        async with http.get(fleet.hub.url + "/apis/certificates.k8s.io/v1/"
                            "certificatesigningrequests", headers=headers) as r:
            assert r.status == 200
        async with http.get(fleet.hub.url + "/api/v1/namespaces", headers=headers) as r:
            body = await r.json()
            assert r.status == 403 and "cannot list resource" in body["message"]
        fleet.hub.tokens.advance(3601)  # expired like any sandbox token
        async with http.get(fleet.hub.url + "/apis/certificates.k8s.io/v1/"
                            "certificatesigningrequests", headers=headers) as r:
            assert r.status == 401

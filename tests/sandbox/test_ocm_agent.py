"""Registration through the emulated klusterlet agent and hub, over HTTP with the official
client: CSR + acceptance, status reporting, lease expiry and recovery, denial, deletion,
bad bootstrap tokens, node placement and the managed-serviceaccount addon."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from kubernetes.aio import client

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_agent import RegistrationAgent

from .conftest import Raw
from .ocm_support import (
    CSR_PATH,
    KL_PATH,
    MC_PATH,
    WAIT,
    condition,
    has,
    ocm_fleet,
    open_raw,
    until,
)

AVAILABLE = "ManagedClusterConditionAvailable"
BOOTSTRAP_USER = "system:serviceaccount:open-cluster-management:agent-registration-bootstrap"


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


@pytest.fixture
async def member(fleet: SandboxFleet) -> AsyncIterator[Raw]:
    api, raw = await open_raw(fleet, "sandbox-1")
    try:
        yield raw
    finally:
        await api.close()


async def agent_of(fleet: SandboxFleet, member: str = "sandbox-1") -> RegistrationAgent:
    assert fleet.ocm is not None
    async with asyncio.timeout(WAIT):
        return await fleet.ocm.klusterlets[member].wait_agent()


async def csrs_of(hub: Raw, cluster: str) -> list[dict[str, Any]]:
    listing = await hub.get(CSR_PATH, query=[
        ("labelSelector", f"open-cluster-management.io/cluster-name={cluster}")])
    return listing["items"]


async def accept(hub: Raw, cluster: str) -> None:
    """What an engine (or clusteradm accept) does: approve via /approval, then accept."""
    certs = client.CertificatesV1Api(hub.api)
    for csr in await csrs_of(hub, cluster):
        obj = await certs.read_certificate_signing_request(csr["metadata"]["name"])
        obj.status.conditions = [client.V1CertificateSigningRequestCondition(
            type="Approved", status="True", reason="ccseone", message="approved by a test")]
        await certs.replace_certificate_signing_request_approval(obj.metadata.name, obj)
    await client.CustomObjectsApi(hub.api).patch_cluster_custom_object(
        "cluster.open-cluster-management.io", "v1", "managedclusters", cluster,
        {"spec": {"hubAcceptsClient": True}})


async def joined(fleet: SandboxFleet, hub: Raw, cluster: str = "sandbox-1") -> dict[str, Any]:
    await fleet.join(cluster)
    agent = await agent_of(fleet, cluster)
    async with asyncio.timeout(WAIT):
        await agent.wait_for("WaitingForApproval")
    await accept(hub, cluster)
    return await until(hub, MC_PATH, cluster, has(AVAILABLE, "True"))


async def test_join_files_a_csr_and_waits_for_acceptance(fleet: SandboxFleet, hub: Raw,
                                                         member: Raw) -> None:
    await fleet.join("sandbox-1")
    agent = await agent_of(fleet)
    async with asyncio.timeout(WAIT):
        await agent.wait_for("WaitingForApproval")
    mc = await hub.get(f"{MC_PATH}/sandbox-1")
    assert mc["spec"]["hubAcceptsClient"] is False
    assert mc["spec"]["leaseDurationSeconds"] == 60
    assert mc["spec"]["managedClusterClientConfigs"] == [{"url": fleet["sandbox-1"].url}]
    [csr] = await csrs_of(hub, "sandbox-1")
    assert csr["metadata"]["name"].startswith("sandbox-1-")
    assert csr["metadata"]["labels"]["open-cluster-management.io/agent-name"] == agent.agent_name
    assert csr["spec"]["signerName"] == "kubernetes.io/kube-apiserver-client"
    assert csr["spec"]["username"] == BOOTSTRAP_USER  # set by the server, not the agent
    assert "status" not in csr or not csr["status"].get("certificate")
    kl = await member.get(f"{KL_PATH}/klusterlet")
    degraded = condition(kl, "HubConnectionDegraded")
    assert degraded["reason"] == "BootstrapSecretFunctional,HubKubeConfigSecretMissing"
    # not accepted yet: no namespace, no lease, still waiting
    status, _, _ = await hub.call("GET", "/api/v1/namespaces/sandbox-1")
    assert status == 404
    assert agent.phase == "WaitingForApproval"


async def test_accepting_joins_with_status_claims_and_lease(fleet: SandboxFleet, hub: Raw,
                                                            member: Raw) -> None:
    status, _, _ = await member.call(
        "POST", "/apis/cluster.open-cluster-management.io/v1alpha1/clusterclaims",
        {"metadata": {"name": "region.ccseone.io"}, "spec": {"value": "eu-west"}})
    assert status == 201
    mc = await joined(fleet, hub)
    assert condition(mc, "HubAcceptedManagedCluster")["reason"] == "HubClusterAdminAccepted"
    assert condition(mc, "ManagedClusterJoined")["status"] == "True"
    assert mc["status"]["version"] == {"kubernetes": "v1.30.2"}
    assert mc["status"]["capacity"] == {"cpu": "24", "pods": "330", "memory": "98590368Ki"}
    assert mc["status"]["allocatable"]["cpu"] == "24"
    assert mc["status"]["clusterClaims"] == [
        {"name": "id.k8s.io", "value": "sandbox-1"},
        {"name": "region.ccseone.io", "value": "eu-west"}]
    assert "cluster.open-cluster-management.io/api-resource-cleanup" in mc["metadata"][
        "finalizers"]
    lease = await hub.get("/apis/coordination.k8s.io/v1/namespaces/sandbox-1/leases/"
                          "managed-cluster-lease")
    assert lease["spec"]["renewTime"].endswith("Z")
    [csr] = await csrs_of(hub, "sandbox-1")
    assert csr["status"]["certificate"]
    secret = await member.get("/api/v1/namespaces/open-cluster-management-agent/secrets/"
                              "hub-kubeconfig-secret")
    assert base64.b64decode(secret["data"]["cluster-name"]) == b"sandbox-1"
    kl = await until(member, KL_PATH, "klusterlet",
                     has("HubConnectionDegraded", "False", "HubConnectionFunctional"))
    assert condition(kl, "Available")["status"] == "True"
    events = await hub.get("/api/v1/namespaces/sandbox-1/events")
    reasons = [e["reason"] for e in events["items"]]
    assert {"ManagedClusterAccepted", "ManagedClusterJoined",
            "ManagedClusterAvailable"} <= set(reasons)
    hub_events = await hub.get("/api/v1/namespaces/open-cluster-management-hub/events")
    assert {"CSRCreated", "ClientCertificateIssued", "ManagedClusterCreated"} <= {
        e["reason"] for e in hub_events["items"]}


async def test_a_stopped_member_goes_unknown_and_comes_back(fleet: SandboxFleet,
                                                            hub: Raw) -> None:
    await joined(fleet, hub)
    assert fleet.ocm is not None
    hub_ctl = fleet.ocm.hub
    assert await hub_ctl.advance(299) == []  # the live agent renewed: within grace
    await fleet["sandbox-1"].set_outage(True)
    assert await hub_ctl.advance(299) == []  # 5 × 60 s have not passed since the renewal
    assert await hub_ctl.advance(2) == ["sandbox-1"]
    mc = await hub.get(f"{MC_PATH}/sandbox-1")
    unknown = condition(mc, AVAILABLE)
    assert (unknown["status"], unknown["reason"]) == ("Unknown",
                                                      "ManagedClusterLeaseUpdateStopped")
    events = await hub.get("/api/v1/namespaces/sandbox-1/events")
    assert any(e["reason"] == "AvailableUnknown" and e["type"] == "Warning"
               for e in events["items"])
    await fleet["sandbox-1"].set_outage(False)
    await until(hub, MC_PATH, "sandbox-1", has(AVAILABLE, "True"))
    assert await hub_ctl.advance(1) == []


async def test_denying_takes_the_agents_access_away(fleet: SandboxFleet, hub: Raw,
                                                    member: Raw) -> None:
    await joined(fleet, hub)
    agent = await agent_of(fleet)
    await client.CustomObjectsApi(hub.api).patch_cluster_custom_object(
        "cluster.open-cluster-management.io", "v1", "managedclusters", "sandbox-1",
        {"spec": {"hubAcceptsClient": False}})
    mc = await until(hub, MC_PATH, "sandbox-1",
                     has("HubAcceptedManagedCluster", "False", "HubClusterAdminDenied"))
    assert mc["spec"]["hubAcceptsClient"] is False
    assert fleet.ocm is not None
    await fleet.ocm.hub.advance(1)  # the agent's next heartbeat meets a 403
    async with asyncio.timeout(WAIT):
        await agent.wait_for("Denied")
    kl = await member.get(f"{KL_PATH}/klusterlet")
    assert condition(kl, "HubConnectionDegraded")["status"] == "True"
    # the agent's credential can no longer renew its lease
    assert agent._hub is not None
    status, body = await agent._hub.call(
        "GET", "/apis/coordination.k8s.io/v1/namespaces/sandbox-1/leases/managed-cluster-lease")
    assert status == 403 and "system:open-cluster-management:sandbox-1:" in body["message"]


async def test_deleting_the_managed_cluster_stops_the_agent(fleet: SandboxFleet, hub: Raw,
                                                            member: Raw) -> None:
    await joined(fleet, hub)
    agent = await agent_of(fleet)
    status, _, _ = await hub.call("DELETE", f"{MC_PATH}/sandbox-1")
    assert status == 200
    async with asyncio.timeout(WAIT):
        await agent.wait_for("Deleted")
    kl = await until(member, KL_PATH, "klusterlet",
                     has("HubConnectionDegraded", "True", "ManagedClusterDeleted"))
    assert "deleted on the hub" in condition(kl, "HubConnectionDegraded")["message"]
    status, _, _ = await hub.call("GET", f"{MC_PATH}/sandbox-1")
    assert status == 404  # the hub released its finalizer


async def test_a_precreated_cluster_keeps_its_labels(fleet: SandboxFleet, hub: Raw) -> None:
    status, _, _ = await hub.call("POST", MC_PATH, {
        "apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
        "metadata": {"name": "edge-7", "labels": {"ccseone.io/instance": "prod",
                                                  "cluster.open-cluster-management.io/"
                                                  "clusterset": "default"}},
        "spec": {"hubAcceptsClient": True}})
    assert status == 201
    await fleet.join("sandbox-2", cluster_name="edge-7")
    agent = await agent_of(fleet, "sandbox-2")
    async with asyncio.timeout(WAIT):
        await agent.wait_for("WaitingForApproval")
    await accept(hub, "edge-7")
    mc = await until(hub, MC_PATH, "edge-7", has(AVAILABLE, "True"))
    assert mc["metadata"]["labels"]["ccseone.io/instance"] == "prod"
    assert mc["spec"]["managedClusterClientConfigs"] == [{"url": fleet["sandbox-2"].url}]


@pytest.mark.parametrize("case", ["garbage", "expired", "revoked"])
async def test_a_bad_bootstrap_token_fails_and_creates_nothing(fleet: SandboxFleet, hub: Raw,
                                                               member: Raw, case: str) -> None:
    assert fleet.ocm is not None and fleet.hub is not None
    token = "not-a-token"
    if case != "garbage":
        token = fleet.ocm.bootstrap_token(seconds=600)
        if case == "expired":
            fleet.hub.tokens.advance(601)
        else:  # revoked: the service account is re-created, with a new uid
            sa = "/api/v1/namespaces/open-cluster-management/serviceaccounts"
            assert (await hub.call("DELETE", f"{sa}/agent-registration-bootstrap"))[0] == 200
            assert (await hub.call("POST", sa, {"metadata": {
                "name": "agent-registration-bootstrap"}}))[0] == 201
    await fleet.join("sandbox-1", token=token)
    agent = await agent_of(fleet)
    async with asyncio.timeout(WAIT):
        await agent.wait_for("Failed")
    assert agent.message == "Unauthorized"
    kl = await until(member, KL_PATH, "klusterlet",
                     has("HubConnectionDegraded", "True", "BootstrapSecretError"))
    assert "Unauthorized" in condition(kl, "HubConnectionDegraded")["message"]
    assert (await hub.get(MC_PATH))["items"] == []
    assert (await hub.get(CSR_PATH))["items"] == []


async def test_node_placement_gates_the_agent(fleet: SandboxFleet, hub: Raw,
                                              member: Raw) -> None:
    values = {"klusterlet": {"nodePlacement": {"nodeSelector": {"ccseone-node-type": "edge"}}}}
    await fleet.join("sandbox-1", values=values)
    await fleet.settle()
    assert fleet.ocm is not None
    assert fleet.ocm.klusterlets["sandbox-1"].agent is None  # its pods cannot be scheduled
    deploy = await member.get("/apis/apps/v1/namespaces/open-cluster-management-agent/"
                              "deployments/klusterlet-registration-agent")
    assert deploy["spec"]["template"]["spec"]["nodeSelector"] == {"ccseone-node-type": "edge"}
    kl = await member.get(f"{KL_PATH}/klusterlet")
    assert condition(kl, "RegistrationDesiredDegraded")["status"] == "True"
    await client.CoreV1Api(member.api).patch_node(
        "sandbox-1-node-2", {"metadata": {"labels": {"ccseone-node-type": "edge"}}})
    agent = await agent_of(fleet)
    async with asyncio.timeout(WAIT):
        await agent.wait_for("WaitingForApproval")
    assert len(await csrs_of(hub, "sandbox-1")) == 1


async def test_managed_serviceaccount_addon_projects_a_member_token() -> None:
    fleet = await ocm_fleet(managed_serviceaccount=True)
    try:
        api, hub = await open_raw(fleet, "hub")
        try:
            await joined(fleet, hub)
            addon = await until(hub, "/apis/addon.open-cluster-management.io/v1alpha1/"
                                "namespaces/sandbox-1/managedclusteraddons",
                                "managed-serviceaccount", has("Available", "True"))
            assert addon["status"]["namespace"] == "open-cluster-management-agent-addon"
            msa = await until(hub, "/apis/authentication.open-cluster-management.io/v1beta1/"
                              "namespaces/sandbox-1/managedserviceaccounts", "ccseone",
                              has("TokenReported", "True"))
            assert msa["status"]["tokenSecretRef"]["name"] == "ccseone"
            secret = await hub.get("/api/v1/namespaces/sandbox-1/secrets/ccseone")
            token = base64.b64decode(secret["data"]["token"]).decode()
            mc = await hub.get(f"{MC_PATH}/sandbox-1")
            url = mc["spec"]["managedClusterClientConfigs"][0]["url"]
            async with aiohttp.ClientSession() as http, http.get(
                    url + "/api/v1/namespaces", headers={"Authorization": f"Bearer {token}"}
            ) as r:
                assert r.status == 200
        finally:
            await api.close()
    finally:
        await fleet.stop()


async def test_tls_hub_registration() -> None:
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for a TLS sandbox")
    fleet = await ocm_fleet(clusters=1, tls=True)
    try:
        assert fleet.hub is not None and fleet.hub.url.startswith("https://")
        api, hub = await open_raw(fleet, "hub")
        try:
            mc = await joined(fleet, hub)
            [config] = mc["spec"]["managedClusterClientConfigs"]
            assert config["url"].startswith("https://") and config["caBundle"]
        finally:
            await api.close()
    finally:
        await fleet.stop()

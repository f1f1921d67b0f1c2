"""Control instances and associating clusters, with every SPEC §6.1 row that applies."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import ClusterStatus, InstanceStatus
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.events import ClusterProbed, ClustersRefreshed

from .conftest import make_settings


async def test_associate_three_clusters_probes_each(services: Services,
                                                    fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    results = await services.clusters.associate(
        "east", [AssociateRequest(context=c.name) for c in fleet.clusters])
    assert [getattr(r, "name", r) for r in results] == [c.name for c in fleet.clusters]
    for cluster in results:
        assert not isinstance(cluster, Exception)
        assert cluster.probe.status is ClusterStatus.READY
        assert cluster.probe.version == "v1.30.2"
        assert cluster.probe.nodes == 2 and cluster.probe.nodes_ready == 2
        assert cluster.probe.edge_nodes == 0
    cached = await services.clusters.list()
    assert {c.name for c in cached} == {c.name for c in fleet.clusters}
    assert (await services.instances.counts(results[0].instance_id))["clusters"] == 3  # type: ignore[union-attr]
    journal = await services.store.list_journal(results[0].instance_id)  # type: ignore[union-attr]
    assert [e.action for e in journal].count("cluster.associate") == 3
    assert all(e.user == "tester" for e in journal)


async def test_refresh_marks_dead_cluster_and_keeps_the_others(services: Services,
                                                               fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context=c.name)
                                               for c in fleet.clusters])
    probed: list[str] = []
    services.events.subscribe(lambda e: probed.append(e.cluster.name)
                              if isinstance(e, ClusterProbed) else None)
    await fleet.clusters[1].set_outage(True)
    done = services.events.next(ClustersRefreshed)
    await services.clusters.refresh()
    await done
    by_name = {c.name: c for c in await services.clusters.list()}
    dead = by_name[fleet.clusters[1].name]
    assert dead.probe.status is ClusterStatus.OFFLINE
    assert dead.probe.error
    assert dead.probe.last_seen is not None  # the last time it answered is kept
    assert by_name[fleet.clusters[0].name].probe.status is ClusterStatus.READY
    assert sorted(probed) == sorted(c.name for c in fleet.clusters)
    await fleet.clusters[1].set_outage(False)
    await services.clusters.refresh()
    assert (await services.clusters.get(dead.name)).probe.status is ClusterStatus.READY


# ---- SPEC §6.1, one test per row ---------------------------------------------------------


async def test_name_not_compliant(services: Services) -> None:
    with pytest.raises(E.NameNotCompliant) as err:
        await services.instances.create("Bad_Name", "cn-east-1")
    assert "letters, digits and '-'" in str(err.value)
    await services.instances.create("east", "cn-east-1")
    [res] = await services.clusters.associate(
        "east", [AssociateRequest(context="sandbox-1", name="-bad-")])
    assert isinstance(res, E.NameNotCompliant)


async def test_same_name_exists(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    with pytest.raises(E.NameExists):
        await services.instances.create("east", "cn-east-1")
    [res] = await services.clusters.associate("east", [AssociateRequest(context="sandbox-1",
                                                                        name="east")])
    assert isinstance(res, E.NameExists) and "choose another name" in str(res)


async def test_cluster_already_associated_even_under_another_name(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    [res] = await services.clusters.associate("east", [AssociateRequest(context="sandbox-1",
                                                                        name="again")])
    assert isinstance(res, E.ClusterAlreadyAssociated)
    assert "sandbox-1" in str(res) and "do not associate" in str(res)


async def test_target_instance_does_not_exist(services: Services) -> None:
    with pytest.raises(E.InstanceNotFound) as err:
        await services.clusters.associate("nowhere", [AssociateRequest(context="sandbox-1")])
    assert "'nowhere'" in str(err.value) and "create" in str(err.value)


async def test_name_is_not_a_control_instance(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    with pytest.raises(E.NotAControlInstance):
        await services.clusters.associate("sandbox-1", [AssociateRequest(context="sandbox-2")])


async def test_instance_not_ready(services: Services) -> None:
    inst = await services.instances.create("east", "cn-east-1")
    await services.store.update_instance(dataclasses.replace(inst,
                                                             status=InstanceStatus.CREATING))
    with pytest.raises(E.InstanceNotReady) as err:
        await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    assert "wait" in str(err.value)


async def test_querying_cluster_info_failed_keeps_api_error(tmp_path: Path,
                                                            fleet: SandboxFleet) -> None:
    bad = tmp_path / "bad.kubeconfig"
    doc = yaml.safe_load(fleet.kubeconfig_path.read_text())
    for user in doc["users"]:
        user["user"]["token"] = "wrong-token"
    bad.write_text(yaml.safe_dump(doc))
    s = await open_services(make_settings(tmp_path, bad))
    try:
        await s.instances.create("east", "cn-east-1")
        [res] = await s.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
        assert isinstance(res, E.ClusterInfoFailed)
        assert "401" in str(res)
    finally:
        await s.close()


async def test_cluster_status_not_normal(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    async with KubePool(services.settings) as pool:
        client = await pool.client(ClusterRef("sandbox-1", str(fleet.kubeconfig_path),
                                              "sandbox-1"))
        for node in (await client.list("v1", "Node"))["items"]:
            name = node["metadata"]["name"]
            await client.request(
                "PATCH", f"/api/v1/nodes/{name}/status",
                body={"status": {"conditions": [{"type": "Ready", "status": "False",
                                                 "reason": "KubeletNotReady"}]}},
                content_type="application/merge-patch+json")
    [res] = await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    assert isinstance(res, E.ClusterStatusAbnormal) and "NotReady" in str(res)


async def test_querying_kubeconfig_failed(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    [res] = await services.clusters.associate("east", [AssociateRequest(context="nope")])
    assert isinstance(res, E.KubeconfigQueryFailed) and "'nope'" in str(res)


async def test_getting_version_failed_network(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await fleet.clusters[2].set_outage(True)
    [res] = await services.clusters.associate("east", [AssociateRequest(context="sandbox-3")])
    assert isinstance(res, E.VersionQueryFailed) and "network" in str(res)


async def test_version_below_minimum(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    fleet.clusters[0].faults.version = "v1.18.20"
    [res] = await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    assert isinstance(res, E.VersionUnsupported)
    assert "v1.18.20" in str(res) and "v1.19.0" in str(res)


# ---- safety -------------------------------------------------------------------------------


async def test_readonly_refuses_writes_in_the_service_layer(tmp_path: Path,
                                                            fleet: SandboxFleet) -> None:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True))
    try:
        with pytest.raises(E.ReadOnlyMode):
            await s.instances.create("east", "cn-east-1")
        assert await s.instances.list() == []
    finally:
        await s.close()


async def test_delete_protection_and_detach(services: Services) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1",
                                                                labels={"env": "prod"})])
    with pytest.raises(E.DeletionProtected):
        await services.instances.delete("east")
    await services.instances.edit("east", deletion_protection=False)
    with pytest.raises(E.CcseoneError, match="still has 1 cluster"):
        await services.instances.delete("east")
    with pytest.raises(E.DeletionProtected):
        await services.clusters.delete("sandbox-1")
    await services.store.update_cluster(dataclasses.replace(
        await services.clusters.get("sandbox-1"), deletion_protection=False))
    with pytest.raises(E.ConfirmationMismatch):  # env=prod: the name must be typed
        await services.clusters.delete("sandbox-1", confirm="sandbox-2")
    await services.clusters.delete("sandbox-1", confirm="sandbox-1")
    await services.instances.delete("east")
    assert await services.instances.list() == []


async def test_no_token_in_the_cache(tmp_path: Path, fleet: SandboxFleet) -> None:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path))
    await s.instances.create("east", "cn-east-1")
    await s.clusters.associate("east", [AssociateRequest(context=c.name)
                                        for c in fleet.clusters])
    await s.close()
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for c in fleet.clusters:
            assert c.token.encode() not in data, path

"""No wasted round trips (issue #13 item 1): built-in kinds need no discovery, discovery is
cached on disk per API server, and each cluster keeps one keep-alive connection — counted on
the sandbox's side (requests per path, accepted connections), over real HTTP and TLS."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from ccseone_tui.kube import ClusterRef, KindNotFound, KubePool
from ccseone_tui.kube.builtin import BUILTIN
from ccseone_tui.kube.discovery import CACHE_SUBDIR
from ccseone_tui.sandbox import SandboxFleet
from tests.kube.kube_helpers import SETTINGS, refs_for

CRD_FILE = (Path(__file__).parents[1] / "data" / "ocm-crds"
            / "0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml")
MC = ("cluster.open-cluster-management.io/v1", "ManagedCluster")


def paths(cluster) -> list[str]:
    return [p.split("?")[0] for _, p in cluster.requests]


def discovery_requests(cluster) -> list[str]:
    """/api, /apis and the group versions (/api/v1, /apis/apps/v1): no resource in them."""
    return [p for p in paths(cluster)
            if p in ("/api", "/apis", "/api/v1") or (p.startswith("/apis/") and p.count("/") == 3)]


async def test_builtin_kinds_are_addressed_without_discovery(fleet: SandboxFleet,
                                                             refs: list[ClusterRef]) -> None:
    async with KubePool(SETTINGS) as pool:
        answers = await pool.fan_out(refs, lambda c: c.list("v1", "Pod", limit=500))
    assert all(not isinstance(a, BaseException) and a["items"] for a in answers.values())
    for cluster in fleet.clusters:
        assert paths(cluster) == ["/api/v1/pods"]  # one request, nothing before it


async def test_builtin_table_matches_what_the_server_serves(
        fleet: SandboxFleet, refs: list[ClusterRef]) -> None:
    async with KubePool(SETTINGS) as pool:
        served = {(r.api_version, r.kind): r for r in await (await pool.client(refs[0])).discover()}
    common = set(served) & set(BUILTIN)
    assert len(common) >= 20
    for key in common:
        want, got = served[key], BUILTIN[key]
        assert (got.plural, got.namespaced) == (want.plural, want.namespaced), key


async def test_builtin_kind_the_server_does_not_serve_is_kind_not_found(
        fleet: SandboxFleet, refs: list[ClusterRef]) -> None:
    # the sandbox serves no networking.k8s.io: the table's path 404s, discovery decides
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs[0])
        with pytest.raises(KindNotFound):
            await client.list("networking.k8s.io/v1", "Ingress")


async def test_discovery_is_cached_on_disk_per_server(fleet: SandboxFleet,
                                                      refs: list[ClusterRef]) -> None:
    cluster = fleet.clusters[0]
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs[0])
        await client.create(yaml.safe_load(CRD_FILE.read_text()))
        await client.resource_for(*MC)  # discovery over the network, written to disk
    first = len(discovery_requests(cluster))
    assert first >= 3
    folder = SETTINGS.resolved_data_dir / CACHE_SUBDIR
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    files = list(folder.iterdir())
    assert len(files) == 1 and stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    async with KubePool(SETTINGS) as pool:  # a new process, as far as memory goes
        client = await pool.client(refs[0])
        info = await client.resource_for(*MC)
        assert info.plural == "managedclusters"
        await client.list(*MC)
    assert len(discovery_requests(cluster)) == first  # nothing asked again


async def test_new_crd_and_deleted_crd_refresh_the_cache(fleet: SandboxFleet,
                                                         refs: list[ClusterRef]) -> None:
    async with KubePool(SETTINGS) as pool:
        await (await pool.client(refs[0])).discover()  # cached without the CRD
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs[0])
        crd = yaml.safe_load(CRD_FILE.read_text())
        await client.create(crd)  # as another process (or an app) would
        assert (await client.resource_for(*MC)).plural == "managedclusters"  # miss: refresh
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs[0])
        await client.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                            crd["metadata"]["name"])
        await fleet.clusters[0].settle()
    async with KubePool(SETTINGS) as pool:  # the disk still says the CRD is there
        client = await pool.client(refs[0])
        with pytest.raises(KindNotFound):
            await client.list(*MC)  # 404 on the path: cache dropped, the server asked
        with pytest.raises(KindNotFound):
            await client.resource_for(*MC)


async def test_another_server_version_drops_the_cache(fleet: SandboxFleet,
                                                      refs: list[ClusterRef]) -> None:
    cluster = fleet.clusters[0]
    async with KubePool(SETTINGS) as pool:
        await (await pool.client(refs[0])).discover()
    before = len(discovery_requests(cluster))
    cluster.faults.version = "v1.31.0"  # upgraded since
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs[0])
        await client.discover()  # from disk
        assert len(discovery_requests(cluster)) == before
        await client.version()  # the probe's call: says v1.31.0
        await client.discover()
    assert len(discovery_requests(cluster)) > before


async def test_one_keep_alive_connection_per_cluster_over_tls(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=3, nodes=2, tls=True) as fleet:
        refs = refs_for(fleet)
        async with KubePool(SETTINGS) as pool:
            for kind in (("v1", "Pod"), ("apps/v1", "Deployment"), ("v1", "Node"),
                         ("v1", "Pod"), ("v1", "Namespace")):
                answers = await pool.fan_out(refs, lambda c, k=kind: c.list(*k, limit=500))
                assert not any(isinstance(a, BaseException) for a in answers.values())
                await pool.fan_out(refs, lambda c: c.version())
        for cluster in fleet.clusters:
            assert len(cluster.requests) == 10
            assert cluster.connections == 1  # one TLS handshake for the whole sequence

"""``fleet get`` costs one request per cluster (issue #13 item 1): built-in kinds need no
discovery, and a process keeps one TLS connection per cluster for a sequence of calls —
counted by the sandbox (requests per path, accepted connections)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, open_services
from tests.integration.conftest import make_settings
from tests.integration.test_fleet_cli import ThreadedFleet, run


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadedFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    fleet = SandboxFleet(clusters=3, nodes=2, log_rate=0.0, tls=True,
                         kubeconfig_path=tmp_path / "kubeconfig")
    with ThreadedFleet(fleet) as threaded:
        threaded.call(fleet.settle())
        yield threaded


def counts(fleet: SandboxFleet) -> list[tuple[list[str], int]]:
    return [([p.split("?")[0] for _, p in c.requests], c.connections) for c in fleet.clusters]


def reset(fleet: SandboxFleet) -> None:
    for c in fleet.clusters:
        c.requests.clear()
        c.connections = 0


def test_cli_fleet_get_pods_is_one_request_per_cluster(served: ThreadedFleet,
                                                       tmp_path: Path) -> None:
    fleet = served.fleet
    names = [c.name for c in fleet.clusters]
    assert run(tmp_path, "instances", "create", "east", "--region", "cn-east-1") == 0
    assert run(tmp_path, "clusters", "associate", "--instance", "east", *names) == 0
    for argv in (("fleet", "get", "pods"), ("fleet", "get", "pods", "-n", "kube-system"),
                 ("fleet", "get", "deploy")):
        reset(fleet)
        assert run(tmp_path, *argv, "-o", "json") == 0
        plural = "deployments" if argv[2] == "deploy" else "pods"
        for paths, connections in counts(fleet):
            assert len(paths) == 1 and paths[0].endswith(f"/{plural}"), paths
            assert connections == 1  # one TLS handshake per cluster per call


async def test_a_sequence_of_calls_keeps_one_connection_per_cluster(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=3, nodes=2, log_rate=0.0, tls=True) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="t")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [AssociateRequest(context=c.name)
                                                for c in fleet.clusters])
            joined = [c.connections for c in fleet.clusters]
            reset(fleet)
            for kind in ("pods", "deploy", "nodes", "pods", "ns", "events"):
                result = await s.fleet.get(kind)
                assert not result.errors, result.errors
            await s.clusters.refresh()
        finally:
            await s.close()
        for paths, connections in counts(fleet):
            lists = [p for p in paths if p.rsplit("/", 1)[-1] in (
                "pods", "deployments", "nodes", "namespaces", "events")]
            assert len(lists) >= 6  # the six fleet lists, then the probe's own calls
            # the connection associate opened is still the one in use: no handshake at all
            assert connections == 0, paths
        assert joined == [1, 1, 1]

"""``ccseone fleet get`` in-process: ``main([...])`` against a sandbox fleet over HTTP.

``main`` runs its own event loop (``asyncio.run``), so the test is synchronous and the
sandbox clusters are served from a loop in a background thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml

from ccseone_tui.cli import main
from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.sandbox import SandboxFleet

T = TypeVar("T")


class ThreadedFleet:
    """A ``SandboxFleet`` on its own loop in a daemon thread; ``call`` runs a coroutine there."""

    def __init__(self, fleet: SandboxFleet) -> None:
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def __enter__(self) -> ThreadedFleet:
        self._thread.start()
        self.call(self.fleet.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.call(self.fleet.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def _seed(kubeconfig: str, names: list[str]) -> None:
    deploy = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
    }
    async with KubePool(Settings(read_timeout=10)) as pool:
        refs = [ClusterRef(name=n, kubeconfig=kubeconfig, context=n) for n in names]
        results = await pool.fan_out(refs, lambda c: c.apply(deploy))
    assert not [r for r in results.values() if isinstance(r, BaseException)]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ThreadedFleet]:
    fleet = SandboxFleet(clusters=3, nodes=2, system_workloads=False, log_rate=0.0,
                         kubeconfig_path=tmp_path / "kubeconfig")
    with ThreadedFleet(fleet) as threaded:
        names = [c.name for c in fleet.clusters]
        asyncio.run(_seed(str(fleet.kubeconfig_path), names))
        threaded.call(fleet.settle())
        yield threaded


def run(tmp_path: Path, *argv: str) -> int:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    return main([*base, *argv])


def test_fleet_get(served: ThreadedFleet, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    names = [c.name for c in served.fleet.clusters]
    assert run(tmp_path, "instances", "create", "east", "--region", "cn-east-1") == 0
    assert run(tmp_path, "clusters", "associate", "--instance", "east", *names) == 0
    capsys.readouterr()

    assert run(tmp_path, "fleet", "get", "po", "--instance", "east", "-n", "default") == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].split() == ["CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS",
                                "AGE", "NODE"]
    assert [line.split()[0] for line in lines[1:]] == [n for n in names for _ in range(2)]
    assert out.err == ""

    assert run(tmp_path, "fleet", "get", "nodes", "--instance", "east", "-o", "json") == 0
    nodes = json.loads(capsys.readouterr().out)
    assert len(nodes) == 6 and nodes[0]["cluster"] == names[0] and "labels" in nodes[0]
    # machine values (#12 item 9): labels a map, booleans, RFC 3339, ages in seconds
    node = nodes[0]
    assert isinstance(node["labels"], dict) and node["labels"]
    assert isinstance(node["edge"], bool) and isinstance(node["roles"], list)
    assert node["status"] == "Ready" and node["schedulable"] is True
    assert datetime.fromisoformat(node["created"]).tzinfo is not None
    assert isinstance(node["age_seconds"], int) and node["age_seconds"] >= 0
    assert run(tmp_path, "fleet", "get", "po", "--instance", "east", "-n", "default",
               "-o", "yaml") == 0
    pods = yaml.safe_load(capsys.readouterr().out)
    assert len(pods) == 6
    for pod in pods:
        assert isinstance(pod["ready"], dict) and pod["ready"]["total"] >= 1
        assert isinstance(pod["restarts"], int) and isinstance(pod["labels"], dict)
        assert isinstance(pod["created"], str)  # quoted: a string, not a YAML timestamp
        assert datetime.fromisoformat(pod["created"]).tzinfo is not None
        assert not str(pod["age_seconds"]).endswith(("s", "m", "h", "d"))

    served.call(served.fleet.clusters[1].set_outage(True))
    code = run(tmp_path, "fleet", "get", "deploy", "-l", "app!=nothing", "-o", "yaml")
    out = capsys.readouterr()
    assert code == 1
    assert out.err.startswith(f"ccseone: {names[1]}: ")
    assert f"{names[0]}" in out.out and f"cluster: {names[1]}" not in out.out

    assert run(tmp_path, "fleet", "get", "secrets") == 1
    assert "po, deploy" in capsys.readouterr().err

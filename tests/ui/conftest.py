"""UI test fixtures: a real ``Services`` on a real SQLite cache in ``tmp_path``, seeded with a
fixed fleet (fixed ids, fixed times), a frozen clock, UTC and English unless a test says.

Nothing here fakes the database: the records go through the services (instances) or, for
records whose write use cases belong to later issues, through the services' own store
object — all of it in :func:`seed_fleet`, the one function to switch to the service calls
(``clusters.associate`` needs live clusters; namespaces/templates/apps are read-only
services for now) as they land.

Tests run with ``--import-mode=importlib``, so they get these helpers as fixtures
(``make_app``), not by importing this file.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from textual.pilot import Pilot

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import (
    App,
    ClusterProbe,
    ClusterSource,
    ClusterStatus,
    FleetNamespace,
    MemberCluster,
    Task,
    TaskResult,
    TaskStatus,
    Template,
)
from ccseone_tui.i18n import set_language
from ccseone_tui.services import Services, open_services
from ccseone_tui.services.process import current_owner
from ccseone_tui.ui.app import CcseoneApp

from .pilot_helpers import handled

NOW = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC: every age on screen is measured from here
SIZE = (140, 40)
PROD = "inst-0001"
STAGING = "inst-0002"


def frozen_clock() -> float:
    return NOW


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "kubeconfig": str(tmp_path / "no-such-kubeconfig"),
        "theme": "textual-dark",
        "refresh_interval": 15.0,
        "connect_timeout": 0.5,
        "read_timeout": 1.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _probe(status: ClusterStatus, *, version: str | None = "v1.30.4", nodes: int | None = 3,
           ready: int | None = 3, edge: int | None = 1, latency: float | None = 12.0,
           seen_ago: float | None = 20, probed_ago: float | None = 20,
           error: str | None = None) -> ClusterProbe:
    return ClusterProbe(
        status=status, version=version, nodes=nodes, nodes_ready=ready, edge_nodes=edge,
        latency_ms=latency, last_seen=None if seen_ago is None else NOW - seen_ago,
        probed_at=None if probed_ago is None else NOW - probed_ago, error=error,
    )


def fleet_clusters() -> list[MemberCluster]:
    """Eight clusters of ``prod-east`` in every state the table draws, one of ``staging``."""
    rows = [
        ("cls-0001", "east-prod-1", {"env": "prod", "tier": "core"}, _probe(
            ClusterStatus.READY, nodes=5, ready=5, edge=2, latency=14.0)),
        ("cls-0002", "east-prod-2", {"env": "prod"}, _probe(
            ClusterStatus.OFFLINE, version="v1.29.8", seen_ago=180, probed_ago=10, latency=None,
            error="connect timeout after 3s")),
        ("cls-0003", "east-stage-1", {"env": "staging"}, _probe(
            ClusterStatus.READY, latency=8.0)),
        ("cls-0004", "east-dev-1", {"env": "dev"}, _probe(
            ClusterStatus.NOT_READY, ready=2, latency=31.0)),
        ("cls-0005", "east-batch-1", {"env": "prod", "team": "data"}, _probe(
            ClusterStatus.WAITING, version=None, nodes=None, ready=None, edge=None,
            latency=None, seen_ago=None, probed_ago=None)),
        ("cls-0006", "east-lab-1", {}, _probe(
            ClusterStatus.UNKNOWN, version=None, nodes=None, ready=None, edge=None,
            latency=None, seen_ago=None, probed_ago=None)),
        ("cls-0007", "east-edge-1", {"env": "edge"}, _probe(
            ClusterStatus.UNAUTHORIZED, seen_ago=7200, probed_ago=12, latency=22.0,
            error="401 Unauthorized")),
        ("cls-0008", "east-gpu-1", {"env": "dev", "gpu": "a100"}, _probe(
            ClusterStatus.READY, nodes=4, ready=4, edge=0, latency=19.0, seen_ago=2400,
            probed_ago=2400)),
    ]
    clusters = [
        MemberCluster(
            id=cid, name=name, instance_id=PROD, region="cn-east-1",
            source=ClusterSource.KUBECONFIG, api_server=f"https://{name}.example.test:6443",
            labels=labels, kubeconfig="/nonexistent/kubeconfig", context=name,
            created_at=NOW - 86400 * 30, probe=probe,
        )
        for cid, name, labels, probe in rows
    ]
    clusters.append(MemberCluster(
        id="cls-0101", name="north-stage-1", instance_id=STAGING, region="cn-north-1",
        api_server="https://north-stage-1.example.test:6443", labels={"env": "staging"},
        kubeconfig="/nonexistent/kubeconfig", context="north-stage-1",
        created_at=NOW - 86400 * 3, probe=_probe(ClusterStatus.READY),
    ))
    return clusters


def fleet_tasks() -> list[Task]:
    def results(task_id: str, ok: int, failed: int) -> list[TaskResult]:
        out = [TaskResult(task_id, f"east-{i}", TaskStatus.SUCCEEDED, "", NOW - 900, NOW - 890)
               for i in range(ok)]
        out += [TaskResult(task_id, f"east-x{i}", TaskStatus.FAILED, "connect timeout",
                           NOW - 900, NOW - 880) for i in range(failed)]
        return out

    return [
        Task("task-0001", "namespace.create", "payments", PROD, TaskStatus.PARTIAL, "alice",
             NOW - 900, NOW - 880, results("task-0001", 7, 1)),
        Task("task-0002", "cluster.associate", "east-stage-1", PROD, TaskStatus.SUCCEEDED,
             "bob", NOW - 7200, NOW - 7190, results("task-0002", 1, 0)),
        # still running in this very process: the reconciler must leave it Running
        Task("task-0003", "app.publish", "checkout", PROD, TaskStatus.RUNNING, "alice",
             NOW - 60, None,
             [*results("task-0003", 3, 0), TaskResult("task-0003", "east-9", TaskStatus.RUNNING)],
             owner=current_owner().to_json()),
    ]


async def seed_fleet(services: Services) -> None:
    """Put the test fleet in the cache. Instances go through the instances service; the rest
    through the services' store until their write use cases exist (see the module doc)."""
    with mock.patch("time.time", return_value=NOW - 86400 * 40):
        await services.instances.create("prod-east", "cn-east-1", instance_id=PROD,
                                        description="Production, east")
    with mock.patch("time.time", return_value=NOW - 86400 * 5):
        await services.instances.create("staging", "cn-north-1", instance_id=STAGING)
    store = services.store
    for cluster in fleet_clusters():
        await store.add_cluster(cluster)
    for ns in (
        FleetNamespace("ns-0001", PROD, "payments", 500, {}, {"team": "pay"}, "8", "16Gi",
                       NOW - 86400 * 20),
        FleetNamespace("ns-0002", PROD, "checkout", 100, {"env": "prod"}, {}, "4", "8Gi",
                       NOW - 86400 * 10),
        FleetNamespace("ns-0003", PROD, "observability", 0, {}, {"team": "sre"}, None, None,
                       NOW - 86400 * 2),
    ):
        await store.add_namespace(ns)
    for tpl in (
        Template("tpl-0001", "nginx", "chart",
                 {"repo": "https://charts.bitnami.com/bitnami", "chart": "nginx",
                  "version": "18.1.0"}, "Web front end", NOW - 86400 * 25),
        Template("tpl-0002", "checkout-api", "git",
                 {"url": "https://git.example.test/shop/checkout.git", "ref": "main",
                  "path": "deploy/chart"}, "", NOW - 86400 * 12),
        Template("tpl-0003", "configmaps", "yaml", {"path": "manifests/"}, "Shared config",
                 NOW - 86400 * 3),
    ):
        await store.add_template(tpl)
    for app in (
        App("app-0001", PROD, "web", "tpl-0001", "Public web", 3, "Deployed", NOW - 86400 * 9),
        App("app-0002", PROD, "checkout", "tpl-0002", "", 1, "Deploying", NOW - 600),
    ):
        await store.add_app(app)
    for task in fleet_tasks():
        await store.add_task(task)


def new_app(services: Services) -> CcseoneApp:
    """The app with the frozen clock and no automatic probes (``r`` still probes)."""
    return CcseoneApp(services, clock=frozen_clock, live_probes=False)


@pytest.fixture(autouse=True)
def keys_handled(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pilot.press`` returns once each key and what it set off are handled, not when the
    CPU looks idle: Textual's press waits for an idle process (20 ms to 1 s), and a process
    starved by a busy CI host looks idle before its key was read — a CI run asserted a
    sort the ``s`` just pressed had not yet made. This patches the test driver, not the app."""
    original = Pilot.press

    async def press(self: Pilot[None], *keys: str) -> None:
        for key in keys:
            await original(self, key)
            await handled(self)

    monkeypatch.setattr(Pilot, "press", press)


@pytest.fixture(autouse=True)
def utc_and_english() -> Iterator[None]:
    """Created times render in UTC and every test starts in English."""
    with mock.patch.dict("os.environ", {"TZ": "UTC"}):
        time.tzset()
        set_language("en")
        yield
        set_language("en")
    time.tzset()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path), user="oncall")
    await seed_fleet(s)
    yield s
    await s.close()


@pytest.fixture
async def empty_services(tmp_path: Path) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path), user="oncall")
    yield s
    await s.close()


@pytest.fixture
def sync_services(tmp_path: Path) -> Iterator[Callable[..., Services]]:
    """For snapshot tests, which are synchronous (``snap_compare`` runs the app's own loop):
    open and seed on a private loop, close afterwards."""
    opened: list[Services] = []

    def factory(seed: bool = True, **overrides: object) -> Services:
        async def go() -> Services:
            if seed:  # seed writable, then open as asked (read_only=True refuses writes)
                writer = await open_services(make_settings(tmp_path), user="oncall")
                await seed_fleet(writer)
                await writer.close()
            return await open_services(make_settings(tmp_path, **overrides), user="oncall")

        s = asyncio.run(go())
        opened.append(s)
        return s

    yield factory
    for s in opened:
        asyncio.run(s.close())


@pytest.fixture
def make_app() -> Callable[[Services], CcseoneApp]:
    return new_app

"""Pilot tests of the Fleet view as a resource browser (#11 items 1-3) on a real Services
over three sandbox clusters: ``:`` jumps with completion, columns from the servers, sort
indicator, filters, live changes in place, a dead cluster's gap and its heal, marks,
drill-down and the row keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.fleet import FleetView
from ccseone_tui.ui.widgets.browser_table import BrowserTable

from .pilot_helpers import settle, until

SIZE = (140, 40)
PODS = 2  # replicas of the Deployment in each cluster


def deployment(name: str = "web", replicas: int = PODS) -> dict[str, object]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": name, "image": "nginx"}]}}},
    }


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=1, system_workloads=False, log_rate=0.0) as f:
        yield f


@pytest.fixture
async def services(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                        theme="textual-dark", connect_timeout=1.0, read_timeout=3.0)
    s = await open_services(settings, user="oncall")
    await s.instances.create("east", "cn-east-1")
    reqs = [AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None)
            for i, c in enumerate(fleet.clusters)]
    await s.clusters.associate("east", reqs)
    for cluster in await s.clusters.list():
        await (await s.clusters.client(cluster)).apply(deployment())
    await fleet.settle()
    yield s
    await s.close()


def status(view: FleetView) -> str:
    return str(view.query_one("#fleet-status", Static).render())


def plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def column(table: BrowserTable, header: str) -> list[str]:
    index = [c.key for c in table.columns].index(header)
    return [plain((table.get_row(table.key_at(row)) or ())[index])
            for row in range(table.visible_count)]


async def open_fleet(pilot: Pilot[None]) -> FleetView:
    await settle(pilot)
    await pilot.press("4")
    view = pilot.app.main.query_one(FleetView)  # type: ignore[attr-defined]
    await until(pilot, lambda: view.state.started and not view.state.waiting
                and view.table.row_count > 0, "the first rows of every cluster")
    return view


async def rows_of(pilot: Pilot[None], view: FleetView, kind: str, count: int) -> None:
    await until(pilot, lambda: view.state.info is not None and view.state.info.plural == kind
                and view.state.started and not view.state.waiting
                and view.table.row_count == count, f"{count} {kind}")


async def test_pods_across_the_fleet_with_the_servers_columns(
        services: Services, fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await rows_of(pilot, view, "pods", PODS * 3)
        table = view.table
        assert app.focused is table
        headers = [c.key for c in table.columns]
        assert headers[:3] == ["CLUSTER", "NAMESPACE", "NAME"]
        assert {"READY", "STATUS", "RESTARTS", "AGE"} <= set(headers)  # kubectl's, by the server
        assert f"{PODS * 3} pods in 3 clusters" in status(view)
        clusters = column(table, "CLUSTER")
        assert clusters == sorted(clusters)  # cluster, then namespace, then name
        assert clusters[0] == f"{names[0]} PROD"
        # the sort indicator: ▲ on the sorted column, ▼ reversed, moved by s
        assert "CLUSTER ▲" in table.render_line(0).text
        await pilot.press("S")
        assert "CLUSTER ▼" in table.render_line(0).text
        await pilot.press("s")
        assert table.sort_column == "NAMESPACE" and "NAMESPACE ▲" in table.render_line(0).text

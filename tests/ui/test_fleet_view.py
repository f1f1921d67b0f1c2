"""Pilot tests of the Fleet view on a real Services over three sandbox clusters (HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, Static

from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.fleet import FleetView
from ccseone_tui.ui.widgets.virtual_table import VirtualTable

from .pilot_helpers import settle, until

SIZE = (140, 40)
PODS = 3  # replicas of the Deployment in each cluster


def deployment() -> dict[str, object]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
    }


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=2, system_workloads=False, log_rate=0.0) as f:
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


async def answered(pilot: Pilot[None], view: FleetView, kind: str, count: int) -> None:
    """Until every cluster answered the watch of ``kind`` and its rows are on the table."""
    await until(pilot, lambda: view.state.info is not None and view.state.info.plural == kind
                and view.state.started and not view.state.waiting
                and view.table.row_count == count, f"{count} {kind} on the table")


def status(view: FleetView) -> str:
    return str(view.query_one("#fleet-status", Static).render())


def shown_clusters(table: VirtualTable) -> list[str]:
    out = []
    for row in range(table.visible_count):
        cells = table.get_row(table.key_at(row)) or ()
        first = cells[0]
        out.append(first.plain if isinstance(first, Text) else str(first))
    return out


async def test_fleet_view(services: Services, fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        view = app.main.query_one(FleetView)
        await answered(pilot, view, "pods", PODS * 3)
        assert app.main.query_one(ContentSwitcher).current == "fleet"
        pods = view.table
        assert app.focused is pods
        assert [c.label for c in pods.columns][:3] == ["CLUSTER", "NAMESPACE", "NAME"]
        assert f"{PODS * 3} pods in 3 clusters" in status(view)
        # production rows carry the mark; the others are plain names
        assert sorted(set(shown_clusters(pods))) == sorted([f"{names[0]} PROD", *names[1:]])

        # kind switch (#11: any kind by ":" instead of five keys): deployments, then nodes
        # (cluster-scoped: no NAMESPACE column), then back to pods, whose table was kept
        await pilot.press("colon", *"deploy", "enter")
        await answered(pilot, view, "deployments", 3)
        assert view.table is not pods and not pods.display and view.table.display
        await pilot.press("colon", *"no", "enter")
        await answered(pilot, view, "nodes", 2 * 3)
        assert [c.key for c in view.table.columns][:3] == ["CLUSTER", "NAME", "STATUS"]
        await pilot.press("colon", *"pods", "enter")
        await answered(pilot, view, "pods", PODS * 3)
        assert view.table is pods

        # text filter: `/`, type, Enter back to the table; Esc clears it
        await pilot.press("slash", *names[1], "enter")
        assert pods.visible_count == PODS
        assert set(shown_clusters(pods)) == {names[1]}
        assert f"{PODS} shown" in status(view)
        await pilot.press("escape")
        assert pods.visible_count == PODS * 3

        # cluster filter: c cycles every cluster, C goes back
        await pilot.press("c")
        assert set(shown_clusters(pods)) == {f"{names[0]} PROD"}
        await pilot.press("c")
        assert set(shown_clusters(pods)) == {names[1]}
        assert names[1] in str(view.query_one("#fleet-cluster-bar", Static).render())
        await pilot.press("C", "C")
        assert view.clusters is None and pods.visible_count == PODS * 3

        # sort (the table's own key) and a dead cluster: its rows kept but dimmed (a gap,
        # #11 item 2), named in the status line, the others' rows live
        assert pods.sort_column == "CLUSTER"  # by cluster from the start (#12 item 8)
        await pilot.press("s")
        assert pods.sort_column == "NAMESPACE"
        await fleet.clusters[2].set_outage(True)
        await until(pilot, lambda: names[2] in view.state.gaps, "the gap")
        text = status(view)
        assert f"{PODS * 2 + PODS} pods in 2 clusters" in text
        assert f"{names[2]} unreachable since" in text
        assert names[2] in shown_clusters(pods) and pods.dimmed == {names[2]}
        await fleet.clusters[2].set_outage(False)

"""SVG snapshots of the Fleet view as a resource browser (#11), English and Chinese: pods of
four clusters (one production, one away since the frozen clock's time: its rows dimmed),
a marked row, the sort mark; and the ``:`` line open with its names.

The rows come from a stand-in for ``services.resources`` whose watch yields fixed deltas
(ages included) and then stays open, so the pictures never change with the time of day.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
from textual.pilot import Pilot

from ccseone_tui.i18n import set_language
from ccseone_tui.services import Services
from ccseone_tui.services.resources.kinds import builtin_kind, builtin_names
from ccseone_tui.services.resources.model import ClusterDelta, ResourceRow
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.fleet import FleetView

from .pilot_helpers import until

SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]
HEADERS = ("CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE")
SHOWN = ("east-prod-1", "east-prod-2", "east-stage-1", "east-dev-1")


def pods(cluster: str) -> list[ResourceRow]:
    rows = [
        ("shop", "web-7d9c5b6f4-x2kq8", "1/1", "Running", "0", "3d4h"),
        ("shop", "web-7d9c5b6f4-q81zm", "1/1", "Running", "0", "3d4h"),
        ("shop", "checkout-5f7b8c9d-4tq2n", "0/1", "CrashLoopBackOff", "12 (2m ago)", "41m"),
        ("kube-system", "coredns-6d4b75cb6d-8h2lp", "1/1", "Running", "1 (2d ago)", "12d"),
    ]
    if cluster == "east-dev-1":
        rows.append(("default", "debug-shell", "1/1", "Running", "0", "5m12s"))
    return [ResourceRow(f"{cluster}/{ns}/{name}", (cluster, ns, name, *rest), {})
            for ns, name, *rest in rows]


class Resources:
    """What the Fleet view asks of ``services.resources``, with fixed answers."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def targets(self, instance_id: str | None,
                      clusters: Sequence[str] | None = None) -> list[Any]:
        members = await self._services.clusters.list(instance_id)
        return [c for c in members if c.name in SHOWN]

    async def kind_names(self, instance_id: str | None = None) -> list[str]:
        return [*builtin_names(), "managedclusters", "managedclusters.cluster.x-k8s.io"]

    async def watch(self, info: Any, instance_id: str | None = None,
                    **_: Any) -> AsyncIterator[ClusterDelta]:
        for cluster in SHOWN:
            yield ClusterDelta(cluster, pods(cluster), reset=True, columns=HEADERS)
        yield ClusterDelta("east-prod-2", error="connect timeout after 3s")
        await asyncio.Event().wait()  # live: nothing more changes


def fleet_app(services: Services, make_app: MakeApp) -> CcseoneApp:
    services.__dict__["resources"] = Resources(services)  # the cached property, replaced
    return make_app(services)


async def browse(pilot: Pilot[None]) -> None:
    app = pilot.app
    await until(pilot, lambda: app.current_instance is not None, "the instances")  # type: ignore[attr-defined]
    await pilot.press("4")
    await until(pilot, lambda: bool(app.main.query(FleetView)), "the view")  # type: ignore[attr-defined]
    view = app.main.query_one(FleetView)  # type: ignore[attr-defined]
    await until(pilot, lambda: view.table.row_count == 17 and bool(view.state.gaps),
                "the rows and the gap")
    await pilot.press("down", "down", "space")  # a marked row; the cursor below it
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_fleet_browser(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                       lang: str) -> None:
    """Pods across four clusters: PROD marks, east-prod-2 away (dimmed, named in the status
    line with the time it went), one row marked, CLUSTER ▲, the row keys in the footer."""
    set_language(lang)
    assert builtin_kind("pods") is not None
    assert snap_compare(fleet_app(sync_services(), make_app), run_before=browse,
                        terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_fleet_kind_prompt(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                           lang: str) -> None:
    """``:`` then ``dep``: the inline completion and the kinds that match, listed."""
    set_language(lang)

    async def prompt(pilot: Pilot[None]) -> None:
        await browse(pilot)
        await pilot.press("colon", *"dep")
        await pilot.pause(0.1)

    assert snap_compare(fleet_app(sync_services(), make_app), run_before=prompt,
                        terminal_size=SIZE)

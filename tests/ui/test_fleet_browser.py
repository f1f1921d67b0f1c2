"""Pilot tests of the Fleet view as a resource browser (#11 items 1-3) on a real Services
over three sandbox clusters: ``:`` jumps with completion, columns from the servers, sort
indicator, filters, live changes in place, a dead cluster's gap and its heal, marks,
drill-down and the row keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.copy_pick import CopyPickScreen
from ccseone_tui.ui.views.fleet import FleetView
from ccseone_tui.ui.views.fleet_command import CommandBar
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


async def test_colon_jumps_to_any_kind_with_completion(services: Services) -> None:
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        bar = view.query_one(CommandBar)
        await pilot.press("colon")
        assert bar.is_open and isinstance(app.focused, Input)
        await pilot.press(*"deplo")
        await until(pilot, lambda: "deploy  deployments" in hint(view), "the names listed")
        await pilot.press("y", "m", "tab")  # the inline completion taken
        assert bar.input.value == "deployments"
        await pilot.press("enter")
        await rows_of(pilot, view, "deployments", 3)
        assert not bar.is_open and app.focused is view.table
        assert [c.key for c in view.table.columns][:3] == ["CLUSTER", "NAMESPACE", "NAME"]
        assert "UP-TO-DATE" in [c.key for c in view.table.columns]
        # an alias; then a name no cluster serves: said with close names, nothing lost
        await pilot.press("colon", *"svc", "enter")
        await until(pilot, lambda: view.state.info is not None
                    and view.state.info.plural == "services", "services")
        table = view.table
        await pilot.press("colon", *"deploymnts", "enter")
        await until(pilot, lambda: bar.query_one("#command-hint").has_class("-error"),
                    "the unknown kind said")
        assert "deployments" in hint(view)
        assert bar.is_open and bar.input.value == "deploymnts"  # kept, to fix
        assert view.table is table and view.state.info.plural == "services"
        await pilot.press("escape")
        assert not bar.is_open and app.focused is table


def hint(view: FleetView) -> str:
    return str(view.query_one("#command-hint", Static).render())


async def test_live_change_in_place_and_a_dead_cluster_heals(
        services: Services, fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await pilot.press("colon", *"deploy", "enter")
        await rows_of(pilot, view, "deployments", 3)
        table = view.table
        updates = view.table_updates
        # scaled on one cluster: that row changes in place, the others do not move
        member = await services.clusters.get(names[1])
        client = await services.clusters.client(member)
        await client.apply(deployment(replicas=4))
        key = f"{names[1]}/default/web"
        await until(pilot, lambda: "4/4" in plain((table.get_row(key) or ("",) * 3)[3]),
                    "the scaled row")
        assert table.row_count == 3
        assert view.table_updates - updates <= 6  # a few batches, not one per event
        # a new object appears in its place (cluster, namespace, name)
        await client.apply(deployment("api", 1))
        await until(pilot, lambda: table.row_count == 4, "the new row")
        keys = [table.key_at(row) for row in range(table.visible_count)]
        assert keys.index(f"{names[1]}/default/api") == keys.index(key) - 1
        # a dead cluster: its rows stay, dimmed, named with the time it went away
        await fleet.clusters[2].set_outage(True)
        await until(pilot, lambda: names[2] in view.state.gaps, "the gap")
        assert table.row_count == 4 and table.dimmed == {names[2]}
        assert f"{names[2]} unreachable since" in status(view)
        await fleet.clusters[2].set_outage(False)
        await until(pilot, lambda: not view.state.gaps, "the heal")
        await until(pilot, lambda: not table.dimmed, "the rows lit again")
        assert "unreachable" not in status(view)
        assert table.row_count == 4


async def test_drill_down_and_back(services: Services, fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await pilot.press("colon", *"deploy", "enter")
        await rows_of(pilot, view, "deployments", 3)
        deployments = view.table
        await pilot.press("down")  # the second cluster's Deployment
        assert deployments.cursor_key == f"{names[1]}/default/web"
        await pilot.press("enter")
        await rows_of(pilot, view, "replicasets", 1)
        assert view.scope.clusters == (names[1],) and view.scope.owner_uid
        assert "deployments/web → replicasets" in crumbs(view)
        await pilot.press("enter")
        await rows_of(pilot, view, "pods", PODS)
        assert {k.split("/")[0] for k in view.table.marked | {view.table.cursor_key}} == \
            {names[1]}
        assert "→ pods" in crumbs(view)
        await pilot.press("escape")  # back: the ReplicaSets, then the Deployments
        await until(pilot, lambda: view.state.info.plural == "replicasets", "back to rs")
        await pilot.press("backspace")
        await until(pilot, lambda: view.table is deployments, "back to deployments")
        assert deployments.cursor_key == f"{names[1]}/default/web"
        assert view.back_stack == []
        # a Node leads to the pods on it (a field selector on the server)
        await pilot.press("colon", *"no", "enter")
        await rows_of(pilot, view, "nodes", 3)
        await pilot.press("enter")
        await rows_of(pilot, view, "pods", PODS)
        assert view.scope.field_selector and "spec.nodeName=" in view.scope.field_selector


def crumbs(view: FleetView) -> str:
    return str(view.query_one("#fleet-kind-bar", Static).render())


class Calls:
    """Stands in for ``ui/resource_actions.py``: which function each key reached."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from ccseone_tui.ui import resource_actions

        self.seen: list[tuple[str, Any, dict[str, Any]]] = []
        for name in ("describe", "show_yaml", "show_events", "logs", "containers", "delete",
                     "scale", "restart", "edit", "copy", "shell", "port_forward", "forwards"):
            monkeypatch.setattr(resource_actions, name, self._recorder(name))

    def _recorder(self, name: str) -> Callable[..., None]:
        def record(app: object, *args: Any, **kwargs: Any) -> None:
            self.seen.append((name, args, kwargs))
        return record

    def last(self) -> tuple[str, Any, dict[str, Any]]:
        return self.seen[-1]


async def test_marks_and_every_row_key(services: Services, fleet: SandboxFleet,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await rows_of(pilot, view, "pods", PODS * 3)
        table = view.table
        first = table.cursor_key
        for key, name in (("d", "describe"), ("y", "show_yaml"), ("E", "show_events"),
                          ("l", "logs"), ("x", "shell"), ("f", "port_forward"),
                          ("e", "edit"), ("enter", "containers")):
            await pilot.press(key)
            await pilot.pause()
            got, args, _ = calls.last()
            assert got == name and args[0].key == first, key
        await pilot.press("p")
        assert calls.last()[0] == "logs" and calls.last()[2] == {"previous": True}
        await pilot.press("F")
        assert calls.last()[0] == "forwards"
        # pods do not scale or restart: those keys are not offered (nor run) here
        count = len(calls.seen)
        await pilot.press("ctrl+s", "R")
        assert len(calls.seen) == count
        # marks: space marks and moves down; delete takes every marked row
        await pilot.press("space", "space")
        second = table.key_at(1)
        assert table.marked == {first, second}
        assert "2 marked" in status(view)
        await pilot.press("ctrl+d")
        got, args, kwargs = calls.last()
        assert got == "delete" and [r.key for r in args[0]] == sorted([first, second])
        kwargs["on_done"]()  # the write is done: the marks have served
        assert not table.marked
        # Y: what to copy — the name, the row as shown, the YAML (read from the cluster)
        name = table.cursor_key.split("/")[2]
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopyPickScreen), "the choice")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.main, "back")
        got, args, _ = calls.last()
        assert got == "copy" and args[0] == name
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopyPickScreen), "the choice")
        await pilot.press("down", "enter")
        await until(pilot, lambda: calls.last()[1][0] != name, "the row copied")
        assert name in calls.last()[1][0] and "Running" in calls.last()[1][0]
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopyPickScreen), "the choice")
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: "kind: Pod" in calls.last()[1][0], "the YAML copied")
        assert f"name: {name}" in calls.last()[1][0]
        # a Deployment scales and restarts
        await pilot.press("colon", *"deploy", "enter")
        await rows_of(pilot, view, "deployments", 3)
        await pilot.press("ctrl+s")
        assert calls.last()[0] == "scale"
        await pilot.press("space", "R")
        got, args, _ = calls.last()
        assert got == "restart" and len(args[0]) == 1
        await pilot.press("escape")  # Esc clears the marks first
        assert not view.table.marked


async def test_filters_namespace_labels_clusters(services: Services,
                                                 fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        member = await services.clusters.get(names[0])
        client = await services.clusters.client(member)
        await client.apply({"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": "shop"}})
        api = deployment("api", 1)
        api["metadata"]["namespace"] = "shop"  # type: ignore[index]
        await client.apply(api)
        await rows_of(pilot, view, "pods", PODS * 3 + 1)
        table = view.table
        # namespaces: n, completion from the rows
        await pilot.press("n", *"sh", "tab", "enter")
        assert view.namespaces == {"shop"} and table.visible_count == 1
        assert "namespaces: shop" in str(view.query_one("#fleet-cluster-bar").render())
        await pilot.press("n", "ctrl+u", "enter")
        assert view.namespaces is None and table.visible_count == PODS * 3 + 1
        # clusters: @ picks several; an unknown one is said
        await pilot.press("at", *f"{names[1]},{names[2]}", "enter")
        assert view.clusters == {names[1], names[2]} and table.visible_count == PODS * 2
        await pilot.press("at", "ctrl+u", *"nowhere", "enter")
        assert "nowhere" in hint(view)
        await pilot.press("escape", "at", "ctrl+u", "enter")
        assert view.clusters is None
        # label selector: asked of the servers (a new watch), shown in the breadcrumb
        await pilot.press("L", *"app=api", "enter")
        await rows_of(pilot, view, "pods", 1)
        assert view.scope.label_selector == "app=api" and "-l app=api" in crumbs(view)
        await pilot.press("L", "ctrl+u", "enter")
        await rows_of(pilot, view, "pods", PODS * 3 + 1)


async def test_row_keys_open_the_real_screens_and_delete_marked_rows(
        services: Services, fleet: SandboxFleet) -> None:
    """Without stand-ins: d describes, Esc comes back; two marked pods of a cluster are
    deleted after one question, and the live table drops them (their ReplicaSet makes new
    ones, which appear in place)."""
    from ccseone_tui.ui.screens.confirm import ConfirmScreen
    from ccseone_tui.ui.screens.resource_describe import DescribeScreen

    names = [c.name for c in fleet.clusters]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await rows_of(pilot, view, "pods", PODS * 3)
        table = view.table
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DescribeScreen), "describe")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "back")
        assert app.focused is table
        await pilot.press("c", "c")  # the second cluster (not production): no typed names
        assert view.clusters == {names[1]}
        await pilot.press("space", "space")
        doomed = set(table.marked)
        assert len(doomed) == 2
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: not doomed & {table.key_at(r)
                                                 for r in range(table.visible_count)},
                    "the deleted rows gone")
        assert not table.marked
        await until(pilot, lambda: table.visible_count == PODS, "their replacements")


async def test_read_only_footer_offers_no_row_write(tmp_path: Path, fleet: SandboxFleet,
                                                    services: Services) -> None:
    """In read-only mode the footer offers no delete or edit; the key still says why."""
    from textual.widgets._footer import FooterKey

    from ccseone_tui.i18n import t
    from ccseone_tui.ui.widgets.footer import ShellFooter

    settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                        theme="textual-dark", connect_timeout=1.0, read_timeout=3.0,
                        read_only=True)
    s = await open_services(settings, user="oncall")
    try:
        app = CcseoneApp(s, live_probes=False)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_fleet(pilot)
            await pilot.pause()
            shown = {k.key for k in app.screen.query_one(ShellFooter).query(FooterKey)}
            assert {"colon", "d", "y", "l"} <= shown
            assert not {"ctrl+d", "e", "x", "f"} & shown
            assert view.table.row_count
            await pilot.press("ctrl+d")
            await settle(pilot)
            assert app.screen is app.main
            assert any(t("error.readonly") in str(n.message) for n in app._notifications)
    finally:
        await s.close()


def test_colon_takes_a_namespace_and_a_selector_as_kubectl_does() -> None:
    from ccseone_tui.ui.views.fleet_jump import ALL, parse_jump

    assert parse_jump("pods kube-system") == ("pods", "kube-system", None)
    assert parse_jump("deploy -n shop -l app=web") == ("deploy", "shop", "app=web")
    assert parse_jump("po -A -lapp=x") == ("po", ALL, "app=x")
    assert parse_jump("  ") == ("", None, None)


async def test_colon_with_a_namespace(services: Services, fleet: SandboxFleet) -> None:
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await pilot.press("colon", *"deploy -n kube-system", "enter")
        await until(pilot, lambda: view.state.info.plural == "deployments"
                    and view.state.started and not view.state.waiting, "deployments")
        assert view.namespaces == {"kube-system"} and view.table.visible_count == 0
        await pilot.press("colon", *"deploy -A -l app=web", "enter")
        await rows_of(pilot, view, "deployments", 3)
        assert view.namespaces is None and view.scope.label_selector == "app=web"
        assert view.table.visible_count == 3


def widget_crd() -> dict[str, object]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "Widget", "listKind": "WidgetList", "plural": "widgets",
                           "singular": "widget", "shortNames": ["wg"]},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {
                     "openAPIV3Schema": {"type": "object",
                                         "x-kubernetes-preserve-unknown-fields": True}}}]},
    }


async def test_a_crd_that_some_clusters_lack(services: Services, fleet: SandboxFleet) -> None:
    """A kind served by one cluster only: its rows, and the others named as lacking it (not
    an error); completion offers it once discovery has it."""
    names = [c.name for c in fleet.clusters]
    member = await services.clusters.get(names[0])
    client = await services.clusters.client(member)
    await client.apply(widget_crd())
    await client.apply({"apiVersion": "example.com/v1", "kind": "Widget",
                        "metadata": {"name": "w1", "namespace": "default"}})
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await pilot.press("colon", *"widg")
        await until(pilot, lambda: "widgets" in hint(view), "the CRD offered")
        await pilot.press("enter")  # "widg" is no kind: said, with the close name
        await until(pilot, lambda: "widgets" in hint(view)
                    and view.query_one("#command-hint").has_class("-error"), "close names")
        await pilot.press("ctrl+u", *"wg", "enter")
        await rows_of(pilot, view, "widgets", 1)
        assert view.table.key_at(0) == f"{names[0]}/default/w1"
        assert "2 clusters without this kind" in status(view)
        assert "unreachable" not in status(view)


async def test_another_instance_forgets_the_drill_down(services: Services,
                                                       fleet: SandboxFleet) -> None:
    """Switching instance: no drill-down, filter or row of the previous one stays; the kind
    stays open, on the new instance's clusters (none here: said so), and back again."""
    await services.instances.create("west", "cn-east-1")
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await pilot.press("colon", *"deploy", "enter")
        await rows_of(pilot, view, "deployments", 3)
        await pilot.press("enter")
        await rows_of(pilot, view, "replicasets", 1)
        await pilot.press("c")
        await pilot.press("i")
        await until(pilot, lambda: app.screen is not app.main, "the picker")
        await pilot.press("down", "enter")  # sorted by name: east, west
        await until(pilot, lambda: view.state.started and not view.state.clusters,
                    "west's (empty) watch")
        assert app.current_instance.name == "west"
        assert view.scope.clusters is None and view.back_stack == [] and view.clusters is None
        assert view.query_one("#fleet-empty").display
        await pilot.press("i")
        await until(pilot, lambda: app.screen is not app.main, "the picker")
        await pilot.press("up", "enter")
        await rows_of(pilot, view, "replicasets", 3)


async def test_palette_opens_kinds_and_runs_row_actions(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.command import CommandPalette

    calls = Calls(monkeypatch)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_fleet(pilot)
        await rows_of(pilot, view, "pods", PODS * 3)

        async def palette(text: str) -> None:
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
            app.screen.query_one(Input).value = text
            await pilot.pause(0.3)  # the palette searches in the background
            await pilot.press("enter")
            await until(pilot, lambda: app.screen is app.main, "the palette closed")

        await palette(f"Fleet view: describe {view.table.cursor_key.split('/')[2]}")
        assert calls.last()[0] == "describe"
        await palette("Fleet view: deployments")
        await rows_of(pilot, view, "deployments", 3)

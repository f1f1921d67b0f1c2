"""Access clusters through the screens, against sandbox clusters over real HTTP.

A real ``Services`` on a tmp SQLite cache, its kubeconfig the sandbox fleet's (one context
per cluster). Associating, the cluster detail and its tabs, deletion protection and the
typed confirmation for production clusters — through keys, as a user would.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest
from rich.console import Console
from textual.widgets import (
    Button,
    Input,
    SelectionList,
    Static,
    Switch,
    TabbedContent,
    TextArea,
)

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.i18n import t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.associate import AssociateScreen
from ccseone_tui.ui.screens.cluster_create import ClusterCreateScreen
from ccseone_tui.ui.screens.cluster_detail import ClusterDetailScreen
from ccseone_tui.ui.screens.cluster_edit import ClusterEditScreen
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.widgets.cluster_edge import ClusterEdgePane
from ccseone_tui.ui.widgets.cluster_tasks import ClusterTasksPane
from ccseone_tui.ui.widgets.form import FormError
from ccseone_tui.ui.widgets.log_view import LogView

from .pilot_helpers import settle, until

SIZE = (140, 40)


def settings(tmp_path: Path, fleet: SandboxFleet, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                    connect_timeout=1.0, read_timeout=3.0, theme="textual-dark",
                    **kw)  # type: ignore[arg-type]


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=2, log_rate=20.0) as f:
        yield f


@pytest.fixture
async def live(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path, fleet), user="oncall")
    await s.instances.create("hub", "cn-east-1")
    yield s
    await s.close()


def make(services: Services) -> CcseoneApp:
    return CcseoneApp(services, live_probes=False)


def plain(widget: Static) -> str:
    """What a Static shows, as text (its content may be any Rich renderable)."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def notes(app: CcseoneApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


async def test_associate_two_contexts_from_the_picker(live: Services) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssociateScreen)
        contexts = screen.query_one(SelectionList)
        assert contexts.option_count == 3
        # first context: selected, renamed; second: selected under its own name
        await pilot.press("space")
        name = screen.query_one("#console-name", Input)
        assert name.value == "sandbox-1"
        name.value = "Bad_Name"
        await pilot.pause()
        assert t("console.field.console_name_for", context="sandbox-1") in plain(
            screen.query_one("#form-error", Static))
        name.value = "east-a"
        await pilot.pause()
        contexts.focus()
        await pilot.press("down", "space")
        screen.query_one("#labels", Input).value = "env=staging"
        await pilot.press("ctrl+s")
        await settle(pilot)
        results = plain(screen.query_one("#associate-results", Static))
        assert "✓ east-a" in results and "✓ sandbox-2" in results
        assert screen.query_one(SelectionList).selected == []
        await pilot.click("#close")
        await settle(pilot)
        assert app.screen is app.main
        clusters = {c.name: c for c in await live.clusters.list()}
        assert set(clusters) == {"east-a", "sandbox-2"}
        assert clusters["east-a"].labels == {"env": "staging"}
        assert clusters["east-a"].probe.status is ClusterStatus.READY
        table = app.main.query_one("#clusters-table")
        await until(pilot, lambda: table.row_count == 2, "the new rows")  # type: ignore[attr-defined]


async def test_associate_shows_the_611_message_per_context(live: Services,
                                                           fleet: SandboxFleet) -> None:
    """An already associated cluster fails on its own row, with the §6.1 fix; others pass."""
    await live.clusters.associate("hub", [AssociateRequest("sandbox-1")])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        await pilot.press("space")  # sandbox-1, already associated: under a new name
        screen.query_one("#console-name", Input).value = "again"
        screen.query_one(SelectionList).focus()
        await pilot.press("down", "space")  # and sandbox-2
        await pilot.press("ctrl+s")
        await settle(pilot)
        results = plain(screen.query_one("#associate-results", Static))
        assert "✗ again" in results and "do not associate the same cluster twice" in results
        assert "✓ sandbox-2" in results
        assert screen.query_one(SelectionList).selected == ["sandbox-1"]  # left to retry


async def test_cluster_detail_every_tab(live: Services, fleet: SandboxFleet) -> None:
    await live.clusters.associate("hub", [AssociateRequest("sandbox-1", deletion_protection=False)])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClusterDetailScreen)
        info = plain(screen.query_one("#cluster-info", Static))
        assert "sandbox-1" in info and "v1.30.2" in info and "2/2" in info
        tabs = screen.query_one(TabbedContent)

        tabs.active = "access"
        await settle(pilot)
        text = screen.query_one("#kubeconfig-text", TextArea).text
        token = fleet["sandbox-1"].token
        assert "server:" in text and token not in text
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert token in screen.query_one("#kubeconfig-text", TextArea).text

        tabs.active = "logs"
        await settle(pilot)
        view = screen.query_one("#cluster-log", LogView)
        await until(pilot, lambda: any(line.source == "events"
                                       for line in view.buffer.iter_lines()), "events")
        picker = screen.query_one("#pod-picker")
        assert picker._options  # type: ignore[attr-defined]
        first = next(v for _, v in picker._options if isinstance(v, str))  # type: ignore[attr-defined]
        picker.value = first  # type: ignore[attr-defined]
        await until(pilot, lambda: any(line.source == first
                                       for line in view.buffer.iter_lines()), "pod log lines")

        tabs.active = "tasks"
        await settle(pilot)
        tasks = screen.query_one(ClusterTasksPane)
        assert tasks.query_one("#cluster-tasks").row_count >= 0  # type: ignore[attr-defined]

        tabs.active = "edge"
        await settle(pilot)
        edge = screen.query_one(ClusterEdgePane)
        assert [n.name for n in edge.nodes] and not any(n.edge for n in edge.nodes)
        edge.query_one("#edge-nodes").focus()
        await pilot.press("space", "l")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # not production: a plain yes/no
        await pilot.press("y")
        await settle(pilot)
        assert sum(n.edge for n in edge.nodes) == 1
        tabs.active = "tasks"
        await settle(pilot)
        assert "cluster.label-edge" in {t.kind for t in tasks.tasks.values()}
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main


async def test_delete_refused_while_protected_then_confirmed(live: Services) -> None:
    await live.clusters.associate("hub", [
        AssociateRequest("sandbox-1", name="guarded"),
        AssociateRequest("sandbox-2", name="loose", deletion_protection=False),
    ])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.main.query_one("#clusters-table")
        table.move_cursor(row=table.get_row_index(  # type: ignore[attr-defined]
            next(c.id for c in await live.clusters.list() if c.name == "guarded")))
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is app.main  # refused before any question
        assert "guarded has deletion protection on" in notes(app)
        assert "turn deletion protection off first" in notes(app)
        table.move_cursor(row=table.get_row_index(  # type: ignore[attr-defined]
            next(c.id for c in await live.clusters.list() if c.name == "loose")))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [c.name for c in await live.clusters.list()] == ["guarded"]


async def test_edit_turns_protection_off_then_delete(live: Services) -> None:
    await live.clusters.associate("hub", [AssociateRequest("sandbox-1", name="guarded")])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is app.main  # protected: refused before any question
        assert "guarded has deletion protection on" in notes(app)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ClusterEditScreen)
        labels = dialog.query_one("#labels", Input)
        labels.value = "team=sre,bad key"
        await pilot.pause()
        assert t("console.field.labels") in plain(dialog.query_one("#form-error", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused in the dialog, nothing saved
        labels.value = "team=sre"
        protection = dialog.query_one("#protection", Switch)
        assert protection.value
        protection.focus()
        await pilot.press("space")
        assert not protection.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main  # not production: saved without a question
        assert "Cluster guarded saved" in notes(app)
        cluster = await live.clusters.get("guarded")
        assert cluster.labels == {"team": "sre"} and not cluster.deletion_protection
        await until(pilot, lambda: not next(iter(app.main.view("clusters").rows.values()))
                    .deletion_protection, "the list to re-read the cache")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert await live.clusters.list() == []
        journal = await live.tasks.list_journal(cluster.instance_id)
        assert [e.action for e in journal if e.target == "guarded"] == [
            "cluster.associate", "cluster.edit", "cluster.delete"]


async def test_edit_of_a_production_cluster_needs_its_name_typed(live: Services) -> None:
    await live.clusters.associate("hub", [AssociateRequest(
        "sandbox-3", name="pay-prod", labels={"env": "prod"})])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ClusterEditScreen)
        dialog.query_one("#labels", Input).value = "env=dev"  # no longer production: still asked
        await pilot.press("ctrl+s")
        await settle(pilot)
        typed = app.screen
        assert isinstance(typed, TypedConfirmScreen)
        await pilot.press("escape")  # cancelled: back in the dialog, nothing saved
        await settle(pilot)
        assert app.screen is dialog
        assert (await live.clusters.get("pay-prod")).labels == {"env": "prod"}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TypedConfirmScreen)
        await pilot.press(*"pay-prod", "enter")
        await settle(pilot)
        assert app.screen is app.main
        assert (await live.clusters.get("pay-prod")).labels == {"env": "dev"}


async def test_edit_refused_in_read_only(tmp_path: Path, fleet: SandboxFleet) -> None:
    writer = await open_services(settings(tmp_path, fleet), user="oncall")
    await writer.instances.create("hub", "cn-east-1")
    await writer.clusters.associate("hub", [AssociateRequest("sandbox-1")])
    await writer.close()
    services = await open_services(settings(tmp_path, fleet, read_only=True), user="oncall")
    try:
        app = make(services)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            assert app.screen is app.main
            assert t("error.readonly") in notes(app)
    finally:
        await services.close()


async def test_production_cluster_needs_its_name_typed(live: Services) -> None:
    await live.clusters.associate("hub", [AssociateRequest(
        "sandbox-3", name="pay-prod", labels={"env": "prod"}, deletion_protection=False)])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClusterDetailScreen)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TypedConfirmScreen)
        yes = dialog.query_one("#confirm-yes", Button)
        await pilot.press(*"pay-pro")
        assert yes.disabled
        await pilot.press("d", "enter")
        await settle(pilot)
        assert await live.clusters.list() == []
        assert app.screen is app.main  # the detail closed with its cluster


async def test_read_only_refuses_write_keys(tmp_path: Path, fleet: SandboxFleet) -> None:
    services = await open_services(settings(tmp_path, fleet, read_only=True), user="oncall")
    try:
        app = make(services)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in ("a", "c"):
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is app.main
            assert notes(app).count(t("error.readonly")) == 2
            # said once, as itself: not under a "Change refused failed" title
            refused = [n for n in app._notifications if t("error.readonly") in str(n.message)]
            assert all(not n.title and n.severity == "warning" for n in refused)
    finally:
        await services.close()


async def test_no_stream_outlives_the_detail(live: Services) -> None:
    await live.clusters.associate("hub", [AssociateRequest("sandbox-1")])
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one(TabbedContent).active = "logs"
        await settle(pilot)
        assert [w for w in app.workers if w.group == "stream" and w.is_running]
        await pilot.press("escape")
        await until(pilot, lambda: not [w for w in app.workers
                                        if w.group.startswith("stream") and w.is_running],
                    "streams to stop")


def _join_helpers() -> ModuleType:
    """The integration tests' way to run a join snippet against a sandbox member."""
    path = Path(__file__).parents[1] / "integration" / "join_helpers.py"
    spec = importlib.util.spec_from_file_location("console_join_helpers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_create_then_register_with_the_join_command(live: Services,
                                                          fleet: SandboxFleet) -> None:
    member = fleet["sandbox-3"]
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClusterCreateScreen)
        await pilot.press(*"edge-9")
        form.query_one("#api-server", Input).value = "ftp://nope"
        await pilot.pause()
        assert t("console.field.api_server") in form.query_one("#form-error", FormError).text
        form.query_one("#api-server", Input).value = member.url
        form.query_one("#labels", Input).value = "site=factory-1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ClusterDetailScreen)
        assert detail.tab == "register"
        assert (await live.clusters.get("edge-9")).probe.status is ClusterStatus.WAITING
        command = detail.query_one("#join-command", TextArea).text
        assert "kubectl" in command
        await pilot.press("y")
        assert app.clipboard == command
        token = await _join_helpers().join_via_api(fleet, member, command, "edge-9")
        detail.query_one("#token", Input).value = token
        detail.query_one("#token", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert (await live.clusters.get("edge-9")).probe.status is ClusterStatus.READY
        assert "Ready" in plain(detail.query_one("#register-state", Static))
        assert token not in notes(app)

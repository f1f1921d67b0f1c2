"""Pilot tests of the app shell on a real, seeded services layer (SQLite in tmp_path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, DataTable, Input
from textual.worker import WorkerFailed

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import InstanceNotReady
from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.i18n import set_language, t
from ccseone_tui.services import Services, events, open_services
from ccseone_tui.ui import workers
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.help import HelpScreen, key_groups
from ccseone_tui.ui.screens.instance_picker import InstancePicker
from ccseone_tui.ui.sections import SECTIONS
from ccseone_tui.ui.widgets.empty_state import EmptyState
from ccseone_tui.ui.widgets.sidebar import NavSidebar

PROD = "inst-0001"  # the seeded fleet's ids (conftest.py)
SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]


async def settle(pilot: Pilot[None]) -> None:
    """Every worker but live streams (the instance detail's journal tail runs while shown)."""
    busy = [w for w in pilot.app.workers if not (w.group or "").startswith("stream")]
    if busy:  # an empty list would mean every worker
        await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


def current(app: CcseoneApp) -> str:
    return str(app.main.query_one(ContentSwitcher).current)


def table(app: CcseoneApp, section: str) -> DataTable[object]:
    return app.main.query_one(f"#{section}-table", DataTable)


def row_keys(app: CcseoneApp, section: str) -> list[str]:
    return [str(k.value) for k in table(app, section).rows]


def empty_text(app: CcseoneApp, section: str) -> str:
    return str(app.main.query_one(f"#{section}-empty", EmptyState).render())


async def test_paints_from_cache_on_the_fleet_view(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert current(app) == "clusters"
        assert app.current_instance is not None and app.current_instance.id == PROD
        assert len(row_keys(app, "clusters")) == 8
        assert "north-stage-1" not in " ".join(row_keys(app, "clusters"))
        assert app.focused is table(app, "clusters")
        # live probes are off: nothing but the cache was read
        assert not [w for w in app.workers if w.name == "refresh:clusters"]


async def test_every_section_by_number_key(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for s in SECTIONS:
            await pilot.press(s.key)
            await settle(pilot)
            assert current(app) == s.id
            assert app.main.query_one(NavSidebar).current == s.id
        assert len(row_keys(app, "instances")) == 2
        assert len(row_keys(app, "namespaces")) == 3
        assert len(row_keys(app, "apps")) == 2
        assert len(row_keys(app, "templates")) == 3
        assert row_keys(app, "tasks") == ["task-0003", "task-0001", "task-0002"]


async def test_every_section_by_sidebar(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # from the table back to the sidebar
        assert isinstance(app.focused, NavSidebar)
        await pilot.press("up", "enter")  # group headers are skipped by the cursor
        await settle(pilot)
        assert current(app) == "instances"
        for expected in ("clusters", "namespaces", "fleet", "apps", "templates", "tasks",
                         "logs"):
            app.main.query_one(NavSidebar).focus()
            await pilot.press("down", "enter")
            await settle(pilot)
            assert current(app) == expected


async def test_every_section_by_mouse(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # top padding, then: header, 4 sections, gap, header, 2 sections, gap, header, Tasks
        await pilot.click(NavSidebar, offset=(5, 12))
        await settle(pilot)
        assert current(app) == "tasks"


async def test_every_section_by_palette(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for s in SECTIONS:
            await pilot.press("ctrl+p")
            assert isinstance(app.screen, CommandPalette)
            app.screen.query_one(Input).value = t("palette.goto", section=t(s.label_key))
            await pilot.pause(0.3)  # the palette searches in the background
            await pilot.press("enter")
            await settle(pilot)
            assert current(app) == s.id, s.id


async def test_help_opens_and_closes(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is app.main


async def test_filter_narrows_the_table(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"prod")
        # by name and by labels (env=prod), even where the labels cell is cut
        assert row_keys(app, "clusters") == ["cls-0005", "cls-0001", "cls-0002"]
        app.focused.value = "offline"  # type: ignore[union-attr]
        await pilot.pause()
        assert row_keys(app, "clusters") == ["cls-0002"]
        app.focused.value = "no-such-cluster"  # type: ignore[union-attr]
        await pilot.pause()
        assert row_keys(app, "clusters") == []
        assert "no-such-cluster" in empty_text(app, "clusters")
        await pilot.press("escape")  # clears the filter, focus back on the table
        assert len(row_keys(app, "clusters")) == 8
        assert app.focused is table(app, "clusters")


async def test_read_only_badge(tmp_path: Path, make_app: MakeApp) -> None:
    for read_only in (False, True):
        settings = Settings(data_dir=tmp_path / str(read_only), read_only=read_only)
        services = await open_services(settings)
        try:
            app = make_app(services)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                badge = app.main.query_one("#read-only-badge")
                assert badge.display is read_only
        finally:
            await services.close()


async def test_empty_states_say_what_to_do(empty_services: Services, make_app: MakeApp) -> None:
    app = make_app(empty_services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = empty_text(app, "clusters")
        assert t("empty.instances") in text
        assert "ccseone instances create NAME --region REGION" in text
        assert "ccseone demo" in text
        for s in SECTIONS:
            await pilot.press(s.key)
            await settle(pilot)
            empty = app.main.query_one(f"#{s.id}-empty", EmptyState)
            assert empty.display, s.id
            assert str(empty.render()).strip(), s.id


async def test_switch_instance(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InstancePicker)
        await pilot.press("down", "enter")  # sorted by name: prod-east, staging
        await settle(pilot)
        assert app.current_instance is not None and app.current_instance.name == "staging"
        assert row_keys(app, "clusters") == ["cls-0101"]
        await pilot.press("3")
        await settle(pilot)
        assert t("empty.namespaces", instance="staging") in empty_text(app, "namespaces")
        await pilot.press("1", "down", "up", "enter")  # Enter on an instance makes it current
        await settle(pilot)
        assert app.current_instance.id == PROD


async def test_probe_answers_update_rows_in_place(services: Services, make_app: MakeApp) -> None:
    """``r`` probes through the real services; each answer rewrites its row."""
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = table(app, "clusters").get_row("cls-0001")
        await pilot.press("r")
        await settle(pilot)
        view = app.main.query_one("#clusters")
        # the seeded kubeconfig does not exist: every live cluster answers Unknown, with why
        assert view.rows["cls-0001"].probe.status is ClusterStatus.UNKNOWN
        after = table(app, "clusters").get_row("cls-0001")
        assert str(after[1]) != str(before[1])
        assert view.rows["cls-0005"].probe.status is ClusterStatus.WAITING  # never probed
        assert not view.refreshing


async def test_service_event_reaches_the_row(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cluster = await services.clusters.get("cls-0002")
        assert cluster.probe.status is ClusterStatus.OFFLINE  # as seeded
        cluster.probe = replace(cluster.probe, status=ClusterStatus.READY, error=None)
        services.events.emit(events.ClusterProbed(cluster))
        await pilot.pause()
        cell = table(app, "clusters").get_cell("cls-0002", "status")
        assert "Ready" in str(cell)


async def test_worker_failures_become_one_error_notification(
    services: Services, make_app: MakeApp
) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def fails() -> None:
            raise InstanceNotReady(name="prod-east", status="Creating")

        worker = workers.start(app, fails(), name="test:fail", group="test",
                               description="Probing")
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        [note] = list(app._notifications)
        assert note.severity == "error"
        assert "Probing" in note.title
        assert InstanceNotReady(name="prod-east", status="Creating").message in note.message
        assert "wait" in note.message.lower()  # the fix is shown, not just the error


async def test_refresh_timer_only_while_clusters_shown(services: Services) -> None:
    app = CcseoneApp(services, clock=lambda: 0.0, live_probes=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        timer = app.main._timer
        assert timer is not None and timer._active.is_set()
        await pilot.press("f1")
        await pilot.pause()
        assert not timer._active.is_set()  # a modal covers the view
        await pilot.press("escape", "1")
        await pilot.pause()
        assert not timer._active.is_set()  # another section is shown
        await pilot.press("2")
        await settle(pilot)
        assert timer._active.is_set()


async def test_chinese_shell(services: Services, make_app: MakeApp) -> None:
    set_language("zh_CN")
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        prompts = [str(o.prompt) for o in app.main.query_one(NavSidebar).options]
        assert any("接入集群" in p for p in prompts)
        assert any("分布式集群" in p for p in prompts)
        header = [str(c.label) for c in table(app, "clusters").columns.values()]
        assert header[:2] == ["名称", "状态"]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_help_lists_every_section_and_key() -> None:
    for lang in ("en", "zh_CN"):
        set_language(lang)
        groups = key_groups(15.0, "env=prod")
        keys = {key for _, rows in groups for key, _ in rows}
        text = " ".join(action for _, rows in groups for _, action in rows)
        for s in SECTIONS:
            assert s.key in keys
            assert t(s.label_key) in text
        assert {"i", "r", "ctrl+p", "/", "esc"} <= keys
    set_language("en")

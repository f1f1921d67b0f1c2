"""Truncation (#12 item 7): columns grow into the free width before cutting, log source names
never wrap mid-word, long log prefixes are short stern-style with the full names on ``F``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.app import App, ComposeResult
from textual.widgets import DataTable, OptionList

from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.clusters import LABELS_WIDTH
from ccseone_tui.ui.widgets.log_source import short_source
from ccseone_tui.ui.widgets.log_view import LogLine, LogView
from ccseone_tui.ui.widgets.table_view import share_width
from ccseone_tui.ui.widgets.virtual_table import Column, VirtualTable

MakeApp = Callable[[Services], CcseoneApp]
POD = "east-1/web-7d9f8c6b5-x2kq/web"


def test_short_source_cuts_the_template_hash_and_a_container_named_like_its_pod() -> None:
    assert short_source(POD) == "east-1/web-7d9…-x2kq"
    assert short_source("east-1/web-7d9f8c6b5-x2kq/istio-proxy") == \
        "east-1/web-7d9…-x2kq/istio-proxy"
    assert short_source("east-1/db-0/postgres") == "east-1/db-0/postgres"  # a StatefulSet
    assert short_source("hub:east") == "hub:east"


def test_share_width_meets_small_needs_first() -> None:
    assert share_width(40, {"path": (34, None), "remark": (20, 14)}) == {"path": 34, "remark": 20}
    assert share_width(80, {"path": (34, None), "remark": (20, 14)}) == {"path": 66, "remark": 20}
    assert share_width(80, {"path": (34, 45), "remark": (20, 14)}) == {"path": 45, "remark": 20}


async def test_cluster_labels_grow_into_the_free_width(services: Services,
                                                       make_app: MakeApp) -> None:
    [cluster] = [c for c in await services.clusters.list("inst-0001") if c.id == "cls-0001"]
    await services.store.update_cluster(replace(cluster, labels={
        "env": "prod", "tier": "core", "team": "payments", "cost-center": "cc-4711"}))
    app = make_app(services)
    async with app.run_test(size=(180, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        view = app.screen.query_one("#clusters")
        table = view.query_one(DataTable)
        assert view.flex_width("labels") > LABELS_WIDTH
        labels = [str(table.get_cell(key, "labels")) for key in table.rows]
        assert "cost-center=cc-4711,env=prod,team=payments,tier=core" in labels  # whole
        assert table.virtual_size.width <= table.scrollable_content_region.width


class EventsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable([Column("reason", "REASON"), Column("message", "MESSAGE", width=20)],
                           flex="message", id="events")


async def test_a_virtual_table_message_takes_the_free_width() -> None:
    app = EventsApp()
    long = "Back-off restarting failed container web in pod web-7d9f8c6b5-x2kq"
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows([("1", ("BackOff", long))])
        await pilot.pause()
        assert long in "".join(s.text for s in table.render_line(1))
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        line = "".join(s.text for s in table.render_line(1))
        assert long not in line and "Back-off restarting" in line  # least width: cut


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView(id="log")


async def test_log_prefixes_are_short_and_f_shows_the_full_names() -> None:
    app = LogApp()
    async with app.run_test(size=(120, 20)) as pilot:
        view = app.query_one(LogView)
        view.lines.focus()
        view.post_message(LogView.Batch([LogLine(POD, "GET /healthz 200", 1.0, 0)]))
        await pilot.pause()
        view.flush()
        await pilot.pause()

        def first_row() -> str:
            return "".join(s.text for s in view.lines.render_line(0))

        assert first_row().startswith("east-1/web-7d9…-x2kq GET /healthz")
        await pilot.press("F")
        await pilot.pause()
        assert first_row().startswith(f"{POD} GET /healthz")
        await pilot.press("F")
        await pilot.pause()
        assert first_row().startswith("east-1/web-7d9…-x2kq GET")


async def test_log_sources_are_one_line_each_however_narrow(services: Services,
                                                            make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("8")
        await pilot.pause()
        sources = app.screen.query_one("#log-sources", OptionList)
        sources.styles.width = 14  # narrower than "Events · east-stage-1"
        await pilot.pause()
        assert sources.option_count > 0
        # one line per option: nothing wrapped mid-word onto a second line
        assert sources.virtual_size.height == sources.option_count


async def test_namespace_detail_message_grows_into_the_free_width(
        services: Services, make_app: MakeApp) -> None:
    from ccseone_tui.ui.screens.namespace_detail import MESSAGE_WIDTH

    app = make_app(services)
    async with app.run_test(size=(180, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.3)
        screen = app.screen
        table = screen.query_one("#ns-sync", DataTable)
        assert screen.message_width > MESSAGE_WIDTH  # type: ignore[attr-defined]
        messages = [str(table.get_cell(key, "message")) for key in table.rows]
        whole = ("cluster east-batch-1 is not registered yet; it receives the namespace "
                 "when it registers")
        assert whole in messages

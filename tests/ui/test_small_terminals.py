"""Small terminals (#12 item 3): every section usable at 80x24, nothing lost at 60x20.

Snapshots of each section at both sizes (English; the same frozen fleet as the other
snapshots), then Pilot tests of what adapts to the width: the sidebar hides itself below
100 columns and ctrl+b toggles it, the footer keeps ``q`` and ``F1`` first when the keys do
not fit, tables say how many columns are out of sight, Compare goes unified below 120
columns, dialogs scroll to their buttons, and Logs turns its source list into a picker.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App
from textual.widgets import Button, DataTable, OptionList
from textual.widgets._footer import FooterKey

from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.diff_screen import DiffScreen
from ccseone_tui.ui.widgets.columns_more import ColumnsMore, offscreen
from ccseone_tui.ui.widgets.diff_view import DiffView
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.sidebar import NavSidebar

from .pilot_helpers import settle, until

MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]
SECTIONS = [("instances", "1"), ("clusters", "2"), ("namespaces", "3"), ("fleet", "4"),
            ("apps", "5"), ("templates", "6"), ("tasks", "7"), ("logs", "8")]
SIZES = [(80, 24), (60, 20)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("section", "key"), SECTIONS, ids=[s for s, _ in SECTIONS])
def test_section_on_a_small_terminal(snap_compare, sync_services: SyncServices,
                                     make_app: MakeApp, section: str, key: str,
                                     size: tuple[int, int]) -> None:
    """No sidebar, q and F1 first in the footer, "n more ▸" where columns are cut; Logs
    shows its sources as a full-width picker."""
    assert snap_compare(make_app(sync_services()), press=[key], terminal_size=size)


# ---- sidebar ---------------------------------------------------------------------------------


async def test_sidebar_hides_below_100_columns_and_comes_back(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sidebar = app.screen.query_one(NavSidebar)
        assert not sidebar.display
        assert app.screen.focused is not sidebar
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert sidebar.display
        await pilot.resize_terminal(99, 40)
        await pilot.pause()
        assert not sidebar.display


async def test_ctrl_b_toggles_the_sidebar_until_the_width_crosses_the_line(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        sidebar = app.screen.query_one(NavSidebar)
        await pilot.press("ctrl+b")
        assert sidebar.display  # shown on demand while narrow
        await pilot.press("3")  # a section key still works, and the sidebar stays
        await pilot.pause()
        assert sidebar.display and sidebar.current == "namespaces"
        await pilot.press("ctrl+b")
        assert not sidebar.display
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert sidebar.display  # wide again: the width decides
        sidebar.focus()
        await pilot.press("backslash")
        assert not sidebar.display
        assert app.screen.focused is not None and app.screen.focused is not sidebar


# ---- footer and tables -----------------------------------------------------------------------


async def test_footer_puts_quit_and_help_first_only_when_keys_do_not_fit(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(60, 20)) as pilot:
        footer = app.screen.query_one(ShellFooter)

        def first() -> list[str]:
            return [k.action for k in footer.query_children(FooterKey)][:2]

        await until(pilot, lambda: first() == ["quit", "help"], "q and F1 first")
        await pilot.resize_terminal(160, 40)
        await until(pilot, lambda: bool(first()) and first()[0] != "quit",
                    "Textual's order once everything fits")


def test_offscreen_counts_cut_columns_on_both_sides() -> None:
    offsets = [0, 10, 20, 30, 40]  # four columns of 10
    assert offscreen(offsets, 0, 40) == (0, 0)
    assert offscreen(offsets, 0, 25) == (0, 2)  # the third is cut, the fourth hidden
    assert offscreen(offsets, 10, 25) == (1, 1)


async def test_a_table_says_how_many_columns_are_off_screen_and_scrolls_to_them(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        view = app.screen.query_one("#clusters")
        more = view.query_one(ColumnsMore)
        table = view.query_one(DataTable)
        assert str(more.content).endswith("more ▸") and not str(more.content).startswith("◂")
        assert table.has_focus
        for _ in range(200):
            await pilot.press("right")
        await pilot.pause()
        assert table.scroll_x == table.max_scroll_x > 0
        assert str(more.content).startswith("◂") and not str(more.content).endswith("▸")


# ---- Compare ---------------------------------------------------------------------------------

OLD = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  A: '1'\n  B: '2'\n"
NEW = OLD.replace("A: '1'", "A: '3'")


class DiffApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(DiffScreen("Compare web", OLD, NEW))


async def test_compare_is_unified_below_120_columns_and_u_still_toggles() -> None:
    app = DiffApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(DiffView)
        assert view.unified
        await pilot.press("u")
        assert not view.unified  # the user's choice stands at this width
        await pilot.resize_terminal(110, 30)
        await pilot.pause()
        assert not view.unified
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert not view.unified
        await pilot.resize_terminal(90, 30)  # crossed the line: unified again
        await pilot.pause()
        assert view.unified
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert not view.unified


async def test_compare_is_side_by_side_on_a_wide_terminal() -> None:
    app = DiffApp()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one(DiffView).unified


# ---- dialogs and logs ------------------------------------------------------------------------


async def test_a_dialog_scrolls_to_its_buttons_on_a_small_terminal(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        assert dialog.max_scroll_y > 0  # taller than the screen: it scrolls
        button = app.screen.query(Button).last()
        button.focus()
        await pilot.pause()
        screen = app.screen.region
        assert screen.contains_region(button.region) and button.region.height > 0


async def test_logs_sources_are_a_picker_when_narrow(services: Services,
                                                    make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("8")
        await settle(pilot)  # the sources are loaded by a worker
        view = app.screen.query_one("#logs")
        sources = view.query_one("#log-sources", OptionList)
        log = view.query_one("#log-view")
        # the narrow layout follows the section's first resize: a frame or two on a busy host
        await until(pilot, lambda: sources.display and not log.display and sources.has_focus,
                    "the source picker to fill the section with the focus")
        await pilot.press("enter")  # the instance's journal
        await pilot.pause()
        assert log.display and not sources.display
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert sources.display and sources.has_focus and not log.display
        await pilot.press("escape")
        await pilot.pause()
        assert log.display and not sources.display
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert log.display and sources.display  # wide: side by side

"""One meaning per key (#12 item 4): walks every section's live bindings and every screen's
declared ones; F1 lists each key a section answers to."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

import ccseone_tui.ui as ui_package
from ccseone_tui.config import Settings
from ccseone_tui.i18n import t
from ccseone_tui.services import Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.console_help import section_key_groups
from ccseone_tui.ui.screens.help import key_groups
from ccseone_tui.ui.sections import SECTIONS
from ccseone_tui.ui.widgets.footer import ShellFooter

MakeApp = Callable[[Services], CcseoneApp]
SIZE = (140, 40)

# keys whose meaning changes on purpose inside one widget's own context (a diff, a log tail,
# a dialog): they are never active together with the section keys they shadow
CONTEXT_WIDGETS = {"DiffView", "DiffScreen", "LogView", "ConfirmScreen", "NamespaceLeavingScreen",
                   "VirtualTable", "LogLines", "HelpScreen", "FleetView", "AppDetailScreen"}


async def settle(pilot: Pilot[None]) -> None:
    """Every worker but live streams (the Fleet view watches its kind while shown)."""
    busy = [w for w in pilot.app.workers if not (w.group or "").startswith("stream")]
    if busy:  # an empty list would mean every worker
        await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


def live_bindings(app: CcseoneApp) -> dict[str, set[str]]:
    """key -> the descriptions of every binding of the focused chain that would run now."""
    ours = declared_bindings()  # Textual's own keys (ctrl+c, tab …) are not ours to judge
    out: dict[str, set[str]] = defaultdict(set)
    for namespace, bindings in app.screen._modal_binding_chain:
        for key, items in bindings.key_to_bindings.items():
            for binding in items:
                if key in ours and binding.description and \
                        app._check_action_state(binding.action, namespace) is not False:
                    out[key].add(binding.description)
    return out


def declared_bindings() -> dict[str, set[tuple[str, str]]]:
    """key -> (class, description) for every binding any ui class declares."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for info in pkgutil.walk_packages(ui_package.__path__, "ccseone_tui.ui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode)
                    and cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__):
                continue
            for b in cls.__dict__["BINDINGS"]:
                if isinstance(b, Binding):
                    for key in b.key.split(","):
                        seen[key.strip()].add((name, b.description))
    return seen


def help_keys(section: str) -> set[str]:
    """The keys F1 lists for ``section``: the global and list groups and its own."""
    groups = key_groups(15.0, "env=prod")[:4] + section_key_groups()[section]
    keys: set[str] = set()
    for _, rows in groups:
        for key, _ in rows:
            for part in key.split():
                keys.add(part.lower().rstrip(":"))
                keys.add(part.lower())  # ":" itself (the Fleet view's kind prompt)
    return keys


async def test_no_key_means_two_things_in_any_section(services: Services,
                                                      make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for section in SECTIONS:
            await pilot.press(section.key)
            await settle(pilot)
            for where in ("content", "sidebar"):
                if where == "sidebar":
                    await pilot.press("escape")  # lists: back to the sidebar
                    await pilot.pause()
                clashes = {k: d for k, d in live_bindings(app).items() if len(d) > 1}
                assert not clashes, f"{section.id} ({where}): {clashes}"
                if where == "sidebar":
                    app.main.view(section.id).focus_content()
                    await pilot.pause()


def test_r_refreshes_everywhere() -> None:
    """``r`` refreshes in every section and detail; only a diff (its own context) differs."""
    declared = declared_bindings()
    meanings = {d for cls, d in declared["r"] if cls not in CONTEXT_WIDGETS}
    assert meanings == {"key.refresh"}, declared["r"]


def test_a_write_key_keeps_its_meaning_across_screens() -> None:
    """``e`` edits and ``d`` deletes wherever a screen (not a kind picker) binds them;
    repair is ``R`` in the list and the detail alike."""
    declared = declared_bindings()
    for key, meaning in (("e", "console.key.edit"), ("d", "console.key.delete"),
                         ("R", "ns_ui.key.repair"), ("u", "apps.ui.key.upgrade")):
        assert {d for cls, d in declared[key] if cls not in CONTEXT_WIDGETS} == {meaning}, key


async def test_help_lists_every_key_of_every_section(services: Services,
                                                     make_app: MakeApp) -> None:
    """F1 names each key the section on screen answers to (Fleet, Logs and Tasks too)."""
    ours = declared_bindings()
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for section in SECTIONS:
            await pilot.press(section.key)
            await settle(pilot)
            listed = help_keys(section.id)
            missing = []
            for namespace, bindings in app.screen._modal_binding_chain:
                for key, items in bindings.key_to_bindings.items():
                    for binding in items:
                        if key not in ours or not binding.description or not type(
                                namespace).__module__.startswith("ccseone_tui") or type(
                                namespace).__name__ in (
                                "VirtualTable", "LogLines"):  # movement: the list keys row
                            continue
                        if app._check_action_state(binding.action, namespace) is False:
                            continue
                        names = {key.lower(), (binding.key_display or "").lower(),
                                 app.get_key_display(Binding(key, "")).lower()}
                        if not names & listed:
                            missing.append(key)
            assert not missing, f"{section.id}: F1 does not list {sorted(set(missing))}"


def footer_keys(app: CcseoneApp) -> set[str]:
    footer = app.screen.query_one(ShellFooter)
    return {k.key for k in footer.query(FooterKey)} if footer.display else set()


async def test_read_only_footer_offers_no_write_key(tmp_path: Path, make_app: MakeApp) -> None:
    """#12 item 1: in read-only mode the footer lists no write; the key still says why."""
    for read_only in (False, True):
        settings = Settings(data_dir=tmp_path / str(read_only), read_only=read_only)
        services = await open_services(settings)
        try:
            app = make_app(services)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                for section, writes in (("1", {"n", "e", "d"}), ("2", {"a", "c", "e", "d"}),
                                        ("3", {"c", "e", "d", "R"}), ("5", {"c", "u", "b", "d"}),
                                        ("6", {"c", "e", "d"})):
                    await pilot.press(section)
                    await settle(pilot)
                    await pilot.pause()
                    shown = footer_keys(app)
                    if read_only:
                        assert not shown & writes, (section, shown)
                        assert {"r", "q"} <= shown
                    else:
                        assert writes <= shown, (section, shown)
                if read_only:
                    await pilot.press("1", "n")
                    await settle(pilot)
                    assert app.screen is app.main
                    assert any(t("error.readonly") in str(n.message)
                               for n in app._notifications)
        finally:
            await services.close()


async def test_footer_behind_a_dialog_is_hidden(services: Services, make_app: MakeApp) -> None:
    """The footer lists the keys of the screen on top, never those of the one behind."""
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "a" in footer_keys(app)
        await pilot.press("a")  # associate: a dialog over Access clusters
        await settle(pilot)
        assert app.screen is not app.main
        assert not app.main.query_one(ShellFooter).display
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main and "a" in footer_keys(app)


async def test_enter_on_a_switch_submits_the_form(services: Services, make_app: MakeApp) -> None:
    """Enter submits a form from any field, a switch too (space toggles it)."""
    from textual.widgets import Input, Switch

    from ccseone_tui.ui.screens.instance_form import InstanceFormScreen

    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, InstanceFormScreen)
        form.query_one("#name", Input).value = "west-1"
        switch = form.query_one(Switch)
        switch.focus()
        await pilot.pause()
        before = switch.value
        await pilot.press("space")
        assert switch.value is not before
        await pilot.press("enter")  # submitted: created, no second question (#12 item 5)
        await settle(pilot)
        assert app.screen is app.main
        assert "west-1" in {i.name for i in await services.instances.list()}


def test_typed_confirmation_says_what_is_wrong_while_typing() -> None:
    """#12 item 5: the typed confirmation names the mismatch as it is typed."""
    from ccseone_tui.ui.screens.typed_confirm import match_text

    assert "nothing typed" in match_text("", "east-prod-1")
    assert "3 of 11 characters match so far" in match_text("eas", "east-prod-1")
    assert "character 4 differs" in match_text("easX", "east-prod-1")
    assert "2 characters too many" in match_text("east-prod-1xy", "east-prod-1")
    assert match_text(" east-prod-1 ", "east-prod-1") == t("typed.match.ok")


async def test_footer_recomposes_only_when_its_keys_change(services: Services,
                                                           make_app: MakeApp) -> None:
    """A bindings signal with the same keys (a view re-checking its actions while rows load)
    rebuilds nothing; a section with other keys rebuilds once and lists them."""
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main.query_one(ShellFooter)
        before, keys = footer.recomposes, footer_keys(app)
        for _ in range(10):
            app.main.refresh_bindings()
            await pilot.pause()
        await settle(pilot)
        assert footer.recomposes == before and footer_keys(app) == keys
        await pilot.press("3")  # Namespaces: other keys
        await settle(pilot)
        await pilot.pause()
        assert footer.recomposes > before and "R" in footer_keys(app)
        assert footer_keys(app) != keys

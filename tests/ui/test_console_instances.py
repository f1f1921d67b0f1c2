"""Control instances through the screens: create (validation, confirm), edit, delete with
protection and attached clusters, and the instance detail with its live log."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from textual.widgets import Button, Checkbox, Input, Select, Static, Switch

from ccseone_tui.i18n import t
from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.console_help import console_commands
from ccseone_tui.ui.screens.help import key_groups
from ccseone_tui.ui.screens.instance_delete import InstanceDeleteScreen
from ccseone_tui.ui.screens.instance_detail import InstanceDetailScreen
from ccseone_tui.ui.screens.instance_form import InstanceFormScreen
from ccseone_tui.ui.widgets.form import FormError
from ccseone_tui.ui.widgets.log_view import LogView

from .pilot_helpers import settle, until

SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]




def plain(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def notes(app: CcseoneApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


def row_of(app: CcseoneApp, instance_id: str) -> None:
    table = app.main.query_one("#instances-table")
    table.move_cursor(row=table.get_row_index(instance_id))  # type: ignore[attr-defined]


async def test_create_instance_through_the_dialog(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, InstanceFormScreen)
        await pilot.press(*"West_1")
        error = form.query_one(FormError)
        assert error.text.startswith(t("console.field.name") + ":")
        assert "'West_1' is not compliant" in error.text
        assert form.query_one("#name", Input).has_class("-invalid")
        await pilot.press("enter")  # refused: the form stays, on the wrong field
        assert app.screen is form and app.focused is form.query_one("#name", Input)
        form.query_one("#name", Input).value = "west-1"
        await pilot.pause()
        assert error.text == ""
        form.query_one("#region", Select).value = "cn-north-1"
        form.query_one("#description", Input).value = "West hub"
        await pilot.press("ctrl+s")  # created at once: no second question, as for a cluster
        await settle(pilot)
        assert app.screen is app.main
        created = await services.instances.get("west-1")
        assert (created.region, created.deletion_protection, created.description) == (
            "cn-north-1", True, "West hub")
        assert created.id in [str(k.value) for k in app.main.query_one(
            "#instances-table").rows]  # type: ignore[attr-defined]


async def test_name_taken_stays_in_the_form(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "n")
        await pilot.pause()
        form = app.screen
        await pilot.press(*"staging", "enter")
        await settle(pilot)
        assert app.screen is form
        assert "already exists" in form.query_one(FormError).text
        assert not form.query_one("#submit", Button).disabled


async def test_edit_then_delete_with_attached_clusters(services: Services,
                                                      make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        row_of(app, "inst-0002")
        await pilot.press("d")  # protected: refused before any question
        await settle(pilot)
        assert app.screen is app.main
        assert "staging has deletion protection on" in notes(app)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, InstanceFormScreen)
        assert form.query_one("#name", Input).disabled
        form.query_one("#protection", Switch).value = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not (await services.instances.get("staging")).deletion_protection
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, InstanceDeleteScreen)
        assert [c.name for c in dialog.clusters] == ["north-stage-1"]
        delete = dialog.query_one("#confirm-yes", Button)
        assert delete.disabled  # detaching is an explicit choice
        dialog.query_one(Checkbox).value = True
        await pilot.pause()
        assert not delete.disabled
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert [i.name for i in await services.instances.list()] == ["prod-east"]
        assert await services.clusters.list("inst-0002") == []


async def test_instance_detail_tails_the_journal(services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InstanceDetailScreen)
        assert app.current_instance is not None and app.current_instance.id == "inst-0001"
        view = screen.query_one(LogView)

        def texts() -> list[str]:
            return [line.text for line in view.buffer.iter_lines()]

        await until(pilot, lambda: any("instance.create  prod-east" in line
                                       for line in texts()), "the journal history")
        appended = services.events.next(object)
        await services.instances.edit("prod-east", description="edited live")
        await appended
        await until(pilot, lambda: texts()[-1].startswith("oncall  instance.edit  prod-east"),
                    "the new journal entry")
        await pilot.pause(0.2)
        lines = texts()
        assert lines[-1].startswith("oncall  instance.edit  prod-east")
        assert len(lines) == len({*lines})  # the event and the poll did not add it twice
        await settle(pilot)
        assert screen.instance.description == "edited live"  # the info re-read the cache
        assert "edited live" in plain(screen.query_one("#instance-info", Static))
        await pilot.press("escape")
        assert app.screen is app.main
        await until(pilot, lambda: not [w for w in app.workers
                                        if w.group == "stream" and w.is_running],
                    "the journal tail to stop")


async def test_palette_and_help_name_every_console_action(services: Services,
                                                          make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {title for title, _, _ in console_commands(app)}
        for key, params in (
            ("console.palette.instance.create", {}),
            ("console.palette.instance.edit", {"name": "staging"}),
            ("console.palette.instance.delete", {"name": "staging"}),
            ("console.palette.instance.open", {"name": "prod-east"}),
            ("console.palette.cluster.associate", {}),
            ("console.palette.cluster.create", {}),
            ("console.palette.cluster.open", {"name": "east-prod-1"}),
            ("console.palette.cluster.register", {"name": "east-batch-1"}),
            ("console.palette.cluster.label_edge", {"name": "east-prod-1"}),
            ("console.palette.cluster.export", {"name": "east-prod-1"}),
            ("console.palette.cluster.edit", {"name": "east-prod-1"}),
            ("console.palette.cluster.delete", {"name": "east-prod-1"}),
        ):
            assert t(key, **params) in titles, key
        keys = {key for _, rows in key_groups(15.0, "env=prod") for key, _ in rows}
        assert {"n", "e", "d", "a", "c", "v", "x", "y", "space  l"} <= keys
        await pilot.press("ctrl+p")
        app.screen.query_one(Input).value = t("console.palette.instance.create")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InstanceFormScreen)

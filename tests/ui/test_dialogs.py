"""One confirmation style (#12 item 5): every confirmation dialog has the same two buttons
(the action, then No), the same hint line and the same keys — ``y`` confirms (not while the
action is disabled), ``n``/Esc cancel, Enter presses the focused button (No on a dangerous
question) — and a typed confirmation says what is wrong while typing.

The dialogs run over a bare host app: what they dismiss with is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Static

from ccseone_tui.domain.models import ControlInstance, FleetNamespace, MemberCluster
from ccseone_tui.domain.namespaces import ClusterContents
from ccseone_tui.i18n import t
from ccseone_tui.ui.screens.confirm import NO_ID, YES_ID, ConfirmScreen
from ccseone_tui.ui.screens.instance_delete import InstanceDeleteScreen
from ccseone_tui.ui.screens.namespace_delete import NamespaceDeleteScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen, TypedField


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Any] = []

    def ask(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, self.answers.append)


def member(name: str) -> MemberCluster:
    return MemberCluster(id=f"id-{name}", name=name, instance_id="inst-1")


def namespace_dialog() -> NamespaceDeleteScreen:
    ns = FleetNamespace(id="ns-1", instance_id="inst-1", name="payments")
    preview = [ClusterContents(member("prod-a"), True, 2, {"Deployment": 2}, True),
               ClusterContents(member("dev-b"), True, 0, {}, False)]
    return NamespaceDeleteScreen(ns, preview)


def instance_dialog(attached: int) -> InstanceDeleteScreen:
    inst = ControlInstance(id="inst-1", name="east", region="cn-east-1")
    return InstanceDeleteScreen(inst, [member(f"c{i}") for i in range(attached)])


# every confirmation dialog: (make it, what it dismisses with on yes, on no)
DIALOGS: dict[str, tuple[Any, Any, Any]] = {
    "confirm": (lambda: ConfirmScreen("Delete x?", "body"), True, False),
    "confirm-danger": (lambda: ConfirmScreen("Delete x?", "body", danger=True), True, False),
    "typed": (lambda: TypedConfirmScreen("Write to prod-a?", "", expected="prod-a"),
              "prod-a", None),
    "instance-delete": (lambda: instance_dialog(0), False, None),  # nothing to detach
    "instance-delete-attached": (lambda: instance_dialog(2), True, None),  # detach them
    "namespace-delete": (namespace_dialog, "prod-a", None),  # the production names typed
}


async def make_ready(pilot: Any, screen: Screen[Any]) -> None:
    """What each dialog needs before it may confirm: the names typed, detaching ticked."""
    for field in screen.query(TypedField):
        field.input.value = field.expected
    for box in screen.query(Checkbox):
        box.value = True
    await pilot.pause()
    screen.query_one(f"#{YES_ID}", Button).focus()  # y is typed into a focused field
    await pilot.pause()


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_every_confirmation_has_the_same_buttons_hint_and_keys(name: str) -> None:
    make, yes, no = DIALOGS[name]
    host = Host()
    async with host.run_test(size=(100, 40)) as pilot:
        # the same look: the action button, No, the one hint line
        host.ask(make())
        await pilot.pause()
        screen = host.screen
        buttons = [b.id for b in screen.query(Button)]
        assert buttons[-2:] == [YES_ID, NO_ID], buttons
        assert str(screen.query_one(f"#{NO_ID}", Button).label) == t("console.confirm.no")
        hint = screen.query_one(".confirm-hint", Static)
        assert str(hint.render()) == t("console.confirm.hint")

        # n cancels (from a button: in a field it is a letter)
        screen.query_one(f"#{NO_ID}", Button).focus()
        await pilot.press("n")
        await pilot.pause()
        assert host.screen is not screen

        # Esc cancels, from anywhere (the first field too)
        host.ask(make())
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

        # y confirms once the dialog is ready (names typed, detaching ticked)
        host.ask(make())
        await pilot.pause()
        screen = host.screen
        await make_ready(pilot, screen)
        await pilot.press("y")
        await pilot.pause()
        assert host.screen is not screen
        assert host.answers == [no, no, yes]


async def test_y_does_nothing_while_the_action_is_disabled() -> None:
    """A dialog whose action is not possible yet (names not typed, clusters attached and
    detaching not ticked) stays open on y, and points at what is missing."""
    host = Host()
    async with host.run_test(size=(100, 40)) as pilot:
        host.ask(instance_dialog(2))
        await pilot.pause()
        screen = host.screen
        screen.query_one(f"#{NO_ID}", Button).focus()
        await pilot.press("y")
        await pilot.pause()
        assert host.screen is screen and host.answers == []
        assert screen.focused is screen.query_one(Checkbox)  # the choice still to make
        await pilot.press("space", "y")
        await pilot.pause()
        assert host.answers == [True]  # detach, then delete

        host.ask(namespace_dialog())
        await pilot.pause()
        screen = host.screen
        screen.query_one("#typed-namespace", Input).value = "payments"
        screen.query_one(f"#{NO_ID}", Button).focus()
        await pilot.press("y")
        await pilot.pause()
        assert host.screen is screen  # the production name is still missing
        assert screen.focused is screen.query_one("#typed-production", Input)


async def test_enter_presses_the_focused_button_no_on_a_dangerous_question() -> None:
    host = Host()
    async with host.run_test(size=(100, 40)) as pilot:
        host.ask(ConfirmScreen("Delete x?", danger=True))
        await pilot.pause()
        assert host.screen.focused is host.screen.query_one(f"#{NO_ID}", Button)
        await pilot.press("enter")  # the safe answer
        await pilot.pause()
        host.ask(ConfirmScreen("Delete x?", danger=True))
        await pilot.pause()
        await pilot.press("y")  # y still confirms
        await pilot.pause()
        host.ask(ConfirmScreen("Go on?"))
        await pilot.pause()
        assert host.screen.focused is host.screen.query_one(f"#{YES_ID}", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert host.answers == [False, True, True]


async def test_typed_confirmation_says_what_is_wrong_while_typing() -> None:
    """The line under the field follows each key: nothing typed, how much matches, where it
    differs, too long, matches — and y while typing is a letter, not a yes."""
    host = Host()
    async with host.run_test(size=(100, 40)) as pilot:
        host.ask(TypedConfirmScreen("Write to prod-a?", "", expected="prod-a"))
        await pilot.pause()
        screen = host.screen
        line = screen.query_one(".typed-match", Static)
        yes = screen.query_one(f"#{YES_ID}", Button)

        def said() -> str:
            return str(line.render())

        assert said() == t("typed.match.none", expected="prod-a") and yes.disabled
        await pilot.press(*"pro")
        assert said() == t("typed.match.partial", expected="prod-a", count=3, total=6)
        await pilot.press("x")
        assert said() == t("typed.match.wrong", expected="prod-a", position=4)
        assert "Does not match prod-a" in said() and line.has_class("-bad")
        await pilot.press("backspace", *"d-a", "y")  # y in the field: a letter
        assert screen.query_one(Input).value == "prod-ay" and host.screen is screen
        assert said() == t("typed.match.long", expected="prod-a", extra=1) and yes.disabled
        await pilot.press("backspace")
        assert said() == t("typed.match.ok") and not yes.disabled and line.has_class("-ok")
        await pilot.press("enter")
        await pilot.pause()
        assert host.answers == ["prod-a"]


async def test_namespace_delete_says_what_is_wrong_with_each_name() -> None:
    host = Host()
    async with host.run_test(size=(100, 40)) as pilot:
        host.ask(namespace_dialog())
        await pilot.pause()
        screen = host.screen
        lines = screen.query(".typed-match").results(Static)
        name_line, prod_line = list(lines)
        await pilot.press(*"paym3")
        assert str(name_line.render()) == t("typed.match.wrong", expected="payments",
                                            position=5)
        assert str(prod_line.render()) == t("typed.match.none", expected="prod-a")

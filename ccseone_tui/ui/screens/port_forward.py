"""Port-forward (``f`` on a pod or service row): the remote port — picked among the ones
the pod's containers or the service declare, or typed — and the local port (0: a free one
chosen by the system). Enter starts, Esc cancels; what is typed is checked as it is typed."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.form import FormError, row


def port_problem(text: str, *, allow_zero: bool) -> str | None:
    value = text.strip()
    if not value.isdigit() or not (0 if allow_zero else 1) <= int(value) <= 65535:
        return t("res_ui.forward.bad_port", low=0 if allow_zero else 1)
    return None


class PortForwardScreen(ModalScreen[tuple[int, int] | None]):
    DEFAULT_CSS = """
    PortForwardScreen #ports { height: auto; max-height: 8; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, ref: ObjectRef, ports: list[tuple[int, str]]) -> None:
        super().__init__(id="port-forward")
        localize_bindings(self)
        self.ref = ref
        self.ports = ports

    def compose(self) -> ComposeResult:
        first = str(self.ports[0][0]) if self.ports else ""
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("res_ui.forward.title", target=f"{self.ref.info.kind} {self.ref.name}",
                           cluster=self.ref.cluster), classes="dialog-title", markup=False)
            if self.ports:
                yield OptionList(*(Option(f"{port:>5}  {label}", id=str(port))
                                   for port, label in self.ports), id="ports")
            else:
                yield Static(t("res_ui.forward.no_ports"), classes="confirm-body", markup=False)
            yield row(t("res_ui.forward.remote"), Input(first, id="remote", type="integer"))
            yield row(t("res_ui.forward.local"), Input("0", id="local", type="integer"))
            yield FormError()
            yield Static(t("res_ui.forward.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        if self.ports:
            self.query_one(OptionList).focus()
        else:
            self.query_one("#remote", Input).focus()

    @on(OptionList.OptionHighlighted, "#ports")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.query_one("#remote", Input).value = event.option.id or ""

    @on(OptionList.OptionSelected, "#ports")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#remote", Input).value = event.option.id or ""
        self.query_one("#local", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        remote = self.query_one("#remote", Input).value
        local = self.query_one("#local", Input).value or "0"
        problem = port_problem(remote, allow_zero=False) or port_problem(local, allow_zero=True)
        self.query_one(FormError).say(problem)
        if problem is None:
            self.dismiss((int(remote), int(local)))

    def action_cancel(self) -> None:
        self.dismiss(None)

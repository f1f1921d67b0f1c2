"""Delete a fleet namespace (``d``): what it still holds on each cluster, said plainly —
deleting a namespace destroys its contents — then the namespace's name typed, and the names
of the production clusters typed too, each with a line saying what is wrong while typing.
The delete button is enabled once both match; buttons and keys as in every confirmation.

Dismisses with the production names typed (``confirm=`` for the service, "" when there is
none), or None: cancelled.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.domain.namespaces import ClusterContents
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.confirm import (
    CONFIRM_BINDINGS,
    NO_ID,
    YES_ID,
    ConfirmKeys,
    confirm_buttons,
)
from ccseone_tui.ui.screens.typed_confirm import TypedField


def kinds_text(by_kind: dict[str, int]) -> str:
    return " · ".join(f"{kind} {n}" for kind, n in sorted(by_kind.items()) if n) or fmt.DASH


def contents_table(preview: list[ClusterContents]) -> Table:
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column(t("ns_ui.col.cluster"), no_wrap=True)
    table.add_column(t("ns_ui.col.workloads"), justify="right", no_wrap=True)
    table.add_column(t("ns_ui.col.by_kind"), ratio=1)
    for c in preview:
        name = Text(c.cluster.name, style="bold cyan")
        if c.production:
            name.append(" PROD", style="bold red")
        if not c.reachable:
            count = Text("?", style="bold yellow")
            kinds = Text(t("ns_ui.delete.unreachable", message=c.message or fmt.DASH),
                         style="yellow")
        elif not c.present:
            count, kinds = Text("0", style="dim"), Text(t("ns_ui.delete.absent"), style="dim")
        else:
            count = Text(str(c.workloads), style="bold" if c.workloads else "dim")
            kinds = Text(kinds_text(c.by_kind))
        table.add_row(name, count, kinds)
    return table


class NamespaceDeleteScreen(ConfirmKeys, ModalScreen[str | None]):
    DEFAULT_CSS = """
    NamespaceDeleteScreen #ns-delete-contents { height: auto; max-height: 14; margin-bottom: 1; }
    NamespaceDeleteScreen .ns-note { color: $warning; }
    """
    BINDINGS: ClassVar[list[Any]] = list(CONFIRM_BINDINGS)

    def __init__(self, namespace: FleetNamespace, preview: list[ClusterContents]) -> None:
        super().__init__(id="namespace-delete")
        localize_bindings(self)
        self.namespace = namespace
        self.preview = preview
        self.production = [c.cluster.name for c in preview if c.production]

    def compose(self) -> ComposeResult:
        name = self.namespace.name
        total = sum(c.workloads for c in self.preview if c.reachable)
        unreachable = sum(not c.reachable for c in self.preview)
        with Vertical(classes="dialog wide-dialog ns-delete"):
            yield Static(t("ns_ui.delete.title", name=name), classes="dialog-title",
                         markup=False)
            yield Static(t("ns_ui.delete.warning", name=name, count=len(self.preview),
                           workloads=total), classes="prod-warning", markup=False)
            with VerticalScroll(id="ns-delete-contents"):
                yield Static(contents_table(self.preview) if self.preview
                             else t("ns_ui.delete.no_clusters"), id="ns-contents")
            if unreachable:
                yield Static(t("ns_ui.delete.unreachable_note", count=unreachable),
                             classes="confirm-body ns-note", markup=False)
            yield TypedField(name, t("ns_ui.delete.type_name", name=name),
                             input_id="typed-namespace")
            if self.production:
                names = ",".join(self.production)
                yield TypedField(names, t("console.typed.prompt", name=names),
                                 input_id="typed-production")
            yield from confirm_buttons(t("ns_ui.delete.yes", name=name), danger=True,
                                       disabled=True)

    def on_mount(self) -> None:
        self.query_one("#typed-namespace", Input).focus()

    def typed_production(self) -> str:
        if not self.production:
            return ""
        return self.query_one("#typed-production", Input).value.strip()

    def confirmed(self) -> bool:
        return all(field.matched for field in self.query(TypedField))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(f"#{YES_ID}", Button).disabled = not self.confirmed()

    def confirm_refused(self) -> None:
        for field in self.query(TypedField):
            if not field.matched:
                field.input.focus()
                return

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.confirmed():
            self.dismiss(self.typed_production())
        elif event.input.id == "typed-namespace" and self.production:
            self.query_one("#typed-production", Input).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == YES_ID and self.confirmed():
            self.dismiss(self.typed_production())
        elif event.button.id == NO_ID:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Scale (``S`` on a Fleet view row): the replicas asked for, the current count shown and
pre-filled. What is typed is checked as it is typed (a whole number of 0 or more, the
service's own rule and words); Enter returns it, Esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.form import FormError

MAX_REPLICAS = 10_000  # a typo guard (an extra zero or two), not a Kubernetes limit


def replicas_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a replica count, or None."""
    value = text.strip()
    if not value.isdigit():
        return t("res_ui.scale.invalid", rule=t("objects.rule.replicas"),
                 fix=t("objects.fix.replicas"))
    if int(value) > MAX_REPLICAS:
        return t("res_ui.scale.too_many", max=f"{MAX_REPLICAS:,}")
    return None


class ScaleScreen(ModalScreen[int | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, ref: ObjectRef, current: int | None) -> None:
        super().__init__(id="res-scale")
        localize_bindings(self)
        self.ref = ref
        self.current = current

    def compose(self) -> ComposeResult:
        where = f"{self.ref.namespace}/{self.ref.name}" if self.ref.namespace else self.ref.name
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(t("res_ui.scale.title", kind=self.ref.info.kind, name=where,
                           cluster=self.ref.cluster), classes="dialog-title", markup=False)
            yield Static(t("res_ui.scale.current", replicas="?" if self.current is None
                           else self.current), classes="confirm-body", markup=False)
            yield Input("" if self.current is None else str(self.current), id="replicas",
                        placeholder=t("res_ui.scale.placeholder"))
            yield FormError()
            yield Static(t("res_ui.scale.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#replicas")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(FormError).say(replicas_problem(event.value) if event.value else None)

    @on(Input.Submitted, "#replicas")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = replicas_problem(event.value)
        self.query_one(FormError).say(problem)
        if problem is None:
            self.dismiss(int(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)

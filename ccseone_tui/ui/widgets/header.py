"""The top bar: product name, the current control instance (click or ``i`` to switch), its
engine and region, the READ-ONLY badge and the user. No live clock: it would make every
screenshot different and tells an on-call engineer nothing the terminal does not."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Click
from textual.widgets import Static

from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui.messages import PickInstance


class InstanceChip(Static):
    """The current instance; a click opens the picker."""

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(PickInstance())


class ShellHeader(Horizontal):
    def __init__(self, *, user: str, read_only: bool) -> None:
        super().__init__(id="header")
        self._user = user
        self._read_only = read_only

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("◆ ", "bold"), (t("app.name"), "bold")), id="brand")
        yield InstanceChip("", id="instance-chip")
        yield Static("", id="instance-meta")
        yield Static("", id="header-spacer")
        badge = Static(t("header.read_only"), id="read-only-badge")
        badge.display = self._read_only
        badge.tooltip = t("header.read_only.tooltip")
        yield badge
        yield Static(Text(f"{t('header.user')} {self._user}"), id="header-user")

    def show_instance(self, instance: ControlInstance | None, count: int) -> None:
        chip = self.query_one(InstanceChip)
        meta = self.query_one("#instance-meta", Static)
        if instance is None:
            chip.update(Text.assemble((t("header.instance") + " ", "dim"),
                                      (t("header.no_instance"), "italic")))
            meta.update("")
            return
        chip.update(Text.assemble(
            (t("header.instance") + " ", "dim"), (instance.name, "bold"),
            (" ▾", "dim") if count > 1 else "",
        ))
        chip.tooltip = t("header.instance.tooltip")
        meta.update(Text.assemble(
            (t("header.engine") + " ", "dim"), instance.engine.value, "   ",
            (t("header.region") + " ", "dim"), instance.region,
        ))

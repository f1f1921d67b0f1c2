"""YAML of one object (``y`` on a Fleet view row or in describe): highlighted, with
``metadata.managedFields`` folded into one comment line until ``m`` unfolds it (the service
folds; the screen asks again). A Secret's values are masked until ``v`` reveals them (the
service masks; every YAML screen opens masked). ``c`` copies the YAML shown,
``e`` edits the object."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.binding import Binding

from ccseone_tui.i18n import t
from ccseone_tui.ui.screens.resource_text import ResourceTextScreen
from ccseone_tui.ui.widgets.text_pager import styled_lines

THEME = "ansi_dark"  # the terminal's own colours: readable on dark and light schemes


def yaml_lines(text: str) -> list[Text]:
    """Token colours only: the theme's background would box every word (the pager has its
    own background)."""
    highlighted = Syntax(text, "yaml", theme=THEME).highlight(text)
    highlighted.style = ""  # the base style carries the theme's background
    highlighted.rstrip()
    return styled_lines(highlighted)


class YamlScreen(ResourceTextScreen):
    WHAT = "res_ui.yaml"
    BINDINGS: ClassVar[list[Any]] = [
        Binding("m", "toggle_managed", "res_ui.key.managed", id="res-yaml.managed"),
        Binding("v", "toggle_reveal", "res_ui.key.reveal", id="res-yaml.reveal"),
    ]

    def __init__(self, ref: Any) -> None:
        super().__init__(ref)
        self.managed_fields = False  # folded
        self.reveal = False  # a Secret's values masked until asked

    @property
    def secret(self) -> bool:
        return self.ref.info.group == "" and self.ref.info.plural == "secrets"

    async def load(self) -> str:
        return await self.shell.services.objects.yaml(
            self.ref, managed_fields=self.managed_fields, reveal=self.reveal and self.secret)

    def render_text(self, text: str) -> list[Text]:
        return yaml_lines(text)

    def status_text(self) -> str:
        parts = [super().status_text(),
                 t("res_ui.managed.shown" if self.managed_fields else "res_ui.managed.folded")]
        if self.secret:
            parts.append(t("res_ui.secret.shown" if self.reveal else "res_ui.secret.masked"))
        return " · ".join(parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_reveal" and not self.secret:
            return False  # only a Secret has values to mask
        return super().check_action(action, parameters)

    def action_toggle_reveal(self) -> None:
        self.reveal = not self.reveal
        self.action_refresh()

    def action_toggle_managed(self) -> None:
        self.managed_fields = not self.managed_fields
        self.action_refresh()

"""Describe (``d`` … on a Fleet view row): the object as ``kubectl describe`` prints it, its
events at the end. ``y`` opens its YAML, ``E`` its events table, ``e`` edits it."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from ccseone_tui.ui.screens.resource_text import ResourceTextScreen

_HEADING = re.compile(r"^([A-Z][\w ./-]*):(\s|$)")  # "Name:", "Events:", "Pod Template:"
_WARNING = re.compile(r"\bWarning\b")


def describe_lines(text: str) -> list[Text]:
    """Top-level headings bold, ``Warning`` events in the warning colour."""
    out: list[Text] = []
    for raw in text.split("\n"):
        line = Text(raw)
        heading = _HEADING.match(raw)
        if heading:
            line.stylize("bold", 0, heading.end(1) + 1)
        for match in _WARNING.finditer(raw):
            line.stylize("bold yellow", match.start(), match.end())
        out.append(line)
    return out


class DescribeScreen(ResourceTextScreen):
    WHAT = "res_ui.describe"
    BINDINGS: ClassVar[list[Any]] = [
        Binding("y", "yaml", "res_ui.key.yaml", id="res-describe.yaml"),
        Binding("E", "events", "res_ui.key.events", id="res-describe.events"),
    ]

    def __init__(self, ref: Any) -> None:
        super().__init__(ref)

    async def load(self) -> str:
        return await self.shell.services.objects.describe(self.ref)

    def render_text(self, text: str) -> list[Text]:
        return describe_lines(text)

    def action_yaml(self) -> None:
        from ccseone_tui.ui import resource_actions

        resource_actions.show_yaml(self.shell, self.ref)

    def action_events(self) -> None:
        from ccseone_tui.ui import resource_actions

        resource_actions.show_events(self.shell, self.ref)

"""What a section shows when it has nothing to list: what that means and what to do next."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class EmptyState(Static):
    """A title and hint lines; text between backticks renders as a command to type."""

    def show(self, title: str, hints: list[str]) -> None:
        text = Text()
        text.append(title, style="bold")
        for hint in hints:
            text.append("\n\n")
            text.append_text(with_commands(hint))
        self.update(text)
        self.display = True

    def hide(self) -> None:
        self.display = False


def with_commands(hint: str) -> Text:
    """``run `ccseone demo` to …`` -> the command highlighted, without the backticks."""
    out = Text()
    for i, part in enumerate(hint.split("`")):
        out.append(part, style="bold cyan" if i % 2 else "")
    return out

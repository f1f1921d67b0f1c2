"""The Fleet view's command line (k9s's ``:``): one Input that asks for a kind, namespaces,
a label selector or clusters, with completion.

Completion is inline (the rest of the best name greyed; ``tab`` or ``→`` takes it) and the
names that match are listed under the input, so a user who does not know a kind's name
sees them. Comma-separated values (namespaces, clusters) complete their last item. Enter
posts ``CommandBar.Submitted``; Esc ``CommandBar.Closed``. An error (an unknown kind) is
shown in place of the candidates, with the typed text kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings

MODES = ("kind", "namespace", "labels", "clusters")
LISTED = 10  # candidates shown under the input
COMMON = ("pods", "deployments", "services", "nodes", "namespaces", "events", "replicasets",
          "statefulsets", "daemonsets", "jobs", "configmaps", "ingresses")  # before typing
_MULTI = {"namespace", "clusters"}  # comma-separated values


def matches(names: Sequence[str], typed: str, limit: int = LISTED) -> list[str]:
    """Names starting with ``typed`` (case-insensitive), shortest first, then containing it.
    Listed once per kind where the list says so: no ``deployment`` beside ``deployments``,
    no ``deploy.apps`` unless a group is being typed."""
    needle = typed.strip().lower()
    if "." not in needle:
        every = set(names)
        names = [n for n in names if "." not in n and n + "s" not in every]
    if not needle:
        every = set(names)
        common = [n for n in COMMON if n in every]
        return common or sorted(names, key=lambda n: (len(n), n))[:limit]
    head = [n for n in names if n.lower().startswith(needle)]
    head.sort(key=lambda n: (len(n), n))
    if len(head) < limit:
        seen = set(head)
        head += sorted((n for n in names if needle in n.lower() and n not in seen),
                       key=lambda n: (len(n), n))
    return head[:limit]


def last_item(value: str, multi: bool) -> tuple[str, str]:
    """(what precedes the item being typed, the item)."""
    if not multi or "," not in value:
        return "", value
    head, _, item = value.rpartition(",")
    return head + ",", item


class NameSuggester(Suggester):
    """Inline completion over a list the bar replaces as names arrive (discovery)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names: list[str] = []
        self.multi = False

    async def get_suggestion(self, value: str) -> str | None:
        item = last_item(value, self.multi)[1].lstrip()
        if not item:
            return None
        found = matches(self.names, item, 1)
        if not found or not found[0].startswith(item):
            return None
        return value[: len(value) - len(item)] + found[0]


class CommandInput(Input):
    """``tab`` takes the inline completion (the cursor is at the end)."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("tab", "complete", "fleet.key.complete", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        localize_bindings(self)

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)


class CommandBar(Vertical):
    """Hidden until opened; ``open(mode, value, names)``."""

    DEFAULT_CSS = """
    CommandBar { height: auto; display: none; margin: 0 0 1 0; }
    CommandBar.-open { display: block; }
    CommandBar #command-line { height: 1; }
    CommandBar #command-prompt { width: auto; padding: 0 1 0 0; text-style: bold; }
    CommandBar #command-input { width: 1fr; }
    CommandBar #command-hint { height: 1; color: $text-muted; }
    CommandBar #command-hint.-error { color: $error; }
    """

    class Submitted(Message):
        def __init__(self, mode: str, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    class Closed(Message):
        pass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode = "kind"
        self.suggester = NameSuggester()

    def compose(self) -> ComposeResult:
        with Horizontal(id="command-line"):
            yield Static("", id="command-prompt")
            yield CommandInput(id="command-input", compact=True, suggester=self.suggester)
        yield Static("", id="command-hint", markup=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def open(self, mode: str, value: str = "", names: Sequence[str] = ()) -> None:
        self.mode = mode
        self.suggester.multi = mode in _MULTI
        self.suggester.names = list(names)
        self.query_one("#command-prompt", Static).update(t(f"fleet.command.{mode}"))
        self.add_class("-open")
        box = self.input
        box.placeholder = t(f"fleet.command.{mode}.placeholder")
        box.value = value
        box.cursor_position = len(value)
        box.focus()
        self._show_candidates(value)

    def set_names(self, names: Sequence[str]) -> None:
        """Names that arrived after opening (discovery of the clusters' kinds)."""
        self.suggester.names = list(names)
        if self.is_open:
            self._show_candidates(self.input.value)

    def close(self) -> None:
        self.remove_class("-open")
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        hint = self.query_one("#command-hint", Static)
        hint.set_class(message is not None, "-error")
        if message is not None:
            hint.update(message)
        elif self.is_open:
            self._show_candidates(self.input.value)

    def _show_candidates(self, value: str) -> None:
        hint = self.query_one("#command-hint", Static)
        if hint.has_class("-error"):
            return
        _, item = last_item(value, self.suggester.multi)
        found = matches(self.suggester.names, item.strip())
        line = Text("  ".join(found) if found else t(f"fleet.command.{self.mode}.none"),
                    no_wrap=True, overflow="ellipsis")
        hint.update(line)

    @on(Input.Changed, "#command-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        hint = self.query_one("#command-hint", Static)
        hint.remove_class("-error")
        self._show_candidates(event.value)

    @on(Input.Submitted, "#command-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self.mode, event.value.strip()))

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.is_open:
            event.stop()
            event.prevent_default()
            self.close()
            self.post_message(self.Closed())

"""Compare: two manifests side by side (Upgrade / Rollback / History), Esc closes.

A header with the title and the counts, the objects on the left (``+`` added, ``-`` removed,
``~`` changed, ``=`` unchanged; Enter jumps), the `DiffView`, a status line (which change,
which object) and the footer keys. Small inputs are compared while the screen is built; big
ones in a thread worker, so the dialog paints at once and the rows follow.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t
from ccseone_tui.templates.diff import ManifestDiff, diff_manifests
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.diff_view import DiffView
from ccseone_tui.ui.widgets.virtual_table import Column, VirtualTable

SYNC_LIMIT = 1_000_000
"""Characters (both sides) compared on the UI thread (10k lines a side: ~100 ms, less than
the worker's extra paint and GIL hand-overs cost, see bench/diff.py); more go to a worker
thread so the dialog paints at once and stays responsive."""
_MARKER_STYLE = {"+": "bold green", "-": "bold red", "~": "bold yellow", "=": "dim"}
KEY_WIDTH = 32
UNIFIED_BELOW = 120
"""Below this many columns side by side leaves too little of each line: the screen opens
(and switches to) the one-column view; ``u`` still toggles."""
"""Object keys in the list are cut with … beyond this (the header row shows them whole)."""


def stats_text(diff: ManifestDiff) -> str:
    s = diff.stats
    if diff.identical:
        return t("diff.identical", objects=s.objects)
    return t("diff.stats", added=s.added, removed=s.removed, changed=s.changed,
             differing=s.objects_differing, objects=s.objects, objects_added=s.objects_added,
             objects_removed=s.objects_removed, objects_changed=s.objects_changed)


class DiffScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,q", "close", "diff.key.close", key_display="esc"),
        Binding("tab", "switch_focus", "diff.key.focus", show=False),
    ]

    DEFAULT_CSS = """
    DiffScreen {
        align: center middle;
        & > .diff-dialog {
            width: 100%;
            height: 1fr;
            background: $panel;
            border: thick $primary 60%;
            padding: 0 1;
        }
        & .diff-title-bar { height: 1; }
        & #diff-title { width: auto; text-style: bold; color: $text-accent; padding: 0 2 0 0; }
        & #diff-stats { width: 1fr; color: $text-muted; }
        & #diff-stats.-error { color: $error; }
        & #diff-body { height: 1fr; margin-top: 1; }
        & #diff-resources {
            width: 38;
            height: 1fr;
            border-right: vkey $foreground 15%;
            scrollbar-size-vertical: 1;
        }
        & #diff-view { width: 1fr; }
        &.-narrow #diff-resources { width: 24; }
        & #diff-status { height: 1; color: $text-muted; }
    }
    """

    class Computed(Message):
        """The worker's result: a diff, or the error that stopped it."""

        def __init__(self, diff: ManifestDiff | None, error: Exception | None = None) -> None:
            super().__init__()
            self.diff, self.error = diff, error

    def __init__(self, title: str, old: str, new: str, *, old_label: str = "",
                 new_label: str = "", diff: ManifestDiff | None = None, context: int = 3,
                 id: str | None = "diff") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.title_text = title or t("diff.title")
        self.old, self.new = old, new
        self.old_label = old_label or t("diff.old")
        self.new_label = new_label or t("diff.new")
        self.context = context
        self._narrow: bool | None = None  # the width class last applied (UNIFIED_BELOW)
        self.diff: ManifestDiff | None = diff
        self.error: Exception | None = None
        if self.diff is None and len(old) + len(new) <= SYNC_LIMIT:
            self._compute_now()

    def _compute_now(self) -> None:
        try:
            self.diff = diff_manifests(self.old, self.new, context=self.context)
        except CcseoneError as error:
            self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="diff-dialog"):
            with Horizontal(classes="diff-title-bar"):
                yield Static(self.title_text, id="diff-title", markup=False)
                yield Static("", id="diff-stats", markup=False)
            with Horizontal(id="diff-body"):
                yield VirtualTable([Column("mark", "", width=1),
                                    Column("key", t("diff.resources"), width=KEY_WIDTH)],
                                   empty_text="", id="diff-resources")
                yield DiffView(old_label=self.old_label, new_label=self.new_label,
                               id="diff-view")
            yield Static("", id="diff-status", markup=False)
        yield Footer()

    @property
    def view(self) -> DiffView:
        return self.query_one(DiffView)

    def on_mount(self) -> None:
        self.view.focus()
        if self.diff is not None or self.error is not None:
            self._apply()
        else:
            lines = self.old.count("\n") + self.new.count("\n")
            self.view.empty_text = t("diff.computing", lines=f"{lines:,}")
            self.view.refresh()
            self._compute()

    @work(thread=True, name="diff", group="diff", exit_on_error=False)
    def _compute(self) -> None:
        try:
            diff = diff_manifests(self.old, self.new, context=self.context)
        except Exception as error:  # shown in the dialog: a worker's failure is not lost
            self.post_message(self.Computed(None, error))
        else:
            self.post_message(self.Computed(diff))

    def on_diff_screen_computed(self, message: Computed) -> None:
        self.diff, self.error = message.diff, message.error
        self._apply()

    def _apply(self) -> None:
        stats = self.query_one("#diff-stats", Static)
        if self.error is not None or self.diff is None:
            stats.update(str(self.error))
            stats.add_class("-error")
            self.view.empty_text = str(self.error)
            self.view.refresh()
            return
        diff = self.diff
        stats.update(stats_text(diff))
        self.resources.set_rows([
            # Text.styled: render_cells draws spans, not a Text's base style
            (str(i), (Text.styled(r.marker, _MARKER_STYLE[r.marker]),
                      Text.styled(r.key, "dim") if r.status == "unchanged" else r.key))
            for i, r in enumerate(diff.resources)
        ])
        self.view.set_diff(diff)
        if self._narrow and not self.view.unified:
            self.view.action_toggle_unified()
        first = next((i for i, r in enumerate(diff.resources) if r.status != "unchanged"), 0)
        if diff.changes:
            self.view.move_cursor(diff.resources[first].row)
        self._update_status()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < UNIFIED_BELOW
        if narrow == self._narrow:
            return  # the user's ``u`` stands until the width crosses the line again
        self._narrow = narrow
        self.set_class(narrow, "-narrow")
        if self.view.diff is not None and self.view.unified != narrow:
            self.view.action_toggle_unified()
            self._update_status()

    def _update_status(self) -> None:
        view, diff = self.view, self.view.diff
        if diff is None or not diff.rows:
            return
        key = diff.resources[diff.resource_at(view.cursor_row)].key
        count = len(diff.changes)
        index = view.change_index()
        if not count:
            text = t("diff.position.none", key=key)
        elif index is None:
            text = t("diff.position.before", count=count, key=key)
        else:
            text = t("diff.position", index=index, count=count, key=key)
        folding = t("diff.folding.on" if view.folded else "diff.folding.off")
        self.query_one("#diff-status", Static).update(f"{text} · {folding}")

    @property
    def resources(self) -> VirtualTable:
        return self.query_one("#diff-resources", VirtualTable)

    @on(DiffView.Moved)
    def _moved(self, event: DiffView.Moved) -> None:
        table, key = self.resources, str(event.resource)
        if table.cursor_key != key:
            row = next((r for r in range(table.visible_count) if table.key_at(r) == key), None)
            if row is not None:
                table.move_cursor(row)
        self._update_status()

    @on(VirtualTable.RowSelected, "#diff-resources")
    def _selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.view.jump_to_resource(int(event.key))
        self.view.focus()

    @on(VirtualTable.CursorMoved, "#diff-resources")
    def _highlighted(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()  # the list follows the diff; only Enter or a click jumps

    def action_switch_focus(self) -> None:
        table = self.resources
        (self.view if table.has_focus else table).focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""The Fleet view's table: a `VirtualTable` that shows marked rows (multi-select) and dims
the rows of clusters that are away (a gap: their last rows kept, marked stale).

Both are looked up when a row is painted (by its key), never stored per row: marking a row
drops only that row's cached lines, a cluster going away or coming back drops them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ccseone_tui.ui.widgets.table_model import Column, TableModel
from ccseone_tui.ui.widgets.virtual_table import _CURSOR, _EVEN, _ODD, VirtualTable

_MARKED, _DIM = 3, 6  # added to the row variant: its own cached line per look
MARK_STYLE = Style(bold=True, color="yellow")
DIM_STYLE = Style(dim=True)


class BrowserTable(VirtualTable):
    """Rows keyed ``cluster/namespace/name``; ``marked`` keys and ``dimmed`` clusters."""

    DEFAULT_CSS = """
    BrowserTable { height: 1fr; }
    """

    def __init__(self, columns: Sequence[Column], **kwargs: object) -> None:
        super().__init__(columns, tiebreak=True, **kwargs)  # type: ignore[arg-type]
        self.marked: set[str] = set()
        self._dimmed: frozenset[str] = frozenset()

    def set_columns(self, columns: Sequence[Column], flex: str | None = None) -> None:
        """Other columns (the server's, replacing the ones shown before it answered): the
        rows go (they were cut for the old columns), the sort stays if its column does,
        the filter and predicate stay; the widget, its focus and its marks stay too."""
        old = self._model
        sort = old.sort_column if old.sort_column in {c.key for c in columns} else \
            columns[0].key
        self._model = TableModel(columns, tiebreak=True)
        self._model.sort_by(sort, old.sort_reverse if sort == old.sort_column else False)
        self._model.set_predicate(old._predicate)
        if old.filter_text:
            self._model.set_filter(old.filter_text, old.filter_column
                                   if old.filter_column in {c.key for c in columns} else None)
        self._flex = flex
        self._measure_columns()
        self._strips.clear()
        self._relayout(None, reset=True)

    # -- marks and gaps ----------------------------------------------------------------------

    def toggle_mark(self, key: str) -> bool:
        """Mark or unmark one row; True when it is marked now."""
        if key in self.marked:
            self.marked.discard(key)
        else:
            self.marked.add(key)
        self._repaint_key(key)
        return key in self.marked

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._strips.clear()
            self.refresh()

    def forget_marks(self, keys: set[str]) -> None:
        """Rows that went away are no longer marked (a delete must not act on a ghost)."""
        self.marked -= keys

    @property
    def dimmed(self) -> frozenset[str]:
        return self._dimmed

    def set_dimmed(self, clusters: frozenset[str]) -> None:
        if clusters != self._dimmed:
            self._dimmed = clusters
            self._strips.clear()
            self.refresh()

    def _repaint_key(self, key: str) -> None:
        slot = self._model._slot_of(key)
        if slot is None:
            return
        for variant in range(9):
            self._strips.discard((slot, variant))
        row = self._model.row_of(key)
        if row is not None:
            self.refresh_line(row - round(self.scroll_y) + 1)

    # -- painting ----------------------------------------------------------------------------

    def _look(self, slot: int) -> tuple[bool, bool]:
        """(marked, dimmed) of the row in ``slot``."""
        key = self._model._keys[slot]
        if key is None:
            return False, False
        dim = bool(self._dimmed) and key.split("/", 1)[0] in self._dimmed
        return key in self.marked, dim

    def render_line(self, y: int) -> Strip:
        model = self._model
        if y == 0 or not model.visible_count or (not self.marked and not self._dimmed):
            return super().render_line(y)
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y - 1
        if row >= model.visible_count:
            return Strip.blank(width, self.rich_style)
        slot = model.slot_at(row)
        variant = _CURSOR if row == self._cursor else (_EVEN if row % 2 == 0 else _ODD)
        marked, dim = self._look(slot)
        style = self._row_style(variant)
        if marked:
            style = style + MARK_STYLE
        if dim:
            style = style + DIM_STYLE
        cache_key = (slot, variant + (_MARKED if marked else 0) + (_DIM if dim else 0))
        strip = self._strips.get(cache_key)
        if strip is None:
            cells = model.cells_of_slot(slot)
            if marked:  # a mark in the first cell, so it shows without colour too
                first = cells[0]
                cells = (Text.assemble("✓", first) if isinstance(first, Text)
                         else "✓" + str(first), *cells[1:])
            strip = self._render_cells(cells, style)
            self._strips[cache_key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, style)

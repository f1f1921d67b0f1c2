"""A table for 100k rows: Line API rendering of only the visible rows over `TableModel`.

Textual's DataTable measures every cell when rows are added; this widget renders a row only
when it scrolls into view and caches the rendered Strip per (row slot, style variant), so the
cost of a frame is bounded by the viewport, not by the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ccseone_tui.ui.widgets.table_model import Cells, Column, FilterScan, Predicate, TableModel
from ccseone_tui.ui.widgets.table_render import (
    centered,
    column_offsets,
    grow_widths,
    measure_widths,
    render_cells,
)

__all__ = ["Column", "VirtualTable"]

_ODD, _EVEN, _CURSOR = 0, 1, 2
_CACHE_SIZE = 512
_SORT_MARK = {False: " ▲", True: " ▼"}
# Rows a text filter scans per event-loop turn. A bigger scan is sliced: the keystroke paints
# at once (the filter box, the previous rows) and the rows follow when the scan ends, so a
# 100k-row filter never holds a frame (~5-10 ms of scanning per slice on a quiet machine).
FILTER_SLICE = 20_000


class _RowMessage(Message):
    def __init__(self, table: VirtualTable, key: str) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> VirtualTable:
        return self.table


class VirtualTable(ScrollView, can_focus=True):
    """A keyboard-driven, virtualized table of keyed rows of preformatted cells."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="virtual-table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="virtual-table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="virtual-table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="virtual-table.page-down"),
        Binding("home", "first", "First", show=False, id="virtual-table.first"),
        Binding("end", "last", "Last", show=False, id="virtual-table.last"),
        Binding("left", "column_left", "Left", show=False, id="virtual-table.left"),
        Binding("right", "column_right", "Right", show=False, id="virtual-table.right"),
        Binding("enter", "select", "Open", show=False, id="virtual-table.select"),
        Binding("s", "sort_next", "Sort", show=False, id="virtual-table.sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, id="virtual-table.reverse"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--even",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .virtual-table--even { background: $surface-lighten-1 50%; }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--empty { color: $text-muted; text-style: italic; }
    }
    """

    class RowSelected(_RowMessage):
        """Enter (or a click on the cursor row) on a row."""

    class CursorMoved(_RowMessage):
        """The cursor is on another row (by key), by a key, a click or a data change."""

    class FilterApplied(Message):
        """A filter scanned in slices has been applied (see `set_filter`)."""

        def __init__(self, table: VirtualTable, text: str) -> None:
            super().__init__()
            self.table = table
            self.text = text

        @property
        def control(self) -> VirtualTable:
            return self.table

    empty_text: reactive[str] = reactive("No rows")
    """Shown when the table has no rows."""
    no_match_text: reactive[str] = reactive("No matching rows")
    """Shown when rows exist but the filter or predicate keeps none."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str | None = None,
        no_match_text: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        flex: str | None = None,
        tiebreak: bool = False,
    ) -> None:
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(_CACHE_SIZE)
        # the column (by key) that grows into the width the others leave: a message is
        # cut where the table ends, not at its own width (which stays its least)
        self._flex = flex
        self._measured: list[int] = []
        super().__init__(id=id, classes=classes)
        self._model = TableModel(columns, tiebreak=tiebreak)
        self._cursor = 0
        self._posted_key: str | None = None
        self._header: Strip | None = None
        self._styles: dict[int, Style] = {}
        self._warming = False
        self._scan: FilterScan | None = None  # a filter being scanned in slices
        self.filter_steps = 0  # slices scanned: tests check the large scans are sliced
        self._widths: list[int] = []
        self._offsets: list[int] = []
        self._measure_columns()
        if empty_text is not None:
            self.set_reactive(VirtualTable.empty_text, empty_text)
        if no_match_text is not None:
            self.set_reactive(VirtualTable.no_match_text, no_match_text)

    # -- public API --------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._model.columns

    @property
    def column_offsets(self) -> list[int]:
        """Each column's start cell and, last, the total width (for "3 more ▸")."""
        return list(self._offsets)

    @property
    def row_count(self) -> int:
        return self._model.row_count

    @property
    def visible_count(self) -> int:
        return self._model.visible_count

    @property
    def cursor_row(self) -> int:
        """The cursor's visible row index (0 when the table is empty)."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        return self._model.key_at(self._cursor) if self._model.visible_count else None

    @property
    def sort_column(self) -> str | None:
        return self._model.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._model.sort_reverse

    def key_at(self, row: int) -> str:
        """The key of a visible row."""
        return self._model.key_at(row)

    def get_row(self, key: str) -> Cells | None:
        return self._model.cells_by_key(key)

    def set_rows(self, rows: Sequence[tuple[str, Cells]]) -> None:
        """Replace all rows. Sort, filter and the cursor's key (if still present) are kept."""
        anchor = self.cursor_key
        self._model.set_rows(rows)
        self._measure_columns()
        self._strips.clear()
        self._relayout(anchor)
        self._schedule_warm()

    def update_rows(self, changes: Mapping[str, Cells | None]) -> None:
        """Insert or update rows by key (None removes), keeping the cursor key and scroll."""
        anchor = self.cursor_key
        touched = self._model.update_rows(changes)
        if self._grow_widths(changes.values()):
            self._strips.clear()
        else:
            for slot in touched:
                for variant in (_ODD, _EVEN, _CURSOR):
                    self._strips.discard((slot, variant))
        self._relayout(anchor)

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column's key (None: original order); the cursor stays on its row."""
        anchor = self.cursor_key
        self._model.sort_by(column_key, reverse)
        self._header = None
        self._relayout(anchor)

    def set_filter(self, text: str, column: str | None = None) -> None:
        """Case-insensitive substring filter over every cell's text, or one column's.

        Over more than FILTER_SLICE rows the scan runs in slices between other events and
        the rows change when it ends (`filter_pending` until then); a newer filter replaces
        a scan in progress."""
        self._scan = None
        scan = self._model.filter_plan(text, column)
        if scan is None or scan.size <= FILTER_SLICE or not self.is_attached:
            anchor = self.cursor_key
            self._model.set_filter(text, column)
            self._relayout(anchor, reset=True)
            return
        self._scan = scan
        self.call_later(self._filter_step, scan, text, column)

    @property
    def filter_pending(self) -> bool:
        """A filter is being scanned: the rows shown are the previous filter's."""
        return self._scan is not None

    def _filter_step(self, scan: FilterScan, text: str, column: str | None) -> None:
        if scan is not self._scan:
            return  # replaced by a newer filter
        if scan.generation != self._model.generation:  # rows, sort or predicate changed
            scan = self._model.filter_plan(text, column)  # type: ignore[assignment]
            if scan is None:
                self._scan = None
                self.set_filter(text, column)
                return
            self._scan = scan
        self.filter_steps += 1
        if not scan.step(FILTER_SLICE):
            self.call_later(self._filter_step, scan, text, column)
            return
        self._scan = None
        anchor = self.cursor_key
        self._model.commit_filter(scan)
        self._relayout(anchor, reset=True)
        self.post_message(self.FilterApplied(self, text))

    def set_predicate(self, predicate: Predicate | None) -> None:
        """A structured filter: keep rows where `predicate(key, cells)` is true."""
        anchor = self.cursor_key
        self._model.set_predicate(predicate)
        self._relayout(anchor, reset=True)

    def move_cursor(self, row: int) -> None:
        """Move the cursor to a visible row (clamped) and scroll it into view."""
        count = self._model.visible_count
        row = max(0, min(row, count - 1))
        if row != self._cursor:
            old, self._cursor = self._cursor, row
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        self._scroll_to_cursor()
        self._post_cursor()

    # -- layout ------------------------------------------------------------------------------

    def _measure_columns(self) -> None:
        self._set_widths(measure_widths(self._model.columns, self._model.sample()))

    def _grow_widths(self, rows: Iterable[Cells | None]) -> bool:
        """Widen auto columns for new cell values; True if any width changed."""
        widths = grow_widths(self._model.columns, self._measured, rows)
        if widths == self._measured:
            return False
        self._set_widths(widths)
        return True

    def _set_widths(self, widths: list[int]) -> None:
        self._measured = widths
        self._widths = self._flexed(widths)
        self._offsets = column_offsets(self._widths)
        self._header = None

    def _flexed(self, widths: list[int]) -> list[int]:
        """``widths`` with the flex column grown into the free width of the viewport."""
        keys = [column.key for column in self._model.columns]
        if self._flex not in keys or not self.is_attached:
            return widths
        # the vertical scrollbar's room is kept: its coming and going moves no column
        free = self.size.width - self.styles.scrollbar_size_vertical - column_offsets(widths)[-1]
        if free <= 0:
            return widths
        flexed = list(widths)
        flexed[keys.index(self._flex)] += free
        return flexed

    def on_resize(self, event: events.Resize) -> None:
        if self._flex is not None and self._flexed(self._measured) != self._widths:
            self._set_widths(self._measured)
            self._strips.clear()
            self._relayout(self.cursor_key)

    @property
    def _page(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.container_size.height - self.scrollbar_size_horizontal - 1)

    def _relayout(self, anchor: str | None, reset: bool = False) -> None:
        """After a data change: size, cursor (kept on `anchor`'s row) and scroll."""
        model = self._model
        count = model.visible_count
        screen_line = self._cursor - round(self.scroll_y)
        on_screen = 0 <= screen_line < self._page
        self.virtual_size = Size(self._offsets[-1], count + 1)
        row = model.row_of(anchor) if anchor is not None else None
        if row is None:
            row = 0 if reset else self._cursor
            if reset:
                self._scroll_y_to(0)
        elif on_screen:  # keep the cursor row on the same screen line
            self._scroll_y_to(max(0, row - screen_line))
        self._cursor = max(0, min(row, count - 1))
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor()

    def _scroll_to_cursor(self) -> None:
        top, page, row = round(self.scroll_y), self._page, self._cursor
        if row < top:
            self._scroll_y_to(row)
        elif row >= top + page:
            self._scroll_y_to(row - page + 1)

    def _scroll_y_to(self, y: int) -> None:
        if self.is_attached:  # rows may be set before the table is mounted
            self.scroll_to(y=y, animate=False)

    def _post_cursor(self) -> None:
        key = self.cursor_key
        if key != self._posted_key:
            self._posted_key = key
            if key is not None:
                self.post_message(self.CursorMoved(self, key))

    def _schedule_warm(self) -> None:
        """Build the search index in slices after the first paint, between other events."""
        if not self._warming and self.is_attached:
            self._warming = True
            self.call_after_refresh(self._warm_step)

    def _warm_step(self) -> None:
        if self._model.warm(10_000):
            self._warming = False
        else:
            self.call_later(self._warm_step)

    def on_mount(self) -> None:
        self._schedule_warm()

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._clear_render_cache()

    def _clear_render_cache(self) -> None:
        self._strips.clear()
        self._styles.clear()
        self._header = None

    def _on_focus(self, event: events.Focus) -> None:
        self._clear_render_cache()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._clear_render_cache()
        self.refresh()

    def _row_style(self, variant: int) -> Style:
        style = self._styles.get(variant)
        if style is None:
            if variant == _CURSOR:
                style = self.get_component_rich_style("virtual-table--cursor")
            elif variant == _EVEN:
                style = self.get_component_rich_style("virtual-table--even")
            else:
                style = self.rich_style
            self._styles[variant] = style
        return style

    def _render_cells(self, cells: Sequence[object], style: Style) -> Strip:
        return render_cells(cells, self._model.columns, self._widths, style, self.app.console)

    def _header_strip(self) -> Strip:
        if self._header is None:
            model = self._model
            labels = [
                column.label + _SORT_MARK[model.sort_reverse]
                if column.key == model.sort_column
                else column.label
                for column in model.columns
            ]
            style = self.get_component_rich_style("virtual-table--header")
            self._header = self._render_cells(labels, style)
        return self._header

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            return self._header_strip().crop_extend(scroll_x, scroll_x + width, base)
        model = self._model
        if not model.visible_count:
            return self._render_empty(y, width, base)
        row = scroll_y + y - 1
        if row >= model.visible_count:
            return Strip.blank(width, base)
        slot = model.slot_at(row)
        variant = _CURSOR if row == self._cursor else (_EVEN if row % 2 == 0 else _ODD)
        style = self._row_style(variant)
        strip = self._strips.get((slot, variant))
        if strip is None:
            strip = self._render_cells(model.cells_of_slot(slot), style)
            self._strips[(slot, variant)] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _render_empty(self, y: int, width: int, base: Style) -> Strip:
        if y != max(1, self.scrollable_content_region.height // 2):
            return Strip.blank(width, base)
        message = self.no_match_text if self._model.row_count else self.empty_text
        style = base + self.get_component_rich_style("virtual-table--empty", partial=True)
        return centered(message, width, style, base)

    # -- actions and mouse -------------------------------------------------------------------

    async def handle_key(self, event: events.Key) -> bool:
        """Textual calls ``key_<name>`` methods for keys: ``key_at`` is this table's row
        lookup, not a handler of ``@`` (which crashed the app), so ``@`` goes on up."""
        if event.name == "at":
            return False
        return await super().handle_key(event)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self._page, animate=False)
        self.move_cursor(self._cursor - self._page)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self._page, animate=False)
        self.move_cursor(self._cursor + self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self._model.visible_count - 1)

    def action_column_left(self) -> None:
        x = round(self.scroll_x)
        self.scroll_to(x=max([o for o in self._offsets if o < x], default=0), animate=False)

    def action_column_right(self) -> None:
        x = round(self.scroll_x)
        target = min([o for o in self._offsets if o > x], default=x)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def action_sort_next(self) -> None:
        """Cycle the sort column: first, second, …, last, then the original order."""
        keys = [column.key for column in self._model.columns]
        current = self._model.sort_column
        index = -1 if current is None else keys.index(current)
        self.sort_by(keys[index + 1] if index + 1 < len(keys) else None)

    def action_sort_reverse(self) -> None:
        current = self._model.sort_column
        if current is None:
            self.sort_by(self._model.columns[0].key, reverse=True)
        else:
            self.sort_by(current, not self._model.sort_reverse)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:  # header: sort by that column, again to reverse
            x = offset.x + round(self.scroll_x)
            for index, column in enumerate(self._model.columns):
                if self._offsets[index] <= x < self._offsets[index + 1]:
                    same = column.key == self._model.sort_column
                    self.sort_by(column.key, same and not self._model.sort_reverse)
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= self._model.visible_count:
            return
        if row == self._cursor:
            self.action_select()
        else:
            self.move_cursor(row)

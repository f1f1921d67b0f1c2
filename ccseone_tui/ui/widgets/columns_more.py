"""``◂ 2 · 3 more ▸`` in a view's title bar: how many columns of its table are (partly) out of
sight left and right, so a small terminal says there is more and which way to scroll
(←/→ scroll the table sideways)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from textual.widgets import DataTable, Static

from ccseone_tui.i18n import t


def offscreen(offsets: Sequence[int], scroll_x: int, width: int) -> tuple[int, int]:
    """Columns cut or hidden on the left and on the right of ``width`` cells from
    ``scroll_x``; ``offsets`` are each column's start and, last, the total width."""
    left = right = 0
    for start, end in pairwise(offsets):
        if start < scroll_x:
            left += 1
        elif end > scroll_x + width:
            right += 1
    return left, right


def more_text(left: int, right: int) -> str:
    if not left and not right:
        return ""
    text = t("view.more", count=left + right)
    return f"{'◂ ' if left else ''}{text}{' ▸' if right else ''}"


def column_offsets(table: Any) -> list[int]:
    """Start of each column and the total width, for a DataTable or a VirtualTable."""
    if isinstance(table, DataTable):
        offsets = [0]
        for column in table.ordered_columns:
            offsets.append(offsets[-1] + column.get_render_width(table))
        return offsets
    return list(table.column_offsets)


class ColumnsMore(Static):
    """Follows one table (``track``); updates after every layout and horizontal scroll."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", classes="view-more", id=id, markup=False)
        self.display = False
        self._table: Any = None

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, lambda _: self.update_count())

    def track(self, table: Any) -> None:
        if table is not self._table:
            self._table = table
            self.watch(table, "scroll_x", lambda _: self.update_count(), init=False)
        self.update_count()

    def update_count(self) -> None:
        table = self._table
        text = ""
        if table is not None and table.is_attached and table.display:
            width = table.scrollable_content_region.width
            if width > 0:
                text = more_text(*offscreen(column_offsets(table), round(table.scroll_x), width))
        if str(self.content) != text:
            self.update(text)
        self.display = bool(text)  # no room taken from the status line when all fit

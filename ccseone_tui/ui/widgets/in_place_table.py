"""A DataTable whose in-place cell updates re-render only the rows they touch.

Textual's DataTable keys every render cache on one update counter, so a single
``update_cell`` makes the next frame re-render every visible cell: during a fleet refresh
(answers every few ms, batched per PROBE_BATCH) each frame re-rendered the whole viewport,
~360 cells, and a cursor key waited behind it (docs/performance.md, "Frame budget under
load"). Here a cell update that keeps the column widths evicts only the updated rows' cache
entries, so a frame costs the changed rows plus the cursor's.

Relies on the cache layouts of Textual 8.2's ``_data_table.py`` (cell and row caches keyed by
row key first, renderables by (update count, row index)); ``update_width=True`` and every
other change go through DataTable unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import Any

from textual.widgets import DataTable
from textual.widgets._data_table import Row
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, DuplicateKey, RowKey


class InPlaceTable(DataTable[Any]):
    def add_keyed_rows(self, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """``add_row(*cells, key=key)`` for each row (height 1, no label), with what
        ``add_row`` does per row for the whole table — re-validating the cursor (a reactive
        with its watchers), the idle check, the update count — done once: at 200 rows that
        per-row work was ~2/3 of filling the table, on the way to the first frame."""
        columns = [column.key for column in self.ordered_columns]
        was_empty = not self.rows
        added = 0
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            if len(cells) > len(columns):
                raise ValueError("More values provided than there are columns.")
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = dict(zip_longest(columns, cells))
            self.rows[row_key] = Row(row_key, 1, None, False)
            self._new_rows.add(row_key)
            added += 1
        if not added:
            return
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a cell for the cursor appeared, as add_row does
        self._update_count += 1
        self.check_idle()

    def update_cells(self, row_key: str, values: dict[str, Any]) -> None:
        """Set cells of one row without changing any column's width; call ``forget_rows``
        with the batch's row keys afterwards (one pass over the caches per batch)."""
        key = RowKey(row_key)
        if key not in self._row_locations:
            raise CellDoesNotExist(f"No row {row_key!r}.")
        row = self._data[key]
        for column, value in values.items():
            column_key = ColumnKey(column)
            if column_key not in self._column_locations:
                raise CellDoesNotExist(f"No column {column!r}.")
            row[column_key] = value

    def forget_rows(self, row_keys: set[str]) -> None:
        """Evict the render caches of these rows only, then repaint."""
        if not row_keys:
            return
        keys = {RowKey(k) for k in row_keys}
        indexes = {self._row_locations.get(k) for k in keys}
        for cache in (self._cell_render_cache, self._row_render_cache):
            for cached in [c for c in cache.keys() if c[0] in keys]:
                cache.discard(cached)
        for cached in [c for c in self._row_renderable_cache.keys() if c[1] in indexes]:
            self._row_renderable_cache.discard(cached)
        self._line_cache.clear()  # strips of screen lines: cheap to rebuild from the rows
        self.refresh()

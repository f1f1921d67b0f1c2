"""``InPlaceTable.add_keyed_rows`` fills the table as ``add_row`` does row by row (it only
does the per-table work once): the same data, order, cursor, highlight event and picture."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from ccseone_tui.ui.widgets.in_place_table import InPlaceTable

COLUMNS = ("name", "status", "version")
ROWS = [(f"cls-{i:03d}", [Text(f"cluster-{i:03d}", style="bold"), "Ready", Text("v1.30.2")])
        for i in range(60)]


class Twins(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: dict[str, list[Any]] = {"one-by-one": [], "at-once": []}

    def compose(self) -> ComposeResult:
        for table in (DataTable(id="one-by-one", cursor_type="row"),
                      InPlaceTable(id="at-once", cursor_type="row")):
            for column in COLUMNS:
                table.add_column(column, key=column)
            yield table

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted[str(event.data_table.id)].append(event.row_key.value)


def lines(table: DataTable[Any]) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_same_table_as_add_row_one_by_one() -> None:
    app = Twins()
    async with app.run_test(size=(100, 30)) as pilot:
        one: DataTable[Any] = app.query_one("#one-by-one", DataTable)
        many = app.query_one("#at-once", InPlaceTable)
        for key, cells in ROWS:
            one.add_row(*cells, key=key)
        many.add_keyed_rows(iter(ROWS))  # any iterable, consumed once
        await pilot.pause()
        assert list(many.rows) == list(one.rows)
        assert many._data == one._data
        assert [(k, many.get_row_index(k)) for k in many.rows] == \
            [(k, one.get_row_index(k)) for k in one.rows]
        assert (many.row_count, many.cursor_coordinate) == (one.row_count, one.cursor_coordinate)
        assert [c.content_width for c in many.ordered_columns] == \
            [c.content_width for c in one.ordered_columns]
        assert lines(many) == lines(one) and "cluster-000" in "".join(lines(many))
        assert app.highlighted["at-once"] == app.highlighted["one-by-one"] == ["cls-000"]

        # more rows later, after a clear, and a short row: as add_row would
        extra = [("cls-x", ["short"])]
        one.add_row("short", key="cls-x")
        many.add_keyed_rows(extra)
        await pilot.pause()
        assert many._data == one._data and lines(many) == lines(one)
        with pytest.raises(DuplicateKey):
            many.add_keyed_rows([("cls-x", ["again"])])
        with pytest.raises(ValueError, match="More values"):
            many.add_keyed_rows([("cls-y", ["a", "b", "c", "d"])])
        many.add_keyed_rows([])  # nothing: no update
        many.clear()
        one.clear()
        many.add_keyed_rows(ROWS[:3])
        for key, cells in ROWS[:3]:
            one.add_row(*cells, key=key)
        await pilot.pause()
        assert lines(many) == lines(one)

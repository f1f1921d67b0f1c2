"""VirtualTable: Line API rendering, keys, messages, sort, filter, in-place updates."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from ccseone_tui.ui.widgets.table_model import Cells, TableModel, plain
from ccseone_tui.ui.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("cluster", "CLUSTER"),
    Column("name", "NAME"),
    Column("status", "STATUS"),
    Column("restarts", "RESTARTS", align="right", sort_key=int),
]
SIZE = (120, 30)
PAGE = SIZE[1] - 1  # rows under the header (no horizontal scrollbar at this width)


def pod_rows(count: int, seed: int = 7) -> list[tuple[str, Cells]]:
    rnd = random.Random(seed)
    rows: list[tuple[str, Cells]] = []
    for i in range(count):
        status: str | Text = rnd.choice(["Running", "Pending", "Completed"])
        if i % 11 == 0:
            status = Text("CrashLoopBackOff", style="red")
        name = f"pod-{rnd.randrange(10_000):04d}-{i}"
        rows.append((f"k{i}", (f"cluster-{i % 13:02d}", name, status, str(rnd.randrange(50)))))
    return rows


class CountingTable(VirtualTable):
    lines_rendered = 0

    def render_line(self, y: int) -> Strip:
        self.lines_rendered += 1
        return super().render_line(y)


class TableApp(App[None]):
    def __init__(self, rows: Sequence[tuple[str, Cells]] = (), **kwargs: str) -> None:
        super().__init__()
        self.rows = rows
        self.kwargs = kwargs
        self.selected: list[str] = []
        self.moved: list[str] = []

    def compose(self) -> ComposeResult:
        yield CountingTable(COLUMNS, **self.kwargs)

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(self.rows)
        table.focus()

    def on_virtual_table_row_selected(self, message: VirtualTable.RowSelected) -> None:
        self.selected.append(message.key)

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self.moved.append(message.key)


def lines(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def visible_keys(table: VirtualTable) -> list[str]:
    return [table.key_at(row) for row in range(table.visible_count)]


async def test_rows_render_under_a_fixed_header() -> None:
    app = TableApp(pod_rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        shown = lines(table)
        assert shown[0].split() == ["CLUSTER", "NAME", "STATUS", "RESTARTS"]
        assert "cluster-00" in shown[1] and "CrashLoopBackOff" in shown[1]
        await pilot.press("pagedown", "pagedown")
        assert lines(table)[0] == shown[0]  # the header does not scroll
        assert table.scroll_y > 0


async def test_only_visible_lines_are_rendered() -> None:
    app = TableApp(pod_rows(100_000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        assert table.lines_rendered <= 4 * SIZE[1]
        assert len(table._strips) <= PAGE
        table.lines_rendered = 0
        await pilot.press("pagedown", "pagedown", "end")
        assert table.lines_rendered <= 8 * SIZE[1]
        assert len(table._strips) <= 4 * PAGE


async def test_cursor_keys_and_scroll() -> None:
    app = TableApp(pod_rows(500))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("down", "j", "j", "k")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + PAGE
        assert table.scroll_y <= table.cursor_row < table.scroll_y + PAGE
        await pilot.press("pageup")
        assert table.cursor_row == 2
        await pilot.press("end")
        assert table.cursor_row == 499 and table.scroll_y == 500 - PAGE
        assert table.cursor_key == "k499"
        await pilot.press("home", "up")
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert app.moved[-1] == "k0"


async def test_enter_and_click_post_row_selected() -> None:
    app = TableApp(pod_rows(50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == ["k1"]
        await pilot.click(VirtualTable, offset=(5, 4))  # line 4 = row 3
        await pilot.pause()
        assert table.cursor_key == "k3" and app.moved[-1] == "k3"
        await pilot.click(VirtualTable, offset=(5, 4))
        await pilot.pause()
        assert app.selected == ["k1", "k3"]


async def test_sort_ascending_descending_and_cycle() -> None:
    rows = pod_rows(2_000)
    by_key = dict(rows)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        table.sort_by("name")
        assert visible_keys(table) == sorted(by_key, key=lambda k: plain(by_key[k][1]))
        table.sort_by("restarts", reverse=True)
        expected = sorted(by_key, key=lambda k: int(plain(by_key[k][3])), reverse=True)
        assert [int(plain(by_key[k][3])) for k in visible_keys(table)] == [
            int(plain(by_key[k][3])) for k in expected
        ]
        assert "RESTARTS ▼" in lines(table)[0]
        table.sort_by(None)
        await pilot.press("s")
        assert table.sort_column == "cluster" and not table.sort_reverse
        await pilot.press("s", "S")
        assert table.sort_column == "name" and table.sort_reverse
        await pilot.press("s", "s", "s")
        assert table.sort_column is None
        assert visible_keys(table) == [key for key, _ in rows]


def brute(rows: dict[str, Cells], needle: str, column: int | None = None) -> set[str]:
    def text(cells: Cells) -> str:
        parts = [plain(c) for c in cells] if column is None else [plain(cells[column])]
        return "\x1f".join(parts).lower()

    return {key for key, cells in rows.items() if needle.lower() in text(cells)}


async def test_filter_incremental_narrowing_matches_brute_force() -> None:
    rows = pod_rows(3_000)
    by_key = dict(rows)
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(VirtualTable)
        typed = ""
        for step in [*"pod-1", "<", "<", *"12", "<", *"-3", "<", "<", "<", "<", "<", "<"]:
            typed = typed[:-1] if step == "<" else typed + step
            table.set_filter(typed)
            expected = brute(by_key, typed)
            assert visible_keys(table) == [key for key in by_key if key in expected]
        table.set_filter("crash")  # a Text cell's plain text is searched
        assert set(visible_keys(table)) == brute(by_key, "crash") != set()
        table.set_filter("cluster-0", column="status")
        assert table.visible_count == 0
        table.set_filter("1", column="restarts")
        assert set(visible_keys(table)) == brute(by_key, "1", 3)
        table.set_predicate(lambda key, cells: cells[0] == "cluster-03")
        expected = brute(by_key, "1", 3) & {k for k, c in rows if c[0] == "cluster-03"}
        assert set(visible_keys(table)) == expected
        table.set_filter("")
        table.set_predicate(None)
        assert table.visible_count == table.row_count == 3_000


async def test_update_rows_keeps_cursor_key_and_screen_line() -> None:
    app = TableApp(pod_rows(1_000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        table.sort_by("name")
        table.move_cursor(500)
        await pilot.pause()
        key, line = table.cursor_key, table.cursor_row - table.scroll_y
        first = table.key_at(0)
        table.update_rows(
            {first: None, "new-a": ("cluster-99", "aaa", "Running", "0"), key: None}
            | {"new-b": ("cluster-99", "pod-0000-0", "Pending", "1")}
        )
        assert table.row_count == 1_000 and table.cursor_row == 500
        keep = table.cursor_key
        assert keep is not None
        cells = table.get_row(keep)
        assert cells is not None
        table.update_rows({keep: (cells[0], cells[1], "Failed", cells[3]), "new-c": cells})
        assert table.cursor_key == keep
        assert table.cursor_row - table.scroll_y == line
        assert "Failed" in lines(table)[line + 1]
        names = [plain(table.get_row(k)[1]) for k in visible_keys(table)]  # type: ignore[index]
        assert names == sorted(names)


@pytest.mark.parametrize(("sort", "reverse"), [("restarts", True), (None, False), ("name", False)])
def test_model_random_updates_match_a_reference(sort: str | None, reverse: bool) -> None:
    rnd = random.Random(3)
    model = TableModel(COLUMNS)
    reference = dict(pod_rows(600))
    model.set_rows(list(reference.items()))
    model.sort_by(sort, reverse=reverse)
    model.set_filter("pod-")

    def in_cluster(key: str, cells: Cells) -> bool:
        return cells[0] != "cluster-02"

    for step in range(60):
        changes: dict[str, Cells | None] = {}
        # Mostly small batches (re-placed rows), sometimes a big one (full re-sort).
        for _ in range(400 if step % 10 == 9 else rnd.randrange(1, 12)):
            key = rnd.choice([*reference, f"x{step}-{rnd.randrange(9)}"])
            cluster = f"cluster-{rnd.randrange(4):02d}"
            name = f"pod-{rnd.randrange(99)}"
            row = None if rnd.random() < 0.3 else (cluster, name, "S", str(rnd.randrange(9)))
            changes[key] = row
        model.update_rows(changes)
        for key, row in changes.items():
            if row is None:
                reference.pop(key, None)
            else:
                reference[key] = row
        if step == 30:
            model.set_predicate(in_cluster)
        model.set_filter(rnd.choice(["pod-", "pod-1", "pod-12", "1", ""]))
        expected = brute(reference, model.filter_text)
        if step >= 30:
            expected = {key for key in expected if in_cluster(key, reference[key])}
        keys = [model.key_at(row) for row in range(model.visible_count)]
        assert set(keys) == expected
        assert model.row_count == len(reference)
        if sort is None:  # insertion order, as a dict keeps it
            assert keys == [key for key in reference if key in expected]
        else:
            index = [column.key for column in COLUMNS].index(sort)
            values = [plain(reference[key][index]) for key in keys]
            values_key = int if sort == "restarts" else str.lower
            assert values == sorted(values, key=values_key, reverse=reverse)


async def test_cjk_cells_keep_columns_aligned() -> None:
    rows: list[tuple[str, Cells]] = [
        ("a", ("集群-北京", "pod-a", "Running", "1")),
        (
            "b",
            (
                "c-2",
                "名字很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长",
                "Pending",
                "2",
            ),
        ),
        ("c", ("c-3", "pod-c", Text("失败", style="red"), "3")),
    ]
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.query_one(VirtualTable)
        shown = [table.render_line(y) for y in range(4)]
        assert {strip.cell_length for strip in shown} == {table.scrollable_content_region.width}
        texts = [strip.text for strip in shown]
        status_at = cell_len(texts[0][: texts[0].index("STATUS")])
        for text, status in zip(texts[1:], ["Running", "Pending", "失败"], strict=True):
            assert cell_len(text[: text.index(status)]) == status_at
        assert "…" in texts[2]


async def test_empty_state_texts() -> None:
    app = TableApp([], empty_text="Nothing here", no_match_text="No pod matches")
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        assert any("Nothing here" in line for line in lines(table))
        assert table.cursor_key is None
        await pilot.press("down", "enter")
        assert app.selected == []
        table.set_rows(pod_rows(10))
        table.set_filter("no-such-pod")
        assert any("No pod matches" in line for line in lines(table))
        table.set_filter("")
        assert table.visible_count == 10 and table.cursor_key == "k0"


async def test_horizontal_scroll_by_column() -> None:
    app = TableApp(pod_rows(20))
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("right")
        assert table.scroll_x == table._offsets[1]
        assert lines(table)[0].lstrip().startswith("NAME")
        await pilot.press("left")
        assert table.scroll_x == 0


class CountingList(list[str]):
    reads = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().__getitem__(index)


def test_narrowing_rescans_only_the_previous_matches() -> None:
    model = TableModel(COLUMNS)
    model.set_rows(pod_rows(5_000))
    model.set_filter("pod-1")
    matches = model.visible_count
    assert 0 < matches < 5_000
    haystack = CountingList(model._search)
    model._search = haystack
    model.set_filter("pod-12")
    assert haystack.reads == matches
    haystack.reads = 0
    model.set_filter("pod-1")  # back to a remembered filter: no scan at all
    assert haystack.reads == 0 and model.visible_count == matches

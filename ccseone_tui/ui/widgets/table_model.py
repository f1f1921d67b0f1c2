"""Row model behind `VirtualTable`: storage, sort order and filter, with no Textual import.

Rows live in slot lists (a removed row leaves a free slot that the next insert reuses), so a
row's slot index is stable while it exists. Three index lists derive from the slots, each a
subsequence of the one before: `order` (all live rows, sorted), `pred_pass` (rows the
predicate keeps) and `visible` (rows the text filter keeps). Sorting and filtering only ever
move ints around; per-row strings (lower-cased search text, sort keys) are computed once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.text import Text

Cell = str | Text
Cells = Sequence[Cell]
Predicate = Callable[[str, Cells], bool]

_SEP = "\x1f"  # joins cells in the search text, so a match never spans two cells
_MEMO_SIZE = 32
_SMALL_BATCH = 256  # up to this many changed rows, re-place them instead of re-sorting


def _insort(indexes: list[int], slot: int, keys: list[Any], reverse: bool) -> None:
    """Insert `slot` after its equals in `indexes`, which is sorted by `keys` (descending if
    `reverse`)."""
    key, low, high = keys[slot], 0, len(indexes)
    while low < high:
        mid = (low + high) // 2
        if (keys[indexes[mid]] < key) if reverse else (key < keys[indexes[mid]]):
            high = mid
        else:
            low = mid + 1
    indexes.insert(low, slot)


def _tie(key: str | None) -> str:
    """A row key that sorts by its parts: ``a/x`` before ``a-b/x`` (``/`` sorts after ``-``)."""
    return "" if key is None else key.replace("/", "\x00")


@dataclass(frozen=True, slots=True)
class Column:
    """A table column. `sort_key` receives the cell's plain text (default: lower-cased text)."""

    key: str
    label: str
    width: int | None = None
    align: Literal["left", "right"] = "left"
    sort_key: Callable[[str], Any] | None = None


def plain(cell: object) -> str:
    """The plain text of a cell (str, rich Text, or anything printable)."""
    if cell.__class__ is str:
        return cell  # type: ignore[return-value]
    if isinstance(cell, Text):
        return cell.plain
    return str(cell)


def _search_text(cells: Cells | None, join: Callable[[Any], str] = _SEP.join) -> str:
    if cells is None:
        return ""
    try:
        return join(cells).lower()  # fast path: every cell is a str
    except TypeError:
        return join([plain(cell) for cell in cells]).lower()


class FilterScan:
    """A text filter scanned a slice at a time (`step`), so that a keystroke on 100k rows
    never holds the event loop for the whole scan; `TableModel.commit_filter` applies it."""

    __slots__ = ("_at", "_base", "_haystack", "column", "generation", "hit", "needle")

    def __init__(self, needle: str, column: str | None, base: list[int], haystack: list[str],
                 generation: int) -> None:
        self.needle, self.column, self.generation = needle, column, generation
        self._base, self._haystack = base, haystack
        self.hit: list[int] = []
        self._at = 0

    @property
    def size(self) -> int:
        return len(self._base)

    @property
    def done(self) -> bool:
        return self._at >= len(self._base)

    def step(self, rows: int) -> bool:
        """Scan up to `rows` more rows; True once the whole base is scanned."""
        needle, haystack, at = self.needle, self._haystack, self._at
        self.hit.extend([slot for slot in self._base[at:at + rows] if needle in haystack[slot]])
        self._at = at + rows
        return self.done


class TableModel:
    """Rows keyed by a stable str, with sort, predicate and incremental text filter."""

    def __init__(self, columns: Sequence[Column], *, tiebreak: bool = False) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        # ties of a sort broken by the row key (its "/"-separated parts in order), so a row
        # inserted later lands among its equals where a full sort would put it (the Fleet
        # view: cluster, then namespace, then name) instead of after them
        self.tiebreak = tiebreak
        self._column_index = {column.key: i for i, column in enumerate(self.columns)}
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.filter_text = ""
        self.filter_column: str | None = None
        self._predicate: Predicate | None = None
        self.generation = 0
        self.set_rows(())

    # -- storage -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[tuple[str, Cells]]) -> None:
        """Replace every row; the sort, predicate and filter stay in force."""
        self._keys: list[str | None] = [row[0] for row in rows]
        self._cells: list[Cells | None] = [row[1] for row in rows]
        count = len(self._keys)
        self._seq = list(range(count))
        self._next_seq = count
        self._free: list[int] = []
        # Built lazily (see `warm`) so that the first paint does not wait for them.
        self._pos: dict[str, int] = {}
        self._pos_built = 0
        self._search: list[str] = []
        self._column_search: dict[int, list[str]] = {}
        self._sort_keys: dict[int, list[Any]] = {}
        self._order = list(range(count))
        if self.sort_column is not None:
            self._order.sort(key=self._sort_key_list().__getitem__, reverse=self.sort_reverse)
        self._apply_predicate()

    def update_rows(self, changes: Mapping[str, Cells | None]) -> set[int]:
        """Insert, update (cells) or remove (None) rows by key; returns the touched slots."""
        self._ensure_pos()
        pos, keys, cells, search = self._pos, self._keys, self._cells, self._search
        touched: set[int] = set()
        removed: set[int] = set()
        inserted: list[int] = []
        for key, row in changes.items():
            slot = pos.get(key)
            if row is None:
                if slot is not None:
                    del pos[key]
                    keys[slot] = cells[slot] = None
                    self._free.append(slot)
                    removed.add(slot)
                    touched.add(slot)
                continue
            if slot is None:
                slot = self._new_slot()
                keys[slot] = key
                pos[key] = slot
                self._seq[slot] = self._next_seq
                self._next_seq += 1
                inserted.append(slot)
            cells[slot] = row
            touched.add(slot)
        for slot in touched:
            row = cells[slot]
            if slot < len(search):  # beyond it, `warm` builds the text later
                search[slot] = _search_text(row)
            for index, texts in self._column_search.items():
                texts[slot] = "" if row is None else plain(row[index]).lower()
            for index, sort_keys in self._sort_keys.items():
                sort_keys[slot] = None if row is None else self._key_of(index, row, keys[slot])
        if len(touched) <= _SMALL_BATCH:
            self._place(touched)
            return touched
        if removed:
            self._order = [slot for slot in self._order if slot not in removed]
        self._order.extend(inserted)
        if self.sort_column is not None:  # nearly sorted already: timsort is ~linear here
            self._order.sort(key=self._sort_key_list().__getitem__, reverse=self.sort_reverse)
        self._apply_predicate()
        return touched

    def _place(self, touched: set[int]) -> None:
        """A small batch: take the touched slots out of each list and binary-insert them back.

        Every list is ordered by the sort keys (insertion order when unsorted), so this costs a
        few list scans instead of a full sort and filter.
        """
        keys, cells, reverse = self._sort_key_list(), self._cells, self.sort_reverse
        live = [slot for slot in touched if cells[slot] is not None]
        predicate, needle = self._predicate, self.filter_text
        haystack = self._haystack() if needle else []

        def rebuild(indexes: list[int], keep: Callable[[int], bool]) -> list[int]:
            indexes = [slot for slot in indexes if slot not in touched]
            for slot in live:
                if keep(slot):
                    _insort(indexes, slot, keys, reverse)
            return indexes

        self._order = rebuild(self._order, lambda slot: True)
        self._pred_pass = (
            self._order
            if predicate is None
            else rebuild(self._pred_pass, lambda s: predicate(self._keys[s], cells[s]))  # type: ignore[arg-type]
        )
        self.visible = (
            self._pred_pass
            if not needle
            else rebuild(self.visible, lambda s: self._passes(s) and needle in haystack[s])
        )
        self._memo = {needle: self.visible} if needle else {}
        self.generation += 1

    def _passes(self, slot: int) -> bool:
        predicate = self._predicate
        return predicate is None or predicate(self._keys[slot], self._cells[slot])  # type: ignore[arg-type]

    def _new_slot(self) -> int:
        if self._free:
            return self._free.pop()
        self._keys.append(None)
        self._cells.append(None)
        self._seq.append(0)
        if len(self._search) == len(self._keys) - 1:
            self._search.append("")
        for texts in self._column_search.values():
            texts.append("")
        for sort_keys in self._sort_keys.values():
            sort_keys.append(None)
        return len(self._keys) - 1

    def warm(self, budget: int = 20_000) -> bool:
        """Build up to `budget` rows of the lazy indexes; True once they are complete."""
        total = len(self._keys)
        if len(self._search) < total:  # first: the filter needs it most
            self._build_search(len(self._search) + budget)
        elif self._pos_built < total:
            self._build_pos(self._pos_built + budget)
        return len(self._search) == total and self._pos_built == total

    def _build_search(self, end: int) -> None:
        start = len(self._search)
        self._search.extend([_search_text(row) for row in self._cells[start:end]])

    def _build_pos(self, end: int) -> None:
        start = self._pos_built
        keys = self._keys[start:end]  # no None yet: a removal builds the whole index first
        self._pos.update(zip(keys, range(start, start + len(keys)), strict=True))  # type: ignore[arg-type]
        self._pos_built = start + len(keys)

    def _ensure_pos(self) -> None:
        self._build_pos(len(self._keys))

    def _ensure_search(self) -> None:
        self._build_search(len(self._keys))

    # -- reading -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def visible_count(self) -> int:
        return len(self.visible)

    def slot_at(self, row: int) -> int:
        return self.visible[row]

    def key_at(self, row: int) -> str:
        key = self._keys[self.visible[row]]
        assert key is not None
        return key

    def cells_of_slot(self, slot: int) -> Cells:
        cells = self._cells[slot]
        assert cells is not None
        return cells

    def cells_by_key(self, key: str) -> Cells | None:
        slot = self._slot_of(key)
        return None if slot is None else self._cells[slot]

    def _slot_of(self, key: str) -> int | None:
        if self._pos_built >= len(self._keys):
            return self._pos.get(key)
        try:  # one C-speed scan beats building the whole dict for a single lookup
            return self._keys.index(key)
        except ValueError:
            return None

    def row_of(self, key: str) -> int | None:
        """The visible row showing `key`, or None."""
        slot = self._slot_of(key)
        if slot is None:
            return None
        try:
            return self.visible.index(slot)
        except ValueError:
            return None

    def sample(self, limit: int = 1000) -> list[Cells]:
        """Up to `limit` rows spread over the data, for measuring column widths."""
        step = max(1, len(self._order) // limit)
        return [self.cells_of_slot(slot) for slot in self._order[::step]]

    # -- sort --------------------------------------------------------------------------------

    def _key_of(self, index: int, cells: Cells, key: str | None = None) -> Any:
        text = plain(cells[index])
        sort_key = self.columns[index].sort_key
        value = text.lower() if sort_key is None else sort_key(text)
        return (value, _tie(key)) if self.tiebreak else value

    def _sort_key_list(self) -> list[Any]:
        if self.sort_column is None:
            return self._seq
        index = self._column_index[self.sort_column]
        sort_keys = self._sort_keys.get(index)
        if sort_keys is None:
            fn = self.columns[index].sort_key or str.lower
            texts = [None if row is None else plain(row[index]) for row in self._cells]
            sort_keys = [None if text is None else fn(text) for text in texts]
            if self.tiebreak:
                sort_keys = [None if value is None else (value, _tie(key))
                             for value, key in zip(sort_keys, self._keys, strict=True)]
            self._sort_keys[index] = sort_keys
        return sort_keys

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort by a column (None: insertion order). Stable, so ties keep the previous order.

        A stable sort of a subsequence equals the same subsequence of the sorted whole, so
        the derived lists are sorted in place rather than filtered again.
        """
        if column is not None and column not in self._column_index:
            raise KeyError(column)
        self.sort_column, self.sort_reverse = column, reverse
        key = self._sort_key_list().__getitem__
        done: set[int] = set()
        for indexes in (self._order, self._pred_pass, self.visible):
            if id(indexes) not in done:
                done.add(id(indexes))
                indexes.sort(key=key, reverse=reverse)
        self._memo = {self.filter_text: self.visible} if self.filter_text else {}
        self.generation += 1  # a filter scan in progress saw the old order: it starts over

    # -- filter ------------------------------------------------------------------------------

    def set_predicate(self, predicate: Predicate | None) -> None:
        """Keep only rows for which `predicate(key, cells)` is true (None: all rows)."""
        self._predicate = predicate
        self._apply_predicate()

    def _apply_predicate(self) -> None:
        predicate = self._predicate
        if predicate is None:
            self._pred_pass = self._order
        else:
            keys, cells = self._keys, self._cells
            self._pred_pass = [s for s in self._order if predicate(keys[s], cells[s])]  # type: ignore[arg-type]
        self._memo: dict[str, list[int]] = {}
        self.visible = self._pred_pass
        self.generation += 1
        if self.filter_text:
            self._run_filter(self.filter_text)

    def set_filter(self, text: str, column: str | None = None) -> None:
        """Case-insensitive substring filter over all cells' text, or one column's."""
        if column is not None and column not in self._column_index:
            raise KeyError(column)
        needle = text.lower()
        if column != self.filter_column:
            self.filter_column = column
            self._memo = {}
        self.filter_text = needle
        self.generation += 1
        if not needle:
            self.visible = self._pred_pass
            return
        self._run_filter(needle)

    def filter_plan(self, text: str, column: str | None = None) -> FilterScan | None:
        """What `set_filter(text, column)` would scan, for a caller that scans it in slices;
        None when there is nothing to scan (no text, the same column's memo has it): then
        `set_filter` is instant."""
        if column is not None and column not in self._column_index:
            raise KeyError(column)
        needle = text.lower()
        if not needle or (column == self.filter_column and needle in self._memo):
            return None
        base = self._pred_pass
        if column == self.filter_column:
            best = 0
            for old, matches in self._memo.items():
                if len(old) > best and old in needle:
                    base, best = matches, len(old)
        previous = self.filter_column
        self.filter_column = column
        try:
            haystack = self._haystack()
        finally:
            self.filter_column = previous
        return FilterScan(needle, column, base, haystack, self.generation)

    def commit_filter(self, scan: FilterScan) -> bool:
        """Apply a finished scan; False (nothing changed) when the rows, sort, predicate or
        filter changed since `filter_plan`: the caller plans again."""
        if scan.generation != self.generation or not scan.done:
            return False
        if scan.column != self.filter_column:
            self.filter_column = scan.column
            self._memo = {}
        if len(self._memo) >= _MEMO_SIZE:
            del self._memo[next(iter(self._memo))]
        self._memo[scan.needle] = scan.hit
        self.filter_text = scan.needle
        self.visible = scan.hit
        self.generation += 1
        return True

    def _haystack(self) -> list[str]:
        if self.filter_column is None:
            self._ensure_search()
            return self._search
        index = self._column_index[self.filter_column]
        texts = self._column_search.get(index)
        if texts is None:
            texts = ["" if row is None else plain(row[index]).lower() for row in self._cells]
            self._column_search[index] = texts
        return texts

    def _run_filter(self, needle: str) -> None:
        memo = self._memo
        hit = memo.get(needle)
        if hit is None:
            # Incremental narrowing: rows matching `needle` all match any substring of it,
            # so only the matches of the longest remembered substring need a rescan.
            base = self._pred_pass
            best = 0
            for old, matches in memo.items():
                if len(old) > best and old in needle:
                    base, best = matches, len(old)
            haystack = self._haystack()
            hit = [slot for slot in base if needle in haystack[slot]]
            if len(memo) >= _MEMO_SIZE:
                del memo[next(iter(memo))]
            memo[needle] = hit
        self.visible = hit

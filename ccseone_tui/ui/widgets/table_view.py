"""A section that lists cached records: title bar, filter, DataTable and an empty state.

Subclasses say which columns there are, how to read the rows (from the cache, through the
services) and how one row renders. The base handles the filter, in-place row updates, the
cursor staying on the same record across reloads, and the "what to do next" empty state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.messages import RowsLoaded
from ccseone_tui.ui.widgets.columns_more import ColumnsMore
from ccseone_tui.ui.widgets.empty_state import EmptyState
from ccseone_tui.ui.widgets.in_place_table import InPlaceTable

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

T = TypeVar("T")


class Column:
    """One table column: its key, i18n label and an optional fixed width (cells)."""

    __slots__ = ("key", "label_key", "width")

    def __init__(self, key: str, label_key: str, width: int | None = None) -> None:
        self.key = key
        self.label_key = label_key
        self.width = width


class TableView(Vertical, Generic[T]):
    """Base of every list section. ``id`` is the section id."""

    section_id: ClassVar[str] = ""
    title_key: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    FLEX: ClassVar[dict[str, int]] = {}
    """Columns that share the table's free width (key -> the least they get): a label or a
    path is cut where the terminal ends, not at a fixed width. `cells` asks `flex_width`."""
    TABLE: ClassVar[type[DataTable[Any]]] = DataTable  # Access clusters: InPlaceTable

    BINDINGS: ClassVar[list[Any]] = [
        Binding("slash", "focus_filter", "key.filter", key_display="/"),
        Binding("escape", "leave", "key.leave", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id=self.section_id, classes="section-view")
        localize_bindings(self)
        self.rows: dict[str, T] = {}
        self.filter_text = ""
        self.loaded = False
        self._flex: dict[str, int] = {}

    def highlighted(self) -> T | None:
        """The row under the table's cursor, or None (empty table, no cursor row)."""
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self.rows.get(str(key))

    def flex_width(self, key: str) -> int:
        """The cells a FLEX column may use now (its minimum until the table is laid out)."""
        return self._flex.get(key, self.FLEX[key])

    def _fit_flex(self) -> None:
        """Give the FLEX columns what the others leave; redraw the rows if that changed."""
        table = self.table
        width = table.scrollable_content_region.width
        if not self.FLEX or not table.display or width <= 0 or not table.row_count:
            return
        others = sum(c.get_render_width(table) for c in table.ordered_columns
                     if str(c.key.value) not in self.FLEX)
        free = width - others - 2 * table.cell_padding * len(self.FLEX)
        flex = share_width(free, {key: (least, self.flex_need(key))
                                  for key, least in self.FLEX.items()})
        if flex != self._flex:
            self._flex = flex
            self.rebuild()

    def flex_need(self, key: str) -> int | None:
        """The widest text of a FLEX column, if known: a short column leaves the rest of
        the free width to the others. None: as much as it gets."""
        return None

    def on_resize(self) -> None:
        if self.FLEX:
            self.call_after_refresh(self._fit_flex)

    # ---- what subclasses provide -------------------------------------------------------

    async def fetch(self) -> list[T]:
        """The rows, from the cache (never the network)."""
        raise NotImplementedError

    def key_of(self, row: T) -> str:
        return str(getattr(row, "id"))  # noqa: B009 - every domain record has an id

    def cells(self, row: T) -> list[RenderableType]:
        raise NotImplementedError

    def empty_state(self) -> tuple[str, list[str]]:
        """Title and hint lines when there is nothing at all to list."""
        return t("empty.generic"), []

    def status_text(self) -> str:
        """The summary right of the title, e.g. "8 clusters"."""
        return t("view.count", count=len(self.rows))

    # ---- composition -------------------------------------------------------------------

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="view-bar"):
            yield Static(t(self.title_key), classes="view-title")
            yield Static("", classes="view-status")
            yield ColumnsMore(id=f"{self.section_id}-more")
            yield Input(placeholder=t("filter.placeholder"), classes="view-filter", compact=True,
                        id=f"{self.section_id}-filter")
        table: DataTable[Any] = self.TABLE(
            cursor_type="row", zebra_stripes=True, id=f"{self.section_id}-table"
        )
        for column in self.COLUMNS:
            table.add_column(t(column.label_key), width=column.width, key=column.key)
        yield table
        yield EmptyState(id=f"{self.section_id}-empty")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(DataTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one(Input)

    # ---- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the rows from the cache in a worker; ``RowsLoaded`` brings them back."""
        workers.start(
            self, self._load(), name=f"load:{self.section_id}", group=f"cache:{self.section_id}",
            description=t("worker.load", what=t(self.title_key)), exclusive=True,
        )

    async def _load(self) -> None:
        rows = await self.fetch()
        self.post_message(RowsLoaded(self.section_id, rows))

    def on_rows_loaded(self, message: RowsLoaded) -> None:
        message.stop()
        self.set_rows(message.rows)

    def set_rows(self, rows: list[T]) -> None:
        self.rows = {self.key_of(r): r for r in rows}
        self.loaded = True
        self.rebuild()

    # ---- rendering ---------------------------------------------------------------------

    def search_text(self, row: T) -> str:
        """What the filter looks in: every cell as shown; subclasses add what cells cut."""
        return "\n".join(_plain(cell) for cell in self.cells(row))

    def matches(self, row: T) -> bool:
        if not self.filter_text:
            return True
        return self.filter_text.casefold() in self.search_text(row).casefold()

    def rebuild(self) -> None:
        """Redraw every row, keeping the cursor on the same record when it is still shown."""
        table = self.table
        keep: str | None = None
        if table.row_count and table.cursor_row >= 0:
            try:
                keep = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            except CellDoesNotExist:  # no cursor row: start at the top
                keep = None
        table.clear()
        shown = ((key, self.cells(row)) for key, row in self.rows.items() if self.matches(row))
        if isinstance(table, InPlaceTable):
            table.add_keyed_rows(shown)
        else:
            for key, cells in shown:
                table.add_row(*cells, key=key)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.refresh_chrome()

    def upsert(self, row: T) -> None:
        """Update one record in place (a probe answered) or add it."""
        key = self.key_of(row)
        self.rows[key] = row
        table = self.table
        shown = key in table.rows
        if shown and self.matches(row):
            for column, cell in zip(self.COLUMNS, self.cells(row), strict=True):
                table.update_cell(key, column.key, cell,
                                  update_width=_widens(table, column.key, cell))
            self.refresh_chrome()
        else:
            self.rebuild()

    def refresh_chrome(self) -> None:
        """Title-bar status and the empty state, after the rows changed."""
        table = self.table
        status = self.status_text()
        if self.filter_text and self.rows:
            status += " · " + t("view.filtered", shown=table.row_count)
        self.query_one(".view-status", Static).update(status)
        empty = self.query_one(EmptyState)
        if not self.loaded:
            table.display = False
            empty.show(t("view.loading"), [])
        elif not self.rows:
            table.display = False
            empty.show(*self.empty_state())
        elif not table.row_count:
            table.display = True
            empty.show(t("filter.no_match", text=self.filter_text), [t("filter.no_match.hint")])
        else:
            table.display = True
            empty.hide()
        self.query_one(ColumnsMore).track(table)
        if self.FLEX:
            self.call_after_refresh(self._fit_flex)

    # ---- filter and keys ---------------------------------------------------------------

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.rebuild()

    @on(Input.Submitted)
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_content()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_leave(self) -> None:
        """Esc: clear the filter first; a second Esc goes back to the sidebar."""
        if self.filter_input.value:
            self.filter_input.value = ""
            self.focus_content()
        else:
            self.screen.query_one("#sidebar").focus()

    def focus_content(self) -> None:
        if self.table.display:
            self.table.focus()
        elif self.rows:  # everything filtered away: the filter is what to change
            self.filter_input.focus()
        else:
            self.screen.query_one("#sidebar").focus()


def _widens(table: DataTable[Any], column_key: str, cell: RenderableType) -> bool:
    """Whether ``cell`` needs a wider column. DataTable re-measures the WHOLE column when an
    updated cell got narrower (O(rows) per cell: 1.7 s stalls at 100 hub members changing
    every second), so a narrower cell keeps the column as wide as it is."""
    column = table.columns.get(ColumnKey(column_key))
    if column is None:
        return True
    if isinstance(cell, Text):
        width = cell.cell_len
    elif isinstance(cell, str):
        width = cell_len(cell)
    else:
        return True  # an unusual renderable: let DataTable measure it
    return width > column.content_width


def share_width(free: int, columns: dict[str, tuple[int, int | None]]) -> dict[str, int]:
    """Split ``free`` cells among columns {key: (least, need)}: the narrowest needs are met
    first and what they leave goes to the others; none gets less than its least."""
    shares: dict[str, int] = {}
    order = sorted(columns, key=lambda k: (columns[k][1] is None, columns[k][1] or 0))
    for index, key in enumerate(order):
        least, need = columns[key]
        fair = max(0, free) // (len(order) - index)
        share = fair if need is None else min(need, fair)
        shares[key] = max(least, share)
        free -= share
    return shares


def _plain(cell: RenderableType) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return str(cell)

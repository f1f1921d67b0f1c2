"""Column widths and row rendering for `VirtualTable`: cells to one Strip, CJK-aware.

Widths and crops are in terminal cells (`rich.cells.cell_len`), so a CJK character counts
two and a column never drifts when a name is Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ccseone_tui.domain.text import printable
from ccseone_tui.ui.widgets.table_model import Cells, Column, plain

MAX_AUTO_WIDTH = 64
"""An auto-sized column grows no wider; longer text is cut with an ellipsis."""


def fit(text: str, width: int, align: str = "left") -> str:
    """Crop (with an ellipsis) or pad `text` to exactly `width` cells."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


def measure_widths(columns: Sequence[Column], sample: Sequence[Cells]) -> list[int]:
    """Fixed widths as given; auto widths from the label (plus a sort mark) and a sample."""
    widths = []
    for index, column in enumerate(columns):
        width = column.width
        if width is None:
            width = cell_len(column.label) + 2
            if sample:
                widest = max(cell_len(plain(cells[index])) for cells in sample)
                width = max(width, min(widest, MAX_AUTO_WIDTH))
        widths.append(width)
    return widths


def grow_widths(
    columns: Sequence[Column], widths: list[int], rows: Iterable[Cells | None]
) -> list[int]:
    """Auto widths widened for new rows (never narrowed, so columns do not jitter)."""
    grown = list(widths)
    auto = [index for index, column in enumerate(columns) if column.width is None]
    for cells in rows:
        if cells is not None:
            for index in auto:
                length = min(cell_len(plain(cells[index])), MAX_AUTO_WIDTH)
                grown[index] = max(grown[index], length)
    return grown


def column_offsets(widths: Sequence[int]) -> list[int]:
    """Start cell of each column and, last, the total width (one space either side)."""
    offsets = [0]
    for width in widths:
        offsets.append(offsets[-1] + width + 2)
    return offsets


def render_cells(
    cells: Sequence[object],
    columns: Sequence[Column],
    widths: Sequence[int],
    style: Style,
    console: Console,
) -> Strip:
    """One table line, uncropped: each cell padded or cut to its column width."""
    segments: list[Segment] = []
    for cell, width, column in zip(cells, widths, columns, strict=False):
        if isinstance(cell, Text):
            # a styled cell is ours (a badge), but may wrap cluster text: escape if needed
            text = (cell.copy() if printable(cell.plain) == cell.plain
                    else Text(printable(cell.plain), style=cell.style, end=""))
            text.truncate(width, overflow="ellipsis")
            if column.align == "right":
                text.pad_left(width - text.cell_len)
            text.pad_right(width - text.cell_len)
            segments.append(Segment(" ", style))
            segments.extend(Segment.apply_style(text.render(console), style))
            segments.append(Segment(" ", style))
        else:
            # names, labels, descriptions, cluster messages: controls shown, never obeyed
            text = printable(plain(cell))
            segments.append(Segment(f" {fit(text, width, column.align)} ", style))
    return Strip(segments, sum(widths) + 2 * len(widths))


def centered(message: str, width: int, style: Style, base: Style) -> Strip:
    """`message` centred in `width` cells (cut if wider)."""
    message = fit(message, min(width, cell_len(message)))
    line = " " * ((width - cell_len(message)) // 2) + message
    return Strip([Segment(line, style)]).crop_extend(0, width, base)

"""One diff row as a Strip: ``{line no} {sign} {text}`` per half, ``│`` between, object
headers and fold rows across; changed spans in a stronger colour; long lines cut with ….

Pure functions of a row, a width and the styles, so `DiffView` can cache a row's strip and
build it only when the row scrolls into view (`cli/diff_out.py` prints the same layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ccseone_tui.i18n import t
from ccseone_tui.templates.diff import DiffRow, Fold, ManifestDiff

__all__ = ["SEPARATOR", "DiffStyles", "cell", "render_row"]

SEPARATOR = "│"
_LEFT_SIGN = {"delete": "-", "replace": "-"}
_RIGHT_SIGN = {"insert": "+", "replace": "+"}


@dataclass(frozen=True, slots=True)
class DiffStyles:
    base: Style
    gutter: Style
    removed: Style
    removed_span: Style
    added: Style
    added_span: Style
    filler: Style
    header: Style
    header_dim: Style
    fold: Style
    labels: Style
    cursor: Style
    separator: Style


def cell(text: str, width: int, style: Style) -> list[Segment]:
    """``text`` in exactly ``width`` cells: cut with … when longer, padded when shorter."""
    if width <= 0:
        return []
    size = cell_len(text)
    if size > width:
        strip = Strip([Segment(text, style)]).crop(0, width - 1)
        cut = "".join(segment.text for segment in strip)
        return [Segment(cut + "…" + " " * (width - 1 - cell_len(cut)), style)]
    return [Segment(text + " " * (width - size), style)]


def _clean(text: str) -> str:
    """One cell per character for tabs (span offsets stay right)."""
    return text.replace("\t", " ") if "\t" in text else text


def _text_cell(text: str, spans: tuple[tuple[int, int], ...], width: int, style: Style,
               span_style: Style) -> list[Segment]:
    """A line's text with its changed spans in ``span_style``, in exactly ``width`` cells."""
    if not spans or width <= 0:
        return cell(_clean(text), width, style)
    text = _clean(text)
    pieces: list[Segment] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            pieces.append(Segment(text[pos:start], style))
        pieces.append(Segment(text[start:end], span_style))
        pos = end
    if pos < len(text):
        pieces.append(Segment(text[pos:], style))
    strip = Strip(pieces)
    if strip.cell_length > width:
        strip = Strip([*strip.crop(0, width - 1), Segment("…", style)])
    return list(strip.extend_cell_length(width, style))


def _half(number: int | None, sign: str, text: str, spans: tuple[tuple[int, int], ...],
          width: int, nw: int, line_style: Style, span_style: Style, gutter: Style,
          cursor: Style | None) -> list[Segment]:
    head = f"{number if number is not None else '':>{nw}} {sign} "
    head = head[:width]
    out = [Segment(head, cursor or line_style + gutter)]
    return out + _text_cell(text, spans, width - len(head), line_style, span_style)


def render_row(diff: ManifestDiff, item: DiffRow | Fold, width: int, nw: int,
               styles: DiffStyles, *, cursor: bool = False, unified: bool = False) -> Strip:
    """One diff row as a strip ``width`` cells wide: left half │ right half, or with
    ``unified`` one column under both line numbers (rows of `ManifestDiff.as_unified`)."""
    left_w = (width - 1) // 2
    right_w = width - 1 - left_w
    gutter_w = 2 * nw + 4 if unified else nw + 3
    cur = styles.cursor if cursor else None
    if isinstance(item, Fold):
        text = t("diff.fold", count=f"{item.hidden:,}")
        head = " " * gutter_w
        segments = [Segment(head, cur or styles.fold), *cell(text, width - gutter_w,
                                                              styles.fold)]
        return Strip(segments).extend_cell_length(width, styles.fold).crop(0, width)
    if item.tag == "header":
        resource = diff.resources[item.resource]
        marker = resource.marker
        note = t(f"diff.status.{resource.status}")
        source = resource.new_source or resource.old_source
        counts = ""
        if resource.status == "changed":
            counts = f"  +{resource.added} −{resource.removed} ~{resource.changed}"
        head = f"{marker:>{nw}}  "[:gutter_w].ljust(gutter_w)
        key = f"{resource.key}  "
        tail = f"{note}{counts}" + (f"  · {source}" if source else "")
        segments = [Segment(head, cur or styles.header), Segment(key, styles.header),
                    *cell(tail, max(0, width - gutter_w - cell_len(key)), styles.header_dim)]
        return Strip(segments).extend_cell_length(width, styles.header).crop(0, width)
    tag = item.tag
    if unified:
        return _unified_row(item, width, nw, styles, cur)
    left_style = styles.removed if tag in ("delete", "replace") else (
        styles.filler if tag == "insert" else styles.base)
    right_style = styles.added if tag in ("insert", "replace") else (
        styles.filler if tag == "delete" else styles.base)
    left_text = "" if tag == "insert" else item.left
    right_text = "" if tag == "delete" else item.right
    segments = [
        *_half(item.left_no, _LEFT_SIGN.get(tag, " "), left_text, item.left_spans, left_w, nw,
               left_style, styles.removed_span, styles.gutter, cur),
        Segment(SEPARATOR, styles.separator),
        *_half(item.right_no, _RIGHT_SIGN.get(tag, " "), right_text, item.right_spans,
               right_w, nw, right_style, styles.added_span, styles.gutter, cur),
    ]
    return Strip(segments).extend_cell_length(width, styles.base).crop(0, width)


def _unified_row(item: DiffRow, width: int, nw: int, styles: DiffStyles,
                 cur: Style | None) -> Strip:
    tag = item.tag
    if tag == "insert":
        sign, text, spans, style, strong = "+", item.right, item.right_spans, styles.added, \
            styles.added_span
    elif tag == "delete":
        sign, text, spans, style, strong = "-", item.left, item.left_spans, styles.removed, \
            styles.removed_span
    else:
        sign, text, spans, style, strong = " ", item.left, (), styles.base, styles.base
    left = "" if item.left_no is None else item.left_no
    right = "" if item.right_no is None else item.right_no
    head = f"{left:>{nw}} {right:>{nw}} {sign} "
    segments = [Segment(head, cur or style + styles.gutter),
                *_text_cell(text, spans, width - len(head), style, strong)]
    return Strip(segments).extend_cell_length(width, styles.base).crop(0, width)

"""One log line to screen rows (Strips): time, source prefix, JSON form, search highlight, wrap.

Pure functions of a line and the view options, so the view can cache the rows of a line by
its id and rebuild them only when it scrolls into view or an option changes.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ccseone_tui.domain.text import printable, strip_sgr
from ccseone_tui.ui.widgets.log_buffer import JSON_INDENT, JSON_OFF, LogLine, format_json
from ccseone_tui.ui.widgets.log_source import short_source

__all__ = ["PALETTE", "RenderOptions", "RowStyles", "gap_text", "render_rows", "source_color"]

PALETTE = (
    "#5fafff", "#d787d7", "#87d787", "#d7af5f", "#5fd7d7",
    "#ff8787", "#afafff", "#afd75f", "#ffaf87", "#87afaf",
)
"""Source colours: readable on dark and light backgrounds, distinct from the warning hues."""
MAX_SOURCE_WIDTH = 40
_TS_WIDTH = 13  # "15:06:40.123 "


def source_color(source: str) -> str:
    """A colour for a source that is the same in every run (crc32, not the salted hash())."""
    return PALETTE[zlib.crc32(source.encode()) % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    width: int
    timestamps: bool = False
    wrap: bool = False
    json_mode: int = JSON_OFF
    source_width: int = 0
    local_time: bool = False
    search: re.Pattern[str] | None = None
    ansi: bool = False  # render the lines' own SGR colours (the view's "A" key)
    full_sources: bool = False  # whole source names, not stern-style short ones ("F")


@dataclass(frozen=True, slots=True)
class RowStyles:
    base: Style
    timestamp: Style
    match: Style
    current: Style
    gap: Style


def _clean(text: str, ansi: bool = False) -> str:
    """A container's output, safe for the terminal: every control shown as ``^[``-style
    escapes (nothing reaches the terminal to obey), colours dropped unless ``ansi``."""
    if "\t" in text:
        text = text.expandtabs()
    if ansi:
        return printable(text, multiline=True, keep_sgr=True)
    return printable(strip_sgr(text), multiline=True)


def _clock(ts: float, local_time: bool) -> str:
    moment = datetime.fromtimestamp(ts) if local_time else datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%H:%M:%S.%f")[:12]


def gap_text(line: LogLine) -> str:
    return f"── {line.text} "


def _prefix(line: LogLine, options: RenderOptions, styles: RowStyles) -> Text:
    prefix = Text(style=styles.base, no_wrap=True, end="")
    if options.timestamps:
        stamp = _clock(line.ts, options.local_time) if line.ts is not None else ""
        prefix.append(stamp.ljust(_TS_WIDTH), styles.timestamp)
    if line.source:
        width = min(options.source_width, MAX_SOURCE_WIDTH)
        name = line.source if options.full_sources else short_source(line.source)
        name = name if len(name) <= width else name[: width - 1] + "…"
        prefix.append(name.ljust(width), Style(color=source_color(line.source)))
        prefix.append(" ")
    return prefix


def _body(text: str, options: RenderOptions, styles: RowStyles, current: bool) -> Text:
    if options.ansi and "\x1b" in text:  # only SGR is left after _clean
        body = Text.from_ansi(text, style=styles.base, no_wrap=True, end="")
    else:
        body = Text(text, style=styles.base, no_wrap=True, end="")
    search = options.search
    if search is not None:
        style = styles.current if current else styles.match
        for match in search.finditer(body.plain):
            if match.end() > match.start():
                body.stylize(style, match.start(), match.end())
    return body


def _strip(text: Text, console: Console) -> Strip:
    segments = list(text.render(console))
    return Strip(segments, text.cell_len)


def render_rows(
    line: LogLine, options: RenderOptions, styles: RowStyles, console: Console,
    current: bool = False,
) -> list[Strip]:
    """The rows of one line, uncropped (wrapped to ``options.width`` when wrap is on).

    Continuation rows (wrapped or an indented JSON object) are indented under the text, so
    the prefix column stays clean.
    """
    if line.gap:
        return [_gap_row(line, options, styles)]
    prefix = _prefix(line, options, styles)
    indent = prefix.cell_len
    body_width = options.width - indent
    if options.wrap and body_width < 8:  # too narrow to indent: wrap the whole line
        indent, body_width = 0, options.width
    pad = Text(" " * indent, style=styles.base, end="")
    text = _clean(format_json(line.text, options.json_mode), options.ansi)
    if not (options.wrap or options.json_mode == JSON_INDENT):
        text = text.replace("\n", " ↵ ")  # one row per line: keep what a newline hid
    rows: list[Strip] = []
    for number, part in enumerate(text.split("\n")):
        body = _body(part, options, styles, current)
        pieces = (
            body.wrap(console, body_width, overflow="fold", no_wrap=False)
            if options.wrap and body.cell_len > body_width
            else [body]
        )
        for piece in pieces:
            head = prefix if number == 0 and not rows else pad
            rows.append(_strip(Text.assemble(head, piece, style=styles.base, end=""), console))
    return rows


def _gap_row(line: LogLine, options: RenderOptions, styles: RowStyles) -> Strip:
    label = gap_text(line)
    width = max(options.width, cell_len(label) + 2)
    return Strip([Segment(label + "─" * (width - cell_len(label)), styles.base + styles.gap)])

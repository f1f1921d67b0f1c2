"""The scrolling part of the log view: Line API rendering of only the rows on screen.

Scroll positions count log lines, not screen rows. Without wrap (and without indented JSON)
a line is one row and the position is exact. With them a line may take several rows: the
rows of the lines from the top one down are built only for the viewport (and cached per
line id), and when they run out before the bottom of the screen the view is anchored to the
end instead. The virtual height then has a page of slack so every line can reach the top;
the scrollbar is approximate, which is the price of never measuring lines off screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ccseone_tui.ui.widgets.log_buffer import JSON_INDENT, JSON_OFF, LogBuffer, LogLine
from ccseone_tui.ui.widgets.log_render import (
    MAX_SOURCE_WIDTH,
    RenderOptions,
    RowStyles,
    render_rows,
)

__all__ = ["LogLines"]

_CACHE_SIZE = 256
"""Lines' rows kept: a few screens. More only ages into the GC's oldest generation."""


class LogLines(ScrollView, can_focus=True):
    """Renders a `LogBuffer`'s visible lines; follows the end or holds its place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_home", "Top", show=False, id="log-view.top"),
        Binding("end", "scroll_end", "End", show=False, id="log-view.end"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-lines--timestamp",
        "log-lines--match",
        "log-lines--current",
        "log-lines--gap",
        "log-lines--empty",
    }

    DEFAULT_CSS = """
    LogLines {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .log-lines--timestamp { color: $text-muted; }
        & > .log-lines--match { background: $warning 40%; }
        & > .log-lines--current { background: $warning; color: $background; text-style: bold; }
        & > .log-lines--gap { color: $warning; text-style: bold; }
        & > .log-lines--empty { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, buffer: LogBuffer, *, local_time: bool = False, id: str | None = None):
        super().__init__(id=id)
        self.buffer = buffer
        self.local_time = local_time
        self.timestamps = False
        self.wrap = False
        self.json_mode = JSON_OFF
        self.ansi = False  # the lines' own colours: off, a container's bytes are not trusted
        self.full_sources = False  # "F": whole source names in the prefix, not short ones
        self.following = True
        self.new_count = 0
        """Visible lines that arrived while paused."""
        self.current_match: int | None = None
        self.empty_text = ""
        self._rows: LRUCache[int, list[Strip]] = LRUCache(_CACHE_SIZE)
        self._layout_key: tuple[int, ...] | None = None
        self._layout: list[Strip] = []
        self._layout_top = 0
        self._at_end = True
        self._styles: RowStyles | None = None
        self._anchor: int | None = None  # id of the top line while paused, until sync()
        self._internal = False
        self._text_width = 0  # widest line seen, estimated at ingest

    # -- feeding -----------------------------------------------------------------------------

    def before_append(self) -> None:
        """Hold the top line (by id) before lines that may push it off the front arrive."""
        count = self.buffer.visible_count
        if not self.following and self._anchor is None and count:
            self._anchor = self.buffer.visible_id(min(self._top_index(), count - 1))

    def after_append(self, lines: list[LogLine], shown: int) -> None:
        if not self.following:
            self.new_count += shown
        if lines:
            self._text_width = max(self._text_width, max(len(line.text) for line in lines))

    def sync(self) -> None:
        """Apply what the appends changed: size, scroll (follow or hold), one refresh."""
        self._update_virtual_size()
        if self.following:
            self._scroll_y(self.max_scroll_y)
        elif self._anchor is not None:
            self._scroll_y(self.buffer.visible_index(self._anchor))
        self._anchor = None
        self.refresh()

    def reset_view(self) -> None:
        """After the visible set changed (filter, clear): back to the line held by
        `before_append` (called before the change), or the end when following."""
        self.invalidate()
        self.sync()

    def invalidate(self) -> None:
        """Drop the rendered rows (an option or the search changed)."""
        self._rows.clear()
        self._layout_key = None
        self.refresh()

    def discard(self, line_id: int | None) -> None:
        if line_id is not None:
            self._rows.discard(line_id)
            self._layout_key = None

    # -- follow and scroll -------------------------------------------------------------------

    def follow(self) -> None:
        self.following = True
        self.new_count = 0
        self._anchor = None
        self._scroll_y(self.max_scroll_y)
        self.refresh()

    def pause(self) -> None:
        self.following = False

    def show_index(self, index: int) -> None:
        """Bring a visible line on screen (a third of the way down), pausing the follow."""
        self.following = False
        page = self._page
        top = self._top_index()
        if not top <= index < top + page - 1 or self._at_end:
            self._scroll_y(max(0, index - page // 3))
        self.refresh()

    def action_scroll_end(self) -> None:
        self.follow()

    def action_scroll_home(self) -> None:
        self.following = False
        self._scroll_y(0)

    def _scroll_y(self, y: float) -> None:
        self._internal = True
        try:
            self.scroll_to(y=y, animate=False)
        finally:
            self._internal = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._internal and self.is_mounted:  # the user scrolled: follow at the end
            self._anchor = None
            was = self.following
            self.following = self._shows_end(round(new_value))
            if self.following and not was:
                self.new_count = 0

    def _shows_end(self, top: int) -> bool:
        if top >= self.max_scroll_y:
            return True
        if not self._multi_row:
            return False
        self._build_layout(top)
        return self._at_end

    @property
    def _multi_row(self) -> bool:
        return self.wrap or self.json_mode == JSON_INDENT

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _top_index(self) -> int:
        if self._anchor is not None:
            return self.buffer.visible_index(self._anchor)
        return round(self.scroll_y)

    @property
    def _source_width(self) -> int:
        buffer = self.buffer
        return buffer.source_width if self.full_sources else buffer.short_width

    def _update_virtual_size(self) -> None:
        count = self.buffer.visible_count
        if self._multi_row:
            width = self.scrollable_content_region.width
            self.virtual_size = Size(width, count + self._page - 1 if count else 0)
        else:
            source = min(self._source_width, MAX_SOURCE_WIDTH) + 1
            prefix = (13 if self.timestamps else 0) + source
            self.virtual_size = Size(prefix + self._text_width, count)

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self.invalidate()

    def _on_resize(self, event: events.Resize) -> None:
        if self.wrap:
            self._rows.clear()
        self._layout_key = None
        self._update_virtual_size()

    def _row_styles(self) -> RowStyles:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = RowStyles(
                base=self.rich_style,
                timestamp=get("log-lines--timestamp", partial=True),
                match=get("log-lines--match", partial=True),
                current=get("log-lines--current", partial=True),
                gap=get("log-lines--gap", partial=True),
            )
        return self._styles

    def _options(self) -> RenderOptions:
        return RenderOptions(
            width=self.scrollable_content_region.width,
            timestamps=self.timestamps,
            wrap=self.wrap,
            json_mode=self.json_mode,
            source_width=self._source_width,
            full_sources=self.full_sources,
            local_time=self.local_time,
            search=self.buffer.search,
            ansi=self.ansi,
        )

    def _rows_of(self, line_id: int, options: RenderOptions) -> list[Strip]:
        rows = self._rows.get(line_id)
        if rows is None:
            line = self.buffer.line(line_id)
            current = line_id == self.current_match
            rows = render_rows(line, options, self._row_styles(), self.app.console, current)
            if not self.wrap:
                longest = max(row.cell_length for row in rows)
                if longest > self.virtual_size.width:  # a wider line than estimated
                    self.call_later(self._widen, longest)
            self._rows[line_id] = rows
        return rows if self._multi_row else rows[:1]

    def _widen(self, width: int) -> None:
        if width > self.virtual_size.width:
            self.virtual_size = Size(width, self.virtual_size.height)

    def _build_layout(self, top: int) -> list[Strip]:
        """The rows on screen, from line `top` down (or, if those run out, up from the end)."""
        buffer, page = self.buffer, self._page
        key = (top, page, self.size.width, buffer.end_id, buffer.first_id, buffer.generation)
        if key == self._layout_key:
            return self._layout
        count = buffer.visible_count
        options = self._options()
        rows: list[Strip] = []
        index = top
        while index < count and len(rows) < page:
            rows.extend(self._rows_of(buffer.visible_id(index), options))
            index += 1
        at_end = index >= count and len(rows) <= page
        if len(rows) < page and top > 0 and self._multi_row:
            rows, index = [], count - 1
            while index >= 0 and len(rows) < page:
                rows[:0] = self._rows_of(buffer.visible_id(index), options)
                index -= 1
            rows, at_end = rows[-page:], True
        self._layout_key, self._layout, self._at_end = key, rows[:page], at_end
        return self._layout

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._row_styles().base
        if not self.buffer.visible_count:
            return self._render_empty(y, width, base)
        rows = self._build_layout(self._top_index())
        if y >= len(rows):
            return Strip.blank(width, base)
        scroll_x = 0 if self.wrap else round(self.scroll_x)
        # Not crop_extend: it caches a strip in itself when the crop is the whole strip, a
        # reference cycle per line per frame that only a full GC pass frees.
        return rows[y].extend_cell_length(scroll_x + width, base).crop(scroll_x, scroll_x + width)

    def _render_empty(self, y: int, width: int, base: Style) -> Strip:
        message = self.empty_text
        if y != self._page // 2 or not message:
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("log-lines--empty", partial=True)
        left = max(0, (width - cell_len(message)) // 2)
        line = Strip([Segment(" " * left, base), Segment(message, style)])
        return line.crop_extend(0, width, base)

"""A read-only page of styled lines (describe output, YAML): Line API, so a 10,000-line
object costs the rows on screen only; search highlights every match and moves between them.

Lines never wrap (YAML keeps its indentation readable); ←/→ scroll sideways.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

Match = tuple[int, int, int]  # line, start, end


class TextPager(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "End", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"text-pager--match", "text-pager--current"}
    DEFAULT_CSS = """
    TextPager {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .text-pager--match { background: $warning 40%; }
        & > .text-pager--current { background: $accent; color: $text; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lines: list[Text] = []
        self.matches: list[Match] = []
        self.current: int | None = None  # index into matches
        self.pattern = ""

    # ---- content -----------------------------------------------------------------------

    def set_lines(self, lines: list[Text], *, keep_position: bool = True) -> None:
        self.lines = lines
        width = max((line.cell_len for line in lines), default=0)
        self.virtual_size = Size(width, len(lines))
        if not keep_position:
            self.scroll_to(0, 0, animate=False)
        if self.pattern:
            self.search(self.pattern, move=False)
        self.refresh()

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    # ---- search ------------------------------------------------------------------------

    def search(self, pattern: str, *, move: bool = True) -> int:
        """Highlight every case-insensitive match of ``pattern`` (plain text); move to the
        first one at or below the top of the view. Returns how many matched."""
        self.pattern = pattern
        self.matches = []
        self.current = None
        if pattern:
            regex = re.compile(re.escape(pattern), re.IGNORECASE)
            for number, line in enumerate(self.lines):
                self.matches += [(number, m.start(), m.end())
                                 for m in regex.finditer(line.plain)]
        if self.matches and move:
            top = int(self.scroll_offset.y)
            self.current = next((i for i, m in enumerate(self.matches) if m[0] >= top), 0)
            self._show_current()
        self.refresh()
        return len(self.matches)

    def next_match(self, forward: bool = True) -> int | None:
        """Move to the next (previous) match, wrapping around; its 1-based number."""
        if not self.matches:
            return None
        if self.current is None:
            self.current = 0 if forward else len(self.matches) - 1
        else:
            self.current = (self.current + (1 if forward else -1)) % len(self.matches)
        self._show_current()
        self.refresh()
        return self.current + 1

    def _show_current(self) -> None:
        if self.current is None:
            return
        line, start, _ = self.matches[self.current]
        height = self.scrollable_content_region.height or 1
        y = int(self.scroll_offset.y)
        if not y <= line < y + height:
            y = max(0, line - height // 3)
        x = int(self.scroll_offset.x)
        width = self.scrollable_content_region.width or 1
        if not x <= start < x + width:
            x = max(0, start - width // 3)
        self.scroll_to(x, y, animate=False)

    # ---- rendering ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if number >= len(self.lines):
            return Strip.blank(width, base)
        text = self.lines[number]
        marks = [(i, m) for i, m in enumerate(self.matches) if m[0] == number] \
            if self.matches else []
        if marks:
            text = text.copy()
            match_style = self.get_component_rich_style("text-pager--match", partial=True)
            current_style = self.get_component_rich_style("text-pager--current", partial=True)
            for i, (_, start, end) in marks:
                text.stylize(current_style if i == self.current else match_style, start, end)
        segments = list(text.render(self.app.console, end=""))
        strip = Strip(Segment.apply_style(segments, base) if base else segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()


def styled_lines(text: Text) -> list[Text]:
    """One ``Text`` per line, styles kept (a highlighted YAML, a describe page)."""
    return list(text.split("\n", allow_blank=True))


"""Old | new side by side over a `ManifestDiff`: Line API rendering of only the rows on screen.

Row 0 is a fixed label line ("old" | "new"); below it one screen line per diff row (object
headers, aligned line pairs, fold rows). A strip is built when its row scrolls into view
and cached per (row, cursor) until the width, the theme, the focus or the diff changes, so a
10k-line diff costs what a screenful costs. A cursor row (its line numbers highlighted) is
what ``n``/``N``/``r``/``R`` move and what Enter expands when it is a fold.
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
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ccseone_tui.i18n import t
from ccseone_tui.templates.diff import Fold, ManifestDiff
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.diff_render import SEPARATOR, DiffStyles, cell, render_row

__all__ = ["DiffView"]

_CACHE_SIZE = 512


def _b(key: str, action: str, description: str = "", *, show: bool = True,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, key_display=key_display,
                   id=f"diff-view.{action}")


class DiffView(ScrollView, can_focus=True):
    """A side-by-side diff: line numbers, red/green rows, intra-line spans, folds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("n,right_square_bracket", "next_change", "diff.key.next", key_display="n"),
        _b("N,left_square_bracket", "previous_change", "diff.key.previous", key_display="N"),
        _b("r", "next_resource", "diff.key.next_resource"),
        _b("R", "previous_resource", "diff.key.previous_resource", show=False),
        _b("z", "toggle_folding", "diff.key.fold"),
        _b("u", "toggle_unified", "diff.key.unified"),
        _b("enter", "expand", "diff.key.expand", show=False),
        _b("down,j", "cursor_down", show=False),
        _b("up,k", "cursor_up", show=False),
        _b("pagedown,space", "page_down", show=False),
        _b("pageup", "page_up", show=False),
        _b("home,g", "first", show=False),
        _b("end,G", "last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--gutter", "diff-view--removed", "diff-view--removed-span",
        "diff-view--added", "diff-view--added-span", "diff-view--filler",
        "diff-view--header", "diff-view--header-dim", "diff-view--fold", "diff-view--labels",
        "diff-view--cursor", "diff-view--separator", "diff-view--empty",
    }

    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .diff-view--gutter { color: $text-muted; }
        & > .diff-view--removed { background: $error 18%; }
        & > .diff-view--removed-span { background: $error 55%; text-style: bold; }
        & > .diff-view--added { background: $success 18%; }
        & > .diff-view--added-span { background: $success 55%; text-style: bold; }
        & > .diff-view--filler { background: $foreground 4%; color: $foreground 20%; }
        & > .diff-view--header { background: $panel; color: $text-accent; text-style: bold; }
        & > .diff-view--header-dim { background: $panel; color: $text-muted; }
        & > .diff-view--fold { background: $primary 10%; color: $text-muted; }
        & > .diff-view--labels { background: $panel; color: $foreground; text-style: bold; }
        & > .diff-view--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .diff-view--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .diff-view--separator { color: $foreground 25%; }
        & > .diff-view--empty { color: $text-muted; text-style: italic; }
    }
    """

    class Moved(Message):
        """The cursor is on another row (a key, a click, a jump or a new diff)."""

        def __init__(self, view: DiffView, row: int, resource: int) -> None:
            super().__init__()
            self.view, self.row, self.resource = view, row, resource

        @property
        def control(self) -> DiffView:
            return self.view

    def __init__(self, diff: ManifestDiff | None = None, *, old_label: str = "",
                 new_label: str = "", empty_text: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        self._strips: LRUCache[tuple[int, bool], Strip] = LRUCache(_CACHE_SIZE)
        super().__init__(id=id, classes=classes)
        localize_bindings(self)
        self.old_label = old_label or t("diff.old")
        self.new_label = new_label or t("diff.new")
        self.empty_text = empty_text or t("diff.empty")
        self._computed: ManifestDiff | None = None  # as diff_manifests made it (folded)
        self._variants: dict[tuple[bool, bool], ManifestDiff] = {}  # (folded, unified)
        self._fold_all = True
        self._unified = False
        self._diff: ManifestDiff | None = None  # what is shown
        self._cursor = 0
        self._posted: tuple[int, int] | None = None
        self._styles: DiffStyles | None = None
        self._number_width = 3
        self._width = 0
        if diff is not None:
            self.set_diff(diff)

    # -- public API --------------------------------------------------------------------------

    @property
    def diff(self) -> ManifestDiff | None:
        return self._diff

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def folded(self) -> bool:
        """True while unchanged stretches are folded (``z`` toggles)."""
        return self._fold_all

    @property
    def unified(self) -> bool:
        """True in the one-column view (``u`` toggles)."""
        return self._unified

    @property
    def top_row(self) -> int:
        """The diff row at the top of the viewport."""
        return round(self.scroll_y)

    @property
    def page(self) -> int:
        """Diff rows that fit under the label line."""
        return max(1, self.scrollable_content_region.height - 1)

    def set_diff(self, diff: ManifestDiff) -> None:
        self._computed = diff
        self._variants = {(True, False): diff}
        self._fold_all, self._unified = True, False
        digits = max((max(len(o.old_lines), len(o.new_lines)) for o in diff.objects), default=0)
        self._number_width = max(3, len(str(digits)))
        self._show(diff, 0, reset=True)

    def move_cursor(self, row: int, *, third: bool = False) -> None:
        """Put the cursor on a row (clamped) and bring it into view; ``third``: a third of
        the page down, so a change shows with the lines above it."""
        count = len(self._diff.rows) if self._diff else 0
        row = max(0, min(row, count - 1))
        if row != self._cursor:
            self._strips.discard((self._cursor, True))
            self._strips.discard((row, True))
            self._cursor = row
        self._scroll_to_cursor(third)
        self.refresh()
        self._post_moved()

    def jump_to_resource(self, index: int) -> None:
        """The cursor to an object's header row, at the top of the view."""
        if self._diff and 0 <= index < len(self._diff.resources):
            row = self._diff.resources[index].row
            self.move_cursor(row)
            self._scroll_y_to(row)

    def change_index(self) -> int | None:
        """1-based number of the change block the cursor is in or just after; None before
        the first."""
        if not self._diff:
            return None
        before = [c for c in self._diff.changes if c <= self._cursor]
        return len(before) or None

    # -- showing -----------------------------------------------------------------------------

    def _show(self, diff: ManifestDiff, cursor: int, *, reset: bool = False) -> None:
        self._diff = diff
        self._posted = None  # the status line follows folding too
        self._strips.clear()
        self._cursor = max(0, min(cursor, len(diff.rows) - 1))
        self.virtual_size = Size(self._width or self.size.width, len(diff.rows) + 1)
        if reset:
            self._scroll_y_to(0)
        self._scroll_to_cursor(False)
        self.refresh()
        self._post_moved()

    def _anchor(self, row: int) -> tuple[int, int | None, int | None, str]:
        item = self._diff.rows[row] if self._diff and self._diff.rows else None
        if item is None:
            return (0, None, None, "")
        if isinstance(item, Fold):
            return (item.resource, item.left_start + 1, item.right_start + 1, "equal")
        return (item.resource, item.left_no, item.right_no, item.tag)

    def _find(self, diff: ManifestDiff, anchor: tuple[int, int | None, int | None, str]) -> int:
        """The row of ``diff`` showing the anchored line (or the fold hiding it)."""
        resource, left, right, tag = anchor
        start = diff.resources[resource].row if resource < len(diff.resources) else 0
        for r in range(start, len(diff.rows)):
            item = diff.rows[r]
            if item.resource != resource:
                break
            if isinstance(item, Fold):
                if left is not None and item.left_start < left <= item.left_start + item.hidden:
                    return r
            elif item.tag == tag and item.left_no == left and item.right_no == right:
                return r
            elif tag == "replace" and item.tag == "delete" and item.left_no == left:
                return r  # side by side -> unified: the old line of the pair
            elif tag in ("delete", "insert") and item.tag == "replace" and (
                    item.left_no == left if tag == "delete" else item.right_no == right):
                return r  # unified -> side by side
        return start

    def _scroll_to_cursor(self, third: bool) -> None:
        top, page, row = self.top_row, self.page, self._cursor
        if third and not top <= row < top + page - 2:
            self._scroll_y_to(max(0, row - page // 3))
        elif row < top:
            self._scroll_y_to(row)
        elif row >= top + page:
            self._scroll_y_to(row - page + 1)

    def _scroll_y_to(self, y: int) -> None:
        if self.is_attached:
            self.scroll_to(y=y, animate=False, immediate=True)

    def on_mount(self) -> None:
        self._post_moved()

    def _post_moved(self) -> None:
        if self._diff is None or not self._diff.rows or not self.is_attached:
            return
        here = (self._cursor, self._diff.resource_at(self._cursor))
        if here != self._posted:
            self._posted = here
            self.post_message(self.Moved(self, *here))

    # -- actions -----------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_page_down(self) -> None:
        self._scroll_y_to(self.top_row + self.page)
        self.move_cursor(self._cursor + self.page)

    def action_page_up(self) -> None:
        self._scroll_y_to(self.top_row - self.page)
        self.move_cursor(self._cursor - self.page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._diff.rows) - 1 if self._diff else 0)

    def action_next_change(self) -> None:
        if self._diff:
            after = [c for c in self._diff.changes if c > self._cursor]
            if after:
                self.move_cursor(after[0], third=True)
            elif self._diff.changes:
                self.app.bell()

    def action_previous_change(self) -> None:
        if self._diff:
            # from inside a block, its own start first
            before = [c for c in self._diff.changes if c < self._cursor]
            if before:
                self.move_cursor(before[-1], third=True)
            elif self._diff.changes:
                self.app.bell()

    def action_next_resource(self) -> None:
        if self._diff and self._diff.resources:
            here = self._diff.resource_at(self._cursor)
            self.jump_to_resource(min(here + 1, len(self._diff.resources) - 1))

    def action_previous_resource(self) -> None:
        if self._diff and self._diff.resources:
            here = self._diff.resource_at(self._cursor)
            header = self._diff.resources[here].row
            self.jump_to_resource(here if self._cursor > header else max(0, here - 1))

    def action_toggle_folding(self) -> None:
        """Every fold open, or all folded again; the cursor stays on its line."""
        self._switch(not self._fold_all, self._unified)

    def action_toggle_unified(self) -> None:
        """Side by side, or one column (old lines then new lines per change)."""
        self._switch(self._fold_all, not self._unified)

    def _variant(self, folded: bool, unified: bool) -> ManifestDiff | None:
        if self._computed is None:
            return None
        key = (folded, unified)
        if key not in self._variants:
            if unified:  # from the side-by-side rows of the same folding
                base = self._variant(folded, False)
                if base is None:
                    return None
                self._variants[key] = base.as_unified()
            else:  # (True, False) is the computed diff itself
                self._variants[key] = self._computed.unfolded()
        return self._variants[key]

    def _switch(self, folded: bool, unified: bool) -> None:
        if self._diff is None:
            return
        anchor = self._anchor(self._cursor)
        screen_line = self._cursor - self.top_row
        self._fold_all, self._unified = folded, unified
        target = self._variant(folded, unified)
        if target is None:
            return
        self._show(target, self._find(target, anchor))
        self._scroll_y_to(max(0, self._cursor - max(0, screen_line)))

    def action_expand(self) -> None:
        """Enter on a fold: its lines replace it (the other folds stay)."""
        if self._diff is None or not self._diff.rows:
            return
        if isinstance(self._diff.rows[self._cursor], Fold):
            expanded = self._diff.expand(self._cursor)
            self._show(expanded, self._cursor)  # z later folds all from the computed diff

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0 or self._diff is None:
            return
        event.stop()
        row = self.top_row + offset.y - 1
        if row >= len(self._diff.rows):
            return
        if row == self._cursor:
            self.action_expand()
        else:
            self.move_cursor(row)

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._styles = None
        self._strips.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._styles = None
        self._strips.clear()
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._width = self.scrollable_content_region.width
        rows = len(self._diff.rows) if self._diff else 0
        self.virtual_size = Size(self._width, rows + 1)

    def _row_styles(self) -> DiffStyles:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = DiffStyles(
                base=self.rich_style, gutter=get("diff-view--gutter"),
                removed=get("diff-view--removed"), removed_span=get("diff-view--removed-span"),
                added=get("diff-view--added"), added_span=get("diff-view--added-span"),
                filler=get("diff-view--filler"), header=get("diff-view--header"),
                header_dim=get("diff-view--header-dim"), fold=get("diff-view--fold"),
                labels=get("diff-view--labels"), cursor=get("diff-view--cursor"),
                separator=get("diff-view--separator"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._row_styles()
        if y == 0:
            return self._label_strip(width, styles)
        diff = self._diff
        if diff is None or not diff.rows:
            return self._render_empty(y, width, styles.base)
        row = self.top_row + y - 1
        if row >= len(diff.rows):
            return Strip.blank(width, styles.base)
        key = (row, row == self._cursor)
        strip = self._strips.get(key)
        if strip is None:
            strip = render_row(diff, diff.rows[row], width, self._number_width, styles,
                               cursor=key[1], unified=self._unified)
            self._strips[key] = strip
        return strip

    def _label_strip(self, width: int, styles: DiffStyles) -> Strip:
        if self._unified:
            gutter = " " * (2 * self._number_width + 4)
            text = f"{gutter}--- {self.old_label}   +++ {self.new_label}"
            return Strip(cell(text, width, styles.labels))
        left_w = (width - 1) // 2
        gutter = self._number_width + 3
        segments = [
            *cell(" " * gutter + self.old_label, left_w, styles.labels),
            Segment(SEPARATOR, styles.labels),
            *cell(" " * gutter + self.new_label, width - 1 - left_w, styles.labels),
        ]
        return Strip(segments).extend_cell_length(width, styles.labels).crop(0, width)

    def _render_empty(self, y: int, width: int, base: Style) -> Strip:
        if y != max(1, self.scrollable_content_region.height // 2):
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("diff-view--empty", partial=True)
        text = self.empty_text
        left = max(0, (width - cell_len(text)) // 2)
        return Strip([Segment(" " * left, base), Segment(text, style)]).crop_extend(0, width,
                                                                                    base)

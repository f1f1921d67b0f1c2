"""The footer, with quit and help first when the keys do not all fit: Textual cuts the
footer from the right, and ``q`` and ``F1`` (bound on the app, so listed last) must never
be the keys lost on a small terminal. When everything fits the order is Textual's."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup  # what Footer composes

FIRST_ACTIONS: tuple[str, ...] = ("quit", "help")


class ShellFooter(Footer):
    FIRST: ClassVar[tuple[str, ...]] = FIRST_ACTIONS

    def __init__(self) -> None:
        super().__init__()
        self._moved = False
        self._shown: tuple[object, ...] | None = None  # the bindings of the last compose
        self.recomposes = 0  # tests check that unchanged bindings cost none

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose only when what the footer lists changed. Textual rebuilds every key on
        each bindings signal — a focus move, a ``refresh_bindings`` — and a view loading
        rows sent ~10 in a row with the same keys (~10% of the Fleet view's load CPU at
        1,000 clusters, one ~220 ms freeze at a section switch)."""
        if self._bindings_ready and self.is_attached and screen is self.screen:
            if self._signature(screen) == self._shown:
                return
        super().bindings_changed(screen)

    @staticmethod
    def _signature(screen: Screen[object]) -> tuple[object, ...]:
        return tuple((binding, enabled, tooltip)
                     for _node, binding, enabled, tooltip in screen.active_bindings.values())

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._signature(self.screen)
            self.recomposes += 1
        return super().compose()

    async def recompose(self) -> None:
        await super().recompose()
        self._moved = False
        self._keep_first_visible()

    def on_mount(self) -> None:
        super().on_mount()
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        super().on_unmount()
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, top: Screen[object]) -> None:
        """Behind a dialog the footer hides: the keys it lists would be the screen's behind,
        not the dialog's (which names its own keys)."""
        if self.is_attached:
            self.display = top is self.screen

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._keep_first_visible)

    def _wanted_width(self) -> int:
        """What every key needs, from its text (" k desc "): known before the layout."""
        width = 0
        for key in self.query(FooterKey):
            if key.has_class("-grouped"):  # "12345678 sections": keys side by side
                width += cell_len(key.key_display)
                continue
            width += cell_len(key.key_display) + 2
            if key.description:
                width += cell_len(key.description) + 1
        for label in self.query(FooterLabel):
            width += cell_len(str(label.content)) + 1  # its right margin
        return width + 2 * len(self.query(KeyGroup))  # each group: a padding, a margin

    def _keep_first_visible(self) -> None:
        if not self.is_attached or not self.size.width:
            return
        fits = self._wanted_width() <= self.size.width
        if self._moved and fits:  # wider again: Textual's order
            self.refresh(recompose=True)
        elif not self._moved and not fits:
            first = [k for k in self.query_children(FooterKey) if k.action in self.FIRST]
            for key in sorted(first, key=lambda k: self.FIRST.index(k.action), reverse=True):
                self.move_child(key, before=0)
            self._moved = True

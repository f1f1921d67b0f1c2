"""The common part of the describe and YAML screens: one object's text in a `TextPager`, with
a title naming the object and its cluster, a status line, search (``/``, ``n``, ``N``),
copy (``c``, or ``Y`` as in the Fleet view), edit (``e``), refresh (``r``) and Esc back.

The text is read in a worker (``load``, the subclass's service call); a failure is said on
the status line of the screen itself (the object may be gone: the user reads why there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.text_pager import TextPager

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def object_title(what: str, ref: ObjectRef) -> Text:
    """``Describe › east-1 · deployments default/web``"""
    where = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return Text.assemble((what, "bold"), " › ", (ref.cluster, "bold cyan"), " · ",
                         (ref.info.plural, "bold"), " ", (where, "bold"))


class ResourceTextScreen(Screen[None]):
    """Subclasses set ``WHAT`` (the title's first word, an i18n key) and ``load``."""

    WHAT = ""
    DEFAULT_CSS = """
    ResourceTextScreen #res-text-status { height: 1; color: $text-muted; }
    ResourceTextScreen #res-text-status.-error { color: $error; }
    ResourceTextScreen #res-search { display: none; }
    ResourceTextScreen #res-search.-open { display: block; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back", id="res-text.back"),
        Binding("r", "refresh", "key.refresh", id="res-text.refresh"),
        Binding("slash", "search", "res_ui.key.search", key_display="/", id="res-text.search"),
        Binding("n", "next_match", "res_ui.key.next", id="res-text.next"),
        Binding("N", "previous_match", "res_ui.key.previous", show=False,
                id="res-text.previous"),
        Binding("c,Y", "copy", "res_ui.key.copy", key_display="c", id="res-text.copy"),
        Binding("e", "edit", "console.key.edit", id="res-text.edit"),
    ]

    class Loaded(Message):
        def __init__(self, text: str | None, error: BaseException | None = None) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, ref: ObjectRef) -> None:
        super().__init__()  # no fixed id: describe → YAML → describe … may stack the same kind
        localize_bindings(self)
        self.ref = ref
        self.text: str | None = None  # the last text read
        self.error: BaseException | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(object_title(t(self.WHAT), self.ref), classes="detail-title",
                         id="res-text-title")
            yield TextPager(id="res-text")
            yield Input(id="res-search", placeholder=t("res_ui.search.placeholder"),
                        compact=True)
            yield Static(t("res_ui.loading"), id="res-text-status", markup=False)
        yield ShellFooter()  # hidden behind a dialog

    @property
    def pager(self) -> TextPager:
        return self.query_one(TextPager)

    def on_mount(self) -> None:
        self.pager.focus()
        self.action_refresh()

    # ---- loading -----------------------------------------------------------------------

    async def load(self) -> str:
        raise NotImplementedError

    def render_text(self, text: str) -> list[Text]:
        """The lines to show for ``text`` (subclasses style them)."""
        return [Text(line) for line in text.split("\n")]

    def action_refresh(self) -> None:
        workers.start(self, self._load(), name=f"load:{type(self).__name__}:{self.ref.key}",
                      group="load", exclusive=True,
                      description=t("res_ui.worker.load", ref=str(self.ref)))

    async def _load(self) -> None:
        try:
            text = await self.load()
        except (CcseoneError, OSError) as exc:
            self.post_message(self.Loaded(None, exc))
        else:
            self.post_message(self.Loaded(text))

    def on_resource_text_screen_loaded(self, message: Loaded) -> None:
        message.stop()
        self.error = message.error
        if message.text is not None:
            first = self.text is None
            self.text = message.text
            self.pager.set_lines(self.render_text(message.text), keep_position=not first)
        self.update_status()

    def status_text(self) -> str:
        """The status line's words once loaded (subclasses add theirs)."""
        return t("res_ui.lines", count=len(self.pager.lines))

    def update_status(self, note: str = "") -> None:
        status = self.query_one("#res-text-status", Static)
        if self.error is not None:
            text = str(self.error)
        else:
            parts = [self.status_text()]
            if self.pager.pattern:
                count = len(self.pager.matches)
                index = self.pager.current
                parts.append(t("res_ui.search.none", pattern=self.pager.pattern) if not count
                             else t("res_ui.search.matches", index=(index or 0) + 1,
                                    count=count, pattern=self.pager.pattern))
            if note:
                parts.append(note)
            text = " · ".join(parts)
        status.set_class(self.error is not None, "-error")
        status.update(text)

    # ---- search ------------------------------------------------------------------------

    @property
    def search_input(self) -> Input:
        return self.query_one("#res-search", Input)

    def action_search(self) -> None:
        field = self.search_input
        field.value = self.pager.pattern
        field.add_class("-open")
        field.focus()

    @on(Input.Submitted, "#res-search")
    def _searched(self, event: Input.Submitted) -> None:
        event.stop()
        self.pager.search(event.value.strip())
        self._close_search()
        self.update_status()

    def _close_search(self) -> None:
        self.search_input.remove_class("-open")
        self.pager.focus()

    def action_next_match(self) -> None:
        self.pager.next_match(True)
        self.update_status()

    def action_previous_match(self) -> None:
        self.pager.next_match(False)
        self.update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_match", "previous_match", "copy", "edit") and \
                self.search_input.has_class("-open"):
            return False  # typed into the search box
        return True

    # ---- actions -----------------------------------------------------------------------

    def copy_text(self) -> str:
        return self.text or ""

    def action_copy(self) -> None:
        from ccseone_tui.ui import resource_actions

        resource_actions.copy(self.shell, self.copy_text(), t(self.WHAT))

    def action_edit(self) -> None:
        from ccseone_tui.ui import resource_actions

        resource_actions.edit(self.shell, self.ref, on_done=self.action_refresh)

    def action_back(self) -> None:
        if self.search_input.has_class("-open"):
            self._close_search()
            return
        self.dismiss(None)

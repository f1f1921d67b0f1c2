"""The one log view: a status line, the virtual lines and an input row that appears on demand.

Producers (workers) post ``LogView.Batch(lines)``; the handler appends to the ring buffer at
once (cheap) but the screen is brought up to date at most ``FLUSH_HZ`` times a second, so a
stream of 20k lines/s costs 30 refreshes, not 20k. A producer that wants back-pressure checks
``accepting`` (the view's message queue is short) before posting its next batch.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.log_buffer import (
    JSON_COMPACT,
    JSON_INDENT,
    JSON_OFF,
    LogBuffer,
    LogLine,
    compile_pattern,
    write_atomic,
)
from ccseone_tui.ui.widgets.log_lines import LogLines
from ccseone_tui.ui.widgets.log_status import build_status

__all__ = ["LogLine", "LogView", "write_atomic"]

SINCE_CHOICES: tuple[int | None, ...] = (60, 300, 900, 3600, None)
TAIL_CHOICES: tuple[int | None, ...] = (100, 1000, 10_000, None)
FLUSH_HZ = 30
MAX_BACKLOG = 16


def _b(key: str, action: str, description: str, *, show: bool = True, id: str = "",
       **kw: str) -> Binding:
    return Binding(key, action, description, show=show, id=f"log-view.{id or action}", **kw)


class LogView(Vertical):
    """A live tail of many sources: follow/pause, filter, search, save; bounded memory."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("p,space", "toggle_follow", "logs.key.follow", key_display="p"),
        _b("G,end", "follow", "logs.key.end", show=False, key_display="G"),
        _b("g", "top", "logs.key.top", show=False),
        _b("slash", "open_input('filter')", "logs.key.filter", key_display="/", id="filter"),
        _b("f,ctrl+f", "open_input('search')", "logs.key.search", key_display="f", id="search"),
        _b("n", "next_match", "logs.key.next"),
        _b("N", "previous_match", "logs.key.previous", show=False),
        _b("t", "toggle_timestamps", "logs.key.timestamps"),
        _b("w", "toggle_wrap", "logs.key.wrap"),
        _b("j", "cycle_json", "logs.key.json"),
        _b("A", "toggle_ansi", "logs.key.ansi", show=False),
        _b("F", "toggle_full_sources", "logs.key.full_sources", show=False),
        _b("T", "cycle_since", "logs.key.since"),
        _b("L", "cycle_tail", "logs.key.tail", show=False),
        _b("o", "cycle_source", "logs.key.sources", show=False),
        _b("c", "clear", "logs.key.clear"),
        _b("s", "open_input('save')", "logs.key.save", id="save"),
        _b("S", "open_input('save_all')", "logs.key.save_all", show=False, id="save-all"),
        _b("escape", "leave_input", "logs.key.leave", show=False),
    ]

    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        & > .log-view--status { height: 1; padding: 0 1; background: $panel; color: $foreground; }
        & > .log-view--status.-error { color: $error; }
        & > Input.log-view--input { display: none; }
        & > Input.log-view--input.-open { display: block; }
    }
    """

    class Batch(Message, bubble=False):
        """Lines from a producer, posted to the view (never line by line)."""

        def __init__(self, lines: Sequence[LogLine], epoch: int | None = None) -> None:
            super().__init__()
            self.lines = lines
            self.epoch = epoch  # the view's epoch when the producer started; None: any

    class SinceChanged(Message):
        """The user picked another time range (seconds, ``None``: all): re-stream."""

        def __init__(self, view: LogView, seconds: int | None) -> None:
            super().__init__()
            self.view, self.seconds = view, seconds

        @property
        def control(self) -> LogView:
            return self.view

    class TailChanged(Message):
        """The user picked another tail size (lines, ``None``: all): re-stream."""

        def __init__(self, view: LogView, lines: int | None) -> None:
            super().__init__()
            self.view, self.lines = view, lines

        @property
        def control(self) -> LogView:
            return self.view

    def __init__(
        self,
        *,
        max_lines: int = 50_000,
        since: int | None = None,
        tail: int | None = None,
        save_path: str | Path | None = None,
        local_time: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        localize_bindings(self)
        self.buffer = LogBuffer(max_lines)
        self.since, self.tail = since, tail
        self.save_path = Path(save_path) if save_path is not None else None
        self.flush_count = 0
        """Screen updates so far (for benches: at most ``FLUSH_HZ`` a second)."""
        self.epoch = 0
        """Bumped by ``clear()``; producers stamp their batches with it (``Batch.epoch``)."""
        self.message = ""
        self._message_is_error = False
        self._lines = LogLines(self.buffer, local_time=local_time)
        self._lines.empty_text = t("logs.empty")
        self._status = Static("", classes="log-view--status", markup=False)
        self._input = Input(classes="log-view--input", compact=True)
        self._mode = ""
        self._flush_timer: Timer | None = None
        self._last_flush = 0.0
        self._status_plain = ""

    def compose(self) -> ComposeResult:
        yield self._status
        yield self._lines
        yield self._input

    def on_mount(self) -> None:
        self.flush()

    @property
    def lines(self) -> LogLines:
        return self._lines

    # -- feeding -----------------------------------------------------------------------------

    def write_lines(self, lines: Iterable[LogLine]) -> None:
        """Append a batch; the screen catches up within 1/FLUSH_HZ s."""
        batch = lines if isinstance(lines, list) else list(lines)
        self._lines.before_append()
        shown = self.buffer.append(batch)
        self._lines.after_append(batch, shown)
        self._schedule_flush()

    def mark_gap(self, source: str, reason: str) -> None:
        """A visible marker where a stream broke, e.g. ``── sandbox-2 unreachable: … ──``."""
        text = t("logs.gap", source=source, reason=reason)
        self.write_lines([LogLine(source, text, time.time(), gap=True)])

    def on_log_view_batch(self, message: Batch) -> None:
        message.stop()
        # a batch queued by the previous source before clear() must not leak into the new one
        if message.epoch is None or message.epoch == self.epoch:
            self.write_lines(message.lines)

    @property
    def accepting(self) -> bool:
        """False while batches queue up faster than the view takes them: wait, then post."""
        return self.message_queue_size < MAX_BACKLOG

    def _schedule_flush(self) -> None:
        if self._flush_timer is None and self.is_mounted:
            # never 0: a zero-interval Timer divides by its interval when it runs late
            delay = max(0.001, self._last_flush + 1 / FLUSH_HZ - time.monotonic())
            self._flush_timer = self.set_timer(delay, self.flush, name="log-view-flush")

    def flush(self) -> None:
        """Bring the screen up to date with the buffer now."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        self._last_flush = time.monotonic()
        self.flush_count += 1
        self._lines.sync()
        self._update_status()

    def clear(self) -> None:
        self.epoch += 1
        self.buffer.clear()
        self._lines.current_match = None
        self._lines.following = True
        self._lines.new_count = 0
        self._lines.reset_view()
        self._update_status()

    # -- state -------------------------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._lines.following

    @property
    def new_count(self) -> int:
        return self._lines.new_count

    @property
    def status_text(self) -> str:
        return self._status_plain

    def set_filter(self, pattern: str) -> bool:
        """Show only lines matching the regex; an invalid one is reported and changes nothing."""
        try:
            compile_pattern(pattern)
        except re.error as error:
            return self._say(t("logs.invalid_filter", pattern=pattern, error=error), error=True)
        self._lines.before_append()
        self.buffer.set_filter(pattern)
        self._lines.empty_text = t("logs.no_line_matches" if pattern else "logs.empty")
        self._lines.reset_view()
        return self._say("")

    def set_sources(self, sources: Collection[str] | None) -> None:
        """Show only these sources (a cluster keeps its pods' lines); ``None``: all."""
        self._lines.before_append()
        self.buffer.set_sources(sources)
        self._lines.reset_view()
        self._update_status()

    def set_search(self, pattern: str) -> bool:
        try:
            self.buffer.set_search(pattern)
        except re.error as error:
            return self._say(t("logs.invalid_search", pattern=pattern, error=error), error=True)
        self._lines.current_match = None
        self._lines.invalidate()
        return self._say("")

    def next_match(self, forward: bool = True) -> int | None:
        """Move to the next (or previous) match from the current one or the top line."""
        buffer, lines = self.buffer, self._lines
        here = lines.current_match
        if here is None and buffer.visible_count:
            top = buffer.visible_id(min(round(lines.scroll_y), buffer.visible_count - 1))
            here = top - 1 if forward else top
        found = buffer.next_match(here) if forward else buffer.previous_match(here)
        if found is None:
            if buffer.search is not None:
                self._say(t("logs.no_match", pattern=buffer.search.pattern), error=True)
            return None
        lines.discard(lines.current_match)
        lines.current_match = found
        lines.discard(found)
        lines.show_index(buffer.visible_index(found))
        self._say("")
        return found

    def set_since(self, seconds: int | None) -> None:
        """Pick the time range; the buffer is cleared and the source re-streams."""
        self.since = seconds
        self.clear()
        self.post_message(self.SinceChanged(self, seconds))

    def set_tail(self, lines: int | None) -> None:
        self.tail = lines
        self.clear()
        self.post_message(self.TailChanged(self, lines))

    def set_option(self, *, timestamps: bool | None = None, wrap: bool | None = None,
                   json_mode: int | None = None, ansi: bool | None = None,
                   full_sources: bool | None = None) -> None:
        view = self._lines
        view.before_append()
        if timestamps is not None:
            view.timestamps = timestamps
        if wrap is not None:
            view.wrap = wrap
        if json_mode is not None:
            view.json_mode = json_mode
        if ansi is not None:
            view.ansi = ansi
        if full_sources is not None:
            view.full_sources = full_sources
        view.invalidate()
        view.sync()
        self._update_status()

    def save(self, path: str | Path, *, filtered: bool = True) -> int:
        """Write the shown lines (or the whole buffer) to ``path`` atomically; the count."""
        return write_atomic(Path(path), self.buffer.export(visible_only=filtered))

    def default_save_path(self) -> Path:
        if self.save_path is not None:
            return self.save_path
        return Path.cwd() / time.strftime("ccseone-logs-%Y%m%d-%H%M%S.log")

    # -- actions -----------------------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        if self._lines.following:
            self._lines.pause()
        else:
            self._lines.follow()
        self._update_status()

    def action_follow(self) -> None:
        self._lines.follow()
        self._update_status()

    def action_top(self) -> None:
        self._lines.action_scroll_home()
        self._update_status()

    def action_next_match(self) -> None:
        self.next_match(True)

    def action_previous_match(self) -> None:
        self.next_match(False)

    def action_toggle_timestamps(self) -> None:
        self.set_option(timestamps=not self._lines.timestamps)

    def action_toggle_wrap(self) -> None:
        self.set_option(wrap=not self._lines.wrap)

    def action_toggle_full_sources(self) -> None:
        """Whole ``cluster/pod/container`` prefixes, or the short stern-style ones."""
        self.set_option(full_sources=not self._lines.full_sources)

    def action_toggle_ansi(self) -> None:
        self.set_option(ansi=not self._lines.ansi)

    def action_cycle_json(self) -> None:
        order = (JSON_OFF, JSON_COMPACT, JSON_INDENT)
        self.set_option(json_mode=order[(order.index(self._lines.json_mode) + 1) % 3])

    def action_cycle_since(self) -> None:
        index = SINCE_CHOICES.index(self.since) if self.since in SINCE_CHOICES else -1
        self.set_since(SINCE_CHOICES[(index + 1) % len(SINCE_CHOICES)])

    def action_cycle_tail(self) -> None:
        index = TAIL_CHOICES.index(self.tail) if self.tail in TAIL_CHOICES else -1
        self.set_tail(TAIL_CHOICES[(index + 1) % len(TAIL_CHOICES)])

    def action_cycle_source(self) -> None:
        """All sources, then each source seen alone, then all again."""
        known = self.buffer.known_sources()
        current = self.buffer.sources
        index = -1
        if current is not None and len(current) == 1 and next(iter(current)) in known:
            index = known.index(next(iter(current)))
        self.set_sources(None if index + 1 >= len(known) else {known[index + 1]})

    def action_clear(self) -> None:
        self.clear()

    def action_open_input(self, mode: str) -> None:
        self._mode = mode
        field = self._input
        if mode == "filter":
            field.value = self.buffer.filter.pattern if self.buffer.filter else ""
        elif mode == "search":
            field.value = self.buffer.search.pattern if self.buffer.search else ""
        else:
            field.value = str(self.default_save_path())
        field.placeholder = t(f"logs.input.{mode}")
        field.add_class("-open")
        field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_input":
            return self._input.has_class("-open")
        return True

    def action_leave_input(self) -> None:
        """Esc: a filter or search is cleared; a save is cancelled."""
        if self._mode in ("filter", "search"):
            self._input.value = ""  # Changed clears it
            self._apply(self._mode, "")
        self._close_input()

    def _close_input(self) -> None:
        self._mode = ""
        self._input.remove_class("-open")
        self._lines.focus()

    @on(Input.Changed, ".log-view--input")
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._mode in ("filter", "search"):
            self._apply(self._mode, event.value)

    def _apply(self, mode: str, value: str) -> bool:
        return self.set_filter(value) if mode == "filter" else self.set_search(value)

    @on(Input.Submitted, ".log-view--input")
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        mode, value = self._mode, event.value.strip()
        if mode in ("filter", "search"):
            if not self._apply(mode, event.value):
                return  # invalid: keep the input open to fix it
            if mode == "search" and value:
                self.next_match(True)
        elif value:
            self.run_worker(self._save(Path(value), mode == "save"), group="log-view-save",
                            name=f"save logs to {value}", exit_on_error=False)
        self._close_input()

    async def _save(self, path: Path, filtered: bool) -> None:
        lines = self.buffer.export(visible_only=filtered)  # snapshot on the loop
        try:
            count = await asyncio.to_thread(write_atomic, path, lines)
        except OSError as error:
            self._say(t("logs.save_failed", path=path, error=error), error=True)
        else:
            self._say(t("logs.saved", count=f"{count:,}", path=path))

    # -- status line -------------------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> bool:
        self.message, self._message_is_error = message, error
        self._update_status()
        return not error

    def _update_status(self) -> None:
        text = build_status(self.buffer, self._lines, self.since, self.tail, self.message,
                            self._message_is_error)
        if text.plain != self._status_plain:
            self._status_plain = text.plain
            self._status.update(text)

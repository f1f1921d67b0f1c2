"""`LogStream`: many producers (one per pod container, journal, event watch) merged into one
async iterator of batches, with a cap on concurrent streams and one gap marker per outage.

Producers call :meth:`LogStream.put` per line: it only appends to a list and sets an event,
so the consumer wakes once per loop turn and takes everything that arrived as one batch (at
20k lines/s that is a few hundred batches a second, not 20k wake-ups). When the consumer
falls behind (the view is busy), ``put`` fills the list to ``max_pending`` and producers
wait in :meth:`room` — back-pressure reaches the HTTP reads, nothing is dropped here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from ccseone_tui.i18n import t

log = logging.getLogger(__name__)

LINE: Literal["line"] = "line"
GAP: Literal["gap"] = "gap"
NOTE: Literal["note"] = "note"
MAX_PENDING = 20_000  # 1 s at 20k lines/s


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One line of a source, or a marker. ``kind``: ``line`` (the log's own text), ``gap``
    (the stream broke; ``text`` says why, localized) or ``note`` (a pod came or went, the
    stream cap applies …). ``ts``: epoch seconds when the source says when."""

    source: str
    text: str
    ts: float | None = None
    kind: Literal["line", "gap", "note"] = LINE


class LogStream:
    """``async for batch in stream`` (a ``list[LogRecord]`` each); ``await stream.aclose()``.

    Ends when every producer has finished (nothing follows, or every pod went away); a
    following stream runs until closed. Closing (or cancelling the consumer and closing)
    cancels every producer, which closes its HTTP response.
    """

    def __init__(self, *, max_streams: int = 50, max_pending: int = MAX_PENDING) -> None:
        self.max_streams = max(1, max_streams)
        self.max_pending = max_pending
        self._pending: list[LogRecord] = []
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._starts: list[Coroutine[Any, Any, None]] = []
        self._started = self._closed = False
        self._slots = asyncio.Semaphore(self.max_streams)
        self.active = 0
        """Streams holding a slot (connected or reconnecting)."""
        self.waiting = 0
        """Streams waiting for a slot because ``max_streams`` are open."""
        self._down: dict[str, str] = {}

    # -- producers ---------------------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        """Run a producer as part of this stream (started on first iteration); its task, once
        started, so a supervisor can cancel one pod's stream."""
        if self._closed:
            work.close()
            return None
        if not self._started:
            self._starts.append(work)
            return None
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # a bug in a producer: shown in the stream, never swallowed
            log.error("log producer failed", exc_info=error)
            self.put(LogRecord("ccseone", f"{type(error).__name__}: {error}", time.time(), GAP))
        self._ready.set()  # the consumer re-checks whether anything still runs

    def put(self, record: LogRecord) -> None:
        pending = self._pending
        pending.append(record)
        if not self._ready.is_set():
            self._ready.set()
        if len(pending) >= self.max_pending and self._room.is_set():
            self._room.clear()

    async def room(self) -> None:
        """Wait while the consumer is behind (call after ``put`` in a hot loop)."""
        if not self._room.is_set():
            await self._room.wait()

    def note(self, source: str, text: str) -> None:
        self.put(LogRecord(source, text, time.time(), NOTE))

    def gap(self, source: str, reason: str) -> None:
        """Mark ``source`` broken (once per outage: many pods of a dead cluster, one marker)."""
        if source not in self._down:
            self._down[source] = reason
            self.put(LogRecord(source, t("logs.note.gap", reason=reason), time.time(), GAP))

    def ok(self, source: str) -> None:
        """``source`` delivers again: say so once if it was marked broken."""
        if self._down.pop(source, None) is not None:
            self.note(source, t("logs.note.resumed"))

    @property
    def broken(self) -> dict[str, str]:
        """Sources currently marked broken, with the reason."""
        return dict(self._down)

    async def acquire_slot(self, source: str) -> None:
        """Hold one of ``max_streams`` slots for a pod stream; notes when the cap applies."""
        if self._slots.locked():
            self.waiting += 1
            if self.waiting == 1:
                self.note(source, t("logs.note.cap", max=self.max_streams))
            try:
                await self._slots.acquire()
            finally:
                self.waiting -= 1
        else:
            await self._slots.acquire()
        self.active += 1

    def release_slot(self) -> None:
        self.active -= 1
        self._slots.release()

    # -- the consumer ------------------------------------------------------------------------

    def __aiter__(self) -> LogStream:
        return self

    async def __anext__(self) -> list[LogRecord]:
        if not self._started:
            self._started = True
            starts, self._starts = self._starts, []
            for work in starts:
                self.spawn(work)
        while not self._pending:
            if self._closed or not self._tasks:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        batch, self._pending = self._pending, []
        self._room.set()
        return batch

    async def aclose(self) -> None:
        self._closed = True
        for work in self._starts:
            work.close()
        self._starts.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def __aenter__(self) -> LogStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

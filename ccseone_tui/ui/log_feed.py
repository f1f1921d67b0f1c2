"""Feed a services `LogStream` into a `LogView`: one ``LogView.Batch`` per batch of records,
markers (``gap``/``note``) drawn as gaps, waiting while the view is behind (back-pressure
reaches the HTTP reads). The stream is closed when the feed ends or its worker is cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ccseone_tui.services.logs.stream import LINE, LogRecord, LogStream
from ccseone_tui.ui.widgets.log_view import LogLine, LogView

BACKLOG_WAIT = 0.005  # seconds between looks at a busy view; it drains 30 times a second


def to_lines(batch: list[LogRecord],
             source: Callable[[str], str] | None = None) -> list[LogLine]:
    """Records as view lines; ``source`` renames the record's source (e.g. drops the cluster
    name inside that cluster's detail)."""
    if source is None:
        return [LogLine(r.source, r.text, r.ts, gap=r.kind != LINE) for r in batch]
    return [LogLine(source(r.source), r.text, r.ts, gap=r.kind != LINE) for r in batch]


async def feed(stream: LogStream, view: LogView,
               source: Callable[[str], str] | None = None,
               on_batch: Callable[[LogStream], None] | None = None) -> None:
    epoch = view.epoch  # what the view shows now; batches after its next clear() are dropped
    try:
        async for batch in stream:
            lines = to_lines(batch, source)
            # LogView offers `accepting` (its queue is short), no event: look again shortly
            while not view.accepting:  # noqa: ASYNC110
                await asyncio.sleep(BACKLOG_WAIT)
            view.post_message(LogView.Batch(lines, epoch))
            if on_batch is not None:
                on_batch(stream)
    finally:
        await stream.aclose()

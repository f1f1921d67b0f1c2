"""Incremental line reading from a streamed HTTP body (watch events, pod logs)."""

from __future__ import annotations

import random
from typing import Any

_COMPACT_AT = 1 << 16


class LineReader:
    """Split an aiohttp ``StreamReader`` into lines as bytes arrive; never buffers the body.

    Unlike ``StreamReader.readline`` it has no line-length limit (a watch event carrying a big
    object can exceed aiohttp's buffer). ``readline`` returns the line without ``\\n``, the
    unterminated tail at end of stream, then ``None``.
    """

    def __init__(self, content: Any) -> None:
        self._content = content
        self._buf = bytearray()
        self._start = 0  # first unread byte
        self._scan = 0  # bytes before this index hold no newline
        self._eof = False

    async def readline(self) -> bytes | None:
        while True:
            i = self._buf.find(b"\n", max(self._start, self._scan))
            if i >= 0:
                line = bytes(self._buf[self._start : i])
                self._start = self._scan = i + 1
                if self._start >= _COMPACT_AT:
                    del self._buf[: self._start]
                    self._start = self._scan = 0
                return line
            self._scan = len(self._buf)
            if self._eof:
                if self._start < len(self._buf):
                    line = bytes(self._buf[self._start :])
                    self._buf.clear()
                    self._start = self._scan = 0
                    return line
                return None
            chunk = await self._content.readany()
            if not chunk:
                self._eof = True
                continue
            self._buf += chunk


class Backoff:
    """Exponential backoff with jitter: ``initial`` doubling up to ``maximum``; ``reset()``
    after a success. Each wait is the current step times a random factor in [1, 1.25), capped
    at ``maximum``, so many clients reconnecting at once spread out."""

    def __init__(self, initial: float = 0.8, maximum: float = 30.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._step = initial

    def reset(self) -> None:
        self._step = self.initial

    def next_delay(self) -> float:
        delay = min(self.maximum, self._step * random.uniform(1.0, 1.25))
        self._step = min(self.maximum, self._step * 2)
        return delay

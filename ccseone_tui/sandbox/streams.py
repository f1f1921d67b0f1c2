"""What watch and log streams share: registration with ``Faults.drop_streams()``, a wake-up
event, and how a dropped stream ends (abruptly: the connection is cut mid-stream, the way a
restarting API server or a broken network looks to a client)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from ccseone_tui.sandbox.faults import Faults


class StreamControl:
    def __init__(
        self, faults: Faults, request: web.BaseRequest, on_stop: Callable[[], None] | None = None
    ) -> None:
        self._faults = faults
        self._request = request
        self._on_stop = on_stop
        self.stopped = False
        self.abrupt = False
        self.wake = asyncio.Event()

    def stop(self, abrupt: bool) -> None:
        self.stopped = True
        self.abrupt = abrupt
        self.wake.set()
        if self._on_stop is not None:
            self._on_stop()

    async def sleep(self, seconds: float | None) -> None:
        """Sleep until ``seconds`` pass or something wakes the stream (stop, rate change)."""
        if self.wake.is_set():
            self.wake.clear()
            return
        try:
            async with asyncio.timeout(seconds):
                await self.wake.wait()
        except TimeoutError:
            pass
        self.wake.clear()

    def cut(self) -> None:
        """End the connection without the terminating chunk."""
        transport = self._request.transport
        if transport is not None:
            transport.abort()

    def __enter__(self) -> StreamControl:
        self._faults.register_stream(self.stop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._faults.unregister_stream(self.stop)


def stream_response(content_type: str) -> web.StreamResponse:
    resp = web.StreamResponse(status=200, headers={"Content-Type": content_type,
                                                   "Cache-Control": "no-cache, private"})
    resp.enable_chunked_encoding()
    return resp

"""Watch one resource type, resuming across dropped streams and expired resourceVersions.

Semantics (an informer's, without its cache):

* Without ``resource_version`` the watch first lists and yields one ``RELIST`` event (the
  ``List`` JSON), then watches from the list's resourceVersion. With one, it watches from it.
* Each (re)connection asks ``watch=true&allowWatchBookmarks=true&resourceVersion=<last>``
  with a server-side ``timeoutSeconds`` (5-10 min, like client-go). The chunked JSON-lines
  body is parsed as it arrives.
* 410 Gone (on connect, or as an ``ERROR`` event with code 410): re-list, yield ``RELIST``
  with the fresh list, resume from its resourceVersion. Objects deleted during the gap are
  simply absent from the list: consumers replace their state on ``RELIST``. A 410 again
  before any event of the fresh list (a lagging watch cache) backs off before re-listing.
* A dropped stream / unreachable server / 429 / 5xx: reconnect from the last resourceVersion
  seen (bookmarks included) after an exponential backoff with jitter (0.8 s doubling to
  30 s, reset by every event received). A server closing the stream normally after its
  timeout reconnects at once. Errors before the first successful connection are raised (the
  caller learns the cluster is down); later ones are retried until the stream is closed.
* ``BOOKMARK`` events only advance :attr:`WatchStream.resource_version`; they are not
  yielded. Other ``ERROR`` events raise the typed error.
* ``aclose()`` (or cancelling the task iterating it) closes the HTTP response at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import (
    ClusterUnreachable,
    Gone,
    KubeApiError,
    TooManyRequests,
    api_error_for,
)
from ccseone_tui.kube.errors import is_transport_error
from ccseone_tui.kube.streams import Backoff, LineReader
from ccseone_tui.kube.tables import as_table
from ccseone_tui.kube.transport import TABLE_ACCEPT
from ccseone_tui.kube.values import WatchEvent

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient
    from ccseone_tui.kube.values import ResourceInfo

log = logging.getLogger(__name__)

WATCH_MIN_SECONDS = 300  # server-side timeoutSeconds is drawn from [min, 2*min)
WATCH_READ_MARGIN = 30.0  # client read timeout = timeoutSeconds + margin
RELIST_PAGE = 500


class _Relist(Exception):
    """The server said 410: the resourceVersion is too old."""


class _Dropped(Exception):
    """The stream ended abnormally (connection lost, server error): back off, reconnect."""


class _Idle(Exception):
    """Nothing arrived for ``idle_timeout`` (not even a bookmark): reconnect at once."""


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, ClusterUnreachable | TooManyRequests | Gone):
        return True
    return isinstance(exc, KubeApiError) and exc.status >= 500


class WatchStream:
    """``async for event in client.watch(...)``; ``await stream.aclose()`` to stop."""

    def __init__(
        self,
        client: ClusterClient,
        api_version: str,
        kind: str,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        bookmarks: bool = True,
        backoff: Backoff | None = None,
        on_retry: Callable[[BaseException], None] | None = None,
        on_connect: Callable[[], None] | None = None,
        info: ResourceInfo | None = None,
        table: bool = False,
        idle_timeout: float | None = None,
    ) -> None:
        """``info``: the resource type already resolved (no discovery at start); ``table``:
        kubectl's rendering — the ``RELIST`` carries a ``Table`` (every page of it) and
        each event's object is a one-row ``Table`` (see ``kube/tables.py``).
        ``idle_timeout``: a connection that brings nothing for that long (an API server
        sends a bookmark about every minute) is dropped and reopened at once, without a
        retry report: a cluster cut off the network without a reset fails that reconnect
        within the connect/read timeouts, instead of looking live for the 5-10 minutes of
        the server-side timeout."""
        self.client = client
        self.info = info
        self.table = table
        self.idle_timeout = idle_timeout
        # a connected stream retries its errors by itself; these let a caller show the outage
        # (a gap marker) and the recovery instead of a view that silently stops moving
        self.on_retry = on_retry
        self.on_connect = on_connect
        self.api_version = api_version
        self.kind = kind
        self.namespace = namespace
        self.resource_version = resource_version
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.bookmarks = bookmarks
        self.backoff = backoff or Backoff(0.8, 30.0)
        self.connections = 0  # how many times the stream was opened (for the UI / tests)
        self.relists = 0
        self._gen = self._run()

    def __aiter__(self) -> WatchStream:
        return self

    async def __anext__(self) -> WatchEvent:
        return await self._gen.__anext__()

    async def aclose(self) -> None:
        await self._gen.aclose()

    async def __aenter__(self) -> WatchStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- internals ------------------------------------------------------------------------

    async def _relist(self, info: ResourceInfo) -> WatchEvent:
        if self.table:
            table = await self.client.table(
                info,
                namespace=self.namespace,
                label_selector=self.label_selector,
                field_selector=self.field_selector,
                limit=RELIST_PAGE,
            )
            self.resource_version = (table.get("metadata") or {}).get("resourceVersion")
            self.relists += 1
            return WatchEvent("RELIST", table)
        result = await self.client.list_path(
            info.path(self.namespace),
            label_selector=self.label_selector,
            field_selector=self.field_selector,
            limit=RELIST_PAGE,
        )
        for item in result.get("items") or ():
            item.setdefault("apiVersion", info.api_version)
            item.setdefault("kind", info.kind)
        self.resource_version = (result.get("metadata") or {}).get("resourceVersion")
        self.relists += 1
        return WatchEvent("RELIST", result)

    def _query(self, timeout_seconds: int) -> list[tuple[str, Any]]:
        query: list[tuple[str, Any]] = [("watch", "true")]
        if self.table:
            query.append(("includeObject", "Metadata"))
        if self.resource_version:
            query.append(("resourceVersion", self.resource_version))
        if self.bookmarks:
            query.append(("allowWatchBookmarks", "true"))
        if self.label_selector:
            query.append(("labelSelector", self.label_selector))
        if self.field_selector:
            query.append(("fieldSelector", self.field_selector))
        query.append(("timeoutSeconds", timeout_seconds))
        return query

    async def _run(self) -> AsyncIterator[WatchEvent]:
        client = self.client
        info = self.info or await client.resource_for(self.api_version, self.kind)
        connected = False  # errors before the first success are raised, later ones retried
        need_list = self.resource_version is None
        fresh_list = False  # the last list has seen no event yet: a 410 now means "back off"
        while True:
            if need_list:
                if fresh_list:  # 410 again right after a list (a lagging watch cache)
                    await self._sleep(_Dropped("410 right after a fresh list"))
                try:
                    event = await self._relist(info)
                except Exception as exc:
                    if not connected or not _retryable(exc):
                        raise
                    await self._sleep(exc)
                    continue
                need_list = False
                fresh_list = True
                connected = True
                yield event
            timeout_seconds = random.randint(WATCH_MIN_SECONDS, 2 * WATCH_MIN_SECONDS - 1)
            try:
                resp = await self._open(info, timeout_seconds)
            except Gone:
                need_list = True
                continue
            except Exception as exc:
                if not connected or not _retryable(exc):
                    raise
                await self._sleep(exc)
                continue
            connected = True
            if self.on_connect is not None:
                self.on_connect()
            if self.connections:
                log.debug(
                    "watch %s %s on %s resumed at %s",
                    self.api_version,
                    self.kind,
                    client.name,
                    self.resource_version,
                )
            self.connections += 1
            started = time.monotonic()
            events = 0
            try:
                reader = LineReader(resp.response.content)
                while True:
                    try:
                        line = await reader.readline()
                    except Exception as exc:
                        if self.idle_timeout and isinstance(exc, TimeoutError):
                            raise _Idle() from exc
                        if is_transport_error(exc):
                            raise _Dropped(str(exc) or type(exc).__name__) from exc
                        raise
                    if line is None:
                        break
                    if not line.strip():
                        continue
                    event = self._parse(line)
                    if event is None:
                        continue
                    events += 1
                    fresh_list = False
                    self.backoff.reset()
                    if event.type != "BOOKMARK":
                        yield event
            except _Relist:
                need_list = True
                continue
            except _Idle:
                log.debug("watch %s %s on %s: idle for %ss, reconnecting", self.api_version,
                          self.kind, client.name, self.idle_timeout)
                continue
            except _Dropped as exc:
                await self._sleep(exc)
                continue
            finally:
                resp.response.close()
            # Normal end (server timeoutSeconds): reconnect at once, unless the server keeps
            # closing immediately without sending anything.
            if events == 0 and time.monotonic() - started < 1.0:
                await self._sleep(_Dropped("stream closed at once"))

    async def _open(self, info: ResourceInfo, timeout_seconds: int) -> Any:
        """Open the stream. With ``idle_timeout`` the headers (sent at once by an API
        server) must come within the connect + read timeouts, not the idle time: a
        reconnect into a silent network says so in seconds."""
        open_stream = self.client.open_stream(
            info.path(self.namespace),
            self._query(timeout_seconds),
            sock_read=min(timeout_seconds + WATCH_READ_MARGIN, self.idle_timeout or math.inf),
            accept=TABLE_ACCEPT if self.table else "application/json",
        )
        if not self.idle_timeout:
            return await open_stream
        settings = self.client.settings
        limit = settings.connect_timeout + settings.read_timeout
        try:
            async with asyncio.timeout(limit):
                return await open_stream
        except TimeoutError as exc:
            raise ClusterUnreachable(cluster=self.client.name,
                                     cause=f"no answer within {limit:g}s",
                                     timeout=limit) from exc

    def _parse(self, line: bytes) -> WatchEvent | None:
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise _Dropped(f"bad watch line: {line[:120]!r}") from exc
        kind = raw.get("type", "")
        obj = raw.get("object") or {}
        if kind == "ERROR":
            code = int(obj.get("code") or 500)
            if code == 410:
                raise _Relist()
            if code >= 500 or code == 429:
                raise _Dropped(f"{code} {obj.get('message', '')}")
            raise api_error_for(code, obj, self.client.name)
        if self.table and kind in ("ADDED", "MODIFIED", "DELETED"):
            obj = as_table(obj)
        rv = (obj.get("metadata") or {}).get("resourceVersion")
        if rv:
            self.resource_version = rv
        return WatchEvent(kind, obj)

    async def _sleep(self, cause: BaseException) -> None:
        if self.on_retry is not None:
            self.on_retry(cause)
        delay = self.backoff.next_delay()
        log.info(
            "watch %s %s on %s: %s; reconnecting in %.1fs",
            self.api_version,
            self.kind,
            self.client.name,
            cause,
            delay,
        )
        await asyncio.sleep(delay)

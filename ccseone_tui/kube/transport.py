"""HTTP to one API server through ``kubernetes.aio``: raw JSON, bounded, with timeouts.

Every call goes through the low-level ``ApiClient.param_serialize`` + ``call_api`` pair of
the official asyncio client and reads the answer as raw JSON (never typed models). Each call
holds a slot of the cluster's semaphore and then, unless it is the cluster's only call in
flight, of the process-wide one (always in that order, so a slow cluster's queue never holds
process-wide slots, and no cluster's first call waits behind the others'), and has connect/read
timeouts as an ``aiohttp.ClientTimeout``: v37 passes ``_request_timeout`` straight to
aiohttp, where a number is a *total* timeout and a ``(connect, read)`` tuple fails with a
``TypeError``. 429 (and 5xx with ``Retry-After``) is retried up to ``MAX_RETRIES`` times,
waiting what the server asks (at most ``RETRY_CAP`` s, slots released meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import KubeApiError
from ccseone_tui.kube.errors import (
    http_error,
    is_transport_error,
    parse_retry_after,
    unreachable,
)

Query = dict[str, Any] | Iterable[tuple[str, Any]] | None

# kubectl's get: the server prints the rows (its printers, CRD printer columns) and each
# row carries the object's metadata only (includeObject=Metadata), a fraction of the bytes
# (plain JSON last: an aggregated API without Table support answers a List, as to kubectl)
TABLE_ACCEPT = "application/json;as=Table;g=meta.k8s.io;v=v1,application/json"
MAX_RETRIES = 3  # 429 (and 5xx with Retry-After): retries before giving up
RETRY_CAP = 10.0  # never wait longer than this for one Retry-After
_UNSET: Any = object()


class Transport:
    """The request machinery of :class:`ClusterClient` (one API server)."""

    def __init__(
        self,
        name: str,
        api: Any,
        settings: Settings | None = None,
        *,
        global_limit: asyncio.Semaphore | None = None,
        default_namespace: str | None = None,
    ) -> None:
        self.name = name
        self._api = api
        self.settings = settings or Settings()
        cfg = api.configuration
        self.server: str = cfg.host
        # kubeconfig `insecure-skip-tls-verify: true` (TLS not verified): the UI warns.
        self.insecure: bool = not cfg.verify_ssl
        self.default_namespace = default_namespace or "default"
        self._cluster_limit = asyncio.Semaphore(self.settings.per_cluster_concurrency)
        self._global_limit = global_limit
        self._own_slot_free = True  # see _slot: each cluster's own slot outside the bound
        self.closed = False

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self._api.close()

    # ---- transport ------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        async with self._cluster_limit:
            if self._global_limit is None or not self._own_slot_free:
                async with self._global_limit or contextlib.nullcontext():
                    yield
                return
            # One request per cluster never waits for the process-wide bound, which only
            # limits a cluster's extra ones: with a fleet larger than ``concurrency`` a
            # fan-out queued a cluster's first request behind hundreds of other clusters'
            # lists (a dead cluster of the Fleet view was a gap only when its turn came,
            # issue #13), so a slow or dead cluster is never delayed by the others.
            self._own_slot_free = False
            try:
                yield
            finally:
                self._own_slot_free = True

    def _client_timeout(self, total: float | None, sock_read: float | None) -> Any:
        import aiohttp

        connect = self.settings.connect_timeout
        if total is not None:
            connect = min(connect, total)
            sock_read = total if sock_read is None else min(sock_read, total)
        return aiohttp.ClientTimeout(
            total=total, connect=connect, sock_connect=connect, sock_read=sock_read
        )

    def _failure(self, exc: BaseException, total: float | None, sock_read: float | None) -> Any:
        import aiohttp

        if isinstance(exc, getattr(aiohttp, "SocketTimeoutError", ())):
            limit = sock_read
        elif isinstance(exc, getattr(aiohttp, "ConnectionTimeoutError", ())):
            limit = (
                self.settings.connect_timeout
                if total is None
                else min(total, self.settings.connect_timeout)
            )
        else:
            limit = total if total is not None else self.settings.connect_timeout
        return unreachable(self.name, exc, limit)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: Query = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str = "application/json",
        timeout: float | None = None,  # noqa: ASYNC109
        sock_read: Any = _UNSET,
        stream: bool = False,
    ) -> Any:
        """One HTTP exchange with retries on 429; returns the body bytes, or, with
        ``stream=True``, the open ``RESTResponse`` (2xx only; the caller closes
        ``.response``). Semaphore slots are held until the headers (stream) or the whole
        body has arrived, and released while waiting out a Retry-After."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        read = self.settings.read_timeout if sock_read is _UNSET else sock_read
        params = _query_list(query)
        attempt = 0
        while True:
            remaining = None if deadline is None else max(0.001, deadline - loop.time())
            client_timeout = self._client_timeout(remaining, read)
            headers = {"Accept": accept}
            if body is not None or content_type:
                headers["Content-Type"] = content_type or "application/json"
            async with self._slot():
                method_, url, hdrs, body_, post = await self._api.param_serialize(
                    method,
                    path,
                    query_params=params or None,
                    header_params=headers,
                    body=body,
                    auth_settings=["BearerToken"],
                )
                try:
                    r = await self._api.call_api(
                        method_, url, hdrs, body_, post, _request_timeout=client_timeout
                    )
                    if stream and 200 <= r.status < 300:
                        return r
                    data = await r.read()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if is_transport_error(exc):
                        raise self._failure(exc, remaining, client_timeout.sock_read) from exc
                    raise
            status = r.status
            if 200 <= status < 300:
                return data
            retry_after = parse_retry_after(r.headers.get("Retry-After"))
            retryable = status == 429 or (status >= 500 and retry_after is not None)
            if retryable and attempt < MAX_RETRIES:
                wait = min(RETRY_CAP, retry_after if retry_after is not None else 2.0**attempt)
                if deadline is None or loop.time() + wait < deadline:
                    attempt += 1
                    await asyncio.sleep(wait)
                    continue
            raise http_error(status, r.reason, data, self.name, retry_after)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = None,
        body: object = None,
        content_type: str | None = None,
        accept: str = "application/json",
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The primitive: one call, raw JSON in and out.

        ``body`` is a JSON-serialisable object for JSON (and apply-patch) content types; str
        or bytes are sent as is for any other ``content_type``. ``timeout`` bounds the whole
        call (retries included); by default only connect/read timeouts from the settings
        apply. ``accept`` asks for another JSON rendering (the server-side Table, see
        ``TABLE_ACCEPT``). Raises ``ClusterUnreachable`` or a typed ``KubeApiError``.
        """
        data = await self._send(
            method.upper(),
            path,
            query=query,
            body=body,
            content_type=content_type,
            accept=accept,
            timeout=timeout,
        )
        return self._decode(data)

    async def request_bytes(
        self,
        method: str,
        path: str,
        *,
        query: Query = None,
        accept: str = "*/*",
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> bytes:
        """Like :meth:`request` for non-JSON answers (``/healthz``, ``/metrics`` …)."""
        return await self._send(method.upper(), path, query=query, accept=accept, timeout=timeout)

    def _decode(self, data: bytes) -> dict[str, Any]:
        if not data:
            return {}
        try:
            return json.loads(data)
        except ValueError as exc:
            text = data[:200].decode("utf-8", errors="replace")
            raise KubeApiError(
                status=200,
                reason="InvalidResponse",
                message=f"not JSON: {text!r}",
                cluster=self.name,
            ) from exc

    async def open_stream(
        self, path: str, query: Query, *, sock_read: float | None, accept: str
    ) -> Any:
        """Open a streamed GET (watch, logs); returns the ``RESTResponse`` (2xx). The slots
        are released once the headers are in; the caller closes ``.response``."""
        return await self._send(
            "GET", path, query=query, accept=accept, sock_read=sock_read, stream=True
        )


def _query_list(query: Query) -> list[tuple[str, Any]]:
    if not query:
        return []
    pairs = query.items() if isinstance(query, dict) else query
    return [(k, v) for k, v in pairs if v is not None]

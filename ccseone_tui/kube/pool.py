"""``KubePool``: one ``ClusterClient`` per ``ClusterRef``, one process-wide concurrency bound,
and ``fan_out`` — the same call on many clusters, each independent of the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ClusterUnreachable

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient
    from ccseone_tui.kube.values import ClusterRef

T = TypeVar("T")


class KubePool:
    """Clients for many clusters, created on first use and cached per ``ClusterRef``.

    ``async with KubePool(settings) as pool`` closes every client on exit.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._limit = asyncio.Semaphore(self.settings.concurrency)
        self._clients: dict[ClusterRef, ClusterClient] = {}
        self._locks: dict[ClusterRef, asyncio.Lock] = {}
        self._closed = False

    async def __aenter__(self) -> KubePool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def clients(self) -> dict[ClusterRef, ClusterClient]:
        return dict(self._clients)

    async def client(self, ref: ClusterRef) -> ClusterClient:
        """The cached client for ``ref``; ``KubeconfigError`` if its context cannot be
        loaded (not cached: a fixed file is picked up on the next call)."""
        found = self._clients.get(ref)
        if found is not None and not found.closed:
            return found
        if self._closed:
            raise RuntimeError("KubePool is closed")
        lock = self._locks.setdefault(ref, asyncio.Lock())
        async with lock:
            found = self._clients.get(ref)
            if found is not None and not found.closed:
                return found
            # imported here: a pool that is never asked for a client (a cache-only
            # command) does not load the client, discovery and error modules
            from ccseone_tui.kube.client import ClusterClient

            client = await ClusterClient.connect(ref, self.settings, global_limit=self._limit)
            self._clients[ref] = client
            return client

    async def forget(self, ref: ClusterRef) -> None:
        """Close and drop ``ref``'s client (e.g. after its kubeconfig changed)."""
        client = self._clients.pop(ref, None)
        if client is not None:
            await client.close()

    async def fan_out(
        self,
        refs: Iterable[ClusterRef],
        fn: Callable[[ClusterClient], Awaitable[T]],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, T | BaseException]:
        """Run ``fn(client)`` on every cluster at once; ``{ref.name: result or exception}``.

        Each cluster is independent: a dead or slow one only fills its own entry (with
        ``ClusterUnreachable``, a ``KubeApiError``, ``KubeconfigError`` …), never delays or
        fails the others. ``timeout`` bounds each cluster's whole ``fn`` (kubeconfig loading
        included); past it the entry is ``ClusterUnreachable``. Exceptions are returned, not
        raised; cancelling ``fan_out`` cancels every call.
        """

        async def one(ref: ClusterRef) -> Any:
            try:
                async with asyncio.timeout(timeout) as scope:
                    client = await self.client(ref)
                    return await fn(client)
            except TimeoutError as exc:
                if scope.expired():
                    return ClusterUnreachable(
                        cluster=ref.name, cause=f"no answer within {timeout:g}s", timeout=timeout
                    )
                return exc
            except Exception as exc:
                return exc

        refs = list(refs)
        results = await asyncio.gather(*(one(ref) for ref in refs))
        return {ref.name: result for ref, result in zip(refs, results, strict=True)}

    async def close(self) -> None:
        """Close every client's HTTP session."""
        self._closed = True
        clients = list(self._clients.values())
        self._clients.clear()
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

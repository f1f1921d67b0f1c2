"""Write-behind batches: what a fan-out's answers have in common on their way to SQLite.

The first item is written at once; whatever arrives while a batch is being written goes
into the next one. A refresh of 1,000 clusters (``ProbeSaver``) or a task on 1,000 clusters
(``ResultSaver``) then costs a few dozen transactions instead of one per cluster, and each
batch is announced after its commit, so a listener that reads the cache sees what it was
told about. Subclasses say how a batch is written and what a failed write means.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Generic, TypeVar

T = TypeVar("T")


class WriteBehind(Generic[T]):
    def __init__(self) -> None:
        self._pending: list[T] = []
        self._writer: asyncio.Task[None] | None = None
        # the writer runs in the context of its owner, not of the first caller of add()
        self._context = contextvars.copy_context()
        self.batches: list[int] = []  # the size of each batch written, in order

    def add(self, item: T) -> None:
        self._pending.append(item)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(
                self._write(), context=self._context)

    def batch(self, pending: list[T]) -> list[T]:
        """What of ``pending`` is written (e.g. only the last item per key)."""
        return pending

    async def save(self, batch: list[T]) -> None:
        """Write one batch (one transaction) and announce it."""
        raise NotImplementedError

    def failed(self, batch: list[T], exc: Exception) -> None:
        """``save`` raised for ``batch`` (rolled back whole); the loop goes on."""
        raise NotImplementedError

    async def _write(self) -> None:
        while self._pending:
            pending, self._pending = self._pending, []
            batch = self.batch(pending)
            try:
                await self.save(batch)
            except Exception as exc:  # the database (busy, disk): the subclass decides
                self.failed(batch, exc)
                continue
            self.batches.append(len(batch))

    async def written(self) -> None:
        """Wait until every item added so far went through ``save`` or ``failed``."""
        if self._writer is not None:
            await self._writer

    def cancel(self) -> None:
        """Stop writing: a batch in flight is rolled back whole by its transaction, the
        rest is dropped."""
        self._pending.clear()
        if self._writer is not None:
            self._writer.cancel()

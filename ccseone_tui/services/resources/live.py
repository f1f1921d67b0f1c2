"""Live rows: one list+watch per cluster (``kube.WatchStream`` in Table mode), merged into
one stream of ``ClusterDelta``s.

Each cluster runs on its own task and never waits for another. Its changes go into a
mailbox that coalesces what arrives between two reads of the consumer (a burst of 1,000
MODIFIED events is one delta per cluster, the last state of each row winning), so a
consumer that paints slower than the fleet changes falls behind by one batch, not by a
queue of stale events. Per cluster the order is kept: an error delta (the cluster became a
gap) is never merged with the rows before or after it.

The first delta of a cluster is a ``reset`` with the columns (or ``missing``, or an
``error``). A 410 relist is a ``reset`` again. While a cluster is away the stream retries
with backoff (``WatchStream`` once connected; a new one here before that), and the first
answer after a gap heals it: a ``reset`` after a relist, else an empty delta on reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import CcseoneError, KubeApiError, ResourceNotFound
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.kube.streams import Backoff
from ccseone_tui.kube.values import ResourceInfo, WatchEvent
from ccseone_tui.services.resources.model import ClusterDelta, ResourceRow
from ccseone_tui.services.resources.table import column_map, headers, row_order, table_rows

if TYPE_CHECKING:
    from ccseone_tui.services.resources.service import ResourceService


START_SLICE = 10  # followers started at once …
START_GAP = 0.002  # … and the pause (s) before the next slice


@dataclass(slots=True)
class _Pending:
    """A delta being built for one cluster: rows by key, so later changes win."""

    reset: bool = False
    columns: tuple[str, ...] | None = None
    upserts: dict[str, ResourceRow] = field(default_factory=dict)
    deleted: dict[str, None] = field(default_factory=dict)

    def done(self, cluster: str) -> ClusterDelta:
        rows = list(self.upserts.values())
        if self.reset:
            rows.sort(key=row_order)
        return ClusterDelta(cluster, upserts=rows, deleted=list(self.deleted),
                            reset=self.reset, columns=self.columns)


class Mailbox:
    """Where the cluster tasks put their changes and the consumer takes them in batches."""

    def __init__(self) -> None:
        self._ready: deque[ClusterDelta] = deque()  # closed deltas (errors and before them)
        self._open: dict[str, _Pending] = {}
        self.wake = asyncio.Event()

    def _pending(self, cluster: str) -> _Pending:
        pending = self._open.get(cluster)
        if pending is None:
            pending = self._open[cluster] = _Pending()
        self.wake.set()
        return pending

    def reset(self, cluster: str, rows: list[ResourceRow], columns: tuple[str, ...]) -> None:
        # replaces whatever that cluster had pending: the list is the whole truth
        self._open[cluster] = _Pending(True, columns, {r.key: r for r in rows})
        self.wake.set()

    def upsert(self, cluster: str, rows: list[ResourceRow]) -> None:
        pending = self._pending(cluster)
        for row in rows:
            pending.deleted.pop(row.key, None)
            pending.upserts[row.key] = row

    def delete(self, cluster: str, keys: list[str]) -> None:
        pending = self._pending(cluster)
        for key in keys:
            pending.upserts.pop(key, None)
            if not pending.reset:  # a reset's rows simply lose it
                pending.deleted[key] = None

    def heal(self, cluster: str) -> None:
        self._pending(cluster)  # an empty delta without error: the gap is closed

    def _close(self, cluster: str) -> None:
        pending = self._open.pop(cluster, None)
        if pending is not None:
            self._ready.append(pending.done(cluster))

    def error(self, cluster: str, cause: str) -> None:
        self._close(cluster)
        self._ready.append(ClusterDelta(cluster, error=cause))
        self.wake.set()

    def missing(self, cluster: str) -> None:
        self._close(cluster)
        self._ready.append(ClusterDelta(cluster, missing=True))
        self.wake.set()

    def take(self) -> list[ClusterDelta]:
        out = list(self._ready)
        self._ready.clear()
        out.extend(p.done(c) for c, p in self._open.items())
        self._open.clear()
        self.wake.clear()
        return out


@dataclass(slots=True)
class _Shared:
    """What every cluster task shares: the columns (the first cluster to list sets them;
    the others' cells are mapped onto them by name)."""

    info: ResourceInfo
    wide: bool
    columns: tuple[str, ...] | None = None


def _retry_cause(exc: BaseException) -> str:
    from ccseone_tui.services.resources.service import cause_of

    if isinstance(exc, CcseoneError):
        return cause_of(exc)
    return str(exc) or type(exc).__name__


class _Follower:
    """One cluster's list+watch, for as long as the fleet stream is open."""

    def __init__(self, service: ResourceService, cluster: MemberCluster, shared: _Shared,
                 box: Mailbox, query: dict[str, Any]) -> None:
        self.service = service
        self.cluster = cluster
        self.name = cluster.name
        self.shared = shared
        self.box = box
        self.query = query
        self.gap: str | None = None  # the cause while the cluster is a gap
        self.indexes: list[int] = []
        self._index_for: tuple[str, ...] | None = None
        self.backoff = Backoff(0.8, 30.0)

    # ---- WatchStream callbacks (a connected stream retries by itself) -----------------------

    def on_retry(self, exc: BaseException) -> None:
        self._fail(_retry_cause(exc))

    def on_connect(self) -> None:
        if self.gap is not None:
            self.gap = None
            self.box.heal(self.name)

    def _fail(self, cause: str) -> None:
        if self.gap != cause:  # one delta per outage and cause, not one per retry
            self.gap = cause
            self.box.error(self.name, cause)

    # ---- events ---------------------------------------------------------------------------

    def _rows(self, table: dict[str, Any]) -> list[ResourceRow]:
        namespaced = self.shared.info.namespaced
        defs = table.get("columnDefinitions")
        if defs:  # a watch event may leave them out after the first: keep the last ones
            names = tuple(str(c.get("name", "")) for c in defs)
            if names != self._index_for:
                if self.shared.columns is None:
                    self.shared.columns = headers(table, namespaced, self.shared.wide)
                self.indexes = column_map(table, self.shared.columns, namespaced,
                                          self.shared.wide)
                self._index_for = names
        return table_rows(self.name, table, namespaced, self.indexes)

    def handle(self, event: WatchEvent) -> None:
        kind = event.type
        if kind == "RELIST":
            rows = self._rows(event.object)
            self.gap = None
            self.box.reset(self.name, rows, self.shared.columns or ())
        elif kind in ("ADDED", "MODIFIED"):
            self.box.upsert(self.name, self._rows(event.object))
        elif kind == "DELETED":
            self.box.delete(self.name, [r.key for r in self._rows(event.object)])
        self.backoff.reset()

    # ---- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        from ccseone_tui.services.resources.service import cause_of, type_missing

        refresh = False
        while True:
            try:
                async with asyncio.timeout(self.service.timeout):
                    client = await self.service.member_client(self.cluster)
                    here = await self.service.info_on(client, self.shared.info,
                                                      refresh=refresh)
                if here is None:
                    self.box.missing(self.name)
                    return
                stream = client.watch_table(here, on_retry=self.on_retry,
                                            on_connect=self.on_connect,
                                            idle_timeout=self.service.watch_idle, **self.query)
                try:
                    async for event in stream:
                        self.handle(event)
                finally:
                    await stream.aclose()
                cause = "watch ended"  # it never does by itself; be safe, start over
            except ResourceNotFound as exc:
                if type_missing(exc) and not refresh:
                    refresh = True  # the path is not served here: ask discovery once
                    continue
                cause = cause_of(exc)
            except KubeApiError as exc:
                if exc.status == 400:  # the request itself is wrong (a bad selector): asking
                    self._fail(cause_of(exc))  # again gets the same answer, so stop here
                    return
                cause = cause_of(exc)
            except TimeoutError:
                from ccseone_tui.i18n import t

                cause = t("resources.error.timeout", seconds=f"{self.service.timeout:g}")
            except Exception as exc:  # this cluster's failure is its own delta
                cause = cause_of(exc)
            refresh = False
            self._fail(cause)
            await asyncio.sleep(self.backoff.next_delay())


async def follow_fleet(service: ResourceService, info: ResourceInfo,
                       members: Sequence[MemberCluster], *, namespace: str | None = None,
                       label_selector: str | None = None, field_selector: str | None = None,
                       wide: bool = False) -> AsyncIterator[ClusterDelta]:
    """The merged deltas of every member; closing it cancels every member's task."""
    box = Mailbox()
    shared = _Shared(info, wide)
    query = {"namespace": namespace if info.namespaced else None,
             "label_selector": label_selector, "field_selector": field_selector}
    tasks: list[asyncio.Task[None]] = []

    async def start() -> None:
        # Started all at once, 1,000 followers run their first step (client, request built
        # and sent, ~0.3 ms each) in one loop turn, and their answers land in a few more:
        # no frame meanwhile, and a dead cluster's refusal waits its turn behind them. They
        # start in slices, START_GAP apart, the ones the last probe saw fail first, then the
        # slowest (as the refresh does): a known outage is a gap at once, the long poles
        # are on their way first, and the loop keeps painting between slices.
        from ccseone_tui.services.clusters.service import slowest_first

        for n, cluster in enumerate(sorted(members, key=slowest_first), 1):
            follower = _Follower(service, cluster, shared, box, query)
            tasks.append(asyncio.create_task(follower.run(),
                                             name=f"resources-watch:{follower.name}"))
            if n % START_SLICE == 0:
                await asyncio.sleep(START_GAP)

    starter = asyncio.create_task(start(), name="resources-watch:start")
    try:
        while True:
            await box.wake.wait()
            for delta in box.take():
                yield delta
    finally:
        starter.cancel()
        for task in tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(starter, *tasks, return_exceptions=True)


__all__ = ["Mailbox", "follow_fleet"]

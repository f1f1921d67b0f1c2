"""Live log tails (SPEC "Logs and tasks"): control instances, clusters, apps.

Every source is a `LogStream` — ``async for batch in stream`` gives ``list[LogRecord]``,
``await stream.aclose()`` stops it — so the TUI's worker and ``ccseone logs`` consume the
same thing. No Textual here.

* ``instance``: the instance's operation journal. History, then new entries: woken at once by
  ``JournalAppended`` (this process) and polled with ``after_id`` every second (entries that
  other processes write into the shared cache).
* ``cluster_events``: a watch of ``v1/Event``. Its ``RELIST`` (start, or after a 410) replaces
  what we know, and only events new or changed since are shown, so a relist never repeats.
* ``pod``: one pod's containers (all of them unless one is named), resumable (log_follow.py).
* ``app``: every pod of an app across its targets, merged (log_apps.py).
* ``pods``: a cluster's pods with their containers, for a picker. Events are formatted and
  pods described in log_events.py.

A cluster that does not answer gives one gap marker (source = the cluster) and is retried
with backoff; the other sources keep flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Collection
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, NotFound
from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.services.events import EventBus, JournalAppended
from ccseone_tui.services.logs.apps import AppTarget, follow_container
from ccseone_tui.services.logs.events import RELIST_KEEP, PodRef, format_event
from ccseone_tui.services.logs.follow import Backoff, Target, containers_of
from ccseone_tui.services.logs.stream import LogRecord, LogStream

__all__ = ["LogRecord", "LogStream", "LogsService", "journal_line"]

JOURNAL_PAGE = 1000


def journal_line(entry: JournalEntry) -> str:
    """``alice  cluster.associate  east-1  → Succeeded  (120 ms)  error…``"""
    key = f"status.task.{entry.result}"
    result = t(key)
    result = entry.result if result == key else result
    text = f"{entry.user}  {entry.action}  {entry.target}  → {result}"
    if entry.duration_ms is not None:
        text += f"  ({entry.duration_ms:.0f} ms)"
    return text + (f"  {entry.error}" if entry.error else "")


def _reason(exc: BaseException) -> str:
    return exc.message if isinstance(exc, CcseoneError) else (str(exc) or type(exc).__name__)


def _uid(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    return str(meta.get("uid") or f"{meta.get('namespace')}/{meta.get('name')}")


def _version(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion", ""))


class LogsService:
    """Opens log streams. ``max_streams`` (Settings.log_max_streams) caps the pod streams of
    one `LogStream`; ``backoff`` and ``journal_poll`` are there for tests to shorten."""

    def __init__(self, store: Any, clusters: Any, tasks: Any, events: EventBus,
                 max_streams: int = 50) -> None:
        self._store = store
        self._clusters = clusters  # services.ClustersService
        self._tasks = tasks  # services.TasksService
        self._events = events
        self.max_streams = max_streams
        self.backoff: tuple[float, float] = (0.8, 30.0)
        self.journal_poll = 1.0

    def _backoff(self) -> Backoff:
        return Backoff(*self.backoff)

    def _stream(self) -> LogStream:
        return LogStream(max_streams=self.max_streams)

    # -- pickers -----------------------------------------------------------------------------

    async def pods(self, cluster: MemberCluster) -> list[PodRef]:
        """Every pod of the cluster with its containers, for a pod picker."""
        client = await self._clusters.client(cluster)
        pods = []
        for item in (await client.list("v1", "Pod")).get("items") or []:
            meta = item.get("metadata") or {}
            pods.append(PodRef(meta.get("namespace", ""), meta.get("name", ""),
                               (item.get("status") or {}).get("phase", ""), containers_of(item)))
        return sorted(pods, key=lambda p: (p.namespace, p.name))

    # -- the instance journal ----------------------------------------------------------------

    async def instance(self, instance: ControlInstance, *, follow: bool = True,
                       since: int | None = None, tail: int | None = None) -> LogStream:
        out = self._stream()
        out.spawn(self._journal(out, instance, follow, since, tail))
        # an instance on a hub: the hub's own Events about its clusters, CSRs and works
        engine = await self._clusters.engine_of(instance.id)
        if engine.members_from_control_plane:
            found = await engine.events_client()
            if found is not None:
                kinds = found[1]

                def about(event: dict[str, Any]) -> bool:
                    return (event.get("involvedObject") or {}).get("kind") in kinds

                async def hub_client() -> Any:  # again on each reconnect: a fresh client
                    return (await engine.events_client() or found)[0]

                out.spawn(self._cluster_events(out, None, follow, since, tail,
                                               source=f"hub:{instance.name}",
                                               client_for=hub_client, keep=about))
        return out

    async def _journal(self, out: LogStream, instance: ControlInstance, follow: bool,
                       since: int | None, tail: int | None) -> None:
        wake = asyncio.Event()

        def listener(event: object) -> None:
            if isinstance(event, JournalAppended) and event.entry.instance_id == instance.id:
                wake.set()

        self._events.subscribe(listener)
        try:
            history: list[JournalEntry] = []
            after = 0
            while True:  # every page of the history first, so since/tail apply to all of it
                page = await self._tasks.list_journal(instance.id, after, JOURNAL_PAGE)
                history += page
                after = page[-1].id if page else after
                if len(page) < JOURNAL_PAGE:
                    break
            if since is not None:
                history = [e for e in history if e.at >= time.time() - since]
            if tail is not None:
                history = history[-tail:] if tail else []
            self._put_entries(out, instance.name, history)
            while follow:
                wake.clear()  # before the read: an append during it wakes the next wait
                entries = await self._tasks.list_journal(instance.id, after, JOURNAL_PAGE)
                if entries:
                    after = entries[-1].id
                    self._put_entries(out, instance.name, entries)
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.journal_poll):
                        await wake.wait()
        finally:
            self._events.unsubscribe(listener)

    @staticmethod
    def _put_entries(out: LogStream, source: str, entries: list[JournalEntry]) -> None:
        for entry in entries:
            out.put(LogRecord(source, journal_line(entry), entry.at))

    # -- cluster events ----------------------------------------------------------------------

    async def cluster_events(self, cluster: MemberCluster, *, follow: bool = True,
                             since: int | None = None, tail: int | None = None) -> LogStream:
        out = self._stream()
        out.spawn(self._cluster_events(out, cluster, follow, since, tail))
        return out

    async def _cluster_events(self, out: LogStream, cluster: MemberCluster | None,
                              follow: bool, since: int | None, tail: int | None, *,
                              source: str | None = None, client_for: Any = None,
                              keep: Any = None) -> None:
        """Events of a member, or (``client_for`` + ``source``) of a hub, only those
        ``keep`` accepts."""
        name, backoff = source or (cluster.name if cluster else ""), self._backoff()

        def put(items: list[dict[str, Any]], since_: int | None, tail_: int | None) -> None:
            self._put_events(out, name, [i for i in items if keep is None or keep(i)],
                             since_, tail_)

        known: dict[str, str] = {}  # uid -> resourceVersion of every event shown
        first = True
        while True:
            try:
                client = await (client_for() if client_for else self._clusters.client(cluster))
                if not follow:
                    items = (await client.list("v1", "Event")).get("items") or []
                    put(items, since, tail)
                    return
                # once connected the watch reconnects by itself: mark the outage as a gap
                # while it does, and the recovery when it is back
                watch = client.watch(
                    "v1", "Event",
                    on_retry=lambda exc: out.gap(name, _reason(exc)),
                    on_connect=lambda: out.ok(name))
                try:
                    async for event in watch:
                        out.ok(name)
                        backoff.reset()
                        obj = event.object
                        if event.type == "RELIST":
                            items = obj.get("items") or []
                            fresh = {_uid(i): _version(i) for i in items}
                            new = [i for i in items if known.get(_uid(i)) != fresh[_uid(i)]]
                            if first:
                                put(new, since, tail or RELIST_KEEP)
                            else:
                                put(new, None, None)
                            known, first = fresh, False
                        elif event.type in ("ADDED", "MODIFIED"):
                            if known.get(_uid(obj)) != _version(obj):
                                known[_uid(obj)] = _version(obj)
                                put([obj], None, None)
                        elif event.type == "DELETED":
                            known.pop(_uid(obj), None)
                finally:
                    await watch.aclose()
            except CcseoneError as exc:
                out.gap(name, exc.message)
                if not follow:
                    return
                await asyncio.sleep(backoff.next_delay())

    @staticmethod
    def _put_events(out: LogStream, source: str, items: list[dict[str, Any]],
                    since: int | None, tail: int | None) -> None:
        lines = sorted((format_event(i) for i in items), key=lambda e: e.ts or 0.0)
        if since is not None:
            lines = [e for e in lines if (e.ts or 0.0) >= time.time() - since]
        if tail is not None:
            lines = lines[-tail:] if tail else []
        for line in lines:
            out.put(LogRecord(source, line.text, line.ts))

    # -- one pod -----------------------------------------------------------------------------

    async def pod(self, cluster: MemberCluster, namespace: str, pod: str, *,
                  container: str | None = None, previous: bool = False, follow: bool = True,
                  since: int | None = None, tail: int | None = None) -> LogStream:
        """Raises the API's error (pod not found …) here, before anything streams."""
        client = await self._clusters.client(cluster)
        if container:
            names = [container]
        else:
            names = containers_of(await client.get("v1", "Pod", pod, namespace=namespace))
        out = self._stream()
        for name in names:
            target = Target(cluster.name, namespace, pod, name, follow=follow, previous=previous,
                            since_seconds=since, tail_lines=tail)
            out.spawn(follow_container(out, client, target, self._backoff))
        return out

    # -- an app across its targets -----------------------------------------------------------

    async def app(self, instance: ControlInstance, app: str, *, follow: bool = True,
                  clusters: Collection[str] | None = None, since: int | None = None,
                  tail: int | None = None) -> LogStream:
        """Every pod of ``app`` on each target (only ``clusters`` if given). Raises
        ``NotFound`` for an unknown app, before anything streams."""
        record = await self._store.get_app(instance.id, app)
        if record is None:
            raise NotFound(kind=t("noun.app"), name=app)
        out = self._stream()
        template = Target("", "", "", "", follow=follow, since_seconds=since, tail_lines=tail)
        targets = 0
        for cluster_id, namespace in await self._store.app_targets(record.id):
            cluster = await self._clusters.get(cluster_id)
            if clusters is not None and cluster.name not in clusters:
                continue
            targets += 1
            tailer = AppTarget(out, self._clusters.client, self._follow_one(out), cluster,
                               namespace, app, template, self._backoff)
            out.spawn(tailer.run())
        if not targets:
            out.note(app, t("logs.note.no_targets", app=app))
        return out

    def _follow_one(self, out: LogStream) -> Any:
        async def follow_one(client: Any, target: Target) -> None:
            await follow_container(out, client, target, self._backoff)

        return follow_one

"""One container's log, followed across dropped connections without losing or repeating lines.

The kube adapter's ``logs()`` does not reconnect; this does. Lines are asked for with
``timestamps=true``; the kubelet's RFC 3339 prefix is stripped and kept (as integer ns, since
Go trims trailing zeros and the strings do not sort). After a drop the stream reopens with
``sinceTime`` = the last line's second (``sinceTime`` is second-precision on some servers, and
the API includes lines *at* it), then skips every line older than the last one seen and, at
that exact timestamp, as many copies of each text as were already shown. Lines without a
timestamp cannot be matched and pass through. A container that never sent a line reopens
with its first options (tail/since), so a silent pod may re-show its tail: documented.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, ClusterUnreachable, KubeApiError
from ccseone_tui.i18n import t
from ccseone_tui.services.logs.stream import LogRecord, LogStream

NS = 1_000_000_000
_seconds: dict[str, int] = {}  # "2025-06-15T15:06:40" -> epoch seconds; most lines share one


def stamp_ns(stamp: str) -> int | None:
    """RFC 3339 (``…:40.123456789Z`` or an offset) to epoch nanoseconds; ``None`` if not one."""
    if len(stamp) < 20 or stamp[4] != "-" or stamp[10] != "T":
        return None
    if stamp[-1] == "Z" and (len(stamp) == 20 or stamp[19] == "."):
        head, frac = stamp[:19], stamp[20:-1]
        secs = _seconds.get(head)
        if secs is None:
            try:
                secs = int(datetime.fromisoformat(head + "+00:00").timestamp())
            except ValueError:
                return None
            if len(_seconds) > 4096:
                _seconds.clear()
            _seconds[head] = secs
        if not frac:
            return secs * NS
        if not frac.isdigit() or len(frac) > 9:
            return None
        return secs * NS + int(frac.ljust(9, "0"))
    try:
        return int(datetime.fromisoformat(stamp).timestamp() * NS)
    except ValueError:
        return None


def split_stamp(line: str) -> tuple[int | None, str]:
    """``"<RFC3339> text"`` to ``(ns, text)``; ``(None, line)`` when there is no stamp."""
    head, sep, text = line.partition(" ")
    if sep:
        ns = stamp_ns(head)
        if ns is not None:
            return ns, text
    return None, line


def since_time(ns: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // NS))


class Backoff:
    """0.8 s doubling to 30 s, each wait times a random factor in [1, 1.25) so a fleet of
    streams cut at once does not reconnect at once; ``reset()`` when lines flow again."""

    def __init__(self, initial: float = 0.8, maximum: float = 30.0) -> None:
        self.initial, self.maximum = initial, maximum
        self._step = initial

    def reset(self) -> None:
        self._step = self.initial

    def next_delay(self) -> float:
        delay = min(self.maximum, self._step * random.uniform(1.0, 1.25))
        self._step = min(self.maximum, self._step * 2)
        return delay


@dataclass(frozen=True, slots=True)
class Target:
    """One container to follow, and what to ask for on the first connection."""

    cluster: str
    namespace: str
    pod: str
    container: str
    follow: bool = True
    previous: bool = False
    since_seconds: int | None = None
    tail_lines: int | None = None
    health: str = ""  # whose outage a failure marks: the cluster (apps) or this source

    @property
    def source(self) -> str:
        return f"{self.cluster}/{self.pod}/{self.container}"


_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_NON_FOLLOW_TRIES = 3


class PodFollower:
    """Streams one container into a `LogStream` until it ends, the pod goes away, or the
    stream is closed. ``sent`` counts lines delivered (tests and the bench read it)."""

    def __init__(self, client: Any, target: Target, out: LogStream,
                 backoff: Callable[[], Backoff] = Backoff) -> None:
        self.client = client
        self.target = target
        self.out = out
        self.backoff = backoff()
        self.sent = 0
        self.connections = 0
        self.last_ns: int | None = None
        self._at_last: Counter[str] = Counter()  # texts shown at last_ns, with multiplicity

    def _options(self) -> dict[str, Any]:
        tg = self.target
        opts: dict[str, Any] = {"container": tg.container, "follow": tg.follow,
                                "previous": tg.previous, "timestamps": True}
        if self.last_ns is not None:
            opts["since_time"] = since_time(self.last_ns)
        else:
            opts["since_seconds"] = tg.since_seconds
            opts["tail_lines"] = tg.tail_lines
        return opts

    async def run(self) -> None:
        tg, out = self.target, self.out
        health = tg.health or tg.source
        failures = 0
        while True:
            started, before = time.monotonic(), self.sent
            try:
                await self._read_once()
            except ClusterUnreachable as exc:
                failures += 1
                out.gap(health, exc.cause or str(exc))
                if not tg.follow and failures >= _NON_FOLLOW_TRIES:
                    return
                await asyncio.sleep(self.backoff.next_delay())
                continue
            except KubeApiError as exc:
                if exc.status == 404:
                    out.note(tg.source, t("logs.note.pod_gone"))
                    return
                waiting = exc.status == 400 and "waiting to start" in exc.api_message
                if exc.status in _RETRY_STATUSES or waiting:
                    if not waiting:
                        out.gap(health, exc.message)
                    await asyncio.sleep(self.backoff.next_delay())
                    continue
                out.gap(tg.source, exc.message)
                return
            if self.sent > before:
                failures = 0
            if not tg.follow:
                return
            # The server ended a follow: the container stopped, the pod went, or the server
            # closed it (restart, timeout). Only the pod's state tells which.
            ended = await self._ended()
            if ended:
                out.note(tg.source, ended)
                return
            if self.sent == before and time.monotonic() - started < 1.0:
                await asyncio.sleep(self.backoff.next_delay())

    async def _read_once(self) -> None:
        tg, out = self.target, self.out
        source, put, room = tg.source, out.put, out.room
        last, at_last = self.last_ns, self._at_last
        skip = Counter(at_last) if last is not None else None
        stream = self.client.logs(tg.namespace, tg.pod, **self._options())
        self.connections += 1
        first = True
        try:
            async for raw in stream:
                ns, text = split_stamp(raw)
                if ns is not None:
                    if last is not None and ns <= last:
                        if ns < last:
                            continue
                        if skip and skip[text] > 0:  # already shown before the drop
                            skip[text] -= 1
                            continue
                        at_last[text] += 1
                    else:
                        last = self.last_ns = ns
                        at_last.clear()
                        at_last[text] = 1
                        skip = None
                if first:
                    first = False
                    self.backoff.reset()
                    out.ok(tg.health or source)
                self.sent += 1
                put(LogRecord(source, text, None if ns is None else ns / NS))
                await room()
        finally:
            await stream.aclose()

    async def _ended(self) -> str | None:
        """Why the stream ended for good, or ``None`` if it should reopen."""
        tg = self.target
        try:
            pod = await self.client.get("v1", "Pod", tg.pod, namespace=tg.namespace)
        except KubeApiError as exc:
            return t("logs.note.pod_gone") if exc.status == 404 else None
        except CcseoneError:
            return None  # unreachable: the reopen will report it
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            return t("logs.note.pod_gone")
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        for status in statuses:
            if status.get("name") == tg.container and "terminated" in (status.get("state") or {}):
                return t("logs.note.container_exited")
        return None


def containers_of(pod: dict[str, Any]) -> list[str]:
    return [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or []]


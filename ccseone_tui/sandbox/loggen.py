"""Deterministic synthetic container logs.

Line ``n`` of a container is a pure function of (namespace/pod, container, n), and its
timestamp a pure function of the container's start time, ``n`` and the cluster's rate
schedule. So a client resuming with ``sinceTime=<last timestamp>`` gets exactly the lines
after the ones it has, whatever happened in between.
"""

from __future__ import annotations

import hashlib
import json
import time

from ccseone_tui.sandbox.clock import NS, rfc3339_nano
from ccseone_tui.sandbox.faults import RateSchedule

_METHODS = ("GET", "GET", "GET", "POST", "PUT", "DELETE")
_PATHS = (
    "/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/users/{id}", "/api/v1/cart",
    "/healthz", "/metrics", "/api/v1/items?page={id}", "/login", "/static/app.js",
    "/api/v2/search?q=k8s", "/api/v1/payments/{id}/confirm",
)
_AGENTS = ("kube-probe/1.30", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Go-http-client/1.1")
_INFO = (
    "processed batch id={id} items={n} in {ms}ms", "cache hit ratio {pct}%",
    "connected to upstream redis-{k}:6379", "flushed {n} metrics to collector",
    "reconciled {n} objects in {ms}ms", "scheduled job sync-{id}",
)
_WARN = (
    "slow query took {ms}ms: SELECT * FROM orders WHERE id={id}",
    "retrying request to inventory-svc (attempt {k}/5)",
    "connection pool near capacity: {n}/64 in use", "deprecated header X-Api-Key used",
)
_ERROR = (
    "upstream timed out after {ms}ms calling payment-svc",
    "dial tcp 10.96.{k}.{n}:5432: connect: connection refused",
    "failed to process message id={id}: invalid JSON payload",
    "context deadline exceeded while fetching /api/v1/users/{id}",
)


def _clf_time(ns: int) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ns // NS))


class LogSource:
    """The lines of one container, from its start until ``end_ns`` (None = still running)."""

    def __init__(
        self,
        schedule: RateSchedule,
        pod: str,
        container: str,
        start_ns: int,
        end_ns: int | None = None,
    ) -> None:
        self._schedule = schedule
        self._seed = f"{pod}/{container}/".encode()
        self._container = container
        self._p0 = schedule.progress(start_ns)
        self.end_ns = end_ns

    def _digest(self, n: int) -> bytes:
        return hashlib.blake2b(self._seed + str(n).encode(), digest_size=16).digest()

    def line_time(self, n: int) -> int | None:
        """Timestamp (ns) of line ``n``; None when the current rate never reaches it.
        A per-line jitter under half a line keeps times strictly increasing."""
        jitter = self._digest(n)[0] / 512.0
        t = self._schedule.time_at(self._p0 + n + jitter)
        if t is None or (self.end_ns is not None and t > self.end_ns):
            return None
        return t

    def first_at_or_after(self, t_ns: int) -> int:
        """Index of the first line whose time is >= ``t_ns``."""
        n = max(0, int(self._schedule.progress(t_ns) - self._p0) - 1)
        while n > 0 and (lt := self.line_time(n - 1)) is not None and lt >= t_ns:
            n -= 1
        while (lt := self.line_time(n)) is not None and lt < t_ns:
            n += 1
        return n

    def count_at(self, t_ns: int) -> int:
        """How many lines have been written by ``t_ns``."""
        return self.first_at_or_after(t_ns + 1)

    def render(self, n: int, t_ns: int) -> str:
        d = self._digest(n)
        if n < 3:
            return (
                f"{rfc3339_nano(t_ns)} INFO  starting {self._container} "
                f"version 1.{d[1] % 9}.{d[2] % 20}",
                f"{rfc3339_nano(t_ns)} INFO  listening on 0.0.0.0:{8000 + d[1] % 100}",
                f"{rfc3339_nano(t_ns)} INFO  ready to serve requests",
            )[n]
        roll = d[3] / 255
        level = (
            "ERROR" if roll < 0.03 else "WARN" if roll < 0.11
            else "DEBUG" if roll < 0.12 else "INFO"
        )
        vals = {
            "id": int.from_bytes(d[4:7], "big") % 100000, "n": d[7] % 200 + 1,
            "ms": (d[8] << 2) % 2000 + 1, "pct": d[9] % 100, "k": d[10] % 8 + 1,
        }
        style = d[11] % 20
        path = _PATHS[d[12] % len(_PATHS)].format(**vals)
        if level == "ERROR":
            status = 500 + d[13] % 4
        else:
            status = 404 if level == "WARN" and d[13] % 2 else 200
        if style < 8:
            return (
                f'10.244.{d[14] % 4}.{d[15] % 250 + 2} - - [{_clf_time(t_ns)}] '
                f'"{_METHODS[d[1] % len(_METHODS)]} {path} HTTP/1.1" {status} '
                f'{(d[5] << 3) + 120} "-" "{_AGENTS[d[2] % len(_AGENTS)]}" '
                f"rt={vals['ms'] / 1000:.3f}"
            )
        if style < 15:
            pool = _ERROR if level == "ERROR" else _WARN if level == "WARN" else _INFO
            return json.dumps({
                "time": rfc3339_nano(t_ns), "level": level.lower(),
                "logger": self._container, "msg": pool[d[14] % len(pool)].format(**vals),
                "path": path, "status": status, "duration_ms": vals["ms"],
                "request_id": d[:6].hex(),
            }, separators=(",", ":"))
        pool = _ERROR if level == "ERROR" else _WARN if level == "WARN" else _INFO
        return (
            f"{rfc3339_nano(t_ns)} {level:<5} [worker-{d[15] % 8}] "
            + pool[d[14] % len(pool)].format(**vals)
        )

"""Fault injection knobs of one sandbox cluster (``SandboxCluster.faults``).

Plain attributes read on every request, so tests flip them at any time:
``latency_ms`` (delay before every response), ``error_rate`` (fraction answered 500),
``version`` (what /version reports), ``throttle_next``/``retry_after`` (429s),
``log_rate`` (synthetic log lines per second per container), ``stream_protocols`` (what
exec negotiates), ``drop_streams()`` (watches, logs, exec sessions, port-forwards).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ccseone_tui.sandbox.clock import NS, now_ns


class RateSchedule:
    """Piecewise-constant log rate over time, so that changing the rate at runtime never
    renumbers lines already written: line N of a container started at ``t0`` is the N-th
    unit of ``progress`` after ``progress(t0)``."""

    def __init__(self, rate: float, start_ns: int) -> None:
        # (segment start ns, progress at that start, lines per second)
        self._segments: list[tuple[int, float, float]] = [(start_ns, 0.0, max(0.0, rate))]

    @property
    def rate(self) -> float:
        return self._segments[-1][2]

    def set_rate(self, rate: float, at_ns: int | None = None) -> None:
        at = now_ns() if at_ns is None else at_ns
        at = max(at, self._segments[-1][0])
        self._segments.append((at, self.progress(at), max(0.0, rate)))

    def progress(self, t_ns: int) -> float:
        for start, base, rate in reversed(self._segments):
            if t_ns >= start:
                return base + (t_ns - start) * rate / NS
        start, base, _ = self._segments[0]
        return base - (start - t_ns) * self._segments[0][2] / NS

    def time_at(self, progress: float) -> int | None:
        """The first time ``progress`` is reached; None if never at the current rate."""
        segs = self._segments
        start0, base0, rate0 = segs[0]
        if progress < base0:
            return start0 - int((base0 - progress) / rate0 * NS) if rate0 > 0 else start0
        for i, (start, base, rate) in enumerate(segs):
            last = i + 1 == len(segs)
            if progress <= base:
                return start
            if last or progress < segs[i + 1][1]:
                if rate <= 0:
                    return None
                return start + int((progress - base) / rate * NS)
        return None


class Faults:
    def __init__(
        self,
        *,
        latency_ms: float = 0.0,
        version: str = "v1.30.2",
        log_rate: float = 5.0,
        seed: int | str = 0,
    ) -> None:
        self.latency_ms = float(latency_ms)
        self.error_rate = 0.0
        self.version = version
        self.throttle_next = 0
        self.retry_after = 1
        # Seconds a Job's pods run before they succeed (0 = at once).
        self.job_duration_s = 1.0
        # WebSocket subprotocols exec serves, most wanted first ("v4.channel.k8s.io" alone:
        # an API server before 1.29, without the v5 close signal)
        self.stream_protocols: tuple[str, ...] = ("v5.channel.k8s.io", "v4.channel.k8s.io")
        self.rng = random.Random(str(seed))
        self.log_schedule = RateSchedule(log_rate, now_ns())
        self._stream_stoppers: set[Callable[[bool], None]] = set()
        self._rate_listeners: set[Callable[[], None]] = set()

    @property
    def log_rate(self) -> float:
        return self.log_schedule.rate

    @log_rate.setter
    def log_rate(self, value: float) -> None:
        self.log_schedule.set_rate(float(value))
        for wake in list(self._rate_listeners):
            wake()

    def drop_streams(self, abrupt: bool = True) -> int:
        """End every open watch and log stream now; with ``abrupt`` the connection is cut
        without the final chunk (like an API server restart), else the stream ends cleanly.
        Returns how many streams were dropped."""
        stoppers = list(self._stream_stoppers)
        for stop in stoppers:
            stop(abrupt)
        return len(stoppers)

    # Used by the stream handlers.
    def register_stream(self, stop: Callable[[bool], None]) -> None:
        self._stream_stoppers.add(stop)

    def unregister_stream(self, stop: Callable[[bool], None]) -> None:
        self._stream_stoppers.discard(stop)

    def on_rate_change(self, wake: Callable[[], None], add: bool = True) -> None:
        if add:
            self._rate_listeners.add(wake)
        else:
            self._rate_listeners.discard(wake)

    @property
    def open_streams(self) -> int:
        return len(self._stream_stoppers)

    def should_fail(self) -> bool:
        return self.error_rate > 0 and self.rng.random() < self.error_rate

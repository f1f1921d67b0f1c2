"""Time as the API server writes it: RFC3339 (seconds) in objects, RFC3339Nano in logs,
``5d``/``3h2m`` ages in tables. Times are kept as integer nanoseconds so that log
timestamps survive a round trip through ``sinceTime`` exactly."""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime
from typing import Any

from ccseone_tui.domain.durations import human_duration

NS = 1_000_000_000


def now_ns() -> int:
    return time.time_ns()


_last: list[Any] = [-1, ""]  # (second, its text): thousands of objects share a second


def rfc3339(ns: int | None = None) -> str:
    """``2024-05-01T10:00:00Z`` — what metadata.creationTimestamp and friends hold."""
    secs = (now_ns() if ns is None else ns) // NS
    if secs != _last[0]:
        _last[0], _last[1] = secs, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs))
    return _last[1]


def new_uid() -> str:
    """A random (version 4 shaped) UUID string, cheaper than str(uuid.uuid4())."""
    h = f"{random.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def rfc3339_nano(ns: int) -> str:
    """Go's RFC3339Nano: fractional seconds with trailing zeros trimmed (as the kubelet
    writes log timestamps)."""
    secs, frac = divmod(ns, NS)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if frac:
        return f"{base}.{frac:09d}".rstrip("0") + "Z"
    return base + "Z"


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|z|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> int | None:
    """Nanoseconds since the epoch, or None when ``text`` is not RFC3339."""
    m = _RFC3339.match(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, frac, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=UTC)
    except ValueError:
        return None
    secs = int(dt.timestamp())
    if tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        secs -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    nanos = int((frac or "").ljust(9, "0")) if frac else 0
    return secs * NS + nanos


def age_of(timestamp: str | None, now: int | None = None) -> str:
    if not timestamp:
        return "<unknown>"
    ns = parse_rfc3339(timestamp)
    if ns is None:
        return "<unknown>"
    return human_duration(((now_ns() if now is None else now) - ns) / NS)


def rfc3339_micro(seconds: float) -> str:
    """metav1.MicroTime (``2024-05-01T10:00:00.123456Z``), what Lease.spec.renewTime holds."""
    whole = int(seconds)
    micros = round((seconds - whole) * 1_000_000)
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{micros:06d}Z"


class OffsetClock:
    """Wall-clock seconds plus an offset that tests advance, so lease grace periods expire
    at once instead of after a real wait (shared by an emulated OCM hub and its agents)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

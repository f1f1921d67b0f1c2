"""Durations as kubectl prints them (AGE, LAST SEEN), shared by the fleet view and the
sandbox so both read like ``kubectl get``."""

from __future__ import annotations

import re


def human_duration(seconds: float) -> str:
    """kubectl's ``duration.HumanDuration``: ``45s``, ``3m12s``, ``47m``, ``5h3m``, ``30h``,
    ``3d4h``, ``12d``, ``2y45d`` — so the AGE column reads like ``kubectl get``."""
    s = int(seconds)
    if s < 0:
        s = 0
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


_UNITS = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([ydhms])")


def age_seconds(text: str) -> float:
    """Sort key for an age cell (``3d4h`` -> seconds); ``<unknown>`` sorts last."""
    parts = _PART.findall(text)
    if not parts:
        return float("inf")
    return float(sum(int(n) * _UNITS[u] for n, u in parts))

"""Ordering chart versions the way Helm does: semantic versions, newest first, pre-releases
below their release; whatever does not parse sorts last, by name."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEMVER = re.compile(
    r"^v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)

Key = tuple[int, int, int, int, int, tuple[tuple[int, int, str], ...], str]


def _pre_key(pre: str | None) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    if not pre:
        return 1, ()  # a release ranks above any of its pre-releases
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return 0, parts


def version_key(version: str) -> Key:
    """Ascending sort key; unparseable versions rank below every parseable one."""
    m = _SEMVER.match(version.strip())
    if not m:
        return (0, 0, 0, 0, 0, (), version)
    rank, pre = _pre_key(m.group("pre"))
    return (1, int(m.group("major")), int(m.group("minor") or 0), int(m.group("patch") or 0),
            rank, pre, version)


def newest_first(versions: Iterable[str]) -> list[str]:
    """Unique versions, newest first."""
    return sorted(set(versions), key=version_key, reverse=True)


def is_semver(version: str) -> bool:
    return bool(_SEMVER.match(version.strip()))

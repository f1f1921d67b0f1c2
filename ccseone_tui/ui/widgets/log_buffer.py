"""The log view's model: a bounded ring of lines, a filter index and search matches.

No Textual here, so the expensive parts (regex over every line, trimming, save) are tested
and benchmarked without an app. Lines get an absolute id when they arrive (``0, 1, 2, …``
for the buffer's life); the filter index and the match list hold ids, so dropping lines off
the front is a bisect and a slice, and a scroll anchor survives both drops and new lines.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ccseone_tui.ui.widgets.log_source import short_source

__all__ = [
    "JSON_COMPACT",
    "JSON_INDENT",
    "JSON_OFF",
    "LogBuffer",
    "LogLine",
    "compile_pattern",
    "format_json",
    "parse_json_object",
    "write_atomic",
]

JSON_OFF, JSON_COMPACT, JSON_INDENT = 0, 1, 2
_COMPACT_AT = 4096
"""Trimmed slots at the list's head are reclaimed in one slice once this many pile up."""
_FIRST_KEYS = ("ts", "time", "timestamp", "level", "lvl", "severity", "msg", "message")


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line as a producer hands it over. ``seq`` is the producer's own order number."""

    source: str
    text: str
    ts: float | None = None
    seq: int = 0
    gap: bool = False
    """A marker the view drew itself (a stream broke), not a line of the log."""


def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """Smart case, as in ripgrep and vim: case-insensitive unless the pattern has a capital.

    An empty pattern is ``None`` (no filter); an invalid one raises ``re.error``.
    """
    if not pattern:
        return None
    flags = 0 if any(ch.isupper() for ch in pattern) else re.IGNORECASE
    return re.compile(pattern, flags)


class LogBuffer:
    """At most ``max_lines`` lines, oldest dropped first and counted in ``dropped``."""

    def __init__(self, max_lines: int = 50_000) -> None:
        if max_lines < 1:
            raise ValueError("max_lines must be at least 1")
        self.max_lines = max_lines
        # Columns, not LogLine objects: strings and floats are not tracked by the cyclic GC,
        # so 50k kept lines cost a full collection almost nothing (objects would cost ~100 ms
        # a pass at 100k lines/s). The batch's LogLine objects die young.
        self._src: list[str] = []
        self._text: list[str] = []
        self._ts: list[float | None] = []
        self._seq: list[int] = []
        self._gap: list[bool] = []
        self._head = 0  # index in the columns of the oldest kept line
        self._end = 0  # id the next line gets
        self.dropped = 0
        self.ingested = 0
        self.filter: re.Pattern[str] | None = None
        self.sources: frozenset[str] | None = None
        self.search: re.Pattern[str] | None = None
        self._source_ok: dict[str, bool] = {}
        self._visible: list[int] | None = None  # ids passing the filters; None: every line
        self._matches: list[int] = []  # visible ids whose text the search finds
        self.source_width = 0
        self.short_width = 0  # the same, of the short (stern-style) names
        """The widest source name seen, in characters (for an aligned prefix)."""
        self.generation = 0
        """Bumped whenever the visible lines change other than by appending."""

    # -- lines -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._text) - self._head

    @property
    def first_id(self) -> int:
        return self._end - len(self)

    @property
    def end_id(self) -> int:
        return self._end

    def line(self, line_id: int) -> LogLine:
        k = self._head + line_id - self.first_id
        return LogLine(self._src[k], self._text[k], self._ts[k], self._seq[k], self._gap[k])

    def _columns(self) -> tuple[list[str], list[str], list[float | None], list[int], list[bool]]:
        return self._src, self._text, self._ts, self._seq, self._gap

    def append(self, lines: Iterable[LogLine]) -> int:
        """Add lines at the end, dropping the oldest past the bound. Returns how many of the
        new lines pass the filters (what a paused view counts as new)."""
        new = lines if isinstance(lines, list) else list(lines)
        if not new:
            return 0
        self.ingested += len(new)
        if len(new) > self.max_lines:  # only the tail of a huge batch can stay
            skipped = len(new) - self.max_lines
            self._end += skipped
            self.dropped += skipped
            new = new[skipped:]
        self._note_sources(new)
        start = self._end
        self._src.extend([line.source for line in new])
        self._text.extend([line.text for line in new])
        self._ts.extend([line.ts for line in new])
        self._seq.extend([line.seq for line in new])
        self._gap.extend([line.gap for line in new])
        self._end += len(new)
        shown: Iterable[tuple[int, LogLine]] = enumerate(new, start)
        added = len(new)
        if self._visible is not None:
            keep = self._keep
            shown = [(i, line) for i, line in shown if keep(line.source, line.text, line.gap)]
            self._visible.extend(i for i, _ in shown)
            added = len(shown)
        search = self.search
        if search is not None:
            found = search.search
            self._matches.extend(i for i, line in shown if not line.gap and found(line.text))
        excess = len(self) - self.max_lines
        if excess > 0:
            self._drop(excess)
        return added

    def _note_sources(self, lines: list[LogLine]) -> None:
        seen = self._source_ok
        for source in {line.source for line in lines}:
            if source not in seen:
                seen[source] = self._source_passes(source)
                self.source_width = max(self.source_width, len(source))
                self.short_width = max(self.short_width, len(short_source(source)))

    def _drop(self, count: int) -> None:
        self._head += count
        self.dropped += count
        first = self.first_id
        if self._visible is not None:
            del self._visible[: bisect_left(self._visible, first)]
        if self._matches:
            del self._matches[: bisect_left(self._matches, first)]
        if self._head >= max(_COMPACT_AT, self.max_lines // 4):
            for column in self._columns():
                del column[: self._head]
            self._head = 0

    def clear(self) -> None:
        """Forget every line (the counters of ingested and dropped lines too)."""
        for column in self._columns():
            column.clear()
        self._head = 0
        self.dropped = self.ingested = 0
        self._matches.clear()
        if self._visible is not None:
            self._visible.clear()
        self.generation += 1

    def iter_lines(self, visible_only: bool = False) -> Iterator[LogLine]:
        if visible_only and self._visible is not None:
            line = self.line
            return (line(i) for i in self._visible)
        return map(self.line, range(self.first_id, self._end))

    # -- the visible lines -------------------------------------------------------------------

    @property
    def visible_count(self) -> int:
        return len(self) if self._visible is None else len(self._visible)

    @property
    def filtered(self) -> bool:
        return self._visible is not None

    def visible_id(self, index: int) -> int:
        """The id of the line at a visible index."""
        return self.first_id + index if self._visible is None else self._visible[index]

    def visible_index(self, line_id: int) -> int:
        """Where ``line_id`` is (or would be) among the visible lines; 0 if it was dropped."""
        if self._visible is None:
            return max(0, line_id - self.first_id)
        return bisect_left(self._visible, line_id)

    def _source_passes(self, source: str) -> bool:
        wanted = self.sources
        if wanted is None:
            return True
        return source in wanted or any(source.startswith(f"{s}/") for s in wanted)

    def _keep(self, source: str, text: str, gap: bool) -> bool:
        if not self._source_ok[source]:
            return False
        pattern = self.filter
        return gap or pattern is None or pattern.search(text) is not None

    def set_filter(self, pattern: str) -> None:
        """Show only lines whose text matches ``pattern`` (smart case; "" shows all).

        Raises ``re.error`` and changes nothing when the pattern is invalid. Gap markers
        always pass, so a filtered view still shows where a stream broke.
        """
        self.filter = compile_pattern(pattern)
        self._refilter()

    def set_sources(self, sources: Collection[str] | None) -> None:
        """Show only lines of these sources, or of sources under them (``cluster`` keeps
        ``cluster/pod/container``); ``None`` shows every source."""
        self.sources = None if sources is None else frozenset(sources)
        self._source_ok = {source: self._source_passes(source) for source in self._source_ok}
        self._refilter()

    def known_sources(self) -> list[str]:
        return sorted(self._source_ok)

    def _refilter(self) -> None:
        if self.filter is None and self.sources is None:
            self._visible = None
        else:
            keep, src, text, gap = self._keep, self._src, self._text, self._gap
            first = self.first_id - self._head
            self._visible = [
                first + k for k in range(self._head, len(text)) if keep(src[k], text[k], gap[k])
            ]
        self.generation += 1
        self._research()

    # -- search ------------------------------------------------------------------------------

    def set_search(self, pattern: str) -> None:
        """Find ``pattern`` (smart case) among the visible lines; raises ``re.error``."""
        self.search = compile_pattern(pattern)
        self._research()

    def _research(self) -> None:
        self._matches = []
        search = self.search
        if search is None:
            return
        if self._visible is None:
            ids: Iterable[int] = range(self.first_id, self._end)
        else:
            ids = self._visible
        text, gap, offset = self._text, self._gap, self._head - self.first_id
        found = search.search
        self._matches = [i for i in ids if not gap[i + offset] and found(text[i + offset])]

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def is_match(self, line_id: int) -> bool:
        k = bisect_left(self._matches, line_id)
        return k < len(self._matches) and self._matches[k] == line_id

    def match_ordinal(self, line_id: int) -> int:
        """1-based position of a matching line among the matches (0: not a match)."""
        return bisect_left(self._matches, line_id) + 1 if self.is_match(line_id) else 0

    def next_match(self, after: int | None, wrap: bool = True) -> int | None:
        """The first match after id ``after`` (``None``: from the start), wrapping around."""
        matches = self._matches
        if not matches:
            return None
        k = 0 if after is None else bisect_right(matches, after)
        if k < len(matches):
            return matches[k]
        return matches[0] if wrap else None

    def previous_match(self, before: int | None, wrap: bool = True) -> int | None:
        """The last match before id ``before`` (``None``: from the end), wrapping around."""
        matches = self._matches
        if not matches:
            return None
        k = len(matches) if before is None else bisect_left(matches, before)
        if k > 0:
            return matches[k - 1]
        return matches[-1] if wrap else None

    # -- saving ------------------------------------------------------------------------------

    def export(self, visible_only: bool = True) -> list[str]:
        """The lines as text for a file: ISO time (UTC), source, text; gaps as markers."""
        out = []
        for line in self.iter_lines(visible_only):
            if line.gap:
                out.append(f"── {line.text} ──")
                continue
            parts = [format_iso(line.ts)] if line.ts is not None else []
            if line.source:
                parts.append(line.source)
            parts.append(line.text)
            out.append(" ".join(parts))
        return out


def format_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


# -- JSON lines ------------------------------------------------------------------------------


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The object a structured log line holds, or ``None`` if it is not a JSON object."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if (not value or " " in value) else value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def format_json(text: str, mode: int) -> str:
    """``text`` as shown in a JSON mode: ``key=value …`` (time, level, message first) or
    indented; unchanged when the mode is off or the line is not a JSON object."""
    if mode == JSON_OFF:
        return text
    obj = parse_json_object(text)
    if obj is None:
        return text
    if mode == JSON_INDENT:
        return json.dumps(obj, ensure_ascii=False, indent=2)
    first = [key for key in _FIRST_KEYS if key in obj]
    keys = first + [key for key in obj if key not in first]
    return " ".join(f"{key}={_scalar(obj[key])}" for key in keys)


def write_atomic(path: Path, lines: Sequence[str]) -> int:
    """Write ``lines`` to ``path`` through a temporary file in the same directory (mode
    0600: logs can hold secrets) and a rename, so a reader never sees half a file."""
    path = path.expanduser()
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(f"{line}\n" for line in lines)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(lines)

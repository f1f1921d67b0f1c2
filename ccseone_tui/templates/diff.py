"""Side-by-side diff of two multi-document manifests, written on ``difflib``.

The inputs are what a revision stores (``render.to_yaml``: ``---`` / ``# Source: …`` / YAML
per object) or any multi-document YAML. Each object is parsed, stripped of the fields the
API server manages (they change on every read and say nothing about the release), paired
with its counterpart by ``Kind/namespace/name`` and dumped again the same way on both sides,
so a difference on screen is a difference in what would be applied.

The result is a list of display rows: a header per object, aligned line pairs (replaced
lines carry intra-line character spans), and :class:`Fold` rows for unchanged stretches.
Everything is plain data (no Textual): the TUI widget and the CLI printers both read it.
Reading a side is `diff_parse`; an object whose normalized text is unchanged is never
line-diffed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from ccseone_tui.templates.diff_parse import (
    LAST_APPLIED,
    SERVER_METADATA,
    ManifestParseError,
    ParsedDoc,
    parse_manifest,
)

__all__ = [
    "LAST_APPLIED",
    "SERVER_METADATA",
    "DiffRow",
    "DiffStats",
    "Fold",
    "ManifestDiff",
    "ManifestParseError",
    "ObjectDiff",
    "ResourceDiff",
    "diff_manifests",
    "unified",
    "unified_lines",
]

Tag = Literal["equal", "replace", "delete", "insert", "header"]
Status = Literal["added", "removed", "changed", "unchanged"]
Span = tuple[int, int]

CHANGE_TAGS = frozenset(("replace", "delete", "insert"))
SIMILAR = 0.5
"""Two replaced lines closer than this (difflib ratio) get intra-line spans; others are
shown as wholly different."""
_PAIR_LIMIT = 400
"""Replace blocks up to this many line pairs are aligned by similarity; bigger ones pair in
order (the alignment is quadratic)."""
_AUTOJUNK_FROM = 2000
"""Objects this long let difflib ignore very common lines (fast on huge ConfigMaps);
shorter ones get the exact diff."""
_TOKEN = re.compile(r"[\w.\-]+|\s+|[^\w\s]")
"""Intra-line tokens: an image tag ``1.25`` or a quantity ``500m`` changes as one word."""


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One screen row: the old line on the left, the new one on the right.

    ``left_no``/``right_no`` are 1-based line numbers within the object's normalized text
    (None where the side is empty). On a ``replace`` row the spans mark the characters that
    differ; empty spans on a replace row mean the two lines are not alike at all (the whole
    line changed). A ``header`` row starts an object and holds its key on the side(s) it
    exists on.
    """

    tag: Tag
    left_no: int | None
    left: str
    right_no: int | None
    right: str
    left_spans: tuple[Span, ...] = ()
    right_spans: tuple[Span, ...] = ()
    resource: int = 0


@dataclass(frozen=True, slots=True)
class Fold:
    """Unchanged lines hidden behind one row; :meth:`rows` gives them back."""

    tag: ClassVar[str] = "fold"
    resource: int
    left_start: int  # 0-based index into the object's old lines
    right_start: int
    hidden: int
    old_lines: Sequence[str] = field(repr=False, compare=False, default=())

    def rows(self) -> list[DiffRow]:
        lines, a, b = self.old_lines, self.left_start, self.right_start
        return [DiffRow("equal", a + k + 1, lines[a + k], b + k + 1, lines[a + k],
                        resource=self.resource) for k in range(self.hidden)]


@dataclass(frozen=True, slots=True)
class ResourceDiff:
    key: str
    status: Status
    row: int  # index of the object's header row in ManifestDiff.rows
    added: int = 0
    removed: int = 0
    changed: int = 0
    old_source: str = ""
    new_source: str = ""

    @property
    def marker(self) -> str:
        return {"added": "+", "removed": "-", "changed": "~", "unchanged": "="}[self.status]


@dataclass(frozen=True, slots=True)
class DiffStats:
    added: int = 0  # insert rows (lines only on the right)
    removed: int = 0  # delete rows (lines only on the left)
    changed: int = 0  # replace rows (a left line became a right line)
    objects_added: int = 0
    objects_removed: int = 0
    objects_changed: int = 0
    objects_unchanged: int = 0

    @property
    def objects_differing(self) -> int:
        return self.objects_added + self.objects_removed + self.objects_changed

    @property
    def objects(self) -> int:
        return self.objects_differing + self.objects_unchanged


@dataclass(slots=True)
class ObjectDiff:
    """One paired object: its normalized lines on each side and the aligned segments."""

    key: str
    status: Status
    old_lines: list[str]
    new_lines: list[str]
    old_source: str = ""
    new_source: str = ""
    # ("equal", i, j, n) or ("change", rows) in order
    segments: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(slots=True)
class ManifestDiff:
    rows: list[DiffRow | Fold]
    resources: list[ResourceDiff]
    changes: list[int]
    stats: DiffStats
    objects: list[ObjectDiff]
    context: int = 3

    @property
    def identical(self) -> bool:
        return self.stats.objects_differing == 0

    @property
    def folds(self) -> int:
        return sum(1 for row in self.rows if isinstance(row, Fold))

    def expand(self, index: int) -> ManifestDiff:
        """A copy with the fold at ``rows[index]`` replaced by its lines (no-op otherwise)."""
        fold = self.rows[index]
        if not isinstance(fold, Fold):
            return self
        rows = [*self.rows[:index], *fold.rows(), *self.rows[index + 1:]]
        return _assemble(rows, self.objects, self.stats, self.context)

    def unfolded(self) -> ManifestDiff:
        """Every line shown."""
        return _assemble(_layout(self.objects, None), self.objects, self.stats, self.context)

    def as_unified(self) -> ManifestDiff:
        """The same rows in one column, as a unified diff reads: each block of changes
        becomes its old lines (``delete`` rows, spans kept) then its new lines (``insert``).
        Folds, headers and equal rows stay; ``changes`` and ``resources`` follow."""
        rows: list[DiffRow | Fold] = []
        block: list[DiffRow] = []

        def flush() -> None:
            rows.extend(DiffRow("delete", r.left_no, r.left, None, "", r.left_spans, (),
                                r.resource) for r in block if r.left_no is not None)
            rows.extend(DiffRow("insert", None, "", r.right_no, r.right, (), r.right_spans,
                                r.resource) for r in block if r.right_no is not None)
            block.clear()

        for row in self.rows:
            if row.tag in CHANGE_TAGS:
                block.append(row)  # type: ignore[arg-type]
            else:
                flush()
                rows.append(row)
        flush()
        return _assemble(rows, self.objects, self.stats, self.context)

    def refolded(self, context: int | None = None) -> ManifestDiff:
        """Folded again (with another context if given)."""
        ctx = self.context if context is None else context
        return _assemble(_layout(self.objects, ctx), self.objects, self.stats, ctx)

    def resource_at(self, row: int) -> int:
        """Index into ``resources`` of the object a row belongs to."""
        if not self.rows:
            return 0
        return self.rows[max(0, min(row, len(self.rows) - 1))].resource


def _order(old: list[ParsedDoc], new: list[ParsedDoc]) -> list[str]:
    """New order; a removed object goes right after the old object it followed."""
    order = [d.key for d in new]
    present = set(order)
    after: dict[str | None, list[str]] = {}
    previous: str | None = None
    for doc in old:
        if doc.key in present:
            previous = doc.key
        else:
            after.setdefault(previous, []).append(doc.key)
    out = list(after.get(None, []))
    for key in order:
        out.append(key)
        out += after.get(key, [])
    return out


# ---- line alignment -------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    a, b = a.strip(), b.strip()  # indentation alone must not make two lines alike
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() <= SIMILAR or matcher.quick_ratio() <= SIMILAR:
        return 0.0
    return matcher.ratio()


def _spans(a: str, b: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Character spans that differ, found word by word (a tag changes as a whole)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    oa = [0]
    for token in ta:
        oa.append(oa[-1] + len(token))
    ob = [0]
    for token in tb:
        ob.append(ob[-1] + len(token))
    left: list[Span] = []
    right: list[Span] = []
    ops = difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if i2 > i1:
            _add_span(left, oa[i1], oa[i2])
        if j2 > j1:
            _add_span(right, ob[j1], ob[j2])
    return tuple(left), tuple(right)


def _add_span(spans: list[Span], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def _pairs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Align a replaced block: similar lines side by side, the rest in order."""
    n, m = len(a), len(b)
    if n * m > _PAIR_LIMIT:
        anchors: list[tuple[int, int]] = []
    else:  # weighted LCS over similar pairs, first-best on ties: deterministic
        weight = [[_similarity(a[i], b[j]) for j in range(m)] for i in range(n)]
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                best = max(score[i + 1][j], score[i][j + 1])
                if weight[i][j] > SIMILAR:
                    best = max(best, score[i + 1][j + 1] + weight[i][j])
                score[i][j] = best
        anchors = []
        i = j = 0
        while i < n and j < m:
            w = weight[i][j]
            if w > SIMILAR and score[i][j] == score[i + 1][j + 1] + w:
                anchors.append((i, j))
                i, j = i + 1, j + 1
            elif score[i][j] == score[i + 1][j]:
                i += 1
            else:
                j += 1
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    for ai, bj in [*anchors, (n, m)]:
        # the lines between two anchors: side by side in order, leftovers alone
        gap = min(ai - i, bj - j)
        out += [(i + k, j + k) for k in range(gap)]
        out += [(k, None) for k in range(i + gap, ai)]
        out += [(None, k) for k in range(j + gap, bj)]
        if ai < n:
            out.append((ai, bj))
        i, j = ai + 1, bj + 1
    return out


def _change_rows(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int,
                 resource: int) -> list[DiffRow]:
    rows: list[DiffRow] = []
    for pi, pj in _pairs(a[i1:i2], b[j1:j2]):
        if pi is None and pj is not None:
            rows.append(DiffRow("insert", None, "", j1 + pj + 1, b[j1 + pj], resource=resource))
        elif pj is None and pi is not None:
            rows.append(DiffRow("delete", i1 + pi + 1, a[i1 + pi], None, "", resource=resource))
        elif pi is not None and pj is not None:
            left, right = a[i1 + pi], b[j1 + pj]
            spans: tuple[tuple[Span, ...], tuple[Span, ...]] = ((), ())
            if _similarity(left, right) > SIMILAR:
                spans = _spans(left, right)
            rows.append(DiffRow("replace", i1 + pi + 1, left, j1 + pj + 1, right,
                                spans[0], spans[1], resource))
    return rows


def _segments(obj: ObjectDiff, resource: int) -> None:
    a, b = obj.old_lines, obj.new_lines
    if obj.status == "unchanged":
        obj.segments = [("equal", 0, 0, len(a))] if a else []
        return
    if obj.status == "added":
        obj.segments = [("change", _change_rows(a, b, 0, 0, 0, len(b), resource))]
        return
    if obj.status == "removed":
        obj.segments = [("change", _change_rows(a, b, 0, len(a), 0, 0, resource))]
        return
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=len(b) >= _AUTOJUNK_FROM)
    segments: list[tuple[Any, ...]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("equal", i1, j1, i2 - i1))
        else:
            segments.append(("change", _change_rows(a, b, i1, i2, j1, j2, resource)))
    obj.segments = segments


# ---- rows -----------------------------------------------------------------------------------


def _equal_rows(obj: ObjectDiff, resource: int, i: int, j: int, n: int) -> list[DiffRow]:
    a, b = obj.old_lines, obj.new_lines
    return [DiffRow("equal", i + k + 1, a[i + k], j + k + 1, b[j + k], resource=resource)
            for k in range(n)]


def _layout(objects: list[ObjectDiff], context: int | None) -> list[DiffRow | Fold]:
    """Rows for every object; with a ``context`` equal stretches longer than the context
    kept around changes are folded (a single hidden line is shown instead)."""
    rows: list[DiffRow | Fold] = []
    for index, obj in enumerate(objects):
        rows.append(DiffRow("header", None, obj.key if obj.status != "added" else "", None,
                            obj.key if obj.status != "removed" else "", resource=index))
        segments = obj.segments
        for s, segment in enumerate(segments):
            if segment[0] == "change":
                rows += segment[1]
                continue
            _, i, j, n = segment
            if context is None:
                rows += _equal_rows(obj, index, i, j, n)
                continue
            head = context if s > 0 else 0
            tail = context if s + 1 < len(segments) else 0
            hidden = n - head - tail
            if hidden <= 1:
                rows += _equal_rows(obj, index, i, j, n)
                continue
            rows += _equal_rows(obj, index, i, j, head)
            rows.append(Fold(index, i + head, j + head, hidden, obj.old_lines))
            rows += _equal_rows(obj, index, i + head + hidden, j + head + hidden, tail)
    return rows


def _assemble(rows: list[DiffRow | Fold], objects: list[ObjectDiff], stats: DiffStats,
              context: int) -> ManifestDiff:
    headers: list[int] = []
    changes: list[int] = []
    in_change = False
    for r, row in enumerate(rows):
        tag = row.tag
        if tag == "header":
            headers.append(r)
        is_change = tag in CHANGE_TAGS
        if is_change and not in_change:
            changes.append(r)
        in_change = is_change
    resources = []
    for obj, row_index in zip(objects, headers, strict=True):
        counts = {"insert": 0, "delete": 0, "replace": 0}
        for segment in obj.segments:
            if segment[0] == "change":
                for row in segment[1]:
                    counts[row.tag] += 1
        resources.append(ResourceDiff(obj.key, obj.status, row_index, counts["insert"],
                                      counts["delete"], counts["replace"], obj.old_source,
                                      obj.new_source))
    return ManifestDiff(rows, resources, changes, stats, objects, context)


def _stats(objects: list[ObjectDiff]) -> DiffStats:
    lines = {"insert": 0, "delete": 0, "replace": 0}
    status = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    for obj in objects:
        status[obj.status] += 1
        for segment in obj.segments:
            if segment[0] == "change":
                for row in segment[1]:
                    lines[row.tag] += 1
    return DiffStats(lines["insert"], lines["delete"], lines["replace"], status["added"],
                     status["removed"], status["changed"], status["unchanged"])


def diff_manifests(old: str, new: str, *, context: int = 3) -> ManifestDiff:
    """Pair the objects of two manifests and diff each, folding unchanged stretches beyond
    ``context`` lines around a change. Raises :class:`ManifestParseError` on bad YAML."""
    cache: dict[str, list[ParsedDoc]] = {}  # a part that is the same text on both sides
    old_docs = {d.key: d for d in parse_manifest(old, "old", cache)}
    new_docs = {d.key: d for d in parse_manifest(new, "new", cache)}
    objects: list[ObjectDiff] = []
    for key in _order(list(old_docs.values()), list(new_docs.values())):
        before, after = old_docs.get(key), new_docs.get(key)
        status: Status
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        else:
            status = "unchanged" if before.lines == after.lines else "changed"
        obj = ObjectDiff(key, status, before.lines if before else [],
                         after.lines if after else [],
                         before.source if before else "", after.source if after else "")
        _segments(obj, len(objects))
        objects.append(obj)
    ctx = max(0, context)
    return _assemble(_layout(objects, ctx), objects, _stats(objects), ctx)


# ---- unified text ---------------------------------------------------------------------------


def unified_lines(diff: ManifestDiff, *, old_label: str = "old", new_label: str = "new",
                  context: int | None = None) -> list[str]:
    """Unified diff lines (no newlines) of every object that differs, one file per object:
    ``--- old/Kind/ns/name`` … as ``kubectl diff`` shows them."""
    n = diff.context if context is None else context
    out: list[str] = []
    for obj in diff.objects:
        if obj.status == "unchanged":
            continue
        before = f"{old_label}/{obj.key}" if obj.status != "added" else "/dev/null"
        after = f"{new_label}/{obj.key}" if obj.status != "removed" else "/dev/null"
        out += difflib.unified_diff(obj.old_lines, obj.new_lines, before, after, n=n,
                                    lineterm="")
    return out


def unified(old: str, new: str, *, old_label: str = "old", new_label: str = "new",
            context: int = 3) -> str:
    """The same comparison as :func:`diff_manifests`, as unified diff text ("" if none)."""
    lines = unified_lines(diff_manifests(old, new, context=context), old_label=old_label,
                          new_label=new_label)
    return "".join(line + "\n" for line in lines)

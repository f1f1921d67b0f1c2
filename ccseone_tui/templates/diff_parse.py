"""Reading one side of a manifest diff: documents, server-managed fields cut, dumped again.

A text is split at ``---`` lines (the ``# Source:`` comment of each part is kept); every part
is parsed, stripped of what the API server writes (status, managedFields, resourceVersion,
uid, creationTimestamp, generation, selfLink, the last-applied annotation) and written again
the way ``yaml.safe_dump(sort_keys=False)`` writes it, so both sides of a diff read alike.

Speed: the parts go through the parser's events, not Python objects: no object is
constructed and none represented again (most of the time of load + dump); the entries to drop
are cut out of the event stream and libyaml emits the rest. A part with anchors takes the
object path. Parts that are the same text on both sides are read once (the caller's cache).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t

__all__ = ["LAST_APPLIED", "SERVER_METADATA", "ManifestParseError", "ParsedDoc",
           "parse_manifest"]

SERVER_METADATA = ("managedFields", "resourceVersion", "uid", "creationTimestamp",
                   "generation", "selfLink")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.M)
_SOURCE = re.compile(r"^#\s*Source:\s*(.+?)\s*$", re.M)


class ManifestParseError(CcseoneError):
    """One side of a diff is not YAML: which side, which document, where and why."""

    key = "diff.error.parse"
    fix_key = "diff.error.parse.fix"

    def __init__(self, side: str, document: int, line: int | None, problem: str) -> None:
        super().__init__(side=side, document=document, line=line if line else "?",
                         problem=problem)

    @property
    def message(self) -> str:
        side = str(self.params["side"])  # "old" / "new", read in the current language
        return t(self.key, **{**self.params, "side": t(f"diff.{side}")})


@dataclass(frozen=True, slots=True)
class ParsedDoc:
    """One object of one side: its key, its ``# Source:`` file, its normalized lines."""

    key: str
    source: str
    lines: list[str]


def _normalize(obj: Any) -> Any:
    """Drop what the API server writes; returns a shallow-copied object."""
    if not isinstance(obj, dict):
        return obj
    obj = {k: v for k, v in obj.items() if k != "status"}
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        meta = {k: v for k, v in meta.items() if k not in SERVER_METADATA}
        notes = meta.get("annotations")
        if isinstance(notes, dict) and LAST_APPLIED in notes:
            notes = {k: v for k, v in notes.items() if k != LAST_APPLIED}
            if notes:
                meta["annotations"] = notes
            else:
                del meta["annotations"]
        obj["metadata"] = meta
    return obj


def _key(obj: Any, index: int) -> str:
    if isinstance(obj, dict) and obj.get("kind"):
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        if meta.get("name"):  # same form as render.RenderedObject.key
            return f"{obj['kind']}/{meta.get('namespace') or ''}/{meta['name']}"
    return f"document {index}"


def _dump(obj: Any) -> list[str]:
    text = yaml.dump(obj, Dumper=_DUMPER, sort_keys=False, default_flow_style=False,
                     allow_unicode=True)
    lines = text.splitlines()
    if lines and lines[-1] == "...":  # a bare scalar document
        lines.pop()
    return lines


def _chunks(text: str) -> Iterator[tuple[str, int]]:
    """(document text, its first line number) split at ``---`` lines."""
    starts = [m.start() for m in _DOC_START.finditer(text)]
    bounds = [0, *starts, len(text)] if not starts or starts[0] != 0 else [*starts, len(text)]
    line = 1
    for begin, end in itertools.pairwise(bounds):
        chunk = text[begin:end]
        if chunk.startswith("---"):
            chunk = chunk[3:]
        yield chunk, line
        line += text.count("\n", begin, end)


def parse_manifest(text: str, side: str, cache: dict[str, list[ParsedDoc]] | None = None
                   ) -> list[ParsedDoc]:
    """The documents of one side (``side``: "old" or "new", named in errors), keys made
    unique; ``ManifestParseError`` when a part is not YAML."""
    cache = {} if cache is None else cache
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    docs: list[ParsedDoc] = []
    index = 0
    for chunk, first_line in _chunks(text):
        cached = cache.get(chunk)
        if cached is None:
            source_match = _SOURCE.search(chunk)
            source = source_match.group(1) if source_match else ""
            try:
                events = list(yaml.parse(chunk, Loader=_LOADER))
                # the slow path below builds (and the diff prints) every alias expanded
                safe_yaml.check_events(events, side, safe_yaml.DOCUMENT_LIMITS)
                cached = _fast_docs(events, source)
                if cached is None:  # anchors and aliases: build the objects
                    cached = _slow_docs(chunk, source)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = first_line + mark.line if mark is not None else None
                problem = getattr(exc, "problem", None) or str(exc)
                raise ManifestParseError(side, index + 1, line, str(problem)) from exc
            cache[chunk] = cached
        for doc in cached:
            index += 1
            key = doc.key if not doc.key.startswith("document ") else f"document {index}"
            docs.append(ParsedDoc(key, doc.source, doc.lines))
    return _unique(docs)


def _slow_docs(chunk: str, source: str) -> list[ParsedDoc]:
    out = []
    for doc in yaml.load_all(chunk, Loader=_LOADER):
        if doc is None:
            continue
        items = (doc["items"] if isinstance(doc, dict) and isinstance(doc.get("kind"), str)
                 and doc["kind"].endswith("List") and isinstance(doc.get("items"), list)
                 else [doc])
        for item in items:
            obj = _normalize(item)
            out.append(ParsedDoc(_key(obj, 0), source, _dump(obj)))
    return out


# The fast path: the parser's events. Scalars keep their plain/quoted distinction (so "12"
# stays a string); quotes safe_dump would not write are dropped.

Entry = tuple[str | None, int, int, int]  # key text, key index, value index, value end


class _Events:
    """A part's parser events with, for each, the index just past the node it starts (one
    pass, so cutting entries never rescans nested collections)."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.ends = list(range(1, len(events) + 1))
        self.anchors = False
        stack: list[int] = []
        for i, event in enumerate(events):
            if isinstance(event, CollectionStartEvent):
                stack.append(i)
                event.flow_style = False  # block style, as safe_dump writes
            elif isinstance(event, CollectionEndEvent):
                self.ends[stack.pop()] = i + 1
            elif isinstance(event, ScalarEvent) and event.style is not None:
                _unquote(event)
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                self.anchors = True

    def entries(self, start: int, end: int) -> list[Entry]:
        """The entries of the mapping ``events[start:end]``."""
        events, ends, out = self.events, self.ends, []
        i = start + 1
        while i < end - 1:
            value = ends[i]
            value_end = ends[value]
            key = events[i].value if isinstance(events[i], ScalarEvent) else None
            out.append((key, i, value, value_end))
            i = value_end
        return out

    def scalar(self, entries: list[Entry], name: str) -> str:
        for key, _, value, _ in entries:
            if key == name and isinstance(self.events[value], ScalarEvent):
                return str(self.events[value].value)
        return ""

    def is_mapping(self, i: int) -> bool:
        return isinstance(self.events[i], MappingStartEvent)

    def without(self, start: int, end: int, keep: Any) -> list[Any]:
        """The mapping ``events[start:end]`` with each value replaced by what ``keep(key,
        value index, value end)`` returns (None: the entry goes)."""
        events = self.events
        out = [events[start]]
        for key, k, value, value_end in self.entries(start, end):
            kept = keep(key, value, value_end)
            if kept is not None:
                out += events[k:value]
                out += kept
        out.append(events[end - 1])
        return out

    def cleaned(self, start: int, end: int) -> list[Any]:
        """The node ``events[start:end]`` without the server-managed entries."""
        events = self.events
        if not self.is_mapping(start):
            return events[start:end]

        def annotation(key: str | None, value: int, value_end: int) -> list[Any] | None:
            return None if key == LAST_APPLIED else events[value:value_end]

        def metadata(key: str | None, value: int, value_end: int) -> list[Any] | None:
            if key in SERVER_METADATA:
                return None
            if key == "annotations" and self.is_mapping(value):
                kept = self.without(value, value_end, annotation)
                return kept if len(kept) > 2 else None  # only the last-applied one: gone
            return events[value:value_end]

        def top(key: str | None, value: int, value_end: int) -> list[Any] | None:
            if key == "status":
                return None
            if key == "metadata" and self.is_mapping(value):
                return self.without(value, value_end, metadata)
            return events[value:value_end]

        return self.without(start, end, top)

    def key(self, start: int, end: int) -> str:
        if not self.is_mapping(start):
            return "document 0"
        entries = self.entries(start, end)
        kind = self.scalar(entries, "kind")
        for key, _, value, value_end in entries:
            if key == "metadata" and self.is_mapping(value):
                meta = self.entries(value, value_end)
                name = self.scalar(meta, "name")
                if kind and name:  # same form as render.RenderedObject.key
                    return f"{kind}/{self.scalar(meta, 'namespace')}/{name}"
        return "document 0"

    def items(self, start: int, end: int) -> list[tuple[int, int]] | None:
        """The item nodes of a ``…List`` document, or None for any other document."""
        if not self.is_mapping(start):
            return None
        entries = self.entries(start, end)
        if not self.scalar(entries, "kind").endswith("List"):
            return None
        for key, _, value, value_end in entries:
            if key == "items" and isinstance(self.events[value], SequenceStartEvent):
                out = []
                i = value + 1
                while i < value_end - 1:
                    out.append((i, self.ends[i]))
                    i = self.ends[i]
                return out
        return None


def _unquote(event: Any) -> None:
    """The quotes safe_dump would choose: a quoted string that reads as a string when plain
    loses its quotes; others (``'12'``, ``'true'``) keep them."""
    if event.tag is None and not event.implicit[0]:
        plain = _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))
        event.implicit = (plain == _STR, True)
    event.style = None


def _emit(events: list[Any]) -> list[str]:
    stream = [StreamStartEvent(), DocumentStartEvent(explicit=False), *events,
              DocumentEndEvent(explicit=False), StreamEndEvent()]
    text = yaml.emit(stream, Dumper=_DUMPER, allow_unicode=True)
    lines = text.splitlines()
    if lines and lines[-1] == "...":
        lines.pop()
    return lines


def _fast_docs(events: list[Any], source: str) -> list[ParsedDoc] | None:
    parsed = _Events(events)
    if parsed.anchors:
        return None
    out = []
    i = 0
    while i < len(events):
        if not isinstance(events[i], DocumentStartEvent):
            i += 1
            continue
        start = i + 1
        end = parsed.ends[start]
        i = end
        event = events[start]
        if isinstance(event, ScalarEvent) and event.value == "" and event.implicit[0]:
            continue  # an empty document
        for a, b in parsed.items(start, end) or [(start, end)]:
            out.append(ParsedDoc(parsed.key(a, b), source, _emit(parsed.cleaned(a, b))))
    return out


def _unique(docs: list[ParsedDoc]) -> list[ParsedDoc]:
    """Two objects with one key on the same side are told apart by ``#2``, ``#3`` …"""
    seen: dict[str, int] = {}
    out = []
    for doc in docs:
        count = seen.get(doc.key, 0) + 1
        seen[doc.key] = count
        out.append(doc if count == 1 else ParsedDoc(f"{doc.key} #{count}", doc.source, doc.lines))
    return out

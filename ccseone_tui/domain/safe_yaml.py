"""The one way to parse YAML that a user, a chart or a cluster supplied (#14 item 3).

PyYAML's safe loaders stop code execution, not resource exhaustion:

* a 377-byte "billion laughs" document (nine anchors, each a list of nine aliases to the
  one before) loads as a small shared graph, then every consumer that walks it (the Helm
  values hand-off, ``deepcopy``, ``json.dumps``, the diff) expands it to 9**9 values;
* an alias may point at the collection that contains it, which makes a cycle;
* a few thousand ``[`` make the pure-Python composer, and our own walkers, raise
  ``RecursionError`` (or, in C, overflow the stack).

So before building any object we read the event stream (libyaml's parser keeps its own heap
stack, so events are safe at any depth) and count: the input size, the nesting depth and the
number of values the document expands to, each alias counted as the full copy it stands for.
The first limit crossed raises :class:`YamlLimitExceeded` naming the field and the rule; a
bomb stops at the first alias past the budget, after a few dozen events.

``yaml`` is imported on first use: nothing here is needed to paint the first frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.i18n import t

MIB = 1024 * 1024


@dataclass(frozen=True)
class YamlLimits:
    """How much one YAML input may hold: bytes in, nesting depth, values once expanded."""

    max_bytes: int
    max_depth: int
    max_nodes: int


# Values a person writes (--values, --set, the publish/template editors): Helm's own values
# rarely nest past 10 levels or hold more than a few thousand values.
VALUES_LIMITS = YamlLimits(max_bytes=1 * MIB, max_depth=64, max_nodes=250_000)
# Documents from files, charts and clusters (kubeconfigs, Chart.yaml, rendered manifests,
# stored revisions): CRD schemas nest deeper, a fleet kubeconfig holds thousands of values.
DOCUMENT_LIMITS = YamlLimits(max_bytes=32 * MIB, max_depth=256, max_nodes=2_000_000)
# A chart repository's index.yaml (public ones reach tens of MB, millions of values).
INDEX_LIMITS = YamlLimits(max_bytes=128 * MIB, max_depth=64, max_nodes=20_000_000)


class YamlLimitExceeded(ValidationError):
    """A YAML input crossed a size, depth or expansion limit (or had a recursive alias)."""

    def __init__(self, field: str, value: str, rule: str, fix: str, *, limit: int = 0,
                 line: int | None = None) -> None:
        super().__init__(field, value, rule, fix)
        self.limit = limit
        self.line = line


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster


def _human(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB and n % MIB == 0 else f"{n:,} bytes"


def check_size(text: str | bytes, field: str, limits: YamlLimits) -> None:
    """Refuse an input larger than ``limits.max_bytes`` (UTF-8 bytes)."""
    size = len(text)
    # len(str) <= its UTF-8 size <= 4 * len(str): encode only when the answer depends on it
    if isinstance(text, str) and size <= limits.max_bytes < 4 * size:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlLimitExceeded(
            field, _human(size), t("rule.yaml_bytes", limit=_human(limits.max_bytes)),
            t("fix.yaml_bytes"), limit=limits.max_bytes)


def _line(event: Any) -> int | None:
    """The 1-based line of an event (or of a parser error's ``problem_mark``)."""
    mark = getattr(event, "start_mark", None) or getattr(event, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def check_events(events: Iterable[Any], field: str, limits: YamlLimits) -> None:
    """Walk a YAML event stream and raise :class:`YamlLimitExceeded` at the first event that
    crosses ``limits``. Consumes ``events`` lazily, so a bomb is stopped early."""
    import yaml
    import yaml.events as ev

    total = 0  # values in the expanded stream, aliases counted as full copies
    peak = 0  # the deepest level reached inside the innermost open collection
    # Open collections: (``total`` before it, the parent's ``peak``, its anchor). A subtree's
    # size is then ``total`` at its end minus that: no per-value bookkeeping, which keeps
    # this pass at about the cost of the parse itself.
    stack: list[tuple[int, int, str | None]] = []
    # anchor -> (values, levels) of the finished node it names; per document
    anchors: dict[str, tuple[int, int]] = {}
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    scalar, alias = ev.ScalarEvent, ev.AliasEvent
    starts = (ev.MappingStartEvent, ev.SequenceStartEvent)
    ends = (ev.MappingEndEvent, ev.SequenceEndEvent)

    def too_deep(event: Any) -> YamlLimitExceeded:
        return YamlLimitExceeded(
            field, t("value.yaml_at_line", what=t("value.yaml_nesting"), line=_line(event)),
            t("rule.yaml_depth", limit=max_depth), t("fix.yaml_depth"),
            limit=max_depth, line=_line(event))

    def too_many(event: Any) -> YamlLimitExceeded:
        what = f"*{event.anchor}" if isinstance(event, alias) else t("value.yaml_document")
        return YamlLimitExceeded(
            field, t("value.yaml_at_line", what=what, line=_line(event)),
            t("rule.yaml_nodes", limit=f"{max_nodes:,}"), t("fix.yaml_nodes"),
            limit=max_nodes, line=_line(event))

    iterator = iter(events)
    while True:
        try:
            event = next(iterator)
        except StopIteration:
            return
        except yaml.MarkedYAMLError as exc:
            # libyaml >= 0.2.5 stops flow nesting at 1000 levels itself: same rule, our words
            if "nesting depth" not in str(exc.problem):
                raise
            raise too_deep(exc) from exc
        cls = event.__class__
        if cls is scalar:
            total += 1
            if total > max_nodes:
                raise too_many(event)
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif cls in starts:
            if len(stack) >= max_depth:
                raise too_deep(event)
            total += 1
            if total > max_nodes:
                raise too_many(event)
            stack.append((total - 1, peak, event.anchor))
            peak = len(stack)
        elif cls in ends:
            before, parent_peak, anchor = stack.pop()
            if anchor:
                anchors[anchor] = (total - before, peak - len(stack))
            peak = max(peak, parent_peak)
        elif cls is alias:
            target = anchors.get(event.anchor)
            if target is None:
                if any(frame[2] == event.anchor for frame in stack):
                    raise YamlLimitExceeded(
                        field, t("value.yaml_at_line", what=f"*{event.anchor}",
                                 line=_line(event)),
                        t("rule.yaml_alias_recursive"), t("fix.yaml_alias_recursive"),
                        line=_line(event))
                continue  # undefined: the loader itself reports it with its line
            size, levels = target
            if len(stack) + levels > max_depth:
                raise too_deep(event)
            total += size
            if total > max_nodes:
                raise too_many(event)
            peak = max(peak, len(stack) + levels)
        elif cls is ev.DocumentStartEvent:
            anchors.clear()  # anchors do not cross documents


def safe_load(text: str | bytes, field: str, limits: YamlLimits = DOCUMENT_LIMITS) -> Any:
    """``yaml.safe_load`` (libyaml when present) behind :func:`check_events`."""
    import yaml

    check_size(text, field, limits)
    loader = _loader()
    check_events(yaml.parse(text, Loader=loader), field, limits)
    return yaml.load(text, Loader=loader)  # a safe loader: CSafeLoader or SafeLoader


def safe_load_all(text: str | bytes, field: str,
                  limits: YamlLimits = DOCUMENT_LIMITS) -> list[Any]:
    """Every document of a stream, as ``yaml.safe_load_all``, behind the same checks."""
    import yaml

    check_size(text, field, limits)
    loader = _loader()
    check_events(yaml.parse(text, Loader=loader), field, limits)
    return list(yaml.load_all(text, Loader=loader))


def check_depth(depth: int, field: str, value: str, limits: YamlLimits = VALUES_LIMITS
                ) -> None:
    """Refuse a structure built without YAML (``--set a.b.c…``) nested past the limit."""
    if depth > limits.max_depth:
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise YamlLimitExceeded(field, shown, t("rule.yaml_depth", limit=limits.max_depth),
                                t("fix.yaml_depth"), limit=limits.max_depth)

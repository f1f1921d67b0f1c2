"""Label and field selectors, with the API server's grammar and error messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ccseone_tui.sandbox.status import bad_request

Matcher = Callable[[dict[str, Any]], bool]

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(in|notin)\s*\((.*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|!=|=)\s*([A-Za-z0-9_.-]*)\s*$")


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside ``in (a,b)`` parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in parts if p.strip()]


def parse_label_selector(text: str | None) -> Matcher | None:
    """A predicate over an object's labels; None when there is no selector."""
    if not text or not text.strip():
        return None
    reqs: list[Callable[[dict[str, str]], bool]] = []
    for part in _split_top(text):
        m = _EQ_RE.match(part)
        if m:
            key, op, value = m.groups()
            if op == "!=":
                reqs.append(lambda lb, k=key, v=value: lb.get(k) != v)
            else:
                reqs.append(lambda lb, k=key, v=value: lb.get(k) == v)
            continue
        m = _SET_RE.match(part)
        if m:
            neg, key, op, values = m.groups()
            if op:
                if neg:
                    raise bad_request(f"unable to parse requirement: {part.strip()}")
                vals = frozenset(v.strip() for v in values.split(",") if v.strip())
                if op == "in":
                    reqs.append(lambda lb, k=key, vs=vals: lb.get(k) in vs)
                else:
                    reqs.append(lambda lb, k=key, vs=vals: lb.get(k) not in vs)
            elif neg:
                reqs.append(lambda lb, k=key: k not in lb)
            else:
                reqs.append(lambda lb, k=key: k in lb)
            continue
        raise bad_request(
            f"unable to parse requirement: found '{part.strip()}', expected: "
            "identifier, '=', '==', '!=', 'in', 'notin' or '!'"
        )

    def match(obj: dict[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(r(labels) for r in reqs)

    return match


_COMMON_FIELDS = frozenset({"metadata.name", "metadata.namespace"})
# The field labels each kind supports, as registered by the real API server.
_KIND_FIELDS: dict[str, frozenset[str]] = {
    "pods": frozenset({
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
    }),
    "events": frozenset({
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
    }),
    "namespaces": frozenset({"status.phase"}),
    "nodes": frozenset({"spec.unschedulable"}),
    "secrets": frozenset({"type"}),
    "jobs": frozenset({"status.successful"}),
    "replicasets": frozenset({"status.replicas"}),
}


def _field_value(obj: dict[str, Any], path: str) -> str:
    if path == "source":
        return str(((obj.get("source") or {}).get("component")) or "")
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def parse_field_selector(text: str | None, plural: str) -> Matcher | None:
    if not text or not text.strip():
        return None
    allowed = _COMMON_FIELDS | _KIND_FIELDS.get(plural, frozenset())
    reqs: list[tuple[str, bool, str]] = []
    for part in _split_top(text):
        m = _EQ_RE.match(part) or re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", part)
        if not m:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        key, op, value = m.groups()
        if key not in allowed:
            raise bad_request(f'field label not supported: {key}')
        reqs.append((key, op != "!=", value))

    def match(obj: dict[str, Any]) -> bool:
        return all((_field_value(obj, k) == v) == eq for k, eq, v in reqs)

    return match


def combine(*matchers: Matcher | None) -> Matcher | None:
    active = [m for m in matchers if m is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]
    return lambda obj: all(m(obj) for m in active)


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """A LabelSelector object (matchLabels/matchExpressions) against labels."""
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True

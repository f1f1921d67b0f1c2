"""Kubernetes events and pods as the log sources see them: one event formatted as a line
(``Warning BackOff Pod/web-0 (shop): back-off …``, with its time) and a pod for a picker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RELIST_KEEP = 200  # the newest events shown when the first list brings them all


@dataclass(frozen=True, slots=True)
class EventLine:
    """One Kubernetes event, formatted: ``Warning BackOff Pod/web-0 (shop): back-off …``."""

    text: str
    ts: float | None = None
    warning: bool = False


@dataclass(frozen=True, slots=True)
class PodRef:
    namespace: str
    name: str
    phase: str = ""
    containers: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


def parse_time(value: object) -> float | None:
    """RFC 3339 (``2025-06-15T15:06:40Z`` or with micro-seconds) to epoch seconds."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def event_time(obj: dict[str, Any]) -> float | None:
    series = obj.get("series") or {}
    meta = obj.get("metadata") or {}
    for value in (series.get("lastObservedTime"), obj.get("lastTimestamp"),
                  obj.get("eventTime"), obj.get("firstTimestamp"),
                  meta.get("creationTimestamp")):
        when = parse_time(value)
        if when is not None:
            return when
    return None


def format_event(obj: dict[str, Any]) -> EventLine:
    involved = obj.get("involvedObject") or obj.get("regarding") or {}
    kind, name = involved.get("kind", "?"), involved.get("name", "?")
    namespace = involved.get("namespace") or (obj.get("metadata") or {}).get("namespace")
    kind_type = obj.get("type") or "Normal"
    count = obj.get("count") or (obj.get("series") or {}).get("count") or 1
    where = f"{kind}/{name}" + (f" ({namespace})" if namespace else "")
    text = f"{kind_type} {obj.get('reason') or '-'} {where}: {obj.get('message') or ''}".rstrip()
    if isinstance(count, int) and count > 1:
        text += f" (x{count})"
    return EventLine(text=text, ts=event_time(obj), warning=kind_type == "Warning")

"""Live cluster logs for the cluster detail (SPEC §3.1.3.5): events and pod logs.

Reads only, no Textual: the screens iterate these and render the lines. Events come from a
watch of ``v1/Event`` (the first ``RELIST`` carries the whole list, later ``RELIST``\\ s replace
it after a 410); pod logs stream from the pod's ``log`` subresource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ccseone_tui.domain.models import MemberCluster

RELIST_KEEP = 200  # the newest events shown when a (re)list brings them all


@dataclass(frozen=True, slots=True)
class EventLine:
    """One Kubernetes event, formatted: ``Warning BackOff Pod/web-0 (shop): back-off …``."""

    text: str
    ts: float | None = None
    warning: bool = False


@dataclass(frozen=True, slots=True)
class EventBatch:
    """Event lines in time order; ``relist``: the watch (re)started, these are all of them."""

    lines: list[EventLine]
    relist: bool = False


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


def _by_time(lines: list[EventLine]) -> list[EventLine]:
    return sorted(lines, key=lambda line: line.ts or 0.0)


class ClusterLogsService:
    """Events, pods and pod logs of one member cluster, through the clusters service's
    client (the engine decides how the cluster is reached)."""

    def __init__(self, clusters: Any) -> None:
        self._clusters = clusters  # services.ClustersService

    async def pods(self, cluster: MemberCluster) -> list[PodRef]:
        client = await self._clusters.client(cluster)
        items = (await client.list("v1", "Pod")).get("items") or []
        pods = []
        for item in items:
            meta = item.get("metadata") or {}
            containers = [c.get("name", "") for c in (item.get("spec") or {}).get(
                "containers") or []]
            pods.append(PodRef(meta.get("namespace", ""), meta.get("name", ""),
                               (item.get("status") or {}).get("phase", ""), containers))
        return sorted(pods, key=lambda p: (p.namespace, p.name))

    async def events(self, cluster: MemberCluster) -> AsyncIterator[EventBatch]:
        """Every event of the cluster, live. The first batch (``relist``) is the newest
        :data:`RELIST_KEEP` events; then one batch per added or changed event."""
        client = await self._clusters.client(cluster)
        stream = client.watch("v1", "Event")
        try:
            async for event in stream:
                if event.type == "RELIST":
                    items = event.object.get("items") or []
                    lines = _by_time([format_event(i) for i in items])[-RELIST_KEEP:]
                    yield EventBatch(lines, relist=True)
                elif event.type in ("ADDED", "MODIFIED"):
                    yield EventBatch([format_event(event.object)])
        finally:
            await stream.aclose()

    async def pod_logs(
        self,
        cluster: MemberCluster,
        namespace: str,
        pod: str,
        container: str | None = None,
        tail: int | None = 200,
        follow: bool = True,
    ) -> AsyncIterator[str]:
        """The pod's log lines (the last ``tail``), then new ones as they are written."""
        client = await self._clusters.client(cluster)
        async for line in client.logs(namespace, pod, container=container, follow=follow,
                                      tail_lines=tail):
            yield line

"""core/v1 Events the emulated controllers and kubelet emit, so that event tails have the
content a real cluster shows (Scheduled, Pulled, Started, ScalingReplicaSet …).

Bounded per cluster (oldest removed first): a real cluster expires them after an hour, and
a benchmark with 200 clusters × 200 pods must not keep every one."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

from ccseone_tui.sandbox.clock import new_uid, now_ns, rfc3339
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.store import ClusterState

EVENTS = CORE["events"]
NAMESPACES = CORE["namespaces"]


class EventRecorder:
    def __init__(self, state: ClusterState, cluster: str, max_events: int = 300) -> None:
        self._state = state
        self._cluster = cluster
        self._seq = itertools.count()
        self._recorded: deque[tuple[str, str, str]] = deque()
        self.max_events = max_events

    def record(
        self,
        obj: dict[str, Any],
        reason: str,
        message: str,
        *,
        type_: str = "Normal",
        component: str = "kube-controller-manager",
        host: str | None = None,
        field_path: str | None = None,
    ) -> None:
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        ns = self._state.get(NAMESPACES.key, "", namespace)
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return  # nothing may be created in a namespace that is going away
        now = rfc3339()
        name = f"{meta['name']}.{now_ns() + next(self._seq):x}"
        involved: dict[str, Any] = {
            "kind": obj.get("kind", ""),
            "namespace": meta.get("namespace", ""),
            "name": meta["name"],
            "uid": meta.get("uid", ""),
            "apiVersion": obj.get("apiVersion", ""),
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if field_path:
            involved["fieldPath"] = field_path
        source: dict[str, Any] = {"component": component}
        if host:
            source["host"] = host
        event = {
            "kind": "Event",
            "apiVersion": "v1",
            "metadata": {"name": name, "namespace": namespace, "uid": new_uid(),
                         "creationTimestamp": now},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or f"{self._cluster}-control-plane",
        }
        self._state.add(EVENTS.key, event)
        self._recorded.append((namespace, name, event["metadata"]["uid"]))
        while len(self._recorded) > self.max_events:
            old_ns, old_name, uid = self._recorded.popleft()
            old = self._state.get(EVENTS.key, old_ns, old_name)
            if old is not None and old["metadata"]["uid"] == uid:
                self._state.remove(EVENTS.key, old_ns, old_name)

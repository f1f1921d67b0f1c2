"""Live status of an app on one target: its objects' readiness and recent events."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from ccseone_tui.domain.apps import AppTarget, EventRow, ResourceStatus, TargetState
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.services.apps.apply import list_objects
from ccseone_tui.services.apps.manifests import kinds_of, object_key

Obj = dict[str, Any]
WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})
MAX_EVENTS = 10


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def readiness(obj: Obj) -> ResourceStatus:
    """Ready vs desired from the object's status, the way ``kubectl get`` reads it."""
    kind = str(obj.get("kind"))
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = str(meta.get("name"))
    current = _int(status.get("observedGeneration"), -1) >= _int(meta.get("generation"), 0)
    if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        desired = _int(spec.get("replicas"), 1)
        ready = _int(status.get("readyReplicas"))
        updated = _int(status.get("updatedReplicas"), ready) if kind == "Deployment" else ready
        healthy = ready >= desired and updated >= desired and current
        return ResourceStatus(kind, name, ready, desired, healthy)
    if kind == "DaemonSet":
        desired = _int(status.get("desiredNumberScheduled"))
        ready = _int(status.get("numberReady"))
        return ResourceStatus(kind, name, ready, desired, ready >= desired and current)
    if kind == "Job":
        desired = _int(spec.get("completions"), 1)
        done = _int(status.get("succeeded"))
        failed = any(c.get("type") == "Failed" and c.get("status") == "True"
                     for c in status.get("conditions") or [])
        return ResourceStatus(kind, name, done, desired, done >= desired and not failed,
                              "failed" if failed else "")
    if kind == "Pod":
        phase = str(status.get("phase") or "")
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in status.get("conditions") or [])
        return ResourceStatus(kind, name, int(ready), 1, ready or phase == "Succeeded", phase)
    return ResourceStatus(kind, name)  # exists: that is all a Service or ConfigMap needs


def _fed(feedback: dict[str, Any], *names: str, default: int = 0) -> int:
    for name in names:
        if feedback.get(name) is not None:
            return _int(feedback[name], default)
    return default


def from_work(work: Any, expected: list[Obj]) -> list[ResourceStatus]:
    """Rows like :func:`resources` from a hub's report (``engines.DeliveryStatus`` of the
    app's ManifestWork): applied/available per object, and readiness of workloads from
    the status feedback (ready vs desired replicas) — no access to the member needed."""
    by_key = {(m.kind, m.name): m for m in work.manifests}
    rows = []
    for obj in expected:
        kind = str(obj.get("kind"))
        name = str((obj.get("metadata") or {}).get("name"))
        m = by_key.get((kind, name))
        if m is None or not work.exists:
            rows.append(ResourceStatus(kind, name, healthy=False, message="missing"))
            continue
        if m.applied is False:
            rows.append(ResourceStatus(kind, name, healthy=False, message=m.message))
            continue
        fb = m.feedback
        if kind in ("Deployment", "StatefulSet") and fb:
            desired = _fed(fb, "replicas", "Replicas", default=1)
            ready = _fed(fb, "readyReplicas", "ReadyReplicas")
            updated = _fed(fb, "updatedReplicas", default=ready)
            rows.append(ResourceStatus(kind, name, ready, desired,
                                       ready >= desired and updated >= desired))
        elif kind == "DaemonSet" and fb:
            desired, ready = _fed(fb, "desiredNumberScheduled"), _fed(fb, "numberReady")
            rows.append(ResourceStatus(kind, name, ready, desired, ready >= desired))
        elif kind in WORKLOADS:  # no feedback yet: not known to be ready
            rows.append(ResourceStatus(kind, name, healthy=bool(m.available) and
                                       kind not in ("Deployment", "StatefulSet",
                                                    "DaemonSet")))
        else:
            rows.append(ResourceStatus(kind, name, healthy=m.applied is not False))
    return rows


def _timestamp(value: Any) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


async def resources(client: Any, target: AppTarget, expected: list[Obj], app: str,
                    instance: str) -> tuple[list[ResourceStatus], list[ResourceStatus]]:
    """One row per object the deployed revision has (missing ones are unhealthy), and the
    pods of its workloads (found by each workload's selector: pods do not carry the app
    labels, since the pod template is left alone)."""
    found = await list_objects(client, target, kinds_of(expected), app, instance)
    live = {object_key(o): o for o in found}
    rows = []
    for obj in expected:
        live_obj = live.get(object_key(obj))
        if live_obj is None:
            meta = obj.get("metadata") or {}
            rows.append(ResourceStatus(str(obj.get("kind")), str(meta.get("name")),
                                       healthy=False, message="missing"))
        else:
            rows.append(readiness(live_obj))
    return rows, await pods(client, target, [o for o in found if o.get("kind") in WORKLOADS])


async def pods(client: Any, target: AppTarget, workloads: list[Obj]) -> list[ResourceStatus]:
    async def one(workload: Obj) -> list[Obj]:
        match = ((workload.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        if not match:
            return []
        sel = ",".join(f"{k}={v}" for k, v in sorted(match.items()))
        listed = await client.list("v1", "Pod", namespace=target.namespace, label_selector=sel)
        return list(listed.get("items") or [])

    seen: dict[str, ResourceStatus] = {}
    for group in await asyncio.gather(*(one(w) for w in workloads)):
        for pod in group:
            row = readiness(pod)
            seen.setdefault(row.name, row)
    return sorted(seen.values(), key=lambda r: r.name)


async def events(client: Any, target: AppTarget, rows: list[ResourceStatus],
                 now: float | None = None) -> list[EventRow]:
    """The namespace's recent events about the app's objects or the pods of its workloads
    (``<workload>-…``), newest first."""
    names = {r.name for r in rows}
    prefixes = tuple(f"{r.name}-" for r in rows if r.kind in WORKLOADS)
    listed = await client.list("v1", "Event", namespace=target.namespace)
    now = time.time() if now is None else now
    out: list[tuple[float, EventRow]] = []
    for ev in listed.get("items") or []:
        inv = ev.get("involvedObject") or {}
        name = str(inv.get("name") or "")
        if name not in names and not (prefixes and name.startswith(prefixes)):
            continue
        at = _timestamp(ev.get("lastTimestamp") or ev.get("eventTime")
                        or (ev.get("metadata") or {}).get("creationTimestamp"))
        out.append((at or 0.0, EventRow(
            reason=str(ev.get("reason") or ""), object=f"{inv.get('kind')}/{name}",
            message=str(ev.get("message") or ""), age=None if at is None else max(0.0, now - at),
            type=str(ev.get("type") or "Normal"))))
    out.sort(key=lambda p: p[0], reverse=True)
    return [row for _, row in out[:MAX_EVENTS]]


def state_of(result: str, rows: list[ResourceStatus]) -> TargetState:
    """A target's state from its latest rollout result and its live resources."""
    if result in (TaskStatus.PENDING.value, TaskStatus.RUNNING.value):
        return TargetState.DEPLOYING
    if result in (TaskStatus.FAILED.value, TaskStatus.CANCELLED.value):
        return TargetState.FAILED
    if result == TaskStatus.INTERRUPTED.value:
        # the rollout's process died mid-way: only what the cluster shows counts; anything
        # short of every object healthy needs a retry, so it must not read "Progressing"
        healthy = bool(rows) and all(r.healthy for r in rows)
        return TargetState.DEPLOYED if healthy else TargetState.FAILED
    if any(r.message == "failed" for r in rows):
        return TargetState.FAILED
    if all(r.healthy for r in rows):
        return TargetState.DEPLOYED
    return TargetState.PROGRESSING

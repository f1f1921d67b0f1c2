"""Raw Kubernetes JSON -> compact kubectl-like rows, one function per kind.

Pure functions over the dicts the API returns (no typed models: parsing 100k pods through
pydantic would cost seconds of event-loop time). Every row is a tuple of already-formatted
strings: ``(cluster, namespace, name, *kind columns)``, so front ends only lay them out.

``fleet get -o json|yaml`` asks for documents instead (``KindSpec.doc``): the same fields as
machine values — counts as numbers, labels as maps, times as RFC 3339, ages in seconds —
never the table's ``3m`` or ``env=prod,tier=web`` (docs/cli.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ccseone_tui.domain.durations import human_duration

Row = tuple[str, ...]
RowFn = Callable[[str, dict[str, Any], float], Row]
Doc = dict[str, Any]
DocFn = Callable[[str, dict[str, Any], float], Doc]

EDGE_LABEL = "ccseone-node-type"  # SPEC §3.1.3.1: platform components run on edge nodes
EDGE_VALUE = "edge"
ROLE_PREFIX = "node-role.kubernetes.io/"


# ---- time ------------------------------------------------------------------------------------


def parse_time(value: str | None) -> float | None:
    """RFC 3339 (``2024-05-01T10:00:00Z``, with or without fractions) -> epoch seconds."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def rfc3339(ts: float | None) -> str | None:
    """Epoch seconds -> ``2024-05-01T10:00:00Z`` (UTC), or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def _times(meta: dict[str, Any], now: float) -> Doc:
    """``created`` (RFC 3339) and ``age_seconds`` of an object, for documents."""
    created = parse_time(meta.get("creationTimestamp"))
    return {"created": rfc3339(created),
            "age_seconds": None if created is None else max(0, int(now - created))}


def _base(cluster: str, meta: dict[str, Any]) -> Doc:
    return {"cluster": cluster, "namespace": meta.get("namespace") or None,
            "name": meta.get("name") or ""}


def int_or_zero(text: str) -> int:
    """Sort key for a count cell (``RESTARTS`` may read ``3 (2m ago)`` in kubectl)."""
    head = text.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


def _age(meta: dict[str, Any], now: float) -> str:
    created = parse_time(meta.get("creationTimestamp"))
    return "<unknown>" if created is None else human_duration(now - created)


# ---- kinds -----------------------------------------------------------------------------------


def pod_status(pod: dict[str, Any]) -> str:
    """kubectl's STATUS: Terminating, a waiting/terminated container reason, else the phase."""
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Unknown"
    for cs in status.get("initContainerStatuses") or ():
        state = cs.get("state") or {}
        term = state.get("terminated")
        if term and term.get("exitCode") == 0:
            continue
        if term:
            reason = f"Init:{term.get('reason') or 'Error'}"
            break
        waiting = (state.get("waiting") or {}).get("reason")
        if waiting and waiting != "PodInitializing":
            reason = f"Init:{waiting}"
            break
    else:
        for cs in reversed(status.get("containerStatuses") or ()):
            state = cs.get("state") or {}
            waiting = (state.get("waiting") or {}).get("reason")
            term = state.get("terminated") or {}
            if waiting:
                reason = waiting
            elif term:
                reason = term.get("reason") or (
                    f"Signal:{term['signal']}" if term.get("signal") else
                    f"ExitCode:{term.get('exitCode', 0)}")
    if meta.get("deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return str(reason)


def pod_row(cluster: str, pod: dict[str, Any], now: float) -> Row:
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    containers = (pod.get("spec") or {}).get("containers") or ()
    statuses = status.get("containerStatuses") or ()
    ready = sum(1 for cs in statuses if cs.get("ready"))
    restarts = sum(int(cs.get("restartCount") or 0) for cs in statuses)
    return (
        cluster,
        meta.get("namespace") or "",
        meta.get("name") or "",
        f"{ready}/{len(containers)}",
        pod_status(pod),
        str(restarts),
        _age(meta, now),
        (pod.get("spec") or {}).get("nodeName") or "<none>",
    )


def pod_doc(cluster: str, pod: dict[str, Any], now: float) -> Doc:
    meta = pod.get("metadata") or {}
    statuses = (pod.get("status") or {}).get("containerStatuses") or ()
    containers = (pod.get("spec") or {}).get("containers") or ()
    return {**_base(cluster, meta),
            "ready": {"ready": sum(1 for cs in statuses if cs.get("ready")),
                      "total": len(containers)},
            "status": pod_status(pod),
            "restarts": sum(int(cs.get("restartCount") or 0) for cs in statuses),
            **_times(meta, now), "node": (pod.get("spec") or {}).get("nodeName") or None,
            "labels": dict(meta.get("labels") or {})}


def deployment_row(cluster: str, deploy: dict[str, Any], now: float) -> Row:
    meta = deploy.get("metadata") or {}
    spec = deploy.get("spec") or {}
    status = deploy.get("status") or {}
    replicas = spec.get("replicas", 1)
    return (
        cluster,
        meta.get("namespace") or "",
        meta.get("name") or "",
        f"{status.get('readyReplicas') or 0}/{replicas}",
        str(status.get("updatedReplicas") or 0),
        str(status.get("availableReplicas") or 0),
        _age(meta, now),
    )


def deployment_doc(cluster: str, deploy: dict[str, Any], now: float) -> Doc:
    meta = deploy.get("metadata") or {}
    status = deploy.get("status") or {}
    return {**_base(cluster, meta),
            "ready": {"ready": int(status.get("readyReplicas") or 0),
                      "total": int((deploy.get("spec") or {}).get("replicas", 1))},
            "up_to_date": int(status.get("updatedReplicas") or 0),
            "available": int(status.get("availableReplicas") or 0),
            **_times(meta, now), "labels": dict(meta.get("labels") or {})}


def node_roles(labels: dict[str, str]) -> str:
    roles = sorted(k[len(ROLE_PREFIX):] for k in labels if k.startswith(ROLE_PREFIX))
    if labels.get("kubernetes.io/role"):
        roles.append(labels["kubernetes.io/role"])
    return ",".join(r for r in roles if r) or "<none>"


def node_row(cluster: str, node: dict[str, Any], now: float) -> Row:
    meta = node.get("metadata") or {}
    status = node.get("status") or {}
    labels = meta.get("labels") or {}
    ready = "Unknown"
    for cond in status.get("conditions") or ():
        if cond.get("type") == "Ready":
            ready = "Ready" if cond.get("status") == "True" else "NotReady"
    if (node.get("spec") or {}).get("unschedulable"):
        ready += ",SchedulingDisabled"
    return (
        cluster,
        "",
        meta.get("name") or "",
        ready,
        node_roles(labels),
        _age(meta, now),
        (status.get("nodeInfo") or {}).get("kubeletVersion") or "",
        "yes" if labels.get(EDGE_LABEL) == EDGE_VALUE else "no",
        ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
    )


def node_doc(cluster: str, node: dict[str, Any], now: float) -> Doc:
    meta = node.get("metadata") or {}
    labels = meta.get("labels") or {}
    status, *rest = node_row(cluster, node, now)[3].split(",")
    roles = node_roles(labels)
    return {**_base(cluster, meta), "namespace": None, "status": status,
            "schedulable": "SchedulingDisabled" not in rest,
            "roles": [] if roles == "<none>" else roles.split(","), **_times(meta, now),
            "version": ((node.get("status") or {}).get("nodeInfo") or {}).get(
                "kubeletVersion") or None,
            "edge": labels.get(EDGE_LABEL) == EDGE_VALUE, "labels": dict(labels)}


def _event_seen(event: dict[str, Any]) -> float | None:
    meta = event.get("metadata") or {}
    series = event.get("series") or {}
    return (parse_time(series.get("lastObservedTime")) or parse_time(event.get("lastTimestamp"))
            or parse_time(event.get("eventTime")) or parse_time(meta.get("creationTimestamp")))


def event_doc(cluster: str, event: dict[str, Any], now: float) -> Doc:
    meta = event.get("metadata") or {}
    involved = event.get("involvedObject") or {}
    seen = _event_seen(event)
    return {**_base(cluster, meta), "last_seen": rfc3339(seen),
            "age_seconds": None if seen is None else max(0, int(now - seen)),
            "type": event.get("type") or None, "reason": event.get("reason") or None,
            "object": {"kind": involved.get("kind") or None,
                       "name": involved.get("name") or None},
            "count": int((event.get("series") or {}).get("count") or event.get("count") or 1),
            "message": str(event.get("message") or "")}


def event_row(cluster: str, event: dict[str, Any], now: float) -> Row:
    meta = event.get("metadata") or {}
    involved = event.get("involvedObject") or {}
    seen = _event_seen(event)
    kind = str(involved.get("kind") or "").lower()
    return (
        cluster,
        meta.get("namespace") or "",
        meta.get("name") or "",
        "<unknown>" if seen is None else human_duration(now - seen),
        event.get("type") or "",
        event.get("reason") or "",
        f"{kind}/{involved.get('name') or ''}",
        " ".join(str(event.get("message") or "").split()),  # one line per event
    )


def namespace_row(cluster: str, ns: dict[str, Any], now: float) -> Row:
    meta = ns.get("metadata") or {}
    return (
        cluster,
        "",
        meta.get("name") or "",
        (ns.get("status") or {}).get("phase") or "",
        _age(meta, now),
    )


def namespace_doc(cluster: str, ns: dict[str, Any], now: float) -> Doc:
    meta = ns.get("metadata") or {}
    return {**_base(cluster, meta), "namespace": None,
            "status": (ns.get("status") or {}).get("phase") or None, **_times(meta, now),
            "labels": dict(meta.get("labels") or {})}


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One kind the fleet view lists: where it lives and how a row reads."""

    name: str  # canonical plural: "pods"
    api_version: str
    kind: str
    namespaced: bool
    keys: tuple[str, ...]  # column keys, in row order (JSON/YAML field names)
    headers: tuple[str, ...]  # kubectl's headers, same order
    row: RowFn
    doc: DocFn  # the same object as a machine document (fleet get -o json|yaml)


_BASE = (("cluster", "CLUSTER"), ("namespace", "NAMESPACE"), ("name", "NAME"))


def _spec(name: str, api_version: str, kind: str, namespaced: bool, row: RowFn, doc: DocFn,
          *extra: tuple[str, str]) -> KindSpec:
    cols = (*_BASE, *extra)
    return KindSpec(name, api_version, kind, namespaced, tuple(k for k, _ in cols),
                    tuple(h for _, h in cols), row, doc)


KINDS: dict[str, KindSpec] = {
    s.name: s
    for s in (
        _spec("pods", "v1", "Pod", True, pod_row, pod_doc, ("ready", "READY"), ("status", "STATUS"),
              ("restarts", "RESTARTS"), ("age", "AGE"), ("node", "NODE")),
        _spec("deployments", "apps/v1", "Deployment", True, deployment_row, deployment_doc,
              ("ready", "READY"), ("up_to_date", "UP-TO-DATE"), ("available", "AVAILABLE"),
              ("age", "AGE")),
        _spec("nodes", "v1", "Node", False, node_row, node_doc, ("status", "STATUS"),
              ("roles", "ROLES"),
              ("age", "AGE"), ("version", "VERSION"), ("edge", "EDGE"), ("labels", "LABELS")),
        _spec("events", "v1", "Event", True, event_row, event_doc, ("last_seen", "LAST SEEN"),
              ("type", "TYPE"), ("reason", "REASON"), ("object", "OBJECT"),
              ("message", "MESSAGE")),
        _spec("namespaces", "v1", "Namespace", False, namespace_row, namespace_doc,
              ("status", "STATUS"),
              ("age", "AGE")),
    )
}

ALIASES: dict[str, str] = {
    "po": "pods", "pod": "pods",
    "deploy": "deployments", "deployment": "deployments",
    "no": "nodes", "node": "nodes",
    "ev": "events", "event": "events",
    "ns": "namespaces", "namespace": "namespaces",
}


def resolve_kind(kind: str) -> KindSpec | None:
    """``po``/``pod``/``pods``/``Pods`` -> the pods spec; None if not a fleet-view kind."""
    name = kind.strip().lower()
    return KINDS.get(ALIASES.get(name, name))

"""Server-side tables (``Accept: application/json;as=Table;v=v1;g=meta.k8s.io``), which is
what ``kubectl get`` prints. Columns follow the real printers for the common kinds; every
other kind gets NAME and AGE, like a CRD without printer columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ccseone_tui.sandbox.clock import age_of, now_ns
from ccseone_tui.sandbox.resources import ResourceType

Obj = dict[str, Any]
Column = tuple[str, str, Callable[[Obj, int], Any]]  # (name, type, cell)
# Columns of priority 1 (``kubectl get -o wide`` only), by name, as the real printers mark
# them; every other column has priority 0.
WIDE: dict[tuple[str, str], frozenset[str]] = {
    ("", "pods"): frozenset({"IP", "Node", "Nominated Node", "Readiness Gates"}),
    ("", "nodes"): frozenset({"Internal-IP", "External-IP", "OS-Image", "Kernel-Version",
                              "Container-Runtime"}),
    ("apps", "deployments"): frozenset({"Containers", "Images", "Selector"}),
}


def wants_table(accept: str) -> bool:
    return "as=Table" in accept and "g=meta.k8s.io" in accept


def _name(o: Obj, _: int) -> str:
    return o["metadata"]["name"]


def _age(o: Obj, now: int) -> str:
    return age_of(o["metadata"].get("creationTimestamp"), now)


def _pod_ready(o: Obj, _: int) -> str:
    statuses = (o.get("status") or {}).get("containerStatuses") or []
    total = len((o.get("spec") or {}).get("containers") or [])
    return f"{sum(1 for s in statuses if s.get('ready'))}/{total}"


def _pod_status(o: Obj, _: int) -> str:
    if o["metadata"].get("deletionTimestamp"):
        return "Terminating"
    status = o.get("status") or {}
    for s in status.get("containerStatuses") or []:
        waiting = (s.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            return waiting["reason"]
        terminated = (s.get("state") or {}).get("terminated")
        if terminated and terminated.get("reason") and status.get("phase") != "Succeeded":
            return terminated["reason"]
    if status.get("phase") == "Succeeded":
        return "Completed"
    return status.get("phase") or "Unknown"


def _restarts(o: Obj, _: int) -> int:
    statuses = (o.get("status") or {}).get("containerStatuses") or []
    return sum(s.get("restartCount", 0) for s in statuses)


def _status(path: str, default: Any = 0) -> Callable[[Obj, int], Any]:
    def cell(o: Obj, _: int) -> Any:
        cur: Any = o
        for p in path.split("."):
            cur = cur.get(p) if isinstance(cur, dict) else None
        return default if cur is None else cur
    return cell


def _ready_of(spec_path: str, ready_path: str) -> Callable[[Obj, int], str]:
    def cell(o: Obj, n: int) -> str:
        return f"{_status(ready_path)(o, n)}/{_status(spec_path)(o, n)}"
    return cell


def _node_status(o: Obj, _: int) -> str:
    for c in (o.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            state = "Ready" if c.get("status") == "True" else "NotReady"
            if (o.get("spec") or {}).get("unschedulable"):
                state += ",SchedulingDisabled"
            return state
    return "Unknown"


def _node_roles(o: Obj, _: int) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = [k[len(prefix):] for k in (o["metadata"].get("labels") or {}) if k.startswith(prefix)]
    return ",".join(sorted(roles)) or "<none>"


def _svc_ports(o: Obj, _: int) -> str:
    ports = []
    for p in (o.get("spec") or {}).get("ports") or []:
        s = str(p.get("port"))
        if p.get("nodePort"):
            s += f":{p['nodePort']}"
        ports.append(f"{s}/{p.get('protocol', 'TCP')}")
    return ",".join(ports) or "<none>"


def _event_object(o: Obj, _: int) -> str:
    io = o.get("involvedObject") or {}
    return f"{str(io.get('kind', '')).lower()}/{io.get('name', '')}"


def _last_seen(o: Obj, now: int) -> str:
    return age_of(o.get("lastTimestamp") or o["metadata"].get("creationTimestamp"), now)


def _pod_ip(o: Obj, _: int) -> Any:
    return (o.get("status") or {}).get("podIP") or "<none>"


def _pod_node(o: Obj, _: int) -> Any:
    return (o.get("spec") or {}).get("nodeName") or "<none>"


def _readiness_gates(o: Obj, _: int) -> str:
    gates = (o.get("spec") or {}).get("readinessGates") or []
    if not gates:
        return "<none>"
    conditions = {c.get("type"): c.get("status") for c in
                  (o.get("status") or {}).get("conditions") or []}
    ready = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
    return f"{ready}/{len(gates)}"


def _node_address(kind: str) -> Callable[[Obj, int], str]:
    def cell(o: Obj, _: int) -> str:
        for a in (o.get("status") or {}).get("addresses") or []:
            if a.get("type") == kind:
                return str(a.get("address", ""))
        return "<none>"
    return cell


def _containers(field: str) -> Callable[[Obj, int], str]:
    def cell(o: Obj, _: int) -> str:
        spec = ((o.get("spec") or {}).get("template") or {}).get("spec") or {}
        return ",".join(str(c.get(field, "")) for c in spec.get("containers") or [])
    return cell


def _selector(o: Obj, _: int) -> str:
    labels = ((o.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


_NAME: Column = ("Name", "string", _name)
_AGE: Column = ("Age", "string", _age)

COLUMNS: dict[tuple[str, str], list[Column]] = {
    ("", "pods"): [_NAME, ("Ready", "string", _pod_ready), ("Status", "string", _pod_status),
                   ("Restarts", "string", _restarts), _AGE, ("IP", "string", _pod_ip),
                   ("Node", "string", _pod_node),
                   ("Nominated Node", "string",
                    lambda o, n: (o.get("status") or {}).get("nominatedNodeName") or "<none>"),
                   ("Readiness Gates", "string", _readiness_gates)],
    ("", "namespaces"): [_NAME, ("Status", "string", _status("status.phase", "")), _AGE],
    ("", "nodes"): [_NAME, ("Status", "string", _node_status), ("Roles", "string", _node_roles),
                    _AGE, ("Version", "string", _status("status.nodeInfo.kubeletVersion", "")),
                    ("Internal-IP", "string", _node_address("InternalIP")),
                    ("External-IP", "string", _node_address("ExternalIP")),
                    ("OS-Image", "string", _status("status.nodeInfo.osImage", "<unknown>")),
                    ("Kernel-Version", "string",
                     _status("status.nodeInfo.kernelVersion", "<unknown>")),
                    ("Container-Runtime", "string",
                     _status("status.nodeInfo.containerRuntimeVersion", "<unknown>"))],
    ("", "services"): [_NAME, ("Type", "string", _status("spec.type", "")),
                       ("Cluster-IP", "string", _status("spec.clusterIP", "<none>")),
                       ("External-IP", "string", lambda o, n: "<none>"),
                       ("Port(s)", "string", _svc_ports), _AGE],
    ("", "configmaps"): [_NAME, ("Data", "integer", lambda o, n: len(o.get("data") or {})
                                 + len(o.get("binaryData") or {})), _AGE],
    ("", "secrets"): [_NAME, ("Type", "string", _status("type", "")),
                      ("Data", "integer", lambda o, n: len(o.get("data") or {})), _AGE],
    ("", "events"): [("Last Seen", "string", _last_seen), ("Type", "string", _status("type", "")),
                     ("Reason", "string", _status("reason", "")),
                     ("Object", "string", _event_object),
                     ("Message", "string", _status("message", ""))],
    ("apps", "deployments"): [
        _NAME, ("Ready", "string", _ready_of("spec.replicas", "status.readyReplicas")),
        ("Up-to-date", "integer", _status("status.updatedReplicas")),
        ("Available", "integer", _status("status.availableReplicas")), _AGE,
        ("Containers", "string", _containers("name")), ("Images", "string", _containers("image")),
        ("Selector", "string", _selector)],
    ("apps", "replicasets"): [
        _NAME, ("Desired", "integer", _status("spec.replicas")),
        ("Current", "integer", _status("status.replicas")),
        ("Ready", "integer", _status("status.readyReplicas")), _AGE],
    ("apps", "statefulsets"): [
        _NAME, ("Ready", "string", _ready_of("spec.replicas", "status.readyReplicas")), _AGE],
    ("apps", "daemonsets"): [
        _NAME, ("Desired", "integer", _status("status.desiredNumberScheduled")),
        ("Current", "integer", _status("status.currentNumberScheduled")),
        ("Ready", "integer", _status("status.numberReady")),
        ("Up-to-date", "integer", _status("status.updatedNumberScheduled")),
        ("Available", "integer", _status("status.numberAvailable")), _AGE],
    ("batch", "jobs"): [
        _NAME, ("Status", "string", lambda o, n: "Complete" if (o.get("status") or {}).get(
            "succeeded", 0) >= (o.get("spec") or {}).get("completions", 1) else "Running"),
        ("Completions", "string", _ready_of("spec.completions", "status.succeeded")), _AGE],
}


def _json_path(path: str) -> Callable[[Obj, int], Any]:
    """The subset of JSONPath CRD printer columns use: ``.a.b``, ``[0]``, ``[*]`` and
    ``[?(@.type=="Ready")]``; what it finds, a list when several, else None."""
    import re

    steps = re.findall(r'\.([^.\[]+)|\[(\*|\d+|\?\(@\.(\w+)=="([^"]*)"\))\]', path)

    def cell(o: Obj, _: int) -> Any:
        found: list[Any] = [o]
        for name, index, key, value in steps:
            nxt: list[Any] = []
            for cur in found:
                if name:
                    if isinstance(cur, dict) and name in cur:
                        nxt.append(cur[name])
                elif isinstance(cur, list):
                    if index == "*":
                        nxt.extend(cur)
                    elif index.isdigit():
                        nxt.extend(cur[int(index):int(index) + 1])
                    else:
                        nxt.extend(c for c in cur
                                   if isinstance(c, dict) and str(c.get(key)) == value)
            found = nxt
        if not found:
            return None
        return found[0] if len(found) == 1 else found
    return cell


def _printer_column(name: str, typ: str, path: str) -> Column:
    get = _json_path(path)
    if typ == "date":  # the server prints a date column as an age, like kubectl's AGE
        return (name, typ, lambda o, now: age_of(get(o, now), now) if get(o, now) else None)
    return (name, typ, get)


def _crd_columns(rt: ResourceType) -> tuple[list[Column], frozenset[str]]:
    cols = [_NAME] + [_printer_column(n, t, p) for n, t, p, _ in rt.printer_columns]
    return cols, frozenset(n for n, _, _, prio in rt.printer_columns if prio > 0)


def to_table(rt: ResourceType, objects: list[Obj], resource_version: str,
             extra_meta: dict[str, Any] | None = None) -> Obj:
    if rt.printer_columns:  # a CRD with additionalPrinterColumns: NAME, then those
        cols, wide = _crd_columns(rt)
    else:
        cols = COLUMNS.get(rt.key, [_NAME, _AGE])
        wide = WIDE.get(rt.key, frozenset())
    now = now_ns()
    rows = []
    for o in objects:
        meta = o["metadata"]
        rows.append({
            "cells": [cell(o, now) for _, _, cell in cols],
            "object": {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": {k: v for k, v in meta.items() if k != "managedFields"},
            },
        })
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version, **(extra_meta or {})},
        "columnDefinitions": [
            {"name": name, "type": typ, "format": "name" if name == "Name" else "",
             "description": "", "priority": 1 if name in wide else 0}
            for name, typ, _ in cols
        ],
        "rows": rows,
    }

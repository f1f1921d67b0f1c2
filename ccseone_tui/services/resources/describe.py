"""``kubectl describe``-like text from raw objects (no I/O: ``objects.py`` fetches what a
kind's description needs and hands it in as :class:`Related`).

The layout is kubectl's: ``Key:<tab>value`` lines through a tab writer with kubectl's
settings (minwidth 0, padding 2, spaces), levels indented by two spaces, headings in
kubectl's English (kubectl does not translate them either).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ccseone_tui.domain.durations import human_duration
from ccseone_tui.services.resources.actions import ContainerInfo, EventRow

Obj = dict[str, Any]
NONE = "<none>"
UNSET = "<unset>"


# ---- Go's text/tabwriter, as kubectl describe configures it ------------------------------


def tabwrite(lines: Sequence[str], padding: int = 2) -> str:
    """Align ``\\t``-separated cells like Go's ``tabwriter`` (minwidth 0, padding 2, padchar
    ' ', no flags): a column's width is set per block of consecutive lines that have a
    terminated cell in that column."""
    cells = [line.split("\t") for line in lines]
    out: list[str] = []
    widths: list[int] = []

    def write(start: int, end: int) -> None:
        for row in cells[start:end]:
            parts = []
            for j, cell in enumerate(row):
                if j < len(row) - 1 and j < len(widths):
                    parts.append(cell.ljust(widths[j]))
                else:
                    parts.append(cell)
            out.append("".join(parts).rstrip() if len(row) > 1 else "".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(cells[this]) - 1:
                this += 1
                continue
            write(line0, this)
            line0 = this
            width = 0
            while this < line1 and column < len(cells[this]) - 1:
                width = max(width, len(cells[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write(line0, line1)

    fmt(0, len(cells))
    return "\n".join(out)


class Writer:
    """kubectl's ``PrefixWriter``: ``w.line(level, "Name:", value)``; cells are joined by
    tabs and the level indents the first cell by two spaces per level."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, level: int, *cells: Any) -> None:
        text = "\t".join("" if c is None else str(c) for c in cells)
        self.lines.append("  " * level + text)

    def map(self, level: int, title: str, values: dict[str, Any] | None, sep: str = "=",
            skip: Iterable[str] = ()) -> None:
        """``Labels:  a=b`` then ``\\tc=d`` per further entry (kubectl's printLabelsMultiline)."""
        items = sorted((k, v) for k, v in (values or {}).items() if k not in set(skip))
        if not items:
            self.line(level, title, NONE)
            return
        for i, (k, v) in enumerate(items):
            text = f"{k}{sep}{v}"
            self.line(level, title if i == 0 else "", text)

    def annotations(self, level: int, values: dict[str, Any] | None) -> None:
        # kubectl skips the last-applied configuration (it is the whole object again)
        skip = ("kubectl.kubernetes.io/last-applied-configuration",)
        items = {k: _short(str(v)) for k, v in (values or {}).items() if k not in skip}
        self.map(level, "Annotations:", items, sep=": ")

    def text(self) -> str:
        return tabwrite(self.lines)


def _short(text: str, limit: int = 200) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---- time ---------------------------------------------------------------------------------


def parse_time(text: Any) -> float | None:
    """Epoch seconds from an RFC 3339 / MicroTime string; None if absent or unreadable."""
    if not text or not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def rfc1123(text: Any) -> str:
    """kubectl's ``Mon, 02 Jan 2006 15:04:05 -0700`` (in UTC, as the API server gives it)."""
    when = parse_time(text)
    if when is None:
        return UNSET if not text else str(text)
    return datetime.fromtimestamp(when, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def age(when: float | None, now: float | None = None) -> str:
    if when is None:
        return "<unknown>"
    return human_duration((now if now is not None else time.time()) - when)


# ---- events -------------------------------------------------------------------------------


def event_rows(items: Iterable[Obj], now: float | None = None) -> list[EventRow]:
    """core/v1 Events as rows, oldest first (kubectl sorts by last timestamp)."""
    now = time.time() if now is None else now
    rows: list[tuple[float, EventRow]] = []
    for e in items:
        series = e.get("series") or {}
        meta = e.get("metadata") or {}
        last = (parse_time(series.get("lastObservedTime")) or parse_time(e.get("lastTimestamp"))
                or parse_time(e.get("eventTime")) or parse_time(e.get("firstTimestamp"))
                or parse_time(meta.get("creationTimestamp")))
        count = int(series.get("count") or e.get("count") or 1)
        source = ((e.get("source") or {}).get("component") or e.get("reportingComponent")
                  or e.get("reportingController") or "")
        rows.append((last if last is not None else 0.0, EventRow(
            type=str(e.get("type") or ""), reason=str(e.get("reason") or ""),
            age=age(last, now), last_seen=last, count=count, source=str(source),
            message=str(e.get("message") or "").strip())))
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]


def write_events(w: Writer, rows: Sequence[EventRow] | None, now: float | None = None) -> None:
    if rows is None:  # the events could not be read: say so rather than "<none>"
        w.line(0, "Events:", "<unknown>")
        return
    if not rows:
        w.line(0, "Events:", NONE)
        return
    w.line(0, "Events:")
    w.line(1, "Type", "Reason", "Age", "From", "Message")
    w.line(1, "----", "------", "----", "----", "-------")
    for r in rows:
        shown = r.age if r.count <= 1 else f"{r.age} (x{r.count})"
        w.line(1, r.type, r.reason, shown, r.source, r.message)


# ---- selectors and owners -----------------------------------------------------------------


def selector_text(selector: Obj | None) -> str:
    """A LabelSelector as the string the API takes (``a=b,c in (d,e),!f``)."""
    if not selector:
        return ""
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = ",".join(sorted(expr.get("values") or []))
        if op == "In":
            parts.append(f"{key} in ({values})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def controller_of(obj: Obj) -> Obj | None:
    owners = (obj.get("metadata") or {}).get("ownerReferences") or []
    for o in owners:
        if o.get("controller"):
            return o
    return owners[0] if owners else None


def owned_by(obj: Obj, uid: str) -> bool:
    return any(o.get("uid") == uid
               for o in (obj.get("metadata") or {}).get("ownerReferences") or [])


# ---- containers ---------------------------------------------------------------------------


def _state_text(state: Obj | None) -> str:
    state = state or {}
    if "running" in state:
        return "Running"
    if "waiting" in state:
        reason = (state["waiting"] or {}).get("reason")
        return f"Waiting: {reason}" if reason else "Waiting"
    if "terminated" in state:
        term = state["terminated"] or {}
        reason = term.get("reason") or "Completed"
        return f"Terminated: {reason} ({term.get('exitCode', 0)})"
    return "Waiting"


def containers_of(pod: Obj) -> list[ContainerInfo]:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    out: list[ContainerInfo] = []
    for kind, spec_key, status_key in (
        ("init", "initContainers", "initContainerStatuses"),
        ("main", "containers", "containerStatuses"),
        ("ephemeral", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        statuses = {s.get("name"): s for s in status.get(status_key) or []}
        for c in spec.get(spec_key) or []:
            s = statuses.get(c.get("name")) or {}
            restarts = int(s.get("restartCount") or 0)
            last = (s.get("lastState") or {}).get("terminated")
            out.append(ContainerInfo(
                name=str(c.get("name") or ""), image=str(c.get("image") or ""), kind=kind,
                ready=bool(s.get("ready")), state=_state_text(s.get("state")),
                restarts=restarts, has_previous=restarts > 0 or bool(last)))
    return out


# ---- describe -----------------------------------------------------------------------------


@dataclass
class Related:
    """What a kind's description needs beyond the object, fetched by ``objects.py``.
    A list left None could not be read (the line says ``<unknown>``)."""

    events: list[EventRow] | None = None
    pods: list[Obj] | None = None  # the object's pods (controller, node, service)
    replicasets: list[Obj] | None = None  # a Deployment's
    jobs: list[Obj] | None = None  # a CronJob's
    endpoints: Obj | None = None  # a Service's Endpoints
    extra: dict[str, Any] = field(default_factory=dict)


def _header(w: Writer, obj: Obj, *, created: bool = True) -> None:
    meta = obj.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    if meta.get("namespace"):
        w.line(0, "Namespace:", meta["namespace"])
    if created:
        w.line(0, "CreationTimestamp:", rfc1123(meta.get("creationTimestamp")))
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    owner = controller_of(obj)
    if owner:
        w.line(0, "Controlled By:", f"{owner.get('kind')}/{owner.get('name')}")
    if meta.get("deletionTimestamp"):
        w.line(0, "Terminating Since:", rfc1123(meta["deletionTimestamp"]))
        if meta.get("finalizers"):
            w.line(0, "Finalizers:", ", ".join(meta["finalizers"]))


def _conditions(w: Writer, conds: list[Obj] | None, level: int = 0,
                columns: Sequence[str] = ("Type", "Status", "Reason"),
                dashes: bool = True) -> None:
    if not conds:
        w.line(level, "Conditions:", NONE)
        return
    w.line(level, "Conditions:")
    w.line(level + 1, *columns)
    if dashes:
        w.line(level + 1, *("-" * len(c) for c in columns))
    keys = [c[0].lower() + c[1:] for c in columns]
    for c in conds:
        cells = []
        for k in keys:
            v = c.get(k)
            if k.endswith("Time"):
                v = rfc1123(v)
            cells.append(_short(str(v if v not in (None, "") else "")) or "")
        w.line(level + 1, *cells)


def _ports(ports: list[Obj] | None) -> str:
    if not ports:
        return NONE
    return ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}"
                     + (f" ({p['name']})" if p.get("name") else "") for p in ports)


def _container_spec(w: Writer, level: int, c: Obj, status: Obj | None,
                    space: str = "") -> None:
    w.line(level, f"{space}{c.get('name')}:")
    lv = level + 1
    if status is not None and status.get("containerID"):
        w.line(lv, "Container ID:", status["containerID"])
    w.line(lv, "Image:", c.get("image", ""))
    if status is not None and status.get("imageID"):
        w.line(lv, "Image ID:", status["imageID"])
    w.line(lv, "Port:" if len(c.get("ports") or []) <= 1 else "Ports:", _ports(c.get("ports")))
    if c.get("command"):
        w.line(lv, "Command:")
        for part in c["command"]:
            w.line(lv + 1, part)
    if c.get("args"):
        w.line(lv, "Args:")
        for part in c["args"]:
            w.line(lv + 1, part)
    if status is not None:
        _container_state(w, lv, "State:", status.get("state"))
        if status.get("lastState"):
            _container_state(w, lv, "Last State:", status.get("lastState"))
        w.line(lv, "Ready:", "True" if status.get("ready") else "False")
        w.line(lv, "Restart Count:", int(status.get("restartCount") or 0))
    resources = c.get("resources") or {}
    for title, key in (("Limits:", "limits"), ("Requests:", "requests")):
        if resources.get(key):
            w.line(lv, title)
            for k, v in sorted(resources[key].items()):
                w.line(lv + 1, f"{k}:", v)
    env = c.get("env") or []
    if not env and not c.get("envFrom"):
        w.line(lv, "Environment:", NONE)
    else:
        w.line(lv, "Environment:")
        for e in env:
            if "value" in e:
                value = _short(str(e.get("value")))
            else:
                value = _env_source(e.get("valueFrom") or {})
            w.line(lv + 1, f"{e.get('name')}:", value)
        for src in c.get("envFrom") or []:
            for k in ("configMapRef", "secretRef"):
                if src.get(k):
                    what = "ConfigMap" if k == "configMapRef" else "Secret"
                    w.line(lv + 1, f"{src[k].get('name')}", f"{what}  Optional: "
                           f"{str(bool(src[k].get('optional'))).lower()}")
    mounts = c.get("volumeMounts") or []
    if not mounts:
        w.line(lv, "Mounts:", NONE)
    else:
        w.line(lv, "Mounts:")
        for m in mounts:
            ro = "ro" if m.get("readOnly") else "rw"
            sub = f",path=\"{m['subPath']}\"" if m.get("subPath") else ""
            w.line(lv + 1, f"{m.get('mountPath')} from {m.get('name')} ({ro}{sub})")


def _env_source(src: Obj) -> str:
    if src.get("secretKeyRef"):  # the value is never read: only where it comes from
        ref = src["secretKeyRef"]
        return f"<set to the key '{ref.get('key')}' in secret '{ref.get('name')}'>"
    if src.get("configMapKeyRef"):
        ref = src["configMapKeyRef"]
        return f"<set to the key '{ref.get('key')}' of config map '{ref.get('name')}'>"
    if src.get("fieldRef"):
        ref = src["fieldRef"]
        return f" ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath')})"
    if src.get("resourceFieldRef"):
        ref = src["resourceFieldRef"]
        return f"{ref.get('resource')}"
    return ""


def _container_state(w: Writer, level: int, title: str, state: Obj | None) -> None:
    state = state or {}
    if "running" in state:
        w.line(level, title, "Running")
        w.line(level + 1, "Started:", rfc1123((state["running"] or {}).get("startedAt")))
    elif "waiting" in state:
        w.line(level, title, "Waiting")
        reason = (state["waiting"] or {}).get("reason")
        if reason:
            w.line(level + 1, "Reason:", reason)
        if (state["waiting"] or {}).get("message"):
            w.line(level + 1, "Message:", _short(state["waiting"]["message"]))
    elif "terminated" in state:
        term = state["terminated"] or {}
        w.line(level, title, "Terminated")
        if term.get("reason"):
            w.line(level + 1, "Reason:", term["reason"])
        if term.get("message"):
            w.line(level + 1, "Message:", _short(term["message"]))
        w.line(level + 1, "Exit Code:", term.get("exitCode", 0))
        if term.get("signal"):
            w.line(level + 1, "Signal:", term["signal"])
        w.line(level + 1, "Started:", rfc1123(term.get("startedAt")))
        w.line(level + 1, "Finished:", rfc1123(term.get("finishedAt")))
    else:
        w.line(level, title, "Waiting")


def _volumes(w: Writer, level: int, volumes: list[Obj] | None) -> None:
    if not volumes:
        w.line(level, "Volumes:", NONE)
        return
    w.line(level, "Volumes:")
    for v in volumes:
        w.line(level + 1, f"{v.get('name')}:")
        source = next(((k, s) for k, s in v.items() if k != "name"), None)
        if source is None:
            continue
        kind, body = source
        w.line(level + 2, "Type:", _volume_type(kind))
        if isinstance(body, dict):
            for key in ("secretName", "name", "claimName", "path", "medium", "server"):
                if body.get(key):
                    title = {"secretName": "SecretName", "claimName": "ClaimName"}.get(
                        key, key[0].upper() + key[1:])
                    w.line(level + 2, f"{title}:", body[key])


def _volume_type(kind: str) -> str:
    names = {"emptyDir": "EmptyDir (a temporary directory that shares a pod's lifetime)",
             "secret": "Secret (a volume populated by a Secret)",
             "configMap": "ConfigMap (a volume populated by a ConfigMap)",
             "persistentVolumeClaim": "PersistentVolumeClaim (a reference to a "
                                      "PersistentVolumeClaim in the same namespace)",
             "hostPath": "HostPath (bare host directory volume)",
             "projected": "Projected (a volume that contains injected data from multiple "
                          "sources)",
             "downwardAPI": "DownwardAPI (a volume populated by information about the pod)"}
    return names.get(kind, kind)


def _pod_template(w: Writer, level: int, template: Obj | None) -> None:
    template = template or {}
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    w.line(level, "Pod Template:")
    w.map(level + 1, "Labels:", meta.get("labels"))
    if meta.get("annotations"):
        w.annotations(level + 1, meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.line(level + 1, "Service Account:", spec["serviceAccountName"])
    if spec.get("initContainers"):
        w.line(level + 1, "Init Containers:")
        for c in spec["initContainers"]:
            _container_spec(w, level + 1, c, None, space=" ")  # kubectl's extra space
    w.line(level + 1, "Containers:")
    for c in spec.get("containers") or []:
        _container_spec(w, level + 1, c, None, space=" ")
    _volumes(w, level + 1, spec.get("volumes"))
    w.map(level + 1, "Node-Selectors:", spec.get("nodeSelector"))
    _tolerations(w, level + 1, spec.get("tolerations"))


def _tolerations(w: Writer, level: int, tolerations: list[Obj] | None) -> None:
    if not tolerations:
        w.line(level, "Tolerations:", NONE)
        return
    for i, tol in enumerate(tolerations):
        text = tol.get("key") or ""
        if tol.get("operator") == "Exists" and not text:
            text = "op=Exists"
        elif tol.get("operator") == "Exists":
            text += " op=Exists"
        elif tol.get("value") is not None:
            text += f"={tol.get('value')}"
        if tol.get("effect"):
            text += f":{tol['effect']}"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.line(level, "Tolerations:" if i == 0 else "", text)


def _pods_status(pods: list[Obj] | None) -> str:
    if pods is None:
        return "<unknown>"
    phases = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for p in pods:
        phase = (p.get("status") or {}).get("phase") or "Pending"
        phases[phase] = phases.get(phase, 0) + 1
    return (f"{phases['Running']} Running / {phases['Pending']} Waiting / "
            f"{phases['Succeeded']} Succeeded / {phases['Failed']} Failed")


def describe_pod(w: Writer, pod: Obj, rel: Related) -> None:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    if spec.get("priority") is not None:
        w.line(0, "Priority:", spec["priority"])
    if spec.get("priorityClassName"):
        w.line(0, "Priority Class Name:", spec["priorityClassName"])
    w.line(0, "Service Account:", spec.get("serviceAccountName") or "default")
    node = spec.get("nodeName")
    w.line(0, "Node:", f"{node}/{status['hostIP']}" if node and status.get("hostIP")
           else (node or NONE))
    w.line(0, "Start Time:", rfc1123(status.get("startTime")) if status.get("startTime")
           else NONE)
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    phase = status.get("phase") or "Unknown"
    if meta.get("deletionTimestamp"):
        w.line(0, "Status:", "Terminating (lasts "
               f"{age(parse_time(meta['deletionTimestamp']))})")
        if meta.get("deletionGracePeriodSeconds") is not None:
            w.line(0, "Termination Grace Period:", f"{meta['deletionGracePeriodSeconds']}s")
    else:
        w.line(0, "Status:", phase)
    if status.get("reason"):
        w.line(0, "Reason:", status["reason"])
    if status.get("message"):
        w.line(0, "Message:", _short(status["message"]))
    w.line(0, "IP:", status.get("podIP") or "")
    ips = status.get("podIPs") or []
    if ips:
        w.line(0, "IPs:")
        for ip in ips:
            w.line(1, "IP:", ip.get("ip", ""))
    else:
        w.line(0, "IPs:", NONE)
    owner = controller_of(pod)
    if owner:
        w.line(0, "Controlled By:", f"{owner.get('kind')}/{owner.get('name')}")
    for title, spec_key, status_key in (
        ("Init Containers:", "initContainers", "initContainerStatuses"),
        ("Containers:", "containers", "containerStatuses"),
        ("Ephemeral Containers:", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        containers = spec.get(spec_key) or []
        if not containers and spec_key != "containers":
            continue
        statuses = {s.get("name"): s for s in status.get(status_key) or []}
        w.line(0, title)
        for c in containers:
            _container_spec(w, 1, c, statuses.get(c.get("name")) or {})
    _conditions(w, status.get("conditions"), columns=("Type", "Status"), dashes=False)
    _volumes(w, 0, spec.get("volumes"))
    w.line(0, "QoS Class:", status.get("qosClass") or "BestEffort")
    w.map(0, "Node-Selectors:", spec.get("nodeSelector"))
    _tolerations(w, 0, spec.get("tolerations"))


def _strategy(spec: Obj) -> tuple[str, str | None]:
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type") or "RollingUpdate"
    rolling = strategy.get("rollingUpdate") or {}
    if kind != "RollingUpdate":
        return kind, None
    return kind, (f"{rolling.get('maxUnavailable', '25%')} max unavailable, "
                  f"{rolling.get('maxSurge', '25%')} max surge")


def describe_deployment(w: Writer, d: Obj, rel: Related) -> None:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    _header(w, d)
    w.line(0, "Selector:", selector_text(spec.get("selector")) or NONE)
    desired = spec.get("replicas", 1)
    unavailable = status.get("unavailableReplicas", 0)
    w.line(0, "Replicas:", f"{desired} desired | {status.get('updatedReplicas', 0)} updated | "
           f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} "
           f"available | {unavailable} unavailable")
    kind, rolling = _strategy(spec)
    w.line(0, "StrategyType:", kind)
    w.line(0, "MinReadySeconds:", spec.get("minReadySeconds", 0))
    if rolling:
        w.line(0, "RollingUpdateStrategy:", rolling)
    if spec.get("paused"):
        w.line(0, "Paused:", "true")
    _pod_template(w, 0, spec.get("template"))
    _conditions(w, status.get("conditions"))
    new, old = _new_and_old(d, rel.replicasets)
    w.line(0, "OldReplicaSets:", ", ".join(_rs_text(r) for r in old) or NONE)
    w.line(0, "NewReplicaSet:", _rs_text(new) if new else NONE)


def _new_and_old(d: Obj, replicasets: list[Obj] | None) -> tuple[Obj | None, list[Obj]]:
    if replicasets is None:
        return None, []
    uid = (d.get("metadata") or {}).get("uid", "")
    mine = [r for r in replicasets if owned_by(r, uid)]
    revision = (d.get("metadata") or {}).get("annotations", {}).get(
        "deployment.kubernetes.io/revision")
    template = ((d.get("spec") or {}).get("template") or {})
    new = None
    for r in mine:
        rev = ((r.get("metadata") or {}).get("annotations") or {}).get(
            "deployment.kubernetes.io/revision")
        if revision is not None and rev == revision:
            new = r
    if new is None:  # no revisions: the one whose template matches (minus the hash label)
        for r in mine:
            tpl = ((r.get("spec") or {}).get("template") or {})
            labels = dict((tpl.get("metadata") or {}).get("labels") or {})
            labels.pop("pod-template-hash", None)
            if labels == ((template.get("metadata") or {}).get("labels") or {}) and \
                    tpl.get("spec") == template.get("spec"):
                new = r
    old = [r for r in mine if r is not new and (r.get("spec") or {}).get("replicas", 0)]
    return new, old


def _rs_text(rs: Obj) -> str:
    name = (rs.get("metadata") or {}).get("name", "")
    return (f"{name} ({(rs.get('status') or {}).get('replicas', 0)}/"
            f"{(rs.get('spec') or {}).get('replicas', 0)} replicas created)")


def describe_replicaset(w: Writer, rs: Obj, rel: Related) -> None:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    meta = rs.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.line(0, "Selector:", selector_text(spec.get("selector")) or NONE)
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    owner = controller_of(rs)
    if owner:
        w.line(0, "Controlled By:", f"{owner.get('kind')}/{owner.get('name')}")
    w.line(0, "Replicas:", f"{status.get('replicas', 0)} current / "
           f"{spec.get('replicas', 1)} desired")
    w.line(0, "Pods Status:", _pods_status(rel.pods))
    _pod_template(w, 0, spec.get("template"))
    if status.get("conditions"):
        _conditions(w, status.get("conditions"))


def describe_statefulset(w: Writer, sts: Obj, rel: Related) -> None:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    _header(w, sts)
    w.line(0, "Selector:", selector_text(spec.get("selector")) or NONE)
    w.line(0, "Replicas:", f"{spec.get('replicas', 1)} desired | "
           f"{status.get('replicas', 0)} total")
    w.line(0, "Update Strategy:", (spec.get("updateStrategy") or {}).get("type")
           or "RollingUpdate")
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition")
    if partition is not None:
        w.line(1, "Partition:", partition)
    w.line(0, "Pods Status:", _pods_status(rel.pods))
    _pod_template(w, 0, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.line(0, "Volume Claims:", NONE)
    else:
        w.line(0, "Volume Claims:")
        for c in claims:
            cspec = c.get("spec") or {}
            w.line(1, "Name:", (c.get("metadata") or {}).get("name", ""))
            w.line(1, "StorageClass:", cspec.get("storageClassName", ""))
            w.line(1, "Capacity:", ((cspec.get("resources") or {}).get("requests") or {}).get(
                "storage", ""))
            w.line(1, "Access Modes:", ", ".join(cspec.get("accessModes") or []))


def describe_daemonset(w: Writer, ds: Obj, rel: Related) -> None:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    meta = ds.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.line(0, "Selector:", selector_text(spec.get("selector")) or NONE)
    w.map(0, "Node-Selector:", ((spec.get("template") or {}).get("spec") or {}).get(
        "nodeSelector"))
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    w.line(0, "Desired Number of Nodes Scheduled:", status.get("desiredNumberScheduled", 0))
    w.line(0, "Current Number of Nodes Scheduled:", status.get("currentNumberScheduled", 0))
    w.line(0, "Number of Nodes Scheduled with Up-to-date Pods:",
           status.get("updatedNumberScheduled", 0))
    w.line(0, "Number of Nodes Scheduled with Available Pods:",
           status.get("numberAvailable", 0))
    w.line(0, "Number of Nodes Misscheduled:", status.get("numberMisscheduled", 0))
    w.line(0, "Pods Status:", _pods_status(rel.pods))
    _pod_template(w, 0, spec.get("template"))


def describe_job(w: Writer, job: Obj, rel: Related) -> None:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    meta = job.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.line(0, "Selector:", selector_text(spec.get("selector")) or NONE)
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    owner = controller_of(job)
    if owner:
        w.line(0, "Controlled By:", f"{owner.get('kind')}/{owner.get('name')}")
    w.line(0, "Parallelism:", spec.get("parallelism", 1))
    w.line(0, "Completions:", spec.get("completions", UNSET))
    w.line(0, "Completion Mode:", spec.get("completionMode") or "NonIndexed")
    if spec.get("suspend"):
        w.line(0, "Suspend:", "true")
    if spec.get("backoffLimit") is not None:
        w.line(0, "Backoff Limit:", spec["backoffLimit"])
    w.line(0, "Start Time:", rfc1123(status.get("startTime")) if status.get("startTime")
           else NONE)
    if status.get("completionTime"):
        w.line(0, "Completed At:", rfc1123(status["completionTime"]))
        start, end = parse_time(status.get("startTime")), parse_time(status["completionTime"])
        if start is not None and end is not None:
            w.line(0, "Duration:", human_duration(end - start))
    w.line(0, "Pods Statuses:", f"{status.get('active', 0)} Active ("
           f"{status.get('ready', 0)} Ready) / {status.get('succeeded', 0)} Succeeded / "
           f"{status.get('failed', 0)} Failed")
    _pod_template(w, 0, spec.get("template"))
    if status.get("conditions"):
        _conditions(w, status.get("conditions"))


def describe_cronjob(w: Writer, cj: Obj, rel: Related) -> None:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    meta = cj.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    w.line(0, "Schedule:", spec.get("schedule", ""))
    if spec.get("timeZone"):
        w.line(0, "Time Zone:", spec["timeZone"])
    w.line(0, "Concurrency Policy:", spec.get("concurrencyPolicy") or "Allow")
    w.line(0, "Suspend:", "True" if spec.get("suspend") else "False")
    w.line(0, "Successful Job History Limit:", spec.get("successfulJobsHistoryLimit", 3))
    w.line(0, "Failed Job History Limit:", spec.get("failedJobsHistoryLimit", 1))
    w.line(0, "Starting Deadline Seconds:", spec.get("startingDeadlineSeconds", UNSET))
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    w.line(0, "Selector:", selector_text(job_spec.get("selector")) or UNSET)
    w.line(0, "Parallelism:", job_spec.get("parallelism", UNSET))
    w.line(0, "Completions:", job_spec.get("completions", UNSET))
    _pod_template(w, 0, job_spec.get("template"))
    w.line(0, "Last Schedule Time:", rfc1123(status.get("lastScheduleTime"))
           if status.get("lastScheduleTime") else UNSET)
    active = [a.get("name", "") for a in status.get("active") or []]
    w.line(0, "Active Jobs:", ", ".join(active) or NONE)


def describe_service(w: Writer, svc: Obj, rel: Related) -> None:
    spec = svc.get("spec") or {}
    meta = svc.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Namespace:", meta.get("namespace", ""))
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    w.map(0, "Selector:", spec.get("selector"))
    w.line(0, "Type:", spec.get("type") or "ClusterIP")
    if spec.get("ipFamilyPolicy"):
        w.line(0, "IP Family Policy:", spec["ipFamilyPolicy"])
    if spec.get("ipFamilies"):
        w.line(0, "IP Families:", ",".join(spec["ipFamilies"]))
    w.line(0, "IP:", spec.get("clusterIP") or "")
    if spec.get("clusterIPs"):
        w.line(0, "IPs:", ",".join(spec["clusterIPs"]))
    if spec.get("externalIPs"):
        w.line(0, "External IPs:", ",".join(spec["externalIPs"]))
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.line(0, "LoadBalancer Ingress:",
               ", ".join(i.get("ip") or i.get("hostname") or "" for i in ingress))
    if spec.get("externalName"):
        w.line(0, "External Name:", spec["externalName"])
    for p in spec.get("ports") or []:
        name = p.get("name") or UNSET
        proto = p.get("protocol", "TCP")
        w.line(0, "Port:", f"{name}  {p.get('port')}/{proto}")
        target = p.get("targetPort", p.get("port"))
        w.line(0, "TargetPort:", f"{target}/{proto}")
        if p.get("nodePort"):
            w.line(0, "NodePort:", f"{name}  {p['nodePort']}/{proto}")
        w.line(0, "Endpoints:", _endpoints(rel.endpoints, p))
    w.line(0, "Session Affinity:", spec.get("sessionAffinity") or "None")
    if spec.get("externalTrafficPolicy"):
        w.line(0, "External Traffic Policy:", spec["externalTrafficPolicy"])
    if spec.get("internalTrafficPolicy"):
        w.line(0, "Internal Traffic Policy:", spec["internalTrafficPolicy"])


def _endpoints(endpoints: Obj | None, port: Obj) -> str:
    if endpoints is None:
        return NONE
    found = []
    for subset in endpoints.get("subsets") or []:
        ports = subset.get("ports") or []
        match = [p for p in ports if p.get("name", "") == port.get("name", "")] or ports[:1]
        for p in match:
            for a in subset.get("addresses") or []:
                found.append(f"{a.get('ip')}:{p.get('port')}")
    if not found:
        return NONE
    shown = ",".join(found[:3])
    return shown + (f" + {len(found) - 3} more..." if len(found) > 3 else "")


def describe_node(w: Writer, node: Obj, rel: Related) -> None:
    meta, spec, status = (node.get("metadata") or {}, node.get("spec") or {},
                          node.get("status") or {})
    labels = meta.get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels
                   if k.startswith("node-role.kubernetes.io/") and "/" in k)
    w.line(0, "Name:", meta.get("name", ""))
    w.line(0, "Roles:", ",".join(r for r in roles if r) or NONE)
    w.map(0, "Labels:", labels)
    w.annotations(0, meta.get("annotations"))
    w.line(0, "CreationTimestamp:", rfc1123(meta.get("creationTimestamp")))
    taints = spec.get("taints") or []
    if not taints:
        w.line(0, "Taints:", NONE)
    for i, taint in enumerate(taints):
        value = f"={taint['value']}" if taint.get("value") else ""
        w.line(0, "Taints:" if i == 0 else "", f"{taint.get('key')}{value}:{taint.get('effect')}")
    w.line(0, "Unschedulable:", "true" if spec.get("unschedulable") else "false")
    _conditions(w, status.get("conditions"), columns=(
        "Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message"))
    w.line(0, "Addresses:")
    for a in status.get("addresses") or []:
        w.line(1, f"{a.get('type')}:", a.get("address", ""))
    for title, key in (("Capacity:", "capacity"), ("Allocatable:", "allocatable")):
        w.line(0, title)
        for k, v in sorted((status.get(key) or {}).items()):
            w.line(1, f"{k}:", v)
    info = status.get("nodeInfo") or {}
    w.line(0, "System Info:")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"),
                       ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
                       ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                       ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"),
                       ("Kube-Proxy Version", "kubeProxyVersion")):
        w.line(1, f"{title}:", info.get(key, ""))
    if spec.get("podCIDR"):
        w.line(0, "PodCIDR:", spec["podCIDR"])
    if spec.get("podCIDRs"):
        w.line(0, "PodCIDRs:", ",".join(spec["podCIDRs"]))
    if spec.get("providerID"):
        w.line(0, "ProviderID:", spec["providerID"])
    pods = rel.pods
    if pods is None:
        w.line(0, "Non-terminated Pods:", "<unknown>")
        return
    live = [p for p in pods if (p.get("status") or {}).get("phase") not in ("Succeeded",
                                                                             "Failed")]
    w.line(0, "Non-terminated Pods:", f"({len(live)} in total)")
    if live:
        w.line(1, "Namespace", "Name", "Age")
        w.line(1, "---------", "----", "---")
        for p in sorted(live, key=lambda p: ((p.get("metadata") or {}).get("namespace", ""),
                                             (p.get("metadata") or {}).get("name", ""))):
            pm = p.get("metadata") or {}
            w.line(1, pm.get("namespace", ""), pm.get("name", ""),
                   age(parse_time(pm.get("creationTimestamp"))))


def describe_namespace(w: Writer, ns: Obj, rel: Related) -> None:
    meta = ns.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    w.line(0, "Status:", (ns.get("status") or {}).get("phase") or "Active")
    if (ns.get("status") or {}).get("conditions"):
        _conditions(w, (ns.get("status") or {}).get("conditions"))
    pods = rel.pods
    if pods is not None:
        w.line(0, "Pods:", len(pods))


def describe_secret(w: Writer, secret: Obj, rel: Related) -> None:
    """Sizes only, as kubectl: a describe never shows a Secret's values."""
    _header(w, secret, created=False)
    w.line(0, "")
    w.line(0, "Type:", secret.get("type") or "Opaque")
    w.line(0, "")
    w.line(0, "Data")
    w.line(0, "====")
    import base64
    import binascii

    for k, v in sorted((secret.get("data") or {}).items()):
        try:
            size = len(base64.b64decode(v or ""))
        except (binascii.Error, ValueError):
            size = len(v or "")
        w.line(0, f"{k}:", f"{size} bytes")


def describe_configmap(w: Writer, cm: Obj, rel: Related) -> None:
    _header(w, cm, created=False)
    w.line(0, "")
    w.line(0, "Data")
    w.line(0, "====")
    for k, v in sorted((cm.get("data") or {}).items()):
        w.line(0, f"{k}:")
        w.line(0, "----")
        for text_line in str(v).splitlines()[:50]:
            w.line(0, text_line.replace("\t", "    "))
        w.line(0, "")
    w.line(0, "")
    w.line(0, "BinaryData")
    w.line(0, "====")
    for k, v in sorted((cm.get("binaryData") or {}).items()):
        w.line(0, f"{k}:", f"{len(v or '') * 3 // 4} bytes")


def _title(key: str) -> str:
    return key[:1].upper() + key[1:]


def _generic_value(w: Writer, level: int, key: str, value: Any, depth: int) -> None:
    if isinstance(value, dict):
        if not value:
            w.line(level, f"{_title(key)}:", "")
            return
        w.line(level, f"{_title(key)}:")
        if depth >= 4:
            w.line(level + 1, f"… {len(value)} fields")
            return
        for k in sorted(value):
            _generic_value(w, level + 1, k, value[k], depth + 1)
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            w.line(level, f"{_title(key)}:", _short(", ".join(str(v) for v in value)))
            return
        w.line(level, f"{_title(key)}:")
        if depth >= 4:
            w.line(level + 1, f"… {len(value)} items")
            return
        for item in value[:20]:
            if isinstance(item, dict):
                first = True
                for k in sorted(item):
                    sub = Writer()
                    _generic_value(sub, 0, k, item[k], depth + 1)
                    for i, text in enumerate(sub.lines):
                        prefix = "  " * (level + 1) + ("- " if first and i == 0 else "  ")
                        w.lines.append(prefix + text)
                    first = False
            else:
                w.line(level + 1, f"- {item}")
        if len(value) > 20:
            w.line(level + 1, f"… {len(value) - 20} more")
    else:
        w.line(level, f"{_title(key)}:", _short(str(value)))


def describe_generic(w: Writer, obj: Obj, rel: Related) -> None:
    """Any other kind: like kubectl's generic describer, the object's fields by name."""
    meta = obj.get("metadata") or {}
    w.line(0, "Name:", meta.get("name", ""))
    if meta.get("namespace"):
        w.line(0, "Namespace:", meta["namespace"])
    w.map(0, "Labels:", meta.get("labels"))
    w.annotations(0, meta.get("annotations"))
    w.line(0, "API Version:", obj.get("apiVersion", ""))
    w.line(0, "Kind:", obj.get("kind", ""))
    w.line(0, "Metadata:")
    w.line(1, "Creation Timestamp:", meta.get("creationTimestamp", ""))
    owner = controller_of(obj)
    if owner:
        w.line(1, "Owner References:")
        w.line(2, "Kind:", owner.get("kind", ""))
        w.line(2, "Name:", owner.get("name", ""))
    w.line(1, "Resource Version:", meta.get("resourceVersion", ""))
    w.line(1, "UID:", meta.get("uid", ""))
    skip = {"apiVersion", "kind", "metadata", "status"}
    for key in sorted(k for k in obj if k not in skip):
        _generic_value(w, 0, key, obj[key], 1)
    status = obj.get("status")
    if isinstance(status, dict):
        rest = {k: v for k, v in status.items() if k != "conditions"}
        if rest:
            _generic_value(w, 0, "status", rest, 1)
        if status.get("conditions"):
            if not rest:
                w.line(0, "Status:")
            _conditions(w, status["conditions"], level=1)
    elif status is not None:
        _generic_value(w, 0, "status", status, 1)


DESCRIBERS: dict[tuple[str, str], Callable[[Writer, Obj, Related], None]] = {
    ("", "Pod"): describe_pod,
    ("apps", "Deployment"): describe_deployment,
    ("apps", "ReplicaSet"): describe_replicaset,
    ("apps", "StatefulSet"): describe_statefulset,
    ("apps", "DaemonSet"): describe_daemonset,
    ("batch", "Job"): describe_job,
    ("batch", "CronJob"): describe_cronjob,
    ("", "Service"): describe_service,
    ("", "Node"): describe_node,
    ("", "Namespace"): describe_namespace,
    ("", "Secret"): describe_secret,
    ("", "ConfigMap"): describe_configmap,
}


def describe_text(group: str, kind: str, obj: Obj, rel: Related) -> str:
    w = Writer()
    DESCRIBERS.get((group, kind), describe_generic)(w, obj, rel)
    write_events(w, rel.events)
    return w.text() + "\n"


__all__ = ["DESCRIBERS", "Related", "Writer", "containers_of", "controller_of",
           "describe_text", "event_rows", "owned_by", "parse_time", "rfc1123",
           "selector_text", "tabwrite"]

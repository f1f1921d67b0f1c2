"""``GET /api/v1/namespaces/<ns>/pods/<pod>/log``: history from the deterministic generator
(tailLines, sinceSeconds, sinceTime, limitBytes, timestamps), then with ``follow`` new lines
at the cluster's current ``log_rate`` until the pod goes away or the stream is dropped."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ccseone_tui.sandbox.clock import NS, now_ns, parse_rfc3339, rfc3339_nano
from ccseone_tui.sandbox.loggen import LogSource
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.status import ApiError, bad_request, not_found
from ccseone_tui.sandbox.streams import StreamControl, stream_response

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

PODS = CORE["pods"]
_BATCH = 2000  # lines per write when sending history


def _truthy(v: str | None) -> bool:
    return (v or "").lower() in ("true", "1")


def _int(q: Any, name: str) -> int | None:
    raw = q.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise bad_request(f"invalid {name}: {raw!r}") from exc


def _pick_container(pod: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    spec = pod.get("spec") or {}
    name = pod["metadata"]["name"]
    containers = spec.get("containers") or []
    inits = spec.get("initContainers") or []
    if not wanted:
        if len(containers) == 1:
            return containers[0]
        names = " ".join(c["name"] for c in containers)
        msg = f"a container name must be specified for pod {name}, choose one of: [{names}]"
        if inits:
            msg += " or one of the init containers: [" + " ".join(c["name"] for c in inits) + "]"
        raise bad_request(msg)
    for c in containers + inits:
        if c.get("name") == wanted:
            return c
    raise bad_request(f"container {wanted} is not valid for pod {name}")


def _container_times(pod: dict[str, Any], container: str) -> tuple[int, int | None]:
    """(started ns, finished ns or None) from the container's status."""
    status = pod.get("status") or {}
    pod_name = pod["metadata"]["name"]
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") != container:
            continue
        state = cs.get("state") or {}
        if "running" in state:
            return parse_rfc3339(state["running"].get("startedAt", "")) or now_ns(), None
        if "terminated" in state:
            t = state["terminated"]
            start = parse_rfc3339(t.get("startedAt", "")) or now_ns()
            return start, parse_rfc3339(t.get("finishedAt", "")) or start
        reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
        raise bad_request(
            f'container "{container}" in pod "{pod_name}" is waiting to start: {reason}'
        )
    raise bad_request(
        f'container "{container}" in pod "{pod_name}" is waiting to start: ContainerCreating'
    )


def log_source(
    cluster: SandboxCluster, namespace: str, pod_name: str, container: str | None = None
) -> LogSource:
    """The generator behind a container's log (raises ApiError like the endpoint would)."""
    pod = cluster.state.get(PODS.key, namespace, pod_name)
    if pod is None:
        raise not_found("pods", "", pod_name)
    cname = _pick_container(pod, container)["name"]
    start, end = _container_times(pod, cname)
    return LogSource(cluster.faults.log_schedule, f"{namespace}/{pod_name}", cname, start, end)


async def serve_logs(
    cluster: SandboxCluster, request: web.BaseRequest, namespace: str, pod_name: str
) -> web.StreamResponse:
    q = request.query
    pod = cluster.state.get(PODS.key, namespace, pod_name)
    if pod is None:
        raise not_found("pods", "", pod_name)
    container = _pick_container(pod, q.get("container"))
    cname = container["name"]
    if _truthy(q.get("previous")):
        raise bad_request(
            f'previous terminated container "{cname}" in pod "{pod_name}" not found'
        )
    start, end = _container_times(pod, cname)
    tail = _int(q, "tailLines")
    since_s = _int(q, "sinceSeconds")
    limit = _int(q, "limitBytes")
    since_time = q.get("sinceTime")
    if since_s is not None and since_time:
        raise ApiError(422, "Invalid", "at most one of sinceTime or sinceSeconds may be specified")
    since: int | None = None
    if since_time:
        since = parse_rfc3339(since_time)
        if since is None:
            raise bad_request(f"invalid sinceTime: {since_time!r}")
    elif since_s is not None:
        since = now_ns() - since_s * NS
    stamps = _truthy(q.get("timestamps"))
    follow = _truthy(q.get("follow"))

    source = LogSource(cluster.faults.log_schedule, f"{namespace}/{pod_name}", cname, start, end)
    now = now_ns()
    first = source.first_at_or_after(since) if since is not None else 0
    upto = source.count_at(now if end is None else min(now, end))
    if tail is not None:
        first = max(first, upto - max(tail, 0))

    resp = stream_response("text/plain")
    budget = [limit if limit is not None and limit > 0 else None]

    async def emit(lo: int, hi: int) -> bool:
        """Write lines [lo, hi); False once limitBytes is used up."""
        for b in range(lo, hi, _BATCH):
            out = []
            for n in range(b, min(hi, b + _BATCH)):
                t = source.line_time(n)
                if t is None:
                    break
                text = source.render(n, t)
                out.append(f"{rfc3339_nano(t)} {text}\n" if stamps else f"{text}\n")
            data = "".join(out).encode()
            if budget[0] is not None:
                data = data[: budget[0]]
                budget[0] -= len(data)
            if data:
                await resp.write(data)
            if budget[0] == 0:
                return False
        return True

    follow = follow and end is None
    control = StreamControl(cluster.faults, request)
    # Registered before the headers go out: a client that has them can already drop us.
    with control if follow else contextlib.nullcontext(control):
        if follow:
            cluster.faults.on_rate_change(control.wake.set)
        try:
            await resp.prepare(request)
            if not await emit(first, upto) or not follow:
                return resp
            nxt = max(first, upto)
            while not control.stopped:
                current = cluster.state.get(PODS.key, namespace, pod_name)
                if current is None or current["metadata"]["uid"] != pod["metadata"]["uid"]:
                    break
                t = source.line_time(nxt)
                wait = None if t is None else (t - now_ns()) / NS
                if wait is None or wait > 0:
                    # Re-check the pod at least every second: deletion does not wake us.
                    await control.sleep(1.0 if wait is None else min(wait, 1.0))
                    continue
                upto = source.count_at(now_ns())
                if not await emit(nxt, upto):
                    break
                nxt = upto
        except ConnectionResetError:
            return resp  # the client went away
        finally:
            cluster.faults.on_rate_change(control.wake.set, add=False)
    if control.abrupt:
        control.cut()
    return resp

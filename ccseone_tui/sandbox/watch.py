"""``?watch=true``: a chunked stream of ``{"type": …, "object": …}`` lines.

Starts with synthetic ADDED events when no resourceVersion (or "0") is given, else replays
the store's history after that version, or sends an ERROR carrying a 410 Expired Status when
the history no longer reaches back that far (the official clients then re-list). Objects
that stop (start) matching the selectors are sent as DELETED (ADDED), as the real cache does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ccseone_tui.sandbox.resources import ResourceType
from ccseone_tui.sandbox.status import bad_request, expired
from ccseone_tui.sandbox.store import Change, Expired
from ccseone_tui.sandbox.streams import StreamControl, stream_response
from ccseone_tui.sandbox.tables import to_table

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

Obj = dict[str, Any]


def _line(event_type: str, obj: Obj) -> bytes:
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


async def serve_watch(
    cluster: SandboxCluster,
    request: web.BaseRequest,
    rt: ResourceType,
    namespace: str | None,
    matcher: Callable[[Obj], bool] | None,
    table: bool,
) -> web.StreamResponse:
    state = cluster.state
    q = request.query
    rv_param = q.get("resourceVersion", "")
    bookmarks = q.get("allowWatchBookmarks", "").lower() in ("true", "1")
    try:
        timeout = float(q["timeoutSeconds"]) if q.get("timeoutSeconds") else None
        start_rv = int(rv_param) if rv_param not in ("", "0") else None
    except ValueError as exc:
        raise bad_request(f"invalid watch parameters: {exc}") from exc

    def visible(obj: Obj | None) -> bool:
        if obj is None:
            return False
        if namespace is not None and obj["metadata"].get("namespace", "") != namespace:
            return False
        return matcher is None or matcher(obj)

    headers = [table]  # the real server prints a Table's column headers once per watch

    def render(event_type: str, obj: Obj) -> bytes:
        if obj.get("apiVersion") != rt.api_version:
            obj = {**obj, "apiVersion": rt.api_version}
        if table:
            obj = to_table(rt, [obj], obj["metadata"].get("resourceVersion", ""))
            if headers[0]:
                headers[0] = False
            else:  # TableOptions.NoHeaders after the first event: "columnDefinitions": null
                obj["columnDefinitions"] = None
        return _line(event_type, obj)

    def translate(c: Change) -> bytes | None:
        now_in, was_in = visible(c.obj), visible(c.old)
        if c.type == "ADDED":
            return render("ADDED", c.obj) if now_in else None
        if c.type == "DELETED":
            return render("DELETED", c.obj) if was_in else None
        if now_in and was_in:
            return render("MODIFIED", c.obj)
        if now_in:
            return render("ADDED", c.obj)
        if was_in:
            return render("DELETED", c.obj)
        return None

    # Subscribing and reading the backlog happen with no await in between, so no change
    # can fall between the two (the event loop is the store's only writer).
    watcher = state.subscribe(rt.key, namespace)
    control = StreamControl(cluster.faults, request, lambda: watcher.queue.put_nowait(None))
    try:
        if start_rv is None:
            first = [render("ADDED", o) for o in state.list(rt.key, namespace) if visible(o)]
        else:
            try:
                first = [b for c in state.changes_since(start_rv, rt.key) if (b := translate(c))]
            except Expired as exc:
                err = expired(str(exc)).body()
                first = [_line("ERROR", err)]
                timeout = 0.0
        resp = stream_response("application/json")
        with control:  # registered before the headers go out (see logs.py)
            try:
                await resp.prepare(request)
                if first:
                    await cluster.reachable()
                    await resp.write(b"".join(first))
                await _pump(cluster, resp, control, watcher.queue, translate, rt, timeout,
                            bookmarks)
            except ConnectionResetError:
                return resp  # the client went away
        if control.abrupt:
            control.cut()
        return resp
    finally:
        state.unsubscribe(watcher)


async def _pump(
    cluster: SandboxCluster,
    resp: web.StreamResponse,
    control: StreamControl,
    queue: Any,
    translate: Callable[[Change], bytes | None],
    rt: ResourceType,
    duration: float | None,
    bookmarks: bool,
) -> None:
    deadline = None if duration is None else time.monotonic() + duration
    next_bookmark = time.monotonic() + cluster.bookmark_interval
    while not control.stopped:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return
        if queue.empty():
            if bookmarks and now >= next_bookmark:
                await cluster.reachable()  # a partition holds every byte, bookmarks too
                await resp.write(_line("BOOKMARK", {
                    "kind": rt.kind, "apiVersion": rt.api_version,
                    "metadata": {"resourceVersion": str(cluster.state.resource_version)},
                }))
                next_bookmark = time.monotonic() + cluster.bookmark_interval
                continue
            waits = [t - now for t in (deadline, next_bookmark if bookmarks else None) if t]
            try:
                async with asyncio.timeout(min(waits) if waits else None):
                    change = await queue.get()
            except TimeoutError:
                continue
        else:
            change = queue.get_nowait()
        if change is None:
            return
        # Drain what is already queued so a burst goes out in one write.
        chunks = [b for b in (translate(change),) if b]
        while not queue.empty():
            nxt = queue.get_nowait()
            if nxt is None:
                control.stopped = True
                break
            if (b := translate(nxt)) is not None:
                chunks.append(b)
        if chunks:
            await cluster.reachable()
            await resp.write(b"".join(chunks))


"""``GET /api/v1/namespaces/<ns>/pods/<pod>/portforward?ports=N[,M]`` over WebSocket
(``v4.channel.k8s.io``), the kubelet's way: per port asked a data channel (2i) and an error
channel (2i+1), each opened with the port as two little-endian bytes.

A port one of the pod's containers declares (``containerPort``) answers like a tiny HTTP
server: each request gets ``200`` and a line naming the pod, its namespace and the port
(``web-7d9… (shop) port 80 answered GET /``), then the stream ends (``Connection:
close``). Any other port answers on its error channel what the kubelet says when nothing
listens there (``connection refused``). A pod that is not running is refused before the
upgrade. ``faults.drop_streams()`` cuts open forwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from ccseone_tui.sandbox.exec import choose_protocol, is_websocket
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.status import bad_request, method_not_allowed, not_found
from ccseone_tui.sandbox.streams import StreamControl

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

PODS = CORE["pods"]
SERVED = ("v4.channel.k8s.io",)


def declared_ports(pod: dict[str, Any]) -> set[int]:
    return {int(p["containerPort"]) for c in (pod.get("spec") or {}).get("containers") or []
            for p in c.get("ports") or [] if "containerPort" in p}


def _ports(values: list[str]) -> list[int]:
    if not values:
        raise bad_request('query parameter "port" is required')
    ports = []
    for value in values:
        if not value:
            raise bad_request('query parameter "port" cannot be empty')
        for part in value.split(","):
            try:
                port = int(part)
            except ValueError:
                raise bad_request(f'unable to parse "{value}" as a port: invalid syntax'
                                  ) from None
            if not 0 < port < 65536:
                raise bad_request(f'port "{value}" must be > 0 and < 65536')
            ports.append(port)
    return ports


def http_answer(pod: dict[str, Any], port: int, request: bytes) -> bytes:
    first = request.split(b"\r\n", 1)[0].split(b"\n", 1)[0].decode(errors="replace")
    parts = first.split()
    method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("?", "?")
    meta = pod["metadata"]
    body = (f"{meta['name']} ({meta.get('namespace', 'default')}) port {port} answered "
            f"{method} {path}\n").encode()
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return head + body


async def serve_portforward(cluster: SandboxCluster, request: web.BaseRequest,
                            namespace: str, pod_name: str) -> web.StreamResponse:
    if request.method not in ("GET", "POST"):
        raise method_not_allowed(request.method)
    pod = cluster.state.get(PODS.key, namespace, pod_name)
    if pod is None:
        raise not_found("pods", "", pod_name)
    ports = _ports(list(request.query.getall("ports", [])))
    if not is_websocket(request):
        raise bad_request("Upgrade request required")
    phase = (pod.get("status") or {}).get("phase")
    if phase != "Running":
        raise bad_request(f"pod {pod_name} is not running (phase {phase or 'Unknown'})")
    protocol = choose_protocol(request, SERVED)
    ws = web.WebSocketResponse(protocols=(protocol,), autoping=True, max_msg_size=0)
    lock = asyncio.Lock()

    async def send(channel: int, data: bytes) -> None:
        async with lock:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(bytes((channel,)) + data)

    inputs: list[asyncio.Queue[bytes | None]] = [asyncio.Queue() for _ in ports]
    open_ports = declared_ports(pod)
    uid = pod["metadata"].get("uid", "")

    async def one(i: int, port: int) -> None:
        if port not in open_ports:
            await send(2 * i + 1, (
                f"error forwarding port {port} to pod {pod_name}, uid {uid}: failed to "
                f"connect to localhost:{port} inside namespace \"{uid[:12]}\", IPv4: dial "
                f"tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 "
                f"[::1]:{port}: connect: connection refused ").encode())
            return
        buf = bytearray()
        while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
            chunk = await inputs[i].get()
            if chunk is None:
                return
            buf += chunk
        await send(2 * i, http_answer(pod, port, bytes(buf)))

    control = StreamControl(cluster.faults, request)
    with control:
        await ws.prepare(request)
        for i, port in enumerate(ports):
            prefix = struct.pack("<H", port)
            await send(2 * i, prefix)
            await send(2 * i + 1, prefix)
        reader = asyncio.create_task(_read(ws, inputs))

        async def every_port() -> None:
            await asyncio.gather(*(one(i, p) for i, p in enumerate(ports)))

        work = asyncio.create_task(every_port())
        stop = asyncio.create_task(control.wake.wait())
        try:
            await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
            if control.stopped and control.abrupt:
                control.cut()
                return ws
        finally:
            for task in (reader, work, stop):
                task.cancel()
            for task in (reader, work, stop):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.close()
    return ws


async def _read(ws: web.WebSocketResponse, inputs: list[asyncio.Queue[bytes | None]]) -> None:
    try:
        async for msg in ws:
            if msg.type != WSMsgType.BINARY or not msg.data:
                continue
            channel, payload = msg.data[0], msg.data[1:]
            if channel % 2 == 0 and channel // 2 < len(inputs):
                inputs[channel // 2].put_nowait(bytes(payload))
    finally:
        for q in inputs:
            q.put_nowait(None)


__all__ = ["SERVED", "declared_ports", "http_answer", "serve_portforward"]

"""Port-forward to a pod over the Kubernetes WebSocket port-forward protocol.

A local TCP listener; each accepted connection opens its own
``GET /api/v1/namespaces/{ns}/pods/{pod}/portforward?ports=N`` upgraded to a WebSocket
(``v4.channel.k8s.io``). For the one port asked the server opens two channels: data (0)
and error (1); the first message on each is the port as two little-endian bytes. Bytes of
the local connection go out on channel 0 and come back on it; a message on channel 1 is the
kubelet's reason the forward failed (nothing listens on that port in the pod …): the local
connection is closed and the message kept (``errors``, ``on_error``). When either side
closes, so does the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.shell_errors import LocalPortInUse
from ccseone_tui.kube import websocket

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient

PROTOCOL = "v4.channel.k8s.io"
DATA, ERROR = 0, 1
_LOCAL_NAMES = {"localhost": "127.0.0.1"}


def bind(address: str, port: int) -> socket.socket:
    """A listening socket on ``address:port`` (0: a free port); ``LocalPortInUse`` when the
    port is taken or the address cannot be used here."""
    host = _LOCAL_NAMES.get(address, address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # like kubectl (Go's net.Listen): a port in TIME_WAIT can be reused, a listening
        # one cannot
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        cause = exc.strerror or str(exc)
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise LocalPortInUse(host, port, cause) from exc
    sock.setblocking(False)
    return sock


class PortForwarder:
    """Forwards ``address:local_port`` to ``remote_port`` of one pod until ``stop()``."""

    def __init__(self, client: ClusterClient, namespace: str, pod: str, remote_port: int, *,
                 local_port: int = 0, address: str = "127.0.0.1",
                 on_connection: Callable[[PortForwarder], None] | None = None,
                 on_error: Callable[[PortForwarder, str], None] | None = None) -> None:
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.remote_port = remote_port
        self.address = _LOCAL_NAMES.get(address, address)
        self.local_port = local_port
        self.active = 0  # connections open now
        self.total = 0  # connections accepted since start
        self.errors: deque[str] = deque(maxlen=20)  # the latest error-channel messages
        self._on_connection = on_connection
        self._on_error = on_error
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.stopped = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self) -> int:
        """Listen; the local port (the one picked when 0 was asked)."""
        sock = bind(self.address, self.local_port)
        self.local_port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._accepted, sock=sock)
        return self.local_port

    async def stop(self) -> None:
        """Stop listening and close every forwarded connection."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self.stopped.set()

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                        ) -> None:
        if self._server is None:
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.active += 1
        self.total += 1
        if self._on_connection is not None:
            self._on_connection(self)
        try:
            await self._forward(reader, writer)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # this connection only: the listener goes on
            self._error(str(exc))
        finally:
            self.active -= 1
            self._writers.discard(writer)
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _error(self, message: str) -> None:
        self.errors.append(message)
        if self._on_error is not None:
            self._on_error(self, message)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                       ) -> None:
        import aiohttp

        conn = await websocket.connect(
            self.client, websocket.pod_path(self.namespace, self.pod, "portforward"),
            [("ports", str(self.remote_port))], (PROTOCOL,))
        ws = conn.ws
        lock = asyncio.Lock()

        async def upstream() -> None:
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                async with lock:
                    await ws.send_bytes(bytes((DATA,)) + data)

        async def downstream() -> None:
            pending = {DATA: 2, ERROR: 2}  # the port-number prefix left to skip per channel
            error = bytearray()
            while True:
                msg = await ws.receive()
                if msg.type != aiohttp.WSMsgType.BINARY:
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        continue
                    break
                data = msg.data
                if not data:
                    continue
                channel, payload = data[0], data[1:]
                if channel not in pending:
                    continue
                skip = min(pending[channel], len(payload))
                pending[channel] -= skip
                payload = payload[skip:]
                if not payload:
                    continue
                if channel == DATA:
                    writer.write(payload)
                    await writer.drain()
                else:
                    error += payload
            if error:
                self._error(error.decode("utf-8", errors="replace"))

        up = asyncio.create_task(upstream())
        down = asyncio.create_task(downstream())
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
            if up.done() and not down.done() and up.exception() is None:
                # the local side finished sending: give the pod's answer a moment to end
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(down), 5.0)
        finally:
            for task in (up, down):
                task.cancel()
            for task in (up, down):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await conn.close()
            if down.done() and not down.cancelled() and down.exception() is not None:
                exc: Any = down.exception()
                self._error(str(exc))


__all__ = ["DATA", "ERROR", "PROTOCOL", "PortForwarder", "bind"]

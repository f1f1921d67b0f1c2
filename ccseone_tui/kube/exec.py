"""Exec into a container over the Kubernetes WebSocket remote-command protocol.

``GET /api/v1/namespaces/{ns}/pods/{pod}/exec?command=…&container=…&stdin=…&stdout=…&
stderr=…&tty=…`` is upgraded to a WebSocket offering ``v5.channel.k8s.io`` first and
``v4.channel.k8s.io`` second (an API server before 1.29, or a kubelet reached directly,
speaks v4 only). Every binary message starts with one byte naming its channel:

* 0 stdin (to the server), 1 stdout, 2 stderr (from it);
* 3 error: one ``metav1.Status`` JSON when the command ends — ``Success``, or ``Failure``
  with reason ``NonZeroExitCode`` and the code in ``details.causes[reason=ExitCode]``, or any
  other failure (the command could not start: no ``/bin/sh`` in the image …);
* 4 resize (to the server): ``{"Width": cols, "Height": rows}``;
* 255 close (v5 only, to the server): ``[255, channel]`` half-closes that channel, which is
  how the end of stdin reaches the command. v4 has no way to say it.

The kubelet opens with an empty message on the first output channel; the server closes the
WebSocket after writing the status. A connection that ends without a status was dropped
(``SessionClosed``). Before the upgrade the API server may refuse with an HTTP error (pod
not found, container not valid, forbidden) and the kubelet with plain text
(``container not found ("web")``): both keep their status and message.

``run_interactive`` connects a session to a local terminal: raw mode, SIGWINCH → resize, the
terminal restored on every way out. It takes the real tty file descriptors, so it also works
inside Textual's ``with app.suspend():``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.shell_errors import (
    ContainerNotRunning,
    ExecFailed,
    SessionClosed,
    StreamProtocolUnsupported,
)
from ccseone_tui.kube import websocket

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
PROTOCOLS = (V5, V4)
NON_ZERO_EXIT = "NonZeroExitCode"
EXIT_CODE_CAUSE = "ExitCode"


def exec_query(command: Sequence[str], *, container: str | None, stdin: bool, stdout: bool,
               stderr: bool, tty: bool) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = [("command", part) for part in command]
    if container:
        query.append(("container", container))
    for name, on in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr), ("tty", tty)):
        if on:
            query.append((name, "true"))
    return query


def exit_code_of(status: dict[str, Any]) -> int | None:
    """The exit code a Status carries: 0 for Success, the ExitCode cause for
    NonZeroExitCode, ``None`` for any other failure (the command did not run)."""
    if status.get("status") == "Success":
        return 0
    if status.get("reason") != NON_ZERO_EXIT:
        return None
    for cause in (status.get("details") or {}).get("causes") or ():
        # metav1.StatusCause's Type is "reason" in JSON
        if (cause.get("reason") or cause.get("type")) == EXIT_CODE_CAUSE:
            try:
                return int(cause.get("message", ""))
            except ValueError:
                return None
    return None


def _refusal(exc: Any) -> Any:
    """The kubelet says ``container not found ("web")`` when the container is not running;
    everything else keeps its typed ``KubeApiError``."""
    from ccseone_tui.domain.errors import KubeApiError

    if isinstance(exc, KubeApiError) and "container not found" in exc.api_message:
        return ContainerNotRunning(status=exc.status, reason=exc.reason,
                                   message=exc.api_message, cluster=exc.cluster, body=exc.body)
    return exc


class ExecSession:
    """One command running in a container. Iterate it for ``(channel, bytes)`` of stdout
    (1) and stderr (2) until the command ends; then ``exit_code`` is set. Iteration raises
    ``ExecFailed`` when the command could not run and ``SessionClosed`` when the connection
    ended without a status."""

    def __init__(self, conn: websocket.Upgraded, client_name: str, namespace: str, pod: str,
                 container: str | None, command: Sequence[str], tty: bool) -> None:
        self._conn = conn
        self._ws = conn.ws
        self.cluster = client_name
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.command = tuple(command)
        self.tty = tty
        self.protocol: str = conn.protocol or ""
        self.status: dict[str, Any] | None = None  # the Status of channel 3, once sent
        self.exit_code: int | None = None
        self.size: tuple[int, int] | None = None  # the last (cols, rows) sent
        self._send_lock = asyncio.Lock()
        self._closed_by_us = False
        self._stdin_closed = False
        self._error_buf = bytearray()
        self._ended = False

    # ---- to the container -----------------------------------------------------------------

    @property
    def can_close_stdin(self) -> bool:
        """v5 only: the end of stdin reaches the command (v4 has no close signal)."""
        return self.protocol == V5

    @property
    def closed(self) -> bool:
        return self._ws.closed

    async def _send(self, channel: int, data: bytes) -> None:
        async with self._send_lock:
            if self._ws.closed:
                raise SessionClosed(self.cluster, self.pod, "the connection is closed")
            try:
                await self._ws.send_bytes(bytes((channel,)) + data)
            except (ConnectionError, RuntimeError) as exc:
                raise SessionClosed(self.cluster, self.pod, str(exc) or type(exc).__name__
                                    ) from exc

    async def send_stdin(self, data: bytes) -> None:
        if data and not self._stdin_closed:
            await self._send(STDIN, data)

    async def close_stdin(self) -> None:
        """The end of input: on v5 the command reads EOF; on v4 nothing can say it (like
        kubectl against an old server, the command keeps waiting for input)."""
        if self._stdin_closed:
            return
        self._stdin_closed = True
        if self.can_close_stdin and not self._ws.closed:
            async with self._send_lock:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self._ws.send_bytes(bytes((CLOSE, STDIN)))

    async def resize(self, cols: int, rows: int) -> None:
        """Tell the container's terminal its size (channel 4)."""
        if cols <= 0 or rows <= 0 or (cols, rows) == self.size:
            return
        self.size = (cols, rows)
        await self._send(RESIZE, json.dumps({"Width": cols, "Height": rows}).encode())

    # ---- from the container ---------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[tuple[int, bytes]]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[tuple[int, bytes]]:
        import aiohttp

        while True:
            msg = await self._ws.receive()
            if msg.type == aiohttp.WSMsgType.BINARY:
                data = msg.data
                if not data:
                    continue
                channel, payload = data[0], data[1:]
                if channel == ERROR:
                    self._error_buf += payload
                    self._take_status()
                    continue
                if channel in (STDOUT, STDERR):
                    if payload:  # the kubelet's opening message is empty
                        yield channel, payload
                continue
            if msg.type == aiohttp.WSMsgType.TEXT:  # not part of the protocol: ignore
                continue
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                            aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                cause = self._close_cause(msg)
                break
        self._finish(cause)

    def _take_status(self) -> None:
        try:
            status = json.loads(bytes(self._error_buf))
        except ValueError:
            return  # a status split over messages: wait for the rest
        if isinstance(status, dict):
            self.status = status
            self.exit_code = exit_code_of(status)

    def _close_cause(self, msg: Any) -> str:
        import aiohttp

        if msg.type == aiohttp.WSMsgType.ERROR:
            return str(msg.data) or "connection error"
        code = self._ws.close_code
        extra = f" {msg.extra}" if getattr(msg, "extra", None) else ""
        if code in (None, aiohttp.WSCloseCode.ABNORMAL_CLOSURE):
            return "connection dropped"
        return f"closed by the server (code {code}{extra})"

    def _finish(self, cause: str) -> None:
        self._ended = True
        if self.status is None and self._error_buf:
            # v1-style plain-text error, or a Status we could not parse: keep the words
            text = bytes(self._error_buf).decode("utf-8", errors="replace")
            self.status = {"status": "Failure", "message": text, "code": 500,
                           "reason": "InternalError"}
        if self.status is None:
            if self._closed_by_us:
                return
            raise SessionClosed(self.cluster, self.pod, cause)
        if self.exit_code is None:
            status = self.status
            raise ExecFailed(status=int(status.get("code") or 500),
                             reason=str(status.get("reason") or ""),
                             message=str(status.get("message") or ""), cluster=self.cluster,
                             body=status, command=" ".join(self.command))

    async def wait(self) -> int:
        """Drain the output (discarding it) until the command ends; its exit code."""
        async for _ in self:
            pass
        return self.exit_code if self.exit_code is not None else 0

    async def close(self) -> None:
        """Hang up (the server ends the command's streams); safe to call twice."""
        self._closed_by_us = True
        await self._conn.close()

    async def __aenter__(self) -> ExecSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def open_exec(
    client: ClusterClient,
    namespace: str,
    pod: str,
    command: Sequence[str] = ("/bin/sh",),
    *,
    container: str | None = None,
    stdin: bool = True,
    tty: bool = True,
    protocols: Sequence[str] = PROTOCOLS,
) -> ExecSession:
    """Start ``command`` in the container and return the session (stdout always; stderr
    unless ``tty``, where the terminal merges it, as kubectl asks)."""
    query = exec_query(command, container=container, stdin=stdin, stdout=True,
                       stderr=not tty, tty=tty)
    try:
        conn = await websocket.connect(client, websocket.pod_path(namespace, pod, "exec"),
                                       query, tuple(protocols))
    except Exception as exc:
        raise _refusal(exc) from exc
    if conn.protocol not in protocols:
        await conn.close()
        raise StreamProtocolUnsupported(client.name, ", ".join(protocols),
                                        conn.protocol or "")
    return ExecSession(conn, client.name, namespace, pod, container, command, tty)


# ---- a local terminal -------------------------------------------------------------------


def terminal_size(fd: int) -> tuple[int, int] | None:
    """(cols, rows) of the terminal on ``fd``; None when it is not a terminal."""
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return None
    return size.columns, size.lines


def _write_all(fd: int, data: bytes) -> None:
    import select

    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:  # a non-blocking tty (left so by a TUI): wait until writable
            select.select([], [fd], [], 1.0)
            continue
        view = view[n:]


async def run_interactive(session: ExecSession, stdin_fd: int | None, stdout_fd: int,
                          stderr_fd: int | None = None) -> int:
    """Connect ``session`` to the local terminal until the command ends; its exit code.

    When ``stdin_fd`` is a terminal and the session has a tty, the terminal is put in raw
    mode (every key, Ctrl-C included, goes to the container) and SIGWINCH sends the new
    size. Whatever happens — the command ends, the connection drops, an error, a
    cancellation — the terminal modes and the previous SIGWINCH handler are
    restored before this returns or raises. ``stdin_fd=None`` sends no input; the end of a
    non-terminal input is passed on (v5). Output of stderr goes to ``stderr_fd`` (default:
    ``stdout_fd``). Resizes are followed from the main thread only (signals).
    """
    loop = asyncio.get_running_loop()
    stderr_fd = stdout_fd if stderr_fd is None else stderr_fd
    is_tty = stdin_fd is not None and os.isatty(stdin_fd)
    raw = session.tty and is_tty
    saved_modes: list[Any] | None = None
    saved_winch: Any = None
    winch_installed = False
    reader_added = False
    pump: asyncio.Task[None] | None = None
    resize_task: asyncio.Task[None] | None = None
    resized = asyncio.Event()
    try:
        if raw:
            import termios
            import tty

            assert stdin_fd is not None
            saved_modes = termios.tcgetattr(stdin_fd)
            tty.setraw(stdin_fd, termios.TCSANOW)
        if session.tty:
            size = terminal_size(stdout_fd) or (terminal_size(stdin_fd)
                                                if stdin_fd is not None else None)
            if size:
                await session.resize(*size)
            if raw:
                saved_winch = signal.getsignal(signal.SIGWINCH)
                try:
                    signal.signal(signal.SIGWINCH,
                                  lambda *_: loop.call_soon_threadsafe(resized.set))
                    winch_installed = True
                except ValueError:  # not the main thread: the size stays the first one
                    pass

                async def follow_size() -> None:
                    while True:
                        await resized.wait()
                        resized.clear()
                        new = terminal_size(stdout_fd)
                        if new:
                            with contextlib.suppress(SessionClosed):
                                await session.resize(*new)

                resize_task = asyncio.create_task(follow_size())
        if stdin_fd is not None:
            queue: asyncio.Queue[bytes] = asyncio.Queue()
            try:
                loop.add_reader(stdin_fd, _on_input, stdin_fd, queue)
                reader_added = True
            except (PermissionError, OSError, ValueError):  # a regular file: epoll refuses
                loop.run_in_executor(None, _read_file, stdin_fd, queue, loop)
            pump = asyncio.create_task(_pump(session, queue, reader_added, loop, stdin_fd))
        async for channel, data in session:
            _write_all(stderr_fd if channel == STDERR else stdout_fd, data)
        return session.exit_code if session.exit_code is not None else 0
    finally:
        if reader_added:
            assert stdin_fd is not None
            loop.remove_reader(stdin_fd)
        for task in (pump, resize_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if winch_installed:
            signal.signal(signal.SIGWINCH, saved_winch)
        if saved_modes is not None:
            import termios

            assert stdin_fd is not None
            with contextlib.suppress(OSError):
                termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved_modes)


def _on_input(fd: int, queue: asyncio.Queue[bytes]) -> None:
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return
    except OSError:
        data = b""
    queue.put_nowait(data)


def _read_file(fd: int, queue: asyncio.Queue[bytes], loop: asyncio.AbstractEventLoop) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        try:
            loop.call_soon_threadsafe(queue.put_nowait, data)
        except RuntimeError:  # the loop is gone
            return
        if not data:
            return


async def _pump(session: ExecSession, queue: asyncio.Queue[bytes], reader_added: bool,
                loop: asyncio.AbstractEventLoop, fd: int) -> None:
    while True:
        data = await queue.get()
        if not data:  # end of input
            if reader_added:
                loop.remove_reader(fd)
            await session.close_stdin()
            return
        try:
            await session.send_stdin(data)
        except SessionClosed:
            return  # the output side reports it


__all__ = ["CLOSE", "ERROR", "PROTOCOLS", "RESIZE", "STDERR", "STDIN", "STDOUT", "V4", "V5",
           "ExecSession", "exec_query", "exit_code_of", "open_exec", "run_interactive",
           "terminal_size"]

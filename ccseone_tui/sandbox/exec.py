"""``GET /api/v1/namespaces/<ns>/pods/<pod>/exec`` over WebSocket: an emulated shell.

The protocol is the real one (``v5.channel.k8s.io`` and ``v4.channel.k8s.io``; which ones a
cluster serves is ``faults.stream_protocols``, so a test can make it v4-only): one byte of
channel before every message — 0 stdin, 1 stdout, 2 stderr, 3 the closing ``Status``, 4
resize ``{"Width","Height"}``, and on v5 255 ``[255, 0]`` for the end of stdin. Like the
kubelet it opens with an empty message on the first output channel and closes the
WebSocket after the status.

What runs: ``sh``/``bash``/``ash`` (a prompt on a tty, a line editor with echo, ^C and ^D;
``-c SCRIPT`` runs once), and a few programs, also as shell commands: ``echo``, ``ls``,
``cat`` (a couple of files under ``/etc``, or stdin), ``env``, ``hostname`` (the pod's name),
``pwd``, ``cd``, ``exit [N]``, ``stty size``, ``tput cols|lines`` (the last resize),
``true``, ``false``, ``id``, ``whoami``, ``uname``. ``;``, ``&&``, ``||``, ``$?``,
``$VAR``, ``>&2``, ``2>&1`` and ``>/dev/null`` work; an unknown command is
``sh: X: not found`` (127).

Refusals, worded like the API server and the kubelet: no command (400), a container that
is not in the pod (400), a pod not bound to a node (400), a container that is not running
(the kubelet's plain-text 500 ``container not found ("web")``), no WebSocket upgrade (400).
A container without a shell — an image whose name contains ``distroless``, or the pod
annotation ``sandbox.ccseone.io/no-shell: "true"`` — has no programs at all: the upgrade
succeeds and the error channel carries the runtime's 500 ``InternalError`` Status
(``exec: "/bin/sh": stat /bin/sh: no such file or directory``), as containerd answers.
``faults.drop_streams()`` cuts open sessions (mid-session drops).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import shlex
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.status import bad_request, not_found, status_body
from ccseone_tui.sandbox.streams import StreamControl

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

PODS = CORE["pods"]
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
SERVED = (V5, V4)
NO_SHELL_ANNOTATION = "sandbox.ccseone.io/no-shell"
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_DIRS = {
    "/": ["bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var"],
    "/etc": ["hostname", "hosts", "os-release", "resolv.conf"],
    "/bin": ["cat", "echo", "env", "hostname", "ls", "pwd", "sh", "stty", "uname"],
    "/home": [], "/root": [], "/tmp": [], "/usr": ["bin", "lib"], "/var": ["log", "run"],
    "/dev": ["null", "tty"], "/proc": ["1", "self"], "/sys": [],
}
_VAR = re.compile(r"\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")
# the redirections the emulated shell knows, each made one placeholder word before lexing
_REDIRECTS = {">&2": "\x01out-err\x01", "1>&2": "\x01out-err\x01",
              "2>&1": "\x01err-out\x01", ">/dev/null": "\x01out-null\x01",
              "1>/dev/null": "\x01out-null\x01", "2>/dev/null": "\x01err-null\x01"}
_ROUTES = frozenset(_REDIRECTS.values())
_REDIRECT = re.compile(r"(?<!\S)([12]?>&[12]|[12]?>\s*/dev/null)(?![^\s;&|])")


def _split_commands(line: str) -> list[tuple[str, str]]:
    """``a; b && c`` → [("a", ";"), (" b ", "&&"), (" c", "")], outside quotes only
    (ValueError for an unclosed quote)."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < len(line):
                current.append(line[i:i + 2])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and i + 1 < len(line):
            current.append(line[i:i + 2])
            i += 2
            continue
        elif ch in ";&|":
            two = line[i:i + 2]
            sep = two if two in ("&&", "||") else ch
            if ch == "&" and line[i - 1:i] == ">":
                current.append(ch)  # part of a redirection (>&2)
                i += 1
                continue
            out.append(("".join(current), sep))
            current = []
            i += len(sep)
            continue
        current.append(ch)
        i += 1
    if quote:
        raise ValueError("No closing quotation")
    out.append(("".join(current), ""))
    return out


def _placeholder(m: re.Match[str]) -> str:
    word = re.sub(r"\s", "", m.group(1))
    return f" {_REDIRECTS[word]} " if word in _REDIRECTS else " "  # 1>&1, 2>&2: no-ops


def _truthy(v: str | None) -> bool:
    return (v or "").lower() in ("true", "1")


def is_websocket(request: web.BaseRequest) -> bool:
    return (request.headers.get("Upgrade", "").lower() == "websocket"
            and "upgrade" in request.headers.get("Connection", "").lower())


def choose_protocol(request: web.BaseRequest, served: tuple[str, ...]) -> str:
    """The client's most wanted protocol among ``served`` (400 when none)."""
    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
               if p.strip()]
    for proto in offered:
        if proto in served:
            return proto
    raise bad_request(f"requested protocol(s) are not supported: {offered}; "
                      f"supports {list(served)}")


def pick_container(pod: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    spec = pod.get("spec") or {}
    name = pod["metadata"]["name"]
    containers = spec.get("containers") or []
    every = containers + (spec.get("initContainers") or []) + (
        spec.get("ephemeralContainers") or [])
    if not wanted:
        if len(containers) == 1:
            return containers[0]
        names = " ".join(c["name"] for c in containers)
        raise bad_request(
            f"a container name must be specified for pod {name}, choose one of: [{names}]")
    for c in every:
        if c.get("name") == wanted:
            return c
    raise bad_request(f"container {wanted} is not valid for pod {name}")


def container_running(pod: dict[str, Any], name: str) -> bool:
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or []:
            if cs.get("name") == name:
                return "running" in (cs.get("state") or {})
    return False


def has_shell(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if _truthy(annotations.get(NO_SHELL_ANNOTATION)):
        return False
    return "distroless" not in str(container.get("image", ""))


def runtime_failure(pod: dict[str, Any], container: str, program: str) -> dict[str, Any]:
    """The Status containerd's exec failure becomes (the kubelet's InternalError)."""
    exec_id = hashlib.sha256(f"{pod['metadata'].get('uid')}/{container}/{program}".encode()
                             ).hexdigest()
    if program.startswith("/"):
        why = f'exec: "{program}": stat {program}: no such file or directory: unknown'
    else:
        why = f'exec: "{program}": executable file not found in $PATH: unknown'
    inner = (f"error executing command in container: failed to exec in container: failed to "
             f'start exec "{exec_id}": OCI runtime exec failed: exec failed: unable to start '
             f"container process: {why}")
    return status_body(500, "InternalError", f"Internal error occurred: {inner}",
                       {"causes": [{"message": inner}]})


def exit_status(code: int, command: list[str]) -> dict[str, Any]:
    if code == 0:
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    return {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command "
                   f"{command}, exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


class Terminal:
    """The container side of the streams: input (with a tty's line discipline), output,
    and the window size."""

    def __init__(self, tty: bool, send: Callable[[int, bytes], Awaitable[None]]) -> None:
        self.tty = tty
        self._send = send
        self.input: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._pending = bytearray()
        self._eof = False
        self.size: tuple[int, int] | None = None  # (cols, rows)
        self.interrupted = False
        # where a program's stdout and stderr go (redirections: >&2, 2>&1, >/dev/null)
        self.stdout_to: int | None = STDOUT
        self.stderr_to: int | None = STDERR

    async def out(self, text: str) -> None:
        await self._emit(self.stdout_to, text)

    async def err(self, text: str) -> None:
        await self._emit(self.stderr_to, text)

    async def _emit(self, channel: int | None, text: str) -> None:
        if not text or channel is None:  # None: redirected to /dev/null
            return
        if self.tty:  # a tty has one stream for both
            await self._send(STDOUT, text.replace("\n", "\r\n").encode())
        else:
            await self._send(channel, text.encode())

    async def _more(self) -> bool:
        if self._eof:
            return False
        chunk = await self.input.get()
        if chunk is None:
            self._eof = True
            return False
        self._pending += chunk
        return True

    async def readline(self) -> str | None:
        """One line without its end; None at the end of input (or ^D on an empty tty
        line). On a tty: echo, backspace, ^C (``interrupted``, an empty line), ^U."""
        if not self.tty:
            while True:
                i = self._pending.find(b"\n")
                if i >= 0:
                    line = bytes(self._pending[:i])
                    del self._pending[: i + 1]
                    return line.decode(errors="replace")
                if not await self._more():
                    if self._pending:
                        line = bytes(self._pending)
                        self._pending.clear()
                        return line.decode(errors="replace")
                    return None
        line = bytearray()
        self.interrupted = False
        while True:
            while not self._pending:
                if not await self._more():
                    return line.decode(errors="replace") if line else None
            b = self._pending[0]
            del self._pending[0]
            if b in (0x0D, 0x0A):
                await self._send(STDOUT, b"\r\n")
                return line.decode(errors="replace")
            if b in (0x7F, 0x08):
                if line:
                    line.pop()
                    await self._send(STDOUT, b"\b \b")
            elif b == 0x03:
                await self._send(STDOUT, b"^C\r\n")
                self.interrupted = True
                return ""
            elif b == 0x04:
                if not line:
                    return None
            elif b == 0x15:
                await self._send(STDOUT, b"\b \b" * len(line))
                line.clear()
            elif b >= 0x20 or b == 0x09:
                line.append(b)
                await self._send(STDOUT, bytes((b,)))

    async def read_all(self) -> str:
        out = []
        while True:
            line = await self.readline()
            if line is None:
                return "".join(out)
            out.append(line + "\n")
            if self.tty:  # a tty's cat echoes each line as it goes
                await self.out(line + "\n")
                out.clear()


class Shell:
    """The programs of an emulated container, and ``sh`` to run them."""

    def __init__(self, pod: dict[str, Any], container: dict[str, Any], term: Terminal) -> None:
        self.pod = pod
        self.name = pod["metadata"]["name"]
        self.namespace = pod["metadata"].get("namespace", "default")
        self.container = container
        self.term = term
        self.cwd = "/"
        self.status = 0
        self.exited: int | None = None
        self.env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOSTNAME": self.name, "HOME": "/root",
                    "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
        if term.tty:
            self.env["TERM"] = "xterm"
        for e in container.get("env") or []:
            if "value" in e:
                self.env[str(e.get("name"))] = str(e["value"])
        ip = (pod.get("status") or {}).get("podIP") or "10.244.0.2"
        self.files = {
            "/etc/hostname": f"{self.name}\n",
            "/etc/hosts": f"127.0.0.1\tlocalhost\n{ip}\t{self.name}\n",
            "/etc/os-release": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n'
                               'PRETTY_NAME="Alpine Linux v3.20"\n',
            "/etc/resolv.conf": f"search {self.namespace}.svc.cluster.local svc.cluster.local "
                                "cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        }

    def _path(self, arg: str) -> str:
        if not arg.startswith("/"):
            arg = (self.cwd.rstrip("/") + "/" + arg) if arg else self.cwd
        parts: list[str] = []
        for p in arg.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(p)
        return "/" + "/".join(parts)

    # ---- programs ----------------------------------------------------------------------

    def program(self, name: str) -> Callable[[list[str]], Awaitable[int]] | None:
        base = name.rsplit("/", 1)[-1]
        return getattr(self, f"_p_{base}", None) if base.isidentifier() else None

    async def _p_echo(self, args: list[str]) -> int:
        newline = True
        if args and args[0] == "-n":
            newline, args = False, args[1:]
        await self.term.out(" ".join(args) + ("\n" if newline else ""))
        return 0

    async def _p_ls(self, args: list[str]) -> int:
        paths = [a for a in args if not a.startswith("-")] or [self.cwd]
        status = 0
        for arg in paths:
            path = self._path(arg)
            if path in _DIRS:
                entries = _DIRS[path]
                await self.term.out(("  ".join(entries) + "\n") if entries else "")
            elif path in self.files:
                await self.term.out(arg + "\n")
            else:
                await self.term.err(f"ls: {arg}: No such file or directory\n")
                status = 1
        return status

    async def _p_cat(self, args: list[str]) -> int:
        if not args:
            text = await self.term.read_all()
            await self.term.out(text)
            return 0
        status = 0
        for arg in args:
            path = self._path(arg)
            if path in self.files:
                await self.term.out(self.files[path])
            elif path in _DIRS:
                await self.term.err("cat: read error: Is a directory\n")
                status = 1
            else:
                await self.term.err(f"cat: can't open '{arg}': No such file or directory\n")
                status = 1
        return status

    async def _p_env(self, args: list[str]) -> int:
        await self.term.out("".join(f"{k}={v}\n" for k, v in self.env.items()))
        return 0

    _p_printenv = _p_env

    async def _p_hostname(self, args: list[str]) -> int:
        await self.term.out(self.name + "\n")
        return 0

    async def _p_pwd(self, args: list[str]) -> int:
        await self.term.out(self.cwd + "\n")
        return 0

    async def _p_stty(self, args: list[str]) -> int:
        if args[:1] != ["size"]:
            await self.term.err("stty: only 'stty size' is emulated\n")
            return 1
        if not self.term.tty:
            await self.term.err("stty: standard input: Not a tty\n")
            return 1
        cols, rows = self.term.size or (80, 24)
        await self.term.out(f"{rows} {cols}\n")
        return 0

    async def _p_tput(self, args: list[str]) -> int:
        cols, rows = self.term.size or (80, 24)
        what = args[0] if args else ""
        if what not in ("cols", "lines"):
            await self.term.err(f"tput: unknown terminfo capability '{what}'\n")
            return 4
        await self.term.out(f"{cols if what == 'cols' else rows}\n")
        return 0

    async def _p_true(self, args: list[str]) -> int:
        return 0

    async def _p_false(self, args: list[str]) -> int:
        return 1

    async def _p_id(self, args: list[str]) -> int:
        await self.term.out("uid=0(root) gid=0(root) groups=0(root)\n")
        return 0

    async def _p_whoami(self, args: list[str]) -> int:
        await self.term.out("root\n")
        return 0

    async def _p_uname(self, args: list[str]) -> int:
        text = (f"Linux {self.name} 6.6.0-sandbox #1 SMP x86_64 Linux" if "-a" in args
                else "Linux")
        await self.term.out(text + "\n")
        return 0

    async def _p_sh(self, args: list[str]) -> int:
        if args[:1] == ["-c"]:
            if len(args) < 2:
                await self.term.err("sh: -c requires an argument\n")
                return 2
            await self.run_line(args[1])
            return self.exited if self.exited is not None else self.status
        return await self.interactive()

    _p_bash = _p_ash = _p_dash = _p_zsh = _p_sh

    # ---- the shell -------------------------------------------------------------------------

    def _expand(self, line: str) -> str:
        out, quoted = [], False
        for i, part in enumerate(re.split(r"(')", line)):
            if part == "'":
                quoted = not quoted
                out.append(part)
            elif quoted and i:
                out.append(part)
            else:
                out.append(_VAR.sub(self._value, part))
        return "".join(out)

    def _value(self, m: re.Match[str]) -> str:
        name = m.group(1).strip("{}")
        return str(self.status) if name == "?" else self.env.get(name, "")

    async def run_line(self, line: str) -> None:
        """One command line: ``;``, ``&&`` and ``||`` between simple commands, each
        expanded (``$?``, ``$VAR``) just before it runs, as sh does."""
        try:
            segments = _split_commands(line)
        except ValueError as exc:
            await self.term.err(f"sh: syntax error: {exc}\n")
            self.status = 2
            return
        skip = False
        for text, separator in segments:
            if separator in ("|", "&"):
                await self.term.err(f"sh: '{separator}' is not supported by this emulated "
                                    "shell\n")
                self.status = 2
                return
            if not skip and text.strip():
                try:
                    argv = shlex.split(_REDIRECT.sub(_placeholder, self._expand(text)))
                except ValueError as exc:
                    await self.term.err(f"sh: syntax error: {exc}\n")
                    self.status = 2
                    return
                if argv:
                    await self._run(argv)
                    if self.exited is not None:
                        return
            skip = (separator == "&&" and self.status != 0) or (
                separator == "||" and self.status == 0)

    async def _run(self, argv: list[str]) -> None:
        term = self.term
        routes = [a for a in argv if a in _ROUTES]
        argv = [a for a in argv if a not in _ROUTES]
        saved = term.stdout_to, term.stderr_to
        for route in routes:  # in order, as sh applies them
            if route == "\x01out-err\x01":
                term.stdout_to = term.stderr_to
            elif route == "\x01err-out\x01":
                term.stderr_to = term.stdout_to
            elif route == "\x01out-null\x01":
                term.stdout_to = None
            else:
                term.stderr_to = None
        try:
            if argv:
                await self._run_simple(argv)
        finally:
            term.stdout_to, term.stderr_to = saved

    async def _run_simple(self, argv: list[str]) -> None:
        name, args = argv[0], argv[1:]
        if name == "exit":
            try:
                code = int(args[0]) & 0xFF if args else self.status
            except ValueError:
                await self.term.err(f"sh: exit: Illegal number: {args[0]}\n")
                code = 2
            self.exited = self.status = code
            return
        if name == "cd":
            path = self._path(args[0] if args else "/root")
            if path in _DIRS:
                self.cwd = path
                self.status = 0
            else:
                await self.term.err(f"sh: cd: can't cd to {args[0]}: No such file or "
                                    "directory\n")
                self.status = 2
            return
        program = self.program(name)
        if program is None:
            await self.term.err(f"sh: {name}: not found\n")
            self.status = 127
            return
        self.status = await program(args)

    async def interactive(self) -> int:
        while self.exited is None:
            if self.term.tty:
                await self.term.out(f"{self.cwd} # ")
            line = await self.term.readline()
            if line is None:  # end of input
                if self.term.tty:
                    await self.term.out("exit\n")
                break
            if self.term.interrupted:
                self.status = 130
                continue
            if line.strip():
                await self.run_line(line)
        return self.exited if self.exited is not None else self.status


async def serve_exec(cluster: SandboxCluster, request: web.BaseRequest, namespace: str,
                     pod_name: str) -> web.StreamResponse:
    from ccseone_tui.sandbox.status import method_not_allowed

    if request.method not in ("GET", "POST"):
        raise method_not_allowed(request.method)
    q = request.query
    pod = cluster.state.get(PODS.key, namespace, pod_name)
    if pod is None:
        raise not_found("pods", "", pod_name)
    command = list(q.getall("command", []))
    stdin, stdout, stderr, tty = (_truthy(q.get(k)) for k in ("stdin", "stdout", "stderr",
                                                                 "tty"))
    container = pick_container(pod, q.get("container"))
    if not command:
        raise bad_request("you must specify at least one command for the container")
    if not (stdin or stdout or stderr):
        raise bad_request("you must specify at least 1 of stdin, stdout, stderr")
    if tty and stderr:
        raise bad_request("stdout and stderr cannot both be requested with a tty; "
                          "tty and stderr cannot both be true")
    if not is_websocket(request):
        raise bad_request("Upgrade request required")
    if not (pod.get("spec") or {}).get("nodeName"):
        raise bad_request(f"pod {pod_name} does not have a host assigned")
    if not container_running(pod, container["name"]):
        # the kubelet's answer, proxied as is: plain text
        return web.Response(status=500, text=f'container not found ("{container["name"]}")')
    protocol = choose_protocol(request, tuple(cluster.faults.stream_protocols))
    ws = web.WebSocketResponse(protocols=(protocol,), autoping=True, max_msg_size=0)
    lock = asyncio.Lock()

    async def send(channel: int, data: bytes) -> None:
        async with lock:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(bytes((channel,)) + data)

    term = Terminal(tty, send)
    if not stdin:
        term.input.put_nowait(None)  # nothing attached: programs read the end at once
    shell = Shell(pod, container, term)
    control = StreamControl(cluster.faults, request)
    with control:
        await ws.prepare(request)
        first = STDOUT if stdout else (STDERR if stderr else ERROR)
        await send(first, b"")
        reader = asyncio.create_task(_read(ws, term, stdin, protocol))
        run = asyncio.create_task(_program(shell, pod, container, command))
        stop = asyncio.create_task(control.wake.wait())
        try:
            await asyncio.wait({run, stop}, return_when=asyncio.FIRST_COMPLETED)
            if control.stopped:
                if control.abrupt:
                    control.cut()
                    return ws
            elif run.done():
                status = run.result()
                await send(ERROR, json.dumps(status).encode())
        finally:
            for task in (reader, run, stop):
                task.cancel()
            for task in (reader, run, stop):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.close()
    return ws


async def _program(shell: Shell, pod: dict[str, Any], container: dict[str, Any],
                   command: list[str]) -> dict[str, Any]:
    """Run the command; the Status for the error channel."""
    name = command[0]
    if not has_shell(pod, container):
        return runtime_failure(pod, container["name"], name)
    base = name.rsplit("/", 1)[-1]
    program = shell.program(name)
    if program is None or (name.startswith("/") and base not in _DIRS["/bin"]
                           and base not in SHELLS):
        return runtime_failure(pod, container["name"], name)
    return exit_status(await program(command[1:]), command)


async def _read(ws: web.WebSocketResponse, term: Terminal, stdin: bool, protocol: str) -> None:
    """Client → container: stdin, resizes, and (v5) the end of stdin."""
    try:
        async for msg in ws:
            if msg.type != WSMsgType.BINARY or not msg.data:
                continue
            channel, payload = msg.data[0], msg.data[1:]
            if channel == STDIN and stdin:
                term.input.put_nowait(bytes(payload))
            elif channel == RESIZE:
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    size = json.loads(bytes(payload))
                    term.size = (int(size["Width"]), int(size["Height"]))
            elif channel == CLOSE and protocol == V5 and payload[:1] == bytes((STDIN,)):
                term.input.put_nowait(None)
    finally:
        term.input.put_nowait(None)  # the client is gone (or never sends): end of input


__all__ = ["NO_SHELL_ANNOTATION", "SERVED", "V4", "V5", "Shell", "choose_protocol",
           "is_websocket", "pick_container", "serve_exec"]

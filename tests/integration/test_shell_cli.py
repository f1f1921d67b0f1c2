"""``ccseone exec`` and ``ccseone port-forward`` against a sandbox fleet served from a
background thread: in-process (``main([...])``) where a captured stdout is enough, as a
subprocess on a pseudo-terminal (``pty.fork``) for the interactive shell, and as a
subprocess stopped with Ctrl-C (SIGINT) for port-forward."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from ccseone_tui.cli import main
from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.resources import CORE

T = TypeVar("T")
PODS = CORE["pods"].key
NS = "default"


class Served:
    """A ``SandboxFleet`` on its own loop in a daemon thread."""

    def __init__(self, fleet: SandboxFleet) -> None:
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def __enter__(self) -> Served:
        self._thread.start()
        self.call(self.fleet.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.call(self.fleet.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def _seed(kubeconfig: str, name: str) -> None:
    web = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": NS},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{
                                     "name": "web", "image": "nginx:1.27",
                                     "ports": [{"name": "http", "containerPort": 80}]}]}}}}
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": NS},
           "spec": {"selector": {"app": "web"},
                    "ports": [{"port": 8080, "targetPort": "http"}]}}
    async with KubePool(Settings(read_timeout=10)) as pool:
        client = await pool.client(ClusterRef(name=name, kubeconfig=kubeconfig, context=name))
        await client.apply(web)
        await client.apply(svc)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("shell-cli")
    fleet = SandboxFleet(clusters=2, nodes=1, system_workloads=False, log_rate=0.0,
                         kubeconfig_path=tmp / "kubeconfig")
    old = os.environ.get("CCSEONE_DATA_DIR")
    os.environ["CCSEONE_DATA_DIR"] = str(tmp / "data")
    try:
        with Served(fleet) as served:
            names = [c.name for c in fleet.clusters]
            asyncio.run(_seed(str(fleet.kubeconfig_path), names[1]))
            served.call(fleet.settle())
            pods = [p["metadata"]["name"] for p in fleet.clusters[1].state.list(PODS, NS)
                    if (p["metadata"].get("labels") or {}).get("app") == "web"]
            assert len(pods) == 1
            base = ["--config", str(tmp / "none.toml"), "--db", str(tmp / "ccseone.db"),
                    "--kubeconfig", str(tmp / "kubeconfig"), "--lang", "en"]
            assert main([*base, "instances", "create", "east", "--region", "cn-east-1"]) == 0
            assert main([*base, "clusters", "associate", "--instance", "east",
                         f"{names[0]}=prod-1", "--labels", "env=prod"]) == 0
            assert main([*base, "clusters", "associate", "--instance", "east",
                         f"{names[1]}=dev-1"]) == 0
            yield {"base": base, "pod": pods[0], "served": served, "tmp": tmp}
    finally:
        if old is None:
            os.environ.pop("CCSEONE_DATA_DIR", None)
        else:
            os.environ["CCSEONE_DATA_DIR"] = old


def cli(world: dict[str, Any], *argv: str) -> list[str]:
    return [sys.executable, "-m", "ccseone_tui.cli", *world["base"], *argv]


def test_exec_exit_code_and_output(world: dict[str, Any],
                                   capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    code = main([*world["base"], "exec", world["pod"], "--cluster", "dev-1", "-n", NS,
                 "--instance", "east", "--", "sh", "-c", "echo hi; cat /etc/nope; exit 3"])
    out = capfd.readouterr()
    assert code == 3  # the remote command's, like kubectl
    assert out.out == "hi\n"
    assert out.err == "cat: can't open '/etc/nope': No such file or directory\n"

    assert main([*world["base"], "exec", "--cluster", "dev-1", "no-such-pod", "--",
                 "true"]) == 1
    assert 'pods "no-such-pod" not found' in capfd.readouterr().err
    with pytest.raises(SystemExit) as usage:  # no --cluster: a usage error
        main([*world["base"], "exec", world["pod"], "--", "true"])
    assert usage.value.code == 2
    assert "--cluster" in capfd.readouterr().err
    assert main([*world["base"], "exec", world["pod"], "--cluster", "prod-1"]) == 1
    assert "--confirm" in capfd.readouterr().err  # production: typed confirmation


def test_exec_stdin_from_a_pipe(world: dict[str, Any]) -> None:
    done = subprocess.run(
        cli(world, "exec", "-i", world["pod"], "--cluster", "dev-1", "-t"),
        input=b"echo $HOSTNAME\nexit 4\n", capture_output=True, timeout=60,
        env={**os.environ})
    assert done.returncode == 4, done.stderr
    assert done.stdout == f"{world['pod']}\n".encode()
    # -t with a pipe for input: kubectl's warning, then no tty
    assert b"Unable to use a TTY" in done.stderr


def _read_until(fd: int, needle: bytes, buf: bytearray, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while needle not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} never came; got {bytes(buf)!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child is gone
                chunk = b""
            if not chunk:
                raise AssertionError(f"{needle!r} never came; got {bytes(buf)!r}")
            buf += chunk


def _set_size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def test_interactive_shell_on_a_pty(world: dict[str, Any]) -> None:
    argv = cli(world, "exec", world["pod"], "--cluster", "dev-1", "--instance", "east",
               "-it")
    pid, master = pty.fork()
    if pid == 0:  # the child: ccseone on the pty's slave side
        try:
            os.execvpe(argv[0], argv, {**os.environ})
        finally:
            os._exit(127)
    buf = bytearray()
    try:
        _set_size(master, 40, 120)
        _read_until(master, b"/ # ", buf)
        os.write(master, b"echo hi\r")
        _read_until(master, b"hi\r\n", buf)
        os.write(master, b"stty size\r")
        _read_until(master, b"40 120\r\n", buf)
        _set_size(master, 33, 99)  # the kernel tells ccseone (SIGWINCH): it resizes
        os.write(master, b"tput cols\r")
        _read_until(master, b"\r\n99\r\n", buf)
        os.write(master, b"exit\r")
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_port_forward_until_ctrl_c(world: dict[str, Any]) -> None:
    proc = subprocess.Popen(
        cli(world, "port-forward", "svc/web", ":8080", f"{_free_port()}:8080", "--cluster",
            "dev-1", "-n", NS), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ})
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().decode(), proc.stdout.readline().decode()]
        assert all(line.startswith("Forwarding from 127.0.0.1:") for line in lines), lines
        assert all(line.rstrip().endswith(" -> 80") for line in lines)  # the pod's port
        ports = [int(line.split(":")[1].split()[0]) for line in lines]
        for port in ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello", timeout=10) as r:
                assert r.read().decode() == f"{world['pod']} ({NS}) port 80 answered GET " \
                                            "/hello\n"
            assert proc.stdout.readline().decode() == f"Handling connection for {port}\n"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        for port in ports:  # closed on exit
            with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), 2):
                pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_forward_local_port_in_use(world: dict[str, Any],
                                        capfd: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        capfd.readouterr()
        code = main([*world["base"], "port-forward", f"pod/{world['pod']}", f"{port}:80",
                     "--cluster", "dev-1"])
    err = capfd.readouterr().err
    assert code == 1
    assert f"local port {port} on 127.0.0.1 is already in use" in err and "--address" in err
    assert main([*world["base"], "port-forward", "deploy/web", "80", "--cluster",
                 "dev-1"]) == 1
    assert "pod/NAME, svc/NAME" in capfd.readouterr().err

"""Exec over the Kubernetes WebSocket protocol (``kube/exec.py``) against the sandbox's
emulated shell (``sandbox/exec.py``): real HTTP upgrades, real frames."""

from __future__ import annotations

import asyncio
import os
import pty
import shutil
import termios

import pytest

from ccseone_tui.domain.errors import KubeApiError, ResourceNotFound
from ccseone_tui.domain.shell_errors import ContainerNotRunning, ExecFailed, SessionClosed
from ccseone_tui.kube.exec import STDERR, STDOUT, V4, V5, ExecSession, open_exec, run_interactive
from tests.kube.kube_helpers import unique

NS = "default"


def pod(name: str, *, image: str = "busybox:1.36", restart: str = "Always",
        containers: list[dict] | None = None, annotations: dict | None = None) -> dict:
    meta: dict = {"name": name, "namespace": NS}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"restartPolicy": restart,
                     "containers": containers or [
                         {"name": "app", "image": image,
                          "env": [{"name": "GREETING", "value": "hello"}],
                          "ports": [{"containerPort": 80}]}]}}


async def running(fleet, client, spec: dict) -> str:
    await client.create(spec)
    await fleet.clusters[0].settle()
    return spec["metadata"]["name"]


async def collect(session: ExecSession) -> tuple[bytes, bytes]:
    out, err = bytearray(), bytearray()
    async for channel, data in session:
        (out if channel == STDOUT else err).extend(data)
    return bytes(out), bytes(err)


async def read_until(session_iter, needle: bytes, buf: bytearray) -> None:
    async with asyncio.timeout(5):
        while needle not in buf:
            _, data = await anext(session_iter)
            buf += data


async def test_echo_without_tty_gives_stdout_and_exit_0(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("echo")))
    session = await open_exec(client, NS, name, ["echo", "hi"], stdin=False, tty=False)
    assert session.protocol == V5  # the most wanted one offered, served
    out, err = await collect(session)
    assert (out, err) == (b"hi\n", b"")
    assert session.exit_code == 0
    assert session.status is not None and session.status["status"] == "Success"


async def test_exit_codes_and_stderr(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("codes")))
    session = await open_exec(client, NS, name, ["sh", "-c", "exit 3"], stdin=False, tty=False)
    assert await session.wait() == 3
    assert session.status["reason"] == "NonZeroExitCode"

    # a shell fed on stdin; v5 passes the end of input on, so `cat` ends
    session = await open_exec(client, NS, name, ["/bin/sh"], stdin=True, tty=False)
    await session.send_stdin(b"echo $GREETING; nosuch\necho $?\ncat\n")
    await session.send_stdin(b"typed into cat\n")
    await session.close_stdin()
    out, err = await collect(session)
    assert out == b"hello\n127\ntyped into cat\n"
    assert err == b"sh: nosuch: not found\n"
    assert session.exit_code == 0

    session = await open_exec(client, NS, name, ["/bin/sh"], stdin=True, tty=False)
    await session.send_stdin(b"hostname\nexit 7\n")
    out, _ = await collect(session)
    assert out == f"{name}\n".encode() and session.exit_code == 7


async def test_falls_back_to_v4(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("v4")))
    fleet.clusters[0].faults.stream_protocols = (V4,)
    try:
        session = await open_exec(client, NS, name, ["sh", "-c", "echo on v4; exit 2"],
                                  stdin=False, tty=False)
        assert session.protocol == V4 and not session.can_close_stdin
        out, _ = await collect(session)
        assert out == b"on v4\n" and session.exit_code == 2
    finally:
        fleet.clusters[0].faults.stream_protocols = (V5, V4)


async def test_resize_reaches_the_shell(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("tty")))
    session = await open_exec(client, NS, name, ["/bin/sh"], tty=True)
    await session.resize(132, 43)
    messages = aiter(session)
    buf = bytearray()
    await read_until(messages, b"/ # ", buf)  # the prompt
    await session.send_stdin(b"stty size\r")
    await read_until(messages, b"43 132\r\n", buf)
    await session.resize(100, 30)
    await session.send_stdin(b"tput cols; tput lines\r")
    await read_until(messages, b"100\r\n30\r\n", buf)
    await session.send_stdin(b"exit 4\r")
    async for _ in messages:
        pass
    assert session.exit_code == 4
    assert b"stty size\r\n" in buf  # the remote tty echoes what is typed


async def test_container_without_shell(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("distroless"),
                                            image="gcr.io/distroless/static:nonroot"))
    session = await open_exec(client, NS, name, ["/bin/sh"], tty=True)
    with pytest.raises(ExecFailed) as info:
        await session.wait()
    err = info.value
    assert err.status == 500 and err.reason == "InternalError"
    assert 'exec: "/bin/sh": stat /bin/sh: no such file or directory' in err.api_message
    assert "/bin/sh" in str(err) and "distroless" in str(err)  # the fix names the cause


async def test_refused_before_the_upgrade(fleet, client) -> None:
    done = pod(unique("done"), restart="Never")
    fleet.clusters[0].faults.job_duration_s = 0
    name = await running(fleet, client, done)
    phase = (await client.get("v1", "Pod", name, namespace=NS))["status"]["phase"]
    assert phase == "Succeeded"
    with pytest.raises(ContainerNotRunning) as info:
        await open_exec(client, NS, name, ["/bin/sh"])
    assert info.value.status == 500 and 'container not found ("app")' in info.value.api_message

    with pytest.raises(ResourceNotFound) as missing:
        await open_exec(client, NS, "no-such-pod", ["/bin/sh"])
    assert missing.value.status == 404 and '"no-such-pod" not found' in missing.value.api_message

    two = await running(fleet, client, pod(unique("two"), containers=[
        {"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox"}]))
    with pytest.raises(KubeApiError) as bad:
        await open_exec(client, NS, two, ["sh"], container="c")
    assert bad.value.status == 400 and bad.value.api_message == (
        f"container c is not valid for pod {two}")


async def test_connection_dropped_mid_session(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("drop")))
    session = await open_exec(client, NS, name, ["/bin/sh"], tty=True)
    messages = aiter(session)
    await read_until(messages, b"# ", bytearray())
    assert fleet.clusters[0].faults.drop_streams(abrupt=True) >= 1
    with pytest.raises(SessionClosed) as info:
        async for _ in messages:
            pass
    assert info.value.cluster == fleet.clusters[0].name
    assert session.exit_code is None


async def test_run_interactive_on_a_pty_restores_the_terminal(fleet, client) -> None:
    """A real pseudo-terminal as the local side: raw mode while the shell runs, the modes
    as they were afterwards — after a normal exit and after a dropped connection."""
    name = await running(fleet, client, pod(unique("pty")))
    main, tty_fd = pty.openpty()
    try:
        before = termios.tcgetattr(tty_fd)
        session = await open_exec(client, NS, name, ["/bin/sh"], tty=True)
        os.write(main, b"echo hi\rexit 9\r")  # typed ahead, read once the loop starts
        out_r, out_w = os.pipe()
        code = await run_interactive(session, tty_fd, out_w)
        os.close(out_w)
        with os.fdopen(out_r, "rb") as f:
            shown = f.read()
        assert code == 9
        assert b"hi\r\n" in shown
        assert termios.tcgetattr(tty_fd) == before

        # the connection drops once the prompt is on the screen
        session = await open_exec(client, NS, name, ["/bin/sh"], tty=True)
        out_r, out_w = os.pipe()
        loop = asyncio.get_running_loop()
        screen = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(screen), os.fdopen(out_r, "rb"))

        async def drop_at_prompt() -> None:
            await screen.readuntil(b"# ")
            fleet.clusters[0].faults.drop_streams(abrupt=True)

        dropper = asyncio.create_task(drop_at_prompt())
        try:
            with pytest.raises(SessionClosed):
                await run_interactive(session, tty_fd, out_w)
            await dropper
        finally:
            os.close(out_w)
            transport.close()
        assert termios.tcgetattr(tty_fd) == before
    finally:
        os.close(main)
        os.close(tty_fd)


async def test_stderr_channel_without_tty(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("err")))
    session = await open_exec(client, NS, name, ["cat", "/etc/nope", "/etc/hostname"],
                              stdin=False, tty=False)
    chunks = [(channel, data) async for channel, data in session]
    assert (STDERR, b"cat: can't open '/etc/nope': No such file or directory\n") in chunks
    assert (STDOUT, f"{name}\n".encode()) in chunks
    assert session.exit_code == 1


@pytest.fixture
async def tls_fleet():
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=1, nodes=1, tls=True, log_rate=0.0,
                            system_workloads=False) as f:
        yield f


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the sandbox's CA")
async def test_over_tls_and_as_kubectl_sees_it(tls_fleet, pool) -> None:
    """wss:// through the client's TLS context; and real kubectl (client-go's WebSocket
    executor) against the same emulated kubelet, when kubectl is on PATH."""
    from tests.kube.kube_helpers import refs_for

    client = await pool.client(refs_for(tls_fleet)[0])
    assert client.server.startswith("https://")
    name = await running(tls_fleet, client, pod(unique("tls")))
    session = await open_exec(client, NS, name, ["echo", "secure"], stdin=False, tty=False)
    assert await collect(session) == (b"secure\n", b"") and session.exit_code == 0
    if shutil.which("kubectl") is None:
        return

    async def kubectl(*args: str, stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        proc = await asyncio.create_subprocess_exec(
            "kubectl", "--kubeconfig", str(tls_fleet.kubeconfig_path), "-n", NS, *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
        return proc.returncode or 0, out, err

    assert await kubectl("exec", name, "--", "echo", "hi") == (0, b"hi\n", b"")
    code, _, err = await kubectl("exec", name, "--", "sh", "-c", "exit 3")
    assert code == 3 and b"command terminated with exit code 3" in err
    code, out, _ = await kubectl("exec", "-i", name, "--", "sh", stdin=b"hostname\ncat\nvia cat\n")
    assert (code, out) == (0, f"{name}\nvia cat\n".encode())  # v5 carried the end of stdin


async def test_exec_needs_create_on_pods_exec(fleet, client, tmp_path) -> None:
    """A caller without ``create`` on ``pods/exec`` is refused before the upgrade, with the
    RBAC authorizer's status and message kept."""
    import yaml

    from ccseone_tui.domain.errors import Forbidden
    from ccseone_tui.kube import ClusterRef
    from ccseone_tui.sandbox.authn import forbidden_for

    name = await running(fleet, client, pod(unique("rbac")))
    await client.create({"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": {"name": "viewer", "namespace": NS}})
    answer = await client.request(
        "POST", f"/api/v1/namespaces/{NS}/serviceaccounts/viewer/token",
        body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}})
    config = yaml.safe_load(fleet.kubeconfig_path.read_text())
    for user in config["users"]:
        user["user"] = {"token": answer["status"]["token"]}
    path = tmp_path / "viewer.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    cluster = fleet.clusters[0]
    asked = []

    def view_only(user, attrs) -> None:
        asked.append((attrs.verb, attrs.resource, attrs.subresource))
        if attrs.verb not in ("get", "list", "watch"):
            raise forbidden_for(user, attrs)

    cluster.authorizer = view_only
    try:
        from ccseone_tui.kube import KubePool
        from tests.kube.kube_helpers import SETTINGS

        async with KubePool(SETTINGS) as own:
            viewer = await own.client(ClusterRef(name=cluster.name, kubeconfig=str(path),
                                                 context=cluster.name))
            with pytest.raises(Forbidden) as info:
                await open_exec(viewer, NS, name, ["sh"])
    finally:
        cluster.authorizer = None
    assert ("create", "pods", "exec") in asked
    assert info.value.status == 403 and info.value.api_message == (
        f'pods "{name}" is forbidden: User "system:serviceaccount:{NS}:viewer" cannot '
        f'create resource "pods/exec" in API group "" in the namespace "{NS}"')


async def test_shell_lines_redirect_and_expand_per_command(fleet, client) -> None:
    name = await running(fleet, client, pod(unique("sh")))
    script = "echo err >&2; cat /nope 2>/dev/null; echo $?; echo 'a;$b' \"$HOSTNAME\" || x"
    session = await open_exec(client, NS, name, ["sh", "-c", script], stdin=False, tty=False)
    out, err = await collect(session)
    assert err == b"err\n"
    assert out == f"1\na;$b {name}\n".encode()  # $? of the command before; quotes kept
    assert session.exit_code == 0

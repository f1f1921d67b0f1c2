"""Port-forward over the Kubernetes WebSocket protocol (``kube/portforward.py``) against the
sandbox (``sandbox/portforward.py``): a local listener, one upgrade per connection, real
HTTP through it."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from ccseone_tui.domain.shell_errors import LocalPortInUse
from ccseone_tui.kube.portforward import PortForwarder
from tests.kube.kube_helpers import unique

NS = "default"


async def web_pod(fleet, client, port: int = 8080) -> str:
    name = unique("web")
    await client.create({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": NS},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                 "ports": [{"containerPort": port}]}]}})
    await fleet.clusters[0].settle()
    return name


async def test_http_through_the_local_port(fleet, client) -> None:
    name = await web_pod(fleet, client)
    connections: list[int] = []
    fwd = PortForwarder(client, NS, name, 8080,
                        on_connection=lambda f: connections.append(f.total))
    port = await fwd.start()
    assert port > 0 and fwd.local_port == port and fwd.running
    try:
        async with aiohttp.ClientSession() as http:
            for path in ("/", "/healthz"):
                async with http.get(f"http://127.0.0.1:{port}{path}") as resp:
                    assert resp.status == 200
                    body = await resp.text()
                assert body == f"{name} ({NS}) port 8080 answered GET {path}\n"
        assert connections == [1, 2] and fwd.total == 2 and not fwd.errors
        upgrades = [p for m, p in fleet.clusters[0].requests if "/portforward" in p]
        assert upgrades and all(p.endswith("?ports=8080") for p in upgrades)
    finally:
        await fwd.stop()


async def test_undeclared_port_answers_the_error_channel(fleet, client) -> None:
    name = await web_pod(fleet, client)
    failed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    fwd = PortForwarder(client, NS, name, 9999,
                        on_error=lambda f, m: failed.done() or failed.set_result(m))
    port = await fwd.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        assert await reader.read() == b""  # closed without an answer
        writer.close()
        message = await asyncio.wait_for(failed, 5)
        assert message.startswith(f"error forwarding port 9999 to pod {name}")
        assert "connection refused" in message and list(fwd.errors) == [message]
    finally:
        await fwd.stop()


async def test_local_port_in_use(fleet, client) -> None:
    name = await web_pod(fleet, client)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(LocalPortInUse) as info:
            await PortForwarder(client, NS, name, 8080, local_port=port).start()
        assert info.value.port == port
        text = str(info.value)
        assert str(port) in text and "--address" in text
    finally:
        taken.close()


async def test_stop_closes_the_listener_and_connections(fleet, client) -> None:
    name = await web_pod(fleet, client)
    accepted = asyncio.Event()
    fwd = PortForwarder(client, NS, name, 8080, on_connection=lambda f: accepted.set())
    port = await fwd.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTT")  # a request that never ends: the connection stays open
    await writer.drain()
    await asyncio.wait_for(accepted.wait(), 5)
    assert fwd.active == 1
    await fwd.stop()
    assert not fwd.running and fwd.active == 0 and fwd.stopped.is_set()
    assert await reader.read() == b""
    writer.close()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)

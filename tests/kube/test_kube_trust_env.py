"""The environment's proxy and netrc are honoured, and cost nothing when there are none.

kubernetes.aio's session has ``trust_env=True``, and aiohttp then looks up a netrc entry and
an environment proxy in a worker thread for every request. A client whose server neither
applies to gets a session without it; one behind an ``HTTP_PROXY`` still goes through it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from ccseone_tui.kube import KubePool
from tests.kube.kube_helpers import SETTINGS, refs_for

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
              "https_proxy", "all_proxy", "no_proxy", "NETRC")


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))  # not the user's ~/.netrc


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """A plain HTTP forward proxy on loopback: notes each request, then forwards it."""
    seen: list[str] = []
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.Response:
        target = str(request.url)
        seen.append(target)
        headers = {k: v for k, v in request.headers.items() if k.lower() in
                   ("authorization", "accept", "content-type", "user-agent")}
        async with session.request(request.method, target, headers=headers,
                                   data=await request.read()) as r:
            return web.Response(status=r.status, body=await r.read(),
                                content_type=r.content_type)

    server = web.Server(forward)
    runner = web.ServerRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()
        await session.close()


def _session(client) -> aiohttp.ClientSession:
    session = client._api.rest_client.pool_manager
    assert session is not None  # created on the first request
    return session


async def test_without_proxy_or_netrc_the_session_does_not_trust_env(fleet) -> None:
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs_for(fleet)[0])
        assert (await client.version())["gitVersion"]
        assert _session(client).trust_env is False


async def test_an_environment_proxy_is_still_used(fleet, proxy, monkeypatch) -> None:
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    async with KubePool(SETTINGS) as pool:
        ref = refs_for(fleet)[0]
        client = await pool.client(ref)
        assert (await client.version())["gitVersion"]
        nodes = await client.list("v1", "Node")
    assert len(nodes["items"]) == 2
    assert _session(client).trust_env is True
    server = fleet.clusters[0].url
    assert seen == [f"{server}/version", f"{server}/api/v1/nodes"]


async def test_no_proxy_for_the_server_means_direct(fleet, proxy, monkeypatch) -> None:
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs_for(fleet)[0])
        assert (await client.version())["gitVersion"]
        assert _session(client).trust_env is False
    assert seen == []


async def test_a_netrc_entry_for_the_server_keeps_trust_env(fleet, monkeypatch,
                                                            tmp_path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async with KubePool(SETTINGS) as pool:
        client = await pool.client(refs_for(fleet)[0])
        # what aiohttp does with it is aiohttp's business; the session must keep asking
        extra = client._api.configuration.client_session_kwargs or {}
        assert extra.get("trust_env", True) is True

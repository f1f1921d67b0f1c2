"""What every client carries, paid once: the environment's proxy and netrc are honoured
and cost nothing when there are none; the system trust store is shared (kube/shared_tls.py).

kubernetes.aio's session has ``trust_env=True``, and aiohttp then looks up a netrc entry and
an environment proxy in a worker thread for every request. A client whose server neither
applies to gets a session without it; one behind an ``HTTP_PROXY`` still goes through it.
"""

from __future__ import annotations

import ssl
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


# ---- the system trust store, shared (kube/shared_tls.py) ----------------------------------


def _fresh_configuration(**fields):
    from kubernetes.aio.client.configuration import Configuration

    configuration = Configuration(host="https://127.0.0.1:6443")
    for name, value in fields.items():
        setattr(configuration, name, value)
    return configuration


@pytest.mark.parametrize("verify", [True, False])
def test_a_shared_context_client_is_the_library_client_but_for_the_context(verify) -> None:
    """Every attribute the library's own __init__ sets is there, equal, but the context."""
    from kubernetes.aio.client.api_client import ApiClient

    from ccseone_tui.kube.shared_tls import new_api_client

    ours = new_api_client(_fresh_configuration(verify_ssl=verify))
    theirs = ApiClient(_fresh_configuration(verify_ssl=verify))
    other = new_api_client(_fresh_configuration(verify_ssl=verify))
    assert ours.rest_client.ssl_context is other.rest_client.ssl_context  # shared
    assert ours.rest_client.ssl_context is not theirs.rest_client.ssl_context

    def fields(obj, skip=()):
        return {k: v for k, v in vars(obj).items() if k not in skip}

    skip = ("configuration", "rest_client")
    assert fields(ours, skip) == fields(theirs, skip)
    rest_skip = ("configuration", "ssl_context")
    assert fields(ours.rest_client, rest_skip) == fields(theirs.rest_client, rest_skip)
    for ctx in (ours.rest_client.ssl_context, theirs.rest_client.ssl_context):
        assert (ctx.verify_mode, ctx.check_hostname) == (
            (ssl.CERT_REQUIRED, True) if verify else (ssl.CERT_NONE, False))
    assert ours.rest_client.ssl_context.cert_store_stats() == \
        theirs.rest_client.ssl_context.cert_store_stats()  # the same system store


def test_a_client_with_its_own_ca_gets_its_own_context(fleet) -> None:
    from ccseone_tui.kube.shared_tls import new_api_client

    ca = fleet.clusters[0].ca_pem if fleet.clusters[0].tls else None
    material = {"ca_cert_data": ca} if ca else {"ssl_ca_cert": ssl.get_default_verify_paths()
                                                .cafile}
    if not any(material.values()):
        pytest.skip("no CA at hand")
    one = new_api_client(_fresh_configuration(**material))
    two = new_api_client(_fresh_configuration(**material))
    assert one.rest_client.ssl_context is not two.rest_client.ssl_context


async def test_clients_of_a_plain_http_fleet_share_one_context(fleet) -> None:
    async with KubePool(SETTINGS) as pool:
        clients = [await pool.client(ref) for ref in refs_for(fleet)]
        contexts = {id(c._api.rest_client.ssl_context) for c in clients}
        assert len(contexts) == 1
        for client in clients:
            assert (await client.version())["gitVersion"]

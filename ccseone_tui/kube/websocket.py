"""WebSocket upgrades to one API server, for exec and port-forward (``kube/exec.py``,
``kube/portforward.py``).

The upgrade goes out exactly like every other call of the cluster's ``ClusterClient``: the
URL and headers (``Authorization`` with the kubeconfig's bearer token or a fresh exec-plugin
token, ``User-Agent``) come from the official client's ``param_serialize``, and the request
travels on the connector of its aiohttp session, so it shares the TLS context (CA, client
certificate, ``insecure-skip-tls-verify``), the connection pool and the proxy settings.

A thin ``ClientSession`` is put over that connector for each upgrade (it does not own it):
aiohttp's ``ws_connect`` drops the body of an answer that is not ``101 Switching
Protocols``, and the API server explains a refused exec there (a ``Status``: pod not found,
container not valid, forbidden; or the kubelet's plain text: ``container not found``). A
request trace on that session reads the body before aiohttp discards it, so the error keeps
the server's status and message verbatim.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ccseone_tui.kube.errors import http_error, is_transport_error, unreachable

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient

# client-go pings every 5 s and gives up after 12 lost pongs; aiohttp closes the socket
# when a pong is later than half the heartbeat: 30 s catches a dead peer within ~45 s.
HEARTBEAT = 30.0


def pod_path(namespace: str, pod: str, sub: str) -> str:
    return (f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/"
            f"{quote(pod, safe='')}/{sub}")


def _session_for(api: Any) -> Any:
    """The official client's aiohttp session (created the way its first call would)."""
    rest = api.rest_client
    if rest.pool_manager is None:
        rest.pool_manager = rest._create_pool_manager()
    return rest.pool_manager


async def connect(
    client: ClusterClient,
    path: str,
    query: list[tuple[str, Any]],
    protocols: tuple[str, ...],
) -> Upgraded:
    """Upgrade ``GET path?query`` to a WebSocket offering ``protocols`` (most wanted
    first). Raises the typed ``KubeApiError`` of a refusal
    (status and message verbatim) or ``ClusterUnreachable``. Returns an :class:`Upgraded`
    whose ``protocol`` is the one the server chose (``None``: it chose none)."""
    import aiohttp

    api = client._api  # the cluster's kubernetes.aio ApiClient (see transport.Transport)
    cfg = api.configuration
    _, url, headers, _, _ = await api.param_serialize(
        "GET", path, query_params=query, header_params={}, auth_settings=["BearerToken"])
    shared = _session_for(api)
    refused: dict[str, Any] = {}

    async def on_end(_session: Any, _ctx: Any, params: Any) -> None:
        response = params.response
        if response.status != 101:
            try:
                refused["body"] = await response.read()
            except Exception:  # the status alone still says what happened
                refused["body"] = b""
            refused["reason"] = response.reason

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_end)
    connect_timeout = client.settings.connect_timeout
    session = aiohttp.ClientSession(
        connector=shared.connector, connector_owner=False, trust_env=True,
        trace_configs=[trace],
        timeout=aiohttp.ClientTimeout(total=None, connect=connect_timeout,
                                      sock_connect=connect_timeout, sock_read=None),
    )
    options: dict[str, Any] = {}
    if getattr(cfg, "tls_server_name", None):
        options["server_hostname"] = cfg.tls_server_name
    if getattr(cfg, "proxy", None):
        options["proxy"] = cfg.proxy
        if getattr(cfg, "proxy_headers", None):
            options["proxy_headers"] = cfg.proxy_headers
    try:
        try:
            async with asyncio.timeout(connect_timeout + client.settings.read_timeout):
                ws = await session.ws_connect(
                    url, protocols=protocols, headers=headers, heartbeat=HEARTBEAT,
                    autoclose=True, autoping=True, max_msg_size=0,
                    timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
                    **options)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 101:  # upgraded, but not to a WebSocket we can trust
                raise unreachable(client.name, exc, None) from exc
            raise http_error(exc.status, refused.get("reason") or exc.message,
                             refused.get("body") or b"", client.name) from exc
        except TimeoutError as exc:
            raise unreachable(client.name, exc, connect_timeout) from exc
        except Exception as exc:
            if is_transport_error(exc):
                raise unreachable(client.name, exc, connect_timeout) from exc
            raise
    except BaseException:
        await session.close()
        raise
    return Upgraded(ws, session)


class Upgraded:
    """An upgraded connection: ``ws`` (aiohttp's ``ClientWebSocketResponse``) and the
    session that wraps the shared connector for it."""

    def __init__(self, ws: Any, session: Any) -> None:
        self.ws = ws
        self.protocol: str | None = ws.protocol
        self._session = session

    async def close(self) -> None:
        """A close frame when the peer is still there; the shared connector stays open."""
        try:
            if not self.ws.closed:
                await self.ws.close()
        except Exception:  # the connection is gone already
            pass
        finally:
            await self._session.close()


__all__ = ["HEARTBEAT", "Upgraded", "connect", "pod_path"]

"""One emulated cluster: an aiohttp low-level server on 127.0.0.1 in front of the object
store, with bearer-token auth, fault injection and outages that close the listening socket
(clients get "connection refused") and later reopen the same port."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import socket
import ssl
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ccseone_tui.sandbox.api import Api, json_response
from ccseone_tui.sandbox.authn import (
    ADMIN,
    ANONYMOUS,
    USER_KEY,
    Attributes,
    User,
    admin_user,
    request_attributes,
    service_account_user,
)
from ccseone_tui.sandbox.controller import Controller
from ccseone_tui.sandbox.events import EventRecorder
from ccseone_tui.sandbox.faults import Faults
from ccseone_tui.sandbox.loggen import LogSource
from ccseone_tui.sandbox.logs import log_source
from ccseone_tui.sandbox.seed import seed
from ccseone_tui.sandbox.status import ApiError, status_body, unauthorized
from ccseone_tui.sandbox.store import ClusterState
from ccseone_tui.sandbox.tls import sandbox_tls
from ccseone_tui.sandbox.tokens import TokenAuthority
from ccseone_tui.sandbox.writes import Writes

log = logging.getLogger(__name__)
# Paths the real API server lets anyone read (system:public-info-viewer).
_PUBLIC = frozenset({"/version", "/healthz", "/readyz", "/livez",
                     # kubeadm lets anyone read it; `clusteradm join` reads the hub CA there
                     "/api/v1/namespaces/kube-public/configmaps/cluster-info"})
_REQUEST_LOG_CAP = 10_000


class _CountingServer(web.Server):
    """Counts the connections it accepts (with TLS: completed handshakes), so tests and
    benches can check that clients keep their connections alive."""

    def __init__(self, handler: Any, *, on_connect: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._on_connect = on_connect

    def connection_made(self, handler: Any, transport: Any) -> None:
        self._on_connect()
        super().connection_made(handler, transport)


class SandboxCluster:
    def __init__(
        self,
        name: str,
        *,
        version: str = "v1.30.2",
        nodes: int = 3,
        latency_ms: float = 0.0,
        log_rate: float = 5.0,
        token: str | None = None,
        port: int = 0,
        bookmark_interval: float = 60.0,
        system_workloads: bool = True,
        history_size: int = 500,
        max_events: int = 300,
        tls: bool = False,
    ) -> None:
        self.name = name
        self.tls = tls
        self.ca_pem: bytes | None = None  # set on start when tls
        self.version = version
        self.nodes = nodes
        self.token = token or secrets.token_hex(16)
        self.port = port
        self.bookmark_interval = bookmark_interval
        self.system_workloads = system_workloads
        self.faults = Faults(latency_ms=latency_ms, version=version, log_rate=log_rate,
                             seed=name)
        self.state = ClusterState(history_size=history_size)
        self.writes = Writes(self.state, random.Random(name))
        self.events = EventRecorder(self.state, name, max_events=max_events)
        self.controller = Controller(self.state, self.writes, self.faults, self.events)
        self.tokens = TokenAuthority(self.state)  # service-account tokens (TokenRequest)
        self.requests: list[tuple[str, str]] = []
        self.connections = 0  # accepted since start (TLS: handshakes), never reset
        self.outage = False
        self._outage_listeners: list[Callable[[bool], None]] = []
        # a silent network cut (see set_partition): set while the cluster is reachable
        self._reachable = asyncio.Event()
        self._reachable.set()
        # Plug-ins of the emulated OCM hub: extra credentials and a narrower authorizer.
        self.authenticators: list[Callable[[str], User | None]] = []
        self.authorizer: Callable[[User, Attributes], None] | None = None
        self._api = Api(self)
        self._runner: web.ServerRunner | None = None
        self._site: web.SockSite | None = None
        self._server: web.Server | None = None
        self._seeded = False
        self._ssl: ssl.SSLContext | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    # ---- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        if not self._seeded:
            seed(self.writes, self.name, self.nodes, self.version, self.system_workloads)
            self._seeded = True
        if self.tls:
            material = await sandbox_tls()
            self.ca_pem, self._ssl = material.ca_pem, material.context
        self._server = _CountingServer(self._handle, access_log=None,
                                       on_connect=self._connected)
        self._runner = web.ServerRunner(self._server, shutdown_timeout=1.0)
        await self._runner.setup()
        await self._listen()
        self.controller.start()

    async def _listen(self) -> None:
        assert self._runner is not None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._site = web.SockSite(self._runner, sock, backlog=512, ssl_context=self._ssl)
        await self._site.start()

    async def stop(self) -> None:
        await self.controller.stop()
        self.faults.drop_streams(abrupt=False)
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = self._server = None

    async def set_outage(self, down: bool) -> None:
        """Down: close the listening socket and cut open connections, so new requests get
        "connection refused". Up: listen again on the same port."""
        if down == self.outage:
            return
        self.outage = down
        if down:
            if self._site is not None:
                await self._site.stop()
                self._site = None
            self.faults.drop_streams(abrupt=True)
            if self._server is not None:
                for handler in self._server.connections:
                    transport = handler.transport
                    if transport is not None:
                        transport.abort()
        else:
            await self._listen()
        for listener in list(self._outage_listeners):
            listener(down)

    def set_partition(self, cut: bool) -> None:
        """A network cut without resets (a VPN down, a host gone): unlike an outage nothing
        is refused — connections open, requests hang unanswered and watch streams go quiet
        (no events, no bookmarks) until healed, when what was held goes out (to clients
        that usually left by then). Log streams are not held."""
        if cut:
            self._reachable.clear()
        else:
            self._reachable.set()

    @property
    def partitioned(self) -> bool:
        return not self._reachable.is_set()

    async def reachable(self) -> None:
        """Return once the cluster is not partitioned (at once when it is not)."""
        await self._reachable.wait()

    def log_source(self, namespace: str, pod: str, container: str | None = None) -> LogSource:
        """The deterministic log of a pod's container: ``line_time(n)``, ``render(n, t)``,
        ``count_at(t)``; tests use it to know when line n exists."""
        return log_source(self, namespace, pod, container)

    async def settle(self) -> None:
        """Wait until the controller has nothing left to do."""
        await self.controller.settle()

    async def __aenter__(self) -> SandboxCluster:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- request path ------------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if self.outage:  # a request that slipped in on a kept-alive connection
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=503)  # never sent: the connection is gone
        if not self._reachable.is_set():  # partitioned: the request is lost in the network
            await self._reachable.wait()
        self._record(request)
        faults = self.faults
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000.0)
        try:
            self._authenticate(request)
            if faults.throttle_next > 0:
                faults.throttle_next -= 1
                retry = max(0, int(faults.retry_after))
                raise ApiError(429, "TooManyRequests",
                               "Too many requests, please try again later.",
                               {"retryAfterSeconds": retry}, {"Retry-After": str(retry)})
            if faults.should_fail():
                raise ApiError(500, "InternalError",
                               "Internal error occurred: sandbox injected fault",
                               {"causes": [{"message": "sandbox injected fault"}]})
            return await self._api.handle(request)
        except ApiError as err:
            resp = json_response(err.body(), err.code)
            resp.headers.update(err.headers)
            return resp
        except ConnectionResetError:
            return web.Response(status=499)  # the client went away; nothing to send
        except Exception as exc:  # a bug in the emulator: answer like the API server would
            log.exception("sandbox %s: %s %s failed", self.name, request.method, request.path_qs)
            return json_response(status_body(500, "InternalError",
                                             f"Internal error occurred: {exc!r}"), 500)

    def _connected(self) -> None:
        self.connections += 1

    def _record(self, request: web.BaseRequest) -> None:
        self.requests.append((request.method, request.path_qs))
        if len(self.requests) > 2 * _REQUEST_LOG_CAP:
            del self.requests[:_REQUEST_LOG_CAP]

    def _authenticate(self, request: web.BaseRequest) -> None:
        """Leaves the caller's ``User`` on the request (CSRs record it as the requester)
        and applies the optional authorizer."""
        header = request.headers.get("Authorization", "")
        if not header and request.path in _PUBLIC:
            request[USER_KEY] = ANONYMOUS
            return
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer":
            raise unauthorized()
        # the admin token of the kubeconfig, a service-account token it minted, or a
        # credential a plugged-in authenticator (the OCM hub's signer) recognises
        user: User | None = None
        if secrets.compare_digest(token, self.token):
            user = admin_user()
        elif (subject := self.tokens.verify(token)) is not None:
            user = service_account_user(subject)
        else:
            for authenticate in self.authenticators:
                if (user := authenticate(token)) is not None:
                    break
        if user is None:
            raise unauthorized()
        request[USER_KEY] = user
        if self.authorizer is not None and user.name != ADMIN:
            attrs = request_attributes(self, request)
            if attrs is not None:
                self.authorizer(user, attrs)

    def on_outage(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(down)`` whenever the outage state changes (emulated agents
        running "on" this cluster stop and resume with it)."""
        self._outage_listeners.append(listener)

    def stats(self) -> dict[str, Any]:
        return {"resourceVersion": self.state.resource_version,
                "openStreams": self.faults.open_streams, "requests": len(self.requests),
                "connections": self.connections}


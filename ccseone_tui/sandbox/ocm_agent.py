"""The emulated klusterlet of one member cluster: the operator part (reacts to what
``clusteradm join`` creates on the member) and the registration agent (talks to the hub
over real HTTP with the bootstrap token, like the real agent does with client-go).

Operator: when the ``klusterlet`` Klusterlet exists it deploys ``klusterlet-registration-agent``
and ``klusterlet-work-agent`` in ``open-cluster-management-agent`` (honouring
``spec.nodePlacement``: a nodeSelector no node matches leaves the pods Pending and the agent
never starts, as on a real cluster) and, once the registration agent is available and the
``bootstrap-hub-kubeconfig`` Secret exists, runs a ``RegistrationAgent``. It restarts the agent
when the Klusterlet or the bootstrap Secret change, and stops it when the Klusterlet goes.

Agent: creates (or adopts) the ManagedCluster, files a CSR, waits (watches, no polling) for
the certificate and the hub's acceptance, then reports Joined/Available, version, capacity,
allocatable and cluster claims, renews ``managed-cluster-lease`` every leaseDurationSeconds,
and reflects all of it in the Klusterlet's HubConnectionDegraded condition. It stops while
its member is in an outage (the agent runs there) and heartbeats at once when it returns.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import shutil
import ssl
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import yaml

from ccseone_tui.sandbox import conditions as cond
from ccseone_tui.sandbox.clock import OffsetClock, rfc3339_micro
from ccseone_tui.sandbox.ocm_hub import (
    AGENT_LABEL,
    AVAILABLE,
    CLIENT_SIGNER,
    CLUSTER_LABEL,
    HUB_ACCEPTED,
    JOINED,
    LEASE_DURATION,
    LEASE_NAME,
    token_of_certificate,
)
from ccseone_tui.sandbox.ocm_kinds import (
    CLUSTER_CLAIMS,
    KLUSTERLETS,
    MANAGED_CLUSTERS,
    MEMBER_KINDS,
    install,
)
from ccseone_tui.sandbox.ocm_work import WorkAgent
from ccseone_tui.sandbox.resources import APPS, CORE
from ccseone_tui.sandbox.status import ApiError
from ccseone_tui.sandbox.store import Change

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

log = logging.getLogger(__name__)
Obj = dict[str, Any]
NAMESPACES, SECRETS, NODES = CORE["namespaces"], CORE["secrets"], CORE["nodes"]
DEPLOYMENTS = APPS["deployments"]
KL = KLUSTERLETS.type()
CLAIMS = CLUSTER_CLAIMS.type()
AGENT_NAMESPACE = "open-cluster-management-agent"
KLUSTERLET_NAME = "klusterlet"
BOOTSTRAP_SECRET = "bootstrap-hub-kubeconfig"
HUB_SECRET = "hub-kubeconfig-secret"
REGISTRATION_AGENT = "klusterlet-registration-agent"
WORK_AGENT = "klusterlet-work-agent"
HUB_DEGRADED = "HubConnectionDegraded"
_MC_PATH = f"/apis/{MANAGED_CLUSTERS.group}/v1/managedclusters"
_CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
_RESERVED_CLAIMS = ("id.k8s.io", "kubeversion.open-cluster-management.io",
                    "platform.open-cluster-management.io", "product.open-cluster-management.io")
_SPOKE_ONLY = "open-cluster-management.io/spoke-only"
_BACKOFF = 1.0  # seconds between attempts while the hub cannot be reached


class HubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class AgentStopped(Exception):
    pass


class Hub:
    """A bearer-token HTTP client of the hub API (what the agent's kubeconfig reaches)."""

    def __init__(self, server: str, token: str, ca_pem: bytes | None) -> None:
        self.server = server.rstrip("/")
        self.token = token
        ssl_ctx: ssl.SSLContext | bool = False
        if server.startswith("https"):
            ssl_ctx = ssl.create_default_context(cadata=ca_pem.decode()) if ca_pem else False
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl_ctx))

    async def close(self) -> None:
        await self._session.close()

    async def call(self, method: str, path: str, body: Any = None,
                   content_type: str = "application/json") -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "User-Agent": "registration-agent/v1.0.0"}
        data = None
        if body is not None:
            headers["Content-Type"] = content_type
            data = json.dumps(body)
        async with self._session.request(method, self.server + path, data=data,
                                         headers=headers) as r:
            raw = await r.read()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw.decode(errors="replace")
        return r.status, doc

    async def ok(self, method: str, path: str, body: Any = None,
                 content_type: str = "application/json") -> Any:
        status, doc = await self.call(method, path, body, content_type)
        if status >= 400:
            message = doc.get("message", "") if isinstance(doc, dict) else str(doc)
            raise HubError(status, message or f"HTTP {status}")
        return doc

    async def watch(self, path: str, field_name: str,
                    done: Callable[[str, Obj], bool]) -> Obj | None:
        """List-then-watch one object by name until ``done(type, obj)``; returns that obj
        (None when it was deleted and ``done`` accepted that)."""
        while True:
            listing = await self.ok("GET", f"{path}?fieldSelector=metadata.name%3D{field_name}")
            for item in listing.get("items") or []:
                if done("ADDED", item):
                    return item
            rv = (listing.get("metadata") or {}).get("resourceVersion", "")
            url = (f"{self.server}{path}?watch=true&fieldSelector=metadata.name%3D{field_name}"
                   f"&resourceVersion={rv}&timeoutSeconds=300")
            headers = {"Authorization": f"Bearer {self.token}"}
            async with self._session.get(url, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=None)) as r:
                if r.status >= 400:
                    raise HubError(r.status, (await r.text())[:200])
                async for line in r.content:
                    if not line.strip():
                        continue
                    event = json.loads(line)
                    if event.get("type") == "ERROR":
                        break  # 410 Expired: list again
                    obj = event.get("object") or {}
                    if done(event.get("type", ""), obj):
                        return None if event.get("type") == "DELETED" else obj


def _kubeconfig_parts(text: str) -> tuple[str, str, bytes | None]:
    """(server, token, CA) of the current context of a kubeconfig document."""
    doc = yaml.safe_load(text) or {}
    ctx_name = doc.get("current-context") or ""
    contexts = {c["name"]: c.get("context") or {} for c in doc.get("contexts") or []}
    ctx = contexts.get(ctx_name) or next(iter(contexts.values()), {})
    clusters = {c["name"]: c.get("cluster") or {} for c in doc.get("clusters") or []}
    users = {u["name"]: u.get("user") or {} for u in doc.get("users") or []}
    cluster = clusters.get(ctx.get("cluster", "")) or next(iter(clusters.values()), {})
    user = users.get(ctx.get("user", "")) or next(iter(users.values()), {})
    ca = cluster.get("certificate-authority-data")
    return (str(cluster.get("server", "")), str(user.get("token", "")),
            base64.b64decode(ca) if ca else None)


async def _csr_request(cluster: str, agent: str) -> str:
    """A real PKCS#10 request for the agent's subject (made with openssl when it exists),
    base64 as CSR.spec.request holds it."""
    subject = (f"/O=system:open-cluster-management:{cluster}"
               f"/O=system:open-cluster-management:managed-clusters"
               f"/CN=system:open-cluster-management:{cluster}:{agent}")
    if shutil.which("openssl"):
        with tempfile.TemporaryDirectory(prefix="ccseone-ocm-csr-") as tmp:
            proc = await asyncio.create_subprocess_exec(
                "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(Path(tmp) / "key"),
                "-subj", subject, "-config", "/dev/null",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
            out, _ = await proc.communicate()
            if proc.returncode == 0 and out:
                return base64.b64encode(out).decode()
    pem = ("-----BEGIN CERTIFICATE REQUEST-----\n"
           + base64.b64encode(subject.encode()).decode()
           + "\n-----END CERTIFICATE REQUEST-----\n")
    return base64.b64encode(pem.encode()).decode()


def _quantity_ki(text: str) -> int:
    units = {"Ki": 1, "Mi": 1024, "Gi": 1024 ** 2}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return int(text[: -len(suffix)]) * factor
    return int(text) // 1024


class RegistrationAgent:
    """One run of the registration agent for ``cluster_name`` on ``member``."""

    def __init__(self, member: SandboxCluster, clock: OffsetClock, cluster_name: str,
                 bootstrap_kubeconfig: str, klusterlet: Obj) -> None:
        self.member = member
        self.clock = clock
        self.cluster_name = cluster_name
        self.bootstrap_kubeconfig = bootstrap_kubeconfig
        self.klusterlet = klusterlet
        self.phase = "Starting"
        self.message = ""
        self.agent_name = member.writes.random_suffix(8)
        self.lease_duration = LEASE_DURATION
        self._hub: Hub | None = None
        self._changed = asyncio.Condition()
        self._tick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._beat_lock = asyncio.Lock()
        self._ca: bytes | None = None
        # the work agent runs beside it once the hub credential works (sandbox/ocm_work.py)
        self.work_agent: WorkAgent | None = None

    # ---- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"ocm-agent-{self.cluster_name}")

    async def stop(self) -> None:
        if self.work_agent is not None:
            await self.work_agent.stop()
            self.work_agent = None
        for task in (self._watch_task, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._hub is not None:
            await self._hub.close()
            self._hub = None

    async def wait_for(self, *phases: str) -> str:
        """Wait until the agent reaches one of ``phases`` (returns it)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.phase in phases)
            return self.phase

    async def _set_phase(self, phase: str, message: str = "") -> None:
        self.phase, self.message = phase, message
        async with self._changed:
            self._changed.notify_all()

    # ---- the Klusterlet's view -----------------------------------------------------------
    def _klusterlet_condition(self, status: str, reason: str, message: str) -> None:
        current = self.member.state.get(KL.key, "", KLUSTERLET_NAME)
        if current is None:
            return
        st = dict(current.get("status") or {})
        st["conditions"] = cond.set_condition(st.get("conditions"), HUB_DEGRADED, status, reason,
                                              message, current["metadata"].get("generation"))
        self.member.writes.set_status(KL, current, st)

    def _hub_secret_message(self) -> str:
        return (f'Failed to get hub kubeconfig secret "{AGENT_NAMESPACE}" "{HUB_SECRET}": '
                f'secrets "{HUB_SECRET}" not found')

    # ---- the run -------------------------------------------------------------------------
    async def _run(self) -> None:
        try:
            await self._register()
        except asyncio.CancelledError:
            raise
        except AgentStopped:
            return
        except Exception as exc:  # a bug or an unexpected answer: say so on the Klusterlet
            log.exception("ocm agent %s failed", self.cluster_name)
            await self._set_phase("Failed", str(exc))

    async def _paused(self) -> None:
        """Block while the member is down: the agent runs there."""
        while self.member.outage:
            self._tick.clear()
            await self._tick.wait()

    async def _register(self) -> None:
        server, bootstrap_token, ca = _kubeconfig_parts(self.bootstrap_kubeconfig)
        existing = self.member.state.get(SECRETS.key, AGENT_NAMESPACE, HUB_SECRET)
        hub_token = None
        if existing is not None:
            data = existing.get("data") or {}
            if base64.b64decode(data.get("cluster-name", "")).decode() == self.cluster_name:
                _, hub_token, _ = _kubeconfig_parts(
                    base64.b64decode(data.get("kubeconfig", "")).decode())
                self.agent_name = base64.b64decode(data.get("agent-name", "")).decode() or \
                    self.agent_name
        self._hub = hub = Hub(server, bootstrap_token, ca)
        if hub_token:
            hub.token = hub_token
            status, _ = await hub.call("GET", f"{_MC_PATH}/{self.cluster_name}")
            if status == 200:
                await self._joined_loop(server, ca)
                return
            hub.token = bootstrap_token  # the old credential no longer works: bootstrap again
        await self._bootstrap(hub)
        await self._joined_loop(server, ca)

    async def _bootstrap(self, hub: Hub) -> None:
        await self._set_phase("Bootstrapping")
        prefix = (f'Failed to create SelfSubjectAccessReview with bootstrap secret '
                  f'"{AGENT_NAMESPACE}" "{BOOTSTRAP_SECRET}"')
        while True:
            await self._paused()
            try:
                status, doc = await hub.call("GET", f"{_MC_PATH}/{self.cluster_name}")
                break
            except aiohttp.ClientError as exc:
                self._klusterlet_condition(
                    "True", "BootstrapSecretError,HubKubeConfigSecretMissing",
                    f"{prefix}: {exc}\n{self._hub_secret_message()}")
                await asyncio.sleep(_BACKOFF)
        if status not in (200, 404):
            message = doc.get("message", "") if isinstance(doc, dict) else str(doc)
            reason = "BootstrapSecretError" if status == 401 else "BootstrapSecretUnauthorized"
            self._klusterlet_condition("True", f"{reason},HubKubeConfigSecretMissing",
                                       f"{prefix}: {message}\n{self._hub_secret_message()}")
            await self._set_phase("Failed", message)
            raise AgentStopped
        if status == 404:
            await hub.ok("POST", _MC_PATH, self._new_cluster())
        csr = await hub.ok("POST", _CSR_PATH, {
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
            "metadata": {"generateName": f"{self.cluster_name}-",
                         "labels": {CLUSTER_LABEL: self.cluster_name,
                                    AGENT_LABEL: self.agent_name}},
            "spec": {"request": await _csr_request(self.cluster_name, self.agent_name),
                     "signerName": CLIENT_SIGNER,
                     "usages": ["digital signature", "key encipherment", "client auth"],
                     "expirationSeconds": 31536000},
        })
        name = csr["metadata"]["name"]
        self._klusterlet_condition(
            "True", "BootstrapSecretFunctional,HubKubeConfigSecretMissing",
            f"Bootstrap secret {AGENT_NAMESPACE}/{BOOTSTRAP_SECRET} to apiserver {hub.server} is "
            f"configured correctly; CSR {name} is waiting for approval\n"
            + self._hub_secret_message())
        await self._set_phase("WaitingForApproval", name)

        def issued(_type: str, obj: Obj) -> bool:
            return bool((obj.get("status") or {}).get("certificate"))

        done = await hub.watch(_CSR_PATH, name, issued)
        token = token_of_certificate(((done or {}).get("status") or {}).get("certificate", ""))
        if not token:
            await self._set_phase("Failed", "the hub issued a certificate the agent cannot use")
            raise AgentStopped
        hub.token = token
        self._write_hub_secret(hub.server, token)

    def _new_cluster(self) -> Obj:
        spec = self.klusterlet.get("spec") or {}
        annotations = ((spec.get("registrationConfiguration") or {}).get("clusterAnnotations")
                       or {})
        meta: Obj = {"name": self.cluster_name}
        if annotations:
            meta["annotations"] = dict(annotations)
        return {"apiVersion": MANAGED_CLUSTERS.group + "/v1", "kind": "ManagedCluster",
                "metadata": meta,
                "spec": {"hubAcceptsClient": False, "leaseDurationSeconds": LEASE_DURATION,
                         "managedClusterClientConfigs": [self._client_config()]}}

    def _client_config(self) -> Obj:
        entry: Obj = {"url": self.member.url}
        if self.member.ca_pem:
            entry["caBundle"] = base64.b64encode(self.member.ca_pem).decode()
        return entry

    def _write_hub_secret(self, server: str, token: str) -> None:
        kubeconfig = yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "default-context",
            "clusters": [{"name": "default-cluster", "cluster": {"server": server}}],
            "users": [{"name": "default-auth", "user": {"token": token}}],
            "contexts": [{"name": "default-context",
                          "context": {"cluster": "default-cluster", "user": "default-auth",
                                      "namespace": "configuration"}}],
        }, sort_keys=False)

        def b64(text: str) -> str:
            return base64.b64encode(text.encode()).decode()

        data = {"kubeconfig": b64(kubeconfig), "cluster-name": b64(self.cluster_name),
                "agent-name": b64(self.agent_name)}
        w, state = self.member.writes, self.member.state
        old = state.get(SECRETS.key, AGENT_NAMESPACE, HUB_SECRET)
        if old is None:
            w.create(SECRETS, AGENT_NAMESPACE, {"metadata": {"name": HUB_SECRET},
                                                "type": "Opaque", "data": data}, None)
        else:
            w.update(SECRETS, AGENT_NAMESPACE, HUB_SECRET, {**old, "data": data}, None)

    # ---- after the certificate -------------------------------------------------------------
    async def _joined_loop(self, server: str, ca: bytes | None) -> None:
        hub = self._hub
        assert hub is not None
        self._ca = ca
        self._klusterlet_condition(
            "True", "HubKubeConfigUnauthorized",
            f"Operation for resource managedclusters/status is not allowed with hub config "
            f"secret {AGENT_NAMESPACE}/{HUB_SECRET} to apiserver {server}: the cluster is not "
            "accepted by the hub yet")
        await self._set_phase("WaitingForAcceptance")
        self._watch_task = asyncio.get_running_loop().create_task(self._watch_cluster(hub))
        while True:
            await self._paused()
            await self.heartbeat()
            self._tick.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.lease_duration):
                    await self._tick.wait()

    async def _watch_cluster(self, hub: Hub) -> None:
        """Follows the hub's ManagedCluster: acceptance, denial, deletion."""
        def seen(type_: str, obj: Obj) -> bool:
            if type_ == "DELETED":
                return True
            self._tick.set()
            return False

        while True:
            try:
                await hub.watch(_MC_PATH, self.cluster_name, seen)
                break  # deleted
            except (aiohttp.ClientError, HubError):
                await asyncio.sleep(_BACKOFF)
        await self._set_phase("Deleted", f"managed cluster {self.cluster_name} was deleted "
                              "on the hub")
        self._klusterlet_condition("True", "ManagedClusterDeleted",
                                   f"The managed cluster {self.cluster_name} was deleted on the "
                                   "hub; the registration agent stopped")
        if self._task is not None:
            self._task.cancel()

    def wake(self) -> None:
        self._tick.set()

    async def heartbeat(self) -> None:
        """One sync: acceptance check, status report and lease renewal (nothing while the
        member is down or before the agent holds a hub credential)."""
        if self.member.outage or self.phase not in (
                "WaitingForAcceptance", "Available", "Denied") or self._hub is None:
            return
        async with self._beat_lock:
            try:
                await self._sync(self._hub)
            except HubError as exc:
                if exc.status == 404:
                    return  # deleted: the watch stops the agent
                if exc.status in (401, 403):
                    await self._denied(exc.message)
                    return
                raise
            except aiohttp.ClientError:
                return  # the hub is unreachable; the next tick retries

    async def _denied(self, message: str) -> None:
        await self._set_phase("Denied", message)
        self._klusterlet_condition("True", "HubKubeConfigUnauthorized", message)

    async def _sync(self, hub: Hub) -> None:
        mc = await hub.ok("GET", f"{_MC_PATH}/{self.cluster_name}")
        spec = mc.get("spec") or {}
        self.lease_duration = int(spec.get("leaseDurationSeconds") or LEASE_DURATION)
        conditions = (mc.get("status") or {}).get("conditions") or []
        if not (spec.get("hubAcceptsClient") and cond.is_true(conditions, HUB_ACCEPTED)):
            if cond.find(conditions, HUB_ACCEPTED) is not None:
                await self._denied(f"managed cluster {self.cluster_name} is denied by the hub")
            return
        configs = spec.get("managedClusterClientConfigs") or []
        if not any(c.get("url") == self.member.url for c in configs):
            await hub.ok("PATCH", f"{_MC_PATH}/{self.cluster_name}",
                         {"spec": {"managedClusterClientConfigs": [self._client_config()]}},
                         "application/merge-patch+json")
        status = dict(mc.get("status") or {})
        new = self._status(status)
        if new != status:
            await hub.ok("PATCH", f"{_MC_PATH}/{self.cluster_name}/status", {"status": new},
                         "application/merge-patch+json")
        await self._renew_lease(hub)
        if self.phase != "Available":
            self._klusterlet_condition(
                "False", "HubConnectionFunctional",
                f"Hub kubeconfig secret {AGENT_NAMESPACE}/{HUB_SECRET} to apiserver "
                f"{hub.server} is working")
            if self.work_agent is None:
                self.work_agent = WorkAgent(self.member, self.cluster_name, hub.server,
                                            hub.token, self._ca)
                self.work_agent.start()
            await self._set_phase("Available")

    def _status(self, status: Obj) -> Obj:
        conditions = cond.set_condition(status.get("conditions"), JOINED, "True",
                                        "ManagedClusterJoined", "Managed cluster joined")
        conditions = cond.set_condition(conditions, AVAILABLE, "True", "ManagedClusterAvailable",
                                        "Managed cluster is available")
        capacity, allocatable = self._resources()
        return {**status, "conditions": conditions,
                "version": {"kubernetes": self.member.faults.version},
                "capacity": capacity, "allocatable": allocatable,
                "clusterClaims": self._claims()}

    def _resources(self) -> tuple[Obj, Obj]:
        totals: list[dict[str, int]] = [{}, {}]
        for node in self.member.state.list(NODES.key):
            st = node.get("status") or {}
            for i, part in enumerate(("capacity", "allocatable")):
                values = st.get(part) or {}
                for key in ("cpu", "pods"):
                    if key in values:
                        totals[i][key] = totals[i].get(key, 0) + int(values[key])
                if "memory" in values:
                    totals[i]["memory"] = totals[i].get("memory", 0) + _quantity_ki(
                        str(values["memory"]))
        out = []
        for t in totals:
            d: Obj = {k: str(v) for k, v in t.items() if k != "memory"}
            if "memory" in t:
                d["memory"] = f"{t['memory']}Ki"
            out.append(d)
        return out[0], out[1]

    def _claims(self) -> list[Obj]:
        state, w = self.member.state, self.member.writes
        if state.get(CLAIMS.key, "", "id.k8s.io") is None:
            with contextlib.suppress(ApiError):
                w.create(CLAIMS, "", {"metadata": {"name": "id.k8s.io"},
                                      "spec": {"value": self.cluster_name}}, None)
        claims = {c["metadata"]["name"]: str((c.get("spec") or {}).get("value", ""))
                  for c in state.list(CLAIMS.key)
                  if _SPOKE_ONLY not in (c["metadata"].get("labels") or {})}
        reserved = sorted(n for n in claims if n in _RESERVED_CLAIMS)
        custom = sorted(n for n in claims if n not in _RESERVED_CLAIMS)
        return [{"name": n, "value": claims[n]} for n in reserved + custom]

    async def _renew_lease(self, hub: Hub) -> None:
        path = (f"/apis/coordination.k8s.io/v1/namespaces/{self.cluster_name}/leases/"
                f"{LEASE_NAME}")
        renew = {"spec": {"renewTime": rfc3339_micro(self.clock.now())}}
        status, _ = await hub.call("PATCH", path, renew, "application/merge-patch+json")
        if status == 404:
            await hub.ok("POST", path.rsplit("/", 1)[0], {
                "metadata": {"name": LEASE_NAME, "labels": {CLUSTER_LABEL: self.cluster_name}},
                "spec": {"holderIdentity": LEASE_NAME, **renew["spec"]}})
        elif status >= 400:
            raise HubError(status, f"renewing lease failed: HTTP {status}")


class KlusterletOperator:
    """The member-side watcher: Klusterlet + bootstrap Secret → agent Deployments and a
    running ``RegistrationAgent``."""

    def __init__(self, member: SandboxCluster, clock: OffsetClock) -> None:
        self.member = member
        self.clock = clock
        self.agent: RegistrationAgent | None = None
        self._config: tuple[str, str] | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._returned: set[asyncio.Task[None]] = set()
        self._agent_changed = asyncio.Condition()

    def setup(self) -> None:
        install(self.member.writes, MEMBER_KINDS)
        self.member.state.add_listener(self._on_change)
        self.member.on_outage(self._on_outage)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"klusterlet-{self.member.name}")
        self._mark()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._returned):
            task.cancel()
        await self._stop_agent()

    async def settle(self) -> None:
        await self._idle.wait()

    async def wait_agent(self) -> RegistrationAgent:
        """The running agent, once the operator has started one."""
        async with self._agent_changed:
            await self._agent_changed.wait_for(lambda: self.agent is not None)
        assert self.agent is not None
        return self.agent

    async def heartbeat(self) -> None:
        if self.agent is not None:
            await self.agent.heartbeat()

    def _mark(self) -> None:
        self._idle.clear()
        self._wake.set()

    def _on_change(self, c: Change) -> None:
        meta = c.obj["metadata"]
        if c.key == KL.key or (meta.get("namespace") == AGENT_NAMESPACE and c.key in (
                SECRETS.key, DEPLOYMENTS.key)) or (c.key == NAMESPACES.key
                                                    and meta["name"] == AGENT_NAMESPACE):
            if not (c.key == SECRETS.key and meta["name"] == HUB_SECRET):
                self._mark()
        elif c.key in (CLAIMS.key, NODES.key) and self.agent is not None:
            self.agent.wake()  # report the new claims / capacity

    def _on_outage(self, down: bool) -> None:
        if self.agent is None:
            return
        self.agent.wake()  # un-pauses a paused agent; a running one syncs at once
        if not down:
            task = asyncio.get_running_loop().create_task(self.agent.heartbeat())
            self._returned.add(task)
            task.add_done_callback(self._returned.discard)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._sync()
            except ApiError:
                self._wake.set()  # raced with a client write; look again
                await asyncio.sleep(0)
            if not self._wake.is_set():
                self._idle.set()

    async def _stop_agent(self) -> None:
        if self.agent is not None:
            await self.agent.stop()
            self.agent = None
            self._config = None

    async def _sync(self) -> None:
        state, w = self.member.state, self.member.writes
        kl = state.get(KL.key, "", KLUSTERLET_NAME)
        if kl is None or kl["metadata"].get("deletionTimestamp"):
            await self._stop_agent()
            return
        if state.get(NAMESPACES.key, "", AGENT_NAMESPACE) is None:
            w.create(NAMESPACES, "", {"metadata": {"name": AGENT_NAMESPACE}}, None)
        spec = kl.get("spec") or {}
        available = all(self._ensure_deployment(name, image, spec)
                        for name, image in ((REGISTRATION_AGENT, "registrationImagePullSpec"),
                                            (WORK_AGENT, "workImagePullSpec")))
        self._klusterlet_status(kl, available)
        secret = state.get(SECRETS.key, AGENT_NAMESPACE, BOOTSTRAP_SECRET)
        kubeconfig = base64.b64decode(((secret or {}).get("data") or {}).get(
            "kubeconfig", "")).decode() if secret else ""
        cluster_name = str(spec.get("clusterName") or "")
        if not available or not kubeconfig or not cluster_name:
            await self._stop_agent()
            if not kubeconfig:
                self._degraded(kl, "BootstrapSecretMissing,HubKubeConfigSecretMissing",
                               f'Failed to get bootstrap secret "{AGENT_NAMESPACE}" '
                               f'"{BOOTSTRAP_SECRET}": secrets "{BOOTSTRAP_SECRET}" not found')
            return
        config = (cluster_name, kubeconfig)
        if config == self._config and self.agent is not None:
            return
        await self._stop_agent()
        self._config = config
        self.agent = RegistrationAgent(self.member, self.clock, cluster_name, kubeconfig, kl)
        self.agent.start()
        async with self._agent_changed:
            self._agent_changed.notify_all()

    def _degraded(self, kl: Obj, reason: str, message: str) -> None:
        current = self.member.state.get(KL.key, "", KLUSTERLET_NAME) or kl
        st = dict(current.get("status") or {})
        st["conditions"] = cond.set_condition(st.get("conditions"), HUB_DEGRADED, "True", reason,
                                              message, current["metadata"].get("generation"))
        self.member.writes.set_status(KL, current, st)

    def _ensure_deployment(self, name: str, image_field: str, spec: Obj) -> bool:
        """Create/update one agent Deployment; True when it has an available replica."""
        state, w = self.member.state, self.member.writes
        placement = spec.get("nodePlacement") or {}
        labels = {"app": name}
        pod_spec: Obj = {"containers": [{
            "name": name.replace("klusterlet-", ""),
            "image": spec.get(image_field) or "quay.io/open-cluster-management/registration",
            "args": ["/registration" if "registration" in name else "/work", "agent",
                     f"--cluster-name={spec.get('clusterName', '')}"],
        }], "serviceAccountName": f"{name}-sa"}
        if placement.get("nodeSelector"):
            pod_spec["nodeSelector"] = dict(placement["nodeSelector"])
        if placement.get("tolerations"):
            pod_spec["tolerations"] = list(placement["tolerations"])
        body = {"metadata": {"name": name, "labels": labels},
                "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                         "template": {"metadata": {"labels": labels}, "spec": pod_spec}}}
        old = state.get(DEPLOYMENTS.key, AGENT_NAMESPACE, name)
        if old is None:
            w.create(DEPLOYMENTS, AGENT_NAMESPACE, body, None)
            return False
        template = ((old.get("spec") or {}).get("template") or {}).get("spec") or {}
        if template.get("nodeSelector") != pod_spec.get("nodeSelector") or template.get(
                "tolerations") != pod_spec.get("tolerations"):
            w.patch(DEPLOYMENTS, AGENT_NAMESPACE, name, "application/merge-patch+json",
                    {"spec": {"template": {"spec": {
                        "nodeSelector": pod_spec.get("nodeSelector"),
                        "tolerations": pod_spec.get("tolerations")}}}}, None)
            return False
        return int((old.get("status") or {}).get("availableReplicas") or 0) > 0

    def _klusterlet_status(self, kl: Obj, available: bool) -> None:
        gen = kl["metadata"].get("generation")
        st = dict(kl.get("status") or {})
        conds = cond.set_condition(st.get("conditions"), "Applied", "True", "KlusterletApplied",
                                   "Klusterlet Component Applied", gen)
        for type_ in ("RegistrationDesiredDegraded", "WorkDesiredDegraded"):
            conds = cond.set_condition(
                conds, type_, "False" if available else "True",
                "DeploymentsFunctional" if available else "UnavailablePods",
                "deployments are ready" if available else
                "deployments are not ready: 0/1 pods available", gen)
        conds = cond.set_condition(conds, "Available", "True" if available else "False",
                                   "KlusterletAvailable" if available else "NoAvailablePods",
                                   "All components are available" if available else
                                   "agent pods are not available", gen)
        st["conditions"] = conds
        st["observedGeneration"] = gen
        self.member.writes.set_status(KL, kl, st)

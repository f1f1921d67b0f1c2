"""An emulated Open Cluster Management hub on top of one sandbox cluster.

What ``clusteradm init`` leaves on a hub (namespaces, the bootstrap service account, the
ClusterManager and its controllers' Deployments, the default cluster sets) plus the hub
side of registration, as the real registration controller does it:

* ManagedCluster with ``spec.hubAcceptsClient: true`` → its namespace, the
  ``api-resource-cleanup`` finalizer, condition ``HubAcceptedManagedCluster`` True
  (HubClusterAdminAccepted) and the ``managed-cluster-lease`` Lease; back to false →
  False (HubClusterAdminDenied) and the agent's credential loses its rights (403).
* An approved CSR for ``kubernetes.io/kube-apiserver-client`` gets ``status.certificate``.
  Emulated signer: the "certificate" is a PEM block whose body is a hub bearer token for
  ``system:open-cluster-management:<cluster>:<agent>`` (no x509 here; agents use it as
  their hub credential, clients only check that it is set).
* Lease watchdog: a cluster whose lease was not renewed within 5 × leaseDurationSeconds gets
  ``ManagedClusterConditionAvailable`` Unknown (ManagedClusterLeaseUpdateStopped).
  ``check_leases()`` runs one pass; ``advance(seconds)`` moves the shared clock, lets live
  agents heartbeat, then runs a pass: tests await it instead of sleeping.
* Kubernetes Events about ManagedClusters and CSRs (in the cluster's namespace once it
  exists, else in open-cluster-management-hub), for instance logs to follow.
* Optional managed-serviceaccount addon: ManagedClusterAddOn per accepted cluster and, for
  each ManagedServiceAccount, the member's token projected into a hub Secret of that name.

RBAC is emulated by an authorizer on the hub cluster: the bootstrap service account may only
create/read CSRs and ManagedClusters; an agent may read its ManagedCluster and CSRs and, while
accepted, write its cluster's status and anything in its cluster namespace.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import yaml

from ccseone_tui.sandbox import conditions as cond
from ccseone_tui.sandbox.authn import Attributes, User, forbidden_for
from ccseone_tui.sandbox.clock import OffsetClock, parse_rfc3339, rfc3339, rfc3339_micro
from ccseone_tui.sandbox.ocm_kinds import (
    CLUSTER_MANAGEMENT_ADDONS,
    CLUSTER_MANAGERS,
    HUB_KINDS,
    MANAGED_CLUSTER_ADDONS,
    MANAGED_CLUSTER_SETS,
    MANAGED_CLUSTERS,
    MANAGED_SERVICE_ACCOUNTS,
    install,
)
from ccseone_tui.sandbox.resources import APPS, CORE, CSRS, LEASES
from ccseone_tui.sandbox.status import ApiError
from ccseone_tui.sandbox.store import Change

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

Obj = dict[str, Any]
NAMESPACES, SECRETS, SERVICEACCOUNTS, CONFIGMAPS = (
    CORE["namespaces"], CORE["secrets"], CORE["serviceaccounts"], CORE["configmaps"])
MC = MANAGED_CLUSTERS.type()
MCA = MANAGED_CLUSTER_ADDONS.type()
MSA = MANAGED_SERVICE_ACCOUNTS.type()

OCM_NAMESPACE = "open-cluster-management"
HUB_NAMESPACE = "open-cluster-management-hub"
BOOTSTRAP_SA = "agent-registration-bootstrap"
BOOTSTRAP_USER = f"system:serviceaccount:{OCM_NAMESPACE}:{BOOTSTRAP_SA}"
CLUSTER_LABEL = "open-cluster-management.io/cluster-name"
AGENT_LABEL = "open-cluster-management.io/agent-name"
AGENT_PREFIX = "system:open-cluster-management:"
CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client"
FINALIZER = "cluster.open-cluster-management.io/api-resource-cleanup"
LEASE_NAME = "managed-cluster-lease"
LEASE_DURATION = 60  # ManagedCluster.spec.leaseDurationSeconds default
GRACE_TIMES = 5  # the hub allows 5 missed renewals
MSA_ADDON = "managed-serviceaccount"
MSA_ADDON_NAMESPACE = "open-cluster-management-agent-addon"
MSA_LABEL = "authentication.open-cluster-management.io/is-managed-serviceaccount"
HUB_ACCEPTED = "HubAcceptedManagedCluster"
JOINED = "ManagedClusterJoined"
AVAILABLE = "ManagedClusterConditionAvailable"
_COMPONENT = "registration-controller"
MANIFEST_LIMIT = 500 * 1024  # bytes of a ManifestWork's manifests the webhook accepts
_HUB_DEPLOYMENTS = (
    ("cluster-manager-registration-controller", "registration"),
    ("cluster-manager-registration-webhook", "registration"),
    ("cluster-manager-work-webhook", "work"),
    ("cluster-manager-placement-controller", "placement"),
)


def admit_manifest_work(rt: Any, obj: Obj) -> None:
    """What the hub's work webhook checks on a ManifestWork: its manifests together stay
    under 500 KiB (etcd holds the work whole) — the same refusal and message."""
    if rt.kind != "ManifestWork":
        return
    manifests = ((obj.get("spec") or {}).get("workload") or {}).get("manifests") or []
    size = sum(len(json.dumps(m, separators=(",", ":"))) for m in manifests)
    if size > MANIFEST_LIMIT:
        name = (obj.get("metadata") or {}).get("name", "")
        raise ApiError(400, "BadRequest", (
            f'admission webhook "manifestworkvalidators.admission.work.open-cluster-management'
            f'.io" denied the request: the size of manifests is {size} bytes which exceeds '
            f"the {MANIFEST_LIMIT} limit"), {"name": name, "kind": "ManifestWork",
                                            "group": "work.open-cluster-management.io"})


def lease_grace(cluster: Obj) -> float:
    seconds = int((cluster.get("spec") or {}).get("leaseDurationSeconds") or 0)
    return GRACE_TIMES * (seconds or LEASE_DURATION)


def certificate_for(token: str) -> str:
    """The emulated signer's "certificate": base64 of a PEM block carrying the token."""
    pem = ("-----BEGIN CERTIFICATE-----\n"
           + base64.b64encode(f"ccseone-sandbox-ocm-token:{token}".encode()).decode()
           + "\n-----END CERTIFICATE-----\n")
    return base64.b64encode(pem.encode()).decode()


def token_of_certificate(certificate_b64: str) -> str | None:
    """The hub token inside an emulated certificate (``status.certificate``)."""
    try:
        pem = base64.b64decode(certificate_b64).decode()
        body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
        text = base64.b64decode(body).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    prefix = "ccseone-sandbox-ocm-token:"
    return text[len(prefix):] if text.startswith(prefix) else None


class OcmHub:
    """The hub emulation of ``cluster`` (call ``setup()`` once the cluster is started).

    ``resolve_member(url)`` finds the sandbox cluster a ManagedCluster's client config URL
    points at (the managed-serviceaccount addon's agent runs there)."""

    def __init__(
        self,
        cluster: SandboxCluster,
        *,
        clock: OffsetClock | None = None,
        ocm_version: str = "v1.0.0",
        watchdog_interval: float = 5.0,
        managed_serviceaccount: bool = False,
        managed_serviceaccount_names: tuple[str, ...] = ("ccseone",),
        resolve_member: Callable[[str], SandboxCluster | None] | None = None,
    ) -> None:
        self.cluster = cluster
        self.clock = clock or OffsetClock()
        self.ocm_version = ocm_version
        self.watchdog_interval = watchdog_interval
        self.managed_serviceaccount = managed_serviceaccount
        self.msa_names = managed_serviceaccount_names
        self.resolve_member = resolve_member or (lambda _url: None)
        # Heartbeats of the live emulated agents, awaited by advance().
        self.heartbeats: list[Callable[[], Awaitable[None]]] = []
        self._agent_tokens: dict[str, tuple[User, str]] = {}  # token -> (user, cluster)
        self._dirty: dict[tuple[str, str, str], None] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[None]] = []

    # ---- lifecycle ---------------------------------------------------------------------
    def setup(self) -> None:
        """Install the kinds, seed what `clusteradm init` creates, plug in auth."""
        writes = self.cluster.writes
        kinds = HUB_KINDS + ((MANAGED_SERVICE_ACCOUNTS,) if self.managed_serviceaccount else ())
        install(writes, kinds)
        self._seed()
        self.cluster.authenticators.append(self._authenticate)
        self.cluster.authorizer = self._authorize
        writes.admitters.append(admit_manifest_work)
        self.cluster.state.add_listener(self._on_change)
        for mc in self.cluster.state.list(MC.key):
            self._mark("mc", "", mc["metadata"]["name"])

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._run(), name="ocm-hub"),
                       loop.create_task(self._watchdog(), name="ocm-hub-watchdog")]
        if self._dirty:
            self._wake.set()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def settle(self) -> None:
        """Wait until the hub controller has nothing left to reconcile."""
        await self._idle.wait()

    # ---- seeding -------------------------------------------------------------------------
    def _image(self, component: str) -> str:
        return f"quay.io/open-cluster-management/{component}:{self.ocm_version}"

    def _seed(self) -> None:
        w, state = self.cluster.writes, self.cluster.state
        for ns in (OCM_NAMESPACE, HUB_NAMESPACE):
            if state.get(NAMESPACES.key, "", ns) is None:
                w.create(NAMESPACES, "", {"metadata": {"name": ns}}, None)
        w.create(SERVICEACCOUNTS, OCM_NAMESPACE, {"metadata": {"name": BOOTSTRAP_SA}}, None)
        self._seed_cluster_info()
        cm = w.create(CLUSTER_MANAGERS.type(), "", {
            "metadata": {"name": "cluster-manager"},
            "spec": {
                "registrationImagePullSpec": self._image("registration"),
                "workImagePullSpec": self._image("work"),
                "placementImagePullSpec": self._image("placement"),
                "addOnManagerImagePullSpec": self._image("addon-manager"),
                "deployOption": {"mode": "Default"},
            },
        }, None)
        applied = [("Applied", "True", "ClusterManagerApplied", "Components of cluster manager "
                    "are applied"),
                   ("HubRegistrationDegraded", "False", "RegistrationFunctional",
                    "Registration is managing credentials"),
                   ("HubPlacementDegraded", "False", "PlacementFunctional",
                    "Placement is scheduling placement decisions"),
                   ("Progressing", "False", "ClusterManagerUpToDate",
                    "Components of cluster manager are up to date")]
        conds: list[Obj] = []
        for t, s, r, m in applied:
            conds = cond.set_condition(conds, t, s, r, m, observed_generation=1)
        w.set_status(CLUSTER_MANAGERS.type(), cm, {"observedGeneration": 1, "conditions": conds})
        operator = _deployment("cluster-manager", self._image("registration-operator"),
                               {"app": "cluster-manager"})
        w.create(APPS["deployments"], OCM_NAMESPACE, operator, None)
        for name, component in _HUB_DEPLOYMENTS:
            w.create(APPS["deployments"], HUB_NAMESPACE,
                     _deployment(name, self._image(component), {"app": name}), None)
        sets = MANAGED_CLUSTER_SETS.type()
        exclusive = {"selectorType": "ExclusiveClusterSetLabel"}
        w.create(sets, "", {"metadata": {"name": "default"},
                            "spec": {"clusterSelector": exclusive}}, None)
        w.create(sets, "", {"metadata": {"name": "global"},
                            "spec": {"clusterSelector": {"selectorType": "LabelSelector",
                                                         "labelSelector": {}}}}, None)
        if self.managed_serviceaccount:
            w.create(CLUSTER_MANAGEMENT_ADDONS.type(), "", {
                "metadata": {"name": MSA_ADDON},
                "spec": {"addOnMeta": {"displayName": "managed-serviceaccount",
                                       "description": "managed-serviceaccount"},
                         "installStrategy": {"type": "Manual"}},
            }, None)

    def _seed_cluster_info(self) -> None:
        """kube-public/cluster-info as kubeadm publishes it (`clusteradm join` reads the hub
        CA from it when no --ca-file is given)."""
        c = self.cluster
        entry: Obj = {"server": c.url}
        if c.ca_pem:
            entry["certificate-authority-data"] = base64.b64encode(c.ca_pem).decode()
        doc = {"apiVersion": "v1", "kind": "Config", "clusters": [{"name": "", "cluster": entry}],
               "contexts": [], "users": [], "current-context": "", "preferences": {}}
        existing = c.state.get(CONFIGMAPS.key, "kube-public", "cluster-info")
        if existing is None:
            c.writes.create(CONFIGMAPS, "kube-public", {
                "metadata": {"name": "cluster-info"},
                "data": {"kubeconfig": yaml.safe_dump(doc, sort_keys=False)},
            }, None)

    # ---- authentication / authorization ------------------------------------------------------
    def issue_token(self, cluster: str, agent: str) -> str:
        user = User(f"{AGENT_PREFIX}{cluster}:{agent}",
                    (f"{AGENT_PREFIX}{cluster}", "system:open-cluster-management:managed-clusters",
                     "system:authenticated"))
        token = "ocm-" + secrets.token_hex(24)
        self._agent_tokens[token] = (user, cluster)
        return token

    def _authenticate(self, token: str) -> User | None:
        found = self._agent_tokens.get(token)
        return found[0] if found else None

    def _accepted(self, cluster: str) -> bool:
        mc = self.cluster.state.get(MC.key, "", cluster)
        return mc is not None and bool((mc.get("spec") or {}).get("hubAcceptsClient")) and (
            cond.is_true((mc.get("status") or {}).get("conditions"), HUB_ACCEPTED))

    def _authorize(self, user: User, a: Attributes) -> None:
        if user.name == BOOTSTRAP_USER:
            allowed = (a.resource == "certificatesigningrequests" and not a.subresource
                       and a.verb in ("create", "get", "list", "watch")) or (
                a.resource == "managedclusters" and not a.subresource
                and a.verb in ("create", "get"))
        elif user.name.startswith(AGENT_PREFIX) and user.name.count(":") >= 3:
            cluster = user.name[len(AGENT_PREFIX):].split(":")[0]
            reads = a.verb in ("get", "list", "watch")
            if a.resource == "certificatesigningrequests" and not a.subresource:
                allowed = a.verb in ("create", "get", "list", "watch")
            elif a.resource == "managedclusters" and reads and not a.subresource:
                allowed = a.name in ("", cluster)
            elif self._accepted(cluster):
                allowed = (a.resource == "managedclusters" and a.name == cluster) or (
                    a.namespace == cluster) or (a.resource == "events")
            else:
                allowed = False
        else:
            return  # the admin and other service accounts: the sandbox's cluster-admin
        if not allowed:
            raise forbidden_for(user, a)

    # ---- change intake -------------------------------------------------------------------
    def _mark(self, kind: str, ns: str, name: str) -> None:
        self._dirty[(kind, ns, name)] = None
        self._idle.clear()
        self._wake.set()

    def _on_change(self, c: Change) -> None:
        meta = c.obj["metadata"]
        if c.key == MC.key:
            self._mark("mc", "", meta["name"])
            self._queue_transition_events(c)
        elif c.key == CSRS.key:
            if c.type == "ADDED":
                self._mark("event-csr-created", "", meta["name"])
            self._mark("csr", "", meta["name"])
        elif c.key == MSA.key and c.type != "DELETED":
            self._mark("msa", meta.get("namespace", ""), meta["name"])

    def _queue_transition_events(self, c: Change) -> None:
        name = c.obj["metadata"]["name"]
        if c.type == "ADDED":
            self._mark("event", "ManagedClusterCreated", name)
            return
        if c.type == "DELETED":
            self._mark("event", "ManagedClusterDeleted", name)
            return
        before = (c.old or {}).get("status", {}).get("conditions") if c.old else None
        after = (c.obj.get("status") or {}).get("conditions")
        for type_, reason in ((JOINED, "ManagedClusterJoined"),
                              (AVAILABLE, "ManagedClusterAvailable")):
            if cond.is_true(after, type_) and not cond.is_true(before, type_):
                self._mark("event", reason, name)

    # ---- the controller task --------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._dirty:
                ref = next(iter(self._dirty))
                del self._dirty[ref]
                try:
                    await self._reconcile(*ref)
                except ApiError:
                    pass  # changed under us; its next change re-queues it
                await asyncio.sleep(0)
            self._idle.set()

    async def _reconcile(self, kind: str, ns: str, name: str) -> None:
        if kind == "mc":
            self._reconcile_cluster(name)
        elif kind == "csr":
            self._reconcile_csr(name)
        elif kind == "msa":
            self._reconcile_msa(ns, name)
        elif kind == "event":
            self._cluster_event(name, ns)
        elif kind == "event-csr-created":
            csr = self.cluster.state.get(CSRS.key, "", name)
            if csr is not None:
                self._record(csr, _cluster_of_csr(csr), "CSRCreated",
                             f"certificate signing request {name} was created by "
                             f"{(csr.get('spec') or {}).get('username', '')}")

    def _reconcile_cluster(self, name: str) -> None:
        state, w = self.cluster.state, self.cluster.writes
        mc = state.get(MC.key, "", name)
        if mc is None:
            return
        meta, spec = mc["metadata"], mc.get("spec") or {}
        status = dict(mc.get("status") or {})
        conditions = status.get("conditions") or []
        if meta.get("deletionTimestamp"):
            # cleanup done (nothing real to clean up): release the finalizer; the cluster
            # namespace is kept, like the real hub does
            if FINALIZER in (meta.get("finalizers") or []):
                w.patch(MC, "", name, "application/json-patch+json", [
                    {"op": "replace", "path": "/metadata/finalizers",
                     "value": [f for f in meta["finalizers"] if f != FINALIZER]}], None)
            return
        if not spec.get("hubAcceptsClient"):
            if cond.is_true(conditions, HUB_ACCEPTED):
                status["conditions"] = cond.set_condition(
                    conditions, HUB_ACCEPTED, "False", "HubClusterAdminDenied",
                    "Denied by hub cluster admin")
                w.set_status(MC, mc, status)
                self._record(mc, name, "ManagedClusterDenied",
                             f"managed cluster {name} is denied by hub cluster admin",
                             warning=True)
            return
        if state.get(NAMESPACES.key, "", name) is None:
            w.create(NAMESPACES, "", {"metadata": {"name": name,
                                                   "labels": {CLUSTER_LABEL: name}}}, None)
        if FINALIZER not in (meta.get("finalizers") or []):
            mc = w.patch(MC, "", name, "application/merge-patch+json",
                         {"metadata": {"finalizers": [*(meta.get("finalizers") or []),
                                                      FINALIZER]}}, None)
        if not cond.is_true(conditions, HUB_ACCEPTED):
            status["conditions"] = cond.set_condition(
                conditions, HUB_ACCEPTED, "True", "HubClusterAdminAccepted",
                "Accepted by hub cluster admin")
            w.set_status(MC, mc, status)
            self._record(mc, name, "ManagedClusterAccepted",
                         f"managed cluster {name} is accepted by hub cluster admin")
        if state.get(LEASES.key, name, LEASE_NAME) is None:
            w.create(LEASES, name, {
                "metadata": {"name": LEASE_NAME, "labels": {CLUSTER_LABEL: name}},
                "spec": {"holderIdentity": LEASE_NAME,
                         "renewTime": rfc3339_micro(self.clock.now())},
            }, None)
        if self.managed_serviceaccount:
            self._ensure_addon(name)

    def _reconcile_csr(self, name: str) -> None:
        csr = self.cluster.state.get(CSRS.key, "", name)
        if csr is None:
            return
        spec, status = csr.get("spec") or {}, csr.get("status") or {}
        conditions = status.get("conditions") or []
        if spec.get("signerName") != CLIENT_SIGNER or status.get("certificate"):
            return
        if any(c.get("type") == "Denied" for c in conditions):
            return
        if not any(c.get("type") == "Approved" and c.get("status", "True") == "True"
                   for c in conditions):
            return
        labels = csr["metadata"].get("labels") or {}
        cluster = labels.get(CLUSTER_LABEL, "")
        agent = labels.get(AGENT_LABEL, "")
        if not cluster or not agent:
            return  # not an OCM agent's CSR: this emulated signer only serves those
        token = self.issue_token(cluster, agent)
        self.cluster.writes.set_status(CSRS, csr, {**status,
                                                  "certificate": certificate_for(token)})
        self._record(csr, cluster, "ClientCertificateIssued",
                     f"certificate signing request {name} for cluster {cluster} was approved "
                     "and its client certificate issued")

    # ---- managed-serviceaccount addon -----------------------------------------------------
    def _ensure_addon(self, cluster: str) -> None:
        state, w = self.cluster.state, self.cluster.writes
        if state.get(MCA.key, cluster, MSA_ADDON) is None:
            addon = w.create(MCA, cluster, {"metadata": {"name": MSA_ADDON},
                                            "spec": {"installNamespace": MSA_ADDON_NAMESPACE}},
                             None)
            conds: list[Obj] = []
            for t, r, m in (("RegistrationApplied", "AddonRegistrationApplied",
                             "Registration of the addon agent is configured"),
                            ("ManifestApplied", "AddonManifestApplied",
                             "manifests of addon are applied successfully"),
                            ("Available", "ManagedClusterAddOnLeaseUpdated",
                             f"{MSA_ADDON} add-on is available.")):
                conds = cond.set_condition(conds, t, "True", r, m)
            w.set_status(MCA, addon, {"namespace": MSA_ADDON_NAMESPACE, "conditions": conds})
        for msa_name in self.msa_names:
            if state.get(MSA.key, cluster, msa_name) is None:
                w.create(MSA, cluster, {"metadata": {"name": msa_name},
                                        "spec": {"rotation": {"enabled": True,
                                                              "validity": "8640h0m0s"}}}, None)

    def _reconcile_msa(self, ns: str, name: str) -> None:
        """The addon agent's job, done in-process: a ServiceAccount on the member, a token
        for it, and that token in the hub Secret named like the ManagedServiceAccount."""
        state, w = self.cluster.state, self.cluster.writes
        msa = state.get(MSA.key, ns, name)
        mc = state.get(MC.key, "", ns)
        if msa is None or mc is None or not self._accepted(ns):
            return
        configs = (mc.get("spec") or {}).get("managedClusterClientConfigs") or []
        member = next((m for c in configs if (m := self.resolve_member(c.get("url", "")))), None)
        if member is None or member.outage:
            return  # the addon agent is not reachable: the token stays unreported
        mw = member.writes
        if member.state.get(NAMESPACES.key, "", MSA_ADDON_NAMESPACE) is None:
            mw.create(NAMESPACES, "", {"metadata": {"name": MSA_ADDON_NAMESPACE}}, None)
        if member.state.get(SERVICEACCOUNTS.key, MSA_ADDON_NAMESPACE, name) is None:
            mw.create(SERVICEACCOUNTS, MSA_ADDON_NAMESPACE, {"metadata": {"name": name}}, None)
        if state.get(SECRETS.key, ns, name) is not None and (msa.get("status") or {}).get(
                "tokenSecretRef"):
            return
        answer = member.tokens.request(MSA_ADDON_NAMESPACE, name,
                                       {"spec": {"expirationSeconds": 8640 * 3600}})
        token = answer["status"]["token"]
        data = {"token": base64.b64encode(token.encode()).decode(),
                "ca.crt": base64.b64encode(member.ca_pem or b"").decode()}
        owner = {"apiVersion": MSA.api_version, "kind": MSA.kind, "name": name,
                 "uid": msa["metadata"]["uid"], "controller": True}
        secret = state.get(SECRETS.key, ns, name)
        body = {"metadata": {"name": name, "labels": {MSA_LABEL: "true"},
                             "ownerReferences": [owner]}, "type": "Opaque", "data": data}
        if secret is None:
            w.create(SECRETS, ns, body, None)
        else:
            w.update(SECRETS, ns, name, {**secret, "data": data}, None)
        now = rfc3339()
        conds = cond.set_condition((msa.get("status") or {}).get("conditions"), "TokenReported",
                                   "True", "TokenReported", "ServiceAccount token is reported")
        conds = cond.set_condition(conds, "SecretCreated", "True", "SecretCreated",
                                   "Secret is created")
        w.set_status(MSA, msa, {"conditions": conds,
                                "tokenSecretRef": {"name": name, "lastRefreshTimestamp": now},
                                "expirationTimestamp": answer["status"]["expirationTimestamp"]})

    def member_returned(self, url: str) -> None:
        """Re-project tokens of the cluster at ``url`` (its addon agent is back)."""
        for mc in self.cluster.state.list(MC.key):
            configs = (mc.get("spec") or {}).get("managedClusterClientConfigs") or []
            if any(c.get("url") == url for c in configs):
                for msa in self.cluster.state.list(MSA.key, mc["metadata"]["name"]):
                    self._mark("msa", msa["metadata"]["namespace"], msa["metadata"]["name"])

    # ---- lease watchdog -------------------------------------------------------------------
    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(self.watchdog_interval)
            self.check_leases()

    def check_leases(self) -> list[str]:
        """One pass of the hub lease controller; returns the clusters it set Unknown."""
        state, w = self.cluster.state, self.cluster.writes
        now = self.clock.now()
        expired = []
        for mc in state.list(MC.key):
            name = mc["metadata"]["name"]
            conditions = (mc.get("status") or {}).get("conditions") or []
            if cond.find(conditions, HUB_ACCEPTED) is None:
                continue  # never accepted: nothing to watch
            lease = state.get(LEASES.key, name, LEASE_NAME)
            renewed = parse_rfc3339(str(((lease or {}).get("spec") or {}).get("renewTime", "")))
            deleting = bool(mc["metadata"].get("deletionTimestamp"))
            stale = (lease is None and deleting) or (
                renewed is not None and now >= renewed / 1e9 + lease_grace(mc))
            if not stale:
                continue
            current = cond.find(conditions, AVAILABLE)
            if current is not None and current.get("status") == "Unknown":
                continue
            status = dict(mc.get("status") or {})
            status["conditions"] = cond.set_condition(
                conditions, AVAILABLE, "Unknown", "ManagedClusterLeaseUpdateStopped",
                "Registration agent stopped updating its lease.")
            w.set_status(MC, mc, status)
            self._record(mc, name, "AvailableUnknown",
                         f"The {name} is successfully imported. However, the connection check "
                         "from the managed cluster to the hub cluster has failed", warning=True)
            expired.append(name)
        return expired

    async def advance(self, seconds: float) -> list[str]:
        """Move the shared clock by ``seconds``, let every live agent renew its lease (a
        stopped member's agent cannot), then run one watchdog pass: what a real hub sees
        after that much time. Returns the clusters that went Unknown."""
        self.clock.advance(seconds)
        for beat in list(self.heartbeats):
            await beat()
        await self.settle()
        return self.check_leases()

    # ---- events ----------------------------------------------------------------------------
    def _cluster_event(self, name: str, reason: str) -> None:
        mc = self.cluster.state.get(MC.key, "", name) or {
            "apiVersion": MC.api_version, "kind": MC.kind,
            "metadata": {"name": name, "uid": ""}}
        messages = {
            "ManagedClusterCreated": f"managed cluster {name} is created",
            "ManagedClusterDeleted": f"managed cluster {name} is deleted",
            "ManagedClusterJoined": f"managed cluster {name} joined",
            "ManagedClusterAvailable": f"managed cluster {name} is available",
        }
        self._record(mc, name, reason, messages.get(reason, reason))

    def _record(self, obj: Obj, cluster: str, reason: str, message: str,
                warning: bool = False) -> None:
        """An Event in the cluster's namespace once it exists (where the real hub's
        recorder puts ManagedCluster events), else in open-cluster-management-hub."""
        ns = cluster if cluster and self.cluster.state.get(
            NAMESPACES.key, "", cluster) is not None else HUB_NAMESPACE
        placed = {**obj, "metadata": {**obj["metadata"], "namespace": ns}}
        self.cluster.events.record(placed, reason, message,
                                   type_="Warning" if warning else "Normal",
                                   component=_COMPONENT)


def _cluster_of_csr(csr: Obj) -> str:
    return (csr["metadata"].get("labels") or {}).get(CLUSTER_LABEL, "")


def _deployment(name: str, image: str, labels: dict[str, str]) -> Obj:
    return {"metadata": {"name": name, "labels": labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": name,
                                                           "image": image}]}}}}

"""Access (member) clusters: associate from kubeconfig contexts, probe, list, edit, delete,
and the detail data (edge nodes, access kubeconfig, tasks). Create + register live in
``registration.py``; the work done on a member in ``cluster_member.py``.

Probing fans out to every cluster at once through the kube pool; each cluster's answer is
saved and announced as it arrives, so a dead cluster costs its own timeout and nothing else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import (
    AppsStillDeployed,
    CcseoneError,
    ClusterAlreadyAssociated,
    ClusterInfoFailed,
    ClusterNotRegistered,
    ClusterStatusAbnormal,
    ClusterUnreachable,
    InstanceNotReady,
    KubeApiError,
    KubeconfigError,
    KubeconfigQueryFailed,
    NameExists,
    NotFound,
    ValidationError,
    VersionQueryFailed,
    VersionUnsupported,
)
from ccseone_tui.domain.models import (
    ClusterProbe,
    ClusterSource,
    ClusterStatus,
    InstanceStatus,
    MemberCluster,
    Task,
    TaskStatus,
)
from ccseone_tui.domain.validation import check_labels, check_resource_name, is_supported_version
from ccseone_tui.engines.probe import probe_cluster
from ccseone_tui.i18n import t
from ccseone_tui.services.events import ClusterProbed, ClustersChanged, ClustersRefreshed, EventBus
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.instances import InstancesService
from ccseone_tui.services.tasks import TasksService, new_id
from ccseone_tui.services.write_behind import WriteBehind

if TYPE_CHECKING:
    from ccseone_tui.services.clusters.member import ClusterDeletion, EdgeNode

# kubeconfig_view, join and member (the detail and deletion work) are imported by the
# methods that use them: listing the cache needs none of them (issue #13 item 2).

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AssociateRequest:
    """One kubeconfig context to take over, under a console name."""

    context: str
    name: str | None = None  # default: the context name
    kubeconfig: str | None = None  # default: the first file that has the context
    region: str = ""
    labels: dict[str, str] | None = None
    deletion_protection: bool = True


PROBE_START_SLICE = 10  # probes a refresh starts at once …
PROBE_START_GAP = 0.002  # … and the pause (s) before the next slice
# contexts an associate checks side by side (each: a client, /version, the nodes): a call
# with 1,000 contexts took the sum of their round trips when they went one after another
ASSOCIATE_CONCURRENCY = 32


def slowest_first(cluster: MemberCluster) -> tuple[bool, float]:
    """Sort key: the clusters the last probe saw fail first (a dead one answers, with its
    error, at once), then by the last probe's latency, slowest first (the long poles)."""
    probe = cluster.probe
    answered = probe.status in (ClusterStatus.READY, ClusterStatus.NOT_READY)
    return answered, -(probe.latency_ms or 0.0)


class ProbeSaver(WriteBehind[MemberCluster]):
    """The probes of one refresh, written in batches (``WriteBehind``): one ``save_probes``
    (one transaction, one executemany) per batch instead of one UPDATE transaction per
    cluster, each cluster announced after its batch is saved."""

    def __init__(self, store: Any, events: EventBus) -> None:
        super().__init__()
        self._store = store
        self._events = events
        self._failed: Exception | None = None

    def batch(self, pending: list[MemberCluster]) -> list[MemberCluster]:
        return list({c.id: c for c in pending}.values())  # a later answer replaces one

    async def save(self, batch: list[MemberCluster]) -> None:
        await self._store.save_probes({c.id: c.probe for c in batch})
        for cluster in batch:
            self._events.emit(ClusterProbed(cluster))

    def failed(self, batch: list[MemberCluster], exc: Exception) -> None:
        self._failed = self._failed or exc  # that batch is lost: drain() says so

    async def drain(self) -> None:
        """Wait until every probe added so far is written; the first failed write raises
        here (the batches after it were still tried)."""
        await self.written()
        if self._failed is not None:
            raise self._failed


def normalize_server(url: str) -> str:
    return url.strip().rstrip("/").lower()


class ClustersService:
    def __init__(self, store: Any, engine: Any, events: EventBus, guard: Guard,
                 tasks: TasksService, instances: InstancesService,
                 kubeconfig_paths: list[str], *, credentials_dir: Path | None = None,
                 pool: Any = None, regions: Sequence[str] = (), engines: Any = None) -> None:
        self._store = store
        self._engine = engine  # the local engine: for clusters whose instance is local
        self._engines = engines  # engines.EngineFactory: the engine of each instance
        self._events = events
        self._guard = guard
        self._tasks = tasks
        self._instances = instances
        self._kubeconfig_paths = kubeconfig_paths
        self._credentials_dir = credentials_dir  # where registration keeps its kubeconfigs
        self._pool = pool  # kube.KubePool: to drop a deleted cluster's client
        self._regions = tuple(regions)  # Settings.regions; empty: any region
        # hub instances: the last members snapshot per instance id (``stale`` + ``error``)
        self.last_sync: dict[str, Any] = {}
        self._engine_reads: dict[str, asyncio.Future[Any]] = {}  # see engine_of
        # run for each cluster taken over (associate, register): fleet namespaces reach it
        self.on_joined: list[Callable[[MemberCluster], Awaitable[object]]] = []

    # ---- reading ---------------------------------------------------------------------------

    async def list(self, instance_id: str | None = None) -> list[MemberCluster]:
        """From the cache: instant, whatever the clusters are doing."""
        return await self._store.list_clusters(instance_id)

    async def get(self, name_or_id: str) -> MemberCluster:
        cluster = await self._store.get_cluster(name_or_id)
        if cluster is None:
            raise NotFound(kind=t("noun.cluster"), name=name_or_id)
        return cluster

    async def engine_of(self, instance_id: str) -> Any:
        """The engine of an instance (``engines.ClusterEngine``).

        Calls for the same instance while its row is being read share that one read: a
        fan-out asks for the engine once per cluster, all in the same loop turn, and 1,000
        reads of the same row queued one after the other on the database's single
        connection made the last cluster wait seconds for its client (issue #13: a dead
        cluster of the Fleet view was marked a gap only when its turn came, 2.6-4.8 s in).
        A call after the read ended reads again, so an edited instance is never missed.
        Not to be awaited inside a store transaction: joining a read another caller started,
        it would wait for the transaction to end, and the transaction for it."""
        if self._engines is None:
            return self._engine
        reading = self._engine_reads.get(instance_id)
        if reading is None:
            reading = asyncio.ensure_future(self._read_engine(instance_id))
            self._engine_reads[instance_id] = reading
            reading.add_done_callback(lambda done: self._engine_read_done(instance_id, done))
        # shielded: one caller cancelled (a closed view) must not fail the others' read
        return await asyncio.shield(reading)

    async def _read_engine(self, instance_id: str) -> Any:
        inst = await self._store.get_instance(instance_id)
        return self._engine if inst is None else self._engines.for_instance(inst)

    def _engine_read_done(self, instance_id: str, done: asyncio.Future[Any]) -> None:
        if self._engine_reads.get(instance_id) is done:
            del self._engine_reads[instance_id]
        if not done.cancelled():
            done.exception()  # retrieved: every waiter may have been cancelled meanwhile

    async def client(self, cluster: MemberCluster) -> Any:
        """A direct API client for one member (logs, fleet view, detail tabs); an ocm
        member without a mapped context or addon token raises ``DirectAccessUnavailable``."""
        return await (await self.engine_of(cluster.instance_id)).client(cluster)

    async def delivery(self, cluster: MemberCluster, namespace: str, owner: str) -> Any:
        """Where ``owner``'s objects go on (cluster, namespace): ``engines.Delivery``."""
        return (await self.engine_of(cluster.instance_id)).delivery(cluster, namespace, owner)

    async def contexts(self) -> list[Any]:
        """Kubeconfig contexts the user can associate (name, server, user, file)."""
        from ccseone_tui.kube import list_contexts

        return list_contexts(self._kubeconfig_paths)

    # ---- probing ---------------------------------------------------------------------------

    async def probe(self, cluster: MemberCluster) -> MemberCluster:
        """Probe one cluster fully (the server version asked whatever its age: this is the
        probe a user asks for, after a change they made); its answer is saved, then
        announced."""
        if await self._probe_into(cluster, await self.engine_of(cluster.instance_id),
                                  full=True):
            await self._store.save_probe(cluster.id, cluster.probe)
            self._events.emit(ClusterProbed(cluster))
        return cluster

    @staticmethod
    async def _probe_into(cluster: MemberCluster, engine: Any, *, full: bool = False) -> bool:
        """Ask ``engine`` for ``cluster``'s probe and set it; False if there is nothing to
        ask (a registration not done yet, no kubeconfig)."""
        if not engine.members_from_control_plane and (
                cluster.probe.status is ClusterStatus.WAITING or not cluster.kubeconfig):
            return False
        cluster.probe = await engine.probe(cluster, full=full)
        return True

    async def refresh(self, instance_id: str | None = None) -> list[MemberCluster]:
        """Probe every cluster concurrently. Answers are saved in batches, a batch being
        whatever landed while the previous one was written (one transaction each), and each
        cluster is announced once its batch is saved. A warm cluster costs one request (its
        nodes): the server version is asked once per ``engines.probe.VERSION_TTL``, or
        after a failed probe (issue #13)."""
        clusters = await self.list(instance_id)
        instances = await self._instances.list()
        # one engine per instance, looked up once (not a database read per cluster)
        engines = {i.id: self._engine if self._engines is None
                   else self._engines.for_instance(i) for i in instances}
        # members of a hub come from one list call on the hub, not one probe each
        hubs = [i for i in instances
                if (instance_id is None or i.id == instance_id) and self._engines is not None
                and engines[i.id].members_from_control_plane]
        hub_ids = {i.id for i in hubs}
        live = [c for c in clusters
                if c.probe.status is not ClusterStatus.WAITING and c.instance_id not in hub_ids]
        saver = ProbeSaver(self._store, self._events)

        async def probe(cluster: MemberCluster) -> None:
            if await self._probe_into(cluster, engines.get(cluster.instance_id, self._engine)):
                saver.add(cluster)

        tasks = [asyncio.ensure_future(self.sync_members(i)) for i in hubs]
        try:
            # Started all at once, 1,000 probes run their first step (build and send a
            # request, ~0.15-0.3 ms each) in one loop turn: no frame, no key meanwhile. They
            # start in slices, PROBE_START_GAP apart, the slowest last time first (a dead
            # one, then by latency), so spreading the starts does not lengthen the refresh:
            # the long poles are on their way first.
            for n, cluster in enumerate(sorted(live, key=slowest_first), 1):
                tasks.append(asyncio.ensure_future(probe(cluster)))
                if n % PROBE_START_SLICE == 0:
                    await asyncio.sleep(PROBE_START_GAP)
            await asyncio.gather(*tasks)
            await saver.drain()
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            saver.cancel()
            raise
        if hubs:
            clusters = await self.list(instance_id)
        self._events.emit(ClustersRefreshed(instance_id, clusters))
        return clusters

    # ---- associate (§3.1.3.2): one step, with the §6.1 checks ------------------------------

    async def associate(self, instance: str, requests: Sequence[AssociateRequest]) -> list[
            MemberCluster | CcseoneError]:
        """Take over each context at once. Returns a cluster or the §6.1 error per request.

        Three passes, so that a call with many contexts costs what its slowest cluster
        costs, not the sum: the local checks in order (name, context, a server already in
        the cache — read once per call), the checks that need each cluster side by side
        (``ASSOCIATE_CONCURRENCY`` at a time), then the writes in order, where a name or a
        server taken by an earlier request of the same call is refused as before."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        if inst.status is not InstanceStatus.READY:
            raise InstanceNotReady(name=inst.name, status=inst.status.value)
        contexts = {c.name: c for c in await self.contexts()}
        cached = {normalize_server(c.api_server): c.name
                  for c in await self._store.list_clusters() if c.api_server}
        planned: list[MemberCluster | CcseoneError] = []
        for req in requests:
            try:
                planned.append(await self._plan_one(inst.id, inst.region, req, contexts, cached))
            except CcseoneError as exc:
                planned.append(exc)

        limit = asyncio.Semaphore(ASSOCIATE_CONCURRENCY)

        async def checked(cluster: MemberCluster) -> MemberCluster | CcseoneError:
            async with limit:
                try:
                    cluster.probe = await self._check_reachable(cluster)
                except CcseoneError as exc:
                    return exc
            return cluster

        answers = iter(await asyncio.gather(*(checked(c) for c in planned
                                              if isinstance(c, MemberCluster))))
        checks = [next(answers) if isinstance(c, MemberCluster) else c for c in planned]
        results: list[MemberCluster | CcseoneError] = []
        claimed: set[str] = set()
        servers: dict[str, str] = {}  # taken by an earlier request of this call
        for req, outcome in zip(requests, checks, strict=True):
            if isinstance(outcome, MemberCluster):
                server = normalize_server(outcome.api_server)
                if outcome.name in claimed:
                    outcome = NameExists(name=outcome.name)
                elif server in servers:
                    outcome = ClusterAlreadyAssociated(server=outcome.api_server,
                                                       existing=servers[server])
                else:
                    await self._store.add_cluster(outcome)
                    claimed.add(outcome.name)
                    servers[server] = outcome.name
            results.append(outcome)
            await self._tasks.journal(
                inst.id, "cluster.associate", req.name or req.context,
                "Succeeded" if isinstance(outcome, MemberCluster) else "Failed",
                error="" if isinstance(outcome, MemberCluster) else str(outcome),
            )
        self._events.emit(ClustersChanged(inst.id))
        await asyncio.gather(*(self.joined(r) for r in results if isinstance(r, MemberCluster)))
        return results

    async def joined(self, cluster: MemberCluster) -> None:
        """Run the ``on_joined`` hooks; a hook's failure is logged, never the caller's
        (what they do on the cluster is recorded as their own task)."""
        for hook in self.on_joined:
            try:
                await hook(cluster)
            except Exception:
                log.exception("on_joined hook failed for cluster %s", cluster.name)

    async def _plan_one(self, instance_id: str, region: str, req: AssociateRequest,
                        contexts: dict[str, Any], cached: dict[str, str]) -> MemberCluster:
        """The checks of one request that need no cluster; the cluster it would add."""
        name = req.name or req.context
        check_resource_name(name)
        labels = check_labels(dict(req.labels or {}))
        if await self._store.get_cluster(name) or await self._store.get_instance(name):
            raise NameExists(name=name)
        ctx = contexts.get(req.context)
        if ctx is None:
            raise KubeconfigQueryFailed(
                cluster=name, error=t("cluster.context_not_found", context=req.context,
                                      files=", ".join(self._kubeconfig_paths)))
        existing = cached.get(normalize_server(ctx.server))
        if existing is not None:
            raise ClusterAlreadyAssociated(server=ctx.server, existing=existing)
        return MemberCluster(
            id=new_id("cls"), name=name, instance_id=instance_id, region=req.region or region,
            source=ClusterSource.KUBECONFIG, api_server=ctx.server, labels=labels,
            deletion_protection=req.deletion_protection,
            kubeconfig=req.kubeconfig or ctx.file, context=req.context, created_at=time.time(),
        )

    async def _check_reachable(self, cluster: MemberCluster) -> ClusterProbe:
        """The §6.1 checks that need the cluster: kubeconfig, version, info, status."""
        try:
            client = await self._engine.client(cluster)
        except KubeconfigError as exc:
            raise KubeconfigQueryFailed(cluster=cluster.name, error=exc.message) from exc
        try:
            version = await client.version()
        except ClusterUnreachable as exc:
            raise VersionQueryFailed(cluster=cluster.name, error=exc.cause) from exc
        except KubeApiError as exc:
            raise ClusterInfoFailed(cluster=cluster.name, error=exc.message) from exc
        git_version = str(version.get("gitVersion", ""))
        if not is_supported_version(git_version):
            raise VersionUnsupported(cluster=cluster.name, version=git_version or "?")
        try:
            # the version was just asked: the probe lists the nodes alone
            asked = ClusterProbe(status=ClusterStatus.READY, version=git_version,
                                 version_checked_at=time.time())
            probe = await probe_cluster(client, asked)
        except CcseoneError as exc:
            raise ClusterInfoFailed(cluster=cluster.name, error=str(exc)) from exc
        if probe.status is ClusterStatus.UNAUTHORIZED or probe.status is ClusterStatus.UNKNOWN:
            raise ClusterInfoFailed(cluster=cluster.name, error=probe.error or probe.status.value)
        if probe.status is ClusterStatus.OFFLINE:
            raise VersionQueryFailed(cluster=cluster.name, error=probe.error or "")
        if probe.status is not ClusterStatus.READY:
            raise ClusterStatusAbnormal(cluster=cluster.name, status=probe.status.value)
        return probe

    # ---- edit -------------------------------------------------------------------------------

    async def edit(self, name_or_id: str, *, labels: dict[str, str] | None = None,
                   deletion_protection: bool | None = None, region: str | None = None,
                   confirm: str | None = None) -> MemberCluster:
        """Change labels (the whole set), deletion protection and/or region; ``None`` keeps a
        field. A cluster that is production before or after the edit (labels can make or
        unmake one) needs its name typed in ``confirm``. Nothing changed: nothing written."""
        self._guard.check_writable()
        cluster = await self.get(name_or_id)
        changes: dict[str, Any] = {}
        if labels is not None:
            changes["labels"] = check_labels(dict(labels))
        if deletion_protection is not None:
            changes["deletion_protection"] = bool(deletion_protection)
        if region is not None:
            region = region.strip()
            if not region or (self._regions and region not in self._regions):
                raise ValidationError("region", region, t(
                    "rule.region", regions=", ".join(self._regions)))
            changes["region"] = region
        changes = {k: v for k, v in changes.items() if getattr(cluster, k) != v}
        if not changes:
            return cluster
        edited = dataclasses.replace(cluster, **changes)
        self._guard.check_confirmed([cluster, edited], confirm)
        await self._store.update_cluster(edited)
        await self._tasks.journal(cluster.instance_id, "cluster.edit", cluster.name,
                                  "Succeeded")
        self._events.emit(ClustersChanged(cluster.instance_id))
        return edited

    # ---- detail (§3.1.3.5) --------------------------------------------------------------

    async def kubeconfig_view(self, cluster: MemberCluster, reveal: bool = False) -> str:
        """YAML of the cluster's own context, cluster and user; credentials masked unless
        ``reveal``."""
        from ccseone_tui.services.clusters import kubeconfig_view as kv

        return await kv.kubeconfig_view(cluster, reveal)

    async def export_kubeconfig(self, cluster: MemberCluster, path: Path | str) -> Path:
        """The unmasked single-context kubeconfig, written 0600."""
        from ccseone_tui.services.clusters import kubeconfig_view as kv

        return await kv.export_kubeconfig(cluster, path)

    async def tasks(self, cluster: MemberCluster, limit: int = 200) -> list[Task]:
        """Every task that acted on this cluster, newest first."""
        return await self._store.list_tasks(cluster=cluster.name, limit=limit)

    # ---- edge nodes (§3.1.3.1, §5.6) -------------------------------------------------------

    async def _member_client(self, cluster: MemberCluster) -> Any:
        engine = await self.engine_of(cluster.instance_id)
        if not cluster.kubeconfig and not engine.members_from_control_plane:
            raise ClusterNotRegistered(cluster=cluster.name)
        return await engine.client(cluster)

    async def edge_nodes(self, cluster: MemberCluster) -> list[EdgeNode]:
        """(name, ready, is_edge) for every node, live from the cluster."""
        from ccseone_tui.services.clusters.member import list_edge_nodes

        return await list_edge_nodes(await self._member_client(cluster))

    async def label_edge(self, cluster: MemberCluster, nodes: Sequence[str], *,
                         confirm: str | None = None) -> Task:
        """Label the chosen nodes ``ccseone-node-type=edge`` (merge patch), one task result
        per node; the probe is refreshed afterwards so the edge count is current."""
        from ccseone_tui.services.clusters.member import label_action

        self._guard.check_writable()
        names = list(dict.fromkeys(n.strip() for n in nodes if n.strip()))
        if not names:
            raise ValidationError("nodes", "", t("rule.nodes_required"))
        self._guard.check_confirmed([cluster], confirm)
        client = await self._member_client(cluster)
        task = await self._tasks.run(
            "cluster.label-edge", cluster.name,
            {f"{cluster.name}/{n}": label_action(client, n) for n in names},
            instance_id=cluster.instance_id)
        await self.probe(cluster)
        return task

    # ---- delete (§3.1.3.6) -------------------------------------------------------------------

    async def deployed_apps(self, cluster: MemberCluster) -> list[str]:
        """Names of the published apps with a target on this cluster (a draft, revision 0,
        has put nothing there: it just loses that target with the cluster)."""
        names = []
        for app in await self._store.list_apps(cluster.instance_id):
            if app.current_revision == 0:
                continue
            if any(cid == cluster.id for cid, _ in await self._store.app_targets(app.id)):
                names.append(app.name)
        return names

    async def sync_members(self, instance: Any) -> Any:
        """Set by ``open_services``: ``MembersService.sync`` (hub members into the cache)."""
        if self.members is None:
            return None
        snapshot = await self.members.sync(instance)
        self.last_sync[instance.id] = snapshot  # stale or not: the CLI and TUI say so
        return snapshot

    members: Any = None  # services.clusters.members.MembersService, wired by open_services

    async def delete(self, name_or_id: str, *, confirm: str | None = None,
                     force: bool = False, remove_finalizers: bool = False,
                     wait_seconds: float = 30.0) -> ClusterDeletion:
        """Refused while protected, unconfirmed (production) or with apps deployed (unless
        ``force``). A registered cluster's member-side objects are removed when ccseone holds
        its credentials, else the commands to remove them are returned; its credentials file
        goes. A cluster associated from kubeconfig is only detached: nothing on it was ours."""
        from ccseone_tui.services.clusters.join import member_cleanup_commands
        from ccseone_tui.services.clusters.member import ClusterDeletion, owns_credentials

        self._guard.check_writable()
        cluster = await self.get(name_or_id)
        self._guard.check_not_protected(t("noun.cluster"), cluster.name,
                                        cluster.deletion_protection)
        self._guard.check_confirmed([cluster], confirm)
        result = ClusterDeletion(cluster=cluster.name, apps=await self.deployed_apps(cluster))
        if result.apps and not force:
            raise AppsStillDeployed(cluster=cluster.name, count=len(result.apps),
                                    apps=", ".join(result.apps))
        engine = await self.engine_of(cluster.instance_id)
        if engine.members_from_control_plane:
            return await self._delete_on_control_plane(engine, cluster, result,
                                                       remove_finalizers, wait_seconds)
        if owns_credentials(cluster.kubeconfig, self._credentials_dir):
            await self._clean_member(cluster, result)
        elif cluster.source is not ClusterSource.KUBECONFIG:
            # created for registration; the join command may have run without register
            result.commands = member_cleanup_commands(cluster.name)
        await self._store.delete_cluster(cluster.id)
        await self._forget_credentials(cluster)
        await self._tasks.journal(cluster.instance_id, "cluster.delete", cluster.name,
                                  "Succeeded")
        self._events.emit(ClustersChanged(cluster.instance_id))
        return result

    async def _delete_on_control_plane(self, engine: Any, cluster: MemberCluster,
                                       result: ClusterDeletion, remove_finalizers: bool,
                                       wait_seconds: float) -> ClusterDeletion:
        """Remove the member from its hub (works, addons, the ManagedCluster, its
        namespace, an argocd secret). Stopped by works stuck on their finalizer: the row
        stays, the stuck works are reported, a confirmed retry removes the finalizer."""
        from ccseone_tui.services.clusters.member import CleanupStep

        try:
            removal = await engine.remove_member(cluster.name,
                                                 remove_finalizers=remove_finalizers,
                                                 wait_seconds=wait_seconds)
        except CcseoneError as exc:
            await self._tasks.journal(cluster.instance_id, "cluster.delete", cluster.name,
                                      "Failed", error=str(exc))
            raise
        result.steps = [CleanupStep(s.target, s.status, s.message) for s in removal.steps]
        result.commands = removal.commands
        result.stuck, result.done = removal.stuck, removal.done
        if not removal.done:
            await self._tasks.journal(cluster.instance_id, "cluster.delete", cluster.name,
                                      "Failed", error=t("hub.cleanup.stopped",
                                                        works=", ".join(removal.stuck)))
            return result
        await self._store.delete_cluster(cluster.id)
        await self._forget_credentials(cluster)
        await self._tasks.journal(cluster.instance_id, "cluster.delete", cluster.name,
                                  "Succeeded")
        self._events.emit(ClustersChanged(cluster.instance_id))
        return result

    async def release(self, cluster: MemberCluster) -> ClusterDeletion:
        """What a delete does on the member, for a cluster whose record is already gone (its
        instance was deleted with ``detach_clusters``): remove ccseone's objects there when
        ccseone holds its credentials, then the credentials file — a 0600 token file must
        not outlive the cluster it was for."""
        from ccseone_tui.services.clusters.join import member_cleanup_commands
        from ccseone_tui.services.clusters.member import ClusterDeletion, owns_credentials

        result = ClusterDeletion(cluster=cluster.name, apps=[])
        if owns_credentials(cluster.kubeconfig, self._credentials_dir):
            await self._clean_member(cluster, result)
        elif cluster.source is not ClusterSource.KUBECONFIG:
            result.commands = member_cleanup_commands(cluster.name)
        await self._forget_credentials(cluster)
        return result

    async def _clean_member(self, cluster: MemberCluster, result: ClusterDeletion) -> None:
        from ccseone_tui.services.clusters.join import member_cleanup_commands
        from ccseone_tui.services.clusters.member import CleanupStep, cleanup_actions

        try:
            client = await self._engine.client(cluster)
        except CcseoneError as exc:
            result.steps.append(CleanupStep(cluster.name, TaskStatus.FAILED.value, str(exc)))
            result.commands = member_cleanup_commands(cluster.name)
            return
        task = await self._tasks.run("cluster.cleanup", cluster.name,
                                     cleanup_actions(client, cluster.name),
                                     instance_id=cluster.instance_id, batch_size=1,
                                     stop_on_failure=True)
        result.task_id = task.id
        result.steps = [CleanupStep(r.target.partition("/")[2], r.status.value, r.message)
                        for r in task.results]
        if task.status is not TaskStatus.SUCCEEDED:
            result.commands = member_cleanup_commands(cluster.name)

    async def _forget_credentials(self, cluster: MemberCluster) -> None:
        from ccseone_tui.kube import ClusterRef
        from ccseone_tui.services.clusters.member import owns_credentials

        if self._pool is not None:
            await self._pool.forget(ClusterRef(name=cluster.name,
                                               kubeconfig=cluster.kubeconfig or "",
                                               context=cluster.context))
        if owns_credentials(cluster.kubeconfig, self._credentials_dir):
            await asyncio.to_thread(Path(cluster.kubeconfig or "").unlink, missing_ok=True)

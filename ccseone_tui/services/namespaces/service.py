"""Fleet namespaces (SPEC §3.2): created once in a control instance, kept in sync on every
member cluster that its selector picks, including clusters that join later.

Every write is a task with one result per cluster (``TasksService.run``): a cluster that
fails never rolls the others back, and ``retry`` re-runs the failed ones only. After each
operation and each ``check`` the per-cluster sync state is stored, so the list and the
detail read the cache and never wait for the network. The Kubernetes side (server-side
apply with field manager ``ccseone``, drift, delete, contents) is ``namespace_apply.py``;
the per-cluster task steps that store the states are ``namespace_actions.py``; the spec
rules and the selector are ``namespace_spec.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, NotFound
from ccseone_tui.domain.models import (
    ControlInstance,
    FleetNamespace,
    MemberCluster,
    Task,
)
from ccseone_tui.domain.namespaces import (
    ClusterContents,
    ClusterSync,
    ClusterWaiting,
    NamespaceExists,
    NamespaceNotFound,
    NamespaceSpec,
    NamespaceStatus,
    NotRetryable,
    SyncState,
)
from ccseone_tui.i18n import t
from ccseone_tui.services.namespaces import apply as kube
from ccseone_tui.services.namespaces.actions import Action, ClusterSteps, waiting
from ccseone_tui.services.namespaces.spec import (
    CheckedSpec,
    check_leaving,
    check_spec,
    matches,
    selector_text,
)
from ccseone_tui.services.shared import SharedState
from ccseone_tui.services.tasks import RETRYABLE, new_id
from ccseone_tui.store.errors import AlreadyExists

KINDS = ("namespace.create", "namespace.edit", "namespace.repair", "namespace.delete",
         "namespace.sync")


def slowest_of(targets: list[MemberCluster]) -> Callable[[str], tuple[bool, float]]:
    """The order a fan-out starts its clusters in (``TasksService.run``'s ``start_order``):
    the ones the last probe saw fail first, then the slowest, as the refresh does. The
    runner starts a slice per loop turn, so the last slice starts later than the first;
    the long poles go first and the fast ones catch up."""
    from ccseone_tui.services.clusters.service import slowest_first  # as live.py does

    keys = {c.name: slowest_first(c) for c in targets}
    return keys.__getitem__


@dataclass(frozen=True, slots=True)
class NamespacesChanged:
    """A fleet namespace was created, edited or deleted, or its sync states changed."""

    instance_id: str
    name: str | None = None


class NamespacesService:
    def __init__(self, store: Any, clusters: Any, instances: Any, guard: Any, tasks: Any,
                 events: Any, shared: SharedState | None = None) -> None:
        self._store = store
        self._clusters = clusters
        self._instances = instances
        self._guard = guard
        self._tasks = tasks
        self._events = events
        self._steps = ClusterSteps(store, clusters, guard)
        # the records every ccseone of the instance shares (ocm: on the hub)
        self._shared = shared or SharedState(store, clusters)

    # ---- reading (cache only) ----------------------------------------------------------

    async def list(self, instance_id: str) -> list[FleetNamespace]:
        """Higher priority first, then by name; synced from the shared records first."""
        await self._shared.sync_namespaces(await self._instances.get(instance_id))
        return await self._store.list_namespaces(instance_id)

    async def get(self, instance: str, name: str) -> FleetNamespace:
        inst = await self._instances.get(instance)
        await self._shared.sync_namespaces(inst)
        return await self._record(inst, name)

    async def _record(self, inst: ControlInstance, name: str) -> FleetNamespace:
        await self._shared.ensure_namespaces(inst)  # a write carries the version it read
        ns = await self._store.get_namespace(inst.id, name)
        if ns is None:
            raise NamespaceNotFound(name=name, instance=inst.name)
        return ns

    async def matching_clusters(self, instance: str, selector: dict[str, str]
                                ) -> list[MemberCluster]:
        inst = await self._instances.get(instance)
        return await self._matching(inst.id, selector)

    async def _matching(self, instance_id: str, selector: dict[str, str]
                        ) -> list[MemberCluster]:
        return [c for c in await self._clusters.list(instance_id) if matches(c, selector)]

    async def list_status(self, instance: str) -> list[NamespaceStatus]:
        """Every namespace of the instance with the last known state on each cluster it
        selects (``Pending`` where nothing was recorded yet)."""
        inst = await self._instances.get(instance)
        clusters = await self._clusters.list(inst.id)
        out = []
        for ns in await self.list(inst.id):
            out.append(await self._cached_status(ns, [c for c in clusters
                                                      if matches(c, ns.selector)]))
        return out

    async def status(self, instance: str, name: str) -> NamespaceStatus:
        """One namespace from the cache (the detail view before a live ``check``)."""
        inst = await self._instances.get(instance)
        await self._shared.sync_namespaces(inst)
        ns = await self._record(inst, name)
        return await self._cached_status(ns, await self._matching(inst.id, ns.selector))

    async def _cached_status(self, ns: FleetNamespace, clusters: list[MemberCluster]
                             ) -> NamespaceStatus:
        states = await self._store.sync_states(ns.id)
        rows = []
        for c in clusters:
            if c.id in states:
                state, message, at = states[c.id]
                rows.append(ClusterSync(c, SyncState(state), message, at))
            else:
                note = ClusterWaiting(cluster=c.name).message if waiting(c) else ""
                rows.append(ClusterSync(c, SyncState.PENDING, note))
        return NamespaceStatus(ns, rows)

    # ---- validation --------------------------------------------------------------------

    async def validate(self, instance: str, spec: NamespaceSpec, *,
                       editing: str | None = None) -> list[str]:
        """Raise ``ValidationError`` on the first bad field; return warnings (a selector
        that matches no cluster is allowed: clusters matching later receive it)."""
        inst = await self._instances.get(instance)
        _, warnings, _ = await self._validate(inst, spec, editing)
        return warnings

    async def _validate(self, inst: ControlInstance, spec: NamespaceSpec, editing: str | None
                        ) -> tuple[CheckedSpec, list[str], list[MemberCluster]]:
        """The checked spec, the warnings, and the clusters its selector picks (the caller
        fans out over them: listing 1,000 clusters once is enough)."""
        if editing is not None:
            spec = dataclasses.replace(spec, name=editing)  # the name never changes
        checked = check_spec(spec)
        await self._shared.ensure_namespaces(inst)
        if editing is None and await self._store.get_namespace(inst.id, checked.name):
            raise NamespaceExists(checked.name, inst.name)
        warnings = []
        clusters = await self._matching(inst.id, checked.selector)
        if not clusters:
            warnings.append(t("ns.warn.selector_none", selector=selector_text(
                checked.selector), instance=inst.name))
        if any(waiting(c) for c in clusters):
            warnings.append(t("ns.warn.waiting", clusters=", ".join(
                c.name for c in clusters if waiting(c))))
        return checked, warnings, clusters

    async def adoption_needed(self, instance: str, spec: NamespaceSpec) -> list[ClusterSync]:
        """Live: the selected clusters where a namespace of that name exists and ccseone
        did not create it (ask before ``create(..., adopt=True)``). Unreachable clusters
        are left out: their answer comes with the create task."""
        inst = await self._instances.get(instance)
        clusters = [c for c in await self._matching(inst.id, dict(spec.selector or {}))
                    if not waiting(c)]
        engine = await self._engine(inst)

        async def one(c: MemberCluster) -> ClusterSync | None:
            try:
                live = await kube.get_or_none(await engine.client(c), "v1",
                                              "Namespace", spec.name)
            except CcseoneError:
                return None
            problem = None if live is None else kube.owner_problem(live, inst.name, c.name)
            return None if problem is None else ClusterSync(c, SyncState.ERROR, str(problem))

        found = await asyncio.gather(*(one(c) for c in clusters))
        return [f for f in found if f is not None]

    # ---- create ------------------------------------------------------------------------

    async def create(self, instance: str, spec: NamespaceSpec, *, adopt: bool = False,
                     confirm: str | None = None) -> Task:
        """Record the namespace and apply it on every selected cluster (one task). A
        namespace of that name that ccseone did not create fails its cluster unless
        ``adopt``. Production clusters need their names in ``confirm``."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        checked, _, selected = await self._validate(inst, spec, None)
        targets = [c for c in selected if not waiting(c)]
        self._guard.check_confirmed(targets, confirm)
        ns = FleetNamespace(id=new_id("ns"), instance_id=inst.id, created_at=time.time(),
                            **dataclasses.asdict(checked))
        # shared first: another ccseone holding the name stops this before any cluster
        await self._shared.put_namespace(inst, ns, create=True)
        try:
            await self._store.add_namespace(ns)
        except AlreadyExists as exc:  # a create racing this one took the name
            raise NamespaceExists(ns.name, inst.name) from exc
        self._changed(ns)
        engine = await self._engine(inst)
        task = await self._tasks.run(
            "namespace.create", ns.name,
            {c.name: self._steps.apply(c, ns, inst.name, adopt, engine) for c in targets},
            instance_id=inst.id, start_order=slowest_of(targets))
        self._changed(ns)
        return task

    def _changed(self, ns: FleetNamespace) -> None:
        self._events.emit(NamespacesChanged(ns.instance_id, ns.name))

    async def _engine(self, inst: ControlInstance) -> Any:
        """The instance's engine, looked up once for a whole fan-out: every cluster of the
        operation belongs to ``inst``, and a look-up per cluster was a database read each
        (1,000 at 1,000 clusters). The operation works with the instance as it read it at
        its start, as it already does with its name."""
        return await self._clusters.engine_of(inst.id)

    # ---- check and repair --------------------------------------------------------------

    async def check(self, instance: str, name: str) -> NamespaceStatus:
        """Live: read the namespace and its quota on every selected cluster at once,
        compare with the record, store and return each cluster's state. Only reads the
        clusters (allowed in read-only mode)."""
        inst = await self._instances.get(instance)
        ns = await self._record(inst, name)
        clusters = await self._matching(inst.id, ns.selector)
        engine = await self._engine(inst)
        # no task to carry the states: they are written together once every cluster has
        # answered (one transaction, not one per cluster)
        rows = await self._steps.check_all(inst.name, ns, clusters, engine)
        self._changed(ns)
        return NamespaceStatus(ns, list(rows))

    async def repair(self, instance: str, name: str, *, confirm: str | None = None) -> Task:
        """Check every cluster, then re-apply where the namespace is Missing or Drifted
        only; Synced clusters are not written to."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        status = await self.check(instance, name)
        targets = [c.cluster for c in status.clusters if c.state.repairable]
        self._guard.check_confirmed(targets, confirm)
        ns = status.namespace
        engine = await self._engine(inst)
        task = await self._tasks.run(
            "namespace.repair", ns.name,
            {c.name: self._steps.apply(c, ns, inst.name, False, engine) for c in targets},
            instance_id=inst.id, start_order=slowest_of(targets))
        self._changed(ns)
        return task

    # ---- edit --------------------------------------------------------------------------

    async def leaving_clusters(self, instance: str, name: str, selector: dict[str, str]
                               ) -> list[MemberCluster]:
        """Clusters the namespace is on now that ``selector`` would no longer pick."""
        inst = await self._instances.get(instance)
        ns = await self._record(inst, name)
        return [c for c in await self._matching(inst.id, ns.selector)
                if not matches(c, selector)]

    async def edit(self, instance: str, name: str, *, priority: int | str | None = None,
                   labels: dict[str, str] | None = None,
                   selector: dict[str, str] | None = None,
                   cpu_limit: str | EllipsisType | None = ...,
                   memory_limit: str | EllipsisType | None = ...,
                   leaving: str = "keep", confirm: str | None = None,
                   adopt: bool = False) -> Task:
        """Change the record and propagate it to every selected cluster (one task).
        ``None`` keeps priority/labels/selector; ``...`` keeps a limit, ``None`` or ``""``
        removes it (and the quota with the last one). Clusters the new selector no longer
        picks: ``leaving="keep"`` leaves the namespace there (no longer synced),
        ``"delete"`` deletes it there, in the same task."""
        self._guard.check_writable()
        check_leaving(leaving)
        inst = await self._instances.get(instance)
        old = await self._record(inst, name)
        spec = NamespaceSpec.of(old)
        if priority is not None:
            spec.priority = priority
        if labels is not None:
            spec.labels = dict(labels)
        if selector is not None:
            spec.selector = dict(selector)
        if not isinstance(cpu_limit, EllipsisType):
            spec.cpu_limit = cpu_limit
        if not isinstance(memory_limit, EllipsisType):
            spec.memory_limit = memory_limit
        checked, _, selected = await self._validate(inst, spec, name)
        new = FleetNamespace(id=old.id, instance_id=old.instance_id,
                             created_at=old.created_at, **dataclasses.asdict(checked))
        before = await self._matching(inst.id, old.selector)
        after = [c for c in selected if not waiting(c)]
        gone = [c for c in before if not matches(c, new.selector) and not waiting(c)]
        written = after + (gone if leaving == "delete" else [])
        self._guard.check_confirmed(written, confirm)
        # over the version read: someone else's edit meanwhile is ChangedElsewhere
        await self._shared.put_namespace(inst, new, create=False)
        await self._store.update_namespace(new)
        self._changed(new)
        engine = await self._engine(inst)
        actions = {c.name: self._steps.apply(c, new, inst.name, adopt, engine) for c in after}
        if leaving == "delete":
            actions.update({c.name: self._steps.delete(c, new, engine) for c in gone})
        task = await self._tasks.run("namespace.edit", new.name, actions, instance_id=inst.id)
        self._changed(new)
        return task

    # ---- delete ------------------------------------------------------------------------

    async def delete_preview(self, instance: str, name: str) -> list[ClusterContents]:
        """Live, per selected cluster: the workloads the namespace still holds (deleting
        it destroys them) and whether the cluster is production (typed confirmation)."""
        inst = await self._instances.get(instance)
        ns = await self._record(inst, name)
        clusters = [c for c in await self._matching(inst.id, ns.selector) if not waiting(c)]
        engine = await self._engine(inst)
        return list(await asyncio.gather(*(self._steps.contents(ns, c, engine)
                                           for c in clusters)))

    async def delete(self, instance: str, name: str, *, confirm: str | None = None) -> Task:
        """Delete the namespace on every selected cluster (Background propagation), one
        task. The record goes once every cluster has accepted the delete; until then it
        stays with each cluster's state (Terminating, Unreachable, Error) so ``retry``
        (or deleting again) can finish the job."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        ns = await self._record(inst, name)
        targets = [c for c in await self._matching(inst.id, ns.selector) if not waiting(c)]
        self._guard.check_confirmed(targets, confirm)
        engine = await self._engine(inst)
        task = await self._tasks.run("namespace.delete", ns.name,
                                     {c.name: self._steps.delete(c, ns, engine)
                                      for c in targets},
                                     instance_id=inst.id, start_order=slowest_of(targets))
        await self._finish_delete(inst, ns)
        return task

    async def _finish_delete(self, inst: ControlInstance, ns: FleetNamespace) -> None:
        targets = [c for c in await self._matching(ns.instance_id, ns.selector)
                   if not waiting(c)]
        states = await self._store.sync_states(ns.id)
        if all(states.get(c.id, ("",))[0] == SyncState.TERMINATING.value for c in targets):
            await self._shared.drop_namespace(inst, ns)
            await self._store.delete_namespace(ns.id)
        self._changed(ns)

    # ---- retry -------------------------------------------------------------------------

    async def retry(self, task_id: str, *, confirm: str | None = None,
                    adopt: bool = False) -> Task:
        """Run the failed (or cancelled) targets of a namespace task again, against the
        record as it is now; the others are left alone. ``adopt`` takes over namespaces
        ccseone did not create (the usual reason a create failed on a cluster)."""
        self._guard.check_writable()
        task = await self._tasks.get(task_id)
        if task is None:
            raise NotFound(kind="task", name=task_id)
        if task.kind not in KINDS or not task.instance_id:
            raise NotRetryable(task_id, t("ns.retry.not_namespace"))
        failed = [r.target for r in task.results if r.status in RETRYABLE]
        if not failed:
            raise NotRetryable(task_id, t("ns.retry.nothing_failed"))
        inst = await self._instances.get(task.instance_id)
        by_name = {c.name: c for c in await self._clusters.list(inst.id)}
        if task.kind == "namespace.sync":
            return await self._retry_sync(task, inst, by_name, failed, confirm, adopt)
        await self._shared.ensure_namespaces(inst)
        ns = await self._store.get_namespace(inst.id, task.target)
        if ns is None:
            raise NotRetryable(task_id, t("ns.retry.gone"))
        clusters = [self._known(by_name, name) for name in failed]
        self._guard.check_confirmed(clusters, confirm)
        engine = await self._engine(inst)
        actions: dict[str, Action] = {}
        for c in clusters:
            leaving = task.kind == "namespace.edit" and not matches(c, ns.selector)
            if task.kind == "namespace.delete" or leaving:
                actions[c.name] = self._steps.delete(c, ns, engine)
            else:
                actions[c.name] = self._steps.apply(c, ns, inst.name, adopt, engine)
        again = await self._tasks.run(task.kind, ns.name, actions, instance_id=inst.id)
        if task.kind == "namespace.delete":
            await self._finish_delete(inst, ns)
        else:
            self._changed(ns)
        return again

    @staticmethod
    def _known(by_name: dict[str, MemberCluster], name: str) -> MemberCluster:
        if name not in by_name:
            raise NotFound(kind=t("noun.cluster"), name=name)
        return by_name[name]

    async def _retry_sync(self, task: Task, inst: ControlInstance,
                          by_name: dict[str, MemberCluster], failed: list[str],
                          confirm: str | None, adopt: bool) -> Task:
        cluster = self._known(by_name, task.target)
        self._guard.check_confirmed([cluster], confirm)
        records = {ns.name: ns for ns in await self.list(inst.id)}
        engine = await self._engine(inst)
        actions: dict[str, Action] = {}
        for target in failed:
            ns = records.get(target.partition("/")[2])
            if ns is not None and matches(cluster, ns.selector):
                actions[target] = self._steps.apply(cluster, ns, inst.name, adopt, engine)
        return await self._tasks.run(task.kind, cluster.name, actions, instance_id=inst.id)

    # ---- a cluster that joined later ---------------------------------------------------

    async def sync_cluster(self, cluster: MemberCluster) -> Task | None:
        """Apply every namespace of the cluster's instance that selects it, higher
        priority first (one task, one result per namespace, ``cluster/namespace``).
        ``None`` when there is nothing to apply or nothing to talk to. Called after a
        cluster is associated or registered: it joining was the user's confirmation."""
        if self._guard.read_only or waiting(cluster):
            return None
        namespaces = [ns for ns in await self.list(cluster.instance_id)
                      if matches(cluster, ns.selector)]
        if not namespaces:
            return None
        inst = await self._instances.get(cluster.instance_id)
        engine = await self._engine(inst)
        task = await self._tasks.run(
            "namespace.sync", cluster.name,
            {f"{cluster.name}/{ns.name}": self._steps.apply(cluster, ns, inst.name, False,
                                                            engine)
             for ns in namespaces},
            instance_id=inst.id)
        self._events.emit(NamespacesChanged(inst.id, None))
        return task


__all__ = ["NamespacesChanged", "NamespacesService"]

"""Control instances: create, list, show, edit, delete (SPEC "Control instances")."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ccseone_tui.domain.errors import (
    CcseoneError,
    InstanceNotFound,
    NameExists,
    NotAControlInstance,
    ValidationError,
)
from ccseone_tui.domain.limits import check_description
from ccseone_tui.domain.models import ControlInstance, Engine, InstanceStatus, MemberCluster
from ccseone_tui.domain.validation import check_resource_name
from ccseone_tui.i18n import t
from ccseone_tui.services.events import EventBus, InstancesChanged
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.tasks import TasksService, new_id

log = logging.getLogger(__name__)


class InstanceHasClusters(CcseoneError):
    key = "instance.delete.has_clusters"
    fix_key = "instance.delete.has_clusters.fix"


class InstancesService:
    def __init__(self, store: Any, events: EventBus, guard: Guard, tasks: TasksService,
                 regions: tuple[str, ...], *, engines: Any = None,
                 kubeconfig_paths: list[str] | None = None) -> None:
        self._engines = engines  # engines.EngineFactory: checks a hub before it is saved
        self._kubeconfig_paths = list(kubeconfig_paths or [])
        self._store = store
        self._events = events
        self._guard = guard
        self._tasks = tasks
        self._regions = regions
        # run for each cluster detached by deleting its instance (wired to clusters.release)
        self.on_detach: list[Callable[[MemberCluster], Awaitable[object]]] = []

    async def list(self) -> list[ControlInstance]:
        return await self._store.list_instances()

    async def get(self, name_or_id: str) -> ControlInstance:
        """The instance, or the §6.1 error: not found, or the name is a cluster."""
        inst = await self._store.get_instance(name_or_id)
        if inst is not None:
            return inst
        if await self._store.get_cluster(name_or_id) is not None:
            raise NotAControlInstance(name=name_or_id)
        raise InstanceNotFound(name=name_or_id)

    async def counts(self, instance_id: str) -> dict[str, int]:
        return await self._store.instance_counts(instance_id)

    async def create(
        self,
        name: str,
        region: str,
        *,
        deletion_protection: bool = True,
        description: str = "",
        engine: Engine = Engine.LOCAL,
        instance_id: str | None = None,
        hub_context: str | None = None,
        hub_kubeconfig: str | None = None,
    ) -> ControlInstance:
        """Engine ``ocm`` needs the hub's kubeconfig context: it is checked to be a hub
        (ManagedClusters served, bootstrap account present) before anything is saved; the
        instance keeps the file and context name, never credentials."""
        self._guard.check_writable()
        check_resource_name(name)
        check_description(description)
        if region not in self._regions:
            allowed = ", ".join(self._regions)
            raise ValidationError("region", region, t("rule.region", regions=allowed))
        engine = Engine(engine)
        if engine is Engine.LOCAL and (hub_context or hub_kubeconfig):
            raise ValidationError("context", hub_context or hub_kubeconfig,
                                  t("rule.hub_context_ocm_only"))
        if engine is Engine.OCM and not (hub_context or "").strip():
            raise ValidationError("context", hub_context or "", t("rule.hub_context"))
        if engine is Engine.OCM and self._engines is None:
            raise ValidationError("engine", engine.value, t("rule.engine_local_only"))
        if await self._store.get_instance(name) or await self._store.get_cluster(name):
            raise NameExists(name=name)
        inst = ControlInstance(
            id=instance_id or new_id("inst"), name=name, region=region, engine=engine,
            status=InstanceStatus.READY, deletion_protection=deletion_protection,
            description=description, created_at=time.time(),
        )
        if engine is Engine.OCM:
            inst.hub_context = (hub_context or "").strip()
            inst.hub_kubeconfig = self._hub_file(inst.hub_context, hub_kubeconfig)
            checked = self._engines.build(inst)
            try:
                await checked.check()
            finally:
                await checked.close()
        await self._store.add_instance(inst)
        await self._tasks.journal(inst.id, "instance.create", name, "Succeeded")
        self._events.emit(InstancesChanged(await self.list()))
        return inst

    def _hub_file(self, context: str, kubeconfig: str | None) -> str:
        """The file that holds ``context``: the one given, else the first of the
        kubeconfig paths that has it (kubectl's merge order)."""
        from ccseone_tui.domain.member_errors import HubContextMissing
        from ccseone_tui.kube import list_contexts

        paths = [kubeconfig] if kubeconfig else self._kubeconfig_paths
        found = next((c for c in list_contexts(paths) if c.name == context), None)
        if found is None:
            raise HubContextMissing(context=context, files=", ".join(paths) or "-")
        return kubeconfig or found.file

    async def edit(self, name_or_id: str, *, description: str | None = None,
                   deletion_protection: bool | None = None) -> ControlInstance:
        self._guard.check_writable()
        check_description(description)
        inst = await self.get(name_or_id)
        if description is not None:
            inst.description = description
        if deletion_protection is not None:
            inst.deletion_protection = deletion_protection
        await self._store.update_instance(inst)
        await self._tasks.journal(inst.id, "instance.edit", inst.name, "Succeeded")
        self._events.emit(InstancesChanged(await self.list()))
        return inst

    async def delete(self, name_or_id: str, *, detach_clusters: bool = False) -> None:
        """Refused while protected; refused while clusters are attached unless detaching them."""
        self._guard.check_writable()
        inst = await self.get(name_or_id)
        self._guard.check_not_protected(t("noun.instance"), inst.name, inst.deletion_protection)
        clusters = await self._store.list_clusters(inst.id)
        if clusters and not detach_clusters:
            raise InstanceHasClusters(name=inst.name, count=len(clusters))
        async with self._store.transaction():
            for cluster in clusters:
                await self._store.delete_cluster(cluster.id)
            await self._store.delete_instance(inst.id)
        # the records are gone; now what ccseone left on (and for) each detached cluster. A
        # hub's members are the hub's: only their cache rows go, nothing is released
        for cluster in clusters if Engine(inst.engine) is Engine.LOCAL else ():
            for hook in self.on_detach:
                try:
                    await hook(cluster)
                except Exception:  # logged: the instance is deleted either way
                    log.exception("on_detach hook failed for cluster %s", cluster.name)
        self._events.emit(InstancesChanged(await self.list()))

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
                 regions: tuple[str, ...]) -> None:
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
    ) -> ControlInstance:
        self._guard.check_writable()
        check_resource_name(name)
        if region not in self._regions:
            allowed = ", ".join(self._regions)
            raise ValidationError("region", region, t("rule.region", regions=allowed))
        if engine is not Engine.LOCAL:
            raise ValidationError("engine", engine.value, t("rule.engine_local_only"))
        if await self._store.get_instance(name) or await self._store.get_cluster(name):
            raise NameExists(name=name)
        inst = ControlInstance(
            id=instance_id or new_id("inst"), name=name, region=region, engine=engine,
            status=InstanceStatus.READY, deletion_protection=deletion_protection,
            description=description, created_at=time.time(),
        )
        await self._store.add_instance(inst)
        await self._tasks.journal(inst.id, "instance.create", name, "Succeeded")
        self._events.emit(InstancesChanged(await self.list()))
        return inst

    async def edit(self, name_or_id: str, *, description: str | None = None,
                   deletion_protection: bool | None = None) -> ControlInstance:
        self._guard.check_writable()
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
        # the records are gone; now what ccseone left on (and for) each detached cluster
        for cluster in clusters:
            for hook in self.on_detach:
                try:
                    await hook(cluster)
                except Exception:  # logged: the instance is deleted either way
                    log.exception("on_detach hook failed for cluster %s", cluster.name)
        self._events.emit(InstancesChanged(await self.list()))

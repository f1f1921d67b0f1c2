"""The use cases, async and without Textual: every screen and every CLI command goes through
here. ``open_services`` wires the cache, the Kubernetes pool and the event bus."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.engines import LocalEngine
from ccseone_tui.services.catalog import AppsService, NamespacesService, TemplatesService
from ccseone_tui.services.clusters import AssociateRequest, ClustersService
from ccseone_tui.services.events import EventBus
from ccseone_tui.services.fleet import FleetService
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.instances import InstancesService
from ccseone_tui.services.logs import LogsService
from ccseone_tui.services.registration import RegistrationService
from ccseone_tui.services.tasks import TasksService


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


@dataclass
class Services:
    settings: Settings
    store: Any
    pool: Any
    events: EventBus
    guard: Guard
    user: str
    instances: InstancesService
    clusters: ClustersService
    namespaces: NamespacesService
    templates: TemplatesService
    apps: AppsService
    tasks: TasksService
    fleet: FleetService
    logs: LogsService
    registration: RegistrationService

    @property
    def read_only(self) -> bool:
        return self.guard.read_only

    @property
    def recovery_message(self) -> str | None:
        """Set when the cache file was corrupt and was moved aside at open."""
        return getattr(self.store, "recovery_message", None)

    def is_production(self, cluster: MemberCluster) -> bool:
        return self.guard.is_production(cluster)

    async def close(self) -> None:
        await self.pool.close()
        await self.store.close()


async def open_services(settings: Settings, *, user: str | None = None) -> Services:
    """Open the cache and build the services. Kubernetes is not imported until first use."""
    from ccseone_tui.kube import KubePool
    from ccseone_tui.store import Store

    store = await Store.open(settings.db_path)
    pool = KubePool(settings)
    events = EventBus()
    guard = Guard(settings.read_only, settings.production_selector)
    who = user or current_user()
    tasks = TasksService(store, events, who)
    instances = InstancesService(store, events, guard, tasks, settings.regions)
    engine = LocalEngine(pool)
    clusters = ClustersService(store, engine, events, guard, tasks, instances,
                               settings.kubeconfig_paths(),
                               credentials_dir=settings.credentials_dir, pool=pool,
                               regions=settings.regions)
    registration = RegistrationService(store, engine, pool, settings, events, guard, tasks,
                                       instances, clusters)
    return Services(
        settings=settings, store=store, pool=pool, events=events, guard=guard, user=who,
        instances=instances, clusters=clusters, namespaces=NamespacesService(store),
        templates=TemplatesService(store), apps=AppsService(store), tasks=tasks,
        logs=LogsService(store, clusters, tasks, events, settings.log_max_streams),
        fleet=FleetService(clusters, instances, guard, connect_timeout=settings.connect_timeout,
                           read_timeout=settings.read_timeout),
        registration=registration,
    )


__all__ = ["AssociateRequest", "Services", "open_services"]

"""The use cases, async and without Textual: every screen and every CLI command goes through
here. ``open_services`` wires the cache, the Kubernetes pool and the event bus."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.engines import EngineFactory, LocalEngine
from ccseone_tui.services.clusters.service import AssociateRequest, ClustersService
from ccseone_tui.services.events import EventBus
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.instances import InstancesService
from ccseone_tui.services.tasks import TasksService

if TYPE_CHECKING:
    from ccseone_tui.services.apps.service import AppsService
    from ccseone_tui.services.clusters.members import MembersService
    from ccseone_tui.services.clusters.registration import RegistrationService
    from ccseone_tui.services.fleet.service import FleetService
    from ccseone_tui.services.logs.service import LogsService
    from ccseone_tui.services.namespaces.service import NamespacesService
    from ccseone_tui.services.resources.objects import ObjectsService
    from ccseone_tui.services.resources.service import ResourceService
    from ccseone_tui.services.resources.shell import ShellService
    from ccseone_tui.services.shared import SharedState
    from ccseone_tui.services.templates.service import TemplatesService


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
    tasks: TasksService
    # shared by ``clusters`` and ``registration``; the engine-agnostic work goes through it
    engine: Any = field(default=None, repr=False, compare=False)
    # one engine per instance (local shared, ocm per hub)
    engines: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def members(self) -> MembersService:
        """Hub members: follow/sync into the cache, accept/deny, map-context, hub info."""
        from ccseone_tui.services.clusters.members import MembersService

        members = MembersService(self.store, self.engines, self.events, self.guard, self.tasks,
                                 self.instances, self.clusters,
                                 self.settings.kubeconfig_paths())
        self.clusters.members = members
        return members
    # tasks found Interrupted when these services were opened (their process was killed)
    interrupted: list[Any] = field(default_factory=list, repr=False, compare=False)

    # Built on first use, so their modules (and yaml) are not imported before the first frame.

    @cached_property
    def fleet(self) -> FleetService:
        from ccseone_tui.services.fleet.service import FleetService

        return FleetService(self.clusters, self.instances, self.guard,
                            connect_timeout=self.settings.connect_timeout,
                            read_timeout=self.settings.read_timeout)

    @cached_property
    def resources(self) -> ResourceService:
        """Any kind across the fleet: discovery, kubectl's columns, live list+watch."""
        from ccseone_tui.services.resources.service import ResourceService

        return ResourceService(self.clusters, self.instances, self.guard,
                               connect_timeout=self.settings.connect_timeout,
                               read_timeout=self.settings.read_timeout)

    @cached_property
    def objects(self) -> ObjectsService:
        """Actions on one object of a member cluster: describe, YAML, events, drill-down,
        delete, scale, restart, edit (guarded like every write)."""
        from ccseone_tui.services.resources.objects import ObjectsService

        return ObjectsService(self.resources, self.clusters, self.guard)

    @cached_property
    def shell(self) -> ShellService:
        """Exec into a container and port-forward, over the Kubernetes WebSocket protocols."""
        from ccseone_tui.services.resources.shell import ShellService

        return ShellService(self.resources, self.clusters, self.guard)

    @cached_property
    def logs(self) -> LogsService:
        from ccseone_tui.services.logs.service import LogsService

        return LogsService(self.store, self.clusters, self.tasks, self.events,
                           self.settings.log_max_streams)

    @cached_property
    def registration(self) -> RegistrationService:
        from ccseone_tui.services.clusters.registration import RegistrationService

        return RegistrationService(self.store, self.engine, self.pool, self.settings,
                                   self.events, self.guard, self.tasks, self.instances,
                                   self.clusters, members=self.members)

    @cached_property
    def namespaces(self) -> NamespacesService:
        from ccseone_tui.services.namespaces.service import NamespacesService

        return NamespacesService(self.store, self.clusters, self.instances, self.guard,
                                 self.tasks, self.events, shared=self.shared)

    @cached_property
    def shared(self) -> SharedState:
        """Records shared by every ccseone of an instance (ocm: on the hub)."""
        from ccseone_tui.services.shared import SharedState

        return SharedState(self.store, self.clusters)

    @cached_property
    def templates(self) -> TemplatesService:
        from ccseone_tui.services.templates.service import TemplatesService

        return TemplatesService(self.store, self.guard, self.tasks, self.settings)

    @cached_property
    def apps(self) -> AppsService:
        from ccseone_tui.services.apps.service import AppsService

        return AppsService(self.store, self.clusters, self.instances, self.templates,
                           self.namespaces, self.guard, self.tasks, self.events, self.settings,
                           shared=self.shared)

    @property
    def read_only(self) -> bool:
        return self.guard.read_only

    @property
    def recovery_message(self) -> str | None:
        """Set when the cache file was corrupt and was moved aside at open."""
        return getattr(self.store, "recovery_message", None)

    @property
    def store_notes(self) -> list[str]:
        """What opening the cache has to tell the user, loudly: a damaged file moved aside,
        an unsafe directory."""
        notes = list(getattr(self.store, "warnings", []))
        if self.recovery_message:
            notes.insert(0, self.recovery_message)
        return notes

    def is_production(self, cluster: MemberCluster) -> bool:
        return self.guard.is_production(cluster)

    async def close(self) -> None:
        if "shell" in self.__dict__:  # built (cached_property): stop its port-forwards
            await self.shell.close()
        if self.engines is not None:
            await self.engines.close()
        await self.pool.close()
        await self.store.close()


async def open_services(settings: Settings, *, user: str | None = None,
                        reconcile: bool = True) -> Services:
    """Open the cache and build the services. Kubernetes is not imported until first use."""
    from ccseone_tui.kube import KubePool
    from ccseone_tui.kube.material import clean_material_dir
    from ccseone_tui.store import Store

    store = await Store.open(settings.db_path, own_root=settings.resolved_data_dir,
                             busy_timeout=settings.db_busy_timeout)
    # key files a killed process left behind (only used where memfd is missing)
    clean_material_dir(settings.resolved_data_dir)
    pool = KubePool(settings)
    events = EventBus()
    guard = Guard(settings.read_only, settings.production_selector)
    who = user or current_user()
    tasks = TasksService(store, events, who)
    engine = LocalEngine(pool)
    engines = EngineFactory(pool, engine, settings.credentials_dir)
    instances = InstancesService(store, events, guard, tasks, settings.regions,
                                 engines=engines,
                                 kubeconfig_paths=settings.kubeconfig_paths())
    clusters = ClustersService(store, engine, events, guard, tasks, instances,
                               settings.kubeconfig_paths(),
                               credentials_dir=settings.credentials_dir, pool=pool,
                               regions=settings.regions, engines=engines)
    services = Services(
        settings=settings, store=store, pool=pool, events=events, guard=guard, user=who,
        instances=instances, clusters=clusters, tasks=tasks, engine=engine, engines=engines,
    )
    # clusters.refresh() syncs hub members through it; built lazily (no import before paint)
    clusters.members = _LazyMembers(services)
    # a cluster that joins later receives every namespace of its instance
    clusters.on_joined.append(lambda cluster: services.namespaces.sync_cluster(cluster))
    # a cluster detached by deleting its instance loses what ccseone put there and its token
    instances.on_detach.append(clusters.release)
    if reconcile:
        # tasks left Running by a killed ccseone become Interrupted (issue #14 item 4)
        from ccseone_tui.services.recovery import recover

        try:
            services.interrupted = await recover(services)
        except BaseException:
            await services.close()
            raise
    return services


class _LazyMembers:
    """Stands in for ``services.members`` until first used (keeps start-up imports down)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def sync(self, instance: Any) -> Any:
        return await self._services.members.sync(instance)


__all__ = ["AssociateRequest", "Services", "open_services"]

"""Fleet namespaces (SPEC §3.2): created once in a control instance, kept in sync on every
member cluster. (Being built by issue #4: list from the cache works now.)"""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.models import FleetNamespace


class NamespacesService:
    def __init__(self, store: Any, clusters: Any, instances: Any, guard: Any, tasks: Any,
                 events: Any) -> None:
        self._store = store
        self._clusters = clusters
        self._instances = instances
        self._guard = guard
        self._tasks = tasks
        self._events = events

    async def list(self, instance_id: str) -> list[FleetNamespace]:
        return await self._store.list_namespaces(instance_id)

"""The application center (SPEC §3.3.2, §4.1): publish, status, upgrade, history, rollback,
delete. (Being built by issue #5.)"""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.models import App


class AppsService:
    def __init__(self, store: Any, clusters: Any, instances: Any, templates: Any,
                 namespaces: Any, guard: Any, tasks: Any, events: Any, settings: Any) -> None:
        self._store = store
        self._clusters = clusters
        self._instances = instances
        self._templates = templates
        self._namespaces = namespaces
        self._guard = guard
        self._tasks = tasks
        self._events = events
        self._settings = settings

    async def list(self, instance_id: str | None = None) -> list[App]:
        return await self._store.list_apps(instance_id)

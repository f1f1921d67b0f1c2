"""Read access to the records later issues write: fleet namespaces, templates, apps.

Kept thin on purpose: the shell lists them from the cache now; the namespaces, templates and
apps issues replace these with full services behind the same ``list`` calls.
"""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.models import App, FleetNamespace, Template


class NamespacesService:
    def __init__(self, store: Any) -> None:
        self._store = store

    async def list(self, instance_id: str) -> list[FleetNamespace]:
        return await self._store.list_namespaces(instance_id)


class TemplatesService:
    def __init__(self, store: Any) -> None:
        self._store = store

    async def list(self) -> list[Template]:
        return await self._store.list_templates()


class AppsService:
    def __init__(self, store: Any) -> None:
        self._store = store

    async def list(self, instance_id: str | None = None) -> list[App]:
        return await self._store.list_apps(instance_id)

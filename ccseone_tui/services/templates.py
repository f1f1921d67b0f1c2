"""The template repository (SPEC §3.3.3): chart, YAML and git templates, their versions, and
rendering through the real Helm engine. (Being built by issue #5: ``get`` and ``render`` of
local charts and YAML templates work now.)"""

from __future__ import annotations

import asyncio
from typing import Any

from ccseone_tui.domain.errors import NotFound
from ccseone_tui.domain.models import Template
from ccseone_tui.templates.render import RenderedObject, render_chart, render_yaml


class TemplatesService:
    def __init__(self, store: Any, guard: Any, tasks: Any, settings: Any) -> None:
        self._store = store
        self._guard = guard
        self._tasks = tasks
        self._settings = settings

    async def list(self) -> list[Template]:
        return await self._store.list_templates()

    async def get(self, name_or_id: str) -> Template:
        found = await self._store.get_template(name_or_id)
        if found is None:
            raise NotFound(kind="template", name=name_or_id)
        return found

    async def render(
        self, template: Template, version: str | None, values: dict[str, Any], *,
        release: str, namespace: str, revision: int = 1, upgrade: bool = False,
    ) -> list[RenderedObject]:
        """The objects of ``template`` at ``version`` for one release (one target)."""
        src = template.source
        if template.kind == "yaml":
            return await asyncio.to_thread(
                render_yaml, src.get("manifests", ""), values, release=release,
                namespace=namespace, defaults=src.get("parameters") or {}, revision=revision,
                upgrade=upgrade, template=template.name)
        if template.kind == "chart" and src.get("path"):
            return await asyncio.to_thread(
                render_chart, src["path"], values, release=release, namespace=namespace,
                revision=revision, upgrade=upgrade, template=template.name)
        raise NotImplementedError(f"{template.kind} templates render with issue #5")

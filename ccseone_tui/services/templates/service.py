"""The template repository (SPEC §3.3.3): chart (HTTP repository, OCI registry, local
directory or ``.tgz``), YAML and git templates — add, edit, delete, versions, default values,
and rendering through the real Helm engine.

Adding or editing a source probes it (reads its versions and renders it once with its
defaults) so a template in the list is known to work. Add, edit and delete are recorded as
one-target tasks without a control instance (templates are global), so they show in
``ccseone tasks list``; there is no instance journal to write them to.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ccseone_tui.domain.errors import NotFound
from ccseone_tui.domain.limits import check_description
from ccseone_tui.domain.models import TaskStatus, Template
from ccseone_tui.domain.template_errors import TemplateExists, TemplateInUse
from ccseone_tui.services.tasks import new_id
from ccseone_tui.services.templates.rows import TemplateRow, source_location
from ccseone_tui.services.templates.validation import check_kind, check_name, check_source
from ccseone_tui.templates.render import RenderedObject
from ccseone_tui.templates.sources import Resolved, TemplateSources, source_type

PROBE_RELEASE = "probe"
PROBE_NAMESPACE = "default"

__all__ = ["TemplateRow", "TemplatesService", "source_location", "source_type"]


class TemplatesService:
    def __init__(self, store: Any, guard: Any, tasks: Any, settings: Any) -> None:
        self._store = store
        self._guard = guard
        self._tasks = tasks
        self._settings = settings
        self._sources: TemplateSources | None = None

    @property
    def sources(self) -> TemplateSources:
        """Caches under the data directory, created on first use."""
        if self._sources is None:
            self._sources = TemplateSources(
                self._settings.resolved_data_dir,
                connect_timeout=float(getattr(self._settings, "connect_timeout", 5.0)),
                read_timeout=float(getattr(self._settings, "read_timeout", 20.0)))
        return self._sources

    # ---- read ----

    async def list(self) -> list[Template]:
        return await self._store.list_templates()

    async def list_rows(self) -> list[TemplateRow]:
        """Every template with the names of the apps that use it (cache only)."""
        templates = await self._store.list_templates()
        used: dict[str, list[str]] = {}
        for app in await self._store.list_apps():
            used.setdefault(app.template_id, []).append(app.name)
        return [TemplateRow(t, sorted(used.get(t.id, []))) for t in templates]

    async def get(self, name_or_id: str) -> Template:
        found = await self._store.get_template(name_or_id)
        if found is None:
            raise NotFound(kind="template", name=name_or_id)
        return found

    async def used_by(self, template: Template) -> list[str]:
        return sorted(a.name for a in await self._store.list_apps()
                      if a.template_id == template.id)

    # ---- versions and rendering ----

    async def versions(self, template: Template) -> list[str]:
        """Newest first. chart repo/OCI: from the index/tags (network); local chart: its
        Chart.yaml version; yaml: ["latest"]; git: the ref's commit (12 hex), then tags."""
        return await self.sources.versions(template.name, template.kind,
                                           self._source(template))

    @staticmethod
    def _source(template: Template) -> dict[str, Any]:
        """A stored template's source as stored; an unsaved one (no id: a form asking for
        versions before saving) is validated first, so it gets the same field errors."""
        return template.source if template.id else check_source(template.kind, template.source)

    async def resolve(self, template: Template, version: str | None) -> Resolved:
        return await self.sources.resolve(template.name, template.kind,
                                          self._source(template), version)

    async def resolve_version(self, template: Template, version: str | None) -> str:
        """The concrete version ``version`` stands for (``None``: newest chart, git ref's
        commit): what a revision should record so it can be rendered again."""
        return (await self.resolve(template, version)).version

    async def default_values(self, template: Template, version: str | None = None) -> str:
        """The ``values.yaml`` text of that version (a YAML template: its parameters)."""
        resolved = await self.resolve(template, version)
        return await asyncio.to_thread(resolved.values_text)

    async def render(
        self, template: Template, version: str | None, values: dict[str, Any], *,
        release: str, namespace: str, revision: int = 1, upgrade: bool = False,
    ) -> list[RenderedObject]:
        """The objects of ``template`` at ``version`` for one release (one target)."""
        resolved = await self.resolve(template, version)
        return await asyncio.to_thread(resolved.render, values, release=release,
                                       namespace=namespace, revision=revision,
                                       upgrade=upgrade)

    async def probe(self, name: str, kind: str, source: dict[str, Any]) -> list[str]:
        """Read the versions and render the default version once with its defaults."""
        versions = await self.sources.versions(name, kind, source)
        resolved = await self.sources.resolve(name, kind, source, None)
        await asyncio.to_thread(resolved.render, {}, release=PROBE_RELEASE,
                                namespace=PROBE_NAMESPACE)
        return versions

    # ---- write ----

    async def add(self, name: str, kind: str, source: dict[str, Any],
                  description: str = "", *, probe: bool = True) -> Template:
        """Validate, probe the source (versions + one render), store. ``probe=False`` skips
        the network (e.g. adding while the repository is down)."""
        self._guard.check_writable()
        check_name(name)
        check_kind(kind)
        check_description(description)
        clean = check_source(kind, source)
        if await self._store.get_template(name) is not None:
            raise TemplateExists(name)
        if probe:
            await self.probe(name, kind, clean)
        template = Template(id=new_id("tpl"), name=name, kind=kind, source=clean,
                            description=description.strip(), created_at=time.time())
        await self._recorded("template.add", name, lambda: self._insert(template))
        return template

    async def _insert(self, template: Template) -> None:
        from ccseone_tui.store.errors import AlreadyExists

        try:
            await self._store.add_template(template)
        except AlreadyExists as exc:  # added meanwhile by another process
            raise TemplateExists(template.name) from exc

    async def edit(self, name: str, *, description: str | None = None,
                   source: dict[str, Any] | None = None, kind: str | None = None,
                   probe: bool = True) -> Template:
        """Change the description and/or the source (re-validated and re-probed). ``kind``
        may change together with a new source."""
        self._guard.check_writable()
        check_description(description)
        template = await self.get(name)
        new_kind = check_kind(kind) if kind else template.kind
        if source is not None or new_kind != template.kind:
            clean = check_source(new_kind, source if source is not None else template.source)
            if probe and (clean != template.source or new_kind != template.kind):
                await self.probe(template.name, new_kind, clean)
            template.kind, template.source = new_kind, clean
        if description is not None:
            template.description = description.strip()
        await self._recorded("template.edit", template.name,
                             lambda: self._store.update_template(template))
        return template

    async def delete(self, name: str, *, force: bool = False) -> None:
        """Refused with ``TemplateInUse`` (naming the apps) while any app uses it; ``force``
        does not override that — the apps would be left without a template."""
        from ccseone_tui.store.errors import InUse

        self._guard.check_writable()
        template = await self.get(name)
        apps = await self.used_by(template)
        if apps:
            raise TemplateInUse(template.name, apps)

        async def remove() -> None:
            try:
                await self._store.delete_template(template.id)
            except InUse as exc:  # an app was saved meanwhile
                raise TemplateInUse(template.name, await self.used_by(template)) from exc

        await self._recorded("template.delete", template.name, remove)

    async def _recorded(self, kind: str, name: str,
                        action: Callable[[], Awaitable[None]]) -> None:
        """Run one store write as a one-target task (audit trail); re-raise its error."""
        failure: list[BaseException] = []

        async def run() -> str | None:
            try:
                await action()
            except Exception as exc:
                failure.append(exc)
                raise
            return None

        task = await self._tasks.run(kind, name, {name: run})
        if failure:
            raise failure[0]
        if task.status is not TaskStatus.SUCCEEDED:  # pragma: no cover - cancelled
            raise RuntimeError(f"{kind} {name}: {task.status}")

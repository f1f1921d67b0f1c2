"""The application center (SPEC §3.3.2, §4.1): publish, status, upgrade, history, rollback,
delete, retry — as tasks with per-target results.

Representation (see docs/apps.md):
* an app's targets are ``app_targets`` rows (cluster id, namespace);
* revision N ≥ 1 is one publish/upgrade/rollback: template version, values, and the
  rendered manifests per target (``app_manifests``: a JSON map ``"cluster/ns" → YAML``);
  each target's outcome is a revision result (Pending → Succeeded | Failed | Cancelled);
* a draft is an app with status ``Draft``, ``current_revision`` 0 and a revision 0 holding
  what it will publish (``app_history`` explains the slot); publishing replaces it whole.
Task targets are ``cluster/namespace``; a rollout task's target is ``<app>#<revision>``
(``<app>`` for a delete), which is how :meth:`retry` finds its way back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ccseone_tui.domain.apps import (
    DRAFT,
    AppExists,
    AppIsDraft,
    AppNotDraft,
    AppNotFound,
    AppRow,
    AppStatus,
    AppTarget,
    DryRunFailed,
    NotAnAppTask,
    NothingToRetry,
    PublishRequest,
    RetryStale,
    RevisionRow,
    TargetObjects,
    TargetPlan,
    TargetState,
    TargetStatus,
    draft_options,
)
from ccseone_tui.domain.errors import CcseoneError, ClusterUnreachable, NotFound
from ccseone_tui.domain.limits import check_message
from ccseone_tui.domain.member_errors import DirectAccessUnavailable
from ccseone_tui.domain.models import (
    App,
    ControlInstance,
    MemberCluster,
    Revision,
    Task,
    TaskStatus,
    Template,
)
from ccseone_tui.i18n import t as tr
from ccseone_tui.services.apps import apply as app_apply
from ccseone_tui.services.apps import history as app_history
from ccseone_tui.services.apps import secret_values
from ccseone_tui.services.apps import status as app_status
from ccseone_tui.services.apps.manifests import (
    decode,
    encode,
    from_text,
    has_redacted,
    kinds_in_text,
    prepare,
    restore_secrets,
)
from ccseone_tui.services.apps.rollout import (
    MemberAccess,
    Prepared,
    Renderer,
    apply_action,
    prepare_set,
    prepare_target,
    record_cancelled,
    remove_action,
    status_word,
)
from ccseone_tui.services.apps.rollout import owner as rollout_owner
from ccseone_tui.services.apps.validate import (
    check_mode,
    check_request,
    check_targets,
    resolve_version,
)
from ccseone_tui.services.shared import SharedState
from ccseone_tui.services.tasks import RETRYABLE, new_id
from ccseone_tui.templates.render import parse_values

PUBLISH, UPGRADE, ROLLBACK, DELETE = "app.publish", "app.upgrade", "app.rollback", "app.delete"
_ROLLOUTS = (PUBLISH, UPGRADE, ROLLBACK)


class AppsService:
    def __init__(self, store: Any, clusters: Any, instances: Any, templates: Any,
                 namespaces: Any, guard: Any, tasks: Any, events: Any, settings: Any,
                 shared: SharedState | None = None) -> None:
        self._store = store
        self._clusters = clusters
        self._instances = instances
        self._templates = templates
        self._namespaces = namespaces
        self._guard = guard
        self._tasks = tasks
        self._events = events
        self._settings = settings
        # the records every ccseone of the instance shares (ocm: on the hub)
        self._shared = shared or SharedState(store, clusters)

    # ---- reading (cache) ------------------------------------------------------------------

    async def list(self, instance_id: str | None = None) -> list[App]:
        if instance_id is not None:
            await self._shared.sync_apps(await self._instances.get(instance_id))
        return await self._store.list_apps(instance_id)

    async def _sync(self, instance: str) -> ControlInstance:
        """The instance, its apps synced from the shared records first (list/get)."""
        inst = await self._instances.get(instance)
        await self._shared.sync_apps(inst)
        return inst

    async def list_rows(self, instance: str) -> list[AppRow]:
        """App, template name, target count, targets whose latest rollout succeeded, and
        the current revision's template version — cache only (synced from the shared
        records first), tolerant of missing rows."""
        inst = await self._sync(instance)
        rows = []
        names: dict[str, str] = {}
        _, by_id = await self._cluster_maps(inst)
        for app in await self._store.list_apps(inst.id):
            if app.template_id not in names:
                tpl = await self._store.get_template(app.template_id)
                names[app.template_id] = tpl.name if tpl else app.template_id
            targets = [f"{by_id[c].name if c in by_id else c}/{ns}"
                       for c, ns in await self._store.app_targets(app.id)]
            latest = (await self._store.revision_results(app.id, app.current_revision)
                      if app.current_revision else {})
            healthy = sum(1 for t in targets
                          if latest.get(t, ("", ""))[0] == TaskStatus.SUCCEEDED.value)
            rev = await self._store.get_revision(app.id, app.current_revision)
            rows.append(AppRow(app, names[app.template_id], len(targets), healthy,
                               len(targets), rev.template_version if rev else ""))
        return rows

    async def get(self, instance: str, name: str) -> App:
        inst = await self._sync(instance)
        return await self._app(inst, name)

    async def targets(self, instance: str, name: str) -> list[AppTarget]:
        inst = await self._sync(instance)
        return await self._targets(await self._app(inst, name))

    async def history(self, instance: str, name: str) -> list[RevisionRow]:
        """Revisions newest first, with per-target results."""
        inst = await self._sync(instance)
        return await app_history.rows(self._store, await self._app(inst, name))

    async def revision(self, instance: str, name: str, number: int) -> Revision:
        inst = await self._sync(instance)
        return await app_history.get(self._store, await self._app(inst, name), number)

    async def draft(self, instance: str, name: str) -> PublishRequest:
        """What a draft will publish (for the publish form)."""
        inst = await self._instances.get(instance)
        app = await self._app(inst, name)
        if app.status != DRAFT:
            raise AppNotDraft(name=name, instance=inst.name, status=app.status)
        return await self._draft_request(app)

    async def _app(self, inst: ControlInstance, name: str) -> App:
        await self._shared.ensure_apps(inst)  # a write carries the version it read
        app = await self._store.get_app(inst.id, name)
        if app is None:
            raise AppNotFound(name=name, instance=inst.name)
        return app

    async def _cluster_maps(self, inst: ControlInstance
                            ) -> tuple[dict[str, MemberCluster], dict[str, MemberCluster]]:
        """(by name, by id) of the instance's clusters."""
        clusters = await self._clusters.list(inst.id)
        return {c.name: c for c in clusters}, {c.id: c for c in clusters}

    async def _targets(self, app: App) -> list[AppTarget]:
        rows = await self._store.app_targets(app.id)
        by_id = {c.id: c.name for c in await self._clusters.list(app.instance_id)}
        return [AppTarget(by_id.get(cid, cid), ns) for cid, ns in rows]

    def _client_for(self, cluster: MemberCluster) -> MemberAccess:
        """Client (reads) and engine delivery (writes) of one cluster, for task actions."""
        return MemberAccess(self._clusters, cluster)

    def _author(self) -> str:
        return str(getattr(self._tasks, "_user", "") or "")

    # ---- drafts ---------------------------------------------------------------------------

    async def save_draft(self, instance: str, req: PublishRequest) -> App:
        """Store ``req`` as a draft (replacing an earlier draft of that name). Live checks and
        the target list are left for publish."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        by_name, _ = await self._cluster_maps(inst)
        checked = await check_request(req, inst.name, by_name, self._templates, draft=True)
        existing = await self._store.get_app(inst.id, req.name)
        if existing is not None and existing.status != DRAFT:
            raise AppExists(name=req.name, instance=inst.name)
        app = App(id=existing.id if existing else new_id("app"), instance_id=inst.id,
                  name=req.name, template_id=checked.template.id,
                  description=req.description, current_revision=0, status=DRAFT,
                  created_at=existing.created_at if existing else time.time())
        renderer = Renderer(self._templates, checked.template, checked.version,
                            checked.values, req.name, 1, False)
        stored = await self._stored_values(renderer, req.values_yaml, checked.targets,
                                           draft=True)
        slot = Revision(app.id, 0, checked.version, stored,
                        encode_draft(req), req.message, self._author(), time.time())
        async with self._store.transaction():
            if existing is not None:
                await self._store.delete_app(existing.id)
            await self._store.add_app(app)
            await self._store.set_app_targets(
                app.id, [(by_name[t.cluster].id, t.namespace) for t in checked.targets])
            await self._store.add_revision(slot)
        return app

    async def _draft_request(self, app: App) -> PublishRequest:
        slot = await self._store.get_revision(app.id, 0)
        opts = app_history.draft_options(slot)
        tpl = await self._store.get_template(app.template_id)
        return PublishRequest(
            name=app.name, template=tpl.name if tpl else app.template_id,
            version=(slot.template_version or None) if slot else None,
            values_yaml=slot.values if slot else "", description=app.description,
            targets=await self._targets(app), mode=opts.get("mode") or "full",
            batch_size=opts.get("batch_size"), message=opts.get("message") or "")

    async def publish_draft(self, instance: str, name: str, *, confirm: str | None = None,
                            force_conflicts: bool = False,
                            values_yaml: str | None = None) -> Task:
        """``values_yaml``: the values that feed a Secret, which the draft did not store
        (merged over the draft's values)."""
        inst = await self._instances.get(instance)
        app = await self._app(inst, name)
        if app.status != DRAFT:
            raise AppNotDraft(name=name, instance=inst.name, status=app.status)
        req = await self._draft_request(app)
        stored = parse_values(req.values_yaml)
        if secret_values.missing(stored):
            filled = secret_values.fill(stored, parse_values(values_yaml or ""), name=name,
                                        revision=0)
            req = dataclasses.replace(req, values_yaml=secret_values.dump(filled))
        return await self.publish(instance, req, confirm=confirm,
                                  force_conflicts=force_conflicts)

    # ---- publish / upgrade / rollback -----------------------------------------------------

    async def dry_run(self, instance: str, req: PublishRequest) -> dict[str, str | None]:
        """``cluster/ns`` → the error a publish would stop on there, or None. Changes
        nothing. Unreachable targets report their error (publish would defer them)."""
        inst = await self._instances.get(instance)
        by_name, _ = await self._cluster_maps(inst)
        checked = await check_request(req, inst.name, by_name, self._templates)
        renderer = Renderer(self._templates, checked.template, checked.version,
                            checked.values, req.name, 1, False)
        prepared = await self._prepare_all(inst, by_name, req.name, checked.targets, renderer,
                                           {}, 1, force=False)
        return {p.target.key: p.error for p in prepared}

    async def publish(self, instance: str, req: PublishRequest, *, confirm: str | None = None,
                      force_conflicts: bool = False) -> Task:
        """Validate, dry-run on every target, record revision 1, apply everywhere."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        by_name, _ = await self._cluster_maps(inst)
        await self._shared.ensure_apps(inst)
        existing = await self._store.get_app(inst.id, req.name)
        if existing is not None and existing.status != DRAFT:
            raise AppExists(name=req.name, instance=inst.name)
        checked = await check_request(req, inst.name, by_name, self._templates)
        secret_values.fill(checked.values, None, name=req.name, revision=0)
        self._guard.check_confirmed([by_name[t.cluster] for t in checked.targets], confirm)
        renderer = Renderer(self._templates, checked.template, checked.version,
                            checked.values, req.name, 1, False)
        prepared = await self._prepare_all(inst, by_name, req.name, checked.targets, renderer,
                                           {}, 1, force=force_conflicts)
        failed = {p.target.key: p.error for p in prepared if p.error and not p.unreachable}
        if failed:
            draft = await self.save_draft(instance, req)
            await self._store.set_revision_results(
                draft.id, 0, {k: (TaskStatus.FAILED.value, v) for k, v in failed.items()})
            raise DryRunFailed(req.name, {p.target.key: p.error for p in prepared})
        app = App(id=existing.id if existing else new_id("app"), instance_id=inst.id,
                  name=req.name, template_id=checked.template.id,
                  description=req.description, current_revision=1, status="Deploying",
                  created_at=existing.created_at if existing else time.time())
        stored = await self._stored_values(renderer, req.values_yaml, checked.targets)
        rev = Revision(app.id, 1, checked.version, stored,
                       encode({p.target.key: p.text for p in prepared}),
                       req.message or "publish", self._author(), time.time())
        # shared first: another ccseone publishing the name stops this before any cluster
        await self._shared.put_app(inst, app, create=True, targets=[
            (t.cluster, t.namespace) for t in checked.targets])
        await self._shared.put_revision(inst, app, rev)
        async with self._store.transaction():
            if existing is not None:
                await self._store.delete_app(existing.id)
            await self._store.add_app(app)
            await self._store.set_app_targets(
                app.id, [(by_name[t.cluster].id, t.namespace) for t in checked.targets])
            await self._record_revision(app, rev, prepared)
        return await self._roll(inst, by_name, app, rev, prepared, PUBLISH, [],
                                mode=req.mode, batch_size=req.batch_size,
                                force=force_conflicts)

    async def upgrade(self, instance: str, name: str, *, version: str | None = None,
                      values_yaml: str | None = None, message: str = "", mode: str = "full",
                      batch_size: int | None = None, targets: Sequence[AppTarget] | None = None,
                      confirm: str | None = None, force_conflicts: bool = False) -> Task:
        """A new revision with the new version and/or values (and target list: targets left
        out have the app's objects removed in the same task)."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        app = await self._published(inst, name)
        by_name, _ = await self._cluster_maps(inst)
        check_mode(mode, batch_size)
        check_message(message)
        current = await app_history.get(self._store, app, app.current_revision)
        template = await self._template(app)
        version = await resolve_version(self._templates, template,
                                        version or current.template_version or None)
        values_text = current.values if values_yaml is None else values_yaml
        values = secret_values.fill(parse_values(values_text), None, name=name,
                                    revision=current.number)
        old_targets = await self._targets(app)
        new_targets = check_targets(name, inst.name, list(targets or old_targets), by_name)
        # a dropped target whose cluster left the instance has nothing reachable to clean
        removed = [t for t in old_targets if t not in new_targets and t.cluster in by_name]
        self._guard.check_confirmed([by_name[t.cluster] for t in [*new_targets, *removed]],
                                    confirm)
        number = await self._next_number(app)
        renderer = Renderer(self._templates, template, version, values, name, number, True)
        return await self._rollout(inst, by_name, app, new_targets, removed, renderer, {},
                                   number, version, values_text, message or "upgrade",
                                   UPGRADE, mode, batch_size, force_conflicts)

    async def rollback(self, instance: str, name: str, revision: int, *,
                       confirm: str | None = None, force_conflicts: bool = False,
                       values_yaml: str | None = None) -> Task:
        """A new revision N+1 re-applying revision ``revision``'s stored manifests (targets
        it did not have are rendered from its version and values). ``values_yaml`` gives
        the values that feed a Secret again (they were not stored)."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        app = await self._published(inst, name)
        by_name, _ = await self._cluster_maps(inst)
        old = await app_history.get(self._store, app, revision)
        targets = [t for t in await self._targets(app) if t.cluster in by_name]
        self._guard.check_confirmed([by_name[t.cluster] for t in targets], confirm)
        number = await self._next_number(app)
        values = secret_values.fill(parse_values(old.values), parse_values(values_yaml or ""),
                                    name=name, revision=revision)
        renderer = Renderer(self._templates, await self._template(app), old.template_version,
                            values, name, number, True)
        return await self._rollout(inst, by_name, app, targets, [], renderer,
                                   decode(old.manifests), number, old.template_version,
                                   old.values, f"rollback to {revision}", ROLLBACK, "full",
                                   None, force_conflicts)

    async def _published(self, inst: ControlInstance, name: str) -> App:
        app = await self._app(inst, name)
        if app.status == DRAFT or app.current_revision < 1:
            raise AppIsDraft(name=name, instance=inst.name)
        return app

    async def _template(self, app: App) -> Template:
        tpl = await self._store.get_template(app.template_id)
        if tpl is None:
            raise NotFound(kind="template", name=app.template_id)
        return tpl

    async def _next_number(self, app: App) -> int:
        revs = await app_history.revisions(self._store, app)
        return max([r.number for r in revs], default=0) + 1

    async def _rollout(self, inst: ControlInstance, by_name: dict[str, MemberCluster], app: App,
                       targets: list[AppTarget], removed: list[AppTarget], renderer: Renderer,
                       texts: dict[str, str], number: int, version: str, values_text: str,
                       message: str, kind: str, mode: str, batch_size: int | None,
                       force: bool) -> Task:
        prepared = await self._prepare_all(inst, by_name, app.name, targets, renderer, texts,
                                           number, force=force)
        if any(p.error and not p.unreachable for p in prepared):
            raise DryRunFailed(app.name, {p.target.key: p.error for p in prepared})
        stored = await self._stored_values(renderer, values_text, targets)
        rev = Revision(app.id, number, version, stored,
                       encode({p.target.key: p.text for p in prepared}), message,
                       self._author(), time.time())
        app.current_revision, app.status = number, "Deploying"
        # shared first, over the version read: a revision or an app someone else wrote
        # meanwhile is ChangedElsewhere before any cluster is touched
        await self._shared.put_revision(inst, app, rev)
        try:
            await self._shared.put_app(inst, app, create=False, targets=[
                (t.cluster, t.namespace) for t in targets])
        except CcseoneError:
            await self._shared.drop_revision(inst, app, number)
            raise
        async with self._store.transaction():
            await self._record_revision(app, rev, prepared, removed)
            await self._store.update_app(app)
            await self._store.set_app_targets(
                app.id, [(by_name[t.cluster].id, t.namespace) for t in targets])
        return await self._roll(inst, by_name, app, rev, prepared, kind, removed, mode=mode,
                                batch_size=batch_size, force=force)

    async def _stored_values(self, renderer: Renderer, text: str, targets: Sequence[AppTarget],
                             *, draft: bool = False) -> str:
        """The values text a revision keeps: as given, except the values that reach a
        Secret, redacted (see ``secret_values.py``). A draft that does not render yet keeps
        its values: there is no Secret to protect until it renders."""
        values = renderer.values
        if not values:
            return text
        namespace = targets[0].namespace if targets else "default"
        try:
            objects, _ = await renderer.objects(namespace)
        except CcseoneError:
            if draft:
                return text
            raise
        paths = await secret_values.secret_paths(
            values, objects, lambda v: renderer.render_with(v, namespace))
        return secret_values.values_text(values, paths, text)

    async def _prepare_all(self, inst: ControlInstance, by_name: dict[str, MemberCluster],
                           app: str, targets: list[AppTarget], renderer: Renderer,
                           texts: dict[str, str], number: int, *, force: bool,
                           check: bool = True) -> list[Prepared]:
        """Every target concurrently; render errors (the template's fault) are raised."""
        async def one(target: AppTarget) -> Prepared:
            if target.key in texts:
                objects, sources = await stored_objects(texts[target.key], renderer, target,
                                                        app, inst.name), None
            else:
                objects, sources = await renderer.objects(target.namespace)
            delivery = await self._clusters.delivery(by_name[target.cluster],
                                                     target.namespace, rollout_owner(app))
            if delivery.whole_set:  # through a hub: direct access is a bonus
                try:
                    direct = await self._clusters.client(by_name[target.cluster])
                except DirectAccessUnavailable:
                    direct = None
                return await prepare_set(direct, target, objects, app=app,
                                         instance=inst.name, revision=number, check=check,
                                         force=force, sources=sources, delivery=delivery)
            try:
                client = await self._clusters.client(by_name[target.cluster])
            except CcseoneError as exc:
                return Prepared(target, error=str(exc))
            return await prepare_target(client, target, objects, app=app, instance=inst.name,
                                        revision=number, check=check, force=force,
                                        sources=sources, delivery=delivery)

        return list(await asyncio.gather(*(one(t) for t in targets)))

    async def _record_revision(self, app: App, rev: Revision, prepared: list[Prepared],
                               removed: Sequence[AppTarget] = ()) -> None:
        await self._store.add_revision(rev)
        await self._store.set_revision_results(app.id, rev.number, {
            key: (TaskStatus.PENDING.value, "")
            for key in [p.target.key for p in prepared] + [t.key for t in removed]})

    def _sink(self, app: App, number: int) -> Callable[[str, str, str], Awaitable[None]]:
        async def record(target: str, status: str, message: str) -> None:
            await self._store.set_revision_results(app.id, number, {target: (status, message)})
        return record

    async def _roll(self, inst: ControlInstance, by_name: dict[str, MemberCluster], app: App,
                    rev: Revision, prepared: list[Prepared], kind: str,
                    removed: Sequence[AppTarget], *, mode: str, batch_size: int | None,
                    force: bool) -> Task:
        record = self._sink(app, rev.number)
        actions: dict[str, Callable[[], Awaitable[str | None]]] = {}
        history = await app_history.all_texts(self._store, app)
        for prep in sorted(prepared, key=lambda p: p.target.key):
            old = history.get(prep.target.key, [])
            actions[prep.target.key] = apply_action(
                self._client_for(by_name[prep.target.cluster]), prep, app=app.name,
                instance=inst.name, revision=rev.number, force=force, old_texts=old,
                record=record)
        for target in removed:
            if target.cluster in by_name:
                actions[target.key] = remove_action(
                    self._client_for(by_name[target.cluster]), target, app=app.name,
                    instance=inst.name,
                    texts=history.get(target.key, []), removed_message=True, record=record)
        batch = mode == "batch"
        task = await self._tasks.run(kind, f"{app.name}#{rev.number}", actions,
                                     instance_id=inst.id,
                                     batch_size=batch_size if batch else None,
                                     stop_on_failure=batch)
        await record_cancelled(task, record)
        app.status = await self._rollout_word(app, rev.number)
        await self._store.update_app(app)
        await self._shared.put_results(inst, app, rev.number)
        await self._shared.put_app_status(inst, app)
        return task

    async def _rollout_word(self, app: App, number: int) -> str:
        """``Deployed 3/3`` / ``Partial 2/3`` / ``Failed 0/3`` over all the app's targets
        (a retry's task only holds the targets it re-ran)."""
        results = await self._store.revision_results(app.id, number)
        keys = [t.key for t in await self._targets(app)]
        ok = sum(1 for k in keys if results.get(k, ("", ""))[0] == TaskStatus.SUCCEEDED.value)
        return status_word(ok, len(keys))

    # ---- status / compare -----------------------------------------------------------------

    async def status(self, instance: str, name: str) -> AppStatus:
        """Live, per target: the revision deployed there, its objects' readiness, recent
        events. A dead cluster is Unreachable after its own timeout; the others go on."""
        inst = await self._instances.get(instance)
        app = await self._app(inst, name)
        by_name, _ = await self._cluster_maps(inst)
        targets = await self._targets(app)
        if app.status == DRAFT:
            slot = await self._store.revision_results(app.id, 0)
            return AppStatus(app, [TargetStatus(t, 0, TargetState.DRAFT,
                                                message=slot.get(t.key, ("", ""))[1])
                                   for t in targets])
        deployed = await app_history.deployed(self._store, app)
        texts = await app_history.deployed_texts(self._store, app)
        current = await app_history.get(self._store, app, app.current_revision)
        latest = await self._store.revision_results(app.id, app.current_revision)
        current_texts = decode(current.manifests)
        limit = self._settings.connect_timeout + 2 * self._settings.read_timeout

        async def one(target: AppTarget) -> TargetStatus:
            key = target.key
            status, message = latest.get(key, ("", ""))
            cluster = by_name.get(target.cluster)
            row = TargetStatus(target, deployed.get(key, 0), TargetState.PROGRESSING,
                               message=message,
                               production=bool(cluster and self._guard.is_production(cluster)))
            if cluster is None:
                row.state = TargetState.UNREACHABLE
                row.message = tr("apps.message.cluster_gone", cluster=target.cluster)
                return row
            expected = from_text(texts.get(key) or current_texts.get(key, ""))
            try:
                delivery = await self._clusters.delivery(cluster, target.namespace,
                                                         rollout_owner(app.name))
                if delivery.whole_set:  # the hub's word: the work's status feedback
                    async with asyncio.timeout(limit):
                        work = await delivery.status()
                    row.resources = app_status.from_work(work, expected)
                    row.state = app_status.state_of(status, row.resources)
                    if work.exists and not work.current:
                        row.state = TargetState.PROGRESSING
                        row.message = tr("work.pending", work=f"{cluster.name}/{work.owner}")
                    return row
                client = await self._clusters.client(cluster)
                async with asyncio.timeout(limit):
                    row.resources, row.pods = await app_status.resources(
                        client, target, expected, app.name, inst.name)
                    row.events = await app_status.events(client, target, row.resources)
            except (ClusterUnreachable, TimeoutError) as exc:
                row.state = TargetState.UNREACHABLE
                row.message = str(exc) or tr("apps.message.no_answer", seconds=f"{limit:g}")
                return row
            except CcseoneError as exc:
                row.state, row.message = TargetState.FAILED, str(exc)
                return row
            row.state = app_status.state_of(status, row.resources)
            return row

        result = AppStatus(app, list(await asyncio.gather(*(one(t) for t in targets))))
        fresh = await self._store.get_app(inst.id, name)
        # an unfinished delete keeps saying so until its retry finishes
        if (fresh is not None and fresh.status != result.summary
                and not fresh.status.startswith("Delete failed")):
            fresh.status = result.summary
            await self._store.update_app(fresh)
        if fresh is not None:  # not the record read before the targets: a rollout may
            result.app = fresh  # have ended meanwhile ("Deploying" would stay on screen)
        return result

    async def plan(self, instance: str, name: str, *, version: str | None = None,
                   values_yaml: str | None = None, revision: int | None = None,
                   targets: Sequence[AppTarget] | None = None) -> list[TargetPlan]:
        """Per target: the manifests deployed there (old) and what an upgrade to
        ``version``/``values_yaml`` — or a rollback to ``revision`` — would apply (new)."""
        inst = await self._instances.get(instance)
        app = await self._published(inst, name)
        by_name, _ = await self._cluster_maps(inst)
        current = await app_history.get(self._store, app, app.current_revision)
        template = await self._template(app)
        texts: dict[str, str] = {}
        if revision is not None:
            old_rev = await app_history.get(self._store, app, revision)
            texts = decode(old_rev.manifests)
            ver, values_text = old_rev.template_version, old_rev.values
        else:
            ver = await resolve_version(self._templates, template,
                                        version or current.template_version or None)
            values_text = current.values if values_yaml is None else values_yaml
        chosen = check_targets(name, inst.name, list(targets or await self._targets(app)),
                               by_name)
        renderer = Renderer(self._templates, template, ver, parse_values(values_text), name,
                            app.current_revision + 1, True)
        prepared = await self._prepare_all(inst, by_name, name, chosen, renderer, texts, 0,
                                           force=False, check=False)
        deployed = await app_history.deployed_texts(self._store, app)
        return [TargetPlan(p.target, deployed.get(p.target.key, ""),
                           p.text if p.objects else "",
                           None if p.unreachable or not p.error else p.error)
                for p in prepared]

    # ---- delete ---------------------------------------------------------------------------

    async def delete_preview(self, instance: str, name: str) -> list[TargetObjects]:
        """Per target, live: the objects carrying the app's labels (what delete removes)."""
        inst = await self._instances.get(instance)
        app = await self._app(inst, name)
        by_name, _ = await self._cluster_maps(inst)

        history = await app_history.all_texts(self._store, app)

        async def one(target: AppTarget) -> TargetObjects:
            cluster = by_name.get(target.cluster)
            row = TargetObjects(target, [], bool(cluster and self._guard.is_production(cluster)))
            if cluster is None:
                row.error = tr("apps.message.cluster_gone", cluster=target.cluster)
                return row
            kinds: set[tuple[str, str]] = set()
            for text in history.get(target.key, []):
                kinds |= kinds_in_text(text)
            try:
                client = await self._clusters.client(cluster)
                found = await app_apply.list_objects(client, target, kinds, app.name, inst.name)
            except CcseoneError as exc:
                row.error = str(exc)
                return row
            row.objects = sorted(f"{o.get('kind')}/{(o.get('metadata') or {}).get('name')}"
                                 for o in found)
            return row

        return list(await asyncio.gather(*(one(t) for t in await self._targets(app))))

    async def delete(self, instance: str, name: str, *, confirm: str | None = None) -> Task:
        """Remove the app's objects from every target, then its record — which is kept if
        any target failed, so :meth:`retry` can finish."""
        self._guard.check_writable()
        inst = await self._instances.get(instance)
        app = await self._app(inst, name)
        by_name, _ = await self._cluster_maps(inst)
        targets = await self._targets(app)
        self._guard.check_confirmed([by_name[t.cluster] for t in targets
                                     if t.cluster in by_name], confirm)
        await self._shared.check_app(inst, app)
        return await self._delete_targets(inst, by_name, app, targets)

    async def _delete_targets(self, inst: ControlInstance, by_name: dict[str, MemberCluster],
                              app: App, targets: list[AppTarget]) -> Task:
        actions: dict[str, Callable[[], Awaitable[str | None]]] = {}
        history = await app_history.all_texts(self._store, app)
        if app.status != DRAFT:
            for target in targets:
                if target.cluster not in by_name:
                    continue  # the cluster left the instance: nothing reachable to delete
                actions[target.key] = remove_action(
                    self._client_for(by_name[target.cluster]), target, app=app.name,
                    instance=inst.name,
                    texts=history.get(target.key, []))
        task = await self._tasks.run(DELETE, app.name, actions, instance_id=inst.id)
        if task.status is TaskStatus.SUCCEEDED:
            if app.status != DRAFT:  # drafts are not shared
                await self._shared.drop_app(inst, app)
            await self._store.delete_app(app.id)
        else:
            ok = sum(1 for r in task.results if r.status is TaskStatus.SUCCEEDED)
            app.status = f"Delete failed {ok}/{len(task.results)}"
            await self._store.update_app(app)
            await self._shared.put_app_status(inst, app)
        return task

    # ---- retry ----------------------------------------------------------------------------

    async def retry(self, task_id: str, *, confirm: str | None = None,
                    force_conflicts: bool = False, values_yaml: str | None = None) -> Task:
        """Run the failed (or never started) targets of an app task again — only those.
        ``values_yaml`` gives the values that feed a Secret again (they were not stored)."""
        self._guard.check_writable()
        task = await self._tasks.get(task_id)
        if task is None:
            raise NotFound(kind="task", name=task_id)
        if task.kind not in (*_ROLLOUTS, DELETE) or not task.instance_id:
            raise NotAnAppTask(task=task_id, kind=task.kind)
        failed = [r.target for r in task.results if r.status in RETRYABLE]
        if not failed:
            raise NothingToRetry(task=task_id)
        inst = await self._instances.get(task.instance_id)
        by_name, _ = await self._cluster_maps(inst)
        name, _, number = task.target.rpartition("#") if task.kind in _ROLLOUTS else (
            task.target, "", "")
        app = await self._app(inst, name)
        retry_targets = [AppTarget.parse(k) for k in failed]
        self._guard.check_confirmed([by_name[t.cluster] for t in retry_targets
                                     if t.cluster in by_name], confirm)
        if task.kind == DELETE:
            # the targets that succeeded before are done: finishing these finishes the delete
            return await self._delete_targets(inst, by_name, app, retry_targets)
        if int(number) != app.current_revision:
            raise RetryStale(task=task_id, name=app.name, revision=number,
                             current=app.current_revision)
        rev = await app_history.get(self._store, app, int(number))
        texts = decode(rev.manifests)
        renderer = Renderer(self._templates, await self._template(app), rev.template_version,
                            secret_values.fill(parse_values(rev.values),
                                               parse_values(values_yaml or ""),
                                               name=app.name, revision=rev.number),
                            app.name, rev.number, rev.number > 1)
        prepared = []
        for target in retry_targets:
            if target.key in texts:
                prepared.append(Prepared(target, await stored_objects(
                    texts[target.key], renderer, target, app.name, inst.name)))
        removed = [t for t in retry_targets if t.key not in texts]
        return await self._roll(inst, by_name, app, rev, prepared, task.kind, removed,
                                mode="full", batch_size=None, force=force_conflicts)


async def stored_objects(text: str, renderer: Renderer, target: AppTarget, app: str,
                         instance: str) -> list[dict[str, Any]]:
    """A stored target text back to objects; Secrets (stored redacted) are rendered again
    from the same revision's template version and values, and labelled like the rest."""
    objects = from_text(text)
    if has_redacted(objects):
        rendered, _ = await renderer.objects(target.namespace)
        secrets = prepare([o for o in rendered if o.get("kind") == "Secret"], app=app,
                          instance=instance, namespace=target.namespace,
                          namespaced=lambda _: True)
        objects = restore_secrets(objects, secrets)
    return objects


def encode_draft(req: PublishRequest) -> str:
    return json.dumps({"draft": draft_options(req)})

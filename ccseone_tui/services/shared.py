"""Records every ccseone of a control instance shares, kept in the engine's record store
(``engines.RecordStore``): local keeps none (this cache is the only copy, every call here
is a no-op); ocm keeps them on the hub. Engine-agnostic: nothing here knows where.

With a shared store the local cache is only a cache:

* reading (list/get of fleet namespaces and apps) first syncs the cache from the store,
  one list call per kind — records new to this ccseone are added, changed ones replaced,
  ones gone from the store dropped (another ccseone deleted them);
* writing carries the version this process read (``_versions``): a record someone else
  changed since is ``ChangedElsewhere`` ("reload"), never overwritten. A write on a kind
  this process never read syncs it first, so a fresh CLI run writes on the newest state;
* drafts stay local: their values may not have been checked for secrets yet.

Apps refer to clusters and templates by name in the store (ids are per cache): a cache
without the template gets it from the record (templates hold no credentials), one without
a target's cluster syncs its members first.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.member_errors import ChangedElsewhere, HubUnreachable, RecordTooLarge
from ccseone_tui.domain.models import (
    App,
    ControlInstance,
    FleetNamespace,
    Revision,
    TaskStatus,
    Template,
)
from ccseone_tui.engines.base import RecordStore, SharedRecord
from ccseone_tui.services.tasks import new_id

log = logging.getLogger(__name__)

NAMESPACE, APP, REVISION = "namespace", "app", "revision"
DRAFT = "Draft"
PENDING = TaskStatus.PENDING.value


def _ns_data(ns: FleetNamespace) -> dict[str, Any]:
    data = dataclasses.asdict(ns)
    data.pop("instance_id")  # per cache
    return data


def _rev_name(app: str, number: int) -> str:
    return f"{app}.{number}"


class SharedState:
    def __init__(self, store: Any, clusters: Any) -> None:
        self._store = store
        self._clusters = clusters
        # (instance id, kind, name) -> the version this process last read or wrote
        self._versions: dict[tuple[str, str, str], str] = {}
        self._synced: set[tuple[str, str]] = set()  # (instance id, kind) read at least once

    async def _records(self, inst: ControlInstance) -> RecordStore:
        return (await self._clusters.engine_of(inst.id)).records()

    def _remember(self, inst: ControlInstance, rec: SharedRecord) -> None:
        self._versions[(inst.id, rec.kind, rec.name)] = rec.version

    def _version(self, inst: ControlInstance, kind: str, name: str) -> str:
        return self._versions.get((inst.id, kind, name), "")

    async def _list(self, inst: ControlInstance, kind: str, strict: bool
                    ) -> list[SharedRecord] | None:
        """The store's records of a kind; None when there is no shared store, or (reads
        only, ``strict`` False) when it does not answer: the cache is shown as it is."""
        records = await self._records(inst)
        if not records.shared:
            return None
        try:
            found = await records.list(kind)
        except HubUnreachable:
            if strict:
                raise
            log.warning("shared %s records of %s not synced: store unreachable", kind,
                        inst.name)
            return None
        for key in [k for k in self._versions if k[0] == inst.id and k[1] == kind]:
            del self._versions[key]
        for rec in found:
            self._remember(inst, rec)
        self._synced.add((inst.id, kind))
        return found

    # ---- fleet namespaces ------------------------------------------------------------------

    async def sync_namespaces(self, inst: ControlInstance, *, strict: bool = False) -> None:
        found = await self._list(inst, NAMESPACE, strict)
        if found is None:
            return
        seen: set[str] = set()
        for rec in found:
            try:
                ns = FleetNamespace(instance_id=inst.id, **rec.data)
            except TypeError:
                log.warning("shared namespace record %s unreadable: skipped", rec.name)
                continue
            seen.add(ns.name)
            local = await self._store.get_namespace(inst.id, ns.name)
            if local is not None and local.id != ns.id:  # deleted and made again elsewhere
                await self._store.delete_namespace(local.id)
                local = None
            if local is None:
                await self._store.add_namespace(ns)
            elif local != ns:
                await self._store.update_namespace(ns)
        for local in await self._store.list_namespaces(inst.id):
            if local.name not in seen:  # another ccseone deleted it
                await self._store.delete_namespace(local.id)

    async def ensure_namespaces(self, inst: ControlInstance) -> None:
        """Before a write: the versions of this kind known in this process."""
        if (inst.id, NAMESPACE) not in self._synced:
            await self.sync_namespaces(inst, strict=True)

    async def put_namespace(self, inst: ControlInstance, ns: FleetNamespace, *,
                            create: bool) -> None:
        records = await self._records(inst)
        if not records.shared:
            return
        rec = SharedRecord(NAMESPACE, ns.name, _ns_data(ns),
                           version=self._version(inst, NAMESPACE, ns.name))
        written = await (records.create(rec) if create or not rec.version
                         else records.update(rec))
        self._remember(inst, written)

    async def drop_namespace(self, inst: ControlInstance, ns: FleetNamespace) -> None:
        records = await self._records(inst)
        if not records.shared:
            return
        await records.delete(SharedRecord(NAMESPACE, ns.name,
                                          version=self._version(inst, NAMESPACE, ns.name)))
        self._versions.pop((inst.id, NAMESPACE, ns.name), None)

    # ---- apps and revisions ----------------------------------------------------------------

    async def sync_apps(self, inst: ControlInstance, *, strict: bool = False) -> None:
        found = await self._list(inst, APP, strict)
        if found is None:
            return
        revisions = await self._list(inst, REVISION, strict) or []
        by_app: dict[str, list[SharedRecord]] = {}
        for rec in revisions:
            by_app.setdefault(rec.app, []).append(rec)
        clusters = {c.name: c for c in await self._clusters.list(inst.id)}
        wanted = {t[0] for rec in found for t in rec.data.get("targets") or []}
        if wanted - set(clusters):  # members this cache has not seen yet
            await self._clusters.sync_members(inst)
            clusters = {c.name: c for c in await self._clusters.list(inst.id)}
        seen: set[str] = set()
        for rec in found:
            try:
                await self._apply_app(inst, rec, by_app.get(rec.name, []), clusters)
                seen.add(rec.name)
            except (KeyError, TypeError, ValueError, CcseoneError) as exc:
                log.warning("shared app record %s not synced: %s", rec.name, exc)
                seen.add(rec.name)  # kept as cached rather than dropped
        for local in await self._store.list_apps(inst.id):
            if local.status != DRAFT and local.name not in seen:
                await self._store.delete_app(local.id)  # another ccseone deleted it

    async def _template_id(self, spec: dict[str, Any]) -> str:
        tpl = await self._store.get_template(str(spec["name"]))
        if tpl is None:  # the first ccseone's template, made known here by name
            tpl = Template(id=new_id("tpl"), name=str(spec["name"]), kind=str(spec["kind"]),
                           source=dict(spec.get("source") or {}),
                           description=str(spec.get("description") or ""),
                           created_at=time.time())
            await self._store.add_template(tpl)
        return tpl.id

    async def _apply_app(self, inst: ControlInstance, rec: SharedRecord,
                         revisions: list[SharedRecord], clusters: dict[str, Any]) -> None:
        d = rec.data
        app = App(id=str(d["id"]), instance_id=inst.id, name=rec.name,
                  template_id=await self._template_id(d["template"]),
                  description=str(d.get("description") or ""),
                  current_revision=int(d["current_revision"]), status=str(d["status"]),
                  created_at=float(d["created_at"]))
        local = await self._store.get_app(inst.id, app.name)
        if local is not None and local.id != app.id:  # a local draft, or made again
            await self._store.delete_app(local.id)
            local = None
        if local is None:
            await self._store.add_app(app)
        elif local != app:
            await self._store.update_app(app)
        await self._store.set_app_targets(app.id, [
            (clusters[c].id, ns) for c, ns in d.get("targets") or [] if c in clusters])
        for r in revisions:
            rd = r.data
            number = int(rd["number"])
            if await self._store.get_revision(app.id, number) is None:
                await self._store.add_revision(Revision(
                    app.id, number, str(rd.get("template_version") or ""),
                    str(rd.get("values") or ""),
                    r.blob.decode() if r.blob is not None else "",
                    str(rd.get("message") or ""), str(rd.get("author") or ""),
                    float(rd.get("created_at") or 0)))
            hub_results = {str(k): (str(v[0]), str(v[1]))
                           for k, v in (rd.get("results") or {}).items()}
            mine = await self._store.revision_results(app.id, number)
            # a rollout running here writes its results as targets finish, the store
            # only when it ends: a Pending from the store never hides a local outcome
            newer = {k: v for k, v in hub_results.items()
                     if v[0] != PENDING or mine.get(k, (PENDING,))[0] == PENDING}
            if newer and any(mine.get(k) != v for k, v in newer.items()):
                await self._store.set_revision_results(app.id, number, newer)

    async def ensure_apps(self, inst: ControlInstance) -> None:
        if (inst.id, APP) not in self._synced:
            await self.sync_apps(inst, strict=True)

    async def _app_record(self, inst: ControlInstance, app: App,
                          targets: list[tuple[str, str]] | None) -> SharedRecord:
        tpl = await self._store.get_template(app.template_id)
        if targets is None:
            by_id = {c.id: c.name for c in await self._clusters.list(inst.id)}
            targets = [(by_id.get(c, c), ns) for c, ns in await self._store.app_targets(app.id)]
        return SharedRecord(APP, app.name, {
            "id": app.id, "description": app.description,
            "current_revision": app.current_revision, "status": app.status,
            "created_at": app.created_at, "targets": [list(t) for t in targets],
            "template": {"name": tpl.name if tpl else app.template_id,
                         "kind": tpl.kind if tpl else "",
                         "source": tpl.source if tpl else {},
                         "description": tpl.description if tpl else ""},
        }, app=app.name, version=self._version(inst, APP, app.name))

    async def put_app(self, inst: ControlInstance, app: App, *, create: bool,
                      targets: list[tuple[str, str]] | None = None) -> None:
        """The app with ``targets`` ((cluster name, namespace); default: as cached).
        ``create``: a name nobody else may hold; else only over the version this process
        read."""
        records = await self._records(inst)
        if not records.shared:
            return
        rec = await self._app_record(inst, app, targets)
        written = await (records.create(rec) if create or not rec.version
                         else records.update(rec))
        self._remember(inst, written)

    async def put_app_status(self, inst: ControlInstance, app: App) -> None:
        """After a rollout: the outcome. Someone else having moved the app on meanwhile
        is theirs to keep — skipped, not overwritten."""
        try:
            await self.put_app(inst, app, create=False)
        except ChangedElsewhere:
            log.info("app %s changed elsewhere during the rollout: status not shared",
                     app.name)

    async def put_revision(self, inst: ControlInstance, app: App, rev: Revision) -> None:
        """A new revision: ``ChangedElsewhere`` if another ccseone made that number first.
        Its manifests go along compressed; when even so they do not fit, they are left
        out (a rollback renders them again from the template version and values)."""
        records = await self._records(inst)
        if not records.shared:
            return
        rec = SharedRecord(REVISION, _rev_name(app.name, rev.number), {
            "app_id": app.id, "number": rev.number,
            "template_version": rev.template_version, "values": rev.values,
            "message": rev.message, "author": rev.author, "created_at": rev.created_at,
            "results": {}, "manifests": "gzip"}, blob=rev.manifests.encode(), app=app.name)
        try:
            written = await records.create(rec)
        except RecordTooLarge:
            rec.blob, rec.data["manifests"] = None, "omitted"
            written = await records.create(rec)
        self._remember(inst, written)

    async def put_results(self, inst: ControlInstance, app: App, number: int) -> None:
        """A revision's per-target outcomes as the cache holds them, merged over what the
        store has (read again on a conflict: results of other targets are kept)."""
        records = await self._records(inst)
        if not records.shared:
            return
        name = _rev_name(app.name, number)
        results = await self._store.revision_results(app.id, number)
        for _ in range(3):
            current = await records.get(REVISION, name)
            if current is None:
                return  # the app was deleted elsewhere meanwhile
            merged = {**(current.data.get("results") or {}),
                      **{k: [s, m] for k, (s, m) in results.items()}}
            current.data["results"] = merged
            try:
                self._remember(inst, await records.update(current))
                return
            except ChangedElsewhere:
                continue

    async def check_app(self, inst: ControlInstance, app: App) -> None:
        """``ChangedElsewhere`` unless the app's record is still the version read here:
        before a change that cannot be undone (a delete), not after it."""
        records = await self._records(inst)
        if not records.shared:
            return
        have = self._version(inst, APP, app.name)
        current = await records.get(APP, app.name)
        if current is None or current.version != have:
            raise ChangedElsewhere(what=APP, name=app.name, instance=inst.name,
                                   have=have or "-")

    async def drop_revision(self, inst: ControlInstance, app: App, number: int) -> None:
        records = await self._records(inst)
        if records.shared:
            await records.delete(SharedRecord(REVISION, _rev_name(app.name, number)))

    async def drop_app(self, inst: ControlInstance, app: App) -> None:
        """The app's record (over the version read) and every revision of it."""
        records = await self._records(inst)
        if not records.shared:
            return
        # checked before the delete task ran (check_app): the user's delete stands now
        await records.delete(SharedRecord(APP, app.name))
        self._versions.pop((inst.id, APP, app.name), None)
        for rec in await records.list(REVISION, app.name):
            await records.delete(SharedRecord(REVISION, rec.name))

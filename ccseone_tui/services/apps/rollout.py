"""Rolling a revision out: render and prepare per target, dry-run everywhere, then apply (and
prune) through ``TasksService.run`` with each target's result recorded on the revision.

Nothing changes on any cluster unless the dry run passed on every target that answered. A
target whose dry run failed through the cluster's own fault — no answer, 429 after the
retries, a 5xx, a timeout (:func:`cluster_fault`) — is not a reason to stop the others: it is
rolled out with the rest, fails in the task, and ``retry`` finishes it later. Only an answer
about the objects themselves (400/403/404/409/422 …) stops the rollout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.apps import AppTarget
from ccseone_tui.domain.errors import (
    CcseoneError,
    ClusterUnreachable,
    KubeApiError,
    TooManyRequests,
)
from ccseone_tui.domain.models import Task, TaskStatus, Template
from ccseone_tui.i18n import t
from ccseone_tui.services.apps import apply as app_apply
from ccseone_tui.services.apps.manifests import (
    from_text,
    kinds_in_text,
    kinds_of,
    prepare,
    to_text,
    with_revision,
)
from ccseone_tui.services.tasks import describe_error

Obj = dict[str, Any]


@dataclass
class Prepared:
    """One target's objects for a revision, or why they could not be prepared."""

    target: AppTarget
    objects: list[Obj] = field(default_factory=list)
    scopes: app_apply.Scopes = field(default_factory=dict)
    error: str | None = None
    # could not be checked through the cluster's fault: applied (and maybe failing) later
    unreachable: bool = False
    note: str = ""  # said with the result (e.g. the dry run was the hub's, not the member's)

    @property
    def text(self) -> str:
        return to_text(self.objects)


class Renderer:
    """Renders a template once per namespace for one operation: two targets with the same
    namespace get the same release, so the Helm engine runs once for both."""

    def __init__(self, templates: Any, template: Template, version: str, values: dict[str, Any],
                 app: str, revision: int, upgrade: bool) -> None:
        self._templates = templates
        self._args = (template, version or None, values)
        self._app, self._revision, self._upgrade = app, revision, upgrade
        self._cache: dict[str, asyncio.Task[list[Any]]] = {}

    async def objects(self, namespace: str) -> tuple[list[Obj], dict[int, str]]:
        if namespace not in self._cache:
            template, version, values = self._args
            self._cache[namespace] = asyncio.ensure_future(self._templates.render(
                template, version, values, release=self._app, namespace=namespace,
                revision=self._revision, upgrade=self._upgrade))
        rendered = await self._cache[namespace]
        return [r.obj for r in rendered], {i: r.source for i, r in enumerate(rendered)}

    @property
    def values(self) -> dict[str, Any]:
        return self._args[2]

    async def render_with(self, values: dict[str, Any], namespace: str) -> list[Obj]:
        """The same release rendered with other values (uncached): how the values that
        reach a Secret are found (``secret_values.py``)."""
        template, version, _ = self._args
        rendered = await self._templates.render(
            template, version, values, release=self._app, namespace=namespace,
            revision=self._revision, upgrade=self._upgrade)
        return [r.obj for r in rendered]


def owner(app: str) -> str:
    """The delivery owner name of an app's objects on one target."""
    return f"app-{app}"


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """How a task action reaches one cluster: ``await access()`` is its client (reads),
    ``await access.delivery(ns, owner)`` the engine's delivery there (writes)."""

    clusters: Any  # services.ClustersService
    cluster: Any  # MemberCluster

    async def __call__(self) -> Any:
        return await self.clusters.client(self.cluster)

    async def delivery(self, namespace: str, owner_name: str) -> Any:
        return await self.clusters.delivery(self.cluster, namespace, owner_name)


async def prepare_target(client: Any, target: AppTarget, objects: list[Obj], *, app: str,
                         instance: str, revision: int, check: bool, force: bool,
                         sources: dict[int, str] | None = None,
                         delivery: Any = None) -> Prepared:
    """Namespace exists, kinds are served (discovery), then — with ``check`` — a server-side
    dry run of every object. Errors are kept on the result, not raised."""
    try:
        await app_apply.check_namespace(client, target, instance)
        scopes = await app_apply.resolve_scopes(client, target, objects, sources)
        ready = prepare(objects, app=app, instance=instance, namespace=target.namespace,
                        namespaced=app_apply.namespaced_by(scopes))
        if check:
            await app_apply.dry_run(client, target, ready, revision, force=force,
                                    delivery=delivery)
        return Prepared(target, ready, scopes)
    except (CcseoneError, TimeoutError) as exc:
        if not cluster_fault(exc):
            return Prepared(target, error=str(exc))
        ready = prepare(objects, app=app, instance=instance, namespace=target.namespace,
                        namespaced=app_apply.namespaced_by({}))
        return Prepared(target, ready, error=str(exc) or type(exc).__name__, unreachable=True)


class DirectDryRun:
    """Server-side dry run straight on a member that has direct access, for an engine
    whose delivery holds whole sets (a dry-run ManifestWork proves nothing about the
    member's own admission)."""

    whole_set = False

    def __init__(self, client: Any) -> None:
        self._client = client

    async def put(self, objects: list[Obj], *, force: bool = False,
                  dry_run: bool = False) -> list[Obj]:
        return [await self._client.apply(o, force=force, dry_run=True,
                                         field_manager="ccseone") for o in objects]


async def prepare_set(client: Any | None, target: AppTarget, objects: list[Obj], *, app: str,
                      instance: str, revision: int, check: bool, force: bool,
                      sources: dict[int, str] | None, delivery: Any) -> Prepared:
    """``prepare_target`` for a whole-set delivery (a hub): labels and namespace as on
    ``local``; the member's server-side dry run where direct access exists, and always the
    hub's own check of the work (``dryRun=All``: webhook, size). Without direct access the
    result says the member's dry run was skipped and why."""
    note = ""
    if client is not None:
        prep = await prepare_target(client, target, objects, app=app, instance=instance,
                                    revision=revision, check=check, force=force,
                                    sources=sources, delivery=DirectDryRun(client))
        if prep.error:
            return prep
    else:
        prep = Prepared(target, prepare(objects, app=app, instance=instance,
                                        namespace=target.namespace,
                                        namespaced=app_apply.namespaced_by({})))
        note = t("work.dry_run_hub", cluster=target.cluster)
    if check:
        try:
            await delivery.put([with_revision(o, revision) for o in prep.objects],
                               force=force, dry_run=True)
        except (CcseoneError, TimeoutError) as exc:
            if not cluster_fault(exc):
                return Prepared(target, error=str(exc))
            return Prepared(target, prep.objects, error=str(exc) or type(exc).__name__,
                            unreachable=True)
    prep.note = note
    return prep


def cluster_fault(exc: BaseException) -> bool:
    """The cluster, not the objects, is why a dry run failed: it did not answer, stayed
    throttled through the retries (429) or failed inside (5xx). Such a target fails on its
    own like an unreachable one; a 4xx about the objects is a validation error for all."""
    if isinstance(exc, ClusterUnreachable | TooManyRequests | TimeoutError):
        return True
    return isinstance(exc, KubeApiError) and exc.status >= 500


def stored_objects(text: str) -> list[Obj]:
    """A stored target text back to objects (labels and namespace already set)."""
    return from_text(text)


ResultSink = Callable[[str, str, str], Awaitable[None]]


def apply_action(client_for: MemberAccess, prep: Prepared, *, app: str,
                 instance: str, revision: int, force: bool, old_texts: list[str],
                 record: ResultSink) -> Callable[[], Awaitable[str]]:
    """The task action of one target: apply, prune what earlier revisions left, record."""
    target = prep.target

    async def run() -> str:
        try:
            delivery = await client_for.delivery(target.namespace, owner(app))
            if delivery.whole_set:  # one ManifestWork: replaced whole, the agent prunes
                await delivery.put([with_revision(o, revision) for o in prep.objects],
                                   force=force)
                message = t("apps.message.applied", count=len(prep.objects))
                if prep.note:
                    message += "; " + prep.note
                await record(target.key, TaskStatus.SUCCEEDED.value, message)
                return message
            client = await client_for()
            scopes = prep.scopes or await app_apply.resolve_scopes(client, target,
                                                                   prep.objects)
            count = await app_apply.apply(client, target, prep.objects, revision, scopes,
                                          force=force, delivery=delivery)
            kinds = kinds_of(prep.objects)
            for text in old_texts:
                kinds |= kinds_in_text(text)
            pruned = await app_apply.prune(client, target, prep.objects, kinds, app, instance,
                                           delivery=delivery)
            message = t("apps.message.applied", count=count)
            if pruned:
                message += ", " + t("apps.message.pruned", count=pruned)
        except Exception as exc:
            await record(target.key, TaskStatus.FAILED.value, describe_error(exc))
            raise
        await record(target.key, TaskStatus.SUCCEEDED.value, message)
        return message

    return run


def remove_action(client_for: MemberAccess, target: AppTarget, *, app: str,
                  instance: str, texts: list[str], removed_message: bool = False,
                  record: ResultSink | None = None) -> Callable[[], Awaitable[str]]:
    """The task action that removes the app's objects from one target (delete, or a target
    an upgrade dropped)."""
    async def run() -> str:
        try:
            delivery = await client_for.delivery(target.namespace, owner(app))
            if delivery.whole_set:  # the work goes; the agent removes what it applied
                held = (await delivery.status()).applied
                await delivery.withdraw([])
                key = "apps.message.removed_target" if removed_message else \
                    "apps.message.deleted"
                message = t(key, count=held)
                if record:
                    await record(target.key, TaskStatus.SUCCEEDED.value, message)
                return message
            client = await client_for()
            kinds: set[tuple[str, str]] = set()
            for text in texts:
                kinds |= kinds_in_text(text)
            objects = await app_apply.list_objects(client, target, kinds, app, instance)
            count = await app_apply.delete_objects(
                await client_for.delivery(target.namespace, owner(app)), objects)
            key = "apps.message.removed_target" if removed_message else "apps.message.deleted"
            message = t(key, count=count)
        except Exception as exc:
            if record:
                await record(target.key, TaskStatus.FAILED.value, describe_error(exc))
            raise
        if record:
            await record(target.key, TaskStatus.SUCCEEDED.value, message)
        return message

    return run


async def record_cancelled(task: Task, record: ResultSink) -> None:
    """Batch mode stopped: the targets never started say so on the revision too."""
    for r in task.results:
        if r.status is TaskStatus.CANCELLED:
            await record(r.target, TaskStatus.CANCELLED.value, r.message)


def status_word(ok: int, total: int) -> str:
    word = "Deployed" if ok == total else ("Failed" if ok == 0 else "Partial")
    return f"{word} {ok}/{total}"

"""After a crash: finish the records a killed process left behind (issue #14 item 4).

``open_services`` and ``tasks list`` call :func:`recover`. Tasks whose process is gone
become Interrupted (``TasksService.reconcile``, with a journal entry); an app those tasks
left "Deploying" is then checked against its clusters, so it shows what is really deployed
instead of a rollout that will never end.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.i18n import t

if TYPE_CHECKING:
    from ccseone_tui.services import Services

log = logging.getLogger(__name__)

_APP_ROLLOUTS = ("app.publish", "app.upgrade", "app.rollback")
_UNFINISHED = (TaskStatus.PENDING.value, TaskStatus.RUNNING.value)


async def recover(services: Services) -> list[Task]:
    """Reconcile interrupted tasks and re-check the apps they touched; return the tasks."""
    interrupted = await services.tasks.reconcile()
    for task in interrupted:
        if task.instance_id and (task.kind in _APP_ROLLOUTS or task.kind == "app.delete"):
            try:
                await _recheck_app(services, task)
            except CcseoneError as exc:  # the app or instance is gone: nothing to re-check
                log.info("re-checking the app of interrupted task %s: %s", task.id, exc)
    await _orphan_apps(services)
    return interrupted


# A publish/upgrade stores the app as Deploying, then records its task a few milliseconds
# later; a kill in between leaves an app no task will ever finish. Older than this and
# without an unfinished task it is an orphan (a live rollout has its task long before).
ORPHAN_AFTER = 60.0


async def _orphan_apps(services: Services, now: float | None = None) -> None:
    now = time.time() if now is None else now
    apps = [a for a in await services.store.list_apps() if a.status == "Deploying"]
    if not apps:
        return
    running = {(t.instance_id, t.target) for t in await services.store.unfinished_tasks()}
    for app in apps:
        target = f"{app.name}#{app.current_revision}"
        rev = await services.store.get_revision(app.id, app.current_revision)
        if ((app.instance_id, target) in running or rev is None
                or now - rev.created_at < ORPHAN_AFTER):
            continue
        stored = await services.store.revision_results(app.id, app.current_revision)
        note = t("tasks.interrupted.no_task", target=target)
        stale = {k: (TaskStatus.INTERRUPTED.value, note) for k, (state, _) in stored.items()
                 if state in _UNFINISHED}
        try:
            if stale:
                await services.store.set_revision_results(app.id, app.current_revision, stale)
            inst = await services.instances.get(app.instance_id)
            await services.apps.status(inst.name, app.name)
        except CcseoneError as exc:
            log.info("re-checking orphaned app %s: %s", target, exc)


async def _recheck_app(services: Services, task: Task) -> None:
    assert task.instance_id is not None
    inst = await services.instances.get(task.instance_id)
    if task.kind in _APP_ROLLOUTS:
        name, _, number = task.target.rpartition("#")
    else:
        name, number = task.target, ""
    app = await services.store.get_app(inst.id, name)
    if app is None:
        return
    if number.isdigit():
        # the revision's per-target results still say Pending where the rollout stopped;
        # the app status reads them, so they must say Interrupted first
        stored = await services.store.revision_results(app.id, int(number))
        mine = {r.target: r.message for r in task.results
                if r.status is TaskStatus.INTERRUPTED}
        stale = {k: (TaskStatus.INTERRUPTED.value, mine[k]) for k, (state, _) in stored.items()
                 if k in mine and state in _UNFINISHED}
        if stale:
            await services.store.set_revision_results(app.id, int(number), stale)
    # the live check against the clusters stores the app's real state (apps/service.status)
    await services.apps.status(inst.name, name)


__all__ = ["recover"]

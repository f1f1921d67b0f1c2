"""The Namespaces section's flows, shared by the list, the detail screen and the palette.

Like ``ui/actions.py``: each flow checks read-only mode first (the service's own rule, shown
as its message), then opens its dialog; the dialog calls the namespaces service. Writes that
reach production clusters ask for their names typed and hand the text to the service as
``confirm=``, which decides. Every write is a task with per-cluster results: it ends on a
summary (and, when clusters refused because the namespace there is not ours, on the offer
to adopt it), then the namespace's detail shows the results cluster by cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.domain.models import FleetNamespace, MemberCluster, Task, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None
KeyRows = list[tuple[str, str]]
Command = tuple[str, str, Callable[[], object]]
SHOWN = 8  # clusters named in a notification or a question; the rest are counted


def instance_name(app: CcseoneApp) -> str | None:
    current = app.current_instance
    return current.name if current is not None else None


def _ready(app: CcseoneApp) -> str | None:
    """The current instance's name when writes are allowed (else the reason is shown)."""
    if not actions.writable(app):
        return None
    name = instance_name(app)
    if name is None:
        app.notify(t("empty.instances"), severity="warning")
    return name


def _done(app: CcseoneApp, on_done: Done) -> None:
    """After a write: the caller's refresh, and the list re-reads the cache if it was shown."""
    if on_done is not None:
        on_done()
    view = app.main.mounted_view("namespaces")
    if view is not None and getattr(view, "loaded", False) and on_done != view.reload:
        view.reload()


def bullet_list(lines: list[str]) -> str:
    shown = [f"  • {line}" for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append("  " + t("console.more", count=len(lines) - SHOWN))
    return "\n".join(shown)


def cluster_line(app: CcseoneApp, cluster: MemberCluster, detail: str = "") -> str:
    line = cluster.name + (" PROD" if app.services.is_production(cluster) else "")
    return f"{line} — {detail}" if detail else line


async def clusters_named(app: CcseoneApp, instance: str, names: list[str]
                         ) -> list[MemberCluster]:
    """The instance's clusters among ``names`` (task results name their cluster)."""
    inst = await app.services.instances.get(instance)
    wanted = set(names)
    return [c for c in await app.services.clusters.list(inst.id) if c.name in wanted]


async def status_of(app: CcseoneApp, instance: str, name: str) -> NamespaceStatus | None:
    """The namespace's last known state on every cluster, from the cache."""
    for status in await app.services.namespaces.list_status(instance):
        if status.namespace.name == name:
            return status
    return None


# ---- results ------------------------------------------------------------------------------


def failed_targets(task: Task) -> list[str]:
    return [r.target for r in task.results if r.status is TaskStatus.FAILED]


def unmanaged_targets(task: Task, name: str) -> list[str]:
    """The clusters that refused because a namespace ``name`` exists there that ccseone did
    not create: the ones adopting would fix. Recognised by the service's own fix text."""
    out = []
    for r in task.results:
        if r.status is not TaskStatus.FAILED:
            continue
        fix = t("ns.error.unmanaged.fix", cluster=r.target, name=name)
        if fix != "ns.error.unmanaged.fix" and fix in r.message:
            out.append(r.target)
    return out


def report(app: CcseoneApp, task: Task, verb: str, name: str) -> None:
    """One notification: how it went on how many clusters, and which failed and why."""
    ok = sum(r.status is TaskStatus.SUCCEEDED for r in task.results)
    total = len(task.results)
    body = t(f"ns_ui.done.{verb}", name=name, ok=ok, total=total,
             status=t(f"status.task.{task.status.value}"))
    failed = [r for r in task.results if r.status is TaskStatus.FAILED]
    if failed:
        body += "\n" + bullet_list([f"{r.target}: {r.message}" for r in failed])
        body += "\n" + t("ns_ui.done.retry_hint")
    severity = ("information" if task.status is TaskStatus.SUCCEEDED
                else "error" if task.status is TaskStatus.FAILED else "warning")
    app.notify(body, severity=severity, timeout=12 if failed else 5, markup=False)


async def finish(app: CcseoneApp, instance: str, name: str, task: Task, verb: str, *,
                 open_detail: bool) -> Task:
    """After create/edit/repair/retry: offer adoption for the clusters that refused because
    the namespace there is not ours, report, then show the namespace. Runs in a worker."""
    strangers = unmanaged_targets(task, name)
    if strangers:
        adopt = await app.push_screen_wait(ConfirmScreen(
            t("ns_ui.adopt.title", name=name, count=len(strangers)),
            t("ns_ui.adopt.body", name=name) + "\n\n" + bullet_list(strangers),
            yes=t("ns_ui.adopt.yes"), danger=True, id="ns-adopt"))
        if adopt:  # the adoption's own task is what is reported (both are in the detail)
            adopted = await adopt_on(app, instance, name, task, strangers)
            if adopted is not task:
                task, verb = adopted, "adopt"
    report(app, task, verb, name)
    if open_detail:
        from ccseone_tui.ui.screens.namespace_detail import NamespaceDetailScreen

        if not isinstance(app.screen, NamespaceDetailScreen):
            open_namespace(app, await app.services.namespaces.get(instance, name), task.id)
    return task


async def adopt_on(app: CcseoneApp, instance: str, name: str, task: Task,
                   clusters: list[str]) -> Task:
    """Re-run the failed targets of ``task`` with adoption allowed (``retry`` takes every
    failed one: an unreachable cluster gets its second chance too). Production ones among
    them are typed."""
    members = await clusters_named(app, instance, failed_targets(task))
    production = [c.name for c in members if app.services.is_production(c)]
    typed: str | None = None
    if production:
        from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen

        typed = await app.push_screen_wait(TypedConfirmScreen(
            t("ns_ui.adopt.title", name=name, count=len(clusters)), "",
            expected=",".join(production)))
        if typed is None:
            return task
    result: Task = await app.services.namespaces.retry(task.id, confirm=typed, adopt=True)
    return result


# ---- the flows ------------------------------------------------------------------------------


def open_namespace(app: CcseoneApp, ns: FleetNamespace, task_id: str | None = None) -> None:
    from ccseone_tui.ui.screens.namespace_detail import NamespaceDetailScreen

    # back on the list: re-read it (a check or a write in the detail changed the states)
    app.push_screen(NamespaceDetailScreen(ns, task_id=task_id), lambda _: _done(app, None))


def create_namespace(app: CcseoneApp, on_done: Done = None) -> None:
    from ccseone_tui.ui.screens.namespace_form import NamespaceFormScreen

    instance = _ready(app)
    if instance is None:
        return

    def closed(result: tuple[str, Task] | None) -> None:
        if result is not None:
            name, task = result
            workers.start(app, _after(app, instance, name, task, "create", on_done),
                          name=f"write:ns-create:{name}", group="flow",
                          description=t("ns_ui.what.create", name=name))

    app.push_screen(NamespaceFormScreen(instance), closed)


def edit_namespace(app: CcseoneApp, ns: FleetNamespace, on_done: Done = None) -> None:
    from ccseone_tui.ui.screens.namespace_form import NamespaceFormScreen

    instance = _ready(app)
    if instance is None:
        return

    def closed(result: tuple[str, Task] | None) -> None:
        if result is not None:
            workers.start(app, _after(app, instance, ns.name, result[1], "edit", on_done),
                          name=f"write:ns-edit:{ns.name}", group="flow",
                          description=t("ns_ui.what.edit", name=ns.name))

    app.push_screen(NamespaceFormScreen(instance, ns), closed)


async def _after(app: CcseoneApp, instance: str, name: str, task: Task, verb: str,
                 on_done: Done) -> None:
    try:
        await finish(app, instance, name, task, verb, open_detail=True)
    finally:
        _done(app, on_done)


def delete_namespace(app: CcseoneApp, ns: FleetNamespace, on_done: Done = None) -> None:
    instance = _ready(app)
    if instance is None:
        return
    workers.start(app, _delete(app, instance, ns, on_done), name=f"write:ns-delete:{ns.name}",
                  group="flow", description=t("ns_ui.what.delete", name=ns.name))


async def _delete(app: CcseoneApp, instance: str, ns: FleetNamespace, on_done: Done) -> None:
    from ccseone_tui.ui.screens.namespace_delete import NamespaceDeleteScreen

    preview = await app.services.namespaces.delete_preview(instance, ns.name)
    confirm = await app.push_screen_wait(NamespaceDeleteScreen(ns, preview))
    if confirm is None:
        return
    task = await app.services.namespaces.delete(instance, ns.name, confirm=confirm or None)
    report(app, task, "delete", ns.name)
    _done(app, on_done)


def repair_namespace(app: CcseoneApp, ns: FleetNamespace, on_done: Done = None) -> None:
    instance = _ready(app)
    if instance is None:
        return
    workers.start(app, _repair(app, instance, ns, on_done), name=f"write:ns-repair:{ns.name}",
                  group="flow", description=t("ns_ui.what.repair", name=ns.name))


async def _repair(app: CcseoneApp, instance: str, ns: FleetNamespace, on_done: Done) -> None:
    status = await status_of(app, instance, ns.name)
    broken = [c for c in status.clusters if c.state.repairable] if status else []
    if not broken:
        app.notify(t("ns_ui.repair.nothing", name=ns.name), timeout=6)
        return
    go, typed = await actions.confirm_cluster_write(
        app, [c.cluster for c in broken],
        t("ns_ui.repair.title", name=ns.name, count=len(broken)),
        t("ns_ui.repair.body") + "\n\n" + bullet_list([
            cluster_line(app, c.cluster, t(f"ns_ui.state.{c.state.value}")
                         + (f": {c.message}" if c.message else "")) for c in broken]),
        danger=False)
    if not go:
        return
    task = await app.services.namespaces.repair(instance, ns.name, confirm=typed)
    await _after(app, instance, ns.name, task, "repair", on_done)


def retry_failed(app: CcseoneApp, ns: FleetNamespace, task: Task, on_done: Done = None) -> None:
    instance = _ready(app)
    if instance is None:
        return
    if not failed_targets(task):
        app.notify(t("ns_ui.retry.nothing", name=ns.name), timeout=6)
        return
    workers.start(app, _retry(app, instance, ns, task, on_done), name=f"write:ns-retry:{task.id}",
                  group="flow", description=t("ns_ui.what.retry", name=ns.name))


async def _retry(app: CcseoneApp, instance: str, ns: FleetNamespace, task: Task,
                 on_done: Done) -> None:
    failed = failed_targets(task)
    members = await clusters_named(app, instance, failed)
    go, typed = await actions.confirm_cluster_write(
        app, members, t("ns_ui.retry.title", name=ns.name, count=len(failed)),
        bullet_list(failed), danger=False)
    if not go:
        return
    again = await app.services.namespaces.retry(task.id, confirm=typed)
    await _after(app, instance, ns.name, again, "retry", on_done)


# ---- help and palette -----------------------------------------------------------------------


def key_groups() -> list[tuple[str, KeyRows]]:
    """The Namespaces keys for F1 (the footer shows the same bindings)."""
    return [
        (t("ns_ui.help.list"), [
            ("c", t("ns_ui.help.c")),
            ("e", t("ns_ui.help.e")),
            ("d", t("ns_ui.help.d")),
            ("R", t("ns_ui.help.r")),
            ("ctrl+r  F5", t("ns_ui.help.check")),
            ("s", t("ns_ui.help.s")),
            ("enter", t("ns_ui.help.enter")),
        ]),
        (t("ns_ui.help.detail"), [
            ("r", t("help.key.refresh")),
            ("R", t("ns_ui.help.r")),
            ("f", t("ns_ui.help.f")),
            ("ctrl+r  F5", t("ns_ui.help.check_one")),
            ("e  d", t("ns_ui.help.ed")),
            ("esc", t("console.key.back")),
        ]),
    ]


def commands(app: CcseoneApp) -> list[Command]:
    """Palette entries: create, and open/edit/repair/delete for every namespace listed."""
    write = t("console.palette.write.help")
    out: list[Command] = [(t("ns_ui.palette.create"), t("ns_ui.palette.create.help"),
                           partial(create_namespace, app))]
    view = app.main.mounted_view("namespaces")
    for status in (view.rows.values() if view is not None else ()):
        ns = status.namespace
        out += [
            (t("ns_ui.palette.open", name=ns.name), t("ns_ui.palette.open.help"),
             partial(open_namespace, app, ns)),
            (t("ns_ui.palette.edit", name=ns.name), write, partial(edit_namespace, app, ns)),
            (t("ns_ui.palette.repair", name=ns.name), write,
             partial(repair_namespace, app, ns)),
            (t("ns_ui.palette.delete", name=ns.name), write,
             partial(delete_namespace, app, ns)),
        ]
    return out


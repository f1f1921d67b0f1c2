"""Issue #14 item 4: a task whose process was killed becomes Interrupted at the next start
(or on ``tasks list``), with a journal entry; ``retry`` runs its unfinished targets; an app
it left Deploying gets its real state from the clusters.

The "killed process" is real: a child Python process that is gone (its pid reaped), or a
live pid with another start token (pid reuse). Its task rows are written the way a process
killed mid-fan-out leaves them (Running task, Pending/Running/Succeeded results)."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.domain.apps import PublishRequest
from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services, open_services
from ccseone_tui.services.process import (
    STALE_AFTER,
    Owner,
    current_owner,
    owner_gone,
    start_token,
)
from ccseone_tui.services.tasks import new_id

from .conftest import make_settings
from .test_apps_support import setup_east


def dead_owner() -> Owner:
    """The owner record of a process that really ran on this host and is gone now."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    token = start_token(child.pid)
    child.kill()
    child.wait()
    return Owner(socket.gethostname(), child.pid, token)


async def killed_task(s: Services, kind: str, target: str, instance_id: str | None,
                      results: dict[str, TaskStatus], owner: Owner | None,
                      age: float = 5.0) -> Task:
    """Rows as a process killed mid-fan-out leaves them."""
    task = Task(id=new_id("task"), kind=kind, target=target, instance_id=instance_id,
                status=TaskStatus.RUNNING, user="tester", created_at=time.time() - age,
                owner=owner.to_json() if owner else None)
    task.results = [TaskResult(task.id, name, state) for name, state in results.items()]
    await s.store.add_task(task)
    return task


async def reopen(tmp_path: Path, fleet: SandboxFleet, s: Services) -> Services:
    await s.close()
    return await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")


def test_owner_liveness_rules() -> None:
    me = current_owner()
    now = time.time()
    assert not owner_gone(me, now, now)  # this very process
    gone = dead_owner()
    assert owner_gone(gone, now, now)
    # the pid is alive but is another process than the one recorded (pid reuse)
    assert owner_gone(Owner(me.host, os.getppid(), "boot:1"), now, now)
    assert not owner_gone(Owner(me.host, os.getppid(), start_token(os.getppid())), now, now)
    # another host: its pids mean nothing here; left alone until it is very old
    other = Owner("elsewhere.example", gone.pid, gone.start)
    assert not owner_gone(other, now - 3600, now)
    assert owner_gone(other, now - STALE_AFTER - 1, now)
    assert not owner_gone(None, now - 60, now) and owner_gone(None, now - STALE_AFTER - 1, now)
    assert Owner.parse(me.to_json()) == me and Owner.parse("{bad") is None


async def test_killed_namespace_create_is_interrupted_journalled_and_retried(
        tmp_path: Path, fleet: SandboxFleet) -> None:
    services = await open_services(make_settings(tmp_path, fleet.kubeconfig_path),
                                   user="tester")
    await setup_east(services, fleet, namespaces=False)
    inst = await services.instances.get("east")
    spec = NamespaceSpec(name="web")
    await services.namespaces.create("east", spec)
    a, b, c = (x.name for x in fleet.clusters)
    task = await killed_task(services, "namespace.create", "web", inst.id,
                             {a: TaskStatus.SUCCEEDED, b: TaskStatus.RUNNING,
                              c: TaskStatus.PENDING}, dead_owner())
    alive = await killed_task(services, "namespace.create", "web", inst.id,
                              {a: TaskStatus.RUNNING}, current_owner())
    remote = await killed_task(services, "namespace.create", "web", inst.id,
                               {a: TaskStatus.RUNNING},
                               Owner("elsewhere.example", 1, ""), age=600)
    services = await reopen(tmp_path, fleet, services)
    try:
        assert [t.id for t in services.interrupted] == [task.id]
        got = await services.tasks.get(task.id)
        assert got is not None and got.status is TaskStatus.INTERRUPTED and got.finished_at
        states = {r.target: r.status for r in got.results}
        assert states == {a: TaskStatus.SUCCEEDED, b: TaskStatus.INTERRUPTED,
                          c: TaskStatus.INTERRUPTED}
        msg = next(r.message for r in got.results if r.target == b)
        assert "ccseone tasks retry " + task.id in msg and "pid" in msg
        for other in (alive, remote):  # a live process's and another host's: untouched
            kept = await services.tasks.get(other.id)
            assert kept is not None and kept.status is TaskStatus.RUNNING
        journal = [e for e in await services.tasks.list_journal(inst.id)
                   if e.task_id == task.id]
        assert [(e.action, e.result) for e in journal] == [("namespace.create", "Interrupted")]
        # a second pass (another process opening at the same time) journals nothing again
        assert await services.tasks.reconcile() == []
        again = await services.namespaces.retry(task.id)
        assert {r.target: r.status for r in again.results} == {
            b: TaskStatus.SUCCEEDED, c: TaskStatus.SUCCEEDED}
    finally:
        await services.close()


async def test_app_left_deploying_gets_its_real_state(
        tmp_path: Path, fleet: SandboxFleet) -> None:
    services = await open_services(make_settings(tmp_path, fleet.kubeconfig_path),
                                   user="tester")
    targets = await setup_east(services, fleet)
    first = await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    assert first.status is TaskStatus.SUCCEEDED
    await fleet.settle()
    inst = await services.instances.get("east")
    app = await services.apps.get("east", "web")
    keys = [t.key for t in targets]
    # killed after the first target applied: the app says Deploying, two results Pending
    app.status = "Deploying"
    await services.store.update_app(app)
    await services.store.set_revision_results(app.id, 1, {
        keys[1]: ("Running", ""), keys[2]: ("Pending", "")})
    task = await killed_task(services, "app.publish", "web#1", inst.id,
                             {keys[0]: TaskStatus.SUCCEEDED, keys[1]: TaskStatus.RUNNING,
                              keys[2]: TaskStatus.PENDING}, dead_owner())
    services = await reopen(tmp_path, fleet, services)
    try:
        assert [t.id for t in services.interrupted] == [task.id]
        # the objects are all there and healthy (applied before): the clusters say Deployed
        assert (await services.apps.get("east", "web")).status == "Deployed 3/3"
        results = await services.store.revision_results(app.id, 1)
        assert results[keys[2]][0] == "Interrupted"
        again = await services.apps.retry(task.id)
        assert sorted(r.target for r in again.results) == sorted(keys[1:])
        assert again.status is TaskStatus.SUCCEEDED
    finally:
        await services.close()


async def test_cli_tasks_list_shows_interrupted_and_tasks_retry(
        tmp_path: Path, fleet: SandboxFleet, capsys: pytest.CaptureFixture[str]) -> None:
    services = await open_services(make_settings(tmp_path, fleet.kubeconfig_path),
                                   user="tester")
    await setup_east(services, fleet, namespaces=False)
    inst = await services.instances.get("east")
    await services.namespaces.create("east", NamespaceSpec(name="web"))
    a = fleet.clusters[0].name
    task = await killed_task(services, "namespace.create", "web", inst.id,
                             {a: TaskStatus.RUNNING}, dead_owner())
    db = services.settings.db_path
    await services.close()
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(db),
            "--kubeconfig", str(fleet.kubeconfig_path), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, "tasks", "list", "-o", "json"])
    out = capsys.readouterr()
    assert code == 0 and '"Interrupted"' in out.out
    assert f"task {task.id} (namespace.create web) was interrupted" in out.err
    code = await asyncio.to_thread(main, [*base, "tasks", "retry", task.id])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Succeeded" in out.out and "Traceback" not in out.err
    # zh_CN: the status word is translated in the TUI catalog
    from ccseone_tui.i18n import set_language, t

    set_language("zh_CN")
    try:
        assert t("status.task.Interrupted") == "已中断"
    finally:
        set_language("en")


async def test_migration_v2_database_keeps_tasks_and_reconciles_old_ones(
        tmp_path: Path, fleet: SandboxFleet) -> None:
    """A database written before v3 (no owner column): its stuck tasks carry no owner; a
    recent one is left alone, one older than the bound becomes Interrupted."""
    from ccseone_tui.store.migrations import MIGRATIONS, split_statements

    db = tmp_path / "data" / "ccseone.db"
    db.parent.mkdir(parents=True)
    con = sqlite3.connect(db)
    for script in MIGRATIONS[:2]:
        for stmt in split_statements(script):
            con.execute(stmt)
    con.execute("PRAGMA user_version = 2")
    old, new = time.time() - STALE_AFTER - 60, time.time() - 60
    con.executemany("INSERT INTO tasks (id, kind, target, instance_id, status, user, "
                    "created_at) VALUES (?, 'namespace.create', 'web', NULL, 'Running', 'x', ?)",
                    [("task-old", old), ("task-new", new)])
    con.commit()
    con.close()
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
    try:
        assert await s.store.schema_version() >= 3
        assert (await s.tasks.get("task-old")).status is TaskStatus.INTERRUPTED  # type: ignore[union-attr]
        assert (await s.tasks.get("task-new")).status is TaskStatus.RUNNING  # type: ignore[union-attr]
    finally:
        await s.close()


def test_interrupted_reads_like_a_failure_in_the_tui() -> None:
    from ccseone_tui.ui import format as fmt
    from ccseone_tui.ui.views.tasks import summary

    text = fmt.task_status(TaskStatus.INTERRUPTED)
    assert text.plain == "Interrupted" and text.style == "bold red"
    task = Task("task-x", "namespace.create", "web", results=[
        TaskResult("task-x", "a", TaskStatus.SUCCEEDED),
        TaskResult("task-x", "b", TaskStatus.INTERRUPTED)])
    assert summary(task).plain == "1/2" and summary(task).style == "bold red"

"""#13 item 4: a task on 1,000 clusters in a task pane. bench/fleet_1000.py found that the
namespace detail's task pane re-read and re-rendered every result on each of the task's
1,000 ``TaskChanged`` (a delete with the detail open: 8.4 s instead of 4.6, the event loop
stalled up to 1.3 s), and that its results listed 1,000 lines with the failures among them.
No timings here: the burst is coalesced, and the failures come first in a bounded list."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.services import Services
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import ns_actions
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.namespace_detail import NamespaceDetailScreen
from ccseone_tui.ui.widgets.namespace_tasks import NamespaceTasksPane
from ccseone_tui.ui.widgets.task_pane import RESULTS_SHOWN, results_table

from .pilot_helpers import settle, until

MakeApp = Callable[[Services], CcseoneApp]


def big_task(total: int, failed_at: tuple[int, ...]) -> Task:
    results = [TaskResult("task-big", f"sandbox-{i}", TaskStatus.FAILED if i in failed_at
                          else TaskStatus.SUCCEEDED, "refused" if i in failed_at else "created",
                          1.0, 2.0) for i in range(total)]
    return Task("task-big", "namespace.create", "payments", "inst-0001", TaskStatus.PARTIAL,
                "alice", 1.0, 2.0, results)


def test_results_list_failures_first_and_is_bounded() -> None:
    task = big_task(1000, failed_at=(17, 500, 998))
    table = results_table(task)
    targets = [str(c) for c in table.columns[0]._cells]
    assert targets[:3] == ["sandbox-17", "sandbox-500", "sandbox-998"]
    assert targets[3:5] == ["sandbox-0", "sandbox-1"]  # then the rest, in order
    assert table.row_count == RESULTS_SHOWN + 1  # and one line counting the others
    assert "900" in targets[-1]


def test_a_small_task_lists_every_result_in_order() -> None:
    task = big_task(8, failed_at=(7,))
    targets = [str(c) for c in results_table(task).columns[0]._cells]
    assert targets == ["sandbox-7", *(f"sandbox-{i}" for i in range(7))]


async def test_a_burst_of_task_changes_is_one_or_two_rereads(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ns = next(n for n in await services.namespaces.list("inst-0001")
                  if n.name == "payments")
        ns_actions.open_namespace(app, ns)
        await until(pilot, lambda: isinstance(app.screen, NamespaceDetailScreen)
                    and bool(app.screen.query(NamespaceTasksPane)), "the detail")
        screen = app.screen
        pane = screen.query_one(NamespaceTasksPane)
        await until(pilot, lambda: "task-0001" in pane.tasks, "the tasks listed")
        await settle(pilot)
        task = pane.tasks["task-0001"]
        before = pane.reloads
        running = dataclasses.replace(task, status=TaskStatus.RUNNING)
        for _ in range(300):  # one per result of a task on 300 clusters, all at once
            screen.post_message(msg.TaskChanged(running))
        last = time.monotonic()
        await settle(pilot)
        await until(pilot, lambda: pane._reload_due is None, "the trailing re-read")
        await settle(pilot)
        assert 1 <= pane.reloads - before <= 3
        assert pane._last_reload >= last  # the last re-read came after the last change
        assert "task-0001" in pane.tasks

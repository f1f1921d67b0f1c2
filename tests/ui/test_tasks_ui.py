"""#12 item 2: Enter on a task opens it: per-target results with the full message, timing,
and a retry of the unfinished targets where the kind can be retried."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Button, Static

from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.app_task import AppTaskScreen
from ccseone_tui.ui.screens.task_detail import TaskDetailScreen
from ccseone_tui.ui.sections import SECTIONS

from .pilot_helpers import settle, until

MakeApp = Callable[[Services], CcseoneApp]
TASKS_KEY = next(s.key for s in SECTIONS if s.id == "tasks")


def screen_text(app: CcseoneApp) -> str:
    out = []
    for w in app.screen.query(Static):
        r = w.render()
        out.append(r.plain if hasattr(r, "plain") else str(w.content))
    return "\n".join(out)


async def test_enter_opens_a_namespace_task_with_results_and_retry(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press(TASKS_KEY)
        await settle(pilot)
        await pilot.press("down", "enter")  # task-0001: namespace.create, 7 ok + 1 failed
        await until(pilot, lambda: isinstance(app.screen, TaskDetailScreen), "the task")
        screen = app.screen
        assert isinstance(screen, TaskDetailScreen)
        assert screen.task_record.id == "task-0001"
        retry = screen.query_one("#retry", Button)
        assert "1" in str(retry.label)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, TaskDetailScreen), "closed")


async def test_a_task_that_cannot_be_retried_offers_no_retry(
        services: Services, make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press(TASKS_KEY)
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # task-0002: cluster.associate
        await until(pilot, lambda: isinstance(app.screen, TaskDetailScreen), "the task")
        assert not app.screen.query("#retry")


async def test_an_app_task_opens_the_app_result_screen(services: Services,
                                                       make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press(TASKS_KEY)
        await settle(pilot)
        await pilot.press("enter")  # task-0003: app.publish (newest first)
        await until(pilot, lambda: isinstance(app.screen, AppTaskScreen), "the app task")

"""One app (Enter on App center): tabs Status, History, Logs and Tasks.

Status is live (a worker asks every target, every refresh interval, while the screen is up);
History lists the revisions and rolls back to one (Compare first); Logs merges every pod of
the app on every target; Tasks shows the app's tasks and retries failed targets. Tabs load
when first shown; the live status and the log stream stop when the screen closes. Task
changes reach the screen through the app (``SERVICE_EVENTS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ccseone_tui.domain.apps import DRAFT
from ccseone_tui.i18n import t
from ccseone_tui.ui import app_actions, workers
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.app_history_pane import AppHistoryPane
from ccseone_tui.ui.widgets.app_logs_pane import AppLogsPane
from ccseone_tui.ui.widgets.app_render import state_text
from ccseone_tui.ui.widgets.app_status_pane import AppStatusPane
from ccseone_tui.ui.widgets.app_tasks_pane import AppTasksPane, is_app_task
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.log_lines import LogLines

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

TABS = ("status", "history", "logs", "tasks")
TAB_KEYS = {"rollback": "history", "retry": "tasks"}
PANES: dict[str, type[Any]] = {"status": AppStatusPane, "history": AppHistoryPane,
                               "logs": AppLogsPane, "tasks": AppTasksPane}


class AppDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    AppDetailScreen #app-tabs { height: 1fr; }
    AppDetailScreen #app-tabs TabPane { padding: 1 1 0 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back"),
        Binding("r", "refresh", "key.refresh", id="app.refresh"),
        Binding("u", "upgrade", "apps.ui.key.upgrade", id="app.detail.upgrade"),
        Binding("b", "rollback", "apps.ui.key.rollback_to", id="app.detail.rollback"),
        Binding("f", "retry", "apps.ui.key.retry", id="app.detail.retry"),
        Binding("d", "delete", "console.key.delete", id="app.detail.delete"),
        # the tabs by number (free in every tab: the log view keeps the letters)
        *(Binding(str(i), f"show_tab('{tab}')", f"apps.ui.tab.{tab}", show=False)
          for i, tab in enumerate(TABS, start=1)),
    ]
    SERVICE_EVENTS = True

    def __init__(self, name: str, tab: str = "status") -> None:
        super().__init__(id="app-detail")
        localize_bindings(self)
        self.app_name = name
        self.record: Any = None
        self.gone = False
        self.closing = False
        self.initial = tab if tab in TABS else "status"
        # kept here: on unmount the children are gone, and their workers must stop then
        self.status_pane = AppStatusPane(name, id="status-pane")
        self.logs_pane = AppLogsPane(name, id="app-logs-pane")

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            with TabbedContent(initial=self.initial, id="app-tabs"):
                with TabPane(t("apps.ui.tab.status"), id="status"):
                    yield self.status_pane
                with TabPane(t("apps.ui.tab.history"), id="history"):
                    yield AppHistoryPane(self.app_name, id="history-pane")
                with TabPane(t("apps.ui.tab.logs"), id="logs"):
                    yield self.logs_pane
                with TabPane(t("apps.ui.tab.tasks"), id="tasks"):
                    yield AppTasksPane(self.app_name, id="tasks-pane")
        yield ShellFooter()  # hidden behind a dialog

    def _title(self) -> Text:
        title = Text.assemble((t("nav.apps"), "bold"), " › ", (self.app_name, "bold cyan"))
        app = self.record
        if app is not None:
            title.append("  ")
            title.append_text(state_text(app.status))
            if app.current_revision:
                title.append("  " + t("apps.ui.revision", number=app.current_revision),
                             style="dim")
            if app.description:
                title.append(f"  {app.description}", style="dim")
        return title

    def on_mount(self) -> None:
        self.reload()
        self._activate(self.initial)
        self.call_after_refresh(self._focus_pane, self.initial)

    def leave_when_current(self) -> None:
        """The app is gone: close now if on top, else when the dialog above closes
        (``dismiss`` pops whatever screen is on top)."""
        self.gone = True
        if self.is_current and not self.closing:
            self.closing = True
            self.dismiss(None)

    def on_screen_resume(self) -> None:
        if self.gone:
            self.leave_when_current()
            return
        # back from a dialog (upgrade, rollback, their results): the rollout's final word
        # ("Deployed 3/3") is stored after its task ends, i.e. after the reload that ending
        # started — read the record again
        if self.record is not None:
            self.reload()

    def on_unmount(self) -> None:
        self.status_pane.stop()
        self.logs_pane.stop()

    @property
    def tab(self) -> str:
        return str(self.query_one(TabbedContent).active)

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        self._activate(str(event.pane.id))
        self._focus_pane(str(event.pane.id))
        self.refresh_bindings()

    def _activate(self, tab: str) -> None:
        pane = PANES.get(tab)
        if pane is not None and self.query(pane):
            self.query_one(pane).activate()

    def _focus_pane(self, tab: str) -> None:
        """The tab's table (or log lines) takes the focus: the arrows move its cursor at
        once, so ``b``/``f`` act on the row the user can pick (the tab bar kept it before,
        where the arrows do nothing useful for the row keys). 1-4 still switch tabs."""
        tabs = self.query_one(TabbedContent)
        if tabs.active != tab:  # a later switch won: focusing here would switch back
            return
        pane = tabs.get_pane(tab)
        target = next(iter(pane.query(DataTable)), None) or next(iter(pane.query(LogLines)),
                                                                  None)
        if target is not None:
            self.set_focus(target)  # now, not deferred: a deferred focus could land late

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        wanted = TAB_KEYS.get(action)
        if wanted is not None and self.is_mounted:
            return self.tab == wanted
        return True

    # ---- the record ------------------------------------------------------------------------

    def reload(self) -> None:
        workers.start(self, self._reload(), name=f"load:app:{self.app_name}",
                      group="cache:detail", exclusive=True,
                      description=t("worker.load", what=self.app_name))

    async def _reload(self) -> None:
        apps = await self.shell.services.apps.list(
            self.shell.current_instance.id if self.shell.current_instance else None)
        found = next((a for a in apps if a.name == self.app_name), None)
        self.post_message(msg.DetailLoaded(found))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        if message.record is None:  # deleted (here or elsewhere): nothing left to show
            self.leave_when_current()
            return
        self.show_record(message.record)

    def show_record(self, record: Any) -> None:
        self.record = record
        self.query_one("#detail-title", Static).update(self._title())

    def on_task_changed(self, message: msg.TaskChanged) -> None:
        message.stop()
        task = message.task
        if not is_app_task(task, self.app_name):
            return
        self.query_one(AppTasksPane).task_changed(task)
        if task.finished_at is not None:  # a write ended: the record and history moved
            self.reload()
            history = self.query_one(AppHistoryPane)
            if history.started:
                history.reload()
            if self.status_pane.started:
                self.status_pane.refresh_now()

    # ---- actions ---------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.reload()
        if self.tab == "status":
            self.status_pane.refresh_now()
        elif self.tab == "history":
            self.query_one(AppHistoryPane).reload()
        elif self.tab == "tasks":
            self.query_one(AppTasksPane).reload()
        elif self.tab == "logs":
            self.logs_pane.stream()

    def action_upgrade(self) -> None:
        if self.record is not None and self.record.status == DRAFT:  # publish it instead
            app_actions.publish(self.shell, draft=self.app_name)
            return
        app_actions.upgrade(self.shell, self.app_name)

    def action_rollback(self) -> None:
        history = self.query_one(AppHistoryPane)
        revision = history.highlighted()
        if revision is None:
            self.notify(t("apps.ui.history.none"), severity="warning", timeout=3)
            return
        if revision == history.current:
            self.notify(t("apps.ui.rollback.current", revision=revision), timeout=3)
            return
        app_actions.rollback(self.shell, self.app_name, revision)

    def action_retry(self) -> None:
        task = self.query_one(AppTasksPane).highlighted()
        if task is None:
            self.notify(t("console.tasks.none"), severity="warning", timeout=3)
            return
        app_actions.retry(self.shell, task)

    def action_delete(self) -> None:
        app_actions.delete(self.shell, self.app_name, on_deleted=self.leave_when_current)

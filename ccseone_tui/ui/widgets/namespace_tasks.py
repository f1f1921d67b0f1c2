"""The tasks of one fleet namespace (create, edit, repair, retry, delete …), newest first, and
the per-cluster results of the highlighted one. Live: the detail screen forwards
``TaskChanged``."""

from __future__ import annotations

from ccseone_tui.domain.models import FleetNamespace, Task
from ccseone_tui.ui.widgets.task_pane import TasksPane

KIND_PREFIX = "namespace."


def is_about(task: Task, ns: FleetNamespace) -> bool:
    """A task of this namespace: a namespace task whose target is its name, or the sync of
    a cluster that joined later (one result per namespace, ``cluster/namespace``)."""
    if not task.kind.startswith(KIND_PREFIX):
        return False
    return task.target == ns.name or any(r.target.partition("/")[2] == ns.name
                                         for r in task.results)


class NamespaceTasksPane(TasksPane):
    DEFAULT_CSS = """
    NamespaceTasksPane { height: 1fr; }
    NamespaceTasksPane > DataTable { height: auto; max-height: 7; }
    NamespaceTasksPane > #ns-task-results-scroll { height: 1fr; margin-top: 1; }
    """
    VIEW = "ns-tasks"
    RESULTS_ID = "ns-task-results"
    SCROLL_ID = "ns-task-results-scroll"
    NONE = "ns_ui.tasks.none"
    GROUP = "load:ns-tasks"
    # fixed widths: the header lines up whenever the rows arrive
    COLUMNS = (
        ("kind", "col.kind", 10), ("status", "col.status", 12), ("summary", "col.summary", 10),
        ("user", "col.user", 12), ("created", "col.created", 17), ("id", "col.id", 16))

    def __init__(self, namespace: FleetNamespace, task_id: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.namespace = namespace
        self.wanted = task_id  # the task to highlight once loaded (the one just run)

    @property
    def load_key(self) -> str:
        return self.namespace.id

    async def fetch(self) -> list[Task]:
        tasks = await self.shell.services.tasks.list(instance_id=self.namespace.instance_id)
        return [x for x in tasks if is_about(x, self.namespace)]

    def kind_text(self, task: Task) -> str:
        return task.kind.removeprefix(KIND_PREFIX)

    def task_changed(self, task: Task) -> None:
        if task.id in self.tasks:
            self.reload_soon()
        elif is_about(task, self.namespace):
            # a new task of this namespace (a repair, retry or edit just started here): show
            # its results rather than keep the cursor on the older task
            self.wanted = task.id
            self.reload_soon()

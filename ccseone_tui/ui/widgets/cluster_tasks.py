"""The Tasks tab of a cluster: every task that touched it, newest first, and the per-target
results (with progress) of the highlighted one. Live: the screen forwards ``TaskChanged``."""

from __future__ import annotations

from ccseone_tui.domain.models import MemberCluster, Task
from ccseone_tui.ui.widgets.task_pane import TasksPane


class ClusterTasksPane(TasksPane):
    VIEW = "cluster-tasks"
    RESULTS_ID = "task-results"
    SCROLL_ID = "task-results-scroll"
    COLUMNS = (
        ("kind", "col.kind", None), ("target", "col.target", None),
        ("status", "col.status", None), ("summary", "col.summary", None),
        ("user", "col.user", None), ("created", "col.created", None), ("id", "col.id", None))

    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster

    @property
    def load_key(self) -> str:
        return self.cluster.name

    async def fetch(self) -> list[Task]:
        return await self.shell.services.tasks.list(cluster=self.cluster.name)

    def task_changed(self, task: Task) -> None:
        """A task changed somewhere: re-read if it is (or now is) one of this cluster's."""
        if self.started and (task.id in self.tasks or any(
                r.target.split("/")[0] == self.cluster.name for r in task.results)):
            self.reload_soon()

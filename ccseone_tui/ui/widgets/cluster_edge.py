"""The Edge nodes tab (§3.1.3.1, §5.6): every node with its readiness and whether it carries
``ccseone-node-type=edge``; space marks nodes, ``l`` labels the marked (or highlighted) ones
after a confirmation — typed for a production cluster (the screen runs the flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.services.clusters.member import EdgeNode
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

EDGE_LABEL = "ccseone-node-type=edge"


class EdgeTable(DataTable[Any]):
    BINDINGS = [Binding("space", "mark", "console.key.mark")]

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="edge-nodes")
        localize_bindings(self)

    def action_mark(self) -> None:
        pane = self.parent
        if isinstance(pane, ClusterEdgePane) and self.row_count:
            key = str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
            pane.toggle(key)


class ClusterEdgePane(Vertical):
    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.nodes: list[EdgeNode] = []
        self.marked: set[str] = set()
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(t("console.edge.hint", label=EDGE_LABEL), id="edge-state",
                     classes="pane-bar")
        table = EdgeTable()
        table.add_column(" ", key="mark", width=2)
        table.add_column(t("console.edge.node"), key="name")
        table.add_column(t("col.status"), key="ready")
        table.add_column(t("console.edge.label"), key="edge")
        yield table

    def activate(self) -> None:
        self.started = True
        self.reload()

    def reload(self) -> None:
        workers.start(self, self._load(), name=f"load:edge:{self.cluster.name}", group="load",
                      exclusive=True, description=t("console.worker.edge",
                                                    cluster=self.cluster.name))

    async def _load(self) -> None:
        try:
            nodes = await self.shell.services.clusters.edge_nodes(self.cluster)
        except CcseoneError as exc:  # not registered, unreachable …: say it in the tab
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.post_message(msg.RowsLoaded("edge", nodes))

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        self.say(str(message.error), error=True)

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "edge":
            return
        message.stop()
        self.nodes = message.rows
        names = {n.name for n in self.nodes}
        self.marked &= names
        self.rebuild()
        edge = sum(1 for n in self.nodes if n.edge)
        self.say(t("console.edge.summary", edge=edge, total=len(self.nodes), label=EDGE_LABEL),
                 error=not edge)

    def rebuild(self) -> None:
        table = self.query_one(EdgeTable)
        row = table.cursor_row
        table.clear()
        for node in self.nodes:
            table.add_row(
                Text("●", style="bold magenta") if node.name in self.marked else "",
                Text(node.name, style="bold"),
                Text(t("status.cluster.Ready"), style="green") if node.ready
                else Text(t("status.cluster.NotReady"), style="bold yellow"),
                Text("✓ edge", style="green") if node.edge else Text("—", style="dim"),
                key=node.name)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), animate=False)

    def toggle(self, name: str) -> None:
        self.marked ^= {name}
        self.rebuild()

    def chosen(self) -> list[str]:
        """The marked nodes, else the highlighted one."""
        if self.marked:
            return sorted(self.marked)
        table = self.query_one(EdgeTable)
        if not table.row_count:
            return []
        return [str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)]

    def say(self, text: str, error: bool = False) -> None:
        state = self.query_one("#edge-state", Static)
        state.update(text)
        state.set_class(error, "-warning")

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.toggle(str(event.row_key.value))

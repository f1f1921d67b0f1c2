"""Fleet view (SPEC "Beyond the console"): one kind across every cluster of the instance.

Keys: ``p d n e N`` pick the kind (pods, deployments, nodes, events, namespaces), ``/``
filters, ``c``/``C`` narrow to one cluster and back, ``s``/``S`` sort (the table's), ``r``
asks again. Every cluster is asked at once; each answer is painted as it lands (answers
that arrive together are applied in one batch, so 100 clusters cost a few repaints, not
100). One ``VirtualTable`` per kind, kept while the view lives: switching back shows the
last rows at once while they are asked again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.views.fleet_rows import KindState, table_columns
from ccseone_tui.ui.widgets.columns_more import ColumnsMore
from ccseone_tui.ui.widgets.empty_state import EmptyState
from ccseone_tui.ui.widgets.table_model import Cells
from ccseone_tui.ui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

KIND_KEYS: tuple[tuple[str, str], ...] = (
    ("p", "pods"), ("d", "deployments"), ("n", "nodes"), ("e", "events"), ("N", "namespaces"))
BATCH_DELAY = 0.08  # s: answers arriving within this window are painted together


class FleetView(Vertical):
    section_id = "fleet"
    DEFAULT_CSS = """
    FleetView #fleet-kinds { height: 1; margin: 0 0 1 0; }
    FleetView #fleet-kind-bar { width: 1fr; }
    FleetView #fleet-cluster-bar { width: auto; padding: 0 1; }
    FleetView #fleet-tables { height: 1fr; }
    """

    BINDINGS: ClassVar[list[Any]] = [
        *(Binding(key, f"kind('{kind}')", f"fleet.key.{kind}", show=False, id=f"fleet.{kind}")
          for key, kind in KIND_KEYS),
        Binding("c", "cluster(1)", "fleet.key.cluster", id="fleet.cluster"),
        Binding("C", "cluster(-1)", "fleet.key.cluster_back", show=False),
        Binding("slash", "focus_filter", "key.filter", key_display="/"),
        Binding("escape", "leave", "key.leave", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id=self.section_id, classes="section-view")
        localize_bindings(self)
        self.kind = "pods"
        self.states: dict[str, KindState] = {}
        self.tables: dict[str, VirtualTable] = {}
        self.cluster: str | None = None  # only this cluster's rows, or every cluster
        self.filter_text = ""
        self.generation = 0
        self.loaded = False
        self._instance_id: str | None = None
        self._pending: dict[str, Cells | None] = {}
        self._flush_timer: Timer | None = None
        self._flush_scheduled = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="view-bar"):
            yield Static(t("nav.fleet"), classes="view-title")
            yield Static("", classes="view-status", id="fleet-status")
            yield ColumnsMore(id="fleet-more")
            yield Input(placeholder=t("filter.placeholder"), classes="view-filter", compact=True,
                        id="fleet-filter")
        with Horizontal(id="fleet-kinds"):
            yield Static("", id="fleet-kind-bar")
            yield Static("", id="fleet-cluster-bar")
        yield Vertical(id="fleet-tables")
        yield EmptyState(id="fleet-empty")

    def on_mount(self) -> None:
        self.refresh_chrome()

    # ---- the current kind ----------------------------------------------------------------

    @property
    def state(self) -> KindState:
        state = self.states.get(self.kind)
        if state is None:
            state = self.states[self.kind] = KindState(self.kind)
        return state

    @property
    def table(self) -> VirtualTable:
        table = self.tables.get(self.kind)
        if table is None:
            table = VirtualTable(table_columns(self.kind), id=f"fleet-table-{self.kind}",
                                 flex="message",  # events: the message takes the free width
                                 empty_text=t("fleet.empty.loading"),
                                 no_match_text=t("filter.no_match", text=self.filter_text))
            # cluster first; ties keep each cluster's list order (namespace, then name, as
            # the API server lists them), so rows of one cluster stay together as they stream
            table.sort_by("cluster")
            self.tables[self.kind] = table
            self.query_one("#fleet-tables", Vertical).mount(table)
        return table

    def action_kind(self, kind: str) -> None:
        if kind == self.kind:
            return
        self._flush()  # the previous kind's last answers belong to its table
        self.kind = kind
        table = self.table
        for other in self.tables.values():
            other.display = other is table
        table.set_filter(self.filter_text)
        self._apply_cluster()
        self.reload()
        table.focus()

    # ---- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Ask every cluster again (section shown, ``r``, kind switched)."""
        instance = self.shell.current_instance
        if instance is None:
            self.loaded = True
            self.refresh_chrome()
            return
        if instance.id != self._instance_id:  # another instance: nothing shown is its
            self._instance_id = instance.id
            self._forget_rows()
        self.generation += 1
        self._pending.clear()
        self.loaded = True
        kind = self.kind
        workers.start(
            self, self._list(self.generation, kind, instance.id), name=f"fleet:{kind}",
            group="fleet", exclusive=True,
            description=t("worker.fleet.get", kind=t(f"fleet.key.{kind}"),
                          instance=instance.name))

    async def _list(self, generation: int, kind: str, instance_id: str) -> None:
        fleet = self.shell.services.fleet
        try:
            plan = await fleet.plan(kind, instance_id)
            self.post_message(msg.FleetPlanned(generation, plan))
            async for answer in fleet.stream(kind, instance_id):
                self.post_message(msg.FleetAnswered(generation, answer))
        finally:
            self.post_message(msg.FleetDone(generation))

    def _forget_rows(self) -> None:
        self.states.clear()
        self.cluster = None
        for table in self.tables.values():
            table.set_rows([])

    @on(msg.FleetPlanned)
    def _planned(self, message: msg.FleetPlanned) -> None:
        message.stop()
        if message.generation == self.generation:
            self._queue(self.state.begin(message.plan))
            if self.cluster is not None and self.cluster not in message.plan.clusters:
                self.cluster = None
                self._apply_cluster()
            self.refresh_chrome()

    @on(msg.FleetAnswered)
    def _answered(self, message: msg.FleetAnswered) -> None:
        message.stop()
        if message.generation == self.generation:
            self._queue(self.state.answer(message.answer))

    @on(msg.FleetDone)
    def _done(self, message: msg.FleetDone) -> None:
        message.stop()
        if message.generation == self.generation:
            self.state.running = False
            self._flush()

    def _queue(self, changes: dict[str, Cells | None]) -> None:
        """Batch answers: the first paints at once, later ones at most every BATCH_DELAY."""
        self._pending.update(changes)
        if self._flush_scheduled:
            return
        self._flush_scheduled = True
        if self.table.row_count:
            self._flush_timer = self.set_timer(BATCH_DELAY, self._flush, name="fleet-batch")
        else:  # after the messages already queued (answers that landed together)
            self.call_later(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        pending, self._pending = self._pending, {}
        table = self.table
        if pending:
            if not table.row_count and None not in pending.values():
                table.set_rows(list(pending.items()))  # type: ignore[arg-type]
            else:
                table.update_rows(pending)
        self.refresh_chrome()

    # ---- filter and cluster --------------------------------------------------------------

    @on(Input.Changed, "#fleet-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        table = self.table
        table.no_match_text = t("filter.no_match", text=self.filter_text)
        table.set_filter(self.filter_text)
        self.refresh_chrome()

    @on(VirtualTable.FilterApplied)
    def _filter_applied(self, event: VirtualTable.FilterApplied) -> None:
        event.stop()  # a big table scans in slices: the count in the status line is now true
        self.refresh_chrome()

    @on(Input.Submitted, "#fleet-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_content()

    def action_focus_filter(self) -> None:
        self.query_one("#fleet-filter", Input).focus()

    def action_cluster(self, step: int) -> None:
        """Cycle: every cluster, then each asked cluster in turn, then every cluster again."""
        choices: list[str | None] = [None, *self.state.clusters]
        index = choices.index(self.cluster) if self.cluster in choices else 0
        self.cluster = choices[(index + step) % len(choices)]
        self._apply_cluster()
        self.refresh_chrome()

    def _apply_cluster(self) -> None:
        if self.cluster is None:
            self.table.set_predicate(None)
        else:
            prefix = f"{self.cluster}/"
            self.table.set_predicate(lambda key, _cells: key.startswith(prefix))

    def action_leave(self) -> None:
        """Esc: clear the filter first; a second Esc goes back to the sidebar."""
        box = self.query_one("#fleet-filter", Input)
        if box.value:
            box.value = ""
            self.focus_content()
        else:
            self.screen.query_one("#sidebar").focus()

    def focus_content(self) -> None:
        if self.shell.current_instance is None:
            self.screen.query_one("#sidebar").focus()
        else:
            self.table.focus()

    # ---- chrome --------------------------------------------------------------------------

    def refresh_chrome(self) -> None:
        """Status line, kind bar, cluster bar and empty state after anything changed."""
        instance = self.shell.current_instance
        state = self.state
        table = self.table
        narrowed = bool(self.filter_text) or self.cluster is not None
        status = state.status(table.visible_count if narrowed else None) if instance else ""
        self.query_one("#fleet-status", Static).update(status)
        bar = Text()
        for i, (key, kind) in enumerate(KIND_KEYS):
            if i:
                bar.append("  ")
            style = "bold reverse" if kind == self.kind else "dim"
            bar.append(f" {key} {t(f'fleet.key.{kind}')} ", style=style)
        self.query_one("#fleet-kind-bar", Static).update(bar)
        cluster = (t("fleet.bar.cluster.one", cluster=self.cluster) if self.cluster
                   else t("fleet.bar.cluster.all"))
        self.query_one("#fleet-cluster-bar", Static).update(Text(cluster, style="bold"
                                                                  if self.cluster else "dim"))
        self._empty_state(instance is not None, table)
        self.query_one(ColumnsMore).track(table)

    def _empty_state(self, has_instance: bool, table: VirtualTable) -> None:
        empty = self.query_one("#fleet-empty", EmptyState)
        tables = self.query_one("#fleet-tables", Vertical)
        instance = self.shell.current_instance
        state = self.state
        if not has_instance or instance is None:
            empty.show(t("empty.instances"),
                       [t("empty.instances.create"), t("empty.instances.demo")])
        elif state.plan is not None and not state.clusters and not state.running:
            empty.show(t("fleet.empty.clusters", instance=instance.name),
                       [t("fleet.empty.clusters.hint")])
        else:
            if not state.running and state.plan is not None and not table.row_count:
                table.empty_text = t("fleet.empty.none", kind=t(f"fleet.key.{self.kind}"),
                                     instance=instance.name)
            else:
                table.empty_text = t("fleet.empty.loading")
            empty.hide()
            tables.display = True
            return
        tables.display = False

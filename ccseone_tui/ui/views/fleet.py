"""Fleet view (issue #11): any resource kind across every cluster of the instance, live.

``:`` jumps to a kind (completion from the clusters' discovery; an unknown name is said with
close ones, the current table kept); the columns are kubectl's, from the server, with
CLUSTER first. The open kind is watched on every cluster (``services.resources.watch``) in
one worker; its deltas wait in an inbox and are applied to the table in one update per
batch (the first at once, then at most every ``BATCH_DELAY``), so 1,000 changes a second
cost a few repaints. A cluster that goes away keeps its rows, dimmed, and is named in the
status line until it answers again.

Rows: Enter drills down (Deployment → ReplicaSets → Pods; a Pod → its containers), Esc or
Backspace goes back; ``space`` marks rows for delete/restart; the row keys call
``ui/resource_actions.py`` (see ``fleet_keys.py``). Filters: clusters (``c``/``C``
cycle, ``@`` pick), namespaces (``n``), a label selector (``L``, on the server), text (``/``).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.kinds import builtin_kind
from ccseone_tui.services.resources.model import ClusterDelta, ResourceInfo
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.views import fleet_keys
from ccseone_tui.ui.views.fleet_command import CommandBar
from ccseone_tui.ui.views.fleet_jump import CommandLine
from ccseone_tui.ui.views.fleet_rows import RowKeys
from ccseone_tui.ui.views.fleet_state import BrowserState, Scope, columns_for, flex_column
from ccseone_tui.ui.widgets.browser_table import BrowserTable
from ccseone_tui.ui.widgets.columns_more import ColumnsMore
from ccseone_tui.ui.widgets.empty_state import EmptyState
from ccseone_tui.ui.widgets.table_model import Cells
from ccseone_tui.ui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

DEFAULT_KIND = "pods"
BATCH_DELAY = 0.05  # s: deltas arriving within this window are painted together
KEPT_TABLES = 4  # scopes whose table (and rows) stay for a quick way back
WATCH_GROUP = "stream:fleet"  # a live stream: never completes while the section is shown


class FleetView(CommandLine, RowKeys, Vertical):
    section_id = "fleet"
    DEFAULT_CSS = """
    FleetView #fleet-kinds { height: 1; margin: 0 0 1 0; }
    FleetView #fleet-kind-bar { width: 1fr; }
    FleetView #fleet-cluster-bar { width: auto; padding: 0 1; }
    FleetView #fleet-tables { height: 1fr; }
    """

    BINDINGS: ClassVar[list[Any]] = fleet_keys.bindings()

    def __init__(self) -> None:
        super().__init__(id=self.section_id, classes="section-view")
        localize_bindings(self)
        self.scope = Scope(DEFAULT_KIND)
        self.states: dict[Scope, BrowserState] = {}
        self.tables: dict[Scope, BrowserTable] = {}
        self.back_stack: list[tuple[Scope, str | None]] = []  # drill-downs to go back to
        self.clusters: frozenset[str] | None = None  # only these clusters' rows, or all
        self.namespaces: frozenset[str] | None = None
        self.filter_text = ""
        self.generation = 0
        self.loaded = False
        self.table_updates = 0  # batches applied (tests check deltas are coalesced)
        self._instance_id: str | None = None
        self._inbox: list[ClusterDelta] = []
        self._pending: dict[str, Cells | None] = {}
        self._signalled = False
        self._flush_timer: Timer | None = None
        self._flush_scheduled = False
        self._kind_names: list[str] | None = None

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
        yield CommandBar(id="fleet-command")
        with Horizontal(id="fleet-kinds"):
            yield Static("", id="fleet-kind-bar")
            yield Static("", id="fleet-cluster-bar")
        yield Vertical(id="fleet-tables")
        yield EmptyState(id="fleet-empty")

    def on_mount(self) -> None:
        self.refresh_chrome()

    # ---- the current scope ---------------------------------------------------------------

    @property
    def state(self) -> BrowserState:
        state = self.states.get(self.scope)
        if state is None:
            state = self.states[self.scope] = BrowserState(self.scope)
        return state

    @property
    def table(self) -> BrowserTable:
        table = self.tables.get(self.scope)
        if table is None:
            table = self._new_table(self._headers())
            self.tables[self.scope] = table
            self._forget_old_scopes()
        return table

    def _headers(self) -> tuple[str, ...]:
        state = self.state
        if state.columns is not None:
            return state.columns
        info = state.info
        lead = ("CLUSTER", "NAMESPACE") if info is None or info.namespaced else ("CLUSTER",)
        return (*lead, "NAME", "AGE")  # until the first cluster answers: kubectl's minimum

    def _new_table(self, headers: tuple[str, ...]) -> BrowserTable:
        table = BrowserTable(columns_for(headers), flex=flex_column(headers),
                             empty_text=t("fleet.empty.loading"),
                             no_match_text=t("filter.no_match", text=self.filter_text))
        table.sort_by(headers[0])  # cluster, then namespace, then name (the row key)
        self.query_one("#fleet-tables", Vertical).mount(table)
        for other in self.query_one("#fleet-tables", Vertical).children:
            other.display = other is table
        return table

    def _forget_old_scopes(self) -> None:
        """Keep the tables of the last few scopes (and the back stack's); drop the rest."""
        keep = {self.scope, *(scope for scope, _ in self.back_stack[-KEPT_TABLES:])}
        for scope in list(self.tables)[:-KEPT_TABLES]:
            if scope not in keep:
                self.tables.pop(scope).remove()
                self.states.pop(scope, None)

    def _show_scope(self, scope: Scope, info: ResourceInfo, cursor: str | None = None) -> None:
        """Switch the table to ``scope`` and watch it (its last rows shown at once)."""
        self._flush()  # the previous scope's last deltas belong to its table
        self.scope = scope
        self.state.info = info
        table = self.table
        for other in self.query_one("#fleet-tables", Vertical).children:
            other.display = other is table
        table.set_filter(self.filter_text)
        self._apply_predicate()
        if cursor is not None:
            row = table._model.row_of(cursor)
            if row is not None:
                table.move_cursor(row)
        self.refresh_bindings()
        self.reload()
        if not self.query_one(CommandBar).is_open:
            table.focus()

    # ---- watching ------------------------------------------------------------------------

    def reload(self) -> None:
        """Watch the current scope again (section shown, ``r``, scope changed)."""
        instance = self.shell.current_instance
        if instance is None:
            self.loaded = True
            self.refresh_chrome()
            return
        if instance.id != self._instance_id:  # another instance: nothing shown is its
            self._instance_id = instance.id
            self._forget_everything()
        info = self.state.info or builtin_kind(self.scope.kind)
        if info is None:  # a custom kind of the previous instance: back to pods
            self.scope = Scope(DEFAULT_KIND)
            info = builtin_kind(DEFAULT_KIND)
        assert info is not None
        self.state.info = info
        self.generation += 1
        self._inbox.clear()
        self._signalled = False
        self.loaded = True
        workers.start(
            self, self._watch(self.generation, self.scope, info, instance.id),
            name=f"fleet:{info.plural}", group=WATCH_GROUP, exclusive=True,
            description=t("worker.fleet.watch", kind=info.plural, instance=instance.name))
        self.refresh_chrome()

    def leave(self) -> None:
        """The section is hidden: stop watching (``reload`` starts again when shown)."""
        self.generation += 1
        self.app.workers.cancel_group(self.app, WATCH_GROUP)
        self.state.done()

    async def _watch(self, generation: int, scope: Scope, info: ResourceInfo,
                     instance_id: str) -> None:
        services = self.shell.services
        resources = services.resources
        error: str | None = None
        try:
            targets = await resources.targets(instance_id, scope.clusters)
            production = [c.name for c in targets if services.guard.is_production(c)]
            self.post_message(msg.BrowserStarted(generation, info, [c.name for c in targets],
                                                 production))
            stream = resources.watch(info, instance_id, clusters=scope.clusters,
                                     namespace=scope.namespace,
                                     label_selector=scope.label_selector,
                                     field_selector=scope.field_selector)
            async with contextlib.aclosing(stream):
                async for delta in stream:
                    if generation != self.generation:
                        break
                    self._inbox.append(delta)  # drained by the view, one batch per frame
                    if not self._signalled:
                        self._signalled = True
                        self.post_message(msg.BrowserDeltas(generation))
        except Exception as exc:  # an invalid selector, an instance gone: said in the view
            error = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        finally:
            self.post_message(msg.BrowserEnded(generation, error))

    def _forget_everything(self) -> None:
        """Another instance: its clusters are others, so no row, filter or drill-down of
        the previous one stays; a built-in kind stays open (its table reused, emptied)."""
        self._inbox.clear()
        self.back_stack.clear()
        self.clusters = self.namespaces = None
        self._kind_names = None
        kind = self.scope.kind if builtin_kind(self.scope.kind) is not None else DEFAULT_KIND
        kept = self.tables.pop(self.scope, None)
        for table in self.tables.values():
            table.remove()
        self.tables, self.states = {}, {}
        if kept is not None and kind == self.scope.kind:
            kept.set_rows([])
            kept.clear_marks()
            self.tables[Scope(kind)] = kept
        elif kept is not None:
            kept.remove()
        self.scope = Scope(kind)

    @on(msg.BrowserStarted)
    def _started(self, message: msg.BrowserStarted) -> None:
        message.stop()
        if message.generation == self.generation:
            self._queue_changes(self.state.begin(message.info, message.clusters,
                                                 message.production))
            if self.clusters is not None and not self.clusters & set(message.clusters):
                self.clusters = None
                self._apply_predicate()
            self.refresh_chrome()

    @on(msg.BrowserDeltas)
    def _deltas(self, message: msg.BrowserDeltas) -> None:
        message.stop()
        if message.generation == self.generation:
            self._queue_changes({})

    @on(msg.BrowserEnded)
    def _ended(self, message: msg.BrowserEnded) -> None:
        message.stop()
        if message.generation == self.generation:
            self._flush()
            self.state.done(message.error)
            self.refresh_chrome()

    def _queue_changes(self, changes: dict[str, Cells | None]) -> None:
        """Batch: the first paint at once, later ones at most every BATCH_DELAY."""
        self._pending.update(changes)
        if self._flush_scheduled:
            return
        self._flush_scheduled = True
        if self.table.row_count:
            self._flush_timer = self.set_timer(BATCH_DELAY, self._flush, name="fleet-batch")
        else:  # after the messages already queued (deltas that landed together)
            self.call_later(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        pending, self._pending = self._pending, {}
        inbox, self._inbox = self._inbox, []
        self._signalled = False
        state = self.state
        now = self.shell.now()
        for delta in inbox:
            pending.update(state.apply(delta, now))
        table = self.table
        if state.columns is not None and state.columns != tuple(c.key for c in table.columns):
            table = self._replace_table(state.columns)
        if pending:
            self.table_updates += 1
            if not table.row_count and None not in pending.values():
                table.set_rows(list(pending.items()))  # type: ignore[arg-type]
            else:
                table.update_rows(pending)
                if table.marked:
                    table.forget_marks({k for k, v in pending.items() if v is None})
        table.set_dimmed(frozenset(state.gaps))
        self.refresh_chrome()

    def _replace_table(self, headers: tuple[str, ...]) -> BrowserTable:
        """The server's columns differ from the ones shown: the same table, new columns."""
        table = self.tables[self.scope]
        table.set_columns(columns_for(headers), flex_column(headers))
        return table

    # ---- filters -------------------------------------------------------------------------

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
        choices: list[frozenset[str] | None] = [None, *(frozenset({c})
                                                       for c in self.state.clusters)]
        index = choices.index(self.clusters) if self.clusters in choices else 0
        self.clusters = choices[(index + step) % len(choices)]
        self._apply_predicate()
        self.refresh_chrome()

    def _apply_predicate(self) -> None:
        clusters, namespaces = self.clusters, self.namespaces
        if clusters is None and namespaces is None:
            self.table.set_predicate(None)
            return

        def keep(key: str, _cells: Cells) -> bool:
            cluster, namespace, _ = key.split("/", 2)
            return (clusters is None or cluster in clusters) and \
                (namespaces is None or namespace in namespaces)

        self.table.set_predicate(keep)

    def action_leave(self) -> None:
        """Esc: clear the filter, then the marks, then back a drill-down, then the sidebar."""
        box = self.query_one("#fleet-filter", Input)
        if box.value:
            box.value = ""
            self.focus_content()
        elif self.table.marked:
            self.table.clear_marks()
            self.refresh_chrome()
        elif not self.action_back():
            self.screen.query_one("#sidebar").focus()

    def focus_content(self) -> None:
        if self.shell.current_instance is None:
            self.screen.query_one("#sidebar").focus()
        else:
            self.table.focus()

    # ---- chrome --------------------------------------------------------------------------

    def refresh_chrome(self) -> None:
        """Status line, breadcrumb, filter bar and empty state after anything changed."""
        if not self.is_mounted:  # shown before its first compose ended: on_mount paints
            return
        instance = self.shell.current_instance
        state = self.state
        table = self.table
        narrowed = bool(self.filter_text) or self.clusters is not None or \
            self.namespaces is not None
        status = state.status(table.visible_count if narrowed else None,
                              len(table.marked)) if instance else ""
        self.query_one("#fleet-status", Static).update(status)
        self.query_one("#fleet-kind-bar", Static).update(self._crumbs())
        self.query_one("#fleet-cluster-bar", Static).update(self._filters())
        self._empty_state(instance is not None, table)
        self.query_one(ColumnsMore).track(table)

    def _crumbs(self) -> Text:
        bar = Text()
        chain = [*(scope for scope, _ in self.back_stack), self.scope]
        for i, scope in enumerate(chain):
            if i:
                bar.append(" › ", style="dim")
            state = self.states.get(scope)
            last = i == len(chain) - 1
            bar.append(f" {scope.crumb(state.info if state else None)} ",
                       style="bold reverse" if last else "dim")
        if len(chain) == 1:
            bar.append("  " + t("fleet.bar.hint"), style="dim")
        return bar

    def _filters(self) -> Text:
        parts = Text()
        clusters = (t("fleet.bar.clusters.some", clusters=", ".join(sorted(self.clusters)))
                    if self.clusters else t("fleet.bar.cluster.all"))
        parts.append(clusters, style="bold" if self.clusters else "dim")
        if self.namespaces:
            parts.append("  ")
            parts.append(t("fleet.bar.namespaces", namespaces=", ".join(
                sorted(self.namespaces))), style="bold")
        return parts

    def _empty_state(self, has_instance: bool, table: BrowserTable) -> None:
        empty = self.query_one("#fleet-empty", EmptyState)
        tables = self.query_one("#fleet-tables", Vertical)
        instance = self.shell.current_instance
        state = self.state
        if not has_instance or instance is None:
            empty.show(t("empty.instances"),
                       [t("empty.instances.create"), t("empty.instances.demo")])
        elif state.started and not state.clusters and state.error is None:  # none to ask
            empty.show(t("fleet.empty.clusters", instance=instance.name),
                       [t("fleet.empty.clusters.hint")])
        else:
            if state.error is not None:
                table.empty_text = state.error
            elif not table.row_count and state.gaps and not state.waiting and \
                    len(state.gaps) + len(state.missing) >= len(state.answered):
                table.empty_text = t("fleet.browser.none_answered", count=len(state.gaps))
            elif not table.row_count and state.clusters and not state.waiting:
                table.empty_text = t("fleet.browser.none", kind=state.info.plural
                                     if state.info else self.scope.kind,
                                     instance=instance.name)
            else:
                table.empty_text = t("fleet.empty.loading")
            empty.hide()
            tables.display = True
            return
        tables.display = False


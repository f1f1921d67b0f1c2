"""Frame budget at fleet scale (#13 item 3): structural guards, no timings.

Probe answers reach Access clusters' table in batches, a refresh's end repaints rows in place
instead of clearing the table, and a text filter over a big VirtualTable is scanned in slices
between events, never in one go inside the keystroke's handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.services import Services, events
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.clusters import ClustersView
from ccseone_tui.ui.widgets.table_model import Cells
from ccseone_tui.ui.widgets.virtual_table import FILTER_SLICE, Column, VirtualTable

SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]


async def test_probe_answers_are_coalesced_into_few_table_updates(
    services: Services, make_app: MakeApp
) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.main.query_one(ClustersView)
        clusters = [c for c in await services.clusters.list(view.shell.current_instance.id)
                    if c.probe.status is not ClusterStatus.WAITING]
        before = view.table_updates
        answers = 200
        for i in range(answers):  # a burst, as a fleet refresh lands: 25 answers per cluster
            cluster = clusters[i % len(clusters)]
            cluster.probe = replace(cluster.probe, status=ClusterStatus.READY, error=None,
                                    latency_ms=float(i))
            services.events.emit(events.ClusterProbed(replace(cluster)))
        for _ in range(5):
            await pilot.pause(0.06)
        assert view.answered == answers
        assert 1 <= view.table_updates - before <= 3  # not one per answer
        table = app.main.query_one("#clusters-table", DataTable)
        for i in range(answers - len(clusters), answers):  # each row shows its last answer
            key = clusters[i % len(clusters)].id
            assert str(table.get_cell(key, "latency")) == f"{i} ms"
            # and the screen shows it: only the updated rows' render caches were dropped
            line = table.render_line(table.get_row_index(key) + 1)  # +1: the header
            assert f"{i} ms" in line.text


async def test_refresh_end_repaints_rows_in_place(services: Services,
                                                  make_app: MakeApp) -> None:
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.main.query_one(ClustersView)
        table = app.main.query_one("#clusters-table", DataTable)
        cleared = 0
        clear = table.clear

        def counting_clear(*args: object, **kwargs: object) -> object:
            nonlocal cleared
            cleared += 1
            return clear(*args, **kwargs)  # type: ignore[arg-type]

        table.clear = counting_clear  # type: ignore[method-assign]
        instance_id = view.shell.current_instance.id
        clusters = await services.clusters.list(instance_id)
        first = clusters[0]
        first.probe = replace(first.probe, status=ClusterStatus.READY, latency_ms=77.0)
        services.events.emit(events.ClustersRefreshed(instance_id, clusters))
        await pilot.pause()
        assert cleared == 0  # same clusters, same order: no clear-and-re-add of every row
        assert str(table.get_cell(first.id, "latency")) == "77 ms"
        assert view.last_refresh is not None


COLUMNS = [Column("cluster", "CLUSTER"), Column("name", "NAME"), Column("status", "STATUS")]


class BigTableApp(App[None]):
    def __init__(self, rows: list[tuple[str, Cells]]) -> None:
        super().__init__()
        self.rows = rows
        self.applied: list[str] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_rows(self.rows)

    def on_virtual_table_filter_applied(self, event: VirtualTable.FilterApplied) -> None:
        self.applied.append(event.text)


def big_rows(count: int) -> list[tuple[str, Cells]]:
    return [(f"k{i}", (f"cluster-{i % 97:03d}", f"pod-{i}",
                       "CrashLoopBackOff" if i % 7 == 0 else "Running")) for i in range(count)]


async def test_big_filter_is_scanned_in_slices_not_in_the_handler() -> None:
    rows = big_rows(3 * FILTER_SLICE + 5)
    app = BigTableApp(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_filter("crash")
        # the handler returned before scanning: the previous rows are still shown
        assert table.filter_pending and table.visible_count == len(rows)
        while table.filter_pending:
            await pilot.pause()
        assert table.filter_steps >= 4  # 3 full slices and the rest, one per loop turn
        expected = [key for key, cells in rows if "crash" in cells[2].lower()]
        assert [table.key_at(i) for i in range(table.visible_count)] == expected
        assert app.applied == ["crash"]

        # a newer keystroke replaces a scan in progress; rows changing mid-scan restart it
        table.set_filter("crash")  # memo: instant
        assert not table.filter_pending
        table.set_filter("pod-1")
        table.set_filter("pod-12")
        table.update_rows({"k1": ("cluster-001", "pod-12x", "Running")})
        while table.filter_pending:
            await pilot.pause()
        shown = {table.key_at(i) for i in range(table.visible_count)}
        assert shown == {key for key, cells in rows if "pod-12" in cells[1]} | {"k1"}
        assert app.applied[-1] == "pod-12"

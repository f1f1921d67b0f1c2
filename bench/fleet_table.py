"""Fleet table benchmark: VirtualTable with 100k pod rows next to Textual's DataTable.

    /work/venv/bin/python bench/fleet_table.py [--rows 100000] [--datatable-rows 10000 100000]

Runs headless (`App.run_test`). A "paint" is the first frame the screen composes after the
action in which the table rendered lines: `App._display` is wrapped to turn that frame into
the escape sequences a terminal would receive (the headless driver skips this) and to note
the time. So each figure covers the work, Textual's refresh timer (up to 1/60 s), layout,
the table's render_line calls and the frame encoding. Prints figures and ratios; no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable, Input

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _paint import on_frame, pct

from ccseone_tui.ui.widgets.table_model import Cells, TableModel
from ccseone_tui.ui.widgets.virtual_table import Column, VirtualTable

SIZE = (160, 45)
STATUSES = ["Running"] * 16 + ["Pending", "Completed", "CrashLoopBackOff", "Error"]
STATUS_STYLE = {"Pending": "yellow", "CrashLoopBackOff": "bold red", "Error": "red"}
APPS = ["api", "web", "worker", "cache", "ingest", "auth", "billing", "search", "metrics"]
NAMESPACES = ["default", "kube-system", "payments", "orders", "monitoring", "生产环境"]


_AGE = re.compile(r"(\d+)d(\d+)h")


def age_seconds(text: str) -> int:
    """Sort key for the AGE column ("12d3h")."""
    match = _AGE.fullmatch(text)
    return int(match[1]) * 86400 + int(match[2]) * 3600 if match else 0


COLUMNS = [
    Column("cluster", "CLUSTER"),
    Column("namespace", "NAMESPACE"),
    Column("name", "NAME"),
    Column("ready", "READY", align="right"),
    Column("status", "STATUS"),
    Column("restarts", "RESTARTS", align="right", sort_key=int),
    Column("age", "AGE", align="right", sort_key=age_seconds),
    Column("node", "NODE"),
]


def pod_rows(count: int, clusters: int = 200) -> list[tuple[str, Cells]]:
    rnd = random.Random(42)
    rows: list[tuple[str, Cells]] = []
    for i in range(count):
        cluster = f"cluster-{i % clusters:03d}"
        namespace = rnd.choice(NAMESPACES)
        name = f"{rnd.choice(APPS)}-{rnd.getrandbits(32):08x}-{rnd.getrandbits(20):05x}"
        status_text = rnd.choice(STATUSES)
        style = STATUS_STYLE.get(status_text)
        status: Cells | str = Text(status_text, style=style) if style else status_text
        age = f"{rnd.randrange(90)}d{rnd.randrange(24)}h"
        node = f"node-{rnd.randrange(40):02d}.{cluster}"
        ready = "1/1" if status_text == "Running" else "0/1"
        cells = (cluster, namespace, name, ready, status, str(rnd.randrange(30)), age, node)
        rows.append((f"{cluster}/{namespace}/{name}", cells))  # type: ignore[arg-type]
    return rows


class CountingVirtualTable(VirtualTable):
    lines = 0

    def render_line(self, y: int) -> Strip:
        self.lines += 1
        return super().render_line(y)


class CountingDataTable(DataTable[Any]):
    lines = 0

    def render_line(self, y: int) -> Strip:
        self.lines += 1
        return super().render_line(y)


class Frames:
    """Wraps `App._display`: encodes each composed frame and notes (time, lines rendered)."""

    def __init__(self, app: App[Any], probe: CountingVirtualTable | CountingDataTable) -> None:
        self.app, self.probe = app, probe
        self.log: list[tuple[float, int]] = []
        on_frame(app, lambda: self.log.append((time.perf_counter(), probe.lines)))

    async def paint_after(self, action: Callable[[], Awaitable[None] | None]) -> float:
        """Seconds from starting `action` to the first frame that repainted the probe."""
        gc.collect()
        start, lines = time.perf_counter(), self.probe.lines
        result = action()
        if result is not None:
            await result
        while True:
            for when, rendered in self.log:
                if when >= start and rendered > lines:
                    self.log.clear()
                    return when - start
            await asyncio.sleep(0.0005)


class VirtualApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="filter")
        yield CountingVirtualTable(COLUMNS)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one(VirtualTable).set_filter(event.value)


class DataTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingDataTable()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


async def bench_virtual(rows: list[tuple[str, Cells]]) -> dict[str, float]:
    out: dict[str, float] = {}
    app = VirtualApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingVirtualTable)
        frames = Frames(app, table)
        await pilot.pause()

        def load() -> None:
            started = time.perf_counter()
            table.set_rows(rows)
            out["set_rows call"] = time.perf_counter() - started

        out["first paint"] = await frames.paint_after(load)
        await wait_warm(table, pilot)
        await page_and_sort(table, pilot, frames, out)
        await type_filter(app, table, pilot, frames, out)
        await watch_updates(rows, table, frames, out)
    return out


async def watch_updates(
    rows: list[tuple[str, Cells]], table: VirtualTable, frames: Frames, out: dict[str, float]
) -> None:
    """Batches as a watch would deliver them: 100 status changes, 10 new pods, 10 deleted."""
    rnd = random.Random(5)
    table.sort_by("name")
    table.set_filter("api")
    times = []
    for batch in range(10):
        changes: dict[str, Cells | None] = {}
        for key, cells in rnd.sample(rows, 100):
            changes[key] = (*cells[:4], Text("Error", style="red"), *cells[5:])
        for key, _ in rnd.sample(rows, 10):
            changes[key] = None
        for i, (_, cells) in enumerate(rnd.sample(rows, 10)):
            changes[f"new-{batch}-{i}"] = (*cells[:2], f"api-new-{batch}-{i}", *cells[3:])

        def apply(changes: dict[str, Cells | None] = changes) -> None:
            table.update_rows(changes)

        times.append(await frames.paint_after(apply))
    out["update 120 rows (sorted+filtered) p50"] = pct(times, 0.5)
    out["update 120 rows (sorted+filtered) max"] = max(times)


async def wait_warm(table: VirtualTable, pilot: Pilot[None]) -> None:
    while table._warming:
        await pilot.pause()


async def page_and_sort(
    table: VirtualTable, pilot: Pilot[None], frames: Frames, out: dict[str, float]
) -> None:
    table.focus()
    await pilot.pause()
    pages = [await frames.paint_after(lambda: pilot.press("pagedown")) for _ in range(20)]
    out["page down p50"], out["page down p99"] = pct(pages, 0.5), pct(pages, 0.99)
    sorts = [("name", False), ("name", True), ("restarts", True), ("age", False), (None, False)]
    for column, reverse in sorts:
        label = f"sort {column or 'off'}{' desc' if reverse else ''}"

        def sort(column: str | None = column, reverse: bool = reverse) -> None:
            table.sort_by(column, reverse)

        out[label] = await frames.paint_after(sort)


async def type_filter(
    app: App[None], table: VirtualTable, pilot: Pilot[None], frames: Frames, out: dict[str, float]
) -> None:
    app.query_one(Input).focus()
    await pilot.pause()
    # Narrowing ("api-3f"), widening back to nothing, then a styled cell ("crash").
    keys = [*"api-3f", *["backspace"] * 6, *"crash", *["backspace"] * 3]
    times, counts = [], []
    for key in keys:
        times.append(await frames.paint_after(lambda key=key: pilot.press(key)))
        counts.append(table.visible_count)
    out["filter key p50"], out["filter key p99"] = pct(times, 0.5), pct(times, 0.99)
    out["filter key max"] = max(times)
    out["filter keys"] = len(keys)
    print(f"  filter matches per keystroke: {counts}")


async def bench_datatable(rows: list[tuple[str, Cells]]) -> float:
    app = DataTableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingDataTable)
        table.add_columns(*(column.label for column in COLUMNS))
        frames = Frames(app, table)
        await pilot.pause()
        cells = [row for _, row in rows]
        keys = [key for key, _ in rows]

        def load() -> None:
            for key, row in zip(keys, cells, strict=True):
                table.add_row(*row, key=key)

        return await frames.paint_after(load)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--datatable-rows", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    rows = pod_rows(args.rows)
    print(f"VirtualTable, {args.rows:,} rows, {len(COLUMNS)} columns, terminal {SIZE}:")
    virtual = await bench_virtual(rows)
    virtual.update(cold_model(rows))
    for name, value in virtual.items():
        figure = f"{value:>10}" if name == "filter keys" else f"{ms(value)} ms"
        print(f"  {name:<40}{figure}")
    print("\nfirst paint, side by side (ms):")
    print(f"  {'rows':>8} {'DataTable':>10} {'VirtualTable':>13} {'ratio':>8}")
    for count in args.datatable_rows:
        data_rows = pod_rows(count)
        dt = await bench_datatable(data_rows)
        vt_app = await bench_virtual_first_paint(data_rows) if count != args.rows else None
        vt = virtual["first paint"] if vt_app is None else vt_app
        print(f"  {count:>8,} {ms(dt):>10} {ms(vt):>13} {dt / vt:>7.1f}x")


def cold_model(rows: list[tuple[str, Cells]]) -> dict[str, float]:
    """Pure model costs: a filter before the background index build, then a first sort."""
    model = TableModel(COLUMNS)
    model.set_rows(rows)
    gc.collect()
    started = time.perf_counter()
    model.set_filter("api-")
    cold = time.perf_counter() - started
    started = time.perf_counter()
    model.set_filter("api-3")
    narrowed = time.perf_counter() - started
    model.set_filter("")
    started = time.perf_counter()
    model.sort_by("namespace")
    return {
        "model: cold filter (builds index)": cold,
        "model: narrowing filter": narrowed,
        "model: first sort (builds keys)": time.perf_counter() - started,
    }


async def bench_virtual_first_paint(rows: list[tuple[str, Cells]]) -> float:
    app = VirtualApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingVirtualTable)
        frames = Frames(app, table)
        await pilot.pause()
        return await frames.paint_after(lambda: table.set_rows(rows))


if __name__ == "__main__":
    asyncio.run(main())

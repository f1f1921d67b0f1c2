"""The Fleet view and a namespace create on 1,000 clusters (issue #13 item 4).

    .venv/bin/python bench/fleet_1000.py [--clusters 1000] [--dead 5] [--pods 20]
                                         [--presses 40] [--no-view] [--no-namespace]
                                         [--gc tuned|default] [--profile N]
    smoke: --clusters 20 --pods 5 --presses 8

A sandbox fleet of ``--clusters`` clusters (nodes=2, no system workloads, ``--pods`` Running
pods each, spread over 4 namespaces) runs in one child process, so it never shares the CPU
or the event loop of what is measured. They are associated (at 0 ms latency) to an instance
of a real ``Services`` (SQLite in a temp dir); then every cluster gets its latency, 20-200
ms (the last one the slowest), and ``--dead`` of them go into outage (connection refused).

1. The Fleet view in the real ``CcseoneApp`` (headless ``run_test``): the section's key
   opens it on pods, which list+watches every cluster. Printed: key -> first row painted,
   -> every dead cluster marked as a gap, -> every live cluster's rows painted; cursor keys
   (down, pagedown, up, pageup) while the rows arrive and then while the watches are open,
   key -> paint p50/p99 (target p99 < 100 ms); ``/`` filter keystrokes, key -> paint and
   key -> filtered rows painted; open sockets and watch tasks of this process; CPU of both
   processes, RSS and peak RSS.
2. A namespace create on every cluster, as the create form does it
   (``services.namespaces.create``, one task with a result per cluster), while the app
   shows Namespaces: wall time, ok / failed per cluster (the dead ones must fail alone),
   the slowest live cluster's own result, the same create on the slowest cluster alone (the
   reference: wall <= 1.5 x slowest + 0.5 s), the event loop's lag meanwhile. Then what the
   form does after it (``ns_actions.finish``: the summary, then the namespace's detail with
   one row per cluster): detail painted, cursor keys in it; then the delete with the detail
   open (its task pane follows every result): wall, failures, keys meanwhile.

The collector is tuned as the app tunes it after its first frame, which headless apps skip
(``freeze_startup_objects``: the heap frozen, the app's thresholds); ``--gc default`` keeps
Python's defaults, as every figure before the "--gc" option was measured (full collections
of 170-370 ms there). The lag lines give the collector's pauses in their window.

A "paint" is the first frame composed after the action whose state shows its effect
(``bench/_paint.py``). Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import (  # noqa: E402
    FleetChild,
    associate_all,
    cpu_seconds,
    dead_indexes,
    failures,
    memory_mb,
    sandbox_pod,
    serve,
)
from _paint import Frames, pct  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.services import Services, open_services  # noqa: E402

SIZE = (160, 45)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(p99: float, target: float = 0.1) -> str:
    return f"{'meets' if p99 < target else 'MISSES'} p99 < {target * 1000:.0f} ms " \
           f"(p99/target {p99 / target:.2f})"


def keys_line(label: str, samples: list[float]) -> str:
    if not samples:
        return f"   {label}: no key pressed"
    p99 = pct(samples, 0.99)
    return (f"   {label} ({len(samples)} keys): p50 {ms(pct(samples, 0.5))}  p99 {ms(p99)}  "
            f"max {ms(max(samples))} -> {verdict(p99)}")


def reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM, so each part's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def open_sockets() -> int:
    """Sockets this process holds open (one per kept-alive connection or watch)."""
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            n += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return n


class LoopLag:
    """How late a 10 ms sleep wakes up: how long the event loop was busy elsewhere (the
    longest stall is what a key waits at worst). Also the garbage collector's pauses in the
    same window: a full collection stops the loop too, and shows up as a stall of its own."""

    TICK = 0.01

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.gc_pauses: list[tuple[int, float]] = []  # (generation, seconds)
        self._gc_start = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(self.TICK)
            self.samples.append(time.perf_counter() - t0 - self.TICK)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_pauses.append((info["generation"], time.perf_counter() - self._gc_start))

    def __enter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._run())
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        gc.callbacks.remove(self._gc)

    def line(self) -> str:
        s = self.samples
        full = [took for gen, took in self.gc_pauses if gen == 2]
        return (f"event-loop stall (lag of a {self.TICK * 1000:.0f} ms tick, {len(s)} ticks) "
                f"p50 {ms(pct(s, 0.5))}  p99 {ms(pct(s, 0.99))}  max {ms(max(s, default=0.0))}"
                f"; gc: {len(self.gc_pauses)} collections, {len(full)} full, longest full "
                f"{ms(max(full, default=0.0))}, longest young "
                f"{ms(max((t for g, t in self.gc_pauses if g < 2), default=0.0))}")


def tune_gc(args: argparse.Namespace) -> None:
    """``--gc tuned``: what the app does after its first frame, which headless apps skip
    (``freeze_startup_objects``: the heap alive now frozen, the app's thresholds). What
    the view loads after it is not frozen, as in the app."""
    if args.gc == "tuned":
        from ccseone_tui.ui.app import freeze_startup_objects

        freeze_startup_objects()


def profiler(top: int) -> Any:
    """A running cProfile when ``--profile N`` asks for one (this process only)."""
    if not top:
        return None
    import cProfile

    prof = cProfile.Profile()
    prof.enable()
    return prof


def report_profile(prof: Any, what: str, top: int) -> None:
    if prof is None:
        return
    import pstats

    prof.disable()
    print(f"   profile of {what} (this process):")
    for key in ("tottime", "cumulative"):
        pstats.Stats(prof, stream=sys.stdout).sort_stats(key).print_stats(top)


# ---- child: the fleet ------------------------------------------------------------------------


async def serve_fleet(clusters: int, dead: int, pods: int) -> None:
    from ccseone_tui.sandbox import SandboxFleet
    from ccseone_tui.sandbox.clock import rfc3339
    from ccseone_tui.sandbox.resources import CORE

    key = CORE["pods"].key
    async with SandboxFleet(clusters=clusters, nodes=2, log_rate=0.0,
                            system_workloads=False) as fleet:
        await fleet.settle()
        now = rfc3339()
        for c in fleet.clusters:  # straight into the state: no controller at 20k pods
            nodes = [f"{c.name}-node-1", f"{c.name}-node-2"]
            for i in range(pods):
                c.state.add(key, sandbox_pod(c.name, i, nodes[i % 2], now))

        async def kill_a_few() -> None:  # associated and slowed down: now kill a few
            for i in dead_indexes(clusters, dead):
                await fleet.clusters[i].set_outage(True)

        await serve(fleet, on_go=kill_a_few)


# ---- part 1: the Fleet view ------------------------------------------------------------------


class Milestones:
    """The first frame at which each named condition holds (perf_counter)."""

    def __init__(self, app: Any, conditions: dict[str, Callable[[], bool]]) -> None:
        self.conditions = conditions
        self.at: dict[str, float] = {}
        self.frames = 0
        self._frames = Frames(app, self._every)

    def _every(self, _wall: float) -> None:
        self.frames += 1
        now = time.perf_counter()
        for name, ready in self.conditions.items():
            if name not in self.at:
                with contextlib.suppress(Exception):  # the view may not be mounted yet
                    if ready():
                        self.at[name] = now

    def done(self) -> bool:
        return len(self.at) == len(self.conditions)

    def close(self) -> None:
        self._frames.close()


async def press_timed(pilot: Any, frames: Frames, key: str, moved: Callable[[], bool]) -> float:
    frames.arm(moved)
    t0 = time.perf_counter()
    await pilot.press(key)
    return await frames.hit() - t0


NAV = ("down", "pagedown", "up", "pageup")  # a round trip: never runs off the table's end


async def nav_key(pilot: Any, frames: Frames, table: Any, i: int) -> float:
    before = table.cursor_row
    return await press_timed(pilot, frames, NAV[i % len(NAV)],
                             lambda: table.cursor_row != before)


async def fleet_view(s: Services, names: list[str], dead: set[str], args: argparse.Namespace,
                     child: int) -> None:
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.sections import section
    from ccseone_tui.ui.views.fleet import FleetView

    live_rows = (len(names) - len(dead)) * args.pods
    reset_peak_rss()
    app = CcseoneApp(s, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        tune_gc(args)  # where the app does it: once its first frame is up
        await app.workers.wait_for_complete()
        await pilot.pause()
        rss_before, _ = memory_mb()

        def view() -> FleetView:
            return app.main.query_one(FleetView)

        marks = Milestones(app, {
            "first row painted": lambda: view().table.row_count > 0,
            f"{len(dead)} dead marked as gaps": lambda: dead <= set(view().state.gaps),
            f"every live row painted ({live_rows:,})": lambda: (
                view().state.waiting == 0 and view().table.row_count >= live_rows),
        })
        frames = Frames(app)
        cpu0, child0 = time.process_time(), cpu_seconds(child)
        t0 = time.perf_counter()
        await pilot.press(section("fleet").key)
        loading: list[float] = []
        deadline = time.perf_counter() + 180
        while not marks.done() and time.perf_counter() < deadline:
            if "first row painted" in marks.at and view().table.has_focus:
                loading.append(await nav_key(pilot, frames, view().table, len(loading)))
                await asyncio.sleep(0.05)
            else:
                await asyncio.sleep(0.01)
        listed = time.perf_counter() - t0
        cpu_list, child_list = time.process_time() - cpu0, cpu_seconds(child) - child0
        v = view()
        table = v.table
        print(f"\n1. Fleet view on pods, {len(names)} clusters ({len(dead)} in outage) x "
              f"{args.pods} pods (headless {SIZE[0]}x{SIZE[1]}); {load()}")
        for name in marks.conditions:
            took = marks.at.get(name)
            print(f"   key -> {name}: " + (ms(took - t0) if took else "NOT within 180 s"))
        print(f"   rows {table.row_count:,} of {live_rows:,} live; clusters answered "
              f"{len(v.state.answered)}/{len(v.state.clusters)}; gaps {len(v.state.gaps)}; "
              f"{marks.frames} frames while loading")
        print(f"   status line: {v.state.status(None, 0)[:150]}")
        print(f"   CPU while loading ({listed:.2f} s): this process {cpu_list:.2f} s "
              f"({cpu_list / listed:.0%} of a core), the fleet's {child_list:.2f} s")
        print(keys_line("cursor keys while the rows arrive", loading))
        marks.close()
        warm0 = time.perf_counter()
        while table._warming:  # the search index builds in slices after the first paint
            await pilot.pause(0.01)
        print(f"   search index warm {ms(time.perf_counter() - warm0)} after that")
        table.focus()
        await pilot.pause()
        watches = sum(1 for task in asyncio.all_tasks()
                      if task.get_name().startswith("resources-watch:"))
        print(f"   open: {open_sockets()} sockets, {watches} watch tasks")

        cpu0, child0, w0 = time.process_time(), cpu_seconds(child), time.perf_counter()
        steady = [await nav_key(pilot, frames, table, i) for i in range(args.presses)]
        wall = time.perf_counter() - w0
        print(keys_line("cursor keys, watches open", steady))
        print(f"   CPU while pressing ({wall:.2f} s): this process "
              f"{(time.process_time() - cpu0) / wall:.0%} of a core, the fleet's "
              f"{(cpu_seconds(child) - child0) / wall:.0%} (idle watches)")

        await pilot.press("slash")
        typed, keys, rows_painted, counts = "", [], [], []
        word = names[-1]  # one cluster's name: narrows 20k rows to one cluster's
        for key in [*"app-00", *["backspace"] * 6, *word[-6:]]:
            typed = typed[:-1] if key == "backspace" else typed + key
            frames.arm(lambda typed=typed: v.filter_text == typed.strip())
            rows = Frames(app)
            rows.arm(lambda typed=typed: not table.filter_pending
                     and table._model.filter_text == typed.strip().lower())
            t1 = time.perf_counter()
            await pilot.press(key)
            keys.append(await frames.hit() - t1)
            rows_painted.append(await rows.hit() - t1)
            rows.close()
            counts.append(table.visible_count)
        print(keys_line("filter keystrokes", keys))
        print(f"   keystroke -> filtered rows painted: p50 {ms(pct(rows_painted, 0.5))}  "
              f"p99 {ms(pct(rows_painted, 0.99))}; matches {counts[5]:,} for 'app-00', "
              f"{counts[-1]:,} for {word[-6:]!r}")
        rss, peak = memory_mb()
        print(f"   RSS this process {rss:.0f} MB (before the view {rss_before:.0f} MB), peak "
              f"{peak:.0f} MB; the fleet's child {memory_mb(child)[0]:.0f} MB")
        frames.close()
        v.leave()


# ---- part 2: a namespace create --------------------------------------------------------------


async def namespace_create(s: Services, names: list[str], dead: set[str],
                           args: argparse.Namespace, child: int) -> None:
    from ccseone_tui.domain.models import TaskStatus
    from ccseone_tui.domain.namespaces import NamespaceSpec
    from ccseone_tui.services.events import TaskChanged
    from ccseone_tui.ui import ns_actions
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.screens.namespace_detail import NamespaceDetailScreen
    from ccseone_tui.ui.sections import section

    slowest = names[-1]
    await s.clusters.edit(slowest, labels={"bench": "slowest"})
    alone = []
    for run in range(2):  # the reference: the same create on the slowest cluster only
        t0 = time.perf_counter()
        await s.namespaces.create("bench", NamespaceSpec(
            name=f"solo-{run}", selector={"bench": "slowest"}, cpu_limit="2",
            memory_limit="4Gi"))
        alone.append(time.perf_counter() - t0)
        await s.namespaces.delete("bench", f"solo-{run}")
    ref = min(alone)
    target = 1.5 * ref + 0.5

    events = [0]

    def count(event: object) -> None:
        if isinstance(event, TaskChanged):
            events[0] += 1

    s.events.subscribe(count)
    reset_peak_rss()
    name = "fleet-1000"
    app = CcseoneApp(s, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        tune_gc(args)  # where the app does it: once its first frame is up
        await app.workers.wait_for_complete()
        await pilot.press(section("namespaces").key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames = Frames(app)
        cpu0, child0 = time.process_time(), cpu_seconds(child)
        prof = profiler(args.profile)
        with LoopLag() as lag:
            started = time.time()
            t0 = time.perf_counter()
            task = await s.namespaces.create("bench", NamespaceSpec(
                name=name, cpu_limit="2", memory_limit="4Gi"))
            wall = time.perf_counter() - t0
            await pilot.pause()
        report_profile(prof, "the create", args.profile)
        cpu, child_cpu = time.process_time() - cpu0, cpu_seconds(child) - child0
        ok = [r for r in task.results if r.status is TaskStatus.SUCCEEDED]
        failed = failures(task)
        failed_names = {line.split(":", 1)[0] for line in failed}
        live_last = max((r.finished_at or 0) for r in task.results if r.target not in dead)
        mine = next(r for r in task.results if r.target == slowest)
        print(f"\n2. namespace create on every cluster ({len(task.results)} results, "
              f"task {task.status.value}); {load()}")
        print(f"   wall {ms(wall)}; last live cluster done after {ms(live_last - started)}; "
              f"the slowest's own result {ms((mine.finished_at or 0) - (mine.started_at or 0))}")
        print(f"   ok {len(ok)}, failed {len(failed)} "
              f"({'exactly the dead ones' if failed_names == dead else 'NOT the dead ones'}): "
              f"{failed[0][:110] if failed else '-'}")
        print(f"   slowest cluster alone {ms(ref)} (best of 2); target 1.5 x slowest + 0.5 s = "
              f"{ms(target)}; wall/target {wall / target:.2f} -> "
              f"{'meets' if wall <= target else 'MISSES'}; wall/slowest {wall / ref:.2f}")
        print(f"   {events[0]} TaskChanged events; {lag.line()}")
        print(f"   CPU: this process {cpu:.2f} s ({cpu / wall:.0%} of the wall), the fleet's "
              f"{child_cpu:.2f} s")

        # what the form does next: the summary, then the namespace's detail
        def detail() -> NamespaceDetailScreen:
            screen = app.screen
            assert isinstance(screen, NamespaceDetailScreen)
            return screen

        def sync_rows() -> int:
            return int(detail().query_one("#ns-sync").row_count)  # type: ignore[attr-defined]

        frames.arm(lambda: sync_rows() == len(task.results))
        prof = profiler(args.profile)
        t0 = time.perf_counter()
        after = asyncio.create_task(ns_actions.finish(app, "bench", name, task, "create",
                                                      open_detail=True))
        shown = await frames.hit() - t0
        await after
        report_profile(prof, "the detail's first paint", args.profile)
        await pilot.pause()
        sync = detail().query_one("#ns-sync")

        def moved(before: int) -> Callable[[], bool]:
            return lambda: sync.cursor_row != before  # type: ignore[attr-defined]

        detail_keys = []
        for i in range(args.presses):
            key = "down" if i % 2 == 0 else "up"
            detail_keys.append(await press_timed(pilot, frames, key,
                                                 moved(sync.cursor_row)))  # type: ignore[attr-defined]
        print(f"   detail (one row per cluster) painted {ms(shown)} after the task's end")
        print(keys_line("cursor keys in the detail", detail_keys))

        # the delete, with the detail open: its task pane follows every result
        events[0] = 0
        during: list[float] = []
        prof = profiler(args.profile)
        with LoopLag() as lag:
            t0 = time.perf_counter()
            deleting = asyncio.create_task(s.namespaces.delete("bench", name))
            i = 0
            while not deleting.done():
                during.append(await press_timed(pilot, frames, "down" if i % 2 == 0 else "up",
                                                moved(sync.cursor_row)))  # type: ignore[attr-defined]
                i += 1
                await asyncio.sleep(0.05)
            gone = await deleting
            wall = time.perf_counter() - t0
            await pilot.pause(0.3)  # the pane's last reloads
        report_profile(prof, "the delete, detail open", args.profile)
        print(f"   delete on every cluster, detail open: wall {ms(wall)}, "
              f"{len(failures(gone))} failed, {events[0]} TaskChanged events; {lag.line()}")
        print(keys_line("cursor keys in the detail during the delete", during))
        rss, peak = memory_mb()
        print(f"   RSS this process {rss:.0f} MB, peak {peak:.0f} MB (this part)")
        frames.close()
    s.events.unsubscribe(count)


# ---- main ------------------------------------------------------------------------------------


async def run(fleet: FleetChild, args: argparse.Namespace, tmp: Path) -> None:
    names: list[str] = fleet.info["names"]
    settings = Settings(data_dir=tmp / "data", kubeconfig=fleet.info["kubeconfig"],
                        theme="textual-dark")
    s = await open_services(settings, user="bench")
    try:
        took = await associate_all(s, names)
        print(f"associated {len(names)} clusters in {took:.1f}s (at 0 ms latency); {load()}")
        await fleet.slow_down()
        dead = {names[i] for i in dead_indexes(len(names), args.dead)}
        pid = fleet.process.pid
        if not args.no_view:
            await fleet_view(s, names, dead, args, pid)
        if not args.no_namespace:
            await namespace_create(s, names, dead, args, pid)
        print(f"\nfleet child: RSS {memory_mb(pid)[0]:.0f} MB, peak {memory_mb(pid)[1]:.0f} MB; "
              f"{load()}")
    finally:
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--clusters", type=int, default=1000)
    ap.add_argument("--dead", type=int, default=5)
    ap.add_argument("--pods", type=int, default=20, help="pods per cluster")
    ap.add_argument("--presses", type=int, default=40, help="cursor keys per measure")
    ap.add_argument("--no-view", action="store_true", help="skip part 1 (the Fleet view)")
    ap.add_argument("--no-namespace", action="store_true", help="skip part 2 (namespaces)")
    ap.add_argument("--gc", choices=("tuned", "default"), default="tuned",
                    help="the app's collector tuning (gc.freeze + thresholds, which headless "
                         "apps skip), or Python's defaults (as measured before this option)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="cProfile part 2's create, detail and delete; print the top N")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_fleet(args.clusters, args.dead, args.pods))
        return
    t0 = time.monotonic()
    with FleetChild(__file__, "--clusters", str(args.clusters), "--dead", str(args.dead),
                    "--pods", str(args.pods)) as fleet:
        rss = memory_mb(fleet.process.pid)[0]
        print(f"fleet: {args.clusters} sandbox clusters x {args.pods} pods (nodes=2, latencies "
              f"20-200 ms, {args.dead} in outage) up in {time.monotonic() - t0:.1f}s in one "
              f"child process, RSS {rss:.0f} MB")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(fleet, args, Path(tmp)))


if __name__ == "__main__":
    main()

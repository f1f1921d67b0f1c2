"""Access clusters at fleet scale, and the Fleet view at 100k rows.

    /work/venv/bin/python bench/clusters.py [--clusters 200] [--dead 5] [--presses 60]
                                            [--view-clusters 100] [--view-pods 1000]

1. A sandbox fleet of ``--clusters`` clusters (nodes=2, no system workloads, latencies spread
   20-200 ms, ``--dead`` of them in outage) runs in a child process, so it never shares the
   CPU or the event loop of what is measured. They are associated to an instance of a real
   ``Services`` (SQLite in a temp dir). ``services.clusters.refresh()`` wall time is printed
   next to the slowest live cluster probed alone (target: wall <= 1.5 x slowest + 0.5 s),
   and the dead clusters' Offline verdict time next to the connect timeout.
2. Key-press-to-paint in the real ``CcseoneApp`` (headless ``run_test``) on Access clusters
   while refreshes of the whole fleet run back to back (target p99 < 100 ms).
3. The Fleet view with ``--view-clusters`` x ``--view-pods`` pod rows, built from real
   sandbox pod JSON (one cluster's Deployment listed once, its rows re-labelled per cluster)
   and fed to the real view as cluster answers: first paint (target < 300 ms), every row
   painted, and filter keystrokes (target < 100 ms).

A "paint" is the first frame composed after the action whose state shows the action's
effect: ``App._display`` is wrapped (bench/_paint.py, as in the other UI benches) to encode
each frame as a terminal would receive it and to note the time. Prints figures and ratios;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import (  # noqa: E402
    FleetChild,
    associate_all,
    cpu_seconds,
    dead_indexes,
    latencies,
    memory_mb,
    serve,
)
from _paint import Frames, pct  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.models import ClusterStatus  # noqa: E402
from ccseone_tui.engines.probe import VERSION_TTL  # noqa: E402
from ccseone_tui.services import Services, open_services  # noqa: E402
from ccseone_tui.services.events import ClusterProbed  # noqa: E402
from ccseone_tui.services.fleet.rows import pod_row  # noqa: E402
from ccseone_tui.services.fleet.service import ClusterAnswer  # noqa: E402

SIZE = (160, 45)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


# ---- child: the fleet ------------------------------------------------------------------------


async def serve_fleet(clusters: int, dead: int, pods: int) -> None:
    from ccseone_tui.kube import ClusterRef, KubePool
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=2, log_rate=0.0,
                            system_workloads=False) as fleet:
        first = fleet.clusters[0]
        deploy = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": pods, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web", "tier": "front"}},
                                  "spec": {"containers": [
                                      {"name": "web", "image": "nginx:1.27"},
                                      {"name": "sidecar", "image": "envoy:1.30"}]}}},
        }
        path = str(fleet.kubeconfig_path)
        async with KubePool(Settings(read_timeout=60)) as pool:
            await (await pool.client(ClusterRef(first.name, path, first.name))).apply(deploy)
        while first.state.count(("", "pods")) < pods:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await fleet.settle()

        async def kill_a_few() -> None:  # associated and slowed down: now kill a few
            for i in dead_indexes(clusters, dead):
                await fleet.clusters[i].set_outage(True)

        await serve(fleet, on_go=kill_a_few)


# ---- parent: paints --------------------------------------------------------------------------


class GcPauses:
    """Collector pauses while measuring: a full collection over a big heap stalls the loop."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._t0 = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._t0))

    def take(self) -> str:
        pauses, self.pauses = self.pauses, []
        full = [p for g, p in pauses if g == 2]
        worst = max((p for _, p in pauses), default=0.0)
        return (f"gc: {len(pauses)} collections ({len(full)} full), longest pause "
                f"{worst * 1000:.1f} ms")


GC = GcPauses()


# ---- part 1: refresh -------------------------------------------------------------------------


async def refresh_figures(s: Services, instance_id: str, dead: set[str], runs: int,
                          profile: int = 0, child: int = 0) -> None:
    clusters = await s.clusters.list(instance_id)
    slowest = max((c for c in clusters if c.name not in dead),
                  key=lambda c: int(c.name.rsplit("-", 1)[1]))
    landed: dict[str, float] = {}
    start = 0.0

    def on_event(event: object) -> None:
        if isinstance(event, ClusterProbed):
            landed[event.cluster.name] = time.perf_counter() - start

    s.events.subscribe(on_event)
    GC.take()
    walls = []
    cpu: list[tuple[float, float]] = []  # (parent, child) CPU seconds per warm refresh
    prof = None
    # run 0 is the first after associating; with --profile one more, not in the figures
    for run in range(runs + 1 + bool(profile)):
        landed.clear()
        if run > runs:  # the extra warm refresh, under cProfile
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        cpu0 = (time.process_time(), cpu_seconds(child) if child else 0.0)
        start = time.perf_counter()
        result = await s.clusters.refresh(instance_id)
        walls.append(time.perf_counter() - start)
        if 0 < run <= runs:
            cpu.append((time.process_time() - cpu0[0],
                        (cpu_seconds(child) if child else 0.0) - cpu0[1]))
        if prof is not None:
            prof.disable()
            profiled = walls.pop()
        if run == 0:
            cold_dead = {n: landed.get(n, float("nan")) for n in dead}
            cold_status = {c.name: c.probe.status for c in result if c.name in dead}
    s.events.unsubscribe(on_event)
    collected = GC.take()
    alone = []
    for _ in range(3):
        t0 = time.perf_counter()
        await s.clusters.probe(slowest)
        alone.append(time.perf_counter() - t0)
    best = min(alone)
    warm = statistics.median(walls[1:])
    target = 1.5 * best + 0.5
    print(f"\n1. services.clusters.refresh() of {len(clusters)} clusters "
          f"({len(dead)} in outage), connect timeout {s.settings.connect_timeout:g}s")
    print(f"   slowest live cluster ({slowest.name}, 200 ms per request) probed alone: "
          f"{ms(best)}  (a forced probe: /version + nodes; a warm one in a refresh is "
          f"the nodes alone, the version asked once per {VERSION_TTL:g} s)")
    print(f"   first refresh (clients cached by associate, new connections): {ms(walls[0])}")
    print(f"   warm refreshes: {', '.join(f'{w * 1000:.0f}' for w in walls[1:])} ms; "
          f"median {ms(warm)}")
    parent_cpu = statistics.median(p for p, _ in cpu)
    child_cpu = statistics.median(c for _, c in cpu)
    print(f"   CPU per warm refresh (median): this process {ms(parent_cpu)} "
          f"({parent_cpu / warm:.0%} of the wall), the fleet's process {ms(child_cpu)} "
          f"({child_cpu / warm:.0%}); load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"   {collected} (all {len(walls)} refreshes, Python's collector defaults)")
    print(f"   RSS peak: this process {peak_rss_mb():.0f} MB, the fleet's process "
          f"{memory_mb(child)[1]:.0f} MB")
    verdict = "meets" if warm <= target else "MISSES"
    print(f"   target 1.5 x slowest + 0.5 s = {ms(target)}; warm/target {warm / target:.2f} "
          f"-> {verdict}; warm/slowest {warm / best:.2f}; cold/target {walls[0] / target:.2f}")
    worst_dead = max(cold_dead.values())
    offline = all(st is ClusterStatus.OFFLINE for st in cold_status.values())
    print(f"   dead clusters: {'all Offline' if offline else cold_status}; verdict after "
          f"{ms(min(cold_dead.values()))} .. {ms(worst_dead)} (first run) -> "
          f"{'within' if worst_dead <= s.settings.connect_timeout else 'BEYOND'} the "
          f"{s.settings.connect_timeout:g}s connect timeout "
          f"(ratio {worst_dead / s.settings.connect_timeout:.2f})")
    if prof is not None:
        import pstats

        print(f"   profile of one more warm refresh ({ms(profiled)} under cProfile; the "
              f"parent only, the fleet is the child):")
        for key in ("tottime", "cumulative"):
            pstats.Stats(prof, stream=sys.stdout).sort_stats(key).print_stats(profile)


# ---- part 2: keys while refreshing -----------------------------------------------------------


async def keys_while_refreshing(s: Services, presses: int) -> None:
    from ccseone_tui.ui.app import CcseoneApp

    app = CcseoneApp(s, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames = Frames(app)
        table = app.main.query_one("#clusters-table", DataTable)
        table.focus()
        await pilot.press("down")

        def refreshing() -> bool:
            return any(w.name == "refresh:clusters" and w.is_running for w in app.workers)

        samples: list[float] = []
        refreshes = 0
        GC.take()
        while len(samples) < presses:
            if not refreshing():
                app.main.probe_clusters()  # what `r` does on Access clusters
                refreshes += 1
                await asyncio.sleep(0.02)  # let the first answers start landing
            key = "down" if len(samples) % 2 == 0 else "up"
            expected = table.cursor_row + (1 if key == "down" else -1)
            frames.arm(lambda expected=expected: table.cursor_row == expected)
            t0 = time.perf_counter()
            running = refreshing()
            await pilot.press(key)
            hit = await frames.hit()
            if running:
                samples.append(hit - t0)
        await app.workers.wait_for_complete()  # the last refresh
    print(f"\n2. Access clusters in CcseoneApp (headless {SIZE[0]}x{SIZE[1]}): {len(samples)} "
          f"cursor keys while {refreshes} refreshes of the fleet ran")
    p50, p99 = pct(samples, 0.5), pct(samples, 0.99)
    print(f"   key -> paint  p50 {ms(p50)}   p99 {ms(p99)}   max {ms(max(samples))}   "
          f"-> {'meets' if p99 < 0.1 else 'MISSES'} p99 < 100 ms (p99/target {p99 / 0.1:.2f})")
    print(f"   {GC.take()}")
    print(f"   RSS peak of this process (services + app + fleet clients): {peak_rss_mb():.0f} MB")


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---- part 3: the fleet view at 100k rows -----------------------------------------------------


async def fleet_view(s: Services, first_cluster: str, clusters: int) -> None:
    from ccseone_tui.services.fleet.rows import KINDS
    from ccseone_tui.services.resources.kinds import builtin_kind
    from ccseone_tui.services.resources.model import ClusterDelta, ResourceRow
    from ccseone_tui.ui import messages as msg
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.sections import section
    from ccseone_tui.ui.views.fleet import FleetView

    cluster = await s.clusters.get(first_cluster)
    client = await s.clusters.client(cluster)
    t0 = time.perf_counter()
    items = (await client.list("v1", "Pod", namespace="default", limit=500))["items"]
    listed = time.perf_counter() - t0
    names = [f"view-{i + 1:03d}" for i in range(clusters)]
    now = time.time()
    t0 = time.perf_counter()
    answers = [ClusterAnswer(n, [pod_row(n, pod, now) for pod in items], None, 0.0)
               for n in names]
    build = time.perf_counter() - t0
    total = sum(len(a.rows) for a in answers)
    spec = KINDS["pods"]  # the Fleet view's deltas (#11), as ResourceService.watch yields them
    info = builtin_kind("pods")
    deltas = [ClusterDelta(a.cluster, [ResourceRow(f"{r[0]}/{r[1]}/{r[2]}", tuple(r), {})
                                       for r in a.rows], reset=True, columns=spec.headers)
              for a in answers]
    print(f"\n3. Fleet view, {clusters} clusters x {len(items)} pods = {total:,} rows "
          f"(real sandbox pod JSON, listed in {ms(listed)}; rows built in {ms(build)}, "
          f"{build / total * 1e6:.1f} us/pod)")

    app = CcseoneApp(s, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press(section("fleet").key)
        view = app.main.query_one(FleetView)
        for _ in range(400):  # the real watch of the bench instance: its first answers
            await pilot.pause(0.025)
            if view.state.started and not view.state.waiting:
                break
        await pilot.pause()
        frames = Frames(app)

        def land(gen: int, delta: ClusterDelta) -> None:  # as the view's watch worker does
            view._inbox.append(delta)
            view.post_message(msg.BrowserDeltas(gen))

        async def feed(spread: bool) -> tuple[float, float]:
            view.leave()  # the bench instance's real watch stops; these deltas stand in
            view._forget_everything()
            view.generation += 1
            gen = view.generation
            table = view.table
            view.post_message(msg.BrowserStarted(gen, info, names, names[:5]))
            await pilot.pause()
            frames.arm(lambda: table.row_count > 0)
            t0 = time.perf_counter()
            if not spread:
                for delta in deltas:
                    land(gen, delta)
                view.post_message(msg.BrowserEnded(gen, None))
            else:  # as a fleet answers: 20-200 ms apart from the first to the last
                lat = latencies(len(deltas))

                async def later(delay: float, delta: ClusterDelta) -> None:
                    await asyncio.sleep(delay / 1000)
                    land(gen, delta)

                asyncio.gather(*(later(d - lat[0], a) for d, a in zip(lat, deltas,
                                                                        strict=True)))
            first = await frames.hit() - t0
            frames.arm(lambda: table.row_count == total)
            every = await frames.hit() - t0
            if spread:
                view.post_message(msg.BrowserEnded(gen, None))
                await pilot.pause()
            return first, every

        first, every = await feed(spread=False)
        print(f"   all answers at once:   first paint {ms(first)}  all {total:,} rows {ms(every)}"
              f"  -> {'meets' if first < 0.3 else 'MISSES'} first paint < 300 ms "
              f"(ratio {first / 0.3:.2f})")
        first, every = await feed(spread=True)
        print(f"   answers over 180 ms:   first paint {ms(first)}  all rows {ms(every)} "
              f"(the last answer lands at ~180 ms)")
        table = view.table
        while table._warming:  # the search index builds in slices after the first paint
            await pilot.pause()
        await pilot.press("slash")
        GC.take()
        typed = ""
        times = []
        rows_times: list[float] = []
        counts = []
        for key in [*"web-", *["backspace"] * 4, *"PROD", *["backspace"] * 4, *"sidecar"]:
            typed = typed[:-1] if key == "backspace" else typed + key
            frames.arm(lambda typed=typed: view.filter_text == typed.strip()
                       and table.visible_count >= 0)
            # the rows: a big table scans the filter in slices after the keystroke's frame
            rows = Frames(app)
            rows.arm(lambda typed=typed: not table.filter_pending
                     and table._model.filter_text == typed.strip().lower())
            t0 = time.perf_counter()
            await pilot.press(key)
            times.append(await frames.hit() - t0)
            rows_times.append(await rows.hit() - t0)
            rows.close()
            counts.append(table.visible_count)
        p50, p99 = pct(times, 0.5), pct(times, 0.99)
        print(f"   filter keystrokes ({len(times)}): p50 {ms(p50)}  p99 {ms(p99)}  max "
              f"{ms(max(times))} -> {'meets' if p99 < 0.1 else 'MISSES'} < 100 ms "
              f"(p99/target {p99 / 0.1:.2f}); matches {counts[:4]}…")
        print(f"   keystroke -> filtered rows painted: p50 {ms(pct(rows_times, 0.5))}  p99 "
              f"{ms(pct(rows_times, 0.99))} (the scan runs in slices between frames)")
        print(f"   {GC.take()}")
        await pilot.press("escape")
        table.focus()
        sorts = []
        for _ in range(3):
            before = (table.sort_column, table.sort_reverse)
            frames.arm(lambda before=before: (table.sort_column, table.sort_reverse) != before)
            t0 = time.perf_counter()
            await pilot.press("s")
            sorts.append(await frames.hit() - t0)
        frames.arm(lambda: view.clusters is not None)
        t0 = time.perf_counter()
        await pilot.press("c")
        cluster_s = await frames.hit() - t0
        print(f"   sort key s: {', '.join(f'{x * 1000:.0f}' for x in sorts)} ms "
              f"(first sort of a column builds its keys); cluster filter c: {ms(cluster_s)}")


# ---- main ------------------------------------------------------------------------------------


async def run(fleet: FleetChild, args: argparse.Namespace, tmp: Path) -> None:
    names: list[str] = fleet.info["names"]
    settings = Settings(data_dir=tmp / "data", kubeconfig=fleet.info["kubeconfig"],
                        theme="textual-dark")
    s = await open_services(settings, user="bench")
    try:
        took = await associate_all(s, names)
        print(f"associated {len(names)} clusters in {took:.1f}s (at 0 ms latency)")
        await fleet.slow_down()
        dead = {names[i] for i in dead_indexes(len(names), args.dead)}
        instance = await s.instances.get("bench")
        await refresh_figures(s, instance.id, dead, args.runs, args.profile,
                              fleet.process.pid)
        if args.no_ui:
            return
        from ccseone_tui.ui.app import GC_THRESHOLDS, freeze_startup_objects

        passes = ("default collector", "the app's tuning: gc.freeze() + thresholds")
        for label in passes[:1] if args.gc == "default" else passes[1:] \
                if args.gc == "tuned" else passes:
            print(f"\n=== UI, {label} ===")
            if label != "default collector":
                # What the app does after its first frame (headless apps skip it): move every
                # object alive now out of the collector's reach, so a full collection scans
                # only what came later (the rows), and space the collections out.
                freeze_startup_objects()
                print(f"   frozen objects: {gc.get_freeze_count():,}; thresholds {GC_THRESHOLDS}")
            if args.profile:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
            await keys_while_refreshing(s, args.presses)
            if args.profile:
                prof.disable()
                print("   profile of part 2 (this process: services, app, frames):")
                pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(
                    args.profile)
            if not args.no_fleet_view:
                await fleet_view(s, names[0], args.view_clusters)
    finally:
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=200)
    ap.add_argument("--dead", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3, help="warm refreshes")
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--view-clusters", type=int, default=100)
    ap.add_argument("--view-pods", type=int, default=1000)
    ap.add_argument("--gc", choices=("both", "default", "tuned"), default="both",
                    help="UI passes: Python's collector defaults, the app's tuning, or both")
    ap.add_argument("--no-fleet-view", action="store_true", help="skip part 3")
    ap.add_argument("--no-ui", action="store_true", help="part 1 only")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="cProfile one more warm refresh of part 1, and part 2; print the top N")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_fleet(args.clusters, args.dead, args.view_pods))
        return
    t0 = time.monotonic()
    with FleetChild(__file__, "--clusters", str(args.clusters), "--dead", str(args.dead),
                    "--view-pods", str(args.view_pods)) as fleet:
        print(f"fleet: {args.clusters} sandbox clusters (nodes=2, latencies 20-200 ms, "
              f"{args.dead} in outage), {args.view_pods} pods in the first; up in "
              f"{time.monotonic() - t0:.1f}s, in a child process")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(fleet, args, Path(tmp)))


if __name__ == "__main__":
    main()

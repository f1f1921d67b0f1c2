"""Live resource browser (#11): pods watched on every cluster while 1% of them change each
second, next to ``kubectl get pods -A -w`` per context.

    /work/main/.venv/bin/python bench/fleet_live.py [--clusters 100] [--pods 1000]
        [--seconds 30] [--change-rate 0.01] [--no-kubectl]

A sandbox fleet of ``--clusters`` clusters with ``--pods`` Running pods each runs in a child
process (it never shares the CPU or the event loop of what is measured). Once the watch has
listed every cluster, the child changes ``--change-rate`` of each cluster's pods per second
(in ten slices a second), stamping each change with the wall-clock time it was written
(annotation ``bench.ccseone/changed-at``; both processes share the clock).

Measured for ccseone (``ResourceService.watch``, the service the Fleet view paints from):
time until every cluster's first list is in, update lag (change written on a cluster ->
its delta received) p50/p99/max, deltas and rows per second, CPU (cores) and RSS of this
process. Then, under the same change rate, one ``kubectl get pods -A -w`` per context:
CPU and RSS of those processes. Prints figures and ratios; asserts nothing.

Then the Fleet view itself (``CcseoneApp`` headless, its own watch worker and batches) on
the same fleet under the same change rate: cursor keys pressed every ~0.2 s, key -> the
frame showing the cursor moved (p50/p99), and change written on a cluster -> the first frame
after the view applied that row (update lag as the user sees it), CPU and RSS of the app.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import associate_all, start_child, stop_child  # noqa: E402
from _fleet import sandbox_pod as _pod  # noqa: E402

STAMP = "bench.ccseone/changed-at"
TUI_SIZE = (160, 45)


# ---- child: the fleet and its changes ---------------------------------------------------------


async def serve(clusters: int, pods: int, rate: float, kubeconfig: Path) -> None:
    from ccseone_tui.sandbox import SandboxFleet
    from ccseone_tui.sandbox.clock import rfc3339
    from ccseone_tui.sandbox.resources import CORE

    key = CORE["pods"].key
    # history: 60 s of changes, so a watch that lags a little resumes instead of relisting
    history = max(500, int(pods * rate * 60))
    # TLS, as real clusters (kubectl sends no bearer token over plain http)
    async with SandboxFleet(clusters=clusters, nodes=2, log_rate=0.0, tls=True,
                            kubeconfig_path=kubeconfig, history_size=history) as fleet:
        await fleet.settle()
        now = rfc3339()
        names: dict[str, list[tuple[str, str]]] = {}
        for c in fleet.clusters:
            nodes = [f"{c.name}-node-1", f"{c.name}-node-2"]
            mine = names[c.name] = []
            for i in range(pods):
                meta = c.state.add(key, _pod(c.name, i, nodes[i % 2], now))["metadata"]
                mine.append((meta["namespace"], meta["name"]))
        print(json.dumps({"names": [c.name for c in fleet.clusters]}), flush=True)
        changer: asyncio.Task[None] | None = None
        changed = [0]

        async def change() -> None:
            rng = random.Random(1)
            per_slice = pods * rate / 10  # ten slices a second
            carry = 0.0
            next_at = time.monotonic()
            while True:
                carry += per_slice
                n, carry = int(carry), carry - int(carry)
                for c in fleet.clusters:
                    for ns, name in rng.sample(names[c.name], min(n, len(names[c.name]))):
                        old = c.state.get(key, ns, name)
                        if old is None:
                            continue
                        cs = dict(old["status"]["containerStatuses"][0])
                        cs["restartCount"] = cs["restartCount"] + 1
                        c.state.update(key, {
                            **old,
                            "metadata": {**old["metadata"],
                                         "annotations": {STAMP: repr(time.time())}},
                            "status": {**old["status"], "containerStatuses": [cs]}})
                        changed[0] += 1
                next_at += 0.1
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            if line == "start" and changer is None:
                changer = asyncio.create_task(change())
            elif line == "stop" and changer is not None:
                changer.cancel()
                await asyncio.gather(changer, return_exceptions=True)
                changer = None
            print(json.dumps({"changed": changed[0]}), flush=True)


class FleetProcess:
    def __init__(self, clusters: int, pods: int, rate: float, kubeconfig: Path) -> None:
        self.child = start_child(__file__, str(clusters), str(pods), str(rate),
                                 str(kubeconfig), stdout=subprocess.PIPE, text=True)
        assert self.child.stdout
        line = self.child.stdout.readline()
        if not line:
            raise SystemExit(f"sandbox fleet exited with {self.child.wait()}")
        self.names: list[str] = json.loads(line)["names"]
        self.pods = pods

    def command(self, word: str) -> int:
        assert self.child.stdin and self.child.stdout
        self.child.stdin.write(word + "\n")
        self.child.stdin.flush()
        return int(json.loads(self.child.stdout.readline())["changed"])

    def close(self) -> None:
        stop_child(self.child, timeout=30)


# ---- measuring ---------------------------------------------------------------------------------


def rss_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (/proc/<pid>/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# (delta, wall-clock time it was received) -> None, or an awaitable (a view's hook can wait
# for the frame that shows the delta and measure key/change -> paint there)
OnDelta = Callable[[Any, float], Any]


def count_rows(rows: dict[str, dict[str, Any]]) -> OnDelta:
    """The default hook: keep the rows as a view would (key -> row), nothing painted."""
    def on_delta(delta: Any, _received: float) -> None:
        mine = rows.setdefault(delta.cluster, {})
        if delta.reset:
            mine.clear()
        for row in delta.upserts:
            mine[row.key] = row
        for key in delta.deleted:
            mine.pop(key, None)
    return on_delta


async def bench_ccseone(fleet: FleetProcess, work: Path, seconds: float,
                        on_delta: OnDelta | None = None) -> dict[str, Any]:
    from ccseone_tui.config import Settings
    from ccseone_tui.services import open_services

    settings = Settings(data_dir=work / "data", kubeconfig=str(work / "kubeconfig"))
    s = await open_services(settings, user="bench")
    rows: dict[str, dict[str, Any]] = {}
    hook = on_delta or count_rows(rows)
    out: dict[str, Any] = {}
    try:
        await associate_all(s, fleet.names)
        t0 = time.perf_counter()
        list_cpu0 = time.process_time()
        deltas = s.resources.watch("pods", "bench")
        listed: set[str] = set()
        lags: list[float] = []
        n_deltas = n_rows = 0
        errors = 0
        window_start = 0.0
        cpu0 = 0.0
        try:
            async for delta in deltas:
                received = time.time()
                painted = hook(delta, received)
                if inspect.isawaitable(painted):
                    await painted
                if delta.error:
                    errors += 1
                if delta.reset and delta.cluster not in listed:
                    listed.add(delta.cluster)
                    if len(listed) == len(fleet.names):
                        out["first_list_s"] = time.perf_counter() - t0
                        out["first_list_cpu_s"] = time.process_time() - list_cpu0
                        out["rss_listed_mb"] = rss_mb()
                        await asyncio.get_running_loop().run_in_executor(
                            None, fleet.command, "start")
                        window_start = time.perf_counter()
                        cpu0 = time.process_time()
                    continue
                if not window_start:
                    continue
                n_deltas += 1
                for row in delta.upserts:
                    stamp = (row.meta.get("annotations") or {}).get(STAMP)
                    if stamp:
                        lags.append(received - float(stamp))
                        n_rows += 1
                if time.perf_counter() - window_start >= seconds:
                    # stopped before closing: "made" is what the window saw being made
                    out["changed"] = await asyncio.get_running_loop().run_in_executor(
                        None, fleet.command, "stop")
                    break
        finally:
            await deltas.aclose()  # type: ignore[attr-defined]
        window = time.perf_counter() - window_start
        out.update(
            window_s=window, cpu_cores=(time.process_time() - cpu0) / window,
            rss_mb=rss_mb(), lags=lags, deltas_per_s=n_deltas / window,
            rows_per_s=n_rows / window, errors=errors,
            rows_held=sum(len(r) for r in rows.values()))
    finally:
        await s.close()
    return out


async def bench_tui(fleet: FleetProcess, work: Path, seconds: float,
                    key_every: float = 0.2) -> dict[str, Any]:
    """The Fleet view itself (``CcseoneApp`` headless, its own watch worker and batches) on
    the same fleet while the same changes stream in: cursor keys pressed every ~``key_every``
    s, key -> the frame with the cursor moved; change written on a cluster -> the first frame
    after the view applied that row to its table (the row is painted there if on screen)."""
    from _paint import Frames

    from ccseone_tui.config import Settings
    from ccseone_tui.services import open_services
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.sections import section
    from ccseone_tui.ui.views.fleet import FleetView

    settings = Settings(data_dir=work / "data-tui", kubeconfig=str(work / "kubeconfig"))
    s = await open_services(settings, user="bench")
    out: dict[str, Any] = {}
    try:
        await associate_all(s, fleet.names)
        app = CcseoneApp(s, live_probes=False)
        async with app.run_test(size=TUI_SIZE) as pilot:
            await app.workers.wait_for_complete()
            t0 = time.perf_counter()
            await pilot.press(section("fleet").key)
            view = app.main.query_one(FleetView)
            expected = len(fleet.names) * fleet.pods
            while not (view.state.started and not view.state.waiting
                       and view.table.row_count >= expected):
                await pilot.pause(0.05)
            out["first_list_s"] = time.perf_counter() - t0
            out["rows"] = view.table.row_count
            applied: list[float] = []  # stamps of rows applied to the table, not yet painted
            lags: list[float] = []
            measuring = [False]

            def every(now: float) -> None:
                if applied:
                    lags.extend(now - stamp for stamp in applied)
                    applied.clear()

            frames = Frames(app, every)
            flush = view._flush

            def noting_flush() -> None:  # the view's batch: note what it applies
                stamps = [float(stamp) for delta in view._inbox for row in delta.upserts
                          if (stamp := (row.meta.get("annotations") or {}).get(STAMP))]
                updates = view.table_updates
                flush()
                if measuring[0]:
                    applied.extend(stamps)
                    out["batches"] = out.get("batches", 0) + (view.table_updates > updates)

            view._flush = noting_flush  # type: ignore[method-assign]
            table = view.table
            table.focus()
            warm0 = time.perf_counter()
            while table._warming:  # the search index builds in slices after the first paint
                await pilot.pause(0.01)
            out["warm_s"] = time.perf_counter() - warm0
            await pilot.pause()
            loop = asyncio.get_running_loop()
            before = await loop.run_in_executor(None, fleet.command, "start")
            measuring[0] = True
            window_start = time.perf_counter()
            cpu0 = time.process_time()
            keys: list[float] = []
            rng = random.Random(7)
            while time.perf_counter() - window_start < seconds:
                key = "down" if len(keys) % 2 == 0 else "up"
                target = table.cursor_row + (1 if key == "down" else -1)
                frames.arm(lambda target=target: table.cursor_row == target)
                k0 = time.perf_counter()
                await pilot.press(key)
                keys.append(await frames.hit() - k0)
                # not in step with the view's batch timer
                await asyncio.sleep(key_every * (0.5 + rng.random()))
            measuring[0] = False
            window = time.perf_counter() - window_start
            out["changed"] = await loop.run_in_executor(None, fleet.command, "stop") - before
            frames.close()
            out.update(window_s=window, cpu_cores=(time.process_time() - cpu0) / window,
                       rss_mb=rss_mb(), keys=keys, lags=lags,
                       batches_per_s=out.get("batches", 0) / window)
            view.leave()
    finally:
        await s.close()
    return out


def bench_kubectl(fleet: FleetProcess, work: Path, seconds: float) -> dict[str, Any]:
    kubectl = shutil.which("kubectl") or "/usr/bin/kubectl"
    env = {**os.environ, "KUBECONFIG": str(work / "kubeconfig"), "HOME": str(work)}
    procs = [subprocess.Popen([kubectl, "--context", name, "get", "pods", "-A", "-w"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for name in fleet.names]
    try:
        # listed: every kubectl has printed its list when its CPU stops climbing fast;
        # a fixed settle keeps it simple (kubectl offers no signal)
        time.sleep(max(3.0, len(procs) * 0.05))
        cpu0 = sum(cpu_seconds(p.pid) for p in procs)
        fleet.command("start")
        t0 = time.perf_counter()
        time.sleep(seconds)
        window = time.perf_counter() - t0
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        rss = [rss_mb(p.pid) for p in procs]
        fleet.command("stop")
        alive = sum(1 for p in procs if p.poll() is None)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return {"window_s": window, "cpu_cores": cpu / window, "rss_mb": sum(rss),
            "rss_each_mb": statistics.median(rss) if rss else 0.0, "alive": alive}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                          Path(sys.argv[5])))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--pods", type=int, default=1000, help="pods per cluster")
    ap.add_argument("--seconds", type=float, default=30.0, help="measured window")
    ap.add_argument("--change-rate", type=float, default=0.01,
                    help="share of each cluster's pods changed per second")
    ap.add_argument("--no-kubectl", action="store_true")
    ap.add_argument("--no-tui", action="store_true", help="skip the Fleet view part")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccseone-fleet-live-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        fleet = FleetProcess(opts.clusters, opts.pods, opts.change_rate, work / "kubeconfig")
        started = time.perf_counter() - t0
        try:
            ours = asyncio.run(bench_ccseone(fleet, work, opts.seconds))
            tui = None if opts.no_tui else asyncio.run(bench_tui(fleet, work, opts.seconds))
            theirs = None if opts.no_kubectl else bench_kubectl(fleet, work, opts.seconds)
        finally:
            fleet.close()
    changes = opts.clusters * opts.pods * opts.change_rate
    print(f"{opts.clusters} sandbox clusters x {opts.pods} pods, {changes:g} pod changes/s "
          f"({opts.change_rate:.1%}/s), {opts.seconds:g} s window, fleet up in {started:.1f} s, "
          f"load average {os.getloadavg()[0]:.2f}")
    lags = [x * 1000 for x in ours["lags"]]
    print(f"ccseone watch: every cluster listed in {ours['first_list_s']:.2f} s "
          f"({ours['first_list_cpu_s']:.2f} s CPU here, the rest is the sandbox); "
          f"{len(lags)} changes seen of {ours['changed']} made "
          f"({ours['rows_per_s']:.0f} rows/s in {ours['deltas_per_s']:.0f} deltas/s), "
          f"{ours['rows_held']} rows held, {ours['errors']} error deltas")
    print(f"  update lag (change -> delta) p50 {pct(lags, 0.5):.0f} ms  "
          f"p99 {pct(lags, 0.99):.0f} ms  max {max(lags, default=float('nan')):.0f} ms  "
          f"(target p99 < 1000 ms)")
    print(f"  CPU {ours['cpu_cores']:.1%} of a core  RSS {ours['rss_mb']:.0f} MB "
          f"(after the first list {ours['rss_listed_mb']:.0f} MB)")
    if tui is not None:
        keys = [x * 1000 for x in tui["keys"]]
        tlags = [x * 1000 for x in tui["lags"]]
        p99 = pct(keys, 0.99)
        print(f"Fleet view (CcseoneApp headless {TUI_SIZE[0]}x{TUI_SIZE[1]}, its own watch): "
              f"{tui['rows']:,} rows listed and painted in {tui['first_list_s']:.2f} s "
              f"(search index warm {tui['warm_s']:.2f} s later); "
              f"{len(tlags)} changes painted of {tui['changed']} made, "
              f"{tui['batches_per_s']:.1f} table updates/s")
        print(f"  key -> paint ({len(keys)} cursor keys) p50 {pct(keys, 0.5):.0f} ms  "
              f"p99 {p99:.0f} ms  max {max(keys, default=float('nan')):.0f} ms  "
              f"-> {'meets' if p99 < 100 else 'MISSES'} p99 < 100 ms (p99/target "
              f"{p99 / 100:.2f})")
        lp99 = pct(tlags, 0.99)
        print(f"  update lag (change -> row painted) p50 {pct(tlags, 0.5):.0f} ms  "
              f"p99 {lp99:.0f} ms  max {max(tlags, default=float('nan')):.0f} ms  "
              f"-> {'meets' if lp99 < 1000 else 'MISSES'} p99 < 1000 ms")
        print(f"  CPU {tui['cpu_cores']:.1%} of a core  RSS {tui['rss_mb']:.0f} MB "
              f"(services + app + {tui['rows']:,} rows)")
    if theirs is not None:
        print(f"kubectl get pods -A -w x {opts.clusters}: CPU {theirs['cpu_cores']:.1%} of a core  "
              f"RSS {theirs['rss_mb']:.0f} MB total ({theirs['rss_each_mb']:.0f} MB each), "
              f"{theirs['alive']}/{opts.clusters} still watching")
        if theirs["cpu_cores"] > 0 and theirs["rss_mb"] > 0:
            print(f"ratio ccseone / kubectl: CPU {ours['cpu_cores'] / theirs['cpu_cores']:.2f} x"
                  f"  RSS {ours['rss_mb'] / theirs['rss_mb']:.2f} x")


if __name__ == "__main__":
    main()

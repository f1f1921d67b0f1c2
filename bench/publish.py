"""Publish a 5-object chart to 50 sandbox clusters: wall time vs. the slowest cluster alone.

    /work/venv/bin/python bench/publish.py [--clusters 50] [--runs 3]

A sandbox fleet of ``--clusters`` clusters (nodes=1, no system workloads, latencies spread
20-200 ms per request) plus its chart repository runs in a child process, so it never shares
the CPU or the event loop of what is measured. The clusters are associated to an instance of
a real ``Services`` (SQLite in a temp dir), namespace ``bench`` exists on each, and the
template is the sandbox chart ``webapp`` 1.0.0 from the chart repository (5 objects:
2 ConfigMaps, Role, Service, Deployment).

One warm-up ``dry_run`` on every target first (connections and discovery, as a user who just
opened the publish form has). Then, per run:
* publish a fresh app to the slowest cluster alone (the reference: its latency x its round
  trips: namespace check, dry run, apply, prune listing);
* publish another fresh app to all clusters at once (mode full);
and the ratio wall / slowest, against the target wall <= 1.5 x slowest + 1 s. Finally an
upgrade 1.0.0 -> 1.1.0 of the fleet-wide app (render, dry run, apply, prune of the dropped
ConfigMap) is timed the same way. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.apps import AppTarget, PublishRequest  # noqa: E402
from ccseone_tui.domain.models import TaskStatus  # noqa: E402
from ccseone_tui.services import AssociateRequest, Services, open_services  # noqa: E402

NS = "bench"


def latencies(n: int) -> list[float]:
    return [20.0 + 180.0 * i / max(1, n - 1) for i in range(n)]


# ---- child: the fleet ------------------------------------------------------------------------


async def serve(clusters: int) -> None:
    from ccseone_tui.kube import ClusterRef, KubePool
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=1, log_rate=0.0,
                            system_workloads=False) as fleet:
        path = str(fleet.kubeconfig_path)
        async with KubePool(Settings(read_timeout=60)) as pool:
            for c in fleet.clusters:
                client = await pool.client(ClusterRef(c.name, path, c.name))
                await client.apply({"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": NS}}, field_manager="bench")
        print(json.dumps({"kubeconfig": path, "names": [c.name for c in fleet.clusters],
                          "charts": fleet.chart_repo_url}), flush=True)
        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            if line == "go":  # associated: now slow every cluster down
                for c, latency in zip(fleet.clusters, latencies(clusters), strict=True):
                    c.faults.latency_ms = latency
                print("applied", flush=True)


# ---- parent: the measurements ------------------------------------------------------------------


async def timed(coro: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await coro
    return time.perf_counter() - t0, result


def check(task: Any, what: str) -> None:
    if task.status is not TaskStatus.SUCCEEDED:
        failed = [f"{r.target}: {r.message}" for r in task.results
                  if r.status is not TaskStatus.SUCCEEDED][:3]
        raise SystemExit(f"{what} did not succeed: {task.status.value} {failed}")


async def run(info: dict[str, Any], child: subprocess.Popen[str], runs: int, tmp: Path) -> None:
    names: list[str] = info["names"]
    s: Services = await open_services(Settings(data_dir=tmp / "data",
                                               kubeconfig=info["kubeconfig"]), user="bench")
    try:
        await s.instances.create("bench", "cn-east-1")
        await s.clusters.associate("bench", [AssociateRequest(context=n) for n in names])
        await s.templates.add("webapp", "chart", {"repo": info["charts"], "chart": "webapp"})
        assert child.stdin and child.stdout
        child.stdin.write("go\n")
        child.stdin.flush()
        await asyncio.get_running_loop().run_in_executor(None, child.stdout.readline)

        targets = [AppTarget(n, NS) for n in names]
        slowest = [targets[-1]]
        lat = latencies(len(names))
        print(f"fleet: {len(names)} sandbox clusters, latencies {lat[0]:.0f}-{lat[-1]:.0f} ms "
              f"per request, chart webapp 1.0.0 (5 objects), child process")
        took, _ = await timed(s.apps.dry_run("bench", PublishRequest(
            "warm", "webapp", "1.0.0", targets=targets)))
        print(f"warm-up dry run on every target: {took:.2f}s")

        solo_times, wall_times = [], []
        for i in range(runs):
            solo, task = await timed(s.apps.publish("bench", PublishRequest(
                f"solo-{i}", "webapp", "1.0.0", targets=slowest)))
            check(task, "solo publish")
            wall, task = await timed(s.apps.publish("bench", PublishRequest(
                f"fleet-{i}", "webapp", "1.0.0", targets=targets)))
            check(task, "fleet publish")
            solo_times.append(solo)
            wall_times.append(wall)
            target = 1.5 * solo + 1.0
            print(f"run {i + 1}: publish to {len(names)} clusters {wall:.2f}s | slowest alone "
                  f"{solo:.2f}s (~{solo / (lat[-1] / 1000):.0f} round trips at "
                  f"{lat[-1]:.0f} ms) | ratio {wall / solo:.2f}x | target <= {target:.2f}s "
                  f"{'OK' if wall <= target else 'MISSED'}")
        solo, wall = statistics.median(solo_times), statistics.median(wall_times)
        print(f"median: wall {wall:.2f}s vs slowest {solo:.2f}s = {wall / solo:.2f}x "
              f"(target <= 1.5x + 1 s = {1.5 * solo + 1:.2f}s)")

        solo, task = await timed(s.apps.upgrade("bench", "solo-0", version="1.1.0"))
        check(task, "solo upgrade")
        wall, task = await timed(s.apps.upgrade("bench", "fleet-0", version="1.1.0"))
        check(task, "fleet upgrade")
        print(f"upgrade 1.0.0 -> 1.1.0 (render, dry run, apply, prune): {len(names)} clusters "
              f"{wall:.2f}s | slowest alone {solo:.2f}s | ratio {wall / solo:.2f}x | target "
              f"<= {1.5 * solo + 1:.2f}s {'OK' if wall <= 1.5 * solo + 1 else 'MISSED'}")
    finally:
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve(args.clusters))
        return
    cmd = [sys.executable, __file__, "--serve", "--clusters", str(args.clusters)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert child.stdout
        line = child.stdout.readline()
        if not line:
            raise SystemExit(f"sandbox fleet exited with {child.wait()}")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(json.loads(line), child, args.runs, Path(tmp)))
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    main()

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
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import FleetChild, failures, latencies, serve, timed  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.apps import AppTarget, PublishRequest  # noqa: E402
from ccseone_tui.domain.models import TaskStatus  # noqa: E402
from ccseone_tui.services import AssociateRequest, Services, open_services  # noqa: E402

NS = "bench"


# ---- child: the fleet ------------------------------------------------------------------------


async def serve_fleet(clusters: int) -> None:
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
        await serve(fleet, charts=fleet.chart_repo_url)


# ---- parent: the measurements ------------------------------------------------------------------


def check(task: Any, what: str) -> None:
    if task.status is not TaskStatus.SUCCEEDED:
        raise SystemExit(f"{what} did not succeed: {task.status.value} {failures(task)[:3]}")


async def run(fleet: FleetChild, runs: int, tmp: Path) -> None:
    info = fleet.info
    names: list[str] = info["names"]
    s: Services = await open_services(Settings(data_dir=tmp / "data",
                                               kubeconfig=info["kubeconfig"]), user="bench")
    try:
        await s.instances.create("bench", "cn-east-1")
        await s.clusters.associate("bench", [AssociateRequest(context=n) for n in names])
        await s.templates.add("webapp", "chart", {"repo": info["charts"], "chart": "webapp"})
        await fleet.slow_down()

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
        asyncio.run(serve_fleet(args.clusters))
        return
    with (FleetChild(__file__, "--clusters", str(args.clusters)) as fleet,
          tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp):
        asyncio.run(run(fleet, args.runs, Path(tmp)))


if __name__ == "__main__":
    main()

"""Fleet namespaces at fleet scale: one namespace with a quota across 100 clusters.

    /work/venv/bin/python bench/namespaces.py [--clusters 100] [--runs 3]

A sandbox fleet of ``--clusters`` clusters (nodes=1, no system workloads) runs in a child
process, so it never shares the CPU or the event loop of what is measured. They are
associated (at 0 ms latency) to an instance of a real ``Services`` (SQLite in a temp dir);
then every cluster gets its latency, spread 20-200 ms, the last one the slowest.

Each run creates one namespace with a CPU and memory limit on every cluster through
``services.namespaces.create`` (a task: per cluster GET Namespace, apply Namespace, apply
ResourceQuota, sync state and result written to SQLite), and the same create on the
slowest cluster alone (a selector that picks only it): the reference. Printed: wall time
of the fleet-wide create, the slowest cluster alone, the ratio and the target
``wall <= 1.5 x slowest + 0.5 s`` (medians over the runs), per-cluster failures, and the
live ``check`` and ``delete`` of the namespace across the fleet. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import FleetChild, associate_all, failures, serve, timed  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.namespaces import NamespaceSpec  # noqa: E402
from ccseone_tui.services import Services, open_services  # noqa: E402

# ---- child: the fleet ------------------------------------------------------------------------


async def serve_fleet(clusters: int) -> None:
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=1, log_rate=0.0,
                            system_workloads=False) as fleet:
        await serve(fleet)


# ---- parent ----------------------------------------------------------------------------------


async def measure(s: Services, names: list[str], runs: int) -> None:
    slowest = names[-1]
    await s.clusters.edit(slowest, labels={"bench": "slowest"})
    walls, alone, failed = [], [], 0
    per_target: list[float] = []
    for run in range(runs):
        wall, task = await timed(s.namespaces.create("bench", NamespaceSpec(
            name=f"fleet-{run}", priority=run, cpu_limit="2", memory_limit="4Gi")))
        walls.append(wall)
        bad = failures(task)
        failed += len(bad)
        for line in bad[:5]:
            print(f"   failed: {line}")
        per_target.extend((r.finished_at or 0) - (r.started_at or 0) for r in task.results
                          if r.target == slowest)
        solo, task1 = await timed(s.namespaces.create("bench", NamespaceSpec(
            name=f"solo-{run}", selector={"bench": "slowest"}, cpu_limit="2",
            memory_limit="4Gi")))
        assert [r.target for r in task1.results] == [slowest], task1.results
        alone.append(solo)
        print(f"run {run + 1}: fleet {wall:6.3f} s ({len(task.results)} clusters, "
              f"{len(bad)} failed), slowest alone {solo:6.3f} s")
    wall, ref = statistics.median(walls), statistics.median(alone)
    target = 1.5 * ref + 0.5
    print(f"\ncreate one namespace + quota on {len(names)} clusters (median of {runs}):")
    print(f"   wall                       {wall:6.3f} s")
    print(f"   slowest cluster alone      {ref:6.3f} s   (3 sequential calls at 200 ms)")
    print(f"   slowest cluster in the run {statistics.median(per_target):6.3f} s")
    print(f"   ratio wall / slowest       {wall / ref:6.2f}")
    print(f"   target 1.5 x slowest + 0.5 {target:6.3f} s   -> "
          f"{'met' if wall <= target else 'MISSED'}")
    print(f"   per-cluster failures       {failed}")

    took, status = await timed(s.namespaces.check("bench", "fleet-0"))
    print(f"\ncheck (live, every cluster): {took:6.3f} s, {status.summary} synced")
    took, rows = await timed(s.namespaces.list_status("bench"))
    print(f"list_status (cache, {len(rows)} namespaces): {took * 1000:6.1f} ms")
    took, task = await timed(s.namespaces.delete("bench", "fleet-0"))
    print(f"delete on every cluster: {took:6.3f} s, {len(failures(task))} failed")


async def run(fleet: FleetChild, runs: int, tmp: Path) -> None:
    names: list[str] = fleet.info["names"]
    settings = Settings(data_dir=tmp / "data", kubeconfig=fleet.info["kubeconfig"],
                        read_timeout=30.0)
    s = await open_services(settings, user="bench")
    try:
        took = await associate_all(s, names)
        print(f"associated {len(names)} clusters in {took:.1f}s (at 0 ms latency)")
        await fleet.slow_down()
        await measure(s, names, runs)
    finally:
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_fleet(args.clusters))
        return
    t0 = time.monotonic()
    with FleetChild(__file__, "--clusters", str(args.clusters)) as fleet:
        print(f"fleet: {args.clusters} sandbox clusters (nodes=1, latencies 20-200 ms), "
              f"up in {time.monotonic() - t0:.1f}s, in a child process")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(fleet, args.runs, Path(tmp)))


if __name__ == "__main__":
    main()

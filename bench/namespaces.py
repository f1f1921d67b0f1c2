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
from ccseone_tui.domain.models import TaskStatus  # noqa: E402
from ccseone_tui.domain.namespaces import NamespaceSpec  # noqa: E402
from ccseone_tui.services import AssociateRequest, Services, open_services  # noqa: E402


def latencies(n: int) -> list[float]:
    return [20.0 + 180.0 * i / max(1, n - 1) for i in range(n)]


# ---- child: the fleet ------------------------------------------------------------------------


async def serve(clusters: int) -> None:
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=1, log_rate=0.0,
                            system_workloads=False) as fleet:
        print(json.dumps({"kubeconfig": str(fleet.kubeconfig_path),
                          "names": [c.name for c in fleet.clusters]}), flush=True)
        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            if line == "go":  # associated: now slow them down
                for c, latency in zip(fleet.clusters, latencies(clusters), strict=True):
                    c.faults.latency_ms = latency
                print("applied", flush=True)


# ---- parent ----------------------------------------------------------------------------------


async def associate_all(s: Services, names: list[str]) -> float:
    await s.instances.create("bench", "cn-east-1")
    t0 = time.perf_counter()
    chunk = 20  # associate checks each cluster in turn: run a few calls side by side
    for i in range(0, len(names), chunk):
        results = await asyncio.gather(*(
            s.clusters.associate("bench", [AssociateRequest(context=n, deletion_protection=False)])
            for n in names[i:i + chunk]))
        bad = [r for rs in results for r in rs if isinstance(r, Exception)]
        if bad:
            raise SystemExit(f"associate failed: {bad[:3]}")
    return time.perf_counter() - t0


def failures(task: Any) -> list[str]:
    return [f"{r.target}: {r.message}" for r in task.results
            if r.status is not TaskStatus.SUCCEEDED]


async def timed_create(s: Services, spec: NamespaceSpec) -> tuple[float, Any]:
    t0 = time.perf_counter()
    task = await s.namespaces.create("bench", spec)
    return time.perf_counter() - t0, task


async def measure(s: Services, names: list[str], runs: int) -> None:
    slowest = names[-1]
    await s.clusters.edit(slowest, labels={"bench": "slowest"})
    walls, alone, failed = [], [], 0
    per_target: list[float] = []
    for run in range(runs):
        wall, task = await timed_create(s, NamespaceSpec(
            name=f"fleet-{run}", priority=run, cpu_limit="2", memory_limit="4Gi"))
        walls.append(wall)
        bad = failures(task)
        failed += len(bad)
        for line in bad[:5]:
            print(f"   failed: {line}")
        per_target.extend((r.finished_at or 0) - (r.started_at or 0) for r in task.results
                          if r.target == slowest)
        solo, task1 = await timed_create(s, NamespaceSpec(
            name=f"solo-{run}", selector={"bench": "slowest"}, cpu_limit="2",
            memory_limit="4Gi"))
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

    t0 = time.perf_counter()
    status = await s.namespaces.check("bench", "fleet-0")
    print(f"\ncheck (live, every cluster): {time.perf_counter() - t0:6.3f} s, "
          f"{status.summary} synced")
    t0 = time.perf_counter()
    rows = await s.namespaces.list_status("bench")
    print(f"list_status (cache, {len(rows)} namespaces): "
          f"{(time.perf_counter() - t0) * 1000:6.1f} ms")
    t0 = time.perf_counter()
    task = await s.namespaces.delete("bench", "fleet-0")
    print(f"delete on every cluster: {time.perf_counter() - t0:6.3f} s, "
          f"{len(failures(task))} failed")


async def run(info: dict[str, Any], child: subprocess.Popen[str], runs: int,
              tmp: Path) -> None:
    names: list[str] = info["names"]
    settings = Settings(data_dir=tmp / "data", kubeconfig=info["kubeconfig"],
                        read_timeout=30.0)
    s = await open_services(settings, user="bench")
    try:
        took = await associate_all(s, names)
        print(f"associated {len(names)} clusters in {took:.1f}s (at 0 ms latency)")
        assert child.stdin and child.stdout
        child.stdin.write("go\n")
        child.stdin.flush()
        await asyncio.get_running_loop().run_in_executor(None, child.stdout.readline)
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
        asyncio.run(serve(args.clusters))
        return
    cmd = [sys.executable, __file__, "--serve", "--clusters", str(args.clusters)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.monotonic()
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert child.stdout
        line = child.stdout.readline()
        if not line:
            raise SystemExit(f"sandbox fleet exited with {child.wait()}")
        info = json.loads(line)
        print(f"fleet: {args.clusters} sandbox clusters (nodes=1, latencies 20-200 ms), "
              f"up in {time.monotonic() - t0:.1f}s, in a child process")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(info, child, args.runs, Path(tmp)))
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    main()

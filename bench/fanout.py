"""Fan-out benchmark: list 200 pods on each of 100 sandbox clusters through KubePool.fan_out.

    python bench/fanout.py [--clusters 100] [--pods 200] [--runs 5]

The sandbox fleet runs in a child process (its own CPU), latencies spread 20-200 ms and one
cluster at 500 ms; each cluster gets a Deployment of ``--pods`` replicas. The parent lists
pods on every cluster through ``KubePool.fan_out`` several times and prints the wall time,
the slowest cluster's own time and the ratio against the target
``wall <= 1.2 x slowest + 0.5 s`` (median of the runs). It then parses one 200-pod list as
raw JSON and through the v37 typed models (``ApiClient.deserialize(..., "V1PodList")``) to
show why the adapter reads raw JSON. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import serve_ready, start_child, stop_child, wait_ready  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.kube import ClusterClient, ClusterRef, KubePool, list_contexts  # noqa: E402


def latencies(n: int) -> list[float]:
    if n == 1:
        return [500.0]
    spread = [20.0 + 180.0 * i / max(1, n - 2) for i in range(n - 1)]
    return [*spread, 500.0]


# ---- child: the fleet ----------------------------------------------------------------------


async def serve(workdir: Path, clusters: int, pods: int) -> None:
    from ccseone_tui.sandbox import SandboxFleet

    lat = latencies(clusters)
    async with SandboxFleet(
        clusters=clusters, latencies_ms=lat, nodes=3, log_rate=0.0, system_workloads=False
    ) as fleet:
        for c in fleet.clusters:  # seed fast, then restore the latencies
            c.faults.latency_ms = 0.0
        refs = _refs(str(fleet.kubeconfig_path), fleet)
        deploy = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "bench", "namespace": "default"},
            "spec": {
                "replicas": pods,
                "selector": {"matchLabels": {"app": "bench"}},
                "template": {
                    "metadata": {"labels": {"app": "bench", "tier": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "web",
                                "image": "nginx:1.27",
                                "ports": [{"containerPort": 80}],
                                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                            }
                        ]
                    },
                },
            },
        }
        t0 = time.monotonic()
        async with KubePool(Settings(read_timeout=60)) as pool:
            results = await pool.fan_out(refs, lambda c: c.apply(deploy))
            errors = {k: v for k, v in results.items() if isinstance(v, BaseException)}
            if errors:
                raise SystemExit(f"seeding failed: {errors}")
        while not all(c.state.count(("", "pods")) >= pods for c in fleet.clusters):  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await fleet.settle()
        for c, ms in zip(fleet.clusters, lat, strict=True):
            c.faults.latency_ms = ms
        seed_s = time.monotonic() - t0
        # One process stands in for 100 API servers: keep its collector from scanning the
        # 20 000 seeded pods (a stall there would delay every cluster at once).
        gc.collect()
        gc.freeze()
        await serve_ready(workdir, {"kubeconfig": str(fleet.kubeconfig_path), "seed_s": seed_s})


def _refs(kubeconfig: str, fleet=None) -> list[ClusterRef]:
    contexts = list_contexts([kubeconfig])
    return [ClusterRef(name=c.name, kubeconfig=kubeconfig, context=c.name) for c in contexts]


# ---- parent: the measurements -------------------------------------------------------------


async def measure(kubeconfig: str, runs: int, settings: Settings) -> dict:
    refs = _refs(kubeconfig)
    per_cluster: dict[str, float] = {}

    async def list_pods(c: ClusterClient) -> int:
        t0 = time.perf_counter()
        result = await c.list("v1", "Pod", namespace="default")
        per_cluster[c.name] = time.perf_counter() - t0
        return len(result["items"])

    async with KubePool(settings) as pool:
        warm = await pool.fan_out(refs, lambda c: c.discover())  # connect + discovery
        bad = {k: v for k, v in warm.items() if isinstance(v, BaseException)}
        if bad:
            raise SystemExit(f"warm-up failed: {bad}")
        # The slowest cluster on its own (nothing else in flight): the floor for the wall time.
        slow_ref = refs[-1]
        alone = []
        for _ in range(3):
            t0 = time.perf_counter()
            await (await pool.client(slow_ref)).list("v1", "Pod", namespace="default")
            alone.append(time.perf_counter() - t0)
        rows = []
        for _ in range(runs):
            per_cluster.clear()
            t0 = time.perf_counter()
            results = await pool.fan_out(refs, list_pods)
            wall = time.perf_counter() - t0
            failed = [k for k, v in results.items() if isinstance(v, BaseException)]
            counts = {v for v in results.values() if isinstance(v, int)}
            slowest = max(per_cluster.values())
            rows.append(
                {"wall": wall, "slowest": slowest, "failed": len(failed), "counts": sorted(counts)}
            )
        sample = await (await pool.client(refs[0])).request(
            "GET", "/api/v1/namespaces/default/pods"
        )
    return {"rows": rows, "clusters": len(refs), "sample": sample, "alone": min(alone)}


def parse_compare(sample: dict, repeat: int = 7) -> tuple[float, float, int]:
    """Seconds per parse of one pod list (best of ``repeat``): raw json.loads vs typed
    V1PodList models through the v37 ``ApiClient.deserialize``."""
    from kubernetes.aio.client import ApiClient

    text = json.dumps(sample)
    api = ApiClient()
    typed = api.deserialize(text, "V1PodList", "application/json")  # warm the model imports
    assert len(typed.items) == len(sample["items"])

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    raw = best(lambda: json.loads(text))
    model = best(lambda: api.deserialize(text, "V1PodList", "application/json"))
    return raw, model, len(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--pods", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve), args.clusters, args.pods))
        return

    with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
        t0 = time.monotonic()
        child = start_child(__file__, tmp, "--clusters", str(args.clusters),
                            "--pods", str(args.pods))
        try:
            info = wait_ready(child, Path(tmp))
            print(
                f"fleet: {args.clusters} clusters x {args.pods} pods, latencies 20-200 ms + "
                f"one at 500 ms; up and seeded in {time.monotonic() - t0:.1f}s "
                f"(seeding {info['seed_s']:.1f}s), sandbox in a child process"
            )
            for label, settings in (
                ("default settings (concurrency=64, per cluster 8)", Settings(read_timeout=30)),
                ("concurrency=128", Settings(concurrency=128, read_timeout=30)),
            ):
                out = asyncio.run(measure(info["kubeconfig"], args.runs, settings))
                report(label, out)
            raw, model, size = parse_compare(out["sample"])
            n = len(out["sample"]["items"])
            print(f"\nparse one {n}-pod list ({size / 1e6:.2f} MB JSON):")
            print(f"  raw json.loads                      {raw * 1000:8.1f} ms")
            print(
                f"  typed ApiClient.deserialize(V1PodList) {model * 1000:6.1f} ms   "
                f"({model / raw:.1f}x slower)"
            )
            print(
                f"  x {args.clusters} clusters: raw {raw * args.clusters:.2f}s vs typed "
                f"{model * args.clusters:.2f}s of event-loop CPU per fleet-wide list"
            )
        finally:
            stop_child(child, timeout=20)


def report(label: str, out: dict) -> None:
    rows = out["rows"]
    alone = out["alone"]
    print(f"\n{label}: fan_out list pods on {out['clusters']} clusters, {len(rows)} runs")
    print(f"  the 500 ms cluster listed alone: {alone:.3f}s")
    print("  slowest = the slowest cluster's own time inside the fan-out (queueing included)")
    print("  run   wall(s)  slowest(s)  target(s)  wall/target  failed  pods/cluster")
    for i, r in enumerate(rows, 1):
        target = 1.2 * r["slowest"] + 0.5
        print(
            f"  {i:>3}  {r['wall']:8.3f}  {r['slowest']:10.3f}  {target:9.3f}  "
            f"{r['wall'] / target:11.2f}  {r['failed']:>6}  {r['counts']}"
        )
    wall = statistics.median(r["wall"] for r in rows)
    slowest = statistics.median(r["slowest"] for r in rows)
    target = 1.2 * slowest + 0.5
    verdict = "meets" if wall <= target else "MISSES"
    print(
        f"  median: wall {wall:.3f}s, slowest cluster {slowest:.3f}s, target {target:.3f}s, "
        f"wall/target {wall / target:.2f} -> {verdict} wall <= 1.2 x slowest + 0.5 s; "
        f"wall/slowest {wall / slowest:.2f}"
    )
    strict = 1.2 * alone + 0.5
    print(
        f"  against the slowest cluster listed alone: target {strict:.3f}s, "
        f"wall/target {wall / strict:.2f} -> {'meets' if wall <= strict else 'MISSES'}; "
        f"wall/alone {wall / alone:.2f}"
    )


if __name__ == "__main__":
    main()

"""Live app-log tail benchmark: sandbox pod logs over HTTP -> services.logs -> the real
Logs section (LogView) of the real app, headless.

    /work/venv/bin/python bench/logs.py [--seconds 20] [--streams 50] [--rates 400 2000]
        [--clusters 5] [--buffer 50000] [--no-gc-freeze]

A child process runs the sandbox fleet (its own CPU: generating 20k-100k lines/s must not
share the app's event loop): ``--clusters`` clusters with an app Deployment whose pods make
``--streams`` containers in all, each writing ``rate`` lines/s. The parent opens the real
services on a temp cache, associates the clusters, records the app and its targets, starts
`CcseoneApp`, goes to Logs (7) and picks the app. Every 0.25 s a ``t`` key is posted as a
terminal would send it; its latency is the time to the first composed frame that shows the
toggle (the probe of bench/logs_widget.py). Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _fleet import serve_ready, start_child, stop_child, wait_ready  # noqa: E402
from logs_widget import Probe, pct, rss_mb  # noqa: E402

LABEL = "app.ccseone.io/name"
SIZE = (160, 45)


def peak_rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return 0.0


# ---- child: the fleet ----------------------------------------------------------------------


def deployment(replicas: int) -> dict[str, Any]:
    labels = {LABEL: "bench"}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "bench", "namespace": "default", "labels": labels},
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}},
    }


async def serve(workdir: Path, clusters: int, streams: int, rate: float) -> None:
    from ccseone_tui.config import Settings
    from ccseone_tui.kube import ClusterRef, KubePool, list_contexts
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=2, log_rate=rate,
                            system_workloads=False) as fleet:
        per = [streams // clusters + (1 if i < streams % clusters else 0)
               for i in range(clusters)]
        refs = [ClusterRef(c.name, str(fleet.kubeconfig_path), c.name)
                for c in list_contexts([str(fleet.kubeconfig_path)])]
        async with KubePool(Settings(read_timeout=30)) as pool:
            for ref, replicas in zip(refs, per, strict=True):
                await (await pool.client(ref)).apply(deployment(replicas))
        await fleet.settle()
        gc.collect()
        gc.freeze()
        await serve_ready(workdir, {"kubeconfig": str(fleet.kubeconfig_path)})


def start_fleet(workdir: Path, args: argparse.Namespace, rate: float) -> tuple[Any, str]:
    child = start_child(__file__, str(workdir), "--clusters", str(args.clusters),
                        "--streams", str(args.streams), "--rates", str(rate))
    return child, wait_ready(child, workdir)["kubeconfig"]


def child_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- parent: the app -----------------------------------------------------------------------


async def measure(kubeconfig: str, workdir: Path, args: argparse.Namespace,
                  child_pid: int) -> dict[str, float]:
    from ccseone_tui.config import Settings
    from ccseone_tui.domain.models import App, Template
    from ccseone_tui.services import AssociateRequest, open_services
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.sections import section
    from ccseone_tui.ui.views.logs import LogsView
    from ccseone_tui.ui.widgets.log_view import LogView

    settings = Settings(data_dir=workdir / "data", kubeconfig=kubeconfig, read_timeout=30,
                        log_buffer_lines=args.buffer, log_max_streams=max(50, args.streams))
    s = await open_services(settings, user="bench")
    try:
        await s.instances.create("bench", "cn-east-1")
        contexts = [c.name for c in await s.clusters.contexts()]
        await s.clusters.associate("bench", [AssociateRequest(context=c) for c in contexts])
        inst = await s.instances.get("bench")
        await s.store.add_template(Template("tpl-bench", "bench", "yaml"))
        await s.store.add_app(App("app-bench", inst.id, "bench", "tpl-bench"))
        members = await s.clusters.list(inst.id)
        await s.store.set_app_targets("app-bench", [(c.id, "default") for c in members])
        app = CcseoneApp(s, live_probes=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(section("logs").key)
            view = app.main.query_one(LogsView)
            while not any(src.kind == "app" for src in view.sources):
                await pilot.pause(0.05)
            log = view.query_one(LogView)
            view.start(next(src for src in view.sources if src.kind == "app"))
            while len(log.buffer.known_sources()) < args.streams:
                await pilot.pause(0.05)
            if not args.no_gc_freeze:
                gc.collect()
                gc.freeze()  # what CcseoneApp does after start-up (see ui/app.py)
            probe = Probe(app, log)
            log.lines.focus()
            await pilot.pause(0.1)
            gc.collect()
            rss0, ingested0, dropped0 = rss_mb(), log.buffer.ingested, log.buffer.dropped
            cpu0, started = child_cpu_s(child_pid), time.perf_counter()
            stop = started + args.seconds
            latencies: list[float] = []
            while time.perf_counter() < stop:
                latencies.append(await probe.key_to_paint())
                await asyncio.sleep(0.25)
            elapsed = time.perf_counter() - started
            out = {
                "streams": float(len(log.buffer.known_sources())),
                "target lines/s": args.streams * args.rate,
                "ingested (rendered) lines/s": (log.buffer.ingested - ingested0) / elapsed,
                "dropped past the buffer": float(log.buffer.dropped - dropped0),
                "buffer lines": float(len(log.buffer)),
                "frames/s": probe.count / elapsed,
                "peak RSS MB": peak_rss_mb(),
                "RSS growth MB": rss_mb() - rss0,
                "key->paint p50 ms": pct(latencies, 0.5) * 1000,
                "key->paint p99 ms": pct(latencies, 0.99) * 1000,
                "key->paint max ms": max(latencies, default=0.0) * 1000,
                "key samples": float(len(latencies)),
                "sandbox child CPU %": (child_cpu_s(child_pid) - cpu0) / elapsed * 100,
            }
            view.leave()
            return out
    finally:
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--streams", type=int, default=50)
    ap.add_argument("--clusters", type=int, default=5)
    ap.add_argument("--rates", type=float, nargs="*", default=[400.0, 2000.0],
                    help="lines/s per stream (400 x 50 = 20k/s, 2000 x 50 = 100k/s)")
    ap.add_argument("--buffer", type=int, default=50_000)
    ap.add_argument("--no-gc-freeze", action="store_true")
    ap.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve), args.clusters, args.streams, args.rates[0]))
        return
    print(f"app logs: {args.streams} streams on {args.clusters} sandbox clusters (child "
          f"process), buffer {args.buffer:,}, {args.seconds:g} s per rate, terminal {SIZE}, "
          f"gc.freeze {'off' if args.no_gc_freeze else 'on'}")
    for rate in args.rates:
        args.rate = rate
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-logs-") as tmp:
            child, kubeconfig = start_fleet(Path(tmp), args, rate)
            try:
                out = asyncio.run(measure(kubeconfig, Path(tmp), args, child.pid))
            finally:
                stop_child(child, timeout=20)
        print(f"\n  {rate:g} lines/s per stream")
        for name, value in out.items():
            print(f"    {name:<32}{value:>14,.1f}")
        ratio = out["ingested (rendered) lines/s"] / (args.streams * rate)
        print(f"    {'ingested / target':<32}{ratio:>14.2f}")


if __name__ == "__main__":
    main()

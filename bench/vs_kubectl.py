"""``ccseone fleet get pods`` vs a ``kubectl get pods -A`` loop over the same contexts.

    /work/venv/bin/python bench/vs_kubectl.py [--clusters 20] [--latency 100] [--runs 3]

A sandbox fleet of ``--clusters`` TLS clusters (each answers after ``--latency`` ms) runs in
a child process, so it never shares the CPU or the event loop of what is measured. The
clusters are associated to an instance through the CLI (the cache is warm, as after any
real use), then, alternating, each run times

* ``ccseone fleet get pods`` — one process, every cluster at once;
* ``for ctx in …; kubectl --context ctx get pods -A; done`` — what a shell loop does.

The child counts, per run, the requests each cluster received and the connections it
accepted (TLS handshakes). Prints medians, requests and handshakes per cluster, and the
ratio (target <= 0.15 x). Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import start_child, stop_child  # noqa: E402

CCSEONE = str(Path(sys.executable).parent / "ccseone")


# ---- child: the fleet ----------------------------------------------------------------------


async def serve(clusters: int, latency: float, kubeconfig: Path) -> None:
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=2, latency_ms=latency, tls=True,
                            log_rate=0.0, kubeconfig_path=kubeconfig) as fleet:
        await fleet.settle()
        print(json.dumps({"names": [c.name for c in fleet.clusters]}), flush=True)
        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            if line == "stats":
                print(json.dumps([[len(c.requests), c.connections] for c in fleet.clusters]),
                      flush=True)


# ---- parent ------------------------------------------------------------------------------


class Fleet:
    def __init__(self, clusters: int, latency: float, kubeconfig: Path) -> None:
        self.child = start_child(__file__, str(clusters), str(latency), str(kubeconfig),
                                 stdout=subprocess.PIPE, text=True)
        assert self.child.stdout
        line = self.child.stdout.readline()
        if not line:
            raise SystemExit(f"sandbox fleet exited with {self.child.wait()}")
        self.names: list[str] = json.loads(line)["names"]

    def stats(self) -> list[list[int]]:
        assert self.child.stdin and self.child.stdout
        self.child.stdin.write("stats\n")
        self.child.stdin.flush()
        counts: list[list[int]] = json.loads(self.child.stdout.readline())
        return counts

    def measure(self, run: Any) -> tuple[float, float, float]:
        """Seconds, requests per cluster, handshakes per cluster of one run."""
        before = self.stats()
        t0 = time.perf_counter()
        run()
        seconds = time.perf_counter() - t0
        after = self.stats()
        n = len(after)
        requests = sum(a[0] - b[0] for a, b in zip(after, before, strict=True)) / n
        handshakes = sum(a[1] - b[1] for a, b in zip(after, before, strict=True)) / n
        return seconds, requests, handshakes

    def close(self) -> None:
        stop_child(self.child, timeout=30)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clusters", type=int, default=20)
    ap.add_argument("--latency", type=float, default=100.0, metavar="MS")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--importtime", action="store_true",
                    help="after the runs, one more `fleet get pods` under -X importtime: "
                         "the packages it spent its import time in")
    opts = ap.parse_args()
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit("kubectl not found")
    with tempfile.TemporaryDirectory(prefix="ccseone-vs-kubectl-") as tmp:
        work = Path(tmp)
        kubeconfig = work / "kubeconfig"
        env = {**os.environ, "CCSEONE_DATA_DIR": str(work / "data"), "HOME": str(work),
               "KUBECONFIG": str(kubeconfig)}
        # bytecode as an installed package has it (see bench/cli_start.py)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ccseone_tui")],
                       check=True)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        base = [CCSEONE, "--config", str(work / "none.toml"), "--kubeconfig", str(kubeconfig)]
        fleet = Fleet(opts.clusters, opts.latency, kubeconfig)
        try:
            def ccseone(*argv: str) -> None:
                subprocess.run([*base, *argv], env=env, check=True, stdout=subprocess.DEVNULL)

            ccseone("instances", "create", "bench", "--region", "cn-east-1")
            ccseone("clusters", "associate", "--instance", "bench",
                    "--no-deletion-protection", *fleet.names)

            def fleet_get() -> None:
                ccseone("fleet", "get", "pods")

            def kubectl_loop() -> None:
                for name in fleet.names:
                    subprocess.run([kubectl, "--context", name, "get", "pods", "-A"],
                                   env=env, check=True, stdout=subprocess.DEVNULL)

            fleet_get()  # the first call after associate (discovery is not needed anyway)
            ours: list[tuple[float, float, float]] = []
            theirs: list[tuple[float, float, float]] = []
            for _ in range(opts.runs):
                ours.append(fleet.measure(fleet_get))
                theirs.append(fleet.measure(kubectl_loop))
            imports = (import_profile([*base, "fleet", "get", "pods"], env)
                       if opts.importtime else [])
        finally:
            fleet.close()
    load = os.getloadavg()[0]

    def show(label: str, runs: list[tuple[float, float, float]]) -> float:
        median = statistics.median(r[0] for r in runs)
        print(f"{label:<34} median {median:6.2f} s  (runs: "
              f"{', '.join(f'{r[0]:.2f}' for r in runs)})  requests/cluster "
              f"{runs[-1][1]:.1f}  TLS handshakes/cluster {runs[-1][2]:.1f}")
        return median

    print(f"{opts.clusters} TLS sandbox clusters, {opts.latency:g} ms per request, "
          f"{opts.runs} alternating runs, load average {load:.2f}")
    a = show("ccseone fleet get pods", ours)
    b = show("kubectl get pods -A (loop)", theirs)
    print(f"ratio ccseone / kubectl loop: {a / b:.3f} x  (target <= 0.15 x)")
    if imports:
        total = sum(us for _, us in imports)
        print(f"imports of one `fleet get pods`: {total / 1000:.0f} ms in all; by top package:")
        for name, us in imports[:12]:
            print(f"  {name:<28} {us / 1000:7.1f} ms")


def import_profile(argv: list[str], env: dict[str, str]) -> list[tuple[str, int]]:
    """Self import time (us) per top-level package of one run, largest first, from
    ``-X importtime`` (PYTHONPROFILEIMPORTTIME): where a cold start goes."""
    done = subprocess.run(argv, env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, check=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    totals: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line[12:].split("|", 2))
        top = name.strip().split(".")[0]
        totals[top] = totals.get(top, 0) + int(self_us)
    return sorted(totals.items(), key=lambda item: -item[1])


if __name__ == "__main__":
    main()

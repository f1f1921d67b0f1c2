"""Start-up benchmark: process start to first painted frame, ccseone vs a bare Textual app.

    python bench/startup.py [--clusters 200] [--runs 7]

Both programs run in a pseudo-terminal (160x45) exactly as a user starts them. The clock
runs from just before the process is spawned until the terminal output first contains the
last row a full screen shows (for ccseone: a cached cluster row painted from SQLite; for the
baseline: the same row in a DataTable of as many rows). The two are started alternately,
so machine noise hits both alike; the medians and their ratio are printed (target: <= 1.3,
issue #13).

ccseone runs on a cache with ``--clusters`` member clusters whose kubeconfig does not exist:
the first frame must come from the cache, before any Kubernetes call (which then fails fast
and marks them Unknown). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import cpu_seconds  # noqa: E402  (user + system CPU from /proc)

BASELINE = r'''
import sys
from textual.app import App
from textual.widgets import DataTable, Footer, Header

N = int(sys.argv[1])

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Name", "Status", "Version", "Nodes", "Edge", "Latency", "Last seen",
                      "Region", "Labels")
        for i in range(N):
            t.add_row(f"cluster-{i:03d}", "Ready", "v1.30.2", "3/3", "1", "12 ms", "5s ago",
                      "cn-east-1", "env=staging")

Bare().run()
'''


async def seed_cache(db: Path, clusters: int) -> None:
    from ccseone_tui.domain.models import (
        ClusterProbe,
        ClusterStatus,
        ControlInstance,
        MemberCluster,
    )
    from ccseone_tui.store import Store

    store = await Store.open(db)
    now = time.time()
    await store.add_instance(ControlInstance(id="inst-bench", name="bench", region="cn-east-1",
                                             created_at=now))
    for i in range(clusters):
        c = MemberCluster(id=f"cls-{i:03d}", name=f"cluster-{i:03d}", instance_id="inst-bench",
                          region="cn-east-1", api_server=f"https://10.0.{i // 250}.{i % 250}:6443",
                          labels={"env": "staging"}, kubeconfig=str(db.parent / "absent"),
                          context=f"ctx-{i}", created_at=now)
        await store.add_cluster(c)
        await store.save_probe(c.id, ClusterProbe(
            status=ClusterStatus.READY, version="v1.30.2", nodes=3, nodes_ready=3, edge_nodes=1,
            latency_ms=12.0, last_seen=now, probed_at=now))
    await store.close()


def time_to_marker(argv: list[str], marker: bytes, env: dict[str, str],
                   timeout: float = 30.0) -> tuple[float, float]:
    """Seconds from spawn until ``marker`` shows in the program's terminal output, and the
    CPU seconds the program had used by then."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    seen = b""
    elapsed = cpu = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen = seen[-4096:] + chunk
                if marker in seen:
                    elapsed = time.perf_counter() - start
                    cpu = cpu_seconds(proc.pid)
                    break
            if proc.poll() is not None:
                break
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "data" / "ccseone.db"
        asyncio.run(seed_cache(db, args.clusters))
        baseline = Path(tmp) / "baseline.py"
        baseline.write_text(BASELINE)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "45",
               "CCSEONE_CONFIG": str(Path(tmp) / "none.toml"), "LANG": "C.UTF-8"}
        # a full 45-line screen shows about 35 rows: wait for row 030 in both programs
        marker = b"cluster-030"
        ccseone = [sys.executable, "-m", "ccseone_tui", "--db", str(db)]
        bare = [sys.executable, str(baseline), str(args.clusters)]
        # Compile our modules once, as pip does for an installed package: the baseline imports
        # only site-packages, whose bytecode is cached, and PYTHONDONTWRITEBYTECODE (set on
        # this machine) would otherwise recompile ~80 of our modules on every start (~55 ms).
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ccseone_tui")],
                       check=True)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        time_to_marker(ccseone, marker, env)  # warm the OS file cache
        time_to_marker(bare, marker, env)
        ours: list[tuple[float, float]] = []
        base: list[tuple[float, float]] = []
        for _ in range(args.runs):
            ours.append(time_to_marker(ccseone, marker, env))
            base.append(time_to_marker(bare, marker, env))
    mo, mb = (statistics.median(r[0] for r in runs) for runs in (ours, base))
    co, cb = (statistics.median(r[1] for r in runs) for runs in (ours, base))
    print(f"start-up to first painted frame, {args.clusters} cached clusters, "
          f"{args.runs} alternating runs, load average {os.getloadavg()[0]:.2f}")
    for label, runs, wall, cpu in (("ccseone (cache first)", ours, mo, co),
                                   ("bare Textual + DataTable", base, mb, cb)):
        print(f"  {label:<30} median {wall * 1000:5.0f} ms wall, {cpu * 1000:4.0f} ms CPU   "
              f"runs {', '.join(f'{r[0] * 1000:.0f}' for r in runs)}")
    print(f"  ratio ccseone / bare           {mo / mb:.2f} wall, {co / cb:.2f} CPU   "
          f"(target <= 1.3)")


if __name__ == "__main__":
    main()

"""CLI cold start next to kubectl's: ``ccseone --version`` vs ``kubectl version --client``,
a cache-only ``ccseone clusters list`` vs ``kubectl config get-contexts``.

    /work/venv/bin/python bench/cli_start.py [--runs 15] [--clusters 20]

The cache holds ``--clusters`` clusters and the kubeconfig as many contexts (nothing is
contacted: both commands read local files only). Runs alternate between the commands so a
busy machine weighs on both alike; prints medians, ``python -c pass`` as the floor, and the
ratios (targets: --version <= 1.5 x, clusters list <= 2 x). Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CCSEONE = str(Path(sys.executable).parent / "ccseone")


async def seed(db: Path, kubeconfig: Path, clusters: int) -> None:
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
                          region="cn-east-1", api_server=f"https://10.0.0.{i + 1}:6443",
                          kubeconfig=str(kubeconfig), context=f"ctx-{i}", created_at=now)
        await store.add_cluster(c)
        await store.save_probe(c.id, ClusterProbe(
            status=ClusterStatus.READY, version="v1.30.2", nodes=3, nodes_ready=3,
            latency_ms=12.0, last_seen=now, probed_at=now))
    await store.close()
    lines = ["apiVersion: v1", "kind: Config", "current-context: ctx-0", "clusters:"]
    lines += [f"- name: c{i}\n  cluster:\n    server: https://10.0.0.{i + 1}:6443"
              for i in range(clusters)]
    lines.append("users:\n- name: u\n  user:\n    token: t")
    lines.append("contexts:")
    lines += [f"- name: ctx-{i}\n  context:\n    cluster: c{i}\n    user: u"
              for i in range(clusters)]
    kubeconfig.write_text("\n".join(lines) + "\n")  # noqa: ASYNC240 - a bench, before timing


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--clusters", type=int, default=20)
    opts = ap.parse_args()
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit("kubectl not found")
    with tempfile.TemporaryDirectory(prefix="ccseone-cli-start-") as tmp:
        work = Path(tmp)
        kubeconfig = work / "kubeconfig"
        (work / "data").mkdir()
        asyncio.run(seed(work / "data" / "ccseone.db", kubeconfig, opts.clusters))
        env = {**os.environ, "CCSEONE_DATA_DIR": str(work / "data"), "HOME": str(work),
               "KUBECONFIG": str(kubeconfig)}
        # Our modules' bytecode as an installed package has it (bench/startup.py does the
        # same): this machine sets PYTHONDONTWRITEBYTECODE, so a module changed since its
        # last .pyc would otherwise be recompiled on every start.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ccseone_tui")],
                       check=True)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "ccseone --version": [CCSEONE, "--version"],
            "kubectl version --client": [kubectl, "version", "--client"],
            "ccseone clusters list": [CCSEONE, "--config", str(work / "none.toml"),
                                      "clusters", "list"],
            "kubectl config get-contexts": [kubectl, "config", "get-contexts"],
        }
        for argv in cases.values():  # warm the page cache and the .pyc files once
            timed(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(opts.runs):
            for name, argv in cases.items():
                samples[name].append(timed(argv, env))
    load = os.getloadavg()[0]
    median = {name: statistics.median(s) * 1000 for name, s in samples.items()}
    print(f"{opts.runs} alternating runs, {opts.clusters} clusters/contexts, "
          f"load average {load:.2f}")
    for name, ms in median.items():
        print(f"  {name:<30} median {ms:6.1f} ms  (min {min(samples[name]) * 1000:.1f})")
    print(f"--version / kubectl version --client: "
          f"{median['ccseone --version'] / median['kubectl version --client']:.2f} x "
          "(target <= 1.5 x)")
    print(f"clusters list / kubectl config get-contexts: "
          f"{median['ccseone clusters list'] / median['kubectl config get-contexts']:.2f} x "
          "(target <= 2 x)")


if __name__ == "__main__":
    main()

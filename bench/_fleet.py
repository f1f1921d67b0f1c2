"""What the fleet benches share: the sandbox fleet served by the bench script itself in a
child process (so it never shares the CPU or the event loop of what is measured), an
instance with every cluster associated, and timing a call.

Not a bench: imported by the scripts in this folder, which run as ``python bench/X.py``
(the script's folder is then on ``sys.path``).

Two hand-overs from child to parent:
* a JSON line on stdout (``serve`` / ``FleetChild``), after which the parent can ask the
  child to slow every cluster down once the clusters are associated ("go" -> "applied");
* a ``ready.json`` in a work folder (``serve_ready`` / ``wait_ready``), for children whose
  stdout stays free; the child then serves until its stdin reaches EOF.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from ccseone_tui.sandbox import SandboxFleet
    from ccseone_tui.services import Services

T = TypeVar("T")


def latencies(n: int) -> list[float]:
    """Per-request latency of each of ``n`` clusters: 20 ms up to 200 ms, the last slowest."""
    return [20.0 + 180.0 * i / max(1, n - 1) for i in range(n)]


def dead_indexes(n: int, dead: int) -> list[int]:
    """Which of ``n`` clusters a bench puts in outage: spread over the fleet (never the
    slowest one, which is the reference)."""
    return sorted({(i * n) // (dead + 1) + 1 for i in range(dead)} - {n - 1})


NAMESPACES = ("default", "shop", "payments", "monitoring")


def sandbox_pod(cluster: str, index: int, node: str, now: str) -> dict[str, Any]:
    """A Running pod to put straight into a sandbox cluster's state (``state.add``): far
    faster than a Deployment's controller at thousands of pods; spread over ``NAMESPACES``."""
    ns = NAMESPACES[index % len(NAMESPACES)]
    name = f"app-{index // 10:04d}-{index:05d}"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": f"{cluster}-{index}",
                     "creationTimestamp": now, "labels": {"app": f"app-{index // 10:04d}"},
                     "annotations": {}},
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "podIP": f"10.244.{index // 250}.{index % 250 + 2}",
                   "startTime": now,
                   "containerStatuses": [{"name": "main", "ready": True, "restartCount": 0,
                                          "image": "nginx:1.27",
                                          "state": {"running": {"startedAt": now}}}]},
    }


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU of a process (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """(RSS now, peak RSS) of a process in MB, from /proc (VmRSS, VmHWM)."""
    found = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        head = line.split(maxsplit=1)[0] if line else ""
        if head in found:
            found[head] = int(line.split()[1]) / 1024
    return found["VmRSS:"], found["VmHWM:"]


# ---- child side ------------------------------------------------------------------------------


async def serve(fleet: SandboxFleet, on_go: Callable[[], Awaitable[None]] | None = None,
                **extra: Any) -> None:
    """Hand the fleet to the parent (one JSON line: kubeconfig, cluster names, ``extra``);
    then, on each "go" line, give every cluster its ``latencies`` (and run ``on_go``) and
    answer "applied". Returns when stdin ends."""
    print(json.dumps({"kubeconfig": str(fleet.kubeconfig_path),
                      "names": [c.name for c in fleet.clusters], **extra}), flush=True)
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        if line == "go":  # associated: now slow them down
            for c, latency in zip(fleet.clusters, latencies(len(fleet.clusters)), strict=True):
                c.faults.latency_ms = latency
            if on_go is not None:
                await on_go()
            print("applied", flush=True)


async def serve_ready(workdir: Path, info: dict[str, Any]) -> None:
    """Hand ``info`` to the parent as ``workdir/ready.json``; serve until stdin ends."""
    tmp = workdir / "ready.json.tmp"
    tmp.write_text(json.dumps(info))
    tmp.replace(workdir / "ready.json")  # atomic: the parent never reads half a file
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF


# ---- parent side -----------------------------------------------------------------------------


def start_child(script: str, *args: str, **popen: Any) -> subprocess.Popen[Any]:
    """``python script --serve *args`` with the project importable."""
    return subprocess.Popen([sys.executable, script, "--serve", *args], stdin=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **popen)


def wait_ready(child: subprocess.Popen[Any], workdir: Path) -> dict[str, Any]:
    ready = workdir / "ready.json"
    while not ready.exists():
        if child.poll() is not None:
            raise SystemExit(f"sandbox fleet exited with {child.returncode}")
        time.sleep(0.1)
    info: dict[str, Any] = json.loads(ready.read_text())
    return info


def stop_child(child: subprocess.Popen[Any], timeout: float) -> None:
    """Closing stdin ends the child's serving; kill it if it does not exit in time."""
    if child.stdin:
        child.stdin.close()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()


class FleetChild:
    """The parent's end of ``serve``: ``info`` is the child's JSON line; leaving the
    ``with`` block stops the child."""

    def __init__(self, script: str, *args: str) -> None:
        self.process = start_child(script, *args, stdout=subprocess.PIPE, text=True)
        try:
            assert self.process.stdout
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"sandbox fleet exited with {self.process.wait()}")
            self.info: dict[str, Any] = json.loads(line)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> FleetChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        stop_child(self.process, timeout=30)

    async def slow_down(self) -> None:
        """Ask the child to apply the latencies (and whatever else ``on_go`` does); wait."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        await asyncio.get_running_loop().run_in_executor(None, self.process.stdout.readline)


async def associate_all(s: Services, names: list[str]) -> float:
    """Instance "bench" with every cluster associated (no deletion protection); seconds."""
    from ccseone_tui.services import AssociateRequest

    await s.instances.create("bench", "cn-east-1")
    t0 = time.perf_counter()
    # one call, as a user associates a selection (it checks the contexts side by side)
    results = await s.clusters.associate(
        "bench", [AssociateRequest(context=n, deletion_protection=False) for n in names])
    bad = [r for r in results if isinstance(r, Exception)]
    if bad:
        raise SystemExit(f"associate failed: {bad[:3]}")
    return time.perf_counter() - t0


async def timed(call: Awaitable[T]) -> tuple[float, T]:
    """Seconds the awaited call took, and its result."""
    t0 = time.perf_counter()
    result = await call
    return time.perf_counter() - t0, result


def failures(task: Any) -> list[str]:
    """"target: message" of each target of a Task that did not succeed."""
    from ccseone_tui.domain.models import TaskStatus

    return [f"{r.target}: {r.message}" for r in task.results
            if r.status is not TaskStatus.SUCCEEDED]

"""kill -9 the ``ccseone`` CLI at random moments of namespace creates, publishes and upgrades
against a sandbox fleet, and check what the next start finds (issue #14 "Done when").

Shared by ``tests/chaos/test_chaos.py`` (a few kills in CI) and ``bench/chaos.py --kills N``.
The fleet is served from the caller's event loop; every CLI run is a child process (the one
that gets killed), so the kill is a real SIGKILL of a process holding the cache open, with
requests in flight. Everything random comes from one seeded ``random.Random``: a run is
reproducible from its seed (the moment the kernel delivers the signal aside).

After each kill:
* the database passes ``PRAGMA integrity_check``;
* the next start (``ccseone tasks list``) reconciles: no task is left Running or Pending;
* every operation that reported success (exit 0 before any kill) is still there: its task
  Succeeded, and its namespace / app revision recorded.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


class ChaosFailure(AssertionError):
    """An invariant broke; the message names the kill, the seed and what was found."""


@dataclass
class Success:
    kind: str  # ns | publish | upgrade
    name: str
    task_id: str


@dataclass
class Report:
    seed: int
    kills: int = 0
    finished_before_kill: int = 0
    integrity_ok: int = 0
    reconciled: int = 0  # tasks the next start marked Interrupted
    verified: int = 0  # reported successes found intact (re-checked after every kill)
    successes: list[Success] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"kills={self.kills} integrity_ok={self.integrity_ok} "
                f"tasks_reconciled={self.reconciled} operations_verified={self.verified} "
                f"successes={len(self.successes)} finished_before_kill="
                f"{self.finished_before_kill} seed={self.seed} time={self.seconds:.1f}s")


class Chaos:
    def __init__(self, workdir: Path, kubeconfig: Path, clusters: list[str], seed: int) -> None:
        self.workdir = workdir
        self.db = workdir / "ccseone.db"
        self.kubeconfig = kubeconfig
        self.clusters = clusters
        self.rng = random.Random(seed)
        self.report = Report(seed)
        self.env = {**os.environ, "PYTHONPATH": str(ROOT),
                    "CCSEONE_DATA_DIR": str(workdir / "data")}
        self.env.pop("CCSEONE_DEBUG", None)
        self.counter = 0
        self.operation_seconds = float("inf")  # the quickest whole operation, from setup()

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "ccseone_tui.cli", "--config",
                str(self.workdir / "none.toml"), "--db", str(self.db), "--kubeconfig",
                str(self.kubeconfig), "--lang", "en", *args]

    async def run(self, *args: str) -> tuple[int, str, str]:
        p = await asyncio.create_subprocess_exec(
            *self.argv(*args), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=self.env)
        async with asyncio.timeout(120):  # a hung child would stall the whole run
            out, err = await p.communicate()
        assert p.returncode is not None
        return p.returncode, out.decode(), err.decode()

    async def must(self, *args: str) -> str:
        code, out, err = await self.run(*args)
        if code != 0:
            raise ChaosFailure(f"setup step {args} failed ({code}): {err.strip()}")
        return out

    async def setup(self) -> None:
        (self.workdir / "web.yaml").write_text(TEMPLATE)
        await self.must("instances", "create", "east", "--region", "cn-east-1",
                        "--no-deletion-protection")
        await self.must("clusters", "associate", "--instance", "east",
                        "--no-deletion-protection", *self.clusters)
        started = time.perf_counter()
        await self.must("ns", "create", "shop", "--instance", "east")
        self.operation_seconds = time.perf_counter() - started
        await self.must("templates", "add", "web", "--yaml", str(self.workdir / "web.yaml"))
        started = time.perf_counter()
        out = await self.must("apps", "publish", "base", *self._app_args(), "-o", "json")
        self.operation_seconds = min(self.operation_seconds, time.perf_counter() - started)
        self.report.successes.append(Success("publish", "base", json.loads(out)["id"]))

    def _app_args(self) -> list[str]:
        targets = [a for c in self.clusters for a in ("--target", f"{c}/shop")]
        return ["--instance", "east", "--template", "web", *targets,
                "--set", f"greeting=v{self.counter}"]

    def next_operation(self) -> tuple[str, str, list[str]]:
        self.counter += 1
        kind = self.rng.choice(("ns", "publish", "upgrade"))
        if kind == "ns":
            name = f"chaos-{self.counter}"
            return kind, name, ["ns", "create", name, "--instance", "east", "-o", "json"]
        if kind == "publish":
            name = f"app-{self.counter}"
            return kind, name, ["apps", "publish", name, *self._app_args(), "-o", "json"]
        return kind, "base", ["apps", "upgrade", "base", "--instance", "east", "--set",
                              f"greeting=v{self.counter}", "-o", "json"]

    async def one_kill(self, max_delay: float) -> None:
        kind, name, args = self.next_operation()
        delay = self.rng.uniform(0.05, max_delay)
        p = await asyncio.create_subprocess_exec(
            *self.argv(*args), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=self.env)
        communicate = asyncio.ensure_future(p.communicate())
        done, _ = await asyncio.wait({communicate}, timeout=delay)
        if not done:
            if p.returncode is None:
                p.send_signal(signal.SIGKILL)
            out, _err = await communicate
        else:
            out, _err = communicate.result()
            self.report.finished_before_kill += 1
        self.report.kills += 1
        if p.returncode == 0:  # it reported success before the kill: it must survive it
            self.report.successes.append(Success(kind, name, json.loads(out)["id"]))
        await self.check(f"kill {self.report.kills} ({kind} {name} after {delay:.2f}s)")

    async def check(self, where: str) -> None:
        problems = await asyncio.to_thread(_integrity, self.db)
        if problems != ["ok"]:
            raise ChaosFailure(f"{where}: integrity_check: {problems[:3]} (seed "
                               f"{self.report.seed})")
        self.report.integrity_ok += 1
        code, out, err = await self.run("tasks", "list", "--limit", "100000", "-o", "json")
        if code != 0:
            raise ChaosFailure(f"{where}: the next start failed ({code}): {err.strip()}")
        self.report.reconciled += err.count("was interrupted")
        left = [t for t in json.loads(out) if t["status"] in ("Running", "Pending")]
        if left:
            raise ChaosFailure(f"{where}: tasks left unfinished after the next start: "
                               f"{[(t['id'], t['kind'], t['status']) for t in left]}")
        missing = await asyncio.to_thread(_missing, self.db, self.report.successes)
        if missing:
            raise ChaosFailure(f"{where}: operations that reported success are gone: "
                               f"{missing} (seed {self.report.seed})")
        self.report.verified = len(self.report.successes)


def _integrity(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def _missing(db: Path, successes: list[Success]) -> list[str]:
    con = sqlite3.connect(db)
    try:
        out = []
        for s in successes:
            row = con.execute("SELECT status FROM tasks WHERE id = ?", (s.task_id,)).fetchone()
            if row is None or row[0] != "Succeeded":
                out.append(f"task {s.task_id} of {s.kind} {s.name}: {row}")
                continue
            if s.kind == "ns":
                found = con.execute("SELECT 1 FROM namespaces WHERE name = ?",
                                    (s.name,)).fetchone()
            else:
                target = con.execute("SELECT target FROM tasks WHERE id = ?",
                                     (s.task_id,)).fetchone()[0]
                number = int(str(target).rpartition("#")[2])
                found = con.execute(
                    "SELECT 1 FROM revisions r JOIN apps a ON a.id = r.app_id "
                    "WHERE a.name = ? AND r.number = ?", (s.name, number)).fetchone()
            if found is None:
                out.append(f"{s.kind} {s.name} ({s.task_id}) not in the cache")
        return out
    finally:
        con.close()


async def run_chaos(workdir: Path, kills: int, seed: int, clusters: int = 3,
                    max_delay: float = 1.5, progress: Any = None) -> Report:
    """Serve a sandbox fleet from this loop and kill ``kills`` CLI runs; return the counts."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from ccseone_tui.sandbox import SandboxFleet

    t0 = time.perf_counter()
    async with SandboxFleet(clusters=clusters, nodes=1, kubeconfig_path=workdir / "kubeconfig",
                            system_workloads=False, log_rate=0.0) as fleet:
        chaos = Chaos(workdir, fleet.kubeconfig_path, [c.name for c in fleet.clusters], seed)
        await chaos.setup()
        # kills drawn over about one operation's time on this machine, mostly before it could
        # finish: with a fixed bound a faster build finished every operation before its
        # kill, and the run proved nothing; a few finish, so successes are verified too
        max_delay = min(max_delay, 1.25 * chaos.operation_seconds)
        for _ in range(kills):
            await chaos.one_kill(max_delay)
            if progress is not None:
                progress(chaos.report)
    chaos.report.seconds = time.perf_counter() - t0
    return chaos.report


__all__ = ["ChaosFailure", "Report", "run_chaos"]

"""OCM: 1,000 ManagedClusters on a sandbox hub.

    .venv/bin/python bench/ocm.py [--clusters 1000] [--presses 60] [--lag-seconds 5]
                                  [--change 0.1]

The hub runs in a child process (bench/_fleet.py), so it never shares the CPU or the event
loop of what is measured. Its ManagedClusters are created directly as hub objects with the
status a registration agent reports (accepted, joined, available, version, capacity, claims;
no agents: the scale part needs none; a long lease so none expires meanwhile). Then, in this
process, a real ``Services`` (SQLite in a temp dir) with an ocm instance on the hub:

1. list: ``members.sync`` cold (empty cache: every row written) and warm, next to the raw
   hub list of ManagedClusters + CSRs (the two requests ``sync`` makes).
2. first paint of Access clusters with every row, ``CcseoneApp`` headless (frame probe of
   bench/_paint.py), from launch; next to the same rows painted from a local instance's cache.
   When the view follows the hub (``ClustersView.on_members_followed``), also the paint of
   the hub's first snapshot; otherwise the synced cache is what is painted (printed).
3. key -> paint p50/p99 on the table while ``--change`` of the clusters flip their
   ``ManagedClusterConditionAvailable`` every second (a changer task on the hub's loop,
   patching status), next to the same keys with the hub quiet and on the local instance.
4. watch lag (hub status patched -> row updated): service level (``members.follow``
   snapshot) and, when the view follows, row painted. The flip to False carries its
   wall-clock time in the condition's message (the row's error), so both sides of the
   process boundary read the same clock.
5. RSS of this process (cache + UI) and of the hub's process.

Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import FleetChild, serve, timed  # noqa: E402
from _paint import Frames, pct  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402

SIZE = (160, 45)
FLIP = re.compile(r"bench flip @(\d+\.\d+)")
REGIONS = ("cn-east-1", "cn-north-1", "cn-south-1", "cn-southwest-1")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---- child: the hub --------------------------------------------------------------------------


def managed_cluster(i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A ManagedCluster as `clusteradm join` + accept + a live agent leave it: (object,
    status)."""
    name = f"edge-{i + 1:04d}"
    now = "2026-01-01T00:00:00Z"
    obj = {"metadata": {"name": name, "labels": {
        "region": REGIONS[i % len(REGIONS)], "env": "prod" if i % 10 == 0 else "staging",
        "cluster.open-cluster-management.io/clusterset": "default",
        "feature.open-cluster-management.io/addon-work-manager": "available"}},
        "spec": {"hubAcceptsClient": True, "leaseDurationSeconds": 3600,
                 "managedClusterClientConfigs": [{"url": f"https://10.{i // 250}.{i % 250}.1:6443",
                                                  "caBundle": "LS0tLS1CRUdJTg=="}]}}
    conditions = [
        {"type": t, "status": "True", "reason": r, "message": m, "lastTransitionTime": now}
        for t, r, m in (
            ("HubAcceptedManagedCluster", "HubClusterAdminAccepted",
             "Accepted by hub cluster admin"),
            ("ManagedClusterJoined", "ManagedClusterJoined", "Managed cluster joined"),
            ("ManagedClusterConditionAvailable", "ManagedClusterAvailable",
             "Managed cluster is available"))]
    status = {"conditions": conditions,
              "version": {"kubernetes": f"v1.{28 + i % 3}.{i % 7}"},
              "capacity": {"cpu": "16", "memory": "65536Mi", "pods": "330"},
              "allocatable": {"cpu": "15", "memory": "60000Mi", "pods": "330"},
              "clusterClaims": [{"name": "id.k8s.io", "value": name},
                                {"name": "platform.open-cluster-management.io", "value": "Other"}]}
    return obj, status


async def serve_hub(clusters: int, change: float) -> None:
    from ccseone_tui.sandbox import SandboxFleet
    from ccseone_tui.sandbox import conditions as cond
    from ccseone_tui.sandbox.ocm_hub import AVAILABLE, MC

    async with SandboxFleet(clusters=0, nodes=1, ocm=True, log_rate=0.0,
                            system_workloads=False, history_size=5000) as fleet:
        hub = fleet.hub
        assert hub is not None
        t0 = time.perf_counter()
        names = []
        for i in range(clusters):
            obj, status = managed_cluster(i)
            created = hub.writes.create(MC, "", obj, "bench")
            hub.writes.set_status(MC, created, status)
            names.append(obj["metadata"]["name"])
            if i % 100 == 99:
                await asyncio.sleep(0)
        await fleet.settle()
        setup = time.perf_counter() - t0
        rng = random.Random(9)
        changer: asyncio.Task[None] | None = None

        async def flip_every_second() -> None:
            loop = asyncio.get_running_loop()
            while True:
                next_at = loop.time() + 1.0
                for name in rng.sample(names, max(1, int(len(names) * change))):
                    mc = hub.state.get(MC.key, "", name)
                    status = dict(mc.get("status") or {})
                    conds = status.get("conditions") or []
                    if cond.is_true(conds, AVAILABLE):
                        new = cond.set_condition(conds, AVAILABLE, "False", "BenchProbeFailed",
                                                 f"bench flip @{time.time():.6f}")
                    else:
                        new = cond.set_condition(conds, AVAILABLE, "True",
                                                 "ManagedClusterAvailable",
                                                 "Managed cluster is available")
                    hub.writes.set_status(MC, mc, {**status, "conditions": new})
                await asyncio.sleep(max(0.0, next_at - loop.time()))

        async def toggle() -> None:  # each "go" from the parent starts or stops the changer
            nonlocal changer
            if changer is None:
                changer = asyncio.create_task(flip_every_second())
            else:
                changer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await changer
                changer = None
                await fleet.settle()

        await serve(fleet, on_go=toggle, setup_seconds=setup, clusters=len(names))


# ---- parent: frames --------------------------------------------------------------------------


class ViewLag:
    """Hub change -> row painted, for a view that follows the hub: the followed snapshot's
    flips are noted when the view applies them and counted at the next frame."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.pending: list[float] = []
        self.lags: list[float] = []
        self.hub_snapshot_at: float | None = None  # perf_counter of the first hub paint
        self._hub_applied = False
        self.since = float("inf")

    def install(self, view_cls: Any) -> Callable[[], None]:
        original = view_cls.on_members_followed

        def patched(view: Any, message: Any) -> None:
            original(view, message)
            if message.clusters is None or message.stale:
                return
            self._hub_applied = True
            for c in message.clusters:
                m = FLIP.search(c.probe.error or "")
                if m and (c.name, m.group(1)) not in self.seen:
                    self.seen.add((c.name, m.group(1)))
                    if float(m.group(1)) >= self.since:
                        self.pending.append(float(m.group(1)))

        view_cls.on_members_followed = patched
        return lambda: setattr(view_cls, "on_members_followed", original)

    def frame(self, wall: float) -> None:
        if self._hub_applied and self.hub_snapshot_at is None:
            self.hub_snapshot_at = time.perf_counter()
        if self.pending:
            self.lags += [wall - ts for ts in self.pending]
            self.pending.clear()


# ---- parent: the figures ---------------------------------------------------------------------


async def list_figures(s: Any, inst: Any, runs: int) -> None:
    engine = await s.members.engine(inst)
    cold, snap = await timed(s.members.sync(inst))
    warm = [(await timed(s.members.sync(inst)))[0] for _ in range(runs)]
    raw = [(await timed(engine.list_members()))[0] for _ in range(runs)]
    n = len(snap.clusters)
    w, r = min(warm), min(raw)
    print(f"\n1. list {n} ManagedClusters (members.sync)")
    print(f"   cold sync (empty cache, {n} rows written): {ms(cold)}")
    print(f"   warm sync (nothing changed), best of {runs}: {ms(w)}")
    print(f"   hub list alone (ManagedClusters + CSRs, parsed): {ms(r)}")
    print(f"   ratios: warm sync / hub list {w / r:.2f}; cold / warm {cold / w:.2f}; "
          f"{w / n * 1e6:.0f} us per cluster warm")


async def local_copy(s: Any, rows: list[Any], tmp: Path, kubeconfig: str) -> Any:
    """Another Services whose local instance caches the same rows."""
    from ccseone_tui.domain.models import ClusterSource
    from ccseone_tui.services import open_services

    local = await open_services(Settings(data_dir=tmp / "local", kubeconfig=kubeconfig,
                                         theme="textual-dark"), user="bench")
    inst = await local.instances.create("local", "cn-east-1", deletion_protection=False)
    async with local.store.transaction():
        for r in rows:
            await local.store.add_cluster(dataclasses.replace(
                r, id=f"l-{r.id}", instance_id=inst.id, source=ClusterSource.KUBECONFIG))
    return local


async def ui_figures(s: Any, label: str, n: int, presses: int, fleet: FleetChild | None,
                     lag: ViewLag | None, following: bool) -> dict[str, Any]:
    """First paint with ``n`` rows from launch; key->paint quiet, then (with ``fleet``)
    while the hub changes."""
    from textual.widgets import DataTable

    from ccseone_tui.ui.app import CcseoneApp

    kw = {"live_probes": False}
    app = CcseoneApp(s, **kw)
    frames = Frames(app, every=lag.frame if lag else None)
    out: dict[str, Any] = {}

    def table() -> Any:
        return app.main.query_one("#clusters-table", DataTable)

    frames.arm(lambda: table().row_count == n)
    t0 = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        out["first"] = await frames.hit() - t0
        if lag is not None and following:
            while lag.hub_snapshot_at is None and time.perf_counter() - t0 < 30:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            out["hub"] = (lag.hub_snapshot_at or float("nan")) - t0
        await pilot.pause()
        out["rss"] = rss_mb()
        tbl = table()
        tbl.focus()

        async def keys(count: int, budget: float = 30.0) -> list[float]:
            """Up to ``count`` presses, fewer when they take longer than ``budget`` s."""
            samples: list[float] = []
            start = time.perf_counter()
            for k in range(count):
                if time.perf_counter() - start > budget and samples:
                    break
                key = "down" if k % 2 == 0 else "up"
                expected = tbl.cursor_row + (1 if key == "down" else -1)
                frames.arm(lambda expected=expected: tbl.cursor_row == expected)
                t1 = time.perf_counter()
                await pilot.press(key)
                samples.append(await frames.hit() - t1)
                await asyncio.sleep(0.03)  # spread the presses over the changer's seconds
            return samples

        await pilot.press("down")
        out["quiet"] = await keys(presses)
        if fleet is not None:
            if lag is not None:
                lag.since = time.time()
            await fleet.slow_down()  # the changer starts
            await asyncio.sleep(1.5)
            out["changing"] = await keys(presses)
            await asyncio.sleep(1.0)
            await fleet.slow_down()  # the changer stops
            out["rss_changing"] = rss_mb()
    print(f"   [{label}] first paint, {n} rows, from launch: {ms(out['first'])}")
    return out


async def service_lag(s: Any, inst: Any, fleet: FleetChild, seconds: float) -> list[float]:
    """Hub status patched -> ``members.follow`` snapshot holding it (no UI)."""
    lags: list[float] = []
    seen: set[tuple[str, str]] = set()
    stream = s.members.follow(inst)
    snaps = 0
    since = time.time()

    async def consume() -> None:
        nonlocal snaps
        async for snap in stream:
            now = time.time()
            snaps += 1
            for c in snap.clusters:
                m = FLIP.search(c.probe.error or "")
                if m and (c.name, m.group(1)) not in seen:
                    seen.add((c.name, m.group(1)))
                    if float(m.group(1)) >= since:
                        lags.append(now - float(m.group(1)))

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.5)  # the first (cache) and hub snapshots
    await fleet.slow_down()  # changer on
    await asyncio.sleep(seconds)
    await fleet.slow_down()  # changer off
    await asyncio.sleep(0.5)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await stream.aclose()  # type: ignore[attr-defined]
    print(f"   ({snaps} snapshots in {seconds + 1:.0f} s)")
    return lags


async def run(fleet: FleetChild, args: argparse.Namespace, tmp: Path) -> None:
    from ccseone_tui.domain.models import Engine
    from ccseone_tui.services import open_services
    from ccseone_tui.ui.views.clusters import ClustersView

    kubeconfig = fleet.info["kubeconfig"]
    s = await open_services(Settings(data_dir=tmp / "data", kubeconfig=kubeconfig,
                                     theme="textual-dark"), user="bench")
    local = None
    try:
        inst = await s.instances.create("bench", "cn-east-1", engine=Engine.OCM,
                                        hub_context="hub", deletion_protection=False)
        await list_figures(s, inst, args.runs)
        rows = await s.clusters.list(inst.id)
        n = len(rows)
        rss_cache = rss_mb()
        local = await local_copy(s, rows, tmp, kubeconfig)

        following = hasattr(ClustersView, "on_members_followed")
        print(f"\n2./3./4. Access clusters in CcseoneApp (headless {SIZE[0]}x{SIZE[1]}); the view "
              + ("FOLLOWS the hub (members.follow while shown)" if following else
                 "does not follow the hub yet: the synced cache is painted and the watch lag "
                 "is measured at the service level only"))
        lag = ViewLag()
        restore = lag.install(ClustersView) if following else (lambda: None)
        try:
            hub_ui = await ui_figures(s, "ocm", n, args.presses, fleet, lag, following)
        finally:
            restore()
        local_ui = await ui_figures(local, "local", n, args.presses, None, None, False)

        print(f"\n2. first paint with {n} rows (launch -> frame with every row)")
        print(f"   ocm instance (its cache, then the hub): {ms(hub_ui['first'])}   "
              f"local instance (cache): {ms(local_ui['first'])}   ratio "
              f"{hub_ui['first'] / local_ui['first']:.2f}")
        if "hub" in hub_ui:
            print(f"   the hub's first snapshot applied and painted: {ms(hub_ui['hub'])} from "
                  f"launch ({hub_ui['hub'] / hub_ui['first']:.2f} x the first paint)")

        q, c, lq = hub_ui["quiet"], hub_ui["changing"], local_ui["quiet"]
        print(f"\n3. key -> paint (cursor keys: {len(q)} quiet, {len(c)} changing, "
              f"{len(lq)} local; at most 30 s of presses per phase)")
        for name, xs in (("ocm, hub quiet", q), (f"ocm, {args.change:.0%} change/s", c),
                         ("local cache", lq)):
            print(f"   {name:22s} p50 {ms(pct(xs, 0.5))}  p99 {ms(pct(xs, 0.99))}  "
                  f"max {ms(max(xs))}")
        print(f"   ratios p99: changing / quiet {pct(c, 0.99) / pct(q, 0.99):.2f}; "
              f"changing / local {pct(c, 0.99) / pct(lq, 0.99):.2f}; p50 changing / local "
              f"{pct(c, 0.5) / pct(lq, 0.5):.2f}")

        print(f"\n4. watch lag, hub status patched -> row updated ({args.change:.0%} of the "
              f"clusters change each second; flips to False timed)")
        sl = await service_lag(s, inst, fleet, args.lag_seconds)
        if sl:
            print(f"   service (members.follow snapshot): n={len(sl)}  p50 {ms(pct(sl, 0.5))}  "
                  f"p99 {ms(pct(sl, 0.99))}  max {ms(max(sl))}")
        if following and lag.lags:
            vl = lag.lags
            print(f"   view (row painted, while keys were pressed): n={len(vl)}  p50 "
                  f"{ms(pct(vl, 0.5))}  p99 {ms(pct(vl, 0.99))}  max {ms(max(vl))}")
            if sl:
                print(f"   ratio p50 view / service {pct(vl, 0.5) / pct(sl, 0.5):.2f}")

        print("\n5. RSS")
        print(f"   this process: after sync {rss_cache:.0f} MB; TUI with {n} rows "
              f"{hub_ui['rss']:.0f} MB; after the changing phase {hub_ui['rss_changing']:.0f} MB;"
              f" local instance TUI {local_ui['rss']:.0f} MB")
        print(f"   hub process ({n} ManagedClusters + namespaces, leases, events): "
              f"{rss_mb(fleet.process.pid):.0f} MB")
    finally:
        if local is not None:
            await local.close()
        await s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=1000)
    ap.add_argument("--change", type=float, default=0.1, help="share changed each second")
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3, help="warm syncs / hub lists")
    ap.add_argument("--lag-seconds", type=float, default=5.0)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_hub(args.clusters, args.change))
        return
    t0 = time.monotonic()
    with FleetChild(__file__, "--clusters", str(args.clusters),
                    "--change", str(args.change)) as fleet:
        print(f"hub: {fleet.info['clusters']} ManagedClusters created as hub objects in "
              f"{fleet.info['setup_seconds']:.1f}s (hub settled); up in "
              f"{time.monotonic() - t0:.1f}s, in a child process")
        with tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp:
            asyncio.run(run(fleet, args, Path(tmp)))


if __name__ == "__main__":
    main()

"""Delivery through an OCM hub vs. straight to each member: a fleet namespace and a 5-object
app on 100 sandbox clusters.

    .venv/bin/python bench/ocm_delivery.py [--clusters 100]

The fleet runs in a child process (bench/_fleet.py), so it never shares the CPU or the event
loop of what is measured: ``--clusters`` members (nodes=1, no system workloads, no added
latency) joined to the sandbox hub and accepted, each with its work agent, plus the chart
repository. In this process, two ``Services`` on their own SQLite files, on the same
members:

* ``ocm``: an ocm instance on the hub — each target is one ManifestWork, applied by the
  member's work agent; a put waits for the agent's Applied report;
* ``local``: a local instance with every member associated — server-side apply straight to
  each member's API server.

Timed for each, one after the other (ocm first; local uses namespace ``bench-local`` and
release ``web-local``, so the two never touch the same objects):
1. ``ns create`` on every member, until the task ends (ocm: every work Applied);
2. ``apps publish`` of the sandbox chart ``webapp`` 1.0.0 (2 ConfigMaps, Role, Service,
   Deployment) to that namespace on every member, until the task ends;
3. then until every target reports its workload available: ocm every ManifestWork
   ``Available`` (one hub list per poll); local every Deployment ready (``apps status``).
Prints both times and the ratio ocm / local; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _fleet import FleetChild, failures, serve  # noqa: E402

from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.apps import AppTarget, PublishRequest, TargetState  # noqa: E402
from ccseone_tui.domain.models import Engine, TaskStatus  # noqa: E402
from ccseone_tui.domain.namespaces import NamespaceSpec  # noqa: E402
from ccseone_tui.services import AssociateRequest, Services, open_services  # noqa: E402

NS = "bench"
POLL = 0.1  # seconds between looks at the workloads


# ---- child: hub + members ----------------------------------------------------------------


async def serve_fleet(clusters: int) -> None:
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=clusters, nodes=1, ocm=True, log_rate=0.0,
                            system_workloads=False) as fleet:
        assert fleet.ocm is not None
        sem = asyncio.Semaphore(20)

        async def join(name: str) -> None:
            async with sem:
                await fleet.join(name, accept=True)
                agent = await fleet.ocm.klusterlets[name].wait_agent()  # type: ignore[union-attr]
                await agent.wait_for("Available")

        await asyncio.gather(*(join(c.name) for c in fleet.clusters))
        await serve(fleet, charts=fleet.chart_repo_url)


# ---- parent --------------------------------------------------------------------------------


def check(task: Any, what: str) -> None:
    if task.status is not TaskStatus.SUCCEEDED:
        raise SystemExit(f"{what} did not succeed: {task.status.value} {failures(task)[:3]}")


async def until(ready: Any, limit: float = 300.0) -> None:
    deadline = time.perf_counter() + limit
    while not await ready():
        if time.perf_counter() > deadline:
            raise SystemExit("not available within the bench's limit")
        await asyncio.sleep(POLL)


async def works_available(s: Services, inst: Any, owner: str, n: int) -> bool:
    """Every ManifestWork of ``owner`` reports Available True on its current generation:
    one list across the hub's cluster namespaces (what a watcher of the hub would see)."""
    engine = s.engines.for_instance(inst)
    client = await engine.hub.client()
    works = await client.list("work.open-cluster-management.io/v1", "ManifestWork",
                              label_selector=f"ccseone.io/owner={owner}")
    ok = 0
    for w in works.get("items") or []:
        gen = w["metadata"].get("generation")
        for c in (w.get("status") or {}).get("conditions") or []:
            if (c.get("type") == "Available" and c.get("status") == "True"
                    and c.get("observedGeneration") in (None, gen)):
                ok += 1
    return ok >= n


async def deployed(s: Services, instance: str, app: str) -> bool:
    status = await s.apps.status(instance, app)
    return all(t.state is TargetState.DEPLOYED for t in status.targets)


async def one_engine(s: Services, label: str, instance: str, app: str, names: list[str],
                     ns: str, ocm: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    inst = await s.instances.get(instance)
    t0 = time.perf_counter()
    task = await s.namespaces.create(instance, NamespaceSpec(ns))
    check(task, f"{label} ns create")
    out["ns"] = time.perf_counter() - t0
    if ocm:
        await until(lambda: works_available(s, inst, f"namespace-{ns}", len(names)))
    out["ns_available"] = time.perf_counter() - t0

    targets = [AppTarget(n, ns) for n in names]
    t0 = time.perf_counter()
    task = await s.apps.publish(instance, PublishRequest(app, "webapp", "1.0.0",
                                                         targets=targets))
    check(task, f"{label} publish")
    out["publish"] = time.perf_counter() - t0
    if ocm:
        await until(lambda: works_available(s, inst, f"app-{app}", len(names)))
    else:
        await until(lambda: deployed(s, instance, app))
    out["available"] = time.perf_counter() - t0
    if ocm:  # what the shared record of that revision costs on the hub
        client = await s.engines.for_instance(inst).hub.client()
        [rev] = (await client.list("v1", "ConfigMap", namespace="ccseone-system",
                                   label_selector=f"ccseone.io/kind=revision,"
                                                  f"ccseone.io/app={app}"))["items"]
        size = sum(len(v) for v in (rev.get("data") or {}).values()) + sum(
            len(v) * 3 // 4 for v in (rev.get("binaryData") or {}).values())
        print(f"revision record on the hub: {size / 1024:.1f} KiB "
              f"({len(names)} targets' manifests gzip'd)", flush=True)
    print(f"{label:5}: ns create {out['ns']:.2f}s (all Available {out['ns_available']:.2f}s)"
          f" | publish {out['publish']:.2f}s | until every workload available "
          f"{out['available']:.2f}s", flush=True)
    return out


async def run(fleet: FleetChild, tmp: Path) -> None:
    info = fleet.info
    names: list[str] = info["names"]
    kubeconfig = info["kubeconfig"]
    print(f"fleet: {len(names)} sandbox members joined to one sandbox hub (child process), "
          f"chart webapp 1.0.0 (5 objects)", flush=True)

    hub = await open_services(Settings(data_dir=tmp / "ocm", kubeconfig=kubeconfig),
                              user="bench")
    local = await open_services(Settings(data_dir=tmp / "local", kubeconfig=kubeconfig),
                                user="bench")
    try:
        inst = await hub.instances.create("hub", "cn-east-1", engine=Engine.OCM,
                                          hub_context="hub", deletion_protection=False)
        snap = await hub.members.sync(inst)
        ready = [c.name for c in snap.clusters if c.probe.status.value == "Ready"]
        if len(ready) != len(names):
            raise SystemExit(f"only {len(ready)} of {len(names)} members Ready on the hub")
        await local.instances.create("loc", "cn-east-1")
        for i in range(0, len(names), 20):
            await local.clusters.associate("loc", [AssociateRequest(context=n)
                                                   for n in names[i:i + 20]])
        for s in (hub, local):
            await s.templates.add("webapp", "chart", {"repo": info["charts"],
                                                       "chart": "webapp"})
        # one dry run each first: connections, discovery and the chart in the cache
        warm = [AppTarget(n, "default") for n in names]
        await hub.apps.dry_run("hub", PublishRequest("warm", "webapp", "1.0.0", targets=warm))
        await local.apps.dry_run("loc", PublishRequest("warm", "webapp", "1.0.0",
                                                       targets=warm))

        o = await one_engine(hub, "ocm", "hub", "web", names, NS, ocm=True)
        lo = await one_engine(local, "local", "loc", "web-local", names, f"{NS}-local",
                              ocm=False)
        print(f"ratio ocm / local: ns create {o['ns'] / lo['ns']:.2f}x | publish "
              f"{o['publish'] / lo['publish']:.2f}x | until available "
              f"{o['available'] / lo['available']:.2f}x", flush=True)
    finally:
        await hub.close()
        await local.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(serve_fleet(args.clusters))
        return
    with (FleetChild(__file__, "--clusters", str(args.clusters)) as fleet,
          tempfile.TemporaryDirectory(prefix="ccseone-bench-") as tmp):
        asyncio.run(run(fleet, Path(tmp)))


if __name__ == "__main__":
    main()

"""``ccseone demo``: a live 3-cluster sandbox, a seeded control instance, and the TUI.

``--engine ocm``: the sandbox also serves an emulated OCM hub (context ``hub``) with the
managed-serviceaccount addon; two members are joined the clusteradm way and accepted (the
second labelled ``env=prod``), the third is joined and left awaiting acceptance, and the
``demo`` instance (engine ocm, on the hub) pre-creates ``edge-1`` (Waiting, join command
ready).

The sandbox runs on its own event loop in a background thread so that its controller and
log generators never compete with the UI's loop; the cache lives in a temporary directory
(unless ``--keep-data``) and everything stops and is removed at exit.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ccseone_tui.config import Settings

DEMO_INSTANCE = "demo"
HUB_CONTEXT = "hub"
PRECREATED = "edge-1"  # the ocm demo's cluster pre-created by ccseone, waiting for its agent


class SandboxThread:
    """Run a SandboxFleet on a private loop; ``start`` returns once it serves."""

    def __init__(self, clusters: int, kubeconfig_path: Path, ocm: bool = False) -> None:
        self._clusters = clusters
        self._ocm = ocm
        self._kubeconfig_path = kubeconfig_path
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="sandbox", daemon=True)
        self.fleet: Any = None

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()
        if self._error:
            raise self._error

    def stop(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            async with demo_fleet(self._clusters, self._kubeconfig_path, self._ocm) as fleet:
                self.fleet = fleet
                await seed_workloads(fleet)
                if self._ocm:
                    await seed_hub(fleet)
                self._ready.set()
                await self._stop.wait()
        except BaseException as exc:
            self._error = exc
            self._ready.set()


def demo_fleet(clusters: int, kubeconfig_path: Path, ocm: bool = False, **kw: Any) -> Any:
    """The demo's SandboxFleet (not started). HTTPS when openssl can make the CA: kubectl
    sends its token only over TLS, so an engineer can look at the demo clusters with kubectl
    too. ``ocm``: plus the hub (context ``hub``) with the managed-serviceaccount addon, so
    logs and the fleet view reach the members directly."""
    from ccseone_tui.sandbox import SandboxFleet

    return SandboxFleet(clusters=clusters, kubeconfig_path=kubeconfig_path,
                        tls=shutil.which("openssl") is not None, ocm=ocm, hub_name=HUB_CONTEXT,
                        managed_serviceaccount=ocm, **kw)


async def seed_workloads(fleet: Any) -> None:
    """Give each emulated cluster something alive to look at: a web Deployment."""
    from ccseone_tui.config import Settings
    from ccseone_tui.kube import ClusterRef, KubePool

    async with KubePool(Settings()) as pool:
        async def seed(client: Any) -> None:
            await client.apply({"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "shop"}})
            await client.apply({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}},
                                      "spec": {"containers": [{"name": "web",
                                                               "image": "nginx:1.27"}]}}},
            })

        refs = [ClusterRef(name=c.name, kubeconfig=str(fleet.kubeconfig_path), context=c.name)
                for c in fleet.clusters]
        await pool.fan_out(refs, seed)


async def seed_hub(fleet: Any) -> None:
    """On the sandbox's loop: what other people did on the hub before ccseone looked. The
    first two members ran `clusteradm join` and were accepted (the second is labelled
    env=prod, like `kubectl label managedcluster`), the third joined and awaits acceptance."""
    from ccseone_tui.sandbox.ocm_hub import MC

    members = fleet.clusters
    for i, member in enumerate(members[:3]):
        await fleet.join(member, accept=i < 2)
        agent = await fleet.ocm.klusterlets[member.name].wait_agent()
        phase = await agent.wait_for("Available" if i < 2 else "WaitingForApproval", "Failed")
        if phase == "Failed":
            raise RuntimeError(f"the demo agent of {member.name} failed: {agent.message}")
    for i, member in enumerate(members[:2]):
        fleet.hub.writes.patch(MC, "", member.name, "application/merge-patch+json", {
            "metadata": {"labels": {"env": "prod" if i == 1 else "staging",
                                    "team": "platform"}}}, "kubectl")
    await fleet.settle()


async def seed_ocm_demo(services: Any) -> None:
    """The demo instance on the hub context and one cluster pre-created by ccseone."""
    from ccseone_tui.domain.models import Engine

    region = services.settings.regions[0]
    inst = await services.instances.create(
        DEMO_INSTANCE, region, engine=Engine.OCM, hub_context=HUB_CONTEXT,
        description="Sandbox OCM hub for trying ccseone")
    snapshot = await services.members.sync(inst)
    if all(c.name != PRECREATED for c in snapshot.clusters):  # the hub may have it already
        await services.registration.create(DEMO_INSTANCE, PRECREATED, region=region,
                                           labels={"team": "edge"})


async def seed_demo(services: Any, kubeconfig: str, cluster_names: list[str],
                    chart_repo_url: str | None = None) -> None:
    """The demo instance with every sandbox cluster associated; the last one is production."""
    from ccseone_tui.services import AssociateRequest

    region = services.settings.regions[0]
    await services.instances.create(DEMO_INSTANCE, region,
                                    description="Sandbox fleet for trying ccseone")
    reqs = []
    for i, name in enumerate(cluster_names):
        prod = i == len(cluster_names) - 1
        reqs.append(AssociateRequest(
            context=name, kubeconfig=kubeconfig, region=region,
            labels={"env": "prod" if prod else "staging", "team": "platform"},
            deletion_protection=prod,
        ))
    await services.clusters.associate(DEMO_INSTANCE, reqs)
    if chart_repo_url:
        await seed_catalog(services, cluster_names, chart_repo_url)


DEMO_MANIFESTS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-greeting
  labels:
    app.kubernetes.io/name: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
  audience: {{ .Values.audience | quote }}
"""


def demo_git_repo(root: Path, chart_repo_dir: Path | None = None) -> Path:
    """A local git repository holding a chart (the sandbox's ``worker``), so the git kind of
    template has something real to fetch in the demo."""
    import shutil

    from dulwich import porcelain

    from ccseone_tui.sandbox.charts import CHART_DATA

    repo_dir = root / "demo-charts.git"
    if repo_dir.exists():
        return repo_dir
    shutil.copytree(CHART_DATA / "worker-0.1.0", repo_dir / "charts" / "worker")
    repo = porcelain.init(str(repo_dir))
    porcelain.add(repo, paths=[str(p) for p in (repo_dir / "charts").rglob("*") if p.is_file()])
    porcelain.commit(repo, message=b"worker chart", author=b"demo <demo@example.com>",
                     committer=b"demo <demo@example.com>")
    repo.close()
    return repo_dir


async def seed_catalog(services: Any, cluster_names: list[str], chart_repo_url: str) -> None:
    """Fleet namespaces, three templates (chart repository, YAML, git) and one app published
    at the older chart version, so Compare/upgrade has something to show."""
    from ccseone_tui.domain.apps import AppTarget, PublishRequest
    from ccseone_tui.domain.namespaces import NamespaceSpec

    prod = cluster_names[-1]  # the production cluster: every write to it is confirmed by name
    # "shop" already exists on the members (seed_workloads): adopt it
    await services.namespaces.create(DEMO_INSTANCE, NamespaceSpec(
        name="shop", priority=100, labels={"team": "shop"}, cpu_limit="8",
        memory_limit="16Gi"), adopt=True, confirm=prod)
    await services.namespaces.create(DEMO_INSTANCE, NamespaceSpec(
        name="payments", priority=200, labels={"team": "payments"},
        selector={"env": "staging"}, cpu_limit="2", memory_limit="4Gi"))
    await services.templates.add("webapp", "chart", {"repo": chart_repo_url, "chart": "webapp"},
                                 "Web app from the sandbox chart repository")
    await services.templates.add("greeting", "yaml", {
        "manifests": DEMO_MANIFESTS, "parameters": {"greeting": "hello", "audience": "fleet"},
    }, "A ConfigMap with two parameters")
    repo = demo_git_repo(services.settings.data_dir)
    await services.templates.add("worker", "git", {"url": str(repo), "ref": "master",
                                                   "path": "charts/worker"},
                                 "Worker chart from a git repository")
    staging = [n for n in cluster_names if n != prod]
    await services.apps.publish(DEMO_INSTANCE, PublishRequest(
        name="storefront", template="webapp", version="1.0.0",
        values_yaml="replicaCount: 3\n", description="The shop's web front end",
        targets=[AppTarget(cluster=n, namespace="payments") for n in staging],
        message="first release"))


async def open_demo_services(settings: Settings, fleet: Any) -> Any:
    """Services on the demo fleet, seeded. Seeding is ccseone writing its own demo fleet, not
    the user: a read-only demo seeds first and then refuses every write the user tries."""
    from ccseone_tui.services import open_services

    services = await open_services(dataclasses.replace(settings, read_only=False))
    try:
        if getattr(fleet, "ocm", None) is not None:
            await seed_ocm_demo(services)
        else:
            await seed_demo(services, str(fleet.kubeconfig_path),
                            [c.name for c in fleet.clusters], fleet.chart_repo_url)
    except BaseException:
        await services.close()
        raise
    services.guard.read_only = bool(settings.read_only)
    services.settings = settings
    return services


async def _run(settings: Settings, sandbox: SandboxThread) -> int:
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.start_cache import read_start_cache

    services = await open_demo_services(settings, sandbox.fleet)
    try:
        start = await read_start_cache(services)  # the cached rows in the first frame
        gc.disable()  # until the first frame, as `ccseone` does (cli/tui.py)
        await CcseoneApp(services, start=start).run_async()
    finally:
        gc.enable()  # the app ended before its first frame: as it was
        await services.close()
    return 0


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    with tempfile.TemporaryDirectory(prefix="ccseone-demo-") as tmp:
        data_dir = Path(args.keep_data) if args.keep_data else Path(tmp)
        kubeconfig = Path(tmp) / "sandbox.kubeconfig"
        settings = dataclasses.replace(settings, data_dir=data_dir, db_file=None,
                                       kubeconfig=str(kubeconfig))
        print("Starting the sandbox fleet …", flush=True)
        sandbox = SandboxThread(args.clusters, kubeconfig,
                                ocm=getattr(args, "engine", "local") == "ocm")
        sandbox.start()
        try:
            return asyncio.run(_run(settings, sandbox))
        finally:
            sandbox.stop()

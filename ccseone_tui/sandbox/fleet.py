"""A fleet of sandbox clusters and the kubeconfig that reaches them.

The kubeconfig has one context per cluster (context name == cluster name), each with a
bearer-token user and ``server: http://127.0.0.1:<port>``; it is written with mode 0600
because it holds tokens."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.sandbox.charts import SandboxChartRepo
from ccseone_tui.sandbox.ocm_fleet import OcmSandbox
from ccseone_tui.sandbox.server import SandboxCluster


def kubeconfig_document(clusters: Sequence[SandboxCluster]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "current-context": clusters[0].name if clusters else "",
        "clusters": [{"name": c.name, "cluster": _cluster_entry(c)} for c in clusters],
        "users": [{"name": f"{c.name}-admin", "user": {"token": c.token}} for c in clusters],
        "contexts": [
            {"name": c.name, "context": {"cluster": c.name, "user": f"{c.name}-admin"}}
            for c in clusters
        ],
    }


def _cluster_entry(c: SandboxCluster) -> dict[str, Any]:
    entry: dict[str, Any] = {"server": c.url}
    if c.ca_pem:
        entry["certificate-authority-data"] = base64.b64encode(c.ca_pem).decode()
    return entry


def write_kubeconfig(path: Path, clusters: Sequence[SandboxCluster]) -> None:
    """Atomically (write + rename), created 0600 so tokens are never world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(kubeconfig_document(clusters), f, sort_keys=False)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class SandboxFleet:
    def __init__(
        self,
        clusters: int = 3,
        latency_ms: float = 0.0,
        version: str = "v1.30.2",
        nodes: int = 3,
        log_rate: float = 5.0,
        name_prefix: str = "sandbox",
        kubeconfig_path: Path | str | None = None,
        *,
        latencies_ms: Sequence[float] | None = None,
        versions: Sequence[str] | None = None,
        bookmark_interval: float = 60.0,
        system_workloads: bool = True,
        history_size: int = 500,
        max_events: int = 300,
        tls: bool = False,
        ocm: bool = False,
        hub_name: str = "hub",
        ocm_version: str = "v1.0.0",
        managed_serviceaccount: bool = False,
        lease_watchdog_interval: float = 5.0,
    ) -> None:
        """``ocm=True`` adds an emulated OCM hub cluster (context ``hub_name``, not in
        ``clusters``) and a klusterlet operator on every member; see ``ocm_fleet``."""
        self._count = clusters
        self._prefix = name_prefix
        self._defaults: dict[str, Any] = {
            "version": version, "nodes": nodes, "latency_ms": latency_ms, "log_rate": log_rate,
            "bookmark_interval": bookmark_interval, "system_workloads": system_workloads,
            "history_size": history_size, "max_events": max_events, "tls": tls,
        }
        self._latencies = list(latencies_ms or [])
        self._versions = list(versions or [])
        self._own_dir: Path | None = None
        self._given_path = Path(kubeconfig_path) if kubeconfig_path is not None else None
        self.kubeconfig_path: Path = self._given_path or Path()
        self.clusters: list[SandboxCluster] = []
        self._ocm_opts: dict[str, Any] | None = dict(
            ocm_version=ocm_version, managed_serviceaccount=managed_serviceaccount,
            watchdog_interval=lease_watchdog_interval) if ocm else None
        self._hub_name = hub_name
        self.hub: SandboxCluster | None = None  # the OCM hub cluster (ocm=True)
        self.ocm: OcmSandbox | None = None
        # index.yaml + .tgz of the sandbox charts (and the same as OCI): templates have a repo
        self.chart_repo = SandboxChartRepo()

    @property
    def chart_repo_url(self) -> str:
        return self.chart_repo.url

    def _new_cluster(self, index: int, **overrides: Any) -> SandboxCluster:
        opts = dict(self._defaults)
        if index < len(self._latencies):
            opts["latency_ms"] = self._latencies[index]
        if index < len(self._versions):
            opts["version"] = self._versions[index]
        opts.update({k: v for k, v in overrides.items() if v is not None})
        name = opts.pop("name", None) or f"{self._prefix}-{index + 1}"
        return SandboxCluster(name, **opts)

    async def start(self) -> None:
        if self._given_path is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="ccseone-sandbox-"))
            self.kubeconfig_path = self._own_dir / "kubeconfig"
        self.clusters = [self._new_cluster(i) for i in range(self._count)]
        if self._ocm_opts is not None:
            self.hub = self._new_cluster(self._count, name=self._hub_name)
        try:
            await asyncio.gather(self.chart_repo.start(), *(c.start() for c in self._all()))
            if self.hub is not None and self._ocm_opts is not None:
                self.ocm = OcmSandbox(self.hub, self.clusters, **self._ocm_opts)
                await self.ocm.start()
        except BaseException:
            await self.stop()
            raise
        write_kubeconfig(self.kubeconfig_path, self._all())

    def _all(self) -> list[SandboxCluster]:
        """Members, then the hub: every context of the kubeconfig."""
        return self.clusters + ([self.hub] if self.hub is not None else [])

    async def join(self, member: SandboxCluster | str, *, accept: bool = False,
                   cluster_name: str | None = None, token: str | None = None,
                   values: dict[str, Any] | None = None) -> None:
        """Join ``member`` to the OCM hub like `clusteradm join` (and `accept`)."""
        if self.ocm is None:
            raise RuntimeError("this fleet has no OCM hub (SandboxFleet(ocm=True))")
        cluster = self[member] if isinstance(member, str) else member
        await self.ocm.join(cluster, accept=accept, cluster_name=cluster_name, token=token,
                            values=values)

    async def stop(self) -> None:
        if self.ocm is not None:
            with contextlib.suppress(Exception):
                await self.ocm.stop()
            self.ocm = None
        results = await asyncio.gather(self.chart_repo.stop(), *(c.stop() for c in self._all()),
                                       return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, Exception):
                raise r
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None

    async def add_cluster(
        self,
        name: str | None = None,
        *,
        latency_ms: float | None = None,
        version: str | None = None,
        nodes: int | None = None,
        log_rate: float | None = None,
    ) -> SandboxCluster:
        """Start one more cluster and rewrite the kubeconfig with its context."""
        cluster = self._new_cluster(len(self.clusters), name=name, latency_ms=latency_ms,
                                    version=version, nodes=nodes, log_rate=log_rate)
        if any(c.name == cluster.name for c in self.clusters):
            raise ValueError(f"a sandbox cluster named {cluster.name!r} already exists")
        await cluster.start()
        self.clusters.append(cluster)
        if self.ocm is not None:
            self.ocm.attach(cluster)
        write_kubeconfig(self.kubeconfig_path, self._all())
        return cluster

    async def remove_cluster(self, name: str) -> None:
        """Stop a cluster and drop its context from the kubeconfig."""
        cluster = self[name]
        if self.ocm is not None:
            await self.ocm.detach(cluster)
        await cluster.stop()
        self.clusters.remove(cluster)
        write_kubeconfig(self.kubeconfig_path, self._all())

    async def settle(self) -> None:
        """Wait until every cluster's controller is idle."""
        await asyncio.gather(*(c.settle() for c in self._all()))
        if self.ocm is not None:
            await self.ocm.hub.settle()

    def __getitem__(self, name: str) -> SandboxCluster:
        for c in self._all():
            if c.name == name:
                return c
        raise KeyError(name)

    def __iter__(self) -> Iterator[SandboxCluster]:
        return iter(self.clusters)

    def __len__(self) -> int:
        return len(self.clusters)

    async def __aenter__(self) -> SandboxFleet:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self.stop()

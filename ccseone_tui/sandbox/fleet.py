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
    ) -> None:
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
        try:
            await asyncio.gather(self.chart_repo.start(), *(c.start() for c in self.clusters))
        except BaseException:
            await self.stop()
            raise
        write_kubeconfig(self.kubeconfig_path, self.clusters)

    async def stop(self) -> None:
        results = await asyncio.gather(self.chart_repo.stop(), *(c.stop() for c in self.clusters),
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
        write_kubeconfig(self.kubeconfig_path, self.clusters)
        return cluster

    async def remove_cluster(self, name: str) -> None:
        """Stop a cluster and drop its context from the kubeconfig."""
        cluster = self[name]
        await cluster.stop()
        self.clusters.remove(cluster)
        write_kubeconfig(self.kubeconfig_path, self.clusters)

    async def settle(self) -> None:
        """Wait until every cluster's controller is idle."""
        await asyncio.gather(*(c.settle() for c in self.clusters))

    def __getitem__(self, name: str) -> SandboxCluster:
        for c in self.clusters:
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

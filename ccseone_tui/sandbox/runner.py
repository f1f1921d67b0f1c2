"""``ccseone sandbox up``: serve a fleet until cancelled (Ctrl-C)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from ccseone_tui.i18n import t
from ccseone_tui.sandbox.fleet import SandboxFleet


async def run_sandbox_forever(
    clusters: int,
    latency_ms: float,
    kubeconfig_path: Path | None,
    version: str,
    *,
    tls: bool | None = None,
) -> None:
    """Start ``clusters`` sandbox clusters, print the kubeconfig and contexts, serve until
    the task is cancelled. With no path, the kubeconfig is a temporary file removed at exit.
    ``tls=None`` serves HTTPS when the openssl command exists, because kubectl sends its
    bearer token only over TLS."""
    if tls is None:
        tls = shutil.which("openssl") is not None
    fleet = SandboxFleet(clusters=clusters, latency_ms=latency_ms, version=version,
                         kubeconfig_path=kubeconfig_path, tls=tls)
    async with fleet:
        print(t("sandbox.up.kubeconfig", path=fleet.kubeconfig_path), flush=True)
        for c in fleet.clusters:
            print(t("sandbox.up.context", context=c.name, url=c.url, version=version),
                  flush=True)
        print(t("template.sandbox.repo", url=fleet.chart_repo_url,
                oci=fleet.chart_repo.oci_url), flush=True)
        print(t("sandbox.up.hint", path=fleet.kubeconfig_path,
                context=fleet.clusters[0].name if fleet.clusters else ""), flush=True)
        await asyncio.Event().wait()

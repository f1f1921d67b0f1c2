"""``ccseone sandbox up``: serve a fleet until cancelled (Ctrl-C)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ccseone_tui.i18n import t
from ccseone_tui.sandbox.clusteradm import write_clusteradm_shim
from ccseone_tui.sandbox.fleet import SandboxFleet


@contextlib.contextmanager
def _shim_dir(ocm: bool) -> Iterator[Path | None]:
    """A temporary directory holding the ``clusteradm`` shim (OCM fleets only)."""
    if not ocm:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="ccseone-sandbox-bin-") as tmp:
        yield write_clusteradm_shim(tmp)


async def run_sandbox_forever(
    clusters: int,
    latency_ms: float,
    kubeconfig_path: Path | None,
    version: str,
    *,
    tls: bool | None = None,
    ocm: bool = False,
    managed_serviceaccount: bool = False,
) -> None:
    """Start ``clusters`` sandbox clusters, print the kubeconfig and contexts, serve until
    the task is cancelled. With no path, the kubeconfig is a temporary file removed at exit.
    ``tls=None`` serves HTTPS when the openssl command exists, because kubectl sends its
    bearer token only over TLS. ``ocm`` adds the emulated OCM hub (context ``hub``, members
    not joined) and prints the path of a ``clusteradm`` stand-in to put first on PATH."""
    if tls is None:
        tls = shutil.which("openssl") is not None
    fleet = SandboxFleet(clusters=clusters, latency_ms=latency_ms, version=version,
                         kubeconfig_path=kubeconfig_path, tls=tls, ocm=ocm,
                         managed_serviceaccount=managed_serviceaccount)
    async with fleet:
        with _shim_dir(ocm) as shim:
            print(t("sandbox.up.kubeconfig", path=fleet.kubeconfig_path), flush=True)
            for c in fleet.clusters:
                print(t("sandbox.up.context", context=c.name, url=c.url, version=version),
                      flush=True)
            if fleet.hub is not None and shim is not None:
                print(t("sandbox.up.context", context=fleet.hub.name, url=fleet.hub.url,
                        version=version), flush=True)
                print(f"  clusteradm: {shim}", flush=True)
            print(t("template.sandbox.repo", url=fleet.chart_repo_url,
                    oci=fleet.chart_repo.oci_url), flush=True)
            print(t("sandbox.up.hint", path=fleet.kubeconfig_path,
                    context=fleet.clusters[0].name if fleet.clusters else ""), flush=True)
            await asyncio.Event().wait()

"""kubectl against a sandbox cluster (skipped without kubectl on PATH). kubectl sends its
bearer token only over TLS, so this fleet serves HTTPS (needs the openssl command)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.sandbox import SandboxFleet

pytestmark = pytest.mark.skipif(
    shutil.which("kubectl") is None or shutil.which("openssl") is None,
    reason="kubectl and openssl are needed on PATH",
)

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: x
data:
  mode: demo
"""


@pytest.fixture
async def tls_fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=1, tls=True, log_rate=50.0) as f:
        yield f


async def kubectl(fleet: SandboxFleet, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "kubectl", "--kubeconfig", str(fleet.kubeconfig_path), "--context", "sandbox-1", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, (args, err.decode())
    return out.decode()


async def test_kubectl_workflow(tls_fleet: SandboxFleet, tmp_path: Path) -> None:
    c = tls_fleet.clusters[0]
    assert "kube-system" in await kubectl(tls_fleet, "get", "ns")
    assert "namespace/x created" in await kubectl(tls_fleet, "create", "ns", "x")
    out = await kubectl(tls_fleet, "-n", "x", "create", "deployment", "web", "--image=nginx")
    assert "deployment.apps/web created" in out
    assert ("POST", "/apis/apps/v1/namespaces/x/deployments?fieldManager=kubectl-create"
            "&fieldValidation=Strict") in c.requests

    manifest = tmp_path / "cm.yaml"
    manifest.write_text(CONFIGMAP)
    out = await kubectl(tls_fleet, "apply", "--server-side", "-f", str(manifest))
    assert "configmap/settings serverside-applied" in out
    cm = c.state.get(("", "configmaps"), "x", "settings")
    assert cm is not None and cm["metadata"]["managedFields"][0]["manager"] == "kubectl"

    await c.settle()
    pods = await kubectl(tls_fleet, "-n", "x", "get", "pods")
    assert "Running" in pods and "1/1" in pods
    pod = pods.splitlines()[1].split()[0]

    t = c.log_source("x", pod).line_time(9)
    assert t is not None
    await asyncio.sleep(max(0.0, (t - __import__("time").time_ns()) / 1e9 + 0.001))
    tail = await kubectl(tls_fleet, "-n", "x", "logs", pod, "--tail=5")
    assert len(tail.splitlines()) == 5

    proc = await asyncio.create_subprocess_exec(
        "kubectl", "--kubeconfig", str(tls_fleet.kubeconfig_path), "--context", "sandbox-1",
        "-n", "x", "logs", "-f", pod, "--tail=1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        lines = [await asyncio.wait_for(proc.stdout.readline(), 10) for _ in range(3)]
        assert all(line.strip() for line in lines)
    finally:
        proc.kill()
        await proc.wait()

    out = await kubectl(tls_fleet, "delete", "ns", "x", "--wait=false")
    assert 'namespace "x" deleted' in out
    await c.settle()
    assert c.state.get(("", "namespaces"), "", "x") is None

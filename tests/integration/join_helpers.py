"""Running a cluster's join snippet against a sandbox member: with kubectl and ``sh`` (the
real thing), or by sending the snippet's own API calls through the kube client, so a CI
without kubectl still covers registration end to end."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.kube import ClusterClient, ClusterRef
from ccseone_tui.sandbox import SandboxCluster, SandboxFleet
from ccseone_tui.services.clusters.join import NAMESPACE, SERVICE_ACCOUNT, RegistrationToken

HAVE_KUBECTL = shutil.which("kubectl") is not None and shutil.which("openssl") is not None


def snippet_manifests(snippet: str) -> list[dict[str, Any]]:
    """The objects the snippet applies (its heredoc), so both paths apply the same ones."""
    m = re.search(r"<<'EOF'\n(.*?)\nEOF\n", snippet, re.S)
    assert m, "the join snippet applies its objects from a heredoc"
    return [d for d in yaml.safe_load_all(m.group(1)) if d]


async def member_client(fleet: SandboxFleet, member: SandboxCluster) -> ClusterClient:
    return await ClusterClient.connect(
        ClusterRef(name=member.name, kubeconfig=str(fleet.kubeconfig_path), context=member.name))


async def join_via_api(fleet: SandboxFleet, member: SandboxCluster, snippet: str,
                       cluster_name: str, seconds: int = 8760 * 3600) -> str:
    """What the snippet does, through the kube client: apply, mint, print the token."""
    client = await member_client(fleet, member)
    try:
        for obj in snippet_manifests(snippet):
            await client.apply(obj, field_manager="ccseone-join")
        answer = await client.request(
            "POST", f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/{SERVICE_ACCOUNT}/token",
            body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                  "spec": {"expirationSeconds": seconds}})
    finally:
        await client.close()
    ca = base64.b64encode(member.ca_pem).decode() if member.ca_pem else ""
    return RegistrationToken(cluster=cluster_name, server=member.url, ca=ca,
                             token=answer["status"]["token"], issued=int(time.time())).encode()


async def join_via_kubectl(fleet: SandboxFleet, member: SandboxCluster, snippet: str,
                           tmp_path: Path) -> tuple[str, str]:
    """Run the snippet with ``sh`` where kubectl's current context is ``member``;
    (stdout, stderr)."""
    script = tmp_path / "join.sh"
    script.write_text(snippet)
    kubeconfig = tmp_path / "member.kubeconfig"  # a copy: use-context rewrites the file
    shutil.copyfile(fleet.kubeconfig_path, kubeconfig)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "KUBECONFIG": str(kubeconfig)}
    proc = await asyncio.create_subprocess_exec(
        "kubectl", "config", "use-context", member.name, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    await asyncio.wait_for(proc.communicate(), timeout=30)
    proc = await asyncio.create_subprocess_exec(
        "sh", str(script), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    return out.decode(), err.decode()

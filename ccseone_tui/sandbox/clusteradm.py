"""A ``clusteradm`` stand-in for sandbox fleets: ``join``, ``accept`` and ``get token`` with
the real tool's flags, doing over HTTP what the real one does (no OCM images involved).

    python -m ccseone_tui.sandbox.clusteradm join --hub-token T --hub-apiserver URL \\
        --cluster-name NAME [--wait] [--context CTX] [--kubeconfig F] \\
        [--klusterlet-values-file V.yaml] [--ca-file CA]

``join`` creates on the member (kubeconfig's current or ``--context`` cluster) what the real
``clusteradm join`` applies that matters to registration: namespaces ``open-cluster-management``
and ``open-cluster-management-agent``, the Secret ``bootstrap-hub-kubeconfig`` and the
Klusterlet ``klusterlet``. Node placement comes, as with the real tool, from
``--klusterlet-values-file`` (Helm values: ``klusterlet.nodePlacement``). ``--wait`` waits for
the emulated agent to file its CSR (exit 0) or to fail (exit 1 with the agent's message).
``write_clusteradm_shim(dir)`` writes an executable ``clusteradm`` that runs this module.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import ssl
import stat
import sys
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from ccseone_tui.sandbox.ocm_agent import (
    AGENT_NAMESPACE,
    BOOTSTRAP_SECRET,
    HUB_DEGRADED,
    KLUSTERLET_NAME,
)
from ccseone_tui.sandbox.ocm_hub import BOOTSTRAP_SA, CLUSTER_LABEL, OCM_NAMESPACE

Obj = dict[str, Any]
DEFAULT_REGISTRY = "quay.io/open-cluster-management"
DEFAULT_BUNDLE = "v1.0.0"
_KL_PATH = "/apis/operator.open-cluster-management.io/v1/klusterlets"
_MC_PATH = "/apis/cluster.open-cluster-management.io/v1/managedclusters"
_CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"


class UsageError(Exception):
    pass


# ---- what join creates ----------------------------------------------------------------------
def bootstrap_kubeconfig(hub_apiserver: str, token: str, ca_pem: bytes | None) -> str:
    cluster: Obj = {"server": hub_apiserver}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    elif hub_apiserver.startswith("https"):
        cluster["insecure-skip-tls-verify"] = True
    return yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "bootstrap",
        "clusters": [{"name": "hub", "cluster": cluster}],
        "users": [{"name": "bootstrap", "user": {"token": token}}],
        "contexts": [{"name": "bootstrap", "context": {"cluster": "hub", "user": "bootstrap",
                                                       "namespace": "default"}}],
    }, sort_keys=False)


def join_objects(hub_apiserver: str, token: str, cluster_name: str, ca_pem: bytes | None,
                 values: Obj | None = None, registry: str = DEFAULT_REGISTRY,
                 bundle_version: str = DEFAULT_BUNDLE) -> list[tuple[str, str, Obj]]:
    """(API path of the collection, name, object) in apply order."""
    values = values or {}
    kl_values = values.get("klusterlet") or {}
    image = f"{registry}/{{}}:{bundle_version}"
    spec: Obj = {
        "deployOption": {"mode": kl_values.get("mode") or "Default"},
        "clusterName": cluster_name,
        "namespace": AGENT_NAMESPACE,
        "registrationImagePullSpec": image.format("registration"),
        "workImagePullSpec": image.format("work"),
        "imagePullSpec": image.format("registration-operator"),
        "externalServerURLs": kl_values.get("externalServerURLs") or [],
    }
    for key in ("nodePlacement", "registrationConfiguration", "workConfiguration",
                "resourceRequirement"):
        if kl_values.get(key):
            spec[key] = kl_values[key]
    kubeconfig = bootstrap_kubeconfig(hub_apiserver, token, ca_pem)
    return [
        ("/api/v1/namespaces", OCM_NAMESPACE,
         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": OCM_NAMESPACE}}),
        ("/api/v1/namespaces", AGENT_NAMESPACE,
         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": AGENT_NAMESPACE}}),
        (f"/api/v1/namespaces/{AGENT_NAMESPACE}/secrets", BOOTSTRAP_SECRET,
         {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
          "metadata": {"name": BOOTSTRAP_SECRET, "namespace": AGENT_NAMESPACE},
          "data": {"kubeconfig": base64.b64encode(kubeconfig.encode()).decode()}}),
        (_KL_PATH, KLUSTERLET_NAME,
         {"apiVersion": "operator.open-cluster-management.io/v1", "kind": "Klusterlet",
          "metadata": {"name": KLUSTERLET_NAME}, "spec": spec}),
    ]


# ---- a kubeconfig context as an HTTP client ---------------------------------------------------
class Target:
    def __init__(self, server: str, token: str, ca_pem: bytes | None,
                 insecure: bool = False) -> None:
        self.server = server.rstrip("/")
        self.token = token
        ctx: ssl.SSLContext | bool = False
        if server.startswith("https") and not insecure:
            ctx = ssl.create_default_context(cadata=ca_pem.decode()) if ca_pem else \
                ssl.create_default_context()
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx))

    @classmethod
    def from_kubeconfig(cls, path: str | None, context: str | None) -> Target:
        file = path or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or str(
            Path.home() / ".kube" / "config")
        doc = yaml.safe_load(Path(file).read_text()) or {}
        name = context or doc.get("current-context") or ""
        contexts = {c["name"]: c.get("context") or {} for c in doc.get("contexts") or []}
        if name not in contexts:
            raise UsageError(f'context "{name}" does not exist in {file}')
        ctx = contexts[name]
        cluster = next((c.get("cluster") or {} for c in doc.get("clusters") or []
                        if c["name"] == ctx.get("cluster")), {})
        user = next((u.get("user") or {} for u in doc.get("users") or []
                     if u["name"] == ctx.get("user")), {})
        ca = cluster.get("certificate-authority-data")
        return cls(str(cluster.get("server", "")), str(user.get("token", "")),
                   base64.b64decode(ca) if ca else None,
                   bool(cluster.get("insecure-skip-tls-verify")))

    async def close(self) -> None:
        await self.session.close()

    async def call(self, method: str, path: str, body: Any = None,
                   content_type: str = "application/json") -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            headers["Content-Type"] = content_type
        async with self.session.request(method, self.server + path, headers=headers,
                                        data=None if body is None else json.dumps(body)) as r:
            raw = await r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, raw.decode(errors="replace")

    async def ok(self, method: str, path: str, body: Any = None,
                 content_type: str = "application/json") -> Any:
        status, doc = await self.call(method, path, body, content_type)
        if status >= 400:
            msg = doc.get("message") if isinstance(doc, dict) else doc
            raise RuntimeError(f"{method} {path}: {msg or status}")
        return doc

    async def apply(self, collection: str, name: str, obj: Obj) -> None:
        """Create, or merge-patch what exists (re-running join updates the objects)."""
        status, doc = await self.call("POST", collection, obj)
        if status == 409:
            await self.ok("PATCH", f"{collection}/{name}", obj, "application/merge-patch+json")
        elif status >= 400:
            msg = doc.get("message") if isinstance(doc, dict) else doc
            raise RuntimeError(f"creating {name}: {msg or status}")

    async def watch_until(self, path: str, name: str, check: Any, within: float) -> Any:
        """List+watch one object until ``check(obj)`` returns non-None."""
        async with asyncio.timeout(within):
            while True:
                listing = await self.ok("GET", f"{path}?fieldSelector=metadata.name%3D{name}")
                for item in listing.get("items") or []:
                    if (got := check(item)) is not None:
                        return got
                rv = listing["metadata"].get("resourceVersion", "")
                headers = {"Authorization": f"Bearer {self.token}"}
                url = (f"{self.server}{path}?watch=true&fieldSelector=metadata.name%3D{name}"
                       f"&resourceVersion={rv}")
                async with self.session.get(url, headers=headers) as r:
                    async for line in r.content:
                        if line.strip():
                            event = json.loads(line)
                            if event.get("type") in ("ADDED", "MODIFIED") and (
                                    got := check(event["object"])) is not None:
                                return got


async def hub_ca(hub_apiserver: str) -> bytes | None:
    """The hub CA from its public kube-public/cluster-info (what clusteradm join reads when
    no --ca-file is given)."""
    if not hub_apiserver.startswith("https"):
        return None
    anon = Target(hub_apiserver, "", None, insecure=True)
    try:
        status, doc = await anon.call("GET", "/api/v1/namespaces/kube-public/configmaps/"
                                             "cluster-info")
    finally:
        await anon.close()
    if status != 200 or not isinstance(doc, dict):
        return None
    config = yaml.safe_load((doc.get("data") or {}).get("kubeconfig", "")) or {}
    for c in config.get("clusters") or []:
        ca = (c.get("cluster") or {}).get("certificate-authority-data")
        if ca:
            return base64.b64decode(ca)
    return None


def _join_outcome(kl: Obj) -> tuple[int, str] | None:
    """(exit code, message) once the agent got past bootstrap (CSR filed) or failed."""
    for c in (kl.get("status") or {}).get("conditions") or []:
        if c.get("type") != HUB_DEGRADED:
            continue
        reason = str(c.get("reason", ""))
        if reason.startswith(("BootstrapSecretError", "BootstrapSecretUnauthorized")):
            return 1, str(c.get("message", "")).split("\n")[0]
        if reason.startswith(("BootstrapSecretFunctional", "HubKubeConfigUnauthorized",
                              "HubConnectionFunctional")):
            return 0, str(c.get("message", "")).split("\n")[0]
    return None


# ---- commands ---------------------------------------------------------------------------------
async def cmd_join(args: argparse.Namespace) -> int:
    if not (args.hub_token and args.hub_apiserver and args.cluster_name):
        raise UsageError("no flags have been set: hub-apiserver, hub-token and cluster-name "
                         "is required")
    if args.mode not in ("default", "Default"):
        raise UsageError("the sandbox clusteradm only supports --mode default")
    values: Obj = args.values
    ca = args.ca_pem if args.ca_file else await hub_ca(args.hub_apiserver)
    member = Target.from_kubeconfig(args.kubeconfig, args.context)
    try:
        for collection, name, obj in join_objects(args.hub_apiserver, args.hub_token,
                                                  args.cluster_name, ca, values,
                                                  args.image_registry, args.bundle_version):
            await member.apply(collection, name, obj)
        if not args.wait:
            print("Please log onto the hub cluster and run the following command:\n\n"
                  f"    clusteradm accept --clusters {args.cluster_name}\n")
            return 0
        print("Waiting for klusterlet agent to become ready...", flush=True)
        try:
            code, message = await member.watch_until(_KL_PATH, KLUSTERLET_NAME, _join_outcome,
                                                     args.timeout)
        except TimeoutError:
            print(f"Error: timed out waiting for the klusterlet agent of {args.cluster_name}",
                  file=sys.stderr)
            return 1
        if code:
            print(f"Error: {message}", file=sys.stderr)
            return 1
        print(message)
        print("Please log onto the hub cluster and run the following command:\n\n"
              f"    clusteradm accept --clusters {args.cluster_name}\n")
        return 0
    finally:
        await member.close()


async def accept_cluster(hub: Target, cluster: str) -> bool:
    """Approve the cluster's pending CSRs and set hubAcceptsClient (clusteradm accept)."""
    listing = await hub.ok("GET", f"{_CSR_PATH}?labelSelector={CLUSTER_LABEL}%3D{cluster}")
    approved = False
    for csr in listing.get("items") or []:
        conds = (csr.get("status") or {}).get("conditions") or []
        if any(c.get("type") == "Denied" for c in conds):
            continue
        if any(c.get("type") == "Approved" for c in conds):
            approved = True
            continue
        name = csr["metadata"]["name"]
        csr.setdefault("status", {})["conditions"] = [*conds, {
            "type": "Approved", "status": "True", "reason": "clusteradm Approve",
            "message": "This CSR was approved by clusteradm certificate approve."}]
        await hub.ok("PUT", f"{_CSR_PATH}/{name}/approval", csr)
        print(f"CSR {name} approved")
        approved = True
    if not approved:
        return False
    await hub.ok("PATCH", f"{_MC_PATH}/{cluster}", {"spec": {"hubAcceptsClient": True}},
                 "application/merge-patch+json")
    print(f"set hubAcceptsClient to true for managed cluster {cluster}")
    print(f"\n Your managed cluster {cluster} has joined the Hub successfully.")
    return True


async def _csr_filed(hub: Target, cluster: str) -> None:
    """Return once the cluster has a CSR that is not denied (watching, not polling)."""
    query = f"labelSelector={CLUSTER_LABEL}%3D{cluster}"
    listing = await hub.ok("GET", f"{_CSR_PATH}?{query}")
    for csr in listing.get("items") or []:
        conds = (csr.get("status") or {}).get("conditions") or []
        if not any(c.get("type") == "Denied" for c in conds):
            return
    rv = listing["metadata"].get("resourceVersion", "")
    url = f"{hub.server}{_CSR_PATH}?{query}&watch=true&resourceVersion={rv}"
    async with hub.session.get(url, headers={"Authorization": f"Bearer {hub.token}"}) as r:
        async for line in r.content:
            if line.strip() and json.loads(line).get("type") == "ADDED":
                return


async def cmd_accept(args: argparse.Namespace) -> int:
    clusters = [c for c in (args.clusters or "").split(",") if c]
    if not clusters:
        raise UsageError("the name of the cluster must be specified with --clusters")
    hub = Target.from_kubeconfig(args.kubeconfig, args.context)
    failed = 0
    try:
        for cluster in clusters:
            if args.wait:
                async with asyncio.timeout(args.timeout):
                    while not await accept_cluster(hub, cluster):
                        await _csr_filed(hub, cluster)
            elif not await accept_cluster(hub, cluster):
                print(f"Error: no csr is approved yet for cluster {cluster}", file=sys.stderr)
                failed += 1
    finally:
        await hub.close()
    return 1 if failed else 0


async def cmd_get_token(args: argparse.Namespace) -> int:
    hub = Target.from_kubeconfig(args.kubeconfig, args.context)
    try:
        answer = await hub.ok(
            "POST", f"/api/v1/namespaces/{OCM_NAMESPACE}/serviceaccounts/{BOOTSTRAP_SA}/token",
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
             "spec": {"expirationSeconds": 3600 * 24 * 365}})
    finally:
        await hub.close()
    token = answer["status"]["token"]
    print(f"token={token}")
    print("please log on spoke and run:")
    print(f"clusteradm join --hub-token {token} --hub-apiserver {hub.server} "
          "--cluster-name <cluster_name>")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clusteradm", description="sandbox clusteradm stand-in")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--kubeconfig")
        sp.add_argument("--context")
        sp.add_argument("--timeout", type=int, default=300)
        sp.add_argument("--dry-run", action="store_true")

    join = sub.add_parser("join")
    common(join)
    join.add_argument("--hub-token")
    join.add_argument("--hub-apiserver")
    join.add_argument("--cluster-name")
    join.add_argument("--wait", action="store_true")
    join.add_argument("--ca-file")
    join.add_argument("--klusterlet-values-file")
    join.add_argument("--image-registry", default=DEFAULT_REGISTRY)
    join.add_argument("--bundle-version", default=DEFAULT_BUNDLE)
    join.add_argument("--mode", "-m", default="default")
    join.add_argument("--singleton", action="store_true")
    join.add_argument("--force-internal-endpoint-lookup", action="store_true")
    join.add_argument("--klusterlet-annotation", action="append", default=[])
    accept = sub.add_parser("accept")
    common(accept)
    accept.add_argument("--clusters")
    accept.add_argument("--wait", action="store_true")
    accept.add_argument("--skip-approve-check", action="store_true")
    get = sub.add_parser("get")
    get_sub = get.add_subparsers(dest="what", required=True)
    token = get_sub.add_parser("token")
    common(token)
    token.add_argument("--use-bootstrap-token", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # unknown flags: usage on stderr, exit 2
    command = {"join": cmd_join, "accept": cmd_accept}.get(args.command)
    if args.command == "get":
        command = cmd_get_token
    assert command is not None
    try:
        if args.command == "join":  # files are read before the event loop starts
            args.values = yaml.safe_load(Path(args.klusterlet_values_file).read_text()) or {} \
                if args.klusterlet_values_file else {}
            args.ca_pem = Path(args.ca_file).read_bytes() if args.ca_file else None
        return asyncio.run(command(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError, aiohttp.ClientError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1


def write_clusteradm_shim(directory: Path | str) -> Path:
    """An executable ``clusteradm`` in ``directory`` that runs this module with the current
    interpreter (put the directory first on PATH)."""
    path = Path(directory) / "clusteradm"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ccseone_tui.sandbox.clusteradm '
                    '"$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


if __name__ == "__main__":
    sys.exit(main())

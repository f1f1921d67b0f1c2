"""Registration on a hub (SPEC §3.1.3.3-4), doing what ``clusteradm`` does over the API:
pre-create the ManagedCluster, mint a bootstrap token for the join command (TokenRequest),
accept (approve the cluster's pending CSRs, set ``hubAcceptsClient``) or deny."""

from __future__ import annotations

import calendar
import shlex
import time
from typing import Any

import yaml

from ccseone_tui.domain.errors import Conflict, NameExists, ResourceNotFound
from ccseone_tui.domain.member_errors import HubBootstrapMissing, NoPendingRequest, NotOnHub
from ccseone_tui.domain.members import JoinInstructions
from ccseone_tui.engines.base import MemberSpec
from ccseone_tui.engines.ocm import api
from ccseone_tui.engines.ocm.hub import Hub
from ccseone_tui.engines.ocm.managed_clusters import _csr_state
from ccseone_tui.engines.probe import EDGE_LABEL, EDGE_VALUE
from ccseone_tui.i18n import t

Obj = dict[str, Any]
TOKEN_SECONDS = 24 * 3600  # a join command is run soon after it is shown; one day is plenty
LEASE_SECONDS = 60


def managed_cluster(spec: MemberSpec) -> Obj:
    labels = dict(spec.labels)
    if spec.region:
        labels[api.REGION_LABEL] = spec.region
    return {"apiVersion": api.CLUSTER_API, "kind": api.MANAGED_CLUSTER,
            "metadata": {"name": spec.name, "labels": labels,
                         "annotations": {api.CREATED_BY: "ccseone",
                                         api.PROTECTION: str(spec.deletion_protection).lower()}},
            # not accepted until `clusters accept`: creating it is not consent to its agent
            "spec": {"hubAcceptsClient": False, "leaseDurationSeconds": LEASE_SECONDS}}


async def create(hub: Hub, spec: MemberSpec) -> Obj:
    async def post(client: Any) -> Obj:
        try:
            return await client.create(managed_cluster(spec))
        except Conflict:
            raise NameExists(name=spec.name) from None

    return await hub.call(post)


def values_file(name: str) -> tuple[str, str]:
    """The Helm values `clusteradm join --klusterlet-values-file` reads: the Klusterlet's
    nodePlacement, so its agents run on the platform's edge nodes (SPEC §5.6)."""
    doc = {"klusterlet": {"nodePlacement": {"nodeSelector": {EDGE_LABEL: EDGE_VALUE}}}}
    return f"{name}-klusterlet-values.yaml", yaml.safe_dump(doc, sort_keys=False)


def _epoch(rfc3339: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(rfc3339[:19], "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return None


async def join_instructions(hub: Hub, name: str) -> JoinInstructions:
    account = await hub.bootstrap_account()
    if account is None:
        raise HubBootstrapMissing(context=hub.ref.context or "", accounts=", ".join(
            f"{api.OCM_NAMESPACE}/{a}" for a in api.BOOTSTRAP_ACCOUNTS))

    async def mint(client: Any) -> tuple[Obj, str]:
        answer = await client.request(
            "POST", f"/api/v1/namespaces/{api.OCM_NAMESPACE}/serviceaccounts/{account}/token",
            body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                  "spec": {"expirationSeconds": TOKEN_SECONDS}})
        return answer, client.server

    answer, server = await hub.call(mint)
    status = answer.get("status") or {}
    expires = _epoch(str(status.get("expirationTimestamp", "")))
    file_name, content = values_file(name)
    command = shlex.join(["clusteradm", "join", "--hub-token", str(status.get("token", "")),
                          "--hub-apiserver", server, "--cluster-name", name,
                          "--klusterlet-values-file", file_name, "--wait"])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expires)) if expires else "?"
    return JoinInstructions(
        cluster=name, command=f"{t('hub.join.expires', when=when)}\n{command}",
        files={file_name: f"{t('hub.join.values')}\n{content}"},
        expires_at=expires, then=t("hub.join.then", cluster=name))


async def _cluster(hub: Hub, client: Any, name: str) -> Obj:
    try:
        return await client.get(api.CLUSTER_API, api.MANAGED_CLUSTER, name)
    except ResourceNotFound:
        raise NotOnHub(cluster=name, instance=hub.instance) from None


async def _csrs(client: Any, name: str) -> list[Obj]:
    listing = await client.list(api.CSR_API, api.CSR,
                                label_selector=f"{api.CLUSTER_LABEL}={name}")
    return list(listing.get("items") or [])


async def _decide(client: Any, csr: Obj, type_: str, reason: str, message: str) -> None:
    """PUT the approval subresource with one more condition (what kubectl certificate
    approve/deny and clusteradm accept do)."""
    body = dict(csr)
    status = dict(body.get("status") or {})
    status["conditions"] = [*(status.get("conditions") or []), {
        "type": type_, "status": "True", "reason": reason, "message": message,
        "lastUpdateTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}]
    body["status"] = status
    await client.request("PUT", f"{api.CSR_PATH}/{csr['metadata']['name']}/approval", body=body)


async def _set_accepts(client: Any, name: str, value: bool) -> None:
    await client.merge_patch(api.CLUSTER_API, api.MANAGED_CLUSTER, name,
                             {"spec": {"hubAcceptsClient": value}})


async def accept(hub: Hub, name: str) -> str:
    """Approve the cluster's pending CSRs and set hubAcceptsClient true (`clusteradm
    accept`). No pending CSR: fine when already accepted (or a CSR was approved before),
    else ``NoPendingRequest`` — accepting a cluster whose agent never asked grants nothing."""
    async def run(client: Any) -> str:
        mc = await _cluster(hub, client, name)
        csrs = await _csrs(client, name)
        waiting = [c for c in csrs if _csr_state(c) == "pending"]
        accepts = bool((mc.get("spec") or {}).get("hubAcceptsClient"))
        for csr in waiting:
            await _decide(client, csr, "Approved", api.APPROVE_REASON, api.APPROVE_MESSAGE)
        if not waiting:
            if accepts:
                return t("hub.accept.already")
            if not any(_csr_state(c) == "approved" for c in csrs):
                raise NoPendingRequest(cluster=name, action="accepted")
        if not accepts:
            await _set_accepts(client, name, True)
        names = ", ".join(c["metadata"]["name"] for c in waiting) or "-"
        return t("hub.accept.done", csrs=names)

    return await hub.call(run)


async def deny(hub: Hub, name: str) -> str:
    """Deny the cluster's pending CSRs and set hubAcceptsClient false. With nothing pending
    and the cluster not accepted there is nothing to deny."""
    async def run(client: Any) -> str:
        waiting = [c for c in await _csrs(client, name) if _csr_state(c) == "pending"]
        try:
            mc = await _cluster(hub, client, name)
        except NotOnHub:
            if not waiting:  # a join request for a name nobody created can still be denied
                raise
            mc = {}
        accepts = bool((mc.get("spec") or {}).get("hubAcceptsClient"))
        if not waiting and not accepts:
            raise NoPendingRequest(cluster=name, action="denied")
        for csr in waiting:
            await _decide(client, csr, "Denied", api.DENY_REASON, api.DENY_MESSAGE)
        if accepts:
            await _set_accepts(client, name, False)
        return t("hub.deny.done", csrs=", ".join(c["metadata"]["name"] for c in waiting) or "-")

    return await hub.call(run)

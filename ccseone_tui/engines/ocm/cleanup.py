"""Removing a member from a hub (SPEC §3.1.3.6, §5.7), in the order that leaves nothing
behind: its ManifestWorks (their work agent removes what they applied, then their
``manifest-work-cleanup`` finalizer), its ManagedClusterAddOns, the ManagedCluster, its
namespace on the hub, and an Argo CD cluster secret for it. Works still held by the
finalizer after ``wait_seconds`` (the agent is gone) stop the removal before the ManagedCluster
goes, unless the caller confirmed removing the finalizer."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shlex
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, ResourceNotFound
from ccseone_tui.domain.members import CleanupOutcome, MemberRemoval
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.engines.ocm import api
from ccseone_tui.engines.ocm.hub import Hub
from ccseone_tui.i18n import t

Obj = dict[str, Any]
OK, FAILED = TaskStatus.SUCCEEDED.value, TaskStatus.FAILED.value


def member_commands(name: str) -> list[str]:
    """What is left to do on the member itself (the hub cannot reach into it)."""
    q = shlex.quote(name)
    return [f"clusteradm unjoin --cluster-name {q}",
            "kubectl get appliedmanifestworks.work.open-cluster-management.io",
            "kubectl patch appliedmanifestwork <NAME> --type=merge "
            "-p '{\"metadata\":{\"finalizers\":[]}}'  # only for leftovers stuck on deletion",
            "kubectl delete appliedmanifestworks.work.open-cluster-management.io --all"]


async def _delete(client: Any, result: MemberRemoval, label: str, api_version: str, kind: str,
                  name: str, namespace: str | None = None) -> bool:
    try:
        await client.delete(api_version, kind, name, namespace=namespace)
    except ResourceNotFound:
        result.steps.append(CleanupOutcome(label, OK, t("hub.cleanup.gone")))
        return False
    except CcseoneError as exc:
        result.steps.append(CleanupOutcome(label, FAILED, str(exc)))
        raise
    result.steps.append(CleanupOutcome(label, OK, t("hub.cleanup.deleted")))
    return True


async def _items(client: Any, api_version: str, kind: str, namespace: str,
                 selector: str | None = None) -> list[Obj]:
    try:
        listing = await client.list(api_version, kind, namespace=namespace,
                                    label_selector=selector)
    except ResourceNotFound:  # kind not served (no addon framework, no argocd)
        return []
    return list(listing.get("items") or [])


async def _works_gone(client: Any, name: str, wait_seconds: float) -> list[Obj]:
    """Wait (watching, not polling) until the cluster namespace has no ManifestWork or the
    timeout passes; returns the works still there."""
    left = {w["metadata"]["name"]: w
            for w in await _items(client, api.WORK_API, api.MANIFEST_WORK, name)}
    if not left or wait_seconds <= 0:
        return list(left.values())
    stream = client.watch(api.WORK_API, api.MANIFEST_WORK, namespace=name)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait_seconds):
            try:
                async for event in stream:
                    obj = event.object
                    if event.type == "RELIST":
                        left = {w["metadata"]["name"]: w for w in obj.get("items") or []}
                    elif event.type == "DELETED":
                        left.pop(obj["metadata"]["name"], None)
                    elif event.type in ("ADDED", "MODIFIED"):
                        left[obj["metadata"]["name"]] = obj
                    if not left:
                        break
            finally:
                await stream.aclose()
    return list(left.values())


async def remove(hub: Hub, name: str, *, remove_finalizers: bool, wait_seconds: float
                 ) -> MemberRemoval:
    result = MemberRemoval(cluster=name, commands=member_commands(name))

    async def run(client: Any) -> None:
        for work in await _items(client, api.WORK_API, api.MANIFEST_WORK, name):
            w = work["metadata"]["name"]
            await _delete(client, result, f"ManifestWork {name}/{w}", api.WORK_API,
                          api.MANIFEST_WORK, w, name)
        addons = await _items(client, api.ADDON_API, api.MANAGED_CLUSTER_ADDON, name)
        for addon in addons:
            a = addon["metadata"]["name"]
            await _delete(client, result, f"ManagedClusterAddOn {name}/{a}", api.ADDON_API,
                          api.MANAGED_CLUSTER_ADDON, a, name)
        stuck = await _works_gone(client, name, wait_seconds)
        if stuck:
            names = [w["metadata"]["name"] for w in stuck]
            if not remove_finalizers:
                result.stuck = names
                result.done = False
                for w in names:
                    result.steps.append(CleanupOutcome(
                        f"ManifestWork {name}/{w}", FAILED,
                        t("hub.cleanup.stuck", finalizer=api.WORK_FINALIZER)))
                return
            for work in stuck:
                await _drop_finalizer(client, result, name, work)
        await _delete(client, result, f"ManagedCluster {name}", api.CLUSTER_API,
                      api.MANAGED_CLUSTER, name)
        await _delete(client, result, f"Namespace {name}", "v1", "Namespace", name)
        await _argocd(client, result, name)

    await hub.call(run)
    return result


async def _drop_finalizer(client: Any, result: MemberRemoval, ns: str, work: Obj) -> None:
    """A JSON merge patch replaces the whole list: every other finalizer is kept."""
    w = work["metadata"]["name"]
    keep = [f for f in work["metadata"].get("finalizers") or [] if f != api.WORK_FINALIZER]
    label = f"ManifestWork {ns}/{w}"
    try:
        await client.merge_patch(api.WORK_API, api.MANIFEST_WORK, w,
                                 {"metadata": {"finalizers": keep or None}}, namespace=ns)
    except ResourceNotFound:
        result.steps.append(CleanupOutcome(label, OK, t("hub.cleanup.gone")))
        return
    result.steps.append(CleanupOutcome(label, OK, t("hub.cleanup.finalizer_removed",
                                                     finalizer=api.WORK_FINALIZER)))


def _names_cluster(secret: Obj, name: str) -> bool:
    if secret["metadata"]["name"] == name:
        return True
    raw = (secret.get("data") or {}).get("name")
    try:
        return raw is not None and base64.b64decode(raw).decode() == name
    except ValueError:
        return False


async def _argocd(client: Any, result: MemberRemoval, name: str) -> None:
    secrets = await _items(client, "v1", "Secret", api.ARGOCD_NAMESPACE,
                           api.ARGOCD_CLUSTER_LABEL)
    found = [s for s in secrets if _names_cluster(s, name)]
    if not found:
        result.steps.append(CleanupOutcome(f"Secret {api.ARGOCD_NAMESPACE}/* (argocd cluster)",
                                           OK, t("hub.cleanup.absent")))
    for secret in found:
        s = secret["metadata"]["name"]
        await _delete(client, result, f"Secret {api.ARGOCD_NAMESPACE}/{s}", "v1", "Secret", s,
                      api.ARGOCD_NAMESPACE)

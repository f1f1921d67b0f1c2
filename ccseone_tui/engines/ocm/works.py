"""Delivery through a hub: one owner's objects on one target are one ManifestWork in the
cluster's namespace on the hub, and the member's work agent applies them.

The work holds the owner's whole set (``whole_set``): ``put`` replaces its manifests (the
agent prunes what a new version dropped), ``withdraw`` deletes the work (the agent removes
what it applied, ``deleteOption`` Foreground), ``status`` reads the work's conditions,
``resourceStatus`` and status feedback — how an app's health shows without direct access.

Every write carries the resourceVersion ccseone read: a 409 means someone else changed the
work meanwhile and becomes ``ChangedElsewhere``, never a silent overwrite.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from ccseone_tui.domain.errors import Conflict, ResourceNotFound
from ccseone_tui.domain.member_errors import ChangedElsewhere, WorkDegraded, WorkTooLarge
from ccseone_tui.engines.base import DeliveryStatus, ManifestState, Obj
from ccseone_tui.engines.ocm import api

OWNER_LABEL = "ccseone.io/owner"
INSTANCE_LABEL = "ccseone.io/instance"
NAMESPACE_LABEL = "ccseone.io/namespace"
FIELD_MANAGER = "ccseone"
MANIFEST_LIMIT = 500 * 1024  # bytes: what the hub's work webhook accepts per work
APPLY_WAIT = 20.0  # seconds a put waits for the agent to report Applied on the new spec

_PLURALS = {"Ingress": "ingresses", "NetworkPolicy": "networkpolicies",
            "PodDisruptionBudget": "poddisruptionbudgets", "Endpoints": "endpoints",
            "CustomResourceDefinition": "customresourcedefinitions"}
# what a reader needs to tell "ready" per workload kind (``services/apps/status.py``)
_FEEDBACK = {
    "Deployment": ("replicas", "readyReplicas", "updatedReplicas", "availableReplicas",
                   "observedGeneration"),
    "StatefulSet": ("replicas", "readyReplicas", "updatedReplicas", "observedGeneration"),
    "DaemonSet": ("desiredNumberScheduled", "numberReady", "numberAvailable",
                  "observedGeneration"),
}


def work_name(owner: str, namespace: str) -> str:
    return f"ccseone-{owner}.{namespace}"


def plural(kind: str) -> str:
    """The resource a manifestConfig names (no discovery of the member from here)."""
    if kind in _PLURALS:
        return _PLURALS[kind]
    low = kind.lower()
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def manifest_configs(objects: list[Obj], force: bool) -> list[Obj]:
    """Server-side apply for every object (ccseone's field manager, so the agent owns the
    same fields ccseone applies on the local engine) and status feedback for workloads."""
    out = []
    for obj in objects:
        kind = str(obj.get("kind", ""))
        meta = obj.get("metadata") or {}
        group = str(obj.get("apiVersion", "")).rpartition("/")[0]
        config: Obj = {
            "resourceIdentifier": {"group": group, "resource": plural(kind),
                                   "name": meta.get("name", ""),
                                   "namespace": meta.get("namespace", "")},
            "updateStrategy": {"type": "ServerSideApply",
                               "serverSideApply": {"force": force,
                                                   "fieldManager": FIELD_MANAGER}},
        }
        if kind in _FEEDBACK:
            rules: list[Obj] = [{"type": "JSONPaths", "jsonPaths": [
                {"name": f, "path": f".status.{f}"} for f in _FEEDBACK[kind]]}]
            if kind == "Deployment":
                rules.insert(0, {"type": "WellKnownStatus"})
            config["feedbackRules"] = rules
        out.append(config)
    return out


def manifests_size(objects: list[Obj]) -> int:
    return sum(len(json.dumps(o, separators=(",", ":"))) for o in objects)


def _condition(work: Obj, type_: str) -> Obj:
    for c in (work.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return {}


def _truth(c: Obj) -> bool | None:
    return {"True": True, "False": False}.get(str(c.get("status")))


def _feedback_values(entry: Obj) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in (entry.get("statusFeedback") or {}).get("values") or []:
        field = v.get("fieldValue") or {}
        kind = str(field.get("type", "")).lower()
        value = field.get({"jsonraw": "jsonRaw"}.get(kind, kind))
        out[str(v.get("name"))] = value
    return out


def status_of(work: Obj | None, cluster: str, namespace: str, owner: str) -> DeliveryStatus:
    """The hub's word on one work, for the services (no member access needed)."""
    if work is None:
        return DeliveryStatus(owner, cluster, namespace, exists=False)
    meta = work.get("metadata") or {}
    applied, available = _condition(work, "Applied"), _condition(work, "Available")
    degraded = _condition(work, "Degraded")
    current = applied.get("observedGeneration") in (None, meta.get("generation")) and (
        bool(applied))
    manifests = []
    for entry in ((work.get("status") or {}).get("resourceStatus") or {}).get("manifests") or []:
        rm = entry.get("resourceMeta") or {}
        conds = {c.get("type"): c for c in entry.get("conditions") or []}
        failed = conds.get("Applied", {})
        manifests.append(ManifestState(
            kind=str(rm.get("kind", "")), name=str(rm.get("name", "")),
            namespace=str(rm.get("namespace", "")),
            applied=_truth(conds.get("Applied", {})),
            available=_truth(conds.get("Available", {})),
            message=str(failed.get("message", "")) if _truth(failed) is False else "",
            feedback=_feedback_values(entry)))
    objects = [f"{m.kind}/{m.name}" for m in manifests if m.applied]
    return DeliveryStatus(
        owner, cluster, namespace, applied=len(objects),
        ready=_truth(available) if current else None,
        message=str((degraded if _truth(degraded) else applied).get("message", "")),
        objects=objects, exists=True, current=current,
        applied_ok=_truth(applied) if current else None,
        degraded=bool(_truth(degraded)) or (current and _truth(applied) is False),
        manifests=manifests, annotations=dict(meta.get("annotations") or {}),
        deleting=bool(meta.get("deletionTimestamp")),
        version=str(meta.get("resourceVersion", "")),
        desired=list(((work.get("spec") or {}).get("workload") or {}).get("manifests") or []))


class WorkDelivery:
    """``engines.Delivery`` of one owner on one target of an ocm instance."""

    whole_set = True

    def __init__(self, hub: Any, instance: str, cluster: str, namespace: str, owner: str,
                 wait: float = APPLY_WAIT) -> None:
        self.hub = hub
        self.instance, self.cluster, self.namespace, self.owner = (instance, cluster,
                                                                   namespace, owner)
        self.name = work_name(owner, namespace)
        self.wait = wait

    def _body(self, objects: list[Obj], force: bool, annotations: dict[str, str]) -> Obj:
        return {
            "apiVersion": api.WORK_API, "kind": api.MANIFEST_WORK,
            "metadata": {"name": self.name, "namespace": self.cluster,
                         "labels": {OWNER_LABEL: self.owner, INSTANCE_LABEL: self.instance,
                                    NAMESPACE_LABEL: self.namespace},
                         "annotations": dict(annotations)},
            "spec": {"workload": {"manifests": objects},
                     "manifestConfigs": manifest_configs(objects, force),
                     "deleteOption": {"propagationPolicy": "Foreground"}},
        }

    async def _get(self, client: Any) -> Obj | None:
        try:
            return await client.get(api.WORK_API, api.MANIFEST_WORK, self.name,
                                    namespace=self.cluster)
        except ResourceNotFound:
            return None

    async def put(self, objects: list[Obj], *, force: bool = False, dry_run: bool = False,
                  annotations: dict[str, str] | None = None) -> list[Obj]:
        """Create or replace the work with exactly ``objects``; with ``dry_run`` the hub
        only validates it (``dryRun=All``: schema, webhook, size). Waits up to ``wait``
        seconds for the agent to report on the new spec; an agent that refused an object
        raises ``WorkDegraded`` with its per-object messages."""
        size = manifests_size(objects)
        if size > MANIFEST_LIMIT:
            raise WorkTooLarge(target=f"{self.cluster}/{self.namespace}", size=size,
                               limit=MANIFEST_LIMIT)
        body = self._body(objects, force, annotations or {})

        async def write(client: Any) -> Obj:
            old = await self._get(client)
            if old is None:
                return await client.create(body, dry_run=dry_run, field_manager=FIELD_MANAGER)
            meta = body["metadata"]
            old_meta = old.get("metadata") or {}
            meta["resourceVersion"] = old_meta.get("resourceVersion")
            meta["annotations"] = {**(old_meta.get("annotations") or {}),
                                   **meta["annotations"]}
            if old_meta.get("finalizers"):
                meta["finalizers"] = old_meta["finalizers"]
            info = await client.resolve(api.WORK_API, api.MANIFEST_WORK)
            query = [("fieldManager", FIELD_MANAGER)] + ([("dryRun", "All")] if dry_run
                                                          else [])
            try:
                return await client.request("PUT", info.path(self.cluster, self.name),
                                            query=query, body=body)
            except Conflict as exc:
                raise ChangedElsewhere(what="ManifestWork", name=self.name,
                                       instance=self.instance,
                                       have=meta["resourceVersion"]) from exc

        written = await self.hub.call(write)
        if not dry_run and self.wait > 0:
            await self._wait_applied(written)
        return objects

    async def _wait_applied(self, written: Obj) -> None:
        """Follow the work until its Applied condition speaks of this generation; a
        timeout leaves it pending (the member is offline: applied when it returns)."""
        gen = (written.get("metadata") or {}).get("generation")
        rv = (written.get("metadata") or {}).get("resourceVersion")

        def verdict(work: Obj) -> bool | None:
            c = _condition(work, "Applied")
            if not c or c.get("observedGeneration") not in (None, gen):
                return None
            return _truth(c)

        client = await self.hub.client()
        stream = client.watch(api.WORK_API, api.MANIFEST_WORK, namespace=self.cluster,
                              field_selector=f"metadata.name={self.name}",
                              resource_version=rv)
        found: Obj | None = None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait):
                try:
                    async for event in stream:
                        items = (event.object.get("items") or [] if event.type == "RELIST"
                                 else [event.object])
                        for work in items:
                            if verdict(work) is not None:
                                found = work
                                break
                        if found is not None:
                            break
                finally:
                    await stream.aclose()
        if found is not None and verdict(found) is False:
            state = status_of(found, self.cluster, self.namespace, self.owner)
            failed = "; ".join(f"{m.kind}/{m.name}: {m.message}" for m in state.manifests
                               if m.applied is False) or state.message
            raise WorkDegraded(work=f"{self.cluster}/{self.name}", message=failed)

    async def withdraw(self, objects: list[Obj]) -> int:
        """Delete the work: the agent removes what it applied, then its finalizer."""
        async def delete(client: Any) -> int:
            try:
                await client.delete(api.WORK_API, api.MANIFEST_WORK, self.name,
                                    namespace=self.cluster, propagation="Background")
            except ResourceNotFound:
                return 0
            return 1

        return int(await self.hub.call(delete))

    async def status(self) -> DeliveryStatus:
        work = await self.hub.call(self._get)
        return status_of(work, self.cluster, self.namespace, self.owner)

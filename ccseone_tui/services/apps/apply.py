"""Per-target work of the application center against one cluster client: resolve kinds
(discovery), server-side dry run, apply, prune, list and delete the app's objects.

Every function takes one ``ClusterClient`` and one target; the fan-out (and recording of
results) is the service's business.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from ccseone_tui.domain.apps import (
    LABEL_INSTANCE,
    LABEL_NAME,
    ApplyConflict,
    AppTarget,
    KindNotServed,
    TargetNamespaceMissing,
)
from ccseone_tui.domain.errors import Conflict, ResourceNotFound
from ccseone_tui.kube.errors import KindNotFound
from ccseone_tui.services.apps.manifests import (
    CLUSTER_SCOPED,
    CRD,
    apply_phases,
    crd_scopes,
    group_of,
    object_key,
    object_label,
    with_revision,
)

Obj = dict[str, Any]
Scopes = dict[tuple[str, str], bool]
_MANAGER = re.compile(r'conflicts? with ("[^"]+"(?: using [\w./-]+)?)')


def namespaced_by(scopes: Scopes) -> Callable[[Obj], bool]:
    """Discovery's answer where known, else Kubernetes' built-in scopes."""
    def namespaced(obj: Obj) -> bool:
        key = (str(obj.get("apiVersion")), str(obj.get("kind")))
        return scopes.get(key, key[1] not in CLUSTER_SCOPED)
    return namespaced


def selector(app: str, instance: str) -> str:
    return f"{LABEL_NAME}={app},{LABEL_INSTANCE}={instance}"


async def check_namespace(client: Any, target: AppTarget, instance: str) -> None:
    try:
        await client.get("v1", "Namespace", target.namespace)
    except KindNotFound:
        raise
    except ResourceNotFound as exc:
        raise TargetNamespaceMissing(target=target.key, cluster=target.cluster,
                                     namespace=target.namespace, instance=instance) from exc


async def resolve_scopes(client: Any, target: AppTarget, objects: list[Obj],
                         sources: dict[int, str] | None = None) -> Scopes:
    """(apiVersion, kind) → namespaced, from the cluster's discovery; kinds a CRD of this
    same release defines are accepted (their CRD is applied first). ``KindNotServed`` names
    the first object whose kind the cluster does not serve."""
    own_crds = crd_scopes(objects)
    scopes: Scopes = {}
    for index, obj in enumerate(objects):
        key = (str(obj.get("apiVersion")), str(obj.get("kind")))
        if key in scopes:
            continue
        try:
            info = await client.resource_for(*key)
            scopes[key] = bool(info.namespaced)
        except KindNotFound as exc:
            defined = own_crds.get((group_of(key[0]), key[1]))
            if defined is None:
                raise KindNotServed(
                    target=target.key, cluster=target.cluster, api_version=key[0],
                    kind=key[1], object=object_label(obj),
                    source=(sources or {}).get(index, "?")) from exc
            scopes[key] = defined
    return scopes


def conflict_error(exc: Conflict, target: AppTarget, obj: Obj) -> ApplyConflict:
    managers = sorted(set(_MANAGER.findall(exc.api_message))) or ["?"]
    return ApplyConflict(target=target.key, object=object_label(obj),
                         managers=", ".join(managers), api_message=exc.api_message)


async def _apply_one(delivery: Any, target: AppTarget, obj: Obj, *, force: bool,
                     dry_run: bool) -> None:
    """One object through the engine's delivery (local: server-side apply, manager
    ``ccseone``); a field-manager conflict becomes ``ApplyConflict`` naming the managers."""
    try:
        await delivery.put([obj], force=force, dry_run=dry_run)
    except Conflict as exc:
        if "Apply failed" in exc.api_message or "conflict" in exc.api_message:
            raise conflict_error(exc, target, obj) from exc
        raise


async def dry_run(client: Any, target: AppTarget, objects: list[Obj], revision: int, *,
                  force: bool, delivery: Any) -> None:
    """Server-side apply with ``dryRun=All`` of every object; objects of a kind that a CRD of
    this release defines and the cluster does not serve yet cannot be checked and are
    skipped. The first failure is raised."""
    own = crd_scopes(objects)
    served = []
    for obj in objects:
        kind = (group_of(str(obj.get("apiVersion"))), str(obj.get("kind")))
        if kind in own:
            try:
                await client.resource_for(obj["apiVersion"], obj["kind"])
            except KindNotFound:
                continue
        served.append(obj)
    await asyncio.gather(*(_apply_one(delivery, target, with_revision(o, revision),
                                      force=force, dry_run=True) for o in served))


async def apply(client: Any, target: AppTarget, objects: list[Obj], revision: int, scopes:
                Scopes, *, force: bool, delivery: Any) -> int:
    """Apply in phases (CRDs, cluster-scoped, namespaced); discovery is refreshed after CRDs
    so the custom resources that follow resolve."""
    namespaced = namespaced_by(scopes)
    for phase in apply_phases(objects, namespaced):
        await asyncio.gather(*(_apply_one(delivery, target, with_revision(o, revision),
                                          force=force, dry_run=False) for o in phase))
        if phase and phase[0].get("kind") == CRD:
            await client.discover(refresh=True)
    return len(objects)


async def list_objects(client: Any, target: AppTarget, kinds: set[tuple[str, str]], app: str,
                       instance: str) -> list[Obj]:
    """The live objects of those kinds carrying the app's labels: in the target namespace
    for namespaced kinds, cluster-wide for cluster-scoped ones. Kinds the cluster no longer
    serves are skipped."""
    sel = selector(app, instance)

    async def one(api_version: str, kind: str) -> list[Obj]:
        try:
            info = await client.resource_for(api_version, kind)
        except KindNotFound:
            return []
        ns = target.namespace if info.namespaced else None
        listed = await client.list(api_version, kind, namespace=ns, label_selector=sel)
        return list(listed.get("items") or [])

    found = await asyncio.gather(*(one(a, k) for a, k in sorted(kinds)))
    return [o for group in found for o in group]


async def delete_objects(delivery: Any, objects: list[Obj]) -> int:
    """Withdraw through the engine's delivery (local: delete with Background propagation);
    already gone counts as done."""
    async def one(obj: Obj) -> int:
        return int(await delivery.withdraw([obj]))

    # namespaced objects before cluster-scoped ones (a CRD last: its CRs go with it)
    ordered = sorted(objects, key=lambda o: (o.get("kind") == CRD,
                                             not (o.get("metadata") or {}).get("namespace")))
    total = 0
    for cluster_scoped in (False, True):
        part = [o for o in ordered
                if bool(not (o.get("metadata") or {}).get("namespace")) == cluster_scoped]
        total += sum(await asyncio.gather(*(one(o) for o in part)))
    return total


async def prune(client: Any, target: AppTarget, keep: list[Obj], kinds: set[tuple[str, str]],
                app: str, instance: str, *, delivery: Any) -> int:
    """Delete the app's objects on this target that ``keep`` (the new revision) no longer
    has, looking at ``kinds`` (the previous and new revisions' kinds)."""
    wanted = {object_key(o) for o in keep}
    live = await list_objects(client, target, kinds, app, instance)
    gone = [o for o in live if object_key(o) not in wanted]
    return await delete_objects(delivery, gone)

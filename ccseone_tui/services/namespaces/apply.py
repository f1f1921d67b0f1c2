"""What a fleet namespace is on one member cluster, and the calls that read, write and
delete it there. Pure functions over raw JSON plus a few coroutines on a ``ClusterClient``;
no store, no tasks (``namespaces.py`` wires those)."""

from __future__ import annotations

import asyncio
from typing import Any

from ccseone_tui.domain.errors import ClusterUnreachable, KubeApiError, ResourceNotFound
from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.domain.namespaces import (
    FIELD_MANAGER,
    INSTANCE_LABEL,
    PRIORITY_LABEL,
    QUOTA_NAME,
    NamespaceExistsUnmanaged,
    NamespaceTerminating,
    SyncState,
    drift_text,
    quota_hard,
)
from ccseone_tui.domain.validation import parse_quantity
from ccseone_tui.i18n import t

Obj = dict[str, Any]

# Kinds counted by the delete preview: (apiVersion, kind). Pods and Jobs owned by another
# object are counted through their owner only.
WORKLOAD_KINDS: tuple[tuple[str, str], ...] = (
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "CronJob"),
    ("batch/v1", "Job"),
    ("v1", "Pod"),
)
_OWNED_SKIP = {"Job", "Pod"}


def desired_labels(ns: FleetNamespace, instance: str) -> dict[str, str]:
    return {**ns.labels, INSTANCE_LABEL: instance, PRIORITY_LABEL: str(int(ns.priority))}


def namespace_manifest(ns: FleetNamespace, instance: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns.name, "labels": desired_labels(ns, instance)}}


def quota_manifest(ns: FleetNamespace) -> Obj | None:
    hard = quota_hard(ns.cpu_limit, ns.memory_limit)
    if not hard:
        return None
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": QUOTA_NAME, "namespace": ns.name,
                         "labels": {"app.kubernetes.io/managed-by": "ccseone"}},
            "spec": {"hard": hard}}


def _managers(obj: Obj) -> set[str]:
    return {str(e.get("manager", "")) for e in (obj.get("metadata") or {}).get("managedFields")
            or ()}


def owner_problem(live: Obj, instance: str, cluster: str) -> NamespaceExistsUnmanaged | None:
    """``None`` when the live namespace is this instance's: our instance label, or no
    instance label but fields applied by ccseone (someone removed the label: drift, not a
    stranger's namespace). Else the error that asks for adoption."""
    meta = live.get("metadata") or {}
    owner = (meta.get("labels") or {}).get(INSTANCE_LABEL)
    if owner == instance:
        return None
    if owner is None and FIELD_MANAGER in _managers(live):
        return None
    return NamespaceExistsUnmanaged(cluster=cluster, name=str(meta.get("name", "")),
                                    owner=owner or "")


def is_terminating(live: Obj) -> bool:
    return bool((live.get("metadata") or {}).get("deletionTimestamp")) or (
        (live.get("status") or {}).get("phase") == "Terminating")


def _same_quantity(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    qa, qb = parse_quantity(str(a)), parse_quantity(str(b))
    return qa == qb if qa is not None and qb is not None else str(a) == str(b)


def compare(ns: FleetNamespace, instance: str, live_ns: Obj | None,
            live_quota: Obj | None) -> tuple[SyncState, str]:
    """Where one cluster stands against the record, from what it returned."""
    if live_ns is None:
        return SyncState.MISSING, t("ns.state.missing", name=ns.name)
    if is_terminating(live_ns):
        return SyncState.TERMINATING, t("ns.state.terminating")
    diffs: list[tuple[str, Any, Any]] = []
    have = (live_ns.get("metadata") or {}).get("labels") or {}
    for key, want in desired_labels(ns, instance).items():
        if have.get(key) != want:
            diffs.append((f"labels[{key}]", want, have.get(key)))
    hard = quota_hard(ns.cpu_limit, ns.memory_limit)
    notes: list[str] = []
    if hard and live_quota is None:
        notes.append(t("ns.drift.quota_missing"))
    elif not hard and live_quota is not None:
        notes.append(t("ns.drift.quota_extra"))
    elif hard and live_quota is not None:
        live_hard = ((live_quota.get("spec") or {}).get("hard")) or {}
        for key in ("limits.cpu", "requests.cpu", "limits.memory", "requests.memory"):
            if not _same_quantity(hard.get(key), live_hard.get(key)):
                diffs.append((f"quota.hard[{key}]", hard.get(key), live_hard.get(key)))
    if diffs or notes:
        return SyncState.DRIFTED, "; ".join([*notes, drift_text(diffs)] if diffs else notes)
    return SyncState.SYNCED, ""


def state_of(exc: BaseException) -> tuple[SyncState, str]:
    """The sync state a failed call leaves a cluster in; API errors keep their message."""
    from ccseone_tui.services.tasks import describe_error

    if isinstance(exc, ClusterUnreachable):
        return SyncState.UNREACHABLE, describe_error(exc)
    if isinstance(exc, NamespaceTerminating):
        return SyncState.TERMINATING, describe_error(exc)
    if isinstance(exc, KubeApiError) and exc.reason == "NamespaceTerminating":
        return SyncState.TERMINATING, describe_error(exc)
    return SyncState.ERROR, describe_error(exc)


async def get_or_none(client: Any, api_version: str, kind: str, name: str,
                      namespace: str | None = None) -> Obj | None:
    try:
        return await client.get(api_version, kind, name, namespace=namespace)
    except ResourceNotFound:
        return None


async def read(client: Any, name: str) -> tuple[Obj | None, Obj | None]:
    """The namespace and its ``ccseone-quota`` (both ``None`` when absent)."""
    live_ns, live_quota = await asyncio.gather(
        get_or_none(client, "v1", "Namespace", name),
        get_or_none(client, "v1", "ResourceQuota", QUOTA_NAME, name))
    return live_ns, (live_quota if live_ns is not None else None)


async def apply(client: Any, ns: FleetNamespace, instance: str, *, delivery: Any,
                adopt: bool = False) -> tuple[SyncState, str, str]:
    """Deliver the Namespace (and its quota, or withdraw the quota when no limit is set)
    through the engine (``engines.Delivery``; local: server-side apply, force taking only
    the fields ccseone declares). ``client`` reads what is there first.
    Returns (state, state message, result text)."""
    live = await get_or_none(client, "v1", "Namespace", ns.name)
    result = t("ns.result.created") if live is None else t("ns.result.updated")
    if live is not None:
        if is_terminating(live):
            raise NamespaceTerminating(cluster=client.name, name=ns.name)
        problem = owner_problem(live, instance, client.name)
        if problem is not None:
            if not adopt:
                raise problem
            result = t("ns.result.adopted")
    (applied_ns,) = await delivery.put([namespace_manifest(ns, instance)], force=True)
    quota = quota_manifest(ns)
    applied_quota: Obj | None = None
    if quota is not None:
        (applied_quota,) = await delivery.put([quota], force=True)
    elif live is not None:  # a new namespace has no quota to remove
        await delivery.withdraw([{"apiVersion": "v1", "kind": "ResourceQuota",
                                  "metadata": {"name": QUOTA_NAME, "namespace": ns.name}}])
    state, message = compare(ns, instance, applied_ns, applied_quota)
    return state, message, result


def desired(ns: FleetNamespace, instance: str) -> list[Obj]:
    """The namespace's whole set on one cluster: the Namespace and, with a limit, its
    quota (one ManifestWork on a hub: a quota left out is pruned by the agent)."""
    quota = quota_manifest(ns)
    return [namespace_manifest(ns, instance), *([quota] if quota is not None else [])]


def set_state(status: Any, ns: FleetNamespace, instance: str) -> tuple[SyncState, str]:
    """The sync state from the hub's report on the namespace's work (``DeliveryStatus``):
    no work is Missing, a work whose manifests differ from the record is Drifted (both
    repaired by re-creating it), an agent that refused is Error with its message, no report
    on the latest spec yet (member offline) is Pending."""
    if not status.exists:
        return SyncState.MISSING, t("ns.state.missing", name=ns.name)
    if status.deleting:
        return SyncState.TERMINATING, t("ns.state.terminating")
    if status.desired is not None and status.desired != desired(ns, instance):
        return SyncState.DRIFTED, t("ns.drift.work")
    if status.degraded:
        failed = "; ".join(f"{m.kind}/{m.name}: {m.message}" for m in status.manifests
                           if m.applied is False)
        return SyncState.ERROR, failed or status.message
    if not status.current or status.ready is None:
        return SyncState.PENDING, t("work.pending", work=f"{status.cluster}/{status.owner}")
    if not status.ready:
        return SyncState.PENDING, status.message
    return SyncState.SYNCED, ""


async def deliver_set(delivery: Any, ns: FleetNamespace, instance: str
                      ) -> tuple[SyncState, str, str]:
    """Put the namespace's set as one work (server-side apply by the agent, which takes
    over a namespace that is already there: there is no look before through a hub)."""
    before = await delivery.status()
    await delivery.put(desired(ns, instance), force=True)
    state, message = set_state(await delivery.status(), ns, instance)
    result = t("ns.result.updated") if before.exists else t("ns.result.created")
    return state, message, result


async def delete(delivery: Any, name: str) -> str:
    """Withdraw the namespace through the engine (local: delete with Background
    propagation, the API server removes what it holds)."""
    removed = await delivery.withdraw([{"apiVersion": "v1", "kind": "Namespace",
                                        "metadata": {"name": name}}])
    return t("ns.result.deleted") if removed else t("ns.result.gone")


def _owned(obj: Obj) -> bool:
    return bool((obj.get("metadata") or {}).get("ownerReferences"))


async def contents(client: Any, name: str) -> tuple[bool, dict[str, int]]:
    """(namespace present, top-level workloads by kind). A kind the cluster does not serve
    counts nothing; owned Jobs and Pods are counted through their owners."""
    if await get_or_none(client, "v1", "Namespace", name) is None:
        return False, {}

    async def count(api_version: str, kind: str) -> int:
        try:
            items = (await client.list(api_version, kind, namespace=name)).get("items") or []
        except ResourceNotFound:
            return 0
        if kind in _OWNED_SKIP:
            items = [i for i in items if not _owned(i)]
        return len(items)

    counts = await asyncio.gather(*(count(a, k) for a, k in WORKLOAD_KINDS))
    return True, {k: n for (_, k), n in zip(WORKLOAD_KINDS, counts, strict=True) if n}

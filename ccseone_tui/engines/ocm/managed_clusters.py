"""ManagedClusters (and the join CSRs that name them) as ``MemberView``s: the status
mapping, the details, the list and the live watch.

Status, from the conditions the hub and the agent set:

* ``spec.hubAcceptsClient`` false: ``Denied`` when the hub denied it (HubAcceptedManagedCluster
  False, or its latest CSR Denied); ``AwaitingAcceptance`` when its agent asked (a pending CSR
  labelled with its name); else ``Waiting`` (created, nobody ran the join command yet).
* accepted: ``AwaitingAcceptance`` while a CSR still waits; ``Waiting`` until
  ManagedClusterJoined; then ManagedClusterConditionAvailable True -> ``Ready``, False ->
  ``NotReady``, Unknown (the hub saw the lease expire: the agent is gone) -> ``Offline``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.member_errors import HubUnreachable
from ccseone_tui.domain.members import MemberDetails, MemberView, PendingRequest
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus
from ccseone_tui.engines.ocm import api
from ccseone_tui.engines.ocm.hub import Hub, conditions_of

Obj = dict[str, Any]


def _csr_state(csr: Obj) -> str:
    types = {c.get("type") for c in (csr.get("status") or {}).get("conditions") or []}
    if "Denied" in types or "Failed" in types:
        return "denied"
    if "Approved" in types:
        return "approved"
    return "pending"


def csr_cluster(csr: Obj) -> str:
    return str(((csr.get("metadata") or {}).get("labels") or {}).get(api.CLUSTER_LABEL, ""))


def pending(csrs: list[Obj]) -> list[Obj]:
    return [c for c in csrs if _csr_state(c) == "pending"]


def _cond(conditions: list[Obj], type_: str) -> Obj:
    return next((c for c in conditions if c.get("type") == type_), {})


def member_status(mc: Obj | None, csrs: list[Obj]) -> tuple[ClusterStatus, str]:
    """(status, the message that explains it) for one cluster and its CSRs."""
    waiting = pending(csrs)
    latest = max(csrs, key=lambda c: str(c["metadata"].get("creationTimestamp", "")),
                 default=None)
    if mc is None:  # only a CSR names it: somebody ran a join nobody prepared
        return ClusterStatus.AWAITING_ACCEPTANCE if waiting else ClusterStatus.DENIED, ""
    spec = mc.get("spec") or {}
    conditions = (mc.get("status") or {}).get("conditions") or []
    accepted = _cond(conditions, api.HUB_ACCEPTED)
    if not spec.get("hubAcceptsClient"):
        if waiting:
            return ClusterStatus.AWAITING_ACCEPTANCE, ""
        if accepted.get("status") == "False" or (latest and _csr_state(latest) == "denied"):
            return ClusterStatus.DENIED, str(accepted.get("message", ""))
        return ClusterStatus.WAITING, ""
    if waiting:
        return ClusterStatus.AWAITING_ACCEPTANCE, ""
    joined = _cond(conditions, api.JOINED)
    if accepted.get("status") != "True" or joined.get("status") != "True":
        return ClusterStatus.WAITING, str(joined.get("message", ""))
    available = _cond(conditions, api.AVAILABLE)
    message = str(available.get("message", ""))
    match available.get("status"):
        case "True":
            return ClusterStatus.READY, ""
        case "False":
            return ClusterStatus.NOT_READY, message
        case "Unknown":
            return ClusterStatus.OFFLINE, message
    return ClusterStatus.WAITING, message


def _strings(d: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (d or {}).items()}


def details_of(mc: Obj | None, csrs: list[Obj]) -> MemberDetails:
    if mc is None:
        return MemberDetails(on_hub=False, pending=_requests(csrs))
    meta, spec, status = mc.get("metadata") or {}, mc.get("spec") or {}, mc.get("status") or {}
    labels = meta.get("labels") or {}
    return MemberDetails(
        on_hub=True,
        accepts_client=bool(spec.get("hubAcceptsClient")),
        conditions=conditions_of(mc),
        claims={str(c.get("name")): str(c.get("value", ""))
                for c in status.get("clusterClaims") or []},
        capacity=_strings(status.get("capacity")),
        allocatable=_strings(status.get("allocatable")),
        taints=list(spec.get("taints") or []),
        cluster_set=str(labels.get(api.CLUSTERSET_LABEL, "")),
        client_urls=[str(c.get("url")) for c in spec.get("managedClusterClientConfigs") or []
                     if c.get("url")],
        pending=_requests(csrs),
        created_by_ccseone=(meta.get("annotations") or {}).get(api.CREATED_BY) == "ccseone",
        deleting=bool(meta.get("deletionTimestamp")),
    )


def _requests(csrs: list[Obj]) -> list[PendingRequest]:
    return [PendingRequest(c["metadata"]["name"], str((c.get("spec") or {}).get("username", "")),
                           str(c["metadata"].get("creationTimestamp", "")))
            for c in pending(csrs)]


def member_view(name: str, mc: Obj | None, csrs: list[Obj], now: float | None = None
                ) -> MemberView:
    now = time.time() if now is None else now
    status, message = member_status(mc, csrs)
    meta = (mc or {}).get("metadata") or {}
    labels = _strings(meta.get("labels"))
    details = details_of(mc, csrs)
    version = str((((mc or {}).get("status") or {}).get("version") or {}).get("kubernetes")
                  or "") or None
    protection = (meta.get("annotations") or {}).get(api.PROTECTION)
    return MemberView(
        name=name, labels=labels, region=labels.get(api.REGION_LABEL, ""),
        api_server=details.client_urls[0] if details.client_urls else "",
        probe=ClusterProbe(status=status, version=version, probed_at=now,
                           last_seen=now if status is ClusterStatus.READY else None,
                           error=message or None),
        details=details,
        deletion_protection=None if protection is None else protection == "true")


def views(clusters: list[Obj], csrs: list[Obj]) -> list[MemberView]:
    """Every ManagedCluster, plus a view for each name only a CSR carries."""
    by_name: dict[str, list[Obj]] = {}
    for csr in csrs:
        if csr_cluster(csr):
            by_name.setdefault(csr_cluster(csr), []).append(csr)
    out = {mc["metadata"]["name"]: member_view(mc["metadata"]["name"], mc,
                                               by_name.get(mc["metadata"]["name"], []))
           for mc in clusters}
    for name, own in by_name.items():
        if name not in out and pending(own):
            out[name] = member_view(name, None, own)
    return [out[n] for n in sorted(out)]


async def list_raw(hub: Hub) -> tuple[list[Obj], list[Obj]]:
    async def read(client: Any) -> tuple[list[Obj], list[Obj]]:
        mcs, csrs = await asyncio.gather(
            client.list(api.CLUSTER_API, api.MANAGED_CLUSTER),
            client.list(api.CSR_API, api.CSR, label_selector=api.CLUSTER_LABEL))
        return list(mcs.get("items") or []), list(csrs.get("items") or [])

    return await hub.call(read)


async def list_members(hub: Hub) -> list[MemberView]:
    return views(*await list_raw(hub))


class _Lost(Exception):
    def __init__(self, cause: BaseException) -> None:
        self.cause = cause


async def watch_members(hub: Hub) -> AsyncIterator[list[MemberView]]:
    """Watch ManagedClusters and join CSRs; after each burst of changes, yield the whole
    list. When a connected watch loses the hub (it would retry by itself), raise
    ``HubUnreachable`` instead, so the caller marks its picture stale; calling again starts
    from a fresh list."""
    client = await hub.client()
    state: dict[str, dict[str, Obj]] = {"mc": {}, "csr": {}}
    queue: asyncio.Queue[str | _Lost] = asyncio.Queue()

    async def follow(key: str, api_version: str, kind: str, selector: str | None) -> None:
        stream = client.watch(api_version, kind, label_selector=selector,
                              on_retry=lambda exc: queue.put_nowait(_Lost(exc)))
        try:
            async for event in stream:
                obj = event.object
                if event.type == "RELIST":
                    state[key] = {i["metadata"]["name"]: i for i in obj.get("items") or []}
                elif event.type in ("ADDED", "MODIFIED"):
                    state[key][obj["metadata"]["name"]] = obj
                elif event.type == "DELETED":
                    state[key].pop(obj["metadata"]["name"], None)
                else:
                    continue
                queue.put_nowait(key)
        except CcseoneError as exc:
            queue.put_nowait(_Lost(exc))
        finally:
            await stream.aclose()

    tasks = [asyncio.create_task(follow("mc", api.CLUSTER_API, api.MANAGED_CLUSTER, None)),
             asyncio.create_task(follow("csr", api.CSR_API, api.CSR, api.CLUSTER_LABEL))]
    seen: set[str] = set()
    try:
        while True:
            item = await queue.get()
            batch = [item]
            while not queue.empty():  # one snapshot per burst, not per event
                batch.append(queue.get_nowait())
            lost = next((b for b in batch if isinstance(b, _Lost)), None)
            if lost is not None:
                cause = hub.translate(lost.cause)
                if not isinstance(cause, CcseoneError):  # a dropped stream, a reset …
                    cause = HubUnreachable(instance=hub.instance, cause=str(lost.cause)
                                           or type(lost.cause).__name__)
                raise cause from lost.cause
            seen.update(b for b in batch if isinstance(b, str))
            if seen >= {"mc", "csr"}:  # both lists arrived: the picture is whole
                yield views(list(state["mc"].values()), list(state["csr"].values()))
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

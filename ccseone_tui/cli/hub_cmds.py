"""``ccseone clusters accept|deny|map-context`` and the hub parts of ``instances create|show``
and ``clusters list|show``: headless front ends of ``services.members``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

from ccseone_tui.cli.commands import CLUSTER_COLUMNS, cluster_row
from ccseone_tui.cli.output import emit
from ccseone_tui.domain.models import ControlInstance, Engine
from ccseone_tui.i18n import t

if TYPE_CHECKING:
    from ccseone_tui.services import Services


def _cluster_out(args: argparse.Namespace, s: Services, cluster: Any) -> None:
    emit(cluster_row(cluster, s.is_production(cluster), args.output), args.output,
         CLUSTER_COLUMNS)


async def accept(args: argparse.Namespace, s: Services) -> int:
    _cluster_out(args, s, await s.members.accept(args.name, confirm=args.confirm))
    return 0


async def deny(args: argparse.Namespace, s: Services) -> int:
    _cluster_out(args, s, await s.members.deny(args.name, confirm=args.confirm))
    return 0


async def map_context(args: argparse.Namespace, s: Services) -> int:
    cluster = await s.members.map_context(args.name, args.context)
    _cluster_out(args, s, cluster)
    if args.output == "table" and args.context:
        print(t("hub.map.done", cluster=cluster.name, context=args.context), file=sys.stderr)
    return 0


async def create_instance(args: argparse.Namespace, s: Services) -> ControlInstance:
    engine = Engine(args.engine)
    return await s.instances.create(
        args.name, args.region, description=args.description,
        deletion_protection=not args.no_deletion_protection, engine=engine,
        hub_context=args.context,
        hub_kubeconfig=(getattr(args, "kubeconfig", None) or None)
        if engine is Engine.OCM else None)


async def instance_info(s: Services, inst: ControlInstance) -> dict[str, Any]:
    """The hub's basic info, flat for ``instances show`` (empty for a local instance)."""
    if Engine(inst.engine) is not Engine.OCM:
        return {}
    info = await s.members.info(inst)
    return {
        "hub_context": inst.hub_context, "hub_kubeconfig": inst.hub_kubeconfig,
        "hub_api_server": info.api_server, "ocm_version": info.version,
        "hub_kubernetes": info.kubernetes_version,
        "hub_healthy": info.healthy,
        "controllers": ", ".join(f"{c.name} {c.ready}/{c.desired}" for c in info.controllers),
        **{f"count_{k}": v for k, v in info.counts.items()},
    }


async def refresh_notes(s: Services, instance_id: str | None) -> None:
    """After ``clusters list --refresh``: say which hubs did not answer (their rows are the
    cached picture)."""
    for inst in await s.instances.list():
        if instance_id not in (None, inst.id) or Engine(inst.engine) is not Engine.OCM:
            continue
        snap = s.clusters.last_sync.get(inst.id)
        if snap is not None and snap.stale:
            print(f"ccseone: {inst.name}: {t('hub.stale', error=snap.error)}", file=sys.stderr)


async def cluster_details(s: Services, cluster: Any) -> dict[str, Any]:
    """The hub's facts about a cluster for ``clusters show`` (empty for local ones)."""
    inst = await s.instances.get(cluster.instance_id)
    if Engine(inst.engine) is not Engine.OCM:
        return {}
    details = await s.members.details(cluster)
    return {"hub": dataclasses.asdict(details)} if details is not None else {}

"""Shared pieces of the ocm-engine tests: a sandbox fleet with an OCM hub, Services on it,
and event-driven waits on the cache (``ClustersChanged``), never sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from ccseone_tui.domain.models import ControlInstance, Engine, MemberCluster
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services, open_services

from .conftest import make_settings

WAIT = 10.0


async def hub_services(tmp_path: Path, fleet: SandboxFleet, db: str = "data") -> Services:
    settings = make_settings(tmp_path / db, fleet.kubeconfig_path)
    return await open_services(settings, user="tester")


async def hub_instance(services: Services, name: str = "hub-east") -> ControlInstance:
    return await services.instances.create(name, "cn-east-1", engine=Engine.OCM,
                                           hub_context="hub", deletion_protection=False)


async def cached(services: Services, inst: ControlInstance, name: str,
                 check: Callable[[MemberCluster], bool]) -> MemberCluster:
    """Sync from the hub until the cached row of ``name`` passes ``check``; between tries
    wait for the hub to change (a watch-driven snapshot), not for time to pass."""
    async with asyncio.timeout(WAIT):
        stream = services.members.follow(inst)
        try:
            async for snapshot in stream:
                row = next((c for c in snapshot.clusters if c.name == name), None)
                if row is not None and check(row):
                    return row
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
    raise AssertionError("unreachable")

"""A dead cluster of the Fleet view is a gap at once, not after the live ones (issue #13).

Sandbox clusters over real HTTP: live ones whose every answer is slowed down, one whose
port refuses connections, and a process-wide ``concurrency`` smaller than the fleet (as
256 is for 1,000 clusters). What is checked is the order of events, never milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from tests.integration.conftest import make_settings

LIVE = 6
SLOW_MS = 400.0  # every answer of a live cluster, once they are associated


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=LIVE + 1, nodes=1) as f:
        yield f


@pytest.fixture
async def east(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    """Instance ``east`` with every cluster; the process-wide bound is 2 calls in flight.
    The live clusters are already slow when associated, so the last probe saw the dead one
    (still up then) as the fastest: it is not asked first for being known slow or dead."""
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, concurrency=2),
                            user="tester")
    for c in fleet.clusters[:LIVE]:
        c.faults.latency_ms = 20.0
    await s.instances.create("east", "cn-east-1")
    await s.clusters.associate("east", [AssociateRequest(context=c.name)
                                        for c in fleet.clusters])
    for c in fleet.clusters[:LIVE]:
        c.faults.latency_ms = SLOW_MS
    try:
        yield s
    finally:
        await s.close()


async def test_dead_cluster_is_a_gap_before_the_slow_ones_answer(
        east: Services, fleet: SandboxFleet) -> None:
    dead = fleet.clusters[LIVE].name  # last in the cache's order too
    await fleet.clusters[LIVE].set_outage(True)
    firsts: list[tuple[str, str | None]] = []  # (cluster, error) of each cluster's first delta
    stream = east.resources.watch("pods", "east")
    try:
        async with asyncio.timeout(30):
            async for delta in stream:
                if delta.cluster not in {c for c, _ in firsts}:
                    firsts.append((delta.cluster, delta.error))
                if len(firsts) == LIVE + 1:
                    break
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    # Before: the dead cluster's first request queued for one of the 2 process-wide slots
    # behind the live clusters' slow lists (and its client behind one database read of the
    # instance per cluster), so live clusters answered first.
    assert firsts[0][0] == dead, firsts
    assert firsts[0][1] is not None and "connect" in firsts[0][1].lower()
    assert all(error is None for _, error in firsts[1:]), firsts


async def test_a_fan_out_reads_the_instance_once(east: Services) -> None:
    """Every cluster's client asks for its instance's engine; concurrent asks share one
    database read (1,000 reads queued on one connection before)."""
    store = east.clusters._store
    reads = 0
    get_instance = store.get_instance

    async def counting(id_or_name: str) -> object:
        nonlocal reads
        reads += 1
        return await get_instance(id_or_name)

    store.get_instance = counting
    try:
        clusters = await east.clusters.list()
        clients = await asyncio.gather(*(east.clusters.client(c) for c in clusters))
        assert {c.name for c in clients} == {c.name for c in clusters}
        assert reads == 1
        await east.clusters.client(clusters[0])  # the read ended: a later ask reads again
        assert reads == 2
    finally:
        del store.get_instance

"""Fixtures: a sandbox fleet on loopback (real HTTP), a pool and clients for it."""

from __future__ import annotations

import pytest

from ccseone_tui.kube import ClusterClient, ClusterRef, KubePool
from tests.kube.kube_helpers import SETTINGS, refs_for


@pytest.fixture
async def fleet():
    from ccseone_tui.sandbox import SandboxFleet

    async with SandboxFleet(clusters=3, latency_ms=0.0, nodes=2, log_rate=50.0) as f:
        yield f


@pytest.fixture
def refs(fleet) -> list[ClusterRef]:
    return refs_for(fleet)


@pytest.fixture
async def pool():
    async with KubePool(SETTINGS) as p:
        yield p


@pytest.fixture
async def client(pool: KubePool, refs: list[ClusterRef]) -> ClusterClient:
    return await pool.client(refs[0])

"""Fixtures: a sandbox fleet on loopback (real HTTP), a pool and clients for it."""

from __future__ import annotations

import pytest

from ccseone_tui.kube import ClusterClient, ClusterRef, KubePool
from tests.kube.kube_helpers import SETTINGS, refs_for


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch) -> None:
    """The discovery disk cache lives under the data dir: each test gets its own, so one
    test's cached discovery never answers for another's sandbox on a reused port."""
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))


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

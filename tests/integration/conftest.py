"""Services against sandbox clusters over real HTTP, on a real SQLite cache in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services, open_services


def make_settings(tmp_path: Path, kubeconfig: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(kubeconfig),
                    connect_timeout=1.0, read_timeout=3.0, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=2) as f:
        yield f


@pytest.fixture
async def services(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
    yield s
    await s.close()

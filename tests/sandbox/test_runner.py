"""``run_sandbox_forever`` (behind ``ccseone sandbox up``) and fleets of many clusters."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import aiohttp
import pytest
import yaml

from ccseone_tui.sandbox import SandboxFleet, run_sandbox_forever


async def test_run_sandbox_forever_serves_until_cancelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kubeconfig"
    task = asyncio.create_task(run_sandbox_forever(2, 0.0, path, "v1.29.3", tls=False))
    try:
        # The kubeconfig is written before the banner is printed; wait for the banner.
        for _ in range(500):
            if "sandbox-2" in capsys.readouterr().out or task.done():
                break
            await asyncio.sleep(0.01)
        assert not task.done()
        doc = yaml.safe_load(path.read_text())
        assert [c["name"] for c in doc["contexts"]] == ["sandbox-1", "sandbox-2"]
        server = doc["clusters"][1]["cluster"]["server"]
        token = doc["users"][1]["user"]["token"]
        async with aiohttp.ClientSession() as s, s.get(
            f"{server}/api/v1/nodes", headers={"Authorization": f"Bearer {token}"}
        ) as r:
            nodes = await r.json()
        assert nodes["items"][0]["status"]["nodeInfo"]["kubeletVersion"] == "v1.29.3"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert path.exists()  # a kubeconfig the user asked for is kept


async def test_many_clusters_in_one_process() -> None:
    async with SandboxFleet(clusters=60, nodes=2, name_prefix="edge") as fleet:
        assert fleet.clusters[-1].name == "edge-60"
        assert len({c.port for c in fleet.clusters}) == 60
        await fleet.settle()

        async def version(c: object) -> str:
            url, token = c.url, c.token  # type: ignore[attr-defined]
            async with aiohttp.ClientSession() as s, s.get(
                f"{url}/version", headers={"Authorization": f"Bearer {token}"}
            ) as r:
                return (await r.json())["gitVersion"]

        assert set(await asyncio.gather(*(version(c) for c in fleet.clusters))) == {"v1.30.2"}
    assert not fleet.kubeconfig_path.exists()  # a temporary kubeconfig goes away

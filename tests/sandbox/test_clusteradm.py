"""The ``clusteradm`` stand-in, run as a process through the shim on PATH (as the ocm
engine and the demo run the real one)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.clusteradm import write_clusteradm_shim

from .conftest import Raw
from .ocm_support import (
    CSR_PATH,
    KL_PATH,
    MC_PATH,
    WAIT,
    condition,
    has,
    ocm_fleet,
    open_raw,
    until,
)


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    f = await ocm_fleet()
    try:
        yield f
    finally:
        await f.stop()


@pytest.fixture
async def hub(fleet: SandboxFleet) -> AsyncIterator[Raw]:
    api, raw = await open_raw(fleet, "hub")
    try:
        yield raw
    finally:
        await api.close()


@pytest.fixture
def shim_dir(tmp_path: Path) -> Path:
    write_clusteradm_shim(tmp_path / "bin")
    return tmp_path / "bin"


async def clusteradm(shim_dir: Path, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "PATH": f"{shim_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = await asyncio.create_subprocess_exec(
        "clusteradm", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(WAIT * 3):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_get_token_join_and_accept(fleet: SandboxFleet, hub: Raw, shim_dir: Path) -> None:
    kubeconfig = str(fleet.kubeconfig_path)
    assert fleet.hub is not None
    code, out, err = await clusteradm(shim_dir, "get", "token", "--kubeconfig", kubeconfig,
                                      "--context", "hub")
    assert code == 0, err
    token = out.splitlines()[0].removeprefix("token=")
    assert f"--hub-apiserver {fleet.hub.url}" in out

    code, out, err = await clusteradm(
        shim_dir, "join", "--hub-token", token, "--hub-apiserver", fleet.hub.url,
        "--cluster-name", "edge-1", "--wait", "--kubeconfig", kubeconfig,
        "--context", "sandbox-2")
    assert code == 0, err
    assert "clusteradm accept --clusters edge-1" in out
    mc = await hub.get(f"{MC_PATH}/edge-1")  # --wait returned after the CSR was filed
    assert mc["spec"]["hubAcceptsClient"] is False
    assert mc["spec"]["managedClusterClientConfigs"][0]["url"] == fleet["sandbox-2"].url
    csrs = await hub.get(CSR_PATH, query=[
        ("labelSelector", "open-cluster-management.io/cluster-name=edge-1")])
    assert len(csrs["items"]) == 1

    code, out, err = await clusteradm(shim_dir, "accept", "--clusters", "edge-1",
                                      "--kubeconfig", kubeconfig, "--context", "hub")
    assert code == 0, err
    assert "approved" in out
    await until(hub, MC_PATH, "edge-1", has("ManagedClusterConditionAvailable", "True"))


async def test_join_with_a_bad_token_exits_1_with_the_agents_message(
        fleet: SandboxFleet, hub: Raw, shim_dir: Path) -> None:
    assert fleet.hub is not None
    code, _, err = await clusteradm(
        shim_dir, "join", "--hub-token", "nope", "--hub-apiserver", fleet.hub.url,
        "--cluster-name", "edge-2", "--wait", "--kubeconfig", str(fleet.kubeconfig_path),
        "--context", "sandbox-1")
    assert code == 1
    assert "Unauthorized" in err and "bootstrap-hub-kubeconfig" in err
    assert (await hub.get(MC_PATH))["items"] == []
    api, member = await open_raw(fleet, "sandbox-1")
    try:
        kl = await member.get(f"{KL_PATH}/klusterlet")
        assert condition(kl, "HubConnectionDegraded")["reason"].startswith(
            "BootstrapSecretError")
    finally:
        await api.close()


async def test_node_placement_from_a_values_file(fleet: SandboxFleet, shim_dir: Path,
                                                 tmp_path: Path) -> None:
    assert fleet.hub is not None and fleet.ocm is not None
    values = tmp_path / "values.yaml"
    values.write_text("klusterlet:\n  nodePlacement:\n    nodeSelector:\n"
                      "      ccseone-node-type: edge\n")
    code, _, err = await clusteradm(
        shim_dir, "join", "--hub-token", fleet.ocm.bootstrap_token(), "--hub-apiserver",
        fleet.hub.url, "--cluster-name", "edge-3", "--klusterlet-values-file", str(values),
        "--kubeconfig", str(fleet.kubeconfig_path), "--context", "sandbox-1")
    assert code == 0, err
    api, member = await open_raw(fleet, "sandbox-1")
    try:
        kl = await member.get(f"{KL_PATH}/klusterlet")
        assert kl["spec"]["nodePlacement"] == {"nodeSelector": {"ccseone-node-type": "edge"}}
        assert kl["spec"]["clusterName"] == "edge-3"
        assert kl["spec"]["registrationImagePullSpec"].endswith("/registration:v1.0.0")
    finally:
        await api.close()


async def test_usage_errors_exit_2(shim_dir: Path) -> None:
    code, _, err = await clusteradm(shim_dir, "join", "--hub-token", "t", "--no-such-flag")
    assert code == 2 and "unrecognized arguments: --no-such-flag" in err
    code, _, err = await clusteradm(shim_dir, "join", "--hub-token", "t")
    assert code == 2 and "hub-apiserver, hub-token and cluster-name is required" in err


async def test_sandbox_up_ocm_prints_the_hub_and_the_shim(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import contextlib

    import yaml

    from ccseone_tui.sandbox import run_sandbox_forever

    path = tmp_path / "kubeconfig"
    task = asyncio.create_task(run_sandbox_forever(2, 0.0, path, "v1.30.2", tls=False,
                                                   ocm=True))
    out = ""
    try:
        for _ in range(500):  # the banner is printed once everything listens
            out += capsys.readouterr().out
            if "clusteradm:" in out or task.done():
                break
            await asyncio.sleep(0.01)
        assert not task.done()
        doc = yaml.safe_load(path.read_text())
        assert [c["name"] for c in doc["contexts"]] == ["sandbox-1", "sandbox-2", "hub"]
        shim = Path(out.split("clusteradm:", 1)[1].split()[0])
        assert shim.name == "clusteradm" and os.access(shim, os.X_OK)
        assert "context hub" in out
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # the shim's temporary directory is removed at exit
    assert not shim.parent.exists()

"""``ccseone instances create --engine ocm`` and ``clusters create|join-command|accept|
deny|map-context|list|show|delete`` in-process against a sandbox hub. The join command
ccseone prints is run as printed: only the ``clusteradm`` binary is the sandbox stand-in
(first on PATH), with ``--context/--kubeconfig`` added to point it at the member."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.clusteradm import write_clusteradm_shim
from ccseone_tui.sandbox.ocm_hub import MC
from ccseone_tui.sandbox.resources import CORE


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    async with SandboxFleet(clusters=2, nodes=2, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def run_join(block: str, member: str, kubeconfig: Path, cwd: Path) -> tuple[int, str]:
    """Run the printed block in a shell: its ``cat > file`` steps and its clusteradm line,
    that line with only ``--context``/``--kubeconfig`` added for the member."""
    shim_dir = cwd / "bin"
    write_clusteradm_shim(shim_dir)
    lines = [f"{line} --context {member} --kubeconfig {kubeconfig}"
             if line.startswith("clusteradm join ") else line for line in block.splitlines()]
    env = {**os.environ, "PATH": f"{shim_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = await asyncio.create_subprocess_exec(
        "bash", "-e", "-c", "\n".join(lines), cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


def by_name(out: str) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in json.loads(out)}


async def test_hub_instance_create_join_accept_list_delete(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await run(tmp_path, capsys, "instances", "create", "hub-east", "--region",
                               "cn-east-1", "--engine", "ocm", "--context", "hub",
                               "--no-deletion-protection", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["engine"] == "ocm"
    code, out, _ = await run(tmp_path, capsys, "instances", "show", "hub-east", "-o", "json")
    shown = json.loads(out)
    assert (shown["ocm_version"], shown["hub_api_server"]) == ("v1.0.0", cli_fleet.hub.url)
    code, _, err = await run(tmp_path, capsys, "instances", "create", "bad", "--region",
                             "cn-east-1", "--engine", "ocm", "--context", "sandbox-2")
    assert code == 1 and "clusteradm init" in err

    code, out, err = await run(tmp_path, capsys, "clusters", "create", "edge-1", "--instance",
                               "hub-east", "--labels", "team=sre",
                               "--no-deletion-protection", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["status"] == "Waiting"
    assert cli_fleet.hub.state.get(MC.key, "", "edge-1")["spec"]["hubAcceptsClient"] is False

    code, block, _ = await run(tmp_path, capsys, "clusters", "join-command", "edge-1")
    assert code == 0
    assert "clusteradm join --hub-token " in block and "--cluster-name edge-1" in block
    assert "--klusterlet-values-file edge-1-klusterlet-values.yaml --wait" in block
    assert "ccseone-node-type: edge" in block and "expires" in block
    # the agents only run on edge nodes: label one on the member first
    member = cli_fleet["sandbox-1"]
    member.writes.patch(CORE["nodes"], "", "sandbox-1-node-1", "application/merge-patch+json",
                        {"metadata": {"labels": {"ccseone-node-type": "edge"}}}, "test")
    rc, printed = await run_join(block, "sandbox-1", tmp_path / "kubeconfig", tmp_path)
    assert rc == 0, printed

    code, out, _ = await run(tmp_path, capsys, "clusters", "list", "--refresh", "-o", "json")
    assert by_name(out)["edge-1"]["status"] == "AwaitingAcceptance"
    code, out, err = await run(tmp_path, capsys, "clusters", "accept", "edge-1", "-o", "json")
    assert code == 0, err
    agent = await cli_fleet.ocm.klusterlets["sandbox-1"].wait_agent()
    await agent.wait_for("Available")
    await cli_fleet.settle()
    code, out, _ = await run(tmp_path, capsys, "clusters", "list", "--refresh", "-o", "json")
    assert by_name(out)["edge-1"]["status"] == "Ready"
    code, out, _ = await run(tmp_path, capsys, "clusters", "show", "edge-1", "-o", "json")
    hub = json.loads(out)["hub"]
    assert hub["accepts_client"] is True and hub["claims"]["id.k8s.io"] == "edge-1"

    # the hub goes away: the cache still lists, marked stale; writes are refused
    await cli_fleet.hub.set_outage(True)
    try:
        code, out, err = await run(tmp_path, capsys, "clusters", "list", "--refresh", "-o",
                                   "json")
        assert code == 0 and by_name(out)["edge-1"]["status"] == "Ready"
        assert "stale" in err and "hub-east" in err
        code, _, err = await run(tmp_path, capsys, "clusters", "deny", "edge-1")
        assert code == 1 and "does not answer" in err
    finally:
        await cli_fleet.hub.set_outage(False)

    code, out, err = await run(tmp_path, capsys, "clusters", "map-context", "edge-1",
                               "sandbox-1", "-o", "json")
    assert code == 0, err
    code, out, err = await run(tmp_path, capsys, "clusters", "edge-nodes", "edge-1", "-o",
                               "json")
    assert code == 0 and [n["edge"] for n in json.loads(out)] == [True, False]

    code, out, err = await run(tmp_path, capsys, "clusters", "delete", "edge-1", "--wait", "1")
    assert code == 0, err
    assert "clusteradm unjoin --cluster-name edge-1" in out
    assert cli_fleet.hub.state.get(MC.key, "", "edge-1") is None
    code, out, _ = await run(tmp_path, capsys, "clusters", "list", "-o", "json")
    assert json.loads(out) == []

"""``ccseone clusters create|join-command|register|edit|edge-nodes|label-edge|kubeconfig|
tasks|delete`` in-process against a sandbox fleet. ``main`` runs its own event loop, so it runs in
a worker thread while the fleet is served from the test's loop."""

from __future__ import annotations

import asyncio
import io
import json
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services.clusters.join import RegistrationToken

from .join_helpers import join_via_api


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))  # credentials land here
    async with SandboxFleet(clusters=2, nodes=2, kubeconfig_path=tmp_path / "kubeconfig") as f:
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_create_join_register_label_view_delete(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    member = cli_fleet.clusters[0]
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    code, out, _ = await run(tmp_path, capsys, "clusters", "create", "member-1", "--instance",
                             "east", "--api-server", member.url, "--labels", "team=sre",
                             "--no-deletion-protection", "-o", "json")
    assert code == 0
    row = json.loads(out)
    assert (row["status"], row["labels"], row["source"]) == (
        "Waiting", {"team": "sre"}, "registered")

    code, snippet, _ = await run(tmp_path, capsys, "clusters", "join-command", "member-1")
    assert code == 0 and "kubectl create token ccseone-agent" in snippet
    token = await join_via_api(cli_fleet, member, snippet, "member-1")

    code, _, err = await run(tmp_path, capsys, "clusters", "register", "member-1",
                             "--token", "garbage!")
    assert code == 1 and "base64" in err and "paste the whole single line" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))
    code, out, _ = await run(tmp_path, capsys, "clusters", "register", "member-1", "--token",
                             "-", "-o", "json")
    assert code == 0 and json.loads(out)["status"] == "Ready"

    code, out, _ = await run(tmp_path, capsys, "clusters", "edge-nodes", "member-1", "-o",
                             "json")
    assert [n["edge"] for n in json.loads(out)] == [False, False]
    code, out, _ = await run(tmp_path, capsys, "clusters", "label-edge", "member-1",
                             "sandbox-1-node-2")
    assert code == 0 and "labelled ccseone-node-type=edge" in out
    assert out.splitlines()[0].split() == ["TARGET", "STATUS", "MESSAGE"]

    secret = RegistrationToken.decode(token).token
    code, out, _ = await run(tmp_path, capsys, "clusters", "kubeconfig", "member-1")
    assert code == 0 and "••••••" in out and secret not in out
    code, out, _ = await run(tmp_path, capsys, "clusters", "kubeconfig", "member-1", "--reveal")
    assert secret in out
    export = tmp_path / "exported.kubeconfig"
    code, out, _ = await run(tmp_path, capsys, "clusters", "kubeconfig", "member-1",
                             "--export", str(export))
    assert code == 0 and mode(export) == 0o600 and secret in export.read_text()

    code, out, _ = await run(tmp_path, capsys, "clusters", "tasks", "member-1", "-o", "json")
    assert [t["kind"] for t in json.loads(out)] == ["cluster.label-edge", "cluster.register",
                                                    "cluster.register"]

    code, out, _ = await run(tmp_path, capsys, "clusters", "delete", "member-1", "-o", "json")
    assert code == 0
    result = json.loads(out)
    assert [s["status"] for s in result["steps"]] == ["Succeeded", "Succeeded"]
    assert list((tmp_path / "data" / "credentials").glob("*.kubeconfig")) == []


async def test_cli_refusals_exit_1_with_message_and_fix(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await run(tmp_path, capsys, "instances", "create", "east", "--region", "cn-east-1")
    code, _, err = await run(tmp_path, capsys, "clusters", "create", "m1", "--instance", "east",
                             "--api-server", "10.0.0.1:6443")
    assert code == 1 and "api_server" in err and "https://" in err
    code, _, _ = await run(tmp_path, capsys, "clusters", "create", "m1", "--instance", "east",
                           "--api-server", "https://10.0.0.1:6443")
    assert code == 0
    code, _, err = await run(tmp_path, capsys, "clusters", "delete", "m1")
    assert code == 1 and "deletion protection" in err and "turn deletion protection off" in err
    code, _, err = await run(tmp_path, capsys, "clusters", "label-edge", "m1", "n1")
    assert code == 1 and "not registered" in err


async def test_edit_labels_protection_region_then_delete(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await run(tmp_path, capsys, "instances", "create", "east", "--region", "cn-east-1")
    code, _, _ = await run(tmp_path, capsys, "clusters", "associate", "--instance", "east",
                           "sandbox-1=pay", "--labels", "env=prod")
    assert code == 0
    code, _, err = await run(tmp_path, capsys, "clusters", "edit", "pay", "--unprotect")
    assert code == 1 and "pay" in err  # production: the name must be typed
    code, _, err = await run(tmp_path, capsys, "clusters", "edit", "pay", "--labels",
                             "bad key!=x", "--confirm", "pay")
    assert code == 1 and "labels" in err
    code, out, _ = await run(tmp_path, capsys, "clusters", "edit", "pay", "--unprotect",
                             "--labels", "env=dev,team=sre", "--region", "cn-north-1",
                             "--confirm", "pay", "-o", "json")
    assert code == 0
    row = json.loads(out)
    assert (row["labels"], row["deletion_protection"], row["region"], row["production"]) == (
        {"env": "dev", "team": "sre"}, False, "cn-north-1", False)
    code, out, _ = await run(tmp_path, capsys, "clusters", "edit", "pay", "--protect")
    assert code == 0 and "pay" in out
    code, _, err = await run(tmp_path, capsys, "clusters", "delete", "pay")
    assert code == 1 and "deletion protection" in err
    assert (await run(tmp_path, capsys, "clusters", "edit", "pay", "--unprotect"))[0] == 0
    # --instance like its siblings: the wrong instance is refused, nothing deleted
    await run(tmp_path, capsys, "instances", "create", "west", "--region", "cn-east-1")
    code, _, err = await run(tmp_path, capsys, "clusters", "delete", "pay", "--instance", "west")
    assert code == 1 and "another control instance" in err
    assert (await run(tmp_path, capsys, "clusters", "delete", "pay", "--instance",
                      "east"))[0] == 0
    code, out, _ = await run(tmp_path, capsys, "clusters", "list", "-o", "json")
    assert json.loads(out) == []

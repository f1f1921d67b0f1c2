"""``ccseone ns create|list|show|delete`` and ``apps publish|list|history|rollback|delete|
retry`` on an ocm instance, in-process against a sandbox hub whose members' work agents
apply the ManifestWorks (#10 part 2, items 2-3). A second ccseone (its own ``--db``)
reads the first's records from the hub. ``main`` runs its own loop in a worker thread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.services import open_services

from .test_apps_failures import WIDGET, WIDGET_CRD
from .test_apps_support import WEB, add_yaml_template

WORKS = MANIFEST_WORKS.type()
CONFIGMAPS = CORE["configmaps"]
MEMBERS = ("sandbox-1", "sandbox-2")


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    async with SandboxFleet(clusters=2, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        for name in MEMBERS:
            await f.join(name, accept=True)
            await (await f.ocm.klusterlets[name].wait_agent()).wait_for("Available")
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str,
              db: str = "ccseone.db") -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / db),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def prepare(tmp_path: Path, capsys: pytest.CaptureFixture[str], db: str = "ccseone.db",
                  template: tuple[str, str] = ("web", WEB)) -> None:
    """The ocm instance, its members in the cache (one sync), a YAML template."""
    code, _, err = await run(tmp_path, capsys, "instances", "create", "east", "--region",
                             "cn-east-1", "--engine", "ocm", "--context", "hub",
                             "--no-deletion-protection", db=db)
    assert code == 0, err
    code, out, _ = await run(tmp_path, capsys, "clusters", "list", "--refresh", "-o", "json",
                             db=db)
    assert {r["name"]: r["status"] for r in json.loads(out)} == dict.fromkeys(MEMBERS,
                                                                               "Ready")
    s = await open_services(Settings(data_dir=tmp_path / "data", db_file=tmp_path / db,
                                     kubeconfig=str(tmp_path / "kubeconfig")), user="tester")
    try:
        await add_yaml_template(s, template[0], template[1])
    finally:
        await s.close()


async def settled(fleet: SandboxFleet) -> None:
    for op in fleet.ocm.klusterlets.values():
        if op.agent and op.agent.work_agent:
            await op.agent.work_agent.settle()


async def test_namespaces_and_apps_through_the_cli(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await prepare(tmp_path, capsys)
    code, out, err = await run(tmp_path, capsys, "ns", "create", "shop", "--instance", "east",
                               "--priority", "4", "--cpu", "2", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["status"] == "Succeeded"
    assert cli_fleet.hub.state.get(WORKS.key, "sandbox-1",
                                   "ccseone-namespace-shop.shop") is not None
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o", "json")
    [row] = json.loads(out)
    assert (row["name"], row["priority"]) == ("shop", 4)
    code, out, err = await run(tmp_path, capsys, "ns", "show", "shop", "--instance", "east",
                               "-o", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert {c["cluster"]: c["state"] for c in shown["clusters"]} == dict.fromkeys(MEMBERS,
                                                                                 "Synced")

    targets = [a for m in MEMBERS for a in ("--target", f"{m}/shop")]
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance",
                               "east", "--template", "web", "--set", "greeting=first",
                               *targets, "--message", "first")
    assert code == 0, err
    assert "Succeeded" in out and "dry run on the member skipped" in out
    member = cli_fleet["sandbox-2"].state
    assert member.get(CONFIGMAPS.key, "shop", "web-config")["data"]["greeting"] == "first"
    code, out, err = await run(tmp_path, capsys, "apps", "upgrade", "web", "--instance",
                               "east", "--set", "greeting=second", "--message", "second")
    assert code == 0, err
    await settled(cli_fleet)
    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east", "-o",
                             "json")
    [row] = json.loads(out)
    assert (row["name"], row["status"], row["healthy"]) == (
        "web", "Deployed", {"healthy": 2, "total": 2})
    code, out, _ = await run(tmp_path, capsys, "apps", "history", "web", "--instance", "east")
    lines = out.splitlines()
    assert lines[1].split()[0] == "2" and "second" in lines[1] and "first" in lines[2]
    assert "sandbox-1/shop=Succeeded" in lines[1]

    # a second ccseone (empty cache): the same namespaces, apps, history; rolls back
    await prepare(tmp_path, capsys, db="second.db")
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o",
                             "json", db="second.db")
    assert [r["name"] for r in json.loads(out)] == ["shop"]
    code, out, _ = await run(tmp_path, capsys, "apps", "history", "web", "--instance", "east",
                             "-o", "json", db="second.db")
    assert [r["revision"] for r in json.loads(out)] == [2, 1]
    code, out, err = await run(tmp_path, capsys, "apps", "rollback", "web", "1", "--instance",
                               "east", db="second.db")
    assert code == 0, err
    assert member.get(CONFIGMAPS.key, "shop", "web-config")["data"]["greeting"] == "first"
    # the first ccseone (a new process: it reads the hub again) continues from revision 3
    code, out, err = await run(tmp_path, capsys, "apps", "upgrade", "web", "--instance",
                               "east", "--set", "greeting=fourth")
    assert code == 0, err
    code, out, _ = await run(tmp_path, capsys, "apps", "history", "web", "--instance", "east",
                             "-o", "json", db="second.db")
    assert [r["revision"] for r in json.loads(out)] == [4, 3, 2, 1]

    code, out, err = await run(tmp_path, capsys, "apps", "delete", "web", "--instance", "east")
    assert code == 0, err
    await settled(cli_fleet)
    assert member.get(CONFIGMAPS.key, "shop", "web-config") is None
    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east", "-o",
                             "json", db="second.db")
    assert json.loads(out) == []
    code, out, err = await run(tmp_path, capsys, "ns", "delete", "shop", "--instance", "east",
                               "--yes")
    assert code == 0, err
    assert cli_fleet.hub.state.get(WORKS.key, "sandbox-1", "ccseone-namespace-shop.shop") \
        is None
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o",
                             "json", db="second.db")
    assert json.loads(out) == []


async def test_batch_stops_on_a_refused_work_and_retry_finishes_it(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No member serves Widget: the first batch's work is refused by its agent (the hub's
    dry run cannot know the member's kinds), the batch stops, the next target is never
    started; once the CRD is installed, ``apps retry`` finishes both."""
    await prepare(tmp_path, capsys, template=("widgets", WEB + WIDGET))
    code, _, err = await run(tmp_path, capsys, "ns", "create", "shop", "--instance", "east")
    assert code == 0, err
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance",
                               "east", "--template", "widgets", "--target", "sandbox-1/shop",
                               "--target", "sandbox-2/shop", "--mode", "batch",
                               "--batch-size", "1", "-o", "json")
    assert code == 1
    task = json.loads(out)
    by_target = {r["target"]: r for r in task["results"]}
    assert by_target["sandbox-1/shop"]["status"] == "Failed"
    assert "could not apply" in by_target["sandbox-1/shop"]["message"]
    assert "Widget" in by_target["sandbox-1/shop"]["message"]
    assert by_target["sandbox-2/shop"]["status"] == "Cancelled"
    assert cli_fleet.hub.state.get(WORKS.key, "sandbox-2", "ccseone-app-web.shop") is None

    from ccseone_tui.kube import ClusterRef, KubePool

    pool = KubePool(Settings(kubeconfig=str(tmp_path / "kubeconfig")))
    try:
        for m in MEMBERS:  # the fix: the members serve the kind now
            client = await pool.client(ClusterRef(m, str(tmp_path / "kubeconfig"), m))
            await client.apply(WIDGET_CRD, field_manager="test")
    finally:
        await pool.close()
    code, out, err = await run(tmp_path, capsys, "apps", "retry", task["id"], "-o", "json")
    assert code == 0, err
    again = json.loads(out)
    assert {r["target"]: r["status"] for r in again["results"]} == {
        "sandbox-1/shop": "Succeeded", "sandbox-2/shop": "Succeeded"}
    await settled(cli_fleet)
    for m in MEMBERS:
        assert cli_fleet[m].state.get(CONFIGMAPS.key, "shop", "web-config") is not None
    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east", "-o",
                             "json")
    row = json.loads(out)[0]
    assert (row["status"], row["healthy"]) == ("Deployed", {"healthy": 2, "total": 2})

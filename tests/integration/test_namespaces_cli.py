"""``ccseone ns create|list|show|edit|delete|repair|retry`` in-process against a sandbox
fleet. ``main`` runs its own event loop, so it runs in a worker thread while the fleet is
served from the test's loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from ccseone_tui.cli import main
from ccseone_tui.cli.parser import build_parser
from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.kube import ClusterClient, ClusterRef
from ccseone_tui.sandbox import SandboxFleet


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    async with SandboxFleet(clusters=3, nodes=1, kubeconfig_path=tmp_path / "kubeconfig",
                            system_workloads=False, log_rate=0.0) as f:
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def direct(fleet: SandboxFleet, index: int) -> ClusterClient:
    c = fleet.clusters[index]
    return await ClusterClient.connect(ClusterRef(name=c.name,
                                                  kubeconfig=str(fleet.kubeconfig_path),
                                                  context=c.name))


def test_parser_reads_every_flag() -> None:
    p = build_parser()
    a = p.parse_args(["ns", "create", "web", "--instance", "east", "--priority", "10",
                      "--label", "a=b", "--label", "c=d", "--labels", "e=f",
                      "--selector", "env=prod", "--cpu", "500m", "--memory", "4Gi",
                      "--adopt", "--confirm", "p1,p2", "-o", "json"])
    assert (a.command, a.action, a.name, a.instance, a.priority) == (
        "ns", "create", "web", "east", "10")
    assert (a.label, a.labels, a.selector, a.cpu, a.memory, a.adopt, a.confirm, a.output) == (
        ["a=b", "c=d"], "e=f", "env=prod", "500m", "4Gi", True, "p1,p2", "json")
    a = p.parse_args(["ns", "edit", "web", "--instance", "east", "--no-cpu", "--memory", "",
                      "--leaving", "delete"])
    assert (a.no_cpu, a.memory, a.leaving, a.cpu, a.labels, a.selector) == (
        True, "", "delete", None, None, None)
    with pytest.raises(SystemExit):
        p.parse_args(["ns", "edit", "web", "--instance", "east", "--leaving", "drop"])
    a = p.parse_args(["ns", "retry", "task-1", "--adopt"])
    assert (a.task, a.adopt) == ("task-1", True)
    a = p.parse_args(["ns", "delete", "web", "--instance", "east", "--yes"])
    assert a.yes and a.confirm is None
    a = p.parse_args(["ns", "list", "--instance", "east", "--filter", "shop"])
    assert a.filter == "shop"


async def test_ns_commands_end_to_end(cli_fleet: SandboxFleet, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    names = [c.name for c in cli_fleet.clusters]
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    assert (await run(tmp_path, capsys, "clusters", "associate", "--instance", "east",
                      *names, "--no-deletion-protection"))[0] == 0

    code, out, err = await run(tmp_path, capsys, "ns", "create", "web", "--instance", "east",
                               "--priority", "20", "--label", "team=shop", "--cpu", "2",
                               "--memory", "4Gi")
    assert code == 0, err
    assert out.splitlines()[0].split() == ["CLUSTER", "STATUS", "MESSAGE"]
    assert sorted(line.split()[0] for line in out.splitlines()[1:]) == names
    code, out, _ = await run(tmp_path, capsys, "ns", "create", "batch", "--instance", "east",
                             "--priority", "900", "--labels", "team=data,tier=jobs", "-o",
                             "json")
    task = json.loads(out)
    assert code == 0 and task["status"] == "Succeeded"
    # the task document of `tasks show -o json`: RFC 3339 times, seconds — not epochs
    assert datetime.fromisoformat(task["created_at"]).tzinfo is not None
    assert isinstance(task["duration_seconds"], float)

    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "PRIORITY", "LABELS", "CLUSTERS", "QUOTA", "SYNCED",
                                "CREATED"]
    assert [line.split()[0] for line in lines[1:]] == ["batch", "web"]  # priority order
    assert "cpu=2 memory=4Gi" in lines[2] and "3/3" in lines[2]
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east",
                             "--filter", "SHOP", "-o", "yaml")
    [row] = yaml.safe_load(out)
    assert row["name"] == "web" and row["synced"] == {"synced": 3, "total": 3}
    # machine values (#12 item 9): maps, numbers, RFC 3339 — no table strings
    assert row["labels"] == {"team": "shop"} and row["selector"] == {}
    assert isinstance(row["priority"], int) and "quota" not in row
    assert datetime.fromisoformat(row["created"]).tzinfo is not None
    assert row["states"] == dict.fromkeys(names, "Synced")

    # bad input: the message names field, value and rule; exit 1
    code, _, err = await run(tmp_path, capsys, "ns", "create", "kube-system", "--instance",
                             "east")
    assert code == 1 and "name: 'kube-system' is not valid" in err and "reserved" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--memory", "4GB")
    assert code == 1 and "memory_limit: '4GB'" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "y", "--instance", "east",
                             "--selector", "zone=mars")
    assert code == 0 and "warning:" in err and "matches no cluster" in err

    # drift by hand on one cluster, seen by show, fixed by repair
    client = await direct(cli_fleet, 0)
    try:
        await client.merge_patch("v1", "ResourceQuota", "ccseone-quota",
                                 {"spec": {"hard": {"limits.memory": "1Gi"}}}, namespace="web",
                                 field_manager="kubectl-edit")
    finally:
        await client.close()
    code, out, _ = await run(tmp_path, capsys, "ns", "show", "web", "--instance", "east")
    assert code == 0 and "synced:    2/3" in out
    drifted = [line for line in out.splitlines() if line.startswith(names[0])]
    assert "Drifted" in drifted[0] and "limits.memory" in drifted[0]
    code, out, _ = await run(tmp_path, capsys, "ns", "repair", "web", "--instance", "east")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == [names[0]]
    code, out, _ = await run(tmp_path, capsys, "ns", "show", "web", "--instance", "east",
                             "-o", "json")
    shown = json.loads(out)
    assert shown["synced"] == {"synced": 3, "total": 3}
    assert datetime.fromisoformat(shown["created"]).tzinfo is not None
    for c in shown["clusters"]:
        assert c["updated"] is None or datetime.fromisoformat(c["updated"]).tzinfo is not None

    # a cluster down: partial (exit 1, rows name it), retry fills it in
    await cli_fleet.clusters[2].set_outage(True)
    code, out, err = await run(tmp_path, capsys, "ns", "edit", "web", "--instance", "east",
                               "--no-cpu", "--priority", "30")
    assert code == 1 and "ccseone ns retry task-" in err
    failed = [line for line in out.splitlines() if "Failed" in line]
    assert len(failed) == 1 and failed[0].startswith(names[2])
    task_id = err.split("ccseone ns retry ")[1].split()[0]
    await cli_fleet.clusters[2].set_outage(False)
    code, out, _ = await run(tmp_path, capsys, "ns", "retry", task_id)
    assert code == 0 and out.splitlines()[1].startswith(names[2])
    code, out, _ = await run(tmp_path, capsys, "ns", "show", "web", "--instance", "east",
                             "-o", "json")
    shown = json.loads(out)
    assert shown["cpu"] is None and shown["priority"] == 30
    assert shown["synced"] == {"synced": 3, "total": 3}

    # delete: workloads block it without --yes; a production cluster needs --confirm
    client = await direct(cli_fleet, 1)
    try:
        await client.apply({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": "debug", "namespace": "web"},
                            "spec": {"containers": [{"name": "sh", "image": "busybox"}]}})
    finally:
        await client.close()
    assert (await run(tmp_path, capsys, "clusters", "edit", names[0], "--labels", "env=prod",
                      "--confirm", names[0]))[0] == 0
    code, _, err = await run(tmp_path, capsys, "ns", "delete", "web", "--instance", "east")
    assert code == 1 and "still holds 1 workload" in err and "WORKLOADS" in err
    assert f"--confirm {names[0]}" in err
    code, _, err = await run(tmp_path, capsys, "ns", "delete", "web", "--instance", "east",
                             "--yes")
    assert code == 1 and f"production cluster(s) {names[0]}" in err
    assert f"--confirm {names[0]}" in err
    code, out, _ = await run(tmp_path, capsys, "ns", "delete", "web", "--instance", "east",
                             "--yes", "--confirm", names[0])
    assert code == 0
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o",
                             "json")
    assert [r["name"] for r in json.loads(out)] == ["batch", "y"]


async def test_readonly_cli_refuses(cli_fleet: SandboxFleet, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    code, _, err = await run(tmp_path, capsys, "--readonly", "ns", "create", "web",
                             "--instance", "east")
    assert code == 1 and "Read-only" in err


async def test_delete_needs_yes_when_a_cluster_cannot_say(cli_fleet: SandboxFleet,
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    names = [c.name for c in cli_fleet.clusters]
    await run(tmp_path, capsys, "instances", "create", "east", "--region", "cn-east-1")
    await run(tmp_path, capsys, "clusters", "associate", "--instance", "east", *names)
    assert (await run(tmp_path, capsys, "ns", "create", "tmp", "--instance", "east"))[0] == 0
    await cli_fleet.clusters[1].set_outage(True)
    code, _, err = await run(tmp_path, capsys, "ns", "delete", "tmp", "--instance", "east")
    assert code == 1 and f"what it holds on {names[1]} is unknown" in err
    code, out, err = await run(tmp_path, capsys, "ns", "delete", "tmp", "--instance", "east",
                               "--yes")
    assert code == 1 and "ccseone ns retry" in err  # partial: the record stays
    code, out, _ = await run(tmp_path, capsys, "ns", "show", "tmp", "--instance", "east",
                             "--cached", "-o", "json")
    assert {c["cluster"]: c["state"] for c in json.loads(out)["clusters"]} == {
        names[0]: "Terminating", names[1]: "Unreachable", names[2]: "Terminating"}


async def test_ns_cli_bad_input_fixes_and_json_maps(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """QA pass: a --label value with a space is named as the bad value (not split at the
    space); every refusal's fix says what to write; `ns list -o json` gives label maps like
    `ns show -o json`; nothing is written by a refused create."""
    names = [c.name for c in cli_fleet.clusters]
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    assert (await run(tmp_path, capsys, "clusters", "associate", "--instance", "east",
                      *names, "--no-deletion-protection"))[0] == 0

    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--label", "team=shop floor")
    assert code == 1 and "labels[team]: 'shop floor' is not valid" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--label", "my team=shop")
    assert code == 1 and "labels[my team]: 'my team' is not valid" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--memory", "4GB")
    assert code == 1 and "Fix: Kubernetes has no 'B' unit: write 4Gi" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "Shop_1", "--instance", "east")
    assert code == 1 and "e.g. 'shop-1'" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--priority", "1.5")
    assert code == 1 and "priority: '1.5'" in err and "e.g. 100" in err
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o",
                             "json")
    assert json.loads(out) == []
    client = await direct(cli_fleet, 0)
    try:
        with pytest.raises(ResourceNotFound):
            await client.get("v1", "Namespace", "x")
    finally:
        await client.close()

    code, _, err = await run(tmp_path, capsys, "ns", "create", "shop", "--instance", "east",
                             "--label", "team=shop", "--selector", "ccseone.io/source=kubeconfig")
    assert code == 0, err
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east", "-o",
                             "json")
    [row] = json.loads(out)
    assert row["labels"] == {"team": "shop"}
    assert row["selector"] == {"ccseone.io/source": "kubeconfig"}
    code, out, _ = await run(tmp_path, capsys, "ns", "list", "--instance", "east")
    assert "team=shop" in out and "ccseone.io/source=kubeconfig" in out  # the table keeps k=v
    code, _, err = await run(tmp_path, capsys, "ns", "edit", "shop", "--instance", "east",
                             "--selector", "zone=mars")
    assert code == 0 and "warning:" in err and "zone=mars matches no cluster" in err
    code, _, err = await run(tmp_path, capsys, "ns", "create", "x", "--instance", "east",
                             "--selector", "env!=prod")
    assert code == 1 and "selector: 'env!=prod' is not valid" in err and "no !=" in err

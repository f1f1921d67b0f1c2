"""``ccseone apps publish|list|show|diff|upgrade|history|rollback|delete|retry`` in-process
against a sandbox fleet. ``main`` runs its own event loop, so it runs in a worker thread while
the fleet is served from the test's loop."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from ccseone_tui.cli import main
from ccseone_tui.config import Settings
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import open_services

from .test_apps_support import add_yaml_template, app_objects, create_namespace


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    async with SandboxFleet(clusters=2, nodes=1, kubeconfig_path=tmp_path / "kubeconfig") as f:
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def prepare(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                  fleet: SandboxFleet) -> None:
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    assert (await run(tmp_path, capsys, "clusters", "associate", "--instance", "east",
                      *[c.name for c in fleet.clusters]))[0] == 0
    s = await open_services(Settings(data_dir=tmp_path / "data",
                                     db_file=tmp_path / "ccseone.db",
                                     kubeconfig=str(tmp_path / "kubeconfig")), user="tester")
    try:
        for c in fleet.clusters:
            await create_namespace(s, c.name)
        await add_yaml_template(s)
    finally:
        await s.close()


async def open_test_services(tmp_path: Path):  # type: ignore[no-untyped-def]
    return await open_services(Settings(data_dir=tmp_path / "data",
                                        db_file=tmp_path / "ccseone.db",
                                        kubeconfig=str(tmp_path / "kubeconfig")))


async def test_publish_diff_upgrade_history_rollback_delete(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    await prepare(tmp_path, capsys, cli_fleet)
    a, b = (c.name for c in cli_fleet.clusters)
    values = tmp_path / "values.yaml"
    values.write_text("greeting: from-file\n")
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east",
                               "--template", "web", "--values", str(values), "--set",
                               "replicas=1", "--target", f"{a}/shop", "--target", f"{b}/shop",
                               "--message", "first")
    assert code == 0, err
    assert out.splitlines()[0].split() == ["TARGET", "STATUS", "MESSAGE"]
    assert f"{a}/shop" in out and "Succeeded" in out and "4 objects applied" in out

    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east", "-o",
                             "json")
    [row] = json.loads(out)
    assert (row["name"], row["template"], row["status"], row["healthy"]) == (
        "web", "web", "Deployed", {"healthy": 2, "total": 2})  # machine values (#12 item 9)
    assert row["revision"] == 1 and row["targets"] == 2
    assert datetime.fromisoformat(row["created"]).tzinfo is not None

    code, out, _ = await run(tmp_path, capsys, "apps", "diff", "web", "--instance", "east",
                             "--set", "greeting=changed", "--width", "120")
    assert code == 1  # differences, like diff(1)
    assert f"=== {a}/shop" in out and "│" in out
    assert "from-file" in out and "changed" in out
    code, out, _ = await run(tmp_path, capsys, "apps", "diff", "web", "--instance", "east",
                             "--set", "greeting=changed", "--unified", "--target", f"{b}/shop")
    assert code == 1 and f"=== {a}/shop" not in out
    assert '-  greeting: from-file' in out and '+  greeting: changed' in out

    monkeypatch.setattr(sys, "stdin", io.StringIO("greeting: changed\nextra: false\n"))
    code, out, err = await run(tmp_path, capsys, "apps", "upgrade", "web", "--instance", "east",
                               "--values", "-", "--message", "second", "-o", "json")
    assert code == 0, err
    task = json.loads(out)
    assert task["status"] == "Succeeded" and task["target"] == "web#2"
    assert datetime.fromisoformat(task["created_at"]).tzinfo is not None
    assert all(isinstance(r["duration_seconds"], float) for r in task["results"])
    assert "ConfigMap/web-extra" not in await app_objects_of(tmp_path, a)

    code, out, _ = await run(tmp_path, capsys, "apps", "history", "web", "--instance", "east")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["REVISION", "VERSION", "MESSAGE", "AUTHOR"]
    assert lines[1].split()[0] == "2" and "second" in lines[1]
    assert f"{a}/shop=Succeeded" in lines[1] and "first" in lines[2]

    code, out, err = await run(tmp_path, capsys, "apps", "rollback", "web", "1", "--instance",
                               "east")
    assert code == 0, err
    objs = await app_objects_of(tmp_path, b)
    assert objs["ConfigMap/web-config"]["data"] == {"greeting": "from-file"}
    code, out, _ = await run(tmp_path, capsys, "apps", "history", "web", "--instance", "east",
                             "-o", "yaml")
    assert "rollback to 1" in out
    history = yaml.safe_load(out)
    assert [h["revision"] for h in history] == [3, 2, 1]
    assert all(isinstance(h["created"], str)
               and datetime.fromisoformat(h["created"]).tzinfo is not None for h in history)

    await cli_fleet.settle()
    code, out, _ = await run(tmp_path, capsys, "apps", "show", "web", "--instance", "east")
    assert code == 0 and "web: Deployed 2/2 (revision 3)" in out
    assert "Deployment/web" in out and "1/1" in out and "ok" in out
    code, out, _ = await run(tmp_path, capsys, "apps", "show", "web", "--instance", "east",
                             "-o", "json")
    shown = json.loads(out)
    assert (shown["name"], shown["status"], shown["revision"], shown["healthy"]) == (
        "web", "Deployed", 3, {"healthy": 2, "total": 2})
    deploy = next(r for r in shown["targets"][0]["resources"] if r["kind"] == "Deployment")
    assert (deploy["ready"], deploy["desired"], deploy["healthy"]) == (1, 1, True)
    assert all(isinstance(e["age_seconds"], float | int | None)
               for x in shown["targets"] for e in x["events"])

    code, out, err = await run(tmp_path, capsys, "apps", "delete", "web", "--instance", "east")
    assert code == 0, err
    assert "objects deleted" in out
    assert await app_objects_of(tmp_path, a) == {}
    code, out, err = await run(tmp_path, capsys, "apps", "show", "web", "--instance", "east")
    assert code == 1 and "App 'web' does not exist" in err


async def app_objects_of(tmp_path: Path, cluster: str) -> dict[str, dict[str, object]]:
    s = await open_test_services(tmp_path)
    try:
        return await app_objects(s, cluster)
    finally:
        await s.close()


async def test_bad_input_dry_run_partial_and_retry(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await prepare(tmp_path, capsys, cli_fleet)
    a, b = (c.name for c in cli_fleet.clusters)
    base = ("apps", "publish", "web", "--instance", "east", "--template", "web")
    code, _, err = await run(tmp_path, capsys, *base)
    assert code == 1 and "has no targets" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("greeting: [oops\n")
    code, _, err = await run(tmp_path, capsys, *base, "--values", str(bad), "--target",
                             f"{a}/shop")
    assert code == 1 and "line 2" in err
    code, out, err = await run(tmp_path, capsys, *base, "--target", f"{a}/shop", "--target",
                               f"{b}/missing", "--dry-run")
    assert code == 1 and f"{a}/shop" in out and "OK" in out
    assert "ccseone ns create missing --instance east" in out
    code, out, err = await run(tmp_path, capsys, *base, "--target", f"{a}/shop", "--target",
                               f"{b}/missing")
    assert code == 1 and "nothing was applied" in err
    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east")
    assert "Draft" in out
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east",
                               "--from-draft")
    assert code == 1 and "ccseone ns create missing" in out  # still missing: still a draft
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east")
    assert code == 1 and "--template" in err

    await cli_fleet.clusters[1].set_outage(True)
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "web2", "--instance",
                               "east", "--template", "web", "--clusters-selector",
                               "env!=prod", "--namespace", "shop")
    assert code == 1 and "Partial" in err
    task_id = err.split("task ")[1].split(":")[0]
    await cli_fleet.clusters[1].set_outage(False)
    code, out, err = await run(tmp_path, capsys, "apps", "retry", task_id)
    assert code == 0, err
    assert f"{b}/shop" in out and f"{a}/shop" not in out
    assert set(await app_objects_of_app(tmp_path, b, "web2")) == {
        "ConfigMap/web2-config", "ConfigMap/web2-extra", "Service/web2", "Deployment/web2"}


async def app_objects_of_app(tmp_path: Path, cluster: str, app: str
                             ) -> dict[str, dict[str, object]]:
    s = await open_test_services(tmp_path)
    try:
        return await app_objects(s, cluster, app=app)
    finally:
        await s.close()


async def test_draft_then_publish_from_draft(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await prepare(tmp_path, capsys, cli_fleet)
    a = cli_fleet.clusters[0].name
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "later", "--instance",
                               "east", "--template", "web", "--set", "greeting=drafted",
                               "--target", f"{a}/shop", "--draft", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["status"] == "Draft"
    assert await app_objects_of_app(tmp_path, a, "later") == {}
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "later", "--instance",
                               "east", "--from-draft")
    assert code == 0, err
    objs = await app_objects_of_app(tmp_path, a, "later")
    assert objs["ConfigMap/later-config"]["data"] == {"greeting": "drafted"}


async def test_diff_output_formats_colour_and_batch_flags(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """QA pass: `apps diff -o json|yaml` gives per-target counts, objects and unified text;
    colour only when asked or on a terminal (never in a pipe); `--batch-size 0` is refused
    as 0 (not as missing) and leaves no app behind; a failed --from-draft names the targets
    once (rows on stdout, one summary line on stderr)."""
    await prepare(tmp_path, capsys, cli_fleet)
    a, b = (c.name for c in cli_fleet.clusters)
    code, _, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east",
                             "--template", "web", "--target", f"{a}/shop", "--target",
                             f"{b}/shop")
    assert code == 0, err

    diff = ("apps", "diff", "web", "--instance", "east", "--set", "greeting=changed")
    same = ("apps", "diff", "web", "--instance", "east")
    code, out, _ = await run(tmp_path, capsys, *same, "-o", "json")
    assert code == 0 and all(r["identical"] for r in json.loads(out))  # nothing to change
    code, out, _ = await run(tmp_path, capsys, *same)
    assert code == 0
    code, out, _ = await run(tmp_path, capsys, *diff, "-o", "json")
    assert code == 1  # differences, like diff(1) and helm diff --detailed-exitcode
    records = {r["target"]: r for r in json.loads(out)}
    assert set(records) == {f"{a}/shop", f"{b}/shop"}
    rec = records[f"{a}/shop"]
    assert rec["error"] is None and rec["identical"] is False
    assert rec["lines"]["changed"] >= 1
    assert {"key": "ConfigMap/shop/web-config", "status": "changed"} in rec["objects"]
    assert "+  greeting: changed" in rec["unified"] and "\x1b[" not in rec["unified"]
    code, out, _ = await run(tmp_path, capsys, *diff, "-o", "yaml")
    assert code == 1 and "unified:" in out and "ConfigMap/shop/web-config" in out

    code, out, _ = await run(tmp_path, capsys, *diff, "--width", "100")
    assert code == 1 and "│" in out and "\x1b[" not in out  # captured = not a terminal
    code, out, _ = await run(tmp_path, capsys, *diff, "--width", "100", "--color", "always")
    assert code == 1 and "\x1b[" in out
    code, out, _ = await run(tmp_path, capsys, *diff, "--unified", "--color", "always")
    assert code == 1 and "\x1b[32m+  greeting: changed" in out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = await run(tmp_path, capsys, *diff, "--unified")
    assert code == 1 and "\x1b[" in out  # a terminal: coloured by default
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = await run(tmp_path, capsys, *diff, "--unified")
    assert code == 1 and "\x1b[" not in out

    publish = ("apps", "publish", "web2", "--instance", "east", "--template", "web",
               "--target", f"{a}/shop", "--mode", "batch")
    code, _, err = await run(tmp_path, capsys, *publish, "--batch-size", "0")
    assert code == 1 and "batch_size: 0 is not valid" in err and "--batch-size 2" in err
    code, _, err = await run(tmp_path, capsys, *publish)
    assert code == 1 and "--batch-size" in err and "required with --mode batch" in err
    code, out, _ = await run(tmp_path, capsys, "apps", "list", "--instance", "east", "-o",
                             "json")
    assert [r["name"] for r in json.loads(out)] == ["web"]

    code, _, _ = await run(tmp_path, capsys, "apps", "publish", "later", "--instance", "east",
                           "--template", "web", "--target", f"{a}/missing")
    assert code == 1
    code, out, err = await run(tmp_path, capsys, "apps", "publish", "later", "--instance",
                               "east", "--from-draft")
    assert code == 1 and "ccseone ns create missing" in out
    assert "ccseone ns create missing" not in err and "failed on 1 of 1" in err

    code, _, err = await run(tmp_path, capsys, "apps", "publish", "other", "--instance",
                             "east", "--template", "web", "--values",
                             str(tmp_path / "nope.yaml"), "--target", f"{a}/shop")
    assert code == 1 and "--values:" in err and "No such file" in err and "Traceback" not in err
    code, _, err = await run(tmp_path, capsys, "apps", "diff", "web", "--instance", "east",
                             "--values", str(tmp_path))
    assert code == 1 and "a readable file" in err

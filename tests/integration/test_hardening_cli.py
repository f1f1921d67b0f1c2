"""#14 items 9, 10 and 12 through ``ccseone`` in-process against a sandbox fleet and a real
cache: documented limits refused with field/rule/fix, control characters escaped in tables,
a missing --kubeconfig is an error, --api-server is a URL, a secret in a YAML template gets a
fix that fits templates. ``main`` runs its own loop, so it runs in a worker thread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.sandbox import SandboxFleet


@pytest.fixture
async def cli_fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[SandboxFleet]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    async with SandboxFleet(clusters=1, nodes=1, kubeconfig_path=tmp_path / "kubeconfig") as f:
        yield f


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str,
              kubeconfig: str | None = None) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", kubeconfig or str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_description_limit_and_escaped_output(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = await run(tmp_path, capsys, "instances", "create", "east", "--region",
                             "cn-east-1", "--description", "x" * 120_000)
    assert code == 1
    assert "description: 'xxxx" in err and "(120,000 chars)" in err
    assert "at most 256 characters" in err and "Fix: shorten it to 256" in err
    assert len(err) < 1000  # the error quotes the start, not 120 KB

    hostile = "shop\x1b[2J\x1b]0;pwned\x07\x9b"
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1", "--description", hostile))[0] == 0
    code, out, _ = await run(tmp_path, capsys, "instances", "show", "east")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "shop^[[2J^[]0;pwned^G<9b>" in out
    code, out, _ = await run(tmp_path, capsys, "instances", "show", "east", "-o", "json")
    assert json.loads(out)["description"] == hostile  # exact, escaped by JSON itself


@pytest.mark.parametrize("width", ["-5", "1000000000", "39", "abc"])
async def test_diff_width_out_of_range_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], width: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        await run(tmp_path, capsys, "apps", "diff", "web", "--instance", "east",
                  "--width", width)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"--width: '{width}' is not valid: a whole number of columns from 40 to 1000" in err


async def test_values_file_over_1_mib_is_refused_naming_the_flag(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "big.yaml"
    values.write_text("blob: " + "x" * (1024 * 1024) + "\n")
    code, _, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east",
                             "--template", "web", "--values", str(values), "--target", "a/b")
    assert code == 1
    assert f"--values {values}: '1,048,583 bytes' is not valid" in err
    assert "holds at most 1 MiB" in err


async def test_set_with_5000_levels_is_refused_not_a_recursion_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = await run(tmp_path, capsys, "apps", "publish", "web", "--instance", "east",
                             "--template", "web", "--set", ".".join(["a"] * 5000) + "=1",
                             "--target", "a/b")
    assert code == 1
    assert err.startswith("ccseone: --set: 'a.a.a") and "nests at most 64 levels" in err


@pytest.mark.parametrize("action", [["contexts"], ["associate", "--instance", "east", "c1"]])
async def test_missing_kubeconfig_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], action: list[str]) -> None:
    code, out, err = await run(tmp_path, capsys, "clusters", *action, kubeconfig="/nope")
    assert code == 1 and out == ""
    assert "--kubeconfig: '/nope' is not valid: an existing kubeconfig file (no such file)" in err
    assert "Fix: check the path" in err


@pytest.mark.parametrize("url", ["https://10.0.0.1 :6443", "https://a b:6443",
                                 "https://admin:pw@10.0.0.1:6443", "10.0.0.1:6443"])
async def test_api_server_must_be_a_url(
        cli_fleet: SandboxFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        url: str) -> None:
    assert (await run(tmp_path, capsys, "instances", "create", "east", "--region",
                      "cn-east-1"))[0] == 0
    code, _, err = await run(tmp_path, capsys, "clusters", "create", "m1", "--instance",
                             "east", "--api-server", url)
    assert code == 1
    assert f"api_server: {url!r} is not valid: an http:// or https:// URL" in err
    assert "Fix: write it as https://HOST:PORT" in err


async def test_secret_in_a_yaml_template_gets_a_template_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifests = tmp_path / "secret.yaml"
    manifests.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"
                         "stringData:\n  password: hunter2-hunter2\n")
    code, _, err = await run(tmp_path, capsys, "templates", "add", "db", "--yaml",
                             str(manifests), "--no-probe")
    assert code == 1
    assert "looks like a credential" in err
    assert "kubeconfig" not in err  # the old fix: "refer to a kubeconfig file and context"
    assert "create the Secret outside ccseone" in err and "--set at publish" in err

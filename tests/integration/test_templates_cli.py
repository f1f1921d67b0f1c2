"""``ccseone templates add|list|show|versions|render|edit|delete`` in-process against the
sandbox chart repository. ``main`` runs its own event loop, so it runs in a worker thread
while the repository is served from the test's loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from ccseone_tui.cli import main
from ccseone_tui.sandbox.charts import CHART_DATA, SandboxChartRepo


@pytest.fixture
async def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> AsyncIterator[SandboxChartRepo]:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))  # chart cache lands here
    async with SandboxChartRepo() as r:
        yield r


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
            "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_add_list_show_versions_render_edit_delete(
        repo: SandboxChartRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await run(tmp_path, capsys, "templates", "add", "web", "--chart-repo",
                               repo.url, "--chart", "webapp", "--description", "web app",
                               "-o", "json")
    assert code == 0, err
    row = json.loads(out)
    assert (row["name"], row["source"], row["remark"]) == ("web", "chart", "web app")
    assert row["path"] == f"{repo.url} · webapp"

    manifests = tmp_path / "cm.yaml"
    manifests.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                         "  name: '{{ .Release.Name }}-cm'\ndata:\n  k: '{{ .Values.k }}'\n")
    params = tmp_path / "params.yaml"
    params.write_text("k: from-defaults\n")
    code, _, err = await run(tmp_path, capsys, "templates", "add", "cm", "--yaml",
                             str(manifests), "--parameters", str(params))
    assert code == 0, err
    code, _, err = await run(tmp_path, capsys, "templates", "add", "local", "--chart-path",
                             str(CHART_DATA / "worker-0.1.0"))
    assert code == 0, err

    code, out, _ = await run(tmp_path, capsys, "templates", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SOURCE", "PATH", "REMARK", "CREATED", "USED", "BY"]
    assert [line.split()[0] for line in lines[1:]] == ["cm", "local", "web"]
    assert "chart (local)" in lines[2] and "inline YAML (1 doc)" in lines[1]

    code, out, _ = await run(tmp_path, capsys, "templates", "versions", "web")
    assert (code, out.split()) == (0, ["1.1.0", "1.0.0"])
    code, out, _ = await run(tmp_path, capsys, "templates", "versions", "cm", "-o", "json")
    assert json.loads(out) == ["latest"]

    code, out, _ = await run(tmp_path, capsys, "templates", "show", "web", "--values",
                             "--version", "1.0.0")
    assert code == 0 and "VERSIONS:  1.1.0, 1.0.0" in out and "replicaCount: 2" in out
    code, out, _ = await run(tmp_path, capsys, "templates", "show", "cm", "-o", "yaml")
    shown = yaml.safe_load(out)
    assert shown["versions"] == ["latest"] and shown["spec"]["parameters"] == {"k": "from-defaults"}

    values = tmp_path / "values.yaml"
    values.write_text("replicaCount: 9\n")
    code, out, err = await run(tmp_path, capsys, "templates", "render", "web", "--version",
                               "1.0.0", "--values", str(values), "--release", "shop", "-n",
                               "prod")
    assert code == 0, err
    docs = list(yaml.safe_load_all(out))
    assert [d["kind"] for d in docs] == ["ConfigMap", "ConfigMap", "Role", "Service",
                                         "Deployment"]
    assert docs[-1]["spec"]["replicas"] == 9 and docs[-1]["metadata"]["name"] == "shop"
    assert "# Source: webapp/templates/deployment.yaml" in out
    code, out, _ = await run(tmp_path, capsys, "templates", "render", "web", "--release",
                             "shop", "-n", "shop", "-o", "json")
    objects = json.loads(out)
    assert code == 0 and {"Deployment//shop", "Service//shop"} <= {
        o["key"] for o in objects}
    assert all(o["source"].startswith("webapp/templates/") for o in objects)
    code, out2, _ = await run(tmp_path, capsys, "templates", "render", "web", "--release",
                              "shop", "-n", "shop", "-o", "yaml")
    assert code == 0 and "# Source: webapp/templates/deployment.yaml" in out2

    code, out, _ = await run(tmp_path, capsys, "templates", "edit", "web", "--description",
                             "renamed", "-o", "json")
    assert code == 0 and json.loads(out)["remark"] == "renamed"
    code, out, _ = await run(tmp_path, capsys, "templates", "edit", "cm", "--yaml",
                             str(manifests), "-o", "json")
    assert code == 0 and json.loads(out)["spec"]["parameters"] == {}
    code, out, _ = await run(tmp_path, capsys, "templates", "delete", "cm")
    assert code == 0 and "deleted template cm" in out
    code, out, _ = await run(tmp_path, capsys, "templates", "list", "-o", "json")
    listed = json.loads(out)
    assert [r["name"] for r in listed] == ["local", "web"]
    # machine values (#12 item 9): RFC 3339 times, used_by a list (not "a, b")
    for r in listed:
        assert datetime.fromisoformat(r["created"]).tzinfo is not None
        assert r["used_by"] == []
    code, out, _ = await run(tmp_path, capsys, "templates", "show", "web", "-o", "yaml")
    shown = yaml.safe_load(out)
    assert isinstance(shown["created"], str) and shown["created"].endswith("Z")
    assert shown["used_by"] == [] and isinstance(shown["versions"], list)
    code, out, _ = await run(tmp_path, capsys, "templates", "delete", "local", "-o", "json")
    assert code == 0 and json.loads(out) == {"deleted": "local"}
    code, out, _ = await run(tmp_path, capsys, "templates", "delete", "web", "-o", "yaml")
    assert code == 0 and yaml.safe_load(out) == {"deleted": "web"}


async def test_bad_input_exits_1_with_the_rule(
        repo: SandboxChartRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = await run(tmp_path, capsys, "templates", "add", "web", "--chart-repo",
                             repo.url.replace("http://", "http://bob:pw@"), "--chart", "webapp")
    assert code == 1 and "must not carry a user name and password" in err and "pw@" not in err
    assert "password_env" in err
    code, _, err = await run(tmp_path, capsys, "templates", "add", "web", "--chart-repo",
                             repo.url, "--chart", "nginx")
    assert code == 1 and "chart nginx is not in the index" in err and "webapp, worker" in err
    code, _, err = await run(tmp_path, capsys, "templates", "add", "web", "--chart-repo",
                             repo.url, "--chart", "webapp")
    assert code == 0, err
    values = tmp_path / "bad.yaml"
    values.write_text("replicaCount: 2\nimage: [unclosed\n")
    code, _, err = await run(tmp_path, capsys, "templates", "render", "web", "--values",
                             str(values))
    assert code == 1 and "line 3" in err
    code, _, err = await run(tmp_path, capsys, "templates", "render", "web", "--version",
                             "3.0.0")
    assert code == 1 and "no version 3.0.0" in err and "1.1.0, 1.0.0" in err
    code, _, err = await run(tmp_path, capsys, "templates", "render", "web", "--values",
                             str(tmp_path / "nope.yaml"))
    assert code == 1 and "values:" in err and "No such file" in err and "check the path" in err
    code, _, err = await run(tmp_path, capsys, "templates", "add", "cm", "--yaml",
                             str(tmp_path))
    assert code == 1 and "manifests:" in err and "a readable file" in err
    code, _, err = await run(tmp_path, capsys, "templates", "versions", "ghost")
    assert code == 1 and "ghost" in err
    code, _, err = await run(tmp_path, capsys, "--lang", "zh_CN", "templates", "add", "web",
                             "--chart-repo", repo.url, "--chart", "webapp")
    assert code == 1 and "已存在" in err


async def test_oci_git_and_auth_only_edit(
        repo: SandboxChartRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dulwich import porcelain

    code, out, err = await run(tmp_path, capsys, "templates", "add", "web-oci", "--oci",
                               f"{repo.oci_url}/webapp", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["source"] == "chart (OCI)"
    code, out, _ = await run(tmp_path, capsys, "templates", "versions", "web-oci")
    assert out.split() == ["1.1.0", "1.0.0"]

    origin = tmp_path / "origin"
    porcelain.init(str(origin))
    (origin / "deploy").mkdir()
    (origin / "deploy" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '{{ .Release.Name }}-git'\n")
    porcelain.add(str(origin), paths=[str(origin / "deploy" / "cm.yaml")])
    sha = porcelain.commit(str(origin), message=b"m", author=b"a <a@b>",
                           committer=b"a <a@b>").decode()
    code, out, err = await run(tmp_path, capsys, "templates", "add", "plain", "--git",
                               str(origin), "--ref", "master", "--path", "deploy", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["path"] == f"{origin} @master /deploy"
    code, out, _ = await run(tmp_path, capsys, "templates", "versions", "plain")
    assert out.split() == [sha[:12]]
    code, out, _ = await run(tmp_path, capsys, "templates", "render", "plain", "--release", "g")
    assert code == 0 and "name: g-git" in out

    code, _, err = await run(tmp_path, capsys, "templates", "add", "web", "--chart-repo",
                             repo.url, "--chart", "webapp")
    assert code == 0, err
    code, out, err = await run(tmp_path, capsys, "templates", "edit", "web", "--username", "ci",
                               "--password-env", "CI_PW", "--no-probe", "-o", "json")
    assert code == 0, err
    spec = json.loads(out)["spec"]
    assert (spec["repo"], spec["username"], spec["password_env"]) == (repo.url, "ci", "CI_PW")

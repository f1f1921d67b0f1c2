"""Pure parts of the template sources: source field rules, index parsing, cache modes,
git ref helpers — no network, no Helm."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ccseone_tui.domain.template_errors import (
    ChartNotInIndex,
    RepoIndexInvalid,
    TemplateSourceInvalid,
    VersionNotFound,
)
from ccseone_tui.i18n import set_language
from ccseone_tui.sandbox.charts import CHART_DATA, index_document, sandbox_charts
from ccseone_tui.services.templates.validation import check_source
from ccseone_tui.templates.cache import write_private
from ccseone_tui.templates.chart_repo import parse_index
from ccseone_tui.templates.git_source import is_sha, tree_key


def test_chart_sources_are_normalised() -> None:
    src = check_source("chart", {"repo": "https://charts.example.com/stable/",
                                 "chart": "web", "username": "ci", "password_env": "PW"})
    assert src == {"repo": "https://charts.example.com/stable", "chart": "web", "oci": None,
                   "path": None, "username": "ci", "password_env": "PW", "ca_file": None,
                   "insecure": False}
    local = check_source("chart", {"path": str(CHART_DATA / "webapp-1.0.0"), "repo": None,
                                   "chart": "", "oci": None, "insecure": False})
    assert local["path"] == str((CHART_DATA / "webapp-1.0.0").resolve())
    oci = check_source("chart", {"oci": "oci://registry.example.com/charts/web"})
    assert "plain_http" not in oci  # only loopback registries default to plain HTTP


def test_git_and_yaml_sources_are_normalised(tmp_path: Path) -> None:
    assert check_source("git", {"url": "git@github.com:team/deploy.git", "path": "./"}) == {
        "url": "git@github.com:team/deploy.git", "ref": "HEAD", "path": ""}
    assert check_source("git", {"url": str(tmp_path), "ref": "v1", "path": "/a/b/"})[
        "path"] == "a/b"
    assert check_source("yaml", {"manifests": "kind: X", "parameters": "a: 1"})[
        "parameters"] == {"a": 1}


@pytest.mark.parametrize(("kind", "source", "field"), [
    ("git", {"url": "https://u:p@git.example.com/r.git"}, "url"),
    ("git", {"url": "not a url"}, "url"),
    ("git", {"url": "https://git.example.com/r.git", "path": "../etc"}, "path"),
    ("git", {"url": "https://git.example.com/r.git", "ref": "a b"}, "ref"),
    ("git", {"url": "https://git.example.com/r.git", "token": "abc"}, "token"),
    ("yaml", {"manifests": "kind: X", "parameters": [1, 2]}, "parameters"),
    ("yaml", {"manifests": "kind: X", "url": "https://x"}, "url"),
    ("chart", {"oci": "https://registry/charts/web"}, "oci"),
    ("chart", {"oci": "oci://registry/charts/web@sha256:abc"}, "oci"),
])
def test_source_rules(kind: str, source: dict, field: str) -> None:
    with pytest.raises(TemplateSourceInvalid) as info:
        check_source(kind, source)
    assert info.value.params["field"] == field
    assert ":p@" not in str(info.value)


def test_rules_read_in_chinese() -> None:
    set_language("zh_CN")
    try:
        with pytest.raises(TemplateSourceInvalid) as info:
            check_source("chart", {"repo": "https://a:b@x/charts", "chart": "c"})
        assert "URL 中不能包含用户名和密码" in str(info.value)
    finally:
        set_language("en")


def test_index_parsing_and_lookups() -> None:
    import yaml

    charts = sandbox_charts()
    index = parse_index("http://r", yaml.safe_dump(index_document(charts)))
    assert index.charts() == ["webapp", "worker"]
    assert index.versions("webapp") == ["1.1.0", "1.0.0"]
    entry = index.entry("webapp", "1.0.0", "t")
    assert entry.urls == ["webapp-1.0.0.tgz"] and len(entry.digest) == 64
    with pytest.raises(ChartNotInIndex):
        index.versions("nginx")
    with pytest.raises(VersionNotFound) as info:
        index.entry("webapp", "2.0.0", "t")
    assert info.value.available == ["1.1.0", "1.0.0"]
    for bad in ("[1, 2]", "entries: 3", "a: [unclosed"):
        with pytest.raises(RepoIndexInvalid):
            parse_index("http://r", bad)


def test_sandbox_archives_are_deterministic() -> None:
    assert [c.digest for c in sandbox_charts()] == [c.digest for c in sandbox_charts()]


def test_private_writes(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.tgz"
    write_private(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for d in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["file.tgz"]  # no temp file left


def test_git_helpers() -> None:
    assert is_sha("deadbeef") and is_sha("a" * 40) and not is_sha("main")
    assert not is_sha("abc") and not is_sha("v1.0.0")
    assert tree_key("") == tree_key(".") == tree_key("/") == "_root"
    assert tree_key("/charts/web/") == "charts%2Fweb"

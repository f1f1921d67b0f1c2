"""The template repository against the sandbox chart repository over real HTTP: chart
templates from an index (versions, renders that differ, archive cache, digest, basic auth,
unreachable repo, missing chart/version), OCI, local charts, YAML templates, and the rules
of add / edit / delete, on a real SQLite cache."""

from __future__ import annotations

import asyncio
import socket
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import NameNotCompliant, NotFound, ReadOnlyMode, ValidationError
from ccseone_tui.domain.models import App, ControlInstance
from ccseone_tui.domain.template_errors import (
    ChartDigestMismatch,
    ChartNotInIndex,
    ManifestInvalid,
    PasswordEnvMissing,
    RepoAuthFailed,
    RepoUnreachable,
    TemplateExists,
    TemplateInUse,
    TemplateRenderError,
    TemplateSourceInvalid,
    VersionNotFound,
)
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.charts import CHART_DATA, SandboxChartRepo, pack_chart
from ccseone_tui.services import Services, open_services

YAML = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  color: {{ .Values.color | quote }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
"""


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(tmp_path / "none"),
                    connect_timeout=1.0, read_timeout=3.0, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def repo() -> AsyncIterator[SandboxChartRepo]:
    async with SandboxChartRepo() as r:
        yield r


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path), user="tester")
    yield s
    await s.close()


def keys(objects: list) -> list[str]:
    return [o.key for o in objects]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_fleet_serves_a_chart_repo_and_versions_render_differently(
        services: Services, fleet: SandboxFleet) -> None:
    tpl = await services.templates.add("webapp", "chart",
                                       {"repo": fleet.chart_repo_url, "chart": "webapp"},
                                       "the sandbox web app")
    assert tpl.source["repo"] == fleet.chart_repo_url and tpl.source["oci"] is None
    assert await services.templates.versions(tpl) == ["1.1.0", "1.0.0"]
    old = await services.templates.render(tpl, "1.0.0", {}, release="web", namespace="apps")
    new = await services.templates.render(tpl, "1.1.0", {}, release="web", namespace="apps")
    assert set(keys(old)) - set(keys(new)) == {"ConfigMap//web-legacy"}
    assert set(keys(new)) - set(keys(old)) == {"ServiceAccount//web"}
    replicas = [next(o.obj["spec"]["replicas"] for o in objs if o.obj["kind"] == "Deployment")
                for objs in (old, new)]
    assert replicas == [2, 3]
    latest = await services.templates.render(tpl, None, {"replicaCount": 7}, release="web",
                                             namespace="apps")
    assert next(o.obj for o in latest if o.obj["kind"] == "Deployment")["spec"]["replicas"] == 7
    assert await services.templates.resolve_version(tpl, None) == "1.1.0"
    assert "replicaCount: 2" in await services.templates.default_values(tpl, "1.0.0")
    worker = await services.templates.add("worker", "chart",
                                          {"repo": fleet.chart_repo_url, "chart": "worker"})
    assert await services.templates.versions(worker) == ["0.1.0"]


async def test_archives_are_cached_private_and_reused(
        svc: Services, repo: SandboxChartRepo, tmp_path: Path) -> None:
    tpl = await svc.templates.add("web", "chart", {"repo": repo.url, "chart": "webapp"})
    await svc.templates.render(tpl, "1.0.0", {}, release="a", namespace="b")
    downloads = [p for p in repo.requests if p.endswith(".tgz")]
    charts = tmp_path / "data" / "charts"
    archives = list(charts.rglob("*.tgz"))
    assert {a.name for a in archives} == {"webapp-1.0.0.tgz", "webapp-1.1.0.tgz"}
    assert stat.S_IMODE(charts.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(a.stat().st_mode) == 0o600 for a in archives)
    # ten more renders of known versions (a publish to ten targets) download nothing
    repo.requests.clear()
    await asyncio.gather(*(svc.templates.render(tpl, v, {}, release=f"r{i}", namespace="n")
                           for i, v in enumerate(["1.0.0", "1.1.0"] * 5)))
    assert repo.requests == []
    assert downloads == ["/charts/webapp-1.1.0.tgz", "/charts/webapp-1.0.0.tgz"]


async def test_digest_mismatch_is_refused(svc: Services, repo: SandboxChartRepo) -> None:
    repo.tampered.add("webapp-1.1.0.tgz")
    with pytest.raises(ChartDigestMismatch) as info:
        await svc.templates.add("web", "chart", {"repo": repo.url, "chart": "webapp"})
    assert "webapp-1.1.0.tgz" in str(info.value)
    assert await svc.templates.list() == []


async def test_basic_auth_with_password_from_environment(
        svc: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with SandboxChartRepo(auth=("alice", "s3cret")) as private:
        source = {"repo": private.url, "chart": "webapp", "username": "alice",
                  "password_env": "CHARTS_PASSWORD"}
        monkeypatch.delenv("CHARTS_PASSWORD", raising=False)
        with pytest.raises(PasswordEnvMissing) as missing:
            await svc.templates.add("private", "chart", source)
        assert "CHARTS_PASSWORD" in str(missing.value)
        monkeypatch.setenv("CHARTS_PASSWORD", "wrong")
        with pytest.raises(RepoAuthFailed) as refused:
            await svc.templates.add("private", "chart", source)
        assert refused.value.params["status"] == 401
        monkeypatch.setenv("CHARTS_PASSWORD", "s3cret")
        tpl = await svc.templates.add("private", "chart", source)
        assert await svc.templates.versions(tpl) == ["1.1.0", "1.0.0"]
        objs = await svc.templates.render(tpl, "1.0.0", {}, release="p", namespace="n")
        assert "ConfigMap//p-legacy" in keys(objs)
    stored = (await svc.templates.get("private")).source
    assert stored["password_env"] == "CHARTS_PASSWORD" and "s3cret" not in repr(stored)
    db = await asyncio.to_thread(Path(svc.settings.db_path).read_bytes)
    assert b"s3cret" not in db


async def test_unreachable_repository_fails_fast_and_clearly(svc: Services) -> None:
    url = f"http://127.0.0.1:{closed_port()}/charts"
    started = time.monotonic()
    with pytest.raises(RepoUnreachable) as info:
        await svc.templates.add("gone", "chart", {"repo": url, "chart": "webapp"})
    assert time.monotonic() - started < 3
    assert url in str(info.value) and "index.yaml" in str(info.value)
    # stored without the probe, then asked: the same clear error
    tpl = await svc.templates.add("gone", "chart", {"repo": url, "chart": "webapp"},
                                  probe=False)
    with pytest.raises(RepoUnreachable):
        await svc.templates.versions(tpl)


async def test_chart_or_version_missing_from_the_index(
        svc: Services, repo: SandboxChartRepo) -> None:
    with pytest.raises(ChartNotInIndex) as info:
        await svc.templates.add("nope", "chart", {"repo": repo.url, "chart": "nginx"})
    assert info.value.available == ["webapp", "worker"]
    assert "webapp, worker" in str(info.value)
    tpl = await svc.templates.add("web", "chart", {"repo": repo.url, "chart": "webapp"})
    with pytest.raises(VersionNotFound) as missing:
        await svc.templates.render(tpl, "9.9.9", {}, release="r", namespace="n")
    assert missing.value.available == ["1.1.0", "1.0.0"]
    assert "9.9.9" in str(missing.value) and "1.1.0, 1.0.0" in str(missing.value)


async def test_a_version_published_later_appears(svc: Services, repo: SandboxChartRepo,
                                                 tmp_path: Path) -> None:
    tpl = await svc.templates.add("web", "chart", {"repo": repo.url, "chart": "worker"})
    assert await svc.templates.versions(tpl) == ["0.1.0"]
    newer = tmp_path / "worker"
    newer.mkdir()
    for f in (CHART_DATA / "worker-0.1.0").rglob("*"):
        if f.is_file():
            target = newer / f.relative_to(CHART_DATA / "worker-0.1.0")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    repo.add_chart(newer)
    assert await svc.templates.versions(tpl) == ["0.2.0", "0.1.0"]
    assert await svc.templates.resolve_version(tpl, None) == "0.2.0"


async def test_oci_registry_tags_and_pull(svc: Services, repo: SandboxChartRepo) -> None:
    tpl = await svc.templates.add("web-oci", "chart", {"oci": f"{repo.oci_url}/webapp"})
    assert tpl.source["plain_http"] is True  # a loopback registry speaks plain HTTP
    assert await svc.templates.versions(tpl) == ["1.1.0", "1.0.0"]
    assert await svc.templates.resolve_version(tpl, None) == "1.1.0"
    objs = await svc.templates.render(tpl, "1.0.0", {}, release="o", namespace="n")
    assert "ConfigMap//o-legacy" in keys(objs)
    repo.requests.clear()
    await svc.templates.render(tpl, "1.0.0", {}, release="o2", namespace="n")
    assert repo.requests == []  # pulled once, then from the cache
    with pytest.raises(TemplateSourceInvalid) as tagged:
        await svc.templates.add("tagged", "chart", {"oci": f"{repo.oci_url}/webapp:1.0.0"})
    assert tagged.value.params["field"] == "oci"


async def test_local_chart_directory_and_tgz(svc: Services, tmp_path: Path) -> None:
    d = await svc.templates.add("local-dir", "chart", {"path": str(CHART_DATA / "webapp-1.0.0")})
    assert await svc.templates.versions(d) == ["1.0.0"]
    archive = tmp_path / "webapp-1.1.0.tgz"
    archive.write_bytes(pack_chart(CHART_DATA / "webapp-1.1.0").archive)
    t = await svc.templates.add("local-tgz", "chart", {"path": str(archive)})
    assert await svc.templates.versions(t) == ["1.1.0"]
    objs = await svc.templates.render(t, "1.1.0", {}, release="x", namespace="y")
    assert "ServiceAccount//x" in keys(objs)
    with pytest.raises(VersionNotFound):
        await svc.templates.render(t, "1.0.0", {}, release="x", namespace="y")
    with pytest.raises(TemplateSourceInvalid) as info:
        await svc.templates.add("nothing", "chart", {"path": str(tmp_path)})
    assert info.value.params["field"] == "path"


async def test_yaml_template_is_validated_at_add(svc: Services) -> None:
    tpl = await svc.templates.add("settings", "yaml",
                                  {"manifests": YAML, "parameters": {"color": "blue"}})
    assert await svc.templates.versions(tpl) == ["latest"]
    assert await svc.templates.default_values(tpl) == "color: blue\n"
    objs = await svc.templates.render(tpl, None, {"color": "red"}, release="s", namespace="n")
    assert keys(objs) == ["ServiceAccount//s", "ConfigMap//s-settings"]
    assert objs[1].obj["data"]["color"] == "red"
    # parameters may come as YAML text (the form's editor)
    t2 = await svc.templates.add("settings2", "yaml", {"manifests": YAML,
                                                       "parameters": "color: green\n"})
    assert t2.source["parameters"] == {"color": "green"}
    with pytest.raises(ManifestInvalid) as bad:
        await svc.templates.add("nokind", "yaml",
                                {"manifests": "apiVersion: v1\nmetadata:\n  name: x\n"})
    assert bad.value.params["missing"] == "kind"
    with pytest.raises(TemplateRenderError) as broken:
        await svc.templates.add("broken", "yaml", {"manifests": YAML.replace(
            ".Values.color | quote", ".Values.color.deep.er")})
    assert broken.value.params["line"] == 6
    with pytest.raises(TemplateSourceInvalid):
        await svc.templates.add("empty", "yaml", {"manifests": "  "})
    assert [t.name for t in await svc.templates.list()] == ["settings", "settings2"]


async def test_names_duplicates_and_source_rules(svc: Services, repo: SandboxChartRepo) -> None:
    src = {"repo": repo.url, "chart": "webapp"}
    await svc.templates.add("web", "chart", src)
    with pytest.raises(TemplateExists) as dup:
        await svc.templates.add("web", "chart", src)
    assert "web" in str(dup.value)
    with pytest.raises(NameNotCompliant):
        await svc.templates.add("Web_App", "chart", src)
    with pytest.raises(ValidationError) as kind:
        await svc.templates.add("w2", "helm", src)
    assert kind.value.params["field"] == "kind"
    cases = [
        ({"repo": "http://bob:hunter2@127.0.0.1/charts", "chart": "webapp"}, "repo"),
        ({"repo": "ftp://host/charts", "chart": "webapp"}, "repo"),
        ({"repo": repo.url}, "chart"),
        ({"repo": repo.url, "chart": "webapp", "password": "hunter2"}, "password"),
        ({"repo": repo.url, "chart": "webapp", "oci": "oci://h/c"}, "oci"),
        ({}, "repo"),
        ({"repo": repo.url, "chart": "webapp", "username": "u", "password_env": "1BAD"},
         "password_env"),
        ({"repo": repo.url, "chart": "webapp", "username": "u"}, "password_env"),
        ({"repo": repo.url, "chart": "webapp", "ca_file": "/no/such.pem"}, "ca_file"),
        ({"repo": repo.url, "chart": "webapp", "ref": "main"}, "ref"),
    ]
    for source, field in cases:
        with pytest.raises(TemplateSourceInvalid) as info:
            await svc.templates.add("w3", "chart", source)
        assert info.value.params["field"] == field, source
        assert "hunter2" not in str(info.value)
    with pytest.raises(TemplateSourceInvalid) as git_cred:
        await svc.templates.add("g", "git", {"url": "https://bob:pw@git.example/r.git"})
    assert git_cred.value.params["field"] == "url"
    assert "never stored" in str(git_cred.value)


async def test_edit_and_delete_while_an_app_uses_it(svc: Services, repo: SandboxChartRepo,
                                                    tmp_path: Path) -> None:
    tpl = await svc.templates.add("web", "chart", {"repo": repo.url, "chart": "webapp"}, "v1")
    edited = await svc.templates.edit("web", description="the web app")
    assert edited.description == "the web app" and edited.source == tpl.source
    moved = await svc.templates.edit("web", kind="chart",
                                     source={"path": str(CHART_DATA / "webapp-1.0.0")})
    assert moved.source["path"].endswith("webapp-1.0.0") and moved.source["repo"] is None
    with pytest.raises(TemplateSourceInvalid):
        await svc.templates.edit("web", source={"path": str(tmp_path)})
    assert (await svc.templates.get("web")).source == moved.source  # nothing half-applied

    await svc.store.add_instance(ControlInstance(id="inst-1", name="east", region="r"))
    await svc.store.add_app(App(id="app-1", instance_id="inst-1", name="shop",
                                template_id=tpl.id))
    await svc.store.add_app(App(id="app-2", instance_id="inst-1", name="blog",
                                template_id=tpl.id))
    rows = {r.name: r for r in await svc.templates.list_rows()}
    assert rows["web"].used_by == ["blog", "shop"]
    assert rows["web"].source == "chart (local)" and rows["web"].remark == "the web app"
    for force in (False, True):
        with pytest.raises(TemplateInUse) as info:
            await svc.templates.delete("web", force=force)
        assert info.value.apps == ["blog", "shop"] and "blog, shop" in str(info.value)
    await svc.store.delete_app("app-1")
    await svc.store.delete_app("app-2")
    await svc.templates.delete("web")
    with pytest.raises(NotFound):
        await svc.templates.get("web")
    kinds = [t.kind for t in await svc.tasks.list()]
    assert kinds.count("template.add") == 1 and "template.delete" in kinds
    assert kinds.count("template.edit") == 2


async def test_read_only_mode_refuses_writes(tmp_path: Path, repo: SandboxChartRepo) -> None:
    s = await open_services(settings(tmp_path, read_only=True), user="viewer")
    try:
        with pytest.raises(ReadOnlyMode):
            await s.templates.add("web", "chart", {"repo": repo.url, "chart": "webapp"})
    finally:
        await s.close()


async def test_an_unsaved_template_can_list_versions(svc: Services,
                                                     repo: SandboxChartRepo) -> None:
    """The add form asks for versions before saving: the source is validated first."""
    from ccseone_tui.domain.models import Template

    probe = Template(id="", name="new", kind="chart",
                     source={"repo": repo.url + "/", "chart": "webapp", "oci": ""})
    assert await svc.templates.versions(probe) == ["1.1.0", "1.0.0"]
    with pytest.raises(TemplateSourceInvalid) as info:
        await svc.templates.versions(Template(id="", name="new", kind="chart",
                                              source={"repo": repo.url}))
    assert info.value.params["field"] == "chart"


async def test_oci_registry_with_basic_auth(svc: Services,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    async with SandboxChartRepo(auth=("bob", "pa55")) as private:
        source = {"oci": f"{private.oci_url}/worker", "username": "bob",
                  "password_env": "OCI_PASSWORD"}
        monkeypatch.setenv("OCI_PASSWORD", "nope")
        with pytest.raises(RepoAuthFailed):
            await svc.templates.add("w", "chart", source)
        monkeypatch.setenv("OCI_PASSWORD", "pa55")
        tpl = await svc.templates.add("w", "chart", source)
        assert await svc.templates.versions(tpl) == ["0.1.0"]
        objs = await svc.templates.render(tpl, "0.1.0", {}, release="k", namespace="n")
        assert keys(objs) == ["ConfigMap//k-worker", "Deployment//k-worker"]
    helm_configs = list((svc.settings.resolved_data_dir).rglob("config.json"))
    assert helm_configs == []  # the login went to a throw-away credentials file


async def test_a_repository_that_never_answers_times_out(tmp_path: Path) -> None:
    """Accepts the connection (listen backlog) but never answers: the read timeout."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/charts"
        s = await open_services(Settings(data_dir=tmp_path / "data", kubeconfig="none",
                                         connect_timeout=0.5, read_timeout=0.5), user="t")
        try:
            started = time.monotonic()
            with pytest.raises(RepoUnreachable) as info:
                await s.templates.add("slow", "chart", {"repo": url, "chart": "webapp"})
            assert time.monotonic() - started < 3
            assert "no answer in time" in str(info.value) and "1.0s" in str(info.value)
        finally:
            await s.close()

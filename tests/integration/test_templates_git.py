"""Git templates from a local repository created in the test with dulwich: render by branch,
tag (annotated and light), full and short sha; the per-commit tree cache (a sha renders with
the origin and even the mirror gone; a branch that did not move reuses its tree); plain
manifests; ref / path not found; an unreachable remote."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dulwich import porcelain

from ccseone_tui.config import Settings
from ccseone_tui.domain.template_errors import (
    GitPathNotFound,
    GitRefNotFound,
    GitRemoteUnreachable,
)
from ccseone_tui.sandbox.charts import CHART_DATA
from ccseone_tui.services import Services, open_services

WHO = b"Tester <tester@example.com>"
PLAIN = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-plain\n"
         "data:\n  size: {{ .Values.size | quote }}\n")


def commit_all(origin: Path, message: str) -> str:
    files = [str(p) for p in origin.rglob("*") if p.is_file() and ".git" not in p.parts]
    porcelain.add(str(origin), paths=files)
    return porcelain.commit(str(origin), message=message.encode(), author=WHO,
                            committer=WHO).decode()


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository: commit 1 (worker chart 0.1.0, tagged v0.1.0 annotated and ``first``
    light), commit 2 on master (chart 0.2.0 with 4 replicas)."""
    root = tmp_path / "origin"
    porcelain.init(str(root))
    shutil.copytree(CHART_DATA / "worker-0.1.0", root / "charts" / "worker")
    (root / "manifests").mkdir()
    (root / "manifests" / "cm.yaml").write_text(PLAIN)
    (root / "manifests" / "values.yaml").write_text("size: small\n")
    first = commit_all(root, "worker 0.1.0")
    porcelain.tag_create(str(root), b"v0.1.0", author=WHO, message=b"release",
                         annotated=True)
    porcelain.tag_create(str(root), b"first")
    chart = root / "charts" / "worker"
    (chart / "Chart.yaml").write_text((chart / "Chart.yaml").read_text().replace(
        "version: 0.1.0", "version: 0.2.0"))
    (chart / "values.yaml").write_text((chart / "values.yaml").read_text().replace(
        "replicaCount: 1", "replicaCount: 4"))
    second = commit_all(root, "worker 0.2.0")
    return root, first, second


def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(tmp_path / "none"),
                    connect_timeout=1.0, read_timeout=2.0)


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path), user="tester")
    yield s
    await s.close()


async def replicas(s: Services, name: str, version: str | None) -> int:
    tpl = await s.templates.get(name)
    objs = await s.templates.render(tpl, version, {}, release="w", namespace="n")
    return next(o.obj for o in objs if o.obj["kind"] == "Deployment")["spec"]["replicas"]


async def test_render_by_branch_tag_and_sha(svc: Services,
                                            origin: tuple[Path, str, str]) -> None:
    root, first, second = origin
    tpl = await svc.templates.add("worker", "git", {"url": str(root), "ref": "master",
                                                    "path": "charts/worker"})
    assert tpl.source == {"url": str(root), "ref": "master", "path": "charts/worker"}
    assert await svc.templates.versions(tpl) == [second[:12], "v0.1.0", "first"]
    assert await replicas(svc, "worker", None) == 4          # the ref: master
    assert await replicas(svc, "worker", "master") == 4
    assert await replicas(svc, "worker", "v0.1.0") == 1      # annotated tag
    assert await replicas(svc, "worker", "first") == 1       # lightweight tag
    assert await replicas(svc, "worker", first) == 1         # full sha
    assert await replicas(svc, "worker", first[:10]) == 1    # short sha
    assert await svc.templates.resolve_version(tpl, "v0.1.0") == first[:12]
    assert "replicaCount: 4" in await svc.templates.default_values(tpl)
    trees = svc.settings.resolved_data_dir / "git-trees"
    assert {p.name for p in trees.iterdir()} == {first, second}
    assert stat.S_IMODE((trees / first).stat().st_mode) == 0o700
    assert stat.S_IMODE((svc.settings.resolved_data_dir / "git").stat().st_mode) == 0o700


async def test_a_commit_renders_from_the_cache_without_the_remote(
        tmp_path: Path, origin: tuple[Path, str, str]) -> None:
    root, first, _ = origin
    s = await open_services(settings(tmp_path), user="tester")
    try:
        tpl = await s.templates.add("worker", "git", {"url": str(root), "ref": first,
                                                      "path": "charts/worker"})
        assert await replicas(s, "worker", None) == 1
        root.rename(tmp_path / "moved-away")  # any fetch would now fail
        assert await replicas(s, "worker", first) == 1
        shutil.rmtree(s.settings.resolved_data_dir / "git")  # and the mirror too
        assert await replicas(s, "worker", first) == 1
        assert await replicas(s, "worker", first[:12]) == 1  # what a revision records
        assert await replicas(s, "worker", None) == 1  # the template's ref is that sha
        with pytest.raises(GitRemoteUnreachable) as info:
            await s.templates.render(tpl, "master", {}, release="w", namespace="n")
        assert str(root) in str(info.value)
    finally:
        await s.close()


async def test_a_branch_that_did_not_move_reuses_its_tree(
        tmp_path: Path, origin: tuple[Path, str, str]) -> None:
    root, _, second = origin
    source = {"url": str(root), "ref": "master", "path": "charts/worker"}
    s1 = await open_services(settings(tmp_path), user="tester")
    try:
        await s1.templates.add("worker", "git", source)
    finally:
        await s1.close()
    tree = tmp_path / "data" / "git-trees" / second / "charts%2Fworker"
    before = tree.stat().st_ino
    marker = tree / ".seen"
    marker.write_text("")  # survives only if the tree is not exported again
    s2 = await open_services(settings(tmp_path), user="tester")
    try:
        assert await replicas(s2, "worker", None) == 4  # fetched master: same commit
    finally:
        await s2.close()
    assert tree.stat().st_ino == before and marker.exists()
    # the branch moves: a new commit, a new tree
    (root / "charts" / "worker" / "values.yaml").write_text(
        "replicaCount: 6\nimage: busybox:1.36\ninterval: 30\n")
    third = commit_all(root, "six")
    s3 = await open_services(settings(tmp_path), user="tester")
    try:
        assert await replicas(s3, "worker", None) == 6
        assert (await s3.templates.versions(await s3.templates.get("worker")))[0] == third[:12]
    finally:
        await s3.close()


async def test_plain_manifests_render_as_a_yaml_template(
        svc: Services, origin: tuple[Path, str, str]) -> None:
    root, _, _ = origin
    tpl = await svc.templates.add("plain", "git", {"url": f"file://{root}", "ref": "v0.1.0",
                                                   "path": "/manifests/"})
    assert tpl.source["path"] == "manifests"
    objs = await svc.templates.render(tpl, None, {"size": "large"}, release="p", namespace="n")
    assert [o.key for o in objs] == ["ConfigMap//p-plain"]
    assert objs[0].obj["data"]["size"] == "large"
    assert await svc.templates.default_values(tpl) == "size: small\n"


async def test_ref_and_path_not_found(svc: Services, origin: tuple[Path, str, str]) -> None:
    root, _, _ = origin
    with pytest.raises(GitRefNotFound) as ref:
        await svc.templates.add("w", "git", {"url": str(root), "ref": "release-9",
                                             "path": "charts/worker"})
    assert ref.value.available == ["master", "v0.1.0", "first"]
    assert "release-9" in str(ref.value) and "master" in str(ref.value)
    with pytest.raises(GitPathNotFound) as path:
        await svc.templates.add("w", "git", {"url": str(root), "ref": "master",
                                             "path": "charts/nginx"})
    assert "charts/nginx" in str(path.value)
    assert "no such directory" in str(path.value) and "  " not in str(path.value)
    with pytest.raises(GitPathNotFound):
        await svc.templates.add("w", "git", {"url": str(root), "ref": "master",
                                             "path": "charts/worker/templates/x"})
    assert await svc.templates.list() == []


async def test_unreachable_remote_fails_fast(svc: Services) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/team/charts.git"
    started = time.monotonic()
    with pytest.raises(GitRemoteUnreachable) as info:
        await svc.templates.add("remote", "git", {"url": url, "ref": "main"})
    assert time.monotonic() - started < 5
    assert url in str(info.value)
    not_a_repo = svc.settings.resolved_data_dir.parent / "empty"
    os.makedirs(not_a_repo)
    with pytest.raises(GitRemoteUnreachable):
        await svc.templates.add("local", "git", {"url": str(not_a_repo), "ref": "main"})


async def test_fetch_over_http(svc: Services, origin: tuple[Path, str, str]) -> None:
    """The smart-HTTP path (what https remotes use), served by dulwich's WSGI app."""
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from dulwich.repo import Repo
    from dulwich.server import DictBackend
    from dulwich.web import make_wsgi_chain

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    root, _, second = origin
    backend = DictBackend({"/team/deploy.git": Repo(str(root))})  # type: ignore[dict-item]
    server = make_server("127.0.0.1", 0, make_wsgi_chain(backend), server_class=WSGIServer,
                         handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/team/deploy.git"
        tpl = await svc.templates.add("web-http", "git", {"url": url, "ref": "master",
                                                          "path": "charts/worker"})
        assert await svc.templates.versions(tpl) == [second[:12], "v0.1.0", "first"]
        assert await replicas(svc, "web-http", "v0.1.0") == 1
        assert await replicas(svc, "web-http", None) == 4
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

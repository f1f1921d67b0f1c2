"""One entry point per template kind: which versions it has, and the concrete artifact
(chart archive or directory, YAML text, manifest directory) of a version, ready to render.

``TemplateSources`` holds the caches (chart archives, git mirrors and trees under the data
directory; indexes and branch heads briefly in memory) and serialises work on one remote, so
a publish that renders once per target downloads or fetches once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.domain.template_errors import (
    GitPathNotFound,
    GitRemoteUnreachable,
    RegistryError,
    VersionNotFound,
)
from ccseone_tui.templates.chart_repo import ChartRepoClient
from ccseone_tui.templates.git_source import GitMirror, RemoteRefs, is_sha
from ccseone_tui.templates.http import Access
from ccseone_tui.templates.local_chart import chart_version, values_text
from ccseone_tui.templates.render import (
    RenderedObject,
    manifest_files,
    render_chart,
    render_manifest_dir,
    render_yaml,
)

YAML_VERSION = "latest"
BRANCH_TTL = 15.0  # seconds a fetched branch head is trusted: one publish, one fetch


def source_type(kind: str, source: dict[str, Any]) -> str:
    """``repo`` | ``oci`` | ``local`` (chart kinds), ``yaml``, ``git``."""
    if kind == "chart":
        if source.get("oci"):
            return "oci"
        if source.get("repo"):
            return "repo"
        return "local"
    return kind


@dataclass
class Resolved:
    """A template at one concrete version, ready to render (blocking: run in a thread)."""

    name: str
    version: str
    chart: Path | None = None  # a chart directory or .tgz
    manifests: str | None = None  # a YAML template
    defaults: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None  # plain manifests from git

    def render(self, values: dict[str, Any] | None, *, release: str, namespace: str,
               revision: int = 1, upgrade: bool = False) -> list[RenderedObject]:
        opts: dict[str, Any] = {"release": release, "namespace": namespace,
                                "revision": revision, "upgrade": upgrade,
                                "template": self.name}
        if self.chart is not None:
            return render_chart(self.chart, values, **opts)
        if self.directory is not None:
            return render_manifest_dir(self.directory, values, **opts)
        return render_yaml(self.manifests or "", values, defaults=self.defaults, **opts)

    def values_text(self) -> str:
        if self.chart is not None:
            return values_text(self.chart)
        if self.directory is not None:
            f = self.directory / "values.yaml"
            return f.read_text() if f.is_file() else ""
        return yaml.safe_dump(self.defaults, sort_keys=False) if self.defaults else ""


class TemplateSources:
    def __init__(self, data_dir: Path, *, connect_timeout: float = 5.0,
                 read_timeout: float = 20.0) -> None:
        self.data_dir = data_dir
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.charts_dir = data_dir / "charts"
        self.repos = ChartRepoClient(self.charts_dir)
        self._locks: dict[str, asyncio.Lock] = {}
        self._heads: dict[str, tuple[float, RemoteRefs]] = {}
        self._tags: dict[str, tuple[float, list[str]]] = {}  # OCI tags, for version=None

    @property
    def deadline(self) -> float:
        """The most a remote operation (fetch, pull) may take before it is reported."""
        return 2 * (self.connect_timeout + self.read_timeout)

    def _lock(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    def access(self, source: dict[str, Any]) -> Access:
        return Access.from_source(source, connect_timeout=self.connect_timeout,
                                  read_timeout=self.read_timeout)

    # ---- versions ----

    async def versions(self, name: str, kind: str, source: dict[str, Any]) -> list[str]:
        """Newest first. yaml → ["latest"]; local chart → its Chart.yaml version; git → the
        configured ref's commit (12 hex), then the tags."""
        st = source_type(kind, source)
        if st == "repo":
            return await self.repos.versions(source["repo"], source["chart"],
                                             self.access(source))
        if st == "oci":
            from ccseone_tui.templates.oci import oci_tags

            return await self._remote(source["oci"], RegistryError, asyncio.to_thread(
                oci_tags, source["oci"], self.access(source),
                plain_http=bool(source.get("plain_http"))))
        if st == "local":
            return [await asyncio.to_thread(chart_version, Path(source["path"]))]
        if st == "git":
            refs = await self._git_refs(source["url"], fresh=True)
            mirror = self._mirror(source["url"])
            head = await asyncio.to_thread(mirror.resolve, source.get("ref") or "HEAD", refs)
            return [head[:12], *[t for t in refs.names() if t in refs.tags]]
        return [YAML_VERSION]

    async def _remote(self, where: str, error: type, work: Any) -> Any:
        try:
            return await asyncio.wait_for(work, self.deadline)
        except TimeoutError as exc:
            if error is GitRemoteUnreachable:
                raise GitRemoteUnreachable(where, "no answer in time", self.deadline) from exc
            raise RegistryError(where, f"no answer in {self.deadline:.0f}s") from exc

    # ---- resolve ----

    async def resolve(self, name: str, kind: str, source: dict[str, Any],
                      version: str | None) -> Resolved:
        """The artifact of ``version`` (``None``: the newest chart, the git ref, the YAML)."""
        st = source_type(kind, source)
        if st == "repo":
            return await self._resolve_repo(name, source, version)
        if st == "oci":
            return await self._resolve_oci(name, source, version)
        if st == "local":
            path = Path(str(source["path"]))  # made absolute when the template was added
            have = await asyncio.to_thread(chart_version, path)
            if version not in (None, "", have, YAML_VERSION):
                raise VersionNotFound(name, str(version), [have])
            return Resolved(name, have, chart=path)
        if st == "git":
            return await self._resolve_git(name, source, version)
        if version not in (None, "", YAML_VERSION):
            raise VersionNotFound(name, str(version), [YAML_VERSION])
        return Resolved(name, YAML_VERSION, manifests=str(source.get("manifests") or ""),
                        defaults=dict(source.get("parameters") or {}))

    async def _resolve_repo(self, name: str, source: dict[str, Any],
                            version: str | None) -> Resolved:
        repo, chart, access = source["repo"], source["chart"], self.access(source)
        version = version or source.get("version") or await self.repos.newest(repo, chart,
                                                                               access)
        path = await self.repos.archive(repo, chart, str(version), access, template=name)
        return Resolved(name, str(version), chart=path)

    async def _resolve_oci(self, name: str, source: dict[str, Any],
                           version: str | None) -> Resolved:
        from ccseone_tui.templates.oci import oci_archive_path, oci_pull

        ref, access = source["oci"], self.access(source)
        plain = bool(source.get("plain_http"))
        if not (version or source.get("version")):
            hit = self._tags.get(ref)
            if hit and time.monotonic() - hit[0] < BRANCH_TTL:
                versions = hit[1]
            else:
                versions = await self.versions(name, "chart", source)
                self._tags[ref] = (time.monotonic(), versions)
            if not versions:
                raise VersionNotFound(name, "latest", [])
            version = versions[0]
        version = str(version or source.get("version"))
        cached = oci_archive_path(self.charts_dir, ref, version)
        if cached.is_file():
            return Resolved(name, version, chart=cached)
        async with self._lock(f"oci:{ref}:{version}"):
            path = await self._remote(ref, RegistryError, asyncio.to_thread(
                oci_pull, ref, version, access, self.charts_dir, plain_http=plain,
                template=name))
        return Resolved(name, version, chart=path)

    # ---- git ----

    def _mirror(self, url: str) -> GitMirror:
        return GitMirror(url, self.data_dir, connect_timeout=self.connect_timeout,
                         read_timeout=self.read_timeout)

    async def _git_refs(self, url: str, *, fresh: bool = False) -> RemoteRefs:
        """Fetch (once per ``BRANCH_TTL`` unless ``fresh``); one fetch per remote at a time."""
        async with self._lock(f"git:{url}"):
            hit = self._heads.get(url)
            mirror = self._mirror(url)
            if hit and not fresh and time.monotonic() - hit[0] < BRANCH_TTL \
                    and mirror.dir.is_dir():
                return hit[1]
            refs = await self._remote(url, GitRemoteUnreachable,
                                      asyncio.to_thread(mirror.fetch))
            self._heads[url] = (time.monotonic(), refs)
            return refs

    async def git_commit(self, url: str, ref: str) -> str:
        """``ref`` → commit. A sha the mirror (or the tree cache) has needs no fetch."""
        mirror = self._mirror(url)
        if is_sha(ref) and len(ref) >= 7:  # shorter: more likely a branch ("cafe")
            exported = await asyncio.to_thread(_exported_commit, mirror.trees, ref.lower())
            if exported:
                return exported
            local = await asyncio.to_thread(mirror.local_commit, ref.lower())
            if local:
                return local
        refs = await self._git_refs(url)
        return await asyncio.to_thread(mirror.resolve, ref, refs)

    async def _resolve_git(self, name: str, source: dict[str, Any],
                           version: str | None) -> Resolved:
        url, path = source["url"], str(source.get("path") or "")
        commit = await self.git_commit(url, version or source.get("ref") or "HEAD")
        mirror = self._mirror(url)
        if not mirror.tree_dir(commit, path).is_dir() and not mirror.dir.is_dir():
            await self._git_refs(url, fresh=True)  # another path of a cached commit: refetch
        async with self._lock(f"git:{url}"):
            tree = await asyncio.to_thread(mirror.export, commit, path)
        short = commit[:12]
        if (tree / "Chart.yaml").is_file():
            return Resolved(name, short, chart=tree)
        if not await asyncio.to_thread(manifest_files, tree):
            raise GitPathNotFound(url, commit, path, "(no Chart.yaml, no *.yaml)")
        return Resolved(name, short, directory=tree)


def _exported_commit(trees: Path, prefix: str) -> str | None:
    """The one commit with an exported tree whose sha starts with ``prefix`` (a revision
    records 12 hex): such a render needs neither the remote nor the mirror."""
    if len(prefix) == 40:
        return prefix if (trees / prefix).is_dir() else None
    if len(prefix) < 7 or not trees.is_dir():
        return None
    found = [d.name for d in trees.iterdir() if d.name.startswith(prefix) and d.is_dir()]
    return found[0] if len(found) == 1 else None


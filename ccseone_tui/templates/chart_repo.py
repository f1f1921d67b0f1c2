"""Helm chart repositories over HTTP(S): ``index.yaml``, versions, and the ``.tgz`` archives.

The index is read with aiohttp (timeouts, basic auth, CA file); archives are downloaded once,
checked against the index digest, and kept under ``<data dir>/charts/`` keyed by repository,
chart and version — a published chart version never changes, so later renders read the disk.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
import yaml

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.safe_yaml import INDEX_LIMITS
from ccseone_tui.domain.template_errors import (
    ChartDigestMismatch,
    ChartNotInIndex,
    RepoAuthFailed,
    RepoIndexInvalid,
    RepoUnreachable,
    VersionNotFound,
)
from ccseone_tui.templates.cache import key_of, safe_name, write_private
from ccseone_tui.templates.http import Access
from ccseone_tui.templates.semver import newest_first

INDEX_TTL = 30.0  # seconds an index stays fresh in memory: one publish renders per target


@dataclass(frozen=True)
class ChartEntry:
    name: str
    version: str
    urls: list[str]
    digest: str = ""
    app_version: str = ""
    description: str = ""


@dataclass
class RepoIndex:
    repo: str
    entries: dict[str, list[ChartEntry]] = field(default_factory=dict)

    def charts(self) -> list[str]:
        return sorted(self.entries)

    def versions(self, chart: str) -> list[str]:
        if chart not in self.entries:
            raise ChartNotInIndex(self.repo, chart, self.charts())
        return newest_first(e.version for e in self.entries[chart])

    def entry(self, chart: str, version: str, template: str) -> ChartEntry:
        versions = self.versions(chart)
        for e in self.entries[chart]:
            if e.version == version:
                return e
        raise VersionNotFound(template or chart, version, versions)


def index_url(repo: str) -> str:
    return repo.rstrip("/") + "/index.yaml"


def parse_index(repo: str, text: str) -> RepoIndex:
    """``index.yaml`` → entries; ``RepoIndexInvalid`` when it is not an index."""
    try:
        # a remote file: limits generous enough for the largest public indexes
        data = safe_yaml.safe_load(text, index_url(repo), INDEX_LIMITS)
    except yaml.YAMLError as exc:
        raise RepoIndexInvalid(repo, f"not YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise RepoIndexInvalid(repo, "no 'entries' mapping")
    index = RepoIndex(repo)
    for name, items in data["entries"].items():
        out = []
        for item in items or []:
            if not isinstance(item, dict) or not item.get("version"):
                continue
            urls = item.get("urls") or []
            out.append(ChartEntry(
                name=str(name), version=str(item["version"]),
                urls=[str(u) for u in urls], digest=str(item.get("digest") or ""),
                app_version=str(item.get("appVersion") or ""),
                description=str(item.get("description") or "")))
        if out:
            index.entries[str(name)] = out
    return index


def _same_origin(a: str, b: str) -> bool:
    sa, sb = urlsplit(a), urlsplit(b)
    return (sa.scheme, sa.netloc) == (sb.scheme, sb.netloc)


async def _get(url: str, access: Access, *, send_auth: bool = True, repo: str = "") -> bytes:
    """GET ``url``; typed errors for unreachable, refused credentials and HTTP errors."""
    creds = access.credentials() if send_auth else None
    headers = {"Authorization": "Basic " + base64.b64encode(
        f"{creds[0]}:{creds[1]}".encode()).decode()} if creds else {}
    timeout = aiohttp.ClientTimeout(total=access.connect_timeout + access.read_timeout,
                                    sock_connect=access.connect_timeout,
                                    sock_read=access.read_timeout)
    where = repo or url
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                url, headers=headers, ssl=access.ssl_context()) as resp:
            if resp.status in (401, 403):
                raise RepoAuthFailed(where, resp.status)
            if resp.status >= 400:
                raise RepoUnreachable(where, f"GET {url}: HTTP {resp.status} {resp.reason}",
                                      access.read_timeout)
            return await resp.read()
    except TimeoutError as exc:
        raise RepoUnreachable(where, f"GET {url}: no answer in time",
                              access.connect_timeout + access.read_timeout) from exc
    except aiohttp.ClientError as exc:
        raise RepoUnreachable(where, f"GET {url}: {exc}", access.connect_timeout) from exc
    except OSError as exc:  # a CA file that cannot be read
        raise RepoUnreachable(where, str(exc), access.connect_timeout) from exc


class ChartRepoClient:
    """Index and archives of HTTP chart repositories, with the in-memory index cache and the
    on-disk archive cache. One per ``TemplatesService``."""

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir
        self._indexes: dict[tuple[str, str | None], tuple[float, RepoIndex]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    async def index(self, repo: str, access: Access, *, fresh: bool = False) -> RepoIndex:
        key = (repo.rstrip("/"), access.username)
        async with self._lock(f"index:{key}"):
            hit = self._indexes.get(key)
            if hit and not fresh and time.monotonic() - hit[0] < INDEX_TTL:
                return hit[1]
            text = await _get(index_url(repo), access, repo=repo)
            index = parse_index(repo, text.decode("utf-8", "replace"))
            self._indexes[key] = (time.monotonic(), index)
            return index

    async def versions(self, repo: str, chart: str, access: Access) -> list[str]:
        """Versions in the index, newest first (always a fresh read)."""
        return (await self.index(repo, access, fresh=True)).versions(chart)

    def archive_path(self, repo: str, chart: str, version: str) -> Path:
        return (self._cache_dir / key_of(repo.rstrip("/"))
                / f"{safe_name(chart)}-{safe_name(version)}.tgz")

    def cached(self, repo: str, chart: str, version: str) -> Path | None:
        path = self.archive_path(repo, chart, version)
        return path if path.is_file() else None

    async def newest(self, repo: str, chart: str, access: Access) -> str:
        versions = (await self.index(repo, access)).versions(chart)
        if not versions:
            raise VersionNotFound(chart, "latest", [])
        return versions[0]

    async def archive(self, repo: str, chart: str, version: str, access: Access,
                      *, template: str = "") -> Path:
        """The ``.tgz`` of ``chart`` at ``version``: from the cache, else downloaded, checked
        against the index digest, and cached (0600)."""
        path = self.archive_path(repo, chart, version)
        if path.is_file():
            return path
        async with self._lock(f"archive:{path}"):
            if path.is_file():  # a concurrent render downloaded it meanwhile
                return path
            entry = (await self.index(repo, access)).entry(chart, version, template)
            if not entry.urls:
                raise RepoIndexInvalid(repo, f"{chart} {version} has no urls")
            url = urljoin(repo.rstrip("/") + "/", entry.urls[0])
            # like Helm: credentials go to the repository's own origin only
            data = await _get(url, access, send_auth=_same_origin(url, repo), repo=repo)
            if entry.digest:
                expected = entry.digest.removeprefix("sha256:").lower()
                actual = hashlib.sha256(data).hexdigest()
                if actual != expected:
                    raise ChartDigestMismatch(url, expected, actual)
            return await asyncio.to_thread(write_private, path, data)


def entry_summary(index: RepoIndex, chart: str) -> list[dict[str, Any]]:
    """Versions with their app version and description, newest first (for ``show``)."""
    by_version = {e.version: e for e in index.entries.get(chart, [])}
    return [{"version": v, "app_version": by_version[v].app_version,
             "description": by_version[v].description} for v in index.versions(chart)]

"""API discovery: ``/api``, ``/api/<v>``, ``/apis`` and every group version, like kubectl.

Cached per client, and on disk per API server (``DiskCache``: a 0700 folder under the data
dir, keyed by server URL and stamped with the server's version), so a new process — every
CLI call — does not pay 8+ requests per cluster before its first real one. The disk copy
is dropped when it is older than ``DISK_TTL``, when the server reports another version, on
a miss (a CRD created since: rediscovered once) and when a request finds the resource type
gone (404 on the type's path, see ``ClusterClient``).

One group version failing (an aggregated API that is down answers 503) is skipped, as
kubectl does; an unreachable cluster or a refused login fails the whole discovery. The
group-version calls run concurrently, bounded by the cluster's semaphore.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import ClusterUnreachable, KubeApiError, Unauthorized
from ccseone_tui.kube.errors import KindNotFound
from ccseone_tui.kube.values import ResourceInfo

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient

log = logging.getLogger(__name__)


def parse_resource_list(group: str, version: str, body: dict[str, Any]) -> list[ResourceInfo]:
    """ResourceInfos from an ``APIResourceList``, subresources (``pods/log``) left out."""
    out = []
    for r in body.get("resources") or ():
        name = r.get("name", "")
        if not name or "/" in name:
            continue
        out.append(
            ResourceInfo(
                group=r.get("group") or group,
                version=r.get("version") or version,
                kind=r.get("kind", ""),
                plural=name,
                namespaced=bool(r.get("namespaced", False)),
                verbs=tuple(r.get("verbs") or ()),
                short_names=tuple(r.get("shortNames") or ()),
            )
        )
    return out


# kubectl's discovery cache lifetime (6 h). Staleness is bounded by the other triggers
# anyway: a miss, a 404 on a type's path or another server version refresh it at once.
DISK_TTL = 6 * 3600.0
CACHE_SUBDIR = Path("cache") / "discovery"


class DiskCache:
    """One JSON file per API server URL (0600 in a 0700 folder): its version, when it was
    fetched and its resource types. Unreadable or foreign files count as absent."""

    def __init__(self, directory: Path, ttl: float = DISK_TTL) -> None:
        self.directory = directory
        self.ttl = ttl

    def _file(self, server: str) -> Path:
        return self.directory / f"{hashlib.sha256(server.encode()).hexdigest()[:32]}.json"

    def load(self, server: str) -> tuple[str | None, list[ResourceInfo]] | None:
        try:
            data = json.loads(self._file(server).read_bytes())
            age = time.time() - float(data["fetched"])
            # a clock set back makes the age negative: do not trust such a file either
            if data.get("server") != server or not 0 <= age <= self.ttl:
                return None
            resources = [
                ResourceInfo(group=g, version=v, kind=k, plural=p, namespaced=bool(n),
                             verbs=tuple(verbs), short_names=tuple(short))
                for g, v, k, p, n, verbs, short in data["resources"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        version = data.get("version")
        return (str(version) if version else None), resources

    def save(self, server: str, version: str | None, resources: list[ResourceInfo]) -> None:
        from ccseone_tui.config import ensure_private_dir

        body = json.dumps({
            "server": server, "version": version, "fetched": time.time(),
            "resources": [[r.group, r.version, r.kind, r.plural, r.namespaced,
                           list(r.verbs), list(r.short_names)] for r in resources],
        }, separators=(",", ":")).encode()
        path = self._file(server)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            ensure_private_dir(self.directory)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            os.replace(tmp, path)  # readers in other processes never see half a file
        except OSError as exc:  # a read-only data dir costs speed, never correctness
            log.info("discovery cache not written for %s: %s", server, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()

    def drop(self, server: str) -> None:
        with contextlib.suppress(OSError):
            self._file(server).unlink()


class Discovery:
    def __init__(self, client: ClusterClient, disk: DiskCache | None = None) -> None:
        self._client = client
        self._disk = disk
        self._resources: list[ResourceInfo] | None = None
        self._index: dict[tuple[str, str], ResourceInfo] = {}
        self._lock = asyncio.Lock()
        self._generation = 0
        self._version: str | None = None  # the server version the resources belong to
        self.fetched_at: float | None = None  # loop time of the last fetch over the network

    def known(self, api_version: str, kind: str) -> ResourceInfo | None:
        """The resource type if discovery is loaded and has it; never does I/O."""
        return self._index.get((api_version, kind))

    async def resources(self, refresh: bool = False) -> list[ResourceInfo]:
        generation = self._generation
        async with self._lock:
            # Someone else refreshed while we waited for the lock: use theirs.
            if self._resources is not None and not (refresh and generation == self._generation):
                return self._resources
            cached = None
            if not refresh and self._disk is not None:
                cached = self._disk.load(self._client.server)
            if cached is not None:
                version, resources = cached
            else:
                version, resources = await self._fetch()
                self.fetched_at = asyncio.get_running_loop().time()
                if self._disk is not None:
                    self._disk.save(self._client.server, version, resources)
            self._set(version, resources)
            return resources

    def _set(self, version: str | None, resources: list[ResourceInfo] | None) -> None:
        self._version = version
        self._resources = resources
        self._index = {(r.api_version, r.kind): r for r in reversed(resources or ())}
        self._generation += 1

    def forget(self) -> None:
        """Drop what is known (memory and disk): the next lookup asks the server."""
        self._set(None, None)
        if self._disk is not None:
            self._disk.drop(self._client.server)

    def seen_version(self, git_version: str | None) -> None:
        """The server reported ``git_version``: resources cached for another one are
        stale (an upgrade adds and removes API versions)."""
        if git_version and self._version and git_version != self._version:
            log.info("%s: server version %s -> %s, discovery dropped", self._client.name,
                     self._version, git_version)
            self.forget()

    async def resource_for(self, api_version: str, kind: str) -> ResourceInfo:
        await self.resources()
        info = self._index.get((api_version, kind))
        if info is None:
            await self.resources(refresh=True)
            info = self._index.get((api_version, kind))
        if info is None:
            raise KindNotFound(api_version, kind, self._client.name)
        return info

    async def _fetch(self) -> tuple[str | None, list[ResourceInfo]]:
        client = self._client

        async def server_version() -> str | None:
            # stamps the cache; it rides along with /api and /apis, so it costs no time
            try:
                return str((await client.request("GET", "/version")).get("gitVersion") or "")
            except (KubeApiError, ValueError):
                return None

        core, groups, git_version = await asyncio.gather(
            client.request("GET", "/api"), client.request("GET", "/apis"), server_version()
        )
        targets: list[tuple[str, str, str]] = [
            ("", v, f"/api/{v}") for v in core.get("versions") or ()
        ]
        for g in groups.get("groups") or ():
            name = g.get("name", "")
            for v in g.get("versions") or ():
                version = v.get("version", "")
                if name and version:
                    targets.append((name, version, f"/apis/{name}/{version}"))
        bodies = await asyncio.gather(
            *(client.request("GET", path) for _, _, path in targets), return_exceptions=True
        )
        out: list[ResourceInfo] = []
        for (group, version, path), body in zip(targets, bodies, strict=True):
            if isinstance(body, ClusterUnreachable | Unauthorized):
                raise body
            if isinstance(body, KubeApiError):
                log.info("discovery of %s on %s skipped: %s", path, client.name, body)
                continue
            if isinstance(body, BaseException):
                raise body
            out.extend(parse_resource_list(group, version, body))
        return git_version or None, out

"""API discovery: ``/api``, ``/api/<v>``, ``/apis`` and every group version, like kubectl.

Cached per client. One group version failing (an aggregated API that is down answers 503)
is skipped, as kubectl does; an unreachable cluster or a refused login fails the whole
discovery. The group-version calls run concurrently, bounded by the cluster's semaphore.
"""

from __future__ import annotations

import asyncio
import logging
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


class Discovery:
    def __init__(self, client: ClusterClient) -> None:
        self._client = client
        self._resources: list[ResourceInfo] | None = None
        self._index: dict[tuple[str, str], ResourceInfo] = {}
        self._lock = asyncio.Lock()
        self._generation = 0

    async def resources(self, refresh: bool = False) -> list[ResourceInfo]:
        generation = self._generation
        async with self._lock:
            # Someone else refreshed while we waited for the lock: use theirs.
            if self._resources is not None and not (refresh and generation == self._generation):
                return self._resources
            resources = await self._fetch()
            self._resources = resources
            self._index = {(r.api_version, r.kind): r for r in reversed(resources)}
            self._generation += 1
            return resources

    async def resource_for(self, api_version: str, kind: str) -> ResourceInfo:
        await self.resources()
        info = self._index.get((api_version, kind))
        if info is None:
            await self.resources(refresh=True)
            info = self._index.get((api_version, kind))
        if info is None:
            raise KindNotFound(api_version, kind, self._client.name)
        return info

    async def _fetch(self) -> list[ResourceInfo]:
        client = self._client
        core, groups = await asyncio.gather(
            client.request("GET", "/api"), client.request("GET", "/apis")
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
        return out

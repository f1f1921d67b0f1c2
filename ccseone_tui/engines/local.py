"""The embedded ``local`` engine: records in SQLite, calls straight to each API server."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.member_errors import EngineUnsupported
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus, MemberCluster
from ccseone_tui.engines.base import MemberSpec, SharedRecord
from ccseone_tui.engines.local_delivery import LocalDelivery
from ccseone_tui.engines.probe import probe_cluster
from ccseone_tui.i18n import t

if TYPE_CHECKING:
    from ccseone_tui.domain.members import (
        ControlPlaneInfo,
        JoinInstructions,
        MemberDetails,
        MemberRemoval,
        MemberView,
    )


class LocalRecords:
    """The local engine has no place other ccseones read: the cache is the only copy."""

    shared = False

    async def list(self, kind: str, app: str = "") -> list[SharedRecord]:
        return []

    async def get(self, kind: str, name: str) -> SharedRecord | None:
        return None

    async def create(self, record: SharedRecord) -> SharedRecord:
        return record

    async def update(self, record: SharedRecord) -> SharedRecord:
        return record

    async def delete(self, record: SharedRecord) -> None:
        return None


class LocalEngine:
    name = "local"
    members_from_control_plane = False

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def ref(self, cluster: MemberCluster) -> Any:
        from ccseone_tui.kube import ClusterRef

        return ClusterRef(name=cluster.name, kubeconfig=cluster.kubeconfig or "",
                          context=cluster.context)

    async def client(self, cluster: MemberCluster) -> Any:
        return await self._pool.client(self.ref(cluster))

    async def probe(self, cluster: MemberCluster, *, full: bool = False) -> ClusterProbe:
        try:
            client = await self.client(cluster)
        except CcseoneError as exc:  # kubeconfig gone or unreadable
            # keep the last known picture (version, nodes …): only the status and error change
            return dataclasses.replace(cluster.probe, status=ClusterStatus.UNKNOWN,
                                       probed_at=time.time(), error=str(exc))
        # /version once per VERSION_TTL (or when forced): one request per warm probe
        return await probe_cluster(client, cluster.probe, full=full)

    # ---- members: SQLite is the truth, nothing to list ------------------------------------

    async def list_members(self) -> list[MemberView]:
        return []

    async def watch_members(self) -> AsyncIterator[list[MemberView]]:
        return
        yield  # an empty async generator

    async def details(self, cluster: MemberCluster) -> MemberDetails | None:
        return None

    async def info(self) -> ControlPlaneInfo:
        from ccseone_tui.domain.members import ControlPlaneInfo  # the hub's views, on use

        return ControlPlaneInfo(engine=self.name)

    async def check(self) -> ControlPlaneInfo:
        from ccseone_tui.domain.members import ControlPlaneInfo

        return ControlPlaneInfo(engine=self.name)

    # ---- registration goes through services/clusters/registration.py ----------------------

    def _unsupported(self, action: str, hint: str = "engine.hint.hub") -> EngineUnsupported:
        return EngineUnsupported(action=action, instance="", engine=self.name, hint=t(hint))

    async def create_member(self, spec: MemberSpec) -> MemberView | None:
        return None  # the local record is the member

    async def join_instructions(self, name: str) -> JoinInstructions:
        raise self._unsupported("join-command")

    async def accept(self, name: str) -> str:
        raise self._unsupported("accept", "engine.hint.accept")

    async def deny(self, name: str) -> str:
        raise self._unsupported("deny", "engine.hint.accept")

    async def remove_member(self, name: str, *, remove_finalizers: bool = False,
                            wait_seconds: float = 30.0) -> MemberRemoval:
        from ccseone_tui.domain.members import MemberRemoval

        return MemberRemoval(cluster=name)

    # ---- delivery: server-side apply to the member ----------------------------------------

    def delivery(self, cluster: MemberCluster, namespace: str, owner: str) -> LocalDelivery:
        return LocalDelivery(lambda: self.client(cluster), cluster.name, namespace, owner)

    async def events_client(self) -> tuple[Any, frozenset[str]] | None:
        return None

    def records(self) -> LocalRecords:
        return LocalRecords()

    async def close(self) -> None:
        await self._pool.close()

"""The embedded ``local`` engine: records in SQLite, calls straight to each API server."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus, MemberCluster
from ccseone_tui.engines.probe import probe_cluster


class LocalEngine:
    name = "local"

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def ref(self, cluster: MemberCluster) -> Any:
        from ccseone_tui.kube import ClusterRef

        return ClusterRef(name=cluster.name, kubeconfig=cluster.kubeconfig or "",
                          context=cluster.context)

    async def client(self, cluster: MemberCluster) -> Any:
        return await self._pool.client(self.ref(cluster))

    async def probe(self, cluster: MemberCluster) -> ClusterProbe:
        try:
            client = await self.client(cluster)
        except CcseoneError as exc:  # kubeconfig gone or unreadable
            # keep the last known picture (version, nodes …): only the status and error change
            return dataclasses.replace(cluster.probe, status=ClusterStatus.UNKNOWN,
                                       probed_at=time.time(), error=str(exc))
        return await probe_cluster(client, cluster.probe)

    async def close(self) -> None:
        await self._pool.close()

"""The engine protocol: what the services need from "the way to the clusters".

``local`` talks to each member's API server directly with kubeconfig credentials; ``ocm``
(later) goes through an Open Cluster Management hub (ManagedCluster, ManifestWork). Both
answer these calls, so screens and services stay engine-agnostic.
"""

from __future__ import annotations

from typing import Any, Protocol

from ccseone_tui.domain.models import ClusterProbe, MemberCluster


class ClusterEngine(Protocol):
    name: str

    async def client(self, cluster: MemberCluster) -> Any:
        """A direct API client for one member (``kube.ClusterClient``)."""
        ...

    async def probe(self, cluster: MemberCluster) -> ClusterProbe:
        """Status of one member; never raises — failures become the probe's status."""
        ...

    async def close(self) -> None: ...

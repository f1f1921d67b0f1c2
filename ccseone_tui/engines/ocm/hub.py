"""The connection to one hub: its client, the errors a hub call can end in, the checks that
make a context an instance's hub, and its basic info.

Every hub call goes through :meth:`Hub.call` so a dead hub is ``HubUnreachable`` and a
refused credential ``HubCredentialsRejected``, both naming the instance — never a bare
connection error that says nothing about what to do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ccseone_tui.domain.errors import (
    ClusterUnreachable,
    Forbidden,
    ResourceNotFound,
    Unauthorized,
)
from ccseone_tui.domain.member_errors import (
    HubBootstrapMissing,
    HubCredentialsRejected,
    HubUnreachable,
    NotAHub,
)
from ccseone_tui.domain.members import Condition, ControllerHealth, ControlPlaneInfo
from ccseone_tui.engines.ocm import api

T = TypeVar("T")
Obj = dict[str, Any]


def conditions_of(obj: Obj) -> list[Condition]:
    return [Condition(str(c.get("type", "")), str(c.get("status", "")),
                      str(c.get("reason", "")), str(c.get("message", "")),
                      str(c.get("lastTransitionTime", "")))
            for c in (obj.get("status") or {}).get("conditions") or []]


def image_tag(image: str) -> str:
    """``quay.io/open-cluster-management/registration:v1.0.0`` -> ``v1.0.0``."""
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return last.split("@", 1)[1]
    return last.split(":", 1)[1] if ":" in last else ""


class Hub:
    """One instance's hub. ``instance`` names it in errors; ``ref`` is its kubeconfig."""

    def __init__(self, pool: Any, ref: Any, instance: str) -> None:
        self._pool = pool
        self.ref = ref
        self.instance = instance

    async def client(self) -> Any:
        return await self._pool.client(self.ref)

    def translate(self, exc: BaseException) -> BaseException:
        if isinstance(exc, ClusterUnreachable):
            return HubUnreachable(instance=self.instance, cause=exc.cause)
        if isinstance(exc, Unauthorized | Forbidden):
            return HubCredentialsRejected(context=self.ref.context or "", status=exc.status,
                                          error=exc.api_message or exc.reason)
        return exc

    async def call(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """``fn(client)`` with the hub's errors translated."""
        try:
            return await fn(await self.client())
        except (ClusterUnreachable, Unauthorized, Forbidden) as exc:
            raise self.translate(exc) from exc

    # ---- is it a hub? ------------------------------------------------------------------------

    async def check(self) -> ControlPlaneInfo:
        """A hub serves ManagedClusters and has a bootstrap service account; anything else
        is refused with the fix (``clusteradm init``)."""
        context = self.ref.context or ""

        async def served(client: Any) -> bool:
            await client.version()  # unreachable / refused first, with its own message
            # discovery, not the CRD object: a hub admin may not be allowed to read CRDs
            try:
                await client.resource_for(api.CLUSTER_API, api.MANAGED_CLUSTER)
            except ResourceNotFound:
                return False
            return True

        ok = await self.call(served)
        if not ok:
            server = (await self.client()).server
            raise NotAHub(context=context, server=server,
                          missing=f"{api.MANAGED_CLUSTER_CRD} is not served")
        if await self.bootstrap_account() is None:
            raise HubBootstrapMissing(context=context, accounts=", ".join(
                f"{api.OCM_NAMESPACE}/{a}" for a in api.BOOTSTRAP_ACCOUNTS))
        return await self.info()

    async def bootstrap_account(self) -> str | None:
        async def find(client: Any) -> str | None:
            for name in api.BOOTSTRAP_ACCOUNTS:
                try:
                    await client.get("v1", "ServiceAccount", name, namespace=api.OCM_NAMESPACE)
                except ResourceNotFound:
                    continue
                return name
            return None

        return await self.call(find)

    # ---- basic info ------------------------------------------------------------------------------

    async def info(self, counts: dict[str, int] | None = None) -> ControlPlaneInfo:
        async def read(client: Any) -> ControlPlaneInfo:
            version, manager, deployments = await asyncio.gather(
                client.version(), self._get_or_none(client, api.OPERATOR_API,
                                                    api.CLUSTER_MANAGER,
                                                    api.CLUSTER_MANAGER_NAME),
                client.list("apps/v1", "Deployment", namespace=api.HUB_NAMESPACE))
            return ControlPlaneInfo(
                engine="ocm", api_server=client.server, context=self.ref.context or "",
                version=_ocm_version(manager),
                kubernetes_version=str(version.get("gitVersion", "")),
                controllers=[_health(d) for d in deployments.get("items") or []],
                counts=dict(counts or {}),
                conditions=conditions_of(manager or {}))

        return await self.call(read)

    @staticmethod
    async def _get_or_none(client: Any, api_version: str, kind: str, name: str,
                           namespace: str | None = None) -> Obj | None:
        try:
            return await client.get(api_version, kind, name, namespace=namespace)
        except ResourceNotFound:
            return None


def _ocm_version(manager: Obj | None) -> str:
    """The registration image's tag: what `clusteradm init --bundle-version` installed."""
    spec = (manager or {}).get("spec") or {}
    for key in ("registrationImagePullSpec", "workImagePullSpec", "placementImagePullSpec"):
        tag = image_tag(str(spec.get(key) or ""))
        if tag:
            return tag
    return ""


def _health(deployment: Obj) -> ControllerHealth:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    containers = (((spec.get("template") or {}).get("spec") or {}).get("containers")) or [{}]
    desired = spec.get("replicas")
    return ControllerHealth(
        name=str((deployment.get("metadata") or {}).get("name", "")),
        ready=int(status.get("readyReplicas") or 0),
        desired=1 if desired is None else int(desired),
        image=str(containers[0].get("image", "")))

"""Delivery for the ``local`` engine: server-side apply straight to the member's API server
(field manager ``ccseone``) and deletes with Background propagation. The owner name is not
needed here: local objects carry their owner in their own labels (namespaces, apps)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.engines.base import DeliveryStatus, Obj

FIELD_MANAGER = "ccseone"


class LocalDelivery:
    whole_set = False  # object by object: the services prune and read live objects
    def __init__(self, client_for: Callable[[], Awaitable[Any]], cluster: str, namespace: str,
                 owner: str) -> None:
        self._client_for = client_for
        self.cluster, self.namespace, self.owner = cluster, namespace, owner

    async def put(self, objects: list[Obj], *, force: bool = False,
                  dry_run: bool = False) -> list[Obj]:
        client = await self._client_for()
        # concurrent: the caller orders phases (CRDs first …) by calling put per phase
        return list(await asyncio.gather(*(
            client.apply(o, force=force, dry_run=dry_run, field_manager=FIELD_MANAGER)
            for o in objects)))

    async def withdraw(self, objects: list[Obj]) -> int:
        client = await self._client_for()

        async def one(obj: Obj) -> int:
            meta = obj.get("metadata") or {}
            try:
                await client.delete(obj["apiVersion"], obj["kind"], meta["name"],
                                    namespace=meta.get("namespace"), propagation="Background")
            except ResourceNotFound:
                return 0
            return 1

        return sum(await asyncio.gather(*(one(o) for o in objects)))

    async def status(self) -> DeliveryStatus:
        # the services read the live objects themselves (sync state, app status)
        return DeliveryStatus(self.owner, self.cluster, self.namespace)

"""Shared pieces of the sandbox OCM tests: an OCM fleet, official clients on its hub and
members, and event-driven waits (list + watch over HTTP, never sleeps)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from kubernetes.aio import client, config

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw

MC_PATH = "/apis/cluster.open-cluster-management.io/v1/managedclusters"
CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
KL_PATH = "/apis/operator.open-cluster-management.io/v1/klusterlets"
WAIT = 10.0  # seconds before a wait fails the test (events normally arrive in ms)


async def ocm_fleet(**kw: Any) -> SandboxFleet:
    fleet = SandboxFleet(**{"clusters": 2, "nodes": 3, "log_rate": 0.0, "ocm": True, **kw})
    await fleet.start()
    await fleet.settle()
    return fleet


async def open_raw(fleet: SandboxFleet, context: str) -> tuple[client.ApiClient, Raw]:
    api = await config.new_client_from_config(config_file=str(fleet.kubeconfig_path),
                                              context=context)
    return api, Raw(api)


async def until(raw: Raw, path: str, name: str,
                check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """List, then watch ``path`` for object ``name`` until ``check(obj)``."""
    async with asyncio.timeout(WAIT):
        while True:
            status, listing, _ = await raw.call(
                "GET", path, query=[("fieldSelector", f"metadata.name={name}")])
            assert status == 200, listing
            for item in listing["items"]:
                if check(item):
                    return item
            resp = await raw.stream(path, [("watch", "true"),
                                           ("fieldSelector", f"metadata.name={name}"),
                                           ("resourceVersion",
                                            listing["metadata"]["resourceVersion"])])
            try:
                async for line in resp.content:
                    if not line.strip():
                        continue
                    event = json.loads(line)
                    if event["type"] in ("ADDED", "MODIFIED") and check(event["object"]):
                        return event["object"]
            finally:
                resp.release()


def condition(obj: dict[str, Any], type_: str) -> dict[str, Any]:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c["type"] == type_:
            return c
    return {}


def has(type_: str, status: str, reason_prefix: str = "") -> Callable[[dict[str, Any]], bool]:
    def check(obj: dict[str, Any]) -> bool:
        c = condition(obj, type_)
        return c.get("status") == status and str(c.get("reason", "")).startswith(reason_prefix)
    return check

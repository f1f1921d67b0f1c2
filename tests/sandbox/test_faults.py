"""Fault injection: 429 with Retry-After, 500s, latency, version, outages."""

from __future__ import annotations

import time

import aiohttp
import pytest
from kubernetes.aio import client

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw


async def test_throttle_next_requests(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    c.faults.throttle_next, c.faults.retry_after = 2, 3
    for _ in range(2):
        status, body, headers = await raw.call("GET", "/api/v1/namespaces")
        assert (status, body["reason"], headers["Retry-After"]) == (429, "TooManyRequests", "3")
        assert body["details"]["retryAfterSeconds"] == 3
    status, _, _ = await raw.call("GET", "/api/v1/namespaces")
    assert status == 200


async def test_error_rate(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    c.faults.error_rate = 1.0
    status, body, _ = await raw.call("GET", "/api/v1/namespaces")
    assert (status, body["reason"], body["code"]) == (500, "InternalError", 500)
    c.faults.error_rate = 0.5
    codes = [(await raw.call("GET", "/version"))[0] for _ in range(40)]
    assert 0 < codes.count(500) < 40
    c.faults.error_rate = 0.0


async def test_official_client_raises_api_exception(api_client: client.ApiClient,
                                                    fleet: SandboxFleet) -> None:
    fleet.clusters[0].faults.throttle_next = 1
    with pytest.raises(client.ApiException) as err:
        await client.CoreV1Api(api_client).list_namespace()
    assert err.value.status == 429
    with pytest.raises(client.ApiException) as err:
        await client.CoreV1Api(api_client).read_namespace("nope")
    assert err.value.status == 404


async def test_version_fault(raw: Raw, fleet: SandboxFleet) -> None:
    fleet.clusters[0].faults.version = "v1.18.0"
    v = await raw.get("/version")
    assert (v["gitVersion"], v["major"], v["minor"]) == ("v1.18.0", "1", "18")


async def test_latency_delays_responses(raw: Raw, fleet: SandboxFleet) -> None:
    fleet.clusters[0].faults.latency_ms = 150
    start = time.monotonic()
    await raw.get("/version")
    assert time.monotonic() - start >= 0.15
    fleet.clusters[0].faults.latency_ms = 0


async def test_per_cluster_latencies() -> None:
    async with SandboxFleet(clusters=3, latencies_ms=[20, 200], system_workloads=False) as f:
        assert [c.faults.latency_ms for c in f.clusters] == [20, 200, 0]


async def test_outage_refuses_connections_then_reopens_same_port(fleet: SandboxFleet) -> None:
    c = fleet.clusters[1]
    port = c.port
    headers = {"Authorization": f"Bearer {c.token}"}
    async with aiohttp.ClientSession(headers=headers) as s:
        async with s.get(f"{c.url}/version") as r:  # leaves a kept-alive connection
            assert r.status == 200
        await c.set_outage(True)
        with pytest.raises(aiohttp.ClientConnectionError):
            async with s.get(f"{c.url}/version") as r:
                await r.read()
        await c.set_outage(False)
        assert c.port == port
        async with s.get(f"{c.url}/api/v1/namespaces") as r:
            assert r.status == 200
    # The other cluster never noticed.
    other = fleet.clusters[0]
    async with aiohttp.ClientSession() as s, s.get(
        f"{other.url}/version", headers={"Authorization": f"Bearer {other.token}"}
    ) as r:
        assert r.status == 200


async def test_requests_are_recorded(raw: Raw, fleet: SandboxFleet) -> None:
    await raw.get("/api/v1/namespaces/default/pods", query=[("limit", 5)])
    assert ("GET", "/api/v1/namespaces/default/pods?limit=5") in fleet.clusters[0].requests

"""Failures: outage, timeouts, TLS, 401, 429 with Retry-After, 500; fan-out independence."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain.errors import (
    ClusterUnreachable,
    KubeApiError,
    TooManyRequests,
    Unauthorized,
)
from ccseone_tui.kube import ClusterRef, KubePool
from tests.kube.kube_helpers import SETTINGS, refs_for


async def test_outage_is_unreachable_within_timeout(pool: KubePool, refs, fleet) -> None:
    cluster = fleet.clusters[0]
    client = await pool.client(refs[0])
    await client.version()
    await cluster.set_outage(True)
    t0 = time.monotonic()
    with pytest.raises(ClusterUnreachable) as err:
        await client.version()
    elapsed = time.monotonic() - t0
    assert elapsed < SETTINGS.connect_timeout * 3, elapsed
    assert err.value.cluster == cluster.name and err.value.cause
    await cluster.set_outage(False)
    assert (await client.version())["gitVersion"]


async def test_read_timeout(fleet, refs) -> None:
    fleet.clusters[0].faults.latency_ms = 5000
    async with KubePool(replace(SETTINGS, read_timeout=0.3)) as pool:
        client = await pool.client(refs[0])
        t0 = time.monotonic()
        with pytest.raises(ClusterUnreachable) as err:
            await client.version()
        assert time.monotonic() - t0 < 0.3 * 3 + 0.5
        assert "0.3" in err.value.cause
        t0 = time.monotonic()
        with pytest.raises(ClusterUnreachable):  # a per-call deadline
            await client.request("GET", "/version", timeout=0.2)
        assert time.monotonic() - t0 < 0.2 * 3 + 0.5


async def test_tls_error_is_unreachable(fleet, tmp_path: Path, pool: KubePool) -> None:
    cfg = yaml.safe_load(Path(fleet.kubeconfig_path).read_text())  # noqa: ASYNC240
    for c in cfg["clusters"]:  # speak TLS to a plain-HTTP port: the handshake fails
        c["cluster"]["server"] = c["cluster"]["server"].replace("http://", "https://")
        c["cluster"]["insecure-skip-tls-verify"] = False
    path = tmp_path / "tls.yaml"
    path.write_text(yaml.safe_dump(cfg))
    client = await pool.client(refs_for(fleet, str(path))[0])
    with pytest.raises(ClusterUnreachable) as err:
        await client.version()
    assert "TLS" in err.value.cause or "SSL" in err.value.cause


async def test_wrong_token_is_401(fleet, tmp_path: Path, pool: KubePool) -> None:
    cfg = yaml.safe_load(Path(fleet.kubeconfig_path).read_text())  # noqa: ASYNC240
    for u in cfg["users"]:
        u["user"] = {"token": "not-the-token"}
    path = tmp_path / "bad-token.yaml"
    path.write_text(yaml.safe_dump(cfg))
    client = await pool.client(refs_for(fleet, str(path))[0])
    with pytest.raises(Unauthorized) as err:
        await client.version()
    assert err.value.status == 401 and err.value.reason == "Unauthorized"


async def test_429_retry_after_then_success(client, fleet) -> None:
    faults = fleet.clusters[0].faults
    faults.retry_after = 1
    faults.throttle_next = 1
    t0 = time.monotonic()
    assert (await client.version())["gitVersion"]
    assert time.monotonic() - t0 >= 0.95  # waited Retry-After
    assert faults.throttle_next == 0


async def test_429_gives_up(client, fleet) -> None:
    faults = fleet.clusters[0].faults
    faults.retry_after = 0
    faults.throttle_next = 100
    with pytest.raises(TooManyRequests) as err:
        await client.version()
    assert err.value.status == 429 and err.value.retry_after == 0
    assert faults.throttle_next == 100 - 4  # the first try and three retries
    faults.throttle_next = 0


async def test_server_error_verbatim(client, fleet) -> None:
    fleet.clusters[0].faults.error_rate = 1.0
    with pytest.raises(KubeApiError) as err:
        await client.version()
    assert err.value.status == 500 and err.value.api_message


async def test_fan_out_with_a_dead_and_a_slow_cluster(pool: KubePool, refs, fleet) -> None:
    await fleet.clusters[1].set_outage(True)
    fleet.clusters[2].faults.latency_ms = 300
    everything = [*refs, ClusterRef("no-kubeconfig", "/nonexistent/kubeconfig", None)]
    t0 = time.monotonic()
    results = await pool.fan_out(everything, lambda c: c.version())
    elapsed = time.monotonic() - t0
    assert set(results) == {r.name for r in everything}
    assert results[refs[0].name]["gitVersion"]
    assert results[refs[2].name]["gitVersion"]
    assert isinstance(results[refs[1].name], ClusterUnreachable)
    assert type(results["no-kubeconfig"]).__name__ == "KubeconfigError"
    assert elapsed < 0.3 * 3 + 1.0, elapsed


async def test_fan_out_timeout(pool: KubePool, refs, fleet) -> None:
    for ref in refs:  # clients first: importing the client and reading credentials is not
        await pool.client(ref)  # what the timeout is about, and is slow on a loaded runner
    fleet.clusters[0].faults.latency_ms = 5000
    t0 = time.monotonic()
    results = await pool.fan_out(refs, lambda c: c.version(), timeout=0.3)
    # the timeout, not the dead cluster's 5 s, bounds the fan-out
    assert time.monotonic() - t0 < 5.0
    assert isinstance(results[refs[0].name], ClusterUnreachable)
    assert all(isinstance(results[r.name], dict) for r in refs[1:])


async def test_slow_cluster_does_not_delay_another(pool: KubePool, refs, fleet) -> None:
    fleet.clusters[0].faults.latency_ms = 500
    slow = await pool.client(refs[0])
    fast = await pool.client(refs[1])
    await fast.version()
    # more calls than the per-cluster limit: they queue on the slow cluster only
    backlog = [
        asyncio.create_task(slow.version()) for _ in range(SETTINGS.per_cluster_concurrency * 2)
    ]
    await asyncio.sleep(0)
    t0 = time.monotonic()
    await fast.version()
    assert time.monotonic() - t0 < 0.5
    await asyncio.gather(*backlog)

"""Pod logs: tail, timestamps, follow, limit, errors."""

from __future__ import annotations

import asyncio
import re

import pytest

from ccseone_tui.domain.errors import KubeApiError, ResourceNotFound
from ccseone_tui.kube import ClusterClient
from tests.kube.kube_helpers import unique, wait_for

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ")


@pytest.fixture
async def pod(client: ClusterClient) -> str:
    name = unique("logger")
    await client.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {
                "containers": [
                    {"name": "main", "image": "busybox:1.36"},
                    {"name": "side", "image": "busybox:1.36"},
                ]
            },
        }
    )
    await wait_for(
        client,
        "v1",
        "Pod",
        lambda pods: bool(pods) and pods[0].get("status", {}).get("phase") == "Running",
        namespace="default",
        label_selector=f"app={name}",
    )
    return name


async def written(client: ClusterClient, pod: str, container: str, n: int) -> None:
    """Wait (by following) until the container has written at least ``n`` lines."""
    stream = client.logs("default", pod, container=container, follow=True)
    try:
        async with asyncio.timeout(5):
            for _ in range(n):
                await anext(stream)
    finally:
        await stream.aclose()


async def test_tail_and_timestamps(client: ClusterClient, pod: str) -> None:
    await written(client, pod, "main", 6)
    await written(client, pod, "side", 4)
    lines = [line async for line in client.logs("default", pod, container="main", tail_lines=5)]
    assert len(lines) == 5 and all(lines) and not any(line.endswith("\n") for line in lines)
    stamped = [
        line
        async for line in client.logs(
            "default", pod, container="side", tail_lines=3, timestamps=True
        )
    ]
    assert len(stamped) == 3 and all(TS.match(line) for line in stamped)


async def test_follow_reads_incrementally(client: ClusterClient, pod: str) -> None:
    stream = client.logs("default", pod, container="main", follow=True, tail_lines=1)
    try:
        async with asyncio.timeout(5):
            lines = [await anext(stream) for _ in range(20)]  # arrives over ~0.4 s, not at EOF
    finally:
        await stream.aclose()
    assert len(set(lines)) == 20


async def test_limit_bytes_and_errors(client: ClusterClient, pod: str) -> None:
    await written(client, pod, "main", 10)
    data = "\n".join(
        [line async for line in client.logs("default", pod, container="main", limit_bytes=40)]
    )
    assert 0 < len(data.encode()) <= 40
    with pytest.raises(ResourceNotFound):
        async for _ in client.logs("default", "no-such-pod"):
            pass
    with pytest.raises(KubeApiError) as err:  # two containers, none named
        async for _ in client.logs("default", pod):
            pass
    assert err.value.status == 400 and "container" in err.value.api_message

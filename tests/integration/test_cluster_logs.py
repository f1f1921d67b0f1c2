"""Cluster events and pod logs for the cluster detail (``services.logs``, the same streams as
the Logs section), against a sandbox cluster over HTTP."""

from __future__ import annotations

import asyncio

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services
from ccseone_tui.services.logs.events import format_event
from ccseone_tui.services.logs.stream import LINE, LogRecord


async def test_events_pods_and_pod_logs(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("hub", "cn-east-1")
    [cluster] = await services.clusters.associate("hub", [AssociateRequest("sandbox-1")])
    assert not isinstance(cluster, Exception)
    logs = services.logs

    events = await logs.cluster_events(cluster)
    try:
        first = await asyncio.wait_for(anext(events), 5)
    finally:
        await events.aclose()
    assert first and all(r.kind == LINE and r.source == cluster.name for r in first)
    assert all(r.ts is not None for r in first)
    assert [r.ts for r in first] == sorted(r.ts for r in first)  # type: ignore[type-var]

    pods = await logs.pods(cluster)
    assert pods and all(p.containers for p in pods)
    pod = pods[0]
    # the sandbox writes a container's lines from its start at the cluster's rate: on a busy
    # machine the first may not be written yet, so wait for it (a follow delivers it)
    following = await logs.pod(cluster, pod.namespace, pod.name, container=pod.containers[0],
                               tail=1, follow=True)
    async with following:
        async for batch in following:
            if any(r.kind == LINE for r in batch):
                break
    stream = await logs.pod(cluster, pod.namespace, pod.name, container=pod.containers[0],
                            tail=5, follow=False)
    lines: list[LogRecord] = []
    async with stream:
        async for batch in stream:
            lines += batch
    assert all(r.kind == LINE for r in lines)
    assert 0 < len(lines) <= 5


def test_format_event() -> None:
    line = format_event({
        "type": "Warning", "reason": "BackOff", "message": "Back-off restarting", "count": 3,
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "shop"},
        "lastTimestamp": "2025-06-15T15:06:40Z",
    })
    assert line.text == "Warning BackOff Pod/web-0 (shop): Back-off restarting (x3)"
    assert line.warning and line.ts == 1_750_000_000.0

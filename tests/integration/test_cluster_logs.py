"""Cluster events and pod logs for the cluster detail, against a sandbox cluster over HTTP."""

from __future__ import annotations

import asyncio

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services
from ccseone_tui.services.cluster_logs import ClusterLogsService, format_event


async def test_events_pods_and_pod_logs(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("hub", "cn-east-1")
    [cluster] = await services.clusters.associate("hub", [AssociateRequest("sandbox-1")])
    assert not isinstance(cluster, Exception)
    logs = ClusterLogsService(services.clusters)

    events = logs.events(cluster)
    first = await asyncio.wait_for(anext(events), 5)
    assert first.relist and first.lines
    assert all(line.ts is not None for line in first.lines)
    assert [line.ts for line in first.lines] == sorted(line.ts for line in first.lines)
    await events.aclose()  # type: ignore[attr-defined]

    pods = await logs.pods(cluster)
    assert pods and all(p.containers for p in pods)
    pod = pods[0]
    lines = [line async for line in logs.pod_logs(cluster, pod.namespace, pod.name,
                                                  tail=5, follow=False)]
    assert 0 < len(lines) <= 5


def test_format_event() -> None:
    line = format_event({
        "type": "Warning", "reason": "BackOff", "message": "Back-off restarting", "count": 3,
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "shop"},
        "lastTimestamp": "2025-06-15T15:06:40Z",
    })
    assert line.text == "Warning BackOff Pod/web-0 (shop): Back-off restarting (x3)"
    assert line.warning and line.ts == 1_750_000_000.0

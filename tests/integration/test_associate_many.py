"""Associating many contexts in one call (issue #13 item 4: 1,000 clusters).

The checks that need a cluster (client, /version, the nodes) run side by side, so a call
costs its slowest cluster, not the sum; the cache's clusters are read once per call (they
were read once per context: quadratic at 1,000); names and servers taken by an earlier
context of the same call are still refused. Real sandbox clusters over loopback HTTP, the
real SQLite store (its own trace counts the reads)."""

from __future__ import annotations

import asyncio

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services


def asked(cluster: object) -> list[str]:
    return [path for _method, path in cluster.requests]  # type: ignore[attr-defined]


async def test_checks_run_side_by_side(services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    slow, *others = fleet.clusters
    slow.faults.latency_ms = 2000.0  # each of its answers takes 2 s
    trace: list[str] = []
    await services.store._db.conn.set_trace_callback(trace.append)
    call = asyncio.create_task(services.clusters.associate(
        "east", [AssociateRequest(context=c.name) for c in fleet.clusters]))
    # the others are asked (and answer) while the first is still on its first request:
    # one after another, nobody would be asked before the first cluster's two answers
    for _ in range(2000):
        if all("/api/v1/nodes" in asked(c) for c in others):
            break
        await asyncio.sleep(0.005)
    assert all("/api/v1/nodes" in asked(c) for c in others)
    assert "/api/v1/nodes" not in asked(slow) and not call.done()
    results = await call
    await services.store._db.conn.set_trace_callback(None)
    assert [getattr(r, "name", r) for r in results] == [c.name for c in fleet.clusters]
    # one /version per cluster: the probe after the check reuses the version it just asked
    assert all(asked(c).count("/version") == 1 for c in fleet.clusters)
    # the cache's clusters were read once for the whole call
    assert sum(1 for sql in trace if "FROM clusters ORDER BY name" in sql) == 1
    journal = await services.store.list_journal(results[0].instance_id)  # type: ignore[union-attr]
    assert [e.target for e in journal if e.action == "cluster.associate"] == \
        [c.name for c in fleet.clusters]  # in the order asked


async def test_a_name_or_server_taken_earlier_in_the_call_is_refused(
        services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    a, b, *_ = fleet.clusters
    results = await services.clusters.associate("east", [
        AssociateRequest(context=a.name),
        AssociateRequest(context=a.name, name="again"),  # the same server under a new name
        AssociateRequest(context=b.name, name=a.name),  # a name the first one took
        AssociateRequest(context="no-such-context"),
        AssociateRequest(context=b.name),
    ])
    assert isinstance(results[0], MemberCluster)
    assert isinstance(results[1], E.ClusterAlreadyAssociated) and a.name in str(results[1])
    assert isinstance(results[2], E.NameExists)
    assert isinstance(results[3], E.KubeconfigQueryFailed)
    assert isinstance(results[4], MemberCluster)
    assert sorted(c.name for c in await services.clusters.list()) == [a.name, b.name]

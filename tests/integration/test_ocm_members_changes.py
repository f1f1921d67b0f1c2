"""A hub snapshot names the rows that changed, so a view of 1,000 members updates what
changed instead of repainting the fleet (bench/ocm.py measured the whole-list path)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_hub import MC

from .ocm_helpers import WAIT, hub_instance, hub_services


def managed_cluster(name: str) -> dict:
    return {"apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
            "metadata": {"name": name, "labels": {"team": "a"}},
            "spec": {"hubAcceptsClient": True}}


async def test_snapshots_name_only_the_changed_rows(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=1, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as fleet:
        hub = fleet.hub
        for i in range(5):
            hub.writes.create(MC, "", managed_cluster(f"mc-{i}"), "tester")
        services = await hub_services(tmp_path, fleet)
        try:
            inst = await hub_instance(services)
            first = await services.members.sync(inst)
            assert {c.name for c in first.clusters} >= {f"mc-{i}" for i in range(5)}
            stream = services.members.follow(inst)
            try:
                async with asyncio.timeout(WAIT):
                    cached = await anext(stream)
                    assert cached.changed is None  # the cache's picture: take it whole
                    live = await anext(stream)  # the hub's first answer: nothing new
                    assert live.changed == frozenset() and not live.removed
                    hub.writes.patch(MC, "", "mc-3", "application/merge-patch+json",
                                     {"metadata": {"labels": {"team": "b"}}}, "tester")
                    hub.writes.delete(MC, "", "mc-4")
                    while True:
                        snap = await anext(stream)
                        if snap.changed or snap.removed:
                            break
                    seen = set(snap.changed or ())
                    gone = set(snap.removed)
                    while not ({"mc-3"} <= seen and {"mc-4"} <= gone):
                        snap = await anext(stream)
                        seen |= snap.changed or set()
                        gone |= snap.removed
                    assert seen == {"mc-3"} and gone == {"mc-4"}
                    row = next(c for c in snap.clusters if c.name == "mc-3")
                    assert row.labels == {"team": "b"}
                    assert "mc-4" not in {c.name for c in snap.clusters}
            finally:
                await stream.aclose()
        finally:
            await services.close()


async def test_following_a_hub_that_goes_away_gives_a_stale_picture(tmp_path: Path) -> None:
    """A watch cut mid-stream is a lost hub (stale, with the cause) until it answers again,
    never a crashed stream."""
    async with SandboxFleet(clusters=1, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as fleet:
        fleet.hub.writes.create(MC, "", managed_cluster("mc-0"), "tester")
        services = await hub_services(tmp_path, fleet)
        try:
            inst = await hub_instance(services)
            stream = services.members.follow(inst)
            try:
                async with asyncio.timeout(WAIT):
                    await anext(stream)  # the cache
                    live = await anext(stream)
                    assert not live.stale
                    assert fleet.hub.faults.drop_streams(abrupt=True) >= 1  # cut mid-stream
                    snap = await anext(stream)
                    while not snap.stale:
                        snap = await anext(stream)
                    assert snap.error and "mc-0" in {c.name for c in snap.clusters}
                    snap = await anext(stream)
                    while snap.stale:
                        snap = await anext(stream)
                    assert "mc-0" in {c.name for c in snap.clusters}
            finally:
                await stream.aclose()
        finally:
            await services.close()

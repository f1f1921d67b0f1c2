"""One request per warm probe (issue #13, 1,000 clusters): a refresh lists each cluster's
nodes and asks ``/version`` only when it is due — never asked, older than ``VERSION_TTL``,
after a failed probe — or when the probe is forced (``ClustersService.probe``).

Real services, a real SQLite cache and sandbox clusters over loopback HTTP; what each
cluster was asked is the sandbox's own request log. A probe saved ``VERSION_TTL`` ago is
written to the cache as such (``save_probe``), as a process stopped 11 minutes ago left it.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from ccseone_tui.domain.models import ClusterProbe, ClusterStatus
from ccseone_tui.engines.probe import VERSION_TTL, version_due
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services

from .conftest import make_settings

NODES = ("GET", "/api/v1/nodes")
VERSION = ("GET", "/version")
FULL = [VERSION, NODES]


async def joined(s: Services, fleet: SandboxFleet) -> None:
    await s.instances.create("east", "cn-east-1")
    await s.clusters.associate("east", [AssociateRequest(context=c.name)
                                        for c in fleet.clusters])


def asked(fleet: SandboxFleet) -> dict[str, list[tuple[str, str]]]:
    """What each cluster was asked since the last call (the log is cleared)."""
    out = {c.name: list(c.requests) for c in fleet.clusters}
    for c in fleet.clusters:
        c.requests.clear()
    return out


async def refresh(s: Services, fleet: SandboxFleet) -> dict[str, ClusterProbe]:
    asked(fleet)
    return {c.name: c.probe for c in await s.clusters.refresh()}


async def age_version(s: Services, name: str, checked_at: float | None) -> None:
    """Store ``name``'s last probe as if its version had been asked at ``checked_at``."""
    cluster = await s.clusters.get(name)
    await s.store.save_probe(cluster.id, dataclasses.replace(
        cluster.probe, version_checked_at=checked_at))


async def test_a_warm_refresh_lists_the_nodes_only(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=3, nodes=2, log_rate=0.0) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="t")
        try:
            before = time.time()
            await joined(s, fleet)
            checked = {c.name: c.probe.version_checked_at for c in await s.clusters.list()}
            assert all(at is not None and at >= before for at in checked.values())
            for _ in range(2):
                probes = await refresh(s, fleet)
                assert asked(fleet) == {c.name: [NODES] for c in fleet.clusters}
                for name, probe in probes.items():
                    assert probe.status is ClusterStatus.READY
                    assert probe.version == "v1.30.2" and probe.nodes == 2
                    # the version is the one asked at associate, and says so
                    assert probe.version_checked_at == checked[name]
                    # the nodes request's round trip stands for the latency now
                    assert probe.latency_ms is not None and probe.latency_ms > 0
        finally:
            await s.close()


async def test_the_version_is_asked_again_once_due_or_forced_and_a_change_is_seen(
        tmp_path: Path) -> None:
    async with SandboxFleet(clusters=4, nodes=2, log_rate=0.0) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="t")
        try:
            await joined(s, fleet)
            old, never, fresh, forced = (c.name for c in fleet.clusters)
            now = time.time()
            await age_version(s, old, now - VERSION_TTL - 1)  # asked 10 min 1 s ago
            await age_version(s, never, None)  # a row from before the column existed
            await age_version(s, fresh, now - VERSION_TTL + 60)  # still within the TTL
            for c in fleet.clusters:  # a control-plane upgrade everywhere
                c.faults.version = "v1.31.1"

            started = time.time()
            probes = await refresh(s, fleet)
            assert asked(fleet) == {old: FULL, never: FULL, fresh: [NODES], forced: [NODES]}
            assert {n: p.version for n, p in probes.items()} == {
                old: "v1.31.1", never: "v1.31.1", fresh: "v1.30.2", forced: "v1.30.2"}
            for name in (old, never):
                assert (probes[name].version_checked_at or 0) >= started
            # saved: the next refresh is warm again for the ones just asked
            stored = {c.name: c.probe for c in await s.clusters.list()}
            assert stored == probes
            await refresh(s, fleet)
            assert asked(fleet)[old] == [NODES]

            # a probe the user asks for (cluster detail, after a change) asks at once
            cluster = await s.clusters.probe(await s.clusters.get(forced))
            assert asked(fleet)[forced] == FULL
            assert cluster.probe.version == "v1.31.1"
            assert (await s.clusters.get(forced)).probe.version == "v1.31.1"
        finally:
            await s.close()


async def test_after_a_failed_probe_the_next_asks_the_version(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=3, nodes=2, log_rate=0.0) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="t")
        try:
            await joined(s, fleet)
            down, throttled, well = fleet.clusters
            await down.set_outage(True)
            throttled.faults.throttle_next, throttled.faults.retry_after = 1_000_000, 0
            probes = await refresh(s, fleet)
            assert probes[down.name].status is ClusterStatus.OFFLINE
            assert probes[throttled.name].status is ClusterStatus.THROTTLED
            # a failed probe keeps the version and when it was asked: only the status says
            assert probes[down.name].version == "v1.30.2"

            # upgraded during the outage: seen on the first good probe, TTL or not
            await down.set_outage(False)
            throttled.faults.throttle_next = 0
            for c in (down, throttled):
                c.faults.version = "v1.31.1"
            probes = await refresh(s, fleet)
            got = asked(fleet)
            assert got[down.name] == FULL and got[throttled.name] == FULL
            assert got[well.name] == [NODES]
            for c in (down, throttled):
                assert probes[c.name].status is ClusterStatus.READY
                assert probes[c.name].version == "v1.31.1"
            await refresh(s, fleet)
            assert asked(fleet) == {c.name: [NODES] for c in fleet.clusters}
        finally:
            await s.close()


async def test_a_restart_within_the_ttl_does_not_ask_the_versions_again(
        tmp_path: Path) -> None:
    async with SandboxFleet(clusters=2, nodes=2, log_rate=0.0) as fleet:
        settings = make_settings(tmp_path, fleet.kubeconfig_path)
        s = await open_services(settings, user="t")
        try:
            await joined(s, fleet)
        finally:
            await s.close()
        s = await open_services(settings, user="t")  # a new process: no client, no memory
        try:
            await refresh(s, fleet)
            assert asked(fleet) == {c.name: [NODES] for c in fleet.clusters}
        finally:
            await s.close()


def test_when_the_version_is_due() -> None:
    now = 1_000_000.0
    asked_at = ClusterProbe(status=ClusterStatus.READY, version="v1.30.2",
                            version_checked_at=now - 10)
    assert not version_due(asked_at, now)
    assert not version_due(dataclasses.replace(asked_at, status=ClusterStatus.NOT_READY), now)
    assert version_due(asked_at, now, ttl=10)
    assert version_due(None, now)
    assert version_due(dataclasses.replace(asked_at, version_checked_at=None), now)
    # a clock set back: the check time is in the future, trust it no more
    assert version_due(dataclasses.replace(asked_at, version_checked_at=now + 60), now)
    for failed in (ClusterStatus.OFFLINE, ClusterStatus.UNAUTHORIZED, ClusterStatus.UNKNOWN,
                   ClusterStatus.THROTTLED, ClusterStatus.WAITING):
        assert version_due(dataclasses.replace(asked_at, status=failed), now)


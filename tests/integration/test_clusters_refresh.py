"""A fleet refresh writes its probes in batches (issue #13 item 4: 1,000 clusters).

Real services, a real SQLite cache and sandbox clusters over loopback HTTP. The statements
are read from SQLite's own trace of the app's connection; another connection holding the
write lock stands for a busy database (a CLI next to the TUI), so every answer that lands
meanwhile has to wait for the next write.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, open_services
from ccseone_tui.services.events import ClusterProbed

from .conftest import make_settings

N = 24
PROBE_UPDATE = "UPDATE clusters SET status="


def probe_transactions(trace: list[tuple[str, str]]) -> list[tuple[list[str], int]]:
    """(ids updated, index of its COMMIT) of each transaction that saved probes."""
    found: list[tuple[list[str], int]] = []
    ids: list[str] | None = None
    for i, (kind, text) in enumerate(trace):
        if kind != "sql":
            continue
        if text.startswith("BEGIN"):
            ids = []
        elif text.startswith(PROBE_UPDATE):
            assert ids is not None, f"a probe saved outside a transaction: {text}"
            ids.append(text.rsplit("WHERE id=", 1)[1].strip("'"))
        elif text == "COMMIT" and ids is not None:
            if ids:
                found.append((ids, i))
            ids = None
    return found


async def test_a_refresh_saves_its_probes_in_batches_then_announces_them(
        tmp_path: Path) -> None:
    async with SandboxFleet(clusters=N, nodes=2) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [AssociateRequest(context=c.name)
                                                for c in fleet.clusters])
            dead = fleet.clusters[5]
            await dead.set_outage(True)
            live = [c for c in fleet.clusters if c is not dead]
            ids = {c.name: c.id for c in await s.clusters.list()}
            trace: list[tuple[str, str]] = []  # SQL (the store's thread) and events, in order
            await s.store._db.conn.set_trace_callback(lambda sql: trace.append(("sql", sql)))
            s.events.subscribe(lambda e: trace.append(("event", e.cluster.id))
                               if isinstance(e, ClusterProbed) else None)
            for c in live:
                c.requests.clear()
            other = sqlite3.connect(s.store.path, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # the write lock: the first save waits
                started = time.time()
                refresh = asyncio.ensure_future(s.clusters.refresh())
                async with asyncio.timeout(20):
                    while not all(("GET", "/api/v1/nodes") in c.requests  # noqa: ASYNC110
                                  for c in live):
                        await asyncio.sleep(0.01)
                await asyncio.sleep(0.3)  # the last answers read and parsed
                assert not refresh.done()
            finally:
                other.execute("COMMIT")
                other.close()
            clusters = await refresh
            await s.store._db.conn.set_trace_callback(None)

            saved = probe_transactions(trace)
            # one UPDATE transaction per cluster before; now the first answer's batch (held
            # by the lock) and one batch for everything that landed meanwhile
            assert 1 <= len(saved) <= 2, [len(batch) for batch, _ in saved]
            written = [cid for batch, _ in saved for cid in batch]
            assert sorted(written) == sorted(ids.values())  # each cluster once, none lost
            # each cluster announced once, after the COMMIT of the batch that saved it
            announced = {text: i for i, (kind, text) in enumerate(trace) if kind == "event"}
            assert sorted(announced) == sorted(ids.values())
            for batch, commit in saved:
                assert all(announced[cid] > commit for cid in batch)

            by_name = {c.name: c for c in await s.clusters.list()}
            assert {c.name: c.probe for c in clusters} == {n: c.probe
                                                         for n, c in by_name.items()}
            for c in live:
                probe = by_name[c.name].probe
                assert probe.status is ClusterStatus.READY
                assert probe.version == "v1.30.2" and (probe.nodes, probe.nodes_ready) == (2, 2)
                assert probe.latency_ms is not None and probe.probed_at >= started
            down = by_name[dead.name].probe
            assert down.status is ClusterStatus.OFFLINE and down.error
            assert down.probed_at >= started
        finally:
            await s.close()

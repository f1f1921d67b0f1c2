"""Status probing of one member cluster: version, nodes, edge nodes, latency.

A probe never raises: whatever happens becomes a :class:`ClusterProbe` with a status and an
error text, so one dead cluster is a marked row, not a failed refresh.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ccseone_tui.domain.errors import (
    CcseoneError,
    ClusterUnreachable,
    Forbidden,
    KubeApiError,
    TooManyRequests,
    Unauthorized,
)
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus

EDGE_LABEL = "ccseone-node-type"
EDGE_VALUE = "edge"


def node_is_ready(node: dict[str, Any]) -> bool:
    for cond in node.get("status", {}).get("conditions", []) or []:
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


def _labels(obj: dict[str, Any]) -> dict[str, str]:
    return obj.get("metadata", {}).get("labels") or {}


def summarize_nodes(nodes: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(total, ready, edge) for a node list."""
    ready = sum(1 for n in nodes if node_is_ready(n))
    edge = sum(1 for n in nodes if _labels(n).get(EDGE_LABEL) == EDGE_VALUE)
    return len(nodes), ready, edge


def _failed(previous: ClusterProbe | None, status: ClusterStatus, error: str, probed_at: float,
            last_seen: float | None) -> ClusterProbe:
    """A failed probe keeps the last known picture (version, nodes …) and says what failed."""
    return dataclasses.replace(previous or ClusterProbe(), status=status, error=error,
                               probed_at=probed_at, last_seen=last_seen)


async def probe_cluster(client: Any, previous: ClusterProbe | None = None) -> ClusterProbe:
    """Ask one cluster how it is. ``client`` is a ``kube.ClusterClient``."""
    started = time.time()
    last_seen = previous.last_seen if previous else None
    try:
        t0 = time.perf_counter()
        version = await client.version()
        latency_ms = (time.perf_counter() - t0) * 1000
        nodes = (await client.list("v1", "Node")).get("items", [])
    except ClusterUnreachable as exc:
        return _failed(previous, ClusterStatus.OFFLINE, exc.cause, started, last_seen)
    except TooManyRequests as exc:
        # it answers, but only "429": the last full answer (last_seen) is kept, so the row
        # says how old its picture is rather than a fresh time for an empty answer
        return _failed(previous, ClusterStatus.THROTTLED, exc.message, started, last_seen)
    except (Unauthorized, Forbidden) as exc:
        # it answered, so it was seen; the credentials are what is wrong
        return _failed(previous, ClusterStatus.UNAUTHORIZED, exc.message, started, time.time())
    except KubeApiError as exc:
        return _failed(previous, ClusterStatus.UNKNOWN, exc.message, started, time.time())
    except CcseoneError as exc:
        return _failed(previous, ClusterStatus.UNKNOWN, str(exc), started, last_seen)
    total, ready, edge = summarize_nodes(nodes)
    # A control-plane-only cluster (no nodes) still answers: it is Ready as an API; a cluster
    # whose nodes exist but none is Ready is not.
    status = ClusterStatus.NOT_READY if total and not ready else ClusterStatus.READY
    return ClusterProbe(
        status=status,
        version=str(version.get("gitVersion", "")),
        nodes=total,
        nodes_ready=ready,
        edge_nodes=edge,
        latency_ms=round(latency_ms, 1),
        last_seen=time.time(),
        probed_at=started,
    )

"""Status probing of one member cluster: version, nodes, edge nodes, latency.

A probe never raises: whatever happens becomes a :class:`ClusterProbe` with a status and an
error text, so one dead cluster is a marked row, not a failed refresh.

One request per warm probe (issue #13, 1,000 clusters: the refresh is CPU-bound in this
process, ~0.35-0.47 ms per HTTP exchange). The server version only changes with a
control-plane upgrade, so ``GET /version`` is asked only when it is due (see
:func:`version_due`: no earlier answer, the last probe failed, older than ``VERSION_TTL``)
or when the caller forces it (``full``: a probe the user asked for, one cluster at a time);
otherwise the probe is ``GET /api/v1/nodes`` alone and keeps the version it knew.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Final

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

# How long a known server version is trusted (s) before a periodic probe asks /version again.
# An upgrade shows at most this late on a cluster that stayed up all along (one that went
# down meanwhile is re-asked on its first good probe); a forced probe asks at once.
VERSION_TTL: Final = 600.0

# the statuses of a cluster whose API server answered the last probe
_ANSWERED: Final = frozenset({ClusterStatus.READY, ClusterStatus.NOT_READY})


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


def version_due(previous: ClusterProbe | None, now: float, ttl: float = VERSION_TTL) -> bool:
    """Whether a probe at ``now`` asks ``/version``: never asked (or no earlier probe), the
    last probe did not get an API answer (Offline, Unauthorized, Throttled, Unknown …: an
    upgrade during an outage is seen on the first good probe), or asked ``ttl`` seconds ago
    or more. A check time in the future (the clock was set back) counts as due."""
    if previous is None or previous.version_checked_at is None:
        return True
    if previous.status not in _ANSWERED:
        return True
    return not 0 <= now - previous.version_checked_at < ttl


async def probe_cluster(client: Any, previous: ClusterProbe | None = None, *,
                        full: bool = False, ttl: float = VERSION_TTL) -> ClusterProbe:
    """Ask one cluster how it is. ``client`` is a ``kube.ClusterClient``; ``previous`` its
    last probe (kept on failure, and its version when /version is not due); ``full`` asks
    /version whatever its age."""
    started = time.time()
    last_seen = previous.last_seen if previous else None
    ask_version = full or previous is None or version_due(previous, started, ttl)
    try:
        t0 = time.perf_counter()
        if ask_version:
            # client.version() also drops the discovery cache when the version changed
            version = str((await client.version()).get("gitVersion", ""))
            # the round trip of the smallest answer there is: the API server's latency
            latency_ms = (time.perf_counter() - t0) * 1000
            version_checked_at: float | None = started
        nodes = (await client.list("v1", "Node")).get("items", [])
        if not ask_version:
            assert previous is not None  # version_due is True without one
            version, version_checked_at = previous.version or "", previous.version_checked_at
            # The node list is a bigger answer than /version, but over a warm connection its
            # round trip is still the API server's latency (plus reading a few KB per node).
            latency_ms = (time.perf_counter() - t0) * 1000
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
        version=version,
        nodes=total,
        nodes_ready=ready,
        edge_nodes=edge,
        latency_ms=round(latency_ms, 1),
        last_seen=time.time(),
        probed_at=started,
        version_checked_at=version_checked_at,
    )

"""What the first frame shows, read from the cache before the app starts.

Left to the views, the start section's rows come two worker round trips after the first
frame (instances, then the current instance's clusters: each a worker, an aiosqlite hop and
a message), so the first frame is an empty shell and the rows need a second one, ~100 ms
later at 200 clusters. Read here, before ``run_async``, they are in the first frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccseone_tui.domain.models import ControlInstance, MemberCluster
    from ccseone_tui.services import Services


def start_instance(instances: list[ControlInstance]) -> ControlInstance | None:
    """The instance the console opens on: the oldest (then by name)."""
    return min(instances, key=lambda i: (i.created_at, i.name)) if instances else None


@dataclass(frozen=True, slots=True)
class StartCache:
    instances: list[ControlInstance]
    clusters: list[MemberCluster]  # of start_instance(instances); [] when there is none


async def read_start_cache(services: Services) -> StartCache:
    """Two reads of SQLite; nothing from the network."""
    instances = await services.instances.list()
    chosen = start_instance(instances)
    clusters = await services.clusters.list(chosen.id) if chosen is not None else []
    return StartCache(instances, clusters)

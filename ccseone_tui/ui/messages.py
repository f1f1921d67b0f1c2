"""Typed messages: what workers and service events tell the widgets.

Workers and the services' event callback never touch widgets; they post one of these and a
handler updates the screen. One module, so the flow of data through the shell reads in one
place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.message import Message

from ccseone_tui.domain.models import ControlInstance, MemberCluster, Task


class NavigateTo(Message):
    """Show a section (from the sidebar, a number key or the palette)."""

    def __init__(self, section: str, focus_content: bool = True) -> None:
        self.section = section
        self.focus_content = focus_content
        super().__init__()


class PickInstance(Message):
    """Open the control-instance picker (header click, ``i``, palette)."""


class InstancesLoaded(Message):
    """The control instances, read from the cache (or changed by an operation)."""

    def __init__(self, instances: Sequence[ControlInstance]) -> None:
        self.instances = list(instances)
        super().__init__()


class RowsLoaded(Message):
    """A list view's rows, read from the cache; ``view`` is the section id."""

    def __init__(self, view: str, rows: Sequence[Any]) -> None:
        self.view = view
        self.rows = list(rows)
        super().__init__()


class ClusterProbed(Message):
    """One cluster answered (or failed) a status probe: update its row in place."""

    def __init__(self, cluster: MemberCluster) -> None:
        self.cluster = cluster
        super().__init__()


class ClustersRefreshed(Message):
    """A refresh of an instance's clusters (``None``: all) has finished."""

    def __init__(self, instance_id: str | None, clusters: Sequence[MemberCluster]) -> None:
        self.instance_id = instance_id
        self.clusters = list(clusters)
        super().__init__()


class ClustersChanged(Message):
    """Clusters were added, edited or removed: re-read them from the cache."""

    def __init__(self, instance_id: str | None, from_hub: bool = False) -> None:
        self.instance_id = instance_id
        self.from_hub = from_hub
        super().__init__()


class ProbeRequested(Message):
    """The clusters view has painted from the cache and wants a live probe now."""


class RefreshState(Message):
    """A probe of the clusters began (``running``) or ended (either way)."""

    def __init__(self, running: bool) -> None:
        self.running = running
        super().__init__()


class InstancesChanged(Message):
    """Instances were created, edited or deleted: re-read them."""


class TaskChanged(Message):
    def __init__(self, task: Task) -> None:
        self.task = task
        super().__init__()


class JournalAppended(Message):
    def __init__(self, entry: Any) -> None:
        self.entry = entry
        super().__init__()


class DetailLoaded(Message):
    """A detail screen's record (and extras such as counts), re-read from the cache."""

    def __init__(self, record: Any, extra: Any = None) -> None:
        self.record = record
        self.extra = extra
        super().__init__()


class ContextsLoaded(Message):
    """The kubeconfig contexts one can associate, and the clusters already associated."""

    def __init__(self, contexts: Sequence[Any], clusters: Sequence[MemberCluster]) -> None:
        self.contexts = list(contexts)
        self.clusters = list(clusters)
        super().__init__()


class WriteFinished(Message):
    """A dialog's service call came back: ``results`` (per target) or a refusal ``error``."""

    def __init__(self, results: Sequence[Any] = (), error: BaseException | None = None) -> None:
        self.results = list(results)
        self.error = error
        super().__init__()


class BrowserStarted(Message):
    """The Fleet view's watch began: the kind as resolved, the clusters asked (cache order)
    and which of them are production."""

    def __init__(self, generation: int, info: Any, clusters: Sequence[str],
                 production: Sequence[str]) -> None:
        self.generation = generation
        self.info = info
        self.clusters = list(clusters)
        self.production = list(production)
        super().__init__()


class BrowserDeltas(Message):
    """``ClusterDelta``s wait in the Fleet view's inbox (one message per batch, not per
    delta: the view drains the inbox when it paints)."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        super().__init__()


class BrowserEnded(Message):
    """The Fleet view's watch ended: cancelled (``error`` None) or failed (its cause)."""

    def __init__(self, generation: int, error: str | None) -> None:
        self.generation = generation
        self.error = error
        super().__init__()


class KindNames(Message):
    """Every kind name the instance's clusters serve, for the ``:`` completion."""

    def __init__(self, instance_id: str, names: Sequence[str]) -> None:
        self.instance_id = instance_id
        self.names = list(names)
        super().__init__()


class KindResolved(Message):
    """A name typed after ``:`` resolved to a kind (``info``), or not (``error`` says why,
    with close names)."""

    def __init__(self, text: str, info: Any, error: str | None) -> None:
        self.text = text
        self.info = info
        self.error = error
        super().__init__()


class DrillReady(Message):
    """Where Enter on a Fleet view row leads (``Drill`` and the child kind), or None."""

    def __init__(self, generation: int, ref: Any, drill: Any, info: Any) -> None:
        self.generation = generation
        self.ref = ref
        self.drill = drill
        self.info = info
        super().__init__()


class LogStreamState(Message):
    """A log tail's streams: how many are open, how many wait for the cap (Logs section)."""

    def __init__(self, active: int, waiting: int, max_streams: int) -> None:
        self.active = active
        self.waiting = waiting
        self.max_streams = max_streams
        super().__init__()


class MembersFollowed(Message):
    """A snapshot of an ocm instance's members from ``services.members.follow``: the rows
    (None when the follow itself failed), whether they are the cache's last picture
    (``stale``) and why (``error``)."""

    def __init__(self, instance_id: str, clusters: Sequence[MemberCluster] | None,
                 stale: bool, error: str = "") -> None:
        self.instance_id = instance_id
        self.clusters = clusters
        self.stale = stale
        self.error = error
        super().__init__()

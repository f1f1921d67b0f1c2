"""Access clusters (接入集群) of the current control instance.

Paints from the cache at once; while this view is on screen the main screen probes every
cluster every ``refresh_interval`` seconds and each answer updates its row in place. A row
whose last probe is older than two intervals is stale: its "last seen" shows the age dimmed.
Enter opens a cluster; ``a`` associates, ``c`` creates, ``e`` edits the highlighted one
(labels, deletion protection), ``d`` deletes.

On an ``ocm`` instance the hub is the truth: while this view is shown a worker (group
``stream``) follows ``services.members.follow`` and each snapshot updates the rows in place
(only the changed ones; a row gone from the hub is removed). When the hub is lost the rows
stay as cached and the status line says "stale — hub unreachable: <cause>". Clusters
awaiting acceptance are counted there with the key that accepts them (``A``; ``N`` denies).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.timer import Timer
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterStatus, ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, ocm_actions, workers
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.messages import MembersFollowed, ProbeRequested
from ccseone_tui.ui.widgets.in_place_table import InPlaceTable
from ccseone_tui.ui.widgets.table_view import Column, TableView

LABELS_WIDTH = 10  # the least the last column gets: it takes the free width, or is cut to fit
log = logging.getLogger(__name__)
FOLLOW_RETRY = (1.0, 30.0)  # seconds: wait before following a hub again after a failure
# Probe answers landing within this window reach the table as one update: at 1,000 clusters
# an update (and a status line recount) per answer kept the loop busy for most of a refresh
# and cursor keys waited behind it (docs/performance.md, "Frame budget under load").
PROBE_BATCH = 0.05  # s


class ClustersView(TableView[MemberCluster]):
    section_id = "clusters"
    title_key = "nav.clusters"
    # a, c, e and d are bound on MainScreen: they work with focus on the sidebar too
    TABLE = InPlaceTable  # a probe answer re-renders its row, not the whole viewport
    COLUMNS = (
        Column("name", "col.name"),
        Column("status", "col.status"),
        Column("version", "col.version"),
        Column("nodes", "col.nodes"),
        Column("edge", "col.edge_nodes"),
        Column("latency", "col.latency"),
        Column("last_seen", "col.last_seen"),
        Column("region", "col.region"),
        Column("labels", "col.labels"),
    )
    FLEX = {"labels": LABELS_WIDTH}

    def __init__(self) -> None:
        super().__init__()
        self.refreshing = False
        self.answered = 0
        self.last_refresh: float | None = None
        self.probe_when_loaded = False  # set by the screen: probe once the cache has painted
        # ocm instances: the follow worker, the instance it follows, the hub's state
        self._follow: Any = None
        self.followed: str | None = None
        self.hub_state: tuple[bool, str] | None = None  # (stale, cause); None: not a hub
        # probe answers waiting for the next batch (by row key; a later answer replaces one)
        self._probed: dict[str, MemberCluster] = {}
        self._probe_timer: Timer | None = None
        self._flush_soon = False  # a flush is queued behind the messages already waiting
        self._flushed_at = 0.0  # time.monotonic() of the last batch
        self.table_updates = 0  # batches applied to the table: tests check the coalescing
        self._painted: set[str] = set()  # rows whose cells changed in this batch

    async def fetch(self) -> list[MemberCluster]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        return await self.shell.services.clusters.list(instance.id)

    # ---- rows ----------------------------------------------------------------------------

    def is_stale(self, cluster: MemberCluster, now: float) -> bool:
        probed = cluster.probe.probed_at
        return probed is None or now - probed > 2 * self.shell.services.settings.refresh_interval

    def cells(self, row: MemberCluster) -> list[RenderableType]:
        now = self.shell.now()
        probe = row.probe
        name = Text(row.name, style="bold")
        if self.shell.services.is_production(row):
            name.append(" PROD", style="bold red")
        down_for = None
        if probe.status in fmt.DOWN_STATUSES:
            since = probe.last_seen or probe.probed_at
            down_for = now - since if since else None
        status = fmt.cluster_status(probe.status, down_for)
        if probe.error and probe.status is not ClusterStatus.READY:
            status.append(" ⚠", style="yellow")
        nodes: RenderableType = fmt.DASH
        if probe.nodes is not None:
            ready = probe.nodes_ready if probe.nodes_ready is not None else 0
            nodes = Text(f"{ready}/{probe.nodes}",
                         style="" if ready == probe.nodes else "bold yellow")
        edge: RenderableType = fmt.DASH
        if probe.edge_nodes is not None:
            # the platform's components need nodes labelled ccseone-node-type=edge (§3.1.3.1)
            edge = Text(str(probe.edge_nodes), style="" if probe.edge_nodes else "bold yellow")
        latency = Text(fmt.DASH if probe.latency_ms is None else f"{probe.latency_ms:.0f} ms")
        seen = Text(fmt.since(probe.last_seen, now))
        if self.is_stale(row, now):
            seen.stylize("dim italic")
        return [
            name,
            status,
            # Text, not str: DataTable reads a str cell as markup, parsed again at every
            # measure and render (and a "[" in a value would be taken for a tag)
            Text(fmt.or_dash(probe.version)),
            nodes,
            edge,
            latency,
            seen,
            Text(fmt.or_dash(row.region)),
            Text(fmt.labels(row.labels, limit=self.flex_width("labels")), style="dim"),
        ]

    def set_rows(self, rows: list[MemberCluster]) -> None:
        super().set_rows(rows)
        if self.probe_when_loaded and self.following():
            self.probe_when_loaded = False  # the hub's stream keeps the rows current
        if self.probe_when_loaded:
            self.probe_when_loaded = False
            self.post_message(ProbeRequested())

    def upsert(self, row: MemberCluster) -> None:
        """In place, repainting only the cells that changed (see ``_paint_in_place``)."""
        key = self.key_of(row)
        self.rows[key] = row
        painted = self._paint_in_place(key, row)
        self._forget_painted()
        if not painted:
            self.rebuild()
            return
        self.refresh_chrome()

    def _paint_in_place(self, key: str, row: MemberCluster) -> bool:
        """Update a shown row's changed cells; False when the row must be added or removed
        (not shown, or the filter no longer keeps it): the caller rebuilds.

        A column is re-measured only when a cell grows wider than it: DataTable's
        ``update_width`` re-measures the whole column whenever a cell is narrower than the
        widest one, which made each probe answer cost O(rows) at fleet scale."""
        table = self.table
        if key not in table.rows or not self.matches(row):
            return False
        old = table.get_row(key)
        same_width: dict[str, RenderableType] = {}
        for column, before, cell in zip(self.COLUMNS, old, self.cells(row), strict=True):
            if before == cell:
                continue
            width = cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))
            if width > table.columns[ColumnKey(column.key)].content_width:
                table.update_cell(key, column.key, cell, update_width=True)  # rare: re-layout
            else:
                same_width[column.key] = cell
        if same_width and isinstance(table, InPlaceTable):
            table.update_cells(key, same_width)  # repainted by _forget_painted, per batch
            self._painted.add(key)
        else:
            for column_key, cell in same_width.items():
                table.update_cell(key, column_key, cell)
        return True

    def _forget_painted(self) -> None:
        table = self.table
        if isinstance(table, InPlaceTable):
            table.forget_rows(self._painted)
        self._painted.clear()

    def search_text(self, row: MemberCluster) -> str:
        return "\n".join((super().search_text(row), fmt.labels(row.labels), row.api_server, row.id))

    # ---- ocm: follow the hub while shown ----------------------------------------------------

    def reload(self) -> None:
        rows = self.shell.take_start_clusters(self.shell.current_instance)
        if rows is None:
            super().reload()
        else:  # read before the app started (ui/start_cache.py): rows in the first frame
            self.set_rows(rows)
        self.follow()

    def following(self, instance_id: str | None = None) -> bool:
        """True while the hub of the current (or the given) instance is followed."""
        running = self._follow is not None and self._follow.is_running
        return running and (instance_id is None or instance_id == self.followed)

    def follow(self) -> None:
        """Follow the current instance's hub (ocm only); stop following any other."""
        instance = self.shell.current_instance
        if not ocm_actions.is_hub(instance) or not self.shell.follow_members:
            self.leave()
            self.hub_state = (True, "") if ocm_actions.is_hub(instance) else None
            return
        assert instance is not None
        if self.following(instance.id):
            return
        self.leave()
        self.followed = instance.id
        self.hub_state = (True, "")
        self._follow = workers.start(
            self, self._members(instance), name=f"stream:members:{instance.id}",
            group="stream", description=t("worker.refresh.clusters", instance=instance.name))

    def leave(self) -> None:
        """The view is hidden (or the instance changed): stop following."""
        if self._follow is not None and self._follow.is_running:
            self._follow.cancel()
        self._follow = None
        self.followed = None

    async def _members(self, instance: ControlInstance) -> None:
        """Snapshots from the hub as messages; a follow that fails (credentials rejected,
        context gone …) marks the rows stale with the cause and starts again later."""
        delay = FOLLOW_RETRY[0]
        while True:
            stream = self.shell.services.members.follow(instance)
            try:
                async for snap in stream:
                    delay = FOLLOW_RETRY[0]
                    self.post_message(MembersFollowed(instance.id, snap.clusters, snap.stale,
                                                      snap.error))
            except CcseoneError as exc:
                self.post_message(MembersFollowed(instance.id, None, True, str(exc)))
            except Exception as exc:  # a dropped watch may surface untranslated: keep going
                log.warning("following the hub of %s: %r", instance.name, exc)
                self.post_message(MembersFollowed(instance.id, None, True,
                                                  str(exc) or type(exc).__name__))
            finally:
                await stream.aclose()  # type: ignore[attr-defined]
            await asyncio.sleep(delay)
            delay = min(delay * 2, FOLLOW_RETRY[1])

    def reread(self) -> None:
        """A change of the cache that the hub does not see (deletion protection, a mapped
        context): re-read it and update the rows in place, as a snapshot would."""
        instance = self.shell.current_instance
        if instance is not None:
            workers.start(self, self._reread(instance), name="load:clusters-in-place",
                          group="cache:clusters", exclusive=True,
                          description=t("worker.load", what=t(self.title_key)))

    async def _reread(self, instance: ControlInstance) -> None:
        rows = await self.shell.services.clusters.list(instance.id)
        stale, error = self.hub_state or (False, "")
        self.post_message(MembersFollowed(instance.id, rows, stale, error))

    def on_members_followed(self, message: MembersFollowed) -> None:
        message.stop()
        current = self.shell.current_instance
        if current is None or current.id != message.instance_id:
            return
        self.hub_state = (message.stale, message.error)
        if message.clusters is None:
            self.refresh_chrome()
            return
        fresh = {self.key_of(c): c for c in message.clusters}
        if not self.loaded or not set(fresh) <= set(self.rows):
            self.set_rows(list(message.clusters))  # a new cluster: redraw once, in order
            return
        for key in [k for k in self.rows if k not in fresh]:  # gone from the hub
            del self.rows[key]
            if key in self.table.rows:
                self.table.remove_row(key)
        for key, cluster in fresh.items():
            if self.rows.get(key) != cluster:  # only what changed: no flicker
                self.upsert(cluster)
        self.refresh_chrome()

    def awaiting(self) -> list[MemberCluster]:
        return [c for c in self.rows.values()
                if c.probe.status is ClusterStatus.AWAITING_ACCEPTANCE]

    # ---- actions -------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        cluster = self.rows.get(str(event.row_key.value))
        if cluster is not None:
            actions.open_cluster(self.shell, cluster)

    def action_associate(self) -> None:
        actions.associate(self.shell)

    def action_create(self) -> None:
        actions.create_cluster(self.shell)

    def action_edit(self) -> None:
        cluster = self.highlighted()
        if cluster is not None:
            actions.edit_cluster(self.shell, cluster)

    def action_delete(self) -> None:
        cluster = self.highlighted()
        if cluster is not None:
            actions.delete_cluster(self.shell, cluster)

    def action_accept(self) -> None:
        ocm_actions.accept(self.shell, self._decision_target())

    def action_deny(self) -> None:
        ocm_actions.deny(self.shell, self._decision_target())

    def _decision_target(self) -> MemberCluster | None:
        """The highlighted cluster; with none highlighted, the only one awaiting acceptance."""
        cluster = self.highlighted()
        waiting = self.awaiting()
        if cluster is None and len(waiting) == 1:
            return waiting[0]
        return cluster

    # ---- refresh progress ----------------------------------------------------------------

    def refresh_started(self) -> None:
        self.refreshing = True
        self.answered = 0
        self.refresh_chrome()

    def probed(self, cluster: MemberCluster) -> None:
        """One answer: kept for the next batch, so N answers cost one table update and one
        status line per PROBE_BATCH, not N."""
        self.answered += 1
        self._probed[self.key_of(cluster)] = cluster
        if self._probe_timer is not None or self._flush_soon:
            return
        wait = self._flushed_at + PROBE_BATCH - time.monotonic()
        if wait <= 0:  # the first answer after a quiet spell: after the messages queued now
            self._flush_soon = True
            self.call_later(self._flush_probed)
        else:
            self._probe_timer = self.set_timer(wait, self._flush_probed, name="probe-batch")

    def _cancel_probed(self) -> None:
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None
        self._probed.clear()  # a pending call_later then finds nothing to do

    def _flush_probed(self) -> None:
        if self._probe_timer is not None:
            self._probe_timer.stop()
        self._probe_timer = None
        self._flush_soon = False
        self._flushed_at = time.monotonic()
        batch, self._probed = self._probed, {}
        current = self.shell.current_instance
        # answers for an instance left since they landed stay out of this one's rows
        fresh = [c for c in batch.values() if current is not None and c.instance_id == current.id]
        if fresh:
            self._apply_in_place(fresh)

    def _apply_in_place(self, clusters: list[MemberCluster]) -> None:
        """One table update for many rows; one redraw if any must be added or hidden."""
        self.table_updates += 1
        rebuild = False
        for cluster in clusters:
            key = self.key_of(cluster)
            self.rows[key] = cluster
            rebuild = not self._paint_in_place(key, cluster) or rebuild
        self._forget_painted()
        if rebuild:
            self.rebuild()
        else:
            self.refresh_chrome()

    def refresh_finished(self, clusters: list[MemberCluster]) -> None:
        self.last_refresh = self.shell.now()
        self._cancel_probed()  # the full list carries every pending answer
        if self.loaded and [self.key_of(c) for c in clusters] == list(self.rows):
            # The same clusters in the same order: repaint the changed cells ("last seen"
            # ages, the answers of the last batch) instead of clearing and re-adding every
            # row, which at 1,000 rows blocked the loop for a whole frame budget and more.
            self._apply_in_place(clusters)
            return
        self.set_rows(clusters)

    def refresh_ended(self) -> None:
        """The probe worker ended, whether it finished or failed."""
        self.refreshing = False
        self.refresh_chrome()

    def status_text(self) -> str:
        if self.shell.current_instance is None:
            return ""
        rows = list(self.rows.values())
        ready = sum(c.probe.status is ClusterStatus.READY for c in rows)
        text = t("view.count.clusters", count=len(rows), ready=ready)
        awaiting = len(self.awaiting())
        if awaiting:
            text = f"{text} · {t('ocm_ui.awaiting', count=awaiting)}"
        if self.hub_state is not None and ocm_actions.is_hub(self.shell.current_instance):
            stale, cause = self.hub_state
            if stale and cause:
                return f"{text} · {t('ocm_ui.stale', cause=cause)}"
            if not stale:
                return f"{text} · {t('ocm_ui.live')}"
            if self.following():
                return f"{text} · {t('ocm_ui.connecting')}"
        if self.refreshing:
            return f"{text} · {t('clusters.refreshing', answered=self.answered, total=len(rows))}"
        if self.last_refresh is not None:
            ago = fmt.since(self.last_refresh, self.shell.now())
            return f"{text} · {t('clusters.refreshed', ago=ago)}"
        if rows:
            return f"{text} · {t('clusters.cached')}"
        return text

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.clusters", instance=instance.name), [
            t("empty.clusters.associate", instance=instance.name),
            t("empty.instances.demo"),
        ]

"""Namespaces (命名空间) of the current control instance, created once and kept in sync
in every member cluster.

Paints from the cache (``list_status``: the last known state on every cluster, no network).
``ctrl+r``/F5 checks every namespace live, in a worker: each answer updates its row in place.
``s`` cycles the sort (priority first by default: the order tasks run in). Enter opens a
namespace; ``c`` creates, ``e`` edits, ``d`` deletes and ``R`` repairs the highlighted one
(``r`` refreshes, as everywhere) — bound on MainScreen, so they work with focus on the
sidebar too.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.namespaces import NamespaceStatus
from ccseone_tui.i18n import t
from ccseone_tui.services.namespaces.service import NamespacesChanged
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import ns_actions, workers
from ccseone_tui.ui.widgets.namespace_cells import quota_text, severity, source_text, sync_summary
from ccseone_tui.ui.widgets.table_view import Column, TableView

LABELS_WIDTH = 20  # cut, so the table fits 140 columns; the filter still sees every label
SORTS = ("priority", "name", "sync", "created")
CHECKS_AT_ONCE = 8  # namespaces checked concurrently (each one asks every cluster)
STALE_DELAY = 0.25  # s: the changes of one write arrive together; re-read once after them


class NamespaceChecked(Message):
    """One namespace was checked live (``status``) or the check failed (``error``)."""

    def __init__(self, name: str, status: NamespaceStatus | None,
                 error: BaseException | None = None) -> None:
        self.name = name
        self.status = status
        self.error = error
        super().__init__()


class NamespacesStale(Message):
    """The service changed this instance's namespaces (a write, a check, a cluster that
    joined and received them): re-read the cache."""


class NamespaceCheckState(Message):
    """A live check of every namespace began (``total`` of them) or ended."""

    def __init__(self, running: bool, total: int = 0) -> None:
        self.running = running
        self.total = total
        super().__init__()


def sort_key(sort: str) -> Any:
    if sort == "name":
        return lambda s: s.namespace.name
    if sort == "sync":  # trouble first, then the least synced
        return lambda s: (severity(s), s.synced - s.total, s.namespace.name)
    if sort == "created":
        return lambda s: (-s.namespace.created_at, s.namespace.name)
    return lambda s: (-s.namespace.priority, s.namespace.name)


class NamespacesView(TableView[NamespaceStatus]):
    section_id = "namespaces"
    title_key = "nav.namespaces"
    COLUMNS = (
        Column("name", "col.name"),
        Column("priority", "col.priority"),
        Column("targets", "col.targets"),
        Column("labels", "col.labels"),
        Column("quota", "ns_ui.col.quota"),
        Column("sync", "ns_ui.col.sync"),
        Column("created", "col.created"),
    )
    BINDINGS: ClassVar[list[Any]] = [
        Binding("s", "sort", "ns_ui.key.sort", id="namespace.sort"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = SORTS[0]
        self.checking = False
        self.checked = 0
        self.to_check = 0
        self.last_check: float | None = None
        self._stale_timer: Timer | None = None

    # ---- following the service ----------------------------------------------------------

    def on_mount(self) -> None:
        self.shell.services.events.subscribe(self._service_event)

    def on_unmount(self) -> None:
        self.shell.services.events.unsubscribe(self._service_event)

    def _service_event(self, event: object) -> None:
        """Called by the services on the event loop: posts, never touches a widget."""
        current = self.shell.current_instance
        if isinstance(event, NamespacesChanged) and current and event.instance_id == current.id:
            self.post_message(NamespacesStale())

    def on_namespaces_stale(self, message: NamespacesStale) -> None:
        message.stop()
        # one re-read for a burst of changes; a live check updates its rows itself
        if self.loaded and not self.checking and self._stale_timer is None:
            self._stale_timer = self.set_timer(STALE_DELAY, self._reread_stale)

    def _reread_stale(self) -> None:
        self._stale_timer = None
        if not self.checking:
            self.reload()

    async def fetch(self) -> list[NamespaceStatus]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        return await self.shell.services.namespaces.list_status(instance.name)

    def key_of(self, row: NamespaceStatus) -> str:
        return row.namespace.id

    # ---- rows ----------------------------------------------------------------------------

    def cells(self, row: NamespaceStatus) -> list[RenderableType]:
        ns = row.namespace
        return [
            Text(ns.name, style="bold"),
            Text(str(ns.priority), justify="right"),
            source_text(ns),
            Text(fmt.labels(ns.labels, limit=LABELS_WIDTH), style="dim"),
            quota_text(ns),
            sync_summary(row),
            fmt.timestamp(ns.created_at),
        ]

    def set_rows(self, rows: list[NamespaceStatus]) -> None:
        super().set_rows(sorted(rows, key=sort_key(self.sort)))

    def search_text(self, row: NamespaceStatus) -> str:
        ns = row.namespace
        return "\n".join((super().search_text(row), fmt.labels(ns.labels),
                          *(c.cluster.name for c in row.clusters)))

    # ---- actions -------------------------------------------------------------------------

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.set_rows(list(self.rows.values()))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        status = self.rows.get(str(event.row_key.value))
        if status is not None:
            ns_actions.open_namespace(self.shell, status.namespace)

    def action_create(self) -> None:
        ns_actions.create_namespace(self.shell, on_done=self.reload)

    def _with_highlighted(self, flow: Any) -> None:
        status = self.highlighted()
        if status is None:
            self.notify(t("ns_ui.none_highlighted"), severity="warning")
            return
        flow(self.shell, status.namespace, on_done=self.reload)

    def action_edit(self) -> None:
        self._with_highlighted(ns_actions.edit_namespace)

    def action_delete(self) -> None:
        self._with_highlighted(ns_actions.delete_namespace)

    def action_repair(self) -> None:
        self._with_highlighted(ns_actions.repair_namespace)

    # ---- live check ----------------------------------------------------------------------

    def action_check_all(self) -> None:
        """``ctrl+r``/F5: ask every cluster about every namespace; rows update as they answer."""
        instance = self.shell.current_instance
        if instance is None or self.checking:
            return
        names = [s.namespace.name for s in self.rows.values()]
        if not names:
            self.reload()
            return
        workers.start(self, self._check_all(instance.name, names), name="refresh:namespaces",
                      group="refresh", description=t("ns_ui.worker.check_all",
                                                     instance=instance.name))

    async def _check_all(self, instance: str, names: list[str]) -> None:
        self.post_message(NamespaceCheckState(running=True, total=len(names)))
        gate = asyncio.Semaphore(CHECKS_AT_ONCE)

        async def one(name: str) -> None:
            async with gate:
                try:
                    status = await self.shell.services.namespaces.check(instance, name)
                except CcseoneError as exc:  # this namespace only; the others go on
                    self.post_message(NamespaceChecked(name, None, exc))
                    return
                self.post_message(NamespaceChecked(name, status))

        try:
            await asyncio.gather(*(one(n) for n in names))
        finally:
            self.post_message(NamespaceCheckState(running=False))

    def on_namespace_check_state(self, message: NamespaceCheckState) -> None:
        message.stop()
        self.checking = message.running
        if message.running:
            self.checked, self.to_check = 0, message.total
        else:
            self.last_check = self.shell.now()
        self.refresh_chrome()

    def on_namespace_checked(self, message: NamespaceChecked) -> None:
        message.stop()
        self.checked += 1
        if message.status is not None:
            self.upsert(message.status)
        elif message.error is not None:
            self.shell.report_error(message.error, t("ns_ui.what.check", name=message.name))
            self.refresh_chrome()

    def upsert(self, row: NamespaceStatus) -> None:
        if self.key_of(row) in self.rows:
            super().upsert(row)
        else:
            self.set_rows([*self.rows.values(), row])

    # ---- chrome --------------------------------------------------------------------------

    def status_text(self) -> str:
        if self.shell.current_instance is None:
            return ""
        rows = list(self.rows.values())
        synced = sum(s.synced == s.total for s in rows)
        text = t("ns_ui.count", count=len(rows), synced=synced)
        if rows:
            text += " · " + t("ns_ui.sorted", by=t(f"ns_ui.sort.{self.sort}"))
        if self.checking:
            return f"{text} · {t('ns_ui.checking', done=self.checked, total=self.to_check)}"
        if self.last_check is not None and rows:
            ago = fmt.since(self.last_check, self.shell.now())
            return f"{text} · {t('ns_ui.checked', ago=ago)}"
        if rows:
            return f"{text} · {t('ns_ui.cached')}"
        return text

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.namespaces", instance=instance.name), [
            t("ns_ui.empty.create", instance=instance.name)
        ]

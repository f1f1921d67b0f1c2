"""The Fleet view's bookkeeping without widgets: what is watched (``Scope``), and for one
scope the columns, which rows each cluster owns, its gaps and the status line
(``BrowserState``).

A ``ClusterDelta`` becomes the table's changes here (``apply``), in plain Python, so the
per-delta work is measurable and testable without a screen. No Rich object is made per
row: a production cluster's first cell is one shared ``Text``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rich.text import Text

from ccseone_tui.domain.durations import age_seconds
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import (
    CLUSTER_COLUMN,
    NAMESPACE_COLUMN,
    ClusterDelta,
    ObjectRef,
    ResourceInfo,
    ResourceRow,
    row_ref,
)
from ccseone_tui.ui.widgets.table_model import Cells, Column

GAPS_LISTED = 2  # clusters named in the status line; the rest are "+N more"
FLEX_COLUMNS = ("MESSAGE", "LABELS")  # the one that takes the free width, if shown
_DURATIONS = {"AGE", "LAST SEEN", "DURATION", "LAST SCHEDULE"}
_COUNTS = {"RESTARTS", "DESIRED", "CURRENT", "AVAILABLE", "UP-TO-DATE", "COUNT", "DATA",
           "SECRETS", "REPLICAS"}


def count_key(text: str) -> int:
    """Sort key of a count cell (RESTARTS may read ``3 (2m ago)``); non-numbers first."""
    head = text.split(" ", 1)[0]
    return int(head) if head.isdigit() else -1


@dataclass(frozen=True, slots=True)
class Scope:
    """What one table watches: a kind on the server's side of the filters (a drill-down
    narrows to one cluster, a namespace, a selector, an owner)."""

    kind: str  # the name asked for ("po", "deployments.apps" …)
    clusters: tuple[str, ...] | None = None
    namespace: str | None = None
    label_selector: str | None = None
    field_selector: str | None = None
    owner_uid: str | None = None
    title: str | None = None  # a drill-down's breadcrumb ("web-7d9 → pods")

    def with_labels(self, selector: str | None) -> Scope:
        return replace(self, label_selector=selector or None)

    def crumb(self, info: ResourceInfo | None) -> str:
        name = info.plural if info is not None else self.kind
        parts = [self.title or name]
        if self.namespace:
            parts.append(f"-n {self.namespace}")
        if self.label_selector:
            parts.append(f"-l {self.label_selector}")
        return " ".join(parts)


def columns_for(headers: Sequence[str]) -> list[Column]:
    """The table's columns from the server's headers; ours (CLUSTER, NAMESPACE) translated,
    the server's as kubectl prints them; ages and counts sort as numbers."""
    out = []
    for header in headers:
        label = {CLUSTER_COLUMN: t("fleet.col.cluster"),
                 NAMESPACE_COLUMN: t("fleet.col.namespace")}.get(header, header)
        sort_key = age_seconds if header in _DURATIONS else \
            count_key if header in _COUNTS else None
        right = header in _DURATIONS or header in _COUNTS
        out.append(Column(header, label, align="right" if right else "left",
                          width=80 if header == "MESSAGE" else None, sort_key=sort_key))
    return out


def flex_column(headers: Sequence[str]) -> str | None:
    return next((h for h in FLEX_COLUMNS if h in headers), None)


@dataclass(slots=True)
class Gap:
    since: float  # epoch seconds (the app's clock)
    cause: str


@dataclass
class BrowserState:
    """One scope's rows as the table holds them, by cluster; gaps, missing clusters."""

    scope: Scope
    info: ResourceInfo | None = None
    columns: tuple[str, ...] | None = None
    clusters: list[str] = field(default_factory=list)  # asked, in cache order
    production: frozenset[str] = frozenset()
    answered: set[str] = field(default_factory=set)
    owned: dict[str, set[str]] = field(default_factory=dict)  # cluster -> its row keys
    gaps: dict[str, Gap] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    running: bool = False
    started: bool = False  # a watch began once (its clusters are known)
    error: str | None = None  # the whole watch failed (an unknown kind, no instance …)
    _maps: dict[str, list[int] | None] = field(default_factory=dict)  # cluster -> cell map
    _prod_cells: dict[str, Text] = field(default_factory=dict)

    # ---- starting ------------------------------------------------------------------------

    def begin(self, info: ResourceInfo, clusters: Sequence[str],
              production: Iterable[str]) -> dict[str, Cells | None]:
        """A new watch of the scope: forget answers; drop rows of clusters no longer asked."""
        self.info, self.clusters, self.running = info, list(clusters), True
        self.started = True
        self.production = frozenset(production)
        self.answered.clear()
        self.error = None
        asked = set(clusters)
        gone: dict[str, Cells | None] = {}
        for cluster in [c for c in self.owned if c not in asked]:
            gone.update(dict.fromkeys(self.owned.pop(cluster), None))
            self.gaps.pop(cluster, None)
        self.missing &= asked
        return gone

    # ---- deltas --------------------------------------------------------------------------

    def apply(self, delta: ClusterDelta, now: float | None = None) -> dict[str, Cells | None]:
        """One cluster's delta as table changes: new or changed rows, None for rows gone."""
        cluster = delta.cluster
        self.answered.add(cluster)
        if delta.error is not None:  # a gap: its rows stay, dimmed, until it heals
            if cluster not in self.gaps:
                self.gaps[cluster] = Gap(time.time() if now is None else now, delta.error)
            else:
                self.gaps[cluster].cause = delta.error
            return {}
        self.gaps.pop(cluster, None)
        owned = self.owned.setdefault(cluster, set())
        changes: dict[str, Cells | None] = {}
        if delta.missing:
            self.missing.add(cluster)
            changes.update(dict.fromkeys(owned, None))
            owned.clear()
            return changes
        self.missing.discard(cluster)
        if delta.columns is not None:
            self._map_columns(cluster, delta.columns)
        if delta.reset:
            old = set(owned)
            owned.clear()
        else:
            old = set()
        for row in delta.upserts:
            if not self._keeps(row):
                if row.key in owned:  # no longer this owner's: it leaves the drill-down
                    owned.discard(row.key)
                    changes[row.key] = None
                continue
            changes[row.key] = self._cells(cluster, row)
            owned.add(row.key)
        for key in delta.deleted:
            if key in owned:
                owned.discard(key)
                changes[key] = None
        for key in old - owned:
            changes[key] = None
        return changes

    def _keeps(self, row: ResourceRow) -> bool:
        uid = self.scope.owner_uid
        if uid is None:
            return True
        refs = row.meta.get("ownerReferences") or ()
        return any(isinstance(r, dict) and r.get("uid") == uid for r in refs)

    def _map_columns(self, cluster: str, headers: tuple[str, ...]) -> None:
        """The first columns seen are the table's; another cluster's (another version) are
        matched by name, a missing one reads empty."""
        if self.columns is None:
            self.columns = headers
        if headers == self.columns:
            self._maps[cluster] = None
            return
        index = {h: i for i, h in enumerate(headers)}
        self._maps[cluster] = [index.get(h, -1) for h in self.columns]

    def _cells(self, cluster: str, row: ResourceRow) -> Cells:
        cells: Cells = row.cells
        mapping = self._maps.get(cluster)
        if mapping is not None:
            cells = tuple(cells[i] if i >= 0 else "" for i in mapping)
        if cluster in self.production:
            cells = (self._prod_cell(cluster), *cells[1:])
        return cells

    def _prod_cell(self, cluster: str) -> Text:
        """Production clusters' rows carry a red PROD mark (one shared Text per cluster)."""
        cell = self._prod_cells.get(cluster)
        if cell is None:
            cell = Text.assemble(cluster, (f" {t('fleet.prod')}", "bold red"))
            self._prod_cells[cluster] = cell
        return cell

    def done(self, error: str | None = None) -> None:
        self.running = False
        self.error = error

    # ---- reading -------------------------------------------------------------------------

    def ref(self, key: str) -> ObjectRef | None:
        return None if self.info is None else row_ref(self.info, key)

    def row_count(self) -> int:
        return sum(len(keys) for keys in self.owned.values())

    @property
    def waiting(self) -> int:
        """Clusters asked that have not answered yet."""
        return len([c for c in self.clusters if c not in self.answered])

    def status(self, shown: int | None, marked: int) -> str:
        """``1,234 pods in 3 clusters · east-2 unreachable since 01:02:03 (cause) · 2 marked``"""
        kind = self.info.plural if self.info is not None else self.scope.kind
        live = len([c for c in self.answered if c not in self.gaps and c not in self.missing])
        parts = [t("fleet.browser.count", rows=f"{self.row_count():,}", kind=kind,
                   count=live)]
        if self.running and self.waiting and self.clusters:
            parts.append(t("fleet.status.loading", answered=len(self.answered),
                           total=len(self.clusters)))
        if self.gaps:
            named = sorted(self.gaps)[:GAPS_LISTED]
            detail = ", ".join(
                t("fleet.browser.gap", cluster=c, since=_clock(self.gaps[c].since),
                  cause=self.gaps[c].cause) for c in named)
            if len(self.gaps) > len(named):
                detail += " " + t("fleet.status.more", count=len(self.gaps) - len(named))
            parts.append(detail)
        if self.missing:
            parts.append(t("fleet.browser.missing", count=len(self.missing),
                           clusters=", ".join(sorted(self.missing)[:GAPS_LISTED])))
        if marked:
            parts.append(t("fleet.browser.marked", count=marked))
        if shown is not None:
            parts.append(t("fleet.status.shown", shown=f"{shown:,}"))
        return " · ".join(parts)


def _clock(since: float) -> str:
    """When a gap began: the time of day (local time), ``HH:MM:SS``."""
    return time.strftime("%H:%M:%S", time.localtime(since))

"""The fleet view's bookkeeping for one kind, without widgets: table columns, row keys and
cells, which rows each cluster owns, per-cluster errors and the status line.

Kept apart from the view so the per-answer work (turning a cluster's rows into the table's
changes) is plain Python, measurable and testable without a screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text

from ccseone_tui.domain.durations import age_seconds
from ccseone_tui.i18n import t
from ccseone_tui.services.fleet.rows import KINDS, int_or_zero
from ccseone_tui.services.fleet.service import ClusterAnswer, FleetResult
from ccseone_tui.ui.widgets.table_model import Cells
from ccseone_tui.ui.widgets.virtual_table import Column

# column key -> (align, sort key, fixed width): counts sort as numbers, ages as durations
_RIGHT = {"restarts", "available", "up_to_date", "age", "last_seen", "ready"}
_SORT = {"restarts": int_or_zero, "available": int_or_zero, "up_to_date": int_or_zero,
         "age": age_seconds, "last_seen": age_seconds}
_WIDTH = {"labels": 48, "message": 80}
UNREACHABLE_LISTED = 2  # clusters named in the status line; the rest are "+N more"


def table_columns(kind: str) -> list[Column]:
    spec = KINDS[kind]
    return [
        Column(key, t(f"fleet.col.{key}"), width=_WIDTH.get(key),
               align="right" if key in _RIGHT else "left", sort_key=_SORT.get(key))
        for key in spec.keys
        if spec.namespaced or key != "namespace"  # cluster-scoped: no NAMESPACE, as kubectl
    ]


def row_key(row: Sequence[str]) -> str:
    return f"{row[0]}/{row[1]}/{row[2]}"  # cluster and object names never hold a "/"


@dataclass
class KindState:
    """What the view knows about one kind: the last plan, answers, and each cluster's rows."""

    kind: str
    plan: FleetResult | None = None
    running: bool = False
    answered: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    owned: dict[str, list[str]] = field(default_factory=dict)  # cluster -> its row keys
    _prod_cells: dict[str, Text] = field(default_factory=dict)

    @property
    def namespaced(self) -> bool:
        return KINDS[self.kind].namespaced

    @property
    def clusters(self) -> list[str]:
        return self.plan.clusters if self.plan else []

    def begin(self, plan: FleetResult) -> dict[str, Cells | None]:
        """A new listing: forget answers; drop rows of clusters no longer asked."""
        self.plan, self.running = plan, True
        self.answered.clear()
        self.errors.clear()
        asked = set(plan.clusters)
        gone: dict[str, Cells | None] = {}
        for cluster in [c for c in self.owned if c not in asked]:
            gone.update(dict.fromkeys(self.owned.pop(cluster), None))
        return gone

    def answer(self, answer: ClusterAnswer) -> dict[str, Cells | None]:
        """One cluster's answer as table changes: its new rows, and None for rows it lost.
        A failed cluster's rows go: a listing that did not answer is not the fleet now."""
        self.answered.add(answer.cluster)
        old = self.owned.pop(answer.cluster, [])
        if answer.error is not None:
            self.errors[answer.cluster] = answer.error
            return dict.fromkeys(old, None)
        self.errors.pop(answer.cluster, None)
        changes: dict[str, Cells | None] = {}
        first = self._cluster_cell(answer.cluster)
        namespaced = self.namespaced
        for row in answer.rows:
            if namespaced:
                cells: Cells = row if first is None else (first, *row[1:])
            else:
                cells = (first or row[0], *row[2:])
            changes[row_key(row)] = cells
        self.owned[answer.cluster] = list(changes)
        for key in old:
            changes.setdefault(key, None)
        return changes

    def _cluster_cell(self, cluster: str) -> Text | None:
        """Production clusters' rows carry a red PROD mark (one shared Text per cluster)."""
        if self.plan is None or cluster not in self.plan.production:
            return None
        cell = self._prod_cells.get(cluster)
        if cell is None:
            cell = Text.assemble(cluster, (f" {t('fleet.prod')}", "bold red"))
            self._prod_cells[cluster] = cell
        return cell

    def row_count(self) -> int:
        return sum(len(keys) for keys in self.owned.values())

    def status(self, shown: int | None) -> str:
        """``12,345 pods in 8 clusters · 1 cluster unreachable: sandbox-3 (connection …)``."""
        ok = len([c for c in self.answered if c not in self.errors])
        parts = [t("fleet.status.count", count=f"{self.row_count():,}",
                   kind=t(f"fleet.kind.{self.kind}"), clusters=ok)]
        if self.running:
            parts.append(t("fleet.status.loading", answered=len(self.answered),
                           total=len(self.clusters)))
        if self.errors:
            named = sorted(self.errors)[:UNREACHABLE_LISTED]
            detail = ", ".join(f"{c} ({self.errors[c]})" for c in named)
            if len(self.errors) > len(named):
                detail += " " + t("fleet.status.more", count=len(self.errors) - len(named))
            key = "fleet.status.unreachable" if len(self.errors) == 1 else \
                "fleet.status.unreachable_many"
            parts.append(t(key, count=len(self.errors), detail=detail))
        if shown is not None:
            parts.append(t("fleet.status.shown", shown=f"{shown:,}"))
        return " · ".join(parts)

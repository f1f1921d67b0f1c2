"""The fleet-wide view (SPEC "Beyond the console"): one kind across every member cluster.

Each cluster is asked on its own task with its own deadline, so a dead or slow cluster only
fills its own error entry; ``stream`` hands each answer over the moment it lands (the TUI
paints progressively), ``get`` collects them all (the CLI). Rows are built straight from the
raw JSON (``fleet_rows``), never through typed models.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ccseone_tui.domain.errors import CcseoneError, ClusterUnreachable, KubeApiError
from ccseone_tui.domain.models import ClusterStatus, MemberCluster
from ccseone_tui.services.fleet.rows import ALIASES, KINDS, Doc, KindSpec, Row, resolve_kind
from ccseone_tui.services.guard import Guard

PAGE_SIZE = 500  # kubectl's default --chunk-size: gentle on big API servers


class UnknownKind(CcseoneError):
    key = "fleet.error.kind"
    fix_key = "fleet.error.kind.fix"


class ClusterAnswer(NamedTuple):
    """One cluster's answer: its rows, or ``error`` (a short cause) and no rows."""

    cluster: str
    rows: list[Row] | list[Doc]  # documents when asked with ``machine=True``
    error: str | None
    seconds: float


@dataclass(slots=True)
class FleetResult:
    kind: str  # canonical: "pods"
    columns: tuple[str, ...]  # kubectl headers, "CLUSTER" first
    keys: tuple[str, ...]  # the same columns as field names (JSON/YAML)
    namespaced: bool
    clusters: list[str]  # every cluster asked, in cache order
    rows: list[Any] = field(default_factory=list)  # Row tuples, or Doc dicts (machine)
    errors: dict[str, str] = field(default_factory=dict)  # cluster -> short cause
    timings: dict[str, float] = field(default_factory=dict)  # cluster -> seconds
    production: frozenset[str] = frozenset()  # clusters matching the production selector
    skipped: list[str] = field(default_factory=list)  # not registered yet (Waiting)

    def add(self, answer: ClusterAnswer) -> None:
        self.timings[answer.cluster] = answer.seconds
        if answer.error is not None:
            self.errors[answer.cluster] = answer.error
        else:
            self.rows.extend(answer.rows)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [row if isinstance(row, dict) else dict(zip(self.keys, row, strict=True))
                for row in self.rows]


def short_cause(exc: BaseException) -> str:
    """What the status line and stderr say about a failed cluster: the cause, verbatim."""
    if isinstance(exc, ClusterUnreachable):
        return exc.cause
    if isinstance(exc, KubeApiError | CcseoneError):
        return exc.message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class FleetService:
    def __init__(self, clusters: Any, instances: Any, guard: Guard, *,
                 connect_timeout: float, read_timeout: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._clusters = clusters  # ClustersService: the cache and engine-agnostic clients
        self._instances = instances
        self._guard = guard
        # The whole of one cluster's list (connect + every page) gets this long; the
        # per-request timeouts of the kube layer still apply inside it.
        self.timeout = connect_timeout + 2 * read_timeout
        self.clock = clock

    @staticmethod
    def kinds() -> list[str]:
        return list(KINDS)

    @staticmethod
    def aliases() -> dict[str, str]:
        return dict(ALIASES)

    @staticmethod
    def spec(kind: str) -> KindSpec:
        spec = resolve_kind(kind)
        if spec is None:
            raise UnknownKind(kind=kind, kinds=", ".join(KINDS))
        return spec

    async def plan(self, kind: str, instance_id: str | None = None) -> FleetResult:
        """An empty result saying what will be asked: columns, clusters, production ones."""
        spec = self.spec(kind)
        targets, skipped = await self._targets(instance_id)
        return FleetResult(
            kind=spec.name, columns=spec.headers, keys=spec.keys, namespaced=spec.namespaced,
            clusters=[c.name for c in targets], skipped=skipped,
            production=frozenset(c.name for c in targets if self._guard.is_production(c)),
        )

    async def _targets(self, instance_id: str | None) -> tuple[list[MemberCluster], list[str]]:
        if instance_id is not None:  # a name or an id, as everywhere else
            instance_id = (await self._instances.get(instance_id)).id
        clusters = await self._clusters.list(instance_id)
        ready = [c for c in clusters
                 if c.kubeconfig and c.probe.status is not ClusterStatus.WAITING]
        asked = {c.id for c in ready}
        return ready, [c.name for c in clusters if c.id not in asked]

    async def get(self, kind: str, instance_id: str | None = None, *,
                  namespace: str | None = None, label_selector: str | None = None,
                  machine: bool = False) -> FleetResult:
        """Every cluster's rows (cluster order), errors and timings; never raises for a
        cluster — only for a bad kind or instance. ``machine``: documents of machine
        values (``KindSpec.doc``) instead of the table's formatted rows."""
        result = await self.plan(kind, instance_id)
        async for answer in self.stream(kind, instance_id, namespace=namespace,
                                        label_selector=label_selector, machine=machine):
            result.add(answer)
        order = {name: i for i, name in enumerate(result.clusters)}
        result.rows.sort(key=lambda row: order.get(  # stable: cluster order
            row["cluster"] if isinstance(row, dict) else row[0], 0))
        return result

    async def stream(self, kind: str, instance_id: str | None = None, *,
                     namespace: str | None = None, label_selector: str | None = None,
                     machine: bool = False) -> AsyncIterator[ClusterAnswer]:
        """Yield each cluster's :class:`ClusterAnswer` as it arrives (fastest first).

        Closing the iterator (or cancelling its consumer) cancels the clusters still
        being asked, so switching kinds in the UI leaves nothing running behind.
        """
        spec = self.spec(kind)
        targets, _ = await self._targets(instance_id)
        tasks = [asyncio.ensure_future(self._ask(spec, c, namespace, label_selector, machine))
                 for c in targets]
        pending: set[asyncio.Future[ClusterAnswer]] = set(tasks)
        try:
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def _ask(self, spec: KindSpec, cluster: MemberCluster, namespace: str | None,
                   label_selector: str | None, machine: bool = False) -> ClusterAnswer:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                client = await self._clusters.client(cluster)
                listed = await client.list(
                    spec.api_version, spec.kind,
                    namespace=namespace if spec.namespaced else None,
                    label_selector=label_selector, limit=PAGE_SIZE)
        except TimeoutError:
            error = f"no answer within {self.timeout:g}s"
        except Exception as exc:  # one cluster's failure is its own entry, never the fan-out's
            error = short_cause(exc)
        else:
            now, build = self.clock(), spec.doc if machine else spec.row
            rows: list[Any] = [build(cluster.name, item, now) for item in listed.get("items") or ()]
            return ClusterAnswer(cluster.name, rows, None, time.perf_counter() - started)
        return ClusterAnswer(cluster.name, [], error, time.perf_counter() - started)


__all__ = ["ClusterAnswer", "FleetResult", "FleetService", "KindSpec", "UnknownKind",
           "short_cause"]

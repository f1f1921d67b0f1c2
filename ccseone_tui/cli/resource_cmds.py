"""``ccseone get|describe|events|delete|scale|restart``: kubectl's verbs on any kind the
clusters serve, across the fleet (issue #11 item 5).

Everything goes through ``Services.resources`` (discovery, kubectl's columns, list+watch)
and ``Services.objects`` (describe, events, guarded writes). One cluster never fails the
others: rows of the clusters that answered go to stdout, each failing cluster's cause to
stderr, and the exit code is 1 when any cluster (or object) failed. A kind that some
clusters do not serve is a note on stderr for those, not a failure. Exit 2: usage or bad
input (an unknown kind with close names, a kind that cannot be scaled …).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TextIO

from ccseone_tui.cli.output import emit, format_table, to_yaml
from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.text import printable, printable_value
from ccseone_tui.i18n import t
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.services import Services
from ccseone_tui.services.resources.model import (
    CLUSTER_COLUMN,
    NAMESPACE_COLUMN,
    ClusterDelta,
    ObjectRef,
    ResourceRow,
    ResourceTable,
)

Handler = Callable[[argparse.Namespace, Services], Awaitable[int]]
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_NAMESPACE = "default"
WATCH_HOLD = 2.0  # get -w: longest wait for every cluster's first rows before printing
EVENT_COLUMNS = [("cluster", CLUSTER_COLUMN), ("last_seen_ago", "LAST SEEN"),
                 ("type", "TYPE"), ("reason", "REASON"), ("object", "OBJECT"),
                 ("message", "MESSAGE")]


class _Usage(Exception):
    """Bad input found by this module: one line on stderr, exit 2."""


# ---- small helpers ----------------------------------------------------------------------------


def _err(text: str, err: TextIO | None = None) -> None:
    print(printable(f"ccseone: {text}", multiline=True), file=err or sys.stderr, flush=True)


def cluster_names(values: Iterable[str] | None) -> list[str]:
    """``--cluster a,b --cluster c`` → ``[a, b, c]`` (order kept, duplicates dropped)."""
    out: list[str] = []
    for value in values or ():
        for name in value.split(","):
            name = name.strip()
            if name and name not in out:
                out.append(name)
    return out


def targets(kind: str, names: Sequence[str]) -> list[tuple[str, str]]:
    """``KIND NAME...`` or kubectl's ``TYPE/NAME...`` forms → ``[(kind, name)]``."""
    if "/" not in kind:
        if not names:
            raise _Usage(t("rcli.name_required", kind=kind))
        if any("/" in n for n in names):
            raise _Usage(t("rcli.type_name_mixed"))
        return [(kind, n) for n in names]
    out = []
    for item in (kind, *names):
        type_, sep, name = item.partition("/")
        if not sep or not type_ or not name or "/" in name:
            raise _Usage(t("rcli.type_name_mixed"))
        out.append((type_, name))
    return out


def _split_kind(args: argparse.Namespace) -> None:
    """``get deploy/web`` = ``get deploy web`` (kubectl's TYPE/NAME form)."""
    if args.kind and "/" in args.kind:
        if args.name:
            raise _Usage(t("rcli.type_name_mixed"))
        [(args.kind, args.name)] = targets(args.kind, ())


def _namespace(args: argparse.Namespace) -> str | None:
    """None = every namespace (``-A``); else ``-n`` or ``default``, as kubectl."""
    if getattr(args, "all_namespaces", False):
        return None
    return args.namespace or DEFAULT_NAMESPACE


def type_name(info: ResourceInfo) -> str:
    """kubectl's ``-o name`` / message spelling of a type: ``deployment.apps``, ``pod``."""
    kind = info.kind.lower()
    return f"{kind}.{info.group}" if info.group else kind


def _rfc3339(ts: float | None) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


_DURATION = re.compile(r"(\d+)([ydhms])")
_UNIT = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def duration_seconds(text: str) -> float | None:
    """kubectl's human durations (``45s``, ``5m10s``, ``2d3h``, ``3y45d``) in seconds;
    None for ``<unknown>`` and anything else."""
    text = text.strip()
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return float(sum(int(n) * _UNIT[u] for n, u in parts))


async def _instance_id(args: argparse.Namespace, s: Services,
                       clusters: Sequence[str]) -> str | None:
    """``--instance`` (name or id); else the instance of the first ``--cluster``; else
    None: every cluster in the cache."""
    if getattr(args, "instance", None):
        return str(args.instance)
    if clusters:
        from ccseone_tui.domain.errors import NotFound

        try:
            return (await s.clusters.get(clusters[0])).instance_id
        except NotFound as exc:  # a typo in --cluster is bad input, as for get's own check
            raise _Usage(str(exc)) from exc
    return None


async def _resolve(s: Services, kind: str, instance_id: str | None) -> ResourceInfo:
    info: ResourceInfo = await s.resources.resolve(kind, instance_id)
    return info


def _cause(exc: BaseException) -> str:
    """One cluster's failure, short: the API server's message verbatim, or the cause."""
    from ccseone_tui.services.resources.service import cause_of

    return cause_of(exc)


def _ref(cluster: str, info: ResourceInfo, namespace: str | None, name: str) -> ObjectRef:
    return ObjectRef(cluster, info, (namespace or DEFAULT_NAMESPACE) if info.namespaced
                     else None, name)


def _notes(table: ResourceTable, kind: str, err: TextIO | None = None) -> int:
    """The per-cluster notes of a table on stderr; 1 when any cluster failed."""
    for cluster in table.skipped:
        _err(t("rcli.skipped", cluster=cluster), err)
    for cluster in table.missing:
        _err(t("rcli.missing", cluster=cluster, kind=kind), err)
    for cluster, cause in table.errors.items():
        _err(f"{cluster}: {cause}", err)
    return EXIT_FAILED if table.errors else EXIT_OK


def _columns(table: ResourceTable, namespace: str | None) -> list[tuple[str, str]]:
    """(index, header) of the columns to print: NAMESPACE only across namespaces, as
    kubectl shows it only with ``-A``."""
    return [(str(i), h) for i, h in enumerate(table.columns)
            if not (h == NAMESPACE_COLUMN and namespace is not None)]


def _row_dict(row: ResourceRow) -> dict[str, str]:
    return {str(i): c for i, c in enumerate(row.cells)}


def _print_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]],
                 headers: bool) -> None:
    text = format_table(rows, columns)
    print(text if headers else text.split("\n", 1)[1] if rows else "", flush=True)


# ---- get ------------------------------------------------------------------------------------


async def _table(args: argparse.Namespace, s: Services, kind: str, instance_id: str | None,
                 clusters: Sequence[str], namespace: str | None, *,
                 name: str | None = None, wide: bool = False) -> ResourceTable:
    table: ResourceTable = await s.resources.get(
        kind, instance_id, clusters=list(clusters) or None, namespace=namespace,
        label_selector=getattr(args, "selector", None),
        field_selector=getattr(args, "field_selector", None), name=name, wide=wide)
    return table


async def get(args: argparse.Namespace, s: Services) -> int:
    _split_kind(args)
    clusters = cluster_names(args.cluster)
    instance_id = await _instance_id(args, s, clusters)
    namespace = _namespace(args)
    if args.output_watch_events and not args.watch:
        raise _Usage(t("rcli.watch_events_alone"))
    if args.watch:
        return await watch(args, s, instance_id, clusters, namespace)
    table = await _table(args, s, args.kind, instance_id, clusters, namespace,
                         name=args.name, wide=args.output == "wide")
    kind = table.info.plural
    if args.output in ("json", "yaml"):
        document = await full_list(s, table, instance_id, namespace, args)
        emit(document, args.output)
        for cluster in table.skipped:
            _err(t("rcli.skipped", cluster=cluster))
        for cluster in table.missing:
            _err(t("rcli.missing", cluster=cluster, kind=kind))
        for cluster, cause in document["errors"].items():
            _err(f"{cluster}: {cause}")
        code = EXIT_FAILED if document["errors"] else EXIT_OK
        if args.name and not document["items"] and not code:
            _err(t("rcli.not_found", kind=type_name(table.info), name=args.name))
            return EXIT_FAILED
        return code
    if args.output == "name":
        for row in table.rows:
            ref = table.ref(row)
            print(printable(f"{ref.cluster}/{type_name(table.info)}/{ref.name}"))
    elif table.rows:
        _print_table([_row_dict(r) for r in table.rows], _columns(table, namespace),
                     not args.no_headers)
    sys.stdout.flush()
    code = _notes(table, kind)
    if not table.rows and not code:
        if args.name:
            _err(t("rcli.not_found", kind=type_name(table.info), name=args.name))
            return EXIT_FAILED
        print(t("rcli.none_in", namespace=namespace) if namespace and table.info.namespaced
              else t("rcli.none"), file=sys.stderr)
    return code


async def full_list(s: Services, table: ResourceTable, instance_id: str | None,
                    namespace: str | None, args: argparse.Namespace) -> dict[str, Any]:
    """``get -o json|yaml``: the full objects of every cluster that answered, as one
    ``List`` whose items say their cluster (schema in docs/cli.md)."""
    info = table.info
    errors = dict(table.errors)
    asked = [c for c in table.clusters
             if c not in errors and c not in table.missing and c not in table.skipped]
    fields = [f for f in (getattr(args, "field_selector", None),
                          f"metadata.name={args.name}" if getattr(args, "name", None)
                          else None) if f]

    async def one(cluster: str) -> list[dict[str, Any]]:
        client = await s.resources.client(cluster, instance_id)
        here = await s.resources.info_on(client, info) or info  # its version there
        listed = await client.list_path(
            here.path(namespace if here.namespaced else None),
            label_selector=getattr(args, "selector", None),
            field_selector=",".join(fields) or None, limit=500)
        items: list[dict[str, Any]] = listed.get("items") or []
        for item in items:  # lists leave them out; a script wants each object whole
            item.setdefault("apiVersion", here.api_version)
            item.setdefault("kind", here.kind)
        return items

    results = await asyncio.gather(*(one(c) for c in asked), return_exceptions=True)
    items: list[dict[str, Any]] = []
    for cluster, result in zip(asked, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            errors[cluster] = _cause(result)
            continue
        result.sort(key=lambda o: ((o.get("metadata") or {}).get("namespace") or "",
                                   (o.get("metadata") or {}).get("name") or ""))
        items.extend({"cluster": cluster, "object": obj} for obj in result)
    return {"apiVersion": "v1", "kind": "List",
            "resource": {"group": info.group, "version": info.version, "kind": info.kind,
                         "plural": info.plural, "namespaced": info.namespaced},
            "clusters": list(table.clusters), "items": items, "errors": errors,
            "missing": list(table.missing), "skipped": list(table.skipped)}


# ---- get -w ---------------------------------------------------------------------------------


class WatchPrinter:
    """kubectl ``get -w`` lines from ``ClusterDelta``s: the header once, then one line per
    row that appeared, changed or went (only what changed: a relist that brings the same
    cells prints nothing). Cluster gaps and heals are notes on stderr."""

    def __init__(self, output: str, *, namespace: str | None, events: bool,
                 kind: str, out: TextIO | None = None, err: TextIO | None = None,
                 headers: bool = True) -> None:
        self.output = output
        self.show_headers = headers
        self.namespace = namespace
        self.events = events
        self.kind = kind
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.headers: tuple[str, ...] | None = None
        self.widths: list[int] = []
        self.rows: dict[str, tuple[str, ...]] = {}
        self.gaps: set[str] = set()
        self.missing: set[str] = set()
        self.type_name = kind
        # until every cluster's first answer is in (or flush()), lines wait here so the
        # first screenful is one aligned table, as kubectl's
        self.pending: set[str] = set()
        self.buffer: list[tuple[str, str, tuple[str, ...]]] | None = None
        self.order: dict[str, int] = {}
        # a column of kubectl durations ("LAST SEEN"): the first list sorted oldest first
        self.oldest_first: str | None = None
        if events:
            self.widths = [len("MODIFIED")]

    def expect(self, clusters: Iterable[str]) -> None:
        """Hold the first lines until each of ``clusters`` gave its first delta."""
        self.order = {c: i for i, c in enumerate(clusters)}
        self.pending = set(self.order)
        self.buffer = [] if self.pending else None

    def flush(self) -> None:
        """Print what was held, aligned, and stop holding (idempotent)."""
        if self.buffer is None:
            return
        held, self.buffer = self.buffer, None
        self.pending.clear()
        # as a plain get lists them: cluster order, then namespace and name
        held.sort(key=lambda h: (self.order.get(h[1].split("/", 1)[0], len(self.order)),
                                 h[1]))
        if self.oldest_first and self.headers and self.oldest_first in self.headers:
            at = self.headers.index(self.oldest_first)
            held.sort(key=lambda h: -(duration_seconds(h[2][at]) or float("inf"))
                      if at < len(h[2]) else 0.0)
        if self.output in ("table", "wide") and self.headers is not None:
            keep = self._keep()
            header = [self.headers[i] for i in keep]
            self._line(["EVENT", *header] if self.events else header)  # widths only
            for event, _, cells in held:
                shown = [cells[i] for i in keep if i < len(cells)]
                self._line([event, *shown] if self.events else shown)
            if self.show_headers:
                self.out.write(self._line(["EVENT", *header] if self.events else header)
                               + "\n")
        for event, key, cells in held:
            self._write(event, key, cells)
        self.out.flush()

    def _keep(self) -> list[int]:
        assert self.headers is not None
        return [i for i, h in enumerate(self.headers)
                if not (h == NAMESPACE_COLUMN and self.namespace is not None)]

    def _line(self, cells: Sequence[str]) -> str:
        from rich.cells import cell_len

        texts = [printable_value(c) for c in cells]
        for i, text in enumerate(texts):
            if i >= len(self.widths):
                self.widths.append(0)
            self.widths[i] = max(self.widths[i], cell_len(text))
        return "   ".join(text + " " * (self.widths[i] - cell_len(text))
                          for i, text in enumerate(texts)).rstrip()

    def _write(self, event: str, key: str, cells: tuple[str, ...]) -> None:
        if self.buffer is not None:
            self.buffer.append((event, key, cells))
            return
        cluster, namespace, name = key.split("/", 2)
        if self.output == "name":
            self.out.write(printable(f"{cluster}/{self.type_name}/{name}") + "\n")
        elif self.output in ("json", "yaml"):
            headers = self.headers or ()
            doc = {"type": event, "cluster": cluster, "namespace": namespace or None,
                   "name": name,
                   "columns": {h: c for h, c in zip(headers, cells, strict=False)}}
            if self.output == "json":
                import json

                self.out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            else:
                self.out.write("---\n" + to_yaml(doc))
        else:
            keep = self._keep() if self.headers else list(range(len(cells)))
            shown = [cells[i] for i in keep if i < len(cells)]
            self.out.write(self._line([event, *shown] if self.events else shown) + "\n")
        self.out.flush()

    def _header(self, columns: tuple[str, ...]) -> None:
        self.headers = columns
        if self.output in ("table", "wide") and self.buffer is None and self.show_headers:
            shown = [columns[i] for i in self._keep()]
            self.out.write(self._line(["EVENT", *shown] if self.events else shown) + "\n")
            self.out.flush()

    def delta(self, d: ClusterDelta) -> None:
        self._delta(d)
        if self.buffer is not None and d.cluster in self.pending:
            self.pending.discard(d.cluster)
            if not self.pending:
                self.flush()

    def _delta(self, d: ClusterDelta) -> None:
        if d.error is not None:
            if d.cluster not in self.gaps:
                self.gaps.add(d.cluster)
                _err(f"{d.cluster}: {d.error}", self.err)
            return
        if d.cluster in self.gaps:
            self.gaps.discard(d.cluster)
            _err(t("rcli.watch.healed", cluster=d.cluster), self.err)
        if d.missing:
            if d.cluster not in self.missing:
                self.missing.add(d.cluster)
                _err(t("rcli.missing", cluster=d.cluster, kind=self.kind), self.err)
            return
        if d.columns and self.headers is None:
            self._header(d.columns)
        prefix = f"{d.cluster}/"
        if d.reset:
            old = {k: v for k, v in self.rows.items() if k.startswith(prefix)}
            new = {r.key: tuple(r.cells) for r in d.upserts}
            for key, cells in new.items():
                if old.get(key) != cells:
                    self.rows[key] = cells
                    self._write("ADDED" if key not in old else "MODIFIED", key, cells)
            for key in old.keys() - new.keys():
                self._write("DELETED", key, self.rows.pop(key))
            return
        for row in d.upserts:
            cells = tuple(row.cells)
            before = self.rows.get(row.key)
            if before != cells:
                self.rows[row.key] = cells
                self._write("ADDED" if before is None else "MODIFIED", row.key, cells)
        for key in d.deleted:
            if key in self.rows:
                self._write("DELETED", key, self.rows.pop(key))


async def watch(args: argparse.Namespace, s: Services, instance_id: str | None,
                clusters: Sequence[str], namespace: str | None, *,
                oldest_first: str | None = None) -> int:
    """``get -w``: streams until Ctrl-C (exit 130 from the entry point)."""
    info = await _resolve(s, args.kind, instance_id)
    fields = ",".join(f for f in (args.field_selector,
                                  f"metadata.name={args.name}" if args.name else None) if f)
    printer = WatchPrinter(args.output, namespace=namespace,
                           events=args.output_watch_events, kind=info.plural,
                           headers=not args.no_headers)
    printer.type_name = type_name(info)
    printer.oldest_first = oldest_first
    printer.expect(c.name for c in await s.resources.targets(instance_id,
                                                             list(clusters) or None))

    async def flush_later() -> None:  # a cluster slow to answer holds nobody's rows long
        await asyncio.sleep(WATCH_HOLD)
        printer.flush()

    timer = asyncio.create_task(flush_later())
    try:
        async for delta in s.resources.watch(
                info, instance_id, clusters=list(clusters) or None, namespace=namespace,
                label_selector=args.selector, field_selector=fields or None,
                wide=args.output == "wide"):
            printer.delta(delta)
    finally:
        timer.cancel()
    printer.flush()
    return EXIT_OK


# ---- describe -------------------------------------------------------------------------------


async def _where(args: argparse.Namespace, s: Services, kind: str, instance_id: str | None,
                 namespace: str | None, name: str) -> tuple[list[ObjectRef], int]:
    """The refs of ``name`` on the clusters asked (``--cluster``) or, without it, on every
    cluster that has it (failing clusters reported on stderr: the second value is 1)."""
    clusters = cluster_names(args.cluster)
    if clusters:
        info = await _resolve(s, kind, instance_id)
        return [_ref(c, info, namespace, name) for c in clusters], EXIT_OK
    table = await _table(args, s, kind, instance_id, (), namespace, name=name)
    code = _notes(table, table.info.plural)
    refs = [table.ref(r) for r in table.rows]
    if not refs and not code:
        _err(t("rcli.not_found", kind=type_name(table.info), name=name))
        code = EXIT_FAILED
    return refs, code


def _with_cluster(text: str, cluster: str) -> str:
    """``Cluster:`` first, aligned with the describe text's own ``Name:`` value."""
    first = text.split("\n", 1)[0]
    match = re.match(r"\w[\w ]*:\s+", first)
    width = len(match.group()) if match else 14
    return f"{'Cluster:':<{width}}{cluster}\n{text}"


async def describe(args: argparse.Namespace, s: Services) -> int:
    instance_id = await _instance_id(args, s, cluster_names(args.cluster))
    namespace = args.namespace or DEFAULT_NAMESPACE
    code = EXIT_OK
    first = True
    for kind, name in targets(args.kind, args.names):
        refs, found = await _where(args, s, kind, instance_id, namespace, name)
        code = max(code, found)
        for ref in refs:
            try:
                text = await s.objects.describe(ref)
            except CcseoneError as exc:
                _err(f"{ref.cluster}: {_cause(exc)}")
                code = EXIT_FAILED
                continue
            if not first:
                print()
            first = False
            print(printable(_with_cluster(text.rstrip("\n"), ref.cluster), multiline=True),
                  flush=True)
    return code


# ---- events ---------------------------------------------------------------------------------


def _event_time(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    series = obj.get("series") or {}
    return str(series.get("lastObservedTime") or obj.get("lastTimestamp")
               or obj.get("eventTime") or obj.get("firstTimestamp")
               or meta.get("creationTimestamp") or "")


async def events(args: argparse.Namespace, s: Services) -> int:
    _split_kind(args)
    if args.kind and not args.name:
        raise _Usage(t("rcli.events_need_name", kind=args.kind))
    clusters = cluster_names(args.cluster)
    instance_id = await _instance_id(args, s, clusters)
    if args.watch:
        return await _watch_events(args, s, instance_id, clusters)
    if args.kind:
        return await _object_events(args, s, instance_id)
    namespace = _namespace(args)
    table = await _table(args, s, "events", instance_id, clusters, namespace)
    if args.output != "table":
        document = await full_list(s, table, instance_id, namespace, args)
        document["items"].sort(key=lambda i: _event_time(i["object"]))
        emit(document, args.output)
        for cluster, cause in document["errors"].items():
            _err(f"{cluster}: {cause}")
        for cluster in table.missing:
            _err(t("rcli.missing", cluster=cluster, kind="events"))
        return EXIT_FAILED if document["errors"] else EXIT_OK
    seen = table.columns.index("LAST SEEN") if "LAST SEEN" in table.columns else None

    def oldest_first(row: ResourceRow) -> tuple[float, str]:
        ago = duration_seconds(row.cells[seen]) if seen is not None else None
        # unknown times first (oldest), then the longest ago, the most recent last
        return (-(ago if ago is not None else float("inf")), row.key)

    rows = sorted(table.rows, key=oldest_first)
    if rows:
        _print_table([_row_dict(r) for r in rows], _columns(table, namespace),
                     not args.no_headers)
    sys.stdout.flush()
    code = _notes(table, "events")
    if not rows and not code:
        print(t("rcli.none_in", namespace=namespace) if namespace else t("rcli.none"),
              file=sys.stderr)
    return code


async def _watch_events(args: argparse.Namespace, s: Services, instance_id: str | None,
                        clusters: Sequence[str]) -> int:
    """``events -w``: the events so far (oldest first), then each new or updated one; an
    object's by an involvedObject field selector."""
    fields = None
    namespace = _namespace(args)
    if args.kind:
        info = await _resolve(s, args.kind, instance_id)
        fields = f"involvedObject.kind={info.kind},involvedObject.name={args.name}"
        namespace = (args.namespace or DEFAULT_NAMESPACE) if info.namespaced else None
    watching = argparse.Namespace(kind="events", name=None, selector=None,
                                  field_selector=fields, output=args.output,
                                  output_watch_events=False, no_headers=args.no_headers)
    return await watch(watching, s, instance_id, clusters, namespace,
                       oldest_first="LAST SEEN")


async def _object_events(args: argparse.Namespace, s: Services,
                         instance_id: str | None) -> int:
    namespace = args.namespace or DEFAULT_NAMESPACE
    refs, code = await _where(args, s, args.kind, instance_id, namespace, args.name)
    rows: list[dict[str, Any]] = []
    for ref in refs:
        try:
            found = await s.objects.events(ref)
        except CcseoneError as exc:
            _err(f"{ref.cluster}: {_cause(exc)}")
            code = EXIT_FAILED
            continue
        obj = f"{ref.info.kind.lower()}/{ref.name}"
        for e in found:
            rows.append({"cluster": ref.cluster, "namespace": ref.namespace,
                         "object": obj, "type": e.type, "reason": e.reason,
                         "last_seen_ago": e.age, "last_seen": e.last_seen,
                         "count": e.count, "source": e.source, "message": e.message})
    rows.sort(key=lambda r: (r["last_seen"] or 0.0, r["cluster"]))
    if args.output == "table":
        if rows:
            _print_table(rows, EVENT_COLUMNS, not args.no_headers)
        elif not code:
            print(t("rcli.no_events"), file=sys.stderr)
    else:
        emit([{"cluster": r["cluster"],
               "object": {"kind": refs[0].info.kind, "namespace": r["namespace"],
                          "name": args.name},
               "type": r["type"], "reason": r["reason"],
               "last_seen": _rfc3339(r["last_seen"]), "count": r["count"],
               "source": r["source"], "message": r["message"]} for r in rows], args.output)
    return code


# ---- writes ---------------------------------------------------------------------------------


async def _write_refs(args: argparse.Namespace, s: Services) -> list[ObjectRef]:
    """The refs a write acts on, after the guard said yes for every cluster: read-only
    refuses and production clusters need ``--confirm`` before anything is asked or sent."""
    clusters = cluster_names(args.cluster)
    if not clusters:
        raise _Usage(t("rcli.cluster_required"))
    # a name that is not a member (of --instance, when given) is a ValidationError naming
    # the members: exit 2 before anything is asked
    members = [await s.resources.cluster(c, args.instance) for c in clusters]
    instance_id = members[0].instance_id
    pairs = targets(args.kind, args.names)
    s.guard.check_writable()
    s.guard.check_confirmed(members, args.confirm)
    infos = {kind: await _resolve(s, kind, instance_id)
             for kind in dict.fromkeys(k for k, _ in pairs)}
    return [_ref(c, infos[k], args.namespace, n) for c in clusters for k, n in pairs]


async def _members(s: Services, refs: Sequence[ObjectRef]) -> list[Any]:
    return [await s.resources.cluster(c) for c in dict.fromkeys(r.cluster for r in refs)]


def _describe_ref(ref: ObjectRef) -> str:
    where = f" -n {ref.namespace}" if ref.namespace else ""
    return f"{ref.cluster}: {type_name(ref.info)}/{ref.name}{where}"


def _ask(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _outcomes(args: argparse.Namespace, outcomes: Sequence[Any]) -> int:
    failed = [o for o in outcomes if not o.ok]
    if args.output == "table":
        for o in outcomes:
            if o.ok:
                print(printable(f"{o.ref.cluster}: {o.message}"), flush=True)
        for o in failed:
            _err(f"{_describe_ref(o.ref)}: {o.message}")
    else:
        emit([{"cluster": o.ref.cluster, "kind": o.ref.info.kind, "group": o.ref.info.group,
               "namespace": o.ref.namespace, "name": o.ref.name, "ok": o.ok,
               "status": o.status, "message": o.message} for o in outcomes], args.output)
    return EXIT_FAILED if failed else EXIT_OK


async def delete(args: argparse.Namespace, s: Services) -> int:
    refs = await _write_refs(args, s)
    if not args.yes:
        if not sys.stdin.isatty():
            _err(t("rcli.delete.not_a_tty"))
            return EXIT_FAILED
        print(t("rcli.delete.listing", count=len(refs)), file=sys.stderr)
        production = {m.name for m in await _members(s, refs) if s.is_production(m)}
        for ref in refs:
            mark = f"  {t('fleet.prod')}" if ref.cluster in production else ""
            print(printable(f"  {_describe_ref(ref)}{mark}"), file=sys.stderr)
        if not _ask(t("rcli.delete.ask", count=len(refs)) + " "):
            print(t("rcli.delete.kept"), file=sys.stderr)
            return EXIT_FAILED
    return _outcomes(args, await s.objects.delete(refs, confirm=args.confirm))


async def scale(args: argparse.Namespace, s: Services) -> int:
    refs = await _write_refs(args, s)
    outcomes = [await s.objects.scale(ref, args.replicas, confirm=args.confirm)
                for ref in refs]
    return _outcomes(args, outcomes)


async def restart(args: argparse.Namespace, s: Services) -> int:
    refs = await _write_refs(args, s)
    return _outcomes(args, await s.objects.restart(refs, confirm=args.confirm))


# ---- entry ----------------------------------------------------------------------------------


ACTIONS: dict[str, Handler] = {"get": get, "describe": describe, "events": events,
                               "delete": delete, "scale": scale, "restart": restart}


async def run(args: argparse.Namespace, s: Services) -> int:
    """Bad input (an unknown kind, a kind that cannot do that, a flag misuse) → exit 2 with
    the reason and the close names; other errors reach the entry point (exit 1)."""
    from ccseone_tui.services.resources.kinds import UnknownKind

    try:
        return await ACTIONS[args.command](args, s)
    except (UnknownKind, ValidationError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except _Usage as exc:
        _err(str(exc))
        return EXIT_USAGE


__all__ = ["ACTIONS", "WatchPrinter", "cluster_names", "duration_seconds", "full_list",
           "run", "type_name"]

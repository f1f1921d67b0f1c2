"""Pure parts of the resource browser's read path (#11): kubectl's names for kinds, Table
JSON -> rows (cells as kubectl prints them, columns matched by name across versions), and
the live mailbox that coalesces watch events per cluster."""

from __future__ import annotations

import time
from typing import Any

from ccseone_tui.kube.tables import as_table
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.services.resources.kinds import KindIndex, builtin_kind, suggest
from ccseone_tui.services.resources.live import Mailbox
from ccseone_tui.services.resources.model import ResourceRow
from ccseone_tui.services.resources.table import cell_text, column_map, headers, table_rows

MCL = ResourceInfo("cluster.open-cluster-management.io", "v1", "ManagedCluster",
                   "managedclusters", False, ("list", "get", "watch"), ("mcl", "mcls"))
OLD_MCL = ResourceInfo("cluster.open-cluster-management.io", "v1beta1", "ManagedCluster",
                       "managedclusters", False, ("list",), ("mcl",))
BINDING = ResourceInfo("", "v1", "Binding", "bindings", True, ("create",))


def table(columns: list[tuple[str, int]], rows: list[tuple[list[Any], dict[str, Any]]],
          ) -> dict[str, Any]:
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
            "columnDefinitions": [{"name": n, "type": "string", "priority": p}
                                  for n, p in columns],
            "rows": [{"cells": cells, "object": {"metadata": meta}} for cells, meta in rows]}


def test_discovered_names_qualified_and_preferred_version_first() -> None:
    index = KindIndex([MCL, OLD_MCL, BINDING])
    for name in ("mcl", "MCLS", "managedclusters", "managedcluster", "ManagedCluster",
                 "managedclusters.cluster.open-cluster-management.io",
                 "mcl.cluster.open-cluster-management.io",
                 "managedclusters.v1.cluster.open-cluster-management.io"):
        assert index.lookup(name) is MCL, name
    assert index.lookup("bindings") is None  # not listable: nothing to get
    assert "managedclusters.cluster.open-cluster-management.io" in index.names()
    assert builtin_kind("nosuch") is None
    assert suggest("managedclustr", index.names())[0] == "managedcluster"


def test_cells_read_as_kubectl_prints_them() -> None:
    assert [cell_text(v) for v in (None, 3, 2.0, 0.5, True, ["a", "b"], "x")] == [
        "<none>", "3", "2", "0.5", "true", "a,b", "x"]


def test_columns_priority_and_mapping_by_name() -> None:
    new = table([("Name", 0), ("Ready", 0), ("Status", 0), ("IP", 1)],
                [(["web-1", "1/1", "Running", "10.0.0.1"],
                  {"name": "web-1", "namespace": "shop", "managedFields": [{}]})])
    old = table([("Name", 0), ("Status", 0), ("Legacy", 0)],
                [(["web-2", "Pending", "x"], {"name": "web-2", "namespace": "shop"})])
    cols = headers(new, namespaced=True)
    assert cols == ("CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS")
    assert headers(new, True, wide=True)[-1] == "IP"
    (row,) = table_rows("east", new, True, column_map(new, cols, True))
    assert row == ResourceRow("east/shop/web-1", ("east", "shop", "web-1", "1/1", "Running"),
                              {"name": "web-1", "namespace": "shop"})
    (other,) = table_rows("west", old, True, column_map(old, cols, True))
    assert other.cells == ("west", "shop", "web-2", "", "Pending")  # no READY there


def test_a_plain_list_becomes_name_and_age() -> None:
    listed = as_table({"kind": "FooList", "metadata": {"resourceVersion": "9"}, "items": [
        {"metadata": {"name": "a", "creationTimestamp": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 300))}}]})
    assert [c["name"] for c in listed["columnDefinitions"]] == ["Name", "Age"]
    assert listed["rows"][0]["cells"] == ["a", "5m"]
    assert listed["metadata"]["resourceVersion"] == "9"


def test_table_rows_are_fast_enough_for_a_fleet() -> None:
    big = table([("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0)],
                [([f"p-{i}", "1/1", "Running", 0, "3d"],
                  {"name": f"p-{i}", "namespace": "default", "uid": str(i)})
                 for i in range(100_000)])
    cols = headers(big, True)
    t0 = time.perf_counter()
    rows = table_rows("c", big, True, column_map(big, cols, True))
    assert len(rows) == 100_000 and rows[5].cells[5] == "0"
    assert time.perf_counter() - t0 < 1.5  # about 0.15 s on a laptop core


def row(key: str, status: str = "Running") -> ResourceRow:
    cluster, ns, name = key.split("/")
    return ResourceRow(key, (cluster, ns, name, status), {})


def test_mailbox_coalesces_per_cluster_and_keeps_order_around_errors() -> None:
    box = Mailbox()
    box.reset("a", [row("a/x/2"), row("a/x/1")], ("CLUSTER",))
    box.upsert("a", [row("a/x/3")])
    box.delete("a", ["a/x/2"])
    box.upsert("b", [row("b/x/1")])
    box.delete("b", ["b/x/1"])
    box.upsert("b", [row("b/x/1", "Pending")])  # deleted then back: an upsert
    (a, b) = box.take()
    assert a.reset and [r.key for r in a.upserts] == ["a/x/1", "a/x/3"] and a.deleted == []
    assert not b.reset and b.upserts[0].cells[3] == "Pending" and b.deleted == []
    box.upsert("a", [row("a/x/4")])
    box.error("a", "connection refused")
    box.heal("a")
    got = box.take()
    assert [(d.cluster, d.error, len(d.upserts)) for d in got] == [
        ("a", None, 1), ("a", "connection refused", 0), ("a", None, 0)]
    assert box.take() == [] and not box.wake.is_set()

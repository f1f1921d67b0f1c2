"""``fleet get -o json|yaml`` documents (#12 item 9): machine values built from the raw
objects — numbers, maps, RFC 3339 times, ages in seconds — never the table's cells."""

from __future__ import annotations

from datetime import datetime

from ccseone_tui.services.fleet.rows import KINDS

NOW = datetime.fromisoformat("2026-12-02T16:00:00+00:00").timestamp()
META = {"name": "web", "namespace": "shop", "creationTimestamp": "2026-12-02T15:57:00Z",
        "labels": {"app": "web", "tier": "front"}}


def test_every_kind_has_a_document_with_the_base_fields() -> None:
    for spec in KINDS.values():
        doc = spec.doc("east-1", {"metadata": META}, NOW)
        assert (doc["cluster"], doc["name"]) == ("east-1", "web")
        assert doc["namespace"] == ("shop" if spec.namespaced else None), spec.name


def test_deployment_document() -> None:
    doc = KINDS["deployments"].doc("east-1", {
        "metadata": META, "spec": {"replicas": 3},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}, NOW)
    assert doc["ready"] == {"ready": 2, "total": 3}
    assert (doc["up_to_date"], doc["available"]) == (3, 2)
    assert doc["created"] == "2026-12-02T15:57:00Z" and doc["age_seconds"] == 180
    assert doc["labels"] == {"app": "web", "tier": "front"}  # a map, not "app=web,tier=front"


def test_event_document() -> None:
    doc = KINDS["events"].doc("east-1", {
        "metadata": {"name": "web.1", "namespace": "shop"}, "type": "Warning",
        "reason": "BackOff", "count": 4, "involvedObject": {"kind": "Pod", "name": "web-1"},
        "lastTimestamp": "2026-12-02T15:59:30Z", "message": "Back-off  restarting"}, NOW)
    assert doc["last_seen"] == "2026-12-02T15:59:30Z" and doc["age_seconds"] == 30
    assert doc["object"] == {"kind": "Pod", "name": "web-1"} and doc["count"] == 4
    assert doc["message"] == "Back-off  restarting"  # exact, not folded for a table


def test_node_and_namespace_documents() -> None:
    node = KINDS["nodes"].doc("east-1", {
        "metadata": {**META, "labels": {"node-role.kubernetes.io/control-plane": "",
                                         "ccseone-node-type": "edge"}},
        "spec": {"unschedulable": True},
        "status": {"conditions": [{"type": "Ready", "status": "True"}],
                   "nodeInfo": {"kubeletVersion": "v1.30.2"}}}, NOW)
    assert (node["status"], node["schedulable"], node["edge"]) == ("Ready", False, True)
    assert node["roles"] == ["control-plane"] and node["version"] == "v1.30.2"
    ns = KINDS["namespaces"].doc("east-1", {"metadata": META,
                                            "status": {"phase": "Active"}}, NOW)
    assert (ns["status"], ns["age_seconds"], ns["labels"]["app"]) == ("Active", 180, "web")
    missing = KINDS["namespaces"].doc("east-1", {"metadata": {"name": "x"}}, NOW)
    assert missing["created"] is None and missing["age_seconds"] is None

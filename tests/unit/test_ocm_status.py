"""ManagedCluster conditions and join CSRs -> the console's cluster status (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.engines.ocm.hub import image_tag
from ccseone_tui.engines.ocm.managed_clusters import member_status, member_view, views


def mc(accepts: bool = True, **conditions: str) -> dict[str, Any]:
    names = {"accepted": "HubAcceptedManagedCluster", "joined": "ManagedClusterJoined",
             "available": "ManagedClusterConditionAvailable"}
    return {"metadata": {"name": "c1", "labels": {"region": "cn-east-1"}},
            "spec": {"hubAcceptsClient": accepts,
                     "managedClusterClientConfigs": [{"url": "https://c1:6443"}]},
            "status": {"conditions": [{"type": names[k], "status": v, "message": f"{k} {v}"}
                                      for k, v in conditions.items()],
                       "version": {"kubernetes": "v1.31.2"}}}


def csr(state: str = "", created: str = "2026-01-01T00:00:00Z") -> dict[str, Any]:
    conds = [{"type": state, "status": "True"}] if state else []
    return {"metadata": {"name": f"c1-{state or 'p'}", "creationTimestamp": created,
                         "labels": {"open-cluster-management.io/cluster-name": "c1"}},
            "spec": {"username": "system:serviceaccount:open-cluster-management:"
                                 "agent-registration-bootstrap"},
            "status": {"conditions": conds}}


@pytest.mark.parametrize(("cluster", "csrs", "status"), [
    (mc(False), [], ClusterStatus.WAITING),  # created, nobody joined yet
    (mc(False), [csr()], ClusterStatus.AWAITING_ACCEPTANCE),
    (mc(False), [csr("Denied")], ClusterStatus.DENIED),
    (mc(False, accepted="False"), [], ClusterStatus.DENIED),
    (mc(True), [csr()], ClusterStatus.AWAITING_ACCEPTANCE),  # accepted, CSR not approved yet
    (mc(True, accepted="True"), [csr("Approved")], ClusterStatus.WAITING),  # not joined yet
    (mc(True, accepted="True", joined="True", available="True"), [], ClusterStatus.READY),
    (mc(True, accepted="True", joined="True", available="False"), [], ClusterStatus.NOT_READY),
    (mc(True, accepted="True", joined="True", available="Unknown"), [], ClusterStatus.OFFLINE),
    (None, [csr()], ClusterStatus.AWAITING_ACCEPTANCE),  # a join nobody prepared
])
def test_conditions_to_status(cluster: dict[str, Any] | None, csrs: list[dict[str, Any]],
                              status: ClusterStatus) -> None:
    assert member_status(cluster, csrs)[0] is status


def test_offline_says_why_and_the_view_carries_the_facts() -> None:
    view = member_view("c1", mc(True, accepted="True", joined="True", available="Unknown"), [])
    assert view.probe.status is ClusterStatus.OFFLINE
    assert view.probe.error == "available Unknown"
    assert (view.region, view.api_server, view.probe.version) == (
        "cn-east-1", "https://c1:6443", "v1.31.2")
    assert view.details.condition("ManagedClusterJoined").status == "True"


def test_a_csr_alone_is_listed_and_a_decided_one_is_not() -> None:
    pending = views([], [csr()])
    assert [(v.name, v.details.on_hub, len(v.details.pending)) for v in pending] == [
        ("c1", False, 1)]
    assert views([], [csr("Denied")]) == []


def test_image_tag() -> None:
    assert image_tag("quay.io/open-cluster-management/registration:v1.0.0") == "v1.0.0"
    assert image_tag("registry:5000/ocm/work") == ""

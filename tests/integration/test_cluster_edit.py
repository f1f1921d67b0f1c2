"""Editing an access cluster (labels, deletion protection, region) in the service layer:
validation, read-only, the typed name for production clusters before or after the edit, the
journal and the ClustersChanged event."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.events import ClustersChanged

from .conftest import make_settings


async def associate(services: Services, name: str, context: str,
                    labels: dict[str, str] | None = None) -> MemberCluster:
    await services.instances.create("east", "cn-east-1")
    [cluster] = await services.clusters.associate("east", [AssociateRequest(
        context=context, name=name, labels=labels)])
    assert isinstance(cluster, MemberCluster)
    return cluster


async def edits(services: Services, cluster: MemberCluster) -> list[str]:
    journal = await services.tasks.list_journal(cluster.instance_id)
    return [e.target for e in journal if e.action == "cluster.edit"]


async def test_edit_labels_and_protection_then_delete(services: Services) -> None:
    cluster = await associate(services, "web-1", "sandbox-1", {"team": "web"})
    assert cluster.deletion_protection
    changed = services.events.next(ClustersChanged)
    edited = await services.clusters.edit("web-1", labels={"team": "sre", "tier": "edge"},
                                          deletion_protection=False)
    event = await asyncio.wait_for(changed, 5)
    assert event.instance_id == cluster.instance_id
    assert edited.labels == {"team": "sre", "tier": "edge"} and not edited.deletion_protection
    cached = await services.clusters.get("web-1")
    assert cached.labels == {"team": "sre", "tier": "edge"} and not cached.deletion_protection
    assert cached.probe.status is cluster.probe.status  # the probe is not the edit's to write
    assert await edits(services, cluster) == ["web-1"]
    await services.clusters.delete("web-1")  # protection off: the delete goes through
    assert await services.clusters.list() == []


async def test_region_checked_against_the_settings(services: Services) -> None:
    cluster = await associate(services, "web-1", "sandbox-1")
    with pytest.raises(E.ValidationError, match="region"):
        await services.clusters.edit("web-1", region="mars-1")
    edited = await services.clusters.edit(cluster.id, region="cn-north-1")
    assert edited.region == (await services.clusters.get("web-1")).region == "cn-north-1"


async def test_bad_labels_change_nothing(services: Services) -> None:
    cluster = await associate(services, "web-1", "sandbox-1", {"team": "web"})
    with pytest.raises(E.ValidationError, match="labels"):
        await services.clusters.edit("web-1", labels={"bad key!": "x"},
                                     deletion_protection=False)
    cached = await services.clusters.get("web-1")
    assert cached.labels == {"team": "web"} and cached.deletion_protection
    assert await edits(services, cluster) == []


async def test_nothing_to_change_writes_nothing(services: Services) -> None:
    cluster = await associate(services, "web-1", "sandbox-1", {"team": "web"})
    same = await services.clusters.edit("web-1", labels={"team": "web"},
                                         deletion_protection=True)
    assert same.labels == {"team": "web"}
    assert await edits(services, cluster) == []


async def test_production_before_the_edit_needs_the_name(services: Services) -> None:
    await associate(services, "pay-prod", "sandbox-1", {"env": "prod"})
    for typed in (None, "pay"):
        with pytest.raises(E.ConfirmationMismatch):
            await services.clusters.edit("pay-prod", deletion_protection=False, confirm=typed)
    with pytest.raises(E.ConfirmationMismatch):  # no longer production after it: still asked
        await services.clusters.edit("pay-prod", labels={"env": "dev"})
    assert (await services.clusters.get("pay-prod")).deletion_protection
    edited = await services.clusters.edit("pay-prod", deletion_protection=False,
                                          confirm="pay-prod")
    assert not edited.deletion_protection


async def test_production_after_the_edit_needs_the_name(services: Services) -> None:
    await associate(services, "pay-2", "sandbox-2", {"env": "dev"})
    with pytest.raises(E.ConfirmationMismatch):
        await services.clusters.edit("pay-2", labels={"env": "prod"})
    assert (await services.clusters.get("pay-2")).labels == {"env": "dev"}
    edited = await services.clusters.edit("pay-2", labels={"env": "prod"}, confirm="pay-2")
    assert services.is_production(edited)


async def test_read_only_refuses_the_edit(tmp_path: Path, fleet: SandboxFleet) -> None:
    writer = await open_services(make_settings(tmp_path, fleet.kubeconfig_path))
    try:
        await associate(writer, "web-1", "sandbox-1")
    finally:
        await writer.close()
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True))
    try:
        with pytest.raises(E.ReadOnlyMode):
            await s.clusters.edit("web-1", deletion_protection=False)
        assert (await s.clusters.get("web-1")).deletion_protection
    finally:
        await s.close()

"""Control instances on an OCM hub: the hub check, basic info, refusals with their fix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.member_errors import (
    HubBootstrapMissing,
    HubContextMissing,
    HubCredentialsRejected,
    HubUnreachable,
    NotAHub,
)
from ccseone_tui.domain.models import Engine
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.services import Services

from .ocm_helpers import hub_instance, hub_services


@pytest.fixture
async def ocm_fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=2, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        yield f


@pytest.fixture
async def svc(tmp_path: Path, ocm_fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await hub_services(tmp_path, ocm_fleet)
    yield s
    await s.close()


async def test_create_on_a_hub_keeps_file_and_context_and_reports_info(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    assert (inst.engine, inst.hub_context) == (Engine.OCM, "hub")
    assert inst.hub_kubeconfig == str(ocm_fleet.kubeconfig_path)
    again = await svc.instances.get("hub-east")
    assert (again.hub_kubeconfig, again.hub_context) == (inst.hub_kubeconfig, "hub")
    info = await svc.members.info(inst)
    assert info.engine == "ocm" and info.api_server == ocm_fleet.hub.url
    assert info.version == "v1.0.0" and info.kubernetes_version.startswith("v1.")
    names = {c.name for c in info.controllers}
    assert "cluster-manager-registration-controller" in names
    assert info.counts["clusters"] == 0


async def test_a_member_context_is_not_a_hub(svc: Services) -> None:
    with pytest.raises(NotAHub) as err:
        await svc.instances.create("not-hub", "cn-east-1", engine=Engine.OCM,
                                   hub_context="sandbox-1")
    assert "clusteradm init" in str(err.value) and "sandbox-1" in str(err.value)
    assert await svc.instances.list() == []


async def test_the_hub_needs_its_bootstrap_account(svc: Services,
                                                   ocm_fleet: SandboxFleet) -> None:
    ocm_fleet.hub.writes.delete(CORE["serviceaccounts"], "open-cluster-management",
                                "agent-registration-bootstrap")
    with pytest.raises(HubBootstrapMissing) as err:
        await hub_instance(svc)
    assert "agent-registration-bootstrap" in str(err.value)
    assert "clusteradm init" in str(err.value)


async def test_bad_inputs_name_the_field(svc: Services) -> None:
    with pytest.raises(ValidationError) as err:
        await svc.instances.create("h", "cn-east-1", engine=Engine.OCM)
    assert err.value.params["field"] == "context"
    with pytest.raises(HubContextMissing) as missing:
        await svc.instances.create("h", "cn-east-1", engine=Engine.OCM, hub_context="nope")
    assert "nope" in str(missing.value)


async def test_hub_unreachable_and_refused_credentials(
        svc: Services, ocm_fleet: SandboxFleet, tmp_path: Path) -> None:
    await ocm_fleet.hub.set_outage(True)
    try:
        with pytest.raises(HubUnreachable) as err:
            await hub_instance(svc)
        assert "hub-east" in str(err.value)
    finally:
        await ocm_fleet.hub.set_outage(False)
    # a context whose token was revoked (or expired): the hub answers 401
    bad = tmp_path / "revoked.kubeconfig"
    text = ocm_fleet.kubeconfig_path.read_text()
    import yaml

    doc = yaml.safe_load(text)
    for user in doc["users"]:
        user["user"] = {"token": "revoked-token"}
    bad.write_text(yaml.safe_dump(doc))
    with pytest.raises(HubCredentialsRejected) as rejected:
        await svc.instances.create("h2", "cn-east-1", engine=Engine.OCM, hub_context="hub",
                                   hub_kubeconfig=str(bad))
    assert "401" in str(rejected.value) and "expired or was revoked" in str(rejected.value)


async def test_instance_log_merges_hub_events_with_the_journal(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    import asyncio

    inst = await hub_instance(svc)
    stream = await svc.logs.instance(inst, follow=True)
    seen: list[str] = []
    try:
        await ocm_fleet.join("sandbox-1", accept=True)
        async with asyncio.timeout(10):
            async for batch in stream:
                seen += [f"{r.source} {r.text}" for r in batch]
                text = "\n".join(seen)
                if "ManagedClusterAccepted" in text and "CSRCreated" in text:
                    break
    finally:
        await stream.aclose()
    text = "\n".join(seen)
    assert "instance.create" in text  # ccseone's own journal
    assert "hub:hub-east" in text and "sandbox-1" in text

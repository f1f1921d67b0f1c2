"""Apps on an ocm instance: one ManifestWork per target on the hub, applied by the sandbox
work agent; publish (the member's dry run skipped and said so, the hub's dryRun=All
instead), status from status feedback, upgrade (the agent prunes), rollback, delete, a
work the hub refuses for its size failing its target only. Loopback HTTP only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain.apps import (
    LABEL_INSTANCE,
    LABEL_NAME,
    AppTarget,
    PublishRequest,
    TargetState,
)
from ccseone_tui.domain.models import ClusterStatus, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.services import Services

from .ocm_helpers import cached, hub_instance, hub_services
from .test_apps_support import NS, add_yaml_template

WORKS = MANIFEST_WORKS.type()
CONFIGMAPS = CORE["configmaps"]


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        for name in ("sandbox-1", "sandbox-2"):
            await f.join(name, accept=True)
            await (await f.ocm.klusterlets[name].wait_agent()).wait_for("Available")
        yield f


@pytest.fixture
async def svc(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await hub_services(tmp_path, fleet)
    inst = await hub_instance(s, "east")
    for name in ("sandbox-1", "sandbox-2"):
        await cached(s, inst, name, lambda c: c.probe.status is ClusterStatus.READY)
    task = await s.namespaces.create("east", NamespaceSpec(NS))
    assert task.status is TaskStatus.SUCCEEDED
    await add_yaml_template(s)
    yield s
    await s.close()


def work_of(fleet: SandboxFleet, cluster: str) -> dict | None:
    return fleet.hub.state.get(WORKS.key, cluster, f"ccseone-app-web.{NS}")


async def settled(fleet: SandboxFleet) -> None:
    await fleet.settle()
    for op in fleet.ocm.klusterlets.values():
        if op.agent and op.agent.work_agent:
            await op.agent.work_agent.settle()


TARGETS = [AppTarget("sandbox-1", NS), AppTarget("sandbox-2", NS)]


async def test_publish_status_upgrade_rollback_delete(svc: Services,
                                                      fleet: SandboxFleet) -> None:
    task = await svc.apps.publish("east", PublishRequest("web", "web", None, "greeting: hi\n",
                                                         targets=TARGETS))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert all("dry run on the member skipped" in r.message for r in task.results)
    work = work_of(fleet, "sandbox-1")
    kinds = [m["kind"] for m in work["spec"]["workload"]["manifests"]]
    assert sorted(kinds) == ["ConfigMap", "ConfigMap", "Deployment", "Service"]
    labels = work["spec"]["workload"]["manifests"][0]["metadata"]["labels"]
    assert (labels[LABEL_NAME], labels[LABEL_INSTANCE]) == ("web", "east")  # as on local
    member = fleet["sandbox-1"].state
    assert member.get(CONFIGMAPS.key, NS, "web-extra") is not None

    await settled(fleet)
    status = await svc.apps.status("east", "web")
    assert [t.state for t in status.targets] == [TargetState.DEPLOYED] * 2, \
        [(t.message, t.resources) for t in status.targets]
    deploy = next(r for r in status.targets[0].resources if r.kind == "Deployment")
    assert deploy.readiness == "2/2"

    task = await svc.apps.upgrade("east", "web", values_yaml="greeting: v2\nextra: false\n")
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert len(work_of(fleet, "sandbox-1")["spec"]["workload"]["manifests"]) == 3
    assert member.get(CONFIGMAPS.key, NS, "web-extra") is None  # pruned by the agent
    assert member.get(CONFIGMAPS.key, NS, "web-config")["data"]["greeting"] == "v2"

    task = await svc.apps.rollback("east", "web", 1)
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert member.get(CONFIGMAPS.key, NS, "web-extra") is not None
    assert member.get(CONFIGMAPS.key, NS, "web-config")["data"]["greeting"] == "hi"

    task = await svc.apps.delete("east", "web")
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    await settled(fleet)
    assert work_of(fleet, "sandbox-1") is None and work_of(fleet, "sandbox-2") is None
    assert member.get(CONFIGMAPS.key, NS, "web-config") is None


async def test_a_work_the_agent_cannot_apply_fails_its_target_with_the_message(
        svc: Services, fleet: SandboxFleet) -> None:
    bad = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"
    await add_yaml_template(svc, "widget", bad, {})
    task = await svc.apps.publish("east", PublishRequest("wid", "widget", None, "",
                                                         targets=TARGETS[:1]))
    assert task.status is TaskStatus.FAILED
    assert "Widget" in task.results[0].message
    assert "could not apply" in task.results[0].message


async def test_batch_stops_after_a_target_the_hub_refuses(svc: Services,
                                                          fleet: SandboxFleet) -> None:
    big = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n"
           "  blob: {{ .Values.blob | quote }}\n")
    await add_yaml_template(svc, "big", big, {"blob": "x"})
    huge = "blob: " + "y" * (520 * 1024) + "\n"
    from ccseone_tui.domain.apps import DryRunFailed

    with pytest.raises(DryRunFailed) as err:
        await svc.apps.publish("east", PublishRequest("big", "big", None, huge,
                                                      targets=TARGETS))
    assert "one ManifestWork holds at most 512000 bytes" in str(err.value.args or err.value)

"""Publishing when something is wrong: dry-run failures stop everything, SSA conflicts name
the other manager, a dead cluster makes a Partial task that retry finishes, batches stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccseone_tui.domain.apps import (
    ApplyConflict,
    DryRunFailed,
    PublishRequest,
    RetryStale,
    TargetState,
)
from ccseone_tui.domain.errors import ConfirmationMismatch, ReadOnlyMode, ResourceNotFound
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services, open_services

from .conftest import make_settings
from .test_apps_support import NS, WEB, add_yaml_template, app_objects, client_of, setup_east

WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {
                               "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]},
}
WIDGET = "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n"


async def test_kind_not_served_on_one_target_stops_everything(services: Services,
                                                              fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    first = await client_of(services, fleet.clusters[0].name)
    await first.apply(WIDGET_CRD, field_manager="test")
    await add_yaml_template(services, "widgets", WEB + WIDGET)
    # sandbox-1 serves Widget, the other two do not: nobody gets anything
    with pytest.raises(DryRunFailed) as err:
        await services.apps.publish("east", PublishRequest("shop", "widgets", targets=targets))
    assert err.value.errors[targets[0].key] is None
    for t in targets[1:]:
        msg = err.value.errors[t.key]
        assert msg and "does not serve example.com/v1 Widget" in msg and "Widget/w1" in msg
    assert "nothing was applied" in str(err.value)
    for c in fleet.clusters:
        assert await app_objects(services, c.name, app="shop") == {}
    app = await services.apps.get("east", "shop")
    assert (app.status, app.current_revision) == ("Draft", 0)
    status = await services.apps.status("east", "shop")
    assert [t.state for t in status.targets] == [TargetState.DRAFT] * 3
    assert "Widget" in status.targets[1].message and status.targets[0].message == ""
    # once every cluster serves the kind, the draft publishes
    for c in fleet.clusters[1:]:
        await (await client_of(services, c.name)).apply(WIDGET_CRD, field_manager="test")
    task = await services.apps.publish_draft("east", "shop")
    assert task.status is TaskStatus.SUCCEEDED
    assert (await services.apps.get("east", "shop")).current_revision == 1


async def test_crd_in_the_release_is_applied_before_its_resources(
        services: Services, fleet: SandboxFleet) -> None:
    import yaml

    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "widgets", "---\n" + yaml.safe_dump(WIDGET_CRD) + WIDGET)
    task = await services.apps.publish("east", PublishRequest("w", "widgets",
                                                              targets=targets[:1]))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    client = await client_of(services, targets[0].cluster)
    widget = await client.get("example.com/v1", "Widget", "w1", namespace=NS)
    assert widget["metadata"]["labels"]["app.ccseone.io/name"] == "w"
    crd = await client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                           "widgets.example.com")
    assert "namespace" not in crd["metadata"]
    assert (await services.apps.delete("east", "w")).status is TaskStatus.SUCCEEDED
    with pytest.raises(ResourceNotFound):  # the CRD went, and its Widgets with it
        await client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                         "widgets.example.com")


async def test_missing_namespace_offers_namespace_sync(services: Services,
                                                       fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    with pytest.raises(DryRunFailed) as err:
        await services.apps.publish("east", PublishRequest(
            "web", "web", targets=[*targets, targets[0].__class__(fleet.clusters[1].name,
                                                                  "nope")]))
    msg = err.value.errors[f"{fleet.clusters[1].name}/nope"]
    assert msg and "namespace 'nope' does not exist" in msg
    assert "ccseone ns create nope --instance east" in msg
    for c in fleet.clusters:
        assert await app_objects(services, c.name) == {}


async def test_ssa_conflict_names_the_manager_and_can_be_forced(services: Services,
                                                                fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", None, "greeting: v1\n",
                                                       targets=targets))
    client = await client_of(services, targets[1].cluster)
    await client.merge_patch("v1", "ConfigMap", "web-config", {"data": {"greeting": "edited"}},
                             namespace=NS, field_manager="kubectl-edit")
    with pytest.raises(DryRunFailed) as err:
        await services.apps.upgrade("east", "web", values_yaml="greeting: v2\n")
    msg = err.value.errors[targets[1].key]
    assert msg and '"kubectl-edit"' in msg and "ConfigMap/web-config" in msg
    assert "--force-conflicts" in msg
    assert err.value.errors[targets[0].key] is None
    assert len(await services.apps.history("east", "web")) == 1  # nothing recorded
    live = await client.get("v1", "ConfigMap", "web-config", namespace=NS)
    assert live["data"]["greeting"] == "edited"

    task = await services.apps.upgrade("east", "web", values_yaml="greeting: v2\n",
                                       force_conflicts=True)
    assert task.status is TaskStatus.SUCCEEDED
    live = await client.get("v1", "ConfigMap", "web-config", namespace=NS)
    assert live["data"]["greeting"] == "v2"
    assert ApplyConflict.key == "apps.error.conflict"


async def test_dead_cluster_makes_partial_and_retry_fills_it_in(services: Services,
                                                                fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    down = fleet.clusters[2]
    await down.set_outage(True)
    task = await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    assert task.status is TaskStatus.PARTIAL
    by = {r.target: r for r in task.results}
    assert by[targets[2].key].status is TaskStatus.FAILED
    assert "unreachable" in by[targets[2].key].message.lower()
    assert (await services.apps.get("east", "web")).status == "Partial 2/3"
    status = await services.apps.status("east", "web")
    assert status.targets[2].state is TargetState.UNREACHABLE
    assert status.targets[0].revision == 1 and status.targets[2].revision == 0

    await down.set_outage(False)
    again = await services.apps.retry(task.id)
    assert [r.target for r in again.results] == [targets[2].key]
    assert again.status is TaskStatus.SUCCEEDED
    assert set(await app_objects(services, down.name)) == {
        "ConfigMap/web-config", "ConfigMap/web-extra", "Service/web", "Deployment/web"}
    [rev] = await services.apps.history("east", "web")
    assert {s for s, _ in rev.results.values()} == {"Succeeded"}
    assert (await services.apps.get("east", "web")).status == "Deployed 3/3"


async def test_batch_mode_stops_on_first_failed_batch(services: Services,
                                                      fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await fleet.clusters[0].set_outage(True)  # the first batch (targets sorted by name)
    task = await services.apps.publish("east", PublishRequest(
        "web", "web", targets=targets, mode="batch", batch_size=1))
    assert [r.status for r in task.results] == [
        TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.CANCELLED]
    for c in fleet.clusters[1:]:
        assert await app_objects(services, c.name) == {}
    [rev] = await services.apps.history("east", "web")
    assert rev.results[targets[1].key][0] == "Cancelled"
    await fleet.clusters[0].set_outage(False)
    again = await services.apps.retry(task.id)
    assert len(again.results) == 3 and again.status is TaskStatus.SUCCEEDED
    await services.apps.upgrade("east", "web", values_yaml="greeting: later\n")
    with pytest.raises(RetryStale):  # would roll the targets back to revision 1
        await services.apps.retry(task.id)


async def test_production_needs_typed_names_and_read_only_refuses(
        services: Services, fleet: SandboxFleet, tmp_path: Path) -> None:
    prod = fleet.clusters[1].name
    targets = await setup_east(services, fleet, labels={prod: {"env": "prod"}})
    req = PublishRequest("web", "web", targets=targets)
    with pytest.raises(ConfirmationMismatch):
        await services.apps.publish("east", req)
    assert await services.apps.list_rows("east") == []
    assert (await services.apps.publish("east", req, confirm=prod)).status is \
        TaskStatus.SUCCEEDED
    preview = await services.apps.delete_preview("east", "web")
    assert [p.production for p in preview] == [False, True, False]
    with pytest.raises(ConfirmationMismatch):
        await services.apps.upgrade("east", "web", values_yaml="greeting: x\n")
    with pytest.raises(ConfirmationMismatch):
        await services.apps.rollback("east", "web", 1)
    with pytest.raises(ConfirmationMismatch):
        await services.apps.delete("east", "web", confirm="wrong")

    ro = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True))
    try:
        for call in (ro.apps.publish("east", PublishRequest("b", "web", targets=targets)),
                     ro.apps.upgrade("east", "web", values_yaml="greeting: x\n"),
                     ro.apps.rollback("east", "web", 1),
                     ro.apps.delete("east", "web", confirm=prod),
                     ro.apps.save_draft("east", PublishRequest("b", "web"))):
            with pytest.raises(ReadOnlyMode):
                await call
        assert len((await ro.apps.status("east", "web")).targets) == 3  # reading works
    finally:
        await ro.close()
    assert (await services.apps.delete("east", "web", confirm=prod)).status is \
        TaskStatus.SUCCEEDED
    for c in fleet.clusters:
        assert await app_objects(services, c.name) == {}


SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-creds
stringData:
  pin: {{ .Values.pin | quote }}
"""


async def test_secret_data_never_reaches_the_cache_and_rollback_restores_it(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "creds", SECRET, {"pin": "0000"})
    task = await services.apps.publish("east", PublishRequest(
        "db", "creds", None, "pin: s3cr3t-one\n", targets=targets[:1]))
    assert task.status is TaskStatus.SUCCEEDED
    client = await client_of(services, targets[0].cluster)

    async def live() -> str:
        import base64

        secret = await client.get("v1", "Secret", "db-creds", namespace=NS)
        if "stringData" in secret:
            return str(secret["stringData"]["pin"])
        return base64.b64decode(secret["data"]["pin"]).decode()

    assert await live() == "s3cr3t-one"
    await services.apps.upgrade("east", "db", values_yaml="pin: s3cr3t-two\n")
    assert await live() == "s3cr3t-two"
    for row in await services.apps.history("east", "db"):
        assert "s3cr3t" not in row.revision.manifests
        assert "<redacted sha256:" in row.revision.manifests
    [plan] = await services.apps.plan("east", "db", revision=1)
    assert plan.old != plan.new and "s3cr3t" not in plan.old + plan.new
    # the values that feed the Secret are not stored either (#14 item 7): given again
    task = await services.apps.rollback("east", "db", 1, values_yaml="pin: s3cr3t-one\n")
    assert task.status is TaskStatus.SUCCEEDED
    assert await live() == "s3cr3t-one"  # re-rendered from revision 1's values
    await fleet.clusters[0].set_outage(True)
    task = await services.apps.rollback("east", "db", 2, values_yaml="pin: s3cr3t-two\n")
    await fleet.clusters[0].set_outage(False)
    assert task.status is TaskStatus.FAILED
    retried = await services.apps.retry(task.id, values_yaml="pin: s3cr3t-two\n")
    assert retried.status is TaskStatus.SUCCEEDED
    assert await live() == "s3cr3t-two"

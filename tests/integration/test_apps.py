"""The application center against three sandbox clusters over real HTTP: publish, read back,
upgrade + prune, rollback, status, delete."""

from __future__ import annotations

import pytest

from ccseone_tui.domain.apps import (
    LABEL_INSTANCE,
    LABEL_NAME,
    LABEL_REVISION,
    PublishRequest,
    TargetState,
)
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services

from .test_apps_support import NS, app_objects, setup_east


async def test_publish_to_three_clusters_and_read_back(services: Services,
                                                       fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    task = await services.apps.publish("east", PublishRequest(
        "web", "web", None, "greeting: hi\n", description="shop front", targets=targets))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert task.kind == "app.publish" and task.target == "web#1"
    assert sorted(r.target for r in task.results) == sorted(t.key for t in targets)
    for c in fleet.clusters:
        objs = await app_objects(services, c.name)
        assert set(objs) == {"ConfigMap/web-config", "ConfigMap/web-extra", "Service/web",
                             "Deployment/web"}
        for obj in objs.values():
            labels = obj["metadata"]["labels"]
            assert labels[LABEL_NAME] == "web" and labels[LABEL_INSTANCE] == "east"
            assert labels[LABEL_REVISION] == "1"
            assert obj["metadata"]["namespace"] == NS
            managers = {m["manager"] for m in obj["metadata"]["managedFields"]}
            assert "ccseone" in managers
        assert objs["ConfigMap/web-config"]["data"] == {"greeting": "hi"}
        # the pod template carries the app's name and instance (how its logs find the pods)
        # but not the revision: that would restart every pod on each revision
        pod_labels = objs["Deployment/web"]["spec"]["template"]["metadata"]["labels"]
        assert LABEL_REVISION not in pod_labels
        assert pod_labels[LABEL_NAME] == "web" and pod_labels[LABEL_INSTANCE] == "east"
    app = await services.apps.get("east", "web")
    assert (app.status, app.current_revision, app.description) == ("Deployed 3/3", 1,
                                                                   "shop front")
    [row] = await services.apps.list_rows("east")
    assert (row.template, row.targets, row.summary, row.version) == ("web", 3, "3/3", "latest")
    [rev] = await services.apps.history("east", "web")
    assert rev.number == 1 and rev.author == "tester" and rev.message == "publish"
    assert all(s == "Succeeded" for s, _ in rev.results.values())


async def test_status_becomes_ready(services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    await fleet.settle()
    status = await services.apps.status("east", "web")
    assert [t.state for t in status.targets] == [TargetState.DEPLOYED] * 3
    assert status.summary == "Deployed 3/3"
    first = status.targets[0]
    assert first.revision == 1
    dep = next(r for r in first.resources if r.kind == "Deployment")
    assert (dep.ready, dep.desired, dep.healthy, dep.readiness) == (2, 2, True, "2/2")
    assert {r.kind for r in first.resources} == {"ConfigMap", "Service", "Deployment"}
    assert len(first.pods) == 2 and all(p.healthy and p.kind == "Pod" for p in first.pods)
    assert first.events and any(e.object.startswith(("Deployment/web", "ReplicaSet/web",
                                                     "Pod/web")) for e in first.events)
    assert (await services.apps.get("east", "web")).status == "Deployed 3/3"


async def test_upgrade_prunes_and_changes_values_then_rollback_restores(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", None, "greeting: v1\n",
                                                       targets=targets))
    plans = await services.apps.plan("east", "web", values_yaml="greeting: v2\nextra: false\n")
    assert len(plans) == 3 and all(p.error is None for p in plans)
    assert "web-extra" in plans[0].old and "web-extra" not in plans[0].new
    assert "greeting: v2" in plans[0].new and "greeting: v1" in plans[0].old

    task = await services.apps.upgrade("east", "web", values_yaml="greeting: v2\nextra: false\n",
                                       message="drop extra")
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert all("1 pruned" in r.message for r in task.results)
    for c in fleet.clusters:
        objs = await app_objects(services, c.name)
        assert "ConfigMap/web-extra" not in objs
        assert objs["ConfigMap/web-config"]["data"] == {"greeting": "v2"}
        assert objs["Deployment/web"]["metadata"]["labels"][LABEL_REVISION] == "2"

    task = await services.apps.rollback("east", "web", 1)
    assert task.status is TaskStatus.SUCCEEDED and task.target == "web#3"
    for c in fleet.clusters:
        objs = await app_objects(services, c.name)
        assert "ConfigMap/web-extra" in objs
        assert objs["ConfigMap/web-config"]["data"] == {"greeting": "v1"}
        assert objs["ConfigMap/web-extra"]["metadata"]["labels"][LABEL_REVISION] == "3"
    history = await services.apps.history("east", "web")
    assert [(r.number, r.message) for r in history] == [
        (3, "rollback to 1"), (2, "drop extra"), (1, "publish")]
    assert history[0].revision.values == history[2].revision.values
    same = await services.apps.plan("east", "web", revision=1)
    assert all(p.old == p.new for p in same)


async def test_delete_removes_everything(services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    preview = await services.apps.delete_preview("east", "web")
    assert [sorted(p.objects) for p in preview] == [sorted([
        "ConfigMap/web-config", "ConfigMap/web-extra", "Service/web", "Deployment/web"])] * 3
    assert not any(p.production for p in preview)
    task = await services.apps.delete("east", "web")
    assert task.status is TaskStatus.SUCCEEDED
    for c in fleet.clusters:
        assert await app_objects(services, c.name) == {}
    assert await services.apps.list_rows("east") == []


@pytest.mark.parametrize("mode", ["full", "batch"])
async def test_mode_is_accepted(services: Services, fleet: SandboxFleet, mode: str) -> None:
    targets = await setup_east(services, fleet)
    task = await services.apps.publish("east", PublishRequest(
        "web", "web", targets=targets, mode=mode, batch_size=1 if mode == "batch" else None))  # type: ignore[arg-type]
    assert task.status is TaskStatus.SUCCEEDED


async def test_upgrade_that_drops_a_target_removes_the_app_there(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    task = await services.apps.upgrade("east", "web", targets=targets[:2], message="shrink")
    assert task.status is TaskStatus.SUCCEEDED
    by = {r.target: r.message for r in task.results}
    assert by[targets[2].key] == "target removed: 4 objects deleted"
    assert await app_objects(services, targets[2].cluster) == {}
    assert len(await app_objects(services, targets[0].cluster)) == 4
    assert await services.apps.targets("east", "web") == targets[:2]
    [row] = await services.apps.list_rows("east")
    assert row.summary == "2/2"


async def test_delete_with_a_dead_cluster_keeps_the_record_until_retry(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", targets=targets))
    down = fleet.clusters[0]
    await down.set_outage(True)
    task = await services.apps.delete("east", "web")
    assert task.status is TaskStatus.PARTIAL
    app = await services.apps.get("east", "web")  # kept, so retry can finish
    assert app.status == "Delete failed 2/3"
    assert await app_objects(services, fleet.clusters[1].name) == {}
    await down.set_outage(False)
    again = await services.apps.retry(task.id)
    assert again.status is TaskStatus.SUCCEEDED and len(again.results) == 1
    assert await app_objects(services, down.name) == {}
    assert await services.apps.list_rows("east") == []


def test_stored_text_round_trip_and_kinds() -> None:
    from ccseone_tui.services.apps.manifests import (
        decode,
        encode,
        from_text,
        kinds_in_text,
        to_text,
    )

    objs = [{"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "a", "labels": {"kind": "x"}},
             "data": {"k": "multi\nkind: fake\n---\n"}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}}]
    text = to_text(objs)
    assert from_text(text) == objs
    assert kinds_in_text(text) == {("v1", "ConfigMap"), ("apps/v1", "Deployment")}
    # text not written by to_text (flow style) is parsed instead
    assert kinds_in_text("{apiVersion: v1, kind: Secret, metadata: {name: s}}") == {
        ("v1", "Secret")}
    assert decode(encode({"c/ns": text})) == {"c/ns": text}
    assert decode("") == {} and decode("not json") == {}


async def test_status_shows_a_rollout_that_cannot_become_ready(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", PublishRequest("web", "web", None,
                                                       "image: nginx:broken\n",
                                                       targets=targets[:1]))
    await fleet.settle()
    status = await services.apps.status("east", "web")
    [target] = status.targets
    assert target.state is TargetState.PROGRESSING and status.summary == "Progressing 0/1"
    dep = next(r for r in target.resources if r.kind == "Deployment")
    assert (dep.ready, dep.desired, dep.healthy) == (0, 2, False)
    assert target.pods and not any(p.healthy for p in target.pods)
    assert any("nginx:broken" in e.message and e.type == "Warning" for e in target.events)
    [row] = await services.apps.list_rows("east")
    assert row.app.status == "Progressing 0/1"

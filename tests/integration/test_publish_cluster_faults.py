"""#14 item 11: a dry run that fails through the cluster's own fault (429 after the retries,
5xx) fails that target only, like an unreachable cluster; a cluster that keeps answering 429
is probed as Throttled, keeping when it last answered in full."""

from __future__ import annotations

import pytest

from ccseone_tui.domain.apps import DryRunFailed, PublishRequest
from ccseone_tui.domain.models import ClusterStatus, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services
from ccseone_tui.services.apps.rollout import cluster_fault

from .test_apps_support import app_objects, setup_east

WEB_OBJECTS = {"ConfigMap/web-config", "ConfigMap/web-extra", "Service/web", "Deployment/web"}


@pytest.mark.parametrize("fault", ["throttled", "errors"])
async def test_a_throttled_or_failing_cluster_fails_only_its_target(
        services: Services, fleet: SandboxFleet, fault: str) -> None:
    targets = await setup_east(services, fleet)
    bad = fleet.clusters[1]
    if fault == "throttled":
        bad.faults.retry_after = 0  # the client's retries go fast; 429 all the same
        bad.faults.throttle_next = 1_000_000
    else:
        bad.faults.error_rate = 1.0  # every request: 500 InternalError
    try:
        task = await services.apps.publish("east", PublishRequest("web", "web",
                                                                  targets=targets))
    except DryRunFailed as exc:  # before: the whole publish stopped here
        pytest.fail(f"one cluster's {fault} stopped the publish: {exc}")
    finally:
        bad.faults.throttle_next, bad.faults.error_rate = 0, 0.0
    assert task.status is TaskStatus.PARTIAL
    by = {r.target: r for r in task.results}
    assert by[targets[1].key].status is TaskStatus.FAILED
    assert ("429" if fault == "throttled" else "500") in by[targets[1].key].message
    for good in (targets[0], targets[2]):
        assert by[good.key].status is TaskStatus.SUCCEEDED
        assert set(await app_objects(services, good.cluster)) == WEB_OBJECTS
    assert (await services.apps.get("east", "web")).status == "Partial 2/3"
    # and the cluster's own retry finishes it once it is well again
    again = await services.apps.retry(task.id)
    assert again.status is TaskStatus.SUCCEEDED
    assert set(await app_objects(services, bad.name)) == WEB_OBJECTS


def test_only_the_cluster_s_faults_are_deferred() -> None:
    from ccseone_tui.domain.errors import ClusterUnreachable, api_error_for

    assert cluster_fault(ClusterUnreachable(cluster="c", cause="refused"))
    assert cluster_fault(TimeoutError())
    for status in (429, 500, 503, 504):
        assert cluster_fault(api_error_for(status, {"message": "x"}, "c")), status
    for status in (400, 403, 404, 409, 422):
        assert not cluster_fault(api_error_for(status, {"message": "x"}, "c")), status


async def test_a_cluster_that_keeps_answering_429_is_throttled(
        services: Services, fleet: SandboxFleet) -> None:
    await setup_east(services, fleet, namespaces=False)
    cluster = await services.clusters.get(fleet.clusters[0].name)
    assert cluster.probe.status is ClusterStatus.READY
    answered = cluster.probe.last_seen
    fleet.clusters[0].faults.retry_after = 0
    fleet.clusters[0].faults.throttle_next = 1_000_000
    probed = await services.clusters.probe(cluster)
    assert probed.probe.status is ClusterStatus.THROTTLED
    assert "429" in probed.probe.error
    assert probed.probe.last_seen == answered  # when it last answered in full
    assert probed.probe.version  # the last known picture is kept
    saved = await services.clusters.get(cluster.name)
    assert saved.probe.status is ClusterStatus.THROTTLED
    assert t("status.cluster.Throttled") == "Throttled"

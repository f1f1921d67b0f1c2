"""An app from the sandbox chart repository: webapp 1.0.0 → 1.1.0 (a ConfigMap dropped, a
ServiceAccount added, replicas 2 → 3), Compare, and a rollback that works with the repository
gone (the stored manifests are re-applied)."""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.apps import LABEL_INSTANCE, LABEL_NAME, PublishRequest
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services

from .test_apps_support import NS, client_of, setup_east

KINDS = (("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment"),
         ("v1", "ServiceAccount"), ("rbac.authorization.k8s.io/v1", "Role"))


async def live(services: Services, cluster: str) -> dict[str, dict[str, Any]]:
    client = await client_of(services, cluster)
    out = {}
    for api, kind in KINDS:
        listed = await client.list(api, kind, namespace=NS,
                                   label_selector=f"{LABEL_NAME}=shop,{LABEL_INSTANCE}=east")
        out.update({f"{kind}/{o['metadata']['name']}": o for o in listed["items"]})
    return out


async def test_chart_upgrade_compare_and_rollback_without_the_repo(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.templates.add("webapp", "chart", {"repo": fleet.chart_repo_url,
                                                     "chart": "webapp"})
    task = await services.apps.publish("east", PublishRequest(
        "shop", "webapp", "1.0.0", "message: hi\n", targets=targets))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    objs = await live(services, targets[0].cluster)
    assert set(objs) == {"ConfigMap/shop-config", "ConfigMap/shop-legacy", "Service/shop",
                         "Deployment/shop", "Role/shop-reader"}
    assert objs["Deployment/shop"]["spec"]["replicas"] == 2

    [plan, *_] = await services.apps.plan("east", "shop", version="1.1.0")
    assert "shop-legacy" in plan.old and "shop-legacy" not in plan.new
    assert "kind: ServiceAccount" in plan.new and "log-level: info" in plan.new

    task = await services.apps.upgrade("east", "shop", version="1.1.0", message="to 1.1.0")
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    for t in targets:
        objs = await live(services, t.cluster)
        assert "ConfigMap/shop-legacy" not in objs and "ServiceAccount/shop" in objs
        assert objs["Deployment/shop"]["spec"]["replicas"] == 3
        assert objs["ConfigMap/shop-config"]["data"]["message"] == "hi"  # values carried
    await fleet.settle()
    status = await services.apps.status("east", "shop")
    assert status.summary == "Deployed 3/3"

    await fleet.chart_repo.stop()  # the repository is gone: rollback needs nothing from it
    task = await services.apps.rollback("east", "shop", 1)
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    for t in targets:
        objs = await live(services, t.cluster)
        assert "ConfigMap/shop-legacy" in objs and "ServiceAccount/shop" not in objs
        assert objs["Deployment/shop"]["spec"]["replicas"] == 2
    versions = [r.revision.template_version for r in await services.apps.history("east",
                                                                                 "shop")]
    assert versions == ["1.0.0", "1.1.0", "1.0.0"]

"""Every bad input of the application center: a clear message naming what is wrong, in
English and Chinese, and nothing written anywhere."""

from __future__ import annotations

import pytest

from ccseone_tui import i18n
from ccseone_tui.domain import apps as A
from ccseone_tui.domain.errors import NameNotCompliant, ValidationError
from ccseone_tui.domain.template_errors import (
    ManifestInvalid,
    TemplateRenderError,
    ValuesYamlError,
    VersionNotFound,
)
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services

from .test_apps_support import add_yaml_template, app_objects, setup_east


async def nothing_anywhere(services: Services, fleet: SandboxFleet, app: str = "web") -> None:
    for c in fleet.clusters:
        assert await app_objects(services, c.name, app=app) == {}


async def test_render_error_names_file_and_line(services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "broken", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                            "  name: x\ndata:\n  a: {{ .Values.missing.deeper }}\n", raw=True)
    with pytest.raises(TemplateRenderError) as err:
        await services.apps.publish("east", A.PublishRequest("b", "broken", targets=targets))
    assert "manifests.yaml" in str(err.value) and err.value.params["line"] == 6
    await nothing_anywhere(services, fleet, "b")
    assert await services.apps.list_rows("east") == []


async def test_values_yaml_error_has_line_and_column(services: Services,
                                                     fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    with pytest.raises(ValuesYamlError) as err:
        await services.apps.publish("east", A.PublishRequest(
            "web", "web", values_yaml="greeting: ok\nreplicas: [1, 2\n", targets=targets))
    assert err.value.params["line"] == 3 and err.value.params["column"] == 1
    with pytest.raises(ValuesYamlError):
        await services.apps.publish("east", A.PublishRequest(
            "web", "web", values_yaml="- a list\n", targets=targets))
    await nothing_anywhere(services, fleet)


async def test_manifest_without_kind_or_name(services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "nokind", "apiVersion: v1\nmetadata:\n  name: x\n",
                            raw=True)
    await add_yaml_template(services, "noname", "apiVersion: v1\nkind: ConfigMap\n"
                            "metadata:\n  labels: {a: b}\n", raw=True)
    with pytest.raises(ManifestInvalid) as err:
        await services.apps.publish("east", A.PublishRequest("a", "nokind", targets=targets))
    assert err.value.params["missing"] == "kind"
    with pytest.raises(ManifestInvalid) as err:
        await services.apps.publish("east", A.PublishRequest("a", "noname", targets=targets))
    assert err.value.params["missing"] == "metadata.name"
    await nothing_anywhere(services, fleet, "a")


async def test_duplicate_name_empty_targets_unknown_cluster_bad_names(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.publish("east", A.PublishRequest("web", "web", targets=targets[:1]))
    with pytest.raises(A.AppExists) as err:
        await services.apps.publish("east", A.PublishRequest("web", "web", targets=targets))
    assert "already exists in control instance 'east'" in str(err.value)
    assert "ccseone apps upgrade web --instance east" in str(err.value)
    with pytest.raises(A.NoTargets):
        await services.apps.publish("east", A.PublishRequest("other", "web", targets=[]))
    with pytest.raises(A.TargetClusterUnknown) as unknown:
        await services.apps.publish("east", A.PublishRequest(
            "other", "web", targets=[A.AppTarget("nowhere", "shop")]))
    assert "sandbox-1" in str(unknown.value)
    with pytest.raises(NameNotCompliant):
        await services.apps.publish("east", A.PublishRequest("Bad_Name", "web",
                                                             targets=targets))
    with pytest.raises(ValidationError):
        await services.apps.publish("east", A.PublishRequest(
            "other", "web", targets=[A.AppTarget(targets[0].cluster, "Not_A_Namespace")]))
    with pytest.raises(ValidationError):
        A.AppTarget.parse("no-slash")
    with pytest.raises(ValidationError):
        await services.apps.publish("east", A.PublishRequest("other", "web", targets=targets,
                                                             mode="batch"))
    assert [r.app.name for r in await services.apps.list_rows("east")] == ["web"]


async def test_version_not_found(services: Services, fleet: SandboxFleet) -> None:
    if not hasattr(services.templates, "versions"):
        pytest.skip("TemplatesService.versions is not built yet (helper C)")
    targets = await setup_east(services, fleet)
    with pytest.raises((A.VersionUnknown, VersionNotFound)) as err:
        await services.apps.publish("east", A.PublishRequest("web", "web", "9.9.9",
                                                             targets=targets))
    assert "9.9.9" in str(err.value)
    await nothing_anywhere(services, fleet)


async def test_app_revision_draft_state_errors(services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    with pytest.raises(A.AppNotFound):
        await services.apps.get("east", "ghost")
    draft = await services.apps.save_draft("east", A.PublishRequest(
        "web", "web", None, "greeting: draft\n", targets=targets[:2], message="first"))
    assert draft.status == "Draft"
    with pytest.raises(A.AppIsDraft):
        await services.apps.upgrade("east", "web", values_yaml="a: 1\n")
    with pytest.raises(A.AppIsDraft):
        await services.apps.rollback("east", "web", 1)
    again = await services.apps.save_draft("east", A.PublishRequest(
        "web", "web", None, "greeting: draft2\n", targets=targets, message="second"))
    assert again.id == draft.id
    req = await services.apps.draft("east", "web")
    assert (req.values_yaml, len(req.targets), req.message) == ("greeting: draft2\n", 3,
                                                                "second")
    [row] = await services.apps.list_rows("east")
    assert (row.app.status, row.summary) == ("Draft", "0/3")
    task = await services.apps.publish_draft("east", "web")
    assert task.status.value == "Succeeded"
    objs = await app_objects(services, targets[2].cluster)
    assert objs["ConfigMap/web-config"]["data"] == {"greeting": "draft2"}
    with pytest.raises(A.AppNotDraft):
        await services.apps.publish_draft("east", "web")
    with pytest.raises(A.RevisionNotFound) as err:
        await services.apps.rollback("east", "web", 7)
    assert "pick one of its revisions: 1" in str(err.value)
    with pytest.raises(A.NothingToRetry):
        await services.apps.retry(task.id)


def test_errors_read_in_chinese() -> None:
    err = A.TargetNamespaceMissing(target="c/ns", cluster="c", namespace="ns", instance="east")
    try:
        i18n.set_language("zh_CN")
        assert "不存在命名空间" in str(err) and "ccseone ns create ns --instance east" in str(err)
    finally:
        i18n.set_language("en")
    assert "does not exist on cluster 'c'" in str(err)


async def test_deleting_a_draft_touches_no_cluster(services: Services,
                                                   fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await services.apps.save_draft("east", A.PublishRequest("web", "web", targets=targets))
    assert [p.objects for p in await services.apps.delete_preview("east", "web")] == [[]] * 3
    task = await services.apps.delete("east", "web")
    assert task.status.value == "Succeeded" and task.results == []
    assert await services.apps.list_rows("east") == []

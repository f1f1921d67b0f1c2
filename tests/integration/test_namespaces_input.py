"""Fleet namespaces: every bad-input case of the issue (each message names the field, the
value and the rule, in English and Chinese), warnings, and adopting a namespace ccseone did
not create."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ccseone_tui import i18n
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services


@pytest.fixture
async def east(services: Services, fleet: SandboxFleet) -> Services:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context=c.name)
                                               for c in fleet.clusters])
    return services


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    try:
        yield
    finally:
        i18n.set_language("en")


async def refused(s: Services, spec: NamespaceSpec) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        await s.namespaces.validate("east", spec)
    with pytest.raises(ValidationError):  # create refuses the same, before writing anything
        await s.namespaces.create("east", spec)
    return err.value


BAD: list[tuple[NamespaceSpec, str, str, str]] = [
    # spec, field named, value named, words of the rule
    (NamespaceSpec(name="Web_1"), "name", "'Web_1'", "lower-case letters"),
    (NamespaceSpec(name="a" * 64), "name", "a" * 64, "at most 63"),
    (NamespaceSpec(name="-web"), "name", "'-web'", "starting and ending"),
    *[(NamespaceSpec(name=n), "name", f"'{n}'", "reserved") for n in
      ("default", "kube-system", "kube-public", "kube-node-lease", "ccseone-system")],
    (NamespaceSpec(name="web", priority="abc"), "priority", "'abc'", "0 to 9999"),
    (NamespaceSpec(name="web", priority="1.5"), "priority", "'1.5'", "integer"),
    (NamespaceSpec(name="web", priority=-1), "priority", "-1", "0 to 9999"),
    (NamespaceSpec(name="web", priority=10000), "priority", "10000", "0 to 9999"),
    (NamespaceSpec(name="web", cpu_limit="4GB"), "cpu_limit", "'4GB'", "quantity"),
    (NamespaceSpec(name="web", cpu_limit="-1"), "cpu_limit", "'-1'", "quantity"),
    (NamespaceSpec(name="web", memory_limit="abc"), "memory_limit", "'abc'", "quantity"),
    (NamespaceSpec(name="web", memory_limit="4GB"), "memory_limit", "'4GB'", "not 4GB"),
    (NamespaceSpec(name="web", cpu_limit="0"), "cpu_limit", "'0'", "greater than zero"),
    (NamespaceSpec(name="web", memory_limit="0Gi"), "memory_limit", "'0Gi'",
     "greater than zero"),
    (NamespaceSpec(name="web", labels={"bad key": "x"}), "labels[bad key]", "'bad key'",
     "label key"),
    (NamespaceSpec(name="web", labels={"team": "x" * 64}), "labels[team]", "x" * 64,
     "label value"),
    (NamespaceSpec(name="web", labels={"team": "a b"}), "labels[team]", "'a b'",
     "label value"),
    (NamespaceSpec(name="web", labels={"ccseone.io/instance": "x"}),
     "labels[ccseone.io/instance]", "ccseone.io/instance", "set by ccseone"),
    (NamespaceSpec(name="web", selector={"env": "a/b"}), "selector[env]", "'a/b'",
     "label value"),
    (NamespaceSpec(name="web", selector={"ccseone.io/source": "mars"}),
     "selector[ccseone.io/source]", "'mars'", "kubeconfig"),
]


@pytest.mark.parametrize(("spec", "field", "value", "rule"), BAD,
                         ids=[f"{b[1]}={b[2][:12]}" for b in BAD])
async def test_bad_input_names_field_value_and_rule(east: Services, spec: NamespaceSpec,
                                                    field: str, value: str, rule: str) -> None:
    err = await refused(east, spec)
    text = str(err)
    assert err.params["field"] == field
    assert text.startswith(f"{field}: ") and value in text and rule in text, text
    assert "Fix:" in text
    assert await east.namespaces.list((await east.instances.get("east")).id) == []


async def test_bad_input_in_chinese(east: Services, chinese: None) -> None:
    err = await refused(east, NamespaceSpec(name="web", memory_limit="4GB"))
    assert "memory_limit" in str(err) and "'4GB'" in str(err) and "Kubernetes 数量格式" in str(err)
    await east.namespaces.create("east", NamespaceSpec(name="web"))
    err = await refused(east, NamespaceSpec(name="web"))
    assert "已存在同名命名空间" in str(err) and "'web'" in str(err)


async def test_valid_quantities_and_duplicate(east: Services) -> None:
    for cpu, memory in (("500m", "4Gi"), ("2", "512Mi"), ("0.5", "1G")):
        assert await east.namespaces.validate("east", NamespaceSpec(
            name="web", cpu_limit=cpu, memory_limit=memory)) == []
    await east.namespaces.create("east", NamespaceSpec(name="web"))
    err = await refused(east, NamespaceSpec(name="web"))
    assert err.params["field"] == "name"
    assert "already exists in control instance 'east'" in str(err)
    assert "ccseone ns edit" in str(err)
    # editing validates the same rules (and never trips on its own name)
    with pytest.raises(ValidationError) as bad:
        await east.namespaces.edit("east", "web", priority="x")
    assert bad.value.params["field"] == "priority"
    assert (await east.namespaces.edit("east", "web", priority=3)).status is TaskStatus.SUCCEEDED


async def test_selector_matching_no_cluster_warns_and_is_allowed(east: Services) -> None:
    spec = NamespaceSpec(name="edge", selector={"region": "mars"})
    [warning] = await east.namespaces.validate("east", spec)
    assert "region=mars" in warning and "matches no cluster" in warning
    task = await east.namespaces.create("east", spec)
    assert task.status is TaskStatus.SUCCEEDED and task.results == []
    [status] = await east.namespaces.list_status("east")
    assert status.summary == "0/0"


async def test_adopt_only_when_asked(east: Services, fleet: SandboxFleet) -> None:
    first = fleet.clusters[0].name
    client = await east.clusters.client(await east.clusters.get(first))
    await client.create({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": "legacy", "labels": {"owner": "ops"}}},
                        field_manager="kubectl-create")
    spec = NamespaceSpec(name="legacy", labels={"team": "ops"})
    [found] = await east.namespaces.adoption_needed("east", spec)
    assert found.cluster.name == first and "not created by ccseone" in found.message

    task = await east.namespaces.create("east", spec)
    assert task.status is TaskStatus.PARTIAL
    [bad] = [r for r in task.results if r.status is TaskStatus.FAILED]
    assert bad.target == first
    assert f"exists on {first} and was not created by ccseone" in bad.message
    assert "--adopt" in bad.message
    live = await client.get("v1", "Namespace", "legacy")
    assert "ccseone.io/instance" not in live["metadata"]["labels"]  # untouched
    status = await east.namespaces.check("east", "legacy")
    assert {c.cluster.name: c.state for c in status.clusters}[first] is SyncState.ERROR
    # nothing to repair there: it is not ours until adopted
    repair = await east.namespaces.repair("east", "legacy")
    assert repair.results == []

    again = await east.namespaces.retry(task.id, adopt=True)
    assert again.status is TaskStatus.SUCCEEDED and "adopted" in again.results[0].message
    labels = (await client.get("v1", "Namespace", "legacy"))["metadata"]["labels"]
    assert labels["owner"] == "ops" and labels["ccseone.io/instance"] == "east"
    assert (await east.namespaces.check("east", "legacy")).summary == "3/3"
    assert await east.namespaces.adoption_needed("east", spec) == []


async def test_create_with_adopt(east: Services, fleet: SandboxFleet) -> None:
    client = await east.clusters.client(await east.clusters.get(fleet.clusters[1].name))
    await client.create({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": "legacy"}}, field_manager="kubectl-create")
    task = await east.namespaces.create("east", NamespaceSpec(name="legacy"), adopt=True)
    assert task.status is TaskStatus.SUCCEEDED
    messages = {r.target: r.message for r in task.results}
    assert "adopted" in messages[fleet.clusters[1].name]
    assert "created" in messages[fleet.clusters[0].name]


async def test_retry_refuses_what_it_cannot_retry(east: Services) -> None:
    from ccseone_tui.domain.errors import NotFound
    from ccseone_tui.domain.namespaces import NotRetryable

    task = await east.namespaces.create("east", NamespaceSpec(name="web"))
    with pytest.raises(NotRetryable) as err:
        await east.namespaces.retry(task.id)
    assert "no target failed" in str(err.value)
    with pytest.raises(NotFound):
        await east.namespaces.retry("task-nope")

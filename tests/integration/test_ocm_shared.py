"""The hub as shared state (#10 item 3): two ccseones (two Services, two SQLite files) on
one sandbox hub. The second, its cache empty, sees the first's fleet namespaces, apps,
history and rolls back to a revision the first made; concurrent writes to one record give
``ChangedElsewhere`` to the later writer; no Secret value reaches a hub ConfigMap.
Loopback HTTP only."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain.apps import AppTarget, PublishRequest
from ccseone_tui.domain.member_errors import ChangedElsewhere
from ccseone_tui.domain.models import ClusterStatus, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.services import Services

from .ocm_helpers import cached, hub_instance, hub_services
from .test_apps_support import NS, add_yaml_template
from .test_secret_values import DEFAULTS as DB_DEFAULTS
from .test_secret_values import PASSWORD, SHORT
from .test_secret_values import TEMPLATE as DB_TEMPLATE
from .test_secret_values import VALUES as DB_VALUES

CONFIGMAPS = CORE["configmaps"]
WORKS = MANIFEST_WORKS.type()
TARGETS = [AppTarget("sandbox-1", NS), AppTarget("sandbox-2", NS)]


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        for name in ("sandbox-1", "sandbox-2"):
            await f.join(name, accept=True)
            await (await f.ocm.klusterlets[name].wait_agent()).wait_for("Available")
        yield f


async def _open(tmp_path: Path, fleet: SandboxFleet, db: str) -> Services:
    s = await hub_services(tmp_path, fleet, db)
    inst = await hub_instance(s, "east")
    for name in ("sandbox-1", "sandbox-2"):
        await cached(s, inst, name, lambda c: c.probe.status is ClusterStatus.READY)
    return s


@pytest.fixture
async def first(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await _open(tmp_path, fleet, "first")
    task = await s.namespaces.create("east", NamespaceSpec(NS, priority=3, cpu_limit="2"))
    assert task.status is TaskStatus.SUCCEEDED
    await add_yaml_template(s)
    yield s
    await s.close()


@pytest.fixture
async def second(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await _open(tmp_path, fleet, "second")
    yield s
    await s.close()


def hub_records(fleet: SandboxFleet) -> list[dict]:
    return [o for o in fleet.hub.state.list(CONFIGMAPS.key, "ccseone-system")
            if (o["metadata"].get("labels") or {}).get("ccseone.io/instance") == "east"]


async def test_a_second_ccseone_sees_namespaces_apps_history_and_rolls_back(
        first: Services, second: Services, fleet: SandboxFleet) -> None:
    task = await first.apps.publish("east", PublishRequest(
        "web", "web", None, "greeting: hi\n", targets=TARGETS, description="shop front"))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    task = await first.apps.upgrade("east", "web", values_yaml="greeting: v2\nextra: false\n",
                                    message="no extra")
    assert task.status is TaskStatus.SUCCEEDED

    # the second ccseone's cache is empty: listing syncs from the hub
    assert await second.store.list_namespaces() == []
    [ns] = await second.namespaces.list((await second.instances.get("east")).id)
    assert (ns.name, ns.priority, ns.cpu_limit) == (NS, 3, "2")
    rows = await second.apps.list_rows("east")
    assert [(r.app.name, r.app.current_revision, r.app.description) for r in rows] == [
        ("web", 2, "shop front")]
    assert (rows[0].template, rows[0].healthy, rows[0].total) == ("web", 2, 2)
    assert [t.key for t in await second.apps.targets("east", "web")] == [
        t.key for t in TARGETS]
    history = await second.apps.history("east", "web")
    assert [(h.revision.number, h.revision.message) for h in history] == [
        (2, "no extra"), (1, "publish")]
    assert set(s for s, _ in history[0].results.values()) == {"Succeeded"}
    assert history[1].revision.author == "tester"

    # a rollback by the second to the first's revision 1 puts "hi" back on the members
    task = await second.apps.rollback("east", "web", 1)
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    member = fleet["sandbox-1"].state
    assert member.get(CONFIGMAPS.key, NS, "web-config")["data"]["greeting"] == "hi"
    # ... and the first sees revision 3 by the second
    history = await first.apps.history("east", "web")
    assert [h.revision.number for h in history] == [3, 2, 1]
    assert history[0].revision.message == "rollback to 1"

    # a namespace deleted by the second goes from the first's list too
    task = await second.namespaces.create("east", NamespaceSpec("scratch"))
    assert task.status is TaskStatus.SUCCEEDED
    assert "scratch" in [n.name for n in await first.namespaces.list(
        (await first.instances.get("east")).id)]
    task = await second.namespaces.delete("east", "scratch")
    assert task.status is TaskStatus.SUCCEEDED
    assert "scratch" not in [n.name for n in await first.namespaces.list(
        (await first.instances.get("east")).id)]

    # delete by the first: gone from the hub and from the second's list
    task = await first.apps.delete("east", "web")
    assert task.status is TaskStatus.SUCCEEDED
    assert await second.apps.list_rows("east") == []
    assert not [o for o in hub_records(fleet)
                if o["metadata"]["labels"].get("ccseone.io/app") == "web"]


async def test_concurrent_edits_give_changed_elsewhere(
        first: Services, second: Services, fleet: SandboxFleet) -> None:
    task = await first.apps.publish("east", PublishRequest(
        "web", "web", None, "greeting: hi\n", targets=TARGETS[:1]))
    assert task.status is TaskStatus.SUCCEEDED
    # both have read the app (revision 1) ...
    assert (await second.apps.get("east", "web")).current_revision == 1
    assert (await first.apps.get("east", "web")).current_revision == 1
    # ... the first upgrades, then the second, from the picture it read
    task = await first.apps.upgrade("east", "web", values_yaml="greeting: one\n")
    assert task.status is TaskStatus.SUCCEEDED
    work_before = fleet["sandbox-1"].state.get(CONFIGMAPS.key, NS, "web-config")
    with pytest.raises(ChangedElsewhere) as err:
        await second.apps.upgrade("east", "web", values_yaml="greeting: two\n")
    assert "changed by someone else" in str(err.value) and "reload" in str(err.value)
    # nothing was applied, nothing overwritten
    assert fleet["sandbox-1"].state.get(CONFIGMAPS.key, NS, "web-config")["data"] == \
        work_before["data"] == {"greeting": "one"}
    assert [h.revision.number for h in await second.apps.history("east", "web")] == [2, 1]
    # reloaded (the history read above synced it): the second's upgrade goes through
    task = await second.apps.upgrade("east", "web", values_yaml="greeting: two\n")
    assert task.status is TaskStatus.SUCCEEDED

    # the same for a fleet namespace edited by both
    inst2 = await second.instances.get("east")
    await second.namespaces.list(inst2.id)
    task = await first.namespaces.edit("east", NS, priority=5)
    assert task.status is TaskStatus.SUCCEEDED
    with pytest.raises(ChangedElsewhere):
        await second.namespaces.edit("east", NS, priority=7)
    assert (await second.namespaces.get("east", NS)).priority == 5

    # a delete over a stale picture is refused before anything is removed
    assert (await first.apps.get("east", "web")).current_revision == 3  # reload
    await second.apps.get("east", "web")
    task = await first.apps.upgrade("east", "web", values_yaml="greeting: three\n")
    assert task.status is TaskStatus.SUCCEEDED
    with pytest.raises(ChangedElsewhere):
        await second.apps.delete("east", "web")
    assert fleet["sandbox-1"].state.get(CONFIGMAPS.key, NS, "web-config") is not None

    # two publishes of one name: the later one is refused (the first has not reloaded)
    task = await second.apps.publish("east", PublishRequest(
        "web2", "web", None, "", targets=TARGETS[:1]))  # its template came with "web"
    assert task.status is TaskStatus.SUCCEEDED
    with pytest.raises(ChangedElsewhere):
        await first.apps.publish("east", PublishRequest(
            "web2", "web", None, "", targets=TARGETS[1:]))
    assert fleet.hub.state.get(WORKS.key, "sandbox-2", f"ccseone-app-web2.{NS}") is None


async def test_no_secret_value_reaches_a_hub_configmap(
        first: Services, second: Services, fleet: SandboxFleet) -> None:
    await add_yaml_template(first, "dbt", DB_TEMPLATE, DB_DEFAULTS)
    task = await first.apps.publish("east", PublishRequest("db", "dbt", None, DB_VALUES,
                                                           targets=TARGETS[:1]))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    task = await first.apps.upgrade("east", "db", values_yaml=DB_VALUES.replace(
        "replicas: 3", "replicas: 4"))
    assert task.status is TaskStatus.SUCCEEDED
    records = hub_records(fleet)
    assert {o["metadata"]["labels"]["ccseone.io/kind"] for o in records} == {
        "namespace", "app", "revision"}
    # every byte of every record, the compressed manifests decompressed
    import gzip

    text = json.dumps(records)
    for o in records:
        for raw in (o.get("binaryData") or {}).values():
            text += gzip.decompress(base64.b64decode(raw)).decode()
    assert "replicas: 4" in text  # the values are there ...
    for secret in (PASSWORD, SHORT, base64.b64encode(PASSWORD.encode()).decode(),
                   base64.b64encode(SHORT.encode()).decode()):
        assert secret not in text  # ... the secret ones are not, in any form

    # the second rolls back to revision 1: the secret values are asked for again
    from ccseone_tui.services.apps.secret_values import SecretValuesRequired

    with pytest.raises(SecretValuesRequired):
        await second.apps.rollback("east", "db", 1)
    task = await second.apps.rollback("east", "db", 1, values_yaml=(
        f"db:\n  pw: {PASSWORD}\n  pin: {SHORT}\n"))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    text = json.dumps(hub_records(fleet))
    assert PASSWORD not in text


async def test_a_revision_too_large_for_a_configmap_keeps_its_values_not_manifests(
        first: Services, second: Services, fleet: SandboxFleet) -> None:
    """Two targets' manifests do not fit in 1 MiB even compressed (random data), each
    target's work does fit in 500 KiB: the revision keeps its values and leaves the
    manifests out; the second renders them again from template version + values."""
    import os

    big = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n"
           "  blob: {{ .Values.blob | quote }}\n")
    await add_yaml_template(first, "big", big, {"blob": "x"})
    noise = base64.b64encode(os.urandom(367_000)).decode()  # 489 kB, does not compress
    task = await first.apps.publish("east", PublishRequest(
        "big", "big", None, f"blob: {noise}\n", targets=TARGETS))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    task = await first.apps.upgrade("east", "big", values_yaml="blob: small\n")
    assert task.status is TaskStatus.SUCCEEDED
    [rev1] = [o for o in hub_records(fleet) if o["metadata"]["name"].endswith(".big.1")]
    assert "binaryData" not in rev1
    assert json.loads(rev1["data"]["record.json"])["manifests"] == "omitted"
    task = await second.apps.rollback("east", "big", 1)
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    assert fleet["sandbox-1"].state.get(CONFIGMAPS.key, NS, "big")["data"]["blob"] == noise

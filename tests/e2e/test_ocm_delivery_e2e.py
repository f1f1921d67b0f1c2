"""Delivery through a real Open Cluster Management hub: a fleet namespace and an app put on
a member by its own work agent, observed ``Applied``/``Available`` on the hub, upgraded
(the agent prunes what the new version dropped), deleted (the agent removes what it
applied, then its finalizer), and the shared records on the hub.

Set ``CCSEONE_E2E_OCM_CONTEXT`` to the hub's kubeconfig context (file from
``CCSEONE_E2E_KUBECONFIG``, else ``KUBECONFIG``); at least one member must be joined,
accepted and available, else the test skips with the reason. Without the variable it is
skipped (tests/e2e/conftest.py).

What is written, through the hub only: the fleet namespace ``ccseone-e2e-<run>`` (on the
member picked by its ``name`` label when members carry one, else on every available
member: a selector cannot name a cluster otherwise and no member is relabelled), a
ConfigMap-only app ``e2e-web`` (no pods: nothing to pull) on ONE available member, their
ManifestWorks and the ``ccseone-system`` records of the instance ``e2e-deliv-<run>``; all
of it is deleted at the end, also when a step fails. Checked
against the hub's documented objects (ManifestWork conditions with ``observedGeneration``,
``resourceStatus.manifests``), never the sandbox's internals.

Verified against the sandbox hub started in a subprocess: ``scripts/e2e_ocm_sandbox.py
tests/e2e/test_ocm_delivery_e2e.py`` (``ccseone sandbox up --ocm`` + the ``clusteradm``
stand-in joining two members, one accepted) runs it with the variables set; it passes
there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.domain.apps import AppTarget, PublishRequest, TargetState
from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.domain.models import ClusterStatus, Engine, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.kube import ClusterRef, KubePool, list_contexts
from ccseone_tui.services import Services, open_services

from .conftest import ENV, OCM_ENV

WORK_API = "work.open-cluster-management.io/v1"
WAIT = 180.0  # a real agent resyncs on its own schedule
TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
{{- if .Values.extra }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra
data:
  on: "yes"
{{- end }}
"""


def kubeconfig_paths() -> list[str]:
    given = os.environ.get(ENV)
    if given:
        return [str(Path(given).expanduser())]
    return [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p] or [
        str(Path.home() / ".kube" / "config")]


@pytest.fixture(scope="module")
def hub() -> Any:
    context = os.environ[OCM_ENV]
    found = next((c for c in list_contexts(kubeconfig_paths()) if c.name == context), None)
    if found is None:
        pytest.fail(f"context {context!r} is not in {', '.join(kubeconfig_paths())}")
    return found


@pytest.fixture
async def svc(tmp_path: Path, hub: Any) -> AsyncIterator[Services]:
    s = await open_services(Settings(data_dir=tmp_path / "data", kubeconfig=hub.file,
                                     connect_timeout=5.0, read_timeout=30.0), user="e2e")
    yield s
    await s.close()


@pytest.fixture
async def hub_client(hub: Any) -> AsyncIterator[Any]:
    """ccseone's own kube client on the hub: the oracle for what the hub says."""
    async with KubePool(Settings(connect_timeout=5.0, read_timeout=30.0)) as pool:
        yield await pool.client(ClusterRef(name="hub", kubeconfig=hub.file, context=hub.name))


async def work_of(client: Any, cluster: str, name: str) -> dict[str, Any] | None:
    try:
        return await client.get(WORK_API, "ManifestWork", name, namespace=cluster)
    except ResourceNotFound:
        return None


def condition(work: dict[str, Any], type_: str) -> dict[str, Any]:
    return next((c for c in (work.get("status") or {}).get("conditions") or []
                 if c.get("type") == type_), {})


async def applied_and_available(client: Any, cluster: str, name: str) -> dict[str, Any]:
    """Poll until the work's Applied and Available are True about its current generation."""
    deadline = time.monotonic() + WAIT
    while True:
        work = await work_of(client, cluster, name)
        if work is not None:
            gen = work["metadata"].get("generation")
            conds = [condition(work, t) for t in ("Applied", "Available")]
            if all(c.get("status") == "True" and c.get("observedGeneration") in (None, gen)
                   for c in conds):
                return work
            if condition(work, "Applied").get("status") == "False" and condition(
                    work, "Applied").get("observedGeneration") == gen:
                pytest.fail(f"the agent refused {cluster}/{name}: "
                            f"{condition(work, 'Applied').get('message')}")
        if time.monotonic() > deadline:
            pytest.fail(f"{cluster}/{name} not Applied+Available within {WAIT:.0f}s: "
                        f"{(work or {}).get('status')}")
        await asyncio.sleep(2)


async def gone(client: Any, cluster: str, name: str) -> None:
    deadline = time.monotonic() + WAIT
    while await work_of(client, cluster, name) is not None:
        if time.monotonic() > deadline:
            pytest.fail(f"{cluster}/{name} still on the hub after {WAIT:.0f}s (finalizer?)")
        await asyncio.sleep(2)


def applied_names(work: dict[str, Any]) -> set[str]:
    return {f"{(m.get('resourceMeta') or {}).get('kind')}/"
            f"{(m.get('resourceMeta') or {}).get('name')}"
            for m in ((work.get("status") or {}).get("resourceStatus") or {}).get(
                "manifests") or []}


async def test_namespace_and_app_delivered_upgraded_deleted_by_the_work_agent(
        svc: Services, hub: Any, hub_client: Any, run_id: str) -> None:
    inst = await svc.instances.create(f"e2e-deliv-{run_id}", svc.settings.regions[0],
                                      engine=Engine.OCM, hub_context=hub.name,
                                      hub_kubeconfig=hub.file, deletion_protection=False)
    snap = await svc.members.sync(inst)
    ready = [c for c in snap.clusters if c.probe.status is ClusterStatus.READY]
    if not ready:
        seen = ", ".join(f"{c.name}: {c.probe.status.value}" for c in snap.clusters)
        pytest.skip(f"no member of hub {hub.name!r} is joined, accepted and available "
                    f"({seen or 'no members'})")
    member = ready[0].name
    ns = f"ccseone-e2e-{run_id}"
    app = "e2e-web"
    ns_work, app_work = f"ccseone-namespace-{ns}.{ns}", f"ccseone-app-{app}.{ns}"
    labels = ready[0].labels
    selector = {"name": labels["name"]} if "name" in labels else {}
    try:
        task = await svc.namespaces.create(inst.name, NamespaceSpec(ns, selector=selector))
        assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
        work = await applied_and_available(hub_client, member, ns_work)
        assert "Namespace/" + ns in applied_names(work)
        status = await svc.namespaces.check(inst.name, ns)
        mine = next(c for c in status.clusters if c.cluster.name == member)
        assert mine.state is SyncState.SYNCED, mine.message

        await svc.templates.add(f"e2e-web-{run_id}", "yaml", {
            "manifests": TEMPLATE, "parameters": {"greeting": "hello", "extra": True}})
        target = AppTarget(member, ns)
        task = await svc.apps.publish(inst.name, PublishRequest(
            app, f"e2e-web-{run_id}", None, "greeting: first\n", targets=[target]))
        assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
        work = await applied_and_available(hub_client, member, app_work)
        assert applied_names(work) == {f"ConfigMap/{app}-config", f"ConfigMap/{app}-extra"}
        shown = await svc.apps.status(inst.name, app)
        assert [t.state for t in shown.targets] == [TargetState.DEPLOYED], \
            [(t.message, t.resources) for t in shown.targets]

        # upgrade: the extra ConfigMap is dropped; the agent reports the new generation
        gen = work["metadata"]["generation"]
        task = await svc.apps.upgrade(inst.name, app, values_yaml="greeting: second\n"
                                                                  "extra: false\n")
        assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
        work = await applied_and_available(hub_client, member, app_work)
        assert work["metadata"]["generation"] > gen
        assert applied_names(work) == {f"ConfigMap/{app}-config"}
        manifests = work["spec"]["workload"]["manifests"]
        assert [m["data"]["greeting"] for m in manifests] == ["second"]

        # the shared records: app + two revisions of this instance on the hub
        records = (await hub_client.list("v1", "ConfigMap", namespace="ccseone-system",
                                         label_selector=f"ccseone.io/instance={inst.name}"
                                         ))["items"]
        kinds = sorted(r["metadata"]["labels"]["ccseone.io/kind"] for r in records)
        assert kinds == ["app", "namespace", "revision", "revision"]

        task = await svc.apps.delete(inst.name, app)
        assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
        await gone(hub_client, member, app_work)  # the agent removed what it applied
        task = await svc.namespaces.delete(inst.name, ns)
        assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
        await gone(hub_client, member, ns_work)
        records = (await hub_client.list("v1", "ConfigMap", namespace="ccseone-system",
                                         label_selector=f"ccseone.io/instance={inst.name}"
                                         ))["items"]
        assert records == []
    finally:
        # whatever a failed step left: works first (the agent cleans the member), records
        for cluster, name in [(member, app_work), *((c.name, ns_work) for c in ready)]:
            with contextlib.suppress(Exception):
                await hub_client.delete(WORK_API, "ManifestWork", name, namespace=cluster)
        with contextlib.suppress(Exception):
            for r in (await hub_client.list(
                    "v1", "ConfigMap", namespace="ccseone-system",
                    label_selector=f"ccseone.io/instance={inst.name}"))["items"]:
                await hub_client.delete("v1", "ConfigMap", r["metadata"]["name"],
                                        namespace="ccseone-system")

"""The object actions of the resource browser (#11) against real clusters: describe, YAML,
events, scale and delete on every context of ``CCSEONE_E2E_KUBECONFIG``.

Everything is created in the throwaway namespace of ``e2e_namespace`` (deleted afterwards).
The Deployment starts at 0 replicas with the pause image, so nothing here needs a node:
scaling is checked on the object and its ``/scale`` subresource, not on pods. The cache
lives in tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ResourceNotFound, ValidationError
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.kube.builtin import builtin
from ccseone_tui.services import AssociateRequest, open_services
from ccseone_tui.services.resources.model import ObjectRef

from .conftest import ENV

DEPLOY = builtin("apps/v1", "Deployment")
CONFIGMAP = builtin("v1", "ConfigMap")


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=os.environ[ENV],
                    connect_timeout=5.0, read_timeout=30.0, **kw)  # type: ignore[arg-type]


def objects(namespace: str) -> list[dict[str, Any]]:
    labels = {"app.kubernetes.io/managed-by": "ccseone-e2e", "app": "e2e-web"}
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "e2e-web", "namespace": namespace, "labels": labels},
         "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "e2e-web"}},
                  "template": {"metadata": {"labels": labels},
                               "spec": {"containers": [{"name": "pause",
                                                        "image": "registry.k8s.io/pause:3.9"}]}}}},
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "e2e-a", "namespace": namespace, "labels": labels},
         "data": {"greeting": "hello"}},
    ]


def event_for(cm: dict[str, Any], namespace: str) -> dict[str, Any]:
    meta = cm["metadata"]
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"generateName": "e2e-a.", "namespace": namespace},
            "involvedObject": {"apiVersion": "v1", "kind": "ConfigMap", "name": meta["name"],
                               "namespace": namespace, "uid": meta["uid"]},
            "reason": "E2eChecked", "message": "checked by the ccseone e2e suite",
            "type": "Normal", "source": {"component": "ccseone-e2e"},
            "firstTimestamp": meta["creationTimestamp"],
            "lastTimestamp": meta["creationTimestamp"], "count": 1}


async def test_describe_yaml_events_scale_delete(tmp_path: Path, e2e_refs: list[ClusterRef],
                                                 e2e_pool: KubePool,
                                                 e2e_namespace: str) -> None:
    ns = e2e_namespace
    assert DEPLOY is not None and CONFIGMAP is not None
    for obj in objects(ns):
        applied = await e2e_pool.fan_out(e2e_refs, lambda c, o=obj: c.apply(o))
        failed = {k: v for k, v in applied.items() if isinstance(v, BaseException)}
        assert not failed, failed
    made = await e2e_pool.fan_out(e2e_refs, lambda c: c.get("v1", "ConfigMap", "e2e-a",
                                                             namespace=ns))
    for ref_, cm in made.items():
        assert not isinstance(cm, BaseException), (ref_, cm)
    created = await e2e_pool.fan_out(
        e2e_refs, lambda c: c.create(event_for(made[c.name], ns)))
    assert not [v for v in created.values() if isinstance(v, BaseException)], created

    s = await open_services(settings(tmp_path), user="e2e")
    try:
        await s.instances.create("e2e", s.settings.regions[0])
        reqs = [AssociateRequest(context=r.context or r.name, name=f"e2e-{i + 1}")
                for i, r in enumerate(e2e_refs)]
        results = await s.clusters.associate("e2e", reqs)
        assert not [r for r in results if isinstance(r, Exception)], results
        names = [r.name for r in reqs]

        for name in names:
            deploy = ObjectRef(name, DEPLOY, ns, "e2e-web")
            text = await s.objects.describe(deploy)
            lines = text.splitlines()
            assert lines[0].split() == ["Name:", "e2e-web"]
            assert lines[1].split() == ["Namespace:", ns]
            assert any(line.startswith("Replicas:") and "0 desired" in line for line in lines)
            assert any(line.startswith("StrategyType:") for line in lines)
            assert any(line.startswith("Events:") for line in lines)

            folded = await s.objects.yaml(deploy)
            assert any(line.strip().startswith("# managedFields:") and "folded" in line
                       for line in folded.splitlines())
            doc = yaml.safe_load(folded)
            assert (doc["kind"], doc["metadata"]["name"], doc["metadata"]["namespace"]) == (
                "Deployment", "e2e-web", ns)
            assert "managedFields" not in doc["metadata"]
            full = yaml.safe_load(await s.objects.yaml(deploy, managed_fields=True))
            assert any(e.get("manager") == "ccseone" for e in full["metadata"]["managedFields"])

            cm = ObjectRef(name, CONFIGMAP, ns, "e2e-a")
            [event] = await s.objects.events(cm)
            assert (event.reason, event.source, event.type) == (
                "E2eChecked", "ccseone-e2e", "Normal")
            described = await s.objects.describe(cm)
            assert "greeting:" in described and "E2eChecked" in described

            # scale through the /scale subresource; bad values are refused before any call
            with pytest.raises(ValidationError):
                await s.objects.scale(deploy, -1)
            outcome = await s.objects.scale(deploy, 2)
            assert outcome.ok, outcome
            assert (await s.objects.get(deploy))["spec"]["replicas"] == 2
            client = await s.clusters.client(await s.clusters.get(name))
            scale = await client.request("GET", DEPLOY.path(ns, "e2e-web") + "/scale")
            assert scale["spec"]["replicas"] == 2
            assert (await s.objects.scale(deploy, 0)).ok

        # delete on every cluster, plus one object that does not exist: that one fails with
        # the API server's words, the others are deleted
        refs = [ObjectRef(n, CONFIGMAP, ns, "e2e-a") for n in names]
        refs.insert(1, ObjectRef(names[0], CONFIGMAP, ns, "e2e-missing"))
        outcomes = await s.objects.delete(refs)
        assert [o.ok for o in outcomes] == [True, False] + [True] * (len(names) - 1)
        assert outcomes[1].status == 404
        assert outcomes[1].message == 'configmaps "e2e-missing" not found'
        for n in names:
            with pytest.raises(ResourceNotFound):
                await s.objects.get(ObjectRef(n, CONFIGMAP, ns, "e2e-a"))
    finally:
        await s.close()

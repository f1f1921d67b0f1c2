"""The template + application scenario of the integration suite, against real clusters.

A YAML template (ConfigMap + Service + Deployment, rendered by the Helm engine) is published
into a throwaway fleet namespace ``ccseone-e2e-<run>-app`` on every context of
``CCSEONE_E2E_KUBECONFIG``, upgraded (one object pruned, one value changed), compared,
rolled back and deleted; the ``finally`` deletes the namespace directly if anything failed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ccseone_tui.config import Settings
from ccseone_tui.domain.apps import LABEL_NAME, AppTarget, PublishRequest
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.services import AssociateRequest, open_services

from .conftest import ENV

MANIFESTS = """\
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
  note: extra
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: 80
"""


def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=os.environ[ENV],
                    connect_timeout=5.0, read_timeout=30.0)


async def test_app_publish_upgrade_rollback_delete(tmp_path: Path, e2e_refs: list[ClusterRef],
                                                   e2e_pool: KubePool, run_id: str) -> None:
    ns = f"ccseone-e2e-{run_id}-app"
    s = await open_services(settings(tmp_path), user="e2e")
    try:
        await s.instances.create("e2e", s.settings.regions[0])
        reqs = [AssociateRequest(context=r.context or r.name, name=f"e2e-{i + 1}")
                for i, r in enumerate(e2e_refs)]
        results = await s.clusters.associate("e2e", reqs)
        assert not [r for r in results if isinstance(r, Exception)], results
        created = await s.namespaces.create("e2e", NamespaceSpec(name=ns))
        assert created.status is TaskStatus.SUCCEEDED, created.results
        await s.templates.add("e2e-web", "yaml", {
            "manifests": MANIFESTS, "parameters": {"greeting": "hi", "extra": True}})
        targets = [AppTarget(cluster=f"e2e-{i + 1}", namespace=ns)
                   for i in range(len(e2e_refs))]

        task = await s.apps.publish("e2e", PublishRequest("web", "e2e-web", targets=targets))
        assert task.status is TaskStatus.SUCCEEDED, task.results
        client = await s.clusters.client(await s.clusters.get("e2e-1"))
        found = await client.list("v1", "ConfigMap", namespace=ns,
                                  label_selector=f"{LABEL_NAME}=web")
        assert {o["metadata"]["name"] for o in found["items"]} == {"web-config", "web-extra"}

        values = "greeting: hello\nextra: false\n"
        [plan, *_] = await s.apps.plan("e2e", "web", values_yaml=values)
        assert "web-extra" in plan.old and "web-extra" not in plan.new
        upgraded = await s.apps.upgrade("e2e", "web", values_yaml=values, message="drop extra")
        assert upgraded.status is TaskStatus.SUCCEEDED, upgraded.results
        found = await client.list("v1", "ConfigMap", namespace=ns,
                                  label_selector=f"{LABEL_NAME}=web")
        assert {o["metadata"]["name"] for o in found["items"]} == {"web-config"}  # pruned

        back = await s.apps.rollback("e2e", "web", 1)
        assert back.status is TaskStatus.SUCCEEDED, back.results
        config = await client.get("v1", "ConfigMap", "web-config", namespace=ns)
        assert config["data"] == {"greeting": "hi"}

        gone = await s.apps.delete("e2e", "web")
        assert gone.status is TaskStatus.SUCCEEDED, gone.results
        found = await client.list("v1", "ConfigMap", namespace=ns,
                                  label_selector=f"{LABEL_NAME}=web")
        assert found["items"] == []
        deleted = await s.namespaces.delete("e2e", ns)
        assert deleted.status is TaskStatus.SUCCEEDED, deleted.results
    finally:
        await s.close()
        await e2e_pool.fan_out(e2e_refs, lambda c: c.delete("v1", "Namespace", ns))

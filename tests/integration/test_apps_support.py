"""Shared setup of the application-center tests: an instance over the sandbox fleet, a
namespace on every cluster, a YAML template (Deployment + Service + ConfigMap)."""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.apps import LABEL_INSTANCE, LABEL_NAME, AppTarget
from ccseone_tui.domain.models import Template
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services

WEB = """\
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
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
"""
DEFAULTS: dict[str, Any] = {"greeting": "hello", "replicas": 2, "image": "nginx:1.25",
                            "extra": True}
NS = "shop"


async def add_yaml_template(services: Services, name: str = "web", manifests: str = WEB,
                            parameters: dict[str, Any] | None = None, *,
                            raw: bool = False) -> Template:
    """Through ``templates.add`` (validated, probed), or — ``raw`` — straight into the
    store, for templates broken in ways ``add`` would refuse."""
    adder = getattr(services.templates, "add", None)
    source = {"manifests": manifests, "parameters": dict(parameters or DEFAULTS)}
    if adder is not None and not raw:
        return await adder(name, "yaml", source)
    tpl = Template(id=f"tpl-{name}", name=name, kind="yaml", source=source)
    await services.store.add_template(tpl)
    return tpl


async def create_namespace(services: Services, cluster: str, namespace: str = NS) -> None:
    client = await services.clusters.client(await services.clusters.get(cluster))
    await client.apply({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": namespace}}, field_manager="test")


async def setup_east(services: Services, fleet: SandboxFleet, *, namespaces: bool = True,
                labels: dict[str, dict[str, str]] | None = None) -> list[AppTarget]:
    """Instance ``east`` with every sandbox cluster, namespace ``shop`` on each, template
    ``web``; returns one target per cluster."""
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [
        AssociateRequest(context=c.name, labels=(labels or {}).get(c.name, {}))
        for c in fleet.clusters])
    if namespaces:
        for c in fleet.clusters:
            await create_namespace(services, c.name)
    await add_yaml_template(services)
    return [AppTarget(c.name, NS) for c in fleet.clusters]


async def client_of(services: Services, cluster: str) -> Any:
    return await services.clusters.client(await services.clusters.get(cluster))


async def app_objects(services: Services, cluster: str, app: str = "web",
                      namespace: str = NS) -> dict[str, dict[str, Any]]:
    """Kind/name → object, of the app's labelled objects in ``namespace``."""
    client = await client_of(services, cluster)
    sel = f"{LABEL_NAME}={app},{LABEL_INSTANCE}=east"
    out: dict[str, dict[str, Any]] = {}
    for api, kind in (("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment")):
        listed = await client.list(api, kind, namespace=namespace, label_selector=sel)
        for item in listed["items"]:
            out[f"{kind}/{item['metadata']['name']}"] = item
    return out

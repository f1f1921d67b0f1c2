# ruff: noqa: E501  (kubectl prints describe lines as long as they are)
"""SVG snapshots of the row-action screens (#11 item 3) in English and Chinese: describe and
YAML of one Deployment. The object's text is fixed (an ``objects`` service that answers with
it), so the pictures show the screens, not a sandbox's random uids and times. Update with
``pytest tests/ui/test_resource_snapshots.py --snapshot-update`` and look at them first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ccseone_tui.i18n import set_language
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.services import Services
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import resource_actions
from ccseone_tui.ui.app import CcseoneApp

SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]
REF = ObjectRef("east-prod-1", ResourceInfo("apps", "v1", "Deployment", "deployments", True),
                "shop", "checkout-api")

DESCRIBE = """\
Name:                   checkout-api
Namespace:              shop
CreationTimestamp:      Sun, 15 Jun 2025 14:06:40 +0000
Labels:                 app=checkout-api
                        team=payments
Annotations:            deployment.kubernetes.io/revision: 3
Selector:               app=checkout-api
Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=checkout-api
  Containers:
   api:
    Image:      registry.example.test/shop/checkout-api:2.4.1
    Port:       8080/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     500m
      memory:  512Mi
    Liveness:   http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3
    Environment:
      LOG_LEVEL:  info
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   checkout-api-7d9f8c6b5 (3/3 replicas created)
Events:
  Type     Reason             Age   From                   Message
  ----     ------             ----  ----                   -------
  Normal   ScalingReplicaSet  12m   deployment-controller  Scaled up replica set checkout-api-7d9f8c6b5 to 3
  Warning  Unhealthy          3m    kubelet                Liveness probe failed: HTTP probe failed with statuscode: 503
  Normal   Killing            3m    kubelet                Container api failed liveness probe, will be restarted"""

YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "3"
  creationTimestamp: "2025-06-15T14:06:40Z"
  generation: 3
  labels:
    app: checkout-api
    team: payments
  # managedFields: 3 entries folded
  name: checkout-api
  namespace: shop
  resourceVersion: "48213"
  uid: 3f0c2a9e-5b1d-4c8e-9a77-2d4e6f8a1b3c
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: checkout-api
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: checkout-api
    spec:
      containers:
      - image: registry.example.test/shop/checkout-api:2.4.1
        name: api
        ports:
        - containerPort: 8080
          protocol: TCP
status:
  availableReplicas: 2
  readyReplicas: 2
  replicas: 3"""


class FixedObjects:
    """Answers describe and YAML for ``REF`` with the texts above."""

    async def describe(self, ref: ObjectRef) -> str:
        return DESCRIBE

    async def yaml(self, ref: ObjectRef, *, managed_fields: bool = False,
                   reveal: bool = False) -> str:
        return YAML


def with_fixed_objects(services: Services) -> Services:
    services.__dict__["objects"] = FixedObjects()  # the cached_property's slot
    return services


async def open_describe(pilot: Any) -> None:
    resource_actions.describe(pilot.app, REF)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_yaml(pilot: Any) -> None:
    resource_actions.show_yaml(pilot.app, REF)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_describe(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                  lang: str) -> None:
    """Describe: headings bold, the Warning event stands out, its keys in the footer."""
    set_language(lang)
    app = make_app(with_fixed_objects(sync_services()))
    assert snap_compare(app, run_before=open_describe, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_yaml(snap_compare, sync_services: SyncServices, make_app: MakeApp, lang: str) -> None:
    """YAML highlighted, managedFields folded into one comment line (the status says so)."""
    set_language(lang)
    app = make_app(with_fixed_objects(sync_services()))
    assert snap_compare(app, run_before=open_yaml, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_describe_search(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                         lang: str) -> None:
    """``/`` probe Enter: every match highlighted, the current one stronger, counted."""
    set_language(lang)
    app = make_app(with_fixed_objects(sync_services()))
    assert snap_compare(app, run_before=open_describe, press=["slash", *"probe", "enter"],
                        terminal_size=SIZE)

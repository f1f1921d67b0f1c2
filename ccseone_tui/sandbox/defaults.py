"""Defaulting the API server applies on create/update, so objects read back look real
(namespaces Active with the kubernetes finalizer, services with a ClusterIP, pods Pending
with default spec fields, CRDs Established, quotas with status)."""

from __future__ import annotations

import base64
import itertools
from typing import Any

from ccseone_tui.sandbox.resources import ResourceType


class Allocator:
    """Per-cluster pools for service IPs and node ports."""

    def __init__(self) -> None:
        self._ips = itertools.count(10)
        self._ports = itertools.count(30000)

    def cluster_ip(self) -> str:
        n = next(self._ips)
        return f"10.96.{n // 250 % 250}.{n % 250 + 1}"

    def node_port(self) -> int:
        return next(self._ports)


def _pod_spec(spec: dict[str, Any]) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        image = str(c.get("image", ""))
        tagged = ":" in image.rsplit("/", 1)[-1]
        latest = not tagged or image.endswith(":latest")
        c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        c.setdefault("resources", {})
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")


def _template(obj: dict[str, Any]) -> None:
    tpl = obj.setdefault("spec", {}).setdefault("template", {})
    tpl.setdefault("metadata", {})
    _pod_spec(tpl.setdefault("spec", {}))


def apply_defaults(
    rt: ResourceType, obj: dict[str, Any], alloc: Allocator, creating: bool
) -> None:
    meta = obj["metadata"]
    spec = obj.get("spec")
    if rt.group == "":
        if rt.plural == "namespaces":
            meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta["name"]
            if creating:
                obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
            obj.setdefault("status", {}).setdefault("phase", "Active")
        elif rt.plural == "pods":
            spec = obj.setdefault("spec", {})
            _pod_spec(spec)
            spec.setdefault("serviceAccountName", "default")
            spec.setdefault("serviceAccount", spec["serviceAccountName"])
            if creating:
                obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
        elif rt.plural == "services":
            spec = obj.setdefault("spec", {})
            kind = spec.setdefault("type", "ClusterIP")
            if kind != "ExternalName":
                if not spec.get("clusterIP"):
                    spec["clusterIP"] = alloc.cluster_ip()
                spec.setdefault("clusterIPs", [spec["clusterIP"]])
                spec.setdefault("ipFamilies", ["IPv4"])
                spec.setdefault("ipFamilyPolicy", "SingleStack")
                spec.setdefault("sessionAffinity", "None")
                spec.setdefault("internalTrafficPolicy", "Cluster")
            for p in spec.get("ports") or []:
                p.setdefault("protocol", "TCP")
                p.setdefault("targetPort", p.get("port"))
                if kind in ("NodePort", "LoadBalancer") and not p.get("nodePort"):
                    p["nodePort"] = alloc.node_port()
            obj.setdefault("status", {"loadBalancer": {}})
        elif rt.plural == "secrets":
            obj.setdefault("type", "Opaque")
            string_data = obj.pop("stringData", None) or {}
            if string_data:
                data = obj.setdefault("data", {})
                for k, v in string_data.items():
                    data[k] = base64.b64encode(str(v).encode()).decode()
        elif rt.plural == "resourcequotas":
            hard = dict(((spec or {}).get("hard")) or {})
            used = (obj.get("status") or {}).get("used") or {}
            obj["status"] = {"hard": hard, "used": {k: used.get(k, "0") for k in hard}}
    elif rt.group == "apps":
        spec = obj.setdefault("spec", {})
        if rt.plural != "daemonsets":
            spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if rt.plural == "deployments":
            spec.setdefault("progressDeadlineSeconds", 600)
            spec.setdefault("strategy", {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            })
        elif rt.plural == "statefulsets":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("updateStrategy", {
                "type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        elif rt.plural == "daemonsets":
            spec.setdefault("updateStrategy", {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
        _template(obj)
        if creating:
            obj["status"] = {}
    elif rt.group == "batch" and rt.plural == "jobs":
        spec = obj.setdefault("spec", {})
        spec.setdefault("completions", 1)
        spec.setdefault("parallelism", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        _template(obj)
        tpl_spec = spec["template"]["spec"]
        if tpl_spec.get("restartPolicy") == "Always":
            tpl_spec["restartPolicy"] = "Never"
        if creating and not spec.get("manualSelector"):
            # The job controller's generated selector, as the real defaulting does.
            uid = meta["uid"]
            spec.setdefault(
                "selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
            )
            labels = spec["template"]["metadata"].setdefault("labels", {})
            labels.update({
                "batch.kubernetes.io/controller-uid": uid, "controller-uid": uid,
                "batch.kubernetes.io/job-name": meta["name"], "job-name": meta["name"],
            })
            obj["status"] = {}
    elif rt.group == "certificates.k8s.io" and creating:
        obj.setdefault("status", {})  # a new CSR reads back with an empty status
    elif rt.group == "apiextensions.k8s.io":
        spec = obj.setdefault("spec", {})
        names = dict(spec.get("names") or {})
        names.setdefault("singular", str(names.get("kind", "")).lower())
        names.setdefault("listKind", f"{names.get('kind', '')}List")
        spec["names"] = names
        spec.setdefault("scope", "Namespaced")
        now = meta.get("creationTimestamp", "")
        obj["status"] = {
            "acceptedNames": names,
            "storedVersions": [v["name"] for v in spec.get("versions", []) if v.get("storage")]
            or [v["name"] for v in spec.get("versions", [])[:1]],
            "conditions": [
                {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
                 "message": "no conflicts found", "lastTransitionTime": now},
                {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                 "message": "the initial names have been accepted", "lastTransitionTime": now},
            ],
        }

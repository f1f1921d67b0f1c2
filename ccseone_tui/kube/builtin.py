"""Built-in kinds addressed without discovery: (apiVersion, kind) -> group/version/plural/scope.

Every conformant API server serves these at these paths (they are part of the API, not of
the cluster), so listing pods on a fleet does not need the 8+ discovery requests per cluster
first: kubectl itself hard-codes the same mapping for its built-in printers. An old or
trimmed server that does not serve one answers 404 on the path; ``ClusterClient`` then asks
discovery, which says ``KindNotFound`` (or gives the real path). ``resource_for`` stays
authoritative (discovery) for callers that must know whether a kind is served (apps).
"""

from __future__ import annotations

from ccseone_tui.kube.values import ResourceInfo


def _r(group: str, version: str, kind: str, plural: str, namespaced: bool,
       *short_names: str) -> ResourceInfo:
    return ResourceInfo(group=group, version=version, kind=kind, plural=plural,
                        namespaced=namespaced, short_names=short_names)


_TABLE: tuple[ResourceInfo, ...] = (
    # core
    _r("", "v1", "Pod", "pods", True, "po"),
    _r("", "v1", "Service", "services", True, "svc"),
    _r("", "v1", "ConfigMap", "configmaps", True, "cm"),
    _r("", "v1", "Secret", "secrets", True),
    _r("", "v1", "ServiceAccount", "serviceaccounts", True, "sa"),
    _r("", "v1", "Namespace", "namespaces", False, "ns"),
    _r("", "v1", "Node", "nodes", False, "no"),
    _r("", "v1", "Event", "events", True, "ev"),
    _r("", "v1", "Endpoints", "endpoints", True, "ep"),
    _r("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, "pvc"),
    _r("", "v1", "PersistentVolume", "persistentvolumes", False, "pv"),
    _r("", "v1", "ResourceQuota", "resourcequotas", True, "quota"),
    _r("", "v1", "LimitRange", "limitranges", True, "limits"),
    _r("", "v1", "ReplicationController", "replicationcontrollers", True, "rc"),
    _r("", "v1", "PodTemplate", "podtemplates", True),
    # apps, batch, autoscaling, policy
    _r("apps", "v1", "Deployment", "deployments", True, "deploy"),
    _r("apps", "v1", "StatefulSet", "statefulsets", True, "sts"),
    _r("apps", "v1", "DaemonSet", "daemonsets", True, "ds"),
    _r("apps", "v1", "ReplicaSet", "replicasets", True, "rs"),
    _r("apps", "v1", "ControllerRevision", "controllerrevisions", True),
    _r("batch", "v1", "Job", "jobs", True),
    _r("batch", "v1", "CronJob", "cronjobs", True, "cj"),
    _r("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, "hpa"),
    _r("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, "hpa"),
    _r("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, "pdb"),
    # networking, discovery
    _r("networking.k8s.io", "v1", "Ingress", "ingresses", True, "ing"),
    _r("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    _r("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, "netpol"),
    _r("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    # access control
    _r("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    _r("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    _r("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests",
       False, "csr"),
    # storage, scheduling, nodes
    _r("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, "sc"),
    _r("storage.k8s.io", "v1", "CSIDriver", "csidrivers", False),
    _r("storage.k8s.io", "v1", "CSINode", "csinodes", False),
    _r("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", False),
    _r("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, "pc"),
    _r("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", False),
    _r("coordination.k8s.io", "v1", "Lease", "leases", True),
    _r("events.k8s.io", "v1", "Event", "events", True, "ev"),
    # API machinery
    _r("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
       False, "crd", "crds"),
    _r("apiregistration.k8s.io", "v1", "APIService", "apiservices", False),
    _r("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration",
       "mutatingwebhookconfigurations", False),
    _r("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration",
       "validatingwebhookconfigurations", False),
)

BUILTIN: dict[tuple[str, str], ResourceInfo] = {(r.api_version, r.kind): r for r in _TABLE}


def builtin(api_version: str, kind: str) -> ResourceInfo | None:
    """The built-in resource type for ``apiVersion``/``kind``, or None (a CRD, an aggregated
    API, or a version the table does not know: discovery decides)."""
    return BUILTIN.get((api_version, kind))


__all__ = ["BUILTIN", "builtin"]

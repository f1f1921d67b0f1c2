"""The OCM hub objects this engine reads and writes: API versions, kinds, names, labels.
docs/ocm.md lists the requests made with them."""

from __future__ import annotations

CLUSTER_API = "cluster.open-cluster-management.io/v1"
MANAGED_CLUSTER = "ManagedCluster"
MANAGED_CLUSTER_CRD = "managedclusters.cluster.open-cluster-management.io"
ADDON_API = "addon.open-cluster-management.io/v1alpha1"
MANAGED_CLUSTER_ADDON = "ManagedClusterAddOn"
WORK_API = "work.open-cluster-management.io/v1"
MANIFEST_WORK = "ManifestWork"
OPERATOR_API = "operator.open-cluster-management.io/v1"
CLUSTER_MANAGER = "ClusterManager"
CLUSTER_MANAGER_NAME = "cluster-manager"
CSR_API = "certificates.k8s.io/v1"
CSR = "CertificateSigningRequest"
CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
MC_PATH = "/apis/cluster.open-cluster-management.io/v1/managedclusters"

OCM_NAMESPACE = "open-cluster-management"
HUB_NAMESPACE = "open-cluster-management-hub"
# newer hubs (clusteradm init) first, then the account older hubs made
BOOTSTRAP_ACCOUNTS = ("agent-registration-bootstrap", "cluster-bootstrap")

CLUSTER_LABEL = "open-cluster-management.io/cluster-name"
CLUSTERSET_LABEL = "cluster.open-cluster-management.io/clusterset"
REGION_LABEL = "region"
CREATED_BY = "ccseone.io/created-by"
PROTECTION = "ccseone.io/deletion-protection"
WORK_FINALIZER = "cluster.open-cluster-management.io/manifest-work-cleanup"

HUB_ACCEPTED = "HubAcceptedManagedCluster"
JOINED = "ManagedClusterJoined"
AVAILABLE = "ManagedClusterConditionAvailable"

# what `clusteradm accept` writes on the CSRs it approves (the hub's own approver uses the
# same reason), so `kubectl get csr -o yaml` reads the same whoever accepted
APPROVE_REASON = "AutoApprovedByHubCSRApprovingController"
APPROVE_MESSAGE = "Auto approving Managed cluster agent certificate after SubjectAccessReview."
DENY_REASON = "DeniedByCcseone"
DENY_MESSAGE = "Denied by the hub cluster admin through ccseone."

MSA_SECRET = "ccseone"  # the managed-serviceaccount whose token gives direct access
ARGOCD_NAMESPACE = "argocd"
ARGOCD_CLUSTER_LABEL = "argocd.argoproj.io/secret-type=cluster"

# kinds whose hub Events belong in the instance log
EVENT_KINDS = frozenset({MANAGED_CLUSTER, CSR, MANIFEST_WORK})

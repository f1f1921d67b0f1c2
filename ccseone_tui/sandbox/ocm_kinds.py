"""The Open Cluster Management kinds an emulated hub or managed cluster serves.

Declared here (group, versions, scope, names, subresources; no schemas) and installed as
CustomResourceDefinition objects, because that is how a real OCM hub serves them: clients
that look for ``managedclusters.cluster.open-cluster-management.io`` among the CRDs, or in
discovery, find it either way. ``tests/sandbox/test_ocm_kinds.py`` installs the real OCM v1.3
CRD files into a plain sandbox cluster and checks these declarations serve the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ccseone_tui.sandbox.resources import CRDS, ResourceType, crd_types
from ccseone_tui.sandbox.writes import Writes

CLUSTER_GROUP = "cluster.open-cluster-management.io"
ADDON_GROUP = "addon.open-cluster-management.io"
WORK_GROUP = "work.open-cluster-management.io"
OPERATOR_GROUP = "operator.open-cluster-management.io"
MSA_GROUP = "authentication.open-cluster-management.io"


@dataclass(frozen=True, slots=True)
class Kind:
    """One CRD: what ``spec`` of its CustomResourceDefinition says."""

    group: str
    versions: tuple[str, ...]  # in the CRD's order; the first is the storage version
    plural: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    status: bool = True  # has the status subresource

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{self.group}"

    def crd(self) -> dict[str, Any]:
        """A CRD object for this kind, schema-less (unknown fields preserved)."""
        names: dict[str, Any] = {"kind": self.kind, "listKind": f"{self.kind}List",
                                 "plural": self.plural, "singular": self.kind.lower()}
        if self.short_names:
            names["shortNames"] = list(self.short_names)
        versions = []
        for i, v in enumerate(self.versions):
            version: dict[str, Any] = {
                "name": v, "served": True, "storage": i == 0,
                "schema": {"openAPIV3Schema": {"type": "object",
                                               "x-kubernetes-preserve-unknown-fields": True}},
            }
            if self.status:
                version["subresources"] = {"status": {}}
            versions.append(version)
        return {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": self.crd_name,
                         "labels": {"ccseone.io/sandbox-ocm": "true"}},
            "spec": {"group": self.group, "names": names,
                     "scope": "Namespaced" if self.namespaced else "Cluster",
                     "versions": versions},
        }

    def types(self) -> list[ResourceType]:
        return crd_types(self.crd())

    def type(self) -> ResourceType:
        """The storage version's served type (what the emulators read and write)."""
        return self.types()[0]


MANAGED_CLUSTERS = Kind(CLUSTER_GROUP, ("v1",), "managedclusters", "ManagedCluster", False,
                        ("mcl", "mcls"))
MANAGED_CLUSTER_SETS = Kind(CLUSTER_GROUP, ("v1beta2",), "managedclustersets",
                            "ManagedClusterSet", False, ("mclset", "mclsets"))
MANAGED_CLUSTER_SET_BINDINGS = Kind(CLUSTER_GROUP, ("v1beta2",), "managedclustersetbindings",
                                    "ManagedClusterSetBinding", True,
                                    ("mclsetbinding", "mclsetbindings"))
MANAGED_CLUSTER_ADDONS = Kind(ADDON_GROUP, ("v1alpha1", "v1beta1"), "managedclusteraddons",
                              "ManagedClusterAddOn", True, ("mca", "mcas"))
CLUSTER_MANAGEMENT_ADDONS = Kind(ADDON_GROUP, ("v1alpha1", "v1beta1"),
                                 "clustermanagementaddons", "ClusterManagementAddOn", False,
                                 ("cma", "cmas"))
MANIFEST_WORKS = Kind(WORK_GROUP, ("v1",), "manifestworks", "ManifestWork", True)
CLUSTER_MANAGERS = Kind(OPERATOR_GROUP, ("v1",), "clustermanagers", "ClusterManager", False)
# The managed-serviceaccount addon's API (hub side).
MANAGED_SERVICE_ACCOUNTS = Kind(MSA_GROUP, ("v1beta1",), "managedserviceaccounts",
                                "ManagedServiceAccount", True)

KLUSTERLETS = Kind(OPERATOR_GROUP, ("v1",), "klusterlets", "Klusterlet", False)
APPLIED_MANIFEST_WORKS = Kind(WORK_GROUP, ("v1",), "appliedmanifestworks",
                              "AppliedManifestWork", False)
CLUSTER_CLAIMS = Kind(CLUSTER_GROUP, ("v1alpha1",), "clusterclaims", "ClusterClaim", False,
                      status=False)

HUB_KINDS: tuple[Kind, ...] = (
    MANAGED_CLUSTERS, MANAGED_CLUSTER_SETS, MANAGED_CLUSTER_SET_BINDINGS,
    MANAGED_CLUSTER_ADDONS, CLUSTER_MANAGEMENT_ADDONS, MANIFEST_WORKS, CLUSTER_MANAGERS,
)
MEMBER_KINDS: tuple[Kind, ...] = (KLUSTERLETS, APPLIED_MANIFEST_WORKS, CLUSTER_CLAIMS)


def install(writes: Writes, kinds: Iterable[Kind]) -> None:
    """Create the kinds' CRDs (skipping those already there); the store's CRD handling
    then serves them and lists them in discovery."""
    for kind in kinds:
        if writes.state.get(CRDS.key, "", kind.crd_name) is None:
            writes.create(CRDS, "", kind.crd(), None)

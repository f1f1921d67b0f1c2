"""Work ccseone does *on* a member cluster: the edge-node prerequisite (SPEC §3.1.3.1, §5.6)
and the member-side cleanup of a registered cluster when it is deleted (§3.1.3.6).

Each function takes a ``kube.ClusterClient``; the service records tasks around them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.engines.probe import EDGE_LABEL, EDGE_VALUE, node_is_ready
from ccseone_tui.i18n import t
from ccseone_tui.services.clusters.join import MANAGED_BY, NAMESPACE, binding_name

RBAC = "rbac.authorization.k8s.io/v1"


class EdgeNode(NamedTuple):
    name: str
    ready: bool
    edge: bool  # labelled ccseone-node-type=edge


@dataclass(slots=True)
class CleanupStep:
    target: str  # e.g. "ClusterRoleBinding ccseone-agent-east-1"
    status: str  # a TaskStatus value
    message: str = ""


@dataclass(slots=True)
class ClusterDeletion:
    """What deleting a cluster did: apps left behind (forced), member-side steps, and the
    kubectl commands the user still has to run on the member."""

    cluster: str
    apps: list[str] = field(default_factory=list)
    steps: list[CleanupStep] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    task_id: str | None = None
    # hub members: works stuck on their cleanup finalizer stop the delete (done False)
    stuck: list[str] = field(default_factory=list)
    done: bool = True


def owns_credentials(kubeconfig: str | None, credentials_dir: Path | None) -> bool:
    """True when the cluster's kubeconfig is one ccseone wrote at registration."""
    if not kubeconfig or credentials_dir is None:
        return False
    try:
        return Path(kubeconfig).resolve().parent == credentials_dir.resolve()
    except OSError:
        return False


# ---- edge nodes ------------------------------------------------------------------------------


async def list_edge_nodes(client: Any) -> list[EdgeNode]:
    nodes = (await client.list("v1", "Node")).get("items", [])
    out = []
    for node in nodes:
        meta = node.get("metadata", {})
        labels = meta.get("labels") or {}
        out.append(EdgeNode(meta.get("name", ""), node_is_ready(node),
                            labels.get(EDGE_LABEL) == EDGE_VALUE))
    return sorted(out)


def label_action(client: Any, node: str) -> Callable[[], Awaitable[str]]:
    label = f"{EDGE_LABEL}={EDGE_VALUE}"

    async def action() -> str:
        current = await client.get("v1", "Node", node)  # 404 names the node in the result
        if (current.get("metadata", {}).get("labels") or {}).get(EDGE_LABEL) == EDGE_VALUE:
            return t("edge.already", label=label)
        await client.merge_patch("v1", "Node", node,
                                 {"metadata": {"labels": {EDGE_LABEL: EDGE_VALUE}}})
        return t("edge.labelled", label=label)

    return action


# ---- member cleanup ----------------------------------------------------------------------------


def cleanup_actions(client: Any, cluster: str) -> dict[str, Callable[[], Awaitable[str]]]:
    """Ordered: the binding first, then the namespace — deleting the namespace deletes the
    service account, which revokes the very token these calls authenticate with."""
    binding = binding_name(cluster)

    async def delete_binding() -> str:
        try:
            await client.delete(RBAC, "ClusterRoleBinding", binding)
        except ResourceNotFound:
            return t("delete.already_gone")
        return t("delete.deleted")

    async def delete_namespace() -> str:
        # the same member may be registered under other names (or by another ccseone): its
        # service account is shared, so the namespace stays while their bindings exist
        bindings = await client.list(RBAC, "ClusterRoleBinding", label_selector=MANAGED_BY)
        others = sorted(b["metadata"]["name"] for b in bindings.get("items", [])
                        if b["metadata"]["name"] != binding)
        if others:
            return t("delete.kept_namespace", bindings=", ".join(others))
        try:
            await client.delete("v1", "Namespace", NAMESPACE)
        except ResourceNotFound:
            return t("delete.already_gone")
        return t("delete.deleted")

    return {f"{cluster}/ClusterRoleBinding {binding}": delete_binding,
            f"{cluster}/Namespace {NAMESPACE}": delete_namespace}

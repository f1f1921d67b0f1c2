"""Who a request is (authentication result) and what it asks for (authorization attributes).

The sandbox grants everything to its admin token and to service-account tokens, like the
cluster-admin kubeconfig of a fresh cluster. Extra authenticators and an authorizer can be
plugged into a cluster (``SandboxCluster.authenticators``/``authorizer``): the emulated OCM
hub uses them to accept the client credentials it issues to agents and to give bootstrap
and agent identities the narrow rights real OCM RBAC gives them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from ccseone_tui.sandbox.status import ApiError

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

ADMIN = "kubernetes-admin"  # what kubeadm names the admin kubeconfig's user


@dataclass(frozen=True, slots=True)
class User:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""


def admin_user() -> User:
    return User(ADMIN, ("kubeadm:cluster-admins", "system:authenticated"))


def service_account_user(subject: str, uid: str = "") -> User:
    """``system:serviceaccount:<ns>:<name>`` with the groups the API server adds."""
    ns = subject.split(":")[2] if subject.count(":") >= 3 else ""
    return User(subject, ("system:serviceaccounts", f"system:serviceaccounts:{ns}",
                          "system:authenticated"), uid)


ANONYMOUS = User("system:anonymous", ("system:unauthenticated",))
USER_KEY = web.RequestKey("sandbox.user", User)  # where the server leaves the caller
# subresources reached by a WebSocket upgrade of a GET (SPDY POSTs them)
_UPGRADED = frozenset({"exec", "portforward", "attach"})


@dataclass(frozen=True, slots=True)
class Attributes:
    """A resource request as RBAC sees it."""

    verb: str
    group: str
    resource: str
    subresource: str
    namespace: str
    name: str


def request_attributes(cluster: SandboxCluster, request: web.BaseRequest) -> Attributes | None:
    """The resource attributes of ``request``; None for non-resource paths (discovery,
    /version, health), which every authenticated user may read."""
    from ccseone_tui.sandbox.api import parse_target

    parts = [p for p in request.path.split("/") if p]
    if not parts or parts[0] not in ("api", "apis") or (
            parts[0] == "api" and len(parts) <= 2) or (parts[0] == "apis" and len(parts) <= 3):
        return None
    try:
        t = parse_target(cluster, parts)
    except ApiError:
        return None  # the handler answers 404
    method = request.method
    watching = t.watch or request.query.get("watch", "").lower() in ("true", "1")
    if method == "GET" and t.sub in _UPGRADED:
        verb = "create"  # a WebSocket upgrade: RBAC asks create (Kubernetes >= 1.30)
    elif method == "GET":
        verb = "watch" if watching else ("get" if t.name else "list")
    else:
        verb = {"POST": "create", "PUT": "update", "PATCH": "patch"}.get(method, "")
        if method == "DELETE":
            verb = "delete" if t.name else "deletecollection"
    return Attributes(verb, t.rt.group, t.rt.plural, t.sub or "", t.namespace or "",
                      t.name or "")


def forbidden_for(user: User, a: Attributes) -> ApiError:
    """403 worded like the RBAC authorizer's."""
    resource = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
    qualified = f"{a.resource}.{a.group}" if a.group else a.resource
    subject = f'{qualified} "{a.name}"' if a.name else qualified
    scope = f'in the namespace "{a.namespace}"' if a.namespace else "at the cluster scope"
    return ApiError(
        403, "Forbidden",
        f'{subject} is forbidden: User "{user.name}" cannot {a.verb} resource "{resource}" in '
        f'API group "{a.group}" {scope}',
        {"name": a.name, "group": a.group, "kind": a.resource} if a.name else
        {"group": a.group, "kind": a.resource},
    )

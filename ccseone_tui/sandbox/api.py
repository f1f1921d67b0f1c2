"""Routing of REST paths to the store: discovery, get/list/watch, writes, subresources."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from aiohttp import web

from ccseone_tui.sandbox import discovery
from ccseone_tui.sandbox.authn import USER_KEY, User
from ccseone_tui.sandbox.logs import serve_logs
from ccseone_tui.sandbox.patches import json_patch, merge_patch
from ccseone_tui.sandbox.resources import CSRS, ResourceType
from ccseone_tui.sandbox.selectors import combine, parse_field_selector, parse_label_selector
from ccseone_tui.sandbox.status import (
    ApiError,
    bad_request,
    method_not_allowed,
    path_not_found,
    success_body,
)
from ccseone_tui.sandbox.tables import to_table, wants_table
from ccseone_tui.sandbox.watch import serve_watch

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

Obj = dict[str, Any]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PATCH_TYPES = frozenset({
    "application/merge-patch+json", "application/strategic-merge-patch+json",
    "application/json-patch+json", "application/apply-patch+yaml",
    "application/apply-patch+cbor",
})
_OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
# Kinds whose DELETE answers the deleted object rather than a Status (ReturnDeletedObject in
# the API server; the typed clients deserialize these responses as the kind).
_RETURNS_DELETED = frozenset({
    ("", "pods"), ("", "services"), ("", "serviceaccounts"), ("", "resourcequotas"),
    ("", "persistentvolumeclaims"),
})
_HEALTH = frozenset({"healthz", "readyz", "livez"})


def json_response(obj: Any, status: int = 200) -> web.Response:
    return web.Response(body=discovery.dumps(obj), status=status, content_type="application/json")


def raw_json(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="application/json")


def _truthy(v: str | None) -> bool:
    return (v or "").lower() in ("true", "1")


@dataclass(slots=True)
class Target:
    rt: ResourceType
    namespace: str | None  # None: cluster-scoped kind, or a list across all namespaces
    name: str | None
    sub: str | None
    watch: bool


def parse_target(cluster: SandboxCluster, parts: list[str]) -> Target:
    if parts[0] == "api" and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise path_not_found()
    watch = False
    if rest[0] == "watch":  # the deprecated /watch/ path prefix
        watch, rest = True, rest[1:]
    namespace: str | None = None
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
        namespace, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        raise path_not_found()
    rt = cluster.state.registry.lookup(group, version, rest[0])
    if rt is None:
        raise path_not_found()
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if (namespace is not None and not rt.namespaced) or (
        rt.namespaced and namespace is None and name is not None
    ):
        raise path_not_found()
    if sub is not None and sub not in rt.subresources:
        raise path_not_found()
    return Target(rt, namespace, name, sub, watch)


class Api:
    """Serves one cluster's REST API (called by the server after auth and faults)."""

    def __init__(self, cluster: SandboxCluster) -> None:
        self.cluster = cluster
        self.state = cluster.state
        self.writes = cluster.writes
        self.discovery = discovery.DiscoveryCache(cluster.state.registry)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        parts = [p for p in request.path.split("/") if p]
        if not parts:
            return json_response({"paths": ["/api", "/api/v1", "/apis", "/healthz", "/version"]})
        head = parts[0]
        if head == "version" and len(parts) == 1:
            return raw_json(discovery.version_doc(self.cluster.faults.version))
        if head in _HEALTH:
            return web.Response(text="ok", content_type="text/plain")
        if head == "openapi":
            return self._openapi(request, parts)
        if request.method == "GET" and (
            (head == "api" and len(parts) <= 2) or (head == "apis" and len(parts) <= 3)
        ):
            if parts == ["api"]:
                return raw_json(discovery.api_versions(request.host))
            doc = self.discovery.get("/".join(parts))
            if doc is None:
                raise path_not_found()
            return raw_json(doc)
        target = parse_target(self.cluster, parts)
        return await self._resource(request, target)

    def _openapi(self, request: web.BaseRequest, parts: list[str]) -> web.Response:
        version = self.cluster.faults.version
        if parts == ["openapi", "v2"]:
            if "protobuf" in request.headers.get("Accept", ""):
                return web.Response(body=discovery.openapi_v2_protobuf(version),
                                    content_type=_OPENAPI_V2_PROTOBUF)
            return raw_json(discovery.openapi_v2_doc(version))
        if parts == ["openapi", "v3"]:
            return raw_json(self.discovery.openapi_v3_root())
        if len(parts) > 2 and parts[1] == "v3":
            doc = self.discovery.openapi_v3("/".join(parts[2:]), version)
            if doc is not None:
                return raw_json(doc)
        raise path_not_found()

    # ---- resources ---------------------------------------------------------------------
    async def _resource(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        q = request.query
        method = request.method
        ns = t.namespace or ""
        dry_run = q.get("dryRun") == "All"
        if t.sub == "log":
            if method != "GET":
                raise method_not_allowed(method)
            return await serve_logs(self.cluster, request, ns, t.name or "")
        if t.sub == "exec":
            from ccseone_tui.sandbox.exec import serve_exec

            return await serve_exec(self.cluster, request, ns, t.name or "")
        if t.sub == "portforward":
            from ccseone_tui.sandbox.portforward import serve_portforward

            return await serve_portforward(self.cluster, request, ns, t.name or "")
        if t.sub == "token":
            if method != "POST":
                raise method_not_allowed(method)
            body = await self._body(request)
            answer = self.cluster.tokens.request(ns, t.name or "", body, dry_run)
            return json_response(answer, 201)
        if t.name is None:
            if method == "GET":
                return await self._list(request, t)
            if method == "POST":
                if t.rt.namespaced and t.namespace is None:
                    raise path_not_found()
                body = await self._body(request)
                if t.rt.key == CSRS.key:
                    _set_requester(body, request.get(USER_KEY))
                obj = self.writes.create(t.rt, ns, body, self._manager(request), dry_run)
                return json_response(self._out(t.rt, obj), 201)
            if method == "DELETE":
                return await self._delete_collection(request, t)
            raise method_not_allowed(method)
        name = t.name
        if t.sub == "scale":
            return await self._scale(request, t)
        if method == "GET":
            return json_response(self._out(t.rt, self.writes.get_existing(t.rt, ns, name)))
        if method == "PUT":
            body = await self._body(request)
            if t.sub == "finalize":
                return json_response(self.writes.finalize_namespace(name, body, dry_run))
            obj = self.writes.update(t.rt, ns, name, body, self._manager(request), dry_run, t.sub)
            return json_response(self._out(t.rt, obj))
        if method == "PATCH":
            return await self._patch(request, t, dry_run)
        if method == "DELETE":
            opts = await self._body(request, optional=True) or {}
            propagation = q.get("propagationPolicy") or opts.get("propagationPolicy")
            if opts.get("orphanDependents") is True or _truthy(q.get("orphanDependents")):
                propagation = propagation or "Orphan"
            dry_run = dry_run or "All" in (opts.get("dryRun") or [])
            obj, exists = self.writes.delete(
                t.rt, ns, name, propagation, dry_run, opts.get("preconditions")
            )
            if exists or t.rt.key in _RETURNS_DELETED:
                return json_response(self._out(t.rt, obj))
            return json_response(success_body(name, t.rt.plural, obj["metadata"]["uid"],
                                              t.rt.group))
        raise method_not_allowed(method)

    async def _patch(self, request: web.BaseRequest, t: Target, dry_run: bool) -> web.Response:
        q = request.query
        ctype = request.content_type
        if ctype not in _PATCH_TYPES:
            raise ApiError(415, "UnsupportedMediaType",
                           f"the body of the request was in an unknown format - accepted "
                           f"media types include: {', '.join(sorted(_PATCH_TYPES))}")
        assert t.name is not None
        ns = t.namespace or ""
        raw = await request.read()
        if ctype.startswith("application/apply-patch"):
            manager = q.get("fieldManager")
            if not manager:
                raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: '
                               "fieldManager: Required value: is required for apply patch")
            try:
                body = yaml.load(raw.decode() or "{}", Loader=_YAML_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise bad_request(f"error decoding YAML: {exc}") from exc
            obj, created = self.writes.apply(
                t.rt, ns, t.name, body, manager, _truthy(q.get("force")), dry_run, t.sub
            )
            return json_response(self._out(t.rt, obj), 201 if created else 200)
        body = self._decode(raw)
        obj = self.writes.patch(t.rt, ns, t.name, ctype, body, self._manager(request), dry_run,
                                t.sub)
        return json_response(self._out(t.rt, obj))

    async def _scale(self, request: web.BaseRequest, t: Target) -> web.Response:
        assert t.name is not None
        ns = t.namespace or ""
        obj = self.writes.get_existing(t.rt, ns, t.name)
        method = request.method
        if method in ("PUT", "PATCH"):
            body = await self._body(request)
            current = _scale_of(obj)
            if method == "PATCH" and request.content_type == "application/json-patch+json":
                wanted = json_patch(current, body)
            elif method == "PATCH":
                wanted = merge_patch(current, body)
            else:
                wanted = body
            replicas = (wanted.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or replicas < 0:
                raise ApiError(422, "Invalid", f'Scale.autoscaling "{t.name}" is invalid: '
                               f'spec.replicas: Invalid value: {replicas}: must be greater than '
                               "or equal to 0")
            obj = self.writes.patch(
                t.rt, ns, t.name, "application/merge-patch+json",
                {"spec": {"replicas": replicas}}, self._manager(request),
                request.query.get("dryRun") == "All",
            )
        elif method != "GET":
            raise method_not_allowed(method)
        return json_response(_scale_of(obj))

    async def _list(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        q = request.query
        matcher = combine(
            parse_label_selector(q.get("labelSelector")),
            parse_field_selector(q.get("fieldSelector"), t.rt.plural),
        )
        table = wants_table(request.headers.get("Accept", ""))
        if t.watch or _truthy(q.get("watch")):
            return await serve_watch(self.cluster, request, t.rt, t.namespace, matcher, table)
        items = self.state.list(t.rt.key, t.namespace)
        if matcher is not None:
            items = [o for o in items if matcher(o)]
        rv = str(self.state.resource_version)
        meta: dict[str, Any] = {"resourceVersion": rv}
        token = q.get("continue")
        if token:
            start = _decode_continue(token)
            items = [o for o in items
                     if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) > start]
        limit = int(q.get("limit") or 0)
        if 0 < limit < len(items):
            last = items[limit - 1]["metadata"]
            meta["continue"] = _encode_continue(rv, last.get("namespace", ""), last["name"])
            meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        if table:
            return json_response(to_table(t.rt, items, rv, {k: v for k, v in meta.items()
                                                            if k != "resourceVersion"}))
        return json_response({
            "kind": t.rt.list_kind,
            "apiVersion": t.rt.api_version,
            "metadata": meta,
            "items": [self._out(t.rt, o) for o in items],
        })

    async def _delete_collection(self, request: web.BaseRequest, t: Target) -> web.Response:
        q = request.query
        matcher = combine(
            parse_label_selector(q.get("labelSelector")),
            parse_field_selector(q.get("fieldSelector"), t.rt.plural),
        )
        opts = await self._body(request, optional=True) or {}
        propagation = q.get("propagationPolicy") or opts.get("propagationPolicy")
        dry_run = q.get("dryRun") == "All"
        deleted = []
        for o in self.state.list(t.rt.key, t.namespace):
            if matcher is None or matcher(o):
                m = o["metadata"]
                obj, _ = self.writes.delete(t.rt, m.get("namespace", ""), m["name"],
                                            propagation, dry_run)
                deleted.append(self._out(t.rt, obj))
        return json_response({"kind": t.rt.list_kind, "apiVersion": t.rt.api_version,
                              "metadata": {"resourceVersion": str(self.state.resource_version)},
                              "items": deleted})

    # ---- helpers -----------------------------------------------------------------------
    @staticmethod
    def _out(rt: ResourceType, obj: Obj) -> Obj:
        if obj.get("apiVersion") != rt.api_version:
            return {**obj, "apiVersion": rt.api_version}
        return obj

    @staticmethod
    def _manager(request: web.BaseRequest) -> str:
        manager = request.query.get("fieldManager")
        if manager:
            return manager
        agent = request.headers.get("User-Agent", "unknown")
        return agent.split("/", 1)[0] or "unknown"

    @staticmethod
    def _decode(raw: bytes) -> Any:
        try:
            return json.loads(raw or b"null")
        except ValueError as exc:
            raise bad_request(f"the body of the request was in an unknown format: {exc}") from exc

    async def _body(self, request: web.BaseRequest, optional: bool = False) -> Any:
        raw = await request.read()
        if not raw.strip():
            if optional:
                return None
            raise bad_request("the body of the request was empty")
        ctype = request.content_type
        if "yaml" in ctype:
            try:
                return yaml.load(raw.decode(), Loader=_YAML_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise bad_request(f"error decoding YAML: {exc}") from exc
        return self._decode(raw)


def _set_requester(body: Any, user: User | None) -> None:
    """The API server overwrites a CSR's requester fields with the authenticated caller
    (approvers such as `clusteradm accept` trust spec.username because of it)."""
    if not isinstance(body, dict) or user is None:
        return
    spec = body.setdefault("spec", {})
    if isinstance(spec, dict):
        spec["username"] = user.name
        spec["groups"] = list(user.groups)
        if user.uid:
            spec["uid"] = user.uid
        else:
            spec.pop("uid", None)


def _scale_of(obj: Obj) -> Obj:
    meta = obj["metadata"]
    selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                          "creationTimestamp") if k in meta},
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                   "selector": ",".join(f"{k}={v}" for k, v in sorted(selector.items()))},
    }


def _encode_continue(rv: str, namespace: str, name: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": [namespace, name]})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_continue(token: str) -> tuple[str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        ns, name = data["start"]
        return str(ns), str(name)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise bad_request("continue key is not valid: " + str(exc)) from exc

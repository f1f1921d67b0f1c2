"""Discovery (/api, /apis, …), /version and minimal OpenAPI documents.

Documents are serialized once and cached as bytes: kubectl re-reads discovery often and a
benchmark may run 200 clusters in one process. Built-in parts are shared by all clusters;
only documents that list CRD groups are cached per cluster (keyed by registry generation).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from ccseone_tui.sandbox.resources import BUILTIN, Registry, ResourceType


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _resource_entries(types: list[ResourceType]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for t in types:
        entry: dict[str, Any] = {
            "name": t.plural,
            "singularName": t.singular,
            "namespaced": t.namespaced,
            "kind": t.kind,
            "verbs": list(t.verbs),
            "storageVersionHash": hashlib.sha256(
                f"{t.group}/{t.version}/{t.plural}".encode()
            ).hexdigest()[:12],
        }
        if t.short_names:
            entry["shortNames"] = list(t.short_names)
        if t.categories:
            entry["categories"] = list(t.categories)
        out.append(entry)
        for sub in t.subresources:
            s: dict[str, Any] = {
                "name": f"{t.plural}/{sub}",
                "singularName": "",
                "namespaced": t.namespaced,
                "kind": t.kind,
                "verbs": ["get", "patch", "update"],
            }
            if sub == "scale":
                s.update(group="autoscaling", version="v1", kind="Scale")
            elif sub == "log":
                s["verbs"] = ["get"]
            elif sub in ("exec", "portforward"):  # WebSocket upgrades (GET), SPDY (POST)
                s.update(kind="PodExecOptions" if sub == "exec" else "PodPortForwardOptions",
                         verbs=["create", "get"])
            elif sub == "finalize":
                s["verbs"] = ["update"]
            elif sub == "token":  # TokenRequest (kubectl create token)
                s.update(group="authentication.k8s.io", version="v1", kind="TokenRequest",
                         verbs=["create"])
            out.append(s)
    return out


def resource_list(group: str, version: str, types: list[ResourceType]) -> bytes:
    gv = f"{group}/{version}" if group else version
    return dumps({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": _resource_entries(types),
    })


@lru_cache(maxsize=16)
def builtin_resource_list(group: str, version: str) -> bytes:
    return resource_list(
        group, version, [t for t in BUILTIN if t.group == group and t.version == version]
    )


def api_versions(host: str) -> bytes:
    return dumps({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
    })


def _group(name: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list(registry: Registry) -> bytes:
    return dumps({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group(g, vs) for g, vs in registry.group_versions().items()],
    })


def api_group(registry: Registry, name: str) -> bytes | None:
    versions = registry.group_versions().get(name)
    if not versions:
        return None
    return dumps({"kind": "APIGroup", "apiVersion": "v1", **_group(name, versions)})


class DiscoveryCache:
    """Per-cluster documents that depend on CRDs, rebuilt when the registry changes."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._generation = -1
        self._docs: dict[str, bytes | None] = {}

    def get(self, path: str) -> bytes | None:
        if self._generation != self._registry.generation:
            self._docs.clear()
            self._generation = self._registry.generation
        if path not in self._docs:
            self._docs[path] = self._build(path)
        return self._docs[path]

    def _build(self, path: str) -> bytes | None:
        parts = path.strip("/").split("/")
        if parts == ["api", "v1"]:
            return builtin_resource_list("", "v1")
        if parts == ["apis"]:
            return api_group_list(self._registry)
        if len(parts) == 2 and parts[0] == "apis":
            return api_group(self._registry, parts[1])
        if len(parts) == 3 and parts[0] == "apis":
            group, version = parts[1], parts[2]
            if version not in self._registry.group_versions().get(group, []):
                return None
            if not self._registry.custom_types() or not any(
                t.group == group for t in self._registry.custom_types()
            ):
                return builtin_resource_list(group, version)
            return resource_list(group, version, self._registry.types_in(group, version))
        return None

    def openapi_v3(self, path: str, version: str) -> bytes | None:
        key = f"openapi/{path}@{version}"
        if key not in self._docs or self._generation != self._registry.generation:
            self.get("")  # resets the cache when CRDs changed
            parts = path.strip("/").split("/")
            if parts[:2] == ["api", "v1"] and len(parts) == 2:
                types = self._registry.types_in("", "v1")
            elif parts[0] == "apis" and len(parts) == 3:
                types = self._registry.types_in(parts[1], parts[2])
            else:
                types = []
            self._docs[key] = openapi_v3_doc(path.strip("/"), types, version)
        return self._docs[key]

    def openapi_v3_root(self) -> bytes:
        paths = {"api": {}, "api/v1": {}}
        for g, versions in self._registry.group_versions().items():
            paths[f"apis/{g}"] = {}
            for v in versions:
                paths[f"apis/{g}/{v}"] = {}
        return dumps({"paths": {
            p: {"serverRelativeURL": f"/openapi/v3/{p}?hash={_hash(p)}"} for p in paths
        }})


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32].upper()


def openapi_v3_doc(prefix: str, types: list[ResourceType], version: str) -> bytes:
    """A valid, schema-less document for one group version. What matters to kubectl is a
    PATCH operation per kind that declares the ``fieldValidation`` query parameter: that is
    how it learns to leave validation to the server instead of downloading OpenAPI v2."""
    params = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
              for n in ("dryRun", "fieldManager", "fieldValidation", "force")]
    paths: dict[str, Any] = {}
    for t in types:
        gvk = {"group": t.group, "version": t.version, "kind": t.kind}
        ns = "/namespaces/{namespace}" if t.namespaced else ""
        paths[f"/{prefix}{ns}/{t.plural}/{{name}}"] = {"patch": {
            "operationId": f"patch{t.kind}",
            "parameters": params,
            "responses": {"200": {"description": "OK"}},
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
        }}
    return dumps({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version},
        "paths": paths,
        "components": {"schemas": {}},
    })


def _pb_bytes(field: int, payload: bytes) -> bytes:
    """One length-delimited protobuf field (payloads here are far below 128 bytes)."""
    assert len(payload) < 128
    return bytes([field << 3 | 2, len(payload)]) + payload


@lru_cache(maxsize=8)
def openapi_v2_protobuf(version: str) -> bytes:
    """An empty gnostic OpenAPIv2 ``Document`` {swagger: "2.0", info: {title, version}}:
    kubectl asks for v2 in protobuf only and cannot parse JSON there."""
    info = _pb_bytes(1, b"Kubernetes") + _pb_bytes(2, version.encode())
    return _pb_bytes(1, b"2.0") + _pb_bytes(2, info)


_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(.*)$")


@lru_cache(maxsize=64)
def version_doc(git_version: str) -> bytes:
    m = _VERSION_RE.match(git_version)
    major, minor = (m.group(1), m.group(2)) if m else ("", "")
    if m and m.group(4):
        minor += "+"
    return dumps({
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": hashlib.sha1(git_version.encode()).hexdigest(),
        "gitTreeState": "clean",
        "buildDate": "2024-06-11T20:20:00Z",
        "goVersion": "go1.22.4",
        "compiler": "gc",
        "platform": "linux/amd64",
    })

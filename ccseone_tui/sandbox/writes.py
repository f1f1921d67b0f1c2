"""Write semantics shared by the HTTP handlers and the controller: create, update, patch,
server-side apply and delete, with the API server's metadata rules (uid, generation,
managedFields, finalizers, deletionTimestamp), namespace checks and validation."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ccseone_tui.sandbox import fields
from ccseone_tui.sandbox.clock import new_uid, rfc3339
from ccseone_tui.sandbox.defaults import Allocator, apply_defaults
from ccseone_tui.sandbox.patches import (
    apply_merge,
    json_patch,
    merge_patch,
    strategic_merge_patch,
)
from ccseone_tui.sandbox.resources import CORE, CRDS, ResourceType, crd_types
from ccseone_tui.sandbox.status import (
    ApiError,
    already_exists,
    bad_request,
    conflict,
    forbidden,
    not_found,
    required,
)
from ccseone_tui.sandbox.store import ClusterState, clone
from ccseone_tui.sandbox.validation import validate_name, validate_object

NAMESPACES = CORE["namespaces"]
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_PROTECTED_NS = frozenset({"default", "kube-system", "kube-public"})
_VOLATILE_META = ("resourceVersion", "managedFields")


def _spec_part(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def _comparable(obj: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k not in _VOLATILE_META}
    return {**obj, "metadata": meta}


class Writes:
    def __init__(self, state: ClusterState, rng: random.Random | None = None) -> None:
        self.state = state
        self.alloc = Allocator()
        self.rng = rng or random.Random()
        # admission plug-ins (an emulated validating webhook): called with every object about
        # to be stored by a client write; they raise ``ApiError`` to refuse it
        self.admitters: list[Callable[[ResourceType, dict[str, Any]], None]] = []

    # ---- helpers ------------------------------------------------------------------------
    def random_suffix(self, n: int = 5) -> str:
        return "".join(self.rng.choice(_SUFFIX_ALPHABET) for _ in range(n))

    def _check_namespace(self, rt: ResourceType, namespace: str, name: str) -> None:
        ns = self.state.get(NAMESPACES.key, "", namespace)
        if ns is None:
            raise not_found("namespaces", "", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise forbidden(
                f'{rt.plural} "{name}" is forbidden: unable to create new content in '
                f"namespace {namespace} because it is being terminated",
                {"name": name, "kind": rt.plural, "causes": [{
                    "reason": "NamespaceTerminating",
                    "message": f"namespace {namespace} is being terminated",
                    "field": "metadata.namespace",
                }]},
            )

    def _identity(self, rt: ResourceType, namespace: str, body: Any, name: str | None) -> None:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        kind = body.get("kind")
        if kind and kind != rt.kind:
            raise bad_request(
                f"the API version in the data ({body.get('apiVersion')}) does not match the "
                f"expected API version ({rt.api_version})" if body.get("apiVersion")
                != rt.api_version else f"kind {kind} does not match {rt.kind}"
            )
        meta = body.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        if name is not None and meta.get("name") and meta["name"] != name:
            raise bad_request(
                "the name of the object "
                f"({meta['name']}) does not match the name on the URL ({name})"
            )
        if name is not None:
            meta["name"] = name
        body["apiVersion"], body["kind"] = rt.api_version, rt.kind

    def get_existing(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        obj = self.state.get(rt.key, namespace if rt.namespaced else "", name)
        if obj is None:
            raise not_found(rt.plural, rt.group, name)
        return obj

    # ---- create -------------------------------------------------------------------------
    def create(
        self,
        rt: ResourceType,
        namespace: str,
        body: Any,
        manager: str | None,
        dry_run: bool = False,
        apply_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """POST semantics; ``apply_config`` makes it the create half of server-side apply.
        ``manager=None`` (the emulated controllers) records no managedFields, to keep
        the objects they create small."""
        self._identity(rt, namespace, body, None)
        meta = body["metadata"]
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = meta["generateName"] + self.random_suffix()
            else:
                raise required(rt.kind, rt.group, "", "metadata.name")
        name = meta["name"]
        validate_name(rt, name)
        if rt.namespaced:
            self._check_namespace(rt, namespace, name)
        if self.state.get(rt.key, meta.get("namespace", ""), name) is not None:
            raise already_exists(rt.plural, rt.group, name)
        for k in ("resourceVersion", "deletionTimestamp", "managedFields", "selfLink"):
            meta.pop(k, None)
        now = rfc3339()
        meta["uid"] = new_uid()
        meta["creationTimestamp"] = now
        if rt.generation:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        if rt.status_subresource:
            body.pop("status", None)
        apply_defaults(rt, body, self.alloc, creating=True)
        validate_object(rt, body)
        for admit in self.admitters:
            admit(rt, body)
        if manager is not None:
            if apply_config is not None:
                fields.record_apply(None, body, apply_config, manager, rt.api_version, now,
                                    force=True, ignore_status=rt.status_subresource)
            else:
                fields.record_update(None, body, manager, rt.api_version, now,
                                     rt.status_subresource)
        if dry_run:
            return body
        obj = self.state.add(rt.key, body)
        self._after_write(rt, obj, removed=False)
        return obj

    # ---- update family ------------------------------------------------------------------
    def update(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        body: Any,
        manager: str | None,
        dry_run: bool = False,
        subresource: str | None = None,
    ) -> dict[str, Any]:
        """PUT semantics, with the optimistic-concurrency check on resourceVersion."""
        old = self.get_existing(rt, namespace, name)
        self._identity(rt, namespace, body, name)
        rv = body["metadata"].get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise conflict(rt.plural, rt.group, name)
        return self._commit(rt, old, body, manager, dry_run, subresource)

    def patch(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        content_type: str,
        patch: Any,
        manager: str | None,
        dry_run: bool = False,
        subresource: str | None = None,
    ) -> dict[str, Any]:
        old = self.get_existing(rt, namespace, name)
        if content_type == "application/json-patch+json":
            new = json_patch(old, patch)
        elif content_type == "application/strategic-merge-patch+json":
            if not isinstance(patch, dict):
                raise bad_request("strategic merge patch must be an object")
            new = strategic_merge_patch(old, patch)
        else:
            if not isinstance(patch, dict):
                raise bad_request("merge patch must be an object")
            new = merge_patch(old, patch)
        new = clone(new)
        self._identity(rt, namespace, new, name)
        rv = new["metadata"].get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise conflict(rt.plural, rt.group, name)
        return self._commit(rt, old, new, manager, dry_run, subresource)

    def apply(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        applied: Any,
        manager: str,
        force: bool,
        dry_run: bool = False,
        subresource: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Server-side apply: (object, created)."""
        if not isinstance(applied, dict):
            raise bad_request("apply patch must be an object")
        if applied.get("apiVersion") != rt.api_version or applied.get("kind") != rt.kind:
            raise bad_request(
                f"the API version in the data ({applied.get('apiVersion')}) does not match "
                f"the expected API version ({rt.api_version})"
            )
        self._identity(rt, namespace, applied, name)
        meta = applied["metadata"]
        for k in ("resourceVersion", "managedFields", "uid", "creationTimestamp"):
            meta.pop(k, None)
        old = self.state.get(rt.key, namespace if rt.namespaced else "", name)
        if old is None:
            return self.create(rt, namespace, clone(applied), manager, dry_run, applied), True
        if rt.status_subresource and subresource != "status":
            applied.pop("status", None)
        conflicts = fields.apply_conflicts(old, applied, manager, rt.status_subresource)
        if conflicts and not force:
            raise ApiError(
                409, "Conflict", fields.conflict_message(conflicts),
                {"causes": [
                    {"reason": "FieldManagerConflict", "message": f"conflict with {e.label}",
                     "field": fields.path_string(p)} for e, p in conflicts
                ]},
            )
        merged = apply_merge(clone(old), applied)
        merged["metadata"] = {**merged["metadata"]}
        fields.record_apply(old, merged, applied, manager, rt.api_version, rfc3339(), force,
                            rt.status_subresource)
        return self._commit(rt, old, merged, None, dry_run, subresource), False

    def _commit(
        self,
        rt: ResourceType,
        old: dict[str, Any],
        new: dict[str, Any],
        manager: str | None,
        dry_run: bool,
        subresource: str | None,
    ) -> dict[str, Any]:
        if subresource == "status":
            new = {**clone(old), "status": new.get("status", {})}
        elif subresource == "approval":
            # CSR /approval (kubectl certificate approve) writes status.conditions only.
            conditions = clone((new.get("status") or {}).get("conditions") or [])
            new = {**clone(old), "status": {**clone(old.get("status") or {}),
                                            "conditions": conditions}}
        elif rt.status_subresource and "status" in old:
            new["status"] = clone(old["status"])
        elif rt.status_subresource:
            new.pop("status", None)
        meta = new["metadata"]
        old_meta = old["metadata"]
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "generateName"):
            if k in old_meta:
                meta[k] = old_meta[k]
            else:
                meta.pop(k, None)
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if rt.generation:
            meta["generation"] = old_meta.get("generation", 1) + (
                _spec_part(new) != _spec_part(old)
            )
        apply_defaults(rt, new, self.alloc, creating=False)
        validate_object(rt, new)
        if subresource is None:
            for admit in self.admitters:
                admit(rt, new)
        if manager is not None and subresource is None:
            fields.record_update(old, new, manager, rt.api_version, rfc3339(),
                                 rt.status_subresource)
        elif manager is None and "managedFields" in old_meta and "managedFields" not in meta:
            meta["managedFields"] = old_meta["managedFields"]
        if _comparable(new) == _comparable(old):
            return old  # a no-op write keeps the resourceVersion, as the real server does
        if dry_run:
            return new
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and not (
            rt.key == NAMESPACES.key and (new.get("spec") or {}).get("finalizers")
        ):
            gone = self.state.remove(rt.key, meta.get("namespace", ""), meta["name"])
            self._after_write(rt, new, removed=True)
            return gone or new
        obj = self.state.update(rt.key, new)
        self._after_write(rt, obj, removed=False)
        return obj

    # ---- delete -------------------------------------------------------------------------
    def delete(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        propagation: str | None = None,
        dry_run: bool = False,
        preconditions: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """(object, still_exists): the object stays while finalizers hold it."""
        old = self.get_existing(rt, namespace, name)
        meta = old["metadata"]
        pre = preconditions or {}
        if pre.get("uid") and pre["uid"] != meta["uid"]:
            raise ApiError(409, "Conflict", f"Precondition failed: UID in precondition: "
                           f"{pre['uid']}, UID in object meta: {meta['uid']}")
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta["resourceVersion"]:
            raise ApiError(409, "Conflict", "Precondition failed: ResourceVersion in "
                           f"precondition: {pre['resourceVersion']}, ResourceVersion in "
                           f"object meta: {meta['resourceVersion']}")
        if rt.key == NAMESPACES.key and name in _PROTECTED_NS:
            raise forbidden(f'namespaces "{name}" is forbidden: this namespace may not be '
                            "deleted")
        finalizers = list(meta.get("finalizers") or [])
        if propagation == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        elif propagation == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        ns_finalizing = rt.key == NAMESPACES.key and bool((old.get("spec") or {}).get("finalizers"))
        if not finalizers and not ns_finalizing:
            if dry_run:
                return old, False
            gone = self.state.remove(rt.key, meta.get("namespace", ""), name)
            self._after_write(rt, old, removed=True)
            return gone or old, False
        if meta.get("deletionTimestamp") and finalizers == list(meta.get("finalizers") or []):
            return old, True
        new = clone(old)
        new["metadata"]["deletionTimestamp"] = meta.get("deletionTimestamp") or rfc3339()
        new["metadata"]["deletionGracePeriodSeconds"] = 0
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        if rt.key == NAMESPACES.key:
            new["status"] = {**new.get("status", {}), "phase": "Terminating"}
        if dry_run:
            return new, True
        return self.state.update(rt.key, new), True

    def finalize_namespace(self, name: str, body: Any, dry_run: bool = False) -> dict[str, Any]:
        """PUT /api/v1/namespaces/<name>/finalize: only spec.finalizers changes."""
        old = self.get_existing(NAMESPACES, "", name)
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        new = clone(old)
        new.setdefault("spec", {})["finalizers"] = list(
            (body.get("spec") or {}).get("finalizers") or []
        )
        if new == old or dry_run:
            return new
        if new["metadata"].get("deletionTimestamp") and not new["spec"]["finalizers"] and not (
            new["metadata"].get("finalizers")
        ):
            gone = self.state.remove(NAMESPACES.key, "", name)
            return gone or new
        return self.state.update(NAMESPACES.key, new)

    def set_status(self, rt: ResourceType, obj: dict[str, Any], status: dict[str, Any]) -> None:
        """A controller's status write; skipped when nothing changed (no event, no RV)."""
        if obj.get("status") == status:
            return
        current = self.state.get(rt.key, obj["metadata"].get("namespace", ""),
                                 obj["metadata"]["name"])
        if current is None:
            return
        self.state.update(rt.key, {**current, "status": status,
                                   "metadata": dict(current["metadata"])})

    # ---- side effects -------------------------------------------------------------------
    def _after_write(self, rt: ResourceType, obj: dict[str, Any], removed: bool) -> None:
        if rt.key != CRDS.key:
            return
        name = obj["metadata"]["name"]
        if removed:
            for t in crd_types(obj):
                for o in self.state.list(t.key):
                    m = o["metadata"]
                    self.state.remove(t.key, m.get("namespace", ""), m["name"])
            self.state.registry.remove_crd(name)
        else:
            self.state.registry.set_crd(name, crd_types(obj))

"""The emulated work agent of one accepted member: what ``klusterlet-work-agent`` does.

It holds the hub credential the registration agent obtained and talks to both sides over
HTTP, like the real agent with client-go: it lists and watches the ManifestWorks in its
cluster namespace on the hub, applies their manifests to the member through the member's
API (server-side apply, field manager ``work-agent``, force as the work's update strategy
says), and writes back what it saw:

* conditions ``Applied`` / ``Available`` / ``Degraded`` on the work (``observedGeneration``
  = the work's generation, so a reader knows which spec they describe);
* ``status.resourceStatus.manifests[]``: per manifest its resource meta and conditions
  (``Applied`` with the member's refusal as message, ``Available``, ``StatusFeedbackSynced``)
  and ``statusFeedback.values`` for the work's feedback rules (``WellKnownStatus`` and
  ``JSONPaths``);
* the ``AppliedManifestWork`` ``<hub hash>-<work>`` on the member, whose
  ``status.appliedResources`` is how a later version of the work knows what to prune.

Deleting a work: the agent added the ``cluster.open-cluster-management.io/manifest-work-cleanup``
finalizer, so the work stays until the agent removed what it applied (``deleteOption``
Foreground, the default) or left it (Orphan), dropped the AppliedManifestWork, and removed
the finalizer. A member in an outage stops the agent (it runs there): works stay untouched
and their status stale until it returns, then everything is reconciled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import ssl
from typing import TYPE_CHECKING, Any

import aiohttp

from ccseone_tui.sandbox import conditions as cond
from ccseone_tui.sandbox.ocm_kinds import APPLIED_MANIFEST_WORKS, WORK_GROUP
from ccseone_tui.sandbox.store import Change

if TYPE_CHECKING:
    from ccseone_tui.sandbox.server import SandboxCluster

log = logging.getLogger(__name__)
Obj = dict[str, Any]
AMW = APPLIED_MANIFEST_WORKS.type()
CLEANUP_FINALIZER = "cluster.open-cluster-management.io/manifest-work-cleanup"
FIELD_MANAGER = "work-agent"
_BACKOFF = 1.0
_WORK_PATH = "/apis/work.open-cluster-management.io/v1/namespaces/{ns}/manifestworks"
_AMW_PATH = f"/apis/{WORK_GROUP}/v1/appliedmanifestworks"
_MERGE = "application/merge-patch+json"

# what the real agent's WellKnownStatus rule reads, per kind (name → status field)
WELL_KNOWN: dict[str, tuple[tuple[str, str], ...]] = {
    "Deployment": (("ReadyReplicas", "readyReplicas"), ("Replicas", "replicas"),
                   ("AvailableReplicas", "availableReplicas")),
    "Job": (("JobComplete", "succeeded"), ("JobSucceeded", "succeeded")),
    "Pod": (("PodPhase", "phase"),),
}


def hub_hash(server: str) -> str:
    """How the real agent names its AppliedManifestWorks: sha256 of the hub URL."""
    return hashlib.sha256(server.encode()).hexdigest()


def _field_value(name: str, value: Any) -> Obj | None:
    if isinstance(value, bool):
        return {"name": name, "fieldValue": {"type": "Boolean", "boolean": value}}
    if isinstance(value, int):
        return {"name": name, "fieldValue": {"type": "Integer", "integer": value}}
    if isinstance(value, str):
        return {"name": name, "fieldValue": {"type": "String", "string": value}}
    if value is None:
        return None
    return {"name": name, "fieldValue": {"type": "JsonRaw", "jsonRaw": json.dumps(value)}}


def json_path(obj: Obj, path: str) -> Any:
    """The agent's JSONPaths rules are paths like ``.status.readyReplicas`` (the part of
    kubectl's JSONPath syntax they use); anything else reads as absent."""
    current: Any = obj
    for part in path.strip().strip("{}").lstrip(".").split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


class MemberApi:
    """The member's API server, reached with an admin bearer token over HTTP."""

    def __init__(self, member: SandboxCluster) -> None:
        self.member = member
        ctx: ssl.SSLContext | bool = False
        if member.tls and member.ca_pem:
            ctx = ssl.create_default_context(cadata=member.ca_pem.decode())
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx))

    async def close(self) -> None:
        await self._session.close()

    def path(self, api_version: str, kind: str, namespace: str, name: str = ""
             ) -> tuple[str, Any]:
        """(URL path, resource type); raises ``LookupError`` for a kind it does not serve.
        What discovery answers, read from the member's registry."""
        registry = self.member.state.registry
        key = registry.key_for(api_version, kind)
        rt = registry.by_key(key) if key else None
        if rt is None:
            raise LookupError(f'no matches for kind "{kind}" in version "{api_version}"')
        base = f"/api/{rt.version}" if not rt.group else f"/apis/{rt.group}/{rt.version}"
        if rt.namespaced:
            base += f"/namespaces/{namespace}"
        base += f"/{rt.plural}"
        return (f"{base}/{name}" if name else base), rt

    async def call(self, method: str, path: str, body: Any = None,
                   content_type: str = "application/json") -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.member.token}",
                   "Accept": "application/json", "User-Agent": "work-agent/v1.0.0"}
        data = None
        if body is not None:
            headers["Content-Type"] = content_type
            data = json.dumps(body)
        async with self._session.request(method, self.member.url + path, data=data,
                                         headers=headers) as r:
            raw = await r.read()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw.decode(errors="replace")
        return r.status, doc


def _message(doc: Any, status: int) -> str:
    return (doc.get("message") if isinstance(doc, dict) else None) or f"HTTP {status}"


class WorkAgent:
    """One run of the work agent for ``cluster_name`` on ``member``."""

    def __init__(self, member: SandboxCluster, cluster_name: str, server: str, token: str,
                 ca_pem: bytes | None) -> None:
        from ccseone_tui.sandbox.ocm_agent import Hub  # the same HTTP client of the hub

        self.member = member
        self.cluster_name = cluster_name
        self.hub = Hub(server, token, ca_pem)
        self.hub_hash = hub_hash(server)
        self.api = MemberApi(member)
        self._dirty: dict[str, bool] = {}  # work name → apply again (else: status only)
        self._seen: dict[str, tuple[str, int]] = {}  # work → (uid, generation) reconciled
        self._works: dict[str, Obj] = {}
        self._owners: dict[tuple[Any, str, str], set[str]] = {}  # member object → works
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = False
        self._up = asyncio.Event()  # the member is serving (not in an outage)
        if not member.outage:
            self._up.set()

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        if not self._listening:
            self.member.state.add_listener(self._on_member_change)
            self.member.on_outage(self._on_outage)
            self._listening = True
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._watch(), name=f"work-watch-{self.cluster_name}"),
                       loop.create_task(self._worker(), name=f"work-agent-{self.cluster_name}")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.hub.close()
        await self.api.close()

    async def settle(self) -> None:
        await self._idle.wait()

    def _mark(self, name: str, apply: bool) -> None:
        self._dirty[name] = self._dirty.get(name, False) or apply
        self._idle.clear()
        self._wake.set()

    def _on_member_change(self, c: Change) -> None:
        if not self._tasks:
            return
        meta = c.obj.get("metadata") or {}
        for work in self._owners.get((c.key, meta.get("namespace", ""), meta.get("name", "")),
                                     ()):
            # a deleted or edited object is drift: the agent puts it back; a status change
            # is new feedback to report
            self._mark(work, apply=True)

    def _on_outage(self, down: bool) -> None:
        if down:
            self._up.clear()
        else:
            self._up.set()
            for name in list(self._works):
                self._mark(name, apply=True)

    # ---- the hub side ----------------------------------------------------------------------
    async def _watch(self) -> None:
        path = _WORK_PATH.format(ns=self.cluster_name)
        while True:
            try:
                await self._up.wait()  # the agent runs on the member
                listing = await self.hub.ok("GET", path)
                current = {w["metadata"]["name"]: w for w in listing.get("items") or []}
                for name in set(self._works) - set(current):
                    self._works.pop(name, None)
                for name, work in current.items():
                    self._works[name] = work
                    self._mark(name, apply=True)
                rv = (listing.get("metadata") or {}).get("resourceVersion", "")
                await self._follow(path, rv)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the hub away or a lost watch: list again
                log.debug("work agent %s: %s", self.cluster_name, exc)
                await asyncio.sleep(_BACKOFF)

    async def _follow(self, path: str, rv: str) -> None:
        url = f"{self.hub.server}{path}?watch=true&resourceVersion={rv}&timeoutSeconds=300"
        headers = {"Authorization": f"Bearer {self.hub.token}"}
        async with self.hub._session.get(url, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=None)) as r:
            if r.status >= 400:
                raise RuntimeError(f"watch: HTTP {r.status}")
            async for line in r.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                if event.get("type") == "ERROR":
                    return  # 410 Expired: list again
                if event.get("type") == "BOOKMARK":
                    continue
                work = event.get("object") or {}
                name = work["metadata"]["name"]
                if event["type"] == "DELETED":
                    self._works.pop(name, None)
                    self._seen.pop(name, None)
                    continue
                self._works[name] = work
                meta = work["metadata"]
                done = self._seen.get(name) == (meta.get("uid"), meta.get("generation"))
                # our own status writes come back as events: same generation, nothing to do
                if not done or meta.get("deletionTimestamp"):
                    self._mark(name, apply=True)

    async def _worker(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._dirty:
                if self.member.outage:
                    break  # untouched and stale until the member returns
                name, _ = self._dirty.popitem()
                work = self._works.get(name)
                if work is None:
                    continue
                try:
                    await self._reconcile(work)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.debug("work agent %s: %s: %s", self.cluster_name, name, exc)
                    await asyncio.sleep(0.05)
                    self._dirty.setdefault(name, True)
            if not self._dirty:
                self._idle.set()

    async def _patch_work(self, name: str, body: Obj, subresource: str = "") -> Obj | None:
        path = f"{_WORK_PATH.format(ns=self.cluster_name)}/{name}"
        status, doc = await self.hub.call("PATCH", path + (f"/{subresource}" if subresource
                                                           else ""), body, _MERGE)
        if status == 404:
            return None
        if status >= 400:
            raise RuntimeError(_message(doc, status))
        return doc if isinstance(doc, dict) else None

    # ---- one work ------------------------------------------------------------------------
    async def _reconcile(self, work: Obj) -> None:
        meta = work["metadata"]
        name = meta["name"]
        if meta.get("deletionTimestamp"):
            await self._cleanup(work)
            return
        if CLEANUP_FINALIZER not in (meta.get("finalizers") or []):
            fresh = await self._patch_work(name, {"metadata": {
                "finalizers": [*(meta.get("finalizers") or []), CLEANUP_FINALIZER],
                "resourceVersion": meta.get("resourceVersion")}})
            if fresh is None:
                return
            work = self._works[name] = fresh
            meta = work["metadata"]
        spec = work.get("spec") or {}
        manifests = list((spec.get("workload") or {}).get("manifests") or [])
        configs = list(spec.get("manifestConfigs") or [])
        results = [await self._apply(name, i, m, configs) for i, m in enumerate(manifests)]
        applied = [r["_ref"] for r in results if r.get("_ref")]
        await self._prune(name, applied)
        await self._record_applied(name, applied)
        await self._report(work, results)
        self._seen[name] = (meta.get("uid"), meta.get("generation"))

    def _config_for(self, configs: list[Obj], group: str, resource: str, namespace: str,
                    name: str) -> Obj:
        for c in configs:
            rid = c.get("resourceIdentifier") or {}
            if (rid.get("group", ""), rid.get("resource"), rid.get("namespace", ""),
                    rid.get("name")) == (group, resource, namespace, name):
                return c
        return {}

    async def _apply(self, work: str, ordinal: int, manifest: Obj, configs: list[Obj]) -> Obj:
        api_version, kind = str(manifest.get("apiVersion", "")), str(manifest.get("kind", ""))
        meta = manifest.get("metadata") or {}
        name, namespace = str(meta.get("name", "")), str(meta.get("namespace", ""))
        group, _, version = api_version.rpartition("/")
        resource_meta: Obj = {"ordinal": ordinal, "group": group, "version": version,
                              "kind": kind, "resource": "", "name": name,
                              "namespace": namespace}
        try:
            path, rt = self.api.path(api_version, kind, namespace, name)
        except LookupError as exc:
            return {"resourceMeta": resource_meta, "_error": str(exc)}
        resource_meta["resource"] = rt.plural
        if not rt.namespaced:
            namespace = resource_meta["namespace"] = ""
        config = self._config_for(configs, group, rt.plural, namespace, name)
        strategy = (config.get("updateStrategy") or {})
        ssa = strategy.get("serverSideApply") or {}
        manager = ssa.get("fieldManager") or FIELD_MANAGER
        force = "true" if ssa.get("force", True) else "false"
        body = dict(manifest)
        body["metadata"] = {k: v for k, v in meta.items()
                            if k not in ("resourceVersion", "uid", "managedFields")}
        status, doc = await self.api.call(
            "PATCH", f"{path}?fieldManager={manager}&force={force}", body,
            "application/apply-patch+yaml")
        if status >= 400:
            return {"resourceMeta": resource_meta,
                    "_error": f"Failed to apply manifest: {_message(doc, status)}"}
        ref = {"group": group, "version": version, "resource": rt.plural,
               "namespace": namespace, "name": name,
               "uid": ((doc or {}).get("metadata") or {}).get("uid", "")}
        self._owners.setdefault((rt.key, namespace, name), set()).add(work)
        return {"resourceMeta": resource_meta, "_ref": ref, "_live": doc, "_config": config}

    def _amw_name(self, work: str) -> str:
        return f"{self.hub_hash}-{work}"

    async def _prune(self, work: str, applied: list[Obj]) -> None:
        """What the previous version of the work applied and this one no longer has goes
        (Background deletion), as the real agent does on a spec change."""
        status, amw = await self.api.call("GET", f"{_AMW_PATH}/{self._amw_name(work)}")
        if status != 200:
            return
        keep = {(r["group"], r["resource"], r["namespace"], r["name"]) for r in applied}
        for old in (amw.get("status") or {}).get("appliedResources") or []:
            key = (old.get("group", ""), old.get("resource"), old.get("namespace", ""),
                   old.get("name"))
            if key not in keep:
                await self._delete(old, "Background")

    async def _delete(self, ref: Obj, propagation: str) -> None:
        group, version = ref.get("group", ""), ref.get("version", "v1")
        base = f"/api/{version}" if not group else f"/apis/{group}/{version}"
        if ref.get("namespace"):
            base += f"/namespaces/{ref['namespace']}"
        path = f"{base}/{ref['resource']}/{ref['name']}"
        await self.api.call("DELETE", path, {"kind": "DeleteOptions", "apiVersion": "v1",
                                             "propagationPolicy": propagation})
        rt = self.member.state.registry.lookup(group, version, str(ref.get("resource")))
        if rt is not None:  # no longer any work's: its deletion is not drift
            self._owners.pop((rt.key, ref.get("namespace", ""), ref["name"]), None)

    async def _record_applied(self, work: str, applied: list[Obj]) -> None:
        name = self._amw_name(work)
        body = {"apiVersion": f"{WORK_GROUP}/v1", "kind": "AppliedManifestWork",
                "metadata": {"name": name},
                "spec": {"hubHash": self.hub_hash, "manifestWorkName": work,
                         "agentID": self.cluster_name}}
        status, doc = await self.api.call(
            "PATCH", f"{_AMW_PATH}/{name}?fieldManager={FIELD_MANAGER}&force=true", body,
            "application/apply-patch+yaml")
        if status >= 400:
            raise RuntimeError(_message(doc, status))
        resources = [{k: r[k] for k in ("group", "version", "resource", "namespace", "name",
                                        "uid")} for r in applied]
        if ((doc or {}).get("status") or {}).get("appliedResources") != resources:
            await self.api.call("PATCH", f"{_AMW_PATH}/{name}/status",
                                {"status": {"appliedResources": resources}}, _MERGE)

    def _feedback(self, kind: str, live: Obj, config: Obj) -> list[Obj] | None:
        rules = config.get("feedbackRules") or []
        if not rules:
            return None
        values: list[Obj] = []
        status = live.get("status") or {}
        for rule in rules:
            if rule.get("type") == "WellKnownStatus":
                for label, field in WELL_KNOWN.get(kind, ()):
                    v = _field_value(label, status.get(field))
                    if v is not None:
                        values.append(v)
            elif rule.get("type") == "JSONPaths":
                for jp in rule.get("jsonPaths") or []:
                    v = _field_value(str(jp.get("name")), json_path(live, str(jp.get("path"))))
                    if v is not None:
                        values.append(v)
        return values

    async def _report(self, work: Obj, results: list[Obj]) -> None:
        meta = work["metadata"]
        gen = meta.get("generation")
        old_status = work.get("status") or {}
        old_manifests = {(m.get("resourceMeta") or {}).get("ordinal"): m for m in
                         (old_status.get("resourceStatus") or {}).get("manifests") or []}
        manifests = []
        failed = unavailable = 0
        for r in results:
            rm = r["resourceMeta"]
            conds = (old_manifests.get(rm["ordinal"]) or {}).get("conditions") or []
            entry: Obj = {"resourceMeta": rm}
            if r.get("_error"):
                failed += 1
                unavailable += 1
                conds = cond.set_condition(conds, "Applied", "False", "AppliedManifestFailed",
                                           r["_error"])
                conds = cond.set_condition(conds, "Available", "Unknown",
                                           "ResourceNotAvailable",
                                           "Resource is not available")
            else:
                conds = cond.set_condition(conds, "Applied", "True", "AppliedManifestComplete",
                                           "Apply manifest complete")
                conds = cond.set_condition(conds, "Available", "True", "ResourceAvailable",
                                           "Resource is available")
                values = self._feedback(rm["kind"], r.get("_live") or {}, r.get("_config") or {})
                if values is not None:
                    entry["statusFeedback"] = {"values": values}
                    conds = cond.set_condition(conds, "StatusFeedbackSynced", "True",
                                               "StatusFeedbackSynced", "")
            entry["conditions"] = conds
            manifests.append(entry)
        total = len(results)
        conds = old_status.get("conditions") or []
        if failed:
            conds = cond.set_condition(conds, "Applied", "False", "AppliedManifestWorkFailed",
                                       "Failed to apply manifest work", gen)
            conds = cond.set_condition(conds, "Degraded", "True", "AppliedManifestWorkFailed",
                                       f"{failed} of {total} manifests failed to apply", gen)
        else:
            conds = cond.set_condition(conds, "Applied", "True", "AppliedManifestWorkComplete",
                                       "Apply manifest work complete", gen)
            conds = cond.set_condition(conds, "Degraded", "False", "AppliedManifestWorkComplete",
                                       "Apply manifest work complete", gen)
        if unavailable:
            conds = cond.set_condition(conds, "Available", "False", "ResourcesNotAvailable",
                                       f"{unavailable} of {total} resources are not available",
                                       gen)
        else:
            conds = cond.set_condition(conds, "Available", "True", "ResourcesAvailable",
                                       "All resources are available", gen)
        status = {"conditions": conds, "resourceStatus": {"manifests": manifests}}
        if status != old_status:
            fresh = await self._patch_work(meta["name"], {"status": status}, "status")
            if fresh is not None:
                self._works[meta["name"]] = fresh

    async def _cleanup(self, work: Obj) -> None:
        meta = work["metadata"]
        name = meta["name"]
        if CLEANUP_FINALIZER not in (meta.get("finalizers") or []):
            return  # not ours to hold
        option = ((work.get("spec") or {}).get("deleteOption") or {})
        policy = option.get("propagationPolicy") or "Foreground"
        status, amw = await self.api.call("GET", f"{_AMW_PATH}/{self._amw_name(name)}")
        if status == 200 and policy != "Orphan":
            orphans = {(o.get("group", ""), o.get("resource"), o.get("namespace", ""),
                        o.get("name")) for o in ((option.get("selectivelyOrphans") or {})
                                                 .get("orphaningRules") or [])}
            for ref in (amw.get("status") or {}).get("appliedResources") or []:
                key = (ref.get("group", ""), ref.get("resource"), ref.get("namespace", ""),
                       ref.get("name"))
                if key not in orphans:
                    await self._delete(ref, "Foreground" if policy == "Foreground"
                                       else "Background")
        if status == 200:
            await self.api.call("DELETE", f"{_AMW_PATH}/{self._amw_name(name)}")
        rest = [f for f in meta.get("finalizers") or [] if f != CLEANUP_FINALIZER]
        await self._patch_work(name, {"metadata": {"finalizers": rest or None}})
        self._seen.pop(name, None)

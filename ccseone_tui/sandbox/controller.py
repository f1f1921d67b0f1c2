"""The controller-manager of one sandbox cluster: an asyncio task that reacts to store
changes (no polling). Store listeners only mark objects dirty; the task reconciles them:
workloads, the kubelet, garbage collection of dependents, namespace termination and each
namespace's default ServiceAccount."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from ccseone_tui.sandbox.events import EventRecorder
from ccseone_tui.sandbox.faults import Faults
from ccseone_tui.sandbox.kubelet import Kubelet
from ccseone_tui.sandbox.resources import APPS, CORE, JOBS
from ccseone_tui.sandbox.status import ApiError
from ccseone_tui.sandbox.store import Change, ClusterState, Key, Ref
from ccseone_tui.sandbox.workloads import Workloads
from ccseone_tui.sandbox.writes import Writes

PODS, NODES, NAMESPACES = CORE["pods"], CORE["nodes"], CORE["namespaces"]
SERVICEACCOUNTS, EVENTS = CORE["serviceaccounts"], CORE["events"]
_KIND_KEYS: dict[str, Key] = {
    "Deployment": APPS["deployments"].key, "ReplicaSet": APPS["replicasets"].key,
    "StatefulSet": APPS["statefulsets"].key, "DaemonSet": APPS["daemonsets"].key,
    "Job": JOBS.key,
}
# Pseudo keys in the dirty set: (_GC, "", uid) deletes a deleted owner's dependents;
# (_FIN, "group/plural", "ns/name") handles an owner with a foreground/orphan finalizer.
_GC = ("gc", "")
_FIN = ("finalize", "")


def _finalizing(obj: dict[str, Any]) -> bool:
    meta = obj["metadata"]
    fins = meta.get("finalizers") or ()
    return bool(meta.get("deletionTimestamp")) and (
        "orphan" in fins or "foregroundDeletion" in fins
    )
_BATCH = 200  # reconciles between yields, so requests keep being served during bursts


class Controller:
    def __init__(
        self, state: ClusterState, writes: Writes, faults: Faults, recorder: EventRecorder
    ) -> None:
        self._state = state
        self._writes = writes
        self._dirty: dict[Ref, None] = {}  # an ordered set
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._timers: set[asyncio.TimerHandle] = set()
        self.kubelet = Kubelet(state, writes, recorder, lambda: faults.job_duration_s, self._later)
        self.workloads = Workloads(state, writes, recorder)
        self._handlers = {
            PODS.key: self.kubelet.reconcile,
            APPS["deployments"].key: self.workloads.deployment,
            APPS["replicasets"].key: self.workloads.replicaset,
            APPS["statefulsets"].key: self.workloads.statefulset,
            APPS["daemonsets"].key: self.workloads.daemonset,
            JOBS.key: self.workloads.job,
        }
        state.add_listener(self._on_change)

    # ---- change intake (synchronous, called by the store) ----------------------------------
    def _mark(self, ref: Ref) -> None:
        self._dirty[ref] = None
        self._idle.clear()
        self._wake.set()

    def _on_change(self, c: Change) -> None:
        key = c.key
        if key == EVENTS.key:
            return
        meta = c.obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        if c.type == "DELETED":
            self._mark((_GC, "", meta["uid"]))
        elif key in self._handlers or key == NAMESPACES.key:
            self._mark((key, ns, name))
        if c.type != "DELETED" and _finalizing(c.obj):
            self._mark((_FIN, key[0] + "/" + key[1], f"{ns}/{name}"))
        for ref in meta.get("ownerReferences") or ():
            owner_key = _KIND_KEYS.get(ref.get("kind", ""))
            if owner_key is not None and ref.get("controller"):
                self._mark((owner_key, ns, ref["name"]))
            if c.type == "DELETED":
                owner_key = owner_key or self._state.registry.key_for(
                    ref.get("apiVersion", ""), ref.get("kind", ""))
                owner = self._state.get(owner_key, ns, ref["name"]) if owner_key else None
                if owner is not None and _finalizing(owner):
                    self._mark((_FIN, owner_key[0] + "/" + owner_key[1], f"{ns}/{ref['name']}"))
        if key == NODES.key:
            for ds in self._state.list(APPS["daemonsets"].key):
                self._mark((APPS["daemonsets"].key, ds["metadata"]["namespace"],
                            ds["metadata"]["name"]))
            for pod in self._state.list(PODS.key):
                if not (pod.get("spec") or {}).get("nodeName"):
                    self._mark((PODS.key, pod["metadata"]["namespace"], pod["metadata"]["name"]))
        if ns:
            owner_ns = self._state.get(NAMESPACES.key, "", ns)
            if owner_ns is not None and owner_ns["metadata"].get("deletionTimestamp"):
                self._mark((NAMESPACES.key, "", ns))

    def _later(self, delay: float, pod: tuple[str, str]) -> None:
        if delay <= 0:
            self._mark((PODS.key, *pod))
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._timers.discard(handle)
            self._mark((PODS.key, *pod))

        handle = loop.call_later(delay, fire)
        self._timers.add(handle)

    # ---- the task ----------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="sandbox-controller")
        if self._dirty:
            self._wake.set()

    async def stop(self) -> None:
        for h in self._timers:
            h.cancel()
        self._timers.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def settle(self) -> None:
        """Wait until nothing is left to reconcile (pending timers, such as Job pods that
        are still "running", do not count)."""
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            done = 0
            while self._dirty:
                ref = next(iter(self._dirty))
                del self._dirty[ref]
                try:
                    self._reconcile(ref)
                except ApiError:
                    pass  # the object changed under us; its next change re-queues it
                done += 1
                if done % _BATCH == 0:
                    await asyncio.sleep(0)
            self._idle.set()

    def _reconcile(self, ref: Ref) -> None:
        key, ns, name = ref
        if key == _GC:
            self._collect(name)
            return
        if key == _FIN:
            group, _, plural = ns.partition("/")
            obj_ns, _, obj_name = name.partition("/")
            obj = self._state.get((group, plural), obj_ns, obj_name)
            if obj is not None and _finalizing(obj):
                self._finalize_owner((group, plural), obj)
            return
        obj = self._state.get(key, ns, name)
        if obj is None:
            return
        if key == NAMESPACES.key:
            self._namespace(obj)
        else:
            self._handlers[key](obj)

    # ---- garbage collection ------------------------------------------------------------
    def _collect(self, uid: str) -> None:
        """Background cascade: delete what a deleted owner owned."""
        for ref in self._state.dependents(uid):
            dep = self._state.get(*ref)
            rt = self._state.registry.by_key(ref[0])
            if dep is not None and rt is not None and not dep["metadata"].get("deletionTimestamp"):
                try:
                    self._writes.delete(rt, ref[1], ref[2])
                except ApiError:
                    pass

    def _finalize_owner(self, key: Key, obj: dict[str, Any]) -> None:
        """Foreground deletion (dependents first) and orphaning (dependents released)."""
        meta = obj["metadata"]
        fins = meta.get("finalizers") or []
        uid = meta["uid"]
        drop = set()
        if "orphan" in fins:
            for ref in self._state.dependents(uid):
                dep = self._state.get(*ref)
                if dep is None:
                    continue
                refs = [r for r in dep["metadata"].get("ownerReferences") or []
                        if r.get("uid") != uid]
                dmeta = {**dep["metadata"], "ownerReferences": refs}
                if not refs:
                    del dmeta["ownerReferences"]
                self._state.update(ref[0], {**dep, "metadata": dmeta})
            drop.add("orphan")
        if "foregroundDeletion" in fins:
            self._collect(uid)
            if not self._state.dependents(uid):
                drop.add("foregroundDeletion")
        rt = self._state.registry.by_key(key)
        if drop and rt is not None:
            keep = [f for f in fins if f not in drop]
            self._writes.patch(rt, meta.get("namespace", ""), meta["name"],
                               "application/merge-patch+json",
                               {"metadata": {"finalizers": keep or None}}, None)

    # ---- namespaces --------------------------------------------------------------------
    def _namespace(self, ns: dict[str, Any]) -> None:
        name = ns["metadata"]["name"]
        if not ns["metadata"].get("deletionTimestamp"):
            if self._state.get(SERVICEACCOUNTS.key, name, "default") is None:
                try:
                    self._writes.create(SERVICEACCOUNTS, name, {"metadata": {"name": "default"}},
                                        None)
                except ApiError:
                    pass
            return
        left = 0
        for key, obj in self._state.iter_namespace(name):
            left += 1
            rt = self._state.registry.by_key(key)
            if rt is not None and not obj["metadata"].get("deletionTimestamp"):
                try:
                    self._writes.delete(rt, name, obj["metadata"]["name"])
                except ApiError:
                    pass
        if left and any(True for _ in self._state.iter_namespace(name)):
            return  # objects held by finalizers; their removal re-queues the namespace
        fins = [f for f in (ns.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"]
        self._writes.finalize_namespace(name, {"spec": {"finalizers": fins}})

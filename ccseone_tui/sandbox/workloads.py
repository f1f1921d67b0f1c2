"""Workload controllers: Deployment -> ReplicaSet -> Pods, StatefulSet, DaemonSet, Job.

Level-triggered: each function looks at one owner and its pods (through the store's owner
index) and writes only what differs, so running it again is a no-op. Rollouts are immediate
(the new ReplicaSet gets every replica at once, old ones drop to zero)."""

from __future__ import annotations

import json
import zlib
from typing import Any

from ccseone_tui.sandbox.clock import rfc3339
from ccseone_tui.sandbox.events import EventRecorder
from ccseone_tui.sandbox.resources import APPS, CORE, JOBS, ResourceType
from ccseone_tui.sandbox.selectors import selector_matches
from ccseone_tui.sandbox.status import ApiError
from ccseone_tui.sandbox.store import ClusterState, clone
from ccseone_tui.sandbox.writes import Writes

Obj = dict[str, Any]
PODS, NODES = CORE["pods"], CORE["nodes"]
DEPLOYMENTS, REPLICASETS = APPS["deployments"], APPS["replicasets"]
STATEFULSETS, DAEMONSETS = APPS["statefulsets"], APPS["daemonsets"]
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
REVISION = "deployment.kubernetes.io/revision"


def template_hash(template: Any) -> str:
    """Like the pod-template-hash label: a hash encoded with Kubernetes' safe alphabet."""
    digits = str(zlib.crc32(json.dumps(template, sort_keys=True).encode()))
    return "".join(_ALPHANUMS[ord(c) % len(_ALPHANUMS)] for c in digits)


def owner_ref(owner: Obj) -> dict[str, Any]:
    m = owner["metadata"]
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": m["name"],
            "uid": m["uid"], "controller": True, "blockOwnerDeletion": True}


def is_ready(pod: Obj) -> bool:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def condition(old: list[Obj] | None, type_: str, status: str, reason: str, message: str,
              update_time: bool = False) -> Obj:
    """A condition that keeps its timestamps while nothing about it changes (otherwise
    every pass would rewrite the object and wake the controller again)."""
    for c in old or []:
        if c.get("type") == type_ and c.get("status") == status and c.get("reason") == reason:
            return {**c, "message": message}
    now = rfc3339()
    c = {"type": type_, "status": status, "reason": reason, "message": message,
         "lastTransitionTime": now}
    if update_time:
        c["lastUpdateTime"] = now
    return c


class Workloads:
    def __init__(self, state: ClusterState, writes: Writes, recorder: EventRecorder) -> None:
        self._state = state
        self._writes = writes
        self._events = recorder

    def _owned(self, owner: Obj, rt: ResourceType) -> list[Obj]:
        out = []
        for key, ns, name in self._state.dependents(owner["metadata"]["uid"]):
            if key == rt.key and (o := self._state.get(key, ns, name)) is not None:
                out.append(o)
        return out

    def _live_pods(self, owner: Obj) -> list[Obj]:
        return [p for p in self._owned(owner, PODS) if not p["metadata"].get("deletionTimestamp")]

    def _create_pod(self, owner: Obj, name: str | None, labels: dict[str, str],
                    node: str | None = None) -> Obj | None:
        tpl = owner["spec"]["template"]
        meta: Obj = {"labels": labels, "ownerReferences": [owner_ref(owner)]}
        if tpl["metadata"].get("annotations"):
            meta["annotations"] = dict(tpl["metadata"]["annotations"])
        if name:
            meta["name"] = name
        else:
            meta["generateName"] = owner["metadata"]["name"] + "-"
        spec = clone(tpl.get("spec") or {})
        if node:
            spec["nodeName"] = node
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        try:
            return self._writes.create(PODS, owner["metadata"]["namespace"], body, None)
        except ApiError:
            return None  # namespace terminating, name taken by a pod still going away …

    def _delete(self, rt: ResourceType, obj: Obj) -> None:
        m = obj["metadata"]
        try:
            self._writes.delete(rt, m.get("namespace", ""), m["name"])
        except ApiError:
            pass

    # ---- Deployment -------------------------------------------------------------------
    def deployment(self, d: Obj) -> None:
        if d["metadata"].get("deletionTimestamp"):
            return
        spec = d["spec"]
        want = spec.get("replicas", 1)
        h = template_hash(spec["template"])
        rses = self._owned(d, REPLICASETS)
        current = next((r for r in rses if (r["metadata"].get("labels") or {}).get(
            "pod-template-hash") == h), None)
        revisions = [int((r["metadata"].get("annotations") or {}).get(REVISION, 0)) for r in rses]
        name = d["metadata"]["name"]
        if current is None:
            tpl = clone(spec["template"])
            labels = {**(tpl["metadata"].get("labels") or {}), "pod-template-hash": h}
            tpl["metadata"]["labels"] = labels
            selector = clone(spec.get("selector") or {})
            selector.setdefault("matchLabels", {})["pod-template-hash"] = h
            rs = {
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {
                    "name": f"{name}-{h}", "labels": labels,
                    "annotations": {REVISION: str(max(revisions, default=0) + 1),
                                    "deployment.kubernetes.io/desired-replicas": str(want),
                                    "deployment.kubernetes.io/max-replicas": str(want + 1)},
                    "ownerReferences": [owner_ref(d)],
                },
                "spec": {"replicas": want, "selector": selector, "template": tpl},
            }
            try:
                current = self._writes.create(REPLICASETS, d["metadata"]["namespace"], rs, None)
            except ApiError:
                return
            self._events.record(d, "ScalingReplicaSet",
                                f"Scaled up replica set {name}-{h} to {want} from 0",
                                component="deployment-controller")
        else:
            self._scale(d, current, want)
        for rs in rses:
            if rs is not current and rs["spec"].get("replicas", 0):
                self._scale(d, rs, 0)
        old = sorted((r for r in rses if r is not current and not r["spec"].get("replicas")),
                     key=lambda r: int((r["metadata"].get("annotations") or {}).get(REVISION, 0)))
        for rs in old[: max(0, len(old) - spec.get("revisionHistoryLimit", 10))]:
            self._delete(REPLICASETS, rs)
        self._deployment_status(d, current)

    def _scale(self, d: Obj, rs: Obj, want: int) -> None:
        have = rs["spec"].get("replicas", 0)
        if have == want:
            return
        new = {**rs, "metadata": dict(rs["metadata"]), "spec": {**rs["spec"], "replicas": want}}
        self._state.update(REPLICASETS.key, new)
        verb = "up" if want > have else "down"
        self._events.record(
            d, "ScalingReplicaSet",
            f"Scaled {verb} replica set {rs['metadata']['name']} to {want} from {have}",
            component="deployment-controller")

    def _deployment_status(self, d: Obj, current: Obj) -> None:
        want = d["spec"].get("replicas", 1)
        rses = self._owned(d, REPLICASETS)
        total = sum((r.get("status") or {}).get("replicas", 0) for r in rses)
        ready = sum((r.get("status") or {}).get("readyReplicas", 0) for r in rses)
        available = sum((r.get("status") or {}).get("availableReplicas", 0) for r in rses)
        cur = self._state.get(REPLICASETS.key, current["metadata"]["namespace"],
                              current["metadata"]["name"]) or current
        updated = (cur.get("status") or {}).get("replicas", 0)
        old_conds = (d.get("status") or {}).get("conditions")
        rs_name = current["metadata"]["name"]
        done = updated == want and available >= want and total == want
        conds = [
            condition(old_conds, "Available", "True", "MinimumReplicasAvailable",
                      "Deployment has minimum availability.", True) if available >= want
            else condition(old_conds, "Available", "False", "MinimumReplicasUnavailable",
                           "Deployment does not have minimum availability.", True),
            condition(old_conds, "Progressing", "True", "NewReplicaSetAvailable",
                      f'ReplicaSet "{rs_name}" has successfully progressed.', True) if done
            else condition(old_conds, "Progressing", "True", "ReplicaSetUpdated",
                           f'ReplicaSet "{rs_name}" is progressing.', True),
        ]
        status: Obj = {"observedGeneration": d["metadata"].get("generation", 1),
                       "replicas": total, "updatedReplicas": updated, "readyReplicas": ready,
                       "availableReplicas": available, "conditions": conds}
        if want - available > 0:
            status["unavailableReplicas"] = want - available
        for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"):
            if not status[k]:
                del status[k]  # zero counts are omitted, as in real status objects
        self._writes.set_status(DEPLOYMENTS, d, status)

    # ---- ReplicaSet -------------------------------------------------------------------
    def replicaset(self, rs: Obj) -> None:
        if rs["metadata"].get("deletionTimestamp"):
            return
        want = rs["spec"].get("replicas", 1)
        pods = self._live_pods(rs)
        labels = dict(rs["spec"]["template"]["metadata"].get("labels") or {})
        for _ in range(want - len(pods)):
            pod = self._create_pod(rs, None, labels)
            if pod is None:
                break
            pods.append(pod)
            self._events.record(rs, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                component="replicaset-controller")
        if len(pods) > want:
            doomed = sorted(pods, key=lambda p: (is_ready(p), p["metadata"]["creationTimestamp"]))
            for pod in doomed[: len(pods) - want]:
                self._delete(PODS, pod)
                pods.remove(pod)
                self._events.record(rs, "SuccessfulDelete",
                                    f"Deleted pod: {pod['metadata']['name']}",
                                    component="replicaset-controller")
        ready = sum(1 for p in pods if is_ready(p))
        status = {"replicas": len(pods), "fullyLabeledReplicas": len(pods),
                  "readyReplicas": ready, "availableReplicas": ready,
                  "observedGeneration": rs["metadata"].get("generation", 1)}
        self._writes.set_status(REPLICASETS, rs, {k: v for k, v in status.items() if v})

    # ---- StatefulSet ------------------------------------------------------------------
    def statefulset(self, sts: Obj) -> None:
        if sts["metadata"].get("deletionTimestamp"):
            return
        name = sts["metadata"]["name"]
        want = sts["spec"].get("replicas", 1)
        revision = f"{name}-{template_hash(sts['spec']['template'])}"
        pods = {p["metadata"]["name"]: p for p in self._live_pods(sts)}
        base = dict(sts["spec"]["template"]["metadata"].get("labels") or {})
        for pname, pod in list(pods.items()):
            idx = pname.rsplit("-", 1)[-1]
            stale = (pod["metadata"].get("labels") or {}).get("controller-revision-hash")
            if not idx.isdigit() or int(idx) >= want or stale != revision:
                self._delete(PODS, pod)
                del pods[pname]
                self._events.record(sts, "SuccessfulDelete",
                                    f"delete Pod {pname} in StatefulSet {name} successful",
                                    component="statefulset-controller")
        for i in range(want):
            pname = f"{name}-{i}"
            if pname in pods:
                continue
            labels = {**base, "statefulset.kubernetes.io/pod-name": pname,
                      "controller-revision-hash": revision, "apps.kubernetes.io/pod-index": str(i)}
            pod = self._create_pod(sts, pname, labels)
            if pod is not None:
                pods[pname] = pod
                self._events.record(sts, "SuccessfulCreate",
                                    f"create Pod {pname} in StatefulSet {name} successful",
                                    component="statefulset-controller")
        ready = sum(1 for p in pods.values() if is_ready(p))
        status = {"observedGeneration": sts["metadata"].get("generation", 1),
                  "replicas": len(pods), "readyReplicas": ready, "currentReplicas": len(pods),
                  "updatedReplicas": len(pods), "availableReplicas": ready,
                  "currentRevision": revision, "updateRevision": revision, "collisionCount": 0}
        self._writes.set_status(STATEFULSETS, sts, status)

    # ---- DaemonSet --------------------------------------------------------------------
    def daemonset(self, ds: Obj) -> None:
        if ds["metadata"].get("deletionTimestamp"):
            return
        tpl = ds["spec"]["template"]
        selector = (tpl.get("spec") or {}).get("nodeSelector") or {}
        nodes = [n["metadata"]["name"] for n in self._state.list(NODES.key)
                 if not selector or selector_matches({"matchLabels": selector},
                                                     n["metadata"].get("labels") or {})]
        revision = template_hash(tpl)
        by_node: dict[str, Obj] = {}
        for pod in self._live_pods(ds):
            node = (pod.get("spec") or {}).get("nodeName", "")
            stale = (pod["metadata"].get("labels") or {}).get("controller-revision-hash")
            if node not in nodes or node in by_node or stale != revision:
                self._delete(PODS, pod)
            else:
                by_node[node] = pod
        labels = {**(tpl["metadata"].get("labels") or {}), "controller-revision-hash": revision,
                  "pod-template-generation": str(ds["metadata"].get("generation", 1))}
        for node in nodes:
            if node not in by_node and (pod := self._create_pod(ds, None, labels, node)):
                by_node[node] = pod
                self._events.record(ds, "SuccessfulCreate",
                                    f"Created pod: {pod['metadata']['name']}",
                                    component="daemonset-controller")
        ready = sum(1 for p in by_node.values() if is_ready(p))
        status = {"observedGeneration": ds["metadata"].get("generation", 1),
                  "desiredNumberScheduled": len(nodes), "currentNumberScheduled": len(by_node),
                  "numberReady": ready, "numberAvailable": ready,
                  "updatedNumberScheduled": len(by_node), "numberMisscheduled": 0}
        if len(nodes) - ready:
            status["numberUnavailable"] = len(nodes) - ready
        self._writes.set_status(DAEMONSETS, ds, status)

    # ---- Job --------------------------------------------------------------------------
    def job(self, job: Obj) -> None:
        if job["metadata"].get("deletionTimestamp"):
            return
        spec = job["spec"]
        status = dict(job.get("status") or {})
        if any(c.get("type") == "Complete" for c in status.get("conditions") or []):
            return
        completions, parallelism = spec.get("completions", 1), spec.get("parallelism", 1)
        pods = self._live_pods(job)
        succeeded = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Succeeded")
        active = [p for p in pods if (p.get("status") or {}).get("phase") not in (
            "Succeeded", "Failed")]
        labels = dict(spec["template"]["metadata"].get("labels") or {})
        for _ in range(min(parallelism - len(active), completions - succeeded - len(active))):
            pod = self._create_pod(job, None, labels)
            if pod is None:
                break
            active.append(pod)
            self._events.record(job, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                component="job-controller")
        now = rfc3339()
        status.setdefault("startTime", now)
        status.update(active=len(active), succeeded=succeeded, failed=0, terminating=0,
                      ready=sum(1 for p in active if is_ready(p)), uncountedTerminatedPods={})
        if not status["active"]:
            del status["active"]
        if succeeded >= completions:
            status["completionTime"] = now
            status["conditions"] = [
                {"type": t, "status": "True", "reason": "CompletionsReached",
                 "message": "Reached expected number of succeeded pods",
                 "lastProbeTime": now, "lastTransitionTime": now}
                for t in ("SuccessCriteriaMet", "Complete")
            ]
            self._events.record(job, "Completed", "Job completed", component="job-controller")
        self._writes.set_status(JOBS, job, status)

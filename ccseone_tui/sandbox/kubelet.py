"""The scheduler and the kubelets of a sandbox cluster, in one function per pod: bind a pod
to a node (round-robin over the nodes its nodeSelector allows), then run it (Running and
Ready, or ImagePullBackOff for an image that cannot exist), and finish Job pods."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from typing import Any

from ccseone_tui.sandbox.clock import rfc3339
from ccseone_tui.sandbox.events import EventRecorder
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.selectors import selector_matches
from ccseone_tui.sandbox.store import ClusterState
from ccseone_tui.sandbox.writes import Writes

PODS = CORE["pods"]
NODES = CORE["nodes"]
# Images that "do not exist", so demos and tests can show a broken rollout.
BROKEN_IMAGE_MARKERS = ("doesnotexist", "does-not-exist", "nonexistent", ":broken")


def _cond(type_: str, status: str, now: str, reason: str | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"type": type_, "status": status, "lastProbeTime": None,
                         "lastTransitionTime": now}
    if reason:
        c["reason"] = reason
    return c


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image_ref(image: str) -> str:
    name = image if "/" in image else f"docker.io/library/{image}"
    return name.split(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name


class Kubelet:
    def __init__(
        self,
        state: ClusterState,
        writes: Writes,
        recorder: EventRecorder,
        job_duration: Callable[[], float],
        later: Callable[[float, tuple[str, str]], None],
    ) -> None:
        self._state = state
        self._writes = writes
        self._events = recorder
        self._job_duration = job_duration
        self._later = later  # re-queue a pod after a delay (Job pods finishing)
        self._rr = itertools.count()
        self._ips = itertools.count(2)
        self.due: set[tuple[str, str]] = set()

    def reconcile(self, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            return
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        phase = status.get("phase")
        if phase in ("Succeeded", "Failed"):
            return
        if not spec.get("nodeName"):
            self._schedule(pod)
        elif phase == "Pending" and not status.get("containerStatuses"):
            self._start(pod)
        elif phase == "Running" and (meta.get("namespace", ""), meta["name"]) in self.due:
            self.due.discard((meta.get("namespace", ""), meta["name"]))
            self._finish(pod)

    def _schedule(self, pod: dict[str, Any]) -> None:
        selector = (pod.get("spec") or {}).get("nodeSelector") or {}
        nodes = [n for n in self._state.list(NODES.key)
                 if not (n.get("spec") or {}).get("unschedulable")
                 and (not selector or selector_matches({"matchLabels": selector},
                                                       n["metadata"].get("labels") or {}))]
        meta = pod["metadata"]
        now = rfc3339()
        if not nodes:
            conds = (pod.get("status") or {}).get("conditions") or []
            if any(c.get("type") == "PodScheduled" for c in conds):
                return
            total = self._state.count(NODES.key)
            msg = (f"0/{total} nodes are available: {total} node(s) didn't match Pod's node "
                   f"affinity/selector. preemption: 0/{total} nodes are available: {total} "
                   "Preemption is not helpful for scheduling.")
            cond = _cond("PodScheduled", "False", now, "Unschedulable")
            cond["message"] = msg
            self._writes.set_status(PODS, pod, {**pod.get("status", {}), "conditions": [cond]})
            self._events.record(pod, "FailedScheduling", msg, type_="Warning",
                                component="default-scheduler")
            return
        node = nodes[next(self._rr) % len(nodes)]
        bound = {**pod, "spec": {**pod["spec"], "nodeName": node["metadata"]["name"]}}
        self._events.record(
            bound, "Scheduled",
            f"Successfully assigned {meta.get('namespace')}/{meta['name']} to "
            f"{node['metadata']['name']}",
            component="default-scheduler",
        )
        # Bound and started in one write, so each pod costs one MODIFIED, not two.
        self._start(bound)

    def _start(self, pod: dict[str, Any]) -> None:
        spec = pod["spec"]
        node_name = spec["nodeName"]
        node = self._state.get(NODES.key, "", node_name) or {"status": {}}
        addresses = (node.get("status") or {}).get("addresses") or []
        host_ip = next((a["address"] for a in addresses if a.get("type") == "InternalIP"),
                       "10.0.0.1")
        node_idx = int(host_ip.rsplit(".", 1)[-1]) if host_ip[-1].isdigit() else 0
        n = next(self._ips)
        pod_ip = f"10.244.{node_idx}.{n % 250 + 2}"
        now = rfc3339()
        uid = pod["metadata"]["uid"]
        broken = [c for c in spec.get("containers", [])
                  if any(m in str(c.get("image", "")) for m in BROKEN_IMAGE_MARKERS)]
        statuses = []
        for c in spec.get("containers", []):
            image = str(c.get("image", ""))
            cid = _digest(f"{uid}/{c['name']}")
            cs: dict[str, Any] = {
                "name": c["name"], "image": image, "lastState": {}, "restartCount": 0,
                "imageID": "", "ready": False, "started": False,
            }
            path = f"spec.containers{{{c['name']}}}"
            if c in broken:
                cs["state"] = {"waiting": {
                    "reason": "ImagePullBackOff",
                    "message": f'Back-off pulling image "{image}"'}}
                self._events.record(
                    pod, "Failed",
                    f'Failed to pull image "{image}": rpc error: code = NotFound desc = '
                    f'failed to pull and unpack image "{image}": not found',
                    type_="Warning", component="kubelet", host=node_name, field_path=path)
            else:
                cs.update(
                    state={"running": {"startedAt": now}}, ready=True, started=True,
                    imageID=f"{_image_ref(image)}@sha256:{_digest(image)}",
                    containerID=f"containerd://{cid}",
                )
                self._events.record(pod, "Pulled", f'Container image "{image}" already present '
                                    "on machine", component="kubelet", host=node_name,
                                    field_path=path)
                self._events.record(pod, "Started", f"Started container {c['name']}",
                                    component="kubelet", host=node_name, field_path=path)
            statuses.append(cs)
        ready = "False" if broken else "True"
        status = {
            "phase": "Pending" if broken else "Running",
            "conditions": [
                _cond("PodReadyToStartContainers", "True", now),
                _cond("Initialized", "True", now),
                _cond("Ready", ready, now, "ContainersNotReady" if broken else None),
                _cond("ContainersReady", ready, now, "ContainersNotReady" if broken else None),
                _cond("PodScheduled", "True", now),
            ],
            "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
            "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
            "startTime": now,
            "containerStatuses": statuses,
            "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort"),
        }
        self._state.update(PODS.key, {**pod, "metadata": dict(pod["metadata"]), "status": status})
        if not broken and spec.get("restartPolicy") in ("Never", "OnFailure"):
            ref = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
            self.due.add(ref)
            self._later(self._job_duration(), ref)

    def _finish(self, pod: dict[str, Any]) -> None:
        now = rfc3339()
        status = dict(pod.get("status") or {})
        statuses = []
        for cs in status.get("containerStatuses") or []:
            started = ((cs.get("state") or {}).get("running") or {}).get("startedAt", now)
            statuses.append({**cs, "ready": False, "started": False, "state": {"terminated": {
                "exitCode": 0, "reason": "Completed", "startedAt": started,
                "finishedAt": now, "containerID": cs.get("containerID", "")}}})
        status["phase"] = "Succeeded"
        status["containerStatuses"] = statuses
        status["conditions"] = [
            {**c, "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}
            if c["type"] in ("Ready", "ContainersReady", "PodReadyToStartContainers") else c
            for c in status.get("conditions") or []
        ]
        self._writes.set_status(PODS, pod, status)

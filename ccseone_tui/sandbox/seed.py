"""What a fresh sandbox cluster holds: the system namespaces, ``nodes`` Ready nodes, the
``kubernetes`` service and (optionally) a CoreDNS Deployment and a kube-proxy DaemonSet, so
that a new cluster looks like one a user just got from kubeadm."""

from __future__ import annotations

import hashlib
from typing import Any

from ccseone_tui.sandbox.clock import new_uid, rfc3339
from ccseone_tui.sandbox.resources import APPS, CORE
from ccseone_tui.sandbox.writes import Writes

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


def _hex(name: str, salt: str) -> str:
    return hashlib.md5(f"{salt}/{name}".encode(), usedforsecurity=False).hexdigest()


def node_names(cluster: str, nodes: int) -> list[str]:
    return [f"{cluster}-node-{i + 1}" for i in range(nodes)]


def node_object(cluster: str, index: int, version: str) -> dict[str, Any]:
    name = f"{cluster}-node-{index + 1}"
    role = "control-plane" if index == 0 else "worker"
    now = rfc3339()
    conditions = [
        {"type": t, "status": "False", "reason": f"KubeletHas{r}", "message": m,
         "lastHeartbeatTime": now, "lastTransitionTime": now}
        for t, r, m in (
            ("MemoryPressure", "SufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "NoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "SufficientPID", "kubelet has sufficient PID available"),
        )
    ] + [{"type": "Ready", "status": "True", "reason": "KubeletReady",
          "message": "kubelet is posting ready status", "lastHeartbeatTime": now,
          "lastTransitionTime": now}]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": "amd64",
                f"node-role.kubernetes.io/{role}": "",
                "topology.kubernetes.io/region": "sandbox",
                "topology.kubernetes.io/zone": f"sandbox-{'abc'[index % 3]}",
            },
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"]},
        "status": {
            "capacity": {"cpu": "8", "memory": "32863456Ki", "pods": "110",
                         "ephemeral-storage": "102626232Ki"},
            "allocatable": {"cpu": "8", "memory": "32761056Ki", "pods": "110",
                            "ephemeral-storage": "94580335255"},
            "conditions": conditions,
            "addresses": [{"type": "InternalIP", "address": f"10.0.0.{index + 10}"},
                          {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": _hex(name, "machine"),
                "systemUUID": _hex(name, "system"),
                "bootID": _hex(name, "boot"),
                "kernelVersion": "6.1.0-18-amd64",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "containerRuntimeVersion": "containerd://1.7.18",
                "kubeletVersion": version,
                "kubeProxyVersion": version,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }


def _workload(kind: str, name: str, image: str, replicas: int | None) -> dict[str, Any]:
    labels = {"k8s-app": name}
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels},
                     "spec": {"containers": [{"name": name, "image": image}],
                              "priorityClassName": "system-node-critical"}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": name, "labels": labels}, "spec": spec}


def seed(writes: Writes, cluster: str, nodes: int, version: str, system_workloads: bool) -> None:
    state = writes.state
    for ns in SYSTEM_NAMESPACES:
        writes.create(CORE["namespaces"], "", {"metadata": {"name": ns}}, None)
    for i in range(nodes):
        node = node_object(cluster, i, version)
        # Created straight in the store: node status is the kubelet's, not a client's.
        node["metadata"].update(uid=new_uid(), creationTimestamp=rfc3339())
        state.add(CORE["nodes"].key, node)
    writes.create(CORE["services"], "default", {
        "metadata": {"name": "kubernetes", "labels": {"component": "apiserver",
                                                      "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1",
                 "ports": [{"name": "https", "port": 443, "targetPort": 6443}]},
    }, None)
    if system_workloads:
        writes.create(APPS["deployments"], "kube-system",
                      _workload("Deployment", "coredns", "registry.k8s.io/coredns/coredns:v1.11.1",
                                2), None)
        writes.create(APPS["daemonsets"], "kube-system",
                      _workload("DaemonSet", "kube-proxy",
                                f"registry.k8s.io/kube-proxy:{version}", None), None)

"""Exec into a container and port-forward to a pod or a service, on any member cluster
(issue #11 item 4), over the Kubernetes WebSocket protocols (``kube/exec.py``,
``kube/portforward.py``).

Both are writes in RBAC terms (``create`` on ``pods/exec`` and ``pods/portforward``: the
``view`` role has neither) and open a way into the workload, so they are guarded like every
other write: ``--readonly`` refuses them and a production cluster needs its name typed.

The TUI suspends itself and hands the real terminal to :func:`run_interactive` (re-exported
here: ``ui`` never imports ``kube``)::

    session = await services.shell.open_exec(cluster, ns, pod, confirm=typed)
    with app.suspend():
        code = await run_interactive(session, sys.__stdin__.fileno(), sys.__stdout__.fileno())

Port-forwards live until :meth:`ShellService.stop` or :meth:`ShellService.close` (called by
``Services.close``, so none outlives the app).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.shell_errors import (
    ContainerNotFound,
    NoRunningPod,
    PodNotRunning,
    ServicePortNotFound,
)
from ccseone_tui.i18n import t
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.resources.actions import ContainerInfo

if TYPE_CHECKING:
    from ccseone_tui.domain.models import MemberCluster
    from ccseone_tui.kube.exec import ExecSession
    from ccseone_tui.kube.portforward import PortForwarder

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
DEFAULT_COMMAND = ("/bin/sh",)
Obj = dict[str, Any]


async def run_interactive(session: ExecSession, stdin_fd: int | None, stdout_fd: int,
                          stderr_fd: int | None = None) -> int:
    """The session on the local terminal until the command ends (raw mode, resizes, the
    terminal restored on every way out); its exit code. See ``kube.exec.run_interactive``."""
    from ccseone_tui.kube.exec import run_interactive as run

    return await run(session, stdin_fd, stdout_fd, stderr_fd)


@dataclass(eq=False)
class Forward:
    """One active port-forward (``ShellService.forwards()``)."""

    id: int
    cluster: str
    namespace: str
    target: str  # as asked: "pod/NAME" or "svc/NAME"
    pod: str  # the pod it reaches (a service's: the one picked at start)
    remote_port: int  # on the pod (a service port resolved to its targetPort)
    local_port: int
    address: str
    started_at: float = field(default_factory=time.time)
    service_port: int | None = None  # svc/NAME: the service port that was asked
    _forwarder: PortForwarder | None = field(default=None, repr=False)

    @property
    def connections(self) -> int:
        """Connections open now."""
        return self._forwarder.active if self._forwarder is not None else 0

    @property
    def total(self) -> int:
        """Connections accepted since it started."""
        return self._forwarder.total if self._forwarder is not None else 0

    @property
    def errors(self) -> list[str]:
        """The latest messages of the pod side (nothing listens on that port …)."""
        return list(self._forwarder.errors) if self._forwarder is not None else []

    @property
    def running(self) -> bool:
        return self._forwarder is not None and self._forwarder.running

    @property
    def local(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.local_port}"

    def __str__(self) -> str:
        port = self.service_port or self.remote_port
        return f"{self.cluster}: {self.local} -> {self.target}:{port}"


def parse_target(target: str) -> tuple[str, str]:
    """``pod/NAME``, ``po/NAME``, ``pods/NAME``, ``svc/NAME``, ``service/NAME``, or a bare
    pod name → ("pod"|"svc", NAME)."""
    kind, sep, name = target.partition("/")
    if not sep:
        kind, name = "pod", target
    kind = {"pod": "pod", "po": "pod", "pods": "pod", "svc": "svc", "service": "svc",
            "services": "svc"}.get(kind.lower(), "")
    if not kind or not name or "/" in name:
        raise ValidationError("TARGET", target, t("pf.bad_target"), t("pf.bad_target"))
    return kind, name


def parse_ports(spec: str) -> tuple[int, int]:
    """kubectl's ``[LOCAL:]REMOTE`` → (local, remote); ``:REMOTE`` and ``0:REMOTE`` pick a
    free local port; ``REMOTE`` alone uses the same number locally."""
    local_text, sep, remote_text = spec.rpartition(":")
    if not sep:
        local_text = remote_text
    try:
        remote = int(remote_text)
        local = int(local_text) if local_text else 0
    except ValueError:
        raise ValidationError("PORT", spec, t("pf.bad_port"), t("pf.bad_port.fix")) from None
    if not (1 <= remote <= 65535 and 0 <= local <= 65535):
        raise ValidationError("PORT", spec, t("pf.bad_port"), t("pf.bad_port.fix"))
    return local, remote


def default_container(pod: Obj) -> str | None:
    """kubectl's choice: the ``kubectl.kubernetes.io/default-container`` annotation when it
    names a container of the pod, else the first container."""
    spec = pod.get("spec") or {}
    names = [str(c.get("name")) for c in spec.get("containers") or []]
    wanted = ((pod.get("metadata") or {}).get("annotations") or {}).get(
        DEFAULT_CONTAINER_ANNOTATION)
    if wanted and wanted in names:
        return str(wanted)
    return names[0] if names else None


def _all_container_names(pod: Obj) -> list[str]:
    spec = pod.get("spec") or {}
    return [str(c.get("name")) for key in ("containers", "initContainers", "ephemeralContainers")
            for c in spec.get(key) or []]


def _labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _is_ready(pod: Obj) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


class ShellService:
    """Exec sessions and port-forwards on member clusters. ``resources`` is the
    ``ResourceService`` (``cluster``/``client`` by name), ``clusters`` the
    ``ClustersService``, ``guard`` the write rules."""

    def __init__(self, resources: Any, clusters: Any, guard: Guard) -> None:
        self._resources = resources
        self._clusters = clusters
        self._guard = guard
        self._forwards: dict[int, Forward] = {}
        self._ids = itertools.count(1)

    # ---- clusters and pods ------------------------------------------------------------------

    async def _member(self, cluster: str, instance_id: str | None) -> MemberCluster:
        return await self._resources.cluster(cluster, instance_id)

    async def _client(self, member: MemberCluster) -> Any:
        return await self._clusters.client(member)

    def _check_write(self, member: MemberCluster, confirm: str | None) -> None:
        self._guard.check_writable()
        self._guard.check_confirmed([member], confirm)

    @staticmethod
    async def _pod(client: Any, namespace: str, pod: str) -> Obj:
        return await client.get("v1", "Pod", pod, namespace=namespace)

    async def containers(self, cluster: str, namespace: str | None, pod: str, *,
                         instance_id: str | None = None) -> list[ContainerInfo]:
        """The pod's containers one can exec into (main, then ephemeral), the default one
        first (the ``kubectl.kubernetes.io/default-container`` annotation, else the
        first)."""
        from ccseone_tui.services.resources.describe import containers_of

        client = await self._client(await self._member(cluster, instance_id))
        obj = await self._pod(client, namespace or client.default_namespace, pod)
        default = default_container(obj)
        found = [c for c in containers_of(obj) if c.kind != "init"]
        return sorted(found, key=lambda c: c.name != default)  # stable: the rest in order

    # ---- exec ----------------------------------------------------------------------------

    async def open_exec(self, cluster: str, namespace: str | None, pod: str,
                        container: str | None = None,
                        command: Sequence[str] = DEFAULT_COMMAND, tty: bool = True, *,
                        stdin: bool = True, instance_id: str | None = None,
                        confirm: str | None = None,
                        on_default: Callable[[str, list[str]], None] | None = None,
                        ) -> ExecSession:
        """Start ``command`` in a container of the pod; the open ``ExecSession``.

        Refused in read-only mode; a production cluster needs ``confirm`` (its name). Like
        kubectl, a Succeeded or Failed pod is refused before connecting
        (``PodNotRunning``), ``namespace=None`` is the kubeconfig context's, and without
        ``container`` the default one is used
        (``on_default(name, all names)`` is told when the pod has several)."""
        from ccseone_tui.kube.exec import open_exec

        member = await self._member(cluster, instance_id)
        self._check_write(member, confirm)
        client = await self._client(member)
        namespace = namespace or client.default_namespace
        obj = await self._pod(client, namespace, pod)
        phase = (obj.get("status") or {}).get("phase") or ""
        if phase in ("Succeeded", "Failed"):
            raise PodNotRunning(pod, phase)
        names = _all_container_names(obj)
        if container is None:
            container = default_container(obj)
            main = [str(c.get("name")) for c in (obj.get("spec") or {}).get("containers") or []]
            if container and len(main) > 1 and on_default is not None:
                on_default(container, main)
        elif container not in names:
            raise ContainerNotFound(pod, container, names)
        return await open_exec(client, namespace, pod, tuple(command) or DEFAULT_COMMAND,
                               container=container, stdin=stdin, tty=tty)

    run_interactive = staticmethod(run_interactive)

    # ---- port-forward --------------------------------------------------------------------

    async def _resolve(self, client: Any, namespace: str, kind: str, name: str, port: int
                       ) -> tuple[str, int]:
        """(pod, port on the pod) for a target. A service is resolved like kubectl does:
        its port (by number, else by name) gives the targetPort (a number, or a container
        port's name looked up in the chosen pod); the pod is a running one its selector
        matches, ready ones first."""
        if kind == "pod":
            obj = await self._pod(client, namespace, name)
            phase = (obj.get("status") or {}).get("phase") or ""
            if phase != "Running":
                raise PodNotRunning(name, phase or "Unknown", action="forward")
            return name, port
        svc = await client.get("v1", "Service", name, namespace=namespace)
        spec = svc.get("spec") or {}
        ports = spec.get("ports") or []
        chosen = next((p for p in ports if p.get("port") == port), None)
        if chosen is None:
            raise ServicePortNotFound(name, port, [str(p.get("port")) for p in ports])
        selector = {str(k): str(v) for k, v in (spec.get("selector") or {}).items()}
        shown = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        pods = []
        if selector:
            listed = await client.list("v1", "Pod", namespace=namespace, label_selector=shown)
            pods = [p for p in listed.get("items") or []
                    if (p.get("status") or {}).get("phase") == "Running"
                    and not (p.get("metadata") or {}).get("deletionTimestamp")
                    and _labels_match(selector, (p.get("metadata") or {}).get("labels") or {})]
        if not pods:
            raise NoRunningPod(f"svc/{name}", shown)
        pods.sort(key=lambda p: (not _is_ready(p), p["metadata"]["name"]))
        pod = pods[0]
        target = chosen.get("targetPort", chosen.get("port"))
        if isinstance(target, int):
            return pod["metadata"]["name"], target
        if isinstance(target, str) and target.isdigit():
            return pod["metadata"]["name"], int(target)
        for c in (pod.get("spec") or {}).get("containers") or []:
            for cp in c.get("ports") or []:
                if cp.get("name") == target:
                    return pod["metadata"]["name"], int(cp["containerPort"])
        raise ServicePortNotFound(name, str(target),
                                  [str(p.get("name") or p.get("port")) for p in ports])

    async def port_forward(self, cluster: str, namespace: str | None, target: str,
                           remote_port: int,
                           local_port: int = 0, address: str = "127.0.0.1", *,
                           instance_id: str | None = None, confirm: str | None = None,
                           on_connection: Callable[[Forward], None] | None = None,
                           on_error: Callable[[Forward, str], None] | None = None,
                           ) -> Forward:
        """Listen on ``address:local_port`` (0: a free port) and forward each connection to
        ``remote_port`` of ``target`` ("pod/NAME", "svc/NAME" or a pod name); the running
        ``Forward``. A port taken locally raises ``LocalPortInUse`` naming it. Guarded like
        exec (read-only refused, production confirmed)."""
        from ccseone_tui.kube.portforward import PortForwarder

        kind, name = parse_target(target)
        member = await self._member(cluster, instance_id)
        self._check_write(member, confirm)
        client = await self._client(member)
        namespace = namespace or client.default_namespace
        pod, pod_port = await self._resolve(client, namespace, kind, name, remote_port)
        fwd = Forward(id=next(self._ids), cluster=member.name, namespace=namespace,
                      target=f"{kind}/{name}", pod=pod, remote_port=pod_port,
                      local_port=local_port, address=address,
                      service_port=remote_port if kind == "svc" else None)
        forwarder = PortForwarder(
            client, namespace, pod, pod_port, local_port=local_port, address=address,
            on_connection=(lambda _f: on_connection(fwd)) if on_connection else None,
            on_error=(lambda _f, message: on_error(fwd, message)) if on_error else None)
        fwd.local_port = await forwarder.start()
        fwd.address = forwarder.address
        fwd._forwarder = forwarder
        self._forwards[fwd.id] = fwd
        return fwd

    def forwards(self) -> list[Forward]:
        """Active port-forwards, oldest first."""
        return list(self._forwards.values())

    async def stop(self, forward: Forward | int) -> None:
        """Stop one port-forward: the listener closes, its connections too."""
        fwd = self._forwards.pop(forward if isinstance(forward, int) else forward.id, None)
        if fwd is not None and fwd._forwarder is not None:
            await fwd._forwarder.stop()

    async def wait(self, forward: Forward) -> None:
        """Until the forward is stopped (by ``stop`` or ``close``)."""
        if forward._forwarder is not None:
            await forward._forwarder.stopped.wait()

    async def close(self) -> None:
        """Stop every port-forward (``Services.close`` calls it: none outlives the app)."""
        forwards = list(self._forwards.values())
        self._forwards.clear()
        await asyncio.gather(*(f._forwarder.stop() for f in forwards
                               if f._forwarder is not None), return_exceptions=True)


__all__ = ["DEFAULT_COMMAND", "DEFAULT_CONTAINER_ANNOTATION", "Forward", "ShellService",
           "default_container", "parse_ports", "parse_target", "run_interactive"]

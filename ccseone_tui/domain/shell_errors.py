"""Errors of exec and port-forward (issue #11 item 4). Each names what failed and the fix,
in both languages; those that come from the cluster keep its status and message."""

from __future__ import annotations

from typing import Any

from ccseone_tui.domain.errors import CcseoneError, KubeApiError


class ExecFailed(KubeApiError):
    """The command could not run in the container: the ``Status`` the kubelet wrote on the
    error channel (e.g. no ``/bin/sh`` in a distroless image), verbatim."""

    key = "exec.failed"
    fix_key = "exec.failed.fix"

    def __init__(self, status: int, reason: str = "", message: str = "", cluster: str = "",
                 body: dict[str, Any] | None = None, command: str = "") -> None:
        super().__init__(status=status, reason=reason, message=message, cluster=cluster,
                         body=body)
        self.params["command"] = command


class ContainerNotRunning(KubeApiError):
    """The server refused the upgrade because the container is not running
    (``container not found``: stopped, restarting, or never started)."""

    key = "exec.container_not_running"
    fix_key = "exec.container_not_running.fix"


class PodNotRunning(CcseoneError):
    """kubectl's own check before it connects: a Succeeded or Failed pod has no running
    container to exec into or forward to."""

    key = "exec.pod_completed"
    fix_key = "exec.pod_completed.fix"

    def __init__(self, pod: str, phase: str, action: str = "exec") -> None:
        if action != "exec":  # port-forward words it its own way (kubectl's)
            self.key = "pf.pod_not_running"
        super().__init__(pod=pod, phase=phase)


class ContainerNotFound(CcseoneError):
    key = "exec.container_not_found"
    fix_key = "exec.container_not_found.fix"

    def __init__(self, pod: str, container: str, choices: list[str]) -> None:
        super().__init__(pod=pod, container=container, choices=", ".join(choices))


class SessionClosed(CcseoneError):
    """The WebSocket closed before the command's exit status came: the API server, the
    kubelet or the network dropped the session."""

    key = "exec.session_closed"
    fix_key = "exec.session_closed.fix"

    def __init__(self, cluster: str, pod: str, cause: str) -> None:
        self.cluster = cluster
        super().__init__(cluster=cluster, pod=pod, cause=cause)


class StreamProtocolUnsupported(CcseoneError):
    """The server upgraded without choosing any of the subprotocols we speak."""

    key = "exec.protocol_unsupported"
    fix_key = "exec.protocol_unsupported.fix"

    def __init__(self, cluster: str, offered: str, chosen: str) -> None:
        super().__init__(cluster=cluster, offered=offered, chosen=chosen)


class LocalPortInUse(CcseoneError):
    key = "pf.port_in_use"
    fix_key = "pf.port_in_use.fix"

    def __init__(self, address: str, port: int, cause: str) -> None:
        self.port = port
        super().__init__(address=address, port=port, cause=cause)


class PortForwardFailed(CcseoneError):
    """The kubelet's message on the port's error channel (nothing listens on that port in
    the pod, the pod went away …), verbatim."""

    key = "pf.failed"
    fix_key = "pf.failed.fix"

    def __init__(self, cluster: str, pod: str, port: int, message: str) -> None:
        super().__init__(cluster=cluster, pod=pod, port=port, api_message=message)


class ServicePortNotFound(CcseoneError):
    key = "pf.service_port_not_found"
    fix_key = "pf.service_port_not_found.fix"

    def __init__(self, service: str, port: int | str, ports: list[str]) -> None:
        super().__init__(service=service, port=port, ports=", ".join(ports) or "-")


class NoRunningPod(CcseoneError):
    """A Service (or other target) whose selector matches no running pod."""

    key = "pf.no_running_pod"
    fix_key = "pf.no_running_pod.fix"

    def __init__(self, target: str, selector: str) -> None:
        super().__init__(target=target, selector=selector or "-")


__all__ = ["ContainerNotFound", "ContainerNotRunning", "ExecFailed", "LocalPortInUse",
           "NoRunningPod", "PodNotRunning", "PortForwardFailed", "ServicePortNotFound",
           "SessionClosed", "StreamProtocolUnsupported"]

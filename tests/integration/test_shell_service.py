"""ShellService (#11 item 4) against sandbox clusters over real HTTP: the default container,
guarded exec (read-only, production), kubectl's client-side checks, port-forward to a pod
and to a service (selector + named targetPort), the list of forwards, stop and close."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ccseone_tui.domain.errors import ConfirmationRequired, ReadOnlyMode, ValidationError
from ccseone_tui.domain.shell_errors import (
    ContainerNotFound,
    NoRunningPod,
    PodNotRunning,
    ServicePortNotFound,
)
from ccseone_tui.kube.exec import STDOUT
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.resources.shell import parse_ports, parse_target

from .conftest import make_settings

NS = "default"


def web() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": NS},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{
                                  "name": "web", "image": "nginx:1.27",
                                  "ports": [{"name": "http", "containerPort": 80}]}]}}},
    }


def service(selector: dict[str, str], name: str = "web") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": NS},
            "spec": {"selector": selector,
                     "ports": [{"name": "http", "port": 8080, "targetPort": "http"}]}}


def two_containers() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "duo", "namespace": NS,
                         "annotations": {"kubectl.kubernetes.io/default-container": "main"}},
            "spec": {"containers": [{"name": "sidecar", "image": "busybox"},
                                    {"name": "main", "image": "busybox"}]}}


@pytest.fixture
async def east(services: Services, fleet: SandboxFleet) -> Services:
    """Instance ``east``: the first cluster production (env=prod); on the second a
    Deployment ``web`` behind Service ``web`` (8080 → named port http = 80), a pod with two
    containers and a Service that selects nothing."""
    await services.instances.create("east", "cn-east-1")
    reqs = [AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None,
                             deletion_protection=False)
            for i, c in enumerate(fleet.clusters[:2])]
    await services.clusters.associate("east", reqs)
    client = await services.resources.client(fleet.clusters[1].name)
    for obj in (web(), service({"app": "web"}), two_containers(),
                service({"app": "nothing"}, "empty")):
        await client.create(obj)
    await fleet.settle()
    return services


async def pods_of_web(services: Services, cluster: str) -> list[str]:
    client = await services.resources.client(cluster)
    listed = await client.list("v1", "Pod", namespace=NS, label_selector="app=web")
    return sorted(p["metadata"]["name"] for p in listed["items"])


async def test_containers_and_default_container(east: Services, fleet: SandboxFleet) -> None:
    member = fleet.clusters[1].name
    infos = await east.shell.containers(member, NS, "duo")
    assert [c.name for c in infos] == ["main", "sidecar"]  # the annotated default first

    told: list[tuple[str, list[str]]] = []
    session = await east.shell.open_exec(member, NS, "duo", command=("hostname",), tty=False,
                                         stdin=False, on_default=lambda c, n: told.append((c, n)))
    chunks = [data async for channel, data in session if channel == STDOUT]
    await session.close()
    assert chunks == [b"duo\n"] and session.container == "main"
    assert told == [("main", ["sidecar", "main"])]

    with pytest.raises(ContainerNotFound) as info:
        await east.shell.open_exec(member, NS, "duo", container="nope")
    assert "sidecar, main" in str(info.value)


async def test_exec_is_a_guarded_write(east: Services, fleet: SandboxFleet,
                                       tmp_path: Path) -> None:
    prod, member = fleet.clusters[0].name, fleet.clusters[1].name
    pod = (await pods_of_web(east, member))[0]
    session = await east.shell.open_exec(member, None, pod, command=("sh", "-c", "exit 5"),
                                         tty=False, stdin=False)  # None: the context's
    assert await session.wait() == 5

    with pytest.raises(ConfirmationRequired):
        await east.shell.open_exec(prod, NS, "whatever")
    with pytest.raises(ConfirmationRequired):
        await east.shell.port_forward(prod, NS, "pod/whatever", 80)

    ro = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True),
                             user="tester")
    try:
        with pytest.raises(ReadOnlyMode):
            await ro.shell.open_exec(member, NS, pod)
        with pytest.raises(ReadOnlyMode):
            await ro.shell.port_forward(member, NS, f"pod/{pod}", 80)
    finally:
        await ro.close()


async def test_completed_pod_refused_like_kubectl(east: Services, fleet: SandboxFleet) -> None:
    member = fleet.clusters[1]
    member.faults.job_duration_s = 0
    client = await east.resources.client(member.name)
    await client.create({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "job-1", "namespace": NS},
                         "spec": {"restartPolicy": "Never",
                                  "containers": [{"name": "job", "image": "busybox"}]}})
    await member.settle()
    with pytest.raises(PodNotRunning) as info:
        await east.shell.open_exec(member.name, NS, "job-1")
    assert str(info.value).startswith(
        "cannot exec into a container in a completed pod job-1; current phase is Succeeded")
    with pytest.raises(PodNotRunning, match="is not running"):
        await east.shell.port_forward(member.name, NS, "job-1", 80)


async def test_forward_to_a_service_and_a_pod(east: Services, fleet: SandboxFleet) -> None:
    member = fleet.clusters[1].name
    pods = await pods_of_web(east, member)
    svc = await east.shell.port_forward(member, NS, "svc/web", 8080)
    second = asyncio.Event()
    pod = await east.shell.port_forward(member, NS, pods[1], 80, address="localhost",
                                        on_connection=lambda f: f.total == 2 and second.set())
    try:
        assert svc.pod in pods and svc.remote_port == 80 and svc.service_port == 8080
        assert (pod.target, pod.address) == (f"pod/{pods[1]}", "127.0.0.1")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{svc.local_port}/x") as resp:
                assert await resp.text() == f"{svc.pod} ({NS}) port 80 answered GET /x\n"
            async with http.get(f"http://{pod.local}/") as resp:
                assert (await resp.text()).startswith(f"{pods[1]} ({NS}) port 80")
        listed = east.shell.forwards()
        assert listed == [svc, pod]
        assert [(f.cluster, f.target, f.total) for f in listed] == [
            (member, "svc/web", 1), (member, f"pod/{pods[1]}", 1)]
        _, writer = await asyncio.open_connection("127.0.0.1", pod.local_port)
        writer.write(b"GET / HT")  # unfinished: the connection stays open
        await asyncio.wait_for(second.wait(), 5)
        assert pod.connections == 1
        await east.shell.stop(svc)
        assert east.shell.forwards() == [pod] and not svc.running
        with pytest.raises(OSError):
            await _connect(svc.local_port)
    finally:
        await east.shell.close()
    assert east.shell.forwards() == [] and not pod.running and pod.connections == 0
    writer.close()


async def _connect(port: int) -> None:
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()


async def test_service_resolution_failures(east: Services, fleet: SandboxFleet) -> None:
    member = fleet.clusters[1].name
    with pytest.raises(ServicePortNotFound) as port:
        await east.shell.port_forward(member, NS, "svc/web", 81)
    assert "8080" in str(port.value)
    with pytest.raises(NoRunningPod) as none:
        await east.shell.port_forward(member, NS, "svc/empty", 8080)
    assert "app=nothing" in str(none.value)
    assert east.shell.forwards() == []


async def test_services_close_stops_every_forward(tmp_path: Path, fleet: SandboxFleet,
                                                  east: Services) -> None:
    member = fleet.clusters[1].name
    pod = (await pods_of_web(east, member))[0]
    app = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
    try:
        fwd = await app.shell.port_forward(member, NS, f"pod/{pod}", 80, instance_id="east")
        assert fwd.running
    finally:
        await app.close()  # what the app does on exit
    assert not fwd.running
    with pytest.raises(OSError):
        await _connect(fwd.local_port)


def test_targets_and_ports_parse_like_kubectl() -> None:
    assert parse_target("svc/web") == ("svc", "web")
    assert parse_target("service/web") == ("svc", "web")
    assert parse_target("po/web-0") == ("pod", "web-0")
    assert parse_target("web-0") == ("pod", "web-0")
    for bad in ("deploy/web", "pod/", "a/b/c"):
        with pytest.raises(ValidationError):
            parse_target(bad)
    assert parse_ports("8080:80") == (8080, 80)
    assert parse_ports(":80") == (0, 80)
    assert parse_ports("0:80") == (0, 80)
    assert parse_ports("5000") == (5000, 5000)
    for bad in ("x", "80:0", "70000", "-1:80", "8080:"):
        with pytest.raises(ValidationError):
            parse_ports(bad)

"""Pod logs: deterministic history, tail/since/limit options, follow at the set rate."""

from __future__ import annotations

import asyncio
import time

import pytest

from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.clock import parse_rfc3339, rfc3339_nano

from .conftest import Raw

PODS = "/api/v1/namespaces/kube-system/pods"


@pytest.fixture
async def pod(raw: Raw, fleet: SandboxFleet) -> str:
    """A pod with at least 20 lines of history (waits until the 20th line's timestamp)."""
    data = await raw.get(PODS, query=[("labelSelector", "k8s-app=coredns")])
    name = data["items"][0]["metadata"]["name"]
    t = fleet.clusters[0].log_source("kube-system", name).line_time(19)
    assert t is not None
    await asyncio.sleep(max(0.0, (t - time.time_ns()) / 1e9 + 0.001))
    return name


async def logs(raw: Raw, pod: str, **q: object) -> list[str]:
    status, body, _ = await raw.call("GET", f"{PODS}/{pod}/log", query=list(q.items()),
                                     accept="text/plain")
    assert status == 200, body
    text = body if isinstance(body, str) else str(body)
    return text.splitlines()


async def test_tail_and_timestamps(raw: Raw, pod: str) -> None:
    lines = await logs(raw, pod, tailLines=5, timestamps="true")
    assert len(lines) == 5
    stamps = [parse_rfc3339(line.split(" ", 1)[0]) for line in lines]
    assert all(s is not None for s in stamps) and stamps == sorted(stamps)
    assert any(level in " ".join(lines) for level in ("INFO", "info", "HTTP/1.1"))


async def test_history_is_stable_and_since_time_resumes_exactly(
    raw: Raw, pod: str, fleet: SandboxFleet
) -> None:
    first = await logs(raw, pod, timestamps="true")
    fleet.clusters[0].faults.log_rate = 500.0  # a rate change never rewrites the past
    await asyncio.sleep(0.02)  # let new lines be "written"
    second = await logs(raw, pod, timestamps="true")
    assert second[: len(first)] == first and len(second) > len(first)

    # Resume after the last line seen: exactly the lines after it, none lost or repeated.
    last_ns = parse_rfc3339(first[-1].split(" ", 1)[0])
    assert last_ns is not None
    resumed = await logs(raw, pod, timestamps="true", sinceTime=rfc3339_nano(last_ns + 1))
    assert resumed[: len(second) - len(first)] == second[len(first):]
    inclusive = await logs(raw, pod, timestamps="true", sinceTime=rfc3339_nano(last_ns))
    assert inclusive[0] == first[-1]


async def test_since_seconds_and_limit_bytes(raw: Raw, pod: str) -> None:
    recent = await logs(raw, pod, sinceSeconds=1, timestamps="true")
    everything = await logs(raw, pod, timestamps="true")
    start = everything.index(recent[0])
    assert everything[start: start + len(recent)] == recent
    oldest = parse_rfc3339(recent[0].split(" ", 1)[0])
    assert oldest is not None and time.time_ns() - oldest < 2 * 10**9
    everything = [line.split(" ", 1)[1] for line in everything]
    status, body, _ = await raw.call("GET", f"{PODS}/{pod}/log", query=[("limitBytes", 10)],
                                     accept="text/plain")
    assert status == 200 and len(body) == 10 and everything[0].startswith(body)


async def test_follow_streams_new_lines(raw: Raw, pod: str, fleet: SandboxFleet) -> None:
    fleet.clusters[0].faults.log_rate = 200.0
    resp = await raw.stream(f"{PODS}/{pod}/log", [("follow", "true"), ("tailLines", 1),
                                                   ("timestamps", "true")])
    try:
        got = [(await resp.content.readline()).decode() for _ in range(6)]
    finally:
        resp.close()
    stamps = [parse_rfc3339(line.split(" ", 1)[0]) for line in got]
    assert all(s is not None for s in stamps) and stamps == sorted(stamps)
    # The followed lines are the same lines a later plain read returns.
    again = await logs(raw, pod, timestamps="true", sinceTime=got[0].split(" ", 1)[0])
    assert [line.rstrip("\n") for line in got] == again[:6]


async def test_follow_ends_when_streams_are_dropped(
    raw: Raw, pod: str, fleet: SandboxFleet
) -> None:
    fleet.clusters[0].faults.log_rate = 0.0  # nothing new: the stream just waits
    resp = await raw.stream(f"{PODS}/{pod}/log", [("follow", "true"), ("tailLines", 0)])
    try:
        assert fleet.clusters[0].faults.drop_streams() == 1
        with pytest.raises(Exception):  # noqa: B017 - aiohttp payload error on a cut stream
            await resp.content.read()
    finally:
        resp.close()


async def test_container_errors(raw: Raw, pod: str, fleet: SandboxFleet) -> None:
    status, body, _ = await raw.call("GET", f"{PODS}/{pod}/log", query=[("container", "nope")])
    assert (status, body["reason"]) == (400, "BadRequest")
    assert body["message"] == f"container nope is not valid for pod {pod}"
    status, body, _ = await raw.call("GET", f"{PODS}/{pod}/log", query=[("previous", "true")])
    assert status == 400 and "previous terminated container" in body["message"]
    status, body, _ = await raw.call("GET", f"{PODS}/missing/log")
    assert (status, body["message"]) == (404, 'pods "missing" not found')

    two = {"metadata": {"name": "two"}, "spec": {"containers": [
        {"name": "a", "image": "nginx"}, {"name": "b", "image": "redis"}]}}
    await raw.call("POST", "/api/v1/namespaces/default/pods", two)
    await fleet.clusters[0].settle()
    status, body, _ = await raw.call("GET", "/api/v1/namespaces/default/pods/two/log")
    assert status == 400 and "choose one of: [a b]" in body["message"]
    a = await raw.call("GET", "/api/v1/namespaces/default/pods/two/log",
                       query=[("container", "a")], accept="text/plain")
    b = await raw.call("GET", "/api/v1/namespaces/default/pods/two/log",
                       query=[("container", "b")], accept="text/plain")
    assert a[0] == b[0] == 200 and a[1] != b[1]

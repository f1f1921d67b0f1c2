"""Watch: initial ADDED events, resume from a resourceVersion, selectors, bookmarks,
410 Expired after compaction, dropped streams, and the official Watch helper."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from kubernetes.aio import client, watch

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw

CMS = "/api/v1/namespaces/default/configmaps"


async def next_event(resp: Any) -> dict[str, Any]:
    line = await resp.content.readline()
    assert line, "stream ended"
    return json.loads(line)


def cm(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}, "data": {}}


async def test_watch_from_resource_version_sees_changes(raw: Raw) -> None:
    rv = (await raw.get(CMS))["metadata"]["resourceVersion"]
    resp = await raw.stream(CMS, [("watch", "true"), ("resourceVersion", rv)])
    try:
        await raw.call("POST", CMS, cm("w1"))
        await raw.call("PATCH", f"{CMS}/w1", {"data": {"k": "v"}},
                       content_type="application/merge-patch+json")
        await raw.call("DELETE", f"{CMS}/w1")
        events = [await next_event(resp) for _ in range(3)]
    finally:
        resp.close()
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[1]["object"]["data"] == {"k": "v"}
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and int(rv) < rvs[0]


async def test_watch_without_version_starts_with_current_state(raw: Raw) -> None:
    resp = await raw.stream("/api/v1/namespaces", [("watch", "1")])
    try:
        names = {(await next_event(resp))["object"]["metadata"]["name"] for _ in range(4)}
    finally:
        resp.close()
    assert names == {"default", "kube-system", "kube-public", "kube-node-lease"}


async def test_label_selector_turns_relabel_into_added_and_deleted(raw: Raw) -> None:
    rv = (await raw.get(CMS))["metadata"]["resourceVersion"]
    resp = await raw.stream(CMS, [("watch", "true"), ("resourceVersion", rv),
                                  ("labelSelector", "app=web")])
    try:
        await raw.call("POST", CMS, cm("other", app="db"))
        await raw.call("POST", CMS, cm("sel", app="db"))
        patch = "application/merge-patch+json"
        await raw.call("PATCH", f"{CMS}/sel", {"metadata": {"labels": {"app": "web"}}},
                       content_type=patch)
        await raw.call("PATCH", f"{CMS}/sel", {"metadata": {"labels": {"app": "x"}}},
                       content_type=patch)
        events = [await next_event(resp) for _ in range(2)]
    finally:
        resp.close()
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "sel"), ("DELETED", "sel")]


async def test_bookmarks_carry_the_current_resource_version(raw: Raw, fleet: SandboxFleet) -> None:
    rv = (await raw.get(CMS))["metadata"]["resourceVersion"]
    resp = await raw.stream(CMS, [("watch", "true"), ("resourceVersion", rv),
                                  ("allowWatchBookmarks", "true")])
    try:
        event = await next_event(resp)
    finally:
        resp.close()
    assert event["type"] == "BOOKMARK"
    assert event["object"]["kind"] == "ConfigMap"
    assert int(event["object"]["metadata"]["resourceVersion"]) == (
        fleet.clusters[0].state.resource_version)


async def test_expired_resource_version_gets_410(raw: Raw, fleet: SandboxFleet) -> None:
    rv = (await raw.get(CMS))["metadata"]["resourceVersion"]
    await raw.call("POST", CMS, cm("a"))
    fleet.clusters[0].state.compact()
    resp = await raw.stream(CMS, [("watch", "true"), ("resourceVersion", rv)])
    try:
        event = await next_event(resp)
        assert await resp.content.readline() == b""  # the server ends the stream
    finally:
        resp.close()
    assert event["type"] == "ERROR"
    status = event["object"]
    assert (status["kind"], status["code"], status["reason"]) == ("Status", 410, "Expired")
    assert status["message"].startswith(f"too old resource version: {rv}")


async def test_history_is_bounded() -> None:
    async with SandboxFleet(clusters=1, history_size=5, system_workloads=False) as f:
        state = f.clusters[0].state
        rv = state.resource_version
        c = f.clusters[0]
        for i in range(6):
            c.writes.create(c.state.registry.lookup("", "v1", "configmaps"), "default",
                            cm(f"h{i}"), "t")
        from ccseone_tui.sandbox.store import Expired

        with pytest.raises(Expired):
            state.changes_since(rv, ("", "configmaps"))
        assert len(state.changes_since(state.resource_version - 4, ("", "configmaps"))) == 4


async def test_timeout_seconds_ends_the_stream(raw: Raw) -> None:
    resp = await raw.stream(CMS, [("watch", "true"), ("timeoutSeconds", "0"),
                                  ("resourceVersion", "1")])
    try:
        while await resp.content.readline():
            pass
    finally:
        resp.close()


async def test_drop_streams_cuts_open_watches(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    rv = (await raw.get(CMS))["metadata"]["resourceVersion"]
    resp = await raw.stream(CMS, [("watch", "true"), ("resourceVersion", rv)])
    try:
        await raw.call("POST", CMS, cm("before"))
        assert (await next_event(resp))["type"] == "ADDED"
        assert c.faults.drop_streams() == 1
        with pytest.raises(aiohttp.ClientPayloadError):
            while await resp.content.readline():
                pass
    finally:
        resp.close()
    assert c.faults.open_streams == 0


async def test_official_watch_helper(api_client: client.ApiClient, raw: Raw) -> None:
    core = client.CoreV1Api(api_client)
    rv = (await core.list_namespaced_config_map("default")).metadata.resource_version
    await raw.call("POST", CMS, cm("typed", app="x"))
    w = watch.Watch()
    seen = []
    async with w:
        async for event in w.stream(core.list_namespaced_config_map, "default",
                                    resource_version=rv, timeout_seconds=5):
            seen.append((event["type"], event["object"].metadata.name))
            w.stop()
    assert seen == [("ADDED", "typed")]

"""Watch: events from a resourceVersion, 410 -> RELIST and resume, reconnect after dropped
streams without losing events, close."""

from __future__ import annotations

import asyncio

from ccseone_tui.kube import ClusterClient, WatchEvent
from tests.kube.kube_helpers import unique

SEL = "suite=watch"


def cm(name: str, **data: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "labels": {"suite": "watch"}},
        "data": data,
    }


async def next_event(stream, timeout: float = 5.0) -> WatchEvent:  # noqa: ASYNC109
    return await asyncio.wait_for(anext(stream), timeout)


async def test_watch_from_resource_version(client: ClusterClient) -> None:
    name = unique("w")
    rv = (await client.create(cm(name, a="1")))["metadata"]["resourceVersion"]
    stream = client.watch(
        "v1", "ConfigMap", namespace="default", resource_version=rv, label_selector=SEL
    )
    try:
        await client.merge_patch("v1", "ConfigMap", name, {"data": {"a": "2"}}, namespace="default")
        await client.delete("v1", "ConfigMap", name, namespace="default")
        other = unique("w")
        await client.create(cm(other))
        events = [await next_event(stream) for _ in range(3)]
        assert [(e.type, e.object["metadata"]["name"]) for e in events] == [
            ("MODIFIED", name),
            ("DELETED", name),
            ("ADDED", other),
        ]
        assert events[0].object["data"] == {"a": "2"}
        assert stream.resource_version == events[-1].object["metadata"]["resourceVersion"]
    finally:
        await stream.aclose()


async def test_watch_without_rv_starts_with_relist(client: ClusterClient) -> None:
    names = [unique("w") for _ in range(3)]
    for n in names:
        await client.create(cm(n))
    async with client.watch("v1", "ConfigMap", namespace="default", label_selector=SEL) as stream:
        first = await next_event(stream)
        assert first.type == "RELIST"
        assert sorted(i["metadata"]["name"] for i in first.object["items"]) == sorted(names)
        assert stream.resource_version == first.object["metadata"]["resourceVersion"]
        late = unique("w")
        await client.create(cm(late))
        event = await next_event(stream)
        assert (event.type, event.object["metadata"]["name"]) == ("ADDED", late)


async def test_watch_gone_relists_and_resumes(client: ClusterClient, fleet) -> None:
    a, b = unique("w"), unique("w")
    old_rv = (await client.create(cm(a)))["metadata"]["resourceVersion"]
    await client.create(cm(b))
    await client.delete("v1", "ConfigMap", a, namespace="default")
    fleet.clusters[0].state.compact()  # old_rv is now too old: the server answers 410
    async with client.watch(
        "v1", "ConfigMap", namespace="default", resource_version=old_rv, label_selector=SEL
    ) as stream:
        relist = await next_event(stream)
        assert relist.type == "RELIST"
        # the deletion of `a` during the gap shows as its absence from the fresh list
        assert [i["metadata"]["name"] for i in relist.object["items"]] == [b]
        assert stream.relists == 1
        c = unique("w")
        await client.create(cm(c))
        event = await next_event(stream)
        assert (event.type, event.object["metadata"]["name"]) == ("ADDED", c)


async def test_watch_reconnects_after_drop_without_losing_events(
    client: ClusterClient, fleet
) -> None:
    faults = fleet.clusters[0].faults
    first = unique("w")
    rv = (await client.create(cm("seed")))["metadata"]["resourceVersion"]
    async with client.watch(
        "v1", "ConfigMap", namespace="default", resource_version=rv, label_selector=SEL
    ) as stream:
        await client.create(cm(first))
        assert (await next_event(stream)).object["metadata"]["name"] == first
        seen = [first]
        for abrupt in (True, False):
            assert faults.drop_streams(abrupt=abrupt) >= 1
            # written while the watch is down: must arrive after the reconnect, in order
            batch = [unique("w") for _ in range(3)]
            for n in batch:
                await client.create(cm(n))
            got = [(await next_event(stream)).object["metadata"]["name"] for _ in batch]
            assert got == batch
            seen += got
        assert stream.connections == 3 and stream.relists == 0


async def test_watch_drop_while_compacted_relists(client: ClusterClient, fleet) -> None:
    cluster = fleet.clusters[0]
    rv = (await client.create(cm(unique("w"))))["metadata"]["resourceVersion"]
    async with client.watch(
        "v1", "ConfigMap", namespace="default", resource_version=rv, label_selector=SEL
    ) as stream:
        x = unique("w")
        await client.create(cm(x))
        assert (await next_event(stream)).object["metadata"]["name"] == x
        cluster.faults.drop_streams()
        y = unique("w")
        await client.create(cm(y))
        await client.create(cm("filler", z="1"))
        cluster.state.compact()
        event = await next_event(stream)
        assert event.type == "RELIST"
        assert y in {i["metadata"]["name"] for i in event.object["items"]}


async def test_watch_close_and_cancel_close_the_stream(client: ClusterClient, fleet) -> None:
    faults = fleet.clusters[0].faults
    rv = (await client.create(cm(unique("w"))))["metadata"]["resourceVersion"]
    stream = client.watch("v1", "ConfigMap", namespace="default", resource_version=rv)
    await client.create(cm(unique("w")))
    await next_event(stream)
    assert faults.open_streams == 1
    await stream.aclose()
    # The sandbox notices a closed connection on its next write (a real API server at once).
    await client.create(cm(unique("w")))
    await _until(lambda: faults.open_streams == 0)

    received = asyncio.Event()

    async def consume() -> None:
        async for _ in client.watch("v1", "ConfigMap", namespace="default", resource_version=rv):
            received.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(received.wait(), 5)
    assert faults.open_streams == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await client.create(cm(unique("w")))
    await _until(lambda: faults.open_streams == 0)


async def _until(check, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Server-side bookkeeping has no event to await: poll it briefly."""
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)

"""Server-side Table (kubectl's ``get``): ``ClusterClient.table`` pages and names, and the
Table mode of ``WatchStream`` (RELIST as a Table, one-row Table events, 410 relists)."""

from __future__ import annotations

import asyncio

from ccseone_tui.kube import ClusterClient, WatchEvent
from ccseone_tui.kube.builtin import builtin
from tests.kube.kube_helpers import unique

CM = builtin("v1", "ConfigMap")
SEL = "suite=table"


def cm(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", "labels": {"suite": "table"}},
            "data": data}


async def next_event(stream, timeout: float = 5.0) -> WatchEvent:  # noqa: ASYNC109
    return await asyncio.wait_for(anext(stream), timeout)


def names(table: dict) -> list[str]:
    return [r["object"]["metadata"]["name"] for r in table["rows"]]


async def test_table_pages_and_names(client: ClusterClient, fleet) -> None:
    assert CM is not None
    made = sorted(unique("t") for _ in range(5))
    for n in made:
        await client.create(cm(n, a="1"))
    fleet.clusters[0].requests.clear()
    table = await client.table(CM, namespace="default", label_selector=SEL, limit=2)
    assert table["kind"] == "Table" and names(table) == made
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert table["rows"][0]["cells"][:2] == [made[0], 1]
    assert "continue" not in table["metadata"] and table["metadata"]["resourceVersion"]
    assert len(fleet.clusters[0].requests) == 3  # 2 + 2 + 1
    assert all("includeObject=Metadata" in p for _, p in fleet.clusters[0].requests)
    one = await client.table(CM, namespace="default", name=made[1])
    assert names(one) == [made[1]]
    anywhere = await client.table(CM, name=made[2])  # every namespace: a field selector
    assert names(anywhere) == [made[2]]


async def test_watch_table_relists_and_streams_rows(client: ClusterClient, fleet) -> None:
    assert CM is not None
    first = unique("t")
    await client.create(cm(first))
    async with client.watch_table(CM, namespace="default", label_selector=SEL) as stream:
        relist = await next_event(stream)
        assert relist.type == "RELIST" and first in names(relist.object)
        second = unique("t")
        await client.create(cm(second, a="1", b="2"))
        added = await next_event(stream)
        assert added.type == "ADDED" and names(added.object) == [second]
        assert added.object["rows"][0]["cells"][1] == 2
        assert added.object["columnDefinitions"]  # the first event of a watch has them
        await client.merge_patch("v1", "ConfigMap", second, {"data": {"c": "3"}},
                                 namespace="default")
        modified = await next_event(stream)  # later ones do not, as on a real server
        assert modified.type == "MODIFIED" and modified.object["columnDefinitions"] is None
        assert modified.object["rows"][0]["cells"][1] == 3
        fleet.clusters[0].faults.drop_streams()
        third = unique("t")
        await client.create(cm(third))
        fleet.clusters[0].state.compact()  # 410 on reconnect: a fresh Table
        again = await next_event(stream)
        assert again.type == "RELIST" and {first, second, third} <= set(names(again.object))
        assert stream.relists == 2


async def test_an_idle_watch_reopens_without_a_retry_report(client: ClusterClient,
                                                            fleet) -> None:
    """No line for ``idle_timeout`` (a healthy server sends bookmarks): the stream is
    reopened at once from the same resourceVersion, and nobody is told of an outage."""
    assert CM is not None
    retries: list[BaseException] = []
    connects = asyncio.Queue[None]()
    stream = client.watch_table(CM, namespace="default", label_selector=SEL,
                                idle_timeout=0.3, on_retry=retries.append,
                                on_connect=lambda: connects.put_nowait(None))
    async with stream:
        assert (await next_event(stream)).type == "RELIST"
        reader = asyncio.ensure_future(next_event(stream, timeout=10))  # keeps it reading
        for _ in range(3):  # opened, then reopened twice by idleness alone
            await asyncio.wait_for(connects.get(), 5)
        name = unique("t")
        await client.create(cm(name))
        event = await reader
        assert event.type == "ADDED" and names(event.object) == [name]
    assert retries == [] and stream.relists == 1 and stream.connections >= 3

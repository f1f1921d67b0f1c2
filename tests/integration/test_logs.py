"""Live log tails (services/logs.py) against sandbox clusters over real HTTP.

The sandbox's log generator is deterministic — line n of a container is a function of
(pod, container, n) and so is its timestamp — so every test compares what came out with what
the sandbox says it wrote: nothing lost, nothing twice.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from ccseone_tui.cli.logs_cmd import run_logs
from ccseone_tui.cli.parser import build_parser
from ccseone_tui.domain.models import App, ControlInstance, MemberCluster, Template
from ccseone_tui.i18n import t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.logs.service import journal_line
from ccseone_tui.services.logs.stream import GAP, LINE, NOTE, LogRecord, LogStream

APP_LABEL = "app.ccseone.io/name"


def make_settings(tmp_path: Path, kubeconfig: Path) -> object:
    from ccseone_tui.config import Settings

    return Settings(data_dir=tmp_path / "data", kubeconfig=str(kubeconfig),
                    connect_timeout=1.0, read_timeout=3.0)


def deployment(name: str, replicas: int) -> dict[str, object]:
    labels = {APP_LABEL: name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
        },
    }


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=1, log_rate=1000.0, system_workloads=False) as f:
        yield f


@pytest.fixture
async def services(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path),  # type: ignore[arg-type]
                            user="tester")
    s.logs.backoff = (0.05, 0.5)  # reconnect fast; the logic is the same as 0.8 s -> 30 s
    s.logs.journal_poll = 0.05
    await s.instances.create("east", "cn-east-1")
    await s.clusters.associate("east", [AssociateRequest(context=c.name) for c in fleet])
    yield s
    await s.close()


async def instance(s: Services) -> ControlInstance:
    return await s.instances.get("east")


async def clusters(s: Services) -> list[MemberCluster]:
    return sorted(await s.clusters.list(), key=lambda c: c.name)


async def publish(s: Services, fleet: SandboxFleet, name: str, replicas: int,
                  on: list[MemberCluster] | None = None) -> None:
    """The app record and its targets (no app write service yet: through the store, as the
    UI fixtures do), and its Deployment on each target cluster."""
    inst = await instance(s)
    targets = on or await clusters(s)
    if not await s.store.list_templates():
        await s.store.add_template(Template("tpl-x", "web", "yaml", {"path": "web/"}))
    await s.store.add_app(App(f"app-{name}", inst.id, name, "tpl-x"))
    await s.store.set_app_targets(f"app-{name}", [(c.id, "default") for c in targets])
    for c in targets:
        await (await s.clusters.client(c)).apply(deployment(name, replicas))
    await fleet.settle()


async def read_until(stream: LogStream, done: Callable[[list[LogRecord]], bool],
                     timeout: float = 10.0) -> list[LogRecord]:  # noqa: ASYNC109
    seen: list[LogRecord] = []
    async with asyncio.timeout(timeout):
        async for batch in stream:
            seen += batch
            if done(seen):
                break
    return seen


def lines_of(records: list[LogRecord], source: str | None = None) -> list[LogRecord]:
    return [r for r in records if r.kind == LINE and (source is None or r.source == source)]


async def pod_names(s: Services, cluster: MemberCluster, app: str) -> list[str]:
    client = await s.clusters.client(cluster)
    pods = await client.list("v1", "Pod", namespace="default", label_selector=f"{APP_LABEL}={app}")
    return sorted(p["metadata"]["name"] for p in pods["items"])


def expected(fleet: SandboxFleet, cluster: str, pod: str, count: int) -> list[tuple[str, float]]:
    source = fleet[cluster].log_source("default", pod, "app")
    out = []
    for n in range(count):
        ns = source.line_time(n)
        assert ns is not None
        out.append((source.render(n, ns), ns / 1_000_000_000))
    return out


async def test_follow_a_pod(services: Services, fleet: SandboxFleet) -> None:
    await publish(services, fleet, "web", 1)
    cluster = (await clusters(services))[0]
    pod = (await pod_names(services, cluster, "web"))[0]
    stream = await services.logs.pod(cluster, "default", pod)
    try:
        got = lines_of(await read_until(stream, lambda r: len(lines_of(r)) >= 120))
    finally:
        await stream.aclose()
    assert {r.source for r in got} == {f"{cluster.name}/{pod}/app"}
    assert [(r.text, r.ts) for r in got] == expected(fleet, cluster.name, pod, len(got))


async def test_dropped_stream_resumes_without_loss_or_duplicates(
        services: Services, fleet: SandboxFleet) -> None:
    await publish(services, fleet, "web", 1)
    cluster = (await clusters(services))[0]
    pod = (await pod_names(services, cluster, "web"))[0]
    stream = await services.logs.pod(cluster, "default", pod)
    try:
        first = await read_until(stream, lambda r: len(lines_of(r)) >= 50)
        assert fleet[cluster.name].faults.drop_streams(abrupt=True) >= 1
        faults = fleet[cluster.name].faults
        # lines buffered before the cut can satisfy the count on a slow runner while the
        # client has not reconnected yet: wait for the resumed stream too
        rest = await read_until(stream, lambda r: len(lines_of(r)) >= 300
                                and faults.open_streams >= 1)
        dropped_again = fleet[cluster.name].faults.drop_streams(abrupt=False)  # a clean end
        more = await read_until(stream, lambda r: len(lines_of(r)) >= 200)
    finally:
        await stream.aclose()
    assert dropped_again >= 1
    records = first + rest + more
    got = lines_of(records)
    assert [(r.text, r.ts) for r in got] == expected(fleet, cluster.name, pod, len(got))
    marks = [r for r in records if r.kind != LINE]
    assert [m.kind for m in marks] == [GAP, NOTE]  # one marker, then "resumed"
    assert marks[1].text == t("logs.note.resumed")


async def test_app_picks_up_a_new_pod_after_scale_up(
        services: Services, fleet: SandboxFleet) -> None:
    cluster = (await clusters(services))[0]
    await publish(services, fleet, "web", 1, on=[cluster])
    [old] = await pod_names(services, cluster, "web")
    stream = await services.logs.app(await instance(services), "web")
    try:
        await read_until(stream, lambda r: len(lines_of(r)) >= 10)
        await (await services.clusters.client(cluster)).apply(deployment("web", 2))
        await fleet.settle()
        [new] = [p for p in await pod_names(services, cluster, "web") if p != old]
        source = f"{cluster.name}/{new}/app"
        records = await read_until(stream, lambda r: len(lines_of(r, source)) >= 20)
    finally:
        await stream.aclose()
    assert any(r.kind == NOTE and r.source == source for r in records)  # "new pod"
    got = lines_of(records, source)
    assert [(r.text, r.ts) for r in got] == expected(fleet, cluster.name, new, len(got))


async def test_stream_cap_applies_with_a_note(services: Services, fleet: SandboxFleet) -> None:
    services.logs.max_streams = 2
    cluster = (await clusters(services))[0]
    await publish(services, fleet, "web", 3, on=[cluster])
    stream = await services.logs.app(await instance(services), "web")
    try:
        records = await read_until(stream, lambda r: any(x.kind == NOTE for x in r)
                                   and len({x.source for x in lines_of(r)}) >= 2)
        assert stream.active == 2 and stream.waiting == 1
    finally:
        await stream.aclose()
    assert len({r.source for r in lines_of(records)}) == 2
    assert any(r.text == t("logs.note.cap", max=2) for r in records)


async def test_dead_cluster_gives_a_gap_while_others_continue(
        services: Services, fleet: SandboxFleet) -> None:
    await publish(services, fleet, "web", 1)
    names = [c.name for c in await clusters(services)]
    stream = await services.logs.app(await instance(services), "web", tail=5)
    dead = fleet[names[2]]
    try:
        await read_until(stream, lambda r: {x.source.split("/")[0] for x in lines_of(r)}
                         == set(names))
        await dead.set_outage(True)
        after = await read_until(stream, lambda r: any(x.kind == GAP for x in r)
                                 and len({x.source for x in lines_of(r)}) >= 2)
        after += await read_until(stream, lambda r: len(lines_of(r)) >= 50)
    finally:
        await stream.aclose()
        await dead.set_outage(False)
    gaps = [r for r in after if r.kind == GAP]
    assert [g.source for g in gaps] == [dead.name]  # one marker for the cluster, not per pod
    live = {r.source.split("/")[0] for r in lines_of(after[after.index(gaps[0]):])}
    assert live == set(names[:2])


async def test_cluster_events_mark_a_dead_cluster_and_its_return(
        services: Services, fleet: SandboxFleet) -> None:
    """The events watch reconnects by itself; while it does the view shows a gap, not a
    frozen tail, and says when the cluster is back."""
    cluster = (await clusters(services))[0]
    await publish(services, fleet, "web", 1, on=[cluster])
    stream = await services.logs.cluster_events(cluster)
    dead = fleet[cluster.name]
    try:
        await read_until(stream, lambda r: any(x.kind == LINE for x in r))
        await dead.set_outage(True)
        down = await read_until(stream, lambda r: any(x.kind == GAP for x in r))
        await dead.set_outage(False)
        back = await read_until(stream, lambda r: any(x.kind == NOTE for x in r))
    finally:
        await stream.aclose()
        await dead.set_outage(False)
    assert [r.source for r in down if r.kind == GAP] == [cluster.name]
    assert [r.text for r in back if r.kind == NOTE] == [t("logs.note.resumed")]


async def test_instance_journal_live_tail(services: Services, fleet: SandboxFleet) -> None:
    inst = await instance(services)
    history = await services.tasks.list_journal(inst.id)
    stream = await services.logs.instance(inst)
    try:
        first = await read_until(stream, lambda r: len(r) >= len(history))
        assert [r.text for r in first] == [journal_line(e) for e in history]
        entry = await services.tasks.journal(inst.id, "app.publish", "web", "Succeeded")
        got = await read_until(stream, lambda r: bool(r))
        assert [r.text for r in got] == [journal_line(entry)]
        # another process writes to the shared cache: no event here, the poll finds it
        other = await services.store.add_journal(type(entry)(
            id=0, instance_id=inst.id, at=entry.at + 1, user="bob", action="ns.create",
            target="pay", result="Failed", error="boom"))
        got = await read_until(stream, lambda r: bool(r))
        assert got[0].text.startswith("bob  ns.create  pay") and other > entry.id
    finally:
        await stream.aclose()


async def test_cluster_events_and_not_following(services: Services, fleet: SandboxFleet) -> None:
    cluster = (await clusters(services))[0]
    await publish(services, fleet, "web", 1, on=[cluster])
    stream = await services.logs.cluster_events(cluster, follow=False)
    records = [r async for batch in stream for r in batch]
    assert records and all(r.source == cluster.name and r.kind == LINE for r in records)
    assert any("web" in r.text for r in records)
    pod = (await pod_names(services, cluster, "web"))[0]
    # the container has only just started: wait (by following) until it has written more
    # than the tail asks for, so the tail below is 7 lines on a slow machine too
    follow = await services.logs.pod(cluster, "default", pod)
    try:
        await read_until(follow, lambda r: len(lines_of(r)) >= 8)
    finally:
        await follow.aclose()
    stream = await services.logs.pod(cluster, "default", pod, follow=False, tail=7)
    lines = [r async for batch in stream for r in batch]
    assert len(lines) == 7


# ---- ccseone logs, in-process -------------------------------------------------------------


class Lines(io.StringIO):
    """stdout for the command: wakes a waiter whenever lines are written."""

    def __init__(self) -> None:
        super().__init__()
        self.wrote = asyncio.Event()

    def write(self, text: str) -> int:
        self.wrote.set()
        return super().write(text)

    async def wait_lines(self, count: int) -> list[str]:
        async with asyncio.timeout(10):
            while len(self.getvalue().splitlines()) < count:
                self.wrote.clear()
                await self.wrote.wait()
        return self.getvalue().splitlines()


async def cli(s: Services, *argv: str) -> tuple[int, list[str], str]:
    out, err = Lines(), io.StringIO()
    code = await run_logs(build_parser().parse_args(["logs", *argv]), s, out, err)
    return code, out.getvalue().splitlines(), err.getvalue()


async def test_cli_cluster_pod_events_and_instance(services: Services, fleet: SandboxFleet) -> None:
    cluster = (await clusters(services))[0]
    await publish(services, fleet, "web", 1, on=[cluster])
    pod = (await pod_names(services, cluster, "web"))[0]
    code, out, err = await cli(services, "cluster", cluster.name, "--pod", f"default/{pod}",
                               "--tail", "5")
    assert code == 0 and err == "" and len(out) == 5
    assert all(line.startswith(f"[{cluster.name}/{pod}/app] ") for line in out)
    code, out, _ = await cli(services, "cluster", cluster.name, "--events", "--since", "5m")
    assert code == 0 and out and all(line.startswith(f"[{cluster.name}] ") for line in out)
    code, out, _ = await cli(services, "instance", "east", "--tail", "1")
    assert code == 0 and len(out) == 1 and out[0].startswith("[east] tester  cluster.associate")


async def test_cli_app_grep_cluster_filter_and_dead_cluster(
        services: Services, fleet: SandboxFleet) -> None:
    await publish(services, fleet, "web", 1)
    names = [c.name for c in await clusters(services)]
    code, out, err = await cli(services, "app", "web", "--instance", "east", "--tail", "20",
                               "--cluster", names[1], "--grep", "INFO")
    assert code == 0 and err == "" and out
    assert all(line.startswith(f"[{names[1]}/web-") and "INFO" in line for line in out)
    await fleet[names[0]].set_outage(True)
    try:
        code, out, err = await cli(services, "app", "web", "--instance", "east", "--tail", "3")
    finally:
        await fleet[names[0]].set_outage(False)
    assert code == 0 and len(out) == 6  # the two clusters that answer
    assert err.startswith(f"ccseone: [{names[0]}] ")  # the dead one, on stderr


async def test_cli_follow_ends_with_0_on_ctrl_c(services: Services, fleet: SandboxFleet) -> None:
    await publish(services, fleet, "web", 1)
    out = Lines()
    args = build_parser().parse_args(["logs", "app", "web", "--instance", "east", "-f",
                                      "--tail", "0"])
    task = asyncio.create_task(run_logs(args, services, out, io.StringIO()))
    lines = await out.wait_lines(30)
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 5) == 0
    assert {line.split("/")[0][1:] for line in lines} == {c.name for c in fleet}

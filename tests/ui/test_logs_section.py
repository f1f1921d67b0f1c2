"""The Logs section with Pilot, against sandbox clusters over real HTTP and a real cache."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import App, Template
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.views.logs import LogsView
from ccseone_tui.ui.widgets.log_view import LogView

from .pilot_helpers import handled

SIZE = (140, 40)
LABEL = "app.ccseone.io/name"


def web() -> dict[str, object]:
    labels = {LABEL: "web"}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels},
        "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}},
    }


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Services]:
    """Instance ``east`` with two sandbox clusters and app ``web`` (one pod on each)."""
    async with SandboxFleet(clusters=2, nodes=1, log_rate=200.0, system_workloads=False) as fleet:
        settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                            connect_timeout=1.0, read_timeout=3.0)
        s = await open_services(settings, user="oncall")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [AssociateRequest(context=c.name) for c in fleet])
            inst = await s.instances.get("east")
            await s.store.add_template(Template("tpl-web", "web", "yaml"))
            await s.store.add_app(App("app-web", inst.id, "web", "tpl-web"))
            members = await s.clusters.list(inst.id)
            await s.store.set_app_targets("app-web", [(c.id, "default") for c in members])
            for c in members:
                await (await s.clusters.client(c)).apply(web())
            await fleet.settle()
            yield s
        finally:
            await s.close()


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Let the app run until ``check()`` holds (lines come from sockets: no event to await).
    The deadline only bounds a hang: on a loaded machine the same steps take many times
    longer, and the test must then be slow, not fail."""
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {getattr(check, '__name__', check)}")


async def keys(pilot: Pilot[None], *names: str) -> None:
    """Key events as a terminal sends them, each handled before the next is sent. Not
    ``pilot.press``: it waits for an idle CPU after each key (up to 2 s), and the sandbox
    streaming in this process is never idle."""
    for name in names:
        char = name if len(name) == 1 else {"slash": "/", "enter": "\r"}.get(name)
        pilot.app.post_message(events.Key(name, char))
        await handled(pilot)


async def pick(pilot: Pilot[None], view: LogsView, label_start: str) -> None:
    options = view.query_one("#log-sources", OptionList)
    await until(pilot, lambda: any(s.label.startswith(label_start) for s in view.sources))
    index = next(i for i, s in enumerate(view.sources) if s.label.startswith(label_start))
    options.focus()
    options.highlighted = index
    await keys(pilot, "enter")


def tailing(app: CcseoneApp) -> bool:
    return any(w.group == "logs" and not w.is_finished for w in app.workers)


async def test_logs_section_sources_and_keys(live: Services) -> None:
    app = CcseoneApp(live, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "8")

        def mounted() -> bool:  # the section mounts its view, then the view its children
            views = app.main.query(LogsView)
            return app.main.section == "logs" and bool(views) and bool(views.first().query(LogView))

        await until(pilot, mounted)
        view = app.main.query_one(LogsView)
        log = view.query_one(LogView)
        assert app.main.section == "logs"

        # an app: both clusters' pods, merged
        await pick(pilot, view, "App · web")
        await until(pilot, lambda: len(log.buffer.known_sources()) == 2
                    and len(log.buffer) > 100)
        assert {s.split("/")[0] for s in log.buffer.known_sources()} == {"sandbox-1", "sandbox-2"}

        # pause: the view holds while lines keep arriving; search and filter work in place
        await keys(pilot, "p")
        await until(pilot, lambda: not log.following)
        seen = log.buffer.ingested
        await until(pilot, lambda: log.buffer.ingested > seen + 50 and log.new_count > 0)
        await keys(pilot, "f", *"INFO", "enter")
        # keys are posted, not awaited one by one: wait until the app has handled them
        await until(pilot, lambda: log.buffer.search is not None
                    and log.lines.current_match is not None)
        await keys(pilot, "slash", *"sandbox-2", "enter")
        await until(pilot, lambda: log.buffer.filtered)
        assert all(line.source.startswith("sandbox-2") or line.gap
                   for line in log.buffer.iter_lines(visible_only=True))
        await keys(pilot, "slash", "escape")
        await until(pilot, lambda: not log.buffer.filtered)
        assert view.current is not None
        await keys(pilot, "G")
        await until(pilot, lambda: log.following)

        # since changed in the view: the source streams again
        before = [w for w in app.workers if w.group == "logs"]
        await keys(pilot, "T")
        await until(pilot, lambda: log.since == 60)
        await until(pilot, lambda: len(log.buffer) > 0 and tailing(app))
        assert [w for w in app.workers if w.group == "logs" and not w.is_finished] != before

        # the instance journal
        await pick(pilot, view, "Instance log")
        await until(pilot, lambda: any(line.source == "east" for line in log.buffer.iter_lines()))
        assert all(line.source == "east" for line in log.buffer.iter_lines())

        # a pod from the pod picker
        await pick(pilot, view, "Pods · sandbox-1")
        await until(pilot, lambda: any(s.kind == "pod" for s in view.sources))
        await pick(pilot, view, "default/web-")
        await until(pilot, lambda: len(log.buffer) > 20)
        assert {line.source for line in log.buffer.iter_lines()} == {
            f"sandbox-1/{view.current.pod}/app"} if view.current else False

        # leaving the section stops the streams
        await keys(pilot, "2")
        await until(pilot, lambda: not tailing(app))
        assert app.main.section == "clusters"

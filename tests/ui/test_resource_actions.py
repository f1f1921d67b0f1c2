"""Pilot tests of the Fleet view's row actions (#11 items 3-4) on a real Services over three
sandbox clusters (HTTP): describe, YAML, events, containers, pod logs, delete, scale,
restart, edit (a scripted ``$EDITOR``), copy (OSC 52), shell and port-forward.

The actions are called as the Fleet view calls them (``resource_actions.*(app, ref)``); the
keys of each screen they open are pressed for real.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from ccseone_tui.config import Settings
from ccseone_tui.i18n import t
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import resource_actions
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.edit_diff import EditDiffScreen
from ccseone_tui.ui.screens.resource_describe import DescribeScreen
from ccseone_tui.ui.screens.resource_events import EventsScreen
from ccseone_tui.ui.screens.resource_scale import ScaleScreen
from ccseone_tui.ui.screens.resource_yaml import YamlScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.widgets.text_pager import TextPager

from .pilot_helpers import settle, until

SIZE = (140, 40)
PODS = 2
DEPLOYMENTS = ResourceInfo("apps", "v1", "Deployment", "deployments", True)
PODS_INFO = ResourceInfo("", "v1", "Pod", "pods", True)


def deployment(name: str = "web") -> dict[str, object]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": PODS, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": name, "image": "nginx",
                                                       "ports": [{"containerPort": 8080,
                                                                  "name": "http"}]}]}}},
    }


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=1, system_workloads=False, log_rate=20.0) as f:
        yield f


def settings_for(tmp_path: Path, fleet: SandboxFleet, **extra: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                    theme="textual-dark", connect_timeout=1.0, read_timeout=3.0, **extra)


@pytest.fixture
async def services(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    """east: the first cluster is production (env=prod), the others not."""
    s = await open_services(settings_for(tmp_path, fleet), user="oncall")
    await s.instances.create("east", "cn-east-1")
    reqs = [AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None)
            for i, c in enumerate(fleet.clusters)]
    await s.clusters.associate("east", reqs)
    for cluster in await s.clusters.list():
        client = await s.clusters.client(cluster)
        await client.apply(deployment("web"))
        await client.apply(deployment("api"))
    await fleet.settle()
    yield s
    await s.close()


def names(fleet: SandboxFleet) -> list[str]:
    return [c.name for c in fleet.clusters]


def ref(cluster: str, name: str = "web", info: ResourceInfo = DEPLOYMENTS) -> ObjectRef:
    return ObjectRef(cluster, info, "default", name)


async def a_pod(services: Services, cluster: str, app_label: str = "web") -> ObjectRef:
    client = await services.clusters.client(await services.clusters.get(cluster))
    pods = await client.list("v1", "Pod", namespace="default",
                             label_selector=f"app={app_label}")
    return ObjectRef(cluster, PODS_INFO, "default", pods["items"][0]["metadata"]["name"])


async def replicas(services: Services, ref_: ObjectRef) -> int:
    obj = await services.objects.get(ref_)
    return int(obj["spec"]["replicas"])


def pager_text(app: CcseoneApp) -> str:
    return app.screen.query_one(TextPager).plain


def notes(app: CcseoneApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def shown(pilot: Pilot[None], kind: type) -> None:
    """Until a flow's dialog is on top (the flow's worker waits on it: do not await it)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    await pilot.pause()  # pushed: now composed and mounted


async def loaded(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await until(pilot, lambda: bool(pilot.app.screen.query(TextPager))
                and bool(pilot.app.screen.query_one(TextPager).lines), "the text")


# ---- describe, YAML, events ------------------------------------------------------------


async def test_describe_shows_the_object_and_its_events(services: Services,
                                                        fleet: SandboxFleet) -> None:
    cluster = names(fleet)[1]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.describe(app, ref(cluster))
        await loaded(pilot)
        assert isinstance(app.screen, DescribeScreen)
        text = pager_text(app)
        assert "Name:" in text and "web" in text and "Events:" in text
        # search: / text Enter highlights and counts; n moves on
        await pilot.press("slash", *"replicas", "enter")
        pager = app.screen.query_one(TextPager)
        assert pager.matches and pager.current == 0
        await pilot.press("n")
        assert pager.current == (1 if len(pager.matches) > 1 else 0)
        # y: YAML on top; Esc back to describe; E: the events table
        await pilot.press("y")
        await loaded(pilot)
        assert isinstance(app.screen, YamlScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DescribeScreen)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("escape", "escape")
        assert app.screen is app.main


async def test_yaml_folds_managed_fields_until_m(services: Services,
                                                 fleet: SandboxFleet) -> None:
    cluster = names(fleet)[1]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.show_yaml(app, ref(cluster))
        await loaded(pilot)
        folded = pager_text(app)
        assert "kind: Deployment" in folded
        assert "managedFields: " in folded and "folded" in folded  # the one comment line
        assert "manager:" not in folded
        await pilot.press("m")
        await loaded(pilot)
        await until(pilot, lambda: "manager:" in pager_text(app), "managedFields shown")
        await pilot.press("m")
        await until(pilot, lambda: "manager:" not in pager_text(app), "folded again")


async def test_a_secret_is_masked_until_v(services: Services, fleet: SandboxFleet) -> None:
    cluster = names(fleet)[1]
    client = await services.clusters.client(await services.clusters.get(cluster))
    await client.apply({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                        "metadata": {"name": "db", "namespace": "default"},
                        "data": {"password": "aHVudGVyMg=="}})
    secret = ObjectRef(cluster, ResourceInfo("", "v1", "Secret", "secrets", True), "default",
                       "db")
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.show_yaml(app, secret)
        await loaded(pilot)
        assert "aHVudGVyMg==" not in pager_text(app) and "masked" in pager_text(app)
        await pilot.press("v")
        await until(pilot, lambda: "aHVudGVyMg==" in pager_text(app), "the value shown")
        await pilot.press("v")
        await until(pilot, lambda: "aHVudGVyMg==" not in pager_text(app), "masked again")
        # v means nothing on another kind's YAML
        resource_actions.show_yaml(app, ref(cluster))
        await loaded(pilot)
        assert app.screen.check_action("toggle_reveal", ()) is False


async def test_copy_writes_osc52(services: Services, fleet: SandboxFleet) -> None:
    """``c`` on the YAML: Textual writes ESC ] 52 ; c ; base64 BEL to the terminal."""
    import base64

    cluster = names(fleet)[1]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        written: list[str] = []
        assert app._driver is not None
        app._driver.write = written.append  # type: ignore[method-assign]
        resource_actions.show_yaml(app, ref(cluster))
        await loaded(pilot)
        await pilot.press("c")
        osc = [w for w in written if w.startswith("\x1b]52;c;")]
        assert osc and osc[-1].endswith("\a")
        copied = base64.b64decode(osc[-1][len("\x1b]52;c;"):-1]).decode()
        assert "kind: Deployment" in copied and copied == app.clipboard
        assert any(m == t("res_ui.copied", what=t("res_ui.yaml")) for m in notes(app))


# ---- delete ------------------------------------------------------------------------------


async def test_delete_lists_every_object_and_asks(services: Services,
                                                  fleet: SandboxFleet) -> None:
    one, two = names(fleet)[1], names(fleet)[2]
    refs = [ref(one, "api"), ref(two, "api")]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.delete(app, refs)
        await shown(pilot, ConfirmScreen)
        body = " ".join(str(s.render()) for s in app.screen.query(".confirm-body"))
        assert f"{one}  Deployment default/api" in body
        assert f"{two}  Deployment default/api" in body
        await pilot.press("n")  # cancelled: both still there
        await settle(pilot)
        assert app.screen is app.main
        for r in refs:
            assert await replicas(services, r) == PODS
        done: list[bool] = []
        resource_actions.delete(app, refs, on_done=lambda: done.append(True))
        await shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert done == [True]
        for r in refs:
            with pytest.raises(Exception, match="not found"):
                await services.objects.get(r)
        assert sum('"api" deleted' in m for m in notes(app)) == 2


async def test_read_only_refuses_before_any_question(tmp_path: Path,
                                                     fleet: SandboxFleet) -> None:
    writer = await open_services(settings_for(tmp_path, fleet), user="oncall")
    await writer.instances.create("east", "cn-east-1")
    await writer.clusters.associate("east", [AssociateRequest(context=names(fleet)[1])])
    await writer.close()
    s = await open_services(settings_for(tmp_path, fleet, read_only=True), user="oncall")
    try:
        app = CcseoneApp(s, live_probes=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            target = ref(names(fleet)[1])
            for action in (lambda: resource_actions.delete(app, [target]),
                           lambda: resource_actions.scale(app, target),
                           lambda: resource_actions.restart(app, [target]),
                           lambda: resource_actions.edit(app, target),
                           lambda: resource_actions.shell(app, target),
                           lambda: resource_actions.port_forward(app, target)):
                app._notifications.clear()
                action()
                await settle(pilot)
                assert app.screen is app.main
                assert any(t("error.readonly") in m for m in notes(app))
    finally:
        await s.close()


async def test_read_only_footer_offers_no_write_on_the_row_screens(
        tmp_path: Path, fleet: SandboxFleet) -> None:
    from textual.widgets._footer import FooterKey

    from ccseone_tui.ui.screens.resource_containers import ContainersScreen
    from ccseone_tui.ui.widgets.footer import ShellFooter

    writer = await open_services(settings_for(tmp_path, fleet), user="oncall")
    await writer.instances.create("east", "cn-east-1")
    await writer.clusters.associate("east", [AssociateRequest(context=names(fleet)[1])])
    await writer.close()
    s = await open_services(settings_for(tmp_path, fleet, read_only=True), user="oncall")
    try:
        client = await s.clusters.client(await s.clusters.get(names(fleet)[1]))
        await client.apply(deployment("web"))
        await fleet.settle()
        pod = await a_pod(s, names(fleet)[1])
        app = CcseoneApp(s, live_probes=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for open_, kind, writes in (
                    (lambda: resource_actions.describe(app, pod), DescribeScreen, {"e"}),
                    (lambda: resource_actions.containers(app, pod), ContainersScreen,
                     {"x", "f"})):
                open_()
                await shown(pilot, kind)
                shown_keys = {k.key for k in app.screen.query_one(ShellFooter).query(FooterKey)}
                assert not shown_keys & writes, (kind.__name__, shown_keys)
                assert "r" in shown_keys
                await pilot.press("escape")
                await settle(pilot)
    finally:
        await s.close()


async def test_production_delete_needs_the_cluster_name_typed(services: Services,
                                                              fleet: SandboxFleet) -> None:
    prod, other = names(fleet)[0], names(fleet)[1]
    refs = [ref(prod, "api"), ref(other, "api")]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.delete(app, refs)
        await shown(pilot, TypedConfirmScreen)
        assert app.screen.expected == prod  # only the production cluster is typed
        await pilot.press(*prod, "enter")
        await settle(pilot)
        assert app.screen is app.main
        for r in refs:
            with pytest.raises(Exception, match="not found"):
                await services.objects.get(r)


# ---- scale and restart -----------------------------------------------------------------


async def test_scale_prompt_checks_what_is_typed(services: Services,
                                                 fleet: SandboxFleet) -> None:
    target = ref(names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.scale(app, target)
        await shown(pilot, ScaleScreen)
        screen = app.screen
        assert isinstance(screen, ScaleScreen) and screen.current == PODS
        field = screen.query_one(Input)
        assert field.value == str(PODS)
        field.value = ""
        await pilot.press("minus", "1", "enter")
        await pilot.pause()
        assert app.screen is screen  # refused in its own error line
        assert t("objects.rule.replicas") in str(screen.query_one("#form-error").render())
        field.value = ""
        await pilot.press("5", "enter")
        await settle(pilot)
        assert app.screen is app.main
        assert await replicas(services, target) == 5
        assert any("scaled to 5" in m for m in notes(app))


async def test_restart_asks_then_restarts(services: Services, fleet: SandboxFleet) -> None:
    target = ref(names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.restart(app, [target])
        await shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        obj = await services.objects.get(target)
        annotations = obj["spec"]["template"]["metadata"].get("annotations") or {}
        assert "kubectl.kubernetes.io/restartedAt" in annotations
        assert any("restarted" in m for m in notes(app))


# ---- edit ------------------------------------------------------------------------------


def editor_script(tmp_path: Path, body: str) -> str:
    """An ``$EDITOR`` that runs ``body`` (Python, the file's path in ``path``; its text in
    ``text``; it writes ``out``); every run appends the text it was given to a log."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text()\n"
        f"log = pathlib.Path({str(tmp_path / 'editor.log')!r})\n"
        "log.write_text((log.read_text() if log.exists() else '') + text + '\\n=====\\n')\n"
        "out = text\n"
        f"{body}\n"
        "path.write_text(out)\n")
    return f"{sys.executable} {script}"


def editor_runs(tmp_path: Path) -> list[str]:
    log = tmp_path / "editor.log"
    return log.read_text().split("\n=====\n")[:-1] if log.exists() else []


async def test_edit_shows_the_diff_then_applies(services: Services, fleet: SandboxFleet,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = ref(names(fleet)[1])
    monkeypatch.setenv("EDITOR", editor_script(
        tmp_path, "out = text.replace('replicas: 2', 'replicas: 4', 1)"))
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.edit(app, target)
        await shown(pilot, EditDiffScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is app.main
        assert await replicas(services, target) == 4
        assert any('"web" edited' in m for m in notes(app))


async def test_edit_unchanged_says_so(services: Services, fleet: SandboxFleet, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, "out = '# looked\\n' + text"))
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.edit(app, ref(names(fleet)[1]))
        await settle(pilot)
        assert app.screen is app.main
        assert any("no changes" in m for m in notes(app))


async def test_edit_parse_error_reopens_with_the_error_on_top(
        services: Services, fleet: SandboxFleet, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """First save: broken YAML. The editor reopens with the error as comments on top and the
    user's text kept; the second save fixes it; Esc on the diff applies nothing."""
    target = ref(names(fleet)[1])
    body = ("runs = len(log.read_text().split('=====')) - 1\n"
            "out = text + '\\n  bad: [unclosed\\n' if runs == 1 else "
            "text.replace('replicas: 2', 'replicas: 3', 1).replace('  bad: [unclosed', '')")
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, body))
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.edit(app, target)
        await shown(pilot, EditDiffScreen)
        runs = editor_runs(tmp_path)
        assert len(runs) == 2
        assert not runs[0].startswith("#") and runs[1].startswith("#")
        assert t("objects.edit_error_header") in runs[1]
        assert "bad: [unclosed" in runs[1]  # the user's text kept under the error
        assert isinstance(app.screen, EditDiffScreen)
        await pilot.press("escape")  # dropped
        await settle(pilot)
        assert await replicas(services, target) == PODS
        assert any(t("res_ui.edit.dropped") in m for m in notes(app))


async def test_edit_conflict_is_reported_never_forced(
        services: Services, fleet: SandboxFleet, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The object changes on the cluster while the editor is open: the apply is refused with
    the conflict, nothing forced."""
    target = ref(names(fleet)[1])
    client = await services.clusters.client(await services.clusters.get(target.cluster))
    monkeypatch.setenv("EDITOR", editor_script(
        tmp_path, "out = text.replace('replicas: 2', 'replicas: 4', 1)"))
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.edit(app, target)
        await shown(pilot, EditDiffScreen)
        changed = deployment("web")
        changed["spec"]["replicas"] = 7  # type: ignore[index]
        await client.apply(changed, force=True)  # someone else, meanwhile
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is app.main
        assert await replicas(services, target) == 7
        assert any("changed on the cluster" in m for m in notes(app))


async def test_edit_on_production_asks_for_the_name_after_the_diff(
        services: Services, fleet: SandboxFleet, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A renamed object is refused by the editor round (reopened with the error), then the
    fixed text's diff, then the production cluster's name typed, then applied."""
    prod = names(fleet)[0]
    target = ref(prod)
    body = ("runs = len(log.read_text().split('=====')) - 1\n"
            "out = text.replace('name: web', 'name: web2', 1) if runs == 1 else "
            "text.replace('name: web2', 'name: web', 1).replace('replicas: 2', 'replicas: 1', 1)")
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, body))
    monkeypatch.delenv("KUBE_EDITOR", raising=False)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.edit(app, target)
        await shown(pilot, EditDiffScreen)
        runs = editor_runs(tmp_path)
        assert len(runs) == 2 and "metadata.name" in runs[1].split("\n\n")[0]
        await pilot.press("y")
        await shown(pilot, TypedConfirmScreen)
        await pilot.press(*prod, "enter")
        await settle(pilot)
        assert await replicas(services, target) == 1


# ---- shell and port-forward ----------------------------------------------------------------


def scripted(lines: bytes, seen: list[bytes]) -> Any:
    """An ``INTERACTIVE`` stand-in for the terminal (Pilot has none): types ``lines`` into
    the session and keeps what comes back, until the command ends; its exit code."""

    async def run(app: CcseoneApp, session: Any) -> int:
        await session.send_stdin(lines)
        async for _channel, data in session:
            seen.append(data)
        return session.exit_code if session.exit_code is not None else 0

    return run


async def test_shell_round_trip(services: Services, fleet: SandboxFleet,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ccseone_tui.ui import resource_shell

    pod = await a_pod(services, names(fleet)[1])
    seen: list[bytes] = []
    monkeypatch.setattr(resource_shell, "INTERACTIVE",
                        scripted(b"echo hello from $HOSTNAME\nhostname\nexit 3\n", seen))
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.shell(app, pod)
        await until(pilot, lambda: any("exit code 3" in m for m in notes(app)), "the end")
        output = b"".join(seen).decode()
        assert "hello" in output and pod.name in output
        assert app.screen is app.main


async def test_shell_without_sh_is_said_after_the_console_is_back(
        services: Services, fleet: SandboxFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccseone_tui.ui import resource_shell

    cluster = names(fleet)[1]
    client = await services.clusters.client(await services.clusters.get(cluster))
    bare = deployment("bare")
    bare["spec"]["template"]["spec"]["containers"][0]["image"] = "gcr.io/distroless/static"  # type: ignore[index]
    await client.apply(bare)
    await fleet.settle()
    pod = await a_pod(services, cluster, "bare")
    monkeypatch.setattr(resource_shell, "INTERACTIVE", scripted(b"", []))
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.shell(app, pod)
        await until(pilot, lambda: any("/bin/sh" in m for m in notes(app)), "the refusal")
        assert app.screen is app.main


async def test_shell_cut_mid_session_is_said_after_the_console_is_back(
        services: Services, fleet: SandboxFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    """The WebSocket closes while the shell runs (the API server restarts): SessionClosed
    is reported once the console is back, with its fix."""
    from ccseone_tui.ui import resource_shell

    cluster = fleet.clusters[1]
    pod = await a_pod(services, cluster.name)

    async def cut(app: CcseoneApp, session: Any) -> int:
        await session.send_stdin(b"echo up\n")
        async for _channel, data in session:
            if b"up" in data:
                cluster.faults.drop_streams()
        return 0

    monkeypatch.setattr(resource_shell, "INTERACTIVE", cut)
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.shell(app, pod)
        await until(pilot, lambda: any(t("res_ui.what.shell", name=pod.name) in str(n.title)
                                       for n in app._notifications), "the error")
        assert any("ended without an exit status" in m for m in notes(app))
        assert app.screen is app.main


async def test_shell_on_production_asks_for_the_name(services: Services, fleet: SandboxFleet,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from ccseone_tui.ui import resource_shell

    prod = names(fleet)[0]
    pod = await a_pod(services, prod)
    seen: list[bytes] = []
    monkeypatch.setattr(resource_shell, "INTERACTIVE", scripted(b"exit\n", seen))
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.shell(app, pod)
        await shown(pilot, TypedConfirmScreen)
        await pilot.press(*prod, "enter")
        await until(pilot, lambda: any("exit code 0" in m for m in notes(app)), "the end")


async def test_port_forward_start_list_stop(services: Services, fleet: SandboxFleet) -> None:
    import asyncio

    from ccseone_tui.ui.screens.forwards import ForwardsScreen
    from ccseone_tui.ui.screens.port_forward import PortForwardScreen

    pod = await a_pod(services, names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.port_forward(app, pod)
        await shown(pilot, PortForwardScreen)
        assert app.screen.query_one("#remote", Input).value == "8080"  # the declared port
        await pilot.press("enter")  # picks it; the local port next (0: any free one)
        await pilot.press("enter")
        await until(pilot, lambda: bool(services.shell.forwards()), "the forward")
        forward = services.shell.forwards()[0]
        assert forward.local_port and forward.remote_port == 8080
        await until(pilot, lambda: any(f"127.0.0.1:{forward.local_port} → " in m
                                       for m in notes(app)), "the notification")
        reader, writer = await asyncio.open_connection("127.0.0.1", forward.local_port)
        writer.write(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        await writer.drain()
        answer = (await asyncio.wait_for(reader.read(), 5)).decode()
        writer.close()
        assert "200" in answer and pod.name in answer

        resource_actions.forwards(app)
        await shown(pilot, ForwardsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert f"127.0.0.1:{forward.local_port}" in str(table.get_row_at(0)[2])
        await pilot.press("ctrl+d")
        await until(pilot, lambda: not services.shell.forwards(), "stopped")
        await until(pilot, lambda: table.row_count == 0, "the row gone")


async def test_port_forward_to_a_service(services: Services, fleet: SandboxFleet) -> None:
    """A service's declared port leads to a pod its selector picks (targetPort by name)."""
    import asyncio

    from ccseone_tui.ui.screens.port_forward import PortForwardScreen

    cluster = names(fleet)[2]
    client = await services.clusters.client(await services.clusters.get(cluster))
    await client.apply({"apiVersion": "v1", "kind": "Service",
                        "metadata": {"name": "web", "namespace": "default"},
                        "spec": {"selector": {"app": "web"},
                                 "ports": [{"name": "http", "port": 80,
                                            "targetPort": "http"}]}})
    svc = ObjectRef(cluster, ResourceInfo("", "v1", "Service", "services", True), "default",
                    "web")
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.port_forward(app, svc)
        await shown(pilot, PortForwardScreen)
        assert app.screen.query_one("#remote", Input).value == "80"
        await pilot.press("enter", "enter")
        await until(pilot, lambda: bool(services.shell.forwards()), "the forward")
        forward = services.shell.forwards()[0]
        assert forward.target == "svc/web" and forward.remote_port == 8080
        reader, writer = await asyncio.open_connection("127.0.0.1", forward.local_port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        await writer.drain()
        answer = (await asyncio.wait_for(reader.read(), 5)).decode()
        writer.close()
        assert "200" in answer and forward.pod in answer
        await services.shell.stop(forward)


async def test_port_forward_to_a_port_nothing_listens_on_says_so(
        services: Services, fleet: SandboxFleet) -> None:
    import asyncio
    import contextlib

    from ccseone_tui.ui.screens.port_forward import PortForwardScreen

    pod = await a_pod(services, names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.port_forward(app, pod)
        await shown(pilot, PortForwardScreen)
        app.screen.query_one("#remote", Input).value = "9999"
        app.screen.query_one("#local", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: bool(services.shell.forwards()), "the forward")
        forward = services.shell.forwards()[0]
        reader, writer = await asyncio.open_connection("127.0.0.1", forward.local_port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            await asyncio.wait_for(reader.read(), 5)
        writer.close()
        await until(pilot, lambda: any(":9999: " in m and "keeps listening" in m
                                       for m in notes(app)), "the refusal")
        await services.shell.stop(forward)


async def test_port_forward_checks_the_ports(services: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.ui.screens.port_forward import PortForwardScreen

    pod = await a_pod(services, names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.port_forward(app, pod)
        await shown(pilot, PortForwardScreen)
        screen = app.screen
        screen.query_one("#local", Input).value = "70000"
        screen.query_one("#local", Input).focus()
        await pilot.press("enter")
        assert app.screen is screen
        assert "65535" in str(screen.query_one("#form-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main and not services.shell.forwards()


# ---- containers and logs -------------------------------------------------------------------


async def test_containers_lead_to_logs(services: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.ui.screens.pod_logs import PodLogsScreen
    from ccseone_tui.ui.screens.resource_containers import ContainersScreen
    from ccseone_tui.ui.widgets.log_view import LogView

    pod = await a_pod(services, names(fleet)[1])
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        resource_actions.containers(app, pod)
        await shown(pilot, ContainersScreen)
        screen = app.screen
        await until(pilot, lambda: screen.query_one(DataTable).row_count == 1, "the container")
        row = [str(c) for c in screen.query_one(DataTable).get_row_at(0)]
        assert row[0] == "web" and "Running" in row[3] and row[5] == "nginx"
        await pilot.press("p")  # never restarted: said, nothing opened
        assert app.screen is screen
        assert any(t("res_ui.no_previous", container="web") in m for m in notes(app))
        await pilot.press("enter")
        await shown(pilot, PodLogsScreen)
        logs = app.screen
        assert isinstance(logs, PodLogsScreen) and logs.container == "web"
        view = logs.query_one(LogView)
        await until(pilot, lambda: len(view.buffer) > 0, "log lines")
        await pilot.press("P")  # the previous instance: none, said in the view
        assert logs.previous
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is app.main
        assert not [w for w in app.workers if w.group == "stream:pod-logs" and w.is_running]


# ---- keys --------------------------------------------------------------------------------


def f1_keys() -> set[str]:
    from ccseone_tui.ui.screens.help import key_groups

    keys: set[str] = set()
    for _, rows in key_groups(15.0, "env=prod"):
        for key, _ in rows:
            keys.update(part.lower().rstrip(":") for part in key.split())
    return keys


def screen_keys(app: CcseoneApp) -> dict[str, set[str]]:
    """key -> descriptions of our bindings that would run now on the screen on top."""
    from .test_keys import live_bindings

    return live_bindings(app)


async def test_each_screen_has_one_meaning_per_key_and_f1_lists_them(
        services: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.ui.screens.forwards import ForwardsScreen
    from ccseone_tui.ui.screens.pod_logs import PodLogsScreen
    from ccseone_tui.ui.screens.resource_containers import ContainersScreen

    pod = await a_pod(services, names(fleet)[1])
    listed = f1_keys()
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for open_, kind in ((lambda: resource_actions.describe(app, pod), DescribeScreen),
                            (lambda: resource_actions.show_yaml(app, pod), YamlScreen),
                            (lambda: resource_actions.show_events(app, pod), EventsScreen),
                            (lambda: resource_actions.containers(app, pod), ContainersScreen),
                            (lambda: resource_actions.logs(app, pod), PodLogsScreen),
                            (lambda: resource_actions.forwards(app), ForwardsScreen)):
            open_()
            await shown(pilot, kind)
            live = screen_keys(app)
            # home/end: LogLines' own scroll names beside LogView's (the log view's business)
            clashes = {k: d for k, d in live.items() if len(d) > 1 and k not in ("home", "end")}
            assert not clashes, f"{kind.__name__}: {clashes}"
            screen = app.screen
            for key, binding in ((k, b) for k, bs in screen._bindings.key_to_bindings.items()
                                 for b in bs):
                names_ = {key.lower(), (binding.key_display or "").lower(),
                          app.get_key_display(binding).lower()}
                assert names_ & listed, f"{kind.__name__}: F1 does not list {key}"
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.main, kind.__name__

"""The Application center through the screens, against three sandbox clusters over real HTTP
and a real cache: publish (typed confirmation for the production cluster) -> upgrade with
Compare opened -> rollback (its Compare first) -> delete with the typed name — as a user
would, through keys and buttons; a dead target, retry and a forced SSA conflict; the publish
form's refusals and drafts. Then SVG snapshots (seeded cache, frozen clock) of the list, the
detail (status, history), the publish and upgrade dialogs (the Compare screen itself is
D's snapshot, ``test_diff_view.py``; here it is opened inside the flows).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, SelectionList, Static, TabbedContent, TextArea

from ccseone_tui.config import Settings
from ccseone_tui.domain.apps import AppTarget
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.app_delete import AppDeleteScreen, expected_text
from ccseone_tui.ui.screens.app_detail import AppDetailScreen
from ccseone_tui.ui.screens.app_publish import AppPublishScreen, values_problem
from ccseone_tui.ui.screens.app_rollback import AppRollbackScreen
from ccseone_tui.ui.screens.app_task import AppTaskScreen
from ccseone_tui.ui.screens.app_upgrade import AppUpgradeScreen
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.diff_screen import DiffScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen, TypedField
from ccseone_tui.ui.views.apps import AppsView
from ccseone_tui.ui.widgets.app_history_pane import AppHistoryPane
from ccseone_tui.ui.widgets.app_logs_pane import AppLogsPane
from ccseone_tui.ui.widgets.app_plan import AppPlanList
from ccseone_tui.ui.widgets.app_render import state_text
from ccseone_tui.ui.widgets.app_status_pane import AppStatusPane
from ccseone_tui.ui.widgets.app_targets import AppTargetPicker, resolve
from ccseone_tui.ui.widgets.form import FormError

from .pilot_helpers import settle, until

SIZE = (140, 45)
WEB = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: nginx
"""
PROD = "sandbox-1"  # labelled env=prod: writes to it need its name typed


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[Services, SandboxFleet]]:
    """Instance ``east`` over three sandbox clusters (sandbox-1 production), YAML template
    ``web`` (a ConfigMap and a Deployment)."""
    async with SandboxFleet(clusters=3, nodes=1, system_workloads=False) as fleet:
        settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                            connect_timeout=1.0, read_timeout=3.0, theme="textual-dark")
        s = await open_services(settings, user="oncall")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [
                AssociateRequest(context=c.name,
                                 labels={"env": "prod"} if c.name == PROD else {"env": "dev"})
                for c in fleet.clusters])
            await s.templates.add("web", "yaml", {
                "manifests": WEB, "parameters": {"greeting": "hello", "replicas": 1}})
            yield s, fleet
        finally:
            await s.close()


def plain(widget: Static) -> str:
    """What a Static shows, as text (its content may be any Rich renderable)."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def on_screen(pilot: Pilot[None], kind: type[Any], what: str = "") -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), what or kind.__name__)
    return pilot.app.screen


async def click(pilot: Pilot[None], selector: str) -> None:
    """Press a button by id on the current screen (no mouse geometry: dialogs scroll)."""
    button = pilot.app.screen.query_one(selector, Button)
    await until(pilot, lambda: not button.disabled, f"{selector} enabled")
    button.press()
    await pilot.pause()


async def finish_task(pilot: Pilot[None]) -> Any:
    """The task's results screen: every target succeeded; close it."""
    screen = await on_screen(pilot, AppTaskScreen, "task results")
    task = screen.task_record
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    await click(pilot, "#close")
    return task


async def test_publish_upgrade_compare_rollback_delete(
        live: tuple[Services, SandboxFleet]) -> None:
    services, fleet = live
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        view = app.main.query_one(AppsView)
        assert view.loaded and not view.rows

        # ---- publish: c, the form, the production target's name typed ----------------------
        await pilot.press("c")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: form.templates, "templates listed")
        form.query_one("#name", Input).value = "web"
        form.query_one("#template", Select).value = "web"
        editor = form.query_one("#values", TextArea)
        await until(pilot, lambda: "greeting" in editor.text, "default values loaded")
        assert form.version == "latest"
        # a broken edit is reported with its line, and blocks publishing
        editor.load_text("greeting: [oops\n")
        await pilot.pause()
        assert "line" in form.query_one("#values-error", FormError).text.lower()
        editor.load_text("greeting: hi\nreplicas: 1\n")
        await pilot.pause()
        assert form.query_one("#values-error", FormError).text == ""
        form.query_one(SelectionList).select_all()
        await pilot.pause()
        picker = form.query_one(AppTargetPicker)
        assert [p.key for p in picker.pairs] == [f"{c.name}/default" for c in fleet.clusters]
        await click(pilot, "#dry-run")
        await until(pilot, lambda: not form.busy, "dry run")
        results = plain(form.query_one("#publish-results", Static))
        assert results.count("would apply") == 3
        await click(pilot, "#submit")
        typed = await on_screen(pilot, TypedConfirmScreen, "typed confirmation")
        assert typed.expected == PROD
        typed.query_one(Input).value = PROD
        await click(pilot, "#confirm-yes")
        task = await finish_task(pilot)
        assert task.kind == "app.publish" and len(task.results) == 3
        await settle(pilot)
        await until(pilot, lambda: len(view.rows) == 1, "app listed")
        [row] = view.rows.values()
        assert row.app.name == "web" and row.app.current_revision == 1
        assert row.app.status.startswith("Deployed") and (row.healthy, row.total) == (3, 3)

        # ---- l: the app's logs, every pod on every target merged --------------------------
        view.table.focus()
        await pilot.press("l")
        detail = await on_screen(pilot, AppDetailScreen)
        log = detail.query_one(AppLogsPane).view
        await until(pilot, lambda: {s.split("/")[0] for s in log.buffer.known_sources()}
                    == {c.name for c in fleet.clusters}, "lines from the three clusters")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "back to the list")
        await until(pilot, lambda: not any(w.group == "stream" and not w.is_finished
                                           for w in app.workers), "log stream stopped")

        # ---- upgrade: u, new values, Compare one target (side by side), Upgrade ------------
        view.table.focus()
        await pilot.press("u")
        up = await on_screen(pilot, AppUpgradeScreen)
        plans = up.query_one(AppPlanList)
        await until(pilot, lambda: len(plans.plans) == 3, "upgrade plan")
        assert all(p.old == p.new for p in plans.plans)  # nothing changed yet
        up_values = up.query_one("#values", TextArea)
        assert "greeting: hi" in up_values.text
        up_values.load_text("greeting: bonjour\nreplicas: 1\n")
        up.query_one("#message", Input).value = "french greeting"
        await click(pilot, "#plan")
        await until(pilot, lambda: bool(plans.plans) and plans.plans[0].old != plans.plans[0].new,
                    "changed plan")
        await click(pilot, "#compare-1")
        diff = await on_screen(pilot, DiffScreen, "compare")
        assert "bonjour" in diff.new and "hi" in diff.old
        await pilot.press("escape")
        await on_screen(pilot, AppUpgradeScreen, "back to the upgrade")
        # one dialog: the production name is typed in it, its Upgrade button confirms
        up.query_one("#typed-production", Input).value = PROD
        await click(pilot, "#submit")
        task = await finish_task(pilot)
        assert task.kind == "app.upgrade" and task.target == "web#2"
        await settle(pilot)
        await until(pilot, lambda: next(iter(view.rows.values())).app.current_revision == 2,
                    "revision 2 listed")

        # ---- rollback to 1: Enter, History, b -> Compare first -> confirm ------------------
        view.table.focus()
        await pilot.press("enter")
        detail = await on_screen(pilot, AppDetailScreen)
        status = detail.query_one(AppStatusPane)
        await until(pilot, lambda: status.status is not None, "live status")
        assert {r.target.cluster for r in status.status.targets} == {
            c.name for c in fleet.clusters}
        detail.query_one(TabbedContent).active = "history"
        history = detail.query_one(AppHistoryPane)
        await until(pilot, lambda: len(history.rows) == 2, "two revisions")
        history.query_one("#app-history").move_cursor(row=1)  # newest first: 2, then 1
        await pilot.pause()
        assert history.highlighted() == 1
        await pilot.press("b")
        diff = await on_screen(pilot, DiffScreen, "rollback compare first")
        assert "bonjour" in diff.old and "greeting: hi" in diff.new
        await pilot.press("escape")
        back = await on_screen(pilot, AppRollbackScreen)
        back.query_one("#typed-production", Input).value = PROD
        await click(pilot, "#confirm-yes")
        task = await finish_task(pilot)
        assert task.kind == "app.rollback" and task.target == "web#3"
        await settle(pilot)
        await until(pilot, lambda: len(history.rows) == 3, "three revisions")
        assert (await services.apps.get("east", "web")).current_revision == 3
        # the title ends on the rollout's final word, not the "Deploying" of its start
        await until(pilot, lambda: detail.record is not None and detail.record.current_revision
                    == 3 and detail.record.status == "Deployed 3/3", "the title's status")

        # ---- delete: d, the objects per target, the name (and the PROD cluster's) typed ----
        await pilot.press("d")
        delete = await on_screen(pilot, AppDeleteScreen)
        await until(pilot, lambda: len(delete.previews) == 3, "delete preview")
        assert all(set(p.objects) == {"ConfigMap/web-config", "Deployment/web"}
                   for p in delete.previews)
        typed = delete.query_one(TypedField)  # the names typed in the same dialog
        assert typed.expected == f"web,{PROD}"
        # what to type is explained as the app's name and the production cluster's
        prompt = plain(typed.query_one(".prod-warning", Static))
        assert prompt.startswith(f"Type web,{PROD} to confirm") and "app's name" in prompt
        typed.input.value = "web"  # the app name alone is not enough
        await pilot.pause()
        assert delete.query_one("#confirm-yes", Button).disabled
        typed.input.value = f"web,{PROD}"
        await click(pilot, "#confirm-yes")
        await finish_task(pilot)
        await settle(pilot)
        await until(pilot, lambda: app.screen is app.main and not view.rows, "app gone")
        assert await services.apps.list_rows("east") == []


async def test_upgrade_rollback_delete_ask_in_one_dialog(
        live: tuple[Services, SandboxFleet]) -> None:
    """#12 item 5: one dialog per action. Upgrade, rollback and delete asked a second
    (typed) confirmation after their own dialog; now the production name is typed inside
    the dialog, whose own button (or y, or Enter in the field) confirms."""
    from ccseone_tui.domain.apps import PublishRequest

    services, _ = live
    await services.apps.publish("east", PublishRequest(
        name="web", template="web", version=None,
        targets=[AppTarget(PROD, "default"), AppTarget("sandbox-2", "default")]),
        confirm=PROD)
    app = CcseoneApp(services, live_probes=False)
    pushed: list[str] = []
    push = app.push_screen

    def spy(screen: Any, *args: Any, **kwargs: Any) -> Any:
        pushed.append(type(screen).__name__)
        return push(screen, *args, **kwargs)

    app.push_screen = spy  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        view = app.main.query_one(AppsView)
        await until(pilot, lambda: len(view.rows) == 1, "app listed")
        view.table.focus()

        # upgrade: Upgrade without the name says so in the dialog, and asks nothing else
        await pilot.press("u")
        up = await on_screen(pilot, AppUpgradeScreen)
        await until(pilot, lambda: len(up.query_one(AppPlanList).plans) == 2, "plan")
        field = up.query_one(TypedField)
        assert field.display and field.expected == PROD
        up.query_one("#values", TextArea).load_text("greeting: v2\nreplicas: 1\n")
        await click(pilot, "#submit")
        assert app.screen is up and not up.busy
        assert PROD in up.query_one("#form-error", FormError).text
        assert up.focused is field.input
        await pilot.press(*PROD, "enter")  # typed in the dialog; Enter upgrades
        task = await finish_task(pilot)
        assert task.kind == "app.upgrade"

        # rollback to 1: Compare first, then the same dialog confirms
        await settle(pilot)
        view.table.focus()
        await pilot.press("enter")
        detail = await on_screen(pilot, AppDetailScreen)
        detail.query_one(TabbedContent).active = "history"
        history = detail.query_one(AppHistoryPane)
        await until(pilot, lambda: len(history.rows) == 2, "two revisions")
        history.query_one("#app-history").move_cursor(row=1)
        await pilot.pause()
        await pilot.press("b")
        await on_screen(pilot, DiffScreen, "compare first")
        await pilot.press("escape")
        back = await on_screen(pilot, AppRollbackScreen)
        yes = back.query_one("#confirm-yes", Button)
        assert yes.disabled  # the production name is not typed yet
        assert str(back.query_one(".confirm-hint", Static).render()) == t(
            "console.confirm.hint")
        await pilot.press(*PROD)
        assert not yes.disabled
        yes.focus()
        await pilot.press("y")  # y confirms, as in every confirmation
        task = await finish_task(pilot)
        assert task.kind == "app.rollback"

        # delete: the names typed in the preview dialog; the line says what is wrong
        await on_screen(pilot, AppDetailScreen)
        await pilot.press("d")
        delete = await on_screen(pilot, AppDeleteScreen)
        await until(pilot, lambda: delete.loaded, "delete preview")
        typed = delete.query_one(TypedField)
        assert typed.expected == f"web,{PROD}"
        await pilot.press(*"web,x")
        line = plain(typed.query_one(".typed-match", Static))
        assert line == t("typed.match.wrong", expected=f"web,{PROD}", position=5)
        await pilot.press("backspace", *PROD, "enter")
        await finish_task(pilot)
        await until(pilot, lambda: app.screen is app.main and not view.rows, "app gone")

    asked = {"ConfirmScreen", "TypedConfirmScreen"} & set(pushed)
    assert not asked, pushed  # no second dialog for any of the three


async def test_detail_tabs_hand_the_keys_to_their_table(
        live: tuple[Services, SandboxFleet]) -> None:
    """1-4 switch tabs and the tab's table (or log) takes the focus, so the arrows pick a
    revision at once and b rolls back to it (the tab bar kept the focus before: the arrows
    did nothing and b always named the current revision)."""
    from ccseone_tui.domain.apps import PublishRequest
    from ccseone_tui.ui.widgets.log_lines import LogLines

    services, _ = live
    await services.apps.publish("east", PublishRequest(
        name="web", template="web", version=None, targets=[AppTarget("sandbox-2", "default")]))
    await services.apps.upgrade("east", "web", values_yaml="greeting: x\nreplicas: 1\n")
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("enter")
        detail = await on_screen(pilot, AppDetailScreen)
        await settle(pilot)
        assert app.focused is detail.query_one("#app-targets")
        for key, focused in (("2", "#app-history"), ("3", LogLines), ("4", "#app-tasks"),
                             ("1", "#app-targets"), ("2", "#app-history")):
            await pilot.press(key)
            await settle(pilot)
            assert app.focused is detail.query_one(focused), (key, app.focused)
        history = detail.query_one(AppHistoryPane)
        await until(pilot, lambda: len(history.rows) == 2, "two revisions")
        await pilot.press("down")
        assert history.highlighted() == 1
        await pilot.press("b")
        await on_screen(pilot, DiffScreen, "revision 1's Compare")


def test_targets_resolve_by_name_labels_and_overrides() -> None:
    """The target pairs the publish form shows, and its refusals naming the field."""
    from ccseone_tui.domain.errors import CcseoneError
    from ccseone_tui.domain.models import MemberCluster

    clusters = [MemberCluster(id=f"c{i}", name=n, instance_id="i", labels=labels)
                for i, (n, labels) in enumerate([("a", {"env": "prod"}), ("b", {"env": "dev"}),
                                                 ("c", {"env": "prod"})])]
    assert resolve(clusters, "labels", [], "env=prod", "web", "") == [
        AppTarget("a", "web"), AppTarget("c", "web")]
    assert resolve(clusters, "names", ["b"], "", "web", "b=web-b") == [AppTarget("b", "web-b")]
    for args in (("names", ["a"], "", "Web!", ""), ("labels", [], "env", "web", ""),
                 ("names", ["a"], "", "web", "b=x")):
        with pytest.raises(CcseoneError):
            resolve(clusters, *args)
    assert values_problem("a: [1\n") is not None and values_problem("a: 1\n") is None
    assert expected_text("web", []) == "web"
    assert state_text("Deployed 3/3").plain == "● Deployed 3/3"


# ---- snapshots: the seeded cache (conftest's fleet), frozen clock, UTC ------------------------
#
# The apps below are written through the services' store, like the rest of the seeded fleet
# (publishing needs live clusters; snapshots need fixed times). Three of the clusters point at
# a closed local port, so the live status and the upgrade's Compare get the same answer every
# run (Unreachable) without any network; east-dev-1 keeps its missing kubeconfig (Failed).

SNAP = (140, 40)
NOW = 1_750_000_000.0  # conftest.NOW
DOWN = ("east-prod-1", "east-stage-1")
KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
{clusters}
contexts:
{contexts}
users:
- name: u
  user: {{token: t}}
current-context: east-prod-1
"""


def down_kubeconfig(path: Path) -> Path:
    path.write_text(KUBECONFIG.format(
        clusters="\n".join(f"- name: {n}\n  cluster: {{server: 'https://127.0.0.1:1', "
                           "insecure-skip-tls-verify: true}" for n in DOWN),
        contexts="\n".join(f"- name: {n}\n  context: {{cluster: {n}, user: u}}" for n in DOWN)))
    return path


async def texts(services: Services, values: dict[str, Any], targets: list[str]) -> str:
    """A revision's stored manifests, made the way the apps service makes them."""
    from ccseone_tui.services.apps.manifests import encode, prepare, to_text

    tpl = await services.templates.get("shop-web")
    out = {}
    for target in targets:
        ns = target.split("/")[1]
        rendered = await services.templates.render(tpl, None, values, release="shop",
                                                   namespace=ns)
        out[target] = to_text(prepare([r.obj for r in rendered], app="shop",
                                      instance="prod-east", namespace=ns,
                                      namespaced=lambda _obj: True))
    return encode(out)


async def seed_apps(services: Services, tmp_path: Path) -> None:
    import dataclasses

    from ccseone_tui.domain.models import App, Revision, Template

    store = services.store
    kubeconfig = str(down_kubeconfig(tmp_path / "down.kubeconfig"))
    for cluster in await store.list_clusters():
        if cluster.name in DOWN:
            await store.update_cluster(dataclasses.replace(cluster, kubeconfig=kubeconfig))
    await store.add_template(Template("tpl-0004", "shop-web", "yaml", {
        "manifests": WEB, "parameters": {"greeting": "hello", "replicas": 1}},
        "Shop front", NOW - 86400 * 8))
    ok, failed = "Succeeded", "Failed"
    # web: chart nginx, 3 revisions, the last one failed on one target
    web = [("east-prod-1", "web"), ("east-stage-1", "web"), ("east-dev-1", "web")]
    ids = {c.name: c.id for c in await store.list_clusters()}
    await store.set_app_targets("app-0001", [(ids[c], ns) for c, ns in web])
    for number, version, message, author, ago in (
            (1, "18.0.0", "publish", "alice", 86400 * 9), (2, "18.1.0", "nginx 18.1", "bob",
                                                          86400 * 4),
            (3, "18.1.0", "more workers", "alice", 3600 * 5)):
        await store.add_revision(Revision("app-0001", number, version, "workers: 4\n", "{}",
                                          message, author, NOW - ago))
        results = {f"{c}/{ns}": (ok, "") for c, ns in web}
        if number == 3:
            results["east-dev-1/web"] = (failed, "Deployment/web: 1 of 3 replicas ready")
        await store.set_revision_results("app-0001", number, results)
    app = await store.get_app_by_id("app-0001")
    await store.update_app(dataclasses.replace(app, status="Partial 2/3"))
    # checkout: deploying revision 1 on two clusters
    await store.set_app_targets("app-0002", [(ids["east-stage-1"], "checkout"),
                                             (ids["east-gpu-1"], "checkout")])
    await store.add_revision(Revision("app-0002", 1, "main", "", "{}", "publish", "alice",
                                      NOW - 600))
    await store.set_revision_results("app-0002", 1, {"east-stage-1/checkout": ("Running", ""),
                                                     "east-gpu-1/checkout": ("Pending", "")})
    # shop: YAML template, two revisions on three clusters, deployed everywhere
    shop = ["east-prod-1/shop", "east-stage-1/shop", "east-dev-1/shop"]
    await store.add_app(App("app-0003", "inst-0001", "shop", "tpl-0004", "Shop front", 2,
                            "Deployed 3/3", NOW - 86400 * 6))
    await store.set_app_targets("app-0003", [(ids[x.split("/")[0]], "shop") for x in shop])
    for number, values, message, ago in ((1, {"greeting": "hello", "replicas": 1}, "publish",
                                          86400 * 6),
                                         (2, {"greeting": "hi", "replicas": 2}, "two replicas",
                                          86400)):
        text = "".join(f"{k}: {v}\n" for k, v in values.items())
        await store.add_revision(Revision("app-0003", number, "latest", text,
                                          await texts(services, values, shop), message, "carol",
                                          NOW - ago))
        await store.set_revision_results("app-0003", number, {x: (ok, "") for x in shop})
    await store.add_app(App("app-0004", "inst-0001", "batch-report", "tpl-0004", "", 0, "Draft",
                            NOW - 120))


@pytest.fixture
def apps_services(sync_services: Any, tmp_path: Path) -> Services:
    import asyncio

    s = sync_services()
    asyncio.run(seed_apps(s, tmp_path))
    return s


async def to_apps(pilot: Pilot[None], row: int = 0) -> AppsView:
    await pilot.press("5")
    view = pilot.app.main.query_one(AppsView)
    await until(pilot, lambda: view.loaded and len(view.rows) == 4, "apps listed")
    view.table.focus()
    view.table.move_cursor(row=row)
    await pilot.pause()
    return view


# the list sorts by name: batch-report, checkout, shop, web
SHOP, WEB_ROW = 2, 3


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_app_list(snap_compare: Any, apps_services: Services, make_app: Any,
                           lang: str) -> None:
    """App center: template + version, revision, targets, health coloured, status, created."""
    from ccseone_tui.i18n import set_language

    set_language(lang)
    assert snap_compare(make_app(apps_services), run_before=to_apps, terminal_size=SNAP)


def test_snapshot_app_detail_status(snap_compare: Any, apps_services: Services,
                                    make_app: Any) -> None:
    """Enter on shop: its targets live — two Unreachable (closed port), one Failed (no
    kubeconfig), the first target's resources and events below."""

    async def run_before(pilot: Pilot[None]) -> None:
        await to_apps(pilot, SHOP)
        await pilot.press("enter")
        screen = await on_screen(pilot, AppDetailScreen)
        pane = screen.query_one(AppStatusPane)
        await until(pilot, lambda: pane.status is not None and not pane.checking, "status")
        await pilot.pause()

    assert snap_compare(make_app(apps_services), run_before=run_before, terminal_size=SNAP)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_app_detail_history(snap_compare: Any, apps_services: Services,
                                     make_app: Any, lang: str) -> None:
    """web's History: three revisions (the current one marked), the last one's per-target
    results with the failure."""
    from ccseone_tui.i18n import set_language

    set_language(lang)

    async def run_before(pilot: Pilot[None]) -> None:
        view = await to_apps(pilot, WEB_ROW)
        await pilot.press("b")  # b on the list: the history, to pick the revision
        screen = await on_screen(pilot, AppDetailScreen)
        history = screen.query_one(AppHistoryPane)
        await until(pilot, lambda: len(history.rows) == 3, "history")
        history.query_one("#app-history").focus()
        await pilot.pause()
        assert view.loaded

    assert snap_compare(make_app(apps_services), run_before=run_before, terminal_size=SNAP)


async def open_upgrade(pilot: Pilot[None]) -> AppUpgradeScreen:
    await to_apps(pilot, SHOP)
    await pilot.press("u")
    screen = await on_screen(pilot, AppUpgradeScreen)
    plans = screen.query_one(AppPlanList)
    await until(pilot, lambda: len(plans.plans) == 3, "plan")
    await pilot.pause()
    return screen


def test_snapshot_upgrade_dialog(snap_compare: Any, apps_services: Services,
                                 make_app: Any) -> None:
    """u on shop: current version and values, the target clusters, Compare per target
    (unreachable targets still compare: the new side is rendered here)."""

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await open_upgrade(pilot)
        screen.query_one("#message", Input).value = "three replicas"
        screen.query_one("#version", Select).focus()  # no blinking cursor in the picture
        await pilot.pause()

    assert snap_compare(make_app(apps_services), run_before=run_before, terminal_size=SNAP)


def test_snapshot_publish_dialog(snap_compare: Any, apps_services: Services,
                                 make_app: Any) -> None:
    """c: template shop-web picked (its default values loaded), clusters by label selector
    env=prod (the pairs listed, PROD marked), and a YAML mistake named by line and column."""

    async def run_before(pilot: Pilot[None]) -> None:
        await to_apps(pilot)
        await pilot.press("c")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: bool(form.templates), "templates")
        form.query_one("#name", Input).value = "shop-eu"
        form.query_one("#template", Select).value = "shop-web"
        editor = form.query_one("#values", TextArea)
        await until(pilot, lambda: "greeting" in editor.text, "defaults")
        editor.load_text(editor.text + "replicas: [2\n")
        form.query_one("#pick", Select).value = "labels"
        await pilot.pause()
        form.query_one("#selector", Input).value = "env=prod"
        form.query_one("#namespace", Input).value = "shop"
        await pilot.pause()
        form.query_one("#pick", Select).focus()  # no blinking cursor in the picture
        await pilot.pause()

    assert snap_compare(make_app(apps_services), run_before=run_before, terminal_size=SNAP)


async def test_unreachable_target_retry_and_forced_conflict(
        live: tuple[Services, SandboxFleet]) -> None:
    """A target whose cluster is down: marked Unreachable while the others show Deployed;
    the upgrade goes Partial, and Retry (from its results) finishes it once the cluster is
    back. Then fields edited by another manager: the upgrade dialog names the conflict and
    Force takes them over."""
    from ccseone_tui.domain.apps import PublishRequest

    services, fleet = live
    targets = [AppTarget(c.name, "default") for c in fleet.clusters]
    await services.apps.publish("east", PublishRequest("web", "web", None, "greeting: v1\n",
                                                       targets=targets), confirm=PROD)
    down = fleet.clusters[2]
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        view = app.main.query_one(AppsView)
        await until(pilot, lambda: len(view.rows) == 1, "app listed")
        view.table.focus()
        await down.set_outage(True)

        # status: the dead target is marked, the others answer
        await pilot.press("enter")
        detail = await on_screen(pilot, AppDetailScreen)
        status = detail.query_one(AppStatusPane)
        await until(pilot, lambda: status.status is not None, "live status")
        states = {r.target.cluster: r.state.value for r in status.status.targets}
        assert states[down.name] == "Unreachable"
        assert {states[c.name] for c in fleet.clusters if c is not down} <= {
            "Deployed", "Progressing"}

        # upgrade with the cluster down: Partial; retry once it is back
        await pilot.press("u")
        up = await on_screen(pilot, AppUpgradeScreen)
        await until(pilot, lambda: len(up.query_one(AppPlanList).plans) == 3, "plan")
        up.query_one("#values", TextArea).load_text("greeting: v2\n")
        up.query_one("#typed-production", Input).value = PROD
        await click(pilot, "#submit")
        result = await on_screen(pilot, AppTaskScreen, "partial results")
        assert result.task_record.status is TaskStatus.PARTIAL
        await down.set_outage(False)
        await click(pilot, "#retry")
        confirm = await on_screen(pilot, ConfirmScreen, "retry confirmation")
        assert down.name in confirm._body
        await click(pilot, "#confirm-yes")
        await until(pilot, lambda: isinstance(app.screen, AppTaskScreen)
                    and app.screen.task_record.id != result.task_record.id, "retry results")
        retried = app.screen.task_record
        assert [r.target for r in retried.results] == [f"{down.name}/default"]
        assert retried.status is TaskStatus.SUCCEEDED
        await click(pilot, "#close")
        await on_screen(pilot, AppDetailScreen)

        # another manager edits a field: the upgrade names the conflict, Force takes it over
        client = await services.clusters.client(await services.clusters.get("sandbox-2"))
        await client.merge_patch("v1", "ConfigMap", "web-config",
                                 {"data": {"greeting": "edited"}}, namespace="default",
                                 field_manager="kubectl-edit")
        await pilot.press("u")
        up = await on_screen(pilot, AppUpgradeScreen)
        await until(pilot, lambda: len(up.query_one(AppPlanList).plans) == 3, "plan")
        up.query_one("#values", TextArea).load_text("greeting: v3\n")
        up.query_one("#typed-production", Input).value = PROD
        await click(pilot, "#submit")
        force = up.query_one("#force", Button)
        await until(pilot, lambda: force.display, "force offered")
        assert "kubectl-edit" in up.query_one("#form-error", FormError).text
        up.action_plan()  # a comparison after the refusal (an edit's replan) keeps it shown
        await settle(pilot)
        assert "kubectl-edit" in up.query_one("#form-error", FormError).text
        await click(pilot, "#force")  # Force is the confirmation: the same typed name goes
        await finish_task(pilot)
        live_cm = await client.get("v1", "ConfigMap", "web-config", namespace="default")
        assert live_cm["data"]["greeting"] == "v3"


async def test_publish_refusals_and_draft(live: tuple[Services, SandboxFleet]) -> None:
    """The publish dialog names what is wrong at its field (name, targets, a namespace per
    cluster for a cluster not picked, a name already used); Save draft keeps it for later,
    and u on the draft opens it filled in, to publish."""
    services, _ = live
    app = CcseoneApp(services, live_probes=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        view = app.main.query_one(AppsView)
        await pilot.press("c")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: form.templates, "templates listed")
        error = form.query_one("#form-error", FormError)

        form.query_one("#name", Input).value = "Web_1"
        await pilot.pause()
        assert "Web_1" in error.text and form.query_one("#name").has_class("-invalid")
        form.query_one("#name", Input).value = "web"
        form.query_one("#template", Select).value = "web"
        editor = form.query_one("#values", TextArea)
        await until(pilot, lambda: "greeting" in editor.text, "default values loaded")
        await click(pilot, "#submit")
        assert "none picked" in error.text  # no target yet
        # the refusal focuses the cluster list: keys pick from its first cluster on
        assert form.focused is form.query_one(SelectionList)
        await pilot.press("down", "space")
        assert form.query_one(SelectionList).selected == ["sandbox-2"]
        form.query_one("#ns-overrides", Input).value = "sandbox-3=other"
        await pilot.pause()
        await click(pilot, "#submit")
        assert "sandbox-3" in error.text and "picked" in error.text
        assert isinstance(app.screen, AppPublishScreen)  # nothing asked, nothing published
        form.query_one("#ns-overrides", Input).value = "sandbox-2=default"
        form.query_one("#description", Input).value = "for later"
        await click(pilot, "#draft")
        await until(pilot, lambda: app.screen is app.main, "draft saved")
        await until(pilot, lambda: len(view.rows) == 1, "draft listed")
        [row] = view.rows.values()
        assert row.app.status == "Draft" and row.app.description == "for later"

        # u on the draft: the publish dialog, filled in
        view.table.focus()
        await pilot.press("u")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: form.query_one("#name", Input).value == "web", "draft shown")
        picker = form.query_one(AppTargetPicker)
        await until(pilot, lambda: [p.key for p in picker.pairs] == ["sandbox-2/default"],
                    "draft targets")
        assert form.query_one("#description", Input).value == "for later"
        await click(pilot, "#submit")
        await on_screen(pilot, ConfirmScreen, "non-production: a plain confirmation")
        await click(pilot, "#confirm-yes")
        await finish_task(pilot)
        await settle(pilot)
        await until(pilot, lambda: next(iter(view.rows.values())).app.current_revision == 1,
                    "published")

        # the same name again is refused at the name field
        await pilot.press("c")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: form.templates, "templates listed")
        form.query_one("#name", Input).value = "web"
        form.query_one("#template", Select).value = "web"
        await until(pilot, lambda: "greeting" in form.query_one("#values", TextArea).text,
                    "defaults")
        form.query_one(SelectionList).select("sandbox-3")
        await pilot.pause()
        await click(pilot, "#submit")
        await on_screen(pilot, ConfirmScreen)
        await click(pilot, "#confirm-yes")
        form = await on_screen(pilot, AppPublishScreen)
        await until(pilot, lambda: not form.busy, "refused")
        assert "web" in form.query_one("#form-error", FormError).text
        assert form.query_one("#name").has_class("-invalid")

"""The TUI of ``ocm`` instances (issue #9), against a sandbox OCM hub over real HTTP.

The hub check in the instance form, the hub's info in the instance detail, the Access
clusters list following the hub live (awaiting acceptance, stale when the hub is lost),
``A``/``N`` (typed confirmation for production), ``c`` with the join instructions, the
cluster detail's hub facts and direct access (``m`` maps a context), and a delete stopped by
a ManifestWork stuck on its finalizer — through keys, as a user would. Waits follow the
hub's events (``until`` on what the screen shows), never sleeps.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Select, Static, TextArea

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import ClusterStatus, ControlInstance, Engine
from ccseone_tui.i18n import t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.services import Services, open_services
from ccseone_tui.ui import ocm_actions
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.cluster_create import ClusterCreateScreen
from ccseone_tui.ui.screens.cluster_detail import ClusterDetailScreen
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.instance_detail import InstanceDetailScreen
from ccseone_tui.ui.screens.instance_form import InstanceFormScreen
from ccseone_tui.ui.screens.join_instructions import JoinInstructionsScreen
from ccseone_tui.ui.screens.map_context import MapContextScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.views.clusters import ClustersView
from ccseone_tui.ui.widgets.cluster_hub import ClusterHubInfo
from ccseone_tui.ui.widgets.form import FormError

from .pilot_helpers import settle, until

SIZE = (140, 40)


def settings(tmp_path: Path, fleet: SandboxFleet) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                    connect_timeout=1.0, read_timeout=3.0, theme="textual-dark")


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=2, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        yield f


@pytest.fixture
async def svc(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path, fleet), user="oncall")
    yield s
    await s.close()


async def hub_instance(services: Services) -> ControlInstance:
    return await services.instances.create("hub-east", "cn-east-1", engine=Engine.OCM,
                                           hub_context="hub", deletion_protection=False)


def make(services: Services) -> CcseoneApp:
    return CcseoneApp(services, live_probes=False)


def plain(widget: Static) -> str:
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def notes(app: CcseoneApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


def view(app: CcseoneApp) -> ClustersView:
    return app.main.view("clusters")


def status_line(app: CcseoneApp) -> str:
    return plain(view(app).query_one(".view-status", Static))


def row_status(app: CcseoneApp, name: str) -> ClusterStatus | None:
    row = next((c for c in view(app).rows.values() if c.name == name), None)
    return None if row is None else row.probe.status


# ---- control instances -------------------------------------------------------------------


async def test_instance_form_checks_the_hub_and_creates_an_ocm_instance(
        svc: Services) -> None:
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, InstanceFormScreen)
        assert not form.query_one("#hub-context-row").display  # local: no hub fields
        await pilot.press(*"hub-east")
        form.query_one("#engine", Select).value = "ocm"
        await pilot.pause()
        assert form.query_one("#hub-context-row").display
        contexts = form.query_one("#hub-context", Select)
        assert {"hub", "sandbox-1"} <= {v for _label, v in contexts._options}
        # no context chosen: named in the error line, nothing saved
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert t("ocm_ui.field.hub_context") in plain(form.query_one(FormError))
        # a member's context is no hub: the refusal names the fix, the form stays open
        contexts.value = "sandbox-1"
        await pilot.press("ctrl+s")  # no confirm step: the hub check runs at once
        await settle(pilot)
        assert app.screen is form
        assert "clusteradm init" in plain(form.query_one(FormError))
        assert await svc.instances.list() == []
        # the hub's context: checked and saved
        contexts.value = "hub"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        inst = await svc.instances.get("hub-east")
        assert (inst.engine, inst.hub_context) == (Engine.OCM, "hub")


async def test_instance_detail_shows_the_hub(svc: Services, fleet: SandboxFleet) -> None:
    await hub_instance(svc)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InstanceDetailScreen)
        await until(pilot, lambda: fleet.hub.url in plain(screen.query_one("#hub-info", Static)),
                    "the hub's info")
        info = plain(screen.query_one("#hub-info", Static))
        assert "v1.0.0" in info and "cluster-manager-registration-controller" in info
        assert t("ocm_ui.hub.healthy") in info


# ---- the live list, accept and deny -------------------------------------------------------


async def test_list_follows_the_hub_and_A_accepts(svc: Services, fleet: SandboxFleet) -> None:
    await hub_instance(svc)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: view(app).following(), "the hub followed")
        await fleet.join("sandbox-1")  # clusteradm join by someone; nobody accepted it
        await until(pilot, lambda: row_status(app, "sandbox-1")
                    is ClusterStatus.AWAITING_ACCEPTANCE, "awaiting acceptance")
        assert t("ocm_ui.awaiting", count=1) in status_line(app)
        active = app.main.active_bindings  # shown in the footer on an ocm instance
        assert active["A"].enabled and active["N"].enabled
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "sandbox-1" in notes(app)
        await until(pilot, lambda: row_status(app, "sandbox-1") is ClusterStatus.READY,
                    "accepted and available")
        assert t("ocm_ui.awaiting", count=1) not in status_line(app)
        assert t("ocm_ui.live") in status_line(app)


async def test_N_denies_after_a_question(svc: Services, fleet: SandboxFleet) -> None:
    await hub_instance(svc)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fleet.join("sandbox-2")
        await until(pilot, lambda: row_status(app, "sandbox-2")
                    is ClusterStatus.AWAITING_ACCEPTANCE, "awaiting acceptance")
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # changed my mind: nothing happens
        await settle(pilot)
        assert row_status(app, "sandbox-2") is ClusterStatus.AWAITING_ACCEPTANCE
        await pilot.press("N")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "sandbox-2") is ClusterStatus.DENIED,
                    "denied")


async def test_accepting_a_production_cluster_needs_its_name_typed(
        svc: Services, fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await svc.registration.create(inst.id, "edge-prod", labels={"env": "prod"})
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fleet.join("sandbox-1", cluster_name="edge-prod")
        await until(pilot, lambda: row_status(app, "edge-prod")
                    is ClusterStatus.AWAITING_ACCEPTANCE, "awaiting acceptance")
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, TypedConfirmScreen)
        await pilot.press(*"edge-prod", "enter")
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "edge-prod") is ClusterStatus.READY,
                    "accepted")


async def test_a_lost_hub_marks_the_list_stale(svc: Services, fleet: SandboxFleet) -> None:
    await hub_instance(svc)
    await fleet.join("sandbox-1", accept=True)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "sandbox-1") is not None, "the row")
        await fleet.hub.set_outage(True)
        try:
            await until(pilot, lambda: t("ocm_ui.stale", cause="")[:12] in status_line(app),
                        "the stale marker")
            assert row_status(app, "sandbox-1") is not None  # the cached row stays
        finally:
            await fleet.hub.set_outage(False)
        await until(pilot, lambda: t("ocm_ui.live") in status_line(app), "live again")
        # leaving the section stops the follow
        await pilot.press("3")
        await settle(pilot)
        assert not view(app).following()


# ---- create, join instructions -----------------------------------------------------------


async def test_create_on_a_hub_shows_the_join_instructions(svc: Services) -> None:
    await hub_instance(svc)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClusterCreateScreen)
        assert not form.query_one("#api-server-row").display  # the agent reports it
        await pilot.press(*"edge-1")
        form.query_one("#labels", Input).value = "team=sre"
        await pilot.press("ctrl+s")
        await settle(pilot)
        join = app.screen
        assert isinstance(join, JoinInstructionsScreen)
        await until(pilot, lambda: "clusteradm join" in join.query_one(TextArea).text,
                    "the join command")
        text = join.query_one(TextArea).text
        assert "--cluster-name edge-1" in text and "klusterlet-values" in text
        assert "ccseone-node-type: edge" in text
        assert t("ocm_ui.join.expires", when="")[:10] in plain(join.query_one("#join-expiry"))
        await pilot.press("y")
        assert t("ocm_ui.join.copied") in notes(app)
        await pilot.press("escape")
        await settle(pilot)
        cluster = await svc.clusters.get("edge-1")
        assert cluster.labels.get("team") == "sre"
        assert cluster.probe.status is ClusterStatus.WAITING


# ---- cluster detail ----------------------------------------------------------------------


async def test_detail_shows_the_hub_facts_and_why_there_is_no_direct_access(
        svc: Services, fleet: SandboxFleet) -> None:
    await hub_instance(svc)
    await fleet.join("sandbox-1", accept=True)
    await (await fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for("Available")
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "sandbox-1") is ClusterStatus.READY,
                    "ready")
        view(app).focus_content()  # the list was empty at start: focus was on the sidebar
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ClusterDetailScreen)
        hub = detail.query_one(ClusterHubInfo)
        await until(pilot, lambda: "map-context" in plain(hub), "the direct access line")
        facts = plain(hub)
        assert "ManagedClusterJoined" in facts and fleet["sandbox-1"].url in facts
        assert "id.k8s.io=sandbox-1" in facts
        # Logs: the reason and both fixes, no error toast
        await pilot.press("right", "right")
        await settle(pilot)
        assert detail.query_one("#cluster-tabs").active == "logs"
        note = detail.query_one("#logs-access", Static)
        await until(pilot, lambda: note.display, "the direct access note")
        assert "managed-serviceaccount" in plain(note)
        assert "failed" not in notes(app).lower()
        # m maps the member's kubeconfig context: then it is reached through it
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MapContextScreen)
        app.screen.query_one("#context", Select).value = "sandbox-1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert (await svc.clusters.get("sandbox-1")).context == "sandbox-1"
        await until(pilot, lambda: t("ocm_ui.access.context", context="sandbox-1",
                                     file=str(fleet.kubeconfig_path)) in plain(hub),
                    "reached through the context")


async def test_delete_stopped_by_a_stuck_work_offers_finalizer_removal(
        svc: Services, fleet: SandboxFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocm_actions, "DELETE_WAIT", 0.3)
    await hub_instance(svc)
    await fleet.join("sandbox-1", accept=True)
    await (await fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for("Available")
    fleet.hub.writes.create(MANIFEST_WORKS.type(), "sandbox-1", {"metadata": {
        "name": "app-shop", "finalizers": [
            "cluster.open-cluster-management.io/manifest-work-cleanup"]},
        "spec": {"workload": {"manifests": []}}}, None)
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "sandbox-1") is ClusterStatus.READY,
                    "ready")
        await svc.clusters.edit("sandbox-1", deletion_protection=False)
        await settle(pilot)
        # the member is gone: its work agent cannot clean up, the finalizer stays
        await fleet["sandbox-1"].set_outage(True)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen)
                    and "app-shop" in plain(app.screen.query_one(".confirm-body", Static)),
                    "the stuck works")
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: "clusteradm unjoin" in notes(app), "the cleanup commands")
        assert [c.name for c in await svc.clusters.list()] == []


# ---- help and palette --------------------------------------------------------------------


async def test_help_and_palette_name_the_hub_keys(svc: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.ui.console_help import console_commands, console_key_groups

    await hub_instance(svc)
    await fleet.join("sandbox-1")
    app = make(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: row_status(app, "sandbox-1") is not None, "the row")
        keys = {k for _title, rows in console_key_groups() for k, _ in rows}
        assert {"A", "N", "m"} <= keys
        titles = [c[0] for c in console_commands(app)]
        assert t("ocm_ui.palette.accept", name="sandbox-1") in titles
        assert t("ocm_ui.palette.join", name="sandbox-1") in titles


# ---- snapshots (EN and zh_CN) --------------------------------------------------------------
# Deterministic: frozen clock, UTC, the ocm instance and its clusters seeded in the cache,
# no hub followed (follow_members=False); what the hub would answer live (details, join
# instructions, direct access) is given as fixed values at the service boundary.

NOW = 1_750_000_000.0
HUB = "inst-0a01"
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- {name: hub, cluster: {server: "https://hub.example.test:6443"}}
- {name: edge-1, cluster: {server: "https://edge-1.example.test:6443"}}
contexts:
- {name: hub, context: {cluster: hub, user: admin}}
- {name: edge-1, context: {cluster: edge-1, user: admin}}
current-context: hub
users:
- {name: admin, user: {token: not-a-secret}}
"""


def _seed_hub(services: Services) -> None:
    import asyncio

    from ccseone_tui.domain.models import ClusterProbe, ClusterSource, MemberCluster

    def probe(status: ClusterStatus, version: str | None = "v1.30.4",
              error: str | None = None) -> ClusterProbe:
        return ClusterProbe(status=status, version=version, last_seen=NOW - 30 if version
                            else None, probed_at=NOW - 5, error=error)

    rows = [
        ("cls-0a01", "edge-beijing-1", {"env": "prod", "region": "cn-north-1"},
         probe(ClusterStatus.READY)),
        ("cls-0a02", "edge-shanghai-2", {"env": "staging"}, probe(ClusterStatus.READY)),
        ("cls-0a03", "edge-wuhan-3", {}, probe(ClusterStatus.AWAITING_ACCEPTANCE, None)),
        ("cls-0a04", "edge-xian-4", {"env": "dev"}, probe(
            ClusterStatus.OFFLINE, error="lease not renewed for 300s: agent gone?")),
        ("cls-0a05", "edge-chengdu-5", {}, probe(ClusterStatus.WAITING, None)),
    ]

    async def go() -> None:
        await services.store.add_instance(ControlInstance(
            id=HUB, name="hub-east", region="cn-east-1", engine=Engine.OCM,
            hub_context="hub", hub_kubeconfig="/etc/ccseone/hub.kubeconfig",
            description="OCM hub, east", created_at=NOW - 86400 * 10))
        for cid, name, labels, p in rows:
            await services.store.add_cluster(MemberCluster(
                id=cid, name=name, instance_id=HUB, region="cn-east-1",
                source=ClusterSource.REGISTERED,
                api_server="" if p.version is None else f"https://{name}.example.test:6443",
                labels={**labels, "cluster.open-cluster-management.io/clusterset": "default"},
                created_at=NOW - 86400, probe=p))

    asyncio.run(go())


@pytest.fixture
def hub_app(tmp_path: Path, sync_services):  # type: ignore[no-untyped-def]
    """An app on a seeded ocm instance (not followed), its kubeconfig two fixed contexts."""
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG)

    def factory() -> CcseoneApp:
        services = sync_services(seed=False, kubeconfig=str(config))
        _seed_hub(services)
        return CcseoneApp(services, clock=lambda: NOW, live_probes=False,
                          follow_members=False)

    return factory


def _details():  # type: ignore[no-untyped-def]
    from ccseone_tui.domain.members import Condition, MemberDetails, PendingRequest

    return MemberDetails(
        on_hub=True, accepts_client=False,
        conditions=[
            Condition("HubAcceptedManagedCluster", "False", "HubClusterAdminDenied",
                      "Waiting for the hub's admin to accept the cluster",
                      "2025-06-15T14:58:00Z"),
            Condition("ManagedClusterJoined", "False", "ManagedClusterNotJoined",
                      "Managed cluster has not joined yet", "2025-06-15T14:58:00Z"),
        ],
        claims={"id.k8s.io": "edge-wuhan-3", "platform.open-cluster-management.io": "K3s"},
        capacity={"cpu": "8", "memory": "32Gi"}, allocatable={"cpu": "7600m",
                                                              "memory": "30Gi"},
        taints=[{"key": "cluster.open-cluster-management.io/unreachable",
                 "effect": "NoSelect"}],
        cluster_set="default", client_urls=["https://10.20.0.3:6443"],
        pending=[PendingRequest("edge-wuhan-3-x7k2q", "system:serviceaccount:open-cluster-"
                                "management:agent-registration-bootstrap",
                                "2025-06-15T14:58:10Z")],
        created_by_ccseone=True)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_ocm_instance_form(snap_compare, hub_app, lang: str) -> None:  # type: ignore[no-untyped-def]
    """``1`` ``n`` on the instances: engine ocm, the hub's context picked from kubeconfig."""
    from ccseone_tui.i18n import set_language

    set_language(lang)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("1", "n", *"hub-west")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#engine", Select).value = "ocm"
        await until(pilot, lambda: len(form.query_one("#hub-context", Select)._options) > 1,
                    "the contexts")
        form.query_one("#hub-context", Select).value = "hub"
        form.query_one("#hub-context", Select).focus()  # no blinking cursor in the picture
        await settle(pilot)

    assert snap_compare(hub_app(), run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_ocm_cluster_list(snap_compare, hub_app, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Access clusters of an ocm instance: one awaiting acceptance, the hint, A/N keys."""
    from ccseone_tui.i18n import set_language

    set_language(lang)
    assert snap_compare(hub_app(), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_ocm_cluster_detail(snap_compare, hub_app, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Enter on the cluster awaiting acceptance: the record, then the hub's facts."""
    from unittest import mock

    from ccseone_tui.domain.member_errors import DirectAccessUnavailable
    from ccseone_tui.i18n import set_language

    set_language(lang)
    app = hub_app()

    async def details(_cluster):  # type: ignore[no-untyped-def]
        return _details()

    async def client(cluster):  # type: ignore[no-untyped-def]
        raise DirectAccessUnavailable(cluster=cluster.name, feature=t("access.features"))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # sorted by name: wuhan is 4th
        await settle(pilot)
        await until(pilot, lambda: "map-context" in plain(
            pilot.app.screen.query_one(ClusterHubInfo)), "the hub facts")
        pilot.app.screen.query_one(ClusterHubInfo).scroll_visible(top=True, animate=False)
        await pilot.pause()

    with mock.patch.object(app.services.members, "details", details), \
            mock.patch.object(app.services.clusters, "client", client):
        assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot_join_instructions(snap_compare, hub_app, lang: str) -> None:  # type: ignore[no-untyped-def]
    """After ``c`` on an ocm instance: clusteradm join, the values file, expiry, then A."""
    from unittest import mock

    from ccseone_tui.domain.members import JoinInstructions
    from ccseone_tui.i18n import set_language

    set_language(lang)
    app = hub_app()
    name = "edge-chengdu-5"
    instructions = JoinInstructions(
        cluster=name,
        command=(f"clusteradm join --hub-token eyJhbGciOiJSUzI1NiIsImtpZCI6ImV4YW1wbGUifQ.fixed"
                 f" --hub-apiserver https://hub.example.test:6443 --cluster-name {name}"
                 f" --klusterlet-values-file {name}-klusterlet-values.yaml --wait"),
        files={f"{name}-klusterlet-values.yaml": "klusterlet:\n  nodePlacement:\n"
               "    nodeSelector:\n      ccseone-node-type: edge\n"},
        expires_at=NOW + 86400, then=t("hub.join.then", cluster=name))

    async def join(_cluster):  # type: ignore[no-untyped-def]
        return instructions

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        cluster = next(c for c in view(pilot.app).rows.values() if c.name == name)
        ocm_actions.show_join(pilot.app, cluster)
        await settle(pilot)
        await until(pilot, lambda: "clusteradm" in pilot.app.screen.query_one(TextArea).text,
                    "the instructions")

    with mock.patch.object(app.services.registration, "join_instructions", join):
        assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

"""The Namespaces section through the screens, against sandbox clusters over real HTTP.

A real ``Services`` on a tmp SQLite cache whose kubeconfig is the sandbox fleet's: create
with validation messages under their fields, edit, drift made by hand, check, repair,
adopt, a cluster leaving the selection, delete with typed confirmation — through keys, as
a user would. Then SVG snapshots of the list, the detail and the form on the seeded test
fleet (frozen clock, fixed ids, sync states seeded through the store).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select, Static

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.i18n import set_language, t
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.console_help import console_commands, console_key_groups
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.namespace_delete import NamespaceDeleteScreen
from ccseone_tui.ui.screens.namespace_detail import NamespaceDetailScreen
from ccseone_tui.ui.screens.namespace_form import NamespaceFormScreen
from ccseone_tui.ui.screens.namespace_leaving import NamespaceLeavingScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.views.namespaces import NamespacesView
from ccseone_tui.ui.widgets.namespace_tasks import NamespaceTasksPane

from .pilot_helpers import settle, until

SIZE = (140, 40)
PROD_CLUSTER = "sandbox-3"


def settings(tmp_path: Path, fleet: SandboxFleet, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=str(fleet.kubeconfig_path),
                    connect_timeout=1.0, read_timeout=3.0, theme="textual-dark",
                    **kw)  # type: ignore[arg-type]


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=3, nodes=1, log_rate=1.0) as f:
        yield f


async def associate(s: Services, fleet: SandboxFleet) -> None:
    """Instance ``hub`` with the three clusters; sandbox-3 is production (env=prod)."""
    await s.instances.create("hub", "cn-east-1")
    await s.clusters.associate("hub", [
        AssociateRequest(context=c.name, deletion_protection=False,
                         labels={"env": "prod"} if c.name == PROD_CLUSTER else {"env": "dev"})
        for c in fleet])


@pytest.fixture
async def live(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path, fleet), user="oncall")
    await associate(s, fleet)
    yield s
    await s.close()


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


async def client_of(services: Services, cluster: str) -> Any:
    return await services.clusters.client(await services.clusters.get(cluster))


async def live_labels(services: Services, cluster: str, name: str) -> dict[str, str]:
    ns = await (await client_of(services, cluster)).get("v1", "Namespace", name)
    return dict(ns["metadata"].get("labels") or {})


async def gone_or_going(services: Services, cluster: str, name: str) -> bool:
    """Deleted there: already gone, or Terminating (the namespace controller empties it)."""
    try:
        ns = await (await client_of(services, cluster)).get("v1", "Namespace", name)
    except ResourceNotFound:
        return True
    return bool(ns["metadata"].get("deletionTimestamp"))


def row_text(app: CcseoneApp, row_key: str) -> str:
    table = app.main.query_one("#namespaces-table", DataTable)
    return " ".join(getattr(c, "plain", str(c)) for c in table.get_row(row_key))


def fill(screen: Any, **values: str) -> None:
    for field, value in values.items():
        screen.query_one(f"#{field}", Input).value = value


async def type_confirmation(pilot: Pilot[None], text: str) -> None:
    assert isinstance(pilot.app.screen, TypedConfirmScreen), pilot.app.screen
    await pilot.press(*text, "enter")
    await settle(pilot)


async def namespaces_section(pilot: Pilot[None]) -> NamespacesView:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    view = pilot.app.main.view("namespaces")  # type: ignore[attr-defined]
    assert isinstance(view, NamespacesView)
    return view


async def test_create_edit_drift_repair_delete(live: Services) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        view = await namespaces_section(pilot)
        assert not view.rows

        # create: the wrong values are reported under their own fields
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NamespaceFormScreen)
        assert "3" in plain(form.query_one("#matches", Static))  # all clusters: 3 match
        fill(form, name="default", cpu_limit="4GB")
        await pilot.pause()
        assert "reserved" in plain(form.query_one("#name-error", Static))
        assert "4GB" in plain(form.query_one("#cpu_limit-error", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # the service refused: nothing created
        assert "'default'" in plain(form.query_one("#name-error", Static))
        fill(form, name="payments")
        await pilot.pause()
        assert plain(form.query_one("#name-error", Static)) == ""
        await pilot.press("ctrl+s")  # the service names the CPU limit now
        await settle(pilot)
        assert app.screen is form
        assert "cpu_limit" in plain(form.query_one("#cpu_limit-error", Static))
        assert await live.namespaces.list_status("hub") == []
        fill(form, cpu_limit="2", memory_limit="4Gi", labels="team=pay", priority="500")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_confirmation(pilot, PROD_CLUSTER)  # sandbox-3 is production
        # the result: a notification and the namespace's detail, 3/3 synced
        detail = app.screen
        assert isinstance(detail, NamespaceDetailScreen)
        assert "Namespace payments created: 3/3 clusters" in notes(app)
        await until(pilot, lambda: detail.status is not None, "the detail's states")
        assert detail.status is not None and detail.status.summary == "3/3"
        assert "3/3 synced" in plain(detail.query_one("#ns-sync-title", Static))
        for cluster in ("sandbox-1", "sandbox-2", PROD_CLUSTER):
            labels = await live_labels(live, cluster, "payments")
            assert labels["team"] == "pay" and labels["ccseone.io/task-priority"] == "500"
        await pilot.press("escape")
        await settle(pilot)
        [status] = await live.namespaces.list_status("hub")
        key = status.namespace.id
        await until(pilot, lambda: key in view.rows, "the new row")
        assert "3/3 synced" in row_text(app, key)

        # edit the labels: propagated to every cluster
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NamespaceFormScreen)
        assert form.query_one("#labels", Input).value == "team=pay"
        fill(form, labels="team=pay,tier=web")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_confirmation(pilot, PROD_CLUSTER)
        assert "Namespace payments saved: 3/3 clusters" in notes(app)
        assert isinstance(app.screen, NamespaceDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        for cluster in ("sandbox-1", "sandbox-2", PROD_CLUSTER):
            assert (await live_labels(live, cluster, "payments"))["tier"] == "web"

        # the palette and F1 know the namespace; s sorts by name next
        titles = [title for title, _, _ in console_commands(app)]
        assert "Open namespace payments" in titles and "Create namespace" in titles
        assert any(title == "Namespaces" for title, _ in console_key_groups())
        await pilot.press("s")
        assert view.sort == "name" and "by name" in view.status_text()

        # drift by hand on sandbox-1; ctrl+r checks every cluster and shows it
        client = await client_of(live, "sandbox-1")
        await client.merge_patch("v1", "Namespace", "payments",
                                 {"metadata": {"labels": {"team": "other"}}})
        await pilot.press("ctrl+r")
        await settle(pilot)
        await until(pilot, lambda: view.rows[key].synced == 2, "the check's answer")
        assert "2/3 synced · 1 Drifted" in row_text(app, key)
        drifted = {c.cluster.name: c for c in view.rows[key].clusters}["sandbox-1"]
        assert drifted.state is SyncState.DRIFTED and "team" in drifted.message

        # R repairs the drifted cluster only (not production: a plain yes)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "sandbox-1" in plain(app.screen.query_one(".confirm-body", Static))
        await pilot.press("y")
        await settle(pilot)
        assert "Namespace payments repaired: 1/1 clusters" in notes(app)
        assert (await live_labels(live, "sandbox-1", "payments"))["team"] == "pay"
        assert isinstance(app.screen, NamespaceDetailScreen)
        await until(pilot, lambda: app.screen.status is not None  # type: ignore[attr-defined]
                    and app.screen.status.summary == "3/3", "the repaired states")
        # drift again, repaired from the detail: its task list shows that new repair's
        # results, not the older task the cursor was on
        detail = app.screen
        first = detail.query_one(NamespaceTasksPane).current()
        await client.merge_patch("v1", "Namespace", "payments",
                                 {"metadata": {"labels": {"team": "again"}}})
        await pilot.press("ctrl+r")
        await settle(pilot)
        await until(pilot, lambda: detail.status.summary == "2/3", "the drift seen")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        pane = detail.query_one(NamespaceTasksPane)
        await until(pilot, lambda: pane.current() is not None and first is not None
                    and pane.current().id != first.id, "the new repair highlighted")
        assert pane.current().kind == "namespace.repair"  # type: ignore[union-attr]
        assert "sandbox-1" in plain(pane.query_one("#ns-task-results", Static))
        await pilot.press("escape")
        await settle(pilot)
        await until(pilot, lambda: view.rows[key].synced == 3, "the list to re-read")

        # delete: what it holds, the namespace's name and the production cluster typed
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NamespaceDeleteScreen)
        assert "destroys everything in it" in plain(dialog.query_one(".prod-warning", Static))
        delete = dialog.query_one("#confirm-yes", Button)
        fill(dialog, **{"typed-namespace": "payments"})
        await pilot.pause()
        assert delete.disabled  # the production cluster is still to be typed
        fill(dialog, **{"typed-production": PROD_CLUSTER})
        await pilot.pause()
        assert not delete.disabled
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert app.screen is app.main
        assert "Namespace payments deleted: 3/3 clusters" in notes(app)
        await until(pilot, lambda: not view.rows, "the row to go")
        assert await live.namespaces.list_status("hub") == []
        for cluster in ("sandbox-1", "sandbox-2", PROD_CLUSTER):
            assert await gone_or_going(live, cluster, "payments")


async def test_adopt_and_a_cluster_leaving_the_selection(live: Services) -> None:
    """A namespace made by hand on sandbox-2 is adopted after a yes; narrowing the selector
    asks about the cluster that leaves, and "delete there" deletes it there only."""
    hand = await client_of(live, "sandbox-2")
    await hand.create({"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"name": "legacy", "labels": {"owner": "bob"}}},
                      field_manager="kubectl")
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        view = await namespaces_section(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NamespaceFormScreen)
        form.query_one("#source", Select).value = "selector"
        await pilot.pause()
        fill(form, name="legacy", selector="env=dev")
        await until(pilot, lambda: "2" in plain(form.query_one("#matches", Static)),
                    "the matches hint")
        assert "sandbox-1, sandbox-2" in plain(form.query_one("#matches", Static))
        fill(form, selector="env=nowhere")
        await until(pilot, lambda: "no cluster" in plain(form.query_one("#matches", Static)),
                    "the no-match warning")
        fill(form, selector="env=dev")
        await pilot.press("ctrl+s")  # no production cluster selected: no typed name
        await settle(pilot)
        adopt = app.screen
        assert isinstance(adopt, ConfirmScreen) and adopt.id == "ns-adopt"
        await pilot.press("y")
        await settle(pilot)
        assert "Namespace legacy adopted: 1/1 clusters" in notes(app)
        assert isinstance(app.screen, NamespaceDetailScreen)
        labels = await live_labels(live, "sandbox-2", "legacy")
        assert labels["ccseone.io/instance"] == "hub" and labels["owner"] == "bob"
        status = await live.namespaces.check("hub", "legacy")
        assert status.summary == "2/2"

        # narrow the selector to sandbox-1: sandbox-2 leaves; delete it there
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NamespaceFormScreen)
        cluster = await live.clusters.get("sandbox-1")
        await live.clusters.edit(cluster.id, labels={"env": "dev", "pick": "me"})
        fill(form, selector="pick=me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        leaving = app.screen
        assert isinstance(leaving, NamespaceLeavingScreen)
        assert "sandbox-2" in plain(leaving.query_one("#leaving-clusters", Static))
        await pilot.press("x")
        await settle(pilot)
        assert "Namespace legacy saved: 2/2 clusters" in notes(app)
        assert await gone_or_going(live, "sandbox-2", "legacy")
        assert not await gone_or_going(live, "sandbox-1", "legacy")
        await pilot.press("escape")
        await settle(pilot)
        await until(pilot, lambda: len(view.rows) == 1, "the list")
        assert [c.cluster.name for c in next(iter(view.rows.values())).clusters] == [
            "sandbox-1"]


async def test_cluster_down_then_retry_the_failed_one(live: Services,
                                                       fleet: SandboxFleet) -> None:
    """One cluster down during the create: the others are done, the task is partial, the
    detail shows it Unreachable; ``f`` retries that cluster only once it is back."""
    await fleet["sandbox-2"].set_outage(True)
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await namespaces_section(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NamespaceFormScreen)
        fill(form, name="batch", cpu_limit="500m")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_confirmation(pilot, PROD_CLUSTER)
        detail = app.screen
        assert isinstance(detail, NamespaceDetailScreen)
        assert "Namespace batch created: 2/3 clusters · Partial" in notes(app)
        assert "press f to retry" in notes(app)
        await until(pilot, lambda: detail.status is not None, "the states")
        assert detail.status is not None
        states = {c.cluster.name: c.state for c in detail.status.clusters}
        assert states["sandbox-2"] is SyncState.UNREACHABLE
        assert "Unreachable" in plain(detail.query_one("#ns-sync-title", Static))
        await fleet["sandbox-2"].set_outage(False)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # sandbox-2 only: not production
        assert "sandbox-2" in plain(app.screen.query_one(".confirm-body", Static))
        await pilot.press("y")
        await settle(pilot)
        assert "Namespace batch retried: 1/1 clusters · Succeeded" in notes(app)
        await until(pilot, lambda: detail.status is not None
                    and detail.status.summary == "3/3", "the retried state")
        newest = next(x for x in await live.tasks.list() if x.target == "batch")
        assert newest.kind == "namespace.create"  # the retry: sandbox-2 only
        assert [r.target for r in newest.results] == ["sandbox-2"]


async def test_a_cluster_joining_later_shows_in_the_list(live: Services,
                                                         fleet: SandboxFleet) -> None:
    """The list follows the service: a fourth cluster associated while it is on screen
    receives the namespace, and its row becomes 4/4 without a key pressed."""
    await live.namespaces.create("hub", NamespaceSpec(name="shared"), confirm=PROD_CLUSTER)
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        view = await namespaces_section(pilot)
        [key] = view.rows
        assert view.rows[key].summary == "3/3"
        await fleet.add_cluster("sandbox-4")
        await live.clusters.associate("hub", [AssociateRequest(context="sandbox-4")])
        await until(pilot, lambda: view.rows[key].summary == "4/4", "the joined cluster")
        assert "4/4 synced" in row_text(app, key)


async def test_read_only_refuses_with_the_services_message(tmp_path: Path,
                                                           fleet: SandboxFleet) -> None:
    writer = await open_services(settings(tmp_path, fleet), user="oncall")
    await associate(writer, fleet)
    await writer.namespaces.create("hub", NamespaceSpec(name="web"), confirm=PROD_CLUSTER)
    await writer.close()
    services = await open_services(settings(tmp_path, fleet, read_only=True), user="oncall")
    try:
        app = make(services)
        async with app.run_test(size=SIZE) as pilot:
            view = await namespaces_section(pilot)
            assert len(view.rows) == 1
            for key in ("c", "e", "d", "R"):
                await pilot.press(key)
                await settle(pilot)
                assert app.screen is app.main, key
            assert notes(app).count(t("error.readonly")) == 4
            await pilot.press("ctrl+r")  # checking only reads: allowed
            await settle(pilot)
            await until(pilot, lambda: view.last_check is not None, "the check")
            assert next(iter(view.rows.values())).summary == "3/3"
    finally:
        await services.close()


# ---- snapshots ---------------------------------------------------------------------------

MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]
NOW = 1_750_000_000.0  # the conftest's frozen clock
PROD_INSTANCE = "inst-0001"  # the conftest's prod-east


def seed_states(services: Services) -> Services:
    """Sync states for the seeded namespaces, stamped at fixed times: payments 5/8 (Drifted,
    Unreachable, and Pending on the cluster still waiting to register), checkout narrowed
    to the one ``tier=core`` cluster and synced, observability with one Missing."""
    store = services.store
    drift = "labels[team]: want 'pay', have 'other'; quota.hard[limits.cpu]: want '8', have '4'"
    states = {
        "ns-0001": {"cls-0001": ("Synced", ""), "cls-0002": ("Unreachable",
                    "east-prod-2 did not answer: connect timeout after 3s"),
                    "cls-0003": ("Synced", ""), "cls-0004": ("Drifted", drift),
                    "cls-0006": ("Synced", ""), "cls-0007": ("Synced", ""),
                    "cls-0008": ("Synced", "")},
        "ns-0002": {"cls-0001": ("Synced", "")},
        "ns-0004": {"cls-0008": ("Synced", "")},
        "ns-0003": {"cls-0001": ("Synced", ""), "cls-0002": ("Missing", "no namespace there"),
                    "cls-0003": ("Synced", ""), "cls-0004": ("Synced", ""),
                    "cls-0006": ("Synced", ""), "cls-0007": ("Synced", ""),
                    "cls-0008": ("Synced", "")},
    }

    async def go() -> None:
        # on top (priority 900), so the cursor's row is not one of the three to compare
        await store.add_namespace(FleetNamespace(
            "ns-0004", PROD_INSTANCE, "ml-train", 900, {"gpu": "a100"}, {"team": "ml"}, "32",
            "128Gi", NOW - 86400))
        checkout = await store.get_namespace_by_id("ns-0002")
        checkout.selector = {"tier": "core"}
        await store.update_namespace(checkout)
        for ns_id, by_cluster in states.items():
            for i, (cluster_id, (state, message)) in enumerate(sorted(by_cluster.items())):
                with mock.patch("time.time", return_value=NOW - 300 - 60 * i):
                    await store.set_sync_state(ns_id, cluster_id, state, message)

    asyncio.run(go())
    return services


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_namespaces_list(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                         lang: str) -> None:
    """``3``: priority first; under the cursor ml-train, then 5/8 with an unreachable
    cluster in red, 1/1 in green, 6/8 with one missing in yellow; quotas; the footer's
    namespace keys."""
    set_language(lang)
    app = make_app(seed_states(sync_services()))
    assert snap_compare(app, press=["3"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_namespace_detail(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                          lang: str) -> None:
    """Enter on payments: the spec, Synced/Drifted/Unreachable/Pending rows with their
    messages, and its create task with per-cluster results."""
    set_language(lang)
    app = make_app(seed_states(sync_services()))

    async def open_payments(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("down", "enter")  # ml-train, then payments
        await settle(pilot)

    assert snap_compare(app, run_before=open_payments, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_namespace_create_form(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                               lang: str) -> None:
    """``c``: a reserved name and a CPU limit in GB, each reported under its field; the
    "matches 8 clusters" hint."""
    set_language(lang)
    app = make_app(seed_states(sync_services()))

    async def fill_in(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"default")
        fill(pilot.app.screen, cpu_limit="4GB", memory_limit="16Gi", labels="team=pay")
        await settle(pilot)

    assert snap_compare(app, run_before=fill_in, terminal_size=SIZE)

"""Template repository through the screens: a real ``Services`` on a tmp SQLite cache, the
sandbox chart repository over real HTTP (index.yaml + .tgz, webapp 1.0.0 and 1.1.0), and
the real Helm engine — through keys, as a user would.

Snapshots (frozen clock, fixed ids, UTC): the list, the add dialog with a field error, and
the detail of a YAML template.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from dulwich import porcelain
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static, TextArea

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import App, Template
from ccseone_tui.i18n import set_language
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.charts import CHART_DATA
from ccseone_tui.services import Services, open_services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.template_detail import TemplateDetailScreen
from ccseone_tui.ui.screens.template_form import TemplateFormScreen
from ccseone_tui.ui.template_actions import template_commands
from ccseone_tui.ui.views.templates import TemplatesView, cut_middle

from .pilot_helpers import settle

SIZE = (140, 40)
WHO = b"Tester <tester@example.com>"
NOW = 1_750_000_000.0  # conftest's frozen clock
MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]

MANIFESTS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  greeting: {{ .Values.greeting | quote }}
  replicas: {{ .Values.replicas | quote }}
"""
BAD_PARAMETERS = "greeting: hello\nreplicas: [1, 2\n"
PARAMETERS = "greeting: hello\nreplicas: 2\n"


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=0) as f:  # the chart repository is all these tests need
        yield f


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(tmp_path / "none"),
                        connect_timeout=1.0, read_timeout=3.0, theme="textual-dark")
    s = await open_services(settings, user="oncall")
    await s.instances.create("hub", "cn-east-1", instance_id="inst-hub")
    yield s
    await s.close()


def make(services: Services) -> CcseoneApp:
    return CcseoneApp(services, live_probes=False)


def plain(widget: Static) -> str:
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def notes(app: CcseoneApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


def view(app: CcseoneApp) -> TemplatesView:
    found = app.main.view("templates")
    assert isinstance(found, TemplatesView)
    return found


def row_names(app: CcseoneApp) -> list[str]:
    table = view(app).table
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def open_add_dialog(pilot: Pilot[None]) -> TemplateFormScreen:
    await pilot.press("6")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TemplateFormScreen)
    return screen


def field_error(screen: TemplateFormScreen, field_id: str) -> str:
    return plain(screen.query_one(f"#{field_id}-error", Static))


async def test_add_chart_from_the_repository(live: Services, fleet: SandboxFleet) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_add_dialog(pilot)
        assert screen.query_one("#kind", Select).value == "repo"  # the default source
        screen.query_one("#name", Input).value = "webapp"
        screen.query_one("#description", Input).value = "Web front end"
        screen.query_one("#repo", Input).value = fleet.chart_repo_url
        screen.query_one("#chart", Input).value = "nope"
        # "Load versions" reads the index: a chart it does not have is named under Chart
        await pilot.click("#load-versions")
        await settle(pilot)
        assert "nope" in field_error(screen, "chart")
        assert "webapp" in field_error(screen, "chart")  # it lists what the index has
        # saving probes the source: the dialog stays open with the error where it belongs
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "nope" in field_error(screen, "chart")
        assert not screen.query_one("#checking").has_class("-shown")
        # fixed: versions from the index, then added and listed
        screen.query_one("#chart", Input).value = "webapp"
        await pilot.pause()
        assert field_error(screen, "chart") == ""  # typing clears the stale error
        await pilot.click("#load-versions")
        await settle(pilot)
        assert "1.1.0, 1.0.0" in plain(screen.query_one("#versions-list", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        assert "Template webapp added" in notes(app)
        assert row_names(app) == ["webapp"]
        assert view(app).table.has_focus  # on the new row, not left on the sidebar
        cells = [str(c) for c in view(app).table.get_row_at(0)]
        assert cells[1] == "chart · repo"
        assert cells[2] == cut_middle(f"{fleet.chart_repo_url} · webapp",
                                     view(app).flex_width("path"))
        assert cells[3] == "Web front end"
        assert cells[5] == "—"  # no app uses it yet
    template = await live.templates.get("webapp")
    assert template.source["repo"] == fleet.chart_repo_url
    assert template.source["chart"] == "webapp"


async def test_add_chart_from_the_oci_registry(live: Services, fleet: SandboxFleet) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_add_dialog(pilot)
        screen.query_one("#name", Input).value = "webapp-oci"
        screen.query_one("#kind", Select).value = "oci"
        await pilot.pause()
        assert screen.query_one("#group-oci").display
        assert screen.query_one("#group-auth").display  # registries take credentials too
        assert not screen.query_one("#group-repo").display
        screen.query_one("#oci", Input).value = f"{fleet.chart_repo.oci_url}/webapp"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        cells = [str(c) for c in view(app).table.get_row_at(0)]
        assert cells[1] == "chart · OCI"
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one("#versions", OptionList)
        assert [str(options.get_option_at_index(i).prompt)
                for i in range(options.option_count)] == ["1.1.0", "1.0.0"]


async def test_unreachable_repository_shown_under_the_url(live: Services,
                                                          fleet: SandboxFleet) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_add_dialog(pilot)
        screen.query_one("#name", Input).value = "gone"
        # a refused connection: the repository's port, with the repository stopped
        url = fleet.chart_repo_url
        await fleet.chart_repo.stop()
        screen.query_one("#repo", Input).value = url
        screen.query_one("#chart", Input).value = "webapp"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "cannot be reached" in field_error(screen, "repo")
        assert screen.focused is screen.query_one("#repo", Input)
    assert await live.templates.list() == []


async def test_escape_while_checking_stores_nothing(live: Services) -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()  # a repository that accepts and never answers
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    app = make(live)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_add_dialog(pilot)
            screen.query_one("#name", Input).value = "slow"
            screen.query_one("#repo", Input).value = f"http://127.0.0.1:{port}/charts"
            screen.query_one("#chart", Input).value = "webapp"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert screen.query_one("#checking").has_class("-shown")  # "checking…"
            assert screen.query_one("#submit").disabled
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.main
            assert notes(app) == ""  # the cancelled check reports nothing
    finally:
        release.set()
        server.close()
        await server.wait_closed()
    assert await live.templates.list() == []


async def test_yaml_parameters_error_then_fixed(live: Services) -> None:
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert "Press c to add" in plain(app.main.query_one("#templates-empty", Static))
        screen = await open_add_dialog(pilot)
        screen.query_one("#name", Input).value = "settings"
        screen.query_one("#kind", Select).value = "yaml"
        await pilot.pause()
        assert screen.query_one("#group-yaml").display
        assert not screen.query_one("#group-repo").display
        screen.query_one("#manifests", TextArea).load_text(MANIFESTS)
        params = screen.query_one("#parameters", TextArea)
        params.load_text(BAD_PARAMETERS)
        await pilot.pause()
        # checked as typed: line and column of the problem
        shown = field_error(screen, "parameters")
        assert "Parameters: not valid YAML at line 3, column 1" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # refused before any service call
        assert screen.focused is params
        assert params.cursor_location == (2, 0)  # on the problem
        params.load_text(PARAMETERS)
        await pilot.pause()
        assert field_error(screen, "parameters") == ""
        # the service renders the manifests once: a document without a name is refused
        manifests = screen.query_one("#manifests", TextArea)
        manifests.load_text(MANIFESTS.replace("  name: {{ .Release.Name }}-settings\n", ""))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "has no metadata.name" in field_error(screen, "manifests")
        assert screen.focused is manifests
        manifests.load_text(MANIFESTS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        assert row_names(app) == ["settings"]
        cells = [str(c) for c in view(app).table.get_row_at(0)]
        assert cells[1:3] == ["YAML", "inline YAML"]
    template = await live.templates.get("settings")
    assert template.source["parameters"] == {"greeting": "hello", "replicas": 2}


async def test_git_ref_not_found_then_added(live: Services, tmp_path: Path) -> None:
    origin = tmp_path / "origin"  # a local repository holding the sandbox's worker chart
    porcelain.init(str(origin))
    shutil.copytree(CHART_DATA / "worker-0.1.0", origin / "charts" / "worker")
    porcelain.add(str(origin), paths=[str(p) for p in origin.rglob("*")
                                      if p.is_file() and ".git" not in p.parts])
    porcelain.commit(str(origin), message=b"worker", author=WHO, committer=WHO)
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_add_dialog(pilot)
        screen.query_one("#name", Input).value = "worker"
        screen.query_one("#kind", Select).value = "git"
        await pilot.pause()
        assert screen.query_one("#group-git").display
        assert not screen.query_one("#group-auth").display
        # no ref suggested: empty reads the default branch, which here is not "main"
        assert screen.query_one("#git-ref", Input).value == ""
        screen.query_one("#git-url", Input).value = str(origin)
        screen.query_one("#git-ref", Input).value = "no-such-branch"
        screen.query_one("#git-path", Input).value = "charts/worker"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "no-such-branch" in field_error(screen, "git-ref")
        assert screen.focused is screen.query_one("#git-ref", Input)
        screen.query_one("#git-ref", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        cells = [str(c) for c in view(app).table.get_row_at(0)]
        assert cells[1] == "git"
        assert cells[2] == cut_middle(f"{origin}@HEAD:charts/worker",
                                     view(app).flex_width("path"))


async def test_edit_keeps_name_and_kind(live: Services) -> None:
    await live.templates.add("settings", "yaml", {"manifests": MANIFESTS,
                                                  "parameters": {"greeting": "hi",
                                                                 "replicas": 1}})
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplateFormScreen)
        assert screen.query_one("#name", Input).disabled  # the name is the template's key
        assert screen.query_one("#kind", Select).disabled  # YAML stays YAML
        params = screen.query_one("#parameters", TextArea)
        assert params.text == "greeting: hi\nreplicas: 1\n"
        assert screen.query_one("#manifests", TextArea).text == MANIFESTS
        screen.query_one("#description", Input).value = "Per-release settings"
        params.load_text(PARAMETERS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main
        assert "Template settings saved" in notes(app)
        assert str(view(app).table.get_row_at(0)[3]) == "Per-release settings"
    template = await live.templates.get("settings")
    assert template.source["parameters"] == {"greeting": "hello", "replicas": 2}


async def test_detail_versions_values_and_preview(live: Services, fleet: SandboxFleet) -> None:
    await live.templates.add("webapp", "chart", {"repo": fleet.chart_repo_url,
                                                 "chart": "webapp"})
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplateDetailScreen)
        options = screen.query_one("#versions", OptionList)
        shown = [str(options.get_option_at_index(i).prompt)
                 for i in range(options.option_count)]
        assert shown == ["1.1.0", "1.0.0"]  # newest first, from the index
        values = screen.query_one("#values-text", TextArea)
        assert values.read_only and values.language == "yaml"
        newest = values.text
        assert newest.strip()
        assert "1.1.0" in plain(screen.query_one("#values-state", Static))
        # the older version's own values.yaml
        await pilot.press("down")
        await settle(pilot)
        assert "1.0.0" in plain(screen.query_one("#values-state", Static))
        assert values.text.strip() and values.text != newest
        # render preview of 1.0.0 with its defaults, through Helm
        await pilot.press("p")
        await settle(pilot)
        state = plain(screen.query_one("#preview-state", Static))
        assert "1.0.0" in state and "objects" in state
        preview = screen.query_one("#preview-text", TextArea)
        assert preview.display and "kind: Deployment" in preview.text
        assert "no app uses it" in plain(screen.query_one("#template-info", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main


async def test_preview_shows_helm_error_with_file_and_line(live: Services) -> None:
    # stored as it is (the service's add would refuse it: its probe renders it)
    broken = MANIFESTS.replace("{{ .Values.greeting | quote }}",
                               "{{ .Values.missing.field | quote }}")
    await live.store.add_template(Template(
        "tpl-broken", "broken", "yaml", {"manifests": broken, "parameters": {"replicas": 1}},
        "", NOW))
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplateDetailScreen)
        assert "replicas: 1" in screen.query_one("#values-text", TextArea).text
        await pilot.press("p")
        await settle(pilot)
        state = plain(screen.query_one("#preview-state", Static))
        assert "does not render" in state
        assert "manifests.yaml" in state and "(line 6)" in state
        assert not screen.query_one("#preview-text").display


async def test_delete_refused_while_an_app_uses_it(live: Services) -> None:
    for name in ("in-use", "unused"):
        await live.templates.add(name, "yaml", {"manifests": MANIFESTS,
                                                "parameters": {"greeting": "hi",
                                                               "replicas": 1}})
    used = await live.templates.get("in-use")
    await live.store.add_app(App("app-shop", "inst-hub", "shop", used.id, "", 1, "Deployed",
                                 NOW))
    app = make(live)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert row_names(app) == ["in-use", "unused"]
        assert str(view(app).table.get_row_at(0)[5]) == "shop"
        await pilot.press("d")  # in-use: refused at once, naming the app
        await settle(pilot)
        assert app.screen is app.main
        assert "template in-use is used by 1 app: shop" in notes(app)
        assert row_names(app) == ["in-use", "unused"]
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Template unused deleted" in notes(app)
        assert row_names(app) == ["in-use"]
        titles = [title for title, _, _ in template_commands(app)]
        assert "Add template" in titles and "Open template in-use" in titles
    assert [t.name for t in await live.templates.list()] == ["in-use"]


# ---- snapshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_template_list(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                       lang: str) -> None:
    """``6``: every source kind, path, remark, created time and the apps using each."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), press=["6"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_add_template_field_error(snap_compare, sync_services: SyncServices,
                                  make_app: MakeApp, lang: str) -> None:
    """``c``, chart repository: a repository URL that is not http(s), refused under its
    field by the service (no network involved)."""
    set_language(lang)

    async def fill(pilot: Pilot[None]) -> None:
        screen = await open_add_dialog(pilot)
        screen.query_one("#name", Input).value = "web"
        screen.query_one("#repo", Input).value = "ftp://charts.example.test/stable"
        screen.query_one("#chart", Input).value = "web"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(sync_services()), run_before=fill, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_template_detail(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                         lang: str) -> None:
    """Enter on a YAML template: source, used by, its one version and default values."""
    set_language(lang)
    services = sync_services()

    async def open_detail(pilot: Pilot[None]) -> None:
        await services.store.add_template(Template(
            "tpl-0004", "app-settings", "yaml",
            {"manifests": MANIFESTS, "parameters": {"greeting": "hello", "replicas": 2}},
            "Per-release settings", NOW - 86400))
        await services.store.add_app(App("app-0003", "inst-0001", "storefront", "tpl-0004",
                                         "", 1, "Deployed", NOW - 3600))
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("enter")  # app-settings sorts first
        await settle(pilot)

    assert snap_compare(make_app(services), run_before=open_detail, terminal_size=SIZE)

"""The shell: header, navigation sidebar, one content view per section, footer.

Owns the current section, the current control instance and the cluster refresh timer,
which runs only while Access clusters is on screen and this screen is not covered by a
modal (dolphie's "poll per tab, paused when hidden").
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher

from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import SECTIONS_GROUP, localize_bindings
from ccseone_tui.ui.screens.instance_picker import InstancePicker
from ccseone_tui.ui.sections import SECTION_IDS, SECTIONS, START_SECTION
from ccseone_tui.ui.start_cache import start_instance
from ccseone_tui.ui.views.clusters import ClustersView
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.header import ShellHeader
from ccseone_tui.ui.widgets.sidebar import NavSidebar
from ccseone_tui.ui.widgets.table_view import TableView

if TYPE_CHECKING:
    from textual.widget import Widget

    from ccseone_tui.ui.app import CcseoneApp

# Each section's view, imported and mounted the first time it is shown: only the start
# section is composed, so the first frame does not wait for the seven others.
SIDEBAR_MIN_WIDTH = 100
"""Below this many columns the sidebar hides itself (ctrl+b or \\ shows it); the numbers
still open every section."""

VIEW_CLASSES: dict[str, tuple[str, str]] = {
    "instances": ("ccseone_tui.ui.views.instances", "InstancesView"),
    "clusters": ("ccseone_tui.ui.views.clusters", "ClustersView"),
    "namespaces": ("ccseone_tui.ui.views.namespaces", "NamespacesView"),
    "fleet": ("ccseone_tui.ui.views.fleet", "FleetView"),
    "apps": ("ccseone_tui.ui.views.apps", "AppsView"),
    "templates": ("ccseone_tui.ui.views.templates", "TemplatesView"),
    "tasks": ("ccseone_tui.ui.views.tasks", "TasksView"),
    "logs": ("ccseone_tui.ui.views.logs", "LogsView"),
}


def new_view(section_id: str) -> Widget:
    """A new, unmounted view of ``section_id`` (its module is imported on first use)."""
    module, name = VIEW_CLASSES[section_id]
    view: Widget = getattr(import_module(module), name)()
    return view


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        *(
            Binding(s.key, f"show('{s.id}')", s.label_key, group=SECTIONS_GROUP, id=f"go.{s.id}")
            for s in SECTIONS
        ),
        Binding("r", "refresh", "key.refresh", id="refresh"),  # r refreshes in every section
        Binding("i", "pick_instance", "key.instance", id="instance"),
        # not in the footer (F1 lists it): the sections' own keys need the room there
        Binding("ctrl+b,backslash", "toggle_sidebar", "key.sidebar", key_display="^b",
                show=False, id="sidebar"),
        # the Distributed clusters writes: shown only on their section (check_action), and
        # bound here so they work on an empty list too (focus is then on the sidebar)
        Binding("n", "console('instances', 'create')", "console.key.new", id="instance.create"),
        Binding("e", "console_write('edit')", "console.key.edit", id="console.edit"),
        Binding("a", "console('clusters', 'associate')", "console.key.associate",
                id="cluster.associate"),
        Binding("c", "console('clusters', 'create')", "console.key.create_cluster",
                id="cluster.create"),
        Binding("d", "console_write('delete')", "console.key.delete", id="console.delete"),
        # clusters of an ocm instance (ui/ocm_actions.py): shown only there, like the above
        Binding("A", "hub('accept')", "ocm_ui.key.accept", id="cluster.accept"),
        Binding("N", "hub('deny')", "ocm_ui.key.deny", id="cluster.deny"),
        # Application center (ui/views/apps.py): shown only on its section, like the above
        Binding("c", "console('apps', 'publish')", "apps.ui.key.publish", id="app.publish"),
        Binding("u", "console('apps', 'upgrade')", "apps.ui.key.upgrade", id="app.upgrade"),
        Binding("b", "console('apps', 'rollback')", "apps.ui.key.rollback", id="app.rollback"),
        Binding("l", "console('apps', 'logs')", "apps.ui.key.logs", id="app.logs"),
        Binding("d", "console('apps', 'delete')", "console.key.delete", id="app.delete"),
        # Template repository (ui/views/templates.py): shown only on its section, like the above
        Binding("c", "console('templates', 'add')", "tplui.key.add", id="template.add"),
        Binding("e", "console('templates', 'edit')", "console.key.edit", id="template.edit"),
        Binding("d", "console('templates', 'delete')", "console.key.delete",
                id="template.delete"),
        # Namespaces (ui/views/namespaces.py): shown only on its section, like the above
        Binding("c", "console('namespaces', 'create')", "ns_ui.key.create",
                id="namespace.create"),
        Binding("e", "console('namespaces', 'edit')", "console.key.edit", id="namespace.edit"),
        Binding("d", "console('namespaces', 'delete')", "console.key.delete",
                id="namespace.delete"),
        Binding("R", "console('namespaces', 'repair')", "ns_ui.key.repair",
                id="namespace.repair"),
        Binding("ctrl+r,f5", "console('namespaces', 'check_all')", "ns_ui.key.check",
                key_display="^r", id="namespace.check"),
    ]

    def __init__(self) -> None:
        super().__init__(id="main")
        localize_bindings(self)
        self.section = START_SECTION
        self._timer: Timer | None = None
        self._probe_started: float | None = None  # app clock
        # the sidebar: None follows the width (hidden below SIDEBAR_MIN_WIDTH); ctrl+b sets
        # it until the terminal crosses that width again
        self.sidebar_wanted: bool | None = None
        self._narrow: bool | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        services = self.shell.services
        yield ShellHeader(user=services.user, read_only=services.read_only)
        with Horizontal(id="body"):
            yield NavSidebar()
            with ContentSwitcher(initial=START_SECTION, id="content"):
                yield new_view(START_SECTION)
        yield ShellFooter()

    def on_mount(self) -> None:
        """Cache first: read the instances, then the start section, before any probe."""
        if self.shell.live_probes:
            interval = self.shell.services.settings.refresh_interval
            self._timer = self.set_interval(interval, self._tick, pause=True, name="probe")
        self.query_one(NavSidebar).mark_current(self.section)
        instances = self.shell.take_start_instances()
        if instances is None:
            self.load_instances()
        else:  # read before the app started: the first frame shows the instance and its rows
            self.on_instances_loaded(msg.InstancesLoaded(instances))

    # ---- small terminals -----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < SIDEBAR_MIN_WIDTH
        if narrow != self._narrow:  # crossed the line: the width decides again
            self._narrow = narrow
            self.sidebar_wanted = None
            self._show_sidebar(not narrow)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_wanted = not self.query_one(NavSidebar).display
        self._show_sidebar(self.sidebar_wanted)

    def _show_sidebar(self, shown: bool) -> None:
        sidebar = self.query_one(NavSidebar)
        if sidebar.display == shown:
            return
        had_focus = sidebar.has_focus
        sidebar.display = shown
        if shown and self.focused is None:
            sidebar.focus()
        elif had_focus:  # focus must not stay on what is gone
            view = self.mounted_view(self.section)
            if view is not None and hasattr(view, "focus_content"):
                view.focus_content()
            if self.focused is None or not self.focused.display:
                self.focus_next()

    # ---- instances -----------------------------------------------------------------------

    def load_instances(self) -> None:
        workers.start(self, self._load_instances(), name="load:instances-header",
                      group="cache:header", description=t("worker.load.instances"),
                      exclusive=True)

    async def _load_instances(self) -> None:
        instances = await self.shell.services.instances.list()
        self.post_message(msg.InstancesLoaded(instances))

    def on_instances_loaded(self, message: msg.InstancesLoaded) -> None:
        shell = self.shell
        shell.instances = message.instances
        current = shell.current_instance
        by_id = {i.id: i for i in message.instances}
        chosen = by_id.get(current.id) if current else None
        if chosen is None:
            chosen = start_instance(message.instances)
        first_load = not self.view(self.section).loaded if self.section != "logs" else True
        changed = (chosen.id if chosen else None) != (current.id if current else None)
        shell.current_instance = chosen
        self.query_one(ShellHeader).show_instance(chosen, len(message.instances))
        if changed or first_load:
            self.show_section(self.section, focus=first_load)
        elif self.section == "instances":
            self.view("instances").reload()

    def use_instance(self, instance: ControlInstance) -> None:
        """Make ``instance`` current: header, and every per-instance view re-reads."""
        shell = self.shell
        if shell.current_instance and shell.current_instance.id == instance.id:
            return
        shell.current_instance = instance
        self.query_one(ShellHeader).show_instance(instance, len(shell.instances))
        self._probe_started = None
        clusters = self.view("clusters")
        if isinstance(clusters, ClustersView):
            clusters.last_refresh = None
        for section_id in SECTION_IDS:
            view = self.mounted_view(section_id)  # the others load when first shown
            if isinstance(view, TableView):
                view.loaded = False
        self.show_section(self.section, focus=False)
        self.notify(t("instance.switched", name=instance.name), timeout=3)

    def action_pick_instance(self) -> None:
        if not self.shell.instances:
            self.notify(t("empty.instances"), severity="warning")
            return

        def chosen(instance_id: str | None) -> None:
            for instance in self.shell.instances:
                if instance.id == instance_id:
                    self.use_instance(instance)

        current = self.shell.current_instance
        self.app.push_screen(
            InstancePicker(self.shell.instances, current.id if current else None), chosen
        )

    @on(msg.PickInstance)
    def _pick(self, event: msg.PickInstance) -> None:
        event.stop()
        self.action_pick_instance()

    # ---- sections ------------------------------------------------------------------------

    def mounted_view(self, section_id: str) -> Any | None:
        """The view of ``section_id`` if it was shown once (or is being mounted), else None."""
        for child in self.query_one(ContentSwitcher).children:
            if child.id == section_id:
                return child
        return None

    def view(self, section_id: str) -> Any:
        """The view of ``section_id``, mounted (hidden) now if it never was."""
        return self._ensure_view(section_id)[0]

    def _ensure_view(self, section_id: str) -> tuple[Any, AwaitComplete | None]:
        """The view and, when it was mounted just now, what completes its mount."""
        view = self.mounted_view(section_id)
        if view is not None:
            return view, None
        if section_id not in VIEW_CLASSES:
            return self.query_one(f"#{section_id}"), None  # NoMatches, as before
        view = new_view(section_id)
        view.display = False
        mounting = self.query_one(ContentSwitcher).mount(view)
        return view, AwaitComplete(mounting)

    def show_section(self, section_id: str, focus: bool = True) -> AwaitComplete | None:
        """Show ``section_id``; a view shown for the first time is mounted first, and then
        loads: the returned awaitable (if any) completes once it has started loading."""
        if section_id != self.section:
            leaving = self.mounted_view(self.section)
            if hasattr(leaving, "leave"):  # e.g. Logs: stop its streams while not shown
                leaving.leave()
        view, mounting = self._ensure_view(section_id)
        self.section = section_id
        self.query_one(ContentSwitcher).current = section_id
        self.query_one(NavSidebar).mark_current(section_id)
        if mounting is None:
            self._enter(view, focus)
            return None

        async def enter_when_mounted() -> None:
            await mounting
            if self.section == section_id and view.is_attached:
                self._enter(view, focus)

        return AwaitComplete(enter_when_mounted())

    def _enter(self, view: Any, focus: bool) -> None:
        if isinstance(view, ClustersView):
            view.probe_when_loaded = self.shell.live_probes and self._probe_due()
        view.reload()
        self._sync_timer()
        self.refresh_bindings()
        if focus:
            view.focus_content()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "console":
            return self.section == parameters[0]
        if action == "console_write":  # edit/delete: both instances and clusters have them
            return self.section in ("instances", "clusters")
        if action == "hub":  # accept/deny: Access clusters of an ocm instance only
            from ccseone_tui.ui.ocm_actions import is_hub

            return self.section == "clusters" and is_hub(self.shell.current_instance)
        return True

    def action_console(self, section_id: str, what: str) -> None:
        """A write of the current section's view: ``create``, ``edit``, ``associate`` …"""
        if self.section == section_id:
            getattr(self.view(section_id), f"action_{what}")()

    def action_hub(self, what: str) -> None:
        if self.section == "clusters":
            getattr(self.view("clusters"), f"action_{what}")()

    def action_console_write(self, what: str) -> None:
        if self.section in ("instances", "clusters"):
            getattr(self.view(self.section), f"action_{what}")()

    def action_show(self, section_id: str) -> AwaitComplete | None:
        return self.show_section(section_id)

    @on(msg.NavigateTo)
    def _navigate(self, event: msg.NavigateTo) -> AwaitComplete | None:
        event.stop()
        return self.show_section(event.section, focus=event.focus_content)

    # ---- cluster probes ------------------------------------------------------------------

    def _probe_due(self) -> bool:
        interval = self.shell.services.settings.refresh_interval
        return self._probe_started is None or self.shell.now() - self._probe_started >= interval

    def _sync_timer(self) -> None:
        """Run the timer only while Access clusters is shown and no modal covers it."""
        if self._timer is None:
            return
        if self.section == "clusters" and self.is_current:
            self._timer.resume()
        else:
            self._timer.pause()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def on_screen_resume(self) -> None:
        self._sync_timer()

    def _tick(self) -> None:
        if self.view("clusters").following():
            return  # an ocm hub's list is followed live: nothing to poll
        if self.section == "clusters" and self.is_current:
            self.probe_clusters()

    @on(msg.ProbeRequested)
    def _probe_requested(self, event: msg.ProbeRequested) -> None:
        event.stop()
        self.probe_clusters()

    def probe_clusters(self) -> None:
        """Probe the current instance's clusters; a probe already running is left to finish."""
        instance = self.shell.current_instance
        if instance is None:
            return
        if any(w.name == "refresh:clusters" and w.is_running for w in self.app.workers):
            return
        self._probe_started = self.shell.now()
        workers.start(self, self._probe(instance.id), name="refresh:clusters", group="refresh",
                      description=t("worker.refresh.clusters", instance=instance.name))

    async def _probe(self, instance_id: str) -> None:
        self.post_message(msg.RefreshState(running=True))
        try:
            await self.shell.services.clusters.refresh(instance_id)
        finally:
            self.post_message(msg.RefreshState(running=False))

    def on_refresh_state(self, message: msg.RefreshState) -> None:
        clusters = self.view("clusters")
        if message.running:
            clusters.refresh_started()
        else:
            clusters.refresh_ended()

    def action_refresh(self) -> None:
        """``r``: probe the clusters now on Access clusters; re-read the cache elsewhere."""
        if self.section == "clusters":
            self.view("clusters").reload()
            self.probe_clusters()
        else:
            self.view(self.section).reload()
        if self.section == "instances":
            self.load_instances()

    # ---- service events (posted by the app) ----------------------------------------------

    def on_cluster_probed(self, message: msg.ClusterProbed) -> None:
        current = self.shell.current_instance
        clusters = self.view("clusters")
        if current and message.cluster.instance_id == current.id and clusters.loaded:
            clusters.probed(message.cluster)

    def on_clusters_refreshed(self, message: msg.ClustersRefreshed) -> None:
        current = self.shell.current_instance
        if current is None:
            return
        if message.instance_id in (None, current.id):
            mine = [c for c in message.clusters if c.instance_id == current.id]
            self.view("clusters").refresh_finished(mine)

    def on_clusters_changed(self, message: msg.ClustersChanged) -> None:
        clusters = self.view("clusters")
        if message.instance_id and clusters.following(message.instance_id):
            if not message.from_hub:  # a hub snapshot reaches the view by itself
                clusters.reread()  # updated in place, no redraw of the whole table
            return
        clusters.reload()

    def on_instances_changed(self, message: msg.InstancesChanged) -> None:
        self.load_instances()

    def on_task_changed(self, message: msg.TaskChanged) -> None:
        tasks = self.mounted_view("tasks")
        if tasks is not None and tasks.loaded:
            tasks.upsert(message.task)

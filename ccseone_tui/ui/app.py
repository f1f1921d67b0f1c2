"""``CcseoneApp``: the Textual application of the CCSE ONE console.

Constructed with an open ``Services`` (the CLI owns opening and closing it) and an optional
clock, so every age on screen can be frozen in tests. Service events arrive on the event
loop and are turned into typed messages for the main screen; worker failures all come to
:meth:`CcseoneApp.on_worker_state_changed`, the single error path.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ccseone_tui.domain.errors import CcseoneError, ReadOnlyMode
from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import language, t
from ccseone_tui.services import events
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.help import HelpScreen
from ccseone_tui.ui.screens.main import MainScreen
from ccseone_tui.ui.start_cache import StartCache, start_instance

if TYPE_CHECKING:
    from textual.command import Provider

    from ccseone_tui.services import Services


def shell_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from ccseone_tui.ui.commands import ShellCommands

    return ShellCommands


class CcseoneApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "CCSE ONE"
    COMMANDS: ClassVar[set[Any]] = {shell_commands}
    BINDINGS: ClassVar[list[Any]] = [
        Binding("q", "quit", "key.quit", id="quit"),
        Binding("ctrl+q", "quit", "key.quit", show=False, priority=True),
        Binding("f1", "help", "key.help", id="help"),
        Binding("question_mark", "help", "key.help", show=False),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, priority=True,
                id="palette"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        clock: Callable[[], float] | None = None,
        live_probes: bool = True,
        follow_members: bool = True,
        start: StartCache | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.services = services
        self.clock = clock or time.time
        # False in tests and screenshots: no probe starts unless the user presses r
        self.live_probes = live_probes
        # False in snapshots: an ocm instance's list is not followed from its hub (cache only)
        self.follow_members = follow_members
        self.instances: list[ControlInstance] = []
        self.current_instance: ControlInstance | None = None
        self._main: MainScreen | None = None
        self._start = start  # read before the app ran: the first frame shows it (once)
        wanted = services.settings.theme
        self._bad_theme = wanted not in self.available_themes
        self.theme = "textual-dark" if self._bad_theme else wanted

    def now(self) -> float:
        return self.clock()

    def take_start_instances(self) -> list[ControlInstance] | None:
        """The instances read before the app started; None: read them now."""
        return self._start.instances if self._start is not None else None

    def take_start_clusters(self, instance: ControlInstance | None) -> list[MemberCluster] | None:
        """The clusters of ``instance`` read before the app started, once (the first
        load of the start section); None: read them now."""
        start, self._start = self._start, None
        if start is None or instance is None:
            return None
        chosen = start_instance(start.instances)
        return start.clusters if chosen is not None and chosen.id == instance.id else None

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    @property
    def main(self) -> MainScreen:
        if self._main is None:
            self._main = MainScreen()
        return self._main

    def on_mount(self) -> None:
        self.services.events.subscribe(self._on_service_event)
        if not self.is_headless:  # tests run many apps in one process: nothing to freeze
            self.call_after_refresh(freeze_startup_objects)
        if self._bad_theme:
            self.notify(t("theme.unknown", theme=self.services.settings.theme), severity="warning")
        for note in self.services.store_notes:  # a damaged cache moved aside, an unsafe dir
            self.notify(note, title=t("store.notice"), severity="error", timeout=60)

    def on_unmount(self) -> None:
        self.services.events.unsubscribe(self._on_service_event)

    # ---- service events -> typed messages --------------------------------------------------

    def _on_service_event(self, event: object) -> None:
        """Called by the services on the event loop; never touches a widget."""
        message = to_message(event)
        if message is not None and self._main is not None:
            self._main.post_message(message)
        if message is None:
            return
        for screen in self.screen_stack:  # detail screens that follow the services too
            if screen is not self._main and getattr(screen, "SERVICE_EVENTS", False):
                screen.post_message(to_message(event))  # type: ignore[arg-type]

    # ---- the one error path ----------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error, event.worker.description or event.worker.name)

    def report_error(self, error: BaseException, what: str) -> None:
        """Say what failed, why, and what to do — in the current language."""
        if isinstance(error, CcseoneError):
            body = error.message
            if error.fix:
                body += "\n" + t("ui.error.fix", fix=error.fix)
        else:
            body = f"{type(error).__name__}: {error}"
        if isinstance(error, ReadOnlyMode):
            # "Read-only mode: …" says it all; "<what> failed" above it would say it twice
            self.notify(body, severity="warning", timeout=8, markup=False)
            return
        self.notify(body, title=t("ui.error.title", what=what), severity="error",
                    timeout=12, markup=False)

    # ---- actions ---------------------------------------------------------------------------

    def use_instance(self, instance: ControlInstance) -> None:
        self.main.use_instance(instance)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
            )

    def action_language_info(self) -> None:
        self.notify(t("language.info", language=t(f"language.{language()}")), timeout=8)


def freeze_startup_objects() -> None:
    """The one place the app tunes the garbage collector.

    What exists after the first paint (modules, widgets, styles, the cache) lives as long as
    the app. ``gc.freeze`` moves it out of the collector's reach, so a full collection no longer
    walks it: during log tails of 20k+ lines/s those walks took 30-45 ms each and set the
    key-to-paint p99 (bench/logs.py at 20k lines/s: p99 ~900 ms without, ~50-140 ms with).

    The thresholds: a fleet refresh allocates per answer (JSON, probes, cells) and the
    defaults (700, 10, 10) then ran ~11,600 collections and ~90 full ones per 1,000-cluster
    refresh series; with the start-up heap frozen a full collection is no longer gated by
    the "25% of the long-lived heap" rule, so gen2's threshold is what spaces them out.
    Young collections stay short at 10k objects (~1 ms); bench/clusters.py prints both.

    ``ccseone`` and ``ccseone demo`` start the app with the collector off (cli/tui.py):
    what start-up allocates (modules, classes, widgets, styles, the cached rows) is nearly
    all long-lived, and ~170 collections walked it before the first frame (~20-30% of the
    start-up CPU). It is turned back on here, once, with that heap frozen.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()


GC_THRESHOLDS = (10_000, 10, 100)  # gen0 allocations, gen1 and gen2 collection counts


def to_message(event: object) -> Message | None:
    """Map a services event to the UI's message; an event the UI does not show is ignored."""
    match event:
        case events.ClusterProbed(cluster=cluster):
            return msg.ClusterProbed(cluster)
        case events.ClustersRefreshed(instance_id=instance_id, clusters=clusters):
            return msg.ClustersRefreshed(instance_id, clusters)
        case events.ClustersChanged(instance_id=instance_id, from_hub=from_hub):
            return msg.ClustersChanged(instance_id, from_hub)
        case events.InstancesChanged():
            return msg.InstancesChanged()
        case events.TaskChanged(task=task):
            return msg.TaskChanged(task)
        case events.JournalAppended(entry=entry):
            return msg.JournalAppended(entry)
    return None

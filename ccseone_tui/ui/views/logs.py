"""Logs (日志): pick a source on the left, its live tail on the right.

Sources of the current control instance: its operation journal, each cluster's events, the
pods of a cluster (Enter lists them; Esc/backspace goes back) and each app (all its pods on
all its clusters, merged). One worker per tail (group ``logs``, exclusive, so a new pick
cancels the old one, which closes every HTTP stream): it iterates the services' `LogStream`
and posts ``LogView.Batch`` messages, waiting while the view is behind (back-pressure).
Leaving the section, or switching instance, stops it; since/tail changes re-stream.

Below ``NARROW_BELOW`` columns the list and the tail take turns (the list is a picker):
the list fills the section until a source is picked, ctrl+o (or Esc in the list) brings it
back. Source names never wrap: a name too long for the list ends in "…".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ccseone_tui.i18n import t
from ccseone_tui.services.logs.stream import LogStream
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.log_feed import feed
from ccseone_tui.ui.widgets.empty_state import EmptyState
from ccseone_tui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


NARROW_BELOW = 100
"""Columns of the section below which the source list becomes a picker."""


@dataclass(frozen=True, slots=True)
class LogSource:
    """One entry of the source list."""

    kind: str  # instance | events | pods | pod | app | back
    label: str
    cluster: Any = None  # MemberCluster
    namespace: str = ""
    pod: str = ""


class LogsView(Vertical):
    section_id = "logs"
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,backspace", "back", "logs.key.back", show=False, id="logs.back"),
        Binding("P", "toggle_previous", "logs.key.previous_container", show=False,
                id="logs.previous"),
        Binding("ctrl+o", "pick_source", "logs.key.pick_source", key_display="^o",
                id="logs.pick"),
    ]
    DEFAULT_CSS = """
    LogsView #logs-body { height: 1fr; }
    LogsView #log-sources {
        width: 36; height: 1fr; border-right: solid $panel;
        text-wrap: nowrap; text-overflow: ellipsis;  /* a name never breaks mid-word */
    }
    LogsView #log-view { width: 1fr; }
    LogsView.-narrow #log-sources { display: none; width: 1fr; border-right: none; }
    LogsView.-narrow.-picking #log-sources { display: block; }
    LogsView.-narrow.-picking #log-view { display: none; }
    """

    def __init__(self) -> None:
        super().__init__(id=self.section_id, classes="section-view")
        localize_bindings(self)
        self.sources: list[LogSource] = []
        self.current: LogSource | None = None
        self.previous = False
        self._instance_id: str | None = None
        self._status = Static("", classes="view-status")
        self._status_text = ""
        self._list = OptionList(id="log-sources")
        self._view: LogView | None = None
        self.narrow = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def log_view(self) -> LogView:
        assert self._view is not None
        return self._view

    def compose(self) -> ComposeResult:
        settings = self.shell.services.settings
        self._view = LogView(max_lines=settings.log_buffer_lines, id="log-view")
        with Horizontal(classes="view-bar"):
            yield Static(t("nav.logs"), classes="view-title")
            yield self._status
        yield EmptyState(id="logs-empty")
        with Horizontal(id="logs-body"):
            yield self._list
            yield self._view

    # -- section protocol (MainScreen) -------------------------------------------------------

    def reload(self) -> None:
        """Read the sources of the current instance; a tail of another instance stops."""
        instance = self.shell.current_instance
        instance_id = instance.id if instance else None
        if instance_id != self._instance_id:
            self.leave()
            self.log_view.clear()
            self.current = None
        elif self.current is not None and not self._tailing:
            self.start(self.current)  # back in the section: stream again
        self._instance_id = instance_id
        workers.start(self, self._load_sources(instance), name="load:log-sources",
                      group="cache:logs", description=t("logs.worker.sources"), exclusive=True)

    # -- small terminals: the list as a picker --------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_BELOW
        if narrow != self.narrow:
            self.narrow = narrow
            self.set_class(narrow, "-narrow")
            self._picking(self.current is None)
            self._update_status()

    def _picking(self, picking: bool) -> None:
        """Narrow: the list (True) or the tail (False) fills the section."""
        self.set_class(picking, "-picking")
        if self.narrow and self.screen.focused in (self._list, self.log_view.lines):
            self.focus_content()

    def action_pick_source(self) -> None:
        self._picking(True)
        self._list.focus()

    def focus_content(self) -> None:
        if self.current is not None and not (self.narrow and self.has_class("-picking")):
            self.log_view.lines.focus()
        else:
            self._list.focus()

    @property
    def _tailing(self) -> bool:
        return any(w.group == "logs" and not w.is_finished for w in self.app.workers)

    def leave(self) -> None:
        """The section is no longer shown: stop streaming (the buffer stays for a return)."""
        self.app.workers.cancel_group(self.app, "logs")

    # -- sources -----------------------------------------------------------------------------

    async def _load_sources(self, instance: Any) -> None:
        sources: list[LogSource] = []
        if instance is not None:
            services = self.shell.services
            sources.append(LogSource("instance", t("logs.source.instance", name=instance.name)))
            clusters = await services.clusters.list(instance.id)
            for cluster in clusters:
                sources.append(LogSource("events", t("logs.source.events", cluster=cluster.name),
                                         cluster))
            for cluster in clusters:
                sources.append(LogSource("pods", t("logs.source.pods", cluster=cluster.name),
                                         cluster))
            for app in await services.apps.list(instance.id):
                sources.append(LogSource("app", t("logs.source.app", app=app.name),
                                         namespace=app.name))
        self.post_message(msg.RowsLoaded(self.section_id, sources))

    async def _load_pods(self, source: LogSource) -> None:
        pods = await self.shell.services.logs.pods(source.cluster)
        rows = [LogSource("back", t("logs.source.back"))]
        rows += [LogSource("pod", t("logs.source.pod", namespace=p.namespace, pod=p.name,
                                    containers=", ".join(p.containers)),
                           source.cluster, p.namespace, p.name) for p in pods]
        self.post_message(msg.RowsLoaded(self.section_id, rows))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        message.stop()
        empty, body = self.query_one(EmptyState), self.query_one("#logs-body")
        body.display = self.shell.current_instance is not None
        if body.display:
            empty.hide()
        else:
            empty.show(t("logs.source.no_instance"),
                       [t("empty.instances.create"), t("empty.instances.demo")])
        self.sources = list(message.rows)
        self._list.clear_options()
        self._list.add_options([
            # one line each, cut with "…": a wrapped name breaks mid-word in a narrow list
            Option(Text(s.label, no_wrap=True, overflow="ellipsis", end=""), id=str(i))
            for i, s in enumerate(self.sources)
        ])
        if self.sources:
            self._list.highlighted = 0
        self._update_status()

    @on(OptionList.OptionSelected, "#log-sources")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.sources[int(event.option.id or 0)])

    def choose(self, source: LogSource) -> None:
        if source.kind == "back":
            self.action_back()
        elif source.kind == "pods":
            self._status_text = t("logs.source.loading_pods", cluster=source.cluster.name)
            self._status.update(self._status_text)
            workers.start(self, self._load_pods(source), name="load:log-pods", group="cache:logs",
                          description=t("logs.worker.pods", cluster=source.cluster.name),
                          exclusive=True)
        else:
            self.start(source)

    def action_back(self) -> None:
        if self.narrow and self.current is not None and not any(
                s.kind == "back" for s in self.sources):  # the picker closes: the tail again
            self._picking(False)
            self.log_view.lines.focus()
            return
        if any(s.kind == "back" for s in self.sources):
            workers.start(self, self._load_sources(self.shell.current_instance),
                          name="load:log-sources", group="cache:logs",
                          description=t("logs.worker.sources"), exclusive=True)
            self._list.focus()

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        if self.current is not None and self.current.kind == "pod":
            self.start(self.current)

    # -- the tail ----------------------------------------------------------------------------

    def start(self, source: LogSource) -> None:
        self.current = source
        self.set_class(False, "-picking")
        self.log_view.clear()
        workers.start(self, self._tail(source), name="logs:tail", group="logs",
                      description=t("logs.worker.tail", source=source.label), exclusive=True)
        self.log_view.lines.focus()
        self._update_status()

    async def _open(self, source: LogSource) -> LogStream:
        logs = self.shell.services.logs
        view = self.log_view
        since, tail = view.since, view.tail
        if source.kind == "instance":
            instance = self.shell.current_instance
            return await logs.instance(instance, since=since, tail=tail)
        if source.kind == "events":
            return await logs.cluster_events(source.cluster, since=since, tail=tail)
        if source.kind == "pod":
            return await logs.pod(source.cluster, source.namespace, source.pod,
                                  previous=self.previous, since=since, tail=tail)
        return await logs.app(self.shell.current_instance, source.namespace, since=since,
                              tail=tail)

    async def _tail(self, source: LogSource) -> None:
        stream = await self._open(source)
        await feed(stream, self.log_view, on_batch=self._stream_state)

    def _stream_state(self, stream: LogStream) -> None:
        """Tell the status line how many pod streams run or wait under the cap."""
        if stream.waiting or stream.active > 1:
            self.post_message(msg.LogStreamState(stream.active, stream.waiting,
                                                 stream.max_streams))

    def on_log_stream_state(self, message: msg.LogStreamState) -> None:
        message.stop()
        self._update_status(message)

    @on(LogView.SinceChanged)
    @on(LogView.TailChanged)
    def _restream(self, event: LogView.SinceChanged | LogView.TailChanged) -> None:
        event.stop()
        if self.current is not None:
            self.start(self.current)

    def _update_status(self, state: msg.LogStreamState | None = None) -> None:
        if self.current is None:
            has_instance = self.shell.current_instance is not None
            none = "logs.source.none.narrow" if self.narrow else "logs.source.none"
            text = t(none if has_instance else "logs.source.no_instance")
        else:
            text = self.current.label
            if state is not None and state.waiting:
                text += " · " + t("logs.streams_capped", active=state.active,
                                  waiting=state.waiting, max=state.max_streams)
            elif state is not None:
                text += " · " + t("logs.streams", active=state.active)
        if text != self._status_text:  # a layout pass per batch otherwise
            self._status_text = text
            self._status.update(text)

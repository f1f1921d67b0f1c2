"""A pod's containers (Enter on a pod row): name, kind, image, state, ready and restarts,
init containers first. Enter (or ``l``) follows the highlighted container's logs, ``p`` its
previous instance's (after a crash), ``x`` opens a shell in it, ``f`` port-forwards to the
pod, ``r`` reads the pod again — the Fleet view's keys for the same things."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.resource_text import object_title
from ccseone_tui.ui.widgets.footer import ShellFooter

if TYPE_CHECKING:
    from ccseone_tui.services.resources.actions import ContainerInfo
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("name", "res_ui.col.name", 24), ("kind", "res_ui.col.kind", 9),
           ("ready", "res_ui.col.ready", 5), ("state", "res_ui.col.state", 30),
           ("restarts", "res_ui.col.restarts", 8), ("image", "res_ui.col.image", None))


def state_text(state: str) -> Text:
    style = "green" if state.startswith("Running") else \
        "bold red" if ("Error" in state or "BackOff" in state or "OOM" in state) else "yellow"
    return Text(state, style=style)


def container_cells(c: ContainerInfo) -> tuple[Text, ...]:
    return (Text(c.name, style="bold"), Text(t(f"res_ui.container.{c.kind}")),
            Text("✓" if c.ready else "✗", style="green" if c.ready else "red"),
            state_text(c.state),
            Text(str(c.restarts), style="bold red" if c.restarts else "", justify="right"),
            Text(c.image, style="dim"))


class ContainersScreen(Screen[None]):
    DEFAULT_CSS = """
    ContainersScreen #res-containers { height: auto; max-height: 1fr; }
    ContainersScreen #res-containers-status { height: 1; color: $text-muted; margin-top: 1; }
    ContainersScreen #res-containers-status.-error { color: $error; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back", id="res-containers.back"),
        Binding("l", "logs", "res_ui.key.logs", id="res-containers.logs"),
        Binding("p", "previous_logs", "res_ui.key.previous_logs",
                id="res-containers.previous"),
        Binding("x", "shell", "res_ui.key.shell", id="res-containers.shell"),
        Binding("f", "port_forward", "res_ui.key.port_forward", id="res-containers.forward"),
        Binding("r", "refresh", "key.refresh", id="res-containers.refresh"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[ContainerInfo] | None,
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.rows, self.error = rows, error

    def __init__(self, ref: ObjectRef) -> None:
        super().__init__()  # no fixed id: the same screen may be open twice in a stack
        localize_bindings(self)
        self.ref = ref
        self.rows: list[ContainerInfo] = []

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(object_title(t("res_ui.containers"), self.ref), classes="detail-title")
            table: DataTable[Any] = DataTable(cursor_type="row", id="res-containers")
            for key, label, width in COLUMNS:
                table.add_column(t(label), key=key, width=width)
            yield table
            yield Static(t("res_ui.loading"), id="res-containers-status", markup=False)
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        workers.start(self, self._load(), name=f"load:containers:{self.ref.key}",
                      group="load", exclusive=True,
                      description=t("res_ui.worker.load", ref=str(self.ref)))

    async def _load(self) -> None:
        try:
            rows = await self.shell.services.objects.containers(self.ref)
        except (CcseoneError, OSError) as exc:
            self.post_message(self.Loaded(None, exc))
        else:
            self.post_message(self.Loaded(rows))

    def on_containers_screen_loaded(self, message: Loaded) -> None:
        message.stop()
        status = self.query_one("#res-containers-status", Static)
        status.set_class(message.error is not None, "-error")
        if message.error is not None:
            status.update(str(message.error))
            return
        table = self.query_one(DataTable)
        keep = self.current.name if self.current is not None else None
        self.rows = message.rows or []
        table.clear()
        for row in self.rows:
            table.add_row(*container_cells(row), key=row.name)
        names = [r.name for r in self.rows]
        # the first main container, not an init one that ran to completion long ago
        first = next((i for i, r in enumerate(self.rows) if r.kind == "main"), 0)
        table.move_cursor(row=names.index(keep) if keep in names else first)
        status.update(t("res_ui.containers.hint"))

    @property
    def current(self) -> ContainerInfo | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#res-containers")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_logs()

    def action_logs(self) -> None:
        from ccseone_tui.ui import resource_actions

        if self.current is not None:
            resource_actions.logs(self.shell, self.ref, self.current.name)

    def action_previous_logs(self) -> None:
        from ccseone_tui.ui import resource_actions

        current = self.current
        if current is None:
            return
        if not current.has_previous:
            self.shell.notify(t("res_ui.no_previous", container=current.name),
                              severity="warning")
            return
        resource_actions.logs(self.shell, self.ref, current.name, previous=True)

    def action_shell(self) -> None:
        from ccseone_tui.ui import resource_actions

        if self.current is not None:
            resource_actions.shell(self.shell, self.ref, self.current.name)

    def action_port_forward(self) -> None:
        from ccseone_tui.ui import resource_actions

        resource_actions.port_forward(self.shell, self.ref)

    def action_back(self) -> None:
        self.dismiss(None)

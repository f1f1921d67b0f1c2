"""Delete an app (``d``): what goes, per target — the objects found live by the app labels
(``apps.delete_preview``), production targets marked, a target that does not answer says so —
then, in the same dialog, the app's name typed (and the production clusters' names with
it), which goes to the service as ``confirm=``. One dialog: its Delete button is the
confirmation (enabled once the preview is in and the names match)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.app_publish import Loaded
from ccseone_tui.ui.screens.confirm import (
    CONFIRM_BINDINGS,
    NO_ID,
    YES_ID,
    ConfirmKeys,
    confirm_buttons,
)
from ccseone_tui.ui.screens.typed_confirm import TypedField
from ccseone_tui.ui.widgets.form import FormError

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def preview_text(previews: list[Any]) -> Text:
    out = Text()
    for i, p in enumerate(previews):
        if i:
            out.append("\n")
        out.append(f"{p.target.cluster}/{p.target.namespace}", style="bold cyan")
        if p.production:
            out.append("  PROD", style="bold red")
        if p.error:
            out.append(f"\n    {p.error}", style="yellow")
            continue
        if not p.objects:
            out.append("\n    " + t("apps.ui.delete.nothing"), style="dim")
        for obj in p.objects:
            out.append(f"\n    • {obj}")
    return out


def expected_text(app: str, previews: list[Any]) -> str:
    """What to type: the app name, then each production cluster's (comma-separated, the way
    ``guard.check_confirmed`` reads them)."""
    production = sorted({p.target.cluster for p in previews if p.production})
    return ",".join([app, *production])


class AppDeleteScreen(ConfirmKeys, ModalScreen[Task | None]):
    """The confirmation style of every dialog: Delete / No, ``y``/``n``, the hint line."""

    DEFAULT_CSS = """
    AppDeleteScreen #delete-preview { height: auto; max-height: 20; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = list(CONFIRM_BINDINGS)

    def __init__(self, name: str) -> None:
        super().__init__(id="app-delete")
        localize_bindings(self)
        self.app_name = name
        self.previews: list[Any] = []
        self.loaded = False
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog wide-dialog"):
            yield Static(t("apps.ui.delete.title", name=self.app_name), classes="dialog-title",
                         markup=False)
            yield Static(t("apps.ui.delete.body"), classes="confirm-body", markup=False)
            with VerticalScroll(id="delete-preview"):
                yield Static(t("apps.ui.loading"), id="delete-objects")
            yield TypedField(self.app_name, t("apps.ui.delete.typed", name=self.app_name))
            yield FormError()
            yield from confirm_buttons(t("console.delete"), danger=True, disabled=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        workers.start(self, self._preview(), name=f"load:app-delete:{self.app_name}",
                      group="load", exclusive=True,
                      description=t("apps.ui.worker.preview", name=self.app_name))

    async def _preview(self) -> None:
        previews = await self.shell.services.apps.delete_preview(self.instance, self.app_name)
        self.post_message(Loaded("preview", previews))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        self.previews = list(message.value)
        self.loaded = True
        self.query_one("#delete-objects", Static).update(preview_text(self.previews))
        expected = expected_text(self.app_name, self.previews)
        self.query_one(TypedField).expect(expected, t("apps.ui.delete.typed", name=expected))
        self._enable()

    def _enable(self) -> None:
        ok = self.loaded and not self.busy and self.query_one(TypedField).matched
        self.query_one(f"#{YES_ID}", Button).disabled = not ok

    def confirm_refused(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._enable()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == NO_ID:
            self.action_cancel()
        else:
            self.submit()

    def submit(self) -> None:
        if self.busy or not self.loaded or not self.query_one(TypedField).matched \
                or not actions.writable(self.shell):
            return
        self.busy = True
        self._enable()
        workers.start(self, self._delete(self.query_one(TypedField).typed),
                      name=f"flow:app-delete:{self.app_name}", group="flow",
                      description=t("apps.ui.worker.delete", name=self.app_name))

    async def _delete(self, typed: str) -> None:
        try:
            task = await self.shell.services.apps.delete(self.instance, self.app_name,
                                                         confirm=typed)
        except CcseoneError as exc:
            self.busy = False
            self._enable()
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(task)

    def action_cancel(self) -> None:
        self.dismiss(None)

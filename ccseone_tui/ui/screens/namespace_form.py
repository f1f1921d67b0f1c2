"""Create (``c``) or edit (``e``) a fleet namespace: name (create only), task priority, source
(every cluster, or those matching a selector — with a live "matches N clusters" hint),
labels, CPU and memory limits.

Each input has its own error line: the domain rule of the field runs as it is typed, and on
submit the service's ``validate`` names the field of the first problem. Then, in order: an
edit whose new selector drops clusters asks whether to keep or delete the namespace there;
production clusters among those written to need their names typed (``confirm=``); the
service runs the task. The dialog closes with ``(name, task)``; a refusal stays in the
dialog, under its field or on the error line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import FleetNamespace, MemberCluster, Task
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.domain.validation import check_priority, parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.services.namespaces.actions import waiting
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.widgets.form import FormError
from ccseone_tui.ui.widgets.namespace_fields import (
    FIELDS,
    FieldError,
    check,
    error_text,
    field_of,
    field_row,
)

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

HINT_NAMES = 5  # clusters named in the "matches" hint; the rest are counted


def pairs_text(values: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(values.items()))


class MatchesFound(Message):
    """The clusters the selector being typed matches (``None``: it does not parse yet)."""

    def __init__(self, generation: int, clusters: list[MemberCluster] | None) -> None:
        self.generation = generation
        self.clusters = clusters
        super().__init__()


class NamespaceFormScreen(FormScreen[tuple[str, Task] | None]):
    DEFAULT_CSS = """
    NamespaceFormScreen .ns-matches { color: $text-muted; margin: 0 0 0 24; width: 1fr;
                                      height: auto; }
    NamespaceFormScreen .ns-matches.-warning { color: $warning; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]

    def __init__(self, instance: str, namespace: FleetNamespace | None = None) -> None:
        super().__init__(id="namespace-form")
        localize_bindings(self)
        self.instance = instance
        self.namespace = namespace
        self.busy = False
        self.matches: list[MemberCluster] | None = None
        self.generation = 0  # of the "matches N clusters" hint

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def creating(self) -> bool:
        return self.namespace is None

    def compose(self) -> ComposeResult:
        ns = self.namespace
        title = (t("ns_ui.form.create.title", instance=self.instance) if ns is None
                 else t("ns_ui.form.edit.title", name=ns.name))
        with Vertical(classes="dialog form-dialog ns-form"):
            yield Static(title, classes="dialog-title", markup=False)
            if ns is None:
                yield field_row(t("console.field.name"), Input(
                    placeholder=t("ns_ui.form.name.placeholder"), id="name", compact=True))
                yield FieldError("name")
            yield field_row(t("ns_ui.field.priority"), Input(
                value=str(ns.priority) if ns else "0", placeholder="0-9999", id="priority",
                compact=True))
            yield FieldError("priority")
            yield field_row(t("ns_ui.field.source"), Select(
                [(t("ns_ui.source.all"), "all"), (t("ns_ui.source.selector"), "selector")],
                value="selector" if ns and ns.selector else "all", allow_blank=False,
                id="source", compact=True))
            yield field_row(t("ns_ui.field.selector"), Input(
                value=pairs_text(ns.selector) if ns else "", placeholder="env=dev,tier=web",
                id="selector", compact=True, disabled=not (ns and ns.selector)))
            yield Static("", id="matches", classes="ns-matches", markup=False)
            yield FieldError("selector")
            yield field_row(t("console.field.labels"), Input(
                value=pairs_text(ns.labels) if ns else "", placeholder="team=pay,cost=42",
                id="labels", compact=True))
            yield FieldError("labels")
            yield field_row(t("ns_ui.field.cpu"), Input(
                value=(ns.cpu_limit or "") if ns else "",
                placeholder=t("ns_ui.form.cpu.placeholder"), id="cpu_limit", compact=True))
            yield FieldError("cpu_limit")
            yield field_row(t("ns_ui.field.memory"), Input(
                value=(ns.memory_limit or "") if ns else "",
                placeholder=t("ns_ui.form.memory.placeholder"), id="memory_limit", compact=True))
            yield FieldError("memory_limit")
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.create") if ns is None else t("console.save"),
                             variant="primary", id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("ns_ui.form.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name" if self.creating else "#priority", Input).focus()
        self.find_matches()

    # ---- values ----------------------------------------------------------------------------

    def text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    @property
    def all_clusters(self) -> bool:
        return self.query_one("#source", Select).value != "selector"

    def spec(self) -> NamespaceSpec:
        """What was typed, as the service reads it (raises the field's ValidationError)."""
        name = self.namespace.name if self.namespace else self.text("name").strip()
        return NamespaceSpec(
            name=name,
            priority=self.text("priority").strip(),
            selector={} if self.all_clusters else parse_labels(self.text("selector"),
                                                              field="selector"),
            labels=parse_labels(self.text("labels"), field="labels"),
            cpu_limit=self.text("cpu_limit").strip() or None,
            memory_limit=self.text("memory_limit").strip() or None,
        )

    # ---- as it is typed --------------------------------------------------------------------

    def field_error(self, field: str, text: str | None) -> None:
        self.query_one(f"#{field}-error", FieldError).say(text)
        for widget in self.query(f"#{field}"):
            widget.set_class(bool(text), "-invalid")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        field = event.input.id or ""
        if field not in FIELDS:
            return
        problem = check(field, event.value) if event.value.strip() else None
        self.field_error(field, error_text(problem) if problem else None)
        if field == "selector":
            self.find_matches()

    @on(Select.Changed, "#source")
    def _source_changed(self, event: Select.Changed) -> None:
        event.stop()
        selector = self.query_one("#selector", Input)
        selector.disabled = self.all_clusters
        if not self.all_clusters:
            selector.focus()
        else:
            self.field_error("selector", None)
        self.find_matches()

    def find_matches(self) -> None:
        """The live hint: which clusters the source matches now (from the cache)."""
        text = "" if self.all_clusters else self.text("selector")
        # not exclusive (a cancelled read is no saving): an answer to older text is dropped
        self.generation += 1
        workers.start(self, self._matches(self.generation, text), name="load:ns-matches",
                      group="load:form", description=t("ns_ui.worker.matches"))

    async def _matches(self, generation: int, text: str) -> None:
        try:
            selector = parse_labels(text, field="selector")
        except CcseoneError:
            self.post_message(MatchesFound(generation, None))
            return
        clusters = await self.shell.services.namespaces.matching_clusters(self.instance, selector)
        self.post_message(MatchesFound(generation, clusters))

    def on_matches_found(self, message: MatchesFound) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        hint = self.query_one("#matches", Static)
        self.matches = message.clusters
        if message.clusters is None:
            hint.update("")
            return
        names = [c.name for c in message.clusters]
        if not names:
            hint.update(t("ns_ui.form.matches.none"))
            hint.set_class(True, "-warning")
            return
        shown = ", ".join(names[:HINT_NAMES])
        if len(names) > HINT_NAMES:
            shown += ", " + t("console.more", count=len(names) - HINT_NAMES)
        hint.update(t("ns_ui.form.matches", count=len(names), names=shown))
        hint.set_class(False, "-warning")

    # ---- submit ----------------------------------------------------------------------------

    def show_error(self, error: CcseoneError) -> None:
        """Under its field when it names one, else on the dialog's error line."""
        field = field_of(error)
        if field is not None and self.query(f"#{field}-error"):
            self.field_error(field, error_text(error))
            self.query_one(f"#{field}", Input).focus()
            self.query_one(FormError).say(None)
        else:
            self.query_one(FormError).say(str(error))

    def action_submit(self) -> None:
        if self.busy:
            return
        self.query_one(FormError).say(None)
        try:
            spec = self.spec()
        except CcseoneError as exc:
            self.show_error(exc)
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        what = (t("ns_ui.what.create", name=spec.name) if self.creating
                else t("ns_ui.what.edit", name=spec.name))
        # a flow: it may wait on the keep/delete question and the typed confirmation
        workers.start(self, self._submit(spec), name=f"write:ns-form:{spec.name}",
                      group="flow", description=what)

    async def _submit(self, spec: NamespaceSpec) -> None:
        try:
            task = await self._run(spec)
        except CcseoneError as exc:
            self._ready()
            self.show_error(exc)
            return
        if task is None:  # a question was cancelled: back in the dialog
            self._ready()
            return
        self.dismiss((spec.name, task))

    async def _run(self, spec: NamespaceSpec) -> Task | None:
        service = self.shell.services.namespaces
        editing = self.namespace.name if self.namespace else None
        for field in FIELDS:
            if self.query(f"#{field}-error"):
                self.field_error(field, None)
        await service.validate(self.instance, spec, editing=editing)
        targets = await service.matching_clusters(self.instance, spec.selector)
        leaving = "keep"
        if self.namespace is not None and spec.selector != self.namespace.selector:
            gone = await service.leaving_clusters(self.instance, self.namespace.name,
                                                  spec.selector)
            if gone:
                from ccseone_tui.ui.screens.namespace_leaving import NamespaceLeavingScreen

                choice = await self.app.push_screen_wait(
                    NamespaceLeavingScreen(self.namespace.name, gone))
                if choice is None:
                    return None
                leaving = choice
                if leaving == "delete":
                    targets = [*targets, *gone]
        typed = await self._confirm(spec, targets)
        if typed is False:
            return None
        confirm = typed or None
        if self.namespace is None:
            task: Task = await service.create(self.instance, spec, confirm=confirm)
            return task
        return await service.edit(  # type: ignore[no-any-return]
            self.instance, self.namespace.name, priority=check_priority(spec.priority),
            labels=spec.labels, selector=spec.selector, cpu_limit=spec.cpu_limit,
            memory_limit=spec.memory_limit, leaving=leaving, confirm=confirm)

    async def _confirm(self, spec: NamespaceSpec, targets: list[MemberCluster]) -> str | bool:
        """Production clusters written to: their names typed (False: cancelled). A cluster
        still waiting to register is not written to now (it gets the namespace when it
        registers), so it is not asked about — the service's own rule."""
        production = sorted({c.name for c in targets
                             if self.shell.services.is_production(c) and not waiting(c)})
        if not production:
            return ""
        verb = "create" if self.creating else "edit"
        typed = await self.app.push_screen_wait(TypedConfirmScreen(
            t(f"ns_ui.confirm.{verb}", name=spec.name, count=len(targets)),
            t("ns_ui.confirm.body", clusters=", ".join(production)),
            expected=",".join(production)))
        return False if typed is None else typed

    def _ready(self) -> None:
        self.busy = False
        self.query_one("#submit", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)

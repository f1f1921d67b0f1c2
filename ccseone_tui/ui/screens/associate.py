"""Associate existing clusters (``a``, §3.1.3.2): pick the control instance and one or more
kubeconfig contexts; each is taken over at once. The per-context outcome — Ready, or the
§6.1 message and fix for that context — shows in the dialog before it closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, Switch
from textual.widgets.selection_list import Selection

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.domain.validation import parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.services import AssociateRequest
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.form import FormError, labels_problem, name_problem, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def normalize(url: str) -> str:
    return url.strip().rstrip("/").lower()


def outcome_text(name: str, outcome: MemberCluster | BaseException) -> Text:
    if isinstance(outcome, MemberCluster):
        p = outcome.probe
        nodes = f"{p.nodes_ready}/{p.nodes}" if p.nodes is not None else "—"
        return Text.assemble(("✓ ", "bold green"), (outcome.name, "bold"), "  ",
                             (t(f"status.cluster.{p.status.value}"), "green"),
                             f"  {p.version or ''}  {t('col.nodes')} {nodes}")
    text = Text.assemble(("✗ ", "bold red"), (name, "bold"), ": ")
    if isinstance(outcome, CcseoneError):
        text.append(outcome.message, style="red")
        if outcome.fix:
            text.append("\n    " + t("ui.error.fix", fix=outcome.fix), style="yellow")
    else:
        text.append(f"{type(outcome).__name__}: {outcome}", style="red")
    return text


class AssociateScreen(ModalScreen[int]):
    """Dismisses with the number of clusters associated."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "close", "key.close"),
        Binding("ctrl+s", "submit", "console.key.associate"),
    ]

    def __init__(self) -> None:
        super().__init__(id="associate")
        localize_bindings(self)
        self.contexts: dict[str, Any] = {}
        self.names: dict[str, str] = {}  # context -> console name, when changed
        self.highlighted: str | None = None
        self.associated = 0
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        shell = self.shell
        current = shell.current_instance
        options = [(f"{i.name}  ({i.region})", i.id) for i in shell.instances]
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("console.associate.title"), classes="dialog-title")
            yield row(t("console.field.instance"), Select(
                options, value=current.id if current else options[0][1], allow_blank=False,
                id="instance", compact=True))
            yield Label(t("console.associate.contexts"), classes="form-section")
            yield SelectionList[str](id="contexts", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("console.field.console_name"), classes="form-label",
                            id="console-name-label")
                yield Input(id="console-name", compact=True, disabled=True)
            yield row(t("console.field.labels"), Input(
                placeholder="env=prod,team=sre", id="labels", compact=True))
            yield row(t("console.field.protection"), Switch(True, id="protection",
                                                            animate=False))
            yield FormError()
            yield Static("", id="associate-results")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.associate"), variant="primary", id="submit")
                yield Button(t("console.close"), id="close")
            yield Static(t("console.associate.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        workers.start(self, self._load(), name="load:contexts", group="cache:dialog",
                      description=t("console.worker.contexts"), exclusive=True)

    async def _load(self) -> None:
        services = self.shell.services
        contexts = await services.clusters.contexts()
        clusters = await services.clusters.list()
        self.post_message(msg.ContextsLoaded(contexts, clusters))

    def on_contexts_loaded(self, message: msg.ContextsLoaded) -> None:
        message.stop()
        taken = {normalize(c.api_server): c.name for c in message.clusters if c.api_server}
        selections: list[Selection[str]] = []
        for ctx in message.contexts:
            self.contexts[ctx.name] = ctx
            prompt = Text.assemble((ctx.name, "bold"), "  ", (ctx.server, "cyan"), "  ",
                                   (ctx.user, "dim"))
            existing = taken.get(normalize(ctx.server))
            if existing:
                prompt.append("  " + t("console.associate.taken", name=existing), style="yellow")
            selections.append(Selection(prompt, ctx.name, False))
        contexts = self.query_one(SelectionList)
        contexts.clear_options()
        contexts.add_options(selections)
        if selections:
            contexts.highlighted = 0  # the name field follows the highlighted context
        if not selections:
            self.query_one(FormError).say(t("console.associate.no_contexts"))

    # ---- the per-context console name ----------------------------------------------------

    @on(SelectionList.SelectionHighlighted)
    def _highlighted(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        event.stop()
        ctx = event.selection.value
        self.highlighted = ctx
        self.query_one("#console-name-label", Label).update(
            t("console.field.console_name_for", context=ctx))
        name = self.query_one("#console-name", Input)
        name.disabled = False
        with name.prevent(Input.Changed):
            name.value = self.names.get(ctx, ctx)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "console-name" and self.highlighted:
            self.names[self.highlighted] = event.value.strip()
        self.query_one(FormError).say(self.validate())

    def chosen(self) -> list[str]:
        return list(self.query_one(SelectionList).selected)

    def validate(self) -> str | None:
        for ctx in self.chosen() or ([self.highlighted] if self.highlighted else []):
            problem = name_problem(t("console.field.console_name_for", context=ctx),
                                   self.names.get(ctx) or ctx)
            if problem:
                return problem
        return labels_problem(t("console.field.labels"), self.query_one("#labels", Input).value)

    # ---- associate -----------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_close()

    def action_submit(self) -> None:
        if self.busy:
            return
        error = self.query_one(FormError)
        chosen = self.chosen()
        if not chosen:
            error.say(t("console.associate.pick"))
            return
        problem = self.validate()
        error.say(problem)
        if problem:
            return
        labels = parse_labels(self.query_one("#labels", Input).value)
        protection = self.query_one("#protection", Switch).value
        requests = [AssociateRequest(context=ctx, name=self.names.get(ctx) or ctx,
                                     labels=labels, deletion_protection=protection)
                    for ctx in chosen]
        instance = str(self.query_one("#instance", Select).value)
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        self.query_one("#associate-results", Static).update(
            t("console.associate.running", count=len(requests)))
        workers.start(self, self._associate(instance, requests), name="write:associate",
                      group="write", description=t("console.associate.title"))

    async def _associate(self, instance: str, requests: list[AssociateRequest]) -> None:
        try:
            results = await self.shell.services.clusters.associate(instance, requests)
        except CcseoneError as exc:  # the whole request was refused (instance not Ready …)
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.post_message(msg.WriteFinished(list(zip(requests, results, strict=True))))

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        self.busy = False
        self.query_one("#submit", Button).disabled = False
        out = self.query_one("#associate-results", Static)
        if message.error is not None:
            out.update(outcome_text(t("console.field.instance"), message.error))
            return
        text = Text()
        contexts = self.query_one(SelectionList)
        for req, outcome in message.results:
            if text:
                text.append("\n")
            text.append_text(outcome_text(req.name or req.context, outcome))
            if isinstance(outcome, MemberCluster):
                self.associated += 1
                contexts.deselect(req.context)  # what failed stays selected, to retry
        out.update(text)
        self.query_one("#close", Button).focus()

    def action_close(self) -> None:
        self.dismiss(self.associated)

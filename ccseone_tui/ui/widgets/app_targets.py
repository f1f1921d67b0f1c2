"""Where an app goes: clusters picked by name or by a label selector, one namespace for all
of them, and optional per-cluster namespaces (``east-1=web-a,east-2=web-b``). Shows the
resulting cluster/namespace pairs as they change (production clusters marked PROD).

The picking is local: the instance's clusters are already in the cache, and a selector is
matched on their labels the way the namespaces service does (every key=value present).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from ccseone_tui.domain.apps import AppTarget
from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.domain.validation import check_resource_name, parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.ui.widgets.app_render import pairs_text
from ccseone_tui.ui.widgets.form import row

BY_NAME = "names"
BY_LABELS = "labels"


def matches(cluster: MemberCluster, selector: dict[str, str]) -> bool:
    return all(cluster.labels.get(k) == v for k, v in selector.items())


def resolve(clusters: list[MemberCluster], how: str, picked: list[str], selector_text: str,
            namespace: str, overrides_text: str) -> list[AppTarget]:
    """The target pairs the form describes; ``ValidationError`` naming the field otherwise."""
    ns_field = t("apps.ui.field.namespace")
    namespace = namespace.strip()
    check_resource_name(namespace, field=ns_field)
    overrides = parse_labels(overrides_text, field=t("apps.ui.field.ns_overrides"))
    if how == BY_LABELS:
        selector = parse_labels(selector_text, field=t("apps.ui.field.selector"))
        chosen = [c for c in clusters if matches(c, selector)]
    else:
        wanted = set(picked)
        chosen = [c for c in clusters if c.name in wanted]
    names = {c.name for c in chosen}
    for cluster, ns in overrides.items():
        if cluster not in names:
            raise ValidationError(t("apps.ui.field.ns_overrides"), cluster,
                                  t("apps.ui.rule.override_cluster"))
        check_resource_name(ns, field=t("apps.ui.field.ns_overrides"))
    return [AppTarget(c.name, overrides.get(c.name, namespace))
            for c in sorted(chosen, key=lambda c: c.name)]


class AppTargetPicker(Vertical):
    DEFAULT_CSS = """
    AppTargetPicker { height: auto; }
    AppTargetPicker #target-clusters { height: auto; max-height: 8; margin-bottom: 1; }
    AppTargetPicker #target-pairs { height: auto; margin-bottom: 1; }
    AppTargetPicker .-hidden { display: none; }
    AppTargetPicker #target-pairs.-error { color: $error; }
    """

    class Changed(Message):
        """The pairs (or the problem with the inputs) changed."""

    def __init__(self, is_production: Callable[[MemberCluster], bool],
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.is_production = is_production
        self.clusters: list[MemberCluster] = []
        self.problem: str | None = None
        self.pairs: list[AppTarget] = []

    def compose(self) -> ComposeResult:
        yield row(t("apps.ui.field.pick"), Select(
            [(t("apps.ui.pick.names"), BY_NAME), (t("apps.ui.pick.labels"), BY_LABELS)],
            value=BY_NAME, allow_blank=False, id="pick", compact=True))
        yield SelectionList[str](id="target-clusters", compact=True)
        yield row(t("apps.ui.field.selector"), Input(placeholder="env=prod", id="selector",
                                                      compact=True),
                  id="selector-row")
        yield row(t("apps.ui.field.namespace"), Input(value="default", id="namespace",
                                                       compact=True))
        yield row(t("apps.ui.field.ns_overrides"), Input(
            placeholder=t("apps.ui.ns_overrides.hint"), id="ns-overrides", compact=True))
        yield Static(t("apps.ui.targets.none"), id="target-pairs")

    def on_mount(self) -> None:
        self.query_one("#selector-row").set_class(True, "-hidden")

    def set_clusters(self, clusters: list[MemberCluster]) -> None:
        self.clusters = sorted(clusters, key=lambda c: c.name)
        options = self.query_one(SelectionList)
        options.clear_options()
        for c in self.clusters:
            label = c.name + ("  PROD" if self.is_production(c) else "")
            labels = ",".join(f"{k}={v}" for k, v in sorted(c.labels.items()))
            options.add_option(Selection(f"{label}  {labels}".rstrip(), c.name))
        if self.clusters:
            # options added after mount have no highlight: space would toggle nothing until
            # an arrow key was pressed
            options.highlighted = 0
        self.update_pairs()

    def pick(self, targets: list[AppTarget]) -> None:
        """Show ``targets`` (a draft's): clusters by name, the most common namespace for all,
        the others as per-cluster namespaces."""
        if not targets:
            return
        self.query_one("#pick", Select).value = BY_NAME
        options = self.query_one(SelectionList)
        for cluster in {x.cluster for x in targets}:
            options.select(cluster)
        spaces = [x.namespace for x in targets]
        common = max(set(spaces), key=spaces.count)
        self.query_one("#namespace", Input).value = common
        self.query_one("#ns-overrides", Input).value = ",".join(
            f"{x.cluster}={x.namespace}" for x in targets if x.namespace != common)
        self.update_pairs()

    @property
    def how(self) -> str:
        return str(self.query_one("#pick", Select).value)

    def targets(self) -> list[AppTarget]:
        """The pairs; ``CcseoneError`` naming the field when the inputs are wrong."""
        return resolve(self.clusters, self.how,
                       [str(v) for v in self.query_one(SelectionList).selected],
                       self.query_one("#selector", Input).value,
                       self.query_one("#namespace", Input).value,
                       self.query_one("#ns-overrides", Input).value)

    def update_pairs(self) -> None:
        out = self.query_one("#target-pairs", Static)
        try:
            self.pairs = self.targets()
            self.problem = None
        except CcseoneError as exc:
            self.pairs = []
            self.problem = t("console.form.invalid", field=exc.params.get("field", ""),
                             error=exc.message) if "field" in exc.params else exc.message
        by_name = {c.name: c for c in self.clusters}
        out.set_class(bool(self.problem), "-error")
        if self.problem:
            out.update(self.problem)
        elif not self.pairs:
            out.update(t("apps.ui.targets.none"))
        else:
            text = Text(t("apps.ui.targets.count", count=len(self.pairs)) + "\n", style="bold")
            text.append_text(pairs_text(
                (p.cluster, p.namespace, self.is_production(by_name[p.cluster]))
                for p in self.pairs))
            out.update(text)
        self.post_message(self.Changed())

    @on(Select.Changed, "#pick")
    def _how(self, event: Select.Changed) -> None:
        event.stop()
        labels = event.value == BY_LABELS
        self.query_one("#selector-row").set_class(not labels, "-hidden")
        self.query_one(SelectionList).set_class(labels, "-hidden")
        self.update_pairs()

    @on(SelectionList.SelectedChanged)
    def _picked(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.update_pairs()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.update_pairs()

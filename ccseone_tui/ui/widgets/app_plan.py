"""Per-target Compare (对比, guide §4.1 step 3): one line per target with what would change
and a **Compare** button that opens the side-by-side diff of the old and new rendered
manifests of that target (``DiffScreen``). Used by the upgrade and the rollback dialogs."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from ccseone_tui.i18n import t


def change_text(plan: Any) -> Text:
    """``changed`` / ``no change`` / ``new target`` / the error, for one target's plan."""
    if getattr(plan, "error", None):
        return Text(str(plan.error), style="bold red")
    if plan.old == plan.new:
        return Text(t("apps.ui.plan.same"), style="dim")
    if not plan.old.strip():
        return Text(t("apps.ui.plan.new"), style="bold green")
    old, new = plan.old.splitlines(), plan.new.splitlines()
    return Text(t("apps.ui.plan.changed", old=len(old), new=len(new)), style="bold yellow")


def open_compare(node: Any, title: str, plan: Any, old_label: str, new_label: str) -> None:
    """Push D's side-by-side ``DiffScreen`` for one target's plan."""
    from ccseone_tui.ui.screens.diff_screen import DiffScreen

    node.app.push_screen(DiffScreen(title, plan.old, plan.new, old_label=old_label,
                                    new_label=new_label))


class AppPlanList(VerticalScroll):
    DEFAULT_CSS = """
    AppPlanList { height: auto; max-height: 12; margin-bottom: 1; }
    AppPlanList .plan-row { height: 1; }
    AppPlanList .plan-target { width: 36; }
    AppPlanList .plan-change { width: 1fr; }
    AppPlanList .plan-row > Button { margin-left: 1; }
    """

    def __init__(self, app_name: str, *, old_label: str = "", new_label: str = "",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = app_name
        self.old_label = old_label or t("apps.ui.plan.old")
        self.new_label = new_label or t("apps.ui.plan.new_side")
        self.plans: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static(t("apps.ui.plan.none"), id="plan-empty")

    def show(self, plans: list[Any]) -> None:
        self.plans = list(plans)
        self.remove_children()
        if not self.plans:
            self.mount(Static(t("apps.ui.plan.none"), id="plan-empty"))
            return
        rows = []
        for i, plan in enumerate(self.plans):
            target = Text(f"{plan.target.cluster}/{plan.target.namespace}", style="bold cyan")
            rows.append(Horizontal(
                Static(target, classes="plan-target"),
                Static(change_text(plan), classes="plan-change"),
                Button(t("apps.ui.compare"), id=f"compare-{i}", compact=True,
                       disabled=bool(getattr(plan, "error", None))),
                classes="plan-row"))
        self.mount_all(rows)

    def compare(self, index: int) -> None:
        plan = self.plans[index]
        title = t("apps.ui.compare.title", app=self.app_name,
                  target=f"{plan.target.cluster}/{plan.target.namespace}")
        open_compare(self, title, plan, self.old_label, self.new_label)

    @on(Button.Pressed)
    def _compare(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("compare-"):
            event.stop()
            self.compare(int(button_id.removeprefix("compare-")))

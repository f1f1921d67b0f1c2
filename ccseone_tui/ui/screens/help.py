"""F1 / ``?``: every key, by where it works, and the console's concepts — in the current
language. Built from the same section table as the sidebar, so it cannot drift."""

from __future__ import annotations

from typing import Any, ClassVar

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.console_help import console_key_groups
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.sections import SECTIONS

KeyRows = list[tuple[str, str]]
CONCEPTS = ("instance", "cluster", "namespace", "app", "template", "task", "read_only")


def key_groups(refresh_interval: float, production_selector: str,
               section: str | None = None) -> list[tuple[str, KeyRows]]:
    """(title, [(key, what it does)]) for every place keys work; the help and tests read it.
    ``section``'s own keys come first among the console's (the right column's top)."""
    return [
        (t("help.global"), [
            *((s.key, t("help.goto", section=t(s.label_key))) for s in SECTIONS),
            ("i", t("help.key.instance")),
            ("r", t("help.key.refresh")),
            ("ctrl+p", t("help.key.palette")),
            ("F1  ?", t("help.key.help")),
            ("tab", t("help.key.tab")),
            ("ctrl+b  \\", t("help.key.sidebar")),
            ("q  ctrl+q", t("help.key.quit")),
        ]),
        (t("help.sidebar"), [
            ("↑ ↓", t("help.key.move")),
            ("enter", t("help.key.open")),
            (t("help.mouse"), t("help.key.click")),
        ]),
        (t("help.lists"), [
            ("/", t("help.key.filter")),
            ("enter", t("help.key.filter_done")),
            ("esc", t("help.key.escape")),
            ("↑ ↓ pgup pgdn home end", t("help.key.rows")),
        ]),
        (t("help.sections"), [
            (f"{t('nav.instances')}: enter", t("help.instances.enter")),
            (f"{t('nav.clusters')}: r",
             t("help.clusters.r", seconds=f"{refresh_interval:g}")),
            (f"{t('nav.clusters')}: PROD",
             t("help.clusters.prod", selector=production_selector)),
        ]),
        *console_key_groups(section),  # every section's keys, then the dialogs
    ]


def _keys_table(title: str, rows: KeyRows) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_edge=False, expand=True, pad_edge=False)
    table.add_column(t("help.col.key"), style="bold yellow", no_wrap=True)
    table.add_column(t("help.col.action"), ratio=1)
    for key, action in rows:
        table.add_row(key, action)
    return table


def _stack(groups: list[tuple[str, KeyRows]]) -> RenderableType:
    parts: list[RenderableType] = []
    for title, rows in groups:
        if parts:
            parts.append(Text(""))
        parts.append(_keys_table(title, rows))
    return Group(*parts)


def _concepts() -> RenderableType:
    parts: list[RenderableType] = [Text(t("help.concepts"), style="bold")]
    for c in CONCEPTS:
        line = Text.assemble((t(f"concept.{c}"), "bold cyan"), " — ")
        for i, chunk in enumerate(t(f"concept.{c}.text").split("`")):
            line.append(chunk, style="bold" if i % 2 else "")
        parts += [Text(""), line]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,f1,question_mark,q", "close", "key.close", key_display="esc"),
    ]

    def __init__(self) -> None:
        super().__init__(id="help")
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        settings = self.app.services.settings  # type: ignore[attr-defined]
        main = getattr(self.app, "main", None)
        groups = key_groups(settings.refresh_interval, settings.production_selector,
                            getattr(main, "section", None))
        with Vertical(classes="dialog help-dialog"):
            yield Static(t("help.title"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                with Horizontal(id="help-columns"):
                    # global keys and the list keys left; the console's writes right
                    yield Static(_stack(groups[:4]), classes="help-column")
                    yield Static(_stack(groups[4:]), classes="help-column")
                yield Static(_concepts(), id="help-concepts")
            yield Static(t("help.close_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

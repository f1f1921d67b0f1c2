"""The console's navigation: group headers and sections, by keyboard and by mouse."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ccseone_tui.i18n import t
from ccseone_tui.ui.messages import NavigateTo
from ccseone_tui.ui.sections import SECTIONS, Section


class NavSidebar(OptionList):
    """Group headers are disabled options (the cursor skips them); Enter or a click opens.

    The highlight is where the cursor is; the section on screen is marked with a bar, so
    the two can differ while the user browses the list.
    """

    def __init__(self) -> None:
        self.current = ""
        options: list[Option | None] = []
        group = ""
        for s in SECTIONS:
            if s.group_key != group:
                if group:
                    options.append(None)
                group = s.group_key
                options.append(Option(Text(t(group)), id=f"group:{group}", disabled=True))
            options.append(Option(self._prompt(s, False), id=s.id))
        super().__init__(*options, id="sidebar")

    @staticmethod
    def _prompt(s: Section, current: bool) -> Text:
        return Text.assemble(
            ("▍" if current else " ", "bold magenta"),
            (f"{s.key} ", "dim"),
            (t(s.label_key), "bold" if current else ""),
        )

    def mark_current(self, section_id: str) -> None:
        """Mark ``section_id`` as the one on screen and move the highlight to it."""
        for s in SECTIONS:
            if s.id in (self.current, section_id):
                self.replace_option_prompt(s.id, self._prompt(s, s.id == section_id))
        self.current = section_id
        self.highlighted = self.get_option_index(section_id)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(NavigateTo(event.option.id))

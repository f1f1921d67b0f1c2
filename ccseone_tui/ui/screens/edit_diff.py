"""After ``$EDITOR``: what the edit changes, side by side (the Compare view), and the
question. ``y`` applies, Esc (or ``q``) keeps the cluster as it is; the edit is dropped."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding

from ccseone_tui.i18n import t
from ccseone_tui.ui.screens.diff_screen import DiffScreen


class EditDiffScreen(DiffScreen):
    """Dismisses with True (apply) or None (drop)."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("y", "apply", "res_ui.key.apply", id="edit-diff.apply"),
    ]

    def __init__(self, title: str, old: str, new: str) -> None:
        super().__init__(title, old, new, old_label=t("res_ui.edit.cluster"),
                         new_label=t("res_ui.edit.edited"), id="edit-diff")

    def action_apply(self) -> None:
        self.dismiss(True)  # type: ignore[arg-type]

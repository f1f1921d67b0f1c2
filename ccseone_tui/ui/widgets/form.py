"""Pieces of the modal forms: a labelled row, the error line that names the wrong field, and
validate-as-you-type checks built on the domain rules (never a copy of them)."""

from __future__ import annotations

from collections.abc import Callable

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.validation import check_resource_name, parse_labels
from ccseone_tui.i18n import t


def row(label: str, widget: Widget, *, id: str | None = None) -> Horizontal:
    """``label  [widget]`` on one line."""
    return Horizontal(Label(label, classes="form-label"), widget, classes="form-row", id=id)


def problem(field: str, check: Callable[[], object]) -> str | None:
    """Run a domain check; its failure as one line that names the field, with the fix."""
    try:
        check()
    except CcseoneError as exc:
        text = t("console.form.invalid", field=field, error=exc.message)
        return f"{text} — {exc.fix}" if exc.fix else text
    return None


def name_problem(field: str, value: str) -> str | None:
    return problem(field, lambda: check_resource_name(value.strip(), field=field))


def labels_problem(field: str, value: str) -> str | None:
    return problem(field, lambda: parse_labels(value, field=field))


class FormError(Static):
    """One line under the form: the first problem, or nothing."""

    DEFAULT_CSS = """
    FormError { color: $error; height: auto; margin-top: 1; display: none; }
    FormError.-shown { display: block; }
    """

    def __init__(self, id: str = "form-error") -> None:
        super().__init__("", id=id, markup=False)
        self.text = ""

    def say(self, text: str | None) -> None:
        self.text = text or ""
        self.update(self.text)
        self.set_class(bool(text), "-shown")

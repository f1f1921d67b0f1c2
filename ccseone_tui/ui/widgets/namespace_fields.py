"""The namespace form's fields: each input's own error line, and which field an error names.

The service's ``validate`` raises a ``ValidationError`` whose ``field`` says where the problem
is (``name``, ``priority``, ``selector[env]``, ``labels[team]``, ``cpu_limit`` …); the form
shows it under that input. While typing, the same domain rules run on the one field that
changed (never a copy of them), so most mistakes are seen before submitting.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label, Static

from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.validation import (
    check_namespace_name,
    check_priority,
    check_quantity,
    parse_labels,
)

# the form's inputs, by the field names the service uses (and the aliases it might)
FIELDS = ("name", "priority", "selector", "labels", "cpu_limit", "memory_limit")
ALIASES = {
    "cpu": "cpu_limit", "limits.cpu": "cpu_limit", "cpu-limit": "cpu_limit",
    "memory": "memory_limit", "limits.memory": "memory_limit", "memory-limit": "memory_limit",
    "source": "selector",
}


def field_of(error: CcseoneError) -> str | None:
    """The form field an error belongs to (``labels[team]`` -> ``labels``), or None."""
    field = str(error.params.get("field", "")) if isinstance(error, ValidationError) else ""
    base = field.split("[", 1)[0].strip()
    base = ALIASES.get(base, base)
    return base if base in FIELDS else None


def error_text(error: CcseoneError) -> str:
    """The message (field, value, rule) and the fix — the fix only when it adds something."""
    params = error.params
    if isinstance(error, ValidationError) and params.get("hint") == params.get("rule"):
        return error.message
    return str(error)


def checks() -> dict[str, Callable[[str], object]]:
    """Per field, the domain check of what was typed (an empty limit means no limit)."""
    return {
        "name": lambda v: check_namespace_name(v.strip(), field="name"),
        "priority": lambda v: check_priority(v, field="priority"),
        "selector": lambda v: parse_labels(v, field="selector"),
        "labels": lambda v: parse_labels(v, field="labels"),
        "cpu_limit": lambda v: check_quantity(v, "cpu_limit") if v.strip() else None,
        "memory_limit": lambda v: check_quantity(v, "memory_limit") if v.strip() else None,
    }


def check(field: str, value: str) -> CcseoneError | None:
    try:
        checks()[field](value)
    except CcseoneError as exc:
        return exc
    return None


class FieldRow(Horizontal):
    """``label  [input]`` with no gap below: the field's error line is the gap."""

    DEFAULT_CSS = """
    FieldRow { height: auto; min-height: 1; }
    FieldRow > Input, FieldRow > Select { width: 1fr; }
    """


def field_row(label: str, widget: Widget) -> FieldRow:
    return FieldRow(Label(label, classes="form-label"), widget)


class FieldError(Static):
    """The line under one input: what is wrong with it, or blank (it is the space between
    two rows, so an error appears right under its input without moving the others much)."""

    DEFAULT_CSS = """
    FieldError { color: $error; width: 1fr; height: auto; min-height: 1; margin: 0 0 0 24; }
    """

    def __init__(self, field: str) -> None:
        super().__init__("", id=f"{field}-error", markup=False, classes="field-error")
        self.field = field
        self.text = ""

    def say(self, text: str | None) -> None:
        self.text = text or ""
        self.update(self.text)
        self.set_class(bool(text), "-shown")

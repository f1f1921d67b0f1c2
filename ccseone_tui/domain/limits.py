"""Documented size limits on free text and numbers the user types (#14 item 9).

Each check lives in the service layer (or here, called from it) so the CLI and the TUI refuse
the same input with the same message; only CLI-only flags (``apps diff --width``) are checked
in argparse. YAML inputs have their own limits in :mod:`ccseone_tui.domain.safe_yaml`
(values ≤ 1 MiB there). docs/security.md "Input limits" lists them all.
"""

from __future__ import annotations

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.i18n import t

MAX_DESCRIPTION = 256  # instances, templates, apps: one line shown in lists and details
MAX_MESSAGE = 1024  # an app change message (history), like a commit message
DIFF_WIDTH_MIN, DIFF_WIDTH_MAX = 40, 1000  # `apps diff --width`: two panes need >= 40


def shown(value: str, keep: int = 40) -> str:
    """``value`` cut for an error message: a 120 KB paste must not become a 120 KB error."""
    return value if len(value) <= keep else f"{value[:keep]}… ({len(value):,} chars)"


def check_text(value: str | None, field: str, max_len: int) -> str | None:
    """``value`` if it holds at most ``max_len`` characters; ``ValidationError`` otherwise."""
    if value is not None and len(value) > max_len:
        raise ValidationError(field, shown(value), t("rule.text_length", limit=max_len),
                              t("fix.text_length", limit=max_len))
    return value


def check_description(value: str | None, field: str = "description") -> str | None:
    return check_text(value, field, MAX_DESCRIPTION)


def check_message(value: str | None, field: str = "message") -> str | None:
    return check_text(value, field, MAX_MESSAGE)


def check_diff_width(value: int, field: str = "--width") -> int:
    if not DIFF_WIDTH_MIN <= value <= DIFF_WIDTH_MAX:
        raise ValidationError(field, value, t("rule.diff_width", low=DIFF_WIDTH_MIN,
                                              high=DIFF_WIDTH_MAX),
                              t("fix.diff_width", low=DIFF_WIDTH_MIN, high=DIFF_WIDTH_MAX))
    return value

"""Text from users and clusters made safe to print on a terminal (#14 item 10).

A description, a label, a Kubernetes event message or a container's log line may hold
control characters: ``ESC [ 2 J`` clears the screen, ``ESC ] 0 ;`` retitles the window,
OSC 52 writes the clipboard, a bare ``CR`` overwrites what the line said, and the 8-bit C1
``CSI`` (U+009B) does the same as ``ESC [`` on some terminals. Whatever reaches a table, a
message or the TUI goes through :func:`printable`, which shows each control as a visible
escape (``ESC`` → ``^[``, U+009B → ``<9b>``) so the text stays readable and nothing is lost.

JSON and YAML output are exact (their formats escape controls); log lines may keep their SGR
colours when the user asks (``logs --ansi``): :func:`printable` with ``keep_sgr=True``.
"""

from __future__ import annotations

import re

# C0 except TAB and LF, DEL, C1. LF is allowed only where the text is multi-line.
_CONTROLS_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROLS_MULTI_LINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# SGR ("Select Graphic Rendition": colours, bold …): ESC [ params m, nothing else
SGR = re.compile(r"\x1b\[[0-9;:]*m")
_SGR_OR_CONTROL_ONE_LINE = re.compile(r"\x1b\[[0-9;:]*m|[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SGR_OR_CONTROL_MULTI_LINE = re.compile(r"\x1b\[[0-9;:]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) > 1:  # an SGR sequence kept on purpose
        return text
    code = ord(text)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation, as `cat -v` and less(1) show it
    if code == 0x7F:
        return "^?"
    return f"<{code:02x}>"  # C1: no caret form; cat -v's M-^[ reads worse


def printable(text: str, *, multiline: bool = False, keep_sgr: bool = False) -> str:
    """``text`` with every control character but TAB (and LF when ``multiline``) shown as a
    visible escape; ``keep_sgr`` leaves well-formed colour sequences (``ESC [ … m``) alone,
    and only those."""
    if multiline:
        text = text.replace("\r\n", "\n")
        pattern = _SGR_OR_CONTROL_MULTI_LINE if keep_sgr else _CONTROLS_MULTI_LINE
    else:
        pattern = _SGR_OR_CONTROL_ONE_LINE if keep_sgr else _CONTROLS_ONE_LINE
    return pattern.sub(_visible, text)


def strip_sgr(text: str) -> str:
    """``text`` without its colour sequences (the default for log lines: ``ESC[31m`` reads as
    noise once the ESC itself is escaped)."""
    return SGR.sub("", text) if "\x1b" in text else text


def printable_value(value: object) -> str:
    """``printable(str(value))``, ``""`` for ``None``: one table cell."""
    return "" if value is None else printable(str(value))

"""#14 item 10: control characters from users and clusters are shown, never obeyed, wherever
text is printed (CLI tables, errors, log lines, the TUI's tables and log view); JSON/YAML
output stays exact; log colours survive only when asked for."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from rich.style import Style

from ccseone_tui.cli.logs_cmd import format_record
from ccseone_tui.cli.output import emit
from ccseone_tui.domain.text import printable, strip_sgr
from ccseone_tui.services.logs.stream import LogRecord
from ccseone_tui.ui.widgets.log_buffer import LogLine
from ccseone_tui.ui.widgets.log_render import RenderOptions, RowStyles, render_rows
from ccseone_tui.ui.widgets.table_model import Column
from ccseone_tui.ui.widgets.table_render import render_cells

# clear screen, retitle the window (OSC 0, BEL), 8-bit CSI, a CR that hides what came before
HOSTILE = "ok\x1b[2J\x1b]0;pwned\x07 \x9b31m x\rfake"
RAW = ("\x1b", "\x07", "\x9b", "\r")


def raw_controls(text: str) -> list[str]:
    return [c for c in RAW if c in text]


def test_printable_shows_each_control() -> None:
    assert printable(HOSTILE) == "ok^[[2J^[]0;pwned^G <9b>31m x^Mfake"
    assert printable("a\tb\nc") == "a\tb^Jc"  # one line: a newline is shown, not obeyed
    assert printable("a\r\nb\x00", multiline=True) == "a\nb^@"
    assert printable("\x1b[31mred\x1b[0m \x1b]8;;x\x07", keep_sgr=True) == (
        "\x1b[31mred\x1b[0m ^[]8;;x^G")
    assert strip_sgr("\x1b[1;31mred\x1b[0m") == "red"
    assert printable("plain 中文") == "plain 中文"


def test_cli_table_escapes_but_json_and_yaml_stay_exact() -> None:
    rows = [{"name": "web", "description": HOSTILE}]
    out = io.StringIO()
    emit(rows, "table", [("name", "NAME"), ("description", "DESCRIPTION")], out=out)
    assert raw_controls(out.getvalue()) == [] and "^[]0;pwned^G" in out.getvalue()

    out = io.StringIO()
    emit(rows, "json", out=out)
    assert raw_controls(out.getvalue()) == []  # C1 written as \u009b: same JSON value
    assert json.loads(out.getvalue())[0]["description"] == HOSTILE

    import yaml

    out = io.StringIO()
    emit(rows, "yaml", out=out)
    assert raw_controls(out.getvalue()) == []
    assert yaml.safe_load(out.getvalue())[0]["description"] == HOSTILE


def test_log_lines_strip_colours_unless_ansi() -> None:
    record = LogRecord("c1/web-1/app", "\x1b[31mERROR\x1b[0m boom\x1b]52;c;ZXZpbA==\x07")
    assert format_record(record, False) == "[c1/web-1/app] ERROR boom^[]52;c;ZXZpbA==^G"
    assert format_record(record, False, ansi=True) == (
        "[c1/web-1/app] \x1b[31mERROR\x1b[0m boom^[]52;c;ZXZpbA==^G")


STYLES = RowStyles(Style(), Style(), Style(reverse=True), Style(bold=True), Style())


def rendered(line: LogLine, **options: object) -> str:
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    rows = render_rows(line, RenderOptions(width=200, **options), STYLES,  # type: ignore[arg-type]
                       console)
    return "".join(seg.text for row in rows for seg in row)


def test_tui_log_view_shows_controls_and_colours_only_on_request() -> None:
    line = LogLine("c1/web", "\x1b[31mERROR\x1b[0m \x1b]0;pwned\x07 \x9b2J")
    text = rendered(line)
    assert raw_controls(text) == [] and "ERROR ^[]0;pwned^G <9b>2J" in text
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    rows = render_rows(line, RenderOptions(width=200, ansi=True), STYLES, console)
    segments = [seg for row in rows for seg in row]
    assert raw_controls("".join(s.text for s in segments)) == []
    red = [s for s in segments if s.text == "ERROR"]
    assert red and red[0].style is not None and red[0].style.color is not None


@pytest.mark.parametrize("cell", [HOSTILE, 42])
def test_tui_table_cells_are_escaped(cell: object) -> None:
    from rich.text import Text

    console = Console(width=200)
    for value in (cell, Text(str(cell), style="bold")):
        strip = render_cells([value], [Column("d", "D")], [60], Style(), console)
        text = "".join(seg.text for seg in strip)
        assert raw_controls(text) == []

"""Headless output: ``-o table|json|yaml`` for every command, one renderer.

Commands hand over plain rows (lists of dicts) plus the columns a table shows; JSON and YAML
print every field so scripts get everything, tables stay readable in a terminal.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from ccseone_tui.domain.text import printable_value

_C1 = re.compile("[\x80-\x9f]")


def plain(value: Any) -> Any:
    """Dataclasses, enums and tuples → JSON-ready structures."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """``columns`` = [(key, HEADER)]; CJK-aware widths like kubectl's plain table."""
    # cells hold user and cluster text: one line each, controls shown, never obeyed
    cells = [[printable_value(r.get(k)) for k, _ in columns] for r in rows]
    widths = [cell_len(h) for _, h in columns]
    for row in cells:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["   ".join(_pad(h, w) for (_, h), w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("   ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def emit(
    data: Any,
    fmt: str,
    columns: Sequence[tuple[str, str]] | None = None,
    *,
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    value = plain(data)
    if fmt == "json":
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        # JSON escapes C0 itself; C1 (U+0080..U+009F, e.g. the 8-bit CSI) only appears inside
        # strings, where \u escapes are the same value: exact for parsers, inert on a tty
        out.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    elif fmt == "yaml":
        out.write(to_yaml(value))
    else:
        rows = value if isinstance(value, list) else [value]
        if columns is None:
            columns = [(k, k.upper()) for k in (rows[0] if rows else {})]
        out.write(format_table(rows, columns) + "\n")


def to_yaml(value: Any) -> str:
    """YAML with multi-line strings (values files, manifests, diffs) as ``|`` blocks, so they
    read as they were written instead of one escaped line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        # a block needs no trailing spaces on any line; otherwise keep PyYAML's quoting
        block = "\n" in data and not any(line != line.rstrip() for line in data.splitlines())
        return dumper.represent_scalar("tag:yaml.org,2002:str", data,
                                       style="|" if block else None)

    Dumper.add_representer(str, text)
    return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False)

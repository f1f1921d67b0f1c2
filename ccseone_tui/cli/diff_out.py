"""`apps diff` printers: the side-by-side diff as text (like ``diff -y``, with our object
headers, line numbers and folds) and unified text; ANSI colours only when asked.

Same layout as the TUI's `DiffView`: ``{line no} {sign} {text}`` per half, ``│`` between,
long lines cut with ``…``, so what a user sees in the console and in a terminal agrees.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from ccseone_tui.i18n import t
from ccseone_tui.templates.diff import DiffRow, Fold, ManifestDiff, Span, unified_lines

__all__ = ["side_by_side", "summary", "unified", "unified_text"]

RESET = "\x1b[0m"
# 256-colour backgrounds: readable on dark and light terminals, spans a step stronger
REMOVED, REMOVED_SPAN = "\x1b[48;5;52m", "\x1b[1;48;5;124m"
ADDED, ADDED_SPAN = "\x1b[48;5;22m", "\x1b[1;48;5;28m"
HEADER, DIM, GUTTER = "\x1b[1;36m", "\x1b[2m", "\x1b[2m"
HUNK, MINUS, PLUS, BOLD = "\x1b[36m", "\x1b[31m", "\x1b[32m", "\x1b[1m"
_LEFT_SIGN = {"delete": "-", "replace": "-"}
_RIGHT_SIGN = {"insert": "+", "replace": "+"}


def summary(diff: ManifestDiff) -> str:
    """One line: lines and objects that differ (or that nothing does)."""
    s = diff.stats
    if diff.identical:
        return t("diff.cli.identical")
    return t("diff.stats", added=s.added, removed=s.removed, changed=s.changed,
             differing=s.objects_differing, objects=s.objects, objects_added=s.objects_added,
             objects_removed=s.objects_removed, objects_changed=s.objects_changed)


def _fit(text: str, width: int) -> str:
    """Exactly ``width`` cells: cut with … or padded."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _pieces(text: str, spans: tuple[Span, ...], width: int, line: str, span: str,
            color: bool) -> str:
    """The text fitted to ``width``; with colour, spans in ``span`` on a ``line`` ground."""
    text = text.replace("\t", " ")
    plain = _fit(text, width)
    if not color:
        return plain
    if not line:
        return plain
    if not spans:
        return f"{line}{plain}{RESET}"
    # the fitted text keeps the original characters up to the cut: colour by offset
    keep = len(text) if cell_len(text) <= width else len(plain) - 1
    out, pos = [line], 0
    for start, end in spans:
        start, end = min(start, keep), min(end, keep)
        if start >= end:
            continue
        out += [plain[pos:start], RESET, span, plain[start:end], RESET, line]
        pos = end
    out += [plain[pos:], RESET]
    return "".join(out)


def _half(number: int | None, sign: str, text: str, spans: tuple[Span, ...], width: int,
          nw: int, line: str, span: str, color: bool) -> str:
    head = f"{number if number is not None else '':>{nw}} {sign} "[:max(0, width)]
    body = _pieces(text, spans, width - len(head), line, span, color)
    if color:
        return f"{line or GUTTER}{head}{RESET}{body}"
    return head + body


def _row(diff: ManifestDiff, item: DiffRow | Fold, width: int, nw: int, color: bool) -> str:
    left_w = (width - 1) // 2
    right_w = width - 1 - left_w
    gutter = " " * (nw + 3)
    if isinstance(item, Fold):
        text = _fit(gutter + t("diff.cli.fold", count=f"{item.hidden:,}"), width).rstrip()
        return f"{DIM}{text}{RESET}" if color else text
    if item.tag == "header":
        r = diff.resources[item.resource]
        counts = f" +{r.added} −{r.removed} ~{r.changed}" if r.status == "changed" else ""
        source = r.new_source or r.old_source
        note = f"({t(f'diff.status.{r.status}')}{counts}" + (f" · {source})" if source else ")")
        text = _fit(f"{r.marker:>{nw}}  {r.key}  {note}", width).rstrip()
        return f"{HEADER}{text}{RESET}" if color else text
    tag = item.tag
    left_line = REMOVED if tag in ("delete", "replace") else ""
    right_line = ADDED if tag in ("insert", "replace") else ""
    left = _half(item.left_no, _LEFT_SIGN.get(tag, " "), "" if tag == "insert" else item.left,
                 item.left_spans, left_w, nw, left_line, REMOVED_SPAN, color)
    right = _half(item.right_no, _RIGHT_SIGN.get(tag, " "),
                  "" if tag == "delete" else item.right, item.right_spans, right_w, nw,
                  right_line, ADDED_SPAN, color)
    line = f"{left}│{right}"
    return line if color and right_line else line.rstrip()


def side_by_side(diff: ManifestDiff, width: int = 160, *, color: bool = False,
                 old_label: str = "", new_label: str = "") -> str:
    """The diff as ``width``-column text: a label line, then one line per row (folded as
    the diff is; pass ``diff.unfolded()`` for every line). "" when both sides are empty."""
    if not diff.rows:
        return ""
    width = max(width, 40)
    nw = max(3, len(str(max((max(len(o.old_lines), len(o.new_lines)) for o in diff.objects),
                            default=0))))
    left_w = (width - 1) // 2
    labels = (_fit(" " * (nw + 3) + (old_label or t("diff.old")), left_w) + "│"
              + (" " * (nw + 3) + (new_label or t("diff.new")))).rstrip()
    lines = [f"{BOLD}{labels}{RESET}" if color else labels]
    lines += [_row(diff, item, width, nw, color) for item in diff.rows]
    return "\n".join(lines) + "\n"


def unified_text(diff: ManifestDiff, *, color: bool = False, old_label: str = "old",
                 new_label: str = "new", context: int | None = None) -> str:
    """Unified diff of every object that differs (``--- old/Kind/ns/name`` …); "" if none."""
    out = []
    for line in unified_lines(diff, old_label=old_label, new_label=new_label,
                              context=context):
        if color:
            if line.startswith(("---", "+++")):
                line = f"{BOLD}{line}{RESET}"
            elif line.startswith("@@"):
                line = f"{HUNK}{line}{RESET}"
            elif line.startswith("-"):
                line = f"{MINUS}{line}{RESET}"
            elif line.startswith("+"):
                line = f"{PLUS}{line}{RESET}"
        out.append(line + "\n")
    return "".join(out)


unified = unified_text
"""The name the brief's contract uses."""

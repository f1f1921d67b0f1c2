"""`apps diff` printers: side-by-side text (widths, folds, headers, cut lines) and unified
text, with and without ANSI colours."""

from __future__ import annotations

import re

from rich.cells import cell_len

from ccseone_tui.cli.diff_out import side_by_side, summary, unified, unified_text
from ccseone_tui.i18n import set_language
from ccseone_tui.templates.diff import diff_manifests

ANSI = re.compile(r"\x1b\[[0-9;]*m")
OLD = """\
---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop
data:
  a: one
  b: two
  c: three
  d: four
  e: five
  f: six
  g: seven
  h: eight
  level: info
  note: 这是一个很长的中文说明文字用来测试按显示宽度截断是否正确处理了双宽度字符的情况
"""
NEW = OLD.replace("level: info", "level: debug") + """\
---
# Source: web/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
"""


def test_side_by_side_plain() -> None:
    diff = diff_manifests(OLD, NEW)
    text = side_by_side(diff, 100, old_label="rev 1", new_label="rev 2")
    lines = text.splitlines()
    assert "\x1b" not in text
    assert lines[0].split("│")[0].strip() == "rev 1" and lines[0].endswith("rev 2")
    assert lines[1].startswith("  ~  ConfigMap/shop/web  (changed +0 −0 ~1 · web/templates")
    assert lines[2].strip() == "⋯ 11 unchanged lines"
    changed = next(line for line in lines if "level:" in line)
    left, right = changed.split("│")
    assert left.rstrip() == " 15 -   level: info" and right == " 15 +   level: debug"
    # every line fits; a cut line ends in …; the separator sits in one column
    assert all(cell_len(line) <= 100 for line in lines)
    note = next(line for line in lines if "note:" in line)
    assert note.split("│")[0].endswith("…")
    columns = {cell_len(line.split("│")[0]) for line in lines if "│" in line}
    assert columns == {49}
    added = [line for line in lines if line.startswith(" " * 49 + "│")]
    assert [line.split("│")[1] for line in added][:2] == ["  1 + apiVersion: v1",
                                                          "  2 + kind: Service"]
    assert "  +  Service/shop/web  (added · web/templates/svc.yaml)" in lines


def test_side_by_side_unfolded_and_empty() -> None:
    diff = diff_manifests(OLD, NEW)
    full = side_by_side(diff.unfolded(), 120)
    assert "unchanged lines" not in full and "  a: one" in full
    assert side_by_side(diff_manifests("", ""), 80) == ""


def test_side_by_side_colour() -> None:
    text = side_by_side(diff_manifests(OLD, NEW), 100, color=True)
    plain = ANSI.sub("", text)
    # the same text; a coloured row keeps its padding so the ground reaches the edge
    assert [line.rstrip() for line in plain.splitlines()[1:]] == side_by_side(
        diff_manifests(OLD, NEW), 100).splitlines()[1:]
    changed = next(line for line in text.splitlines() if "level:" in line)
    # the changed word in the strong colour, the rest of the line on the light ground
    assert "\x1b[1;48;5;124minfo\x1b[0m" in changed
    assert "\x1b[1;48;5;28mdebug\x1b[0m" in changed
    assert "\x1b[48;5;52m" in changed and "\x1b[48;5;22m" in changed


def test_unified_text() -> None:
    diff = diff_manifests(OLD, NEW)
    text = unified_text(diff, old_label="rev1", new_label="rev2")
    assert text.startswith("--- rev1/ConfigMap/shop/web\n+++ rev2/ConfigMap/shop/web\n@@")
    assert "-  level: info\n+  level: debug\n" in text
    assert "--- /dev/null\n+++ rev2/Service/shop/web\n" in text
    coloured = unified(diff, color=True, old_label="rev1", new_label="rev2")
    assert ANSI.sub("", coloured) == text
    assert "\x1b[31m-  level: info\x1b[0m" in coloured
    assert unified_text(diff_manifests(OLD, OLD)) == ""
    assert "@@ -15 +15 @@" in unified_text(diff, context=0)


def test_summary_in_both_languages() -> None:
    diff = diff_manifests(OLD, NEW)
    assert summary(diff) == "+5 −0 ~1 lines · 2 of 2 objects differ (+1 −0 ~1)"
    assert summary(diff_manifests(OLD, OLD)).startswith("No differences")
    set_language("zh_CN")
    try:
        assert summary(diff).startswith("+5 −0 ~1 行")
        assert "⋯ 11 行未改变" in side_by_side(diff, 100)
    finally:
        set_language("en")

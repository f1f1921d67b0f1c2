"""`-o yaml` prints multi-line strings (values, manifests, unified diffs) as ``|`` blocks and
still round-trips every string exactly."""

from __future__ import annotations

import io

import pytest
import yaml

from ccseone_tui.cli.output import emit, to_yaml


def test_multiline_values_are_blocks() -> None:
    out = io.StringIO()
    emit({"name": "web", "values": "replicas: 2\nimage:\n  tag: '1.25'\n"}, "yaml", out=out)
    assert "values: |\n  replicas: 2\n  image:\n    tag: '1.25'\n" in out.getvalue()


@pytest.mark.parametrize("text", [
    "a\nb", "a\nb\n", "a\nb\n\n", "  indented\nfirst\n", "trailing \nspace\n", "tab\there\n",
    "--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\n", "中文\n第二行\n", "\n", "one line", "",
    "# comment\nkey: 'quoted'\n", "x: \"y\"\r\nz\n",
])
def test_every_string_round_trips(text: str) -> None:
    data = [{"s": text, "n": 1, "nested": {"t": text}}]
    assert yaml.safe_load(to_yaml(data)) == data

"""#14 item 3: YAML bombs, deep nesting and recursive aliases are refused before any object
is built, with the field and the rule; ordinary anchors still load."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.safe_yaml import (
    DOCUMENT_LIMITS,
    VALUES_LIMITS,
    YamlLimitExceeded,
    YamlLimits,
)
from ccseone_tui.i18n import set_language
from ccseone_tui.kube.kubeconfig import list_contexts
from ccseone_tui.services.apps.manifests import from_text
from ccseone_tui.templates.chart_repo import parse_index
from ccseone_tui.templates.diff_parse import parse_manifest
from ccseone_tui.templates.render import parse_values, split_documents

# The classic "billion laughs": 9 anchors, each nine aliases of the one before: 9**9 values.
BOMB = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def test_the_bomb_is_small() -> None:
    assert len(BOMB) < 400


@pytest.mark.parametrize("limits", [VALUES_LIMITS, DOCUMENT_LIMITS])
def test_billion_laughs_is_refused_early_without_memory(limits: YamlLimits) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(YamlLimitExceeded) as err:
            safe_yaml.safe_load(BOMB, "--values", limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # stopped at the first alias past the budget, long before the last anchor (line 9)
    assert err.value.line is not None and err.value.line < 9
    assert peak < 10 * 1024 * 1024
    text = str(err.value)
    assert text.startswith("--values: ") and "expands to at most" in text and "Fix:" in text


def test_values_bomb_is_refused_by_parse_values() -> None:
    # today parse_values hands back the shared graph, and Helm/deepcopy/json expand it
    with pytest.raises(YamlLimitExceeded, match="publish values"):
        parse_values(BOMB, "publish values")


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "- " * 5000 + "x",
                                  "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 300))])
def test_deep_nesting_is_a_clear_error_not_recursion(text: str) -> None:
    with pytest.raises(YamlLimitExceeded) as err:
        parse_values(text)
    assert "nests at most 64 levels" in str(err.value)


def test_depth_through_an_alias_counts() -> None:
    limits = YamlLimits(max_bytes=1000, max_depth=3, max_nodes=100)
    assert safe_yaml.safe_load("a: &x [1, [2]]\nb: *x", "f", limits)["b"] == [1, [2]]
    with pytest.raises(YamlLimitExceeded, match="nests at most 3"):
        safe_yaml.safe_load("a: &x [1, [2]]\nb: [*x]", "f", limits)


def test_expanded_size_counts_each_alias_as_a_copy() -> None:
    text = "a: &x [1, 2, [3, 4]]\nb: [*x, *x, *x]"  # 28 values once expanded
    assert safe_yaml.safe_load(text, "f", YamlLimits(1000, 10, 28))["b"][2] == [1, 2, [3, 4]]
    with pytest.raises(YamlLimitExceeded, match=r"'\*x at line 2'"):
        safe_yaml.safe_load(text, "f", YamlLimits(1000, 10, 27))


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlLimitExceeded, match="cannot point at a node that contains it"):
        safe_yaml.safe_load("a: &a [1, *a]", "f")


def test_ordinary_anchors_and_merge_keys_still_load() -> None:
    text = "base: &b {cpu: 1}\nweb:\n  <<: *b\n  mem: 2\n---\nx: 1\n"
    assert safe_yaml.safe_load_all(text, "f") == [
        {"base": {"cpu": 1}, "web": {"cpu": 1, "mem": 2}}, {"x": 1}]


def test_input_size_limit_names_the_field_and_size() -> None:
    big = "k: " + "x" * VALUES_LIMITS.max_bytes
    with pytest.raises(YamlLimitExceeded) as err:
        parse_values(big, "--values big.yaml")
    assert str(err.value).startswith("--values big.yaml: '1,048,579 bytes' is not valid: "
                                     "a YAML input holds at most 1 MiB")
    # counted in UTF-8 bytes, not characters
    with pytest.raises(YamlLimitExceeded):
        parse_values("k: " + "值" * (VALUES_LIMITS.max_bytes // 3 + 1))


def test_chinese_message() -> None:
    set_language("zh_CN")
    with pytest.raises(YamlLimitExceeded) as err:
        parse_values(BOMB, "--values")
    assert "YAML 展开后最多" in str(err.value)


def test_every_yaml_reader_is_guarded(tmp_path: Path) -> None:
    """kubeconfigs, rendered templates, stored manifests, diffs and chart indexes."""
    kubeconfig = tmp_path / "bomb-kubeconfig"
    kubeconfig.write_text(BOMB)
    with pytest.raises(YamlLimitExceeded, match="bomb-kubeconfig"):
        list_contexts(str(kubeconfig))
    with pytest.raises(YamlLimitExceeded, match=r"web/templates/cm\.yaml"):
        split_documents({"web/templates/cm.yaml": BOMB}, "web")
    with pytest.raises(YamlLimitExceeded):
        from_text(BOMB)
    with pytest.raises(YamlLimitExceeded, match=r"^new: "):
        parse_manifest(BOMB, "new")
    with pytest.raises(YamlLimitExceeded, match=r"index\.yaml"):
        parse_index("https://charts.example.com", "entries:\n  x: []\n" + BOMB)

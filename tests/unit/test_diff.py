"""diff_manifests on known manifests: pairing, server fields, alignment, spans, folding,
indexes, unified text, edge cases (CRLF, no trailing newline, empty, bad YAML)."""

from __future__ import annotations

import difflib

import pytest
import yaml

from ccseone_tui.i18n import set_language
from ccseone_tui.templates import diff as diff_module
from ccseone_tui.templates.diff import (
    DiffRow,
    Fold,
    ManifestDiff,
    ManifestParseError,
    diff_manifests,
    unified,
    unified_lines,
)

DEPLOYMENT = """\
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: blue
        - name: LEVEL
          value: info
"""
SERVICE = """\
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
"""


def configmap(name: str, keys: int = 30, changed: int | None = None,
              namespace: str = "shop") -> str:
    data = {f"key_{i:02d}": ("changed" if i == changed else f"value {i}") for i in range(keys)}
    obj = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": namespace}, "data": data}
    return "---\n# Source: web/templates/cm.yaml\n" + yaml.safe_dump(obj, sort_keys=False)


def body(diff: ManifestDiff) -> list[DiffRow | Fold]:
    return [r for r in diff.rows if r.tag != "header"]


def only(diff: ManifestDiff, tag: str) -> list[DiffRow]:
    return [r for r in diff.rows if isinstance(r, DiffRow) and r.tag == tag]


def spanned(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[a:b] for a, b in spans]


# ---- pairing and ignoring -------------------------------------------------------------------


def test_image_tag_change_is_one_replace_row_with_the_span_on_the_tag() -> None:
    diff = diff_manifests(DEPLOYMENT, DEPLOYMENT.replace("nginx:1.25", "nginx:1.27"))
    [row] = only(diff, "replace")
    assert (row.left, row.right) == ("        image: nginx:1.25", "        image: nginx:1.27")
    assert spanned(row.left, row.left_spans) == ["1.25"]
    assert spanned(row.right, row.right_spans) == ["1.27"]
    assert row.left_no == row.right_no == 20
    assert not only(diff, "insert") and not only(diff, "delete")
    assert diff.changes == [diff.rows.index(row)]
    assert (diff.stats.changed, diff.stats.added, diff.stats.removed) == (1, 0, 0)
    [resource] = diff.resources
    assert (resource.key, resource.status, resource.changed) == ("Deployment/shop/web",
                                                                 "changed", 1)
    assert resource.old_source == resource.new_source == "web/templates/deployment.yaml"
    assert not diff.identical


def test_added_object() -> None:
    diff = diff_manifests(DEPLOYMENT, DEPLOYMENT + SERVICE)
    assert [(r.key, r.status) for r in diff.resources] == [
        ("Deployment/shop/web", "unchanged"), ("Service/shop/web", "added")]
    header = diff.rows[diff.resources[1].row]
    assert (header.tag, header.left, header.right) == ("header", "", "Service/shop/web")
    inserted = only(diff, "insert")
    assert [r.right for r in inserted] == SERVICE.splitlines()[2:]
    assert [r.right_no for r in inserted] == list(range(1, len(inserted) + 1))
    assert all(r.left_no is None and r.left == "" for r in inserted)
    assert diff.changes == [diff.resources[1].row + 1]  # one block: the whole object
    s = diff.stats
    assert (s.objects_added, s.objects_unchanged, s.added, s.removed) == (1, 1, 10, 0)


def test_removed_object() -> None:
    diff = diff_manifests(SERVICE + DEPLOYMENT, DEPLOYMENT)
    assert [(r.key, r.status) for r in diff.resources] == [
        ("Service/shop/web", "removed"), ("Deployment/shop/web", "unchanged")]
    header = diff.rows[0]
    assert (header.left, header.right) == ("Service/shop/web", "")
    deleted = only(diff, "delete")
    assert [r.left for r in deleted] == SERVICE.splitlines()[2:]
    assert all(r.right_no is None for r in deleted)
    assert diff.stats.objects_removed == 1 and diff.stats.removed == 10


def test_server_managed_fields_are_ignored() -> None:
    live = DEPLOYMENT.replace("  labels:\n    app: web\n", """\
  labels:
    app: web
  uid: 6b1c2d4e-0000-4000-8000-000000000001
  resourceVersion: "48213"
  generation: 7
  creationTimestamp: "2025-06-15T15:06:40Z"
  selfLink: /apis/apps/v1/namespaces/shop/deployments/web
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Deployment"}'
  managedFields:
  - manager: ccseone
    operation: Apply
""", 1) + "status:\n  replicas: 2\n  readyReplicas: 1\n"
    other = (live.replace('"48213"', '"50001"').replace("generation: 7", "generation: 9")
             .replace("readyReplicas: 1", "readyReplicas: 2"))
    for old, new in ((DEPLOYMENT, live), (live, other)):
        diff = diff_manifests(old, new)
        assert diff.identical
        assert diff.changes == [] and diff.resources[0].status == "unchanged"
        assert unified(old, new) == ""
    lines = diff_manifests(live, live).objects[0].new_lines
    assert not any(word in line for line in lines for word in (
        "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink",
        "managedFields", "annotations", "status", "readyReplicas"))


def test_other_annotations_stay_when_last_applied_goes() -> None:
    def with_notes(notes: str) -> str:
        return DEPLOYMENT.replace("  labels:\n    app: web\n",
                                  f"  labels:\n    app: web\n  annotations:\n{notes}", 1)

    old = with_notes("    team: shop\n")
    new = with_notes("    team: shop\n    kubectl.kubernetes.io/last-applied-configuration: x\n")
    assert diff_manifests(old, new).identical
    assert "  annotations:" in diff_manifests(old, new).objects[0].new_lines
    changed = diff_manifests(old, with_notes("    team: payments\n"))
    [row] = only(changed, "replace")
    assert spanned(row.right, row.right_spans) == ["payments"]


def test_style_differences_are_normalized() -> None:
    flow = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: shop}\n" \
           "data: {a: \"1\", b: 'two'}\n"
    block = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\n" \
            "data:\n  a: '1'\n  b: two\n"
    assert diff_manifests(flow, block).identical


def test_a_type_change_is_a_difference() -> None:
    """replicas: 2 (a number) and "2" (a string) apply differently: shown."""
    diff = diff_manifests(DEPLOYMENT, DEPLOYMENT.replace("replicas: 2", 'replicas: "2"'))
    [row] = only(diff, "replace")
    assert (row.left.strip(), row.right.strip()) == ("replicas: 2", "replicas: '2'")


def test_the_fast_path_writes_what_safe_dump_writes() -> None:
    """Documents go through the parser's events, not objects: the text must be the same as
    a safe_dump of the loaded object for what safe_dump writes (revisions)."""
    obj = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "cm", "namespace": "默认", "labels": {"a": "1", "b": "true"}},
           "data": {"multi": "line one\nline two\n", "empty": "", "none": None, "num": "012",
                    "colon": "a: b", "hash": "x #y", "long": "word " * 30, "zh": "中文 ✓",
                    "date": "2024-01-01", "list": [1, "2", {"k": "v"}], "n": 3, "f": 1.5}}
    text = yaml.safe_dump(obj, sort_keys=False, allow_unicode=True)
    expected = yaml.safe_dump(obj, sort_keys=False, allow_unicode=True).splitlines()
    assert diff_manifests(text, text).objects[0].new_lines == expected
    # the same text without unicode escapes and with quotes the other way round
    escaped = yaml.safe_dump(obj, sort_keys=False, allow_unicode=False, default_style=None)
    assert diff_manifests(escaped, text).identical


def test_anchors_take_the_object_path() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n" \
           "  a: &v hello\n  b: *v\n"
    [obj] = diff_manifests(text, text).objects
    assert obj.new_lines[-2:] == ["  a: hello", "  b: hello"]


# ---- alignment ------------------------------------------------------------------------------


def test_similar_lines_pair_and_an_inserted_line_stands_alone() -> None:
    old = DEPLOYMENT
    new = DEPLOYMENT.replace("          value: blue\n", "          value: green\n"
                             "        - name: EXTRA\n          value: 'yes'\n") \
        .replace("value: info", "value: debug")
    diff = diff_manifests(old, new)
    replaced = only(diff, "replace")
    assert [(r.left.strip(), r.right.strip()) for r in replaced] == [
        ("value: blue", "value: green"), ("value: info", "value: debug")]
    assert [spanned(r.right, r.right_spans) for r in replaced] == [["green"], ["debug"]]
    assert [r.right.strip() for r in only(diff, "insert")] == ["- name: EXTRA",
                                                               "value: 'yes'"]


def test_unlike_lines_side_by_side_have_no_spans() -> None:
    old = configmap("cm", keys=3).replace("key_01: value 1", "key_01: value 1")
    new = old.replace("  key_01: value 1\n", "  totally_different_setting: 9999999\n")
    [row] = only(diff_manifests(old, new), "replace")
    assert row.left_spans == () and row.right_spans == ()


def test_consecutive_change_rows_are_one_change_block() -> None:
    new = DEPLOYMENT.replace("value: blue", "value: green").replace("name: LEVEL",
                                                                     "name: VERBOSITY")
    diff = diff_manifests(DEPLOYMENT, new)
    rows = diff.rows
    assert len(only(diff, "replace")) == 2
    first = diff.changes[0]
    assert len(diff.changes) == 1
    assert rows[first].tag == rows[first + 1].tag == "replace"


# ---- folding and context --------------------------------------------------------------------


def test_folding_counts_and_context() -> None:
    old, new = configmap("cm"), configmap("cm", changed=15)
    diff = diff_manifests(old, new)
    lines = diff.objects[0].new_lines
    at = lines.index("  key_15: changed")
    n = len(lines)
    tags = [r.tag for r in diff.rows]
    assert tags == ["header", "fold", "equal", "equal", "equal", "replace", "equal", "equal",
                    "equal", "fold"]
    first, last = diff.rows[1], diff.rows[-1]
    assert isinstance(first, Fold) and isinstance(last, Fold)
    assert first.hidden == at - 3 and last.hidden == n - at - 1 - 3
    assert [r.left_no for r in first.rows()] == list(range(1, at - 3 + 1))
    assert [r.left for r in last.rows()] == lines[at + 4:]
    assert diff.folds == 2

    zero = diff_manifests(old, new, context=0)
    assert [r.tag for r in zero.rows] == ["header", "fold", "replace", "fold"]
    wide = diff_manifests(old, new, context=100)
    assert wide.folds == 0 and len(body(wide)) == n


def test_a_single_hidden_line_is_not_folded() -> None:
    # changes at 10 and 17: 6 equal lines between = 3 + 3 of context, nothing to hide;
    # at 10 and 18: 7 between, one would hide behind a row as tall as itself
    for second, folds in ((17, 0), (18, 0), (19, 1)):
        new = configmap("cm").replace("value 10", "ten").replace(f"value {second}", "x")
        diff = diff_manifests(configmap("cm"), new)
        between = diff.rows[diff.changes[0] + 1: diff.changes[1]]
        assert sum(isinstance(r, Fold) for r in between) == folds


def test_an_unchanged_object_is_one_header_and_one_fold() -> None:
    diff = diff_manifests(SERVICE, SERVICE)
    header, fold = diff.rows
    assert header.tag == "header" and isinstance(fold, Fold) and fold.hidden == 10
    assert diff.identical and diff.changes == []


def test_expand_and_unfold_reindex() -> None:
    old = configmap("a") + configmap("b")
    new = configmap("a", changed=20) + configmap("b", changed=5)
    diff = diff_manifests(old, new)
    fold_at = next(i for i, r in enumerate(diff.rows) if isinstance(r, Fold))
    hidden = diff.rows[fold_at].hidden
    grown = diff.expand(fold_at)
    assert len(grown.rows) == len(diff.rows) + hidden - 1
    assert grown.changes == [c + hidden - 1 for c in diff.changes]
    assert grown.resources[1].row == diff.resources[1].row + hidden - 1
    assert diff.expand(0) is diff  # a header: nothing to expand
    full = diff.unfolded()
    assert full.folds == 0
    assert len(full.rows) == sum(len(o.new_lines) + 1 for o in diff.objects)
    assert [full.rows[c].tag for c in full.changes] == ["replace", "replace"]
    assert full.refolded().rows == diff.rows


# ---- indexes --------------------------------------------------------------------------------


def test_resource_index_order_and_rows() -> None:
    """The new manifest's order; a removed object right after the one it followed."""
    old = configmap("a") + configmap("gone") + configmap("b") + configmap("c")
    new = configmap("new-first") + configmap("b") + configmap("a", changed=1) + \
        configmap("c", namespace="other")
    diff = diff_manifests(old, new)
    assert [(r.key, r.status) for r in diff.resources] == [
        ("ConfigMap/shop/new-first", "added"),
        ("ConfigMap/shop/b", "unchanged"),
        ("ConfigMap/shop/c", "removed"),  # it followed "b" in the old manifest
        ("ConfigMap/shop/a", "changed"),
        ("ConfigMap/shop/gone", "removed"),  # right after "a", as in the old manifest
        ("ConfigMap/other/c", "added"),
    ]
    for index, resource in enumerate(diff.resources):
        header = diff.rows[resource.row]
        assert header.tag == "header" and header.resource == index
        assert diff.resource_at(resource.row + 1) == index


def test_change_indexes_for_next_and_previous() -> None:
    new = configmap("a", changed=2).replace("value 20", "twenty") + SERVICE
    diff = diff_manifests(configmap("a"), new)
    starts = [i for i, r in enumerate(diff.rows) if r.tag in ("replace", "insert", "delete")
              and (i == 0 or diff.rows[i - 1].tag not in ("replace", "insert", "delete"))]
    assert diff.changes == starts and len(starts) == 3
    assert diff.rows[diff.changes[2]].resource == 1


def test_duplicate_keys_and_lists() -> None:
    text = configmap("a") + configmap("a")
    assert [r.key for r in diff_manifests(text, text).resources] == [
        "ConfigMap/shop/a", "ConfigMap/shop/a #2"]
    items = yaml.safe_load(configmap("x", keys=2)), yaml.safe_load(configmap("y", keys=2))
    listed = yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMapList", "items": list(items)},
                            sort_keys=False)
    diff = diff_manifests(listed, configmap("x", keys=2) + configmap("y", keys=2))
    assert diff.identical and [r.key for r in diff.resources] == ["ConfigMap/shop/x",
                                                                  "ConfigMap/shop/y"]


def test_documents_that_are_not_objects() -> None:
    diff = diff_manifests("just: a map\n---\n- a\n- b\n", "just: a map\n---\n- a\n- c\n")
    assert [(r.key, r.status) for r in diff.resources] == [("document 1", "unchanged"),
                                                           ("document 2", "changed")]


# ---- edge cases -----------------------------------------------------------------------------


def test_crlf_and_no_trailing_newline() -> None:
    crlf = DEPLOYMENT.replace("\n", "\r\n")
    bare = (DEPLOYMENT + SERVICE).rstrip("\n")
    assert diff_manifests(crlf, DEPLOYMENT).identical
    assert diff_manifests(DEPLOYMENT, DEPLOYMENT.rstrip("\n")).identical
    diff = diff_manifests(crlf, bare)
    assert [r.status for r in diff.resources] == ["unchanged", "added"]
    assert only(diff, "insert")[-1].right == "  - port: 80"


@pytest.mark.parametrize("old,new", [("", ""), ("\n", "   \n"), ("---\n", "---\n---\n"),
                                     ("# only a comment\n", "")])
def test_two_empty_inputs(old: str, new: str) -> None:
    diff = diff_manifests(old, new)
    assert diff.rows == [] and diff.resources == [] and diff.changes == []
    assert diff.identical and diff.stats.objects == 0
    assert unified(old, new) == "" and diff.unfolded().rows == []


def test_one_side_empty() -> None:
    diff = diff_manifests("", SERVICE)
    assert [r.status for r in diff.resources] == ["added"]
    assert diff_manifests(SERVICE, "").resources[0].status == "removed"


def test_bad_yaml_names_side_document_and_line() -> None:
    bad = SERVICE + "---\napiVersion: v1\nkind: Service: x\nmetadata: {}\n"
    with pytest.raises(ManifestParseError) as caught:
        diff_manifests(SERVICE, bad)
    error = caught.value
    assert error.params["side"] == "new" and error.params["document"] == 2
    assert error.params["line"] == 15
    assert "new manifest is not valid YAML" in str(error) and "line 15" in str(error)
    set_language("zh_CN")
    try:
        assert "新清单不是有效的 YAML" in str(error)
    finally:
        set_language("en")


def test_deterministic() -> None:
    new = DEPLOYMENT.replace("nginx:1.25", "nginx:1.27") + SERVICE
    assert diff_manifests(DEPLOYMENT, new) == diff_manifests(DEPLOYMENT, new)


# ---- unified --------------------------------------------------------------------------------


def test_unified_is_difflib_per_object() -> None:
    old = DEPLOYMENT + configmap("gone", keys=2)
    new = DEPLOYMENT.replace("replicas: 2", "replicas: 3") + SERVICE
    diff = diff_manifests(old, new)
    objects = {o.key: o for o in diff.objects}
    deployment = objects["Deployment/shop/web"]
    expected = list(difflib.unified_diff(deployment.old_lines, deployment.new_lines,
                                         "a/Deployment/shop/web", "b/Deployment/shop/web",
                                         lineterm=""))
    lines = unified_lines(diff, old_label="a", new_label="b")
    assert lines[:len(expected)] == expected
    assert "--- /dev/null" in lines and "+++ b/Service/shop/web" in lines
    assert "--- a/ConfigMap/shop/gone" in lines and "+++ /dev/null" in lines
    text = unified(old, new, old_label="a", new_label="b")
    assert text == "\n".join(lines) + "\n"
    assert "@@ -6,7 +6,7 @@" in text


def test_big_objects_stay_exact_enough() -> None:
    """Past the autojunk threshold the diff still finds a single edit."""
    keys = diff_module._AUTOJUNK_FROM + 50
    diff = diff_manifests(configmap("big", keys=keys), configmap("big", keys=keys, changed=7))
    assert diff.stats.changed == 1 and len(diff.changes) == 1


def test_a_removed_first_object_stays_first() -> None:
    diff = diff_manifests(configmap("gone") + configmap("a"), configmap("x") + configmap("a"))
    assert [r.key for r in diff.resources] == ["ConfigMap/shop/gone", "ConfigMap/shop/x",
                                               "ConfigMap/shop/a"]


def test_as_unified_splits_replaced_blocks() -> None:
    new = DEPLOYMENT.replace("value: blue", "value: green").replace("replicas: 2",
                                                                     "replicas: 3") + SERVICE
    diff = diff_manifests(DEPLOYMENT, new)
    one = diff.as_unified()
    assert not any(r.tag == "replace" for r in one.rows)
    assert len(one.changes) == len(diff.changes) and one.resources[1].key == "Service/shop/web"
    first = one.changes[0]
    deleted, inserted = one.rows[first], one.rows[first + 1]
    assert (deleted.tag, deleted.left.strip(), deleted.right_no) == ("delete", "replicas: 2",
                                                                     None)
    assert (inserted.tag, inserted.right.strip()) == ("insert", "replicas: 3")
    assert spanned(inserted.right, inserted.right_spans) == ["3"]
    assert len(one.rows) == len(diff.rows) + diff.stats.changed
    assert [r.tag for r in one.rows if r.resource == 1][1:] == ["insert"] * 10


def test_fast_and_object_paths_agree() -> None:
    """The event path and the object path (load, drop fields, safe_dump) give the same text
    for what revisions hold, server fields and a List included."""
    from ccseone_tui.templates import diff_parse

    live = DEPLOYMENT.replace("  labels:\n", "  resourceVersion: '7'\n  uid: x\n  labels:\n", 1) \
        + "status:\n  replicas: 1\n"
    listed = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [
        yaml.safe_load(SERVICE), yaml.safe_load(configmap("c", keys=3))]}, sort_keys=False)
    for text in (live, listed, configmap("z", keys=40), SERVICE):
        chunk = text.split("\n", 2)[2] if text.startswith("---") else text
        fast = diff_parse._fast_docs(list(yaml.parse(chunk, Loader=diff_parse._LOADER)), "s")
        assert fast == diff_parse._slow_docs(chunk, "s")

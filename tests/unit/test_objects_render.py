"""The pure parts of the object actions (#11): kubectl's tab layout, selectors, event rows,
YAML folding and masking, edit parsing and identity checks."""

from __future__ import annotations

import pytest
import yaml

from ccseone_tui.kube.builtin import builtin
from ccseone_tui.services.resources import describe as d
from ccseone_tui.services.resources import edit as e
from ccseone_tui.services.resources.actions import (
    EditImmutableField,
    EditParseError,
    EditSession,
)
from ccseone_tui.services.resources.model import ObjectRef


def test_tabwrite_aligns_per_block_like_go() -> None:
    # Go tabwriter: a column block is the run of consecutive lines with a cell in it
    text = d.tabwrite(["Name:\tweb", "Namespace:\tdefault", "Pod Template:",
                       "  Labels:\tapp=web", "Events:\t<none>"])
    assert text.splitlines() == ["Name:       web", "Namespace:  default", "Pod Template:",
                                 "  Labels:  app=web", "Events:    <none>"]
    nested = d.tabwrite(["a:\tx", "  bb:\ty", "  c\td\te", "  cc\tdd\tee"])
    assert nested.splitlines() == ["a:     x", "  bb:  y", "  c    d   e", "  cc   dd  ee"]


def test_selector_text() -> None:
    sel = {"matchLabels": {"b": "2", "a": "1"},
           "matchExpressions": [{"key": "t", "operator": "In", "values": ["y", "x"]},
                                {"key": "u", "operator": "NotIn", "values": ["z"]},
                                {"key": "v", "operator": "Exists"},
                                {"key": "w", "operator": "DoesNotExist"}]}
    assert d.selector_text(sel) == "a=1,b=2,t in (x,y),u notin (z),v,!w"
    assert d.selector_text(None) == ""


def test_event_rows_sorted_with_series_and_micro_time() -> None:
    now = 1_800_000_000.0
    rows = d.event_rows([
        {"type": "Warning", "reason": "BackOff", "message": " restarting\n",
         "eventTime": "2027-01-15T08:00:00.123456Z", "reportingController": "kubelet",
         "series": {"count": 7, "lastObservedTime": "2027-01-15T08:00:50.000000Z"}},
        {"type": "Normal", "reason": "Pulled", "count": 1,
         "lastTimestamp": "2027-01-15T07:59:00Z", "source": {"component": "kubelet"}},
    ], now=now)
    assert [r.reason for r in rows] == ["Pulled", "BackOff"]
    assert rows[1].count == 7 and rows[1].source == "kubelet"
    assert rows[1].message == "restarting"
    assert rows[0].last_seen == d.parse_time("2027-01-15T07:59:00Z")
    assert d.event_rows([{"reason": "x"}])[0].age == "<unknown>"


def test_containers_of_init_main_ephemeral() -> None:
    pod = {"spec": {"initContainers": [{"name": "init", "image": "busybox"}],
                    "containers": [{"name": "app", "image": "app:1"}],
                    "ephemeralContainers": [{"name": "debug", "image": "busybox"}]},
           "status": {"initContainerStatuses": [{
               "name": "init", "ready": False, "restartCount": 0,
               "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}],
               "containerStatuses": [{"name": "app", "ready": False, "restartCount": 0,
                                      "state": {"terminated": {"reason": "Error",
                                                               "exitCode": 1}},
                                      "lastState": {"terminated": {"exitCode": 1}}}]}}
    infos = d.containers_of(pod)
    assert [(i.name, i.kind, i.state, i.has_previous) for i in infos] == [
        ("init", "init", "Terminated: Completed (0)", False),
        ("app", "main", "Terminated: Error (1)", True),
        ("debug", "ephemeral", "Waiting", False)]


def test_generic_describe_of_a_custom_kind() -> None:
    obj = {"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "ns", "uid": "u", "resourceVersion": "9",
                        "creationTimestamp": "2027-01-01T00:00:00Z"},
           "spec": {"size": 3, "ports": [80, 443], "template": {"image": "x"}},
           "status": {"phase": "Ready", "conditions": [
               {"type": "Ready", "status": "True", "reason": "Done"}]}}
    text = d.describe_text("example.com", "Widget", obj, d.Related(events=[]))
    lines = text.splitlines()
    assert lines[0].split() == ["Name:", "w"]
    assert "Kind:         Widget" in lines
    assert any(line.strip().startswith("Size:") and line.strip().endswith("3") for line in lines)
    assert any("Ports:" in line and "80, 443" in line for line in lines)
    assert any(line.strip().startswith("Phase:") and "Ready" in line for line in lines)
    assert any(line.split() == ["Ready", "True", "Done"] for line in lines)
    assert lines[-1].split() == ["Events:", "<none>"]
    unknown = d.describe_text("", "Pod", {"metadata": {"name": "p"}}, d.Related())
    assert unknown.splitlines()[-1].split() == ["Events:", "<unknown>"]


def test_yaml_folds_managed_fields_and_masks_secrets() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret",
              "metadata": {"name": "s", "managedFields": [{"manager": "a"}, {"manager": "b"}],
                           "annotations": {e.LAST_APPLIED: '{"data":{"k":"c2VjcmV0"}}'}},
              "data": {"k": "c2VjcmV0"}}
    text = e.object_yaml(secret)
    assert "  # managedFields: 2 entries folded" in text.splitlines()
    assert "c2VjcmV0" not in text and "6 bytes" in text
    revealed = e.object_yaml(secret, managed_fields=True, reveal=True)
    assert yaml.safe_load(revealed) == secret
    block = e.object_yaml({"kind": "ConfigMap", "data": {"f": "a\nb\n"}})
    assert "f: |\n" in block and yaml.safe_load(block)["data"]["f"] == "a\nb\n"


def _session() -> EditSession:
    info = builtin("v1", "ConfigMap")
    assert info is not None
    obj = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "c", "namespace": "ns", "resourceVersion": "5",
                        "managedFields": [{"manager": "x"}]},
           "data": {"a": "1"}}
    return EditSession(ObjectRef("c1", info, "ns", "c"), e.dump(e.editable(obj)), "5", obj)


def test_plan_edit() -> None:
    session = _session()
    assert "managedFields" not in session.original_text
    same = e.plan_edit(session, session.original_text.replace("metadata:", "metadata:  # x"))
    assert not same.changed
    # leaving out resourceVersion or namespace is no change either
    trimmed = session.original_text.replace("  resourceVersion: '5'\n", "")
    assert "resourceVersion" not in trimmed and not e.plan_edit(session, trimmed).changed
    plan = e.plan_edit(session, session.original_text.replace("a: '1'", "a: '2'"))
    assert plan.changed and plan.edited["data"] == {"a": "2"}
    with pytest.raises(EditImmutableField):
        e.plan_edit(session, session.original_text.replace("name: c", "name: d"))
    with pytest.raises(EditParseError) as err:
        e.plan_edit(session, "data:\n  a: '1'\n b: 2\n")
    assert (err.value.line, err.value.column) == (3, 2)
    with pytest.raises(EditParseError):
        e.plan_edit(session, "a: 1\n---\nb: 2\n")
    assert not e.plan_edit(session, "# all gone\n").changed


def test_reopen_text_replaces_its_own_error_block() -> None:
    once = e.with_error("data: [\n", EditParseError("boom", 1, 7))
    twice = e.with_error(once, EditParseError("again", 1, 7))
    assert once.endswith("data: [\n") and twice.endswith("data: [\n")
    assert "boom" not in twice and "again" in twice
    assert e.strip_error_block(twice) == "data: [\n"

"""Rendering through the real Helm engine: chart directory, .tgz bytes, YAML as a synthetic
chart, manifest directories, and every error naming where it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain.template_errors import (
    ManifestInvalid,
    TemplateRenderError,
    ValuesYamlError,
)
from ccseone_tui.sandbox.charts import CHART_DATA, pack_chart
from ccseone_tui.templates.local_chart import chart_version, values_text
from ccseone_tui.templates.render import (
    parse_values,
    render_chart,
    render_manifest_dir,
    render_yaml,
    to_yaml,
)
from ccseone_tui.templates.semver import newest_first

WEBAPP_10 = CHART_DATA / "webapp-1.0.0"
WEBAPP_11 = CHART_DATA / "webapp-1.1.0"


def keys(objects: list) -> list[str]:
    return [o.key for o in objects]


def test_chart_directory_renders_in_install_order() -> None:
    objs = render_chart(WEBAPP_10, {}, release="web", namespace="apps")
    assert keys(objs) == ["ConfigMap//web-config", "ConfigMap//web-legacy", "Role//web-reader",
                          "Service//web", "Deployment//web"]
    deploy = objs[-1].obj
    assert deploy["spec"]["replicas"] == 2
    assert objs[-1].source == "webapp/templates/deployment.yaml"
    assert deploy["metadata"]["labels"]["app.kubernetes.io/instance"] == "web"


def test_tgz_bytes_render_and_values_override() -> None:
    packed = pack_chart(WEBAPP_11)
    objs = render_chart(packed.archive, {"replicaCount": 5, "logLevel": "debug"},
                        release="r", namespace="n")
    assert "ServiceAccount//r" in keys(objs) and "ConfigMap//r-legacy" not in keys(objs)
    deploy = next(o.obj for o in objs if o.obj["kind"] == "Deployment")
    assert deploy["spec"]["replicas"] == 5
    env = deploy["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "LOG_LEVEL", "value": "debug"} in env
    assert chart_version(packed.archive) == "1.1.0"
    assert "logLevel: info" in values_text(packed.archive)


def test_tgz_path_and_directory_read_version_and_values(tmp_path: Path) -> None:
    archive = tmp_path / "webapp-1.0.0.tgz"
    archive.write_bytes(pack_chart(WEBAPP_10).archive)
    assert chart_version(archive) == chart_version(WEBAPP_10) == "1.0.0"
    assert values_text(archive) == (WEBAPP_10 / "values.yaml").read_text()
    assert keys(render_chart(archive, None, release="a", namespace="b"))[0] == "ConfigMap//a-config"


def test_yaml_template_uses_values_and_release() -> None:
    manifests = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n"
        "  namespace: {{ .Release.Namespace }}\ndata:\n  color: {{ .Values.color | quote }}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra-{{ .Values.color }}\n")
    objs = render_yaml(manifests, {"color": "red"}, release="r1", namespace="ns1",
                       defaults={"color": "blue"}, template="My Template")
    assert keys(objs) == ["Namespace//extra-red", "ConfigMap/ns1/r1-cfg"]  # Namespace first
    defaults = render_yaml(manifests, None, release="r1", namespace="ns1",
                           defaults={"color": "blue"})
    assert defaults[1].obj["data"]["color"] == "blue"
    assert to_yaml(objs).count("---\n# Source: ") == 2
    assert list(yaml.safe_load_all(to_yaml(objs)))[1]["data"] == {"color": "red"}


def test_render_error_names_file_and_line() -> None:
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a.b.c }}\n"
    with pytest.raises(TemplateRenderError) as info:
        render_yaml(bad, {}, release="r", namespace="n", template="broken")
    err = info.value
    assert err.params["line"] == 6
    assert err.params["source"].endswith("templates/manifests.yaml")
    assert "nil pointer" in str(err) and "broken" in str(err)


def test_render_error_from_a_chart_names_its_template(tmp_path: Path) -> None:
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "ok.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n")
    (chart / "templates" / "bad.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n"
        "  x: {{ required \"x is required\" .Values.x }}\n")
    with pytest.raises(TemplateRenderError) as info:
        render_chart(chart, {}, release="r", namespace="n")
    assert info.value.params["source"] == "c/templates/bad.yaml"
    assert info.value.params["line"] == 6
    assert "x is required" in str(info.value)


def test_values_yaml_error_has_line_and_column() -> None:
    with pytest.raises(ValuesYamlError) as info:
        parse_values("replicas: 2\nimage:\n  tag: [1, 2\n")
    assert info.value.params["line"] == 4 and info.value.params["column"] == 1
    with pytest.raises(ValuesYamlError) as info:
        parse_values("- a\n- b\n")
    assert "mapping" in str(info.value)
    assert parse_values("") == {} and parse_values("a: 1") == {"a": 1}


@pytest.mark.parametrize(("doc", "missing"), [
    ("kind: ConfigMap\nmetadata:\n  name: x\n", "apiVersion"),
    ("apiVersion: v1\nmetadata:\n  name: x\n", "kind"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "metadata.name"),
    ("just a string\n", "mapping"),
])
def test_manifest_without_required_fields(doc: str, missing: str) -> None:
    ok = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\n"
    with pytest.raises(ManifestInvalid) as info:
        render_yaml(ok + doc, {}, release="r", namespace="n")
    assert info.value.params["missing"] == missing
    assert info.value.params["index"] == 2


def test_manifest_directory_renders_each_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "values.yaml").write_text("size: small\n")
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n"
        "data:\n  size: {{ .Values.size }}\n")
    (tmp_path / "sub" / "sa.yml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n")
    (tmp_path / "README.md").write_text("not a manifest")
    objs = render_manifest_dir(tmp_path, {"size": "big"}, release="r", namespace="n",
                               template="dir")
    assert keys(objs) == ["ServiceAccount//runner", "ConfigMap//r-cm"]
    assert objs[1].obj["data"]["size"] == "big"
    assert objs[0].source == "dir/templates/sub/sa.yml"


def test_versions_sort_newest_first_semver() -> None:
    assert newest_first(["1.0.0", "1.10.0", "1.2.0", "1.10.0-rc.1", "v2.0.0", "latest",
                         "1.10.0-rc.2"]) == ["v2.0.0", "1.10.0", "1.10.0-rc.2",
                                             "1.10.0-rc.1", "1.2.0", "1.0.0", "latest"]

"""Rendering through the real Helm engine (``helm-python-sdk``), imported lazily.

Every template kind ends here: a chart (directory, ``.tgz`` bytes), or plain YAML manifests
wrapped into a synthetic chart so ``{{ .Values.x }}`` means the same thing everywhere. The
result is a list of :class:`RenderedObject` in install order (namespaces and CRDs first), each
checked for apiVersion / kind / metadata.name. Everything here is synchronous and CPU/FFI
bound: services call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.safe_yaml import DOCUMENT_LIMITS, VALUES_LIMITS, YamlLimits
from ccseone_tui.domain.template_errors import ManifestInvalid, TemplateRenderError, ValuesYamlError

# Helm's install order (pkg/release/util/kind_sorter.go), shortened to what matters here
_KIND_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
    "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
    "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
    "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
    "APIService",
)
_ORDER = {k: i for i, k in enumerate(_KIND_ORDER)}
# "web/templates/cm.yaml:8:15" in Helm's render errors
_WHERE = re.compile(r"(?P<file>[\w./-]+\.(?:ya?ml|tpl|txt|json)):(?P<line>\d+)(?::\d+)?")


@dataclass(frozen=True)
class RenderedObject:
    source: str  # the template file it came from, e.g. "web/templates/deployment.yaml"
    obj: dict[str, Any]

    @property
    def key(self) -> str:
        """``Kind/namespace/name`` (namespace empty for cluster-scoped): how diffs pair
        objects."""
        meta = self.obj.get("metadata") or {}
        return f"{self.obj.get('kind')}/{meta.get('namespace') or ''}/{meta.get('name')}"


def parse_values(text: str, field: str = "values",
                 limits: YamlLimits = VALUES_LIMITS) -> dict[str, Any]:
    """Values overrides from YAML; ``ValuesYamlError`` with line/column when they are not a
    mapping, ``YamlLimitExceeded`` (naming ``field``) past the size/depth/alias limits."""
    if not text.strip():
        return {}
    try:
        data = safe_yaml.safe_load(text, field, limits)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise ValuesYamlError(line, column, str(getattr(exc, "problem", exc))) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValuesYamlError(1, 1, f"expected a mapping, got {type(data).__name__}")
    return data


def _helm() -> Any:
    import helm_python  # lazy: a native library, not needed before the first frame

    return helm_python


def _render_error(template: str, exc: Exception) -> TemplateRenderError:
    text = str(exc).strip()
    where = _WHERE.search(text)
    source = where.group("file") if where else template
    line = int(where.group("line")) if where else None
    detail = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return TemplateRenderError(template, source, line, detail)


def split_documents(rendered: dict[str, str], template: str) -> list[RenderedObject]:
    """Rendered files → objects in install order; empty documents and NOTES.txt skipped."""
    out: list[RenderedObject] = []
    for source in sorted(rendered):
        if source.endswith("NOTES.txt") or not rendered[source].strip():
            continue
        try:
            # a template can emit an alias bomb as easily as a values file can
            docs = safe_yaml.safe_load_all(rendered[source], source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise TemplateRenderError(template, source, mark.line + 1 if mark else None,
                                      f"rendered output is not YAML: {exc}") from exc
        for index, doc in enumerate(docs, start=1):
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise ManifestInvalid(source, index, "mapping")
            for missing in ("apiVersion", "kind"):
                if not doc.get(missing):
                    raise ManifestInvalid(source, index, missing)
            if not (doc.get("metadata") or {}).get("name"):
                raise ManifestInvalid(source, index, "metadata.name")
            if doc["kind"].endswith("List") and "items" in doc:
                out += [RenderedObject(source, item) for item in doc["items"]]
            else:
                out.append(RenderedObject(source, doc))
    out.sort(key=lambda r: (_ORDER.get(str(r.obj.get("kind")), len(_ORDER)), r.key))
    return out


def render_chart(
    chart: str | Path | bytes,
    values: dict[str, Any] | None,
    *,
    release: str,
    namespace: str,
    revision: int = 1,
    upgrade: bool = False,
    template: str = "",
) -> list[RenderedObject]:
    """Render a chart directory, ``.tgz`` path, or ``.tgz`` bytes for one release."""
    helm = _helm()
    try:
        loaded = (helm.Chart.load_archive(chart) if isinstance(chart, bytes)
                  else helm.Chart.load(str(chart)))
    except helm.HelmError as exc:
        raise TemplateRenderError(template or str(chart)[:60], "Chart.yaml", None,
                                  str(exc)) from exc
    name = template or loaded.name
    try:
        with loaded:
            rendered = loaded.render(values or {}, name=release, namespace=namespace,
                                     revision=revision, is_install=not upgrade,
                                     is_upgrade=upgrade)
    except helm.HelmError as exc:
        raise _render_error(name, exc) from exc
    return split_documents(rendered, name)


def yaml_chart_dir(root: Path, name: str, manifests: str, defaults: dict[str, Any],
                   version: str = "0.1.0") -> Path:
    """Write the synthetic chart a YAML template becomes: its manifests are the one template
    file, its parameters the default values."""
    chart = root / name
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "v2", "name": name, "version": version, "type": "application"}))
    (chart / "values.yaml").write_text(yaml.safe_dump(defaults or {}))
    (chart / "templates" / "manifests.yaml").write_text(manifests)
    return chart


def render_yaml(
    manifests: str,
    values: dict[str, Any] | None,
    *,
    release: str,
    namespace: str,
    defaults: dict[str, Any] | None = None,
    revision: int = 1,
    upgrade: bool = False,
    template: str = "manifests",
) -> list[RenderedObject]:
    """Render plain manifests with parameters through the same Helm engine."""
    chart_name = re.sub(r"[^a-z0-9-]", "-", template.lower()).strip("-") or "manifests"
    with tempfile.TemporaryDirectory(prefix="ccseone-yaml-") as tmp:
        path = yaml_chart_dir(Path(tmp), chart_name, manifests, defaults or {})
        return render_chart(path, values, release=release, namespace=namespace,
                            revision=revision, upgrade=upgrade, template=template)


def to_yaml(objects: list[RenderedObject]) -> str:
    """The multi-document YAML stored with a revision and shown by the diff."""
    return "".join(
        f"---\n# Source: {r.source}\n" + yaml.safe_dump(r.obj, sort_keys=False)
        for r in objects
    )


MANIFEST_SUFFIXES = (".yaml", ".yml")


def manifest_files(directory: Path) -> list[Path]:
    """The ``*.yaml`` / ``*.yml`` manifests under ``directory`` (recursively, sorted), except
    a top-level ``values.yaml``, which holds their parameters' defaults."""
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and p.suffix in MANIFEST_SUFFIXES
                  and p != directory / "values.yaml" and not p.name.startswith("."))


def render_manifest_dir(
    directory: Path,
    values: dict[str, Any] | None,
    *,
    release: str,
    namespace: str,
    revision: int = 1,
    upgrade: bool = False,
    template: str = "manifests",
) -> list[RenderedObject]:
    """Plain manifests in a directory (a git path without Chart.yaml), each file a template of
    a synthetic chart, so errors name the file; ``values.yaml`` beside them gives defaults."""
    chart_name = re.sub(r"[^a-z0-9-]", "-", template.lower()).strip("-") or "manifests"
    defaults_file = directory / "values.yaml"
    # a chart's own values.yaml: a repository file, not typed by a person, so the
    # document limits (a few charts ship values.yaml files of several hundred KB)
    defaults = (parse_values(defaults_file.read_text(), str(defaults_file), DOCUMENT_LIMITS)
                if defaults_file.is_file() else {})
    with tempfile.TemporaryDirectory(prefix="ccseone-files-") as tmp:
        chart = yaml_chart_dir(Path(tmp), chart_name, "", defaults)
        (chart / "templates" / "manifests.yaml").unlink()
        for path in manifest_files(directory):
            target = chart / "templates" / path.relative_to(directory)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        return render_chart(chart, values, release=release, namespace=namespace,
                            revision=revision, upgrade=upgrade, template=template)

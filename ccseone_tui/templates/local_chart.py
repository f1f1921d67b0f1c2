"""Charts on disk (a directory or a ``.tgz``): their version and their ``values.yaml`` text,
read straight from the files — no Helm needed to know what a chart says about itself."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.template_errors import TemplateRenderError


def _archive_members(data: bytes) -> dict[str, bytes]:
    """``Chart.yaml`` and ``values.yaml`` of the top chart of a ``.tgz`` (not subcharts')."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
        for member in tar.getmembers():
            parts = member.name.lstrip("./").split("/")
            if member.isfile() and len(parts) == 2 and parts[1] in ("Chart.yaml", "values.yaml"):
                f = tar.extractfile(member)
                if f is not None:
                    out.setdefault(parts[1], f.read())
    return out


def chart_files(chart: Path | bytes) -> dict[str, bytes]:
    """``{"Chart.yaml": …, "values.yaml": …}`` of a chart directory, ``.tgz`` path or bytes."""
    where = "archive" if isinstance(chart, bytes) else str(chart)
    try:
        if isinstance(chart, bytes):
            return _archive_members(chart)
        if chart.is_dir():
            return {n: (chart / n).read_bytes() for n in ("Chart.yaml", "values.yaml")
                    if (chart / n).is_file()}
        return _archive_members(chart.read_bytes())
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise TemplateRenderError(where[:80], "Chart.yaml", None, str(exc)) from exc


def chart_metadata(chart: Path | bytes) -> dict[str, Any]:
    files = chart_files(chart)
    where = "archive" if isinstance(chart, bytes) else str(chart)
    if "Chart.yaml" not in files:
        raise TemplateRenderError(where[:80], "Chart.yaml", None,
                                  "no Chart.yaml: this is not a Helm chart")
    try:
        meta = safe_yaml.safe_load(files["Chart.yaml"], f"{where[:80]}/Chart.yaml")
    except yaml.YAMLError as exc:
        raise TemplateRenderError(where[:80], "Chart.yaml", None, str(exc)) from exc
    if not isinstance(meta, dict) or not meta.get("name") or not meta.get("version"):
        raise TemplateRenderError(where[:80], "Chart.yaml", None,
                                  "Chart.yaml needs a name and a version")
    return meta


def chart_version(chart: Path | bytes) -> str:
    return str(chart_metadata(chart)["version"])


def values_text(chart: Path | bytes) -> str:
    """The chart's ``values.yaml`` as written (comments kept): the starting point of an
    override."""
    return chart_files(chart).get("values.yaml", b"").decode("utf-8", "replace")

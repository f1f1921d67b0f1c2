"""Errors of the template repository and of rendering, each naming what is wrong and where."""

from __future__ import annotations

from ccseone_tui.domain.errors import CcseoneError


class TemplateRenderError(CcseoneError):
    """Helm refused to render: its message, with the template file and line it names."""

    key = "template.error.render"
    fix_key = "template.error.render.fix"

    def __init__(self, template: str, source: str, line: int | None, detail: str) -> None:
        super().__init__(template=template, source=source, line=line or "?", detail=detail)


class ValuesYamlError(CcseoneError):
    """Values overrides that are not a YAML mapping: line and column of the problem."""

    key = "template.error.values"
    fix_key = "template.error.values.fix"

    def __init__(self, line: int | None, column: int | None, detail: str) -> None:
        super().__init__(line=line or "?", column=column or "?", detail=detail)


class ManifestInvalid(CcseoneError):
    """A rendered document without apiVersion, kind or metadata.name."""

    key = "template.error.manifest"
    fix_key = "template.error.manifest.fix"

    def __init__(self, source: str, index: int, missing: str) -> None:
        super().__init__(source=source, index=index, missing=missing)

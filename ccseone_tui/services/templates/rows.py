"""What the template list shows (guide §3.3.3.2: name, source, path, remark, created time)
plus the apps that use each template — all from the cache, no network."""

from __future__ import annotations

from dataclasses import dataclass, field

from ccseone_tui.domain.models import Template
from ccseone_tui.templates.sources import source_type

SOURCE_LABELS = {"repo": "chart", "oci": "chart (OCI)", "local": "chart (local)",
                 "yaml": "yaml", "git": "git"}


def source_location(template: Template) -> str:
    """Where the template comes from, in one line (the list's "path" column)."""
    src = template.source
    st = source_type(template.kind, src)
    if st == "repo":
        return f"{src.get('repo')} · {src.get('chart')}"
    if st == "oci":
        return str(src.get("oci"))
    if st == "local":
        return str(src.get("path"))
    if st == "git":
        where = f"{src.get('url')} @{src.get('ref') or 'HEAD'}"
        return f"{where} /{src['path']}" if src.get("path") else where
    docs = sum(1 for part in str(src.get("manifests") or "").split("\n---")
               if part.strip(" -\n"))
    return f"inline YAML ({docs} doc{'s' if docs != 1 else ''})"


@dataclass
class TemplateRow:
    template: Template
    used_by: list[str] = field(default_factory=list)  # app names

    @property
    def name(self) -> str:
        return self.template.name

    @property
    def source_type(self) -> str:
        """``repo`` | ``oci`` | ``local`` | ``yaml`` | ``git``."""
        return source_type(self.template.kind, self.template.source)

    @property
    def source(self) -> str:
        """The list's "source" column: chart, chart (OCI), chart (local), yaml, git."""
        return SOURCE_LABELS.get(self.source_type, self.template.kind)

    @property
    def location(self) -> str:
        return source_location(self.template)

    @property
    def remark(self) -> str:
        return self.template.description

    @property
    def created_at(self) -> float:
        return self.template.created_at

"""Pieces of the template dialog: the five source kinds it offers, the per-field error line,
and which widget a field named by the service's error is shown under."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from ccseone_tui.domain import template_errors as te
from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Template
from ccseone_tui.services.templates.service import source_type

# what the Kind selector offers -> the template kind the service stores
FORM_KINDS: dict[str, str] = {
    "repo": "chart", "oci": "chart", "local": "chart", "yaml": "yaml", "git": "git",
}
# the groups of fields each form kind shows (ids of containers in the dialog)
GROUPS: dict[str, tuple[str, ...]] = {
    "repo": ("group-repo", "group-auth"),
    "oci": ("group-oci", "group-auth"),
    "local": ("group-local",),
    "yaml": ("group-yaml",),
    "git": ("group-git",),
}
ALL_GROUPS = ("group-repo", "group-oci", "group-auth", "group-local", "group-yaml", "group-git")

# a field named by the service (ValidationError.field, maybe "source.repo") -> widget id
_FIELD_WIDGETS: dict[str, dict[str, str]] = {
    "*": {"name": "name", "description": "description", "kind": "kind",
          "username": "username", "password_env": "password-env", "ca_file": "ca-file",
          "insecure": "insecure", "manifests": "manifests", "parameters": "parameters",
          "values": "parameters", "defaults": "parameters"},
    "repo": {"repo": "repo", "url": "repo", "chart": "chart", "version": "chart"},
    "oci": {"oci": "oci", "url": "oci", "ref": "oci", "chart": "oci", "version": "oci"},
    "local": {"path": "local-path", "chart": "local-path"},
    "git": {"url": "git-url", "repo": "git-url", "ref": "git-ref", "path": "git-path"},
}


def form_kind(template: Template) -> str:
    """``repo`` | ``oci`` | ``local`` | ``yaml`` | ``git``: which fields edit this template
    (the service's own reading of a source)."""
    return source_type(template.kind, template.source)


def field_widget(field: str, kind: str) -> str | None:
    """The id of the widget that edits ``field`` in form kind ``kind``, if any."""
    name = field.strip().lower().removeprefix("source.").removeprefix("source[")
    name = name.strip("]'\"").replace("-", "_")
    return _FIELD_WIDGETS.get(kind, {}).get(name) or _FIELD_WIDGETS["*"].get(name)


# source errors that name no field, and the field whose value they are about
_ERROR_FIELDS: tuple[tuple[type[CcseoneError], str], ...] = (
    (te.TemplateExists, "name"),
    (te.PasswordEnvMissing, "password_env"),
    (te.RepoAuthFailed, "username"),
    (te.RepoUnreachable, "repo"),
    (te.RepoIndexInvalid, "repo"),
    (te.ChartNotInIndex, "chart"),
    (te.VersionNotFound, "version"),
    (te.RegistryError, "oci"),
    (te.GitRemoteUnreachable, "url"),
    (te.GitRefNotFound, "ref"),
    (te.GitPathNotFound, "path"),
    (te.ValuesYamlError, "parameters"),
    (te.TemplateRenderError, "manifests"),
    (te.ManifestInvalid, "manifests"),
)


def error_field(exc: CcseoneError, kind: str = "") -> str | None:
    """The field an error is about: ``field`` of a ValidationError (TemplateSourceInvalid),
    else the one a source error concerns (unreachable repository -> the URL …)."""
    field: Any = exc.params.get("field")
    if field:
        return str(field)
    for error_type, name in _ERROR_FIELDS:
        if isinstance(exc, error_type):
            if kind == "local" and error_type in (te.TemplateRenderError, te.ManifestInvalid):
                return "path"  # a local chart that does not render: its path is the source
            return name
    return None


def error_text(exc: CcseoneError) -> str:
    """The message and, when there is one, the fix — on two lines, for a field error."""
    fix = exc.fix
    return f"{exc.message}\n{fix}" if fix else exc.message


class FieldError(Static):
    """The error line under one field (hidden when there is none)."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; margin: 0 0 1 24; display: none; }
    FieldError.-shown { display: block; }
    """

    def __init__(self, field_id: str) -> None:
        super().__init__("", id=f"{field_id}-error", classes="field-error", markup=False)
        self.text = ""

    def say(self, text: str | None) -> None:
        self.text = text or ""
        self.update(self.text)
        self.set_class(bool(text), "-shown")

"""Validation of a template's name, kind and source fields before anything is probed or
stored: each problem is a ``TemplateSourceInvalid`` naming the field, the value, the rule and
the fix. The result is the canonical source dict the store keeps (paths made absolute,
chart sources with every contract key)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.safe_yaml import DOCUMENT_LIMITS, check_size
from ccseone_tui.domain.template_errors import TemplateSourceInvalid
from ccseone_tui.domain.validation import check_resource_name
from ccseone_tui.i18n import t
from ccseone_tui.templates.render import parse_values

KINDS = ("chart", "yaml", "git")
CHART_FIELDS = ("repo", "chart", "oci", "path", "username", "password_env", "ca_file",
                "insecure", "plain_http", "version")
YAML_FIELDS = ("manifests", "parameters")
GIT_FIELDS = ("url", "ref", "path")
_FIELDS = {"chart": CHART_FIELDS, "yaml": YAML_FIELDS, "git": GIT_FIELDS}
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_FIELDS = ("password", "token", "secret")
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:.+")
_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@]*:[^/@]*@", re.I)


def _bad(field: str, value: Any, rule_key: str, fix_key: str | None = None,
         **params: Any) -> TemplateSourceInvalid:
    return TemplateSourceInvalid(field, value, t(rule_key, **params),
                                 t(fix_key, **params) if fix_key else "")


def _masked(url: str) -> str:
    return _USERINFO.sub(lambda m: m.group(0).split("://")[0] + "://***@", url)


def _no_credentials(field: str, url: str) -> None:
    if _USERINFO.match(url):
        raise _bad(field, _masked(url), "template.rule.no_credentials",
                   "template.rule.use_password_env")


def _text(source: dict[str, Any], key: str) -> str:
    value = source.get(key)
    return "" if value is None else str(value).strip()


def check_name(name: str) -> str:
    return check_resource_name(name, "name")


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("kind", kind, t("template.rule.kind"))
    return kind


def _check_fields(kind: str, source: dict[str, Any]) -> None:
    for key, value in source.items():
        if key in _SECRET_FIELDS and value:
            raise _bad(key, "***", "template.rule.use_password_env")
        if key not in _FIELDS[kind] and value not in (None, "", False):
            raise _bad(key, value, "template.rule.unknown_field", kind=kind,
                       fields=", ".join(_FIELDS[kind]))


def _file(field: str, value: str) -> str:
    path = Path(value).expanduser()
    if not path.is_file() or not os.access(path, os.R_OK):
        raise _bad(field, value, "template.rule.file_exists")
    return str(path.resolve())


def check_chart_source(source: dict[str, Any]) -> dict[str, Any]:
    repo, chart, oci, path = (_text(source, k) for k in ("repo", "chart", "oci", "path"))
    given = [bool(repo or chart), bool(oci), bool(path)]
    if sum(given) != 1:
        field = "repo" if not any(given) else ("oci" if oci else "path")
        raise _bad(field, source.get(field) or "", "template.rule.one_chart_source")
    out: dict[str, Any] = dict.fromkeys(("repo", "chart", "oci", "path", "username",
                                         "password_env", "ca_file"))
    out["insecure"] = bool(source.get("insecure"))
    if repo or chart:
        _no_credentials("repo", repo)
        parts = urlsplit(repo)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("repo", repo, "template.rule.http_url")
        if not chart or "/" in chart or chart.startswith("."):
            raise _bad("chart", chart, "template.rule.chart_name")
        out["repo"], out["chart"] = repo.rstrip("/"), chart
    elif oci:
        _no_credentials("oci", oci)
        parts = urlsplit(oci)
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if parts.scheme != "oci" or not parts.netloc or not last or ":" in last \
                or "@" in last:
            raise _bad("oci", oci, "template.rule.oci_ref")
        out["oci"] = oci.rstrip("/")
        # a registry on loopback (the sandbox's, a dev registry) speaks plain HTTP unless
        # the source says otherwise, like Docker treats localhost registries
        plain = source.get("plain_http")
        if plain or (plain is None and parts.hostname in ("127.0.0.1", "localhost", "::1")):
            out["plain_http"] = True
    else:
        p = Path(path).expanduser()
        is_chart = (p.is_dir() and (p / "Chart.yaml").is_file()) or (
            p.is_file() and p.name.endswith((".tgz", ".tar.gz")))
        if not is_chart:
            raise _bad("path", path, "template.rule.chart_path")
        out["path"] = str(p.resolve())
    username, env = _text(source, "username"), _text(source, "password_env")
    if env and not _ENV.match(env):
        raise _bad("password_env", env, "template.rule.env_name")
    if bool(username) != bool(env) and not path:
        field = "password_env" if username else "username"
        raise _bad(field, source.get(field) or "", "template.rule.username_needs_password")
    out["username"], out["password_env"] = username or None, env or None
    if _text(source, "ca_file"):
        out["ca_file"] = _file("ca_file", _text(source, "ca_file"))
    if _text(source, "version"):
        out["version"] = _text(source, "version")  # optional pin: the default version
    return out


def check_yaml_source(source: dict[str, Any]) -> dict[str, Any]:
    manifests = source.get("manifests")
    if not isinstance(manifests, str) or not manifests.strip():
        raise _bad("manifests", manifests or "", "template.rule.manifests")
    # Go templates are not YAML until rendered (split_documents checks them then); bound
    # the stored text now so a huge paste never reaches the database
    check_size(manifests, "manifests", DOCUMENT_LIMITS)
    params = source.get("parameters")
    if isinstance(params, str):
        params = parse_values(params, "parameters")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise _bad("parameters", params, "template.rule.parameters")
    return {"manifests": manifests, "parameters": params}


def check_git_source(source: dict[str, Any]) -> dict[str, Any]:
    url, ref, path = _text(source, "url"), _text(source, "ref"), _text(source, "path")
    _no_credentials("url", url)
    scheme = urlsplit(url).scheme
    if scheme in ("http", "https", "ssh", "git"):
        if not urlsplit(url).hostname:
            raise _bad("url", url, "template.rule.git_url")
    elif scheme == "file" or url.startswith("/") or url.startswith("~"):
        local = Path(url.removeprefix("file://")).expanduser()
        if not local.is_dir():
            raise _bad("url", url, "template.rule.git_url")
        url = url if scheme == "file" else str(local.resolve())
    elif not _SCP_LIKE.match(url):
        raise _bad("url", url, "template.rule.git_url")
    if ref and (any(c.isspace() for c in ref) or ".." in ref):
        raise _bad("ref", ref, "template.rule.git_ref")
    clean = path.strip("/")
    if clean.startswith("~") or ".." in clean.split("/") or "\\" in clean:
        raise _bad("path", path, "template.rule.git_path")
    return {"url": url, "ref": ref or "HEAD", "path": "" if clean == "." else clean}


def check_source(kind: str, source: dict[str, Any] | None) -> dict[str, Any]:
    """The canonical source of a ``kind`` template, or the first rule it breaks."""
    check_kind(kind)
    source = dict(source or {})
    _check_fields(kind, source)
    if kind == "chart":
        return check_chart_source(source)
    if kind == "yaml":
        return check_yaml_source(source)
    return check_git_source(source)

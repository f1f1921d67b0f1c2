"""Errors of the template repository and of rendering, each naming what is wrong and where."""

from __future__ import annotations

from ccseone_tui.domain.errors import CcseoneError, ValidationError


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


class TemplateSourceInvalid(ValidationError):
    """A template source field that breaks a rule (bad URL, two sources at once, a password
    in a URL …): names the field, the value, the rule and the fix, like every form error."""

    key = "template.error.source"
    fix_key = "template.error.source.fix"


class TemplateInUse(CcseoneError):
    """Deleting a template that apps still publish from: names those apps."""

    key = "template.error.in_use"
    fix_key = "template.error.in_use.fix"

    def __init__(self, template: str, apps: list[str]) -> None:
        self.apps = list(apps)
        super().__init__(template=template, apps=", ".join(apps), count=len(apps))


class PasswordEnvMissing(CcseoneError):
    """The repository password is read from an environment variable that is not set."""

    key = "template.error.password_env"
    fix_key = "template.error.password_env.fix"

    def __init__(self, variable: str) -> None:
        super().__init__(variable=variable)


class RepoUnreachable(CcseoneError):
    """The chart repository did not answer (refused, DNS, TLS, timeout) or answered with an
    HTTP error."""

    key = "template.error.repo_unreachable"
    fix_key = "template.error.repo_unreachable.fix"

    def __init__(self, repo: str, cause: str, timeout: float | None = None) -> None:
        self.cause = cause
        super().__init__(repo=repo, cause=cause, timeout=timeout if timeout else "?")


class RepoAuthFailed(CcseoneError):
    """401/403 from the chart repository or registry."""

    key = "template.error.repo_auth"
    fix_key = "template.error.repo_auth.fix"

    def __init__(self, repo: str, status: int | str) -> None:
        super().__init__(repo=repo, status=status)


class RepoIndexInvalid(CcseoneError):
    """``index.yaml`` that is not a Helm repository index."""

    key = "template.error.index_invalid"
    fix_key = "template.error.index_invalid.fix"

    def __init__(self, repo: str, detail: str) -> None:
        super().__init__(repo=repo, detail=detail)


class ChartNotInIndex(CcseoneError):
    """The chart name is not in the repository index: names the charts it has."""

    key = "template.error.chart_not_in_index"
    fix_key = "template.error.chart_not_in_index.fix"

    def __init__(self, repo: str, chart: str, available: list[str]) -> None:
        self.available = list(available)
        super().__init__(repo=repo, chart=chart,
                         available=", ".join(available[:20]) or "-")


class VersionNotFound(CcseoneError):
    """A template version that its source does not have: names the versions it has."""

    key = "template.error.version_not_found"
    fix_key = "template.error.version_not_found.fix"

    def __init__(self, template: str, version: str, available: list[str]) -> None:
        self.available = list(available)
        super().__init__(template=template, version=version,
                         available=", ".join(available[:20]) or "-")


class ChartDigestMismatch(CcseoneError):
    """A downloaded archive whose sha256 is not the one the index promises."""

    key = "template.error.digest"
    fix_key = "template.error.digest.fix"

    def __init__(self, url: str, expected: str, actual: str) -> None:
        super().__init__(url=url, expected=expected, actual=actual)


class RegistryError(CcseoneError):
    """An OCI registry refused or failed (tags, pull): its message verbatim."""

    key = "template.error.registry"
    fix_key = "template.error.registry.fix"

    def __init__(self, ref: str, detail: str) -> None:
        super().__init__(ref=ref, detail=detail)


class GitRemoteUnreachable(CcseoneError):
    """The git remote did not answer, refused the fetch, or is not a repository."""

    key = "template.error.git_unreachable"
    fix_key = "template.error.git_unreachable.fix"

    def __init__(self, url: str, cause: str, timeout: float | None = None) -> None:
        self.cause = cause
        super().__init__(url=url, cause=cause, timeout=timeout if timeout else "?")


class GitRefNotFound(CcseoneError):
    """A branch, tag or commit the repository does not have: names the refs it has."""

    key = "template.error.git_ref"
    fix_key = "template.error.git_ref.fix"

    def __init__(self, url: str, ref: str, available: list[str]) -> None:
        self.available = list(available)
        super().__init__(url=url, ref=ref, available=", ".join(available[:20]) or "-")


class GitPathNotFound(CcseoneError):
    """The path in the repository does not exist at that commit, or holds no chart and no
    YAML manifests."""

    key = "template.error.git_path"
    fix_key = "template.error.git_path.fix"

    def __init__(self, url: str, commit: str, path: str, detail: str = "") -> None:
        super().__init__(url=url, commit=commit[:12], path=path or "/", detail=detail)


class TemplateExists(CcseoneError):
    """Another template already has this name (names are unique in the repository)."""

    key = "template.error.exists"
    fix_key = "template.error.exists.fix"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)

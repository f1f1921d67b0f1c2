"""Charts in OCI registries (``oci://host/path/chart``) through Helm's own registry client
(``helm_python.RegistryClient``, imported lazily): tags are the versions, a pull is the
archive. Logins go to a throw-away credentials file, never Helm's or ours: the password is
read from the environment for the call and forgotten."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ccseone_tui.domain.template_errors import RegistryError, RepoAuthFailed, VersionNotFound
from ccseone_tui.templates.cache import key_of, safe_name, write_private
from ccseone_tui.templates.http import Access
from ccseone_tui.templates.semver import newest_first

_AUTH = re.compile(r"(?i)\b(401|403|unauthori[sz]ed|denied|forbidden)\b")


def oci_host(ref: str) -> str:
    return urlsplit(ref).netloc


def _fail(ref: str, exc: Exception) -> Exception:
    text = " ".join(str(exc).split())
    if _AUTH.search(text):
        return RepoAuthFailed(ref, _AUTH.search(text).group(1))  # type: ignore[union-attr]
    return RegistryError(ref, text)


class _Client:
    """A ``RegistryClient`` logged in (if the source has a username) for one call."""

    def __init__(self, ref: str, access: Access, plain_http: bool) -> None:
        self.ref = ref
        self.access = access
        self.plain_http = plain_http
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.client: Any = None

    def __enter__(self) -> Any:
        import helm_python as helm  # lazy: a native library

        creds = self.access.credentials()
        self._tmp = tempfile.TemporaryDirectory(prefix="ccseone-oci-")
        try:
            self.client = helm.RegistryClient(
                plain_http=self.plain_http,
                credentials_file=Path(self._tmp.name) / "config.json")
            if creds:
                self.client.login(oci_host(self.ref), creds[0], creds[1],
                                  insecure=self.access.insecure, plain_http=self.plain_http)
        except helm.HelmError as exc:
            self.__exit__()
            raise _fail(self.ref, exc) from exc
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def oci_tags(ref: str, access: Access, *, plain_http: bool = False) -> list[str]:
    """Versions (tags) of ``ref``, newest first. Blocking: call in a thread."""
    import helm_python as helm

    with _Client(ref, access, plain_http) as client:
        try:
            tags = client.tags(ref)
        except helm.HelmError as exc:
            raise _fail(ref, exc) from exc
    # Helm stores "+" of semver build metadata as "_" in tags
    return newest_first(t.replace("_", "+") for t in tags)


def oci_archive_path(cache_dir: Path, ref: str, version: str) -> Path:
    name = ref.rstrip("/").rsplit("/", 1)[-1]
    return cache_dir / key_of(ref.rstrip("/")) / f"{safe_name(name)}-{safe_name(version)}.tgz"


def oci_pull(ref: str, version: str, access: Access, cache_dir: Path, *,
             plain_http: bool = False, template: str = "") -> Path:
    """The archive of ``ref`` at ``version``, pulled once and kept 0600 in ``cache_dir``."""
    import helm_python as helm

    path = oci_archive_path(cache_dir, ref, version)
    if path.is_file():
        return path
    with _Client(ref, access, plain_http) as client, \
            tempfile.TemporaryDirectory(prefix="ccseone-pull-") as dest:
        try:
            client.pull(ref, version=version, destination=dest, plain_http=plain_http,
                        insecure_skip_tls_verify=access.insecure)
        except helm.HelmError as exc:
            err = _fail(ref, exc)
            if isinstance(err, RegistryError) and "not found" in str(exc).lower():
                raise VersionNotFound(template or ref, version,
                                      oci_tags(ref, access, plain_http=plain_http)) from exc
            raise err from exc
        archives = sorted(Path(dest).glob("*.tgz"))
        if not archives:
            raise RegistryError(ref, f"pull of {version} produced no chart archive")
        return write_private(path, archives[0].read_bytes())

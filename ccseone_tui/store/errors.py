"""Errors the cache raises. Every one is a ``CcseoneError`` so the UI's single error path
shows it; the ones a user can act on reuse the domain's types (``NameExists``, ``NotFound``)
so services can catch either the store's or the domain's name.

Messages of the purely technical ones (corrupt file, database too new) are English text with
the path in it; they name the file so the user can act on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, NameExists, NotFound


class StoreError(CcseoneError):
    """Base of every store error. ``detail`` is the message when no i18n key fits."""

    key = "error.generic"

    def __init__(self, detail: str = "", **params: Any) -> None:
        self.detail = detail
        super().__init__(detail=detail, **params)

    @property
    def message(self) -> str:
        return self.detail or super().message


class DatabaseTooNew(StoreError):
    """The file was written by a newer ccseone: refuse to open it, never touch it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"{path}: database schema version {found} is newer than this ccseone supports "
            f"({supported}); upgrade ccseone, or point --data-dir elsewhere",
            path=str(path),
            found=found,
            supported=supported,
        )


class DatabaseBusy(StoreError):
    """Another process (a second ccseone, an sqlite3 shell) held the cache's lock for
    longer than the busy timeout; nothing was changed."""

    key = "error.db_busy"
    fix_key = "error.db_busy.fix"

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        # no detail: the catalogue's message and fix, in the user's language
        super().__init__("", path=str(path), seconds=f"{seconds:g}")


class NotACcseoneDatabase(StoreError):
    """A file given as the cache that ccseone did not write: refused, left untouched (the
    move-aside recovery is for damaged ccseone databases only)."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: not a ccseone database: {why}; it was left untouched. Give --db a new "
            "file name or an existing ccseone database",
            path=str(path),
        )


class MigrationFailed(StoreError):
    """A migration failed; it was rolled back, the database is as it was (and backed up)."""

    def __init__(self, path: Path, version: int, cause: str, backup: Path | None) -> None:
        self.path = path
        self.version = version
        self.backup = backup
        where = f"; a backup is at {backup}" if backup else ""
        super().__init__(
            f"{path}: migrating to schema version {version} failed: {cause} "
            f"(rolled back, nothing changed{where})",
            path=str(path),
            version=version,
            cause=cause,
        )


class AlreadyExists(StoreError):
    """A unique name (or key) is already used by another record of that kind."""

    def __init__(self, kind: str, name: str, scope: str = "") -> None:
        self.kind = kind
        self.name = name
        where = f" in {scope}" if scope else ""
        super().__init__(f"{kind} {name!r} already exists{where}", kind=kind, name=name)


class NameTaken(AlreadyExists, NameExists):
    """SPEC §6.1: "an instance or cluster with the same name exists" (one name space)."""

    key = NameExists.key
    fix_key = NameExists.fix_key

    def __init__(self, name: str, kind: str = "") -> None:
        AlreadyExists.__init__(self, kind or "instance or cluster", name)
        # use the catalogue's message and fix, in the user's language
        self.detail = ""
        self.params.pop("detail", None)


class RecordNotFound(StoreError, NotFound):
    """An update aimed at a record that is not (any more) in the cache."""

    key = NotFound.key

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        StoreError.__init__(self, "", kind=kind, name=name)


class InUse(StoreError):
    """Deleting a record that others still refer to (clusters of an instance, a template
    used by apps)."""

    def __init__(self, kind: str, name: str, used_by: str) -> None:
        self.kind = kind
        self.name = name
        self.used_by = used_by
        super().__init__(
            f"{kind} {name!r} is still used by {used_by}; remove them first",
            kind=kind,
            name=name,
            used_by=used_by,
        )


class MissingReference(StoreError):
    """A record refers to a parent that does not exist (cluster of an unknown instance …)."""

    def __init__(self, kind: str, name: str, parent: str) -> None:
        self.kind = kind
        self.name = name
        self.parent = parent
        super().__init__(
            f"{kind} {name!r} refers to a {parent} that does not exist",
            kind=kind,
            name=name,
            parent=parent,
        )


class CredentialRefused(StoreError):
    """A value that looks like a token, password or key: the cache never stores those."""

    key = "store.credential_refused"

    def __init__(self, kind: str, field: str) -> None:
        self.kind = kind
        self.field = field
        # the way around depends on what was refused: a template's manifests or parameters
        # cannot "refer to a kubeconfig"; they can reference a Secret made outside ccseone
        self.fix_key = ("store.credential_refused.fix_template" if kind == "template"
                        else "store.credential_refused.fix")
        super().__init__("", kind=kind, field=field)


__all__ = [
    "AlreadyExists",
    "CredentialRefused",
    "DatabaseTooNew",
    "InUse",
    "MigrationFailed",
    "MissingReference",
    "NameTaken",
    "NotACcseoneDatabase",
    "RecordNotFound",
    "StoreError",
]

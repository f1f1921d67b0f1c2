"""The local cache: SQLite through aiosqlite (the only package that imports it).

``Store.open(path)`` checks, recovers, migrates and returns the store; every query is a
coroutine returning the domain's dataclasses. See ``migrations.py`` for the schema.
No credentials are ever stored: clusters refer to a kubeconfig file and context only
(``secrets.py`` refuses or masks what looks like one).
"""

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.store.errors import (
    AlreadyExists,
    CredentialRefused,
    DatabaseTooNew,
    InUse,
    MigrationFailed,
    MissingReference,
    NameTaken,
    NotACcseoneDatabase,
    RecordNotFound,
    StoreError,
)
from ccseone_tui.store.migrations import LATEST as SCHEMA_VERSION
from ccseone_tui.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "AlreadyExists",
    "CredentialRefused",
    "DatabaseTooNew",
    "InUse",
    "JournalEntry",
    "MigrationFailed",
    "MissingReference",
    "NameTaken",
    "NotACcseoneDatabase",
    "RecordNotFound",
    "Store",
    "StoreError",
]

"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

``MIGRATIONS[i]`` brings the schema from version ``i`` to ``i + 1``; append, never edit a
released one. All pending steps run in ONE transaction together with the ``user_version``
bump, so a failure leaves the file exactly as it was. Before touching an existing database
it is copied with ``VACUUM INTO '<db>.bak-v<old>-<timestamp>'`` (mode 0600).

Why scripts are split here instead of ``executescript``: the sqlite3 module's executescript
COMMITs any open transaction first, which would break the one-transaction rule.

A future step that rebuilds a table (SQLite's 12-step ALTER) must keep foreign keys
consistent by itself: ``PRAGMA foreign_keys`` cannot be switched inside a transaction; use
``PRAGMA defer_foreign_keys = ON`` and ``PRAGMA foreign_key_check`` at the end of the step.

Columns that hold dicts (labels, selector, source) are JSON text. Credentials never have a
column: clusters and instances refer to a kubeconfig file and a context only.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ccseone_tui.store.connection import (
    Database,
    chmod_private,
    create_private_file,
    is_busy,
)
from ccseone_tui.store.errors import DatabaseBusy, DatabaseTooNew, MigrationFailed

# Raised by triggers: instance and cluster names share one name space (SPEC §6.1).
NAME_TAKEN = "ccseone: name taken"

_V1 = f"""
CREATE TABLE instances (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL UNIQUE,
    region              TEXT NOT NULL,
    engine              TEXT NOT NULL,
    status              TEXT NOT NULL,
    deletion_protection INTEGER NOT NULL CHECK (deletion_protection IN (0, 1)),
    description         TEXT NOT NULL DEFAULT '',
    created_at          REAL NOT NULL,
    hub_kubeconfig      TEXT,  -- a file path, never the content
    hub_context         TEXT
);

CREATE TABLE clusters (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL UNIQUE,
    -- RESTRICT: an instance cannot disappear from under its clusters; detach them first
    instance_id         TEXT NOT NULL REFERENCES instances(id) ON DELETE RESTRICT,
    region              TEXT NOT NULL DEFAULT '',
    source              TEXT NOT NULL,
    api_server          TEXT NOT NULL DEFAULT '',
    labels              TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(labels)),
    deletion_protection INTEGER NOT NULL CHECK (deletion_protection IN (0, 1)),
    kubeconfig          TEXT,  -- a file path, never the content
    context             TEXT,
    created_at          REAL NOT NULL,
    -- the last probe: what paints the first screen before any network call returns
    status              TEXT NOT NULL DEFAULT 'Unknown',
    version             TEXT,
    nodes               INTEGER,
    nodes_ready         INTEGER,
    edge_nodes          INTEGER,
    latency_ms          REAL,
    last_seen           REAL,
    probed_at           REAL,
    error               TEXT
);
CREATE INDEX clusters_by_instance ON clusters(instance_id);

CREATE TRIGGER instances_name_insert BEFORE INSERT ON instances
WHEN EXISTS (SELECT 1 FROM clusters WHERE name = NEW.name)
BEGIN SELECT RAISE(ABORT, '{NAME_TAKEN}'); END;

CREATE TRIGGER instances_name_update BEFORE UPDATE OF name ON instances
WHEN EXISTS (SELECT 1 FROM clusters WHERE name = NEW.name)
BEGIN SELECT RAISE(ABORT, '{NAME_TAKEN}'); END;

CREATE TRIGGER clusters_name_insert BEFORE INSERT ON clusters
WHEN EXISTS (SELECT 1 FROM instances WHERE name = NEW.name)
BEGIN SELECT RAISE(ABORT, '{NAME_TAKEN}'); END;

CREATE TRIGGER clusters_name_update BEFORE UPDATE OF name ON clusters
WHEN EXISTS (SELECT 1 FROM instances WHERE name = NEW.name)
BEGIN SELECT RAISE(ABORT, '{NAME_TAKEN}'); END;

CREATE TABLE namespaces (
    id           TEXT PRIMARY KEY NOT NULL,
    instance_id  TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0,
    selector     TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(selector)),
    labels       TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(labels)),
    cpu_limit    TEXT,
    memory_limit TEXT,
    created_at   REAL NOT NULL,
    UNIQUE (instance_id, name)
);

-- per-cluster sync state of a fleet namespace; goes with the namespace or the cluster
CREATE TABLE namespace_sync (
    namespace_id TEXT NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
    cluster_id   TEXT NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    updated_at   REAL NOT NULL,
    PRIMARY KEY (namespace_id, cluster_id)
) WITHOUT ROWID;
CREATE INDEX namespace_sync_by_cluster ON namespace_sync(cluster_id);

CREATE TABLE templates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(source)),
    description TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL
);

CREATE TABLE apps (
    id               TEXT PRIMARY KEY NOT NULL,
    instance_id      TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    -- RESTRICT: a template cannot be deleted while an app uses it (SPEC §3.3.3)
    template_id      TEXT NOT NULL REFERENCES templates(id) ON DELETE RESTRICT,
    description      TEXT NOT NULL DEFAULT '',
    current_revision INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'Draft',
    created_at       REAL NOT NULL,
    UNIQUE (instance_id, name)
);
CREATE INDEX apps_by_template ON apps(template_id);

CREATE TABLE app_targets (
    app_id     TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
    namespace  TEXT NOT NULL,
    UNIQUE (app_id, cluster_id, namespace)
);
CREATE INDEX app_targets_by_cluster ON app_targets(cluster_id);

CREATE TABLE revisions (
    app_id           TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    template_version TEXT NOT NULL DEFAULT '',
    values_yaml      TEXT NOT NULL DEFAULT '',
    manifests        TEXT NOT NULL DEFAULT '',
    message          TEXT NOT NULL DEFAULT '',
    author           TEXT NOT NULL DEFAULT '',
    created_at       REAL NOT NULL,
    PRIMARY KEY (app_id, number)
) WITHOUT ROWID;

-- per-target outcome of rolling out a revision
CREATE TABLE revision_results (
    app_id     TEXT NOT NULL,
    number     INTEGER NOT NULL,
    target     TEXT NOT NULL,
    status     TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL,
    PRIMARY KEY (app_id, number, target),
    FOREIGN KEY (app_id, number) REFERENCES revisions(app_id, number) ON DELETE CASCADE
) WITHOUT ROWID;

-- tasks are history: no foreign key to the instance, they outlive it
CREATE TABLE tasks (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    instance_id TEXT,
    status      TEXT NOT NULL,
    user        TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX tasks_by_created ON tasks(created_at);
CREATE INDEX tasks_by_instance ON tasks(instance_id, created_at);

CREATE TABLE task_results (
    task_id     TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    target      TEXT NOT NULL,  -- cluster name, or cluster/namespace
    status      TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    started_at  REAL,
    finished_at REAL,
    UNIQUE (task_id, target)
);
CREATE INDEX task_results_by_target ON task_results(target);
"""

# v2: the instance journal (instance log, SPEC §3.1.2.3). No foreign key: like tasks, the
# log of what happened outlives the instance. AUTOINCREMENT: ids never come back, so a tail
# that asks for "after id N" never misses or repeats a line.
_V2 = """
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    at          REAL NOT NULL,
    user        TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    duration_ms REAL,
    error       TEXT NOT NULL DEFAULT '',
    task_id     TEXT
);
CREATE INDEX journal_by_instance ON journal(instance_id, id);
"""

# v3 (issue #14 item 4): which process runs a task, so the next start can tell a task whose
# process was killed (kill -9, lost SSH session) from one still running elsewhere. JSON
# ``{"host", "pid", "start"}``; NULL for tasks recorded before v3. The partial index keeps
# the check at every start cheap however long the history grows.
_V3 = """
ALTER TABLE tasks ADD COLUMN owner TEXT CHECK (owner IS NULL OR json_valid(owner));
CREATE INDEX tasks_unfinished ON tasks(created_at) WHERE finished_at IS NULL;
"""

# v4 (issue #13, 1,000 clusters): when the server version was last asked. A warm probe lists
# the nodes only and asks /version again once this is older than ``engines.probe.VERSION_TTL``;
# kept here, not in memory, so a restart within the TTL does not re-ask every version. NULL
# (rows from before v4): never asked, so the first probe asks.
_V4 = """
ALTER TABLE clusters ADD COLUMN version_checked_at REAL;
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4]
LATEST = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split a script into statements; ``;`` inside a trigger body does not end one."""
    out: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            stmt = pending.strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            pending = ""
    if pending.strip(" \n\t;"):
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]!r}")
    return out


def _timestamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def free_name(base: str) -> Path:
    """``base``, or ``base.1``, ``base.2`` … whichever does not exist yet."""
    candidate = Path(base)
    n = 0
    while candidate.exists() or Path(f"{candidate}-wal").exists():
        n += 1
        candidate = Path(f"{base}.{n}")
    return candidate


async def backup(db: Database, path: Path, version: int) -> Path:
    """A consistent copy of the database as it is now, mode 0600, next to it."""
    dest = free_name(f"{path}.bak-v{version}-{_timestamp()}")
    create_private_file(dest)  # 0600 from the start; VACUUM INTO accepts an empty file
    try:
        await db.outside_transaction("VACUUM INTO ?", (str(dest),))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    chmod_private(dest)
    return dest


async def migrate(db: Database, path: Path) -> Path | None:
    """Bring the schema to ``LATEST``; return the backup made first, if any."""
    current = int(await db.pragma("PRAGMA user_version"))
    if current > LATEST:
        raise DatabaseTooNew(path, current, LATEST)
    if current == LATEST:
        return None
    has_tables = int(await db.pragma("SELECT count(*) FROM sqlite_master")) > 0
    saved = await backup(db, path, current) if current > 0 or has_tables else None
    target = current
    try:
        async with db.transaction():
            # read again under the write lock: another process may have migrated meanwhile
            current = int(await db.pragma("PRAGMA user_version"))
            if current > LATEST:
                raise DatabaseTooNew(path, current, LATEST)
            for target in range(current + 1, LATEST + 1):
                for stmt in split_statements(MIGRATIONS[target - 1]):
                    await db.conn.execute(stmt)
            # user_version is part of the file header, so it commits or rolls back with the rest
            await db.conn.execute(f"PRAGMA user_version = {LATEST}")
            problems = await db.pragma_all("PRAGMA foreign_key_check")
            if problems:
                raise sqlite3.IntegrityError(f"foreign key check failed: {problems[:3]}")
    except sqlite3.Error as exc:
        if is_busy(exc):  # nothing was wrong with the migration: another process held the lock
            raise DatabaseBusy(path, db.busy_timeout_ms / 1000) from exc
        raise MigrationFailed(path, target, str(exc), saved) from exc
    return saved


__all__ = ["LATEST", "MIGRATIONS", "backup", "migrate", "split_statements"]

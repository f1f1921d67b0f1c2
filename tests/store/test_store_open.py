"""Opening the cache: files and modes, pragmas, migrations and backups, damaged and too-new
files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus, ControlInstance
from ccseone_tui.store import (
    SCHEMA_VERSION,
    DatabaseTooNew,
    MigrationFailed,
    NotACcseoneDatabase,
    Store,
    migrations,
)
from ccseone_tui.store import store as store_module
from ccseone_tui.store.connection import is_corruption
from ccseone_tui.store.migrations import MIGRATIONS, split_statements

# small sync helpers: file access in the async tests without blocking-call lint noise


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read(path: Path) -> bytes:
    return path.read_bytes()


def write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def scribble(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def make_v1_db(path: Path) -> None:
    """A database as ccseone with schema v1 left it, with one instance in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for stmt in split_statements(MIGRATIONS[0]):
            conn.execute(stmt)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO instances (id, name, region, engine, status, deletion_protection, "
            "description, created_at) VALUES ('i1', 'old-hub', 'idc', 'local', 'Ready', 1, '', 5)"
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    os.chmod(path, 0o600)


async def test_fresh_open_creates_private_dir_and_file(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        assert store.path == db_path
        assert store.recovered_from is None and store.recovery_message is None
        assert store.backup_path is None  # nothing to back up in a new file
        assert await store.schema_version() == SCHEMA_VERSION >= 2
        await store.add_instance(ControlInstance(id="i", name="n", region="r"))
        assert mode(db_path.parent) == 0o700
        for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            assert p.exists(), p
            assert mode(p) == 0o600, p
    finally:
        await store.close()


async def test_pragmas(store: Store) -> None:
    db = store._db
    assert await db.pragma("PRAGMA journal_mode") == "wal"
    assert await db.pragma("PRAGMA foreign_keys") == 1
    assert await db.pragma("PRAGMA busy_timeout") >= 1000


async def test_wal_mode_persists_in_file(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


async def test_reopen_keeps_data_and_makes_no_backup(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.add_instance(ControlInstance(id="i", name="n", region="r"))
    await store.close()
    store = await Store.open(db_path)
    try:
        assert store.backup_path is None
        assert (await store.get_instance("n")) is not None
    finally:
        await store.close()
    assert not list(db_path.parent.glob("*.bak-*"))


async def test_upgrade_from_v1_backs_up_then_migrates(db_path: Path) -> None:
    make_v1_db(db_path)
    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        backup = store.backup_path
        assert backup is not None and backup.exists()
        assert backup.name.startswith("ccseone.db.bak-v1-")
        assert mode(backup) == 0o600
        # old data survived, the v2 table works
        inst = await store.get_instance("old-hub")
        assert inst is not None and inst.region == "idc"
        new_id = await store.add_journal(
            JournalEntry(0, "i1", 1.0, "me", "instance.create", "old-hub", "Succeeded")
        )
        assert [e.id for e in await store.list_journal("i1")] == [new_id]
    finally:
        await store.close()
    # the backup is the v1 database as it was
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT name FROM instances").fetchall() == [("old-hub",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "journal" not in tables
    finally:
        conn.close()


async def test_a_v3_database_gets_the_version_check_column(db_path: Path) -> None:
    """Issue #13: clusters probed before v4 open with ``version_checked_at`` None (the next
    probe asks /version), and a probe with one is saved and read back."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for script in MIGRATIONS[:3]:
            for stmt in split_statements(script):
                conn.execute(stmt)
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO instances (id, name, region, engine, status, deletion_protection, "
            "description, created_at) VALUES ('i1', 'hub', 'idc', 'local', 'Ready', 1, '', 5)")
        conn.execute(
            "INSERT INTO clusters (id, name, instance_id, source, deletion_protection, "
            "created_at, status, version, nodes, probed_at) VALUES "
            "('c1', 'm1', 'i1', 'kubeconfig', 1, 6, 'Ready', 'v1.30.2', 2, 7)")
        conn.execute("COMMIT")
    finally:
        conn.close()
    os.chmod(db_path, 0o600)
    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert store.backup_path is not None and store.backup_path.name.startswith(
            "ccseone.db.bak-v3-")
        old = await store.get_cluster("m1")
        assert old is not None
        assert (old.probe.status, old.probe.version, old.probe.nodes) == (
            ClusterStatus.READY, "v1.30.2", 2)
        assert old.probe.version_checked_at is None
        probe = ClusterProbe(ClusterStatus.READY, "v1.31.0", 2, probed_at=8.0,
                             version_checked_at=8.0)
        await store.save_probes({"c1": probe})
        assert [c.probe for c in await store.list_clusters()] == [probe]
    finally:
        await store.close()


async def test_failed_migration_rolls_back_everything(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_db(db_path)
    broken = "CREATE TABLE extra (a); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, broken])
    monkeypatch.setattr(migrations, "LATEST", len(MIGRATIONS) + 1)
    monkeypatch.setattr(store_module, "LATEST", len(MIGRATIONS) + 1)
    with pytest.raises(MigrationFailed) as err:
        await Store.open(db_path)
    assert err.value.backup is not None and err.value.backup.exists()
    assert "no_such_table" in str(err.value)
    conn = sqlite3.connect(db_path)
    try:
        # v2 (which would have succeeded) was rolled back together with the broken v3
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in tables and "journal" not in tables
        assert conn.execute("SELECT count(*) FROM instances").fetchone()[0] == 1
    finally:
        conn.close()


async def test_database_too_new_is_refused_and_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.commit()
    conn.close()
    before = read(db_path)
    modified = mtime(db_path)
    with pytest.raises(DatabaseTooNew) as err:
        await Store.open(db_path)
    assert err.value.found == SCHEMA_VERSION + 7
    assert str(db_path) in str(err.value)
    assert read(db_path) == before
    assert mtime(db_path) == modified
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ccseone.db"]


async def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(db_path: Path) -> None:
    """Hardening #2: `--db ~/notes.txt` must never rename the user's file and start over."""
    db_path.parent.mkdir(parents=True)
    garbage = b"this is not sqlite at all\n" * 400
    write(db_path, garbage)
    write(Path(f"{db_path}-wal"), b"stale wal")
    modified = mtime(db_path)
    with pytest.raises(NotACcseoneDatabase) as err:
        await Store.open(db_path)
    assert str(db_path) in str(err.value) and "not an SQLite database" in str(err.value)
    assert read(db_path) == garbage and mtime(db_path) == modified
    assert read(Path(f"{db_path}-wal")) == b"stale wal"
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ccseone.db", "ccseone.db-wal"]


async def test_another_programs_sqlite_database_is_refused_and_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE moz_places (url)")
    conn.commit()
    conn.close()
    before = read(db_path)
    with pytest.raises(NotACcseoneDatabase) as err:
        await Store.open(db_path)
    assert "moz_places" in str(err.value)
    assert read(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ccseone.db"]


async def test_a_damaged_ccseone_database_is_moved_aside_loudly(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.add_instance(ControlInstance(id="i", name="n", region="r"))
    await store.close()
    size = len(read(db_path))
    scribble(db_path, 100, b"\xff" * 3000)  # keep the header, break the schema page
    store = await Store.open(db_path)
    try:
        moved = store.recovered_from
        assert moved is not None and moved.name.startswith("ccseone.db.corrupt-")
        assert len(read(moved)) == size and mode(moved) == 0o600
        assert store.recovery_message and str(moved) in store.recovery_message
        assert "ccseone cache" in store.recovery_message
        assert await store.schema_version() == SCHEMA_VERSION
    finally:
        await store.close()


async def test_damaged_page_fails_integrity_check_and_is_moved_aside(db_path: Path) -> None:
    store = await Store.open(db_path)
    for i in range(300):
        await store.add_instance(
            ControlInstance(id=f"i{i}", name=f"hub-{i}", region="r", description="x" * 200)
        )
    await store.close()
    conn = sqlite3.connect(db_path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'instances'").fetchone()[0]
    conn.close()
    with db_path.open("r+b") as fh:  # scribble over the root page of the instances table
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xff" * (page_size // 2))
    store = await Store.open(db_path)
    try:
        assert store.recovered_from is not None and store.recovered_from.exists()
        assert store.recovery_message is not None
        assert await store.list_instances() == []
    finally:
        await store.close()


def test_corruption_is_told_apart_from_a_locked_file() -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    assert not is_corruption(busy)
    notadb = sqlite3.DatabaseError("file is not a database")
    notadb.sqlite_errorcode = sqlite3.SQLITE_NOTADB  # type: ignore[attr-defined]
    assert is_corruption(notadb)


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    stmts = split_statements(
        "CREATE TABLE a (x);\n"
        "CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1; SELECT 2; END;\n"
        "-- a comment; with a semicolon\n"
        "CREATE INDEX i ON a(x);"
    )
    assert len(stmts) == 3
    assert stmts[1].startswith("CREATE TRIGGER") and stmts[1].endswith("END;")
    with pytest.raises(ValueError):
        split_statements("CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1;")
    for script in MIGRATIONS:
        assert all(sqlite3.complete_statement(s) for s in split_statements(script))


async def test_close_with_a_read_left_open_still_closes(db_path: Path) -> None:
    """A task cancelled mid-read leaves its statement open on the connection: the WAL
    checkpoint at close then fails with "database table is locked" (SQLITE_LOCKED); closing
    skips the checkpoint instead of failing (seen once in CI at a test's teardown)."""
    s = await Store.open(db_path)
    for name in ("east", "west", "north"):
        await s.add_instance(ControlInstance(id=name, name=name, region="cn-east-1"))
    cursor = await s._db.conn.execute("SELECT * FROM instances")
    assert await cursor.fetchone() is not None  # rows left: the statement stays active
    await s.close()
    again = await Store.open(db_path)
    try:
        assert {i.name for i in await again.list_instances()} == {"east", "west", "north"}
    finally:
        await again.close()

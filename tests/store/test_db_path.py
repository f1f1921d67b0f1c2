"""Hardening #1/#2: where `--db` points. ccseone never changes a directory it did not create
(the shared temp dir, the working directory), never creates a parent chain outside its own data
dir, and never renames a file that is not its database. Run through the CLI, as a user would."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccseone_tui.cli import main


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], db: str, *argv: str
        ) -> tuple[int, str, str]:
    code = main(["--config", str(tmp_path / "none.toml"), "--db", db, "--lang", "en",
                 *(argv or ("instances", "list"))])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "own-data"))


def test_a_shared_sticky_dir_keeps_its_mode(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    code, _, err = run(tmp_path, capsys, str(shared / "x.db"), "--readonly", "instances", "list")
    assert code == 0, err
    assert mode(shared) == 0o1777  # was chmodded to 0700 for every user of the jump host
    assert mode(shared / "x.db") == 0o600
    assert "can be written by other users" not in err  # sticky: others cannot replace it


def test_a_relative_db_leaves_the_working_directory_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    os.chmod(work, 0o755)
    monkeypatch.chdir(work)
    code, _, err = run(tmp_path, capsys, "x.db")
    assert code == 0, err
    assert mode(work) == 0o755
    assert (work / "x.db").exists()


def test_a_missing_parent_outside_the_data_dir_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no" / "such" / "dir" / "x.db"
    code, _, err = run(tmp_path, capsys, str(target))
    assert code == 1
    assert f"{target.parent} does not exist" in err and "mkdir -p" in err
    assert not (tmp_path / "no").exists()  # nothing created, from / or anywhere


def test_a_missing_parent_inside_the_data_dir_is_created_private(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "own-data" / "caches" / "x.db"
    code, _, err = run(tmp_path, capsys, str(target))
    assert code == 0, err
    assert mode(tmp_path / "own-data") == 0o700 and mode(target.parent) == 0o700


def test_a_group_writable_dir_without_sticky_bit_is_warned_about(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    os.chmod(loose, 0o777)
    code, _, err = run(tmp_path, capsys, str(loose / "x.db"))
    assert code == 0
    assert mode(loose) == 0o777  # warned about, not changed
    assert "can be written by other users (mode 0777)" in err


def test_a_non_sqlite_file_is_refused_and_left_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n")
    os.chmod(notes, 0o644)
    code, _, err = run(tmp_path, capsys, str(notes))
    assert code == 1
    assert "not a ccseone database" in err and "left untouched" in err
    assert notes.read_text() == "my precious notes\n" and mode(notes) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
        "notes.txt"]


def test_a_directory_as_db_is_a_clear_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, capsys, str(tmp_path))
    assert code == 1
    assert "is a directory" in err and "Traceback" not in err + out


def test_a_damaged_cache_is_reported_on_stderr_with_the_moved_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "own-data" / "x.db"
    assert run(tmp_path, capsys, str(db), "instances", "create", "east", "--region",
               "cn-east-1")[0] == 0
    with db.open("r+b") as fh:  # keep the SQLite header, break the schema page
        fh.seek(100)
        fh.write(b"\xff" * 3000)
    code, _, err = run(tmp_path, capsys, str(db))
    assert code == 0
    moved = sorted(db.parent.glob("x.db.corrupt-*"))
    assert moved and str(moved[0]) in err and "was damaged" in err

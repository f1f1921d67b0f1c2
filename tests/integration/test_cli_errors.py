"""Issue #14 item 8: inputs that used to end in a traceback end in one line naming the input
and the fix, exit 1 or 2; anything unexpected is one ``internal error`` line with the
traceback in a 0600 log file. Real files, a real locked SQLite database, real child
processes for argv bytes and a closed pipe."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ccseone_tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CCSEONE_DEBUG", raising=False)
    return tmp_path


def run(home: Path, capsys: pytest.CaptureFixture[str], *argv: str,
        config: Path | None = None) -> tuple[int, str, str]:
    base = ["--config", str(config or home / "none.toml"), "--db", str(home / "ccseone.db"),
            "--lang", "en"]
    code = main([*base, *argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.err, out.err
    return code, out.out, out.err


def child(home: Path, *argv: str | bytes, stdout: int | None = subprocess.PIPE
          ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CCSEONE_DATA_DIR": str(home / "data")}
    env.pop("CCSEONE_DEBUG", None)
    cmd: list[str | bytes] = [sys.executable, "-m", "ccseone_tui.cli", "--config",
                              str(home / "none.toml"), "--db", str(home / "ccseone.db"),
                              "--lang", "en", *argv]
    return subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)


def test_binary_kubeconfig_and_settings(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = home / "kubeconfig"
    bad.write_bytes(b"\xff\xfe\x00\x01binary")
    code, _, err = run(home, capsys, "--kubeconfig", str(bad), "clusters", "contexts")
    assert code == 1 and str(bad) in err and "not UTF-8" in err and "--kubeconfig" in err
    settings = home / "config.toml"
    settings.write_bytes(b'theme = "\xff"\n')
    code, _, err = run(home, capsys, "instances", "list", config=settings)
    assert code == 2 and str(settings) in err and "UTF-8" in err and "--config" in err
    assert err.count("\n") == 1


def test_db_pointing_at_a_directory(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(home / "none.toml"), "--db", str(home), "instances", "list"])
    err = capsys.readouterr().err
    assert code == 1 and "is a directory" in err and "Traceback" not in err


def test_argv_that_is_not_utf8(home: Path) -> None:
    p = child(home, "instances", "show", b"caf\xe9-\xff")
    _, err = p.communicate(timeout=60)
    text = err.decode()
    assert p.returncode == 2 and "Traceback" not in text
    assert "caf\\xe9-\\xff" in text and "UTF-8" in text and text.count("\n") == 1


def test_set_nested_5000_levels_and_huge_revision(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = ".".join(["a"] * 5000) + "=1"
    code, _, err = run(home, capsys, "apps", "publish", "web", "--instance", "east",
                       "--template", "web", "--target", "c/ns", "--set", deep)
    assert code in (1, 2) and "--set" in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_:
        run(home, capsys, "apps", "rollback", "web", "99999999999999999999999",
            "--instance", "east")
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "Traceback" not in err
    assert "99999999999999999999999" in err and "apps history" in err


async def test_logs_grep_with_a_broken_regex(home: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    code, _, err = await asyncio.to_thread(run, home, capsys, "logs", "app", "web",
                                           "--instance", "east", "--grep", "(((")
    assert code == 2 and "--grep '((('" in err and "backslash" in err


@pytest.mark.parametrize("how", ["BEGIN EXCLUSIVE", "locking_mode"])
def test_database_locked_longer_than_the_busy_timeout(
        home: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    settings = home / "config.toml"
    settings.write_text("db_busy_timeout = 0.2\n")
    assert run(home, capsys, "instances", "list", config=settings)[0] == 0  # creates the db
    holder = sqlite3.connect(home / "ccseone.db", isolation_level=None)
    try:
        if how == "locking_mode":  # blocks readers too, even opening the file
            holder.execute("PRAGMA locking_mode = EXCLUSIVE")
            holder.execute("BEGIN EXCLUSIVE")
            holder.execute("CREATE TABLE IF NOT EXISTS holder (x)")
        else:
            holder.execute("BEGIN EXCLUSIVE")
        code, _, err = run(home, capsys, "instances", "create", "east", "--region",
                           "cn-east-1", config=settings)
    finally:
        holder.close()
    assert code == 1, err
    assert str(home / "ccseone.db") in err and "0.2 s" in err and "db_busy_timeout" in err
    assert err.count("\n") == 1


def test_output_piped_into_a_closed_pipe_ends_quietly(home: Path) -> None:
    r, w = os.pipe()
    os.close(r)  # the reader (head) is gone before the first line
    try:
        p = child(home, "sandbox", "--help", stdout=w)
    finally:
        os.close(w)
    _, err = p.communicate(timeout=60)
    assert p.returncode in (0, 1) and err == b"", err.decode()
    p = child(home, "instances", "list", stdout=subprocess.PIPE)
    assert p.stdout is not None
    p.stdout.close()
    _, err = p.communicate(timeout=60)
    assert p.returncode == 1 and err == b"", err.decode()


def test_unexpected_exception_is_one_line_and_a_private_log(
        home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from ccseone_tui.cli import commands

    async def broken(args: object, services: object) -> int:
        raise RuntimeError("the impossible\nhappened")

    monkeypatch.setitem(commands.HANDLERS, "instances", broken)
    code, _, err = run(home, capsys, "instances", "list")
    log = home / "data" / "logs" / "ccseone-errors.log"
    assert code == 1
    assert err == (f"ccseone: internal error: RuntimeError: the impossible happened "
                   f"(details in {log})\n")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError: the impossible" in text
    monkeypatch.setenv("CCSEONE_DEBUG", "1")
    code = main(["--config", str(home / "none.toml"), "--db", str(home / "ccseone.db"),
                 "instances", "list"])
    assert code == 1 and "Traceback" in capsys.readouterr().err


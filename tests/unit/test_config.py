from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccseone_tui.config import SettingsError, load_settings, write_private_file


def test_defaults_when_no_file(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "absent.toml")
    assert s.read_only is False and s.config_path is None
    assert s.regions[0] == "cn-east-1"


def test_file_then_flags(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text('language = "zh_CN"\nread_only = true\nregions = ["r1"]\nconcurrency = 5\n')
    s = load_settings(f, read_only=None, db_file=str(tmp_path / "x.db"))
    assert s.language == "zh_CN" and s.read_only is True and s.regions == ("r1",)
    assert s.concurrency == 5 and s.db_path == tmp_path / "x.db"
    assert load_settings(f, language="en").language == "en"


@pytest.mark.parametrize("body,needle", [
    ("nope = 1", "unknown key 'nope'"),
    ("concurrency = 0", "concurrency = 0 must be at least 1"),
    ("read_timeout = -1", "must be greater than 0"),
    ('read_only = "yes"', "must be a bool"),
    ("regions = []", "regions must be a non-empty list"),
    ("this is not toml", "cannot read settings"),
])
def test_bad_settings_name_file_key_and_rule(tmp_path: Path, body: str, needle: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text(body)
    with pytest.raises(SettingsError) as err:
        load_settings(f)
    assert str(f) in str(err.value) and needle in str(err.value)


def test_private_file_is_0600_and_atomic(tmp_path: Path) -> None:
    target = tmp_path / "d" / "cred.kubeconfig"
    write_private_file(target, "secret")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700
    assert not list(target.parent.glob("*.tmp"))

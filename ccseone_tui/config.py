"""Settings (a TOML file under the user config dir) and the paths the app writes to.

Precedence: command-line flags > environment (``CCSEONE_CONFIG``, ``CCSEONE_DATA_DIR``,
``KUBECONFIG``) > the settings file > defaults. A bad value in the file is reported with the
file, the key, the value and what is allowed, never silently replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

APP_NAME = "ccseone"

DEFAULT_REGIONS = ("cn-east-1", "cn-north-1", "cn-south-1", "cn-southwest-1", "idc")


class SettingsError(Exception):
    """A settings file that cannot be used; the message names the file, key and rule."""


@dataclass(frozen=True, slots=True)
class Settings:
    language: str | None = None  # None: from LANG
    theme: str = "textual-dark"
    regions: tuple[str, ...] = DEFAULT_REGIONS
    read_only: bool = False
    refresh_interval: float = 15.0  # seconds between cluster probes while a screen shows them
    concurrency: int = 256  # calls in flight, whole process, beyond one per cluster
    per_cluster_concurrency: int = 8  # … and for one cluster
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    db_busy_timeout: float = 5.0  # seconds to wait while another process writes the cache
    log_buffer_lines: int = 50_000
    log_max_streams: int = 50
    production_selector: str = "env=prod"  # clusters matching it need typed confirmation
    kubeconfig: str | None = None
    data_dir: Path | None = None  # None: the platform's user data dir
    db_file: Path | None = None  # None: <data dir>/ccseone.db
    config_path: Path | None = None  # the file these settings came from, if any

    @property
    def resolved_data_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir
        env = os.environ.get("CCSEONE_DATA_DIR")
        if env:
            return Path(env)
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False)

    @property
    def db_path(self) -> Path:
        return self.db_file or self.resolved_data_dir / "ccseone.db"

    @property
    def credentials_dir(self) -> Path:
        """Kubeconfig files the app itself creates (local registration), mode 0600."""
        return self.resolved_data_dir / "credentials"

    def kubeconfig_paths(self) -> list[str]:
        """Context sources: --kubeconfig/settings, else KUBECONFIG, else ~/.kube/config."""
        if self.kubeconfig:
            return [self.kubeconfig]
        env = os.environ.get("KUBECONFIG")
        if env:
            return [p for p in env.split(os.pathsep) if p]
        return [str(Path.home() / ".kube" / "config")]


_TYPES: dict[str, tuple[type, ...]] = {
    "language": (str,),
    "theme": (str,),
    "regions": (list,),
    "read_only": (bool,),
    "refresh_interval": (int, float),
    "concurrency": (int,),
    "per_cluster_concurrency": (int,),
    "connect_timeout": (int, float),
    "read_timeout": (int, float),
    "db_busy_timeout": (int, float),
    "log_buffer_lines": (int,),
    "log_max_streams": (int,),
    "production_selector": (str,),
    "kubeconfig": (str,),
    "data_dir": (str,),
    "db_file": (str,),
}


_COUNTS = ("concurrency", "per_cluster_concurrency", "log_buffer_lines", "log_max_streams")


def default_config_path() -> Path:
    env = os.environ.get("CCSEONE_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read the settings file (absent is fine) and apply non-``None`` overrides (flags)."""
    path = path or default_config_path()
    values: dict[str, Any] = {}
    if path.exists():
        import tomllib  # only when there is a file to read (no cost without one)

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise SettingsError(
                f"{path}: the settings file is not UTF-8 text ({exc.reason} at byte "
                f"{exc.start}); save it as UTF-8, or give --config the right file") from exc
        except (tomllib.TOMLDecodeError, OSError, RecursionError) as exc:
            raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
        values = _check(path, raw)
    settings = Settings(config_path=path if path.exists() else None, **values)
    flags = {k: v for k, v in overrides.items() if v is not None}
    for key in ("data_dir", "db_file"):
        if key in flags:
            flags[key] = Path(flags[key]).expanduser()
    return replace(settings, **flags)


def _check(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)} - {"config_path"}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            known_keys = ", ".join(sorted(known))
            raise SettingsError(f"{path}: unknown key {key!r}; known keys: {known_keys}")
        types = _TYPES[key]
        if isinstance(value, bool) and bool not in types:
            raise SettingsError(f"{path}: {key} = {value!r} must be a number")
        if not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise SettingsError(f"{path}: {key} = {value!r} must be a {wanted}")
        if key in _COUNTS and value < 1:
            raise SettingsError(f"{path}: {key} = {value!r} must be at least 1")
        if key in ("refresh_interval", "connect_timeout", "read_timeout",
                   "db_busy_timeout") and value <= 0:
            raise SettingsError(f"{path}: {key} = {value!r} must be greater than 0")
        if key == "regions":
            if not value or not all(isinstance(r, str) and r for r in value):
                raise SettingsError(f"{path}: regions must be a non-empty list of names")
            value = tuple(value)
        if key in ("data_dir", "db_file"):
            value = Path(value).expanduser()
        out[key] = value
    return out


def ensure_private_dir(path: Path) -> Path:
    """Make sure ``path`` exists. Only the directories created here get 0700 (they hold the
    cache and credentials); a directory that already exists is never changed: it may be a
    shared one (the system temp dir, the working directory) that is not ours to lock down."""
    missing: list[Path] = []
    p = Path(path)
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:  # another process made it meanwhile: it is theirs, not ours
            continue
        os.chmod(d, 0o700)  # mkdir's mode is filtered by the umask
    return path


def is_within(path: Path, root: Path) -> bool:
    """True when ``path`` is ``root`` or inside it (both made absolute, symlinks resolved)."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except ValueError:
        return False
    return True


def unsafe_dir_warning(path: Path) -> str | None:
    """A warning for a directory others may write to without the sticky bit: they could
    rename or replace the files ccseone keeps there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if st.st_mode & 0o022 and not st.st_mode & 0o1000:
        return (f"{path} can be written by other users (mode {st.st_mode & 0o7777:04o}) and has "
                "no sticky bit: they could replace ccseone's files there; use a private "
                "directory")
    return None


def write_private_file(path: Path, data: str | bytes) -> None:
    """Write a file readable by the owner only (0600), atomically: never half-written."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


SAMPLE_CONFIG = """\
# ccseone settings. Every key is optional.
# language = "zh_CN"            # en | zh_CN (default: from LANG)
# theme = "textual-dark"
# regions = ["cn-east-1", "cn-north-1", "cn-south-1", "cn-southwest-1", "idc"]
# read_only = false
# refresh_interval = 15.0       # seconds between cluster probes while shown
# concurrency = 256             # Kubernetes calls in flight, whole process
# per_cluster_concurrency = 8
# connect_timeout = 3.0
# read_timeout = 10.0
# db_busy_timeout = 5.0  # seconds to wait while another ccseone process writes the cache
# log_buffer_lines = 50000
# log_max_streams = 50
# production_selector = "env=prod"
"""


def settings_field_names() -> list[str]:
    return [f.name for f in fields(Settings) if f.name != "config_path"]


__all__ = [
    "DEFAULT_REGIONS",
    "SAMPLE_CONFIG",
    "Settings",
    "SettingsError",
    "default_config_path",
    "ensure_private_dir",
    "is_within",
    "load_settings",
    "settings_field_names",
    "unsafe_dir_warning",
    "write_private_file",
]

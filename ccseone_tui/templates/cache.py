"""Private on-disk caches (downloaded chart archives, git mirrors, exported git trees).

Everything lands under the data directory with 0700 directories and 0600 files: a chart of a
private repository is the user's business, not other local users'. Writes are atomic (a temp
file or directory, then rename) so renders running in parallel never see half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def key_of(*parts: str) -> str:
    """A short stable directory name for a URL (or any tuple of strings)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def safe_name(text: str) -> str:
    """A file-name-safe form of a chart name or version (never a path separator)."""
    cleaned = _UNSAFE.sub("_", text).lstrip(".")
    return cleaned or "_"


def private_dir(path: Path) -> Path:
    """Create ``path`` and every missing parent 0700 (``mkdir(parents=True)`` would give
    the parents the umask's mode); tighten ``path`` if it already existed."""
    for missing in reversed([path, *path.parents]):
        if not missing.exists():
            missing.mkdir(mode=0o700, exist_ok=True)
            os.chmod(missing, 0o700)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, mode 0600."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def publish_dir(staging: Path, final: Path) -> Path:
    """Move a fully written ``staging`` directory to ``final``; if another render got there
    first, keep theirs (same content: both came from the same commit)."""
    private_dir(final.parent)
    try:
        os.replace(staging, final)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not final.is_dir():
            raise
    return final

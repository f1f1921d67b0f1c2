"""What ``ccseone`` does with an exception nothing else handled (issue #14 item 8): one line
on stderr naming the exception and where the details went, the traceback appended to a
private log file under the data dir — never on the terminal, where it would bury the
message and may quote values (a ``--set`` secret) into a shared scrollback.
``CCSEONE_DEBUG=1`` also prints the traceback, for developers."""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

EXIT_FAILED = 1
LOG_NAME = "ccseone-errors.log"
_MAX_DETAIL = 200


def _data_dir() -> Path:
    from ccseone_tui.config import Settings

    return Settings().resolved_data_dir


def write_log(exc: BaseException, argv: Sequence[str] | None, directory: Path | None = None
              ) -> Path:
    """Append the traceback to ``<data dir>/logs/ccseone-errors.log`` (dir 0700, file 0600)."""
    from ccseone_tui.config import ensure_private_dir

    logs = ensure_private_dir((directory or _data_dir()) / "logs")
    path = logs / LOG_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have been created with a looser mode
    words = list(sys.argv[1:] if argv is None else argv)
    # the subcommand words only: option values may be secrets
    command = " ".join(w for w in words[:3] if not w.startswith("-"))
    with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(f"---- {time.strftime('%Y-%m-%dT%H:%M:%S%z')} pid {os.getpid()} "
                 f"ccseone {command}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "-"
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def report_internal_error(exc: BaseException, argv: Sequence[str] | None,
                          directory: Path | None = None) -> int:
    from ccseone_tui.i18n import t

    kind, detail = type(exc).__name__, one_line(exc)
    try:
        log = write_log(exc, argv, directory)
        line = t("error.internal", kind=kind, detail=detail, log=str(log))
    except Exception:  # a read-only home must not turn into a traceback
        line = t("error.internal.nolog", kind=kind, detail=detail)
    try:
        if os.environ.get("CCSEONE_DEBUG", "") not in ("", "0"):
            traceback.print_exception(exc, file=sys.stderr)
        print(f"ccseone: {line}", file=sys.stderr)
    except (OSError, ValueError):  # stderr itself is gone: the log has it
        pass
    return EXIT_FAILED


__all__ = ["LOG_NAME", "one_line", "report_internal_error", "write_log"]

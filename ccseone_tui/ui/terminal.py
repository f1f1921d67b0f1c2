"""Handing the terminal to another program (``$EDITOR``, an interactive shell) and back.

On a real terminal the app is suspended (``App.suspend``: input stops, the alternate screen
is left) while the program runs, and repainted after. Headless (Pilot tests, screenshots)
there is no terminal to hand over and Textual refuses to suspend, so the program runs
straight through with no tty: tests drive the very same flows with a scripted ``$EDITOR``.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

DEFAULT_EDITOR = "vi"


def editor_command() -> list[str]:
    """kubectl's choice: ``KUBE_EDITOR``, then ``EDITOR``, then ``vi``; may carry flags
    (``code --wait``)."""
    for name in ("KUBE_EDITOR", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    return [DEFAULT_EDITOR]


@contextmanager
def handed_over(app: App[object]) -> Iterator[None]:
    """The terminal belongs to someone else inside this block (not when headless)."""
    if app.is_headless:
        yield
        return
    with app.suspend():
        yield


async def run_editor(app: App[object], path: str) -> int:
    """Run the editor on ``path`` and return its exit code (127: it could not be started).

    Suspended, the editor must own the terminal, so it runs in the foreground of this loop
    (nothing else reads the terminal meanwhile); headless, it runs as a child process.
    """
    command = [*editor_command(), path]
    try:
        if app.is_headless:
            proc = await asyncio.create_subprocess_exec(
                *command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            return await proc.wait()
        with handed_over(app):
            return subprocess.call(command)  # noqa: ASYNC221 — the editor owns the terminal
    except OSError:
        return 127


async def edit_text(app: App[object], text: str, filename: str) -> tuple[int, str]:
    """``text`` in the editor, in a file of a private temporary folder (0700/0600: an
    object may hold a Secret's data) removed afterwards. (exit code, the text saved)."""
    with tempfile.TemporaryDirectory(prefix="ccseone-edit-") as folder:
        path = os.path.join(folder, filename)
        _write_private(path, text)
        code = await run_editor(app, path)
        return code, _read(path)


def _write_private(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as source:
        return source.read()

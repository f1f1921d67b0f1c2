"""Which process owns a task, and whether that process is still there (issue #14 item 4).

A task is recorded as Running before anything changes; if its process is killed (kill -9,
a lost SSH session, a power cut) nothing ever finishes the record. The next start asks
:func:`owner_gone` for each unfinished task:

* same host: gone when the pid is not alive, is a zombie, or is alive with a different
  *start token* — the pid was reused by another process after ours died. The token is the
  kernel boot id plus the process start time in clock ticks since boot (``/proc/<pid>/stat``
  field 22), so it also tells a pid from before a reboot from the same pid now;
* another host (a shared home directory): its pids mean nothing here, so the task is left
  alone until it is older than ``STALE_AFTER`` — no real operation runs that long;
* no owner (tasks recorded before schema v3): the same generous bound.

Without ``/proc`` (macOS) the start token is empty and only the pid is checked.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Longer than any fan-out (a 200-cluster batch upgrade with slow clusters takes minutes), so
# a task of a live process on another host is never declared interrupted by mistake.
STALE_AFTER = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    pid: int
    start: str  # "<boot id>:<start ticks>", "" when the platform does not tell

    def to_json(self) -> str:
        return json.dumps({"host": self.host, "pid": self.pid, "start": self.start},
                          separators=(",", ":"))

    @classmethod
    def parse(cls, text: str | None) -> Owner | None:
        """The stored JSON back; ``None`` for no owner or one this version cannot read."""
        if not text:
            return None
        try:
            raw = json.loads(text)
            return cls(str(raw["host"]), int(raw["pid"]), str(raw.get("start") or ""))
        except (ValueError, TypeError, KeyError):
            return None

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> tuple[str, str] | None:
    """(state letter, start ticks) of ``pid`` from ``/proc``; ``None`` if unreadable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and ")": the fields start after the last ")"
    fields = text[text.rfind(")") + 2:].split()
    if len(fields) < 20:
        return None
    return fields[0], fields[19]  # field 3 (state) and field 22 (starttime)


def start_token(pid: int) -> str:
    stat = _stat(pid)
    boot = _boot_id()
    return f"{boot}:{stat[1]}" if stat and boot else ""


@cache
def current_owner() -> Owner:
    pid = os.getpid()
    return Owner(socket.gethostname(), pid, start_token(pid))


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        pass
    stat = _stat(pid)
    # a killed child its parent has not reaped yet still answers kill(0): it is dead
    return not (stat and stat[0] in ("Z", "X"))


def owner_gone(owner: Owner | None, created_at: float, now: float,
               me: Owner | None = None) -> bool:
    """True when the task's process can no longer finish it (see the module docstring)."""
    me = me or current_owner()
    if owner is None or owner.host != me.host:
        return now - created_at > STALE_AFTER
    if owner.pid == me.pid and owner.start == me.start:
        return False  # ours, still running in this very process
    if not _pid_alive(owner.pid):
        return True
    if owner.start:
        now_token = start_token(owner.pid)
        # an unreadable token (no /proc access) proves nothing: assume it is still ours
        return bool(now_token) and now_token != owner.start
    return False


__all__ = ["STALE_AFTER", "Owner", "current_owner", "owner_gone", "start_token"]

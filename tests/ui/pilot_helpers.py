"""Waiting helpers shared by the console Pilot tests (plain functions, not fixtures)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.pilot import Pilot
from textual.screen import ModalScreen

BACKGROUND = ("stream", "poll")  # live streams never complete: do not wait for them


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker but the live streams, then let the messages land."""
    for _ in range(5):
        # a flow waiting on its dialog (group "flow") finishes only once it is answered
        modal = isinstance(pilot.app.screen, ModalScreen)
        busy = [w for w in pilot.app.workers if not (modal and w.group == "flow")
                and w.is_running and not (w.group or "").startswith(BACKGROUND)]
        if not busy:
            break
        for worker in busy:
            with contextlib.suppress(Exception):
                await worker.wait()
        await pilot.pause()
    await pilot.pause()


async def until(pilot: Pilot[None], check: Callable[[], bool], what: str) -> None:
    """For live streams, which have no completion to await: let the loop run until
    ``check`` holds (a few seconds at most)."""
    for _ in range(200):
        if check():
            return
        await pilot.pause(0.025)
    raise AssertionError(f"timed out waiting for {what}")

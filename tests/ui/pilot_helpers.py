"""Waiting helpers shared by the console Pilot tests (plain functions, not fixtures)."""

from __future__ import annotations

import asyncio
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


async def handled(pilot: Pilot[None]) -> None:
    """Return once a key and what it set off have been handled: a callback is queued behind
    them on each message pump in the key's path (the app forwards it to the screen, the
    screen to the focused widget, messages such as ``Input.Submitted`` bubble up its
    ancestors, a ``focus()`` comes back to the app), twice over for the second hop. Each pump
    handles its queue in order, so this waits on events, not time: the 10 ms pause it
    replaces let keys land in the widget focused before (a "/" typed into the search box)
    and, under load, the test end with keys still queued, which the app then handled with no
    screen left (``ScreenStackError`` hiding the real failure)."""
    app = pilot.app
    for _ in range(2):
        focused = app.focused
        path = [node for node in (focused.ancestors_with_self if focused else [])
                if node is not app.screen and node is not app]
        for target in [app, app.screen, *path, app.screen, app]:
            if not target.is_running:
                continue
            done = asyncio.Event()
            if not target.call_later(done.set):  # closing (a key that quit the app)
                continue
            try:  # a bound only against a hang: the wait ends on the event
                await asyncio.wait_for(done.wait(), 60)
            except TimeoutError:
                raise AssertionError(f"{target!r} did not handle its messages") from None

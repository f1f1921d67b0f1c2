"""What the UI benches share: noting each frame a terminal would receive, and percentiles.

Not a bench: imported by the scripts in this folder, which run as ``python bench/X.py``
(the script's folder is then on ``sys.path``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen


def on_frame(app: App[Any], note: Callable[[], None]) -> None:
    """Wrap ``App._display``: each composed frame is encoded as a terminal would receive it
    (headless apps skip that work), then ``note()`` runs, so a paint's time is taken once
    the frame is really ready to write."""
    display = app._display

    def _display(screen: Screen[Any], renderable: Any) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
            note()

    app._display = _display  # type: ignore[method-assign]


def pct(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``samples``; 0.0 when there are none."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


class Frames:
    """Each composed frame: ``arm(ready)`` then ``hit()`` gives the time (perf_counter) of
    the first frame at which ``ready()`` holds; ``every(wall_clock)`` runs at each frame."""

    def __init__(self, app: App[Any], every: Callable[[float], None] | None = None) -> None:
        self._ready: Callable[[], bool] | None = None
        self._hit: float | None = None
        self._every = every
        self._closed = False
        on_frame(app, self._note)

    def close(self) -> None:
        """Stop noting frames (the wrapper stays, a no-op)."""
        self._closed = True

    def _note(self) -> None:
        if self._closed:
            return
        now = time.perf_counter()
        if self._ready is not None and self._hit is None:
            with contextlib.suppress(Exception):  # the view may not be mounted yet
                if self._ready():
                    self._hit = now
        if self._every is not None:
            self._every(time.time())

    def arm(self, ready: Callable[[], bool]) -> None:
        self._ready, self._hit = ready, None

    async def hit(self, limit: float = 60.0) -> float:
        deadline = time.perf_counter() + limit
        while self._hit is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("no frame showed the change")
            await asyncio.sleep(0.0005)
        self._ready = None
        return self._hit

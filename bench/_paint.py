"""What the UI benches share: noting each frame a terminal would receive, and percentiles.

Not a bench: imported by the scripts in this folder, which run as ``python bench/X.py``
(the script's folder is then on ``sys.path``).
"""

from __future__ import annotations

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

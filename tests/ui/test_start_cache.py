"""The cached rows are in the TUI's first frame (issue #13 item 2: start-up).

``ccseone`` reads the instances and the start instance's clusters before the app runs
(``ui/start_cache.py``); without that the first frame is an empty shell and the rows come two
worker round trips later. Against the real store of the UI fixtures.
"""

from __future__ import annotations

from typing import Any

from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp
from ccseone_tui.ui.start_cache import read_start_cache, start_instance
from ccseone_tui.ui.views.clusters import ClustersView

from .pilot_helpers import settle, until

SIZE = (140, 40)


def first_frame_probe(app: CcseoneApp) -> list[dict[str, Any]]:
    """What the first composed frame showed: the clusters view's rows and the header's
    instance, noted when the frame is handed to the terminal."""
    seen: list[dict[str, Any]] = []
    display = app._display

    def record(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if not seen:
            view = app.main.mounted_view("clusters")
            seen.append({
                "rows": view.table.row_count if isinstance(view, ClustersView) else None,
                "instance": app.current_instance.name if app.current_instance else None,
                "cache_workers": sorted(w.name for w in app.workers
                                        if w.name.startswith("load:")),
            })

    app._display = record  # type: ignore[method-assign]
    return seen


async def test_first_frame_shows_the_cached_rows(services: Services) -> None:
    start = await read_start_cache(services)
    chosen = start_instance(start.instances)
    assert chosen is not None and len(start.clusters) > 5
    app = CcseoneApp(services, live_probes=False, start=start)
    seen = first_frame_probe(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(seen), "the first frame")
        # no worker read the cache for that frame: the rows were there when it was composed
        assert seen[0] == {"rows": len(start.clusters), "instance": chosen.name,
                           "cache_workers": []}
        await settle(pilot)
        view = app.main.view("clusters")
        assert set(view.rows) == {c.id for c in start.clusters}
        # used once: the next load of the section reads the cache again (a worker)
        view.reload()
        assert [w.name for w in app.workers if w.name == "load:clusters"] == ["load:clusters"]
        await settle(pilot)


async def test_without_a_start_cache_the_first_frame_is_the_shell(services: Services) -> None:
    """What the start cache changes (and what tests building the app bare still get)."""
    app = CcseoneApp(services, live_probes=False)
    seen = first_frame_probe(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(seen), "the first frame")
        assert seen[0]["rows"] == 0
        await settle(pilot)
        assert app.main.view("clusters").rows


async def test_start_rows_of_another_instance_are_not_used(services: Services) -> None:
    start = await read_start_cache(services)
    app = CcseoneApp(services, live_probes=False, start=start)
    other = next(i for i in start.instances if i.id != start_instance(start.instances).id)
    assert app.take_start_clusters(other) is None
    assert app.take_start_clusters(start_instance(start.instances)) is None  # spent

"""Side-by-side manifest diff benchmark: compute, then first paint of the Compare screen.

    /work/venv/bin/python bench/diff.py [--objects 200] [--runs 7] [--size 160x45]

Two ~10k-line manifests (Deployments and ConfigMaps in `render.to_yaml` form) with edits
spread around: image tags, replicas, config values, a few objects added and removed, and
server-managed fields (status, resourceVersion, managedFields) that differ everywhere and
must be ignored. Figures (median of ``--runs``):

- compute: `diff_manifests(old, new)` next to plain `difflib.unified_diff` over the same two
  texts (no parsing, no pairing, no intra-line spans), and the ratio of the two;
- first paint: from pushing `DiffScreen(title, old, new)` in a headless app
  (`App.run_test`) to the first composed frame, encoded to escape sequences as a terminal
  would receive them, in which the DiffView drew diff rows (`App._display` wrapped, as in
  bench/fleet_table.py). That covers the diff (in its worker thread), the layout and the
  strips of the visible rows;
- keys on the painted screen: ``n`` (next change), ``z`` (unfold all 10k lines), ``z``
  (fold again), ``G`` (end): key to painted frame.

Target (issue #5): compute + first paint < 300 ms. Prints figures; no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from _paint import on_frame
from textual import events
from textual.app import App
from textual.strip import Strip

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccseone_tui.templates.diff import diff_manifests
from ccseone_tui.ui.screens.diff_screen import DiffScreen
from ccseone_tui.ui.widgets.diff_view import DiffView


def deployment(i: int, *, tag: str, replicas: int, version: int) -> dict[str, Any]:
    name = f"svc-{i:03d}"
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {
            "name": name, "namespace": "shop", "resourceVersion": str(1000 * version + i),
            "uid": f"{i:08x}-0000-4000-8000-{version:012x}",
            "labels": {"app": name, "app.kubernetes.io/part-of": "shop",
                       "helm.sh/chart": "shop-2.4.0"},
            "managedFields": [{"manager": "ccseone", "operation": "Apply",
                               "time": f"2025-06-{version:02d}T10:00:00Z"}],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": "app", "image": f"registry.example.test/shop/{name}:{tag}",
                    "ports": [{"containerPort": 8080, "name": "http"}],
                    "env": [{"name": f"SETTING_{k}", "value": f"value-{k}"} for k in range(6)],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                                  "limits": {"cpu": "500m", "memory": "256Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"},
                                       "periodSeconds": 10},
                }]},
            },
        },
        "status": {"replicas": replicas, "readyReplicas": replicas - version % 2,
                   "observedGeneration": version},
    }


def configmap(i: int, *, level: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": f"cfg-{i:03d}", "namespace": "shop"},
        "data": {**{f"key_{k}": f"setting number {k} of map {i}" for k in range(30)},
                 "LOG_LEVEL": level},
    }


def manifests(objects: int) -> tuple[str, str]:
    """(old, new): half Deployments, half ConfigMaps; edits in about one object in six."""
    def text(docs: list[tuple[str, dict[str, Any]]]) -> str:
        return "".join(f"---\n# Source: shop/templates/{src}\n"
                       + yaml.safe_dump(obj, sort_keys=False) for src, obj in docs)

    old: list[tuple[str, dict[str, Any]]] = []
    new: list[tuple[str, dict[str, Any]]] = []
    for i in range(objects // 2):
        old.append(("deployment.yaml", deployment(i, tag="1.4.2", replicas=2, version=1)))
        if i % 37 != 5:  # a few removed
            new.append(("deployment.yaml", deployment(
                i, tag="1.5.0" if i % 7 == 0 else "1.4.2", replicas=3 if i % 11 == 0 else 2,
                version=2)))
        old.append(("configmap.yaml", configmap(i, level="info")))
        new.append(("configmap.yaml", configmap(i, level="debug" if i % 9 == 0 else "info")))
        if i % 41 == 3:  # a few added
            new.append(("configmap.yaml", configmap(1000 + i, level="info")))
    return text(old), text(new)


def median_ms(fn: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def min_ms(fn: Any, runs: int) -> float:
    """Best of ``runs``: on a shared machine the figure least disturbed by other work."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples) * 1000


class Painted:
    """Wraps `App._display`: notes when a composed frame holds rows the DiffView drew."""

    def __init__(self, app: App[Any]) -> None:
        self.rows = 0
        self.frames: list[tuple[float, int]] = []
        self.painted = asyncio.Event()
        on_frame(app, self._note)

    def _note(self) -> None:
        self.frames.append((time.perf_counter(), self.rows))
        self.painted.set()

    async def after(self, start: float, rows: int) -> float:
        """Seconds from ``start`` to the first frame with more rows drawn than ``rows``;
        waits on an event (polling would take the GIL from the diff's worker thread)."""
        while True:
            for when, drawn in self.frames:
                if when >= start and drawn > rows:
                    self.frames.clear()
                    return when - start
            self.painted.clear()
            await self.painted.wait()


class CountingView(DiffView):
    probe: Painted | None = None

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.probe is not None and y > 0 and self.diff is not None and self.diff.rows:
            self.probe.rows += 1
        return strip


async def first_paint(old: str, new: str, size: tuple[int, int],
                      sync_limit: int) -> dict[str, float]:
    """Push the screen; times to its first frame and to the first frame with diff rows,
    then key -> paint on the painted screen."""
    import ccseone_tui.ui.screens.diff_screen as screen_module

    limit = screen_module.SYNC_LIMIT
    screen_module.SYNC_LIMIT = sync_limit
    screen_module.DiffView = CountingView  # type: ignore[misc]  # count rows drawn
    app: App[None] = App()
    try:
        async with app.run_test(size=size) as pilot:
            probe = Painted(app)
            CountingView.probe = probe
            await pilot.pause()
            gc.collect()
            probe.frames.clear()
            start = time.perf_counter()
            app.push_screen(DiffScreen("bench", old, new))
            while not probe.frames:
                probe.painted.clear()
                await probe.painted.wait()
            dialog = probe.frames[0][0] - start
            paint = await probe.after(start, 0)
            out = {"first frame (dialog) ms": dialog * 1000, "first paint of rows ms":
                   paint * 1000}
            for key, name in (("n", "next change"), ("z", "unfold all"), ("z", "fold again"),
                              ("G", "end")):
                await pilot.pause()
                gc.collect()
                start, rows = time.perf_counter(), probe.rows
                app.post_message(events.Key(key, key))
                out[f"key {key} ({name}) -> paint ms"] = await probe.after(start, rows) * 1000
    finally:
        CountingView.probe = None
        screen_module.DiffView = DiffView  # type: ignore[misc]
        screen_module.SYNC_LIMIT = limit
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="160x45")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    old, new = manifests(args.objects)
    old_lines, new_lines = old.splitlines(), new.splitlines()
    diff = diff_manifests(old, new)
    s = diff.stats
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(other work on the machine slows every figure)")
    print(f"manifests: old {len(old_lines):,} lines, new {len(new_lines):,} lines, "
          f"{s.objects} objects ({s.objects_changed} changed, +{s.objects_added} "
          f"-{s.objects_removed}); diff rows {len(diff.rows):,} folded, "
          f"{len(diff.unfolded().rows):,} unfolded, {len(diff.changes)} change blocks")
    ours = median_ms(lambda: diff_manifests(old, new), args.runs)
    best = min_ms(lambda: diff_manifests(old, new), args.runs)
    plain = median_ms(lambda: list(difflib.unified_diff(old_lines, new_lines, n=3)), args.runs)
    ours_unified = median_ms(lambda: diff.unfolded(), args.runs)
    print(f"\n  {'compute (median of ' + str(args.runs) + ')':<44}{'ms':>10}")
    print(f"  {'diff_manifests (parse, pair, align, spans)':<44}{ours:>10.1f}")
    print(f"  {'  best of ' + str(args.runs):<44}{best:>10.1f}")
    print(f"  {'difflib.unified_diff over the raw text':<44}{plain:>10.1f}")
    print(f"  {'ratio ours / plain difflib':<44}{ours / plain:>10.2f}")
    print(f"  {'unfold all rows (z)':<44}{ours_unified:>10.1f}")
    rounds = max(1, args.runs // 2)
    compute = {"compute": ours}
    for mode, limit in (("on the UI thread (the default below SYNC_LIMIT)", 10**9),
                        ("in a worker thread (the default above it)", 0)):
        paints = [await first_paint(old, new, size, limit) for _ in range(rounds)]
        print(f"\n  {'DiffScreen ' + args.size + ', diff ' + mode:<60}{'ms':>8}")
        for name in paints[0]:
            value = statistics.median(p[name] for p in paints)
            print(f"    {name:<58}{value:>8.1f}")
        compute[mode] = statistics.median(p["first paint of rows ms"] for p in paints)
    print("\n  compute + first paint (target < 300 ms; the first paint includes the compute):")
    for mode, value in list(compute.items())[1:]:
        print(f"    {mode:<58}{value:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())

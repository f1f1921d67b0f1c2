"""Log view throughput benchmark (the widget alone; bench/logs.py adds real sandbox streams).

    /work/venv/bin/python bench/logs_widget.py [--seconds 10] [--rates 20000 100000]
        [--batch-ms 25] [--buffer 50000]

A producer task posts ``LogView.Batch`` messages (rate × batch-ms lines every batch-ms) to a
`LogView` in a headless app, waiting while ``view.accepting`` is false (back-pressure). Every
0.25 s a ``t`` key is posted as a terminal would send it; its latency is the time to the first
composed frame, encoded to escape sequences as a terminal would receive them, in which the
log lines rendered after the toggle ran. RSS from /proc/self/status. Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from _paint import on_frame, pct
from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccseone_tui.ui.widgets.log_view import LogLine, LogView

SIZE = (160, 45)
WORDS = "GET POST /api/v1/pods ok error timeout retry backend upstream 200 404 503 ms user".split()


def rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def make_pool(count: int) -> list[tuple[str, str, float]]:
    """Lines shaped like a merged app tail: 20 clusters × pods × containers, 1 in 8 JSON."""
    rnd = random.Random(1)
    base = 1_750_000_000.0
    pool = []
    for i in range(count):
        source = f"cluster-{i % 20:02d}/api-{rnd.getrandbits(24):06x}/app"
        words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(4, 24)))
        if i % 8 == 0:
            text = json.dumps({"level": "info", "msg": words, "latency_ms": rnd.randrange(900)})
        else:
            pid, line = rnd.randrange(1, 99999), i % 300
            text = f"I0615 15:06:{i % 60:02d} {pid} handler.go:{line}] {words}"
        pool.append((source, text, base + i / 1000))  # plain tuples: the GC untracks them
    return pool


class BenchApp(App[None]):
    def __init__(self, max_lines: int) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines)


class Probe:
    """Counts log rows rendered and notes each composed frame as (time, rows so far);
    times the timestamp toggle ``t`` from key to paint."""

    def __init__(self, app: App[Any], view: LogView) -> None:
        self.app = app
        self.rows = 0
        self.count = 0
        self.frames: list[tuple[float, int]] = []
        self.painted = asyncio.Event()
        lines = view.lines
        render_line = lines.render_line

        def counting(y: int) -> Strip:
            self.rows += 1
            return render_line(y)

        lines.render_line = counting  # type: ignore[method-assign]
        on_frame(app, self._note)
        self.toggled: list[float] = []
        self._ran = asyncio.Event()
        toggle = view.action_toggle_timestamps

        def timed_toggle() -> None:
            toggle()
            self.toggled.append(time.perf_counter())
            self._ran.set()

        view.action_toggle_timestamps = timed_toggle  # type: ignore[method-assign]

    def _note(self) -> None:
        self.count += 1
        self.frames.append((time.perf_counter(), self.rows))
        self.painted.set()

    async def key_to_paint(self) -> float:
        """Press ``t``; seconds to the first frame, after the toggle ran, that drew rows."""
        self._ran.clear()
        start = time.perf_counter()
        self.app.post_message(events.Key("t", "t"))
        await self._ran.wait()
        ran, rows = self.toggled[-1], self.rows
        painted = [w for w, c in self.frames if w > ran and c > rows]
        while not painted:
            self.painted.clear()
            await self.painted.wait()
            painted = [w for w, c in self.frames if w > ran and c > rows]
        self.frames.clear()
        return painted[0] - start


async def run_rate(rate: int, seconds: float, batch_ms: float, max_lines: int,
                   pool: list[tuple[str, str, float]]) -> dict[str, float]:
    app = BenchApp(max_lines)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.lines.focus()
        await pilot.pause()
        probe = Probe(app, view)
        gc.collect()
        rss0 = rss_mb()
        per_batch = max(1, round(rate * batch_ms / 1000))
        offered = waits = 0
        stop = time.perf_counter() + seconds

        async def produce() -> None:
            nonlocal offered, waits
            cursor, interval = 0, batch_ms / 1000
            next_at = time.perf_counter()
            while time.perf_counter() < stop:
                while not view.accepting:
                    waits += 1
                    await asyncio.sleep(0.001)
                if cursor + per_batch > len(pool):
                    cursor = 0
                batch = [  # fresh strings, as a stream would allocate them
                    LogLine(source, f"{offered + k} {text}", ts, offered + k)
                    for k, (source, text, ts) in enumerate(pool[cursor : cursor + per_batch])
                ]
                view.post_message(LogView.Batch(batch))
                cursor += per_batch
                offered += per_batch
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

        latencies: list[float] = []

        async def press_keys() -> None:
            await asyncio.sleep(0.5)
            while time.perf_counter() < stop - 0.3:
                latencies.append(await probe.key_to_paint())
                await asyncio.sleep(0.25)

        started = time.perf_counter()
        flushes0, frames0 = view.flush_count, probe.count
        await asyncio.gather(produce(), press_keys())
        await pilot.pause()
        elapsed = time.perf_counter() - started
        if "-v" in sys.argv:
            print("  latencies ms:", [round(x * 1000, 1) for x in latencies])
        return {
            "offered lines/s": offered / elapsed,
            "ingested lines/s": view.buffer.ingested / elapsed,
            "refreshes/s (flushes)": (view.flush_count - flushes0) / elapsed,
            "frames/s": (probe.count - frames0) / elapsed,
            "dropped": view.buffer.dropped,
            "buffer lines": len(view.buffer),
            "producer waits (back-pressure)": waits,
            "RSS growth MB": rss_mb() - rss0,
            "key->paint p50 ms": pct(latencies, 0.5) * 1000,
            "key->paint p99 ms": pct(latencies, 0.99) * 1000,
            "key->paint max ms": max(latencies, default=0.0) * 1000,
            "key samples": len(latencies),
        }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rates", type=int, nargs="*", default=[20_000, 100_000])
    parser.add_argument("--batch-ms", type=float, default=25.0)
    parser.add_argument("--buffer", type=int, default=50_000)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every latency")
    args = parser.parse_args()
    pool = make_pool(200_000)
    print(f"LogView, buffer {args.buffer:,} lines, batches every {args.batch_ms:g} ms, "
          f"{args.seconds:g} s per rate, terminal {SIZE}:")
    for rate in args.rates:
        out = await run_rate(rate, args.seconds, args.batch_ms, args.buffer, pool)
        print(f"\n  target {rate:,} lines/s")
        for name, value in out.items():
            print(f"    {name:<34}{value:>14,.1f}")
        ratio = out["ingested lines/s"] / rate
        print(f"    {'ingested / target':<34}{ratio:>14.2f}")


if __name__ == "__main__":
    asyncio.run(main())

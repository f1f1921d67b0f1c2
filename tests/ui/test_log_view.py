"""LogView: follow/pause, filter, search, bound, save, display options, virtualization."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Footer

from ccseone_tui.ui.widgets.log_buffer import LogBuffer, format_json
from ccseone_tui.ui.widgets.log_render import PALETTE, source_color
from ccseone_tui.ui.widgets.log_view import LogLine, LogView

SIZE = (120, 30)
T0 = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC
EAST1, STAGING1 = "#5fd7d7", "#87afaf"
SOURCES = ("east-prod-1/api-7d9f/app", "east-prod-2/api-5c2e/app", "staging-1/web-0/nginx")


def make_lines(count: int, start: int = 0, every: int = 0, word: str = "needle") -> list[LogLine]:
    """``line 0007 …``; every ``every``-th line also holds ``word``."""
    return [
        LogLine(SOURCES[i % 3], f"line {i:04d} GET /healthz 200"
                + (f" {word}" if every and i % every == 0 else ""), T0 + i, i)
        for i in range(start, start + count)
    ]


class LogApp(App[None]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__()
        self.kwargs = kwargs
        self.since: list[int | None] = []

    def compose(self) -> ComposeResult:
        yield LogView(**self.kwargs)  # type: ignore[arg-type]
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LogView).lines.focus()

    def on_log_view_since_changed(self, message: LogView.SinceChanged) -> None:
        self.since.append(message.seconds)


async def feed(pilot: Pilot[None], view: LogView, lines: Iterable[LogLine]) -> None:
    """Post a batch as a worker would, then flush (the coalescing timer is not awaited)."""
    view.post_message(LogView.Batch(list(lines)))
    await pilot.pause()
    view.flush()
    await pilot.pause()


def screen_rows(view: LogView) -> list[str]:
    lines = view.lines
    height = lines.scrollable_content_region.height
    return [lines.render_line(y).text.rstrip() for y in range(height)]


def read_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def temporary_files(path: Path) -> list[Path]:
    return list(path.glob(".*.tmp"))


async def test_follow_pause_counts_new_lines_and_end_resumes() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(100))
        assert view.following
        assert "line 0099" in screen_rows(view)[-1]
        await pilot.press("p")
        top = screen_rows(view)[0]
        await feed(pilot, view, make_lines(1234, start=100))
        assert not view.following and view.new_count == 1234
        assert "paused — 1,234 new" in view.status_text
        assert screen_rows(view)[0] == top  # the view held its place
        await pilot.press("G")
        assert view.following and view.new_count == 0
        assert "line 1333" in screen_rows(view)[-1]
        assert "following" in view.status_text


async def test_scrolling_up_pauses_and_scrolling_to_the_end_follows() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(200))
        await pilot.press("pageup")
        assert not view.following
        await feed(pilot, view, make_lines(5, start=200))
        assert view.new_count == 5
        await pilot.press("end")
        assert view.following and view.new_count == 0


async def test_buffer_bound_drops_oldest_and_counts_them() -> None:
    app = LogApp(max_lines=100)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(150))
        await feed(pilot, view, make_lines(100, start=150))
        assert len(view.buffer) == 100 and view.buffer.dropped == 150
        assert next(view.buffer.iter_lines()).text.startswith("line 0150")
        assert "100 lines · 150 dropped" in view.status_text


def test_buffer_keeps_filter_and_matches_through_drops() -> None:
    buffer = LogBuffer(max_lines=50)
    buffer.set_filter("needle")
    buffer.set_search("needle")
    buffer.append(make_lines(200, every=10))
    assert len(buffer) == 50 and buffer.dropped == 150
    assert buffer.visible_count == buffer.match_count == 5
    assert [buffer.line(buffer.visible_id(i)).seq for i in range(5)] == [150, 160, 170, 180, 190]
    buffer.append([LogLine("x", "x" * 3)] * 500)  # one batch larger than the bound
    assert len(buffer) == 50 and buffer.visible_count == 0 and buffer.match_count == 0


async def test_filter_keeps_matching_lines_and_invalid_regex_leaves_it() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(300, every=50))
        await pilot.press("slash", *"needle", "enter")
        assert view.buffer.visible_count == 6
        assert all("needle" in row for row in screen_rows(view) if row)
        assert "6 of 300 lines" in view.status_text and "filter /needle/" in view.status_text
        assert app.focused is view.lines
        await pilot.press("slash", "end", "[", "enter")  # "needle[" does not compile
        assert "Invalid filter regex /needle[/" in view.status_text
        assert view.buffer.filter is not None and view.buffer.filter.pattern == "needle"
        assert view.buffer.visible_count == 6
        await pilot.press("escape")  # Esc clears the filter and leaves the input
        assert view.buffer.filter is None and view.buffer.visible_count == 300
        assert app.focused is view.lines and "Invalid" not in view.status_text


async def test_source_filter_keeps_one_cluster() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(90))
        view.set_sources({"east-prod-2"})
        await pilot.pause()
        assert view.buffer.visible_count == 30
        assert all(row.startswith("east-prod-2/") for row in screen_rows(view) if row)
        assert "only east-prod-2" in view.status_text
        view.set_sources(None)
        assert view.buffer.visible_count == 90


async def test_search_highlights_and_next_previous_move_the_view() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(1000, every=300))  # needles at 0, 300, 600, 900
        await pilot.press("g")
        await pilot.press("f", *"needle", "enter")  # the first match from the top
        assert view.buffer.line(view.lines.current_match or 0).seq == 0
        assert "search /needle/ 1/4" in view.status_text
        await pilot.press("n")
        assert view.buffer.line(view.lines.current_match or 0).seq == 300
        assert any("line 0300" in row for row in screen_rows(view))
        assert not any("line 0000" in row for row in screen_rows(view))
        await pilot.press("n", "n")
        assert any("line 0900" in row for row in screen_rows(view))
        await pilot.press("N")
        assert "search /needle/ 3/4" in view.status_text
        assert any("line 0600" in row for row in screen_rows(view))
        # the match is highlighted: its cells carry the current-match style
        y = next(i for i, row in enumerate(screen_rows(view)) if "line 0600" in row)
        strip = view.lines.render_line(y)
        styled = [seg.style for seg in strip if seg.text == "needle"]
        assert styled and styled[0] != view.lines.rich_style
        await pilot.press("f", "[", "enter")
        assert "Invalid search regex" in view.status_text
        assert view.buffer.search is not None and view.buffer.search.pattern == "needle"


async def test_timestamps_wrap_and_source_prefix() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, [*make_lines(3), LogLine(SOURCES[0], "x" * 250, T0 + 9, 3)])
        assert screen_rows(view)[0].startswith("east-prod-1/api-7d9f/app line 0000")
        await pilot.press("t")
        assert screen_rows(view)[0].startswith("15:06:40.000 east-prod-1/api-7d9f/app line 0000")
        await pilot.press("t", "w")
        rows = screen_rows(view)
        assert rows[3].startswith(f"{SOURCES[0]} xxx") and rows[4].startswith(" " * 25 + "x")
        assert len([row for row in rows if row]) == 6  # the long line takes three rows
        assert "wrap" in view.status_text


def test_source_colour_is_stable_and_from_the_palette() -> None:
    assert source_color("east-prod-1/api/app") == source_color("east-prod-1/api/app")
    assert {source_color(f"cluster-{i}") for i in range(50)} <= set(PALETTE)
    assert len({source_color(f"cluster-{i}") for i in range(50)}) > 3
    # crc32, not the salted hash(): these hold in every process
    assert (source_color("east-prod-1"), source_color("staging-1")) == (EAST1, STAGING1)


async def test_source_prefix_is_drawn_in_its_colour() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(6))
        for y in range(6):
            strip: Strip = view.lines.render_line(y)
            head = next(iter(strip))
            assert head.text.strip() == SOURCES[y % 3]
            assert head.style is not None and head.style.color is not None
            assert head.style.color == Style.parse(source_color(SOURCES[y % 3])).color


async def test_json_lines_compact_then_indented() -> None:
    record = {"ts": "2025-06-15T15:06:40Z", "msg": "pod started", "level": "info", "n": 3}
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, [LogLine("c1", json.dumps(record), T0)])
        await pilot.press("j")
        assert screen_rows(view)[0] == (
            'c1 ts=2025-06-15T15:06:40Z level=info msg="pod started" n=3'
        )
        await pilot.press("j")
        assert screen_rows(view)[:3] == ["c1 {", '     "ts": "2025-06-15T15:06:40Z",',
                                         '     "msg": "pod started",']
        assert "JSON indented" in view.status_text
        assert format_json("not json", 1) == "not json"


async def test_gap_marker_is_a_visible_line() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(2))
        view.mark_gap("sandbox-2", "unreachable: connection refused")
        view.flush()
        await pilot.pause()
        row = screen_rows(view)[2]
        assert row.startswith("── sandbox-2 unreachable: connection refused ──")
        view.set_filter("nothing matches this")
        assert view.buffer.visible_count == 1  # gaps survive a filter


async def test_save_buffer_and_filtered_view(tmp_path: Path) -> None:
    target = tmp_path / "tail.log"
    app = LogApp(save_path=target)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(100, every=10))
        view.set_filter("needle")
        assert view.save(tmp_path / "all.log", filtered=False) == 100
        assert read_lines(tmp_path / "all.log")[0] == (
            "2025-06-15T15:06:40.000Z east-prod-1/api-7d9f/app line 0000 GET /healthz 200 needle"
        )
        await pilot.press("s")
        assert view.query_one(".log-view--input").value == str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(read_lines(target)) == 10
        assert f"Wrote 10 lines to {target}" in view.status_text
        assert not temporary_files(tmp_path)  # the temporary file was renamed
        await pilot.press("S", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(read_lines(target)) == 100


async def test_since_tail_and_clear() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await feed(pilot, view, make_lines(10))
        await pilot.press("T")
        assert app.since == [60] and len(view.buffer) == 0 and "since 1m" in view.status_text
        await pilot.press("T", "T", "T", "T")
        assert app.since == [60, 300, 900, 3600, None]
        await feed(pilot, view, make_lines(10))
        await pilot.press("c")
        assert len(view.buffer) == 0 and "0 lines" in view.status_text
        assert screen_rows(view)[view.lines.scrollable_content_region.height // 2].strip() == (
            "Waiting for log lines…"
        )


async def test_only_visible_lines_are_rendered() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        calls = 0
        render_line = view.lines.render_line

        def counting(y: int) -> Strip:
            nonlocal calls
            calls += 1
            return render_line(y)

        view.lines.render_line = counting  # type: ignore[method-assign]
        for start in range(0, 50_000, 5_000):
            view.post_message(LogView.Batch(make_lines(5_000, start=start)))
        await pilot.pause()
        view.flush()
        await pilot.pause()
        height = view.lines.scrollable_content_region.height
        assert 0 < calls <= 3 * height  # a frame or so, not 50k lines
        assert len(view.lines._rows) <= 2 * height  # rows built for the screens drawn only


def test_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    lines = [*make_lines(12, every=4)]
    record = {"level": "warn", "msg": "slow upstream", "ms": 812}
    lines.insert(6, LogLine(SOURCES[0], json.dumps(record), T0 + 5.5, 99))
    app = LogApp()

    async def run_before(pilot: Pilot[None]) -> None:
        view = app.query_one(LogView)
        view.write_lines(lines)
        view.mark_gap("staging-1", "unreachable: connection refused")
        view.flush()
        await pilot.press("t", "j", "f", *"needle", "enter")

    assert snap_compare(app, terminal_size=(100, 20), run_before=run_before)

"""Compare (DiffScreen + DiffView): keys n/N/]/[, r/R, z, Enter on a fold, the object list,
the worker for big inputs, a bad manifest, virtualization, Esc; and a snapshot.

The screen needs no services: a minimal app pushes it.
"""

from __future__ import annotations

import threading

import pytest
import yaml
from textual.app import App
from textual.strip import Strip
from textual.widgets import Static

from ccseone_tui.i18n import set_language
from ccseone_tui.templates.diff import Fold, ManifestDiff, diff_manifests
from ccseone_tui.ui.screens import diff_screen
from ccseone_tui.ui.screens.diff_screen import DiffScreen
from ccseone_tui.ui.widgets.diff_view import DiffView
from ccseone_tui.ui.widgets.virtual_table import VirtualTable

SIZE = (140, 36)


def obj(kind: str, name: str, body: dict[str, object], source: str) -> str:
    meta = {"name": name, "namespace": "default", "labels": {"app": "web"}}
    doc = {"apiVersion": "apps/v1" if kind == "Deployment" else "v1", "kind": kind,
           "metadata": meta, **body}
    return f"---\n# Source: webapp/templates/{source}\n" + yaml.safe_dump(doc, sort_keys=False)


def deployment(tag: str, replicas: int, memory: str) -> str:
    return obj("Deployment", "web", {"spec": {
        "replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
            "name": "web", "image": f"registry.example.test/web:{tag}",
            "ports": [{"containerPort": 8080}],
            "env": [{"name": "MODE", "value": "blue"}, {"name": "REGION", "value": "east"}],
            "resources": {"limits": {"cpu": "500m", "memory": memory}}}]}}}},
        "deployment.yaml")


CONFIG_OLD = obj("ConfigMap", "web-config", {"data": {
    "LOG_LEVEL": "info", "GREETING": "hello", **{f"SETTING_{i}": f"value {i}" for i in range(8)}
}}, "configmap.yaml")
CONFIG_NEW = obj("ConfigMap", "web-config", {"data": {
    "LOG_LEVEL": "debug", "GREETING": "hello", **{f"SETTING_{i}": f"value {i}" for i in range(8)},
    "FEATURE_FLAGS": "search,checkout"}}, "configmap.yaml")
SERVICE = obj("Service", "web", {"spec": {"selector": {"app": "web"},
                                          "ports": [{"port": 80, "targetPort": 8080}]}},
              "service.yaml")
JOB = obj("Job", "web-migrate", {"spec": {"template": {"spec": {
    "restartPolicy": "Never",
    "containers": [{"name": "migrate", "image": "registry.example.test/web:1.0.0"}]}}}},
    "job.yaml")
HPA = obj("HorizontalPodAutoscaler", "web", {"spec": {"minReplicas": 3, "maxReplicas": 10}},
          "hpa.yaml")
OLD = CONFIG_OLD + SERVICE + deployment("1.0.0", 2, "256Mi") + JOB
NEW = (CONFIG_NEW + SERVICE.replace("app: web\n", "app: web\n  resourceVersion: '990'\n", 1)
       + deployment("1.1.0", 3, "512Mi") + HPA)


class DiffApp(App[None]):
    def __init__(self, old: str = OLD, new: str = NEW, **kwargs: object) -> None:
        super().__init__()
        self.old, self.new, self.kwargs = old, new, kwargs
        self.closed = False

    def on_mount(self) -> None:
        def closed(_: None) -> None:
            self.closed = True

        self.push_screen(DiffScreen("Compare web · east-prod-1/default", self.old, self.new,
                                    old_label="revision 3 · webapp 1.0.0",
                                    new_label="revision 4 · webapp 1.1.0",
                                    **self.kwargs), closed)  # type: ignore[arg-type]


def parts(app: App[None]) -> tuple[DiffScreen, DiffView, ManifestDiff]:
    screen = app.screen
    assert isinstance(screen, DiffScreen)
    view = screen.query_one(DiffView)
    assert view.diff is not None
    return screen, view, view.diff


def on_screen(view: DiffView, row: int) -> bool:
    return view.top_row <= row < view.top_row + view.page


def static_text(screen: DiffScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_opens_on_the_first_changed_object() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, diff = parts(app)
        assert [(r.key, r.status) for r in diff.resources] == [
            ("ConfigMap/default/web-config", "changed"), ("Service/default/web", "unchanged"),
            ("Deployment/default/web", "changed"), ("Job/default/web-migrate", "removed"),
            ("HorizontalPodAutoscaler/default/web", "added")]
        assert view.has_focus and view.cursor_row == 0 and view.folded
        assert static_text(screen, "#diff-stats") == (
            "+11 −14 ~4 lines · 4 of 5 objects differ (+1 −1 ~2)")
        assert static_text(screen, "#diff-status").startswith(
            "7 changes · ConfigMap/default/web-config")
        table = screen.query_one("#diff-resources", VirtualTable)
        assert table.row_count == 5 and table.cursor_key == "0"


async def test_next_and_previous_change() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, diff = parts(app)
        seen = []
        for _ in diff.changes:
            await pilot.press("n")
            seen.append(view.cursor_row)
            assert on_screen(view, view.cursor_row)
        assert seen == diff.changes
        assert diff.rows[seen[-1]].tag == "insert"  # the added HPA
        assert static_text(screen, "#diff-status").startswith(
            f"change {len(seen)} of {len(seen)} · HorizontalPodAutoscaler/default/web")
        await pilot.press("n")  # past the last: stays
        assert view.cursor_row == diff.changes[-1]
        await pilot.press("N")
        assert view.cursor_row == diff.changes[-2]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert view.cursor_row == diff.changes[-4]
        await pilot.press("right_square_bracket")
        assert view.cursor_row == diff.changes[-3]
        # the change shows with context above it: a third of the page down, not at the top
        assert view.top_row < view.cursor_row


async def test_next_and_previous_resource_and_the_list_follows() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, diff = parts(app)
        table = screen.query_one("#diff-resources", VirtualTable)
        for index in (1, 2, 3, 4, 4):
            await pilot.press("r")
            assert view.cursor_row == diff.resources[index].row
            assert view.top_row == min(view.cursor_row, view.max_scroll_y)
            assert table.cursor_key == str(index)
        await pilot.press("R")
        assert view.cursor_row == diff.resources[3].row
        await pilot.press("j", "j")  # inside the Job: R goes to its own header first
        await pilot.press("R")
        assert view.cursor_row == diff.resources[3].row
        await pilot.press("k")
        assert diff.resource_at(view.cursor_row) == 2 and table.cursor_key == "2"


async def test_the_object_list_jumps() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, diff = parts(app)
        await pilot.press("tab")
        table = screen.query_one("#diff-resources", VirtualTable)
        assert table.has_focus
        await pilot.press("down", "down", "down")
        assert view.cursor_row == 0  # moving in the list alone does not jump
        await pilot.press("enter")
        assert view.cursor_row == diff.resources[3].row and view.has_focus
        assert screen.query_one("#diff-status", Static).render()


async def test_z_unfolds_all_and_keeps_the_line() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, folded = parts(app)
        await pilot.press("n", "n")
        row = folded.rows[view.cursor_row]
        await pilot.press("z")
        _, _, full = parts(app)
        assert not view.folded and not any(isinstance(r, Fold) for r in full.rows)
        assert len(full.rows) == len(folded.unfolded().rows)
        assert full.rows[view.cursor_row] == row and on_screen(view, view.cursor_row)
        assert "all lines shown" in static_text(screen, "#diff-status")
        await pilot.press("z")
        assert view.diff is folded and folded.rows[view.cursor_row] == row
        assert "unchanged lines folded" in static_text(screen, "#diff-status")


async def test_u_shows_one_column_and_back() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _, view, side = parts(app)
        await pilot.press("n", "n", "n")  # replicas: 2 -> 3 (a replace row)
        row = side.rows[view.cursor_row]
        assert row.tag == "replace"
        await pilot.press("u")
        _, _, one = parts(app)
        assert view.unified and one.rows[view.cursor_row].tag == "delete"
        assert one.rows[view.cursor_row].left == row.left
        assert one.rows[view.cursor_row + 1].right == row.right
        text = view.render_line(view.cursor_row - view.top_row + 1).text
        assert text.split()[:3] == [str(row.left_no), "-", "replicas:"]
        assert "--- revision 3" in view.render_line(0).text
        await pilot.press("n")
        assert one.rows[view.cursor_row].tag == "delete"  # the image tag, old line first
        await pilot.press("z", "u")
        _, _, full = parts(app)
        assert not view.unified and not view.folded and full.folds == 0
        assert full.rows[view.cursor_row].tag == "replace"
        assert "image:" in full.rows[view.cursor_row].left


async def test_enter_expands_one_fold() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _, view, diff = parts(app)
        service = diff.resources[1].row
        fold = diff.rows[service + 1]
        assert isinstance(fold, Fold)
        await pilot.press("r", "j", "enter")
        _, _, expanded = parts(app)
        assert len(expanded.rows) == len(diff.rows) + fold.hidden - 1
        assert expanded.folds == diff.folds - 1
        assert expanded.rows[service + 1].tag == "equal"
        assert [r.left for r in expanded.rows[service + 1: service + 1 + fold.hidden]] == [
            r.left for r in fold.rows()]
        await pilot.press("z", "z")  # fold all again: back to the computed diff
        assert view.diff is diff


async def test_click_moves_the_cursor() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _, view, _ = parts(app)
        await pilot.click(DiffView, offset=(60, 4))  # label line is y=0: row 3
        assert view.cursor_row == 3


async def test_big_input_is_compared_in_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_screen, "SYNC_LIMIT", 10)
    threads: list[str] = []

    def recording(old: str, new: str, *, context: int = 3) -> ManifestDiff:
        threads.append(threading.current_thread().name)
        return diff_manifests(old, new, context=context)

    monkeypatch.setattr(diff_screen, "diff_manifests", recording)
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen, view, diff = parts(app)
        assert screen.diff is diff and len(diff.resources) == 5
        assert view.cursor_row == 0 and "7 changes" in static_text(screen, "#diff-status")
        assert len(threads) == 1 and threads[0] != threading.main_thread().name


async def test_a_bad_manifest_is_reported() -> None:
    app = DiffApp(new=NEW + "---\nkind: Service: x\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        stats = screen.query_one("#diff-stats", Static)
        assert stats.has_class("-error")
        assert "new manifest is not valid YAML: document 5" in str(stats.render())
        await pilot.press("n", "z", "enter")  # nothing to move: no error
        await pilot.press("escape")
        assert app.closed


async def test_escape_closes() -> None:
    app = DiffApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed and not isinstance(app.screen, DiffScreen)


async def test_identical_and_empty() -> None:
    app = DiffApp(old=OLD, new=OLD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen, view, _ = parts(app)
        assert static_text(screen, "#diff-stats") == (
            "No differences (server-managed fields ignored) · 4 objects")
        await pilot.press("n")
        assert view.cursor_row == 0
    app = DiffApp(old="", new="")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(DiffView)
        rows = [view.render_line(y).text for y in range(view.size.height)]
        assert any("Both manifests are empty." in row for row in rows)


async def test_only_visible_rows_are_rendered() -> None:
    """10k lines: a frame renders a screenful of strips, wherever it is scrolled."""
    old = "".join(deployment("1.0.0", 2, "256Mi").replace("name: web\n", f"name: web-{i}\n", 1)
                  for i in range(330))
    new = old.replace("web:1.0.0", "web:1.1.0")
    diff = diff_manifests(old, new)
    assert len(diff.unfolded().rows) > 10_000
    rendered: list[int] = []

    class Counting(DiffView):
        def render_line(self, y: int) -> Strip:
            rendered.append(y)
            return super().render_line(y)

    original = diff_screen.DiffView
    diff_screen.DiffView = Counting  # type: ignore[misc]
    try:
        app = DiffApp(old=old, new=new, diff=diff)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            _, view, _ = parts(app)
            await pilot.press("z")
            await pilot.pause()
            rendered.clear()
            await pilot.press("G")
            await pilot.pause()
            assert view.cursor_row == len(view.diff.rows) - 1 if view.diff else False
            assert 0 < len(rendered) <= 3 * view.size.height
            assert on_screen(view, view.cursor_row)
    finally:
        diff_screen.DiffView = original  # type: ignore[misc]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_snapshot(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The dialog on the known pair after ``n``: the cursor on the first change (LOG_LEVEL,
    its value as the intra-line span), folds, object headers, the object list, the footer."""
    set_language(lang)
    assert snap_compare(DiffApp(), press=["n"], terminal_size=SIZE)


def test_rows_fit_the_width_with_wide_characters() -> None:
    """Both halves are cut by display cells (CJK is two), the separator stays in place."""
    from rich.cells import cell_len
    from rich.style import Style

    from ccseone_tui.ui.widgets.diff_render import DiffStyles, render_row

    old = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 中文\ndata:\n" \
          "  note: 这是一个很长的中文说明文字用来测试按显示宽度截断\n"
    diff = diff_manifests(old, old.replace("截断", "裁剪"))
    styles = DiffStyles(*([Style()] * 13))
    for width in (41, 60, 81):
        for row in diff.unfolded().rows:
            strip = render_row(diff, row, width, 3, styles)
            assert strip.cell_length == width
            if row.tag == "replace":
                text = strip.text
                assert cell_len(text[:text.index("│")]) == (width - 1) // 2 and "…" in text
            unified = render_row(diff, row, width, 3, styles, unified=True)
            assert unified.cell_length == width

"""Start-up imports only what the first output needs (issue #13 item 2).

Each case runs in a fresh interpreter (a subprocess: this one has everything imported) and
fails when a heavy module is loaded too early: ``ccseone --version`` and a cache-only
``clusters list`` never need them, and the TUI must paint its first frame (with cached
cluster rows) before any of them is imported — the kube adapter loads ``kubernetes`` in a
worker thread after that.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import cast

ROOT = Path(__file__).parents[2]
HEAVY = ("kubernetes", "yaml", "helm_python", "helm", "dulwich", "aiohttp", "textual")

SEED = """
import asyncio, time
from pathlib import Path
from typing import cast
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus, ControlInstance, MemberCluster
from ccseone_tui.store import Store

async def seed(db: Path) -> None:
    store = await Store.open(db)
    now = time.time()
    await store.add_instance(ControlInstance(id="inst-1", name="east", region="cn-east-1",
                                             created_at=now))
    for i in range(3):
        c = MemberCluster(id=f"cls-{i}", name=f"c{i}", instance_id="inst-1",
                          region="cn-east-1", api_server=f"https://127.0.0.1:{9 + i}",
                          kubeconfig=str(db.parent / "absent"), context=f"ctx-{i}",
                          created_at=now)
        await store.add_cluster(c)
        await store.save_probe(c.id, ClusterProbe(status=ClusterStatus.READY, version="v1.30.2",
                                                  nodes=3, nodes_ready=3, last_seen=now,
                                                  probed_at=now))
    await store.close()
"""


def run_child(code: str, tmp_path: Path) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last."""
    env = {"CCSEONE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def loaded_heavy() -> str:
    return f"sorted(m for m in {HEAVY!r} if m in sys.modules)"


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    answer = run_child(f"""
        import io, json, sys, contextlib
        from ccseone_tui.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                main(["--version"])
            except SystemExit:
                pass
        print(json.dumps({{"out": out.getvalue(), "heavy": {loaded_heavy()},
                          "asyncio": "asyncio" in sys.modules}}))
    """, tmp_path)
    assert str(answer["out"]).startswith("ccseone ")
    assert answer["heavy"] == [] and answer["asyncio"] is False


def test_cache_only_clusters_list_imports_nothing_heavy(tmp_path: Path) -> None:
    answer = run_child(SEED + f"""
import io, json, sys, contextlib
asyncio.run(seed(Path("{tmp_path}") / "data" / "ccseone.db"))
for m in [m for m in sys.modules if m.startswith(("ccseone_tui", "aiosqlite"))]:
    del sys.modules[m]  # as if in a new process: only what clusters list needs again
from ccseone_tui.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["clusters", "list", "--kubeconfig", "{tmp_path}/absent"])
ours = sorted(m for m in sys.modules if m.startswith("ccseone_tui"))
print(json.dumps({{"code": code, "out": out.getvalue(), "heavy": {loaded_heavy()},
                  "ours": ours}}))
""", tmp_path)
    assert answer["code"] == 0
    assert [line.split()[0] for line in str(answer["out"]).splitlines()] == \
        ["NAME", "c0", "c1", "c2"]
    assert answer["heavy"] == []
    # only the cluster commands and what listing the cache needs: no other section's
    # command module, no service a list does not call, no hub views, no UI
    ours = cast(list[str], answer["ours"])
    assert "ccseone_tui.cli.cluster_cmds" in ours
    assert [m for m in ours if m.startswith(NOT_FOR_CLUSTERS_LIST)] == []


# modules a cache-only ``clusters list`` must not import (commands.HANDLERS imports the
# named command's module on use; the services package builds the others on first use)
NOT_FOR_CLUSTERS_LIST = tuple(
    [f"ccseone_tui.cli.{m}" for m in (
        "instance_cmds", "ns_cmds", "template_cmds", "app_cmds", "task_cmds", "fleet_cmds",
        "logs_cmd", "resource_cmds", "shell_cmds", "sandbox_cmd", "demo", "tui",
        "task_out", "diff_out")]
    + [f"ccseone_tui.services.{m}" for m in (
        "templates", "apps", "resources", "namespaces", "fleet", "logs", "shared",
        "clusters.members", "clusters.registration")]
    + ["ccseone_tui.domain.members", "ccseone_tui.domain.apps", "ccseone_tui.templates",
       "ccseone_tui.ui", "ccseone_tui.sandbox", "ccseone_tui.engines.ocm",
       "ccseone_tui.kube.client"])


def test_tui_paints_its_first_frame_before_any_heavy_import(tmp_path: Path) -> None:
    answer = run_child(SEED + f"""
import json, sys
from ccseone_tui.config import Settings
from ccseone_tui.services import open_services

HEAVY = {HEAVY[:-1]!r}  # textual itself is the point here

async def main() -> list[str]:
    data = Path("{tmp_path}") / "data"
    await seed(data / "ccseone.db")
    services = await open_services(Settings(data_dir=data,
                                            kubeconfig=str(data / "absent")))
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.start_cache import read_start_cache

    app = CcseoneApp(services, start=await read_start_cache(services))  # as cli/tui.py
    seen: list[list[str]] = []
    display = app._display

    def first_frame(screen, renderable) -> None:
        display(screen, renderable)
        if not seen:
            seen.append(sorted(m for m in HEAVY if m in sys.modules))

    app._display = first_frame
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while not seen:
                await pilot.pause(0.01)
    finally:
        await services.close()
    return seen[0]

print(json.dumps({{"heavy": asyncio.run(main())}}))
""", tmp_path)
    assert answer["heavy"] == []


def test_sections_left_out_are_listed_with_their_own_help() -> None:
    """``build_parser(argv)`` leaves out the sections argv does not name: the top-level
    listing must read the same as the full tree's, and a named section is built whole."""
    import argparse

    from ccseone_tui.cli.parser import build_parser

    def listing(p: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
        [sub] = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        return [(c.dest, c.help) for c in sub._choices_actions]

    full = build_parser()
    assert listing(build_parser(["--version"])) == listing(full)
    assert listing(build_parser(["clusters", "list"])) == listing(full)
    args = build_parser(["--db", "x.db", "apps", "list"]).parse_args(
        ["--db", "x.db", "apps", "list", "--instance", "east"])
    assert (args.command, args.action, args.instance) == ("apps", "list", "east")


def test_the_tui_starts_with_the_collector_off_until_its_first_frame(tmp_path: Path) -> None:
    """~170 collections walked the start-up heap before the first frame; ``run_tui`` turns
    the collector off and the app's first-frame hook (``freeze_startup_objects``) turns it
    back on with that heap frozen. ``_run`` (the app) is replaced in this child so that no
    terminal is needed: what is checked is the wiring around it."""
    answer = run_child("""
        import gc, json
        from ccseone_tui.cli import tui
        from ccseone_tui.ui.app import GC_THRESHOLDS, freeze_startup_objects

        seen = {"before": gc.isenabled()}

        async def app_run(settings):
            seen["starting"] = gc.isenabled()
            freeze_startup_objects()  # what the app calls after its first frame
            seen["painted"] = gc.isenabled()
            seen["thresholds"] = list(gc.get_threshold()) == list(GC_THRESHOLDS)
            seen["frozen"] = gc.get_freeze_count() > 0
            return 0

        tui._run = app_run
        tui.run_tui(None)
        seen["after"] = gc.isenabled()
        print(json.dumps(seen))
    """, tmp_path)
    assert answer == {"before": True, "starting": False, "painted": True, "thresholds": True,
                      "frozen": True, "after": True}

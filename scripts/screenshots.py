"""Refresh screenshots/ from a live sandbox fleet: the main screens in English and Chinese.

    python scripts/screenshots.py [--out screenshots]

Runs the real app headless (Textual's SVG screenshots) on a 3-cluster sandbox seeded like
`ccseone demo`: the demo instance, fleet namespaces, templates and the storefront app.
An ocm pass adds ``ocm-clusters-<lang>.svg``: Access clusters of an instance on the
sandbox's OCM hub, one cluster accepted, one awaiting acceptance, one created and waiting
for its join. Look at the pictures before committing them.

Every picture is listed in ``screenshots/MANIFEST.json`` with the source files it shows and
their SHA-256 when it was taken (``SOURCES`` below); ``tests/unit/test_screenshots_current.py``
fails, naming the pictures, when one of those files changed since. The SVGs get
``xml:space="preserve"`` so renderers that drop a text run's leading no-break space
(librsvg: ``rsvg-convert x.svg -o x.png``) do not shift rows by a cell against the cursor row
(the terminal and the SVG itself are right).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from textual import events

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccseone_tui import i18n  # noqa: E402
from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.sandbox import SandboxFleet  # noqa: E402
from ccseone_tui.services import open_services  # noqa: E402
from ccseone_tui.ui.app import CcseoneApp  # noqa: E402

SIZE = (150, 42)
LANGS = ("en", "zh_CN")
COMMAND = "python scripts/screenshots.py"
MANIFEST = "MANIFEST.json"

_UI = "ccseone_tui/ui/"
# what every picture shows: the shell around the section (header, sidebar, footer, styles)
COMMON = tuple(_UI + p for p in (
    "app.tcss", "app.py", "screens/main.py", "widgets/header.py", "widgets/sidebar.py",
    "widgets/footer.py"))
_TABLE = ("widgets/table_view.py", "widgets/columns_more.py")
_LOGS = ("widgets/log_view.py", "widgets/log_lines.py", "widgets/log_render.py",
         "widgets/log_source.py", "widgets/log_status.py")
SOURCES: dict[str, tuple[str, ...]] = {
    name: tuple(_UI + p for p in paths) for name, paths in {
        "clusters": (*_TABLE, "views/clusters.py"),
        "instances": (*_TABLE, "views/instances.py"),
        "namespaces": (*_TABLE, "views/namespaces.py", "widgets/namespace_cells.py"),
        "fleet-pods": ("views/fleet.py", "views/fleet_state.py", "views/fleet_command.py",
                       "views/fleet_keys.py", "widgets/browser_table.py",
                       "widgets/virtual_table.py", "widgets/table_render.py",
                       "widgets/columns_more.py"),
        "apps": (*_TABLE, "views/apps.py"),
        "templates": (*_TABLE, "views/templates.py"),
        "tasks": (*_TABLE, "views/tasks.py"),
        "logs": ("views/logs.py", *_LOGS),
        "help": ("screens/help.py", "console_help.py"),
        "cluster-detail": ("screens/cluster_detail.py", "widgets/cluster_info.py"),
        "namespace-detail": ("screens/namespace_detail.py", "widgets/namespace_cells.py",
                             "widgets/namespace_tasks.py", "widgets/task_pane.py"),
        "app-detail": ("screens/app_detail.py", "widgets/app_status_pane.py",
                       "widgets/app_render.py"),
        "template-detail": ("screens/template_detail.py",),
        "app-compare": ("screens/diff_screen.py", "widgets/diff_view.py",
                        "widgets/diff_render.py", "widgets/virtual_table.py"),
        "ocm-clusters": (*_TABLE, "views/clusters.py"),
    }.items()
}
"""Each picture (without its ``-<lang>.svg``) and the files that draw it, besides COMMON."""


def file_hash(path: str) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


def save(app: CcseoneApp, path: Path) -> None:
    """The screenshot as an SVG that every renderer draws as the terminal does."""
    app.save_screenshot(str(path))
    svg = path.read_text(encoding="utf-8")
    if 'xml:space="preserve"' not in svg:
        path.write_text(svg.replace("<svg ", '<svg xml:space="preserve" ', 1), encoding="utf-8")


def write_manifest(out: Path, names: list[str]) -> None:
    """Record ``names`` (each in every language) with their sources' hashes; the other
    entries stay as they were (``--only-ocm`` refreshes only its own)."""
    path = out / MANIFEST
    manifest = json.loads(path.read_text()) if path.exists() else {}
    pictures = manifest.get("pictures", {})
    for name in names:
        sources = {p: file_hash(p) for p in (*COMMON, *SOURCES[name])}
        for lang in LANGS:
            pictures[f"{name}-{lang}.svg"] = {"sources": sources}
    manifest = {"command": COMMAND, "pictures": dict(sorted(pictures.items()))}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


async def press(pilot: object, *names: str) -> None:
    """Key events as a terminal sends them (pilot.press waits for an idle CPU, which a
    streaming sandbox in this process never gives)."""
    for name in names:
        char = name if len(name) == 1 else {"enter": "\r"}.get(name)
        pilot.app.post_message(events.Key(name, char))  # type: ignore[attr-defined]
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def shoot(out: Path, lang: str) -> None:
    from ccseone_tui.cli.demo import seed_demo, seed_workloads
    from ccseone_tui.ui.screens.diff_screen import DiffScreen

    i18n.set_language(lang)
    async with SandboxFleet(clusters=3, nodes=3, log_rate=20.0) as fleet:
        await seed_workloads(fleet)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), kubeconfig=str(fleet.kubeconfig_path))
            services = await open_services(settings, user="oncall")
            try:
                # the same fleet `ccseone demo` shows: namespaces, templates, storefront
                await seed_demo(services, str(fleet.kubeconfig_path),
                                [c.name for c in fleet.clusters], fleet.chart_repo_url)
                await fleet.settle()
                app = CcseoneApp(services)
                async with app.run_test(size=SIZE) as pilot:
                    await pilot.pause(1.0)
                    shots = [("clusters", ["2"], 1.5), ("instances", ["1"], 0.5),
                             ("namespaces", ["3"], 0.5), ("fleet-pods", ["4"], 2.0),
                             ("apps", ["5"], 0.5), ("templates", ["6"], 0.5),
                             ("tasks", ["7"], 0.5),
                             # the last source is the app: its pods on every cluster, merged
                             ("logs", ["8", "end", "enter"], 2.5)]
                    for name, keys, wait in shots:
                        if name == "logs":  # pick the source from the list, not the tail
                            await press(pilot, "8")
                            await pilot.pause(0.5)
                            app.query_one("#log-sources").focus()
                            keys = keys[1:]
                        await press(pilot, *keys)
                        await pilot.pause(wait)
                        save(app, out / f"{name}-{lang}.svg")
                    await press(pilot, "f1")  # the keys of the section on screen (Logs)
                    await pilot.pause(0.5)
                    save(app, out / f"help-{lang}.svg")
                    await press(pilot, "escape")
                    await pilot.pause(0.3)
                    details = [("cluster-detail", "2", 1.5), ("namespace-detail", "3", 1.0),
                               ("app-detail", "5", 2.0), ("template-detail", "6", 1.5)]
                    for name, section, wait in details:
                        await press(pilot, section)
                        await pilot.pause(0.5)
                        await press(pilot, "enter")
                        await pilot.pause(wait)
                        save(app, out / f"{name}-{lang}.svg")
                        await press(pilot, "escape")
                        await pilot.pause(0.3)
                    # Compare before upgrading storefront from webapp 1.0.0 to 1.1.0
                    [plan, *_] = await services.apps.plan("demo", "storefront", version="1.1.0")
                    app.push_screen(DiffScreen(
                        f"storefront · {plan.target.cluster}/{plan.target.namespace}",
                        plan.old, plan.new, old_label="revision 1 · webapp 1.0.0",
                        new_label="webapp 1.1.0"))
                    await pilot.pause(1.0)
                    save(app, out / f"app-compare-{lang}.svg")
            finally:
                await services.close()


async def shoot_ocm(out: Path, lang: str) -> None:
    """Access clusters of an ocm instance, followed live from the sandbox hub."""
    from ccseone_tui.domain.models import Engine

    i18n.set_language(lang)
    with tempfile.TemporaryDirectory() as tmp:
        async with SandboxFleet(clusters=3, nodes=2, ocm=True, log_rate=0.0,
                                kubeconfig_path=Path(tmp) / "kubeconfig") as fleet:
            await fleet.settle()
            settings = Settings(data_dir=Path(tmp) / "data",
                                kubeconfig=str(fleet.kubeconfig_path))
            services = await open_services(settings, user="oncall")
            try:
                inst = await services.instances.create(
                    "hub-east", "cn-east-1", engine=Engine.OCM, hub_context="hub",
                    description="OCM hub, east")
                await fleet.join("sandbox-1", accept=True)
                await (await fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for(
                    "Available")
                await fleet.join("sandbox-2")  # joined, nobody accepted it yet
                await services.registration.create(inst.id, "edge-7",
                                                   labels={"team": "edge"})
                await fleet.settle()
                app = CcseoneApp(services)
                async with app.run_test(size=SIZE) as pilot:
                    await pilot.pause(2.0)
                    save(app, out / f"ocm-clusters-{lang}.svg")
            finally:
                await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--only-ocm", action="store_true", help="only the ocm pass")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        if not args.only_ocm:
            asyncio.run(shoot(out, lang))
        asyncio.run(shoot_ocm(out, lang))
        print(f"screenshots in {lang} written to {out}")
    names = ["ocm-clusters"] if args.only_ocm else list(SOURCES)
    write_manifest(out, names)
    print(f"{out / MANIFEST}: {len(names) * len(LANGS)} pictures and their sources")


if __name__ == "__main__":
    main()

"""Refresh screenshots/ from a live sandbox fleet: the main screens in English and Chinese.

    python scripts/screenshots.py [--out screenshots]

Runs the real app headless (Textual's SVG screenshots) on a 3-cluster sandbox with the demo
instance, a web Deployment per cluster and an app record whose logs the Logs section tails.
Look at the pictures before committing them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from textual import events

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccseone_tui import i18n  # noqa: E402
from ccseone_tui.config import Settings  # noqa: E402
from ccseone_tui.domain.models import App, Template  # noqa: E402
from ccseone_tui.sandbox import SandboxFleet  # noqa: E402
from ccseone_tui.services import open_services  # noqa: E402
from ccseone_tui.ui.app import CcseoneApp  # noqa: E402

SIZE = (150, 42)
LABEL = "app.ccseone.io/name"


def web() -> dict[str, object]:
    labels = {LABEL: "web", "app": "web"}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels},
        "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}},
    }


async def press(pilot: object, *names: str) -> None:
    """Key events as a terminal sends them (pilot.press waits for an idle CPU, which a
    streaming sandbox in this process never gives)."""
    for name in names:
        char = name if len(name) == 1 else {"enter": "\r"}.get(name)
        pilot.app.post_message(events.Key(name, char))  # type: ignore[attr-defined]
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def shoot(out: Path, lang: str) -> None:
    from ccseone_tui.cli.demo import seed_demo

    i18n.set_language(lang)
    async with SandboxFleet(clusters=3, nodes=3, log_rate=20.0) as fleet:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), kubeconfig=str(fleet.kubeconfig_path))
            services = await open_services(settings, user="oncall")
            try:
                await seed_demo(services, str(fleet.kubeconfig_path),
                                [c.name for c in fleet.clusters])
                inst = await services.instances.get("demo")
                await services.store.add_template(Template("tpl-web", "web", "yaml"))
                await services.store.add_app(App("app-web", inst.id, "web", "tpl-web"))
                members = await services.clusters.list(inst.id)
                await services.store.set_app_targets("app-web",
                                                     [(c.id, "default") for c in members])
                for c in members:
                    await (await services.clusters.client(c)).apply(web())
                await fleet.settle()
                app = CcseoneApp(services)
                async with app.run_test(size=SIZE) as pilot:
                    await pilot.pause(1.0)
                    shots = [("clusters", ["2"], 1.5), ("instances", ["1"], 0.5),
                             ("fleet-pods", ["4"], 2.0), ("tasks", ["7"], 0.5),
                             # the last source is the app: its pods on every cluster, merged
                             ("logs", ["8", "end", "enter"], 2.5)]
                    for name, keys, wait in shots:
                        await press(pilot, *keys)
                        await pilot.pause(wait)
                        app.save_screenshot(str(out / f"{name}-{lang}.svg"))
                    await press(pilot, "2")
                    await pilot.pause(0.5)
                    await press(pilot, "enter")
                    await pilot.pause(1.5)
                    app.save_screenshot(str(out / f"cluster-detail-{lang}.svg"))
            finally:
                await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "zh_CN"):
        asyncio.run(shoot(out, lang))
        print(f"screenshots in {lang} written to {out}")


if __name__ == "__main__":
    main()

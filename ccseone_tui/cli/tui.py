"""Open the TUI on the user's own cache and kubeconfig."""

from __future__ import annotations

import asyncio
import gc
import sys

from ccseone_tui.config import Settings


async def _run(settings: Settings) -> int:
    from ccseone_tui.services import open_services
    from ccseone_tui.ui.app import CcseoneApp
    from ccseone_tui.ui.start_cache import read_start_cache

    services = await open_services(settings)
    for note in services.store_notes:  # also on the TUI's banner; stderr outlives the screen
        print(f"ccseone: {note}", file=sys.stderr)
    try:
        # the start section's rows are in the first frame (ui/start_cache.py)
        start = await read_start_cache(services)
        await CcseoneApp(services, start=start).run_async()
    finally:
        await services.close()
    return 0


def run_tui(settings: Settings) -> int:
    # No collections before the first frame (ui/app.py freeze_startup_objects turns the
    # collector back on): nearly everything start-up allocates lives as long as the app.
    gc.disable()
    try:
        return asyncio.run(_run(settings))
    finally:
        gc.enable()  # the app ended before its first frame (an error): as it was

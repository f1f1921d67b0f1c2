"""Hardening #2: a damaged cache that was moved aside is said loudly in the TUI too (a
notification with the moved file's path), not only on stderr."""

from __future__ import annotations

from pathlib import Path

from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.services import open_services
from ccseone_tui.ui.app import CcseoneApp

from .conftest import make_settings
from .pilot_helpers import until


def damage(path: Path) -> None:
    with path.open("r+b") as fh:  # keep the SQLite header, break the schema page
        fh.seek(100)
        fh.write(b"\xff" * 3000)


async def test_a_recovered_cache_is_shown_as_a_notification(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = await open_services(settings)
    await first.store.add_instance(ControlInstance(id="i", name="east", region="r"))
    await first.close()
    damage(settings.db_path)
    services = await open_services(settings)
    try:
        moved = services.store.recovered_from
        assert moved is not None
        app = CcseoneApp(services, live_probes=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await until(pilot, lambda: any(str(moved) in str(n.message)
                                           for n in app._notifications), "the notice")
            notice = next(n for n in app._notifications if str(moved) in str(n.message))
            assert notice.severity == "error" and "was damaged" in str(notice.message)
    finally:
        await services.close()

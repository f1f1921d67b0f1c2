"""SVG snapshots of the shell in English and Chinese: frozen clock, fixed ids, UTC, no probes.

``snap_compare`` runs the app on its own event loop, so these tests are synchronous and get
their services from ``sync_services``. Update with ``pytest tests/ui --snapshot-update`` and
look at the pictures (``snapshot_report.html``) before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ccseone_tui.i18n import set_language
from ccseone_tui.services import Services
from ccseone_tui.ui.app import CcseoneApp

SIZE = (140, 40)
MakeApp = Callable[[Services], CcseoneApp]
SyncServices = Callable[..., Services]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_access_clusters(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                         lang: str) -> None:
    """The start view: the fleet from the cache — every status, PROD markers, stale ages."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_control_instances_read_only(snap_compare, sync_services: SyncServices,
                                     make_app: MakeApp, lang: str) -> None:
    """Control instances, with the READ-ONLY badge in the header."""
    set_language(lang)
    app = make_app(sync_services(read_only=True))
    assert snap_compare(app, press=["1"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_tasks(snap_compare, sync_services: SyncServices, make_app: MakeApp, lang: str) -> None:
    """Tasks, newest first, with per-target summaries (3/4, 7/8, 1/1)."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), press=["7"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_help(snap_compare, sync_services: SyncServices, make_app: MakeApp, lang: str) -> None:
    """F1: keys per section and the concepts."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), press=["f1"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_empty_fleet(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                     lang: str) -> None:
    """No instance yet: the empty state says what to run next."""
    set_language(lang)
    assert snap_compare(make_app(sync_services(seed=False)), terminal_size=SIZE)

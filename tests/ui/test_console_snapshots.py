"""SVG snapshots of the Distributed clusters screens, in English and Chinese: the cluster
detail (Basic info) and the create-instance dialog showing a validation message. The list
of clusters with data is ``test_snapshots.py::test_access_clusters``.

Frozen clock, fixed ids, UTC, no probes (``sync_services`` + ``make_app`` from conftest).
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
# the clusters sort by name: batch, dev, edge, gpu, lab, then east-prod-1 (Ready, PROD)
TO_EAST_PROD_1 = ["down"] * 5


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_cluster_detail_basic_info(snap_compare, sync_services: SyncServices,
                                   make_app: MakeApp, lang: str) -> None:
    """Enter on east-prod-1: every field and the last probe, PROD marked, footer keys."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), press=[*TO_EAST_PROD_1, "enter"],
                        terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_create_instance_dialog(snap_compare, sync_services: SyncServices, make_app: MakeApp,
                                lang: str) -> None:
    """``1`` then ``n``: the form, with the wrong name reported as it is typed."""
    set_language(lang)
    assert snap_compare(make_app(sync_services()), press=["1", "n", *"West_1"],
                        terminal_size=SIZE)

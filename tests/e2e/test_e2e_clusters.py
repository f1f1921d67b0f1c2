"""The clusters scenarios of the integration suite, against real clusters.

Associating only reads from the members (version, nodes), so nothing is left on them; the
cache lives in tmp_path. Control-plane-only clusters (no nodes) are Ready as APIs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ClusterAlreadyAssociated, ReadOnlyMode
from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.kube import ClusterRef
from ccseone_tui.services import AssociateRequest, open_services

from .conftest import ENV


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=os.environ[ENV],
                    connect_timeout=5.0, read_timeout=30.0, **kw)  # type: ignore[arg-type]


def console_name(context: str, i: int) -> str:
    """Real context names (ARNs, user@cluster) are rarely compliant console names."""
    return f"e2e-{i + 1}"


async def test_associate_probe_fleet_and_guards(tmp_path: Path,
                                                e2e_refs: list[ClusterRef]) -> None:
    s = await open_services(settings(tmp_path), user="e2e")
    try:
        await s.instances.create("e2e", s.settings.regions[0])
        reqs = [AssociateRequest(context=r.context or r.name, name=console_name(r.name, i))
                for i, r in enumerate(e2e_refs)]
        results = await s.clusters.associate("e2e", reqs)
        for req, res in zip(reqs, results, strict=True):
            assert not isinstance(res, Exception), f"{req.context}: {res}"
            assert res.probe.status is ClusterStatus.READY
            assert res.probe.version and res.probe.version.startswith("v")
        # the same server twice is refused (§6.1), whatever the console name
        [again] = await s.clusters.associate("e2e", [AssociateRequest(
            context=reqs[0].context, name="e2e-again")])
        assert isinstance(again, ClusterAlreadyAssociated)
        # every cluster answers a fleet listing of namespaces
        result = await s.fleet.get("namespaces", "e2e")
        assert not result.errors
        assert {row[0].split()[0] for row in result.rows} >= {r.name for r in results
                                                               if not isinstance(r, Exception)}
    finally:
        await s.close()


async def test_readonly_refuses_before_touching_anything(tmp_path: Path,
                                                         e2e_refs: list[ClusterRef]) -> None:
    s = await open_services(settings(tmp_path, read_only=True))
    try:
        with pytest.raises(ReadOnlyMode):
            await s.instances.create("e2e", s.settings.regions[0])
    finally:
        await s.close()

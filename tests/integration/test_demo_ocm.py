"""``ccseone demo --engine ocm`` (#9): the seeded hub and instance as described, read-only
works, direct access (managed-serviceaccount) reaches pod logs, and nothing is left in the
temp dir after the demo ends. The TUI loop itself is replaced by a check of its Services."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pytest

from ccseone_tui.cli.demo import (
    DEMO_INSTANCE,
    HUB_CONTEXT,
    PRECREATED,
    demo_fleet,
    open_demo_services,
    run_demo,
    seed_hub,
    seed_workloads,
)
from ccseone_tui.cli.parser import build_parser
from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ReadOnlyMode
from ccseone_tui.domain.models import ClusterStatus, Engine
from ccseone_tui.services import Services

SEEDED = {
    "sandbox-1": ClusterStatus.READY,
    "sandbox-2": ClusterStatus.READY,
    "sandbox-3": ClusterStatus.AWAITING_ACCEPTANCE,
    PRECREATED: ClusterStatus.WAITING,
}


def test_engine_flag_defaults_to_local() -> None:
    assert build_parser().parse_args(["demo"]).engine == "local"
    assert build_parser().parse_args(["demo", "--engine", "ocm"]).engine == "ocm"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--engine", "karmada"])


async def check_seeded(services: Services) -> None:
    [inst] = await services.instances.list()
    assert (inst.name, Engine(inst.engine), inst.hub_context) == (
        DEMO_INSTANCE, Engine.OCM, HUB_CONTEXT)
    snap = await services.members.sync(inst)
    assert not snap.stale, snap.error
    assert {c.name: c.probe.status for c in snap.clusters} == SEEDED
    rows = {c.name: c for c in snap.clusters}
    assert rows["sandbox-2"].labels.get("env") == "prod"
    assert rows["sandbox-1"].labels.get("env") != "prod"
    assert services.is_production(rows["sandbox-2"])
    assert not services.is_production(rows["sandbox-1"])
    waiting = await services.members.details(rows["sandbox-3"])
    assert waiting is not None and waiting.pending and not waiting.accepts_client
    info = await services.members.info(inst)
    assert info.counts


async def test_the_ocm_demo_is_seeded_and_read_only_works(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    async with demo_fleet(3, kubeconfig, ocm=True, nodes=1, log_rate=2.0) as fleet:
        await seed_workloads(fleet)
        await seed_hub(fleet)
        settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(kubeconfig),
                            read_only=True)
        services = await open_demo_services(settings, fleet)
        try:
            assert services.read_only
            await check_seeded(services)
            # direct access through the managed-serviceaccount addon: pod logs of a member
            member = await services.clusters.get("sandbox-1")
            pods = [p for p in await services.logs.pods(member) if p.namespace == "shop"]
            assert pods, "the seeded web pods are listed through direct access"
            stream = await services.logs.pod(member, "shop", pods[0].name, tail=3,
                                             follow=False)
            async with stream:
                async for _batch in stream:
                    pass
            # read-only: every hub write is refused before reaching the hub
            with pytest.raises(ReadOnlyMode):
                await services.members.accept("sandbox-3")
            with pytest.raises(ReadOnlyMode):
                await services.registration.create(DEMO_INSTANCE, "edge-2")
        finally:
            await services.close()
        writable = await open_demo_services(dataclasses.replace(
            settings, read_only=False, data_dir=tmp_path / "data2"), fleet)
        try:  # the pre-created cluster's join command is ready (a fresh token, not stored)
            instructions = await writable.registration.join_instructions(PRECREATED)
            assert "clusteradm join" in instructions.command
            assert f"--cluster-name {PRECREATED}" in instructions.command
            assert fleet.hub.url in instructions.command
        finally:
            await writable.close()


def test_run_demo_ocm_leaves_nothing_in_tmp(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole ``run_demo`` path (sandbox thread, TLS when openssl exists, seeding) with
    the TUI replaced by the seeded-state check; the temp dir is empty afterwards."""
    from ccseone_tui.ui.app import CcseoneApp

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    seen: list[str] = []

    async def fake_run(self: Any) -> None:
        await check_seeded(self.services)
        seen.append("ran")

    monkeypatch.setattr(CcseoneApp, "run_async", fake_run)
    args = build_parser().parse_args(["demo", "--engine", "ocm"])
    assert run_demo(args, Settings(data_dir=tmp_path / "unused")) == 0
    assert seen == ["ran"]
    assert list(tmp.iterdir()) == []

"""#12 item 1: global flags work after the subcommand, and a read-only demo seeds its fleet
first, then opens read-only (seeding used to fail: it is a write)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ccseone_tui.cli.demo import open_demo_services
from ccseone_tui.cli.parser import build_parser
from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ReadOnlyMode
from ccseone_tui.sandbox import SandboxFleet


@pytest.mark.parametrize("argv", [
    ["demo", "--readonly", "--lang", "zh_CN"],
    ["--readonly", "demo", "--lang", "zh_CN"],
    ["--lang", "en", "--readonly", "demo", "--lang", "zh_CN"],  # the later one wins
])
def test_global_flags_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.command, args.readonly, args.lang) == ("demo", True, "zh_CN")


def test_global_flags_after_a_nested_subcommand() -> None:
    args = build_parser().parse_args(["instances", "list", "--db", "/tmp/x.db", "--readonly"])
    assert (args.action, args.db, args.readonly) == ("list", "/tmp/x.db", True)
    # a subcommand's own flag of the same name keeps its meaning
    args = build_parser().parse_args(["sandbox", "up", "--kubeconfig", "out.yaml"])
    assert args.sandbox_kubeconfig == "out.yaml" and args.kubeconfig is None


async def test_a_read_only_demo_is_seeded_then_refuses_writes(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=3, nodes=1, kubeconfig_path=tmp_path / "kc") as fleet:
        settings = Settings(data_dir=tmp_path / "data", kubeconfig=str(tmp_path / "kc"),
                            read_only=True)
        services = await open_demo_services(settings, fleet)
        try:
            assert services.read_only and services.settings.read_only
            [inst] = await services.instances.list()
            assert len(await services.clusters.list(inst.id)) == 3
            assert await services.apps.list(inst.id)  # the published demo app is there
            with pytest.raises(ReadOnlyMode):
                await services.instances.create("another", settings.regions[0])
        finally:
            await services.close()
        writable = await open_demo_services(dataclasses.replace(
            settings, read_only=False, data_dir=tmp_path / "data2"), fleet)
        try:
            assert not writable.read_only
        finally:
            await writable.close()


def test_every_flag_and_argument_has_help() -> None:
    import argparse

    missing: list[str] = []

    def walk(p: argparse.ArgumentParser, path: str) -> None:
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for name, sub in a.choices.items():
                    walk(sub, f"{path} {name}")
            elif not a.help and not isinstance(a, argparse._HelpAction):
                missing.append(f"{path} {'/'.join(a.option_strings) or a.dest}")
            elif a.help and "{noun}" in a.help:
                missing.append(f"{path} {a.dest}: unfilled {a.help!r}")

    walk(build_parser(), "ccseone")
    assert not missing, missing
    helps = {a.dest: a.help for a in build_parser()._subparsers._group_actions[0]  # type: ignore[union-attr]
             .choices["logs"]._subparsers._group_actions[0].choices["cluster"]._actions}
    assert helps["name"] == "the cluster's name"


def test_an_unknown_flag_prints_the_subcommands_usage(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    from ccseone_tui.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["clusters", "list", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage: ccseone clusters list" in err and "unrecognized arguments: --bogus" in err

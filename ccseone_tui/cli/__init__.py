"""Entry point ``ccseone``: the TUI by default, headless subcommands, ``sandbox`` and ``demo``."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from ccseone_tui import i18n
from ccseone_tui.cli.parser import build_parser
from ccseone_tui.config import Settings, SettingsError, load_settings
from ccseone_tui.domain.errors import CcseoneError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def settings_from_args(args: object) -> Settings:
    from pathlib import Path

    config = getattr(args, "config", None)
    return load_settings(
        Path(config) if config else None,
        db_file=getattr(args, "db", None),
        kubeconfig=getattr(args, "kubeconfig", None),
        read_only=getattr(args, "readonly", None),
        language=getattr(args, "lang", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # with the usage of the subcommand it was given to, not the top level's
        getattr(args, "usage_parser", parser).error(
            f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = settings_from_args(args)
    except SettingsError as exc:
        print(f"ccseone: {exc}", file=sys.stderr)
        return EXIT_USAGE
    i18n.set_language(i18n.detect_language(args.lang, settings.language))
    try:
        if args.command is None:
            from ccseone_tui.cli.tui import run_tui

            return run_tui(settings)
        if args.command == "sandbox":
            from ccseone_tui.cli.sandbox_cmd import run_sandbox

            return run_sandbox(args)
        if args.command == "demo":
            from ccseone_tui.cli.demo import run_demo

            return run_demo(args, settings)
        from ccseone_tui.cli.commands import dispatch

        return asyncio.run(dispatch(args, settings))
    except CcseoneError as exc:
        print(f"ccseone: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

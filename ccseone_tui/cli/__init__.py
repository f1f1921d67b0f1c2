"""Entry point ``ccseone``: the TUI by default, headless subcommands, ``sandbox`` and ``demo``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccseone_tui.cli.parser import build_parser
from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.text import printable

if TYPE_CHECKING:
    from ccseone_tui.config import Settings

# asyncio, the i18n catalogs and the settings loader are imported only once the arguments
# are parsed: ``ccseone --version`` (and ``-h``) then costs about what kubectl's does.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def settings_from_args(args: object) -> Settings:
    from pathlib import Path

    from ccseone_tui.config import load_settings

    config = getattr(args, "config", None)
    return load_settings(
        Path(config) if config else None,
        db_file=getattr(args, "db", None),
        kubeconfig=getattr(args, "kubeconfig", None),
        read_only=getattr(args, "readonly", None),
        language=getattr(args, "lang", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The last line of defence: whatever escapes the commands ends as one line on stderr
    and exit 1, never a traceback on the terminal (issue #14 item 8)."""
    try:
        return _main(argv)
    except BrokenPipeError:
        return _stdout_gone()
    except KeyboardInterrupt:
        return 130
    except CcseoneError as exc:  # raised outside _main's own handler
        # errors quote values and Kubernetes messages verbatim: escape their controls
        print(f"ccseone: {printable(str(exc), multiline=True)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # that is the point: nothing gets past here
        from ccseone_tui.cli.crash import report_internal_error

        return report_internal_error(exc, argv)


def _stdout_gone() -> int:
    """``ccseone … | head``: the reader left. End quietly, and point stdout at /dev/null so
    the interpreter's final flush does not print "Exception ignored … BrokenPipeError"."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (captured): nothing left to flush
        pass
    return EXIT_FAILED


def _bad_argument(argv: Sequence[str]) -> str | None:
    """The first argument that is not valid text (bytes that are not UTF-8 reach Python as
    lone surrogates): it could neither be stored nor sent to a cluster."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            from ccseone_tui.i18n import t

            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            return (t("error.bad_argument", value=f"'{shown}'", detail=exc.reason) + " — "
                    + t("error.bad_argument.fix"))
    return None


def _main(argv: Sequence[str] | None = None) -> int:
    bad = _bad_argument(sys.argv[1:] if argv is None else argv)
    if bad:
        print(f"ccseone: {bad}", file=sys.stderr)
        return EXIT_USAGE
    # only the section the command names is built (the others import services, yaml …)
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra:  # with the usage of the subcommand it was given to, not the top level's
        getattr(args, "usage_parser", parser).error(
            f"unrecognized arguments: {' '.join(extra)}")
    from ccseone_tui import i18n
    from ccseone_tui.config import SettingsError

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
        import asyncio

        from ccseone_tui.cli.commands import dispatch

        return asyncio.run(dispatch(args, settings))
    except CcseoneError as exc:
        # errors quote values and Kubernetes messages verbatim: escape their controls
        print(f"ccseone: {printable(str(exc), multiline=True)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

"""``ccseone logs instance|cluster|app``: the services' log streams as plain lines.

stdout gets only log lines, ``[source] text``, flushed once per batch so a pipe sees them as
they come; markers (a cluster that broke, a pod that came or went, the stream cap) go to
stderr as ``ccseone: [source] text``, so ``| grep`` and ``> file`` keep clean logs. Ctrl-C
ends a follow with exit 0, as does the end of the stream or a closed pipe.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
import time
from typing import TextIO

from ccseone_tui.domain.text import printable, strip_sgr
from ccseone_tui.i18n import t
from ccseone_tui.services import Services
from ccseone_tui.services.logs.stream import LINE, LogRecord, LogStream

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | None) -> int | None:
    """``30s``, ``5m``, ``2h``, ``1d`` or plain seconds; ``None`` stays ``None``."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: use 30s, 5m, 2h or 1d")
    return int(match[1]) * _UNITS[match[2] or "s"]


def format_record(record: LogRecord, timestamps: bool, ansi: bool = False) -> str:
    """One line for a terminal: a container's output is not ours to obey, so its controls
    are shown escaped and its colours dropped unless ``--ansi`` asks to keep them."""
    text = printable(record.text if ansi else strip_sgr(record.text), keep_sgr=ansi)
    source = printable(record.source)
    if timestamps and record.ts is not None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.ts))
        return f"{stamp}.{int(record.ts % 1 * 1000):03d}Z [{source}] {text}"
    return f"[{source}] {text}"


async def open_stream(args: argparse.Namespace, s: Services) -> LogStream:
    since = parse_duration(args.since)
    follow, tail = args.follow, args.tail
    if args.action == "instance":
        inst = await s.instances.get(args.name)
        return await s.logs.instance(inst, follow=follow, since=since, tail=tail)
    if args.action == "cluster":
        cluster = await s.clusters.get(args.name)
        if args.events:
            return await s.logs.cluster_events(cluster, follow=follow, since=since, tail=tail)
        namespace, _, pod = args.pod.rpartition("/")
        return await s.logs.pod(cluster, namespace or "default", pod, container=args.container,
                                previous=args.previous, follow=follow, since=since, tail=tail)
    inst = await s.instances.get(args.instance)
    return await s.logs.app(inst, args.name, follow=follow, clusters=args.cluster, since=since,
                            tail=tail)


async def run_logs(args: argparse.Namespace, s: Services, out: TextIO | None = None,
                   err: TextIO | None = None) -> int:
    try:
        # checked before any stream opens: a typo in the pattern is a usage error (exit 2)
        grep = re.compile(args.grep) if getattr(args, "grep", None) else None
    except (re.error, RecursionError, OverflowError) as exc:
        print("ccseone: " + t("error.bad_regex", value=repr(args.grep), detail=str(exc))
              + " — " + t("error.bad_regex.fix"), file=err or sys.stderr)
        return 2
    try:
        stream = await open_stream(args, s)
    except argparse.ArgumentTypeError as exc:
        print(f"ccseone: {exc}", file=err or sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, stop.set)  # Ctrl-C: a normal end, exit 0
    try:
        pump = asyncio.ensure_future(_pump(stream, grep, args.timestamps, out, err,
                                           getattr(args, "ansi", False)))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({pump, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if pump.done():
            pump.result()
        else:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
    except BrokenPipeError:
        pass  # `| head`: the reader has what it wanted
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGINT)
        await stream.aclose()
    return 0


async def _pump(stream: LogStream, grep: re.Pattern[str] | None, timestamps: bool,
                out: TextIO | None, err: TextIO | None, ansi: bool = False) -> None:
    async for batch in stream:
        stdout, stderr = out or sys.stdout, err or sys.stderr
        lines = []
        for record in batch:
            if record.kind != LINE:
                print(f"ccseone: {format_record(record, False)}", file=stderr, flush=True)
            elif grep is None or grep.search(record.text):
                lines.append(format_record(record, timestamps, ansi))
        if lines:
            stdout.write("\n".join(lines) + "\n")
            stdout.flush()

"""``ccseone exec`` and ``ccseone port-forward``: kubectl's two commands, on any member
cluster (issue #11 item 4). Only argparse is imported here at module level: the parser is
built for every command line."""

from __future__ import annotations

import argparse
from typing import Any

COMMANDS = ("exec", "port-forward")


def add_parser(sub: Any, output: Any = None) -> None:
    """Register ``exec`` and ``port-forward`` (``output`` is unused: neither lists)."""
    p = sub.add_parser(
        "exec", help="run a command in a container (kubectl exec); -it for a shell",
        usage="ccseone exec POD [-c CONTAINER] [-n NAMESPACE] --cluster CLUSTER "
              "[--instance INSTANCE] [-i] [-t] [-q] [--confirm CLUSTER] [-- COMMAND ...]",
        description="Run a command in a container of a pod on a member cluster, over the "
                    "Kubernetes exec WebSocket protocol. Exit code: the command's.",
        epilog="examples:\n  ccseone exec web-0 --cluster east-1 -n shop -it\n"
               "  ccseone exec web-0 --cluster east-1 -c app -- ls /etc",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    # kubectl's shape, flags on either side of POD and the command after "--": argparse
    # cannot split that itself, so POD and what follows it are parsed by _ExecRest
    p.add_argument("rest", nargs=argparse.REMAINDER, action=_ExecRest,
                   metavar="POD [flags] [-- COMMAND ...]",
                   help="the pod's name; what to run after -- (default: /bin/sh)")
    _where(p, cluster_required=False)
    p.add_argument("-c", "--container",
                   help="container name (default: the kubectl.kubernetes.io/default-container "
                        "annotation, else the first)")
    p.add_argument("-i", "--stdin", action="store_true", help="pass stdin to the container")
    p.add_argument("-t", "--tty", action="store_true",
                   help="stdin is a TTY (with -i, on a terminal: raw mode, resizes follow)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="only print what the remote command prints")
    p.add_argument("--confirm", metavar="CLUSTER",
                   help="the cluster's name, required for production clusters")

    p = sub.add_parser(
        "port-forward", help="forward local ports to a pod or a service (kubectl "
                             "port-forward)",
        description="Listen on local ports and forward each connection to a pod's port "
                    "over the Kubernetes port-forward WebSocket protocol, until Ctrl-C. A "
                    "service is resolved to one of its running pods and its targetPort.",
        epilog="examples:\n  ccseone port-forward pod/web-0 8080:80 --cluster east-1\n"
               "  ccseone port-forward svc/web :80 --cluster east-1 -n shop",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="TARGET", help="pod/NAME, svc/NAME or a pod's name")
    p.add_argument("ports", nargs="+", metavar="[LOCAL:]REMOTE",
                   help="REMOTE alone listens on the same number; :REMOTE on a free port")
    _where(p)
    p.add_argument("--address", default="127.0.0.1",
                   help="local address to listen on (default: 127.0.0.1; localhost is "
                        "127.0.0.1)")
    p.add_argument("--confirm", metavar="CLUSTER",
                   help="the cluster's name, required for production clusters")


class _ExecRest(argparse.Action):
    """``POD [flags] [-- COMMAND ...]``: the flags given after POD are parsed with the
    exec parser's own options, the words after ``--`` are the command."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        words = list(values or [])
        command: list[str] = []
        if "--" in words:
            at = words.index("--")
            words, command = words[:at], words[at + 1:]
        options = argparse.ArgumentParser(prog=parser.prog, add_help=False)
        for action in parser._actions:
            if action.option_strings and action is not self:
                options._add_action(action)
        options.add_argument("pod", metavar="POD")
        options.error = parser.error  # type: ignore[method-assign]
        options.print_help = parser.print_help  # type: ignore[method-assign]  # POD -h
        options.parse_args(words, namespace)
        namespace.remote_command = command
        if not getattr(namespace, "cluster", None):
            parser.error("the following arguments are required: --cluster")


def _where(p: argparse.ArgumentParser, *, cluster_required: bool = True) -> None:
    p.add_argument("--cluster", required=cluster_required, help="the member cluster")
    p.add_argument("--instance", help="control instance it belongs to (name or id)")
    p.add_argument("-n", "--namespace",
                   help="namespace (default: the kubeconfig context's, else default)")


# ---- running -------------------------------------------------------------------------------


async def run_exec(args: argparse.Namespace, s: Any) -> int:
    import os
    import sys

    from ccseone_tui.i18n import t
    from ccseone_tui.services.resources.shell import DEFAULT_COMMAND, run_interactive

    command = list(args.remote_command or [])
    if command[:1] == ["--"]:
        command = command[1:]
    stdin, tty = args.stdin, args.tty
    if not stdin:
        tty = False  # kubectl: a tty without stdin is dropped silently
    elif tty and not os.isatty(sys.stdin.fileno()):
        if not args.quiet:
            print(t("exec.no_tty"), file=sys.stderr)
        tty = False

    def defaulted(container: str, names: list[str]) -> None:
        if not args.quiet:
            print(t("exec.default_container", container=container, choices=", ".join(names)),
                  file=sys.stderr)

    session = await s.shell.open_exec(
        args.cluster, args.namespace, args.pod, args.container,
        tuple(command) or DEFAULT_COMMAND, tty, stdin=stdin, instance_id=args.instance,
        confirm=args.confirm, on_default=defaulted)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        return await run_interactive(session, sys.stdin.fileno() if stdin else None,
                                     sys.stdout.fileno(), sys.stderr.fileno())
    finally:
        await session.close()


async def run_port_forward(args: argparse.Namespace, s: Any) -> int:
    import asyncio
    import contextlib
    import signal
    import sys

    from ccseone_tui.domain.text import printable
    from ccseone_tui.i18n import t
    from ccseone_tui.services.resources.shell import parse_ports

    specs = [parse_ports(spec) for spec in args.ports]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)

    def connected(fwd: Any) -> None:
        print(t("pf.connection", local=fwd.local_port), flush=True)

    def failed(fwd: Any, message: str) -> None:
        print(printable("ccseone: " + t("pf.error", local=fwd.local_port,
                                        remote=fwd.remote_port, message=message)),
              file=sys.stderr, flush=True)

    forwards = []
    try:
        for local, remote in specs:
            fwd = await s.shell.port_forward(
                args.cluster, args.namespace, args.target, remote, local, args.address,
                instance_id=args.instance, confirm=args.confirm, on_connection=connected,
                on_error=failed)
            forwards.append(fwd)
            print(t("pf.forwarding", address=fwd.address, local=fwd.local_port,
                    remote=fwd.remote_port), flush=True)
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        for fwd in forwards:
            await s.shell.stop(fwd)
    return 0


async def run(args: argparse.Namespace, s: Any) -> int:
    if args.command == "exec":
        return await run_exec(args, s)
    return await run_port_forward(args, s)


__all__ = ["COMMANDS", "add_parser", "run", "run_exec", "run_port_forward"]

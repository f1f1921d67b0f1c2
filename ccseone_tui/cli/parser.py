"""The ``ccseone`` command line: global flags and the subcommand tree.

No subcommand opens the TUI. Every listing takes ``-o table|json|yaml``. Exit codes: 0 ok,
1 the operation failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse

from ccseone_tui import __version__

OUTPUT_FORMATS = ("table", "json", "yaml")


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", choices=OUTPUT_FORMATS, default="table",
                   help="output format (default: table)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccseone",
        description="CCSE ONE multi-cluster console for the terminal. "
                    "Run without a command to open the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"ccseone {__version__}")
    parser.add_argument("--config", help="settings file (TOML); default: user config dir")
    parser.add_argument("--db", help="cache database file; default: <data dir>/ccseone.db")
    parser.add_argument("--kubeconfig", help="kubeconfig file to read contexts from")
    parser.add_argument("--readonly", action="store_true", default=None,
                        help="refuse every write (enforced in the service layer)")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="UI language")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # instances
    inst = sub.add_parser("instances", help="control instances").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = inst.add_parser("list", help="list control instances")
    _output(p)
    p = inst.add_parser("show", help="basic info of one instance")
    p.add_argument("name")
    _output(p)
    p = inst.add_parser("create", help="create a control instance (engine local)")
    p.add_argument("name")
    p.add_argument("--region", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--no-deletion-protection", action="store_true")
    _output(p)
    p = inst.add_parser("edit", help="edit description or deletion protection")
    p.add_argument("name")
    p.add_argument("--description")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--protect", dest="protection", action="store_true", default=None)
    g.add_argument("--unprotect", dest="protection", action="store_false")
    _output(p)
    p = inst.add_parser("delete", help="delete an instance (refused while protected)")
    p.add_argument("name")
    p.add_argument("--detach-clusters", action="store_true",
                   help="also detach the clusters attached to it")
    p = inst.add_parser("log", help="the instance's operation journal")
    p.add_argument("name")
    p.add_argument("-f", "--follow", action="store_true")
    _output(p)

    # clusters
    cl = sub.add_parser("clusters", help="access clusters").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = cl.add_parser("contexts", help="kubeconfig contexts that can be associated")
    _output(p)
    p = cl.add_parser("associate", help="take over kubeconfig contexts at once")
    p.add_argument("--instance", required=True)
    p.add_argument("contexts", nargs="+", metavar="CONTEXT[=NAME]")
    p.add_argument("--region", default="")
    p.add_argument("--labels", default="", help="key=value,... for every associated cluster")
    p.add_argument("--no-deletion-protection", action="store_true")
    _output(p)
    p = cl.add_parser("list", help="clusters from the cache (add --refresh to probe)")
    p.add_argument("--instance")
    p.add_argument("--refresh", action="store_true", help="probe every cluster first")
    _output(p)
    p = cl.add_parser("show", help="one cluster")
    p.add_argument("name")
    _output(p)
    p = cl.add_parser("delete", help="delete a cluster (refused while protected)")
    p.add_argument("name")
    p.add_argument("--confirm", help="the cluster name, required for production clusters")

    # sections whose full commands arrive with their issues; listing works from the cache now
    for name, help_text in (("ns", "fleet namespaces"), ("templates", "template repository"),
                            ("apps", "application center")):
        s = sub.add_parser(name, help=help_text).add_subparsers(
            dest="action", metavar="ACTION", required=True)
        p = s.add_parser("list", help=f"list {help_text}")
        if name != "templates":
            p.add_argument("--instance", required=True)
        _output(p)

    t = sub.add_parser("tasks", help="fan-out tasks").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = t.add_parser("list", help="recent tasks, newest first")
    p.add_argument("--instance")
    p.add_argument("--limit", type=int, default=50)
    _output(p)
    p = t.add_parser("show", help="one task with its per-target results")
    p.add_argument("id")
    _output(p)

    lg = sub.add_parser("logs", help="log tails").add_subparsers(
        dest="action", metavar="SOURCE", required=True)
    p = lg.add_parser("instance", help="the operation journal of an instance")
    p.add_argument("name")
    p.add_argument("-f", "--follow", action="store_true")
    p = lg.add_parser("cluster", help="pod logs of one cluster")
    p.add_argument("name")
    p.add_argument("--pod", required=True, metavar="NS/POD")
    p.add_argument("-c", "--container")
    p.add_argument("--tail", type=int, default=100)
    p.add_argument("-f", "--follow", action="store_true")

    sb = sub.add_parser("sandbox", help="emulated clusters on loopback").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = sb.add_parser("up", help="serve N emulated clusters until Ctrl-C")
    p.add_argument("--clusters", type=int, default=3)
    p.add_argument("--latency", type=float, default=0.0, metavar="MS")
    p.add_argument("--kubeconfig", dest="sandbox_kubeconfig", metavar="PATH",
                   help="where to write the kubeconfig (default: a temp file)")
    p.add_argument("--k8s-version", default="v1.30.2", help="version the clusters report")

    p = sub.add_parser("demo", help="open the TUI on a live 3-cluster sandbox fleet")
    p.add_argument("--clusters", type=int, default=3)
    p.add_argument("--keep-data", metavar="DIR",
                   help="keep the demo's cache in DIR instead of a temp dir removed at exit")
    return parser

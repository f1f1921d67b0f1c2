"""The ``ccseone`` command line: global flags and the subcommand tree.

No subcommand opens the TUI. Every listing takes ``-o table|json|yaml``. Exit codes: 0 ok,
1 the operation failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from ccseone_tui import __version__

OUTPUT_FORMATS = ("table", "json", "yaml")


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", choices=OUTPUT_FORMATS, default="table",
                   help="output format (default: table)")


def _global_flags(p: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The flags that work before or after the subcommand (``ccseone demo --readonly``).

    On subcommands they default to SUPPRESS, so a flag given after the subcommand overrides the
    one before it and an absent one leaves it alone. A subcommand that has a flag of the same
    name for itself (``sandbox up --kubeconfig``) keeps its own."""
    def add(*names: str, **kw: object) -> None:
        if suppress:
            if any(n in p._option_string_actions for n in names):
                return
            kw["default"] = argparse.SUPPRESS
        p.add_argument(*names, **kw)  # type: ignore[arg-type]

    add("--config", help="settings file (TOML); default: user config dir")
    add("--db", help="cache database file; default: <data dir>/ccseone.db")
    add("--kubeconfig", help="kubeconfig file to read contexts from")
    add("--readonly", action="store_true", default=None,
        help="refuse every write (enforced in the service layer)")
    add("--lang", choices=("en", "zh_CN"), help="UI language")


# Help for the arguments every section shares, so no flag is left without one; ``{noun}`` is
# the thing the subcommand acts on. A subcommand's own help text always wins.
_NOUNS = {"instances": "control instance", "clusters": "cluster", "ns": "fleet namespace",
          "templates": "template", "apps": "app", "tasks": "task",
          # logs: the noun is the source the subcommand names (logs instance|cluster|app)
          "logs": "", "instance": "control instance", "cluster": "cluster"}
_COMMON_HELP = {
    "name": "the {noun}'s name",
    "instance": "control instance (name or id) it belongs to",
    "region": "region (one of the configured regions)",
    "description": "free text shown in lists (at most 256 characters)",
    "no_deletion_protection": "create without deletion protection (on by default)",
    "protection": "turn deletion protection on (--protect) or off (--unprotect)",
    "confirm": "the production clusters' names, comma-separated, as typed confirmation",
    "force_conflicts": "take over fields another field manager owns (server-side apply force)",
    "task": "task id (from `tasks list` or the command that started it)",
    "id": "task id (from `tasks list` or the command that started it)",
    "version": "template version (default: the latest)",
    "mode": "full: every target at once; batch: --batch-size targets at a time, stop on "
            "the first failure",
    "revision": "revision number (see `apps history`)",
    "target": "a target as CLUSTER/NAMESPACE (repeat for more)",
    "unified": "one column (unified diff) instead of side by side",
    "follow": "keep following new lines (Ctrl-C stops)",
    "container": "container name (default: the pod's first)",
    "limit": "show at most this many (newest first)",
    "clusters": "how many emulated clusters",
    "latency": "added latency per request, in milliseconds",
    "contexts": "kubeconfig contexts to associate",
    "api_server": "the cluster's API server URL (https://host:port)",
    "source": "where the cluster runs (shown in lists)",
    "nodes": "node names",
    "release": "Helm release name (default: the template's name)",
    "namespace": "namespace the objects render into",
}


def _default_help(p: argparse.ArgumentParser, noun: str) -> None:
    for action in p._actions:
        if action.help is None and not isinstance(action, argparse._HelpAction):
            text = _COMMON_HELP.get(action.dest)
            if text:
                action.help = text.format(noun=noun)


def _globals_everywhere(parser: argparse.ArgumentParser, noun: str = "") -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in dict((id(v), (k, v)) for k, v in action.choices.items()).values():
                sub_noun = noun or _NOUNS.get(name, name)
                _global_flags(sub, suppress=True)
                _default_help(sub, sub_noun)
                # an unknown flag is reported with the usage of the subcommand it was given to
                sub.set_defaults(usage_parser=sub)
                _globals_everywhere(sub, sub_noun)


# Every top-level command, in the order of the ``-h`` listing, with the help it shows there.
# ``build_parser(argv)`` builds only the command argv names; the others are registered with
# their name and help only (a test checks the listing equals the full tree's). ns,
# templates, apps, exec and port-forward are defined in their own modules (the first three
# import the services, yaml and the template engine at the top): their help here is the
# module's own.
_HELP = {
    "instances": "control instances",
    "clusters": "access clusters",
    "ns": "fleet namespaces",
    "templates": "template repository",
    "apps": "application center",
    "fleet": "one kind across every cluster",
    "get": "list any kind on every cluster at once (kubectl get), CLUSTER first",
    "describe": "kubectl describe of an object on each cluster that has it",
    "events": "events of the fleet, newest last, or of one object",
    "delete": "delete objects on the given clusters (guarded)",
    "scale": "set the replicas of a Deployment, ReplicaSet, StatefulSet … on the given "
             "clusters",
    "restart": "rollout restart of Deployments, StatefulSets, DaemonSets on the given "
               "clusters",
    "tasks": "fan-out tasks",
    "logs": "live log tails: instance journal, cluster, app",
    "exec": "run a command in a container (kubectl exec); -it for a shell",
    "port-forward": "forward local ports to a pod or a service (kubectl port-forward)",
    "sandbox": "emulated clusters on loopback",
    "demo": "open the TUI on a live 3-cluster sandbox fleet",
}
# commands registered by their own module's ``add_parser(sub, output)``
_MODULES = {"ns": "ns_cmds", "templates": "template_cmds", "apps": "app_cmds",
            "exec": "shell_cmds", "port-forward": "shell_cmds"}
# kubectl-shaped commands on any kind across the fleet (cli/resource_cmds.py runs them)
RESOURCE_COMMANDS = ("get", "describe", "events", "delete", "scale", "restart")
# exec and port-forward into pods (cli/shell_cmds.py: one ``add_parser`` registers both)
SHELL_COMMANDS = ("exec", "port-forward")
_KNOWN_COMMANDS = frozenset(_HELP)
# global flags that take a value (to find the command word in argv)
_VALUE_FLAGS = frozenset({"--config", "--db", "--kubeconfig", "--lang"})


def _words(argv: Sequence[str]) -> list[str]:
    """The first two words of ``argv`` that are not flags (nor a global flag's value): the
    command and its action, as far as they are given. ``None`` ends it at a help flag."""
    words: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args) and len(words) < 2:
        arg = args[i]
        if arg == "--":  # a command after it is still one; an action is not (argparse)
            words += args[i + 1:i + 2] if not words else []
            break
        if arg in ("-h", "--help"):
            break
        if not arg.startswith("-") or arg == "-":
            words.append(arg)
        i += 2 if arg in _VALUE_FLAGS else 1
    return words


def _commands_for(argv: Sequence[str] | None) -> set[str]:
    """The commands to build for ``argv``: all of them for ``None`` or a help request
    without a command (the full listing), else only the one named as the command."""
    if argv is None:
        return set(_HELP)
    words = _words(argv)
    if not words:
        return set(_HELP) if {"-h", "--help"} & set(argv) else set()
    # a prefix or a typo: argparse's "invalid choice" comes from the full tree
    return {words[0]} if words[0] in _KNOWN_COMMANDS else set(_HELP)


class _Dropped:
    """What a builder adds to a subcommand left as a placeholder goes nowhere."""

    def __getattr__(self, name: str) -> Any:
        return self._drop

    def _drop(self, *args: Any, **kwargs: Any) -> _Dropped:
        return self


def _placeholder(sub: _Sub, name: str, help_text: str | None) -> None:
    """``name`` in ``sub``'s listing with its help, and no parser: the command line names
    another one (``build_parser`` builds the one it names, or everything if it names none
    that exists), and ``-h`` on it builds it."""
    sub._choices_actions.append(sub._ChoicesPseudoAction(name, (), help_text))


class _OneAction:
    """Stands in for the top-level ``sub`` while the named command is built: the command's
    parser is real, and of the subcommands it registers (``add_subparsers``) only
    ``action`` is built, the others are placeholders (``_OnlyAction``)."""

    def __init__(self, real: Any, action: str, seen: dict[str, bool]) -> None:
        self._real, self._action, self._seen = real, action, seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return _OneAction(self._real.add_parser(name, **kwargs), self._action, self._seen)

    def add_subparsers(self, **kwargs: Any) -> Any:
        self._seen["filtered"] = True
        return _OnlyAction(self._real.add_subparsers(**kwargs), self._action, self._seen)


class _OnlyAction:
    def __init__(self, real: Any, action: str, seen: dict[str, bool]) -> None:
        self._real, self._action, self._seen = real, action, seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if name == self._action or self._action in kwargs.get("aliases", ()):
            self._seen["matched"] = True
            return self._real.add_parser(name, **kwargs)
        _placeholder(self._real, name, kwargs.get("help"))
        return _Dropped()


def build_parser(argv: Sequence[str] | None = None, *,
                 one_action: bool = True) -> argparse.ArgumentParser:
    """The whole ``ccseone`` tree; with ``argv``, only the command it names is built (and
    of that command's subcommands, the one it names), every other one is listed by name
    and help only (its module is not imported). ``one_action=False``: the named command
    whole (an action it does not have is reported from its full list)."""
    parser = argparse.ArgumentParser(
        prog="ccseone",
        description="CCSE ONE multi-cluster console for the terminal. "
                    "Run without a command to open the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"ccseone {__version__}")
    _global_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = _commands_for(argv)
    words = _words(argv) if argv is not None and len(wanted) == 1 and one_action else []
    seen = {"filtered": False, "matched": False}
    # the named command's builder sees only its named action (if any) as a real subcommand
    target: Any = _OneAction(sub, words[1], seen) if len(words) == 2 else sub
    if wanted & set(SHELL_COMMANDS):  # shell_cmds registers both at once
        wanted |= set(SHELL_COMMANDS)
    for name, help_text in _HELP.items():
        if name not in wanted:
            _placeholder(sub, name, help_text)
        elif name == "port-forward":  # registered with exec
            continue
        elif name in _MODULES:
            importlib.import_module(f"ccseone_tui.cli.{_MODULES[name]}").add_parser(
                target, _output)
        else:
            _BUILDERS[name](target)
    if seen["filtered"] and not seen["matched"]:  # a typo or a flag: argparse says so
        return build_parser(argv, one_action=False)
    _globals_everywhere(parser)
    return parser


# what every builder below registers its command on
_Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _instances_parser(sub: _Sub) -> None:
    """``ccseone instances …``"""
    inst = sub.add_parser("instances", help=_HELP["instances"]).add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = inst.add_parser("list", help="list control instances")
    _output(p)
    p = inst.add_parser("show", help="basic info of one instance")
    p.add_argument("name")
    _output(p)
    p = inst.add_parser("create", help="create a control instance (engine local, or ocm on "
                        "an Open Cluster Management hub)")
    p.add_argument("name")
    p.add_argument("--region", required=True)
    p.add_argument("--engine", choices=("local", "ocm"), default="local",
                   help="local: ccseone talks to each cluster; ocm: through a hub")
    p.add_argument("--context", help="engine ocm: the hub's kubeconfig context (with the "
                   "global --kubeconfig for its file)")
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


def _clusters_parser(sub: _Sub) -> None:
    """``ccseone clusters …``"""
    cl = sub.add_parser("clusters", help=_HELP["clusters"]).add_subparsers(
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
    p = cl.add_parser("delete", help="delete a cluster (refused while protected); removes "
                      "what registration created on the member")
    p.add_argument("name")
    p.add_argument("--instance", help="control instance it belongs to: refused if it is not")
    p.add_argument("--confirm", help="the cluster name, required for production clusters")
    p.add_argument("--force", action="store_true",
                   help="delete even though apps are still deployed on it")
    p.add_argument("--remove-finalizers", action="store_true",
                   help="ocm: remove the manifest-work-cleanup finalizer of works still "
                        "stuck after --wait (their member agent is gone)")
    p.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                   help="ocm: how long to wait for the cluster's ManifestWorks to go")
    _output(p)
    p = cl.add_parser("accept", help="ocm: approve the cluster's join request (CSR) and set "
                      "hubAcceptsClient, as clusteradm accept does")
    p.add_argument("name")
    p.add_argument("--confirm", help="the cluster name, required for production clusters")
    _output(p)
    p = cl.add_parser("deny", help="ocm: deny the cluster's join request and set "
                      "hubAcceptsClient false")
    p.add_argument("name")
    p.add_argument("--confirm", help="the cluster name, required for production clusters")
    _output(p)
    p = cl.add_parser("map-context", help="ocm: reach a hub cluster's own API server through "
                      "a kubeconfig context (logs, fleet view, node labels)")
    p.add_argument("name")
    p.add_argument("context", help="a kubeconfig context ('' removes the mapping)")
    _output(p)
    p = cl.add_parser("edit", help="change a cluster's labels, deletion protection or region")
    p.add_argument("name")
    p.add_argument("--labels", help="key=value,... replacing every label ('' removes all)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--protect", dest="protection", action="store_true", default=None,
                   help="turn deletion protection on")
    g.add_argument("--unprotect", dest="protection", action="store_false",
                   help="turn deletion protection off")
    p.add_argument("--region")
    p.add_argument("--confirm", help="the cluster name, required when the cluster is (or "
                   "becomes) a production cluster")
    _output(p)
    p = cl.add_parser("create", help="create an access cluster to register (starts Waiting)")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--api-server", default="", metavar="URL",
                   help="the member's API server (required for local instances; an ocm "
                        "member's agent reports it)")
    p.add_argument("--region", default="")
    p.add_argument("--source", default="registered",
                   choices=("registered", "ccse", "other-cloud", "idc"))
    p.add_argument("--labels", default="", help="key=value,...")
    p.add_argument("--no-deletion-protection", action="store_true")
    _output(p)
    p = cl.add_parser("join-command", help="what to run on the member cluster: the kubectl "
                      "snippet (local) or the clusteradm join command (ocm)")
    p.add_argument("name")
    p = cl.add_parser("register", help="finish registering with the token the join command "
                      "printed")
    p.add_argument("name")
    p.add_argument("--token", required=True, metavar="TOKEN|-",
                   help="the registration token; '-' reads it from stdin (keeps it out of "
                        "the shell history)")
    _output(p)
    p = cl.add_parser("edge-nodes", help="nodes and whether they carry ccseone-node-type=edge")
    p.add_argument("name")
    _output(p)
    p = cl.add_parser("label-edge", help="label nodes ccseone-node-type=edge")
    p.add_argument("name")
    p.add_argument("nodes", nargs="+", metavar="NODE")
    p.add_argument("--confirm", help="the cluster name, required for production clusters")
    _output(p)
    p = cl.add_parser("kubeconfig", help="the cluster's access kubeconfig (secrets masked)")
    p.add_argument("name")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--reveal", action="store_true", help="show the credentials")
    g.add_argument("--export", metavar="PATH", help="write it, unmasked, to PATH (mode 0600)")
    p = cl.add_parser("tasks", help="tasks that acted on one cluster, newest first")
    p.add_argument("name")
    _output(p)


def _fleet_parser(sub: _Sub) -> None:
    """``ccseone fleet get``"""
    fl = sub.add_parser("fleet", help=_HELP["fleet"]).add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = fl.add_parser("get", help="list a kind on every cluster at once, CLUSTER first")
    p.add_argument("kind", metavar="KIND",
                   help="pods|deployments|nodes|events|namespaces (po, deploy, no, ev, ns)")
    p.add_argument("--instance", help="control instance (default: every cluster)")
    p.add_argument("-n", "--namespace", help="only this namespace (default: all)")
    p.add_argument("-l", "--selector", help="label selector, e.g. app=web,tier!=db")
    _output(p)


def _tasks_parser(sub: _Sub) -> None:
    """``ccseone tasks …``"""
    t = sub.add_parser("tasks", help=_HELP["tasks"]).add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = t.add_parser("list", help="recent tasks, newest first")
    p.add_argument("--instance")
    p.add_argument("--limit", type=int, default=50)
    _output(p)
    p = t.add_parser("show", help="one task with its per-target results")
    p.add_argument("id")
    _output(p)
    p = t.add_parser("retry", help="re-run the failed, cancelled or interrupted targets of a "
                                   "namespace or app task")
    p.add_argument("id", metavar="TASK")
    p.add_argument("--confirm", metavar="NAMES",
                   help="production clusters among them: type their names, comma-separated")
    _output(p)


def _sandbox_parser(sub: _Sub) -> None:
    """``ccseone sandbox up``"""
    sb = sub.add_parser("sandbox", help=_HELP["sandbox"]).add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = sb.add_parser("up", help="serve N emulated clusters until Ctrl-C")
    p.add_argument("--clusters", type=int, default=3)
    p.add_argument("--latency", type=float, default=0.0, metavar="MS")
    p.add_argument("--kubeconfig", dest="sandbox_kubeconfig", metavar="PATH",
                   help="where to write the kubeconfig (default: a temp file)")
    p.add_argument("--k8s-version", default="v1.30.2", help="version the clusters report")
    p.add_argument("--ocm", action="store_true",
                   help="also serve an emulated Open Cluster Management hub (context 'hub')")
    p.add_argument("--managed-serviceaccount", action="store_true",
                   help="with --ocm: run the managed-serviceaccount addon on accepted clusters")


def _demo_parser(sub: _Sub) -> None:
    """``ccseone demo``"""
    p = sub.add_parser("demo", help=_HELP["demo"])
    p.add_argument("--clusters", type=int, default=3)
    p.add_argument("--keep-data", metavar="DIR",
                   help="keep the demo's cache in DIR instead of a temp dir removed at exit")
    p.add_argument("--engine", choices=("local", "ocm"), default="local",
                   help="local: ccseone talks to each cluster; ocm: an emulated OCM hub with "
                        "the clusters joined to it (one awaiting acceptance)")


def _logs_parser(sub: _Sub) -> None:
    """``ccseone logs``: plain ``[source] text`` lines on stdout, markers on stderr."""
    lg = sub.add_parser("logs", help=_HELP["logs"])
    sources = lg.add_subparsers(dest="action", metavar="SOURCE", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("-f", "--follow", action="store_true", help="keep streaming new lines")
        p.add_argument("--since", metavar="DURATION",
                       help="only lines newer than this: 30s, 5m, 2h, 1d")
        p.add_argument("--tail", type=int, metavar="N", help="only the last N lines of each")
        p.add_argument("--timestamps", action="store_true", help="prefix each line with its time")
        p.add_argument("--ansi", action="store_true",
                       help="keep the lines' colour sequences (SGR); other controls stay "
                            "escaped (default: colours stripped)")

    p = sources.add_parser("instance", help="the operation journal of a control instance")
    p.add_argument("name")
    common(p)
    p = sources.add_parser("cluster", help="events or one pod's logs of a cluster")
    p.add_argument("name")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--events", action="store_true", help="the cluster's events")
    what.add_argument("--pod", metavar="NS/POD", help="a pod (all its containers unless -c)")
    p.add_argument("-c", "--container")
    p.add_argument("--previous", action="store_true", help="the previous container's log")
    common(p)
    p = sources.add_parser("app", help="every pod of an app on all its clusters, merged")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--cluster", action="append", metavar="NAME",
                   help="only this cluster (repeatable)")
    p.add_argument("--grep", metavar="REGEX", help="only lines matching it")
    common(p)


# ``get``, ``describe``, ``events``, ``delete``, ``scale``, ``restart``: kubectl's verbs on
# any kind the clusters serve, across the fleet (docs/cli.md); one builder each.


def _where(p: argparse.ArgumentParser, *, cluster_required: bool = False,
          all_namespaces: bool = False) -> None:
    p.add_argument("--instance", help="control instance (name or id) whose clusters to "
                   "ask (default: the instance of --cluster, else every cluster)")
    p.add_argument("--cluster", action="append", metavar="NAME[,NAME…]",
                   required=cluster_required,
                   help="only this cluster (repeatable or comma-separated)"
                   + ("" if cluster_required else "; default: every cluster"))
    if all_namespaces:
        g = p.add_mutually_exclusive_group()
        g.add_argument("-n", "--namespace",
                       help="namespace (default: default; ignored for cluster-scoped "
                            "kinds)")
        g.add_argument("-A", "--all-namespaces", action="store_true",
                       help="every namespace")
    else:
        p.add_argument("-n", "--namespace",
                       help="the objects' namespace (default: default; ignored for "
                            "cluster-scoped kinds)")

def _kind(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", metavar="KIND",
                   help="resource type as kubectl takes it: pods, po, deploy, "
                        "deployments.apps, a CRD's plural or short name")

def _writes(p: argparse.ArgumentParser) -> None:
    p.add_argument("--confirm", metavar="NAMES",
                   help="the production clusters' names, comma-separated, as typed "
                        "confirmation")
    p.add_argument("-o", "--output", choices=("table", "json", "yaml"), default="table",
                   help="table: one line per object; json|yaml: the outcomes")


def _get_parser(sub: _Sub) -> None:
    p = sub.add_parser("get", help=_HELP["get"], epilog=_KINDS_EPILOG)
    _kind(p)
    p.add_argument("name", metavar="NAME", nargs="?",
                   help="only the object of that name (or KIND given as TYPE/NAME)")
    _where(p, all_namespaces=True)
    p.add_argument("-l", "--selector", help="label selector, e.g. app=web,tier!=db")
    p.add_argument("--field-selector", metavar="SELECTOR",
                   help="field selector, e.g. status.phase=Running")
    p.add_argument("-o", "--output", choices=("table", "wide", "json", "yaml", "name"),
                   default="table", help="table (default), wide (more columns), json|yaml "
                   "(the full objects in a List, docs/cli.md), name (CLUSTER/KIND/NAME)")
    p.add_argument("-w", "--watch", action="store_true",
                   help="after the list, print each change as it happens until Ctrl-C")
    p.add_argument("--output-watch-events", action="store_true",
                   help="with --watch: an EVENT column (ADDED, MODIFIED, DELETED)")
    p.add_argument("--no-headers", action="store_true",
                   help="tables without the header line (for awk, cut …)")


def _describe_parser(sub: _Sub) -> None:
    p = sub.add_parser("describe", help=_HELP["describe"])
    _kind(p)
    p.add_argument("names", metavar="NAME", nargs="*",
                   help="the objects' names (KIND may also be given as TYPE/NAME, kubectl's "
                        "form: describe deploy/web pod/web-1)")
    _where(p)


def _events_parser(sub: _Sub) -> None:
    p = sub.add_parser("events", help=_HELP["events"])
    p.add_argument("kind", metavar="KIND", nargs="?",
                   help="with NAME: only the events of that object (pods, deploy, …; or "
                        "TYPE/NAME)")
    p.add_argument("name", metavar="NAME", nargs="?", help="the object's name")
    _where(p, all_namespaces=True)
    p.add_argument("-o", "--output", choices=("table", "json", "yaml"), default="table",
                   help="output format (default: table)")
    p.add_argument("--no-headers", action="store_true",
                   help="the table without its header line")
    p.add_argument("-w", "--watch", action="store_true",
                   help="after the events so far, print each new or updated one until Ctrl-C")


def _delete_parser(sub: _Sub) -> None:
    p = sub.add_parser("delete", help=_HELP["delete"])
    _kind(p)
    p.add_argument("names", metavar="NAME", nargs="*",
                   help="the objects' names (or TYPE/NAME forms instead of KIND NAME, as "
                        "kubectl: deploy/web)")
    _where(p, cluster_required=True)
    p.add_argument("--yes", action="store_true",
                   help="do not ask (required when stdin is not a terminal)")
    _writes(p)


def _scale_parser(sub: _Sub) -> None:
    p = sub.add_parser("scale", help=_HELP["scale"])
    _kind(p)
    p.add_argument("names", metavar="NAME", nargs="*",
                   help="the objects' names (or TYPE/NAME forms instead of KIND NAME, as "
                        "kubectl: deploy/web)")
    p.add_argument("--replicas", type=_replicas, required=True, metavar="N",
                   help="the new number of replicas (0 or more)")
    _where(p, cluster_required=True)
    _writes(p)


def _restart_parser(sub: _Sub) -> None:
    p = sub.add_parser("restart", help=_HELP["restart"])
    _kind(p)
    p.add_argument("names", metavar="NAME", nargs="*",
                   help="the objects' names (or TYPE/NAME forms instead of KIND NAME, as "
                        "kubectl: deploy/web)")
    _where(p, cluster_required=True)
    _writes(p)


_KINDS_EPILOG = (
    "KIND: any type the clusters serve, by plural, singular, Kind, short name or "
    "plural.group. Common: pods (po), deployments (deploy), replicasets (rs), statefulsets "
    "(sts), daemonsets (ds), jobs, cronjobs (cj), services (svc), ingresses (ing), "
    "configmaps (cm), secrets, persistentvolumeclaims (pvc), serviceaccounts (sa), nodes "
    "(no), namespaces (ns), events (ev); a CRD as widgets, wdg or widgets.example.com. "
    "Schemas of -o json|yaml: docs/cli.md.")


def _replicas(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number of 0 or more: {text!r}")
    return int(text)


_BUILDERS: dict[str, Callable[[_Sub], None]] = {
    "instances": _instances_parser, "clusters": _clusters_parser, "fleet": _fleet_parser,
    "get": _get_parser, "describe": _describe_parser, "events": _events_parser,
    "delete": _delete_parser, "scale": _scale_parser, "restart": _restart_parser,
    "tasks": _tasks_parser, "logs": _logs_parser, "sandbox": _sandbox_parser,
    "demo": _demo_parser,
}

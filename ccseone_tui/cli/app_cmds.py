"""``ccseone apps …``: the application center (SPEC §3.3.2, §4.1), headless.

publish | list | show | upgrade | diff | history | rollback | delete | retry. Writes print
the task's per-target results and exit 1 unless every target succeeded.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from typing import Any

import yaml

from ccseone_tui.cli.output import emit, format_table
from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.apps import AppTarget, DryRunFailed, PublishRequest
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.limits import DIFF_WIDTH_MAX, DIFF_WIDTH_MIN, check_diff_width
from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.domain.safe_yaml import VALUES_LIMITS, check_depth
from ccseone_tui.domain.text import printable
from ccseone_tui.i18n import t as tr
from ccseone_tui.services import Services
from ccseone_tui.services.guard import parse_selector, selector_matches
from ccseone_tui.templates.render import parse_values

RESULT_COLUMNS = [("target", "TARGET"), ("status", "STATUS"), ("message", "MESSAGE")]
REVISION_MAX = 2**63 - 1  # SQLite INTEGER: a larger number would fail deep in the store


def revision_number(text: str) -> int:
    """argparse type of a revision: a whole number SQLite can hold (exit 2 otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid revision number: {text!r} (a whole number, e.g. 2)") from None
    if not 1 <= value <= REVISION_MAX:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(
            tr("error.revision_range", value=shown, limit=REVISION_MAX) + " — "
            + tr("error.revision_range.fix"))
    return value


def _values_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--values", metavar="FILE", help="values overrides (YAML file, - = stdin)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="one value (dotted key, YAML value), repeatable; applied after --values")


def _target_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", action="append", default=[], metavar="CLUSTER/NAMESPACE",
                   help="a target, repeatable")
    p.add_argument("--clusters-selector", metavar="SELECTOR",
                   help="every cluster of the instance with these labels (e.g. env=dev) …")
    p.add_argument("--namespace", help="… in this namespace")


def _rollout_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=("full", "batch"), default="full")
    p.add_argument("--batch-size", type=int, metavar="N", help="clusters per batch (batch mode)")
    p.add_argument("--message", default="", help="change message (history)")
    p.add_argument("--confirm", metavar="NAMES",
                   help="production cluster names, typed to confirm (comma-separated)")
    p.add_argument("--force-conflicts", action="store_true",
                   help="take over fields another field manager owns")


def add_parser(sub: Any, output: Any) -> None:
    """Register ``apps`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    ap = sub.add_parser("apps", help="application center").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = ap.add_parser("list", help="apps of an instance")
    p.add_argument("--instance", required=True)
    output(p)

    p = ap.add_parser("publish", help="publish an app from a template to targets")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--template", help="template name (required unless --from-draft)")
    p.add_argument("--version", help="template version (default: the newest)")
    p.add_argument("--description", default="")
    p.add_argument("--from-draft", action="store_true",
                   help="publish the draft saved under NAME (its template, values, targets)")
    _values_args(p)
    _target_args(p)
    _rollout_args(p)
    p.add_argument("--draft", action="store_true", help="save as a draft, publish nothing")
    p.add_argument("--dry-run", action="store_true",
                   help="only the server-side dry run on every target")
    output(p)

    p = ap.add_parser("show", help="live status per target: revision, resources, events")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    output(p)

    p = ap.add_parser("upgrade", help="a new revision: new version and/or values")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--version")
    _values_args(p)
    _target_args(p)
    _rollout_args(p)
    output(p)

    p = ap.add_parser("diff", help="deployed vs. new manifests, side by side (or unified)",
                      epilog="exit status: 0 no differences, 1 differences, 2 trouble (a "
                             "target failed), like diff(1)")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--version")
    _values_args(p)
    p.add_argument("--revision", type=revision_number,
                   help="compare with this revision (rollback)")
    p.add_argument("--target", action="append", default=[], metavar="CLUSTER/NAMESPACE")
    p.add_argument("--unified", action="store_true")
    p.add_argument("--width", type=_width, help=f"columns, {DIFF_WIDTH_MIN}..{DIFF_WIDTH_MAX}"
                   " (default: the terminal's)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="ANSI colours: auto = only on a terminal and without NO_COLOR")
    output(p)

    p = ap.add_parser("history", help="revisions with message, author, time, results")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    output(p)

    p = ap.add_parser("rollback", help="a new revision re-applying an earlier one")
    p.add_argument("name")
    p.add_argument("revision", type=revision_number)
    p.add_argument("--instance", required=True)
    p.add_argument("--confirm", metavar="NAMES")
    p.add_argument("--force-conflicts", action="store_true")
    _values_args(p)  # only the values that feed a Secret: they are not stored
    output(p)

    p = ap.add_parser("delete", help="remove the app's objects from every target")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--confirm", metavar="NAMES")
    output(p)

    p = ap.add_parser("retry", help="re-run the failed targets of an app task")
    p.add_argument("task")
    p.add_argument("--instance", help="(accepted for symmetry; the task knows its instance)")
    p.add_argument("--confirm", metavar="NAMES")
    p.add_argument("--force-conflicts", action="store_true")
    _values_args(p)  # only the values that feed a Secret: they are not stored
    output(p)


# ---- helpers ----------------------------------------------------------------------------


def _width(text: str) -> int:
    """``--width``: CLI-only, so checked by argparse (usage error, exit 2). A billion columns
    once built 3 GB of padding before printing anything."""
    try:
        return check_diff_width(int(text) if text.strip().lstrip("+-").isdigit() else 0)
    except ValidationError as exc:
        exc.params["value"] = text  # what was typed, "abc" as much as "-5"
        raise argparse.ArgumentTypeError(str(exc)) from None


def _set_path(values: dict[str, Any], assignment: str) -> None:
    key, sep, raw = assignment.partition("=")
    if not sep or not key.strip():
        raise ValidationError("--set", assignment, tr("apps.rule.set"), tr("apps.fix.set"))
    node = values
    parts = key.strip().split(".")
    # a 5,000-part key would build a dict the YAML dumper then recurses through
    check_depth(len(parts), "--set", key.strip())
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    try:
        # the value is YAML too: the same size, depth and alias limits as a values file
        node[parts[-1]] = (safe_yaml.safe_load(raw, f"--set {key.strip()}", VALUES_LIMITS)
                           if raw else "")
    except yaml.YAMLError:
        node[parts[-1]] = raw


def _values(args: argparse.Namespace) -> str | None:
    """The values text from ``--values`` and ``--set`` (None when neither was given)."""
    if args.values is None and not args.set:
        return None
    text = ""
    if args.values == "-":
        text = sys.stdin.read()
    elif args.values:
        try:
            with open(args.values, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ValidationError("--values", args.values,
                                  tr("rule.readable_file", reason=reason),
                                  tr("fix.readable_file")) from exc
    field = f"--values {args.values}" if args.values else "--values"
    if not args.set:
        parse_values(text, field)  # refused here names the flag; the service checks again
        return text
    values = parse_values(text, field)  # line/column errors name the file's own lines
    for assignment in args.set:
        _set_path(values, assignment)
    return yaml.safe_dump(values, sort_keys=False)


async def _targets(args: argparse.Namespace, s: Services) -> list[AppTarget]:
    targets = [AppTarget.parse(t) for t in args.target]
    if getattr(args, "clusters_selector", None):
        if not args.namespace:
            raise ValidationError("--namespace", "",
                                  tr("apps.rule.required_with", flag="--clusters-selector"),
                                  tr("apps.fix.namespace"))
        inst = await s.instances.get(args.instance)
        terms = parse_selector(args.clusters_selector)
        targets += [AppTarget(c.name, args.namespace) for c in await s.clusters.list(inst.id)
                    if selector_matches(terms, c.labels)]
    return targets


def _check_batch_flags(args: argparse.Namespace) -> None:
    """``--mode batch`` needs ``--batch-size``; a size given (even 0) is checked by the
    service, whose rule is "1 or more"."""
    if args.mode == "batch" and args.batch_size is None:
        raise ValidationError("--batch-size", "", tr("apps.rule.required_with",
                                                     flag="--mode batch"),
                              tr("apps.fix.batch_size"))


def _task_out(args: argparse.Namespace, task: Task) -> int:
    from ccseone_tui.cli.task_out import task_document

    rows = [{"target": r.target, "status": r.status, "message": r.message}
            for r in task.results]
    # scripts get the task document of `tasks show -o json` (RFC 3339, seconds), not epochs
    emit(rows if args.output == "table" else task_document(task), args.output, RESULT_COLUMNS)
    if task.status is not TaskStatus.SUCCEEDED and task.results:
        print(f"task {task.id}: {task.status.value} — retry the failed targets with: "
              f"ccseone apps retry {task.id}", file=sys.stderr)
    return 0 if task.status is TaskStatus.SUCCEEDED else 1


def _dry_run_failed(args: argparse.Namespace, exc: DryRunFailed) -> int:
    """Per-target rows on stdout, one summary line (not the rows again) on stderr."""
    _dry_run_out(args, exc.errors)
    print(f"ccseone: {tr('apps.message.dry_run_short', **exc.params)} — {exc.fix}",
          file=sys.stderr)
    return 1


def _dry_run_out(args: argparse.Namespace, errors: dict[str, str | None]) -> int:
    rows = [{"target": k, "status": "Failed" if v else "OK", "message": v or ""}
            for k, v in sorted(errors.items())]
    emit(rows, args.output, RESULT_COLUMNS)
    return 1 if any(errors.values()) else 0


# ---- actions ----------------------------------------------------------------------------


_COUNT = re.compile(r"\s+\d+/\d+$")


def state_word(status: str) -> str:
    """``Deployed 2/2`` → ``Deployed``: the counts go in their own numbers for scripts."""
    return _COUNT.sub("", status)


def healthy_counts(healthy: int, total: int) -> dict[str, int]:
    return {"healthy": healthy, "total": total}


async def _list(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import _machine, when
    from ccseone_tui.cli.task_out import rfc3339

    machine = _machine(args.output)
    rows = [{"name": r.app.name, "template": r.template, "version": r.version,
             "status": state_word(r.app.status) if machine else r.app.status,
             "revision": r.app.current_revision, "targets": r.targets,
             "healthy": healthy_counts(r.healthy, r.total) if machine else r.summary,
             "created": rfc3339(r.app.created_at) if machine else when(r.app.created_at)}
            for r in await s.apps.list_rows(args.instance)]
    emit(rows, args.output, [("name", "NAME"), ("template", "TEMPLATE"),
                             ("version", "VERSION"), ("status", "STATUS"),
                             ("revision", "REVISION"), ("healthy", "HEALTHY"),
                             ("created", "CREATED")])
    return 0


async def _publish(args: argparse.Namespace, s: Services) -> int:
    if args.from_draft:
        try:
            task = await s.apps.publish_draft(args.instance, args.name, confirm=args.confirm,
                                              force_conflicts=args.force_conflicts,
                                              values_yaml=_values(args))
        except DryRunFailed as exc:
            return _dry_run_failed(args, exc)
        return _task_out(args, task)
    if not args.template:
        raise ValidationError("--template", "", tr("apps.rule.template_required"),
                              tr("apps.fix.template"))
    _check_batch_flags(args)
    req = PublishRequest(name=args.name, template=args.template, version=args.version,
                         values_yaml=_values(args) or "", description=args.description,
                         targets=await _targets(args, s), mode=args.mode,
                         batch_size=args.batch_size, message=args.message)
    if args.draft:
        app = await s.apps.save_draft(args.instance, req)
        emit({"name": app.name, "status": app.status, "targets": len(req.targets)},
             args.output)
        return 0
    if args.dry_run:
        return _dry_run_out(args, await s.apps.dry_run(args.instance, req))
    try:
        task = await s.apps.publish(args.instance, req, confirm=args.confirm,
                                    force_conflicts=args.force_conflicts)
    except DryRunFailed as exc:
        return _dry_run_failed(args, exc)
    return _task_out(args, task)


async def _show(args: argparse.Namespace, s: Services) -> int:
    status = await s.apps.status(args.instance, args.name)
    if args.output != "table":
        emit(_status_document(status), args.output)
        return 0
    print(f"{status.app.name}: {status.summary} (revision {status.app.current_revision})")
    emit([{"target": t.target.key, "revision": t.revision, "state": t.state,
           "resources": f"{sum(r.healthy for r in t.resources)}/{len(t.resources)}",
           "message": t.message} for t in status.targets], "table",
         [("target", "TARGET"), ("revision", "REVISION"), ("state", "STATE"),
          ("resources", "HEALTHY"), ("message", "MESSAGE")])
    for target in status.targets:
        if not target.resources and not target.events:
            continue
        print(f"\n{target.target.key}:")
        table = format_table(
            [{"resource": f"{r.kind}/{r.name}", "ready": r.readiness,
              "health": "ok" if r.healthy else (r.message or "not ready")}
             for r in [*target.resources, *target.pods]],
            [("resource", "RESOURCE"), ("ready", "READY"), ("health", "HEALTH")])
        print("\n".join(f"  {line}" for line in table.splitlines()))
        for e in target.events[:5]:
            age = "" if e.age is None else f"{int(e.age)}s"
            # Kubernetes events: cluster text, printed with its controls escaped
            print(printable(f"  {age:>5}  {e.type}  {e.reason}  {e.object}: {e.message}"))
    return 0


def _resource(r: Any) -> dict[str, Any]:
    return {"kind": r.kind, "name": r.name, "ready": r.ready, "desired": r.desired,
            "healthy": r.healthy, "message": r.message}


def _status_document(status: Any) -> dict[str, Any]:
    """``apps show -o json|yaml`` (docs/cli.md): states as words, counts as numbers,
    event ages in seconds."""
    return {
        "name": status.app.name, "status": state_word(status.summary),
        "revision": status.app.current_revision,
        "healthy": healthy_counts(status.healthy, status.total),
        "targets": [{
            "target": x.target.key, "cluster": x.target.cluster,
            "namespace": x.target.namespace, "revision": x.revision, "state": x.state.value,
            "production": x.production, "message": x.message,
            "resources": [_resource(r) for r in x.resources],
            "pods": [_resource(r) for r in x.pods],
            "events": [{"type": e.type, "reason": e.reason, "object": e.object,
                        "message": e.message,
                        "age_seconds": None if e.age is None else round(e.age, 3)}
                       for e in x.events],
        } for x in status.targets],
    }


async def _upgrade(args: argparse.Namespace, s: Services) -> int:
    _check_batch_flags(args)
    targets = await _targets(args, s)
    try:
        task = await s.apps.upgrade(args.instance, args.name, version=args.version,
                                    values_yaml=_values(args), message=args.message,
                                    mode=args.mode, batch_size=args.batch_size,
                                    targets=targets or None, confirm=args.confirm,
                                    force_conflicts=args.force_conflicts)
    except DryRunFailed as exc:
        return _dry_run_failed(args, exc)
    return _task_out(args, task)


DIFF_DIFFERS, DIFF_TROUBLE = 1, 2


async def _diff(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.diff_out import side_by_side, summary, unified_text
    from ccseone_tui.templates.diff import diff_manifests

    targets = [AppTarget.parse(t) for t in args.target] or None
    plans = await s.apps.plan(args.instance, args.name, version=args.version,
                              values_yaml=_values(args), revision=args.revision,
                              targets=targets)
    # the terminal's own width is clamped too: the panes are built as strings that wide
    width = args.width or min(max(shutil.get_terminal_size((160, 40)).columns,
                                  DIFF_WIDTH_MIN), DIFF_WIDTH_MAX)
    color = _use_color(args.color)
    failed = differs = False
    structured: list[dict[str, Any]] = []
    for plan in plans:
        if args.output != "table":
            record = _diff_record(plan)
            structured.append(record)
            failed = failed or bool(plan.error)
            differs = differs or record["identical"] is False
            continue
        print(f"=== {plan.target.key}")
        if plan.error:
            print(f"ccseone: {printable(str(plan.error))}", file=sys.stderr)
            failed = True
            continue
        diff = diff_manifests(plan.old, plan.new)
        differs = differs or not diff.identical
        print(summary(diff))
        text = (unified_text(diff, color=color, old_label="deployed", new_label="new")
                if args.unified else
                side_by_side(diff, width, color=color, old_label="deployed", new_label="new"))
        if text:
            print(text, end="")
    if args.output != "table":
        emit(structured, args.output)
    # like diff(1) and `helm diff --detailed-exitcode`: 0 same, 1 differences, 2 trouble
    return DIFF_TROUBLE if failed else DIFF_DIFFERS if differs else 0


def _use_color(choice: str) -> bool:
    """Colour on a terminal only (never in a pipe or a file), and never with NO_COLOR set."""
    import os

    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _diff_record(plan: Any) -> dict[str, Any]:
    """One target of ``apps diff -o json|yaml``: counts, objects that differ, unified text."""
    from ccseone_tui.cli.diff_out import unified_text
    from ccseone_tui.templates.diff import diff_manifests

    if plan.error:
        return {"target": plan.target.key, "error": str(plan.error)}
    diff = diff_manifests(plan.old, plan.new)
    st = diff.stats
    return {"target": plan.target.key, "error": None, "identical": diff.identical,
            "lines": {"added": st.added, "removed": st.removed, "changed": st.changed},
            "objects": [{"key": r.key, "status": r.status} for r in diff.resources],
            "unified": unified_text(diff, old_label="deployed", new_label="new")}


async def _history(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    rows = await s.apps.history(args.instance, args.name)
    if args.output != "table":
        from ccseone_tui.cli.task_out import rfc3339

        emit([{"revision": r.number, "version": r.revision.template_version,
               "message": r.message, "author": r.author, "created": rfc3339(r.created_at),
               "values": r.revision.values,
               "results": {k: {"status": st, "message": m} for k, (st, m) in
                           r.results.items()}} for r in rows], args.output)
        return 0
    emit([{"revision": r.number, "version": r.revision.template_version,
           "message": r.message, "author": r.author, "time": when(r.created_at),
           "results": ", ".join(f"{k}={st}" for k, (st, _) in sorted(r.results.items()))}
          for r in rows], "table",
         [("revision", "REVISION"), ("version", "VERSION"), ("message", "MESSAGE"),
          ("author", "AUTHOR"), ("time", "TIME"), ("results", "RESULTS")])
    return 0


async def _rollback(args: argparse.Namespace, s: Services) -> int:
    try:
        task = await s.apps.rollback(args.instance, args.name, args.revision,
                                     confirm=args.confirm, force_conflicts=args.force_conflicts,
                                     values_yaml=_values(args))
    except DryRunFailed as exc:
        return _dry_run_failed(args, exc)
    return _task_out(args, task)


async def _delete(args: argparse.Namespace, s: Services) -> int:
    return _task_out(args, await s.apps.delete(args.instance, args.name, confirm=args.confirm))


async def _retry(args: argparse.Namespace, s: Services) -> int:
    return _task_out(args, await s.apps.retry(args.task, confirm=args.confirm,
                                              force_conflicts=args.force_conflicts,
                                              values_yaml=_values(args)))


ACTIONS = {"list": _list, "publish": _publish, "show": _show, "upgrade": _upgrade,
           "diff": _diff, "history": _history, "rollback": _rollback, "delete": _delete,
           "retry": _retry}


async def run(args: argparse.Namespace, s: Services) -> int:
    return await ACTIONS[args.action](args, s)

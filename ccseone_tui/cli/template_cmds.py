"""``ccseone templates …``: the template repository (SPEC §3.3.3), headless.

    templates add NAME --chart-repo URL --chart NAME | --oci oci://… | --chart-path DIR|TGZ
                       | --yaml FILE [--parameters FILE] | --git URL [--ref REF] [--path PATH]
    templates list | show NAME [--values] | versions NAME | edit NAME … | delete NAME
    templates render NAME [--version V] [--values FILE] [--release R] [--namespace N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccseone_tui.cli.output import emit
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.text import printable
from ccseone_tui.i18n import t as tr
from ccseone_tui.services import Services

LIST_COLUMNS = [("name", "NAME"), ("source", "SOURCE"), ("path", "PATH"),
                ("remark", "REMARK"), ("created", "CREATED"), ("used_by", "USED BY")]


def _source_flags(p: argparse.ArgumentParser, *, required: bool) -> None:
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--chart-repo", metavar="URL", help="Helm repository URL (holds index.yaml)")
    g.add_argument("--oci", metavar="REF", help="oci://host/path/chart")
    g.add_argument("--chart-path", metavar="DIR|TGZ", help="local chart directory or .tgz")
    g.add_argument("--yaml", metavar="FILE", help="manifests with {{ .Values.x }} ('-': stdin)")
    g.add_argument("--git", metavar="URL", help="git repository (https, ssh or a local path)")
    p.add_argument("--chart", metavar="NAME", help="chart name in the repository index")
    p.add_argument("--parameters", metavar="FILE", help="YAML defaults of the yaml template")
    p.add_argument("--ref", help="git branch, tag or commit (default HEAD)")
    p.add_argument("--path", help="directory in the git repository (chart or manifests)")
    p.add_argument("--username", help="repository / registry user")
    p.add_argument("--password-env", metavar="VAR",
                   help="environment variable holding the password (never stored)")
    p.add_argument("--ca-file", metavar="PEM", help="CA bundle for the repository's TLS")
    p.add_argument("--insecure", action="store_true", default=None,
                   help="skip TLS verification")
    p.add_argument("--plain-http", action="store_true", default=None,
                   help="OCI registry over plain HTTP (local registries)")
    p.add_argument("--pin-version", dest="pin_version", metavar="V",
                   help="chart version used when none is asked for (default: newest)")
    p.add_argument("--no-probe", action="store_true",
                   help="store without reading versions / rendering once")


def add_parser(sub: Any, output: Any) -> None:
    """Register ``templates`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    tp = sub.add_parser("templates", help="template repository").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = tp.add_parser("list", help="templates, with the apps that use them")
    output(p)
    p = tp.add_parser("show", help="one template: source, versions, used by")
    p.add_argument("name")
    p.add_argument("--values", action="store_true", help="also print the default values")
    p.add_argument("--version", help="version for --values (default: newest / the ref)")
    output(p)
    p = tp.add_parser("versions", help="versions available, newest first")
    p.add_argument("name")
    output(p)
    p = tp.add_parser("add", help="add a chart, yaml or git template (probes the source)")
    p.add_argument("name")
    p.add_argument("--description", default="")
    _source_flags(p, required=True)
    output(p)
    p = tp.add_parser("edit", help="change the description and/or the source")
    p.add_argument("name")
    p.add_argument("--description")
    _source_flags(p, required=False)
    output(p)
    p = tp.add_parser("delete", help="delete a template (refused while an app uses it)")
    p.add_argument("name")
    p.add_argument("--force", action="store_true",
                   help="accepted for symmetry; apps using it still block the delete")
    output(p)
    p = tp.add_parser("render", help="print the rendered manifests (multi-document YAML)")
    p.add_argument("name")
    p.add_argument("--version")
    p.add_argument("--values", metavar="FILE", help="values overrides (YAML; '-': stdin)")
    p.add_argument("--release", default="preview")
    p.add_argument("-n", "--namespace", default="default")
    output(p)  # table / yaml: the multi-document manifests; json: objects with their source


def _read(path: str, field: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).expanduser().read_text()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ValidationError(field, path, tr("rule.readable_file", reason=reason),
                              tr("fix.readable_file")) from exc


def _auth(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("username", "password_env", "ca_file", "insecure", "plain_http"):
        value = getattr(args, key, None)
        if value is not None:
            out[key] = value
    if getattr(args, "pin_version", None):
        out["version"] = args.pin_version
    return out


def source_from_args(args: argparse.Namespace) -> tuple[str, dict[str, Any]] | None:
    """``(kind, source)`` from the flags, or ``None`` when no source flag was given."""
    if args.chart_repo:
        return "chart", {"repo": args.chart_repo, "chart": args.chart, **_auth(args)}
    if args.oci:
        return "chart", {"oci": args.oci, **_auth(args)}
    if args.chart_path:
        return "chart", {"path": args.chart_path, **_auth(args)}
    if args.yaml:
        params = _read(args.parameters, "parameters") if args.parameters else {}
        return "yaml", {"manifests": _read(args.yaml, "manifests"), "parameters": params}
    if args.git:
        return "git", {"url": args.git, "ref": args.ref or "", "path": args.path or ""}
    return None


def _row(row: Any, fmt: str = "table") -> dict[str, Any]:
    """One template; for ``-o json|yaml`` (docs/cli.md) ``created`` is RFC 3339 and
    ``used_by`` a list of app names."""
    from ccseone_tui.cli.commands import _machine, when
    from ccseone_tui.cli.task_out import rfc3339

    t = row.template
    machine = _machine(fmt)
    return {"name": t.name, "kind": t.kind, "source": row.source, "path": row.location,
            "remark": t.description,
            "created": rfc3339(t.created_at) if machine else when(t.created_at),
            "used_by": list(row.used_by) if machine else ", ".join(row.used_by), "id": t.id,
            "spec": _public(t.source)}


def _public(source: dict[str, Any]) -> dict[str, Any]:
    """The source without the (possibly long) manifests text."""
    return {k: v for k, v in source.items() if k != "manifests" and v not in (None, "")}


async def _one_row(s: Services, name: str, fmt: str = "table") -> dict[str, Any]:
    from ccseone_tui.services.templates.rows import TemplateRow

    t = await s.templates.get(name)
    return _row(TemplateRow(t, await s.templates.used_by(t)), fmt)


async def run(args: argparse.Namespace, s: Services) -> int:
    tpl = s.templates
    if args.action == "list":
        emit([_row(r, args.output) for r in await tpl.list_rows()], args.output,
             LIST_COLUMNS)
    elif args.action == "versions":
        t = await tpl.get(args.name)
        versions = await tpl.versions(t)
        if args.output == "table":
            print("\n".join(versions))
        else:
            emit(versions, args.output)
    elif args.action == "show":
        row = await _one_row(s, args.name, args.output)
        t = await tpl.get(args.name)
        row["versions"] = await tpl.versions(t)
        if args.values:
            row["values"] = await tpl.default_values(t, args.version)
        if args.output == "table":
            for key in ("name", "kind", "source", "path", "remark", "created", "used_by"):
                print(printable(f"{key.upper().replace('_', ' ') + ':':10} {row[key]}"))
            print(f"{'VERSIONS:':10} {', '.join(row['versions'])}")
            if args.values:
                print("--- default values" + (f" ({args.version})" if args.version else ""))
                print(printable(row["values"].rstrip(), multiline=True))
        else:
            emit(row, args.output)
    elif args.action == "add":
        kind, source = source_from_args(args) or ("", {})
        await tpl.add(args.name, kind, source, args.description, probe=not args.no_probe)
        emit(await _one_row(s, args.name, args.output), args.output, LIST_COLUMNS)
    elif args.action == "edit":
        found = source_from_args(args)
        current = await tpl.get(args.name)
        kind, source = found if found else (current.kind, None)
        if found is None and _auth(args):  # only auth options: change them in place
            source = {**current.source, **_auth(args)}
        await tpl.edit(args.name, description=args.description, source=source, kind=kind,
                       probe=not args.no_probe)
        emit(await _one_row(s, args.name, args.output), args.output, LIST_COLUMNS)
    elif args.action == "delete":
        await tpl.delete(args.name, force=args.force)
        if args.output == "table":
            print(f"deleted template {args.name}")
        else:
            emit({"deleted": args.name}, args.output)
    elif args.action == "render":
        return await _render(args, s)
    return 0


async def _render(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.templates.render import parse_values, to_yaml

    t = await s.templates.get(args.name)
    values = (parse_values(_read(args.values, "values"), f"--values {args.values}")
              if args.values else {})
    objects = await s.templates.render(t, args.version, values, release=args.release,
                                       namespace=args.namespace)
    if args.output == "json":
        emit([{"source": o.source, "key": o.key, "object": o.obj} for o in objects], "json")
    else:
        sys.stdout.write(to_yaml(objects))
    return 0

"""YAML of one object (as ``kubectl get -o yaml`` prints it, managedFields folded, Secret
values masked) and the pure part of an edit: parse the edited text, refuse a change to the
fields that name the object, diff. No I/O here (``objects.py`` reads and writes)."""

from __future__ import annotations

import base64
import binascii
import copy
import difflib
import functools
from typing import Any

from ccseone_tui.domain.safe_yaml import DOCUMENT_LIMITS, YamlLimitExceeded
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.actions import (
    EditImmutableField,
    EditParseError,
    EditPlan,
    EditSession,
)

Obj = dict[str, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_FOLD = "\x00ccseone-folded-managed-fields\x00"
ERROR_MARK = "# ccseone:"  # the first word of every line of the error block on top


@functools.cache
def _dumper() -> Any:
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def str_presenter(dumper: Any, data: str) -> Any:
        # multi-line strings as a literal block (kubectl prints them so), when YAML can
        if "\n" in data and not any(ch in data for ch in "\r\t") and data == data.rstrip(" "):
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", data)

    Dumper.add_representer(str, str_presenter)
    return Dumper


def dump(obj: Any) -> str:
    """Block YAML with keys sorted (kubectl's order for unstructured objects)."""
    import yaml

    return yaml.dump(obj, Dumper=_dumper(), sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=100_000, indent=2)


def _size(b64: Any) -> int:
    try:
        return len(base64.b64decode(str(b64 or ""), validate=False))
    except (binascii.Error, ValueError):
        return len(str(b64 or ""))


def mask_secret(obj: Obj) -> Obj:
    """A copy of a Secret with each value replaced by its size (and the last-applied
    annotation, which holds the values in clear, replaced likewise)."""
    out = copy.deepcopy(obj)
    for key in ("data", "stringData"):
        values = out.get(key)
        if isinstance(values, dict):
            out[key] = {k: t("objects.secret_masked",
                             size=_size(v) if key == "data" else len(str(v or "")))
                        for k, v in values.items()}
    annotations = (out.get("metadata") or {}).get("annotations") or {}
    if LAST_APPLIED in annotations:
        annotations[LAST_APPLIED] = t("objects.secret_masked",
                                      size=len(str(annotations[LAST_APPLIED])))
    return out


def is_secret(obj: Obj) -> bool:
    return obj.get("kind") == "Secret" and str(obj.get("apiVersion", "")) == "v1"


def object_yaml(obj: Obj, *, managed_fields: bool = False, reveal: bool = False) -> str:
    """The object's YAML; managedFields folded to one comment line unless asked for."""
    if is_secret(obj) and not reveal:
        obj = mask_secret(obj)
    meta = obj.get("metadata") or {}
    entries = meta.get("managedFields")
    if managed_fields or not entries:
        return dump(obj)
    shown = {**obj, "metadata": {**meta, "managedFields": _FOLD}}
    text = dump(shown)
    note = (t("objects.managed_fields_folded_one") if len(entries) == 1
            else t("objects.managed_fields_folded", count=len(entries)))
    out = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("managedFields:") and _FOLD_MARK in stripped:
            out.append(f"{line[: len(line) - len(stripped)]}# {note}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


# How the sentinel shows in YAML (NUL is escaped by the dumper)
_FOLD_MARK = "ccseone-folded-managed-fields"


def editable(obj: Obj) -> Obj:
    """What ``kubectl edit`` opens: the object without managedFields (status kept)."""
    out = copy.deepcopy(obj)
    (out.get("metadata") or {}).pop("managedFields", None)
    return out


# ---- parse, check, diff -------------------------------------------------------------------


def strip_error_block(text: str) -> str:
    """The text without the error block an earlier failed attempt put on top."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith(ERROR_MARK):
        i += 1
    return "".join(lines[i:])


def with_error(text: str, error: BaseException) -> str:
    """``text`` with ``error`` as ``#`` comment lines on top (as ``kubectl edit`` does)."""
    message = str(error)
    block = [t("objects.edit_error_header"), *message.splitlines(), t("objects.edit_error_footer")]
    head = "".join(f"{ERROR_MARK} {line}".rstrip() + "\n" for line in block)
    return head + strip_error_block(text)


def parse_edited(text: str) -> Obj | None:
    """The edited object; None when the text holds no document (the edit is cancelled).
    ``EditParseError`` with line/column (1-based) otherwise."""
    import yaml

    from ccseone_tui.domain.safe_yaml import safe_load_all

    try:
        docs = [d for d in safe_load_all(text, "yaml", DOCUMENT_LIMITS) if d is not None]
    except YamlLimitExceeded as exc:
        raise EditParseError(exc.message, exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        if mark is None:
            raise EditParseError(problem) from exc
        raise EditParseError(problem, mark.line + 1, mark.column + 1) from exc
    except yaml.YAMLError as exc:
        raise EditParseError(str(exc)) from exc
    if not docs:
        return None
    if len(docs) > 1:
        raise EditParseError(t("objects.rule.several_documents", count=len(docs)))
    doc = docs[0]
    if not isinstance(doc, dict):
        raise EditParseError(t("objects.rule.not_mapping", found=type(doc).__name__), 1, 1)
    return doc


_IDENTITY = (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace"))


def _get(obj: Obj, path: tuple[str, ...]) -> Any:
    cur: Any = obj
    for part in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def check_identity(original: Obj, edited: Obj) -> Obj:
    """Refuse a change to what names the object; a field left out is taken as unchanged
    (filled back in). Returns the edited object ready to send."""
    out = dict(edited)
    meta = out.get("metadata")
    if meta is None:
        meta = out["metadata"] = {}
    if not isinstance(meta, dict):
        raise EditParseError(t("objects.rule.not_mapping", found=type(meta).__name__))
    out["metadata"] = meta = dict(meta)
    for path in _IDENTITY:
        old, new = _get(original, path), _get(out, path)
        if new is None or new == "":
            if old is not None:
                (meta if path[0] == "metadata" else out)[path[-1]] = old
            continue
        if new != old:
            raise EditImmutableField(".".join(path), old, new)
    return out


def plan_edit(session: EditSession, edited_text: str) -> EditPlan:
    parsed = parse_edited(strip_error_block(edited_text))
    original = session.original
    if parsed is None:  # emptied: cancelled, as kubectl
        return EditPlan(session, copy.deepcopy(original), False, "")
    edited = check_identity(original, parsed)
    # what was not shown is not an edit: the folded managedFields, a resourceVersion removed
    comparable_old = editable(original)
    comparable_new = copy.deepcopy(edited)
    new_meta = comparable_new.setdefault("metadata", {})
    new_meta.pop("managedFields", None)
    if "resourceVersion" not in new_meta and "resourceVersion" in comparable_old["metadata"]:
        new_meta["resourceVersion"] = comparable_old["metadata"]["resourceVersion"]
    changed = comparable_new != comparable_old
    diff = ""
    if changed:
        name = f"{session.ref}"
        diff = "".join(difflib.unified_diff(
            dump(comparable_old).splitlines(keepends=True),
            dump(comparable_new).splitlines(keepends=True),
            fromfile=f"{name} (cluster)", tofile=f"{name} (edited)"))
    return EditPlan(session, edited, changed, diff)


__all__ = ["dump", "editable", "mask_secret", "object_yaml", "parse_edited", "plan_edit",
           "strip_error_block", "with_error"]

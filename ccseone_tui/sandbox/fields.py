"""Field ownership (metadata.managedFields) for server-side apply, simplified.

A field path is a tuple of tokens as they appear in ``fieldsV1``: ``f:spec``, ``f:replicas``,
``k:{"name":"nginx"}`` for an item of a list keyed by name, and ``.`` for "this keyed item
itself". Lists whose items all carry a unique ``name`` (or ``uid``, ``containerPort``, ``port``)
are associative like containers, env or ownerReferences; every other list is atomic (owned
as a whole), which is what the real API does for most lists of scalars.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str, ...]

# metadata fields the API server never records ownership for.
_UNTRACKED_META = frozenset({
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
    "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    "generateName",
})
_LIST_KEYS = ("name", "uid", "containerPort", "port")


def list_key(items: list[Any]) -> str | None:
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for k in _LIST_KEYS:
        values = [i.get(k) for i in items]
        if all(v is not None for v in values) and len(set(map(str, values))) == len(values):
            return k
    return None


def _item_token(key: str, value: Any) -> str:
    return "k:" + json.dumps({key: value}, separators=(",", ":"))


def leaf_values(obj: dict[str, Any], ignore_status: bool = True) -> dict[Path, Any]:
    """Every owned leaf of ``obj`` with its value (``.`` paths map to None)."""
    out: dict[Path, Any] = {}

    def walk(node: Any, prefix: Path) -> None:
        if isinstance(node, dict) and node:
            for k, v in node.items():
                walk(v, (*prefix, f"f:{k}"))
        elif isinstance(node, list) and (key := list_key(node)) is not None:
            for item in node:
                p = (*prefix, _item_token(key, item[key]))
                out[(*p, ".")] = None
                for k, v in item.items():
                    walk(v, (*p, f"f:{k}"))
        else:
            out[prefix] = node

    for k, v in obj.items():
        if k in ("apiVersion", "kind") or (k == "status" and ignore_status):
            continue
        if k == "metadata" and isinstance(v, dict):
            for mk, mv in v.items():
                if mk not in _UNTRACKED_META:
                    walk(mv, ("f:metadata", f"f:{mk}"))
            continue
        walk(v, (f"f:{k}",))
    return out


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for tok in path:
            node = node.setdefault(tok, {})
    return tree


def from_fields_v1(tree: dict[str, Any]) -> set[Path]:
    out: set[Path] = set()

    def walk(node: dict[str, Any], prefix: Path) -> None:
        if not node:
            if prefix:
                out.add(prefix)
            return
        for k, v in node.items():
            walk(v if isinstance(v, dict) else {}, (*prefix, k))

    walk(tree, ())
    return out


def path_string(path: Path) -> str:
    """``.spec.template.spec.containers[name="nginx"].image`` as conflict messages print."""
    out = []
    for tok in path:
        if tok.startswith("f:"):
            out.append("." + tok[2:])
        elif tok.startswith("k:"):
            kv = json.loads(tok[2:])
            out.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in kv.items()) + "]")
    return "".join(out)


def _descend(node: Any, tok: str) -> Any:
    if tok.startswith("f:"):
        return node.get(tok[2:]) if isinstance(node, dict) else None
    if tok.startswith("k:") and isinstance(node, list):
        ((k, v),) = json.loads(tok[2:]).items()
        for item in node:
            if isinstance(item, dict) and item.get(k) == v:
                return item
    return None


def remove_path(obj: dict[str, Any], path: Path) -> None:
    """Delete the field (or keyed list item) at ``path`` if present."""
    if path and path[-1] == ".":
        path = path[:-1]
    parent: Any = obj
    for tok in path[:-1]:
        parent = _descend(parent, tok)
        if parent is None:
            return
    last = path[-1]
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        ((k, v),) = json.loads(last[2:]).items()
        parent[:] = [i for i in parent if not (isinstance(i, dict) and i.get(k) == v)]


@dataclass(slots=True)
class Entry:
    manager: str
    operation: str  # Apply | Update
    api_version: str
    paths: set[Path] = field(default_factory=set)
    time: str = ""

    @property
    def label(self) -> str:
        """How conflict messages name a manager (Update managers carry their apiVersion)."""
        if self.operation == "Update":
            return f'"{self.manager}" using {self.api_version}'
        return f'"{self.manager}"'


def read_entries(obj: dict[str, Any]) -> list[Entry]:
    out = []
    for e in (obj.get("metadata") or {}).get("managedFields") or []:
        if e.get("subresource"):
            continue
        out.append(
            Entry(
                e.get("manager", ""),
                e.get("operation", "Update"),
                e.get("apiVersion", ""),
                from_fields_v1(e.get("fieldsV1") or {}),
                e.get("time", ""),
            )
        )
    return out


def write_entries(obj: dict[str, Any], entries: list[Entry]) -> None:
    live = [e for e in entries if e.paths]
    if not live:
        obj["metadata"].pop("managedFields", None)
        return
    obj["metadata"]["managedFields"] = [
        {
            "manager": e.manager,
            "operation": e.operation,
            "apiVersion": e.api_version,
            "time": e.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(e.paths),
        }
        for e in live
    ]


def _entry(entries: list[Entry], manager: str, operation: str, api_version: str) -> Entry:
    for e in entries:
        if e.manager == manager and e.operation == operation:
            e.api_version = api_version
            return e
    e = Entry(manager, operation, api_version)
    entries.append(e)
    return e


def record_update(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    api_version: str,
    now: str,
    ignore_status: bool = True,
) -> None:
    """An Update (create/put/patch) by ``manager`` owns what it changed; others lose it."""
    entries = read_entries(old) if old is not None else []
    before = leaf_values(old, ignore_status) if old is not None else {}
    after = leaf_values(new, ignore_status)
    changed = {p for p, v in after.items() if p not in before or before[p] != v}
    removed = set(before) - set(after)
    if not changed and not removed:
        write_entries(new, entries)
        return
    mine = _entry(entries, manager, "Update", api_version)
    for e in entries:
        if e is not mine:
            e.paths -= changed
        e.paths -= removed
    mine.paths |= changed
    mine.time = now
    write_entries(new, entries)


def apply_conflicts(
    live: dict[str, Any], applied: dict[str, Any], manager: str, ignore_status: bool = True
) -> list[tuple[Entry, Path]]:
    """(other manager, path) pairs where ``applied`` would change a value someone else owns."""
    wanted = leaf_values(applied, ignore_status)
    have = leaf_values(live, ignore_status)
    out = []
    for e in read_entries(live):
        if e.manager == manager and e.operation == "Apply":
            continue
        for p in sorted(e.paths & wanted.keys()):
            if p[-1] != "." and have.get(p) != wanted[p]:
                out.append((e, p))
    return out


def conflict_message(conflicts: list[tuple[Entry, Path]]) -> str:
    """The apiserver's wording (fieldmanager/internal/conflict.go)."""
    if len(conflicts) == 1:
        e, p = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {e.label}: {path_string(p)}"
    by_manager: dict[str, list[Path]] = {}
    for e, p in conflicts:
        by_manager.setdefault(e.label, []).append(p)
    lines = []
    for label in sorted(by_manager):
        lines.append(f"conflicts with {label}:")
        lines.extend(f"- {path_string(p)}" for p in by_manager[label])
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


def record_apply(
    live_before: dict[str, Any] | None,
    merged: dict[str, Any],
    applied: dict[str, Any],
    manager: str,
    api_version: str,
    now: str,
    force: bool,
    ignore_status: bool = True,
) -> None:
    """Make ``manager``'s Apply entry own exactly the applied fields; with ``force`` take
    them from other managers; drop fields it applied before and nobody owns any more."""
    entries = read_entries(live_before) if live_before is not None else []
    wanted_values = leaf_values(applied, ignore_status)
    wanted = set(wanted_values)
    mine = _entry(entries, manager, "Apply", api_version)
    previously = set(mine.paths)
    others = [e for e in entries if e is not mine]
    if force and live_before is not None:
        # Forcing takes only the fields whose value changes; equal values stay co-owned.
        have = leaf_values(live_before, ignore_status)
        for e in others:
            e.paths -= {p for p in e.paths & wanted if have.get(p) != wanted_values[p]}
    still_owned = set().union(*(e.paths for e in others)) if others else set()
    for p in sorted(previously - wanted, key=len, reverse=True):
        owned_below = any(q[: len(p) - (p[-1] == ".")] == p[: len(p) - (p[-1] == ".")]
                          for q in still_owned)
        if not owned_below:
            remove_path(merged, p)
    mine.paths = wanted
    mine.time = now
    write_entries(merged, entries)

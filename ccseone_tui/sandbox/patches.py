"""PATCH bodies: JSON merge patch, strategic merge patch (a useful subset), JSON patch, and
the merge that server-side apply performs."""

from __future__ import annotations

from typing import Any

from ccseone_tui.sandbox.fields import list_key
from ccseone_tui.sandbox.status import ApiError
from ccseone_tui.sandbox.store import clone


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return clone(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """Merge patch, except that lists of objects keyed by ``name`` (containers, env, ports
    …) merge item by item, as the real strategy does for the common built-in lists."""
    if not isinstance(patch, dict):
        return clone(patch)
    if patch.get("$patch") == "replace":
        return {k: clone(v) for k, v in patch.items() if k != "$patch"}
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$") or k.startswith("$setElementOrder/"):
            continue
        if v is None:
            out.pop(k, None)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = _merge_keyed_list(out[k], v)
        else:
            out[k] = strategic_merge_patch(out.get(k), v)
    return out


def _merge_keyed_list(live: list[Any], patch: list[Any]) -> list[Any]:
    key = list_key([i for i in patch if not (isinstance(i, dict) and "$patch" in i)] or live)
    if key is None or list_key(live) not in (key, None):
        return clone(patch)
    result = list(live)
    for item in patch:
        if not isinstance(item, dict):
            return clone(patch)
        idx = next(
            (i for i, x in enumerate(result)
             if isinstance(x, dict) and x.get(key) == item.get(key)),
            None,
        )
        if item.get("$patch") == "delete":
            if idx is not None:
                result.pop(idx)
        elif idx is None:
            result.append(clone(item))
        else:
            result[idx] = strategic_merge_patch(result[idx], item)
    return result


def apply_merge(live: Any, applied: Any) -> Any:
    """What server-side apply stores before pruning: maps merge, keyed lists merge by key,
    everything else (scalars, atomic lists) takes the applied value."""
    if isinstance(applied, dict):
        out = dict(live) if isinstance(live, dict) else {}
        for k, v in applied.items():
            out[k] = apply_merge(out.get(k), v)
        return out
    if isinstance(applied, list) and isinstance(live, list):
        key = list_key(applied)
        if key is not None and list_key(live) == key:
            by_key = {x[key]: x for x in live}
            merged = [apply_merge(by_key.get(a[key]), a) for a in applied]
            seen = {a[key] for a in applied}
            return merged + [clone(x) for x in live if x[key] not in seen]
    return clone(applied)


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError(422, "Invalid", f"invalid JSON pointer: {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _container(doc: Any, parts: list[str]) -> tuple[Any, str]:
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, list):
            cur = cur[int(p)]
        elif isinstance(cur, dict) and p in cur:
            cur = cur[p]
        else:
            raise KeyError(p)
    return cur, parts[-1]


def json_patch(doc: Any, ops: Any) -> Any:
    """RFC 6902 (add, remove, replace, move, copy, test)."""
    if not isinstance(ops, list):
        raise ApiError(400, "BadRequest", "json patch must be a list of operations")
    doc = clone(doc)
    for op in ops:
        try:
            kind = op["op"]
            parts = _pointer(op["path"])
            if kind == "test":
                cur = doc
                for p in parts:
                    cur = cur[int(p)] if isinstance(cur, list) else cur[p]
                if cur != op.get("value"):
                    raise ApiError(422, "Invalid", f"test failed at {op['path']}")
                continue
            if kind in ("move", "copy"):
                src, last = _container(doc, _pointer(op["from"]))
                value = src[int(last)] if isinstance(src, list) else src[last]
                if kind == "move":
                    if isinstance(src, list):
                        src.pop(int(last))
                    else:
                        del src[last]
                op = {"op": "add", "path": op["path"], "value": clone(value)}
                kind = "add"
            if not parts:
                doc = clone(op.get("value"))
                continue
            parent, last = _container(doc, parts)
            if kind == "add":
                if isinstance(parent, list):
                    idx = len(parent) if last == "-" else int(last)
                    parent.insert(idx, clone(op["value"]))
                else:
                    parent[last] = clone(op["value"])
            elif kind == "replace":
                if isinstance(parent, list):
                    parent[int(last)] = clone(op["value"])
                elif last in parent:
                    parent[last] = clone(op["value"])
                else:
                    raise KeyError(last)
            elif kind == "remove":
                if isinstance(parent, list):
                    parent.pop(int(last))
                else:
                    del parent[last]
            else:
                raise ApiError(400, "BadRequest", f"unknown json patch operation {kind!r}")
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise ApiError(
                422, "Invalid", f"the server rejected our request due to an error in our "
                f"request: jsonpatch {op.get('op')} operation does not apply: {exc}"
            ) from exc
    return doc

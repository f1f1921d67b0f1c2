"""Values that feed a Secret are not stored (#14 item 7).

A revision keeps its values so a rollback or retry can render the same release again; the
values that end up in a Secret's ``data``/``stringData`` are replaced by :data:`REDACTED`
before the revision is written, so the cache, ``apps history`` and the TUI never hold them.
No crypto library is installed (``cryptography`` is not in the venv, ``kubernetes`` does not
pull it in), so instead of encrypting them, the operations that need them again (rollback,
retry, upgrade keeping the values, publishing a draft) ask for them: :class:`SecretValuesRequired`
names the paths, and ``--values``/``--set`` (or the service's ``values_yaml``) gives them.

Which values reach a Secret is found by rendering once more with a unique marker in every
scalar leaf and looking for the markers in the Secrets (base64 ``data`` decoded); a leaf
whose own text shows up in a Secret of the real render counts too (a chart whose schema
refuses the markers, a value used both ways). Only charts that render a Secret pay for the
extra render.
"""

from __future__ import annotations

import base64
import binascii
import copy
import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import yaml

from ccseone_tui.domain.apps import AppError

REDACTED = "<secret value, not stored: give it again>"
MIN_MATCH = 4  # shorter texts match by chance; the marker render still finds short secrets

Path = tuple[str | int, ...]
Render = Callable[[dict[str, Any]], Awaitable[list[dict[str, Any]]]]


class SecretValuesRequired(AppError):
    """Rollback/retry/upgrade needs values that were not stored because they feed a Secret."""

    key = "apps.error.secret_values_required"
    fix_key = "apps.error.secret_values_required.fix"


def dotted(path: Path) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def _leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    elif path:
        yield path, node


def _set(node: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _secret_text(objects: list[dict[str, Any]]) -> str:
    """Every Secret value of ``objects`` as one text (``data`` base64-decoded)."""
    parts = []
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("kind") != "Secret":
            continue
        for value in (obj.get("stringData") or {}).values():
            parts.append(str(value))
        for value in (obj.get("data") or {}).values():
            try:
                parts.append(base64.b64decode(str(value), validate=True).decode(
                    "utf-8", errors="replace"))
            except (binascii.Error, ValueError):
                parts.append(str(value))
    return "\n".join(parts)


def _scalar(value: Any) -> bool:
    # booleans and nulls are switches, not secrets
    return isinstance(value, str | int | float) and not isinstance(value, bool)


async def secret_paths(values: dict[str, Any], objects: list[dict[str, Any]],
                       render: Render) -> list[Path]:
    """The leaves of ``values`` that reach a Secret of ``objects`` (their real render)."""
    real = _secret_text(objects)
    if not real:
        return []
    leaves = [(p, v) for p, v in _leaves(values) if _scalar(v)]
    hits = {p for p, v in leaves if len(str(v)) >= MIN_MATCH and str(v) in real}
    marked = copy.deepcopy(values)
    tag = secrets.token_hex(4)
    markers = {}
    for i, (path, _) in enumerate(leaves):
        markers[path] = f"ccseone{tag}m{i}x"
        _set(marked, path, markers[path])
    try:
        seen = _secret_text(await render(marked))
    except Exception:  # a schema refusing the markers: the text match stands
        seen = ""
    hits |= {path for path, marker in markers.items() if marker in seen}
    return sorted(hits, key=lambda p: [str(x) for x in p])


def redact(values: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    out = copy.deepcopy(values)
    for path in paths:
        _set(out, path, REDACTED)
    return out


def values_text(values: dict[str, Any], paths: list[Path], original: str) -> str:
    """What a revision stores: ``original`` as given when nothing feeds a Secret (the user's
    own comments and layout), else the values with those leaves redacted."""
    if not paths:
        return original
    return dump(redact(values, paths))


def dump(values: dict[str, Any]) -> str:
    return yaml.safe_dump(values, sort_keys=False, allow_unicode=True)


def missing(values: dict[str, Any]) -> list[str]:
    return [dotted(p) for p, v in _leaves(values) if v == REDACTED]


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return over


def fill(stored: dict[str, Any], given: dict[str, Any] | None, *, name: str,
         revision: int) -> dict[str, Any]:
    """The stored values with the redacted leaves given again (``given`` merged over them);
    :class:`SecretValuesRequired` naming the paths still missing."""
    values = _merge(stored, given) if given else stored
    left = missing(values)
    if left:
        raise SecretValuesRequired(name=name, revision=revision, paths=", ".join(left),
                                   example=left[0])
    return values


__all__ = ["REDACTED", "SecretValuesRequired", "fill", "missing", "redact", "secret_paths",
           "values_text"]

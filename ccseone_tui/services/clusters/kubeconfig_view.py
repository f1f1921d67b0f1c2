"""The access kubeconfig of one cluster (SPEC §3.1.3.5): only its context, cluster and
user, with secrets masked for display, or whole for export to a 0600 file.

The kubeconfig may be the user's own (associated cluster) or the one ccseone wrote at
registration; either way it is read from disk on demand and never cached.
"""

from __future__ import annotations

import asyncio
import copy
import os
from pathlib import Path
from typing import Any

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.errors import ClusterNotRegistered, KubeconfigQueryFailed
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.domain.safe_yaml import DOCUMENT_LIMITS, YamlLimitExceeded

MASK = "••••••"
# user fields that are credentials (auth-provider config and exec env hold them too)
_SECRET_KEYS = frozenset({"token", "client-key-data", "password", "id-token", "refresh-token",
                          "client-secret", "access-token"})
# fields naming files: relative paths resolve against the kubeconfig's own directory, so an
# exported copy must carry them absolute
_PATH_KEYS = frozenset({"certificate-authority", "client-certificate", "client-key",
                        "tokenFile"})


def _load(path: str) -> dict[str, Any] | None:
    import yaml  # on first use: not needed to paint the first frame

    p = Path(path).expanduser()
    try:
        data = safe_yaml.safe_load(p.read_text(encoding="utf-8"), path, DOCUMENT_LIMITS)
    except FileNotFoundError:
        return None
    except YamlLimitExceeded as exc:
        raise ValueError(str(exc)) from exc  # already names the file
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return data if isinstance(data, dict) else None


def _absolute(entry: dict[str, Any], base: Path) -> dict[str, Any]:
    out = copy.deepcopy(entry)
    for key in _PATH_KEYS & out.keys():
        value = out[key]
        if isinstance(value, str) and value and not os.path.isabs(os.path.expanduser(value)):
            out[key] = str(base / value)
    return out


def single_context(kubeconfig: str, context: str | None) -> dict[str, Any]:
    """The one-context kubeconfig for ``context`` (``None``: current-context) merged from
    ``kubeconfig`` (one path or several joined by ``os.pathsep``) like kubectl: the first
    definition of each name wins. ``ValueError`` says what is missing."""
    found: dict[str, dict[str, tuple[dict[str, Any], Path]]] = {
        "contexts": {}, "clusters": {}, "users": {}}
    current = None
    for path in (p for p in kubeconfig.split(os.pathsep) if p):
        data = _load(path)
        if data is None:
            continue
        base = Path(path).expanduser().resolve().parent
        for key, bucket in found.items():
            for item in data.get(key) or []:
                if isinstance(item, dict) and item.get("name"):
                    bucket.setdefault(str(item["name"]), (item, base))
        current = current or data.get("current-context")
    name = context or current
    if not name or name not in found["contexts"]:
        raise ValueError(f"context {name!r} not found in {kubeconfig}")
    ctx_item, _ = found["contexts"][name]
    ctx = ctx_item.get("context") or {}
    doc: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "current-context": name,
                           "contexts": [copy.deepcopy(ctx_item)], "clusters": [], "users": []}
    for key, ref in (("clusters", ctx.get("cluster")), ("users", ctx.get("user"))):
        hit = found[key].get(str(ref)) if ref else None
        if hit is None:
            if key == "clusters":
                raise ValueError(f"cluster {ref!r} of context {name!r} not found")
            continue
        item, base = hit
        inner = key[:-1]  # "cluster" / "user"
        doc[key].append({"name": item["name"], inner: _absolute(item.get(inner) or {}, base)})
    return doc


def masked(value: Any) -> Any:
    """A copy with every credential replaced by ``MASK``."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in _SECRET_KEYS and v not in (None, ""):
                out[k] = MASK
            elif k == "env" and isinstance(v, list):  # exec plugin environment
                out[k] = [{**e, "value": MASK} if isinstance(e, dict) and "value" in e else e
                          for e in v]
            else:
                out[k] = masked(v)
        return out
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


async def cluster_kubeconfig(cluster: MemberCluster) -> dict[str, Any]:
    if not cluster.kubeconfig:
        raise ClusterNotRegistered(cluster=cluster.name)
    try:
        return await asyncio.to_thread(single_context, cluster.kubeconfig, cluster.context)
    except ValueError as exc:
        raise KubeconfigQueryFailed(cluster=cluster.name, error=str(exc)) from None


async def kubeconfig_view(cluster: MemberCluster, reveal: bool = False) -> str:
    import yaml

    doc = await cluster_kubeconfig(cluster)
    return yaml.safe_dump(doc if reveal else masked(doc), sort_keys=False, allow_unicode=True)


async def export_kubeconfig(cluster: MemberCluster, path: Path | str) -> Path:
    import yaml

    doc = await cluster_kubeconfig(cluster)
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    return await asyncio.to_thread(_write_owner_only, path, text)


def _write_owner_only(where: Path | str, text: str) -> Path:
    """0600 from the first byte, atomically. Unlike ``config.write_private_file`` the
    parent directory is left as it is: it is the user's (``~/Downloads``), not ours."""
    path = Path(where).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path

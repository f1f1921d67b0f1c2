"""Kubeconfig files: list contexts (pyyaml, no credentials) and build an API client.

``list_contexts`` merges files like kubectl: for each named context, cluster and user, the
first file that defines it wins; ``current-context`` comes from the first file that sets one.
Loading a client goes through the official ``kubernetes.aio`` loader (certificate files,
tokens and token files, basic auth, OIDC), imported lazily in a worker thread so the event
loop never stalls on the import; exec plugins and inline key material are ours
(``credentials.py``).
"""

from __future__ import annotations

import asyncio
import copy
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain import safe_yaml
from ccseone_tui.domain.errors import KubeconfigError
from ccseone_tui.domain.safe_yaml import DOCUMENT_LIMITS
from ccseone_tui.kube.credentials import (
    ExecCredential,
    InlineMaterial,
    material_paths,
    run_exec_plugin,
    take_inline,
)
from ccseone_tui.kube.values import ClusterRef, ContextInfo

if TYPE_CHECKING:
    from kubernetes.aio.client import ApiClient

_import_lock: asyncio.Lock | None = None
# Parsed files by (path, mtime, size): a fleet's 100 contexts often share one big file.
_parsed: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def _read(path: str) -> dict[str, Any] | None:
    """The parsed file (cached until it changes), ``None`` if it does not exist. Callers
    must not mutate the result."""
    p = Path(path).expanduser()
    try:
        st = p.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = _parsed.get(str(p))
        if hit is not None and hit[0] == key:
            return hit[1]
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:  # a binary file given by mistake: say so, not a traceback
        raise KubeconfigError(
            path=path, context="",
            error=f"not UTF-8 text ({exc.reason} at byte {exc.start}); give --kubeconfig a "
                  "kubeconfig file saved as UTF-8") from exc
    except OSError as exc:
        raise KubeconfigError(path=path, context="", error=str(exc)) from exc
    import yaml  # here, not at import: the first frame does not need it

    try:
        # libyaml behind size/depth/alias limits: a kubeconfig can come from anywhere
        data = safe_yaml.safe_load(text, path, DOCUMENT_LIMITS)
    except yaml.YAMLError as exc:
        raise KubeconfigError(path=path, context="", error=f"invalid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise KubeconfigError(path=path, context="", error="not a kubeconfig mapping")
    _parsed[str(p)] = (key, data)
    return data


def _named(data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise KubeconfigError(path=path, context="", error=f"{key} must be a list of mappings")
    return items


def list_contexts(paths: list[str] | str) -> list[ContextInfo]:
    """Every context of the merged files, first definition winning; never a credential.

    A missing file is skipped (all missing: ``[]``); a file that is not valid YAML or not a
    kubeconfig mapping raises :class:`KubeconfigError` naming it.
    """
    if isinstance(paths, str):
        paths = [p for p in paths.split(os.pathsep) if p]
    contexts: dict[str, tuple[dict[str, Any], str]] = {}
    clusters: dict[str, dict[str, Any]] = {}
    users: set[str] = set()
    current: str | None = None
    for path in paths:
        data = _read(path)
        if data is None:
            continue
        for item in _named(data, "contexts", path):
            name = str(item.get("name", ""))
            if name and name not in contexts:
                contexts[name] = (item.get("context") or {}, path)
        for item in _named(data, "clusters", path):
            name = str(item.get("name", ""))
            if name and name not in clusters:
                clusters[name] = item.get("cluster") or {}
        for item in _named(data, "users", path):
            users.add(str(item.get("name", "")))
        if current is None and data.get("current-context"):
            current = str(data["current-context"])
    out: list[ContextInfo] = []
    for name, (ctx, path) in contexts.items():
        cluster_name = str(ctx.get("cluster", ""))
        cluster = clusters.get(cluster_name, {})
        out.append(
            ContextInfo(
                name=name,
                cluster=cluster_name,
                server=str(cluster.get("server", "")),
                user=str(ctx.get("user", "")),
                namespace=ctx.get("namespace") or None,
                file=str(path),
                insecure=bool(cluster.get("insecure-skip-tls-verify", False)),
                current=name == current,
            )
        )
    return out


async def import_kubernetes() -> None:
    """Import ``kubernetes.aio`` once, in a thread (it costs ~0.3 s of CPU)."""
    import sys

    if "kubernetes.aio.config.kube_config" in sys.modules:
        return
    global _import_lock
    if _import_lock is None:
        _import_lock = asyncio.Lock()
    async with _import_lock:
        if "kubernetes.aio.config.kube_config" not in sys.modules:
            await asyncio.to_thread(_do_import)


def _bare_packages(*names: str) -> None:
    """Register ``kubernetes`` and ``kubernetes.aio`` as plain packages, without running their
    ``__init__``: those import the whole synchronous client, dynamic client, watch, stream,
    leader election and informer (~100 ms of a CLI call's start, measured with -X importtime)
    where ccseone needs only ``aio.client``'s api_client/configuration/rest and the aio
    kubeconfig loader. Submodules still import normally through ``__path__``; a process that
    already imported the real package keeps it."""
    import importlib.util
    import sys
    import types

    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return  # not a regular install: let the normal import say what is wrong
        module = types.ModuleType(name)
        module.__path__ = list(spec.submodule_search_locations)
        module.__spec__ = spec
        module.__file__ = spec.origin
        module.__package__ = name
        sys.modules[name] = module


def _do_import() -> None:
    _bare_packages("kubernetes", "kubernetes.aio")
    import kubernetes.aio.client.api_client
    import kubernetes.aio.client.configuration
    import kubernetes.aio.config.kube_config  # noqa: F401


def _select(paths: list[str], context: str | None) -> tuple[dict[str, Any], list[str]]:
    """The chosen context with its cluster and user, each tagged with the file it came from
    (relative certificate/token paths resolve against that file's directory), merged like
    kubectl: first definition wins, ``current-context`` from the first file that sets it."""
    found: dict[str, dict[str, tuple[dict[str, Any], str]]] = {
        "contexts": {},
        "clusters": {},
        "users": {},
    }
    current: str | None = None
    existing = []
    for path in paths:
        data = _read(path)
        if data is None:
            continue
        existing.append(path)
        for key, bucket in found.items():
            for item in _named(data, key, path):
                name = str(item.get("name", ""))
                bucket.setdefault(name, (item, os.path.abspath(os.path.expanduser(path))))
        if current is None and data.get("current-context"):
            current = str(data["current-context"])
    name = context or current
    if not name:
        raise ValueError("no context given and no current-context set")
    if name not in found["contexts"]:
        raise ValueError(f"context {name!r} not found")
    ctx_item, _ = found["contexts"][name]
    ctx = ctx_item.get("context") or {}
    picked: dict[str, Any] = {"current-context": name}
    for key, ref in (
        ("contexts", name),
        ("clusters", ctx.get("cluster")),
        ("users", ctx.get("user")),
    ):
        hit = found[key].get(str(ref)) if ref else None
        picked[key] = [hit] if hit else []
    if not picked["clusters"]:
        raise ValueError(f"cluster {ctx.get('cluster')!r} of context {name!r} not found")
    if "server" not in (picked["clusters"][0][0].get("cluster") or {}):
        raise ValueError(f"cluster {ctx.get('cluster')!r} has no server")
    return picked, existing


async def load_api_client(
    ref: ClusterRef,
    *,
    pool_size: int = 100,
    user_agent: str = "ccseone-tui",
    exec_timeout: float = 3.0,
    material_dir: Path | None = None,
) -> tuple[ApiClient, str | None]:
    """An ``ApiClient`` for ``ref`` and the context's default namespace.

    The files are parsed once (libyaml, in a worker thread, cached until they change); the
    official loader (``KubeConfigLoader``) then resolves the credentials of the chosen
    context: client certificates, tokens and token files, basic auth, exec plugins, OIDC.
    Raises :class:`KubeconfigError` (file, context, reason) if the context cannot be loaded.
    Nothing is ever written back to the kubeconfig.

    Exec plugins and inline key material are handled in ``credentials.py`` (the loader never
    sees them): the plugin is bounded by ``exec_timeout`` and killed after it
    (``ExecPluginFailed``), and no key is written to ``$TMPDIR`` (memfd; without it, a file
    in ``material_dir`` that lives only while OpenSSL reads it).
    """
    await import_kubernetes()
    from kubernetes.aio.client.configuration import Configuration
    from kubernetes.aio.config.kube_config import ConfigNode, KubeConfigLoader

    context_label = ref.context or "(current-context)"
    paths = [p for p in ref.kubeconfig.split(os.pathsep) if p]

    def fail(error: object) -> KubeconfigError:
        return KubeconfigError(path=ref.kubeconfig, context=context_label, error=str(error))

    try:
        picked, existing = await asyncio.to_thread(_select, paths, ref.context)
    except KubeconfigError:
        raise
    except (ValueError, TypeError, AttributeError, KeyError, OSError) as exc:
        raise fail(exc) from exc
    if not existing:
        raise fail("file not found")
    # Fresh copies tagged with their file: the loader may write refreshed tokens into them.
    config = {
        "current-context": picked["current-context"],
        **{
            key: [ConfigNode(f"{path}/{key}", copy.deepcopy(item), path) for item, path in items]
            for key, items in picked.items()
            if key != "current-context"
        },
    }
    cluster_node = config["clusters"][0]
    user_node = config["users"][0] if config["users"] else None
    try:
        inline = take_inline(
            cluster_node.value.get("cluster") or {},
            os.path.dirname(cluster_node.path),
            (user_node.value.get("user") or {}) if user_node is not None else None,
            os.path.dirname(user_node.path) if user_node is not None else "",
        )
    except (ValueError, TypeError, AttributeError, OSError) as exc:  # bad base64, no file
        raise fail(exc) from exc
    configuration = type.__call__(Configuration)
    try:
        loader = KubeConfigLoader(
            config_dict=ConfigNode("kube-config", config, existing[0]),
            active_context=picked["current-context"],
            config_base_path=None,
        )
        await loader.load_and_set(configuration)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # ConfigException, OS, key/type errors from a bad file
        raise fail(exc) from exc
    cert_pem, key_pem = inline.cert_pem, inline.key_pem
    if inline.exec_config is not None:
        cred = await run_exec_plugin(
            inline.exec_config, base_dir=inline.user_dir, timeout=exec_timeout, cluster=ref.name
        )
        if cred.token:
            configuration.api_key["BearerToken"] = f"Bearer {cred.token}"
            _install_exec_refresh(inline, cred, configuration, exec_timeout, ref.name)
        else:
            cert_pem, key_pem = cred.cert_pem, cred.key_pem
    https = str(configuration.host).startswith("https")
    if inline.ca_pem and https:
        configuration.ca_cert_data = inline.ca_pem  # OpenSSL reads it from memory
    configuration.connection_pool_maxsize = pool_size
    if https and (cert_pem or key_pem):
        if not (cert_pem and key_pem):
            raise fail("client certificate and client key must be given together")
        with material_paths(cert_pem, key_pem, material_dir) as (cert_path, key_path):
            configuration.cert_file, configuration.key_file = cert_path, key_path
            api = await _build_client(configuration, fail)
        # those paths are gone: the SSL context holds the key in memory now
        configuration.cert_file = configuration.key_file = None
    else:
        api = await _build_client(configuration, fail)
    api.user_agent = user_agent
    ctx = picked["contexts"][0][0].get("context") or {}
    return api, ctx.get("namespace") or None


async def _build_client(configuration: Any, fail: Any) -> ApiClient:
    # Building the client loads the TLS trust store (~25 ms of OpenSSL when the kubeconfig
    # names no CA) and the client certificate: off the event loop. Nothing in it is bound to
    # a loop.
    import ssl

    from ccseone_tui.kube.shared_tls import new_api_client

    def build() -> ApiClient:
        if not _environment_applies(str(configuration.host)):
            # kubernetes.aio's session has trust_env=True: aiohttp then looks for a netrc
            # entry and an environment proxy in a worker thread on *every* request (two
            # thread round trips each: 4,000 per refresh of 1,000 clusters). When neither
            # exists for this server, turning it off changes nothing but the cost.
            extra = getattr(configuration, "client_session_kwargs", None) or {}
            configuration.client_session_kwargs = {**extra, "trust_env": False}
        # the system trust store is shared between clients without TLS material of their
        # own (kube/shared_tls.py: 0.8 MB and 23 ms of OpenSSL each otherwise)
        return new_api_client(configuration)

    try:
        return await asyncio.to_thread(build)
    except (ssl.SSLError, OSError, ValueError) as exc:  # a bad PEM in the kubeconfig
        raise fail(f"TLS material cannot be used: {exc}") from exc


def _environment_applies(host: str) -> bool:
    """Whether aiohttp's ``trust_env`` would find anything for ``host``: a proxy from the
    environment (``HTTPS_PROXY`` … not bypassed by ``NO_PROXY``) or a netrc entry."""
    from aiohttp.helpers import basicauth_from_netrc, get_env_proxy_for_url, netrc_from_env
    from yarl import URL

    url = URL(host)
    try:
        get_env_proxy_for_url(url)
        return True
    except LookupError:
        pass
    netrc = netrc_from_env()
    if netrc is None or url.host is None:
        return False
    try:
        basicauth_from_netrc(netrc, url.host)
    except LookupError:
        return False
    return True


def _install_exec_refresh(
    inline: InlineMaterial, cred: ExecCredential, configuration: Any, timeout: float,
    cluster: str,
) -> None:
    """Re-run the exec plugin when its token is about to expire (only for plugins that
    report ``expirationTimestamp``; a check of one timestamp per request otherwise)."""
    if cred.expires is None or inline.exec_config is None:
        return
    state = {"cred": cred}
    lock = asyncio.Lock()

    async def refresh(cfg: Any) -> None:
        if not state["cred"].expired():
            return
        async with lock:
            if state["cred"].expired():
                state["cred"] = await run_exec_plugin(
                    inline.exec_config or {}, base_dir=inline.user_dir, timeout=timeout,
                    cluster=cluster)
                if state["cred"].token:
                    cfg.api_key["BearerToken"] = f"Bearer {state['cred'].token}"

    configuration.refresh_api_key_hook = refresh

"""``kubernetes.aio`` API clients that share the system trust store.

The library's ``RESTClientObject`` builds a context with ``ssl.create_default_context()``
for every client. With no CA of its own (plain HTTP, or a server certificate from a public
CA) that loads the whole system store: ~0.8 MB and ~23 ms of OpenSSL per client, 800 MB and
20 s for 1,000 clusters. Such clients get one shared context instead (one per verify mode:
nothing else in it differs between them). A client with a CA, a client certificate or the
strict-verification flag off of its own builds its own context, as before.

The library's own ``__init__`` code runs unchanged: a copy of the function whose ``ssl``
name answers ``create_default_context()`` with the shared context (and of ``ApiClient``'s,
whose ``rest`` name hands it that REST client), so nothing of it is re-typed here.
"""

from __future__ import annotations

import ssl
import threading
import types
from typing import Any

_shared: dict[bool, ssl.SSLContext] = {}
_lock = threading.Lock()


def shared_context(configuration: Any) -> ssl.SSLContext | None:
    """The shared context for ``configuration``, or ``None`` if it has TLS material of its
    own. Thread-safe: clients are built in worker threads."""
    if (configuration.ssl_ca_cert or configuration.ca_cert_data or configuration.cert_file
            or configuration.key_file or configuration.disable_strict_ssl_verification):
        return None
    verify = bool(configuration.verify_ssl)
    with _lock:
        context = _shared.get(verify)
        if context is None:
            context = ssl.create_default_context()
            if not verify:  # what RESTClientObject does for insecure-skip-tls-verify
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            _shared[verify] = context
    return context


class _SharedSSL:
    """The ``ssl`` module, except that a default context is the shared one."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context

    def create_default_context(self, *args: Any, cafile: Any = None, cadata: Any = None,
                               **kwargs: Any) -> ssl.SSLContext:
        if args or cafile or cadata or kwargs:  # material of its own: never shared
            return ssl.create_default_context(*args, cafile=cafile, cadata=cadata, **kwargs)
        return self._context

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)


def _with_globals(func: Any, **names: Any) -> Any:
    return types.FunctionType(func.__code__, {**func.__globals__, **names}, func.__name__,
                              func.__defaults__, func.__closure__)


def new_api_client(configuration: Any) -> Any:
    """``ApiClient(configuration)``, with the shared context when it applies."""
    from kubernetes.aio.client import rest
    from kubernetes.aio.client.api_client import ApiClient

    context = shared_context(configuration)
    if context is None:
        return ApiClient(configuration)
    rest_client = rest.RESTClientObject.__new__(rest.RESTClientObject)
    _with_globals(rest.RESTClientObject.__init__, ssl=_SharedSSL(context))(
        rest_client, configuration)
    api = ApiClient.__new__(ApiClient)
    _with_globals(ApiClient.__init__, rest=types.SimpleNamespace(
        RESTClientObject=lambda _configuration: rest_client))(api, configuration)
    return api

"""Transport failures and HTTP error answers -> the project's error types.

* no answer (refused, DNS, TLS, timeout, connection dropped) -> ``ClusterUnreachable``
* an HTTP error status -> ``api_error_for(status, Status body, cluster, retry_after)``, the
  status, reason and message kept verbatim from the server's ``Status``.
"""

from __future__ import annotations

import json
import ssl
from email.utils import parsedate_to_datetime
from typing import Any

from ccseone_tui.domain.errors import (
    ClusterUnreachable,
    KubeApiError,
    ResourceNotFound,
    api_error_for,
)


class KindNotFound(ResourceNotFound):
    """The cluster serves no resource type for this apiVersion and kind (CRD missing?)."""

    key = "kube.kind_not_found"
    fix_key = "kube.kind_not_found.fix"

    def __init__(self, api_version: str, kind: str, cluster: str) -> None:
        self.api_version = api_version
        self.kind = kind
        message = f'no resource type for kind "{kind}" in version "{api_version}"'
        super().__init__(status=404, reason="NotFound", message=message, cluster=cluster)
        self.params.update(api_version=api_version, kind=kind)


def is_transport_error(exc: BaseException) -> bool:
    """An exception that means "the server did not (fully) answer"."""
    import aiohttp

    return isinstance(exc, aiohttp.ClientError | OSError | ssl.SSLError | EOFError)


def unreachable(cluster: str, exc: BaseException, timeout: float | None) -> ClusterUnreachable:
    """Name the cause in plain words: refused, DNS, TLS, connect or read timeout, dropped."""
    import aiohttp

    text = str(exc).strip()
    # (the finer types are aiohttp >= 3.10/3.11; an empty tuple never matches)
    connect_timeout = getattr(aiohttp, "ConnectionTimeoutError", ())
    read_timeout = getattr(aiohttp, "SocketTimeoutError", ())
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", ())
    if isinstance(exc, connect_timeout):
        cause = f"connect timed out after {timeout:g}s" if timeout else "connect timed out"
    elif isinstance(exc, read_timeout):
        cause = f"no data for {timeout:g}s (read timeout)" if timeout else "read timed out"
    elif isinstance(exc, TimeoutError):
        cause = f"timed out after {timeout:g}s" if timeout else "timed out"
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cause = f"TLS certificate not trusted: {exc.certificate_error}"
    elif isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        cause = f"TLS error: {text or type(exc).__name__}"
    elif isinstance(exc, dns_error):
        cause = f"DNS lookup failed: {text}"
    elif isinstance(exc, aiohttp.ClientConnectorError):
        cause = f"connection failed: {exc.os_error.strerror or text}" if exc.os_error else text
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        cause = f"connection dropped: {text or type(exc).__name__}"
    else:
        cause = text or type(exc).__name__
    return ClusterUnreachable(cluster=cluster, cause=cause, timeout=timeout)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); ``None`` if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        import datetime as dt

        when = parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError, IndexError):
        return None


def status_body(data: bytes, http_reason: str | None, status: int) -> dict[str, Any]:
    """The ``Status`` object the server sent, or one built from a non-JSON answer."""
    try:
        body = json.loads(data) if data else None
    except ValueError:
        body = None
    if isinstance(body, dict) and (body.get("kind") == "Status" or "message" in body):
        return body
    text = data.decode("utf-8", errors="replace").strip()[:2000] if data else ""
    return {
        "kind": "Status",
        "status": "Failure",
        "reason": http_reason or "",
        "message": text or (http_reason or f"HTTP {status}"),
        "code": status,
    }


def http_error(
    status: int,
    http_reason: str | None,
    data: bytes,
    cluster: str,
    retry_after: float | None = None,
) -> KubeApiError:
    body = status_body(data, http_reason, status)
    if not body.get("reason") and http_reason:
        body = {**body, "reason": http_reason}
    return api_error_for(status, body, cluster, retry_after)


__all__ = [
    "KindNotFound",
    "http_error",
    "is_transport_error",
    "parse_retry_after",
    "status_body",
    "unreachable",
]

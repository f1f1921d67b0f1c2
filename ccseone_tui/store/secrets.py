"""Keep credentials out of the cache (DESIGN "The cache": never Secret data or tokens).

Two defences, both heuristic — the real rule is that callers never hand credentials over:
- ``refuse_credentials``: structured fields (labels, selectors, template sources, kubeconfig
  *paths*, API server URLs) that look like a token, key or password are refused with
  ``CredentialRefused``: storing them would be a bug upstream, so fail loudly.
- ``redact``: free text that comes from the outside world (probe errors, task messages,
  journal errors) can quote a header or a kubeconfig line; it is masked, not refused, because
  losing the error would be worse than losing the secret part of it.
Revision values/manifests are stored as given: they are the user's own rendered manifests
(which may legitimately contain a Secret object the user wrote); services decide what goes
into them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ccseone_tui.store.errors import CredentialRefused

MASK = "***"

# The patterns below are compiled on first use (compiling them all costs ~6 ms, which a
# command that stores nothing, like a cache-only ``clusters list``, need not pay).
_rx = cache(re.compile)

# A JSON Web Token (service-account and OIDC tokens): three base64url parts, header "eyJ".
_JWT = r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
# PEM private keys, and the base64 fields of a kubeconfig that carry keys/certs inline.
_PEM_KEY = (
    r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)"
)
_BEARER = r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"
# https://user:password@host
_URL_USERINFO = r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]+:[^/\s@]+@"
# token: xyz, password=xyz, client-key-data: xyz …
_KEY_VALUE = (
    r"(?i)\b(token|id-token|refresh-token|password|passwd|secret|client-key-data|"
    r"client-certificate-data|api[_-]?key)(\"?\s*[:=]\s*\"?)[^\s\"',;}]+"
)
# keys of a structured dict (template source) that must never carry a value
_SECRET_KEY = (
    r"(?i)^(token|id[_-]?token|password|passwd|secret|private[_-]?key|client[_-]?key(-data)?|"
    r"client[_-]?certificate[_-]?data|api[_-]?key|bearer|credentials?)$"
)


def looks_like_credential(text: str) -> bool:
    return bool(
        _rx(_JWT).search(text)
        or _rx(_PEM_KEY).search(text)
        or _rx(_BEARER).search(text)
        or _rx(_URL_USERINFO).search(text)
        or _rx(_KEY_VALUE).search(text)
    )


def redact(text: str) -> str:
    """Mask what looks like a credential in free text; everything else stays verbatim."""
    if not text:
        return text
    text = _rx(_PEM_KEY).sub(MASK, text)
    text = _rx(_JWT).sub(MASK, text)
    text = _rx(_BEARER).sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _rx(_URL_USERINFO).sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return _rx(_KEY_VALUE).sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def redact_opt(text: str | None) -> str | None:
    return None if text is None else redact(text)


def refuse_credentials(kind: str, field: str, value: Any) -> None:
    """Raise ``CredentialRefused`` if ``value`` (str, or nested dict/list) looks secret."""
    if value is None:
        return
    if isinstance(value, str):
        # a kubeconfig path or context never spans lines; inline kubeconfig content does
        if looks_like_credential(value) or (field in _PATH_FIELDS and "\n" in value):
            raise CredentialRefused(kind, field)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if _rx(_SECRET_KEY).match(str(k)) and v not in (None, "", False):
                raise CredentialRefused(kind, f"{field}.{k}")
            refuse_credentials(kind, f"{field}.{k}", v)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            refuse_credentials(kind, f"{field}[{i}]", v)


_PATH_FIELDS = frozenset({"kubeconfig", "context", "hub_kubeconfig", "hub_context"})

"""Bound service-account tokens: the TokenRequest subresource and their authentication.

``POST /api/v1/namespaces/{ns}/serviceaccounts/{sa}/token`` (what ``kubectl create token``
sends) answers a ``TokenRequest`` whose ``status.token`` is a JWT-shaped token bound to the
service account's uid, like the real API server's. The sandbox accepts such a token as
bearer auth until it expires, and stops accepting it as soon as the service account is gone
(deleted, or re-created with a new uid) — which is how a real cluster revokes it.

The signature is an HMAC with a per-cluster random key (the real server signs RS256 with
its service-account key; clients never verify either). ``advance(seconds)`` moves this
authority's clock so tests can expire tokens without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from ccseone_tui.sandbox.clock import new_uid
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.sandbox.status import ApiError, bad_request, not_found
from ccseone_tui.sandbox.store import ClusterState

SERVICEACCOUNTS = CORE["serviceaccounts"]
API_VERSION = "authentication.k8s.io/v1"
ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_EXPIRATION = 3600
MIN_EXPIRATION = 600  # the API server refuses shorter tokens ("less than 10 minutes")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TokenAuthority:
    """Issues and verifies one cluster's service-account tokens."""

    def __init__(self, state: ClusterState) -> None:
        self._state = state
        self._key = secrets.token_bytes(32)
        self._kid = _b64(hashlib.sha256(self._key).digest()[:12])
        self.offset = 0.0  # seconds added to the wall clock (tests expire tokens with it)

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    # ---- TokenRequest ----------------------------------------------------------------
    def request(self, namespace: str, name: str, body: Any, dry_run: bool = False
                ) -> dict[str, Any]:
        """The answer to a TokenRequest create (the caller responds 201)."""
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        if body.get("kind") not in (None, "TokenRequest") or body.get("apiVersion") not in (
                None, API_VERSION):
            raise bad_request(f"expected {API_VERSION} TokenRequest, got "
                              f"{body.get('apiVersion')} {body.get('kind')}")
        spec = body.get("spec") or {}
        seconds = spec.get("expirationSeconds", DEFAULT_EXPIRATION)
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise bad_request("spec.expirationSeconds must be an integer")
        if seconds < MIN_EXPIRATION:
            raise ApiError(422, "Invalid", f'TokenRequest.authentication.k8s.io "{name}" is '
                           f"invalid: spec.expirationSeconds: Invalid value: {seconds}: may "
                           "not specify a duration less than 10 minutes",
                           {"name": name, "group": "authentication.k8s.io",
                            "kind": "TokenRequest"})
        sa = self._state.get(SERVICEACCOUNTS.key, namespace, name)
        if sa is None:
            raise not_found(SERVICEACCOUNTS.plural, "", name)
        audiences = list(spec.get("audiences") or [ISSUER])
        issued = int(self.now())
        expires = issued + seconds
        token = "" if dry_run else self._sign({
            "aud": audiences, "exp": expires, "iat": issued, "nbf": issued, "iss": ISSUER,
            "jti": new_uid(),
            "kubernetes.io": {"namespace": namespace,
                              "serviceaccount": {"name": name, "uid": sa["metadata"]["uid"]}},
            "sub": f"system:serviceaccount:{namespace}:{name}",
        })
        return {
            "kind": "TokenRequest",
            "apiVersion": API_VERSION,
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": None},
            "spec": {"audiences": audiences, "expirationSeconds": seconds,
                     "boundObjectRef": spec.get("boundObjectRef")},
            "status": {"token": token, "expirationTimestamp": _rfc3339(expires)},
        }

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "kid": self._kid},
                                 separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        mac = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(mac)}"

    # ---- authentication --------------------------------------------------------------
    def verify(self, token: str) -> str | None:
        """The token's subject if it is ours, unexpired and its service account (same uid)
        still exists; ``None`` otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        header, payload, mac = parts
        want = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(mac), want):
                return None
            claims = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(claims, dict) or self.now() >= float(claims.get("exp", 0)):
            return None
        bound = claims.get("kubernetes.io") or {}
        sa_ref = bound.get("serviceaccount") or {}
        sa = self._state.get(SERVICEACCOUNTS.key, str(bound.get("namespace", "")),
                             str(sa_ref.get("name", "")))
        if sa is None or sa["metadata"].get("uid") != sa_ref.get("uid") or sa["metadata"].get(
                "deletionTimestamp"):
            return None
        return str(claims.get("sub", ""))

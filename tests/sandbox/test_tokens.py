"""The TokenRequest subresource and service-account tokens as bearer auth (what
``kubectl create token`` and the local-engine registration rely on)."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw

NS = "/api/v1/namespaces"
TOKEN_PATH = f"{NS}/agents/serviceaccounts/bot/token"


def token_request(seconds: int | None = 3600) -> dict[str, Any]:
    spec: dict[str, Any] = {} if seconds is None else {"expirationSeconds": seconds}
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec}


async def as_bearer(url: str, token: str, path: str = f"{NS}/agents") -> int:
    async with aiohttp.ClientSession() as http, http.get(
            url + path, headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status


async def make_account(raw: Raw) -> None:
    status, _, _ = await raw.call("POST", NS, {"metadata": {"name": "agents"}})
    assert status == 201
    status, _, _ = await raw.call("POST", f"{NS}/agents/serviceaccounts",
                                  {"metadata": {"name": "bot"}})
    assert status == 201


async def mint(raw: Raw, seconds: int | None = 3600) -> dict[str, Any]:
    status, body, _ = await raw.call("POST", TOKEN_PATH, token_request(seconds))
    assert status == 201, body
    return body


async def test_token_request_validates_like_the_api_server(raw: Raw) -> None:
    status, body, _ = await raw.call("POST", TOKEN_PATH, token_request())
    assert (status, body["reason"]) == (404, "NotFound")  # no namespace/account yet
    await make_account(raw)
    status, body, _ = await raw.call("POST", TOKEN_PATH, token_request(599))
    assert status == 422
    assert "may not specify a duration less than 10 minutes" in body["message"]
    status, body, _ = await raw.call("GET", TOKEN_PATH)
    assert status == 405

    answer = await mint(raw, None)
    assert answer["kind"] == "TokenRequest" and answer["apiVersion"] == "authentication.k8s.io/v1"
    assert answer["spec"]["expirationSeconds"] == 3600  # the default
    assert answer["status"]["expirationTimestamp"].endswith("Z")
    claims = json.loads(base64.urlsafe_b64decode(answer["status"]["token"].split(".")[1] + "=="))
    assert claims["sub"] == "system:serviceaccount:agents:bot"
    assert claims["exp"] - claims["iat"] == 3600


async def test_discovery_lists_the_token_subresource(raw: Raw) -> None:
    doc = await raw.get("/api/v1")
    entry = next(r for r in doc["resources"] if r["name"] == "serviceaccounts/token")
    assert entry["kind"] == "TokenRequest" and entry["group"] == "authentication.k8s.io"
    assert entry["verbs"] == ["create"]


async def test_token_authenticates_until_it_expires(raw: Raw, fleet: SandboxFleet) -> None:
    cluster = fleet.clusters[0]
    await make_account(raw)
    token = (await mint(raw, 600))["status"]["token"]
    assert await as_bearer(cluster.url, token) == 200
    assert await as_bearer(fleet.clusters[1].url, token) == 401  # another cluster's key
    assert await as_bearer(cluster.url, token[:-2] + "xx") == 401  # tampered signature
    cluster.tokens.advance(601)
    assert await as_bearer(cluster.url, token) == 401
    assert await as_bearer(cluster.url, token, "/version") == 401  # bad credentials: 401
    assert await as_bearer(cluster.url, (await mint(raw))["status"]["token"]) == 200


async def test_deleting_the_service_account_revokes_its_tokens(raw: Raw,
                                                               fleet: SandboxFleet) -> None:
    cluster = fleet.clusters[0]
    await make_account(raw)
    token = (await mint(raw))["status"]["token"]
    assert await as_bearer(cluster.url, token) == 200
    status, _, _ = await raw.call("DELETE", f"{NS}/agents/serviceaccounts/bot")
    assert status == 200
    assert await as_bearer(cluster.url, token) == 401
    # a new account with the same name has a new uid: the old token stays revoked
    await raw.call("POST", f"{NS}/agents/serviceaccounts", {"metadata": {"name": "bot"}})
    assert await as_bearer(cluster.url, token) == 401

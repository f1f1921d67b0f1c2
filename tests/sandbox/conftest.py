"""Fixtures for the sandbox tests: a small fleet and the official asyncio client on it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from kubernetes.aio import client, config

from ccseone_tui.sandbox import SandboxFleet


class Raw:
    """Raw JSON calls through the official client's low-level API (what the app's kube
    package does), so tests see the exact bodies and status codes."""

    def __init__(self, api: client.ApiClient) -> None:
        self.api = api

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str | None = None,
        accept: str = "application/json",
        query: list[tuple[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> tuple[int, Any, Any]:
        h = {"Accept": accept, **(headers or {})}
        if content_type:
            h["Content-Type"] = content_type
        m, url, hh, b, pp = await self.api.param_serialize(
            method, path, query_params=query, header_params=h, body=body,
            auth_settings=["BearerToken"] if auth else [],
        )
        r = await self.api.call_api(m, url, hh, b, pp, _request_timeout=10)
        raw = await r.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode()
        return r.status, data, r.headers

    async def get(self, path: str, **kw: Any) -> Any:
        status, data, _ = await self.call("GET", path, **kw)
        assert status == 200, (status, data)
        return data

    async def stream(self, path: str, query: list[tuple[str, Any]]) -> Any:
        """An open streaming response (watch or log follow), for reading line by line."""
        m, url, hh, b, pp = await self.api.param_serialize(
            "GET", path, query_params=query, header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        r = await self.api.call_api(m, url, hh, b, pp, _request_timeout=10,
                                    _preload_content=False)
        return r.response


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=3, log_rate=200.0, bookmark_interval=0.2) as f:
        await f.settle()
        yield f


@pytest.fixture
async def api_client(fleet: SandboxFleet) -> AsyncIterator[client.ApiClient]:
    api = await config.new_client_from_config(
        config_file=str(fleet.kubeconfig_path), context="sandbox-1"
    )
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture
def raw(api_client: client.ApiClient) -> Raw:
    return Raw(api_client)


def deployment(name: str, replicas: int = 2, image: str = "nginx:1.27") -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "web", "image": image}]}},
        },
    }

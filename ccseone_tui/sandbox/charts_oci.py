"""The sandbox charts as an OCI registry (the read side of the distribution API that Helm's
``oci://`` pull uses): ``/v2/``, tags, manifests and blobs of ``charts/<name>``. Enough for
``helm pull oci://127.0.0.1:<port>/charts/webapp --version 1.0.0 --plain-http``."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from ccseone_tui.sandbox.charts import PackedChart, SandboxChartRepo

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.cncf.helm.config.v1+json"
LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _artifact(chart: PackedChart) -> tuple[bytes, dict[str, bytes]]:
    """The manifest bytes and the blobs (config, chart layer) by digest."""
    config = json.dumps(chart.metadata, sort_keys=True).encode()
    manifest = {
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": _digest(config), "size": len(config)},
        "layers": [{"mediaType": LAYER, "digest": _digest(chart.archive),
                    "size": len(chart.archive)}],
        "annotations": {"org.opencontainers.image.title": chart.name,
                        "org.opencontainers.image.version": chart.version},
    }
    body = json.dumps(manifest, sort_keys=True).encode()
    return body, {_digest(config): config, _digest(chart.archive): chart.archive}


def add_oci_routes(app: web.Application, repo: SandboxChartRepo) -> None:
    def versions(name: str) -> dict[str, PackedChart]:
        found = {c.version.replace("+", "_"): c for c in repo.charts if c.name == name}
        if not found:
            raise web.HTTPNotFound(text=json.dumps({"errors": [{
                "code": "NAME_UNKNOWN", "message": f"repository charts/{name} not known"}]}),
                content_type="application/json")
        return found

    async def base(request: web.Request) -> web.Response:
        return web.json_response({})

    async def tags(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        return web.json_response({"name": f"charts/{name}", "tags": sorted(versions(name))})

    async def manifest(request: web.Request) -> web.Response:
        name, ref = request.match_info["name"], request.match_info["ref"]
        for tag, chart in versions(name).items():
            body, _ = _artifact(chart)
            if ref in (tag, _digest(body)):
                return web.Response(body=body, headers={
                    "Content-Type": MANIFEST, "Docker-Content-Digest": _digest(body)})
        raise web.HTTPNotFound(text=json.dumps({"errors": [{
            "code": "MANIFEST_UNKNOWN", "message": f"charts/{name}:{ref} not known"}]}),
            content_type="application/json")

    async def blob(request: web.Request) -> web.Response:
        name, digest = request.match_info["name"], request.match_info["digest"]
        for chart in versions(name).values():
            _, blobs = _artifact(chart)
            if digest in blobs:
                return web.Response(body=blobs[digest], headers={
                    "Content-Type": "application/octet-stream", "Docker-Content-Digest": digest})
        raise web.HTTPNotFound(text=json.dumps({"errors": [{
            "code": "BLOB_UNKNOWN", "message": digest}]}), content_type="application/json")

    routes: list[tuple[str, Any]] = [
        ("/v2/", base),
        ("/v2/charts/{name}/tags/list", tags),
        ("/v2/charts/{name}/manifests/{ref}", manifest),
        ("/v2/charts/{name}/blobs/{digest}", blob),
    ]
    for path, handler in routes:
        app.router.add_get(path, handler)

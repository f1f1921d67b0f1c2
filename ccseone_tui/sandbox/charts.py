"""A Helm chart repository on loopback for ``ccseone demo``, ``sandbox up`` and the tests.

The charts are package data (``chart_data/<name>-<version>/``), packed into ``.tgz`` at start
with ``tarfile`` (packing is not rendering, so no Helm here) deterministically — same bytes,
same digest every run. ``GET <url>/index.yaml`` lists them with digests and relative URLs,
``GET <url>/<name>-<version>.tgz`` serves an archive; optional basic auth for the tests. The
same archives are also served as an OCI registry (``charts_oci.py``) at ``oci_url``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import logging
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

log = logging.getLogger(__name__)

CHART_DATA = Path(__file__).with_name("chart_data")
_CREATED = "2026-01-01T00:00:00Z"  # fixed, so index.yaml is the same every run


@dataclass(frozen=True)
class PackedChart:
    name: str
    version: str
    app_version: str
    description: str
    archive: bytes

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tgz"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()

    @property
    def metadata(self) -> dict[str, Any]:
        return {"apiVersion": "v2", "name": self.name, "version": self.version,
                "appVersion": self.app_version, "description": self.description,
                "type": "application"}


def pack_chart(directory: Path) -> PackedChart:
    """``<dir>/Chart.yaml`` … → a ``.tgz`` whose top directory is the chart name."""
    meta = yaml.safe_load((directory / "Chart.yaml").read_text())
    name = str(meta["name"])
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            data = path.read_bytes()
            info = tarfile.TarInfo(f"{name}/{path.relative_to(directory).as_posix()}")
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    archive = gzip.compress(raw.getvalue(), mtime=0)
    return PackedChart(name, str(meta["version"]), str(meta.get("appVersion", "")),
                       str(meta.get("description", "")), archive)


def sandbox_charts(root: Path = CHART_DATA) -> list[PackedChart]:
    return [pack_chart(d) for d in sorted(root.iterdir()) if (d / "Chart.yaml").is_file()]


def index_document(charts: list[PackedChart]) -> dict[str, Any]:
    entries: dict[str, list[dict[str, Any]]] = {}
    for c in charts:
        entries.setdefault(c.name, []).append({
            **c.metadata, "digest": c.digest, "urls": [c.filename], "created": _CREATED})
    for versions in entries.values():  # newest first, as `helm repo index` writes them
        versions.reverse()
    return {"apiVersion": "v1", "entries": entries, "generated": _CREATED}


class SandboxChartRepo:
    """``index.yaml`` + archives at ``url`` (``http://127.0.0.1:<port>/charts``), and the
    same charts as an OCI registry at ``oci_url``. ``auth=(user, password)`` turns on basic
    auth for every path."""

    def __init__(self, *, auth: tuple[str, str] | None = None,
                 charts: list[PackedChart] | None = None) -> None:
        self.charts = charts if charts is not None else sandbox_charts()
        self.auth = auth
        self.port = 0
        self.requests: list[str] = []  # paths asked for, so tests can prove a cache hit
        self.tampered: set[str] = set()  # archive file names served altered (digest tests)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/charts"

    @property
    def oci_url(self) -> str:
        """``oci://127.0.0.1:<port>/charts`` (plain HTTP): append ``/<chart name>``."""
        return f"oci://127.0.0.1:{self.port}/charts"

    def _authorized(self, request: web.Request) -> bool:
        if self.auth is None:
            return True
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return (user, password) == self.auth

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(request.path)
        if not self._authorized(request):
            return web.Response(status=401, text="unauthorized",
                                headers={"WWW-Authenticate": 'Basic realm="charts"'})
        return await handler(request)

    async def _index(self, request: web.Request) -> web.Response:
        text = yaml.safe_dump(index_document(self.charts), sort_keys=False)
        return web.Response(text=text, content_type="application/x-yaml")

    async def _archive(self, request: web.Request) -> web.Response:
        for c in self.charts:
            if c.filename == request.match_info["file"]:
                body = c.archive + b"\0" if c.filename in self.tampered else c.archive
                return web.Response(body=body, content_type="application/gzip")
        raise web.HTTPNotFound(text=f"no chart archive {request.match_info['file']}")

    def add_chart(self, directory: Path) -> PackedChart:
        """Publish one more chart version (tests: a version that appears later)."""
        packed = pack_chart(directory)
        self.charts.append(packed)
        return packed

    async def start(self) -> None:
        from ccseone_tui.sandbox.charts_oci import add_oci_routes

        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/charts/index.yaml", self._index)
        app.router.add_get("/charts/{file}", self._archive)
        add_oci_routes(app, self)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxChartRepo:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

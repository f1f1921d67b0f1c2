"""Pod logs: ``GET /api/v1/namespaces/<ns>/pods/<pod>/log``, read line by line as it arrives.

Lines come without their trailing newline, decoded as UTF-8 (undecodable bytes replaced).
With ``follow=True`` the stream stays open until the container stops, the server closes it
or the iterator is closed/cancelled (which closes the HTTP response); there is no client read
timeout while following, since a quiet container is not a dead server. The iterator does not
reconnect by itself: after a drop it raises ``ClusterUnreachable`` and the caller decides
(with ``since_time`` of the last timestamp to resume without duplicates).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ccseone_tui.kube.errors import is_transport_error, unreachable
from ccseone_tui.kube.streams import LineReader

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient


def log_query(
    *,
    container: str | None = None,
    follow: bool = False,
    tail_lines: int | None = None,
    since_seconds: int | None = None,
    since_time: str | None = None,
    timestamps: bool = False,
    previous: bool = False,
    limit_bytes: int | None = None,
) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = []
    if container:
        query.append(("container", container))
    if follow:
        query.append(("follow", "true"))
    if tail_lines is not None:
        query.append(("tailLines", int(tail_lines)))
    if since_seconds is not None:
        query.append(("sinceSeconds", int(since_seconds)))
    if since_time:
        query.append(("sinceTime", since_time))
    if timestamps:
        query.append(("timestamps", "true"))
    if previous:
        query.append(("previous", "true"))
    if limit_bytes is not None:
        query.append(("limitBytes", int(limit_bytes)))
    return query


async def pod_logs(
    client: ClusterClient,
    namespace: str,
    pod: str,
    **options: Any,
) -> AsyncIterator[str]:
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"
    follow = bool(options.get("follow"))
    sock_read = None if follow else client.settings.read_timeout
    resp = await client.open_stream(path, log_query(**options), sock_read=sock_read, accept="*/*")
    try:
        reader = LineReader(resp.response.content)
        while True:
            try:
                line = await reader.readline()
            except Exception as exc:
                if is_transport_error(exc):
                    raise unreachable(client.name, exc, sock_read) from exc
                raise
            if line is None:
                return
            if line.endswith(b"\r"):
                line = line[:-1]
            yield line.decode("utf-8", errors="replace")
    finally:
        resp.response.close()

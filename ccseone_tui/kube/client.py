"""One member cluster: version, discovery, objects (CRUD, server-side apply), watch, logs.

Everything is raw JSON over :class:`~ccseone_tui.kube.transport.Transport`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ResourceNotFound, ValidationError
from ccseone_tui.kube.builtin import builtin
from ccseone_tui.kube.discovery import CACHE_SUBDIR, Discovery, DiskCache
from ccseone_tui.kube.errors import KindNotFound
from ccseone_tui.kube.transport import TABLE_ACCEPT, Transport
from ccseone_tui.kube.values import ClusterRef, ResourceInfo

if TYPE_CHECKING:
    import asyncio

    from ccseone_tui.kube.watch import WatchStream

T = TypeVar("T")


class ClusterClient(Transport):
    """The adapter for one member cluster. Build it with :meth:`connect` or ``KubePool``."""

    def __init__(
        self,
        name: str,
        api: Any,
        settings: Settings | None = None,
        *,
        global_limit: asyncio.Semaphore | None = None,
        default_namespace: str | None = None,
    ) -> None:
        """``api``: a ``kubernetes.aio`` ``ApiClient``; ``global_limit``: the pool's
        process-wide semaphore; ``default_namespace``: the kubeconfig context's namespace."""
        super().__init__(
            name, api, settings, global_limit=global_limit, default_namespace=default_namespace
        )
        self._discovery = Discovery(
            self, DiskCache(self.settings.resolved_data_dir / CACHE_SUBDIR)
        )

    @classmethod
    async def connect(
        cls,
        ref: ClusterRef,
        settings: Settings | None = None,
        *,
        global_limit: asyncio.Semaphore | None = None,
    ) -> ClusterClient:
        """Load ``ref``'s kubeconfig context (``KubeconfigError`` if it cannot be loaded)."""
        from ccseone_tui import __version__
        from ccseone_tui.kube.credentials import MATERIAL_SUBDIR
        from ccseone_tui.kube.kubeconfig import load_api_client

        settings = settings or Settings()
        pool_size = max(100, settings.per_cluster_concurrency + 2 * settings.log_max_streams + 16)
        api, namespace = await load_api_client(
            ref,
            pool_size=pool_size,
            user_agent=f"ccseone-tui/{__version__}",
            # an exec plugin is part of connecting: the same bound as the TCP connect
            exec_timeout=settings.connect_timeout,
            material_dir=settings.resolved_data_dir / MATERIAL_SUBDIR,
        )
        return cls(ref.name, api, settings, global_limit=global_limit, default_namespace=namespace)

    def __repr__(self) -> str:
        return f"ClusterClient({self.name!r}, {self.server!r})"

    # ---- discovery ------------------------------------------------------------------------

    async def version(self, *, timeout: float | None = None) -> dict[str, Any]:  # noqa: ASYNC109
        """``GET /version``: ``gitVersion``, ``major``, ``minor``, ``platform`` …"""
        answer = await self.request("GET", "/version", timeout=timeout)
        self._discovery.seen_version(answer.get("gitVersion"))
        return answer

    async def discover(self, refresh: bool = False) -> list[ResourceInfo]:
        """Every resource type served (no subresources), cached on this client."""
        return await self._discovery.resources(refresh=refresh)

    async def resource_for(self, api_version: str, kind: str) -> ResourceInfo:
        """The resource type for ``apiVersion``/``kind``; rediscovers once on a miss (a CRD
        created since); ``KindNotFound`` (a ``ResourceNotFound``) if still unknown."""
        return await self._discovery.resource_for(api_version, kind)

    async def resolve(self, api_version: str, kind: str) -> ResourceInfo:
        """Where to address ``apiVersion``/``kind``: discovery's answer when it is loaded,
        else the built-in table (no request at all: a fleet-wide list of pods is one request
        per cluster), else discovery (memory, disk, then the server)."""
        info = self._discovery.known(api_version, kind) or builtin(api_version, kind)
        if info is not None:
            return info
        return await self._discovery.resource_for(api_version, kind)

    async def _on_type(
        self, api_version: str, kind: str, call: Callable[[ResourceInfo], Awaitable[T]]
    ) -> T:
        """``call(info)``; when the server answers 404 for the type's path itself (the table
        or a cached discovery is wrong for this server: a CRD deleted, an old server), drop
        discovery, ask the server once and retry on the path it gives — or raise
        ``KindNotFound`` when it serves no such kind."""
        info = await self.resolve(api_version, kind)
        try:
            return await call(info)
        except ResourceNotFound as exc:
            if isinstance(exc, KindNotFound) or not _type_missing(exc):
                raise
            missing = exc
        self._discovery.forget()
        fresh = await self._discovery.resource_for(api_version, kind)
        if fresh.path() == info.path() and fresh.namespaced == info.namespaced:
            raise missing  # served, by discovery's word, yet 404: that is the answer
        return await call(fresh)

    # ---- objects --------------------------------------------------------------------------

    def _namespace(self, info: ResourceInfo, namespace: str | None) -> str | None:
        return (namespace or self.default_namespace) if info.namespaced else None

    async def list(
        self,
        api_version: str,
        kind: str,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The raw ``List`` JSON. ``namespace=None`` on a namespaced kind lists all
        namespaces. With ``limit``, pages of that size are fetched following ``continue``
        and their items concatenated. Items get ``apiVersion``/``kind`` filled in (the
        server leaves them out of lists)."""

        async def call(info: ResourceInfo) -> dict[str, Any]:
            result = await self.list_path(
                info.path(namespace),
                label_selector=label_selector,
                field_selector=field_selector,
                limit=limit,
                timeout=timeout,
            )
            for item in result.get("items") or ():
                item.setdefault("apiVersion", info.api_version)
                item.setdefault("kind", info.kind)
            return result

        return await self._on_type(api_version, kind, call)

    async def list_path(
        self,
        path: str,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        query: list[tuple[str, Any]] = []
        if label_selector:
            query.append(("labelSelector", label_selector))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        if limit:
            query.append(("limit", int(limit)))
        first = await self.request("GET", path, query=query, timeout=timeout)
        meta = first.setdefault("metadata", {})
        items = first.get("items") or []
        token = meta.get("continue")
        while limit and token:
            page = await self.request(
                "GET", path, query=[*query, ("continue", token)], timeout=timeout
            )
            items.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
        first["items"] = items
        meta.pop("continue", None)
        meta.pop("remainingItemCount", None)
        return first

    async def table(
        self,
        info: ResourceInfo,
        *,
        namespace: str | None = None,
        name: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """kubectl's ``get``: the server-side ``Table`` of ``info`` (its ``columnDefinitions``
        and ``rows``, each row's ``object`` the metadata only), every page of ``limit``
        rows followed through ``continue`` and concatenated. ``namespace=None`` on a
        namespaced kind: all namespaces. ``name`` with a namespace (or a cluster-scoped
        kind) gets that one object; without one, every namespace's object of that name
        (a ``metadata.name`` field selector). A server that answers a plain ``List``
        instead (an aggregated API without Table support) gets NAME and AGE columns, as
        kubectl prints it. ``ResourceNotFound`` as the server says it: a missing object
        names it in ``details``, a path the server does not serve does not."""
        from ccseone_tui.kube.tables import as_table, table_query

        if name is not None and (namespace or not info.namespaced):
            path = info.path(namespace if info.namespaced else None, name)
            body = await self.request("GET", path, query=table_query(), accept=TABLE_ACCEPT,
                                      timeout=timeout)
            return as_table(body, info)
        if name is not None:
            selector = f"metadata.name={name}"
            field_selector = f"{field_selector},{selector}" if field_selector else selector
        path = info.path(namespace)
        query = table_query(label_selector, field_selector, limit)
        first = as_table(
            await self.request("GET", path, query=query, accept=TABLE_ACCEPT, timeout=timeout),
            info)
        meta = first.setdefault("metadata", {})
        rows = first.setdefault("rows", [])
        token = meta.get("continue")
        while limit and token:
            page = as_table(await self.request(
                "GET", path, query=[*query, ("continue", token)], accept=TABLE_ACCEPT,
                timeout=timeout), info)
            rows.extend(page.get("rows") or ())
            token = (page.get("metadata") or {}).get("continue")
        meta.pop("continue", None)
        meta.pop("remainingItemCount", None)
        return first

    async def get(
        self, api_version: str, kind: str, name: str, *, namespace: str | None = None
    ) -> dict[str, Any]:
        return await self._on_type(api_version, kind, lambda info: self.request(
            "GET", info.path(self._namespace(info, namespace), name)))

    async def _on_object(
        self,
        obj: dict[str, Any],
        call: Callable[[ResourceInfo, str | None, str], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any]:
        """``call(info, namespace, name)`` for the object's type (see ``_on_type``)."""
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not api_version or not kind:
            raise ValidationError("apiVersion/kind", f"{api_version}/{kind}", "required")
        meta = obj.get("metadata") or {}
        return await self._on_type(str(api_version), str(kind), lambda info: call(
            info, self._namespace(info, meta.get("namespace")), meta.get("name") or ""))

    async def create(
        self, obj: dict[str, Any], *, dry_run: bool = False, field_manager: str = "ccseone"
    ) -> dict[str, Any]:
        """``POST`` to the collection (namespace from the object, else the context's)."""
        query = _write_query(field_manager, dry_run)
        return await self._on_object(obj, lambda info, namespace, _: self.request(
            "POST", info.path(namespace), query=query, body=obj))

    async def apply(
        self,
        obj: dict[str, Any],
        *,
        force: bool = False,
        dry_run: bool = False,
        field_manager: str = "ccseone",
    ) -> dict[str, Any]:
        """Server-side apply: ``PATCH`` with ``application/apply-patch+yaml`` (a JSON body,
        JSON being YAML), ``fieldManager``, ``force`` and ``dryRun=All``. Conflicts with
        another manager raise ``Conflict`` (409) whose message names the manager."""
        if not (obj.get("metadata") or {}).get("name"):
            raise ValidationError("metadata.name", None, "required")
        query = _write_query(field_manager, dry_run)
        if force:
            query.append(("force", "true"))
        return await self._on_object(obj, lambda info, namespace, name: self.request(
            "PATCH",
            info.path(namespace, name),
            query=query,
            body=obj,
            content_type="application/apply-patch+yaml",
        ))

    async def merge_patch(
        self,
        api_version: str,
        kind: str,
        name: str,
        patch: dict[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        field_manager: str = "ccseone",
    ) -> dict[str, Any]:
        """JSON merge patch (RFC 7386): ``null`` deletes a key."""
        return await self._on_type(api_version, kind, lambda info: self.request(
            "PATCH",
            info.path(self._namespace(info, namespace), name),
            query=_write_query(field_manager, dry_run),
            body=patch,
            content_type="application/merge-patch+json",
        ))

    async def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        *,
        namespace: str | None = None,
        propagation: str = "Background",
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """``DELETE`` with ``DeleteOptions.propagationPolicy`` (Background, Foreground,
        Orphan). Returns what the server answers: the object (still terminating, e.g. with
        finalizers) or a ``Status``."""
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "DeleteOptions",
            "propagationPolicy": propagation,
        }
        if dry_run:
            body["dryRun"] = ["All"]
        return await self._on_type(api_version, kind, lambda info: self.request(
            "DELETE",
            info.path(self._namespace(info, namespace), name),
            query=[("dryRun", "All")] if dry_run else None,
            body=body,
        ))

    # ---- streams --------------------------------------------------------------------------

    def watch(
        self,
        api_version: str,
        kind: str,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        bookmarks: bool = True,
        on_retry: Callable[[BaseException], None] | None = None,
        on_connect: Callable[[], None] | None = None,
    ) -> WatchStream:
        """An async iterator of :class:`WatchEvent`; see :mod:`ccseone_tui.kube.watch`.
        ``on_retry(cause)`` runs before each reconnect of a connected stream, ``on_connect``
        after each (re)connection."""
        from ccseone_tui.kube.watch import WatchStream

        return WatchStream(
            self,
            api_version,
            kind,
            namespace=namespace,
            resource_version=resource_version,
            label_selector=label_selector,
            field_selector=field_selector,
            bookmarks=bookmarks,
            on_retry=on_retry,
            on_connect=on_connect,
        )

    def watch_table(
        self,
        info: ResourceInfo,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        on_retry: Callable[[BaseException], None] | None = None,
        on_connect: Callable[[], None] | None = None,
        idle_timeout: float | None = None,
    ) -> WatchStream:
        """:meth:`watch` in kubectl's rendering: ``RELIST`` carries the whole ``Table``
        (paged), ``ADDED``/``MODIFIED``/``DELETED`` a one-row ``Table``; ``info`` is used
        as given (no discovery). ``idle_timeout``: see ``WatchStream``."""
        from ccseone_tui.kube.watch import WatchStream

        return WatchStream(
            self,
            info.api_version,
            info.kind,
            namespace=namespace,
            resource_version=resource_version,
            label_selector=label_selector,
            field_selector=field_selector,
            on_retry=on_retry,
            on_connect=on_connect,
            info=info,
            table=True,
            idle_timeout=idle_timeout,
        )

    def logs(
        self,
        namespace: str,
        pod: str,
        *,
        container: str | None = None,
        follow: bool = False,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
        since_time: str | None = None,
        timestamps: bool = False,
        previous: bool = False,
        limit_bytes: int | None = None,
    ) -> AsyncIterator[str]:
        """Pod log lines (no trailing newline), read as they arrive; see ``logs.py``."""
        from ccseone_tui.kube.logs import pod_logs

        return pod_logs(
            self,
            namespace,
            pod,
            container=container,
            follow=follow,
            tail_lines=tail_lines,
            since_seconds=since_seconds,
            since_time=since_time,
            timestamps=timestamps,
            previous=previous,
            limit_bytes=limit_bytes,
        )


def _type_missing(exc: ResourceNotFound) -> bool:
    """A 404 about the path, not an object: the API server names the missing object in
    ``details`` ("pods \"web\" not found"), and names nothing when it serves no such
    resource type ("the server could not find the requested resource")."""
    details = exc.body.get("details") if isinstance(exc.body, dict) else None
    return not (isinstance(details, dict) and details.get("name"))


def _write_query(field_manager: str, dry_run: bool) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = []
    if field_manager:
        query.append(("fieldManager", field_manager))
    if dry_run:
        query.append(("dryRun", "All"))
    return query


__all__ = ["ClusterClient"]

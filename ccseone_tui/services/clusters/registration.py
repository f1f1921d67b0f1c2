"""Create an access cluster and register it with the local engine (SPEC §3.1.3.3–4).

``create`` records a cluster in ``Waiting``; ``join_command`` gives the snippet to run on the
member; ``register`` takes the one-line token it printed, proves it against the member's API
server and only then keeps the credentials, in a 0600 kubeconfig under the credentials
directory (never in SQLite, never in a log or an error message).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from ccseone_tui.config import Settings, write_private_file
from ccseone_tui.domain.errors import (
    ClusterAlreadyAssociated,
    ClusterInfoFailed,
    ClusterStatusAbnormal,
    ClusterUnreachable,
    InstanceNotReady,
    KubeApiError,
    KubeconfigError,
    KubeconfigQueryFailed,
    NameExists,
    RegistrationNotNeeded,
    RegistrationTokenMismatch,
    RegistrationTokenRejected,
    Unauthorized,
    ValidationError,
    VersionQueryFailed,
    VersionUnsupported,
)
from ccseone_tui.domain.member_errors import EngineUnsupported
from ccseone_tui.domain.members import JoinInstructions
from ccseone_tui.domain.models import (
    ClusterProbe,
    ClusterSource,
    ClusterStatus,
    InstanceStatus,
    MemberCluster,
)
from ccseone_tui.domain.validation import check_labels, check_resource_name, is_supported_version
from ccseone_tui.engines.probe import summarize_nodes
from ccseone_tui.i18n import t
from ccseone_tui.services.clusters.join import (
    RegistrationToken,
    join_snippet,
    registration_kubeconfig,
)
from ccseone_tui.services.clusters.service import ClustersService, normalize_server
from ccseone_tui.services.events import ClusterProbed, ClustersChanged, EventBus
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.instances import InstancesService
from ccseone_tui.services.tasks import TasksService, new_id

CREATE_SOURCES = tuple(s for s in ClusterSource if s is not ClusterSource.KUBECONFIG)


async def run_single(tasks: TasksService, kind: str, cluster: MemberCluster,
                     action: Callable[[], Awaitable[str | None]]) -> None:
    """Record ``action`` as a one-target task (with its journal line) and re-raise its error,
    so the caller gets the typed error and the task list still shows the attempt."""
    failure: list[Exception] = []

    async def recorded() -> str | None:
        try:
            return await action()
        except Exception as exc:
            failure.append(exc)
            raise

    await tasks.run(kind, cluster.name, {cluster.name: recorded},
                    instance_id=cluster.instance_id)
    if failure:
        raise failure[0]


def check_api_server(url: str, field: str = "api_server") -> str:
    """``http(s)://host[:port][/path]``: no spaces or controls inside (urlparse keeps them in
    the host), no credentials (they would be stored and shown), no query or fragment."""
    url = url.strip()

    def bad() -> ValidationError:
        return ValidationError(field, url, t("rule.api_server_url"), t("fix.api_server_url"))

    if any(c.isspace() or not c.isprintable() for c in url):
        raise bad()
    parsed = urlparse(url)
    try:
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise bad() from None
    if parsed.scheme not in ("https", "http") or not parsed.hostname or "@" in parsed.netloc \
            or parsed.query or parsed.fragment or url.endswith(("?", "#")):
        raise bad()
    return url.rstrip("/")


class RegistrationService:
    def __init__(self, store: Any, engine: Any, pool: Any, settings: Settings,
                 events: EventBus, guard: Guard, tasks: TasksService,
                 instances: InstancesService, clusters: ClustersService,
                 members: Any = None) -> None:
        self._members = members  # MembersService: create + join on a hub instance
        self._store = store
        self._engine = engine
        self._pool = pool
        self._settings = settings
        self._events = events
        self._guard = guard
        self._tasks = tasks
        self._instances = instances
        self._clusters = clusters

    # ---- create (§3.1.3.3) -----------------------------------------------------------------

    async def create(
        self,
        instance: str,
        name: str,
        *,
        api_server: str = "",
        region: str = "",
        source: ClusterSource | str = ClusterSource.REGISTERED,
        labels: dict[str, str] | None = None,
        deletion_protection: bool = True,
    ) -> MemberCluster:
        """A cluster record in ``Waiting``, after every §6.1 check that needs no cluster;
        nothing is written when a check fails. On a hub instance the member is pre-created
        on the hub (not accepted; its agent reports the API server, so it is optional)."""
        self._guard.check_writable()
        check_resource_name(name)
        labels = check_labels(dict(labels or {}))
        server = check_api_server(api_server) if api_server.strip() else ""
        sources = ", ".join(s.value for s in CREATE_SOURCES)
        try:
            source = ClusterSource(source)
        except ValueError:
            raise ValidationError("source", source, t("rule.source_create", sources=sources)
                                  ) from None
        if source is ClusterSource.KUBECONFIG:
            raise ValidationError("source", source.value, t("rule.source_create", sources=sources))
        if region and region not in self._settings.regions:
            raise ValidationError("region", region, t(
                "rule.region", regions=", ".join(self._settings.regions)))
        if await self._store.get_cluster(name) or await self._store.get_instance(name):
            raise NameExists(name=name)
        inst = await self._instances.get(instance)
        if inst.status is not InstanceStatus.READY:
            raise InstanceNotReady(name=inst.name, status=inst.status.value)
        hub = await self._on_hub(inst.id)
        if not server and not hub:
            raise ValidationError("api_server", api_server, t("rule.api_server_url"))
        for existing in await self._store.list_clusters():
            if server and existing.api_server and normalize_server(
                    existing.api_server) == normalize_server(server):
                raise ClusterAlreadyAssociated(server=server, existing=existing.name)
        if hub:
            return await self._members.create(inst, name, region=region or inst.region,
                                              labels=labels,
                                              deletion_protection=deletion_protection)
        cluster = MemberCluster(
            id=new_id("cls"), name=name, instance_id=inst.id, region=region or inst.region,
            source=source, api_server=server, labels=labels,
            deletion_protection=deletion_protection, created_at=time.time(),
            probe=ClusterProbe(status=ClusterStatus.WAITING),
        )
        await self._store.add_cluster(cluster)
        await self._tasks.journal(inst.id, "cluster.create", name, "Succeeded")
        self._events.emit(ClustersChanged(inst.id))
        return cluster

    # ---- join command (§3.1.3.4) -----------------------------------------------------------

    async def _on_hub(self, instance_id: str) -> bool:
        engine = await self._clusters.engine_of(instance_id)
        return bool(engine.members_from_control_plane) and self._members is not None

    async def join_command(self, cluster: MemberCluster | str) -> str:
        """The snippet to run on the member; refused for clusters associated from kubeconfig
        (they need no registration)."""
        return (await self.join_instructions(cluster)).text

    async def join_instructions(self, cluster: MemberCluster | str) -> JoinInstructions:
        """What to run on the member: a hub instance's real ``clusteradm join`` (fresh token,
        expiry, values file), or the local engine's kubectl snippet."""
        c = cluster if isinstance(cluster, MemberCluster) else await self._clusters.get(cluster)
        if await self._on_hub(c.instance_id):
            return await self._members.join_instructions(c)
        if c.source is ClusterSource.KUBECONFIG:
            raise RegistrationNotNeeded(cluster=c.name)
        return JoinInstructions(cluster=c.name, command=join_snippet(c.name))

    # ---- register (§3.1.3.4) ---------------------------------------------------------------

    def credentials_path(self, cluster: MemberCluster) -> Path:
        return self._settings.credentials_dir / f"{cluster.id}.kubeconfig"

    async def register(self, name: str, token_text: str) -> MemberCluster:
        """Check the token (shape, cluster name, server reachable, token accepted, version),
        then keep its credentials and probe. Registering again replaces the credentials
        (a fresh token after the old one expired or was revoked)."""
        self._guard.check_writable()
        cluster = await self._clusters.get(name)
        if cluster.source is ClusterSource.KUBECONFIG:
            raise RegistrationNotNeeded(cluster=cluster.name)
        if await self._on_hub(cluster.instance_id):
            engine = await self._clusters.engine_of(cluster.instance_id)
            raise EngineUnsupported(action="register", instance=cluster.instance_id,
                                    engine=engine.name, hint=t("engine.hint.register"))

        async def action() -> str:
            token = RegistrationToken.decode(token_text)
            if token.cluster != cluster.name:
                raise RegistrationTokenMismatch(cluster=cluster.name, token_cluster=token.cluster)
            server = cluster.api_server or token.server
            verified = await self._verify(cluster, server, token)
            await asyncio.to_thread(os.replace, verified, self.credentials_path(cluster))
            cluster.kubeconfig, cluster.context = str(self.credentials_path(cluster)), cluster.name
            if not cluster.api_server:
                cluster.api_server = server
            await self._store.update_cluster(cluster)
            await self._reprobe(cluster)
            note = t("register.done", version=cluster.probe.version or "?",
                     nodes=cluster.probe.nodes or 0)
            if normalize_server(server) != normalize_server(token.server):
                note += "; " + t("register.server_differs", server=server,
                                 token_server=token.server)
            return note

        await run_single(self._tasks, "cluster.register", cluster, action)
        self._events.emit(ClustersChanged(cluster.instance_id))
        await self._clusters.joined(cluster)
        return cluster

    async def _verify(self, cluster: MemberCluster, server: str, token: RegistrationToken
                      ) -> Path:
        """Prove the credentials with a throwaway 0600 file (the loader reads files); the
        file is returned only when the member accepted them, and removed otherwise."""
        from ccseone_tui.kube import ClusterClient, ClusterRef

        doc = registration_kubeconfig(cluster.name, server, token)
        path = self._settings.credentials_dir / f".{cluster.id}.{secrets.token_hex(4)}.verify"
        await asyncio.to_thread(write_private_file, path, yaml.safe_dump(doc, sort_keys=False))
        try:
            ref = ClusterRef(name=cluster.name, kubeconfig=str(path), context=cluster.name)
            try:
                client = await ClusterClient.connect(ref, self._settings)
            except KubeconfigError as exc:
                raise KubeconfigQueryFailed(cluster=cluster.name, error=exc.message) from None
            try:
                await self._check_member(client, cluster.name, server)
            finally:
                await client.close()
        except BaseException:
            path.unlink(missing_ok=True)  # sync on purpose: it must run even when cancelled
            raise
        return path

    async def _check_member(self, client: Any, name: str, server: str) -> None:
        timeout = self._settings.connect_timeout + self._settings.read_timeout
        try:
            version = await client.version(timeout=timeout)
            # /version may be public: listing nodes is what proves the token is accepted
            nodes = (await client.list_path("/api/v1/nodes", timeout=timeout)).get("items", [])
        except ClusterUnreachable as exc:
            raise VersionQueryFailed(cluster=name, error=f"{server}: {exc.cause}") from None
        except Unauthorized as exc:
            raise RegistrationTokenRejected(
                cluster=name, error=f"{exc.status} {exc.api_message or exc.reason}") from None
        except KubeApiError as exc:
            raise ClusterInfoFailed(cluster=name, error=exc.message) from None
        git_version = str(version.get("gitVersion", ""))
        if not is_supported_version(git_version):
            raise VersionUnsupported(cluster=name, version=git_version or "?")
        total, ready, _ = summarize_nodes(nodes)
        if total and not ready:
            raise ClusterStatusAbnormal(cluster=name, status=ClusterStatus.NOT_READY.value)

    async def _reprobe(self, cluster: MemberCluster) -> None:
        """Probe through the pool with the new credentials (dropping a client that still
        holds the old ones) and save it."""
        from ccseone_tui.kube import ClusterRef

        await self._pool.forget(ClusterRef(name=cluster.name, kubeconfig=cluster.kubeconfig or "",
                                           context=cluster.context))
        # new credentials: everything asked again, the server version too
        cluster.probe = await self._engine.probe(cluster, full=True)
        await self._store.save_probe(cluster.id, cluster.probe)
        self._events.emit(ClusterProbed(cluster))

"""Direct access to a member of a hub (logs, fleet view, node labels need its own API
server), first that works:

1. a kubeconfig context the user mapped to the cluster (``clusters map-context``; the cluster
   row keeps the file and context, never credentials);
2. the managed-serviceaccount addon: the hub Secret ``ccseone`` in the cluster's namespace
   (``token`` + ``ca.crt``) with the cluster's ``spec.managedClusterClientConfigs[0].url``.

The addon token lives in memory only: it is put in a throwaway 0600 kubeconfig just long
enough for the official loader to read it, then the file is removed. It is never written
to SQLite, a log line or an error message."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import yaml

from ccseone_tui.config import write_private_file
from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.domain.member_errors import DirectAccessUnavailable
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.engines.ocm import api
from ccseone_tui.engines.ocm.hub import Hub
from ccseone_tui.i18n import t

Obj = dict[str, Any]


def _b64(data: Obj, key: str) -> str:
    raw = data.get(key)
    return base64.b64decode(raw).decode() if raw else ""


class DirectAccess:
    def __init__(self, hub: Hub, pool: Any, scratch_dir: Path) -> None:
        self._hub = hub
        self._pool = pool
        self._scratch = scratch_dir
        self._addon_clients: dict[str, tuple[str, Any]] = {}  # cluster -> (token hash, client)

    async def client(self, cluster: MemberCluster, feature: str = "") -> Any:
        if cluster.context:
            from ccseone_tui.kube import ClusterRef

            return await self._pool.client(ClusterRef(name=cluster.name,
                                                      kubeconfig=cluster.kubeconfig or "",
                                                      context=cluster.context))
        found = await self._addon(cluster.name)
        if found is None:
            raise DirectAccessUnavailable(cluster=cluster.name,
                                          feature=feature or t("access.features"))
        return found

    async def _addon(self, name: str) -> Any | None:
        async def read(client: Any) -> tuple[Obj | None, Obj | None]:
            try:
                secret = await client.get("v1", "Secret", api.MSA_SECRET, namespace=name)
                mc = await client.get(api.CLUSTER_API, api.MANAGED_CLUSTER, name)
            except ResourceNotFound:
                return None, None
            return secret, mc

        secret, mc = await self._hub.call(read)
        if secret is None or mc is None:
            return None
        configs = (mc.get("spec") or {}).get("managedClusterClientConfigs") or []
        url = str((configs[0] if configs else {}).get("url") or "")
        data = secret.get("data") or {}
        token = _b64(data, "token")
        if not url or not token:
            return None
        key = f"{url}|{hash(token)}"  # a rotated token or a moved server: a new client
        cached = self._addon_clients.get(name)
        if cached is not None and cached[0] == key and not cached[1].closed:
            return cached[1]
        client = await self._connect(name, url, token, str(data.get("ca.crt") or ""))
        if cached is not None:
            await cached[1].close()
        self._addon_clients[name] = (key, client)
        return client

    async def _connect(self, name: str, url: str, token: str, ca_b64: str) -> Any:
        from ccseone_tui.kube import ClusterClient, ClusterRef

        cluster: Obj = {"server": url}
        if ca_b64:
            cluster["certificate-authority-data"] = ca_b64
        doc = {"apiVersion": "v1", "kind": "Config", "current-context": name,
               "clusters": [{"name": name, "cluster": cluster}],
               "users": [{"name": name, "user": {"token": token}}],
               "contexts": [{"name": name, "context": {"cluster": name, "user": name}}]}
        path = self._scratch / f".msa-{secrets.token_hex(8)}.kubeconfig"
        await asyncio.to_thread(write_private_file, path, yaml.safe_dump(doc))
        try:
            return await ClusterClient.connect(ClusterRef(name, str(path), name),
                                               self._pool.settings)
        finally:
            # sync on purpose: the token file must go even when cancelled
            with contextlib.suppress(OSError):
                os.unlink(path)

    async def forget(self, name: str) -> None:
        cached = self._addon_clients.pop(name, None)
        if cached is not None:
            await cached[1].close()

    async def close(self) -> None:
        for name in list(self._addon_clients):
            await self.forget(name)

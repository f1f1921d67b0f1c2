"""Shared state on the hub: the records every ccseone of an ocm instance reads (fleet
namespaces, apps, revisions) as ConfigMaps in ``ccseone-system`` on the hub.

The hub is where the instance lives, so it is where two ccseones (two people, two laptops)
meet: one ConfigMap per record, ``data["record.json"]`` the record, a revision's manifests
gzip-compressed in ``binaryData["manifests.json.gz"]``. Writes carry the resourceVersion
the caller read: a 409 is ``ChangedElsewhere`` (someone else wrote meanwhile), never an
overwrite. A ConfigMap holds at most 1 MiB: a bigger record is ``RecordTooLarge`` before
any request, with its size, so the caller can drop what it can rebuild (the manifests).
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from ccseone_tui.domain.errors import Conflict, ResourceNotFound
from ccseone_tui.domain.member_errors import ChangedElsewhere, RecordTooLarge
from ccseone_tui.engines.base import SharedRecord

NAMESPACE = "ccseone-system"
KIND_LABEL = "ccseone.io/kind"
INSTANCE_LABEL = "ccseone.io/instance"
APP_LABEL = "ccseone.io/app"
RECORD_KEY = "record.json"
BLOB_KEY = "manifests.json.gz"
# the API server refuses a ConfigMap whose keys and values exceed 1 MiB (MaxSecretSize);
# a little is kept back for the keys' own bytes the server also counts
SIZE_LIMIT = 1024 * 1024
_SHORT = {"namespace": "ns", "app": "app", "revision": "rev"}


def object_name(instance: str, kind: str, name: str) -> str:
    """``ccseone.<instance>.<ns|app|rev>.<name>``: a DNS subdomain (names are DNS labels),
    unique per instance so two instances on one hub never share a record."""
    return f"ccseone.{instance}.{_SHORT[kind]}.{name}"


def record_size(data: dict[str, str], binary: dict[str, bytes]) -> int:
    """What the API server counts against the 1 MiB: keys and values, binary undecoded."""
    return (sum(len(k) + len(v.encode()) for k, v in data.items())
            + sum(len(k) + len(v) for k, v in binary.items()))


class HubRecords:
    """``engines.RecordStore`` on one hub for one instance."""

    shared = True

    def __init__(self, hub: Any, instance: str) -> None:
        self.hub = hub
        self.instance = instance

    def _body(self, record: SharedRecord) -> dict[str, Any]:
        import base64

        labels = {KIND_LABEL: record.kind, INSTANCE_LABEL: self.instance}
        if record.app:
            labels[APP_LABEL] = record.app
        data = {RECORD_KEY: json.dumps(record.data, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":"))}
        binary = {} if record.blob is None else {BLOB_KEY: gzip.compress(record.blob, 6)}
        size = record_size(data, binary)
        if size > SIZE_LIMIT:
            raise RecordTooLarge(what=record.kind, name=record.name, size=size,
                                 limit=SIZE_LIMIT)
        body: dict[str, Any] = {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": object_name(self.instance, record.kind, record.name),
                         "namespace": NAMESPACE, "labels": labels},
            "data": data,
        }
        if binary:
            body["binaryData"] = {k: base64.b64encode(v).decode() for k, v in binary.items()}
        return body

    def _changed(self, record: SharedRecord, exc: Exception) -> ChangedElsewhere:
        return ChangedElsewhere(what=record.kind, name=record.name, instance=self.instance,
                                have=record.version or "-")

    @staticmethod
    def _record(obj: dict[str, Any]) -> SharedRecord:
        import base64

        meta = obj.get("metadata") or {}
        labels = meta.get("labels") or {}
        prefix = f"ccseone.{labels.get(INSTANCE_LABEL, '')}."
        name = str(meta.get("name", ""))[len(prefix):].partition(".")[2]
        try:
            data = json.loads((obj.get("data") or {}).get(RECORD_KEY) or "{}")
        except json.JSONDecodeError:
            data = {}  # someone edited it by hand: seen as an empty record, not a crash
        raw = (obj.get("binaryData") or {}).get(BLOB_KEY)
        blob = gzip.decompress(base64.b64decode(raw)) if raw else None
        return SharedRecord(kind=str(labels.get(KIND_LABEL, "")), name=name,
                            data=data if isinstance(data, dict) else {}, blob=blob,
                            app=str(labels.get(APP_LABEL, "")),
                            version=str(meta.get("resourceVersion", "")))

    async def list(self, kind: str, app: str = "") -> list[SharedRecord]:
        selector = f"{KIND_LABEL}={kind},{INSTANCE_LABEL}={self.instance}"
        if app:
            selector += f",{APP_LABEL}={app}"

        async def read(client: Any) -> list[SharedRecord]:
            found = await client.list("v1", "ConfigMap", namespace=NAMESPACE,
                                      label_selector=selector)
            return [self._record(o) for o in found.get("items") or []]

        return await self.hub.call(read)

    async def get(self, kind: str, name: str) -> SharedRecord | None:
        async def read(client: Any) -> SharedRecord | None:
            try:
                return self._record(await client.get(
                    "v1", "ConfigMap", object_name(self.instance, kind, name),
                    namespace=NAMESPACE))
            except ResourceNotFound:
                return None

        return await self.hub.call(read)

    async def create(self, record: SharedRecord) -> SharedRecord:
        body = self._body(record)

        async def write(client: Any) -> SharedRecord:
            try:
                return self._record(await client.create(body))
            except ResourceNotFound:
                pass  # the first record on this hub: its namespace comes first
            try:
                await client.create({"apiVersion": "v1", "kind": "Namespace",
                                     "metadata": {"name": NAMESPACE}})
            except Conflict:
                pass  # another ccseone made it meanwhile
            return self._record(await client.create(body))

        try:
            return await self.hub.call(write)
        except Conflict as exc:
            raise self._changed(record, exc) from exc

    async def update(self, record: SharedRecord) -> SharedRecord:
        body = self._body(record)
        body["metadata"]["resourceVersion"] = record.version

        async def write(client: Any) -> SharedRecord:
            info = await client.resolve("v1", "ConfigMap")
            return self._record(await client.request(
                "PUT", info.path(NAMESPACE, body["metadata"]["name"]), body=body))

        try:
            return await self.hub.call(write)
        except (Conflict, ResourceNotFound) as exc:
            # gone is changed too: someone deleted what this ccseone read
            raise self._changed(record, exc) from exc

    async def delete(self, record: SharedRecord) -> None:
        options: dict[str, Any] = {"apiVersion": "v1", "kind": "DeleteOptions"}
        if record.version:
            options["preconditions"] = {"resourceVersion": record.version}

        async def remove(client: Any) -> None:
            info = await client.resolve("v1", "ConfigMap")
            try:
                await client.request("DELETE", info.path(
                    NAMESPACE, object_name(self.instance, record.kind, record.name)),
                    body=options)
            except ResourceNotFound:
                pass

        try:
            await self.hub.call(remove)
        except Conflict as exc:
            raise self._changed(record, exc) from exc

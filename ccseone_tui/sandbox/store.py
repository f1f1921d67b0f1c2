"""The object store of one sandbox cluster (``SandboxCluster.state``).

One resourceVersion counter per cluster, a bounded history of changes that watches resume
from, an owner index for garbage collection, and synchronous listeners (the controller) that
are told about every change. Stored dicts are never mutated in place: writers clone, change
and put back, so a dict held by the history or an open watch stays what it was.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.sandbox.resources import Registry

Key = tuple[str, str]  # (group, plural)
Ref = tuple[Key, str, str]  # (key, namespace, name)


def clone(o: Any) -> Any:
    """Deep copy for JSON-shaped data, several times faster than copy.deepcopy."""
    if isinstance(o, dict):
        return {k: clone(v) for k, v in o.items()}
    if isinstance(o, list):
        return [clone(v) for v in o]
    return o


@dataclass(slots=True)
class Change:
    rv: int
    type: str  # ADDED | MODIFIED | DELETED
    key: Key
    obj: dict[str, Any]
    old: dict[str, Any] | None = None


@dataclass(eq=False, slots=True)
class Watcher:
    """One open watch: the store pushes matching-type changes, the stream filters them.
    ``None`` in the queue means "stop now" (stream dropped or server closing)."""

    key: Key
    namespace: str | None
    queue: asyncio.Queue[Change | None] = field(default_factory=asyncio.Queue)


class Expired(Exception):
    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__(f"too old resource version: {requested} ({oldest})")


class ClusterState:
    def __init__(self, history_size: int = 500) -> None:
        self.registry = Registry()
        self._objects: dict[Key, dict[str, dict[str, dict[str, Any]]]] = {}
        self._rv = 0
        self._history: deque[Change] = deque(maxlen=max(1, history_size))
        self._floor = 0  # every change with rv > floor is still in the history
        self._watchers: dict[Key, set[Watcher]] = {}
        self._listeners: list[Callable[[Change], None]] = []
        self._owned: dict[str, set[Ref]] = {}

    # ---- reads ---------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        return self._rv

    def get(self, key: Key, namespace: str, name: str) -> dict[str, Any] | None:
        return self._objects.get(key, {}).get(namespace, {}).get(name)

    def list(self, key: Key, namespace: str | None = None) -> list[dict[str, Any]]:
        """Objects sorted by (namespace, name), as the API server returns them."""
        bucket = self._objects.get(key, {})
        if namespace is not None:
            names = bucket.get(namespace, {})
            return [names[n] for n in sorted(names)]
        return [bucket[ns][n] for ns in sorted(bucket) for n in sorted(bucket[ns])]

    def count(self, key: Key, namespace: str | None = None) -> int:
        bucket = self._objects.get(key, {})
        if namespace is not None:
            return len(bucket.get(namespace, {}))
        return sum(len(v) for v in bucket.values())

    def keys(self) -> list[Key]:
        return [k for k, b in self._objects.items() if any(b.values())]

    def dependents(self, uid: str) -> list[Ref]:
        return sorted(self._owned.get(uid, ()))

    def iter_namespace(self, namespace: str) -> Iterator[tuple[Key, dict[str, Any]]]:
        for key, bucket in list(self._objects.items()):
            for obj in list(bucket.get(namespace, {}).values()):
                yield key, obj

    # ---- writes (no validation: see writes.py for API semantics) ---------------------------
    def add(self, key: Key, obj: dict[str, Any]) -> dict[str, Any]:
        return self._put(key, obj, "ADDED", None)

    def update(self, key: Key, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        old = self.get(key, meta.get("namespace", ""), meta["name"])
        return self._put(key, obj, "MODIFIED", old)

    def remove(self, key: Key, namespace: str, name: str) -> dict[str, Any] | None:
        bucket = self._objects.get(key, {})
        old = bucket.get(namespace, {}).pop(name, None)
        if old is None:
            return None
        if not bucket.get(namespace):
            bucket.pop(namespace, None)
        self._index_owners(key, old, None)
        self._rv += 1
        # The DELETED event carries the object at the deletion's resourceVersion (real API).
        gone = dict(old)
        gone["metadata"] = {**old["metadata"], "resourceVersion": str(self._rv)}
        self._emit(Change(self._rv, "DELETED", key, gone, old))
        return gone

    def _put(
        self, key: Key, obj: dict[str, Any], kind: str, old: dict[str, Any] | None
    ) -> dict[str, Any]:
        self._rv += 1
        meta = obj["metadata"]
        meta["resourceVersion"] = str(self._rv)
        ns = meta.get("namespace", "")
        self._objects.setdefault(key, {}).setdefault(ns, {})[meta["name"]] = obj
        self._index_owners(key, old, obj)
        self._emit(Change(self._rv, kind, key, obj, old))
        return obj

    def _index_owners(
        self, key: Key, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        refs_old = old["metadata"].get("ownerReferences") if old is not None else None
        refs_new = new["metadata"].get("ownerReferences") if new is not None else None
        if refs_old is refs_new or (not refs_old and not refs_new):
            return  # the common case (status writes share the metadata lists): nothing to do

        def owners(refs: list[dict[str, Any]] | None) -> set[str]:
            return {r.get("uid", "") for r in refs or ()}

        before, after = owners(refs_old), owners(refs_new)
        if before == after:
            return
        src = new or old
        assert src is not None
        meta = src["metadata"]
        ref: Ref = (key, meta.get("namespace", ""), meta["name"])
        for uid in before - after:
            refs = self._owned.get(uid)
            if refs is not None:
                refs.discard(ref)
                if not refs:
                    del self._owned[uid]
        for uid in after - before:
            self._owned.setdefault(uid, set()).add(ref)

    def _emit(self, change: Change) -> None:
        if len(self._history) == self._history.maxlen:
            self._floor = self._history[0].rv
        self._history.append(change)
        for w in self._watchers.get(change.key, ()):
            w.queue.put_nowait(change)
        for listener in self._listeners:
            listener(change)

    # ---- watch support ---------------------------------------------------------------------
    def changes_since(self, rv: int, key: Key) -> list[Change]:
        """History after ``rv`` for one kind; raises Expired when it was forgotten."""
        if rv < self._floor:
            oldest = self._history[0].rv if self._history else self._rv + 1
            raise Expired(rv, oldest)
        return [c for c in self._history if c.rv > rv and c.key == key]

    def subscribe(self, key: Key, namespace: str | None) -> Watcher:
        w = Watcher(key, namespace)
        self._watchers.setdefault(key, set()).add(w)
        return w

    def unsubscribe(self, w: Watcher) -> None:
        self._watchers.get(w.key, set()).discard(w)

    def watchers(self) -> list[Watcher]:
        return [w for ws in self._watchers.values() for w in ws]

    def add_listener(self, fn: Callable[[Change], None]) -> None:
        self._listeners.append(fn)

    def compact(self) -> None:
        """Forget the whole change history (tests use it to make a watch get 410 Expired)."""
        self._history.clear()
        self._floor = self._rv

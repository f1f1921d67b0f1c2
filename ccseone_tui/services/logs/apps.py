"""App logs, stern-style: every pod of an app in one target (cluster, namespace), picked up as
it appears and marked when it goes, each container a `PodFollower` in the shared stream.

Pods are found by the label ``app.ccseone.io/name=<app>`` with a pod watch: its ``RELIST``
replaces the set (pods missing from it are marked gone), ``ADDED``/``MODIFIED`` start a stream
once a container runs, ``DELETED`` stops it. Pods present at the start get the caller's
since/tail; pods that appear later are read from their first line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.services.logs.follow import Backoff, PodFollower, Target, containers_of
from ccseone_tui.services.logs.stream import LogStream

APP_LABEL = "app.ccseone.io/name"


def readable_containers(pod: dict[str, Any], *, terminated: bool) -> list[str]:
    """Containers whose log can be read now: running (and, if asked, terminated ones)."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return []
    states = {"running", "terminated"} if terminated else {"running"}
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    ready = {s.get("name") for s in statuses if states & set(s.get("state") or {})}
    return [name for name in containers_of(pod) if name in ready]


def _name(pod: dict[str, Any]) -> str:
    return str((pod.get("metadata") or {}).get("name", ""))


class AppTarget:
    """Follows one (cluster, namespace) of an app into ``out`` until cancelled."""

    def __init__(
        self,
        out: LogStream,
        client_for: Callable[[MemberCluster], Coroutine[Any, Any, Any]],
        follow_one: Callable[[Any, Target], Coroutine[Any, Any, None]],
        cluster: MemberCluster,
        namespace: str,
        app: str,
        template: Target,
        backoff: Callable[[], Backoff],
    ) -> None:
        self.out = out
        self.client_for = client_for
        self.follow_one = follow_one
        self.cluster = cluster
        self.namespace = namespace
        self.selector = f"{APP_LABEL}={app}"
        self.template = template  # follow/previous/since/tail for the pods seen first
        self.backoff = backoff()
        self.streams: dict[tuple[str, str], asyncio.Task[None]] = {}

    async def run(self) -> None:
        name = self.cluster.name
        while True:
            try:
                client = await self.client_for(self.cluster)
                if self.template.follow:
                    await self._watch(client)
                else:
                    await self._list_once(client)
                    return
            except CcseoneError as exc:  # the cluster does not answer: mark it, retry
                self.out.gap(name, exc.message)
                if not self.template.follow:
                    return
                await asyncio.sleep(self.backoff.next_delay())

    async def _list_once(self, client: Any) -> None:
        pods = (await client.list("v1", "Pod", namespace=self.namespace,
                                  label_selector=self.selector)).get("items") or []
        self.out.ok(self.cluster.name)
        for pod in sorted(pods, key=_name):
            self._start(client, pod, first=True)

    async def _watch(self, client: Any) -> None:
        first = True
        watch = client.watch("v1", "Pod", namespace=self.namespace, label_selector=self.selector)
        try:
            async for event in watch:
                self.out.ok(self.cluster.name)
                self.backoff.reset()
                if event.type == "RELIST":
                    self._relist(client, event.object.get("items") or [], first)
                    first = False
                elif event.type in ("ADDED", "MODIFIED"):
                    self._start(client, event.object, first=False)
                elif event.type == "DELETED":
                    self._gone(_name(event.object))
        finally:
            await watch.aclose()

    def _relist(self, client: Any, pods: list[dict[str, Any]], first: bool) -> None:
        present = {_name(p) for p in pods}
        for pod_name in {pod for pod, _ in self.streams} - present:
            self._gone(pod_name)
        for pod in sorted(pods, key=_name):
            self._start(client, pod, first=first)

    def _start(self, client: Any, pod: dict[str, Any], *, first: bool) -> None:
        pod_name = _name(pod)
        for container in readable_containers(pod, terminated=first):
            key = (pod_name, container)
            running = self.streams.get(key)
            if running is not None and not running.done():
                continue
            if running is not None and first:
                continue  # ended already (exited); a relist is not a restart
            target = replace(self.template, cluster=self.cluster.name,
                             namespace=self.namespace, pod=pod_name, container=container,
                             health=self.cluster.name)
            if not first:  # a pod that appeared while we watch: all of it
                target = replace(target, since_seconds=None, tail_lines=None)
                self.out.note(target.source, t("logs.note.pod_added"))
            task = self.out.spawn(self.follow_one(client, target))
            if task is not None:
                self.streams[key] = task

    def _gone(self, pod_name: str) -> None:
        for key in [k for k in self.streams if k[0] == pod_name]:
            task = self.streams.pop(key)
            if not task.done():  # a stream that ended on its own has said why
                task.cancel()
                self.out.note(f"{self.cluster.name}/{pod_name}/{key[1]}",
                              t("logs.note.pod_gone"))


async def follow_container(out: LogStream, client: Any, target: Target,
                           backoff: Callable[[], Backoff]) -> None:
    """One container's stream, holding one of the stream's ``max_streams`` slots."""
    await out.acquire_slot(target.source)
    try:
        await PodFollower(client, target, out, backoff).run()
    finally:
        out.release_slot()

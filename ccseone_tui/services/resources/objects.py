"""Actions on one object of a member cluster (issue #11): read it (raw, YAML, describe,
events, containers), drill down from it, and change it (delete, scale, rollout restart,
edit) behind the same guard as every write: ``--readonly`` refuses, a production cluster
needs its name typed.

Every call is raw JSON over the cluster's ``ClusterClient``; the TUI and the CLI get the
values of ``actions.py`` and never see Kubernetes JSON they would have to interpret.
Writes never stop at the first failing object: each object gets an ``ActionOutcome`` with
the Kubernetes status and message verbatim.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import (
    CcseoneError,
    Conflict,
    KubeApiError,
    ResourceNotFound,
    ValidationError,
)
from ccseone_tui.i18n import t
from ccseone_tui.services.resources import describe as _describe
from ccseone_tui.services.resources import edit as _edit
from ccseone_tui.services.resources.actions import (
    ActionOutcome,
    ContainerInfo,
    Drill,
    EditConflict,
    EditImmutableField,
    EditParseError,
    EditPlan,
    EditSession,
    EventRow,
)
from ccseone_tui.services.resources.model import ObjectRef

if TYPE_CHECKING:
    from ccseone_tui.domain.models import MemberCluster
    from ccseone_tui.kube.values import ResourceInfo
    from ccseone_tui.services.clusters.service import ClustersService
    from ccseone_tui.services.guard import Guard

Obj = dict[str, Any]
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
EVENTS_PATH = "/api/v1"
# kinds with a /scale subresource among the built-ins (custom kinds: asked to the server)
SCALABLE = frozenset({("apps", "deployments"), ("apps", "replicasets"),
                      ("apps", "statefulsets"), ("", "replicationcontrollers")})
RESTARTABLE = frozenset({("apps", "deployments"), ("apps", "statefulsets"),
                         ("apps", "daemonsets")})
PAGE = 500  # list page size for events and pods (kubectl's chunk size)


def kind_name(info: ResourceInfo) -> str:
    """How kubectl names a type in its messages: ``deployment.apps``, ``pod``."""
    kind = info.kind.lower()
    return f"{kind}.{info.group}" if info.group else kind


def failure(ref: ObjectRef, exc: BaseException) -> ActionOutcome:
    """A failed outcome keeping the Kubernetes status and message verbatim."""
    if isinstance(exc, KubeApiError):
        return ActionOutcome(ref, False, exc.api_message or exc.reason or str(exc), exc.status)
    return ActionOutcome(ref, False, str(exc), None)


class ObjectsService:
    """Describe, YAML, events, drill-down, containers, delete, scale, restart and edit of
    objects on member clusters."""

    def __init__(self, resources: Any, clusters: ClustersService, guard: Guard) -> None:
        self._resources = resources
        self._clusters = clusters
        self._guard = guard

    # ---- reading ---------------------------------------------------------------------------

    async def get(self, ref: ObjectRef) -> dict[str, Any]:
        """The object as the API server returns it (raw JSON, apiVersion/kind filled in).
        Raises ``ResourceNotFound`` / ``Forbidden`` / ``ClusterUnreachable``."""
        client = await self._client(ref)
        return await self._get(client, ref)

    async def yaml(self, ref: ObjectRef, *, managed_fields: bool = False,
                   reveal: bool = False) -> str:
        """The object as ``kubectl get -o yaml`` prints it (keys sorted). Unless
        ``managed_fields``, ``metadata.managedFields`` is folded into one comment line
        (``# managedFields: 4 entries folded``). A Secret's ``data`` values (and its
        last-applied annotation) are masked unless ``reveal`` (asked explicitly)."""
        obj = await self.get(ref)
        return _edit.object_yaml(obj, managed_fields=managed_fields, reveal=reveal)

    async def describe(self, ref: ObjectRef) -> str:
        """``kubectl describe``-like text: Name, Namespace, Labels, Annotations,
        CreationTimestamp, Controlled By, the kind's key fields (Pod, Deployment, ReplicaSet,
        StatefulSet, DaemonSet, Job, CronJob, Service, Node, Namespace, Secret, ConfigMap; any
        other kind: a top-level summary of spec and status and its conditions), then
        ``Events:`` (oldest first, newest last; ``<none>``). Headings are kubectl's English.
        A related list that cannot be read (events, pods …) shows ``<unknown>``; only the
        object itself failing raises."""
        client = await self._client(ref)
        obj = await self._get(client, ref)
        meta = obj.get("metadata") or {}
        uid = meta.get("uid")
        key = (ref.info.group, ref.info.kind)
        rel = _describe.Related()

        async def events() -> None:
            rel.events = await self._events(client, ref, uid)

        async def pods(selector: str | None = None, fields: str | None = None,
                       namespace: str | None = ref.namespace, owner: str | None = None) -> None:
            items = await self._list(client, "", "v1", "pods", namespace, selector, fields)
            rel.pods = [p for p in items if owner is None or _describe.owned_by(p, owner)]

        async def replicasets() -> None:
            rel.replicasets = await self._list(
                client, "apps", "v1", "replicasets", ref.namespace,
                _describe.selector_text((obj.get("spec") or {}).get("selector")) or None)

        async def endpoints() -> None:
            try:
                rel.endpoints = await client.request(
                    "GET", f"/api/v1/namespaces/{ref.namespace}/endpoints/{ref.name}")
            except ResourceNotFound:
                rel.endpoints = None

        jobs: list[Callable[[], Awaitable[None]]] = [events]
        selector = _describe.selector_text((obj.get("spec") or {}).get("selector")) or None
        if key == ("apps", "Deployment"):
            jobs.append(replicasets)
        elif key in (("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
                     ("batch", "Job")):
            jobs.append(lambda: pods(selector, owner=uid))
        elif key == ("", "Node"):
            jobs.append(lambda: pods(fields=f"spec.nodeName={ref.name}", namespace=None))
        elif key == ("", "Namespace"):
            jobs.append(lambda: pods(namespace=ref.name))
        elif key == ("", "Service"):
            jobs.append(endpoints)
        await asyncio.gather(*(_tolerant(job) for job in jobs))
        return _describe.describe_text(ref.info.group, ref.info.kind, obj, rel)

    async def events(self, ref: ObjectRef) -> list[EventRow]:
        """The core/v1 Events whose involvedObject is this object (by kind, name, namespace,
        and uid when the object still exists), oldest first."""
        client = await self._client(ref)
        uid = None
        try:
            uid = ((await self._get(client, ref)).get("metadata") or {}).get("uid")
        except ResourceNotFound:
            pass  # gone: its events may still be there (by name)
        return await self._events(client, ref, uid)

    async def drill(self, ref: ObjectRef) -> Drill | None:
        """Where Enter on this row leads: Deployment → its ReplicaSets; ReplicaSet,
        StatefulSet, DaemonSet, Job → its Pods; CronJob → its Jobs; Node → the pods on it;
        Service → the pods its selector picks; Namespace → the pods in it. None for a Pod
        (the UI shows its containers) and for kinds that lead nowhere."""
        group, kind = ref.info.group, ref.info.kind
        what = f"{ref.info.kind}/{ref.name}"
        if (group, kind) == ("", "Node"):
            return Drill("pods", ref.cluster, None, None, f"spec.nodeName={ref.name}", None,
                         t("objects.drill.on_node", owner=what))
        if (group, kind) == ("", "Namespace"):
            return Drill("pods", ref.cluster, ref.name, None, None, None,
                         t("objects.drill.in_namespace", owner=what))
        children = {("apps", "Deployment"): ("replicasets", "apps", "ReplicaSets"),
                    ("apps", "ReplicaSet"): ("pods", "", "Pods"),
                    ("apps", "StatefulSet"): ("pods", "", "Pods"),
                    ("apps", "DaemonSet"): ("pods", "", "Pods"),
                    ("batch", "Job"): ("pods", "", "Pods"),
                    ("batch", "CronJob"): ("jobs", "batch", "Jobs"),
                    ("", "ReplicationController"): ("pods", "", "Pods"),
                    ("", "Service"): ("pods", "", "Pods")}
        child = children.get((group, kind))
        if child is None:
            return None
        plural, child_group, children_title = child
        title = t("objects.drill.children", children=children_title, owner=what)
        obj = await self.get(ref)
        spec = obj.get("spec") or {}
        if (group, kind) == ("", "Service"):
            labels = spec.get("selector") or {}
            if not labels:
                return None  # no selector: its endpoints are managed by hand, no pods to show
            selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
            return Drill(plural, ref.cluster, ref.namespace, selector, None, None, title,
                         child_group)
        if (group, kind) == ("", "ReplicationController"):
            raw = spec.get("selector") or {}
            selector = ",".join(f"{k}={v}" for k, v in sorted(raw.items())) or None
        elif (group, kind) == ("batch", "CronJob"):
            selector = None
        else:
            selector = _describe.selector_text(spec.get("selector")) or None
        uid = (obj.get("metadata") or {}).get("uid")
        return Drill(plural, ref.cluster, ref.namespace, selector, None, uid, title,
                     child_group)

    async def containers(self, ref: ObjectRef) -> list[ContainerInfo]:
        """A pod's containers, init first, then main, then ephemeral, with their state.
        ``ValidationError`` for a ref that is not a Pod."""
        if (ref.info.group, ref.info.kind) != ("", "Pod"):
            raise ValidationError("kind", ref.info.kind,
                                  t("objects.rule.not_pod", kind=ref.info.kind),
                                  t("objects.fix.not_pod"))
        return _describe.containers_of(await self.get(ref))

    # ---- writes (guarded) ------------------------------------------------------------------

    async def delete(self, refs: Sequence[ObjectRef], *, confirm: str | None = None
                     ) -> list[ActionOutcome]:
        """Delete each object (propagation Background, as kubectl). Raises ``ReadOnlyMode``
        before anything when read-only, ``ConfirmationRequired``/``ConfirmationMismatch``
        when a production cluster among the refs' clusters was not typed in ``confirm``
        (names separated by commas). Otherwise one outcome per ref, in order; a failure
        (404, 403, 409 …) does not stop the others."""
        await self._guard_writes(refs, confirm)

        async def one(ref: ObjectRef) -> ActionOutcome:
            client = await self._client(ref)
            answer = await client.request(
                "DELETE", ref.info.path(ref.namespace, ref.name),
                body={"apiVersion": "v1", "kind": "DeleteOptions",
                      "propagationPolicy": "Background"})
            meta = answer.get("metadata") or {} if answer.get("kind") != "Status" else {}
            name = kind_name(ref.info)
            if meta.get("deletionTimestamp") and meta.get("finalizers"):
                return ActionOutcome(ref, True, t("objects.deleting", kind=name, name=ref.name,
                                                  finalizers=", ".join(meta["finalizers"])),
                                     200)
            return ActionOutcome(ref, True, t("objects.deleted", kind=name, name=ref.name), 200)

        return list(await asyncio.gather(*(_outcome(ref, one) for ref in refs)))

    async def scale(self, ref: ObjectRef, replicas: int, *, confirm: str | None = None
                    ) -> ActionOutcome:
        """Set the replicas through the ``/scale`` subresource. ``ValidationError`` (field,
        value, rule, fix) for replicas that is not an integer ≥ 0 or a kind that does not
        scale; guarded like ``delete``. The server's refusal (404 gone, 422 …) is a failed
        outcome."""
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise ValidationError("replicas", replicas, t("objects.rule.replicas"),
                                  t("objects.fix.replicas"))
        pair = (ref.info.group, ref.info.plural)
        if pair not in SCALABLE and "." not in ref.info.group:
            raise _not_scalable(ref)
        await self._guard_writes([ref], confirm)

        async def one(ref: ObjectRef) -> ActionOutcome:
            client = await self._client(ref)
            try:
                await client.request(
                    "PATCH", ref.info.path(ref.namespace, ref.name) + "/scale",
                    body={"spec": {"replicas": replicas}},
                    content_type="application/merge-patch+json")
            except ResourceNotFound as exc:
                if pair not in SCALABLE and not _names_object(exc):
                    raise _not_scalable(ref) from exc  # a custom kind without /scale
                raise
            return ActionOutcome(ref, True, t("objects.scaled", kind=kind_name(ref.info),
                                              name=ref.name, replicas=replicas), 200)

        return await _outcome(ref, one)

    async def restart(self, refs: Sequence[ObjectRef], *, confirm: str | None = None
                      ) -> list[ActionOutcome]:
        """``kubectl rollout restart``: set the pod template annotation
        ``kubectl.kubernetes.io/restartedAt`` to now (RFC 3339) on each Deployment,
        StatefulSet or DaemonSet; the controller rolls new pods. A ref of another kind
        raises ``ValidationError`` before anything is written; guarded like ``delete``.
        A paused Deployment is refused (a failed outcome), as kubectl does."""
        for ref in refs:
            if (ref.info.group, ref.info.plural) not in RESTARTABLE:
                raise ValidationError("kind", ref.info.kind,
                                      t("objects.rule.not_restartable", kind=ref.info.kind),
                                      t("objects.fix.not_restartable"))
        await self._guard_writes(refs, confirm)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        async def one(ref: ObjectRef) -> ActionOutcome:
            client = await self._client(ref)
            path = ref.info.path(ref.namespace, ref.name)
            if ref.info.plural == "deployments":
                current = await client.request("GET", path)
                if (current.get("spec") or {}).get("paused"):
                    return ActionOutcome(ref, False, t("objects.restart_paused",
                                                       kind=kind_name(ref.info), name=ref.name))
            patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}}
            await client.request("PATCH", path, query=[("fieldManager", "kubectl-rollout")],
                                 body=patch, content_type="application/merge-patch+json")
            return ActionOutcome(ref, True, t("objects.restarted", kind=kind_name(ref.info),
                                              name=ref.name), 200)

        return list(await asyncio.gather(*(_outcome(ref, one) for ref in refs)))

    # ---- edit ----------------------------------------------------------------------------

    async def begin_edit(self, ref: ObjectRef) -> EditSession:
        """Read the object for ``$EDITOR``: YAML without managedFields (status kept, as
        ``kubectl edit``), and the resourceVersion the edit is based on. Refused when
        read-only (nothing could be applied). A Secret's values are in the text (an edit
        is an explicit request to see them)."""
        self._guard.check_writable()
        obj = await self.get(ref)
        shown = _edit.editable(obj)
        rv = str((obj.get("metadata") or {}).get("resourceVersion") or "")
        return EditSession(ref, _edit.dump(shown), rv, obj)

    def edit_diff(self, session: EditSession, edited_text: str) -> EditPlan:
        """Parse and check the edited text. ``EditParseError`` (line, column, problem) when it
        is not one YAML mapping; ``EditImmutableField`` when apiVersion, kind, metadata.name
        or metadata.namespace changed. Comments and formatting alone are no change; an
        emptied text cancels (``changed`` False). An error block put on top by
        ``edit_reopen_text`` is ignored."""
        return _edit.plan_edit(session, edited_text)

    def edit_reopen_text(self, edited_text: str, error: BaseException) -> str:
        """The text to reopen the editor with after a failed parse or apply: the error as
        ``#`` comment lines on top (a previous error block replaced), the user's text kept."""
        return _edit.with_error(edited_text, error)

    async def apply_edit(self, plan: EditPlan, *, confirm: str | None = None
                         ) -> ActionOutcome:
        """Replace (PUT) the object with the edited one at the session's resourceVersion.
        ``EditConflict`` when the object changed on the cluster since ``begin_edit`` (409):
        never forced. Other API failures (422 Invalid …) come back as a failed outcome with
        the server's message. Guarded like ``delete``. A plan without change is a no-op
        success."""
        ref = plan.session.ref
        name = kind_name(ref.info)
        self._guard.check_writable()
        if not plan.changed:
            return ActionOutcome(ref, True, t("objects.edit_unchanged", kind=name,
                                              name=ref.name), None)
        await self._guard_writes([ref], confirm)
        body = dict(plan.edited)
        meta = body["metadata"] = dict(body.get("metadata") or {})
        meta["resourceVersion"] = plan.session.resource_version
        client = await self._client(ref)
        try:
            await client.request("PUT", ref.info.path(ref.namespace, ref.name),
                                 query=[("fieldManager", "kubectl-edit")], body=body)
        except Conflict as exc:
            raise EditConflict(ref, exc.api_message) from exc
        except CcseoneError as exc:  # 422 Invalid, 403, unreachable …: the cause verbatim
            return failure(ref, exc)
        return ActionOutcome(ref, True, t("objects.edited", kind=name, name=ref.name), 200)

    # ---- helpers ---------------------------------------------------------------------------

    async def _client(self, ref: ObjectRef) -> Any:
        client_of = getattr(self._resources, "client", None)
        if client_of is not None:
            return await client_of(ref.cluster)
        return await self._clusters.client(await self._clusters.get(ref.cluster))

    async def _member(self, name: str) -> MemberCluster:
        cluster_of = getattr(self._resources, "cluster", None)
        if cluster_of is not None:
            return await cluster_of(name)
        return await self._clusters.get(name)

    async def _guard_writes(self, refs: Sequence[ObjectRef], confirm: str | None) -> None:
        """Read-only refuses; every production cluster among the refs must be typed."""
        self._guard.check_writable()
        names = sorted({ref.cluster for ref in refs})
        members = [await self._member(name) for name in names]
        self._guard.check_confirmed(members, confirm)

    @staticmethod
    async def _get(client: Any, ref: ObjectRef) -> Obj:
        obj = await client.request("GET", ref.info.path(ref.namespace, ref.name))
        obj.setdefault("apiVersion", ref.info.api_version)
        obj.setdefault("kind", ref.info.kind)
        return obj

    @staticmethod
    async def _list(client: Any, group: str, version: str, plural: str,
                    namespace: str | None, label_selector: str | None = None,
                    field_selector: str | None = None) -> list[Obj]:
        base = f"/apis/{group}/{version}" if group else f"/api/{version}"
        path = f"{base}/namespaces/{namespace}/{plural}" if namespace else f"{base}/{plural}"
        answer = await client.list_path(path, label_selector=label_selector,
                                        field_selector=field_selector, limit=PAGE)
        return list(answer.get("items") or [])

    async def _events(self, client: Any, ref: ObjectRef, uid: str | None) -> list[EventRow]:
        """kubectl's search: involvedObject name, namespace, kind (and uid) in the object's
        namespace (every namespace for a cluster-scoped object)."""
        fields = [f"involvedObject.name={ref.name}",
                  f"involvedObject.namespace={ref.namespace or ''}",
                  f"involvedObject.kind={ref.info.kind}"]
        if uid:
            fields.append(f"involvedObject.uid={uid}")
        items = await self._list(client, "", "v1", "events", ref.namespace,
                                 field_selector=",".join(fields))
        return _describe.event_rows(items)


def _not_scalable(ref: ObjectRef) -> ValidationError:
    return ValidationError("kind", ref.info.kind,
                           t("objects.rule.not_scalable", kind=ref.info.kind),
                           t("objects.fix.not_scalable"))


def _names_object(exc: ResourceNotFound) -> bool:
    """A 404 about the object ("deployments.apps \\"web\\" not found"), not the path."""
    details = exc.body.get("details") if isinstance(exc.body, dict) else None
    return isinstance(details, dict) and bool(details.get("name"))


async def _tolerant(job: Callable[[], Awaitable[None]]) -> None:
    """A related list for describe: its failure leaves it unknown, not the description."""
    try:
        await job()
    except (KubeApiError, CcseoneError):
        pass


async def _outcome(ref: ObjectRef,
                   call: Callable[[ObjectRef], Awaitable[ActionOutcome]]) -> ActionOutcome:
    """``call(ref)``, a Kubernetes or connection failure turned into a failed outcome
    (a ValidationError still raises; the guard has run before)."""
    try:
        return await call(ref)
    except ValidationError:
        raise
    except CcseoneError as exc:  # an API answer, an unreachable or unknown cluster
        return failure(ref, exc)


__all__ = ["ActionOutcome", "ContainerInfo", "Drill", "EditConflict", "EditImmutableField",
           "EditParseError", "EditPlan", "EditSession", "EventRow", "ObjectsService",
           "kind_name"]

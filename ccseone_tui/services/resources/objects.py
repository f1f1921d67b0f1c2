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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

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
    from ccseone_tui.services.clusters.service import ClustersService
    from ccseone_tui.services.guard import Guard


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
        raise NotImplementedError

    async def yaml(self, ref: ObjectRef, *, managed_fields: bool = False,
                   reveal: bool = False) -> str:
        """The object as ``kubectl get -o yaml`` prints it (keys sorted). Unless
        ``managed_fields``, ``metadata.managedFields`` is folded into one comment line
        (``# managedFields: 4 entries folded``). A Secret's ``data`` values (and its
        last-applied annotation) are masked unless ``reveal`` (asked explicitly)."""
        raise NotImplementedError

    async def describe(self, ref: ObjectRef) -> str:
        """``kubectl describe``-like text: Name, Namespace, Labels, Annotations,
        CreationTimestamp, Controlled By, the kind's key fields (Pod, Deployment, ReplicaSet,
        StatefulSet, DaemonSet, Job, CronJob, Service, Node, Namespace, Secret, ConfigMap; any
        other kind: a top-level summary of spec and status and its conditions), then
        ``Events:`` (oldest first, newest last; ``<none>``). Headings are kubectl's English."""
        raise NotImplementedError

    async def events(self, ref: ObjectRef) -> list[EventRow]:
        """The core/v1 Events whose involvedObject is this object (by kind, name, namespace,
        and uid when the object still exists), oldest first."""
        raise NotImplementedError

    async def drill(self, ref: ObjectRef) -> Drill | None:
        """Where Enter on this row leads: Deployment → its ReplicaSets; ReplicaSet,
        StatefulSet, DaemonSet, Job → its Pods; CronJob → its Jobs; Node → the pods on it;
        Service → the pods its selector picks; Namespace → the pods in it. None for a Pod
        (the UI shows its containers) and for kinds that lead nowhere."""
        raise NotImplementedError

    async def containers(self, ref: ObjectRef) -> list[ContainerInfo]:
        """A pod's containers, init first, then main, then ephemeral, with their state."""
        raise NotImplementedError

    # ---- writes (guarded) ------------------------------------------------------------------

    async def delete(self, refs: Sequence[ObjectRef], *, confirm: str | None = None
                     ) -> list[ActionOutcome]:
        """Delete each object (propagation Background, as kubectl). Raises ``ReadOnlyMode``
        before anything when read-only, ``ConfirmationRequired``/``ConfirmationMismatch``
        when a production cluster among the refs' clusters was not typed in ``confirm``
        (names separated by commas). Otherwise one outcome per ref, in order; a failure
        (404, 403, 409 …) does not stop the others."""
        raise NotImplementedError

    async def scale(self, ref: ObjectRef, replicas: int, *, confirm: str | None = None
                    ) -> ActionOutcome:
        """Set the replicas through the ``/scale`` subresource. ``ValidationError`` (field,
        value, rule, fix) for replicas that is not an integer ≥ 0 or a kind that does not
        scale; guarded like ``delete``."""
        raise NotImplementedError

    async def restart(self, refs: Sequence[ObjectRef], *, confirm: str | None = None
                      ) -> list[ActionOutcome]:
        """``kubectl rollout restart``: set the pod template annotation
        ``kubectl.kubernetes.io/restartedAt`` to now (RFC 3339) on each Deployment,
        StatefulSet or DaemonSet; the controller rolls new pods. A ref of another kind
        raises ``ValidationError`` before anything is written; guarded like ``delete``."""
        raise NotImplementedError

    # ---- edit ----------------------------------------------------------------------------

    async def begin_edit(self, ref: ObjectRef) -> EditSession:
        """Read the object for ``$EDITOR``: YAML without managedFields (status kept, as
        ``kubectl edit``), and the resourceVersion the edit is based on. Refused when
        read-only (nothing could be applied)."""
        raise NotImplementedError

    def edit_diff(self, session: EditSession, edited_text: str) -> EditPlan:
        """Parse and check the edited text. ``EditParseError`` (line, column, problem) when it
        is not one YAML mapping; ``EditImmutableField`` when apiVersion, kind, metadata.name
        or metadata.namespace changed. Comments and formatting alone are no change."""
        raise NotImplementedError

    def edit_reopen_text(self, edited_text: str, error: BaseException) -> str:
        """The text to reopen the editor with after a failed parse or apply: the error as
        ``#`` comment lines on top (a previous error block replaced), the user's text kept."""
        raise NotImplementedError

    async def apply_edit(self, plan: EditPlan, *, confirm: str | None = None
                         ) -> ActionOutcome:
        """Replace (PUT) the object with the edited one at the session's resourceVersion.
        ``EditConflict`` when the object changed on the cluster since ``begin_edit`` (409):
        never forced. Other API failures (422 Invalid …) come back as a failed outcome with
        the server's message. Guarded like ``delete``. A plan without change is a no-op
        success."""
        raise NotImplementedError

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


__all__ = ["ActionOutcome", "ContainerInfo", "Drill", "EditConflict", "EditImmutableField",
           "EditParseError", "EditPlan", "EditSession", "EventRow", "ObjectsService"]

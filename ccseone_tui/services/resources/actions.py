"""Values and errors of the object actions (``objects.ObjectsService``): what describe,
events, drill-down, containers, delete/scale/restart and edit hand back to the TUI and CLI.

No ``kubernetes`` import and no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef


class EventRow(NamedTuple):
    """One core/v1 Event of an object, as ``kubectl describe`` lists it."""

    type: str  # Normal / Warning
    reason: str
    age: str  # since it was last seen, kubectl's duration ("3m12s"); "<unknown>" without time
    last_seen: float | None  # epoch seconds
    count: int
    source: str  # the reporting component ("kubelet", "default-scheduler" …)
    message: str


@dataclass(frozen=True, slots=True)
class Drill:
    """Where Enter on a row leads: open ``kind`` (a plural) on ``cluster`` filtered so.

    ``namespace=None`` means every namespace. When ``owner_uid`` is set, keep only rows whose
    metadata ``ownerReferences`` hold that uid (the selector alone may match the pods of a
    sibling or of a previous owner)."""

    kind: str
    cluster: str
    namespace: str | None
    label_selector: str | None
    field_selector: str | None
    owner_uid: str | None
    title: str
    group: str = ""  # the API group of ``kind`` ("" core, "apps", "batch")


class ContainerInfo(NamedTuple):
    """One container of a pod (init, main or ephemeral) with its live state."""

    name: str
    image: str
    kind: str  # "init" / "main" / "ephemeral"
    ready: bool
    state: str  # "Running" / "Waiting: CrashLoopBackOff" / "Terminated: Error (1)"
    restarts: int
    has_previous: bool  # a previous instance's logs may exist (restarted or terminated before)


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What one write did to one object. On failure ``message`` is the Kubernetes status
    message verbatim (or the cause when the cluster did not answer) and ``status`` its HTTP
    code (None when no answer)."""

    ref: ObjectRef
    ok: bool
    message: str
    status: int | None = None


@dataclass(frozen=True, slots=True)
class EditSession:
    """An object opened for editing: the YAML the editor starts from (managedFields dropped,
    status kept, as ``kubectl edit``) and the resourceVersion it was read at."""

    ref: ObjectRef
    original_text: str
    resource_version: str
    original: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


@dataclass(frozen=True, slots=True)
class EditPlan:
    """The edited text, parsed and checked: ``changed`` False means nothing to apply;
    ``diff`` is a unified diff (original → edited, both normalised the same way)."""

    session: EditSession
    edited: dict[str, Any] = field(repr=False)
    changed: bool
    diff: str


# ---- errors ------------------------------------------------------------------------------


class EditParseError(ValidationError):
    """The edited text is not one YAML mapping. ``line``/``column`` are 1-based (None when
    the parser gave no position); nothing was applied."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None
                 ) -> None:
        where = f"{line}:{column}" if line is not None else "-"
        super().__init__("yaml", where, problem, t("objects.fix.edit_parse"))
        self.line = line
        self.column = column
        self.problem = problem


class EditImmutableField(ValidationError):
    """The edit changed a field that names the object (apiVersion, kind, metadata.name,
    metadata.namespace): refused, nothing applied."""

    def __init__(self, field_: str, old: Any, new: Any) -> None:
        super().__init__(field_, new, t("objects.rule.immutable", old=old),
                         t("objects.fix.immutable", old=old))
        self.old = old
        self.new = new


class EditConflict(CcseoneError):
    """409 on apply: the object changed on the cluster since the edit was opened. Never
    forced; the user reopens the current version."""

    key = "objects.edit_conflict"
    fix_key = "objects.edit_conflict.fix"

    def __init__(self, ref: ObjectRef, api_message: str = "") -> None:
        self.ref = ref
        super().__init__(object=str(ref), api_message=api_message)


__all__ = ["ActionOutcome", "ContainerInfo", "Drill", "EditConflict", "EditImmutableField",
           "EditParseError", "EditPlan", "EditSession", "EventRow"]

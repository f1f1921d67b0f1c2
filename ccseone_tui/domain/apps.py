"""The application center's values and errors (SPEC §3.3.2, §4.1).

An app is published from a template to targets (cluster + namespace pairs). Every publish,
upgrade and rollback is a revision; each target's outcome of a revision is a revision result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import App, Revision

# Labels put on every object an app applies: how status, prune and delete find them again.
LABEL_NAME = "app.ccseone.io/name"
LABEL_INSTANCE = "app.ccseone.io/instance"
LABEL_REVISION = "app.ccseone.io/revision"
FIELD_MANAGER = "ccseone"
DRAFT = "Draft"

Mode = Literal["full", "batch"]


@dataclass(frozen=True)
class AppTarget:
    cluster: str  # cluster NAME
    namespace: str

    @property
    def key(self) -> str:
        """``cluster/namespace``: the target's name in tasks and revision results."""
        return f"{self.cluster}/{self.namespace}"

    @classmethod
    def parse(cls, text: str) -> AppTarget:
        """``cluster/namespace`` → AppTarget; ``ValidationError`` when malformed."""
        from ccseone_tui.domain.errors import ValidationError
        from ccseone_tui.i18n import t

        cluster, sep, namespace = text.strip().partition("/")
        if not sep or not cluster or not namespace or "/" in namespace:
            raise ValidationError("target", text, t("apps.rule.target"), t("apps.fix.target"))
        return cls(cluster, namespace)


@dataclass
class PublishRequest:
    name: str
    template: str
    version: str | None = None
    values_yaml: str = ""
    description: str = ""
    targets: list[AppTarget] = field(default_factory=list)
    mode: Mode = "full"
    batch_size: int | None = None
    message: str = ""


@dataclass
class AppRow:
    """One line of the app list, from the cache only (no network)."""

    app: App
    template: str  # template name
    targets: int
    healthy: int  # targets whose latest rollout succeeded
    total: int
    version: str = ""  # template version of the current revision (a draft's: what it will use)

    @property
    def summary(self) -> str:
        return f"{self.healthy}/{self.total}"


class TargetState(StrEnum):
    DEPLOYING = "Deploying"
    DEPLOYED = "Deployed"
    PROGRESSING = "Progressing"
    FAILED = "Failed"
    UNREACHABLE = "Unreachable"
    DRAFT = "Draft"  # not published yet: nothing deployed


@dataclass
class ResourceStatus:
    kind: str
    name: str
    ready: int | None = None  # None where readiness does not apply (Service, ConfigMap …)
    desired: int | None = None
    healthy: bool = True
    message: str = ""

    @property
    def readiness(self) -> str:
        return "" if self.desired is None else f"{self.ready or 0}/{self.desired}"


@dataclass
class EventRow:
    reason: str
    object: str  # Kind/name
    message: str
    age: float | None  # seconds since the event was last seen
    type: str = "Normal"


@dataclass
class TargetStatus:
    target: AppTarget
    revision: int  # the revision deployed there (0: none yet)
    state: TargetState
    resources: list[ResourceStatus] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    message: str = ""
    production: bool = False
    pods: list[ResourceStatus] = field(default_factory=list)  # of the app's workloads

    @property
    def healthy(self) -> bool:
        return self.state is TargetState.DEPLOYED


@dataclass
class AppStatus:
    app: App
    targets: list[TargetStatus]

    @property
    def healthy(self) -> int:
        return sum(1 for t in self.targets if t.healthy)

    @property
    def total(self) -> int:
        return len(self.targets)

    @property
    def summary(self) -> str:
        """``Deployed 6/6``, ``Progressing 5/6`` … (what the app list shows)."""
        states = {t.state for t in self.targets}
        if not self.targets:
            word = self.app.status
        elif states == {TargetState.DEPLOYED}:
            word = "Deployed"
        elif TargetState.DEPLOYING in states:
            word = "Deploying"
        elif TargetState.FAILED in states or TargetState.UNREACHABLE in states:
            word = "Degraded"
        else:
            word = "Progressing"
        return f"{word} {self.healthy}/{self.total}"


@dataclass
class RevisionRow:
    revision: Revision
    results: dict[str, tuple[str, str]]  # "cluster/ns" -> (status, message)

    @property
    def number(self) -> int:
        return self.revision.number

    @property
    def message(self) -> str:
        return self.revision.message

    @property
    def author(self) -> str:
        return self.revision.author

    @property
    def created_at(self) -> float:
        return self.revision.created_at


@dataclass
class TargetPlan:
    """Old and new rendered manifests of one target, for Compare (multi-doc YAML)."""

    target: AppTarget
    old: str
    new: str
    error: str | None = None  # the new side could not be rendered/prepared


@dataclass
class TargetObjects:
    """What deleting an app removes from one target (live, by the app labels)."""

    target: AppTarget
    objects: list[str]  # Kind/name
    production: bool = False
    error: str | None = None


def draft_options(req: PublishRequest) -> dict[str, Any]:
    return {"mode": req.mode, "batch_size": req.batch_size, "message": req.message}


# ---- errors -------------------------------------------------------------------------------


class AppError(CcseoneError):
    """Base of the application center's errors."""


class AppExists(AppError):
    key = "apps.error.exists"
    fix_key = "apps.error.exists.fix"


class AppNotFound(AppError):
    key = "apps.error.not_found"
    fix_key = "apps.error.not_found.fix"


class RevisionNotFound(AppError):
    key = "apps.error.revision_not_found"
    fix_key = "apps.error.revision_not_found.fix"


class NoTargets(AppError):
    key = "apps.error.no_targets"
    fix_key = "apps.error.no_targets.fix"


class TargetClusterUnknown(AppError):
    key = "apps.error.cluster_unknown"
    fix_key = "apps.error.cluster_unknown.fix"


class TargetNamespaceMissing(AppError):
    key = "apps.error.namespace_missing"
    fix_key = "apps.error.namespace_missing.fix"


class KindNotServed(AppError):
    key = "apps.error.kind_not_served"
    fix_key = "apps.error.kind_not_served.fix"


class ApplyConflict(AppError):
    """Server-side apply refused: fields are owned by another manager."""

    key = "apps.error.conflict"
    fix_key = "apps.error.conflict.fix"


class VersionUnknown(AppError):
    key = "apps.error.version_unknown"
    fix_key = "apps.error.version_unknown.fix"


class AppIsDraft(AppError):
    key = "apps.error.is_draft"
    fix_key = "apps.error.is_draft.fix"


class AppNotDraft(AppError):
    key = "apps.error.not_draft"
    fix_key = "apps.error.not_draft.fix"


class DryRunFailed(AppError):
    """The server-side dry run refused on some targets: nothing was applied anywhere."""

    key = "apps.error.dry_run"
    fix_key = "apps.error.dry_run.fix"

    def __init__(self, app: str, errors: dict[str, str]) -> None:
        self.errors = errors
        failed = {k: v for k, v in errors.items() if v}
        detail = "; ".join(f"{k}: {v}" for k, v in failed.items())
        super().__init__(app=app, count=len(failed), total=len(errors), detail=detail)


class NothingToRetry(AppError):
    key = "apps.error.nothing_to_retry"


class RetryStale(AppError):
    """The task rolled out a revision that is no longer the app's current one."""

    key = "apps.error.retry_stale"
    fix_key = "apps.error.retry_stale.fix"


class NotAnAppTask(AppError):
    key = "apps.error.not_app_task"

"""Fleet namespaces (SPEC §3.2): the spec a user writes, where each cluster stands, and the
errors specific to namespaces. Nothing here does I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.models import FleetNamespace, MemberCluster
from ccseone_tui.i18n import t

# What ccseone writes on every member; the names are part of the contract with the clusters.
INSTANCE_LABEL = "ccseone.io/instance"
PRIORITY_LABEL = "ccseone.io/task-priority"
QUOTA_NAME = "ccseone-quota"
FIELD_MANAGER = "ccseone"
# Selector keys that match a cluster's own attributes instead of its labels.
SOURCE_KEY = "ccseone.io/source"
REGION_KEY = "ccseone.io/region"
RESERVED_LABEL_PREFIX = "ccseone.io/"


class SyncState(enum.StrEnum):
    SYNCED = "Synced"
    MISSING = "Missing"  # no namespace there
    DRIFTED = "Drifted"  # the labels or the quota ccseone set differ
    TERMINATING = "Terminating"
    ERROR = "Error"  # the API refused; the message keeps its words
    UNREACHABLE = "Unreachable"
    PENDING = "Pending"  # not applied yet (in progress, or the cluster waits for registration)

    @property
    def repairable(self) -> bool:
        return self in (SyncState.MISSING, SyncState.DRIFTED)


@dataclass
class NamespaceSpec:
    """What the create/edit forms and ``ccseone ns create`` collect; validated by the service.
    ``priority`` may be the text typed; empty ``cpu_limit``/``memory_limit`` = no limit."""

    name: str
    priority: int | str = 0
    selector: dict[str, str] = field(default_factory=dict)  # empty: every cluster
    labels: dict[str, str] = field(default_factory=dict)
    cpu_limit: str | None = None
    memory_limit: str | None = None

    @classmethod
    def of(cls, ns: FleetNamespace) -> NamespaceSpec:
        return cls(name=ns.name, priority=ns.priority, selector=dict(ns.selector),
                   labels=dict(ns.labels), cpu_limit=ns.cpu_limit,
                   memory_limit=ns.memory_limit)


@dataclass
class ClusterSync:
    cluster: MemberCluster
    state: SyncState
    message: str = ""
    updated_at: float | None = None


@dataclass
class NamespaceStatus:
    namespace: FleetNamespace
    clusters: list[ClusterSync]

    @property
    def synced(self) -> int:
        return sum(1 for c in self.clusters if c.state is SyncState.SYNCED)

    @property
    def total(self) -> int:
        return len(self.clusters)

    @property
    def summary(self) -> str:
        return f"{self.synced}/{self.total}"

    def by_state(self, *states: SyncState) -> list[ClusterSync]:
        return [c for c in self.clusters if c.state in states]


@dataclass
class ClusterContents:
    """What deleting the namespace would destroy on one cluster."""

    cluster: MemberCluster
    reachable: bool
    workloads: int
    by_kind: dict[str, int]
    production: bool
    message: str = ""
    present: bool = True  # the namespace exists there


def quota_hard(cpu: str | None, memory: str | None) -> dict[str, str]:
    """``ResourceQuota.spec.hard`` for the limits: requests are the same as the limits, so the
    namespace can never ask for more than it may use."""
    hard: dict[str, str] = {}
    if cpu:
        hard["limits.cpu"] = cpu
        hard["requests.cpu"] = cpu
    if memory:
        hard["limits.memory"] = memory
        hard["requests.memory"] = memory
    return hard


# ---- errors -----------------------------------------------------------------------------


class NamespaceExists(ValidationError):
    """The instance already has a fleet namespace of that name (a form field error)."""

    def __init__(self, name: str, instance: str) -> None:
        super().__init__("name", name, t("ns.rule.unique", instance=instance),
                         t("ns.fix.unique", instance=instance))


class ReservedLabel(ValidationError):
    def __init__(self, field: str, key: str) -> None:
        super().__init__(field, key, t("ns.rule.reserved_label", prefix=RESERVED_LABEL_PREFIX),
                         t("ns.fix.reserved_label"))


class SelectorKeyInvalid(ValidationError):
    def __init__(self, key: str, value: str, allowed: str) -> None:
        super().__init__(f"selector[{key}]", value, t("ns.rule.selector_value", key=key,
                                                      allowed=allowed))


class NamespaceNotFound(CcseoneError):
    key = "ns.error.not_found"
    fix_key = "ns.error.not_found.fix"

    def __init__(self, name: str, instance: str) -> None:
        super().__init__(name=name, instance=instance)


class NamespaceExistsUnmanaged(CcseoneError):
    """The member already has a namespace of that name that ccseone did not create."""

    key = "ns.error.unmanaged"
    fix_key = "ns.error.unmanaged.fix"

    def __init__(self, cluster: str, name: str, owner: str = "") -> None:
        self.cluster = cluster
        super().__init__(cluster=cluster, name=name,
                         owner=t("ns.owner.instance", owner=owner) if owner
                         else t("ns.owner.none"))


class NamespaceTerminating(CcseoneError):
    key = "ns.error.terminating"
    fix_key = "ns.error.terminating.fix"

    def __init__(self, cluster: str, name: str) -> None:
        super().__init__(cluster=cluster, name=name)


class NotRetryable(CcseoneError):
    key = "ns.error.not_retryable"
    fix_key = "ns.error.not_retryable.fix"

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(task=task_id, reason=reason)


class ClusterWaiting(CcseoneError):
    """A created cluster not registered yet: it gets the namespace when it registers."""

    key = "ns.error.waiting"

    def __init__(self, cluster: str) -> None:
        super().__init__(cluster=cluster)


def drift_text(differences: list[tuple[str, Any, Any]]) -> str:
    """``[(what, want, have)]`` → one line: ``labels[team]: want 'a', have 'b'; …``."""
    parts = []
    for what, want, have in differences:
        parts.append(t("ns.drift.item", what=what,
                       want="—" if want is None else repr(want),
                       have="—" if have is None else repr(have)))
    return "; ".join(parts)

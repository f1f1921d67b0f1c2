"""Checking a ``NamespaceSpec`` and deciding which clusters a selector picks.

A selector is ``{key: value}``, every pair must match; empty picks every cluster of the
instance. Keys match the cluster's labels, except two reserved keys that match what the
console knows of the cluster: ``ccseone.io/source`` (kubeconfig, registered, ccse,
other-cloud, idc) and ``ccseone.io/region``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.models import ClusterSource, MemberCluster
from ccseone_tui.domain.namespaces import (
    REGION_KEY,
    RESERVED_LABEL_PREFIX,
    SOURCE_KEY,
    NamespaceSpec,
    ReservedLabel,
    SelectorKeyInvalid,
)
from ccseone_tui.domain.validation import (
    check_labels,
    check_namespace_name,
    check_priority,
    check_quantity,
)
from ccseone_tui.i18n import t
from ccseone_tui.services.guard import selector_matches


@dataclass
class CheckedSpec:
    """A spec that passed every rule, in the form the record stores."""

    name: str
    priority: int
    selector: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    cpu_limit: str | None = None
    memory_limit: str | None = None


def _limit(value: str | None, field_name: str) -> str | None:
    if value is None or not str(value).strip():
        return None  # empty: no limit
    return check_quantity(str(value), field_name)


def _labels(labels: dict[str, str]) -> dict[str, str]:
    checked = check_labels({str(k).strip(): str(v).strip() for k, v in labels.items()},
                           "labels")
    for key in checked:
        if key.startswith(RESERVED_LABEL_PREFIX):
            raise ReservedLabel(f"labels[{key}]", key)
    return checked


def _selector(selector: dict[str, str]) -> dict[str, str]:
    checked = check_labels({str(k).strip(): str(v).strip() for k, v in selector.items()},
                           "selector")
    sources = [s.value for s in ClusterSource]
    if SOURCE_KEY in checked and checked[SOURCE_KEY] not in sources:
        raise SelectorKeyInvalid(SOURCE_KEY, checked[SOURCE_KEY], ", ".join(sources))
    return checked


def check_spec(spec: NamespaceSpec) -> CheckedSpec:
    """Every field rule, in form order; the first failure raises ``ValidationError``."""
    name = check_namespace_name(str(spec.name).strip(), "name")
    return CheckedSpec(
        name=name,
        priority=check_priority(spec.priority, "priority"),
        selector=_selector(dict(spec.selector or {})),
        labels=_labels(dict(spec.labels or {})),
        cpu_limit=_limit(spec.cpu_limit, "cpu_limit"),
        memory_limit=_limit(spec.memory_limit, "memory_limit"),
    )


def check_leaving(leaving: str) -> str:
    if leaving not in ("keep", "delete"):
        raise ValidationError("leaving", leaving, t("ns.rule.leaving"))
    return leaving


def cluster_attributes(cluster: MemberCluster) -> dict[str, str]:
    """What a selector is matched against: the labels plus the two reserved keys."""
    return {**cluster.labels, SOURCE_KEY: str(cluster.source.value),
            REGION_KEY: cluster.region}


def matches(cluster: MemberCluster, selector: dict[str, str]) -> bool:
    if not selector:
        return True
    return selector_matches([(k, "=", v) for k, v in selector.items()],
                            cluster_attributes(cluster))


def selector_text(selector: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(selector.items())) or "(all)"

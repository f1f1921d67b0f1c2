"""Checking a publish/upgrade request before anything is rendered or sent (no network except
the template's version list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccseone_tui.domain.apps import (
    AppTarget,
    NoTargets,
    PublishRequest,
    TargetClusterUnknown,
    VersionUnknown,
)
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.limits import check_description, check_message
from ccseone_tui.domain.models import MemberCluster, Template
from ccseone_tui.domain.validation import (
    check_resource_name,
    is_compliant_name,
    suggest_name,
)
from ccseone_tui.i18n import t
from ccseone_tui.templates.render import parse_values


@dataclass
class Checked:
    template: Template
    version: str  # resolved: the newest when none was asked (templates that know versions)
    values: dict[str, Any]
    targets: list[AppTarget]


async def resolve_version(templates: Any, template: Template, version: str | None) -> str:
    """``version`` if the template has it (``VersionUnknown`` otherwise), else its newest.
    Templates that cannot list versions accept what was asked. The template service's
    own resolver wins when it has one (it records a git ref's commit, the newest chart …)."""
    resolver = getattr(templates, "resolve_version", None)
    if resolver is not None:
        return str(await resolver(template, version or None))
    lister = getattr(templates, "versions", None)
    if lister is None:
        return version or ""
    try:
        versions = [str(v) for v in await lister(template)]
    except NotImplementedError:
        return version or ""
    if not version:
        return versions[0] if versions else ""
    if versions and version not in versions:
        raise VersionUnknown(template=template.name, version=version,
                             available=", ".join(versions[:20]))
    return version


def check_targets(name: str, instance: str, targets: list[AppTarget],
                  clusters: dict[str, MemberCluster], *, allow_empty: bool = False
                  ) -> list[AppTarget]:
    unique = list(dict.fromkeys(targets))
    if not unique and not allow_empty:
        raise NoTargets(name=name)
    for target in unique:
        if target.cluster not in clusters:
            raise TargetClusterUnknown(target=target.key, cluster=target.cluster,
                                       instance=instance,
                                       available=", ".join(sorted(clusters)) or "-")
        if not is_compliant_name(target.namespace):
            raise ValidationError("target", target.key, t("rule.dns1123_label"),
                                  t("fix.dns1123_label", suggestion=f"{target.cluster}/"
                                    f"{suggest_name(target.namespace)}"))
    return unique


def check_mode(mode: str, batch_size: int | None) -> None:
    if mode not in ("full", "batch"):
        raise ValidationError("mode", mode, t("apps.rule.mode"), t("apps.fix.mode"))
    if mode == "batch" and (batch_size is None or int(batch_size) < 1):
        raise ValidationError("batch_size", batch_size, t("apps.rule.batch_size"),
                              t("apps.fix.batch_size"))


async def check_request(req: PublishRequest, instance: str, clusters: dict[str, MemberCluster],
                        templates: Any, *, draft: bool = False) -> Checked:
    """Name (DNS-1123), template, version, values YAML (line/column), targets, mode."""
    check_resource_name(req.name, "name")
    check_description(req.description)
    check_message(req.message)
    template = await templates.get(req.template)
    values = parse_values(req.values_yaml)
    targets = check_targets(req.name, instance, list(req.targets), clusters, allow_empty=draft)
    check_mode(req.mode, req.batch_size)
    version = (req.version or "") if draft else await resolve_version(
        templates, template, req.version)
    return Checked(template, version, values, targets)

"""Validation the real API server performs on writes, with its 422 wording, for the fields
clients most often get wrong (names, labels, workload selectors, pod containers)."""

from __future__ import annotations

import re
from typing import Any

from ccseone_tui.sandbox.resources import ResourceType
from ccseone_tui.sandbox.selectors import selector_matches
from ccseone_tui.sandbox.status import ApiError, invalid, required

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

# Kinds whose names must be DNS labels rather than subdomains.
_LABEL_NAMED = frozenset({"namespaces"})
_DNS1035_NAMED = frozenset({"services"})


def validate_name(rt: ResourceType, name: str) -> None:
    if rt.plural in _DNS1035_NAMED:
        ok, msg, limit = _DNS1035.match(name), DNS1035_MSG, 63
    elif rt.plural in _LABEL_NAMED:
        ok, msg, limit = _LABEL.match(name), LABEL_MSG, 63
    else:
        ok, msg, limit = _SUBDOMAIN.match(name), SUBDOMAIN_MSG, 253
    if not ok:
        raise invalid(rt.kind, rt.group, name, [("metadata.name", name, msg)])
    if len(name) > limit:
        raise invalid(
            rt.kind, rt.group, name,
            [("metadata.name", name, f"must be no more than {limit} characters")],
        )


def _validate_labels(rt: ResourceType, name: str, labels: Any, field: str) -> None:
    if labels is None:
        return
    if not isinstance(labels, dict):
        raise ApiError(400, "BadRequest", f"{field} must be a map of strings")
    for k, v in labels.items():
        key_name = k.rsplit("/", 1)[-1]
        if not _QUALIFIED.match(key_name) or len(key_name) > 63:
            raise invalid(rt.kind, rt.group, name, [(field, k, "name part must consist of "
                          "alphanumeric characters, '-', '_' or '.', and must start and end "
                          "with an alphanumeric character")])
        if not isinstance(v, str) or not _LABEL_VALUE.match(v) or len(v) > 63:
            raise invalid(rt.kind, rt.group, name, [(field, str(v), _LABEL_VALUE_MSG)])


def _validate_pod_spec(rt: ResourceType, name: str, spec: Any, field: str) -> None:
    containers = (spec or {}).get("containers")
    if not containers:
        raise required(rt.kind, rt.group, name, f"{field}.containers")
    for i, c in enumerate(containers):
        if not c.get("name"):
            raise required(rt.kind, rt.group, name, f"{field}.containers[{i}].name")
        if not c.get("image"):
            raise required(rt.kind, rt.group, name, f"{field}.containers[{i}].image")


def validate_object(rt: ResourceType, obj: dict[str, Any]) -> None:
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    _validate_labels(rt, name, meta.get("labels"), "metadata.labels")
    spec = obj.get("spec")
    if rt.group == "" and rt.plural == "pods":
        _validate_pod_spec(rt, name, spec, "spec")
    elif rt.group in ("apps", "batch") and rt.plural != "cronjobs":
        spec = spec or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        _validate_pod_spec(rt, name, template.get("spec"), "spec.template.spec")
        if rt.group == "apps":
            if not spec.get("selector"):
                raise required(rt.kind, rt.group, name, "spec.selector")
            if not selector_matches(spec["selector"], labels):
                raise invalid(
                    rt.kind, rt.group, name,
                    [("spec.template.metadata.labels", str(labels),
                      "`selector` does not match template `labels`")],
                )
        replicas = spec.get("replicas")
        if isinstance(replicas, int) and replicas < 0:
            raise invalid(rt.kind, rt.group, name, [("spec.replicas", str(replicas),
                          "must be greater than or equal to 0")])
    elif rt.group == "apiextensions.k8s.io":
        spec = spec or {}
        names = spec.get("names") or {}
        want = f"{names.get('plural', '')}.{spec.get('group', '')}"
        if name != want:
            raise invalid(rt.kind, rt.group, name, [("metadata.name", name,
                          "must be spec.names.plural+\".\"+spec.group")])
        if not spec.get("versions"):
            raise required(rt.kind, rt.group, name, "spec.versions")

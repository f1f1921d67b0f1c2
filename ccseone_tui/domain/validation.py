"""Validation rules for names, labels, quantities, priorities and versions.

Each ``check_*`` raises :class:`ValidationError` (or the §6.1 type) naming the field, the
value, the rule and the fix; each ``is_*`` answers yes/no for validate-as-you-type forms.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ccseone_tui.domain.errors import NameNotCompliant, ValidationError
from ccseone_tui.i18n import t

if TYPE_CHECKING:
    from decimal import Decimal

# §6.1: letters, digits and '-', starting and ending with a letter or digit. Kubernetes object
# names in the console are lower-case DNS-1123 labels, so instances and clusters follow that.
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_QUANTITY = re.compile(
    r"^(?P<num>[0-9]+(\.[0-9]*)?|\.[0-9]+)(?P<suffix>[A-Za-z]*|[eE][-+]?[0-9]+)$"
)
_QUANTITY_SUFFIXES = {
    "": 1,
    "m": "0.001",  # a Decimal in parse_quantity (decimal is imported there, on first use)
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}

RESERVED_NAMESPACES = frozenset(
    {"default", "kube-system", "kube-public", "kube-node-lease", "ccseone-system"}
)
MIN_KUBERNETES_VERSION = (1, 19, 0)


def is_compliant_name(name: str, max_len: int = 63) -> bool:
    return 0 < len(name) <= max_len and bool(_NAME.match(name))


def check_resource_name(name: str, field: str = "name", max_len: int = 63) -> str:
    """An instance or cluster name (§6.1 'cluster name not compliant')."""
    if not is_compliant_name(name, max_len):
        raise NameNotCompliant(field=field, value=name, max_len=max_len)
    return name


def suggest_name(text: str, max_len: int = 63) -> str:
    """The nearest DNS-1123 label to ``text`` (``Shop_1`` → ``shop-1``), for a fix hint."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.strip().lower()).strip("-")
    return name[:max_len].rstrip("-") or "my-name"


def name_fix(text: str, max_len: int = 63) -> str:
    """The fix of a name that is not a DNS-1123 label: a compliant name to use instead."""
    return t("fix.dns1123_label", suggestion=suggest_name(text, max_len))


def check_namespace_name(name: str, field: str = "name") -> str:
    if not is_compliant_name(name, 63):
        raise ValidationError(field, name, t("rule.dns1123_label"), name_fix(name))
    if name in RESERVED_NAMESPACES:
        raise ValidationError(field, name, t("rule.reserved_namespace", names=", ".join(
            sorted(RESERVED_NAMESPACES))), t("fix.reserved_namespace", name=name))
    return name


def is_label_key(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(_LABEL_NAME.match(name))


def is_label_value(value: str) -> bool:
    return value == "" or (len(value) <= 63 and bool(_LABEL_NAME.match(value)))


def check_labels(labels: dict[str, str], field: str = "labels") -> dict[str, str]:
    for key, value in labels.items():
        if not is_label_key(key):
            raise ValidationError(f"{field}[{key}]", key, t("rule.label_key"),
                                  t("fix.label_key"))
        if not is_label_value(value):
            raise ValidationError(f"{field}[{key}]", value, t("rule.label_value"),
                                  t("fix.label_value"))
    return labels


def parse_labels(text: str, field: str = "labels") -> dict[str, str]:
    """``a=b,c=d`` (commas or whitespace) into a dict, validated."""
    labels: dict[str, str] = {}
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValidationError(field, part, t("rule.label_pair"), t("fix.label_pair"))
        labels[key.strip()] = value.strip()
    return check_labels(labels, field)


def parse_quantity(text: str) -> Decimal | None:
    """A Kubernetes quantity as a number, or ``None`` if it is not one."""
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    from decimal import Decimal, InvalidOperation

    suffix = m.group("suffix")
    try:
        number = Decimal(m.group("num"))
        if suffix[:1] in ("e", "E") and len(suffix) > 1:
            return number * (Decimal(10) ** int(suffix[1:]))
        if suffix not in _QUANTITY_SUFFIXES:
            return None
        return number * Decimal(_QUANTITY_SUFFIXES[suffix])
    except (InvalidOperation, ValueError):
        return None


def check_quantity(text: str, field: str) -> str:
    """A positive Kubernetes quantity (``500m``, ``2``, ``4Gi``); ``4GB``, ``-1``, ``0`` fail."""
    value = parse_quantity(text)
    if value is None:
        # "4GB" / "512MB": the user meant the binary unit; say which one to write
        m = re.match(r"^\s*([0-9.]+)\s*([KMGTPE])i?B\s*$", text, re.IGNORECASE)
        fix = (t("fix.quantity_unit", suggestion=f"{m.group(1)}{m.group(2).upper()}i")
               if m else t("fix.quantity"))
        raise ValidationError(field, text, t("rule.quantity"), fix)
    if value <= 0:
        raise ValidationError(field, text, t("rule.quantity_positive"),
                              t("fix.quantity_positive"))
    return text.strip()


def check_priority(value: str | int, field: str = "priority") -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, value, t("rule.priority"), t("fix.priority")) from None
    if not 0 <= number <= 9999:
        raise ValidationError(field, value, t("rule.priority"), t("fix.priority"))
    return number


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``v1.28.3``, ``v1.28.3-eks-1``, ``1.19`` → (major, minor, patch); ``None`` if unreadable."""
    m = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def is_supported_version(text: str) -> bool:
    parsed = parse_version(text)
    return parsed is not None and parsed >= MIN_KUBERNETES_VERSION

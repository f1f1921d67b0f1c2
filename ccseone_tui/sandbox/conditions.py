"""``metav1.Condition`` lists as controllers keep them (apimachinery's meta.SetStatusCondition):
lastTransitionTime changes only when the status does."""

from __future__ import annotations

from typing import Any

from ccseone_tui.sandbox.clock import rfc3339

Condition = dict[str, Any]


def find(conditions: list[Condition] | None, type_: str) -> Condition | None:
    return next((c for c in conditions or () if c.get("type") == type_), None)


def is_true(conditions: list[Condition] | None, type_: str) -> bool:
    c = find(conditions, type_)
    return c is not None and c.get("status") == "True"


def set_condition(
    conditions: list[Condition] | None,
    type_: str,
    status: str,
    reason: str,
    message: str,
    observed_generation: int | None = None,
) -> list[Condition]:
    """A new list with ``type_`` set (the input is not modified)."""
    out = [dict(c) for c in conditions or ()]
    old = find(out, type_)
    new: Condition = {"type": type_, "status": status, "reason": reason, "message": message,
                      "lastTransitionTime": rfc3339()}
    if observed_generation is not None:
        new["observedGeneration"] = observed_generation
    if old is None:
        out.append(new)
        return out
    if old.get("status") == status:
        new["lastTransitionTime"] = old.get("lastTransitionTime", new["lastTransitionTime"])
    old.clear()
    old.update(new)
    return out

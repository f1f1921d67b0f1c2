"""Revisions and their per-target results, read from the cache: which revision each target
runs, what each revision applied where.

Revision 0 is a draft's slot: it holds what the draft will publish (template version, values;
its ``manifests`` is ``{"draft": {mode, batch_size, message}}``) and, when a publish stopped
at the dry run, its per-target errors as revision results. Published revisions count from 1.
"""

from __future__ import annotations

import json
from typing import Any

from ccseone_tui.domain.apps import RevisionNotFound, RevisionRow
from ccseone_tui.domain.models import App, Revision, TaskStatus
from ccseone_tui.services.apps.manifests import decode

SUCCEEDED = TaskStatus.SUCCEEDED.value


async def revisions(store: Any, app: App) -> list[Revision]:
    """Published revisions, oldest first (the draft slot left out)."""
    return [r for r in await store.list_revisions(app.id) if r.number > 0]


async def rows(store: Any, app: App) -> list[RevisionRow]:
    """History, newest first, each with its per-target results."""
    out = []
    for rev in reversed(await revisions(store, app)):
        out.append(RevisionRow(rev, await store.revision_results(app.id, rev.number)))
    return out


async def get(store: Any, app: App, number: int) -> Revision:
    rev = await store.get_revision(app.id, number) if number > 0 else None
    if rev is None:
        available = ", ".join(str(r.number) for r in await revisions(store, app)) or "-"
        raise RevisionNotFound(name=app.name, revision=number, available=available)
    return rev


async def deployed(store: Any, app: App) -> dict[str, int]:
    """target → the newest revision that succeeded there."""
    out: dict[str, int] = {}
    for rev in await revisions(store, app):
        for target, (status, _) in (await store.revision_results(app.id, rev.number)).items():
            if status == SUCCEEDED:
                out[target] = rev.number
    return out


async def deployed_texts(store: Any, app: App) -> dict[str, str]:
    """target → the manifests text running there (per :func:`deployed`)."""
    by_number: dict[int, dict[str, str]] = {}
    out: dict[str, str] = {}
    for target, number in (await deployed(store, app)).items():
        if number not in by_number:
            rev = await store.get_revision(app.id, number)
            by_number[number] = decode(rev.manifests) if rev else {}
        out[target] = by_number[number].get(target, "")
    return out


async def all_texts(store: Any, app: App) -> dict[str, list[str]]:
    """target → every text any revision put there (to know every kind that may be left);
    read once per operation, not once per target."""
    out: dict[str, list[str]] = {}
    for rev in await revisions(store, app):
        for target, text in decode(rev.manifests).items():
            out.setdefault(target, []).append(text)
    return out


def draft_options(rev: Revision | None) -> dict[str, Any]:
    if rev is None:
        return {}
    try:
        data = json.loads(rev.manifests or "{}")
    except json.JSONDecodeError:
        return {}
    return dict(data.get("draft") or {}) if isinstance(data, dict) else {}

"""English plurals. Chinese has none to make; English messages say "{count} clusters" and
"object(s)", which read wrong for one ("1 clusters", "1 object(s)"). ``english(key, text,
count)`` picks the singular wording for one and drops the "(s)" hedge either way."""

from __future__ import annotations

import re

# singular forms of messages whose plural is not just "(s)" (a verb agrees, or no hedge)
ONE: dict[str, str] = {
    "view.count": "{count} row",
    "view.count.instances": "{count} instance",
    "view.count.clusters": "{count} cluster, {ready} ready",
    "view.count.namespaces": "{count} namespace",
    "view.count.apps": "{count} app",
    "view.count.templates": "{count} template",
    "view.count.tasks": "{count} task",
    "console.instance.delete.attached": "{count} cluster is attached to it:",
    "console.instance.delete.detach": "Detach this cluster too (nothing on it is changed)",
    "delete.apps_deployed": "{count} app is still deployed on cluster {cluster!r}: {apps}",
    "diff.cli.fold": "⋯ {count} unchanged line",
    "diff.fold": "⋯ {count} unchanged line — press Enter/z to expand",
    "diff.position.before": "{count} change · {key}",
    "fleet.status.unreachable_many": "{count} cluster unreachable: {detail}",
    "logs.saved": "Wrote {count} line to {path}",
    "logs.status.lines": "{count} line",
    "ns.cli.holding": ("namespace {name} still holds {count} workload; deleting it destroys it "
                       "— add --yes to go ahead"),
    "ns_ui.adopt.title": "Namespace {name} already exists on {count} cluster, not created by "
                         "ccseone",
    "ns_ui.confirm.create": "Create namespace {name} on {count} cluster?",
    "ns_ui.confirm.edit": "Apply the changes to {name} on {count} cluster?",
    "ns_ui.count": "{count} namespace · {synced} fully synced",
    "ns_ui.delete.unreachable_note": ("{count} cluster did not answer: what it holds is "
                                      "unknown, and it is deleted from when it answers a "
                                      "retry."),
    "ns_ui.form.matches": "matches {count} cluster: {names}",
    "ns_ui.leaving.title": "{count} cluster no longer in namespace {name}'s selection",
    "ns_ui.repair.title": "Repair namespace {name} on {count} cluster?",
    "ns_ui.retry.title": "Retry namespace {name} on the failed cluster?",
    "instance.delete.has_clusters": "Control instance {name!r} still has {count} cluster "
                                    "attached",
    "template.error.in_use": "template {template} is used by {count} app: {apps}",
}

_HEDGE = re.compile(r"\(s\)")


def english(key: str, text: str, count: object) -> str:
    if isinstance(count, bool) or not isinstance(count, int):
        return text
    if count == 1:
        text = ONE.get(key, text)
        return _HEDGE.sub("", text)
    return _HEDGE.sub("s", text)

"""The console's navigation: which sections exist, their group, label and jump key.

One table drives the sidebar, the number-key bindings, the command palette and the help
screen, so the four can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    id: str  # also the id of the view in the content switcher
    label_key: str  # i18n key of the sidebar label
    group_key: str  # i18n key of the sidebar group header
    key: str  # the number key that jumps here
    help_key: str  # i18n key of the one-line description (palette, help)


SECTIONS: tuple[Section, ...] = (
    Section("instances", "nav.instances", "nav.group.clusters", "1", "nav.instances.help"),
    Section("clusters", "nav.clusters", "nav.group.clusters", "2", "nav.clusters.help"),
    Section("namespaces", "nav.namespaces", "nav.group.clusters", "3", "nav.namespaces.help"),
    Section("fleet", "nav.fleet", "nav.group.clusters", "4", "nav.fleet.help"),
    Section("apps", "nav.apps", "nav.group.apps", "5", "nav.apps.help"),
    Section("templates", "nav.templates", "nav.group.apps", "6", "nav.templates.help"),
    Section("tasks", "nav.tasks", "nav.group.ops", "7", "nav.tasks.help"),
    Section("logs", "nav.logs", "nav.group.ops", "8", "nav.logs.help"),
)

SECTION_IDS: tuple[str, ...] = tuple(s.id for s in SECTIONS)
START_SECTION = "clusters"  # the fleet at a glance is what an on-call engineer opens for


def section(section_id: str) -> Section:
    for s in SECTIONS:
        if s.id == section_id:
            return s
    raise KeyError(section_id)

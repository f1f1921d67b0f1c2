"""Messages by area. Each module holds ``EN`` and ``ZH`` side by side so a translation is
written next to its source and a test can prove both have the same keys."""

from __future__ import annotations

import importlib

AREAS = ("errors", "shell", "clusters", "kube", "sandbox", "cli", "logs", "fleet", "console",
         "namespaces", "ns_ui", "templates", "templates_ui", "apps", "apps_ui", "diff", "ocm",
         "limits", "resilience", "tasks_ui", "ocm_ui", "polish", "objects", "resources_read",
         "remote", "resource_cli", "resource_ui", "fleet_ui")


def merged(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for area in AREAS:
        module = importlib.import_module(f"ccseone_tui.i18n.messages.{area}")
        out.update(getattr(module, lang))
    return out

"""Bindings whose descriptions are i18n keys, translated when a widget is created.

``BINDINGS`` are evaluated when a module is imported, which may be before the CLI has chosen
the language (and tests switch language between apps in one process). So descriptions and
group names hold i18n keys, and every shell widget calls :func:`localize_bindings` in its
``__init__`` to swap in the text of the current language. Textual keeps the per-instance
bindings in ``_bindings`` (a ``BindingsMap``); replacing it is the one private touch.
"""

from __future__ import annotations

from dataclasses import replace

from textual._context import active_app
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from ccseone_tui.i18n import t

SECTIONS_GROUP = Binding.Group("key.sections", compact=True)


def _localize(binding: Binding) -> Binding:
    group = binding.group
    if group is not None:
        group = replace(group, description=t(group.description))
    return replace(
        binding,
        description=t(binding.description) if binding.description else "",
        tooltip=t(binding.tooltip) if binding.tooltip else "",
        group=group,
    )


# The bindings (by id) that write: in read-only mode the footer does not offer them, yet the
# key still runs the action, so pressing it says why it cannot (the service's ReadOnlyMode).
WRITE_BINDING_IDS = frozenset({
    "instance.create", "console.edit", "console.delete", "cluster.associate", "cluster.create",
    "cluster.accept", "cluster.deny", "app.publish", "app.upgrade", "app.rollback",
    "app.delete", "template.add", "template.edit", "template.delete", "namespace.create",
    "namespace.edit", "namespace.delete", "namespace.repair",
    # detail screens
    "instance.edit", "instance.delete", "cluster.delete", "cluster.label-edge",
    "cluster.detail-accept", "cluster.detail-deny", "cluster.map-context",
    "app.detail.upgrade", "app.detail.rollback", "app.detail.retry", "app.detail.delete",
    "namespace-detail.repair", "namespace-detail.retry", "namespace-detail.edit",
    "namespace-detail.delete", "template.detail-edit", "template.detail-delete",
    # the Fleet view's row writes (ui/views/fleet_keys.py)
    "fleet.edit", "fleet.delete", "fleet.scale", "fleet.restart", "fleet.shell",
    "fleet.port_forward",
    # the screens a Fleet view row opens (ui/resource_actions.py)
    "res-text.edit", "res-containers.shell", "res-containers.forward", "edit-diff.apply",
})


def _read_only() -> bool:
    try:
        app = active_app.get()
    except LookupError:  # built outside a running app (a test of the bindings alone)
        return False
    services = getattr(app, "services", None)
    return bool(getattr(services, "read_only", False))


def localize_bindings(node: DOMNode) -> None:
    """Translate the description, tooltip and group of every binding on ``node``; in
    read-only mode, keep the write bindings out of the footer (they still answer)."""
    current = node._bindings.key_to_bindings
    hide = WRITE_BINDING_IDS if _read_only() else frozenset()
    node._bindings = BindingsMap.from_keys(
        {key: [_hide(_localize(b), hide) for b in bindings] for key, bindings in current.items()}
    )


def _hide(binding: Binding, ids: frozenset[str]) -> Binding:
    return replace(binding, show=False) if binding.id in ids else binding

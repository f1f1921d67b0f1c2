"""Bindings whose descriptions are i18n keys, translated when a widget is created.

``BINDINGS`` are evaluated when a module is imported, which may be before the CLI has chosen
the language (and tests switch language between apps in one process). So descriptions and
group names hold i18n keys, and every shell widget calls :func:`localize_bindings` in its
``__init__`` to swap in the text of the current language. Textual keeps the per-instance
bindings in ``_bindings`` (a ``BindingsMap``); replacing it is the one private touch.
"""

from __future__ import annotations

from dataclasses import replace

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


def localize_bindings(node: DOMNode) -> None:
    """Translate the description, tooltip and group of every binding on ``node``."""
    current = node._bindings.key_to_bindings
    node._bindings = BindingsMap.from_keys(
        {key: [_localize(b) for b in bindings] for key, bindings in current.items()}
    )

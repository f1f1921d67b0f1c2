"""Where a cluster use case lives in the services, while some are still landing.

Registration and the cluster extras (kubeconfig view, edge nodes …) are services of their
own or methods of the clusters service; the screens ask here instead of assuming, and show a
plain "not available in this build" note when a use case is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HOLDERS = ("clusters", "registration")


def find(services: Any, name: str) -> Callable[..., Any] | None:
    for holder in HOLDERS:
        method = getattr(getattr(services, holder, None), name, None)
        if callable(method):
            return method  # type: ignore[no-any-return]
    return None

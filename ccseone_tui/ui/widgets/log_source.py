"""Short log prefixes, stern-style: ``east-1/web-7d9…-x2kq`` for the container ``web`` of pod
``web-7d9f8c6b5-x2kq`` on cluster ``east-1``. The ReplicaSet hash is cut to three
characters and a container named like its pod is left out; every other source is shown
whole. ``F`` in the log view shows the full names."""

from __future__ import annotations

HASH_KEPT = 3
"""Characters of a ReplicaSet's pod-template hash kept in a short prefix."""


def _is_template_hash(part: str) -> bool:
    # Kubernetes writes it from "bcdfghjklmnpqrstvwxz2456789", 6 to 10 characters long
    return 6 <= len(part) <= 10 and part.isalnum() and (part.islower() or part.isdigit())


def short_pod(pod: str) -> str:
    """``web-7d9f8c6b5-x2kq`` -> ``web-7d9…-x2kq``; other names (``db-0``) as they are."""
    parts = pod.split("-")
    if len(parts) >= 3 and 4 <= len(parts[-1]) <= 5 and _is_template_hash(parts[-2]):
        parts[-2] = parts[-2][:HASH_KEPT] + "…"
    return "-".join(parts)


def short_source(source: str) -> str:
    """The prefix shown for ``cluster/pod/container`` by default (see the module doc)."""
    parts = source.split("/")
    if len(parts) != 3:
        return source
    cluster, pod, container = parts
    short = f"{cluster}/{short_pod(pod)}"
    if pod == container or pod.startswith(f"{container}-"):
        return short
    return f"{short}/{container}"

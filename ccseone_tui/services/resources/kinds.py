"""Which resource type a name the user typed means, as kubectl resolves it.

Accepted for a type: its plural (``pods``), singular (``pod``), kind in any case (``Pod``),
short names (``po``), and each of those qualified by group (``deployments.apps``,
``deploy.apps``) or by version and group (``deployments.v1.apps``). Where two groups serve
the same name (``events`` in core and ``events.k8s.io``), the first in discovery order wins,
which puts the core group and each group's preferred version first — kubectl's choice.

Built-in kinds resolve from ``kube/builtin.py`` without a request; the rest need a
discovery (``KindIndex`` over its ``ResourceInfo`` list). Pure functions: no I/O here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.kube.builtin import BUILTIN
from ccseone_tui.kube.values import ResourceInfo


class UnknownKind(CcseoneError):
    """No cluster of the instance serves a type by that name; names close ones."""

    key = "resources.error.unknown_kind"
    fix_key = "resources.error.unknown_kind.fix"

    def __init__(self, kind: str, suggestions: Iterable[str] = (),
                 unverified: bool = False) -> None:
        """``unverified``: no cluster answered discovery, so "not served" is a guess."""
        self.kind = kind
        self.suggestions = list(suggestions)
        if unverified:
            self.key = "resources.error.kind_unverified"
            self.fix_key = "resources.error.kind_unverified.fix"
        close = ", ".join(self.suggestions)
        super().__init__(kind=kind, close=close)

    @property
    def fix(self) -> str | None:
        from ccseone_tui.i18n import t

        if self.suggestions and self.fix_key == UnknownKind.fix_key:
            return t("resources.error.unknown_kind.fix_close", **self.params)
        return t(self.fix_key, **self.params) if self.fix_key else None


def _names(info: ResourceInfo) -> list[str]:
    """The bare names of a type, lower case (``pods``, ``pod``, ``po``)."""
    names = [info.plural, info.kind.lower()]
    names.extend(s.lower() for s in info.short_names)
    return names


def names_of(info: ResourceInfo) -> list[str]:
    """Every spelling that resolves to ``info`` (bare and qualified), for completion."""
    bare = _names(info)
    out = list(bare)
    if info.group:
        out.extend(f"{n}.{info.group}" for n in bare)
    return out


class KindIndex:
    """name -> ResourceInfo over one ordered list of types (earlier wins a shared name)."""

    def __init__(self, infos: Iterable[ResourceInfo]) -> None:
        self.infos: list[ResourceInfo] = []
        self._by_name: dict[str, ResourceInfo] = {}
        seen: set[tuple[str, str]] = set()
        for info in infos:
            if info.verbs and "list" not in info.verbs:
                continue  # bindings, tokenreviews …: nothing to get
            if (info.group, info.plural) in seen:
                continue  # another version of a type already indexed (the preferred one)
            seen.add((info.group, info.plural))
            self.infos.append(info)
            bare = _names(info)
            keys = list(bare)
            keys.extend(f"{n}.{info.group}" for n in bare)  # "deploy.apps"; core: "pods."
            keys.extend(f"{n}.{info.version}.{info.group}" if info.group
                        else f"{n}.{info.version}" for n in bare)
            for key in keys:
                self._by_name.setdefault(key, info)

    def lookup(self, name: str) -> ResourceInfo | None:
        key = name.strip().lower()
        return self._by_name.get(key) or (self._by_name.get(key[:-1] + ".")
                                          if key.endswith(".") else None)

    def names(self) -> list[str]:
        """Every name for completion: bare and group-qualified, sorted, no duplicates."""
        out: set[str] = set()
        for info in self.infos:
            out.update(names_of(info))
        return sorted(out)


_BUILTIN_INDEX = KindIndex(BUILTIN.values())


def builtin_kind(name: str) -> ResourceInfo | None:
    """A built-in type by any of its names, with no request (``kube/builtin.py``)."""
    return _BUILTIN_INDEX.lookup(name)


def builtin_names() -> list[str]:
    return _BUILTIN_INDEX.names()


def suggest(name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Close names for a typo (``deploymnts`` -> ``deployments``), best first."""
    pool = sorted(set(names))
    key = name.strip().lower()
    close = difflib.get_close_matches(key, pool, n=n, cutoff=0.6)
    if not close:  # "deployment.app" is far from everything as a whole: try its head
        head = key.split(".", 1)[0]
        close = difflib.get_close_matches(head, pool, n=n, cutoff=0.6)
    return close


__all__ = ["KindIndex", "UnknownKind", "builtin_kind", "builtin_names", "names_of", "suggest"]

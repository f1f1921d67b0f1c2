"""Safety rules enforced in the service layer, so the TUI, the CLI and scripts share them.

* ``--readonly`` refuses every write here, not just in the screens.
* Clusters whose labels match the production selector (default ``env=prod``) need their name
  typed to confirm any write.
* Deletion protection refuses deletes until it is turned off.
"""

from __future__ import annotations

from collections.abc import Iterable

from ccseone_tui.domain.errors import (
    ConfirmationMismatch,
    ConfirmationRequired,
    DeletionProtected,
    ReadOnlyMode,
    ValidationError,
)
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t


def parse_selector(text: str) -> list[tuple[str, str, str]]:
    """``env=prod,tier!=web`` → [(key, op, value)]; ops ``=``/``==``/``!=``; bare key = exists."""
    terms: list[tuple[str, str, str]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "!=" in part:
            key, value = part.split("!=", 1)
            terms.append((key.strip(), "!=", value.strip()))
        elif "=" in part:
            key, value = part.split("=", 1)
            terms.append((key.strip(), "=", value.strip().lstrip("=")))
        else:
            terms.append((part, "exists", ""))
    for key, _, _ in terms:
        if not key:
            raise ValidationError("selector", text, t("rule.label_pair"), t("fix.label_pair"))
    return terms


def selector_matches(terms: Iterable[tuple[str, str, str]], labels: dict[str, str]) -> bool:
    terms = list(terms)
    if not terms:
        return False
    for key, op, value in terms:
        if op == "=" and labels.get(key) != value:
            return False
        if op == "!=" and labels.get(key) == value:
            return False
        if op == "exists" and key not in labels:
            return False
    return True


class Guard:
    def __init__(self, read_only: bool, production_selector: str) -> None:
        self.read_only = read_only
        self._production = parse_selector(production_selector)

    def check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyMode()

    def is_production(self, cluster: MemberCluster) -> bool:
        return selector_matches(self._production, cluster.labels)

    def check_confirmed(self, clusters: Iterable[MemberCluster], confirm: str | None) -> None:
        """Every production cluster written to must be confirmed by typing its name.

        ``confirm`` is what the user typed; for several production clusters it is their names
        separated by commas (the dialog asks for each).
        """
        typed = {c.strip() for c in (confirm or "").split(",") if c.strip()}
        missing = sorted({c.name for c in clusters
                          if self.is_production(c) and c.name not in typed})
        if not missing:
            return
        if not typed:  # nothing typed at all: name every cluster to type, not just the first
            raise ConfirmationRequired(typed="", expected=",".join(missing))
        raise ConfirmationMismatch(typed=confirm or "", expected=missing[0])

    @staticmethod
    def check_not_protected(kind: str, name: str, protected: bool) -> None:
        if protected:
            raise DeletionProtected(kind=kind, name=name)

from __future__ import annotations

import pytest

from ccseone_tui.domain.errors import ConfirmationMismatch, DeletionProtected, ReadOnlyMode
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.services.guard import Guard, parse_selector, selector_matches


def cluster(name: str, **labels: str) -> MemberCluster:
    return MemberCluster(id=name, name=name, instance_id="i", labels=labels)


def test_selector() -> None:
    terms = parse_selector("env=prod,tier!=web,critical")
    assert selector_matches(terms, {"env": "prod", "critical": "1"})
    assert not selector_matches(terms, {"env": "prod", "tier": "web", "critical": "1"})
    assert not selector_matches(terms, {"env": "prod"})
    assert not selector_matches([], {"env": "prod"})


def test_readonly_refuses_writes() -> None:
    with pytest.raises(ReadOnlyMode) as err:
        Guard(True, "env=prod").check_writable()
    assert "--readonly" in str(err.value)
    Guard(False, "env=prod").check_writable()


def test_production_needs_typed_name() -> None:
    g = Guard(False, "env=prod")
    prod, dev = cluster("east", env="prod"), cluster("dev", env="dev")
    assert g.is_production(prod) and not g.is_production(dev)
    g.check_confirmed([dev], None)
    with pytest.raises(ConfirmationMismatch):
        g.check_confirmed([prod], "eats")
    g.check_confirmed([prod, dev], "east")


def test_deletion_protection() -> None:
    with pytest.raises(DeletionProtected, match="east"):
        Guard.check_not_protected("Cluster", "east", True)
    Guard.check_not_protected("Cluster", "east", False)

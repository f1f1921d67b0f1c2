"""Production confirmation: with nothing typed, the refusal names every production cluster
to type and how to type them on the command line (``--confirm a,b``)."""

from __future__ import annotations

import pytest

from ccseone_tui import i18n
from ccseone_tui.domain.errors import ConfirmationMismatch, ConfirmationRequired
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.services.guard import Guard


def cluster(name: str, **labels: str) -> MemberCluster:
    return MemberCluster(id=name, name=name, instance_id="i", labels=labels)


def test_nothing_typed_names_every_production_cluster() -> None:
    i18n.set_language("en")
    g = Guard(False, "env=prod")
    clusters = [cluster("p2", env="prod"), cluster("dev", env="dev"), cluster("p1", env="prod")]
    for confirm in (None, "", " , "):
        with pytest.raises(ConfirmationRequired) as err:
            g.check_confirmed(clusters, confirm)
        assert isinstance(err.value, ConfirmationMismatch)  # callers catching it still do
        text = str(err.value)
        assert "production cluster(s) p1,p2" in text and "--confirm p1,p2" in text
    g.check_confirmed(clusters, "p1,p2")


def test_wrong_name_typed_says_what_was_typed() -> None:
    i18n.set_language("en")
    g = Guard(False, "env=prod")
    with pytest.raises(ConfirmationMismatch) as err:
        g.check_confirmed([cluster("p1", env="prod")], "p-1")
    assert not isinstance(err.value, ConfirmationRequired)
    assert "'p-1' does not match 'p1'" in str(err.value)


def test_chinese_message() -> None:
    i18n.set_language("zh_CN")
    try:
        with pytest.raises(ConfirmationRequired) as err:
            Guard(False, "env=prod").check_confirmed([cluster("p1", env="prod")], None)
        assert "生产集群" in str(err.value) and "--confirm p1" in str(err.value)
    finally:
        i18n.set_language("en")

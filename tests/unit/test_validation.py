from __future__ import annotations

import pytest

from ccseone_tui.domain.errors import NameNotCompliant, ValidationError
from ccseone_tui.domain.validation import (
    check_labels,
    check_namespace_name,
    check_priority,
    check_quantity,
    check_resource_name,
    is_supported_version,
    parse_labels,
    parse_quantity,
    parse_version,
)


@pytest.mark.parametrize("name", ["a", "prod-east-1", "c1", "a" * 63])
def test_compliant_names(name: str) -> None:
    assert check_resource_name(name) == name


@pytest.mark.parametrize("name", ["", "-a", "a-", "Prod", "a_b", "a.b", "集群", "a" * 64])
def test_names_not_compliant(name: str) -> None:
    with pytest.raises(NameNotCompliant) as err:
        check_resource_name(name)
    assert repr(name) in err.value.message
    assert "letters, digits" in (err.value.fix or "")


@pytest.mark.parametrize("ns", ["default", "kube-system", "kube-public", "kube-node-lease",
                                "ccseone-system"])
def test_reserved_namespaces(ns: str) -> None:
    with pytest.raises(ValidationError, match="reserved"):
        check_namespace_name(ns)


@pytest.mark.parametrize("q", ["500m", "2", "4Gi", "1.5", "100Mi", "1e3", "0.5"])
def test_valid_quantities(q: str) -> None:
    assert check_quantity(q, "cpu") == q


@pytest.mark.parametrize("q", ["4GB", "-1", "abc", "0", "0m", "", "1 Gi"])
def test_invalid_quantities(q: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_quantity(q, "memory")
    assert err.value.params["field"] == "memory"
    assert err.value.params["value"] == q


def test_quantity_values() -> None:
    assert parse_quantity("500m") == parse_quantity("0.5")
    assert parse_quantity("1Ki") == 1024
    assert parse_quantity("4GB") is None


@pytest.mark.parametrize("p,ok", [("0", True), ("9999", True), ("10000", False), ("-1", False),
                                  ("1.5", False), ("x", False), (42, True)])
def test_priority(p: object, ok: bool) -> None:
    if ok:
        assert 0 <= check_priority(p) <= 9999  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError, match="0 to 9999"):
            check_priority(p)  # type: ignore[arg-type]


def test_labels() -> None:
    assert parse_labels("env=prod, team=a") == {"env": "prod", "team": "a"}
    assert check_labels({"example.com/tier": "web", "x": ""})
    with pytest.raises(ValidationError):
        check_labels({"bad key": "v"})
    with pytest.raises(ValidationError):
        check_labels({"k": "-bad"})
    with pytest.raises(ValidationError):
        parse_labels("novalue")


@pytest.mark.parametrize("v,ok", [("v1.19.0", True), ("v1.30.2", True), ("v1.18.20", False),
                                  ("v1.28.3-eks-1", True), ("1.19", True), ("v0.9", False),
                                  ("garbage", False)])
def test_supported_versions(v: str, ok: bool) -> None:
    assert is_supported_version(v) is ok


def test_parse_version() -> None:
    assert parse_version("v1.28.3+k3s1") == (1, 28, 3)

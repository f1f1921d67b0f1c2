"""Every refusal of bad input carries a fix that says what to write instead — not the rule
again — in English and Chinese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ccseone_tui import i18n
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.validation import (
    check_labels,
    check_namespace_name,
    check_priority,
    check_quantity,
    parse_labels,
    suggest_name,
)


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def refusal(call, *args: object) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        call(*args)
    return err.value


@pytest.mark.parametrize(("call", "args"), [
    (check_namespace_name, ("Shop_1",)),
    (check_namespace_name, ("default",)),
    (check_quantity, ("4GB", "cpu_limit")),
    (check_quantity, ("abc", "memory_limit")),
    (check_quantity, ("-1", "cpu_limit")),
    (check_quantity, ("0", "memory_limit")),
    (check_priority, ("10000",)),
    (check_priority, ("abc",)),
    (check_labels, ({"bad key": "v"},)),
    (check_labels, ({"k": "bad value"},)),
    (parse_labels, ("a=b,c",)),
])
def test_fix_is_not_the_rule_again(lang: str, call, args: tuple[object, ...]) -> None:  # type: ignore[no-untyped-def]
    err = refusal(call, *args)
    rule, fix = err.params["rule"], err.params["hint"]
    assert fix and fix != rule
    text = str(err)
    assert err.params["field"] in text and repr(err.params["value"]) in text
    assert rule in text and fix in text


def test_fix_suggests_what_to_write() -> None:
    i18n.set_language("en")
    assert "'shop-1'" in refusal(check_namespace_name, "Shop_1").fix
    assert "team-default" in refusal(check_namespace_name, "default").fix
    assert "4Gi" in refusal(check_quantity, "4GB", "memory_limit").fix
    assert "512Mi" in refusal(check_quantity, "512mb", "memory_limit").fix
    assert "e.g. 100" in refusal(check_priority, "-1").fix


@pytest.mark.parametrize(("text", "name"), [
    ("Shop_1", "shop-1"), ("  My App  ", "my-app"), ("__", "my-name"), ("a" * 70, "a" * 63),
    ("a" * 62 + "-b", "a" * 62),
])
def test_suggest_name_is_compliant(text: str, name: str) -> None:
    assert suggest_name(text) == name
    check_namespace_name(suggest_name(text))

from __future__ import annotations

import importlib
import string

import pytest

from ccseone_tui import i18n
from ccseone_tui.i18n.messages import AREAS


@pytest.mark.parametrize("area", AREAS)
def test_every_key_is_translated(area: str) -> None:
    module = importlib.import_module(f"ccseone_tui.i18n.messages.{area}")
    assert set(module.EN) == set(module.ZH), "EN and ZH must hold the same keys"


@pytest.mark.parametrize("area", AREAS)
def test_placeholders_match(area: str) -> None:
    module = importlib.import_module(f"ccseone_tui.i18n.messages.{area}")
    fmt = string.Formatter()
    for key, text in module.EN.items():
        en = {f for _, f, _, _ in fmt.parse(text) if f}
        zh = {f for _, f, _, _ in fmt.parse(module.ZH[key]) if f}
        assert en == zh, key


def test_language_detection_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    assert i18n.detect_language(None, None) == "zh_CN"
    assert i18n.detect_language(None, "en") == "en"
    assert i18n.detect_language("zh_CN", "en") == "zh_CN"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.detect_language(None, None) == "en"


def test_lookup_falls_back_and_formats() -> None:
    try:
        i18n.set_language("zh_CN")
        assert i18n.t("noun.cluster") == "集群"
        assert i18n.t("no.such.key") == "no.such.key"
    finally:
        i18n.set_language("en")
    assert "x" in i18n.t("error.not_found", kind="Cluster", name="x")


def test_english_plurals() -> None:
    assert i18n.t("view.count.instances", count=1) == "1 instance"
    assert i18n.t("view.count.instances", count=2) == "2 instances"
    assert i18n.t("view.count.clusters", count=1, ready=1) == "1 cluster, 1 ready"
    assert i18n.t("apps.message.applied", count=1) == "1 object applied"
    assert i18n.t("apps.message.applied", count=5) == "5 objects applied"
    assert i18n.t("console.instance.delete.attached", count=1) == "1 cluster is attached to it:"
    try:
        i18n.set_language("zh_CN")
        assert i18n.t("view.count.instances", count=1) == "共 1 个实例"
    finally:
        i18n.set_language("en")


def test_every_singular_form_has_the_placeholders_of_its_message() -> None:
    from ccseone_tui.i18n import en, plural

    fmt = string.Formatter()
    for key, one in plural.ONE.items():
        assert key in en.MESSAGES, key
        fields = {f for _, f, _, _ in fmt.parse(en.MESSAGES[key]) if f}
        assert {f for _, f, _, _ in fmt.parse(one) if f} <= fields, key

"""Message catalogs (English, Simplified Chinese) and the one lookup every layer uses.

Keys name a meaning (``cluster.delete.protected``), never a sentence fragment. A key missing
from the active catalog falls back to English, and a key missing there shows itself, so a
forgotten translation is visible instead of crashing the screen.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# The catalogs are big dict literals (~30 ms to import both): each is loaded on its first
# lookup, so a process that never shows a message (``ccseone --version``) never pays.
_NAMES = ("en", "zh_CN")
_loaded: dict[str, dict[str, str]] = {}
_current = "en"


def _catalog(lang: str) -> dict[str, str]:
    found = _loaded.get(lang)
    if found is None:
        found = _loaded[lang] = importlib.import_module(f"ccseone_tui.i18n.{lang}").MESSAGES
    return found


def __getattr__(name: str) -> Any:
    if name == "LANGUAGES":  # every catalog, by language name
        return {lang: _catalog(lang) for lang in _NAMES}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def normalize_language(value: str | None) -> str | None:
    """Map ``zh_CN.UTF-8``, ``zh-cn``, ``zh`` … to a catalog name, or ``None`` if unknown."""
    if not value:
        return None
    v = value.split(".")[0].replace("-", "_").lower()
    if v.startswith("zh"):
        return "zh_CN"
    if v.startswith("en") or v in ("c", "posix"):
        return "en"
    return None


def detect_language(flag: str | None, configured: str | None) -> str:
    """The language to use: ``--lang`` first, then the settings file, then ``LANG``."""
    for candidate in (flag, configured, os.environ.get("LC_ALL"), os.environ.get("LANG")):
        lang = normalize_language(candidate)
        if lang:
            return lang
    return "en"


def set_language(lang: str) -> None:
    global _current
    if lang not in _NAMES:
        raise ValueError(f"language {lang!r} is not one of {sorted(_NAMES)}")
    _current = lang


def language() -> str:
    return _current


def t(key: str, /, **params: object) -> str:
    """The message for ``key`` in the current language, formatted with ``params``."""
    template = _catalog(_current).get(key) or _catalog("en").get(key) or key
    if _current == "en" and "count" in params:
        from ccseone_tui.i18n import plural

        template = plural.english(key, template, params["count"])
    if params:
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template
    return template

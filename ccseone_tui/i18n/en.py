"""English catalog: merged from the per-area modules in ``messages/``."""

from ccseone_tui.i18n.messages import merged

MESSAGES: dict[str, str] = merged("EN")

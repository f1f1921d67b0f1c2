"""The log view's status line: follow state, counts, drops, filters, search, options."""

from __future__ import annotations

from rich.text import Text

from ccseone_tui.i18n import t
from ccseone_tui.ui.widgets.log_buffer import JSON_COMPACT, JSON_OFF, LogBuffer
from ccseone_tui.ui.widgets.log_lines import LogLines

__all__ = ["build_status", "format_since"]


def format_since(seconds: int | None) -> str:
    if seconds is None:
        return t("logs.status.all")
    return f"{seconds // 3600}h" if seconds % 3600 == 0 else f"{seconds // 60}m"


def build_status(
    buffer: LogBuffer, view: LogLines, since: int | None, tail: int | None, message: str,
    error: bool,
) -> Text:
    """One line: ``● following · 12,345 lines · 321 dropped · filter /err/ · …``."""
    parts: list[tuple[str, str]] = []
    if view.following:
        parts.append((t("logs.status.following"), "green"))
    elif view.new_count:
        parts.append((t("logs.status.paused_new", count=f"{view.new_count:,}"), "yellow"))
    else:
        parts.append((t("logs.status.paused"), "yellow"))
    if buffer.filtered:
        parts.append((t("logs.status.lines_filtered", shown=f"{buffer.visible_count:,}",
                        count=f"{len(buffer):,}"), ""))
    else:
        parts.append((t("logs.status.lines", count=f"{len(buffer):,}"), ""))
    if buffer.dropped:
        parts.append((t("logs.status.dropped", count=f"{buffer.dropped:,}"), "yellow"))
    if buffer.filter is not None:
        parts.append((t("logs.status.filter", pattern=buffer.filter.pattern), "cyan"))
    if buffer.sources is not None:
        parts.append((t("logs.status.sources", sources=", ".join(sorted(buffer.sources))),
                      "cyan"))
    if buffer.search is not None:
        current = 0 if view.current_match is None else buffer.match_ordinal(view.current_match)
        parts.append((t("logs.status.search", pattern=buffer.search.pattern,
                        current=current, count=f"{buffer.match_count:,}"), "cyan"))
    if since is not None:
        parts.append((t("logs.status.since", since=format_since(since)), ""))
    if tail is not None:
        parts.append((t("logs.status.tail", tail=f"{tail:,}"), ""))
    if view.wrap:
        parts.append((t("logs.status.wrap"), "dim"))
    if view.json_mode != JSON_OFF:
        key = "json_compact" if view.json_mode == JSON_COMPACT else "json_indent"
        parts.append((t(f"logs.status.{key}"), "dim"))
    if message:
        parts.append((message, "bold red" if error else "bold"))
    return Text(" · ").join(Text(part, style=style) for part, style in parts)

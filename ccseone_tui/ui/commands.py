"""Command palette (ctrl+p): every navigation action, the instance switch, the Distributed
clusters actions (``console_help.console_commands``), refresh, theme, language, help and
quit — titles in the current language."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ccseone_tui.i18n import t
from ccseone_tui.ui.console_help import console_commands
from ccseone_tui.ui.sections import SECTIONS
from ccseone_tui.ui.views import fleet_keys

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Command = tuple[str, str, Callable[[], object]]


class ShellCommands(Provider):
    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def commands(self) -> list[Command]:
        shell = self.shell
        main = shell.main
        out: list[Command] = [
            (t("palette.goto", section=t(s.label_key)), t(s.help_key),
             partial(main.show_section, s.id))
            for s in SECTIONS
        ]
        out.append((t("palette.instance"), t("palette.instance.help"), main.action_pick_instance))
        current = shell.current_instance
        for inst in shell.instances:
            if current is None or inst.id != current.id:
                out.append((t("palette.use_instance", name=inst.name),
                            f"{inst.region} · {inst.engine.value} · {inst.id}",
                            partial(main.use_instance, inst)))
        out += console_commands(shell)
        out += fleet_keys.palette_commands(shell)
        out += [
            (t("palette.refresh"), t("palette.refresh.help"), main.action_refresh),
            (t("palette.theme"), t("palette.theme.help"), shell.action_change_theme),
            (t("palette.language"), t("palette.language.help"), shell.action_language_info),
            (t("palette.help"), t("palette.help.help"), shell.action_help),
            (t("palette.quit"), t("palette.quit.help"), shell.action_quit),
        ]
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)

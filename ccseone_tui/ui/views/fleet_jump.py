"""The Fleet view's command line, as a mixin of ``FleetView``: ``:`` a kind (a built-in at
once, any other name through the clusters' discovery, an unknown one said with close names
in the line, the table kept), ``n`` namespaces, ``@`` clusters (both client-side, so they
apply at once), ``L`` a label selector (asked of the servers: a new watch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.kinds import builtin_kind, builtin_names
from ccseone_tui.services.resources.model import ResourceInfo
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views.fleet_command import CommandBar
from ccseone_tui.ui.views.fleet_state import Scope

if TYPE_CHECKING:
    from ccseone_tui.ui.views.fleet import FleetView

    _Base = FleetView
else:
    _Base = object


ALL = "*"  # ":pods -A": every namespace


def kind_name(info: ResourceInfo) -> str:
    """The name a scope keeps: the plural, qualified by its group unless built in (so
    ``deploy`` and ``deployments`` open the same table)."""
    return info.plural if builtin_kind(info.plural) == info else f"{info.plural}.{info.group}"


class CommandLine(_Base):
    def action_command(self, mode: str) -> None:
        bar = self.query_one(CommandBar)
        if mode == "kind":
            bar.open(mode, "", self._kind_names or builtin_names())
            self._load_kind_names()  # again: a CRD created since is offered too
        elif mode == "namespace":
            if self.state.info is not None and not self.state.info.namespaced:
                self.notify(t("fleet.namespace.cluster_scoped", kind=self.state.info.plural),
                            severity="warning", timeout=4)
                return
            seen = sorted({key.split("/", 2)[1] for keys in self.state.owned.values()
                           for key in keys})
            bar.open(mode, ",".join(sorted(self.namespaces or ())), seen)
        elif mode == "clusters":
            bar.open(mode, ",".join(sorted(self.clusters or ())), self.state.clusters)
        else:
            bar.open(mode, self.scope.label_selector or "", [])
        self.refresh_chrome()

    def _load_kind_names(self) -> None:
        instance = self.shell.current_instance
        if instance is not None:
            workers.start(self, self._kinds(instance.id), name="fleet:kinds",
                          group="fleet-kinds", exclusive=True,
                          description=t("worker.fleet.kinds", instance=instance.name))

    async def _kinds(self, instance_id: str) -> None:
        names = await self.shell.services.resources.kind_names(instance_id)
        self.post_message(msg.KindNames(instance_id, names))

    def on_kind_names(self, message: msg.KindNames) -> None:
        message.stop()
        if message.instance_id == self._instance_id:
            self._kind_names = message.names
            bar = self.query_one(CommandBar)
            if bar.is_open and bar.mode == "kind":
                bar.set_names(message.names)

    def on_command_bar_closed(self, event: CommandBar.Closed) -> None:
        event.stop()
        self.focus_content()
        self.refresh_chrome()

    def on_command_bar_submitted(self, event: CommandBar.Submitted) -> None:
        event.stop()
        bar = self.query_one(CommandBar)
        value = event.value
        if event.mode == "kind":
            self._jump(value)
            return
        if event.mode == "namespace":
            self.namespaces = _items(value)
            self._apply_predicate()
        elif event.mode == "clusters":
            wanted = _items(value)
            unknown = sorted((wanted or frozenset()) - set(self.state.clusters))
            if unknown:
                bar.show_error(t("fleet.clusters.unknown", clusters=", ".join(unknown)))
                return
            self.clusters = wanted
            self._apply_predicate()
        elif event.mode == "labels":
            info = self.state.info
            if value != (self.scope.label_selector or "") and info is not None:
                bar.close()
                self._show_scope(self.scope.with_labels(value), info)
                return
        bar.close()
        self.focus_content()
        self.refresh_chrome()

    def _jump(self, text: str) -> None:
        """``:KIND [NAMESPACE] [-n NS] [-l SELECTOR]`` — a built-in at once; any other name
        through discovery (a worker)."""
        kind = parse_jump(text)[0]
        if not kind:
            self.query_one(CommandBar).close()
            self.focus_content()
            return
        instance = self.shell.current_instance
        info = builtin_kind(kind)
        if info is not None:
            self._open_kind(info, text)
        elif instance is not None:
            workers.start(self, self._resolve(text, instance.id), name="fleet:resolve",
                          group="fleet-resolve", exclusive=True,
                          description=t("worker.fleet.resolve", kind=text))

    async def _resolve(self, text: str, instance_id: str) -> None:
        from ccseone_tui.services.resources.kinds import UnknownKind

        try:
            info = await self.shell.services.resources.resolve(parse_jump(text)[0],
                                                               instance_id)
        except UnknownKind as exc:
            self.post_message(msg.KindResolved(text, None, str(exc)))
            return
        self.post_message(msg.KindResolved(text, info, None))

    def on_kind_resolved(self, message: msg.KindResolved) -> None:
        message.stop()
        bar = self.query_one(CommandBar)
        if message.info is None:  # said in the command line, the text kept to fix
            if bar.is_open:
                bar.show_error(message.error)
            else:
                self.notify(message.error or "", severity="error")
            return
        self._open_kind(message.info, message.text)

    def _open_kind(self, info: ResourceInfo, text: str = "") -> None:
        _, namespace, selector = parse_jump(text)
        self.query_one(CommandBar).close()
        self.back_stack.clear()
        if namespace == ALL:  # "-A"; one named: only that one; none: as it was (k9s)
            self.namespaces = None
        elif namespace and info.namespaced:
            self.namespaces = frozenset({namespace})
        self._show_scope(Scope(kind_name(info), label_selector=selector), info)


def parse_jump(text: str) -> tuple[str, str | None, str | None]:
    """``pods kube-system``, ``deploy -n shop -l app=web``, ``po -A`` -> (kind, namespace,
    label selector), as kubectl and k9s take them; ``-A`` is the namespace ``ALL``."""
    words = text.split()
    kind = words[0] if words else ""
    namespace = selector = None
    rest = iter(words[1:])
    for word in rest:
        if word in ("-n", "--namespace"):
            namespace = next(rest, None)
        elif word in ("-l", "--selector"):
            selector = next(rest, None)
        elif word.startswith("-l") and len(word) > 2:
            selector = word[2:]
        elif word in ("-A", "--all-namespaces"):
            namespace = ALL
        elif not word.startswith("-"):
            namespace = word
    return kind, namespace, selector


def _items(value: str) -> frozenset[str] | None:
    """``a, b,c`` -> {a, b, c}; nothing -> None (no narrowing)."""
    items = frozenset(part.strip() for part in value.split(",") if part.strip())
    return items or None

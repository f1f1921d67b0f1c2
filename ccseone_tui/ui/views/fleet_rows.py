"""The Fleet view's rows, as a mixin of ``FleetView``: the cursor's ``ObjectRef``, marks
(``space``; delete and restart take every marked row), Enter's drill-down (a Pod: its
containers; else ``objects.drill``, its child kind pushed with a back stack) and the row
keys, which call ``ui/resource_actions.py`` (imported on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.kinds import builtin_kind
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views import fleet_keys
from ccseone_tui.ui.views.fleet_state import Scope
from ccseone_tui.ui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from ccseone_tui.ui.views.fleet import FleetView

    _Base = FleetView
else:
    _Base = object


class RowKeys(_Base):
    def cursor_ref(self) -> ObjectRef | None:
        key = self.table.cursor_key
        return None if key is None else self.state.ref(key)

    def selected_refs(self) -> list[ObjectRef]:
        """The marked rows (those still listed), else the cursor's."""
        table, state = self.table, self.state
        marked = [state.ref(key) for key in sorted(table.marked) if table.get_row(key)]
        refs = [ref for ref in marked if ref is not None]
        if refs:
            return refs
        ref = self.cursor_ref()
        return [] if ref is None else [ref]

    def action_mark(self) -> None:
        table = self.table
        key = table.cursor_key
        if key is not None:
            table.toggle_mark(key)
            table.move_cursor(table.cursor_row + 1)
            self.refresh_chrome()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        ref = self.state.ref(event.key)
        if ref is None:
            return
        if (ref.info.group, ref.info.plural) == ("", "pods"):
            self._call("containers", ref)
            return
        workers.start(self, self._drill(self.generation, ref), name="fleet:drill",
                      group="fleet-drill", exclusive=True,
                      description=t("worker.fleet.drill", name=ref.name))

    async def _drill(self, generation: int, ref: ObjectRef) -> None:
        drill = await self.shell.services.objects.drill(ref)
        info = None
        if drill is not None:
            name = f"{drill.kind}.{drill.group}" if drill.group else drill.kind
            info = await self.shell.services.resources.resolve(name, self._instance_id)
        self.post_message(msg.DrillReady(generation, ref, drill, info))

    def on_drill_ready(self, message: msg.DrillReady) -> None:
        message.stop()
        drill, info = message.drill, message.info
        if drill is None or info is None:  # leads nowhere: what it is, then
            self._call("describe", message.ref)
            return
        parent = message.ref
        scope = Scope(info.plural, clusters=(drill.cluster,), namespace=drill.namespace,
                      label_selector=drill.label_selector, field_selector=drill.field_selector,
                      owner_uid=drill.owner_uid,
                      title=t("fleet.crumb.drill", parent=f"{parent.info.plural}/{parent.name}",
                              kind=info.plural))
        self.back_stack.append((self.scope, parent.key))
        self._show_scope(scope, info)

    def action_back(self) -> bool:
        """Back to the table a drill-down came from, its cursor on the row drilled into."""
        if not self.back_stack:
            return False
        scope, cursor = self.back_stack.pop()
        info = self.states[scope].info if scope in self.states else builtin_kind(scope.kind)
        if info is None:
            return False
        self._show_scope(scope, info, cursor)
        return True

    def action_row(self, name: str) -> None:
        if name in ("delete", "restart"):
            refs = self.selected_refs()
            if refs:
                self._call(name, refs)
            return
        ref = self.cursor_ref()
        if ref is None:
            return
        if name == "copy":
            self._ask_copy(self.selected_refs())
            return
        self._call(name, ref)

    def _ask_copy(self, refs: list[ObjectRef]) -> None:
        """``Y``: the names, the rows as shown, or the YAML of the marked rows (or the row)."""
        from ccseone_tui.ui.screens.copy_pick import CopyPickScreen

        def chosen(choice: str | None) -> None:
            if choice == "name":
                self._call("copy", "\n".join(r.name for r in refs),
                           t("fleet.copy.names", count=len(refs)))
            elif choice == "row":
                self._call("copy", "\n".join(self._row_text(r.key) for r in refs),
                           t("fleet.copy.rows", count=len(refs)))
            elif choice == "yaml":
                workers.start(self, self._copy_yaml(refs), name="fleet:copy-yaml",
                              group="fleet-copy", description=t("fleet.copy.yaml.worker"))

        self.app.push_screen(CopyPickScreen(len(refs)), chosen)

    def _row_text(self, key: str) -> str:
        from ccseone_tui.ui.widgets.table_model import plain

        return "  ".join(plain(cell) for cell in self.table.get_row(key) or ())

    async def _copy_yaml(self, refs: list[ObjectRef]) -> None:
        objects = self.shell.services.objects
        texts = [await objects.yaml(ref) for ref in refs]
        self._call("copy", "---\n".join(texts), t("fleet.copy.yamls", count=len(refs)))

    def action_forwards(self) -> None:
        self._call("forwards")

    def _call(self, name: str, *args: Any) -> None:
        """Run a row action of ``ui/resource_actions.py`` (imported on first use)."""
        from ccseone_tui.ui import resource_actions

        function = {"yaml": "show_yaml", "events": "show_events",
                    "previous": "logs"}.get(name, name)
        kwargs: dict[str, Any] = {}
        if name == "previous":
            kwargs["previous"] = True
        if name in ("delete", "restart", "scale", "edit"):
            kwargs["on_done"] = self._written
        try:
            getattr(resource_actions, function)(self.app, *args, **kwargs)
        except NotImplementedError:
            self.notify(t("fleet.action.not_ready", action=name), severity="warning")

    def _written(self) -> None:
        """A write finished: the marks have served (the rows change by themselves)."""
        self.table.clear_marks()
        self.refresh_chrome()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "row" and parameters:
            return fleet_keys.applies(str(parameters[0]), self.state.info)
        return True

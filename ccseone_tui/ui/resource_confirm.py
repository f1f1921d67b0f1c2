"""The questions before a write to objects of member clusters, shared by the row actions
(``resource_actions.py``) and the shell and port-forward flows (``resource_shell.py``): how an
object is named in a question, which of the refs' clusters are production, and the one
question (yes/no with No focused, or the production clusters' names typed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def where(ref: ObjectRef) -> str:
    """``east-1  Deployment default/web`` — how a question lists an object."""
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.cluster}  {ref.info.kind} {name}"


async def production_of(app: CcseoneApp, refs: Sequence[ObjectRef]) -> list[str]:
    """The production clusters among the refs' clusters, in order of first appearance."""
    out: list[str] = []
    for name in dict.fromkeys(r.cluster for r in refs):
        cluster = await app.services.clusters.get(name)
        if app.services.is_production(cluster):
            out.append(name)
    return out


async def production_typed(app: CcseoneApp, refs: Sequence[ObjectRef], title: str
                           ) -> tuple[bool, str | None]:
    """After a flow's own dialog (scale, the edit's diff, the shell's container): when
    production clusters are among the refs', their names typed. (go ahead, ``confirm=``)."""
    production = await production_of(app, refs)
    if not production:
        return True, None
    typed = await app.push_screen_wait(
        TypedConfirmScreen(title, "", expected=",".join(production)))
    return typed is not None, typed


async def ask(app: CcseoneApp, refs: Sequence[ObjectRef], title: str, body: str, yes: str
              ) -> tuple[bool, str | None]:
    """One question for a write to ``refs``: typed names when production clusters are
    among them, else yes/no with No focused. (go ahead, the text for ``confirm=``)."""
    production = await production_of(app, refs)
    if production:
        typed = await app.push_screen_wait(
            TypedConfirmScreen(title, body, expected=",".join(production)))
        return typed is not None, typed
    answer = await app.push_screen_wait(ConfirmScreen(title, body, yes=yes, danger=True))
    return bool(answer), None


def listing(refs: Sequence[ObjectRef]) -> str:
    """Every object of the question, one per line (the dialog scrolls: all are named)."""
    return "\n".join(f"  • {where(r)}" for r in refs)

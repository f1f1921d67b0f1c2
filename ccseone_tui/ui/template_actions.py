"""The Template repository's write flows, shared by its list, its detail screen and the palette.

Like ``ui/actions.py``: read-only mode is refused first (the guard's own message), dialogs
do the rest, failures reach the app's one error path. Templates are not per instance, so no
production confirmation: a template changes nothing on a cluster until an app uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Template
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.actions import writable
from ccseone_tui.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None
KeyRows = list[tuple[str, str]]
Command = tuple[str, str, Callable[[], object]]


def reload_list(app: CcseoneApp, show: Template | None = None) -> None:
    """Re-read the Template repository list if it was ever shown (its rows are cached),
    with the cursor on ``show`` (just added or saved)."""
    view = app.main.mounted_view("templates")
    if view is None or not view.loaded:
        return
    if show is not None:
        view.reload_showing(show.id)
    else:
        view.reload()


def add_template(app: CcseoneApp) -> None:
    from ccseone_tui.ui.screens.template_form import TemplateFormScreen

    if not writable(app):
        return

    def added(template: Template | None) -> None:
        if template is not None:
            app.notify(t("tplui.added", name=template.name), timeout=4)
            reload_list(app, show=template)

    app.push_screen(TemplateFormScreen(), added)


def edit_template(app: CcseoneApp, template: Template, on_saved: Callable[[Template], object]
                  | None = None) -> None:
    from ccseone_tui.ui.screens.template_form import TemplateFormScreen

    if not writable(app):
        return

    def saved(result: Template | None) -> None:
        if result is not None:
            app.notify(t("tplui.saved", name=result.name), timeout=4)
            reload_list(app, show=result)
            if on_saved is not None:
                on_saved(result)

    app.push_screen(TemplateFormScreen(template), saved)


def delete_template(app: CcseoneApp, template: Template, on_deleted: Done = None) -> None:
    """Delete after a question. While an app uses the template the service refuses, and its
    message (naming the apps) is what the user sees — without a pointless question first."""
    if not writable(app):
        return
    workers.start(app, _delete(app, template, on_deleted),
                  name=f"write:template-delete:{template.id}", group="flow",
                  description=t("tplui.what.delete", name=template.name))


async def _delete(app: CcseoneApp, template: Template, on_deleted: Done) -> None:
    templates = app.services.templates
    what = t("tplui.what.delete", name=template.name)
    # read now, not from the list on screen: it may be older than the last publish
    rows = {r.template.id: r for r in await templates.list_rows()}
    row = rows.get(template.id)
    if row is None or not row.used_by:
        yes = await app.push_screen_wait(ConfirmScreen(
            t("tplui.delete.title", name=template.name), t("tplui.delete.body"),
            yes=t("console.delete"), danger=True, id="template-delete-confirm"))
        if not yes:
            return
    try:
        # with apps using it, the service refuses before it changes anything
        await templates.delete(template.name)
    except CcseoneError as exc:
        app.report_error(exc, what)
        return
    app.notify(t("tplui.deleted", name=template.name), timeout=4)
    reload_list(app)
    if on_deleted is not None:
        on_deleted()


def open_template(app: CcseoneApp, template: Template, used_by: list[str] | None = None) -> None:
    from ccseone_tui.ui.screens.template_detail import TemplateDetailScreen

    app.push_screen(TemplateDetailScreen(template, used_by or []))


# ---- help and palette --------------------------------------------------------------------


def template_key_groups() -> list[tuple[str, KeyRows]]:
    """The Template repository's keys, for the help screen."""
    return [
        (t("nav.templates"), [
            ("c", t("tplui.help.c")),
            ("e", t("tplui.help.e")),
            ("d", t("tplui.help.d")),
            ("enter", t("tplui.help.enter")),
            ("p", t("tplui.help.p")),
        ]),
    ]


def template_commands(app: CcseoneApp) -> list[Command]:
    """Palette entries: add, and open/edit/delete each listed template."""
    out: list[Command] = [
        (t("tplui.palette.add"), t("tplui.palette.add.help"), partial(add_template, app)),
    ]
    view = app.main.mounted_view("templates")
    rows = list(view.rows.values()) if view is not None else []
    write = t("console.palette.write.help")
    for row in rows:
        tpl = row.template
        out += [
            (t("tplui.palette.open", name=tpl.name), t("tplui.palette.open.help"),
             partial(open_template, app, tpl, list(row.used_by))),
            (t("tplui.palette.edit", name=tpl.name), write, partial(edit_template, app, tpl)),
            (t("tplui.palette.delete", name=tpl.name), write,
             partial(delete_template, app, tpl)),
        ]
    return out

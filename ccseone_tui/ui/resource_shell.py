"""Shell and port-forward from a Fleet view row (issue #11 item 4), over ``services.shell``.

Shell: the container is asked when the pod runs several; the session is opened while the
console still shows (a refusal — no such container, a pod that has ended — is said at once),
then the terminal is handed to it (``ui/terminal.py``) until the command ends. What went
wrong inside (no ``/bin/sh`` in the image, the WebSocket closed) is said once the console is
back, with its fix.

Port-forward: a declared port of the pod (its containers' ``ports``) or service
(``spec.ports``), or any typed one, to a local port (0: a free one). Forwards run in the
service until stopped on the forwards screen or the console quits.

``INTERACTIVE`` is what connects a session to the terminal; tests replace it with a
scripted conversation (there is no terminal under Pilot).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.actions import writable
from ccseone_tui.ui.resource_confirm import production_typed
from ccseone_tui.ui.terminal import handed_over

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

SHELL = ("/bin/sh",)


async def terminal_session(app: CcseoneApp, session: Any) -> int:
    """The real terminal: the tty's own descriptors (Textual's driver reads the same ones)."""
    stdin = sys.__stdin__.fileno() if sys.__stdin__ is not None else None
    stdout = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
    return int(await app.services.shell.run_interactive(session, stdin, stdout))


INTERACTIVE: Callable[[CcseoneApp, Any], Awaitable[int]] = terminal_session


# ---- shell -----------------------------------------------------------------------------


def shell(app: CcseoneApp, ref: ObjectRef, container: str | None = None) -> None:
    """``/bin/sh`` in a container of the pod (asked when there are several), the terminal
    handed over while it runs; a pod without a shell, a stopped container or a closed
    WebSocket is said after the console comes back. Exec is a write (RBAC ``create`` on
    ``pods/exec``): refused when read-only, a production cluster's name typed."""
    if not writable(app):
        return
    what = t("res_ui.what.shell", name=ref.name)
    workers.start(app, _shell(app, ref, container, what), name=f"flow:shell:{ref.key}",
                  group="flow", description=what)


async def _shell(app: CcseoneApp, ref: ObjectRef, container: str | None, what: str) -> None:
    from ccseone_tui.ui.screens.container_pick import ContainerPickScreen

    shell_service = app.services.shell
    namespace = ref.namespace or "default"
    if container is None:  # main and ephemeral containers, the default one first
        choices = await shell_service.containers(ref.cluster, namespace, ref.name)
        if len(choices) > 1:
            container = await app.push_screen_wait(ContainerPickScreen(
                t("res_ui.shell.pick", pod=ref.name), choices))
            if container is None:
                return
        elif choices:
            container = choices[0].name
    go, typed = await production_typed(app, [ref], t("res_ui.shell.confirm", name=ref.name,
                                                     cluster=ref.cluster))
    if not go:
        return
    session = await shell_service.open_exec(ref.cluster, namespace, ref.name,
                                            container=container, command=SHELL, tty=True,
                                            confirm=typed)
    error: BaseException | None = None
    code = 0
    try:
        with handed_over(app):
            code = await INTERACTIVE(app, session)
    except CcseoneError as exc:  # said once the console is back on screen
        error = exc
    finally:
        await session.close()
    app.refresh()
    if error is not None:
        app.report_error(error, what)
    else:
        app.notify(t("res_ui.shell.ended", pod=ref.name, container=container or "",
                     code=code), severity="warning" if code else "information", timeout=4)


# ---- port-forward --------------------------------------------------------------------------


def declared_ports(obj: dict[str, Any]) -> list[tuple[int, str]]:
    """(port, label) a pod's containers or a service declare; kubectl's remote ports."""
    spec = obj.get("spec") or {}
    out: list[tuple[int, str]] = []
    if obj.get("kind") == "Service":
        for p in spec.get("ports") or []:
            if isinstance(p.get("port"), int):
                target = p.get("targetPort")
                label = f"{p.get('name') or ''} {p.get('protocol') or 'TCP'}".strip()
                if target is not None and target != p["port"]:
                    label += f" → {target}"
                out.append((p["port"], label))
        return out
    for c in spec.get("containers") or []:
        for p in c.get("ports") or []:
            if isinstance(p.get("containerPort"), int):
                name = p.get("name") or ""
                label = f"{c.get('name', '')}{'/' + name if name else ''} " \
                        f"{p.get('protocol') or 'TCP'}"
                out.append((p["containerPort"], label))
    return out


def port_forward(app: CcseoneApp, ref: ObjectRef) -> None:
    """Pick a declared port of the pod or service and a local port (0: any free one), start
    forwarding and say ``Forwarding 127.0.0.1:L → R``. Guarded like exec."""
    if not writable(app):
        return
    what = t("res_ui.what.forward", name=ref.name)
    workers.start(app, _port_forward(app, ref, what), name=f"flow:forward:{ref.key}",
                  group="flow", description=what)


async def _port_forward(app: CcseoneApp, ref: ObjectRef, what: str) -> None:
    from ccseone_tui.ui.screens.port_forward import PortForwardScreen

    obj = await app.services.objects.get(ref)
    ports = declared_ports(obj)
    answer = await app.push_screen_wait(PortForwardScreen(ref, ports))
    if answer is None:
        return
    remote, local = answer
    go, typed = await production_typed(app, [ref], t("res_ui.forward.confirm", name=ref.name,
                                                     cluster=ref.cluster))
    if not go:
        return
    target = f"{ref.cluster}/{target_of(ref)}"

    def failed(forward: Any, message: str) -> None:  # on the loop, per refused connection
        app.notify(t("res_ui.forward.failed", local=forward.local_port, target=target,
                     remote=remote, message=message), severity="warning", timeout=8,
                   markup=False)

    forward = await app.services.shell.port_forward(
        ref.cluster, ref.namespace or "default", target_of(ref), remote, local_port=local,
        confirm=typed, on_error=failed)
    app.notify(t("res_ui.forward.started", local=forward.local_port, remote=remote,
                 target=target), timeout=8, markup=False)


def target_of(ref: ObjectRef) -> str:
    """``pod/web-0`` or ``svc/web``: kubectl's way to name what is forwarded."""
    return f"{'svc' if ref.info.kind == 'Service' else 'pod'}/{ref.name}"


def forwards(app: CcseoneApp) -> None:
    """The active port-forwards (cluster, target, local, remote, connections); ``x`` stops
    (``ctrl+d``) the highlighted one."""
    from ccseone_tui.ui.screens.forwards import ForwardsScreen

    app.push_screen(ForwardsScreen())

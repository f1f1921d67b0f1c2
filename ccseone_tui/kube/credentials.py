"""Credentials we resolve ourselves instead of the official loader (issue #14 items 5-6).

* **Exec plugins.** The official ``ExecProvider`` waits on the plugin for as long as it
  runs (a hung plugin held ``clusters list --refresh`` and ``associate`` for minutes), leaves
  it running when the caller gives up, and the loader logs a failure and carries on without
  credentials, so a broken plugin showed as "401 Unauthorized". Here the plugin runs in its
  own process group, is bounded by the connect timeout, the whole group is killed on timeout
  or cancellation, and every failure is an :class:`ExecPluginFailed` naming the command,
  its exit code and the end of its stderr.
* **Inline key material.** The loader writes ``certificate-authority-data``,
  ``client-certificate-data`` and ``client-key-data`` to ``$TMPDIR`` files removed only by
  ``atexit`` (never after SIGKILL/SIGTERM/SIGHUP). The CA goes to OpenSSL as memory
  (``cadata``); ``load_cert_chain`` only takes paths, so the certificate and key are handed
  over as anonymous ``memfd`` files (``/proc/self/fd/N``, Linux) that never touch a disk.
  Elsewhere they go to a 0700 directory under the data dir, unlinked as soon as OpenSSL has
  read them, and swept at every start (:func:`clean_material_dir`) in case a kill landed in
  between.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccseone_tui.domain.errors import ExecPluginFailed, KubeconfigError
from ccseone_tui.kube.material import MATERIAL_SUBDIR, clean_material_dir

STDERR_TAIL = 400  # characters of a failing plugin's stderr kept in the message


@dataclass(slots=True)
class InlineMaterial:
    """What was taken out of a context before the official loader saw it."""

    ca_pem: str | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    exec_config: dict[str, Any] | None = None
    user_dir: str = ""  # directory of the file the user entry came from (relative paths)


def _data_or_file(entry: dict[str, Any], key: str, base_dir: str) -> bytes | None:
    data = entry.pop(f"{key}-data", None)
    path = entry.pop(key, None)
    if data:
        return base64.b64decode(data)
    if path:
        full = os.path.join(base_dir, os.path.expanduser(str(path)))
        return Path(full).read_bytes()
    return None


def take_inline(cluster: dict[str, Any], cluster_dir: str, user: dict[str, Any] | None,
                user_dir: str) -> InlineMaterial:
    """Remove inline key material and the exec section from the (copied) kubeconfig entries,
    so the official loader has nothing to write to a temp file and no plugin to run."""
    out = InlineMaterial(user_dir=user_dir)
    if cluster.get("certificate-authority-data"):
        out.ca_pem = base64.b64decode(cluster.pop("certificate-authority-data")).decode()
        # with inline data a CA path is ignored, as by kubectl
        cluster.pop("certificate-authority", None)
    if user is None:
        return out
    if user.get("client-certificate-data") or user.get("client-key-data"):
        # one of them inline: read both here, so neither reaches the loader's temp files
        out.cert_pem = _data_or_file(user, "client-certificate", user_dir)
        out.key_pem = _data_or_file(user, "client-key", user_dir)
    exec_config = user.pop("exec", None)
    if exec_config:
        out.exec_config = dict(exec_config)
    return out


# ---- exec credential plugins ------------------------------------------------------------


@dataclass(slots=True)
class ExecCredential:
    token: str | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    expires: dt.datetime | None = None

    def expired(self) -> bool:
        # a minute early: a token that dies in flight costs a failed request
        return self.expires is not None and self.expires <= _now() + dt.timedelta(seconds=60)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def plugin_command(exec_config: dict[str, Any], base_dir: str) -> list[str]:
    """argv like kubectl resolves it: a command with a slash is relative to the kubeconfig
    file's directory; a bare name is looked up on PATH."""
    command = str(exec_config.get("command") or "")
    if os.sep in command and not os.path.isabs(command):
        command = os.path.normpath(os.path.join(base_dir, command))
    return [command, *(str(a) for a in exec_config.get("args") or [])]


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    # start_new_session made the plugin a group leader: its children (a shell's `sleep`,
    # a cloud CLI's helpers) die with it instead of being orphaned
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def run_exec_plugin(exec_config: dict[str, Any], *, base_dir: str, timeout: float,  # noqa: ASYNC109
                          cluster: str) -> ExecCredential:
    """Run one ``client.authentication.k8s.io`` exec plugin; its ``ExecCredential``.

    Bounded by ``timeout`` (the connect timeout: a plugin is part of connecting); on
    timeout, error or cancellation the plugin's whole process group is killed and reaped.
    Raises :class:`ExecPluginFailed` naming the command and what went wrong.
    """
    argv = plugin_command(exec_config, base_dir)
    shown = " ".join(argv)

    def failed(reason: str) -> ExecPluginFailed:
        return ExecPluginFailed(cluster=cluster, command=shown, reason=reason)

    api_version = str(exec_config.get("apiVersion") or "")
    if not argv[0] or not api_version:
        raise failed("the exec section needs command and apiVersion")
    env = dict(os.environ)
    for item in exec_config.get("env") or []:
        if isinstance(item, dict) and "name" in item:
            env[str(item["name"])] = str(item.get("value", ""))
    env["KUBERNETES_EXEC_INFO"] = json.dumps({
        "apiVersion": api_version, "kind": "ExecCredential",
        "spec": {"interactive": False},  # never prompts: nobody could answer it here
    })
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True)
    except OSError as exc:
        raise failed(f"cannot start it: {exc.strerror or exc}") from exc
    try:
        async with asyncio.timeout(timeout):
            stdout, stderr = await proc.communicate()
    except TimeoutError:
        raise failed(f"no answer within {timeout:g}s; it was stopped") from None
    finally:
        if proc.returncode is None:
            _kill_group(proc)
            with contextlib.suppress(ProcessLookupError):
                # shielded: a cancelled caller still reaps its child (no zombie)
                await asyncio.shield(proc.wait())
    err = stderr.decode(errors="replace").strip()[-STDERR_TAIL:]
    if proc.returncode != 0:
        detail = f"exited with code {proc.returncode}"
        raise failed(f"{detail}: {err}" if err else detail)
    return _parse_credential(stdout, api_version, failed)


def _parse_credential(stdout: bytes, api_version: str, failed: Any) -> ExecCredential:
    try:
        data = json.loads(stdout)
    except ValueError:
        # never echo the output: it may be half a token
        raise failed(f"its output is not ExecCredential JSON ({len(stdout)} bytes)") from None
    if not isinstance(data, dict) or data.get("kind") != "ExecCredential":
        raise failed("its output is not an ExecCredential (kind)")
    if data.get("apiVersion") != api_version:
        raise failed(f"it answered apiVersion {data.get('apiVersion')!r}, the kubeconfig "
                     f"asks for {api_version!r}")
    status = data.get("status")
    if not isinstance(status, dict):
        raise failed("its ExecCredential has no status")
    cred = ExecCredential()
    if status.get("token"):
        cred.token = str(status["token"])
    elif status.get("clientCertificateData") and status.get("clientKeyData"):
        cred.cert_pem = str(status["clientCertificateData"]).encode()
        cred.key_pem = str(status["clientKeyData"]).encode()
    else:
        raise failed("its ExecCredential status has neither token nor "
                     "clientCertificateData + clientKeyData")
    expiry = status.get("expirationTimestamp")
    if expiry:
        try:
            cred.expires = dt.datetime.fromisoformat(str(expiry).replace("Z", "+00:00"))
        except ValueError:
            raise failed(f"bad expirationTimestamp {expiry!r}") from None
    return cred


# ---- client certificate and key without files on disk -----------------------------------


def _memfd(data: bytes, name: str) -> tuple[int, str]:
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        os.write(fd, data)
    except BaseException:
        os.close(fd)
        raise
    return fd, f"/proc/self/fd/{fd}"


def memfd_supported() -> bool:
    return hasattr(os, "memfd_create") and sys.platform.startswith("linux") and os.path.isdir(
        "/proc/self/fd")


@contextlib.contextmanager
def material_paths(cert_pem: bytes, key_pem: bytes, fallback_dir: Path | None) -> Iterator[
        tuple[str, str]]:
    """Paths OpenSSL can read the certificate and key from, valid inside the ``with`` only."""
    if memfd_supported():
        cert_fd, cert_path = _memfd(cert_pem, "ccseone-cert")
        try:
            key_fd, key_path = _memfd(key_pem, "ccseone-key")
            try:
                yield cert_path, key_path
            finally:
                os.close(key_fd)
        finally:
            os.close(cert_fd)
        return
    if fallback_dir is None:
        raise KubeconfigError(path="", context="", error="no private directory for the "
                              "client certificate (set a data dir)")
    from ccseone_tui.config import ensure_private_dir, write_private_file

    ensure_private_dir(fallback_dir)
    os.chmod(fallback_dir, 0o700)  # ours (under the data dir): always private
    stem = fallback_dir / f"{os.getpid()}-{os.urandom(6).hex()}"
    cert_file, key_file = stem.with_suffix(".crt"), stem.with_suffix(".key")
    try:
        write_private_file(key_file, key_pem)
        write_private_file(cert_file, cert_pem)
        yield str(cert_file), str(key_file)
    finally:
        key_file.unlink(missing_ok=True)
        cert_file.unlink(missing_ok=True)


__all__ = [
    "MATERIAL_SUBDIR",
    "ExecCredential",
    "InlineMaterial",
    "clean_material_dir",
    "material_paths",
    "memfd_supported",
    "plugin_command",
    "run_exec_plugin",
    "take_inline",
]

"""Credentials hardening (#14 items 5-6): exec plugins that hang or fail, and client keys
that must never land in $TMPDIR. Real plugins (shell scripts), real sandbox over loopback,
real CLI child processes killed by signals."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterStatus, MemberCluster
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.fleet import kubeconfig_document
from ccseone_tui.services import AssociateRequest, open_services
from tests.integration.conftest import make_settings

ROOT = Path(__file__).parents[2]


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _valid(token: str) -> str:
    cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
            "status": {"token": token}}
    return f"cat <<'EOF'\n{json.dumps(cred)}\nEOF\n"


def _exec_user(command: str) -> dict:
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": command,
                     "interactionMode": "Never"}}


def _gone(pid: int) -> bool:
    """No such process, or only a zombie waiting to be reaped by init."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


async def test_hung_garbage_and_failing_plugins_are_bounded_named_and_killed(
        tmp_path: Path) -> None:
    async with SandboxFleet(clusters=5, nodes=1) as fleet:
        names = [c.name for c in fleet.clusters]
        plugins = tmp_path / "plugins"
        plugins.mkdir()
        doc = kubeconfig_document(fleet.clusters)
        # clusters 1..4 authenticate through a plugin (a relative path: resolved like kubectl,
        # against the kubeconfig's directory); cluster 0 keeps its static token
        scripts = {}
        for i, c in enumerate(fleet.clusters[1:], start=1):
            scripts[i] = _script(plugins / f"plugin-{i}.sh", _valid(c.token))
            doc["users"][i]["user"] = _exec_user(f"plugins/plugin-{i}.sh")
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(yaml.safe_dump(doc))
        settings = make_settings(tmp_path, kubeconfig)  # connect timeout 1 s

        s = await open_services(settings, user="tester")
        try:
            await s.instances.create("east", "cn-east-1")
            done = await s.clusters.associate("east", [AssociateRequest(context=n) for n in names])
            assert all(isinstance(r, MemberCluster) for r in done), done
        finally:
            await s.close()

        # now the plugins break: one hangs (with a child of its own), one prints garbage,
        # one fails with a reason on stderr; plugin 4 stays valid
        pidfile = tmp_path / "hung.pid"
        _script(scripts[1], f"echo $$ > {pidfile}\nsleep 600 &\necho $! >> {pidfile}\nwait\n")
        _script(scripts[2], "echo 'this is not json'\n")
        _script(scripts[3], "echo 'token expired: run sso login' >&2\nexit 1\n")

        s = await open_services(settings, user="tester")
        try:
            started = time.monotonic()
            async with asyncio.timeout(20):  # before the fix: the hung plugin's 600 s
                await s.clusters.refresh()
            elapsed = time.monotonic() - started
        finally:
            await s.close()
        assert elapsed < 4.0, f"refresh took {elapsed:.1f}s with a hung plugin"

        # every result was saved, the healthy ones Ready
        s = await open_services(settings, user="tester")
        try:
            by_name = {c.name: c for c in await s.clusters.list()}
        finally:
            await s.close()
        assert by_name[names[0]].probe.status is ClusterStatus.READY
        assert by_name[names[4]].probe.status is ClusterStatus.READY
        hung, garbage, failing = (by_name[n].probe for n in names[1:4])
        for probe in (hung, garbage, failing):
            assert probe.status is not ClusterStatus.UNAUTHORIZED  # not "401" any more
            assert probe.status is not ClusterStatus.READY
        assert "plugin-1.sh" in hung.error and "no answer within 1s" in hung.error
        assert "plugin-2.sh" in garbage.error and "not ExecCredential JSON" in garbage.error
        assert "plugin-3.sh" in failing.error
        assert "exited with code 1: token expired: run sso login" in failing.error

        # the hung plugin and its child were killed, not orphaned
        pids = [int(p) for p in pidfile.read_text().split()]
        assert len(pids) == 2
        for _ in range(50):
            if all(_gone(p) for p in pids):
                break
            await asyncio.sleep(0.05)
        assert all(_gone(p) for p in pids), f"plugin processes left running: {pids}"


async def test_associate_with_a_hung_plugin_fails_only_that_context(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=2, nodes=1) as fleet:
        doc = kubeconfig_document(fleet.clusters)
        hang = _script(tmp_path / "hang.sh", "exec sleep 600\n")
        doc["users"][0]["user"] = _exec_user(str(hang))
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(yaml.safe_dump(doc))
        s = await open_services(make_settings(tmp_path, kubeconfig), user="tester")
        try:
            await s.instances.create("east", "cn-east-1")
            started = time.monotonic()
            async with asyncio.timeout(20):
                first, second = await s.clusters.associate(
                    "east", [AssociateRequest(context=c.name) for c in fleet.clusters])
            assert time.monotonic() - started < 4.0
            assert isinstance(first, CcseoneError)
            assert str(hang) in str(first) and "no answer within 1s" in str(first)
            assert isinstance(second, MemberCluster)
            assert [c.name for c in await s.clusters.list()] == [fleet.clusters[1].name]
        finally:
            await s.close()


# ---- item 6: no client key in $TMPDIR, whatever kills the process ------------------------


def _client_cert(tmp: Path) -> tuple[bytes, bytes]:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "client.key", "-out", "client.crt", "-days", "1",
         "-subj", "/CN=ccseone-test/O=system:masters"],
        cwd=tmp, check=True, capture_output=True)
    return (tmp / "client.crt").read_bytes(), (tmp / "client.key").read_bytes()


def _key_files(root: Path, key_body: bytes) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if b"PRIVATE KEY" in data or key_body in data:
                hits.append(path)
    return hits


def _child_env(tmp: Path, kubeconfig: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCSEONE")}
    env.update(TMPDIR=str(tmp / "child-tmp"), CCSEONE_DATA_DIR=str(tmp / "data"),
               KUBECONFIG=str(kubeconfig), CCSEONE_CONFIG=str(tmp / "none.toml"),
               PYTHONPATH=str(ROOT))
    (tmp / "child-tmp").mkdir(exist_ok=True)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ccseone_tui", *args]


@pytest.mark.skipif(not Path("/usr/bin/openssl").exists() and not any(
    (Path(p) / "openssl").exists() for p in os.environ.get("PATH", "").split(os.pathsep)),
    reason="needs openssl")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP])
async def test_client_key_never_reaches_tmpdir(tmp_path: Path, sig: signal.Signals) -> None:
    cert, key = _client_cert(tmp_path)
    key_body = key.split(b"\n")[1]  # a base64 line of the key itself
    async with SandboxFleet(clusters=1, nodes=1, tls=True) as fleet:
        cluster = fleet.clusters[0]
        doc = kubeconfig_document(fleet.clusters)
        doc["users"][0]["user"].update({
            "client-certificate-data": base64.b64encode(cert).decode(),
            "client-key-data": base64.b64encode(key).decode()})
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(yaml.safe_dump(doc))
        env = _child_env(tmp_path, kubeconfig)
        made = await asyncio.create_subprocess_exec(
            *_cli("instances", "create", "east", "--region", "cn-east-1"), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await made.communicate()
        assert made.returncode == 0, err.decode()

        cluster.faults.latency_ms = 60_000  # the child waits on /version, TLS set up
        seen = len(cluster.requests)
        child = await asyncio.create_subprocess_exec(
            *_cli("clusters", "associate", "--instance", "east", cluster.name), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            async with asyncio.timeout(30):
                # its TLS handshake is done once the sandbox logs a request (a poll: the
                # sandbox has no event for it)
                while len(cluster.requests) == seen:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            # while it runs: the key is nowhere on disk (before: a mkstemp file in $TMPDIR)
            assert _key_files(tmp_path / "child-tmp", key_body) == []
            assert _key_files(tmp_path / "data", key_body) == []
            child.send_signal(sig)
            async with asyncio.timeout(30):
                await child.wait()
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
    assert _key_files(tmp_path / "child-tmp", key_body) == []
    assert _key_files(tmp_path / "data", key_body) == []


async def test_start_sweeps_key_files_a_killed_process_left(tmp_path: Path) -> None:
    """Where memfd is missing, keys live a moment in <data>/tls-material (0700); a SIGKILL
    in that moment leaves one, and the next start removes it."""
    from ccseone_tui.kube.credentials import MATERIAL_SUBDIR

    leftover = tmp_path / "data" / MATERIAL_SUBDIR
    leftover.mkdir(parents=True, mode=0o700)
    (leftover / "123-abc.key").write_text("-----BEGIN PRIVATE KEY-----\nxx\n")
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    proc = await asyncio.create_subprocess_exec(
        *_cli("instances", "list"), env=_child_env(tmp_path, kubeconfig),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert not leftover.exists()


async def test_client_certificate_in_memory_reaches_the_server(tmp_path: Path) -> None:
    """The memfd hand-over really loads the certificate: a TLS sandbox answers, and a broken
    key is named as the kubeconfig's fault."""
    from ccseone_tui.domain.errors import KubeconfigError
    from ccseone_tui.kube import ClusterRef, KubePool
    from tests.kube.kube_helpers import SETTINGS

    cert, key = _client_cert(tmp_path)
    async with SandboxFleet(clusters=1, nodes=1, tls=True) as fleet:
        doc = kubeconfig_document(fleet.clusters)
        user = doc["users"][0]["user"]
        user["client-certificate-data"] = base64.b64encode(cert).decode()
        user["client-key-data"] = base64.b64encode(key).decode()
        good = tmp_path / "good.yaml"
        good.write_text(yaml.safe_dump(doc))
        user["client-key-data"] = base64.b64encode(b"not a key").decode()
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(doc))
        name = fleet.clusters[0].name
        async with KubePool(SETTINGS) as pool:
            client = await pool.client(ClusterRef(name=name, kubeconfig=str(good), context=name))
            assert (await client.version())["gitVersion"]
            assert client._api.configuration.key_file is None  # no path left to leak
            with pytest.raises(KubeconfigError, match="TLS material cannot be used"):
                await pool.client(ClusterRef(name="bad", kubeconfig=str(bad), context=name))

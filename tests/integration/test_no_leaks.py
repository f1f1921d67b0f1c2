"""#14 "Done when": a planted token, client key and Secret value appear nowhere ccseone
writes or shows — cache, data dir, $TMPDIR, logs, saved logs, CLI output, screenshots —
after associate / refresh / publish / history / logs through the CLI and a headless TUI."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import tempfile
from pathlib import Path

import pytest
import yaml

from ccseone_tui.cli import main
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.fleet import kubeconfig_document
from ccseone_tui.services import open_services

from .conftest import make_settings
from .test_apps_support import NS, add_yaml_template, create_namespace
from .test_credentials import _client_cert, _exec_user, _script, _valid

ROOT = Path(__file__).parents[2]
SECRET_TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-creds
stringData:
  pin: {{ .Values.pin | quote }}
"""


def _hits(root: Path, needles: dict[str, bytes]) -> list[str]:
    found = []
    for path in [root] if root.is_file() else root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [f"{name} in {path}" for name, n in needles.items() if n in data]
    return found


async def test_no_planted_secret_is_written_or_shown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    cert, key = _client_cert(tmp_path)
    secret_value = f"planted-{secrets.token_hex(8)}"
    async with SandboxFleet(clusters=2, nodes=1, tls=True) as fleet:
        one, two = fleet.clusters
        doc = kubeconfig_document(fleet.clusters)
        doc["users"][0]["user"].update({
            "client-certificate-data": base64.b64encode(cert).decode(),
            "client-key-data": base64.b64encode(key).decode()})
        plugin = _script(tmp_path / "plugin.sh", _valid(two.token))
        doc["users"][1]["user"] = _exec_user(str(plugin))
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(yaml.safe_dump(doc))
        needles = {"token-1": one.token.encode(), "token-2": two.token.encode(),
                   "client key": key.split(b"\n")[1], "secret value": secret_value.encode(),
                   "secret value (base64)": base64.b64encode(secret_value.encode())}
        settings = make_settings(tmp_path, kubeconfig)
        monkeypatch.setenv("CCSEONE_DATA_DIR", str(settings.resolved_data_dir))
        outputs: list[str] = []

        async def cli(*argv: str) -> None:
            code = await asyncio.to_thread(main, ["--kubeconfig", str(kubeconfig), *argv])
            out, err = capsys.readouterr()
            outputs.append(out + err)  # what ccseone printed (the argv itself is the user's)
            assert code == 0, outputs[-1]

        await cli("instances", "create", "east", "--region", "cn-east-1")
        await cli("clusters", "associate", "--instance", "east", one.name, two.name)
        await cli("clusters", "list", "--refresh", "-o", "json")
        await cli("clusters", "show", one.name, "-o", "yaml")
        s = await open_services(settings, user="tester")
        try:
            for c in fleet.clusters:
                await create_namespace(s, c.name)
            await add_yaml_template(s, "creds", SECRET_TEMPLATE, {"pin": "0000"})
        finally:
            await s.close()
        targets = [f"--target={c.name}/{NS}" for c in fleet.clusters]
        await cli("apps", "publish", "db", "--instance", "east", "--template", "creds",
                  *targets, "--set", f"pin={secret_value}")
        await cli("apps", "history", "db", "--instance", "east", "-o", "json")
        await cli("apps", "show", "db", "--instance", "east", "-o", "json")
        await cli("logs", "instance", "east")
        saved_logs = tmp_path / "saved.log"
        saved_logs.write_text("\n".join(outputs))

        # a headless TUI session over the same cache: clusters, apps, a screenshot
        from ccseone_tui.ui.app import CcseoneApp

        shots = tmp_path / "shots"
        shots.mkdir()
        s = await open_services(settings, user="tester")
        try:
            app = CcseoneApp(s, live_probes=False)
            async with app.run_test(size=(140, 40)) as pilot:
                await pilot.pause()
                app.save_screenshot(str(shots / "clusters.svg"))
                await pilot.press("ctrl+p")
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
                app.save_screenshot(str(shots / "after.svg"))
        finally:
            await s.close()

        # the Secret really got there (the check is not vacuous)
        s = await open_services(settings, user="tester")
        try:
            client = await s.clusters.client(await s.clusters.get(one.name))
            live = await client.get("v1", "Secret", "db-creds", namespace=NS)
        finally:
            await s.close()
        data = live.get("stringData") or {
            k: base64.b64decode(v).decode() for k, v in (live.get("data") or {}).items()}
        assert data["pin"] == secret_value
        assert json.loads(outputs[-3])  # history printed JSON

    found = []
    for where in (settings.db_path, settings.resolved_data_dir, private_tmp, saved_logs,
                  shots, ROOT / "screenshots"):
        found += _hits(Path(where), needles)
    found += [f"{name} in CLI output" for name, n in needles.items()
              if n.decode() in "\n".join(outputs)]
    assert found == []

"""#14 item 7: values that feed a Secret never reach the cache; history shows them masked;
rollback, retry, upgrade and a draft's publish ask for them again instead."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ccseone_tui.domain.apps import PublishRequest
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import Services
from ccseone_tui.services.apps.secret_values import REDACTED, SecretValuesRequired

from .test_apps_support import NS, add_yaml_template, client_of, setup_east

PASSWORD = "hunter2-Xq9"  # planted, then searched for
SHORT = "zq7"  # shorter than any text match: only the marker render finds it

TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-db
data:
  pw: {{ .Values.db.pw | b64enc }}
  pin: {{ .Values.db.pin | b64enc }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cfg
data:
  user: {{ .Values.db.user | quote }}
  replicas: {{ .Values.replicas | quote }}
"""
DEFAULTS = {"db": {"pw": "pw0", "pin": "pin0", "user": "app"}, "replicas": 1}
VALUES = f"db:\n  pw: {PASSWORD}\n  pin: {SHORT}\n  user: shop\nreplicas: 3\n"


def _db_text(services: Services) -> str:
    path = Path(services.settings.db_path)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM revisions").fetchall()
    return "\n".join(str(r) for r in rows)


async def _live(services: Services, cluster: str) -> str:
    import base64

    client = await client_of(services, cluster)
    secret = await client.get("v1", "Secret", "db-db", namespace=NS)
    return base64.b64decode(secret["data"]["pw"]).decode()


async def test_secret_values_are_redacted_and_asked_for_again(
        services: Services, fleet: SandboxFleet) -> None:
    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "dbt", TEMPLATE, DEFAULTS)
    task = await services.apps.publish("east", PublishRequest(
        "db", "dbt", None, VALUES, targets=targets[:1]))
    assert task.status is TaskStatus.SUCCEEDED
    assert await _live(services, targets[0].cluster) == PASSWORD

    [row] = await services.apps.history("east", "db")
    stored = row.revision.values
    assert PASSWORD not in stored and SHORT not in stored  # before: stored verbatim
    assert stored.count(REDACTED) == 2
    assert "user: shop" in stored and "replicas: 3" in stored  # the rest kept as given
    assert PASSWORD not in _db_text(services) and SHORT not in _db_text(services)

    # an upgrade keeping the current values needs the secret ones again
    with pytest.raises(SecretValuesRequired) as err:
        await services.apps.upgrade("east", "db")
    assert "db.pw" in str(err.value) and "db.pin" in str(err.value)
    assert "--set db.pw=VALUE" in str(err.value)
    task = await services.apps.upgrade("east", "db", values_yaml=VALUES.replace(
        PASSWORD, "second-pass"))
    assert task.status is TaskStatus.SUCCEEDED

    # rollback: refused without them (nothing applied), works with them
    with pytest.raises(SecretValuesRequired):
        await services.apps.rollback("east", "db", 1)
    assert await _live(services, targets[0].cluster) == "second-pass"
    given = f"db:\n  pw: {PASSWORD}\n  pin: {SHORT}\n"
    task = await services.apps.rollback("east", "db", 1, values_yaml=given)
    assert task.status is TaskStatus.SUCCEEDED
    assert await _live(services, targets[0].cluster) == PASSWORD
    assert PASSWORD not in _db_text(services)


async def test_a_failed_publish_keeps_a_draft_without_secret_values(
        services: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.domain.apps import DryRunFailed

    targets = await setup_east(services, fleet, namespaces=False)  # no namespace: refused
    await add_yaml_template(services, "dbt", TEMPLATE, DEFAULTS)
    with pytest.raises(DryRunFailed):
        await services.apps.publish("east", PublishRequest("db", "dbt", None, VALUES,
                                                           targets=targets[:1]))
    assert PASSWORD not in _db_text(services)
    from .test_apps_support import create_namespace

    await create_namespace(services, targets[0].cluster)
    with pytest.raises(SecretValuesRequired):
        await services.apps.publish_draft("east", "db")
    task = await services.apps.publish_draft(
        "east", "db", values_yaml=f"db:\n  pw: {PASSWORD}\n  pin: {SHORT}\n")
    assert task.status is TaskStatus.SUCCEEDED
    assert await _live(services, targets[0].cluster) == PASSWORD


async def test_cli_history_shows_secret_values_masked(
        services: Services, fleet: SandboxFleet, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ccseone_tui.cli import main

    targets = await setup_east(services, fleet)
    await add_yaml_template(services, "dbt", TEMPLATE, DEFAULTS)
    await services.apps.publish("east", PublishRequest("db", "dbt", None, VALUES,
                                                       targets=targets[:1]))
    settings = services.settings
    monkeypatch.setenv("CCSEONE_DATA_DIR", str(settings.resolved_data_dir))
    argv = ["--kubeconfig", str(settings.kubeconfig), "apps", "history", "db", "--instance",
            "east", "-o", "json"]
    code = await _run_cli(main, argv)
    out = capsys.readouterr().out
    assert code == 0, out
    assert PASSWORD not in out and SHORT not in out
    [entry] = json.loads(out)
    assert REDACTED in entry["values"]


async def _run_cli(main, argv: list[str]) -> int:
    import asyncio

    try:
        return await asyncio.to_thread(main, argv)
    except SystemExit as exc:
        return int(exc.code or 0)

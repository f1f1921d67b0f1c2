"""#12 item 2: `ccseone tasks show ID` prints local date-times and a results table, or JSON
with RFC 3339 times and durations in seconds — never Python reprs or raw epoch floats."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

import pytest

from ccseone_tui.cli import main
from ccseone_tui.config import Settings
from ccseone_tui.services import open_services


async def make_task(tmp_path: Path) -> str:
    services = await open_services(Settings(data_dir=tmp_path / "data"), user="alice")
    try:
        inst = await services.instances.create("east", services.settings.regions[0])

        async def ok() -> str:
            return "applied"

        async def bad() -> str:
            raise RuntimeError("connection refused: 10.0.0.9:6443")

        task = await services.tasks.run("namespace.create", "payments",
                                        {"east-1": ok, "east-2": bad}, instance_id=inst.id)
        return task.id
    finally:
        await services.close()


async def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str
              ) -> tuple[int, str, str]:
    base = ["--config", str(tmp_path / "none.toml"), "--db",
            str(tmp_path / "data" / "ccseone.db"), "--lang", "en"]
    code = await asyncio.to_thread(main, [*base, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_tasks_show_table_and_json(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    task_id = await make_task(tmp_path)
    code, out, err = await run(tmp_path, capsys, "tasks", "show", task_id)
    assert code == 0, err
    assert "TaskResult(" not in out and "Task(" not in out and "<TaskStatus" not in out
    assert "namespace.create payments" in out and "Partial (1/2 succeeded)" in out
    assert "Started:" in out and "Took:" in out
    lines = out.splitlines()
    header = next(ln for ln in lines if ln.startswith("TARGET"))
    assert header.split() == ["TARGET", "STATUS", "TOOK", "MESSAGE"]
    assert any(ln.startswith("east-2") and "connection refused: 10.0.0.9:6443" in ln
               for ln in lines)
    assert not any(tok.replace(".", "").isdigit() and len(tok) >= 10 for tok in out.split())

    code, out, _ = await run(tmp_path, capsys, "tasks", "show", task_id, "-o", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "Partial" and doc["created_at"].endswith("Z")
    assert isinstance(doc["duration_seconds"], float)
    by_target = {r["target"]: r for r in doc["results"]}
    assert by_target["east-2"]["status"] == "Failed"
    assert "connection refused" in by_target["east-2"]["message"]
    assert by_target["east-1"]["started_at"].endswith("Z")


async def test_json_lists_carry_machine_values(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """#12 item 9: -o json gives maps, numbers and RFC 3339 times, not table strings."""
    await make_task(tmp_path)
    code, out, _ = await run(tmp_path, capsys, "instances", "list", "-o", "json")
    assert code == 0
    [inst] = json.loads(out)
    assert inst["created"].endswith("Z") and "T" in inst["created"]


async def test_tasks_list_json_carries_machine_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """#12 item 9: `tasks list -o json` gives counts as numbers and RFC 3339 times, not the
    table's `1/2` and local date-time."""
    await make_task(tmp_path)
    code, out, _ = await run(tmp_path, capsys, "tasks", "list", "-o", "json")
    assert code == 0
    [task] = json.loads(out)
    assert task["results"] == {"succeeded": 1, "total": 2}
    assert datetime.fromisoformat(task["created"]).tzinfo is not None
    code, out, _ = await run(tmp_path, capsys, "tasks", "list")
    assert "1/2" in out  # the table keeps the readable form

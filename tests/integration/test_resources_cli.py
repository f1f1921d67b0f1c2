"""``ccseone get|describe|events|delete|scale|restart`` (issue #11 item 5) in-process, against
a sandbox fleet over HTTP: three clusters, the last one production (``env=prod``), a
Deployment ``web`` on each, a CRD (``widgets.example.com``) on the first only. ``get -w``
runs as a real process, stopped with SIGINT once the change it waits for is printed.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from ccseone_tui.cli.resource_cmds import WatchPrinter
from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services.resources.model import ClusterDelta, ResourceRow
from tests.integration.test_fleet_cli import ThreadedFleet, _seed, run
from tests.integration.test_resources_read import forbid_pods

ROOT = Path(__file__).parents[2]
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"kind": "Widget", "plural": "widgets", "singular": "widget",
                       "shortNames": ["wdg"], "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {
                               "type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                           "additionalPrinterColumns": [
                               {"name": "Size", "type": "string", "jsonPath": ".spec.size"},
                               {"name": "Age", "type": "date",
                                "jsonPath": ".metadata.creationTimestamp"}]}]},
}
WIDGET = {"apiVersion": "example.com/v1", "kind": "Widget",
          "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": "large"}}


async def _crd(kubeconfig: str, cluster: str) -> None:
    async with KubePool(Settings(read_timeout=10)) as pool:
        client = await pool.client(ClusterRef(name=cluster, kubeconfig=kubeconfig,
                                              context=cluster))
        await client.apply(CRD)
        for _ in range(50):  # the CRD's type is served once it is Established
            try:
                await client.apply(WIDGET)
                return
            except Exception:
                await asyncio.sleep(0.1)
        await client.apply(WIDGET)


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[tuple[ThreadedFleet, list[str]]]:
    """The sandbox served, ``east`` with its three clusters, the last one production."""
    sandbox = SandboxFleet(clusters=3, nodes=2, system_workloads=False, log_rate=0.0,
                           kubeconfig_path=tmp_path / "kubeconfig")
    with ThreadedFleet(sandbox) as threaded:
        names = [c.name for c in sandbox.clusters]
        asyncio.run(_seed(str(sandbox.kubeconfig_path), names))
        asyncio.run(_crd(str(sandbox.kubeconfig_path), names[0]))
        threaded.call(sandbox.settle())
        assert run(tmp_path, "instances", "create", "east", "--region", "cn-east-1") == 0
        assert run(tmp_path, "clusters", "associate", "--instance", "east", *names,
                   "--no-deletion-protection") == 0
        assert run(tmp_path, "clusters", "edit", names[2], "--labels", "env=prod",
                   "--confirm", names[2]) == 0
        yield threaded, names


def lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()]


def test_get_tables(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()

    # the default namespace, CLUSTER first, no NAMESPACE column (kubectl shows it with -A)
    assert run(tmp_path, "get", "po") == 0
    out = capsys.readouterr()
    rows = lines(out.out)
    assert rows[0] == ["CLUSTER", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [r[0] for r in rows[1:]] == [n for n in names for _ in range(2)]
    assert all(r[1].startswith("web-") for r in rows[1:]) and out.err == ""

    assert run(tmp_path, "get", "deploy", "-A") == 0
    rows = lines(capsys.readouterr().out)
    assert rows[0][:3] == ["CLUSTER", "NAMESPACE", "NAME"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(n, "default", "web") for n in names]
    assert run(tmp_path, "get", "pods", "-A", "-l", "app=web", "--cluster", names[0]) == 0
    rows = lines(capsys.readouterr().out)
    assert [(r[0], r[1]) for r in rows[1:]] == [(names[0], "default")] * 2
    assert run(tmp_path, "get", "pods", "-A", "-l", "app!=web") == 0
    assert "No resources found." in capsys.readouterr().err

    # a cluster-scoped kind by its short name; --cluster repeatable and comma-separated
    assert run(tmp_path, "get", "no", "--cluster", names[0], "--cluster", names[1]) == 0
    rows = lines(capsys.readouterr().out)
    assert rows[0][:3] == ["CLUSTER", "NAME", "STATUS"]
    assert sorted({r[0] for r in rows[1:]}) == sorted(names[:2]) and len(rows) == 5
    assert run(tmp_path, "get", "nodes", "--cluster", f"{names[1]},{names[2]}") == 0
    assert {r[0] for r in lines(capsys.readouterr().out)[1:]} == set(names[1:])

    # -n: an empty namespace says so on stderr, exit 0
    assert run(tmp_path, "get", "pods", "-n", "kube-system") == 0
    out = capsys.readouterr()
    assert out.out == "" and "No resources found in kube-system namespace." in out.err

    # -o wide: the extra columns; -o name: CLUSTER/TYPE/NAME
    assert run(tmp_path, "get", "pods", "-o", "wide", "--cluster", names[0]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "NODE" in header and "IP" in header
    assert run(tmp_path, "get", "deploy", "--no-headers") == 0
    assert [r[:2] for r in lines(capsys.readouterr().out)] == [[n, "web"] for n in names]
    assert run(tmp_path, "get", "deploy", "-o", "name") == 0
    assert capsys.readouterr().out.split() == [f"{n}/deployment.apps/web" for n in names]

    # one object by name; a name no cluster has: exit 1
    assert run(tmp_path, "get", "deployment.apps", "web", "--cluster", names[1]) == 0
    assert lines(capsys.readouterr().out)[1][:2] == [names[1], "web"]
    assert run(tmp_path, "get", "deploy/web", "--cluster", names[2]) == 0
    assert lines(capsys.readouterr().out)[1][:2] == [names[2], "web"]
    assert run(tmp_path, "get", "deploy", "nothing-here") == 1
    assert 'deployment.apps "nothing-here" not found' in capsys.readouterr().err


def test_get_a_crd_some_clusters_lack(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()
    assert run(tmp_path, "get", "wdg") == 0  # not an error for the others
    out = capsys.readouterr()
    rows = lines(out.out)
    assert rows[0] == ["CLUSTER", "NAME", "SIZE", "AGE"]
    assert rows[1][:3] == [names[0], "w1", "large"] and len(rows) == 2
    err = out.err.splitlines()
    assert len(err) == 2 and all("widgets" in line for line in err)
    assert [line.split(":")[1].strip() for line in err] == names[1:]


def test_get_json_yaml(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()
    assert run(tmp_path, "get", "deploy", "-o", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["apiVersion"], doc["kind"]) == ("v1", "List")
    assert doc["resource"] == {"group": "apps", "version": "v1", "kind": "Deployment",
                               "plural": "deployments", "namespaced": True}
    assert doc["clusters"] == names and doc["errors"] == {} and doc["missing"] == []
    assert [i["cluster"] for i in doc["items"]] == names
    web = doc["items"][0]["object"]
    assert (web["apiVersion"], web["kind"], web["metadata"]["name"]) == (
        "apps/v1", "Deployment", "web")
    assert web["spec"]["replicas"] == 2  # the whole object, not the table's cells

    assert run(tmp_path, "get", "widgets.example.com", "w1", "-o", "yaml") == 0
    out = capsys.readouterr()
    doc = yaml.safe_load(out.out)
    assert doc["missing"] == names[1:]
    [item] = doc["items"]
    assert item["cluster"] == names[0] and item["object"]["spec"] == {"size": "large"}

    assert run(tmp_path, "get", "pods", "-l", "app=nothing", "-o", "json") == 0
    assert json.loads(capsys.readouterr().out)["items"] == []


def test_unknown_kind_suggests(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(tmp_path, "get", "deploymnts") == 2
    out = capsys.readouterr()
    assert out.out == "" and "deploymnts" in out.err and "deployments" in out.err
    assert run(tmp_path, "describe", "wigdets", "w1") == 2
    assert "widgets" in capsys.readouterr().err
    # an unknown cluster is bad input too
    assert run(tmp_path, "get", "pods", "--cluster", "nowhere") == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_dead_cluster(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    served, names = fleet
    served.call(served.fleet.clusters[1].set_outage(True))
    capsys.readouterr()
    assert run(tmp_path, "get", "deploy") == 1
    out = capsys.readouterr()
    assert [r[0] for r in lines(out.out)[1:]] == [names[0], names[2]]
    [err] = out.err.splitlines()
    assert err.startswith(f"ccseone: {names[1]}: ") and len(err) > len(names[1]) + 12

    assert run(tmp_path, "get", "deploy", "-o", "json") == 1
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert list(doc["errors"]) == [names[1]] and len(doc["items"]) == 2
    assert out.err.startswith(f"ccseone: {names[1]}: ")

    # describe without --cluster: the others are described, the dead one's cause on stderr
    assert run(tmp_path, "describe", "deploy", "web") == 1
    out = capsys.readouterr()
    assert out.out.count("Name:") == 2 and f"ccseone: {names[1]}: " in out.err


def test_forbidden_on_one_cluster(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    served, names = fleet

    async def forbid() -> None:
        forbid_pods(served.fleet.clusters[2])

    served.call(forbid())
    capsys.readouterr()
    assert run(tmp_path, "get", "pods") == 1
    out = capsys.readouterr()
    assert {r[0] for r in lines(out.out)[1:]} == set(names[:2])
    assert out.err.startswith(f'ccseone: {names[2]}: pods is forbidden: User "viewer"')
    assert run(tmp_path, "get", "pods", "-o", "json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert list(doc["errors"]) == [names[2]] and "forbidden" in doc["errors"][names[2]]
    assert run(tmp_path, "get", "deploy") == 0  # other kinds are still allowed there
    capsys.readouterr()


def test_describe(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()
    # every cluster that has it, each with a Cluster: header line, blank line between
    assert run(tmp_path, "describe", "deploy", "web") == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("Cluster:")]
    assert [h.split()[1] for h in headers] == names
    assert out.count("\nName:") == 3 and "Events:" in out and "\n\nCluster:" in out

    assert run(tmp_path, "describe", "wdg", "w1") == 0  # only where it exists
    out = capsys.readouterr()
    assert out.out.splitlines()[0].split() == ["Cluster:", names[0]]
    assert "w1" in out.out

    assert run(tmp_path, "describe", "deploy", "web", "--cluster", names[2]) == 0
    out = capsys.readouterr().out
    assert out.count("Cluster:") == 1 and names[2] in out.splitlines()[0]
    # kubectl's TYPE/NAME form, several types at once
    assert run(tmp_path, "describe", "deploy/web", "wdg/w1", "--cluster", names[0]) == 0
    out = capsys.readouterr().out
    assert out.count("Cluster:") == 2 and "Kind:         Widget" in out
    assert run(tmp_path, "describe", "deploy/web", "web") == 2
    assert "TYPE/NAME" in capsys.readouterr().err

    assert run(tmp_path, "describe", "deploy", "nope", "--cluster", names[0]) == 1
    assert f"ccseone: {names[0]}: " in capsys.readouterr().err
    assert run(tmp_path, "describe", "deploy", "nope") == 1
    assert 'deployment.apps "nope" not found' in capsys.readouterr().err


def test_events(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()
    assert run(tmp_path, "events") == 0
    rows = lines(capsys.readouterr().out)
    assert rows[0][:3] == ["CLUSTER", "LAST", "SEEN"]
    assert {r[0] for r in rows[1:]} == set(names)

    assert run(tmp_path, "events", "-A", "-o", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["resource"]["plural"] == "events" and doc["items"]
    assert all(i["object"]["kind"] == "Event" for i in doc["items"])

    assert run(tmp_path, "events", "deploy", "web", "--cluster", names[0]) == 0
    rows = lines(capsys.readouterr().out)
    assert rows[0] == ["CLUSTER", "LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert all(r[0] == names[0] and "deployment/web" in r for r in rows[1:]) and rows[1:]

    assert run(tmp_path, "events", "deploy", "web", "-o", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert {e["cluster"] for e in doc} == set(names)
    assert doc[0]["object"] == {"kind": "Deployment", "namespace": "default", "name": "web"}
    assert doc[0]["last_seen"].endswith("Z")

    assert run(tmp_path, "events", "deploy") == 2  # a kind without a name
    assert "NAME" in capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_delete_guarded(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                        capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, names = fleet
    capsys.readouterr()
    # read-only: refused with the guard's message, before anything is asked
    assert run(tmp_path, "--readonly", "delete", "deploy", "web", "--cluster", names[0],
               "--yes") == 1
    assert "Read-only mode" in capsys.readouterr().err
    # production: the cluster's name typed with --confirm
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", names[2], "--yes") == 1
    assert f"--confirm {names[2]}" in capsys.readouterr().err
    # a cluster that is not a member: bad input, the members named
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", "nowhere", "--yes") == 2
    assert names[0] in capsys.readouterr().err
    # not a terminal and no --yes: nothing is deleted
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", names[0]) == 1
    assert "--yes" in capsys.readouterr().err
    # a terminal: every object listed, "n" keeps them
    monkeypatch.setattr(sys, "stdin", _Tty("n\n"))
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", names[0]) == 1
    err = capsys.readouterr().err
    assert f"{names[0]}: deployment.apps/web -n default" in err and "Nothing deleted" in err
    assert run(tmp_path, "get", "deploy", "web", "--cluster", names[0]) == 0
    capsys.readouterr()

    # "y": deleted; a missing name is its own failure, exit 1
    monkeypatch.setattr(sys, "stdin", _Tty("y\n"))
    assert run(tmp_path, "delete", "deploy", "web", "ghost", "--cluster", names[0]) == 1
    out = capsys.readouterr()
    assert out.out.strip() == f'{names[0]}: deployment.apps "web" deleted'
    assert f"ccseone: {names[0]}: deployment.apps/ghost -n default: " in out.err
    assert "not found" in out.err

    # production confirmed: the listing marks it
    monkeypatch.setattr(sys, "stdin", _Tty("no\n"))
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", f"{names[1]},{names[2]}",
               "--confirm", names[2]) == 1
    err = capsys.readouterr().err
    assert f"{names[2]}: deployment.apps/web -n default  PROD" in err
    assert f"{names[1]}: deployment.apps/web -n default\n" in err
    assert run(tmp_path, "delete", "deploy", "web", "--cluster", f"{names[1]},{names[2]}",
               "--confirm", names[2], "--yes", "-o", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(d["cluster"], d["name"], d["ok"]) for d in doc] == [
        (names[1], "web", True), (names[2], "web", True)]
    time.sleep(0.2)
    assert run(tmp_path, "get", "deploy") == 0
    assert capsys.readouterr().out == ""


def test_scale_and_restart(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    _, names = fleet
    capsys.readouterr()
    assert run(tmp_path, "scale", "deploy", "web", "--replicas", "3",
               "--cluster", names[0]) == 0
    assert capsys.readouterr().out.strip() == f'{names[0]}: deployment.apps "web" scaled to 3'
    assert run(tmp_path, "get", "deploy", "web", "-o", "json") == 0
    replicas = {i["cluster"]: i["object"]["spec"]["replicas"]
                for i in json.loads(capsys.readouterr().out)["items"]}
    assert replicas == {names[0]: 3, names[1]: 2, names[2]: 2}

    assert run(tmp_path, "scale", "deploy", "web", "--replicas", "1",
               "--cluster", names[2]) == 1  # production
    assert "--confirm" in capsys.readouterr().err
    assert run(tmp_path, "scale", "pods", "x", "--replicas", "1", "--cluster", names[0]) == 2
    assert "scale" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        run(tmp_path, "scale", "deploy", "web", "--replicas", "-1", "--cluster", names[0])
    assert exit_.value.code == 2
    capsys.readouterr()

    assert run(tmp_path, "restart", "deploy/web", "--cluster", names[1]) == 0
    assert capsys.readouterr().out.strip() == f'{names[1]}: deployment.apps "web" restarted'
    assert run(tmp_path, "get", "deploy", "web", "--cluster", names[1], "-o", "json") == 0
    [item] = json.loads(capsys.readouterr().out)["items"]
    annotations = item["object"]["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations
    assert run(tmp_path, "restart", "po", "x", "--cluster", names[1]) == 2
    assert run(tmp_path, "restart", "deploy", "--cluster", names[1]) == 2  # no name
    assert "NAME" in capsys.readouterr().err


class Watching:
    """``ccseone ARGV`` as a real process (``-w`` runs until Ctrl-C): ``until`` reads its
    stdout lines until one matches; ``stop`` sends SIGINT and returns (exit code, stderr)."""

    def __init__(self, tmp_path: Path, *argv: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        base = ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_path / "ccseone.db"),
                "--kubeconfig", str(tmp_path / "kubeconfig"), "--lang", "en"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ccseone_tui.cli", *base, *argv], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        self.seen: list[str] = []

    def until(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.seen.append(line.rstrip("\n"))
            if predicate(self.seen[-1]):
                return self.seen[-1]
        raise AssertionError(f"not seen; got {self.seen!r}")

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, err


def test_get_watch(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path) -> None:
    """``get -w`` as a process: the first list aligned, then a scale shows as a MODIFIED
    line; SIGINT (Ctrl-C) ends it with 130 and nothing on stderr."""
    _, names = fleet
    watching = Watching(tmp_path, "get", "deploy", "-w", "--output-watch-events")
    try:
        seen = watching.seen
        watching.until(lambda line: line.split()[:2] == ["ADDED", names[2]])
        assert seen[0].split() == ["EVENT", "CLUSTER", "NAME", "READY", "UP-TO-DATE",
                                   "AVAILABLE", "AGE"]
        assert [line.split()[1] for line in seen[1:]] == names  # cluster order
        assert len({line.index(names[0][:1], 8) for line in seen[1:]}) == 1  # aligned
        assert run(tmp_path, "scale", "deploy", "web", "--replicas", "4",
                   "--cluster", names[1]) == 0
        line = watching.until(lambda line: line.split()[:2] == ["MODIFIED", names[1]])
        assert line.split()[2] == "web"
    finally:
        code, err = watching.stop()
    assert code == 130, err
    assert err == ""


def test_events_watch(fleet: tuple[ThreadedFleet, list[str]], tmp_path: Path) -> None:
    """``events KIND NAME -w``: that object's events so far, then the new one a scale
    makes, and none of another object's."""
    _, names = fleet
    watching = Watching(tmp_path, "events", "deploy/web", "-w", "--cluster", names[0])
    try:
        header = watching.until(lambda line: line.startswith("CLUSTER"))
        assert header.split() == ["CLUSTER", "LAST", "SEEN", "TYPE", "REASON", "OBJECT",
                                  "MESSAGE"]
        watching.until(lambda line: "to 2 from 0" in line)  # the creation's scale-up
        assert run(tmp_path, "scale", "deploy", "web", "--replicas", "3",
                   "--cluster", names[0]) == 0
        watching.until(lambda line: "to 3 from 2" in line)
        assert all(line.split()[0] == names[0] and "deployment/web" in line
                   for line in watching.seen[1:])
    finally:
        code, err = watching.stop()
    assert code == 130 and err == "", err


def _printer(output: str = "table", events: bool = False
             ) -> tuple[WatchPrinter, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    printer = WatchPrinter(output, namespace=None, events=events, kind="pods", out=out,
                           err=err)
    return printer, out, err


def test_watch_printer_lines() -> None:
    """What ``get -w`` prints for each kind of delta, without a fleet: the first list held
    until both clusters answered (one aligned table, cluster order), then only changes; a
    relist with the same cells prints nothing; gaps and heals go to stderr once."""
    cols = ("CLUSTER", "NAMESPACE", "NAME", "STATUS")

    def row(cluster: str, name: str, status: str) -> ResourceRow:
        return ResourceRow(f"{cluster}/default/{name}", (cluster, "default", name, status), {})

    printer, out, err = _printer(events=True)
    printer.expect(["a-long-cluster", "b"])
    printer.delta(ClusterDelta("b", [row("b", "x", "Running")], reset=True,
                               columns=cols))
    assert out.getvalue() == ""  # held: a-long-cluster has not answered yet
    printer.delta(ClusterDelta("a-long-cluster", [row("a-long-cluster", "y", "Pending")],
                               reset=True, columns=cols))
    first = out.getvalue().splitlines()
    assert [line.split() for line in first] == [
        ["EVENT", "CLUSTER", "NAMESPACE", "NAME", "STATUS"],
        ["ADDED", "a-long-cluster", "default", "y", "Pending"],
        ["ADDED", "b", "default", "x", "Running"]]
    assert len({line.index("default") for line in first[1:]}) == 1  # aligned

    printer.delta(ClusterDelta("b", [row("b", "x", "Running")], reset=True))
    assert out.getvalue().splitlines() == first  # a relist that changed nothing
    printer.delta(ClusterDelta("b", [row("b", "x", "Failed")]))
    printer.delta(ClusterDelta("a-long-cluster", deleted=["a-long-cluster/default/y"]))
    tail = [line.split() for line in out.getvalue().splitlines()[3:]]
    assert tail == [["MODIFIED", "b", "default", "x", "Failed"],
                    ["DELETED", "a-long-cluster", "default", "y", "Pending"]]

    printer.delta(ClusterDelta("b", error="connection refused"))
    printer.delta(ClusterDelta("b", error="connection refused"))
    printer.delta(ClusterDelta("b", [row("b", "x", "Failed")], reset=True))
    assert err.getvalue().splitlines() == ["ccseone: b: connection refused",
                                           "ccseone: b: answering again"]
    assert len(out.getvalue().splitlines()) == 5  # the heal's relist changed nothing

    printer, out, err = _printer("json")
    printer.delta(ClusterDelta("c", missing=True))
    printer.delta(ClusterDelta("b", [row("b", "x", "Running")], reset=True, columns=cols))
    assert json.loads(out.getvalue()) == {
        "type": "ADDED", "cluster": "b", "namespace": "default", "name": "x",
        "columns": dict(zip(cols, ("b", "default", "x", "Running"), strict=True))}
    assert "c: the server doesn't have a resource type" in err.getvalue()

"""Kubeconfig listing/loading and import laziness (no sandbox needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain.errors import ClusterUnreachable, KubeconfigError
from ccseone_tui.kube import ClusterRef, KubePool, list_contexts
from tests.kube.kube_helpers import SETTINGS

A = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Config
    current-context: one
    clusters:
    - name: c1
      cluster: {server: "https://127.0.0.1:1", certificate-authority-data: Zm9v}
    - name: c2
      cluster: {server: "https://127.0.0.1:2", insecure-skip-tls-verify: true}
    contexts:
    - name: one
      context: {cluster: c1, user: u1, namespace: team-a}
    - name: two
      context: {cluster: c2, user: u1}
    users:
    - name: u1
      user: {token: s3cr3t-token}
    """
)
B = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Config
    current-context: two
    clusters:
    - name: c1
      cluster: {server: "https://10.0.0.1:6443"}
    - name: c3
      cluster: {server: "https://127.0.0.1:3"}
    contexts:
    - name: one
      context: {cluster: c3, user: u2}
    - name: three
      context: {cluster: c3, user: u2}
    users:
    - name: u2
      user: {client-certificate-data: Zm9v, client-key-data: YmFy}
    """
)


def test_import_does_not_load_kubernetes() -> None:
    code = (
        "import ccseone_tui.kube, sys; "
        "assert 'kubernetes' not in sys.modules, 'kubernetes imported'; "
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_list_contexts_merges_first_wins(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(A)
    b.write_text(B)
    contexts = {c.name: c for c in list_contexts([str(a), str(tmp_path / "missing"), str(b)])}
    assert list(contexts) == ["one", "two", "three"]
    one = contexts["one"]
    assert (one.cluster, one.server, one.user, one.namespace) == (
        "c1",
        "https://127.0.0.1:1",
        "u1",
        "team-a",
    )
    assert one.file == str(a) and one.current and not one.insecure
    assert contexts["two"].insecure and not contexts["two"].current
    assert contexts["three"].server == "https://127.0.0.1:3" and contexts["three"].file == str(b)
    assert "s3cr3t" not in repr(contexts) and "Zm9v" not in repr(contexts)


def test_list_contexts_missing_and_broken(tmp_path: Path) -> None:
    assert list_contexts([str(tmp_path / "nope")]) == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("clusters: [unclosed\n  - x: {")
    with pytest.raises(KubeconfigError) as err:
        list_contexts([str(bad)])
    assert str(bad) in str(err.value)


async def test_client_loading_errors(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text(A)
    async with KubePool(SETTINGS) as pool:
        with pytest.raises(KubeconfigError) as err:
            await pool.client(ClusterRef("x", str(cfg), "no-such-context"))
        assert "no-such-context" in str(err.value)
        with pytest.raises(KubeconfigError):
            await pool.client(ClusterRef("y", str(tmp_path / "absent"), None))
        insecure = await pool.client(ClusterRef("two", str(cfg), "two"))
        assert insecure.insecure and insecure.server == "https://127.0.0.1:2"
        assert insecure is await pool.client(ClusterRef("two", str(cfg), "two"))
        # Nothing listens on port 2: refused at once, typed, naming the cluster.
        t0 = time.monotonic()
        with pytest.raises(ClusterUnreachable) as down:
            await insecure.version()
        assert down.value.cluster == "two"
        assert time.monotonic() - t0 < SETTINGS.connect_timeout * 3


async def test_relative_token_file_and_merged_paths(fleet, tmp_path: Path, pool) -> None:
    """Relative credential paths resolve against the kubeconfig's own directory; a
    ``KUBECONFIG``-style list of files is merged, first definition winning."""
    cluster = fleet.clusters[1]
    here = tmp_path / "cfg"
    here.mkdir()
    (here / "token.txt").write_text(cluster.token)
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": cluster.url}}],
        "users": [{"name": "u", "user": {"tokenFile": "token.txt"}}],
        "contexts": [{"name": "ctx", "context": {"cluster": "c", "user": "u", "namespace": "ns1"}}],
        "current-context": "ctx",
    }
    first = here / "config"
    first.write_text(yaml.safe_dump(doc))
    merged = os.pathsep.join([str(tmp_path / "absent"), str(first), str(fleet.kubeconfig_path)])
    client = await pool.client(ClusterRef("rel", merged, None))  # current-context: ctx
    assert client.server == cluster.url and client.default_namespace == "ns1"
    assert (await client.version())["gitVersion"]
    other = await pool.client(ClusterRef("second-file", merged, fleet.clusters[2].name))
    assert other.server == fleet.clusters[2].url

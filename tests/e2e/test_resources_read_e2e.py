"""The resource browser's read path (#11) against real clusters: kubectl's columns from the
real server-side Table on every context of ``CCSEONE_E2E_KUBECONFIG``, -o wide, a
discovered kind, and a live watch (add, modify, delete).

Objects live in the throwaway namespace of ``e2e_namespace``; nothing here needs a node.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.services import AssociateRequest, open_services
from ccseone_tui.services.resources.model import ClusterDelta

from .conftest import ENV


def cm(name: str, namespace: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace,
                         "labels": {"app.kubernetes.io/managed-by": "ccseone-e2e"}},
            "data": data}


async def test_columns_wide_kinds_and_watch(tmp_path: Path, e2e_refs: list[ClusterRef],
                                            e2e_pool: KubePool, e2e_namespace: str) -> None:
    ns = e2e_namespace
    made = await e2e_pool.fan_out(e2e_refs, lambda c: c.apply(cm("e2e-read", ns, a="1")))
    assert not [v for v in made.values() if isinstance(v, BaseException)], made
    s = await open_services(Settings(data_dir=tmp_path / "data", kubeconfig=os.environ[ENV],
                                     connect_timeout=5.0, read_timeout=30.0), user="e2e")
    try:
        await s.instances.create("e2e", s.settings.regions[0])
        reqs = [AssociateRequest(context=r.context or r.name, name=f"e2e-{i + 1}")
                for i, r in enumerate(e2e_refs)]
        results = await s.clusters.associate("e2e", reqs)
        assert not [r for r in results if isinstance(r, Exception)], results
        names = [r.name for r in reqs]

        table = await s.resources.get("cm", "e2e", namespace=ns)
        assert table.errors == {} and table.missing == []
        assert table.columns == ("CLUSTER", "NAMESPACE", "NAME", "DATA", "AGE")
        assert [r.cells[:4] for r in table.rows if r.cells[2] == "e2e-read"] == [
            (n, ns, "e2e-read", "1") for n in names]
        pods = await s.resources.get("po", "e2e", wide=True)
        assert pods.columns[:7] == ("CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS",
                                    "RESTARTS", "AGE")
        assert {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"} <= set(pods.columns)
        nodes = await s.resources.get("no", "e2e")
        assert nodes.columns[:3] == ("CLUSTER", "NAME", "STATUS")
        leases = await s.resources.resolve("leases.coordination.k8s.io", "e2e")
        assert leases.plural == "leases"
        assert "apiservices" in await s.resources.kind_names("e2e")
        crds = await s.resources.get("crd", "e2e")  # every server has the type
        assert crds.errors == {}

        it = s.resources.watch("configmaps", "e2e", namespace=ns)
        seen: list[ClusterDelta] = []

        async def until(pred: Callable[[ClusterDelta], bool]) -> ClusterDelta:
            async with asyncio.timeout(60):
                while True:
                    delta = await anext(it)
                    seen.append(delta)
                    if pred(delta):
                        return delta

        try:
            for name in names:
                first = await until(lambda d, n=name: d.cluster == n and d.reset)
                assert "e2e-read" in {r.cells[2] for r in first.upserts}
            client = await s.resources.client(names[0], "e2e")
            await client.create(cm("e2e-live", ns, a="1"))
            key = f"{names[0]}/{ns}/e2e-live"
            await until(lambda d: any(r.key == key for r in d.upserts))
            await client.merge_patch("v1", "ConfigMap", "e2e-live", {"data": {"b": "2"}},
                                     namespace=ns)
            changed = await until(lambda d: any(r.key == key and r.cells[3] == "2"
                                                for r in d.upserts))
            assert not changed.reset
            await client.delete("v1", "ConfigMap", "e2e-live", namespace=ns)
            await until(lambda d: key in d.deleted)
            assert not [d for d in seen if d.error], [d.error for d in seen if d.error]
        finally:
            await it.aclose()  # type: ignore[attr-defined]
    finally:
        await s.close()

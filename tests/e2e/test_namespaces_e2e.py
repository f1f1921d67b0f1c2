"""The fleet-namespace scenario of the integration suite, against real clusters.

Creates a throwaway namespace ``ccseone-e2e-<run>`` (with a small quota) on every context
of ``CCSEONE_E2E_KUBECONFIG``, drifts it by hand on one, repairs it, then deletes it; the
``finally`` deletes it directly if anything failed half-way. The cache lives in tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path

from ccseone_tui.config import Settings
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.kube import ClusterRef, KubePool
from ccseone_tui.services import AssociateRequest, open_services

from .conftest import ENV


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", kubeconfig=os.environ[ENV],
                    connect_timeout=5.0, read_timeout=30.0, **kw)  # type: ignore[arg-type]


async def test_namespace_create_drift_repair_delete(tmp_path: Path, e2e_refs: list[ClusterRef],
                                                    e2e_pool: KubePool, run_id: str) -> None:
    name = f"ccseone-e2e-{run_id}-ns"
    s = await open_services(settings(tmp_path), user="e2e")
    try:
        await s.instances.create("e2e", s.settings.regions[0])
        reqs = [AssociateRequest(context=r.context or r.name, name=f"e2e-{i + 1}")
                for i, r in enumerate(e2e_refs)]
        results = await s.clusters.associate("e2e", reqs)
        assert not [r for r in results if isinstance(r, Exception)], results

        task = await s.namespaces.create("e2e", NamespaceSpec(
            name=name, priority=5, labels={"app.kubernetes.io/managed-by": "ccseone-e2e"},
            cpu_limit="500m", memory_limit="256Mi"))
        assert task.status is TaskStatus.SUCCEEDED, task.results
        first = await s.clusters.client(await s.clusters.get("e2e-1"))
        quota = await first.get("v1", "ResourceQuota", "ccseone-quota", namespace=name)
        # the API server normalises quantities; ccseone compares them as numbers
        assert set(quota["spec"]["hard"]) == {"limits.cpu", "requests.cpu", "limits.memory",
                                              "requests.memory"}
        assert (await s.namespaces.check("e2e", name)).summary == f"{len(e2e_refs)}/" \
                                                                    f"{len(e2e_refs)}"

        await first.merge_patch("v1", "Namespace", name,
                                {"metadata": {"labels": {"ccseone.io/task-priority": "1"}}},
                                field_manager="e2e-hand")
        status = await s.namespaces.check("e2e", name)
        assert {c.cluster.name: c.state for c in status.clusters}["e2e-1"] is SyncState.DRIFTED
        repair = await s.namespaces.repair("e2e", name)
        assert [r.target for r in repair.results] == ["e2e-1"]
        assert repair.status is TaskStatus.SUCCEEDED, repair.results

        preview = await s.namespaces.delete_preview("e2e", name)
        assert all(p.reachable and p.workloads == 0 for p in preview)
        deleted = await s.namespaces.delete("e2e", name)
        assert deleted.status is TaskStatus.SUCCEEDED, deleted.results
        assert await s.namespaces.list((await s.instances.get("e2e")).id) == []
    finally:
        await s.close()
        await e2e_pool.fan_out(e2e_refs, lambda c: c.delete("v1", "Namespace", name))

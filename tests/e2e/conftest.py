"""Opt-in end-to-end tests against real clusters.

Set ``CCSEONE_E2E_KUBECONFIG`` to a kubeconfig file with at least two contexts; every context
is one member cluster. Without it every test here is skipped, with the reason. The tests
create what they need in a throwaway namespace per run and delete it afterwards. On
control-plane-only clusters (no Ready node) the pod-log checks skip with a reason.

OCM files (``test_ocm*.py``) have their own rule: they run against the hub context named by
``CCSEONE_E2E_OCM_CONTEXT`` (kubeconfig from ``CCSEONE_E2E_KUBECONFIG``, else
``KUBECONFIG``) and skip, with the reason, when it is not set.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.kube import ClusterRef, KubePool, list_contexts

ENV = "CCSEONE_E2E_KUBECONFIG"
OCM_ENV = "CCSEONE_E2E_OCM_CONTEXT"
HERE = Path(__file__).parent


def _skip_reason() -> str | None:
    path = os.environ.get(ENV)
    if not path:
        return (
            f"e2e: set {ENV} to a kubeconfig file with >= 2 contexts to run against real clusters"
        )
    if not Path(path).expanduser().is_file():
        return f"e2e: {ENV}={path} is not a file"
    return None


def _ocm_skip_reason() -> str | None:
    if not os.environ.get(OCM_ENV):
        return (f"e2e ocm: set {OCM_ENV} to an OCM hub's kubeconfig context (file from {ENV} "
                "or KUBECONFIG) to run against a real hub")
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        ocm = Path(str(item.path)).name.startswith("test_ocm")
        reason = _ocm_skip_reason() if ocm else _skip_reason()
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def e2e_refs() -> list[ClusterRef]:
    path = os.environ[ENV]
    contexts = list_contexts([path])
    if len(contexts) < 2:
        pytest.skip(f"e2e: {path} has {len(contexts)} context(s); at least 2 are needed")
    return [ClusterRef(name=c.name, kubeconfig=path, context=c.name) for c in contexts]


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
async def e2e_pool():
    async with KubePool(Settings(connect_timeout=5.0, read_timeout=30.0)) as pool:
        yield pool


@pytest.fixture
async def e2e_namespace(e2e_pool: KubePool, e2e_refs: list[ClusterRef], run_id: str):
    """A throwaway namespace, created in every cluster and deleted (Background) after."""
    name = f"ccseone-e2e-{run_id}-{uuid.uuid4().hex[:4]}"
    ns = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "ccseone-e2e"}},
    }
    results = await e2e_pool.fan_out(e2e_refs, lambda c: c.apply(ns))
    failed = {k: v for k, v in results.items() if isinstance(v, BaseException)}
    try:
        assert not failed, f"creating namespace {name} failed: {failed}"
        yield name
    finally:
        await e2e_pool.fan_out(e2e_refs, lambda c: c.delete("v1", "Namespace", name))

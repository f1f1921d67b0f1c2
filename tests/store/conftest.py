"""Fixtures for the store tests: a fresh store per test, closed afterwards (an unclosed
aiosqlite connection keeps its thread, and the test process, alive), and ``make``, the
record factories (a fixture, so test modules need not import this file)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from ccseone_tui.domain.models import App, ControlInstance, MemberCluster, Template
from ccseone_tui.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ccseone.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(db_path)
    try:
        yield s
    finally:
        await s.close()


def instance(id: str = "i1", name: str = "hub-1", **kw: object) -> ControlInstance:
    return ControlInstance(id=id, name=name, region="cn-east-1", created_at=1.0, **kw)  # type: ignore[arg-type]


def cluster(
    id: str = "c1", name: str = "member-1", instance_id: str = "i1", **kw: object
) -> MemberCluster:
    return MemberCluster(id=id, name=name, instance_id=instance_id, created_at=2.0, **kw)  # type: ignore[arg-type]


def template(id: str = "t1", name: str = "nginx", **kw: object) -> Template:
    return Template(id=id, name=name, kind="chart", created_at=3.0, **kw)  # type: ignore[arg-type]


def app(id: str = "a1", name: str = "web", instance_id: str = "i1", template_id: str = "t1") -> App:
    return App(id=id, instance_id=instance_id, name=name, template_id=template_id, created_at=4.0)


@pytest.fixture
def make() -> SimpleNamespace:
    return SimpleNamespace(instance=instance, cluster=cluster, template=template, app=app)


@pytest.fixture
async def fleet(store: Store) -> Store:
    """One instance, two clusters, one template, one app."""
    await store.add_instance(instance())
    await store.add_cluster(cluster("c1", "member-1"))
    await store.add_cluster(cluster("c2", "member-2"))
    await store.add_template(template())
    await store.add_app(app())
    return store

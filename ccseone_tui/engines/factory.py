"""One engine per control instance: ``local`` instances share the ``LocalEngine``, each
``ocm`` instance gets an ``OcmEngine`` on its hub. Services ask here and never import an
engine's internals (tests/unit/test_layers.py holds them to it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccseone_tui.domain.models import ControlInstance, Engine
from ccseone_tui.engines.base import ClusterEngine
from ccseone_tui.engines.local import LocalEngine


class EngineFactory:
    def __init__(self, pool: Any, local: LocalEngine, scratch_dir: Path) -> None:
        self._pool = pool
        self.local = local
        self._scratch = scratch_dir  # where a short-lived token file may be written (0700)
        self._engines: dict[str, tuple[tuple[Any, ...], ClusterEngine]] = {}

    def build(self, instance: ControlInstance) -> ClusterEngine:
        """A fresh engine for ``instance`` (not remembered): for checks before it exists."""
        if Engine(instance.engine) is Engine.LOCAL:
            return self.local
        from ccseone_tui.engines.ocm.engine import OcmEngine

        return OcmEngine(self._pool, instance, self._scratch)

    def for_instance(self, instance: ControlInstance) -> ClusterEngine:
        if Engine(instance.engine) is Engine.LOCAL:
            return self.local
        key = (instance.hub_kubeconfig, instance.hub_context, instance.name)
        found = self._engines.get(instance.id)
        if found is not None and found[0] == key:
            return found[1]
        engine = self.build(instance)
        self._engines[instance.id] = (key, engine)
        return engine

    async def drop(self, instance_id: str) -> None:
        found = self._engines.pop(instance_id, None)
        if found is not None:
            await found[1].close()

    async def close(self) -> None:
        for instance_id in list(self._engines):
            await self.drop(instance_id)

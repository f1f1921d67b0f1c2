"""How a control instance reaches its clusters. Services pick an engine per instance and
never know which one they talk to."""

from ccseone_tui.engines.base import ClusterEngine
from ccseone_tui.engines.local import LocalEngine

__all__ = ["ClusterEngine", "LocalEngine"]

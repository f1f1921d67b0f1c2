"""How a control instance reaches its clusters. Services pick an engine per instance
(``EngineFactory.for_instance``) and never know which one they talk to."""

from ccseone_tui.engines.base import ClusterEngine, Delivery, DeliveryStatus, MemberSpec
from ccseone_tui.engines.factory import EngineFactory
from ccseone_tui.engines.local import LocalEngine

__all__ = ["ClusterEngine", "Delivery", "DeliveryStatus", "EngineFactory", "LocalEngine",
           "MemberSpec"]

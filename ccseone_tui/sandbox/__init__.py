"""Emulated Kubernetes API servers on loopback, for ``ccseone demo``/``sandbox up`` and the
tests. A server, not a client: this package never imports ``kubernetes`` or ``textual``.

    async with SandboxFleet(clusters=3) as fleet:
        fleet.kubeconfig_path      # one context per cluster
        c = fleet["sandbox-2"]
        c.faults.latency_ms = 150
        await c.set_outage(True)

    async with SandboxFleet(clusters=2, ocm=True) as fleet:   # + an emulated OCM hub
        fleet.hub                  # context "hub"; fleet.ocm.hub is the hub controller
        await fleet.join("sandbox-1", accept=True)
"""

from ccseone_tui.sandbox.clusteradm import write_clusteradm_shim
from ccseone_tui.sandbox.faults import Faults
from ccseone_tui.sandbox.fleet import SandboxFleet, kubeconfig_document, write_kubeconfig
from ccseone_tui.sandbox.ocm_fleet import OcmSandbox
from ccseone_tui.sandbox.ocm_hub import OcmHub
from ccseone_tui.sandbox.runner import run_sandbox_forever
from ccseone_tui.sandbox.server import SandboxCluster
from ccseone_tui.sandbox.store import ClusterState

__all__ = [
    "ClusterState",
    "Faults",
    "OcmHub",
    "OcmSandbox",
    "SandboxCluster",
    "SandboxFleet",
    "kubeconfig_document",
    "run_sandbox_forever",
    "write_clusteradm_shim",
    "write_kubeconfig",
]

"""``ccseone sandbox up``: serve emulated clusters until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path


def run_sandbox(args: argparse.Namespace) -> int:
    from ccseone_tui.sandbox import run_sandbox_forever

    if args.clusters < 1:
        print("ccseone: --clusters must be at least 1")
        return 2
    path = Path(args.sandbox_kubeconfig) if args.sandbox_kubeconfig else None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sandbox_forever(clusters=args.clusters, latency_ms=args.latency,
                                        kubeconfig_path=path, version=args.k8s_version,
                                        ocm=getattr(args, "ocm", False),
                                        managed_serviceaccount=getattr(
                                            args, "managed_serviceaccount", False)))
    return 0

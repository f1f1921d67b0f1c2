"""kill -9 the CLI at random moments of ns creates, publishes and upgrades; print the counts.

    python bench/chaos.py --kills 200 [--seed N] [--clusters 3] [--max-delay 1.5]

The harness (tests/chaos/harness.py) is the one the CI test runs with 6 kills: a sandbox
fleet served from this process, each CLI run a child process killed with SIGKILL, and after
each kill: ``PRAGMA integrity_check``, the next start leaves no task Running, and every
operation that reported success is still recorded. Exit 1 on the first broken invariant.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "chaos")]

from harness import ChaosFailure, Report, run_chaos  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1414)
    ap.add_argument("--clusters", type=int, default=3)
    ap.add_argument("--max-delay", type=float, default=1.5,
                    help="the kill lands 0.05..this many seconds after the child starts")
    args = ap.parse_args()

    def progress(r: Report) -> None:
        if r.kills % 10 == 0:
            print(f"  {r.line()}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="ccseone-chaos-") as tmp:
        try:
            report = asyncio.run(run_chaos(Path(tmp), args.kills, args.seed,
                                           clusters=args.clusters, max_delay=args.max_delay,
                                           progress=progress))
        except ChaosFailure as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"kills               {report.kills}")
    print(f"integrity ok        {report.integrity_ok}")
    print(f"tasks reconciled    {report.reconciled}")
    print(f"operations verified {report.verified}")
    print(f"finished before kill {report.finished_before_kill}")
    print(f"time                {report.seconds:.1f} s  (seed {report.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

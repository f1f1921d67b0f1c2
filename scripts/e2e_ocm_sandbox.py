"""Run tests/e2e/test_ocm_e2e.py against the sandbox hub, the way a person would set it up:

    .venv/bin/python scripts/e2e_ocm_sandbox.py [pytest args…]

1. ``ccseone sandbox up --ocm --managed-serviceaccount --clusters 2`` in a subprocess
   (kubeconfig in a temp dir; it prints the path of its ``clusteradm`` stand-in);
2. ``clusteradm get token`` on the hub, ``clusteradm join … --wait`` on both members, and
   ``clusteradm accept`` for the first one only (the second stays awaiting acceptance);
3. ``pytest tests/e2e/test_ocm_e2e.py`` with ``CCSEONE_E2E_OCM_CONTEXT=hub`` and
   ``CCSEONE_E2E_KUBECONFIG`` set; the sandbox stops and the temp dir goes afterwards.
Exit status: pytest's.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[:3])} … failed ({done.returncode}):\n{done.stdout}"
                         f"{done.stderr}")
    return done.stdout


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ccseone-e2e-ocm-") as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        sandbox = subprocess.Popen(
            [PY, "-m", "ccseone_tui", "sandbox", "up", "--ocm", "--managed-serviceaccount",
             "--clusters", "2", "--kubeconfig", str(kubeconfig)],
            stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
        try:
            assert sandbox.stdout
            shim = ""
            for line in sandbox.stdout:  # until the shim's path is printed
                print(f"sandbox: {line.rstrip()}", flush=True)
                if m := re.match(r"\s*clusteradm: (\S+)", line):
                    shim = m.group(1)
                    break
            if not shim:
                raise SystemExit(f"the sandbox exited with {sandbox.wait()}")
            kc = ("--kubeconfig", str(kubeconfig))
            out = run(shim, "get", "token", "--context", "hub", *kc)
            token = re.search(r"token=(\S+)", out).group(1)  # type: ignore[union-attr]
            server = re.search(r"--hub-apiserver (\S+)", out).group(1)  # type: ignore[union-attr]
            for member in ("sandbox-1", "sandbox-2"):
                run(shim, "join", "--hub-token", token, "--hub-apiserver", server,
                    "--cluster-name", member, "--context", member, "--wait", *kc)
                print(f"joined {member}", flush=True)
            run(shim, "accept", "--clusters", "sandbox-1", "--context", "hub", *kc)
            print("accepted sandbox-1; sandbox-2 awaits acceptance", flush=True)
            return subprocess.call(
                [PY, "-m", "pytest", "tests/e2e/test_ocm_e2e.py", "-p", "no:cacheprovider",
                 *sys.argv[1:]], cwd=ROOT,
                env={**env, "CCSEONE_E2E_OCM_CONTEXT": "hub",
                     "CCSEONE_E2E_KUBECONFIG": str(kubeconfig)})
        finally:
            os.killpg(sandbox.pid, signal.SIGINT)  # Ctrl-C: the sandbox cleans up
            try:
                sandbox.wait(timeout=20)
            except subprocess.TimeoutExpired:
                sandbox.kill()


if __name__ == "__main__":
    sys.exit(main())

"""Where TLS key material goes when memfd is missing (``credentials.material_paths``), and
the start-up clean-up of what a killed process left there — on its own, so opening the
services does not import the credential plugin machinery (issue #13 item 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

MATERIAL_SUBDIR = "tls-material"  # under the data dir; only used without memfd


def clean_material_dir(data_dir: Path) -> None:
    """Remove what a killed process left in the material directory (start-up)."""
    path = Path(data_dir) / MATERIAL_SUBDIR
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)

"""The pictures in screenshots/ show the screens as they are (#12 item 10).

``scripts/screenshots.py`` writes ``screenshots/MANIFEST.json``: each picture with the source
files that draw it and their SHA-256 when it was taken. A picture is stale when one of those
files changed since; the failure names the pictures and the command that refreshes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
MANIFEST = SHOTS / "MANIFEST.json"
REFRESH = "python scripts/screenshots.py"


def manifest() -> dict[str, dict[str, dict[str, str]]]:
    assert MANIFEST.exists(), f"no {MANIFEST.relative_to(ROOT)}: run `{REFRESH}`"
    pictures: dict[str, dict[str, dict[str, str]]] = json.loads(MANIFEST.read_text())["pictures"]
    return pictures


def test_every_picture_is_newer_than_the_screens_it_shows() -> None:
    stale: dict[str, list[str]] = {}
    for picture, entry in manifest().items():
        for source, digest in entry["sources"].items():
            path = ROOT / source
            now = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "gone"
            if now != digest:
                stale.setdefault(picture, []).append(source)
    assert not stale, (
        f"{len(stale)} screenshot(s) older than the screens they show — refresh with "
        f"`{REFRESH}` and look at them before committing:\n"
        + "\n".join(f"  {p}: {', '.join(sorted(s))} changed" for p, s in sorted(stale.items())))


def test_the_manifest_and_the_pictures_agree() -> None:
    listed = set(manifest())
    on_disk = {p.name for p in SHOTS.glob("*.svg")}
    assert not listed - on_disk, f"listed but missing: {sorted(listed - on_disk)}; run `{REFRESH}`"
    assert not on_disk - listed, (
        f"nothing makes {sorted(on_disk - listed)} any more: delete them or add them to "
        "scripts/screenshots.py")


def test_the_readme_shows_only_pictures_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    linked = re.findall(r"\(screenshots/([^)]+\.svg)\)", readme)
    assert linked, "the README shows no screenshot"
    assert all((SHOTS / name).exists() for name in linked), linked

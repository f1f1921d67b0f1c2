"""The layering contract of DESIGN.md, checked on the source (AST), not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ccseone_tui"

# package -> module prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "services": ("textual",),
    "engines": ("textual",),
    "kube": ("textual", "aiosqlite", "ccseone_tui.store", "ccseone_tui.ui"),
    "store": ("textual", "kubernetes", "ccseone_tui.kube", "ccseone_tui.ui"),
    "domain": ("textual", "kubernetes", "aiosqlite", "aiohttp", "ccseone_tui.kube",
               "ccseone_tui.store", "ccseone_tui.services", "ccseone_tui.ui"),
    "templates": ("textual", "kubernetes", "ccseone_tui.ui"),
    "ui": ("kubernetes", "aiosqlite", "ccseone_tui.kube", "ccseone_tui.store"),
    "sandbox": ("textual", "kubernetes", "ccseone_tui.ui", "ccseone_tui.services"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations(package: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for line, module in imported_modules(path):
            for prefix in FORBIDDEN[package]:
                if module == prefix or module.startswith(prefix + "."):
                    bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    assert (PACKAGE / package).is_dir(), f"layer {package} is missing"
    assert violations(package) == []


def test_only_kube_imports_kubernetes() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "kube" in path.relative_to(PACKAGE).parts[:1]:
            continue
        offenders += [f"{path}:{n}" for n, m in imported_modules(path)
                      if m == "kubernetes" or m.startswith("kubernetes.")]
    assert offenders == []


def test_only_store_imports_aiosqlite() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "store" in path.relative_to(PACKAGE).parts[:1]:
            continue
        offenders += [f"{path}:{n}" for n, m in imported_modules(path)
                      if m == "aiosqlite" or m.startswith("aiosqlite.")]
    assert offenders == []


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    """Guard against a contract test that cannot fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import textual.app\nfrom kubernetes import client\n")
    modules = [m for _, m in imported_modules(bad)]
    assert modules == ["textual.app", "kubernetes"]


# OCM lives behind the engine protocol: outside engines/ (and the sandbox that emulates a
# hub) nothing names an OCM API group or reaches into an engine's internals. Services import
# the protocol (engines, engines.base), the factory and the shared probe helpers only.
OCM_GROUP = "open-cluster-management.io"
ENGINE_SURFACE = ("ccseone_tui.engines", "ccseone_tui.engines.base",
                  "ccseone_tui.engines.factory", "ccseone_tui.engines.probe")


def _outside_engines() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if p.relative_to(PACKAGE).parts[0] not in ("engines", "sandbox")]


def test_only_engines_name_ocm_api_groups() -> None:
    offenders = [str(p.relative_to(PACKAGE.parent)) for p in _outside_engines()
                 if OCM_GROUP in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_only_the_engine_surface_is_imported_outside_engines() -> None:
    offenders = []
    for path in _outside_engines():
        for line, module in imported_modules(path):
            if module.startswith("ccseone_tui.engines") and module not in ENGINE_SURFACE:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert offenders == []

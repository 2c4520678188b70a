"""The import rules of ARCHITECTURE.md: imports point one way, and the core knows no framework."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alliance"
LAYER = {"instruments": 0, "signals": 1, "stats": 1, "evidence": 1, "synth": 1}
FACES = {"interop": 2, "reports": 2, "web": 3, "demo": 3, "cli": 4}
FRAMEWORKS = ("django", "flask", "requests", "httpx", "sqlalchemy")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def level(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "alliance" or len(parts) < 2:
        return None
    return {**LAYER, **FACES}.get(parts[1])


CORE_FILES = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] in LAYER]


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_imports_no_web_or_database_framework(path: Path) -> None:
    for name in imported_modules(path):
        assert not name.startswith(FRAMEWORKS), f"{path.name} imports {name}"


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_point_down_the_layers(path: Path) -> None:
    own = level("alliance." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    if own is None:
        return
    for name in imported_modules(path):
        other = level(name)
        same_package = name.split(".")[1:2] == list(path.relative_to(PACKAGE).parts[:1])
        if other is not None and not same_package:
            assert other < own, f"{path.name} (layer {own}) imports {name} (layer {other})"

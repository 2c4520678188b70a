"""The import rules of ARCHITECTURE.md: imports point one way, the core knows no framework, and
no package reaches into another's private (``_name``) modules."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alliance"
LAYER = {"safe_csv": -1, "instruments": 0, "signals": 1, "stats": 1, "evidence": 1, "synth": 1}
FACES = {"datadir": 2, "interop": 3, "reports": 3, "web": 4, "cli": 5}
FRAMEWORKS = ("django", "flask", "requests", "httpx", "sqlalchemy")
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    return imported_names(path.read_text(), module_name(path), path.name == "__init__.py")


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every name an import in ``source`` (of ``module``) reaches, relative imports made absolute.

    ``from a.b import c`` counts as ``a.b`` and ``a.b.c``, so ``from alliance import web`` is
    seen as an import of ``alliance.web``.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            origin = ".".join([*base, *([node.module] if node.module else [])])
            names.add(origin)
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def package_of(module: str) -> str | None:
    """The top-level part of Alliance that ``module`` belongs to (None outside Alliance)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "alliance" and len(parts) > 1 else None


def level(module: str) -> int | None:
    package = package_of(module)
    return None if package is None else {**LAYER, **FACES}.get(package)


CORE_FILES = [p for p in MODULES if p.relative_to(PACKAGE).parts[0] in LAYER]
IDS = {"ids": lambda p: str(p.relative_to(PACKAGE))}


@pytest.mark.parametrize("path", CORE_FILES, **IDS)
def test_the_core_imports_no_web_or_database_framework(path: Path) -> None:
    for name in imported_modules(path):
        assert not name.startswith(FRAMEWORKS), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_every_module_has_a_layer(path: Path) -> None:
    if path == PACKAGE / "__init__.py":
        assert not any(package_of(name) for name in imported_modules(path))
    else:
        assert level(module_name(path)) is not None, f"{module_name(path)} has no layer"


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_imports_point_down_the_layers(path: Path) -> None:
    own = module_name(path)
    for name in imported_modules(path):
        other = level(name)
        if other is not None and package_of(name) != package_of(own):
            assert other < level(own), f"{own} (layer {level(own)}) imports {name} ({other})"


@pytest.mark.parametrize("path", MODULES, **IDS)
def test_no_module_imports_another_packages_private_modules(path: Path) -> None:
    own = module_name(path)
    for name in imported_modules(path):
        if package_of(name) not in (None, package_of(own)):
            private = [part for part in name.split(".") if part.startswith("_")]
            assert not private, f"{own} imports {name}, private to alliance.{package_of(name)}"


def test_imports_are_read_as_the_rules_need() -> None:
    """A package import, a private module and a relative import, as the rules see them."""
    source = "from alliance import web\nfrom alliance.evidence._x import y\nfrom . import meta\n"
    names = imported_names(source, "alliance.stats.faulty", is_package=False)
    assert {"alliance.web", "alliance.evidence._x", "alliance.stats.meta"} <= names
    assert imported_names("from .. import stats\n", "alliance.cli", is_package=True) >= {
        "alliance.stats"
    }

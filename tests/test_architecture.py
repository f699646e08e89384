"""The folders are the architecture: each layer imports only what it may."""

import ast
import sys
from pathlib import Path

import pytest

import coverage

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "coverage": {
        "streamlit",
        "streamlit_folium",
        "folium",
        "branca",
        "sqlalchemy",
        "alembic",
        "pyogrio",
        "fiona",
        "openpyxl",
        "geodata",
        "pages",
        "requests",
        "urllib",
    },
    "geodata": {"streamlit", "streamlit_folium", "pages"},
    "pages": {"shapely", "pyproj", "pyogrio", "sqlalchemy", "alembic", "sqlite3", "coverage"},
}
"""Top-level modules each layer must not import (pages reach the engine through geodata)."""

STREAMLIT_GLUE = {"geodata/appstate.py", "geodata/forms.py"}
"""The geodata modules that may use Streamlit (the pages' shared caches, sidebar and forms)."""


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def layer_files(layer: str) -> list[Path]:
    if layer == "pages":
        return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_stay_inside_their_lines(layer):
    crossings = {
        str(path.relative_to(ROOT)): sorted(
            imported_modules(path)
            & FORBIDDEN[layer]
            - ({"streamlit"} if str(path.relative_to(ROOT)) in STREAMLIT_GLUE else set())
        )
        for path in layer_files(layer)
    }
    assert {path: mods for path, mods in crossings.items() if mods} == {}


def test_pages_folder_holds_only_numbered_pages():
    names = [path.name for path in (ROOT / "pages").glob("*.py")]
    assert names, "pages/ must hold the app's pages"
    assert all(name[0].isdigit() and "_" in name for name in names), names


def test_no_page_uses_st_navigation():
    for path in layer_files("pages"):
        assert "st.navigation" not in path.read_text(encoding="utf-8"), path


def test_coverage_package_is_this_repository_not_coverage_py():
    assert Path(coverage.__file__).resolve().is_relative_to(ROOT)
    assert "coverage" in sys.modules and not hasattr(coverage, "Coverage")

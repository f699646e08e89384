"""The folders are the architecture: each part imports only what it may, and stays small."""

import ast
import sys
from pathlib import Path

import pytest

import coverage

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"

ROOT_MODULES = {"settings", "errors", "i18n"}
"""The modules at ``geodata``'s root, used by every part (environment, exceptions, catalogue)."""

MAY_IMPORT = {
    "root": set(),
    "io": {"root"},
    "layers": {"root", "io"},
    "analysis": {"root", "io", "layers"},
    "registry": {"root", "io", "layers", "analysis"},
    "maps": {"root", "io", "layers", "analysis"},
    "reports": {"root", "io", "layers", "analysis", "registry", "maps"},
    "commands": {"root", "io", "layers", "analysis", "registry", "maps", "reports"},
    "ui": {"root", "io", "layers", "analysis", "registry", "maps", "reports"},
}
"""Which parts of ``geodata`` each part may import, besides itself (the README's Layout)."""

ONLY_IN = {
    "streamlit": {"ui"},
    "streamlit_folium": {"ui"},
    "folium": {"maps"},
    "branca": {"maps"},
    "xstatic": {"maps"},
    "sqlalchemy": {"registry"},
    "alembic": {"registry"},
    "argon2": {"registry"},
    "sqlite3": {"registry"},
    "matplotlib": {"maps", "reports"},
    "openpyxl": {"io"},
    "pyogrio": {"io"},
    "osmium": {"layers"},
}
"""Libraries that only one or two parts of ``geodata`` may use."""

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
    "pages": {"shapely", "pyproj", "pyogrio", "sqlalchemy", "alembic", "sqlite3", "coverage"},
    "cli": {"streamlit", "streamlit_folium", "sqlalchemy", "alembic", "sqlite3"},
}
"""Top-level modules the engine, the pages and the CLI (``cli.py`` and ``geodata/commands``) must
not import (the engine imports nothing of ours; pages and the CLI reach the engine and the
database through ``geodata``)."""

MAX_LINES = 600
LARGER = {
    "geodata/registry/service.py": "the Registry class: one API over one database",
    "geodata/io/files.py": "every bounded reader of uploaded files, one set of limits",
}
"""Modules allowed over :data:`MAX_LINES` lines, each with why it is one thing."""


def imports_of(path: Path) -> list[ast.Import | ast.ImportFrom]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def top_level_names(path: Path) -> set[str]:
    names = set()
    for node in imports_of(path):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def part_of(path: Path, base: Path = GEODATA) -> str:
    """The part of ``geodata`` a file belongs to: a subpackage's name, or ``root``."""
    relative = path.relative_to(base).parts
    return relative[0] if len(relative) > 1 else "root"


def geodata_parts_imported(path: Path) -> set[str]:
    """The parts of ``geodata`` a file imports (``from geodata import errors`` is ``root``)."""
    parts = set()
    for node in imports_of(path):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; name the module")
        modules = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
        for module in modules:
            names = module.split(".")
            if names[0] != "geodata":
                continue
            if len(names) == 1:  # from geodata import errors, i18n
                parts.update(
                    "root" if alias.name in ROOT_MODULES else alias.name for alias in node.names
                )
            else:
                parts.add("root" if names[1] in ROOT_MODULES else names[1])
    return parts


def geodata_files(base: Path = GEODATA) -> list[Path]:
    return sorted(path for path in base.rglob("*.py") if "migrations" not in path.parts)


def part_crossings(base: Path = GEODATA) -> dict[str, list[str]]:
    """Each file that imports a part of ``geodata`` its part may not, with those parts."""
    crossings = {}
    for path in geodata_files(base):
        part = part_of(path, base)
        wrong = geodata_parts_imported(path) - MAY_IMPORT[part] - {part}
        if wrong:
            crossings[str(path.relative_to(base))] = sorted(wrong)
    return crossings


def library_crossings(base: Path = GEODATA) -> dict[str, list[str]]:
    """Each file that uses a library its part may not, with those libraries."""
    crossings = {}
    for path in geodata_files(base):
        part = part_of(path, base)
        wrong = {name for name in top_level_names(path) if part not in ONLY_IN.get(name, {part})}
        if wrong:
            crossings[str(path.relative_to(base))] = sorted(wrong)
    return crossings


def layer_files(layer: str) -> list[Path]:
    if layer == "pages":
        return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    if layer == "cli":
        return [ROOT / "cli.py", *sorted((GEODATA / "commands").rglob("*.py"))]
    return sorted((ROOT / layer).rglob("*.py"))


def test_every_part_of_geodata_is_a_known_subpackage_with_a_docstring():
    parts = {path.name for path in GEODATA.iterdir() if (path / "__init__.py").is_file()}
    assert parts == set(MAY_IMPORT) - {"root"}
    modules = {path.stem for path in GEODATA.glob("*.py")} - {"__init__"}
    assert modules == ROOT_MODULES
    for part in parts:
        doc = ast.get_docstring(ast.parse((GEODATA / part / "__init__.py").read_text()))
        assert doc and "May import" in doc, part


def test_each_part_of_geodata_imports_only_the_parts_below_it():
    assert part_crossings() == {}


def test_libraries_are_used_only_by_their_part():
    assert library_crossings() == {}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_the_engine_and_the_pages_stay_inside_their_lines(layer):
    crossings = {
        str(path.relative_to(ROOT)): sorted(top_level_names(path) & FORBIDDEN[layer])
        for path in layer_files(layer)
    }
    assert {path: mods for path, mods in crossings.items() if mods} == {}


def test_no_module_grows_past_six_hundred_lines_unless_it_is_one_thing():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in [*geodata_files(), *layer_files("coverage")]
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in LARGER
    }
    assert too_long == {}


def test_the_rules_catch_a_registry_module_that_draws_maps_or_knows_streamlit(tmp_path):
    fake = tmp_path / "geodata" / "registry" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "import streamlit\nfrom geodata import errors, palette\n"
        "from geodata.maps.webmap import coverage_map\nfrom geodata.layers import demo\n"
    )
    assert part_crossings(tmp_path / "geodata") == {"registry/fake.py": ["maps", "palette"]}
    assert library_crossings(tmp_path / "geodata") == {"registry/fake.py": ["streamlit"]}


def test_tests_mirror_the_folders():
    tested = {path.name for path in (ROOT / "tests" / "geodata").iterdir() if path.is_dir()}
    assert tested - {"__pycache__"} <= set(MAY_IMPORT) - {"root"}
    assert {"io", "layers", "registry", "maps", "reports"} <= tested


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

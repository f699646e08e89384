"""Leaflet and its plugins, served by the app itself: no map ever asks the internet for code.

folium's templates name CDN addresses; :func:`install_leaflet` copies the same files from the
xstatic packages (and Leaflet.draw from ``assets/``) into the app's static folder, and
:func:`localise_assets` points every map at them (:func:`local_url`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

from geodata import settings

STATIC_URL = "/app/static"
"""Where Streamlit serves ``static/`` from."""

VENDORED = Path(__file__).resolve().parent / "assets"
"""Browser assets no Python package ships (see its README.md)."""

LOCAL_ASSETS = {
    "leaflet": ("leaflet", Path(xs_leaflet.BASE_DIR), "leaflet.js"),
    "leaflet_css": ("leaflet", Path(xs_leaflet.BASE_DIR), "leaflet.css"),
    "markerclusterjs": (
        "leaflet-markercluster",
        Path(xs_markercluster.BASE_DIR),
        "leaflet.markercluster.js",
    ),
    "markerclustercss": (
        "leaflet-markercluster",
        Path(xs_markercluster.BASE_DIR),
        "MarkerCluster.css",
    ),
    "markerclusterdefaultcss": (
        "leaflet-markercluster",
        Path(xs_markercluster.BASE_DIR),
        "MarkerCluster.Default.css",
    ),
    "leaflet_draw_js": ("leaflet-draw", VENDORED / "leaflet-draw", "leaflet.draw.js"),
    "leaflet_draw_css": ("leaflet-draw", VENDORED / "leaflet-draw", "leaflet.draw.css"),
}
"""folium's asset names → (folder under static/, package folder, file)."""

UNUSED_ASSETS = {
    "jquery",
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}
"""folium's default assets that none of our maps uses (icons from Font Awesome, Bootstrap)."""


def install_leaflet(static_dir: Path | None = None) -> Path:
    """Copy Leaflet and its plugins into ``static_dir`` (default: the app's).

    Idempotent: files already there with the same size are left alone. Returns the folder.
    """
    target = Path(static_dir or settings.static_dir())
    for folder, source, _ in LOCAL_ASSETS.values():
        destination = target / folder
        for path in source.rglob("*"):
            if path.is_dir() or path.suffix == ".map":
                continue
            copy = destination / path.relative_to(source)
            if not copy.exists() or copy.stat().st_size != path.stat().st_size:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
    return target


def local_url(name: str) -> str:
    """The URL under which the app serves folium's asset ``name``."""
    folder, _, filename = LOCAL_ASSETS[name]
    return f"{STATIC_URL}/{folder}/{filename}"


def localise_assets(element) -> None:
    """Point ``element`` and all its children at the local copies of their JS and CSS.

    Raises
    ------
    KeyError
        When an element needs an asset that is not served locally (a bug: add it to
        :data:`LOCAL_ASSETS` first).
    """
    for kind in ("default_js", "default_css"):
        assets = getattr(element, kind, None)
        if assets:
            unknown = [n for n, _ in assets if n not in LOCAL_ASSETS and n not in UNUSED_ASSETS]
            if unknown:
                raise KeyError(f"{type(element).__name__} needs {unknown}, not served locally")
            setattr(element, kind, [(n, local_url(n)) for n, _ in assets if n in LOCAL_ASSETS])
    for child in getattr(element, "_children", {}).values():
        localise_assets(child)

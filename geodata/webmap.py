"""Web maps (folium/Leaflet) of a coverage summary, rendered with no request to the internet.

folium points Leaflet and its plugins at public CDNs; with no internet such a map silently
renders 0 px high. :func:`install_leaflet` copies Leaflet and the marker-cluster plugin from the
``xstatic`` packages into Streamlit's static folder (served at ``/app/static/`` when
``server.enableStaticServing`` is on), and :func:`coverage_map` points every element of the map
at those copies. Only this module knows that folium wants ``[lat, lon]``.
"""

from __future__ import annotations

import html
import shutil
from dataclasses import replace
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from branca.element import MacroElement, Template
from folium.plugins import Draw

from coverage.fov import fov_polygons
from geodata import settings
from geodata.crs import to_wgs84, to_working
from geodata.i18n import text
from geodata.maplayers import CameraCones, CameraMarkers, camera_records
from geodata.summary import CoverageSummary

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

DRAW_TEXT_KEYS = {
    "draw.toolbar.buttons.polygon": "draw.polygon",
    "draw.toolbar.buttons.rectangle": "draw.rectangle",
    "draw.toolbar.actions.title": "draw.cancel",
    "draw.toolbar.actions.text": "draw.cancel",
    "draw.toolbar.finish.title": "draw.finish",
    "draw.toolbar.finish.text": "draw.finish",
    "draw.toolbar.undo.title": "draw.undo",
    "draw.toolbar.undo.text": "draw.undo",
    "draw.handlers.polygon.tooltip.start": "draw.polygon_start",
    "draw.handlers.polygon.tooltip.cont": "draw.polygon_cont",
    "draw.handlers.polygon.tooltip.end": "draw.polygon_end",
    "draw.handlers.rectangle.tooltip.start": "draw.rectangle_start",
    "draw.handlers.simpleshape.tooltip.end": "draw.shape_end",
    "edit.toolbar.actions.save.title": "draw.save",
    "edit.toolbar.actions.save.text": "draw.save",
    "edit.toolbar.actions.cancel.title": "draw.cancel",
    "edit.toolbar.actions.cancel.text": "draw.cancel",
    "edit.toolbar.actions.clearAll.title": "draw.clear_all",
    "edit.toolbar.actions.clearAll.text": "draw.clear_all",
    "edit.toolbar.buttons.edit": "draw.edit",
    "edit.toolbar.buttons.editDisabled": "draw.nothing",
    "edit.toolbar.buttons.remove": "draw.remove",
    "edit.toolbar.buttons.removeDisabled": "draw.nothing",
    "edit.handlers.edit.tooltip.text": "draw.edit_tip",
    "edit.handlers.edit.tooltip.subtext": "draw.edit_subtip",
    "edit.handlers.remove.tooltip.text": "draw.remove_tip",
}
"""Where each text goes in ``L.drawLocal`` → its key in the text catalogue."""

STATUS_COLOURS = {"active": "#1565c0", "broken": "#e65100", "removed": "#757575"}
PROPOSAL_COLOURS = {
    "proposed": "#6a1b9a",
    "contacted": "#0277bd",
    "agreed": "#00897b",
    "declined": "#9e9e9e",
    "installed": "#f9a825",
    "registered": "#2e7d32",
}
COVERED_COLOUR, UNCOVERED_COLOUR, GAP_COLOUR = "#2e7d32", "#c62828", "#ff6f00"
HOTSPOT_COLOUR, WARD_COLOUR, ROAD_COLOUR = "#8e24aa", "#37474f", "#9e9e9e"
MAX_ZOOM = 19
DISPLAY_GRID_DEG = 1e-6
"""Coordinates drawn on maps are rounded to this grid (about 0.1 m), which halves the page."""


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


def base_map(bounds, *, centre: tuple[float, float] | None = None, zoom: int = 17) -> folium.Map:
    """An empty map framing ``bounds`` (west, south, east, north in degrees), or ``centre``.

    No base tiles unless ``CCTV_TILE_URL`` is set; a metric scale bar.
    """
    west, south, east, north = bounds
    fmap = folium.Map(
        location=list(centre or ((south + north) / 2, (west + east) / 2)),
        zoom_start=zoom if centre else 13,
        tiles=None,
        prefer_canvas=True,
        # With no tile layer Leaflet has no zoom limit of its own; set one on the map itself.
        **{"maxZoom": MAX_ZOOM, "minZoom": 10},
    )
    tiles = settings.tile_url()
    if tiles:
        folium.TileLayer(tiles, attr=settings.tile_attribution() or " ", max_zoom=MAX_ZOOM).add_to(
            fmap
        )
    if centre is None:
        fmap.fit_bounds([[south, west], [north, east]])
    MetricScale().add_to(fmap)
    return fmap


def coverage_map(
    summary: CoverageSummary,
    *,
    lang: str,
    wards: tuple[str, ...] = (),
    focus: tuple[float, float] | None = None,
    proposals: pd.DataFrame | None = None,
    frame_proposals: bool = False,
) -> folium.Map:
    """A Leaflet map of wards, roads, cameras with their views, coverage, gaps and hotspots.

    Parameters
    ----------
    summary : CoverageSummary
        What to draw (layers in the working CRS; projected to EPSG:4326 here).
    lang : str, keyword-only
        Language of the layer names, legend and tooltips.
    wards : tuple of str, keyword-only
        Ward names to show (cameras, coverage and gaps in them; the map frames them); all when
        empty.
    focus : (lat, lon), optional, keyword-only
        A point to zoom in on (e.g. a gap).
    proposals : pandas.DataFrame, optional, keyword-only
        Recommended cameras or campaign targets (``lat``, ``lon``, ``bearing_deg``, ``fov_deg``,
        ``range_m``, ``rank``, ``gain_m``, ``template``, ``status``, ``address``), drawn with
        their views and coloured by status.
    frame_proposals : bool, keyword-only
        Open the map on the proposals (a campaign's sites) rather than on the wards.
    """
    dataset = _in_wards(summary.dataset, wards)
    all_wards = to_wgs84(summary.dataset.wards)
    framed = all_wards[all_wards["ward_name"].isin(wards)] if wards else all_wards
    bounds = framed.total_bounds
    if frame_proposals and proposals is not None and len(proposals):
        bounds = _padded_bounds(proposals["lon"], proposals["lat"])
    fmap = base_map(bounds, centre=focus)
    _add_wards(fmap, all_wards, lang)
    _add_lines(fmap, _other_roads(dataset), "map.layer.roads", ROAD_COLOUR, 1.5, lang)
    _add_hotspots(fmap, summary, lang)
    for seen, key, colour in (
        (False, "map.layer.uncovered", UNCOVERED_COLOUR),
        (True, "map.layer.covered", COVERED_COLOUR),
    ):
        pieces = summary.routes.pieces(seen=seen)
        pieces = pieces[pieces["ward"].isin(wards)] if wards else pieces
        _add_lines(fmap, _merged_by_route(pieces), key, colour, 4, lang, tooltip=("route",))
    gaps = summary.gaps[summary.gaps["ward"].isin(wards)] if wards else summary.gaps
    gaps = gaps.assign(length_m=gaps["length_m"].round(0))
    _add_lines(
        fmap,
        gaps,
        "map.layer.gaps",
        GAP_COLOUR,
        9,
        lang,
        tooltip=("route", "ward", "length_m"),
        opacity=0.45,
    )
    _add_cameras(fmap, dataset.cameras, lang)
    if proposals is not None and len(proposals):
        _add_proposals(fmap, proposals, summary.dataset.crs, lang)
    folium.LayerControl(collapsed=True).add_to(fmap)
    Legend(lang).add_to(fmap)
    localise_assets(fmap)
    return fmap


def _padded_bounds(lons, lats, margin_deg: float = 0.002) -> tuple[float, float, float, float]:
    """West, south, east, north of points (degrees), with a margin of about 200 m."""
    return (
        float(min(lons)) - margin_deg,
        float(min(lats)) - margin_deg,
        float(max(lons)) + margin_deg,
        float(max(lats)) + margin_deg,
    )


class Legend(MacroElement):
    """A fixed legend box listing the map's colours (plain HTML, no external asset)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div style="position: absolute; bottom: 24px; left: 10px; z-index: 9999;
                    background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
                    font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);">
          <b>{{ this.title }}</b><br>
          {% for colour, label in this.entries %}
          <span style="display:inline-block;width:14px;height:4px;background:{{ colour }};
                       vertical-align:middle;margin-right:6px;"></span>{{ label }}<br>
          {% endfor %}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "Legend"
        self.title = html.escape(text("map.legend.title", lang))
        self.entries = [
            (colour, html.escape(text(key, lang)))
            for colour, key in (
                (COVERED_COLOUR, "map.layer.covered"),
                (UNCOVERED_COLOUR, "map.layer.uncovered"),
                (GAP_COLOUR, "map.layer.gaps"),
                (HOTSPOT_COLOUR, "map.layer.hotspots"),
                (STATUS_COLOURS["active"], "status.active"),
                (STATUS_COLOURS["broken"], "status.broken"),
                (STATUS_COLOURS["removed"], "status.removed"),
            )
        ]


class DrawTexts(MacroElement):
    """The drawing tools' buttons and hints in the user's language (``L.drawLocal``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {% for path, value in this.texts %}
        L.drawLocal{% for part in path %}[{{ part|tojson }}]{% endfor %} = {{ value|tojson }};
        {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "DrawTexts"
        self.texts = [(path.split("."), text(key, lang)) for path, key in DRAW_TEXT_KEYS.items()]


class MetricScale(MacroElement):
    """A scale bar in metres only (Leaflet's default adds miles and feet), and the attribution
    "Leaflet" as plain text (its default is a link to the internet)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
        """
    )


def _escaped(frame: gpd.GeoDataFrame, columns) -> gpd.GeoDataFrame:
    """Only ``columns`` and the geometry, in EPSG:4326, text HTML-escaped (shown in tooltips)."""
    kept = to_wgs84(frame[[*columns, "geometry"]] if columns else frame[["geometry"]])
    kept = kept.set_geometry(shapely.set_precision(kept.geometry.to_numpy(), DISPLAY_GRID_DEG))
    for column in columns:
        if kept[column].dtype == object or str(kept[column].dtype).startswith("str"):
            kept[column] = kept[column].astype(str).map(html.escape)
    return kept


def _tooltip(columns, lang: str) -> folium.GeoJsonTooltip | None:
    if not columns:
        return None
    return folium.GeoJsonTooltip(
        fields=list(columns), aliases=[text(f"map.field.{c}", lang) for c in columns]
    )


def _add_wards(fmap: folium.Map, wards: gpd.GeoDataFrame, lang: str) -> None:
    layer = folium.FeatureGroup(name=text("map.layer.wards", lang))
    data = _escaped(
        wards.rename(columns={"ward_name": "ward", "ward_code": "code"}), ("ward", "code")
    )
    folium.GeoJson(
        data,
        style_function=lambda _: {
            "color": WARD_COLOUR,
            "weight": 1.5,
            "fillColor": "#eceff1",
            "fillOpacity": 0.5,
        },
        tooltip=_tooltip(("ward", "code"), lang),
    ).add_to(layer)
    labels = shapely.point_on_surface(wards.geometry.to_numpy())
    for point, name in zip(labels, data["ward"], strict=True):
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=f'<div style="font:600 11px sans-serif;color:#263238;white-space:nowrap;'
                f'transform:translate(-50%,-50%);">{name}</div>'
            ),
        ).add_to(layer)
    layer.add_to(fmap)


def _add_lines(fmap, frame, key, colour, weight, lang, *, tooltip=(), opacity=0.9):
    if len(frame) == 0:
        return
    folium.GeoJson(
        _escaped(frame, tooltip),
        name=text(key, lang),
        style_function=lambda _: {"color": colour, "weight": weight, "opacity": opacity},
        tooltip=_tooltip(tooltip, lang),
    ).add_to(fmap)


def _add_hotspots(fmap: folium.Map, summary: CoverageSummary, lang: str) -> None:
    spots = summary.dataset.hotspots
    if len(spots) == 0:
        return
    shares = summary.hotspots["share"].to_numpy()
    frame = spots.assign(hotspot=spots["hotspot_name"], share=[f"{s:.1%}" for s in shares])
    folium.GeoJson(
        _escaped(frame, ("hotspot", "share")),
        name=text("map.layer.hotspots", lang),
        style_function=_hotspot_style(fill_opacity=0.12),
        tooltip=_tooltip(("hotspot", "share"), lang),
    ).add_to(fmap)


def _hotspot_style(*, fill_opacity: float):
    """The style function of hotspot polygons."""
    style = {
        "color": HOTSPOT_COLOUR,
        "weight": 2,
        "fillColor": HOTSPOT_COLOUR,
        "fillOpacity": fill_opacity,
    }
    return lambda _: style


def _add_proposals(fmap: folium.Map, proposals: pd.DataFrame, crs, lang: str) -> None:
    """Recommended cameras: their views, and a dot per camera, coloured by status."""
    fields = ("rank", "gain_m", "template", "status", "address")
    shown = proposals.assign(
        gain_m=proposals["gain_m"].round(1),
        status=[text(f"target.{s}", lang) for s in proposals["status"]],
        address=proposals["address"].fillna(""),
        colour=[PROPOSAL_COLOURS[s] for s in proposals["status"]],
    )
    layer = folium.FeatureGroup(name=text("map.layer.proposals", lang))
    folium.GeoJson(
        _escaped(cones(shown, crs), (*fields, "colour")),
        style_function=lambda feature: {
            "color": feature["properties"]["colour"],
            "weight": 1.5,
            "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.35,
        },
        tooltip=_tooltip(fields, lang),
    ).add_to(layer)
    for row in shown.itertuples():
        folium.CircleMarker(
            [row.lat, row.lon],
            radius=5,
            color=row.colour,
            fill=True,
            fill_opacity=1.0,
            tooltip=html.escape(f"#{row.rank} · {row.status}"),
        ).add_to(layer)
    layer.add_to(fmap)


def _add_cameras(fmap: folium.Map, cameras: gpd.GeoDataFrame, lang: str) -> None:
    """Clustered camera markers with popups, and their cones when zoomed in."""
    if len(cameras) == 0:
        return
    statuses = tuple(STATUS_COLOURS)
    colours = [*STATUS_COLOURS.values(), "#000000"]
    labels = {
        key: html.escape(text(f"map.field.{key}", lang))
        for key in ("camera_id", "camera_type", "status", "bearing_deg", "fov_deg", "range_m")
    }
    labels["ward"] = html.escape(text("map.field.ward", lang))
    labels["statuses"] = [html.escape(text(f"status.{s}", lang)) for s in statuses] + ["?"]
    records = camera_records(to_wgs84(cameras), statuses)
    markers = CameraMarkers(records, colours, labels, name=text("map.layer.cameras", lang))
    cones = CameraCones(
        markers, name=text("map.layer.views", lang), removed_index=statuses.index("removed")
    )
    markers.add_to(fmap)
    cones.add_to(fmap)


def _in_wards(dataset, wards: tuple[str, ...]):
    """``dataset`` with only the cameras in ``wards`` (all when empty)."""
    if not wards:
        return dataset
    return replace(dataset, cameras=dataset.cameras[dataset.cameras["ward_name"].isin(wards)])


def _other_roads(dataset) -> gpd.GeoDataFrame:
    roads = dataset.roads
    if dataset.key_routes:
        roads = roads[~roads["road_name"].isin(dataset.key_routes)]
    else:
        roads = roads.iloc[0:0]
    return gpd.GeoDataFrame(geometry=[shapely.union_all(roads.geometry.to_numpy())], crs=roads.crs)


def _merged_by_route(pieces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One (multi)line per route from many two-point pieces (a smaller map)."""
    if len(pieces) == 0:
        return pieces
    routes, code = np.unique(pieces["route"].to_numpy(dtype=str), return_inverse=True)
    order = np.argsort(code, kind="stable")
    merged = shapely.line_merge(
        shapely.multilinestrings(pieces.geometry.to_numpy()[order], indices=code[order])
    )
    return gpd.GeoDataFrame({"route": routes.astype(object)}, geometry=merged, crs=pieces.crs)


PREVIEW_COLOUR = "#d81b60"


def registration_map(dataset, *, lang: str, wards: frozenset[str] = frozenset()) -> folium.Map:
    """A map to place a camera: wards, roads and the registered cameras, framing ``wards``.

    The map is the same from one rerun to the next (so the browser keeps the user's zoom and
    position); the camera being entered is drawn by :func:`preview_layer`.

    Parameters
    ----------
    dataset : Dataset
        Wards and the cameras the user may see (working CRS).
    lang : str, keyword-only
        Language of the labels.
    wards : frozenset of str, keyword-only
        Codes of the user's wards: the map opens on them (all wards when empty).
    """
    all_wards = to_wgs84(dataset.wards)
    own = all_wards[all_wards["ward_code"].isin(wards)] if wards else all_wards
    fmap = base_map((own if len(own) else all_wards).total_bounds)
    _add_wards(fmap, all_wards, lang)
    _add_lines(fmap, dataset.roads, "map.layer.roads", ROAD_COLOUR, 1.5, lang)
    _add_cameras(fmap, dataset.cameras, lang)
    localise_assets(fmap)
    return fmap


def preview_layer(preview: dict | None, crs, *, lang: str) -> folium.FeatureGroup:
    """The camera being entered (``lat``, ``lon`` in degrees, ``bearing_deg``, ``fov_deg``,
    ``range_m``) as a point and its field of view; empty without a position."""
    layer = folium.FeatureGroup(name=text("register.preview", lang))
    if not preview:
        return layer
    style = {"color": PREVIEW_COLOUR, "weight": 2, "fillColor": PREVIEW_COLOUR, "fillOpacity": 0.3}
    folium.GeoJson(to_wgs84(preview_cone(preview, crs)), style_function=lambda _: style).add_to(
        layer
    )
    folium.CircleMarker(
        [preview["lat"], preview["lon"]],
        radius=6,
        color=PREVIEW_COLOUR,
        fill=True,
        fill_opacity=1.0,
    ).add_to(layer)
    return layer


def hotspot_drawing_map(dataset, *, lang: str) -> folium.Map:
    """A map to draw hotspot polygons and edit or delete the hotspots (Leaflet.draw).

    The wards and roads are drawn for reference; the hotspots form the layer the drawing tools
    edit, each carrying only its row number in ``dataset.hotspots`` as property ``hotspot``, so
    that what comes back from the browser (see :mod:`geodata.hotspotdraw`) holds no text.
    """
    wards = to_wgs84(dataset.wards)
    fmap = base_map(wards.total_bounds)
    _add_wards(fmap, wards, lang)
    _add_lines(fmap, dataset.roads, "map.layer.roads", ROAD_COLOUR, 1.5, lang)
    spots = to_wgs84(dataset.hotspots)
    editable = folium.GeoJson(
        gpd.GeoDataFrame({"hotspot": np.arange(len(spots))}, geometry=spots.geometry.values),
        name=text("map.layer.hotspots", lang),
        style_function=_hotspot_style(fill_opacity=0.2),
    ).add_to(fmap)
    shape = {"allowIntersection": False, "shapeOptions": {"color": HOTSPOT_COLOUR}}
    DrawTexts(lang).add_to(fmap)  # before the tools read them
    Draw(
        feature_group=editable,
        show_geometry_on_click=False,
        draw_options={
            "polygon": {**shape, "showArea": True, "metric": True},
            "rectangle": shape,
            **dict.fromkeys(("polyline", "circle", "marker", "circlemarker"), False),
        },
        edit_options={"poly": {"allowIntersection": False}},
    ).add_to(fmap)
    localise_assets(fmap)
    return fmap


def preview_cone(values: dict, crs) -> gpd.GeoDataFrame:
    """The field of view of a camera given in degrees, as a polygon in ``crs`` (metres)."""
    one = {**values, "bearing_deg": float(values.get("bearing_deg") or 0.0)}
    return cones(pd.DataFrame([one]), crs)[["geometry"]]


def cones(cameras: pd.DataFrame, crs) -> gpd.GeoDataFrame:
    """Fields of view of cameras given by ``lat``, ``lon`` (degrees), ``bearing_deg``,
    ``fov_deg`` and ``range_m``, as polygons in ``crs`` (metres), with the other columns."""
    cameras = cameras.reset_index(drop=True)
    views = gpd.GeoDataFrame(
        cameras[["bearing_deg", "fov_deg", "range_m"]].assign(status="active"),
        geometry=gpd.points_from_xy(cameras["lon"], cameras["lat"]),
        crs="EPSG:4326",
    )
    polygons = fov_polygons(to_working(views, crs))
    return gpd.GeoDataFrame(cameras, geometry=polygons.to_numpy(), crs=polygons.crs)

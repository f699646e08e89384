"""Web maps (folium/Leaflet) of a coverage summary, rendered with no request to the internet.

folium points Leaflet and its plugins at public CDNs; with no internet such a map silently
renders 0 px high. :func:`install_leaflet` copies Leaflet and the marker-cluster plugin from the
``xstatic`` packages into Streamlit's static folder (served at ``/app/static/`` when
``server.enableStaticServing`` is on), and :func:`coverage_map` points every element of the map
at those copies. Only this module knows that folium wants ``[lat, lon]``.
"""

from __future__ import annotations

import functools
import html
from dataclasses import replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from babel.numbers import get_decimal_symbol, get_group_symbol
from folium.map import CustomPane
from folium.plugins import Draw

from geodata import settings
from geodata.analysis.summary import CoverageSummary
from geodata.i18n import catalogue, number, percent, text
from geodata.io.crs import to_wgs84
from geodata.maps import palette
from geodata.maps.cameratiles import TileStore
from geodata.maps.controls import (
    BACKGROUND_ENTRIES,
    BUILDING_ENTRY,
    COVERAGE_ENTRIES,
    HOTSPOT_ENTRY,
    DrawTexts,
    FitWhenShown,
    Legend,
    MetricScale,
    camera_entries,
    site_entries,
    swatch_dot,
    swatch_line,
)
from geodata.maps.leaflet import localise_assets
from geodata.maps.linelayers import add_line_layer, line_rows
from geodata.maps.maplayers import (
    BuildingFootprints,
    CameraCones,
    CameraMarkers,
    SiteBadges,
    WardLabels,
    camera_records,
    footprint_records,
    view_outlines,
)
from geodata.maps.memo import kept_for
from geodata.maps.preview import cones
from geodata.maps.verbatim import VerbatimGeoJson

LABEL_PANE, LABEL_PANE_Z = "wardLabels", 640
"""Ward names are drawn in a pane above markers and cluster bubbles (Leaflet's marker pane is
600), and below tooltips (650) and popups (700); it takes no clicks."""
SITE_PANE, SITE_PANE_Z = "sites", 645
"""Rank badges of recommended and campaign sites, above the ward names."""
MANY_WARDS = 40
CITY_LABEL_ZOOM = 13
"""Ward names of more than MANY_WARDS wards show from this zoom on (a ward some 150 px wide)."""
STATUSES = tuple(palette.STATUS)
"""Camera statuses in the order of their colours on the map."""
MAX_ZOOM = 19
DISPLAY_GRID_DEG = 1e-6
"""Coordinates drawn on maps are rounded to this grid (about 0.1 m), which halves the page."""
ROAD_TOLERANCE_M = 2.0
"""Other roads, the background, are drawn simplified by up to this much: a city's thousands of
kilometres of streets in about a megabyte instead of seven."""


def base_map(bounds, *, view: tuple | None = None) -> folium.Map:
    """An empty map framing ``bounds`` (west, south, east, north in degrees).

    No base tiles unless ``CCTV_TILE_URL`` is set; a metric scale bar; the panes for ward names
    and site badges. A map that is hidden when the page opens (in a tab not yet chosen) frames
    ``bounds`` when it is first shown (:class:`FitWhenShown`). Given a ``view`` ((lat, lon) in
    degrees, zoom), the map opens there instead (where the user left the map it replaces).
    """
    west, south, east, north = bounds
    centre, zoom = view if view is not None else (None, None)
    fmap = folium.Map(
        location=list(centre) if centre else [(south + north) / 2, (west + east) / 2],
        zoom_start=zoom or 13,
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
    if not (centre and zoom):
        FitWhenShown([[south, west], [north, east]]).add_to(fmap)
    CustomPane(LABEL_PANE, z_index=LABEL_PANE_Z, pointer_events=False).add_to(fmap)
    CustomPane(SITE_PANE, z_index=SITE_PANE_Z, pointer_events=True).add_to(fmap)
    MetricScale().add_to(fmap)
    return fmap


def coverage_map(
    summary: CoverageSummary,
    *,
    lang: str,
    wards: tuple[str, ...] = (),
    gap: int | None = None,
    proposals: pd.DataFrame | None = None,
    frame_proposals: bool = False,
    tile_store: TileStore | None = None,
) -> folium.Map:
    """A Leaflet map of wards, roads, cameras with their views, coverage, gaps and hotspots.

    Views are what each camera sees (buildings take away what they hide), at the summary's
    detail tier (:meth:`~geodata.analysis.summary.CoverageSummary.seen_at`) like its figures.

    Parameters
    ----------
    summary : CoverageSummary
        What to draw (layers in the working CRS; projected to EPSG:4326 here).
    lang : str, keyword-only
        Language of the layer names, legend, tooltips and popups.
    wards : tuple of str, keyword-only
        Ward names to show (cameras, coverage and gaps in them; the map frames them); all when
        empty.
    gap : int, optional, keyword-only
        Position of a gap in ``summary.gaps`` (the row of :func:`geodata.reports.views.gap_table`):
        drawn with a dark edge and a popup, and the map opens on it.
    proposals : pandas.DataFrame, optional, keyword-only
        Recommended cameras or campaign targets (``lat``, ``lon``, ``bearing_deg``, ``fov_deg``,
        ``range_m``, ``rank``, ``gain_m``, ``template``, ``status``, ``address``), drawn with
        their views and a rank badge ringed in the colour of their status.
    frame_proposals : bool, keyword-only
        Open the map on the proposals (a campaign's sites) rather than on the wards.
    tile_store : TileStore, optional, keyword-only
        Where to publish the cameras when they are too many to travel inside the page (the
        app's maps); without it, every camera is written into the page (a file that opens
        anywhere).

    Raises
    ------
    IndexError
        When ``gap`` is not a row of ``summary.gaps``.
    """
    dataset = _in_wards(summary.dataset, wards)
    all_wards = to_wgs84(summary.dataset.wards)
    framed = all_wards[all_wards["ward_name"].isin(wards)] if wards else all_wards
    bounds = framed.total_bounds
    has_proposals = proposals is not None and len(proposals) > 0
    if frame_proposals and has_proposals:
        bounds = _padded_bounds(proposals["lon"], proposals["lat"])
    chosen = summary.gaps.iloc[[gap]] if gap is not None else None
    if chosen is not None:
        west, south, east, north = to_wgs84(chosen).total_bounds
        bounds = _padded_bounds((west, east), (south, north))
    fmap = base_map(bounds)
    _add_wards(fmap, all_wards, lang)
    _add_roads(fmap, dataset, lang, others_only=True)
    has_buildings = dataset.buildings is not None and len(dataset.buildings) > 0
    if has_buildings:
        rows = footprint_records(_buildings_in(dataset, wards))
        BuildingFootprints(rows, name=text("map.layer.buildings", lang)).add_to(fmap)
    _add_hotspots(fmap, summary, lang)
    # Gaps are wide bands under the route lines, which stay visible along them.
    gaps = summary.gaps[summary.gaps["ward"].isin(wards)] if wards else summary.gaps
    rows = kept_for(
        summary.gaps, ("gaps", wards, lang), lambda: line_rows(_gap_rows(gaps, lang), GAP_FIELDS)
    )
    add_line_layer(
        fmap, rows, "map.layer.gaps", palette.GAP, 9, lang, tooltip=GAP_FIELDS, opacity=0.6
    )
    if chosen is not None:
        _add_chosen_gap(fmap, chosen, lang)
    for seen, key, colour in (
        (False, "map.layer.uncovered", palette.UNCOVERED),
        (True, "map.layer.covered", palette.COVERED),
    ):
        rows = kept_for(
            summary.routes,
            ("pieces", seen, wards),
            functools.partial(_route_rows, summary, seen, wards),
        )
        add_line_layer(fmap, rows, key, colour, 4, lang, tooltip=("route",))
    cameras, drawn = summary.dataset.cameras, (summary.tier, wards)
    records = kept_for(cameras, ("records", *drawn), lambda: _seen_records(summary, wards))
    _add_cameras(fmap, cameras, records, lang, tile_store=tile_store, memo_key=drawn)
    if has_proposals:
        _add_proposals(fmap, proposals, summary.dataset.crs, lang)
    folium.LayerControl(collapsed=True).add_to(fmap)
    entries = [*BACKGROUND_ENTRIES, *([BUILDING_ENTRY] if has_buildings else []), *COVERAGE_ENTRIES]
    if chosen is not None:
        entries.append((swatch_line(palette.GAP, 8, edge=palette.OUTLINE), "map.legend.gap"))
    Legend(lang, [*entries, *camera_entries()], site_entries(proposals, lang)).add_to(fmap)
    localise_assets(fmap)
    return fmap


GAP_FIELDS = ("route", "ward", "length_m")
"""What a gap's tooltip and popup show."""


def _gap_rows(gaps: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """Gaps with their length written for ``lang`` (metres, no decimals)."""
    return gaps.assign(length_m=[number(value, lang) for value in gaps["length_m"]])


def _add_chosen_gap(fmap: folium.Map, chosen: gpd.GeoDataFrame, lang: str) -> None:
    """The gap the user picked: a wide band in the gap colour with a dark edge, and a popup."""
    data = _escaped(_gap_rows(chosen, lang), GAP_FIELDS)
    layer = folium.FeatureGroup(name=text("map.legend.gap", lang))
    for colour, weight in ((palette.OUTLINE, 16), (palette.GAP, 10)):
        VerbatimGeoJson(
            data,
            style_function=lambda _, colour=colour, weight=weight: {
                "color": colour,
                "weight": weight,
                "opacity": 1.0,
            },
            tooltip=_tooltip(GAP_FIELDS, lang),
            popup=folium.GeoJsonPopup(
                fields=list(GAP_FIELDS), aliases=[text(f"map.field.{c}", lang) for c in GAP_FIELDS]
            ),
        ).add_to(layer)
    layer.add_to(fmap)


def _padded_bounds(lons, lats, margin_deg: float = 0.002) -> tuple[float, float, float, float]:
    """West, south, east, north of points (degrees), with a margin of about 200 m."""
    return (
        float(min(lons)) - margin_deg,
        float(min(lats)) - margin_deg,
        float(max(lons)) + margin_deg,
        float(max(lats)) + margin_deg,
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
    VerbatimGeoJson(
        data,
        style_function=lambda _: {
            "color": palette.WARD,
            "weight": 1.5,
            "fillColor": palette.WARD_FILL,
            "fillOpacity": 0.5,
        },
        tooltip=_tooltip(("ward", "code"), lang),
    ).add_to(layer)
    points = shapely.point_on_surface(wards.geometry.to_numpy())
    halo = ",".join(f"{x}px {y}px 2px {palette.HALO}" for x in (-1, 1) for y in (-1, 1))
    WardLabels(
        [(point.y, point.x, name) for point, name in zip(points, data["ward"], strict=True)],
        pane=LABEL_PANE,
        style=f"font:600 12px sans-serif;color:{palette.WARD};white-space:nowrap;"
        f"text-shadow:{halo};transform:translate(-50%,-50%);",
        min_zoom=ward_label_min_zoom(len(wards)),
    ).add_to(layer)
    layer.add_to(fmap)


def ward_label_min_zoom(wards: int) -> int:
    """The zoom level from which ward names show: always for a district's wards, from
    :data:`CITY_LABEL_ZOOM` for more than :data:`MANY_WARDS` (a city's 168 would cover it).

    >>> ward_label_min_zoom(11), ward_label_min_zoom(168)
    (0, 13)
    """
    return CITY_LABEL_ZOOM if wards > MANY_WARDS else 0


def _add_roads(fmap, dataset, lang: str, *, others_only: bool) -> None:
    """The area's roads, simplified by :data:`ROAD_TOLERANCE_M` (the key routes left out
    when ``others_only``: they are drawn as covered and uncovered)."""

    def drawn() -> list:
        roads = _other_roads(dataset) if others_only else dataset.roads
        return line_rows(roads, (), ROAD_TOLERANCE_M)

    key = ("roads", others_only, tuple(dataset.key_routes or ()))
    rows = kept_for(dataset.roads, key, drawn)
    add_line_layer(fmap, rows, "map.layer.roads", palette.ROAD, 1.5, lang)


def _route_rows(summary: CoverageSummary, seen: bool, wards: tuple[str, ...]) -> list:
    """Rows of the key routes' seen (or unseen) stretches in ``wards``, one per route."""
    pieces = summary.routes.pieces(seen=seen)
    pieces = pieces[pieces["ward"].isin(wards)] if wards else pieces
    return line_rows(_merged_by_route(pieces), ("route",))


def _add_hotspots(fmap: folium.Map, summary: CoverageSummary, lang: str) -> None:
    spots = summary.dataset.hotspots
    if len(spots) == 0:
        return
    shares = summary.hotspots["share"].to_numpy()
    frame = spots.assign(
        hotspot=spots["hotspot_name"], share=[percent(share, lang) for share in shares]
    )
    VerbatimGeoJson(
        _escaped(frame, ("hotspot", "share")),
        name=text("map.layer.hotspots", lang),
        style_function=_hotspot_style(fill_opacity=0.12),
        tooltip=_tooltip(("hotspot", "share"), lang),
    ).add_to(fmap)


def _hotspot_style(*, fill_opacity: float):
    """The style function of hotspot polygons."""
    style = {
        "color": palette.HOTSPOT,
        "weight": 2,
        "fillColor": palette.HOTSPOT,
        "fillOpacity": fill_opacity,
    }
    return lambda _: style


def _add_proposals(fmap: folium.Map, proposals: pd.DataFrame, crs, lang: str) -> None:
    """Recommended cameras: their views, and a rank badge per site ringed in its status colour."""
    fields = ("rank", "gain_m", "template", "status", "address")
    shown = proposals.assign(
        gain_m=[number(value, lang, digits=1) for value in proposals["gain_m"]],
        template=[camera_kind(kind, lang) for kind in proposals["template"]],
        status=[text(f"target.{s}", lang) for s in proposals["status"]],
        address=proposals["address"].fillna(""),
        colour=[palette.PROPOSAL[s] for s in proposals["status"]],
    )
    layer = folium.FeatureGroup(name=text("map.layer.proposals", lang))
    VerbatimGeoJson(
        _escaped(cones(shown, crs), (*fields, "colour")),
        style_function=lambda feature: {
            "color": feature["properties"]["colour"],
            "weight": 1.5,
            "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.35,
        },
        tooltip=_tooltip(fields, lang),
    ).add_to(layer)
    aliases = [html.escape(text(f"map.field.{field}", lang)) for field in fields]
    badges = []
    for row in shown.itertuples():
        values = [html.escape(str(getattr(row, field))) for field in fields]
        popup = "<br>".join(
            f"<b>{alias}:</b> {value}" for alias, value in zip(aliases, values, strict=True)
        )
        tooltip = f"#{values[0]} · {values[3]} · {values[2]}"
        badges.append((row.lat, row.lon, rank_badge(row.rank, row.colour), tooltip, popup))
    SiteBadges(badges, pane=SITE_PANE, name=text("map.layer.proposals", lang)).add_to(layer)
    layer.add_to(fmap)


def rank_badge(rank, colour: str) -> str:
    """The HTML of a site's rank badge: white bold digits (13 px) on a dark rounded square
    ringed in ``colour``."""
    return (
        f'<div style="min-width:28px;height:28px;box-sizing:border-box;padding:0 4px;'
        f"border-radius:6px;background:{palette.OUTLINE};border:3px solid {colour};"
        f"color:{palette.BADGE_TEXT};font:700 13px/22px sans-serif;text-align:center;"
        f'box-shadow:0 1px 3px rgba(0,0,0,.5);">{html.escape(str(rank))}</div>'
    )


def camera_kind(kind, lang: str) -> str:
    """A camera kind (``dome``, ``bullet``…) as ``lang`` names it; an unknown kind as it is."""
    key = f"map.kind.{kind}"
    return text(key, lang) if key in catalogue(lang) else str(kind)


def _add_cameras(
    fmap: folium.Map,
    cameras: gpd.GeoDataFrame,
    records: list,
    lang: str,
    *,
    interactive: bool = True,
    tile_store: TileStore | None = None,
    memo_key=(),
) -> None:
    """Camera markers and their cones when zoomed in, from ``records``
    (:func:`~geodata.maps.maplayers.camera_records`) of ``cameras``.

    Interactive: clustered when zoomed out, with popups. Not interactive (the registration
    map): light dots that take no click, so that a click on them places the new camera. Many
    cameras go to ``tile_store`` (see :mod:`geodata.maps.cameratiles`), once per ``cameras``
    and ``memo_key``.
    """
    if not records:
        return
    colours = [*palette.STATUS.values(), palette.UNKNOWN_STATUS]
    labels = {
        key: html.escape(text(f"map.field.{key}", lang))
        for key in ("camera_id", "camera_type", "status", "bearing_deg", "fov_deg", "range_m")
    }
    labels["ward"] = html.escape(text("map.field.ward", lang))
    labels["statuses"] = [html.escape(text(f"status.{s}", lang)) for s in STATUSES] + ["?"]
    kinds = kept_for(cameras, ("kinds",), lambda: cameras["camera_type"].unique())
    labels["kinds"] = {
        html.escape(str(kind)): html.escape(camera_kind(kind, lang)) for kind in kinds
    }
    labels["decimal"] = get_decimal_symbol(lang)
    labels["group"] = get_group_symbol(lang)
    tiles = None
    if tile_store is not None:
        key = ("tiles", memo_key, tile_store)
        tiles = kept_for(cameras, key, lambda: tile_store.published(records))
        if tiles is not None and not tile_store.keeps(tiles):  # dropped as one of the oldest
            tiles = tile_store.published(records)
    markers = CameraMarkers(
        records,
        colours,
        labels,
        name=text("map.layer.cameras", lang),
        clustered=interactive,
        interactive=interactive,
        tiles=tiles,
    )
    cones = CameraCones(
        markers, name=text("map.layer.views", lang), removed_index=STATUSES.index("removed")
    )
    markers.add_to(fmap)
    cones.add_to(fmap)


def _seen_records(summary: CoverageSummary, wards: tuple[str, ...]) -> list:
    """Rows of the cameras in ``wards`` at the summary's tier, with the outlines of what they
    see where buildings hide part of their view (no view polygons without buildings)."""
    cameras = summary.tier_cameras()
    drawn = cameras["ward_name"].isin(wards).to_numpy() if wards else np.ones(len(cameras), bool)
    shown = cameras[drawn]
    outlines = None
    if summary.walls is not None:
        _, sectors, views = summary.views()
        outlines = view_outlines(shown, views[drawn], sectors[drawn])
    return camera_records(to_wgs84(shown), STATUSES, outlines)


def _buildings_in(dataset, wards: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The buildings that stand in ``wards`` (ward names; all when empty)."""
    if not wards:
        return dataset.buildings
    chosen = dataset.wards[dataset.wards["ward_name"].isin(wards)].geometry.to_numpy()
    area = shapely.union_all(chosen)
    return dataset.buildings[shapely.intersects(dataset.buildings.geometry.to_numpy(), area)]


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


def registration_map(
    dataset,
    *,
    lang: str,
    wards: frozenset[str] = frozenset(),
    view: tuple | None = None,
    tile_store: TileStore | None = None,
) -> folium.Map:
    """A map to place a camera: wards, roads and the registered cameras, framing ``wards``.

    The registered cameras are light dots that take no click (no clusters, no popups): a
    click anywhere, on a camera too, places the new camera. The map is the same from one rerun
    to the next (so the browser keeps the user's zoom and position); the camera being entered
    is drawn by :func:`preview_layer`; when the map has to be drawn anew (a camera was
    registered), it opens at ``view``, where the user left the map it replaces.

    Parameters
    ----------
    dataset : Dataset
        Wards and the cameras the user may see (working CRS).
    lang : str, keyword-only
        Language of the labels.
    wards : frozenset of str, keyword-only
        Codes of the user's wards: the map opens on them (all wards when empty).
    view : tuple, keyword-only
        ((lat, lon), zoom) to open at instead, as
        :func:`~geodata.maps.preview.returned_view` gives it.
    tile_store : TileStore, optional, keyword-only
        Where to publish the cameras when they are many (see :func:`coverage_map`).
    """
    all_wards = to_wgs84(dataset.wards)
    own = all_wards[all_wards["ward_code"].isin(wards)] if wards else all_wards
    fmap = base_map((own if len(own) else all_wards).total_bounds, view=view)
    _add_wards(fmap, all_wards, lang)
    _add_roads(fmap, dataset, lang, others_only=False)
    # The rows and tiles of the coverage map at any detail, when it has been drawn already.
    cameras, drawn = dataset.cameras, (None, ())
    records = kept_for(
        cameras, ("records", *drawn), lambda: camera_records(to_wgs84(cameras), STATUSES)
    )
    _add_cameras(
        fmap, cameras, records, lang, interactive=False, tile_store=tile_store, memo_key=drawn
    )
    preview = (swatch_dot(palette.PREVIEW), "register.preview")
    Legend(lang, [*BACKGROUND_ENTRIES, *camera_entries(), preview]).add_to(fmap)
    localise_assets(fmap)
    return fmap


def hotspot_drawing_map(dataset, *, lang: str) -> folium.Map:
    """A map to draw hotspot polygons and edit or delete the hotspots (Leaflet.draw).

    The wards and roads are drawn for reference; the hotspots form the layer the drawing tools
    edit, each carrying only its row number in ``dataset.hotspots`` as property ``hotspot``, so
    that what comes back from the browser (see :mod:`geodata.maps.hotspotdraw`) holds no text.
    """
    wards = to_wgs84(dataset.wards)
    fmap = base_map(wards.total_bounds)
    _add_wards(fmap, wards, lang)
    _add_roads(fmap, dataset, lang, others_only=False)
    spots = to_wgs84(dataset.hotspots)
    editable = VerbatimGeoJson(
        gpd.GeoDataFrame({"hotspot": np.arange(len(spots))}, geometry=spots.geometry.values),
        name=text("map.layer.hotspots", lang),
        style_function=_hotspot_style(fill_opacity=0.2),
    ).add_to(fmap)
    shape = {"allowIntersection": False, "shapeOptions": {"color": palette.HOTSPOT}}
    Legend(lang, [*BACKGROUND_ENTRIES, HOTSPOT_ENTRY]).add_to(fmap)
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

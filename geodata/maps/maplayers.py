"""Leaflet layers for many cameras: clustered markers, and view cones drawn only when zoomed in.

Twenty thousand cameras as folium markers or as a GeoJSON of cone polygons make a page of tens
of megabytes that the browser struggles to draw. Here the cameras travel once, as a compact
JSON array (position, bearing, field of view, range, status and escaped labels); the browser
clusters the markers when zoomed out and draws the cones of the cameras in view only from
:data:`CONE_MIN_ZOOM` on. Where buildings hide part of a camera's view, its row carries the
outline of what it does see (:func:`view_outlines`), and the browser draws that instead of the
whole cone. The cones on the map are for display; every figure comes from the exact engine.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from typing import ClassVar

import geopandas as gpd
import numpy as np
import shapely
from branca.element import Template
from folium.elements import JSCSSMixin

from geodata.io.crs import to_wgs84
from geodata.maps import palette
from geodata.maps.cameratiles import CameraTiles
from geodata.maps.memo import kept_for
from geodata.maps.verbatim import VerbatimLayer

CONE_MIN_ZOOM = 16
"""From this zoom level on, the cones of the cameras in view are drawn."""
CONE_ARC_STEP_DEG = 10.0
"""Arc vertex spacing of a drawn cone, in degrees."""
MAX_CONES = 4000
"""At most this many cones are drawn at once (the rest appear when zooming in further)."""
DISABLE_CLUSTERING_AT_ZOOM = 17


OUTLINE_UNIT_DEG = 1e-6
"""The unit of a view outline's offsets from its camera (about 0.1 m)."""
OUTLINE_TOLERANCE_M = 0.3
"""A view outline is simplified by up to this much before it is sent (display only)."""


def view_outlines(cameras: gpd.GeoDataFrame, views, sectors) -> list:
    """What each camera sees where buildings hide part of its sector, for :func:`camera_records`.

    Parameters
    ----------
    cameras : GeoDataFrame
        The cameras, in the working CRS (metres).
    views, sectors : ndarray of polygons
        Each camera's visible view and its whole sector, in the same CRS and order.

    Returns
    -------
    list
        Per camera, None when nothing is hidden, else its outline rings, each a flat list of
        whole offsets ``[dlat, dlon, ...]`` from the camera in :data:`OUTLINE_UNIT_DEG`
        (an empty list when the camera sees nothing).
    """
    hidden = shapely.area(views) < shapely.area(sectors) * (1.0 - 1e-6)
    outlines: list = [None] * len(cameras)
    if not hidden.any():
        return outlines
    index = np.flatnonzero(hidden)
    simple = shapely.simplify(views[index], OUTLINE_TOLERANCE_M)
    shapes = gpd.GeoSeries(simple, crs=cameras.crs).to_crs(4326).to_numpy()
    origin = to_wgs84(cameras.iloc[index]).geometry.to_numpy()
    parts, owner = shapely.get_parts(shapes, return_index=True)
    rings = shapely.get_exterior_ring(parts)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    camera = owner[ring_of]
    dlat = np.rint((coords[:, 1] - shapely.get_y(origin)[camera]) / OUTLINE_UNIT_DEG)
    dlon = np.rint((coords[:, 0] - shapely.get_x(origin)[camera]) / OUTLINE_UNIT_DEG)
    flat = np.column_stack([dlat, dlon]).astype(np.int64)
    for position in range(index.size):
        outlines[index[position]] = []
    bounds = np.flatnonzero(np.diff(ring_of, prepend=-1, append=ring_of.size + 1))
    for start, stop in itertools.pairwise(bounds):
        outlines[index[camera[start]]].append(flat[start:stop].ravel().tolist())
    return outlines


def camera_records(
    cameras: gpd.GeoDataFrame, statuses: tuple[str, ...], outlines: list | None = None
) -> list[list]:
    """Compact rows for the browser from cameras in EPSG:4326, text HTML-escaped.

    Each row: ``[lat, lon, bearing_deg, fov_deg, range_m, status index, id, type, ward]``, and
    the camera's outline from :func:`view_outlines` where buildings hide part of its view.
    """
    points = cameras.geometry
    rows = [
        [
            round(float(point.y), 7),
            round(float(point.x), 7),
            round(float(bearing), 1),
            round(float(fov), 1),
            round(float(reach), 1),
            statuses.index(status) if status in statuses else len(statuses),
            html.escape(str(camera_id)),
            html.escape(str(kind)),
            html.escape(str(ward)),
        ]
        for point, bearing, fov, reach, status, camera_id, kind, ward in zip(
            points,
            cameras["bearing_deg"],
            cameras["fov_deg"],
            cameras["range_m"],
            cameras["status"],
            cameras["camera_id"],
            cameras["camera_type"],
            cameras["ward_name"],
            strict=True,
        )
    ]
    for row, outline in zip(rows, outlines or [], strict=False):
        if outline is not None:
            row.append(outline)
    return rows


def script_json(value) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element, and inside the
    template branca renders every script through (no ``{{``, ``{%`` or ``{#`` left: in JSON
    they can only stand inside strings, where ``\\u007b`` is the same brace).

    >>> script_json({"id": "{{ x }}</script>"})
    '{"id":"\\\\u007b{ x }}<\\\\/script>"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return _TEMPLATE_OPENING.sub(r"\\u007b", text)


_TEMPLATE_OPENING = re.compile(r"\{(?=[{%#])")


class CameraMarkers(JSCSSMixin, VerbatimLayer):
    """Cameras as circle markers coloured by status.

    Interactive (the coverage maps): clustered when zoomed out, in neutral bubbles that give
    the count (light, ringed in dark slate: never taken for a coverage colour or for a site's
    dark rank badge), with a popup per camera. Not interactive (the registration map): light
    dots, no clusters, no popups, that let every click through to the map.

    Parameters
    ----------
    records : list
        Rows from :func:`camera_records`.
    colours : list of str
        Colour per status index (one more for unknown statuses).
    labels : dict
        Escaped popup labels: ``camera_id``, ``camera_type``, ``ward``, ``status``,
        ``bearing_deg``, ``fov_deg``, ``range_m``, ``statuses`` (list), ``kinds`` (escaped
        kind → its name), and the language's ``decimal`` and ``group`` symbols.
    name : str
        The layer's name in the layer control.
    clustered, interactive : bool
        Cluster the markers when zoomed out; give them popups and clicks.
    tiles : CameraTiles, optional
        Where the browser fetches the cameras from as the user zooms in (``records`` then
        stay out of the page): below :data:`~geodata.maps.cameratiles.DETAIL_ZOOM`, a bubble
        per tile gives how many cameras stand there.
    """

    default_js: ClassVar = [("markerclusterjs", "")]
    default_css: ClassVar = [("markerclustercss", "")]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var embedded = {{ this.rows_json }};
            var rows = [];
            var colours = {{ this.colours_json }};
            var labels = {{ this.labels_json }};
            var interactive = {{ this.interactive|tojson }};
            function decimal(x) { return String(x).replace(".", labels.decimal); }
            function grouped(n) {
                return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, labels.group);
            }
            function bubble(cluster) { return countBubble(cluster.getChildCount()); }
            function countBubble(count) {
                var size = count < 100 ? 30 : (count < 1000 ? 36 : 44);
                return L.divIcon({
                    html: '<div style="width:' + size + 'px;height:' + size + 'px;line-height:'
                        + (size - 4) + 'px;border-radius:50%;box-sizing:border-box;'
                        + 'background:{{ this.palette.HALO }};opacity:0.9;'
                        + 'color:{{ this.palette.CLUSTER }};'
                        + 'border:2px solid {{ this.palette.CLUSTER }};'
                        + 'font:700 12px sans-serif;text-align:center;">'
                        + grouped(count) + '</div>',
                    className: "camera-cluster",
                    iconSize: L.point(size, size)
                });
            }
            var group = {{ this.clustered|tojson }} ? L.markerClusterGroup({
                chunkedLoading: true, maxClusterRadius: 45,
                iconCreateFunction: bubble,
                disableClusteringAtZoom: {{ this.uncluster_zoom }}
            }) : L.featureGroup();
            function marker(r) {
                var dot = L.circleMarker([r[0], r[1]], {
                    radius: interactive ? 4 : 3, weight: 1, color: "{{ this.palette.OUTLINE }}",
                    opacity: interactive ? 1 : 0.5, fillColor: colours[r[5]],
                    fillOpacity: interactive ? 0.95 : 0.55,
                    interactive: interactive, bubblingMouseEvents: true
                });
                if (interactive) {
                    dot.bindPopup(function () {
                        return "<b>" + labels.camera_id + ":</b> " + r[6]
                            + "<br><b>" + labels.camera_type + ":</b> "
                            + (labels.kinds[r[7]] || r[7])
                            + "<br><b>" + labels.status + ":</b> " + labels.statuses[r[5]]
                            + "<br><b>" + labels.ward + ":</b> " + r[8]
                            + "<br><b>" + labels.bearing_deg + ":</b> " + decimal(r[2])
                            + "<br><b>" + labels.fov_deg + ":</b> " + decimal(r[3])
                            + "<br><b>" + labels.range_m + ":</b> " + decimal(r[4]);
                    });
                }
                return dot;
            }
            function add(more) {
                var markers = more.map(marker);
                more.forEach(function (r) { rows.push(r); });
                if (group.addLayers) {
                    group.addLayers(markers);
                } else {
                    markers.forEach(function (m) { group.addLayer(m); });
                }
            }
            add(embedded);
            var tiles = {{ this.tiles_json }};
            if (!tiles) {
                group.cameraRows = rows;
                group.statusColours = colours;
                return group;
            }
            var map = {{ this._parent.get_name() }};
            var shown = L.layerGroup();
            shown.cameraRows = rows;
            shown.statusColours = colours;
            function counted(cluster) {
                var count = 0;
                cluster.getAllChildMarkers().forEach(function (m) { count += m.options.count; });
                return countBubble(count);
            }
            var overview = L.markerClusterGroup({
                maxClusterRadius: 60, iconCreateFunction: counted,
                disableClusteringAtZoom: tiles.minZoom
            });
            tiles.cells.forEach(function (c) {
                var cell = L.marker([c[0], c[1]], {
                    icon: countBubble(c[2]),
                    count: c[2], interactive: interactive, keyboard: false
                });
                cell.on("click", function () { map.setView([c[0], c[1]], tiles.minZoom); });
                overview.addLayer(cell);
            });
            var known = {}, asked = {};
            tiles.cells.forEach(function (c) { known[c[3] + "_" + c[4]] = true; });
            function fetchInView() {
                var view = map.getBounds().pad(0.2);
                var south = Math.floor(view.getSouth() / tiles.deg);
                var north = Math.floor(view.getNorth() / tiles.deg);
                var west = Math.floor(view.getWest() / tiles.deg);
                var east = Math.floor(view.getEast() / tiles.deg);
                for (var y = south; y <= north; y++) {
                    for (var x = west; x <= east; x++) {
                        var key = y + "_" + x;
                        if (!known[key] || asked[key]) { continue; }
                        asked[key] = true;
                        fetch(tiles.url + "/" + key + ".json")
                            .then(function (answer) { return answer.json(); })
                            .then(function (more) { add(more); shown.fire("rowsloaded"); });
                    }
                }
            }
            function refresh() {
                if (!map.hasLayer(shown)) { return; }
                if (map.getZoom() >= tiles.minZoom) {
                    shown.removeLayer(overview);
                    shown.addLayer(group);
                    fetchInView();
                } else {
                    shown.removeLayer(group);
                    shown.addLayer(overview);
                }
            }
            map.on("zoomend moveend", refresh);
            shown.on("add", function () { setTimeout(refresh, 0); });
            return shown;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        records,
        colours,
        labels,
        *,
        name: str,
        clustered: bool = True,
        interactive: bool = True,
        tiles: CameraTiles | None = None,
    ):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "CameraMarkers"
        self.rows_json = script_json([] if tiles else records)
        self.tiles_json = script_json(tiles.to_json() if tiles else None)
        self.colours_json = script_json(list(colours))
        self.labels_json = script_json(labels)
        self.uncluster_zoom = DISABLE_CLUSTERING_AT_ZOOM
        self.clustered = clustered
        self.interactive = interactive
        self.palette = palette


class CameraCones(VerbatimLayer):
    """The view cones of the cameras in view, drawn by the browser from zoom 16 on.

    Parameters
    ----------
    markers : CameraMarkers
        The marker layer whose cameras to draw (added to the map before this one).
    name : str
        The layer's name in the layer control.
    removed_index : int
        Status index from which cameras get no cone (removed and unknown).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.markers.get_name() }}.cameraRows;
            var colours = {{ this.markers.get_name() }}.statusColours;
            var group = L.layerGroup();
            var map = {{ this._parent.get_name() }};
            function outline(r) {
                var rings = r[9].map(function (ring) {
                    var points = [];
                    for (var k = 0; k + 1 < ring.length; k += 2) {
                        points.push([r[0] + ring[k] * {{ this.outline_unit }},
                                     r[1] + ring[k + 1] * {{ this.outline_unit }}]);
                    }
                    return points;
                });
                return L.polygon(rings, {
                    color: colours[r[5]], weight: 1, fillOpacity: 0.2, interactive: false
                });
            }
            function cone(r) {
                if (r.length > 9) { return outline(r); }
                var lat = r[0], lon = r[1], bearing = r[2], fov = r[3], reach = r[4];
                var perLat = 111320.0, perLon = 111320.0 * Math.cos(lat * Math.PI / 180);
                var steps = Math.max(3, Math.ceil(fov / {{ this.arc_step }}));
                var points = fov < 360 ? [[lat, lon]] : [];
                for (var i = 0; i <= steps; i++) {
                    var a = (bearing - fov / 2 + fov * i / steps) * Math.PI / 180;
                    points.push([lat + reach * Math.cos(a) / perLat,
                                 lon + reach * Math.sin(a) / perLon]);
                }
                return L.polygon(points, {
                    color: colours[r[5]], weight: 1, fillOpacity: 0.2, interactive: false
                });
            }
            function redraw() {
                group.clearLayers();
                if (!map.hasLayer(group) || map.getZoom() < {{ this.min_zoom }}) { return; }
                var view = map.getBounds().pad(0.2), drawn = 0;
                for (var i = 0; i < rows.length && drawn < {{ this.max_cones }}; i++) {
                    if (rows[i][5] < {{ this.removed_index }}
                        && view.contains([rows[i][0], rows[i][1]])) {
                        group.addLayer(cone(rows[i]));
                        drawn++;
                    }
                }
            }
            map.on("zoomend moveend overlayadd", redraw);
            {{ this.markers.get_name() }}.on("rowsloaded", redraw);
            group.on("add", function () { setTimeout(redraw, 0); });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, markers: CameraMarkers, *, name: str, removed_index: int):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "CameraCones"
        self.markers = markers
        self.min_zoom = CONE_MIN_ZOOM
        self.arc_step = CONE_ARC_STEP_DEG
        self.outline_unit = OUTLINE_UNIT_DEG
        self.max_cones = MAX_CONES
        self.removed_index = removed_index


def footprint_records(buildings: gpd.GeoDataFrame) -> list[list[int]]:
    """Building footprints in EPSG:4326 as compact rows for :class:`BuildingFootprints`.

    Each row: the first vertex in :data:`OUTLINE_UNIT_DEG` (whole numbers), then every further
    vertex of the outer ring as offsets from it, simplified by :data:`OUTLINE_TOLERANCE_M` in
    the working CRS (the ring's closing vertex is left out). Worked out once per frame.
    """
    if buildings is None or len(buildings) == 0:
        return []
    return kept_for(buildings, "footprints", lambda: _footprint_rows(buildings))


def _footprint_rows(buildings: gpd.GeoDataFrame) -> list[list[int]]:
    simple = shapely.simplify(buildings.geometry.to_numpy(), OUTLINE_TOLERANCE_M)
    parts = shapely.get_parts(gpd.GeoSeries(simple, crs=buildings.crs).to_crs(4326).to_numpy())
    coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(parts), return_index=True)
    whole = np.rint(coords[:, ::-1] / OUTLINE_UNIT_DEG).astype(np.int64)  # (lat, lon)
    starts = np.flatnonzero(np.diff(ring, prepend=-1))
    first = np.repeat(starts, np.diff(np.r_[starts, ring.size]))
    offsets = whole - np.where(np.arange(ring.size) == first, 0, 1)[:, None] * whole[first]
    ends = np.r_[starts[1:], ring.size] - 1  # the closing vertex repeats the first
    return [offsets[a:b].ravel().tolist() for a, b in zip(starts, ends, strict=True)]


class BuildingFootprints(VerbatimLayer):
    """Building footprints in view, drawn by the browser from zoom 16 on (below the cones).

    Parameters
    ----------
    rows : list
        From :func:`footprint_records`.
    name : str
        The layer's name in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows_json }};
            var unit = {{ this.unit }};
            var group = L.layerGroup();
            var map = {{ this._parent.get_name() }};
            function redraw() {
                group.clearLayers();
                if (!map.hasLayer(group) || map.getZoom() < {{ this.min_zoom }}) { return; }
                var view = map.getBounds().pad(0.2);
                rows.forEach(function (r) {
                    var lat = r[0] * unit, lon = r[1] * unit;
                    if (!view.contains([lat, lon])) { return; }
                    var points = [[lat, lon]];
                    for (var k = 2; k + 1 < r.length; k += 2) {
                        points.push([lat + r[k] * unit, lon + r[k + 1] * unit]);
                    }
                    group.addLayer(L.polygon(points, {
                        color: {{ this.colour|tojson }}, weight: 1, fillOpacity: 0.8,
                        interactive: false
                    }));
                });
            }
            map.on("zoomend moveend overlayadd", redraw);
            group.on("add", function () { setTimeout(redraw, 0); });
            return group;
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list, *, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "BuildingFootprints"
        self.rows_json = script_json(rows)
        self.unit = OUTLINE_UNIT_DEG
        self.min_zoom = CONE_MIN_ZOOM
        self.colour = palette.BUILDING


class SiteBadges(VerbatimLayer):
    """Recommended or campaign sites as rank badges (HTML markers) with a tooltip and a popup.

    Parameters
    ----------
    sites : list of (lat, lon, badge, tooltip, popup)
        Position in degrees, and HTML already escaped: the badge, its tooltip and its popup.
    pane : str
        The map pane the badges are drawn in.
    name : str
        The layer's name in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var group = L.featureGroup();
            {{ this.sites_json }}.forEach(function (s) {
                L.marker([s[0], s[1]], {
                    pane: {{ this.pane|tojson }},
                    icon: L.divIcon({
                        html: s[2], className: "site-badge", iconSize: [28, 28],
                        iconAnchor: [14, 14]
                    })
                }).bindTooltip(s[3]).bindPopup(s[4], {maxWidth: 260}).addTo(group);
            });
            return group;
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, sites, *, pane: str, name: str):
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "SiteBadges"
        self.sites_json = script_json([list(site) for site in sites])
        self.pane = pane


class WardLabels(VerbatimLayer):
    """Ward names drawn at given points in their own pane, taking no clicks.

    Parameters
    ----------
    labels : list of (lat, lon, name)
        Position in degrees and the name, HTML-escaped.
    pane : str
        The map pane the names are drawn in (above markers, below tooltips).
    style : str
        The CSS of a name.
    min_zoom : int
        The names show from this zoom level on (so that a city's wards do not cover the map).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var group = L.layerGroup();
            var labels = {{ this.labels_json }};
            labels.forEach(function (w) {
                L.marker([w[0], w[1]], {
                    icon: L.divIcon({
                        html: '<div class="ward-label" style="{{ this.style }}">' + w[2] + "</div>",
                        className: "empty", iconSize: null
                    }),
                    "interactive": false, "pane": {{ this.pane|tojson }}, keyboard: false
                }).addTo(group);
            });
            function shown() {
                if (!group._map) { return; }
                var hidden = group._map.getZoom() < {{ this.min_zoom }};
                group.eachLayer(function (label) {
                    var element = label.getElement();
                    if (element) { element.style.display = hidden ? "none" : ""; }
                });
            }
            group.on("add", function () {
                group._map.on("zoomend", shown);
                setTimeout(shown, 0);
            });
            return group;
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, labels, *, pane: str, style: str, min_zoom: int = 0):
        super().__init__(name="ward labels", overlay=True, control=False, show=True)
        self._name = "WardLabels"
        self.min_zoom = int(min_zoom)
        self.labels_json = script_json([list(label) for label in labels])
        self.pane = pane
        self.style = style

"""Lines (roads, covered and uncovered key routes, gaps) written compactly into a map page.

As GeoJSON, a city's streets and key routes take megabytes: every vertex is two decimal numbers
in brackets. Here each line travels as an encoded polyline (the "encoded polyline" scheme of
web maps, at a precision of :data:`PRECISION` = 10⁻⁶ degree, about 0.1 m): the differences from
one vertex to the next as a few printable characters. The browser decodes them into Leaflet
polylines with the same styles and tooltips as before. Display only: every figure comes from the
exact engine.
"""

from __future__ import annotations

import html

import numpy as np
import shapely
from branca.element import Template

from geodata.i18n import text
from geodata.io.crs import to_wgs84
from geodata.maps.maplayers import script_json
from geodata.maps.verbatim import VerbatimLayer

LINE_TOLERANCE_M = 0.5
"""Coverage and gap lines are drawn simplified by up to this much (display only: every figure
comes from the exact engine); about 2 px at the map's closest zoom."""
PRECISION = 1_000_000
"""Encoded coordinates are whole multiples of 1 / PRECISION degree."""
_MAX_CHUNKS = 8
"""Chunks of five bits a value may take (enough for any whole degree × PRECISION)."""


def encoded_polylines(lines, *, precision: int = PRECISION) -> list[list[str]]:
    """Each (multi)line in EPSG:4326 as a list of encoded polylines, one per part.

    Parameters
    ----------
    lines : array of LineString or MultiLineString
        In degrees (x = longitude, y = latitude).
    precision : int, keyword-only
        Coordinates are encoded as whole multiples of 1 / precision degree.

    Examples
    --------
    The scheme's published example, at its usual precision of 10⁻⁵ degree:

    >>> line = shapely.LineString([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])
    >>> encoded_polylines([line], precision=100_000)
    [['_p~iF~ps|U_ulLnnqC_mqNvxq`@']]
    """
    lines = np.asarray(lines, dtype=object)
    parts, owner = shapely.get_parts(lines, return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    whole = np.rint(coords[:, ::-1] * precision).astype(np.int64)  # (lat, lon)
    starts = np.flatnonzero(np.diff(part_of, prepend=-1))
    steps = np.diff(whole, axis=0, prepend=np.zeros((1, 2), np.int64))
    steps[starts] = whole[starts]
    text = _encoded_values(steps.ravel())
    per_vertex = text["chars"].reshape(-1, 2).sum(axis=1)
    lengths = np.add.reduceat(per_vertex, starts) if len(starts) else []
    joined = text["bytes"].decode("ascii")
    ends = np.cumsum(lengths)
    encoded: list[list[str]] = [[] for _ in range(len(lines))]
    for part, end, length in zip(range(len(starts)), ends, lengths, strict=True):
        encoded[owner[part]].append(joined[end - length : end])
    return encoded


def _encoded_values(values: np.ndarray) -> dict:
    """Whole numbers as the printable characters of the encoded polyline scheme: the bytes of
    all of them one after the other, and how many characters each took."""
    zigzag = np.where(values < 0, ~(values << 1), values << 1)
    shifts = 5 * np.arange(_MAX_CHUNKS, dtype=np.int64)
    chunks = (zigzag[:, None] >> shifts) & 31
    count = np.maximum(1, ((zigzag[:, None] >> shifts) > 0).sum(axis=1))
    used = np.arange(_MAX_CHUNKS) < count[:, None]
    more = np.arange(_MAX_CHUNKS) < (count - 1)[:, None]
    characters = (chunks | np.where(more, 32, 0)) + 63
    return {"bytes": characters[used].astype(np.uint8).tobytes(), "chars": count}


class CompactLines(VerbatimLayer):
    """Lines drawn from encoded polylines, with a constant style and an optional tooltip.

    Parameters
    ----------
    rows : list
        Per line: its parts as from :func:`encoded_polylines`, then its tooltip values (HTML
        escaped), in the order of ``labels``.
    labels : list of str
        The tooltip's labels (HTML escaped); no tooltip, and no clicks, when empty.
    style : dict
        Leaflet path options (``color``, ``weight``, ``opacity``).
    name : str
        The layer's name in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var labels = {{ this.labels_json }};
            var style = {{ this.style_json }};
            style.interactive = labels.length > 0;
            function decoded(text) {
                var points = [], at = 0, lat = 0, lon = 0;
                while (at < text.length) {
                    var pair = [0, 0];
                    for (var k = 0; k < 2; k++) {
                        var shift = 1, value = 0, chunk;
                        do {
                            chunk = text.charCodeAt(at++) - 63;
                            value += (chunk & 31) * shift;
                            shift *= 32;
                        } while (chunk >= 32);
                        pair[k] = value % 2 ? -(value + 1) / 2 : value / 2;
                    }
                    lat += pair[0];
                    lon += pair[1];
                    points.push([lat / {{ this.precision }}, lon / {{ this.precision }}]);
                }
                return points;
            }
            var group = L.featureGroup();
            var lines = {{ this.rows_json }};
            lines.forEach(function (r) {
                var line = L.polyline(r[0].map(decoded), style);
                if (labels.length) {
                    line.bindTooltip(labels.map(function (label, i) {
                        return "<b>" + label + ":</b> " + r[i + 1];
                    }).join("<br>"), {sticky: true});
                }
                group.addLayer(line);
            });
            return group;
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list, *, labels: list[str], style: dict, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "CompactLines"
        self.rows_json = script_json(rows)
        self.labels_json = script_json(labels)
        self.style_json = script_json(style)
        self.precision = PRECISION


def line_rows(frame, tooltip=(), tolerance_m: float = LINE_TOLERANCE_M) -> list:
    """Rows of :class:`CompactLines`: the lines of ``frame`` (working
    CRS) simplified by ``tolerance_m``, and their ``tooltip`` columns HTML-escaped."""
    if len(frame) == 0:
        return []
    lines = frame.geometry.to_numpy()
    simple = frame.set_geometry(shapely.simplify(lines, tolerance_m, preserve_topology=False))
    shown = to_wgs84(simple[[*tooltip, "geometry"]])
    values = [shown[column].astype(str).map(html.escape).tolist() for column in tooltip]
    encoded = encoded_polylines(shown.geometry.to_numpy())
    return [[parts, *row] for parts, *row in zip(encoded, *values, strict=True)]


def add_line_layer(fmap, rows, key, colour, weight, lang, *, tooltip=(), opacity=0.9):
    """Lines from :func:`line_rows`, in one style, named ``key`` in the layer control."""
    if not rows:
        return
    CompactLines(
        rows,
        labels=[html.escape(text(f"map.field.{column}", lang)) for column in tooltip],
        style={"color": colour, "weight": weight, "opacity": opacity},
        name=text(key, lang),
    ).add_to(fmap)

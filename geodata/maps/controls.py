"""The web map's legend and its small Leaflet controls.

:class:`Legend` lists every layer the map draws with its swatch, in the reader's language;
:class:`FitWhenShown` fits the map to its bounds when its tab or expander opens,
:class:`DrawTexts` puts Leaflet.draw's buttons in the reader's language and
:class:`MetricScale` adds a metric scale bar.
"""

from __future__ import annotations

import html

import pandas as pd
from branca.element import MacroElement, Template

from geodata.i18n import text
from geodata.maps import palette

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

SWATCH = "display:inline-block;vertical-align:middle;margin-right:6px;box-sizing:border-box;"


def swatch_line(colour: str, height: int = 4, *, edge: str | None = None) -> str:
    """A legend swatch for a line layer (``edge``: a dark edge, as the chosen gap has)."""
    border = f"border:2px solid {edge};" if edge else ""
    return (
        f'<span style="{SWATCH}width:20px;height:{height}px;background:{colour};{border}"></span>'
    )


def swatch_dot(colour: str) -> str:
    """A legend swatch for a point layer (cameras)."""
    return (
        f'<span style="{SWATCH}width:10px;height:10px;border-radius:50%;background:{colour};'
        f'border:1px solid {palette.OUTLINE};margin-left:5px;margin-right:11px;"></span>'
    )


def swatch_box(edge: str, fill: str) -> str:
    """A legend swatch for an area layer (wards, hotspots)."""
    return (
        f'<span style="{SWATCH}width:20px;height:12px;background:{fill};'
        f'border:2px solid {edge};"></span>'
    )


def swatch_badge(colour: str) -> str:
    """A legend swatch for sites: a small rank badge ringed in the status colour."""
    return (
        f'<span style="{SWATCH}width:16px;height:16px;border-radius:4px;'
        f"background:{palette.OUTLINE};border:3px solid {colour};margin-left:2px;"
        f'margin-right:8px;"></span>'
    )


BACKGROUND_ENTRIES = [
    (swatch_box(palette.WARD, palette.WARD_FILL), "map.layer.wards"),
    (swatch_line(palette.ROAD, 2), "map.layer.roads"),
]

HOTSPOT_ENTRY = (swatch_box(palette.HOTSPOT, palette.HOTSPOT + "33"), "map.layer.hotspots")

BUILDING_ENTRY = (swatch_box(palette.BUILDING, palette.BUILDING), "map.layer.buildings")

COVERAGE_ENTRIES = [
    (swatch_line(palette.COVERED), "map.layer.covered"),
    (swatch_line(palette.UNCOVERED), "map.layer.uncovered"),
    (swatch_line(palette.GAP, 8), "map.layer.gaps"),
    HOTSPOT_ENTRY,
]


def camera_entries() -> list[tuple[str, str]]:
    """Legend entries of the cameras, one per status."""
    return [(swatch_dot(colour), f"map.legend.camera.{s}") for s, colour in palette.STATUS.items()]


def site_entries(proposals: pd.DataFrame | None, lang: str) -> list[tuple[str, str]]:
    """Legend entries (swatch, text) of the sites shown: one per colour, naming its statuses."""
    if proposals is None or len(proposals) == 0:
        return []
    statuses = [s for s in palette.PROPOSAL if s in set(proposals["status"])]
    if statuses == ["proposed"]:
        return [(swatch_badge(palette.PROPOSAL["proposed"]), text("map.layer.proposals", lang))]
    by_colour: dict[str, list[str]] = {}
    for status in statuses:
        by_colour.setdefault(palette.PROPOSAL[status], []).append(text(f"target.{status}", lang))
    return [
        (swatch_badge(colour), text("map.legend.sites", lang, statuses=names))
        for colour, names in by_colour.items()
    ]


class Legend(MacroElement):
    """A legend box listing every layer of the map with its swatch (plain HTML, no asset).

    Lines get a line swatch, points a dot, areas a filled box, sites a badge. The box folds
    away (its title stays) on a map narrower than 500 px, as on a phone, and opens again when
    the map grows wider (a phone turned, a window widened, a tab first shown); between such
    changes it stays as the user left it. The box is found by its class, not its name:
    ``st_folium`` renames the map's elements in the script but not in the HTML (a document holds
    one map here).

    Parameters
    ----------
    lang : str
        Language of the title and the entries.
    entries : list of (str, str)
        Swatch HTML and catalogue key of each layer.
    extra : list of (str, str), optional
        Swatch HTML and text already written for ``lang`` (the sites).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <details class="map-legend" open
                 style="position: absolute; bottom: 24px; left: 10px; z-index: 9999;
                    background: rgba(255,255,255,0.94); padding: 6px 10px; border-radius: 4px;
                    font: 12px/1.6 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);
                    max-height: 70%; overflow-y: auto; max-width: 75%;">
          <summary style="font-weight: 600; cursor: pointer;">{{ this.title }}</summary>
          {% for swatch, label in this.entries %}
          <div class="legend-entry" style="white-space: nowrap;">{{ swatch }}{{ label }}</div>
          {% endfor %}
        </details>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, narrow = null;
            function fold() {
                var box = document.querySelector("details.map-legend");
                var width = map.getContainer().clientWidth;
                if (!box || width === 0 || (width < 500) === narrow) { return; }
                narrow = width < 500;
                box.open = !narrow;
            }
            fold();
            if (typeof ResizeObserver !== "undefined") {
                new ResizeObserver(fold).observe(map.getContainer());
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, entries, extra=()):
        super().__init__()
        self._name = "Legend"
        self.title = html.escape(text("map.legend.title", lang))
        self.entries = [(swatch, html.escape(text(key, lang))) for swatch, key in entries]
        self.entries += [(swatch, html.escape(label)) for swatch, label in extra]


class FitWhenShown(MacroElement):
    """Frame ``bounds`` ([[south, west], [north, east]] in degrees) once the map has a size.

    A map in a tab that is not chosen yet has no size when the page opens: framed then,
    Leaflet would settle at the lowest zoom. Such a map is framed when it is first shown (and
    never again, so the user's own view is kept).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, box = map.getContainer();
            function shown() { return box.clientWidth > 0 && box.clientHeight > 0; }
            if (shown() || typeof ResizeObserver === "undefined") {
                map.fitBounds({{ this.bounds|tojson }});
                return;
            }
            var watch = new ResizeObserver(function () {
                if (shown()) {
                    watch.disconnect();
                    map.invalidateSize();
                    map.fitBounds({{ this.bounds|tojson }});
                }
            });
            watch.observe(box);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds):
        super().__init__()
        self._name = "FitWhenShown"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


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

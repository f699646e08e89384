"""Map layers whose scripts go into the page as they were rendered.

branca (under folium) puts each rendered macro of a layer into the page as an ``Element`` of its
own, and an ``Element`` compiles its text as a Jinja template. A city's layers are a megabyte of
script, lexed again each time a map is rendered, and ``st_folium`` renders a map twice: on the
city of 40,000 cameras that was 0.17 s of the server's time per map drawn for a session, 0.04 s
with these layers (the page is the same to the byte). The layers here and in
:mod:`geodata.maps.maplayers` and :mod:`geodata.maps.linelayers` put their rendered macros into
the page as text.
"""

from __future__ import annotations

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer


class VerbatimText(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "VerbatimText"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class Verbatim(MacroElement):
    """A ``MacroElement`` whose rendered macros go into the page as :class:`VerbatimText`:
    what branca's ``MacroElement.render`` does, without compiling them again.

    Named after folium's classes in a layer's bases, so that theirs run first (``Layer`` adds
    the line that puts the layer on the map).
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} is rendered only inside a figure (a map)")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                rendered = VerbatimText(macro(self, kwargs))
                getattr(figure, part).add_child(rendered, name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class VerbatimLayer(Layer, Verbatim):
    """A folium ``Layer`` (in the layer control) whose script goes into the page as it is."""


class VerbatimGeoJson(folium.GeoJson, Verbatim):
    """folium's ``GeoJson`` layer, its features going into the page as they are."""

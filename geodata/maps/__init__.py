"""Maps of a dataset and its figures: the web map (folium), the offline HTML map, the print map.

``webmap`` and ``maplayers`` draw the app's maps, ``htmlmap`` a map that opens without a
server, ``printmap`` the matplotlib map for paper, ``hotspotdraw`` turns shapes drawn on a map
into a hotspot layer; one ``palette``; Leaflet.draw is vendored in ``assets/``. Reads no
database. May import: ``analysis``, ``layers``, ``io`` and the root.
"""

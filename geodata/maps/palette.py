"""The one palette of every map, chart and print: a colour per layer, none used twice.

Colours are Okabe & Ito's set for colour-blind readers (distinct under protanopia, deuteranopia
and tritanopia), with greys for the background layers. Green means covered; nothing else is
green. The web map, the print map and the charts all take their colours from here.
"""

COVERED = "#009E73"
"""Key-route stretches some camera sees (bluish green)."""
UNCOVERED = "#D55E00"
"""Key-route stretches no camera sees (vermillion)."""
GAP = "#F0E442"
"""Gaps: unseen stretches long enough to report, drawn as a wide band under the line (yellow)."""
HOTSPOT = "#CC79A7"
"""Hotspot areas (reddish purple)."""
STATUS = {"active": "#0072B2", "broken": "#E69F00", "removed": "#999999"}
"""Registered cameras by status: blue, orange, grey."""
UNKNOWN_STATUS = "#000000"
PROPOSED = "#56B4E9"
"""Recommended sites and campaign sites still to do (sky blue, with a dark outline)."""
PROPOSAL = {
    "proposed": PROPOSED,
    "contacted": PROPOSED,
    "agreed": PROPOSED,
    "declined": "#CFD8DC",
    "installed": "#0072B2",
    "registered": "#0072B2",
}
"""Campaign sites by status: to do (sky blue), declined (light grey), done (blue as an active
camera). Sites are rank badges (a dark disc with a ring of this colour), never plain dots, so
they are not taken for cameras; the map also writes each site's status in its popup."""
PREVIEW = "#000000"
"""The camera being registered: its point and cone (black outline)."""
WARD = "#37474F"
"""Ward boundaries and names."""
WARD_FILL = "#ECEFF1"
ROAD = "#9E9E9E"
"""Roads that are not key routes."""
BUILDING = "#B0BEC5"
"""Building footprints (they block views): a light grey-blue fill, below everything else."""
CLUSTER = "#455A64"
"""Cluster bubbles of many cameras (dark slate, never a coverage colour)."""
OUTLINE = "#263238"
"""Dark outlines: camera dots, the chosen gap's edge, rank badges' fill."""
BADGE_TEXT = "#FFFFFF"
"""Text on dark fills (rank badges, cluster bubbles)."""
HALO = "#FFFFFF"
"""The halo around map labels, so that they stay legible over any layer."""

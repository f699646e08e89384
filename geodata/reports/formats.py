"""The files an export for a meeting can be: a module of its own so that the command line can
list them without loading what writes them."""

FORMATS = ("png", "pdf", "html", "xlsx")
"""png: the map; pdf: the report (map, figures, wards, gaps, campaign); html; xlsx."""

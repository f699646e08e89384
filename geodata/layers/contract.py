"""The columns every layer has once loaded, whatever file it came from.

All five frames are in the same projected working CRS in metres (EPSG:32648 for Ho Chi Minh
City). Their columns are fixed, whatever file they came from:

============  ==================================================================================
frame         columns (besides ``geometry``)
============  ==================================================================================
wards         ``ward_code`` (str), ``ward_name`` (str, NFC); Polygon or MultiPolygon
roads         ``road_name`` (str, ``""`` when unnamed); LineString. Optional
              (:data:`ROAD_CLASS_COLUMN`; files with a ``highway`` or ``road_class`` column give
              it): ``road_class`` (str, OpenStreetMap's ``highway`` value, ``""`` when unknown)
hotspots      ``hotspot_name`` (str), ``hotspot_kind`` (str), ``weight`` (float, > 0); Polygon or
              MultiPolygon
cameras       ``camera_id`` (str), ``camera_type`` (str), ``status`` (``active``, ``broken`` or
              ``removed``), ``bearing_deg`` (compass, [0, 360)), ``fov_deg`` ((0, 360]),
              ``range_m`` (> 0), ``ward_name`` (str as given, ``""`` when not given); Point.
              Optional (:data:`CAMERA_SPEC_COLUMNS`; camera files and the registry give them):
              ``horizontal_px`` (float, the image's width in pixels; NaN when unknown) and
              ``mount_height_m`` (float, metres above ground; NaN when unknown)
buildings     ``height_m`` (float, metres above ground; NaN when unknown); Polygon or
              MultiPolygon (footprints)
============  ==================================================================================
"""

WARD_COLUMNS = ("ward_code", "ward_name")
ROAD_COLUMNS = ("road_name",)
ROAD_CLASS_COLUMN = "road_class"
"""Optional road column: the road's class (OSM ``highway``), kept when the file gives one."""
HOTSPOT_COLUMNS = ("hotspot_name", "hotspot_kind", "weight")
CAMERA_COLUMNS = (
    "camera_id",
    "camera_type",
    "status",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "ward_name",
)
CAMERA_SPEC_COLUMNS = ("horizontal_px", "mount_height_m")
"""Optional camera columns: the image and mounting specs, NaN where unknown (not part of
:data:`CAMERA_COLUMNS`; frames built from those alone simply lack them)."""
CAMERA_STATUSES = ("active", "broken", "removed")
BUILDING_COLUMNS = ("height_m",)

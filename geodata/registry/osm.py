"""Cameras and OpenStreetMap: tags for mappers, and imports of OSM surveillance cameras.

:func:`osm_tags` and :func:`write_osm_geojson` give the registry's cameras as OSM's
``man_made=surveillance`` tags (``camera:direction``, ``camera:type``…);
:func:`read_osm_cameras` and :func:`import_osm` read an Overpass JSON or GeoJSON export of
such cameras into the registry, with the defaults a camera of unknown kind gets.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from pathlib import Path

import pandas as pd

from geodata import settings
from geodata.errors import InputError, UnreadableFile
from geodata.i18n import Message
from geodata.io.exports import atomic_path
from geodata.io.files import source_name
from geodata.layers.camerafields import clean_camera
from geodata.layers.loadreport import LoadReport
from geodata.registry.access import Actor
from geodata.registry.models import Camera
from geodata.registry.service import Registry

log = logging.getLogger(__name__)

OSM_CAMERA_TYPES = {"bullet": "fixed", "dome": "dome", "ptz": "panning"}
"""Registry ``camera_type`` → OSM ``camera:type`` (``other`` has no OSM value: left out)."""

REGISTRY_CAMERA_TYPES = {value: key for key, value in OSM_CAMERA_TYPES.items()}
"""OSM ``camera:type`` → registry ``camera_type`` (anything else, or none, is ``other``)."""

OSM_DEFAULT_FOV_DEG = {"bullet": 90.0, "dome": 360.0, "ptz": 90.0, "other": 90.0}
"""The field of view given to a camera read from OSM, which does not record one, by type.

A dome sees all round (360°). A fixed camera gets a typical 90° lens; so do a panning camera
(at any moment it sees one direction; counting the whole turn would overstate coverage) and a
camera of unknown type. Cameras imported from OSM say so in ``notes``, to be checked on site.
"""


OSM_DEFAULT_RANGE_M = 30.0
"""The range given to a camera read from OSM (which does not record one): a household camera
watching its street, as the demo's bullets (20–60 m)."""

COMPASS_POINTS = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip
"""The 16 compass points OSM's ``camera:direction`` may use, clockwise from north, 22.5° apart."""

_OSM_TAGS_FIXED = {
    "man_made": "surveillance",
    "surveillance": "public",
    "surveillance:type": "camera",
    "surveillance:zone": "town",
}

_OSM_COLUMNS = [
    "lat",
    "lon",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "camera_type",
    "mount_height_m",
    "external_code",
    "notes",
]

_HEIGHT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:m|meters?|metres?)?\s*$", re.IGNORECASE)

_OSM_ID = re.compile(r"^(node|way|relation)/(\d+)$")


def osm_tags(record: dict) -> dict[str, str]:
    """The OpenStreetMap tags of one camera record (never any owner data).

    ==========================  ===============================================================
    tag                         value
    ==========================  ===============================================================
    ``man_made``                ``surveillance``
    ``surveillance``            ``public``: these cameras are registered because they watch
                                the street or alley in front of a house
    ``surveillance:type``       ``camera``
    ``surveillance:zone``       ``town`` (the wiki's value for street surveillance; it lists
                                ``street`` and ``public`` as ambiguous)
    ``camera:type``             bullet → ``fixed``, dome → ``dome``, ptz → ``panning``; left
                                out for ``other``
    ``camera:direction``        ``bearing_deg`` rounded to whole degrees, 0–359; left out for a
                                360° camera, which faces no direction
    ``height``                  ``mount_height_m`` in metres (OSM's default unit), when known
    ``ref``                     ``external_code``, when known
    ==========================  ===============================================================

    ``camera:angle`` is not written: in OSM it is the camera's tilt from the horizontal (as is
    ``camera:tilt``), not its field of view, and the registry records no tilt. The horizontal
    field of view and the range have no OSM tag and are not written either. Nor is a
    ``camera:direction`` range (``90-270``): it says how far a camera can turn, while the
    registry's ``fov_deg`` is what it sees at once.

    >>> tags = osm_tags({"camera_type": "bullet", "bearing_deg": 44.6, "fov_deg": 90.0,
    ...                  "mount_height_m": 3.5, "external_code": "AK-1", "owner_name": "A"})
    >>> tags["camera:type"], tags["camera:direction"], tags["height"], tags["ref"]
    ('fixed', '45', '3.5', 'AK-1')
    """
    tags = dict(_OSM_TAGS_FIXED)
    osm_type = OSM_CAMERA_TYPES.get(record.get("camera_type"))
    if osm_type:
        tags["camera:type"] = osm_type
    bearing, fov = record.get("bearing_deg"), record.get("fov_deg")
    if _known(bearing) and not (_known(fov) and fov >= 360):
        tags["camera:direction"] = str(math.floor(float(bearing) + 0.5) % 360)
    height = record.get("mount_height_m")
    if _known(height):
        tags["height"] = f"{float(height):g}"
    code = record.get("external_code")
    if isinstance(code, str) and code.strip():
        tags["ref"] = code.strip()
    return tags


def osm_features(registry: Registry, actor: Actor) -> dict:
    """The cameras ``actor`` may see as a GeoJSON FeatureCollection of OSM-tagged nodes.

    Each feature is a Point (longitude, latitude in EPSG:4326, 7 decimals, ~1 cm) whose
    ``properties`` are exactly its OSM tags (:func:`osm_tags`), as JOSM and other editors read
    GeoJSON. Removed cameras are left out (OSM maps what exists); broken ones stay. Features
    carry no id: they are new to OSM.

    Parameters
    ----------
    registry : Registry
        The camera registry.
    actor : Actor
        The user exporting.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    table = registry.cameras(actor)
    table = table[table["status"] != "removed"]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(record["lon"]), 7), round(float(record["lat"]), 7)],
            },
            "properties": osm_tags(record),
        }
        for record in table.to_dict("records")
    ]
    return {"type": "FeatureCollection", "features": features}


def write_osm_geojson(registry: Registry, actor: Actor, path) -> int:
    """Write :func:`osm_features` to ``path`` (audited, atomic); returns how many cameras.

    Parameters
    ----------
    registry : Registry
        The camera registry.
    actor : Actor
        The user exporting.
    path : str or pathlib.Path
        The GeoJSON file to write (replaced if it exists).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("error.export.folder", path=str(path), folder=str(path.parent))
    collection = osm_features(registry, actor)
    count = len(collection["features"])
    registry.record_export(actor, count=count, with_owner=False, purpose="", target=f"osm:{path}")
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("exported %d cameras as OpenStreetMap GeoJSON to %s", count, path)
    return count


def parse_direction(value) -> tuple[float, float | None]:
    """An OSM ``camera:direction`` value as (compass bearing, clockwise span of a range).

    Parameters
    ----------
    value : str or number
        Degrees (``"45"``, 0–360), a compass point (``"N"``, ``"NE"``, ``"SSW"``, any case), or
        a range a camera can turn through, clockwise (``"90-270"``, ``"E-W"``).

    Returns
    -------
    (bearing_deg, span_deg)
        ``bearing_deg`` in [0, 360): the direction, or the middle of a range (the start of an
        all-round one). ``span_deg`` is ``None`` for a single direction, else the range's width
        in (0, 360]; ``"0-360"`` and ``"0-359"`` are all round (360).

    Raises
    ------
    InputError
        When the value is none of these.

    >>> parse_direction("NE"), parse_direction(" 90 ")
    ((45.0, None), (90.0, None))
    >>> parse_direction("90-270"), parse_direction("W-E"), parse_direction("0-359")
    ((180.0, 180.0), (0.0, 180.0), (0.0, 360.0))
    """
    text = str(value).strip()
    ends = text.split("-")
    if len(ends) == 2 and all(ends):
        start, end = (_single_direction(end, whole=text) for end in ends)
        span = (end - start) % 360 or 360.0
        if span >= 359:
            return start, 360.0
        return (start + span / 2) % 360, span
    return _single_direction(text, whole=text), None


def _single_direction(text: str, *, whole: str) -> float:
    word = text.strip().upper()
    if word in COMPASS_POINTS:
        return COMPASS_POINTS.index(word) * 22.5
    try:
        number = float(word)
    except ValueError:
        number = math.nan
    if not 0 <= number <= 360:
        raise InputError("error.osm.direction", direction=whole, points=list(COMPASS_POINTS))
    return number % 360


def read_osm_cameras(
    source, *, name: str | None = None, report: LoadReport | None = None
) -> pd.DataFrame:
    """Surveillance cameras from OSM-tagged GeoJSON or Overpass JSON, as camera-field rows.

    Reads :func:`write_osm_geojson`'s files, GeoJSON from osmtogeojson or JOSM (tags as
    ``properties``, or under ``properties.tags``), and Overpass API JSON (``elements`` with
    ``lat``/``lon``, or a ``center`` for ways). Kept: features tagged
    ``surveillance:type=camera``, or ``man_made=surveillance`` without a ``surveillance:type``;
    the rest (guards, ALPR…) and features without a point are skipped and noted in ``report``.

    ==================  =========================================================================
    column              from
    ==================  =========================================================================
    ``lat``, ``lon``    the point, WGS 84 degrees
    ``camera_type``     ``camera:type``: fixed → bullet, dome → dome, panning → ptz, else other
    ``bearing_deg``     ``camera:direction`` (:func:`parse_direction`): degrees or a compass
                        point; a range gives its middle; several values (``90;270``) give the
                        first. Empty when missing or not understood (the coverage then leaves
                        the camera out until its direction is set)
    ``fov_deg``         :data:`OSM_DEFAULT_FOV_DEG` by type (OSM records none). A range that
                        turns all round (``0-360``) gives 360, as for a dome: such a camera
                        can look anywhere, and no one direction could be chosen for it
    ``range_m``         :data:`OSM_DEFAULT_RANGE_M` (OSM records none)
    ``mount_height_m``  ``height`` in metres (``"3"``, ``"3.5 m"``)
    ``external_code``   ``ref``; else ``osm:node/ID`` (``way``/``relation``) when the OSM id
                        is known
    ``notes``           that it comes from OpenStreetMap, its ``surveillance:zone`` when tagged,
                        and what was assumed, for whoever checks the camera on site
    ==================  =========================================================================

    Parameters
    ----------
    source : str, pathlib.Path, file-like or dict
        A ``.geojson``/``.json`` file, an upload of one, or the parsed JSON document (e.g. the
        cameras of an extract, :meth:`geodata.layers.osmextract.OsmExtract.camera_document`).
    name : str, optional
        The name messages give a parsed document (default ``"OSM document"``), such as the
        extract it came from.
    report : LoadReport, optional
        Receives what was skipped or not understood.

    Returns
    -------
    pandas.DataFrame
        One row per camera with the columns above (all camera fields, ready for
        :func:`geodata.layers.camerafields.clean_camera`), indexed by where it came from
        (``"feature 3"``, ``"node/123"``).

    Raises
    ------
    InputError
        When the file cannot be read, is not GeoJSON or Overpass JSON, or holds no camera.
    """
    report = LoadReport() if report is None else report
    name, document = _json_document(source, name=name)
    rows, labels, skipped = [], [], 0
    for position, item in enumerate(_osm_items(document, name=name), start=1):
        label, point, tags = item
        label = label or Message("where.feature", number=position)
        if not is_camera(tags):
            skipped += 1
            continue
        if point is None:
            report.add(name, Message("load.note.osm_no_point"), feature=label)
            continue
        rows.append(_camera_row(point, tags, label=label, name=name, report=report))
        labels.append(label)
    if skipped:
        report.add(name, Message("load.note.osm_not_cameras", count=skipped))
    if not rows:
        raise InputError("error.osm.no_cameras", file=name)
    log.info("read %d cameras from %s", len(rows), name)
    return pd.DataFrame(rows, index=pd.Index(labels, name="feature"), columns=_OSM_COLUMNS)


def import_osm(
    registry: Registry, actor: Actor, source, *, report: LoadReport | None = None
) -> int:
    """Register the cameras of an OSM file (:func:`read_osm_cameras`); returns how many.

    Every row is checked with :func:`~geodata.layers.camerafields.clean_camera`; problems are
    collected and refused together, before anything is saved. Cameras whose ``external_code``
    (``ref``, or ``osm:node/ID``) the registry already holds, ignoring case and including
    deleted cameras, are skipped (so importing the same file twice adds nothing) and counted in
    ``report``. The rest are registered in one transaction with the audit action
    ``camera.import_osm``: all of them, or none when one lies outside the actor's wards. A
    camera whose direction is missing or not understood is registered without a bearing (the
    coverage leaves it out until someone sets one); its ``notes`` say so.

    Parameters
    ----------
    registry : Registry
        The camera registry.
    actor : Actor
        The user importing (district, or ward user for cameras in their wards).
    source : str, pathlib.Path, file-like or dict
        See :func:`read_osm_cameras`.
    report : LoadReport, optional
        Receives what was skipped or assumed.

    Raises
    ------
    InputError
        The file cannot be read or a camera's values cannot be used (all listed).
    PermissionDenied
        A camera lies outside the actor's wards, or the actor is a viewer.
    ConflictError
        Someone registered a camera with one of the codes during the import.
    """
    report = LoadReport() if report is None else report
    name = _document_name(source)
    table = read_osm_cameras(source, report=report)
    known = {code.casefold() for code in registry.identity_index(actor)["external_code"].dropna()}
    longest = Camera.__table__.c.external_code.type.length
    rows, problems, seen, skipped = [], [], set(), 0
    for label, raw in table.iterrows():
        clean, found = clean_camera({k: v for k, v in raw.items() if _known(v)})
        code = clean.get("external_code")
        key = code.casefold() if code is not None else None
        if key in known:
            skipped += 1
            continue
        messages = [problem.message() for problem in found]
        if code is not None and len(code) > longest:
            messages.append(
                Message(
                    "problem.in_field",
                    field="ref",
                    problem=Message("problem.too_long", limit=longest, length=len(code)),
                )
            )
        if key is not None and key in seen:
            messages.append(Message("osm.problem.ref_twice", code=code))
        seen.add(key)
        problems += [Message("osm.problem", where=label, problem=m) for m in messages]
        rows.append(clean)
    if problems:
        raise InputError(
            "error.osm.problems_more" if len(problems) > 20 else "error.osm.problems",
            file=name,
            problems=problems[:20],
            count=len(problems) - 20,
        )
    if skipped:
        report.add(name, Message("load.note.osm_known", count=skipped))
    registry.register_many(actor, rows, action="camera.import_osm", detail=name)
    log.info("imported %d cameras from %s", len(rows), name)
    return len(rows)


def _known(value) -> bool:
    """Whether ``value`` is a value, not ``None``/NaN/NA."""
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _document_name(source) -> str:
    return "OSM document" if isinstance(source, dict) else source_name(source)


def _json_document(source, *, name: str | None = None) -> tuple[str, dict]:
    """The name and parsed JSON of a path, an upload or an already-parsed document."""
    if isinstance(source, dict):
        return name or _document_name(source), source
    name = source_name(source)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise UnreadableFile("error.file.missing", file=name, path=str(path))
        data = path.read_bytes()
    else:
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        log.info("%s: not JSON: %s", name, error)
        raise UnreadableFile("error.osm.not_json", file=name) from None
    if not isinstance(document, dict):
        raise UnreadableFile("error.osm.list", file=name)
    return name, document


def _osm_items(document: dict, *, name: str):
    """(label or None, (lat, lon) or None, tags) of each feature or element of ``document``."""
    if document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if isinstance(document.get("features"), list):
        for feature in document["features"]:
            properties = (feature or {}).get("properties") or {}
            tags = properties.get("tags") if isinstance(properties.get("tags"), dict) else None
            label = _feature_id(feature, properties)
            if tags is None:
                tags = {k: v for k, v in properties.items() if k not in ("@id", "id", "type")}
            geometry = feature.get("geometry") or {}
            point = None
            if geometry.get("type") == "Point" and len(geometry.get("coordinates") or ()) >= 2:
                lon, lat = geometry["coordinates"][:2]
                point = (lat, lon)
            yield label, point, tags
        return
    if isinstance(document.get("elements"), list):
        for element in document["elements"]:
            label = None
            if element.get("type") in ("node", "way", "relation") and "id" in element:
                label = f"{element['type']}/{element['id']}"
            centre = element if "lat" in element else element.get("center") or {}
            point = (centre["lat"], centre["lon"]) if "lat" in centre and "lon" in centre else None
            yield label, point, element.get("tags") or {}
        return
    raise UnreadableFile("error.osm.not_osm", file=name)


def _feature_id(feature: dict, properties: dict) -> str | None:
    """``"node/123"`` from a GeoJSON feature's ``id`` or ``@id``, or osmtogeojson's type/id."""
    for candidate in (feature.get("id"), properties.get("@id")):
        if isinstance(candidate, str) and _OSM_ID.match(candidate):
            return candidate
    if properties.get("type") in ("node", "way", "relation") and "id" in properties:
        return f"{properties['type']}/{properties['id']}"
    return None


def is_camera(tags: dict) -> bool:
    """Whether OSM ``tags`` are a camera's: ``surveillance:type=camera``, or
    ``man_made=surveillance`` without a ``surveillance:type`` (guards, ALPR… are not).

    >>> is_camera({"man_made": "surveillance"}), is_camera({"surveillance:type": "guard"})
    (True, False)
    """
    kind = tags.get("surveillance:type")
    return kind == "camera" or (kind is None and tags.get("man_made") == "surveillance")


def _camera_row(point, tags: dict, *, label: str, name: str, report: LoadReport) -> dict:
    """One camera-field row from a point and its OSM tags (see :func:`read_osm_cameras`)."""
    camera_type = REGISTRY_CAMERA_TYPES.get(str(tags.get("camera:type", "")).strip(), "other")
    fov_deg = OSM_DEFAULT_FOV_DEG[camera_type]
    assumed = [Message("osm.assumed.fov"), Message("osm.assumed.range")]
    bearing_deg = None
    direction = tags.get("camera:direction", tags.get("direction"))
    if direction is None or not str(direction).strip():
        if fov_deg < 360:
            assumed.append(Message("osm.assumed.no_direction"))
    else:
        values = str(direction).split(";")
        if len(values) > 1:
            report.add(
                name, Message("load.note.osm_directions", direction=direction), feature=label
            )
        try:
            bearing_deg, span = parse_direction(values[0])
        except InputError as error:
            report.add(
                name,
                Message("load.note.osm_direction", problem=error.message),
                feature=label,
                column="camera:direction",
            )
            assumed.append(Message("osm.assumed.bad_direction", direction=direction))
        else:
            if span == 360:
                fov_deg = 360.0
    height = tags.get("height")
    mount_height_m = None
    if height is not None:
        match = _HEIGHT.match(str(height))
        if match:
            mount_height_m = float(match.group(1).replace(",", "."))
        else:
            report.add(name, Message("load.note.osm_height", height=height), feature=label)
    ref = str(tags.get("ref", "")).strip()
    code = ref or (f"osm:{label}" if isinstance(label, str) and _OSM_ID.match(label) else None)
    return {
        "lat": point[0],
        "lon": point[1],
        "bearing_deg": bearing_deg,
        "fov_deg": fov_deg,
        "range_m": OSM_DEFAULT_RANGE_M,
        "camera_type": camera_type,
        "mount_height_m": mount_height_m,
        "external_code": code,
        "notes": _notes(tags, assumed),
    }


def _notes(tags: dict, assumed: list[Message]) -> str:
    """A camera's notes: from OpenStreetMap, in which ``surveillance:zone``, what was assumed."""
    zone = str(tags.get("surveillance:zone", "")).strip()
    if zone:
        return Message("osm.notes_zone", zone=zone, assumed=assumed).render(settings.language())
    return Message("osm.notes", assumed=assumed).render(settings.language())

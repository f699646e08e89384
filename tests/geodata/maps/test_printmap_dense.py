"""The print map of many cameras: dense layers as one print-resolution image under real text,
every camera a dot, views only where they show, the figures as computed."""

import datetime as dt
import re
import unicodedata
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from matplotlib.colors import to_hex, to_rgba
from matplotlib.lines import Line2D
from pypdf import PdfReader

from geodata import i18n
from geodata.analysis.summary import summarise
from geodata.layers.dataset import Dataset, empty_hotspots
from geodata.layers.demo import build_demo
from geodata.maps import palette
from geodata.maps.printmap import PRINT_DPI, map_figure
from geodata.reports.meetingreport import write_report

WHEN = dt.date(2026, 11, 30)
MANY = 5_000
FEW = 250
UTM48N = pyproj.CRS.from_epsg(32648)


def with_cameras(count: int):
    """The demo without buildings and with ``count`` cameras: its own, repeated with a seeded
    jitter of a few metres."""
    demo = build_demo()
    rng = np.random.default_rng(0)
    cameras = demo.cameras.iloc[np.arange(count) % len(demo.cameras)].reset_index(drop=True)
    jitter_m = rng.normal(0, 4.0, (count, 2))
    points = shapely.transform(cameras.geometry.to_numpy(), lambda xy: xy + jitter_m)
    return summarise(replace(demo, buildings=None, cameras=cameras.set_geometry(points)))


def camera_table(summary) -> pd.DataFrame:
    cameras = pd.DataFrame(summary.dataset.cameras.drop(columns="geometry"))
    return cameras.assign(verified_on=None, ward_code="27109")


@pytest.fixture(scope="module")
def many():
    return with_cameras(MANY)


@pytest.fixture(scope="module")
def reports(many, tmp_path_factory):
    """The PDF report of :data:`MANY` cameras and of the first :data:`FEW` of them."""
    folder = tmp_path_factory.mktemp("reports")
    few = summarise(replace(many.dataset, cameras=many.dataset.cameras.iloc[:FEW]))
    paths = {}
    for name, summary in (("many", many), ("few", few)):
        paths[name] = folder / f"{name}.pdf"
        write_report(paths[name], summary, camera_table(summary), lang="vi", when=WHEN)
    return paths


def map_page(path):
    return PdfReader(path).pages[0]


def test_the_map_page_is_text_over_one_image_at_print_resolution(many, reports):
    page = map_page(reports["many"])
    (image,) = page.images
    content = page.get_contents().get_data().decode("latin-1")
    (width_pt,) = re.findall(r"([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm /\w+ Do", content)
    assert image.image.width / (float(width_pt) / 72) == pytest.approx(PRINT_DPI, abs=1)
    written = unicodedata.normalize("NFC", page.extract_text())
    active = int((many.dataset.cameras["status"] == "active").sum())
    for expected in (
        i18n.text("print.title", "vi"),
        i18n.number(active, "vi"),
        i18n.percent(many.routes.share, "vi"),
        i18n.text("print.km", "vi", km=many.routes.length_m / 1000),
        i18n.text("map.layer.views", "vi"),
        *many.dataset.wards["ward_name"],
    ):
        assert expected in written, expected


def test_the_pdf_does_not_grow_with_every_camera(reports):
    """Twenty times the cameras add no drawing operators to the map page (only the count's
    digits), and the whole report stays small."""
    sizes = {name: len(map_page(path).get_contents().get_data()) for name, path in reports.items()}
    assert abs(sizes["many"] - sizes["few"]) < 100
    assert reports["many"].stat().st_size < 2_000_000


def test_every_camera_is_a_dot_of_its_status_colour(many):
    figure = map_figure(many, lang="vi", when=WHEN)
    dots = [line for line in figure.axes[0].lines if line.get_marker() == "o"]
    drawn = {to_hex(line.get_color()): len(line.get_xdata()) for line in dots}
    statuses = many.dataset.cameras["status"].value_counts()
    assert drawn == {palette.STATUS[s].lower(): n for s, n in statuses.items()}
    assert all(line.get_rasterized() for line in dots)


def test_key_routes_are_drawn_as_long_as_they_are(many):
    figure = map_figure(many, lang="vi", when=WHEN)
    for seen, colour in ((False, palette.UNCOVERED), (True, palette.COVERED)):
        (lines,) = [
            c
            for c in figure.axes[0].collections
            if len(c.get_edgecolor()) and to_hex(c.get_edgecolor()[0]) == colour.lower()
        ]
        pieces = many.routes.pieces(seen=seen)
        drawn_m = sum(shapely.length(shapely.linestrings(p.vertices)) for p in lines.get_paths())
        assert drawn_m == pytest.approx(pieces["length_m"].sum(), rel=1e-6)
        assert len(lines.get_paths()) < len(pieces) and lines.get_rasterized()


def street_with_two_cameras() -> Dataset:
    """A ward 2 km square with one street along its middle, and two cameras on the street
    facing east: one that sees 3 m, one that sees 40 m. On an A4 page the square and its 3 %
    margins (2,120 m) fill the map's 6.78 inches of height: 4.34 m to the point, so a camera's
    dot (0.95 points from its centre to its edge) covers 4.1 m around it."""
    x0, y0 = 690_000.0, 1_190_000.0
    cameras = gpd.GeoDataFrame(
        {
            "camera_id": ["NEAR", "FAR"],
            "camera_type": ["bullet", "bullet"],
            "status": ["active", "active"],
            "bearing_deg": [90.0, 90.0],
            "fov_deg": [60.0, 60.0],
            "range_m": [3.0, 40.0],
            "ward_name": ["Phường A", "Phường A"],
            "horizontal_px": [np.nan, np.nan],
            "mount_height_m": [np.nan, np.nan],
        },
        geometry=shapely.points([(x0 + 500, y0 + 1_000), (x0 + 1_500, y0 + 1_000)]),
        crs=UTM48N,
    )
    return Dataset(
        name="Phố thử",
        wards=gpd.GeoDataFrame(
            {"ward_code": ["1"], "ward_name": ["Phường A"]},
            geometry=[shapely.box(x0, y0, x0 + 2_000, y0 + 2_000)],
            crs=UTM48N,
        ),
        roads=gpd.GeoDataFrame(
            {"road_name": ["Đường B"]},
            geometry=[shapely.LineString([(x0, y0 + 1_000), (x0 + 2_000, y0 + 1_000)])],
            crs=UTM48N,
        ),
        hotspots=empty_hotspots(UTM48N),
        cameras=cameras,
    )


def test_a_view_hidden_under_its_cameras_dot_is_left_out():
    summary = summarise(street_with_two_cameras())
    figure = map_figure(summary, lang="vi", when=WHEN)
    views = to_rgba(palette.STATUS["active"], 0.25)
    (drawn,) = [
        c
        for c in figure.axes[0].collections
        if len(c.get_facecolor()) and np.allclose(c.get_facecolor()[0], views)
    ]
    (path,) = drawn.get_paths()
    far = summary.dataset.cameras.geometry.iloc[1]
    reach_m = shapely.hausdorff_distance(shapely.multipoints(path.vertices), far)
    assert reach_m == pytest.approx(40.0, abs=0.5)
    (dots,) = [a for a in figure.axes[0].lines if isinstance(a, Line2D) and a.get_marker() == "o"]
    assert len(dots.get_xdata()) == 2

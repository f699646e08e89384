"""A ward's own figures are its rows of the district's: its roads, its hotspots, its cameras."""

import numpy as np
import pytest
import shapely

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo

CAT_LAI = "27109"


@pytest.fixture(scope="module")
def district():
    return summarise(build_demo())


def test_a_wards_figures_are_its_row_of_the_districts(district):
    row = district.routes.by_ward().set_index("ward").loc["Cát Lái"]
    own = district.within_wards({CAT_LAI})
    assert own.routes.length_m == pytest.approx(row["length_m"], abs=1e-6)
    assert own.routes.total_covered_m == pytest.approx(row["covered_m"], abs=1e-6)
    assert own.routes.share == pytest.approx(row["share"], abs=1e-9)
    assert own.routes.by_ward()["ward"].tolist() == ["Cát Lái"]
    assert own.routes.length_m < 0.5 * district.routes.length_m  # not the district's roads


def test_a_ward_sees_only_its_gaps_cameras_and_hotspots(district):
    own = district.within_wards({CAT_LAI})
    assert len(own.gaps) and set(own.gaps["ward"]) == {"Cát Lái"}
    assert own.gaps["length_m"].sum() <= own.routes.length_m - own.routes.total_covered_m + 1e-6
    cameras = district.dataset.cameras
    assert own.to_json()["cameras"]["total"] == int((cameras["ward_name"] == "Cát Lái").sum())
    ward = district.dataset.wards.set_index("ward_code").geometry[CAT_LAI]
    spots = district.dataset.hotspots
    inside = spots[shapely.area(shapely.intersection(spots.geometry.to_numpy(), ward)) > 0]
    assert own.hotspots["name"].tolist() == inside["hotspot_name"].tolist()
    assert 0 < len(own.hotspots) < len(district.hotspots)


def test_the_wards_of_the_district_add_up_to_its_figures(district):
    codes = district.dataset.wards["ward_code"].tolist()
    parts = [district.within_wards({code}) for code in codes]
    assert sum(p.routes.length_m for p in parts) == pytest.approx(district.routes.length_m)
    assert sum(p.routes.total_covered_m for p in parts) == pytest.approx(
        district.routes.total_covered_m
    )
    both = district.within_wards(set(codes))
    assert np.array_equal(both.routes.covered_m, district.routes.covered_m)

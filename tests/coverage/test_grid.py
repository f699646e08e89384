"""The grid join finds exactly the pairs an STRtree finds, each once."""

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage import grid
from coverage.grid import intersecting_boxes


def random_boxes(rng, n, spread, size):
    corner = rng.uniform(-spread, spread, (n, 2))
    extent = rng.exponential(size, (n, 2))
    return np.column_stack([corner, corner + extent])


def strtree_pairs(query, items):
    tree = shapely.STRtree(shapely.box(*items.T))
    q, i = tree.query(shapely.box(*query.T), predicate="intersects")
    return set(zip(q.tolist(), i.tolist(), strict=True))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(0, 60),
    st.integers(0, 200),
    st.floats(1, 1e4),
    st.floats(0.01, 500),
    st.one_of(st.none(), st.floats(0.5, 2000)),
    st.integers(0, 2**32 - 1),
)
def test_grid_join_equals_strtree(n_query, n_items, spread, size, cell_m, seed):
    rng = np.random.default_rng(seed)
    query = random_boxes(rng, n_query, spread, size)
    items = random_boxes(rng, n_items, spread, size)
    expected = strtree_pairs(query, items)
    dense_cells_max = grid.DENSE_CELLS_MAX
    try:
        for grid.DENSE_CELLS_MAX in (dense_cells_max, 0):  # the cell table, then the search
            q, i = intersecting_boxes(query, items, cell_m=cell_m)
            pairs = list(zip(q.tolist(), i.tolist(), strict=True))
            assert len(pairs) == len(set(pairs)), "a pair was reported twice"
            assert set(pairs) == expected
    finally:
        grid.DENSE_CELLS_MAX = dense_cells_max


def test_touching_boxes_count_as_meeting():
    q, i = intersecting_boxes(np.array([[0.0, 0, 10, 10]]), np.array([[10.0, 10, 20, 20]]))
    assert (q.tolist(), i.tolist()) == ([0], [0])


def test_degenerate_boxes_of_axis_parallel_segments_are_found():
    items = np.array([[0.0, 5, 100, 5], [50.0, -10, 50, 10]])
    _q, i = intersecting_boxes(np.array([[40.0, 0, 60, 8]]), items)
    assert sorted(i.tolist()) == [0, 1]


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 3000),
    st.integers(1, 40),
    st.integers(1, 500),
    st.integers(0, 2**32 - 1),
)
def test_the_cell_of_repeated_boxes_is_the_cell_of_all_of_them(n_sites, repeats, n_items, seed):
    rng = np.random.default_rng(seed)
    sites = random_boxes(rng, n_sites, 1e4, 30.0)
    items = random_boxes(rng, n_items, 1e4, 5.0)
    every = np.repeat(sites, repeats, axis=0)  # each site's box, once per view of it
    found = grid.default_cell_m(sites, items, repeats=repeats)
    assert found == grid.default_cell_m(every, items)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=40),
    st.integers(1, 200),
    st.integers(0, 2**32 - 1),
)
def test_runs_of_equal_boxes_get_what_each_box_gets_alone(runs, n_items, seed):
    # Each box's pairs come together and in an order of its own: a run of equal boxes (a
    # site's views) gets, box after box, exactly what each would get joined alone.
    rng = np.random.default_rng(seed)
    query = np.repeat(random_boxes(rng, len(runs), 200, 20.0), runs, axis=0)
    items = random_boxes(rng, n_items, 200, 5.0)
    cell_m = grid.default_cell_m(query, items)
    q, i = intersecting_boxes(query, items, cell_m=cell_m)
    alone = [intersecting_boxes(box[None, :], items, cell_m=cell_m)[1] for box in query]
    assert q.tolist() == [n for n, found in enumerate(alone) for _ in found]
    assert i.tolist() == [item for found in alone for item in found.tolist()]

import numpy as np
import pytest

from climann.data.layout import Coordinate, GridLayout, segment_starts


def layout(latitudes, *, latitude_bounds=None, longitudes=(0.0, 90.0, 180.0, 270.0)):
    return GridLayout(
        time=Coordinate("time", np.arange(2)), latitude=Coordinate("lat", np.asarray(latitudes, float)),
        longitude=Coordinate("lon", np.asarray(longitudes)), time_units="days since 2000-01-01",
        calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tas", target_attrs={},
        latitude_bounds=latitude_bounds,
    )


def test_area_weights_from_cos_latitude_on_a_three_by_four_grid():
    weights = layout([-60.0, 0.0, 60.0]).cell_area_weights()
    hand = np.array([0.5, 1.0, 0.5]) / np.mean([0.5, 1.0, 0.5])
    np.testing.assert_allclose(weights, np.repeat(hand[:, None], 4, axis=1))


def test_area_weights_from_bounds_are_exact_band_areas():
    bounds = np.array([[-90.0, -30.0], [-30.0, 30.0], [30.0, 90.0]])
    weights = layout([-60.0, 0.0, 60.0], latitude_bounds=bounds).cell_area_weights()
    # sin(−30°) − sin(−90°) = 0.5, sin 30° − sin(−30°) = 1: a third of the sphere each... by area 0.5, 1, 0.5
    np.testing.assert_allclose(weights[:, 0], np.array([0.5, 1.0, 0.5]) / (2 / 3))
    assert weights.mean() == pytest.approx(1.0)


def test_to_grid_puts_values_back_and_fills_nan():
    grid = layout([-60.0, 0.0, 60.0]).to_grid(np.array([1.0, 2.0]), np.array([0, 23]))
    assert grid.shape == (2, 3, 4) and grid[0, 0, 0] == 1.0 and grid[1, 2, 3] == 2.0
    assert np.isnan(grid).sum() == 22


def test_segment_starts_mark_the_first_step_of_each_contiguous_block():
    labels = ("train", "train", "train", "val", "val", "test", "test", "test")
    np.testing.assert_array_equal(segment_starts(labels, 8), [0, 0, 0, 3, 3, 5, 5, 5])
    np.testing.assert_array_equal(segment_starts((), 3), [0, 0, 0])

"""Area-weighted global and regional means as features: checked against hand-computed sums."""

from __future__ import annotations

import dask
import numpy as np
import pytest

from climann.data.area_means import (
    area_mean_features,
    area_mean_names,
    area_mean_series,
    axes_extent,
    region_label,
    regional_boxes,
    target_area_mean_names,
)
from climann.data.layout import AREA_EXTENT_ATTRIBUTE
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def hand_mean(dataset, name, lat_keep, lon_keep):
    """Σ cos φ · x / Σ cos φ over present cells of the chosen rows and columns."""
    field = dataset[name].values[:, lat_keep][:, :, lon_keep].astype(np.float64)
    weights = np.cos(np.deg2rad(dataset["lat"].values[lat_keep]))[:, None] * np.ones(lon_keep.sum())
    present = np.isfinite(field)
    return np.nansum(field * weights, axis=(1, 2)) / (present * weights).sum(axis=(1, 2))


def test_global_mean_is_the_cos_latitude_weighted_mean_skipping_missing_cells():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    series = area_mean_series(dataset, "landonly").values
    hand = hand_mean(dataset, "landonly", np.ones(3, bool), np.ones(4, bool))
    np.testing.assert_allclose(series, hand, rtol=1e-6)


@pytest.mark.parametrize(
    ("lon_start", "box"),
    [
        pytest.param(0.0, (-90, 90, 300, 60), id="0-360-box-across-prime-meridian"),
        pytest.param(-180.0, (-90, 90, -60, 60), id="pm180-box-across-prime-meridian"),
        pytest.param(-180.0, (-90, 90, 120, -120), id="pm180-box-across-dateline"),
        pytest.param(0.0, (0, 90, 120, 240), id="0-360-northern-box"),
    ],
)
def test_regional_mean_covers_exactly_the_cells_in_the_box(lon_start, box):
    dataset = grid_dataset(n_lat=4, n_lon=6, lon_start=lon_start)
    lat, lon = dataset["lat"].values, dataset["lon"].values
    south, north, west, east = box
    lat_keep = (lat >= south) & (lat <= north)
    lon_keep = (lon - west) % 360 <= (east - west) % 360
    assert 0 < lon_keep.sum() < lon.size
    series = area_mean_series(dataset, "pred", region=box).values
    np.testing.assert_allclose(series, hand_mean(dataset, "pred", lat_keep, lon_keep), rtol=1e-6)


def test_cell_bounds_give_the_weights_when_present():
    dataset = grid_dataset(n_lat=2, n_lon=2)
    # unequal cells: the southern row spans -90..-10, the northern -10..90
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    dataset["lat_bnds"] = (("lat", "nv"), np.array([[-90.0, -10.0], [-10.0, 90.0]]))
    weights = np.abs(np.sin(np.deg2rad([-10.0, 90.0])) - np.sin(np.deg2rad([-90.0, -10.0])))
    field = dataset["pred"].values.astype(np.float64)
    hand = (field * weights[None, :, None]).sum(axis=(1, 2)) / (2 * weights.sum())
    np.testing.assert_allclose(area_mean_series(dataset, "pred").values, hand, rtol=1e-6)


def test_series_stay_lazy_until_computed(write_grid):
    path = write_grid("lazy.nc")

    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed before the batch boundary")

    with dask.config.set(scheduler=raising):
        features = area_mean_features(open_dataset([path]), global_means=("pred",), regional_means={"pred": (0, 90, 0, 180)})
    assert list(features) == ["pred_global_mean", "pred_mean_0N-90N_0E-180E"]
    assert all(series.chunks is not None for series in features.values())


def test_names_match_the_features_and_the_label_reads_like_a_box():
    assert region_label((-5, 5, 190, 240)) == "5S-5N_190E-240E"
    assert region_label((-30.5, 0, -170, 170)) == "30.5S-0N_170W-170E"
    names = area_mean_names(("tas",), {"pred": (-5, 5, 190, 240, 0, 90, 0, 360)})
    assert names == ["tas_global_mean", "pred_mean_5S-5N_190E-240E", "pred_mean_0N-90N_0E-360E"]


@pytest.mark.parametrize(
    "values",
    [pytest.param((), id="empty"), pytest.param((0, 10, 20), id="three"), pytest.param((0, 95, 0, 10), id="latitude")],
)
def test_bad_boxes_are_refused(values):
    with pytest.raises(ClimannError, match="regional_means.tos"):
        regional_boxes(values, "tos")


def test_a_box_without_cells_and_a_static_variable_are_refused():
    dataset = grid_dataset(n_lat=2, n_lon=4)
    with pytest.raises(ClimannError, match="contains no grid cell"):
        area_mean_series(dataset, "pred", region=(10, 20, 0, 1))
    with pytest.raises(ClimannError, match="lacks time"):
        area_mean_series(dataset, "static")


@pytest.mark.parametrize("of_run", [pytest.param(False, id="training"), pytest.param(True, id="new-data")])
def test_a_regional_means_box_without_cells_is_named_with_its_variable_and_the_way_out(of_run):
    """A [data] regional_means box without cells was refused as a bare "region (…) contains no
    grid cell", the same words as a --region: the refusal names the box's setting and, on new
    data, that it is the run's and how to predict anyway."""
    dataset = grid_dataset(n_lat=2, n_lon=4)
    latitude = dataset["lat"].values
    with pytest.raises(ClimannError) as raised:
        area_mean_series(dataset, "pred", region=(10, 20, 0, 1), of_run=of_run)
    message = str(raised.value)
    assert f"latitude {latitude.min():g}…{latitude.max():g}" in message
    if of_run:
        assert message.startswith("the run's regional_means box of 'pred' (south 10, north 20, west 0, east 1: "
                                  "[data] regional_means.pred of its config.toml"), message
        assert message.endswith("give data that cover the whole box (cut the predictions afterwards), or retrain "
                                "without [data] regional_means.pred")
    else:
        assert message.startswith("the [data] regional_means.pred box (south 10, north 20, west 0, east 1) contains "
                                  "no grid cell;"), message
        assert message.endswith("give a box that holds cells of the grid, or leave out [data] regional_means.pred")


def test_regional_mean_on_a_rotated_grid_uses_the_geographic_box_and_the_true_areas(tmp_path):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=False)])
    series = area_mean_series(dataset, "tas", region=(45.0, 60.0, 5.0, 40.0)).values
    lat, lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    inside = (lat >= 45) & (lat <= 60) & (lon >= 5) & (lon <= 40)
    weights = np.cos(np.deg2rad(RLAT))[:, None] * inside  # rotated cells: area ∝ cos(rotated latitude)
    values = dataset["tas"].values
    hand = (values * weights).sum(axis=(1, 2)) / weights.sum()
    np.testing.assert_allclose(series, hand, rtol=1e-6)
    unweighted = values[:, inside].mean(axis=1)
    assert np.abs(hand - unweighted).max() > 1e-4  # the weights matter here


LAT_5 = np.arange(-87.5, 90, 5.0)
LON_5 = np.arange(2.5, 360, 5.0)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        pytest.param(LAT_5, LON_5, [-90, 90, 0, 360, 5, 5], id="globe-0-360"),
        pytest.param(LAT_5[::-1], LON_5 - 180, [-90, 90, 0, 360, 5, 5], id="globe-north-to-south-pm180"),
        pytest.param(np.arange(-88.75, 90, 2.5), np.arange(1.25, 360, 2.5), [-90, 90, 0, 360, 2.5, 2.5],
                     id="globe-2.5-degrees"),
        pytest.param(LAT_5[6:12], LON_5[:24], [-60, -30, 0, 120, 5, 5], id="cut"),
        pytest.param(LAT_5, np.r_[LON_5[-2:] - 360, LON_5[:3]], [-90, 90, 350, 375, 5, 5], id="across-prime-meridian"),
        pytest.param(LAT_5, np.r_[LON_5[-2:], LON_5[:3]], [-90, 90, 350, 375, 5, 5], id="across-the-files-seam"),
    ],
)
def test_the_extent_is_the_cells_outer_edges_round_the_circle(latitude, longitude, expected):
    np.testing.assert_allclose(axes_extent(latitude, longitude).record(), expected)


@pytest.mark.parametrize(
    ("outer", "inner", "covered"),
    [
        pytest.param(axes_extent(LAT_5, LON_5), axes_extent(LAT_5[6:12], LON_5[:24]), True, id="globe-holds-a-cut"),
        pytest.param(axes_extent(LAT_5[6:12], LON_5[:24]), axes_extent(LAT_5, LON_5), False, id="cut-not-the-globe"),
        pytest.param(axes_extent(np.arange(-85, 90, 10.0), np.arange(5, 360, 10.0)), axes_extent(LAT_5, LON_5), True,
                     id="another-resolution"),
        pytest.param(axes_extent(LAT_5, LON_5[:-1]), axes_extent(LAT_5, LON_5), False, id="one-column-less"),
        pytest.param(axes_extent(LAT_5, np.r_[LON_5[-3:], LON_5[:3]]),
                     axes_extent(LAT_5, np.r_[LON_5[-2:], LON_5[:2]]), True, id="box-across-the-seam"),
        pytest.param(axes_extent(LAT_5, np.r_[LON_5[-3:], LON_5[:3]] - 360),
                     axes_extent(LAT_5, LON_5[:4]), False, id="east-beyond"),
    ],
)
def test_covers_within_half_a_cell_modulo_360(outer, inner, covered):
    assert outer.covers(inner) is covered


def test_the_series_carries_the_extent_of_the_cells_it_averages():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    expected = axes_extent(dataset["lat"].values, dataset["lon"].values).record()
    assert area_mean_series(dataset, "landonly").attrs[AREA_EXTENT_ATTRIBUTE] == expected


@pytest.mark.parametrize(("extent", "text"), [
    pytest.param((79.4155, 90.0, 317.035, 672.965), "lat 79.4155…90, all longitudes round the pole", id="round-the-pole"),
    pytest.param((-90.0, -60.0, 10.0, 300.0), "lat -90…-60, all longitudes round the pole", id="south-pole"),
    pytest.param((30.0, 60.0, 350.0, 370.0), "lat 30…60, lon 350…10", id="across-the-prime-meridian"),
    pytest.param((-10.0, 10.0, 0.0, 360.0), "lat -10…10, all longitudes", id="global"),
])
def test_an_extent_reads_as_an_area_with_no_longitude_past_360(extent, text):
    """break21c F9: a polar grid's area mean was printed 'lon 317.035…672.965'."""
    from climann.data.area_means import AreaExtent

    assert str(AreaExtent(*extent, 1.0, 1.0)) == text


@pytest.mark.parametrize(("global_means", "regional_means", "expected"), [
    pytest.param(["tas", "pred"], {}, ["tas_global_mean"], id="global-mean-of-the-target"),
    pytest.param([], {"tas": [0, 90, 0, 120]}, ["tas_mean_0N-90N_0E-120E"], id="regional-mean-of-the-target"),
    pytest.param(["pred"], {"pred": [0, 90, 0, 120], "tas": [-90, 0, 200, 340, 0, 90, 0, 120]},
                 ["tas_mean_90S-0N_200E-340E", "tas_mean_0N-90N_0E-120E"], id="two-boxes-of-the-target"),
    pytest.param(["pred"], {"pred": [0, 90, 0, 120]}, [], id="means-of-another-variable"),
])
def test_the_area_means_of_the_target_are_named_as_their_feature_columns(global_means, regional_means, expected):
    """Every box of the target counts (one outside the region scored too): its mean at the
    same step shares the scored cells' anomaly. The names are the columns the features make."""
    assert target_area_mean_names("tas", global_means, regional_means) == expected
    dataset = grid_dataset(n_years=1)
    columns = area_mean_features(dataset, global_means=global_means, regional_means=regional_means)
    assert set(expected) <= set(columns)
    assert [name for name in columns if name.startswith("tas_")] == expected


@pytest.mark.parametrize(("box", "cells"), [
    pytest.param((0, 30, 20, 40), 1, id="one-cell"),
    pytest.param((0, 30, 20, 100), 2, id="two-cells"),
])
def test_a_regional_mean_of_one_cell_is_said_to_be_that_cell(caplog, box, cells):
    """break46b A7: a box over a file of one cell (a grid's nearest cell written at a gauge) gave the feature
    precipitation_mean_38N-39.5N_77.5W-76W, bit-identical to the plain predictor, without a word. A box holding
    one cell is said to be that cell (its series equals the cell's values); a box of two is a mean, not said."""
    import logging

    dataset = grid_dataset(n_lat=4, n_lon=6)
    lat, lon = dataset["lat"].values, dataset["lon"].values
    lat_keep, lon_keep = (lat >= box[0]) & (lat <= box[1]), (lon >= box[2]) & (lon <= box[3])
    assert lat_keep.sum() * lon_keep.sum() == cells
    with caplog.at_level(logging.WARNING, logger="climann"):
        series = area_mean_series(dataset, "pred", region=box, where="grid.nc").values
    np.testing.assert_allclose(series, hand_mean(dataset, "pred", lat_keep, lon_keep), rtol=1e-6)
    said = [record.getMessage() for record in caplog.records if "box holding one cell" in record.getMessage()]
    if cells == 1:
        np.testing.assert_array_equal(series, dataset["pred"].values[:, lat_keep, lon_keep].ravel())
        assert said == [f"grid.nc: one cell of pred in the regional_means box (south 0, north 30, west 20, east 40), "
                        f"at {lat[lat_keep][0]:g}°N {lon[lon_keep][0]:g}°E: a box holding one cell is that cell, so "
                        f"the feature pred_mean_0N-30N_20E-40E is pred there, not a mean over the box; give the box's "
                        f"cells (climann averages them, area-weighted; beside a target at one place, the refusal of "
                        f"the grid's file writes their mean at the place), or name pred in --predictors if that cell "
                        f"is meant"], said
    else:
        assert said == []


def _land_mean_by_hand(values, weights):
    """Σ w x / Σ w over the present cells of each step, w of shape (n_lat, n_lon)."""
    values = values.astype(np.float64)
    present = np.isfinite(values)
    return np.nansum(values * weights, axis=(1, 2)) / (present * weights).sum(axis=(1, 2))


@pytest.mark.parametrize("whole_cells", [pytest.param(False, id="area-times-land-fraction"),
                                         pytest.param(True, id="run-before-7-december-whole-cells")])
def test_the_global_mean_of_a_where_land_variable_weighs_its_land_area_as_its_scores(whole_cells):
    """break52c A4: --global-means mrso ("area: mean where land") beside sftlf weighed whole cells, while every score
    of mrso weighs area × land fraction (CMIP/ILAMB global land means): a coastal cell with 10 % land counted as all
    land. Now the weights of the scores (GridLayout.cell_area_weights); a run trained before keeps whole cells."""
    from climann.data.area_fractions import with_whole_cell_area_means
    from climann.data.variables import grid_layout
    from tests.data.test_area_fractions import LAND_PERCENT, _areas_by_hand, _land_dataset

    dataset = _land_dataset()
    dataset["mrso"][:, 0, 0] = np.nan  # a sea cell without a value: out of both sums
    if whole_cells:
        dataset = with_whole_cell_area_means(dataset, "time")
    series = area_mean_series(dataset, "mrso").values
    land_area = _areas_by_hand() * LAND_PERCENT / 100
    weights = _areas_by_hand() if whole_cells else land_area
    np.testing.assert_allclose(series, _land_mean_by_hand(dataset["mrso"].values, weights), rtol=1e-6)
    other = _land_mean_by_hand(dataset["mrso"].values, land_area if whole_cells else _areas_by_hand())
    assert not np.allclose(series, other, rtol=1e-3)
    # one function: the scores' own weights of mrso
    scores = grid_layout(dataset, "mrso", ()).cell_area_weights()
    np.testing.assert_allclose(scores / scores.sum(), land_area / land_area.sum(), rtol=1e-6)


def test_the_regional_mean_of_a_where_land_variable_weighs_its_land_area():
    """The same weights in a [data] regional_means box (the northern two rows of the 3 × 4 grid)."""
    from tests.data.test_area_fractions import LAND_PERCENT, _areas_by_hand, _land_dataset

    dataset = _land_dataset()
    series = area_mean_series(dataset, "mrso", region=(30.0, 90.0, 0.0, 360.0)).values
    weights = (_areas_by_hand() * LAND_PERCENT / 100)[1:]
    np.testing.assert_allclose(series, _land_mean_by_hand(dataset["mrso"].values[:, 1:], weights), rtol=1e-6)

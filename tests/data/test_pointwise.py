import datetime
import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.pointwise import PointwiseSource, build_pointwise_samples
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.followed_twice import without_guards


def build(dataset, **options):
    settings = {"target": "tas", "predictors": ("pred",), "features": ("lat",)} | options
    return build_pointwise_samples(dataset, **settings)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="ascending-lat-0-360"),
        pytest.param({"lat_descending": True}, id="descending-lat"),
        pytest.param({"lon_start": -180.0}, id="lon-minus-180-180"),
        pytest.param({"calendar": "360_day"}, id="360_day"),
    ],
)
def test_each_sample_holds_the_values_of_its_cell(options):
    dataset = grid_dataset(**options)
    samples = build(dataset, predictors=("pred", "static"), features=("lat", "lon"))
    assert samples.feature_names == ("pred", "static", "lat", "lon_sin", "lon_cos")
    n_time, n_lat, n_lon = samples.layout.shape
    t, i, j = np.unravel_index(samples.flat_index, (n_time, n_lat, n_lon))
    np.testing.assert_array_equal(samples.target[:, 0], dataset["tas"].values[t, i, j])
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["pred"].values[t, i, j])
    np.testing.assert_array_equal(samples.inputs[:, 1], dataset["static"].values[i, j])
    np.testing.assert_allclose(samples.inputs[:, 2], dataset["lat"].values[i])
    np.testing.assert_allclose(samples.inputs[:, 3], np.sin(np.deg2rad(dataset["lon"].values[j])), rtol=1e-6)
    # the layout keeps the input's coordinate order and puts samples back where they came from
    np.testing.assert_array_equal(samples.layout.latitude.values, dataset["lat"].values)
    np.testing.assert_array_equal(
        samples.layout.to_grid(samples.target[:, 0], samples.flat_index), dataset["tas"].values
    )


def test_samples_with_a_missing_feature_are_dropped_and_counted():
    dataset = grid_dataset()
    samples = build(dataset, predictors=("landonly",))
    n_time, n_lat, _ = samples.layout.shape
    assert samples.n_dropped == n_time * n_lat  # the first longitude column is NaN
    assert np.isfinite(samples.inputs).all()
    assert not np.isin(samples.flat_index % samples.layout.shape[2], [0]).any()


def test_a_source_at_some_cells_reads_samples_there_only_and_counts_no_other_cell_dropped():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    source = PointwiseSource(dataset, target="tas", predictors=("landonly",), features=(), require_target=False)
    cells = np.ones((3, 4), dtype=bool)
    cells[0, :] = False  # a row where the target never exists
    samples = source.at_cells(cells).read_all()
    n_time = samples.layout.shape[0]
    expected = cells.copy()
    expected[:, 0] = False  # landonly is missing in the first column
    flat = np.flatnonzero(np.broadcast_to(expected, (n_time, 3, 4)))
    np.testing.assert_array_equal(samples.flat_index, flat)
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["landonly"].values.reshape(-1)[flat])
    assert samples.n_dropped == n_time * 2  # the first column's cells in the rows read
    assert source.read_all().flat_index.size == n_time * 3 * 3  # the source itself unchanged


def test_dimension_order_of_the_file_is_recorded():
    dataset = grid_dataset().transpose("time", "lon", "lat")
    samples = build(dataset)
    assert samples.layout.file_dims == ("time", "lon", "lat")
    expected = dataset["tas"].transpose("time", "lat", "lon").values
    np.testing.assert_array_equal(samples.layout.to_grid(samples.target[:, 0], samples.flat_index), expected)


def test_size_one_extra_dimension_is_squeezed():
    dataset = grid_dataset()
    dataset["tas"] = dataset["tas"].expand_dims(height=[2.0], axis=1)
    samples = build(dataset)
    assert samples.layout.file_dims == ("time", "lat", "lon")
    assert samples.inputs.shape[0] == dataset["pred"].size


def test_unselected_extra_dimension_is_named_with_its_values():
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(plev=[85000.0, 50000.0], axis=1)
    with pytest.raises(ClimannError, match=r"'pred' has extra dimension plev \(2 values: 85000, 50000\).*--select plev="):
        build(dataset)


def test_missing_variable_lists_the_available_ones_and_the_closest():
    dataset = grid_dataset()
    with pytest.raises(ClimannError, match=r"variable 'tass' not in .*available: tas, pred, static, landonly; did you mean 'tas'\?"):
        build(dataset, target="tass")


def test_bounds_variables_are_not_data():
    dataset = grid_dataset()
    dataset["lat_bnds"] = (("lat", "bnds"), np.zeros((dataset.sizes["lat"], 2)))
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    assert "lat_bnds" not in data_variable_names(dataset)


def test_a_target_that_is_all_missing_is_a_clear_error():
    dataset = grid_dataset()
    dataset["tas"] = xr.full_like(dataset["tas"], np.nan)
    with pytest.raises(ClimannError, match="no sample has 'tas'"):
        build(dataset)


@pytest.mark.parametrize("read", [pytest.param(lambda source: source.read_all(), id="read_all"),
                                  pytest.param(lambda source: source.read(3, 9), id="read-a-block")])
def test_the_target_field_keeps_the_target_where_a_missing_feature_dropped_the_sample(read):
    dataset = grid_dataset()
    dataset["tas"][4, 1, 2] = np.nan
    source = PointwiseSource(dataset, target="tas", predictors=("landonly",), features=())
    samples = read(source)
    first = samples.layout.time_index(samples.flat_index).min()
    expected = dataset["tas"].values[first : first + samples.target_field.shape[0]]
    assert np.isnan(dataset["landonly"].values[:, :, 0]).all()  # every sample of the first column dropped
    np.testing.assert_array_equal(samples.target_field, expected)  # NaN only where the file has NaN
    assert np.isnan(samples.target_field).sum() == (first <= 4)


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (3, 9), (2, 3)])
def test_the_target_read_alone_is_the_target_field_of_the_samples(start, stop):
    """``read_target`` (a forecast run's persistence outside a streamed chunk) reads the target
    alone: the file's values (NaN kept) and ``read``'s ``target_field``, without the features."""
    dataset = grid_dataset()
    dataset["tas"][4, 1, 2] = np.nan
    source = PointwiseSource(dataset, target="tas", predictors=("landonly",), features=())
    alone = source.read_target(start, stop)
    np.testing.assert_array_equal(alone, dataset["tas"].values[start:stop])
    np.testing.assert_array_equal(alone, source.read(start, stop).target_field)


def test_reading_in_blocks_equals_reading_at_once():
    dataset = grid_dataset(n_years=3)
    source = PointwiseSource(dataset, target="tas", predictors=("landonly", "static"), features=("season",),
                             lags={"pred": (1, 2)})
    whole = source.read(0, source.n_time)
    parts = [source.read(start, min(start + 5, source.n_time)) for start in range(0, source.n_time, 5)]
    np.testing.assert_array_equal(np.concatenate([p.inputs for p in parts]), whole.inputs)
    np.testing.assert_array_equal(np.concatenate([p.flat_index for p in parts]), whole.flat_index)
    assert sum(p.n_dropped for p in parts) == whole.n_dropped


def test_lagged_values_come_from_k_steps_earlier_and_the_first_steps_are_dropped():
    dataset = grid_dataset()
    samples = build(dataset, predictors=(), features=("lat",), lags={"pred": (2,), "tas": (1,)})
    assert samples.feature_names == ("pred_lag2", "tas_lag1", "lat")
    t, i, j = np.unravel_index(samples.flat_index, samples.layout.shape)
    assert t.min() == 2  # no value two steps before the first two
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["pred"].values[t - 2, i, j])
    np.testing.assert_array_equal(samples.inputs[:, 1], dataset["tas"].values[t - 1, i, j])
    assert samples.n_dropped == 2 * samples.layout.n_cells


def test_global_mean_feature_is_the_area_weighted_mean_of_each_time_step():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    samples = build(dataset, predictors=(), features=(), global_means=("landonly",))
    weights = np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 4))
    t = samples.time_index
    field = dataset["landonly"].values  # NaN in the first longitude column: skipped
    present = np.isfinite(field)
    hand = np.nansum(field * weights, axis=(1, 2)) / (present * weights).sum(axis=(1, 2))
    np.testing.assert_allclose(samples.inputs[:, 0], hand[t], rtol=1e-6)


def test_sample_fraction_is_seeded_and_independent_of_blocks():
    dataset = grid_dataset(n_years=2)
    source = PointwiseSource(dataset, target="tas", predictors=("pred",), features=(), sample_fraction=0.3, seed=5)
    whole = source.read(0, source.n_time).flat_index
    halves = np.concatenate([source.read(0, 7).flat_index, source.read(7, source.n_time).flat_index])
    np.testing.assert_array_equal(whole, halves)
    assert 0.2 < whole.size / dataset["tas"].size < 0.4
    other = PointwiseSource(dataset, target="tas", predictors=("pred",), features=(), sample_fraction=0.3, seed=6)
    assert not np.array_equal(other.read(0, other.n_time).flat_index, whole)


def test_sample_fraction_thins_only_the_steps_it_is_given():
    dataset = grid_dataset(n_years=2)
    train = np.arange(dataset.sizes["time"]) < 12
    everywhere = PointwiseSource(dataset, target="tas", predictors=("pred",), features=(), sample_fraction=0.3, seed=5)
    source = PointwiseSource(dataset, target="tas", predictors=("pred",), features=(), sample_fraction=0.3, seed=5,
                             thinned_steps=train)
    kept, thinned = source.read(0, source.n_time).flat_index, everywhere.read(0, source.n_time).flat_index
    n_cells = source.layout.n_cells
    valid = (np.isfinite(dataset["tas"].values) & np.isfinite(dataset["pred"].values)).reshape(-1)
    # the training steps keep the same seeded draws; every valid sample of the others is kept
    np.testing.assert_array_equal(kept[kept < 12 * n_cells], thinned[thinned < 12 * n_cells])
    np.testing.assert_array_equal(kept[kept >= 12 * n_cells], np.flatnonzero(valid[12 * n_cells:]) + 12 * n_cells)


def test_lags_do_not_reach_into_another_dataset_block():
    from climann.data.layout import SPLIT_BLOCK_COORDINATE
    from climann.data.open import concat_blocks

    parts = [grid_dataset(n_years=1, seed=seed) for seed in (0, 1, 2)]
    combined = concat_blocks(parts, ("train", "val", "test"))
    assert SPLIT_BLOCK_COORDINATE in combined.coords
    samples = build(combined, predictors=(), features=(), lags={"pred": (1,)})
    t, i, j = np.unravel_index(samples.flat_index, samples.layout.shape)
    # the first step of each 12-month block has no step before it in its own file
    assert not np.isin(t, [0, 12, 24]).any()
    assert set(np.unique(t)) == set(range(36)) - {0, 12, 24}
    np.testing.assert_array_equal(samples.inputs[:, 0], combined["pred"].values[t - 1, i, j])


# --- curvilinear and rotated-pole grids -----------------------------------------------------------
@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="2d-latlon"), pytest.param(False, id="mapping-only")])
def test_the_lat_feature_of_a_rotated_grid_is_the_geographic_latitude(tmp_path, with_latlon):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=with_latlon)])
    samples = build_pointwise_samples(dataset, target="tas", predictors=(), features=("lat", "lon"))
    n_time, n_rows, n_columns = samples.layout.shape
    _, row, column = np.unravel_index(samples.flat_index, (n_time, n_rows, n_columns))
    true_lat, true_lon = rotated_to_geographic(RLAT[row], RLON[column])
    columns = {name: samples.inputs[:, k] for k, name in enumerate(samples.feature_names)}
    np.testing.assert_allclose(columns["lat"], true_lat, atol=1e-4)  # float32 features
    np.testing.assert_allclose(columns["lon_sin"], np.sin(np.deg2rad(true_lon)), atol=1e-6)
    np.testing.assert_allclose(columns["lon_cos"], np.cos(np.deg2rad(true_lon)), atol=1e-6)
    assert np.abs(columns["lat"] - RLAT[row]).min() > 30  # not the rotated latitude
    assert samples.layout.shape == (24, RLAT.size, RLON.size) and samples.flat_index.size == 24 * RLAT.size * RLON.size


def test_the_lat_feature_of_a_curvilinear_grid_varies_over_its_cells(tmp_path):
    from climann.data.open import open_dataset
    from tests.grid_files import curvilinear_coordinates, write_curvilinear

    dataset = open_dataset([write_curvilinear(tmp_path / "tos.nc")])
    samples = build_pointwise_samples(dataset, target="tos", predictors=(), features=("lat",))
    n_time, n_y, n_x = samples.layout.shape
    _, row, column = np.unravel_index(samples.flat_index, (n_time, n_y, n_x))
    np.testing.assert_allclose(samples.inputs[:, 0], curvilinear_coordinates()[0][row, column], atol=1e-4)
    np.testing.assert_allclose(samples.target[:, 0], dataset["tos"].values.reshape(-1), rtol=1e-6)


def _missing_months():
    """Four years of months without April–June 2001 (as a failed download leaves them)."""
    dataset = grid_dataset(n_years=4)
    return dataset.isel(time=[k for k in range(48) if k not in (15, 16, 17)])


def test_a_lag_is_the_value_one_month_earlier_by_date_and_missing_across_a_gap(caplog):
    dataset = _missing_months()
    with caplog.at_level("WARNING", logger="climann"):
        samples = build(dataset, predictors=(), features=(), lags={"pred": (1,)})
    times = dataset["time"].values
    step_of = {(t.year, t.month): k for k, t in enumerate(times)}
    t, i, j = np.unravel_index(samples.flat_index, samples.layout.shape)
    # the step of the previous calendar month, by date; −1 when the file lacks it
    earlier = np.array([step_of.get((time.year - (time.month == 1), (time.month - 2) % 12 + 1), -1) for time in times])
    # July 2001 (its June is missing) and January 2000 (the first month) have no lag
    assert [times[k].strftime("%Y-%m") for k in np.flatnonzero(earlier < 0)] == ["2000-01", "2001-07"]
    assert set(np.unique(t)) == set(np.flatnonzero(earlier >= 0))
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["pred"].values[earlier[t], i, j])
    assert samples.n_dropped == 2 * samples.layout.n_cells
    warned = [r.getMessage() for r in caplog.records if "lag 1" in r.getMessage()]
    assert warned == [  # both steps, as n_dropped counts them (break22a F1)
        f"lag 1 is missing at 2 time steps (2000-01-15, 2001-07-15): at 1 the step 1 month before falls in a gap of "
        f"the monthly time axis, at 1 it is before the first time step read; "
        f"their {2 * samples.layout.n_cells} samples are dropped"
    ]


@pytest.mark.parametrize(("dropped", "said"), [
    pytest.param((), "lag 1 is missing at 4 time steps (2000-06-15, 2001-06-15, 2002-06-15, …): the step 1 month "
                 "before each is in a month the time selection (--months/--seasons) leaves out", id="months-left-out"),
    pytest.param((18,), "lag 1 is missing at 5 time steps (2000-06-15, 2001-06-15, 2001-08-15, …): at 4 the step 1 "
                 "month before is in a month the time selection (--months/--seasons) leaves out, at 1 it falls in a "
                 "gap of the monthly time axis", id="and-a-gap-july-2001"),
])
def test_a_lag_missing_because_the_users_months_left_its_step_out_is_not_blamed_on_gaps(caplog, dropped, said):
    """--months 6,7,8 with lags: each June's May was left out by the user's own selection, not
    lost to a gap in the data, which the warning said; a real gap (July 2001 missing) is still one."""
    from climann.data.subset import subset_dataset

    full = grid_dataset(n_years=4)
    dataset = subset_dataset(full.isel(time=[k for k in range(48) if k not in dropped]), months=(6, 7, 8))
    with caplog.at_level("WARNING", logger="climann"):
        samples = build(dataset, predictors=(), features=(), lags={"pred": (1,)})
    n_missing = 4 + len(dropped)  # each June (the first too: break22a F1) and August 2001 after the gap
    warned = [r.getMessage() for r in caplog.records if "lag 1 is missing" in r.getMessage()]
    assert warned == [f"{said}; their {n_missing * samples.layout.n_cells} samples are dropped"]
    assert samples.n_dropped == n_missing * samples.layout.n_cells


def test_the_lag_line_counts_only_the_samples_of_cells_holding_the_target(caplog):
    """break48d A3: a land-only index (the ocean masked at every step) with --months and lags: the line said every
    cell's samples (4 steps × 54 cells = 216) where 144 were lost (4 × 36 land cells); and a cell missing at one
    dropped step only. The count is numpy's of the target's values at the steps without their lag, and with the
    target's missing values the run's n_dropped."""
    from climann.data.subset import subset_dataset

    full = grid_dataset(n_years=4)
    tas = full["tas"].values.copy()
    tas[:, 0, :2] = np.nan  # "ocean": never a value
    tas[17, 3, 5] = np.nan  # June 2001 at one more cell
    dataset = subset_dataset(full.assign(tas=full["tas"].copy(data=tas)), months=(6, 7, 8))
    with caplog.at_level("WARNING", logger="climann"):
        samples = build(dataset, predictors=(), features=(), lags={"pred": (1,)})
    junes = [5, 17, 29, 41]  # the steps whose May the selection left out
    held = int(np.isfinite(tas[junes]).sum())
    assert held == 4 * (24 - 2) - 1
    warned = [r.getMessage() for r in caplog.records if "lag 1 is missing" in r.getMessage()]
    assert len(warned) == 1 and warned[0].endswith(f"; their {held} samples are dropped"), warned
    summers = [k for k in range(48) if k % 12 in (5, 6, 7)]
    assert samples.n_dropped == held + int(np.isnan(tas[summers]).sum())  # and the target's own missing values


def test_the_lag_lines_count_each_dropped_step_once_and_add_up_to_n_dropped(caplog):
    """verify23 F1: a step without lag 1 nor lag 12 was counted in both lines, whose sum then
    exceeded n_dropped. Winters (--seasons DJF) of 2000–2003 without December 2001, by hand:
    lag 1 lacks Jan 2000 (the first step), each December (November left out) and Jan 2002 (the
    gap): 5 steps; lag 12 lacks Jan, Feb, Dec 2000 (no year before) and Dec 2002 (the gap), of
    which only Feb 2000 still has lag 1."""
    import re

    from climann.data.subset import subset_dataset

    full = grid_dataset(n_years=4)
    dataset = subset_dataset(full.isel(time=[k for k in range(48) if k != 23]), months=(12, 1, 2))
    with caplog.at_level("INFO", logger="climann"):
        samples = build(dataset, predictors=(), features=(), lags={"pred": (12, 1)})
    n_cells = samples.layout.n_cells
    lines = [r.getMessage() for r in caplog.records if re.match(r".*lag (1|12) is missing", r.getMessage())]
    assert len(lines) == 2 and "lag 1 is missing at 5 time steps" in lines[0]
    assert lines[1].startswith("lag 12 is missing at 4 time steps") and lines[1].endswith(
        f"; {n_cells} more samples are dropped ({3 * n_cells} already for lag 1)")
    counted = [int(a or b) for a, b in re.findall(r"(?:their (\d+)|(\d+) more) samples are dropped", " ".join(lines))]
    assert sum(counted) == samples.n_dropped == 6 * n_cells


def test_lags_across_a_gap_read_in_blocks_equal_reading_at_once():
    source = PointwiseSource(_missing_months(), target="tas", predictors=(), features=(), lags={"pred": (1, 3)})
    whole = source.read(0, source.n_time)
    parts = [source.read(start, min(start + 4, source.n_time)) for start in range(0, source.n_time, 4)]
    np.testing.assert_array_equal(np.concatenate([p.inputs for p in parts]), whole.inputs)
    np.testing.assert_array_equal(np.concatenate([p.flat_index for p in parts]), whole.flat_index)


def test_lags_on_an_irregular_time_axis_are_refused():
    dataset = grid_dataset(n_years=1).isel(time=[0, 1, 2])
    times = dataset["time"].values
    dataset = dataset.assign_coords(time=("time", [times[0], times[0] + (times[1] - times[0]) / 3, times[2]],
                                          dataset["time"].attrs))
    with pytest.raises(ClimannError, match="lags need a time axis with a regular step"):
        build(dataset, lags={"pred": (1,)})


def test_a_lag_taken_from_its_own_series_is_read_as_it_is_given_and_the_targets_lag_by_date(caplog):
    """A predictor's lag that the opened data hold from its own series (``pred@lag1``, beside a
    target lacking months; climann.data.time_axes.own_series_lags) is that variable at each
    step, also after the gap, in blocks as at once; the target's lag is by date on the axis."""
    dataset = _missing_months()
    own = dataset["pred"] + 100.0
    own[0] = np.nan  # before the common period
    dataset["pred@lag1"] = own
    with caplog.at_level("WARNING", logger="climann"):
        source = PointwiseSource(dataset, target="tas", predictors=(), features=(), lags={"pred": (1,), "tas": (1,)})
        whole = source.read_all()
    assert whole.feature_names == ("pred_lag1", "tas_lag1")
    t, i, j = np.unravel_index(whole.flat_index, whole.layout.shape)
    np.testing.assert_array_equal(whole.inputs[:, 0], own.values[t, i, j])
    times = dataset["time"].values
    assert [times[k].strftime("%Y-%m") for k in sorted(set(range(45)) - set(t))] == ["2000-01", "2001-07"]
    np.testing.assert_array_equal(whole.inputs[:, 1], dataset["tas"].values[t - 1, i, j])
    parts = [source.read(start, min(start + 4, source.n_time)) for start in range(0, source.n_time, 4)]
    np.testing.assert_array_equal(np.concatenate([p.inputs for p in parts]), whole.inputs)
    assert [r.getMessage() for r in caplog.records if "lag 1" in r.getMessage()] == [
        f"lag 1 is missing at 2 time steps (2000-01-15, 2001-07-15): at 1 the step 1 month before falls in a gap of "
        f"the monthly time axis, at 1 it is before the first time step read; "
        f"their {2 * source.layout.n_cells} samples are dropped"]


def test_season_and_year_features_of_months_kept_every_other_month_are_those_of_the_whole_series():
    """Monthly means stamped on the 1st without bounds, kept every other month
    (``time_stride = 2``): each kept month gets the season and year features it has in the
    whole series (its calendar month's middle), not those of a 2-month cell (February dated
    2 March, December 1 January of the next year), which ``predict`` on new monthly data would
    not give it."""
    import cftime

    from climann.data.pointwise import derived_columns
    from climann.data.subset import select_time
    from climann.data.variables import grid_layout

    times = [cftime.DatetimeGregorian(2000 + m // 12, m % 12 + 1, 1) for m in range(36)]
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), np.zeros((36, 2, 2)))},
        coords={"time": ("time", times, {"axis": "T"}), "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})})
    whole = derived_columns(grid_layout(dataset, "tas", ["m.nc"]), ["season", "year"])
    for start in (0, 1):  # January, March, … and February, April, …, December
        thinned = select_time(dataset.isel(time=slice(start, None)), time_stride=2)
        kept = derived_columns(grid_layout(thinned, "tas", ["m.nc"]), ["season", "year"])
        for name in ("season_sin", "season_cos", "year"):
            np.testing.assert_array_equal(kept[name][1], whole[name][1][start::2])
    # the whole series' own dates are the months' middles (15 February 12:00 in 2000, a leap year)
    middle = cftime.DatetimeGregorian(2000, 2, 15, 12)
    assert whole["year"][1][1] == pytest.approx(2000 + (middle - cftime.DatetimeGregorian(2000, 1, 1)).days / 366 + 0.5 / 366)


@pytest.mark.parametrize("dated_by", ["cell_middle", "stamp"])
def test_a_lag_of_weekly_means_missing_because_seasons_left_its_week_out_is_not_blamed_on_gaps(caplog, dated_by):
    """verify21a F3: --seasons DJF on a complete weekly series stamped at the start of each week, without bounds:
    the selection chooses weeks by their middles (the week stamped 30 November, middle 3 December, is DJF), and the
    week before each first DJF week (middle in November) was said to be lost to "gaps" in the time axis."""
    import datetime

    import cftime

    from climann.data.subset import subset_dataset

    start = cftime.DatetimeGregorian(2000, 1, 1)
    times = np.array([start + datetime.timedelta(days=7 * k) for k in range(160)])
    rng = np.random.default_rng(5)
    full = xr.Dataset(
        {name: (("time", "lat", "lon"), rng.normal(size=(160, 2, 2))) for name in ("tas", "pred")},
        coords={"time": ("time", times, {"axis": "T"}), "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})})
    dataset = subset_dataset(full, seasons=("DJF",), dated_by=dated_by)  # stamp: runs trained before 3 Dec 2026
    kept = dataset["time"].values
    dates = kept + datetime.timedelta(days=3.5) if dated_by == "cell_middle" else kept
    # by hand: a kept week whose week before is not kept, all of them left out by the selection (no gap in the file)
    first_weeks = [k for k in range(1, len(kept)) if (kept[k] - kept[k - 1]).days != 7]
    assert all((date - datetime.timedelta(days=7)).month not in (12, 1, 2) for date in dates[first_weeks])
    with caplog.at_level("WARNING", logger="climann"):
        build(dataset, predictors=(), features=(), lags={"pred": (1,)})
    warned = [r.getMessage() for r in caplog.records if "lag 1 is missing" in r.getMessage()]
    assert len(warned) == 1 and "gap" not in warned[0]
    # and the series' first week (1 January 2000), whose week before is in December, before the file
    assert warned[0].startswith(f"lag 1 is missing at {len(first_weeks) + 1} time steps (") and warned[0].endswith(
        f": at {len(first_weeks)} the step 7 days before is in a month the time selection (--months/--seasons) leaves "
        f"out, at 1 it is before the first time step read; their {(len(first_weeks) + 1) * 4} samples are dropped")


def test_a_lag_missing_at_6_hourly_steps_names_their_hours(caplog):
    """break28c C3: a 6-hourly series' first steps without lag 4 were named "2000-01-01,
    2000-01-01, 2000-01-01", as if one step were repeated; each is named with its hour."""
    import datetime

    import cftime

    monthly = grid_dataset(n_years=1)
    times = np.array([cftime.DatetimeNoLeap(2000, 1, 1) + k * datetime.timedelta(hours=6) for k in range(12)])
    dataset = monthly.isel(time=slice(0, 12)).assign_coords(time=("time", times))
    with caplog.at_level("INFO", logger="climann"):
        samples = build(dataset, predictors=(), features=(), lags={"pred": (4,)})
    warned = [r.getMessage() for r in caplog.records if "lag 4 is missing" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith(
        "lag 4 is missing at 4 time steps (2000-01-01 00:00, 2000-01-01 06:00, 2000-01-01 12:00, …): ")
    assert samples.n_dropped == 4 * samples.layout.n_cells


def test_lags_of_a_month_of_fill_values_are_counted_once_per_step():
    """Lags 1 and 2 of a target whose March and April hold no value (of 8 months, 5 cells each,
    June with 3): lag 1 is lost at May (5 samples); lag 2 at May (already lost for lag 1) and
    June (3 samples). April, without values itself, loses nothing (break29a A4)."""
    import cftime

    from climann.data.pointwise import lags_at_steps_without_target_text
    from climann.data.lags import lagged_steps

    times = np.array([cftime.datetime(2000, month, 1, calendar="standard") for month in range(1, 9)])
    n_target = np.array([5, 5, 0, 0, 5, 3, 5, 5])
    lines = lags_at_steps_without_target_text(lagged_steps(times, [1, 2]), [1, 2], n_target, times, "precip")
    assert lines == [
        "lag 1 is missing at 1 time step (2000-05-01): the step 1 month before each holds no value of 'precip' at "
        "all; their 5 samples are dropped",
        "lag 2 is missing at 2 time steps (2000-05-01, 2000-06-01): the step 2 months before each holds no value of "
        "'precip' at all; 3 more samples are dropped (5 already for lag 1)",
    ]


def test_a_chosen_depth_without_any_value_is_refused_naming_it(tmp_path):
    """break38b C3: a borehole (ground temperature by time and depth) whose 25 m sensor is all missing, chosen with
    select = {depth = 25}, was refused with "'ground_temperature' itself has no value there; check the files and the
    [data] time range", which did not say the chosen depth is the empty one; 3 m, which has values, trains."""
    import cftime

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    times = [cftime.datetime(2000 + day // 360, day % 360 // 30 + 1, day % 30 + 1, calendar="360_day")
             for day in range(0, 360 * 4, 5)]
    depth = np.array([0.5, 3.0, 25.0], "f4")
    rng = np.random.default_rng(1)
    ground = rng.normal(size=(len(times), depth.size)).astype("f4")
    ground[:, 2] = np.nan
    xr.Dataset(
        {"ground_temperature": (("time", "depth"), ground, {"units": "degC", "coordinates": "lat lon"}),
         "air_temperature": ("time", rng.normal(size=len(times)).astype("f4"), {"units": "degC"})},
        coords={"time": ("time", times), "depth": ("depth", depth, {"units": "m", "positive": "down", "axis": "Z"}),
                "lat": ((), 78.18, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ((), 16.47, {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(tmp_path / "bore.nc")

    def config(value):
        return build_config({"data": {"paths": [str(tmp_path / "bore.nc")], "target": "ground_temperature",
                                      "predictors": ["air_temperature"], "select": {"depth": value}},
                             "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})

    with pytest.raises(ClimannError) as error:
        run_training(config(25), run_dir=tmp_path / "run25")
    assert ("'ground_temperature' itself has no value there, at depth = 25 m (a level chosen with [data] select, "
            "--select, or the files' only one): choose another with --select depth=VALUE") in str(error.value)
    assert not (tmp_path / "run25").exists()
    run_training(config(3), run_dir=tmp_path / "run3")


def test_each_feature_column_knows_what_asked_for_it():
    """The dropped-values warning names the option of each missing feature: a lag's column comes from --lags, not
    --predictors (break39a F8)."""
    from climann.data.area_means import area_mean_features

    dataset = grid_dataset()
    source = PointwiseSource(dataset, target="tas", predictors=("pred",), features=("lat",), lags={"tas": (1,)},
                             global_means=("pred",), anomalies={"pred": np.zeros((12, 4, 6), "f4")},
                             area_means=area_mean_features(dataset, regional_means={"pred": [-45, 45, 0, 90]}))
    assert dict(zip(source.feature_names, source.feature_sources)) == {
        "pred": "predictors", "tas_lag1": "lags", "pred_global_mean": "global_means",
        "pred_mean_45S-45N_0E-90E": "regional_means", "pred_anomaly": "anomalies", "lat": "features"}


def test_a_date_several_blocks_share_is_listed_once_with_their_names():
    """break46e A2: "lag 1 is missing at 3 time steps (2017-01-01, 2017-01-01, 2017-01-01)", one date per
    block of --split-files over the same years, the blocks unsaid: each date once, its blocks beside it."""
    import cftime

    from climann.data.pointwise import _steps_text
    from climann.data.time_axis import series_time_step

    days = [cftime.DatetimeGregorian(2017, 1, day, 12) for day in (1, 2, 3)]
    times = np.array(days * 3)  # three blocks over the same three days
    blocks = ("train",) * 3 + ("val",) * 3 + ("test",) * 3
    step = series_time_step(times[:3])
    starts = np.array([0, 3, 6])
    assert _steps_text(starts, times, step, blocks) == "2017-01-01 (train, val, test)"
    both = np.array([0, 1, 3, 4, 6, 7])  # lag 2: the first two days of each block
    assert _steps_text(both, times, step, blocks) == "2017-01-01 (train, val, test), 2017-01-02 (train, val, test)"
    assert _steps_text(np.arange(9), times, step, blocks, shown=2) == (
        "2017-01-01 (train, val, test), 2017-01-02 (train, val, test), …")
    # dates each once: as before, with "…" past the third
    assert _steps_text(np.arange(3), times, step, blocks) == "2017-01-01, 2017-01-02, 2017-01-03"
    month = np.array([cftime.DatetimeGregorian(2017, 1, day, 12) for day in range(1, 8)])
    assert _steps_text(np.array([0, 1, 2, 5]), month, step) == "2017-01-01, 2017-01-02, 2017-01-03, …"


def _summer_lag_data(path):
    """Monthly tas and pred (noleap, 1990–1994, a 4×5 grid, CF month bounds): tas = 280 + 5·pred + 0.8·tas of the
    month before + noise, so that tas's lag 1 matters; the tas and pred written, (60, 4, 5)."""
    import cftime

    rng = np.random.default_rng(3)
    lat, lon = np.array([-45.0, -15.0, 15.0, 45.0]), np.arange(30.0, 300.0, 60.0)
    pred = rng.uniform(0, 1, (60, 4, 5))
    tas = np.empty_like(pred)
    tas[0] = 280.0
    for k in range(1, 60):
        tas[k] = 56 + 5 * pred[k] + 0.8 * tas[k - 1] + rng.normal(0, 0.3, (4, 5))
    starts = [cftime.DatetimeNoLeap(1990 + k // 12, k % 12 + 1, 1) for k in range(61)]
    times = [start + (end - start) / 2 for start, end in zip(starts[:-1], starts[1:])]
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype("f4"), {"units": "K", "cell_methods": "time: mean"}),
         "pred": (("time", "lat", "lon"), pred.astype("f4"), {"units": "1", "cell_methods": "time: mean"}),
         "time_bnds": (("time", "bnds"), np.array([starts[:-1], starts[1:]], dtype=object).T)},
        coords={"time": ("time", times, {"standard_name": "time", "bounds": "time_bnds"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})})
    for name in ("time", "time_bnds"):
        dataset[name].encoding.update({"units": "days since 1990-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return tas, pred, lat


def test_a_lag_in_a_month_left_out_is_advised_as_a_variable_of_its_own_which_keeps_june(tmp_path, caplog, monkeypatch):
    """break48b A2: with --months 6,7,8 and --lags tas=1 every June was dropped (May is never read) and the only
    way out said was to leave the lag out. The warning gives the lag as a variable of its own (cdo shifttime,
    run here); trained on it, the Junes are kept (3 months a year of samples) and the linear baseline's test
    RMSE is numpy.linalg.lstsq's on [pred, tas of the month before, 1] over the train block's June–August,
    cos-latitude weighted."""
    import json
    import logging
    import shutil
    import subprocess

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from climann.workflow.predict import evaluate_run, predict_files

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    tas, pred, lat = _summer_lag_data(tmp_path / "d" / "monthly.nc")

    def train(name, **data):
        config = build_config({"data": {"paths": ["d/monthly.nc"], "target": "tas", "months": [6, 7, 8],
                                        "features": [], **data},
                               "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
        return run_training(config, run_dir=tmp_path / name).run_dir

    with caplog.at_level(logging.WARNING, logger="climann"):
        train("lagged", predictors=["pred"], lags={"tas": [1]})
    (said,) = [without_guards(record.getMessage()) for record in caplog.records
               if "variable of its own" in record.getMessage()]
    command = "mkdir -p d/lagged && cdo -chname,tas,tas_lag1 -shifttime,1mon -selname,tas d/monthly.nc d/lagged/tas_lag1.nc"
    # --data replaces [data] paths: the lag file is added beside the run's own (break50c A2: followed with --config,
    # "--data 'd/lagged/*.nc'" alone left the target out)
    assert (f"`{command}`, then add 'd/lagged/*.nc' to [data] paths beside the run's own (--data replaces them: give "
            "--data once for each of those paths and once for 'd/lagged/*.nc') and name tas_lag1 among --predictors "
            "beside the others, in place of --lags tas=1") in said
    if shutil.which("cdo") is None:
        pytest.skip("following the advice needs CDO")
    subprocess.run(command, shell=True, check=True, capture_output=True)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):  # break54c A6: the copy there, no new folder lagged_2
        train("lagged_again", predictors=["pred"], lags={"tas": [1]})
    (again,) = [record.getMessage() for record in caplog.records if "variable of its own" in record.getMessage()]
    assert "lagged_2" not in again and "cdo " not in again, again
    assert ("the whole series before the months are chosen: d/lagged/tas_lag1.nc may be those, written before: if so, "
            "add 'd/lagged/*.nc' to [data] paths") in again
    for verb, value, apply in (
            ("predict", "prediction", lambda: predict_files(tmp_path / "lagged", ["d/monthly.nc"], tmp_path / "p.nc")),
            ("score", "score", lambda: evaluate_run(tmp_path / "lagged", ["d/monthly.nc"], tmp_path / "scores"))):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):  # break54c A6: predict cannot change the run's lags
            apply()
        (applied,) = [record.getMessage() for record in caplog.records if "whose lag lies" in record.getMessage()]
        assert applied == (
            "the steps whose lag lies in a month the time selection (--months/--seasons) leaves out (the 1 month before "
            f"the first chosen month of each year or season) get no {value}: this run reads its lags (--lags tas=1, fixed "
            "when it was trained) from the steps of its chosen months only; a run trained with tas_lag1 as a variable of "
            f"its own (climann train warns how) would {verb} them")
    run = train("own", paths=["d/monthly.nc", "d/lagged/*.nc"], predictors=["pred", "tas_lag1"])
    metrics = json.loads((run / "metrics.json").read_text())
    years = np.arange(60) // 12 + 1990
    months = np.arange(60) % 12 + 1
    summer = np.isin(months, [6, 7, 8])
    assert metrics["n_samples"]["train"] + metrics["n_samples"]["val"] + metrics["n_samples"]["test"] == summer.sum() * 20
    test_year = years[summer].max()
    weights = np.broadcast_to(np.cos(np.deg2rad(lat))[None, :, None], tas.shape)
    lagged = np.concatenate([np.full_like(tas[:1], np.nan), tas[:-1]])
    X = np.stack([pred, lagged, np.ones_like(pred)], -1)
    train_steps = summer & (years < test_year - 1)  # by hand: the train block is before the val and test years
    assert metrics["n_samples"]["train"] == train_steps.sum() * 20
    rows, target, w = X[train_steps].reshape(-1, 3), tas[train_steps].ravel(), weights[train_steps].ravel()
    coefficients = np.linalg.lstsq(rows * np.sqrt(w)[:, None], target * np.sqrt(w), rcond=None)[0]
    test = summer & (years == test_year)
    error = X[test].reshape(-1, 3) @ coefficients - tas[test].ravel()
    rmse = np.sqrt(np.sum(weights[test].ravel() * error ** 2) / weights[test].sum())
    np.testing.assert_allclose(metrics["splits"]["test"]["linear"]["rmse"], rmse, rtol=1e-4)


@pytest.mark.parametrize("dropped", [pytest.param(True, id="31-December-2020-dropped"),
                                     pytest.param(False, id="every-day-of-DJF")])
def test_a_lag_lost_to_a_day_missing_inside_the_season_is_no_gap_between_seasons(caplog, dropped):
    """break50c A3: Daymet drops 31 December of a leap year; under --months 12,1,2 the lag 1 of 1 January 2021 was
    said to fall "in a gap of the daily time axis (between seasons: the data are December to February (DJF) of each
    year only)". The day lies inside DJF: the missing date is named. The 1 Decembers' lags lie in November, which the
    selection leaves out, as before."""
    import cftime

    from climann.data.lags import lagged_steps
    from climann.data.pointwise import _log_lag_gaps

    days = [cftime.DatetimeGregorian(2018, 12, 1, 12) + datetime.timedelta(days=k) for k in range(800)]
    times = np.array([day for day in days if day.month in (12, 1, 2) and day < cftime.DatetimeGregorian(2021, 3, 1)
                      and not (dropped and (day.year, day.month, day.day) == (2020, 12, 31))])
    lagged = lagged_steps(times, [1])
    with caplog.at_level(logging.INFO, logger="climann.data.pointwise"):
        _log_lag_gaps(lagged, 10, times, dates=times)
    text = " ".join(record.getMessage() for record in caplog.records)
    assert "lag 1 is missing at" in text and "between seasons" not in text
    assert ("2020-12-31 missing, within December to February (DJF)" in text) == dropped
    assert "is in a month the time selection (--months/--seasons) leaves out" in text  # the 1 Decembers
    assert ("at 1 it falls in a gap of the daily time axis (2020-12-31 missing" in text) == dropped

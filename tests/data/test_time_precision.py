"""Time stamps stored in float32, too coarse for an hourly step: put on their grid, with one warning."""

import logging

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.lags import lagged_steps
from climann.data.time_axis import time_step_positions
from climann.errors import ClimannError
from climann.evaluation.baselines import climatology_prediction
from tests.fresh_python import run_python

UNITS = "days since 1850-01-01"


def _hours(*blocks):
    """Exact hourly stamps (days since 1850-01-01, float64) of each (year, month, day, n_hours) block."""
    starts = [cftime.date2num(cftime.datetime(y, m, d, calendar="standard"), UNITS, "standard")
              for y, m, d, _ in blocks]
    return np.concatenate([start + np.arange(n) / 24 for start, (*_, n) in zip(starts, blocks)])


def _write(path, values, *, dtype, tas=None):
    """A (time, lat, lon) file, 1×2 cells, time stored as ``dtype`` in days since 1850-01-01."""
    tas = np.arange(len(values) * 2, dtype=np.float32).reshape(-1, 1, 2) % 97 if tas is None else tas
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(values))
        nc.createDimension("lat", 1)
        nc.createDimension("lon", 2)
        time = nc.createVariable("time", dtype, ("time",))
        time.standard_name, time.units, time.calendar = "time", UNITS, "standard"
        time[:] = np.asarray(values).astype(dtype)
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [45.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 10.0]
        variable = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", tas
    return path


#: Ten days of hourly stamps in January of two years (2004: float32 steps of 2⁻⁸ day there).
TWO_JANUARIES = ((2003, 1, 1, 240), (2004, 1, 1, 240))


@pytest.fixture
def twins(tmp_path):
    """The same hourly data with time stored as float32 and as float64."""
    values = _hours(*TWO_JANUARIES)
    tas = np.random.default_rng(0).normal(280, 5, (len(values), 1, 2)).astype(np.float32)
    return (_write(tmp_path / "f32.nc", values, dtype="f4", tas=tas),
            _write(tmp_path / "f64.nc", values, dtype="f8", tas=tas))


def _warnings(caplog):
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


def test_float32_hourly_stamps_decode_to_the_dates_of_the_float64_twin_with_one_warning(twins, caplog, monkeypatch):
    f32, f64 = twins
    monkeypatch.chdir(f32.parent)
    stored = np.asarray(_hours(*TWO_JANUARIES), dtype=np.float32)
    assert cftime.num2date(stored[2], UNITS, "standard").minute != 0  # the stored stamp is off its hour
    with caplog.at_level(logging.WARNING):
        times = open_dataset([f32])["time"].values
        open_dataset([f32])
    assert list(times) == list(open_dataset([f64])["time"].values)
    assert list(times) == list(cftime.num2date(_hours(*TWO_JANUARIES), UNITS, "standard"))
    [warning] = [message for message in _warnings(caplog) if "float32" in message]
    assert "f32.nc: time 'time' is stored as float32 (precision ≈ 5.6 min at 2004)" in warning
    assert "stamps rounded to the hourly step" in warning
    assert "`ncap2 -s 'time=round(double(time)*24)/24' f32.nc f32_fixed.nc`" in warning


def test_float32_hourly_gives_the_steps_lags_and_climatology_of_the_float64_twin(twins):
    dataset = open_dataset([twins[0]])
    times, truth = dataset["time"].values, dataset["tas"].values.astype(np.float64)
    step, positions = time_step_positions(times)
    assert step.name == "hourly"
    assert positions.tolist() == [*range(240), *range(8760, 8760 + 240)]  # 2003 has 365 days
    lagged = lagged_steps(times, [1])
    expected = np.arange(-1, len(times) - 1)
    expected[240] = -1  # 2004-01-01 00:00 follows 2003-12-31 23:00, not in the data
    assert lagged.earlier[1].tolist() == expected.tolist()
    assert np.flatnonzero(lagged.in_gap[1]).tolist() == [240]
    # the climatology per day of year and hour, by hand: both years' values at each hour of each day
    train = np.ones(len(times), bool)
    by_hour = truth.reshape(2, 240, 1, 2).mean(axis=0)
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=1),  # the keys: not smoothed
                               np.concatenate([by_hour, by_hour]))


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(np.arange(54000, 54060) + 0.5, id="daily-at-noon"),
        pytest.param(cftime.date2num([cftime.datetime(2004, m, 15, calendar="standard") for m in range(1, 13)],
                                     UNITS, "standard"), id="monthly-15th"),
        pytest.param(_hours((2004, 3, 1, 48))[::6], id="six-hourly"),
        # IRI Data Library S2S starts (float32 days): 3 and 4 days apart, an even count of spacings
        # whose median, 3.5 days, no spacing is (it crashed on NaN: no spacing near the median)
        pytest.param(54000 + np.cumsum([0] + [3, 4] * 7), id="twice-weekly-3-4-days"),
    ],
)
def test_float32_stamps_that_are_exact_are_untouched_without_a_warning(tmp_path, caplog, values):
    assert np.array_equal(np.asarray(values, np.float32), values)  # exact in float32
    with caplog.at_level(logging.WARNING):
        times = open_dataset([_write(tmp_path / "exact.nc", values, dtype="f4")])["time"].values
    assert list(times) == list(cftime.num2date(values, UNITS, "standard"))
    assert not [message for message in _warnings(caplog) if "float32" in message]


def test_a_float32_stamp_farther_from_the_hour_than_the_precision_is_not_rounded(tmp_path, caplog):
    values = _hours((2004, 1, 1, 48))
    values[10] += 20 / 1440  # 20 minutes late: more than float32's 5.6 minutes
    stored = np.asarray(values, np.float32).astype(np.float64)
    with caplog.at_level(logging.WARNING):
        times = open_dataset([_write(tmp_path / "irregular.nc", values, dtype="f4")])["time"].values
    assert list(times) == list(cftime.num2date(stored, UNITS, "standard"))
    assert not [message for message in _warnings(caplog) if "float32" in message]


def test_lags_on_float32_stamps_too_coarse_to_round_name_the_storage(tmp_path):
    quarter_hours = _hours((2004, 1, 1, 1))[0] + np.arange(96) / 96  # every 15 minutes
    dataset = open_dataset([_write(tmp_path / "q15.nc", quarter_hours, dtype="f4")])
    with pytest.raises(ClimannError) as error:
        PointwiseSource(dataset, target="tas", predictors=(), features=(), lags={"tas": (1,)})
    message = str(error.value)
    assert "time 'time' is stored as float32 (precision ≈ 5.6 min at 2004), too coarse for steps of about 15 min" \
        in message
    assert "store time as double" in message
    assert "\n" not in message


def _write_with_bounds(path, values, *, dtype):
    """An hourly file stamped at the end of each hour, ``time_bnds = [t − 1 h, t]``, time and
    bounds stored as ``dtype`` (ERA5/CMIP 1hr means)."""
    _write(path, values, dtype=dtype)
    with netCDF4.Dataset(path, "a") as nc:
        nc.createDimension("bnds", 2)
        nc["time"].bounds = "time_bnds"
        bounds = nc.createVariable("time_bnds", dtype, ("time", "bnds"))
        bounds[:] = np.stack([values - 1 / 24, values], axis=1).astype(dtype)
        nc["tas"].cell_methods = "time: mean"
    return path


def test_float32_cell_bounds_are_put_on_the_grid_of_their_rounded_stamps(tmp_path, caplog):
    """Bounds left as stored stayed up to 2.8 min off the rounded stamps: the cells no longer
    ended at their stamps, and the values were dated half an hour off the float64 twin's."""
    values = _hours(*TWO_JANUARIES) + 1 / 24
    f32 = _write_with_bounds(tmp_path / "f32.nc", values, dtype="f4")
    f64 = _write_with_bounds(tmp_path / "f64.nc", values, dtype="f8")
    with caplog.at_level(logging.WARNING):
        rounded = open_dataset([f32])
    exact = open_dataset([f64])
    assert list(rounded["time"].values) == list(exact["time"].values)
    assert rounded["time_bnds"].values.tolist() == exact["time_bnds"].values.tolist()
    assert rounded["time_bnds"].values[0, 0] == cftime.datetime(2003, 1, 1, 0, calendar="standard")
    [warning] = [message for message in _warnings(caplog) if "time_bnds" in message and "float32" in message]
    assert "cell bounds rounded to the hourly grid" in warning


def test_a_descending_float32_hourly_axis_is_put_on_its_grid_as_an_ascending_one(tmp_path):
    """(The stored order newest first; climann then sorts the steps in time.)"""
    values = _hours(*TWO_JANUARIES)
    rounded = open_dataset([_write(tmp_path / "f32.nc", values[::-1], dtype="f4")])["time"].values
    assert list(rounded) == list(cftime.num2date(values, UNITS, "standard"))


def test_stamps_within_a_tenth_of_a_second_of_a_whole_second_are_put_on_it():
    """Float rounding of double ``days since`` (1 ms, 8.6 ms off) is undone; a stamp 0.3 s or
    minutes off a whole second, and a sub-minute axis, keep their values."""
    from climann.data.time_precision import on_whole_seconds

    exact = np.arange(10) + 0.5
    off = np.array([1e-3, -1e-3, 8.6e-3, -0.09, 0.3, 0, 1800, -1e-3, 0, 0]) / 86400
    snapped = on_whole_seconds(exact + off, "days since 2000-01-01", "noleap")
    expected = exact + np.where(np.abs(off) * 86400 <= 0.1, 0, off)
    np.testing.assert_array_equal(snapped, expected)
    assert on_whole_seconds(exact, "days since 2000-01-01", "noleap") is None  # nothing moved
    tenths = np.arange(100) * 0.1 + 0.01  # seconds: a 0.1-s series is not put on whole seconds
    assert on_whole_seconds(tenths, "seconds since 2000-01-01", "standard") is None


def _daily(path, offsets_seconds, tas):
    """A noleap daily (time, lat, lon) file, 2×2 cells, stamped at 12:00 plus ``offsets_seconds``, double
    ``days since 2000-01-01``."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(tas))
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 2)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar = "time", "days since 2000-01-01", "noleap"
        time[:] = np.arange(len(tas)) + 0.5 + offsets_seconds / 86400
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [-30.0, 30.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 90.0]
        variable = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", tas
    return path


def test_daily_stamps_a_millisecond_off_noon_score_the_climatology_of_the_exact_stamps(tmp_path, monkeypatch):
    """break16 F2: stamps wobbling by ±1 ms around 12:00 (float rounding) made the axis
    irregular: the climatology lost its day-of-year smoothing (test MSE 1.509 instead of
    1.024) and persistence was dropped. Now both runs score the same."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    n = 4 * 365
    day = np.arange(n)
    tas = (280 + 10 * np.cos(2 * np.pi * day / 365)[:, None, None]
           + np.random.default_rng(5).normal(size=(n, 2, 2))).astype(np.float32)
    wobble = np.random.default_rng(21).uniform(-1e-3, 1e-3, n)
    metrics = {}
    for name, offsets in (("exact", np.zeros(n)), ("wobble", wobble)):
        path = _daily(tmp_path / f"{name}.nc", offsets, tas)
        config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": []},
                               "model": {"hidden": [4]}, "training": {"epochs": 1},
                               "evaluation": {"figures": False}})
        metrics[name] = run_training(config, run_dir=tmp_path / name).metrics
    assert metrics["wobble"]["climatology_per"] == "day of year"
    exact, wobble = metrics["exact"]["splits"]["test"], metrics["wobble"]["splits"]["test"]
    assert wobble["climatology"]["mse"] == exact["climatology"]["mse"]
    assert wobble["climatology"]["n_samples"] == exact["climatology"]["n_samples"] == 365 * 4
    assert wobble["persistence"]["mse"] == exact["persistence"]["mse"]


def test_monthly_stamps_8_ms_before_the_1st_are_dated_in_their_month(tmp_path):
    """break16 F2: ERA5-style stamps on the 1st at 00:00 stored 1e-7 day (8.6 ms) early read as
    23:59:59.991 on the last day of the month before: every value was dated a month early."""
    dates = [cftime.datetime(2000 + k // 12, k % 12 + 1, 1, calendar="standard") for k in range(24)]
    values = cftime.date2num(dates, "days since 1850-01-01", "standard") - 1e-7
    tas = np.arange(48, dtype=np.float32).reshape(24, 1, 2)
    times = open_dataset([_write(tmp_path / "eps.nc", values, dtype="f8", tas=tas)])["time"].values
    assert [(time.year, time.month, time.day, time.hour, time.second, time.microsecond) for time in times] == \
        [(date.year, date.month, 1, 0, 0, 0) for date in dates]


def test_the_advice_for_a_zarr_store_run_as_printed_writes_double_stamps_on_their_hours(twins, caplog, monkeypatch):
    """fix31a: a store's float32 stamps were advised `ncap2 … f32.zarr f32_fixed.nc`, which NCO cannot read; the
    advice is one xarray line, and run as printed it writes a copy whose stamps are the exact hours, stored as
    double (no warning when it is opened), the store left as it was."""
    import re
    import shlex

    import xarray as xr

    pytest.importorskip("zarr")
    monkeypatch.chdir(twins[0].parent)
    xr.open_dataset(twins[0], decode_times=False).to_zarr("f32.zarr")
    with caplog.at_level(logging.WARNING):
        open_dataset([twins[0].parent / "f32.zarr"])
    [warning] = [message for message in _warnings(caplog) if "float32" in message]
    assert "ncap2" not in warning
    command = re.search(r'python -c "[^"]+"', warning).group(0)
    run_python("-c", shlex.split(command)[2], check=True, cwd=twins[0].parent)
    copy = xr.open_zarr("f32_fixed.zarr", decode_times=False)["time"]
    assert copy.dtype == np.float64
    np.testing.assert_array_equal(copy.values, np.round(_hours(*TWO_JANUARIES) * 24) / 24)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        times = open_dataset([twins[0].parent / "f32_fixed.zarr"])["time"].values
    assert [message for message in _warnings(caplog) if "float32" in message] == []
    assert list(times) == list(cftime.num2date(_hours(*TWO_JANUARIES), UNITS, "standard"))
    assert xr.open_zarr("f32.zarr", decode_times=False)["time"].dtype == np.float32

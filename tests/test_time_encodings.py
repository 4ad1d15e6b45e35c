"""Whole runs on inputs whose time encoding is unusual: months since a date in a 360-day
calendar trains and writes its predictions with the input's dates; nothing fails after
training because of the input's encoding."""

import dataclasses
import datetime

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.errors import ClimannError
from climann.workflow.pipeline import run_training

TINY = {"model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 64},
        "evaluation": {"figures": False}}


@pytest.fixture(scope="module")
def months_since_360_day(tmp_path_factory):
    """Five years of months, time in 'months since 1960-01-01' (float32, mid-month) in 360_day."""
    path = tmp_path_factory.mktemp("data") / "months_since_360day.nc"
    rng = np.random.default_rng(3)
    n, lat, lon = 60, np.array([-45.0, 0.0, 45.0]), np.array([0.0, 90.0, 180.0, 270.0])
    pred = rng.uniform(0, 1, (n, lat.size, lon.size))
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", n)
        nc.createDimension("lat", lat.size)
        nc.createDimension("lon", lon.size)
        time = nc.createVariable("time", "f4", ("time",))
        time.units, time.calendar, time.standard_name = "months since 1960-01-01", "360_day", "time"
        time[:] = np.arange(n) + 0.5
        for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable[:] = units, values
        variable = nc.createVariable("pred", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "1", pred
        variable = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", 280 + 10 * pred + 0.1 * lat[None, :, None]
    return path


@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-6, id="streamed")])
def test_months_since_in_360_day_trains_and_writes_the_inputs_dates(months_since_360_day, tmp_path, limit_gb):
    config = build_config({**TINY, "data": {"paths": [str(months_since_360_day)], "predictors": ["pred"],
                                            "features": ["lat"], "lags": {"tas": [1]}, "in_memory_limit_gb": limit_gb}})
    result = run_training(config, run_dir=tmp_path / "run")
    written = xr.open_dataset(result.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    # the input's dates, computed independently: a 360-day month is 30 days
    expected = cftime.num2date((np.arange(60) + 0.5) * 30, "days since 1960-01-01", calendar="360_day")
    # every time step, also streamed (scored and written chunk by chunk); the key of older streamed runs kept
    assert ("evaluated_every_nth_time_step" in result.metrics) == (limit_gb < 1)
    assert result.metrics.get("evaluated_every_nth_time_step", 1) == 1
    assert list(written["time"].values) == list(expected)
    assert written["time"].encoding["calendar"] == "360_day"
    assert written["time"].encoding["units"] == "days since 1960-01-01"


def test_an_output_encoding_that_cannot_be_written_fails_before_training(months_since_360_day, tmp_path, monkeypatch):
    import climann.workflow.pipeline as pipeline
    import climann.workflow.preparation as preparation

    real_build = preparation.build_samples

    def with_unwritable_units(config, source=None, **options):
        samples = real_build(config, source, **options)
        layout = dataclasses.replace(samples.layout, time_units="months since 1960-01-01")
        return dataclasses.replace(samples, layout=layout)

    def never(*args, **kwargs):
        raise AssertionError("training began")

    monkeypatch.setattr(preparation, "build_samples", with_unwritable_units)
    monkeypatch.setattr(pipeline, "fit_network", never)
    config = build_config({**TINY, "data": {"paths": [str(months_since_360_day)], "predictors": ["pred"]}})
    with pytest.raises(ClimannError, match="predictions.nc could not be written .*'months since 1960-01-01'"):
        run_training(config, run_dir=tmp_path / "run")


def _absolute_file(path, units, values, calendar=None):
    """Six years on a 3 × 4 grid with CDO's absolute time axis (``cdo -a``); no calendar when None."""
    rng = np.random.default_rng(5)
    lat, lon = np.array([-45.0, 0.0, 45.0]), np.array([0.0, 90.0, 180.0, 270.0])
    pred = rng.uniform(0, 1, (len(values), lat.size, lon.size))
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", len(values)), ("lat", lat.size), ("lon", lon.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name = units, "time"
        if calendar:
            time.calendar = calendar
        time[:] = values
        for name, axis, axis_units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable[:] = axis_units, axis
        variable = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", 280 + 10 * pred + 0.1 * lat[None, :, None]
        variable = nc.createVariable("rsdt", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "W m-2", 300 * pred
    return path


_MONTHS = [(1990 + k // 12, k % 12 + 1) for k in range(72)]


@pytest.mark.parametrize(
    ("units", "values", "calendar", "expected"),
    [
        # 15th at noon, no calendar: CDI's proleptic_gregorian
        pytest.param("day as %Y%m%d.%f", [year * 10000 + month * 100 + 15.5 for year, month in _MONTHS], None,
                     [cftime.datetime(year, month, 15, 12, calendar="proleptic_gregorian") for year, month in _MONTHS],
                     id="day"),
        # the middle of each 30-day month: the 16th at 00:00
        pytest.param("month as %Y%m.%f", [year * 100 + month + 0.5 for year, month in _MONTHS], "360_day",
                     [cftime.datetime(year, month, 16, calendar="360_day") for year, month in _MONTHS], id="month"),
    ],
)
def test_cdo_absolute_time_trains_from_the_info_config_and_writes_cf_days(tmp_path, capfd, monkeypatch, units,
                                                                           values, calendar, expected):
    from tests.console import run_main

    path = _absolute_file(tmp_path / "abs.nc", units, values, calendar)
    info = run_main("info", str(path), capfd=capfd, monkeypatch=monkeypatch)
    assert info.returncode == 0 and "A config that trains as it is" in info.stdout, info.stdout
    (tmp_path / "abs.toml").write_text(info.stdout)
    result = run_main("train", "--config", str(tmp_path / "abs.toml"), "--out", str(tmp_path / "run"), "--epochs", "1",
                      "--hidden", "4", "--set", "evaluation.figures=false", "--quiet", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as written:
        time = written["time"]
        assert time.units == "days since 1990-01-01"  # CF, not CDO's 'day as %Y%m%d.%f'
        assert time.calendar == (calendar or "proleptic_gregorian")
        assert list(cftime.num2date(time[:], time.units, calendar=time.calendar)) == expected


def test_a_cdo_absolute_time_that_is_no_date_is_refused_by_info_and_train(tmp_path, capfd, monkeypatch):
    from tests.console import run_main

    values = [year * 10000 + month * 100 + 15.5 for year, month in _MONTHS]
    values[7] = 19900800.5  # day 0 of August 1990
    path = _absolute_file(tmp_path / "abs.nc", "day as %Y%m%d.%f", values)
    for command in (["info", str(path)], ["train", "--data", str(path), "--out", str(tmp_path / "run"), "--quiet"]):
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("climann: error: abs.nc: time 'time' has units 'day as")
        assert "value 19900800.5 is not a date of the 'proleptic_gregorian' calendar (invalid day number)" in lines[0]
    assert not (tmp_path / "run").exists()


# Float32 and integer time axes of daily and monthly data (neighbours of the float32 hourly
# fix, climann.data.time_precision): float32 days since 1850 are exact for stamps at 00:00 or
# 12:00 (multiples of 2⁻⁸ day, the precision in the 2000s), integer hours always are; each
# must give the season, the lags and the target_anomaly climatology of its float64 twin.
ENCODING_LAT, ENCODING_LON = np.array([-45.0, 0.0, 45.0]), np.array([0.0, 90.0, 180.0, 270.0])


def _daily_cells():
    days = [cftime.DatetimeGregorian(2000, 1, 1) + datetime.timedelta(days=i) for i in range(5 * 365 + 1)]
    return [[start, start + datetime.timedelta(days=1)] for start in days]


def _monthly_cells():
    starts = [cftime.DatetimeGregorian(2000 + m // 12, m % 12 + 1, 1) for m in range(5 * 12 + 1)]
    return [list(cell) for cell in zip(starts[:-1], starts[1:])]


def _encoded_file(path, cells, *, units, dtype, stamp="middle", bounds=False):
    """``tas`` with a seasonal cycle (of each cell's middle) and ``pred`` on a 3×4 grid; time in
    ``units`` stored as ``dtype``, stamped at each cell's middle or start, with ``time_bnds``
    in the same type when ``bounds``."""
    middles = [start + (end - start) / 2 for start, end in cells]
    fraction = np.array([(t.dayofyr - 1 + t.hour / 24) / 365.25 for t in middles])
    pred = np.random.default_rng(0).uniform(0, 1, (len(cells), ENCODING_LAT.size, ENCODING_LON.size))
    tas = 280 + 10 * np.cos(2 * np.pi * fraction)[:, None, None] * np.sign(ENCODING_LAT)[None, :, None] + 5 * pred
    stamps = middles if stamp == "middle" else [start for start, _ in cells]
    time_attrs = {"units": units, "calendar": "standard", "standard_name": "time", "axis": "T"}
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "cell_methods": "time: mean"}),
         "pred": (("time", "lat", "lon"), pred.astype(np.float32), {"units": "1"})},
        coords={"time": ("time", np.asarray(cftime.date2num(stamps, units, "standard")).astype(dtype), time_attrs),
                "lat": ("lat", ENCODING_LAT, {"units": "degrees_north"}),
                "lon": ("lon", ENCODING_LON, {"units": "degrees_east"})})
    encoding = {"time": {"dtype": dtype, "_FillValue": None}}
    if bounds:
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"] = (("time", "bnds"), np.asarray(cftime.date2num(cells, units, "standard")).astype(dtype))
        encoding["time_bnds"] = {"dtype": dtype, "_FillValue": None}
    dataset.to_netcdf(path, encoding=encoding)
    return path


@pytest.fixture(scope="module", params=[pytest.param("daily", id="daily"), pytest.param("monthly", id="monthly")])
def double_time_run(request, tmp_path_factory):
    """A run (season, lags, target_anomaly) on float64 ``days since 1850-01-01`` with bounds."""
    folder = tmp_path_factory.mktemp(f"double_{request.param}")
    cells = _daily_cells() if request.param == "daily" else _monthly_cells()
    path = _encoded_file(folder / "double.nc", cells, units="days since 1850-01-01", dtype="float64", bounds=True)
    config = build_config({**TINY, "data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                            "features": ["lat", "season"], "lags": {"tas": [1]},
                                            "target_anomaly": True}})
    return request.param, cells, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize("units, dtype, stamp, bounds", [
    pytest.param("days since 1850-01-01", "float32", "middle", True, id="float32-days-with-float32-bounds"),
    pytest.param("days since 1850-01-01", "float32", "middle", False, id="float32-days"),
    pytest.param("seconds since 1970-01-01", "float32", "middle", False, id="float32-seconds-64-s-off"),
    pytest.param("hours since 1900-01-01", "int32", "middle", False, id="int32-hours"),
    pytest.param("hours since 1900-01-01 00:00:00.0", "int64", "start", False, id="era5-int64-hours-at-the-start"),
])
def test_float32_and_integer_time_predict_as_their_float64_twin(double_time_run, tmp_path, units, dtype, stamp,
                                                                bounds):
    """Daily and monthly stamps in float32 days since 1850 (mid-month stamps at 00:00 or 12:00,
    exact in float32), int32 hours and ERA5's int64 hours stamped at the start of each cell (read
    as the cell beginning there): the run on the float64 twin predicts exactly what it predicts
    on its own data, at the same dates. In float32 seconds since 1970 the stamps from 2004 are
    64 s off (the precision is 128 s): daily ones are put back on their grid (with a warning),
    monthly ones, on no regular grid, stay within that precision of their dates."""
    from climann.workflow.predict import predict_files

    frequency, cells, run_dir = double_time_run
    path = _encoded_file(tmp_path / "encoded.nc", cells, units=units, dtype=dtype, stamp=stamp, bounds=bounds)
    predict_files(run_dir, [str(path)], tmp_path / "predicted.nc")
    coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(tmp_path / "predicted.nc", decode_times=coder) as new, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=coder) as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)
        stamps = [start + (end - start) / 2 if stamp == "middle" else start for start, end in cells]
        off = [abs((written - expected).total_seconds()) for written, expected in zip(new["time"].values, stamps)]
    assert max(off) == (64 if units.startswith("seconds") and frequency == "monthly" else 0)

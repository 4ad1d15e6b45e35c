"""Persistence under ``--time-stride`` (break47c A7): one rule at every step length.

The series a stride n keeps is the series the run forecasts; its persistence is that series'
previous value, n steps of the file earlier (AMS Glossary of Meteorology, "persistence": the
previous value in a time series). A step of the file that is missing is not bridged: the value
kept after it has no persistence, and one warning line says how many such values there are.
Each expected score is numpy's shift by one of the strided series read from the raw file, a pair
kept only where the two values' places on the file's complete axis, counted as the file was
written, are n apart.
"""

import datetime
import logging

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.evaluation.predictions import split_labels
from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.workflow.test_pipeline_baselines import TINY, write_series

#: Each series: its step and how many steps of it the file holds when complete.
SERIES = {"hourly": (datetime.timedelta(hours=1), 24 * 30), "3-hourly": (datetime.timedelta(hours=3), 8 * 60),
          "6-hourly": (datetime.timedelta(hours=6), 4 * 90), "daily": (datetime.timedelta(days=1), 365 * 2),
          "pentad": ("pentad", 73 * 4), "monthly": ("month", 12 * 8)}


def _complete(kind: str) -> np.ndarray:
    """The complete axis of ``kind``: step k at its place k (CPC pentads: 73 a year, the 12th six
    days long in a leap year; months stamped on the 15th; fixed steps from 1 January 2001)."""
    step, count = SERIES[kind]
    if step == "pentad":
        times = []
        for year in range(2001, 2001 + count // 73):
            first = cftime.DatetimeGregorian(year, 1, 1)
            times += [first + datetime.timedelta(days=5 * k + int(year % 4 == 0 and k > 11)) for k in range(73)]
        return np.array(times)
    if step == "month":
        return np.array([cftime.DatetimeNoLeap(2001 + k // 12, k % 12 + 1, 15) for k in range(count)])
    start = cftime.DatetimeNoLeap(2001, 1, 1)
    return np.array([start + step * k for k in range(count)])


def _expected_scores(raw, places, stride, labels):
    """Per block, numpy's persistence MSE and value count of the strided series: the raw
    values kept one in ``stride`` (by index, as the stride keeps the steps the file holds),
    each scored against the value kept before it where their ``places`` on the complete axis
    are ``stride`` apart, with cos(latitude) weights."""
    kept, kept_places = raw[::stride], places[::stride]
    paired = np.diff(kept_places) == stride
    errors = kept[1:] - kept[:-1]
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((1, 3, 4))
    scores = {}
    for block in ("train", "val", "test"):
        chosen = paired & (labels[1:] == block)
        if chosen.any():
            squared = (weights * errors[chosen] ** 2).sum() / (weights.sum() * chosen.sum())
            scores[block] = (squared, int(chosen.sum()) * 12)
    return scores, int((~paired).sum())


def _train_and_compare(tmp_path, times, places, stride, caplog, *, calendar):
    path = write_series(tmp_path / "series.nc", times, seed=7, calendar=calendar)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "time_stride": stride},
                "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}, "evaluation": {"figures": False}}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(path) as opened:
        raw = opened["tas"].values.astype(np.float64)
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = split_labels(predictions["split"])
    assert len(labels) == len(raw[::stride])
    expected, unpaired = _expected_scores(raw, places, stride, labels)
    assert set(expected) == {block for block, models in run.metrics["splits"].items() if "persistence" in models}
    for block, (mse, count) in expected.items():
        scored = run.metrics["splits"][block]["persistence"]
        assert scored["n_samples"] == count, block
        np.testing.assert_allclose(scored["mse"], mse, rtol=1e-5, err_msg=block)
    return unpaired, [record.getMessage() for record in caplog.records if "persistence is missing" in
                      record.getMessage()]


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
@pytest.mark.parametrize("kind", list(SERIES))
def test_persistence_of_a_strided_series_is_numpys_shift_by_one(tmp_path, caplog, kind, stride):
    """Hourly, 3-hourly, 6-hourly, daily, pentad and monthly series kept one in 1 to 4: the
    persistence score of every block is numpy's shift by one of the strided raw values. Before,
    6-hourly data one in four, daily, pentad and monthly data one in two or more had none
    ("6 hours cells 1 day apart", "the run's own time selection … thinned the pentads"), while
    hourly and 3-hourly data kept theirs."""
    times = _complete(kind)
    unpaired, said = _train_and_compare(tmp_path, times, np.arange(len(times)), stride, caplog,
                                        calendar="standard" if kind == "pentad" else "noleap")
    assert unpaired == 0 and said == []


@pytest.mark.parametrize(("kind", "stride"), [("hourly", 3), ("3-hourly", 2), ("6-hourly", 4), ("daily", 2),
                                              ("pentad", 3), ("monthly", 2)])
def test_a_step_missing_from_the_file_is_not_bridged_under_a_stride(tmp_path, caplog, kind, stride):
    """The file lacks a step in each block: the stride keeps one in n of the steps it holds,
    so the value kept after each gap lies more than n steps after the one kept before it. Its
    persistence is missing (numpy's pairs n steps apart only), and one warning line says how
    many values lack it; before, such an axis had no persistence at all ("no regular step")."""
    complete = _complete(kind)
    n = len(complete)
    missing = [n // 4, (85 * n) // 100, (95 * n) // 100]  # in the training, validation and test blocks
    times, places = np.delete(complete, missing), np.delete(np.arange(n), missing)
    unpaired, said = _train_and_compare(tmp_path, times, places, stride, caplog,
                                        calendar="standard" if kind == "pentad" else "noleap")
    assert unpaired >= 1
    span = {"hourly": "3 hours", "3-hourly": "6 hours", "6-hourly": "1 day", "daily": "2 days",
            "pentad": "3 pentads", "monthly": "2 months"}[kind]
    assert set(said) == {
        f"persistence is missing at {unpaired} time step{'s' if unpaired > 1 else ''} after gaps in the {kind} time "
        f"axis, of which the run kept one step in {stride} (--time-stride {stride}): the value {span} before each "
        "(one step of the series kept) is not in the data, and the value kept before the gap is not taken in its "
        "place"}


# The three products of break47c A7, written small as users get them.

def _jra55_analyses(path, days=120):
    """JRA-55 ``anl_surf125`` as ``ncl_convert2nc`` writes it: 6-hourly instantaneous analyses
    on ``initial_time0_hours`` (hours since 1800-01-01), latitude descending (``g0_lat_1``), no
    standard names or time bounds, each field's lead ``forecast_time = 0`` hours; 2 m temperature
    ``TMP_GDS0_HTGL`` and surface pressure."""
    rng = np.random.default_rng(1)
    lat, lon = np.array([45.0, 43.75, 42.5, 41.25]), np.array([135.0, 136.25, 137.5, 138.75, 140.0])
    hours = 876_576.0 + 6.0 * np.arange(4 * days)  # 2000-01-01 00:00 on
    pressure = 101_000 - 50 * (lat[None, :, None] - 30) + rng.normal(0, 300, (hours.size, lat.size, lon.size))
    temperature = 300 - 0.6 * (lat[None, :, None] - 30) + 0.002 * (pressure - 101_000) + rng.normal(0, 1, pressure.shape)
    dims = ("initial_time0_hours", "g0_lat_1", "g0_lon_2")
    analysis = {"forecast_time": 0, "forecast_time_units": "hours"}  # NCL's attributes of every analysis field
    xr.Dataset(
        {"TMP_GDS0_HTGL": (dims, temperature.astype(np.float32), {"long_name": "Temperature", "units": "K",
                                                                  "level_indicator": 105, **analysis}),
         "PRES_GDS0_SFC": (dims, pressure.astype(np.float32), {"long_name": "Pressure", "units": "Pa", **analysis})},
        coords={"initial_time0_hours": (dims[0], hours, {"long_name": "initial time",
                                                          "units": "hours since 1800-01-01 00:00"}),
                "g0_lat_1": (dims[1], lat, {"long_name": "latitude", "units": "degrees_north"}),
                "g0_lon_2": (dims[2], lon, {"long_name": "longitude", "units": "degrees_east"})},
    ).to_netcdf(path, format="NETCDF4_CLASSIC")
    return path


def _merra2_means(path, days=60):
    """MERRA-2 ``tavg3`` as GES DISC serves it: 3-hourly means stamped at their middles, 01:30,
    04:30, …, ``time`` in minutes since 01:30 of the first day, no time bounds."""
    rng = np.random.default_rng(5)
    lat, lon = np.array([40.0, 40.5, 41.0]), np.array([0.0, 0.625, 1.25, 1.875])
    minutes = 180 * np.arange(8 * days)
    hour = (1.5 + minutes / 60) % 24
    surface = 101_000 - 200 * (lat[None, :, None] - 40) + rng.normal(0, 300, (minutes.size, lat.size, lon.size))
    temperature = (285 + 4 * np.cos(2 * np.pi * (hour - 13) / 24)[:, None, None] + 0.003 * (surface - 101_000)
                   + rng.normal(0, 0.7, surface.shape))
    dims = ("time", "lat", "lon")
    xr.Dataset(
        {"T2M": (dims, temperature.astype(np.float32), {"long_name": "2-meter_air_temperature", "units": "K"}),
         "PS": (dims, surface.astype(np.float32), {"long_name": "surface_pressure", "units": "Pa"})},
        coords={"time": (dims[0], minutes, {"long_name": "time", "units": "minutes since 2010-01-01 01:30:00",
                                            "time_increment": 30000, "begin_time": 13000}),
                "lat": (dims[1], lat, {"long_name": "latitude", "units": "degrees_north"}),
                "lon": (dims[2], lon, {"long_name": "longitude", "units": "degrees_east"})},
    ).to_netcdf(path)
    return path


def _uhslc_hourly(folder, days=90):
    """A UHSLC research-quality hourly file of two stations (``record_id``, ``days since
    1700-01-01``, sea level in int16 mm with a −32767 fill, a 5-day outage and scattered missing
    hours) and the stations' pressure and wind beside it. Returns the sea level as written, mm,
    shape (n_station, n_time), NaN where missing."""
    rng = np.random.default_rng(2)
    count = 24 * days
    hours = np.arange(count, dtype=float)
    days_since = 113_957.0 + hours / 24  # 2012-01-01 on
    pressure = 1015 + 4 * np.sin(2 * np.pi * hours / (24 * 5.3))[None] + rng.normal(0, 1.5, (2, count))
    wind = 6 + 3 * np.sin(2 * np.pi * hours / (24 * 7.1))[None] + rng.normal(0, 1, (2, count))
    tide = 250 * np.cos(2 * np.pi * hours / 12.4206) + 150 * np.cos(2 * np.pi * hours / 23.9345)
    level = np.round(1500 + tide[None] - 10 * (pressure - 1013.25) + 8 * wind + rng.normal(0, 20, (2, count)))
    level[0, count // 2: count // 2 + 120] = np.nan
    level[:, rng.random(count) < 0.01] = np.nan
    stored = np.where(np.isnan(level), -32767, level).astype(np.int16)
    time = {"time": ("time", days_since, {"long_name": "time", "units": "days since 1700-01-01 00:00:00",
                                          "standard_name": "time", "axis": "T"})}
    station = {"record_id": ("record_id", np.array([570, 560], np.int16),
                             {"long_name": "unique identifier of station record"}),
               "lat": ("record_id", np.array([21.307, 21.955], np.float32),
                       {"units": "degrees_north", "standard_name": "latitude"}),
               "lon": ("record_id", np.array([202.135, 200.645], np.float32),
                       {"units": "degrees_east", "standard_name": "longitude"})}
    sea = xr.Dataset({"sea_level": (("record_id", "time"), stored,
                                    {"long_name": "relative sea level", "units": "millimeters",
                                     "standard_name": "sea_surface_height_above_reference_level",
                                     "_FillValue": np.int16(-32767)})},
                     coords={**time, **station}, attrs={"featureType": "timeSeries"})
    sea.to_netcdf(folder / "uhslc_rqh.nc")
    met = xr.Dataset({"msl": (("record_id", "time"), pressure.astype(np.float32),
                              {"units": "hPa", "standard_name": "air_pressure_at_mean_sea_level"}),
                      "u10": (("record_id", "time"), wind.astype(np.float32),
                              {"units": "m s-1", "standard_name": "eastward_wind"})},
                     coords={**time, **station}, attrs={"featureType": "timeSeries"})
    met.to_netcdf(folder / "met_at_stations.nc")
    return level


def _strided_scores(kept, weights, labels):
    """numpy's persistence MSE and count per block of ``kept`` (time first), the value kept
    before each, pairs with a missing value left out, weighted by ``weights`` (one per cell)."""
    errors = kept[1:] - kept[:-1]
    scores = {}
    for block in ("train", "val", "test"):
        chosen = errors[labels[1:] == block]
        held = np.isfinite(chosen)
        weight = np.broadcast_to(weights, chosen.shape)[held]
        if held.any():
            scores[block] = ((weight * chosen[held] ** 2).sum() / weight.sum(), int(held.sum()))
    return scores


@pytest.mark.parametrize("product", ["jra55-6-hourly-stride-4", "merra2-3-hourly-stride-2", "uhslc-hourly-stride-3"])
def test_the_three_products_of_break47c_keep_the_persistence_of_the_series_kept(tmp_path, product):
    """break47c A7: JRA-55's 6-hourly analyses at --time-stride 4 lost their persistence ("6
    hours cells 1 day apart"), while MERRA-2's 3-hourly means at stride 2 and UHSLC's hourly sea
    level at stride 3 kept theirs. One rule now: each keeps the value one step of its strided
    series earlier (1 day, 6 hours, 3 hours), numpy's shift by one of the strided raw values."""
    if product.startswith("jra55"):
        path, stride = _jra55_analyses(tmp_path / "anl_surf125.nc"), 4
        data = {"paths": [str(path)], "target": "TMP_GDS0_HTGL", "predictors": ["PRES_GDS0_SFC"]}
        with xr.open_dataset(path) as opened:
            raw = opened["TMP_GDS0_HTGL"].values.astype(np.float64)
            weights = np.cos(np.deg2rad(opened["g0_lat_1"].values))[:, None] * np.ones(raw.shape[2])
    elif product.startswith("merra2"):
        path, stride = _merra2_means(tmp_path / "MERRA2_300.tavg3.nc"), 2
        data = {"paths": [str(path)], "target": "T2M", "predictors": ["PS"]}
        with xr.open_dataset(path) as opened:
            raw = opened["T2M"].values.astype(np.float64)
            weights = np.cos(np.deg2rad(opened["lat"].values))[:, None] * np.ones(raw.shape[2])
    else:
        raw, stride = _uhslc_hourly(tmp_path)[0][:, None], 3  # the station chosen: record_id 570
        data = {"paths": [str(tmp_path / "uhslc_rqh.nc"), str(tmp_path / "met_at_stations.nc")],
                "target": "sea_level", "predictors": ["msl", "u10"], "select": {"record_id": 570}}
        weights = np.ones(1)
    settings = {"data": {**data, "time_stride": stride}, "model": {"hidden": [4]}, "training": TINY | {"epochs": 1},
                "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = split_labels(predictions["split"])
    assert len(labels) == len(raw[::stride])
    expected = _strided_scores(raw[::stride], weights, labels)
    assert set(expected) == {"train", "val", "test"}
    for block, (mse, count) in expected.items():
        scored = run.metrics["splits"][block]["persistence"]
        assert scored["n_samples"] == count, block
        np.testing.assert_allclose(scored["mse"], mse, rtol=1e-5, err_msg=block)


def test_a_stride_over_a_months_selection_leaves_persistence_out_where_the_months_are_apart(tmp_path):
    """--months 1 --time-stride 2 of monthly means: every other January, 1-month cells 24 months
    apart. One step of the series kept is 2 months, and the value 2 months before a January kept is
    never in the data: persistence is left out with the stride named (before, the reason named
    the months alone, "1 month cells 24 months apart … the value 1 month earlier")."""
    times = _complete("monthly")
    path = write_series(tmp_path / "series.nc", times, seed=7)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "months": [1], "time_stride": 2},
                "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}, "evaluation": {"figures": False}}
    metrics = run_training(build_config(settings), run_dir=tmp_path / "run").metrics
    assert all("persistence" not in models for models in metrics["splits"].values())
    assert {note["reason"] for note in metrics["notes"] if note["model"] == "persistence"} == {
        "its values are 1 month cells (a subset of the steps, without time bounds), of which the run kept one step "
        "in 2 (--time-stride 2), 24 months apart: the value 2 months earlier (2 cells of 1 month before each), which "
        "persistence forecasts with, is not in the data"}


def _strided_months_causes(complete: np.ndarray, missing: list[int], months: list[int], stride: int) -> tuple[int, int]:
    """numpy's count, on the monthly ``complete`` axis less the steps ``missing``, of the values a ``--months``
    selection kept one in ``stride`` (by index, as the stride keeps the steps the selection holds) whose value
    ``stride`` months earlier is not kept: those whose month then is one the selection leaves out, and the others."""
    held = np.delete(complete, missing)
    kept = [time for time in held if time.month in months][::stride]
    places = {time.year * 12 + time.month - 1 for time in kept}
    earlier = [time.year * 12 + time.month - 1 - stride for time in kept]
    lacking = [place for place in earlier if place not in places]
    left_out = sum(place % 12 + 1 not in months for place in lacking)
    return left_out, len(lacking) - left_out


@pytest.mark.parametrize("missing", [pytest.param([], id="complete"), pytest.param([26, 62, 86], id="three-missing")])
def test_a_stride_over_months_splits_the_missing_persistence_by_its_cause_as_numpy_counts(tmp_path, caplog, missing):
    """fix49c: --months 1-6 --time-stride 2 of monthly means, three months missing from the file. The warning
    split the steps without persistence by the spacing of the steps kept, one step back ("5 after a month the time
    selection leaves out, 6 after gaps"); numpy counts, 2 months back on the file's axis, 8 in a month left out and
    3 after the gaps. Without gaps, all of them are in a month left out, the value 2 months before named."""
    complete = _complete("monthly")
    path = write_series(tmp_path / "series.nc", np.delete(complete, missing), seed=7, calendar="noleap")
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "months": [1, 2, 3, 4, 5, 6], "time_stride": 2},
                "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}, "evaluation": {"figures": False}}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run_training(build_config(settings), run_dir=tmp_path / "run")
    left_out, gaps = _strided_months_causes(complete, missing, [1, 2, 3, 4, 5, 6], 2)
    assert (left_out, gaps) == ((8, 3) if missing else (8, 0))
    said = [record.getMessage() for record in caplog.records if "persistence is missing" in record.getMessage()]
    head = (f"persistence is missing at {left_out + gaps} time steps of the series the run kept (one step in 2 "
            "(--time-stride 2)): the value 2 months before")
    months = "in a month the time selection (--months/--seasons) leaves out"
    assert said == ([f"{head} (one step of that series) is at {left_out} {months}, at {gaps} after gaps in the monthly "
                     "time axis not in the data (the value kept before a gap is not taken in its place)"] if gaps
                    else [f"{head} each (one step of that series) is {months}"])


@pytest.mark.parametrize(("kind", "stride", "step"), [
    pytest.param("monthly", 2, {"name": "every 2 months", "months": 2, "microseconds": 0}, id="monthly-2"),
    pytest.param("daily", 3, {"name": "3 days", "months": 0, "microseconds": 3 * 86_400_000_000}, id="daily-3")])
def test_a_strided_run_with_gaps_records_the_files_step_times_the_stride(tmp_path, kind, stride, step):
    """fix49c: model.npz's ``time_step`` of a strided run is the step of the series kept, the file's step × the
    stride (numpy: the complete axis's spacing × stride), with or without steps missing from the file. With three
    missing, the steps kept were of no one spacing: monthly data kept one in two recorded "monthly", daily ones
    kept one in three none."""
    complete = _complete(kind)
    n = len(complete)
    spacing = (complete[1].month - complete[0].month, 0) if kind == "monthly" else (0, (complete[1] - complete[0]))
    expected = {"months": spacing[0] * stride,
                "microseconds": 0 if kind == "monthly" else int(stride * spacing[1] / datetime.timedelta(microseconds=1))}
    assert {key: step[key] for key in expected} == expected
    steps = {}
    for name, missing in (("complete", []), ("gaps", [n // 4, (85 * n) // 100, (95 * n) // 100])):
        path = write_series(tmp_path / f"{name}.nc", np.delete(complete, missing), seed=7, calendar="noleap")
        settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                             "time_stride": stride},
                    "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}, "evaluation": {"figures": False}}
        run = run_training(build_config(settings), run_dir=tmp_path / name)
        steps[name] = Network.load(run.run_dir / "model.npz").metadata["time_step"]
    assert steps == {"complete": step, "gaps": step}

"""Period calendars without time bounds are dated by their cells' middles, as the same files with bounds are
(break49e A1): NOAA PSL stamps CPC's and GPCP's pentads (73 a year, the 12th 6 days long in a leap year) on
each pentad's first day without ``time_bnds``; ``--months 6`` kept the pentads stamped in June (30 June –
4 July, 4 of its 5 days in July) and left out 31 May – 4 June, and the scores per season were by the stamps
(JJA 1981 climatology MSE 51.4697 over 18 pentads where 51.5001 over 19 is right), while the same file with
``time_bnds`` [start, next start] gave the right set. Dekads stamped on the 1st, 11th and 21st likewise."""

import datetime
import json
import logging

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training

LAT, LON = [-40.0, -10.0, 20.0], [0.0, 90.0, 180.0, 270.0]
YEARS = (1979, 1980, 1981)  # train 1979, val 1980 (a leap year), test 1981
SEASONS = {12: "DJF", 1: "DJF", 2: "DJF", 3: "MAM", 4: "MAM", 5: "MAM", 6: "JJA", 7: "JJA", 8: "JJA", 9: "SON",
           10: "SON", 11: "SON"}


def _pentads() -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """CPC's pentads of :data:`YEARS`: starts, and ends (the next start; the year's last to 1 January)."""
    starts = []
    for year in YEARS:
        day = datetime.datetime(year, 1, 1)
        for k in range(73):
            starts.append(day)
            day += datetime.timedelta(days=6 if (k == 11 and year % 4 == 0) else 5)
    return starts, [*starts[1:], datetime.datetime(YEARS[-1] + 1, 1, 1)]


def _dekads() -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """Dekads 1–10, 11–20, 21st to the month's end of :data:`YEARS`: starts and ends."""
    starts = [datetime.datetime(year, month, day) for year in YEARS for month in range(1, 13) for day in (1, 11, 21)]
    return starts, [*starts[1:], datetime.datetime(YEARS[-1] + 1, 1, 1)]


CALENDARS = {"pentads": _pentads, "dekads": _dekads}


def _write(path, starts, ends, values, *, bounds: bool, stamps=None) -> None:
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", None), ("lat", len(LAT)), ("lon", len(LON)), ("nv", 2)):
            nc.createDimension(dim, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "hours since 1800-01-01 00:00:0.0", "standard_name": "time", "calendar": "standard",
                        **({"bounds": "time_bnds"} if bounds else {})})
        time[:] = netCDF4.date2num(starts if stamps is None else stamps, time.units, "standard")
        if bounds:
            nc.createVariable("time_bnds", "f8", ("time", "nv"))[:] = np.stack(
                [netCDF4.date2num(starts, time.units, "standard"), netCDF4.date2num(ends, time.units, "standard")], 1)
        for dim, units, coordinate in (("lat", "degrees_north", LAT), ("lon", "degrees_east", LON)):
            variable = nc.createVariable(dim, "f4", (dim,))
            variable.setncatts({"units": units, "standard_name": "latitude" if dim == "lat" else "longitude"})
            variable[:] = coordinate
        variable = nc.createVariable("precip", "f4", ("time", "lat", "lon"))
        variable.setncatts({"units": "mm/day", "long_name": "Pentad Mean Precipitation"})
        variable[:] = values


def _run(tmp_path, name: str, months: list[int], **data) -> xr.Dataset:
    config = build_config({"data": {"paths": [str(tmp_path / f"{name}.nc")], "target": "precip",
                                    "features": ["lat", "season"], **({"months": months} if months else {}), **data},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / f"run_{name}").run_dir
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as opened:
        predictions = opened.load()
    predictions.attrs["metrics"] = json.loads((run_dir / "metrics.json").read_text())
    return predictions


@pytest.mark.parametrize("calendar", sorted(CALENDARS))
def test_a_period_calendar_without_bounds_is_chosen_and_scored_as_with_its_bounds(tmp_path, caplog, calendar):
    """``--months 5,6`` keeps, without bounds, the steps it keeps with ``time_bnds`` [start, next start]: those
    whose middle (start + (end − start) / 2, numpy on the calendar built here) is in May or June, the pentad
    of 31 May – 4 June (middle 2 June) among them and 30 June – 4 July (middle 2 July) not; the test block's
    climatology MSE of MAM and JJA (numpy: 1981 against 1979's same period of the year, weighted by the cells'
    areas) is that of those steps in both files; the stamps' reading is said in one warning line."""
    starts, ends = CALENDARS[calendar]()
    rng = np.random.default_rng(49)
    values = (4 + rng.gamma(2.0, 1.0, (len(starts), len(LAT), len(LON)))).astype("f4")
    _write(tmp_path / "plain.nc", starts, ends, values, bounds=False)
    _write(tmp_path / "bounded.nc", starts, ends, values, bounds=True)
    forget_notes()  # said once per run: this test's run
    with caplog.at_level(logging.WARNING):
        plain = _run(tmp_path, "plain", [5, 6])
    said = [record.getMessage() for record in caplog.records if "stamped at the start of each" in record.getMessage()]
    bounded = _run(tmp_path, "bounded", [5, 6])

    middles = [start + (end - start) / 2 for start, end in zip(starts, ends)]
    chosen = np.array([middle.month in (5, 6) for middle in middles])
    expected = [start.strftime("%Y-%m-%d") for start, keep in zip(starts, chosen) if keep]
    for predictions in (plain, bounded):
        kept = [time.strftime("%Y-%m-%d") for time in predictions["time"].values]
        assert kept == expected
    if calendar == "pentads":
        assert "1981-05-31" in expected and "1981-06-30" not in expected
    assert len(said) == 1 and f"start of each {calendar[:-1]}" in said[0]

    area = plain["cell_area"].values.astype("f8")
    year = np.array([start.year for start in starts])
    place = np.array([k for y in YEARS for k in range(sum(year == y))])  # the period of the year, 0-based
    for season in ("MAM", "JJA"):
        test = np.flatnonzero(chosen & (year == 1981) & np.array([SEASONS[m.month] == season for m in middles]))
        train = np.array([np.flatnonzero((year == 1979) & (place == place[k]))[0] for k in test])
        squared = (values[train].astype("f8") - values[test].astype("f8")) ** 2
        mse = (squared * area).sum() / (area.sum() * len(test))
        for predictions in (plain, bounded):
            scores = predictions.attrs["metrics"]["seasons"]["test"][season]["climatology"]
            assert scores["mse"] == pytest.approx(mse, rel=1e-9)
            assert scores["n_samples"] == len(test) * len(LAT) * len(LON)


def test_a_period_run_trained_before_its_cells_were_inferred_is_rescored_by_its_stamps(tmp_path):
    """A pentad run's model.npz without ``time_periods_dated_by_cells`` (trained before 7 December 2026) chose
    ``--months`` by the pentads' stamps, whatever ``selection_dated_by`` it recorded: ``climann evaluate RUN``
    scores it on the steps so chosen (30 June – 4 July in, 31 May – 4 June out), as it was trained, and the
    run of today on those chosen by the middles."""
    from climann.workflow.predict import evaluate_run
    from tests.conftest import run_written_before

    starts, ends = _pentads()
    values = (4 + np.random.default_rng(7).gamma(2.0, 1.0, (len(starts), len(LAT), len(LON)))).astype("f4")
    _write(tmp_path / "plain.nc", starts, ends, values, bounds=False)
    _run(tmp_path, "plain", [6])
    old = run_written_before(tmp_path / "run_plain", tmp_path / "old", "time_periods_dated_by_cells")
    evaluate_run(old, out=tmp_path / "old_scored")
    evaluate_run(tmp_path / "run_plain", out=tmp_path / "new_scored")
    middles = [start + (end - start) / 2 for start, end in zip(starts, ends)]
    for folder, dates in (("old_scored", starts), ("new_scored", middles)):
        with xr.open_dataset(tmp_path / folder / "predictions.nc",
                             decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as scored:
            kept = [time.strftime("%Y-%m-%d") for time in scored["time"].values]
        assert kept == [start.strftime("%Y-%m-%d") for start, date in zip(starts, dates) if date.month == 6]


@pytest.mark.parametrize("bounds", [False, True], ids=["without-bounds", "with-bounds"])
def test_plot_time_of_a_day_draws_the_dekad_that_holds_it(tmp_path, bounds):
    """break50a A2: Copernicus Global Land's dekads are stamped on their last day (10th, 20th, month's end);
    ``predictions.nc`` kept no time bounds, and ``plot --time 1981-07-21`` drew the dekad 11–20 July (the stamp
    nearest), ``--time 1981-07-15`` 1–10 July. predictions.nc now carries ``time_bnds`` [start, next start] of each
    dekad (numpy's, built here), with or without bounds in the input, and a day draws the dekad holding it, also
    from a file without them (one written before)."""
    from climann.evaluation.figures.files import open_prediction_file, prediction_file_maps

    starts, ends = _dekads()
    stamps = [end - datetime.timedelta(days=1) for end in ends]  # the 10th, the 20th, the month's last day
    values = np.random.default_rng(50).gamma(2.0, 1.0, (len(starts), len(LAT), len(LON))).astype("f4")
    _write(tmp_path / "gls.nc", starts, ends, values, bounds=bounds, stamps=stamps)
    predictions = _run(tmp_path, "gls", [])
    kept = [time.strftime("%Y-%m-%d") for time in predictions["time"].values]
    assert kept == [stamp.strftime("%Y-%m-%d") for stamp in stamps]  # the file's own stamps
    name = predictions["time"].attrs["bounds"]
    written = predictions[name].values
    assert [(low.strftime("%Y-%m-%d"), high.strftime("%Y-%m-%d")) for low, high in written] == [
        (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")) for start, end in zip(starts, ends)]
    unbounded = tmp_path / "unbounded.nc"  # as predictions.nc was written before 7 December 2026
    with xr.open_dataset(tmp_path / "run_gls" / "predictions.nc", decode_times=False) as opened:
        plain = opened.drop_vars(name).load()
    del plain["time"].attrs["bounds"]
    plain.to_netcdf(unbounded)
    truth = predictions["precip"].transpose("time", "lat", "lon").values
    for path in (tmp_path / "run_gls" / "predictions.nc", unbounded):
        with open_prediction_file(path) as dataset:
            for day in ("1981-07-01", "1981-07-10", "1981-07-11", "1981-07-15", "1981-07-20", "1981-07-21",
                        "1981-07-31", "1981-02-28", "1980-02-29", "1980-12-25"):
                date = datetime.datetime.strptime(day, "%Y-%m-%d")
                holding = [k for k, (start, end) in enumerate(zip(starts, ends)) if start <= date < end]  # numpy
                maps = prediction_file_maps(dataset, time=day, where="predictions.nc")
                assert list(maps.steps) == holding, (path.name, day)
                np.testing.assert_array_equal(maps.truth, truth[holding[0]])


@pytest.fixture(scope="module")
def end_stamped_dekads(tmp_path_factory):
    """A run trained on dekads stamped on their last days without bounds (Copernicus Global Land's), its file,
    and the dekads' starts and ends."""
    folder = tmp_path_factory.mktemp("dekads")
    starts, ends = _dekads()
    stamps = [end - datetime.timedelta(days=1) for end in ends]
    values = np.random.default_rng(51).gamma(2.0, 1.0, (len(starts), len(LAT), len(LON))).astype("f4")
    _write(folder / "gls.nc", starts, ends, values, bounds=False, stamps=stamps)
    _run(folder, "gls", [])
    return folder, starts, ends


@pytest.mark.parametrize(("first", "count", "time_range"), [
    pytest.param(60, 1, "1980-09-01,1980-09-10", id="one-dekad-by-time-range"),  # with 31 August kept before it
    pytest.param(60, 1, None, id="a-file-of-one-dekad"),
    pytest.param(60, 2, None, id="a-file-of-two-dekads"),
    pytest.param(59, 3, None, id="a-file-of-three-dekads-10-days-apart"),  # 08-31, 09-10, 09-20
    pytest.param(60, 6, None, id="a-file-of-six-dekads"),
])
def test_predicting_a_few_dekads_writes_their_cells(end_stamped_dekads, tmp_path, caplog, first, count, time_range):
    """break51 N5: one dekad predicted (``--time-range`` of one dekad; its file kept 31 August before it for
    persistence) wrote no ``time_bnds`` where several dekads did, and two or three dekads 10 days apart were read as
    10-day cells from their stamps, with a warning. Each now carries the dekads of the run's calendar as numpy builds
    them here, and nothing is said of 10-day cells."""
    from climann.workflow.predict import predict_files

    folder, starts, ends = end_stamped_dekads
    given = tmp_path / "given.nc"
    with xr.open_dataset(folder / "gls.nc", decode_times=False) as whole:
        whole.isel(time=slice(None) if time_range else slice(first, first + count)).load().to_netcdf(given)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        predict_files(folder / "run_gls", [str(given)], tmp_path / "p.nc", time_range=time_range)
    assert not [record for record in caplog.records if "holds one value every" in record.getMessage()]
    with xr.open_dataset(tmp_path / "p.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as written:
        cells = written[written["time"].attrs["bounds"]].values
    assert [(low.strftime("%Y-%m-%d"), high.strftime("%Y-%m-%d")) for low, high in cells] == [
        (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
        for start, end in zip(starts[first:first + count], ends[first:first + count])]

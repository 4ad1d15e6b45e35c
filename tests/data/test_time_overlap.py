"""Files that overlap in time and times repeated in a file: refused, or resolved lazily."""

import datetime
import re

import cftime
import dask
import numpy as np
import pytest
import xarray as xr

from climann.data.open import expand_paths, open_dataset
from climann.data.subset import select_values
from climann.data.time_axis import time_step_positions
from climann.errors import ClimannError
from tests.conftest import grid_dataset, without_cdo
from tests.forecast_files import s2s_pair
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import without_guards


def _period(first_year, n_years, seed):
    """``grid_dataset`` moved to start in January of ``first_year`` (mid-month dates)."""
    dataset = grid_dataset(n_years=n_years, seed=seed)[["tas", "pred"]]
    times = [cftime.datetime(first_year + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(12 * n_years)]
    return dataset.assign_coords(time=("time", times, dataset["time"].attrs))


@pytest.fixture
def overlapping(tmp_path):
    """hist 2000–2003 and ssp 2003–2006: both hold the 12 months of 2003, with different values."""
    hist, ssp = _period(2000, 4, seed=1), _period(2003, 4, seed=2)
    hist.to_netcdf(tmp_path / "tas_hist_200001-200312.nc")
    ssp.to_netcdf(tmp_path / "tas_ssp_200301-200612.nc")
    return expand_paths([tmp_path]), hist, ssp


def test_overlapping_files_are_named_with_the_dates_they_share(overlapping):
    files, _, _ = overlapping
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert "\n" not in message
    assert "tas_hist_200001-200312.nc and tas_ssp_200301-200612.nc overlap in time" in message
    assert "2003-01-15 … 2003-12-15, 12 time steps in both" in message
    assert 'overlap = "first" or "last"' in message and "--overlap" in message


def test_the_steps_in_both_files_are_counted_without_those_one_file_alone_holds(tmp_path):
    """verify23 F5: a file and its copy without one month were said to share the 144 steps of
    the first; they share 143 (the 12 × 2 months less June 2001, by hand)."""
    whole = _period(2000, 2, seed=1)
    whole.to_netcdf(tmp_path / "s.nc")
    whole.isel(time=[k for k in range(24) if k != 17]).to_netcdf(tmp_path / "gap.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "s.nc", tmp_path / "gap.nc"])
    assert "(2000-01 … 2001-12, 23 time steps in both, 1 more in s.nc alone, stamped" in str(error.value)


@pytest.mark.parametrize(("overlap", "kept"), [pytest.param("first", 1, id="first"), pytest.param("last", 2, id="last")])
def test_first_or_last_keeps_that_files_values(overlapping, overlap, kept):
    files, hist, ssp = overlapping
    combined = open_dataset(files, overlap=overlap)
    times = combined["time"].values
    assert len(times) == 12 * 7 and len(set(times)) == len(times) and all(np.diff(times).astype(bool))
    year_2003 = combined["tas"].sel(time=[t for t in times if t.year == 2003]).values
    expected = (hist if kept == 1 else ssp)["tas"].sel(time=[t for t in hist["time"].values if t.year == 2003]
                                                       if kept == 1 else ssp["time"].values[:12]).values
    np.testing.assert_array_equal(year_2003, expected)
    # outside the overlap each file's own values
    np.testing.assert_array_equal(combined["tas"].values[:36], hist["tas"].values[:36])
    np.testing.assert_array_equal(combined["tas"].values[-36:], ssp["tas"].values[-36:])


def test_overlaps_are_resolved_without_reading_data(overlapping):
    files, _, _ = overlapping

    def refuse(*args, **kwargs):
        raise AssertionError("data were computed while opening the files")

    with dask.config.set(scheduler=refuse):
        combined = open_dataset(files, overlap="last")
    assert isinstance(combined["tas"].data, dask.array.Array)


@pytest.mark.parametrize("overlap", ["first", "error"])
def test_each_file_is_opened_once_for_its_times_and_its_values(overlapping, overlap, monkeypatch):
    """The calendar and overlap plans read the times of the datasets that are then combined:
    each file is opened (and its time decoded) once, and the values equal a fresh opening's."""
    import climann.data.open as opening

    files, _, _ = overlapping
    files = files[:1] if overlap == "error" else files  # one file, or two with an overlap to resolve
    opened = []
    open_one = opening._open_one
    monkeypatch.setattr(opening, "_open_one", lambda path, coder, *rest: opened.append(path.name) or open_one(path, coder, *rest))
    combined = open_dataset(files, overlap=overlap)
    assert sorted(opened) == sorted(path.name for path in files)
    fresh = [xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))["tas"] for path in files]
    expected = fresh[0] if len(fresh) == 1 else xr.concat([fresh[0], fresh[1].isel(time=slice(12, None))], "time")
    np.testing.assert_array_equal(combined["tas"].values, expected.values)


def test_files_of_different_variables_over_one_period_do_not_overlap(tmp_path):
    full = _period(2000, 2, seed=3)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset(expand_paths([tmp_path]))
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)


@pytest.fixture
def repeated(tmp_path):
    """A monthly file whose March and April 2000 appear twice (a merge gone wrong), the
    repeats with other values."""
    dataset = _period(2000, 1, seed=4)
    order = [0, 1, 2, 3, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    doubled = dataset.isel(time=order)
    doubled["tas"][4:6] = doubled["tas"][4:6] + 100  # the second March and April differ
    doubled.to_netcdf(tmp_path / "doubled.nc")
    return tmp_path / "doubled.nc", doubled


def test_repeated_times_in_a_file_are_refused_with_the_dates(repeated):
    path, _ = repeated
    with pytest.raises(ClimannError, match=r"'time' in doubled.nc repeats 2 times \(2000-03-15, 2000-04-15\);.*first"):
        open_dataset([path])


@pytest.mark.parametrize(("overlap", "rows"), [pytest.param("first", [2, 3], id="first"),
                                               pytest.param("last", [4, 5], id="last")])
def test_repeated_times_keep_the_first_or_last_repeat(repeated, overlap, rows):
    path, doubled = repeated
    opened = open_dataset([path], overlap=overlap)
    assert len(opened["time"]) == 12
    np.testing.assert_array_equal(opened["tas"].values[2:4], doubled["tas"].values[rows])
    np.testing.assert_array_equal(opened["tas"].values[4:], doubled["tas"].values[6:])


def test_the_overlap_setting_reaches_the_cli(overlapping, tmp_path):
    from typer.testing import CliRunner

    from climann.cli import app

    files, _, _ = overlapping
    arguments = ["train", "--data", str(files[0]), "--data", str(files[1]), "--predictors", "pred", "--features", "lat",
                 "--epochs", "1", "--hidden", "2", "--quiet", "--set", "evaluation.figures=false"]
    refused = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "a")])
    assert refused.exit_code == 2 and "overlap in time" in refused.output
    assert CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "b"), "--overlap", "bogus"]).exit_code == 2
    trained = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "b"), "--overlap", "first"])
    assert trained.exit_code == 0, trained.output
    written = xr.open_dataset(tmp_path / "runs" / "b" / "predictions.nc", decode_times=False)
    assert written.sizes["time"] == 12 * 7


@pytest.fixture
def unsorted(tmp_path):
    """Three years of monthly data stored 2002, 2000, 2001 (cdo mergetime of unsorted
    inputs), with time bounds that follow each step."""
    dataset = grid_dataset(n_years=3)
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time_bnds"] = (("time", "bnds"), np.stack([dataset["time"].values] * 2, axis=1))
    dataset["time_bnds"].encoding.update(dataset["time"].encoding)
    order = np.concatenate([np.arange(24, 36), np.arange(0, 24)])
    dataset.isel(time=order).to_netcdf(tmp_path / "unsorted.nc")
    return tmp_path / "unsorted.nc", dataset


def test_an_unsorted_time_axis_is_sorted_with_a_warning(unsorted, caplog):
    path, ordered = unsorted
    with caplog.at_level("WARNING"):
        opened = open_dataset([path])
    assert list(opened["time"].values) == list(ordered["time"].values)
    np.testing.assert_array_equal(opened["tas"].values, ordered["tas"].values)
    np.testing.assert_array_equal(opened["time_bnds"].values[:, 0], ordered["time"].values)
    assert ("unsorted.nc: the time axis is not in order (2000-01-15 comes after 2002-12-15); its steps are "
            "sorted by time, as `cdo sorttime` would") in caplog.text


def test_unsorted_and_repeated_times_are_refused_as_repeats_or_kept_once(unsorted, tmp_path):
    path, ordered = unsorted
    twice = xr.concat([xr.open_dataset(path).load(), ordered.isel(time=[5])], dim="time",
                      data_vars="minimal")  # June 2000 again
    twice.to_netcdf(tmp_path / "twice.nc")
    with pytest.raises(ClimannError, match=r"'time' in twice.nc repeats 1 time \(2000-06-15\)"):
        open_dataset([tmp_path / "twice.nc"])
    opened = open_dataset([tmp_path / "twice.nc"], overlap="first")
    assert list(opened["time"].values) == list(ordered["time"].values)
    np.testing.assert_array_equal(opened["tas"].values, ordered["tas"].values)


# A period held twice at two instants: files of one variable (or one file) that hold the same
# month or day stamped differently (an observational product downloaded twice, a CMIP file
# beside observations) hold it twice, as if stamped alike.

def _month(year, month):
    return cftime.datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, calendar="standard")


def _monthly_stamps(first, n, where):
    """``n`` months from ``first`` (year, month), stamped on the 15th at 00:00 ("15th"), at the
    middle of the month ("middle": 16 January 12:00, as CMIP files), on the 1st at 00:00
    ("1st") or at the end of the month ("end", as CESM history files); with the months as cells."""
    starts = [_month(first[0], first[1] + k) for k in range(n)]
    ends = [_month(first[0], first[1] + k + 1) for k in range(n)]
    stamps = {"15th": [start.replace(day=15) for start in starts], "1st": starts, "end": ends,
              "middle": [start + (end - start) / 2 for start, end in zip(starts, ends)]}[where]
    return stamps, np.stack([starts, ends], axis=1)


def _daily_stamps(first, n, hour):
    """``n`` days from ``first`` (a date) at ``hour``, with the days as cells."""
    days = [cftime.datetime(*first, calendar="standard") + datetime.timedelta(days=k) for k in range(n + 1)]
    return [day + datetime.timedelta(hours=hour) for day in days[:-1]], np.stack([days[:-1], days[1:]], axis=1)


def _write_series(path, stamps, cells=None, *, seed=0):
    """``tas`` (time, 2, 3) in K of seeded random values at ``stamps``, with ``time_bnds`` =
    ``cells`` when given; returns the values."""
    values = np.random.default_rng(seed).normal(280.0, 5.0, (len(stamps), 2, 3))
    encoding = {"units": "days since 2000-01-01", "calendar": "standard"}
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), values, {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": ("time", np.array(stamps, dtype=object), {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", [-45.0, 45.0], {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", [60.0, 180.0, 300.0], {"standard_name": "longitude", "units": "degrees_east"})})
    if cells is not None:
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"] = (("time", "bnds"), np.asarray(cells, dtype=object))
    dataset.to_netcdf(path, encoding={"time": encoding, **({"time_bnds": encoding} if cells is not None else {})})
    return values


def _two_downloads(tmp_path, later="middle", *, later_cells=False):
    """v1: January 2000 to January 2003 on the 15th; v2: January 2003 to December 2005 stamped
    as ``later`` (with its cells as bounds when ``later_cells``), other values."""
    stamps, _ = _monthly_stamps((2000, 1), 37, "15th")
    first = _write_series(tmp_path / "v1_tas_200001-200301.nc", stamps, seed=1)
    stamps, cells = _monthly_stamps((2003, 1), 36, later)
    second = _write_series(tmp_path / "v2_tas_200301-200512.nc", stamps, cells if later_cells else None, seed=2)
    return [tmp_path / "v1_tas_200001-200301.nc", tmp_path / "v2_tas_200301-200512.nc"], first, second


@pytest.mark.parametrize(("later", "later_cells", "stamp"), [
    pytest.param("middle", False, "2003-01-16 12:00", id="mid-month-stamps"),
    pytest.param("end", True, "2003-02-01", id="month-ends-with-bounds"),
    pytest.param("1st", True, "2003-01-01", id="1st-with-bounds"),
])
def test_one_month_stamped_differently_in_two_files_is_an_overlap(tmp_path, later, later_cells, stamp):
    files, _, _ = _two_downloads(tmp_path, later, later_cells=later_cells)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value) == (
        "v1_tas_200001-200301.nc and v2_tas_200301-200512.nc overlap in time (2003-01, 1 time step in both, stamped "
        f"2003-01-15 in v1_tas_200001-200301.nc and {stamp} in v2_tas_200301-200512.nc; variables tas); keep the "
        'earlier or the later file\'s values there with [data] overlap = "first" or "last" (--overlap first|last), '
        "or leave one file out")


@pytest.mark.parametrize("overlap", ["first", "last"])
def test_first_or_last_keeps_one_value_a_month_with_the_kept_files_stamp(tmp_path, overlap):
    files, first, second = _two_downloads(tmp_path)
    combined = open_dataset(files, overlap=overlap)
    times = combined["time"].values
    assert [(time.year, time.month) for time in times] == [(2000 + k // 12, k % 12 + 1) for k in range(72)]
    expected = np.concatenate([first, second[1:]]) if overlap == "first" else np.concatenate([first[:36], second])
    np.testing.assert_array_equal(combined["tas"].values, expected)
    assert str(times[36]) == ("2003-01-15 00:00:00" if overlap == "first" else "2003-01-16 12:00:00")


def test_a_month_held_twice_in_one_file_is_a_repeat(tmp_path):
    """`cdo cat` of the two downloads: January 2003 on the 15th, then again at the 16th 12:00."""
    stamps, _ = _monthly_stamps((2000, 1), 37, "15th")
    more, _ = _monthly_stamps((2003, 1), 12, "middle")
    values = _write_series(tmp_path / "cat.nc", stamps + more, seed=3)
    with pytest.raises(ClimannError, match=r"^'time' in cat.nc repeats 1 month \(2003-01, stamped 2003-01-15 and "
                                           r"2003-01-16 12:00\); keep the first or the last of each with "
                                           r".*\(dropping 1 of the file's steps\), or remove"):
        open_dataset([tmp_path / "cat.nc"])
    for overlap, dropped in (("first", 37), ("last", 36)):
        opened = open_dataset([tmp_path / "cat.nc"], overlap=overlap)
        np.testing.assert_array_equal(opened["tas"].values, np.delete(values, dropped, axis=0))


def test_one_day_stamped_differently_in_two_files_is_an_overlap(tmp_path):
    """Daily means at 12:00, then CDO daymean's 09:00: 1 January 2003 in both."""
    stamps, _ = _daily_stamps((2002, 12, 1), 32, 12)
    first = _write_series(tmp_path / "noon.nc", stamps, seed=4)
    stamps, _ = _daily_stamps((2003, 1, 1), 31, 9)
    second = _write_series(tmp_path / "nine.nc", stamps, seed=5)
    files = [tmp_path / "noon.nc", tmp_path / "nine.nc"]
    with pytest.raises(ClimannError, match=r"overlap in time \(2003-01-01, 1 time step in both, stamped "
                                           r"2003-01-01 12:00 in noon.nc and 2003-01-01 09:00 in nine.nc"):
        open_dataset(files)
    np.testing.assert_array_equal(open_dataset(files, overlap="last")["tas"].values,
                                  np.concatenate([first[:31], second]))


@pytest.mark.parametrize("overlap", ["error", "first"])
def test_an_overlap_that_depends_on_the_reading_of_stamps_on_the_1st_is_refused(tmp_path, overlap):
    """ERA5-like stamps on the 1st at 00:00 without bounds, beside mid-month stamps: January
    2003 is in both if a stamp on the 1st opens its month, in neither if it closes the month
    before (then the 1st-stamped file ends in December 2002)."""
    stamps, _ = _monthly_stamps((2000, 1), 37, "1st")
    _write_series(tmp_path / "era.nc", stamps, seed=6)
    stamps, _ = _monthly_stamps((2003, 1), 12, "middle")
    _write_series(tmp_path / "cmip.nc", stamps, seed=7)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "era.nc", tmp_path / "cmip.nc"], overlap=overlap)
    era = tmp_path / "era.nc"
    assert without_guards(bare_python(str(error.value))) == (
        "era.nc stamps tas on the 1st at 00:00 without time bounds (2000-01-01, …): era.nc and cmip.nc overlap in "
        "2003-01 if a stamp there opens its month (ERA5), not at all if it closes the month before (CESM history "
        "files), and climann does not guess; give era.nc time bounds in a copy in a new folder: if each value is of "
        f"the month beginning at its stamp `mkdir -p {tmp_path}/with_bounds && cdo settbounds,month {era} "
        f"{tmp_path}/with_bounds/era.nc`, if of the month ending there `mkdir -p {tmp_path}/with_bounds && cdo "
        f"-settbounds,month -shifttime,-1day {era} {tmp_path}/with_bounds/era.nc`"
        + without_cdo("month", "MS", f"{era} {tmp_path}/with_bounds/era.nc", folder=f"{tmp_path}/with_bounds")
        + f"; then give --data {tmp_path}/cmip.nc --data {tmp_path}/with_bounds/era.nc in place of the --data given, "
        "the copy in place of the original (a --data that still takes the original, as a glob over its folder does, "
        "meets this refusal again)")


def test_files_apart_when_stamps_on_the_1st_open_their_months_are_combined_as_such_a_series_is(tmp_path, caplog):
    """Months with bounds to December 2002, then stamps on the 1st from 1 January 2003: no
    month in both if a stamp on the 1st opens its month, the reading by which a series of
    such stamps beside bounded files is dated, with a warning saying so (December 2002 would
    be in both if it closed the month before)."""
    stamps, cells = _monthly_stamps((2000, 1), 36, "middle")
    _write_series(tmp_path / "bounded.nc", stamps, cells, seed=8)
    stamps, _ = _monthly_stamps((2003, 1), 12, "1st")
    _write_series(tmp_path / "era.nc", stamps, seed=9)
    with caplog.at_level("WARNING"):
        assert open_dataset([tmp_path / "bounded.nc", tmp_path / "era.nc"]).sizes["time"] == 48
    assert "era.nc has no time bounds while bounded.nc has ('time_bnds'): each is dated as on its own" in caplog.text


def test_days_stamped_at_00_and_at_12_that_share_a_day_are_refused_with_the_bounds_of_each_reading(tmp_path):
    """00:00 stamps without bounds to 1 January 2003, then 12:00 stamps from that day (break15
    F3: read as one 12-hourly axis, whose climatology per hour of the day missed every test
    value). With the bounds of the first reading (as `cdo settbounds,day` writes them) the day
    is an overlap that ``first`` resolves."""
    stamps, cells = _daily_stamps((2002, 12, 1), 32, 0)
    first = _write_series(tmp_path / "d00.nc", stamps, seed=10)
    stamps, _ = _daily_stamps((2003, 1, 1), 31, 12)
    second = _write_series(tmp_path / "d12.nc", stamps, seed=11)
    with pytest.raises(ClimannError, match=r"d00.nc and d12.nc overlap in 2003-01-01 if a stamp there opens its day "
                                           r"\(ERA5\), not at all if it closes the day before .*cdo settbounds,day "
                                           r".*cdo -settbounds,day -shifttime,-12hour "):
        open_dataset([tmp_path / "d00.nc", tmp_path / "d12.nc"])
    _write_series(tmp_path / "d00_bounds.nc", _daily_stamps((2002, 12, 1), 32, 0)[0], cells, seed=10)
    files = [tmp_path / "d00_bounds.nc", tmp_path / "d12.nc"]
    with pytest.raises(ClimannError, match=r"overlap in time \(2003-01-01, 1 time step in both, stamped 2003-01-01 in"):
        open_dataset(files)
    np.testing.assert_array_equal(open_dataset(files, overlap="first")["tas"].values,
                                  np.concatenate([first, second[1:]]))


def test_two_stamps_in_one_month_of_an_axis_every_30_days_are_two_steps(tmp_path):
    """Steps of a fixed 30 days in the standard calendar put two stamps in some months
    (1 and 31 January): not a month held twice, the stamps are the steps."""
    stamps = [cftime.datetime(2000, 1, 1, 12, calendar="standard") + datetime.timedelta(days=30 * k)
              for k in range(40)]
    values = _write_series(tmp_path / "every_30_days.nc", stamps, seed=12)
    np.testing.assert_array_equal(open_dataset([tmp_path / "every_30_days.nc"])["tas"].values, values)


@pytest.mark.parametrize("overlap", ["first", "last"])
def test_a_run_on_two_downloads_has_a_climatology_per_calendar_month(tmp_path, overlap):
    """break15 F3: the month held twice was a 1.5-day step, and the climatology was per 1.5-day
    period of the year (test MSE 1.70 against 1.20). With one value a month kept, the test
    climatology's MSE is the NumPy mean per calendar month of the training years."""
    import json

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    files, first, second = _two_downloads(tmp_path)
    config = build_config({
        "data": {"paths": [str(path) for path in files], "target": "tas", "predictors": [], "features": ["lat"],
                 "overlap": overlap, "split_years": {"train": [2000, 2003], "val": [2004, 2004], "test": [2005, 2005]}},
        "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    metrics = json.loads((run_training(config, run_dir=tmp_path / "run").run_dir / "metrics.json").read_text())
    values = np.concatenate([first, second[1:]]) if overlap == "first" else np.concatenate([first[:36], second])
    by_month = values.reshape(6, 12, 2, 3)
    climatology = by_month[:4].mean(axis=0)  # equal cell areas: two latitude bands of one hemisphere each
    assert metrics["climatology_per"] == "calendar month"
    test = metrics["splits"]["test"]["climatology"]
    assert test["n_samples"] == 12 * 6
    assert test["mse"] == pytest.approx(float(((climatology - by_month[5]) ** 2).mean()), rel=1e-6)


def test_a_repeat_in_one_file_that_depends_on_the_reading_of_stamps_on_the_1st_is_refused(tmp_path):
    """Months stamped on the 1st at 00:00, then December 2001 again at its middle: held twice
    if a stamp on the 1st opens its month, not if it closes the month before."""
    stamps, _ = _monthly_stamps((2000, 1), 24, "1st")
    more, _ = _monthly_stamps((2001, 12), 1, "middle")
    _write_series(tmp_path / "mixed.nc", stamps + more, seed=13)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "mixed.nc"], overlap="first")
    assert without_guards(str(error.value)).startswith(
        "'time' in mixed.nc is stamped on the 1st at 00:00 without time bounds (2000-01-01, …) and elsewhere inside its "
        "months: it holds 2001-12 twice if a stamp there opens its month (ERA5), nothing if it closes the month before "
        "(CESM history files), and climann does not guess; give mixed.nc time bounds in a copy in a new folder: if "
        f"each value is of the month beginning at its stamp `mkdir -p {tmp_path}/with_bounds && cdo settbounds,month "
        f"{tmp_path}/mixed.nc {tmp_path}/with_bounds/mixed.nc`")


@pytest.mark.parametrize("units", ["years before present", "ka BP", "year A.D."])
def test_a_time_axis_not_read_as_dates_is_refused_for_its_units_in_either_order(tmp_path, units):
    """verify19 F5: paleo axes run backwards (21 000 … 0 years before present); undecoded, their
    numbers reached the out-of-order warning, which formats dates ("unexpected error:
    AttributeError"). Descending as ascending, the axis is refused for its units."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data, resolve_inputs

    messages = []
    for order in (slice(None), slice(None, None, -1)):
        dataset = grid_dataset(n_years=1).isel(time=order)
        values = np.linspace(1000.0, 1011.0, 12)[order]
        dataset = dataset.assign_coords(time=("time", values, {"units": units}))
        path = tmp_path / f"axis_{order.step}.nc"
        dataset.to_netcdf(path)
        config = build_config({"data": {"paths": [str(path)], "target": "tas"}})
        with pytest.raises(ClimannError) as raised:
            prepare_data(resolve_inputs(config))
        messages.append(str(raised.value).replace(path.name, "FILE"))
    for message in messages:  # (ascending decimal years also get a cdo line that restamps them: not descending)
        assert message.startswith("time coordinate 'time' in FILE could not be read as dates: ")
        assert f"'{units}'" in message


def _grace_solutions(path, second_from=20):
    """JPL GRACE mascon-like (break29a A3): monthly solutions stamped at the middle of their time_bounds, in days
    since 2002-01-01, March 2008 split in two solutions (1-20 March and ``second_from`` March-12 April, both
    centred in March) and no April. Returns the windows and the values."""
    start = datetime.datetime(2002, 1, 1)
    windows = [((2008, 1, 1), (2008, 2, 1)), ((2008, 2, 1), (2008, 3, 1)), ((2008, 3, 1), (2008, 3, 20)),
               ((2008, 3, second_from), (2008, 4, 12)), ((2008, 5, 1), (2008, 6, 1)), ((2008, 6, 1), (2008, 7, 1))]
    bounds = np.array([[(datetime.datetime(*day) - start).days for day in window] for window in windows], "f8")
    values = np.random.default_rng(7).normal(size=(len(windows), 2, 3))
    xr.Dataset({"lwe_thickness": (("time", "lat", "lon"), values, {"units": "cm"}),
                "time_bounds": (("time", "bounds"), bounds)},
               coords={"time": ("time", bounds.mean(axis=1), {"units": "days since 2002-01-01", "bounds": "time_bounds",
                                                              "calendar": "gregorian"}),
                       "lat": [30.25, 30.75], "lon": [250.25, 250.75, 251.25]}).to_netcdf(path)
    return bounds, values


def _ncap2_hyperslab_assignments(command, cwd):
    """The ncap2 of the refusal done with netCDF4-python as ncap2 does it (NCO is not needed): each
    ``-s 'NAME(i)=v'`` or ``-s 'NAME(i,j)=v'`` sets that element in a copy of IN written as OUT."""
    import re
    import shlex
    import shutil

    import netCDF4

    words = shlex.split(command)
    assert words[0] == "ncap2" and words[-3] != "-s"
    source, copy = cwd / words[-2], cwd / words[-1]
    assert not copy.exists()
    shutil.copy(source, copy)
    with netCDF4.Dataset(copy, "a") as dataset:
        for script in words[2:-2:2]:
            name, index, value = re.fullmatch(r"(\w+)\(([\d,]+)\)=(\S+)", script).groups()
            dataset[name][tuple(int(i) for i in index.split(","))] = float(value)
    return copy


@pytest.mark.parametrize("overlap", ["error", "first", "last"])
def test_two_solutions_of_their_own_periods_centred_in_one_month_are_both_kept(tmp_path, overlap):
    """break57b A2: GRACE's solutions 1-20 March and 20 March-12 April 2008 (bounds that differ and do not
    overlap, both centred in March) were refused, and --overlap first|last dropped one. They are two samples of
    periods of their own: whatever ``overlap``, every step is kept with its own stamp and values, and the
    monthly axis gives the later the month the file lacks (April), so persistence pairs it with March's."""
    bounds, values = _grace_solutions(tmp_path / "grace.nc")
    opened = open_dataset([tmp_path / "grace.nc"], overlap=overlap)
    np.testing.assert_array_equal(opened["lwe_thickness"].values, values)
    assert [(time.month, time.day) for time in opened["time"].values] == [
        (1, 16), (2, 15), (3, 10), (3, 31), (5, 16), (6, 16)]
    step, positions = time_step_positions(list(opened["time"].values))
    assert step.name == "monthly" and positions.tolist() == [0, 1, 2, 3, 4, 5]


def test_two_solutions_whose_bounds_overlap_in_one_month_are_refused_with_a_copy_that_keeps_both(tmp_path,
                                                                                                  monkeypatch):
    """break29a A3: solutions 1-20 March and 15 March-12 April 2008 (bounds that overlap, both centred in March)
    were refused as "repeats 1 month", and --overlap last dropped one. The refusal says they are two periods,
    how many steps first and last drop, and a copy that dates the later in April (which the file lacks); run as
    printed, both are kept."""
    monkeypatch.chdir(tmp_path)
    bounds, values = _grace_solutions(tmp_path / "grace.nc", second_from=15)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "grace.nc"])
    message = str(refused.value)
    assert "repeat" in message and "repeats" not in message  # "not a repeat"
    assert message.startswith("'time' in grace.nc holds values whose time bounds differ but overlap, their middles "
                              "in one month: different periods, not a repeat (2008-03: 2008-03-01 … 2008-03-20 and "
                              "2008-03-15 … 2008-04-12)")
    assert "drops the other (dropping 1 of the file's steps) (first: the earlier, last: the later)" in message
    command = message.rsplit("its values unchanged): ", 1)[1]
    copy = _ncap2_hyperslab_assignments(command, tmp_path)
    assert copy.name == "grace_fixed.nc"
    opened = open_dataset([copy])
    months = [(time.year, time.month) for time in opened["time"].values]
    assert months == [(2008, 1), (2008, 2), (2008, 3), (2008, 4), (2008, 5), (2008, 6)]
    np.testing.assert_array_equal(opened["lwe_thickness"].values, values)
    april = (datetime.datetime(2008, 4, 1) - datetime.datetime(2002, 1, 1)).days
    np.testing.assert_array_equal(xr.open_dataset(copy, decode_times=False)["time_bounds"].values[3],
                                  [april, bounds[3, 1]])


def test_the_copy_that_keeps_both_solutions_of_a_zarr_store_run_as_printed_dates_the_later_in_the_month_after(
        tmp_path, monkeypatch):
    """fix31a: for a Zarr store the copy that keeps both solutions was `ncap2 … grace.zarr grace_fixed.nc`, which
    NCO cannot read; it is one xarray line, and run as printed the copy holds both, the later dated in April
    (its lower bound 1 April, its stamp the middle of what is left), every value unchanged."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    bounds, values = _grace_solutions(tmp_path / "grace.nc", second_from=15)
    xr.open_dataset(tmp_path / "grace.nc", decode_times=False).to_zarr("grace.zarr")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "grace.zarr"])
    command = str(refused.value).rsplit("its values unchanged): ", 1)[1]
    assert "ncap2" not in command
    run_python("-c", shlex.split(re.search(r'python -c "[^"]+"', command).group(0))[2],
                   check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "grace_fixed.zarr"])
    months = [(time.year, time.month) for time in opened["time"].values]
    assert months == [(2008, 1), (2008, 2), (2008, 3), (2008, 4), (2008, 5), (2008, 6)]
    np.testing.assert_array_equal(opened["lwe_thickness"].values, values)
    april = (datetime.datetime(2008, 4, 1) - datetime.datetime(2002, 1, 1)).days
    stored = xr.open_zarr(tmp_path / "grace_fixed.zarr", decode_times=False)
    np.testing.assert_array_equal(stored["time_bounds"].values[3], [april, bounds[3, 1]])
    assert stored["time"].values[3] == (april + bounds[3, 1]) / 2


def _s2s_beside_era5(tmp_path):
    """S2S forecasts and daily observations, both of 't2m' (break31a B3), written in tmp_path."""
    forecasts, observations = s2s_pair()
    forecasts.rename(t2m_fc="t2m").to_netcdf(tmp_path / "s2s.nc")
    observations.to_netcdf(tmp_path / "era5.nc")
    return [tmp_path / "s2s.nc", tmp_path / "era5.nc"]


@pytest.mark.parametrize("overlap", ["error", "first", "last"])
def test_a_forecast_beside_observations_of_its_name_is_refused_with_the_rename_that_then_pairs_them(
        tmp_path, overlap):
    """break31a B3: ``[data] overlap`` was advised, which would merge forecasts into observations
    (and then failed with an xarray message). Refused whatever ``overlap`` with the rename; given
    it, member 0 at step 21 equals the observation of each day it is valid for."""
    files = _s2s_beside_era5(tmp_path)
    chosen = {"step": 21, "number": 0}
    with pytest.raises(ClimannError) as error:
        open_dataset(files, select=chosen, overlap=overlap)
    message = str(error.value)
    assert message.startswith("s2s.nc holds forecasts of t2m and era5.nc t2m without a lead time: ")
    assert "--rename 's2s.nc:t2m=t2m_fc'" in message and "overlap = " not in message
    opened = select_values(open_dataset(files, select=chosen, rename={"s2s.nc": {"t2m": "t2m_fc"}}, grid_of="t2m"),
                           chosen)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)
    assert opened.sizes["time"] == 60


def test_a_forecast_store_beside_observations_of_its_name_gets_a_rename_that_runs_on_the_store(tmp_path,
                                                                                              monkeypatch):
    """fix32d: the forecasts as a Zarr store were given `ncrename … s2s.zarr s2s_renamed.nc`, which NCO cannot
    read; now an xarray line that, run as printed, writes a renamed copy of the store beside it, and the copy
    and the observations open as a pair: member 0 at step 21 equals the observation of each day."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    forecasts, observations = s2s_pair()
    forecasts.rename(t2m_fc="t2m").to_zarr(tmp_path / "s2s.zarr")
    observations.to_netcdf(tmp_path / "era5.nc")
    chosen = {"step": 21, "number": 0}
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "s2s.zarr", tmp_path / "era5.nc"], select=chosen)
    message = str(error.value)
    assert message.startswith("s2s.zarr holds forecasts of t2m and era5.nc t2m without a lead time: ")
    assert "ncrename" not in message
    words = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    opened = select_values(open_dataset([tmp_path / "s2s_fixed.zarr", tmp_path / "era5.nc"], select=chosen,
                                        grid_of="t2m"), chosen)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)
    assert opened.sizes["time"] == 60


def _borehole(path, days, *, seed=3):
    """A GTN-P-like borehole file (break43a A4): CF timeSeriesProfile, ground temperature (degC) on
    station (2) x time x depth (3), depth positive down, readings ``days`` after 2000-01-01 00:00
    (irregular instants), a seasonal cycle plus noise, 15 % missing. Returns the values."""
    import netCDF4

    rng = np.random.default_rng(seed)
    days = np.asarray(days, dtype=float)
    depths = np.array([1.0, 2.0, 5.0])
    cycle = -3 + 4 * np.exp(-depths / 2)[None, None, :] * -np.cos(2 * np.pi * (days[None, :, None] - 15) / 365.25)
    values = cycle + rng.normal(0, 0.1, (2, days.size, depths.size))
    values[rng.random(values.shape) < 0.15] = np.nan
    with netCDF4.Dataset(path, "w") as handle:
        handle.Conventions, handle.featureType = "CF-1.8", "timeSeriesProfile"
        for name, size in (("station", 2), ("time", days.size), ("depth", depths.size)):
            handle.createDimension(name, size)
        for name, units, numbers in (("lat", "degrees_north", [78.92, 63.75]), ("lon", "degrees_east", [11.83, -68.5])):
            handle.createVariable(name, "f8", ("station",))[:] = numbers
            handle[name].units, handle[name].standard_name = units, {"lat": "latitude", "lon": "longitude"}[name]
        handle.createVariable("time", "f8", ("time",))[:] = days
        handle["time"].units, handle["time"].calendar = "days since 2000-01-01 00:00:00", "gregorian"
        handle.createVariable("depth", "f4", ("depth",))[:] = depths
        handle["depth"].units, handle["depth"].positive, handle["depth"].axis = "m", "down", "Z"
        temperature = handle.createVariable("ground_temperature", "f4", ("station", "time", "depth"),
                                            fill_value=np.float32(-999.0))
        temperature.units, temperature.standard_name = "degC", "soil_temperature"
        temperature.coordinates = "time lat lon depth"
        temperature[:] = np.where(np.isnan(values), -999.0, values)
    return values


def _readings_every_10_to_50_days(seed=3):
    """Days after 2000-01-01 of readings 10 to 49 days apart over 16 years, the first on 2000-01-01 00:00."""
    rng = np.random.default_rng(seed)
    days = [0]
    while days[-1] < 16 * 365:
        days.append(days[-1] + int(rng.integers(10, 50)))
    return np.array(days[:-1], dtype=float)


def test_irregular_readings_one_of_them_on_the_1st_are_not_a_monthly_axis(tmp_path):
    """break43a A4: a borehole read every 10-50 days (median 30: "monthly") was refused as a monthly axis stamped on
    the 1st at 00:00 and elsewhere inside its months whenever one reading fell on a 1st, with advice that could not
    work (cdo cannot read station x time x depth; the bounds of the xarray line met the same refusal). Its months
    hold two readings and skip one by turns (more than 5 % of the steps each, counted here): readings, not months;
    each is kept, with its own stamp."""
    from climann.data.time_axis import month_number

    days = _readings_every_10_to_50_days()
    steps = np.diff([month_number(cftime.datetime(2000, 1, 1, calendar="standard") + datetime.timedelta(days=day))
                     for day in days])
    assert min(np.count_nonzero(steps == 0), np.count_nonzero(steps == 2)) > 0.05 * steps.size
    assert 28 <= np.median(np.diff(days)) <= 31  # a monthly median step
    values = _borehole(tmp_path / "borehole.nc", days)
    opened = open_dataset([tmp_path / "borehole.nc"], select={"station": 0})
    read = [(stamp.year, stamp.month, stamp.day, stamp.hour) for stamp in opened["time"].values]
    written = [datetime.datetime(2000, 1, 1) + datetime.timedelta(days=day) for day in days]
    assert read == [(date.year, date.month, date.day, date.hour) for date in written]
    assert read[0] == (2000, 1, 1, 0)
    np.testing.assert_allclose(opened["ground_temperature"].values.reshape(values[0].shape), values[0], rtol=1e-6)


def test_irregular_readings_with_one_on_the_1st_train_with_the_climatology_numpy_gives(tmp_path):
    """break43a A4, trained: the climatology of the readings is per calendar month (every reading of the training
    years in that month), its test MSE at 5 m the NumPy mean of the squared departures of the test readings."""
    import json

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    days = _readings_every_10_to_50_days()
    values = _borehole(tmp_path / "borehole.nc", days)
    config = build_config({
        "data": {"paths": [str(tmp_path / "borehole.nc")], "target": "ground_temperature", "predictors": [],
                 "features": ["season"], "select": {"station": 0, "depth": 5.0},
                 "split_years": {"train": [2000, 2011], "val": [2012, 2013], "test": [2014, 2015]}},
        "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    metrics = json.loads((run_training(config, run_dir=tmp_path / "run").run_dir / "metrics.json").read_text())
    dates = [datetime.datetime(2000, 1, 1) + datetime.timedelta(days=day) for day in days]
    years, months = np.array([date.year for date in dates]), np.array([date.month for date in dates])
    series = values[0, :, 2]
    train = (years <= 2011) & np.isfinite(series)
    test = (years >= 2014) & (years <= 2015) & np.isfinite(series)
    climatology = {month: series[train & (months == month)].mean() for month in range(1, 13)}
    expected = np.mean([(climatology[month] - value) ** 2 for month, value in zip(months[test], series[test])])
    scored = metrics["splits"]["test"]["climatology"]
    assert scored["n_samples"] == int(test.sum())
    assert scored["mse"] == pytest.approx(float(expected), rel=1e-5)


def _monthly_profiles(path):
    """A station x time x depth file of months stamped on the 1st at 00:00 (2000-01 … 2001-12), then December 2001
    again at its 16th: a month held twice if a stamp on the 1st opens its month, not if it closes the month before."""
    days = [(datetime.datetime(2000 + k // 12, k % 12 + 1, 1) - datetime.datetime(2000, 1, 1)).days for k in range(24)]
    _borehole(path, [*days, (datetime.datetime(2001, 12, 16) - datetime.datetime(2000, 1, 1)).days])


@pytest.mark.parametrize(("shift", "outcome"), [
    pytest.param("0", "repeats 1 month (2001-12, stamped 2001-12-01 and 2001-12-16)", id="month-beginning-at-the-stamp"),
    pytest.param("-1", None, id="month-ending-at-the-stamp"),
])
def test_the_bounds_advice_for_a_station_profile_file_is_the_xarray_line_and_it_works(tmp_path, monkeypatch, shift,
                                                                                      outcome):
    """break43a A4: the advice for a station x time x depth file was `cdo settbounds,month`, which cdo cannot run
    ("Time must be the first dimension! … Unsupported file structure"), and an xarray line whose bounds for a stamp
    inside a month (16 December) were the next month's (xarray's MS offset rolls it forward): the cells did not hold
    their stamps, and the same refusal came back. Now the xarray line alone, and run as printed it gives each stamp
    the calendar month that holds it (moved back a day for the month ending there, as cdo's -shifttime,-1day):
    opening the copy then says which month is held twice, or reads 25 months."""
    import shlex

    monkeypatch.chdir(tmp_path)
    _monthly_profiles(tmp_path / "profiles.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "profiles.nc"], select={"station": 0})
    message = bare_python(str(raised.value))
    assert "without time bounds" in message and "cdo" not in message.replace("cdo reads no variable", "")
    assert "(cdo reads no variable whose first dimension is not time, as ground_temperature(station, time, depth))" in message
    made, _, line = message.split("`")[1].partition(" && ")
    assert made == "mkdir -p with_bounds"
    (tmp_path / "with_bounds").mkdir()
    words = shlex.split(line)
    assert words[:2] == ["python", "-c"] and words[3:] == ["profiles.nc", "with_bounds/profiles.nc", "0"], line
    run_python(*words[1:-1], shift, check=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / "with_bounds" / "profiles.nc",
                         decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as copy:
        cells = copy[copy["time"].attrs["bounds"]].values
    back = int(shift)  # each stamp's month, from a day before the stamp for the month ending there
    for stamp, (low, high) in zip(copy["time"].values, cells, strict=True):
        moved = stamp + datetime.timedelta(days=back)
        assert (low.year, low.month, low.day, low.hour) == (moved.year, moved.month, 1, 0)
        assert (high.year, high.month, high.day) == ((moved.year, moved.month + 1, 1) if moved.month < 12
                                                     else (moved.year + 1, 1, 1))
    if outcome is not None:
        with pytest.raises(ClimannError, match=re.escape(outcome)):
            open_dataset([tmp_path / "with_bounds" / "profiles.nc"], select={"station": 0})
    else:
        assert open_dataset([tmp_path / "with_bounds" / "profiles.nc"], select={"station": 0}).sizes["time"] == 25


def test_bounds_that_do_not_hold_their_stamps_are_named_in_the_refusal(tmp_path):
    """break43a A4: the bounds written by the xarray line before put 16 December 2001 in January 2002; the refusal
    that came back said "without time bounds" as if none were there. Now it names them and the cell that does not
    hold its stamp."""
    import netCDF4

    _monthly_profiles(tmp_path / "profiles.nc")
    with netCDF4.Dataset(tmp_path / "profiles.nc", "a") as handle:
        handle.createDimension("bnds", 2)
        days = handle["time"][:]
        starts = [(datetime.datetime(2000 + k // 12, k % 12 + 1, 1) - datetime.datetime(2000, 1, 1)).days
                  for k in range(26)]
        cells = [[starts[k], starts[k + 1]] for k in range(24)] + [[starts[24], starts[25]]]  # 16 Dec in January
        handle.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.array(cells, dtype=float)
        handle["time"].bounds = "time_bnds"
        assert days[-1] not in range(starts[24], starts[25] + 1)
    with pytest.raises(ClimannError, match=re.escape("is stamped on the 1st at 00:00 without time bounds (its time_bnds "
                                                     "do not hold 2001-12-16: 2002-01-01 … 2002-02-01) (2000-01-01, …)")):
        open_dataset([tmp_path / "profiles.nc"], select={"station": 0})


@pytest.mark.parametrize("n_forecasts", [pytest.param(1, id="one-forecast"), pytest.param(2, id="two-forecasts")])
def test_the_forecast_rename_advised_beside_the_users_own_is_merged_with_it_and_pairs_them(tmp_path, monkeypatch,
                                                                                           n_forecasts):
    """fix44d: forecasts holding var167, renamed t2m by the user (--rename 's2s.nc:var167=t2m'), were advised
    --rename 's2s.nc:t2m=t2m_fc', which renames nothing (rules do not chain): the same refusal came back, and the
    ncrename copy named a t2m the file does not hold. The options advised, given as the CLI parses them in place of
    the user's, pair them (member 0 at step 21 equals the observation of its day); the ncrename line runs as printed."""
    import re
    import shlex
    import shutil
    import subprocess

    from climann.cli import _rename_rules

    monkeypatch.chdir(tmp_path)
    forecasts, observations = s2s_pair()
    names = ["s2s.nc", "s2s_b.nc"][:n_forecasts]
    for name in names:
        forecasts.rename(t2m_fc="var167").to_netcdf(tmp_path / name)
    observations.to_netcdf(tmp_path / "era5.nc")
    files = [tmp_path / name for name in [*names, "era5.nc"]]
    chosen = {"step": 21, "number": 0}
    user = {name: {"var167": "t2m"} for name in names}
    with pytest.raises(ClimannError) as error:
        open_dataset(files, select=chosen, rename=user)
    message = str(error.value)
    options = re.search(r"e\.g\. ((?:--rename '[^']+' ?)+) \(in place of the --rename options given\)", message)[1]
    rules = _rename_rules([word for word in shlex.split(options) if word != "--rename"])
    assert all(mapping == {"var167": "t2m_fc"} for mapping in rules.values()), rules
    opened = select_values(open_dataset(files, select=chosen, rename=rules, grid_of="t2m"), chosen)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)
    if shutil.which("ncrename") is None:
        pytest.skip("needs NCO")
    line = re.search(r"`([^`]+)`", message)[1]
    assert "var167,t2m_fc" in line
    subprocess.run(line, shell=True, check=True, capture_output=True)


def _etccdi_files(folder, n_years=4):
    """An ETCCDI index as CLIMDEX archives ship it: txxETCCDI_mon_… (monthly maxima, stamped on the 15th, bounds)
    beside txxETCCDI_yr_… (the yearly maxima of those, stamped 2 July) and suETCCDI_yr_… (yearly), 365_day
    calendar; also the yearly values written."""
    calendar, units = "365_day", "days since 1850-01-01"
    full = grid_dataset(n_years=n_years)
    years = range(2000, 2000 + n_years)
    monthly = full["tas"].values.astype(np.float64)
    yearly = monthly.reshape(n_years, 12, *monthly.shape[1:]).max(axis=1)
    grid = {"lat": full["lat"], "lon": full["lon"]}

    def write(name, variable, stamps, cells, values):
        xr.Dataset({variable: (("time", "lat", "lon"), values, {"units": "degC", "cell_methods": "time: maximum"}),
                    "time_bnds": (("time", "bnds"), np.array(cells, dtype=object))},
                   coords={"time": ("time", stamps, {"bounds": "time_bnds"}), **grid}).to_netcdf(
            folder / name, encoding={"time": {"units": units, "calendar": calendar},
                                     "time_bnds": {"units": units, "calendar": calendar}})

    day = lambda y, m=1, d=1: cftime.datetime(y, m, d, calendar="noleap")  # noqa: E731
    write("txxETCCDI_mon_CanESM5_historical_r1i1p1f1_200001-200312.nc", "txxETCCDI",
          [day(y, m, 15) for y in years for m in range(1, 13)],
          [[day(y, m), day(y + m // 12, m % 12 + 1)] for y in years for m in range(1, 13)], monthly)
    write("txxETCCDI_yr_CanESM5_historical_r1i1p1f1_2000-2003.nc", "txxETCCDI", [day(y, 7, 2) for y in years],
          [[day(y), day(y + 1)] for y in years], yearly)
    write("suETCCDI_yr_CanESM5_historical_r1i1p1f1_2000-2003.nc", "suETCCDI", [day(y, 7, 2) for y in years],
          [[day(y), day(y + 1)] for y in years], np.round(yearly * 5))
    return yearly


@pytest.mark.parametrize("overlap", ["error", "first", "last"])
def test_monthly_and_yearly_files_of_one_index_are_two_frequencies_with_a_glob_for_each(tmp_path, overlap,
                                                                                         monkeypatch):
    """break45d A1/A2: txxETCCDI_mon_… beside txxETCCDI_yr_… were told to "overlap in time" (the yearly stamps
    read as months of the monthly file) with --overlap first|last as the way out; "last" then failed on "1950
    twice", "first" on "Cannot handle size zero dimensions". Whatever ``overlap``, the refusal names the two
    frequencies and a glob for each; the yearly glob, followed, opens the yearly files with the values written
    (the yearly maxima, numpy), the monthly one the monthly file alone."""
    import glob

    yearly = _etccdi_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths([str(tmp_path)]), overlap=overlap)
    message = str(raised.value)
    assert re.fullmatch(
        r"txxETCCDI_\w+_CanESM5\S+ holds txxETCCDI (monthly|yearly) \(.*\) and txxETCCDI_\w+_CanESM5\S+ "
        r"(monthly|yearly) \(.*\): one variable at two frequencies, two versions of one series .*\[data\] overlap "
        r"does not apply\); give the files of one frequency, e\.g\. --data (\S+) \((monthly|yearly)\) or --data "
        r"(\S+) \((monthly|yearly)\)", message)
    ways = dict((kind, pattern.strip("'")) for pattern, kind in
                re.findall(r"--data (\S+) \((monthly|yearly)\)", message))
    chosen = sorted(glob.glob(ways["yearly"]))
    assert [path.split("/")[-1][:9] for path in chosen] == ["suETCCDI_", "txxETCCDI"]
    opened = open_dataset(chosen, overlap=overlap)
    np.testing.assert_allclose(opened["txxETCCDI"].values, yearly)
    np.testing.assert_allclose(opened["suETCCDI"].values, np.round(yearly * 5))
    assert [path.split("/")[-1] for path in glob.glob(ways["monthly"])] == [
        "txxETCCDI_mon_CanESM5_historical_r1i1p1f1_200001-200312.nc"]


@pytest.mark.parametrize("overlap", ["first", "last"])
def test_a_file_inside_another_files_span_keeps_the_chosen_files_values_and_every_other_step(tmp_path, overlap):
    """A file of one year (values + 100) inside a file of four: ``first`` left it no step and the opening failed
    on "Cannot handle size zero dimensions" (break45d A2); ``last`` kept the later file's year but dropped, with no
    word, the two years after it from the earlier file. Both now hold the 48 months, the chosen file's values in
    the year both hold and the four-year file's elsewhere (numpy)."""
    full = grid_dataset(n_years=4)
    full[["tas"]].to_netcdf(tmp_path / "a.nc")
    inside = full[["tas"]].isel(time=slice(12, 24))
    (inside + 100.0).to_netcdf(tmp_path / "b.nc")
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], overlap=overlap)
    expected = full["tas"].values.copy()
    if overlap == "last":
        expected[12:24] += 100.0
    assert opened.sizes["time"] == 48
    np.testing.assert_array_equal(opened["time"].values, full["time"].values)
    np.testing.assert_allclose(opened["tas"].values, expected)


def _sst_field(lat, lon, months, seed):
    """Seeded sea surface temperatures (time, lat, lon) in degC on the grid given."""
    return np.random.default_rng(seed).normal(15.0, 4.0, (months, len(lat), len(lon)))


def _sst_products(folder, *, ersst_bounds=True, one_grid=False):
    """A HadISST-like file (sst, 3 x 4 cells, mid-month stamps with bounds, 2017-2021) and ERSSTv5-like
    files, one per month of 2019-2021 (sst and ssta on another grid, 2 x 3 cells, stamped on the 1st,
    with month bounds when ``ersst_bounds``; on HadISST's grid when ``one_grid``). Returns the HadISST file, the ERSST files, HadISST's sst."""
    folder.mkdir(parents=True, exist_ok=True)
    stamps, cells = _monthly_stamps((2017, 1), 60, "middle")
    lat, lon = [-30.0, 0.0, 30.0], [0.0, 90.0, 180.0, 270.0]
    had = _sst_field(lat, lon, 60, seed=11)
    encoding = {"units": "days since 1870-01-01", "calendar": "standard"}
    xr.Dataset({"sst": (("time", "latitude", "longitude"), had, {"units": "degC"}),
                "time_bnds": (("time", "nv"), cells)},
               coords={"time": ("time", np.array(stamps, dtype=object), {"standard_name": "time", "bounds": "time_bnds"}),
                       "latitude": ("latitude", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                       "longitude": ("longitude", lon, {"units": "degrees_east", "standard_name": "longitude"})},
               ).to_netcdf(folder / "HadISST_sst.nc", encoding={"time": encoding, "time_bnds": encoding})
    stamps, cells = _monthly_stamps((2019, 1), 36, "1st")
    lat, lon = (lat, lon) if one_grid else ([-20.0, 20.0], [0.0, 120.0, 240.0])
    sst = _sst_field(lat, lon, 36, seed=12)
    files = []
    for month, (stamp, cell) in enumerate(zip(stamps, cells, strict=True)):
        one = xr.Dataset({"sst": (("time", "lat", "lon"), sst[month:month + 1], {"units": "degC"}),
                          "ssta": (("time", "lat", "lon"), sst[month:month + 1] - 15.0, {"units": "degC"})},
                         coords={"time": ("time", np.array([stamp], dtype=object), {"standard_name": "time"}),
                                 "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                                 "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})})
        if ersst_bounds:
            one["time"].attrs["bounds"] = "time_bnds"
            one["time_bnds"] = (("time", "nv"), np.asarray([cell], dtype=object))
        files.append(folder / f"ersst.v5.{stamp.year}{stamp.month:02d}.nc")
        one.to_netcdf(files[-1], encoding={"time": encoding, **({"time_bnds": encoding} if ersst_bounds else {})})
    return folder / "HadISST_sst.nc", files, had, sst


@pytest.mark.parametrize("overlap", ["error", "first", "last"])
def test_one_name_in_two_products_on_different_grids_is_refused_as_such_and_the_advised_lines_train(
        tmp_path, monkeypatch, overlap):
    """break48a A2: HadISST's sst beside ERSSTv5's sst (another grid, one file a month) was called a time overlap
    ("1 time step in both, 35 more in HadISST alone": all 36 months are in both), and the advised --overlap failed
    inside xarray. Refused whatever ``overlap``, naming both grids; the ncks line advised, run as printed, leaves
    ERSST's sst out of all 36 files, and the run then reads HadISST's sst over its 60 months."""
    import shlex
    import subprocess

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    had, ersst, sst, _ = _sst_products(tmp_path / "data")
    with pytest.raises(ClimannError) as error:
        open_dataset([had, *ersst], overlap=overlap)
    message = str(error.value)
    assert message.startswith(
        "'sst' is in HadISST_sst.nc (latitude 3 × longitude 4, 30°) and ersst.v5.201901.nc (and 35 more files, "
        "latitude 2 × longitude 3, 40°) over the same times, on different grids: two products under one name, not one series "
        "held twice ([data] overlap does not apply); name one of them otherwise, e.g. "
        "--rename 'ersst.v5.20*.nc:sst=sst_ersst' (climann train, [data] rename), or leave it out of one: "), message
    assert "overlap in time" not in message and "overlap = " not in message
    drop = message.split("`")[1]
    assert "ncks -x -v sst" in drop and message.endswith("then --data 'data/without_sst/*.nc' in their place")
    subprocess.run(drop, shell=True, check=True, cwd=tmp_path)
    copies = sorted((tmp_path / "data" / "without_sst").glob("*.nc"))
    assert [path.name for path in copies] == [path.name for path in ersst]
    for copy, original in zip(copies, ersst, strict=True):
        with xr.open_dataset(copy) as left, xr.open_dataset(original) as kept:
            assert "sst" not in left and np.array_equal(left["ssta"].values, kept["ssta"].values)
    # the rename advised instead reads HadISST's sst and ERSST's beside it under its new name
    renamed = open_dataset([had, *ersst], rename={"ersst.v5.20*.nc": {"sst": "sst_ersst"}}, variables=["sst"])
    np.testing.assert_array_equal(renamed["sst"].values, sst)
    arguments = ["train", "--data", "data/HadISST_sst.nc", "--data", "data/without_sst/*.nc", "--target", "sst",
                 "--predictors", "", "--features", "lat", "--epochs", "1", "--hidden", "2", "--quiet",
                 "--set", "evaluation.figures=false", "--out", "runs/a"]
    trained = CliRunner().invoke(app, shlex.split(shlex.join(arguments)))
    assert trained.exit_code == 0, trained.output
    with xr.open_dataset(tmp_path / "runs" / "a" / "predictions.nc") as written:
        assert written.sizes["latitude"] * written.sizes["longitude"] == 12


def test_one_name_on_two_grids_refused_in_predict_advises_predicts_own_rename(tmp_path, monkeypatch):
    """fix55d: inside predict the refusal of one name on two grids advised its --rename "(climann train, [data]
    rename)", whose [data] rename the run fixes. It names predict's own --rename, and that --rename, given to
    predict as printed, predicts HadISST's sst (its values in the file written)."""
    import shlex

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    _, _, had_sst, _ = _sst_products(tmp_path / "data")
    common = ["--epochs", "1", "--hidden", "2", "--quiet", "--set", "evaluation.figures=false"]
    trained = CliRunner().invoke(app, ["train", "--data", "data/HadISST_sst.nc", "--target", "sst", "--predictors", "",
                                       "--features", "lat", *common, "--out", "run"])
    assert trained.exit_code == 0, trained.output
    data = ["--data", "data/HadISST_sst.nc", "--data", "data/ersst.v5.*.nc"]
    refused = CliRunner().invoke(app, ["predict", "run", *data, "--out", "p.nc"])
    assert refused.exit_code == 2, refused.output
    assert "(climann train" not in refused.output
    assert "(the --rename of this predict or evaluate --data)" in refused.output, refused.output
    rename = refused.output.split("e.g. ")[1].split(" (the --rename")[0]
    assert rename == "--rename 'ersst.v5.20*.nc:sst=sst_ersst'"
    predicted = CliRunner().invoke(app, ["predict", "run", *data, *shlex.split(rename), "--out", "p.nc"])
    assert predicted.exit_code == 0, predicted.output
    with xr.open_dataset(tmp_path / "p.nc") as written:
        np.testing.assert_allclose(written["sst"].values, had_sst, rtol=1e-6)


_LATITUDES, _LONGITUDES = np.array([-29.9, 0.1, 30.1]), np.array([0.1, 90.1, 180.1, 270.1])


def _sst_file(path, first, months, latitudes, longitudes, seed):
    """``sst`` of ``months`` months from ``first`` (mid-month stamps with bounds) on the grid ``latitudes`` ×
    ``longitudes``, stored in their dtype; returns its values (months, lat, lon)."""
    stamps, cells = _monthly_stamps(first, months, "middle")
    values = _sst_field(latitudes, longitudes, months, seed=seed)
    encoding = {"units": "days since 1870-01-01", "calendar": "standard"}
    xr.Dataset({"sst": (("time", "lat", "lon"), values, {"units": "degC"}), "time_bnds": (("time", "nv"), cells)},
               coords={"time": ("time", np.array(stamps, dtype=object), {"standard_name": "time", "bounds": "time_bnds"}),
                       "lat": ("lat", latitudes, {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ("lon", longitudes, {"units": "degrees_east", "standard_name": "longitude"})},
               ).to_netcdf(path, encoding={"time": encoding, "time_bnds": encoding})
    return values


@pytest.mark.parametrize(("latitudes", "longitudes", "placed"), [
    pytest.param(_LATITUDES, _LONGITUDES + 45.0, "lat -29.9…30.1, lon 45.1…315.1", id="half-a-cell-east"),
    pytest.param(_LATITUDES + 15.0, _LONGITUDES, "lat -14.9…45.1, lon 0.1…270.1", id="half-a-cell-north")])
def test_one_name_on_two_grids_of_the_same_size_is_refused_as_two_products(tmp_path, latitudes, longitudes, placed):
    """fix49c: fix48j told two products apart by their grids' sizes only. A grid of the same size shifted by half a
    cell was taken for the same one: refused as a time overlap, and the --overlap advised then failed ("the files
    are on different grids"). Told as two products now, whatever ``overlap``, each grid placed by its coordinates."""
    _sst_file(tmp_path / "a.nc", (2017, 1), 36, _LATITUDES, _LONGITUDES, 1)
    _sst_file(tmp_path / "b.nc", (2018, 1), 36, latitudes, longitudes, 2)
    for overlap in ("error", "last"):
        with pytest.raises(ClimannError) as error:
            open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], overlap=overlap)
        assert str(error.value).startswith(
            "'sst' is in a.nc (lat 3 × lon 4, 30°, lat -29.9…30.1, lon 0.1…270.1) and b.nc (lat 3 × lon 4, 30°, "
            f"{placed}) over the same times, on different grids: two products under one name"), str(error.value)


@pytest.mark.parametrize(("latitudes", "longitudes"), [
    pytest.param(_LATITUDES.astype(np.float32), _LONGITUDES.astype(np.float32), id="float32-coordinates"),
    pytest.param(_LATITUDES, _LONGITUDES - 180.0, id="longitudes-from-minus-180"),
    pytest.param(_LATITUDES[::-1], _LONGITUDES, id="latitudes-descending")])
def test_the_same_cells_in_another_float_precision_or_order_are_one_grid(tmp_path, latitudes, longitudes):
    """fix49c: the grids are compared by their coordinates, within float32's round-off (0.1 stored as float32 is
    0.100000001) and as the cells they hold (−179.9…90.1 are 0.1…270.1's meridians; latitudes descending): one grid.
    The overlap is then a time overlap as before, and ``overlap = "last"`` reads b.nc's values from its first month,
    on a.nc's order of the cells (numpy: b.nc's values sorted by latitude and by longitude modulo 360)."""
    first = _sst_file(tmp_path / "a.nc", (2017, 1), 36, _LATITUDES, _LONGITUDES, 1)
    later = _sst_file(tmp_path / "b.nc", (2018, 1), 36, latitudes, longitudes, 2)
    with pytest.raises(ClimannError, match=r"^a\.nc and b\.nc overlap in time"):
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], overlap="last")
    rows = np.argsort(np.asarray(latitudes, np.float64))
    columns = np.argsort(np.mod(np.asarray(longitudes, np.float64), 360.0))
    expected = np.concatenate([first[:12], later[:, rows][:, :, columns]])
    np.testing.assert_array_equal(opened["sst"].values, expected)


def test_the_bounds_advice_for_monthly_files_stamped_on_the_1st_gives_every_file_bounds_and_the_months_follow(
        tmp_path, monkeypatch):
    """break48a A1: 36 ERSSTv5-like files (one a month, stamped on the 1st without bounds) beside a HadISST-like file
    of the same sst: the cdo line advised gave bounds to ersst.v5.201901.nc alone and the overlap was counted from it
    alone. Now one loop over the 36; run as printed, the files hold 2019-01 … 2021-12 as the HadISST file does, and
    with ``overlap = "last"`` the 60 months read are HadISST's 2017-2018 then ERSST's 2019-2021 (numpy)."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    had, ersst, had_sst, ersst_sst = _sst_products(tmp_path / "data", ersst_bounds=False, one_grid=True)
    with pytest.raises(ClimannError) as error:
        open_dataset([had, *ersst])
    message = str(error.value)
    assert message.startswith(
        "ersst.v5.201901.nc (and 35 more files so) stamps sst on the 1st at 00:00 without time bounds (2019-01-01, …): "
        "HadISST_sst.nc and ersst.v5.201901.nc overlap in 2019-01 … 2021-12 if a stamp there opens its month (ERA5), "
        "in 2018-12 … 2021-11 if it closes the month before"), message
    assert "give the 36 files time bounds" in message, message
    command = message.split("`")[1]
    assert "for f in data/ersst.v5.20*.nc" in command and "cdo settbounds,month" in command, command
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)
    copies = sorted((tmp_path / "data" / "with_bounds").glob("*.nc"))
    assert [path.name for path in copies] == [path.name for path in ersst]
    with pytest.raises(ClimannError, match=re.escape("overlap in time (2019-01 … 2021-12, 36 time steps in both")):
        open_dataset([had, *copies])
    opened = open_dataset([had, *copies], overlap="last", variables=["sst"])
    months = [(stamp.year, stamp.month) for stamp in opened.indexes["time"]]
    assert months == [(2017 + k // 12, k % 12 + 1) for k in range(60)]
    np.testing.assert_allclose(opened["sst"].values, np.concatenate([had_sst[:24], ersst_sst]), rtol=0, atol=1e-12)


def _cmip_months(path, first: int, count: int) -> None:
    """CMIP-like monthly tas on a noleap calendar, stamped on the 15th at 12:00 (days x.5), with the months as
    time_bnds: the stamp is not the middle of its month (the 16th at 12:00 of January), as CMOR's files are."""
    starts = [cftime.datetime(2000 + (first + k) // 12, (first + k) % 12 + 1, 1, calendar="noleap") for k in range(count + 1)]
    edges = cftime.date2num(starts, "days since 1850-01-01", "noleap")
    time = edges[:-1] + 14.5
    tas = 280.0 + np.arange(count)[:, None, None] + np.zeros((count, 3, 4))
    xr.Dataset({"tas": (("time", "lat", "lon"), tas, {"units": "K"}),
                "time_bnds": (("time", "bnds"), np.c_[edges[:-1], edges[1:]])},
               coords={"time": ("time", time, {"units": "days since 1850-01-01", "calendar": "noleap",
                                               "bounds": "time_bnds", "standard_name": "time"}),
                       "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})}).to_netcdf(path)


def test_the_overlap_is_dated_as_climann_info_dates_the_steps(tmp_path):
    """break48c: climann info shows monthly steps at their cells' middles (2000-01-16 12:00) while the overlap
    refusal showed the files' stamps (2005-01-15 12:00): one step, two dates. The refusal now dates the shared
    steps by their cells' middles (by hand: lower + (upper - lower) / 2 of the months 2005-01 … 2005-12), the
    dates info shows and --time-range takes, and names the files' stamps beside them."""
    from typer.testing import CliRunner

    from climann.cli import app

    _cmip_months(tmp_path / "a.nc", 0, 72)  # 2000-01 … 2005-12
    _cmip_months(tmp_path / "b.nc", 60, 84)  # 2005-01 … 2011-12
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    months = [cftime.datetime(2005, month, 1, calendar="noleap") for month in range(1, 13)]
    ends = months[1:] + [cftime.datetime(2006, 1, 1, calendar="noleap")]
    middles = [start + (end - start) / 2 for start, end in zip(months, ends)]
    said = f"{middles[0]:%Y-%m-%d %H:%M} … {middles[-1]:%Y-%m-%d %H:%M}, 12 time steps in both"
    assert f"overlap in time ({said}, the middles of their time cells (stamped 2005-01-15 12:00 … 2005-12-15 12:00 " \
           "in the files); variables tas)" in str(refused.value), str(refused.value)
    shown = " ".join(CliRunner().invoke(app, ["info", str(tmp_path / "b.nc")]).output.replace("#", "").split())
    assert f"Time 'time': {middles[0]:%Y-%m-%d %H:%M} to " in shown, shown


def _pass_file(path, hour: int, values: np.ndarray) -> None:
    """One SMOS L3 pass merged over its days (`cdo mergetime` of the daily files): Soil_Moisture at one hour a day."""
    times = np.arange(np.datetime64("2014-01-01"), np.datetime64("2014-01-01") + len(values)) + np.timedelta64(hour, "h")
    xr.Dataset({"Soil_Moisture": (("time", "lat", "lon"), values, {"units": "m3/m3"})},
               coords={"time": times.astype("datetime64[ns]"), "lat": ("lat", [10.0, 11.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 1.0, 2.0], {"units": "degrees_east"})}).to_netcdf(path)


def test_two_passes_a_day_are_refused_as_such_with_the_join_that_keeps_both(tmp_path, monkeypatch):
    """break50a A5: SMOS's ascending (06:00) and descending (18:00) files were refused as an "overlap in time" whose
    every way out dropped one pass. The refusal now says the same days at two times of day, and its cdo mergetime,
    run as printed, gives one 12-hourly series holding each file's values at its own stamps (checked against the
    files with numpy)."""
    import shlex
    import subprocess

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    ascending, descending = (rng.uniform(0.05, 0.45, size=(6, 2, 3)).astype("f4") for _ in range(2))
    (tmp_path / "smos").mkdir()
    _pass_file(tmp_path / "smos" / "SM_CLF31A.nc", 6, ascending)
    _pass_file(tmp_path / "smos" / "SM_CLF31D.nc", 18, descending)
    with pytest.raises(ClimannError) as refusal:
        open_dataset(["smos/SM_CLF31A.nc", "smos/SM_CLF31D.nc"])
    message = str(refusal.value)
    assert message.startswith("SM_CLF31A.nc and SM_CLF31D.nc hold the same days at different times of day (06:00 in "
                              "SM_CLF31A.nc, 18:00 in SM_CLF31D.nc; "), message
    assert "every 12 hours" in message and "overlap in time" not in message
    command = next(part for part in message.split("`") if without_guards(part).startswith("mkdir -p "))
    subprocess.run(command, shell=True, check=True, capture_output=True)
    joined = shlex.split(command)[-1]
    assert f"give {joined} in their place" in message
    opened = open_dataset([joined])
    expected = np.empty((12, 2, 3), "f4")
    expected[0::2], expected[1::2] = ascending, descending
    np.testing.assert_array_equal(opened["Soil_Moisture"].values, expected)
    stamps = [str(time)[:16] for time in opened["time"].values]
    assert stamps[:3] == ["2014-01-01 06:00", "2014-01-01 18:00", "2014-01-02 06:00"] and len(stamps) == 12


def test_two_times_of_day_with_an_uneven_join_keep_the_overlap_refusal(tmp_path):
    """06:00 and 09:00 files joined would be an uneven series: the overlap refusal, no join advised."""
    rng = np.random.default_rng(4)
    _pass_file(tmp_path / "a.nc", 6, rng.uniform(size=(4, 2, 3)).astype("f4"))
    _pass_file(tmp_path / "b.nc", 9, rng.uniform(size=(4, 2, 3)).astype("f4"))
    with pytest.raises(ClimannError, match="overlap in time") as refusal:
        open_dataset([str(tmp_path / "a.nc"), str(tmp_path / "b.nc")])
    assert "mergetime" not in str(refusal.value)

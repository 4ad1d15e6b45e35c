"""Each variable's own files (climann/data/sources.py), named in the messages about it: a
folder of one-variable CMIP files, where the first files never hold the variable meant."""

import logging
import re
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.fill_like import warn_fill_like_values
from climann.data.open import concat_blocks, open_dataset
from climann.data.sources import dates_in, files_text, source_files, variable_where
from climann.data.units import convert_dataset
from climann.data.variables import grid_layout

LAT = np.array([-45.0, 0.0, 45.0])
LON = np.array([0.0, 120.0, 240.0])


def _cmip_folder(folder, *, pr_units="kg m-2 s-1", factor=1.0, clt_fill=False):
    """areacella_fx.nc (static), clt_Amon.nc, and pr split in two periods: pr_Amon_2000.nc,
    pr_Amon_2001.nc; pr = 3e-7·clt (factor × in other units)."""
    folder.mkdir()
    times = pd.date_range("2000-01-01", periods=24, freq="MS") + pd.Timedelta(days=14)
    grid = {"lat": ("lat", LAT, {"units": "degrees_north"}), "lon": ("lon", LON, {"units": "degrees_east"})}
    clt = np.random.default_rng(0).uniform(0, 100, (24, LAT.size, LON.size))
    if clt_fill:
        clt[0, 0, 0] = 1e20  # a usual fill value no attribute marks
    xr.Dataset({"areacella": (("lat", "lon"), np.ones((LAT.size, LON.size)), {"units": "m2"})},
               coords=grid).to_netcdf(folder / "areacella_fx.nc")
    xr.Dataset({"clt": (("time", "lat", "lon"), clt, {"units": "%"})},
               coords={"time": times, **grid}).to_netcdf(folder / "clt_Amon.nc")
    for year, steps in ((2000, slice(0, 12)), (2001, slice(12, 24))):
        pr = xr.DataArray(3e-7 * clt[steps] * factor, dims=("time", "lat", "lon"), attrs={"units": pr_units})
        xr.Dataset({"pr": pr}, coords={"time": times[steps], **grid}).to_netcdf(folder / f"pr_Amon_{year}.nc")
    return sorted(folder.glob("*.nc"))


def test_each_variable_records_the_files_that_hold_it(tmp_path):
    files = _cmip_folder(tmp_path / "cmip")
    dataset = open_dataset(files)
    assert [source_files(dataset[name]) for name in ("areacella", "clt", "pr")] == [
        (str(files[0]),), (str(files[1]),), (str(files[2]), str(files[3]))]
    assert grid_layout(dataset, "pr", [str(f) for f in files]).files_of("pr") == (str(files[2]), str(files[3]))
    assert variable_where(dataset["pr"], "every file") == "pr_Amon_2000.nc, pr_Amon_2001.nc"
    assert variable_where(xr.DataArray([1.0]), "every file") == "every file"  # nothing recorded
    one = open_dataset([files[1]])
    assert source_files(one["clt"]) == (str(files[1]),)


def test_split_blocks_record_the_files_of_every_block(tmp_path):
    files = _cmip_folder(tmp_path / "cmip")
    train, test = open_dataset(files[1:3]), open_dataset([files[1], files[3]])
    combined = concat_blocks([train, test], ["train", "test"])
    assert source_files(combined["pr"]) == (str(files[2]), str(files[3]))
    assert source_files(combined["clt"]) == (str(files[1]),)


def test_a_unit_conversion_warning_names_the_variables_own_files(tmp_path, caplog):
    """predict's warning said "'pr' in areacella_fx.nc, clt_Amon.nc, pr_Amon_2000.nc converted";
    train's (file by file) named the right one."""
    files = _cmip_folder(tmp_path / "cmip", pr_units="mm/day", factor=86400.0)
    dataset = open_dataset(files)
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_dataset(dataset, {"pr": "kg m-2 s-1", "clt": "%"}, where=files_text(files),
                                    reference="the model's training data")
    [message] = [record.getMessage() for record in caplog.records]
    assert message.startswith("'pr' in pr_Amon_2000.nc, pr_Amon_2001.nc converted from mm/day to kg m-2 s-1")
    np.testing.assert_allclose(converted["pr"].values, 3e-7 * dataset["clt"].values, rtol=1e-6)
    assert source_files(converted["pr"]) == (str(files[2]), str(files[3]))  # kept for the later messages


def test_a_fill_like_value_warning_names_and_fixes_the_variables_own_file(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = _cmip_folder(tmp_path / "cmip", clt_fill=True)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_fill_like_values(open_dataset(files), ["pr", "clt"], where=files_text(files), file=None)
    [message] = [record.getMessage() for record in caplog.records]
    assert message.startswith("'clt' in clt_Amon.nc holds 1e+20 at 1 of")
    # its _FillValue (NaN, as xarray writes) is replaced: a missing_value beside a NaN _FillValue made a file
    # xarray cannot write again (break44c A4), and NaN values stay missing without it
    assert "that its _FillValue NaN does not mark" in message
    assert "ncatted -a _FillValue,clt,o,d,1e+20 cmip/clt_Amon.nc cmip/missing_marked/clt_Amon.nc` (its copy in a " \
        "new folder)" in message
    assert message.endswith("then give --data cmip/missing_marked/clt_Amon.nc in place of cmip/clt_Amon.nc, with the "
                            "other files of cmip given as before (--data cmip/areacella_fx.nc --data "
                            "cmip/pr_Amon_2000.nc --data cmip/pr_Amon_2001.nc)")
    before = sorted(path.name for path in (tmp_path / "cmip").iterdir())
    subprocess.run(["bash", "-c", re.search(r"`([^`]+)`", message).group(1)], cwd=tmp_path, check=True)
    assert sorted(path.name for path in (tmp_path / "cmip").iterdir()) == sorted([*before, "missing_marked"])
    with open_dataset([tmp_path / "cmip" / "missing_marked" / "clt_Amon.nc"]) as fixed, \
            xr.open_dataset(tmp_path / "cmip" / "clt_Amon.nc", mask_and_scale=False) as stored:
        marked = stored["clt"].values == 1e20
        assert np.count_nonzero(marked) == 1 and np.isnan(fixed["clt"].values[marked]).all()
        np.testing.assert_array_equal(fixed["clt"].values[~marked], stored["clt"].values[~marked])


@pytest.mark.parametrize(
    ("files", "text"),
    [
        pytest.param(["/d/pr.nc"], "pr.nc", id="one"),
        pytest.param(["/d/a.nc", "/d/b.nc"], "a.nc, b.nc", id="two"),
        pytest.param(["a.nc", "b.nc", "c.nc"], "a.nc, b.nc and 1 more file", id="three"),
        pytest.param([f"pr_{year}.nc" for year in range(2000, 2020)], "pr_2000.nc, pr_2001.nc and 18 more files",
                     id="twenty"),
    ],
)
def test_files_are_named_by_their_names_the_first_two_and_a_count(files, text):
    assert files_text(files) == text


def _daily(calendar, days, *, start=0.5):
    """Daily dates of ``calendar`` at ``days`` after 2000-01-01 (+ ``start``) as decoded: cftime
    objects for the noleap and 360_day calendars, datetime64 for the standard one."""
    import cftime

    dates = cftime.num2date(np.asarray(days) + start, "days since 2000-01-01", calendar,
                            only_use_cftime_datetimes=calendar != "standard")
    return np.asarray(dates) if calendar != "standard" else np.asarray(pd.to_datetime(dates), "datetime64[ns]")


@pytest.mark.parametrize("calendar", [pytest.param("noleap", id="noleap"), pytest.param("360_day", id="360_day"),
                                      pytest.param("standard", id="standard-datetime64")])
def test_dates_in_agrees_with_numpy_isin(calendar):
    """break28a A2: ``numpy.isin`` compares cftime dates pair by pair (minutes for ten years of
    daily data); ``dates_in`` hashes them, and must say exactly what ``numpy.isin`` says:
    repeated dates, dates absent from ``chosen``, an empty ``chosen``, another time of day."""
    dates = _daily(calendar, np.r_[np.arange(400), 5, 5, 399])
    chosen = _daily(calendar, np.r_[np.arange(0, 800, 3), 7])
    expected = np.isin(dates, chosen)
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(dates_in(dates, chosen), expected)
    np.testing.assert_array_equal(dates_in(dates, chosen[:0]), np.zeros(dates.size, bool))
    other_hour = _daily(calendar, np.arange(400), start=0.25)
    np.testing.assert_array_equal(dates_in(dates, other_hour), np.isin(dates, other_hour))
    assert not dates_in(dates, other_hour).any()

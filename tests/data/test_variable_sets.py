"""Files of one period holding every variable beside files of later periods holding some of
them (ERA5 from the old CDS beside the new CDS's avgua/avgad files): one series per variable
(break23a F2). Checked against xr.merge of each variable's files concatenated by xarray."""

import datetime as dt
import logging

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError

LAT = np.array([-60.0, 0.0, 60.0])
LON = np.array([0.0, 90.0, 180.0, 270.0])
MONTHS = pd.date_range("2006-01-01", periods=24, freq="MS")
ENCODING = {"time": {"units": "days since 2000-01-01", "calendar": "standard"}}


def _plain(*, seed=0):
    """t2m (K), msl (Pa), tp (mm day-1) and d2m, monthly over 2006–2007, on a 3×4 grid."""
    rng = np.random.default_rng(seed)
    shape = (MONTHS.size, LAT.size, LON.size)
    values = {"t2m": (280 + 5 * rng.standard_normal(shape), "K"), "msl": (101325 + 300 * rng.standard_normal(shape), "Pa"),
              "tp": (3 + rng.random(shape), "mm day-1"), "d2m": (275 + 5 * rng.standard_normal(shape), "K")}
    return xr.Dataset(
        {name: (("time", "lat", "lon"), data.astype("f4"), {"units": units}) for name, (data, units) in values.items()},
        coords={"time": MONTHS, "lat": ("lat", LAT, {"units": "degrees_north"}),
                "lon": ("lon", LON, {"units": "degrees_east"})})


def _ragged(folder, *, first=("t2m", "msl", "tp"), orog=False, bounds=False):
    """A: 2006 with ``first``; B: 2007 t2m and msl; C: 2007 tp (cases/ragged_split.py, smaller)."""
    dataset = _plain()
    whole = dataset[list(first)].isel(time=slice(0, 12))
    if orog:
        whole["orog"] = (("lat", "lon"), np.arange(12.0, dtype="f4").reshape(3, 4), {"units": "m"})
    if bounds:
        starts = MONTHS[:12]
        whole["time_bnds"] = (("time", "nv"), np.stack([starts, MONTHS.shift(1, freq="MS")[:12]], axis=1))
        whole["time"].attrs["bounds"] = "time_bnds"
    paths = [folder / "A_2006_all.nc", folder / "B_2007_instant.nc", folder / "C_2007_accum.nc"]
    encoding = dict(ENCODING, time_bnds=ENCODING["time"]) if bounds else ENCODING
    whole.to_netcdf(paths[0], encoding=encoding)
    dataset[["t2m", "msl"]].isel(time=slice(12, 24)).to_netcdf(paths[1], encoding=ENCODING)
    dataset[["tp"]].isel(time=slice(12, 24)).to_netcdf(paths[2], encoding=ENCODING)
    return paths


def _expected(old, instant, accumulated, names):
    """xr.merge of each group's files concatenated along time, read by xarray alone."""
    with xr.open_dataset(old) as a, xr.open_dataset(instant) as b, xr.open_dataset(accumulated) as c:
        b, c = (each.rename(valid_time="time") if "valid_time" in each.dims else each for each in (b, c))
        b, c = (each.drop_vars([n for n in ("expver", "number") if n in each.variables]) for each in (b, c))
        return xr.merge([xr.concat([a[names[0]], b[names[0]]], "time"),
                         xr.concat([a[names[1]], c[names[1]]], "time")], join="exact").load()


@pytest.mark.parametrize(("options", "order"), [
    pytest.param({}, slice(None), id="plain"),
    pytest.param({}, slice(None, None, -1), id="plain-the-file-of-all-last"),
    pytest.param({"orog": True}, slice(None), id="static-field-in-the-first-file-only"),
    pytest.param({"bounds": True}, slice(None), id="time-bounds-in-the-first-file-only"),
])
def test_a_file_of_every_variable_then_files_of_some_are_one_series_per_variable(tmp_path, options, order):
    """It was refused: "cannot align objects with join='exact' … along 'time'" (xarray grouped the
    files by their sets of variables and merged groups of different periods)."""
    paths = _ragged(tmp_path, **options)
    dataset = open_dataset(paths[order])
    expected = _expected(*paths, (["t2m", "msl"], ["tp"]))
    assert [date.strftime("%Y-%m") for date in dataset["time"].values] == list(MONTHS.strftime("%Y-%m"))
    for name in ("t2m", "msl", "tp"):
        np.testing.assert_array_equal(dataset[name].values, expected[name].values)
    if options.get("orog"):
        np.testing.assert_array_equal(dataset["orog"].values, np.arange(12.0).reshape(3, 4))


def test_a_variable_only_in_the_first_file_narrows_the_period_with_a_warning_when_used(tmp_path, caplog):
    """Not padded with missing values, not cut silently: the common period of the variables the
    run uses, warned of, as for variables of different periods in separate files; unused, it is
    left out where its steps are not the others'."""
    paths = _ragged(tmp_path, first=("t2m", "msl", "tp", "d2m"))
    with caplog.at_level(logging.WARNING):
        used = open_dataset(paths, grid_of="t2m", variables={"t2m", "tp", "d2m"})
    assert used.sizes["time"] == 12 and not np.isnan(used["d2m"].values).any()
    assert "cover different periods: only their common period, 2006-01 to 2006-12, is used" in caplog.text
    unused = open_dataset(paths, grid_of="t2m", variables={"t2m", "tp"})
    assert unused.sizes["time"] == 24 and "d2m" not in unused
    np.testing.assert_array_equal(unused["tp"].values, _expected(*paths, (["t2m"], ["tp"]))["tp"].values)


def _later_files(folder, change):
    """The ragged files plus what ``change`` writes (a refusal's cause)."""
    paths = _ragged(folder)
    return [*paths, *change(folder, _plain())]


def _second_t2m(folder, dataset):
    (dataset[["t2m"]].isel(time=slice(12, 24)) + 1).to_netcdf(folder / "D_2007_t2m.nc", encoding=ENCODING)
    return [folder / "D_2007_t2m.nc"]


def _overlapping_t2m(folder, dataset):
    (dataset[["t2m"]].isel(time=slice(18, 24)) + 1).to_netcdf(folder / "D_2007_t2m.nc", encoding=ENCODING)
    return [folder / "D_2007_t2m.nc"]


def _tp_on_another_grid(folder, dataset):
    shifted = dataset[["tp"]].isel(time=slice(0, 12)).assign_coords(time=MONTHS[:12] + pd.DateOffset(years=2))
    shifted.assign_coords(lat=LAT + 5).to_netcdf(folder / "D_2008_accum.nc", encoding=ENCODING)
    return [folder / "D_2008_accum.nc"]


@pytest.mark.parametrize(("change", "message"), [
    pytest.param(_second_t2m, r"'t2m' is in both B_2007_instant\.nc and D_2007_t2m\.nc at the same times: "
                 "their values differ", id="one-variable-twice"),
    pytest.param(_overlapping_t2m, r"B_2007_instant\.nc and D_2007_t2m\.nc overlap in time", id="overlap"),
    pytest.param(_tp_on_another_grid, r"different grids: lat differs by up to 5°", id="grid"),
])
def test_what_protects_the_numbers_is_still_refused(tmp_path, change, message):
    with pytest.raises(ClimannError, match=message):
        open_dataset(_later_files(tmp_path, change), grid_of="t2m", variables={"t2m", "tp"})


def test_a_predictor_lacking_steps_of_the_target_is_still_refused(tmp_path):
    paths = _ragged(tmp_path)
    with xr.open_dataset(paths[2]) as accumulated:
        gappy = accumulated.isel(time=slice(2, None)).load()
    gappy.to_netcdf(paths[2], encoding=ENCODING)
    with pytest.raises(ClimannError, match=r"tp \(2006-01 to 2007-12, 22 monthly steps\) lacks 2 of the steps of t2m"):
        open_dataset(paths, grid_of="t2m", variables={"t2m", "tp"})


# ERA5 as the two CDS write it: the old one file of int16 packed values on `time` in hours since
# 1900, the new two files (avgua, avgad) of float32 on `valid_time` in seconds since 1970 with
# an `expver` label and a scalar `number` (break23a cases/era5_oldcds.py, era5_newcds.py).
ERA5_LAT = np.array([90.0, 0.0, -90.0])  # north to south, as ERA5


def _era5_values(name, months, seed):
    rng = np.random.default_rng(seed)
    base = {"t2m": 280.0, "msl": 101325.0, "tp": 0.003}[name]
    return base * (1 + 0.01 * rng.standard_normal((len(months), ERA5_LAT.size, LON.size)))


def _old_cds(path, months):
    with netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as handle:
        handle.createDimension("longitude", LON.size)
        handle.createDimension("latitude", ERA5_LAT.size)
        handle.createDimension("time", None)
        for name, values, units in (("longitude", LON, "degrees_east"), ("latitude", ERA5_LAT, "degrees_north")):
            variable = handle.createVariable(name, "f4", (name,))
            variable[:], variable.units = values, units
        time = handle.createVariable("time", "i4", ("time",))
        time.units, time.calendar = "hours since 1900-01-01 00:00:00.0", "gregorian"
        time[:] = [(month - dt.datetime(1900, 1, 1)).total_seconds() // 3600 for month in months]
        for seed, (name, units) in enumerate((("t2m", "K"), ("msl", "Pa"), ("tp", "m"))):
            data = _era5_values(name, months, seed)
            low, high = data.min(), data.max()
            scale, offset = (high - low) / (2**16 - 2), (high + low) / 2
            variable = handle.createVariable(name, "i2", ("time", "latitude", "longitude"), fill_value=np.int16(-32767))
            variable.set_auto_maskandscale(False)
            variable.scale_factor, variable.add_offset, variable.units = scale, offset, units
            variable.missing_value = np.int16(-32767)
            variable[:] = np.round((data - offset) / scale).astype("i2")


def _new_cds(path, months, names):
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        handle.createDimension("valid_time", len(months))
        handle.createDimension("latitude", ERA5_LAT.size)
        handle.createDimension("longitude", LON.size)
        number = handle.createVariable("number", "i8")
        number[:], number.standard_name, number.units = 0, "realization", "1"
        time = handle.createVariable("valid_time", "i8", ("valid_time",))
        time.units, time.calendar, time.standard_name = "seconds since 1970-01-01", "proleptic_gregorian", "time"
        time[:] = [(month - dt.datetime(1970, 1, 1)).total_seconds() for month in months]
        for name, values, units in (("latitude", ERA5_LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
            variable = handle.createVariable(name, "f8", (name,))
            variable[:], variable.units, variable.standard_name = values, units, name
        expver = handle.createVariable("expver", str, ("valid_time",))
        expver[:] = np.array(["0001"] * len(months), dtype=object)
        for name, units in names:
            seed = {"t2m": 10, "msl": 11, "tp": 12}[name]
            variable = handle.createVariable(name, "f4", ("valid_time", "latitude", "longitude"),
                                             fill_value=np.float32(np.nan))
            variable[:] = _era5_values(name, months, seed).astype("f4")
            variable.units, variable.standard_name = units, "unknown"
            variable.coordinates = "number valid_time latitude longitude expver"


def test_an_old_cds_file_then_the_new_cds_avgua_and_avgad_files_are_one_series_per_variable(tmp_path):
    """break23a F2's folder, small: the old CDS's packed values read as xarray unpacks them."""
    old, new = MONTHS[:12].to_pydatetime(), MONTHS[12:].to_pydatetime()
    paths = [tmp_path / "adaptor.mars.internal-1600000000.1234-5678-old.nc",
             tmp_path / "data_stream-moda_stepType-avgua.nc", tmp_path / "data_stream-moda_stepType-avgad.nc"]
    _old_cds(paths[0], old)
    _new_cds(paths[1], new, [("t2m", "K"), ("msl", "Pa")])
    _new_cds(paths[2], new, [("tp", "m")])
    dataset = open_dataset(sorted(paths), grid_of="t2m", variables={"t2m", "msl", "tp"})
    expected = _expected(*paths, (["t2m", "msl"], ["tp"]))
    assert dataset.sizes["time"] == 24 and list(dataset["latitude"].values) == list(ERA5_LAT)
    for name in ("t2m", "msl", "tp"):
        np.testing.assert_allclose(dataset[name].values, expected[name].values, rtol=1e-6)

"""ECMWF's monthly means dated by their own GRIB attributes (climann/data/ecmwf_means.py; break28a A3)."""

import logging

import cftime
import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError

LAT, LON = np.array([30.0, 0.0, -30.0]), np.array([0.0, 90.0, 180.0, 270.0])
MONTHS = pd.date_range("2000-01-01", "2001-12-01", freq="MS")


def _era5(path, *, centre="ecmf", step_types=("avgua", "avgad")):
    """Monthly t2m and tp as the new CDS writes them: valid_time in seconds since 1970 on the 1st at
    00:00, no bounds, cfgrib's GRIB attributes (``centre`` None: none)."""
    rng = np.random.default_rng(4)
    shape = (len(MONTHS), LAT.size, LON.size)
    data = xr.Dataset(
        {name: (("valid_time", "latitude", "longitude"), values.astype("f4"),
                {"units": units, "GRIB_stepType": step_type})
         for name, values, units, step_type in (("t2m", 280 + rng.normal(0, 3, shape), "K", step_types[0]),
                                                ("tp", rng.gamma(1.0, 0.002, shape), "m", step_types[1]))},
        coords={"valid_time": ("valid_time", MONTHS, {"standard_name": "time"}),
                "latitude": ("latitude", LAT, {"units": "degrees_north"}),
                "longitude": ("longitude", LON, {"units": "degrees_east"})},
        attrs={} if centre is None else {"GRIB_centre": centre,
                                         "history": "GRIB to CDM+CF via cfgrib-0.9.14.0/ecCodes-2.36.0"})
    data.to_netcdf(path, encoding={"valid_time": {"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian",
                                                  "dtype": "int64"}})
    return path


def _cmip_rsds(path):
    """Monthly rsds stamped mid-month with time_bnds (calendar standard), as CMIP files are."""
    starts = [cftime.DatetimeGregorian(d.year, d.month, 1) for d in MONTHS]
    ends = [*starts[1:], cftime.DatetimeGregorian(2002, 1, 1)]
    units = "days since 1850-01-01"
    low, high = cftime.date2num(starts, units, "standard"), cftime.date2num(ends, units, "standard")
    values = np.random.default_rng(5).uniform(100, 300, (len(MONTHS), LAT.size, LON.size)).astype("f4")
    xr.Dataset({"rsds": (("time", "lat", "lon"), values[:, ::-1], {"units": "W m-2"}),
                "time_bnds": (("time", "bnds"), np.stack([low, high], 1))},
               coords={"time": ("time", (low + high) / 2, {"units": units, "calendar": "standard", "bounds": "time_bnds"}),
                       "lat": ("lat", LAT[::-1], {"units": "degrees_north"}),
                       "lon": ("lon", LON, {"units": "degrees_east"})}).to_netcdf(path)
    return path


def _bounds_by_hand(source, path):
    """``cdo settbounds,month``, done with netCDF4-python: each stamp's month as its bounds."""
    with xr.open_dataset(source, decode_times=False) as opened:
        opened.load().to_netcdf(path)
    with netCDF4.Dataset(path, "a") as file:
        time = file["valid_time"]
        stamps = netCDF4.num2date(time[:], time.units, time.calendar)
        ends = [cftime.DatetimeProlepticGregorian(s.year + s.month // 12, s.month % 12 + 1, 1) for s in stamps]
        file.createDimension("bnds", 2)
        bounds = file.createVariable("valid_time_bnds", "i8", ("valid_time", "bnds"))
        bounds[:] = np.stack([time[:], netCDF4.date2num(ends, time.units, time.calendar)], 1)
        time.bounds = "valid_time_bnds"
    return path


def test_ecmwf_monthly_means_beside_a_file_with_bounds_pair_months_as_with_bounds_given_by_hand(tmp_path, caplog):
    """break28a A3: the new CDS's ERA5 file says by its GRIB attributes that each value is the mean of
    the month its stamp opens; beside a CMIP file with time_bnds it was refused as ambiguous (told to
    use cdo), while read so alone. Now read so beside it too: the same data as with the bounds
    ``cdo settbounds,month`` writes, given by hand, and one warning that says the reading."""
    (tmp_path / "said").mkdir()
    (tmp_path / "by_hand").mkdir()
    rsds = _cmip_rsds(tmp_path / "rsds.nc")
    era5 = _era5(tmp_path / "said" / "era5.nc")
    by_hand = _bounds_by_hand(era5, tmp_path / "by_hand" / "era5.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        got = open_dataset([era5, rsds]).load()
    said = [record.getMessage() for record in caplog.records if "ECMWF" in record.getMessage()]
    assert said == ["era5.nc: t2m, tp stamped on the 1st at 00:00 without time bounds are ECMWF's monthly means by "
                    "the file's GRIB attributes (GRIB_centre ecmf, GRIB_stepType avgad, avgua): each value is read as "
                    "the mean of the month beginning at its stamp, as ECMWF dates them; tp (m → m day-1) is the "
                    "mean of the month's daily totals (GRIB_stepType avgad, avgid), in units per day as ECMWF states "
                    "them (\"Conversion table for accumulated variables\": monthly averaged accumulations 'have been "
                    "scaled to have units that include per day'), not a month's total"]
    want = open_dataset([by_hand, rsds]).load()
    for name in ("t2m", "tp", "rsds"):
        np.testing.assert_array_equal(got[name].values, want[name].values)
    time = got["t2m"].dims[0]
    np.testing.assert_array_equal(got[time].values, want[time].values)
    with xr.open_dataset(era5) as source, xr.open_dataset(rsds) as cmip:  # each month with rsds of the same month
        np.testing.assert_array_equal(got["t2m"].values[13], source["t2m"].values[13])
        np.testing.assert_array_equal(got["rsds"].values[13], cmip["rsds"].values[13, ::-1])
    assert (got[time].values[13].year, got[time].values[13].month) == (2001, 2)


def test_ecmwf_monthly_means_alone_are_read_as_before(tmp_path):
    era5 = _era5(tmp_path / "era5.nc")
    got = open_dataset([era5])
    assert [(t.year, t.month) for t in got["valid_time"].values] == [(d.year, d.month) for d in MONTHS]


def test_monthly_means_of_daily_totals_are_per_day(tmp_path):
    """break45b A6: ERA5-Land's monthly tp (avgad, "m") is a mean daily total: scored "in m", 0.83 mm
    a day read as a month's. Read per day (ECMWF's units), values unchanged; analyses keep theirs."""
    era5 = _era5(tmp_path / "era5.nc")
    got = open_dataset([era5])
    assert (got["tp"].attrs["units"], got["t2m"].attrs["units"]) == ("m day-1", "K")
    with xr.open_dataset(era5) as source:
        np.testing.assert_array_equal(got["tp"].values, source["tp"].values)


@pytest.mark.parametrize("era5", [
    pytest.param({"centre": None}, id="no-GRIB-attributes"),
    pytest.param({"centre": "kwbc"}, id="another-centre"),
    pytest.param({"step_types": ("avgua", "accum")}, id="a-variable-not-averaged"),
])
def test_files_that_do_not_say_it_are_still_refused(tmp_path, era5):
    rsds = _cmip_rsds(tmp_path / "rsds.nc")
    with pytest.raises(ClimannError, match="climann does not guess"):
        open_dataset([_era5(tmp_path / "era5.nc", **era5), rsds])


def test_info_lists_no_bounds_of_its_own_making_among_the_files_variables(tmp_path):
    """break39b B10a: info said "metadata variables left out: valid_time_bnds" of an ERA5 monthly file that holds
    no such variable (the month bounds climann gives its stamps); the file's own variables are listed as before."""
    from climann.data.info import describe

    with netCDF4.Dataset(_era5(tmp_path / "era5.nc")) as file:
        assert "valid_time_bnds" not in file.variables
    report = describe([str(tmp_path / "era5.nc")])
    assert "# Variables: 2\n" in report and "valid_time_bnds" not in report.split("[data]")[0]

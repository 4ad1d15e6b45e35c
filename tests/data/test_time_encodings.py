"""The time written again in other words (climann/data/time_encodings.py): NCL's
initial_time0_encoded, initial_time0 and initial_time0_hours, CESM's date, left out of the data."""

import numpy as np
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.variables import data_variable_names

#: 2000-01-01 00:00 in NCL's hours since 1800-01-01 00:00, by hand: 200 years, 48 of them leap (1800, 1900 not).
HOURS0 = 24.0 * (200 * 365 + 48)


def _jra55_analysis(path, *, renamed: bool = False, steps: int = 8) -> None:
    """JRA-55 anl_surf125 as ncl_convert2nc writes it: TMP_GDS0_HTGL and PRES_GDS0_SFC on
    initial_time0_hours, with initial_time0_encoded (yyyymmddhh) and initial_time0 (text);
    ``renamed``: its dimension renamed time, a CF time axis of its own, initial_time0_hours left
    a data variable (as after cdo)."""
    hours = HOURS0 + 6.0 * np.arange(steps)
    stamps = [np.datetime64("2000-01-01T00", "h") + np.timedelta64(6 * step, "h") for step in range(steps)]
    encoded = [float(str(stamp).replace("-", "").replace("T", "")) for stamp in stamps]
    text = [f"{str(s)[5:7]}/{str(s)[8:10]}/{str(s)[:4]} ({str(s)[11:13]}:00)" for s in stamps]
    rng = np.random.default_rng(4)
    dims = ("initial_time0_hours", "g0_lat_1", "g0_lon_2")
    dataset = xr.Dataset(
        {"TMP_GDS0_HTGL": (dims, rng.normal(280, 5, (steps, 3, 4)).astype("f4"), {"units": "K"}),
         "PRES_GDS0_SFC": (dims, rng.normal(1.0e5, 500, (steps, 3, 4)).astype("f4"), {"units": "Pa"}),
         "initial_time0_encoded": (dims[:1], encoded, {"long_name": "initial time encoded as double",
                                                        "units": "yyyymmddhh.hh_frac"}),
         "initial_time0": (dims[:1], np.array(text, "S18"), {"long_name": "Initial time of first record",
                                                             "units": "mm/dd/yyyy (hh:mm)"})},
        coords={"initial_time0_hours": (dims[0], hours, {"long_name": "initial time",
                                                          "units": "hours since 1800-01-01 00:00"}),
                "g0_lat_1": ("g0_lat_1", [50.0, 48.75, 47.5], {"units": "degrees_north"}),
                "g0_lon_2": ("g0_lon_2", [0.0, 1.25, 2.5, 3.75], {"units": "degrees_east"})})
    if renamed:
        reference = dataset["initial_time0_hours"]
        dataset = dataset.drop_vars("initial_time0_hours").rename({"initial_time0_hours": "time"})
        dataset["initial_time0_hours"] = ("time", reference.values, reference.attrs)
        dataset = dataset.assign_coords(time=("time", 6.0 * np.arange(steps),
                                              {"units": "hours since 2000-01-01 00:00", "standard_name": "time"}))
    dataset.to_netcdf(path)


@pytest.mark.parametrize(("renamed", "encodings"), [
    pytest.param(False, ["initial_time0_encoded", "initial_time0"], id="as-ncl_convert2nc-writes-it"),
    pytest.param(True, ["initial_time0_encoded", "initial_time0", "initial_time0_hours"],
                 id="initial_time0_hours-beside-a-time-of-another-name"),
])
def test_ncl_time_encodings_are_neither_variables_nor_predictors(tmp_path, renamed, encodings):
    """fix53d: info listed initial_time0_encoded (and, beside a renamed time, initial_time0_hours as
    "days", its days of year) in the variables table, and named them in the config as "not on the
    latitude-longitude grid, so not predictors". They are the time steps written again: left out of
    the data, named apart in the Variables header, neither in the table nor in the config."""
    _jra55_analysis(tmp_path / "anl_surf125.nc", renamed=renamed)
    opened = open_dataset([tmp_path / "anl_surf125.nc"])
    assert data_variable_names(opened) == ["TMP_GDS0_HTGL", "PRES_GDS0_SFC"]
    report = describe(str(tmp_path / "anl_surf125.nc"))
    variables = report[report.index("# Variables:"): report.index("# Grid:")]
    header = " ".join(line.removeprefix("#").strip() for line in variables.split("#   name")[0].splitlines())
    assert header == f"Variables: 2 (time encodings left out, the time steps written again: {', '.join(encodings)})"
    rows = [line.split()[1] for line in variables.split("#   name")[1].splitlines()[1:] if line[4:5].strip()]
    assert rows == ["TMP_GDS0_HTGL", "PRES_GDS0_SFC"]
    config = report[report.index("[data]"):]
    assert 'predictors = ["PRES_GDS0_SFC"]' in config and "initial_time0" not in config


def test_cesm_date_is_an_encoding_and_a_date_of_something_else_is_data():
    """CESM's date(time) (long_name "current date (YYYYMMDD)") writes the time again; a day of onset
    in days since 1970-01-01 (MCD12Q2's Greenup, here one series) is data: only the first is an encoding."""
    from climann.data.time_encodings import time_encoding_names

    dataset = xr.Dataset(
        {"TS": (("time", "lat"), np.zeros((3, 2)), {"units": "K"}),
         "date": ("time", [20000101, 20000102, 20000103], {"long_name": "current date (YYYYMMDD)"}),
         "greenup": ("time", [11100.0, 11470.0, 11830.0], {"long_name": "onset of greenness increase",
                                                          "units": "days since 1970-01-01"}),
         "initial_time": ("time", [0.0, 24.0, 48.0], {"long_name": "initial time",
                                                      "units": "hours since 2000-01-01"})},
        coords={"time": ("time", [0.0, 1.0, 2.0], {"units": "days since 2000-01-01"})})
    assert time_encoding_names(dataset) == ["date", "initial_time"]

"""Forecasts written by ncl_convert2nc (JRA-55 fcst_phy2m: initial_time0_hours, forecast_time1 in
hours, 3-hour means "ending at forecast time") read on their valid times (break47c A1)."""

import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError

HOURS0 = (np.datetime64("2000-01-01T00") - np.datetime64("1800-01-01T00")).astype("timedelta64[h]").astype(float)


def _ncl_forecast(path, *, steps: int = 12, duration: str = "3 hours (ending at forecast time)") -> np.ndarray:
    """A 6-hourly fcst_phy2m as ncl_convert2nc writes it: ``SHTFL_GDS4_SFC_ave3h(initial_time0_hours,
    forecast_time1, g4_lat_2, g4_lon_3)`` at forecast_time1 = 3, 6 hours; returns its values."""
    rng = np.random.default_rng(4)
    values = rng.normal(150, 40, (steps, 2, 2, 3)).astype("f4")
    dataset = xr.Dataset(
        {"SHTFL_GDS4_SFC_ave3h": (("initial_time0_hours", "forecast_time1", "g4_lat_2", "g4_lon_3"), values,
                                  {"units": "W/m^2", "long_name": "Sensible heat flux",
                                   "statistical_process_descriptor": "average",
                                   "statistical_process_duration": duration})},
        coords={"initial_time0_hours": ("initial_time0_hours", HOURS0 + 6.0 * np.arange(steps),
                                        {"long_name": "initial time", "units": "hours since 1800-01-01 00:00"}),
                "forecast_time1": ("forecast_time1", np.array([3, 6], "i4"),
                                   {"long_name": "Forecast offset from initial time", "units": "hours"}),
                "g4_lat_2": ("g4_lat_2", [50.5, 50.0], {"units": "degrees_north", "long_name": "latitude"}),
                "g4_lon_3": ("g4_lon_3", [112.5, 113.0, 113.5], {"units": "degrees_east", "long_name": "longitude"})})
    dataset.to_netcdf(path)
    return values


def _analysis(path, values: np.ndarray) -> np.ndarray:
    """A 6-hourly instantaneous analysis on the same grid and initial times, its value at t the
    3-6 h mean of the forecast started at t - 6 h (numpy: the series shifted by one step)."""
    steps = values.shape[0]
    temperature = np.full((steps, 2, 3), np.nan, "f4")
    temperature[1:] = 280 + 0.05 * values[:-1, 1]
    xr.Dataset({"TMP_GDS4_HTGL": (("initial_time0_hours", "g4_lat_2", "g4_lon_3"), temperature, {"units": "K"})},
               coords={"initial_time0_hours": ("initial_time0_hours", HOURS0 + 6.0 * np.arange(steps),
                                               {"long_name": "initial time",
                                                "units": "hours since 1800-01-01 00:00"}),
                       "g4_lat_2": ("g4_lat_2", [50.5, 50.0], {"units": "degrees_north"}),
                       "g4_lon_3": ("g4_lon_3", [112.5, 113.0, 113.5], {"units": "degrees_east"})}).to_netcdf(path)
    return temperature


def test_a_chosen_lead_time_is_read_on_its_valid_times_with_its_window_as_the_cell(tmp_path):
    """forecast_time1 = 6 from starts every 6 h: the 3-6 h means are valid at start + 6 h and
    cover [start + 3 h, start + 6 h], dated by its middle (CF 7.1). Before: stamped at their starts (6 h early), exit 0."""
    values = _ncl_forecast(tmp_path / "fcst_phy2m.nc")
    opened = select_values(open_dataset([tmp_path / "fcst_phy2m.nc"], select={"forecast_time1": 6}),
                           {"forecast_time1": 6})
    starts = np.datetime64("2000-01-01T00", "s") + np.arange(values.shape[0]) * np.timedelta64(6, "h")
    time = opened["SHTFL_GDS4_SFC_ave3h"].dims[0]
    bounds = opened[opened[time].attrs["bounds"]].values
    edges = np.array([[np.datetime64(value.isoformat(), "s") for value in row] for row in bounds])
    np.testing.assert_array_equal(edges[:, 0], starts + np.timedelta64(3, "h"))
    np.testing.assert_array_equal(edges[:, 1], starts + np.timedelta64(6, "h"))
    stamps = np.array([np.datetime64(value.isoformat(), "s") for value in opened[time].values])
    np.testing.assert_array_equal(stamps, starts + np.timedelta64(270, "m"))  # dated by the window's middle
    np.testing.assert_array_equal(opened["SHTFL_GDS4_SFC_ave3h"].transpose(time, ...).values, values[:, 1])


def test_beside_an_analysis_each_mean_is_paired_with_the_analysis_at_its_windows_end(tmp_path):
    """The analysis at t depends on the 3-6 h mean of the forecast from t - 6 h: opened together
    with forecast_time1 = 6, a least-squares fit (numpy.linalg.lstsq) of the pairs climann makes
    recovers 280 + 0.05 x exactly; paired on the start times (before) it explained nothing."""
    values = _ncl_forecast(tmp_path / "fcst_phy2m.nc")
    _analysis(tmp_path / "anl_surf.nc", values)
    opened = select_values(open_dataset([tmp_path / "fcst_phy2m.nc", tmp_path / "anl_surf.nc"],
                                        select={"forecast_time1": 6}), {"forecast_time1": 6})
    flux, temperature = (opened[name].values.ravel() for name in ("SHTFL_GDS4_SFC_ave3h", "TMP_GDS4_HTGL"))
    kept = np.isfinite(flux) & np.isfinite(temperature)
    assert kept.sum() >= (values.shape[0] - 2) * 6
    coefficients = np.linalg.lstsq(np.c_[flux[kept], np.ones(kept.sum())], temperature[kept], rcond=None)[0]
    np.testing.assert_allclose(coefficients, [0.05, 280.0], rtol=1e-4)


def test_different_windows_on_one_lead_time_are_refused_with_the_way_out(tmp_path):
    """A window NCL words otherwise than the two it is known to write: refused, not read as an instant."""
    _ncl_forecast(tmp_path / "fcst_phy2m.nc", duration="3 hours (centred on forecast time)")
    with pytest.raises(ClimannError, match=r"forecast_time1.*cannot be read.*cdo selname,SHTFL_GDS4_SFC_ave3h"):
        open_dataset([tmp_path / "fcst_phy2m.nc"], select={"forecast_time1": 6})


def _encoded_initial_times(hours: np.ndarray) -> xr.DataArray:
    """NCL's ``initial_time0_encoded`` beside ``initial_time0_hours``: each initial time as the
    number yyyymmddhh (written on every file ncl_convert2nc makes from GRIB)."""
    stamps = np.datetime64("1800-01-01T00", "h") + np.asarray(hours, "i8").astype("timedelta64[h]")
    encoded = [float(str(stamp).replace("-", "").replace("T", "")) for stamp in stamps]
    return xr.DataArray(np.array(encoded), dims=("initial_time0_hours",),
                        attrs={"long_name": "initial time encoded as double", "units": "yyyymmddhh.hh_frac"})


def _one_lead_by_attributes(path, *, steps: int = 12, lead: int = 6, other: dict | None = None,
                            encoded: bool = False) -> np.ndarray:
    """The 3-6 h means of :func:`_ncl_forecast` alone, as ncl_convert2nc writes a forecast of one lead
    time: no forecast_time1 dimension, the lead in the variable's attributes ``forecast_time = 6``,
    ``forecast_time_units = "hours"`` (and ``initial_time``); ``other``: a second variable's attributes;
    ``encoded``: with NCL's ``initial_time0_encoded``."""
    values = _ncl_forecast(path.with_suffix(".both.nc"), steps=steps)
    with xr.open_dataset(path.with_suffix(".both.nc"), decode_times=False) as both:
        one = both.isel(forecast_time1=1, drop=True).load()
    one["SHTFL_GDS4_SFC_ave3h"].attrs.update({"forecast_time": np.int32(lead), "forecast_time_units": "hours",
                                              "initial_time": "01/01/2000 (00:00)"})
    if encoded:
        one["initial_time0_encoded"] = _encoded_initial_times(one["initial_time0_hours"].values)
    if other is not None:
        one["LHTFL_GDS4_SFC_ave3h"] = one["SHTFL_GDS4_SFC_ave3h"].copy()
        one["LHTFL_GDS4_SFC_ave3h"].attrs = {**one["SHTFL_GDS4_SFC_ave3h"].attrs, **other}
    one.to_netcdf(path)
    return values[:, 1]


@pytest.mark.parametrize("layout", [pytest.param("attributes", id="lead-in-attributes"),
                                    pytest.param("encoded", id="lead-in-attributes-beside-initial_time0_encoded"),
                                    pytest.param("dimension", id="lead-dimension-of-length-1")])
def test_one_lead_given_as_attributes_is_read_on_its_valid_times(tmp_path, layout):
    """fix48c: a forecast of the one lead time 6 h that ncl_convert2nc wrote without a forecast_time
    dimension (the lead in the variable's forecast_time attributes) was read at its initial times, each
    3-6 h mean 6 h early (climann info's time axis 'initial_time0_hours', exit 0); with a forecast_time1
    dimension of length 1 it was stamped at the window's end without a cell (as --select of that lead
    gives). Both are read as the two-lead file with forecast_time1 = 6 chosen: window [start + 3 h,
    start + 6 h], values as stored (numpy datetimes by hand)."""
    if layout in ("attributes", "encoded"):
        values = _one_lead_by_attributes(tmp_path / "fcst_phy2m_06.nc", encoded=layout == "encoded")
    else:
        values = _ncl_forecast(tmp_path / "both.nc")[:, 1]
        with xr.open_dataset(tmp_path / "both.nc", decode_times=False) as both:
            both.isel(forecast_time1=[1]).to_netcdf(tmp_path / "fcst_phy2m_06.nc")
    opened = open_dataset([tmp_path / "fcst_phy2m_06.nc"])
    starts = np.datetime64("2000-01-01T00", "s") + np.arange(values.shape[0]) * np.timedelta64(6, "h")
    time = opened["SHTFL_GDS4_SFC_ave3h"].dims[0]
    assert time != "initial_time0_hours"
    edges = np.array([[np.datetime64(value.isoformat(), "s") for value in row]
                      for row in opened[opened[time].attrs["bounds"]].values])
    np.testing.assert_array_equal(edges[:, 0], starts + np.timedelta64(3, "h"))
    np.testing.assert_array_equal(edges[:, 1], starts + np.timedelta64(6, "h"))
    np.testing.assert_array_equal(opened["SHTFL_GDS4_SFC_ave3h"].transpose(time, ...).values, values)
    assert "forecast_time" not in opened["SHTFL_GDS4_SFC_ave3h"].attrs


@pytest.mark.parametrize("other", [pytest.param({"forecast_time": np.int32(3)}, id="another-lead"),
                                   pytest.param({"forecast_time_units": "metres"}, id="a-lead-not-of-time")])
def test_variables_of_other_leads_by_attributes_are_refused_with_the_ncks_line_that_separates_them(
        tmp_path, monkeypatch, other):
    """Two variables of one file whose forecast_time attributes give different lead times (or one not
    read) cannot share one lead dimension: refused in one line, with the ncks -v that separates them
    (cdo selname renames NCL's initial_time0_hours to time: its copy was read at the initial times); the
    file it writes opens on the first variable's valid times, its window's middle."""
    import shlex
    import shutil
    import subprocess

    monkeypatch.chdir(tmp_path)
    values = _one_lead_by_attributes(tmp_path / "fcst.nc", other=other)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "fcst.nc"])
    message = str(refused.value)
    assert "\n" not in message and "give different lead times" in message
    command = message.split("`")[1]
    assert command == "ncks -v SHTFL_GDS4_SFC_ave3h fcst.nc SHTFL_GDS4_SFC_ave3h.nc"
    if shutil.which("ncks") is None:
        pytest.skip("needs NCO")
    subprocess.run(shlex.split(command), check=True, capture_output=True)
    opened = open_dataset([tmp_path / "SHTFL_GDS4_SFC_ave3h.nc"])
    time = opened["SHTFL_GDS4_SFC_ave3h"].dims[0]
    stamps = np.array([np.datetime64(value.isoformat(), "s") for value in opened[time].values])
    starts = np.datetime64("2000-01-01T00", "s") + np.arange(values.shape[0]) * np.timedelta64(6, "h")
    np.testing.assert_array_equal(stamps, starts + np.timedelta64(270, "m"))


def test_an_analysis_whose_variables_say_lead_0_or_none_is_read_at_its_initial_times(tmp_path):
    """JRA-55 anl_surf125 as ncl_convert2nc writes it: TMP_GDS0_HTGL says ``forecast_time = 0``,
    PRES_GDS0_SFC says none, beside initial_time0_encoded. Both mean an analysis valid at its initial
    time; after fix48c it was refused as variables of "different lead times" (a file read before).
    Opened: stamped at the initial times (numpy datetimes by hand), values as stored."""
    steps = 8
    rng = np.random.default_rng(7)
    temperature = rng.normal(280, 5, (steps, 2, 3)).astype("f4")
    pressure = rng.normal(1.0e5, 500, (steps, 2, 3)).astype("f4")
    hours = HOURS0 + 6.0 * np.arange(steps)
    xr.Dataset(
        {"TMP_GDS0_HTGL": (("initial_time0_hours", "g0_lat_1", "g0_lon_2"), temperature,
                           {"units": "K", "forecast_time": np.int32(0), "forecast_time_units": "hours",
                            "initial_time": "01/01/2000 (00:00)"}),
         "PRES_GDS0_SFC": (("initial_time0_hours", "g0_lat_1", "g0_lon_2"), pressure,
                           {"units": "Pa", "initial_time": "01/01/2000 (00:00)"}),
         "initial_time0_encoded": _encoded_initial_times(hours)},
        coords={"initial_time0_hours": ("initial_time0_hours", hours,
                                        {"long_name": "initial time", "units": "hours since 1800-01-01 00:00"}),
                "g0_lat_1": ("g0_lat_1", [50.0, 48.75], {"units": "degrees_north"}),
                "g0_lon_2": ("g0_lon_2", [0.0, 1.25, 2.5], {"units": "degrees_east"})},
    ).to_netcdf(tmp_path / "anl_surf125.nc")
    opened = open_dataset([tmp_path / "anl_surf125.nc"])
    time = opened["TMP_GDS0_HTGL"].dims[0]
    stamps = np.array([np.datetime64(str(value)[:19], "s") for value in opened[time].values])
    np.testing.assert_array_equal(
        stamps, np.datetime64("2000-01-01T00", "s") + np.arange(steps) * np.timedelta64(6, "h"))
    np.testing.assert_array_equal(opened["TMP_GDS0_HTGL"].transpose(time, ...).values, temperature)
    np.testing.assert_array_equal(opened["PRES_GDS0_SFC"].transpose(time, ...).values, pressure)


@pytest.mark.parametrize("layout", [pytest.param("attributes", id="lead-in-attributes"),
                                    pytest.param("dimension", id="lead-dimension-of-length-1"),
                                    pytest.param("chosen", id="two-leads-one-chosen")])
def test_the_windows_warning_names_what_the_file_holds(tmp_path, caplog, layout):
    """break48e A4: the warning on the windows' dating said they came from "the bounds of the lead time
    'forecast_time' (forecast_time_bnds)", names made as the file was read: the file holds neither. It names the
    attributes (or the lead dimension) and the statistical_process_duration the windows come from, each of them
    in the file (read with netCDF4, not through climann); no ``_bnds`` variable is named."""
    import logging
    import re

    import netCDF4

    path, steps = tmp_path / "fcst_phy2m_06.nc", 4 * 31 + 4  # a stamp in February for a window in January
    select = None
    if layout == "attributes":
        _one_lead_by_attributes(path, steps=steps)
    else:
        _ncl_forecast(tmp_path / "both.nc", steps=steps)
        with xr.open_dataset(tmp_path / "both.nc", decode_times=False) as both:
            (both.isel(forecast_time1=[1]) if layout == "dimension" else both).to_netcdf(path)
        select = {"forecast_time1": 6} if layout == "chosen" else None
    forget_notes()  # a new run: said once in it
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path], select=select)
    said = next(record.getMessage() for record in caplog.records if "windows of lead time that" in record.getMessage())
    source = re.search(r"windows of lead time that (.*) give \(the file has no time bounds", said).group(1)
    with netCDF4.Dataset(path) as nc:
        variable = nc["SHTFL_GDS4_SFC_ave3h"]
        assert f"({variable.statistical_process_duration!r})" in source, source
        if layout == "attributes":
            assert source.startswith("the variables' attributes forecast_time and forecast_time_units "
                                     f"({variable.forecast_time} {variable.forecast_time_units}) and "
                                     "statistical_process_duration"), source
            assert "forecast_time" not in nc.variables and "forecast_time" not in nc.dimensions
        else:
            assert source.startswith("the lead time 'forecast_time1' and the variables' attribute "
                                     "statistical_process_duration"), source
            assert "forecast_time1" in nc.variables
        assert not any(name.endswith("_bnds") for name in nc.variables)
    assert "_bnds" not in source

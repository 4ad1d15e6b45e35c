"""Codes averaged into means, below absolute zero (climann/data/averaged_codes.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import netCDF4
import numpy as np
import pytest

from climann.data.absolute_zero import warn_below_absolute_zero
from climann.data.averaged_codes import codes_among, is_round_code, says_temperature_on_scale
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError

LAT = np.arange(89.0, -90.0, -2.0)
LON = np.arange(-179.0, 180.0, 4.0)
ICE = np.float32(-1000.0)


def _hadisst(path, **attrs):
    """A HadISST_sst.nc-like file (sst in C, -1000 over sea ice, -1e30 fill), 24 months; returns its values."""
    rng = np.random.default_rng(52)
    lat = np.broadcast_to(LAT[:, None], (LAT.size, LON.size))
    month = np.arange(24)[:, None, None] % 12
    values = (28 * np.cos(np.radians(lat))[None] ** 2 - 1.8 + 4 * np.sin(2 * np.pi * month / 12)
              * np.sin(np.radians(lat))[None] + rng.normal(0, 0.5, (24, *lat.shape)))
    values = np.where(values < -1.8, ICE, values).astype("f4")
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as nc:
        for name, size in (("time", None), ("latitude", LAT.size), ("longitude", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f4", ("time",))
        time.units, time.calendar, time.standard_name = "days since 1870-1-1 0:0:0", "gregorian", "time"
        time[:] = 45000 + 30.4375 * np.arange(24) + 15
        for name, axis, units in (("latitude", LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable.standard_name, variable[:] = units, name, axis
        sst = nc.createVariable("sst", "f4", ("time", "latitude", "longitude"), fill_value=np.float32(-1e30))
        sst.units, sst.missing_value, sst.long_name = "C", np.float32(-1e30), "sst"
        for key, value in attrs.items():
            sst.setncattr(key, value)
        sst[:] = values
    return values


def _refusal(path) -> str:
    forget_notes()
    with pytest.raises(ClimannError) as raised:
        warn_below_absolute_zero(open_dataset([path]), ["sst"])
    return str(raised.value)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs cdo")
def test_a_zonal_mean_over_hadisst_sea_ice_is_refused_with_the_code_masked_first(tmp_path, monkeypatch):
    """break52d A3: `cdo zonmean` averaged HadISST's -1000 into the means; the refusal offered only the reading as
    temperature differences (after which -1000 °C trained, test RMSE 102.7 °C). It names the code and its count
    (counted here by numpy on the averaged file), offers no such reading for a sea_surface_temperature, and its
    line, run as printed (twice), writes the zonal mean of the masked original: numpy's nanmean by hand."""
    monkeypatch.chdir(tmp_path)
    values = _hadisst(tmp_path / "HadISST_sst.nc", standard_name="sea_surface_temperature")
    subprocess.run(["cdo", "-s", "zonmean", "HadISST_sst.nc", "zm.nc"], check=True)
    with netCDF4.Dataset("zm.nc") as nc:
        averaged = nc["sst"][:].filled(np.nan)
    said = _refusal("zm.nc")
    at_code = int((averaged == ICE).sum())
    assert at_code > 0 and np.unique(averaged[averaged < -273.15]).size > 5  # the kind: many values, the code among
    assert f"-1000 (HadISST's sea-ice code) at {at_code} of them" in said
    assert "temperature: difference" not in said and "cdo setctomiss" not in said
    command = re.search(r"the code masked first: (.*)$", said)[1]
    assert command.endswith("cdo -s zonmean -setctomiss,-1000 HadISST_sst.nc zm_masked.nc")
    subprocess.run(command, shell=True, check=True)
    written = (tmp_path / "zm_masked.nc").read_bytes()
    assert subprocess.run(command, shell=True).returncode != 0  # run again: refused, the copy left as it is
    assert (tmp_path / "zm_masked.nc").read_bytes() == written
    with warnings.catch_warnings():  # bands under ice at every longitude: NaN, as CDO's missing
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmean(np.where(values == ICE, np.nan, values), axis=2)
    forget_notes()
    masked = open_dataset(["zm_masked.nc"])
    warn_below_absolute_zero(masked, ["sst"])  # nothing below absolute zero left: no refusal
    np.testing.assert_allclose(masked["sst"].values[..., 0], expected, rtol=1e-5, atol=1e-4)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs cdo")
def test_without_an_absolute_standard_name_the_difference_reading_stays_offered(tmp_path, monkeypatch):
    """A variable no standard_name calls a temperature on its scale: the code is named, and the reading as
    differences is offered after the masking, as an alternative."""
    monkeypatch.chdir(tmp_path)
    _hadisst(tmp_path / "HadISST_sst.nc")
    subprocess.run(["cdo", "-s", "zonmean", "HadISST_sst.nc", "zm.nc"], check=True)
    said = _refusal("zm.nc")
    assert "-1000 (HadISST's sea-ice code)" in said
    assert said.index("-setctomiss,-1000") < said.index("'temperature: difference'")


def test_values_far_below_absolute_zero_without_a_code_and_no_history(tmp_path):
    """Means over a code with no value at the code itself (every band kept some sea): far below absolute zero,
    named so; with no CDO history the generic setctomiss line; no difference reading for an air_temperature."""
    values = _hadisst(tmp_path / "t.nc", standard_name="air_temperature")
    steps = np.arange(values.size).reshape(values.shape) % 7
    values = np.where(values == ICE, ICE + 0.5 + 3.25 * steps, values).astype("f4")  # -999.5 … -980: no code
    with netCDF4.Dataset(tmp_path / "t.nc", "a") as nc:
        nc["sst"][:] = values
    said = _refusal(tmp_path / "t.nc")
    assert f"values down to {values.min():g} C, far below absolute zero" in said
    assert "cdo setctomiss,CODE ORIGINAL.nc MASKED.nc" in said and "temperature: difference" not in said


def test_an_anomaly_labelled_a_temperature_on_its_scale_loses_that_standard_name(tmp_path):
    """Many values a few kelvins below 0 K in a variable whose standard_name says sea_surface_temperature: the
    reading as differences is offered only with that standard_name removed (the file would say both)."""
    values = _hadisst(tmp_path / "a.nc", standard_name="sea_surface_temperature")
    with netCDF4.Dataset(tmp_path / "a.nc", "a") as nc:
        nc["sst"].units = "K"
        nc["sst"][:] = np.where(values == ICE, 0.5, values - 15)
    said = _refusal(tmp_path / "a.nc")
    assert "not a few codes" in said
    assert "-a units_metadata,sst,o,c,'temperature: difference' -a standard_name,sst,d,, " in said


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(-1000.0, True, id="thousand"), pytest.param(-9999.0, True, id="nines"),
    pytest.param(-99.0, True, id="two-nines"), pytest.param(-999.5, False, id="fraction"),
    pytest.param(-1234.0, False, id="not-round"), pytest.param(-10.0, False, id="small"),
    pytest.param(1000.0, False, id="positive"),
])
def test_is_round_code(value, expected):
    assert is_round_code(value) is expected


def test_codes_among_compares_in_the_values_type():
    """float32 -999.9 (ERSST's) is not float64 -999.9: compared in the stored type it is found."""
    values = np.array([-1000.0, -999.9, -500.25, -300.5], dtype="f4")
    found = codes_among(values, np.array([7, 3, 1, 1]))
    assert [(count, name) for _, count, name in found] == [(7, "HadISST's sea-ice code"), (3, "ERSST's missing value")]


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("sea_surface_temperature", True, id="sst"), pytest.param("air_temperature", True, id="tas"),
    pytest.param("air_temperature_anomaly", False, id="anomaly"),
    pytest.param("change_over_time_in_air_temperature", False, id="change"),
    pytest.param("air_temperature standard_error", False, id="modifier"), pytest.param("", False, id="none"),
])
def test_says_temperature_on_scale(name, expected):
    assert says_temperature_on_scale(name) is expected

"""Numeric attributes stored as text (climann/data/text_numbers.py, through open_dataset): a text that
is exactly its number is decoded as that number by xarray's mask_and_scale; any other text is refused
naming every file that has one."""

from __future__ import annotations

import logging
import re
import shlex
import shutil
import subprocess

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

N_TIME, N_LAT, N_LON = 4, 3, 4


def _write(path, stored, dtype, text_attrs, *, numeric_attrs=None, time_offset=0, coordinate_text=None):
    """``v(time, lat, lon)`` written exactly as ``stored`` (no packing, no masking by netCDF4),
    with ``text_attrs`` stored as text and ``numeric_attrs`` as numbers; ``coordinate_text``:
    ``{coordinate: {attribute: text}}`` stored as text on the coordinates (``height``: a scalar
    coordinate named by ``v``'s ``coordinates``)."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", N_TIME), ("lat", N_LAT), ("lon", N_LON)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "noleap"
        time[:] = 15 + 30 * (np.arange(N_TIME) + time_offset)
        nc.createVariable("lat", "f8", ("lat",))[:] = [-45.0, 0.0, 45.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = [0.0, 90.0, 180.0, 270.0]
        nc["lon"].units = "degrees_east"
        variable = nc.createVariable("v", dtype, ("time", "lat", "lon"))
        variable.set_auto_maskandscale(False)
        variable.units = "K"
        if "height" in (coordinate_text or {}):
            nc.createVariable("height", "f8", ())[...] = 2.0
            nc["height"].units, variable.coordinates = "m", "height"
        for name, attrs in (coordinate_text or {}).items():
            for key, value in attrs.items():
                nc[name].setncattr_string(key, value)
        for key, value in (numeric_attrs or {}).items():
            variable.setncattr(key, value)
        for key, value in text_attrs.items():
            variable.setncattr_string(key, value)
        variable[:] = stored
    return path


def _stored_shorts() -> np.ndarray:
    """int16 values with the mark -32767 and values outside -3000 … 3000."""
    stored = np.arange(N_TIME * N_LAT * N_LON, dtype=np.int16).reshape(N_TIME, N_LAT, N_LON) * 97 - 2000
    stored[0, 0, 0] = stored[2, 1, 3] = -32767
    stored[1, 2, 2] = 3500
    stored[3, 0, 1] = -3001
    return stored


def test_packing_marks_and_limits_stored_as_text_decode_as_the_numbers_by_hand(tmp_path, caplog):
    """scale_factor, add_offset and missing_value are applied by xarray's mask_and_scale as the file is
    opened: as text they were refused; read as the numbers they say, the values equal the CF decoding
    done by hand (stored · 0.01 + 273.15, NaN at the mark and outside the packed valid_range)."""
    stored = _stored_shorts()
    text = {"scale_factor": "0.01", "add_offset": " 273.15", "missing_value": "-32767", "valid_range": "-3000, 3000"}
    path = _write(tmp_path / "packed.nc", stored, "i2", text)
    forget_notes()
    with caplog.at_level(logging.INFO):
        values = open_dataset([path])["v"].values
    by_hand = stored.astype(np.float64) * 0.01 + 273.15
    by_hand[(stored == -32767) | (stored < -3000) | (stored > 3000)] = np.nan
    assert np.isnan(by_hand).sum() == 4
    np.testing.assert_array_equal(values, by_hand)
    [said] = [record.getMessage() for record in caplog.records if "numeric attributes as text" in record.getMessage()]
    assert said.startswith("packed.nc stores numeric attributes as text")
    for item in ("'v' missing_value '-32767' as int16(-32767)", "'v' scale_factor '0.01' as float64(0.01)",
                 "'v' add_offset '273.15' as float64(273.15)", "'v' valid_range '-3000, 3000' as int16(-3000, 3000)"):
        assert item in said


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted (netCDF4-python cannot write it)")
def test_a_fill_value_stored_as_text_marks_its_number(tmp_path):
    """``ncatted -a _FillValue,v,o,c,-999`` writes a char _FillValue, which xarray took as no mark."""
    stored = np.full((N_TIME, N_LAT, N_LON), 280.0, "f4")
    stored[1, 1, 1] = stored[3, 2, 0] = -999.0
    numeric = _write(tmp_path / "numeric.nc", stored, "f4", {})
    path = tmp_path / "text_fill.nc"
    subprocess.run(["ncatted", "-O", "-a", "_FillValue,v,o,c,-999", str(numeric), str(path)], check=True)
    with netCDF4.Dataset(path) as nc:
        assert isinstance(nc["v"].getncattr("_FillValue"), bytes | str)
    expected = np.where(stored == -999.0, np.nan, stored)
    np.testing.assert_array_equal(open_dataset([path])["v"].values, expected)


@pytest.mark.parametrize(("key", "text", "value"), [
    pytest.param("missing_value", "n/a", "NUMBER", id="no number"),
    pytest.param("missing_value", "-999f", "NUMBER", id="C suffix"),
    pytest.param("scale_factor", "nan", "NUMBER", id="nan"),
    pytest.param("valid_range", "-3000", "LOW,HIGH", id="valid_range of one number"),
    pytest.param("valid_min", "-3000 3000", "NUMBER", id="valid_min of two numbers"),
    pytest.param("valid_min", "0.5", "0.5", id="a fraction for short data"),
])
def test_a_text_that_is_not_exactly_its_number_is_refused_with_ncatted_and_xarray(tmp_path, monkeypatch, key, text,
                                                                                  value):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "text.nc", _stored_shorts(), "i2", {key: text})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    letter = "f" if key == "scale_factor" else "s"
    assert message.startswith(f"'v' in text.nc has {key} stored as text ('{text}'), not as a number")
    assert f"store it as a number: `ncatted -a {key},v,o,{letter},{value} text.nc text_fixed.nc`, or with xarray: `" in message
    assert "\n" not in message


def _text_files(tmp_path):
    """a.nc and b.nc with the same text valid_max, c.nc with a text missing_value, d.nc clean: one series."""
    stored = _stored_shorts()
    return [_write(tmp_path / "a.nc", stored, "i2", {"valid_max": "forty"}, time_offset=0),
            _write(tmp_path / "b.nc", stored, "i2", {"valid_max": "forty"}, time_offset=N_TIME),
            _write(tmp_path / "c.nc", stored, "i2", {"missing_value": "n/a"}, time_offset=2 * N_TIME),
            _write(tmp_path / "d.nc", stored, "i2", {}, time_offset=3 * N_TIME)]


def test_the_refusal_names_each_file_with_text_attributes(tmp_path, monkeypatch):
    """rerun34 F4: of several files with text attributes the refusal named the first only; the next was
    refused only after the first was fixed."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset(_text_files(tmp_path))
    message = str(refused.value)
    assert message.startswith("'v' in a.nc, b.nc has valid_max stored as text ('forty'); 'v' in c.nc has "
                              "missing_value stored as text ('n/a'), not as numbers")
    assert ("`ncatted -a valid_max,v,o,s,NUMBER a.nc a_fixed.nc`, or with xarray: `" in message
            and "(each file with this command on its own copy)" in message)
    assert "`ncatted -a missing_value,v,o,s,NUMBER c.nc c_fixed.nc`, or with xarray: `" in message
    assert re.search(r"(?<![\w.])d\.nc", message) is None and "\n" not in message


def test_the_printed_xarray_line_stores_the_number(tmp_path, monkeypatch):
    """The xarray line, NUMBER filled in, writes a copy whose missing_value marks the values."""
    monkeypatch.chdir(tmp_path)
    stored = _stored_shorts()
    stored[stored != -32767] += 4000  # in K: above absolute zero
    path = _write(tmp_path / "c.nc", stored, "i2", {"missing_value": "n/a"})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    line = bare_python(str(refused.value)).split("or with xarray: `", 1)[1].split("`")[0].replace("NUMBER", "-32767")
    words = shlex.split(line)
    assert words[:2] == ["python", "-c"]
    run_python("-c", words[2], check=True, cwd=tmp_path)
    expected = np.where(stored == -32767, np.nan, stored.astype(np.float32))
    np.testing.assert_array_equal(open_dataset([tmp_path / "c_fixed.nc"])["v"].values, expected)


@pytest.mark.parametrize(("name", "key", "text", "value"), [
    pytest.param("time", "scale_factor", "n/a", "NUMBER", id="time-scale_factor"),
    pytest.param("time", "missing_value", "-999f", "NUMBER", id="time-missing_value"),
    pytest.param("lat", "valid_range", "-90", "LOW,HIGH", id="lat-valid_range"),
    pytest.param("lon", "add_offset", "nan", "NUMBER", id="lon-add_offset"),
    pytest.param("height", "missing_value", "none", "NUMBER", id="auxiliary-coordinate"),
])
def test_a_coordinate_text_that_is_not_exactly_its_number_is_refused(tmp_path, monkeypatch, name, key, text, value):
    """fix36d 4: on a coordinate such text was neither read nor refused: a scale_factor of the time
    axis raised xarray's UFuncNoLoopError, a missing_value was ignored (-999 read as a coordinate)."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "text.nc", _stored_shorts(), "i2", {}, coordinate_text={name: {key: text}})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    letter = "f" if key in ("scale_factor", "add_offset") else "d"
    assert message.startswith(f"'{name}' in text.nc has {key} stored as text ('{text}'), not as a number")
    assert f"`ncatted -a {key},{name},o,{letter},{value} text.nc text_fixed.nc`, or with xarray: `" in message
    assert "\n" not in message


def test_the_xarray_line_for_a_coordinate_stores_the_number(tmp_path, monkeypatch):
    """The xarray line, NUMBER filled in, writes a copy whose time axis is scaled as by hand."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "t.nc", _stored_shorts(), "i2", {}, coordinate_text={"time": {"scale_factor": "n/a"}})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    line = bare_python(str(refused.value)).split("or with xarray: `", 1)[1].split("`")[0].replace("NUMBER", "2")
    run_python("-c", shlex.split(line)[2], check=True, cwd=tmp_path)
    expected = cftime.num2date(2 * (15 + 30 * np.arange(N_TIME)), "days since 2000-01-01", "noleap")
    np.testing.assert_array_equal(open_dataset([tmp_path / "t_fixed.nc"])["time"].values, expected)


def test_a_coordinate_text_that_is_its_number_is_read_as_it(tmp_path):
    """Read as on a data variable: a time axis stored as shorts with scale_factor '0.5'."""
    path = tmp_path / "t.nc"
    _write(path, _stored_shorts(), "i2", {}, coordinate_text={"time": {"scale_factor": "0.5"}})
    opened = open_dataset([path])["time"].values
    expected = cftime.num2date(0.5 * (15 + 30 * np.arange(N_TIME)), "days since 2000-01-01", "noleap")
    np.testing.assert_array_equal(opened, expected)


def test_a_text_coordinate_keeps_its_text_fill_value(tmp_path):
    """A station's name (char, CF-1.8 §2.5.1: its fill value of its own type, text) is no number
    stored as text: opened, not refused, now that coordinates are checked too."""
    path = tmp_path / "labels.nc"
    _write(path, _stored_shorts(), "i2", {})
    with netCDF4.Dataset(path, "a") as nc:
        nc.createDimension("nchar", 4)
        label = nc.createVariable("label", "S1", ("lat", "nchar"), fill_value=b" ")
        label[:] = netCDF4.stringtochar(np.array(["ab", "cd", "ef"], "S4"))
        nc["v"].coordinates = "label"
    assert open_dataset([path])["label"].values.tolist() == [b"ab", b"cd", b"ef"]

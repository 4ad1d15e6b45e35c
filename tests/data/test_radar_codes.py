"""ODIM's nodata (missing) and undetect (no echo: 0 for a rain rate) applied as a radar file is read."""

from __future__ import annotations

import logging
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.value_checks import warn_held_values
from climann.errors import ClimannError

NODATA, UNDETECT = -9999000.0, -8888000.0

#: 2 steps of a 2 × 3 grid: NODATA outside the network, UNDETECT where no echo was seen.
_RAW = np.array([[[NODATA, UNDETECT, 1.5], [UNDETECT, 0.5, NODATA]],
                 [[NODATA, 2.0, UNDETECT], [UNDETECT, UNDETECT, NODATA]]], dtype=np.float32)


def _radar(path, *, name: str = "RATE", quantity: str = "RATE", units: str = "mm/h", repeats: int = 1,
           **encoded) -> None:
    """An OPERA-like CF file: daily RATE on y/x (m), ODIM's codes kept as attributes; ``_RAW``
    ``repeats`` times along time."""
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", None)
        ds.createDimension("y", 2)
        ds.createDimension("x", 3)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "days since 2021-01-01 12:00", "time", "standard"
        t[:] = np.arange(2.0 * repeats)
        for axis, values in (("y", [1.0e5, 0.0]), ("x", [0.0, 1.0e5, 2.0e5])):
            v = ds.createVariable(axis, "f8", (axis,))
            v.units, v.standard_name, v.axis = "m", f"projection_{axis}_coordinate", axis.upper()
            v[:] = values
        v = ds.createVariable(name, "f4", ("time", "y", "x"), fill_value=encoded.pop("fill_value", None))
        v.units, v.quantity, v.long_name = units, quantity, "rainfall rate" if quantity == "RATE" else "reflectivity"
        v.nodata, v.undetect = np.float32(NODATA), np.float32(UNDETECT)
        for key, value in encoded.items():
            v.setncattr(key, value)
        v[:] = np.tile(_RAW, (repeats, 1, 1))


def test_nodata_missing_and_undetect_zero(tmp_path):
    """break38a A2: undetect (60 % of an OPERA field) is no rain; read as 0, the mean is over every radiated pixel."""
    _radar(tmp_path / "opera.nc")
    rate = open_dataset([tmp_path / "opera.nc"])["RATE"]
    expected = np.array([[[np.nan, 0.0, 1.5], [0.0, 0.5, np.nan]], [[np.nan, 2.0, 0.0], [0.0, 0.0, np.nan]]])
    np.testing.assert_array_equal(rate.values, expected)
    assert float(rate.mean()) == pytest.approx((1.5 + 0.5 + 2.0) / 8)  # 8 radiated pixels, 3 of them wet
    assert "undetect" not in rate.attrs and "nodata" not in rate.attrs


def test_no_code_is_left_to_warn_about(tmp_path, caplog):
    """The fill-like warnings advised marking undetect missing (rain-only training): nothing of it is left."""
    _radar(tmp_path / "opera.nc", repeats=10)  # 60 undetect, 40 nodata: codes by their repeats
    forget_notes()
    with caplog.at_level(logging.WARNING):
        warn_held_values(open_dataset([tmp_path / "opera.nc"]), ["RATE"], where="opera.nc", file=tmp_path / "opera.nc")
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_undetect_marked_missing_is_warned_about(tmp_path, caplog):
    """The copy climann's old advice wrote (missing_value = undetect): warned, with the ncatted that unmarks it."""
    _radar(tmp_path / "opera_fixed_2.nc", fill_value=np.float32(NODATA), missing_value=np.float32(UNDETECT))
    forget_notes()
    with caplog.at_level(logging.WARNING):
        open_dataset([tmp_path / "opera_fixed_2.nc"])
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "marks ODIM's undetect = -8.888e+06 (no echo detected: 0) missing by its missing_value" in said
    assert "ncatted -a missing_value,RATE,d,," in said


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncatted") is None, reason="needs NCO")
def test_reflectivity_undetect_refused_with_the_lines_that_set_it(tmp_path, monkeypatch):
    """dBZ below detection is no 0: refused; the two lines, run with VALUE -32, give a file read as -32 there."""
    monkeypatch.chdir(tmp_path)
    _radar(tmp_path / "dbz.nc", name="DBZH", quantity="DBZH", units="dBZ")
    with pytest.raises(ClimannError, match="undetect = -8.888e") as refused:
        open_dataset([tmp_path / "dbz.nc"])
    commands = [part for part in str(refused.value).split("`") if part.startswith(("ncap2 ", "ncatted "))]
    assert len(commands) == 2
    for command in commands:
        subprocess.run(["bash", "-c", command.replace("VALUE", "-32")], check=True, capture_output=True, cwd=tmp_path)
    dbz = open_dataset([tmp_path / "dbz_fixed.nc"])["DBZH"].values
    np.testing.assert_array_equal(dbz, np.where(_RAW == UNDETECT, -32.0, np.where(_RAW == NODATA, np.nan, _RAW)))


def _raw_radar(path, raw: np.ndarray, *, name: str, quantity: str, units: str, dtype: str,
               conventions: str | None = None, **attrs) -> None:
    """An ODIM-like conversion that kept the raw values and ODIM's 'what' attributes (gain, offset, nodata,
    undetect) with no CF scale_factor/add_offset: one step of a 2 × 3 grid; global Conventions when given."""
    with netCDF4.Dataset(path, "w") as ds:
        if conventions:
            ds.Conventions = conventions
        ds.createDimension("time", None)
        ds.createDimension("y", 2)
        ds.createDimension("x", 3)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "days since 2021-01-01 12:00", "time", "standard"
        t[:] = [0.0, 1.0]
        for axis, values in (("y", [1.0e5, 0.0]), ("x", [0.0, 1.0e5, 2.0e5])):
            v = ds.createVariable(axis, "f8", (axis,))
            v.units, v.standard_name, v.axis = "m", f"projection_{axis}_coordinate", axis.upper()
            v[:] = values
        v = ds.createVariable(name, dtype, ("time", "y", "x"))
        v.set_auto_maskandscale(False)
        v.units, v.quantity = units, quantity
        for key, value in attrs.items():
            v.setncattr(key, value)
        v[:] = raw


#: Raw uint16 rain rates, gain 0.01 (ODIM's RATE): 65535 never radiated, 0 no echo.
_RATE_RAW = np.array([[[65535, 0, 150], [0, 50, 65535]], [[65535, 200, 0], [1, 0, 65535]]], dtype=np.uint16)


def test_gain_applied_to_raw_rain_rates_after_the_codes(tmp_path):
    """fix38i: ODIM's gain/offset kept as attributes were not applied: raw 150 read as 150 mm/h (1.5 by
    physical = offset + gain x raw), and as integers the nodata code 65535 was read as rain too."""
    _raw_radar(tmp_path / "rate.nc", _RATE_RAW, name="RATE", quantity="RATE", units="mm/h", dtype="u2",
               gain=np.float64(0.01), offset=np.float64(0.0), nodata=np.float64(65535), undetect=np.float64(0))
    rate = open_dataset([tmp_path / "rate.nc"])["RATE"]
    expected = np.where(_RATE_RAW == 65535, np.nan, 0.0 + 0.01 * _RATE_RAW.astype(np.float64))
    np.testing.assert_allclose(rate.values, expected, rtol=1e-6)
    assert float(rate.mean()) == pytest.approx((1.5 + 0.5 + 2.0 + 0.01) / 8, rel=1e-6)
    assert not {"gain", "offset", "nodata", "undetect"} & set(rate.attrs)


def test_gain_and_offset_of_raw_reflectivity(tmp_path):
    """uint8 DBZH of gain 0.5, offset -32 (ODIM's usual): raw 100 is 18 dBZ, 255 (nodata) missing."""
    raw = np.array([[[255, 64, 100], [1, 254, 255]], [[255, 128, 2], [3, 4, 255]]], dtype=np.uint8)
    _raw_radar(tmp_path / "dbz.nc", raw, name="DBZH", quantity="DBZH", units="dBZ", dtype="u1",
               gain=np.float64(0.5), offset=np.float64(-32.0), nodata=np.float64(255))
    dbz = open_dataset([tmp_path / "dbz.nc"])["DBZH"].values
    np.testing.assert_array_equal(dbz, np.where(raw == 255, np.nan, -32.0 + 0.5 * raw))
    assert dbz[0, 0, 2] == 18.0


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO")
@pytest.mark.parametrize("case, expected", [
    pytest.param("raw", -32.0 + 0.5 * np.array([64.0, 100.0]), id="values-raw"),
    pytest.param("physical", np.array([64.0, 100.0]), id="values-physical")])
def test_floating_values_beside_a_gain_refused_with_the_line_of_each_case(tmp_path, monkeypatch, case, expected):
    """Floats beside gain 0.5, offset -32: raw or converted, the file does not say; each printed line, run,
    gives a file read as that case says."""
    monkeypatch.chdir(tmp_path)
    raw = np.array([[[255, 64, 100], [1, 254, 255]], [[255, 128, 2], [3, 4, 255]]], dtype=np.float32)
    _raw_radar(tmp_path / "dbz.nc", raw, name="DBZH", quantity="DBZH", units="dBZ", dtype="f4",
               gain=np.float64(0.5), offset=np.float64(-32.0), nodata=np.float64(255))
    with pytest.raises(ClimannError, match="gain = 0.5, offset = -32") as refused:
        open_dataset([tmp_path / "dbz.nc"])
    commands = [part for part in str(refused.value).split("`") if part.startswith("ncatted ")]
    assert len(commands) == 2
    command = commands[0] if case == "raw" else commands[1]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    dbz = open_dataset([tmp_path / "dbz_scaled.nc"])["DBZH"].values
    np.testing.assert_array_equal(dbz[0, 0, 1:], expected)


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncatted") is None, reason="needs NCO")
def test_raw_reflectivity_undetect_refused_with_the_raw_value_to_set(tmp_path, monkeypatch):
    """uint8 DBZH (gain 0.5, offset -32) with undetect = 0: refused (no echo is no number of dBZ), the VALUE named
    a raw one; run with VALUE 0 (raw 0 is -32 dBZ), the copy reads -32 there and 18 dBZ at raw 100."""
    monkeypatch.chdir(tmp_path)
    raw = np.array([[[255, 0, 100], [1, 0, 255]], [[255, 128, 0], [3, 4, 255]]], dtype=np.uint8)
    _raw_radar(tmp_path / "dbz.nc", raw, name="DBZH", quantity="DBZH", units="dBZ", dtype="u1",
               gain=np.float64(0.5), offset=np.float64(-32.0), nodata=np.float64(255), undetect=np.float64(0))
    with pytest.raises(ClimannError, match="undetect = 0") as refused:
        open_dataset([tmp_path / "dbz.nc"])
    assert "(a raw value, as the file's: physical = -32 + 0.5 x raw)" in str(refused.value)
    for command in [part for part in str(refused.value).split("`") if part.startswith(("ncap2 ", "ncatted "))]:
        subprocess.run(["bash", "-c", command.replace("VALUE", "0")], check=True, capture_output=True, cwd=tmp_path)
    dbz = open_dataset([tmp_path / "dbz_fixed.nc"])["DBZH"].values
    np.testing.assert_array_equal(dbz, np.where(raw == 255, np.nan, -32.0 + 0.5 * raw))


def test_floating_raw_values_of_a_file_that_says_odim_h5_are_scaled(tmp_path):
    """fix39d: ODIM_H5 defines gain/offset for the stored data whatever its type; a file whose global Conventions
    say ODIM_H5/V2_4 holds raw floats: raw 100 with gain 0.5, offset -32 is 18 dBZ, 255 (nodata) missing."""
    raw = np.array([[[255, 64, 100], [1, 254, 255]], [[255, 128, 2], [3, 4, 255]]], dtype=np.float32)
    _raw_radar(tmp_path / "dbz.nc", raw, name="DBZH", quantity="DBZH", units="dBZ", dtype="f4",
               conventions="ODIM_H5/V2_4", gain=np.float64(0.5), offset=np.float64(-32.0), nodata=np.float64(255))
    dbz = open_dataset([tmp_path / "dbz.nc"])["DBZH"].values
    np.testing.assert_array_equal(dbz, np.where(raw == 255, np.nan, -32.0 + 0.5 * raw))


#: Raw float reflectivity of an ODIM_H5 file (gain 0.5, offset -32 dBZ): 255 never radiated, 0 no echo.
_DBZH_RAW = np.array([[[255, 0, 100], [1, 0, 255]], [[255, 128, 0], [3, 4, 255]]], dtype=np.float32)


def _odim_dbzh(path) -> None:
    _raw_radar(path, _DBZH_RAW, name="DBZH", quantity="DBZH", units="dBZ", dtype="f4", conventions="ODIM_H5/V2_3",
               gain=np.float64(0.5), offset=np.float64(-32.0), nodata=np.float64(255), undetect=np.float64(0))


def test_float_reflectivity_of_an_odim_h5_file_reads_its_codes_and_scaling(tmp_path, caplog):
    """fix40c: float DBZH with gain/offset, nodata and undetect in a file whose Conventions say ODIM_H5/V2_3 got
    the refusal for files that do not say ODIM_H5 ('this file does not say it is one'). Now: raw x gain + offset,
    nodata missing, undetect (radiated, no echo: no number of dBZ) missing with a warning that says so."""
    _odim_dbzh(tmp_path / "dbz.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING):
        dbz = open_dataset([tmp_path / "dbz.nc"])["DBZH"]
    expected = np.where((_DBZH_RAW == 255) | (_DBZH_RAW == 0), np.nan, -32.0 + 0.5 * _DBZH_RAW.astype(np.float64))
    np.testing.assert_array_equal(dbz.values, expected)
    assert not {"gain", "offset", "nodata", "undetect"} & set(dbz.attrs)
    (warned,) = [r.getMessage() for r in caplog.records if "undetect = 0" in r.getMessage()]
    assert "is read as missing" in warned and "the pixels with an echo only" in warned


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncatted") is None, reason="needs NCO")
def test_the_odim_h5_undetect_warning_line_gives_no_echo_the_value_chosen(tmp_path, monkeypatch, caplog):
    """The warning's lines, run with VALUE 2 (raw: -31 dBZ), give the no-echo pixels -31 dBZ in the copy."""
    monkeypatch.chdir(tmp_path)
    _odim_dbzh(tmp_path / "dbz.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING):
        open_dataset([tmp_path / "dbz.nc"])
    (warned,) = [r.getMessage() for r in caplog.records if "undetect = 0" in r.getMessage()]
    for command in [part for part in warned.split("`") if part.startswith(("ncap2 ", "ncatted "))]:
        subprocess.run(["bash", "-c", command.replace("VALUE", "2")], check=True, capture_output=True, cwd=tmp_path)
    dbz = open_dataset([tmp_path / "dbz_fixed.nc"])["DBZH"].values
    raw = np.where(_DBZH_RAW == 0, 2.0, _DBZH_RAW.astype(np.float64))
    np.testing.assert_array_equal(dbz, np.where(raw == 255, np.nan, -32.0 + 0.5 * raw))


def _odim_dbzh_on_a_grid(path, raw: np.ndarray) -> None:
    """Float raw DBZH (time, lat, lon) of an ODIM_H5 file on a latitude-longitude grid, daily from 2020-01-01."""
    with netCDF4.Dataset(path, "w") as ds:
        ds.Conventions = "ODIM_H5/V2_4"
        for name, size in zip(("time", "lat", "lon"), raw.shape):
            ds.createDimension(name, size)
        time = ds.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2020-01-01 00:00", "standard", "time"
        time[:] = np.arange(raw.shape[0])
        for name, start, units in (("lat", 50.0, "degrees_north"), ("lon", 5.0, "degrees_east")):
            axis = ds.createVariable(name, "f8", (name,))
            axis.units = units
            axis[:] = start + np.arange(ds.dimensions[name].size)
        dbzh = ds.createVariable("DBZH", "f4", ("time", "lat", "lon"))
        dbzh.set_auto_maskandscale(False)
        dbzh.units, dbzh.quantity = "dBZ", "DBZH"
        dbzh.gain, dbzh.offset, dbzh.nodata, dbzh.undetect = np.float64(0.5), np.float64(-32.0), np.float64(255), 0.0
        dbzh[:] = raw


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncatted") is None, reason="needs NCO")
def test_the_odim_lines_then_the_units_line_make_a_chain_refused_in_one_round(tmp_path, monkeypatch, caplog, capfd):
    """rerun40 R2: dbz.nc, then the undetect warning's ncap2 and ncatted lines (dbz_fixed.nc, units 'dBZ' as the
    original), then the units warning's line (dbz_fixed_2.nc, units '1'): the folder was refused twice, the second
    time asking dbz_fixed_2.nc back in the units of dbz_fixed.nc (undoing the fix). Each printed line run as printed:
    one refusal naming the whole chain; after the files it names are moved out, the last copy is read."""
    from climann.data.open import expand_paths
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").mkdir()
    raw = np.clip(np.round(60 + 20 * np.random.default_rng(4).normal(size=(40, 3, 4))), 1, 254)
    raw[::3, 1, 1], raw[:, 0, 0] = 0, 255  # no echo every third day at one pixel; one never radiated
    _odim_dbzh_on_a_grid(tmp_path / "f" / "dbz.nc", raw.astype(np.float32))
    forget_notes()  # what a process of its own has said: nothing yet
    info = run_main("info", "f", capfd=capfd, monkeypatch=monkeypatch)
    warned = " ".join(info.stderr.split())
    commands = [part for part in warned.split("`") if part.startswith(("ncap2 ", "ncatted "))]
    # dBZ has no UDUNITS spelling: the units advice is in words (fix42g: no UNITS placeholder in a command); the
    # user's line following it writes a copy of the ODIM line's copy, as the chain's last link
    assert ("set the units attribute of 'DBZH' (in a copy of the file) to the UDUNITS spelling of the unit its "
            "values are in") in warned
    commands += ["ncatted -a units,DBZH,o,c,UNITS f/dbz_fixed.nc f/dbz_fixed_2.nc"]
    for command in commands:
        subprocess.run(["bash", "-c", command.replace("VALUE", "0").replace("UNITS", "1")], check=True, cwd=tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset(expand_paths(["f"]))
    moves = str(refused.value).split("give the latest copy in place of the others: move ")[1].split(" out of")[0]
    assert moves == "'f/dbz.nc' and 'f/dbz_fixed.nc'"
    (tmp_path / "moved").mkdir()
    for name in ("dbz.nc", "dbz_fixed.nc"):
        (tmp_path / "f" / name).rename(tmp_path / "moved" / name)
    dbz = open_dataset(expand_paths(["f"]))["DBZH"]
    assert dbz.attrs["units"] == "1"
    # VALUE 0: the no-echo pixels -32 dBZ
    np.testing.assert_array_equal(dbz.values, np.where(raw == 255, np.nan, -32.0 + 0.5 * raw))

"""Usual and default fill values that no attribute marks (climann/data/fill_like.py)."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess

import cftime
import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.bounded_quantities import upper_bound
from climann.data.fill_like import (BlockReads, blocks_by_place, fill_like_counts, read_together,
                                    refuse_codes_beyond_bound, warn_fill_like_values)
from climann.data.notes import forget_notes
from climann.data.open import concat_blocks, expand_paths, open_dataset
from climann.data.shell import none_there
from climann.data.units import convert_dataset
from climann.data.value_checks import warn_held_values
from climann.errors import ClimannError
from tests.console import run_main
from tests.fresh_python import shell_path
from tests.followed_twice import without_guards

LAT = np.array([-50.0, -30.0, -10.0, 10.0, 30.0, 50.0])
LON = np.arange(0.0, 360.0, 45.0)


def _marked(command: str, stem: str, others: tuple[str, ...] = ()) -> str:
    """What climann prints for ``command`` (an ncatted's options) on {stem}.nc in the working folder: the line, in
    backticks, writing the copy into a new folder missing_marked/ under its own name, then the --data to give (fix55a:
    {stem}_fixed.nc beside {stem}.nc was taken with it by a glob over their folder, and the run refused both)."""
    copy = f"missing_marked/{stem}.nc"
    given = f", with the other files of the working folder given as before ({' '.join(f'--data {other}' for other in others)})"
    return (f"`{none_there(copy)}mkdir -p missing_marked && {command} {stem}.nc {copy}` (its copy in a new folder), "
            f"then give --data {copy} in place of {stem}.nc{given if others else ''}")


def _printed_line(said: str, after: str) -> str:
    """The line in backticks that ``said`` gives after the words ``after``, as printed."""
    return said.split(after, 1)[1].split("`", 2)[1]


def _ncatted_words(line: str) -> list[str]:
    """The ncatted of a printed line (after its guard and its mkdir), as the shell splits it."""
    return shlex.split(line.rsplit(" && ", 1)[1])


def _in_place(stem: str) -> str:
    """What follows the ncatted that writes {stem}_fixed.nc beside {stem}.nc (verify26b F1, N1)."""
    return (f" (then give {stem}_fixed.nc in place of {stem}.nc in --data: a glob over their folder takes both, "
            "and two files of one variable are refused)")


def _land() -> np.ndarray:
    land = np.zeros((LAT.size, LON.size), bool)
    land[1:3, 2:4] = True
    land[4, 6] = True
    return land  # 5 cells of 48


def _fill_like_dataset(n_time: int, value: float, dtype: str = "f4") -> xr.Dataset:
    values = np.full((n_time, LAT.size, LON.size), 280.0)
    values[:, _land()] = value
    times = [cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(n_time)]
    return xr.Dataset({"tas": (("time", "lat", "lon"), values.astype(dtype)),
                       "ok": (("time", "lat", "lon"), np.zeros_like(values, dtype))},
                      coords={"time": times, "lat": LAT, "lon": LON}).chunk({"time": 5})


def _warnings(caplog, dataset, names, **where):
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_fill_like_values(dataset, names, **({"where": "a.nc", "file": "a.nc"} | where))
    return [record.getMessage() for record in caplog.records]


@pytest.mark.parametrize(
    ("value", "dtype", "text", "letter", "whose"),
    [
        pytest.param(1e20, "f4", "1e+20", "f", "CMIP's missing value", id="1e20-float32"),
        pytest.param(-9999.0, "f8", "-9999", "d", "observation products' missing value", id="-9999-double"),
        pytest.param(9.969209968386869e36, "f4", "9.96921e+36", "f", "netCDF's default fill of float and double",
                     id="netcdf-default-fill"),
        # the double default fill to its 16 digits: ncatted's 9.96921e+36 would be another double
        pytest.param(9.969209968386869e36, "f8", "9.969209968386869e+36", "d",
                     "netCDF's default fill of float and double", id="netcdf-default-fill-double"),
        # break13 F1: these were trained on as data (test MSE 1.8e4 for -999.9, 1.1e66 for -1e34)
        pytest.param(-999.9, "f4", "-999.9", "f", "ERSST's missing value", id="ERSST-999.9"),
        pytest.param(-999.9, "f8", "-999.9", "d", "ERSST's missing value", id="ERSST-999.9-double"),
        # break15 F5: APHRODITE's sea, trained and scored on as -99.9 mm/day of rain
        pytest.param(-99.9, "f4", "-99.9", "f", "APHRODITE's missing value", id="APHRODITE-99.9"),
        pytest.param(-99.0, "f8", "-99", "d", "a missing value of station and Fortran-era products", id="-99-double"),
        pytest.param(-1e34, "f4", "-1e+34", "f", "Ferret's missing value flag", id="Ferret-1e34"),
        pytest.param(-1e30, "f4", "-1e+30", "f", "HadISST's and CRUTEM's fill value", id="HadISST-1e30"),
        pytest.param(1e30, "f4", "1e+30", "f", "the IRI Data Library's missing value", id="IRI-1e30"),
        pytest.param(-9.99e8, "f4", "-999000000", "f", "GrADS's undef", id="GrADS-9.99e8"),
        pytest.param(-9.99e33, "f4", "-9.99e+33", "f", "GrADS's undef before 2.0.a6", id="GrADS-9.99e33"),
        pytest.param(32767.0, "f4", "32767", "f", "short's highest value, a fill value of short data",
                     id="short-highest-in-floats"),
        pytest.param(-32768.0, "f8", "-32768", "d", "short's lowest value, a fill value of short data",
                     id="short-lowest-in-doubles"),
    ],
)
def test_a_fill_like_value_without_an_attribute_is_named_with_its_count(caplog, value, dtype, text, letter, whose):
    said = _warnings(caplog, _fill_like_dataset(48, value, dtype), ["tas", "ok", "absent"])
    # every value read: 5 land cells at each of the 48 steps, 240 of 48 × 48 = 2304 values
    expected = (f"'tas' in a.nc holds {value:g} at 240 of the 2304 values checked, at 48 time steps (2000-01-15, "
                f"2000-02-15, 2000-03-15, …), a usual fill value ({whose}) that "
                f"no _FillValue or missing_value marks as missing, so they are used as data; if they are missing "
                f"values: ncatted -a _FillValue,tas,o,{letter},{text} a.nc a_fixed.nc" + _in_place("a"))
    assert said == [expected]


def test_the_command_marks_exactly_the_values_held(tmp_path, caplog, monkeypatch):
    """The advised _FillValue, read back as ncatted would store it (float32 -999.9), masks every -999.9 and nothing
    else: the test climatology over the kept values equals the one by hand with that row left out."""
    monkeypatch.chdir(tmp_path)
    dataset = _fill_like_dataset(48, -999.9, "f4")
    dataset.to_netcdf(tmp_path / "a.nc", encoding={"tas": {"_FillValue": None}, "ok": {"_FillValue": None}})
    said = _warnings(caplog, open_dataset([tmp_path / "a.nc"]), ["tas"])
    value = float(said[0].split("_FillValue,tas,o,f,")[1].split()[0])  # ncatted -a _FillValue,tas,o,f,-999.9 a.nc …
    dataset.to_netcdf(tmp_path / "b.nc", encoding={"tas": {"_FillValue": np.float32(value)}, "ok": {"_FillValue": None}})
    masked = open_dataset([tmp_path / "b.nc"])["tas"].values
    assert np.isnan(masked).sum() == 48 * 5 and np.all(masked[~np.isnan(masked)] == 280.0)


def test_ordinary_values_and_marked_fill_values_give_no_warning(caplog):
    assert _warnings(caplog, _fill_like_dataset(6, np.nan), ["tas", "ok"]) == []


def test_a_float32_fill_written_as_doubles_is_found(caplog):
    """float32(1e20) read into a double is 1.0000000200408773e20, not 1e20; the command names that double."""
    said = _warnings(caplog, _fill_like_dataset(6, np.float32(1e20), "f8"), ["tas"])
    assert len(said) == 1 and "holds 1e+20 at 30 of the 288 values checked, at 6 time steps" in said[0]
    assert said[0].endswith("ncatted -a _FillValue,tas,o,d,1.0000000200408773e+20 a.nc a_fixed.nc" + _in_place("a"))


def test_an_existing_fill_value_is_kept_and_named(caplog):
    """Overwriting its _FillValue -999 with 1e20 would unmark the -999s: a missing_value is added instead."""
    dataset = _fill_like_dataset(6, 1e20)
    dataset["tas"].encoding["_FillValue"] = np.float32(-999.0)
    said = _warnings(caplog, dataset, ["tas"])
    assert len(said) == 1 and "a usual fill value (CMIP's missing value) that its _FillValue -999 does not mark, so" \
        in said[0]
    assert said[0].endswith("ncatted -a missing_value,tas,o,f,1e+20 a.nc a_fixed.nc" + _in_place("a"))
    dataset["tas"].encoding["missing_value"] = np.float32(-99.0)
    said = _warnings(caplog, dataset, ["tas"])
    assert "that its _FillValue -999 or its missing_value -99 does not mark" in said[0]
    assert said[0].endswith("ncatted -a missing_value,tas,o,f,-99,1e+20 a.nc a_fixed.nc" + _in_place("a"))


def test_the_variables_of_one_file_get_one_command(caplog):
    """Two commands each writing a_fixed.nc from a.nc would keep only the second one's change."""
    dataset = _fill_like_dataset(6, 1e20)
    dataset["pr"] = dataset["tas"].where(dataset["tas"] < 1e19, -9999.0)
    said = _warnings(caplog, dataset, ["tas", "pr"])
    command = "ncatted -a _FillValue,tas,o,f,1e+20 -a _FillValue,pr,o,f,-9999 a.nc a_fixed.nc"
    assert len(said) == 2 and (f"if they are missing values: {command}{_in_place('a')} (one command for the 2 "
                               "variables") in said[0]
    # break39a F5: the same command again, chained from the first's copy, wrote a second copy that changed nothing
    assert "ncatted" not in said[1]
    assert said[1].endswith("if they are missing values, the command on the line of 'tas' above marks them too")


def test_the_fill_value_advice_followed_as_printed_writes_its_copy_into_a_new_folder(tmp_path, monkeypatch, capfd):
    """verify26b N1, fix55a: the line train prints for a.nc's unmarked -9999, run by the shell as printed, writes the
    copy into missing_marked/ and nothing beside a.nc (a.nc_fixed.nc there was taken with a.nc by a glob over their
    folder, and the run refused the two files of one variable); train given the --data the warning names reads
    -9999 as missing at the 5 land cells of each of the 48 steps (by hand), every other value as a.nc holds it,
    and no longer warns."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(55)
    dataset = _fill_like_dataset(48, -9999.0).compute()
    dataset["ok"] = dataset["ok"] + rng.normal(0.0, 1.0, dataset["ok"].shape).astype("f4")
    dataset["tas"] = dataset["tas"].where(dataset["tas"] == -9999.0, dataset["tas"] + dataset["ok"])
    dataset.to_netcdf("a.nc", encoding={"tas": {"_FillValue": None}, "ok": {"_FillValue": None}})
    first = run_main("train", "--data", "a.nc", "--target", "tas", "--epochs", "1", "--out", "r1", capfd=capfd,
                     monkeypatch=monkeypatch)
    (said,) = [line for line in first.stderr.splitlines() if "holds -9999" in line]
    line = _printed_line(said, "if they are missing values: ")
    assert _ncatted_words(line) == ["ncatted", "-a", "_FillValue,tas,o,f,-9999", "a.nc", "missing_marked/a.nc"]
    data = said.split("then give --data ", 1)[1]
    assert data == "missing_marked/a.nc in place of a.nc", said
    subprocess.run(line, shell=True, check=True, capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["a.nc", "missing_marked", "r1"]  # the original alone in its folder
    assert os.listdir("missing_marked") == ["a.nc"]
    held = open_dataset(expand_paths(["missing_marked/a.nc"]))["tas"].values
    expected = dataset["tas"].values.copy()
    expected[:, _land()] = np.nan  # by hand: the 5 land cells of every step
    np.testing.assert_array_equal(held, expected)
    second = run_main("train", "--data", "missing_marked/a.nc", "--target", "tas", "--epochs", "1", "--out", "r2",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert second.returncode == 0, second.stderr
    assert "holds -9999" not in second.stderr


def _write_short(path, *, packed, attrs=None, fill=-32767, fill_value=None, dtype="i2", first_day=15.0,
                 packing=(0.01, 280.0), units="W m-2"):
    """int16 tas, 5 cells of 48 at ``fill`` in every step, no _FillValue; packed: steps of 0.01 about 280
    (``packing``: scale_factor, add_offset); 4 steps 30 days apart from ``first_day`` (days since 2000-01-01)."""
    values = np.full((4, LAT.size, LON.size), 1234, dtype)
    values[:, _land()] = fill
    with netCDF4.Dataset(path, "w", format="NETCDF4" if dtype in ("i8", "u2") else "NETCDF3_64BIT_OFFSET") as handle:
        for name, size in (("time", 4), ("lat", LAT.size), ("lon", LON.size)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(4) * 30.0 + first_day
        handle["time"].units = "days since 2000-01-01"
        handle.createVariable("lat", "f8", ("lat",))[:] = LAT
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = LON
        handle["lon"].units = "degrees_east"
        tas = handle.createVariable("tas", dtype, ("time", "lat", "lon"), fill_value=fill_value)
        tas.set_auto_maskandscale(False)
        tas.units = units  # no temperature: a temperature's -32767 K is below absolute zero (test_absolute_zero)
        if packed:
            tas.scale_factor, tas.add_offset = np.float32(packing[0]), np.float32(packing[1])
        for key, value in (attrs or {}).items():
            tas.setncattr(key, value)
        tas[:] = values
    return path


@pytest.mark.parametrize("packed, held", [
    # by hand: float32(-32767) * float32(0.01) + float32(280) = -47.67
    pytest.param(True, f"{float(np.float32(-32767) * np.float32(0.01) + np.float32(280)):g} (the packed value -32767)",
                 id="packed"),
    pytest.param(False, "-32767", id="unpacked"),
])
def test_the_default_fill_of_short_data_without_a_fill_value_is_warned_about(tmp_path, caplog, monkeypatch, packed,
                                                                             held):
    """netCDF4-python masks the default fill; xarray reads -32767 (packed: -47.67) as data."""
    monkeypatch.chdir(tmp_path)
    path = _write_short(tmp_path / "tas.nc", packed=packed)
    said = _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path)
    assert said == [f"'tas' in tas.nc holds {held} at 20 of the 192 values checked, "
                    f"at 4 time steps (2000-01-16, 2000-02-15, 2000-03-16, …), the netCDF default fill value of "
                    "short, which no _FillValue or missing_value marks as missing (netCDF4-python masks a default "
                    "fill; xarray and climann do not guess), so they are used as data; if they are missing values: "
                    + _marked("ncatted -a _FillValue,tas,o,s,-32767", "tas")]


def test_a_missing_value_that_marks_nothing_is_named_beside_the_default_fill(tmp_path, caplog, monkeypatch):
    """recheck10 F7: a double missing_value 1e20 on packed short data marks nothing; the -32767s were not named."""
    monkeypatch.chdir(tmp_path)
    path = _write_short(tmp_path / "tas.nc", packed=True, attrs={"missing_value": np.float64(1e20)})
    said = _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path)
    assert len(said) == 1 and "which its missing_value 1e+20 does not mark" in said[0]
    assert said[0].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32767", "tas"))


def test_a_fill_value_attribute_leaves_the_default_fill_alone(tmp_path, caplog):
    """With a _FillValue, the default is no fill value (netCDF4-python too): -32767 is data there."""
    path = _write_short(tmp_path / "tas.nc", packed=False, fill_value=np.int16(-999))
    assert _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path) == []


@pytest.mark.parametrize(("dtype", "fill", "packed", "held", "end", "letter"), [
    # break13 F1: 32767 in short data was trained on as data; by hand float32(32767) * 0.01 + 280 = 607.67
    pytest.param("i2", 32767, False, "32767", "highest value of short", "s", id="short-highest"),
    pytest.param("i2", -32768, False, "-32768", "lowest value of short", "s", id="short-lowest"),
    pytest.param("i2", -32768, True, f"{float(np.float32(-32768) * np.float32(0.01) + np.float32(280)):g} "
                 "(the packed value -32768)", "lowest value of short", "s", id="short-lowest-packed"),
    pytest.param("i4", -2147483648, False, "-2147483648", "lowest value of int", "l", id="int-lowest"),
    pytest.param("i8", 9223372036854775807, False, "9223372036854775807", "highest value of int64", "ll",
                 id="int64-highest"),
])
def test_the_extremes_of_an_integer_type_are_warned_about(tmp_path, caplog, monkeypatch, dtype, fill, packed, held,
                                                          end, letter):
    monkeypatch.chdir(tmp_path)
    path = _write_short(tmp_path / "tas.nc", packed=packed, fill=fill, dtype=dtype)
    said = _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path)
    assert said == [f"'tas' in tas.nc holds {held} at 20 of the 192 values checked, "
                    f"at 4 time steps (2000-01-16, 2000-02-15, 2000-03-16, …), the {end}, a fill value of many "
                    "writers, which no _FillValue or missing_value marks as missing, so they are used as data; if they "
                    f"are missing values: " + _marked(f"ncatted -a _FillValue,tas,o,{letter},{fill}", "tas")]


def test_an_extreme_beside_a_fill_value_is_marked_with_a_missing_value(tmp_path, caplog, monkeypatch):
    """-32767 is the _FillValue (masked); the unmarked 32767s are named, and the command keeps the _FillValue."""
    monkeypatch.chdir(tmp_path)
    path = _write_short(tmp_path / "tas.nc", packed=False, fill=32767, fill_value=np.int16(-32767))
    said = _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path)
    assert len(said) == 1 and "holds 32767 at 20 of the 192 values checked, at 4 time steps" in said[0]
    assert "the highest value of short" in said[0]
    assert said[0].endswith("which its _FillValue -32767 does not mark, so they are used as data; if they are missing "
                            "values: " + _marked("ncatted -a missing_value,tas,o,s,32767", "tas"))


def _spread_over_the_packed_range(handle):
    """Packed values spread over the range of ``short``, as a packer maps a field's range (every 320th
    level from -30560 to 30560), in the file's ``tas``."""
    handle["tas"].set_auto_maskandscale(False)
    handle["tas"][:] = (np.arange(4 * LAT.size * LON.size) * 320 - 30560).astype("i2").reshape(4, LAT.size, LON.size)


def test_the_highest_value_of_packed_short_data_is_data(tmp_path, caplog):
    """Packers put the data's maximum there (NCO's ncpdq maps the range to ±32767): 607.67 is the warmest value,
    held at the cells of that maximum, not at the same cells every step (those are codes: test_top_codes_…), at
    the top of data spread over the range below it (by hand: 7 values in the 2206 levels below the gap of 2206
    above 30560, fewer than the 10 that would stand it apart: a tail, not data that end there)."""
    path = _write_short(tmp_path / "tas.nc", packed=True, fill=1234, fill_value=np.int16(-32767))
    with netCDF4.Dataset(path, "a") as handle:
        _spread_over_the_packed_range(handle)
        handle["tas"][1, 2, 3] = 32767
        handle["tas"][3, 0, 0:2] = 32767
    assert _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path) == []


@pytest.mark.parametrize("key", [pytest.param("_FillValue", id="fill-value"),
                                 pytest.param("missing_value", id="missing-value")])
def test_the_lowest_value_of_packed_short_data_with_its_own_fill_code_is_data(tmp_path, caplog, key):
    """break39a F5: ECMWF's packing (CAMS EAC4: add_offset = min + 32768 scale_factor, _FillValue = missing_value
    = -32767s) puts the data's minimum at -32768 and their maximum at 32766; the minimum was named an unmarked
    fill value of many writers. (Without 32766 held, -32768 is still named: test_two_packed_files_….)"""
    path = _write_short(tmp_path / "tas.nc", packed=True, fill=1234,
                        **({"fill_value": np.int16(-32767)} if key == "_FillValue"
                           else {"attrs": {"missing_value": np.int16(-32767)}}))
    with netCDF4.Dataset(path, "a") as handle:
        _spread_over_the_packed_range(handle)
        handle["tas"][1, 2, 3] = -32768  # the minimum
        handle["tas"][2, 0, 1] = 32766  # the maximum, where that packing puts it
    assert _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path) == []


def _mod15_like(path, *, codes_move: bool = False):
    """MOD15A2H-like LAI (break38b B3): uint8, scale 0.1, _FillValue 255, no valid_range; 0-100 (0 to 10 m2/m2) as
    data, 4 steps; the land-cover codes 254 (water) at 4 cells, 253 (barren) at 2 and 250 (urban) at 1, at the
    same cells every step (with ``codes_move`` the 254s move and vary in number: no codes); 255 fills a cell
    of step 2. Returns the raw values."""
    rng = np.random.default_rng(3)
    raw = rng.integers(0, 101, (4, LAT.size, LON.size)).astype("u1")
    raw[:, 0, 0:4] = 254
    raw[:, 5, 6:8] = 253
    raw[:, 3, 3] = 250
    raw[2, 4, 4] = 255
    if codes_move:
        raw[:, 0, 0:4] = 50
        raw[1, 2, 2] = raw[3, 1, 1:3] = 254
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        for name, size in (("time", 4), ("lat", LAT.size), ("lon", LON.size)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(4) * 8.0
        handle["time"].units = "days since 2003-01-01"
        handle["time"].calendar = "julian"
        handle.createVariable("lat", "f8", ("lat",))[:] = LAT
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = LON
        handle["lon"].units = "degrees_east"
        lai = handle.createVariable("Lai_500m", "u1", ("time", "lat", "lon"), fill_value=np.uint8(255))
        lai.set_auto_maskandscale(False)
        lai.units, lai.scale_factor, lai.add_offset = "m^2/m^2", np.float64(0.1), np.float64(0.0)
        lai[:] = raw
    return raw


def test_top_codes_at_the_same_cells_every_step_are_warned_with_a_line_that_masks_them(tmp_path, caplog,
                                                                                        monkeypatch):
    """break38b B3: MOD15's LAI without valid_range read its land-cover codes 250, 253 and 254 as LAI 25.0, 25.3
    and 25.4 m2/m2 at the same cells every step, with no warning (-99999 had one). Now named, with their count
    (by hand: 7 cells x 4 steps = 28 of 192) and the ncatted that marks them beside the _FillValue; followed (as
    ncatted writes it), the copy reads exactly the codes' and the fill's cells as missing, the rest unchanged."""
    monkeypatch.chdir(tmp_path)
    raw = _mod15_like(tmp_path / "lai.nc")
    (said,) = _warnings(caplog, open_dataset([tmp_path / "lai.nc"]), ["Lai_500m"], where="lai.nc",
                        file=tmp_path / "lai.nc")
    assert said.startswith("'Lai_500m' in lai.nc holds 25, 25.3, 25.4 m^2/m^2 (the packed values 250, 253, 254, at "
                           "the top of ubyte's range, whose highest is 255) at 28 of the 192 values checked, 7 at each "
                           "of its 4 time steps: class codes")
    line = _printed_line(said, "mark them missing: ")
    command = _ncatted_words(line)
    assert command == ["ncatted", "-a", "missing_value,Lai_500m,o,ub,250,253,254", "lai.nc", "missing_marked/lai.nc"]
    subprocess.run(line, shell=True, check=True, capture_output=True, cwd=tmp_path)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lai.nc", "missing_marked"]  # nothing beside lai.nc
    read = open_dataset([tmp_path / command[4]])["Lai_500m"].values
    missing = np.isin(raw, [250, 253, 254, 255])
    np.testing.assert_array_equal(np.isnan(read), missing)
    np.testing.assert_allclose(read[~missing], raw[~missing] * 0.1, rtol=1e-6)
    assert _warnings(caplog, open_dataset([tmp_path / command[4]]), ["Lai_500m"], where="lai.nc", file=None) == []


def test_a_top_code_that_moves_is_named_with_the_codes_at_fixed_cells_when_it_stands_apart(tmp_path, caplog,
                                                                                           monkeypatch):
    """break43a A3: a code that moves from step to step (254 at 1 cell of step 1 and 2 of step 3) above LAI of 0-100
    was data (only codes at the same cells every step were looked for), and AMSR-E's 247 and 255 were named over
    rounds of advice, 247 never. Standing far above the data's highest value (counted here with NumPy: the gap up
    to the lowest code 250, and the data's values in as many levels below it), it is named with 250 and 253 (by
    hand: 4 + 8 + 3 = 15 values), in one line and one command, and the words say why: where the data end."""
    monkeypatch.chdir(tmp_path)
    raw = _mod15_like(tmp_path / "lai.nc", codes_move=True)
    (said,) = _warnings(caplog, open_dataset([tmp_path / "lai.nc"]), ["Lai_500m"], where="lai.nc",
                        file=tmp_path / "lai.nc")
    assert said.startswith("'Lai_500m' in lai.nc holds 25, 25.3, 25.4 m^2/m^2 (the packed values 250, 253, 254, at the "
                           "top of ubyte's range, whose highest is 255) at 15 of the 192 values checked, at 4 time steps")
    data = raw[raw < 250]
    highest = int(data.max())
    gap = 250 - highest - 1
    below = int(np.count_nonzero(data > highest - gap))
    assert below >= 10 and gap >= 3
    assert (f"values standing apart above the data, whose highest is {highest / 10:g} m^2/m^2 (stored as {highest}): "
            f"none is stored from {highest + 1} to 249, the {gap} values between, while the data hold {below} values "
            f"in the {gap} below") in said
    command = _ncatted_words(_printed_line(said, "mark them missing: "))
    assert command == ["ncatted", "-a", "missing_value,Lai_500m,o,ub,250,253,254", "lai.nc", "missing_marked/lai.nc"]
    subprocess.run(_printed_line(said, "mark them missing: "), shell=True, check=True, capture_output=True,
                   cwd=tmp_path)
    read = open_dataset([tmp_path / "missing_marked/lai.nc"])["Lai_500m"].values
    missing = np.isin(raw, [250, 253, 254, 255])
    np.testing.assert_array_equal(np.isnan(read), missing)
    np.testing.assert_allclose(read[~missing], raw[~missing] * 0.1, rtol=1e-6)
    assert _warnings(caplog, open_dataset([tmp_path / "missing_marked/lai.nc"]), ["Lai_500m"], where="lai.nc",
                     file=None) == []


def _mod17_like(path, *, dtype: str, packed: bool, codes: tuple[int, int, int], moving: bool = False):
    """MOD17A2H-like GPP (break40c C1): ``dtype`` (short, or ushort as MOD17A3), scale 1e-4 when ``packed``,
    _FillValue the type's highest, no valid_range; 0-660 as data, 6 steps 8 days apart; the land-cover codes
    ``codes`` at lon 0 (6 cells), lon 1 (6) and lat 0 (the 6 others) every step, with the fill written over
    one cell of the first code at step 2 and two of the third at step 4 (the counts by step then differ). With
    ``moving`` the highest code is held at every step, at 1 to 3 cells that move (more than the fills
    explain), as a count reaching the top of its type would be (no codes). Returns the raw values."""
    rng = np.random.default_rng(4)
    top = np.iinfo(dtype).max
    raw = rng.integers(0, 661, (6, LAT.size, LON.size)).astype(dtype)
    raw[:, :, 0], raw[:, :, 1], raw[:, 0, 2:] = codes
    raw[2, 3, 0] = top
    raw[4, 0, 5:7] = top
    if moving:
        raw[:, :, 0:2], raw[:, 0, 2:] = 300, 400
        for step, cells in enumerate([1, 3, 1, 2, 3, 1]):
            raw[step, 1 + step % 4, 2:2 + cells] = codes[-1]
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        for name, size in (("time", 6), ("lat", LAT.size), ("lon", LON.size)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(6) * 8.0
        handle["time"].units = "days since 2016-01-01"
        handle.createVariable("lat", "f8", ("lat",))[:] = LAT
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = LON
        handle["lon"].units = "degrees_east"
        gpp = handle.createVariable("Gpp_500m", dtype, ("time", "lat", "lon"), fill_value=np.array(top, dtype))
        gpp.set_auto_maskandscale(False)
        gpp.units = "kg m-2"
        if packed:
            gpp.scale_factor, gpp.add_offset = np.float64(1e-4), np.float64(0.0)
        gpp[:] = raw
    return raw


@pytest.mark.parametrize(
    ("dtype", "packed", "codes", "letter", "shown"),
    [
        pytest.param("i2", True, (32761, 32766, 32765), "s", "3.2761, 3.2765, 3.2766 kg m-2 (the packed values 32761, 32765, 32766, ",
                     id="short-packed-MOD17A2H"),
        pytest.param("u2", True, (65529, 65534, 65533), "us", "6.5529, 6.5533, 6.5534 kg m-2 (the packed values 65529, 65533, 65534, ",
                     id="ushort-packed-MOD17A3"),
        pytest.param("i2", False, (32761, 32766, 32765), "s", "32761, 32765, 32766 kg m-2 (", id="short-unpacked"),
    ],
)
def test_top_codes_of_any_integer_type_at_fixed_cells_are_warned_though_a_fill_covers_some(
        tmp_path, caplog, monkeypatch, dtype, packed, codes, letter, shown):
    """break40c C1: MOD17A2H's GPP (short, scale 1e-4, no valid_range) read its land-cover codes 32761-32766 as
    GPP 3.2761-3.2766 kgC/m2/8day (24.6 % of the values; test RMSE 1.230 instead of 0.0044) with no warning: the
    fill written over a few of the codes' cells made their counts differ from step to step, and a copy left
    unpacked was not looked at. Now named (by hand: 18 cells x 6 steps less the 3 filled = 105 of 288), and the
    line's ncatted, run, leaves exactly the real GPP: NaN at the codes and fills, raw x scale elsewhere."""
    monkeypatch.chdir(tmp_path)
    raw = _mod17_like(tmp_path / "gpp.nc", dtype=dtype, packed=packed, codes=codes)
    (said,) = _warnings(caplog, open_dataset([tmp_path / "gpp.nc"]), ["Gpp_500m"], where="gpp.nc",
                        file=tmp_path / "gpp.nc")
    top = np.iinfo(dtype).max
    assert said.startswith(f"'Gpp_500m' in gpp.nc holds {shown}at the top of "
                           f"{'short' if dtype == 'i2' else 'ushort'}'s range, whose highest is {top}) at 105 of the "
                           "288 values checked, some 17 at each of its 6 time steps: class codes")
    command = _ncatted_words(_printed_line(said, "mark them missing: "))
    marked = ",".join(map(str, sorted(codes)))
    assert command == ["ncatted", "-a", f"missing_value,Gpp_500m,o,{letter},{marked}", "gpp.nc",
                       "missing_marked/gpp.nc"]
    subprocess.run(_printed_line(said, "mark them missing: "), shell=True, check=True, capture_output=True,
                   cwd=tmp_path)
    read = open_dataset([tmp_path / command[4]])["Gpp_500m"].values
    missing = np.isin(raw, [*codes, top])
    np.testing.assert_array_equal(np.isnan(read), missing)
    np.testing.assert_allclose(read[~missing], raw[~missing] * (1e-4 if packed else 1.0), rtol=1e-6)
    assert _warnings(caplog, open_dataset([tmp_path / command[4]]), ["Gpp_500m"], where="gpp.nc", file=None) == []


def test_a_count_that_reaches_the_top_of_ushort_now_and_then_is_data(tmp_path, caplog):
    """No false alarm: a ushort count (no scale) whose values run up to the top of its type (65300-65532, every
    level held about twice), at 65533 at 1, 3, 1, 2, 3, 1 cells that move from step to step (held every step, in
    numbers the 1 and 2 fills of steps 2 and 4 do not explain), with no gap that stands it apart, is data."""
    raw = _mod17_like(tmp_path / "count.nc", dtype="u2", packed=False, codes=(65529, 65534, 65533), moving=True)
    data = raw < 65533
    raw[data] = np.random.default_rng(5).integers(65300, 65533, int(data.sum()))
    with netCDF4.Dataset(tmp_path / "count.nc", "a") as handle:
        handle["Gpp_500m"].set_auto_maskandscale(False)
        handle["Gpp_500m"][:] = raw
    assert int(raw[data].max()) == 65532
    assert _warnings(caplog, open_dataset([tmp_path / "count.nc"]), ["Gpp_500m"], where="count.nc", file=None) == []


def test_the_top_classes_of_a_class_variable_that_declares_them_are_classes(tmp_path, caplog):
    """No false alarm: a yearly ubyte land cover (MCD12Q1-like, no scale) whose flag_values declare 1-17 and 254
    (unclassified) holds 254 at the same cells every step as the class it is, not an undeclared code."""
    raw = _mod17_like(tmp_path / "lc.nc", dtype="u1", packed=False, codes=(254, 254, 254))
    with netCDF4.Dataset(tmp_path / "lc.nc", "a") as handle:
        handle["Gpp_500m"].set_auto_maskandscale(False)
        handle["Gpp_500m"][:] = np.where(raw >= 254, raw, raw % 17 + 1)
        handle["Gpp_500m"].units = "1"
        handle["Gpp_500m"].flag_values = np.array([*range(1, 18), 254], "u1")
        handle["Gpp_500m"].flag_meanings = " ".join(f"class_{code}" for code in [*range(1, 18), 254])
    assert _warnings(caplog, open_dataset([tmp_path / "lc.nc"]), ["Gpp_500m"], where="lc.nc", file=None) == []


@pytest.mark.parametrize("value", [pytest.param(32767, id="32767"), pytest.param(-32768, id="-32768")])
def test_short_extremes_in_int_data_are_data(tmp_path, caplog, value):
    """In int data, 32767 is a number like any other (int's extremes are its fill-like values)."""
    path = _write_short(tmp_path / "tas.nc", packed=False, fill=value, dtype="i4", fill_value=np.int32(-1))
    assert _warnings(caplog, open_dataset([path]), ["tas"], where="tas.nc", file=path) == []


def test_a_series_of_a_packed_file_and_float_files_names_only_the_file_that_holds_the_value(tmp_path, caplog,
                                                                                             monkeypatch):
    """verify24 F1: an old packed short file (its -32768 unmarked) continued by a float file of
    later months: the warning named both files and its ncatted 'IN.nc OUT.nc'; the value is in
    the packed file only (its months, by construction), so that file and its copy are named."""
    monkeypatch.chdir(tmp_path)
    packed = _write_short(tmp_path / "a.nc", packed=True, fill=-32768, fill_value=np.int16(-32767))
    later = xr.Dataset({"tas": (("time", "lat", "lon"), np.full((4, LAT.size, LON.size), 290.0, "f4"),
                                {"units": "W m-2"})},
                       coords={"time": ("time", np.arange(4, 8) * 30.0 + 15, {"units": "days since 2000-01-01"}),
                               "lat": ("lat", LAT, {"units": "degrees_north"}),
                               "lon": ("lon", LON, {"units": "degrees_east"})})
    later.to_netcdf(tmp_path / "b.nc")
    dataset = open_dataset([packed, tmp_path / "b.nc"])
    said = _warnings(caplog, dataset, ["tas"], where="a.nc, b.nc", file=None)
    assert len(said) == 1 and said[0].startswith("'tas' in a.nc holds ")
    assert said[0].endswith("if they are missing values: " + _marked("ncatted -a missing_value,tas,o,s,-32768", "a", ("b.nc",)))


@pytest.mark.parametrize("float_first", [pytest.param(False, id="two-packed-files"),
                                         pytest.param(True, id="a-float-file-then-two-packed-files")])
def test_the_values_checked_are_those_of_the_file_named(tmp_path, caplog, monkeypatch, float_first):
    """verify26 G3: two files stored alike (the same packing), the value in the second only: the
    message named that file but counted the values of both ("20 of the 384 values checked" for a
    file of 4 steps × 48 cells = 192 values, 20 of them -32768: 5 cells × 4 steps, by construction)."""
    monkeypatch.chdir(tmp_path)
    files = [_write_float(tmp_path / "f.nc", first_day=-105.0)] if float_first else []
    files += [_write_short(tmp_path / "a.nc", packed=True, fill=1234, first_day=15.0),
              _write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0)]
    said = _warnings(caplog, open_dataset(files), ["tas"], where=", ".join(f.name for f in files), file=None)
    assert len(said) == 1 and said[0].startswith(f"'tas' in b.nc holds {_short_lowest(0.01, 280.0):g} (the packed "
                                                 "value -32768) at 20 of the 192 values checked, at 4 time steps")


def _write_float(path, *, first_day, value=290.0, units="W m-2"):
    """float32 tas of 4 steps 30 days apart from ``first_day`` (days since 2000-01-01), ``value``
    at 1 cell of each step and 290 elsewhere, no _FillValue."""
    values = np.full((4, LAT.size, LON.size), 290.0, "f4")
    values[:, 0, 0] = value
    xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": units})},
               coords={"time": ("time", np.arange(4) * 30.0 + first_day, {"units": "days since 2000-01-01"}),
                       "lat": ("lat", LAT, {"units": "degrees_north"}),
                       "lon": ("lon", LON, {"units": "degrees_east"})}).to_netcdf(path, encoding={"tas": {"_FillValue": None}})
    return path


def _short_lowest(scale: float, offset: float) -> float:
    """-32768 unpacked by hand as xarray unpacks float32 packing: float32 products and sums."""
    return float(np.float32(-32768) * np.float32(scale) + np.float32(offset))


def test_a_packed_file_after_a_float_file_is_checked_with_its_own_packing(tmp_path, caplog, monkeypatch):
    """verify25 F2: the combined variable keeps the first file's encoding (float32, no packing),
    so a later old packed file's unmarked -32768 was used as data without a word. The float file
    holds the very number -32768 unpacks to at 4 values: data there (a float file's -47.68 is no
    packed value), not counted; the packed file's 20 are, named with their file's command."""
    monkeypatch.chdir(tmp_path)
    lowest = _short_lowest(0.01, 280.0)
    first = _write_float(tmp_path / "a.nc", first_day=15.0, value=lowest)
    packed = _write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0)
    said = _warnings(caplog, open_dataset([first, packed]), ["tas"], where="a.nc, b.nc", file=None)
    assert said == [f"'tas' in b.nc holds {lowest:g} (the packed value -32768) at 20 of the 192 values checked, "
                    "at 4 time steps (2000-05-15, 2000-06-14, 2000-07-14, …), the lowest value of short, a fill value "
                    "of many writers, which no _FillValue or missing_value marks as missing, so they are used as "
                    "data; if they are missing values: " + _marked("ncatted -a _FillValue,tas,o,s,-32768", "b", ("a.nc",))]


def test_two_packed_files_of_different_packings_are_each_named(tmp_path, caplog, monkeypatch):
    """verify25 F2: packed, float, then packed with another scale and offset: each packed file's
    -32768 unpacks to its own number (by hand), each named in its own line with its command."""
    monkeypatch.chdir(tmp_path)
    files = [_write_short(tmp_path / "a.nc", packed=True, fill=-32768, fill_value=np.int16(-32767)),
             _write_float(tmp_path / "b.nc", first_day=135.0),
             _write_short(tmp_path / "c.nc", packed=True, fill=-32768, first_day=255.0, packing=(0.02, 300.0))]
    said = _warnings(caplog, open_dataset(files), ["tas"], where="a.nc, b.nc, c.nc", file=None)
    assert len(said) == 2
    assert said[0].startswith(f"'tas' in a.nc holds {_short_lowest(0.01, 280.0):g} (the packed value -32768) at 20 of "
                              "the 192 values checked")
    assert said[0].endswith(_marked("ncatted -a missing_value,tas,o,s,-32768", "a", ("b.nc", "c.nc")))
    assert said[1].startswith(f"'tas' in c.nc holds {_short_lowest(0.02, 300.0):g} (the packed value -32768) at 20 of "
                              "the 192 values checked")
    assert said[1].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32768", "c", ("a.nc", "b.nc")))


def test_a_packed_file_converted_to_the_first_file_s_units_is_checked_in_them(tmp_path, caplog, monkeypatch):
    """A packed file in kW m-2 after a float file in W m-2 is converted (×1000) as it is combined:
    its -32768 is looked for as converted, 1000 × the unpacked value (by hand)."""
    monkeypatch.chdir(tmp_path)
    first = _write_float(tmp_path / "a.nc", first_day=15.0)
    packed = _write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0, units="kW m-2")
    said = _warnings(caplog, open_dataset([first, packed]), ["tas"], where="a.nc, b.nc", file=None)
    assert len(said) == 1
    assert said[0].startswith(f"'tas' in b.nc holds {1000 * _short_lowest(0.01, 280.0):g} (the packed value -32768) "
                              "at 20 of the 192 values checked")
    assert said[0].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32768", "b", ("a.nc",)))


def test_a_packed_file_converted_by_the_length_of_its_months_is_checked_in_the_converted_values(tmp_path, caplog,
                                                                                               monkeypatch):
    """A packed file of totals over each month (kg m-2 month-1) after a float file of fluxes
    (kg m-2 s-1) is divided by each month's seconds as it is combined: its -32768 is a
    different number in each month (its unpacked value / (86 400 × days), by hand), and was not
    recognised in any (no conversion of a stored value was recorded: used as data without a word)."""
    monkeypatch.chdir(tmp_path)
    first = _write_float(tmp_path / "a.nc", first_day=15.0, value=1e-5, units="kg m-2 s-1")
    packed = _write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0, units="kg m-2 month-1")
    dataset = open_dataset([first, packed])
    held = dataset["tas"].isel(time=slice(4, 8)).values[:, _land()]
    days = np.array([31, 30, 31, 31])  # 2000-05-15, 06-14, 07-14, 08-13
    np.testing.assert_allclose(held, np.broadcast_to(_short_lowest(0.01, 280.0) / (86400.0 * days[:, None]), held.shape),
                               rtol=1e-6)
    said = _warnings(caplog, dataset, ["tas"], where="a.nc, b.nc", file=None)
    assert len(said) == 1
    assert said[0].startswith("'tas' in b.nc holds ")
    assert "(the packed value -32768) at 20 of the 192 values checked, at 4 time steps (2000-05-15, " in said[0]
    assert said[0].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32768", "b", ("a.nc",)))


@pytest.mark.parametrize(("first_units", "packed_units", "run_units"), [
    pytest.param("kg m-2 s-1", "kg m-2 month-1", "kg m-2 day-1", id="by-months-then-affine"),
    pytest.param("kg m-2 s-1", "kg m-2 month-1", "kg m-2 month-1", id="by-months-then-by-months"),
    pytest.param("K", "degC", "degC", id="affine-then-affine"),
])
def test_a_file_s_conversion_is_kept_when_the_series_is_converted_again(tmp_path, caplog, monkeypatch, first_units,
                                                                       packed_units, run_units):
    """encodfix: a series converted as a whole (new data in the run's units) after a later file
    was converted to the first file's as it was opened: that file's record kept only its own
    conversion (or none: one after a conversion by the steps' lengths was not recorded), so its
    unmarked -32768 was looked for in units the data no longer had, and used as data without a word."""
    monkeypatch.chdir(tmp_path)
    first = _write_float(tmp_path / "a.nc", first_day=15.0, value=1.0, units=first_units)
    packed = _write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0, units=packed_units)
    dataset = convert_dataset(open_dataset([first, packed]), {"tas": run_units}, where="a.nc, b.nc",
                              reference="the run")
    said = _warnings(caplog, dataset, ["tas"], where="a.nc, b.nc", file=None)
    assert len(said) == 1
    assert said[0].startswith("'tas' in b.nc holds ")
    assert "(the packed value -32768) at 20 of the 192 values checked, at 4 time steps (2000-05-15, " in said[0]


def _with_time_bounds(path):
    """The file at ``path`` rewritten with monthly-like CF time cells (``time_bnds``, 30 days from
    15 days before each stamp): its steps are then dated by the cells' middles, the stamps kept."""
    with xr.open_dataset(path, decode_cf=False) as opened:
        dataset = opened.load()
    stamps = dataset["time"].values
    dataset["time_bnds"] = (("time", "nv"), np.stack([stamps - 15.0, stamps + 15.0], axis=1),
                            {"units": dataset["time"].attrs["units"]})
    # stamped at the start of each cell, as many CMIP files
    dataset = dataset.assign_coords(time=("time", stamps - 15.0, {**dataset["time"].attrs, "bounds": "time_bnds"}))
    dataset.to_netcdf(path, mode="w")
    return path


def test_a_packed_file_after_a_float_file_is_checked_when_the_time_has_bounds(tmp_path, caplog, monkeypatch):
    """verify26 G1: with CF time bounds the steps are dated by their cells' middles after the
    files are combined, while each file's steps were recorded as stamped: no step matched its
    file, and no file's unmarked fill value was looked for (-32768 and 1e20 trained on and scored
    without a word, test MSE 1.2e29). The packed file's 20 values are found, named with its file."""
    monkeypatch.chdir(tmp_path)
    first = _with_time_bounds(_write_float(tmp_path / "a.nc", first_day=15.0))
    packed = _with_time_bounds(_write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0))
    dataset = open_dataset([first, packed])
    assert "climann_file_stamp" in dataset.coords  # dated by the cells' middles, as in the report
    said = _warnings(caplog, dataset, ["tas"], where="a.nc, b.nc", file=None)
    assert len(said) == 1 and said[0].startswith(f"'tas' in b.nc holds {_short_lowest(0.01, 280.0):g} (the packed "
                                                 "value -32768) at 20 of the 192 values checked")
    assert said[0].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32768", "b", ("a.nc",)))


def test_split_blocks_keep_each_file_s_packing(tmp_path, caplog, monkeypatch):
    """Split blocks (``--split-files``) combined as datasets: the val block's packed file is
    checked with its own packing, not the float train block's the combination keeps."""
    monkeypatch.chdir(tmp_path)
    parts = [open_dataset([_write_float(tmp_path / "a.nc", first_day=15.0)]),
             open_dataset([_write_short(tmp_path / "b.nc", packed=True, fill=-32768, first_day=135.0)]),
             open_dataset([_write_float(tmp_path / "c.nc", first_day=255.0)])]
    said = _warnings(caplog, concat_blocks(parts, ("train", "val", "test")), ["tas"], where="a.nc, b.nc, c.nc",
                     file=None)
    assert len(said) == 1 and said[0].startswith(f"'tas' in b.nc holds {_short_lowest(0.01, 280.0):g} (the packed "
                                                 "value -32768) at 20 of the 192 values checked")
    assert said[0].endswith(_marked("ncatted -a _FillValue,tas,o,s,-32768", "b", ("a.nc", "c.nc")))


@pytest.mark.parametrize("files", [pytest.param(1, id="one-file"), pytest.param(2, id="the-second-of-two-files")])
def test_the_command_marks_the_variable_as_its_file_holds_it_not_as_renamed(tmp_path, caplog, monkeypatch, files):
    """verify28 V1: a file holding ``temp`` read as ``tas`` with a rename rule was told
    ``ncatted -a …,tas,…``, which changes nothing in a file without ``tas``; the command names
    ``temp``, and a series' other file (holding ``t2m``) is not named."""
    monkeypatch.chdir(tmp_path)
    paths = []
    if files == 2:
        first = _write_float(tmp_path / "a.nc", first_day=-105.0)
        with xr.open_dataset(first) as opened:
            renamed = opened.load().rename({"tas": "t2m"})
        renamed.to_netcdf(tmp_path / "a2.nc", encoding={"t2m": {"_FillValue": None}})
        paths.append(tmp_path / "a2.nc")
    held = _write_float(tmp_path / "b_raw.nc", first_day=15.0, value=1e20)
    with xr.open_dataset(held) as opened:
        own = opened.load().rename({"tas": "temp"})
    own.to_netcdf(tmp_path / "b.nc", encoding={"temp": {"_FillValue": None}})
    paths.append(tmp_path / "b.nc")
    rules = {"a2*": {"t2m": "tas"}} if files == 2 else {}
    dataset = open_dataset(paths, rename={**rules, "b.nc": {"temp": "tas"}})
    said = _warnings(caplog, dataset, ["tas"], where="a2.nc, b.nc", file=None if files == 2 else "b.nc")
    assert len(said) == 1 and said[0].startswith("'tas' in b.nc holds 1e+20 at 4 of the 192 values checked")
    assert said[0].endswith(_marked("ncatted -a _FillValue,temp,o,f,1e+20", "b", ("a.nc", "a2.nc", "b_raw.nc") if files == 2 else ("b_raw.nc",)))


def _whole_mm_sea_level(rng: np.random.Generator, n_time: int = 48, step: float = 1.0) -> np.ndarray:
    """Sea-level anomalies of some -140…180 mm rounded to ``step`` mm, as NASA-SSH's in whole mm."""
    values = 20.0 + 40.0 * rng.standard_normal((n_time, LAT.size, LON.size))
    return np.round(values / step) * step


def _sea_level_dataset(values: np.ndarray) -> xr.Dataset:
    times = [cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(values.shape[0])]
    return xr.Dataset({"sla": (("time", "lat", "lon"), values.astype("f4"))},
                      coords={"time": times, "lat": LAT, "lon": LON}).chunk({"time": 5})


@pytest.mark.parametrize(("step", "value"), [(1.0, -99.0), (0.1, -99.9)])
def test_a_usual_fill_value_inside_the_datas_spread_is_data(caplog, step, value):
    """break42b A2: whole-mm sea-level anomalies hold -99 as often as -100 and -98 (a 0.1 mm field -99.9 once);
    it was named a fill value and the advised ncatted threw real values away."""
    rng = np.random.default_rng(3)
    values = _whole_mm_sea_level(rng, step=step)
    values.flat[:2] = value  # held, and no more often than its neighbours
    near = np.abs(values - value) <= 0.05 * abs(value)
    held = np.isclose(values, value, atol=step / 10)
    assert held.sum() >= 2 and (near & ~held).sum() >= held.sum()  # the premise, counted by hand
    assert _warnings(caplog, _sea_level_dataset(values), ["sla"]) == []


def test_a_usual_fill_value_standing_apart_from_the_spread_is_named(caplog):
    """The same field with -99 at the 5 land cells of every step (240 values, far more than the values near it):
    a fill value, named as before; and -99 in 0…50 mm data, with nothing near it, too."""
    rng = np.random.default_rng(3)
    values = _whole_mm_sea_level(rng)
    near = (np.abs(values + 99) <= 0.05 * 99).sum()
    assert 0 < near - (values == -99).sum() < 240
    values[:, _land()] = -99.0
    said = _warnings(caplog, _sea_level_dataset(values), ["sla"])
    assert len(said) == 1 and "holds -99 at 240 of the 2304 values checked" in said[0]
    rain = np.round(rng.uniform(0, 50, values.shape))
    rain[0, 0, 0] = -99.0
    said = _warnings(caplog, _sea_level_dataset(rain), ["sla"])
    assert len(said) == 1 and "holds -99 at 1 of the 2304 values checked" in said[0]


def _amsr_e_like(path, *, fill: int | None = 0, missing: tuple[int, ...] = ()) -> np.ndarray:
    """AMSR-E monthly SWE-like (AE_MoSno as GDAL writes it, break43a A3): ubyte = mm/2 (scale_factor 2), 0-240 as
    data (a tenth at 240, the clip of 480 mm), standard_name lwe_thickness_of_surface_snow_amount, 24 months on 12 x
    12 cells; the codes 253 (ice sheet) and 254 (water) at the same cells every month, 255 (missing) at 1 % of the
    cells and 247 (incorrect attitude) at 0.5 % of them, both moving; no flag_values. ``fill``: its _FillValue (0:
    a valid SWE); ``missing``: a missing_value. Returns the stored values."""
    rng = np.random.default_rng(11)
    raw = np.minimum(rng.integers(0, 266, (24, 12, 12)), 240).astype("u1")
    raw[:, :2, :3], raw[:, 8:11, 8:11] = 253, 254
    raw[(rng.random(raw.shape) < 0.01) & (raw < 241)] = 255
    raw[(rng.random(raw.shape) < 0.005) & (raw < 241)] = 247
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        for name, size in (("time", 24), ("lat", 12), ("lon", 12)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(24) * 30.0 + 15
        handle["time"].units = "days since 2003-01-01"
        handle.createVariable("lat", "f8", ("lat",))[:] = np.linspace(50, 72, 12)
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = np.linspace(90, 112, 12)
        handle["lon"].units = "degrees_east"
        swe = handle.createVariable("swe", "u1", ("time", "lat", "lon"),
                                    fill_value=None if fill is None else np.uint8(fill))
        swe.set_auto_maskandscale(False)
        swe.units, swe.standard_name = "mm", "lwe_thickness_of_surface_snow_amount"
        swe.scale_factor, swe.add_offset = 2.0, 0.0
        if missing:
            swe.missing_value = np.array(missing, "u1")
        swe[:] = raw
    return raw


def _held_warnings(capsys, path, names):
    """The warnings of every check of the values (:func:`~climann.data.value_checks.warn_held_values`) on ``path``,
    as the command line prints them (their copies chained: :func:`~climann.data.shell.copies_said_once`)."""
    from climann.data.value_checks import warn_held_values
    from climann.workflow.progress import warnings_on_stderr

    forget_notes()
    capsys.readouterr()
    with warnings_on_stderr():
        warn_held_values(open_dataset([path]), names, where=path.name, file=path)
    return [line.removeprefix("climann: warning: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("climann: warning: ")]


def test_amsr_e_codes_are_named_at_once_and_the_advice_followed_leaves_the_snow_water_equivalent(tmp_path, capsys,
                                                                                                 monkeypatch):
    """break43a A3: AMSR-E's SWE with _FillValue 0 and its codes 247-255 undeclared. Three rounds of advice named
    253 and 254, then 255 (with "class codes written at the same cells every step", though 255 moves, and a
    warning that the missing_value 506, 508 just advised lay "among the values the data hold (0 to 510)"); 247 was
    never named and stayed 494 mm of snow. Now one line names the four codes (whether they move or not), with one
    ncatted, beside the line of the _FillValue 0; the two commands, run as printed, leave no warning, and the values
    read are NumPy's: the stored values x 2, 0 included, missing at the codes."""
    monkeypatch.chdir(tmp_path)
    raw = _amsr_e_like(tmp_path / "swe.nc")
    codes, fill_zero = _held_warnings(capsys, tmp_path / "swe.nc", ["swe"])
    assert codes.startswith("'swe' in swe.nc holds 494, 506, 508, 510 mm (the packed values 247, 253, 254, 255, at the "
                            "top of ubyte's range, whose highest is 255) at ")
    held = int(np.isin(raw, [247, 253, 254, 255]).sum())
    assert f"at {held} of the {raw.size} values checked, at 24 time steps" in codes
    assert "values standing apart above the data, whose highest is 480 mm (stored as 240): none is stored from 241 to " \
           "246, the 6 values between, while the data hold " in codes
    assert fill_zero.startswith("'swe' in swe.nc has _FillValue 0, and 0 is a valid value of it")
    first = _ncatted_words(_printed_line(codes, "mark them missing: "))
    assert first == ["ncatted", "-a", "missing_value,swe,o,ub,247,253,254,255", "swe.nc", "missing_marked/swe.nc"]
    # the second reads the first's copy, and writes its own in a folder of its own (fix55a: swe_fixed_2.nc beside)
    second = _ncatted_words(_printed_line(fill_zero, "remove the attribute in a copy: "))
    assert second == ["ncatted", "-a", "_FillValue,swe,d,,", "missing_marked/swe.nc", "fill_value_removed/swe.nc"]
    assert fill_zero.endswith("then give --data fill_value_removed/swe.nc in place of swe.nc (this reads "
                              "missing_marked/swe.nc, which the line shown before writes from swe.nc: run that one "
                              "first; fill_value_removed/swe.nc then holds both fixes)")
    for said, after in ((codes, "mark them missing: "), (fill_zero, "remove the attribute in a copy: ")):
        subprocess.run(_printed_line(said, after), shell=True, check=True, capture_output=True, cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fill_value_removed", "missing_marked", "swe.nc"]
    assert _held_warnings(capsys, tmp_path / "fill_value_removed/swe.nc", ["swe"]) == []
    read = open_dataset([tmp_path / "fill_value_removed/swe.nc"])["swe"].values
    expected = np.where(np.isin(raw, [247, 253, 254, 255]), np.nan, raw * 2.0)
    np.testing.assert_array_equal(read, expected)


def test_codes_left_unmarked_beside_marked_ones_give_no_warning_that_the_marks_are_data(tmp_path, capsys,
                                                                                        monkeypatch):
    """break43a A3, the second round: 253 and 254 marked by a missing_value (no _FillValue), 247 and 255 not. The
    marks 506, 508 mm were said to lie "among the values the data hold (0 to 510)", 510 being the code 255: the
    advice to remove them contradicted the advice that wrote them. Now the codes' line alone, whose missing_value
    keeps 253 and 254 (it was a _FillValue of two values, 247,255, which CF does not allow)."""
    monkeypatch.chdir(tmp_path)
    raw = _amsr_e_like(tmp_path / "swe.nc", fill=None, missing=(253, 254))
    (said,) = _held_warnings(capsys, tmp_path / "swe.nc", ["swe"])
    assert said.startswith("'swe' in swe.nc holds 494, 510 mm (the packed values 247, 255, ")
    command = _ncatted_words(_printed_line(said, "mark them missing: "))
    assert command == ["ncatted", "-a", "missing_value,swe,o,ub,253,254,247,255", "swe.nc", "missing_marked/swe.nc"]
    subprocess.run(_printed_line(said, "mark them missing: "), shell=True, check=True, capture_output=True,
                   cwd=tmp_path)
    assert _held_warnings(capsys, tmp_path / "missing_marked/swe.nc", ["swe"]) == []
    np.testing.assert_array_equal(open_dataset([tmp_path / "missing_marked/swe.nc"])["swe"].values,
                                  np.where(np.isin(raw, [247, 253, 254, 255]), np.nan, raw * 2.0))


def test_the_codes_are_found_in_the_one_read_of_the_values(tmp_path, bytes_read):
    """The levels that tell the codes are counted in the blocks every other check reads: the ubyte values are read
    once (_FillValue 255: no warning reads the file again)."""
    from climann.data.value_checks import warn_held_values

    raw = _amsr_e_like(tmp_path / "swe.nc", fill=255)
    opened = open_dataset([tmp_path / "swe.nc"])
    bytes_read.clear()
    warn_held_values(opened, ["swe"], where="swe.nc", file=tmp_path / "swe.nc")
    assert bytes_read["swe"] == raw.nbytes


def _dated(dims: tuple[str, ...], coords: dict) -> xr.DataArray:
    shape = tuple(len(coords[dim]) if dim in coords else 2 for dim in dims)
    return xr.DataArray(np.zeros(shape), dims=dims, coords={dim: values for dim, values in coords.items()})


NOLEAP = [cftime.datetime(2001, month, 15, calendar="noleap") for month in (1, 2, 3)]
STAMPS = np.array(["2001-01-15", "2001-02-15", "2001-03-15"], dtype="datetime64[ns]")


@pytest.mark.parametrize(("variable", "expected"), [
    pytest.param(_dated(("time", "lat"), {"time": NOLEAP}), "time", id="cftime-first"),
    pytest.param(_dated(("member", "valid_time", "lat"), {"valid_time": STAMPS}), "valid_time",
                 id="datetime64-second"),
    pytest.param(_dated(("lat", "lon"), {"lat": [-10.0, 10.0]}), None, id="static-field"),
    pytest.param(_dated(("time", "lat"), {}), None, id="time-without-coordinate"),
    pytest.param(_dated(("time", "lat"), {"time": np.array([], "datetime64[ns]")}), None, id="no-step"),
    pytest.param(_dated(("station", "time"), {"station": np.array(["a", "b"], object), "time": NOLEAP[:2]}), "time",
                 id="text-labels-then-dates"),
    pytest.param(_dated(("lead", "time"), {"lead": np.array([1, 2], "timedelta64[D]"), "time": STAMPS[:2]}), "time",
                 id="durations-are-no-dates"),
    pytest.param(_dated(("time", "lat"), {"time": NOLEAP[:2]}).assign_coords(height=2.0), "time",
                 id="with-a-scalar-coordinate"),
])
def test_the_time_dimension_is_the_first_whose_coordinate_holds_dates(variable, expected):
    """time_dimension reads the coordinates as Variables (fix43a): the answer is what each
    coordinate's values say, computed here from the DataArray of each dimension."""
    from climann.data.fill_like import time_dimension

    by_hand = [dim for dim in variable.dims if dim in variable.coords and variable[dim].size
               and (variable[dim].dtype.kind == "M" or isinstance(variable[dim].values.flat[0], cftime.datetime))]
    assert (by_hand[0] if by_hand else None) == expected
    assert time_dimension(variable) == expected


# --- fix44c: 0/1 fields and fields the same at every step, packed in shorts --------------------------
def _era5_packed(path, values: np.ndarray, *, name: str = "lsm", units: str = "(0 - 1)", from_zero: bool = False
                 ) -> None:
    """``values`` (time, lat, lon) packed in short as ERA5's NetCDF files pack them: scale (max - min)/65532,
    offset (max + min)/2 (min at -32766, max at 32766), _FillValue -32767; netCDF4 rounds to the nearest level.
    ``from_zero``: scale (max - min)/32766, offset min (min at 0, the type's negative half empty)."""
    low, high = float(values.min()), float(values.max())
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        for dim, size in (("time", values.shape[0]), ("lat", LAT.size), ("lon", LON.size)):
            handle.createDimension(dim, size)
        stamps = [cftime.datetime(2000, month + 1, 15, calendar="gregorian") for month in range(values.shape[0])]
        handle.createVariable("time", "f8", ("time",))[:] = cftime.date2num(stamps, "days since 2000-01-01",
                                                                            "gregorian")
        handle["time"].units, handle["time"].calendar = "days since 2000-01-01", "gregorian"
        handle.createVariable("lat", "f8", ("lat",))[:] = LAT
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = LON
        handle["lon"].units = "degrees_east"
        packed = handle.createVariable(name, "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
        packed.scale_factor, packed.add_offset = ((high - low) / 32766, low) if from_zero else ((high - low) / 65532,
                                                                                                (high + low) / 2)
        packed.units = units
        packed[:] = values


def _zero_one_fields() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    land = np.broadcast_to(_land(), (6, LAT.size, LON.size)).astype(float)
    fraction = land.copy()
    fraction[:, 0, :3] = [0.25, 0.5, 0.75]  # coast cells of a fractional mask
    return {"static-mask": land, "wet-days": (rng.random((6, LAT.size, LON.size)) < 0.3).astype(float),
            "static-fraction": fraction}


@pytest.mark.parametrize("field", ["static-mask", "wet-days", "static-fraction"])
def test_a_0_1_field_or_a_static_mask_packed_in_shorts_holds_no_codes(tmp_path, caplog, field):
    """fix44c: ERA5's land-sea mask packed in shorts (1 at 32766 at every land cell of every step) was named
    "class codes at the same cells every step", a wet-day indicator (1 at 32766, moving) "values standing apart
    above the data": the ncatted advised made every land cell or wet day missing. Two values only, 0 and 1, are
    a 0/1 field; a field the same at every step holds each of its levels at fixed cells, which tells no class.
    Read back, the values are numpy's 0/1 (or fractions) at every cell, none missing."""
    values = _zero_one_fields()[field]
    path = tmp_path / "lsm.nc"
    _era5_packed(path, values)
    opened = open_dataset([path])
    assert _warnings(caplog, opened, ["lsm"], where="lsm.nc", file=path) == []
    np.testing.assert_allclose(opened["lsm"].values, values, atol=1 / 65532)


def test_codes_of_a_field_the_same_at_every_step_are_still_found_by_their_gap(tmp_path, caplog, monkeypatch):
    """The other way: MOD15-like LAI of 0-100 with land-cover codes 250, 253, 254, the same at every step (one
    composite written four times): no longer "classes at fixed cells", still codes, standing 149 empty levels
    above the data (by hand: the 7 code cells × 4 steps = 28 of 192)."""
    monkeypatch.chdir(tmp_path)
    raw = _mod15_like(tmp_path / "lai.nc")
    raw[:] = raw[0]
    raw[2, 4, 4] = raw[0, 4, 4]
    with netCDF4.Dataset(tmp_path / "lai.nc", "a") as handle:
        handle["Lai_500m"].set_auto_maskandscale(False)
        handle["Lai_500m"][:] = raw
    (said,) = _warnings(caplog, open_dataset([tmp_path / "lai.nc"]), ["Lai_500m"], where="lai.nc",
                        file=tmp_path / "lai.nc")
    assert said.startswith("'Lai_500m' in lai.nc holds 25, 25.3, 25.4 m^2/m^2 (the packed values 250, 253, 254, at "
                           "the top of ubyte's range, whose highest is 255) at 28 of the 192 values checked")
    assert "values standing apart above the data" in said


def test_minus_999_beside_a_nan_fill_value_is_marked_so_the_copy_stays_writable(tmp_path, caplog, monkeypatch):
    """break44c A4: pandas' to_xarray().to_netcdf() leaves AERONET's -999 in AOD_500nm beside xarray's
    _FillValue NaN. The advised `ncatted -a missing_value,…,-999` made a file xarray reads but refuses to write
    ("conflicting _FillValue (nan) and missing_value (-999.0)"), and climann's own xarray time-bounds line on it
    then failed with a traceback and left a 239-byte file. Now the NaN fill, which marks nothing a float does not
    hold as missing anyway, is replaced: the chain runs, and a line that fails leaves nothing behind."""
    from climann.data.step_periods import bounds_advice

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    aod = rng.uniform(0.1, 2.0, 40)
    aod[[2, 7, 19]] = -999.0
    aod[[5, 30]] = np.nan
    times = [cftime.datetime(2011, 1, 1, calendar="standard") + k * (cftime.datetime(2011, 1, 2)
                                                                     - cftime.datetime(2011, 1, 1)) for k in range(40)]
    xr.Dataset({"AOD_500nm": ("time", aod)}, coords={"time": times}).to_netcdf("a.nc")
    with netCDF4.Dataset("a.nc") as handle:
        assert np.isnan(handle["AOD_500nm"].getncattr("_FillValue"))  # xarray's default, as pandas' files hold
    (said,) = _warnings(caplog, open_dataset([tmp_path / "a.nc"]), ["AOD_500nm"], where="a.nc", file="a.nc")
    assert said.endswith(_marked("ncatted -a _FillValue,AOD_500nm,o,d,-999", "a"))
    subprocess.run(_printed_line(said, "if they are missing values: "), shell=True, check=True, capture_output=True)
    assert sorted(os.listdir(".")) == ["a.nc", "missing_marked"]  # nothing beside a.nc (fix55a)
    read = xr.open_dataset("missing_marked/a.nc")
    missing = np.isnan(aod) | (aod == -999.0)
    np.testing.assert_array_equal(np.isnan(read["AOD_500nm"].values), missing)
    np.testing.assert_array_equal(read["AOD_500nm"].values[~missing], aod[~missing])
    # climann's xarray line for time bounds (the advice without cdo), run on the copy as printed
    advice = bounds_advice("missing_marked/a.nc", "daily")
    line = advice.split("without cdo, with xarray: `", 1)[1].split("`", 1)[0]
    env = {**os.environ, "PATH": shell_path()}  # the line's python
    subprocess.run(line, shell=True, check=True, env=env)
    bounded = xr.open_dataset("missing_marked/with_bounds/a.nc",
                              decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    np.testing.assert_array_equal(np.isnan(bounded["AOD_500nm"].values), missing)
    assert bounded["time_bnds"].values[0, 0] == times[0] and bounded["time_bnds"].values[0, 1] == times[1]
    assert sorted(os.listdir("missing_marked/with_bounds")) == ["a.nc"]
    # the former advice's copy, which xarray reads but refuses to write back (conflicting _FillValue NaN and
    # missing_value -999): the line writes it too now, -999 missing (fix47e)
    subprocess.run(["ncatted", "-a", "missing_value,AOD_500nm,o,d,-999", "a.nc", "missing_marked/old.nc"], check=True)
    with pytest.raises(ValueError, match="conflicting _FillValue"):
        xr.open_dataset("missing_marked/old.nc").to_netcdf("direct.nc")
    subprocess.run(line.replace("a.nc", "old.nc"), shell=True, env=env, check=True, capture_output=True)
    assert sorted(os.listdir("missing_marked/with_bounds")) == ["a.nc", "old.nc"]
    np.testing.assert_array_equal(np.isnan(xr.open_dataset("missing_marked/with_bounds/old.nc")["AOD_500nm"].values),
                                  missing)


def _mod10cm_like(folder):
    """MOD10CM-like monthly snow cover in 12 files (uint8 percent 0-100, _FillValue 255, no valid_range): cloud 250 and
    no-decision 253 in every month, the night code 211 in January and December alone. Returns the raw values and the
    files."""
    rng = np.random.default_rng(5)
    raw = np.where(rng.random((12, 20, 30)) < 0.5, 0, 100).astype("u1")
    raw[:, 0, :] = rng.integers(0, 101, (12, 30))  # some values between, as partial snow cover
    cloud = rng.random(raw.shape)
    raw[cloud < 0.1] = 250
    raw[(cloud >= 0.1) & (cloud < 0.12)] = 253
    raw[[0, 11], :3] = np.where(raw[[0, 11], :3] <= 100, 211, raw[[0, 11], :3])
    raw[:, :, -1] = 255
    for month in range(12):
        with netCDF4.Dataset(folder / f"snow_{month + 1:02d}.nc", "w", format="NETCDF4") as handle:
            for name, size in (("time", 1), ("lat", 20), ("lon", 30)):
                handle.createDimension(name, size)
            handle.createVariable("time", "f8", ("time",))[:] = 0.0
            handle["time"].units = f"days since 2003-{month + 1:02d}-01"
            handle.createVariable("lat", "f8", ("lat",))[:] = 49.5 - np.arange(20)
            handle["lat"].units = "degrees_north"
            handle.createVariable("lon", "f8", ("lon",))[:] = 5.5 + np.arange(30)
            handle["lon"].units = "degrees_east"
            snow = handle.createVariable("snow", "u1", ("time", "lat", "lon"), fill_value=np.uint8(255))
            snow.set_auto_maskandscale(False)
            snow.units = "percent"
            snow[:] = raw[month:month + 1]
    return raw, sorted(folder.glob("snow_*.nc"))


def test_top_codes_are_counted_out_of_the_values_of_every_step_they_are_counted_over(tmp_path, caplog, monkeypatch):
    """break44b B6: MOD10CM-like monthly snow cover in 12 files (uint8 percent 0-100, _FillValue 255, no valid_range)
    holds cloud 250 and no-decision 253 in every month and the night code 211 in December and January alone. The
    codes were counted over all 12 steps and said to be "of the" values of the 2 steps holding 211 (reading as 63 %
    where they were 10.5 %). Both numbers are over the same values: every value of the 12 files (numpy by hand)."""
    monkeypatch.chdir(tmp_path)
    raw, paths = _mod10cm_like(tmp_path)
    (said,) = _warnings(caplog, open_dataset(paths), ["snow"], where="snow_*.nc", file=None)
    codes = int(np.count_nonzero((raw > 100) & (raw < 255)))
    assert f"holds 211, 250, 253 percent (at the top of ubyte's range, whose highest is 255) at {codes} " \
           f"of the {raw.size} values checked, at 12 time steps" in said


def test_a_target_holding_top_codes_above_its_units_bound_is_refused_with_the_marking(tmp_path, monkeypatch):
    """break44b B6: the codes 211/250/253 of a snow cover in "percent" lie above 100, which no percentage can be;
    unmarked, train and evaluate scored them as truth with exit 0 (RMSE 65.8 % against 0.77 % with them missing).
    As the target they are refused in one line whose ncatted, followed (netCDF4 writes the same attribute), lets the
    files through with exactly the codes missing (numpy by hand). A predictor's codes, and codes within a bound
    (LAI's 25.0-25.4 m2/m2), are warned of, not refused."""
    monkeypatch.chdir(tmp_path)
    raw, paths = _mod10cm_like(tmp_path)
    dataset = open_dataset(paths)
    with pytest.raises(ClimannError) as refused:
        refuse_codes_beyond_bound(dataset, "snow", where="snow_*.nc", file=None,
                                  counts=fill_like_counts(dataset, ["snow"]), bound=(100.0, "its units 'percent'"))
    said = str(refused.value)
    codes = int(np.count_nonzero((raw > 100) & (raw < 255)))
    assert said.startswith("the target 'snow' in snow_01.nc, snow_02.nc and 10 more files holds 211, 250, 253 percent")
    assert f"at {codes} of the {raw.size} values checked" in said
    assert "above 100 percent, which its units 'percent' say it cannot be" in said
    # one loop over the 12 files that hold the codes, not ncatted on IN.nc OUT.nc, which names no file (fix45m)
    assert "mark them missing: mkdir -p missing_marked && ( for f in " in without_guards(said) and "IN.nc" not in said
    command = said.split("mark them missing: ", 1)[1].split(" (a copy of each", 1)[0]
    assert "ncatted -a missing_value,snow,o,ub,211,250,253 \"$f\" missing_marked/" in command
    with pytest.raises(ClimannError, match="which would be trained on and scored as truth"):
        warn_held_values(dataset, ["snow"], where="snow_*.nc", file=None, target="snow")
    warn_held_values(dataset, ["snow"], where="snow_*.nc", file=None)  # not the target: warned of only
    subprocess.run(command, shell=True, check=True, executable="/bin/sh")  # the line as printed
    copies = expand_paths([shlex.split(said.split("then give --data ", 1)[1].split(" in place of", 1)[0])[0]])
    assert [path.name for path in copies] == [path.name for path in paths]
    marked = open_dataset(copies)
    refuse_codes_beyond_bound(marked, "snow", where="snow_*.nc", file=None, counts=fill_like_counts(marked, ["snow"]),
                              bound=upper_bound("snow", marked["snow"]))
    np.testing.assert_array_equal(np.isnan(marked["snow"].values), raw > 100)
    lai = tmp_path / "lai.nc"
    _mod15_like(lai)
    leaf = open_dataset([lai])
    assert upper_bound("Lai_500m", leaf["Lai_500m"]) is None  # m^2/m^2: no bound, warned of only
    refuse_codes_beyond_bound(leaf, "Lai_500m", where="lai.nc", file=lai, counts=fill_like_counts(leaf, ["Lai_500m"]),
                              bound=None)


@pytest.mark.parametrize(("units", "whole"), [pytest.param("%", 100.0, id="percent"),
                                              pytest.param("percent", 100.0, id="percent-word"),
                                              pytest.param("‰", 1000.0, id="per-mille")])
@pytest.mark.parametrize("field", ["static-mask", "wet-days"])
def test_a_0_1_field_in_percent_packed_in_shorts_holds_no_codes(tmp_path, caplog, field, units, whole):
    """fix45c: a land-sea mask or a wet-day indicator converted to percent (0 and 100 %, or 0 and 1000 ‰: 0 and
    the whole in its units) was not known as a 0/1 field, and its 100 % was named "values standing apart above
    the data" with an ncatted that made every land cell or wet day missing. Read back: numpy's values at every
    cell, none missing."""
    values = _zero_one_fields()[field] * whole
    path = tmp_path / "lsm.nc"
    _era5_packed(path, values, units=units)
    opened = open_dataset([path])
    assert _lsm_warnings(caplog, opened, path) == []
    np.testing.assert_allclose(opened["lsm"].values, values, atol=whole / 65532)


def _lsm_warnings(caplog, dataset, path) -> list[str]:
    """The warnings of the checks of held values that open, info and train run (value_checks), on ``lsm``."""
    from climann.data.value_checks import warn_held_values

    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(dataset, ["lsm"], where="lsm.nc", file=path)
    return [record.getMessage() for record in caplog.records]


def test_a_two_level_field_in_percent_short_of_the_whole_is_still_judged_by_its_levels(tmp_path, caplog):
    """The other way: 0 and 50 % is no 0/1 field in percent; its 50 % stands apart above the data as before. Packed
    from 0 (the type's negative half empty): packed over the whole type, as ERA5 packs, its 50 % is the field's
    maximum, which the packer put at the top, and no code whatever its levels (break48d A7)."""
    path = tmp_path / "lsm.nc"
    _era5_packed(path, _zero_one_fields()["wet-days"] * 50.0, units="%", from_zero=True)
    (said,) = _lsm_warnings(caplog, open_dataset([path]), path)
    assert said.startswith("'lsm' in lsm.nc holds 50 % (the packed values 32766")


def test_a_fill_held_by_several_files_is_marked_by_a_loop_over_them(tmp_path, monkeypatch, caplog):
    """-9999 in two of a variable's three files: the warning's command names those two files (one loop writing their
    copies into a new folder), not ``ncatted … IN.nc OUT.nc``, which names no file (fix45m). Run as printed, the data
    it says to give read the -9999 missing and every other value as stored (numpy)."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(45)
    raw = []
    for k in range(3):
        values = rng.uniform(0.0, 20.0, (12, LAT.size, LON.size)).astype("f4")
        if k:
            values[k, 1, 2] = values[5, 4, k] = -9999.0
        raw.append(values)
        times = [cftime.datetime(2000 + k, month, 15, calendar="noleap") for month in range(1, 13)]
        xr.Dataset({"pr": (("time", "lat", "lon"), values, {"units": "mm/day"})},
                   coords={"time": times, "lat": LAT, "lon": LON}).to_netcdf(f"pr_{k}.nc",
                                                                         encoding={"pr": {"_FillValue": None}})
    (said,) = _warnings(caplog, open_dataset(expand_paths(["pr_0.nc", "pr_1.nc", "pr_2.nc"])), ["pr"],
                        where="pr_*.nc", file=None)
    assert "IN.nc" not in said and "OUT.nc" not in said
    command = said.split("if they are missing values: ", 1)[1].split(" (a copy of each", 1)[0]
    assert "pr_1.nc pr_2.nc" in command and "pr_0.nc" not in command
    subprocess.run(command, shell=True, check=True, executable="/bin/sh")
    assert sorted(os.listdir("missing_marked")) == ["pr_1.nc", "pr_2.nc"]
    given = said.split("then give ", 1)[1]
    copies = shlex.split(given.split(" in place of", 1)[0])[-1]  # --data 'missing_marked/*.nc'
    assert copies == "missing_marked/*.nc"
    assert "(--data pr_0.nc)" in given  # the file without -9999 given as before
    read = open_dataset(expand_paths(["pr_0.nc", copies]))["pr"].values
    expected = np.concatenate(raw).astype("f8")
    expected[expected == -9999.0] = np.nan
    assert np.isnan(expected).sum() == 4
    np.testing.assert_array_equal(read, expected)


def test_two_codes_beside_a_nan_fill_value_are_marked_and_the_next_xarray_line_writes_the_copy(tmp_path, caplog,
                                                                                              monkeypatch):
    """fix46h saw it: pandas' NaN _FillValue beside two codes (-999, and -888 standing apart like IGRA2's -8888)
    got the ncatted of a missing_value -999,-888 (one value takes the NaN's place only when one is marked), whose
    copy xarray reads but refused to write: climann's own time-bounds line on it failed. The line now writes the
    copy whole, with every code and NaN missing (numpy's count by hand) and the other values as they were."""
    from climann.data.step_periods import bounds_advice

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    aod = rng.uniform(0.1, 2.0, 40)
    aod[[2, 7, 19]] = -999.0
    aod[[4, 11, 25]] = -888.0
    aod[[5, 30]] = np.nan
    times = [cftime.datetime(2011, 1, 1, calendar="standard") + k * (cftime.datetime(2011, 1, 2)
                                                                     - cftime.datetime(2011, 1, 1)) for k in range(40)]
    xr.Dataset({"AOD_500nm": ("time", aod)}, coords={"time": times}).to_netcdf("a.nc")
    (said,) = _warnings(caplog, open_dataset([tmp_path / "a.nc"]), ["AOD_500nm"], where="a.nc", file="a.nc")
    assert said.endswith(_marked("ncatted -a missing_value,AOD_500nm,o,d,-999,-888", "a"))
    subprocess.run(_printed_line(said, "if they are missing values: "), shell=True, check=True, capture_output=True)
    advice = bounds_advice("missing_marked/a.nc", "daily")
    line = advice.split("without cdo, with xarray: `", 1)[1].split("`", 1)[0]
    env = {**os.environ, "PATH": shell_path()}
    subprocess.run(line, shell=True, check=True, env=env, capture_output=True)
    bounded = xr.open_dataset("missing_marked/with_bounds/a.nc",
                              decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    missing = np.isnan(aod) | (aod == -999.0) | (aod == -888.0)
    assert int(missing.sum()) == 8
    np.testing.assert_array_equal(np.isnan(bounded["AOD_500nm"].values), missing)
    np.testing.assert_array_equal(bounded["AOD_500nm"].values[~missing], aod[~missing])
    assert bounded["time_bnds"].values[0, 0] == times[0] and bounded["time_bnds"].values[0, 1] == times[1]


def _packed_t2m(path, *, bottom: int) -> np.ndarray:
    """break48d's noon t2m of 2016 (/tmp/break48d/make_fwi.py: 366 days of 9 x 72 cells, a seasonal cycle of
    ±12 K, 0.6 K per degree of latitude, normal noise of 3 K), whose warmest value, 324.9 K, stands 4 K above the
    next, packed in short with _FillValue -32767 as ERA5's files are: the maximum at 32766 and the minimum at
    ``bottom`` (-32766: ERA5's packing over the type's whole range; 0: packed from 0, the negative half empty, as
    MOD17's GPP is). Returns the stored integers."""
    rng = np.random.default_rng(48)
    season = np.cos(2 * np.pi * (np.arange(1, 367) - 200) / 365.25)[:, None, None]
    lat = np.arange(70.0, 29.9, -5.0)[None, :, None]
    t2m = 288 + 12 * season - 0.6 * (lat - 50) + rng.normal(0, 3, (366, 9, 72))
    scale = (t2m.max() - t2m.min()) / (32766 - bottom)
    offset = t2m.min() - bottom * scale
    with netCDF4.Dataset(path, "w", format="NETCDF4") as handle:
        for name, size in (("time", 366), ("lat", 9), ("lon", 72)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(366.0)
        handle["time"].units = "days since 2016-01-01 12:00:00"
        handle.createVariable("lat", "f4", ("lat",))[:] = np.arange(70.0, 29.9, -5.0)
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f4", ("lon",))[:] = np.arange(0.0, 360.0, 5.0)
        handle["lon"].units = "degrees_east"
        variable = handle.createVariable("t2m", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
        variable.scale_factor, variable.add_offset, variable.units = scale, offset, "K"
        variable.missing_value = np.int16(-32767)
        variable[:] = t2m
        variable.set_auto_maskandscale(False)
        return np.asarray(variable[:])


@pytest.mark.parametrize(("bottom", "codes"), [pytest.param(-32766, False, id="era5-packed-over-the-whole-type"),
                                               pytest.param(0, True, id="packed-from-0-negative-half-empty")])
def test_a_warm_outlier_of_a_field_packed_over_its_types_range_is_no_code(tmp_path, caplog, bottom, codes):
    """break48d A7: ERA5's packed t2m whose warmest value stands 4 K (thousands of levels) above the next was
    warned as "values standing apart above the data … as codes do". A packer that spread the data's range over the
    whole short (its minimum at -32766, as the stored integers show) put the maximum at 32766: data, however far
    it stands. The same values packed from 0 (the type's negative half empty, as beside MOD17's codes) still have
    it told as a code standing apart: what tells them apart is where the packing put the minimum."""
    raw = _packed_t2m(tmp_path / "t2m.nc", bottom=bottom)
    ordered = np.sort(raw.ravel())
    assert (ordered[0], ordered[-1]) == (bottom, 32766) and ordered[-1] - ordered[-2] > 1000  # as described
    said = _warnings(caplog, open_dataset([tmp_path / "t2m.nc"]), ["t2m"], where="t2m.nc", file=tmp_path / "t2m.nc")
    apart = [message for message in said if "values standing apart above the data" in message]
    assert bool(apart) == codes, said
    if codes:
        assert apart[0].startswith("'t2m' in t2m.nc holds ") and "(the packed values 32766, at the top of short's" \
            in apart[0], apart[0]


def _daily_series(folder, n_files: int) -> np.ndarray:
    """``n_files`` one-day files tas_NN.nc of a 6 × 8 grid in ``folder``; their values, (n_files, 6, 8)."""
    values = 250.0 + np.random.default_rng(7).uniform(0.0, 50.0, size=(n_files, LAT.size, LON.size))
    for day in range(n_files):
        xr.Dataset({"tas": (("time", "lat", "lon"), values[day:day + 1], {"units": "K"})},
                   coords={"time": [np.datetime64("2001-01-01") + np.timedelta64(day, "D")],
                           "lat": ("lat", LAT, {"units": "degrees_north"}),
                           "lon": ("lon", LON, {"units": "degrees_east"})}).to_netcdf(folder / f"tas_{day:02}.nc")
    return values


def test_each_shared_block_of_a_20_file_series_holds_only_its_own_files_tasks(tmp_path):
    """fix57b: the shared blocks (blocks_by_place(shared=True), the keys of the file's reads) were
    to_delayed(optimize_graph=False)'s, each holding the graph of every file of the series, which each of the
    ~11 000 check tasks of 1 095 daily files copied: info of them peaked at 2.8 GB. Each block's graph now holds the
    tasks of its own file only: the 20 blocks' graphs are disjoint, together the series' graph, each a twentieth."""
    _daily_series(tmp_path, 20)
    data = open_dataset(expand_paths([str(tmp_path / "tas_*.nc")]))["tas"].data
    whole = dict(data.__dask_graph__())
    graphs = [dict(block.dask) for block, _ in blocks_by_place(data, shared=True)]
    assert data.numblocks == (20, 1, 1) and len(graphs) == 20
    assert [len(graph) for graph in graphs] == [len(whole) // 20] * 20
    assert sum(len(graph) for graph in graphs) == len(set().union(*graphs)) == len(whole)  # disjoint, all of it
    assert all(whole[key] is task for graph in graphs for key, task in graph.items())  # the series' own tasks


def test_checks_made_from_shared_blocks_apart_read_each_file_once(tmp_path, bytes_read):
    """Two checks that each take the shared blocks of a 20-file series (blocks_by_place(shared=True) called once
    for each, each block's graph culled to its own tasks: fix57b) and are computed together read each file once,
    as the same keys (the masked and unmasked counts of climann.data.absolute_zero), and give numpy's answers."""
    values = _daily_series(tmp_path, 20)
    data = open_dataset(expand_paths([str(tmp_path / "tas_*.nc")]))["tas"].data
    bytes_read.clear()
    sums = read_together(BlockReads([dask.delayed(np.sum)(block) for block, _ in blocks_by_place(data, shared=True)],
                                    list),
                         BlockReads([dask.delayed(np.max)(block) for block, _ in blocks_by_place(data, shared=True)],
                                    list))
    np.testing.assert_allclose(sums[0](), values.sum(axis=(1, 2)))
    np.testing.assert_array_equal(sums[1](), values.max(axis=(1, 2)))
    assert bytes_read["tas"] == values.nbytes

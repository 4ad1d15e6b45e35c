"""A _FillValue or missing_value that is a value of the data (climann/data/fill_among_values.py,
run with the other checks of every value: climann.data.value_checks)."""

import logging
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.shell import none_there
from climann.data.value_checks import warn_held_values
from tests.conftest import grid_dataset
from tests.followed_twice import GUARD, assert_left_as_it_is


def _warnings(path, name, caplog):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(open_dataset([path]), [name], where=path.name, file=path)
    return [record.getMessage() for record in caplog.records if "read as missing (CF" in record.getMessage()]


def _removed(command: str, file, others: str = "") -> str:
    """What climann prints for ``command`` (an ncatted's options) on ``file``: the line, in backticks, writing its
    copy into a new folder fill_value_removed/ beside it under its own name, then the --data to give (fix55a: the
    copy X_fixed.nc beside X.nc was taken with it by a glob over their folder, and the run refused both)."""
    folder = file.parent / "fill_value_removed"
    copy = folder / file.name
    return (f"`{none_there(copy)}mkdir -p {folder} && {command} {file} {copy}` (its copy in a new folder), then give "
            f"--data {copy} in place of {file}{others}")


def _precipitation(path, fill, key="missing_value", *, marked=0):
    """pr in mm day-1 with about 30 % dry cells exactly 0 (seeded), marked by ``key`` = ``fill``,
    the first ``marked`` values set to ``fill``."""
    full = grid_dataset(n_years=2)
    rng = np.random.default_rng(3)
    pr = rng.gamma(2.0, 2.0, full["tas"].shape).astype("f4")
    pr[rng.uniform(size=pr.shape) < 0.3] = 0.0
    pr.flat[:marked] = fill
    dataset = xr.Dataset({"pr": (full["tas"].dims, pr, {"units": "mm day-1", "standard_name": "precipitation_flux"})},
                         coords=full.coords)
    dataset["pr"].encoding[key] = np.float32(fill)
    dataset.to_netcdf(path)
    return pr


def test_a_missing_value_of_0_on_precipitation_is_named_with_its_count(tmp_path, caplog):
    """break19b F4: every dry cell was dropped without a word."""
    pr = _precipitation(tmp_path / "pr.nc", 0.0)
    dry = int((pr == 0).sum())
    assert 0.25 < dry / pr.size < 0.35
    assert _warnings(tmp_path / "pr.nc", "pr", caplog) == [
        f"'pr' in pr.nc has missing_value 0, and 0 is a valid value of it (its standard_name precipitation_flux "
        f"says it cannot be negative, and 0 is its lower bound): {dry} of its {pr.size} values "
        f"({100 * dry / pr.size:.3g} %) are read as missing (CF §2.5.1); if they are data, remove the attribute in "
        f"a copy: " + _removed("ncatted -a missing_value,pr,d,,", tmp_path / "pr.nc")]
    assert int(open_dataset([tmp_path / "pr.nc"])["pr"].isnull().sum()) == dry  # still missing, as CF says


def test_a_packed_fill_value_in_the_midst_of_the_data_is_named(tmp_path, caplog):
    """A packer that left 0s as the _FillValue of tas packed around 280 K: the values that were
    exactly 280 K are missing."""
    full = grid_dataset(n_years=2)
    tas = full["tas"].values.copy()
    tas.flat[::97] = 280.0
    dataset = full[["tas"]].copy()
    dataset["tas"].values = tas
    dataset["tas"].encoding.update(dtype="i2", scale_factor=0.05, add_offset=280.0, _FillValue=np.int16(0))
    dataset.to_netcdf(tmp_path / "packed.nc")
    held = open_dataset([tmp_path / "packed.nc"])["tas"].values
    at_280 = int(np.isnan(held).sum())
    assert at_280 >= len(range(0, tas.size, 97)) and at_280 == int((np.round((tas - 280.0) / 0.05) == 0).sum())
    [message] = _warnings(tmp_path / "packed.nc", "tas", caplog)
    assert message.startswith(f"'tas' in packed.nc has _FillValue 280, and it lies among the values the data hold "
                              f"({np.nanmin(held):g} to {np.nanmax(held):g}): {at_280} of its {tas.size} values")
    assert "ncatted -a _FillValue,tas,d,, " in message


@pytest.mark.parametrize(("fill", "key"), [
    pytest.param(-999.0, "missing_value", id="below-the-data"),
    pytest.param(1e20, "_FillValue", id="cmip-1e20"),
])
def test_a_fill_value_outside_the_data_is_not_named(tmp_path, caplog, fill, key):
    _precipitation(tmp_path / "pr.nc", fill, key, marked=5)
    assert int(open_dataset([tmp_path / "pr.nc"])["pr"].isnull().sum()) == 5
    assert _warnings(tmp_path / "pr.nc", "pr", caplog) == []


def _pr_year(path, year, encoding, *, ocean=0):
    """One year of pr (about 30 % dry cells exactly 0, seeded by ``year``), the first ``ocean``
    values of each month marked by a _FillValue of 1e20, written with ``encoding``."""
    full = grid_dataset(n_years=2)
    rng = np.random.default_rng(year)
    part = full[["tas"]].isel(time=slice(12 * (year - 2000), 12 * (year - 1999))).rename(tas="pr")
    pr = rng.gamma(2.0, 2.0, part["pr"].shape).astype("f4")
    pr[rng.uniform(size=pr.shape) < 0.3] = 0.0
    pr.reshape(12, -1)[:, :ocean] = 1e20
    part["pr"].values = pr
    part["pr"].attrs = {"units": "mm day-1", "standard_name": "precipitation_flux"}
    part["pr"].encoding = dict(encoding)
    part.to_netcdf(path)
    return pr


def test_a_later_file_of_a_series_is_checked_with_its_own_marks_and_count(tmp_path, caplog):
    """verify20 F7: pr_2000.nc with the CMIP _FillValue 1e20, pr_2001.nc with missing_value 0 and
    no _FillValue: the combined variable keeps the first file's marks, and the later file's dry
    cells went unnamed; its warning counts its own dry cells among its own values."""
    _pr_year(tmp_path / "pr_2000.nc", 2000, {"_FillValue": np.float32(1e20)}, ocean=3)
    later = _pr_year(tmp_path / "pr_2001.nc", 2001, {"missing_value": np.float32(0.0), "_FillValue": None})
    dry = int((later == 0).sum())
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        files = [tmp_path / "pr_2000.nc", tmp_path / "pr_2001.nc"]
        warn_held_values(open_dataset(files), ["pr"], where="pr_2000.nc, pr_2001.nc", file=None)
    messages = [record.getMessage() for record in caplog.records if "read as missing (CF" in record.getMessage()]
    assert len(messages) == 1
    assert messages[0].startswith("'pr' in pr_2001.nc has missing_value 0, and 0 is a valid value of it")
    assert f": {dry} of its {later.size} values ({100 * dry / later.size:.3g} %) are read as missing" in messages[0]
    assert messages[0].endswith(_removed("ncatted -a missing_value,pr,d,,", tmp_path / "pr_2001.nc",
                                         f", with the other files of {tmp_path} given as before (--data "
                                         f"{tmp_path}/pr_2000.nc)"))


def test_the_count_is_of_the_values_the_suspect_mark_marks(tmp_path, caplog):
    """verify20 F8: the ocean's _FillValue 1e20 beside missing_value 0 on the dry cells: the
    warning about missing_value 0 counts the dry cells, not every missing value."""
    import netCDF4

    pr = _pr_year(tmp_path / "pr.nc", 2000, {"_FillValue": np.float32(1e20)}, ocean=5)
    with netCDF4.Dataset(tmp_path / "pr.nc", "a") as file:  # xarray writes no two different marks
        file["pr"].setncattr("missing_value", np.float32(0.0))
    dry, ocean = int((pr == 0).sum()), int((pr == 1e20).sum())
    assert ocean == 60 and dry > 0
    assert int(open_dataset([tmp_path / "pr.nc"])["pr"].isnull().sum()) == dry + ocean
    [message] = _warnings(tmp_path / "pr.nc", "pr", caplog)
    assert f": {dry} of its {pr.size} values ({100 * dry / pr.size:.3g} %) are read as missing" in message


def _ecmwf_packed(path):
    """A CAMS EAC4-like file as ECMWF writes it: int16 packed with scale = (max − min)/65534,
    offset = min + 32768·scale (the minimum at -32768, data), _FillValue = missing_value = -32767,
    for pm2p5 and tcno2 (one tcno2 value on the code -32767); beside them two float variables
    holding an unmarked -9999. Returns {name: (packed, scale, offset)} and the floats."""
    import netCDF4

    rng = np.random.default_rng(0)
    stored = {}
    with netCDF4.Dataset(path, "w") as out:
        for dim, size in (("time", None), ("latitude", 3), ("longitude", 4)):
            out.createDimension(dim, size)
        time = out.createVariable("time", "i4", ("time",))
        time.units, time.calendar, time[:] = "hours since 1900-01-01", "gregorian", 876576 + 24 * np.arange(6)
        for name, values, units in (("latitude", [60, 0, -60], "degrees_north"),
                                    ("longitude", [0, 90, 180, 270], "degrees_east")):
            coordinate = out.createVariable(name, "f4", (name,))
            coordinate.units, coordinate[:] = units, values
        dims = ("time", "latitude", "longitude")
        for name, size in (("pm2p5", 4e-8), ("tcno2", 2e-5)):
            values = size * rng.lognormal(0, 0.3, (6, 3, 4)) + size / 10
            scale = (values.max() - values.min()) / 65534
            offset = values.min() + 32768 * scale
            packed = np.round((values - offset) / scale).astype("i2")
            if name == "tcno2":
                packed[2, 1, 1] = -32767  # a value the packing put on the fill code
            variable = out.createVariable(name, "i2", dims, fill_value=np.int16(-32767))
            variable.scale_factor, variable.add_offset, variable.missing_value = scale, offset, np.int16(-32767)
            variable.units = "kg m**-2"
            variable.set_auto_maskandscale(False)
            variable[:] = packed
            stored[name] = (packed, scale, offset)
        for name, cells in (("aod", [(0, 0, 0), (3, 2, 1)]), ("ssr", [(4, 0, 3)])):
            values = rng.uniform(0.1, 1.0, (6, 3, 4)).astype("f4")
            for cell in cells:
                values[cell] = -9999.0
            variable = out.createVariable(name, "f4", dims)
            variable.units, variable[:] = "1", values
            stored[name] = values
    return stored


def test_ecmwf_packed_fixes_are_given_once_chained_and_unmark_every_attribute(tmp_path, monkeypatch, capsys):
    """break39a F5 (CAMS EAC4): each file got the same ncatted three times, chained _fixed → _fixed_2 →
    _fixed_3 (one line per variable, each with the file's one command); the packed minimum at -32768 was
    named an unmarked fill value; the _FillValue line read the original, not the last copy (its
    ``-a _FillValue,tcno2,d,,`` was taken for the end of the command), and removed _FillValue alone, so the
    value stayed missing through missing_value. Run as printed, the last copy's values are numpy's decoding."""
    import functools
    import re
    import shutil
    import subprocess

    from climann.data.info import describe
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import INFO_VALUES_LIMIT_GB, check_trains
    from climann.workflow.progress import warnings_on_stderr

    forget_notes()
    monkeypatch.chdir(tmp_path)
    stored = _ecmwf_packed(tmp_path / "cams.nc")
    with warnings_on_stderr():
        describe(["cams.nc"], check=functools.partial(check_trains, values_up_to_gb=INFO_VALUES_LIMIT_GB))
    lines = [line for line in capsys.readouterr().err.splitlines() if "ncatted" in line or "above" in line]
    assert not [line for line in lines if "pm2p5" in line]  # its minimum is data
    commands = [match.group(0) for line in lines for match in re.finditer(r"ncatted (?:-a \S+ )+\S+\.nc \S+\.nc", line)]
    # each copy in a new folder (fix55a), the second line reading the first's copy
    assert commands == [
        "ncatted -a _FillValue,aod,o,f,-9999 -a _FillValue,ssr,o,f,-9999 cams.nc missing_marked/cams.nc",
        "ncatted -a _FillValue,tcno2,d,, -a missing_value,tcno2,d,, missing_marked/cams.nc fill_value_removed/cams.nc"]
    assert [line for line in lines if "'ssr'" in line][0].endswith(
        "if they are missing values, the command on the line of 'aod' above marks them too")
    if shutil.which("ncatted") is None:
        return
    for line in lines:  # each line whole, as printed (its guard, its mkdir, the unpacking of the copy)
        for printed in re.findall(r"`([^`]*ncatted[^`]*)`", line):
            subprocess.run(["bash", "-c", printed], check=True, capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cams.nc", "fill_value_removed", "missing_marked"]
    with xr.open_dataset(tmp_path / "fill_value_removed/cams.nc") as fixed:  # as climann reads it
        for name in ("pm2p5", "tcno2"):
            packed, scale, offset = stored[name]
            np.testing.assert_allclose(fixed[name].values, packed * scale + offset, rtol=0, atol=scale * 1e-6)
        assert not {"_FillValue", "missing_value"} & {*fixed["tcno2"].attrs, *fixed["tcno2"].encoding}
        for name in ("aod", "ssr"):
            np.testing.assert_array_equal(fixed[name].values,
                                          np.where(stored[name] == -9999.0, np.nan, stored[name]))


def test_a_missing_value_that_marks_the_fill_and_another_value_keeps_the_other(tmp_path, monkeypatch, caplog):
    """break39a F5: deleting _FillValue alone left its value missing through missing_value. Here missing_value
    holds the _FillValue 0.5 (a value of data on 0…1) and -999: the command deletes _FillValue and writes
    missing_value -999 alone; run, the 0.5 is data and the -999 still missing (by hand)."""
    import shutil
    import subprocess

    import netCDF4

    monkeypatch.chdir(tmp_path)
    values = np.linspace(0, 1, 24, dtype="f4").reshape(4, 2, 3)
    values[1, 0, 0], values[2, 1, 2] = 0.5, -999.0
    full = grid_dataset()
    xr.Dataset({"v": (("time", "lat", "lon"), values, {"units": "1"})},
               coords={"time": full["time"][:4], "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(
        tmp_path / "v.nc", encoding={"v": {"_FillValue": np.float32(0.5)}})
    with netCDF4.Dataset(tmp_path / "v.nc", "a") as handle:
        handle["v"].setncattr("missing_value", np.array([0.5, -999.0], "f4"))
    (said,) = _warnings(tmp_path / "v.nc", "v", caplog)
    assert said.endswith("if they are data, remove it and the same value from the missing_value in a copy: "
                         + _removed("ncatted -a _FillValue,v,d,, -a missing_value,v,o,f,-999", Path("v.nc")))
    if shutil.which("ncatted") is None:
        return
    subprocess.run(said.split("`")[1], shell=True, check=True, capture_output=True)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fill_value_removed", "v.nc"]
    with xr.open_dataset(tmp_path / "fill_value_removed/v.nc") as fixed:
        np.testing.assert_array_equal(fixed["v"].values, np.where(values == -999.0, np.nan, values))


#: A printed NCO line in a message: its guards (shell.none_there) when it has them, then ncatted … to its last file.
_PRINTED_LINE = r"(?<=`)[^`]*ncatted [^`]*(?=`)"


def test_ecmwf_packed_codes_that_are_data_are_unpacked_so_that_no_default_fill_warning_follows(tmp_path, monkeypatch,
                                                                                               capsys):
    """rerun39 N1: after the advised ncatted deleted tcno2's _FillValue and missing_value -32767 (a code the
    packing gave to data), every later info and train warned that -32767 is netCDF's default fill value of
    short and advised setting _FillValue back. The advice now unpacks the copy (ncpdq -U): run as printed with
    NCO, the copy's tcno2 are floats equal to numpy's decoding of every code, -32767 included, and neither
    that warning nor any other about tcno2 follows."""
    import functools
    import re
    import shutil
    import subprocess

    from climann.data.info import describe
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import INFO_VALUES_LIMIT_GB, check_trains
    from climann.workflow.progress import warnings_on_stderr

    forget_notes()
    monkeypatch.chdir(tmp_path)
    stored = _ecmwf_packed(tmp_path / "cams.nc")
    with warnings_on_stderr():
        describe(["cams.nc"], check=functools.partial(check_trains, values_up_to_gb=INFO_VALUES_LIMIT_GB))
    lines = capsys.readouterr().err.splitlines()
    (said,) = [line for line in lines if "'tcno2'" in line]
    assert (
        "if they are data, remove it and the missing_value that marks the same value in a copy, and unpack it in "
        "the copy to floats (ncpdq -U), so that no code -32767 is left for netCDF to read as the default fill value "
        "of short: `mkdir -p fill_value_removed && { [ ! -e fill_value_removed/cams.nc ] || { echo "
        "'fill_value_removed/cams.nc is there already: left as it is, nothing written; move it away or write another "
        "name' >&2; false; }; } && { [ ! -e fill_value_removed/cams.tcno2_unpacked.nc ] || { echo "
        "'fill_value_removed/cams.tcno2_unpacked.nc is there already: left as it is, nothing written; move it away or "
        "write another name' >&2; false; }; } && "
        "ncatted -a _FillValue,tcno2,d,, -a missing_value,tcno2,d,, missing_marked/cams.nc fill_value_removed/cams.nc "
        "&& ncpdq -U -v tcno2 fill_value_removed/cams.nc fill_value_removed/cams.tcno2_unpacked.nc && ncks -A -x -v "
        "tcno2 fill_value_removed/cams.nc fill_value_removed/cams.tcno2_unpacked.nc && mv "
        "fill_value_removed/cams.tcno2_unpacked.nc fill_value_removed/cams.nc` (its copy in a new folder), then give "
        "--data fill_value_removed/cams.nc in place of cams.nc (this reads missing_marked/cams.nc"
        ) in said
    if shutil.which("ncatted") is None or shutil.which("ncpdq") is None:
        pytest.skip("needs NCO (ncatted, ncpdq)")
    commands = [re.search(_PRINTED_LINE, line).group(0) for line in lines if "ncatted" in line]
    for command in commands:  # the aod line writes missing_marked/cams.nc, the tcno2 line reads it
        subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    assert commands[-1].startswith("mkdir -p fill_value_removed && { [ ! -e fill_value_removed/cams.nc ]")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cams.nc", "fill_value_removed", "missing_marked"]
    with xr.open_dataset(tmp_path / "fill_value_removed/cams.nc") as fixed:
        packed, scale, offset = stored["tcno2"]
        assert fixed["tcno2"].dtype.kind == "f" and fixed["tcno2"].encoding["dtype"].kind == "f"
        assert int(fixed["tcno2"].isnull().sum()) == 0
        np.testing.assert_allclose(fixed["tcno2"].values, packed * scale + offset, rtol=0, atol=scale * 1e-6)
        assert fixed["tcno2"].values[2, 1, 1] == pytest.approx(-32767 * scale + offset, abs=scale * 1e-6)
    forget_notes()
    with warnings_on_stderr():
        describe(["fill_value_removed/cams.nc"], check=functools.partial(check_trains, values_up_to_gb=INFO_VALUES_LIMIT_GB))
    after = capsys.readouterr().err
    assert "tcno2" not in after and "default fill value" not in after, after
    # fix51j: followed again, NCO's "overwrite fill_value_removed/cams.nc?" answered n exits 0, and ncpdq -O, ncks -A and mv
    # then replaced the file there by an unpacked copy of it; now the line stops before NCO, the file kept
    assert_left_as_it_is(tmp_path / "fill_value_removed/cams.nc", lambda: subprocess.run(
        ["bash", "-c", commands[-1]], input="n\n", capture_output=True, text=True), tmp_path / "cams.nc")


def _era5_lakes_packed(path):
    """ERA5's lake ice depth ``licd`` and mix-layer temperature ``lmlt`` as the CDS packs them (int16, _FillValue =
    missing_value = -32767): ``licd`` holds the code -32767 at two values of data (0.0004 m of ice, the packing's)
    and the lowest code -32768 at a block of cells every step, as ``lmlt`` does (break41a A4). Returns the codes."""
    import netCDF4

    rng = np.random.default_rng(7)
    codes = {}
    with netCDF4.Dataset(path, "w") as out:
        for dim, size in (("valid_time", None), ("latitude", 4), ("longitude", 6)):
            out.createDimension(dim, size)
        time = out.createVariable("valid_time", "i8", ("valid_time",))
        time.standard_name, time.units, time.calendar = "time", "seconds since 1970-01-01", "proleptic_gregorian"
        time[:] = [int((np.datetime64(f"2000-{month:02d}-01") - np.datetime64("1970-01-01")) / np.timedelta64(1, "s"))
                   for month in range(1, 13)]
        for name, values, units in (("latitude", [60.0, 50.0, 40.0, 30.0], "degrees_north"),
                                    ("longitude", [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "degrees_east")):
            coordinate = out.createVariable(name, "f8", (name,))
            coordinate.units, coordinate[:] = units, values
        for name, scale, offset, units in (("licd", 1e-5, 0.32768, "m"), ("lmlt", 1e-3, 305.918, "K")):
            packed = rng.integers(-30000, 30000, (12, 4, 6)).astype("i2")
            packed[:, 0, :3] = -32768  # the lowest code of short, a fill value of many writers, at 3 cells every step
            if name == "licd":
                packed[5, 2, 4] = packed[7, 3, 1] = -32767  # data the packing put on the fill code
            variable = out.createVariable(name, "i2", ("valid_time", "latitude", "longitude"),
                                          fill_value=np.int16(-32767))
            variable.scale_factor, variable.add_offset, variable.missing_value = scale, offset, np.int16(-32767)
            variable.units = units
            variable.set_auto_maskandscale(False)
            variable[:] = packed
            codes[name] = (packed, scale, offset)
    return codes


def test_the_unpacking_of_one_variable_keeps_the_marks_an_earlier_line_gave_the_others(tmp_path, monkeypatch,
                                                                                        capsys):
    """break41a A4: the line that unpacks 'licd' (its _FillValue -32767 is data) ran ncpdq -U on the whole copy;
    NCO unpacks by _FillValue alone, so the -32768 the line before marked missing by missing_value in 'lmlt' were
    data again (8608 values of ERA5's). Now only 'licd' is unpacked: run in order as printed, lmlt's -32768 stay
    missing and every value of licd is data (numpy's decoding), its marks removed by the second line.

    rerun41 R7: the second line deleted licd's missing_value, which the first line had written -32767,-32768 (its
    -32768 missing, 34806 zeros of ERA5's): they were data again. Now licd's -32768 stay missing (NaN at numpy's
    count of the code), and its -32767 are data."""
    import functools
    import re
    import shutil
    import subprocess

    from climann.data.info import describe
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import INFO_VALUES_LIMIT_GB, check_trains
    from climann.workflow.progress import warnings_on_stderr

    forget_notes()
    monkeypatch.chdir(tmp_path)
    codes = _era5_lakes_packed(tmp_path / "era5.nc")
    with warnings_on_stderr():
        describe(["era5.nc"], check=functools.partial(check_trains, values_up_to_gb=INFO_VALUES_LIMIT_GB))
    lines = [line for line in capsys.readouterr().err.splitlines() if "ncatted" in line]
    commands = [re.search(_PRINTED_LINE, line).group(0) for line in lines]
    assert len(commands) == 2 and "ncpdq -U -v licd fill_value_removed/era5.nc" in commands[1], commands
    if shutil.which("ncpdq") is None or shutil.which("ncks") is None:
        pytest.skip("needs NCO (ncatted, ncpdq, ncks)")
    for command in commands:
        subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["era5.nc", "fill_value_removed", "missing_marked"]
    fixed = open_dataset([tmp_path / "fill_value_removed/era5.nc"])
    packed, scale, offset = codes["lmlt"]
    expected = np.where(packed == -32768, np.nan, packed * scale + offset)
    np.testing.assert_allclose(fixed["lmlt"].values, expected, rtol=0, atol=scale / 2)
    packed, scale, offset = codes["licd"]
    assert "-a missing_value,licd,o,s,-32767,-32768" in commands[0], commands
    assert "keeping the stored -32768 missing as the line before marks it" in lines[1], lines[1]
    assert fixed["licd"].encoding["dtype"].kind == "f"
    assert int(np.isnan(fixed["licd"].values).sum()) == int((packed == -32768).sum()) == 36
    expected = np.where(packed == -32768, np.nan, packed * scale + offset)
    np.testing.assert_allclose(fixed["licd"].values, expected, rtol=0, atol=scale * 1e-6)
    assert np.isfinite(fixed["licd"].values[packed == -32767]).all()


def test_a_folder_of_20_files_each_with_missing_value_0_gets_one_line_and_one_loop_that_works(tmp_path, caplog):
    """A folder of daily files each with missing_value 0 on precipitation gave one warning per file
    (20 lines alike but for the file, its range and its count); now one line naming the 20 files,
    their dry cells counted together (numpy's count), with one loop whose copies read every dry
    cell as data and say nothing."""
    import re
    import shlex
    import shutil
    import string
    import subprocess

    folder = tmp_path / "daily"
    folder.mkdir()
    paths = [folder / f"{letter}.nc" for letter in string.ascii_lowercase[:20]]
    written = []
    for day, path in enumerate(paths):
        rng = np.random.default_rng(day)
        values = rng.gamma(2.0, 2.0, (1, 3, 4)).astype("f4")
        values[rng.uniform(size=values.shape) < 0.3] = 0.0
        values[0, 0, 0] = 0.0
        xr.Dataset({"pr": (("time", "lat", "lon"), values, {"units": "mm day-1",
                                                            "standard_name": "precipitation_flux"})},
                   coords={"time": ("time", [day + 0.5], {"units": "days since 2000-01-01", "calendar": "standard"}),
                           "lat": ("lat", [40.0, 42.0, 44.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 2.0, 4.0, 6.0], {"units": "degrees_east"})},
                   ).to_netcdf(path, encoding={"pr": {"missing_value": np.float32(0.0), "_FillValue": None}})
        written.append(values)
    dry, size = int((np.concatenate(written) == 0).sum()), 20 * 12
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(paths)
        warn_held_values(opened, ["pr"], where="a.nc, b.nc and 18 more files", file=None)
    said = [record.getMessage() for record in caplog.records if "read as missing (CF" in record.getMessage()]
    assert len(said) == 1, said
    assert said[0].startswith(
        f"'pr' in 20 files (a.nc, b.nc and 18 more files) has missing_value 0, and 0 is a valid value of it (its "
        f"standard_name precipitation_flux says it cannot be negative, and 0 is its lower bound): {dry} of their "
        f"{size} values ({100 * dry / size:.3g} %) are read as missing")
    loop = re.search(rf"in a copy of each: ({GUARD}mkdir .*?; done \)) \(a copy of each of its 20 files in a new folder\), then "
                     r"give --data (\S+) in place of the originals$", said[0])
    assert loop and f"for f in {folder}/*.nc; do ncatted -a missing_value,pr,d,, " in loop[1]
    if shutil.which("ncatted") is None:
        return
    subprocess.run(loop[1], shell=True, check=True, capture_output=True)
    assert shlex.split(loop[2]) == [str(folder / "fill_value_removed" / "*.nc")]
    copies = sorted((folder / "fill_value_removed").iterdir())
    assert [copy.name for copy in copies] == [path.name for path in paths]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        fixed = open_dataset(copies)
        warn_held_values(fixed, ["pr"], where="the copies", file=None)
    assert [record for record in caplog.records if "read as missing (CF" in record.getMessage()] == []
    assert int((fixed["pr"].values == 0).sum()) == dry and not np.isnan(fixed["pr"].values).any()

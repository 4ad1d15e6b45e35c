"""Attributes other writers name otherwise than CF (HDF-EOS's Units, WRF's description), read under CF's names."""

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset


def _wrf_like(path, attrs: dict) -> None:
    """T2(Time, lat, lon) with ``attrs``, on a plain latitude-longitude grid and a CF time."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("Time", 3), ("lat", 2), ("lon", 3)):
            nc.createDimension(name, size)
        time = nc.createVariable("Time", "f8", ("Time",))
        time.units, time.standard_name, time[:] = "days since 2005-01-01", "time", [0.0, 1.0, 2.0]
        for name, units, values in (("lat", "degrees_north", [40.0, 41.0]), ("lon", "degrees_east", [0.0, 1.0, 2.0])):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, values
        t2 = nc.createVariable("T2", "f4", ("Time", "lat", "lon"))
        t2.setncatts(attrs)
        t2[:] = np.full((3, 2, 3), 280.0)


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"units": "K", "description": "TEMP at 2 M", "MemoryOrder": "XY ", "FieldType": np.int32(104)},
                 {"units": "K", "long_name": "TEMP at 2 M"}, id="wrf-description-as-long-name"),
    pytest.param({"units": "K", "description": "TEMP at 2 M", "MemoryOrder": "XY ", "long_name": "2 m temperature"},
                 {"units": "K", "long_name": "2 m temperature"}, id="own-long-name-kept"),
    pytest.param({"units": "K", "description": "A paragraph of another writer."}, {"units": "K"},
                 id="description-of-other-writers-left"),
    pytest.param({"Units": "molec/cm2"}, {"units": "molec/cm2"}, id="hdfeos-units"),
    pytest.param({"Units": "NoUnits"}, {}, id="hdfeos-no-units"),
    pytest.param({"Units": "molec/cm2", "units": "mol m-2"}, {"units": "mol m-2"}, id="own-units-kept"),
    # break40c C8: long_name spelt without its underscore, as a hand-written R ncdf4 file had it
    pytest.param({"units": "mm/day", "longname": "precipitation rate"}, {"units": "mm/day",
                 "long_name": "precipitation rate"}, id="longname-as-long-name"),
    pytest.param({"units": "mm/day", "longname": "rate", "long_name": "precipitation"}, {"units": "mm/day",
                 "long_name": "precipitation"}, id="own-long-name-kept-over-longname"),
])
def test_foreign_attributes_are_read_under_cf_names(tmp_path, attrs, expected):
    """break38a B5: WRF's T2 had figures titled "T2 (T2)" (its description "TEMP at 2 M" unread); B3: OMI's
    Units "molec/cm2" shown as "-"."""
    _wrf_like(tmp_path / "wrfout.nc", attrs)
    read = open_dataset([tmp_path / "wrfout.nc"])["T2"].attrs
    assert {key: read.get(key) for key in ("units", "long_name") if key in read} == expected


@pytest.mark.parametrize(("scale", "offset", "refused"), [
    pytest.param(1.0, 0.0, False, id="omno2d-identity"),
    pytest.param(0.01, 0.0, True, id="scaled"),
    pytest.param(1.0, 5.0, True, id="offset"),
])
def test_hdfeos_packing_is_refused_unless_it_changes_nothing(tmp_path, scale, offset, refused):
    """break38a B3: HDF-EOS's ScaleFactor/Offset are applied by nothing; OMNO2d's 1 and 0 change nothing and are
    read; others are refused rather than read as the stored numbers (here: 280 read as 2.8 or 285 K otherwise)."""
    from climann.errors import ClimannError

    _wrf_like(tmp_path / "he5.nc", {"Units": "K", "ScaleFactor": scale, "Offset": offset})
    if not refused:
        np.testing.assert_array_equal(open_dataset([tmp_path / "he5.nc"])["T2"].values, np.full((3, 2, 3), 280.0))
        return
    with pytest.raises(ClimannError, match=r"^'T2' in he5.nc is packed the HDF-EOS way \(ScaleFactor = "):
        open_dataset([tmp_path / "he5.nc"])


def _imerg_like(path, seconds) -> None:
    """A daily IMERG V07 file as ``cdo daysum`` and ``ncks -g Grid`` leave it: precipitation(time, lon, lat),
    int seconds since the GPS epoch in the julian calendar, and IMERG's ``Units`` beside CF's ``units`` on every
    variable, the time's among them."""
    epoch = "seconds since 1980-01-06 00:00:00 UTC"
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", len(seconds)), ("lon", 3), ("lat", 2)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "i4", ("time",))
        time.setncatts({"Units": epoch, "units": epoch, "standard_name": "time", "calendar": "julian", "axis": "T"})
        time[:] = seconds
        for name, units, values in (("lon", "degrees_east", [-77.45, -77.35, -77.25]),
                                    ("lat", "degrees_north", [38.05, 38.15])):
            variable = nc.createVariable(name, "f4", (name,))
            variable.setncatts({"Units": units, "units": units})
            variable[:] = values
        rain = nc.createVariable("precipitation", "f4", ("time", "lon", "lat"))
        rain.setncatts({"Units": "mm/day", "units": "mm/day"})
        rain[:] = np.arange(len(seconds) * 6, dtype="f4").reshape(len(seconds), 3, 2)


def test_imerg_units_beside_the_time_units_xarray_decoded_is_read_and_written_back(tmp_path):
    """break46b A2: IMERG's ``time:Units`` beside ``time:units`` was read as a second ``units`` beside the one
    xarray had moved into the encoding: info and train refused every IMERG file with xarray's "Key 'units' already
    exists" and no way out. The time's own units are read (dates as cftime's num2date gives them in the julian
    calendar) and the opened file is written back with the same dates."""
    import cftime
    import xarray as xr

    seconds = np.array([1167609600, 1167696000, 1167782400], dtype="i4")  # 2017-01-01 … 03 (GPS epoch, julian)
    _imerg_like(tmp_path / "3B-DAY.nc", seconds)
    opened = open_dataset([tmp_path / "3B-DAY.nc"])
    expected = cftime.num2date(seconds, "seconds since 1980-01-06 00:00:00", calendar="julian")
    assert [str(value) for value in opened["time"].values] == [str(value) for value in expected]
    assert "units" not in opened["time"].attrs and opened["precipitation"].attrs["units"] == "mm/day"
    opened.to_netcdf(tmp_path / "written.nc")
    with netCDF4.Dataset(tmp_path / "written.nc") as nc:
        written = cftime.num2date(nc["time"][:], nc["time"].units, calendar=nc["time"].calendar)
        assert [str(value) for value in written] == [str(value) for value in expected]
    with xr.open_dataset(tmp_path / "written.nc", decode_times=False) as again:
        assert again["precipitation"].values.tolist() == np.arange(18).reshape(3, 3, 2).tolist()


def _said(caplog, path) -> tuple[dict, list[str]]:
    """T2's attributes as opened, and the warnings opening ``path`` gives."""
    import logging

    from climann.data.notes import forget_notes

    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        attrs = open_dataset([path])["T2"].attrs
    return attrs, [record.getMessage() for record in caplog.records if "Units" in record.getMessage()]


@pytest.mark.parametrize(("units", "theirs", "one_in_the_other"), [
    # 1 K on the Celsius scale: 1 - 273.15; 1 mm in metres: 1/1000 (by hand, not pint)
    pytest.param("K", "degC", 1 - 273.15, id="kelvin-celsius"),
    pytest.param("mm", "m", 1 / 1000, id="mm-m"),
    pytest.param("kg m-2 s-1", "mm/day", None, id="other-quantities"),
])
def test_disagreeing_units_and_Units_are_warned_of_with_the_ncatted_of_each(tmp_path, caplog, units, theirs,
                                                                             one_in_the_other):
    """fix46 saw it: a variable with CF's ``units`` "K" and HDF-EOS's ``Units`` "degC" was read in K without a
    word, its values possibly 273.15 off (or 1000 times too large, mm beside m). One line names both, what 1 of
    one is in the other, and the two ncatted lines; each, run, leaves a file opened in the units it keeps, silently.
    """
    import re
    import shlex
    import shutil
    import subprocess

    path = tmp_path / "both.nc"
    _wrf_like(path, {"units": units, "Units": theirs})
    attrs, said = _said(caplog, path)
    assert attrs["units"] == units and len(said) == 1
    assert f"'T2' has units '{units}' and Units '{theirs}', which differ" in said[0]
    assert "read in its CF units" in said[0]
    if one_in_the_other is not None:
        shown = re.search(rf"\(1 {re.escape(units)} is (\S+) {re.escape(theirs)}\)", said[0])
        assert shown and float(shown[1]) == pytest.approx(one_in_the_other, rel=1e-6)
    commands = re.findall(r"(ncatted .*? \S+ \S+?\.nc)(?:;|$)", said[0])
    assert len(commands) == 2
    if shutil.which("ncatted") is None:
        return
    for command, kept in zip(commands, (theirs, units)):
        subprocess.run(shlex.split(command), check=True, capture_output=True)
        fixed = tmp_path / "both_fixed.nc"
        attrs, said = _said(caplog, fixed)
        assert attrs["units"] == kept and "Units" not in attrs and said == []
        fixed.unlink()


@pytest.mark.parametrize(("units", "theirs"), [
    pytest.param("mm/hr", "mm hr-1", id="slash-and-power"),
    pytest.param("m", "metre", id="symbol-and-name"),
    pytest.param("degC", "celsius", id="celsius-spellings"),
    pytest.param("K", "NoUnits", id="hdfeos-no-units"),
])
def test_agreeing_spellings_of_units_and_Units_say_nothing(tmp_path, caplog, units, theirs):
    _wrf_like(tmp_path / "both.nc", {"units": units, "Units": theirs})
    attrs, said = _said(caplog, tmp_path / "both.nc")
    assert attrs["units"] == units and said == []


def test_imerg_time_units_and_Units_differing_in_their_epoch_are_warned_of(tmp_path, caplog):
    """The time's units, which xarray moves into the encoding, compared too: an epoch a day apart."""
    import logging

    from climann.data.notes import forget_notes

    _imerg_like(tmp_path / "3B-DAY.nc", np.array([1167609600, 1167696000], dtype="i4"))
    with netCDF4.Dataset(tmp_path / "3B-DAY.nc", "a") as nc:
        nc["time"].Units = "seconds since 1980-01-07 00:00:00 UTC"
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "3B-DAY.nc"])
    said = [record.getMessage() for record in caplog.records if "Units" in record.getMessage()]
    assert len(said) == 1 and "'time' has units 'seconds since 1980-01-06 00:00:00 UTC' and Units" in said[0]

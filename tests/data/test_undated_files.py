"""Files of one variable with no time at all (NASA OceanColor L3m, GDAL's GeoTIFF copies)
refused as such, with the ncap2 line that dates them (climann/data/undated_files.py): break16 F6,
refused as "two scenarios?" with a rename."""

from __future__ import annotations

import datetime
import logging
import shlex
import shutil
import subprocess
import sys

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python, shell_path


def _map(path, month: int, values: np.ndarray) -> None:
    """An L3m-like map: ``sst(lat, lon)``, its month only in ``time_coverage_start``."""
    xr.Dataset({"sst": (("lat", "lon"), values)},
               coords={"lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 90.0, 180.0], {"units": "degrees_east"})},
               attrs={"time_coverage_start": f"2003-{month:02d}-01T00:00:00.000Z"}).to_netcdf(path)


def _dated(path, month: int, values: np.ndarray) -> None:
    """What the advised ``ncap2 -s 'time=0.0;time@units=…;time@standard_name="time"'`` writes:
    the map with a 0-D ``time`` variable that no ``coordinates`` attribute names."""
    date = f"2003-{month:02d}-01"
    _map(path, month, values)
    with netCDF4.Dataset(path, "a") as handle:
        time = handle.createVariable("time", "f8", ())
        time.units = f"days since {date} 00:00:00"
        time.standard_name = "time"
        time.assignValue(0.0)


def test_files_without_time_are_refused_as_undated_with_the_ncap2_line_that_dates_them(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(2, 2, 3))
    paths = [tmp_path / "A2003001.nc", tmp_path / "A2003032.nc"]
    for month, (path, field) in enumerate(zip(paths, values), start=1):
        _map(path, month, field)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([str(path) for path in paths])
    message = str(refusal.value)
    assert "two scenarios" not in message
    assert ("'sst' is in both A2003001.nc and A2003032.nc, and neither has a time coordinate (the period only in "
            "the global attribute time_coverage_start, 2003-02-01T00:00:00.000Z in the second)") in message
    assert "cannot be told; if they are dated files of one series, give each file its date" in message
    command = message.split("e.g. ", 1)[1].split(" (its copy in a new folder)", 1)[0]
    assert 'ncap2 -s \'time=0.0;time@units="days since 2003-02-01 00:00:00";' in command
    assert message.split(" (its copy in a new folder)", 1)[1].startswith(
        f", then give --data {tmp_path}/with_time/A2003032.nc in place of {tmp_path}/A2003032.nc")
    # run as printed: the copy in a new folder (break57d A5: A2003032_dated.nc beside the original, which a glob
    # over the folder then took too), its values the original's, the original's folder holding only the originals
    if shutil.which("ncap2"):
        subprocess.run(["bash", "-c", command], check=True, capture_output=True)
        assert sorted(path.name for path in tmp_path.iterdir()) == ["A2003001.nc", "A2003032.nc", "with_time"]
        with netCDF4.Dataset(tmp_path / "with_time" / "A2003032.nc") as copy:
            np.testing.assert_array_equal(copy["sst"][:], values[1])
            assert (copy["time"][:], copy["time"].units) == (0.0, "days since 2003-02-01 00:00:00")
    else:
        _dated(tmp_path / "with_time" / "A2003032.nc", 2, values[1])
    # the advised time, added to each file with its own date, makes a series of one step per file
    _dated(tmp_path / "with_time" / "A2003001.nc", 1, values[0])
    dated = [tmp_path / "with_time" / "A2003001.nc", tmp_path / "with_time" / "A2003032.nc"]
    opened = open_dataset([str(path) for path in dated])
    assert opened["sst"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(opened["sst"].values, values)
    np.testing.assert_array_equal(opened["time"].values.astype("datetime64[D]"),
                                  np.array(["2003-01-01", "2003-02-01"], dtype="datetime64[D]"))


def test_stores_without_time_are_refused_with_an_xarray_line_that_dates_each(tmp_path, monkeypatch):
    """fix32d: two Zarr stores of one undated map each were given `ncap2 … A2003032.zarr A2003032_dated.nc`,
    which NCO cannot read; now an xarray line that, run as printed (and with the first store's name and date
    for it), writes a dated store beside each, and the two copies open as one series of their two months."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    values = np.random.default_rng(0).normal(size=(2, 2, 3))
    stores = [tmp_path / "A2003001.zarr", tmp_path / "A2003032.zarr"]
    for month, (store, field) in enumerate(zip(stores, values), start=1):
        _map(tmp_path / "map.nc", month, field)
        with xr.open_dataset(tmp_path / "map.nc") as opened:
            opened.load().to_zarr(store)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([str(store) for store in stores])
    message = str(refusal.value)
    assert "neither has a time coordinate" in message and "ncap2" not in message
    words = shlex.split(bare_python(message).split("e.g. ", 1)[1].split(" (each file", 1)[0])
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    first = words[2].replace("A2003032", "A2003001").replace("2003-02-01", "2003-01-01")
    for code in (first, words[2]):
        run_python("-c", code, check=True, cwd=tmp_path)
    opened = open_dataset([str(tmp_path / "A2003001_fixed.zarr"), str(tmp_path / "A2003032_fixed.zarr")])
    assert opened["sst"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(opened["sst"].values, values)
    np.testing.assert_array_equal(opened["time"].values.astype("datetime64[D]"),
                                  np.array(["2003-01-01", "2003-02-01"], dtype="datetime64[D]"))


def _ncecat_of(maps: list, path, history: str = "") -> None:
    """What ``ncecat -u time`` (NCO 5.1.4) writes of files of one map with a scalar time:
    ``sst(time, lat, lon)`` on a new record dimension ``time``, the variable ``time`` still the
    first file's scalar; ``history`` the command, as NCO records it."""
    with netCDF4.Dataset(path, "w") as handle:
        if history:
            handle.history = f"Thu Dec  3 09:24:54 2026: {history}"
        handle.createDimension("time", None)
        handle.createDimension("lat", 2)
        handle.createDimension("lon", 3)
        time = handle.createVariable("time", "f8", ())
        time.units, time.standard_name = "days since 2001-01-01", "time"
        time.assignValue(0.5)
        handle.createVariable("lat", "f8", ("lat",))[:] = [-10.0, 10.0]
        handle.createVariable("lon", "f8", ("lon",))[:] = [0.0, 90.0, 180.0]
        handle["lat"].units, handle["lon"].units = "degrees_north", "degrees_east"
        handle.createVariable("sst", "f4", ("time", "lat", "lon"))[:] = np.stack(maps)


@pytest.mark.parametrize(("history", "pattern"), [
    pytest.param("ncecat -O -u time 'days 2001/sst_0.nc' 'days 2001/sst_1.nc' 'days 2001/sst_2.nc' joined.nc",
                 "days 2001/sst_*.nc", id="nco-history"),
    pytest.param("ncecat -u time -o joined.nc 'days 2001/sst_0.nc' 'days 2001/sst_1.nc' 'days 2001/sst_2.nc'",
                 "days 2001/sst_*.nc", id="nco-history-output-option"),
    pytest.param("", None, id="no-history"),
    pytest.param("ncecat -u time 'days 2001/sst_0.nc' 'days 2001/sst_1.nc' joined.nc", None,
                 id="pattern-would-take-a-third-file"),
])
def test_ncecat_of_scalar_times_is_refused_as_steps_without_dates(tmp_path, monkeypatch, history, pattern):
    """Refused in xarray's words ("cannot open … as NetCDF: dimension 'time' already exists as
    a scalar variable"), with no way out; the advised lines join the daily files on their dates,
    named by the user's own folder where the file's NCO history says which files were joined
    (verify19 F9: always 'DAILY/*.nc'), else by a placeholder FOLDER."""
    monkeypatch.chdir(tmp_path)
    maps = list(np.random.default_rng(1).normal(280, 5, (3, 2, 3)).astype(np.float32))
    (tmp_path / "days 2001").mkdir()
    for day, values in enumerate(maps):
        xr.Dataset({"sst": (("lat", "lon"), values)},
                   coords={"time": ((), np.datetime64(f"2001-01-0{day + 1}T12:00"), {"standard_name": "time"}),
                           "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 90.0, 180.0], {"units": "degrees_east"})}
                   ).to_netcdf(tmp_path / "days 2001" / f"sst_{day}.nc")
    _ncecat_of(maps, tmp_path / "joined.nc", history)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "joined.nc"])
    message = str(error.value)
    assert message.startswith("joined.nc: 'time' is a dimension of 3 steps, but the variable 'time' is a scalar")
    assert "the steps have no dates" in message and "already exists" not in message
    if pattern is None:
        assert "--data 'FOLDER/*.nc', FOLDER the folder that holds them" in message
        assert "open_mfdataset('FOLDER/*.nc'" in message
        return
    assert f"--data '{pattern}')" in message  # quoted for the shell: the folder's name has a space
    exec(message.split("in Python: ")[1])  # noqa: S102 — the advice is run as the user would run it
    opened = open_dataset([tmp_path / "joined_dated.nc"])
    np.testing.assert_array_equal(opened["sst"].values, np.stack(maps))
    assert [str(time)[:10] for time in opened["time"].values] == ["2001-01-01", "2001-01-02", "2001-01-03"]


@pytest.mark.skipif(not shutil.which("ncecat") or not shutil.which("ncks"), reason="NCO is not installed")
def test_ncecat_of_member_files_is_refused_as_members_with_ways_out_that_work(tmp_path, monkeypatch):
    """``ncecat -u realization`` of HadCRUT5's one-member files (scalar ``realization``) got the
    refusal of ``ncecat -u time``, about dates and maps, whose way out led back to the member
    files' own refusal (break19a F5); members have no dates: the scalar dropped (members by
    index) or the files joined along their member coordinate both work."""
    monkeypatch.chdir(tmp_path)
    maps = np.random.default_rng(2).normal(280, 5, (3, 2, 2, 3)).astype(np.float32)  # member, time, lat, lon
    names = []
    for number, values in enumerate(maps, start=1):
        xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K", "coordinates": "realization"})},
                   coords={"time": ("time", [15.5, 45.0], {"units": "days since 2001-01-01"}),
                           "realization": ((), number, {"standard_name": "realization"}),
                           "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 90.0, 180.0], {"units": "degrees_east"})}
                   ).to_netcdf(f"member.{number}.nc")
        names.append(f"member.{number}.nc")
    subprocess.run(["ncecat", "-O", "-u", "realization", *names, "ens.nc"], check=True)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ens.nc"])
    message = str(error.value)
    assert message.startswith("ens.nc: 'realization' is an ensemble member dimension of 3 members, but the variable "
                              "'realization' is a scalar (one member's number)")
    assert "dates" not in message and "give the files that were joined" not in message
    ncks = message.split("ncks ", 1)[1].split(", or join")[0]
    subprocess.run(["ncks", *shlex.split(ncks)], check=True)
    by_index = select_values(open_dataset([tmp_path / "ens_members.nc"]), {"realization": 2})
    np.testing.assert_array_equal(by_index["tas"].squeeze().values, maps[2])
    (tmp_path / "ens_members.nc").unlink()
    exec(message.split("in Python: ")[1])  # noqa: S102 — the advice is run as the user would run it
    by_number = select_values(open_dataset([tmp_path / "ens_members.nc"]), {"realization": 3})
    np.testing.assert_array_equal(by_number["tas"].squeeze().values, maps[2])


def test_a_corrected_copy_of_a_static_file_beside_it_is_refused_saying_to_give_the_copy_instead(tmp_path, monkeypatch):
    """verify26b F1: sftlf_fx_X.nc and the sftlf_fx_X_fixed.nc an advised ncatted wrote beside it,
    both taken by one --data: told to date each file (two copies of one static field have no
    dates) or to rename one (which trains on the uncorrected original). Now: the copy in place of
    the original; followed, the copy's values are read."""
    monkeypatch.chdir(tmp_path)
    values = np.array([[0.0, 50.0, 100.0], [1e20, 20.0, 80.0]])
    _map(tmp_path / "sftlf_fx_X.nc", 1, values)
    _map(tmp_path / "sftlf_fx_X_fixed.nc", 1, np.where(values > 100, np.nan, values))
    with pytest.raises(ClimannError) as refusal:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    assert str(refusal.value) == (
        "'sst' is in both sftlf_fx_X.nc and sftlf_fx_X_fixed.nc, and neither has a time coordinate; "
        "sftlf_fx_X_fixed.nc is named as a copy of sftlf_fx_X.nc (such as the corrected copy a command climann "
        "advised writes beside it): give the copy in place of the original: move 'sftlf_fx_X.nc' out of the "
        "folder, or give --data files that leave it out")
    (tmp_path / "sftlf_fx_X.nc").unlink()  # moved out, as advised
    read = open_dataset(sorted(tmp_path.glob("*.nc")))
    assert int(read["sst"].isnull().sum()) == 1


def _mod08(path, month: int, aod: np.ndarray, cloud: np.ndarray) -> None:
    """A MODIS MOD08_M3 month as its NetCDF copies hold it: ``(YDim, XDim)`` fields with the
    1-D ``Latitude(YDim)`` and ``Longitude(XDim)`` as plain variables (no coordinates
    attribute), no time; its month only in HDF-EOS's ``CoreMetadata.0``."""
    metadata = (f'GROUP = INVENTORYMETADATA\n  OBJECT = RANGEBEGINNINGDATE\n    NUM_VAL = 1\n    VALUE = '
                f'"2003-{month:02d}-01"\n  END_OBJECT = RANGEBEGINNINGDATE\nEND_GROUP = INVENTORYMETADATA\nEND\n')
    with netCDF4.Dataset(path, "w") as handle:
        handle.HDFEOSVersion = "HDFEOS_V2.19"
        handle.setncattr("CoreMetadata.0", metadata)
        handle.createDimension("YDim", 3)
        handle.createDimension("XDim", 4)
        latitude = handle.createVariable("Latitude", "f4", ("YDim",))
        latitude.units, latitude[:] = "degrees_north", [30.5, 29.5, 28.5]
        longitude = handle.createVariable("Longitude", "f4", ("XDim",))
        longitude.units, longitude[:] = "degrees_east", [-1.5, -0.5, 0.5, 1.5]
        for name, values in (("AOD_550_Mean", aod), ("Cloud_Fraction_Mean", cloud)):
            variable = handle.createVariable(name, "f4", ("YDim", "XDim"))
            variable.units, variable[:] = "1", values


@pytest.mark.skipif(not shutil.which("ncap2"), reason="NCO is not installed")
def test_per_month_modis_files_are_refused_naming_a_field_and_the_dating_advice_trains(tmp_path, capfd, monkeypatch):
    """break34a A3: MOD08_M3 files (one a month, no time, Latitude(YDim)) were refused naming the
    coordinate 'Latitude', 2 warnings a file, and the advised ncap2 (a scalar time in each file)
    stacked Latitude along the time: "the 2-D latitude and longitude do not match". Now the field
    is named with the file's own month (RANGEBEGINNINGDATE), the axis warnings are said once,
    and the advice, followed for each file with its date, gives a series that info and train read."""
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    aod, cloud = rng.uniform(0.05, 0.9, size=(2, 12, 3, 4))
    months = [(2003 + index // 12, 1 + index % 12) for index in range(12)]
    names = [f"MOD08_M3.A{year}{datetime.date(year, month, 1).timetuple().tm_yday:03d}.061.nc"
             for year, month in months]
    for name, (_, month), field, fraction in zip(names, months, aod, cloud):
        _mod08(tmp_path / name, month, field, fraction)
    refused = run_main("info", *names, capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    # never said per file; since break51a not at all: the refusal comes after two headers, before any file is
    # opened (cloud fraction beside AOD differs by month on the same cells, as SMOS's Days: no two tiles)
    assert not [line for line in lines if "is taken as the axis of dimension" in line], refused.stderr
    message = lines[-1]
    assert message.startswith(f"climann: error: 'AOD_550_Mean' is in both {names[0]} and {names[1]}, and neither "
                              "has a time coordinate (the period only in the HDF-EOS metadata CoreMetadata.0 "
                              "(RANGEBEGINNINGDATE), 2003-02-01 in the second)"), message
    command = message.split("e.g. ", 1)[1].split(" (its copy in a new folder)", 1)[0]
    assert shlex.split(command)[-2:] == [names[1], f"with_time/{names[1]}"]
    for name, (year, month) in zip(names, months):  # the printed line by bash, each file with its own date
        line = command.replace("2003-02-01", f"{year}-{month:02d}-01").replace(names[1], name)
        subprocess.run(["bash", "-c", line], check=True, capture_output=True)
    # the copies in a new folder (break57d A5: ..._dated.nc beside the originals), the originals alone beside it
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names, "with_time"])
    opened = open_dataset(sorted((tmp_path / "with_time").glob("*.nc")))
    assert opened["AOD_550_Mean"].dims == ("time", "Latitude", "Longitude")
    np.testing.assert_array_equal(opened["AOD_550_Mean"].values, aod.astype("f4"))
    np.testing.assert_array_equal(opened["Latitude"].values, np.float32([30.5, 29.5, 28.5]))
    assert opened["time"].dt.month.values.tolist() == [month for _, month in months]
    trained = run_main("train", "--data", "with_time/*.nc", "--target", "AOD_550_Mean", "--epochs", "1",
                       "--out", "runs/aod", "--set", "evaluation.figures=false",  # no figure is looked at
                       capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    assert (tmp_path / "runs" / "aod" / "predictions.nc").exists()


def test_a_chain_of_copies_of_a_static_file_is_refused_naming_every_superseded_file_at_once(tmp_path, monkeypatch):
    """fix40b: sftlf_fx_X.nc, sftlf_fx_X_fixed.nc and sftlf_fx_X_fixed_2.nc (a chain of two fixes, the second
    written from the first) took two rounds, one file moved at each. One message names both to move; followed,
    the last copy's values are read."""
    monkeypatch.chdir(tmp_path)
    values = np.array([[0.0, 50.0, 100.0], [1e20, 20.0, -999.0]])
    _map(tmp_path / "sftlf_fx_X.nc", 1, values)
    _map(tmp_path / "sftlf_fx_X_fixed.nc", 1, np.where(values > 100, np.nan, values))
    _map(tmp_path / "sftlf_fx_X_fixed_2.nc", 1, np.where((values > 100) | (values < 0), np.nan, values))
    with pytest.raises(ClimannError) as refusal:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    assert str(refusal.value) == (
        "'sst' is in both sftlf_fx_X.nc and sftlf_fx_X_fixed.nc, and neither has a time coordinate; "
        "sftlf_fx_X_fixed_2.nc is named as the latest copy of sftlf_fx_X.nc (after sftlf_fx_X_fixed.nc: such as the "
        "corrected copies a chain of commands climann advised writes, each from the one before): give the latest "
        "copy in place of the others: move 'sftlf_fx_X.nc' and 'sftlf_fx_X_fixed.nc' out of the folder, or give "
        "--data files that leave them out")
    for moved in ("sftlf_fx_X.nc", "sftlf_fx_X_fixed.nc"):  # moved out, as advised, at once
        (tmp_path / moved).unlink()
    read = open_dataset(sorted(tmp_path.glob("*.nc")))
    assert int(read["sst"].isnull().sum()) == 2


def _stage_iv(path, end: datetime.datetime, hours: int, values: np.ndarray, *, forecast_time: int = 0) -> None:
    """An NCEP Stage IV accumulation as ``ncl_convert2nc`` writes it (break41d): ``APCP_P8_L1_GST0_acc(ygrid_0,
    xgrid_0)`` with ``gridlat_0``/``gridlon_0``, no time variable, its accumulation said only by ``initial_time``
    (the GRIB reference time, the start of the accumulation) and ``statistical_process_duration``; NCL may give
    ``forecast_time`` as the end of the interval (then ``forecast_time`` = the duration) or 0."""
    with netCDF4.Dataset(path, "w", format="NETCDF4_CLASSIC") as handle:
        handle.createDimension("ygrid_0", 3)
        handle.createDimension("xgrid_0", 4)
        for name, units, start in (("gridlat_0", "degrees_north", 35.0), ("gridlon_0", "degrees_east", -100.0)):
            coordinate = handle.createVariable(name, "f4", ("ygrid_0", "xgrid_0"))
            coordinate[:] = start + 0.04 * np.arange(12.0).reshape(3, 4)
            coordinate.units = units
        field = handle.createVariable("APCP_P8_L1_GST0_acc", "f4", ("ygrid_0", "xgrid_0"), fill_value=1e20)
        field[:] = values
        field.units = "kg m-2"
        field.coordinates = "gridlat_0 gridlon_0"
        field.initial_time = (end - datetime.timedelta(hours=hours)).strftime("%m/%d/%Y (%H:%M)")
        field.statistical_process_duration = f"{hours} hours (ending at forecast time)"
        field.forecast_time = np.int32(forecast_time)
        field.forecast_time_units = "hours"


def _stage_iv_folder(folder, count: int, hours: int, *, forecast_time: int = 0) -> list[datetime.datetime]:
    folder.mkdir()
    ends = [datetime.datetime(2017, 1, 1, 6) + datetime.timedelta(hours=hours * k) for k in range(count)]
    for k, end in enumerate(ends):
        _stage_iv(folder / f"ST4.{end:%Y%m%d%H}.{hours:02d}h.nc", end, hours, 10.0 * k + np.arange(12.0).reshape(3, 4),
                  forecast_time=forecast_time)
    return ends


def _reads_to_refuse(folder, monkeypatch, refused: str = ("'APCP_P8_L1_GST0_acc' is in both ST4.2017010106.24h.nc "
                                                          "and ST4.2017010206.24h.nc")) -> dict[str, int]:
    """The headers read and the files opened by :func:`open_dataset` of ``folder``'s files until it refuses
    them as undated, ``refused`` the start of the refusal."""
    import climann.data.open as opening

    counts = {"file_header": 0, "open_input": 0}
    with monkeypatch.context() as patched:
        for name in counts:
            def counted(*args, _read=getattr(opening, name), _name=name, **options):
                counts[_name] += 1
                return _read(*args, **options)
            patched.setattr(opening, name, counted)
        with pytest.raises(ClimannError) as refusal:
            open_dataset(sorted(str(path) for path in folder.glob("*.nc")))
    assert f"{refused}, and neither has a time coordinate" in str(refusal.value)
    return counts


def test_undated_stage_iv_files_are_refused_after_reading_two_whatever_their_number(tmp_path, monkeypatch):
    """break41d B1: the refusal of a folder of Stage IV files without a time came after every file was opened,
    its grid compared and its coordinates found (730 files: 118 s of CPU; 1460: over 18 minutes). Counted here:
    the headers read and files opened to refuse 4 or 16 such files are the same few, those of the first two
    files (before: 6 and 8 for 4 files, 18 and 32 for 16)."""
    _stage_iv_folder(tmp_path / "four", 4, 24)
    _stage_iv_folder(tmp_path / "sixteen", 16, 24)
    four, sixteen = _reads_to_refuse(tmp_path / "four", monkeypatch), _reads_to_refuse(tmp_path / "sixteen", monkeypatch)
    assert four == sixteen
    assert sixteen["file_header"] <= 4 and sixteen["open_input"] <= 2, sixteen


@pytest.mark.parametrize("forecast_time", [pytest.param(0, id="forecast-time-0"),
                                           pytest.param(6, id="forecast-time-at-the-end")])
def test_stage_iv_accumulations_are_dated_at_their_ends_by_the_advised_loop(tmp_path, monkeypatch, forecast_time):
    """break41d B2: the advice for undated files, `ncap2 -s 'time=0.0;time@units="days since YYYY-MM-DD
    00:00:00"'`, stamped the four 6-hour Stage IV files of a day at one time; they were then refused as "two
    scenarios?" with a rename. Now one loop dates each file by its own initial_time and
    statistical_process_duration at the end of its accumulation, with the bounds of the 6 hours; run here as
    printed, the copies hold the times their names say, and info reads a 6-hourly series of 8 steps."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    ends = _stage_iv_folder(tmp_path / "st4", 8, 6, forecast_time=forecast_time)
    result = CliRunner().invoke(app, ["info", "st4/*.nc"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert "two scenarios" not in message and "days since" not in message
    assert "statistical_process_duration" in message and "'6 hours (ending at forecast time)'" in message
    assert "then give 'st4/with_dates/*.nc' in place of the 8 files" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    for k, end in enumerate(ends):
        name = f"ST4.{end:%Y%m%d%H}.06h.nc"
        with xr.open_dataset(tmp_path / "st4" / "with_dates" / name, decode_times=False) as copy:
            assert copy["time"].attrs["units"] == f"hours since {end:%Y-%m-%d %H}:00:00"
            assert float(copy["time"]) == 0.0
            np.testing.assert_array_equal(copy["time_bnds"].values, [-6.0, 0.0])
            np.testing.assert_array_equal(copy["APCP_P8_L1_GST0_acc"].values, 10.0 * k + np.arange(12.0).reshape(3, 4))
    info = CliRunner().invoke(app, ["info", "st4/with_dates/*.nc"])
    assert info.exit_code == 0, info.output
    # the steps dated by their cells' middles (CF 7.1, climann.data.time_cells): 00-06 h at 03:00; the stamps, the
    # cells' ends, shown beside them (break51a A5)
    assert ("2017-01-01 03:00 to 2017-01-02 21:00 (its cells' middles; stamped 2017-01-01 06:00 to 2017-01-03 00:00 in the "
            "file, as predictions keep them), 6-hourly, 8 steps") in " ".join(info.output.replace("#", "").split())
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "st4" / "with_dates").glob("*.nc")))
    np.testing.assert_array_equal(opened["time_bnds"].values[:, 1].astype("datetime64[h]"),
                                  np.array(ends, dtype="datetime64[h]"))


def _hrap_day(path, end: datetime.datetime, values: np.ndarray, *, stamped: str | None) -> None:
    """A Stage IV 24-hour file on the HRAP grid as converted to NetCDF with its grid mapping: dims ``y``/``x``
    (881 × 1121 in the product; 3 × 4 here), ``lat(y, x)``, ``lon(y, x)``, a ``polar_stereographic`` grid
    mapping, ``APCP_surface`` in kg m-2, the accumulation's start in ``initial_time`` (text, as ncl_convert2nc
    writes it) and its end in the file's name. ``stamped``: the units of a scalar ``time`` 0 added by hand."""
    with netCDF4.Dataset(path, "w", format="NETCDF4_CLASSIC") as handle:
        handle.createDimension("y", 3)
        handle.createDimension("x", 4)
        for name, units, start in (("lat", "degrees_north", 35.0), ("lon", "degrees_east", -100.0)):
            coordinate = handle.createVariable(name, "f4", ("y", "x"))
            coordinate[:] = start + 0.04 * np.arange(12.0).reshape(3, 4)
            coordinate.units = units
        mapping = handle.createVariable("polar_stereographic", "i4", ())
        mapping.grid_mapping_name = "polar_stereographic"
        mapping.straight_vertical_longitude_from_pole = -105.0
        mapping.latitude_of_projection_origin = 90.0
        mapping.standard_parallel = 60.0
        mapping.earth_radius = 6371200.0
        field = handle.createVariable("APCP_surface", "f4", ("y", "x"), fill_value=9.999e20)
        field[:] = values
        field.units = "kg m-2"
        field.grid_mapping = "polar_stereographic"
        field.coordinates = "lat lon"
        field.initial_time = (end - datetime.timedelta(hours=24)).strftime("%m/%d/%Y (%H:%M)")
        field.statistical_process_duration = "24 hours (ending at forecast time)"
        field.forecast_time = np.int32(24)
        field.forecast_time_units = "hours"
        if stamped is not None:
            time = handle.createVariable("time", "f8", ())
            time[...] = 0.0
            time.units = stamped
            time.standard_name = "time"


@pytest.mark.parametrize("stamped", [
    pytest.param(None, id="undated"),
    pytest.param("days since 2021-01-02 00:00:00", id="one-date-written-into-every-file"),
])
def test_stage_iv_hrap_files_are_refused_naming_the_field_and_the_dates_and_the_loop_works(tmp_path, monkeypatch,
                                                                                          stamped):
    """fix42c: six daily Stage IV files on the HRAP grid were refused naming 'polar_stereographic', their grid
    mapping, as the variable held twice ("neither has a time coordinate"), with the advice of a time 'days since
    YYYY-MM-DD'; given one such date each (the old advice followed with one date), they were refused as "a
    corrected download? two scenarios?". Now the refusal names APCP_surface and what dates it (initial_time),
    and its loop, run as printed, writes copies at the ends their names say, which info reads as a daily series."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "st4").mkdir()
    ends = [datetime.datetime(2021, 1, 1, 12) + datetime.timedelta(days=k) for k in range(6)]
    for k, end in enumerate(ends):
        _hrap_day(tmp_path / "st4" / f"st4_conus.{end:%Y%m%d%H}.24h.nc", end, 10.0 * k + np.arange(12.0).reshape(3, 4),
                  stamped=stamped)
    result = CliRunner().invoke(app, ["info", "st4/*.nc"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("climann: error: 'APCP_surface' ")
    assert "polar_stereographic" not in message and "scenarios" not in message and "days since" not in message[:300]
    assert "'12/31/2020 (12:00)'" in message or stamped is None
    assert "then give 'st4/with_dates/*.nc' in place of the 6 files" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    for k, end in enumerate(ends):
        with xr.open_dataset(tmp_path / "st4" / "with_dates" / f"st4_conus.{end:%Y%m%d%H}.24h.nc",
                             decode_times=False) as copy:
            assert copy["time"].attrs["units"] == f"hours since {end:%Y-%m-%d %H}:00:00"
            assert float(copy["time"]) == 0.0
            np.testing.assert_array_equal(copy["time_bnds"].values, [-24.0, 0.0])
            np.testing.assert_array_equal(copy["APCP_surface"].values, 10.0 * k + np.arange(12.0).reshape(3, 4))
    info = CliRunner().invoke(app, ["info", "st4/with_dates/*.nc"])
    assert info.exit_code == 0, info.output
    assert "daily, 6 steps" in " ".join(info.output.replace("#", "").split())
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "st4" / "with_dates").glob("*.nc")))
    np.testing.assert_array_equal(opened["time_bnds"].values[:, 1].astype("datetime64[h]"),
                                  np.array(ends, dtype="datetime64[h]"))


def test_gdal_months_are_refused_naming_the_band_and_the_dating_advice_first(tmp_path, monkeypatch):
    """break42d P1: PRISM months converted by ``gdal_translate -of netCDF`` (``Band1(lat, lon)``, ``grid_mapping =
    "crs"``, ``crs`` a character scalar with GDAL's ``spatial_ref`` alone, no time) were refused naming 'crs', the
    grid mapping, with a rename of it; now 'Band1', the field, with the dating line first, before the ways out that
    do not apply to months of one series; since fix42p, as their names hold their months, the loop that dates each
    copy from its name (test_files_dated_by_their_names_are_refused_with_a_loop_that_dates_each_copy_from_its_name)."""
    monkeypatch.chdir(tmp_path)
    values = np.random.default_rng(2).uniform(0, 90, size=(2, 3, 4)).astype("f4")
    names = ["PRISM_ppt_stable_4kmM3_198101_bil.nc", "PRISM_ppt_stable_4kmM3_198102_bil.nc"]
    for name, field in zip(names, values):
        xr.Dataset({"Band1": (("lat", "lon"), field, {"long_name": "GDAL Band Number 1", "grid_mapping": "crs"}),
                    "crs": ((), b"", {"spatial_ref": 'GEOGCS["NAD83",DATUM["North_American_Datum_1983"]]'})},
                   coords={"lat": ("lat", [40.0, 40.5, 41.0], {"units": "degrees_north"}),
                           "lon": ("lon", [-105.0, -104.5, -104.0, -103.5], {"units": "degrees_east"})}
                   ).to_netcdf(name, encoding={"Band1": {"_FillValue": np.float32(-9999)}})
    with pytest.raises(ClimannError) as refusal:
        open_dataset(names)
    message = str(refusal.value)
    assert message.startswith(f"'Band1' is in both {names[0]} and {names[1]}, and neither has a time coordinate; "
                              "each file's name holds a date (YYYYMM: 198101 and 198102): if they are dated files of "
                              "one series, write a copy of each file with that date as a CF time coordinate "), message
    assert "crs" not in message and "rename" not in message


def _prism_month(path, values: np.ndarray) -> None:
    """What ``gdal_translate -of netCDF`` writes of a PRISM monthly BIL (``PRISM_ppt_stable_4kmM3_198101_bil``):
    ``Band1(lat, lon)`` with the grid mapping ``crs`` (a character variable holding the WKT), no time at all."""
    with netCDF4.Dataset(path, "w", format="NETCDF4_CLASSIC") as handle:
        handle.Conventions = "CF-1.5"
        handle.createDimension("lon", values.shape[1])
        handle.createDimension("lat", values.shape[0])
        crs = handle.createVariable("crs", "S1")
        crs.grid_mapping_name = "latitude_longitude"
        crs.semi_major_axis, crs.inverse_flattening = 6378137.0, 298.257222101
        for name, units, start in (("lat", "degrees_north", 40.0), ("lon", "degrees_east", -105.0)):
            coordinate = handle.createVariable(name, "f8", (name,))
            coordinate.standard_name, coordinate.units = name.replace("lat", "latitude").replace("lon", "longitude"), units
            coordinate[:] = start + (np.arange(len(handle.dimensions[name])) + 0.5) / 24
        band = handle.createVariable("Band1", "f4", ("lat", "lon"), fill_value=np.float32(-9999))
        band.long_name, band.grid_mapping = "GDAL Band Number 1", "crs"
        band[:] = values


def test_modis_names_of_year_and_day_of_the_year_date_each_copy_by_the_loop(tmp_path, monkeypatch):
    """break44b B7: MODIS names hold the year and day of the year after an A (MOD10CM.A2003032.061.<production>.nc:
    February 2003), which was no date; the files got one ncap2 line with YYYY-MM-DD to fill in by hand for each.
    Now they get the loop SMAP's and PRISM's names get, writing copies into a new folder; run as printed, each
    copy's time is its name's day (numpy: the year's start plus the day of the year less one)."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "modis").mkdir()
    values = np.random.default_rng(1).normal(10.0, 3.0, size=(4, 3, 4)).astype("f4")
    days = [1, 32, 60, 91]  # the first days of January to April 2003
    for day, field in zip(days, values):
        _prism_month(tmp_path / "modis" / f"MOD10CM.A2003{day:03d}.061.2020233010101.nc", field)
    result = CliRunner().invoke(app, ["info", "modis/"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert "YYYY-MM-DD" not in message and "ncap2" not in message
    assert "each file's name holds a date (AYYYYDDD, the year and day of the year: 2003001 and 2003032)" in message
    assert "then give 'modis/with_dates/*.nc' in place of the 4 files" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    expected = (np.datetime64("2003-01-01") + np.array(days) - 1).astype(float)  # days since 1970-01-01
    for day, field, when in zip(days, values, expected):
        with xr.open_dataset(tmp_path / "modis" / "with_dates" / f"MOD10CM.A2003{day:03d}.061.2020233010101.nc",
                             decode_times=False) as copy:
            assert copy["time"].attrs["units"] == "days since 1970-01-01"
            assert float(copy["time"]) == when
            np.testing.assert_array_equal(copy["Band1"].values, field)
    assert sorted(path.name for path in (tmp_path / "modis").glob("*.nc")) == [
        f"MOD10CM.A2003{day:03d}.061.2020233010101.nc" for day in days]  # no copy beside the originals


def test_files_dated_by_their_names_are_refused_with_a_loop_that_dates_each_copy_from_its_name(tmp_path, monkeypatch):
    """break42d P1: a folder of PRISM months without a time (PRISM_ppt_stable_4kmM3_YYYYMM_bil.nc, 120 files)
    was refused with one `ncap2` line whose date was YYYY-MM-DD to fill in, file by file. Now, as each name holds
    its month, one loop writes a copy of each dated from its name: run here as printed on 6 months, each copy's
    time reads back as the middle of its name's month, bounded by the month (computed here with numpy), and the
    copies are one monthly series that info reads and train trains on."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "prism").mkdir()
    values = np.random.default_rng(0).normal(10.0, 3.0, size=(6, 3, 4)).astype("f4")
    months = [f"1981{month:02d}" for month in range(1, 7)]
    for month, field in zip(months, values):
        _prism_month(tmp_path / "prism" / f"PRISM_ppt_stable_4kmM3_{month}_bil.nc", field)
    result = CliRunner().invoke(app, ["info", "prism/"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert "YYYY-MM-DD" not in message and "ncap2" not in message and "rename" not in message
    assert "each file's name holds a date (YYYYMM: 198101 and 198102)" in message
    assert "then give 'prism/with_dates/*.nc' in place of the 6 files" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    starts = np.array([f"{month[:4]}-{month[4:]}" for month in months], dtype="datetime64[M]")
    bounds = np.stack([starts, starts + 1]).astype("datetime64[D]").astype(float).T  # days since 1970-01-01
    for month, field, bound in zip(months, values, bounds):
        with xr.open_dataset(tmp_path / "prism" / "with_dates" / f"PRISM_ppt_stable_4kmM3_{month}_bil.nc",
                             decode_times=False) as copy:
            assert copy["time"].attrs["units"] == "days since 1970-01-01"
            assert copy["time"].attrs["calendar"] == "standard"
            assert float(copy["time"]) == bound.mean()
            np.testing.assert_array_equal(copy["time_bnds"].values, bound)
            np.testing.assert_array_equal(copy["Band1"].values, field)
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "prism" / "with_dates").glob("*.nc")))
    np.testing.assert_array_equal(opened["time_bnds"].values[:, 0].astype("datetime64[M]"), starts)
    np.testing.assert_array_equal(opened["Band1"].values, values)
    info = CliRunner().invoke(app, ["info", "prism/with_dates/"])
    assert info.exit_code == 0, info.output
    assert "1981-01-16 12:00 to 1981-06-16, monthly, 6 steps" in " ".join(info.output.replace("#", "").split()), info.output
    trained = CliRunner().invoke(app, ["train", "--data", "prism/with_dates/", "--target", "Band1", "--predictors", "",
                                       "--features", "lat,season", "--epochs", "1", "--hidden", "4", "--out", "run",
                                       "--quiet", "--set", "evaluation.figures=false"])
    assert trained.exit_code == 0, trained.output


@pytest.mark.parametrize("form", [pytest.param("st4.{:%Y%m%d%H}.01h.nc", id="YYYYMMDDHH"),
                                  pytest.param("tas_{:%Y%m%d}_v2.nc", id="YYYYMMDD"),
                                  pytest.param("tas_{:%Y-%m-%d}.nc", id="YYYY-MM-DD"),
                                  pytest.param("3A-MO.GPM.DPR.V9-20211125.{:%Y%m%d}-S000000-E235959.V07A_G2.nc",
                                               id="GPM-version-date-in-every-name"),
                                  pytest.param("SMAP_L4_SM_gph_{:%Y%m%dT%H%M%S}_Vv7032_001.nc",
                                               id="YYYYMMDDThhmmss-SMAP"),
                                  pytest.param("3B42.{:%Y%m%d.%H}.7.HDF.nc", id="YYYYMMDD.HH-TRMM-3B42"),
                                  pytest.param("GLDAS_NOAH025_3H.A{:%Y%m%d.%H%M}.021.nc", id="YYYYMMDD.hhmm-GLDAS"),
                                  pytest.param("sst.{:%Y%m%d}.01.nc", id="YYYYMMDD.NN-a-version-after-the-day"),
                                  pytest.param("sst_{:%Y%m%d}.v01.nc", id="YYYYMMDD.vNN-a-version-after-the-day")])
def test_files_named_by_day_or_hour_are_dated_at_it_by_the_advised_loop(tmp_path, monkeypatch, form):
    """break42d P1 for daily and hourly names: the printed loop, run as printed, gives each copy the day or hour
    of its name in days since 1970-01-01 (computed here with numpy's datetime64), and the copies open as one
    series of those times. break43b A5: GPM's names hold the algorithm's version date (20211125) in every
    name beside each file's own: the one that differs dates them (the advice was `days since YYYY-MM-DD`).
    fix45d: SMAP's date and time of day (20210101T013000) dated each copy at its day's 00:00; now at 01:30.
    break50d A2: TRMM's 3B42.19980101.03 and GLDAS's A20000101.0300, a day and its time after a dot, alike.
    fix53d: sst.20210101.01.nc, a day and a version (.01 in every name), was dated at 01:00 as TRMM's hours;
    two digits after a dot are an hour only where files of one day differ by them (TRMM's here: 12 and 21 h)."""
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    first = datetime.datetime(2021, 1, 1, 1, 30) if "%M" in form else datetime.datetime(2021, 1, 1, 12)
    times = [first + datetime.timedelta(hours=(9 if ".%H}" in form else 30) * k) for k in range(3)]
    if "%H" not in form:
        times = [time.replace(hour=0) for time in times]
    values = np.random.default_rng(1).normal(size=(3, 2, 3))
    paths = [tmp_path / "d" / form.format(time) for time in times]
    for path, field in zip(paths, values):
        _prism_month(path, field)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([f"d/{path.name}" for path in paths])
    message = str(refusal.value)
    assert "each file's name holds a date (" in message and "YYYY-MM-DD 00" not in message and "ncap2" not in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    expected = np.array(times, dtype="datetime64[m]").astype(float) / 1440  # minutes since 1970-01-01, in days
    for path, time in zip(paths, expected):
        with xr.open_dataset(tmp_path / "d" / "with_dates" / path.name, decode_times=False) as copy:
            assert copy["time"].attrs["units"] == "days since 1970-01-01"
            assert float(copy["time"]) == time
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "d" / "with_dates").glob("*.nc")))
    assert [str(time) for time in opened["time"].values] == [str(time) for time in times]
    np.testing.assert_array_equal(opened["Band1"].values, values.astype("f4"))


def _trmm_3_hourly(path, field):
    """A TRMM 3B42 v7 3-hourly file as GES DISC's OPeNDAP/subsetter writes it: ``precipitation(lon,
    lat)`` in mm/hr, no time variable (the date and hour only in the name)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("lon", field.shape[0])
        nc.createDimension("lat", field.shape[1])
        nc.createVariable("lon", "f4", ("lon",))[:] = 100.125 + 0.25 * np.arange(field.shape[0])
        nc["lon"].units = "degrees_east"
        nc.createVariable("lat", "f4", ("lat",))[:] = -0.375 + 0.25 * np.arange(field.shape[1])
        nc["lat"].units = "degrees_north"
        nc.createVariable("precipitation", "f4", ("lon", "lat"), fill_value=np.float32(-9999.9))[:] = field
        nc["precipitation"].units = "mm/hr"


def test_trmm_3_hourly_files_are_dated_at_their_hours_by_one_python_process(tmp_path, monkeypatch, running_python):
    """break50d A2: 3B42.YYYYMMDD.HH.7.HDF.nc4, 8 a day: the hour was not found, the advice dated the 8 files
    of a day at 00:00 and, followed, they were refused as two scenarios. break50d A3: the advice started one
    Python process per file (31 files 3 min 56 s under load) and named a bare `python`, the system's in a plain
    shell ("No module named 'xarray'" for every file). Now one process, the running environment's Python, dates
    every file at its hour: run by a shell whose PATH holds no `python`, 3 days × 8 files open as one
    3-hourly series of 24 steps whose values are the files' in the order of their names' times."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "trmm").mkdir()
    times = [datetime.datetime(1998, 1, 1) + datetime.timedelta(hours=3 * k) for k in range(24)]
    fields = np.random.default_rng(5).gamma(0.8, 1.0, size=(24, 4, 3)).astype("f4")  # (time, lon, lat)
    for time, field in zip(times, fields):
        _trmm_3_hourly(tmp_path / "trmm" / f"3B42.{time:%Y%m%d.%H}.7.HDF.nc4", field)
    result = CliRunner().invoke(app, ["info", "trmm/*.nc4"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert "each file's name holds a date (YYYYMMDD.HH: 19980101.00 and 19980101.03)" in message, message
    assert "two scenarios" not in message and "ncap2" not in message and "rename" not in message
    command = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    assert command.count(" -c ") == 1 and "; done" not in command  # one process for the 24 files
    assert command.endswith(" trmm/with_dates trmm/3B42.1998010*.7.HDF.nc4"), command
    python = shlex.split(command.split(" && ", 1)[1])[0]
    assert os.path.isabs(python) and os.path.samefile(os.path.dirname(python), os.path.dirname(sys.executable))
    no_python = tmp_path / "bin"  # a shell that finds no `python` of its own: the line names its interpreter
    no_python.mkdir()
    for tool in ("mkdir", "sh"):
        (no_python / tool).symlink_to(shutil.which(tool))
    subprocess.run([shutil.which("bash"), "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": str(no_python)})
    copies = sorted((tmp_path / "trmm" / "with_dates").glob("*.nc4"))
    assert [path.name for path in copies] == [f"3B42.{time:%Y%m%d.%H}.7.HDF.nc4" for time in times]
    expected = np.array(times, dtype="datetime64[m]").astype(float) / 1440  # days since 1970-01-01
    for path, time in zip(copies, expected):
        with xr.open_dataset(path, decode_times=False) as copy:
            assert copy["time"].attrs["units"] == "days since 1970-01-01" and float(copy["time"]) == time
    opened = open_dataset([str(path) for path in copies])
    assert [str(time) for time in opened["time"].values] == [str(time) for time in times]
    np.testing.assert_array_equal(opened["precipitation"].transpose("time", "lon", "lat").values, fields)
    info = CliRunner().invoke(app, ["info", "trmm/with_dates/*.nc4"])
    assert info.exit_code == 0, info.output
    assert "1998-01-01 to 1998-01-03 21:00, 3-hourly, 24 steps" in " ".join(info.output.replace("#", "").split())


@pytest.mark.parametrize("names", [pytest.param(["tas_a.nc", "tas_b.nc"], id="no-date"),
                                   pytest.param(["tas_198101.nc", "tas_19810201.nc"], id="two-forms"),
                                   pytest.param(["tas_198101_198102.nc", "tas_198102_198103.nc"], id="two-dates"),
                                   pytest.param(["ppt_198101.nc", "198102_ppt_1.nc"], id="two-places")])
def test_files_whose_names_hold_no_one_date_keep_the_ncap2_line(tmp_path, names):
    """Names with no date, dates of two forms, two dates (a period) or a date at different places in the names:
    no loop dates them from their names, and the advice stays the ncap2 line with a date to fill in."""
    values = np.random.default_rng(2).normal(size=(2, 2, 3))
    for name, field in zip(names, values):
        _prism_month(tmp_path / name, field)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([str(tmp_path / name) for name in names])
    message = str(refusal.value)
    assert "name holds a date" not in message and "with_dates" not in message
    assert 'time@units="days since YYYY-MM-DD 00:00:00"' in message


def test_files_dated_in_cdos_absolute_time_are_dated(tmp_path):
    """break43b A3: CDO's and ICON's time `day as %Y%m%d.%f` holds dates, but the files of one variable were refused
    "neither has a time coordinate" where both held a field without time (only `UNIT since DATE` was taken for a
    time). Two years of one series in two such files, each with the same orography, open as one series of their
    24 months."""
    files = []
    for year in (2000, 2001):
        dataset = xr.Dataset(
            {"sst": (("time", "lat", "lon"), np.full((12, 2, 3), float(year)), {"units": "degC"}),
             "orog": (("lat", "lon"), np.arange(6.0).reshape(2, 3), {"units": "m"})},
            coords={"time": ("time", [year * 10000 + month * 100 + 1.0 for month in range(1, 13)],
                             {"units": "day as %Y%m%d.%f", "calendar": "proleptic_gregorian", "standard_name": "time"}),
                    "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                    "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"})})
        dataset.to_netcdf(path := tmp_path / f"sst_{year}.nc")
        files.append(path)
    opened = open_dataset(files)
    np.testing.assert_array_equal(opened["time"].values.astype("datetime64[M]"),
                                  np.arange("2000-01", "2002-01", dtype="datetime64[M]"))
    np.testing.assert_array_equal(opened["sst"].values[:, 0, 0], np.repeat([2000.0, 2001.0], 12))
    np.testing.assert_array_equal(opened["orog"].values, np.arange(6.0).reshape(2, 3))


def _smos_day(path, day: np.datetime64, values: np.ndarray) -> None:
    """A CATDS SMOS L3 daily file as CATDS writes it (``SM_RE07_MIR_CLF31A_<day>T000000_<day>T235959_…DBL.nc``):
    ``Soil_Moisture(lat, lon)`` and each pixel's ``Days(lat, lon)`` in "days since 2000-01-01" and ``UTC_Seconds``,
    no time axis; the date only in the name, as the start and the end of the day."""
    days = int((day - np.datetime64("2000-01-01")).astype(int))
    xr.Dataset({"Soil_Moisture": (("lat", "lon"), values, {"long_name": "Retrieved soil moisture value",
                                                          "units": "m3/m3"}),
                "Days": (("lat", "lon"), np.full(values.shape, days, "i4"),
                         {"long_name": "Days since 2000-01-01", "units": "days since 2000-01-01 00:00:00"}),
                "UTC_Seconds": (("lat", "lon"), np.full(values.shape, 6 * 3600, "i4"),
                                {"long_name": "Seconds of the day", "units": "s"})},
               coords={"lat": ("lat", [40.0, 39.75, 39.5], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 0.25, 0.5, 0.75], {"units": "degrees_east"})}
               ).to_netcdf(path, encoding={"Days": {"dtype": "i4"}, "UTC_Seconds": {"dtype": "i4"}})


def _smos_name(day: np.datetime64) -> str:
    stamp = str(day).replace("-", "")
    return f"SM_RE07_MIR_CLF31A_{stamp}T000000_{stamp}T235959_300_001_7.DBL.nc"


def test_smos_daily_files_without_a_time_axis_get_one_bounded_line_whose_loop_dates_them(tmp_path, monkeypatch):
    """break50a A1: 1 096 SMOS L3 daily files (no time axis; each pixel's date in a field `Days` in "days since
    2000-01-01", the file's day only in its name, as a start and an end) were taken as dated by that field and
    refused with a 1.7 MB line of 8 768 --rename options, one per variable and file. Now the refusal says they have
    no time coordinate and gives the one loop that dates each copy from its name's start: the line is as long for 40
    files as for 4 (no list per file), and run on 4 the copies are a daily series of their names' days (numpy)."""
    import os

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(5)
    lines = {}
    for count in (4, 40):
        folder = tmp_path / f"smos{count}"
        folder.mkdir()
        days = np.arange(np.datetime64("2014-01-01"), np.datetime64("2014-01-01") + count)
        values = rng.uniform(0.05, 0.45, size=(count, 3, 4)).astype("f4")
        for day, field in zip(days, values):
            _smos_day(folder / _smos_name(day), day, field)
        result = CliRunner().invoke(app, ["info", f"smos{count}/"])
        assert result.exit_code == 2
        (lines[count],) = [line for line in result.output.splitlines() if line.startswith("climann: error: ")]
    for count, line in lines.items():
        assert "neither has a time coordinate" in line and "--rename" not in line and "rename =" not in line
        assert "each file's name holds a date (YYYYMMDDThhmmss: 20140101T000000 and 20140102T000000)" in line
        assert f"then give 'smos{count}/with_dates/*.nc' in place of the {count} files" in line
    # the folder's and the count's digits, and the glob's common part of the names: no list per file
    assert abs(len(lines[40]) - len(lines[4])) <= 10
    assert len(lines[40]) < 2500
    message = lines[4]
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    days = np.arange(np.datetime64("2014-01-01"), np.datetime64("2014-01-05"))
    copies = sorted(str(path) for path in (tmp_path / "smos4" / "with_dates").glob("*.nc"))
    assert [os.path.basename(path) for path in copies] == [_smos_name(day) for day in days]
    opened = open_dataset(copies)
    assert [str(time) for time in opened["time"].values] == [f"{day} 00:00:00" for day in days]
    with xr.open_dataset(tmp_path / "smos4" / _smos_name(days[0])) as original:
        np.testing.assert_array_equal(opened["Soil_Moisture"].values[0], original["Soil_Moisture"].values)


def test_a_field_in_units_of_a_date_is_no_time_axis():
    """break50a A1: a per-pixel date (SMOS's `Days(lat, lon)`, "days since 2000-01-01") does not date a file; a time
    coordinate, a scalar time or a one-dimensional time does."""
    from climann.data.undated_files import has_time

    field = xr.Dataset({"Days": (("lat", "lon"), np.zeros((2, 2)), {"units": "days since 2000-01-01"})})
    assert not has_time(field)
    assert has_time(field.assign(time=((), 0.0, {"units": "days since 2000-01-01"})))
    assert has_time(field.assign(t=(("step",), [0.0], {"units": "hours since 2000-01-01"})))


def test_undated_smos_files_are_refused_after_reading_two_without_reading_each_file_s_days(tmp_path, monkeypatch,
                                                                                          caplog):
    """break51a: beside Soil_Moisture, SMOS's per-pixel Days differs from file to file on the same cells, so the first
    two files were taken for two tiles of a map; every file was then opened and its Days read (200 files: "Days holds
    dates, read as the day of year … and 197 more files") before the refusal. Another field is no coordinate: the
    refusal comes after the headers of the first two files, as many reads for 16 files as for 4, no Days warned of."""
    days = np.arange(np.datetime64("2014-01-01"), np.datetime64("2014-01-17"))
    values = np.random.default_rng(5).uniform(0.05, 0.45, size=(days.size, 3, 4)).astype("f4")
    counts = {}
    for count in (4, 16):
        folder = tmp_path / f"smos{count}"
        folder.mkdir()
        for day, field in zip(days[:count], values[:count]):
            _smos_day(folder / _smos_name(day), day, field)
        with caplog.at_level(logging.WARNING, logger="climann"):
            counts[count] = _reads_to_refuse(folder, monkeypatch, f"'Soil_Moisture' is in both {_smos_name(days[0])} "
                                                                  f"and {_smos_name(days[1])}")
    assert counts[4] == counts[16]
    assert counts[16]["file_header"] <= 4 and counts[16]["open_input"] <= 2, counts
    assert "read as the day of year" not in caplog.text


def test_prism_daily_names_date_each_copy_by_prisms_day_ending_12_utc(tmp_path, monkeypatch):
    """break55b A4: PRISM's day D is the 24 hours ending 12 UTC on D; the loop stamped each copy at 00:00 of D
    without bounds, read as the day beginning there (12 h late beside a 00 UTC day). Now each copy's bounds are
    12 UTC D-1 to 12 UTC D (numpy's datetime64 here), and the copies open as one daily series with those cells."""
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "prism").mkdir()
    days = np.arange(np.datetime64("2020-01-01"), np.datetime64("2020-01-04"))
    values = np.random.default_rng(2).gamma(1.0, 2.0, size=(3, 2, 3)).astype("f4")
    paths = [tmp_path / "prism" / f"PRISM_ppt_stable_4kmD2_{str(day).replace('-', '')}_bil.nc" for day in days]
    for path, field in zip(paths, values):
        _prism_month(path, field)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([f"prism/{path.name}" for path in paths])
    message = str(refusal.value)
    assert "PRISM's day, the 24 hours ending 12 UTC on the name's date, as its bounds" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    epoch = np.datetime64("1970-01-01T00", "h")
    for path, day in zip(paths, days):
        ends = (day.astype("datetime64[h]") + np.array([-12, 12])) - epoch  # hours since 1970-01-01
        with xr.open_dataset(tmp_path / "prism" / "with_dates" / path.name, decode_times=False) as copy:
            np.testing.assert_array_equal(copy["time_bnds"].values, ends.astype(float) / 24)
            assert float(copy["time"]) == ends.astype(float).mean() / 24
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "prism" / "with_dates").glob("*.nc")))
    starts = [str(bound) for bound in opened["time_bnds"].values[:, 0]]
    assert starts == ["2019-12-31 12:00:00", "2020-01-01 12:00:00", "2020-01-02 12:00:00"]
    np.testing.assert_array_equal(opened["Band1"].values, values)

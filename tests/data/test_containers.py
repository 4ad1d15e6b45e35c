"""Compressed files and NetCDF-4 groups: refused in one line with the way out."""

import bz2
import gzip
import json
import lzma
import re
import shlex
import shutil
import zipfile

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.shell import whole_write
from climann.data.variables import require_variable
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import GUARD, without_guards


def _fill(group):
    """A (time, lat, lon) field with its coordinates in ``group`` (a file or a NetCDF-4 group)."""
    for name, size in (("time", 4), ("lat", 2), ("lon", 3)):
        group.createDimension(name, size)
    time = group.createVariable("time", "f8", ("time",))
    time.units, time.calendar, time[:] = "days since 1990-01-01", "noleap", [15.0, 45.0, 74.0, 105.0]
    lat = group.createVariable("lat", "f8", ("lat",))
    lat.units, lat.standard_name, lat[:] = "degrees_north", "latitude", [0.0, 10.0]
    lon = group.createVariable("lon", "f8", ("lon",))
    lon.units, lon.standard_name, lon[:] = "degrees_east", "longitude", [0.0, 10.0, 20.0]
    tas = group.createVariable("tas", "f4", ("time", "lat", "lon"))
    tas.units, tas[:] = "K", np.full((4, 2, 3), 280.0)


def _plain(path):
    with netCDF4.Dataset(path, "w") as nc:
        _fill(nc)
    return path


def _zipped(source, target):
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(source, source.name)


@pytest.mark.parametrize(
    ("name", "compress", "kind", "command"),
    [
        pytest.param("a.nc.gz", lambda s, t: t.write_bytes(gzip.compress(s.read_bytes())), "gzip", "gunzip -k", id="gzip"),
        pytest.param("a.nc.bz2", lambda s, t: t.write_bytes(bz2.compress(s.read_bytes())), "bzip2", "bunzip2 -k",
                     id="bzip2"),
        pytest.param("a.nc.xz", lambda s, t: t.write_bytes(lzma.compress(s.read_bytes())), "xz", "unxz -k", id="xz"),
        pytest.param("a.zip", _zipped, "zip", "unzip", id="zip"),
        pytest.param("a.nc", lambda s, t: t.write_bytes(gzip.compress(s.read_bytes())), "gzip", "gunzip -k",
                     id="gzip-named-nc"),
    ],
)
def test_a_compressed_file_is_refused_with_the_command_that_decompresses_it(tmp_path, monkeypatch, name, compress, kind,
                                                                             command):
    monkeypatch.chdir(tmp_path)
    source = _plain(tmp_path / "source.nc")
    compress(source, tmp_path / name)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / name])
    assert str(error.value) == f"{name} is {kind}-compressed, not NetCDF; decompress it first: `{command} {name}`"


def test_a_compressed_file_among_plain_ones_is_named(tmp_path):
    _plain(tmp_path / "b.nc")
    (tmp_path / "c.nc.gz").write_bytes(gzip.compress(_plain(tmp_path / "c_source.nc").read_bytes()))
    with pytest.raises(ClimannError, match=r"^c.nc.gz is gzip-compressed, not NetCDF; decompress it first"):
        open_dataset([tmp_path / "b.nc", tmp_path / "c.nc.gz"])


@pytest.mark.parametrize(
    ("groups", "named", "first", "out"),
    [
        pytest.param(["data"], "group 'data'", "data", "grouped_data.nc", id="one-group"),
        pytest.param(["ocean", "atmos"], "groups 'ocean', 'atmos'", "ocean", "grouped_ocean.nc", id="two-groups"),
        pytest.param(["product/monthly"], "group 'product/monthly'", "product/monthly", "grouped_monthly.nc",
                     id="nested"),
    ],
)
def test_variables_only_in_groups_are_refused_naming_the_groups_and_the_way_out(tmp_path, monkeypatch, groups, named,
                                                                                first, out):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "grouped.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.title = "the root has no variables"
        for group in groups:
            _fill(nc.createGroup(group))
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert bare_python(str(error.value)) == (
        f"grouped.nc holds its variables in the NetCDF-4 {named}, not in the root group that climann reads; copy "
        f"the group into a plain file, e.g. `ncks -G : -g {first} grouped.nc {out}` (or xarray, which keeps the "
        f"root's coordinates: `python -c 'import sys, xarray as xr; d = xr.open_datatree(\"grouped.nc\", "
        f"decode_times=False)[\"{first}\"].to_dataset(); [d[k].encoding.setdefault(\"_FillValue\", None) for k in "
        f"d.coords]; {whole_write(target=json.dumps(out))}'`)"
    )


def _grouped(path, group):
    with netCDF4.Dataset(path, "w") as nc:
        _fill(nc.createGroup(group))
    return path


def _copy_of(path) -> str:
    """The file the refusal's ``ncks`` command writes (its last argument)."""
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    return shlex.split(re.search(r"`(ncks [^`]+)`", str(error.value)).group(1))[-1]


def test_the_copy_of_a_group_named_as_its_file_is_not_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _copy_of(_grouped(tmp_path / "data.nc", "data")) == "data_data.nc"


def test_the_copies_of_one_group_in_two_files_are_two_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copies = [_copy_of(_grouped(tmp_path / f"S5P_{year}.nc", "PRODUCT")) for year in (1990, 1991)]
    assert copies == ["S5P_1990_PRODUCT.nc", "S5P_1991_PRODUCT.nc"]


def test_the_copy_is_not_named_as_an_existing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _grouped(tmp_path / "S5P.nc", "PRODUCT")
    (tmp_path / "S5P_PRODUCT.nc").write_bytes(b"an earlier copy")
    assert _copy_of(path) == "S5P_PRODUCT_2.nc"


def test_a_file_with_data_in_its_root_is_read_beside_its_groups(tmp_path):
    path = tmp_path / "root_and_group.nc"
    with netCDF4.Dataset(path, "w") as nc:
        _fill(nc)
        _fill(nc.createGroup("extra"))
    dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset["tas"].values, np.full((4, 2, 3), 280.0))


def _root_and_group(path, group="radiation"):
    """``tas`` in the root, ``rsdt`` in ``group`` with its own coordinates (break13 F20's layout)."""
    with netCDF4.Dataset(path, "w") as nc:
        _fill(nc)
        inner = nc.createGroup(group)
        _fill(inner)
        inner.renameVariable("tas", "rsdt")
    return path


@pytest.mark.parametrize(("group", "copy"), [
    pytest.param("radiation", "mixed_radiation.nc", id="group"),
    pytest.param("product/radiation", "mixed_radiation.nc", id="nested"),
])
def test_a_variable_in_a_group_beside_root_data_is_named_with_its_group(tmp_path, monkeypatch, group, copy):
    """break13 F20: 'rsdt' was "not in" the file; it is there, in a group climann does not read."""
    monkeypatch.chdir(tmp_path)
    dataset = open_dataset([_root_and_group(tmp_path / "mixed.nc", group)])
    with pytest.raises(ClimannError) as error:
        require_variable(dataset, "rsdt", "mixed.nc")
    assert bare_python(str(error.value)) == (
        f"variable 'rsdt' is in mixed.nc in the NetCDF-4 group '{group}', not in the root group that climann reads; "
        f"copy the group into a plain file and give that file too (--data), e.g. `ncks -G : -g {group} mixed.nc "
        f"{copy}` (or xarray, which keeps the root's coordinates: `python -c 'import sys, xarray as xr; "
        f"d = xr.open_datatree(\"mixed.nc\", decode_times=False)[\"{group}\"].to_dataset(); "
        f"[d[k].encoding.setdefault(\"_FillValue\", None) for k in d.coords]; "
        f"{whole_write(target=json.dumps(copy))}'`); in the "
        f"root: tas")


def test_the_copy_of_the_group_with_the_root_file_gives_the_variable(tmp_path):
    """The advice's copy (what ``ncks -G : -g radiation`` writes: the group's variables in a root) beside the file."""
    path = _root_and_group(tmp_path / "mixed.nc")
    with netCDF4.Dataset(tmp_path / "mixed_radiation.nc", "w") as nc:
        _fill(nc)
        nc.renameVariable("tas", "rsdt")
    dataset = open_dataset([path, tmp_path / "mixed_radiation.nc"])
    np.testing.assert_array_equal(require_variable(dataset, "rsdt").values, np.full((4, 2, 3), 280.0))


def test_the_xarray_copy_of_a_group_on_the_roots_coordinates_gives_the_variable_on_its_steps_and_cells(
        tmp_path, monkeypatch):
    """break29b A3: the group's variables on the root's coordinates; ``open_dataset(path, group=...)``
    copied them without coordinates, which were then paired with the root's by position."""
    from tests.data.test_unplaced_variables import LAT, _root_and_group, _rsdt

    monkeypatch.chdir(tmp_path)
    path = _root_and_group(tmp_path / "groups.nc")
    dataset = open_dataset([path])
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "rsdt", "groups.nc")
    command = shlex.split(re.search(r"keeps the root's coordinates: `(python -c [^`]+)`",
                                    bare_python(str(refused.value))).group(1))
    run_python(*command[1:], check=True, cwd=tmp_path)
    combined = open_dataset([path, tmp_path / "groups_forcing.nc"], grid_of="tas", variables=("tas", "rsdt"))
    np.testing.assert_array_equal(combined["rsdt"].transpose("time", "lat", "lon").values, _rsdt())
    np.testing.assert_array_equal(combined["lat"].values, LAT)


@pytest.mark.parametrize("layout", ["root_time", "split_groups"])
def test_the_xarray_copies_of_a_group_keep_the_files_time_without_a_calendar_as_it_is(tmp_path, monkeypatch, layout):
    """fix45k: the xarray lines that copy a group decoded its time and wrote it again: a time without a calendar
    attribute (the CF standard calendar) came out "proleptic_gregorian" with a _FillValue. Run as printed, each
    copy's time has the file's attributes and values (netCDF4, read raw)."""
    from tests.data.test_unplaced_variables import _root_and_group

    monkeypatch.chdir(tmp_path)
    if layout == "root_time":
        path, where, pattern = _root_and_group(tmp_path / "groups.nc"), "time", r"keeps the root's coordinates: `"
    else:
        path, where, pattern = _data_beside_geolocation(tmp_path / "split.nc"), "data/time", r"or xarray: `"
    with netCDF4.Dataset(path, "a") as nc:
        nc[where].delncattr("calendar")
        read = {name: nc[where].getncattr(name) for name in nc[where].ncattrs()}, nc[where][:].copy()
    with pytest.raises(ClimannError) as refused:
        if layout == "root_time":
            require_variable(open_dataset([path]), "rsdt", "groups.nc")
        else:
            open_dataset([path])
    command = shlex.split(re.search(pattern + r"(python -c [^`]+)`", bare_python(str(refused.value))).group(1))
    run_python(*command[1:], check=True, cwd=tmp_path)
    copy = tmp_path / ("groups_forcing.nc" if layout == "root_time" else "split_data.nc")
    with netCDF4.Dataset(copy) as written:
        assert {name: written["time"].getncattr(name) for name in written["time"].ncattrs()} == read[0]
        np.testing.assert_array_equal(written["time"][:], read[1])


def test_a_variable_in_no_group_is_not_in_the_file(tmp_path):
    dataset = open_dataset([_root_and_group(tmp_path / "mixed.nc")])
    with pytest.raises(ClimannError, match=r"^variable 'pr' not in mixed.nc; available: tas; if it is in other files "
                                           r"\(CMIP keeps static fields [^;]*\(--data, \[data\] paths\)$"):
        require_variable(dataset, "pr", "mixed.nc")


def _classic_file(path, fmt="NETCDF3_64BIT_OFFSET", n_time=40):
    import netCDF4

    with netCDF4.Dataset(path, "w", format=fmt) as handle:
        handle.createDimension("time", None)
        handle.createDimension("lat", 3)
        handle.createDimension("lon", 5)
        handle.createVariable("lat", "f4", ("lat",))[:] = [-45.0, 0.0, 45.0]
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f4", ("lon",))[:] = [0.0, 72.0, 144.0, 216.0, 288.0]
        handle["lon"].units = "degrees_east"
        time = handle.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "noleap"
        time[:] = np.arange(n_time) * 30.0 + 15
        handle.createVariable("tas", "f4", ("time", "lat", "lon"))[:] = np.full((n_time, 3, 5), 280.0, "f4")
    return path


@pytest.mark.parametrize("fmt", ["NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET"])
def test_a_classic_file_cut_short_is_refused_as_such(tmp_path, fmt):
    """The library reads missing records as zeros: time repeated its reference date, and the
    refusal spoke of overlapping files."""
    import netCDF4

    from climann.data.containers import cut_short_message
    from climann.data.open import open_dataset

    path = _classic_file(tmp_path / "full.nc", fmt)
    with netCDF4.Dataset(path) as handle:
        assert cut_short_message(handle, path) is None
    size = path.stat().st_size
    cut = tmp_path / "cut.nc"
    cut.write_bytes(path.read_bytes()[: int(size * 0.85)])
    with netCDF4.Dataset(cut) as handle:
        message = cut_short_message(handle, cut)
    # 40 records of 8 + 60 bytes beside 12 + 20 bytes of coordinates: 2752 bytes of data at least
    assert message == (f"cut.nc is cut short: its header promises 40 records along 'time' (at least 2,752 bytes of "
                       f"data) but the file holds {int(size * 0.85):,} bytes, so the missing records would be read "
                       "as zeros (a download or copy that did not finish); fetch or copy the file again")
    with pytest.raises(ClimannError, match="cut short"):
        open_dataset([cut])
    assert open_dataset([path]).sizes["time"] == 40


def test_a_netcdf4_file_is_never_said_to_be_cut_short(tmp_path):
    import netCDF4

    from climann.data.containers import cut_short_message

    path = _classic_file(tmp_path / "nc4.nc", "NETCDF4")
    with netCDF4.Dataset(path) as handle:
        assert cut_short_message(handle, path) is None


def _fixed_size_file(path, fmt):
    """tas(time, lat, lon) as xarray writes it: no unlimited dimension, every variable fixed-size."""
    import xarray as xr

    times = np.arange(40) * 30.0 + 15
    xr.Dataset({"tas": (("time", "lat", "lon"), np.full((40, 3, 5), 280.0, "f4"))},
               coords={"time": ("time", times, {"units": "days since 2000-01-01", "calendar": "noleap"}),
                       "lat": [-45.0, 0.0, 45.0], "lon": [0.0, 72.0, 144.0, 216.0, 288.0]}).to_netcdf(path, format=fmt)
    return path


@pytest.mark.parametrize("fmt", ["NETCDF3_CLASSIC", "NETCDF3_64BIT"])
def test_a_classic_file_without_an_unlimited_dimension_cut_short_is_refused_as_such(tmp_path, fmt):
    """break19a F1: the message took the record dimension for granted (IndexError)."""
    path = _fixed_size_file(tmp_path / "full.nc", fmt)
    assert open_dataset([path]).sizes["time"] == 40
    cut = tmp_path / "cut.nc"
    cut.write_bytes(path.read_bytes()[:2000])
    # 40 × 15 float32 + 40 + 3 + 5 float64 coordinates: 2400 + 384 bytes of data at least
    with pytest.raises(ClimannError) as error:
        open_dataset([cut])
    assert str(error.value) == (
        "cut.nc is cut short: its header promises its fixed-size variables (it has no unlimited dimension) "
        "(at least 2,784 bytes of data) but the file holds 2,000 bytes, so the missing values would be read as "
        "zeros (a download or copy that did not finish); fetch or copy the file again")


@pytest.mark.parametrize(("fmt", "keep", "expected"), [
    pytest.param("NETCDF4", 0.6, r"cut.nc is cut short: its NetCDF-4 \(HDF5\) header says the file ends at byte "
                 r"{size:,} but it holds {kept:,} bytes", id="netcdf4-cut"),
    pytest.param("NETCDF4", 0.02, r"cut.nc is cut short: its NetCDF-4 \(HDF5\) header says the file ends at byte "
                 r"{size:,} but it holds {kept:,} bytes", id="netcdf4-cut-in-its-header"),
    pytest.param("NETCDF3_CLASSIC", 0.05, r"cut.nc is cut short: it begins as a NetCDF-3 file but ends within its "
                 r"header \({kept:,} bytes", id="netcdf3-cut-in-its-header"),
    pytest.param("NETCDF4", 0.0, r"cut.nc is empty \(0 bytes: a download or copy that did not finish\)",
                 id="zero-bytes"),
])
def test_a_file_that_does_not_open_because_it_is_cut_short_is_named_so(tmp_path, fmt, keep, expected):
    """It was 'not a readable NetCDF file (truncated or another format)': which one, and what to do, unsaid."""
    path = _fixed_size_file(tmp_path / "full.nc", fmt)
    size = path.stat().st_size
    kept = int(size * keep)
    (tmp_path / "cut.nc").write_bytes(path.read_bytes()[:kept])
    message = expected.format(size=size, kept=kept) + r".*; fetch or copy the file again$"
    for files in ([tmp_path / "cut.nc"], [path, tmp_path / "cut.nc"]):
        with pytest.raises(ClimannError, match=message):
            open_dataset(files)


@pytest.mark.parametrize(("superblock", "end"), [
    pytest.param(b"\x00" * 5 + b"\x08\x08" + b"\x00" * 9 + (0).to_bytes(8, "little") * 2
                 + (123456).to_bytes(8, "little"), 123456, id="version-0"),
    pytest.param(b"\x01" + b"\x00" * 4 + b"\x04\x04" + b"\x00" * 13 + (512).to_bytes(4, "little")
                 + (0).to_bytes(4, "little") + (1000).to_bytes(4, "little"), 1512, id="version-1-base-512"),
])
def test_the_end_of_file_address_of_older_superblocks(superblock, end):
    """HDF5 File Format Specification, superblock versions 0 and 1 (netCDF-C writes version 2,
    tested above through real files): the address after the base and free-space addresses."""
    from climann.data.containers import HDF5_SIGNATURE, _hdf5_end_of_file

    assert _hdf5_end_of_file(HDF5_SIGNATURE + superblock + b"\x00" * 16) == end


def _data_beside_geolocation(path):
    """Data in one group, their 2-D latitude and longitude in another (OBPG's navigation_data layout)."""
    with netCDF4.Dataset(path, "w") as nc:
        data, geolocation = nc.createGroup("data"), nc.createGroup("geolocation")
        for name, size in (("time", 4), ("y", 2), ("x", 3)):
            nc.createDimension(name, size)
        time = data.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time[:] = "days since 1990-01-01", "noleap", [15.0, 45.0, 74.0, 105.0]
        data.createVariable("tas", "f4", ("time", "y", "x"))[:] = 280.0 + np.arange(24.0).reshape(4, 2, 3)
        data["tas"].units = "K"
        for name, standard_name, units in (("lat", "latitude", "degrees_north"), ("lon", "longitude", "degrees_east")):
            variable = geolocation.createVariable(name, "f8", ("y", "x"))
            variable.standard_name, variable.units = standard_name, units
        geolocation["lat"][:] = [[10.0, 10.5, 11.0], [20.0, 20.5, 21.0]]
        geolocation["lon"][:] = [[0.0, 10.0, 20.0], [1.0, 11.0, 21.0]]
    return path


def test_a_group_whose_coordinates_are_in_another_group_is_copied_with_them(tmp_path, monkeypatch):
    """break40b B4: the advice copied the data group alone, "which keeps the root's coordinates": the
    root had none, the latitude was in navigation_data, and the copy had "no latitude coordinate"."""
    monkeypatch.chdir(tmp_path)
    path = _data_beside_geolocation(tmp_path / "split.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    said = bare_python(str(refused.value))
    assert said.startswith(
        "split.nc holds its variables in the NetCDF-4 groups 'data', 'geolocation', not in the root group that "
        "climann reads; its latitude and longitude are in 'geolocation': copy the groups together into a plain file, "
        "e.g. `ncks -G : -g data,geolocation split.nc split_data.nc` (or xarray: `python -c ")
    command = shlex.split(re.search(r"or xarray: `(python -c [^`]+)`", said).group(1))
    run_python(*command[1:], check=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / "split_data.nc"])
    np.testing.assert_array_equal(copy["tas"].values, 280.0 + np.arange(24.0).reshape(4, 2, 3))
    np.testing.assert_array_equal(copy["lat"].values, [[10.0, 10.5, 11.0], [20.0, 20.5, 21.0]])


def test_the_groups_of_several_files_are_copied_by_one_loop(tmp_path, monkeypatch):
    """break43b A5: the refusal of 72 grouped monthly files gave one file's `ncks -G : -g …` and no loop: the
    others stayed as they were. One loop, run as printed, copies each file's group; the copies combine into
    one series of every file's steps, values unchanged."""
    import os
    import subprocess

    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    for year in (1990, 1991, 1992):
        with netCDF4.Dataset(tmp_path / f"S5P_{year}.nc", "w") as nc:
            _fill(nc.createGroup("PRODUCT"))
            nc["PRODUCT/time"].units = f"days since {year}-01-01"
            nc["PRODUCT/tas"][:] = np.full((4, 2, 3), 280.0 + year - 1990)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("S5P_*.nc")))
    message = str(error.value)
    loop, data = re.search(r"each file in a loop: `([^`]*)`, then give --data (\S+)$", message).groups()
    assert loop == ('mkdir -p PRODUCT && ( for f in S5P_199*.nc; do ncks -G : -g PRODUCT "$f" '
                    'PRODUCT/"$(basename "${f%.*}")".nc || exit 1; done )')
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    copies = open_dataset(sorted(tmp_path.glob(shlex.split(data)[0])))
    np.testing.assert_array_equal(copies["tas"].values[:, 0, 0], np.repeat([280.0, 281.0, 282.0], 4))

    # fix56i: a file ncks cannot read stops the loop, non-zero, before the files after it (a bare loop went on)
    shutil.rmtree(tmp_path / "PRODUCT")
    (tmp_path / "S5P_1991.nc").write_bytes(b"not a NetCDF file")
    finished = subprocess.run(["bash", "-c", loop], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PATH": shell_path()})
    assert finished.returncode != 0, finished
    assert "S5P_1992.nc" not in {path.name for path in (tmp_path / "PRODUCT").iterdir()}, finished.stderr
    with xr.open_dataset(tmp_path / "PRODUCT" / "S5P_1990.nc") as first:
        np.testing.assert_array_equal(first["tas"].values, np.full((4, 2, 3), 280.0))


# --- PSMSL's own text format (break44a A9) ---------------------------------------------------------------------
def _rlrdata(path, rows):
    path.write_text("".join(f"{year:10.4f};{level:6d};{missing:2d};{flag:03d}\n" for year, level, missing, flag in rows))
    return path


def test_psmsl_rlrdata_is_named_with_a_line_that_writes_a_station_file_which_then_opens(tmp_path, monkeypatch):
    """1.rlrdata, as PSMSL ships it, was "not a readable NetCDF file (truncated or another format)". Named as PSMSL's
    format, with a pandas line that, run as printed (the station's position in place of LAT LON), writes the series
    as a CF station file: sea level in mm, -99999 missing, each month dated on its 15th."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(9)
    months = np.arange(36)
    levels = (6950 + 80 * np.sin(2 * np.pi * months / 12) + rng.normal(0, 30, 36)).astype(int)
    levels[[4, 17]] = -99999
    rows = [(1993 + month // 12 + (month % 12 + 0.5) / 12, int(level), int(month % 3), int(month == 9))
            for month, level in zip(months, levels)]
    _rlrdata(tmp_path / "1.rlrdata", rows)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "1.rlrdata"])
    message = str(error.value)
    assert message.startswith("1.rlrdata is a text file of PSMSL's tide-gauge format (decimal year; sea level in mm, "
                              "-99999 missing; missing days; flag for attention), not NetCDF")
    assert "truncated" not in message and "\n" not in message
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[0] == "python" and words[-2:] == ["LAT", "LON"]
    run_python(*words[1:-2], "48.383", "-4.495", check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / words[-3]])
    expected = np.where(levels == -99999, np.nan, levels)  # the text's columns, read without pandas
    np.testing.assert_array_equal(opened["sea_level"].values.ravel(), expected)
    assert opened["sea_level"].attrs["units"] == "mm"
    dates = [(time.year, time.month, time.day) for time in opened.indexes["time"]]
    assert dates == [(1993 + month // 12, month % 12 + 1, 15) for month in months]
    assert (np.ravel(opened["lat"].values)[0], np.ravel(opened["lon"].values)[0]) == (48.383, -4.495)


def test_another_text_file_is_not_read_as_psmsls(tmp_path):
    (tmp_path / "gauges.csv").write_text("1993.0417;6975;0\n")  # three columns: not PSMSL's four
    with pytest.raises(ClimannError, match=r"gauges.csv is not a readable NetCDF file \(truncated or another format\)$"):
        open_dataset([tmp_path / "gauges.csv"])


_SMAP_STAMPS = ["20190101T013000", "20190101T043000", "20190102T013000", "20190102T043000"]


def _smap_l4_granules(folder):
    """SMAP L4 gph granules as NSIDC writes them, on 5 × 4 cells of the EASE-Grid 2.0 global 9 km grid (EPSG:6933):
    the root holds x, y (m), time (one step, seconds since 2000-01-01 11:58:55.816: the name's 01:30 or 04:30),
    cell_lat(y, x), cell_lon(y, x) and the grid mapping; the group Geophysical_Data holds sm_surface(y, x) and
    surface_temp(y, x), without time. Returns x, y, the stamps (datetime64) and each granule's sm_surface."""
    import pyproj

    size = 9008.055210146  # m, EASE2_M09KM
    x = -17367530.44516138 + size * (np.arange(1000, 1005) + 0.5)
    y = 7314540.79258289 - size * (np.arange(300, 304) + 0.5)
    lon, lat = pyproj.Transformer.from_crs("EPSG:6933", "EPSG:4326", always_xy=True).transform(*np.meshgrid(x, y))
    stamps = np.array([np.datetime64(f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[9:11]}:{s[11:13]}") for s in _SMAP_STAMPS])
    epoch = np.datetime64("2000-01-01T11:58:55.816")
    rng = np.random.default_rng(45)
    fields = rng.uniform(0.05, 0.5, (len(stamps), 4, 5)).astype("f4")
    for stamp, when, field in zip(_SMAP_STAMPS, stamps, fields):
        with netCDF4.Dataset(folder / f"SMAP_L4_SM_gph_{stamp}_Vv7032_001.h5", "w") as granule:
            for name, values in (("x", x), ("y", y)):
                granule.createDimension(name, values.size)
                axis = granule.createVariable(name, "f8", (name,))
                axis.units, axis.standard_name, axis[:] = "m", f"projection_{name}_coordinate", values
            granule.createDimension("time", 1)
            time = granule.createVariable("time", "f8", ("time",))
            time.units, time.standard_name = "seconds since 2000-01-01 11:58:55.816", "time"
            time[:] = [(when - epoch) / np.timedelta64(1, "ms") / 1000]
            for name, values, units in (("cell_lat", lat, "degrees_north"), ("cell_lon", lon, "degrees_east")):
                position = granule.createVariable(name, "f4", ("y", "x"))
                position.units, position[:] = units, values
            mapping = granule.createVariable("EASE2_global_projection", "S1")
            mapping.grid_mapping_name, mapping.standard_parallel = "lambert_cylindrical_equal_area", 30.0
            mapping.longitude_of_central_meridian = mapping.false_easting = mapping.false_northing = 0.0
            group = granule.createGroup("Geophysical_Data")
            for name, values, units in (("sm_surface", field, "m3 m-3"), ("surface_temp", 280 + 10 * field, "K")):
                data = group.createVariable(name, "f4", ("y", "x"), fill_value=np.float32(-9999.0))
                data.units, data.grid_mapping, data[:] = units, "EASE2_global_projection", values
    return x, y, stamps, fields


def _minutes(times):
    """cftime stamps as numpy's datetime64 to the minute."""
    return np.array([np.datetime64(time.isoformat()) for time in times]).astype("datetime64[m]")


def test_smap_l4_groups_are_copied_with_the_roots_positions_and_time_by_the_printed_loop(tmp_path, monkeypatch):
    """fix45d: SMAP L4's Geophysical_Data was advised `ncks -G : -g Geophysical_Data` for each granule: the copies
    held sm_surface(y, x) without the root's time, cell_lat, cell_lon and grid mapping, and were then to be dated by
    hand (or from the day in their names only). Run as printed, the loop writes copies whose times are the files'
    own (01:30, 04:30 of each day), whose cells lie at their EASE-Grid 2.0 positions (pyproj, EPSG:6933) and whose
    values are the granules'; the copies open as one 3-hourly series."""
    import os
    import subprocess

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    x, y, stamps, fields = _smap_l4_granules(tmp_path)
    report = " ".join(line.lstrip("# ") for line in CliRunner().invoke(app, ["info", "*.h5"]).output.splitlines())
    assert ("'Geophysical_Data' is placed and dated by the root's positions (cell_lat, cell_lon), grid mapping "
            "(EASE2_global_projection) and time (time)") in report, report
    loop = next(part for part in report.split("`") if without_guards(part).startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    opened = open_dataset(sorted(str(path) for path in (tmp_path / "Geophysical_Data").glob("*.nc")))
    np.testing.assert_array_equal(_minutes(opened["time"].values), stamps)
    import pyproj

    lon, lat = pyproj.Transformer.from_crs("EPSG:6933", "EPSG:4326", always_xy=True).transform(*np.meshgrid(x, y))
    np.testing.assert_allclose(opened["cell_lat"].values, lat, atol=1e-4)
    np.testing.assert_allclose(opened["cell_lon"].values, lon, atol=1e-4)
    np.testing.assert_array_equal(opened["sm_surface"].values, fields)


def test_a_variable_in_smap_l4s_group_is_refused_with_the_line_that_copies_the_roots_positions_and_time(
        tmp_path, monkeypatch):
    """fix45d: the refusal of sm_surface, in the group, gave the ncks copy without the root's time and positions;
    its Python line, run as printed, writes a copy that holds them (the file's 01:30)."""
    monkeypatch.chdir(tmp_path)
    _, _, stamps, fields = _smap_l4_granules(tmp_path)
    name = f"SMAP_L4_SM_gph_{_SMAP_STAMPS[0]}_Vv7032_001.h5"
    with pytest.raises(ClimannError) as refusal:
        require_variable(open_dataset([name]), "sm_surface", name)
    message = str(refusal.value)
    assert "its positions (cell_lat, cell_lon), grid mapping (EASE2_global_projection) and time (time) are in the root" \
        in message, message
    line = re.search(r"`(python -c [^`]+)`", bare_python(message))[1]
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    copy = open_dataset([name.replace(".h5", "_Geophysical_Data.nc")])
    np.testing.assert_array_equal(_minutes(copy["time"].values), stamps[:1])
    np.testing.assert_array_equal(copy["sm_surface"].values[0], fields[0])


def test_a_variable_in_the_groups_of_several_smap_l4_granules_is_refused_with_a_loop_and_the_roots_variables(
        tmp_path, monkeypatch):
    """fix45k: ``train --data '*.h5' --target sm_surface`` on four SMAP L4 granules was refused with the first
    granule's line only, ending "in the root: none" though the root holds cell_lat and cell_lon; and the copies made
    through xarray had calendar proleptic_gregorian where the granules have none (the CF standard calendar). The
    refusal now names the root's variables and gives a loop over the granules; run as printed, its copies hold each
    granule's own time (01:30, 04:30 of each day) in the granule's units and calendar, without a _FillValue, and its
    fields (numpy: the values written); train on the copies reads them."""
    import os
    import subprocess

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    _, _, stamps, fields = _smap_l4_granules(tmp_path)
    result = CliRunner().invoke(app, ["train", "--data", "*.h5", "--target", "sm_surface", "--predictors", "",
                                      "--epochs", "1", "--out", "run"])
    lines = [line for line in result.output.splitlines() if line.startswith("climann: error:")]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    message = lines[0]
    assert "is in SMAP_L4_SM_gph_20190101T013000_Vv7032_001.h5 and 3 more files in the NetCDF-4 group" in message
    root = message.rsplit("; in the root: ", 1)[1]
    assert root.startswith("no data variables, only ") and {"cell_lat", "cell_lon", "time"} <= set(
        root.removeprefix("no data variables, only ").split(", ")), root
    loop = re.search(rf"`({GUARD}mkdir -p [^`]+)`", message)[1]
    assert "for f in " in loop and "then --data 'Geophysical_Data/*.nc'" in message
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    copies = sorted((tmp_path / "Geophysical_Data").glob("*.nc"))
    assert [copy.stem for copy in copies] == sorted(path.stem for path in tmp_path.glob("*.h5"))
    for copy, granule in zip(copies, sorted(tmp_path.glob("*.h5"))):
        with netCDF4.Dataset(copy) as written, netCDF4.Dataset(granule) as read:
            assert {name: written["time"].getncattr(name) for name in written["time"].ncattrs()} == \
                {name: read["time"].getncattr(name) for name in read["time"].ncattrs()}  # no calendar: standard
            np.testing.assert_array_equal(written["time"][:], read["time"][:])
    opened = open_dataset([str(copy) for copy in copies])
    np.testing.assert_array_equal(_minutes(opened["time"].values), stamps)
    np.testing.assert_array_equal(opened["sm_surface"].values, fields)
    trained = CliRunner().invoke(app, ["train", "--data", "Geophysical_Data/*.nc", "--target", "sm_surface",
                                       "--predictors", "surface_temp", "--epochs", "1", "--out", "run", "-q"])
    assert trained.exit_code == 0, trained.output

"""HDF-EOS5 grid files (OMI's OMNO2d, break38a B3): the group of data is the one advised, with the
latitude and longitude its grid description gives, and HDF-EOS's ``Units`` read as units."""

import os
import re
import shlex
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.coords import find_coordinate
from climann.data.hdfeos import hdfeos_grids
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.followed_twice import assert_left_as_it_is
from tests.fresh_python import bare_python, run_python, shell_path

FILL = np.float32(-1.2676506e30)

_STRUCT = ('GROUP=SwathStructure\nEND_GROUP=SwathStructure\nGROUP=GridStructure\n\tGROUP=GRID_1\n'
           '\t\tGridName="ColumnAmountNO2"\n\t\tXDim=8\n\t\tYDim=4\n'
           '\t\tUpperLeftPointMtrs=(-180000000.000000,90000000.000000)\n'
           '\t\tLowerRightMtrs=(180000000.000000,-90000000.000000)\n\t\tProjection=HE5_GCTP_GEO\n'
           '\t\tGridOrigin=HE5_HDFE_GD_UL\n\tEND_GROUP=GRID_1\nEND_GROUP=GridStructure\nEND\n')


def _omno2d(path, *, units_only: bool = True, day: int | None = None, offset: float = 0.0,
            span: dict | None = None) -> np.ndarray:
    """As OMI's OMNO2d .he5 opens through the netCDF library: an empty root; 'HDFEOS INFORMATION' holding
    StructMetadata.0 alone; the fields in 'HDFEOS/GRIDS/ColumnAmountNO2/Data Fields' on (YDim, XDim), 45° cells,
    with HDF-EOS's Units, MissingValue, ScaleFactor 1 and Offset 0. Values 1e15 × (1 + row + column / 10), the
    first cell missing; ``offset`` added to them. With ``day``, OMI's file attributes GranuleYear/GranuleMonth/
    GranuleDay (2019-01-``day``) in 'HDFEOS/ADDITIONAL/FILE_ATTRIBUTES'. With ``span``, StructMetadata.0 is
    empty and the grid's group holds these attributes (OMI's GridSpan, GridSpacing) instead."""
    values = (1e15 * (1 + offset + np.arange(4.0)[:, None] + np.arange(8.0)[None, :] / 10)).astype("f4")
    values[0, 0] = FILL
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        info = nc.createGroup("HDFEOS INFORMATION")
        if span is None:
            info.createDimension("len", len(_STRUCT))
            text = info.createVariable("StructMetadata.0", "S1", ("len",))
            text[:] = netCDF4.stringtochar(np.array([_STRUCT], dtype=f"S{len(_STRUCT)}"))[0]
        else:
            info.createVariable("StructMetadata.0", str, ())
        hdfeos = nc.createGroup("HDFEOS")
        if day is not None:
            granule = hdfeos.createGroup("ADDITIONAL").createGroup("FILE_ATTRIBUTES")
            granule.GranuleYear, granule.GranuleMonth, granule.GranuleDay = np.int32(2019), np.int32(1), np.int32(day)
        grid = hdfeos.createGroup("GRIDS").createGroup("ColumnAmountNO2")
        grid.setncatts(span or {})
        fields = grid.createGroup("Data Fields")
        fields.createDimension("YDim", 4)
        fields.createDimension("XDim", 8)
        variable = fields.createVariable("ColumnAmountNO2TropCloudScreened", "f4", ("YDim", "XDim"), fill_value=FILL)
        variable.Units, variable.MissingValue, variable.ScaleFactor, variable.Offset = "molec/cm2", FILL, 1.0, 0.0
        variable[:] = values
    return values


def test_the_advice_copies_the_data_group_with_the_grid_latitude_and_longitude(tmp_path, monkeypatch):
    """Before: the example copied 'HDFEOS INFORMATION' (StructMetadata.0 alone: a file of no variables), and the
    data group's copy had no latitude or longitude. Now the data group is named first, and the Python line, run as
    printed, writes it with the centres of the 45° cells (67.5 … -67.5 N, -157.5 … 157.5 E, by hand), its values and
    its Units as units."""
    monkeypatch.chdir(tmp_path)
    values = _omno2d(tmp_path / "OMI-Aura_L3-OMNO2d_2019m0101.he5")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "OMI-Aura_L3-OMNO2d_2019m0101.he5"])
    message = str(refused.value)
    assert "groups 'HDFEOS/GRIDS/ColumnAmountNO2/Data Fields', 'HDFEOS INFORMATION'" in message
    assert "HDF-EOS5 grid ('ColumnAmountNO2', 8 × 4 cells from -180, 90 to 180, -90 degrees east, north)" in message
    assert "ncks -G : -g 'HDFEOS INFORMATION'" not in message
    words = shlex.split(re.search(r"`(python -c [^`]*)`", bare_python(message)).group(1))
    run_python(*words[1:], check=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / "OMI-Aura_L3-OMNO2d_2019m0101_ColumnAmountNO2.nc"])
    field = copy["ColumnAmountNO2TropCloudScreened"]
    time, latitude, longitude = field.dims  # the day from the name (2019m0101), fix39d
    assert [str(day)[:10] for day in copy[time].values] == ["2019-01-01"]
    np.testing.assert_array_equal(copy[latitude].values, [67.5, 22.5, -22.5, -67.5])
    np.testing.assert_array_equal(copy[longitude].values, [-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5])
    assert copy[latitude].attrs["standard_name"] == "latitude" and field.attrs["units"] == "molec/cm2"
    expected = np.where(values == FILL, np.nan, values)
    np.testing.assert_array_equal(field.values[0], expected)
    # fix51j: followed again, `d.to_netcdf('…_ColumnAmountNO2.nc')` replaced the file there; now kept, the line says so
    copy.close()
    assert_left_as_it_is(tmp_path / "OMI-Aura_L3-OMNO2d_2019m0101_ColumnAmountNO2.nc",
                         lambda: run_python(*words[1:], cwd=tmp_path, capture_output=True),
                         tmp_path / "OMI-Aura_L3-OMNO2d_2019m0101.he5")


def test_hdfeos_units_are_read_as_units_where_a_variable_has_none(tmp_path):
    """Before: info showed the data group's Units "molec/cm2" as "-"."""
    _omno2d(tmp_path / "omi.he5")
    with netCDF4.Dataset(tmp_path / "omi.he5") as nc, netCDF4.Dataset(tmp_path / "fields.nc", "w") as out:
        group = nc["HDFEOS/GRIDS/ColumnAmountNO2/Data Fields"]
        for name, dimension in group.dimensions.items():
            out.createDimension(name, len(dimension))
        source = group["ColumnAmountNO2TropCloudScreened"]
        copied = out.createVariable("no2", "f4", source.dimensions, fill_value=FILL)
        copied.Units = source.Units
        copied[:] = source[:]
    assert open_dataset([tmp_path / "fields.nc"])["no2"].attrs["units"] == "molec/cm2"


@pytest.mark.parametrize(("packed", "degrees"), [
    pytest.param("-180000000.000000", -180.0, id="180W"),
    pytest.param("-179030000.000000", -179.5, id="179-30-00W"),
    pytest.param("45000036.000000", 45.01, id="45-00-36N"),
])
def test_gctp_packed_dms_corners_are_read_in_degrees(packed, degrees):
    text = _STRUCT.replace("UpperLeftPointMtrs=(-180000000.000000", f"UpperLeftPointMtrs=({packed}")
    assert hdfeos_grids(text)["ColumnAmountNO2"].west == pytest.approx(degrees, abs=1e-12)


@pytest.mark.parametrize(("dated_by", "folder", "name"), [
    pytest.param("attributes", "omi", "omi_{}.he5", id="granule-attributes"),
    pytest.param("name", "omi", "OMI-Aura_L3-OMNO2d_2019m010{}_v003.he5", id="file-name"),
    pytest.param("name", "my omi", "OMI-Aura_L3-OMNO2d_2019m010{}_v003.he5", id="folder-with-a-space"),
    pytest.param("attributes", "my omi", "omi {}.he5", id="names-with-a-space"),
])
def test_a_folder_of_grids_gets_one_loop_that_dates_each_copy(tmp_path, monkeypatch, dated_by, folder, name):
    """rerun38 N6: `info 'omi/*.he5'` gave the first file's line only, and its copy had no time. Now one loop
    over the files, run here with bash as printed, writes a copy of each with its day (from GranuleYear/Month/Day,
    or from YYYYmMMDD in the name) as time with bounds [day, next day]; the copies combine into 3 daily steps.
    fix40c: the loop's glob had its file names' shared part unquoted (`for f in 'my omi'/omi *.he5`: two words,
    the second every .he5 of the working folder); a folder and names with spaces now run as printed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir()
    names = [name.format(day) for day in (1, 2, 3)]
    values = [_omno2d(tmp_path / folder / each, day=day if dated_by == "attributes" else None, offset=day)
              for day, each in zip((1, 2, 3), names)]
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted((tmp_path / folder).glob("*.he5")))
    message = str(refused.value)
    loop, data = re.search(r"each file in a loop: `([^`]*)`, then give --data ('[^']*'|\S+)", message).groups()
    assert loop.startswith(f"mkdir -p {shlex.quote(folder + '/grids')} && ( for f in ")
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    copies = open_dataset(sorted(tmp_path.glob(shlex.split(data)[0])))
    assert len(copies["time"]) == 3
    field = copies["ColumnAmountNO2TropCloudScreened"]
    # cftime dates at the middles of the bounds [day, next day] (climann dates a cell by its middle)
    assert [str(day)[:13] for day in copies["time"].values] == ["2019-01-01 12", "2019-01-02 12", "2019-01-03 12"]
    np.testing.assert_array_equal(field.values, np.stack([np.where(v == FILL, np.nan, v) for v in values]))


def test_a_grid_described_by_its_span_and_spacing_alone_gets_the_loop_with_its_coordinates(tmp_path, monkeypatch):
    """break44c A2: an OMNO2d file whose StructMetadata.0 places nothing, its grid in its group's GridSpan
    "(-180,180,-90,90)" and GridSpacing "(45,45)": the refusal gave an ncks copy without coordinates, whose
    refusal sent back to the file (a loop). Now the loop writes the latitudes and longitudes, rows from the span's
    first latitude (-67.5 … 67.5 N, by hand), columns -157.5 … 157.5 E, and the copies combine."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "omi").mkdir()
    span = {"GridSpan": "(-180,180,-90,90)", "GridSpacing": "(45,45)", "NumberOfLatitudesInGrid": np.int32(4),
            "NumberOfLongitudesInGrid": np.int32(8)}
    values = [_omno2d(tmp_path / "omi" / f"OMI-Aura_L3-OMNO2d_2019m010{day}_v003.he5", offset=day, span=span)
              for day in (1, 2)]
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted((tmp_path / "omi").glob("*.he5")))
    message = str(refused.value)
    assert ("HDF-EOS5 grid ('ColumnAmountNO2', 8 × 4 cells from -180, -90 to 180, 90 degrees east, north): its "
            "latitude and longitude are not in the group but in the grid's description (the attributes of "
            "HDFEOS/GRIDS/ColumnAmountNO2: GridSpan, GridSpacing)") in message
    assert "ncks" not in message
    loop, data = re.search(r"each file in a loop: `([^`]*)`, then give --data ('[^']*'|\S+)", message).groups()
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    copies = open_dataset(sorted(tmp_path.glob(shlex.split(data)[0])))
    field = copies["ColumnAmountNO2TropCloudScreened"]
    _, latitude, longitude = field.dims
    np.testing.assert_array_equal(copies[latitude].values, [-67.5, -22.5, 22.5, 67.5])
    np.testing.assert_array_equal(copies[longitude].values, [-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5])
    np.testing.assert_array_equal(field.values, np.stack([np.where(v == FILL, np.nan, v) for v in values]))
    # a span the spacing does not divide, or counts that disagree: no grid guessed
    from climann.data.hdfeos import span_grid
    assert span_grid("G", {**span, "GridSpacing": "(0.7,0.7)"}) is None
    assert span_grid("G", {**span, "NumberOfLatitudesInGrid": 5}) is None


#: MOD11C3's grid as its StructMetadata.0 says it (HDF-EOS2: GCTP_GEO, corners in packed DMS), 8 × 10 cells
#: of 0.05° from 45°N, 0°E (the lower right, 44.6°N 0.5°E, is 44°36′, 0°30′ in DMS).
_CMG = "MODIS_MONTHLY_0.05DEG_CMG_LST"
_CMG_METADATA = (f'GROUP=GridStructure\n\tGROUP=GRID_1\n\t\tGridName="{_CMG}"\n\t\tXDim=10\n\t\tYDim=8\n'
                 "\t\tUpperLeftPointMtrs=(0.000000,45000000.000000)\n\t\tLowerRightMtrs=(30000.000000,44036000.000000)\n"
                 "\t\tProjection=GCTP_GEO\n\t\tGridOrigin=HDFE_GD_UL\n\tEND_GROUP=GRID_1\nEND_GROUP=GridStructure\nEND\n")


def _cmg_file(path, rng, year: int) -> np.ndarray:
    """MOD11C3 as netCDF-C reads the HDF-EOS2 file (uint16 LST, scale 0.02, on YDim:<grid>, XDim:<grid>, no
    coordinate variables, the grid only in the global StructMetadata.0), 12 months of ``year``; returns the stored
    values."""
    with netCDF4.Dataset(path, "w") as handle:
        handle.createDimension("time", None)
        handle.createDimension(f"YDim:{_CMG}", 8)
        handle.createDimension(f"XDim:{_CMG}", 10)
        time = handle.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2003-01-01", "standard"
        time[:] = (np.arange(np.datetime64(f"{year}-01"), np.datetime64(f"{year + 1}-01")).astype("datetime64[D]")
                   - np.datetime64("2003-01-01")).astype(int)
        field = handle.createVariable("LST_Day_CMG", "u2", ("time", f"YDim:{_CMG}", f"XDim:{_CMG}"),
                                      fill_value=np.uint16(0))
        field.set_auto_maskandscale(False)
        field.units, field.scale_factor, field.add_offset = "K", 0.02, 0.0
        stored = rng.integers(14000, 15500, (12, 8, 10)).astype(np.uint16)
        field[:] = stored
        handle.setncattr("StructMetadata.0", _CMG_METADATA)
    return stored


def test_an_hdfeos2_grid_read_through_netcdf_c_is_refused_with_a_loop_that_writes_its_latitude_and_longitude(
        tmp_path):
    """break56d A5: MOD11C3 through netCDF-C (fields on YDim:<grid>, XDim:<grid>, the grid only in StructMetadata.0)
    ended "no latitude coordinate found" with nothing naming StructMetadata.0 or a way out. The refusal names the
    grid it describes; its loop, run with bash as printed, writes copies into a new folder with the cells' centres
    (numpy: 45 - (i + 0.5) × 0.05, (j + 0.5) × 0.05) and the values stored × 0.02, which open as a grid."""
    rng = np.random.default_rng(6)
    folder = tmp_path / "lst"
    folder.mkdir()
    stored = {f"MOD11C3.{year}.nc": _cmg_file(folder / f"MOD11C3.{year}.nc", rng, year) for year in (2003, 2004)}
    with pytest.raises(ClimannError) as error:  # where the grid is read: a run's, info's
        find_coordinate(open_dataset(sorted(folder.glob("*.nc"))), "latitude")
    message = str(error.value)
    assert "\n" not in message
    assert (f"the data lie on 'YDim:{_CMG}' and 'XDim:{_CMG}', the rows and columns of the HDF-EOS grid {_CMG} that "
            "the global attribute StructMetadata.0 describes (XDim, YDim, UpperLeftPointMtrs, LowerRightMtrs, "
            "GCTP_GEO: 8 × 10 cells, latitude 44.975 to 44.625, longitude 0.025 to 0.475 at their centres)") in message
    loop, data = re.search(r"write them into a copy: (.*?) \(a copy of each of its 2 files in a new folder\), then "
                           r"give --data (\S+) in place of the originals", message).groups()
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == sorted(stored)
    copies = sorted(tmp_path.glob(os.path.relpath(shlex.split(data)[0], tmp_path)))
    assert [copy.name for copy in copies] == sorted(stored)
    opened = open_dataset(copies)
    np.testing.assert_allclose(opened["lat"].values, 45 - (np.arange(8) + 0.5) * 0.05, atol=1e-9)
    np.testing.assert_allclose(opened["lon"].values, (np.arange(10) + 0.5) * 0.05, atol=1e-9)
    expected = np.concatenate([stored[name] for name in sorted(stored)]) * 0.02
    np.testing.assert_allclose(opened["LST_Day_CMG"].values, expected, rtol=1e-6)

"""TRMM/GPM Level-3 grids placed by their GridHeader (climann/data/pps_grids.py): the group's
refusal gives one loop that writes each file's copy with its latitudes, longitudes and date; a
group copied out by ncks without them is refused with the same line; run as printed, the copies
combine into a series whose values sit where the header puts them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.data.pps_grids import pps_grid, pps_grid_text
from climann.errors import ClimannError
from tests.fresh_python import shell_path


def _header(north: float = 70.0, origin: str = "SOUTHWEST", resolution: float = 5.0) -> str:
    """A 3A-DPR G2 GridHeader (PPS file specification), 5° cells between ±``north``, 180° W to 180° E."""
    return (f"BinMethod=ARITHMETIC_MEAN;\nRegistration=CENTER;\nLatitudeResolution={resolution:g};\n"
            f"LongitudeResolution={resolution:g};\nNorthBoundingCoordinate={north:g};\n"
            f"SouthBoundingCoordinate={-north:g};\nEastBoundingCoordinate=180;\nWestBoundingCoordinate=-180;\n"
            f"Origin={origin};")


#: The cells' centres of a 5° grid between ±70° (28 rows) and all longitudes (72 columns), by hand.
LATITUDES, LONGITUDES = np.arange(-67.5, 70.0, 5.0), np.arange(-177.5, 180.0, 5.0)


def _field(month: int) -> np.ndarray:
    """Values on (nlon, nlat) that say where they are: 1000 × the column + the row, plus the month."""
    return (1000.0 * np.arange(72)[:, None] + np.arange(28)[None, :] + 0.01 * month).astype(np.float32)


def _gpm_file(path, month: int, *, grouped: bool = True, start: bool = True, north: float = 70.0) -> None:
    """A 3A-MO DPR file as PPS writes it (HDF5, the grid in Grids/G2 on (nlon, nlat), no coordinates), or,
    not ``grouped``, as `ncks -G : -g Grids/G2` copies it (the headers global attributes)."""
    file_header = ("AlgorithmID=3DPR;\nAlgorithmVersion=07A;\n" + (
        f"StartGranuleDateTime=2015-{month:02d}-01T00:00:00.000Z;\nTimeInterval=MONTH;\n" if start else ""))
    with netCDF4.Dataset(path, "w", format="NETCDF4") as dataset:
        dataset.FileHeader = file_header
        group = dataset.createGroup("Grids").createGroup("G2") if grouped else dataset
        group.GridHeader = _header(north)
        group.createDimension("nlon", 72)
        group.createDimension("nlat", 28)
        variable = group.createVariable("precipRateNearSurfUnconditional", "f4", ("nlon", "nlat"),
                                        fill_value=np.float32(-9999.9))
        variable.units = "mm/hr"
        variable[:] = _field(month)


def _name(month: int, ending: str = ".HDF5") -> str:
    """GPM's file name: the algorithm's version date 20211125 in every name, the month's date in each."""
    return f"3A-MO.GPM.DPR.V9-20211125.2015{month:02d}01-S000000-E235959.{month:02d}.V07A{ending}"


def _follow(message: str, cwd) -> list:
    """Run the refusal's loop with bash as printed; the files its --data takes."""
    loop, data = re.search(r"`(mkdir -p [^`]*)`, then give --data ('[^']*'|\S+)", message).groups()
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=cwd,
                   env={**os.environ, "PATH": shell_path()})
    return sorted(cwd.glob(shlex.split(data)[0]))


def test_a_header_places_the_cells_at_their_centres_from_its_origin():
    south_up = pps_grid(_header(), {"nlon": 72, "nlat": 28})
    np.testing.assert_allclose(south_up.rows.centres(), LATITUDES)
    np.testing.assert_allclose(south_up.columns.centres(), LONGITUDES)
    assert south_up.doubt == "" and pps_grid_text(south_up).startswith("its GridHeader gives 72 × 28 cells of 5° × 5°")
    north_down = pps_grid(_header(origin="NORTHWEST"), {"nlon": 72, "nlat": 28})
    np.testing.assert_allclose(north_down.rows.centres(), LATITUDES[::-1])


def test_a_header_that_does_not_fit_the_group_places_no_cell_without_saying_so():
    """break43b A5's files: bounds ±67 at 5° are 26.8 rows, the group holds 28: said, and the rows
    centred on the equator offered only as a condition."""
    grid = pps_grid(_header(north=67.0), {"nlon": 72, "nlat": 28})
    assert grid.doubt == "its latitudes -67…67 at 5° make 26.8 rows, but 'nlat' holds 28"
    assert "climann cannot place its cells; only if they are rows and columns" in pps_grid_text(grid)
    np.testing.assert_allclose(grid.rows.centres(), LATITUDES)
    asymmetric = _header(north=67.0).replace("SouthBoundingCoordinate=-67", "SouthBoundingCoordinate=-60")
    assert pps_grid(asymmetric, {"nlon": 72, "nlat": 28}) is None
    assert pps_grid(_header().replace("CENTER", "CORNER"), {"nlon": 72, "nlat": 28}) is None


@pytest.mark.parametrize("start", [pytest.param(True, id="dated-by-the-names"),
                                   pytest.param(False, id="no-FileHeader-start")])
def test_the_groups_of_a_folder_get_one_loop_whose_copies_are_placed_and_dated(tmp_path, monkeypatch, start):
    """break43b A5: 72 monthly 3A-DPR files were told one file's `ncks -G : -g Grids/G2`, whose copy had no
    coordinates and no time ('no latitude coordinate found … coordinates present: none'). Now one loop, run
    as printed: each copy on the header's cells, dated by the month in its name (not the version date)."""
    monkeypatch.chdir(tmp_path)
    for month in (1, 2, 3):
        _gpm_file(tmp_path / _name(month), month, start=start)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("3A-MO*.HDF5")))
    message = str(error.value)
    assert "'Grids/G2' is a TRMM/GPM Level-3 grid whose latitudes and longitudes are in no variable" in message
    assert "and its date (in the file name, YYYYMMDD) as a CF time, each file in a loop" in message
    copies = open_dataset(_follow(message, tmp_path))
    field = copies["precipRateNearSurfUnconditional"].transpose("time", "lon", "lat")
    np.testing.assert_array_equal(field.values, np.stack([_field(month) for month in (1, 2, 3)]))
    np.testing.assert_allclose(copies["lat"].values, LATITUDES)
    np.testing.assert_allclose(copies["lon"].values, LONGITUDES)
    assert [str(time)[:10] for time in copies["time"].values] == ["2015-01-01", "2015-02-01", "2015-03-01"]


def test_a_group_copied_out_without_coordinates_is_refused_with_the_line_that_adds_them(tmp_path, monkeypatch):
    """The tester's path: `ncks -G : -g Grids/G2` copies (GridHeader a global attribute), one file, then the
    folder: each refusal's line, run as printed, gives copies on the header's cells; the one file's date from
    its FileHeader (its name alone holds two dates), the folder's from the names."""
    monkeypatch.chdir(tmp_path)
    for month in (1, 2):
        _gpm_file(tmp_path / _name(month, "_G2.nc"), month, grouped=False)
    with pytest.raises(ClimannError) as one:
        open_dataset([tmp_path / _name(1, "_G2.nc")])
    assert str(one.value).startswith(f"{_name(1, '_G2.nc')}: its grid ('nlat', 'nlon') has no latitude or longitude "
                                     "variable; its GridHeader attribute places it")
    assert "and its date (StartGranuleDateTime in its FileHeader) as a CF time" in str(one.value)
    copy = open_dataset(_follow(str(one.value), tmp_path))
    np.testing.assert_array_equal(copy["precipRateNearSurfUnconditional"].transpose("time", "lon", "lat").values[0],
                                  _field(1))
    assert str(copy["time"].values[0])[:10] == "2015-01-01"
    with pytest.raises(ClimannError) as folder:
        open_dataset(sorted(tmp_path.glob("3A-MO*_G2.nc")))
    assert "(in the file name, YYYYMMDD) as a CF time, each file in a loop" in str(folder.value)
    copies = open_dataset(_follow(str(folder.value), tmp_path))
    np.testing.assert_allclose(copies["lat"].values, LATITUDES)
    assert [str(time)[:10] for time in copies["time"].values] == ["2015-01-01", "2015-02-01"]

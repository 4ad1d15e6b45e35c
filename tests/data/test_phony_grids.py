"""HDF5 without dimension scales (climann/data/phony_grids.py): a GFED4.1s-like file, its grid the
root's 2-D lat/lon and its months groups, is refused with one line (a loop for a folder) that, run
as printed, writes each year's months on 1-D lat/lon with a time; a copy of one group that lost its
grid says where the grid is.

The fixture is written with netCDF4 under the names the netCDF library gives such a file's
dimensions (``phony_dim_N``, anew in each group): climann reads HDF5 through that library, so the
names and groups are all it sees (h5py, which writes a file without dimension scales, is no
dependency)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import shell_path

#: A 30° grid, north to south as GFED's (0.25° there): 6 rows, 12 columns.
LATITUDES, LONGITUDES = 75.0 - 30.0 * np.arange(6), -165.0 + 30.0 * np.arange(12)


def _burned(year: int, month: int) -> np.ndarray:
    """A field that says its year, month and cell: row + column / 100 + month / 1e4 + year."""
    rows, columns = np.meshgrid(np.arange(6), np.arange(12), indexing="ij")
    return (rows + columns / 100 + month / 1e4 + (year - 2000)).astype(np.float32)


def _gfed(path, year: int) -> None:
    """GFED4.1s's layout as the netCDF library reads it: root lat/lon 2-D without units on phony_dim_0/1,
    ancill/grid_cell_area, burned_area/MM/burned_fraction and emissions/MM/C, each group with its own pair."""
    counter = iter(range(100))

    def dims(group) -> tuple[str, str]:
        names = (f"phony_dim_{next(counter)}", f"phony_dim_{next(counter)}")
        for name, size in zip(names, (6, 12)):
            group.createDimension(name, size)
        return names

    with netCDF4.Dataset(path, "w") as dataset:
        root = dims(dataset)
        dataset.createVariable("lat", "f4", root)[:] = np.repeat(LATITUDES[:, None], 12, axis=1)
        dataset.createVariable("lon", "f4", root)[:] = np.repeat(LONGITUDES[None, :], 6, axis=0)
        ancill = dataset.createGroup("ancill")
        area = ancill.createVariable("grid_cell_area", "f4", dims(ancill))
        area.units, area[:] = "m^2", 1.0
        for parent, name, units in (("burned_area", "burned_fraction", "fraction of grid cell"),
                                    ("emissions", "C", "g C m^-2 month^-1")):
            for month in range(1, 13):
                group = dataset.createGroup(f"{parent}/{month:02d}")
                field = group.createVariable(name, "f4", dims(group))
                field.units, field[:] = units, _burned(year, month)


def _follow(message: str, cwd) -> list:
    """Run the refusal's line with bash as printed; the files its --data takes."""
    command, data = re.search(r"`(mkdir -p [^`]*)`, then give --data ('[^']*'|\S+)", message).groups()
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=cwd,
                   env={**os.environ, "PATH": shell_path()})
    return sorted(cwd.glob(shlex.split(data)[0]))


def test_a_folder_of_gfed_years_gets_one_loop_that_writes_each_years_months_on_the_grid(tmp_path, monkeypatch):
    """break43d A3: the folder was told 'lat is in both … give each file its date' with an ncap2 line that
    fails on phony dimensions, and one file the ncks/xarray group copies that lose lat/lon. Now: one loop,
    run as printed; the copies hold each month's field where the root's lat/lon put it, at that month."""
    monkeypatch.chdir(tmp_path)
    for year in (2010, 2011):
        _gfed(tmp_path / f"GFED4.1s_{year}.hdf5", year)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("GFED4.1s_*.hdf5")))
    message = str(error.value)
    assert message.startswith("GFED4.1s_2010.hdf5 is HDF5 without dimension scales (netCDF names its dimensions "
                              "phony_dim_0, phony_dim_1, and others in each group): the 2-D 'lat' 75…-75 along its "
                              "rows, 'lon' -165…165 along its columns of its root place the fields of its groups")
    assert ("write the months of 'burned_area' ('burned_area/01' … 'burned_area/12': burned_fraction) as one file a "
            "year on 1-D lat and lon") in message
    assert message.endswith("(for 'emissions', put its name in place of 'burned_area' in the line)")
    assert "ncap2" not in message and "YYYY-MM-DD" not in message
    copies = open_dataset(_follow(message, tmp_path))
    expected = np.stack([_burned(year, month) for year in (2010, 2011) for month in range(1, 13)])
    field = copies["burned_fraction"].transpose("time", "lat", "lon")
    np.testing.assert_array_equal(field.sel(lat=LATITUDES, lon=LONGITUDES).values, expected)
    assert [str(time)[:7] for time in copies["time"].values][:2] == ["2010-01", "2010-02"]
    assert len(copies["time"]) == 24 and "time_bnds" in copies


def test_the_emissions_line_of_the_advice_works_with_its_group_named(tmp_path, monkeypatch):
    """The other month groups: the same line with 'emissions' in place of 'burned_area' writes C."""
    monkeypatch.chdir(tmp_path)
    _gfed(tmp_path / "GFED4.1s_2010.hdf5", 2010)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "GFED4.1s_2010.hdf5"])
    message = str(error.value).replace("'burned_area/%02d'", "'emissions/%02d'").replace("['burned_fraction']", "['C']")
    copy = open_dataset(_follow(message, tmp_path))
    np.testing.assert_array_equal(copy["C"].sel(lat=LATITUDES).values[3], _burned(2010, 4))


def test_a_group_copied_out_without_its_grid_says_where_the_grid_is(tmp_path):
    """break43d A3 (b): `ncks -G : -g burned_area/01` wrote burned_fraction(phony_dim_2, phony_dim_3) alone;
    'no latitude coordinate found … coordinates present: none' had no way out."""
    with netCDF4.Dataset(tmp_path / "ba01.nc", "w") as dataset:
        for name, size in (("phony_dim_2", 6), ("phony_dim_3", 12)):
            dataset.createDimension(name, size)
        dataset.createVariable("burned_fraction", "f4", ("phony_dim_2", "phony_dim_3"))[:] = _burned(2010, 1)
    with pytest.raises(ClimannError) as error:
        find_coordinate(open_dataset([tmp_path / "ba01.nc"]), "latitude")
    assert ("its dimensions phony_dim_2, phony_dim_3 are those the netCDF library names in an HDF5 file without "
            "dimension scales") in str(error.value)
    assert "give climann that HDF5 file itself" in str(error.value)

"""The regular grid advised for remapping an unstructured grid (climann/data/remap_targets.py): near the grid's
own mean spacing, from its cell count (break43b A7: always r360x180)."""

import math
import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.remap_targets import remap_target
from climann.errors import ClimannError
from tests.followed_twice import without_guards


def _triangles(south, north, west, east, box):
    """ICON-like triangles: each ``box``° latitude-longitude box of [south, north] × [west, east] cut in two;
    their centres and vertices (degrees)."""
    centres, vertices = [], []
    for low in np.arange(south, north, box):
        for left in np.arange(west, east, box):
            for triangle in (((low, left), (low, left + box), (low + box, left)),
                             ((low, left + box), (low + box, left + box), (low + box, left))):
                corners = np.array(triangle)
                vertices.append(corners)
                centres.append(corners.mean(axis=0))
    return np.array(centres), np.array(vertices)


def _icon_file(path, south=-90.0, north=90.0, west=-180.0, east=180.0, box=6.0):
    """``tas(time, ncells)`` on ICON-like triangles, clat/clon in radians with their vertices (CDI's layout, which
    CDO remaps)."""
    centres, vertices = _triangles(south, north, west, east, box)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("ncells", len(centres))
        nc.createDimension("vertices", 3)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar, time.axis = "time", "days since 2000-01-01", "standard", "T"
        time[:] = [0.0, 31.0]
        for name, column, kind in (("clon", 1, "longitude"), ("clat", 0, "latitude")):
            centre = nc.createVariable(name, "f8", ("ncells",))
            centre.standard_name, centre.units, centre.bounds = kind, "radian", f"{name}_bnds"
            centre[:] = np.radians(centres[:, column])
            nc.createVariable(f"{name}_bnds", "f8", ("ncells", "vertices"))[:] = np.radians(vertices[:, :, column])
        tas = nc.createVariable("tas", "f4", ("time", "ncells"))
        tas.units, tas.coordinates, tas.CDI_grid_type = "K", "clat clon", "unstructured"
        tas[:] = 280 + np.cos(np.radians(centres[:, 0]))[None] * np.array([[10.0], [12.0]])
    return path


@pytest.mark.parametrize(("cells", "spacing"), [
    pytest.param(3600, 3.0, id="6-degree-boxes-cut-in-two"),
    pytest.param(20480, 1.5, id="icon-r2b4"),
    pytest.param(81920, 0.75, id="icon-r2b5"),
    pytest.param(5242880, 0.1, id="icon-r2b8"),
])
def test_a_global_grid_is_advised_the_spacing_nearest_its_mean_spacing(cells, spacing):
    """The mean spacing is √(4π / N) radians, by hand; the spacing advised is the listed one nearest it (log)."""
    rng = np.random.default_rng(0)
    latitudes = np.degrees(np.arcsin(rng.uniform(-1, 1, cells)))
    latitudes[:2] = [-89.9, 89.9]
    longitudes = np.concatenate([[-179.9, 179.9], rng.uniform(-180, 180, cells - 2)])
    target = remap_target(latitudes, longitudes)
    assert target.box is None and target.cells == cells
    assert target.mean_spacing == pytest.approx(math.degrees(math.sqrt(4 * math.pi / cells)))
    assert target.spacing == spacing
    assert target.grid("icon.nc") == ("", f"r{round(360 / spacing)}x{round(180 / spacing)}")


def test_the_refusal_of_an_icon_like_grid_advises_its_own_spacing_and_the_line_remaps_to_it(tmp_path, monkeypatch):
    """break43b A7: 3600 triangles of 6° boxes (mean spacing 3.4°) were advised r360x180, 17 times their bytes of 1°
    cells filled from 6° ones. Now r120x60 (3°), which, run as printed, gives a grid climann reads."""
    monkeypatch.chdir(tmp_path)
    _icon_file(tmp_path / "icon.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "icon.nc"])
    message = str(refused.value)
    assert "(3600 cells over the globe, 3.4° apart on average: a 3° grid)" in message
    command = re.search(r"e\.g\. `([^`]+)`", message)[1]
    # its copy in a new folder (fix56b: icon_remapped.nc beside icon.nc was taken with it by a glob over the folder)
    assert without_guards(command) == "mkdir -p remapped && cdo remapcon,r120x60 icon.nc remapped/icon.nc"
    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["icon.nc", "remapped"]
    remapped = open_dataset([tmp_path / "remapped" / "icon.nc"])
    assert remapped.sizes["lat"] == 60 and remapped.sizes["lon"] == 120
    np.testing.assert_allclose(np.diff(remapped["lat"].values), 3.0)


def test_a_regional_grid_is_advised_a_grid_of_its_box_and_the_line_remaps_to_it(tmp_path, monkeypatch):
    """ICON-D2-like triangles over 45–55°N, 5–15°E (0.5° boxes cut in two, 800 cells): mean spacing
    √(Ω / 800), Ω = (sin 55° − sin 45°) × 10° in radians, 0.28°, so 0.25°; the grid description of the box,
    written by printf beside the file, and CDO's remapping to it, run as printed: 40 × 40 cells of 0.25°."""
    monkeypatch.chdir(tmp_path)
    _icon_file(tmp_path / "d2.nc", 45.0, 55.0, 5.0, 15.0, 0.5)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "d2.nc"])
    message = str(refused.value)
    solid_angle = (math.sin(math.radians(55)) - math.sin(math.radians(45))) * math.radians(10)
    mean = math.degrees(math.sqrt(solid_angle / 800))
    assert f"(800 cells over their region, {mean:.2g}° apart on average: a 0.25° grid of that region)" in message
    command = re.search(r"e\.g\. `([^`]+)`", message)[1]
    assert without_guards(command) == (
        r"mkdir -p remapped && printf 'gridtype = lonlat\nxsize = 40\nysize = 40\nxfirst = 5.125\nxinc = 0.25\n"
        r"yfirst = 45.125\nyinc = 0.25\n' > remapped/d2_grid.txt && cdo remapcon,remapped/d2_grid.txt d2.nc "
        r"remapped/d2.nc")  # the description and the copy in a new folder, nothing beside d2.nc (fix56b)
    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["d2.nc", "remapped"]
    with xr.open_dataset(tmp_path / "remapped" / "d2.nc") as remapped:
        np.testing.assert_allclose(remapped["lat"].values, 45.125 + 0.25 * np.arange(40))
        np.testing.assert_allclose(remapped["lon"].values, 5.125 + 0.25 * np.arange(40))
        assert np.isfinite(remapped["tas"].values).all()


def test_a_region_across_the_date_line_is_one_box():
    """Longitudes either side of 180° (170°E to 170°W) span 20°, not 340°."""
    target = remap_target([10.0, 10.0, 20.0, 20.0] * 50, [170.0, -170.0, 175.0, -175.0] * 50)
    assert target.box is not None and target.box[0] < 180 < target.box[1]
    assert target.box[1] - target.box[0] <= 25

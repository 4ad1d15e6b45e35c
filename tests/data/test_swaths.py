"""Level-2 satellite swaths (MODIS L2, GHRSST L2P): refused in one line with the way to a grid
(break40b B4, B5)."""

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError

N_LINES, N_PIXELS = 4, 5


def _modis_l2(path, *, attributes=True):
    """OBPG's L2 layout: sst in geophysical_data, 2-D lat/lon in navigation_data, msec per line."""
    with netCDF4.Dataset(path, "w") as nc:
        if attributes:
            nc.processing_level, nc.cdm_data_type = "L2", "swath"
        nc.createDimension("number_of_lines", N_LINES)
        nc.createDimension("pixels_per_line", N_PIXELS)
        nc.createDimension("pixel_control_points", N_PIXELS)
        data, navigation = nc.createGroup("geophysical_data"), nc.createGroup("navigation_data")
        lines = nc.createGroup("scan_line_attributes")
        data.createVariable("sst", "f4", ("number_of_lines", "pixels_per_line"))[:] = 20.0
        for name, standard_name in (("latitude", "latitude"), ("longitude", "longitude")):
            variable = navigation.createVariable(name, "f4", ("number_of_lines", "pixel_control_points"))
            variable.standard_name, variable[:] = standard_name, np.arange(N_LINES * N_PIXELS).reshape(N_LINES, -1)
        lines.createVariable("msec", "i4", ("number_of_lines",))[:] = np.arange(N_LINES) * 1477
    return path


def _l2p(path, *, level="L2P", lat_1d=False):
    """GHRSST L2P's layout: one time, sst on nj × ni, with 2-D lat/lon (or, gridded, 1-D)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.processing_level = level
        nc.createDimension("time", 1)
        nc.createDimension("nj", 3)
        nc.createDimension("ni", 4)
        time = nc.createVariable("time", "i4", ("time",))
        time.units, time.standard_name, time[:] = "seconds since 1981-01-01", "time", [0]
        lat = nc.createVariable("lat", "f4", ("nj",) if lat_1d else ("nj", "ni"))
        lon = nc.createVariable("lon", "f4", ("ni",) if lat_1d else ("nj", "ni"))
        lat.standard_name, lat.units, lon.standard_name, lon.units = ("latitude", "degrees_north", "longitude",
                                                                      "degrees_east")
        lat[:] = np.arange(3) if lat_1d else np.arange(3)[:, None] + 0.01 * np.arange(4)
        lon[:] = np.arange(4) if lat_1d else np.arange(4)[None, :] + 0.01 * np.arange(3)[:, None]
        sst = nc.createVariable("sst", "f4", ("time", "nj", "ni"))
        sst.units, sst.coordinates, sst[:] = "kelvin", "lon lat", 290.0
    return path


GRIDDING = ("a swath is not a grid (each pass has its own pixels, and climann trains on one fixed grid of cells over "
            "time); grid all the passes onto one common regular latitude-longitude grid first, not onto one swath's "
            "pixels: the product's Level-3 files (L3m, L3C or L3S), SeaDAS `l2bin` then `l3mapgen`, or pyresample, "
            "and give those files")


def test_a_modis_level_2_file_in_groups_is_refused_as_a_swath(tmp_path):
    """B4: the group advice (copy geophysical_data) gave a file with no latitude, then one with no time."""
    with pytest.raises(ClimannError) as refused:
        open_dataset([_modis_l2(tmp_path / "A.L2.SST.nc")])
    assert str(refused.value) == (
        "A.L2.SST.nc (groups 'geophysical_data', 'navigation_data', 'scan_line_attributes') is a Level-2 satellite "
        "swath (processing_level 'L2'; cdm_data_type 'swath'; latitude and longitude of each pixel in "
        f"'navigation_data' on number_of_lines × pixel_control_points): {GRIDDING}")


@pytest.mark.parametrize("groups", [
    pytest.param(["geophysical_data"], id="data-group-alone"),
    pytest.param(["geophysical_data", "navigation_data"], id="with-navigation"),
])
@pytest.mark.parametrize("attributes", [pytest.param(True, id="ncks"), pytest.param(False, id="xarray")])
def test_a_copy_of_the_swaths_groups_is_refused_as_a_swath(tmp_path, groups, attributes):
    """B4: the copies the old advice made (ncks keeps the global attributes, xarray's copy does not)."""
    source = _modis_l2(tmp_path / "A.L2.SST.nc", attributes=attributes)
    copy = tmp_path / "copy.nc"
    with netCDF4.Dataset(source) as nc, netCDF4.Dataset(copy, "w") as out:
        out.setncatts({key: nc.getncattr(key) for key in nc.ncattrs()})
        for name, dimension in nc.dimensions.items():
            out.createDimension(name, len(dimension))
        for group in groups:
            for name, variable in nc[group].variables.items():
                made = out.createVariable(name, variable.dtype, variable.dimensions)
                made.setncatts({key: variable.getncattr(key) for key in variable.ncattrs()})
                made[:] = variable[:]
    with pytest.raises(ClimannError, match=r"^copy.nc is a Level-2 satellite swath \(.*number_of_lines") as refused:
        open_dataset([copy])
    assert str(refused.value).endswith(GRIDDING)


def test_ghrsst_l2p_passes_are_refused_as_swaths_not_remapped_onto_the_first(tmp_path):
    """B5: passes on their own pixels were told to be put on one grid (cdo remapbil onto the first: 22 % lost)."""
    files = [_l2p(tmp_path / "pass1.nc"), _l2p(tmp_path / "pass2.nc")]
    with pytest.raises(ClimannError) as refused:
        open_dataset(files)
    assert str(refused.value) == (
        "pass1.nc is a Level-2 satellite swath (processing_level 'L2P'; 'lat' and 'lon' of each pixel on nj × ni): "
        f"{GRIDDING}")


def test_a_swath_said_by_its_time_per_scan_line_alone_is_refused(tmp_path):
    path = tmp_path / "swath.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("y", 3)
        nc.createDimension("x", 4)
        time = nc.createVariable("scan_time", "f8", ("y",))
        time.units, time[:] = "seconds since 2020-01-01", [0.0, 1.5, 3.0]
        for name in ("lat", "lon"):
            nc.createVariable(name, "f4", ("y", "x"))[:] = np.arange(12).reshape(3, 4)
        nc["lat"].standard_name, nc["lon"].standard_name = "latitude", "longitude"
        nc.createVariable("sst", "f4", ("y", "x"))[:] = 290.0
    with pytest.raises(ClimannError, match=r"^swath.nc is a Level-2 satellite swath \('lat' and 'lon' of each pixel "
                                           r"on y × x; a time per scan line \('scan_time'\)\): a swath is not a grid"):
        open_dataset([path])


@pytest.mark.parametrize("level", ["L3C", "L4"])
def test_gridded_products_are_read(tmp_path, level):
    dataset = open_dataset([_l2p(tmp_path / "grid.nc", level=level, lat_1d=True)])
    np.testing.assert_array_equal(dataset["sst"].values, np.full((1, 3, 4), 290.0, "f4"))


def test_a_level_2_product_already_on_a_regular_grid_is_read(tmp_path):
    """The attribute alone does not refuse: pyresample's output may keep processing_level 'L2'."""
    dataset = open_dataset([_l2p(tmp_path / "gridded_l2.nc", lat_1d=True)])
    np.testing.assert_array_equal(dataset["lat"].values, [0.0, 1.0, 2.0])


def test_a_level_2_product_on_a_projected_grid_is_read(tmp_path):
    """Gridded already (x/y of a polar stereographic grid, no latitude in the file): not a swath."""
    path = tmp_path / "polar_l2.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.processing_level, nc.cdm_data_type = "L2", "swath"
        nc.createDimension("time", 2)
        nc.createDimension("y", 3)
        nc.createDimension("x", 4)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name, time[:] = "days since 2020-01-01", "time", [0.0, 1.0]
        for name, size in (("x", 4), ("y", 3)):
            axis = nc.createVariable(name, "f8", (name,))
            axis.standard_name, axis.units, axis[:] = f"projection_{name}_coordinate", "m", np.arange(size) * 25e3
        nc.createVariable("sic", "f4", ("time", "y", "x"))[:] = 0.5
    assert "sic" in open_dataset([path]).data_vars


#: MOD04_L2's dimensions as netCDF-C reads the HDF4 granule (the HDF-EOS swath's name after the colon).
MOD04_DIMS = ("Cell_Along_Swath:mod04", "Cell_Across_Swath:mod04")


def _mod04(path, *, start=0.0, dims=MOD04_DIMS, scan_time=True, units=("Degrees_north", "Degrees_east")):
    """A MOD04_L2 granule as netCDF-C reads it (break47d A2): no processing_level, 2-D Latitude/Longitude in
    Degrees_north/Degrees_east, AOD packed in int16, Scan_Start_Time on every pixel in TAI seconds; its pixels
    ``start`` degrees north of the first granule's."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.HDFEOSVersion = "HDFEOS_V2.19"
        nc.createDimension(dims[0], N_LINES)
        nc.createDimension(dims[1], N_PIXELS)
        lines, pixels = np.arange(N_LINES)[:, None], np.arange(N_PIXELS)[None, :]
        for name, values, unit in (("Latitude", 40 + start + 0.09 * lines + 0.02 * pixels, units[0]),
                                   ("Longitude", 10 + 0.12 * pixels - 0.03 * lines, units[1])):
            variable = nc.createVariable(name, "f4", dims, fill_value=-999.0)
            variable.units, variable.long_name, variable[:] = unit, f"Geodetic {name}", values
        if scan_time:
            variable = nc.createVariable("Scan_Start_Time", "f8", dims, fill_value=-999.0)
            variable.units = "Seconds since 1993-1-1 00:00:00.0 0"
            variable.long_name = "TAI Time at Start of Scan replicated across the swath"
            variable[:] = 8.6e8 + 1.477 * lines * np.ones((1, N_PIXELS))
        aod = nc.createVariable("Optical_Depth_Land_And_Ocean", "i2", dims, fill_value=np.int16(-9999))
        aod.set_auto_maskandscale(False)
        aod.units, aod.scale_factor, aod.add_offset, aod[:] = "None", 0.001, 0.0, np.full((N_LINES, N_PIXELS), 150)
    return path


@pytest.mark.parametrize(("name", "dims", "scan_time", "said"), [
    ("MOD04_L2.A2020001.0935.061.2020002013452.hdf", MOD04_DIMS, True,
     "a scan time on each pixel ('Scan_Start_Time'); a Level-2 granule's file name"),
    ("aod.nc", MOD04_DIMS, False, ""),  # its dimensions alone say it
    ("aod.nc", ("Cell_Along_Swath_5km", "Cell_Across_Swath_5km"), False, ""),
    ("aod.nc", ("y", "x"), True, "a scan time on each pixel ('Scan_Start_Time')"),  # its scan time alone
    ("MYD04_L2.A2020001.1115.061.2020002013452.hdf", ("y", "x"), False, "a Level-2 granule's file name"),
])
def test_a_modis_level_2_granule_without_a_processing_level_is_refused_as_a_swath(tmp_path, caplog, name, dims,
                                                                                   scan_time, said):
    """break47d A2: MOD04_L2 granules were read as curvilinear grids, once their units were fixed as climann
    advised, and several as files "on different grids" to put on one by cdo remapbil (which aborts on them);
    their Scan_Start_Time was warned of as days of year first. Told by the swath dimensions of MODIS (any
    :mod04 suffix), the granule's name or the scan time on every pixel: one line, nothing warned before it, with
    MODIS's own Level-3 files as the way out."""
    path = _mod04(tmp_path / name, dims=dims, scan_time=scan_time)
    with caplog.at_level("WARNING"), pytest.raises(ClimannError) as refused:
        open_dataset([path])
    pixels = (f"'Latitude' and 'Longitude' of each pixel on {dims[0]} × {dims[1]}"
              if scan_time or "Cell" in dims[0] or "MYD" in name else "")
    assert str(refused.value).startswith(f"{name} is a Level-2 satellite swath ({pixels}"
                                         f"{'; ' + said if said else ''}): a swath is not a grid"), str(refused.value)
    platform = "MYD" if name.startswith("MYD") else "MOD"
    product = f"{platform}08_D3" if name.startswith("M") or dims[0].endswith(":mod04") else None
    assert (f"MODIS atmosphere's Level-3 {product}" in str(refused.value)) == (product is not None)
    assert str(refused.value).endswith(GRIDDING.split("time); ")[1]) and "remap" not in str(refused.value)
    assert not [record for record in caplog.records if record.levelname == "WARNING"]


def test_passes_whose_files_say_nothing_of_a_swath_are_refused_by_their_moving_pixels(tmp_path):
    """A MOD04 granule's plain copies (dimensions y × x, no scan time, units fixed, renamed): each file's own 2-D
    latitude and longitude, no time axis. They were "on different grids", to be put on one by cdo remapbil."""
    files = [_mod04(tmp_path / f"g{index}.nc", start=0.3 * index, dims=("y", "x"), scan_time=False,
                    units=("degrees_north", "degrees_east")) for index in (1, 2)]
    with pytest.raises(ClimannError) as refused:
        open_dataset(files)
    assert str(refused.value) == (
        "g2.nc, beside g1.nc, is a Level-2 satellite swath (2-D latitude and longitude on y × x that differ from file "
        "to file (g1.nc, g2.nc), without a time axis: each file one pass): " + GRIDDING)
    one = open_dataset(files[:1])  # one pass alone is a curvilinear grid of its own (nothing says it moves)
    np.testing.assert_allclose(one["Latitude"].values[:, 0], 40.3 + 0.09 * np.arange(N_LINES), rtol=1e-6)


def test_curvilinear_series_on_different_grids_are_not_called_swaths(tmp_path):
    """A model's series (a time axis) on two curvilinear grids is told as files on different grids, as before."""
    files = []
    for index in (1, 2):
        path = tmp_path / f"model{index}.nc"
        with netCDF4.Dataset(path, "w") as nc:
            for dim, size in (("time", 2), ("j", 3), ("i", 4)):
                nc.createDimension(dim, size)
            time = nc.createVariable("time", "f8", ("time",))
            time.units, time.standard_name, time[:] = "days since 2000-01-01", "time", [0.0, 1.0]
            for name, units, values in (("lat", "degrees_north", np.arange(3)[:, None] + 0.1 * np.arange(4) * index),
                                        ("lon", "degrees_east", np.arange(4)[None, :] + 0.1 * np.arange(3)[:, None])):
                variable = nc.createVariable(name, "f8", ("j", "i"))
                variable.units, variable.standard_name, variable[:] = units, name.replace("lat", "latitude").replace(
                    "lon", "longitude"), values
            tos = nc.createVariable("tos", "f4", ("time", "j", "i"))
            tos.units, tos.coordinates, tos[:] = "K", "lat lon", 280.0
        files.append(path)
    with pytest.raises(ClimannError, match="on different grids") as refused:
        open_dataset(files)
    assert "swath" not in str(refused.value)

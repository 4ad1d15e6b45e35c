"""Tests for climann/data/grids.py: geographic coordinates of curvilinear, rotated and projected grids."""

import functools
import os

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.grids import cell_coordinates, geographic_grid, grid_mapping_of, horizontal_grid
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.followed_twice import without_guards
from tests.grid_files import (
    LAMBERT, NARR_KM, NARR_M, NARR_PROJ4, NARR_X_KM, NARR_Y_KM, RLAT, RLON, narr_true_positions, proj4_positions,
    rotated_to_geographic, write_lambert, write_narr, write_rotated,
)


def test_the_2d_latitude_and_longitude_of_the_file_are_used_as_they_are(tmp_path):
    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc")])
    dims, grid, mapping = horizontal_grid(dataset)
    assert dims == ("rlat", "rlon") and mapping.name == "rotated_pole"
    np.testing.assert_array_equal(grid.latitude.values, dataset["lat"].values)
    np.testing.assert_array_equal(grid.longitude.values, dataset["lon"].values)
    assert grid.latitude.name == "lat" and grid.latitude.attrs["units"] == "degrees_north"


def test_a_rotated_grid_without_latitude_and_longitude_gets_them_from_its_grid_mapping(tmp_path):
    """pyproj's result against the rotation written out by hand."""
    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=False)])
    (rows, columns), latitude, longitude = cell_coordinates(dataset)
    expected_lat, expected_lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    assert (rows, columns) == ("rlat", "rlon")
    np.testing.assert_allclose(latitude, expected_lat, atol=1e-9)
    np.testing.assert_allclose((longitude - expected_lon + 180) % 360 - 180, 0, atol=1e-9)
    assert not np.allclose(latitude, RLAT[:, None])  # not the rotated degrees


def test_computed_cell_corners_surround_each_centre(tmp_path):
    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=False)])
    grid = geographic_grid(dataset, ("rlat", "rlon"), grid_mapping_of(dataset, "tas"))
    corners = grid.latitude_bounds.values
    assert corners.shape == (RLAT.size, RLON.size, 4)
    assert (corners.min(axis=-1) < grid.latitude.values).all() and (corners.max(axis=-1) > grid.latitude.values).all()
    # the first corner of a cell is the rotated point (rlat − 2.2, rlon − 2.2)
    expected = rotated_to_geographic(RLAT[0] - 2.2, RLON[0] - 2.2)[0]
    assert corners[0, 0, 0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("units", [pytest.param("km", id="km"), pytest.param("m", id="metres")])
def test_a_projected_grid_with_only_a_grid_mapping_is_located_by_pyproj(tmp_path, units):
    dataset = open_dataset([write_lambert(tmp_path / "lambert.nc", units=units)])
    (rows, columns), latitude, longitude = cell_coordinates(dataset)
    assert (rows, columns) == ("y", "x") and latitude.shape == (5, 6)
    # columns at x = ±50 km lie symmetrically about the central meridian
    assert latitude[2, 2] == pytest.approx(latitude[2, 3], abs=1e-9)
    assert longitude[2, 2] - 10.0 == pytest.approx(10.0 - longitude[2, 3], abs=1e-9)
    # the projection's origin (x = y = 0) is at its origin latitude and central meridian
    origin = xr.Dataset(coords={"y": ("y", [0.0], dataset["y"].attrs), "x": ("x", [0.0], dataset["x"].attrs)})
    origin = origin.assign(crs=((), 0, LAMBERT), tas=(("y", "x"), [[0.0]], {"grid_mapping": "crs"}))
    _, origin_lat, origin_lon = cell_coordinates(origin)
    assert origin_lat[0, 0] == pytest.approx(50.0, abs=1e-9) and origin_lon[0, 0] == pytest.approx(10.0, abs=1e-9)
    assert (np.diff(latitude, axis=0) > 0).all()  # y grows northward


def test_km_and_metres_give_the_same_places(tmp_path):
    in_km = cell_coordinates(open_dataset([write_lambert(tmp_path / "km.nc", units="km")]))
    in_m = cell_coordinates(open_dataset([write_lambert(tmp_path / "m.nc", units="m")]))
    np.testing.assert_allclose(in_km[1], in_m[1], atol=1e-9)
    np.testing.assert_allclose(in_km[2], in_m[2], atol=1e-9)


@pytest.mark.parametrize("units", ["K", "degrees", "cells"])
def test_a_projected_axis_in_units_other_than_a_length_is_refused_with_the_ncatted(tmp_path, units):
    """fix56a: the ncatted wrote lambert_fixed.nc beside lambert.nc, which a glob over their folder took with it; run
    as printed, it writes axis_units_fixed/lambert.nc alone, placed as the file in km."""
    import subprocess

    expected = cell_coordinates(open_dataset([write_lambert(tmp_path / "km.nc")]))
    (tmp_path / "km.nc").unlink()
    path = write_lambert(tmp_path / "lambert.nc")
    with netCDF4.Dataset(path, "a") as nc:
        nc["x"].units = units
    copy = tmp_path / "axis_units_fixed" / "lambert.nc"
    with pytest.raises(ClimannError, match=rf"^projected axis 'x' has units '{units}'; expected a length .*: if it is "
                                           rf"in km, .*mkdir -p {copy.parent} && ncatted -a units,x,o,c,km {path} "
                                           rf"{copy} \(its copy in a new folder\), then give --data {copy} in place "
                                           rf"of {path}$") as refused:
        cell_coordinates(open_dataset([path]))
    subprocess.run(str(refused.value).split("if it is in km, ", 1)[1].split(" (its copy", 1)[0], shell=True,
                   check=True, capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["axis_units_fixed", "lambert.nc"]
    placed = cell_coordinates(open_dataset([copy]))
    np.testing.assert_array_equal(placed[1], expected[1])
    np.testing.assert_array_equal(placed[2], expected[2])


@pytest.mark.parametrize("units", ["KM", "Km", "1000 m", "10^3 m", "1e3 m"])
def test_projected_axes_in_any_spelling_of_km_are_placed_as_in_km(tmp_path, units):
    """break21c F11: '1000 m' and '10^3 m' (UDUNITS) and 'KM' were refused."""
    expected = cell_coordinates(open_dataset([write_lambert(tmp_path / "km.nc", units="km")]))
    dataset = open_dataset([tmp_path / "km.nc"])
    for name in ("x", "y"):
        dataset[name].attrs["units"] = units
    found = cell_coordinates(dataset)
    np.testing.assert_allclose(found[1], expected[1], atol=1e-9)
    np.testing.assert_allclose(found[2], expected[2], atol=1e-9)


def test_projected_axes_without_units_and_without_positions_are_refused_with_the_ncatted(tmp_path, monkeypatch):
    """break21c F2: an ice-sheet grid in km without units was read as metres (a 1.9 km patch at the pole), exit 0.
    fix56a: the ncatted wrote lambert_fixed.nc beside lambert.nc, which a glob over their folder took with it; run as
    printed, it writes axis_units_fixed/lambert.nc alone, placed as the same grid with its axes in km."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    write_lambert(tmp_path / "lambert.nc")
    with netCDF4.Dataset(tmp_path / "lambert.nc", "a") as nc:  # the file without its axes' units
        for name in ("x", "y"):
            nc[name].delncattr("units")
    with pytest.raises(ClimannError) as refused:
        cell_coordinates(open_dataset([tmp_path / "lambert.nc"]))
    message = str(refused.value)
    assert message.startswith(
        "projected axis 'y'/'x' of grid mapping 'crs' has no units, so the grid's scale, and with it where its cells "
        "lie and their areas, is unknown (CF appendix F: projection coordinates are lengths); give the units in km "
        "(or m for metres): ")
    assert without_guards(message).endswith(
        "mkdir -p axis_units_fixed && ncatted -a units,y,o,c,km -a units,x,o,c,km lambert.nc axis_units_fixed/lambert.nc "
        "(its copy in a new folder), then give --data axis_units_fixed/lambert.nc in place of lambert.nc")
    subprocess.run(message.split("give the units in km (or m for metres): ", 1)[1].split(" (its copy", 1)[0],
                   shell=True, check=True, capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["axis_units_fixed", "lambert.nc"]
    by_hand = open_dataset([tmp_path / "lambert.nc"])
    for name in ("x", "y"):
        by_hand[name].attrs["units"] = "km"
    expected, placed = cell_coordinates(by_hand), cell_coordinates(open_dataset(["axis_units_fixed/lambert.nc"]))
    for found, wanted in zip(placed[1:], expected[1:]):
        np.testing.assert_array_equal(found, wanted)


@pytest.mark.parametrize("units", [pytest.param("km", id="km"), pytest.param("m", id="metres")])
def test_projected_axes_without_units_are_read_in_the_unit_the_files_own_positions_say(tmp_path, caplog, units):
    """With 2-D latitude/longitude in the file, the unit that places the cells there is taken, with a warning;
    the areas are then those of the axes with their units (pyproj.Geod of the corners, :func:`_geodesic_areas`)."""
    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    forget_notes()
    _, latitude, longitude = cell_coordinates(open_dataset([write_lambert(tmp_path / "with_units.nc", units=units)]))
    dataset = xr.load_dataset(tmp_path / "with_units.nc")
    dataset["lat"] = (("y", "x"), latitude, {"standard_name": "latitude", "units": "degrees_north"})
    dataset["lon"] = (("y", "x"), longitude, {"standard_name": "longitude", "units": "degrees_east"})
    dataset["tas"].attrs["coordinates"] = "lat lon"
    for name in ("x", "y"):
        del dataset[name].attrs["units"]
    dataset.to_netcdf(tmp_path / "no_units.nc")
    layout = grid_layout(open_dataset([tmp_path / "no_units.nc"]), "tas", [])
    assert layout.geographic.projection.factors == ({"km": 1000.0, "m": 1.0}[units],) * 2
    np.testing.assert_allclose(layout.cell_area_weights(),
                               _geodesic_areas(dataset.assign(crs=((), 0, LAMBERT)), {"km": 1000.0, "m": 1.0}[units]),
                               rtol=2e-5)
    assert any(r.getMessage().startswith(f"projected axis 'y'/'x' of grid mapping 'crs' has no units: read in {units}, ")
               for r in caplog.records)


def test_a_grid_mapping_pyproj_cannot_read_is_named(tmp_path):
    dataset = open_dataset([write_lambert(tmp_path / "lambert.nc")])
    dataset["crs"].attrs = {"grid_mapping_name": "lambert_conformal_conic"}  # CF's name without its parameters
    with pytest.raises(ClimannError, match="cannot read grid mapping 'crs' \\(lambert_conformal_conic\\)"):
        cell_coordinates(dataset)


def test_several_grid_mappings_without_one_for_the_target_are_refused(tmp_path):
    dataset = open_dataset([write_lambert(tmp_path / "lambert.nc")])
    dataset = dataset.assign(
        other=dataset["tas"].assign_attrs(grid_mapping="crs2"), crs2=((), 0, LAMBERT),
        plain=dataset["tas"].drop_attrs(),
    )
    assert grid_mapping_of(dataset, "tas").name == "crs"
    with pytest.raises(ClimannError, match="several grid mappings \\(crs, crs2\\) and 'plain' to none"):
        grid_mapping_of(dataset, "plain")


def test_a_regular_grid_has_no_geographic_grid(write_grid):
    dataset = open_dataset([write_grid()])
    assert cell_coordinates(dataset) is None


# --- cell areas on projected grids ------------------------------------------------------------
#: NSIDC's sea-ice polar stereographic grid mapping (EPSG:3413), on the WGS 84 ellipsoid.
POLAR_STEREOGRAPHIC = {
    "grid_mapping_name": "polar_stereographic", "straight_vertical_longitude_from_pole": -45.0,
    "latitude_of_projection_origin": 90.0, "standard_parallel": 70.0, "false_easting": 0.0, "false_northing": 0.0,
    "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563,
}


def _write_polar_stereographic(path):
    """8 × 7 cells of 860 km × 1000 km around the North Pole, which lies on the edge between
    the two middle cells of the middle row."""
    x, y = np.linspace(-3e6, 3e6, 8), np.linspace(-3e6, 3e6, 7)
    xr.Dataset(
        {"tas": (("time", "y", "x"), np.full((2, y.size, x.size), 260.0, np.float32), {"units": "K", "grid_mapping": "crs"}),
         "crs": ((), 0, POLAR_STEREOGRAPHIC)},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"}),
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"})},
    ).to_netcdf(path)
    return path


def _geodesic_areas(dataset, scale):
    """Each cell's area on the grid mapping's ellipsoid, by hand: its four corners (midway
    between the centres, half a step beyond the ends) to longitude and latitude with pyproj,
    then pyproj.Geod's polygon area, one cell at a time."""
    import pyproj

    crs = pyproj.CRS.from_cf(dict(dataset["crs"].attrs))
    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    geod = crs.get_geod()
    x, y = dataset["x"].values * scale, dataset["y"].values * scale
    dx, dy = x[1] - x[0], y[1] - y[0]
    areas = np.empty((y.size, x.size))
    for i in range(y.size):
        for j in range(x.size):
            lon, lat = to_lonlat.transform(x[j] + np.array([-1, 1, 1, -1]) * dx / 2, y[i] + np.array([-1, -1, 1, 1]) * dy / 2)
            areas[i, j] = abs(geod.polygon_area_perimeter(lon, lat)[0])
    return areas / areas.mean()


@pytest.mark.parametrize("write, scale", [
    pytest.param(_write_polar_stereographic, 1.0, id="polar-stereographic-around-the-pole"),
    pytest.param(lambda path: write_lambert(path, units="km"), 1000.0, id="lambert-conformal"),
])
def test_projected_cell_areas_are_the_geodesic_areas_of_their_corners(tmp_path, write, scale):
    from climann.data.variables import grid_layout

    dataset = open_dataset([write(tmp_path / "projected.nc")])
    weights = grid_layout(dataset, "tas", ["projected.nc"]).cell_area_weights()
    np.testing.assert_allclose(weights, _geodesic_areas(dataset, scale), rtol=2e-5)


def test_the_two_cells_either_side_of_the_pole_weigh_the_same(tmp_path):
    """The grid is symmetric about the pole; the cells whose shared edge crosses it are the largest."""
    from climann.data.variables import grid_layout

    weights = grid_layout(open_dataset([_write_polar_stereographic(tmp_path / "ps.nc")]), "tas", []).cell_area_weights()
    assert weights[3, 3] == pytest.approx(weights[3, 4], rel=1e-12) and weights[3, 3] == weights.max()
    np.testing.assert_allclose(weights, weights[::-1, ::-1], rtol=1e-9)


@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="2d-lat-lon"), pytest.param(False, id="grid-mapping-only")])
def test_rotated_pole_areas_are_the_exact_areas_of_the_rotated_boxes(tmp_path, with_latlon):
    """A rotation keeps areas: each cell's is (sin φ′₂ − sin φ′₁)(λ′₂ − λ′₁) in rotated degrees."""
    from climann.data.variables import grid_layout

    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=with_latlon)])
    weights = grid_layout(dataset, "tas", []).cell_area_weights()
    band = np.diff(np.sin(np.deg2rad(np.concatenate([RLAT - 2.2, RLAT[-1:] + 2.2]))))
    hand = np.repeat(band[:, None], RLON.size, axis=1)
    np.testing.assert_allclose(weights, hand / hand.mean(), rtol=1e-12)


# --- NEMO's eliminated land processors -----------------------------------------------------------
NEMO_LAT, NEMO_LON = np.arange(-67.5, 68.0, 15.0), np.arange(0.0, 360.0, 45.0)  # 10 × 8 cells


def _write_nemo(path, no_position, *, data_in_tile=False):
    """A regular 15° × 45° ocean grid on y/x with 2-D nav_lat/nav_lon, whose 2 × 3 tile of
    eliminated land processors has coordinates ``no_position`` and (unless asked) no data."""
    lat2d, lon2d = np.meshgrid(NEMO_LAT, NEMO_LON, indexing="ij")
    tile = np.zeros(lat2d.shape, bool)
    tile[6:8, 3:6] = True
    tos = np.broadcast_to(20 * np.cos(np.deg2rad(lat2d)), (3, *lat2d.shape)).astype(np.float32)
    tos = np.where(tile & (not data_in_tile), np.nan, tos)
    xr.Dataset(
        {"tos": (("time_counter", "y", "x"), tos, {"units": "degC", "coordinates": "nav_lat nav_lon"})},
        coords={"time_counter": ("time_counter", [15.0, 45.0, 74.0],
                                 {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}),
                "nav_lat": (("y", "x"), np.where(tile, no_position, lat2d), {"units": "degrees_north", "standard_name": "latitude"}),
                "nav_lon": (("y", "x"), np.where(tile, no_position, lon2d), {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path, tile


@pytest.mark.parametrize("no_position", [pytest.param(0.0, id="zero"), pytest.param(-1.0, id="minus-one"),
                                         pytest.param(np.nan, id="nan")])
def test_eliminated_land_processors_have_no_position_and_no_area(tmp_path, no_position):
    """Their neighbours keep their true areas, ∝ cos φ on this regular grid; the tile weighs 0."""
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", no_position)
    layout = grid_layout(open_dataset([path]), "tos", [str(path)])
    assert np.isnan(layout.geographic.latitude.values[tile]).all() and np.isfinite(layout.geographic.latitude.values[~tile]).all()
    weights = layout.cell_area_weights()
    true = np.diff(np.sin(np.deg2rad(np.concatenate([NEMO_LAT - 7.5, [75.0]]))))[:, None] * np.ones(NEMO_LON.size)
    true[tile] = 0.0
    np.testing.assert_allclose(weights, true / true.mean(), rtol=1e-9)


def test_zeros_in_bounds_and_static_fields_do_not_place_an_eliminated_tile(tmp_path):
    """Corners and a land mask written as 0 on the tile, as the coordinates are: still no position."""
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0)
    dataset = xr.load_dataset(path)
    corners = np.repeat(dataset["nav_lat"].values[..., None], 4, axis=-1)
    dataset["nav_lat_bnds"] = (("y", "x", "nvertex"), np.where(tile[..., None], 0.0, corners + [-7.5, -7.5, 7.5, 7.5]))
    dataset["nav_lat"].attrs["bounds"] = "nav_lat_bnds"
    dataset["tmask"] = (("y", "x"), np.where(tile, 0, 1).astype(np.int8))
    dataset.to_netcdf(tmp_path / "with_extras.nc")
    layout = grid_layout(open_dataset([tmp_path / "with_extras.nc"]), "tos", [])
    assert np.isnan(layout.geographic.latitude.values[tile]).all() and (layout.cell_area_weights()[tile] == 0).all()


def test_a_real_cell_at_zero_north_zero_east_holding_data_keeps_its_place(tmp_path):
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0, data_in_tile=True)
    layout = grid_layout(open_dataset([path]), "tos", [str(path)])
    assert (layout.geographic.latitude.values[tile] == 0.0).all()


def test_cells_holding_data_without_a_position_are_refused(tmp_path):
    from climann.data.variables import grid_layout

    path, _ = _write_nemo(tmp_path / "nemo.nc", np.nan, data_in_tile=True)
    with pytest.raises(ClimannError, match=r"'nav_lat'/'nav_lon' are missing at 6 cells that hold 'tos' data \(first at y=6, x=3\)"):
        grid_layout(open_dataset([path]), "tos", [str(path)])


# --- the file's own cell areas (CF cell_measures) -------------------------------------------------
def _with_cell_measure(path, areas, dims=("y", "x"), *, name="areacello"):
    dataset = xr.load_dataset(path)
    if areas is not None:
        dataset[name] = (dims, areas, {"units": "m2", "standard_name": "cell_area"})
    dataset["tos"].attrs["cell_measures"] = f"area: {name}"
    dataset.to_netcdf(path.with_name(f"measured_{path.name}"))
    return path.with_name(f"measured_{path.name}")


def test_the_cell_areas_named_by_cell_measures_are_the_weights(tmp_path):
    """Whatever the grid's geometry: the model's own areas, land (missing) weighing 0."""
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0)
    areas = np.random.default_rng(0).uniform(0.5, 2.0, tile.shape) * 1e10
    areas[0, 0] = np.nan
    layout = grid_layout(open_dataset([_with_cell_measure(path, areas)]), "tos", [])
    expected = np.where(np.isnan(areas), 0.0, areas)
    np.testing.assert_allclose(layout.cell_area_weights(), expected / expected.mean(), rtol=1e-12)


def test_cell_measures_on_a_regular_grid_are_used_too(tmp_path):
    from climann.data.variables import grid_layout

    # the cells' own areas (edges midway: −45, −15, 15, 45°; 90° wide), each off by up to 5 %, in m²: areas of
    # other cells (remapped from another grid) are refused (break57a A2, tests/data/test_area_shapes.py)
    rows = np.diff(np.sin(np.deg2rad([-45.0, -15.0, 15.0, 45.0])))
    areas = 6.371e6**2 * np.outer(rows, np.full(4, np.pi / 2)) * (1 + 0.05 * np.linspace(-1, 1, 12).reshape(3, 4))
    dataset = xr.Dataset(
        {"tos": (("time", "lat", "lon"), np.ones((2, 3, 4)), {"cell_measures": "area: areacello"}),
         "areacello": (("lat", "lon"), areas)},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
                "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(tmp_path / "regular.nc")
    layout = grid_layout(open_dataset([tmp_path / "regular.nc"]), "tos", [])
    np.testing.assert_allclose(layout.cell_area_weights(), areas / areas.mean(), rtol=1e-12)


def test_an_external_cell_measure_leaves_the_areas_computed(tmp_path):
    """CMIP files name areacello in external_variables, held in another file."""
    from climann.data.variables import grid_layout

    path, _ = _write_nemo(tmp_path / "nemo.nc", 0.0)
    computed = grid_layout(open_dataset([path]), "tos", []).cell_area_weights()
    layout = grid_layout(open_dataset([_with_cell_measure(path, None)]), "tos", [])
    assert layout.cell_areas is None
    np.testing.assert_array_equal(layout.cell_area_weights(), computed)


@pytest.mark.parametrize(
    ("beside", "given"),
    [
        pytest.param(None, "add `--data AREAS.nc`, AREAS.nc being the file of areacello",
                     id="no-file-beside"),
        pytest.param("areacello_Ofx_NEMO_historical_r1i1p1f1_gn.nc",
                     "add `--data areacello_Ofx_NEMO_historical_r1i1p1f1_gn.nc`", id="its-file-beside"),
    ],
)
def test_an_external_cell_measure_is_said_once_per_run_with_the_way_to_give_it(tmp_path, monkeypatch, caplog,
                                                                                beside, given):
    """Computed areas in place of the model's own are said, not silent: one note, however often
    the run opens its files, naming the variable and how to give it: its file with the data
    (never a command that writes into the data file, as ``ncks -A`` did)."""
    import logging

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    monkeypatch.chdir(tmp_path)
    path, _ = _write_nemo(tmp_path / "nemo.nc", 0.0)
    dataset = xr.load_dataset(_with_cell_measure(path, None, name="areacello"))
    dataset.attrs["external_variables"] = "areacello"
    dataset.to_netcdf(tmp_path / "external.nc")
    if beside:
        (tmp_path / beside).write_bytes(b"")
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        for _ in range(2):
            grid_layout(open_dataset([tmp_path / "external.nc"]), "tos", [])
    said = [record.getMessage() for record in caplog.records if "areacello" in record.getMessage()]
    assert said == [
        "the cell areas of 'tos' are in 'areacello' (its cell_measures), which is not in the data (named in the "
        "file's external_variables): the areas are computed from the cell bounds (or from the cell centres without "
        f"them) instead; to use areacello, give its file with the data: {given} (or put it in [data] paths), "
        "matched to external.nc's grid by coordinate"
    ]
    forget_notes()


def test_a_cell_measure_off_the_grid_is_refused(tmp_path):
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0)
    path = _with_cell_measure(path, np.ones(tile.shape[0]), dims=("y",))
    with pytest.raises(ClimannError, match=r"cell measure 'areacello' of 'tos' is on \('y',\), not on the grid's"):
        grid_layout(open_dataset([path]), "tos", [])


# --- a curvilinear grid across the antimeridian -------------------------------------------------
def _tilted_grid_at_the_antimeridian(rlat, rlon):
    """Latitude and longitude (−180…180) of the points (rlat, rlon) of a sphere tilted by 30°
    about the y axis and turned by 180° about the pole, by hand: the grid's centre (0, 0) lies
    at 30°N 180°, its columns run across the antimeridian (170…180, −180…−170)."""
    phi, lam = np.deg2rad(rlat), np.deg2rad(rlon)
    x, y, z = np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)
    tilt = np.deg2rad(30.0)
    x, z = x * np.cos(tilt) - z * np.sin(tilt), x * np.sin(tilt) + z * np.cos(tilt)
    x, y = -x, -y  # 180° about the pole
    return np.rad2deg(np.arcsin(z)), np.rad2deg(np.arctan2(y, x))


@pytest.mark.parametrize("with_bounds, rtol", [
    # great circles between the corners, not the rotated boxes' small circles: 1.2e-4 at the column along 180°
    pytest.param(True, 3e-4, id="with-corners"),
    pytest.param(False, 1e-3, id="centres-only"),  # one-sided steps at the grid's edges: O(Δ²), Δ = 2° = 0.035
])
def test_a_curvilinear_grid_across_the_antimeridian_has_its_areas_and_regions(tmp_path, with_bounds, rtol):
    """The areas are those of the untilted boxes, (sin φ′₂ − sin φ′₁)(λ′₂ − λ′₁) (a rotation
    keeps areas; the grid's edges are not great circles, hence the tolerance of the order of
    the squared cell size); a box across the antimeridian holds the cells whose longitudes are
    inside it, by hand."""
    from climann.data.subset import select_region
    from climann.data.variables import grid_layout
    from climann.evaluation.regions import layout_regions

    rlat, rlon = np.arange(-6.0, 7.0, 2.0), np.arange(-8.0, 9.0, 2.0)
    lat2d, lon2d = _tilted_grid_at_the_antimeridian(*np.meshgrid(rlat, rlon, indexing="ij"))
    assert lon2d.max() > 170 and lon2d.min() < -170  # written as 170…180, −180…−170
    variables = {"tas": (("time", "y", "x"), np.ones((2, *lat2d.shape)), {"units": "K", "coordinates": "lat lon"})}
    lat_attrs, lon_attrs = {"units": "degrees_north"}, {"units": "degrees_east"}
    if with_bounds:
        corner = lambda i, j: _tilted_grid_at_the_antimeridian(*np.meshgrid(rlat + i, rlon + j, indexing="ij"))  # noqa: E731
        corners = [corner(-1, -1), corner(-1, 1), corner(1, 1), corner(1, -1)]
        variables["lat_bnds"] = (("y", "x", "nv"), np.stack([c[0] for c in corners], -1))
        variables["lon_bnds"] = (("y", "x", "nv"), np.stack([c[1] for c in corners], -1))
        lat_attrs["bounds"], lon_attrs["bounds"] = "lat_bnds", "lon_bnds"
    xr.Dataset(variables, coords={
        "time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
        "lat": (("y", "x"), lat2d, lat_attrs), "lon": (("y", "x"), lon2d, lon_attrs)}).to_netcdf(tmp_path / "c.nc")
    dataset = open_dataset([tmp_path / "c.nc"])
    layout = grid_layout(dataset, "tas", [])

    band = np.diff(np.sin(np.deg2rad(np.concatenate([rlat - 1, rlat[-1:] + 1]))))
    exact = np.repeat(band[:, None], rlon.size, axis=1)
    np.testing.assert_allclose(layout.cell_area_weights(), exact / exact.mean(), rtol=rtol)

    box = (25.0, 35.0, 175.0, -175.0)
    inside = (lat2d >= 25) & (lat2d <= 35) & ((lon2d >= 175) | (lon2d <= -175))
    assert 0 < inside.sum() < inside.size
    np.testing.assert_array_equal(layout_regions(layout, {"box": box}, region=())["box"].cells, inside)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    kept = select_region(dataset, box)["tas"].isel(time=0).notnull().values
    np.testing.assert_array_equal(kept, inside[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1])


# --- cell bounds with missing values ----------------------------------------------------------------
@pytest.mark.parametrize(("axis", "row", "cell"), [
    pytest.param("lon", 2, "lon=112.5", id="longitude"),
    pytest.param("lat", 0, "lat=-75", id="latitude"),
])
def test_missing_1d_cell_bounds_are_refused_naming_the_cells_and_the_fix(write_grid, tmp_path, axis, row, cell):
    """A NaN bound leaves the cell's area, which weights training and scores, unknown: refused
    in one line (scores of null before), with the ncatted that has the areas computed from centres."""
    from climann.data.variables import grid_layout

    dataset = xr.load_dataset(write_grid(n_lat=6, n_lon=8))
    for name, step in (("lat", 30.0), ("lon", 45.0)):
        centres = dataset[name].values
        dataset[f"{name}_bnds"] = ((name, "bnds"), np.stack([centres - step / 2, centres + step / 2], axis=1))
        dataset[name].attrs["bounds"] = f"{name}_bnds"
    dataset[f"{axis}_bnds"][row, :] = np.nan
    dataset.to_netcdf(tmp_path / "nan_bounds.nc")
    with pytest.raises(ClimannError, match=(
            rf"^'{axis}_bnds' \(the cell bounds of '{axis}'\) is missing at 1 of \d cells \(first at {cell}\): .*"
            rf"ncatted -a bounds,{axis},d,, {tmp_path}/nan_bounds.nc {tmp_path}/nan_bounds_fixed.nc$")):
        grid_layout(open_dataset([tmp_path / "nan_bounds.nc"]), "tas", [])



# --- 1-D cell bounds that do not hold their coordinate values -------------------------------------
@pytest.mark.parametrize(("axis", "bounds", "said"), [
    pytest.param("lat", lambda lat, lon: _midpoint_bounds(lat)[::-1], "lat=-75 (index 0, counting from 0) lies "
                 "outside its cell 60 to 90 (so do 5 more of its 6 cells)", id="lat-bounds-in-reverse-order"),
    pytest.param("lon", lambda lat, lon: np.roll(_midpoint_bounds(lon), 1, axis=0), "lon=22.5 (index 0, counting "
                 "from 0) lies outside its cell 315 to 360 (so do 7 more of its 8 cells)", id="lon-bounds-shifted"),
])
def test_1d_cell_bounds_that_do_not_hold_their_values_are_refused_as_time_bounds_are(write_grid, tmp_path, monkeypatch,
                                                                                       axis, bounds, said):
    """break13 F3: lat_bnds left south-to-north by a flip of lat weighted each row by another
    row's area (test climatology MSE 1.149728 instead of 1.227234), exit 0."""
    from climann.data.variables import grid_layout

    monkeypatch.chdir(tmp_path)
    dataset = xr.load_dataset(write_grid(n_lat=6, n_lon=8))
    for name in ("lat", "lon"):
        dataset[f"{name}_bnds"] = ((name, "bnds"), _midpoint_bounds(dataset[name].values))
        dataset[name].attrs["bounds"] = f"{name}_bnds"
    dataset[f"{axis}_bnds"].values = bounds(dataset["lat"].values, dataset["lon"].values)
    dataset.to_netcdf(tmp_path / "flipped.nc")
    with pytest.raises(ClimannError) as refused:
        grid_layout(open_dataset([tmp_path / "flipped.nc"]), "tas", [])
    assert str(refused.value) == (
        f"'{axis}_bnds' (the cell bounds of '{axis}') contradicts it: {said}, so the areas, which weight the training "
        f"and the scores, would be those of other cells (CF 7.1: a cell holds its coordinate value); if the {axis} "
        f"values are right, remove the bounds attribute to have the areas computed from them: ncatted -a "
        f"bounds,{axis},d,, flipped.nc flipped_fixed.nc")


def _midpoint_bounds(centres):
    """Cells from the midpoints between the centres, the outer edges as far out as the next
    midpoint (clipped to the poles for latitudes), [lower, upper] per cell."""
    edges = np.concatenate([[1.5 * centres[0] - 0.5 * centres[1]], (centres[1:] + centres[:-1]) / 2,
                            [1.5 * centres[-1] - 0.5 * centres[-2]]])
    return np.stack([edges[:-1], edges[1:]], axis=1)


@pytest.mark.parametrize(("centres", "bounds", "longitude"), [
    pytest.param([-165.0, 180.0], [[-180.0, -150.0], [165.0, -165.0]], True, id="lon-cell-wrapped-at-the-seam"),
    pytest.param([177.5, -177.5], [[175.0, 180.0], [177.5 + 2.5, -175.0]], True, id="dateline-regional"),
    pytest.param([180.0], [[0.0, 360.0]], True, id="one-column-round-the-globe"),
    pytest.param([-45.0, 45.0], [[0.0, -90.0], [90.0, 0.0]], False, id="upper-bound-first"),
    pytest.param([90.000001], [[80.0, 90.0]], False, id="pole-one-ulp-beyond"),
    pytest.param([15.0], [[0.0, 30.0]], True, id="lon-plain"),
])
def test_cells_that_hold_their_values_pass(centres, bounds, longitude):
    from climann.data.grids import centre_outside_cell

    assert centre_outside_cell(np.array(centres), np.array(bounds), longitude=longitude) is None


def _report_grid():
    """break13's cases/c36.py grid: 12 irregular latitudes, 12 longitudes every 30°, monthly
    2000–2009 (noleap), tas = 288 − 30 sin²φ + 3 cos λ + 10 sin φ cos(2π(m−1)/12) + N(0, 1)."""
    import cftime

    lat = np.array([-75.0, -45.0, -15.0, 5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0, 85.0])
    lon = np.arange(0, 360, 30.0)
    times = [cftime.datetime(2000 + i // 12, i % 12 + 1, 15, calendar="noleap") for i in range(120)]
    months = np.array([time.month for time in times])
    rng = np.random.default_rng(0)
    phi, lam = np.meshgrid(np.radians(lat), np.radians(lon), indexing="ij")
    seasons = 10 * np.sin(phi)[None] * np.cos(2 * np.pi * (months[:, None, None] - 1) / 12)
    tas = 288 - 30 * np.sin(phi)[None] ** 2 + 3 * np.cos(lam)[None] + seasons + rng.normal(0, 1, (120, *phi.shape))
    edges = np.concatenate([[-90.0], (lat[1:] + lat[:-1]) / 2, [90.0]])
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K", "standard_name": "air_temperature"}),
         "lat_bnds": (("lat", "bnds"), np.stack([edges[:-1], edges[1:]], axis=1)[::-1].copy())},
        coords={"time": ("time", times), "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})})
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    return dataset


def _hand_climatology_test_mse(tas, times, weights):
    """The monthly climatology of 2000–2005 scored on 2008–2009, weighted by ``weights`` (lat, lon)."""
    years, months = np.array([time.year for time in times]), np.array([time.month for time in times])
    train = years <= 2005
    climatology = np.stack([tas[train & (months == month)].mean(axis=0) for month in range(1, 13)])
    test = np.flatnonzero(years >= 2008)
    errors = climatology[months[test] - 1] - tas[test]
    cells = np.broadcast_to(weights, errors.shape)
    return float((cells * errors ** 2).sum() / cells.sum())


def test_the_advised_fix_of_flipped_lat_bounds_scores_with_the_rows_own_areas(tmp_path, monkeypatch):
    """The file is refused; without its bounds attribute (the advised ncatted) its areas are
    the rows' own, from the midpoints, and the test climatology MSE is the hand one (1.227234;
    with the flipped bounds' areas it was 1.149728)."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    dataset = _report_grid()
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    dataset.to_netcdf(tmp_path / "latb_mismatch.nc")
    dataset["lat"].attrs.pop("bounds")  # ncatted -a bounds,lat,d,, latb_mismatch.nc latb_mismatch_fixed.nc
    dataset.to_netcdf(tmp_path / "latb_mismatch_fixed.nc")

    def train(name):
        config = build_config({"data": {"paths": [str(tmp_path / name)], "target": "tas", "predictors": []},
                               "model": {"hidden": [2]}, "training": {"epochs": 1},
                               "evaluation": {"figures": False}})
        return run_training(config, run_dir=tmp_path / name.removesuffix(".nc")).metrics

    with pytest.raises(ClimannError, match=r"^'lat_bnds' \(the cell bounds of 'lat'\) contradicts it: lat=-75 "):
        train("latb_mismatch.nc")
    metrics = train("latb_mismatch_fixed.nc")
    assert metrics["split_periods"]["test"] == "2008–2009"
    lat, tas, times = dataset["lat"].values, dataset["tas"].values, dataset["time"].values
    edges = np.concatenate([[-90.0], (lat[1:] + lat[:-1]) / 2, [90.0]])
    own = np.abs(np.diff(np.sin(np.radians(edges))))[:, None] * np.ones(12)
    flipped = np.abs(np.diff(np.sin(np.radians(dataset["lat_bnds"].values)), axis=1))[:, 0][:, None] * np.ones(12)
    expected = _hand_climatology_test_mse(tas, times, own)
    assert metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(expected, rel=1e-6)
    assert expected == pytest.approx(1.227234, abs=1e-6)
    assert _hand_climatology_test_mse(tas, times, flipped) == pytest.approx(1.149728, abs=1e-6)

def _nemo_with_corners(tmp_path, n_vertices=4):
    """_write_nemo's grid (every cell placed and holding data) with its 2-D corners as bounds, ``n_vertices`` per cell
    (the ones beyond 4 the fill value: CF 7.1's cells of fewer vertices)."""
    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0, data_in_tile=True)
    dataset = xr.load_dataset(path)
    lat2d, lon2d = np.meshgrid(NEMO_LAT, NEMO_LON, indexing="ij")
    dataset["nav_lat"].values[tile], dataset["nav_lon"].values[tile] = lat2d[tile], lon2d[tile]  # every cell placed
    lat, lon = dataset["nav_lat"].values[..., None], dataset["nav_lon"].values[..., None]
    fill = [np.nan] * (n_vertices - 4)
    dataset["lat_bnds"] = (("y", "x", "nv"), np.concatenate(
        [lat + [-7.5, -7.5, 7.5, 7.5], np.broadcast_to(fill, (*lat.shape[:2], len(fill)))], axis=-1))
    dataset["lon_bnds"] = (("y", "x", "nv"), np.concatenate(
        [lon + [-22.5, 22.5, 22.5, -22.5], np.broadcast_to(fill, (*lat.shape[:2], len(fill)))], axis=-1))
    dataset["nav_lat"].attrs["bounds"], dataset["nav_lon"].attrs["bounds"] = "lat_bnds", "lon_bnds"
    return dataset


def _band_areas():
    """Exact relative areas of the 15° × 45° boxes: (sin φ₂ − sin φ₁) Δλ, the same Δλ in every column."""
    band = np.diff(np.sin(np.deg2rad(np.concatenate([NEMO_LAT - 7.5, [75.0]]))))
    return band[:, None] * np.ones(NEMO_LON.size)


def test_2d_corners_missing_at_a_cell_that_holds_data_are_refused_and_where_never_any_left_without_area(tmp_path):
    from climann.data.variables import grid_layout

    dataset = _nemo_with_corners(tmp_path)
    dataset["lon_bnds"][3, 4, 1] = np.nan
    dataset.to_netcdf(tmp_path / "broken.nc")
    with pytest.raises(ClimannError, match=(
            r"^'lat_bnds'/'lon_bnds' \(the cell corners of 'nav_lat'/'nav_lon'\) are missing at 1 cells that hold "
            rf"'tos' data \(first at y=3, x=4\): .*ncatted -a bounds,nav_lon,d,, {tmp_path}/broken.nc "
            rf"{tmp_path}/broken_fixed.nc$")):
        grid_layout(open_dataset([tmp_path / "broken.nc"]), "tos", [])
    dataset["tos"][:, 3, 4] = np.nan  # land: no data at any time, so its area weighs nothing
    dataset.to_netcdf(tmp_path / "land.nc")
    weights = grid_layout(open_dataset([tmp_path / "land.nc"]), "tos", []).cell_area_weights()
    true = _band_areas()
    true[3, 4] = 0.0
    np.testing.assert_allclose(weights, true / true.mean(), rtol=1e-9)


@pytest.mark.parametrize("fill", [-999.0, 1e20])
def test_2d_corners_off_the_globe_where_the_target_never_holds_data_leave_the_cell_without_area(tmp_path, fill):
    """verify21b F0: an undeclared fill (-999, 1e20) in the corners of land cells refused the whole file as "no
    latitude" since the check of corners beyond the poles; such a cell carries no sample and no weight, and is left
    without an area as a cell with a corner missing is. At a cell with data the same corners are still refused."""
    from climann.data.variables import grid_layout

    dataset = _nemo_with_corners(tmp_path)
    dataset["lat_bnds"][3, 4, :] = fill
    dataset["tos"][:, 3, 4] = np.nan  # land: no data at any time
    dataset.to_netcdf(tmp_path / "land.nc")
    weights = grid_layout(open_dataset([tmp_path / "land.nc"]), "tos", []).cell_area_weights()
    true = _band_areas()
    true[3, 4] = 0.0
    np.testing.assert_allclose(weights, true / true.mean(), rtol=1e-9)
    dataset = _nemo_with_corners(tmp_path)
    dataset["lat_bnds"][3, 4, :] = fill
    dataset.to_netcdf(tmp_path / "sea.nc")
    with pytest.raises(ClimannError, match="which is no latitude"):
        grid_layout(open_dataset([tmp_path / "sea.nc"]), "tos", [])


def _with_forcing_everywhere(dataset):
    """A predictor with values on every cell (a forcing field given on land too), beside tos."""
    dataset["rsdt"] = (("time_counter", "y", "x"), np.full(dataset["tos"].shape, 300.0, np.float32), {"units": "W m-2"})
    return dataset


def test_2d_corners_missing_where_only_a_predictor_holds_data_leave_the_cell_without_area(tmp_path):
    """The cells are judged by the target: no sample and no weight where tos never holds data,
    whatever rsdt holds there; without a target every variable is asked, as before."""
    from climann.data.variables import grid_layout

    dataset = _with_forcing_everywhere(_nemo_with_corners(tmp_path))
    dataset["lon_bnds"][3, 4, 1] = np.nan
    dataset["tos"][:, 3, 4] = np.nan
    dataset.to_netcdf(tmp_path / "forcing_on_land.nc")
    weights = grid_layout(open_dataset([tmp_path / "forcing_on_land.nc"]), "tos", []).cell_area_weights()
    true = _band_areas()
    true[3, 4] = 0.0
    np.testing.assert_allclose(weights, true / true.mean(), rtol=1e-9)
    with pytest.raises(ClimannError, match=r"are missing at 1 cells that hold data \(first at y=3, x=4\)"):
        horizontal_grid(open_dataset([tmp_path / "forcing_on_land.nc"]))
    with pytest.raises(ClimannError, match=r"are missing at 1 cells that hold 'rsdt' data \(first at y=3, x=4\)"):
        grid_layout(open_dataset([tmp_path / "forcing_on_land.nc"]), "rsdt", [])


def test_a_stand_in_target_leaves_the_cells_judged_by_every_variable(tmp_path):
    """climann predict on data without the target: its all-missing stand-in holds no data, the
    predictions come from rsdt, which holds data where the corners are missing."""
    from climann.data.grids import STAND_IN_TARGET
    from climann.data.variables import grid_layout

    dataset = _with_forcing_everywhere(_nemo_with_corners(tmp_path)).drop_vars("tos")
    dataset["lon_bnds"][3, 4, 1] = np.nan
    dataset.to_netcdf(tmp_path / "no_target.nc")
    opened = open_dataset([tmp_path / "no_target.nc"])
    opened["tos"] = xr.full_like(opened["rsdt"], np.nan)
    opened["tos"].encoding[STAND_IN_TARGET] = True
    with pytest.raises(ClimannError, match=r"are missing at 1 cells that hold data \(first at y=3, x=4\)"):
        grid_layout(opened, "tos", [])


def test_an_eliminated_tile_where_only_a_predictor_holds_data_has_no_position(tmp_path):
    """NEMO's eliminated tile (nav_lat/nav_lon 0) under a forcing field given everywhere: tos
    has no data there, so the tile is not a real cell at 0°N 0°E."""
    from climann.data.variables import grid_layout

    path, tile = _write_nemo(tmp_path / "nemo.nc", 0.0)
    _with_forcing_everywhere(xr.load_dataset(path)).to_netcdf(tmp_path / "forcing.nc")
    layout = grid_layout(open_dataset([tmp_path / "forcing.nc"]), "tos", [])
    assert np.isnan(layout.geographic.latitude.values[tile]).all() and (layout.cell_area_weights()[tile] == 0).all()


def test_fill_values_ending_the_vertices_of_fewer_sided_cells_are_not_missing_corners(tmp_path):
    """Four corners in a vertex dimension of 6, the last two the fill value (CF 7.1): the
    areas are those of the four-sided boxes."""
    from climann.data.variables import grid_layout

    _nemo_with_corners(tmp_path, n_vertices=6).to_netcdf(tmp_path / "six.nc")
    weights = grid_layout(open_dataset([tmp_path / "six.nc"]), "tos", []).cell_area_weights()
    np.testing.assert_allclose(weights, _band_areas() / _band_areas().mean(), rtol=1e-9)


# --- the false origin's unit, the file's own positions and geostationary scanning angles ----------
def _narr_geodesic_areas():
    """Each cell's area by hand: its corners (midway between centres) in metres with the false
    origin at its true place, to degrees with PROJ, pyproj.Geod's polygon area on the sphere."""
    import pyproj

    geod = pyproj.Geod(a=6371200.0, b=6371200.0)
    x_edges = np.concatenate([[NARR_X_KM[0] - 16.2315], NARR_X_KM + 16.2315]) * 1000
    y_edges = np.concatenate([[NARR_Y_KM[0] - 16.2315], NARR_Y_KM + 16.2315]) * 1000
    areas = np.empty((NARR_Y_KM.size, NARR_X_KM.size))
    for i in range(NARR_Y_KM.size):
        for j in range(NARR_X_KM.size):
            latitude, longitude = proj4_positions(NARR_PROJ4, x_edges[[j, j + 1, j + 1, j]], y_edges[[i, i, i + 1, i + 1]])
            areas[i, j] = abs(geod.polygon_area_perimeter(longitude, latitude)[0])
    return areas / areas.mean()


def test_a_false_easting_in_km_beside_km_axes_is_read_in_km_with_a_warning_naming_both_places(tmp_path, caplog):
    """CF appendix F: in the unit of the x/y axes. Read as metres (before), the tile lay 3000 km
    away, south-east of Iceland; no 2-D lat/lon decides, so the other reading is said, once."""
    import logging

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    path = write_narr(tmp_path / "narr_km.nc", NARR_KM)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        for _ in range(2):
            layout = grid_layout(open_dataset([path]), "air", [str(path)])
    latitude, longitude = narr_true_positions()
    np.testing.assert_allclose(layout.geographic.latitude.values, latitude, atol=1e-9)
    np.testing.assert_allclose(layout.geographic.longitude.values, longitude, atol=1e-9)
    assert 35.5 < latitude.min() and latitude.max() < 39.2  # off California
    np.testing.assert_allclose(layout.cell_area_weights(), _narr_geodesic_areas(), rtol=1e-6)
    said = [record.getMessage() for record in caplog.records if "false_easting" in record.getMessage()]
    assert len(said) == 1
    assert said[0].startswith(
        "grid mapping 'Lambert_Conformal' gives false_easting 5632.64222547 and false_northing 4612.54565137 beside "
        f"x/y in km: read in km, as CF says (appendix F), the grid lies at latitude {latitude.min():.2f}…"
        f"{latitude.max():.2f}, longitude {longitude.min():.2f}…{longitude.max():.2f}; read in metres (as NARR's "
        "files write them) at latitude 63.26…67.41")
    copy = tmp_path / "grid_mapping_fixed" / "narr_km.nc"
    assert without_guards(said[0]).endswith(
        "the km reading is used, and the file's own 2-D latitude and longitude would decide; if metres are meant, "
        f"write the false origin in the axes' unit, as CF reads it: mkdir -p {tmp_path / 'grid_mapping_fixed'} && "
        "ncatted -a false_easting,Lambert_Conformal,o,d,5.63264222547 -a false_northing,Lambert_Conformal,o,d,"
        f"4.61254565137 {path} {copy} (its copy in a new folder), then give --data {copy} in place of {path}")
    forget_notes()
    # run as printed (fix56a: narr_km_fixed.nc was written beside narr_km.nc): the false origin in km, as metres meant
    import subprocess

    subprocess.run(said[0].split("as CF reads it: ", 1)[1].split(" (its copy", 1)[0], shell=True, check=True,
                   capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["grid_mapping_fixed", "narr_km.nc"]
    with netCDF4.Dataset(copy) as nc, netCDF4.Dataset(path) as original:
        mapping = nc["Lambert_Conformal"]
        assert (mapping.false_easting, mapping.false_northing) == pytest.approx(
            (original["Lambert_Conformal"].false_easting / 1000, original["Lambert_Conformal"].false_northing / 1000),
            rel=1e-11)
        np.testing.assert_array_equal(nc["air"][:], original["air"][:])


@pytest.mark.parametrize("mapping", [pytest.param(NARR_KM, id="in-km-as-CF"), pytest.param(NARR_M, id="in-metres")])
def test_with_2d_latitude_and_longitude_the_reading_that_matches_them_places_the_cells(tmp_path, caplog, mapping):
    """NARR's files write the false origin in metres beside x/y in km, CF in km: the file's own
    positions tell which is meant; the areas, from the mapping's corners, are then the true ones
    (the misread ones differ by up to 1 %: the Lambert scale factor at 65°N instead of 37°N)."""
    import logging

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    path = write_narr(tmp_path / "narr.nc", mapping, positions=narr_true_positions())
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        weights = grid_layout(open_dataset([path]), "air", [str(path)]).cell_area_weights()
    np.testing.assert_allclose(weights, _narr_geodesic_areas(), rtol=1e-6)
    assert not [record for record in caplog.records if "false_easting" in record.getMessage()]
    forget_notes()


def test_a_false_easting_in_metres_without_positions_is_read_so_when_km_put_the_grid_in_a_point(tmp_path, caplog):
    """NARR's 5632642 read as km puts the whole tile within metres of the South Pole: not a
    reading; metres are taken, with the warning and the ncatted that writes them as CF reads them."""
    import logging

    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        _, latitude, _ = cell_coordinates(open_dataset([write_narr(tmp_path / "narr_m.nc", NARR_M)]))
    np.testing.assert_allclose(latitude, narr_true_positions()[0], atol=1e-9)
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "read in km, as CF says (appendix F), the grid lies at latitude -89.97…-89.97" in said
    assert "the metres reading is used" in said and "false_easting,Lambert_Conformal,o,d,5632.64222547 " in said
    forget_notes()


def test_a_false_origin_that_no_reading_puts_on_a_grid_is_refused(tmp_path):
    mapping = {**NARR_M, "false_easting": 5.6e12, "false_northing": 4.6e12}
    with pytest.raises(ClimannError, match=r"gives false_easting 5.6e\+12 and false_northing 4.6e\+12 "
                                           r"beside x/y in km: read in km.*read in metres.*check the grid mapping's"):
        cell_coordinates(open_dataset([write_narr(tmp_path / "narr_far.nc", mapping)]))


@pytest.mark.parametrize("mapping", [pytest.param(NARR_KM, id="two-readings"),
                                     pytest.param({**NARR_KM, "false_easting": 0.0, "false_northing": 0.0},
                                                  id="one-reading")])
def test_a_grid_mapping_far_from_the_files_own_positions_is_refused_naming_the_distance(tmp_path, mapping):
    """The positions 1° of latitude north of the mapping's (111.2 km on the Earth's mean sphere):
    the areas would come from one place, the positions from another."""
    from climann.data.variables import grid_layout

    x, y = np.meshgrid(NARR_X_KM * 1000, NARR_Y_KM * 1000)
    if mapping["false_easting"] == 0.0:
        x, y = x + 5632642.22547, y + 4612545.65137  # where the mapping without a false origin puts them
    latitude, longitude = proj4_positions(NARR_PROJ4, x, y)
    path = write_narr(tmp_path / "shifted.nc", mapping, positions=(latitude + 1.0, longitude))
    if mapping["false_easting"]:
        expected = r"neither reading places the cells near the file's own 'lat'/'lon': read in km \(CF appendix F\) " \
                   r"they lie up to 111 km from them, read in metres up to \d+ km"
    else:
        expected = r"\(lambert_conformal_conic\) places the cells up to 111 km from the file's own 'lat'/'lon'"
    with pytest.raises(ClimannError, match=expected + r".*ncatted -a grid_mapping,,d,, "):
        grid_layout(open_dataset([path]), "air", [str(path)])


@pytest.mark.parametrize("mapping", [pytest.param(NARR_KM, id="in-km-as-CF"), pytest.param(NARR_M, id="in-metres")])
def test_positions_20_km_from_the_mappings_are_the_same_cells(tmp_path, mapping):
    """lat/lon computed on another figure of the Earth than the mapping's (WGS 84 for a sphere)
    lie up to ~20 km from its positions: 0.18° of latitude (20 km) north is accepted, and the
    areas are the mapping's."""
    from climann.data.variables import grid_layout

    latitude, longitude = narr_true_positions()
    path = write_narr(tmp_path / "near.nc", mapping, positions=(latitude + 0.18, longitude))
    np.testing.assert_allclose(grid_layout(open_dataset([path]), "air", [str(path)]).cell_area_weights(),
                               _narr_geodesic_areas(), rtol=1e-6)


#: GOES-16 ABI's fixed grid (the product user guide's goes_imager_projection).
GOES_EAST = {"grid_mapping_name": "geostationary", "perspective_point_height": 35786023.0,
             "semi_major_axis": 6378137.0, "semi_minor_axis": 6356752.31414, "inverse_flattening": 298.2572221,
             "latitude_of_projection_origin": 0.0, "longitude_of_projection_origin": -75.0, "sweep_angle_axis": "x"}
GOES_PROJ4 = "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +a=6378137 +b=6356752.31414 +units=m"


def _write_goes(path, mapping=GOES_EAST, units="rad"):
    """10 × 8 cells of the ABI fixed grid, x/y scanning angles (CF appendix F) in ``units``."""
    x, y = np.linspace(-0.02, 0.02, 10), np.linspace(0.06, 0.03, 8)
    time = xr.date_range("2018-01-01", periods=24, freq="MS", use_cftime=True)
    xr.Dataset(
        {"LST": (("time", "y", "x"), np.full((24, 8, 10), 295.0, np.float32),
                 {"units": "K", "grid_mapping": "goes_imager_projection"}),
         "goes_imager_projection": ((), np.int32(0), mapping)},
        coords={"time": time, "x": ("x", x, {"units": units, "standard_name": "projection_x_coordinate"}),
                "y": ("y", y, {"units": units, "standard_name": "projection_y_coordinate"})},
    ).to_netcdf(path)
    return path, x, y


def test_a_geostationary_grid_in_radians_is_placed_by_its_scanning_angles(tmp_path):
    """PROJ's geos x/y in metres are the angles times the satellite's height; the areas are the
    geodesic areas of the corners so placed, on GRS 80, by hand."""
    import pyproj

    from climann.data.variables import grid_layout

    path, x, y = _write_goes(tmp_path / "abi.nc")
    layout = grid_layout(open_dataset([path]), "LST", [str(path)])
    height = GOES_EAST["perspective_point_height"]
    latitude, longitude = proj4_positions(GOES_PROJ4, *np.meshgrid(x * height, y * height))
    np.testing.assert_allclose(layout.geographic.latitude.values, latitude, atol=1e-9)
    np.testing.assert_allclose(layout.geographic.longitude.values, longitude, atol=1e-9)
    assert latitude.min() == pytest.approx(9.7837, abs=1e-4) and latitude.max() == pytest.approx(20.0753, abs=1e-4)
    geod = pyproj.Geod(a=6378137.0, b=6356752.31414)
    x_edges = np.concatenate([[x[0] - (x[1] - x[0]) / 2], (x[1:] + x[:-1]) / 2, [x[-1] + (x[1] - x[0]) / 2]]) * height
    y_edges = np.concatenate([[y[0] - (y[1] - y[0]) / 2], (y[1:] + y[:-1]) / 2, [y[-1] + (y[1] - y[0]) / 2]]) * height
    areas = np.array([[abs(geod.polygon_area_perimeter(*proj4_positions(
        GOES_PROJ4, x_edges[[j, j + 1, j + 1, j]], y_edges[[i, i, i + 1, i + 1]])[::-1])[0])
        for j in range(x.size)] for i in range(y.size)])
    assert areas.max() / areas.min() > 1.05  # not equal areas: the test tells them apart
    np.testing.assert_allclose(layout.cell_area_weights(), areas / areas.mean(), rtol=1e-6)


@pytest.mark.parametrize(("mapping", "units", "expected"), [
    pytest.param({k: v for k, v in GOES_EAST.items() if k != "perspective_point_height"}, "rad",
                 r"scanning angle in 'rad' on the geostationary grid mapping 'goes_imager_projection', which has no "
                 r"perspective_point_height .*ncatted -a perspective_point_height,goes_imager_projection,o,d,35786023 ",
                 id="geostationary-without-height"),
    pytest.param(GOES_EAST, "degrees", r"projected axis 'y' has units 'degrees'; expected a length .*, or on this "
                 r"geostationary grid a scanning angle in rad or radian or radians \(CF appendix F\)",
                 id="geostationary-in-degrees"),
    pytest.param(NARR_KM, "rad", r"projected axis 'y' has units 'rad'; expected a length \(m, km, or any UDUNITS length",
                 id="lambert-in-rad"),
])
def test_axes_that_cannot_be_read_as_the_projections_metres_are_refused(tmp_path, mapping, units, expected):
    path, _, _ = _write_goes(tmp_path / "abi.nc", mapping, units)
    with pytest.raises(ClimannError, match=expected):
        cell_coordinates(open_dataset([path]))


def test_cells_on_the_limb_of_a_geostationary_disk_weigh_nothing_and_are_said(tmp_path, caplog):
    """A full-disk grid: cells whose centre is on the Earth but a corner off it (PROJ gives no
    place) have no known area; by hand, those with a corner off the disk."""
    import logging

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    height = GOES_EAST["perspective_point_height"]
    x = y = np.linspace(-0.15, 0.15, 12)
    half = (x[1] - x[0]) / 2
    centre_lat, _ = proj4_positions(GOES_PROJ4, *np.meshgrid(x * height, y * height))
    corners = [proj4_positions(GOES_PROJ4, *np.meshgrid((x + dx) * height, (y + dy) * height))[0]
               for dx in (-half, half) for dy in (-half, half)]
    on_disk = np.isfinite(centre_lat)
    limb = on_disk & ~np.all([np.isfinite(corner) for corner in corners], axis=0)
    assert limb.sum() > 0 and (on_disk & ~limb).sum() > 0
    time = xr.date_range("2018-01-01", periods=3, freq="MS", use_cftime=True)
    xr.Dataset(
        {"LST": (("time", "y", "x"), np.where(on_disk, 295.0, np.nan)[None].repeat(3, 0).astype(np.float32),
                 {"units": "K", "grid_mapping": "goes_imager_projection"}),
         "goes_imager_projection": ((), np.int32(0), GOES_EAST)},
        coords={"time": time, "x": ("x", x, {"units": "rad", "standard_name": "projection_x_coordinate"}),
                "y": ("y", y, {"units": "rad", "standard_name": "projection_y_coordinate"})},
    ).to_netcdf(tmp_path / "disk.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        weights = grid_layout(open_dataset([tmp_path / "disk.nc"]), "LST", []).cell_area_weights()
    np.testing.assert_array_equal(weights == 0, ~on_disk | limb)
    said = [record.getMessage() for record in caplog.records if "off the Earth" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"{int(limb.sum())} cells holding 'LST' data (first at y=")
    forget_notes()


@pytest.mark.parametrize(("name", "advice"), [
    pytest.param("rotation_latitude_longitude", "did you mean 'rotated_latitude_longitude'? ncatted -a "
                 "grid_mapping_name,rotated_pole,o,c,rotated_latitude_longitude", id="misspelled"),
    pytest.param("my_projection", "write the mapping's CF name: ncatted -a grid_mapping_name,rotated_pole,o,c,NAME",
                 id="unknown"),
    pytest.param(None, "write the mapping's CF name: ncatted -a grid_mapping_name,rotated_pole,o,c,NAME", id="missing"),
])
def test_a_grid_mapping_name_not_in_cf_appendix_f_is_named_with_the_fix(tmp_path, name, advice):
    """A CORDEX file whose mapping says 'rotation_latitude_longitude' was refused for "projected
    axis 'rlat' has units 'degrees'; expected a length": its rotated degrees read as a map
    projection's x/y. The refusal names the mapping, its name, CF's names and the ncatted that
    writes the closest; with that name written the file is placed as the correct one is."""
    import netCDF4

    expected = cell_coordinates(open_dataset([write_rotated(tmp_path / "right.nc", with_latlon=False)]))
    path, fixed = (write_rotated(tmp_path / f"{file}.nc", with_latlon=False) for file in ("rotated", "fixed"))
    with netCDF4.Dataset(path, "a") as nc:
        if name is None:
            nc["rotated_pole"].delncattr("grid_mapping_name")
        else:
            nc["rotated_pole"].grid_mapping_name = name
    with pytest.raises(ClimannError) as refused:
        cell_coordinates(open_dataset([path]))
    message = str(refused.value)
    said = f"has grid_mapping_name '{name}'" if name else "has no grid_mapping_name"
    assert message.startswith(f"grid mapping 'rotated_pole' (of axes 'rlat', 'rlon') {said}, which is none of CF's "
                              "(Appendix F: albers_conical_equal_area, "), message
    assert "rotated_latitude_longitude, sinusoidal" in message and "units 'degrees'" not in message
    copy = tmp_path / "grid_mapping_fixed" / "rotated.nc"
    assert without_guards(message).endswith(
        f"mkdir -p {copy.parent} && {advice.rsplit(': ', 1)[-1].rsplit('? ', 1)[-1]} {path} {copy} (its copy in a new "
        f"folder), then give --data {copy} in place of {path}, with the other files of {tmp_path} given as before "
        f"(--data {tmp_path / 'fixed.nc'} --data {tmp_path / 'right.nc'})"), message
    if name == "rotation_latitude_longitude":  # the name the message advises, run as printed (fix56a: beside it)
        import subprocess

        subprocess.run(message.split("? ", 1)[1].split(" (its copy", 1)[0], shell=True, check=True,
                       capture_output=True)
        assert sorted(os.listdir(tmp_path)) == ["fixed.nc", "grid_mapping_fixed", "right.nc", "rotated.nc"]
        placed = cell_coordinates(open_dataset([copy]))
        np.testing.assert_array_equal(placed[1], expected[1])
        np.testing.assert_array_equal(placed[2], expected[2])


# --- latitude bounds beyond the poles ---------------------------------------------------------------
def _era_like_with_extrapolated_bounds(path):
    """Rows 90 … −90 every 30°, the bounds half a spacing either side of each centre, past the poles
    at the end rows ([105, 75] for the 90° row: cf_xarray's add_bounds on ERA5's layout)."""
    lat, lon = np.arange(90.0, -91.0, -30.0), np.arange(0.0, 360.0, 45.0)
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), np.full((2, lat.size, lon.size), 260.0, np.float32), {"units": "K"}),
         "lat_bnds": (("lat", "bnds"), np.stack([lat + 15.0, lat - 15.0], axis=1)),
         "lon_bnds": (("lon", "bnds"), np.stack([lon - 22.5, lon + 22.5], axis=1))},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
                "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bnds"})},
    ).to_netcdf(path)
    return path


def test_1d_latitude_bounds_past_the_poles_are_clipped_with_a_warning(tmp_path, caplog):
    """break21c F1: the polar rows' bounds [105, 75] gave them |sin 105° − sin 75°| = 0 area, no word."""
    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    forget_notes()
    path = _era_like_with_extrapolated_bounds(tmp_path / "era.nc")
    weights = grid_layout(open_dataset([path]), "tas", []).cell_area_weights()
    edges = np.deg2rad(np.array([90.0, 75.0, 45.0, 15.0, -15.0, -45.0, -75.0, -90.0]))
    by_hand = np.abs(np.diff(np.sin(edges)))[:, None] * np.ones(8)
    np.testing.assert_allclose(weights, by_hand / by_hand.mean(), rtol=1e-12)
    said = [r.getMessage() for r in caplog.records if "beyond the pole" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("'lat_bnds' (the cell bounds of 'lat') reaches latitude 105 at 2 ")
    assert "clipped at ±90°" in said[0] and "where(lat_bnds>90) lat_bnds=90" in said[0]


@functools.lru_cache(maxsize=1)
def _polar_stereographic_to_lonlat():
    """pyproj's transformer from NSIDC's polar stereographic plane to longitude, latitude, made once
    (reading the mapping's datum takes pyproj most of a second)."""
    import pyproj

    return pyproj.Transformer.from_crs(pyproj.CRS.from_cf(POLAR_STEREOGRAPHIC), "EPSG:4326", always_xy=True)


def _polar_cells_with_corners(path, pole_corner):
    """4 × 4 cells of 25 km around the North Pole (NSIDC's polar stereographic plane), written as bare 2-D
    latitude/longitude with their exact corners as bounds (as CMIP sea-ice files carry them), the corners on
    the pole written ``pole_corner``; and the true corners."""
    to_lonlat = _polar_stereographic_to_lonlat()
    centres = np.arange(-37.5e3, 40e3, 25e3)
    x, y = np.meshgrid(centres, centres[::-1])
    lon, lat = to_lonlat.transform(x, y)
    corner_x = x[..., None] + np.array([-1, 1, 1, -1]) * 12.5e3
    corner_y = y[..., None] + np.array([1, 1, -1, -1]) * 12.5e3
    corner_lon, corner_lat = to_lonlat.transform(corner_x, corner_y)
    written = np.where(np.isclose(corner_lat, 90.0, atol=1e-9), pole_corner, corner_lat)
    xr.Dataset(
        {"tas": (("time", "y", "x"), np.full((2, 4, 4), 260.0, np.float32),
                 {"units": "K", "coordinates": "latitude longitude"}),
         "latitude_bnds": (("y", "x", "nv"), written), "longitude_bnds": (("y", "x", "nv"), corner_lon)},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
                "latitude": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north",
                                                "bounds": "latitude_bnds"}),
                "longitude": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east",
                                                 "bounds": "longitude_bnds"})},
    ).to_netcdf(path)
    return np.where(np.isclose(corner_lat, 90.0, atol=1e-9), 90.0, corner_lat), corner_lon


def test_2d_corners_past_a_pole_are_clipped_to_it_and_the_polar_cells_get_their_areas(tmp_path, caplog):
    """break21c F1: corners at 90.5° (a unit vector at 89.5° on the opposite meridian) gave the four cells at the
    pole 0.08 and 2.08 times their areas; clipped, their areas are pyproj.Geod's of the true corners."""
    import pyproj

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    forget_notes()
    corner_lat, corner_lon = _polar_cells_with_corners(tmp_path / "corners.nc", 90.5)
    layout = grid_layout(open_dataset([tmp_path / "corners.nc"]), "tas", [])
    np.testing.assert_array_equal(layout.geographic.latitude_bounds.values, corner_lat)
    weights = layout.cell_area_weights()
    geod = pyproj.Geod(a=6371000.0, b=6371000.0)
    at_the_pole = [(1, 1), (1, 2), (2, 1), (2, 2)]
    by_hand = np.array([abs(geod.polygon_area_perimeter(corner_lon[cell], corner_lat[cell])[0]) for cell in at_the_pole])
    ours = np.array([weights[cell] for cell in at_the_pole])
    np.testing.assert_allclose(ours / ours.mean(), by_hand / by_hand.mean(), rtol=1e-9)
    assert any(r.getMessage().startswith("'latitude_bnds' (the cell bounds of 'latitude') reaches latitude 90.5 at 4 ")
               for r in caplog.records)


def test_2d_corners_that_are_no_latitude_are_refused_naming_the_value_and_the_fix(tmp_path, monkeypatch):
    """A corner beyond 180° is no latitude (an undeclared fill value): refused, not clipped."""
    from climann.data.variables import grid_layout

    monkeypatch.chdir(tmp_path)
    _polar_cells_with_corners(tmp_path / "corners.nc", 9.96921e36)
    with pytest.raises(ClimannError) as refused:
        grid_layout(open_dataset([tmp_path / "corners.nc"]), "tas", [])
    assert str(refused.value).startswith(
        "'latitude_bnds' (the cell bounds of 'latitude') reaches latitude 9.96921e+36, which is no latitude")
    assert str(refused.value).endswith(
        "clip them at ±90: ncap2 -s 'where(latitude_bnds>90) latitude_bnds=90; where(latitude_bnds<-90) "
        "latitude_bnds=-90' corners.nc corners_fixed.nc")


@pytest.mark.parametrize("collapsed", [pytest.param(False, id="quadrilaterals"),
                                       pytest.param(True, id="with-a-collapsed-cell")])
def test_2d_corners_listed_row_by_row_are_read_round_the_cell_with_a_warning(tmp_path, caplog, collapsed):
    """break21c F2 (bowtie): corners SW, SE, NW, NE made crossed polygons whose areas were 2e-6 … 0.24 of the
    cells', no word; read round the cell, the areas are pyproj.Geod's of the true corners. verify21b F2: one cell
    written as a triangle (its last vertex repeated, as collapsed cells at a pole or a fold are) is crossed in
    neither order, and blocked the reading of the other crossed cells (the file was refused); its area is the
    triangle's."""
    import pyproj

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    forget_notes()
    corner_lat, corner_lon = _polar_cells_with_corners(tmp_path / "corners.nc", 90.0)
    if collapsed:
        corner_lat[3, 3, 3], corner_lon[3, 3, 3] = corner_lat[3, 3, 2], corner_lon[3, 3, 2]
    dataset = xr.load_dataset(tmp_path / "corners.nc")
    dataset["latitude_bnds"].values = corner_lat[..., [0, 1, 3, 2]]
    dataset["longitude_bnds"].values = corner_lon[..., [0, 1, 3, 2]]
    dataset.to_netcdf(tmp_path / "bowtie.nc")
    weights = grid_layout(open_dataset([tmp_path / "bowtie.nc"]), "tas", []).cell_area_weights()
    geod = pyproj.Geod(a=6371000.0, b=6371000.0)
    by_hand = np.array([[abs(geod.polygon_area_perimeter(corner_lon[i, j], corner_lat[i, j])[0]) for j in range(4)]
                        for i in range(4)])
    np.testing.assert_allclose(weights, by_hand / by_hand.mean(), rtol=1e-9)
    assert any("list each cell's vertices row by row" in r.getMessage() for r in caplog.records)


def test_2d_corners_crossed_at_some_cells_only_are_refused_naming_the_first(tmp_path):
    from climann.data.variables import grid_layout

    _polar_cells_with_corners(tmp_path / "corners.nc", 90.0)
    dataset = xr.load_dataset(tmp_path / "corners.nc")
    for name in ("latitude_bnds", "longitude_bnds"):
        dataset[name].values[0, 2] = dataset[name].values[0, 2, [0, 1, 3, 2]]
    dataset.to_netcdf(tmp_path / "one_crossed.nc")
    with pytest.raises(ClimannError, match=r"^'latitude_bnds'/'longitude_bnds' \(the cell corners of 'latitude'/"
                                           r"'longitude'\) do not go round 1 of 16 cells \(first at index 0, 2: "):
        grid_layout(open_dataset([tmp_path / "one_crossed.nc"]), "tas", [])


def test_crossed_corners_that_several_files_carry_are_named_in_each(tmp_path):
    """break24a F1: CMIP files of one variable each carry the same vertices; the way out named one of them, so
    the run refused the next. Now the ncatted command for the first and the others named."""
    from climann.data.variables import grid_layout

    _polar_cells_with_corners(tmp_path / "corners.nc", 90.0)
    dataset = xr.load_dataset(tmp_path / "corners.nc")
    for name in ("latitude_bnds", "longitude_bnds"):
        dataset[name].values[0, 2] = dataset[name].values[0, 2, [0, 1, 3, 2]]
    dataset.to_netcdf(tmp_path / "a_tas.nc")
    dataset.rename(tas="psl").to_netcdf(tmp_path / "b_psl.nc")
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([tmp_path / "a_tas.nc", tmp_path / "b_psl.nc"]), "tas", ["psl"])
    assert str(error.value).endswith(
        f"ncatted -a bounds,longitude,d,, {tmp_path}/a_tas.nc {tmp_path}/a_tas_fixed.nc, and the same in b_psl.nc, "
        "which holds them too")


@pytest.mark.parametrize("descending", [pytest.param(False, id="y-ascending"), pytest.param(True, id="y-descending")])
def test_corners_computed_from_a_mapping_go_anticlockwise_whatever_the_y_direction(tmp_path, descending):
    """break21c F10: on grids whose y axis descends (NSIDC, EASE-Grid 2.0) the corners climann writes ran clockwise;
    CF 7.1 asks for anticlockwise. By hand: the signed shoelace area in the (lon, lat) plane is positive."""
    dataset = xr.load_dataset(write_lambert(tmp_path / "lambert.nc", units="km"))
    if descending:
        dataset = dataset.isel(y=slice(None, None, -1))
    dataset.to_netcdf(tmp_path / "ordered.nc")
    grid = geographic_grid(open_dataset([tmp_path / "ordered.nc"]), ("y", "x"), grid_mapping_of(dataset, "tas"))
    lat, lon = grid.latitude_bounds.values, grid.longitude_bounds.values
    signed = 0.5 * np.sum(lon * np.roll(lat, -1, axis=-1) - np.roll(lon, -1, axis=-1) * lat, axis=-1)
    assert (signed > 0).all()


def test_a_pole_corner_written_in_float32_is_the_pole_without_a_warning(tmp_path, caplog):
    """verify21b F3: a pole corner written as float32(90.00001) = 90.0000076 was warned of as "reaches latitude 90 …
    beyond the pole (bounds extrapolated …)"; it is the pole, clipped without a word, the areas pyproj.Geod's."""
    import logging

    import pyproj

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    forget_notes()
    pole = float(np.float32(90.00001))
    assert pole > 90.0
    corner_lat, corner_lon = _polar_cells_with_corners(tmp_path / "corners.nc", pole)
    with caplog.at_level(logging.WARNING, logger="climann"):
        layout = grid_layout(open_dataset([tmp_path / "corners.nc"]), "tas", [])
    assert not [r for r in caplog.records if "beyond the pole" in r.getMessage()]
    np.testing.assert_array_equal(layout.geographic.latitude_bounds.values, corner_lat)
    weights = layout.cell_area_weights()
    geod = pyproj.Geod(a=6371000.0, b=6371000.0)
    by_hand = np.array([[abs(geod.polygon_area_perimeter(corner_lon[i, j], corner_lat[i, j])[0]) for j in range(4)]
                        for i in range(4)])
    np.testing.assert_allclose(weights / weights.mean(), by_hand / by_hand.mean(), rtol=1e-9)


def test_a_grid_mapping_given_as_well_known_text_only_is_read_by_pyproj(tmp_path):
    """verify21b F00: a mapping holding only crs_wkt (GDAL, rioxarray's write_crs; Robinson has no CF name) was
    refused for its missing grid_mapping_name since the name check: pyproj reads the text, and the cells are placed
    as from the mapping's CF attributes."""
    import netCDF4
    import pyproj

    expected = cell_coordinates(open_dataset([write_lambert(tmp_path / "cf.nc")]))
    path = write_lambert(tmp_path / "wkt.nc")
    with netCDF4.Dataset(path, "a") as nc:
        wkt = pyproj.CRS.from_cf(LAMBERT).to_wkt()
        for name in list(nc["crs"].ncattrs()):
            nc["crs"].delncattr(name)
        nc["crs"].crs_wkt = wkt
    found = cell_coordinates(open_dataset([path]))
    np.testing.assert_allclose(found[1], expected[1], atol=1e-9)
    np.testing.assert_allclose(found[2], expected[2], atol=1e-9)


def test_a_grid_mapping_name_in_capitals_is_advised_in_cfs_spelling(tmp_path):
    """verify21a F6: 'LAMBERT_CONFORMAL_CONIC' was advised the placeholder NAME."""
    import netCDF4

    path = write_lambert(tmp_path / "caps.nc")
    with netCDF4.Dataset(path, "a") as nc:
        nc["crs"].grid_mapping_name = "LAMBERT_CONFORMAL_CONIC"
    with pytest.raises(ClimannError, match="did you mean 'lambert_conformal_conic'"):
        cell_coordinates(open_dataset([path]))


def test_a_crossed_cell_where_the_target_never_holds_data_is_left_without_area(tmp_path):
    """verify21c F4: one crossed cell on land (no tas at any step) refused the whole file, though land cells with
    fill in their corners are read; it carries no sample and no weight, and the other cells keep pyproj.Geod's
    areas of their corners."""
    import pyproj

    from climann.data.variables import grid_layout

    corner_lat, corner_lon = _polar_cells_with_corners(tmp_path / "corners.nc", 90.0)
    dataset = xr.load_dataset(tmp_path / "corners.nc")
    for name in ("latitude_bnds", "longitude_bnds"):
        dataset[name].values[0, 2] = dataset[name].values[0, 2, [0, 1, 3, 2]]
    dataset["tas"][:, 0, 2] = np.nan
    dataset.to_netcdf(tmp_path / "land_crossed.nc")
    weights = grid_layout(open_dataset([tmp_path / "land_crossed.nc"]), "tas", []).cell_area_weights()
    geod = pyproj.Geod(a=6371000.0, b=6371000.0)
    by_hand = np.array([[abs(geod.polygon_area_perimeter(corner_lon[i, j], corner_lat[i, j])[0]) for j in range(4)]
                        for i in range(4)])
    by_hand[0, 2] = 0.0
    np.testing.assert_allclose(weights, by_hand / by_hand.mean(), rtol=1e-9)


def _smap_day(path, *, with_mapping=True):
    """A SMAP L3-like day (SPL3SMP_E converted to NetCDF): EASE-Grid 2.0 x/y in metres (EPSG:6933,
    288 km cells, 40 × 16) with its lambert_cylindrical_equal_area grid mapping, 2-D latitude/longitude
    at -9999 wherever the day had no retrieval, and soil_moisture held at some of those cells too (a swath
    gap in the coordinates only); the positions by pyproj."""
    import pyproj

    size = 36032.220840584 * 8
    x, y = (np.arange(40) - 19.5) * size * 3, (7.5 - np.arange(16)) * size * 3
    lon, lat = pyproj.Transformer.from_crs(6933, 4326, always_xy=True).transform(*np.meshgrid(x, y))
    gaps = (np.arange(40)[None, :] % 7 < 2) & (np.abs(lat) < 50)
    moisture = np.where(np.abs(lat) < 70, 0.25, np.nan)[None]
    dataset = xr.Dataset(
        {"soil_moisture": (("time", "y", "x"), moisture, {
            "units": "cm**3/cm**3", "coordinates": "latitude longitude",
            **({"grid_mapping": "EASE2_global_projection"} if with_mapping else {})}),
         "latitude": (("y", "x"), np.where(gaps, -9999.0, lat), {"units": "degrees_north", "_FillValue": -9999.0}),
         "longitude": (("y", "x"), np.where(gaps, -9999.0, lon), {"units": "degrees_east", "_FillValue": -9999.0})},
        coords={"time": ("time", [0.25], {"units": "days since 2016-01-01"}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"}),
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"})})
    if with_mapping:
        dataset["EASE2_global_projection"] = xr.DataArray(np.int32(0), attrs={
            "grid_mapping_name": "lambert_cylindrical_equal_area", "standard_parallel": 30.0,
            "longitude_of_central_meridian": 0.0, "false_easting": 0.0, "false_northing": 0.0,
            "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563})
    dataset.to_netcdf(path)
    return lat, lon, gaps


def test_2d_positions_missing_on_a_projected_grid_are_placed_by_its_grid_mapping(tmp_path, caplog):
    """break52b A2: SMAP L3 daily files, whose latitude/longitude are -9999 off the day's retrievals on
    EASE-Grid 2.0 x/y with a full grid mapping, were refused: "those cells cannot be placed; fill in the
    coordinates (e.g. from the model's mesh_mask file)". The grid mapping places them: every cell's position
    equals pyproj's inverse of EPSG:6933, the file's own where it has them, said in a note; without a grid
    mapping the refusal stands."""
    import logging

    from climann.data.notes import forget_notes

    lat, lon, gaps = _smap_day(tmp_path / "smap.nc")
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([tmp_path / "smap.nc"])
        _, grid, _ = horizontal_grid(dataset)
    assert gaps.sum() > 0 and (gaps & (np.abs(lat) < 70)).any()
    np.testing.assert_allclose(grid.latitude.values, lat, atol=1e-6)
    np.testing.assert_allclose((grid.longitude.values - lon + 180) % 360 - 180, 0.0, atol=1e-6)
    assert (f"'latitude'/'longitude' are missing at {int(gaps.sum())} of 640 cells: placed there by the grid "
            "mapping 'EASE2_global_projection' with pyproj") in caplog.text
    _smap_day(tmp_path / "no_mapping.nc", with_mapping=False)
    with pytest.raises(ClimannError, match="cannot be placed"):
        horizontal_grid(open_dataset([tmp_path / "no_mapping.nc"]))


@pytest.mark.parametrize("figure", [
    pytest.param(True, id="with_figure_of_the_earth"),
    pytest.param(False, id="without_figure_of_the_earth"),
])
def test_an_unreadable_crs_wkt_beside_full_cf_attributes_is_ignored_with_a_warning(tmp_path, caplog, figure):
    """break55c A2: a SMAP conversion whose crs_wkt is only 'PROJCS["WGS 84 / NSIDC EASE-Grid 2.0 Global"]'
    beside lambert_cylindrical_equal_area attributes with WGS 84's figure was refused with no way out. The CF
    attributes define EASE-Grid 2.0: they are read, a warning says the text was ignored, and every cell has
    the grid's constant area (36032.220840584 m)². Without the figure of the Earth (pyproj would take
    WGS 84 quietly) the refusal stands and says what to add."""
    import logging

    import netCDF4

    from climann.data.notes import forget_notes
    from climann.data.variables import grid_layout

    size = 36032.220840584  # EASE-Grid 2.0's global 36 km cells, rows 35… and columns 481… as SMAP's
    x, y = -17367530.44516138 + size * (np.arange(481, 493) + 0.5), 7314540.79258289 - size * (np.arange(35, 45) + 0.5)
    path = tmp_path / "smap.nc"
    xr.Dataset(  # x/y and the mapping alone, as the user's conversion wrote them
        {"soil_moisture": (("time", "y", "x"), np.full((1, 10, 12), 0.25), {
            "units": "cm3 cm-3", "grid_mapping": "EASE2_global_projection"}),
         "EASE2_global_projection": ((), np.int32(0), {
             "grid_mapping_name": "lambert_cylindrical_equal_area", "standard_parallel": 30.0,
             "longitude_of_central_meridian": 0.0, "false_easting": 0.0, "false_northing": 0.0,
             "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563})},
        coords={"time": ("time", [0.25], {"units": "days since 2016-01-01"}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"}),
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"})}).to_netcdf(path)
    with netCDF4.Dataset(path, "a") as nc:
        nc["EASE2_global_projection"].crs_wkt = 'PROJCS["WGS 84 / NSIDC EASE-Grid 2.0 Global"]'
        if not figure:
            nc["EASE2_global_projection"].delncattr("semi_major_axis")
            nc["EASE2_global_projection"].delncattr("inverse_flattening")
    forget_notes()
    if not figure:
        with pytest.raises(ClimannError, match="cannot read grid mapping .*add semi_major_axis and inverse_flattening"):
            grid_layout(open_dataset([path]), "soil_moisture", []).computed_cell_areas()
        return
    with caplog.at_level(logging.WARNING, logger="climann"):
        areas = grid_layout(open_dataset([path]), "soil_moisture", []).computed_cell_areas()
    # steradians on WGS 84's authalic sphere, radius a √(q_p / 2) (Snyder 1987, eq. 3-12)
    a, f = 6378137.0, 1 / 298.257223563
    e = np.sqrt(2 * f - f * f)
    q_p = (1 - e * e) * (1 / (1 - e * e) - np.log((1 - e) / (1 + e)) / (2 * e))
    np.testing.assert_allclose(areas * a * a * q_p / 2, size ** 2, rtol=1e-5)
    assert "the crs_wkt of a lambert_cylindrical_equal_area grid mapping cannot be read by pyproj" in caplog.text
    assert "+proj=cea +lat_ts=30" in caplog.text

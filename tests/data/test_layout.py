import numpy as np
import pytest

from climann.data.layout import Coordinate, GeographicGrid, GridLayout, segment_starts


def layout(latitudes, *, latitude_bounds=None, longitudes=(0.0, 90.0, 180.0, 270.0)):
    return GridLayout(
        time=Coordinate("time", np.arange(2)), latitude=Coordinate("lat", np.asarray(latitudes, float)),
        longitude=Coordinate("lon", np.asarray(longitudes)), time_units="days since 2000-01-01",
        calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tas", target_attrs={},
        latitude_bounds=latitude_bounds,
    )


def test_area_weights_from_cos_latitude_on_a_three_by_four_grid():
    weights = layout([-60.0, 0.0, 60.0]).cell_area_weights()
    hand = np.array([0.5, 1.0, 0.5]) / np.mean([0.5, 1.0, 0.5])
    np.testing.assert_allclose(weights, np.repeat(hand[:, None], 4, axis=1))


def test_area_weights_from_bounds_are_exact_band_areas():
    bounds = np.array([[-90.0, -30.0], [-30.0, 30.0], [30.0, 90.0]])
    weights = layout([-60.0, 0.0, 60.0], latitude_bounds=bounds).cell_area_weights()
    # sin(−30°) − sin(−90°) = 0.5, sin 30° − sin(−30°) = 1: a third of the sphere each... by area 0.5, 1, 0.5
    np.testing.assert_allclose(weights[:, 0], np.array([0.5, 1.0, 0.5]) / (2 / 3))
    assert weights.mean() == pytest.approx(1.0)


def test_to_grid_puts_values_back_and_fills_nan():
    grid = layout([-60.0, 0.0, 60.0]).to_grid(np.array([1.0, 2.0]), np.array([0, 23]))
    assert grid.shape == (2, 3, 4) and grid[0, 0, 0] == 1.0 and grid[1, 2, 3] == 2.0
    assert np.isnan(grid).sum() == 22


def test_segment_starts_mark_the_first_step_of_each_contiguous_block():
    labels = ("train", "train", "train", "val", "val", "test", "test", "test")
    np.testing.assert_array_equal(segment_starts(labels, 8), [0, 0, 0, 3, 3, 5, 5, 5])
    np.testing.assert_array_equal(segment_starts((), 3), [0, 0, 0])


# --- curvilinear grids --------------------------------------------------------------------------
def _as_curvilinear(regular: GridLayout, *, with_bounds: bool) -> GridLayout:
    """The same regular grid described as a curvilinear one: 2-D lat/lon on index dims,
    with 4-vertex corners from the 1-D bounds when asked."""
    lat, lon = regular.latitude.values, regular.longitude.values
    lat2d, lon2d = np.meshgrid(lat, lon, indexing="ij")
    lat_bounds = lon_bounds = None
    if with_bounds:
        (south, north), (west, east) = regular.latitude_bounds.T, regular.longitude_bounds.T
        lat_bounds = Coordinate("lat_bnds", np.stack(np.broadcast_arrays(
            south[:, None], south[:, None], north[:, None], north[:, None]), axis=-1) + 0 * lon2d[..., None])
        lon_bounds = Coordinate("lon_bnds", np.stack(np.broadcast_arrays(
            west[None, :], east[None, :], east[None, :], west[None, :]), axis=-1) + 0 * lat2d[..., None])
    geographic = GeographicGrid(Coordinate("nav_lat", lat2d), Coordinate("nav_lon", lon2d), lat_bounds, lon_bounds)
    return GridLayout(
        time=regular.time, latitude=Coordinate("y", np.arange(lat.size)), longitude=Coordinate("x", np.arange(lon.size)),
        time_units=regular.time_units, calendar=regular.calendar, file_dims=("time", "y", "x"),
        target_name="tas", target_attrs={}, geographic=geographic, index_dims=("y", "x"),
    )


def _regular_with_bounds(edges_lat, edges_lon):
    """A regular layout from its cell edges; longitudes wrapped to −180…180 (the edges may cross the dateline)."""
    wrap = lambda values: (np.asarray(values, float) + 180) % 360 - 180  # noqa: E731
    lat = (np.asarray(edges_lat[:-1]) + edges_lat[1:]) / 2
    lon = wrap((np.asarray(edges_lon[:-1]) + edges_lon[1:]) / 2)
    return GridLayout(
        time=Coordinate("time", np.arange(2)), latitude=Coordinate("lat", lat), longitude=Coordinate("lon", lon),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tas",
        target_attrs={}, latitude_bounds=np.column_stack([edges_lat[:-1], edges_lat[1:]]),
        longitude_bounds=np.column_stack([wrap(edges_lon[:-1]), wrap(edges_lon[1:])]),
    )


def test_a_regular_grid_written_as_2d_with_corners_has_the_1d_area_weights():
    """Uneven cells, one across the dateline: the 1-D and the 2-D description give the band
    areas (sin φ₂ − sin φ₁)(λ₂ − λ₁) computed by hand."""
    edges_lat, edges_lon = np.array([-80.0, -30.0, 0.0, 10.0, 70.0]), np.array([150.0, 170.0, 190.0, 230.0])
    regular = _regular_with_bounds(edges_lat, edges_lon)
    hand = np.outer(np.diff(np.sin(np.deg2rad(edges_lat))), np.diff(edges_lon))
    np.testing.assert_allclose(regular.cell_area_weights(), hand / hand.mean(), rtol=1e-12)
    curvilinear = _as_curvilinear(regular, with_bounds=True)
    np.testing.assert_allclose(curvilinear.cell_area_weights(), hand / hand.mean(), rtol=1e-12)


def test_a_regular_grid_written_as_2d_without_corners_has_the_cos_latitude_weights():
    regular = layout([-60.0, -20.0, 20.0, 60.0], longitudes=(170.0, 175.0, -180.0, -175.0))
    curvilinear = _as_curvilinear(regular, with_bounds=False)
    np.testing.assert_allclose(curvilinear.cell_area_weights(), regular.cell_area_weights(), rtol=1e-12)


def test_curvilinear_area_weights_follow_the_cell_sizes():
    """Cells twice as wide in longitude weigh twice as much (same latitude band)."""
    regular = _regular_with_bounds(np.array([0.0, 10.0]), np.array([0.0, 10.0, 30.0, 40.0]))
    weights = _as_curvilinear(regular, with_bounds=True).cell_area_weights()
    assert weights[0, 1] == pytest.approx(2 * weights[0, 0]) and weights[0, 2] == pytest.approx(weights[0, 0])


def test_geographic_coordinates_of_regular_and_curvilinear_layouts():
    regular = layout([-60.0, 0.0, 60.0])
    latitude, longitude = regular.geographic_coordinates()
    assert latitude.shape == (3, 4) and (latitude[:, 1] == [-60.0, 0.0, 60.0]).all() and (longitude[2] == [0, 90, 180, 270]).all()
    curvilinear = _as_curvilinear(regular, with_bounds=False)
    np.testing.assert_array_equal(curvilinear.geographic_coordinates()[0], latitude)
    assert curvilinear.is_curvilinear and not regular.is_curvilinear


def test_rotated_pole_weights_are_the_band_areas_of_the_rotated_latitudes():
    """The rotation keeps areas: a rotated-pole cell's area is that of its rotated box."""
    from tests.grid_files import POLE_LATITUDE, POLE_LONGITUDE, RLAT, RLON, rotated_to_geographic

    lat2d, lon2d = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    rotated = GridLayout(
        time=Coordinate("time", np.arange(2)), latitude=Coordinate("rlat", RLAT, {"standard_name": "grid_latitude"}),
        longitude=Coordinate("rlon", RLON, {"standard_name": "grid_longitude"}), time_units="days since 2000-01-01",
        calendar="noleap", file_dims=("time", "rlat", "rlon"), target_name="tas", target_attrs={},
        geographic=GeographicGrid(Coordinate("lat", lat2d), Coordinate("lon", lon2d)),
        grid_mapping=Coordinate("rotated_pole", np.array(0), {
            "grid_mapping_name": "rotated_latitude_longitude", "grid_north_pole_latitude": POLE_LATITUDE,
            "grid_north_pole_longitude": POLE_LONGITUDE}),
    )
    edges = np.deg2rad(np.concatenate([RLAT - 2.2, RLAT[-1:] + 2.2]))
    band = np.diff(np.sin(edges))
    np.testing.assert_allclose(rotated.cell_area_weights(), np.repeat((band / band.mean())[:, None], RLON.size, 1),
                               rtol=1e-12)


def _band_areas(edges):
    """sin φ_north − sin φ_south of each band between consecutive edges (degrees), by hand."""
    return np.abs(np.diff(np.sin(np.deg2rad(np.asarray(edges, float)))))


@pytest.mark.parametrize(
    ("latitudes", "edges"),
    [
        # refined in the tropics: edges midway, the ends half a spacing out (−75 − 17.5 clipped to −90)
        pytest.param([-75.0, -40.0, -5.0, 0.0, 5.0, 40.0, 75.0],
                     [-90.0, -57.5, -22.5, -2.5, 2.5, 22.5, 57.5, 90.0], id="irregular"),
        pytest.param([60.0, 10.0, 0.0, -60.0], [85.0, 35.0, 5.0, -30.0, -90.0], id="irregular-north-to-south"),
        # a 4-point Gaussian grid (Gauss-Legendre nodes: sin φ = ±0.33998, ±0.86114)
        pytest.param(np.rad2deg(np.arcsin([-0.8611363116, -0.3399810436, 0.3399810436, 0.8611363116])),
                     None, id="gaussian"),
    ],
)
def test_area_weights_without_bounds_follow_the_latitude_spacing(latitudes, edges):
    if edges is None:  # midway, and half a spacing beyond the end nodes (±79.2°)
        latitudes = np.asarray(latitudes)
        middle = (latitudes[1:] + latitudes[:-1]) / 2
        edges = np.concatenate([[2 * latitudes[0] - middle[0]], middle, [2 * latitudes[-1] - middle[-1]]])
    weights = layout(latitudes).cell_area_weights()
    band = _band_areas(edges)
    np.testing.assert_allclose(weights, np.repeat((band / band.mean())[:, None], 4, axis=1), rtol=1e-12)


@pytest.mark.parametrize(
    ("longitudes", "widths"),
    [
        # global, irregular: the end cells reach halfway across the seam (320 … 365)
        pytest.param([5.0, 15.0, 25.0, 35.0, 80.0, 160.0, 240.0, 320.0],
                     [27.5, 10.0, 10.0, 27.5, 62.5, 80.0, 80.0, 62.5], id="global-irregular"),
        # regional across the prime meridian: edges 347.5, 352.5, 0, 10
        pytest.param([350.0, 355.0, 5.0], [5.0, 7.5, 10.0], id="regional-across-0"),
        pytest.param([-170.0, -160.0, -130.0], [10.0, 20.0, 30.0], id="regional"),
    ],
)
def test_area_weights_without_bounds_follow_the_longitude_spacing(longitudes, widths):
    weights = layout([-45.0, 45.0], longitudes=longitudes).cell_area_weights()
    widths = np.asarray(widths)
    np.testing.assert_allclose(weights, np.repeat((widths / widths.mean())[None, :], 2, axis=0), rtol=1e-12)


@pytest.mark.parametrize(
    "latitudes",
    [
        pytest.param(np.arange(-87.5, 90.0, 5.0), id="5-degree"),
        pytest.param(np.arange(60.0, -61.0, -30.0), id="30-degree-north-to-south"),
        pytest.param(np.linspace(-89.75, 89.75, 360), id="half-degree"),
    ],
)
def test_area_weights_of_a_regular_grid_without_bounds_stay_cos_latitude(latitudes):
    cos = np.cos(np.deg2rad(latitudes))
    np.testing.assert_allclose(layout(latitudes).cell_area_weights(),
                               np.repeat((cos / cos.mean())[:, None], 4, axis=1), rtol=1e-12)


def test_a_centre_at_the_pole_has_its_polar_cap_as_cell():
    weights = layout([-90.0, -45.0, 0.0, 45.0, 90.0]).cell_area_weights()
    band = _band_areas([-90.0, -67.5, -22.5, 22.5, 67.5, 90.0])  # the caps 1 − sin 67.5°, not cos 90° = 0
    np.testing.assert_allclose(weights[:, 0], band / band.mean(), rtol=1e-12)


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_a_single_row_at_a_pole_has_equal_finite_weights(pole):
    """A region keeping only the pole row of an ERA5-style grid (90, 60, …, −90): its cell,
    1° about the pole, was 89.5…90.5, sin 90.5° − sin 89.5° = 0, so every weight was 0/0 and
    training refused "sample_weight must be finite" (recheck7 #2). Clipped at the pole, the
    row's cells have one positive area, each weight 1."""
    row = layout([pole])
    assert sorted(row.axis_bounds()[0][0]) == sorted([pole, pole - np.sign(pole) * 0.5])
    np.testing.assert_array_equal(row.cell_area_weights(), np.ones((1, 4)))


@pytest.mark.parametrize("longitudes", [[0.0, 20.0, 340.0], [-170.0, -150.0, 150.0, 170.0], [20.0, 340.0, 0.0]],
                         ids=["0-360 across 0°", "±180 across 180°", "shuffled"])
def test_a_region_cut_across_the_seam_has_cells_of_its_spacing(longitudes):
    """A region across the file's seam keeps the file's order (0, 20, 340): its cells are 20°
    wide, as the same centres in order round the circle (340, 0, 20) give."""
    from climann.data.geometry import bounds_from_centres, wrapped_difference

    bounds = bounds_from_centres(np.array(longitudes), longitude=True)
    widths = np.abs(wrapped_difference(bounds[:, 1], bounds[:, 0]))
    np.testing.assert_allclose(widths, 20.0)
    centres = np.mod(bounds.mean(axis=1), 360.0)  # each cell holds its own centre in its middle
    np.testing.assert_allclose(centres, np.mod(longitudes, 360.0))


@pytest.mark.parametrize(("attrs", "synthetic"), [
    pytest.param({"geography": "synthetic: invented continents"}, True, id="said"),
    pytest.param({"geography": "Earth", "history": "created by climann 0.1.0 write_sample_dataset(years=2)"}, False,
                 id="said-wins"),
    # data/sample.nc of an earlier make demo, and a run's predictions.nc made from it
    pytest.param({"history": "created by climann 0.1.0 write_sample_dataset(years=20, resolution=5.0)"}, True,
                 id="earlier-sample"),
    pytest.param({"history": "2026-12-02T13:36:25Z: climann train --data data/sample.nc\n"
                             "created by climann 0.1.0 write_sample_dataset(years=20)"}, True, id="earlier-run"),
    pytest.param({"history": "Mon Dec 1 2026: cdo remapbil,r360x180 tas.nc out.nc"}, False, id="earth"),
    pytest.param({}, False, id="nothing-said"),
])
def test_a_files_geography_is_synthetic_only_where_it_says_so_or_comes_from_the_sample(attrs, synthetic):
    from climann.data.layout import geography_of

    layout = GridLayout(time=Coordinate("time", np.arange(2.0)), latitude=Coordinate("lat", np.array([0.0, 10.0])),
                        longitude=Coordinate("lon", np.array([0.0, 10.0])), time_units="days since 2000-01-01",
                        calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tas", target_attrs={},
                        geography=geography_of(attrs))
    assert layout.synthetic_geography is synthetic


@pytest.mark.parametrize(("units", "said"), [
    pytest.param("mm/month", "each value is read as the mean rate of the month beginning there (as ERA5 and CDO, "
                 "e.g. monmean with setday,1, stamp them)", id="chirps-rate-per-month"),
    pytest.param("K", "each value is read as the mean of the month beginning there", id="a-state"),
])
def test_the_start_of_month_warning_calls_a_rate_its_mean_rate(tmp_path, caplog, units, said):
    """break56b A5: CHIRPS's monthly precip in mm/month, stamped on the 1st without bounds, was "read as the mean of
    the month beginning there", as if averaged from values within it: a rate's value is its mean rate (in mm/month,
    the month's total). A temperature is still the month's mean."""
    import logging

    import pandas as pd
    import xarray as xr

    from climann.data.notes import forget_notes
    from climann.data.open import open_dataset
    from climann.data.pointwise import build_pointwise_samples

    times = pd.date_range("2001-01-01", periods=24, freq="MS")
    xr.Dataset({"precip": (("time", "lat", "lon"), np.ones((24, 2, 2), "f4"), {"units": units})},
               coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0]}).to_netcdf(tmp_path / "chirps.nc")
    dataset = open_dataset([tmp_path / "chirps.nc"])
    forget_notes()
    with caplog.at_level(logging.WARNING):
        build_pointwise_samples(dataset, target="precip", predictors=[], features=["season"])
    warned = [record.getMessage() for record in caplog.records
              if "stamped at the start of each month" in record.getMessage()]
    assert len(warned) == 1 and said in warned[0], warned

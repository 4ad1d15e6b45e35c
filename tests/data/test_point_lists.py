"""A list of points written with 2-D latitude and longitude (JULES's land points, ``y`` = 1) is read
as points: weighed by cos φ, its latitude a default feature, no cell areas made up (break42a A1, A1b)."""

import json

import numpy as np
import pytest
import xarray as xr

from climann.data.point_lists import POINT_WEIGHTS, listed_points, point_weights
from tests.grid_files import curvilinear_coordinates, rotated_to_geographic


def _scattered(n_points: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Land points anywhere between 40°S and 60°N, listed as JULES lists them."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-40, 60, n_points).round(2), rng.uniform(-120, 140, n_points).round(2)


def _land_points_of_a_two_degree_grid() -> tuple[np.ndarray, np.ndarray]:
    """The land points of a 2° grid, listed row by row (west to east, south to north) with the
    sea left out: neighbours in the list are neighbours on the sphere only within a stretch of land."""
    latitude, longitude = np.meshgrid(np.arange(-19.0, 20.0, 2.0), np.arange(-59.0, 60.0, 2.0), indexing="ij")
    land = (np.sin(np.deg2rad(3 * longitude)) + np.cos(np.deg2rad(4 * latitude))) > 0.3
    return latitude[land], longitude[land]


# --- which 2-D coordinates list points --------------------------------------------------------------------
@pytest.mark.parametrize("shape, words", [
    pytest.param((1, 60), "a single row of 60 points", id="jules-row"),
    pytest.param((60, 1), "a single column of 60 points", id="column"),
])
def test_a_single_row_or_column_of_points_is_a_list(shape, words):
    latitude, longitude = _scattered(60)
    assert listed_points(latitude.reshape(shape), longitude.reshape(shape)) == words


def test_land_points_of_a_grid_listed_in_rows_are_a_list_by_their_jumps():
    """Written as (4, n/4), the list jumps across the sea and back west at each new latitude."""
    latitude, longitude = _land_points_of_a_two_degree_grid()
    n = latitude.size // 4 * 4
    reason = listed_points(latitude[:n].reshape(4, -1), longitude[:n].reshape(4, -1))
    assert reason.startswith("neighbouring points up to ") and "times their median spacing apart" in reason


def test_scattered_points_in_two_dimensions_are_a_list_by_their_folded_quadrilaterals():
    """Random sites 6 × 10: every step is long, so none jumps against the median, but their
    quadrilaterals fold over each other."""
    latitude, longitude = _scattered(60, seed=3)
    reason = listed_points(latitude.reshape(6, 10), longitude.reshape(6, 10))
    assert reason, "scattered sites read as a grid"


@pytest.mark.parametrize("coordinates", [
    pytest.param(lambda: curvilinear_coordinates(5, 6), id="curvilinear"),
    pytest.param(lambda: rotated_to_geographic(*np.meshgrid(np.arange(-10.0, 10.5, 0.5), np.arange(-15.0, 15.5, 0.5),
                                                            indexing="ij")), id="rotated-pole"),
    pytest.param(lambda: np.meshgrid(np.linspace(-78, 88, 40) ** 1.0, np.arange(0.0, 360.0, 9.0), indexing="ij"),
                 id="global-lat-lon-2d"),
])
def test_a_grid_is_no_list(coordinates):
    assert listed_points(*coordinates()) == ""


def test_an_orca_like_grid_with_uneven_rows_and_eliminated_land_is_no_list():
    """Rows from 1/3° at the equator to 1° away from it, and a block of cells without a position."""
    rows = np.concatenate([np.arange(-60.0, -10.0, 1.0), np.arange(-10.0, 10.0, 1 / 3), np.arange(10.0, 70.0, 1.0)])
    latitude, longitude = np.meshgrid(rows, np.arange(0.0, 360.0, 1.0), indexing="ij")
    latitude[40:60, 100:150] = longitude[40:60, 100:150] = np.nan
    assert listed_points(latitude, longitude) == ""


def test_point_weights_are_cos_latitude_and_zero_without_a_position():
    np.testing.assert_allclose(point_weights(np.array([[0.0, 60.0, -60.0, 90.0, np.nan]])),
                               [[1.0, 0.5, 0.5, 0.0, 0.0]], atol=1e-15)


# --- a JULES-like file, end to end ----------------------------------------------------------------------
def _write_jules(path, n_points: int = 30, n_years: int = 6, seed: int = 0):
    """JULES land points only: ``t1p5m_gb(time, y, x)`` with ``y`` = 1, ``latitude(y, x)``,
    ``longitude(y, x)``, monthly means; returns the values (time, point), latitudes and years."""
    rng = np.random.default_rng(seed)
    latitude, longitude = _scattered(n_points, seed)
    n_time = 12 * n_years
    months, years = np.arange(n_time) % 12, 2000 + np.arange(n_time) // 12
    season = np.cos(2 * np.pi * (months[:, None] - 6) / 12) * np.sign(latitude)[None]
    values = 288.0 - 0.5 * np.abs(latitude)[None] + 10 * season + rng.normal(0, 1 + np.abs(latitude)[None] / 10,
                                                                               (n_time, n_points))
    sw = 200 + 150 * season + rng.normal(0, 15, (n_time, n_points))
    days = np.array([(np.datetime64(f"{y}-{m + 1:02d}-15") - np.datetime64("2000-01-01")).astype(int)
                     for y, m in zip(years, months)], float)
    xr.Dataset(
        {"t1p5m_gb": (("time", "y", "x"), values[:, None, :].astype("f4"), {"units": "K"}),
         "sw_down": (("time", "y", "x"), sw[:, None, :].astype("f4"), {"units": "W m-2"})},
        coords={"time": ("time", days, {"units": "days since 2000-01-01", "calendar": "standard"}),
                "latitude": (("y", "x"), latitude[None].astype("f4"), {"units": "degrees_north"}),
                "longitude": (("y", "x"), longitude[None].astype("f4"), {"units": "degrees_east"})},
    ).to_netcdf(path)
    return values.astype("f4").astype(np.float64), latitude.astype("f4").astype(np.float64), years


def test_a_jules_land_point_list_is_weighed_by_cos_latitude_and_learns_from_its_latitude(tmp_path):
    from climann.data.defaults import default_features
    from climann.data.open import open_dataset
    from climann.data.variables import grid_layout
    from climann.evaluation.cell_measures import cell_weights_text, unknown_areas

    _, latitude, _ = _write_jules(tmp_path / "jules.nc")
    dataset = open_dataset([tmp_path / "jules.nc"])
    layout = grid_layout(dataset, "t1p5m_gb", [])
    assert layout.is_point_list
    weights = np.cos(np.deg2rad(latitude))
    np.testing.assert_allclose(layout.cell_area_weights(), (weights / weights.mean())[None], rtol=1e-12)
    assert cell_weights_text(layout) == POINT_WEIGHTS
    assert unknown_areas(layout).startswith("the grid lists points, not cells (a single row of 30 points")
    assert default_features(dataset) == ("lat", "season")  # y has one value, the points 30 latitudes


def test_a_jules_land_point_list_scores_are_numpy_cos_latitude_means(tmp_path, monkeypatch):
    """metrics.json's climatology MSE on the test block = numpy's cos φ-weighted mean over the same
    points; no cell areas are written with the predictions."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    values, latitude, years = _write_jules(tmp_path / "jules.nc")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "jules.nc"), "--target", "t1p5m_gb",
                                      "--epochs", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "list points, not the cells of a grid (a single row of 30 points" in result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["weighted_by"] == POINT_WEIGHTS
    periods = metrics["split_periods"]
    months = np.arange(years.size) % 12
    train = (years >= int(periods["train"][:4])) & (years <= int(periods["train"][-4:]))
    test = (years >= int(periods["test"][:4])) & (years <= int(periods["test"][-4:]))
    climatology = np.stack([values[train & (months == month)].mean(axis=0) for month in range(12)])
    errors = (values[test] - climatology[months[test]]) ** 2
    weights = np.cos(np.deg2rad(latitude))
    expected = (errors * weights).sum() / (weights.sum() * test.sum())
    assert metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(expected, rel=1e-6)
    predictions = xr.open_dataset(tmp_path / "run" / "predictions.nc")
    assert not [name for name in predictions.variables if predictions[name].attrs.get("standard_name") == "cell_area"]
    assert "cell_measures" not in predictions["t1p5m_gb"].attrs


def _write_listed_points(path, latitude: np.ndarray, longitude: np.ndarray):
    """``tas(time, y, x)`` on the 2-D ``latitude(y, x)``, ``longitude(y, x)`` given, 24 months."""
    rng = np.random.default_rng(5)
    days = np.arange(24) * 30.0 + 15
    xr.Dataset(
        {"tas": (("time", "y", "x"), (280 + rng.normal(0, 1, (24, *latitude.shape))).astype("f4"), {"units": "K"})},
        coords={"time": ("time", days, {"units": "days since 2000-01-01", "calendar": "standard"}),
                "latitude": (("y", "x"), latitude, {"units": "degrees_north"}),
                "longitude": (("y", "x"), longitude, {"units": "degrees_east"})},
    ).to_netcdf(path)


@pytest.mark.parametrize("shape", [
    pytest.param(lambda n: (1, n), id="jules-single-row"),
    pytest.param(lambda n: (4, n // 4), id="land-points-in-four-rows"),
])
def test_info_calls_listed_points_points_not_a_curvilinear_grid(tmp_path, shape):
    """break43: `climann info` said 'curvilinear grid (2-D latitude and longitude); rows and columns are not latitude
    and longitude' of JULES's land points read as points. It says points, how many and why, their extent from the
    written coordinates, and how they weigh."""
    from climann.data.info import describe
    from tests.conftest import unwrapped_report

    latitude, longitude = _land_points_of_a_two_degree_grid()
    n = latitude.size // 4 * 4
    rows, columns = shape(n)
    _write_listed_points(tmp_path / "land.nc", latitude[:n].reshape(rows, columns), longitude[:n].reshape(rows, columns))
    grid = unwrapped_report(describe([str(tmp_path / "land.nc")])).split("# Grid:\n")[1].split("\n\n")[0]
    assert "curvilinear" not in grid and "rows and columns" not in grid
    lines = [line[4:] for line in grid.splitlines()]
    reason = listed_points(latitude[:n].reshape(rows, columns), longitude[:n].reshape(rows, columns))
    assert lines[0].startswith(f"points, not a grid: {n} points listed along y: {rows} × x: {columns} ({reason})")
    assert lines[1] == f"latitude  'latitude' (in the file): {latitude[:n].min():.4g} to {latitude[:n].max():.4g} degrees north"
    assert lines[2].startswith(f"longitude 'longitude' (in the file): {longitude[:n].min():.4g} to "
                               f"{longitude[:n].max():.4g} degrees east")
    assert lines[3] == "no cell corners; each point weighed by cos(latitude) (points have no cells), drawn as a dot"

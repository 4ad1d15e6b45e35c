"""A run's ``[data] region`` said back where its results are read (fix46f).

``--region -10,30,35,70``, meant as west, east, south, north (CDO's ``sellonlatbox``), trains
on latitude −10…30 and longitude 35…70: a box of another order than meant is valid, so it is
said back by the names of its sides, with the cells inside it, below the results table, in
``report.md`` and as ``metrics.json`` ``region``, on every route (in memory, streamed, on a
cluster) and for ``evaluate``/``predict`` on new data (the run's own box). The cells are
counted here by NumPy from the file's own coordinates, independently of climann's selection, and
said against the cells of the grid before the cut ("56 of 2592 cells", ``n_grid_cells``; fix47e).
"""

from __future__ import annotations

import json

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.sample_data import write_sample_dataset
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.grid_files import RLAT, RLON, curvilinear_coordinates, rotated_to_geographic, write_curvilinear, write_rotated

runner = CliRunner()

BOX = (-10.0, 30.0, 35.0, 70.0)  # south, north, west, east: "-10,30,35,70"
LINE = "region: south -10, north 30, west 35, east 70, {} of {} cells"
QUICK = ["--hidden", "4", "--epochs", "1", "--batch-size", "10000", "--set", "evaluation.figures=false"]


def cells_in_file(path, box=BOX) -> tuple[int, int]:
    """The cells of a regular file whose centres are in ``box``, and all its cells, by NumPy."""
    with netCDF4.Dataset(path) as nc:
        latitude, longitude = np.meshgrid(nc["lat"][:], nc["lon"][:], indexing="ij")
    south, north, west, east = box
    inside = (latitude >= south) & (latitude <= north) & (longitude >= west) & (longitude <= east)
    assert 0 < inside.sum() < inside.size  # a box that cuts the grid
    return int(inside.sum()), int(inside.size)


@pytest.fixture(scope="module")
def new_data(tmp_path_factory):
    """Other data on the grid of ``tiny_file`` (another seed): what evaluate --data and predict score."""
    return write_sample_dataset(tmp_path_factory.mktemp("region") / "other.nc", years=4, resolution=15.0, seed=4)


@pytest.fixture(scope="module")
def boxed_run(tiny_file, tmp_path_factory):
    """A run in memory trained with ``--region -10,30,35,70``, and its output."""
    run_dir = tmp_path_factory.mktemp("region") / "run"
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--region", "-10,30,35,70", *QUICK,
                                 "--out", str(run_dir)])
    assert result.exit_code == 0, result.output
    return run_dir, result.output


def assert_region_said(folder, output: str, cells: tuple[int, int]) -> None:
    """``metrics.json`` ``region`` (its fields of fix46f kept, the grid's cells added), the line below the table
    and the line of ``report.md``."""
    metrics = json.loads((folder / "metrics.json").read_text())
    n_cells, n_grid_cells = cells
    assert metrics["region"] == {"south": -10, "north": 30, "west": 35, "east": 70, "n_cells": n_cells,
                                 "n_grid_cells": n_grid_cells}
    assert LINE.format(*cells) in output.splitlines()
    assert f"R{LINE.format(*cells)[1:]}." in (folder / "report.md").read_text().splitlines()


def test_a_run_in_memory_says_its_region(boxed_run, tiny_file):
    run_dir, output = boxed_run
    assert_region_said(run_dir, output, cells_in_file(tiny_file))
    assert json.loads((run_dir / "metrics.json").read_text())["training"]["route"] == "in memory"


@pytest.mark.parametrize("options, route", [
    pytest.param(["--set", "data.in_memory_limit_gb=1e-7"], "streamed", id="streamed"),
    pytest.param(["--scheduler"], "cluster", id="cluster"),
])
def test_a_chunked_run_says_its_region(options, route, tiny_file, tmp_path, request):
    if route == "cluster":
        options = [*options, request.getfixturevalue("cluster").scheduler_address]
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--region", "-10,30,35,70", *QUICK, *options,
                                 "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert_region_said(tmp_path / "run", result.output, cells_in_file(tiny_file))
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["training"]["route"] == route


@pytest.mark.parametrize("on_cluster", [pytest.param(False, id="in-memory"), pytest.param(True, id="cluster")])
def test_evaluate_on_new_data_says_the_runs_region(on_cluster, boxed_run, new_data, tmp_path, request):
    run_dir, _ = boxed_run
    cluster = ["--scheduler", request.getfixturevalue("cluster").scheduler_address] if on_cluster else []
    result = runner.invoke(app, ["evaluate", str(run_dir), "--data", str(new_data), *cluster,
                                 "--out", str(tmp_path / "scores")])
    assert result.exit_code == 0, result.output
    assert_region_said(tmp_path / "scores", result.output, cells_in_file(new_data))


@pytest.mark.parametrize("on_cluster", [pytest.param(False, id="in-memory"), pytest.param(True, id="cluster")])
def test_predict_on_new_data_says_the_runs_region(on_cluster, boxed_run, new_data, tmp_path, request):
    run_dir, _ = boxed_run
    cluster = ["--scheduler", request.getfixturevalue("cluster").scheduler_address] if on_cluster else []
    result = runner.invoke(app, ["predict", str(run_dir), "--data", str(new_data), *cluster,
                                 "--out", str(tmp_path / "predicted.nc")])
    assert result.exit_code == 0, result.output
    assert LINE.format(*cells_in_file(new_data)) in result.output.splitlines()


def test_a_run_without_a_region_says_none(tiny_file, tmp_path):
    result = runner.invoke(app, ["train", "--data", str(tiny_file), *QUICK, "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if line.startswith("region")]
    assert "region" not in json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert "Region:" not in (tmp_path / "run" / "report.md").read_text()
    predicted = runner.invoke(app, ["predict", str(tmp_path / "run"), "--data", str(tiny_file),
                                    "--out", str(tmp_path / "predicted.nc")])
    assert predicted.exit_code == 0, predicted.output
    assert not [line for line in predicted.output.splitlines() if line.startswith("region")]


def test_a_rotated_grid_counts_the_cells_inside_the_box_not_the_rectangle(tmp_path):
    """On EURO-CORDEX's rotated grid the box is a mask of the rectangle kept around it; the
    cells counted are those whose true coordinates (the rotation written out by hand) are in it."""
    box = [40.0, 60.0, -10.0, 30.0]
    data = {"paths": [str(write_rotated(tmp_path / "rotated.nc", with_latlon=False, n_time=36))], "target": "tas",
            "predictors": [], "features": ["lat", "lon", "season"], "region": box}
    run = run_training(build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                                     "evaluation": {"figures": False}}), run_dir=tmp_path / "run")
    latitude, longitude = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    inside = (latitude >= 40) & (latitude <= 60) & (longitude >= -10) & (longitude <= 30)
    rectangle = inside.any(axis=1).sum() * inside.any(axis=0).sum()
    assert 0 < inside.sum() < rectangle
    assert run.metrics["region"] == {"south": 40, "north": 60, "west": -10, "east": 30, "n_cells": int(inside.sum()),
                                     "n_grid_cells": RLAT.size * RLON.size}


def test_a_curvilinear_grid_counts_the_cells_inside_the_box(tmp_path):
    """A NEMO-like grid (2-D nav_lat, nav_lon on y, x): the box across its rows and columns."""
    box = [-40.0, 10.0, 70.0, 207.0]
    data = {"paths": [str(write_curvilinear(tmp_path / "ocean.nc", n_time=36))], "target": "tos",
            "predictors": [], "features": ["lat", "lon", "season"], "region": box}
    run = run_training(build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                                     "evaluation": {"figures": False}}), run_dir=tmp_path / "run")
    latitude, longitude = curvilinear_coordinates()
    inside = (latitude >= -40) & (latitude <= 10) & (longitude >= 70) & (longitude <= 207)
    assert 0 < inside.sum() < inside.any(axis=1).sum() * inside.any(axis=0).sum()
    assert run.metrics["region"] == {"south": -40, "north": 10, "west": 70, "east": 207, "n_cells": int(inside.sum()),
                                     "n_grid_cells": latitude.size}


def test_a_box_across_0_on_a_tripolar_grid_keeps_its_columns_alone(tmp_path):
    """fix48c: a box 30°W…30°E on a CMIP tripolar grid whose columns start at 22.5°E (the last at
    337.5°E) wrote predictions.nc with all 8 columns, 6 of them masked, where a box not across 0°
    kept its own. The columns kept are those holding a cell in the box (by NumPy on the raw file's
    2-D longitudes), in the order they follow each other round 0°, with the raw values there."""
    from tests.grid_files import write_tripolar

    path = write_tripolar(tmp_path / "siconc_SIday.nc", n_time=60)
    box = [-40.0, 40.0, -30.0, 30.0]
    data = {"paths": [str(path)], "target": "siconc", "predictors": [], "features": ["lat", "season"],
            "region": box}
    run = run_training(build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                                     "evaluation": {"figures": False}}), run_dir=tmp_path / "run")
    with netCDF4.Dataset(path) as raw:
        latitude, longitude, values = raw["latitude"][:], raw["longitude"][:], raw["siconc"][:]
    inside = (latitude >= -40) & (latitude <= 40) & ((np.mod(longitude, 360) >= 330) | (np.mod(longitude, 360) <= 30))
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    assert columns.tolist() == [0, 7]  # the first and last columns: 22.5°E and 337.5°E
    order = [7, 0]  # 337.5°E, then 22.5°E beyond 0°
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as written:
        assert written["i"][:].tolist() == order and written["j"][:].tolist() == rows.tolist()
        np.testing.assert_array_equal(written["longitude"][:], longitude[np.ix_(rows, order)])
        expected = np.where(inside[np.ix_(rows, order)], values[:, rows][:, :, order], np.nan)
        np.testing.assert_allclose(np.ma.filled(written["siconc"][:].astype(float), np.nan), expected, rtol=1e-6)
    assert run.metrics["region"]["n_cells"] == int(inside.sum())

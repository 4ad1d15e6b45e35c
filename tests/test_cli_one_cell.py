"""A run on one grid cell (a station, a sea-ice extent, an index) on the command line: no command
calls its scores area-weighted (fix33b; train's table, report.md and the series caption: fix32j)."""

import json

import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app

runner = CliRunner()
N_MONTHS = 12 * 30


def _write_cells(path, n_lat):
    """Monthly ``tas`` and ``rsdt`` (1980–2009, noleap) on ``n_lat`` × 1 cells."""
    rng = np.random.default_rng(1)
    times = [cftime.DatetimeNoLeap(1980 + month // 12, month % 12 + 1, 15) for month in range(N_MONTHS)]
    rsdt = 340 + 20 * np.sin(2 * np.pi * np.arange(N_MONTHS) / 12)[:, None, None] + rng.normal(size=(N_MONTHS, n_lat, 1))
    tas = 200 + 0.2 * rsdt + rng.normal(size=rsdt.shape)
    xr.Dataset({"tas": (("time", "lat", "lon"), tas.astype("f4"), {"units": "K"}),
                "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
               coords={"time": ("time", times), "lat": ("lat", np.linspace(-45, 45, n_lat), {"units": "degrees_north"}),
                       "lon": ("lon", [10.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


@pytest.fixture(scope="module", params=[pytest.param(1, id="one-cell"), pytest.param(3, id="three-cells")])
def trained(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cells")
    data = _write_cells(folder / "cells.nc", request.param)
    result = runner.invoke(app, ["train", "--data", str(data), "--target", "tas", "--epochs", "2", "--hidden", "4",
                                 "--out", str(folder / "run"), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    return request.param, data, folder / "run"


def _weighting(n_cells):
    return "one cell (no weighting)" if n_cells == 1 else "area-weighted"


def _weighted_by(n_cells):
    """``weighted_by`` as metrics.json and importance.json record it."""
    return "one cell (no weighting)" if n_cells == 1 else "cell area"


def test_metrics_json_says_what_the_terminal_and_report_say(trained):
    """break36b B6: a one-cell run recorded "area_weighted": true, "weighted_by": "cell area" in
    metrics.json while train's table and report.md said "one cell (no weighting)"."""
    n_cells, _, run = trained
    metrics = json.loads((run / "metrics.json").read_text())
    assert (metrics["area_weighted"], metrics["weighted_by"]) == (n_cells > 1, _weighted_by(n_cells))
    assert f"tas (K), {_weighting(n_cells)}: MSE in K²" in (run / "report.md").read_text()


def test_predict_says_how_its_scores_weigh_the_cells(trained, tmp_path):
    n_cells, data, run = trained
    result = runner.invoke(app, ["predict", str(run), "--data", str(data), "--out", str(tmp_path / "p.nc")])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("scores ")]
    assert line.startswith(f"scores against the target in the data, {_weighting(n_cells)}, all time steps together")
    assert ("area-weighted" in line) == (n_cells > 1)


def test_evaluate_on_other_data_says_how_its_scores_weigh_the_cells(trained, tmp_path):
    n_cells, data, run = trained
    result = runner.invoke(app, ["evaluate", str(run), "--data", str(data), "--out", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    assert f"tas (K), {_weighting(n_cells)}: " in result.stdout
    markdown = (tmp_path / "all" / "report.md").read_text()
    assert f"tas (K), {_weighting(n_cells)}: MSE in K²" in markdown
    assert ("area-weighted" in result.stdout + markdown) == (n_cells > 1)


def test_explain_says_how_its_mse_weighs_the_cells(trained, tmp_path):
    """The importance line, importance.json (its weights and method) and partial_dependence.json's method."""
    n_cells, _, run = trained
    result = runner.invoke(app, ["explain", str(run), "--repeats", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("permutation importance")]
    importance = json.loads((tmp_path / "importance.json").read_text())
    assert f" samples; MSE {importance['baseline_mse']:.4g} K², {_weighting(n_cells)}): " in line
    assert (importance["n_cells"], importance["weighted_by"]) == (n_cells, _weighted_by(n_cells))
    assert importance["area_weighted"] is (n_cells > 1)
    assert f"the increase of the MSE over the test block ({_weighting(n_cells)})" in importance["method"]
    dependence = json.loads((tmp_path / "partial_dependence.json").read_text())
    assert f"the mean over every test sample (average_n_samples; {_weighting(n_cells)})" in dependence["method"]
    assert ("area-weighted" in line + importance["method"] + dependence["method"]) == (n_cells > 1)

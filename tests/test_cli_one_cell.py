"""A run on one grid cell (a station, a sea-ice extent, an index) on the command line: no command
calls its scores area-weighted (fix33b; train's table, report.md and the series caption: fix32j)."""

import json
import re

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


def test_predict_names_its_scores_and_their_units_as_train_does(trained, tmp_path):
    """break51 N2: predict's scores read 'mse 0.6261, mae 0.6294, …' (metrics.json's keys, no units) where train's
    table says MSE, RMSE, bias, R² in K² and K. Now 'MSE … K², RMSE … K, MAE … K, bias … K, R² …, corr …', the
    one-cell run's numbers numpy's over the predictions file (every value present: no weights)."""
    n_cells, data, run = trained
    result = runner.invoke(app, ["predict", str(run), "--data", str(data), "--out", str(tmp_path / "p.nc")])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("scores ")]
    number = r"(-?[0-9.]+(?:e-?[0-9]+)?)"
    found = re.search(rf": MSE {number} K², RMSE {number} K, MAE {number} K, bias {number} K, R² {number}, "
                      rf"corr {number}$", line)
    assert found is not None, line
    if n_cells == 1:
        with xr.open_dataset(tmp_path / "p.nc") as written:
            truth, predicted = (written[name].values.astype("f8").ravel() for name in ("tas", "tas_pred"))
        error = predicted - truth
        mse = np.mean(error ** 2)
        expected = (mse, mse ** 0.5, np.mean(np.abs(error)), np.mean(error), 1 - mse / np.var(truth),
                    np.corrcoef(predicted, truth)[0, 1])
        for text, value in zip(found.groups(), expected, strict=True):
            assert float(text) == pytest.approx(value, rel=2e-3, abs=1e-6), (text, value)


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


def _write_cmor_daily(folder, n_j=4, n_i=5, n_days=3 * 365, *, cell=None):
    """siconc (%) and tos (degC) as CMOR writes SIday/Oday files: latitude/longitude(j, i) with
    ``vertices_latitude/longitude(j, i, vertices)`` of 4 corners, ``time_bnds(time, bnds)``;
    ``cell`` (j, i): that cell alone, as ``isel(j=…, i=…)`` writes it (scalar latitude, longitude
    and j, i; corners of shape (4,))."""
    jj, ii = np.meshgrid(np.arange(n_j), np.arange(n_i), indexing="ij")
    lat, lon = 60.0 + 3.0 * jj + 0.5 * ii, np.mod(15.0 + 30.0 * ii + 2.0 * jj, 360.0)
    corners = {"vertices_latitude": np.stack([lat - 1.5, lat - 1.5, lat + 1.5, lat + 1.5], -1),
               "vertices_longitude": np.mod(np.stack([lon - 15, lon + 15, lon + 15, lon - 15], -1), 360.0)}
    days = np.arange(n_days) + 0.5
    rng = np.random.default_rng(7)
    h = 1 - 0.3 * (lat - 60) + 5 * np.cos(2 * np.pi * (days - 220) / 365)[:, None, None] + rng.normal(0, 0.7, (n_days, n_j, n_i))
    fields = {"siconc": (100 * np.clip(-h / 4, 0, 1), "%"), "tos": (np.maximum(h, -1.8), "degC")}
    for name, (values, units) in fields.items():
        xr.Dataset(
            {name: (("time", "j", "i"), values.astype("f4"), {"units": units}),
             "time_bnds": (("time", "bnds"), 60225 + np.stack([days - 0.5, days + 0.5], 1)),
             **{key: (("j", "i", "vertices"), value, {}) for key, value in corners.items()}},
            coords={"time": ("time", 60225 + days, {"units": "days since 1850-01-01", "calendar": "365_day",
                                                    "bounds": "time_bnds"}),
                    "j": ("j", np.arange(n_j)), "i": ("i", np.arange(n_i)),
                    "latitude": (("j", "i"), lat, {"standard_name": "latitude", "units": "degrees_north",
                                                   "bounds": "vertices_latitude"}),
                    "longitude": (("j", "i"), lon, {"standard_name": "longitude", "units": "degrees_east",
                                                    "bounds": "vertices_longitude"})},
        ).pipe(lambda whole: whole if cell is None else whole.isel(j=cell[0], i=cell[1])).to_netcdf(folder / f"{name}.nc")
    return fields["siconc"][0]


@pytest.mark.parametrize("how", ["selected", "cut"])
def test_one_cell_of_a_cmor_grid_with_vertices_and_time_bounds_writes_its_predictions(tmp_path, how):
    """break47a A4: ``--select j=2 --select i=3`` of CMIP6 SIday/Oday files (4 corners per cell, 2
    time bounds) trained, then predictions.nc failed ("conflicting sizes for dimension 'bnds'") and
    the user was told to fix the input. Selected, the cell stays a 1 × 1 curvilinear grid; cut
    (``isel``: scalar latitude with 4 corners), its corners are no bounds of a 1-D axis and are
    dropped: the run writes its predictions, the truth the file's own cell (numpy), the
    predictions those scored."""
    siconc = _write_cmor_daily(tmp_path)
    if how == "cut":
        _write_cmor_daily(tmp_path, cell=(2, 3))
    run = tmp_path / "run"
    select = ["--select", "j=2", "--select", "i=3"] if how == "selected" else []
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "siconc.nc"), "--data", str(tmp_path / "tos.nc"),
                                 "--target", "siconc", *select, "--epochs", "2",
                                 "--hidden", "4", "--out", str(run), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(run / "predictions.nc") as written:
        truth, predicted = (written[name].values.reshape(-1) for name in ("siconc", "siconc_pred"))
        test = written["split"].values == written["split"].attrs["flag_values"][
            written["split"].attrs["flag_meanings"].split().index("test")]
        assert written["latitude"].values.reshape(-1).tolist() == [pytest.approx(60.0 + 3.0 * 2 + 0.5 * 3)]
        assert "time_bnds" in written and written["time_bnds"].shape[-1] == 2
    np.testing.assert_allclose(truth, siconc[:, 2, 3].astype("f4"), rtol=0, atol=0)
    rmse = np.sqrt(np.mean((predicted[test].astype(np.float64) - siconc[test, 2, 3].astype("f4")) ** 2))
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["splits"]["test"]["model"]["rmse"] == pytest.approx(rmse, rel=1e-5)
    assert metrics["splits"]["test"]["model"]["n_samples"] == int(test.sum()) > 300


def test_one_row_of_a_curvilinear_grid_selected_is_weighed_by_its_own_cell_areas(tmp_path):
    """break47a A5 (and A4's "extra dimension i"): ``--select j=10`` of siconc beside the grid's
    areacello was refused, blaming the cell measure ('on ('i',), not on the grid's') and advising to
    remove the user's cell_measures. The row stays a 1 × n curvilinear grid, areacello cut to the same
    row: the test RMSE is the areacello[10]-weighted one computed with numpy from the files."""
    from tests.grid_files import write_tripolar

    data = write_tripolar(tmp_path / "siconc_SIday.nc", n_time=3 * 365)
    areas = write_tripolar(tmp_path / "areacello_Ofx.nc", variable="areacello")
    run = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(data), "--data", str(areas), "--target", "siconc",
                                 "--select", "j=10", "--epochs", "2", "--hidden", "4", "--out", str(run), "--quiet",
                                 "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(data) as raw, xr.open_dataset(areas) as whole, xr.open_dataset(run / "predictions.nc") as out:
        truth = raw["siconc"].values[:, 10:11, :].astype("f4")
        weights = np.broadcast_to(whole["areacello"].values[10:11, :], truth.shape)
        assert np.ptp(whole["areacello"].values[10]) > 0  # the row's areas differ: the weights tell
        flags = out["split"].attrs
        test = out["split"].values == flags["flag_values"][flags["flag_meanings"].split().index("test")]
        np.testing.assert_array_equal(out["siconc"].values, truth)
        error = out["siconc_pred"].values[test].astype(np.float64) - truth[test]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["cell_areas"] == "areacello"
    expected = np.sqrt(np.sum(weights[test] * error**2) / np.sum(weights[test]))
    assert metrics["splits"]["test"]["model"]["rmse"] == pytest.approx(expected, rel=1e-5)
    assert metrics["splits"]["test"]["model"]["rmse"] != pytest.approx(np.sqrt(np.mean(error**2)), rel=1e-4)

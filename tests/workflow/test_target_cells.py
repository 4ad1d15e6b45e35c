"""Tests for climann/workflow/target_cells.py: ``predict`` leaves missing the cells where the
target never exists (SST over land), and predicts the gaps of the others."""

import shutil

import numpy as np
import pytest
import xarray as xr

from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import predict_files
from tests.conftest import grid_dataset

#: Cells of the 4×6 grid where the target never has a value ("land"), and a cell with a gap.
LAND = [(0, column) for column in range(6)] + [(1, 2), (1, 3)]
GAP_CELL, GAP_STEPS = (2, 4), slice(5, 11)


def sea_dataset() -> xr.Dataset:
    """3 years of monthly ``tas`` (as an SST would be: missing over land at every step, CF
    ``area: mean where sea``) and its predictor ``pred`` everywhere, on a 4×6 grid."""
    dataset = grid_dataset(n_lat=4, n_lon=6, n_years=3).drop_vars(["static", "landonly"])
    tas = dataset["tas"].values.copy()
    for row, column in LAND:
        tas[:, row, column] = np.nan
    tas[GAP_STEPS, GAP_CELL[0], GAP_CELL[1]] = np.nan
    dataset["tas"] = dataset["tas"].copy(data=tas)
    dataset["tas"].attrs["cell_methods"] = "area: mean where sea time: mean"
    return dataset


def land_mask() -> np.ndarray:
    """The hand-written permanent mask, shape (4, 6)."""
    mask = np.zeros((4, 6), dtype=bool)
    for row, column in LAND:
        mask[row, column] = True
    return mask


def by_hand(run_dir, pred: np.ndarray) -> np.ndarray:
    """The network's output for ``pred`` (shape (n_time, n_lat, n_lon)), computed as predict
    does in memory: standardised with the saved scaling, unscaled in float64 arithmetic as the
    run's own evaluation unscales (x = z σ + μ), written as float32 (the target's type)."""
    network = Network.load(run_dir / "model.npz")
    meta = network.metadata
    inputs = (pred.reshape(-1, 1).astype(np.float64) - np.array(meta["input_scaling"]["mean"])) \
        / np.array(meta["input_scaling"]["std"])
    scaled = network.predict(inputs.astype(network.dtype))
    unscaled = scaled[:, 0].astype(np.float64) * meta["target_scaling"]["std"][0] + meta["target_scaling"]["mean"][0]
    return unscaled.astype(np.float32).reshape(pred.shape)


def trained_sea_run(folder):
    """``sea.nc`` (:func:`sea_dataset`) written in ``folder`` and a run trained on it (one
    epoch, tas from pred), in ``folder / "run"``: the folder and the run directory."""
    sea_dataset().to_netcdf(folder / "sea.nc")
    config = build_config({"data": {"paths": [str(folder / "sea.nc")], "target": "tas", "predictors": ["pred"],
                                    "features": []},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return folder, run_training(config, run_dir=folder / "run").run_dir


@pytest.fixture(scope="module")
def sea_run(tmp_path_factory):
    return trained_sea_run(tmp_path_factory.mktemp("sea"))


def _predicted(path) -> np.ndarray:
    with xr.open_dataset(path, engine="zarr" if str(path).endswith(".zarr") else None) as predictions:
        assert predictions["tas_pred"].attrs["cell_methods"] == "area: mean where sea time: mean"
        return predictions["tas_pred"].values


@pytest.mark.parametrize("name", [pytest.param("out.nc", id="in-memory"),
                                  pytest.param("out.zarr", id="zarr-chunk-by-chunk")])
def test_the_target_never_present_in_the_data_is_not_predicted_and_its_gaps_are(sea_run, tmp_path, name):
    folder, run_dir = sea_run
    result = predict_files(run_dir, [str(folder / "sea.nc")], tmp_path / name)
    predicted, land = _predicted(result.path), land_mask()
    np.testing.assert_array_equal(np.isnan(predicted), np.broadcast_to(land, predicted.shape))
    expected = by_hand(run_dir, sea_dataset()["pred"].values)
    if name.endswith(".nc"):  # the same values as before, bit for bit
        np.testing.assert_array_equal(predicted[:, ~land], expected[:, ~land])
    else:  # unscaled in float64 chunk by chunk
        np.testing.assert_allclose(predicted[:, ~land], expected[:, ~land], rtol=2e-6)
    assert np.isfinite(predicted[GAP_STEPS, GAP_CELL[0], GAP_CELL[1]]).all()  # a gap is filled
    assert result.n_samples == 36 * (24 - 8) and result.scores["n_samples"] == 36 * 16 - 6
    assert result.notes == ["tas is missing at every time step at 8 of 24 cells in these data: it does not exist "
                            "there (land for a sea variable, say), so they are left missing, as in the run's "
                            "predictions.nc; cells where it is missing at some time steps only are predicted"]


@pytest.mark.parametrize(("rows", "columns"), [pytest.param(slice(None), slice(None), id="whole-training-grid"),
                                               pytest.param(slice(0, 3), slice(1, 5), id="region-of-it"),
                                               pytest.param(slice(None, None, -1), slice(None), id="north-to-south")])
def test_data_without_the_target_on_the_training_grid_take_the_runs_mask(sea_run, tmp_path, rows, columns):
    _, run_dir = sea_run
    data = sea_dataset().drop_vars("tas").isel(lat=rows, lon=columns)
    data.to_netcdf(tmp_path / "pred.nc")
    result = predict_files(run_dir, [str(tmp_path / "pred.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        predicted = predictions["tas_pred"].values
    land = land_mask()[rows, columns]
    np.testing.assert_array_equal(np.isnan(predicted), np.broadcast_to(land, predicted.shape))
    np.testing.assert_array_equal(predicted[:, ~land], by_hand(run_dir, data["pred"].values)[:, ~land])
    assert len(result.notes) == 1 + (columns != slice(None)) and "in the run's own data" in result.notes[-1]


def test_data_without_the_target_elsewhere_are_predicted_everywhere_with_a_note(sea_run, tmp_path):
    _, run_dir = sea_run
    data = sea_dataset().drop_vars("tas")
    data = data.assign_coords(lat=data["lat"] + 10.0)  # not the training grid's rows
    data.to_netcdf(tmp_path / "shifted.nc")
    result = predict_files(run_dir, [str(tmp_path / "shifted.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        predicted = predictions["tas_pred"].values
    np.testing.assert_array_equal(predicted, by_hand(run_dir, data["pred"].values))
    assert result.notes[-1] == (
        "tas is predicted at every cell where the predictors are present, also where it may not exist (no land–sea "
        "mask applied): these data do not hold tas and they are not on the training grid, where tas never has a "
        "value at 8 of 24 cells")


def test_a_run_without_its_predictions_file_predicts_everywhere_with_a_note(sea_run, tmp_path):
    folder, run_dir = sea_run
    copy = shutil.copytree(run_dir, tmp_path / "run")
    (copy / "predictions.nc").unlink()
    sea_dataset().drop_vars("tas").to_netcdf(tmp_path / "pred.nc")
    result = predict_files(copy, [str(tmp_path / "pred.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        assert np.isfinite(predictions["tas_pred"].values).all()
    assert result.notes[-1].endswith("these data do not hold tas and the run's predictions.nc, which tells where "
                                     "its target exists, is missing")


@pytest.mark.parametrize(("columns", "masked"), [pytest.param(slice(None), True, id="whole-training-grid"),
                                                 pytest.param(slice(1, 5), False, id="region-of-it")])
def test_a_run_without_grid_axes_takes_its_mask_on_its_whole_grid_only(sea_run, tmp_path, columns, masked):
    from tests.conftest import run_written_before

    _, run_dir = sea_run
    older = run_written_before(run_dir, tmp_path / "older", "grid_axes")  # its cells cannot be found by value
    data = sea_dataset().drop_vars("tas").isel(lon=columns)
    data.to_netcdf(tmp_path / "pred.nc")
    result = predict_files(older, [str(tmp_path / "pred.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        missing = np.isnan(predictions["tas_pred"].values)
    land = land_mask()[:, columns] if masked else np.zeros((4, 4), dtype=bool)
    np.testing.assert_array_equal(missing, np.broadcast_to(land, missing.shape))
    assert ("in the run's own data" if masked else "no land–sea mask applied") in result.notes[-1]


def test_a_field_mode_run_leaves_out_where_the_new_datas_target_never_exists(tmp_path):
    sea_dataset().to_netcdf(tmp_path / "sea.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "sea.nc")], "target": "tas", "mode": "field",
                                    "predictors": ["pred"], "features": []},
                           "model": {"hidden": [4]}, "training": {"epochs": 1},
                           # the linear baseline's fit warns of the all-missing cells (its nanmean): left out here
                           "evaluation": {"figures": False, "baselines": ["climatology", "persistence"]}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    new = sea_dataset()
    new["tas"][:, 3, 0] = np.nan  # land in the new data (another model's mask), sea in training
    new.to_netcdf(tmp_path / "new.nc")
    result = predict_files(run_dir, [str(tmp_path / "new.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        missing = np.isnan(predictions["tas_pred"].values)
    land = land_mask()
    land[3, 0] = True
    np.testing.assert_array_equal(missing, np.broadcast_to(land, missing.shape))
    assert result.notes[-1].startswith("tas is missing at every time step at 9 of 24 cells in these data")


#: Cells where one day of the target has a gap (clouds, a failed retrieval): sea in the run's data.
ONE_DAY_GAPS = [(1, 0), (2, 4), (3, 5)]


def one_day(step: int = 7) -> xr.Dataset:
    """One time step of :func:`sea_dataset` (land missing, as at every step) with gaps at
    :data:`ONE_DAY_GAPS`: the form of a product shipped one day per file."""
    day = sea_dataset().isel(time=[step])
    tas = day["tas"].values.copy()
    for row, column in ONE_DAY_GAPS:
        tas[0, row, column] = np.nan
    day["tas"] = day["tas"].copy(data=tas)
    return day


@pytest.mark.parametrize("name", [pytest.param("out.nc", id="in-memory"),
                                  pytest.param("out.zarr", id="zarr-chunk-by-chunk")])
def test_the_gaps_of_one_time_step_are_predicted_where_the_runs_data_have_the_target(sea_run, tmp_path, name):
    _, run_dir = sea_run
    day = one_day()
    day.to_netcdf(tmp_path / "day.nc")
    result = predict_files(run_dir, [str(tmp_path / "day.nc")], tmp_path / name)
    predicted, land = _predicted(result.path), land_mask()
    np.testing.assert_array_equal(np.isnan(predicted[0]), land)  # no gap is left missing, land is
    gaps = tuple(np.array(ONE_DAY_GAPS).T)
    expected = by_hand(run_dir, day["pred"].values)[0]
    np.testing.assert_allclose(predicted[0][gaps], expected[gaps], rtol=0 if name.endswith(".nc") else 2e-6)
    assert result.notes[-1] == (
        "tas is missing at 11 of 24 cells at the one time step of these data: 3 are gaps, predicted (the run's own "
        "data, its predictions.nc, have tas there); at the other 8 it never has a value in the run's own data "
        "either: it does not exist there (land for a sea variable, say), so they are left missing, as in the run's "
        "predictions.nc")


def test_one_time_step_off_the_training_grid_leaves_its_missing_cells_missing_and_says_why(sea_run, tmp_path):
    _, run_dir = sea_run
    day = one_day()
    day = day.assign_coords(lat=day["lat"] + 10.0)  # not the training grid's rows: the run cannot tell
    day.to_netcdf(tmp_path / "day.nc")
    result = predict_files(run_dir, [str(tmp_path / "day.nc")], tmp_path / "out.nc")
    missing = np.isnan(day["tas"].values[0])
    with xr.open_dataset(result.path) as predictions:
        predicted = predictions["tas_pred"].values[0]
    np.testing.assert_array_equal(np.isnan(predicted), missing)
    np.testing.assert_array_equal(predicted[~missing], by_hand(run_dir, day["pred"].values)[0][~missing])
    assert result.notes[-1] == (
        "tas is missing at 11 of 24 cells at the one time step of these data: they are left missing, as one time "
        "step cannot tell a gap from a cell where tas does not exist, and these data are not on the training grid, "
        "where the run's own data would tell")

"""`climann predict`: a trained run applied to new files."""

import numpy as np
import pytest
import xarray as xr

from climann.config import build_config
from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.pipeline import run_training
from climann.predict import predict_files

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [8]}, "training": {"epochs": 2}})
    run = run_training(config, run_dir=folder / "run")
    return folder, sample, run.run_dir


def test_predicting_the_training_data_reproduces_the_runs_predictions(trained):
    folder, sample, run_dir = trained
    result = predict_files(run_dir, [str(sample)], folder / "again.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as again, xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as original:
        np.testing.assert_allclose(again["tas_pred"].values, original["tas_pred"].values, rtol=1e-5)
        assert again["time"].encoding["calendar"] == "noleap"
    assert result.scores is not None and result.notes == []


def test_data_without_the_target_get_predictions_only(trained, tmp_path):
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        source.drop_vars("tas").to_netcdf(tmp_path / "no_target.nc")
    result = predict_files(run_dir, [str(tmp_path / "no_target.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        assert "tas_pred" in predictions and "tas" not in predictions and "tas_error" not in predictions
        assert predictions["tas_pred"].attrs["units"] == "K"
    assert result.scores is None


def test_celsius_is_converted_and_another_grid_is_noted(trained, tmp_path):
    _, _, run_dir = trained
    other = write_sample_dataset(tmp_path / "coarse.nc", years=2, resolution=30.0, seed=4)
    with xr.open_dataset(other) as source:
        celsius = source.assign(tas=(source["tas"] - 273.15).assign_attrs({**source["tas"].attrs, "units": "degC"}))
        celsius.to_netcdf(tmp_path / "celsius.nc")
    result = predict_files(run_dir, [str(tmp_path / "celsius.nc")], tmp_path / "out.nc")
    assert any("converted 'tas' from degC to K" in note for note in result.notes)
    assert any("grid differs from the training grid (12×24 → 6×12)" in note for note in result.notes)
    with xr.open_dataset(result.path) as predictions:
        assert float(predictions["tas"].mean()) > 200  # in K


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d.drop_vars("clt"), "variable 'clt' not in changed.nc; available: tas, rsdt", id="missing-feature"),
        pytest.param(lambda d: d.assign(tas=d["tas"].assign_attrs(units="furlongs")), "in furlongs .* the model predicts K", id="units"),
    ],
)
def test_bad_prediction_inputs(trained, tmp_path, change, message):
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        change(source.load()).to_netcdf(tmp_path / "changed.nc")
    with pytest.raises(ClimannError, match=message):
        predict_files(run_dir, [str(tmp_path / "changed.nc")], tmp_path / "out.nc")
    assert not (tmp_path / "out.nc").exists()


def test_not_a_run_directory(tmp_path):
    with pytest.raises(ClimannError, match="not a finished climann run: config.toml, model.npz missing"):
        predict_files(tmp_path, ["x.nc"], tmp_path / "out.nc")


def test_evaluate_on_its_own_data_reproduces_the_training_scores(trained, tmp_path):
    import json

    from climann.predict import evaluate_run

    _, _, run_dir = trained
    original = json.loads((run_dir / "metrics.json").read_text())
    rescored = evaluate_run(run_dir, out=tmp_path / "again")
    for split in ("train", "val", "test"):
        for name in ("model", "linear", "climatology", "persistence"):
            assert rescored["splits"][split][name]["mse"] == pytest.approx(original["splits"][split][name]["mse"], rel=1e-6)
    assert (tmp_path / "again" / "predictions.nc").exists() and (tmp_path / "again" / "report.md").exists()


def test_evaluate_on_other_data_scores_the_whole_period(trained, tmp_path):
    from climann.predict import evaluate_run

    _, sample, run_dir = trained
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "other")  # the same file, as "other data"
    assert set(metrics["splits"]) == {"all"} and set(metrics["splits"]["all"]) == {"model", "persistence"}
    with xr.open_dataset(sample) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        truth, predicted = predictions["tas"].values, predictions["tas_pred"].values
        present = np.isfinite(truth) & np.isfinite(predicted)  # the network: every value it predicts
        weights = np.broadcast_to(band[None, :, None], truth.shape)[present]
        hand = np.sum(weights * (predicted[present] - truth[present]) ** 2) / weights.sum()
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
    assert metrics["n_samples"] == {"all": present.sum()} and metrics["splits"]["all"]["model"]["n_samples"] == present.sum()
    # persistence has no value at the first step (nothing before it): scored on the others
    assert metrics["splits"]["all"]["persistence"]["n_samples"] == present[1:].sum()
    assert "notes" not in metrics
    with pytest.raises(ClimannError, match="needs --out DIR"):
        evaluate_run(run_dir, [str(sample)])

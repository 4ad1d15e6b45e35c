"""The whole path on a tiny generated dataset: files written, re-opened and checked."""

import hashlib
import math
import logging
import json
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

import climann
from climann.workflow.config import build_config, load_config_file
from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.model import Network
from climann.workflow.pipeline import RUN_FILES, evaluate, model_on_grid, prepare_data, run_training, sample_area_weights
from climann.workflow.predict import saved_scalers
from climann.workflow.preparation import prepared_with_scalers
from climann.evaluation.predictions import split_labels
from climann.workflow.preparation import resolve_inputs
from tests.conftest import draw_no_run_figures, grid_dataset

TINY_TRAINING = {"epochs": 3, "batch_size": 64, "learning_rate": 3e-3}


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    return write_sample_dataset(tmp_path_factory.mktemp("data") / "tiny.nc", years=4, resolution=15.0, seed=3)


@pytest.fixture(scope="module")
def finished_run(tiny_sample, tmp_path_factory):
    config = build_config({"data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [16]}, "training": TINY_TRAINING})
    run_dir = tmp_path_factory.mktemp("runs") / "tiny"
    return run_training(config, run_dir=run_dir, command_line="climann train --test")


def test_run_directory_holds_every_contract_file(finished_run):
    names = {path.name for path in finished_run.run_dir.iterdir()}
    assert set(RUN_FILES) | {"figures"} == names
    assert (finished_run.run_dir / "figures" / "map_test.png").stat().st_size > 10_000
    assert not list(finished_run.run_dir.parent.glob(".*partial"))


def test_metrics_agree_with_an_independent_recomputation_from_predictions_nc(finished_run):
    metrics = json.loads((finished_run.run_dir / "metrics.json").read_text())
    assert metrics["target"] == "tas" and metrics["units"] == "K" and metrics["area_weighted"] is True
    with xr.open_dataset(finished_run.config.data.paths[0]) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band_area = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))  # exact area of each latitude band
    with xr.open_dataset(finished_run.run_dir / "predictions.nc") as predictions:
        names = ["tas_pred", "tas_linear", "tas_climatology", "tas_persistence"]
        assert all(name in predictions for name in names)
        for split in ("train", "val", "test"):
            block = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == split))
            truth = block["tas"].values.astype(np.float64)
            network = np.isfinite(truth) & np.isfinite(block["tas_pred"].values)
            area = np.broadcast_to(band_area[None, :, None], truth.shape)
            for name, key in zip(names, ("model", "linear", "climatology", "persistence")):
                present = network & np.isfinite(block[name].values)  # each model where it is defined
                weights = area[present]
                error = block[name].values[present] - truth[present]
                mse = np.sum(weights * error**2) / np.sum(weights)
                scores = metrics["splits"][split][key]
                assert scores["mse"] == pytest.approx(mse, rel=1e-5), (split, key)
                assert scores["bias"] == pytest.approx(np.sum(weights * error) / np.sum(weights), rel=1e-4, abs=1e-6)
                assert scores["n_samples"] == present.sum()
            assert network.sum() == metrics["n_samples"][split]
            climatology_mse = metrics["splits"][split]["climatology"]["mse"]
            assert metrics["splits"][split]["model"]["skill_vs_climatology"] == pytest.approx(
                1 - metrics["splits"][split]["model"]["mse"] / climatology_mse
            )
    assert "notes" not in metrics  # persistence lacks only the first step, which needs no note


def test_seasons_and_regions_are_in_metrics_report_and_a_figure(finished_run):
    """The default regions (latitude bands) and the four seasons, recomputed from predictions.nc."""
    metrics = json.loads((finished_run.run_dir / "metrics.json").read_text())
    bands = ["tropics", "northern_extratropics", "southern_extratropics"]
    assert list(metrics["region_definitions"]) == bands
    with xr.open_dataset(finished_run.config.data.paths[0]) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band_area = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    with xr.open_dataset(finished_run.run_dir / "predictions.nc",
                         decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        test = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == "test"))
        months = np.array([time.month for time in test["time"].values])
        latitude = np.broadcast_to(test["lat"].values[:, None], test["tas"].shape[1:])
        truth, predicted = test["tas"].values.astype(np.float64), test["tas_pred"].values.astype(np.float64)
    area = np.broadcast_to(band_area[None, :, None], truth.shape)
    present = np.isfinite(truth) & np.isfinite(predicted)

    def mse(where):
        return np.sum(area[where] * (predicted[where] - truth[where]) ** 2) / np.sum(area[where])

    for season, chosen in {"DJF": [12, 1, 2], "MAM": [3, 4, 5], "JJA": [6, 7, 8], "SON": [9, 10, 11]}.items():
        where = present & np.isin(months, chosen)[:, None, None]
        scores = metrics["seasons"]["test"][season]
        assert list(scores) == ["model", "climatology", "linear", "persistence"]
        assert scores["model"]["mse"] == pytest.approx(mse(where), rel=1e-5) and scores["model"]["n_samples"] == where.sum()
    for band, cells in zip(bands, (np.abs(latitude) <= 20, latitude > 20, latitude < -20), strict=True):
        where = present & cells[None]
        assert metrics["region_definitions"][band]["n_cells"] == cells.sum()
        assert metrics["regions"]["test"][band]["model"]["mse"] == pytest.approx(mse(where), rel=1e-5)
    report = (finished_run.run_dir / "report.md").read_text()
    assert "## The test block by season" in report and "## The test block by region" in report
    assert "| DJF | model |" in report and "| tropics | model |" in report
    assert "(figures/skill_by_season_region_test.png)" in report
    assert _png_width(finished_run.run_dir / "figures" / "skill_by_season_region_test.png") > 500


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(1e-4, id="streamed")])
def test_a_run_of_winters_scores_djf_alone_with_no_rows_for_the_seasons_it_has_no_step_of(tiny_sample, tmp_path,
                                                                                          limit_gb):
    """--seasons DJF: report.md listed MAM, JJA and SON as rows of n/a with n = 0 and
    metrics.json held them with null scores, in every block."""
    data = {"paths": [str(tiny_sample)], "seasons": ["DJF"], **({"in_memory_limit_gb": limit_gb} if limit_gb else {})}
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "djf")
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    assert ("evaluated_every_nth_time_step" in metrics) == (limit_gb is not None)  # the chunked route
    assert {block: list(seasons) for block, seasons in metrics["seasons"].items()} == {
        "train": ["DJF"], "val": ["DJF"], "test": ["DJF"]}
    with xr.open_dataset(run.run_dir / "predictions.nc",
                         decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        test = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == "test"))
        truth, predicted = test["tas"].values.astype(np.float64), test["tas_pred"].values.astype(np.float64)
        assert {time.month for time in test["time"].values} == {12, 1, 2}
    with xr.open_dataset(tiny_sample) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    area = np.broadcast_to(np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))[None, :, None], truth.shape)
    present = np.isfinite(truth) & np.isfinite(predicted)
    hand = np.sum(area[present] * (predicted[present] - truth[present]) ** 2) / np.sum(area[present])
    assert metrics["seasons"]["test"]["DJF"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
    assert metrics["seasons"]["test"]["DJF"]["model"]["n_samples"] == present.sum()
    report = (run.run_dir / "report.md").read_text()
    assert "| DJF | model |" in report and "| MAM |" not in report and "| JJA |" not in report
    assert "Not scored: MAM, JJA and SON, which the data hold no time step of." in report


def test_configured_boxes_and_named_regions_are_scored(tiny_sample, tmp_path):
    regions = {"pacific": [-30, 30, 160, -100], "europe": [35, 70, 350, 40]}
    config = build_config({"data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [4]}, "training": TINY_TRAINING,
                           "evaluation": {"regions": regions, "named_regions": ["srex:NEU"], "figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    definitions = run.metrics["region_definitions"]
    assert list(definitions) == ["pacific", "europe", "NEU"]
    assert definitions["NEU"]["kind"] == "srex" and definitions["NEU"]["name"] == "N. Europe"
    with xr.open_dataset(tiny_sample) as source:
        latitude, longitude = np.meshgrid(source["lat"].values, source["lon"].values % 360, indexing="ij")
    pacific = (np.abs(latitude) <= 30) & (longitude >= 160) & (longitude <= 260)
    europe = (latitude >= 35) & (latitude <= 70) & ((longitude >= 350) | (longitude <= 40))
    assert definitions["pacific"]["n_cells"] == pacific.sum() and definitions["europe"]["n_cells"] == europe.sum()
    n_test_steps = run.metrics["n_samples"]["test"] // latitude.size
    assert run.metrics["regions"]["test"]["pacific"]["model"]["n_samples"] == pacific.sum() * n_test_steps
    assert "| NEU | model |" in (run.run_dir / "report.md").read_text()


def test_acc_in_metrics_equals_wilks_formula_recomputed_from_predictions_nc(finished_run):
    """Anomalies from the training years' mean of each calendar month, area-weighted per time
    step and averaged over each block's steps: centred (Wilks 2011 §8.6.4, over at least 10
    cells) and uncentred (WeatherBench 2's ACC)."""
    metrics = json.loads((finished_run.run_dir / "metrics.json").read_text())
    with xr.open_dataset(finished_run.config.data.paths[0]) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    area = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))[:, None] * np.ones(source.sizes["lon"])
    with xr.open_dataset(finished_run.run_dir / "predictions.nc") as predictions:
        truth = predictions["tas"].values.astype(np.float64)
        months = predictions["time"].dt.month.values
        split = split_labels(predictions["split"])
        grids = {key: predictions[name].values.astype(np.float64) for key, name in
                 [("model", "tas_pred"), ("linear", "tas_linear"), ("persistence", "tas_persistence")]}
    train = split == "train"
    climatology = np.stack([np.nanmean(truth[train & (months == month)], axis=0) for month in months])
    network = np.isfinite(truth) & np.isfinite(grids["model"])
    for block in ("train", "val", "test"):
        for key, predicted in grids.items():
            centred, uncentred = [], []
            for t in np.flatnonzero(split == block):
                keep = network[t] & np.isfinite(predicted[t])
                f, a, w = (predicted[t] - climatology[t])[keep], (truth[t] - climatology[t])[keep], area[keep]
                if not keep.any():
                    continue
                uncentred.append(np.sum(w * f * a) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
                if keep.sum() < 10:
                    continue
                f, a = f - np.sum(w * f) / np.sum(w), a - np.sum(w * a) / np.sum(w)
                centred.append(np.sum(w * f * a) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
            scores = metrics["splits"][block][key]
            assert scores["acc"] == pytest.approx(np.mean(centred), rel=1e-5), (block, key)
            assert scores["acc_n_steps"] == len(centred)
            assert scores["acc_uncentred"] == pytest.approx(np.mean(uncentred), rel=1e-5), (block, key)
            assert scores["acc_uncentred_n_steps"] == len(uncentred)
        assert metrics["splits"][block]["climatology"]["acc"] is None
        assert metrics["splits"][block]["climatology"]["acc_uncentred"] is None
    assert {note["model"] for note in metrics["score_notes"]} == {"climatology"}
    assert "ACC and uncentred ACC of climatology undefined in the train, val and test blocks" in (
        finished_run.run_dir / "report.md").read_text()


def test_history_records_the_training_loss_per_epoch(finished_run):
    lines = (finished_run.run_dir / "history.csv").read_text().splitlines()
    assert lines[0] == "epoch,train_loss,val_loss,learning_rate"  # the contract's three columns first
    rows = [line.split(",") for line in lines[1:]]
    assert [int(row[0]) for row in rows] == [1, 2, 3]
    assert [float(row[1]) for row in rows] == pytest.approx(finished_run.history.train_loss)
    assert float(rows[-1][1]) < float(rows[0][1])
    assert Network.load(finished_run.run_dir / "model.npz").metadata["weights_epoch"] == 3  # no early stopping: the last


def test_model_file_reproduces_the_predictions(finished_run):
    network = Network.load(finished_run.run_dir / "model.npz")
    meta = network.metadata
    assert meta["features"] == ["rsdt", "orog", "sftlf", "clt", "lat", "season_sin", "season_cos"]
    assert meta["target_units"] == ["K"]
    data = prepare_data(finished_run.config)
    inputs = (data.samples.inputs - np.array(meta["input_scaling"]["mean"])) / meta["input_scaling"]["std"]
    scaled = network.predict(inputs.astype(np.float32))[:, 0]
    predicted = scaled * meta["target_scaling"]["std"][0] + meta["target_scaling"]["mean"][0]
    with xr.open_dataset(finished_run.run_dir / "predictions.nc") as predictions:
        on_grid = predictions["tas_pred"].transpose("time", "lat", "lon").values.reshape(-1)
    np.testing.assert_allclose(on_grid[data.samples.flat_index], predicted, rtol=1e-5)


def test_resolved_config_reruns_to_identical_weights(finished_run, tmp_path, monkeypatch):
    saved = build_config(load_config_file(finished_run.run_dir / "config.toml"))
    assert saved == finished_run.config
    # the same configuration, its figures not drawn: they come after the weights and take most of the time
    draw_no_run_figures(monkeypatch)
    rerun = run_training(saved, run_dir=tmp_path / "again")
    first = Network.load(finished_run.run_dir / "model.npz")
    second = Network.load(rerun.run_dir / "model.npz")
    for a, b in zip(first.weights + first.biases, second.weights + second.biases):
        np.testing.assert_array_equal(a, b)


def test_a_non_empty_run_directory_is_refused_unless_overwrite(finished_run, tiny_sample):
    config = build_config({"data": {"paths": [str(tiny_sample)]}, "training": {"epochs": 1}})
    with pytest.raises(ClimannError, match="not empty.*--overwrite"):
        run_training(config, run_dir=finished_run.run_dir)


def test_a_failed_run_leaves_nothing_behind(tiny_sample, tmp_path):
    config = build_config({"data": {"paths": [str(tiny_sample)], "target": "nope"}})
    with pytest.raises(ClimannError, match="variable 'nope'"):
        run_training(config, run_dir=tmp_path / "runs" / "bad")
    assert not (tmp_path / "runs").exists()


def test_training_options_reach_the_model(tiny_sample, tmp_path):
    config = build_config({
        "data": {"paths": [str(tiny_sample)]},
        "model": {"hidden": [8], "activation": "leaky_relu(0.2)"},
        "training": {"epochs": 5, "optimizer": "momentum", "learning_rate": 0.01, "schedule": "step",
                     "decay_every": 2, "decay_factor": 0.5, "loss": "huber", "huber_delta": 0.5,
                     "l2": 1e-4, "clip_norm": 5.0, "area_weighted": True},
        "evaluation": {"figures": False},
    })
    run = run_training(config, run_dir=tmp_path / "options")
    rows = [line.split(",") for line in (run.run_dir / "history.csv").read_text().splitlines()[1:]]
    assert [float(row[3]) for row in rows] == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.0025])
    assert Network.load(run.run_dir / "model.npz").metadata["loss"] == "huber"
    assert 'activation = "leaky_relu(0.2)"' in (run.run_dir / "config.toml").read_text()


def test_early_stopping_restores_the_best_validation_weights(tiny_sample, tmp_path):
    config = build_config({
        "data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [8]},
        "training": {"epochs": 30, "learning_rate": 0.05, "early_stopping_patience": 2},
        "evaluation": {"figures": False},
    })
    run = run_training(config, run_dir=tmp_path / "early")
    history = run.history
    assert history.stopped_epoch is not None and len(history.val_loss) < 30
    network = Network.load(run.run_dir / "model.npz")
    data = prepare_data(run.config)
    val = data.sample_masks["val"]
    weights = sample_area_weights(data)[val]  # the loss is area-weighted by default
    restored = network.loss(data.scaled_inputs[val], data.scaled_target[val], loss="mse", sample_weight=weights)
    assert restored == pytest.approx(min(history.val_loss), rel=1e-4)
    assert network.metadata["weights_epoch"] == history.best_epoch == int(np.argmin(history.val_loss)) + 1


def test_field_mode_trains_with_the_default_inputs(tiny_sample, tmp_path):
    """`--mode field` alone (the default predictors and features) trains: its features are
    season only, written into the run's config."""
    config = build_config({"data": {"paths": [str(tiny_sample)], "mode": "field"},
                           "model": {"hidden": [8]}, "training": {"epochs": 1, "batch_size": 8},
                           "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "field")
    assert run.metrics["mode"] == "field"
    written = load_config_file(run.run_dir / "config.toml")
    assert written["data"]["features"] == ["season"]


def test_field_mode_end_to_end(tiny_sample, tmp_path, monkeypatch):
    draw_no_run_figures(monkeypatch)  # its scores, model file and predictions are checked, not its figures
    config = build_config({
        "data": {"paths": [str(tiny_sample)], "mode": "field", "predictors": ["rsdt", "clt"],
                 "features": ["season"], "global_means": ["clt"]},
        "model": {"hidden": [16]}, "training": {"epochs": 100, "batch_size": 8, "learning_rate": 3e-3},
    })
    run = run_training(config, run_dir=tmp_path / "field")
    metrics = run.metrics
    assert metrics["mode"] == "field"
    network = Network.load(run.run_dir / "model.npz")
    n_lat, n_lon = 12, 24  # the 15° tiny sample
    assert network.layer_sizes[-1] == n_lat * n_lon
    assert metrics["n_samples"]["test"] > 0
    assert run.history.train_loss[-1] < 0.2 * run.history.train_loss[0]  # it learns
    with xr.open_dataset(tiny_sample) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        test = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == "test"))
        truth, predicted = test["tas"].values, test["tas_pred"].values
        assert np.isfinite(predicted).all()  # a whole map for every test month
        weights = np.broadcast_to(band[None, :, None], truth.shape)
        hand = np.sum(weights * (predicted - truth) ** 2) / weights.sum()
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)


STREAMED = {"data": {"in_memory_limit_gb": 2e-4},  # ≈ 0.2 MB: streams
            "model": {"hidden": [8]}, "training": {"epochs": 3, "batch_size": 64, "learning_rate": 3e-3}}


@pytest.fixture(scope="module")
def streamed_run(tiny_sample, tmp_path_factory):
    settings = {**STREAMED, "data": {**STREAMED["data"], "paths": [str(tiny_sample)]},
                "evaluation": {"figures": False}}  # its tests read its scores, predictions and model file
    return run_training(build_config(settings), run_dir=tmp_path_factory.mktemp("runs") / "streamed")


def test_data_beyond_the_memory_limit_are_streamed(streamed_run, tiny_sample, tmp_path):
    streamed = streamed_run
    metrics = streamed.metrics
    assert metrics["evaluated_every_nth_time_step"] == 1  # every step scored, the key kept for old readers
    assert streamed.history.train_loss[-1] < streamed.history.train_loss[0]
    with xr.open_dataset(streamed.run_dir / "predictions.nc") as predictions:
        assert predictions.sizes["time"] == 48  # 4 years of months: every one
    settings = {**STREAMED, "data": {**STREAMED["data"], "paths": [str(tiny_sample)]},
                "evaluation": {"figures": False}}  # drawn after training: the weights do not depend on them
    again = run_training(build_config(settings), run_dir=tmp_path / "again")  # same seed: same weights
    first, second = (Network.load(run.run_dir / "model.npz") for run in (streamed, again))
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_array_equal(a, b)
    # the training range of each feature, read in the scaling pass: that of the training block
    in_memory = prepare_data(resolve_inputs(streamed.config))
    train_inputs = in_memory.samples.inputs[in_memory.sample_masks["train"]]
    assert first.metadata["input_ranges"] == {"names": list(in_memory.samples.feature_names),
                                              "min": train_inputs.min(axis=0).astype(float).tolist(),
                                              "max": train_inputs.max(axis=0).astype(float).tolist()}


def test_a_streamed_run_scores_every_time_step_as_the_in_memory_evaluation_of_its_network(streamed_run):
    """The streamed run's scores, summed chunk by chunk, are those of the same network evaluated
    with the data in memory (the grid one chunk), and its test MSE the hand-computed one."""
    network = Network.load(streamed_run.run_dir / "model.npz")
    config = resolve_inputs(streamed_run.config)
    data = prepared_with_scalers(config, *saved_scalers(SimpleNamespace(network=network)))
    expected = evaluate(config, data, network).metrics
    metrics = streamed_run.metrics
    assert metrics["n_samples"] == expected["n_samples"] and metrics["n_dropped"] == expected["n_dropped"]
    for key in ("splits", "seasons", "regions"):
        assert_same_scores(metrics[key], expected[key], key)
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(expected["splits"]["test"]["model"]["mse"],
                                                                      rel=1e-9)
    truth, predicted = (grid[data.split.time_masks["test"]] for grid in model_on_grid(data, network))
    present = np.isfinite(truth) & np.isfinite(predicted)
    weights = np.broadcast_to(data.samples.layout.cell_area_weights(), truth.shape)[present]
    hand = np.sum(weights * (predicted[present] - truth[present]) ** 2) / np.sum(weights)
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(hand, rel=1e-9)


def assert_same_scores(actual, expected, where=()):
    """The same nested keys, the same scores to rounding (None where None)."""
    if isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key, value in expected.items():
            assert_same_scores(actual[key], value, (*where, key))
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-6, abs=1e-9), where
    else:
        assert actual == expected, where


def _png_width(path):
    """Width in pixels from a PNG's IHDR chunk."""
    return int.from_bytes(path.read_bytes()[16:20], "big")


def test_default_evaluation_scores_every_baseline(finished_run):
    metrics = json.loads((finished_run.run_dir / "metrics.json").read_text())
    assert list(metrics["splits"]["test"]) == ["model", "climatology", "linear", "persistence"]


@pytest.mark.parametrize(
    ("evaluation", "expected_models", "figures"),
    [
        pytest.param({"baselines": ["linear"], "dpi": 30}, ["model", "linear"], True, id="linear-only-low-dpi"),
        pytest.param({"baselines": [], "figures": False}, ["model"], False, id="no-baselines-no-figures"),
    ],
)
def test_evaluation_settings_choose_baselines_and_figures(finished_run, tiny_sample, tmp_path, evaluation,
                                                          expected_models, figures):
    config = build_config({"data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [16]},
                           "training": TINY_TRAINING, "evaluation": evaluation})
    run = run_training(config, run_dir=tmp_path / "run")
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    assert list(metrics["splits"]["test"]) == expected_models
    assert "skill_vs_climatology" not in metrics["splits"]["test"]["model"]
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        assert {f"tas_{name}" for name in expected_models[1:]} == {
            name for name in predictions.data_vars if name.startswith("tas_") and name not in ("tas_pred", "tas_error")
        }
    assert (run.run_dir / "figures").is_dir() == figures
    if figures:
        default_width = _png_width(finished_run.run_dir / "figures" / "map_test.png")
        assert _png_width(run.run_dir / "figures" / "map_test.png") == pytest.approx(default_width * 30 / 150, rel=0.05)


def test_train_log_records_phases_summary_and_every_epoch(finished_run):
    lines = (finished_run.run_dir / "train.log").read_text().splitlines()
    messages = [line.split(" ", 1)[1] for line in lines]
    assert messages[0] == f"climann {climann.__version__}: climann train --test"
    epochs = [m for m in messages if m.startswith("epoch ")]
    assert [m.split()[1] for m in epochs] == ["1/3", "2/3", "3/3"]
    history = finished_run.history
    assert f"train_loss {history.train_loss[-1]:.5f}  val_loss {history.val_loss[-1]:.5f}" in epochs[-1]
    for phase in ("recording the inputs", "preparing data", "training", "evaluating", "writing the run directory"):
        assert f"{phase} …" in messages and any(m.startswith(f"{phase}: ") and m.endswith(" s") for m in messages)
    assert any(m.startswith("samples: train ") for m in messages)


def test_provenance_records_inputs_versions_and_command(finished_run, tiny_sample):
    record = json.loads((finished_run.run_dir / "provenance.json").read_text())
    assert record["command_line"] == "climann train --test"
    assert record["climann_version"] == climann.__version__
    assert record["packages"]["numpy"] == np.__version__
    assert record["inputs"] == [{
        "path": str(tiny_sample.resolve()), "size": tiny_sample.stat().st_size,
        "sha256": hashlib.sha256(tiny_sample.read_bytes()).hexdigest(),
    }]


def test_overwrite_replaces_only_the_runs_own_files_with_the_umasks_modes(finished_run, tiny_sample, tmp_path):
    import os
    import shutil

    run_dir = tmp_path / "runs" / "tiny"
    shutil.copytree(finished_run.run_dir, run_dir)
    (run_dir / "ssp585").mkdir()  # climann evaluate --out runs/tiny/ssp585: an output of the replaced model
    shutil.copy(run_dir / "metrics.json", run_dir / "ssp585" / "metrics.json")
    Network([2, 1]).save(run_dir / "best_model.npz", metadata={"diverged_in_epoch": 3})  # an older diverged run's
    old_model = (run_dir / "model.npz").read_bytes()
    config = build_config({"data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [4]},
                           "training": {**TINY_TRAINING, "epochs": 1}, "evaluation": {"figures": False}})
    previous = os.umask(0o022)
    try:
        run_training(config, run_dir=run_dir, overwrite=True)
    finally:
        os.umask(previous)
    assert (run_dir / "model.npz").read_bytes() != old_model
    assert Network.load(run_dir / "model.npz").layer_sizes[1] == 4
    assert sorted(path.name for path in run_dir.iterdir()) == sorted(RUN_FILES)  # no old figures, no old scores
    assert run_dir.stat().st_mode & 0o777 == 0o755 and (run_dir / "model.npz").stat().st_mode & 0o777 == 0o644
    assert sorted(path.name for path in run_dir.parent.iterdir()) == ["tiny"]


def test_a_new_run_directory_has_the_umasks_mode(finished_run):
    assert finished_run.run_dir.stat().st_mode & 0o777 == 0o777 & ~_umask()
    assert "![map test](figures/map_test.png)" in (finished_run.run_dir / "report.md").read_text()


def _umask():
    from climann.workflow.outputs import current_umask

    return current_umask()


def test_model_file_records_the_units_of_the_target_and_every_predictor(finished_run, tiny_sample):
    meta = Network.load(finished_run.run_dir / "model.npz").metadata
    with xr.open_dataset(tiny_sample) as source:
        expected = {name: source[name].attrs["units"] for name in ("tas", "rsdt", "orog", "sftlf", "clt")}
    assert meta["units"] == expected


def _write_packed_sst(path, land):
    """The valid_range case: packed int16 SST whose land is flagged only by -32768, outside
    valid_range = [-300, 4000] (packed units); _FillValue -32767 is never used."""
    import netCDF4

    lat, lon, n = np.array([-50.0, -30.0, -10.0, 10.0, 30.0, 50.0]), np.arange(0.0, 360.0, 45.0), 48
    months = np.arange(n) % 12
    rng = np.random.default_rng(5)
    sst = (28 - 0.4 * np.abs(lat)[None, :, None]
           + 3 * np.cos(2 * np.pi * months / 12)[:, None, None] * np.sign(lat)[None, :, None]
           + rng.normal(0, 0.2, (n, lat.size, lon.size)))
    packed = np.round(sst / 0.01).astype("i2")
    packed[:, land] = -32768
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", n), ("lat", lat.size), ("lon", lon.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 1990-01-01", "365_day"
        time[:] = 15 + 365 * (np.arange(n) // 12) + np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])[months]
        nc.createVariable("lat", "f4", ("lat",))[:] = lat
        nc.variables["lat"].units = "degrees_north"
        nc.createVariable("lon", "f4", ("lon",))[:] = lon
        nc.variables["lon"].units = "degrees_east"
        tos = nc.createVariable("tos", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
        tos.set_auto_maskandscale(False)
        tos.scale_factor, tos.add_offset = 0.01, 0.0
        tos.valid_range = np.array([-300, 4000], dtype="i2")
        tos.units = "degC"
        tos[:] = packed
    return path


def test_values_outside_valid_range_are_missing_in_training_and_predictions(tmp_path):
    land = np.zeros((6, 8), bool)
    land[1:3, 2:4] = True
    land[4, 6] = True
    path = _write_packed_sst(tmp_path / "tos_valid_range.nc", land)
    config = build_config({
        "data": {"paths": [str(path)], "target": "tos", "predictors": [], "features": ["lat", "season"]},
        "model": {"hidden": [4]}, "training": TINY_TRAINING, "evaluation": {"figures": False},
    })
    result = run_training(config, run_dir=tmp_path / "run")
    with xr.open_dataset(result.run_dir / "predictions.nc") as predictions:
        truth = predictions["tos"].transpose("time", "lat", "lon").values
        predicted = predictions["tos_pred"].transpose("time", "lat", "lon").values
    assert np.isnan(truth[:, land]).all() and np.isnan(predicted[:, land]).all()
    assert np.isfinite(truth[:, ~land]).all() and np.isfinite(predicted[:, ~land]).all()
    assert np.nanmin(truth) > -3.0  # no -327.68 °C land value trained on
    assert "valid_range" not in predictions["tos"].attrs


@pytest.mark.parametrize("given", [
    pytest.param({"predictors": ["pred"]}, id="predictors-named-features-chosen"),
    pytest.param({}, id="predictors-and-features-chosen"),
])
def test_a_run_opens_its_files_once_and_says_their_notes_once(tmp_path, monkeypatch, given):
    """The inputs the run does not give are chosen on the data it then reads: each file is opened
    once (it was opened for the choice, then again for the samples), so a note about the
    files is in train.log once. Several files with named predictors: the file of 'sic', which
    the run does not use, is left out after its header is read, said once at the INFO level."""
    import climann.data.open as opening

    draw_no_run_figures(monkeypatch)
    full = grid_dataset(n_years=3)
    if given:
        full[["tas", "pred"]].to_netcdf(tmp_path / "a_tas.nc")
        full[["pred"]].rename(pred="sic").isel(time=slice(24, None)).to_netcdf(tmp_path / "b_sic.nc")
    else:
        full[["tas", "pred", "static"]].to_netcdf(tmp_path / "a_tas.nc")
    opened = []
    open_one = opening._open_one
    monkeypatch.setattr(opening, "_open_one", lambda path, coder, *rest: opened.append(path.name) or open_one(path, coder, *rest))
    config = build_config({"data": {"paths": [str(tmp_path / "*.nc")], "target": "tas", **given},
                           "training": TINY_TRAINING})
    result = run_training(config, run_dir=tmp_path / "run")
    assert sorted(opened) == ["a_tas.nc"]  # b_sic.nc, of a variable the run does not use: its header only
    log = (result.run_dir / "train.log").read_text()
    assert log.count("inputs chosen from the data: predictors pred") == 1
    left_out = "left out, as they hold none of the variables the run uses (pred, tas): b_sic.nc"
    assert log.count(left_out) == (1 if given else 0)


@pytest.mark.parametrize("settings", [pytest.param({}, id="in-memory"), pytest.param(STREAMED, id="streamed")])
def test_sample_fraction_thins_the_training_block_only(tmp_path, monkeypatch, settings):
    draw_no_run_figures(monkeypatch)
    sample = write_sample_dataset(tmp_path / "sample.nc", years=6, resolution=30.0, seed=2)
    config = build_config({"data": {"paths": [str(sample)], "predictors": ["rsdt"], "features": ["lat"],
                                    "sample_fraction": 0.3, **settings.get("data", {})},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(resolve_inputs(config), run_dir=tmp_path / "run")
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions, xr.open_dataset(sample) as source:
        blocks = np.asarray(split_labels(predictions["split"]))
        truth = source["tas"].values.astype(np.float64)
        weights = np.broadcast_to(
            np.diff(np.sin(np.deg2rad(predictions["lat_bnds"].values)), axis=1)[:, 0][None, :, None], truth.shape)
        for block in ("val", "test"):  # every value of the file, the network's and persistence's
            steps = blocks == block
            present = np.isfinite(truth[steps])
            assert metrics["splits"][block]["model"]["n_samples"] == present.sum()
            assert np.isfinite(predictions["tas_pred"].values[steps][present]).all()
            error = predictions["tas_pred"].values[steps].astype(np.float64) - truth[steps]
            hand = np.sum((weights[steps] * error ** 2)[present]) / np.sum(weights[steps][present])
            assert metrics["splits"][block]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
            persistence = truth[np.flatnonzero(steps) - 1] - truth[steps]  # the previous month, in the file
            hand = np.sum((weights[steps] * persistence ** 2)[present]) / np.sum(weights[steps][present])
            assert metrics["splits"][block]["persistence"]["mse"] == pytest.approx(hand, rel=1e-5)
        train = blocks == "train"
        assert 0.2 < metrics["splits"]["train"]["model"]["n_samples"] / np.isfinite(truth[train]).sum() < 0.4


def test_a_field_run_of_a_time_range_counts_no_map_of_the_step_before_as_dropped(write_grid, tmp_path):
    """verify21a F1 in field mode: the map of the step read before time_range (its lag missing
    by construction) was counted in n_dropped, as the pointwise samples were."""
    path = write_grid(n_years=5)  # monthly, 2000–2004, complete
    years = {"train": [2001, 2002], "val": [2003, 2003], "test": [2004, 2004]}
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "mode": "field",
                                    "lags": {"pred": [1]}, "time_range": ["2001-01", "2004-12"], "split_years": years},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    with xr.open_dataset(path) as source:
        n_cells = source["tas"].shape[1] * source["tas"].shape[2]
    assert run.metrics["n_dropped"] == 0 and run.metrics["n_samples"]["train"] == 24 * n_cells  # every map of 2001–2002


@pytest.mark.parametrize(("time_range", "has_step_before"), [
    pytest.param(["2001-01", "2004-12"], True, id="the-file-has-december-2000"),
    pytest.param(["2000-01", "2003-12"], False, id="the-range-starts-the-file"),
])
def test_a_run_of_a_time_range_reads_the_step_before_for_persistence_and_lags_only(write_grid, tmp_path, time_range,
                                                                                     has_step_before):
    """With ``time_range`` the file's step just before the range gives the range's first step
    its persistence and its lag (break20 F4): that step is in no block, and the blocks and
    their names are those of the range. When the range starts the file, there is none."""
    path = write_grid(n_years=5)  # monthly, 2000–2004, noleap
    first = int(time_range[0][:4])
    years = {"train": [first, first + 1], "val": [first + 2, first + 2], "test": [first + 3, first + 3]}
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                    "lags": {"pred": [1]}, "time_range": time_range, "split_years": years},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as source:
        tas = source["tas"].values.astype(np.float64)
        in_range = np.flatnonzero([first <= t.year < first + 4 for t in source["time"].values])
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        labels = split_labels(predictions["split"])
        persistence = predictions["tas_persistence"].values.astype(np.float64)
    assert len(labels) == len(in_range) + has_step_before
    assert list(labels[:1 + has_step_before]) == [""] * has_step_before + ["train"]
    first_step = persistence[int(has_step_before)]  # January of the range's first year
    if has_step_before:  # December before it, from the file
        np.testing.assert_allclose(first_step, tas[in_range[0] - 1], rtol=1e-6)
    else:
        assert np.isnan(first_step).all()
    n_cells = tas.shape[1] * tas.shape[2]
    n_train = 24 - (not has_step_before)  # the first January lacks its lag without the step before
    assert run.metrics["n_samples"]["train"] == n_train * n_cells
    assert run.metrics["splits"]["train"]["persistence"]["n_samples"] == n_train * n_cells
    assert run.metrics["split_periods"] == {"train": f"{first}–{first + 1}", "val": f"{first + 2}",
                                           "test": f"{first + 3}"}


@pytest.mark.parametrize("in_memory_limit_gb", [
    pytest.param(2.0, id="in-memory"),
    pytest.param(1e-9, id="streamed"),
])
@pytest.mark.parametrize(("time_range", "expected"), [
    pytest.param(["2000-01", "2003-01"], ["the test block holds 1 time step (2003-01): less than a year (the split "
                                          "gives each block whole years of the data, 2000–2003, and the data hold "
                                          "that part of its year), so its scores are of part of the seasonal cycle; "
                                          "leave that year out, --time-range 2000,2002, or choose the blocks' years "
                                          "in [data] split_years"], id="verify24-F3-a-test-block-of-one-month"),
    pytest.param(["2000-01", "2002-12"], [], id="whole-years"),
])
def test_train_warns_of_a_block_of_less_than_a_year(write_grid, tmp_path, caplog, time_range, expected,
                                                    in_memory_limit_gb):
    """verify24 F3: monthly data ending in January were split by years into a test block of that
    January alone, scored (one map) without a word."""
    path = write_grid(n_years=5)  # monthly, 2000–2004
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                    "time_range": time_range, "in_memory_limit_gb": in_memory_limit_gb},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    assert [record.getMessage() for record in caplog.records if "less than a year" in record.getMessage()] == expected
    assert run.metrics["split_periods"]["test"] == ("2003-01" if expected else "2002")


@pytest.mark.parametrize("time_range", [pytest.param(None, id="whole-file"),
                                        pytest.param(["2010", "2020"], id="the-range-the-warning-advised")])
def test_a_block_of_one_yearly_map_is_no_part_year(tmp_path, caplog, time_range):
    """break40c C4: ESA CCI's yearly biomass maps (2010, 2015–2021) were told "the val block holds
    1 time step (2020); the test block holds 1 time step (2021): less than a year … leave that
    year out, --time-range 2010,2020", and with that range the same of 2019 and 2020. A yearly
    step is a whole year: no warning, and the blocks are those years."""
    years = [2010, *range(2015, 2022)]
    rng = np.random.default_rng(40)
    agb = 100 + 20 * rng.standard_normal((len(years), 3, 4))
    path = tmp_path / "ESACCI-BIOMASS-L4-AGB-MERGED.nc"
    xr.Dataset({"agb": (("time", "lat", "lon"), agb.astype(np.float32), {"units": "Mg/ha"}),
                "pr": (("time", "lat", "lon"), rng.random((len(years), 3, 4)).astype(np.float32), {"units": "mm"})},
               coords={"time": ("time", [(np.datetime64(f"{year}-01-01") - np.datetime64("2010-01-01")).astype(float)
                                         for year in years],
                                {"units": "days since 2010-01-01", "calendar": "standard"}),
                       "lat": ("lat", [-10.0, 0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0, 30.0], {"units": "degrees_east"})}).to_netcdf(path)
    data = {"paths": [str(path)], "target": "agb", "predictors": ["pr"]}
    if time_range is not None:
        data["time_range"] = time_range
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    assert not [record.getMessage() for record in caplog.records if "less than a year" in record.getMessage()]
    last = 2021 if time_range is None else 2020
    assert run.metrics["split_periods"] == {"train": "2010, 2015–2019" if time_range is None else "2010, 2015–2018",
                                            "val": str(last - 1), "test": str(last)}


def _summers(path, last_months):
    """Monthly June–August fields of 2000 to the year of ``last_months``' length (its last
    summer holding those months), "days since 2000-01-01": a seasonal subset, as cdo selseas,JJA
    cuts (break51b A2: the AVHRR NDVI CDR's summers of 2009–2011)."""
    months = [(year, month) for year in range(2000, 2000 + len(last_months))
              for month in (last_months[year - 2000])]
    rng = np.random.default_rng(51)
    shape = (len(months), 3, 4)
    days = [(np.datetime64(f"{year}-{month:02d}-16") - np.datetime64("2000-01-01")).astype(float)
            for year, month in months]
    xr.Dataset({"ndvi": (("time", "lat", "lon"), rng.random(shape).astype(np.float32), {"units": "1"}),
                "pred": (("time", "lat", "lon"), rng.random(shape).astype(np.float32), {"units": "1"})},
               coords={"time": ("time", days, {"units": "days since 2000-01-01", "calendar": "standard"}),
                       "lat": ("lat", [60.0, 61.0, 62.0], {"units": "degrees_north"}),
                       "lon": ("lon", [-150.0, -149.0, -148.0, -147.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


_JJA, _JJ = (6, 7, 8), (6, 7)
#: The blocks, one summer each, named by their months
_SUMMER_BLOCKS = {"train": "2000-06 to 2000-08", "val": "2001-06 to 2001-08", "test": "2002-06 to 2002-08"}


@pytest.mark.parametrize(("summers", "expected", "advised"), [
    # every year a whole summer: each block a whole season, nothing to say (was "less than a year … leave that
    # year out, --time-range 2001,2001" for 3 summers, which split one summer in three, the test without climatology)
    pytest.param((_JJA, _JJA, _JJA), None, None, id="three-whole-summers"),
    # the last summer cut short: that block, and a --time-range that leaves three whole summers, run as advised
    pytest.param((_JJA, _JJA, _JJA, _JJ), "the test block holds 2 time steps", "2000,2002",
                 id="the-last-summer-without-august"),
    # leaving it out would leave two summers, split by time steps: no --time-range advised
    pytest.param((_JJA, _JJA, _JJ), "the test block holds 2 time steps", None, id="two-summers-would-stay"),
])
def test_a_seasonal_subset_is_split_into_whole_seasons_and_advised_so(tmp_path, caplog, summers, expected, advised):
    """break51b A2: June–August files of 2009–2011 were told each block held "less than a year" and advised
    ``--time-range 2010,2010``: one summer, which the split then cut in three (a test block of 14 days without a
    training value of its climatology). A season of a seasonal subset is its whole year; an advised range keeps
    three years, and run as advised, no block is short and the test block has its climatology (per calendar month,
    from the training summers: every cell and step)."""
    path = _summers(tmp_path / "ndvi.nc", summers)

    def train(name, time_range=None):
        data = {"paths": [str(path)], "target": "ndvi", "predictors": ["pred"]}
        if time_range is not None:
            data["time_range"] = time_range
        config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                               "evaluation": {"figures": False}})
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            run = run_training(config, run_dir=tmp_path / name)
        return run, [record.getMessage() for record in caplog.records if "less than a year" in record.getMessage()]

    run, said = train("run")
    if expected is None:
        assert said == []
        assert run.metrics["split_periods"] == _SUMMER_BLOCKS
        assert run.metrics["splits"]["test"]["climatology"]["n_samples"] == 3 * 12
        return
    (line,) = said
    assert line.startswith(expected)
    assert ("--time-range" in line) == (advised is not None)
    assert line.endswith("choose the blocks' years in [data] split_years")
    if advised is None:
        return
    assert f"leave that year out, --time-range {advised}, or" in line
    run, said = train("advised", advised.split(","))
    assert said == []
    assert run.metrics["split_periods"] == _SUMMER_BLOCKS
    assert run.metrics["splits"]["test"]["climatology"]["n_samples"] == 3 * 12


def test_metrics_and_report_say_how_the_run_trained(streamed_run, tiny_sample, tmp_path):
    """break36b B5: nothing in metrics.json or report.md said a run was streamed (or on a cluster);
    its chunks counted here from the run's own predictions file and train.log."""
    training = streamed_run.metrics["training"]
    # the tiny sample's 24 training months of 288 cells fit one chunk of 32 MiB (train.log: "chunks: 1 of")
    assert "chunks: 1 of ≤ 32 MiB" in (streamed_run.run_dir / "train.log").read_text()
    n_train = streamed_run.metrics["n_samples"]["train"]
    assert n_train == 24 * 288
    assert training == {"route": "streamed", "workers": 1, "chunks": 1, "method": "mini-batch SGD",
                        "rounds_per_epoch": 1, "chunks_per_round": 1, "sync_every": 0,
                        "steps_per_round": float(math.ceil(n_train / 64)), "learning_rate_factor": 1}
    report = (streamed_run.run_dir / "report.md").read_text()
    assert ("Trained streamed from disk: mini-batch SGD, 1 round(s) per epoch of 1 chunk (≈ 108 steps per replica), "
            "over 1 training chunk.") in report
    assert json.loads((streamed_run.run_dir / "metrics.json").read_text())["training"] == training
    from climann.workflow.predict import evaluate_run

    assert evaluate_run(streamed_run.run_dir, out=tmp_path / "rescored")["training"] == training  # re-scoring keeps it
    in_memory = run_training(build_config({"data": {"paths": [str(tiny_sample)]}, "model": {"hidden": [4]},
                                           "training": {"epochs": 1}, "evaluation": {"figures": False}}),
                             run_dir=tmp_path / "in_memory")
    assert in_memory.metrics["training"] == {"route": "in memory"}
    assert "Trained in memory, in one process." in (in_memory.run_dir / "report.md").read_text()


@pytest.mark.parametrize("seasons", [pytest.param(None, id="calendar-years"), pytest.param(["DJF"], id="seasons-DJF")])
def test_a_file_of_winters_split_by_calendar_years_is_warned_of_with_the_option_that_keeps_them(tmp_path, caplog,
                                                                                                seasons):
    """fix41m: a file of DJF months (cdo selseas,DJF) was split by calendar years without a word, one
    winter on each side of each block boundary (December 2006 trained on, its January scored in val)."""
    import cftime

    times = [cftime.DatetimeNoLeap(year, month, 15) for year in range(2000, 2011) for month in (1, 2, 12)
             if (year, month) >= (2000, 12) and (year, month) <= (2010, 2)]
    rng = np.random.default_rng(41)
    pred = rng.uniform(0, 1, (len(times), 3, 4))
    xr.Dataset({"tas": (("time", "lat", "lon"), 250 + 10 * pred + rng.normal(0, 1, pred.shape), {"units": "K"}),
                "pred": (("time", "lat", "lon"), pred, {"units": "1"})},
               coords={"time": times, "lat": ("lat", [10.0, 20.0, 30.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0, 30.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "djf.nc")
    data = {"paths": [str(tmp_path / "djf.nc")], "target": "tas", "predictors": ["pred"],
            **({"seasons": seasons} if seasons else {})}
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    warned = [record.getMessage() for record in caplog.records if "seasonal subset" in record.getMessage()
              and "split by calendar years" in record.getMessage()]
    if seasons:  # December counted with the next year: winters 2001–2006 train, 2007–2008 val, 2009–2010 test
        assert warned == []
        assert run.metrics["split_periods"]["train"].startswith("2001–2006")
    else:  # calendar years 2000–2006, 2007–2008, 2009–2010: December 2006 and 2008 cut from their Jan/Feb
        assert run.metrics["split_periods"]["val"].startswith("2007–2008")
        assert warned == [
            "the data are a seasonal subset, December to February (DJF), split by calendar years, which puts 2 "
            "seasons in two blocks (December 2006 in train, January to February 2007 in val; December 2008 in val, "
            "January to February 2009 in test): the same season's months, close in time, trained on and scored; to "
            "split by whole seasons (December counted with the next year) train with --seasons DJF (or [data] "
            "seasons = [\"DJF\"]), which keeps every month of these data"]


def _local_time_stations(path, *, n_hours: int = 17520):
    """rerun41 R3's file: hourly pm25 and temperature of 3 stations, stamped in local time +08:00
    from 2021-01-01 00:00 (CF reads them in UTC, from 2020-12-31 16:00)."""
    rng = np.random.default_rng(41)
    hours = np.arange(n_hours, dtype=np.float64)
    temperature = 15 + 10 * np.sin(2 * np.pi * hours / 8760)[:, None] + rng.normal(0, 2, (n_hours, 3))
    pm25 = 50 - 1.5 * temperature + rng.normal(0, 5, (n_hours, 3))
    xr.Dataset({"pm25": (("time", "station"), pm25, {"units": "ug m-3"}),
                "temperature": (("time", "station"), temperature, {"units": "degC"})},
               coords={"time": ("time", hours, {"units": "hours since 2021-01-01 00:00:00 +08:00",
                                                "calendar": "standard"}),
                       "station": ("station", [0, 1, 2]),
                       "lat": ("station", [31.2, 39.9, 23.1], {"units": "degrees_north"}),
                       "lon": ("station", [121.5, 116.4, 113.3], {"units": "degrees_east"})}).to_netcdf(path)
    return path


def test_hourly_data_in_local_time_are_not_trained_on_their_first_eight_hours(tmp_path, caplog):
    """rerun41 R3: 2021–2022 hourly in local time +08:00 begin on 2020-12-31 16:00 UTC; the split by
    calendar years made those 8 hours the train block (exit 0, model RMSE 2.39e5 µg/m³). They are a
    stamping edge (splits.edge_years: < 1 % of a year's 8760 steps), counted with 2021, and the two years
    are split by consecutive steps: 0.7/0.15/0.15 of the 17520 from the first step, said in train.log. (The
    streamed and cluster routes take their split from the same preparation.split_for.)"""
    path = _local_time_stations(tmp_path / "stations.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "pm25", "predictors": ["temperature"],
                                    "select": {"station": 0}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    with caplog.at_level(logging.INFO, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    n_val = n_test = round(0.15 * 17520)
    n_train = 17520 - n_val - n_test
    assert run.metrics["n_samples"] == {"train": n_train, "val": n_val, "test": n_test}
    utc = np.datetime64("2020-12-31T16:00") + np.arange(17520).astype("timedelta64[h]")
    hour = lambda step: str(utc[step]).replace("T", " ")  # noqa: E731
    assert run.metrics["split_periods"]["train"] == f"time steps 0–{n_train - 1} ({hour(0)} to {hour(n_train - 1)})"
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        labels = split_labels(predictions["split"])
    np.testing.assert_array_equal(labels, np.repeat(["train", "val", "test"], [n_train, n_val, n_test]))
    log = (run.run_dir / "train.log").read_text()
    assert ("the data's first year, 2020, holds 8 time steps, under 1 % of the 8760 of the median year between the "
            "first and the last") in log
    assert not [record.getMessage() for record in caplog.records if "less than a year" in record.getMessage()]

"""Tests for climann/workflow/compute/run.py: a whole run on a dask cluster, through the API and the CLI."""

import json
import logging
import os
import re
import shutil
import signal
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import Interrupted
from climann.evaluation.metrics import MIN_ACC_CELLS
from climann.evaluation.predictions import split_labels
from climann.model import Network, load_state
from climann.workflow.checkpoints import CHECKPOINT_NAME
from climann.workflow.config import build_config
from climann.workflow.pipeline import RUN_FILES, run_training
from tests.followed_twice import one_copy, without_guards
from tests.conftest import without_model_record
from tests.workflow.test_pipeline_baselines import assert_strided_persistence

FULL_BATCH_GD = {"epochs": 4, "batch_size": 10**9, "optimizer": "sgd", "learning_rate": 0.2}
#: Boxes of the 15° tiny file (cell centres 7.5°N and 7.5°E, 22.5°E, where every predictor has values).
FEW_CELLS = {"one": [0, 10, 0, 10], "two": [0, 10, 0, 25]}
REGIONS = {"tropics": [-20, 20, 0, 360], **FEW_CELLS}
runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tiny_file, cluster, tmp_path_factory):
    """The same full-batch run in one process and on the cluster (its test block, 1983, a single
    year: its figures show it whole, whatever the limit), with a band and two boxes of 1 and 2
    cells (:data:`FEW_CELLS`) as regions."""
    folder = tmp_path_factory.mktemp("runs")
    settings = {"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [8]}, "training": FULL_BATCH_GD,
                "evaluation": {"figures": False,  # the one-process run's figures: no test looks at them
                               "regions": REGIONS}}
    single = run_training(build_config(settings), run_dir=folder / "single")
    settings["compute"] = {"scheduler": cluster.scheduler_address}
    settings["evaluation"] = {"regions": REGIONS}  # the cluster run's figures are checked
    settings["data"]["in_memory_limit_gb"] = 1e-4  # ≈ 100 kB: streamed
    distributed = run_training(build_config(settings), run_dir=folder / "distributed", command_line="climann train")
    return single, distributed


def test_a_run_on_the_cluster_writes_every_contract_file(runs):
    _, distributed = runs
    assert {path.name for path in distributed.run_dir.iterdir()} == set(RUN_FILES) | {"figures"}
    assert len(distributed.figures) == 8 and all(path.stat().st_size > 10_000 for path in distributed.figures)
    assert distributed.run_dir / "figures" / "anomaly_correlation_test.png" in distributed.figures
    assert not list(distributed.run_dir.parent.glob(".*partial"))
    assert "figures_every_nth_test_year" not in distributed.metrics  # every 2nd year of one year is every year


def test_a_run_on_the_cluster_scores_as_the_run_in_one_process(runs):
    single, distributed = runs
    np.testing.assert_allclose(distributed.history.train_loss, single.history.train_loss, rtol=1e-5)
    np.testing.assert_allclose(distributed.history.val_loss, single.history.val_loss, rtol=1e-5)
    expected = single.metrics
    # its samples exceed in_memory_limit_gb: scored chunk by chunk on every step (its figures show its one test year)
    assert set(distributed.metrics) - set(expected) == {"evaluated_every_nth_time_step"}
    assert distributed.metrics["evaluated_every_nth_time_step"] == 1
    for key in ("target", "units", "mode", "area_weighted", "n_samples", "n_dropped", "split_periods",
                "scored_on"):
        assert distributed.metrics[key] == expected[key], key
    assert_same_scores(distributed.metrics["splits"], expected["splits"])
    assert distributed.metrics["score_notes"] == expected["score_notes"]
    metrics_file = json.loads((distributed.run_dir / "metrics.json").read_text())
    assert metrics_file["splits"]["test"]["model"]["mse"] == distributed.metrics["splits"]["test"]["model"]["mse"]


@pytest.fixture(scope="module")
def streamed_run_dir(tiny_file, tmp_path_factory):
    """A run streamed in one process whose figures show one of its two test years."""
    years = {"train": [1980, 1980], "val": [1981, 1981], "test": [1982, 1983]}  # two test years: one is drawn
    config = build_config({"data": {"paths": [str(tiny_file)], "in_memory_limit_gb": 1e-4,  # ≈ 100 kB: streams
                                    "split_years": years}, "model": {"hidden": [8]}, "training": {"epochs": 1}})
    return run_training(config, run_dir=tmp_path_factory.mktemp("streamed") / "run").run_dir


@pytest.mark.parametrize("out", [pytest.param(None, id="in-place"), pytest.param("again", id="out")])
def test_a_streamed_run_evaluated_on_the_cluster_keeps_its_metrics_keys(streamed_run_dir, cluster, tmp_path, out):
    """`climann evaluate RUN_DIR --workers N` of a run streamed in one process writes the keys
    of its metrics.json that describe the scores (every time step scored: 1), and no figures'
    stride: evaluate draws no figures."""
    from climann.workflow.config import ComputeConfig
    from climann.workflow.predict import evaluate_run

    run_dir = Path(shutil.copytree(streamed_run_dir, tmp_path / "streamed"))  # evaluated in place: a copy
    original = json.loads((run_dir / "metrics.json").read_text())
    assert original["evaluated_every_nth_time_step"] == 1 and original["figures_every_nth_test_year"] > 1
    destination = tmp_path / out if out else run_dir
    rescored = evaluate_run(run_dir, out=destination, compute=ComputeConfig(scheduler=cluster.scheduler_address))
    assert json.loads((destination / "metrics.json").read_text()) == rescored
    assert rescored["evaluated_every_nth_time_step"] == 1
    assert "figures_every_nth_test_year" not in rescored
    assert list(rescored) == [key for key in original if key != "figures_every_nth_test_year"]
    assert_same_scores(rescored["splits"], original["splits"])


def _assert_same_scores(on_cluster: dict, in_memory: dict, where) -> None:
    """The same models and the same scores (null where null), up to rounding."""
    assert list(on_cluster) == list(in_memory), where
    for name, scores in in_memory.items():
        undefined = {key for key, value in scores.items() if value is None}
        assert {key for key, value in on_cluster[name].items() if value is None} == undefined, (where, name)
        defined = {key: value for key, value in scores.items() if key not in undefined}
        assert {key: on_cluster[name][key] for key in defined} == pytest.approx(defined, rel=1e-4, abs=1e-5), \
            (where, name)


def test_a_run_on_the_cluster_scores_seasons_and_regions_as_the_run_in_one_process(runs):
    single, distributed = runs
    expected, metrics = single.metrics, distributed.metrics
    assert metrics["region_definitions"] == expected["region_definitions"]
    for key, groups in (("seasons", ["DJF", "MAM", "JJA", "SON"]), ("regions", list(expected["region_definitions"]))):
        assert list(metrics[key]) == list(expected[key]) == ["train", "val", "test"]
        for block, by_group in expected[key].items():
            assert list(by_group) == list(metrics[key][block]) == groups
            for group, models in by_group.items():
                _assert_same_scores(metrics[key][block][group], models, (key, block, group))


def test_regions_of_few_cells_have_no_acc_with_the_reason_on_both_routes(runs):
    """Over 1 or 2 cells neither ACC is taken (2 cells: the centred one ±1 at every step; 1 cell:
    the uncentred one the sign of f·a, break31a A5): null with the reason in score_notes and
    report.md, on both routes; the tropics' 64 cells have both, the uncentred one recomputed by
    hand from predictions.nc (the rest of the scores:
    :func:`test_a_run_on_the_cluster_scores_seasons_and_regions_as_the_run_in_one_process`)."""
    from climann.evaluation.scores import ACC_UNDEFINED_REASONS

    single, distributed = runs
    assert {name: single.metrics["region_definitions"][name]["n_cells"] for name in FEW_CELLS} == {"one": 1, "two": 2}
    few = ACC_UNDEFINED_REASONS["few cells"]
    for run in (single, distributed):
        notes = {(note["split"], note["region"], note["model"], note["score"]): note["reason"]
                 for note in run.metrics["score_notes"] if "region" in note}
        expected = {(block, region, name, score): few for block in ("train", "val", "test") for region in FEW_CELLS
                    for name in run.metrics["regions"][block][region] if name != "climatology"
                    for score in ("acc", "acc_uncentred")}
        assert notes == expected
        report = (run.run_dir / "report.md").read_text()
        assert (f"ACC and uncentred ACC of model, linear and persistence in regions one and two undefined in the "
                f"train, val and test blocks: {few}") in report
        for region in FEW_CELLS:
            scores = run.metrics["regions"]["test"][region]["model"]
            assert scores["acc"] is None and scores["acc_n_steps"] == 0
            assert scores["acc_uncentred"] is None and scores["acc_uncentred_n_steps"] == 0
        assert run.metrics["regions"]["test"]["tropics"]["model"]["acc"] is not None  # 64 cells: both taken
    with xr.open_dataset(single.run_dir / "predictions.nc") as predictions:
        test = np.flatnonzero(split_labels(predictions["split"]) == "test")
        tropics = np.abs(predictions["lat"].values) <= 20
        truth, model, climatology = (predictions[name].values[test][:, tropics].astype(np.float64)
                                     for name in ("tas", "tas_pred", "tas_climatology"))
        weight = np.cos(np.deg2rad(predictions["lat"].values[tropics]))[None, :, None] * np.ones_like(truth)
    f, a = model - climatology, truth - climatology
    keep = np.isfinite(f) & np.isfinite(a)
    f, a, weight = np.where(keep, f, 0.0), np.where(keep, a, 0.0), np.where(keep, weight, 0.0)
    by_hand = np.mean(np.sum(weight * f * a, axis=(1, 2)) / np.sqrt(
        np.sum(weight * f**2, axis=(1, 2)) * np.sum(weight * a**2, axis=(1, 2))))
    for run in (single, distributed):
        assert run.metrics["regions"]["test"]["tropics"]["model"]["acc_uncentred"] == pytest.approx(by_hand, rel=1e-4)


def test_the_model_file_and_predictions_match_the_run_in_one_process(runs):
    single, distributed = runs
    expected, network = Network.load(single.run_dir / "model.npz"), Network.load(distributed.run_dir / "model.npz")
    for key in ("features", "targets", "target_units", "time_step", "time_cell_methods", "loss", "grid"):
        assert network.metadata[key] == expected.metadata[key], key
    assert network.metadata["time_step"]["name"] == "monthly"  # recorded on the cluster path too
    np.testing.assert_allclose(network.metadata["input_scaling"]["mean"], expected.metadata["input_scaling"]["mean"],
                               rtol=1e-12)
    assert network.metadata["input_ranges"] == expected.metadata["input_ranges"]  # min/max: exact
    np.testing.assert_allclose(network.parameter_vector, expected.parameter_vector, rtol=1e-3, atol=1e-5)
    with xr.open_dataset(single.run_dir / "predictions.nc") as one, \
            xr.open_dataset(distributed.run_dir / "predictions.nc") as other:
        assert list(other.data_vars) == list(one.data_vars)
        np.testing.assert_array_equal(other["split"].values, one["split"].values)
        for name, variable in one.variables.items():  # the same CF metadata from both writers
            np.testing.assert_equal(other[name].attrs, variable.attrs, err_msg=name)
        assert {**other.attrs, "history": ""} == {**one.attrs, "history": ""}
        for name in ("tas", "tas_climatology", "tas_linear", "tas_persistence"):
            np.testing.assert_allclose(other[name].values, one[name].values, rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(other["tas_pred"].values, one["tas_pred"].values, atol=1e-3)
    assert (distributed.run_dir / "config.toml").read_text().count("scheduler = \"tcp://") == 1


def test_train_with_local_workers_from_the_command_line(tiny_file, tmp_path):
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--workers", "2", "--hidden", "8", "--epochs", "2",
                                 "--batch-size", "2000", "--set", "evaluation.dpi=30", "--out", str(tmp_path / "run"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "run directory:" in result.output
    assert {path.name for path in (tmp_path / "run").iterdir()} == set(RUN_FILES) | {"figures"}
    assert "starting the cluster: " in (tmp_path / "run" / "train.log").read_text()  # its own phase, timed


def test_an_unreachable_scheduler_exits_2_naming_it_and_writes_nothing(tiny_file, tmp_path):
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--scheduler", "tcp://127.0.0.1:9",
                                 "--set", "compute.connect_timeout=0.5", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in result.output
    assert not (tmp_path / "run").exists()


def test_a_cluster_run_records_its_provenance_and_log(runs):
    _, distributed = runs
    provenance = json.loads((distributed.run_dir / "provenance.json").read_text())
    assert provenance["command_line"] == "climann train"
    assert [entry["path"] for entry in provenance["inputs"]] == list(distributed.config.data.paths)
    log = (distributed.run_dir / "train.log").read_text()
    assert "cluster: 2 workers (tcp://" in log
    # 48 monthly steps cut into 16 chunks: shorter than a year whatever chunk_mb, said with the way out
    assert ("cluster chunks of 3 time steps, less than a year (12 steps): training shuffles the samples within the "
            "chunks of a round") in log
    assert "data of fewer than 16 years train better in one process (no --workers)" in log
    for phase in ("recording the inputs", "connecting to the cluster", "preparing data (on the cluster)",
                  "training (on the cluster)", "evaluating (on the cluster)", "writing the run directory"):
        assert phase in log, phase
    assert "epoch   4/4" in log
    # the epoch lines' clock starts with training, not before the cluster was reached and the data read
    [elapsed] = re.findall(r"epoch   4/4 .* \(([0-9.]+) s elapsed\)", log)
    [training] = re.findall(r"training \(on the cluster\): ([0-9.]+) s", log)
    assert float(elapsed) <= float(training) + 0.1


def test_a_cluster_run_scores_only_the_chosen_baselines_and_may_skip_figures(tiny_file, cluster, tmp_path):
    settings = {"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [4]}, "training": FULL_BATCH_GD | {"epochs": 1},
                "evaluation": {"baselines": ["linear"], "figures": False},
                "compute": {"scheduler": cluster.scheduler_address}}
    result = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert all(list(models) == ["model", "linear"] for models in result.metrics["splits"].values())
    assert not (tmp_path / "run" / "figures").exists() and result.figures == []
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert "tas_linear" in predictions and "tas_climatology" not in predictions


def test_the_acc_on_the_cluster_without_the_climatology_baseline_equals_the_one_in_one_process(
    tiny_file, cluster, tmp_path
):
    """The anomalies' climatology is fitted on the workers also when it is not a scored baseline."""
    settings = {"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [4]}, "training": FULL_BATCH_GD | {"epochs": 1},
                "evaluation": {"baselines": ["linear", "persistence"], "figures": False}}  # compared: its scores
    single = run_training(build_config(settings), run_dir=tmp_path / "single")
    settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": 0.2}  # several chunks (8)
    settings["evaluation"] = {"baselines": ["linear", "persistence"]}  # its ACC map is checked
    distributed = run_training(build_config(settings), run_dir=tmp_path / "distributed")
    for block, models in single.metrics["splits"].items():
        assert list(distributed.metrics["splits"][block]) == list(models) == ["model", "linear", "persistence"]
        for name, scores in models.items():
            on_cluster = distributed.metrics["splits"][block][name]
            assert scores["acc"] is not None and scores["acc_n_steps"] > 0, (block, name)
            assert on_cluster["acc"] == pytest.approx(scores["acc"], rel=1e-4, abs=1e-5), (block, name)
            assert on_cluster["acc_n_steps"] == scores["acc_n_steps"], (block, name)
            assert on_cluster["acc_uncentred"] == pytest.approx(scores["acc_uncentred"], rel=1e-4, abs=1e-5)
            assert on_cluster["acc_uncentred_n_steps"] == scores["acc_uncentred_n_steps"] > 0, (block, name)
    assert "score_notes" not in distributed.metrics and "score_notes" not in single.metrics
    assert (tmp_path / "distributed" / "figures" / "anomaly_correlation_test.png").stat().st_size > 10_000


MINI_BATCH_ADAM = {"epochs": 4, "batch_size": 2000, "optimizer": "adam", "learning_rate": 0.01, "schedule": "cosine"}


def _signal_at_epoch(number, epoch):
    def on_epoch(current, history):
        if current == epoch:
            os.kill(os.getpid(), number)

    return on_epoch


def test_an_interrupted_cluster_run_resumes_on_another_cluster_to_the_same_weights(tiny_file, cluster, tmp_path):
    """Eight training chunks of three time steps, 2000-sample steps in a seeded order: the
    checkpoint after epoch 2 (SIGINT) resumes with --workers 1 to the uninterrupted weights, on
    the checkpoint's 2 replicas, which config.toml and model.npz record as the workers."""
    settings = {"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [8]}, "training": MINI_BATCH_ADAM,
                "evaluation": {"figures": False},
                "compute": {"scheduler": cluster.scheduler_address, "chunk_mb": 0.1}}
    config = build_config(settings)
    run_training(config, run_dir=tmp_path / "reference")
    with pytest.raises(Interrupted) as interrupted:
        run_training(config, run_dir=tmp_path / "run", on_epoch=_signal_at_epoch(signal.SIGINT, 2))
    assert interrupted.value.exit_code == 130 and "after epoch 2" in str(interrupted.value)
    assert [path.name for path in (tmp_path / "run").iterdir()] == [CHECKPOINT_NAME]
    chunks = load_state(tmp_path / "run" / CHECKPOINT_NAME)[1]["chunks"]  # recorded: resumed only with these
    assert len(chunks) == 8 and all(stop - start == 3 for start, stop in chunks)
    result = runner.invoke(app, ["train", "--resume", str(tmp_path / "run"), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    resumed, expected = Network.load(tmp_path / "run" / "model.npz"), Network.load(tmp_path / "reference" / "model.npz")
    np.testing.assert_array_equal(resumed.parameter_vector, expected.parameter_vector)
    with open(tmp_path / "run" / "history.csv") as resumed_history:
        assert resumed_history.read() == (tmp_path / "reference" / "history.csv").read_text()
    # verify25 F4: the checkpoint's 2 replicas (the cluster's 2 workers) trained on, said in a line; config.toml
    # and model.npz recorded workers = 1, from which `train --config` trained another model
    assert ("the checkpoint trained local SGD on 2 replicas, which the run keeps (its weights are those of the "
            "uninterrupted run): resumed on 2 local workers instead of --workers 1") in " ".join(result.output.split())
    assert "\nworkers = 2\n" in (tmp_path / "run" / "config.toml").read_text()
    assert resumed.metadata["config"]["compute"]["workers"] == 2


def test_a_cluster_checkpoint_is_not_resumed_in_one_process(tiny_file, cluster, tmp_path):
    settings = {"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [4]}, "training": MINI_BATCH_ADAM,
                "evaluation": {"figures": False}, "compute": {"scheduler": cluster.scheduler_address}}
    with pytest.raises(Interrupted):
        run_training(build_config(settings), run_dir=tmp_path / "run", on_epoch=_signal_at_epoch(signal.SIGTERM, 1))
    result = runner.invoke(app, ["train", "--resume", str(tmp_path / "run"), "--workers", "0"])
    assert result.exit_code == 2
    assert "[compute] scheduler = \"\" here, \"tcp://" in result.output


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory):
    """Three 'scenarios' of the sample over the same 3 years (different weather, seeds 4–6)."""
    from climann.data.sample_data import write_sample_dataset

    folder = tmp_path_factory.mktemp("scenarios")
    return {name: write_sample_dataset(folder / f"{name}.nc", years=3, resolution=15.0, seed=seed)
            for seed, name in enumerate(("historical", "ssp245", "ssp585"), start=4)}


def test_a_split_by_dataset_with_area_means_and_lags_scores_as_in_one_process(scenario_files, cluster, tmp_path):
    """Features of the data layer that reach the workers: blocks from their own files, area
    means over the whole grid, lags that stay inside a block; full-batch gradient descent."""
    data = {"split_files": {block: [str(scenario_files[name])] for block, name in
                            (("train", "historical"), ("val", "ssp245"), ("test", "ssp585"))},
            "global_means": ["rsdt"], "regional_means": {"clt": [-30, 30, 0, 360]}, "lags": {"tas": [1]}}
    settings = {"data": data, "model": {"hidden": [8]}, "training": FULL_BATCH_GD, "evaluation": {"figures": False}}
    single = run_training(build_config(settings), run_dir=tmp_path / "single")
    # chunks of 5 steps: lags at chunk starts inside each 36-step block and in chunks straddling two blocks
    settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": 0.1}
    distributed = run_training(build_config(settings), run_dir=tmp_path / "distributed")
    features = Network.load(distributed.run_dir / "model.npz").metadata["features"]
    assert features == Network.load(single.run_dir / "model.npz").metadata["features"]
    assert {"tas_lag1", "rsdt_global_mean", "clt_mean_30S-30N_0E-360E"} <= set(features)
    np.testing.assert_allclose(distributed.history.train_loss, single.history.train_loss, rtol=1e-5)
    assert distributed.metrics["n_samples"] == single.metrics["n_samples"]
    assert distributed.metrics["split_periods"] == single.metrics["split_periods"]
    assert_same_scores(distributed.metrics["splits"], single.metrics["splits"])
    assert distributed.metrics["score_notes"] == single.metrics["score_notes"]


def test_a_rotated_grid_with_a_region_scores_on_the_cluster_as_in_one_process(cluster, tmp_path):
    """The workers get the layout's geographic coordinates and area weights: the same
    full-batch run on the cluster follows the one-process run, area-weighted loss included;
    both count and fingerprint the cells inside the region, not the rectangle around it."""
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    data = {"paths": [str(write_rotated(tmp_path / "rotated.nc", with_latlon=False, n_time=36))], "target": "tas",
            "predictors": [], "features": ["lat", "lon", "season"], "region": [40, 60, -10, 30], "global_means": ["tas"]}
    training = {**FULL_BATCH_GD, "area_weighted": True}
    settings = {"data": data, "model": {"hidden": [4]}, "training": training, "evaluation": {"figures": False}}
    single = run_training(build_config(settings), run_dir=tmp_path / "single")
    settings["compute"] = {"scheduler": cluster.scheduler_address}
    distributed = run_training(build_config(settings), run_dir=tmp_path / "distributed")
    np.testing.assert_allclose(distributed.history.train_loss, single.history.train_loss, rtol=1e-5)
    assert distributed.metrics["n_samples"] == single.metrics["n_samples"]
    latitude, longitude = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    inside = (latitude >= 40) & (latitude <= 60) & (longitude >= -10) & (longitude <= 30)
    assert inside.sum() < inside.any(axis=1).sum() * inside.any(axis=0).sum()  # the box is no rectangle
    for metrics in (single.metrics, distributed.metrics):
        assert {record["n_cells"] for record in metrics["scored_on"].values()} == {int(inside.sum())}
        assert metrics["region_definitions"]["northern_extratropics"]["n_cells"] == int(inside.sum())
        assert metrics["region"] == {"south": 40, "north": 60, "west": -10, "east": 30, "n_cells": int(inside.sum()),
                                     "n_grid_cells": inside.size}
    assert distributed.metrics["scored_on"] == single.metrics["scored_on"]
    for block, models in single.metrics["splits"].items():
        for name, scores in models.items():
            on_cluster = distributed.metrics["splits"][block][name]
            undefined = {key for key, value in scores.items() if value is None}  # null: compared exactly
            assert {key for key, value in on_cluster.items() if value is None} == undefined, (block, name)
            defined = {key: value for key, value in scores.items() if key not in undefined}
            assert {key: on_cluster[key] for key in defined} == pytest.approx(defined, rel=1e-4, abs=1e-5), (block, name)
    with xr.open_dataset(single.run_dir / "predictions.nc") as one, \
            xr.open_dataset(distributed.run_dir / "predictions.nc") as other:
        np.testing.assert_array_equal(other["lat"].values, one["lat"].values)
        assert other["tas_pred"].attrs["grid_mapping"] == "rotated_pole" and "rotated_pole" in other
        np.testing.assert_allclose(other["tas_pred"].values, one["tas_pred"].values, atol=1e-3)


def assert_same_scores(on_cluster: dict, expected: dict) -> None:
    """The same blocks, models and score keys; the same null (undefined) scores; the defined
    ones equal to sums' rounding."""
    for block, models in expected.items():
        assert list(on_cluster[block]) == list(models)
        for name, scores in models.items():
            found = on_cluster[block][name]
            undefined = {key for key, value in scores.items() if value is None}  # climatology's ACC: null
            assert {key for key, value in found.items() if value is None} == undefined, (block, name)
            defined = {key: value for key, value in scores.items() if key not in undefined}
            assert {key: found[key] for key in defined} == pytest.approx(defined, rel=1e-4, abs=1e-5), (block, name)
            assert found.keys() == scores.keys()


def test_evaluate_on_the_cluster_refuses_daily_data_for_a_lagged_monthly_run(cluster, tmp_path, monkeypatch):
    """The chunked evaluation checks the new data's time step as the in-memory one does
    (climann/workflow/new_data.py), before anything is written; the cdo command names the file
    relative to the working folder, as the in-memory test's does."""
    monkeypatch.chdir(tmp_path)
    from climann.errors import ClimannError
    from climann.workflow.config import ComputeConfig
    from climann.workflow.predict import evaluate_run
    from tests.followed_twice import without_guards
    from tests.workflow.test_new_data import DAILY_REFUSAL, _daily, _monthly, _train, _write

    _write(tmp_path / "monthly.nc", _monthly(1990, 4))
    lagged = _train(tmp_path, "lagged", lags={"tas": [1]})
    daily = _write(tmp_path / "daily.nc", _daily(1996, 40), seed=1)
    with pytest.raises(ClimannError) as refused:
        evaluate_run(lagged, [str(daily)], tmp_path / "scores", compute=ComputeConfig(scheduler=cluster.scheduler_address))
    assert without_guards(str(refused.value)) == DAILY_REFUSAL  # the in-memory test's, the guard (fix52b) aside
    assert not (tmp_path / "scores").exists()


def test_evaluate_on_the_cluster_leaves_persistence_out_of_january_means_as_in_memory(cluster, tmp_path):
    """Monthly cells 12 months apart: no previous month, no persistence, on the chunked route too."""
    from climann.workflow.config import ComputeConfig
    from climann.workflow.predict import evaluate_run
    from tests.workflow.test_new_data import _januaries, _month_bounds, _monthly, _train, _write

    _write(tmp_path / "monthly.nc", _monthly(1990, 4))
    plain = _train(tmp_path, "plain")
    times = _januaries(2000, 4)
    january = _write(tmp_path / "jan_only.nc", times, seed=5, bounds=_month_bounds(times))
    metrics = evaluate_run(plain, [str(january)], tmp_path / "scores",
                           compute=ComputeConfig(scheduler=cluster.scheduler_address))
    assert "persistence" not in metrics["splits"]["all"] and "model" in metrics["splits"]["all"]
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [
        "its values are 1 month cells 12 months apart (time bounds): the value 1 month earlier, which "
        "persistence forecasts with, is not in the data"]


def test_a_chunked_run_refuses_an_empty_test_block_before_training(tmp_path):
    """The streamed (and cluster) route read the test block only to evaluate: it trained every
    epoch, then refused, leaving a checkpoint that --resume could never finish."""
    from climann.data.sample_data import write_sample_dataset
    from climann.errors import ClimannError

    path = write_sample_dataset(tmp_path / "full.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(path) as opened:
        dataset = opened.load()
    dataset["tas"][-12:] = np.nan  # the test year, 1983
    dataset.to_netcdf(gappy := tmp_path / "gappy.nc")
    epochs = []
    config = build_config({"data": {"paths": [str(gappy)], "in_memory_limit_gb": 1e-4,
                                    "split_years": {"train": [1980, 1981], "val": [1982, 1982], "test": [1983, 1983]}},
                           "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    with pytest.raises(ClimannError, match=r"the test block \(1983\) has no sample with 'tas'"):
        run_training(config, run_dir=tmp_path / "run", on_epoch=lambda *args: epochs.append(args))
    assert epochs == [] and not (tmp_path / "run").exists()


def _hidden_codes_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """routes16 c11: a HadISST-like sst (units "C", no fill attribute) with -1000 only at steps 7
    and 8 of 120, and a predictor pr (mm/day) with -9999 at step 7 only: steps that a check of 24
    evenly spaced steps (0, 5, 10, 16 …) does not read. Returns the two arrays as written."""
    import cftime

    rng = np.random.default_rng(11)
    lat, lon = np.arange(-75.0, 76.0, 30.0), np.arange(0.0, 360.0, 45.0)
    times = [cftime.datetime(1990 + k // 12, k % 12 + 1, 16, calendar="standard") for k in range(120)]
    month = np.array([time.month for time in times])[:, None, None]
    sst = (15 + 10 * np.cos(np.radians(lat))[None, :, None] + np.cos(2 * np.pi * month / 12)
           + rng.normal(0, 0.3, (120, lat.size, lon.size))).astype("f4")
    pr = np.abs(rng.normal(3, 1, sst.shape)).astype("f4")
    sst[7:9, :2, :] = -1000.0
    pr[7, 4:, :3] = -9999.0
    xr.Dataset({"sst": (("time", "lat", "lon"), sst, {"units": "C"}),
                "pr": (("time", "lat", "lon"), pr, {"units": "mm/day"})},
               coords={"time": times, "lat": ("lat", lat, {"units": "degrees_north"}),
                       "lon": ("lon", lon, {"units": "degrees_east"})}).to_netcdf(
        path, encoding={"sst": {"_FillValue": None}, "pr": {"_FillValue": None}})
    return sst, pr


@pytest.mark.parametrize("route", ["in-memory", "streamed", "cluster"])
def test_codes_at_steps_a_sample_would_not_read_are_said_on_every_route(route, cluster, tmp_path, caplog,
                                                                        monkeypatch):
    """routes16 F2: -1000 °C and -9999 mm/day only at steps 7-8 were masked and used as data
    without a word on all three routes; every value is now counted, and each route says so."""
    import logging

    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = tmp_path / "c11.nc"
    sst, pr = _hidden_codes_file(path)
    settings = {"data": {"paths": [str(path)], "target": "sst", "predictors": ["pr"]}, "model": {"hidden": [4]},
                "training": {"epochs": 1}, "evaluation": {"figures": False}}
    if route == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-6
        settings["compute"] = {"chunk_mb": 0.05}
    elif route == "cluster":
        settings["compute"] = {"scheduler": cluster.scheduler_address}
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = run_training(build_config(settings), run_dir=tmp_path / "run").metrics
    # by hand: where the codes are, and how many
    ice, rain = sst == -1000.0, pr == -9999.0
    assert np.flatnonzero(ice.any(axis=(1, 2))).tolist() == [7, 8] and np.flatnonzero(rain.any(axis=(1, 2))) == [7]
    said = [record.getMessage() for record in caplog.records]
    assert (f"'sst' in c11.nc holds -1000 at {int(ice.sum())} of the {sst.size} values checked (HadISST marks sea "
            "ice so), at 2 time steps (1990-08-16, 1990-09-16), below absolute zero (-273.15 C), which no temperature "
            "can be, so they are read as missing; to say so in the file: "
            + one_copy("ncatted -a valid_min,sst,o,f,-273.15", path, tmp_path / "absolute_zero_marked")
            ) in [without_guards(line) for line in said]  # its copy in a new folder (fix53a)
    assert (f"'pr' in c11.nc holds -9999 at {int(rain.sum())} of the {pr.size} values checked, at 1 time step "
            "(1990-08-16), a usual fill value (observation products' missing value) that no _FillValue or "
            f"missing_value marks as missing, so they are used as data; if they are missing values: `"
            + one_copy("ncatted -a _FillValue,pr,o,f,-9999", path, tmp_path / "missing_marked").replace(
                " (its copy", "` (its copy")) in [without_guards(line) for line in said]  # in a new folder (fix55a)
    assert int(ice.sum()) == 32 and int(rain.sum()) == 6
    assert sum(block["model"]["n_samples"] for block in metrics["splits"].values()) == sst.size - int(ice.sum())


def test_a_cluster_run_scores_the_persistence_of_monthly_means_it_kept_every_other_month(cluster, tmp_path):
    """--time-stride 2 of monthly means without time bounds: on the cluster as in one process,
    persistence is the previous value of the series kept, 2 months back (break47c A7: it was
    left out, "1 month cells 2 months apart"), numpy's shift by one of the strided raw values."""
    from tests.workflow.test_pipeline_baselines import TINY, _monthly_times, write_series

    path = write_series(tmp_path / "series.nc", _monthly_times(8), seed=3)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "time_stride": 2, "in_memory_limit_gb": 1e-9},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False},
                "compute": {"scheduler": cluster.scheduler_address}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert_strided_persistence(run, path, 2)


def test_a_cluster_run_keeps_the_smoothed_day_of_year_climatology_of_daily_means_kept_every_7th_day(cluster,
                                                                                                   tmp_path):
    """--time-stride 7 of daily means on the cluster: the smoothed climatology of the kept days
    per day of year (not per week of the year), equal to the hand computation."""
    from climann.evaluation.predictions import split_labels
    from tests.workflow.test_pipeline_baselines import (TINY, _daily_times, _smoothed_day_of_year_climatology,
                                                        write_series)

    path = write_series(tmp_path / "daily.nc", _daily_times(4), seed=4)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "time_stride": 7, "in_memory_limit_gb": 1e-9},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False},
                "compute": {"scheduler": cluster.scheduler_address}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["climatology_per"] == "day of year"
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)
                         ) as predictions:
        times, labels = predictions["time"].values, split_labels(predictions["split"])
        truth, written = predictions["tas"].values.astype(np.float64), predictions["tas_climatology"].values
    np.testing.assert_allclose(written, _smoothed_day_of_year_climatology(truth, times, labels == "train"), rtol=1e-5)


def _weekly_file(path: Path) -> Path:
    """Weekly means stamped at the start of their 7 days from Wednesday 3 January 1990, four
    years, no time bounds, on 6 cells of equal area (latitudes ±10°); tas follows pr plus noise."""
    import pandas as pd

    stamps = pd.date_range("1990-01-03", "1993-12-31", freq="7D")
    rng = np.random.default_rng(5)
    pr = rng.normal(0, 1, (len(stamps), 2, 3)).astype(np.float32)
    tas = (280 + 3 * pr + rng.normal(0, 0.5, pr.shape)).astype(np.float32)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K"}), "pr": (("time", "lat", "lon"), pr, {"units": "1"})},
        coords={"time": stamps, "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [60.0, 180.0, 300.0], {"units": "degrees_east"})})
    dataset.time.encoding.update(units="days since 1990-01-01", calendar="standard")
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def weekly_runs(cluster, tmp_path_factory):
    """The same run of weekly means without bounds in memory, streamed, and on the cluster."""
    folder = tmp_path_factory.mktemp("weekly")
    path = _weekly_file(folder / "weekly.nc")
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["pr"],
                         "split_years": {"train": [1990, 1991], "val": [1992, 1992], "test": [1993, 1993]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    runs = {"in-memory": run_training(build_config(settings), run_dir=folder / "in-memory")}
    settings["data"]["in_memory_limit_gb"] = 1e-6  # streamed
    runs["streamed"] = run_training(build_config(settings), run_dir=folder / "streamed")
    settings["compute"] = {"scheduler": cluster.scheduler_address}
    runs["cluster"] = run_training(build_config(settings), run_dir=folder / "cluster")
    return runs


@pytest.mark.parametrize("route", ["in-memory", "streamed", "cluster"])
def test_weekly_means_without_bounds_are_scored_in_the_season_of_their_cells_middle(weekly_runs, route):
    """A week is scored in the season of its middle (stamp + 3.5 days), the date the season
    feature gives it: the week from 28 February 1990 is MAM, not DJF (break20 F3). The scores
    per season equal those recomputed by hand from predictions.nc, and ``climann evaluate``
    of the run scores the same seasons."""
    import datetime

    from climann.workflow.predict import evaluate_run

    run = weekly_runs[route]
    assert ("evaluated_every_nth_time_step" in run.metrics) == (route != "in-memory")  # scored in chunks
    dates = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=dates) as predictions:
        labels = split_labels(predictions["split"])
        stamps = predictions["time"].values
        truth = predictions["tas"].values.astype(np.float64)
        model = predictions["tas_pred"].values.astype(np.float64)
    months = np.array([(stamp + datetime.timedelta(days=3.5)).month for stamp in stamps])
    seasons = {"DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}
    rescored = evaluate_run(run.run_dir, out=run.run_dir.parent / f"{route}-evaluated")
    for metrics in (run.metrics, rescored):
        for block in ("train", "val", "test"):
            for season, chosen in seasons.items():
                steps = (labels == block) & np.isin(months, chosen)
                scores = metrics["seasons"][block][season]["model"]
                assert scores["n_samples"] == truth[steps].size, (block, season)
                # cells of equal area: the area-weighted MSE is the plain mean
                assert scores["mse"] == pytest.approx(np.mean((model[steps] - truth[steps]) ** 2), rel=1e-4)
    assert run.metrics["seasons"]["train"]["DJF"]["model"]["n_samples"] != 6 * np.sum(
        (labels == "train") & np.isin([stamp.month for stamp in stamps], seasons["DJF"]))  # the stamps differ


@pytest.mark.parametrize("on_cluster", [pytest.param(False, id="in-memory"), pytest.param(True, id="cluster")])
def test_evaluate_with_time_range_forecasts_its_first_week_by_the_week_before_in_the_file(weekly_runs, cluster,
                                                                                         tmp_path, on_cluster):
    """``evaluate --data --time-range`` reads the step before the range for persistence only
    (break20 F4), on the cluster as in memory: every week of 1992 is forecast by the one before
    (the first by the last week of 1991), and only the weeks of 1992 are scored."""
    from climann.workflow.config import ComputeConfig
    from climann.workflow.predict import evaluate_run

    run_dir = weekly_runs["in-memory"].run_dir
    data = run_dir.parent / "weekly.nc"
    compute = ComputeConfig(scheduler=cluster.scheduler_address) if on_cluster else None
    metrics = evaluate_run(run_dir, [str(data)], tmp_path / "scored", time_range="1992,1992", compute=compute)
    with xr.open_dataset(data, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as source:
        tas = source["tas"].values.astype(np.float64)
        in_1992 = np.flatnonzero([stamp.year == 1992 for stamp in source["time"].values])
    persistence = metrics["splits"]["all"]["persistence"]
    assert metrics["n_samples"]["all"] == persistence["n_samples"] == tas[in_1992].size
    # cells of equal area: the area-weighted MSE is the plain mean
    assert persistence["mse"] == pytest.approx(np.mean((tas[in_1992 - 1] - tas[in_1992]) ** 2), rel=1e-5)


@pytest.mark.parametrize("route", ["in-memory", "streamed", "cluster"])
def test_a_test_year_beyond_the_training_range_is_warned_of_in_one_line_on_every_route(route, cluster, tmp_path,
                                                                                       caplog, monkeypatch):
    """A test year whose predictor is doubled (up to 2 where the training year stayed below 1):
    each route prints the same line, its share of the test block's samples outside the
    training range computed here by hand from the file (the margin 1 % of the range's width);
    the validation year, inside, gets none. The chunked routes add their chunks' counts (several
    chunks when streamed) and write no ``<target>_extrapolated`` nor ``extrapolation`` entry,
    as the in-memory run does not."""
    import logging

    from climann.evaluation.extrapolation import RANGE_MARGIN
    from tests.conftest import draw_no_run_figures, grid_dataset

    draw_no_run_figures(monkeypatch)
    dataset = grid_dataset(n_years=3)
    dataset["pred"][24:] = dataset["pred"][24:] * 2  # the test year, 2002
    dataset.to_netcdf(tmp_path / "warm.nc")
    settings = {"data": {"paths": [str(tmp_path / "warm.nc")], "target": "tas", "predictors": ["pred"],
                         "split_years": {"train": [2000, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    if route == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-6
        settings["compute"] = {"chunk_mb": 0.002}  # ≈ 2 kB: a few time steps per chunk
    elif route == "cluster":
        settings["compute"] = {"scheduler": cluster.scheduler_address}
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = run_training(build_config(settings), run_dir=tmp_path / "run").metrics
    # by hand: the training year's range, and the test year's values beyond it by more than the margin
    training, test = dataset["pred"].values[:12], dataset["pred"].values[24:]
    low, high = float(training.min()), float(training.max())
    margin = RANGE_MARGIN * (high - low)
    share = np.mean((test < low - margin) | (test > high + margin))
    assert 0.1 < share < 1
    expected = (f"test block: {100 * share:.0f} % of samples lie outside the training range of pred (max {high:#.4g} "
                f"seen, up to {float(test.max()):#.4g} here); the predictions there are extrapolations")
    said = [record.getMessage() for record in caplog.records if "outside the training range" in record.getMessage()]
    assert said == [expected]
    assert [line for line in (tmp_path / "run" / "train.log").read_text().splitlines()
            if "outside the training range" in line][0].endswith(expected)
    assert "extrapolation" not in metrics
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as written:
        assert "tas_extrapolated" not in written


def _on_route(settings: dict, route: str, cluster) -> None:
    """``settings`` of a run of :data:`_RANGE_RUN`'s size changed to run on ``route``: streamed in
    blocks of about 10 kB, or on the test's local cluster; in memory as they are."""
    if route == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-5
    if route == "cluster":
        settings["compute"] = {"scheduler": cluster.scheduler_address}


#: A complete file's 1981–1983 with lag 1 of rsdt: with the step before (December 1980) read,
#: no sample of the period lacks anything; without (a run recorded before), the first January's lag.
_RANGE_RUN = {"data": {"predictors": ["rsdt"], "features": ["lat"], "lags": {"rsdt": [1]},
                       "time_range": ["1981-01", "1983-12"],
                       "split_years": {"train": [1981, 1981], "val": [1982, 1982], "test": [1983, 1983]}},
              "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}


@pytest.mark.parametrize("step_before", [pytest.param(True, id="step-before-read"),
                                         pytest.param(False, id="recorded-without-step-before")])
@pytest.mark.parametrize("route", [pytest.param("memory", id="in-memory"), pytest.param("streamed", id="streamed"),
                                   pytest.param("cluster", id="cluster")])
def test_the_step_read_before_a_time_range_is_neither_a_time_step_of_the_run_nor_dropped(
        tiny_file, cluster, tmp_path, route, step_before):
    """verify21a F1: the step read before time_range for persistence and lags had its samples
    counted in n_dropped ("dropped (missing target or feature)", in metrics.json, train.log and
    report.md) and train.log said 37 time steps for a 36-month range of a complete file. A run
    recorded without the step before keeps its counts (its first January lacks its lag), and
    `climann evaluate RUN` rewrites each run's metrics.json as it was."""
    from climann.workflow.predict import evaluate_run

    settings = {**_RANGE_RUN, "data": {**_RANGE_RUN["data"], "paths": [str(tiny_file)],
                                       "step_before_range": step_before}}
    _on_route(settings, route, cluster)
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    n_cells = 12 * 24  # the 15° grid
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    assert metrics["n_dropped"] == (0 if step_before else n_cells)
    assert metrics["n_samples"] == {"train": (12 - (not step_before)) * n_cells, "val": 12 * n_cells,
                                    "test": 12 * n_cells}
    assert f"dropped (missing target or feature): {metrics['n_dropped']}." in (run.run_dir / "report.md").read_text()
    log = (run.run_dir / "train.log").read_text()
    if route == "memory":
        before = " (and the step before them, for persistence and lags)" if step_before else ""
        assert f"12×24 grid, 36 time steps{before};" in log
        assert f"; {metrics['n_dropped']} dropped;" in log
    written = (run.run_dir / "metrics.json").read_text()
    evaluate_run(run.run_dir, compute=settings.get("compute") and run.config.compute)
    assert (run.run_dir / "metrics.json").read_text() == written


_A_YEAR_BEFORE = (["1981-01", "1983-12"], [1981, 1981], 12)
_FIVE_STEPS_BEFORE = (["1980-06", "1983-05"], [1980, 1981], 5)


@pytest.mark.parametrize(("route", "time_range", "train_years", "n_before"), [
    pytest.param("memory", *_A_YEAR_BEFORE, id="in-memory-a-year-before-in-the-file"),
    pytest.param("memory", *_FIVE_STEPS_BEFORE, id="in-memory-five-steps-before-in-the-file"),
    pytest.param("streamed", *_A_YEAR_BEFORE, id="streamed-a-year-before-in-the-file"),
    pytest.param("streamed", *_FIVE_STEPS_BEFORE, id="streamed-five-steps-before-in-the-file"),
    # the cluster route (--workers 2) reads and counts as the others: the case where the file runs out
    pytest.param("cluster", *_FIVE_STEPS_BEFORE, id="cluster-five-steps-before-in-the-file"),
])
def test_a_time_range_reads_as_many_steps_before_it_as_the_largest_lag(tiny_file, cluster, tmp_path, route,
                                                                      time_range, train_years, n_before):
    """verify22b F2: with lags of 12 (--lags tas=1,12, the --lags help's example) only the one
    step before time_range was read, so the period's first 11 months lost their lag 12 and were
    counted as dropped although the file holds the values. As many steps as the largest lag are
    read (as many as the file has), recorded as steps_before_range in config.toml and model.npz;
    on every route the same samples and counts (by hand)."""
    from climann.workflow.predict import evaluate_run

    split = {"train": train_years, "val": [1982, 1982], "test": [1983, 1983]}
    settings = {**_RANGE_RUN, "data": {**_RANGE_RUN["data"], "paths": [str(tiny_file)], "lags": {"rsdt": [1, 12]},
                                       "time_range": time_range, "split_years": split}}
    _on_route(settings, route, cluster)
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    n_cells = 12 * 24  # the 15° grid
    n_months = {name: sum(1 for year, month in _months(time_range) if first <= year <= last)
                for name, (first, last) in split.items()}
    lacking = 12 - n_before  # the period's first steps whose lag 12 lies before the file's first step
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    assert metrics["n_dropped"] == lacking * n_cells
    assert metrics["n_samples"] == {"train": (n_months["train"] - lacking) * n_cells,
                                    "val": n_months["val"] * n_cells, "test": n_months["test"] * n_cells}
    assert "steps_before_range = 12\n" in (run.run_dir / "config.toml").read_text()
    assert Network.load(run.run_dir / "model.npz").metadata["steps_before_range"] == 12
    if route == "memory":
        assert f"36 time steps (and the {n_before} steps before them, for persistence and lags);" in (
            run.run_dir / "train.log").read_text()
    if route != "streamed":
        # new data of a period: every month asked for is scored, each with its lag 12 from the file
        scored = evaluate_run(run.run_dir, [str(tiny_file)], tmp_path / "other", time_range=("1982-01", "1983-12"),
                              compute=settings.get("compute") and run.config.compute)
        assert scored["n_dropped"] == 0 and scored["n_samples"] == {"all": 24 * n_cells}


@pytest.mark.parametrize("route", [pytest.param("memory", id="in-memory"), pytest.param("streamed", id="streamed"),
                                   pytest.param("cluster", id="cluster")])
def test_seasons_read_the_steps_before_a_time_range_in_their_months_and_every_lost_lag_is_said(
        tiny_file, cluster, tmp_path, caplog, route):
    """verify22b F6, break22a F1: with --seasons DJF, --time-range and lags, the period's first
    step (January 1981) lost its lags (nothing was read before a thinned range) and was counted
    in n_dropped, but not in the warning, which said 864 samples against n_dropped 1152. The DJF
    steps among the 12 before the period are read (1980-01, 1980-02, 1980-12), so each step has
    its lags where the file holds them, and the warning counts every step n_dropped counts,
    in train, evaluate --data and predict, on every route."""
    from climann.workflow.predict import evaluate_run, predict_files

    settings = {**_RANGE_RUN, "data": {**_RANGE_RUN["data"], "paths": [str(tiny_file)], "lags": {"rsdt": [1, 12]},
                                       "seasons": ["DJF"]}}
    _on_route(settings, route, cluster)
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    n_cells = 12 * 24  # the 15° grid
    # by hand: DJF of 1981–1983 is 9 steps; lag 1 of each December is November, which DJF leaves out; every lag
    # 12 and every other lag 1 is in the file (1980's January, February and December read before the period)
    decembers = ["1981-12-16", "1982-12-16", "1983-12-16"]
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    assert metrics["n_dropped"] == 3 * n_cells
    # DJF counted with the year of its January: 1981 holds Jan, Feb 1981; 1982 Dec 1981 (dropped), Jan, Feb; 1983
    # Dec 1982 (dropped), Jan, Feb and the last December (dropped)
    assert metrics["n_samples"] == {"train": 2 * n_cells, "val": 2 * n_cells, "test": 2 * n_cells}
    log = (run.run_dir / "train.log").read_text()
    said = (f"lag 1 is missing at 3 time steps ({', '.join(decembers)}): the step 1 month before each is in a month "
            f"the time selection (--months/--seasons) leaves out; their {3 * n_cells} samples are dropped")
    assert said in log and "lag 12 is missing" not in log
    assert "persistence is missing at 3 time steps: the step before each is in a month" in log
    if route == "memory":
        assert "9 time steps (and the 3 steps before them, for persistence and lags);" in log
    assert "steps_before_months = true\n" in (run.run_dir / "config.toml").read_text()
    assert Network.load(run.run_dir / "model.npz").metadata["steps_before_months"] is True
    compute = settings.get("compute") and run.config.compute
    caplog.clear()  # the training's lines are checked in its train.log
    with caplog.at_level(logging.WARNING, logger="climann"):
        # new data of a period: January 1982 takes its lags from 1981 (read before it, in DJF)
        scored = evaluate_run(run.run_dir, [str(tiny_file)], tmp_path / "other", time_range=("1982-01", "1983-12"),
                              compute=compute)
        predicted = predict_files(run.run_dir, [str(tiny_file)], tmp_path / "pred.nc", time_range=("1982-01", "1983-12"),
                                  compute=compute)
    assert scored["n_dropped"] == 2 * n_cells and scored["n_samples"] == {"all": 4 * n_cells}
    lines = [record.getMessage() for record in caplog.records if "lag 1 is missing" in record.getMessage()]
    assert lines == [f"lag 1 is missing at 2 time steps ({', '.join(decembers[1:])}): the step 1 month before each is "
                     f"in a month the time selection (--months/--seasons) leaves out; their {2 * n_cells} samples "
                     "are dropped"] * 2
    with xr.open_dataset(predicted.path) as written:
        missing = np.isnan(written["tas_pred"].values).all(axis=(1, 2))
        assert [str(time)[:10] for time in written["time"].values[missing]] == decembers[1:]
        assert written.sizes["time"] == 6


def _months(time_range):
    """(year, month) of each month of ``time_range = ("YYYY-MM", "YYYY-MM")``, inclusive."""
    (first_year, first_month), (last_year, last_month) = (map(int, end.split("-")) for end in time_range)
    return [(year, month) for year in range(first_year, last_year + 1) for month in range(1, 13)
            if (first_year, first_month) <= (year, month) <= (last_year, last_month)]


@pytest.mark.parametrize(("recorded", "data", "n_dropped_steps"), [
    # one step read: the first 11 months lack their lag 12
    pytest.param({"steps_before_range": 1}, {}, 11, id="one-step-whatever-the-lags"),
    # DJF: none read; by hand, Jan 1981 (the period's first step) and each December lack lag 1
    pytest.param({"steps_before_months": False}, {"seasons": ["DJF"], "lags": {"rsdt": [1]}}, 4,
                 id="none-with-seasons"),
])
def test_a_run_recorded_before_steps_before_range_is_rescored_as_trained(tiny_file, tmp_path, recorded, data,
                                                                          n_dropped_steps):
    """verify22b F2: a run trained with step_before_range before steps_before_range was recorded
    read one step before its time_range whatever its lags, and none with months or seasons
    (verify22b F6); `climann evaluate RUN` of it reads as it did (its config.toml and model.npz
    lack the keys), and rewrites its metrics.json as it was."""
    from climann.workflow.predict import evaluate_run

    settings = {**_RANGE_RUN, "data": {**_RANGE_RUN["data"], "paths": [str(tiny_file)], "lags": {"rsdt": [1, 12]},
                                       **recorded, **data}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    written = json.loads((run_dir / "metrics.json").read_text())
    assert written["n_dropped"] == n_dropped_steps * 12 * 24
    network = Network.load(run_dir / "model.npz")
    (run_dir / "model.npz").unlink()
    network.save(run_dir / "model.npz",
                 metadata={key: value for key, value in network.metadata.items() if key not in recorded})
    config_text = (run_dir / "config.toml").read_text()
    (run_dir / "config.toml").write_text("".join(line for line in config_text.splitlines(keepends=True)
                                                 if line.split(" = ")[0] not in recorded))
    without_model_record(run_dir)  # the model.npz rewritten: named by no record, as an older climann's
    metrics = evaluate_run(run_dir)
    for key in ("n_dropped", "n_samples", "splits"):
        assert metrics[key] == written[key]


@pytest.mark.parametrize(("means", "expected"), [
    pytest.param(["--global-means", "tas", "--regional-means", "rsdt=0,90,0,120"], ["tas_global_mean"],
                 id="global-mean-of-the-target"),
    pytest.param(["--regional-means", "rsdt=0,90,0,120"], [], id="mean-of-a-predictor"),
])
def test_a_cluster_run_warns_of_the_target_s_own_area_mean_and_records_it(tiny_file, cluster, tmp_path, means,
                                                                          expected):
    """break22c F7 on the cluster route: the line train gives in memory (tests/workflow/test_runlog.py), in
    train.log, metrics.json and report.md; none for the area mean of a predictor."""
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--scheduler", cluster.scheduler_address,
                                 "--predictors", "rsdt", *means, "--hidden", "4", "--epochs", "1",
                                 "--set", "evaluation.figures=false", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    texts = [result.output, (tmp_path / "run" / "train.log").read_text(), (tmp_path / "run" / "report.md").read_text()]
    line = ("the input tas_global_mean is an area mean of the target tas at the same time step: the scores assume "
            "its true mean is given at prediction time")
    assert metrics.get("target_area_means", []) == expected
    assert [text.count(line) for text in texts] == ([1, 1, 1] if expected else [0, 0, 0])
    assert "cluster: " in texts[1]


@pytest.fixture(scope="module")
def land_files(tmp_path_factory):
    """CMIP6-like land files on a 6 × 8 grid with bounds, 1981–1983 monthly: ``mrso`` ("area: mean where
    land", cell_measures areacella) and ``pr``, and in files of their own ``sftlf`` (in %, 0 on the
    sea; one sea cell has a value of mrso, which weighs 0) and ``areacella``; and the land fraction
    and the areas by hand."""
    folder = tmp_path_factory.mktemp("land")
    lat_edges = np.linspace(-90.0, 90.0, 7)
    lon_edges = np.linspace(0.0, 360.0, 9)
    area = np.outer(np.diff(np.sin(np.deg2rad(lat_edges))), np.deg2rad(np.diff(lon_edges))) * 6_371_000.0**2
    rng = np.random.default_rng(5)
    land = np.where(rng.uniform(size=area.shape) < 0.4, 0.0, rng.uniform(5.0, 100.0, area.shape))
    land[2, 3], land[2, 4] = 0.0, 7.5
    times = xr.date_range("1981-01-01", periods=36, freq="MS", calendar="noleap", use_cftime=True)
    pr = rng.uniform(0.0, 1.0, (36, *area.shape))
    # coastal cells' land behaves otherwise: land-area and cell-area weights give other scores
    mrso = 100 * pr + 30 * rng.normal(size=pr.shape) * (land < 50)
    mrso[:, (land == 0) & ~((np.arange(6)[:, None] == 2) & (np.arange(8) == 3))] = np.nan  # mrso on one sea cell
    coords = {"lat": ("lat", (lat_edges[:-1] + lat_edges[1:]) / 2, {"standard_name": "latitude", "units": "degrees_north",
                                                                    "bounds": "lat_bnds"}),
              "lon": ("lon", (lon_edges[:-1] + lon_edges[1:]) / 2, {"standard_name": "longitude", "units": "degrees_east",
                                                                     "bounds": "lon_bnds"})}
    bounds = {"lat_bnds": (("lat", "bnds"), np.stack([lat_edges[:-1], lat_edges[1:]], 1)),
              "lon_bnds": (("lon", "bnds"), np.stack([lon_edges[:-1], lon_edges[1:]], 1))}
    measures = {"cell_measures": "area: areacella"}
    xr.Dataset({"mrso": (("time", "lat", "lon"), mrso.astype(np.float32), {
                    "units": "kg m-2", "standard_name": "mass_content_of_water_in_soil",
                    "cell_methods": "area: mean where land time: mean", **measures}),
                "pr": (("time", "lat", "lon"), pr.astype(np.float32), {"units": "kg m-2 s-1", **measures}), **bounds},
               coords={**coords, "time": ("time", times, {"standard_name": "time"})},
               attrs={"external_variables": "areacella"}).to_netcdf(folder / "mrso_pr.nc")
    xr.Dataset({"sftlf": (("lat", "lon"), land.astype(np.float32), {"standard_name": "land_area_fraction",
                                                                     "units": "%"}), **bounds},
               coords=coords).to_netcdf(folder / "sftlf_fx.nc")
    xr.Dataset({"areacella": (("lat", "lon"), area, {"standard_name": "cell_area", "units": "m2"}), **bounds},
               coords=coords).to_netcdf(folder / "areacella_fx.nc")
    return folder, land / 100, area


_LAND_RUN = {"data": {"target": "mrso", "predictors": ["pr"], "features": [],
                      "split_years": {"train": [1981, 1981], "val": [1982, 1982], "test": [1983, 1983]}},
             "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}


@pytest.fixture(scope="module")
def land_run(land_files, tmp_path_factory):
    """The run of :data:`_LAND_RUN` in memory on all of :func:`land_files` (mrso, sftlf,
    areacella): the same training for the tests that read it; each test that evaluates or
    rewrites it works on a copy."""
    folder, _, _ = land_files
    settings = {**_LAND_RUN, "data": {**_LAND_RUN["data"], "paths": [str(path) for path in sorted(folder.glob("*.nc"))]}}
    return run_training(build_config(settings), run_dir=tmp_path_factory.mktemp("land_run") / "run").run_dir


def _weighted_test_mse(predictions: Path, weights: np.ndarray) -> float:
    """The test block's MSE of predictions.nc weighed by ``weights`` (n_lat, n_lon), computed with numpy."""
    with xr.open_dataset(predictions) as written:
        error = (written["mrso_pred"] - written["mrso"]).values.astype(np.float64)
        test = written["split"].values == 3
    error = error[test]
    present = np.isfinite(error)
    cells = np.broadcast_to(weights, error.shape)[present]
    return float(np.sum(cells * error[present] ** 2) / np.sum(cells))


@pytest.mark.parametrize("route", ["memory", "streamed"])
def test_a_where_land_target_is_scored_by_land_area_on_every_route(land_files, tmp_path, route, request):
    """break24a F7: mrso ("area: mean where land") was weighed by whole cells. Its scores weigh
    area × land fraction by hand (sftlf in %, its own file; the sea cell holding a value weighs 0), in
    memory (:func:`land_run`, read only) and streamed (the chunks a cluster scores too: not run
    here, a cluster run takes 6 s); predictions.nc holds the fraction used beside the areas, from
    which the MSE is that of metrics.json; the run records the choice."""
    folder, land, area = land_files
    if route == "memory":
        run_dir = request.getfixturevalue("land_run")
    else:
        settings = {**_LAND_RUN, "data": {**_LAND_RUN["data"],
                                          "paths": [str(path) for path in sorted(folder.glob("*.nc"))]}}
        _on_route(settings, route, None)
        run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    mse = metrics["splits"]["test"]["model"]["mse"]
    assert mse == pytest.approx(_weighted_test_mse(run_dir / "predictions.nc", area * land), rel=1e-5)
    assert mse != pytest.approx(_weighted_test_mse(run_dir / "predictions.nc", area), rel=1e-2)
    assert metrics["weighted_by"] == "cell area × land_area_fraction (sftlf)"
    with xr.open_dataset(run_dir / "predictions.nc") as written:
        np.testing.assert_allclose(written["sftlf"].values, land, rtol=1e-6)
        assert written["sftlf"].attrs["units"] == "1"
        assert "climann's scores weigh each cell by areacella × sftlf" in written["sftlf"].attrs["comment"]
        in_file = (written["areacella"] * written["sftlf"]).values
    assert mse == pytest.approx(_weighted_test_mse(run_dir / "predictions.nc", in_file), rel=1e-5)
    assert "weigh_by_area_fraction = true\n" in (run_dir / "config.toml").read_text()
    assert Network.load(run_dir / "model.npz").metadata["weigh_by_area_fraction"] is True
    assert "by its area × its land fraction sftlf" in (run_dir / "train.log").read_text()
    assert "mrso (kg m-2), weighted by cell area × land_area_fraction (sftlf): MSE in" in (
        run_dir / "report.md").read_text()


def test_the_global_mean_of_a_land_variable_is_weighed_by_land_area_as_its_scores(land_files, tmp_path):
    """break52c A4: --global-means mrso ("area: mean where land", sftlf and areacella in the data) weighed
    areacella alone; its scores weigh areacella × sftlf. The feature's training mean (model.npz input_scaling) is
    the mean over 1981 of numpy's areacella × sftlf mean of each step, the sea cell holding mrso weighing 0; the
    run records the choice, and a run without the record gets the whole cells' feature again."""
    from climann.workflow.predict import _dated_as_trained

    folder, land, area = land_files
    settings = {**_LAND_RUN, "data": {**_LAND_RUN["data"], "target": "pr", "predictors": [], "features": ["lat"], "global_means": ["mrso"],
                                      "paths": [str(path) for path in sorted(folder.glob("*.nc"))]}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    network = Network.load(run_dir / "model.npz")
    scaling = network.metadata["input_scaling"]
    trained = scaling["mean"][scaling["names"].index("mrso_global_mean")]
    with xr.open_dataset(folder / "mrso_pr.nc") as opened:
        mrso = opened["mrso"].values[:12].astype(np.float64)  # 1981, the training year
    present = np.isfinite(mrso)

    def mean_of_steps(weights):
        return float(np.mean(np.nansum(mrso * weights, axis=(1, 2)) / (present * weights).sum(axis=(1, 2))))

    assert trained == pytest.approx(mean_of_steps(area * land), rel=1e-5)
    assert trained != pytest.approx(mean_of_steps(area), rel=1e-3)
    assert network.metadata["area_means_by_fraction"] is True
    assert "area_means_by_fraction = true\n" in (run_dir / "config.toml").read_text()
    older = network.copy()
    del older.metadata["area_means_by_fraction"]
    assert _dated_as_trained(build_config(settings), older).data.area_means_by_fraction is False
    assert _dated_as_trained(build_config(settings), network).data.area_means_by_fraction is True


def test_a_run_recorded_before_land_area_weights_is_rescored_by_whole_cells(land_files, land_run, tmp_path):
    """break24a F7: a run whose model.npz and config.toml lack weigh_by_area_fraction weighed whole
    cells; `climann evaluate RUN` scores it so, and compare names the runs' different weights
    (:func:`land_run` copied as "new", and again as the rewritten "old")."""
    from climann.workflow.compare import compare_runs, comparison_title
    from climann.workflow.predict import evaluate_run

    folder, land, area = land_files
    new = Path(shutil.copytree(land_run, tmp_path / "new"))
    run_dir = tmp_path / "old"
    shutil.copytree(new, run_dir)
    network = Network.load(run_dir / "model.npz")
    (run_dir / "model.npz").unlink()
    network.save(run_dir / "model.npz", metadata={key: value for key, value in network.metadata.items()
                                                  if key != "weigh_by_area_fraction"})
    config_text = (run_dir / "config.toml").read_text()
    (run_dir / "config.toml").write_text("".join(line for line in config_text.splitlines(keepends=True)
                                                 if not line.startswith("weigh_by_area_fraction")))
    without_model_record(run_dir)
    metrics = evaluate_run(run_dir)
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(
        _weighted_test_mse(run_dir / "predictions.nc", area), rel=1e-5)
    assert metrics["weighted_by"] == "cell area"
    with xr.open_dataset(run_dir / "predictions.nc") as written:
        assert "sftlf" not in written
    comparison = compare_runs([new, run_dir])
    notes = comparison.notes
    # verify25 F6: the caption said "area-weighted" of both
    assert "weights differ: weighted by cell area × land_area_fraction (sftlf) (new), area-weighted (old): MSE in" in (
        comparison_title(comparison.runs))
    assert ("the runs differ in cell weights (new cell area × land_area_fraction (sftlf), old cell area): their "
            "scores are means over other areas") in " ".join(notes)


def test_other_data_without_the_land_fraction_of_a_land_weighted_run_are_warned(land_files, land_run, tmp_path,
                                                                                caplog):
    """verify25 F1/F6: `evaluate --data` and `predict` of a run scored by land area, on files without
    sftlf, weighed whole cells without a word; they warn that the scores are not comparable with the
    run's own, record and caption the weights used, and with sftlf caption the land weighting
    (of a copy of :func:`land_run`)."""
    from climann.workflow.predict import evaluate_run, predict_files

    folder, land, area = land_files
    paths = [str(path) for path in sorted(folder.glob("*.nc"))]
    run_dir = Path(shutil.copytree(land_run, tmp_path / "run"))
    without_fraction = [path for path in paths if "sftlf" not in path]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, without_fraction, tmp_path / "ev")
        result = predict_files(run_dir, without_fraction, tmp_path / "p.nc")
    warned = [record.getMessage() for record in caplog.records if "mean where land" in record.getMessage()]
    assert len(warned) == 1  # said once per run of the data layer
    assert ("'mrso' is a mean where land (its cell_methods) but the data hold no land_area_fraction: the scores "
            "weigh whole cells by their area, NOT as the run's own scores (weighted by cell area × "
            "land_area_fraction (sftlf)): they are not comparable with them") in warned[0]
    assert metrics["weighted_by"] == result.weighted_by == "cell area"
    assert "mrso (kg m-2), area-weighted: MSE in" in (tmp_path / "ev" / "report.md").read_text()
    assert result.scores["mse"] == pytest.approx(_weighted_test_mse_all(tmp_path / "p.nc", area), rel=1e-5)
    with_fraction = predict_files(run_dir, paths, tmp_path / "q.nc")
    assert with_fraction.weighted_by == "cell area × land_area_fraction (sftlf)"
    assert with_fraction.scores["mse"] == pytest.approx(_weighted_test_mse_all(tmp_path / "q.nc", area * land),
                                                        rel=1e-5)


def _weighted_test_mse_all(predictions: Path, weights: np.ndarray) -> float:
    """The MSE of a predict output over all its steps, weighed by ``weights`` (n_lat, n_lon), with numpy."""
    with xr.open_dataset(predictions) as written:
        error = (written["mrso_pred"] - written["mrso"]).values.astype(np.float64)
    present = np.isfinite(error)
    cells = np.broadcast_to(weights, error.shape)[present]
    return float(np.sum(cells * error[present] ** 2) / np.sum(cells))


def test_a_fraction_file_naming_its_absent_area_file_trains_as_the_advice_says(land_files, tmp_path):
    """break32a A2: CMIP6 data with sftlf (whose own cell_measures names areacella) but without the
    areacella file were refused with a false "time encoding" message (a KeyError of xarray's writer).
    climann's advice for mrso alone ("give the fraction's file with the data (CMIP6: --data sftlf_….nc)"),
    followed, trains; the scores weigh the areas from the bounds × the land fraction by hand; predictions.nc
    keeps sftlf's cell_measures and names areacella in its external_variables (CF 1.7+ §2.6.3)."""
    folder, land, area = land_files
    with xr.open_dataset(folder / "sftlf_fx.nc") as fraction:
        named = fraction.load()
    named["sftlf"].attrs["cell_measures"] = "area: areacella"  # as real CMIP6 fx files say
    named.to_netcdf(tmp_path / "sftlf_fx_TOY.nc")
    options = ["--target", "mrso", "--predictors", "pr", "--features", "", "--hidden", "4", "--epochs", "1",
               "--set", "data.split_years={train=[1981,1981],val=[1982,1982],test=[1983,1983]}",
               "--set", "evaluation.figures=false"]
    alone = runner.invoke(app, ["train", "--data", str(folder / "mrso_pr.nc"), *options, "--out", str(tmp_path / "a")])
    assert alone.exit_code == 0, alone.output
    assert "give the fraction's file with the data (CMIP6: --data sftlf_fx_….nc)" in alone.output
    result = runner.invoke(app, ["train", "--data", str(folder / "mrso_pr.nc"), "--data", str(tmp_path / "sftlf_fx_TOY.nc"),
                                 *options, "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["weighted_by"] == "cell area × land_area_fraction (sftlf)"
    mse = metrics["splits"]["test"]["model"]["mse"]
    assert mse == pytest.approx(_weighted_test_mse(tmp_path / "run" / "predictions.nc", area * land), rel=1e-5)
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as written:
        assert written.attrs["external_variables"] == "areacella"
        assert written["sftlf"].attrs["cell_measures"] == "area: areacella"
        assert written["mrso"].attrs["cell_measures"] == "area: cell_area"
        np.testing.assert_allclose(written["cell_area"].values, area, rtol=1e-6)


@pytest.fixture(scope="module")
def sea_ice_files(tmp_path_factory):
    """CMIP6 SImon-like files on a 4 × 6 curvilinear j/i grid (2-D latitude and longitude with
    their vertices), 1981–1983 monthly: ``sithick`` ("area: time: mean where sea_ice (comment:
    mask=siconc)", missing where siconc is 0) and ``siconc`` (in %, changing with time), ``tos``,
    and ``areacello`` in a file of its own; and siconc in units of 1 and the areas by hand."""
    folder = tmp_path_factory.mktemp("sea_ice")
    rng = np.random.default_rng(11)
    n_j, n_i, n_time = 4, 6, 36
    corner_lat, corner_lon = np.meshgrid(np.linspace(60.0, 84.0, n_j + 1), np.linspace(0.0, 360.0, n_i + 1),
                                         indexing="ij")
    corner_lat = corner_lat + 0.5 * np.sin(np.deg2rad(corner_lon)) * (corner_lat - 60.0) / 24.0  # not a lat-lon grid
    vertices = {name: np.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]], -1)
                for name, corners in (("latitude", corner_lat), ("longitude", corner_lon))}
    # the input's areas: the cells' own (from their corners), each off by up to 3 %; areas of other cells
    # (remapped from another grid) are refused (break57a A2)
    from climann.data.geometry import polygon_areas

    area = (polygon_areas(vertices["latitude"], vertices["longitude"]) * 6.371e6**2
            * rng.uniform(0.97, 1.03, (n_j, n_i))).round(-6)
    month = np.arange(n_time) % 12 + 1
    tos = -1.8 + np.clip(2.5 * np.cos(2 * np.pi * (month - 8) / 12)[:, None, None] + 1.2
                         + rng.normal(0.0, 0.8, (n_time, n_j, n_i)), 0.0, None)
    siconc = np.clip(100 * (1 - (tos + 1.8) / 2.5) + rng.normal(0.0, 6.0, tos.shape), 0.0, 100.0).round(1)
    # thin ice of low concentration errs otherwise: weights by ice area and by whole cells disagree
    sithick = np.where(siconc > 0, 0.2 + 2.5 * (siconc / 100) ** 2 + rng.normal(0, 0.4, tos.shape) * (siconc < 40),
                       np.nan)
    times = xr.date_range("1981-01-16", periods=n_time, freq="MS", calendar="noleap", use_cftime=True)
    grid = {"latitude": (("j", "i"), vertices["latitude"].mean(-1), {"standard_name": "latitude",
                                                                    "units": "degrees_north",
                                                                    "bounds": "vertices_latitude"}),
            "longitude": (("j", "i"), vertices["longitude"].mean(-1), {"standard_name": "longitude",
                                                                      "units": "degrees_east",
                                                                      "bounds": "vertices_longitude"})}
    corners = {f"vertices_{name}": (("j", "i", "vertices"), values) for name, values in vertices.items()}
    measures = {"cell_measures": "area: areacello", "coordinates": "latitude longitude"}
    fields = {"sithick": (sithick, "m", "sea_ice_thickness", "area: time: mean where sea_ice (comment: mask=siconc)"),
              "siconc": (siconc, "%", "sea_ice_area_fraction", "area: mean where sea time: mean"),
              "tos": (tos, "degC", "sea_surface_temperature", "area: mean where sea time: mean")}
    for name, (values, units, standard_name, cell_methods) in fields.items():
        xr.Dataset({name: (("time", "j", "i"), values.astype(np.float32),
                           {"units": units, "standard_name": standard_name, "cell_methods": cell_methods, **measures}),
                    **corners},
                   coords={**grid, "time": ("time", times, {"standard_name": "time", "axis": "T"})},
                   attrs={"external_variables": "areacello"}).to_netcdf(folder / f"{name}_SImon_TOY_gn.nc")
    xr.Dataset({"areacello": (("j", "i"), area, {"standard_name": "cell_area", "units": "m2",
                                                 "coordinates": "latitude longitude"}), **corners},
               coords=grid).to_netcdf(folder / "areacello_Ofx_TOY_gn.nc")
    return folder, np.asarray(siconc, np.float64) / 100, area


def _sea_ice_scores(predictions: Path, weights: np.ndarray, target: str = "sithick") -> dict[str, float]:
    """The test block's MSE, bias, skill against the climatology and mean centred ACC of
    predictions.nc, each value weighed by ``weights`` (n_time, n_lat, n_lon), with numpy (the ACC
    of the steps with at least MIN_ACC_CELLS values, as climann's)."""
    with xr.open_dataset(predictions) as written:
        truth, model, climatology = (written[name].values.astype(np.float64)
                                     for name in (target, f"{target}_pred", f"{target}_climatology"))
        test = written["split"].values == 3
    truth, model, climatology, weights = truth[test], model[test], climatology[test], weights[test]
    both = np.isfinite(truth) & np.isfinite(model)
    matched = both & np.isfinite(climatology)
    w = weights[both]
    error, reference = (model - truth)[matched], (climatology - truth)[matched]
    accs = []
    for step in range(truth.shape[0]):
        cells = matched[step]
        if cells.sum() < MIN_ACC_CELLS:  # a summer month with ice in too few cells: no ACC
            continue
        step_weights = weights[step][cells]
        anomalies = [values[step][cells] - climatology[step][cells] for values in (model, truth)]
        a, b = (x - np.sum(step_weights * x) / np.sum(step_weights) for x in anomalies)
        accs.append(np.sum(step_weights * a * b) / np.sqrt(np.sum(step_weights * a * a) * np.sum(step_weights * b * b)))
    return {"mse": float(np.sum(w * (model - truth)[both] ** 2) / np.sum(w)),
            "bias": float(np.sum(w * (model - truth)[both]) / np.sum(w)),
            "skill_vs_climatology": float(1 - np.sum(weights[matched] * error**2)
                                          / np.sum(weights[matched] * reference**2)),
            "acc": float(np.mean(accs)),
            "climatology_rmse": float(np.sqrt(np.sum(weights[matched] * reference**2) / np.sum(weights[matched]))),
            "climatology_bias": float(np.sum(weights[matched] * reference) / np.sum(weights[matched]))}


@pytest.mark.parametrize("route", [pytest.param("memory", id="in-memory"), pytest.param("streamed", id="streamed"),
                                   pytest.param("cluster", id="cluster")])
def test_a_where_sea_ice_target_is_scored_by_each_steps_ice_area_on_every_route(sea_ice_files, cluster, tmp_path,
                                                                               route):
    """break36a A1: sithick ("area: time: mean where sea_ice (comment: mask=siconc)": each value a
    mean over the ice-covered part of its cell) was weighed by whole cells, saying nothing. Its
    MSE, bias, skill and ACC weigh each value by areacello × that step's siconc/100 by numpy, in
    memory, streamed in several chunks and on a cluster; metrics.json says what weighed, and
    predictions.nc holds the fraction of each step beside the areas."""
    folder, siconc, area = sea_ice_files
    settings = {"data": {"target": "sithick", "predictors": ["siconc", "tos"], "features": [],
                         "paths": [str(path) for path in sorted(folder.glob("*.nc"))],
                         "split_years": {"train": [1981, 1981], "val": [1982, 1982], "test": [1983, 1983]}},
                "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}}
    _on_route(settings, route, cluster)
    if route == "streamed":
        settings["compute"] = {"chunk_mb": 0.005}  # a few time steps a chunk: each chunk takes its own steps' weights
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    scores = metrics["splits"]["test"]["model"]
    ice_area = area * np.nan_to_num(siconc)
    expected = _sea_ice_scores(run_dir / "predictions.nc", ice_area)
    for name, value in expected.items():
        if not name.startswith("climatology_"):
            assert scores[name] == pytest.approx(value, rel=1e-5, abs=1e-9), name
    whole_cells = _sea_ice_scores(run_dir / "predictions.nc", np.broadcast_to(area, siconc.shape))
    assert scores["mse"] != pytest.approx(whole_cells["mse"], rel=1e-2)
    assert metrics["weighted_by"] == "cell area × sea_ice_area_fraction (siconc, each time step's)"
    with xr.open_dataset(run_dir / "predictions.nc") as written:
        assert written["siconc"].dims == ("time", "j", "i")
        np.testing.assert_allclose(written["siconc"].values, siconc, rtol=1e-6)
        assert written["siconc"].attrs["units"] == "1"
    assert "by its area × its sea_ice fraction siconc of each time step" in (run_dir / "train.log").read_text()
    if route == "streamed":
        assert re.search(r"chunks: ([2-9]|\d\d+) of", (run_dir / "train.log").read_text())


@pytest.fixture(scope="module")
def snow_on_sea_ice_files(sea_ice_files, tmp_path_factory):
    """The sea-ice files' grid, siconc, tos and areacello with CMIP6 SImon ``sisnthick`` ("area: mean
    where snow over sea_ice area: time: mean where sea_ice": a mean over the snow-covered part of the
    sea ice) and ``sisnconc`` (surface_snow_area_fraction in % of the sea ice, missing where there is
    none); and sisnconc in units of 1. The snow is thick where little of the ice has snow: weighed
    by siconc alone, the cells of little snow count as much as those of much."""
    folder, siconc, _ = sea_ice_files
    snow = tmp_path_factory.mktemp("snow_on_sea_ice")
    for name in ("siconc_SImon", "tos_SImon", "areacello_Ofx"):
        shutil.copy(folder / f"{name}_TOY_gn.nc", snow / f"{name}_TOY_gn.nc")
    rng = np.random.default_rng(12)
    with xr.open_dataset(folder / "sithick_SImon_TOY_gn.nc") as sithick:
        template = sithick.load()
    ice = siconc > 0
    cover = np.where(ice, rng.uniform(0.0, 100.0, siconc.shape).round(1), np.nan)
    depth = np.where(ice, 0.05 + 0.3 * (1 - cover / 100) ** 2 + 0.2 * siconc + rng.normal(0.0, 0.03, siconc.shape)
                     * (cover < 30), np.nan)
    fields = {"sisnthick": (depth, "m", "thickness_of_snow_on_sea_ice",
                            "area: mean where snow over sea_ice area: time: mean where sea_ice"),
              "sisnconc": (cover, "%", "surface_snow_area_fraction",
                           "area: time: mean where sea_ice (comment: mask=siconc)")}
    for name, (values, units, standard_name, cell_methods) in fields.items():
        dataset = template.rename({"sithick": name})
        dataset[name] = (dataset[name].dims, values.astype(np.float32),
                         {**template["sithick"].attrs, "units": units, "standard_name": standard_name,
                          "cell_methods": cell_methods})
        dataset.to_netcdf(snow / f"{name}_SImon_TOY_gn.nc")
    return snow, np.asarray(cover, np.float64) / 100


@pytest.mark.parametrize("route", [pytest.param("memory", id="in-memory"), pytest.param("streamed", id="streamed")])
def test_a_where_snow_over_sea_ice_target_is_scored_by_each_steps_snow_covered_ice_area(
        sea_ice_files, snow_on_sea_ice_files, cluster, tmp_path, route):
    """rerun36 V1: sisnthick ("area: mean where snow over sea_ice …", CF 1.8 section 7.3.3: a mean over
    the part of the sea ice snow covers) was weighed by areacello × siconc alone, saying nothing. Its
    bias, skill and the climatology's RMSE and bias weigh each value by areacello × siconc/100 ×
    sisnconc/100 of its step by numpy, in memory and streamed in chunks; metrics.json says so."""
    _, siconc, area = sea_ice_files
    folder, cover = snow_on_sea_ice_files
    settings = {"data": {"target": "sisnthick", "predictors": ["siconc", "tos"], "features": [],
                         "paths": [str(path) for path in sorted(folder.glob("*.nc"))],
                         "split_years": {"train": [1981, 1981], "val": [1982, 1982], "test": [1983, 1983]}},
                "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}}
    _on_route(settings, route, cluster)
    if route == "streamed":
        settings["compute"] = {"chunk_mb": 0.005}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    test = metrics["splits"]["test"]
    snow_area = area * np.nan_to_num(siconc) * np.nan_to_num(cover)
    expected = _sea_ice_scores(run_dir / "predictions.nc", snow_area, target="sisnthick")
    for name in ("mse", "bias", "skill_vs_climatology"):
        assert test["model"][name] == pytest.approx(expected[name], rel=1e-5, abs=1e-9), name
    assert test["climatology"]["rmse"] == pytest.approx(expected["climatology_rmse"], rel=1e-5)
    assert test["climatology"]["bias"] == pytest.approx(expected["climatology_bias"], rel=1e-5, abs=1e-9)
    ice_only = _sea_ice_scores(run_dir / "predictions.nc", area * np.nan_to_num(siconc), target="sisnthick")
    assert expected["climatology_rmse"] != pytest.approx(ice_only["climatology_rmse"], rel=1e-2)
    assert metrics["weighted_by"] == ("cell area × sea_ice_area_fraction × surface_snow_area_fraction "
                                      "(siconc_times_sisnconc, each time step's)")
    with xr.open_dataset(run_dir / "predictions.nc") as written:
        np.testing.assert_allclose(written["siconc_times_sisnconc"].values, siconc * cover, rtol=1e-6)


def test_a_where_sea_target_on_an_atmosphere_grid_is_scored_by_one_minus_its_land_fraction(land_files, tmp_path):
    """break36a A3: a "where sea" field on the atmosphere grid (siconca) beside sftlf and areacella was
    weighed by whole cells with the advice to give sftof_Ofx (on the ocean grid only: followed, it was
    refused). Its scores weigh areacella × (1 − sftlf/100) by numpy; predictions.nc holds that fraction."""
    folder, land, area = land_files
    with xr.open_dataset(folder / "mrso_pr.nc") as opened:
        sea_field = opened.load()
    sea_field["mrso"].attrs["cell_methods"] = "area: mean where sea time: mean"
    sea_field.to_netcdf(tmp_path / "siconca_pr.nc")
    paths = [str(tmp_path / "siconca_pr.nc"), str(folder / "sftlf_fx.nc"), str(folder / "areacella_fx.nc")]
    settings = {**_LAND_RUN, "data": {**_LAND_RUN["data"], "paths": paths}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    mse = metrics["splits"]["test"]["model"]["mse"]
    assert mse == pytest.approx(_weighted_test_mse(run_dir / "predictions.nc", area * (1 - land)), rel=1e-5)
    assert mse != pytest.approx(_weighted_test_mse(run_dir / "predictions.nc", area), rel=1e-2)
    assert metrics["weighted_by"] == "cell area × sea_area_fraction (sea_fraction_from_sftlf)"
    with xr.open_dataset(run_dir / "predictions.nc") as written:
        np.testing.assert_allclose(written["sea_fraction_from_sftlf"].values, 1 - land, rtol=1e-6, atol=1e-7)
        assert written["sea_fraction_from_sftlf"].attrs["standard_name"] == "sea_area_fraction"
    assert "by its area × its sea fraction 1 − sftlf" in (run_dir / "train.log").read_text()

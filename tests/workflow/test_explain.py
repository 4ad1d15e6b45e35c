"""``climann explain`` (climann/workflow/explain.py): a run trained on a generated file whose target
is built from one predictor (and a little from latitude), beside a predictor of pure noise."""

import hashlib
import json
import shutil

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import ClimannError
from climann.evaluation.importance import individual_conditional_expectation, weighted_quantiles
from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.explain import (
    EXPLAIN_FIGURES,
    explain_run,
    input_groups,
    network_predictor,
    partial_dependence_record,
    read_test_block,
)
from climann.workflow.outputs import EXPLAIN_FILES, foreign_entries, written_by_climann
from climann.workflow.pipeline import run_training
from climann.workflow.predict import load_run
from tests.conftest import monthly_times

N_YEARS, N_LAT, N_LON = 6, 6, 8
TIME = xr.coders.CFDatetimeCoder(use_cftime=True)
#: The explain figures of the tests that read their names, sizes and JSON files, not their pixels
#: (drawn at 150 dpi, they took most of an explain call's time).
LOW_DPI = 40


def write_signal_and_noise(path, *, seasonal=0.0):
    """tas = 280 + 3 signal + 0.05 lat + seasonal · cos(2π month/12) sin(lat) + ε (K): ``signal``
    and ``noise`` standard normal, independent, seeded; ε ~ N(0, 0.1)."""
    rng = np.random.default_rng(11)
    times = monthly_times(N_YEARS, "noleap")
    lat = np.linspace(-75.0, 75.0, N_LAT)
    lon = np.arange(N_LON) * 45.0 + 22.5
    shape = (len(times), N_LAT, N_LON)
    signal, noise = rng.normal(size=shape), rng.normal(size=shape)
    tas = 280 + 3 * signal + 0.05 * lat[None, :, None] + rng.normal(0, 0.1, shape)
    months = np.array([time.month for time in times])
    tas += seasonal * np.cos(2 * np.pi * months / 12)[:, None, None] * np.sin(np.deg2rad(lat))[None, :, None]
    dims = ("time", "lat", "lon")
    dataset = xr.Dataset(
        {
            "tas": (dims, tas.astype(np.float32), {"units": "K", "standard_name": "air_temperature"}),
            "signal": (dims, signal.astype(np.float32), {"units": "W m-2", "long_name": "what tas is made of"}),
            "noise": (dims, noise.astype(np.float32), {"units": "1", "long_name": "pure noise"}),
        },
        coords={
            "time": ("time", times, {"standard_name": "time", "axis": "T"}),
            "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
            "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"}),
        },
        attrs={"Conventions": "CF-1.8"},
    )
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explain")
    data = write_signal_and_noise(folder / "signal_noise.nc")
    config = build_config({
        "data": {"paths": [str(data)], "target": "tas", "predictors": ["signal", "noise"], "features": ["lat"],
                 "lags": {"signal": [1]}},
        "model": {"hidden": [16]}, "training": {"epochs": 15, "batch_size": 64, "learning_rate": 0.01},
        "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=folder / "run").run_dir
    return run_dir, explain_run(run_dir, repeats=4, seed=1, dpi=LOW_DPI)


def test_the_built_from_variable_ranks_first_and_pure_noise_last_near_zero(explained):
    _, result = explained
    ranked = result.importance["inputs"]
    assert [entry["name"] for entry in ranked] == ["signal", "lat", "noise"]
    signal, noise = ranked[0], ranked[-1]
    assert signal["columns"] == ["signal", "signal_lag1"]  # a variable with its lags is one input
    # permuting signal destroys its 9 K² of variance; noise carries nothing
    assert signal["mse_increase_mean"] > 5.0
    assert abs(noise["mse_increase_mean"]) < 0.01 * signal["mse_increase_mean"]


def test_the_unpermuted_mse_is_the_runs_own_test_score(explained):
    run_dir, result = explained
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert result.importance["baseline_mse"] == pytest.approx(metrics["splits"]["test"]["model"]["mse"], rel=1e-9)
    assert result.importance["n_samples"] == metrics["splits"]["test"]["model"]["n_samples"]
    assert result.importance["period"] == metrics["split_periods"]["test"]


def test_both_files_name_the_model_they_describe_by_its_sha256(explained):
    run_dir, result = explained
    expected = hashlib.sha256((run_dir / "model.npz").read_bytes()).hexdigest()
    assert result.importance["model_sha256"] == result.partial_dependence["model_sha256"] == expected
    written = json.loads((result.out / "importance.json").read_text())
    assert written["model_sha256"] == expected


def test_each_map_is_the_cells_mse_increase_and_averages_to_the_importance(explained):
    run_dir, result = explained
    block = read_test_block(load_run(run_dir))
    weights = block.layout.cell_area_weights()
    for name, field in zip(result.input_names, result.maps):
        entry = next(entry for entry in result.importance["inputs"] if entry["name"] == name)
        # every cell has the same test steps: the area-weighted mean of the map is the mean increase
        assert np.sum(weights * field) / weights.sum() == pytest.approx(entry["mse_increase_mean"], rel=1e-6, abs=1e-9)
    assert result.maps.shape == (3, N_LAT, N_LON)


def test_files_and_figures_are_written(explained):
    run_dir, result = explained
    assert result.out == run_dir / "explain"
    assert sorted(path.name for path in result.out.iterdir()) == sorted(EXPLAIN_FILES)
    assert json.loads((result.out / "importance.json").read_text()) == result.importance
    assert [path.name for path in result.figures] == list(EXPLAIN_FIGURES)


def test_partial_dependence_follows_the_built_in_slope_in_physical_units(explained):
    run_dir, result = explained
    curves = {curve["name"]: curve for curve in result.partial_dependence["predictors"]}
    assert list(curves) == ["signal", "noise", "lat"]
    signal = curves["signal"]
    assert signal["units"] == "W m-2" and curves["lat"]["units"] == "degrees_north"
    slope = np.polyfit(signal["grid"], signal["average"], 1)[0]
    assert slope == pytest.approx(3.0, rel=0.15)  # tas = 280 + 3 signal + …
    low, middle, high = (np.array(signal["ice_quantiles"][key]) for key in ("0.1", "0.5", "0.9"))
    assert np.all(low <= middle) and np.all(middle <= high)
    # the curve is the area-weighted mean of the predictions with signal set to each value
    block = read_test_block(load_run(run_dir))
    predict, column = network_predictor(load_run(run_dir)), block.feature_names.index("signal")
    assert result.partial_dependence["n_samples"] == block.truth.size  # a small block: every sample
    for value, average in zip(signal["grid"][::6], signal["average"][::6]):
        inputs = block.inputs.copy()
        inputs[:, column] = value
        assert average == pytest.approx(np.average(predict(inputs), weights=block.weights), rel=1e-9)



def test_the_curve_is_the_mean_over_every_test_sample_and_the_ice_band_of_those_drawn(explained):
    """More test samples than the ICE draws (50 here, 5000 by default): the partial dependence
    is still the area-weighted mean over every sample, as docs/cli.md says; the ICE quantiles
    are of the samples drawn."""
    run_dir, _ = explained
    run = load_run(run_dir)
    block, predict = read_test_block(run), network_predictor(run)
    record = partial_dependence_record(run, block, predict, seed=1, ice_samples=50)
    n_total = block.truth.size
    assert (record["n_samples"], record["of_samples"], record["average_n_samples"]) == (50, n_total, n_total) \
        and n_total > 50
    assert "mean over every test sample" in record["method"]
    signal = next(curve for curve in record["predictors"] if curve["name"] == "signal")
    column = block.feature_names.index("signal")
    for value, average in zip(signal["grid"], signal["average"]):
        inputs = block.inputs.copy()
        inputs[:, column] = value
        assert average == pytest.approx(np.average(predict(inputs), weights=block.weights), rel=1e-9)
    drawn = np.sort(np.random.default_rng(1).choice(n_total, 50, replace=False))
    ice = individual_conditional_expectation(predict, block.inputs[drawn], column, np.array(signal["grid"]))
    np.testing.assert_allclose(signal["ice_quantiles"]["0.5"],
                               weighted_quantiles(ice, [0.5], block.weights[drawn])[0], rtol=1e-12)

def test_existing_outputs_are_kept_unless_overwrite_and_foreign_ones_always(explained, tmp_path):
    run_dir, _ = explained
    with pytest.raises(ClimannError, match="already holds importance.json"):
        explain_run(run_dir, repeats=1)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "importance.json").write_text('{"my": "notes"}')
    with pytest.raises(ClimannError, match="not written by climann"):
        explain_run(run_dir, out, repeats=1, overwrite=True)
    assert (out / "importance.json").read_text() == '{"my": "notes"}'


def test_a_run_directory_with_its_explain_folder_is_still_a_run_directory(explained):
    run_dir, result = explained
    assert foreign_entries(run_dir) == []
    assert all(written_by_climann(result.out / name) for name in EXPLAIN_FILES)  # --overwrite may replace them


def test_a_field_mode_run_is_refused_in_one_line(explained, tmp_path):
    run_dir, _ = explained
    field = tmp_path / "field"
    field.mkdir()
    shutil.copy(run_dir / "model.npz", field)
    text = (run_dir / "config.toml").read_text()
    (field / "config.toml").write_text(text.replace('mode = "pointwise"', 'mode = "field"').replace("area_weighted = true", "area_weighted = false"))
    with pytest.raises(ClimannError, match="pointwise runs only") as error:
        explain_run(field)
    assert "\n" not in str(error.value)


def test_groups_follow_the_configuration_and_refuse_an_unknown_column():
    data = build_config({"data": {"predictors": ["tas", "orog"], "features": ["season", "lat"],
                                  "lags": {"tas": [1, 12], "pr": [1]}, "anomalies": ["tas"],
                                  "global_means": ["tas"], "target": "pr"}}).data
    columns = ("tas", "orog", "tas_lag1", "tas_lag12", "pr_lag1", "tas_global_mean", "tas_anomaly", "lat",
               "season_sin", "season_cos")
    # the target's own past is named by its column, not as the target (break22c F3)
    assert input_groups(data, columns) == {"tas": [0, 2, 3, 5, 6], "orog": [1], "pr_lag1": [4], "lat": [7],
                                           "season": [8, 9]}
    with pytest.raises(ClimannError, match="'clt'"):
        input_groups(data, (*columns, "clt"))


def test_the_cli_prints_the_ranking_and_maps_mistakes_to_exit_2(explained, tmp_path):
    run_dir, _ = explained
    result = CliRunner().invoke(app, ["explain", str(run_dir), "--out", str(tmp_path / "cli"), "--repeats", "1",
                                      "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "1. signal" in result.output and "3. noise" in result.output
    assert "over 1 repeat 1. signal" in " ".join(result.output.split())  # not "1 repeats"
    assert "correlated" not in result.output  # signal, noise and lat are independent
    assert json.loads((tmp_path / "cli" / "importance.json").read_text())["seed"] == 3
    missing = CliRunner().invoke(app, ["explain", str(tmp_path / "nothing")])
    assert missing.exit_code == 2
    assert missing.output.strip().startswith("climann: error:") and missing.output.strip().count("\n") == 0
    bad = CliRunner().invoke(app, ["explain", str(run_dir), "--out", str(tmp_path / "x"), "--repeats", "0"])
    assert bad.exit_code == 2 and "--repeats" in bad.output


@pytest.fixture(scope="module")
def explained_anomaly(tmp_path_factory):
    """A ``[data] target_anomaly`` run on the file with a 10 K annual cycle."""
    folder = tmp_path_factory.mktemp("explain-anomaly")
    data = write_signal_and_noise(folder / "seasonal.nc", seasonal=10.0)
    config = build_config({
        "data": {"paths": [str(data)], "target": "tas", "predictors": ["signal", "noise"], "features": ["lat"],
                 "target_anomaly": True},
        "model": {"hidden": [16]}, "training": {"epochs": 15, "batch_size": 64, "learning_rate": 0.01},
        "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=folder / "run").run_dir
    return data, run_dir, explain_run(run_dir, repeats=3, seed=2, dpi=LOW_DPI)


def _hand_importance(data, run_dir, result, *, seed):
    """NumPy: the network on the test block's inputs, with the scalers of model.npz, plus the
    training years' monthly mean of tas per cell (from the file and the split of predictions.nc),
    scored against the file's tas with cos(lat) weights; each input permuted as explain draws it."""
    network = Network.load(run_dir / "model.npz")
    meta = network.metadata
    block = read_test_block(load_run(run_dir))
    with xr.open_dataset(data, decode_times=TIME) as source, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        train = run["split"].values == 1
        tas = source["tas"].transpose("time", "lat", "lon").values.astype(np.float64)
        months = np.array([time.month for time in source["time"].values])
        lat = source["lat"].values
    climatology = np.stack([tas[train & (months == month)].mean(axis=0) for month in range(1, 13)])
    steps, cells = np.divmod(block.flat_index, N_LAT * N_LON)
    offset = climatology.reshape(12, -1)[months[steps] - 1, cells]
    truth = tas.reshape(len(months), -1)[steps, cells]
    weights = np.cos(np.deg2rad(lat)).repeat(N_LON)[cells]

    def mse(inputs):
        scaled = (inputs - np.array(meta["input_scaling"]["mean"])) / np.array(meta["input_scaling"]["std"])
        output = network.predict(scaled.astype(network.dtype))[:, 0].astype(np.float64)
        predicted = output * meta["target_scaling"]["std"][0] + meta["target_scaling"]["mean"][0] + offset
        return np.sum(weights * (predicted - truth) ** 2) / np.sum(weights)

    baseline, rng, increases = mse(block.inputs), np.random.default_rng(seed), {}
    for name in result.input_names:
        columns = next(entry["columns"] for entry in result.importance["inputs"] if entry["name"] == name)
        indices = [block.feature_names.index(column) for column in columns]
        increases[name] = []
        for _ in range(result.importance["repeats"]):
            shuffled = block.inputs.copy()
            shuffled[:, indices] = block.inputs[rng.permutation(len(truth))][:, indices]
            increases[name].append(mse(shuffled) - baseline)
    return baseline, increases


def test_an_anomaly_runs_importance_scores_the_climatology_plus_the_network_by_hand(explained_anomaly):
    data, run_dir, result = explained_anomaly
    baseline, increases = _hand_importance(data, run_dir, result, seed=2)
    # the saved climatology is float32 (≈ 1e-5 K from the float64 mean): MSEs agree to ~1e-6 K²
    assert result.importance["baseline_mse"] == pytest.approx(baseline, rel=1e-5)
    for entry in result.importance["inputs"]:
        np.testing.assert_allclose(entry["mse_increase"], increases[entry["name"]], rtol=1e-4, atol=1e-5)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert result.importance["baseline_mse"] == pytest.approx(metrics["splits"]["test"]["model"]["mse"], rel=1e-9)


def test_an_anomaly_run_still_ranks_the_source_variable_first(explained_anomaly):
    _, _, result = explained_anomaly
    ranked = result.importance["inputs"]
    assert [entry["name"] for entry in ranked][0] == "signal"
    assert ranked[0]["mse_increase_mean"] > 5.0  # 3 signal: 9 K² of variance
    assert abs(ranked[-1]["mse_increase_mean"]) < 0.01 * ranked[0]["mse_increase_mean"]


def test_an_anomaly_runs_partial_dependence_is_the_anomaly_the_network_adds(explained_anomaly):
    _, run_dir, result = explained_anomaly
    dependence = result.partial_dependence
    assert dependence["quantity"] == "anomaly"
    signal = next(curve for curve in dependence["predictors"] if curve["name"] == "signal")
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        n_train_years = int((run["split"].values == 1).sum()) // 12
    # the climatology of n training years holds 1/n of each training year's 3 signal, so the
    # anomaly the network learns is 3 (signal − its n-year mean): slope 3 (1 − 1/n) in training
    slope = np.polyfit(signal["grid"], signal["average"], 1)[0]
    assert slope == pytest.approx(3.0 * (1 - 1 / n_train_years), rel=0.15)
    # the anomaly, about 0 at signal = 0; the full prediction would be near 280 K
    assert abs(np.interp(0.0, signal["grid"], signal["average"])) < 1.0
    block = read_test_block(load_run(run_dir))
    inputs = block.inputs.copy()
    inputs[:, block.feature_names.index("signal")] = signal["grid"][3]
    output = network_predictor(load_run(run_dir))(inputs)  # without the climatology
    assert signal["average"][3] == pytest.approx(np.average(output, weights=block.weights), rel=1e-9)
    assert (result.out / "partial_dependence.png").stat().st_size > 0


def test_a_plain_runs_partial_dependence_is_of_the_prediction(explained):
    _, result = explained
    assert result.partial_dependence["quantity"] == "prediction"


def test_a_variable_only_lagged_gets_the_partial_dependence_on_its_shortest_lag(tmp_path):
    """The target's own past (no information here: signal is independent from month to month)."""
    data = write_signal_and_noise(tmp_path / "lagged.nc")
    config = build_config({
        "data": {"paths": [str(data)], "target": "tas", "predictors": ["signal"], "features": ["lat"],
                 "lags": {"tas": [1, 2]}},
        "model": {"hidden": [8]}, "training": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01},
        "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    result = explain_run(run_dir, repeats=1, dpi=LOW_DPI)
    curves = {curve["name"]: curve for curve in result.partial_dependence["predictors"]}
    assert list(curves) == ["signal", "tas_lag1", "lat"]
    assert curves["tas_lag1"]["units"] == "K"
    tas = next(entry for entry in result.importance["inputs"] if entry["name"] == "tas_lag1+tas_lag2")
    assert tas["columns"] == ["tas_lag1", "tas_lag2"]


def test_a_station_run_is_explained_without_importance_maps(tmp_path, caplog):
    """A grid of one cell: each importance map would be one square of one colour (the bar's
    value), so it is left out, with one line saying why, as a station run's own maps are."""
    import logging

    whole = write_signal_and_noise(tmp_path / "grid.nc")
    with xr.open_dataset(whole, decode_times=TIME) as dataset:
        dataset.isel(lat=[2], lon=[3]).load().to_netcdf(tmp_path / "station.nc")
    config = build_config({
        "data": {"paths": [str(tmp_path / "station.nc")], "target": "tas", "predictors": ["signal", "noise"]},
        "model": {"hidden": [4]}, "training": {"epochs": 3, "batch_size": 8}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with caplog.at_level(logging.INFO, logger="climann"):
        result = explain_run(run_dir, repeats=2, seed=1, dpi=LOW_DPI)
    assert [path.name for path in result.figures] == ["importance.png", "partial_dependence.png"]
    assert sorted(path.name for path in result.out.iterdir()) == sorted(
        name for name in EXPLAIN_FILES if name != "importance_maps.png")
    assert "no importance maps: the grid is one cell (15°S, 157.5°E), whose MSE increase per input is " \
           "importance.png's" in caplog.messages
    assert result.maps.shape == (len(result.input_names), 1, 1)


def _last_year_warmer(path, kelvin):
    """The file corrected in place, as a user fixing it would: its last year ``kelvin`` warmer
    (netCDF4 in another process, so that no HDF5 handle of this one is on the file)."""
    import os
    import subprocess
    import sys

    code = ("import netCDF4, sys; nc = netCDF4.Dataset(sys.argv[1], 'a'); v = nc['tas']; x = v[:]; "
            f"x[-12:] += {kelvin}; v[:] = x; nc.close()")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                   env={**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE"})


@pytest.fixture
def small_run(tmp_path):
    data = write_signal_and_noise(tmp_path / "signal_noise.nc")
    config = build_config({
        "data": {"paths": [str(data)], "target": "tas", "predictors": ["signal", "noise"]},
        "model": {"hidden": [4]}, "training": {"epochs": 2, "batch_size": 64}, "evaluation": {"figures": False},
    })
    return data, run_training(config, run_dir=tmp_path / "run").run_dir


def test_an_input_changed_since_training_is_said_and_recorded_as_evaluate_does(small_run, tmp_path, caplog):
    """explain said nothing, and filed the changed data's MSE as 'the run's own test score'."""
    import logging

    from climann.workflow.predict import evaluate_run

    data, run_dir = small_run
    trained_mse = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["model"]["mse"]
    _last_year_warmer(data, 3.0)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = explain_run(run_dir, repeats=1, seed=1, dpi=LOW_DPI)
    line = (f"{data.resolve()} changed since the run was trained (sha256 differs from provenance.json): the scores "
            "are of the file as it is now")
    assert [message for message in caplog.messages if "changed since" in message] == [line]
    changed = [{"path": str(data.resolve()), "change": "sha256 differs from provenance.json"}]
    for name in ("importance.json", "partial_dependence.json"):
        written = json.loads((result.out / name).read_text())
        assert written["changed_inputs"] == changed and list(written)[-1] == "changed_inputs"
    # the unpermuted MSE is that of the file as it is now (evaluate's own sums), not the run's
    now = evaluate_run(run_dir, out=tmp_path / "again")["splits"]["test"]["model"]["mse"]
    assert result.importance["baseline_mse"] == pytest.approx(now, rel=1e-6)
    assert abs(result.importance["baseline_mse"] - trained_mse) > 1.0  # 3 K on the test year: about 9 K² more


def test_an_input_gone_since_training_is_refused_in_one_line(small_run, tmp_path):
    data, run_dir = small_run
    data.rename(tmp_path / "moved.nc")
    with pytest.raises(ClimannError) as refused:
        explain_run(run_dir, repeats=1, seed=1)
    assert str(refused.value) == (f"{data.resolve()} is missing: the run was trained on it (provenance.json); put it "
                                  "back")
    assert not (run_dir / "explain").exists()


def test_strongly_correlated_inputs_are_named_under_the_ranking_and_recorded(tmp_path):
    """A predictor and its near copy (break22c F3): permuting one forces the network to
    extrapolate, which one line under the ranking and importance.json say, with numpy's r."""
    data = write_signal_and_noise(tmp_path / "twins.nc")
    with xr.open_dataset(data) as source:
        twins = source.load()
    twins["twin"] = twins["signal"] + 0.2 * twins["noise"]
    twins["twin"].attrs = {"units": "W m-2", "long_name": "signal again"}
    twins.to_netcdf(tmp_path / "with_twin.nc")
    config = build_config({
        "data": {"paths": [str(tmp_path / "with_twin.nc")], "target": "tas", "predictors": ["signal", "twin"],
                 "features": ["lat"]},
        "model": {"hidden": [8]}, "training": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01},
        "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    result = CliRunner().invoke(app, ["explain", str(run_dir), "--repeats", "2"])
    assert result.exit_code == 0, result.output
    importance = json.loads((run_dir / "explain" / "importance.json").read_text())
    block = read_test_block(load_run(run_dir))
    columns = list(block.feature_names)
    signal, twin = block.inputs[:, columns.index("signal")], block.inputs[:, columns.index("twin")]
    covariance = np.cov(np.stack([signal, twin]).astype(np.float64), aweights=block.weights)
    r = covariance[0, 1] / np.sqrt(covariance[0, 0] * covariance[1, 1])
    [pair] = importance["correlated_inputs"]
    assert pair["inputs"] == ["signal", "twin"] and pair["columns"] == ["signal", "twin"]
    assert pair["r"] == pytest.approx(r, rel=1e-6) and r > 0.95
    text = " ".join(result.output.split())  # the terminal's wrapping undone
    note = text.index(f"note: signal and twin (r = {r:.2f}) are strongly correlated on the test block (|r| > 0.8)")
    assert text.index(" 3. ") < note < text.index("figure:")  # under the ranking


def test_the_note_on_many_correlated_pairs_names_the_strongest_three_and_counts_the_others():
    """break40a A7: explain on soil temperatures at five depths listed all 15 correlated pairs
    in one note line. The note names the three strongest pairs (importance.json lists them
    strongest first) and counts the others with the range of their |r|, every number as the
    pairs hold it."""
    from climann.workflow.explain import correlated_inputs_line

    depths = ["T0m", "T1m", "T2m", "T5m", "T10m"]
    pairs = [[first, second] for index, first in enumerate(depths) for second in depths[index + 1:]]
    pairs += [[depth, "lat"] for depth in depths]
    r_values = np.linspace(0.999, 0.85, len(pairs)) * np.where(np.arange(len(pairs)) % 4 == 3, -1, 1)
    entries = sorted(({"inputs": pair, "columns": [0, 1], "r": float(r)} for pair, r in zip(pairs, r_values)),
                     key=lambda entry: -abs(entry["r"]))
    line = correlated_inputs_line({"correlated_inputs": entries})
    named = ", ".join(f"{a} and {b} (r = {e['r']:.2f})" for e in entries[:3] for a, b in [e["inputs"]])
    rest = np.abs([entry["r"] for entry in entries[3:]])
    assert line.startswith(f"note: {named} and 12 more pairs (|r| = {rest.min():.2f} to {rest.max():.2f}; all 15 "
                           "in importance.json, correlated_inputs) are strongly correlated on the test block")
    assert line.count(" and ") == 3 + 1
    one_more = correlated_inputs_line({"correlated_inputs": entries[:4]})
    assert f"and 1 more pair (|r| = {abs(entries[3]['r']):.2f}; all 4 in importance.json" in one_more

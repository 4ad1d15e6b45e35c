"""``[data] target_anomaly``: the network learns y − the training years' climatology, and the
predictions add it back (in the target's units), in training, ``predict`` and ``evaluate --data``."""

import dataclasses
import json
import logging
import shutil

import numpy as np
import pytest
import xarray as xr

from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run, load_run, predict_files
from climann.workflow.preparation import prepare_data, resolve_inputs
from climann.workflow.unscored_anomalies import UNDEFINED_ANOMALY_REASONS
from tests.conftest import without_model_record

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


def _config(sample, **data):
    return build_config({
        "data": {"paths": [str(sample)], "predictors": ["clt"], "features": ["lat", "season"], **data},
        "model": {"hidden": [8]}, "training": {"epochs": 2, "batch_size": 256},
        "evaluation": {"figures": False},
    })


@pytest.fixture(scope="module")
def anomaly_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("target-anomaly")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = _config(sample, target_anomaly=True)
    return folder, sample, config, run_training(config, run_dir=folder / "run").run_dir


def _training_climatology(sample, run_dir):
    """NumPy: the mean of tas over the training years' steps of each calendar month, per cell."""
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run, \
            xr.open_dataset(sample, decode_times=TIME) as source:
        train = run["split"].values == 1  # flag_meanings "train val test" = 1, 2, 3
        tas = source["tas"].transpose("time", "lat", "lon").values.astype(np.float64)
        months = np.array([t.month for t in source["time"].values])
        assert np.array_equal(source["lat"].values, run["lat"].values)  # the same cell order
    climatology = np.stack([tas[train & (months == m)].mean(axis=0) for m in range(1, 13)])
    return climatology, months


def test_the_saved_climatology_is_the_training_years_monthly_mean(anomaly_run):
    _, sample, _, run_dir = anomaly_run
    expected, _ = _training_climatology(sample, run_dir)
    record = load_run(run_dir).network.metadata["target_climatology"]
    assert record["per"] == "calendar month" and record["shape"] == [12, *expected.shape[1:]]
    saved = np.array(record["values"], dtype=np.float64).reshape(record["shape"])
    np.testing.assert_allclose(saved, expected, rtol=1e-6)


def test_predictions_are_the_climatology_plus_the_network_output(anomaly_run):
    _, sample, config, run_dir = anomaly_run
    climatology, months = _training_climatology(sample, run_dir)
    network = Network.load(run_dir / "model.npz")
    scaling = network.metadata["target_scaling"]
    data = prepare_data(resolve_inputs(config))
    output = network.predict(data.scaled_inputs)[:, 0] * scaling["std"][0] + scaling["mean"][0]
    layout = data.samples.layout
    steps, cells = data.samples.flat_index // layout.n_cells, data.samples.flat_index % layout.n_cells
    expected = climatology.reshape(12, -1)[months[steps] - 1, cells] + output
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        written = run["tas_pred"].values.reshape(-1)[data.samples.flat_index]
        climatology_baseline = run["tas_climatology"].values
    np.testing.assert_allclose(written, expected, rtol=1e-6, atol=1e-4)
    # the network does not just return the climatology: its output (the anomaly) varies
    assert np.std(output) > 0.01
    np.testing.assert_allclose(climatology_baseline, climatology[months - 1], rtol=1e-6)


def test_predict_on_the_training_file_reproduces_the_runs_predictions(anomaly_run, tmp_path):
    _, sample, _, run_dir = anomaly_run
    result = predict_files(run_dir, [str(sample)], tmp_path / "again.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as again, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as original:
        np.testing.assert_allclose(again["tas_pred"].values, original["tas_pred"].values, rtol=1e-6, atol=0)


def test_evaluate_on_other_data_adds_the_saved_climatology_and_scores_an_acc(anomaly_run, tmp_path):
    folder, sample, _, run_dir = anomaly_run
    # other years of the same model world: their own climatology differs from the training years'
    other = write_sample_dataset(folder / "other.nc", years=3, resolution=15.0, seed=11)
    metrics = evaluate_run(run_dir, [str(other)], tmp_path / "out")
    predicted = predict_files(run_dir, [str(other)], tmp_path / "other_pred.nc").path
    climatology, _ = _training_climatology(sample, run_dir)
    with xr.open_dataset(tmp_path / "out" / "predictions.nc", decode_times=TIME) as scored, \
            xr.open_dataset(predicted, decode_times=TIME) as direct:
        np.testing.assert_allclose(scored["tas_pred"].values, direct["tas_pred"].values, rtol=1e-6)
        months = np.array([t.month for t in scored["time"].values])
        truth, pred = scored["tas"].values.astype(np.float64), scored["tas_pred"].values.astype(np.float64)
    # the ACCs of each step against the saved (training) climatology, mean over steps
    centred, uncentred = _hand_accs(other, truth, pred, climatology, months)
    assert metrics["splits"]["all"]["model"]["acc"] == pytest.approx(centred, abs=1e-4)
    assert metrics["splits"]["all"]["model"]["acc_uncentred"] == pytest.approx(uncentred, abs=1e-4)


def _hand_accs(path, truth, pred, climatology, months):
    """The mean over the steps of the area-weighted ACC against the training climatology:
    centred (Wilks) and uncentred (WeatherBench 2), written out in NumPy."""
    with xr.open_dataset(path) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    weights = np.broadcast_to(np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))[:, None], truth.shape[1:])
    centred, uncentred = [], []
    for step in range(truth.shape[0]):
        present = np.isfinite(truth[step]) & np.isfinite(pred[step])
        w = weights[present]
        a = truth[step][present] - climatology[months[step] - 1][present]
        f = pred[step][present] - climatology[months[step] - 1][present]
        uncentred.append(np.sum(w * a * f) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
        a, f = a - np.sum(w * a) / w.sum(), f - np.sum(w * f) / w.sum()
        centred.append(np.sum(w * a * f) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
    return np.mean(centred), np.mean(uncentred)


def test_a_warmer_scenario_the_network_misses_changes_the_uncentred_acc_only(anomaly_run, tmp_path):
    """`evaluate --data` of a file 2 K warmer than the one before with the same predictors: the
    network predicts what it did, so it misses the whole warming. The centred ACC removes each
    step's area mean and stays; the uncentred ACC (WeatherBench 2's) counts it. (Whether it
    drops depends on the sign of the network's own mean anomaly here, 0.15 → 0.20 on this small
    run; an unbiased prediction's drops: tests/evaluation/test_scores.py.)"""
    folder, sample, _, run_dir = anomaly_run
    other = write_sample_dataset(folder / "other_for_shift.nc", years=3, resolution=15.0, seed=11)
    with xr.open_dataset(other) as source:
        warmer = source.load()
    warmer["tas"] = warmer["tas"] + np.float32(2.0)
    warmer["tas"].attrs = dict(source["tas"].attrs)
    warmer.to_netcdf(folder / "warmer.nc")
    before = evaluate_run(run_dir, [str(other)], tmp_path / "before")["splits"]["all"]["model"]
    after = evaluate_run(run_dir, [str(folder / "warmer.nc")], tmp_path / "after")["splits"]["all"]["model"]
    climatology, _ = _training_climatology(sample, run_dir)
    with xr.open_dataset(tmp_path / "after" / "predictions.nc", decode_times=TIME) as scored:
        months = np.array([t.month for t in scored["time"].values])
        truth, pred = scored["tas"].values.astype(np.float64), scored["tas_pred"].values.astype(np.float64)
    centred, uncentred = _hand_accs(folder / "warmer.nc", truth, pred, climatology, months)
    assert after["bias"] == pytest.approx(before["bias"] - 2.0, abs=1e-3)
    assert after["acc"] == pytest.approx(centred, abs=1e-4) and after["acc"] == pytest.approx(before["acc"], abs=1e-4)
    assert after["acc_uncentred"] == pytest.approx(uncentred, abs=1e-4)
    assert abs(after["acc_uncentred"] - before["acc_uncentred"]) > 0.03


def test_a_run_without_the_option_has_no_target_climatology(tmp_path):
    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=30.0, seed=3)
    config = resolve_inputs(_config(sample))
    data = prepare_data(config)
    assert data.target_offset is None and data.target_climatology is None
    # the network is trained on the standardised target itself, as before the option
    np.testing.assert_array_equal(data.scaled_target, data.target_scaler.transform(data.samples.target,
                                                                                    config.model.dtype))
    run_dir = run_training(dataclasses.replace(config), run_dir=tmp_path / "run").run_dir
    assert "target_climatology" not in load_run(run_dir).network.metadata


@pytest.mark.parametrize("settings, message", [
    ({"data": {"target_anomaly": True, "mode": "field", "predictors": ["clt"]}}, 'target_anomaly needs mode = "pointwise"'),
    ({"data": {"target_anomaly": True}, "compute": {"workers": 2}}, "cannot train on [data] target_anomaly"),
    ({"data": {"target_anomaly": "yes"}}, "target_anomaly"),
])
def test_configurations_the_option_cannot_serve_are_refused(settings, message):
    with pytest.raises(ClimannError, match=None) as error:
        build_config(settings)
    assert message in str(error.value)


def test_a_streamed_run_with_the_option_is_refused(tmp_path):
    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=30.0, seed=3)
    config = _config(sample, target_anomaly=True, in_memory_limit_gb=1e-6)
    with pytest.raises(ClimannError, match="target_anomaly needs the samples in memory"):
        run_training(config, run_dir=tmp_path / "run")


def test_a_training_block_of_one_year_has_no_anomaly_and_is_refused(tmp_path):
    # 3 years split 0.7/0.15/0.15 by whole years: a single training year, whose anomaly is 0
    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=30.0, seed=3)
    config = resolve_inputs(_config(sample, target_anomaly=True, split_years={"train": [1980, 1980], "val": [1981, 1981],
                                                                             "test": [1982, 1982]}))
    with pytest.raises(ClimannError, match="one training year per time of year leaves no anomaly"):
        prepare_data(config)


def test_explain_scores_a_target_anomaly_runs_full_prediction(anomaly_run, tmp_path):
    import json

    from climann.workflow.explain import explain_run

    _, _, _, run_dir = anomaly_run
    result = explain_run(run_dir, tmp_path / "explain", repeats=1, dpi=40)  # its figures are not looked at
    test_mse = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["model"]["mse"]
    # the climatology is added back before scoring: the unpermuted MSE is the run's own test score
    assert result.importance["baseline_mse"] == pytest.approx(test_mse, rel=1e-9)
    assert result.partial_dependence["quantity"] == "anomaly"


def _shifted(sample, path, **shift):
    """The sample with its latitudes or longitudes moved: the same grid size, other places,
    and so other cells' climatologies."""
    with xr.open_dataset(sample, decode_times=TIME) as source:
        moved = source.load()
    for name, degrees in shift.items():
        moved = moved.assign_coords({name: moved[name] + degrees})
        moved[f"{name}_bnds"] = moved[f"{name}_bnds"] + degrees
    moved.to_netcdf(path)
    return path


@pytest.mark.parametrize("shift", [{"lat": 5.0}, {"lon": 5.0}], ids=["lat", "lon"])
def test_data_on_a_grid_of_the_same_size_elsewhere_are_refused(anomaly_run, tmp_path, shift):
    """The climatology is per training cell: added to the cells of another place it would be
    wrong at every cell, so predict and evaluate --data refuse (not a note and exit 0). The
    axes move by a third of a cell: a whole cell would take the global grid beyond 90°,
    refused before (a latitude outside −90…90), and whole cells of longitude are the same
    cells in another order (aligned by value)."""
    folder, sample, _, run_dir = anomaly_run
    with xr.open_dataset(sample) as source:
        assert (np.diff(source["lat"].values) == 15.0).all() and source["lat"].values.max() + 5.0 < 90.0
    moved = _shifted(sample, tmp_path / "moved.nc", **shift)
    refusal = "adds back its training climatology cell by cell, at training cells only: the data's (lat|lon) "
    with pytest.raises(ClimannError, match=refusal):
        predict_files(run_dir, [str(moved)], tmp_path / "moved_pred.nc")
    with pytest.raises(ClimannError, match="regrid the data to the training grid"):
        evaluate_run(run_dir, [str(moved)], tmp_path / "moved_eval")
    assert not (tmp_path / "moved_pred.nc").exists()


def _flipped(sample, path):
    """The sample's cells in another order and longitude convention, as ERA5 holds them:
    latitude north to south, longitude −180…180 (its bounds with it)."""
    with xr.open_dataset(sample, decode_times=TIME) as source:
        data = source.load()
    shift = np.where(data["lon"].values > 180.0, -360.0, 0.0)
    data["lon_bnds"] = data["lon_bnds"] + shift[:, None]
    data = data.assign_coords(lon=data["lon"] + shift)
    data.sortby("lon").isel(lat=slice(None, None, -1)).to_netcdf(path)
    return path


def _in_training_order(predictions: xr.Dataset) -> xr.Dataset:
    """Independently of climann: latitude south to north, longitude 0…360, ascending."""
    return predictions.assign_coords(lon=predictions["lon"] % 360.0).sortby("lat").sortby("lon")


def test_the_training_grid_flipped_is_aligned_by_value_and_predicted_as_the_training_grid(anomaly_run, tmp_path,
                                                                                           caplog):
    """North-to-south, −180…180 data on the training cells: each cell gets its own training
    climatology, so the predictions are those of the training file's cells, exactly (before,
    refused with advice to regrid; adding the climatologies by position would put each row's
    on its mirror row, up to 9 K off on OSTIA)."""
    _, sample, _, run_dir = anomaly_run
    flipped = _flipped(sample, tmp_path / "flipped.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        aligned = predict_files(run_dir, [str(flipped)], tmp_path / "flipped_pred.nc").path
    as_trained = predict_files(run_dir, [str(sample)], tmp_path / "pred.nc").path
    with xr.open_dataset(aligned, decode_times=TIME) as got, xr.open_dataset(as_trained, decode_times=TIME) as want:
        got = _in_training_order(got.load())
        np.testing.assert_array_equal(got["lat"].values, want["lat"].values)
        np.testing.assert_array_equal(got["lon"].values, want["lon"].values)
        np.testing.assert_array_equal(got["tas_pred"].values, want["tas_pred"].values)
    said = [record.getMessage() for record in caplog.records if "another order" in record.getMessage()]
    assert said == ["flipped.nc holds the training grid's cells in another order (lat, lon): aligned by value to "
                    "the training grid, whose order the output takes"]
    scores_flipped = evaluate_run(run_dir, [str(flipped)], tmp_path / "flipped_eval")
    scores = evaluate_run(run_dir, [str(sample)], tmp_path / "eval")
    assert scores_flipped["splits"]["all"]["model"] == pytest.approx(scores["splits"]["all"]["model"], rel=1e-12)


def _as_nemo(sample, path):
    """The sample's cells in their training order on NEMO's ``y``/``x`` dimensions, placed by 2-D
    ``nav_lat``/``nav_lon`` (no 1-D coordinate, no bounds)."""
    with xr.open_dataset(sample, decode_times=TIME) as source:
        data = source.load()
    lat, lon = np.meshgrid(data["lat"].values, data["lon"].values, indexing="ij")
    data = data.drop_vars([name for name in data.variables if name.endswith("_bnds")]).rename(lat="y", lon="x")
    data = data.drop_vars(["y", "x"]).assign_coords(
        nav_lat=(("y", "x"), lat, {"units": "degrees_north", "standard_name": "latitude"}),
        nav_lon=(("y", "x"), lon, {"units": "degrees_east", "standard_name": "longitude"}))
    for name in data.data_vars:
        data[name].attrs.pop("cell_measures", None)
    data.to_netcdf(path)
    return path


def test_2d_coordinates_in_the_training_order_are_not_said_to_be_in_another_order(anomaly_run, tmp_path, caplog):
    """verify28 V9: NEMO-like data whose cells are in the training order were said to hold them "in
    another order (y, x): aligned by value": their index dimensions were compared with the training
    latitudes and longitudes. Nothing is moved: no warning, and the predictions are those of the
    training file's cells."""
    _, sample, _, run_dir = anomaly_run
    nemo = _as_nemo(sample, tmp_path / "nemo.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        got = predict_files(run_dir, [str(nemo)], tmp_path / "nemo_pred.nc").path
    assert not [record.getMessage() for record in caplog.records if "another order" in record.getMessage()]
    want = predict_files(run_dir, [str(sample)], tmp_path / "pred.nc").path
    with xr.open_dataset(got, decode_times=TIME) as got, xr.open_dataset(want, decode_times=TIME) as want:
        assert np.isfinite(want["tas_pred"].values).sum() > 1000
        np.testing.assert_array_equal(got["tas_pred"].values, want["tas_pred"].values)


def test_a_model_file_without_its_grid_axes_refuses_the_flipped_grid_with_the_way_to_reorder(anomaly_run, tmp_path):
    """A run trained before the grid's axes were recorded cannot align by value: refused, as before."""
    _, sample, _, run_dir = anomaly_run
    old = shutil.copytree(run_dir, tmp_path / "old_run")
    network = Network.load(old / "model.npz")
    network.save(old / "model.npz", metadata={key: value for key, value in network.metadata.items()
                                              if key != "grid_axes"})
    without_model_record(old)  # an older climann's run names no model
    with xr.open_dataset(sample) as source:
        source.load().isel(lat=slice(None, None, -1)).to_netcdf(tmp_path / "flipped.nc")
    with pytest.raises(ClimannError, match=r"first cell at lat, lon 82\.5, .*: put them in the training order"):
        predict_files(old, [str(tmp_path / "flipped.nc")], tmp_path / "flipped_pred.nc")


def _region(sample, path, *, moved_latitude=None):
    """A box cut from the sample as another product holds it: latitude 52.5…−22.5 north to
    south, longitude −37.5…37.5 (−180…180, across 0°), the training cells at their own
    coordinates; ``moved_latitude``: that row put a third of a cell north (no training row)."""
    with xr.open_dataset(sample, decode_times=TIME) as source:
        data = source.load()
    shift = np.where(data["lon"].values > 180.0, -360.0, 0.0)
    data["lon_bnds"] = data["lon_bnds"] + shift[:, None]
    data = data.assign_coords(lon=data["lon"] + shift).sortby("lon")
    box = data.sel(lat=slice(-25.0, 55.0), lon=slice(-40.0, 40.0)).isel(lat=slice(None, None, -1))
    if moved_latitude is not None:
        box = box.assign_coords(lat=np.where(box["lat"].values == moved_latitude, moved_latitude + 5.0,
                                             box["lat"].values))
        box["lat_bnds"] = box["lat_bnds"] + np.where(box["lat"].values == moved_latitude + 5.0, 5.0, 0.0)[:, None]
    box.to_netcdf(path)
    return path


def _at_cells(whole: xr.DataArray, box: xr.Dataset) -> np.ndarray:
    """Independently of climann: the whole grid's values at the box's cells (longitude 0…360)."""
    return whole.sel(lat=box["lat"].values, lon=box["lon"].values % 360.0).values


def test_a_region_cut_from_the_training_grid_is_predicted_with_its_cells_climatology(anomaly_run, tmp_path):
    """A box of training cells, in another order and longitude convention, takes the saved
    climatology of its own cells: its predictions are the whole grid's at those cells, and the
    output keeps the box's grid (before, refused with advice to regrid)."""
    _, sample, _, run_dir = anomaly_run
    region = _region(sample, tmp_path / "region.nc")
    got = predict_files(run_dir, [str(region)], tmp_path / "region_pred.nc").path
    want = predict_files(run_dir, [str(sample)], tmp_path / "pred.nc").path
    with xr.open_dataset(got, decode_times=TIME) as box, xr.open_dataset(want, decode_times=TIME) as whole:
        np.testing.assert_array_equal(box["lat"].values, [52.5, 37.5, 22.5, 7.5, -7.5, -22.5])
        np.testing.assert_array_equal(box["lon"].values, [-37.5, -22.5, -7.5, 7.5, 22.5, 37.5])
        expected = _at_cells(whole["tas_pred"], box)
        assert np.isfinite(expected).sum() > 1000
        np.testing.assert_allclose(box["tas_pred"].values, expected, rtol=0, atol=1e-4)  # float32 round-off


def _hand_scores(truth: np.ndarray, predicted: np.ndarray, climatology: np.ndarray, lat_bnds: np.ndarray,
                 lon_bnds: np.ndarray) -> dict:
    """NumPy: area-weighted MSE and bias over the values present in both, (sin φ₂ − sin φ₁)·Δλ
    weights, and the mean over time steps of the area-weighted centred anomaly correlation."""
    area = (np.abs(np.diff(np.sin(np.deg2rad(lat_bnds)), axis=1)) * np.abs(np.diff(lon_bnds, axis=1)).T)
    weights = np.where(np.isfinite(truth) & np.isfinite(predicted), area, 0.0)
    error = np.nan_to_num(predicted - truth)
    accs = []
    for w, f, o in zip(weights, predicted - climatology, truth - climatology):
        if (w > 0).sum() < 2:
            continue
        f, o = np.nan_to_num(f - np.sum(w * np.nan_to_num(f)) / w.sum()), np.nan_to_num(o - np.sum(w * np.nan_to_num(o)) / w.sum())
        accs.append(np.sum(w * f * o) / np.sqrt(np.sum(w * f * f) * np.sum(w * o * o)))
    return {"mse": np.sum(weights * error**2) / weights.sum(), "bias": np.sum(weights * error) / weights.sum(),
            "n_samples": int((weights > 0).sum()), "acc": float(np.mean(accs))}


def test_evaluate_on_a_region_cut_from_the_training_grid_scores_its_cells(anomaly_run, tmp_path):
    """evaluate --data on the box: MSE, bias, n and the ACC (against the training climatology of
    the box's cells) equal a hand computation from the whole grid's predictions at those cells."""
    _, sample, _, run_dir = anomaly_run
    region = _region(sample, tmp_path / "region.nc")
    metrics = evaluate_run(run_dir, [str(region)], tmp_path / "region_eval")
    whole = predict_files(run_dir, [str(sample)], tmp_path / "pred.nc").path
    climatology, _ = _training_climatology(sample, run_dir)
    with xr.open_dataset(whole, decode_times=TIME) as predicted, xr.open_dataset(region, decode_times=TIME) as box:
        months = np.array([t.month for t in box["time"].values])
        on_grid = xr.DataArray(climatology[months - 1], dims=("time", "lat", "lon"),
                               coords={"lat": predicted["lat"], "lon": predicted["lon"]})
        expected = _hand_scores(box["tas"].transpose("time", "lat", "lon").values.astype(np.float64),
                                _at_cells(predicted["tas_pred"], box).astype(np.float64), _at_cells(on_grid, box),
                                box["lat_bnds"].values, box["lon_bnds"].values)
    scored = metrics["splits"]["all"]["model"]
    assert scored["n_samples"] == expected["n_samples"] > 1000
    for name in ("mse", "bias", "acc"):
        assert scored[name] == pytest.approx(expected[name], rel=1e-4, abs=1e-6), name


def test_a_region_with_a_row_that_is_no_training_row_is_refused_naming_it(anomaly_run, tmp_path):
    """One row of the box 5° off the training rows: its cells have no training climatology, so
    predict and evaluate --data refuse in one line naming the row and the way out."""
    _, sample, _, run_dir = anomaly_run
    region = _region(sample, tmp_path / "region.nc", moved_latitude=7.5)
    message = (r"^this run's \[data\] target_anomaly adds back its training climatology cell by cell, at training "
               r"cells only: the data's lat 12\.5 \(1 of 6 rows\) is not on the training grid \(12×24, lat "
               r"-82\.5…82\.5, lon 7\.5…352\.5\): regrid the data to the training grid \(e\.g\. cdo remapcon\), cut them "
               r"to training cells, or retrain on their grid$")
    with pytest.raises(ClimannError, match=message):
        predict_files(run_dir, [str(region)], tmp_path / "region_pred.nc")
    with pytest.raises(ClimannError, match=message):
        evaluate_run(run_dir, [str(region)], tmp_path / "region_eval")
    assert not (tmp_path / "region_pred.nc").exists()


def _named_as_era5(path, renamed):
    """The file with its axes named ``latitude``/``longitude``, as ERA5, E-OBS and most
    observational products name them (their values, attributes and bounds as they were)."""
    with xr.open_dataset(path, decode_times=TIME) as source:
        source.load().rename({"lat": "latitude", "lon": "longitude"}).to_netcdf(renamed)
    return renamed


@pytest.mark.parametrize("cells", [pytest.param(_flipped, id="training-grid-flipped-and-180"),
                                   pytest.param(_region, id="region-cut-from-it")])
def test_axes_named_latitude_longitude_are_aligned_by_value_as_lat_lon(anomaly_run, tmp_path, cells):
    """The training cells (the whole grid in another order, or a box of it) in a file whose axes
    are ``latitude``/``longitude`` are the run's ``lat``/``lon`` cells: the same predictions and
    scores as the file with its axes named as in training (before, refused with advice to
    regrid, break28b A2)."""
    _, sample, _, run_dir = anomaly_run
    as_trained = cells(sample, tmp_path / "lat_lon.nc")
    era5 = _named_as_era5(as_trained, tmp_path / "era5.nc")
    got = predict_files(run_dir, [str(era5)], tmp_path / "era5_pred.nc").path
    want = predict_files(run_dir, [str(as_trained)], tmp_path / "lat_lon_pred.nc").path
    with xr.open_dataset(got, decode_times=TIME) as got, xr.open_dataset(want, decode_times=TIME) as want:
        assert got["tas_pred"].dims == ("time", "latitude", "longitude")  # the data's own names kept
        np.testing.assert_array_equal(got["latitude"].values, want["lat"].values)
        np.testing.assert_array_equal(got["longitude"].values, want["lon"].values)
        assert np.isfinite(want["tas_pred"].values).sum() > 1000
        np.testing.assert_array_equal(got["tas_pred"].values, want["tas_pred"].values)
    scores = evaluate_run(run_dir, [str(era5)], tmp_path / "era5_eval")["splits"]["all"]["model"]
    expected = evaluate_run(run_dir, [str(as_trained)], tmp_path / "lat_lon_eval")["splits"]["all"]["model"]
    assert scores["n_samples"] == expected["n_samples"] > 1000
    assert scores["mse"] == pytest.approx(expected["mse"], rel=1e-12)


# Daily data in other calendars (the 09_anomcal case): a run trained on noleap years looks its
# climatology per day of year up at the same fraction of the year for 360_day and leap years.
DAILY_LAT, DAILY_LON = np.array([-30.0, 0.0, 30.0]), np.array([0.0, 90.0, 180.0, 270.0])


def _daily(path, calendar, years, seed):
    """Daily tas and rsdt on a 3×4 grid whose seasonal cycle (15 K) follows the fraction of the year."""
    import datetime

    import cftime

    rng = np.random.default_rng(seed)
    times = []
    for year in years:
        day = cftime.datetime(year, 1, 1, 12, calendar=calendar)
        while day.year == year:
            times.append(day)
            day = day + datetime.timedelta(days=1)
    fraction = np.array([(t.dayofyr - 0.5) / (360 if calendar == "360_day" else 366 if cftime.is_leap_year(
        t.year, calendar) else 365) for t in times])
    shape = (len(times), DAILY_LAT.size, DAILY_LON.size)
    rsdt = 300 + 100 * np.cos(2 * np.pi * (fraction - 0.47))[:, None, None] + rng.normal(0, 5, shape)
    tas = 285 + 15 * np.cos(2 * np.pi * (fraction - 0.55))[:, None, None] + rng.normal(0, 1, shape)
    xr.Dataset({"tas": (("time", "lat", "lon"), tas.astype("f4"), {"units": "K"}),
                "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
               coords={"time": ("time", np.array(times, dtype=object), {"standard_name": "time"}),
                       "lat": ("lat", DAILY_LAT, {"units": "degrees_north"}),
                       "lon": ("lon", DAILY_LON, {"units": "degrees_east"})}).to_netcdf(
        path, encoding={"time": {"units": f"days since {years[0]}-01-01", "calendar": calendar}})
    return path


def _daily_run(folder, calendar, years, *, window_days=61):
    sample = _daily(folder / f"train_{calendar}.nc", calendar, years, seed=9)
    config = build_config({"data": {"paths": [str(sample)], "target": "tas", "predictors": ["rsdt"],
                                    "target_anomaly": True},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 512},
                           "evaluation": {"figures": False, "climatology_window_days": window_days}})
    return sample, run_training(config, run_dir=folder / f"run_{calendar}").run_dir


@pytest.fixture(scope="module")
def noleap_daily_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("daily-anomaly")
    return (folder, *_daily_run(folder, "noleap", range(1990, 1994)))


@pytest.fixture(scope="module")
def standard_daily_run(tmp_path_factory):
    """Standard-calendar years 1997–2001, whose training years hold no leap year: one run for
    the tests of 31 December of a leap year, which only read it (they trained it once each).
    Unsmoothed (``climatology_window_days = 1``): the raw mean of day 366 has no training value,
    so 31 December of a leap year has no climatology; smoothed (the default), day 366 takes day
    365's (fix48h: these tests ran on the default and pinned day 366 as undefined, which it no
    longer is; :func:`test_a_leap_years_31_december_takes_the_smoothed_climatology_of_31_december`)."""
    return _daily_run(tmp_path_factory.mktemp("daily-standard"), "standard", range(1997, 2002), window_days=1)


def _daily_climatology(sample, run_dir):
    """NumPy: the training block's climatology of tas per day of year, shape (366, 3, 4): the
    sums of each day smoothed over WeatherBench 2's 61 days, cyclic over the days of the year
    trained on (:func:`~tests.evaluation.test_baselines.wb2_climatology_by_hand`). Day 366 without
    a leap year trained on: in a calendar with leap years day 365's (31 December of the other
    years, as WeatherBench 2 fills it; fix48h), NaN in noleap, whose years have no day 366."""
    from tests.evaluation.test_baselines import wb2_climatology_by_hand

    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run, \
            xr.open_dataset(sample, decode_times=TIME) as source:
        train = run["split"].values == 1
        tas = source["tas"].values.astype(np.float64)
        days = np.array([t.dayofyr for t in source["time"].values])
        calendar = source["time"].values[0].calendar
    n_days = 366 if (train & (days == 366)).any() else 365
    climatology = np.full((366, *tas.shape[1:]), np.nan)
    climatology[:n_days] = wb2_climatology_by_hand(tas, days - 1, train, window=61, n_days=n_days)
    if n_days == 365 and calendar not in ("noleap", "365_day"):
        climatology[365] = climatology[364]
    return climatology


def _network_anomaly(run_dir, path):
    """The network's output (the anomaly, in K) on the grid of ``path``, its inputs built
    without the option, so that no climatology is looked up for it."""
    from climann.workflow.predict import saved_scalers
    from climann.workflow.preparation import prepared_with_scalers

    run = load_run(run_dir)
    config = dataclasses.replace(run.config, data=dataclasses.replace(run.config.data, paths=(str(path),),
                                                                      target_anomaly=False))
    data = prepared_with_scalers(config, *saved_scalers(run), whole_period=True, units=run.input_units())
    scaling = run.network.metadata["target_scaling"]
    output = run.network.predict(data.scaled_inputs)[:, 0] * scaling["std"][0] + scaling["mean"][0]
    return data.samples.layout.to_grid(output.astype(np.float64), data.samples.flat_index)


def _year_aligned_days(path, calendar):
    """The day of year in ``calendar`` of each time of ``path`` at the same fraction of the year:
    xarray's convert_calendar(align_on="year") to or from 360_day, else round(d · N_clim / N_data)."""
    import cftime

    with xr.open_dataset(path, decode_times=TIME) as source:
        times = source["time"].values
        if "360_day" in (times[0].calendar, calendar):
            converted = source["tas"].convert_calendar(calendar, align_on="year", use_cftime=True)
            assert converted["time"].size == times.size  # nothing dropped: a 360_day year into a longer one
            return np.array([t.dayofyr for t in converted["time"].values])
    length = 366 if cftime.is_leap_year(times[0].year, times[0].calendar) else 365
    other = 366 if cftime.is_leap_year(times[0].year, calendar) else 365
    return np.round(np.array([t.dayofyr for t in times]) * other / length).astype(int)


@pytest.mark.parametrize("calendar", [pytest.param("360_day", id="360_day"),
                                      pytest.param("standard", id="leap-year")])
def test_daily_data_in_another_calendar_get_the_climatology_of_the_same_fraction_of_the_year(
        noleap_daily_run, tmp_path, caplog, calendar):
    """Predictions are the training climatology at the same fraction of the year plus the
    network's anomaly: a 360_day 30 December gets noleap's 31 December (not 26 December), and
    31 December of a leap year (day 366, which noleap years lack) is predicted, and counted."""
    folder, sample, run_dir = noleap_daily_run
    new = _daily(tmp_path / f"new_{calendar}.nc", calendar, [1996], seed=4)
    climatology = _daily_climatology(sample, run_dir)
    expected = climatology[_year_aligned_days(new, "noleap") - 1] + _network_anomaly(run_dir, new)
    with caplog.at_level(logging.WARNING):
        result = predict_files(run_dir, [str(new)], tmp_path / "predicted.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as predicted:
        values = predicted["tas_pred"].values
    np.testing.assert_allclose(values, expected, rtol=0, atol=2e-4)
    assert np.isfinite(values).all() and result.n_samples == values.size == result.scores["n_samples"]
    assert sum(f"in the {calendar} calendar" in r.message and "in noleap" in r.message
               for r in caplog.records) == 1
    metrics = evaluate_run(run_dir, [str(new)], tmp_path / "evaluated")
    with xr.open_dataset(tmp_path / "evaluated" / "predictions.nc", decode_times=TIME) as scored:
        np.testing.assert_allclose(scored["tas_pred"].values, values, rtol=1e-6)
    assert metrics["splits"]["all"]["model"]["n_samples"] == values.size


def test_a_day_of_daily_data_is_looked_up_in_the_runs_climatology_per_day_of_year(noleap_daily_run, tmp_path):
    """A single time step has no step of its own: it takes the run's (daily), and gets the
    prediction and the ACC reference it gets within the whole year."""
    folder, sample, run_dir = noleap_daily_run
    days = [195]  # 15 July
    year = _daily(tmp_path / "year.nc", "noleap", [1996], seed=4)
    cut = tmp_path / "days.nc"
    with xr.open_dataset(year, decode_times=False) as whole:
        whole.isel(time=days).to_netcdf(cut)
    expected = _daily_climatology(sample, run_dir)[days] + _network_anomaly(run_dir, cut)
    with xr.open_dataset(predict_files(run_dir, [str(year)], tmp_path / "year_pred.nc").path) as predicted:
        in_year = predicted["tas_pred"].values[days]
    with xr.open_dataset(predict_files(run_dir, [str(cut)], tmp_path / "days_pred.nc").path) as predicted:
        np.testing.assert_array_equal(predicted["tas_pred"].values, in_year)
        np.testing.assert_allclose(predicted["tas_pred"].values, expected, rtol=0, atol=2e-4)
    metrics = evaluate_run(run_dir, [str(cut)], tmp_path / "evaluated")
    assert metrics["climatology_per"] == "day of year"
    assert metrics["splits"]["all"]["model"]["n_samples"] == len(days) * DAILY_LAT.size * DAILY_LON.size


def _without_calendar(run_dir, folder):
    """A copy of the run as climann wrote it before the climatology's calendar was recorded."""
    old = shutil.copytree(run_dir, folder / "old_run")
    network = Network.load(old / "model.npz")
    record = {key: value for key, value in network.metadata["target_climatology"].items() if key != "calendar"}
    network.save(old / "model.npz", metadata={**network.metadata, "target_climatology": record})
    without_model_record(old)  # an older climann's run names no model
    return old


def test_the_training_calendar_keeps_the_lookup_by_day_number_bit_for_bit(noleap_daily_run, tmp_path, caplog):
    folder, sample, run_dir = noleap_daily_run
    record = load_run(run_dir).network.metadata["target_climatology"]
    assert (record["calendar"], record["per"], record["smoothing_days"]) == ("noleap", "day of year", 61)
    new = _daily(tmp_path / "new_noleap.nc", "noleap", [1996], seed=4)
    old = _without_calendar(run_dir, tmp_path)
    with caplog.at_level(logging.WARNING):
        recorded = predict_files(run_dir, [str(new)], tmp_path / "recorded.nc").path
    assert not any("calendar" in r.message for r in caplog.records)
    before = predict_files(old, [str(new)], tmp_path / "before.nc").path
    with xr.open_dataset(recorded) as now, xr.open_dataset(before) as then:
        np.testing.assert_array_equal(now["tas_pred"].values, then["tas_pred"].values)


def test_a_model_file_without_the_calendar_looks_up_by_day_number_as_before(noleap_daily_run, tmp_path):
    folder, sample, run_dir = noleap_daily_run
    new = _daily(tmp_path / "new_360day.nc", "360_day", [1996], seed=4)
    old = _without_calendar(run_dir, tmp_path)
    expected = _daily_climatology(sample, run_dir)[:360] + _network_anomaly(run_dir, new)
    with xr.open_dataset(predict_files(old, [str(new)], tmp_path / "p.nc").path) as predicted:
        np.testing.assert_allclose(predicted["tas_pred"].values, expected, rtol=0, atol=2e-4)


def test_values_without_a_training_climatology_are_not_counted_as_predicted(standard_daily_run, tmp_path):
    """A standard-calendar run whose training years hold no 29 February … 31 December of a
    leap year, unsmoothed: day 366 has no climatology, so it is not predicted, and the count says so."""
    sample, run_dir = standard_daily_run
    climatology = load_run(run_dir).network.metadata["target_climatology"]
    assert climatology["smoothing_days"] == 1
    new = _daily(tmp_path / "leap.nc", "standard", [2004], seed=4)
    result = predict_files(run_dir, [str(new)], tmp_path / "p.nc")
    with xr.open_dataset(result.path) as predicted:
        finite = np.isfinite(predicted["tas_pred"].values)
    assert not finite[-1].any() and finite[:-1].all()
    assert result.n_samples == finite.sum() == 365 * 12
    assert "12 values at 1 time step (2004-12-31) are not predicted: " + UNDEFINED_ANOMALY_REASONS["day 366"] in \
        result.notes


def test_a_leap_years_31_december_without_a_training_climatology_is_noted_in_the_scores(standard_daily_run, tmp_path):
    """Training years 1997–1999 hold no leap year: 31 December 2000 (day 366) has no
    climatology to add the network's anomaly to, so its 12 values are neither predicted nor
    scored. metrics.json, train.log and report.md say so, with the count and the way out, where
    nothing was said before (break28c C1); evaluating the run again notes the same."""
    sample, run_dir = standard_daily_run
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        split, attrs = run["split"].values, run["split"].attrs
        code = split[[str(time)[:10] for time in run["time"].values].index("2000-12-31")]
        block = attrs["flag_meanings"].split()[list(attrs["flag_values"]).index(code)]
        in_block = split == code
        truth, predicted = run["tas"].values[in_block], run["tas_pred"].values[in_block]
    lost = int((np.isfinite(truth) & ~np.isfinite(predicted)).sum())
    assert lost == 12 and metrics["n_samples"][block] == int(np.isfinite(predicted).sum())
    notes = [note for note in metrics.get("notes", []) if note["model"] == "model"]
    assert [(note["split"], note["n_samples"], note["of"]) for note in notes] == [
        (block, metrics["n_samples"][block], metrics["n_samples"][block] + lost)]
    assert notes[0]["reason"] == ("12 values at 1 time step (2000-12-31) are neither predicted nor scored: "
                                  + UNDEFINED_ANOMALY_REASONS["day 366"])
    line = f"the {block} block is scored on {notes[0]['n_samples']} of its {notes[0]['of']} values: {notes[0]['reason']}"
    assert line in (run_dir / "train.log").read_text() and line in (run_dir / "report.md").read_text()
    again = evaluate_run(run_dir, out=tmp_path / "again")
    assert [note for note in again.get("notes", []) if note["model"] == "model"] == notes


def test_predict_and_evaluate_on_other_data_give_one_note_of_a_leap_years_31_december(standard_daily_run, tmp_path):
    """fix31c: predict said "12 values are not predicted, at 12 of the 12 cells …: the run's
    training years have no value …", evaluate --data the day-366 reason: one helper, one wording."""
    _, run_dir = standard_daily_run
    new = _daily(tmp_path / "leap.nc", "standard", [2004], seed=4)
    result = predict_files(run_dir, [str(new)], tmp_path / "p.nc")
    scored = evaluate_run(run_dir, data_paths=[str(new)], out=tmp_path / "ev")
    reason = UNDEFINED_ANOMALY_REASONS["day 366"]
    assert "12 values at 1 time step (2004-12-31) are not predicted: " + reason in result.notes
    assert [note["reason"] for note in scored["notes"] if note["model"] == "model"] == [
        "12 values at 1 time step (2004-12-31) are neither predicted nor scored: " + reason]


def test_a_leap_years_31_december_takes_the_smoothed_climatology_of_31_december(tmp_path):
    """fix48h (break48d A6): trained on 1997–1999 (no leap year) with the default 61-day window,
    31 December of a leap year (day 366) takes day 365's smoothed climatology, that of 31
    December of the other years, as WeatherBench 2 fills day 366: 31 December 2000 (val) is
    predicted and scored, no note says it is not, and predict on 2004 gives every value, 31
    December 2004 the hand-computed climatology of day 365 plus the network's anomaly."""
    sample, run_dir = _daily_run(tmp_path, "standard", range(1997, 2002))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert not [note for note in metrics.get("notes", []) if note["model"] == "model"]
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        leap_day = [str(time)[:10] for time in run["time"].values].index("2000-12-31")
        assert np.isfinite(run["tas_pred"].values[leap_day]).all()
    climatology = _daily_climatology(sample, run_dir)
    new = _daily(tmp_path / "leap.nc", "standard", [2004], seed=4)
    result = predict_files(run_dir, [str(new)], tmp_path / "p.nc")
    with xr.open_dataset(result.path) as predicted:
        values = predicted["tas_pred"].values
    days = np.r_[np.arange(365), 364]  # 2004: days 1 … 366, day 366 ← day 365
    np.testing.assert_allclose(values, climatology[days] + _network_anomaly(run_dir, new), rtol=0, atol=2e-4)
    assert np.isfinite(values).all() and result.n_samples == values.size == 366 * 12 and not result.notes


def test_a_trained_leap_years_31_december_one_cell_lacked_is_a_gap_of_that_cells_series(tmp_path):
    """fix31c: trained on 2000–2002 (2000 a leap year) with tas missing at one cell on 31 December
    2000. That cell lacks day 366 alone, one day between 365 and 1: a gap of its series, whose
    climatology is the window's mean there (fix35b: each cell's days on their own; it was left
    undefined, and evaluate --data on 2004 left the value out with a note), hand-computed; every
    value of 2004 is then predicted and scored."""
    sample = _daily(tmp_path / "train.nc", "standard", range(2000, 2005), seed=9)
    with xr.open_dataset(sample, decode_times=TIME) as source:
        tas = source["tas"].load()
        leap_day = [str(time)[:10] for time in source["time"].values].index("2000-12-31")
    tas[leap_day, 0, 0] = np.nan
    tas.to_dataset().assign(rsdt=xr.open_dataset(sample, decode_times=TIME)["rsdt"].load()).to_netcdf(
        tmp_path / "holed.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "holed.nc")], "target": "tas", "predictors": ["rsdt"],
                                    "target_anomaly": True},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 512},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    record = load_run(run_dir).network.metadata["target_climatology"]
    day_366 = np.array(record["values"], dtype=float).reshape(record["shape"])[365]
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        train = run["split"].values == 1
        days = np.array([time.dayofyr for time in run["time"].values])
    values = tas.values[:, 0, 0].astype(np.float64)
    weights = 1 - np.abs(np.arange(-29, 30)) / 30  # WeatherBench 2's 61-day window, cyclic over 366 days
    around = (365 + np.arange(-29, 30)) % 366 + 1
    present = train & np.isfinite(values)
    window_sum = sum(w * values[present & (days == d)].sum() for w, d in zip(weights, around))
    window_count = sum(w * np.count_nonzero(present & (days == d)) for w, d in zip(weights, around))
    assert not (present & (days == 366)).any()
    np.testing.assert_allclose(day_366[0, 0], window_sum / window_count, rtol=1e-6)  # float32 in model.npz
    assert np.isfinite(day_366).all()
    new = _daily(tmp_path / "leap.nc", "standard", [2004], seed=4)
    scored = evaluate_run(run_dir, data_paths=[str(new)], out=tmp_path / "ev")
    assert [note for note in scored.get("notes", []) if note["model"] == "model"] == []
    assert scored["splits"]["all"]["model"]["n_samples"] == 366 * DAILY_LAT.size * DAILY_LON.size


def test_a_weekly_run_keys_its_climatology_by_week_of_the_year_everywhere(tmp_path):
    """Baseline, target_anomaly, metrics.json, model.npz and predict on one week: the same
    keys, windows of 7 days of the year (hand-computed), so every validation week has a value."""
    from tests.evaluation.test_baselines import week_of_the_year, weekly

    times, truth = weekly()
    path = tmp_path / "weekly.nc"
    xr.Dataset({"tas": (("time", "lat", "lon"), truth.astype("f4"), {"units": "K"})},
               coords={"time": ("time", times, {"standard_name": "time"}),
                       "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"})}).to_netcdf(
        path, encoding={"time": {"units": "days since 1990-01-01", "calendar": "standard"}})
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": [], "features": ["lat"],
                                    "target_anomaly": True},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 256},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["climatology_per"] == "week of the year"
    record = load_run(run_dir).network.metadata["target_climatology"]
    assert (record["per"], record["window_days"], record["shape"][0]) == ("week of the year", 7, 52)
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as predicted:
        labels, on_file = predicted["split"].values, predicted["tas_pred"].values
    values = truth.astype("f4").astype(np.float64)
    week = week_of_the_year(times) - 1
    climatology = np.stack([values[(labels == 1) & (week == key)].mean(axis=0) for key in range(52)])
    np.testing.assert_allclose(load_run(run_dir).network.metadata["target_climatology"]["values"],
                               climatology.astype("f4").ravel(), rtol=1e-6)
    val = labels == 2
    weights = np.cos(np.deg2rad([-30.0, 30.0]))[:, None] * np.ones((1, 3))
    error = (values[val] - climatology[week[val]]) ** 2
    np.testing.assert_allclose(metrics["splits"]["val"]["climatology"]["mse"],
                               (error * weights).sum() / (weights.sum() * val.sum()), rtol=1e-5)
    one = tmp_path / "one_week.nc"
    with xr.open_dataset(path, decode_times=False) as whole:
        whole.isel(time=[-30]).to_netcdf(one)
    with xr.open_dataset(predict_files(run_dir, [str(one)], tmp_path / "one.nc").path) as predicted:
        np.testing.assert_allclose(predicted["tas_pred"].values[0], on_file[-30], rtol=1e-6)


@pytest.fixture(scope="module")
def run_without_two_cells(tmp_path_factory):
    """The 4-year 15° sample, and a run with target_anomaly trained on it without two cells
    (``tas`` missing at every step there, as sea ice over the training years' land): the same
    training for the predict and evaluate tests below, which read it and write elsewhere."""
    folder = tmp_path_factory.mktemp("without_two_cells")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(sample) as source:
        tas = source["tas"].copy()
        tas[:, 0, :2] = np.nan
        source.assign(tas=tas).to_netcdf(folder / "without.nc")
    return sample, run_training(_config(folder / "without.nc", target_anomaly=True), run_dir=folder / "run").run_dir


def test_predict_counts_the_cells_whose_climatology_the_training_never_saw(run_without_two_cells, tmp_path):
    """predict said how many values it left out for want of a training climatology, not at how many
    cells (break21c F8): a run trained without two cells (missing there, as sea ice over training
    years' land) predicts new data holding them everywhere else, and says 2 of the 288 cells."""
    sample, run_dir = run_without_two_cells
    result = predict_files(run_dir, [str(sample)], tmp_path / "p.nc")
    n_time = 48
    assert (f"{2 * n_time} values at {n_time} time steps (") in "\n".join(result.notes)
    assert (") and 2 of the 288 cells with samples (0.69 %) are not predicted: "
            + UNDEFINED_ANOMALY_REASONS["unseen"]) in "\n".join(result.notes)


def test_evaluate_on_other_data_counts_the_values_without_a_training_climatology(run_without_two_cells, tmp_path):
    """evaluate --data on data holding the target at cells the training years never had scored the
    other values and said "dropped: 0" without a word (break30b A1: 8.3 % of the values). The block
    'all' is noted like a run's own blocks: a warning line, metrics.json and report.md count the
    values lost (here every value at 2 of the 288 cells) and the cells, against a NumPy count."""
    from typer.testing import CliRunner

    from climann.cli import app

    sample, run_dir = run_without_two_cells  # trained without the cells [0, :2]
    with xr.open_dataset(sample) as source:
        unseen = np.isfinite(source["tas"].values[:, 0, :2]).sum()
        present = np.isfinite(source["tas"].values).sum()
    result = CliRunner().invoke(app, ["evaluate", str(run_dir), "--data", str(sample), "--out", str(tmp_path / "ev"),
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    with xr.open_dataset(tmp_path / "ev" / "predictions.nc") as scored:
        predicted = np.isfinite(scored["tas_pred"].values) & np.isfinite(scored["tas"].values)
        assert not np.isfinite(scored["tas_pred"].values[:, 0, :2]).any()
    assert unseen == 2 * 48 and metrics["n_samples"]["all"] == predicted.sum() == present - unseen
    notes = [note for note in metrics["notes"] if note["model"] == "model"]
    assert [(note["split"], note["n_samples"], note["of"]) for note in notes] == [
        ("all", present - unseen, present)]
    assert notes[0]["reason"].startswith(f"{unseen} values at 48 time steps (")
    assert "and 2 of the 288 cells with samples (0.69 %) are neither predicted nor scored: " in notes[0]["reason"]
    line = f"the all block is scored on {present - unseen} of its {present} values: {notes[0]['reason']}"
    assert f"climann: warning: {line}" in result.output.replace("\n", " ")
    assert line in (tmp_path / "ev" / "report.md").read_text().replace("\n", " ")


def test_evaluate_on_other_data_records_the_days_the_saved_climatology_was_narrowed_near(tmp_path):
    """A station-like cell without winter values (days 1–40 of every training year) beside cells
    holding every day: its window narrows near those days (decided per cell), and
    ``climatology_narrowed`` says so in ``train``'s metrics and, against the saved climatology,
    in ``evaluate --data``'s (which wrote no key: fix35b)."""
    full = _daily(tmp_path / "full.nc", "noleap", range(1990, 1994), seed=9)
    with xr.open_dataset(full, decode_times=TIME) as opened:
        dataset = opened.load()
    winter = np.array([time.dayofyr <= 40 for time in dataset["time"].values])
    dataset["tas"][dict(time=np.flatnonzero(winter), lat=0, lon=0)] = np.nan
    sample = tmp_path / "station_without_winter.nc"
    dataset.to_netcdf(sample)
    config = build_config({"data": {"paths": [str(sample)], "target": "tas", "predictors": ["rsdt"],
                                    "target_anomaly": True},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 512},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    trained = json.loads((run_dir / "metrics.json").read_text())
    assert trained["climatology_narrowed"] == list(range(1, 41))
    new = _daily(tmp_path / "new.nc", "noleap", [1996], seed=4)
    metrics = evaluate_run(run_dir, [str(new)], tmp_path / "evaluated")
    written = json.loads((tmp_path / "evaluated" / "metrics.json").read_text())
    assert metrics["climatology_window_days"] == 61
    assert metrics["climatology_narrowed"] == written["climatology_narrowed"] == list(range(1, 41))

"""The time of day as an input of sub-daily runs (break40b B7), end to end.

On 3-hourly data with a 2 K diurnal cycle the climatology baseline is per day of the year and
hour, but the network's inputs were lat, season and year only: network and linear baseline
stopped at the diurnal cycle's RMSE (√2 K ≈ 1.41 K). The ``hour`` feature (sin, cos of 2π·h/24,
h the UTC hour) is proposed for sub-daily data; runs without it predict as before, and new data
without a time of day are refused by a run that takes it.
"""

import json

import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training

LAT, LON = np.array([-30.0, 0.0, 30.0]), np.array([0.0, 90.0, 180.0, 270.0])
#: Cell areas of the 3×4 grid, ∝ sin(north edge) − sin(south edge).
AREA = np.diff(np.sin(np.deg2rad([-45.0, -15.0, 15.0, 45.0])))[:, None] * np.ones((1, 4))
NOISE_K = 0.3
TRAINING = {"epochs": 20, "batch_size": 64, "learning_rate": 3e-3, "seed": 0}


def three_hourly_times(years=(2001, 2002, 2003)):
    return np.array([cftime.DatetimeNoLeap(year, 1, 1) + np.timedelta64(3 * step, "h").item()
                     for year in years for step in range(365 * 8)])


def hand_inputs(times):
    """lat, season (sin, cos of 2π·f) and hour (sin, cos of 2π·h/24) by hand, per (time, lat, lon)."""
    fraction = np.array([(time.dayofyr - 1 + time.hour / 24) / 365 for time in times])
    hour = np.array([time.hour for time in times], dtype=float)
    shape = (len(times), LAT.size, LON.size)
    columns = [np.broadcast_to(LAT[None, :, None], shape)]
    for angle in (2 * np.pi * fraction, 2 * np.pi * hour / 24):
        columns += [np.broadcast_to(np.sin(angle)[:, None, None], shape),
                    np.broadcast_to(np.cos(angle)[:, None, None], shape)]
    return np.stack([column.astype(np.float64) for column in columns], axis=-1)


def write_instants(path, times, *, seed=0):
    """``ta`` (K) at instants: 280 K, a latitude gradient, an 8 K seasonal and a 2 K diurnal cycle
    (peaking at 15 UTC), noise of 0.3 K; CMIP6 E3hrPt style (``time: point``, no time bounds)."""
    rng = np.random.default_rng(seed)
    fraction = np.array([(time.dayofyr - 1 + time.hour / 24) / 365 for time in times])
    hour = np.array([time.hour for time in times], dtype=float)
    ta = (280 - 0.5 * LAT[None, :, None] + 8 * np.cos(2 * np.pi * (fraction - 200 / 365))[:, None, None]
          + 2 * np.cos(2 * np.pi * (hour - 15) / 24)[:, None, None] + rng.normal(0, NOISE_K, (len(times), 3, 4)))
    units = "days since 1850-01-01"
    xr.Dataset(
        {"ta": (("time", "lat", "lon"), ta.astype(np.float32),
                {"units": "K", "standard_name": "air_temperature", "cell_methods": "area: mean time: point"})},
        coords={"time": ("time", cftime.date2num(times, units, "noleap"),
                         {"units": units, "calendar": "noleap", "standard_name": "time", "axis": "T"}),
                "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"}),
                "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude", "axis": "X"})},
    ).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def hourly_file(tmp_path_factory):
    return write_instants(tmp_path_factory.mktemp("data") / "ta_E3hrPt.nc", three_hourly_times())


def _train(path, run_dir, features):
    config = build_config({"data": {"paths": [str(path)], "target": "ta", "predictors": [],
                                    **({} if features is None else {"features": features})},
                           "model": {"hidden": [16]}, "training": TRAINING,
                           "evaluation": {"figures": False, "baselines": ["linear", "climatology"]}})
    return run_training(config, run_dir=run_dir)


@pytest.fixture(scope="module")
def hour_run(hourly_file, tmp_path_factory):
    """Features left to climann: lat, season and, on 3-hourly data, hour."""
    return _train(hourly_file, tmp_path_factory.mktemp("runs") / "hour", None)


@pytest.fixture(scope="module")
def old_run(hourly_file, tmp_path_factory):
    """The feature set of runs trained before ``hour`` existed."""
    return _train(hourly_file, tmp_path_factory.mktemp("runs") / "old", ["lat", "season"])


def _weighted_rmse(error):
    """Area-weighted RMSE over (time, lat, lon), as metrics.json scores it."""
    return float(np.sqrt(np.sum(AREA * error**2) / (AREA.sum() * error.shape[0])))


def test_sub_daily_data_get_the_hour_feature_by_default(hour_run):
    assert hour_run.config.data.features == ("lat", "season", "hour")
    metadata = json.loads(str(np.load(hour_run.run_dir / "model.npz")["metadata"]))
    assert metadata["user"]["features"] == ["lat", "season_sin", "season_cos", "hour_sin", "hour_cos"]


def test_the_linear_baseline_with_the_hour_is_numpys_least_squares(hour_run, hourly_file):
    """The linear baseline's test RMSE is that of numpy's area-weighted lstsq on lat, season and
    hour fitted on the training years: the noise's 0.3 K, not the diurnal cycle's √2 K."""
    metrics = json.loads((hour_run.run_dir / "metrics.json").read_text())
    assert metrics["climatology_per"] == "day of year and hour"
    with xr.open_dataset(hourly_file, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as opened:
        times, truth = opened.indexes["time"], opened["ta"].values.astype(np.float64)
    inputs = hand_inputs(times)
    years = np.array([time.year for time in times])
    first, last = hour_run.config.data.split_years["train"]
    train = (years >= first) & (years <= last)
    test_first, test_last = hour_run.config.data.split_years["test"]
    test = (years >= test_first) & (years <= test_last)
    design = np.concatenate([inputs, np.ones(inputs.shape[:-1] + (1,))], axis=-1)
    root = np.sqrt(np.broadcast_to(AREA, truth.shape))[train].reshape(-1, 1)
    solution = np.linalg.lstsq(design[train].reshape(-1, design.shape[-1]) * root,
                               truth[train].reshape(-1, 1) * root, rcond=None)[0]
    expected = _weighted_rmse(design[test] @ solution[:, 0] - truth[test])
    assert expected == pytest.approx(NOISE_K, rel=0.05)
    assert metrics["splits"]["test"]["linear"]["rmse"] == pytest.approx(expected, rel=1e-4)


def test_the_network_learns_the_diurnal_cycle(hour_run, old_run):
    """With the hour the network comes near the noise (0.3 K); without it, it cannot go below the
    diurnal cycle's RMSE √2 K ≈ 1.41 K (break40b B7: 1.46 K)."""
    with_hour = json.loads((hour_run.run_dir / "metrics.json").read_text())["splits"]["test"]
    without = json.loads((old_run.run_dir / "metrics.json").read_text())["splits"]["test"]
    assert with_hour["model"]["rmse"] < 0.5
    assert with_hour["model"]["skill_vs_climatology"] > 0
    assert without["model"]["rmse"] > 1.4 and without["linear"]["rmse"] > 1.4


def _predict(run_dir, data, out):
    result = CliRunner().invoke(app, ["predict", str(run_dir), "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(out) as predictions:
        return predictions["ta_pred"].values


def test_a_run_without_the_hour_predicts_from_its_own_inputs(old_run, hourly_file, tmp_path):
    """A run of the old feature set (lat, season) keeps its inputs: its model file has 3 columns and
    ``predict`` gives what a NumPy forward pass of its weights on lat and season by hand gives."""
    stored = np.load(old_run.run_dir / "model.npz")
    metadata = json.loads(str(stored["metadata"]))["user"]
    assert metadata["features"] == ["lat", "season_sin", "season_cos"]
    predicted = _predict(old_run.run_dir, hourly_file, tmp_path / "again.nc")
    with xr.open_dataset(hourly_file, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as opened:
        inputs = hand_inputs(opened.indexes["time"])[..., :3]
    scaling, target = metadata["input_scaling"], metadata["target_scaling"]
    hidden = np.maximum((inputs - scaling["mean"]) / scaling["std"] @ stored["weight_0"] + stored["bias_0"], 0)
    expected = (hidden @ stored["weight_1"] + stored["bias_1"])[..., 0] * target["std"][0] + target["mean"][0]
    np.testing.assert_allclose(predicted, expected, rtol=1e-6)


def test_predict_takes_six_hourly_instants_at_their_hours(hour_run, hourly_file, tmp_path):
    """Every second 3-hourly instant (6-hourly, as CMIP6 6hrPlevPt) is predicted as the same
    instants among the 3-hourly ones: the hour feature is that of each stamp."""
    assert "hour" in hour_run.config.data.features
    with xr.open_dataset(hourly_file) as opened:
        opened.isel(time=slice(0, None, 2)).to_netcdf(tmp_path / "ta_6hrPt.nc")
    three = _predict(hour_run.run_dir, hourly_file, tmp_path / "three.nc")
    six = _predict(hour_run.run_dir, tmp_path / "ta_6hrPt.nc", tmp_path / "six.nc")
    np.testing.assert_array_equal(six, three[::2])


def write_daily_means(path, times):
    """Daily means of ``ta`` stamped at noon with daily bounds (``time: mean``)."""
    units = "days since 1850-01-01"
    values = cftime.date2num(times, units, "noleap")
    xr.Dataset(
        {"ta": (("time", "lat", "lon"), (280 + np.random.default_rng(1).normal(0, 1, (len(times), 3, 4))).astype(np.float32),
                {"units": "K", "standard_name": "air_temperature", "cell_methods": "area: mean time: mean"}),
         "time_bnds": (("time", "bnds"), np.stack([values - 0.5, values + 0.5], axis=1))},
        coords={"time": ("time", values, {"units": units, "calendar": "noleap", "standard_name": "time",
                                          "axis": "T", "bounds": "time_bnds"}),
                "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"}),
                "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude", "axis": "X"})},
    ).to_netcdf(path)
    return path


def test_predict_refuses_daily_means_to_a_run_with_the_hour(hour_run, tmp_path):
    times = [cftime.DatetimeNoLeap(2004, 1, 1, 12) + np.timedelta64(day, "D").item() for day in range(20)]
    path = write_daily_means(tmp_path / "ta_day.nc", times)
    out = tmp_path / "daily_predictions.nc"
    result = CliRunner().invoke(app, ["predict", str(hour_run.run_dir), "--data", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "time of day" in result.output and "'hour'" in result.output and "daily" in result.output
    assert not out.exists()


def test_training_refuses_the_hour_on_daily_values(tmp_path):
    times = [cftime.DatetimeNoLeap(2001, 1, 1, 12) + np.timedelta64(day, "D").item() for day in range(3 * 365)]
    path = write_daily_means(tmp_path / "ta_day.nc", times)
    result = CliRunner().invoke(app, ["train", "--data", str(path), "--target", "ta", "--predictors", "",
                                      "--features", "lat,season,hour", "--epochs", "1", "--out",
                                      str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    assert "the hour feature needs values of several times of day" in result.output
    assert not (tmp_path / "run").exists()


def test_daily_runs_keep_their_features_and_weights(tmp_path):
    """Daily means (one value a day) get no hour: left to climann, the features are lat and season, and the
    run's weights are bit for bit those of a run given lat and season, the features before the hour existed."""
    times = [cftime.DatetimeNoLeap(2001, 1, 1, 12) + np.timedelta64(day, "D").item() for day in range(3 * 365)]
    path = write_daily_means(tmp_path / "ta_day.nc", times)
    auto, given = _train(path, tmp_path / "auto", None), _train(path, tmp_path / "given", ["lat", "season"])
    assert auto.config.data.features == ("lat", "season")
    chosen, old = np.load(auto.run_dir / "model.npz"), np.load(given.run_dir / "model.npz")
    for name in ("weight_0", "bias_0", "weight_1", "bias_1"):
        np.testing.assert_array_equal(chosen[name], old[name])


@pytest.mark.parametrize(("cell_methods", "said"), [
    pytest.param(None, "ta has no cell_methods", id="no-cell-methods"),
    pytest.param("area: mean time: mean", "ta's cell_methods say 'time: mean'", id="time-mean"),
])
def test_the_refusal_of_daily_values_without_bounds_says_what_it_read(hour_run, tmp_path, cell_methods, said):
    """rerun40 R4: daily values without time bounds and without cell_methods were refused "… whose cell_methods say
    no time: point", cell_methods the file has not. The refusal now says what it read: no time bounds, one value a
    day, and each input's cell_methods or their absence."""
    times = [cftime.DatetimeNoLeap(2004, 1, 1, 12) + np.timedelta64(day, "D").item() for day in range(20)]
    with xr.open_dataset(write_daily_means(tmp_path / "bounded.nc", times), decode_times=False) as opened:
        daily = opened.drop_vars("time_bnds").load()
    del daily["time"].attrs["bounds"]
    if cell_methods is None:
        del daily["ta"].attrs["cell_methods"]
    daily.to_netcdf(tmp_path / "ta_day.nc")
    result = CliRunner().invoke(app, ["predict", str(hour_run.run_dir), "--data", str(tmp_path / "ta_day.nc"),
                                      "--out", str(tmp_path / "out.nc")])
    assert result.exit_code == 2, result.output
    assert (f"one value a day at most of ta, with no time bounds, and nothing says they are instants (time: point): "
            f"{said}; give sub-daily data") in " ".join(result.output.split())

"""``climann train`` on a seasonal hindcast beside observations (break30a A2): the forecast is
read on the times its fields are valid at, and so paired with the observations."""

import json

import numpy as np
import xarray as xr

from tests.console import run_main
from tests.forecast_files import seasonal_pair


def test_a_hindcast_predicts_the_observations_of_the_months_it_is_valid_for(tmp_path, capfd, monkeypatch):
    """The forecast is the observation of its valid month + 0.2 × member + noise of std 0.3: a
    linear fit of the observations on it misses by about the noise when they are paired by
    valid time (checked with numpy's lstsq on the same training steps), by far more when
    paired a month off, as they were by reference time."""
    hindcast, observations = seasonal_pair()
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc"),
                      "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=1",
                      "--select", "forecastMonth=2", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), "--set", "evaluation.dpi=30", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    forecast = hindcast["t2m"].values[1, :, 1]  # member 1, forecastMonth 2: valid 1993-02 …
    observed = observations["obs_t2m"].values[1:1 + forecast.shape[0]]
    with xr.open_dataset(out / "predictions.nc") as written:
        np.testing.assert_array_equal(written["obs_t2m"].values, observed)
        train, test = written["split"].values == 1, written["split"].values == 3
        linear = written["obs_t2m_linear"].values
        area = written["cell_area"].values
    design = np.column_stack([forecast[train].ravel(), np.ones(forecast[train].size)])
    (slope, intercept), *_ = np.linalg.lstsq(design.astype(np.float64), observed[train].ravel(), rcond=None)
    np.testing.assert_allclose(linear, slope * forecast + intercept, atol=1e-3)
    weights = np.broadcast_to(area, observed[test].shape)
    rmse = np.sqrt(np.sum(weights * (slope * forecast[test] + intercept - observed[test]) ** 2) / weights.sum())
    scores = json.loads((out / "metrics.json").read_text())["splits"]["test"]["linear"]
    np.testing.assert_allclose(scores["rmse"], rmse, rtol=1e-4)
    assert rmse < 0.4
    misaligned = forecast[:-1][test[1:]] - 0.2 - observations["obs_t2m"].values[2:1 + forecast.shape[0]][test[1:]]
    assert np.sqrt(np.mean(misaligned**2)) > 1.5

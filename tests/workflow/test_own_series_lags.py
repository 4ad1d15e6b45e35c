"""A predictor's lags from its own series, end to end: ``evaluate --data`` of one year of the target
beside several years of the predictor, and ``split_files`` blocks (break44d A5, A1, A9).

The expected sample counts are computed with numpy from the files written: a value of the target
has a sample where it is finite and each lagged month of the predictor is in the files given.
"""

import json
import logging

import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run
from tests.conftest import grid_dataset

TINY = {"epochs": 2, "batch_size": 32, "learning_rate": 3e-3}
LAGS = (1, 2, 3)
TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


def _files(folder):
    """``pred`` 2000–2003 (48 months, one file) and ``tas`` 2000–2003 without four months (training), its
    2003 alone (complete), and ``pred`` of 2003 alone; 4×6 cells."""
    full = grid_dataset(n_years=4)
    missing = [5, 17, 18, 30]
    full[["pred"]].to_netcdf(folder / "pred.nc")
    full[["tas"]].drop_isel(time=missing).to_netcdf(folder / "tas.nc")
    full[["tas"]].isel(time=slice(36, 48)).to_netcdf(folder / "tas_2003.nc")
    full[["pred"]].isel(time=slice(36, 48)).to_netcdf(folder / "pred_2003.nc")
    return full


@pytest.fixture(scope="module")
def lagged_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own_lags")
    full = _files(folder)
    config = build_config({"data": {"paths": [str(folder / "tas.nc"), str(folder / "pred.nc")], "target": "tas",
                                    "predictors": ["pred"], "lags": {"pred": list(LAGS)}},
                           "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=folder / "run")
    return folder, full, run.run_dir


def test_evaluating_one_year_of_the_target_takes_the_lags_from_the_predictors_earlier_months(lagged_run, tmp_path,
                                                                                             caplog):
    """break44d A5: `evaluate --data tas_2003.nc --data pred.nc` cut pred to 2003 before taking its lags: January
    to March had no sample (a quarter of the year), "periods: all 2003" and no warning. Now every month is scored,
    and each prediction equals the training run's of the same month bit for bit (the same inputs)."""
    folder, full, run_dir = lagged_run
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, [str(folder / "tas_2003.nc"), str(folder / "pred.nc")], tmp_path / "scored")
    assert metrics["n_samples"] == {"all": int(np.isfinite(full["tas"].values[36:48]).sum())} == {"all": 12 * 24}
    assert not [record for record in caplog.records if "have no sample" in record.getMessage()]
    with xr.open_dataset(tmp_path / "scored" / "predictions.nc", decode_times=TIME) as scored, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as trained:
        own = trained["tas_pred"].sel(time=[time for time in trained["time"].values if time.year == 2003])
        assert scored["tas_pred"].shape == own.shape == (12, 4, 6)
        assert np.isfinite(scored["tas_pred"].values).all()
        np.testing.assert_array_equal(scored["tas_pred"].values, own.values)


def test_a_lag_the_files_given_do_not_hold_drops_its_samples_with_a_warning(lagged_run, tmp_path, caplog):
    """The same year with pred of 2003 alone: a month whose lag k lies before January has no sample (by numpy:
    January to March, for lag 3), said on the terminal as training says it, not only in metrics.json."""
    folder, full, run_dir = lagged_run
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, [str(folder / "tas_2003.nc"), str(folder / "pred_2003.nc")],
                               tmp_path / "scored")
    months = np.arange(12)
    with_every_lag = months >= max(LAGS)
    expected = int(np.isfinite(full["tas"].values[36:48][with_every_lag]).sum())
    assert metrics["n_samples"] == {"all": expected} == {"all": 9 * 24}
    said = [record.getMessage() for record in caplog.records if "have no sample" in record.getMessage()]
    assert said == [metrics["target_dropped_note"]]
    assert said[0].startswith("72 of the 288 values of 'tas' (25%) have no sample: pred_lag3 (25%), pred_lag2 "
                              "(16.7%), pred_lag1 (8.33%) missing there")
    # the run's lags are fixed: the way out is pred's earlier months given with --data, not "leave them out of
    # [data] lags (--lags)", which evaluate cannot do (break44a, after break44d A5)
    assert said[0].endswith("the run's lags are fixed: give the 3 time steps of 'pred' before these values with "
                            "--data (the file that holds them)")
    assert "--lags" not in said[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):  # the advice followed: pred.nc holds 2000–2003
        followed = evaluate_run(run_dir, [str(folder / "tas_2003.nc"), str(folder / "pred.nc")], tmp_path / "again")
    assert followed["n_samples"] == {"all": int(np.isfinite(full["tas"].values[36:48]).sum())} == {"all": 12 * 24}
    assert not [record for record in caplog.records if "have no sample" in record.getMessage()]


def test_split_files_blocks_take_their_lags_from_a_shared_predictors_earlier_months(tmp_path):
    """break44d A1 and A5: train = tas 2000–2001 (two months missing), val = tas 2002 (one missing), test = tas
    2003 (complete), pred 2000–2003 given once for every block. A block without a missing month was refused ("the
    test block's files lack 'pred@lag1', which the train block has"), and each block's first months lost their lags
    although pred holds the months before. By numpy: only the data's first months lack a lag (January 2000 for
    lag 1, January and February for lag 2). The blocks are consecutive pieces of one series (break44a A7): the test
    block's first month is forecast by persistence from the val block's December, as in a split by years; val's
    first from train's December, so only the months after a missing one lack persistence (by numpy)."""
    full = grid_dataset(n_years=4)
    missing = [5, 17, 18]
    blocks = {"train": np.arange(0, 24), "val": np.arange(24, 36), "test": np.arange(36, 48)}
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    for name, steps in blocks.items():
        full[["tas"]].isel(time=np.setdiff1d(steps, missing)).to_netcdf(tmp_path / f"tas_{name}.nc")
    missing = [5, 17, 18, 30]
    full[["tas"]].isel(time=np.setdiff1d(blocks["val"], missing)).to_netcdf(tmp_path / "tas_val.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "pred.nc")], "target": "tas", "predictors": ["pred"],
                                    "lags": {"pred": [1, 2]},
                                    "split_files": {name: [str(tmp_path / f"tas_{name}.nc")] for name in blocks}},
                           "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    for name, steps in blocks.items():
        kept = np.setdiff1d(steps, missing)
        kept = kept[kept >= 2]  # lag 2 of January and February 2000 is before pred's first month
        assert metrics["splits"][name]["model"]["n_samples"] == int(np.isfinite(full["tas"].values[kept]).sum())
    assert metrics["splits"]["test"]["model"]["n_samples"] == 12 * 24
    present = np.isin(np.arange(48), np.setdiff1d(np.arange(48), missing))
    for name, steps in blocks.items():
        steps = steps[steps >= 2]  # scored where the network has a sample: lag 2 from March 2000
        assert metrics["splits"][name]["persistence"]["n_samples"] == int((present[steps] & present[steps - 1]).sum()) * 24
    assert metrics["splits"]["test"]["persistence"]["n_samples"] == 12 * 24
    assert "test" not in {note["split"] for note in metrics.get("notes", []) if note["model"] == "persistence"}

"""Runs on forecast files (break41c): a weekly forecast's lead window beside observed weekly means
(C1), ECMWF S2S reforecasts in one file per model version date (C2), and predict/evaluate of such a
run on a file of one start a year (C3); each compared with numpy on the same files."""

from __future__ import annotations

import numpy as np
import xarray as xr

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.forecast_files import observed_week_means, weekly_lead_pair

QUICK = {"model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}


def test_a_weekly_forecast_run_is_scored_against_the_observed_week_its_lead_window_covers(tmp_path):
    """C1: the truth in predictions.nc of a lead-14 run is the observed mean of [start + 7 d, start + 14 d), and
    each forecast beside it is that week's (the fixture's forecast is its week's mean + 0.5 K + 0.1 K noise).
    Following the old refusal's advice trained each forecast against the next week (linear RMSE 1.966 K for
    0.752 K in break41c's files)."""
    cfs, obs = weekly_lead_pair(tmp_path)
    config = build_config({"data": {"paths": [str(cfs), str(obs)], "target": "t2m", "predictors": ["tmp2m"],
                                    "select": {"lead": 14}}, **QUICK})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run / "predictions.nc") as predictions, xr.open_dataset(cfs) as forecast:
        starts = forecast["reftime"].values
        np.testing.assert_array_equal(predictions["t2m"].values,
                                      observed_week_means(obs, starts + np.timedelta64(7, "D")))
        np.testing.assert_array_equal(predictions["time_bnds"].values[:, 0], starts + np.timedelta64(7, "D"))

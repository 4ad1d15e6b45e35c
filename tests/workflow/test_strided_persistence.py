"""Persistence under ``--time-stride`` (break47c A7): one rule at every step length.

The series a stride n keeps is the series the run forecasts; its persistence is that series'
previous value, n steps of the file earlier (AMS Glossary of Meteorology, "persistence": the
previous value in a time series). A step of the file that is missing is not bridged: the value
kept after it has no persistence, and one warning line says how many such values there are.
Each expected score is numpy's shift by one of the strided series read from the raw file, a pair
kept only where the two values' places on the file's complete axis, counted as the file was
written, are n apart.
"""

import datetime
import logging

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.evaluation.predictions import split_labels
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.workflow.test_pipeline_baselines import TINY, write_series

#: Each series: its step and how many steps of it the file holds when complete.
SERIES = {"hourly": (datetime.timedelta(hours=1), 24 * 30), "3-hourly": (datetime.timedelta(hours=3), 8 * 60),
          "6-hourly": (datetime.timedelta(hours=6), 4 * 90), "daily": (datetime.timedelta(days=1), 365 * 2),
          "pentad": ("pentad", 73 * 4), "monthly": ("month", 12 * 8)}


def _complete(kind: str) -> np.ndarray:
    """The complete axis of ``kind``: step k at its place k (CPC pentads: 73 a year, the 12th six
    days long in a leap year; months stamped on the 15th; fixed steps from 1 January 2001)."""
    step, count = SERIES[kind]
    if step == "pentad":
        times = []
        for year in range(2001, 2001 + count // 73):
            first = cftime.DatetimeGregorian(year, 1, 1)
            times += [first + datetime.timedelta(days=5 * k + int(year % 4 == 0 and k > 11)) for k in range(73)]
        return np.array(times)
    if step == "month":
        return np.array([cftime.DatetimeNoLeap(2001 + k // 12, k % 12 + 1, 15) for k in range(count)])
    start = cftime.DatetimeNoLeap(2001, 1, 1)
    return np.array([start + step * k for k in range(count)])


def _expected_scores(raw, places, stride, labels):
    """Per block, numpy's persistence MSE and value count of the strided series: the raw
    values kept one in ``stride`` (by index, as the stride keeps the steps the file holds),
    each scored against the value kept before it where their ``places`` on the complete axis
    are ``stride`` apart, with cos(latitude) weights."""
    kept, kept_places = raw[::stride], places[::stride]
    paired = np.diff(kept_places) == stride
    errors = kept[1:] - kept[:-1]
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((1, 3, 4))
    scores = {}
    for block in ("train", "val", "test"):
        chosen = paired & (labels[1:] == block)
        if chosen.any():
            squared = (weights * errors[chosen] ** 2).sum() / (weights.sum() * chosen.sum())
            scores[block] = (squared, int(chosen.sum()) * 12)
    return scores, int((~paired).sum())


def _train_and_compare(tmp_path, times, places, stride, caplog, *, calendar):
    path = write_series(tmp_path / "series.nc", times, seed=7, calendar=calendar)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "time_stride": stride},
                "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}, "evaluation": {"figures": False}}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(path) as opened:
        raw = opened["tas"].values.astype(np.float64)
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = split_labels(predictions["split"])
    assert len(labels) == len(raw[::stride])
    expected, unpaired = _expected_scores(raw, places, stride, labels)
    assert set(expected) == {block for block, models in run.metrics["splits"].items() if "persistence" in models}
    for block, (mse, count) in expected.items():
        scored = run.metrics["splits"][block]["persistence"]
        assert scored["n_samples"] == count, block
        np.testing.assert_allclose(scored["mse"], mse, rtol=1e-5, err_msg=block)
    return unpaired, [record.getMessage() for record in caplog.records if "persistence is missing" in
                      record.getMessage()]


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
@pytest.mark.parametrize("kind", list(SERIES))
def test_persistence_of_a_strided_series_is_numpys_shift_by_one(tmp_path, caplog, kind, stride):
    """Hourly, 3-hourly, 6-hourly, daily, pentad and monthly series kept one in 1 to 4: the
    persistence score of every block is numpy's shift by one of the strided raw values. Before,
    6-hourly data one in four, daily, pentad and monthly data one in two or more had none
    ("6 hours cells 1 day apart", "the run's own time selection … thinned the pentads"), while
    hourly and 3-hourly data kept theirs."""
    times = _complete(kind)
    unpaired, said = _train_and_compare(tmp_path, times, np.arange(len(times)), stride, caplog,
                                        calendar="standard" if kind == "pentad" else "noleap")
    assert unpaired == 0 and said == []


@pytest.mark.parametrize(("kind", "stride"), [("hourly", 3), ("3-hourly", 2), ("6-hourly", 4), ("daily", 2),
                                              ("pentad", 3), ("monthly", 2)])
def test_a_step_missing_from_the_file_is_not_bridged_under_a_stride(tmp_path, caplog, kind, stride):
    """The file lacks a step in each block: the stride keeps one in n of the steps it holds,
    so the value kept after each gap lies more than n steps after the one kept before it. Its
    persistence is missing (numpy's pairs n steps apart only), and one warning line says how
    many values lack it; before, such an axis had no persistence at all ("no regular step")."""
    complete = _complete(kind)
    n = len(complete)
    missing = [n // 4, (85 * n) // 100, (95 * n) // 100]  # in the training, validation and test blocks
    times, places = np.delete(complete, missing), np.delete(np.arange(n), missing)
    unpaired, said = _train_and_compare(tmp_path, times, places, stride, caplog,
                                        calendar="standard" if kind == "pentad" else "noleap")
    assert unpaired >= 1
    span = {"hourly": "3 hours", "3-hourly": "6 hours", "6-hourly": "1 day", "daily": "2 days",
            "pentad": "3 pentads", "monthly": "2 months"}[kind]
    assert set(said) == {
        f"persistence is missing at {unpaired} time step{'s' if unpaired > 1 else ''} after gaps in the {kind} time "
        f"axis, of which the run kept one step in {stride} (--time-stride {stride}): the value {span} before each "
        "(one step of the series kept) is not in the data, and the value kept before the gap is not taken in its "
        "place"}

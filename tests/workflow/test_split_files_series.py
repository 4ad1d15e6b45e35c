"""Blocks of ``split_files`` that are consecutive pieces of one series (break44a A7): the 2019 monthly
files after a 2004–2018 file. The first step of each later block takes its lag and its persistence from
the block before, as a split by years of the same files concatenated does; blocks that overlap in time
(ensemble members, break43c A6) stay each its own series, and what they leave unscored is said.

The reference is the split by years of the same values in one file: the same samples and the same
scores, and the counts and persistence MSEs are recomputed with numpy from the values written.
"""

import json
import logging

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import grid_dataset

TINY = {"epochs": 2, "batch_size": 32, "learning_rate": 3e-3}
STEPS = {"train": np.arange(0, 36), "val": np.arange(36, 48), "test": np.arange(48, 60)}


def _values():
    """tas and pred 2000–2004, monthly on 4 × 6 cells, tas missing in one cell of July 2001 and of the
    test block's first month (so the counts are not those of a full grid)."""
    full = grid_dataset(n_years=5)
    tas = full["tas"].values.copy()
    tas[18, 1, 2] = np.nan
    tas[48, 2, 3] = np.nan
    return full.assign(tas=(full["tas"].dims, tas, full["tas"].attrs))[["tas", "pred"]]


def _weighted_persistence_mse(tas, steps):
    """Persistence MSE over ``steps``: each month forecast by the month before (``steps − 1``, in the
    series as a whole), cos-latitude cell areas (sin of the edges), complete pairs only; and their count."""
    area = np.diff(np.sin(np.deg2rad([-90.0, -45.0, 0.0, 45.0, 90.0])))[:, None] * np.ones((1, 6))
    error = tas[steps] - tas[steps - 1]
    present = np.isfinite(error)
    weights = np.broadcast_to(area, error.shape)[present]
    return float(np.sum(weights * error[present] ** 2) / weights.sum()), int(present.sum())


def _run(tmp_path, name, data, mode):
    settings = {"data": {"target": "tas", "predictors": ["pred"], "features": [], "lags": {"tas": [1]},
                         "mode": mode, **data},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / name)
    return json.loads((run.run_dir / "metrics.json").read_text())


def _member_blocks(tmp_path) -> dict[str, list[str]]:
    """train = member 1 2000–2002 (r1.nc), val = member 2 over the same dates (r2.nc), test = member 1
    2003 (r1_later.nc): the ``split_files`` of blocks that overlap in time."""
    first, second = grid_dataset(n_years=4, seed=1), grid_dataset(n_years=4, seed=2)
    first[["tas", "pred"]].isel(time=slice(0, 36)).to_netcdf(tmp_path / "r1.nc")
    second[["tas", "pred"]].isel(time=slice(0, 36)).to_netcdf(tmp_path / "r2.nc")
    first[["tas", "pred"]].isel(time=slice(36, 48)).to_netcdf(tmp_path / "r1_later.nc")
    return {"train": [str(tmp_path / "r1.nc")], "val": [str(tmp_path / "r2.nc")],
            "test": [str(tmp_path / "r1_later.nc")]}


@pytest.mark.parametrize("mode", ["pointwise", "field"])
def test_consecutive_block_files_score_as_the_split_by_years_of_the_same_values(tmp_path, caplog, mode):
    """train = one file of 2000–2002, val = twelve monthly files of 2003, test = one file of 2004, with the
    target's lag 1: the val and test blocks' first months lost their lag and persistence (6930 of 8316 values
    scored in break44a A7, without a word on the terminal). Now the run scores as the split by years of the same
    values in one file (split_years with the same years) does: the same samples and the same scores of every
    model in every block, and numpy recomputes the counts and the persistence MSEs."""
    values = _values()
    values.to_netcdf(tmp_path / "all.nc")
    values.isel(time=STEPS["train"]).to_netcdf(tmp_path / "train.nc")
    for step in STEPS["val"]:
        values.isel(time=[step]).to_netcdf(tmp_path / f"val_{step:02d}.nc")
    values.isel(time=STEPS["test"]).to_netcdf(tmp_path / "test.nc")
    files = {"train": [str(tmp_path / "train.nc")], "val": [str(tmp_path / "val_*.nc")],
             "test": [str(tmp_path / "test.nc")]}
    with caplog.at_level(logging.WARNING, logger="climann"):
        by_files = _run(tmp_path, "files", {"split_files": files}, mode)
    assert not [record for record in caplog.records if "is missing" in record.getMessage()]
    years = {"train": [2000, 2002], "val": [2003, 2003], "test": [2004, 2004]}
    by_years = _run(tmp_path, "years", {"paths": [str(tmp_path / "all.nc")], "split_years": years}, mode)
    tas = values["tas"].values.astype(np.float64)
    for name, steps in STEPS.items():
        with_lag = steps[steps >= 1]  # January 2000 alone has no month before it
        # the samples: the target present and, pointwise, its lag 1 at the cell (in field mode the lag is
        # the field's mean, present wherever any cell is)
        present = np.isfinite(tas[with_lag]) & (np.isfinite(tas[with_lag - 1]) if mode == "pointwise" else True)
        mse, n_pairs = _weighted_persistence_mse(tas, with_lag)
        for run in (by_files, by_years):
            scored = run["splits"][name]
            assert scored["model"]["n_samples"] == int(present.sum()), name
            assert scored["persistence"]["n_samples"] == n_pairs, name
            assert scored["persistence"]["mse"] == pytest.approx(mse, rel=1e-12), name
        for model in ("model", "linear", "climatology", "persistence"):
            files_score, years_score = by_files["splits"][name][model], by_years["splits"][name][model]
            assert files_score["n_samples"] == years_score["n_samples"], (name, model)
            assert files_score["mse"] == pytest.approx(years_score["mse"], rel=1e-9), (name, model)
    notes = [(note["split"], note["n_samples"], note["of"]) for note in by_files.get("notes", [])
             if note["model"] == "persistence"]
    assert notes == [(note["split"], note["n_samples"], note["of"]) for note in by_years.get("notes", [])
                     if note["model"] == "persistence"]
    if mode == "pointwise":  # every value with a sample has its month before: persistence scores them all
        assert notes == []


def test_blocks_over_the_same_years_stay_their_own_series_and_their_unscored_months_are_said(tmp_path, caplog):
    """train = member 1 2000–2002, val = member 2 2000–2002 (the same dates), test = member 1 2003: the blocks
    overlap in time, so none takes a lag from the block before (member 2's December 2002 is not member 1's), not
    even the test block, whose first month follows the val block's last. Each later block's first month has no
    lag 1: its samples are dropped and said on the terminal, not only in the log."""
    files = _member_blocks(tmp_path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = _run(tmp_path, "members", {"split_files": files}, "pointwise")
    assert {name: metrics["splits"][name]["model"]["n_samples"] for name in files} == {
        "train": 35 * 24, "val": 35 * 24, "test": 11 * 24}
    said = [record.getMessage() for record in caplog.records if record.getMessage().startswith("lag 1 is missing")]
    assert len(said) == 1 and "(2000-01-15 (train, val), 2003-01-15)" in said[0], said
    assert "at 2 the step 1 month before is before the first time step of its block's files" in said[0]


def _shared_target_files(tmp_path, steps):
    """tas 2000–2004 in one shared file, the blocks' files holding only pred (each block its ``steps``;
    val and test from other seeds where they repeat the training dates, as IMERG Early beside Final)."""
    values = _values()
    values[["tas"]].to_netcdf(tmp_path / "tas_shared.nc")
    files = {}
    for seed, (name, chosen) in enumerate(steps.items()):
        other = grid_dataset(n_years=5, seed=seed + 10)["pred"]
        other.isel(time=chosen).to_dataset().to_netcdf(tmp_path / f"pred_{name}.nc")
        files[name] = [str(tmp_path / f"pred_{name}.nc")]
    return values, {"paths": [str(tmp_path / "tas_shared.nc")], "split_files": files}


def test_a_target_only_in_the_shared_files_is_taken_by_each_block_over_its_own_steps(tmp_path):
    """The target in ``[data] paths`` only, the blocks' files of other years holding the predictor: each block
    is scored on the target over its own years, as numpy's persistence MSE of each block's own months says (not
    the same numbers in every block, break46b A1)."""
    values, data = _shared_target_files(tmp_path, STEPS)
    metrics = _run(tmp_path, "shared", data, "pointwise")
    tas = values["tas"].values.astype(np.float64)
    scores = {}
    for name, steps in STEPS.items():
        mse, n_pairs = _weighted_persistence_mse(tas, steps[steps >= 1])
        scored = metrics["splits"][name]["persistence"]
        assert (scored["n_samples"], scored["mse"]) == (n_pairs, pytest.approx(mse, rel=1e-12)), name
        scores[name] = scored["mse"]
    assert len(set(scores.values())) == 3, scores


@pytest.mark.parametrize(("test_steps", "shared", "first", "last"), [
    pytest.param(np.arange(0, 60), 36, "2000-01-15", "2002-12-15", id="the same years in every block"),
    pytest.param(np.arange(24, 36), 12, "2002-01-15", "2002-12-15", id="the test block repeats the last train year"),
])
def test_blocks_on_the_dates_of_a_target_only_in_the_shared_files_are_refused(tmp_path, test_steps, shared, first,
                                                                              last):
    """IMERG Final for train, Early for test over the same years, the GloFAS target in ``--data`` only: every
    block took the same target values, the test block scored on the values trained on, with identical
    climatology and persistence scores in train and test and exit 0 (break46b A1). Refused in one line naming
    the blocks, their common dates (counted here from the steps written) and the ways out."""
    steps = {"train": np.arange(0, 36), "val": np.arange(36, 48), "test": test_steps}
    _, data = _shared_target_files(tmp_path, steps)
    with pytest.raises(ClimannError) as raised:
        _run(tmp_path, "shared", data, "pointwise")
    message = str(raised.value)
    assert "\n" not in message
    common = np.intersect1d(steps["train"], steps["test"]).size
    assert common == shared
    assert (f"the target 'tas' is only in [data] paths (--data) (tas_shared.nc), which every block of split_files "
            f"reads, and the test block shares {common} of its dates ({first} to {last}) with the train block: the "
            f"test block would take the train block's tas values") in message, message
    assert "list tas's files under each block" in message and "climann evaluate RUN --data" in message
    assert not (tmp_path / "shared").exists()


def test_blocks_over_the_same_dates_are_told_apart_in_predictions_nc_by_their_block(tmp_path):
    """fix46k left it: a split by model (member 1 as train, member 2 as val, over the same months) wrote
    predictions.nc with every date twice on its one time axis, and nothing to tell one model's from the other's
    but the split flag. Each step now carries the block it was read from (an auxiliary coordinate ``block``):
    xarray selects one block with unique dates, its values those of its own file (numpy's), and the fields stay
    (time, lat, lon) with the split flags earlier readers take."""
    import xarray as xr

    from climann.evaluation.predictions import split_labels

    files = _member_blocks(tmp_path)
    _run(tmp_path, "members", {"split_files": files}, "pointwise")
    with xr.open_dataset(tmp_path / "members" / "predictions.nc") as written:
        assert not written.indexes["time"].is_unique  # the blocks' dates, one block after another
        assert written["tas"].dims == ("time", "lat", "lon")
        assert written["block"].dims == ("time",) and "block" in written.coords
        np.testing.assert_array_equal(split_labels(written["split"]), written["block"].values)
        for name, (path,) in files.items():  # each block against its own file, read back
            source = xr.load_dataset(path)
            block = written.where(written["block"] == name, drop=True)
            assert block.indexes["time"].is_unique and block.sizes["time"] == source.sizes["time"]
            np.testing.assert_array_equal(block.indexes["time"], source.indexes["time"])
            np.testing.assert_allclose(block["tas"].values, source["tas"].values, rtol=1e-6)
        assert sorted(group for group, _ in written.groupby("block")) == ["test", "train", "val"]

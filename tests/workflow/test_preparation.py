"""Data preparation for a run: area-mean features over the whole grid, and splits by dataset."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import os
import re
import subprocess

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config, config_to_toml, load_config_file
from climann.errors import ClimannError
from climann.workflow.pipeline import run_training
from climann.workflow.preparation import (
    new_data_config, open_selected, prepare_data, resolve_inputs, warn_lags_not_read,
)
from climann.evaluation.predictions import split_labels
from tests.conftest import draw_no_run_figures, grid_dataset
from tests.followed_twice import one_copy, without_guards
from tests.fresh_python import shell_path


def cos_mean(field: np.ndarray, lat: np.ndarray) -> np.ndarray:
    weights = np.cos(np.deg2rad(lat))[:, None] * np.ones(field.shape[-1])
    return (field * weights).sum(axis=(1, 2)) / (weights.sum())


def test_global_and_regional_means_cover_their_own_boxes_not_the_selected_region(write_grid):
    path = write_grid("grid.nc", n_lat=4, n_lon=6)
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": [],
        "region": [0, 90, 0, 360],  # train on the northern half …
        "global_means": ["pred"], "regional_means": {"pred": [-90, 0, 0, 360]},  # … with southern information
    }}))
    data = prepare_data(config)
    names = data.samples.feature_names
    assert names == ("pred", "pred_global_mean", "pred_mean_90S-0N_0E-360E")
    dataset = grid_dataset(n_lat=4, n_lon=6)
    field, lat = dataset["pred"].values.astype(np.float64), dataset["lat"].values
    t = data.samples.time_index
    np.testing.assert_allclose(data.samples.inputs[:, 1], cos_mean(field, lat)[t], rtol=1e-6)
    south = lat < 0
    np.testing.assert_allclose(data.samples.inputs[:, 2], cos_mean(field[:, south], lat[south])[t], rtol=1e-6)
    assert (data.samples.layout.latitude.values > 0).all()


@pytest.mark.parametrize("features", [pytest.param([], id="no-features"), pytest.param(None, id="default-features")])
def test_a_global_mean_alone_is_an_input_and_is_numpys_area_weighted_mean(write_grid, features):
    """break54d A7: [data] global_means = ["sst"] with no predictors and no features was refused as "no inputs",
    though the global mean is an input that varies. It trains, its column numpy's cos-latitude mean of pred."""
    path = write_grid("grid.nc", n_lat=1 if features is None else 4, n_lon=6)  # one latitude: no default lat
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path)], "target": "tas", "predictors": [], "features": features, "global_means": ["pred"]}}))
    data = prepare_data(config)
    names = data.samples.feature_names
    assert names == (("pred_global_mean",) if features == [] else ("pred_global_mean", "season_sin", "season_cos"))
    dataset = grid_dataset(n_lat=1 if features is None else 4, n_lon=6)
    field, lat = dataset["pred"].values.astype(np.float64), dataset["lat"].values
    np.testing.assert_allclose(data.samples.inputs[:, 0], cos_mean(field, lat)[data.samples.time_index], rtol=1e-6)


@pytest.fixture
def scenarios(write_grid):
    """Three 'scenarios' over the same years 2000–2002, with different random predictors."""
    return {name: write_grid(f"{name}_2000-2002.nc", seed=seed) for seed, name in enumerate(("hist", "ssp2", "ssp5"))}


def split_config(scenarios, **data):
    return build_config({
        "data": {"target": "tas", "predictors": ["pred"], "features": ["lat"],
                 "split_files": {"train": [str(scenarios["hist"])], "val": [str(scenarios["ssp2"])],
                                 "test": [str(scenarios["ssp5"])]}, **data},
        "model": {"hidden": [8]}, "training": {"epochs": 2, "batch_size": 32},
    })


def test_each_block_is_read_from_its_own_files_and_scaled_by_the_training_files(scenarios):
    config = resolve_inputs(split_config(scenarios))
    assert config.data.paths == ()  # no default sample once the blocks name their files
    data = prepare_data(config)
    for block, name in (("train", "hist"), ("val", "ssp2"), ("test", "ssp5")):
        with xr.open_dataset(scenarios[name]) as source:
            expected = source["pred"].values.reshape(-1)
        np.testing.assert_array_equal(data.samples.inputs[data.sample_masks[block], 0], expected)
    with xr.open_dataset(scenarios["hist"]) as source:
        assert data.input_scaler.mean[0] == pytest.approx(float(source["pred"].values.mean(dtype=np.float64)), rel=1e-6)
    assert data.split.descriptions["test"] == "2000–2002 (test files)"


def test_a_run_split_by_dataset_writes_every_block_and_reruns_from_its_config(scenarios, tmp_path, monkeypatch):
    draw_no_run_figures(monkeypatch)  # its blocks, predictions and config are checked, not its figures
    run = run_training(split_config(scenarios), run_dir=tmp_path / "run")
    assert set(run.metrics["splits"]) == {"train", "val", "test"}
    # each block is its own series since fix43h (persistence within the block; its values are checked against numpy
    # in tests/workflow/test_pipeline_baselines.py): the dates repeating across blocks no longer drop it
    assert set(run.metrics["splits"]["test"]) == {"model", "climatology", "linear", "persistence"}
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        assert predictions.sizes["time"] == 3 * 36
        labels = split_labels(predictions["split"])
        assert list(labels[[0, 36, 72]]) == ["train", "val", "test"]
        with xr.open_dataset(scenarios["ssp5"]) as source:
            np.testing.assert_allclose(predictions["tas"].values[72:], source["tas"].values, rtol=1e-6)
    reloaded = build_config(load_config_file(run.run_dir / "config.toml"))
    assert reloaded.data.split_files["test"] == (str(scenarios["ssp5"].resolve()),)
    assert config_to_toml(reloaded) == config_to_toml(run.config)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param({"split_years": {"train": [2000, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
                     "leave split_years", id="with-split-years"),
        pytest.param({"split_gap_years": 1}, "leave split_years and split_gap_years", id="with-gap"),
    ],
)
def test_a_split_by_dataset_excludes_the_split_by_years(scenarios, extra, message):
    with pytest.raises(ClimannError, match=message):
        split_config(scenarios, **extra)


@pytest.fixture
def scenarios_with_orography(write_grid, tmp_path):
    """Blocks of 3, 1 and 2 years (2000 on, 4×6 cells) and a static ``orog`` file without a time axis."""
    files = {name: write_grid(f"{name}.nc", n_years=years, seed=seed)
             for seed, (name, years) in enumerate((("hist", 3), ("ssp2", 1), ("ssp5", 2)))}
    orography = grid_dataset(seed=7)[["static"]].rename(static="orog")
    orography.to_netcdf(tmp_path / "orog.nc")
    return files, tmp_path / "orog.nc"


def _orography_config(files, paths):
    return build_config({"data": {
        "paths": [str(p) for p in paths], "target": "tas", "predictors": ["pred", "orog"], "features": [],
        "split_files": {"train": [str(files["hist"])], "val": [str(files["ssp2"])], "test": [str(files["ssp5"])]},
    }})


def test_static_fields_in_paths_join_every_block_of_its_own_files(scenarios_with_orography):
    """Each block holds its own file's steps only (36, 12 and 24 months of 24 cells) with the
    shared orography at every step."""
    files, orography = scenarios_with_orography
    data = prepare_data(resolve_inputs(_orography_config(files, [orography])))
    with xr.open_dataset(orography) as static:
        orog = static["orog"].values
    for block, name, n_months in (("train", "hist", 36), ("val", "ssp2", 12), ("test", "ssp5", 24)):
        inputs = data.samples.inputs[data.sample_masks[block]]
        assert len(inputs) == n_months * orog.size
        with xr.open_dataset(files[name]) as source:
            np.testing.assert_array_equal(inputs[:, 0], source["pred"].values.reshape(-1))
        np.testing.assert_array_equal(inputs[:, 1], np.broadcast_to(orog, (n_months, *orog.shape)).reshape(-1))


def test_a_shared_series_of_a_variable_no_block_holds_is_taken_over_each_blocks_period(scenarios_with_orography,
                                                                                       tmp_path):
    """A predictor series over 2000–2002 (a forcing) beside blocks of tas alone: each block
    gets the forcing at its own months only (36, 12 and 24 of them), not every block's."""
    files, orography = scenarios_with_orography
    targets = {}
    for name, path in files.items():
        with xr.open_dataset(path) as source:
            targets[name] = source[["tas"]].load()
        targets[name].to_netcdf(tmp_path / f"tas_{name}.nc")
    forcing = grid_dataset(n_years=3, seed=11)[["pred"]]
    forcing.to_netcdf(tmp_path / "forcing.nc")
    data = prepare_data(resolve_inputs(_orography_config({name: tmp_path / f"tas_{name}.nc" for name in files},
                                                         [orography, tmp_path / "forcing.nc"])))
    pred = forcing["pred"].values
    for block, name, n_months in (("train", "hist", 36), ("val", "ssp2", 12), ("test", "ssp5", 24)):
        mask = data.sample_masks[block]
        assert mask.sum() == n_months * pred[0].size
        np.testing.assert_array_equal(data.samples.inputs[mask, 0], pred[:n_months].reshape(-1))
        np.testing.assert_array_equal(data.samples.target[mask, 0], targets[name]["tas"].values.reshape(-1))


@pytest.mark.parametrize("start_year", [
    pytest.param(2003, id="series-just-after-the-blocks-years"),
    pytest.param(2010, id="series-years-after-the-blocks"),
])
def test_a_shared_file_of_a_static_field_and_an_unused_series_of_the_blocks_variable_passes(
        scenarios_with_orography, tmp_path, start_year):
    """orog beside a series of pred (which the blocks hold too) in one shared file, with
    predictors = orog: pred is never read, so no block trains on it; each block holds its own
    months with the shared orography at every step (the file, whose steps are outside every
    block's period, was dropped with its orog)."""
    files, orography = scenarios_with_orography
    with xr.open_dataset(orography) as static:
        orog = static["orog"].values
    series = grid_dataset(n_years=2, seed=13)[["pred"]]
    series = series.assign_coords(time=[cftime.datetime(t.year - 2000 + start_year, t.month, t.day, calendar="noleap")
                                        for t in series["time"].values])
    series.assign(orog=(("lat", "lon"), orog, {"units": "m"})).to_netcdf(tmp_path / "fx_plus_pred.nc")
    config = build_config({"data": {
        "paths": [str(tmp_path / "fx_plus_pred.nc")], "target": "tas", "predictors": ["orog"], "features": [],
        "split_files": {"train": [str(files["hist"])], "val": [str(files["ssp2"])], "test": [str(files["ssp5"])]},
    }})
    data = prepare_data(resolve_inputs(config))
    for block, name, n_months in (("train", "hist", 36), ("val", "ssp2", 12), ("test", "ssp5", 24)):
        mask = data.sample_masks[block]
        np.testing.assert_array_equal(data.samples.inputs[mask, 0],
                                      np.broadcast_to(orog, (n_months, *orog.shape)).reshape(-1))
        with xr.open_dataset(files[name]) as source:
            np.testing.assert_array_equal(data.samples.target[mask, 0], source["tas"].values.reshape(-1))


@pytest.mark.parametrize(("shared", "message"), [
    pytest.param("*.nc", r"^hist.nc is in \[data\] paths \(--data\), which every block", id="glob-of-the-blocks"),
    pytest.param("later", r"^later.nc in \[data\] paths \(--data\) holds .*tas.* at 12 time steps", id="time-series"),
])
def test_a_shared_file_that_puts_time_steps_in_every_block_is_refused(scenarios_with_orography, write_grid,
                                                                       shared, message):
    """Trained, each block held every block's steps (train = val = test)."""
    files, orography = scenarios_with_orography
    paths = [orography.parent / shared] if shared == "*.nc" else [orography, write_grid("later.nc", n_years=1)]
    with pytest.raises(ClimannError, match=message):
        prepare_data(resolve_inputs(_orography_config(files, paths)))


def test_a_missing_block_is_refused_with_the_files_given_as_plain_lists(scenarios):
    """The files given were shown as a Python dict of tuples (break29b A8)."""
    train, test = str(scenarios["hist"]), str(scenarios["ssp5"])
    with pytest.raises(ClimannError) as refused:
        build_config({"data": {"split_files": {"train": [train], "test": [test, train]}}})
    assert str(refused.value).startswith(
        '[data] split_files must give files for each block: {train = ["…"], val = ["…"], test = ["…"]}; no files for '
        f'val (got train = ["{train}"], test = ["{test}", "{train}"]); ')


def test_a_block_of_another_name_is_refused_by_name(scenarios):
    files = [str(scenarios["hist"])]
    with pytest.raises(ClimannError) as refused:
        build_config({"data": {"split_files": {"train": files, "valid": files, "test": files}}})
    assert str(refused.value).endswith(f'; no files for val; no block valid (got train = ["{files[0]}"], '
                                       f'valid = ["{files[0]}"], test = ["{files[0]}"])')


def test_a_block_outside_the_selected_period_is_refused(write_grid, scenarios):
    later = write_grid("later.nc", n_years=1)  # 2000 only
    config = resolve_inputs(split_config(scenarios, time_range=["2001", "2002"]))
    blocks = {**config.data.split_files, "val": (str(later),)}
    config = dataclasses.replace(config, data=dataclasses.replace(config.data, split_files=blocks))
    with pytest.raises(ClimannError, match="2001"):
        prepare_data(config)


def _rewrite_tas(path, units, shift):
    with xr.open_dataset(path) as source:
        dataset = source.load()
    dataset["tas"] = (dataset["tas"] - shift).assign_attrs({**dataset["tas"].attrs, "units": units})
    dataset.to_netcdf(path)


def test_a_block_in_other_units_is_converted_to_the_training_blocks_units(scenarios, caplog):
    import logging

    _rewrite_tas(scenarios["ssp2"], "degC", 273.15)
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(resolve_inputs(split_config(scenarios)))
    assert "'tas' in ssp2_2000-2002.nc converted from degC to K, the units of the train block" in caplog.text
    val = data.sample_masks["val"]
    expected = grid_dataset(seed=1)["tas"].values.reshape(-1)  # the val block's field, in K
    np.testing.assert_allclose(data.samples.target[val, 0], expected[data.samples.flat_index[val] % expected.size],
                               rtol=0, atol=1e-4)
    assert data.samples.layout.target_units == "K"


def test_a_block_in_units_that_do_not_convert_is_refused(scenarios):
    _rewrite_tas(scenarios["ssp5"], "m", 0.0)
    with pytest.raises(ClimannError, match="'tas' is in 'm' in ssp5_2000-2002.nc but in 'K' in the train block"):
        prepare_data(resolve_inputs(split_config(scenarios)))


def test_a_variable_renamed_in_some_years_is_prepared_as_if_renamed_by_hand(tmp_path):
    """ERA5's ``t2m`` for 2000–2001, CMIP's ``tas`` for 2002–2003 and ``pred`` in a file of its
    own: with ``rename = {"t2m_*" = {t2m = "tas"}}`` the run's samples, split and scaling are
    those of the same files renamed by hand (before, only the CMIP years were trained on)."""
    full = grid_dataset(n_years=4)[["tas", "pred"]]
    configs = {}
    for folder, t2m in (("renamed", "t2m"), ("by_hand", "tas")):
        (tmp_path / folder).mkdir()
        full[["tas"]].isel(time=slice(0, 24)).rename(tas=t2m).to_netcdf(tmp_path / folder / f"{t2m}_2000-2001.nc")
        full[["tas"]].isel(time=slice(24, 48)).to_netcdf(tmp_path / folder / "tas_2002-2003.nc")
        full[["pred"]].to_netcdf(tmp_path / folder / "pred_2000-2003.nc")
        configs[folder] = resolve_inputs(build_config({"data": {
            "paths": [str(tmp_path / folder / "*.nc")], "target": "tas", "predictors": ["pred"], "features": ["lat"],
            "rename": {"t2m_*": {"t2m": "tas"}} if folder == "renamed" else {},
        }}))
    renamed, by_hand = prepare_data(configs["renamed"]), prepare_data(configs["by_hand"])
    expected = full["tas"].values.reshape(-1)
    assert renamed.samples.target.shape[0] == expected.size  # every cell of all four years
    np.testing.assert_array_equal(renamed.samples.target[:, 0], expected[renamed.samples.flat_index])
    assert renamed.split.descriptions == by_hand.split.descriptions
    for name in ("scaled_inputs", "scaled_target"):
        np.testing.assert_array_equal(getattr(renamed, name), getattr(by_hand, name))
    for block, mask in by_hand.sample_masks.items():
        np.testing.assert_array_equal(renamed.sample_masks[block], mask)
    np.testing.assert_array_equal(renamed.input_scaler.mean, by_hand.input_scaler.mean)
    np.testing.assert_array_equal(renamed.target_scaler.std, by_hand.target_scaler.std)


def _renamed_split_configs(tmp_path, rename):
    """ERA5's ``t2m`` for 2000–2001 as the train block, CMIP's ``tas`` for 2002 and 2003 as the
    val and test blocks, ``pred`` in a file of its own: with ``rename``, and renamed by hand."""
    full = grid_dataset(n_years=4)[["tas", "pred"]]
    configs = {}
    for folder, t2m in (("renamed", "t2m"), ("by_hand", "tas")):
        (tmp_path / folder).mkdir()
        train = tmp_path / folder / f"{t2m}_2000-2001.nc"
        full[["tas"]].isel(time=slice(0, 24)).rename(tas=t2m).to_netcdf(train)
        for year, first in ((2002, 24), (2003, 36)):
            full[["tas"]].isel(time=slice(first, first + 12)).to_netcdf(tmp_path / folder / f"tas_{year}.nc")
        full[["pred"]].to_netcdf(tmp_path / folder / "pred_2000-2003.nc")
        configs[folder] = resolve_inputs(build_config({"data": {
            "paths": [str(tmp_path / folder / "pred_2000-2003.nc")], "target": "tas", "predictors": ["pred"],
            "features": ["lat"], "rename": rename if folder == "renamed" else {},
            "split_files": {"train": [str(train)], "val": [str(tmp_path / folder / "tas_2002.nc")],
                            "test": [str(tmp_path / folder / "tas_2003.nc")]},
        }}))
    return full, configs


def test_a_rename_matching_the_train_blocks_files_only_applies_with_split_files(tmp_path):
    """The pattern ``t2m_*`` matches a file of the train block only: each block was opened with
    every rule and the val block refused it ("matches none of the files")."""
    full, configs = _renamed_split_configs(tmp_path, {"t2m_*": {"t2m": "tas"}})
    renamed, by_hand = prepare_data(configs["renamed"]), prepare_data(configs["by_hand"])
    expected = full["tas"].values.reshape(-1)
    np.testing.assert_array_equal(renamed.samples.target[:, 0], expected[renamed.samples.flat_index])
    assert renamed.split.descriptions == by_hand.split.descriptions
    np.testing.assert_array_equal(renamed.scaled_inputs, by_hand.scaled_inputs)
    np.testing.assert_array_equal(renamed.scaled_target, by_hand.scaled_target)


def test_a_rename_whose_old_name_no_blocks_file_holds_is_refused_with_split_files(tmp_path):
    _, configs = _renamed_split_configs(tmp_path, {"t2m_*": {"t2n": "tas"}})
    with pytest.raises(ClimannError, match=r"^rename: 't2n' is not in t2m_2000-2001.nc; its variables: t2m"):
        prepare_data(configs["renamed"])


def test_field_anomalies_use_the_training_years_climatology(write_grid):
    path = write_grid("grid.nc", n_lat=3, n_lon=4, n_years=4)
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path)], "target": "tas", "predictors": [], "features": ["season"], "mode": "field",
        "anomalies": ["pred"], "split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]},
    }}))
    data = prepare_data(config)
    dataset = grid_dataset(n_lat=3, n_lon=4, n_years=4)
    pred, lat = dataset["pred"].values.astype(np.float64), dataset["lat"].values
    climatology = pred[:24].reshape(2, 12, 3, 4).mean(axis=0)  # the years 2000 and 2001, by calendar month
    anomaly = pred - np.tile(climatology, (4, 1, 1))
    assert data.samples.feature_names == ("pred_anomaly_mean", "season_sin", "season_cos")
    np.testing.assert_allclose(data.samples.inputs[:, 0], cos_mean(anomaly, lat), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(data.samples.climatologies["pred"], climatology, rtol=1e-6)


def _with_gaps(tmp_path, *, years_without_pred: int = 0):
    """grid_dataset over 6 years, ``pred`` missing in the first ``years_without_pred`` years
    (the training block), ``landonly`` missing in its first longitude column."""
    dataset = grid_dataset(n_years=6)
    dataset["pred"][: 12 * years_without_pred] = np.nan
    path = tmp_path / "gaps.nc"
    dataset.to_netcdf(path)
    return path, dataset


def test_a_block_without_samples_names_the_predictor_missing_wherever_the_target_is(tmp_path):
    path, _ = _with_gaps(tmp_path, years_without_pred=4)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred", "landonly"],
                                    "features": []}})
    with pytest.raises(ClimannError) as refused:
        prepare_data(resolve_inputs(config))
    assert str(refused.value) == (
        f"the train block ({prepare_split_text(config)}) has no sample with 'tas' and every feature present: pred is "
        "missing wherever 'tas' is present; leave it out of [data] predictors (--predictors) or features, or check "
        "its file")


def test_a_block_where_the_target_has_no_value_names_the_period_it_has(tmp_path):
    """A DCPP start cut from an outer-joined file holds values in its own years only: the test
    block named the problem without the period to choose (break15 F15). The range advised is
    of the whole years in it (break29b A7: 2012-01,2018-01 of values that end on 2018-01-09
    left a test block of one month, most of it without values)."""
    dataset = grid_dataset(n_years=6)  # 2000-2005, monthly
    dataset["tas"][:10] = np.nan   # values from 2000-11 …
    dataset["tas"][53:] = np.nan   # … to 2004-05
    dataset.to_netcdf(tmp_path / "joined.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "joined.nc")], "target": "tas", "predictors": ["pred"],
                                    "features": []}})
    with pytest.raises(ClimannError) as refused:
        prepare_data(resolve_inputs(config))
    assert str(refused.value).endswith(
        "has no sample with 'tas' and every feature present: 'tas' itself has no value there, only from 2000-11 to "
        "2004-05 (an outer join of forecasts started at other times, a file of another period?); choose its whole "
        "years with [data] time_range (--time-range 2001,2003), or check the files")
    advised = build_config({"data": {"paths": [str(tmp_path / "joined.nc")], "target": "tas", "predictors": ["pred"],
                                     "features": [], "time_range": ["2001", "2003"]}})
    data = prepare_data(resolve_inputs(advised))  # the advice trains: three whole years, each with values
    assert data.split.descriptions == {"train": "2001", "val": "2002", "test": "2003"}
    in_blocks = data.sample_masks["train"] | data.sample_masks["val"] | data.sample_masks["test"]
    sampled = data.samples.layout.time.values[np.unique(data.samples.time_index[in_blocks])]
    assert [(time.year, time.month) for time in sampled] == [(year, month) for year in (2001, 2002, 2003)
                                                             for month in range(1, 13)]


def test_a_block_with_sub_daily_steps_without_values_names_them_with_their_hour(caplog):
    """6-hourly steps were named "2018-01-10, 2018-01-10, …" (break29b A7)."""
    from datetime import timedelta

    import cftime

    from climann.data.splits import TimeSplit
    from climann.workflow.preparation import warn_steps_without_target

    start = cftime.DatetimeGregorian(2018, 1, 1)
    times = np.array([start + timedelta(hours=6 * step) for step in range(124)])
    present = np.arange(124) < 36  # values to 2018-01-09 18:00
    split = TimeSplit(time_masks={"test": np.ones(124, dtype=bool)}, descriptions={"test": "2018-01"})
    with caplog.at_level("WARNING"):
        warn_steps_without_target(split, present, "t2m", times)
    said = [record.getMessage() for record in caplog.records if "has no value of" in record.getMessage()]
    assert said == ["the test block (2018-01) has no value of 't2m' at 88 of its 124 time steps (2018-01-10 00:00, "
                    "2018-01-10 06:00, …, 2018-01-31 18:00): its scores cover the other 36"]


def prepare_split_text(config) -> str:
    """The train block's description, from the split alone (4 of 6 years)."""
    from climann.workflow.preparation import split_for, pointwise_source, open_selected

    layout = pointwise_source(config, open_selected(config)).layout
    return split_for(config, layout).descriptions["train"]


def test_features_missing_in_different_places_are_named_with_their_fractions(tmp_path):
    """pred missing on columns 1-5, landonly on column 0: no complete sample; they lack 5/6
    and 1/6 of the values of tas (hand count)."""
    dataset = grid_dataset(n_years=6)
    dataset["pred"][:, :, 1:] = np.nan
    path = tmp_path / "apart.nc"
    dataset.to_netcdf(path)
    config = resolve_inputs(build_config({"data": {"paths": [str(path)], "target": "tas",
                                                   "predictors": ["pred", "landonly"], "features": []}}))
    tas_present = np.isfinite(dataset["tas"].values)
    expected = {name: np.isnan(dataset[name].values)[tas_present].mean() for name in ("pred", "landonly")}
    assert expected == {"pred": pytest.approx(5 / 6), "landonly": pytest.approx(1 / 6)}
    with pytest.raises(ClimannError, match=r"no sample has 'tas' and every feature present in apart.nc: the features are missing "
                                           r"in different places where 'tas' is present \(pred \(83%\), landonly "
                                           r"\(17%\) of its values\)"):
        prepare_data(config)


def _rewrite_grid(path, reorder):
    with xr.open_dataset(path) as source:
        dataset = source.load()
    reorder(dataset).to_netcdf(path)


@pytest.mark.parametrize(
    "reorder",
    [
        pytest.param(lambda d: d.isel(lat=slice(None, None, -1)), id="north-to-south"),
        pytest.param(lambda d: d.assign_coords(lon=((d.lon + 180.0) % 360.0) - 180.0).sortby("lon"),
                     id="minus-180-to-180"),
        pytest.param(lambda d: d.assign_coords(lon=((d.lon + 180.0) % 360.0) - 180.0).sortby("lon")
                     .isel(lat=slice(None, None, -1)), id="both"),
    ],
)
@pytest.mark.parametrize(
    ("subset", "cells"),
    [
        pytest.param({}, {}, id="global"),
        # lat ±22.5, lon 30, 90, 330 (the train file's order)
        pytest.param({"region": [-60, 60, 300, 100]}, {"lat": [1, 2], "lon": [0, 1, 5]}, id="region-across-the-seam"),
        # every 2nd cell of the train file: lat −67.5, 22.5, lon 30, 150, 270
        pytest.param({"grid_stride": 2}, {"lat": [0, 2], "lon": [0, 2, 4]}, id="grid-stride"),
    ],
)
def test_a_block_with_the_same_cells_in_another_order_is_aligned_by_value(scenarios, reorder, subset, cells):
    _rewrite_grid(scenarios["ssp2"], reorder)
    data = prepare_data(resolve_inputs(split_config(scenarios, **subset)))
    layout = data.samples.layout  # the train block's grid
    original = grid_dataset(seed=1).isel(cells)  # the val block's field at the cells kept, by hand
    np.testing.assert_array_equal(layout.latitude.values, original.lat.values)
    np.testing.assert_array_equal(layout.longitude.values, original.lon.values)
    val = data.sample_masks["val"]
    expected = original["pred"].values.reshape(-1)
    np.testing.assert_array_equal(data.samples.inputs[val, 0], expected[data.samples.flat_index[val] % expected.size])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d.assign_coords(lon=d.lon + 10.0), r"lon differs by up to 10° between "
                     r"hist_2000-2002.nc \(train\) and ssp5_2000-2002.nc \(test\)", id="shifted"),
        pytest.param(lambda d: d.isel(lat=slice(0, 3)), r"lat has 4 values in hist_2000-2002.nc \(train\) "
                     r"and 3 in ssp5_2000-2002.nc \(test\)", id="fewer-latitudes"),
    ],
)
def test_a_block_on_another_grid_is_refused_naming_both_files(scenarios, change, message):
    _rewrite_grid(scenarios["ssp5"], change)
    with pytest.raises(ClimannError, match=r"^the split blocks are on different grids: " + message) as error:
        prepare_data(resolve_inputs(split_config(scenarios)))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("n_years", "constant", "refusal"),
    [
        pytest.param(3, False, None, id="trains"),
        pytest.param(1 / 12, False, "the data cover 1 time step (1 year): too few to split", id="one-step"),
        pytest.param(3, True, "feature(s) flag do not vary over the training block", id="constant-predictor"),
    ],
)
def test_check_trains_refuses_what_train_refuses_before_training(tmp_path, n_years, constant, refusal):
    from climann.workflow.preparation import check_trains

    dataset = grid_dataset(n_years=3)[["tas", "pred"]].isel(time=slice(0, round(12 * n_years)))
    if constant:
        dataset["flag"] = xr.zeros_like(dataset["pred"])
    dataset.to_netcdf(tmp_path / "data.nc")
    settings = {"data": {"paths": [str(tmp_path / "data.nc")], "target": "tas",
                         "predictors": ["pred", "flag"] if constant else ["pred"], "features": ["lat"]},
                "evaluation": {"figures": False}}
    if refusal is None:
        check_trains(settings)
        run_training(build_config(settings), run_dir=tmp_path / "run")  # trains, as the check said
        return
    with pytest.raises(ClimannError, match=re.escape(refusal)):
        check_trains(settings)
    with pytest.raises(ClimannError, match=re.escape(refusal)):  # the same refusal as train's
        run_training(build_config({**settings, "training": {"epochs": 1}}), run_dir=tmp_path / "run")


def test_check_trains_reads_the_values_only_up_to_the_size_given(tmp_path):
    """``climann info`` passes a size (INFO_VALUES_LIMIT_GB): beyond it the check reads no
    value, so a constant predictor that train refuses passes it, and it says so (False) — as
    the line under info's config heading does; within it, the values are read and refused."""
    from climann.data.info import describe
    from climann.workflow.preparation import check_trains

    dataset = grid_dataset(n_years=3)[["tas", "pred"]]
    dataset["flag"] = xr.zeros_like(dataset["pred"])
    dataset.to_netcdf(tmp_path / "data.nc")
    settings = {"data": {"paths": [str(tmp_path / "data.nc")], "target": "tas", "predictors": ["pred", "flag"],
                         "features": ["lat"]}}
    with pytest.raises(ClimannError, match=re.escape("feature(s) flag do not vary over the training block")):
        check_trains(settings, values_up_to_gb=1.0)
    assert check_trains(settings, values_up_to_gb=1e-9) is False
    assert check_trains({"data": {**settings["data"], "predictors": ["pred"]}}) is True

    def check(settings):
        return check_trains(settings, values_up_to_gb=1e-9)

    report = describe([str(tmp_path / "data.nc")], check=check)
    lines = report[report.index("# A config that trains as it is"):].splitlines()
    assert lines[lines.index("[data]") - 1] == "# (The data are large: their values are checked when train reads them.)"
    assert "# (The data are large" not in describe([str(tmp_path / "data.nc")], check=check_trains)


def test_a_predictor_with_an_unmarked_fill_value_is_named_when_the_data_are_prepared(tmp_path, caplog, monkeypatch):
    """-9999 over 'land' with no _FillValue: trained on as data (never guessed missing), but said."""
    import logging

    monkeypatch.chdir(tmp_path)

    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].where(dataset["lat"] > dataset["lat"].min(), -9999.0)  # the southern row
    dataset["pred"].encoding["_FillValue"] = None  # xarray would otherwise write NaN's default fill
    dataset.to_netcdf(tmp_path / "fill.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "fill.nc")], "target": "tas", "predictors": ["pred"], "features": []}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    # every value read: 36 monthly steps, 6 cells of the southern row each: 216 of 36 × 24 = 864 values
    held = int((dataset["pred"].values == -9999.0).sum())
    assert held == 216
    assert (f"'pred' in fill.nc holds -9999 at {held} of the {dataset['pred'].size} values checked, at 36 time steps "
            "(2000-01-15, 2000-02-15, 2000-03-15, …), a usual fill value (observation "
            "products' missing value) that no _FillValue or missing_value marks as missing") in caplog.text
    assert "ncatted -a _FillValue,pred,o,f,-9999 fill.nc missing_marked/fill.nc` (its copy in a new folder)" in caplog.text
    assert (data.samples.inputs == -9999.0).any()  # still data


@pytest.mark.parametrize(("variable", "fill"), [
    pytest.param("tas", 9.969209968386869e36, id="target-netcdf-default"),
    pytest.param("pred", 9.969209968386869e36, id="predictor-netcdf-default"),
    pytest.param("pred", -1e34, id="predictor-ferret"),  # (a temperature in K reads -1e34 as missing: absolute_zero)
])
def test_a_fill_like_value_of_1e30_or_more_is_refused_when_the_data_are_prepared(tmp_path, monkeypatch, variable,
                                                                                  fill):
    """break17 F1: an unwritten record's default fill trained on and scored ("skill" 0.40 from
    fills); no quantity is that large: refused with the ncatted that marks it."""
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset()
    dataset[variable][30, 1, 2] = fill  # one value of one record of 36, in the test period
    dataset[variable].encoding["_FillValue"] = None
    dataset.to_netcdf(tmp_path / "fill.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "fill.nc")], "target": "tas", "predictors": ["pred"], "features": []}}))
    with pytest.raises(ClimannError) as refused:
        prepare_data(config)
    message = str(refused.value)
    assert message.startswith(f"'{variable}' in fill.nc holds {np.float32(fill):g} at 1 of the 864 values checked, "
                              "at 1 time step (2002-07-15)")
    assert "no measured or modelled quantity reaches 1e+30" in message and "\n" not in message
    assert "mark them missing: `" in message and f" && ncatted -a _FillValue,{variable},o,f," in message
    assert message.endswith("fill.nc missing_marked/fill.nc` (its copy in a new folder), then give --data "
                            "missing_marked/fill.nc in place of fill.nc")  # fix55a: fill_fixed.nc beside it


def test_cmip_1e20_stays_a_warning(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset()
    dataset["pred"][30, 1, 2] = 1e20
    dataset["pred"].encoding["_FillValue"] = None
    dataset.to_netcdf(tmp_path / "fill.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "fill.nc")], "target": "tas", "predictors": ["pred"], "features": []}}))
    prepare_data(config)
    assert "'pred' in fill.nc holds 1e+20 at 1 of the 864 values checked" in caplog.text


def test_a_target_precipitation_with_a_sign_fault_is_named_when_the_data_are_prepared(tmp_path, caplog, monkeypatch):
    """-5 mm/day in a rain field (no rounding: 1e-3 of its largest value is far smaller) is named,
    and trained on as it is; the rounding negatives of another step are not what is named."""
    import logging

    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset()
    rain = (dataset["pred"] * 80).astype("f4")
    rain[5, 1, 2], rain[7, 0, 0] = -5.0, -1e-6
    dataset["pr"] = rain.assign_attrs(units="mm/day", standard_name="precipitation_flux")
    dataset.to_netcdf(tmp_path / "rain.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "rain.nc")], "target": "pr", "predictors": ["pred"], "features": []}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    negative = int((rain.values < 0).sum())
    assert negative == 2
    assert (f"'pr' in rain.nc holds {negative} negative values of the {rain.size} values checked, down to -5 mm/day"
            in caplog.text)
    assert "below -0.0799" in caplog.text and "at 1 time step (2000-06-15)" in caplog.text
    assert ("ncap2 -s 'where(pr < 0) pr = 0' rain.nc negatives_zero/rain.nc (its copy in a new folder), then give "
            "--data negatives_zero/rain.nc in place of rain.nc") in caplog.text  # fix54b: a folder per alternative
    assert data.samples.target.min() == pytest.approx(-5.0)  # still data


def test_a_target_with_land_stored_as_zero_is_named_when_the_data_are_prepared(tmp_path, caplog, monkeypatch):
    """break15 F4: ROMS output without _FillValue holds 0 on land, which its mask_rho ("land water")
    marks; trained on as data (not guessed missing), but said with the command that masks it."""
    import logging

    from climann.data.notes import forget_notes

    forget_notes()  # said once per run
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset()
    land = np.zeros((dataset.sizes["lat"], dataset.sizes["lon"]), bool)
    land[:, :2] = True  # the two western columns: 8 cells of 24
    dataset["tas"] = (dataset["tas"] - np.float32(273.15)).where(~land, np.float32(0.0))  # 0 degC: data
    dataset["tas"].attrs["units"] = "degC"
    dataset["mask_rho"] = (("lat", "lon"), np.where(land, 0.0, 1.0),
                           {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land water"})
    dataset.to_netcdf(tmp_path / "roms.nc", encoding={"tas": {"_FillValue": None}})
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "roms.nc")], "target": "tas", "predictors": ["pred"], "features": []}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    assert ("'tas' in roms.nc holds 0 at every step checked (24) on 8 of the 8 cells that 'mask_rho' calls land "
            "(flag_meanings 'land water')") in caplog.text
    assert ("ncap2 -s 'tas=tas;tas.set_miss(9.96921e+36f);where(mask_rho==0) tas=tas.get_miss();' roms.nc "
            "land_masked/roms.nc (its copy in a new folder), then give --data land_masked/roms.nc in place of roms.nc"
            ) in caplog.text  # fix54b: the one-file copy in a new folder
    assert (data.samples.target == 0.0).sum() == 8 * dataset.sizes["time"]  # still data, every step


def test_a_flag_variable_named_as_a_predictor_is_used_as_its_codes_with_a_warning(tmp_path, caplog):
    """Named in [data] predictors, a land-cover class is used as asked (its codes 1…4 as
    numbers), and train says so in one line; left to the defaults it would be left out."""
    import logging

    dataset = grid_dataset()
    codes = (np.arange(24).reshape(4, 6) % 4 + 1).astype("i1")
    dataset["lc"] = (("lat", "lon"), codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                             "flag_meanings": "forest grass desert ice"})
    dataset.to_netcdf(tmp_path / "classes.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "classes.nc")], "target": "tas", "predictors": ["pred", "lc"], "features": []}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    warnings = [without_guards(record.getMessage()) for record in caplog.records
                if "flag variable" in record.getMessage()]
    assert warnings == [
        "'lc' in classes.nc is a CF flag variable (flag_values 1 2 3 4: forest grass desert ice): its codes are used "
        "as numbers, as if they were amounts; to use its classes, give one 0/1 variable per class instead "
        "(e.g. " + one_copy("ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);"
                            "ram_delete(lc_forest@flag_meanings)'", tmp_path / "classes.nc", tmp_path / "indicators")
        + ")"
    ]
    column = data.samples.inputs[:, list(data.samples.feature_names).index("lc")]
    assert np.array_equal(np.unique(column), [1, 2, 3, 4])


def _monthly_cells(path, *, seed, stamp="middle", bounds=True):
    """grid_dataset (monthly, noleap) with its time at the middles or the starts of the
    months, and with time_bnds = [start, end] of each month or without."""
    dataset = grid_dataset(seed=seed)
    times = dataset["time"].values
    starts = np.array([cftime.datetime(t.year, t.month, 1, calendar="noleap") for t in times])
    ends = np.array([cftime.datetime(t.year + t.month // 12, t.month % 12 + 1, 1, calendar="noleap") for t in times])
    time = xr.Variable("time", starts + (ends - starts) / 2 if stamp == "middle" else starts,
                       dataset["time"].attrs, dataset["time"].encoding)
    dataset = dataset.assign_coords(time=time)
    if bounds:
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"] = (("time", "bnds"), np.stack([starts, ends], axis=1))
        dataset["time_bnds"].encoding.update(dataset["time"].encoding)
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize(
    "stamp, bounds",
    [
        pytest.param("middle", False, id="test-block-without-time-bounds"),
        pytest.param("start", True, id="test-block-stamped-on-the-1st"),
    ],
)
def test_split_blocks_with_other_time_cells_score_as_with_the_same_cells(tmp_path, stamp, bounds):
    hist, ssp2 = _monthly_cells(tmp_path / "hist.nc", seed=0), _monthly_cells(tmp_path / "ssp2.nc", seed=1)
    files = {"hist": hist, "ssp2": ssp2, "ssp5": _monthly_cells(tmp_path / "ssp5.nc", seed=2)}
    def without_figures(config):  # the scores are compared, not the figures
        return dataclasses.replace(config, evaluation=dataclasses.replace(config.evaluation, figures=False))

    features = {"features": ["lat", "season"]}
    reference = run_training(without_figures(split_config(files, **features)), run_dir=tmp_path / "reference")
    files["ssp5"] = _monthly_cells(tmp_path / "ssp5_other.nc", seed=2, stamp=stamp, bounds=bounds)
    run = run_training(without_figures(split_config(files, **features)), run_dir=tmp_path / "run")
    expected = reference.metrics["splits"]["test"]
    assert set(run.metrics["splits"]["test"]) == set(expected) == {"model", "climatology", "linear", "persistence"}
    for name, scores in run.metrics["splits"]["test"].items():
        for score, value in scores.items():  # null (the ACC of climatology) compared exactly
            assert value == (expected[name][score] if value is None else pytest.approx(expected[name][score])), score
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as out, \
            xr.open_dataset(files["ssp5"], decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as test_file:
        assert list(out["time"].values[72:]) == list(test_file["time"].values)  # the file's own stamps
        assert ("time_bnds" in out.variables) == bounds


def test_a_flag_target_of_several_classes_exits_2_in_one_line(tmp_path, capfd, monkeypatch):
    """Land-cover classes as the target: train refuses before reading data, naming the way to
    train on one class's 0/1 indicator."""
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset()
    codes = (np.arange(dataset["tas"].size) % 3 + 1).reshape(dataset["tas"].shape).astype("i1")
    dataset["lc"] = (dataset["tas"].dims, codes, {"flag_values": np.array([1, 2, 3], "i1"),
                                                  "flag_meanings": "forest grass desert"})
    dataset.to_netcdf(tmp_path / "lc.nc")
    result = run_main("train", "--data", tmp_path / "lc.nc", "--target", "lc", "--out", tmp_path / "run",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("climann: error: the target 'lc' in lc.nc is a CF flag variable (flag_values 1 2 3: "
                           "forest grass desert)")
    assert ("ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);ram_delete(lc_forest@flag_meanings)' "
            "lc.nc lc_forest/lc.nc (its copy in a new folder), then give --data lc_forest/lc.nc in place of lc.nc"
            in line)
    assert not (tmp_path / "run").exists()


def test_a_variable_the_run_does_not_use_leaves_every_year_of_the_others_to_train_on(tmp_path):
    """``huss``, in the 2001 file only and neither target nor predictor, cut the run to 2001;
    the run's samples and split are now those of the same files without it: both years."""
    full = grid_dataset(n_years=2)[["tas", "pred"]]
    configs = {}
    for folder in ("with_huss", "without"):
        (tmp_path / folder).mkdir()
        full.isel(time=slice(0, 12)).to_netcdf(tmp_path / folder / "a2000.nc")
        second = full.isel(time=slice(12, 24))
        second = second.assign(huss=second["pred"] * 0 + 0.01) if folder == "with_huss" else second
        second.to_netcdf(tmp_path / folder / "a2001.nc")
        configs[folder] = resolve_inputs(build_config({"data": {
            "paths": [str(tmp_path / folder / "*.nc")], "target": "tas", "predictors": ["pred"], "features": ["lat"],
        }}))
    used, by_hand = prepare_data(configs["with_huss"]), prepare_data(configs["without"])
    expected = full["tas"].values.reshape(-1)
    assert used.samples.target.shape[0] == 24 * 4 * 6 == expected.size  # every cell of both years
    np.testing.assert_array_equal(used.samples.target[:, 0], expected[used.samples.flat_index])
    assert used.split.descriptions == by_hand.split.descriptions
    for block, mask in by_hand.sample_masks.items():
        np.testing.assert_array_equal(used.sample_masks[block], mask)


def test_a_predictor_chosen_from_the_data_is_checked_for_fill_values_on_the_data_opened_once(tmp_path, caplog):
    """The files are opened once for the choice of inputs and the samples: a predictor chosen
    from the data gets the fill-value check a named one gets when the files are opened, once."""
    import logging

    from climann.workflow.preparation import opened_for_run

    dataset = grid_dataset()[["tas", "pred"]]
    dataset["pred"] = dataset["pred"].where(dataset["lat"] > dataset["lat"].min(), -9999.0)  # the southern row
    dataset["pred"].encoding["_FillValue"] = None
    dataset.to_netcdf(tmp_path / "fill.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "fill.nc")], "target": "tas"}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        resolved, opened = opened_for_run(config)
    assert resolved.data.predictors == ("pred",)
    # every value read: 36 monthly steps, 6 cells of the southern row each: 216 of 36 × 24 = 864 values
    assert caplog.text.count("'pred' in fill.nc holds -9999 at 216 of the 864 values checked") == 1
    np.testing.assert_array_equal(opened["pred"].values, dataset["pred"].values)


def test_a_folder_opened_again_for_its_chosen_predictors_warns_of_the_target_s_fills_once(tmp_path, caplog):
    """break41a A4: a folder (ERA5's packed variables beside an invariant file) is opened again once the
    predictors are chosen; the target's unmarked fill value was warned of at both openings, the second line with
    another command (on the first's copy, _fixed_2 → _fixed_3) that marked the predictors' too. Now the values
    are checked once, at the second opening: one line for the target, one command for the variables of its file."""
    from climann.workflow.preparation import opened_for_run

    dataset = grid_dataset()[["tas", "pred"]]
    for name in ("tas", "pred"):
        dataset[name] = dataset[name].where(dataset["lat"] > dataset["lat"].min(), 1e20)  # the southern row
        dataset[name].encoding["_FillValue"] = None
    dataset.to_netcdf(tmp_path / "vars.nc")
    grid_dataset()[["static"]].to_netcdf(tmp_path / "invariant.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path)], "target": "tas"}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        resolved, _ = opened_for_run(config)
    assert set(resolved.data.predictors) == {"pred", "static"}
    said = [record.getMessage() for record in caplog.records if "holds 1e+20" in record.getMessage()]
    assert len(said) == 2 and said[0].startswith("'tas' in vars.nc holds 1e+20 at 216 of the 864 values checked")
    assert (f"ncatted -a _FillValue,tas,o,f,1e+20 -a _FillValue,pred,o,f,1e+20 {tmp_path / 'vars.nc'} "
            f"{tmp_path / 'missing_marked' / 'vars.nc'}") in said[0]  # in a new folder (fix55a)
    assert said[1].startswith("'pred' in vars.nc") and said[1].endswith("the command on the line of 'tas' above "
                                                                        "marks them too")


def test_predictors_chosen_from_the_data_are_those_on_the_target_s_grid(tmp_path):
    """The help says "auto: every other variable on the target's grid": a folder that also
    held a field on another grid was refused for a variable the run never asked for."""
    from climann.workflow.preparation import opened_for_run

    grid_dataset(n_lat=4)[["tas", "pred"]].to_netcdf(tmp_path / "atmosphere.nc")
    grid_dataset(n_lat=6)[["static"]].rename(static="tos").to_netcdf(tmp_path / "ocean.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path)], "target": "tas"}}))
    resolved, opened = opened_for_run(config)
    assert resolved.data.predictors == ("pred",)
    assert "tos" not in opened and opened.sizes["lat"] == 4


def test_check_trains_opens_the_files_once(tmp_path, monkeypatch):
    """``climann info`` checks its config as train does: the inputs chosen and the samples
    read from one opening of the files (each was opened twice)."""
    import climann.data.open as opening
    from climann.workflow.preparation import check_trains

    grid_dataset(n_years=3)[["tas", "pred"]].to_netcdf(tmp_path / "data.nc")
    opened = []
    open_one = opening._open_one
    monkeypatch.setattr(opening, "_open_one", lambda path, coder, *rest: opened.append(path.name) or open_one(path, coder, *rest))
    assert check_trains({"data": {"paths": [str(tmp_path / "data.nc")], "target": "tas"}}) is True
    assert opened == ["data.nc"]


def _cmip_folder(folder, *, with_shifted_pr: bool):
    """tas, and (optionally) a pr file on the grid shifted by half a cell (30°) in longitude."""
    folder.mkdir()
    full = grid_dataset(n_years=3)
    full[["tas", "pred"]].to_netcdf(folder / "tas.nc")
    if with_shifted_pr:
        pr = full[["pred"]].rename(pred="pr")
        pr.assign_coords(lon=pr["lon"] + 30.0).to_netcdf(folder / "pr_shifted.nc")
    return folder


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(2e-6, id="streamed")])
def test_a_file_of_a_variable_the_run_does_not_use_on_another_grid_does_not_block_training(tmp_path, limit_gb):
    """The run trains as on the folder without the file, in memory and streamed in chunks."""
    runs = {}
    for name, shifted in (("with_pr", True), ("without", False)):
        data = {"paths": [str(_cmip_folder(tmp_path / name, with_shifted_pr=shifted))], "target": "tas",
                "predictors": ["pred"], "features": ["lat"]}
        if limit_gb is not None:
            data["in_memory_limit_gb"] = limit_gb
        runs[name] = run_training(build_config({"data": data, "model": {"hidden": [4]}, "compute": {"chunk_mb": 0.001},
                                                "training": {"epochs": 2, "seed": 3},
                                                "evaluation": {"figures": False}}), run_dir=tmp_path / f"run_{name}")
    assert ("streamed from disk while training" in (runs["with_pr"].run_dir / "train.log").read_text()) is (
        limit_gb is not None)
    assert runs["with_pr"].metrics["n_samples"] == runs["without"].metrics["n_samples"]
    assert sum(runs["with_pr"].metrics["n_samples"].values()) == 36 * 4 * 6  # every cell of every month
    np.testing.assert_array_equal(runs["with_pr"].history.train_loss, runs["without"].history.train_loss)


def test_a_used_variable_on_another_grid_is_still_refused_before_anything_is_written(tmp_path):
    folder = _cmip_folder(tmp_path / "set", with_shifted_pr=True)
    config = build_config({"data": {"paths": [str(folder)], "target": "tas", "predictors": ["pred", "pr"],
                                    "features": ["lat"]}})
    with pytest.raises(ClimannError, match="the files are on different grids: lon differs by up to 30° between"):
        run_training(config, run_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_a_time_range_from_mid_year_names_the_blocks_by_their_dates(tmp_path):
    """Monthly data 2000–2004 cut to March 2000 … October 2004: the train block starts in March
    and the test block ends in October; the validation year is whole."""
    path = tmp_path / "monthly.nc"
    grid_dataset(n_years=5).to_netcdf(path)
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": [],
        "time_range": ["2000-03", "2004-10"], "split_fractions": [0.6, 0.2, 0.2]}}))
    data = prepare_data(config)
    assert data.split.descriptions == {"train": "2000-03 to 2002-12", "val": "2003", "test": "2004-01 to 2004-10"}


def _winter_split(write_grid, **data):
    """split_for (the one route of training, evaluate, resume and the cluster) on four years
    2000–2003 of monthly data selected to DJF: each block's steps as 'YYYY-MM'."""
    from climann.workflow.preparation import open_selected, pointwise_source, split_for

    path = write_grid("winters.nc", n_years=4)
    config = resolve_inputs(build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                                   "features": [], "seasons": ["DJF"], **data}}))
    layout = pointwise_source(config, open_selected(config)).layout
    split = split_for(config, layout)
    times = layout.time.values
    return split, {name: [f"{t.year}-{t.month:02d}" for t in times[mask]] for name, mask in split.time_masks.items()}


@pytest.mark.parametrize("data", [
    pytest.param({}, id="split-fractions"),
    pytest.param({"split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]}},
                 id="split-years"),
])
def test_a_djf_split_counts_december_with_the_next_winter(write_grid, data):
    """Winters 2000 (Jan–Feb only) … 2003, with December 2003, the series' last step, whose
    January is not in the data: 4 season years, 2 train, 1 val, 1 test (0.7/0.15/0.15
    rounded); December 2001 is in the val winter with January 2002, and December 2003 stays
    in 2003 (a test block of that December alone had no lagged value)."""
    split, dates = _winter_split(write_grid, **data)
    assert dates == {
        "train": ["2000-01", "2000-02", "2000-12", "2001-01", "2001-02"],
        "val": ["2001-12", "2002-01", "2002-02"],
        "test": ["2002-12", "2003-01", "2003-02", "2003-12"],
    }
    assert split.descriptions == {"train": "2000-01 to 2001-02",  # dates say what they hold
                                  "val": "2002 (December counted with the next year)",
                                  "test": "2002-12 to 2003-12"}
    assert split.year_ranges == {"train": (2000, 2001), "val": (2002, 2002), "test": (2003, 2003)}


@pytest.mark.parametrize(("predictors", "warned"), [
    pytest.param(["tas_error", "tas_pred"], "tas_pred, tas_error are climann's outputs", id="the-targets-outputs"),
    pytest.param(["tas_climatology"], "tas_climatology are climann's outputs", id="a-baseline"),
])
def test_training_on_a_predictions_files_outputs_of_its_target_warns_of_the_leak(tmp_path, caplog, predictors, warned):
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import open_selected
    from tests.data.test_run_outputs import predictions_like

    forget_notes()
    path = tmp_path / "predictions.nc"
    predictions_like().to_netcdf(path)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": predictors,
                                    "features": ["lat"]}})
    with caplog.at_level("WARNING", logger="climann"):
        open_selected(config)
    assert f"predictors in predictions.nc: {warned} in a predictions file of tas" in caplog.text
    assert "(tas_error = tas_pred − tas)" in caplog.text


@pytest.mark.parametrize(("predictors", "warned"), [
    pytest.param(["anom", "ice"], True, id="named"),
    pytest.param(["err", "ice"], False, id="not-named"),
])
def test_the_targets_own_anomaly_named_as_a_predictor_is_warned_about_once(tmp_path, caplog, predictors, warned):
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import open_selected
    from tests.data.test_defaults import _oisst_like

    forget_notes()
    path = tmp_path / "oisst.nc"
    _oisst_like().to_netcdf(path)
    config = build_config({"data": {"paths": [str(path)], "target": "sst", "predictors": predictors,
                                    "features": ["lat"]}})
    with caplog.at_level("WARNING", logger="climann"):
        open_selected(config)
        open_selected(config)  # a run opens its files more than once
    expected = ("predictors in oisst.nc: anom (the anomaly of sst: its long_name 'Daily sea surface temperature "
                "anomalies'): one is the other less its climatology")
    assert caplog.text.count(expected) == (1 if warned else 0)
    assert ("own signal" in caplog.text) == warned


def test_a_predictions_file_target_predicted_from_other_data_is_not_warned_about(tmp_path, caplog):
    from climann.workflow.preparation import open_selected
    from tests.data.test_run_outputs import predictions_like

    path = tmp_path / "predictions.nc"
    predictions = predictions_like()
    predictions.assign(pred=grid_dataset(n_years=3)["pred"]).to_netcdf(path)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": []}})
    with caplog.at_level("WARNING", logger="climann"):
        open_selected(config)
    assert "climann's outputs" not in caplog.text


@pytest.mark.parametrize("time_range", [
    pytest.param("2001,2001", id="first-last-string-as-on-the-command-line"),
    pytest.param(" 2001-01 , 2001-12 ", id="string-with-spaces"),
    pytest.param(("2001", "2001"), id="pair"),
])
def test_a_period_of_new_data_given_as_a_string_or_a_pair_keeps_its_steps(write_grid, time_range):
    """predict_files(time_range="2001,2001") and evaluate read new data of 2001 only (the
    string was split into its characters)."""
    path = write_grid("new.nc", n_years=3)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": []}})
    opened = open_selected(new_data_config(config, [path], time_range=time_range), new_data=True)
    with xr.open_dataset(path) as source:
        expected = source["tas"].values[12:24]
    assert [t.year for t in opened["time"].values] == [2001] * 12
    np.testing.assert_array_equal(opened["tas"].values, expected)


@pytest.mark.parametrize(("time_range", "given"), [
    pytest.param("2001", "2001", id="one-date"),
    pytest.param(("2001", "2002", "2003"), "('2001', '2002', '2003')", id="three-dates"),
    pytest.param(2001, "2001", id="a-number"),
    pytest.param((2001, 2002), "(2001, 2002)", id="a-pair-of-numbers"),
])
def test_a_period_of_new_data_that_is_not_two_dates_is_refused_naming_what_was_given(write_grid, time_range, given):
    config = build_config({"data": {"paths": [str(write_grid("new.nc"))], "target": "tas"}})
    with pytest.raises(ClimannError) as error:
        new_data_config(config, config.data.paths, time_range=time_range)
    assert str(error.value) == f"--time-range takes FIRST,LAST (two dates YYYY[-MM[-DD[THH[:MM]]]]), got {given}"


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(1e-4, id="streamed")])
def test_time_steps_without_any_target_value_are_named_in_their_block(tmp_path, caplog, limit_gb):
    """A test block named "1983" whose last four months hold no tas anywhere (an ERA5T
    version left out, months of fill values) is scored on eight months: both routes say so."""
    from climann.data.sample_data import write_sample_dataset

    path = write_sample_dataset(tmp_path / "full.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(path) as opened:
        dataset = opened.load()
    dataset["tas"][-4:] = np.nan
    dataset.to_netcdf(gappy := tmp_path / "gappy.nc")
    empty = [str(time)[:10] for time in dataset["time"].values[-4:]]
    assert empty[0].startswith("1983-09")
    data = {"split_years": {"train": [1980, 1981], "val": [1982, 1982], "test": [1983, 1983]}}
    if limit_gb is not None:
        data["in_memory_limit_gb"] = limit_gb
    for file in (path, gappy):
        caplog.clear()
        config = build_config({"data": {"paths": [str(file)], **data}, "model": {"hidden": [4]},
                               "training": {"epochs": 1}, "evaluation": {"figures": False}})
        with caplog.at_level("WARNING"):
            run = run_training(config, run_dir=tmp_path / f"run-{file.stem}")
        said = [record.getMessage() for record in caplog.records if "has no value of" in record.getMessage()]
        if file == path:
            assert said == []
        else:
            assert said == [f"the test block (1983) has no value of 'tas' at 4 of its 12 time steps ({empty[0]}, "
                            f"{empty[1]}, …, {empty[3]}): its scores cover the other 8"]
            assert run.metrics["splits"]["test"]["model"]["n_samples"] == 8 * 12 * 24


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(1e-4, id="streamed")])
def test_months_of_fill_values_before_a_lagged_step_are_counted_in_the_lag_and_coverage_notes(
        tmp_path, caplog, limit_gb):
    """GPCP-like months of fill values (1980-03 and 1980-04 in the train block, 1982-05 in the
    val block) with the target lagged by a month: the months after them lose their lag too.
    The notes said "its scores cover the other 22" and "lag 1 is missing at 1 time step …
    their 24 samples are dropped" (break29a A4); counted here by hand from the file."""
    from climann.data.sample_data import write_sample_dataset

    path = write_sample_dataset(tmp_path / "full.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(path) as opened:
        dataset = opened.load()
    dataset["tas"][[2, 3, 28]] = np.nan
    dataset.to_netcdf(gappy := tmp_path / "gappy.nc")
    n_cells = int(np.isfinite(dataset["tas"][0]).sum())
    dates = [str(time)[:10] for time in dataset["time"].values]
    # by hand: lag 1 reads no value at 1980-05 (after 1980-04) and 1982-06 (after 1982-05); 1980-01 has no month before
    config = build_config({"data": {"paths": [str(gappy)], "lags": {"tas": [1]},
                                    "split_years": {"train": [1980, 1981], "val": [1982, 1982], "test": [1983, 1983]},
                                    **({} if limit_gb is None else {"in_memory_limit_gb": limit_gb})},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    with caplog.at_level("WARNING"):
        run = run_training(config, run_dir=tmp_path / "run")
    said = [record.getMessage() for record in caplog.records]
    assert (f"lag 1 is missing at 2 time steps ({dates[4]}, {dates[29]}): the step 1 month before each holds no "
            f"value of 'tas' at all; their {2 * n_cells} samples are dropped") in said
    assert (f"the train block (1980–1981) has no value of 'tas' at 2 of its 24 time steps ({dates[2]}, {dates[3]}): "
            f"its scores cover 20 (at 2 more, {dates[0]}, {dates[4]}, no value has every feature present: a lag of "
            "a step without values, or a missing predictor)") in said
    assert (f"the val block (1982) has no value of 'tas' at 1 of its 12 time steps ({dates[28]}): its scores cover 10 "
            f"(at 1 more, {dates[29]}, no value has every feature present: a lag of a step without values, or a "
            "missing predictor)") in said
    splits = run.metrics["splits"]
    assert splits["train"]["model"]["n_samples"] == 20 * n_cells
    assert splits["val"]["model"]["n_samples"] == 10 * n_cells


# --- other data scored as one block 'all' (evaluate --data), named as a run's blocks ---------------------------
def _months(first: str, n: int, *, skip_years=()) -> list:
    year, month = map(int, first.split("-"))
    times = []
    while len(times) < n:
        if year not in skip_years:
            times.append(cftime.datetime(year, month, 16, calendar="noleap"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return times


@pytest.mark.parametrize(
    ("times", "months", "expected"),
    [
        pytest.param(_months("2000-03", 60), [], "2000-03 to 2005-02", id="march-to-february"),
        pytest.param(_months("2000-01", 60), [], "2000–2004", id="whole-years"),
        pytest.param(_months("2000-01", 72, skip_years=(2004, 2005)), [], "2000–2003, 2006–2007", id="years-skipped"),
        pytest.param([t for t in _months("2000-06", 27) if t.month in (6, 7, 8)], [6, 7, 8], "2000–2002",
                     id="summers-whole-in-their-months"),
    ],
)
def test_other_data_are_one_block_named_as_a_run_names_its_blocks(times, months, expected):
    """evaluate --data named the block 'all' '2000–2005' for March 2000 to February 2005
    (and '2000–2007' for a gap), though a run names such a block by its dates."""
    from climann.data.variables import grid_layout
    from climann.workflow.preparation import whole_period_split

    dataset = grid_dataset(n_years=1).isel(time=[0] * len(times)).assign_coords(time=times)
    config = build_config({"data": {"paths": ["x.nc"], "target": "tas", "months": months}})
    split = whole_period_split(config, grid_layout(dataset, "tas", []))
    assert split.descriptions == {"all": expected} and split.time_masks["all"].all()


def _without_units(path, out, shift=0.0):
    """A copy of ``path`` with tas shifted by ``shift`` and its units attribute removed."""
    with xr.open_dataset(path) as source:
        copy = source.load()
    copy["tas"] = copy["tas"] + shift
    copy["tas"].attrs = {key: value for key, value in source["tas"].attrs.items() if key != "units"}
    copy.to_netcdf(out)
    return out


def test_a_test_block_without_units_far_from_the_train_block_is_refused(scenarios, tmp_path):
    """A test block in degC without units beside train files in K: scored as it stood before (only 'its units
    are not checked'); its mean lies far more than 10 of the train block's standard deviations from the train
    block's mean (by hand on the 24 steps checked, here every step), so it is refused with the ncatted."""
    celsius = _without_units(scenarios["ssp5"], tmp_path / "ssp5_celsius.nc", shift=-273.15)
    config = resolve_inputs(split_config({**scenarios, "ssp5": celsius}))
    with xr.open_dataset(scenarios["hist"]) as train, xr.open_dataset(celsius) as test:
        distance = abs(float(test["tas"].mean()) - float(train["tas"].mean())) / float(train["tas"].std())
    assert distance > 10
    with pytest.raises(ClimannError) as error:
        prepare_data(config)
    message = str(error.value)
    assert message.startswith(f"'tas' has no units in {celsius.name}, and its values there (")
    assert f"lie {distance:.0f} standard deviations from those of the train block (mean " in message
    # the file is K − 273.15: degC, the likely unit fix42g proposes beside K data (was the placeholder UNITS)
    assert f"ncatted -a units,tas,o,c,degC {celsius}" in message and "\n" not in message


def test_a_test_block_with_units_far_from_a_train_block_without_them_is_refused(scenarios, tmp_path):
    """The other way round: train files in degC without units, a test block in K that says so. Nothing
    converts it (the train block's unit is unknown) and it was scored as it stood with a warning; its mean
    lies far more than 10 of the train block's standard deviations away, so it is refused."""
    celsius = _without_units(scenarios["hist"], tmp_path / "hist_celsius.nc", shift=-273.15)
    config = resolve_inputs(split_config({**scenarios, "hist": celsius}))
    with xr.open_dataset(celsius) as train, xr.open_dataset(scenarios["ssp5"]) as test:
        assert "units" not in train["tas"].attrs and test["tas"].attrs["units"] == "K"
        distance = abs(float(test["tas"].mean()) - float(train["tas"].mean())) / float(train["tas"].std())
    assert distance > 10
    with pytest.raises(ClimannError) as error:
        prepare_data(config)
    message = str(error.value)
    assert message.startswith(f"'tas' is in 'K' in {scenarios['ssp2'].name} but has no units in the train block, "
                              "and its values there (")
    assert "give 'tas' in the unit the train block was in, or train again on data whose units are set" in message


def test_a_test_block_without_units_near_the_train_block_is_warned_about_and_used(scenarios, tmp_path, caplog):
    kelvin = _without_units(scenarios["ssp5"], tmp_path / "ssp5_bare.nc")
    config = resolve_inputs(split_config({**scenarios, "ssp5": kelvin}))
    with caplog.at_level("WARNING", logger="climann"):
        data = prepare_data(config)
    said = [record.getMessage() for record in caplog.records if "has no units" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"'tas' has no units in {kelvin.name} (the train block has 'K'): "
                                                 "its units are not checked (its values there, ")
    with xr.open_dataset(kelvin) as source:
        np.testing.assert_allclose(data.samples.target[data.sample_masks["test"], 0],
                                   source["tas"].values.reshape(-1), rtol=1e-6)


def _gappy_target_beside_yearly_predictor_files(tmp_path, *, first_year):
    """GRACE-like: ``tas.nc`` 2000–2003 lacking four months (a -9999 in 2000-04 that nothing marks),
    beside ``pred`` in one file per year from ``first_year`` to 2003 (complete); written in a
    folder of their own, ``tas.nc`` last in the files' order. Returns the files and the months
    (from 2000-01) the target holds."""
    folder = tmp_path / f"from{first_year}"
    folder.mkdir()
    full = grid_dataset(n_years=2004 - first_year)
    months = [cftime.datetime(first_year + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(full.sizes["time"])]
    full = full.assign_coords(time=months)
    for year in range(first_year, 2004):
        full[["pred"]].sel(time=[t for t in months if t.year == year]).to_netcdf(folder / f"pred_{year}.nc")
    held = np.setdiff1d(np.arange(48), [5, 6, 17, 30])  # 2000-06, 2000-07, 2001-06, 2002-07
    tas = full[["tas"]].sel(time=[t for t in months if t.year >= 2000]).isel(time=held)
    tas["tas"][3, 0, 0] = -9999.0
    tas["tas"].encoding["_FillValue"] = None
    tas.to_netcdf(folder / "tas.nc")
    return sorted(folder.glob("*.nc")), held


@pytest.mark.parametrize("first_year", [pytest.param(2000, id="predictor-from-the-targets-year"),
                                        pytest.param(1999, id="a-predictor-file-wholly-before-the-target")])
def test_a_predictor_file_before_the_target_gives_the_first_years_lags_and_names_no_file_wrongly(tmp_path, caplog,
                                                                                                 first_year):
    """verify18 F3: a predictor's file with no step in the common period (its year before the
    target's first) was left out of the datasets but not of their files, so every file after it
    was named one off: the own-series lags were silently not made (lags on the target's steps,
    missing after each month it lacks) and the warnings named pred_2003.nc for tas's values.
    Now both folders give the samples counted by hand, and name tas.nc. The file of 1999 gives
    2000's lags (break44d A5: a predictor's earlier months count, also before the common period)."""
    import logging

    from climann.data.notes import forget_notes

    forget_notes()  # each folder's warnings said, as by a run of its own
    files, held = _gappy_target_beside_yearly_predictor_files(tmp_path, first_year=first_year)
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path) for path in files], "target": "tas", "predictors": ["pred"], "features": [],
        "lags": {"pred": [1, 12]}, "split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]}}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    # a sample at each month the target holds whose lag 12 (from pred's own series) is in pred's files:
    # from 2000-01 on with pred_1999.nc, else not in 2000; 24 cells each, but the one -9999 of 2000-04
    sampled = held[held >= (12 if first_year == 2000 else 0)]
    fill = int(3 in sampled)  # 2000-04's -9999 at one cell: read as missing, no sample
    expected = {name: 24 * int(((sampled // 12 >= first) & (sampled // 12 <= last)).sum()) - fill * (name == "train")
                for name, (first, last) in {"train": (0, 1), "val": (2, 2), "test": (3, 3)}.items()}
    assert expected == {"train": 24 * 11 if first_year == 2000 else 24 * 21 - 1, "val": 24 * 11, "test": 24 * 12}
    assert {name: int(mask.sum()) for name, mask in data.sample_masks.items()} == expected
    # the -9999 (below absolute zero: read as missing) is said of tas.nc
    folder = files[0].parent
    assert "'tas' in tas.nc holds -9999 at 1 of the" in caplog.text
    assert (f"mkdir -p {folder / 'absolute_zero_marked'} && ncatted -a valid_min,tas,o,f,0 {folder / 'tas.nc'} "
            f"{folder / 'absolute_zero_marked' / 'tas.nc'} (its copy in a new folder)") in caplog.text  # fix53a
    assert "pred_2003.nc" not in caplog.text


def test_with_chosen_months_a_predictors_lag_means_the_same_beside_a_gappy_or_a_complete_target(tmp_path):
    """verify18 F11: with ``months = [1]`` a lag counts the chosen steps (lag 1 of a January is the
    January before) beside a complete target; beside a target lacking some months it was the
    predictor's own December, from its own series: one setting, two meanings, and which one
    depended on a month elsewhere in the file. Now the same: the lag's values equal sample by
    sample."""
    files, held = _gappy_target_beside_yearly_predictor_files(tmp_path, first_year=2000)
    complete = tmp_path / "complete"
    complete.mkdir()
    full = xr.open_mfdataset([path for path in files if path.name.startswith("pred")])
    for path in files:
        if path.name.startswith("pred"):
            (complete / path.name).write_bytes(path.read_bytes())
    with xr.open_dataset(files[-1]) as gappy:
        tas = full["pred"] * 0 + gappy["tas"].reindex(time=full["time"]).fillna(280.0)
    tas.rename("tas").to_dataset().to_netcdf(complete / "tas.nc")
    prepared = []
    for folder in (files[0].parent, complete):
        config = resolve_inputs(build_config({"data": {
            "paths": [str(path) for path in sorted(folder.glob("*.nc"))], "target": "tas", "predictors": ["pred"],
            "features": [], "months": [1], "lags": {"pred": [1]},
            "split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]}}}))
        prepared.append(prepare_data(config).samples)
    gappy, whole = prepared
    assert gappy.feature_names == whole.feature_names == ("pred", "pred_lag1")
    np.testing.assert_array_equal(gappy.flat_index, whole.flat_index)
    np.testing.assert_array_equal(gappy.inputs, whole.inputs)
    # lag 1 of a January is the January before: pred's value there, by hand
    january = full["pred"].sel(time=full["time"].dt.month == 1).values.reshape(4, -1)
    np.testing.assert_array_equal(whole.inputs[:, 1].reshape(3, -1), january[:3])


@pytest.mark.parametrize("target", [pytest.param("gappy", id="target-lacking-months"),
                                    pytest.param("complete", id="complete-target")])
def test_a_time_stride_with_lags_counts_the_steps_kept_or_is_refused_on_a_gappy_target(tmp_path, target):
    """verify18 F9: ``time_stride = 2`` with lags beside a target lacking months said "no sample
    … pred_lag1 is missing wherever 'tas' is present; … check its file" of a complete file. Now
    refused naming the stride and the lags; beside a complete target lag 1 is the step kept
    before, 2 months back (by hand from pred's files)."""
    files, _ = _gappy_target_beside_yearly_predictor_files(tmp_path, first_year=2000)
    if target == "complete":
        full = xr.open_mfdataset([path for path in files if path.name.startswith("pred")])
        with xr.open_dataset(files[-1]) as gappy:
            tas = (full["pred"] * 0 + gappy["tas"].reindex(time=full["time"]).fillna(280.0)).rename("tas")
        tas.to_dataset().to_netcdf(tmp_path / "complete_tas.nc")
        files = [*files[:-1], tmp_path / "complete_tas.nc"]
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path) for path in files], "target": "tas", "predictors": ["pred"], "features": [],
        "lags": {"pred": [1]}, "time_stride": 2,
        "split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]}}}))
    if target == "gappy":
        with pytest.raises(ClimannError) as error:
            prepare_data(config)
        assert str(error.value).startswith("time_stride 2 (--time-stride) with lags (pred=1) on a monthly time axis "
                                           "with gaps ('tas' lacks 4 of its monthly steps, after 2000-05-15")
        assert "leave out --time-stride" in str(error.value)
        return
    samples = prepare_data(config).samples
    pred = full["pred"].values  # 48 months from 2000-01
    n_cells = pred.shape[1] * pred.shape[2]
    kept = np.arange(0, 48, 2)[1:]  # every 2nd month; the first has no step before it
    np.testing.assert_array_equal(samples.inputs[:, 1], pred[kept - 2].reshape(-1).astype(samples.inputs.dtype))
    assert samples.inputs.shape[0] == kept.size * n_cells


def _period_file(tmp_path, starts_in_month, years=(2003, 2004, 2005)):
    """grid_dataset's tas and pred, one map per period of a month-bound calendar (dekads: 1, 11, 21)."""
    from tests.data.test_composites import _month_periods

    times = _month_periods(starts_in_month, years=years)
    dataset = grid_dataset(n_years=-(-len(times) // 12), calendar="standard").isel(time=slice(0, len(times)))
    path = tmp_path / "periods.nc"
    dataset.assign_coords(time=times).to_netcdf(path)
    return path, dataset


def test_a_time_stride_with_lags_on_dekads_is_refused_in_one_line(tmp_path):
    """fix40d: dekads kept one in two (the 1st and 21st, then the 11th) were taken for dekads with gaps: lag 1
    missing at every step, "no sample has 'tas' and every feature present … pred_lag1 is missing wherever 'tas' is
    present; … check its file". Refused before anything is read, naming the calendar and the ways out."""
    from climann.workflow.preparation import open_selected

    path, _ = _period_file(tmp_path, (1, 11, 21))
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": [],
                                    "time_stride": 2, "lags": {"pred": [1]}}})
    with pytest.raises(ClimannError) as refused:
        open_selected(config)
    assert str(refused.value).startswith("time_stride 2 (--time-stride) with lags (pred=1) on 'tas', whose time axis "
                                         "is of dekads (1st, 11th, 21st of each month): such periods restart each year")
    assert str(refused.value).endswith("leave out --time-stride (the lags then count dekads: lag 2 is the value 2 "
                                       "dekads before), or leave out the lags")


@pytest.mark.parametrize(("choice", "typed"), [
    pytest.param({"months": [1, 3, 5, 7]}, "--months 1,3,5,7", id="months"),
    pytest.param({"seasons": ["DJF"]}, "--seasons DJF", id="seasons"),
])
def test_a_stride_over_chosen_months_with_lags_names_the_choice(write_grid, choice, typed):
    """verify20 F5: the run's months and seasons reach the stride check, alike."""
    path = write_grid(n_years=3)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "time_stride": 2,
                                    "lags": {"tas": [1]}, **choice}})
    with pytest.raises(ClimannError, match=re.escape(f"over the months chosen ({typed}): the steps kept")):
        open_selected(config)


_CUT_SHORT = ("1 step is read before the period ([data] steps_before_range = 1) but the lags reach 12 (pred_lag12) and "
              "the files (new.nc) hold {n} more: the period's first steps lack them and their samples are dropped; "
              "steps_before_range = \"auto\" (the default) reads as many as the lags need (runs trained before "
              "4 December 2026 read one: train such a run again to read them)")


@pytest.mark.parametrize(("data", "said"), [
    # by hand: 2000-01 … 2000-12 lie before 2001-01; one is read, 11 more are held
    pytest.param({"steps_before_range": 1}, _CUT_SHORT.format(n=11), id="a-reused-config-toml-reads-one"),
    # DJF: 2000-12 is read; 2000-01 and 2000-02 are held, within the 12 steps lag 12 reaches
    pytest.param({"steps_before_range": 1, "seasons": ["DJF"]}, _CUT_SHORT.format(n=2), id="seasons"),
    pytest.param({"steps_before_range": 12}, None, id="as-many-as-the-lags-need"),
    pytest.param({}, None, id="auto"),
    pytest.param({"steps_before_range": 1, "time_range": ["2000-01", "2001-12"]}, None, id="the-data-start-there"),
    pytest.param({"steps_before_range": 1, "lags": {"pred": [1]}}, None, id="lag-1-only"),
])
def test_lags_that_reach_further_than_the_steps_read_before_the_period_are_said_with_the_way_out(data, said, caplog):
    """verify22b F2 left over: a config.toml of a run with lag 1 records steps_before_range = 1;
    reused with --lags tas=1,12 it read one step, and the period's first 11 months lost their
    lag 12 silently although the file holds them."""
    from climann.data.notes import forget_notes

    forget_notes()
    settings = {"paths": ["new.nc"], "target": "tas", "predictors": ["pred"], "lags": {"pred": [1, 12]},
                "time_range": ["2001-01", "2002-12"], **data}
    config = build_config({"data": settings})
    with caplog.at_level("WARNING", logger="climann"):
        warn_lags_not_read(config.data, grid_dataset(n_years=3), steps_before=config.data.steps_before_range or 12,
                           time_range=config.data.time_range, where="new.nc")
    assert [record.getMessage() for record in caplog.records] == ([said] if said else [])


def test_a_training_input_in_units_that_cannot_be_read_is_warned_about_once(tmp_path, caplog):
    """Training on NCEP/NCAR's ``Kg/m^2/s`` says, once, that other files could be scored only in
    exactly those units (break23a F4); the variables the run does not read say nothing."""
    dataset = grid_dataset()
    dataset["pred"].attrs["units"] = "Kg/m^2/s"
    dataset["landonly"].attrs["units"] = "Kg/m^2/s"  # in the file, not read by the run
    dataset.to_netcdf(tmp_path / "ncep.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "ncep.nc")], "target": "tas",
                                                   "predictors": ["pred"], "features": []}}))
    with caplog.at_level(logging.WARNING):
        prepare_data(config)
    warned = [record.getMessage() for record in caplog.records if "cannot read the units" in record.getMessage()]
    assert len(warned) == 1 and "'pred'" in warned[0], warned
    line = warned[0].rsplit("readable units: ", 1)[1].split(" (its copy in a new folder)")[0]
    subprocess.run(line, shell=True, executable="/bin/bash", check=True, cwd=tmp_path)  # as pasted
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ncep.nc", "units_fixed"]
    with xr.open_dataset(tmp_path / "units_fixed" / "ncep.nc") as copy, xr.open_dataset(tmp_path / "ncep.nc") as original:
        assert copy["pred"].attrs["units"] == "kg/m^2/s" and original["pred"].attrs["units"] == "Kg/m^2/s"
        np.testing.assert_array_equal(copy["pred"].values, original["pred"].values)


@pytest.mark.parametrize("mode", [pytest.param("pointwise", id="pointwise"), pytest.param("field", id="field")])
def test_a_lag_missing_at_a_blocks_start_is_said_to_stay_within_the_blocks_files(tmp_path, caplog, mode):
    """Blocks over the same dates (train = member 1 2000–2001, val = member 2 2000, test = member 1 2002): each
    is its own series, and the month before the val and test blocks' first steps is not taken from the block
    before (member 2's December is not member 1's). The warning says so, not that it is "before the first time
    step read", which only January 2000 of the train file is (break28c C2); and it is a warning, as those
    blocks' first months go unscored (break44a A7: it was in the log only)."""
    first, second = grid_dataset(n_years=3), grid_dataset(n_years=3, seed=1)
    files = {name: tmp_path / f"{name}.nc" for name in ("train", "val", "test")}
    for name, member, steps in (("train", first, slice(0, 24)), ("val", second, slice(0, 12)),
                                ("test", first, slice(24, 36))):
        member.isel(time=steps).to_netcdf(files[name])
    config = resolve_inputs(build_config({"data": {
        "mode": mode, "target": "tas", "predictors": ["pred"], "features": [], "lags": {"pred": [1]},
        "split_files": {name: [str(path)] for name, path in files.items()}}}))
    with caplog.at_level("INFO", logger="climann"):
        prepare_data(config)
    said = [r for r in caplog.records if r.getMessage().startswith("lag 1 is missing")]
    n_samples = 1 if mode == "field" else 24
    assert [(r.levelname, r.getMessage()) for r in said] == [("WARNING", (
        # January 2000 of the train and the val blocks said once, with their names (break46e A2)
        "lag 1 is missing at 3 time steps (2000-01-15 (train, val), 2002-01-15): at 2 the step 1 month before is "
        "before the first time step of its block's files (lags reach into the block before only when its files "
        "continue that series at its step, not over the same or distant dates), at 1 it is "
        f"before the first time step read; their {3 * n_samples} samples are dropped"))]


@pytest.mark.parametrize("mode", [pytest.param("pointwise", id="pointwise"), pytest.param("field", id="field")])
def test_blocks_of_one_series_cut_in_three_files_take_their_lags_across_the_cuts(tmp_path, caplog, mode):
    """One series cut in three contiguous files (break44a A7): the month before the val and the test blocks'
    first steps is the last of the block before, as in a split by years; only January 2000 lacks its lag."""
    dataset = grid_dataset(n_years=3)
    files = {name: tmp_path / f"{name}.nc" for name in ("train", "val", "test")}
    for name, steps in (("train", slice(0, 24)), ("val", slice(24, 30)), ("test", slice(30, 36))):
        dataset.isel(time=steps).to_netcdf(files[name])
    config = resolve_inputs(build_config({"data": {
        "mode": mode, "target": "tas", "predictors": ["pred"], "features": [], "lags": {"pred": [1]},
        "split_files": {name: [str(path)] for name, path in files.items()}}}))
    with caplog.at_level("INFO", logger="climann"):
        prepared = prepare_data(config)
    said = [r for r in caplog.records if r.getMessage().startswith("lag 1 is missing")]
    n_samples = 1 if mode == "field" else 24
    assert [(r.levelname, r.getMessage()) for r in said] == [("INFO", (
        f"lag 1 is missing at 1 time step (2000-01-15): the step 1 month before each is before the first time step "
        f"read; their {n_samples} samples are dropped"))]
    assert prepared.samples.layout.series_blocks == ("train",) * 36
    assert prepared.samples.layout.time_blocks == ("train",) * 24 + ("val",) * 6 + ("test",) * 6


def _months_file(path, n_years):
    """tas and pred, monthly (mid-month, noleap) from year 1, on a 2 × 3 grid: cell_methods 'time: mean'."""
    rng = np.random.default_rng(4)
    times = [cftime.datetime(1 + month // 12, month % 12 + 1, 15, calendar="noleap") for month in range(12 * n_years)]
    shape = (len(times), 2, 3)
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.normal(size=shape), {"units": "K", "cell_methods": "time: mean"}),
         "pred": (("time", "lat", "lon"), rng.normal(size=shape), {"units": "1"})},
        coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
    ).to_netcdf(path)
    return path


@pytest.mark.parametrize("n_years", [pytest.param(1, id="one-year"), pytest.param(3, id="three-years")])
def test_data_of_one_year_split_into_its_months_are_warned_of(tmp_path, n_years):
    """break32b A5b: a PMIP Aclim file without its CF mark (12 mid-month steps of one year) was
    trained on January–August and tested on November–December with no word that the blocks
    are months of one year. The blocks by hand: 12 steps at fractions 0.7/0.15/0.15 are 8, 2
    and 2 months. Three years are split by years and get no such line."""
    path = _months_file(tmp_path / "tas_Aclim.nc", n_years)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    said = [line for line in (tmp_path / "run" / "train.log").read_text().splitlines() if "one year only" in line]
    if n_years > 1:
        assert said == []
        return
    assert len(said) == 1
    assert ("the data hold one year only (12 time steps), so the blocks are parts of it (train 0001-01 to 0001-08, "
            "val 0001-09 to 0001-10, test 0001-11 to 0001-12): the scores are of parts of the year the network never "
            "saw, not of unseen years; if its 12 months are a climatology") in said[0]


def test_a_named_predictor_that_is_the_target_plus_a_constant_is_refused_before_training(tmp_path, monkeypatch):
    """break32a A1: DUACS's adt = sla + mdt trained as a predictor of sla (test skill 0.99 from rebuilding
    sla). Named, it is refused in one line before training; [data] keep_target_copies trains on it."""
    import climann.workflow.pipeline as pipeline
    from tests.data.test_target_copies import _duacs

    _duacs(tmp_path / "duacs.nc")
    settings = {"data": {"paths": [str(tmp_path / "duacs.nc")], "target": "sla", "predictors": ["adt", "ugos"],
                         "features": []},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}

    def never(*args, **kwargs):
        raise AssertionError("training began")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "fit_network", never)
        with pytest.raises(ClimannError, match=r"^predictor 'adt' holds the target 'sla': .* leave adt out "
                                               r"\(--predictors ugos\)"):
            run_training(build_config(settings), run_dir=tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    kept = {**settings, "data": {**settings["data"], "keep_target_copies": ["adt"]}}
    assert (run_training(build_config(kept), run_dir=tmp_path / "kept").run_dir / "metrics.json").exists()


def test_the_default_predictors_are_compared_on_the_runs_own_training_block(tmp_path):
    """adt is sla + mdt from 1993 to 1999 only: left out of the default predictors when those years
    train, kept when the configured split trains on the later years (val and test are not looked at)."""
    from climann.workflow.preparation import resolve_default_inputs
    from tests.data.test_target_copies import N_LAT, N_LON, N_YEARS, _duacs

    other = np.random.default_rng(9).uniform(-1, 1, (12 * N_YEARS, N_LAT, N_LON))
    _duacs(tmp_path / "duacs.nc", adt_after_training=other)

    def chosen(blocks: dict) -> tuple[str, ...]:
        settings = {"data": {"paths": [str(tmp_path / "duacs.nc")], "target": "sla", "split_years": blocks}}
        return resolve_default_inputs(build_config(settings)).data.predictors

    assert chosen({"train": [1993, 1999], "val": [2000, 2000], "test": [2001, 2002]}) == ("ugos",)
    assert chosen({"train": [2000, 2002], "val": [1993, 1995], "test": [1996, 1999]}) == ("adt", "ugos")


def test_the_time_axis_warnings_come_before_training_naming_the_targets_store(tmp_path, caplog, monkeypatch):
    """fix33c: daily stamps off noon in a Zarr store were warned about after the training, in the evaluation,
    with `ncap2 … IN OUT` (NCO reads no store). Preparing the data says it once, naming the store in an
    xarray line; the evaluation does not say it again."""
    import datetime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_keys

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    forget_notes()
    rng = np.random.default_rng(3)
    noon = [cftime.datetime(2000, 1, 1, 12, calendar="noleap") + datetime.timedelta(days=k) for k in range(4 * 365)]
    times = [time + datetime.timedelta(seconds=float(rng.uniform(-1800, 1800))) for time in noon]
    shape = (len(times), 2, 3)
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280, 3, shape).astype("f4"), {"units": "K"}),
                          "rsdt": (("time", "lat", "lon"), rng.normal(300, 9, shape).astype("f4"), {"units": "W m-2"})},
                         coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    dataset.to_zarr(tmp_path / "obs.zarr")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "obs.zarr")], "target": "tas",
                                                   "predictors": ["rsdt"], "features": []}}))
    with caplog.at_level(logging.WARNING):
        data = prepare_data(config)
        climatology_keys(data.samples.layout.time.values)  # as the evaluation takes them, with the times alone
    said = [record.getMessage() for record in caplog.records if "no regular step" in record.getMessage()]
    assert len(said) == 1
    assert "xr.open_zarr('obs.zarr', decode_times=False)" in said[0]
    assert "d.to_zarr(p);os.replace(p,'midday_stamps/obs.zarr')" in said[0]  # fix57a: its copy in a new folder
    assert "ncap2" not in said[0] and "IN OUT" not in said[0]
    line = said[0][said[0].index("`") + 1:said[0].index("` (its copy in a new folder)")]
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".")) == [
        "midday_stamps", "obs.zarr"]
    copy = xr.open_zarr(tmp_path / "midday_stamps" / "obs.zarr", use_cftime=True)
    assert [(time.hour, time.minute, time.second) for time in copy["time"].values] == [(12, 0, 0)] * len(noon)
    np.testing.assert_array_equal(copy["tas"].values, dataset["tas"].values)


def test_half_months_are_looked_up_in_a_half_month_climatology_without_a_spacing_warning(caplog):
    """break38b A2: a year of GIMMS-like half-months (stamped at their middles, as their time
    bounds date them) predicted with a run's climatology per half-month of the year: each row is
    its half-month's, (m − 1) · 2 + j, and the step check does not warn about their uneven
    spacing (13 to 16 days) as if they were keyed by 15-day windows."""
    from climann.data.layout import Coordinate, GridLayout
    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import ClimatologyKeys
    from climann.workflow.preparation import climatology_rows

    times = []
    for month in range(1, 13):
        edges = [cftime.DatetimeGregorian(1988, month, 1), cftime.DatetimeGregorian(1988, month, 16),
                 cftime.DatetimeGregorian(1988 + month // 12, month % 12 + 1, 1)]
        times += [start + (end - start) / 2 for start, end in zip(edges[:-1], edges[1:])]
    layout = GridLayout(time=Coordinate("time", np.array(times)), latitude=Coordinate("lat", np.array([10.0])),
                        longitude=Coordinate("lon", np.array([20.0])), time_units="days since 1800-01-01",
                        calendar="standard", file_dims=("time", "lat", "lon"), target_name="ndvi", target_attrs={})
    keys = ClimatologyKeys("half-month of the year", 24, month_periods=2)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        rows = climatology_rows(layout, np.zeros((24, 1, 1)), keys=keys)
    np.testing.assert_array_equal(rows, np.arange(24))
    assert caplog.text == ""


@pytest.mark.parametrize(("starts", "window_days", "per"), [
    pytest.param((1, 16), 15, "half-month", id="half-months"),
    pytest.param((1, 11, 21), 10, "dekad", id="dekads"),
])
def test_an_old_climatology_by_windows_is_refused_for_half_months_with_a_retraining_asked_for(starts, window_days, per):
    """fix39b: a run trained with target_anomaly on half-months (dekads) before they were keyed per
    half-month (dekad) of the year recorded its climatology per 15-day (10-day) windows of the year;
    on the same half-months it was refused with "give data at the training time step", which they
    are. The refusal says that the model file's windows are not the periods, and to retrain."""
    from climann.data.layout import Coordinate, GridLayout
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys
    from climann.workflow.preparation import climatology_rows

    times = np.array([cftime.DatetimeGregorian(2004, month, day) for month in range(1, 13) for day in starts])
    layout = GridLayout(time=Coordinate("time", times), latitude=Coordinate("lat", np.array([10.0])),
                        longitude=Coordinate("lon", np.array([20.0])), time_units="days since 1800-01-01",
                        calendar="standard", file_dims=("time", "lat", "lon"), target_name="ndvi", target_attrs={})
    count = 365 // window_days
    old = ClimatologyKeys(f"{window_days}-day period of the year", count, window_days=float(window_days))
    assert climatology_keys(times).per == f"{per} of the year"  # the data's own keys, as trained on now
    with pytest.raises(ClimannError) as refused:
        climatology_rows(layout, np.zeros((count, 1, 1)), keys=old)
    assert str(refused.value) == (
        f"the run's training climatology of the target (model.npz) is per {window_days}-day period of the year, as "
        f"climann keyed {per}s before it keyed them per {per} of the year (model files written before 5 December "
        f"2026); such windows drift through the {per}s (two {per}s in some windows, none in others), so its rows are "
        f"not these {per}s' and cannot be looked up for them, though the data are of the step the run was trained on; "
        f"retrain the run on its data (climann train --config RUN/config.toml) for a climatology per {per} of the year")


def _cpc_pentad_file(path, *, years, middles=False, seed=0):
    """CMAP-like pentads of ``precip`` (mm/day) on a 2×3 grid, 73 a year built day by day (the 12th
    of a leap year 6 days long), stamped at their starts or middles, with CF time bounds."""
    from tests.data.test_composites import _cpc_pentad_cells

    return pentad_file(path, _cpc_pentad_cells(years), middles=middles, seed=seed)


def pentad_file(path, cells, *, middles=False, seed=0):
    """Pentads of ``precip`` (mm/day, gamma-distributed) on a 2×3 grid over ``cells`` ((start,
    end) of each, cftime), stamped at their starts or middles, with CF time bounds; written to
    ``path``, which is returned."""
    times = [start + (end - start) / 2 if middles else start for start, end in cells]
    values = np.random.default_rng(seed).gamma(2.0, 2.0, (len(times), 2, 3)).astype("f4")
    dataset = xr.Dataset({"precip": (("time", "lat", "lon"), values, {"units": "mm/day"})},
                         coords={"time": ("time", times, {"bounds": "time_bnds"}),
                                 "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset["time_bnds"] = (("time", "nv"), np.array(cells, dtype=object))
    for name in ("time", "time_bnds"):
        dataset[name].encoding.update(units="days since 1990-01-01", calendar="standard")
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("middles", [pytest.param(False, id="starts"), pytest.param(True, id="middles")])
def test_cpc_pentads_lags_climatology_and_persistence_equal_numpy_across_leap_years(tmp_path, middles):
    """break38c T1: CMAP/GPCP pentads 1999–2006 (2000 and 2004 leap) were refused lags ("give data
    at a regular step") and left without persistence. From the written file: each lag column is the
    target k pentads earlier (numpy: the series shifted by k, across year ends and the 6-day 12th
    pentad), the target climatology per pentad of the year the training years' numpy mean of each
    pentad number, and persistence the pentad before."""
    from climann.evaluation.baselines import persistence_prediction

    path = _cpc_pentad_file(tmp_path / "cmap.nc", years=range(1999, 2007), middles=middles)
    config = resolve_inputs(build_config({"data": {
        "paths": [str(path)], "target": "precip", "predictors": [], "features": ["lat"], "target_anomaly": True,
        "lags": {"precip": [1, 2]}, "split_years": {"train": [1999, 2004], "val": [2005, 2005], "test": [2006, 2006]}}}))
    data = prepare_data(config)
    samples = data.samples
    with xr.open_dataset(path) as written:
        truth = written["precip"].values.astype(np.float64)
    flat = truth.reshape(truth.shape[0], -1)
    cells = samples.flat_index % samples.layout.n_cells
    for lag in (1, 2):
        column = samples.inputs[:, list(samples.feature_names).index(f"precip_lag{lag}")]
        np.testing.assert_array_equal(column, flat[samples.time_index - lag, cells].astype(column.dtype))
    assert samples.time_index.min() == 2  # the first two pentads lack lag 2
    pentad = np.arange(truth.shape[0]) % 73  # the file's own order: 73 a year
    train = np.arange(6 * 73)
    expected = np.stack([truth[train[pentad[train] == k]].mean(axis=0) for k in range(73)])
    np.testing.assert_allclose(data.target_climatology, expected.astype(np.float32), rtol=1e-6)
    persistence = persistence_prediction(truth, samples.layout.time.values)
    assert np.isnan(persistence[0]).all()
    np.testing.assert_array_equal(persistence[1:], truth[:-1])


def _dekad_cells(years):
    """Dekads as FAO and CGLS lay them out: the 1st–10th, 11th–20th and 21st–end of each month, 36 a year."""
    cells = []
    for year in years:
        for month in range(1, 13):
            after = cftime.DatetimeGregorian(year + month // 12, month % 12 + 1, 1)
            starts = [cftime.DatetimeGregorian(year, month, day) for day in (1, 11, 21)]
            cells += list(zip(starts, [*starts[1:], after]))
    return cells


@pytest.mark.parametrize(("calendar", "per_year", "stride", "per"), [
    pytest.param("cpc", 73, 2, "pentad of the year", id="cpc-pentads-every-2nd"),
    pytest.param("cpc", 73, 3, "pentad of the year", id="cpc-pentads-every-3rd"),
    pytest.param("dekads", 36, 3, "dekad of the year", id="dekads-every-3rd"),
])
def test_a_time_stride_on_periods_of_the_year_keys_the_climatology_by_each_kept_periods_place(
        tmp_path, calendar, per_year, stride, per):
    """fix41c: ``time_stride`` without lags on CPC's pentads (73 a year) or on dekads keyed the
    climatology by the thinned axis's spacing: every other pentad is 10 days apart, and each
    "10-day period of the year" pooled two pentads (test RMSE 2.82 where the mean of each pentad
    over the training years gives 2.91). Dekads kept every third (the 1st of each month) fell in
    10-day windows one each, the right numbers under the wrong keys ("10-day period of the year").
    Each kept step is keyed by its own period of the year: the climatology baseline's RMSE is
    numpy's, with the mean of each period's kept training values (the file's own order: period k
    of the year at step y · per_year + k). Persistence on the thinned periods was left out (as of
    "no regular step", then for the run's thinning): it is the previous value of the series kept,
    ``stride`` periods back (break47c A7), numpy's shift by one of the kept values."""
    from tests.data.test_composites import _cpc_pentad_cells

    years = range(1999, 2007)
    cells = _cpc_pentad_cells(years) if calendar == "cpc" else _dekad_cells(years)
    path = pentad_file(tmp_path / f"{calendar}.nc", cells)
    settings = {"data": {"paths": [str(path)], "target": "precip", "predictors": [], "features": ["lat"],
                         "time_stride": stride,
                         "split_years": {"train": [1999, 2004], "val": [2005, 2005], "test": [2006, 2006]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1},
                "evaluation": {"figures": False, "baselines": ["climatology", "persistence"]}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with xr.open_dataset(path) as written:
        truth = written["precip"].values.astype(np.float64)
    kept = np.arange(0, truth.shape[0], stride)
    values, period, year = truth[kept], kept % per_year, 1999 + kept // per_year
    train = year <= 2004
    climatology = np.stack([values[train & (period == k)].mean(axis=0) if (train & (period == k)).any()
                            else np.full(truth.shape[1:], np.nan) for k in range(per_year)])
    area = np.diff(np.sin(np.deg2rad([-5.0, 5.0, 15.0])))[:, None] * np.ones(truth.shape[2])
    for block, years_in in (("train", year <= 2004), ("test", year == 2006)):
        error = (climatology[period[years_in]] - values[years_in]) ** 2
        scored = np.isfinite(error)
        weights = np.broadcast_to(area, error.shape)
        expected = np.sqrt(np.sum(error[scored] * weights[scored]) / np.sum(weights[scored]))
        assert metrics["splits"][block]["climatology"]["rmse"] == pytest.approx(expected, rel=1e-6), block
    assert metrics["climatology_per"] == per
    # persistence: the kept value before, ``stride`` periods back (the file holds every period)
    for block, years_in in (("train", year <= 2004), ("test", year == 2006)):
        error = ((values[1:] - values[:-1]) ** 2)[years_in[1:]]
        scored = np.isfinite(error)
        weights = np.broadcast_to(area, error.shape)
        expected = np.sqrt(np.sum(error[scored] * weights[scored]) / np.sum(weights[scored]))
        assert metrics["splits"][block]["persistence"]["rmse"] == pytest.approx(expected, rel=1e-6), block
    assert not [note for note in metrics.get("notes", []) if note["model"] == "persistence"]


def _seasonal_subset_file(path, months, *, daily=False):
    """``tas`` (K) on a 2×3 grid for ``months`` of each year 1991–2000 only (as `cdo selseas` cuts), a
    seasonal cycle plus seeded noise, monthly means stamped mid-month or daily means at noon, with CF
    time bounds; a DJF series runs from December 1990 to February 2000."""
    cells = []
    for year in range(1991, 2001):
        for month in months:
            start = cftime.DatetimeGregorian(year - (month == 12), month, 1)
            end = cftime.DatetimeGregorian(start.year + (month == 12), month % 12 + 1, 1)
            days = [start + datetime.timedelta(days=k) for k in range((end - start).days)] if daily else [start]
            cells += [(day, day + datetime.timedelta(days=1) if daily else end) for day in days]
    cells.sort()
    times = [start + (end - start) / 2 for start, end in cells]
    cycle = np.array([10 * np.cos(2 * np.pi * (time.dayofyr - 200) / 365) for time in times])
    values = 280 + cycle[:, None, None] + np.random.default_rng(3).normal(0, 1, (len(times), 2, 3))
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), values.astype("f4"), {"units": "K"})},
                         coords={"time": ("time", times, {"bounds": "time_bnds"}),
                                 "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset["time_bnds"] = (("time", "nv"), np.array(cells, dtype=object))
    for name in ("time", "time_bnds"):
        dataset[name].encoding.update(units="days since 1990-01-01", calendar="standard")
    dataset.to_netcdf(path)
    return path, times


@pytest.mark.parametrize(("months", "daily", "named"), [
    pytest.param((6, 7, 8), False, "June to August (JJA)", id="jja-monthly"),
    pytest.param((12, 1, 2), False, "December to February (DJF)", id="djf-monthly"),
    pytest.param((6, 7, 8), True, "June to August (JJA)", id="jja-daily"),
])
def test_a_seasonal_subset_is_scored_per_calendar_month_or_day_and_named(tmp_path, caplog, months, daily, named):
    """fix41c: a file of one season a year (`cdo selseas,JJA`, 1991–2000) is read on its own step, the
    months between seasons gaps: the climatology baseline's RMSE is numpy's mean of each calendar month
    (each day of year, unsmoothed) over the training years, and persistence's the value one month (day)
    before where the file holds it, never last season's last step (no value for June from August).
    These numbers held before fix41c; the persistence warning did not say why each season's first
    step had none: it now names the subset."""
    path, times = _seasonal_subset_file(tmp_path / "season.nc", months, daily=daily)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": [], "features": ["lat"],
                         "split_years": {"train": [1991, 1996], "val": [1997, 1998], "test": [1999, 2000]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1},
                "evaluation": {"figures": False, "baselines": ["climatology", "persistence"],
                               "climatology_window_days": 1}}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with xr.open_dataset(path) as written:
        truth = written["tas"].values.astype(np.float64)
    key = np.array([time.dayofyr if daily else time.month for time in times])
    year = np.array([time.year for time in times])
    step = datetime.timedelta(days=1)
    follows = [False] + [(later - earlier <= step) if daily else ((later.year * 12 + later.month)
                                                                  - (earlier.year * 12 + earlier.month) == 1)
                         for earlier, later in zip(times[:-1], times[1:])]
    previous = np.where(np.array(follows)[:, None, None], np.roll(truth, 1, axis=0), np.nan)
    train = (year >= 1991) & (year <= 1996)
    climatology = np.stack([truth[train & (key == k)].mean(axis=0) if (train & (key == k)).any()
                            else np.full(truth.shape[1:], np.nan) for k in key])
    area = np.diff(np.sin(np.deg2rad([-5.0, 5.0, 15.0])))[:, None] * np.ones(truth.shape[2])
    test = (year >= 1999) & (year <= 2000)
    for model, forecast in (("climatology", climatology), ("persistence", previous)):
        error = (forecast[test] - truth[test]) ** 2
        scored = np.isfinite(error)
        weights = np.broadcast_to(area, error.shape)
        expected = np.sqrt(np.sum(error[scored] * weights[scored]) / np.sum(weights[scored]))
        assert metrics["splits"]["test"][model]["rmse"] == pytest.approx(expected, rel=1e-6), model
    assert metrics["climatology_per"] == ("day of year" if daily else "calendar month")
    first = "June" if months[0] == 6 else "December"
    assert any(f"the data are a seasonal subset, {named} of each year only, and the step before each {first} is "
               "not in them" in record.getMessage() for record in caplog.records)


def test_a_run_trained_before_periods_were_keyed_under_a_stride_is_told_to_retrain(tmp_path):
    """fix41m: `evaluate --data` on a run whose target_anomaly climatology was keyed before fix41c by the
    spacing of the CPC pentads time_stride kept ("10-day period of the year", 36 rows) was refused with
    "give data at the training time step", though the data are of that step: retraining is the way out."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.data.test_composites import _cpc_pentad_cells

    path = pentad_file(tmp_path / "cpc.nc", _cpc_pentad_cells(range(1999, 2007)))
    settings = {"data": {"paths": [str(path)], "target": "precip", "predictors": [], "features": ["lat"],
                         "time_stride": 2, "target_anomaly": True,
                         "split_years": {"train": [1999, 2004], "val": [2005, 2005], "test": [2006, 2006]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    with np.load(run_dir / "model.npz") as saved:
        arrays = dict(saved)
    header = json.loads(str(arrays["metadata"]))
    record = header["user"]["target_climatology"]
    assert (record["per"], record["shape"][0]) == ("pentad of the year", 73)  # as keyed since fix41c
    rows = np.asarray(record["values"], dtype=np.float64).reshape(record["shape"])[:36]  # as the old file held
    record |= {"per": "10-day period of the year", "window_days": 10.0, "shape": list(rows.shape),
               "values": rows.ravel().tolist()}
    arrays["metadata"] = np.array(json.dumps(header))
    np.savez(run_dir / "model.npz", **arrays)
    result = CliRunner().invoke(app, ["evaluate", str(run_dir), "--data", str(path), "--out", str(tmp_path / "ev")])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert ("the run's training climatology of the target (model.npz) is per 10-day period of the year: climann keyed "
            "the steps time_stride kept by their spacing before it keyed each by its own pentad of the year") in text
    assert "retrain the run on its data (climann train --config RUN/config.toml) for a climatology per pentad" in text
    assert "give data at the training time step" not in text


def test_named_predictors_are_compared_with_the_target_in_the_one_read_of_their_values(tmp_path, monkeypatch, caplog):
    """fix42d 3: check_target_copies read the target's and the named predictors' training values again on its
    own, after the checks of the values they hold had read every value (20 monthly files of three 60 × 120
    fields: 13.8 MiB read twice). Now it is computed in that read: the netCDF4 backend reads each value of
    sla, adt and ugos once (bytes counted as stored, int32), and adt = sla + mdt is found as before."""
    import logging

    import xarray.backends.netCDF4_ as backend

    from climann.data.target_copies import copy_text, target_copies
    from climann.workflow.preparation import opened_for_run, training_steps
    from tests.data.test_target_copies import N_LAT, N_LON, N_YEARS, _duacs

    from climann.data import handles  # read lazily, as a large file is, from the start (_duacs opens it too)

    monkeypatch.setattr(handles, "_READ_WHOLE_BYTES", -1)
    monkeypatch.setattr(handles, "_READ_AT_ONCE_BYTES", -1)

    _duacs(tmp_path / "duacs.nc")
    read: dict[str, int] = {}
    original = backend.NetCDF4ArrayWrapper._getitem

    def counted(self, key):
        values = original(self, key)
        read[self.variable_name] = read.get(self.variable_name, 0) + np.asarray(values).nbytes
        return values

    monkeypatch.setattr(backend.NetCDF4ArrayWrapper, "_getitem", counted)
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "duacs.nc")], "target": "sla",
                                                   "predictors": ["adt", "ugos"], "keep_target_copies": ["adt"]}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        resolved, opened = opened_for_run(config)
    stored = 12 * N_YEARS * N_LAT * N_LON * np.dtype("int32").itemsize
    assert {name: read.get(name) for name in ("sla", "adt", "ugos")} == {"sla": stored, "adt": stored, "ugos": stored}
    monkeypatch.undo()
    alone = target_copies(opened, "sla", ["adt", "ugos"], time_dim="time", training_steps=training_steps(resolved, opened))
    assert list(alone) == ["adt"] and alone["adt"].plus_constant
    said = [record.getMessage() for record in caplog.records if record.getMessage().startswith("predictor 'adt'")]
    assert said == [f"predictor 'adt' holds the target 'sla': {copy_text(alone['adt'])}; its skill is sla rebuilt, "
                    "not predicted, unless that is what you mean to test"]


@pytest.mark.parametrize("predictors", [pytest.param(None, id="predictors-chosen"), pytest.param(["pred"], id="named")])
def test_a_target_in_none_of_many_files_names_a_few_and_the_count(tmp_path, predictors):
    """The refusal of a target none of 72 monthly files holds named every file, one line of 3 kB
    (break46c A5): the first two (of the files sorted, as read) and how many more."""
    whole = grid_dataset(n_years=6)
    years = sorted(set(whole.time.dt.year.values))
    files = []
    for year in years:
        files.append(tmp_path / f"pred_{year}.nc")
        whole.sel(time=whole.time.dt.year == year).drop_vars("tas").to_netcdf(files[-1])
    config = build_config({"data": {"paths": [str(tmp_path / "pred_*.nc")], "target": "tas",
                                    "predictors": predictors, "features": ["lat"]}})
    with pytest.raises(ClimannError) as raised:
        prepare_data(resolve_inputs(config))
    message = str(raised.value)
    assert f"not in {files[0].name}, {files[1].name} and {len(files) - 2} more files;" in message, message
    assert not any(file.name in message for file in files[2:])


def test_blocks_of_other_years_beside_a_shared_target_are_warned_of_in_one_line(tmp_path, caplog):
    """fix46j/break46e: tas in [data] paths (2000–2004) and each block's pred over its own years: each block
    takes tas over its own period, and the warning that the periods differ was said once per block, the same
    words three times. Now one line names every block's period and steps left out, counted here by hand."""
    dataset = grid_dataset(n_years=5)
    dataset[["tas"]].to_netcdf(tmp_path / "tas.nc")
    spans = {"train": slice(0, 36), "val": slice(36, 48), "test": slice(48, 60)}
    for name, steps in spans.items():
        dataset[["pred"]].isel(time=steps).to_netcdf(tmp_path / f"{name}.nc")
    config = resolve_inputs(build_config({"data": {
        "paths": [str(tmp_path / "tas.nc")], "target": "tas", "predictors": ["pred"], "features": [],
        "split_files": {name: [str(tmp_path / f"{name}.nc")] for name in spans}}}))
    with caplog.at_level(logging.WARNING, logger="climann"):
        prepare_data(config)
    said = [r.getMessage() for r in caplog.records if "cover different periods" in r.getMessage()]
    assert len(said) == 1, said
    n_time = dataset.sizes["time"]
    for name, steps in spans.items():
        times = dataset["time"].values[steps]
        first, last = (f"{t.year}-{t.month:02d}" for t in (times[0], times[-1]))
        left_out = n_time - times.size  # tas's steps outside the block's own years
        assert (f"the {name} block: tas (2000-01 to 2004-12) and pred ({first} to {last}), {first} to {last}, "
                f"{left_out} of tas's {n_time} steps left out") in said[0]
    assert "monthly climatology" not in said[0]  # a block's one year is not a climatology


@pytest.mark.parametrize("files", [pytest.param(1, id="one-file"), pytest.param(2, id="a-glob-of-two")])
def test_whole_cell_weights_asked_for_are_not_warned_of_for_one_file_or_a_glob(tmp_path, files, caplog):
    """break52b A3: CMEMS waves (``area: mean where sea``, no sea fraction) with ``[data]
    weigh_by_area_fraction = false``, the warning's own way out: from one file no warning, from a glob
    of two the warning all the same (the data were laid out for the training steps before being marked
    to weigh whole cells). Neither warns now, and the run weighs whole cells."""
    from climann.data.notes import forget_notes

    rng = np.random.default_rng(52)
    times = xr.date_range("2000-01-01", periods=60, freq="MS")
    lat, lon = np.arange(-75.0, 90.0, 15.0), np.arange(0.0, 360.0, 30.0)
    height = rng.random((60, lat.size, lon.size)).astype("f4")
    data = xr.Dataset(
        {"VHM0": (("time", "latitude", "longitude"), height, {
            "units": "m", "standard_name": "sea_surface_wave_significant_height",
            "cell_methods": "time: point area: mean where sea"}),
         "VTPK": (("time", "latitude", "longitude"), height + rng.random(height.shape).astype("f4"), {"units": "s"})},
        coords={"time": times, "latitude": ("latitude", lat, {"units": "degrees_north"}),
                "longitude": ("longitude", lon, {"units": "degrees_east"})})
    cut = np.array_split(np.arange(60), files)
    paths = [tmp_path / f"waves_{part}.nc" for part in range(files)]
    for path, steps in zip(paths, cut):
        data.isel(time=steps).to_netcdf(path)
    config = build_config({"data": {"paths": [str(tmp_path / "waves_*.nc")], "target": "VHM0",
                                    "weigh_by_area_fraction": False},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    assert "mean where sea" not in caplog.text, caplog.text
    assert json.loads((run.run_dir / "metrics.json").read_text())["weighted_by"] == "cell area"


@pytest.mark.parametrize(("missing", "predictors", "kept_note"), [
    pytest.param(False, ("pred", "copy"), True, id="kept-and-said"),
    pytest.param(True, ("pred",), False, id="left-out-and-not-said-kept"),
])
def test_a_linear_copy_of_the_target_is_said_kept_only_when_the_run_keeps_it(tmp_path, caplog, missing, predictors,
                                                                            kept_note):
    """break56c A3: sithick (missing where ice-free) was "left out of the default predictors" for its missing values,
    then "kept as a default predictor: sithick, which may hold 'siconc'", and the run used tos alone. Here copy =
    (tas − 250)/10 − 0.05 lat, an exact linear function of tas (= pred, |r| = 1 at every cell): kept and said so
    when complete; missing in one longitude column of six (more than 5 %), left out, and not said kept."""
    from climann.workflow.preparation import resolve_default_inputs

    dataset = grid_dataset()[["tas", "pred"]]
    lat = dataset["lat"]
    copy = ((dataset["tas"] - 250) / 10 - 0.05 * lat).astype("f4")
    np.testing.assert_allclose(copy.values, dataset["pred"].values, atol=1e-4)  # the target's linear function
    if missing:
        copy = copy.where(dataset["lon"] != dataset["lon"][0])
    path = tmp_path / "copy.nc"
    dataset.assign(copy=copy.assign_attrs(units="1")).to_netcdf(path)
    with caplog.at_level(logging.INFO, logger="climann.run"):
        resolved = resolve_default_inputs(build_config({"data": {"paths": [str(path)], "target": "tas"}}))
    assert resolved.data.predictors == predictors
    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("kept as a default predictor: copy, which may hold 'tas'") for message in messages) \
        is kept_note
    assert any(message.startswith("left out of the default predictors: copy (16.7%") for message in messages) is missing

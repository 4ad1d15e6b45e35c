"""``climann train`` on a seasonal hindcast beside observations (break30a A2): the forecast is
read on the times its fields are valid at, and so paired with the observations."""

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tests.console import run_main
from tests.forecast_files import seasonal_pair

#: The runs of a config proposed by info are checked through predictions.nc: their figures (drawn
#: after training, changing neither; a hindcast run's are drawn by the first test) would be most of
#: their time.
NO_FIGURES = ["--set", "evaluation.figures=false"]


def _scored_steps(predictions: xr.Dataset, before: np.ndarray) -> xr.Dataset:
    """``predictions`` without its first steps, labelled unused: the observed months ``before`` (their values,
    shape (n, lat, lon)), read before the first valid month for the persistence of the first forecasts and never
    scored (fix48a)."""
    unused = len(before)
    np.testing.assert_array_equal(predictions["split"].values[:unused], 0)
    assert (predictions["split"].values[unused:] > 0).all()
    np.testing.assert_array_equal(predictions["obs_t2m"].values[:unused], before)
    return predictions.isel(time=slice(unused, None))


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
                      "--out", str(out), *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)  # no figure is looked at
    assert result.returncode == 0, result.stderr
    forecast = hindcast["t2m"].values[1, :, 1]  # member 1, forecastMonth 2: valid 1993-02 …
    observed = observations["obs_t2m"].values[1:1 + forecast.shape[0]]
    with xr.open_dataset(out / "predictions.nc") as opened:
        written = _scored_steps(opened, observations["obs_t2m"].values[:1])  # 1993-01: persistence of 1993-02
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


@pytest.mark.parametrize("lead", [pytest.param(None, id="as_proposed"), pytest.param(2, id="lead_changed_in_it")])
def test_info_proposes_a_config_that_reads_a_hindcast_on_its_valid_times(tmp_path, capfd, monkeypatch, lead):
    """``climann info hindcast obs > my.toml; climann train --config my.toml`` (break30a A2's
    info, after fix30e): info says the file holds forecasts on reference time × lead time and
    proposes the observation as target, the forecast as predictor, and a select of one lead
    time and one member; the config trains, its observations on the forecast's valid times
    (against the fixture's arrays), also with the lead time changed in it as its comment
    invites. Paired a month off, the linear fit would miss by far more than the noise."""
    hindcast, observations, shown = _info_of_a_seasonal_pair(tmp_path, capfd, monkeypatch)
    assert "forecasts on reference time × lead time" in shown.stdout
    assert "'valid_time' on forecast_reference_time × forecastMonth (48 × 3)" in shown.stdout
    config = tomllib.loads(shown.stdout)
    assert config["data"]["target"] == "obs_t2m"
    assert config["data"]["predictors"] == ["t2m"]
    assert config["data"]["select"] == {"forecastMonth": 1, "number": 0}
    text = shown.stdout if lead is None else shown.stdout.replace("forecastMonth = 1,", f"forecastMonth = {lead},")
    (tmp_path / "my.toml").write_text(text)
    result = run_main("train", "--config", "my.toml", "--epochs", "1", "--hidden", "4", "--out", "run",
                      *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    first = (lead or 1) - 1  # forecastMonth 1 is valid in its start month
    forecast = hindcast["t2m"].values[0, :, first]
    observed = observations["obs_t2m"].values[first:first + forecast.shape[0]]
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as opened:
        written = _scored_steps(opened, observations["obs_t2m"].values[:first])  # before the first valid month
        np.testing.assert_array_equal(written["obs_t2m"].values, observed)
        np.testing.assert_array_equal(written["time"].values, hindcast["valid_time"].values[:, first])
        test = written["split"].values != 1  # validation and test: held out
        linear = written["obs_t2m_linear"].values
    rmse = np.sqrt(np.mean((linear[test] - observed[test]) ** 2))
    assert rmse < 0.4  # the noise's 0.3
    misaligned = forecast[:-1][test[1:]] - observations["obs_t2m"].values[first + 1:first + forecast.shape[0]][test[1:]]
    assert np.sqrt(np.mean(misaligned**2)) > 1.5


def test_info_on_a_hindcast_beside_observations_warns_of_their_common_period_once(tmp_path, capfd, monkeypatch):
    """info opens the files without a target, then checks its config with the observations as
    target (fix31c 1): the warning that only their common period is used is one line, not the
    same one twice with the variables named in another order. The hindcast's first lead is
    valid in its 48 start months; the observations hold those and the fixture's 4 more."""
    hindcast, observations, shown = _info_of_a_seasonal_pair(tmp_path, capfd, monkeypatch)
    warned = [line for line in shown.stderr.splitlines() if "cover different periods" in line]
    held, valid = observations.sizes["valid_time"], hindcast.sizes["forecast_reference_time"]
    assert len(warned) == 1, warned
    assert f"{held - valid} of obs_t2m's {held} steps left out" in warned[0]


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-9"], id="streamed")])
def test_persistence_of_a_forecast_run_is_the_month_before_the_start(tmp_path, capfd, monkeypatch, route):
    """break45d B4: at ``forecastMonth = 3`` persistence was the observation of the month before
    the valid month, two months after the forecast was issued (its ACC 0.64 beat the network's
    0.39). It is the observation of the month before the start, 3 months before the valid month
    (WeatherBench 2's persistence of an initialised forecast): predictions.nc and the test RMSE
    in metrics.json against numpy on the fixture's arrays, on both routes. The months the file holds
    before the first valid month are read for it (fix48a: the second start's, January 1993, was left
    out with the period the variables share); only the first start's, December 1992, is not there."""
    hindcast, observations = seasonal_pair()
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc"),
                      "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=0",
                      "--select", "forecastMonth=3", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), *route, *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    observed = observations["obs_t2m"].values.astype(np.float64)
    valid = hindcast["valid_time"].values[:, 2]  # each start's third month
    at = np.searchsorted(observations["valid_time"].values, valid)
    # the month before each start, where the file holds it: not for the first start (1993-01)
    known = np.where((at - 3 >= 0)[:, None, None], observed[np.maximum(at - 3, 0)], np.nan)
    assert np.isnan(known[0]).all() and np.isfinite(known[1:]).all()
    with xr.open_dataset(out / "predictions.nc") as opened:
        written = _scored_steps(opened, observed[:at[0]])  # 1993-01 and -02, read for persistence only
        np.testing.assert_array_equal(written["time"].values, valid)
        persisted = written["obs_t2m_persistence"].values
        test = written["split"].values == 3
        area = written["cell_area"].values
    np.testing.assert_allclose(persisted, known, rtol=1e-6)
    one_step_back = observed[at - 1]
    assert np.sqrt(np.nanmean((persisted - one_step_back) ** 2)) > 1.0  # not the month before the valid month
    weights = np.broadcast_to(area, persisted[test].shape)
    rmse = np.sqrt(np.sum(weights * (known[test] - observed[at][test]) ** 2) / weights.sum())
    metrics = json.loads((out / "metrics.json").read_text())
    np.testing.assert_allclose(metrics["splits"]["test"]["persistence"]["rmse"], rmse, rtol=1e-5)
    said = [note["reason"] for note in metrics.get("notes", []) if note["model"] == "persistence"]
    assert said and all("month before the forecast's start (3 months before" in reason for reason in said)


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-9"], id="streamed")])
def test_a_forecast_run_on_a_time_range_persists_the_months_before_it(tmp_path, capfd, monkeypatch, route):
    """fix46n: with ``--time-range``, one step was read before the range, so at ``forecastMonth =
    3`` the range's first two months had no persistence (the month before each start, October and
    November before a January range: 34 of 36 months scored in training, 10 of 12 on evaluate
    --data): as many months as the lead month are read before the range (neither trained on nor
    scored). Every month of the range holds the observation 3 months before it (numpy on the
    fixture's arrays), in training and on evaluate --data --time-range; no persistence note."""
    hindcast, observations = seasonal_pair()
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    data = ["--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc")]
    out = tmp_path / "run"
    result = run_main("train", *data, "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=0",
                      "--select", "forecastMonth=3", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--time-range", "1994-01-01,1996-12-31", "--out", str(out), *route, *NO_FIGURES,
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    scored = tmp_path / "scored"
    result = run_main("evaluate", str(out), *data, "--time-range", "1995-01,1995-12", "--out", str(scored),
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    observed = observations["obs_t2m"].values.astype(np.float64)
    stamps = observations["valid_time"].values
    for folder, first, months in ((out, "1994-01", 36), (scored, "1995-01", 12)):
        with xr.open_dataset(folder / "predictions.nc") as written:
            times, persisted = written["time"].values, written["obs_t2m_persistence"].values
            split = written["split"].values
        in_range = times >= np.datetime64(first)
        assert in_range.sum() == months and np.all(split[in_range] > 0) and np.all(split[~in_range] == 0)
        at = np.searchsorted(stamps, times[in_range])
        np.testing.assert_allclose(persisted[in_range], observed[at - 3], rtol=1e-6)  # no NaN among them
        notes = json.loads((folder / "metrics.json").read_text()).get("notes", [])
        assert not [note for note in notes if note["model"] == "persistence"], notes


def test_info_proposes_the_lead_month_of_the_observed_months(tmp_path, capfd, monkeypatch):
    """break45d B1: beside December observations, info proposed ``forecastMonth = 1`` of November
    starts (November forecasts), and that config trained on November forecasts paired with
    Decembers. It proposes ``forecastMonth = 2``, the lead month of December, and the config trains
    with each December forecast beside its December (the fixture's arrays)."""
    hindcast, observations = seasonal_pair(starts=60, leads=3)
    hindcast = hindcast.isel(forecast_reference_time=np.flatnonzero(
        hindcast["forecast_reference_time"].dt.month.values == 11))
    observations = observations.isel(valid_time=np.flatnonzero(observations["valid_time"].dt.month.values == 12))
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_dec.nc")
    monkeypatch.chdir(tmp_path)
    shown = run_main("info", "seas5_t2m.nc", "era5_dec.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert shown.returncode == 0, shown.stderr
    config = tomllib.loads(shown.stdout)
    assert config["data"]["select"] == {"forecastMonth": 2, "number": 0}
    (tmp_path / "my.toml").write_text(shown.stdout)
    result = run_main("train", "--config", "my.toml", "--epochs", "1", "--hidden", "4", "--out", "run",
                      *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as written:
        np.testing.assert_array_equal(written["time"].values, hindcast["valid_time"].values[:, 1])
        np.testing.assert_array_equal(written["obs_t2m"].values, observations["obs_t2m"].values[:len(written["time"])])


def _info_of_a_seasonal_pair(tmp_path, capfd, monkeypatch):
    """``climann info seas5_t2m.nc era5_t2m.nc`` on :func:`seasonal_pair` written in ``tmp_path``
    (the working folder): the hindcast, the observations and info's output (exit 0 asserted)."""
    hindcast, observations = seasonal_pair()
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    monkeypatch.chdir(tmp_path)
    shown = run_main("info", "seas5_t2m.nc", "era5_t2m.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert shown.returncode == 0, shown.stderr
    return hindcast, observations, shown


def test_info_of_forecast_files_alike_names_them_once(tmp_path, capfd, monkeypatch):
    """break38a B5: info on 36 monthly ICON files of several lead times wrote the same five lines for each file.
    Files alike but for their number of reference times (here 2 years: 24 and 24, and a third of 12) are one entry
    naming the first, how many more, and the range of reference times."""
    hindcast, observations = seasonal_pair()
    starts = hindcast["forecast_reference_time"].values
    for index, part in enumerate((slice(0, 24), slice(24, 36), slice(36, 48))):
        hindcast.sel(forecast_reference_time=starts[part]).to_netcdf(tmp_path / f"seas5_t2m_{index}.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    monkeypatch.chdir(tmp_path)
    shown = run_main("info", "seas5_t2m_*.nc", "era5_t2m.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert shown.returncode == 0, shown.stderr
    flat = " ".join(line.strip("# ").strip() for line in shown.stdout.splitlines())
    assert flat.count("forecasts on reference time × lead time") == 1
    assert "seas5_t2m_0.nc and 2 more files alike: t2m(" in flat
    assert "'valid_time' on forecast_reference_time × forecastMonth (12 to 24 × 3)" in flat


def test_evaluate_on_starts_months_apart_says_which_persistence_it_scores(tmp_path, capfd, monkeypatch):
    """A run on every month's starts at ``forecastMonth = 3``, evaluated on starts in Feb/May/Aug/Nov
    only: its report and metrics.json said "persistence is the previous step of the data given, 3
    months before; the run's own (1 month before …) needs monthly data", while what is scored is the
    month before each start, as in training. They say so; predictions.nc holds it (numpy on the
    fixture's arrays: the observation 3 months before each valid month, the first start's too, read
    for it since fix55d)."""
    hindcast, observations = seasonal_pair(starts=60)
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    quarterly = hindcast.isel(forecast_reference_time=np.flatnonzero(
        np.isin(hindcast["forecast_reference_time"].dt.month.values, (2, 5, 8, 11))))
    quarterly.to_netcdf(tmp_path / "seas5_quarterly.nc")
    data = ["--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc")]
    result = run_main("train", *data, "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=0",
                      "--select", "forecastMonth=3", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--out", str(tmp_path / "run"), *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    result = run_main("evaluate", str(tmp_path / "run"), "--data", str(tmp_path / "seas5_quarterly.nc"),
                      "--data", str(tmp_path / "era5_t2m.nc"), "--out", str(tmp_path / "other"),
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "other" / "metrics.json").read_text())
    said = metrics["persistence_step_note"]
    assert "month before the forecast's start (3 months before the valid month)" in said, said
    assert "previous step" not in said and "previous step" not in (tmp_path / "other" / "report.md").read_text()
    observed = observations["obs_t2m"].values.astype(np.float64)
    at = np.searchsorted(observations["valid_time"].values, quarterly["valid_time"].values[:, 2])
    with xr.open_dataset(tmp_path / "other" / "predictions.nc") as opened:
        # the first start's month before it, 1993-01, no valid month of these starts: read for it alone (fix55d)
        written = _scored_steps(opened, observed[at[:1] - 3])
        np.testing.assert_array_equal(written["obs_t2m"].values, observed[at])
        np.testing.assert_allclose(written["obs_t2m_persistence"].values, observed[at - 3], rtol=1e-6)


def _train_in(folder, hindcast: xr.Dataset, observations: xr.Dataset, lead: int, capfd, monkeypatch) -> dict:
    """One run on ``hindcast`` beside ``observations``, written in ``folder`` under the same names whatever the
    layout (the run's config, and so its model file, names them), at ``forecastMonth = lead``, member 0; its
    metrics.json. The run is then moved to ``run_<n>`` (n the runs before it), so the next writes ``run`` again."""
    folder.mkdir(exist_ok=True)
    hindcast.to_netcdf(folder / "seas5_t2m.nc")
    observations.to_netcdf(folder / "era5_t2m.nc")
    monkeypatch.chdir(folder)
    result = run_main("train", "--data", "seas5_t2m.nc", "--data", "era5_t2m.nc", "--target", "obs_t2m",
                      "--predictors", "t2m", "--select", "number=0", "--select", f"forecastMonth={lead}",
                      "--features", "", "--epochs", "1", "--hidden", "4", "--out", "run", *NO_FIGURES,
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((folder / "run" / "metrics.json").read_text())
    (folder / "run").rename(folder / f"run_{len(list(folder.glob('run_*')))}")
    for name in ("seas5_t2m.nc", "era5_t2m.nc"):
        (folder / name).unlink()
    return metrics


@pytest.mark.parametrize(("months", "lead"), [pytest.param(None, 3, id="every_start_month_lead_3"),
                                              pytest.param([11], 1, id="november_starts_lead_1")])
def test_cfgrib_month_end_steps_score_as_the_new_cds_layout(tmp_path, capfd, monkeypatch, months, lead):
    """break53c A1, A5: the same monthly means of a seasonal hindcast in cfgrib's layout (``step`` = end of
    each averaged month, one lead month on up to four steps) and the new CDS's (``forecastMonth``, units "1"
    as the CDS writes it) give the same metrics.json, every key (the model file's hash included), persistence
    included (the month before each start, not the step before); the cfgrib run's truth and persistence
    checked against numpy on the fixture's arrays."""
    from tests.forecast_files import cfgrib_month_end_layout

    hindcast, observations = seasonal_pair(starts=48, leads=3)
    hindcast["forecastMonth"].attrs["units"] = "1"
    if months is not None:
        hindcast = hindcast.sel(forecast_reference_time=hindcast["forecast_reference_time"].dt.month.isin(months))
    new = _train_in(tmp_path, hindcast, observations, lead, capfd, monkeypatch)
    old = _train_in(tmp_path, cfgrib_month_end_layout(hindcast), observations, lead, capfd, monkeypatch)
    assert old == new
    assert "persistence" in new["splits"]["test"]  # November starts too: each October read (fix55d)
    observed = observations["obs_t2m"].values.astype(np.float64)
    valid = hindcast["valid_time"].values[:, lead - 1]
    at = np.searchsorted(observations["valid_time"].values, valid)
    before_start = np.where((at - lead >= 0)[:, None, None], observed[np.maximum(at - lead, 0)], np.nan)
    with xr.open_dataset(tmp_path / "run_1" / "predictions.nc") as opened:
        scored = opened["split"].values > 0
        np.testing.assert_array_equal(opened["time"].values[scored], valid)
        np.testing.assert_array_equal(opened["obs_t2m"].values[scored], observed[at])
        np.testing.assert_allclose(opened["obs_t2m_persistence"].values[scored], before_start, rtol=1e-6)


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-9"], id="streamed")])
@pytest.mark.parametrize("lead", [pytest.param(2, id="december"), pytest.param(6, id="april")])
def test_november_starts_persist_the_october_before_each_start(tmp_path, capfd, monkeypatch, route, lead):
    """fix55d: SEAS5-like starts every 1 November (lead months December to April) beside monthly
    observations: the target was cut to the valid months, October never read, and persistence left
    out of every block. Each October is read for it (never trained on or scored): predictions.nc's
    persistence is numpy's October of the start's year, and metrics.json's persistence MSE of each
    block numpy's with the cell areas."""
    hindcast, observations = seasonal_pair(starts=84, leads=6)
    hindcast = hindcast.isel(forecast_reference_time=np.flatnonzero(
        hindcast["forecast_reference_time"].dt.month.values == 11))
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc"),
                      "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=0",
                      "--select", f"forecastMonth={lead}", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), *route, *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert "persistence left out" not in result.stderr
    stamps = pd.DatetimeIndex(observations["valid_time"].values)
    observed = observations["obs_t2m"].values.astype(np.float64)
    starts = pd.DatetimeIndex(hindcast["forecast_reference_time"].values)
    octobers = observed[stamps.get_indexer(starts - pd.DateOffset(months=1))]
    valid = observed[stamps.get_indexer(starts + pd.DateOffset(months=lead - 1))]
    with xr.open_dataset(out / "predictions.nc") as written:
        assert (np.diff(written["time"].values) > np.timedelta64(0)).all()
        written = written.isel(time=written["split"].values > 0)
        np.testing.assert_array_equal(written["time"].values, hindcast["valid_time"].values[:, lead - 1])
        np.testing.assert_array_equal(written["obs_t2m"].values, valid)
        persisted, split = written["obs_t2m_persistence"].values, written["split"].values
        area = written["cell_area"].values
    np.testing.assert_allclose(persisted, octobers, rtol=1e-6)
    metrics = json.loads((out / "metrics.json").read_text())
    for code, name in ((1, "train"), (2, "val"), (3, "test")):
        weights = np.broadcast_to(area, valid[split == code].shape)
        mse = np.sum(weights * (octobers[split == code] - valid[split == code]) ** 2) / weights.sum()
        assert metrics["splits"][name]["persistence"]["n_samples"] == weights.size
        np.testing.assert_allclose(metrics["splits"][name]["persistence"]["mse"], mse, rtol=1e-5)
    recorded = tomllib.loads((out / "config.toml").read_text())["data"]["steps_before_range"]
    assert recorded == lead  # the months before the first valid month persistence reads, not every October
    said = (f"{len(starts)} time steps (and {len(starts)} steps read for persistence and lags alone, "
            f"{len(starts) - 1} of them within the period: the last observed before a forecast's start)")
    if not route:  # the streamed route logs no data summary
        assert said in (out / "train.log").read_text()  # every October but the first start's, within the Decembers


def test_monthly_observations_with_months_left_out_are_called_monthly(tmp_path, capfd, monkeypatch):
    """break53c A2: ERA5's months of 31 days alone (``cdo delete`` of the others: steps of 1 and 2
    months) were called "61-daily" beside a seasonal forecast; they are monthly with months missing,
    paired month by month (the truth in predictions.nc the fixture's observations of those months)."""
    hindcast, observations = seasonal_pair(starts=48, leads=1)
    kept = observations.isel(valid_time=observations["valid_time"].dt.days_in_month.values == 31)
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    kept.to_netcdf(tmp_path / "era5_t2m.nc")
    result = run_main("train", "--data", str(tmp_path / "seas5_t2m.nc"), "--data", str(tmp_path / "era5_t2m.nc"),
                      "--target", "obs_t2m", "--predictors", "t2m", "--select", "number=0",
                      "--select", "forecastMonth=1", "--features", "", "--epochs", "1", "--hidden", "4",
                      "--out", str(tmp_path / "run"), *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert "-daily" not in result.stderr
    assert "obs_t2m has no value at 20 of the 48 monthly steps" in result.stderr
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as opened:
        scored = opened["split"].values > 0
        valid = opened["time"].values[scored]
        np.testing.assert_array_equal(opened["obs_t2m"].values[scored],
                                      kept["obs_t2m"].sel(valid_time=valid).values)
    assert set(valid.astype("datetime64[M]").astype(int) % 12 + 1) == {1, 3, 5, 7, 8, 10, 12}


_LAT, _LON = np.array([52.5, 50.0, 47.5]), np.array([0.0, 2.5, 5.0, 7.5])
_GRID = {"latitude": ("latitude", _LAT, {"units": "degrees_north", "standard_name": "latitude"}),
         "longitude": ("longitude", _LON, {"units": "degrees_east", "standard_name": "longitude"})}


def _era5_days(first: str, last: str, *, seed: int = 0, without: tuple[str, ...] = ()) -> tuple[pd.DatetimeIndex,
                                                                                                np.ndarray, xr.Dataset]:
    """ERA5 daily means with 1-day bounds (``cdo settbounds,day``), an AR(1) anomaly on a seasonal cycle, on
    a 3×4 grid: the days, their values and the file's dataset, without the days ``without``."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(first, last, freq="D")
    anomaly = np.zeros((len(days), _LAT.size, _LON.size))
    for index in range(1, len(days)):
        anomaly[index] = 0.9 * anomaly[index - 1] + rng.normal(0, 1, anomaly.shape[1:])
    season = 10 * np.cos(2 * np.pi * (days.day_of_year.values - 200) / 365.25)
    observed = (280 + season[:, None, None] + anomaly).astype("f4")
    kept = ~days.isin(pd.DatetimeIndex(list(without)))
    file = xr.Dataset({"t2m": (("valid_time", "latitude", "longitude"), observed[kept],
                               {"units": "K", "cell_methods": "time: mean"})},
                      coords={"valid_time": ("valid_time", days[kept].values,
                                             {"standard_name": "time", "bounds": "valid_time_bnds"}), **_GRID})
    file["valid_time_bnds"] = (("valid_time", "bnds"),
                               np.stack([days[kept].values, (days[kept] + pd.Timedelta(days=1)).values], 1))
    file.valid_time.encoding = file.valid_time_bnds.encoding = {"units": "days since 1940-01-01", "dtype": "f8"}
    return days, observed, file


def _s2s_real_time(days: pd.DatetimeIndex, observed: np.ndarray, starts: pd.DatetimeIndex, *,
                   seed: int = 1) -> xr.Dataset:
    """ECMWF S2S real-time forecasts in cfgrib's layout, ``t2m(number, time, step, latitude, longitude)``, steps
    1 to 10 days (GRIB ``avg``: step s the mean of day start + s − 1), 3 members: the observation + noise."""
    rng = np.random.default_rng(seed)
    steps = pd.to_timedelta(np.arange(1, 11), "D")
    values = np.stack([observed[days.get_loc(start):days.get_loc(start) + 10] for start in starts])
    values = (values[None] + rng.normal(0, 0.3, (3, *values.shape))).astype("f4")
    file = xr.Dataset({"t2m": (("number", "time", "step", "latitude", "longitude"), values,
                               {"units": "K", "GRIB_stepType": "avg", "GRIB_shortName": "2t"})},
                      coords={"number": ("number", np.arange(3), {"standard_name": "realization"}),
                              "time": ("time", starts.values, {"standard_name": "forecast_reference_time"}),
                              "step": ("step", steps.values, {"standard_name": "forecast_period"}),
                              "valid_time": (("time", "step"), starts.values[:, None] + steps.values[None],
                                             {"standard_name": "time"}), **_GRID},
                      attrs={"GRIB_centre": "ecmf", "Conventions": "CF-1.7"})
    file.step.encoding = {"units": "hours", "dtype": "f8"}
    return file


def _s2s_reforecasts(folder, days: pd.DatetimeIndex, observed: np.ndarray, versions: pd.DatetimeIndex, *,
                     years: int, seed: int = 2) -> None:
    """ECMWF S2S reforecasts, one file per model version date, ``t2m(number, hdate, step, latitude,
    longitude)``, hdates the version's day ``years`` years back, steps 1 to 21 days (GRIB ``avg``)."""
    rng = np.random.default_rng(seed)
    steps = pd.to_timedelta(np.arange(1, 22), "D")
    for version in versions:
        hdates = [version - pd.DateOffset(years=back) for back in range(years, 0, -1)]
        values = np.stack([observed[days.get_loc(hdate):days.get_loc(hdate) + 21] for hdate in hdates])
        values = (values[None] + rng.normal(0, 0.1, (2, *values.shape))).astype("f4")
        xr.Dataset({"t2m": (("number", "hdate", "step", "latitude", "longitude"), values,
                            {"units": "K", "GRIB_stepType": "avg", "GRIB_shortName": "2t"})},
                   coords={"number": ("number", np.arange(2), {"standard_name": "realization"}),
                           "hdate": ("hdate", np.array([int(h.strftime("%Y%m%d")) for h in hdates]),
                                     {"long_name": "hdate"}),
                           "step": ("step", steps.values, {"standard_name": "forecast_period"}),
                           "time": ((), np.datetime64(version, "ns"), {"standard_name": "forecast_reference_time"}),
                           **_GRID},
                   attrs={"GRIB_centre": "ecmf", "Conventions": "CF-1.7"}).to_netcdf(
            folder / f"s2s_t2m_rf_{version:%Y%m%d}.nc", encoding={"step": {"units": "hours", "dtype": "f8"}})


def _persistence_checked(out, days: pd.DatetimeIndex, observed: np.ndarray, lead_days: int) -> None:
    """predictions.nc's persistence of every forecast is ERA5's mean of the day before its start (the
    valid day − lead + 1 day − 1 day), and metrics.json's persistence MSE of each block that of numpy with
    the cell areas, on every value; config.toml's steps_before_range the most days held between a valid
    day and its persistence."""
    with xr.open_dataset(out / "predictions.nc") as written:
        assert (np.diff(written["time"].values) > np.timedelta64(0)).all()  # the days read beside: in order
        written = written.isel(time=written["split"].values > 0)
        valid_day = pd.DatetimeIndex(written["time_bnds"].values[:, 0] if "time_bnds" in written
                                     else written["valid_time_bnds"].values[:, 0])
        truth, persisted = written["t2m"].values, written["t2m_persistence"].values
        split, area = written["split"].values, written["cell_area"].values
    before_start = valid_day - pd.Timedelta(days=lead_days)  # start = valid day − (lead − 1 day)
    wanted = observed[days.get_indexer(before_start)]
    np.testing.assert_allclose(persisted, wanted, rtol=1e-6)
    metrics = json.loads((out / "metrics.json").read_text())
    for code, name in ((1, "train"), (2, "val"), (3, "test")):
        weights = np.broadcast_to(area, truth[split == code].shape)
        mse = np.sum(weights * (wanted[split == code] - truth[split == code]) ** 2) / weights.sum()
        assert metrics["splits"][name]["persistence"]["n_samples"] == weights.size
        np.testing.assert_allclose(metrics["splits"][name]["persistence"]["mse"], mse, rtol=1e-5)
    # steps_before_range counts the steps before the period persistence reads, in time order among the days
    # held (valid days and days before starts), not every day read for persistence (729 in two years, fix55d)
    held = valid_day.union(before_start)
    back = held.get_indexer(valid_day) - held.get_indexer(before_start)
    recorded = tomllib.loads((out / "config.toml").read_text())["data"]["steps_before_range"]
    assert recorded == max(1, int(back.max())) and recorded < len(before_start) // 10


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-9"], id="streamed")])
def test_s2s_real_time_persistence_is_the_day_before_each_start(tmp_path, capfd, monkeypatch, route):
    """break54c A1: beside ERA5 daily means only the forecasts' valid days were read within the
    period, so at step = 48 h persistence was the last valid day before each start (a Monday's
    Friday, a Thursday's Tuesday), 2 to 3 days older than the day before the start, which ERA5
    holds. Now that day is read for it (never trained on or scored): numpy's persistence in
    predictions.nc and metrics.json, in memory and streamed."""
    days, observed, era5 = _era5_days("2009-12-20", "2013-01-31")
    starts = pd.DatetimeIndex([day for day in pd.date_range("2010-01-04", "2012-12-20") if day.day_of_week in (0, 3)])
    era5.to_netcdf(tmp_path / "era5_daily.nc")
    _s2s_real_time(days, observed, starts).to_netcdf(tmp_path / "s2s_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "s2s_t2m.nc"), "--data", str(tmp_path / "era5_daily.nc"),
                      "--rename", "s2s_t2m.nc:t2m=t2m_fc", "--target", "t2m", "--predictors", "t2m_fc",
                      "--select", "step=48", "--select", "number=0", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), *route, *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert "persistence scored on" not in result.stderr
    _persistence_checked(out, days, observed, 2)


@pytest.mark.parametrize("lead_days", [pytest.param(1, id="step-24h"), pytest.param(21, id="step-504h")])
def test_s2s_reforecast_persistence_is_the_day_before_each_hdate(tmp_path, capfd, monkeypatch, lead_days):
    """break54c A1: reforecasts (one file per model version date, hdates years back) took at step
    24 h the previous start's valid day (3 or 4 days old) and at 504 h scored persistence on 65 % of
    the values, blaming a gap ERA5 does not have. Each hdate's persistence is ERA5's day before it."""
    days, observed, era5 = _era5_days("2005-12-01", "2010-04-30")
    era5.to_netcdf(tmp_path / "era5_daily.nc")
    (tmp_path / "t2m").mkdir()
    versions = pd.DatetimeIndex([day for day in pd.date_range("2011-01-03", "2011-02-24")
                                 if day.day_of_week in (0, 3)])
    _s2s_reforecasts(tmp_path / "t2m", days, observed, versions, years=5)
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "t2m" / "*.nc"), "--data", str(tmp_path / "era5_daily.nc"),
                      "--rename", "s2s_t2m_rf_*.nc:t2m=t2m_fc", "--target", "t2m", "--predictors", "t2m_fc",
                      "--select", f"step={24 * lead_days}", "--select", "number=0", "--epochs", "1",
                      "--hidden", "4", "--out", str(out), *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert "persistence scored on" not in result.stderr
    _persistence_checked(out, days, observed, lead_days)


def test_a_day_era5_lacks_leaves_that_forecast_without_persistence_and_says_so(tmp_path, capfd, monkeypatch):
    """A true gap: the day before one start missing from ERA5 leaves that forecast's persistence
    missing (not an older day), said in train.log's persistence line and counted in metrics.json."""
    days, observed, era5 = _era5_days("2009-12-20", "2013-01-31", without=("2011-03-06",))  # the Sunday
    starts = pd.DatetimeIndex([day for day in pd.date_range("2010-01-04", "2012-12-20") if day.day_of_week in (0, 3)])
    era5.to_netcdf(tmp_path / "era5_daily.nc")
    _s2s_real_time(days, observed, starts).to_netcdf(tmp_path / "s2s_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "s2s_t2m.nc"), "--data", str(tmp_path / "era5_daily.nc"),
                      "--rename", "s2s_t2m.nc:t2m=t2m_fc", "--target", "t2m", "--predictors", "t2m_fc",
                      "--select", "step=48", "--select", "number=0", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(out / "predictions.nc") as written:
        written = written.isel(time=written["split"].values > 0)
        missing = np.isnan(written["t2m_persistence"].values).all(axis=(1, 2))
        valid_day = pd.DatetimeIndex(written["valid_time_bnds"].values[missing, 0])
    assert list(valid_day) == [pd.Timestamp("2011-03-08")]  # the forecast of Monday 7 March, valid on the 8th
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["splits"]["val"]["persistence"]["n_samples"] == metrics["splits"]["val"]["model"]["n_samples"] - 12
    assert "persistence scored on" in (out / "train.log").read_text()


def test_forecasts_whose_last_valid_days_spill_into_a_new_year_warn_of_that_test_block(tmp_path, capfd,
                                                                                       monkeypatch):
    """break54c A3: starts until late December at step = 240 h put the valid days of the last starts
    in the next January, a test block of 2 forecasts scored without a word. The warning names the
    block's count (numpy's), and the --time-range it advises, run as printed, gives blocks of whole years."""
    days, observed, era5 = _era5_days("2009-12-20", "2013-01-31")
    starts = pd.DatetimeIndex([day for day in pd.date_range("2010-01-04", "2012-12-29") if day.day_of_week in (0, 3)])
    era5.to_netcdf(tmp_path / "era5_daily.nc")
    _s2s_real_time(days, observed, starts).to_netcdf(tmp_path / "s2s_t2m.nc")
    common = ["--data", str(tmp_path / "s2s_t2m.nc"), "--data", str(tmp_path / "era5_daily.nc"),
              "--rename", "s2s_t2m.nc:t2m=t2m_fc", "--target", "t2m", "--predictors", "t2m_fc",
              "--select", "step=240", "--select", "number=0", "--epochs", "1", "--hidden", "4", *NO_FIGURES]
    result = run_main("train", *common, "--out", str(tmp_path / "run"), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    in_2013 = int(((starts + pd.Timedelta(days=9)).year == 2013).sum())  # step 240 h: the mean of start + 9 days
    assert in_2013 == 2
    warned = [line for line in result.stderr.splitlines() if "the test block holds" in line]
    assert len(warned) == 1 and f"the test block holds {in_2013} time steps (2013)" in warned[0], result.stderr
    advised = warned[0].split("--time-range ")[1].split(",")
    advised = f"{advised[0]},{advised[1].split()[0]}"
    assert advised == "2010,2012"
    result = run_main("train", *common, "--time-range", advised, "--out", str(tmp_path / "years"),
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert "block holds" not in result.stderr
    with xr.open_dataset(tmp_path / "years" / "predictions.nc") as written:
        split = written["split"].values
        years = pd.DatetimeIndex(written["time"].values).year
    for code, year in ((1, 2010), (2, 2011), (3, 2012)):
        assert set(years[split == code]) == {year}
        assert (split == code).sum() == int(((starts + pd.Timedelta(days=9)).year == year).sum())


def _instant_forecasts(days: pd.DatetimeIndex, observed: np.ndarray, starts: pd.DatetimeIndex, lead_days: int, *,
                       seed: int = 1) -> xr.Dataset:
    """Forecasts of instants (GRIB ``instant``) at leads of ``lead_days`` and one day more, 2 members: the
    observation at the valid instant + noise, ``t2m(number, time, step, latitude, longitude)``."""
    rng = np.random.default_rng(seed)
    steps = pd.to_timedelta([lead_days, lead_days + 1], "D")
    values = np.stack([observed[days.get_indexer(starts + step)] for step in steps], 1)
    values = (values[None] + rng.normal(0, 0.3, (2, *values.shape))).astype("f4")
    file = xr.Dataset({"t2m": (("number", "time", "step", "latitude", "longitude"), values,
                               {"units": "K", "GRIB_stepType": "instant"})},
                      coords={"number": ("number", [0, 1], {"standard_name": "realization"}),
                              "time": ("time", starts.values, {"standard_name": "forecast_reference_time"}),
                              "step": ("step", steps.values, {"standard_name": "forecast_period"}),
                              "valid_time": (("time", "step"), starts.values[:, None] + steps.values[None],
                                             {"standard_name": "time"}), **_GRID})
    file.step.encoding = {"units": "hours", "dtype": "f8"}
    return file


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-9"], id="streamed")])
def test_a_start_an_unbounded_target_lacks_has_no_persistence_not_an_older_value(tmp_path, capfd, monkeypatch,
                                                                                 route):
    """fix55d: a target without time bounds (instants at 00:00) beside weekly Monday starts at step = 48 h:
    the day of one start missing, the gap check (over the Sundays and Mondays read for persistence and the
    Wednesdays valid, 2 days its median spacing) took Sunday's value. That forecast has no persistence now,
    counted in metrics.json and said in train.log; every other one is the observation at its start (numpy),
    and the persistence MSE of each block numpy's with the cell areas."""
    days, observed, era5 = _era5_days("2009-12-20", "2013-01-31", without=("2011-03-07",))  # a Monday start
    era5 = era5.drop_vars("valid_time_bnds")
    del era5["valid_time"].attrs["bounds"], era5["t2m"].attrs["cell_methods"]
    era5.to_netcdf(tmp_path / "era5_instants.nc")
    starts = pd.DatetimeIndex([day for day in pd.date_range("2010-01-04", "2012-12-20") if day.day_of_week == 0])
    _instant_forecasts(days, observed, starts, 2).to_netcdf(tmp_path / "fc_t2m.nc")
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "fc_t2m.nc"), "--data", str(tmp_path / "era5_instants.nc"),
                      "--rename", "fc_t2m.nc:t2m=t2m_fc", "--target", "t2m", "--predictors", "t2m_fc",
                      "--select", "step=48", "--select", "number=0", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), *route, *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(out / "predictions.nc") as written:
        written = written.isel(time=written["split"].values > 0)
        valid = pd.DatetimeIndex(written["time"].values)
        truth, persisted = written["t2m"].values, written["t2m_persistence"].values
        split, area = written["split"].values, written["cell_area"].values
    at_start = days.get_indexer(valid - pd.Timedelta(days=2))
    held = ~pd.DatetimeIndex(valid - pd.Timedelta(days=2)).isin([pd.Timestamp("2011-03-07")])
    assert list(valid[~held]) == [pd.Timestamp("2011-03-09")]
    wanted = np.where(held[:, None, None], observed[at_start], np.nan)
    np.testing.assert_allclose(persisted, wanted, rtol=1e-6)  # NaN where the start's day is missing, not Sunday's
    metrics = json.loads((out / "metrics.json").read_text())
    for code, name in ((1, "train"), (2, "val"), (3, "test")):
        scored = (split == code) & held
        weights = np.broadcast_to(area, truth[scored].shape)
        mse = np.sum(weights * (wanted[scored] - truth[scored]) ** 2) / weights.sum()
        assert metrics["splits"][name]["persistence"]["n_samples"] == weights.size
        np.testing.assert_allclose(metrics["splits"][name]["persistence"]["mse"], mse, rtol=1e-5)
    assert metrics["splits"]["val"]["persistence"]["n_samples"] == metrics["splits"]["val"]["model"]["n_samples"] - 12
    assert "persistence scored on" in (out / "train.log").read_text()


def test_predict_on_an_ensemble_file_without_select_says_it_predicts_the_runs_member(tmp_path, capfd, monkeypatch):
    """fix55d: predict on S2S forecasts of 3 members without --select number predicted member 0, the
    run's, and said "no ensemble member (number)". It says which member of how many, and the way to
    another; its predictions are those of --select number=0 given, not of member 1."""
    days, observed, era5 = _era5_days("2009-12-20", "2011-01-31")
    starts = pd.DatetimeIndex([day for day in pd.date_range("2010-01-04", "2010-12-20") if day.day_of_week in (0, 3)])
    era5.to_netcdf(tmp_path / "era5_daily.nc")
    _s2s_real_time(days, observed, starts).to_netcdf(tmp_path / "s2s_t2m.nc")
    data = ["--data", str(tmp_path / "s2s_t2m.nc"), "--data", str(tmp_path / "era5_daily.nc"),
            "--rename", "s2s_t2m.nc:t2m=t2m_fc"]
    result = run_main("train", *data, "--target", "t2m", "--predictors", "t2m_fc", "--select", "step=48",
                      "--select", "number=0", "--epochs", "1", "--hidden", "4", "--out", str(tmp_path / "run"),
                      *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    predicted = {}
    for name, select in (("none", []), ("0", ["--select", "number=0"]), ("1", ["--select", "number=1"])):
        result = run_main("predict", str(tmp_path / "run"), *data, *select, "--out", str(tmp_path / f"{name}.nc"),
                          capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 0, result.stderr
        if name == "none":
            assert "no ensemble member" not in result.stderr
            assert ("s2s_t2m.nc: ensemble member number=0 of the 3 the data hold, the run's own (no --select number "
                    "given; another with --select number=VALUE)") in result.stderr
        with xr.open_dataset(tmp_path / f"{name}.nc") as written:
            predicted[name] = written["t2m_pred"].values
    np.testing.assert_array_equal(predicted["none"], predicted["0"])
    assert np.nanmax(np.abs(predicted["none"] - predicted["1"])) > 0.01

"""Short series and missing baselines, end to end (climann.workflow.pipeline.evaluate and the CLI).

A baseline that cannot be defined for a block is left out of it (or scored only where it is
defined) with a note in metrics.json, report.md and the terminal; the network's own scores
never become NaN because of it; metrics.json is strict JSON.
"""

import json
import logging

import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.evaluation.negative_skill import negative_skill_text
from climann.evaluation.predictions import split_labels

TINY = {"epochs": 2, "batch_size": 32, "learning_rate": 3e-3}


def strict_json(path):
    """json.loads that refuses NaN and infinities (not JSON)."""

    def refuse(constant):
        raise ValueError(f"{path.name} is not strict JSON: {constant}")

    return json.loads(path.read_text(), parse_constant=refuse)


def write_series(path, times, *, seed=0, calendar="noleap"):
    """A tiny 3×4 file of ``tas`` (K) with a seasonal cycle and a predictor ``rsdt`` that explains it."""
    rng = np.random.default_rng(seed)
    lat, lon = np.array([-30.0, 0.0, 30.0]), np.array([0.0, 90.0, 180.0, 270.0])
    day = np.array([time.dayofyr for time in times], dtype=float)
    season = np.sin(2 * np.pi * day / 365)[:, None, None]
    rsdt = 300 + 100 * season * np.sin(np.deg2rad(lat))[None, :, None] + np.zeros((len(times), 3, 4))
    tas = 250 + 40 * np.cos(np.deg2rad(lat))[None, :, None] + 0.1 * (rsdt - 300) + rng.normal(0, 0.5, rsdt.shape)
    units = "days since 2001-01-01"
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "standard_name": "air_temperature"}),
         "rsdt": (("time", "lat", "lon"), rsdt.astype(np.float32), {"units": "W m-2"})},
        coords={"time": ("time", cftime.date2num(times, units, calendar),
                         {"units": units, "calendar": calendar, "standard_name": "time", "axis": "T"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude", "axis": "X"})},
    )
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def short_daily_run(tmp_path_factory):
    """200 days of one year: train, val and test are consecutive days, so the val and test
    days of year were never seen in training."""
    times = np.array([cftime.datetime(2001, 1, 1, calendar="noleap") + np.timedelta64(d, "D").item()
                      for d in range(200)])
    path = write_series(tmp_path_factory.mktemp("data") / "daily.nc", times)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"],
                                    "features": ["lat", "season"]},
                           "model": {"hidden": [8]}, "training": TINY, "evaluation": {"figures": False}})
    return run_training(config, run_dir=tmp_path_factory.mktemp("runs") / "daily")


def test_a_short_daily_series_scores_the_network_and_leaves_out_the_climatology(short_daily_run):
    run_dir = short_daily_run.run_dir
    metrics = strict_json(run_dir / "metrics.json")
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        labels = split_labels(predictions["split"])
        truth, predicted = predictions["tas"].values, predictions["tas_pred"].values
        climatology = predictions["tas_climatology"].values
    for block in ("val", "test"):
        steps = labels == block
        assert np.isnan(climatology[steps]).all()  # days of year the training never saw
        assert "climatology" not in metrics["splits"][block]
        model = metrics["splits"][block]["model"]
        assert all(np.isfinite(model[key]) for key in ("mse", "mae", "rmse", "bias", "r2", "corr"))
        assert model["skill_vs_climatology"] is None  # undefined there: null
        pairs = np.isfinite(truth[steps]) & np.isfinite(predicted[steps])
        assert metrics["n_samples"][block] == model["n_samples"] == pairs.sum() > 0
        assert {"linear", "persistence"} <= set(metrics["splits"][block])
    assert metrics["splits"]["train"]["climatology"]["n_samples"] == metrics["n_samples"]["train"]
    # one training year of 140 daily means, but each value of the 61-day smoothed climatology rests
    # on the days of its window (up to 59; fewer near the days the training years lack): no
    # few-years note (climatology_years; it said 1.00 values per day of year before break34a)
    few_years = [note for note in metrics["notes"] if "values_per_key" in note]
    assert few_years == [] and metrics["climatology_narrowed"] == list(range(141, 366))
    notes = [note for note in metrics["notes"] if note["model"] == "climatology" and note not in few_years]
    assert [(note["split"], note["n_samples"], note["of"]) for note in notes] == [
        ("val", 0, metrics["n_samples"]["val"]), ("test", 0, metrics["n_samples"]["test"])]
    assert "day of year" in notes[0]["reason"]
    line = ("climatology left out of the val and test blocks: the training years have no value for that cell and "
            "day of year")
    assert line in (run_dir / "report.md").read_text()
    assert line in (run_dir / "train.log").read_text()
    strict_json(run_dir / "provenance.json")


def test_the_report_shows_undefined_scores_as_not_available(short_daily_run):
    rows = [line for line in (short_daily_run.run_dir / "report.md").read_text().splitlines()
            if line.startswith("| test ") and "| model |" in line]
    assert len(rows) == 1 and rows[0].rstrip(" |").endswith("n/a") and "nan" not in rows[0]


def test_the_terminal_warns_about_a_baseline_left_out(short_daily_run, tmp_path):
    result = CliRunner().invoke(app, ["evaluate", str(short_daily_run.run_dir), "--out", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert ("climann: warning: climatology left out of the val and test blocks: the training years have no value "
            "for that cell") in result.output  # the rest cut at the terminal's width
    assert strict_json(tmp_path / "again" / "metrics.json")["notes"] == strict_json(
        short_daily_run.run_dir / "metrics.json")["notes"]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_persistence_on_a_gappy_axis_is_scored_only_where_defined(tmp_path, mode, caplog):
    """Monthly data with April–June of the second year missing (the missing_months case):
    July 2002 has no previous month, said in the same words by every route."""
    times = np.array([cftime.datetime(2001 + year, month, 15, calendar="noleap")
                      for year in range(4) for month in range(1, 13) if not (year == 1 and 4 <= month <= 6)])
    path = write_series(tmp_path / "gappy.nc", times, seed=1)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"],
                         "features": ["lat", "season"]},
                "model": {"hidden": [8]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(build_config(settings), run_dir=tmp_path / "run")
    gap_warnings = {record.getMessage() for record in caplog.records if "after gaps" in record.getMessage()}
    assert gap_warnings == {"persistence is missing at 1 time step after gaps in the monthly time axis"}
    metrics = strict_json(run.run_dir / "metrics.json")
    notes = [note for note in metrics["notes"] if note["model"] == "persistence"]
    assert notes, "persistence across the gap needs a note"
    assert not any("--months" in note["reason"] for note in notes)  # no selection: not said to be the cause
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        labels = split_labels(predictions["split"])
        truth, model = predictions["tas"].values, predictions["tas_pred"].values
        persistence = predictions["tas_persistence"].values if "tas_persistence" in predictions else None
    for block, models in metrics["splits"].items():
        steps = labels == block
        network = np.isfinite(truth[steps]) & np.isfinite(model[steps])
        assert models["model"]["n_samples"] == network.sum() and np.isfinite(models["model"]["mse"])
        if "persistence" in models:  # scored by date: only where the month before is in the data
            pairs = network & np.isfinite(persistence[steps])
            assert models["persistence"]["n_samples"] == pairs.sum()
        else:  # or left out of the block, with the note saying so
            assert any(note["split"] == block and note["n_samples"] == 0 for note in notes)
    assert "persistence" in (run.run_dir / "report.md").read_text().split("Notes:")[1]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed"), pytest.param("field")])
def test_persistence_after_a_step_without_samples_is_the_files_previous_value(tmp_path, mode):
    """A predictor missing at one month (the c20_persist case): that month has no sample, but
    the target is in the file, so the next month's persistence is that value, and the truth
    written is the file's target, that month included (pointwise in memory and streamed, and
    field mode, whose one sample per month is then dropped)."""
    times = np.array([cftime.datetime(2001 + year, month, 15, calendar="noleap")
                      for year in range(4) for month in range(1, 13)])
    path = write_series(tmp_path / "series.nc", times, seed=2)
    with xr.open_dataset(path) as opened:
        dataset = opened.load()
    if mode == "field":  # the area mean of rsdt is constant here: a seasonal cycle everywhere makes it a predictor
        dataset["rsdt"] = dataset["rsdt"] + 20 * np.sin(2 * np.pi * np.arange(48) / 12)[:, None, None]
    dataset["rsdt"][18] = np.nan  # 2002-07
    dataset.to_netcdf(tmp_path / "holed.nc")
    tas = dataset["tas"].values.astype(np.float64)
    expected = np.full_like(tas, np.nan)
    expected[1:] = tas[:-1]  # a complete monthly axis: the previous month is the previous step
    settings = {"data": {"paths": [str(tmp_path / "holed.nc")], "target": "tas", "predictors": ["rsdt"],
                         "features": ["lat", "season"]},
                "model": {"hidden": [8]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
        settings["compute"] = {"chunk_mb": 1e-4}  # one time step per chunk: 2002-08 reads 2002-07 again
    if mode == "field":
        settings["data"] |= {"mode": "field", "features": ["season"]}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        assert np.isnan(predictions["tas_pred"].values[18]).all()
        np.testing.assert_allclose(predictions["tas_persistence"].values[19], tas[18], rtol=1e-6)
        np.testing.assert_allclose(predictions["tas_persistence"].values, expected, rtol=1e-6)
        np.testing.assert_allclose(predictions["tas"].values, tas, rtol=1e-6)
    assert not [note for note in strict_json(run.run_dir / "metrics.json").get("notes", []) if note["model"] == "persistence"]


@pytest.mark.parametrize("area_weighted", [pytest.param(True, id="area-weighted"), pytest.param(False, id="unweighted")])
def test_the_linear_baseline_is_unbiased_on_its_training_block_under_the_loss_weights(tmp_path, area_weighted):
    """Least squares with the loss's weights: Σw(ŷ − y) = 0 on the training block, so the
    area-weighted bias vanishes when the loss is area weighted. Fitted unweighted, only the
    plain mean residual vanishes, and the area-weighted bias (what the scores show) does not."""
    times = np.array([cftime.datetime(2001 + year, month, 15, calendar="noleap")
                      for year in range(5) for month in range(1, 13)])
    path = write_series(tmp_path / "monthly.nc", times, seed=2)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"],
                                    "features": ["lat", "season"]},
                           "model": {"hidden": [8]}, "training": {**TINY, "area_weighted": area_weighted},
                           "evaluation": {"figures": False, "baselines": ["linear", "climatology"]}})
    run = run_training(config, run_dir=tmp_path / "run")
    first, last = run.config.data.split_years["train"]
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        train = np.array([first <= time.year <= last for time in predictions.indexes["time"]])
        truth, linear = predictions["tas"].values[train], predictions["tas_linear"].values[train]
        lat = predictions["lat"].values
    # the cells' areas on this regular grid: ∝ sin(north edge) − sin(south edge)
    edges = np.deg2rad(np.array([-45.0, -15.0, 15.0, 45.0]))
    area = np.broadcast_to((np.sin(edges[1:]) - np.sin(edges[:-1]))[:, None], truth.shape[1:])
    np.testing.assert_allclose(lat, [-30, 0, 30])
    residual = linear - truth
    area_bias = float(np.sum(area * residual) / (area.sum() * residual.shape[0]))
    plain_bias = float(residual.mean())
    recorded = strict_json(run.run_dir / "metrics.json")["splits"]["train"]["linear"]["bias"]
    # predictions.nc holds float32: each residual read back is off by at most one float32
    # spacing of the values (≈ 3·10⁻⁵ K at 280 K), and so is their weighted mean
    assert recorded == pytest.approx(area_bias, abs=float(np.spacing(np.float32(np.abs(truth).max()))))
    scale = float(np.abs(residual).mean())  # K: the size of the residuals, far above rounding
    if area_weighted:
        assert abs(area_bias) < 1e-4 * scale
    else:
        assert abs(plain_bias) < 1e-4 * scale
        assert abs(area_bias) > 1e-2 * scale


#: Why persistence is left out of float32 quarter-hourly stamps of 2004 (precision 2⁻⁸ day).
FLOAT32_STORAGE = ("the time axis has no regular step: time 'time' is stored as float32 (precision ≈ 5.6 min at 2004), "
                   "too coarse for steps of about 15 min; store time as double with its exact values (e.g. written "
                   "again from the source, or `cdo settaxis` with the first date and the step)")


@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-6, id="streamed")])
def test_persistence_on_float32_stamps_too_coarse_to_place_names_the_storage(tmp_path, limit_gb):
    """Ten days of quarter-hours in float32 days since 1850 (stored 5.6 min apart, too coarse
    to put on their grid): persistence is left out naming the storage and its fix, in training
    (in memory and streamed) and in evaluate --data, as the refusal of lags does; it said
    'irregular spacing, or dates repeated across split_files'."""
    from climann.workflow.predict import evaluate_run
    from tests.data.test_time_precision import _hours, _write

    quarter_hours = _hours((2004, 1, 1, 1))[0] + np.arange(960) / 96
    path = _write(tmp_path / "q15.nc", quarter_hours, dtype="f4")
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": [], "features": ["lon"],
                                    "in_memory_limit_gb": limit_gb},
                           "model": {"hidden": [2]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    reasons = {note["reason"] for note in run.metrics["notes"] if note["model"] == "persistence"}
    assert reasons == {FLOAT32_STORAGE}
    metrics = evaluate_run(run.run_dir, [str(path)], tmp_path / "other")
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [FLOAT32_STORAGE]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_the_note_leaving_persistence_out_of_januaries_says_what_the_lag_is(tmp_path, mode):
    """--months 1 --lags tas=1 on monthly means with monthly bounds: tas_lag1 is the January
    before, 12 months back, while persistence is left out because the month before is not in
    the data; the note said only the latter, as if the lag were that month too."""
    times = np.array([cftime.datetime(2001 + year, month, 15, calendar="noleap")
                      for year in range(8) for month in range(1, 13)])
    path = write_series(tmp_path / "raw.nc", times, seed=2)
    with xr.open_dataset(path, decode_times=False) as raw:
        dataset = raw.load()
    first = [cftime.datetime(t.year + (t.month == 12), t.month % 12 + 1, 1, calendar="noleap") for t in times]
    starts = [cftime.datetime(t.year, t.month, 1, calendar="noleap") for t in times]
    units = dataset["time"].attrs["units"]
    dataset["time_bnds"] = (("time", "bnds"), np.stack([cftime.date2num(starts, units, "noleap"),
                                                         cftime.date2num(first, units, "noleap")], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset.to_netcdf(tmp_path / "monthly.nc")
    settings = {"data": {"paths": [str(tmp_path / "monthly.nc")], "target": "tas", "predictors": ["rsdt"],
                         "features": ["lat"], "months": [1], "lags": {"tas": [1]}},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    reasons = {note["reason"] for note in strict_json(run.run_dir / "metrics.json")["notes"]
               if note["model"] == "persistence"}
    assert reasons == {"its values are 1 month cells 12 months apart (time bounds): the value 1 month earlier, which "
                       "persistence forecasts with, is not in the data; the lags count steps of the data as kept "
                       "(12 months each), not 1 month cells: tas_lag1 is the value 12 months earlier"}


def write_monthly_fields(path, fields):
    """Eight years of monthly means of ``fields`` (name → (values (96, 3, 4), attributes)), float32."""
    times = np.array([cftime.datetime(2001 + month // 12, month % 12 + 1, 15, calendar="noleap") for month in range(96)])
    units = "days since 2001-01-01"
    dataset = xr.Dataset(
        {name: (("time", "lat", "lon"), values.astype(np.float32), attrs) for name, (values, attrs) in fields.items()},
        coords={"time": ("time", cftime.date2num(times, units, "noleap"),
                         {"units": units, "calendar": "noleap", "standard_name": "time", "axis": "T"}),
                "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east", "standard_name": "longitude"})},
    )
    dataset.to_netcdf(path)
    return path


def ceres_like(rng):
    """CERES EBAF-TOA's fluxes (W m-2) and cloud fraction: net = solar − sw − lw, as in the product."""
    shape = (96, 3, 4)
    season = np.sin(2 * np.pi * np.arange(96) / 12)[:, None, None] * np.sin(np.deg2rad([-30, 0, 30]))[None, :, None]
    solar = 340 + 80 * season + rng.normal(0, 5, shape)
    clouds = rng.uniform(40, 80, shape)
    sw = 0.3 * solar + 0.5 * clouds + rng.normal(0, 3, shape)
    lw = 240 - 0.3 * clouds + rng.normal(0, 4, shape)
    flux = {"units": "W m-2"}
    return {"toa_sw_all_mon": (sw, flux | {"standard_name": "toa_outgoing_shortwave_flux"}),
            "toa_lw_all_mon": (lw, flux | {"standard_name": "toa_outgoing_longwave_flux"}),
            "toa_net_all_mon": (solar - sw - lw, flux | {"standard_name": "toa_net_downward_flux"}),
            "solar_mon": (solar, flux | {"standard_name": "toa_incoming_shortwave_flux"}),
            "cldarea_total_daynight_mon": (clouds, {"units": "percent", "standard_name": "cloud_area_fraction"})}


def kelvin_and_celsius(rng):
    """tas in K and the same field in degC (a unit conversion of the target), with a real predictor."""
    rsdt = 300 + rng.normal(0, 30, (96, 3, 4))
    tas = 280 + 0.1 * (rsdt - 300) + rng.normal(0, 2, rsdt.shape)
    return {"tas": (tas, {"units": "K", "standard_name": "air_temperature"}),
            "tas_c": (tas - 273.15, {"units": "degC", "long_name": "air temperature in Celsius"}),
            "rsdt": (rsdt, {"units": "W m-2", "standard_name": "toa_incoming_shortwave_flux"})}


IDENTITY = "the scores measure an identity, not a prediction"


#: tas_c is the target plus a constant: left out of the proposed predictors and refused when named
#: (climann.data.target_copies), so it is named and kept on purpose to reach the identity warning.
_KEPT_COPY = {"predictors": ["tas_c", "rsdt"], "keep_target_copies": ["tas_c"]}


@pytest.mark.parametrize(("fields", "target", "predictors", "limit_gb", "chosen"), [
    pytest.param(ceres_like, "toa_net_all_mon",
                 "toa_sw_all_mon, toa_lw_all_mon, solar_mon, cldarea_total_daynight_mon", 2.0, {}, id="ceres-budget"),
    pytest.param(ceres_like, "toa_net_all_mon",
                 "toa_sw_all_mon, toa_lw_all_mon, solar_mon, cldarea_total_daynight_mon", 1e-9, {},
                 id="ceres-streamed"),
    pytest.param(kelvin_and_celsius, "tas", "tas_c, rsdt", 2.0, _KEPT_COPY, id="kelvin-and-celsius"),
])
def test_inputs_that_reproduce_the_target_are_warned_about(tmp_path, monkeypatch, caplog, fields, target, predictors,
                                                           limit_gb, chosen):
    """CERES EBAF's net flux with the fluxes it is made of, as ``climann info`` proposes them
    (predictors auto), and tas beside itself in degC, kept on purpose: the run trains (exit 0)
    to a skill of 1, and says in one line, on the terminal and in train.log, that it measures
    an identity."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = write_monthly_fields(tmp_path / "fluxes.nc", fields(np.random.default_rng(5)))
    config = build_config({"data": {"paths": [str(path)], "target": target, "in_memory_limit_gb": limit_gb, **chosen},
                           "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    # the premise, by hand: least squares of the test block's target on its predictors leaves (almost) nothing
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        test = split_labels(predictions["split"]) == "test"
    with xr.open_dataset(path) as dataset:
        inputs = np.stack([dataset[name].values[test].ravel() for name in predictors.split(", ")], axis=1)
        truth = dataset[target].values[test].ravel().astype(np.float64)
    design = np.column_stack([inputs, np.ones(len(truth))]).astype(np.float64)
    residual = truth - design @ np.linalg.lstsq(design, truth, rcond=None)[0]
    assert np.mean(residual ** 2) < 1e-9 * np.var(truth)
    line = next(record.getMessage() for record in caplog.records if IDENTITY in record.getMessage())
    assert line.startswith(f"the linear baseline reproduces {target} on the test block")
    assert f"computed from the predictors ({predictors})" in line and "leave those out with --predictors" in line
    assert line in (run.run_dir / "train.log").read_text()
    assert run.metrics["splits"]["test"]["linear"]["r2"] > 1 - 1e-6


def test_an_ordinary_sample_run_is_not_warned_about(tmp_path, monkeypatch, caplog):
    from climann.data.sample_data import write_sample_dataset
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = write_sample_dataset(tmp_path / "tiny.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(path)]}, "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    assert not [record for record in caplog.records if IDENTITY in record.getMessage()]
    assert IDENTITY not in (run.run_dir / "train.log").read_text()
    assert run.metrics["splits"]["test"]["linear"]["r2"] < 0.99


class _Messages(logging.Handler):
    """The messages of the records it handles (what ``caplog.records`` holds), for a module fixture."""

    def __init__(self, level):
        super().__init__(level)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def way_out_run(tmp_path_factory):
    """The CERES-like net flux trained from the insolation and the clouds only (--predictors
    without the outgoing fluxes, the way out the identity warning names), no figures drawn; and
    the messages of the warnings logged while it trained, caught as ``caplog.at_level(WARNING,
    logger="climann")`` catches them (climann's logger at WARNING, a handler on the root logger).
    One training for the two tests that read it; the one that re-scores it works on a copy."""
    from tests.conftest import draw_no_run_figures

    folder = tmp_path_factory.mktemp("way_out")
    path = write_monthly_fields(folder / "fluxes.nc", ceres_like(np.random.default_rng(5)))
    config = build_config({"data": {"paths": [str(path)], "target": "toa_net_all_mon",
                                    "predictors": ["solar_mon", "cldarea_total_daynight_mon"]},
                           "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}})
    climann_logger, root = logging.getLogger("climann"), logging.getLogger()
    handler, level = _Messages(logging.WARNING), climann_logger.level
    with pytest.MonkeyPatch.context() as patch:
        draw_no_run_figures(patch)
        climann_logger.setLevel(logging.WARNING)
        root.addHandler(handler)
        try:
            run = run_training(config, run_dir=folder / "run")
        finally:
            root.removeHandler(handler)
            climann_logger.setLevel(level)
    return run, handler.messages


def test_the_way_out_named_in_the_warning_silences_it(way_out_run):
    """The CERES-like net flux from the insolation and the clouds only (--predictors without the
    outgoing fluxes): a prediction again, not an identity (:func:`way_out_run`)."""
    run, messages = way_out_run
    assert not [message for message in messages if IDENTITY in message]
    assert run.metrics["splits"]["test"]["linear"]["r2"] < 0.999


def test_an_identity_from_the_targets_own_lag_names_the_lags(tmp_path, monkeypatch, caplog):
    """A noise-free seasonal insolation: rsdt(t) = rsdt(t − 12) exactly, its only input its own
    lag 12 (and lat, season, which cannot reproduce it linearly): the line names the lag and
    --lags, the way out that changes something."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    month = np.arange(96) % 12
    amplitude = np.array([[100.0, 120, 150, 170], [180, 160, 140, 110], [90, 130, 155, 175]])
    rsdt = 340 + amplitude * np.cos(2 * np.pi * (month[:, None, None] + amplitude / 50) / 12)
    path = write_monthly_fields(tmp_path / "rsdt.nc", {"rsdt": (rsdt, {"units": "W m-2"})})
    config = build_config({"data": {"paths": [str(path)], "target": "rsdt", "predictors": [],
                                    "lags": {"rsdt": [12]}},
                           "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    line = next(record.getMessage() for record in caplog.records if IDENTITY in record.getMessage())
    assert "or the lagged inputs (rsdt_lag12)" in line and "leave those out with --features or --lags" in line
    assert line in (run.run_dir / "train.log").read_text()


def _identity_lines(caplog):
    return [record.getMessage() for record in caplog.records if IDENTITY in record.getMessage()]


@pytest.mark.parametrize(("mode", "limit_gb"), [
    pytest.param({}, 2.0, id="pointwise-in-memory"),
    pytest.param({}, 1e-9, id="pointwise-chunk-by-chunk"),
    pytest.param({"mode": "field", "field_inputs": "flatten"}, 2.0, id="field-mode-cells-as-inputs"),
])
def test_evaluate_warns_of_an_identity_as_train_does(tmp_path, monkeypatch, caplog, mode, limit_gb):
    """``climann evaluate RUN`` re-scores the linear baseline on the run's test block, the numbers
    train judges an identity by, and said nothing; field mode (whose linear baseline maps every
    input cell to every output cell) says it on both."""
    from climann.workflow.predict import evaluate_run
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = write_monthly_fields(tmp_path / "tas.nc", kelvin_and_celsius(np.random.default_rng(5)))
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["tas_c", "rsdt"],
                                    "keep_target_copies": ["tas_c"], "features": [], "in_memory_limit_gb": limit_gb,
                                    **mode},
                           "model": {"hidden": [4]}, "training": TINY | {"epochs": 1}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    trained = _identity_lines(caplog)
    assert len(trained) == 1 and "computed from the predictors (tas_c, rsdt)" in trained[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run.run_dir)
    assert _identity_lines(caplog) == trained
    assert metrics["splits"]["test"]["linear"]["r2"] > 1 - 1e-6


def test_evaluate_of_an_ordinary_run_says_nothing_of_an_identity(way_out_run, tmp_path, monkeypatch, caplog):
    """``climann evaluate RUN`` of a copy of :func:`way_out_run` (re-scored in place)."""
    import shutil

    from climann.workflow.predict import evaluate_run
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    run_dir = shutil.copytree(way_out_run[0].run_dir, tmp_path / "run")
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir)
    assert not _identity_lines(caplog)
    assert metrics["splits"]["test"]["linear"]["r2"] < 0.999


def _monthly_times(years):
    return np.array([cftime.datetime(2001 + year, month, 15, calendar="noleap")
                     for year in range(years) for month in range(1, 13)])


def _daily_times(years):
    start = cftime.datetime(2001, 1, 1, 12, calendar="noleap")
    return np.array([start + np.timedelta64(day, "D").item() for day in range(365 * years)])


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_persistence_is_left_out_of_a_series_the_run_thinned_without_time_bounds(tmp_path, mode):
    """January means kept of monthly means (--months 1) of a file without time bounds:
    persistence was scored as the value of the previous step kept, 12 months back, and named
    persistence; with bounds the same run left it out. The run thinned the axis itself, so it
    knows the month before is not in the data, bounds or not (break20 F1). A --time-stride is
    no such thinning: the series it keeps is the one forecast
    (:func:`test_persistence_of_a_strided_series_is_the_value_one_of_its_steps_back_on_every_route`)."""
    path = write_series(tmp_path / "series.nc", _monthly_times(8), seed=3)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "months": [1]},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    metrics = run_training(build_config(settings), run_dir=tmp_path / "run").metrics
    assert all("persistence" not in models for models in metrics["splits"].values())
    assert {note["reason"] for note in metrics["notes"] if note["model"] == "persistence"} == {
        "its values are 1 month cells 12 months apart (a subset of the steps, without time bounds): the value "
        "1 month earlier, which persistence forecasts with, is not in the data"}


def assert_strided_persistence(run, path, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """The run's persistence MSE of each block = numpy's: the previous value of ``tas[::stride]``
    (the strided series), cos-lat weights of the test grid's rows -30°, 0°, 30° (4 columns).
    Returns the strided values and the weights."""
    with xr.open_dataset(path) as opened:
        kept = opened["tas"].values.astype(np.float64)[::stride]
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = split_labels(predictions["split"])
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((1, 3, 4))
    for block in ("train", "val", "test"):
        errors = (kept[1:] - kept[:-1])[labels[1:] == block]
        expected = (weights * errors**2).sum() / (weights.sum() * len(errors))
        np.testing.assert_allclose(run.metrics["splits"][block]["persistence"]["mse"], expected, rtol=1e-5)
    return kept, weights


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
@pytest.mark.parametrize(("times", "stride"), [
    pytest.param(_monthly_times(8), 2, id="monthly-stride-2"),
    pytest.param(_daily_times(4), 2, id="daily-stride-2"),
])
def test_persistence_of_a_strided_series_is_the_value_one_of_its_steps_back_on_every_route(tmp_path, mode, times,
                                                                                           stride):
    """Monthly (daily) means kept every other month (day) by --time-stride 2, without time
    bounds: persistence was left out as "1 month cells 2 months apart" (break20 F1). The series
    the stride keeps is the series the run forecasts, and its persistence is its previous value,
    2 months (days) back (break47c A7; docs/evaluation.md): in memory and streamed, numpy's shift
    by one of the strided raw values, block by block."""
    path = write_series(tmp_path / "series.nc", times, seed=3)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "time_stride": stride},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    kept, weights = assert_strided_persistence(run, path, stride)
    assert not [note for note in run.metrics.get("notes", []) if note["model"] == "persistence"]
    if mode == "streamed":
        return
    # climann evaluate, on the run's own data and on the same file given as new data (one block, "all")
    from climann.workflow.predict import evaluate_run

    rescored = evaluate_run(run.run_dir)
    for block in ("train", "val", "test"):
        assert rescored["splits"][block]["persistence"] == run.metrics["splits"][block]["persistence"]
    other = evaluate_run(run.run_dir, [str(path)], tmp_path / "scores")
    errors = kept[1:] - kept[:-1]
    np.testing.assert_allclose(other["splits"]["all"]["persistence"]["mse"],
                               (weights * errors**2).sum() / (weights.sum() * len(errors)), rtol=1e-5)


def test_persistence_of_the_whole_series_without_time_bounds_is_still_scored_by_hand(tmp_path):
    """The same monthly file without a selection: persistence is the month before, scored."""
    times = _monthly_times(8)
    path = write_series(tmp_path / "series.nc", times, seed=3)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"]},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    metrics = run_training(build_config(settings), run_dir=tmp_path / "run").metrics
    with xr.open_dataset(path) as opened:
        tas = opened["tas"].values.astype(np.float64)
    test = np.array([time.year == 2008 for time in times])  # the default split's last year
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((1, 3, 4))
    errors = (tas[1:] - tas[:-1])[test[1:]]
    expected = (weights * errors**2).sum() / (weights.sum() * len(errors))
    np.testing.assert_allclose(metrics["splits"]["test"]["persistence"]["mse"], expected, rtol=1e-4)


def _smoothed_day_of_year_climatology(truth, times, train, *, half_width=30, year_days=365):
    """By hand: the training values' sum and count per day of year, each smoothed with the
    triangular weights 1 − |k|/30, k = −30 … 30, cyclic over the year, their ratio looked up
    at each time's day (the 61-day smoothing of daily data, docs/run-directory.md)."""
    day = np.array([time.dayofyr for time in times])
    sums = np.zeros((year_days, *truth.shape[1:]))
    counts = np.zeros_like(sums)
    for d in range(1, year_days + 1):
        chosen = truth[train & (day == d)]
        sums[d - 1], counts[d - 1] = np.nansum(chosen, axis=0), np.isfinite(chosen).sum(axis=0)
    shifts = np.arange(-half_width, half_width + 1)
    smoothed_sums = sum((1 - abs(k) / half_width) * np.roll(sums, -k, axis=0) for k in shifts)
    smoothed_counts = sum((1 - abs(k) / half_width) * np.roll(counts, -k, axis=0) for k in shifts)
    climatology = np.where(smoothed_counts > 0, smoothed_sums / np.where(smoothed_counts > 0, smoothed_counts, 1),
                           np.nan)
    return climatology[day - 1]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
@pytest.mark.parametrize("stride", [pytest.param(2, id="stride-2"), pytest.param(7, id="stride-7")])
def test_daily_means_kept_every_nth_day_keep_the_smoothed_day_of_year_climatology(tmp_path, mode, stride):
    """--time-stride 2 of daily means keyed the climatology per "2-day period of the year", the
    raw mean of one training value a key and year (7: per week of the year), where the same
    data unthinned get the day-of-year climatology smoothed over 61 days (break20 F2). Thinned
    daily means are still daily means: the kept days' smoothed day-of-year climatology, by hand."""
    path = write_series(tmp_path / "daily.nc", _daily_times(4), seed=4)
    times = _assert_smoothed_day_of_year_climatology(tmp_path, path, mode, time_stride=stride)
    assert len(times) == len(_daily_times(4)[::stride])


def _assert_smoothed_day_of_year_climatology(tmp_path, path, mode, **data):
    """Train on ``path`` (``tas`` from ``rsdt``; ``data``: more ``[data]`` settings), assert the
    run's climatology is the day-of-year one smoothed over 61 days and equals it by hand on the
    training values; the predictions' times."""
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"], **data},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["climatology_per"] == "day of year" and run.metrics["climatology_window_days"] == 61
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)
                         ) as predictions:
        times, labels = predictions["time"].values, split_labels(predictions["split"])
        truth, written = predictions["tas"].values.astype(np.float64), predictions["tas_climatology"].values
    expected = _smoothed_day_of_year_climatology(truth, times, labels == "train")
    np.testing.assert_allclose(written, expected, rtol=1e-5)
    return times


def _gappy_daily_times(years, *, kept=0.6, seed=34):
    """Daily times of ``years`` years with only a random ``kept`` share of the days: a station's
    daily averages, a row on a day with a retrieval (AERONET)."""
    times = _daily_times(years)
    return times[np.random.default_rng(seed).random(len(times)) < kept]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_daily_means_on_some_days_only_keep_the_whole_61_day_window(tmp_path, mode):
    """break34a S1: daily averages on ~60 % of the days narrowed the window of every day near a
    day of the year the training years happened to lack (1–3 days for half of them), and left
    the test values of those days without a climatology. Gaps are averaged over: the 61-day
    smoothed climatology on every day, by hand."""
    path = write_series(tmp_path / "daily.nc", _gappy_daily_times(4), seed=8)
    _assert_smoothed_day_of_year_climatology(tmp_path, path, mode)


def _narrowed_day_of_year_climatology(truth, times, train, *, half_width=30, year_days=365):
    """By hand, the documented narrowing at the months a run leaves out: day d, m days from the
    nearest day of the year without a training value (m ≤ 30), weighs the days within m − 1 of
    it, 1 − |k|/m; looked up at each time's day."""
    day = np.array([time.dayofyr for time in times]) - 1
    sums, counts = np.zeros((year_days, *truth.shape[1:])), np.zeros((year_days, *truth.shape[1:]))
    np.add.at(sums, day[train], truth[train])
    np.add.at(counts, day[train], 1.0)
    left_out = np.flatnonzero(counts.reshape(year_days, -1).sum(axis=1) == 0)
    climatology = np.full(sums.shape, np.nan)
    for d in np.unique(day[train]):
        apart = np.abs(d - left_out)
        reach = min(half_width, int(np.minimum(apart, year_days - apart).min()))
        offsets = np.arange(-reach + 1, reach)
        weights = (1 - np.abs(offsets) / reach)[:, None, None]
        climatology[d] = (weights * sums[(d + offsets) % year_days]).sum(axis=0) / (
            weights * counts[(d + offsets) % year_days]).sum(axis=0)
    return climatology[day]


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
@pytest.mark.parametrize("selection", [pytest.param({"months": [6, 7, 8]}, id="months-jja"),
                                       pytest.param({"seasons": ["DJF"]}, id="seasons-djf")])
def test_a_season_of_daily_means_narrows_the_window_at_the_months_left_out(tmp_path, mode, selection):
    """Evenly sampled daily data of one season (--months, --seasons): the window narrows
    symmetrically at the edges of the months the run left out, as before break34a S1."""
    path = write_series(tmp_path / "daily.nc", _daily_times(4), seed=9)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         **selection},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["climatology_per"] == "day of year" and run.metrics["climatology_window_days"] == 61
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)
                         ) as predictions:
        times, labels = predictions["time"].values, split_labels(predictions["split"])
        truth, written = predictions["tas"].values.astype(np.float64), predictions["tas_climatology"].values
    expected = _narrowed_day_of_year_climatology(truth, times, labels == "train")
    assert np.isfinite(expected).all()
    np.testing.assert_allclose(written, expected, rtol=1e-5)
    whole = _smoothed_day_of_year_climatology(truth, times, labels == "train")
    assert np.abs(written - whole).max() > 0.05  # the narrowing matters here


def _twice_weekly_daily_means(path):
    """Daily means (1-day ``time_bnds``, ``cell_methods: time: mean``) on the valid days of
    twice-weekly forecasts: 3 and 4 days apart in turn, as observations paired with S2S
    forecasts started on Mondays and Thursdays (break31a A4)."""
    start = cftime.datetime(2001, 1, 1, calendar="noleap")
    offsets = np.cumsum([0] + [3, 4] * (4 * 365 // 7))
    write_series(path, np.array([start + np.timedelta64(int(day), "D").item() for day in offsets]), seed=6)
    with xr.open_dataset(path, decode_times=False) as opened:
        dataset = opened.load()
    stamps = dataset["time"].values
    dataset["time_bnds"] = (("time", "bnds"), np.stack([stamps, stamps + 1], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["tas"].attrs["cell_methods"] = "time: mean"
    dataset.to_netcdf(path.with_name("bounded.nc"))
    return path.with_name("bounded.nc")


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_daily_means_a_few_days_apart_keep_the_smoothed_day_of_year_climatology(tmp_path, mode):
    """Daily means 3 and 4 days apart with 1-day time bounds got a climatology per "4-day
    period of the year" (their spacing), each window's raw mean of about one training value a
    year, where daily means get the day-of-year climatology smoothed over 61 days (break31a
    A4). The cells say what the values are: the smoothed day-of-year climatology, by hand."""
    _assert_smoothed_day_of_year_climatology(tmp_path, _twice_weekly_daily_means(tmp_path / "daily.nc"), mode)


def test_train_log_counts_the_files_of_every_split_block(tmp_path):
    """break28c C2: a run given its blocks by ``split_files`` logged "data: 0 files", counting
    ``[data] paths`` alone; it read three files, one per block."""
    files = {}
    for block, first in (("train", 2001), ("val", 2004), ("test", 2005)):
        times = np.array([cftime.datetime(year, month, 15, calendar="noleap")
                          for year in range(first, first + (3 if block == "train" else 1)) for month in range(1, 13)])
        files[block] = [str(write_series(tmp_path / f"{block}.nc", times, seed=len(files)))]
    config = build_config({"data": {"split_files": files, "target": "tas", "predictors": ["rsdt"], "features": []},
                           "model": {"hidden": [2]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    logged = (run.run_dir / "train.log").read_text()
    assert "data: 3 files, pointwise mode" in logged


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_persistence_of_modis_composites_is_the_composite_before(tmp_path, mode):
    """8-day composites restarting on 1 January (MOD11C2; 2003–2005, 2004 a leap year) had no
    persistence (break33a A3 left it out: no fixed time earlier). Each composite is forecast
    by the one before it, the first of a year by the last of the year before (27 December, 5
    days long in 2003, 6 in 2004). The test block's persistence MSE equals the area-weighted
    MSE of those forecasts by hand."""
    places = [(year, k) for year in (2003, 2004, 2005) for k in range(46)]
    times = np.array([cftime.datetime(year, 1, 1, calendar="standard") + np.timedelta64(8 * k, "D").item()
                      for year, k in places])
    path = write_series(tmp_path / "composites.nc", times, seed=4, calendar="standard")
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"]},
                "model": {"hidden": [8]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(path) as opened:
        tas = opened["tas"].values.astype(np.float64)
    expected = np.full_like(tas, np.nan)
    for step, (year, k) in enumerate(places):
        before = (year, k - 1) if k else (year - 1, 45)
        if before in places:
            expected[step] = tas[places.index(before)]
    assert np.isnan(expected[0]).all() and np.isfinite(expected[46]).all()  # 1 Jan 2004 ← 27 Dec 2003
    metrics = strict_json(run.run_dir / "metrics.json")
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        np.testing.assert_allclose(predictions["tas_persistence"].values, expected, rtol=1e-6)
        test = split_labels(predictions["split"]) == "test"
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((int(test.sum()), 3, 4))
    errors = (expected[test] - tas[test]) ** 2
    scored = np.isfinite(errors)
    mse = np.sum(weights[scored] * errors[scored]) / np.sum(weights[scored])
    assert metrics["splits"]["test"]["persistence"]["mse"] == pytest.approx(mse, rel=1e-5)


def _narrowing_run(tmp_path, mode, times, **data):
    from climann.evaluation.report import climatology_text

    path = write_series(tmp_path / "daily.nc", times, seed=11)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"], **data},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    written = json.loads((run.run_dir / "metrics.json").read_text())
    assert written["climatology_window_days"] == 61 and "climatology_narrowed" in written
    return written, climatology_text(written)


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_a_station_without_40_winter_days_says_the_window_was_narrowed(tmp_path, mode):
    """A daily series lacking 1 January – 9 February in every year (no winter retrievals): the
    window narrows near those 40 days, and metrics.json and the header say so (break34a)."""
    times = [time for time in _daily_times(4) if time.dayofyr > 40]
    metrics, header = _narrowing_run(tmp_path, mode, times)
    assert metrics["climatology_narrowed"] == list(range(1, 41))
    assert header == "day of year smoothed over 61 days, narrowed near 40 days of the year the training years lack"


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
@pytest.mark.parametrize("data", [pytest.param({}, id="every-day"), pytest.param({"months": [6, 7, 8]}, id="months-jja")])
def test_an_even_series_and_a_months_selection_say_no_narrowing(tmp_path, mode, data):
    """Every day held, or months the run itself left out (narrowed as documented for
    --months): the header as before, the key null."""
    metrics, header = _narrowing_run(tmp_path, mode, _daily_times(4), **data)
    assert metrics["climatology_narrowed"] is None
    assert header == "day of year smoothed over 61 days"


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
@pytest.mark.parametrize(("window_days", "said"), [
    # one training year: 59 days of the 61-day window weigh, one value each (WeatherBench 2's
    # triangular weights vanish at ±30 days); the note said 1.00 values per day of year
    pytest.param(61, None, id="61-day-window"),
    # a 3-day window weighs its own day only (weights 0, 1, 0): 1 value a day, the note kept
    pytest.param(3, "fewer than 2 training values within its 3-day window (1.00 per day of year on average",
                 id="3-day-window"),
])
def test_the_few_years_note_counts_the_values_of_the_window(tmp_path, mode, window_days, said):
    """break34a: one training year of daily means smoothed over 61 days rests on 59 values a
    day, not 1: no note; a window that weighs one day keeps it."""
    path = write_series(tmp_path / "daily.nc", _daily_times(4), seed=12)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "split_years": {"train": [2001, 2001], "val": [2002, 2002], "test": [2003, 2004]}},
                "model": {"hidden": [4]}, "training": TINY,
                "evaluation": {"figures": False, "climatology_window_days": window_days}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    reasons = [note["reason"] for note in run.metrics.get("notes", []) if "values_per_key" in note]
    if said is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and said in reasons[0]


def offsets_by_longitude(rng):
    """A target whose cells differ by longitude (0, 10, −10, 20 K about 280 K) beside a seasonal cycle, with 0.3 K
    of noise: coordinate features lat and season give every cell of a latitude the same input."""
    season = 3.0 * np.sin(2 * np.pi * np.arange(96) / 12)[:, None, None]
    offsets = np.array([0.0, 10.0, -10.0, 20.0])[None, None, :]
    values = 280.0 + season + offsets + rng.normal(0.0, 0.3, (96, 3, 4))
    return {"tas": (values, {"units": "K", "standard_name": "air_temperature"})}


@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-9, id="streamed")])
def test_a_network_worse_than_the_climatology_is_warned_about(tmp_path, monkeypatch, caplog, limit_gb):
    """break38 (fix38c): a run whose inputs cannot tell its cells apart (no predictor, lat and season only) scored
    worse than the climatology on its test block without a word. Now one line says so, on the terminal, in
    train.log and in report.md, with the skill score (1 − MSE/MSE_climatology, by hand from the MSEs) and both
    MSEs; the run is not refused."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = write_monthly_fields(tmp_path / "tas.nc", offsets_by_longitude(np.random.default_rng(38)))
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": [],
                                    "features": ["lat", "season"], "in_memory_limit_gb": limit_gb},
                           "model": {"hidden": [4]}, "training": TINY})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run")
    test = run.metrics["splits"]["test"]
    mse, reference = test["model"]["mse"], test["climatology"]["mse"]
    skill = 1 - mse / reference
    assert skill < 0 and skill == pytest.approx(test["model"]["skill_vs_climatology"], rel=1e-9)
    (line,) = [record.getMessage() for record in caplog.records if "worse than the climatology" in record.getMessage()]
    assert line.startswith(
        f"the network scores worse than the climatology on the test block (skill score 1 − MSE/MSE_climatology = "
        f"{skill:.3g}".replace("-", "−") + f": MSE {mse:#.4g} K² against the climatology's {reference:#.4g} K²)")  # zeros kept (break46e A2)
    assert line in (run.run_dir / "train.log").read_text()
    # fitted to the run (rerun38 N3): report.md, written with the run, says the same line as train
    assert f"- {line}" in (run.run_dir / "report.md").read_text().splitlines()
    assert line == negative_skill_text(run.metrics, target_anomaly=False, predictors=(), features=("lat", "season"),
                                       lags={})
    assert "(no predictor, coordinate features alone: lat, season)" in line


def _numpy_baselines(values, split):
    """RMSE of the climatology (calendar-month means of the train block) and of persistence
    (the previous step's value) in each block, by numpy in float64; ``split`` as predictions.nc
    codes it (1 train, 2 val, 3 test)."""
    months = (np.arange(values.size) % 12) + 1
    train = split == 1
    climatology = np.array([values[train & (months == month)].mean() for month in range(1, 13)])
    scores = {}
    for name, code in (("train", 1), ("val", 2), ("test", 3)):
        steps = np.flatnonzero(split == code)
        later = steps[steps > 0]
        scores[name] = {"climatology": np.sqrt(np.mean((values[steps] - climatology[months[steps] - 1]) ** 2)),
                        "persistence": np.sqrt(np.mean((values[later] - values[later - 1]) ** 2))}
    return scores


@pytest.mark.parametrize("variation", [pytest.param(1e-10, id="C20-SLR"), pytest.param(1e-11, id="GSM-C20")])
@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-9, id="streamed")])
def test_a_float64_target_varying_little_against_its_size_is_scored_and_written_on_its_own_values(
        tmp_path, variation, limit_gb):
    """break40a A1: GRACE's C20 (-4.84e-4 varying by 1e-10, or 1e-11 in a GSM file) was cast to
    float32 as read: 15 of 180 values in predictions.nc, test climatology RMSE 5.597e-11 against
    numpy's 5.229e-11, a persistence RMSE of 0 and skill 1 where float32 kept 3 values."""
    from tests.data.test_value_precision import c20_like

    path, values = c20_like(tmp_path / "c20.nc", variation=variation)
    config = build_config({"data": {"paths": [str(path)], "target": "C20", "predictors": [], "features": ["season"],
                                    "in_memory_limit_gb": limit_gb},
                           "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    written = xr.open_dataset(run.run_dir / "predictions.nc")
    assert written["C20"].dtype == written["C20_pred"].dtype == np.float64
    np.testing.assert_array_equal(written["C20"].values[:, 0, 0], values)
    assert np.unique(written["C20"].values).size == 180
    for block, scores in _numpy_baselines(values, written["split"].values).items():
        for baseline, rmse in scores.items():
            np.testing.assert_allclose(run.metrics["splits"][block][baseline]["rmse"], rmse, rtol=1e-6)
            assert run.metrics["splits"][block][baseline]["rmse"] > 0


def test_predict_writes_a_float64_target_s_predictions_in_float64_without_the_target(tmp_path):
    """The predictions z σ + μ of a run on a C20-like series, on new data without the target:
    float32 arithmetic (z times a Python float) and a float32 file rounded them to a few values."""
    from climann.workflow.predict import predict_files
    from tests.data.test_value_precision import c20_like

    dataset, _ = c20_like()
    dataset["x"] = dataset["C20"].copy(data=np.random.default_rng(3).normal(size=dataset["C20"].shape).astype("f4"))
    dataset.to_netcdf(tmp_path / "c20.nc")
    dataset.drop_vars("C20").to_netcdf(tmp_path / "x.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "c20.nc")], "target": "C20", "predictors": ["x"],
                                    "features": ["season"]},
                           "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    result = predict_files(run.run_dir, tmp_path / "x.nc", tmp_path / "new.nc")
    new, own = xr.open_dataset(result.path), xr.open_dataset(run.run_dir / "predictions.nc")
    assert "C20" not in new and new["C20_pred"].dtype == np.float64
    predicted = own["C20_pred"].sel(time=new["time"]).values
    np.testing.assert_array_equal(new["C20_pred"].values, predicted)
    assert np.unique(predicted[np.isfinite(predicted)]).size > 100


def _member_file(path, years, *, seed):
    """Monthly means of ``years`` in the 360_day calendar (UKESM1-0-LL) with CF time bounds, one member."""
    times = np.array([cftime.datetime(year, month, 16, calendar="360_day") for year in years for month in range(1, 13)])
    with xr.open_dataset(write_series(path.with_suffix(".raw.nc"), times, seed=seed, calendar="360_day"),
                         decode_times=False) as raw:
        dataset = raw.load()
    units = dataset["time"].attrs["units"]
    starts = [cftime.datetime(t.year, t.month, 1, calendar="360_day") for t in times]
    ends = [cftime.datetime(t.year + t.month // 12, t.month % 12 + 1, 1, calendar="360_day") for t in times]
    dataset["time_bnds"] = (("time", "bnds"), np.stack([cftime.date2num(starts, units, "360_day"),
                                                         cftime.date2num(ends, units, "360_day")], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("mode", [pytest.param("in-memory"), pytest.param("streamed")])
def test_split_files_of_two_members_over_the_same_years_keep_their_features_and_persistence(tmp_path, mode):
    """break43c A6: train = r1 2001–2006, val = r2 2001–2006, test = r1 2007–2008 (monthly, time_bnds). The dates
    repeated across the blocks looked sub-daily: climann added the ``hour`` feature itself, then refused it ("do not
    vary over the training block; remove them"), and persistence was left out of every block. Each block is its own
    series: the features are lat and season, and each block's persistence MSE is that of its own previous months,
    area-weighted, by hand; the val and test blocks' notes say that their first months have none."""
    files = {"train": _member_file(tmp_path / "r1_2001.nc", range(2001, 2007), seed=1),
             "val": _member_file(tmp_path / "r2_2001.nc", range(2001, 2007), seed=2),
             "test": _member_file(tmp_path / "r1_2007.nc", range(2007, 2009), seed=3)}
    settings = {"data": {"split_files": {block: [str(path)] for block, path in files.items()}, "target": "tas",
                         "predictors": ["rsdt"]},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    if mode == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-9
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.config.data.features == ("lat", "season")
    metrics = json.loads((run.run_dir / "metrics.json").read_text())
    # each later block's first month has no month before it in its own series: said, as any other loss
    # (break44d A9: a test year was scored on 11 of its months without a word); the data's first is not
    notes = {note["split"]: note for note in metrics.get("notes", []) if note["model"] == "persistence"}
    assert sorted(notes) == ["test", "val"]
    for block, note in notes.items():
        assert (note["n_samples"], note["of"]) == (metrics["splits"][block]["persistence"]["n_samples"],
                                                   metrics["splits"][block]["model"]["n_samples"])
        assert "of a block of --split-files" in note["reason"]
    area = np.diff(np.sin(np.deg2rad([-45.0, -15.0, 15.0, 45.0])))[:, None] * np.ones((1, 4))
    for block, path in files.items():
        with xr.open_dataset(path) as opened:
            tas = opened["tas"].values.astype(np.float64)
        squared = (tas[1:] - tas[:-1]) ** 2
        expected = np.sum(squared * area) / (area.sum() * len(squared))
        scored = metrics["splits"][block]["persistence"]
        assert scored["mse"] == pytest.approx(expected, rel=1e-6)
        assert scored["n_samples"] == squared.size == metrics["splits"][block]["model"]["n_samples"] - 12


def test_the_hour_asked_of_two_members_monthly_means_is_refused_as_no_time_of_day(tmp_path):
    """The same blocks with ``features = ["lat", "hour"]``: the repeated dates passed the check that the data hold
    several times of day, and the run was refused later as "do not vary"; the hour of monthly means is none."""
    from climann.errors import ClimannError

    files = {"train": [str(_member_file(tmp_path / "r1.nc", range(2001, 2004), seed=1))],
             "val": [str(_member_file(tmp_path / "r2.nc", range(2001, 2004), seed=2))],
             "test": [str(_member_file(tmp_path / "r1_later.nc", range(2004, 2005), seed=3))]}
    config = build_config({"data": {"split_files": files, "target": "tas", "predictors": ["rsdt"],
                                    "features": ["lat", "hour"]},
                           "model": {"hidden": [2]}, "training": TINY, "evaluation": {"figures": False}})
    with pytest.raises(ClimannError, match="the hour feature needs values of several times of day"):
        run_training(config, run_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def _jpl_grace_file(path):
    """A JPL GRACE mascon-like file (break57b A2): monthly solutions 2009-2017 stamped at the middle of their
    time_bounds, JPL's December 2011 solution (17 December-17 January) centred in January 2012 beside January's
    (17 January-14 February), May 2015's (20 April-12 May) in April beside April's (1-19 April), and no
    solution for July 2013 (a gap). Returns the values (n_time, 3, 4) and each step's calendar month."""
    import datetime

    start = datetime.datetime(2002, 1, 1)
    special = {(2011, 12): ((2011, 12, 17), (2012, 1, 17)), (2012, 1): ((2012, 1, 17), (2012, 2, 14)),
               (2012, 2): ((2012, 2, 14), (2012, 3, 1)),
               (2015, 4): ((2015, 4, 1), (2015, 4, 19)), (2015, 5): ((2015, 4, 20), (2015, 5, 12))}
    windows = [special.get((year, month), ((year, month, 1), (year + month // 12, month % 12 + 1, 1)))
               for year in range(2009, 2018) for month in range(1, 13) if (year, month) != (2013, 7)]
    bounds = np.array([[(datetime.datetime(*day) - start).total_seconds() / 86400 for day in window]
                       for window in windows])
    middles = bounds.mean(axis=1)
    months = np.array([(start + datetime.timedelta(days=float(day))).month for day in middles])
    rng = np.random.default_rng(57)
    lat, lon = np.array([-30.0, 0.0, 30.0]), np.array([0.0, 90.0, 180.0, 270.0])
    values = 10 * np.cos(2 * np.pi * (months - 4) / 12)[:, None, None] + rng.normal(0, 2, (len(middles), 3, 4))
    xr.Dataset({"lwe_thickness": (("time", "lat", "lon"), values, {"units": "cm", "standard_name": "lwe_thickness"}),
                "time_bounds": (("time", "bounds"), bounds)},
               coords={"time": ("time", middles, {"units": "days since 2002-01-01", "calendar": "gregorian",
                                                  "bounds": "time_bounds", "standard_name": "time"}),
                       "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})}).to_netcdf(path)
    return values, months


def test_jpl_grace_solutions_centred_in_one_month_are_all_scored_by_calendar_month_and_previous_solution(tmp_path):
    """break57b A2: JPL's mascon file was refused (two solutions with different, non-overlapping bounds centred in
    January 2012, and in April 2015), and --overlap first|last dropped real months. Every solution is kept: the
    climatology is the training mean per calendar month of each solution's centre, persistence the previous
    solution, never across the missing July 2013; both MSEs equal numpy's, block by block, on every value."""
    values, months = _jpl_grace_file(tmp_path / "grace.nc")
    settings = {"data": {"paths": [str(tmp_path / "grace.nc")], "target": "lwe_thickness", "features": ["lat"]},
                "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = split_labels(predictions["split"])
    assert len(labels) == len(values) == 107
    weights = np.cos(np.deg2rad([-30.0, 0.0, 30.0]))[None, :, None] * np.ones((1, 3, 4))
    train = labels == "train"
    climatology = {month: values[train & (months == month)].mean(axis=0) for month in range(1, 13)}
    gap = 4 * 12 + 6  # the step of August 2013 (July missing): 2009-01 … 2013-06 are steps 0 … 53
    assert months[gap] == 8 and months[gap - 1] == 6
    scored = (np.arange(len(values)) > 0) & (np.arange(len(values)) != gap)
    for block in ("train", "val", "test"):
        in_block = labels == block
        errors = values[in_block] - np.stack([climatology[month] for month in months[in_block]])
        expected = (weights * errors**2).sum() / (weights.sum() * in_block.sum())
        np.testing.assert_allclose(run.metrics["splits"][block]["climatology"]["mse"], expected, rtol=1e-5)
        assert run.metrics["splits"][block]["climatology"]["n_samples"] == 12 * in_block.sum()
        steps = np.flatnonzero(in_block & scored)
        errors = values[steps] - values[steps - 1]
        expected = (weights * errors**2).sum() / (weights.sum() * len(steps))
        np.testing.assert_allclose(run.metrics["splits"][block]["persistence"]["mse"], expected, rtol=1e-5)
        assert run.metrics["splits"][block]["persistence"]["n_samples"] == 12 * len(steps)


def test_an_ease2_file_with_latitudes_of_rows_scores_as_its_2d_form_and_numpy_with_equal_weights(tmp_path):
    """break57b A1: SMOS L3 on EASE-2 with ``lat(y)``, ``lon(x)`` was refused (advice: regrid with xESMF); the
    same grid with 2-D latitudes trained. Both forms train to the same scores, and the climatology MSE of each
    block equals numpy's with every cell weighted equally (an equal-area projection)."""
    from tests.grid_files import ease2_smos

    metrics = {}
    for form, two_dimensional in (("rows", False), ("cells", True)):
        values, _, _ = ease2_smos(tmp_path / f"{form}.nc", two_dimensional=two_dimensional)
        settings = {"data": {"paths": [str(tmp_path / f"{form}.nc")], "target": "Soil_Moisture", "features": ["lat"]},
                    "model": {"hidden": [4]}, "training": TINY, "evaluation": {"figures": False}}
        run = run_training(build_config(settings), run_dir=tmp_path / form)
        metrics[form] = run.metrics["splits"]
        with xr.open_dataset(run.run_dir / "predictions.nc", decode_times=False) as predictions:
            labels = split_labels(predictions["split"])
    assert metrics["rows"] == metrics["cells"]
    months = np.arange(24) % 12
    climatology = {month: values[(labels == "train") & (months == month)].mean(axis=0) for month in range(12)}
    for block in ("train", "val", "test"):
        in_block = labels == block
        errors = values[in_block] - np.stack([climatology[month] for month in months[in_block]])
        np.testing.assert_allclose(metrics["rows"][block]["climatology"]["mse"], np.mean(errors**2), rtol=1e-5)

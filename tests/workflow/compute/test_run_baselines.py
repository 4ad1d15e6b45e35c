"""The cluster path (climann/workflow/compute/run.py, evaluation.py) on a short daily series: the same
baselines left out, the same notes and the same per-model counts as in one process."""

import cftime
import numpy as np
import pytest

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.workflow.test_pipeline_baselines import strict_json, write_series


def test_baselines_left_out_on_the_cluster_as_in_one_process(cluster, tmp_path):
    times = np.array([cftime.datetime(2001, 1, 1, calendar="noleap") + np.timedelta64(d, "D").item()
                      for d in range(200)])
    path = write_series(tmp_path / "daily.nc", times)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat", "season"]},
                "model": {"hidden": [8]}, "evaluation": {"figures": False},
                "training": {"epochs": 2, "batch_size": 10**9, "optimizer": "sgd", "learning_rate": 0.2}}
    single = run_training(build_config(settings), run_dir=tmp_path / "single")
    settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": 0.01}  # several chunks
    distributed = run_training(build_config(settings), run_dir=tmp_path / "distributed")
    metrics = strict_json(distributed.run_dir / "metrics.json")
    assert metrics["notes"] == single.metrics["notes"]
    assert {(note["split"], note["model"]) for note in metrics["notes"]} == {
        ("val", "climatology"), ("test", "climatology")}
    # 200 days of one year, 140 trained on: each key holds one training value, but each value of
    # the 61-day smoothed climatology rests on its window's (climatology_years: no note since
    # break34a), narrowed near the 225 days of the year the training days lack, on either route
    assert metrics["climatology_narrowed"] == single.metrics["climatology_narrowed"] == list(range(141, 366))
    assert metrics["n_samples"] == single.metrics["n_samples"]
    for block, models in single.metrics["splits"].items():
        assert list(metrics["splits"][block]) == list(models)
        for name, scores in models.items():
            on_cluster = metrics["splits"][block][name]
            undefined = {key for key, value in scores.items() if value is None}  # null: compared exactly
            assert {key for key, value in on_cluster.items() if value is None} == undefined, (block, name)
            defined = {key: value for key, value in scores.items() if key not in undefined}
            assert {key: on_cluster[key] for key in defined} == pytest.approx(defined, rel=1e-4, abs=1e-5), (block, name)
    assert metrics["splits"]["test"]["model"]["skill_vs_climatology"] is None
    assert "climatology left out of the val and test blocks" in (distributed.run_dir / "report.md").read_text()
    assert "climatology left out of the val and test blocks" in (distributed.run_dir / "train.log").read_text()


def test_the_smoothed_daily_climatology_is_the_same_in_memory_streamed_and_on_the_cluster(cluster, tmp_path):
    """The climatology of daily data is smoothed over WeatherBench 2's 61 days from the per-day
    sums of every route's chunks, once, by the same function: the three routes write the same
    ``tas_climatology``, equal to NumPy's cyclic convolution of the training years' sums."""
    import xarray as xr

    from tests.evaluation.test_baselines import wb2_climatology_by_hand

    times = np.array([cftime.datetime(2001, 1, 1, calendar="noleap") + np.timedelta64(d, "D").item()
                      for d in range(5 * 365)])
    path = write_series(tmp_path / "daily.nc", times, seed=4)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"]},
                "model": {"hidden": [4]}, "evaluation": {"figures": False},
                "training": {"epochs": 1, "batch_size": 512}}
    # chunks of 0.03 MiB: the cluster holds 16 of them (10 of the training years), so that the per-day sums are
    # added across chunks that split years; 0.01 MiB (about three times as many) took 16 s instead of 7 s and tested no more
    routes = {"in-memory": {}, "streamed": {"data": {**settings["data"], "in_memory_limit_gb": 1e-4}},
              "cluster": {"compute": {"scheduler": cluster.scheduler_address, "chunk_mb": 0.03}}}
    climatologies = {}
    for name, changes in routes.items():
        run_dir = run_training(build_config({**settings, **changes}), run_dir=tmp_path / name).run_dir
        metrics = strict_json(run_dir / "metrics.json")
        assert (metrics["climatology_per"], metrics["climatology_window_days"]) == ("day of year", 61), name
        with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
            climatologies[name] = predictions["tas_climatology"].values.astype(np.float64)
            truth, train = predictions["tas"].values.astype(np.float64), predictions["split"].values == 1
    day = np.arange(times.size) % 365
    by_hand = wb2_climatology_by_hand(truth, day, train, window=61, n_days=365)[day]
    for name, climatology in climatologies.items():
        np.testing.assert_allclose(climatology, by_hand, rtol=2e-7, err_msg=name)  # written as float32
    for name in ("streamed", "cluster"):  # the same float32 values, up to the order the chunks' sums were added
        np.testing.assert_allclose(climatologies[name], climatologies["in-memory"], rtol=1.2e-7, err_msg=name)


#: The months (of 2001–2006, 0 = January 2001) a GRACE-like target lacks: one alone, two and three in a
#: row, and one in each of the val (2005) and test (2006) years.
GAPPY_MONTHS = [5, 20, 21, 40, 41, 42, 55, 62]


def _write_gappy_target_and_complete_predictor(folder):
    """``tas`` (stamped on the 15th, no bounds) without the months :data:`GAPPY_MONTHS`, beside
    ``rsdt`` at every month of 2001–2006 stamped CMIP-style (the 16th at 12:00, with bounds),
    on 2 × 4 cells of equal area (latitudes ±10°). Returns the full ``tas`` and the kept steps."""
    import xarray as xr

    rng = np.random.default_rng(7)
    n = 72
    lat, lon = np.array([-10.0, 10.0]), np.array([0.0, 90.0, 180.0, 270.0])
    rsdt = 300 + 50 * np.sin(2 * np.pi * (np.arange(n) % 12) / 12)[:, None, None] + rng.normal(0, 5, (n, 2, 4))
    tas = 270 + 0.1 * rsdt + rng.normal(0, 1, (n, 2, 4))
    kept = np.setdiff1d(np.arange(n), GAPPY_MONTHS)
    month = [(2001 + k // 12, k % 12 + 1) for k in range(n)]
    grid = {"lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})}
    units = "days since 2001-01-01"
    xr.Dataset({"tas": (("time", "lat", "lon"), tas[kept].astype(np.float32), {"units": "K"})},
               coords={"time": ("time", cftime.date2num([cftime.datetime(*month[k], 15, calendar="noleap")
                                                         for k in kept], units, "noleap"),
                                {"units": units, "calendar": "noleap"}), **grid}).to_netcdf(folder / "tas.nc")
    edges = [cftime.datetime(2001 + k // 12, k % 12 + 1, 1, calendar="noleap") for k in range(n + 1)]
    middles = [cftime.datetime(*month[k], 16, 12, calendar="noleap") for k in range(n)]
    xr.Dataset({"rsdt": (("time", "lat", "lon"), rsdt.astype(np.float32), {"units": "W m-2"}),
                "time_bnds": (("time", "bnds"), cftime.date2num(np.array([edges[:-1], edges[1:]]).T, units, "noleap"))},
               coords={"time": ("time", cftime.date2num(middles, units, "noleap"),
                                {"units": units, "calendar": "noleap", "bounds": "time_bnds"}),
                       **grid}).to_netcdf(folder / "rsdt.nc")
    return tas.astype(np.float32).astype(np.float64), kept


@pytest.mark.parametrize("route", ["in-memory", "streamed", "cluster"])
def test_a_gappy_target_beside_a_complete_predictor_is_scored_on_its_own_steps(cluster, tmp_path, route, caplog):
    """GRACE's missing months beside a complete predictor (break16 F12): the samples are the
    target's months, the predictor taken at them, with one warning; climatology and
    persistence (never across a gap) equal NumPy's on the target's own steps, on every route."""
    import logging

    import xarray as xr

    from climann.evaluation.predictions import SPLIT_FLAGS

    tas, kept = _write_gappy_target_and_complete_predictor(tmp_path)
    settings = {"data": {"paths": [str(tmp_path / "tas.nc"), str(tmp_path / "rsdt.nc")], "target": "tas",
                         "predictors": ["rsdt"], "features": []},
                "model": {"hidden": [4]}, "evaluation": {"figures": False}, "training": {"epochs": 1}}
    if route == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-7  # below the 4.6 kB of data: streamed
    if route == "cluster":
        settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": 0.001}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run_dir = run_training(build_config(settings), run_dir=tmp_path / route).run_dir
    assert ("tas has no value at 8 of the 72 monthly steps from 2001-01 to 2006-12 that rsdt holds: 2001-06, "
            "2002-09, 2002-10, 2004-05, 2004-06, …; the samples are its 64 steps, rsdt taken at them") in [
        record.getMessage() for record in caplog.records]
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        assert [(t.year, t.month, t.day) for t in predictions["time"].values] == [
            (2001 + k // 12, k % 12 + 1, 15) for k in kept]
        np.testing.assert_array_equal(predictions["tas"].values, tas[kept])
        split = predictions["split"].values
    metrics = strict_json(run_dir / "metrics.json")
    month = kept % 12
    train = split == SPLIT_FLAGS["train"]
    climatology = np.stack([tas[kept][train & (month == m)].mean(axis=0) for m in range(12)])
    previous = {k + 1: i for i, k in enumerate(kept)}  # the step of the calendar month before, where there is one
    for block in ("train", "val", "test"):
        steps = np.flatnonzero(split == SPLIT_FLAGS[block])
        errors = tas[kept][steps] - climatology[month[steps]]
        scores = metrics["splits"][block]
        assert scores["climatology"]["mse"] == pytest.approx(np.mean(errors ** 2), rel=1e-5), block
        pairs = [(i, previous[kept[i]]) for i in steps if kept[i] in previous]
        persistence = [(tas[kept][i] - tas[kept][j]) ** 2 for i, j in pairs]
        assert scores["persistence"]["n_samples"] == 8 * len(pairs), block
        assert scores["persistence"]["mse"] == pytest.approx(np.mean(persistence), rel=1e-5), block


@pytest.mark.parametrize("route", ["in-memory", "streamed", "cluster"])
@pytest.mark.parametrize(("lags", "dropped_after_gaps"), [
    pytest.param({"rsdt": [1]}, False, id="predictor-lag-from-its-own-series"),
    pytest.param({"rsdt": [1], "tas": [1]}, True, id="target-lag-missing-across-gaps"),
])
def test_a_lagged_predictor_beside_a_gappy_target_takes_its_own_previous_month(
        cluster, tmp_path, caplog, monkeypatch, route, lags, dropped_after_gaps):
    """A complete predictor's lag of one month is its own previous month, from its file, also
    after a month the target lacks (it was missing there, and those samples dropped); the
    target's own lag stays missing across its gaps. The three routes keep the same samples."""
    import logging

    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    _, kept = _write_gappy_target_and_complete_predictor(tmp_path)
    settings = {"data": {"paths": [str(tmp_path / "tas.nc"), str(tmp_path / "rsdt.nc")], "target": "tas",
                         "predictors": ["rsdt"], "features": [], "lags": lags},
                "model": {"hidden": [4]}, "evaluation": {"figures": False}, "training": {"epochs": 1}}
    if route == "streamed":
        settings["data"]["in_memory_limit_gb"] = 1e-7
    if route == "cluster":
        settings["compute"] = {"scheduler": cluster.scheduler_address, "chunk_mb": 0.001}
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(build_config(settings), run_dir=tmp_path / route)
    after_gaps = [k for k in kept[1:] if k - 1 not in kept]  # 2001-07, 2002-11, 2004-08, 2005-09, 2006-04
    assert len(after_gaps) == 5
    gap_warnings = [record.getMessage() for record in caplog.records if "lag 1 is missing" in record.getMessage()]
    assert gap_warnings == ([  # and the first month, before the file's first step: every step n_dropped counts
        "lag 1 is missing at 6 time steps (2001-01-15, 2001-07-15, 2002-11-15, …): at 5 the step 1 month before falls "
        "in a gap of the monthly time axis, at 1 it is before the first time step read; their 48 samples are dropped"]
        if dropped_after_gaps else [])
    # the first month (January 2001) has no month before in either file; after a gap only tas lacks it
    year = kept // 12
    counts = {block: np.sum(in_block & (kept != 0) & (~np.isin(kept, after_gaps) if dropped_after_gaps else True))
              for block, in_block in {"train": year <= 3, "val": year == 4, "test": year == 5}.items()}
    assert {block: scores["model"]["n_samples"] for block, scores in run.metrics["splits"].items()} == {
        block: 8 * int(count) for block, count in counts.items()}
    assert sum(counts.values()) == (58 if dropped_after_gaps else 63)




def _daily_days(calendar, first, last):
    """Every day of the years first … last in ``calendar`` (cftime)."""
    import xarray as xr

    end = f"{last}-12-30" if calendar == "360_day" else f"{last}-12-31"
    return np.array(xr.date_range(f"{first}-01-01", end, freq="D", calendar=calendar, use_cftime=True))


@pytest.mark.parametrize("calendar, routes", [
    pytest.param("standard", ("in-memory", "streamed", "cluster"), id="standard"),
    pytest.param("noleap", ("in-memory",), id="noleap"),
    pytest.param("360_day", ("in-memory",), id="360_day"),
])
def test_a_leap_test_years_31_december_has_the_smoothed_climatology_of_31_december(cluster, tmp_path, calendar,
                                                                                   routes):
    """fix48h (break48d A6): daily data trained on 2017–2019 (no leap year), tested on 2020. The climatology
    baseline's test MSE is NumPy's, area-weighted, of the climatology computed by hand: the training sums of each
    day of year convolved with WeatherBench 2's 61-day triangle, cyclic over the 365 days trained on, day 366
    (31 December 2020) taking day 365's value, as WeatherBench 2 fills day 366 with day 365; every test value is
    scored, with no note. It had none on 31 December 2020, which the scores left out with a note. A noleap and a
    360_day calendar, whose years have no day 366, are unaffected: their cycles of 365 and 360 days by hand.
    The same in memory, streamed and on the cluster."""
    import xarray as xr

    from tests.evaluation.test_baselines import wb2_climatology_by_hand

    times = _daily_days(calendar, 2017, 2021)
    path = write_series(tmp_path / "daily.nc", times, seed=6, calendar=calendar)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"], "features": ["lat"],
                         "split_years": {"train": [2017, 2019], "val": [2021, 2021], "test": [2020, 2020]}},
                "model": {"hidden": [4]}, "evaluation": {"figures": False},
                "training": {"epochs": 1, "batch_size": 512}}
    changes = {"in-memory": {}, "streamed": {"data": {**settings["data"], "in_memory_limit_gb": 1e-4}},
               "cluster": {"compute": {"scheduler": cluster.scheduler_address, "chunk_mb": 0.03}}}
    day = np.array([time.dayofyr for time in times]) - 1
    n_days = {"360_day": 360}.get(calendar, 365)
    for route in routes:
        run_dir = run_training(build_config({**settings, **changes[route]}), run_dir=tmp_path / route).run_dir
        metrics = strict_json(run_dir / "metrics.json")
        with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
            truth = predictions["tas"].values.astype(np.float64)
            split, area = predictions["split"].values, predictions["cell_area"].values.astype(np.float64)
        by_day = wb2_climatology_by_hand(truth, day, split == 1, window=61, n_days=n_days)
        if calendar == "standard":
            by_day = np.concatenate([by_day, by_day[364:365]])  # day 366 ← day 365: 31 December
        test = split == 3
        errors = by_day[day[test]] - truth[test]
        assert np.isfinite(errors).all()
        weights = np.broadcast_to(area, errors.shape)
        expected = float(np.sum(weights * errors ** 2) / weights.sum())
        scored = metrics["splits"]["test"]["climatology"]
        assert scored["mse"] == pytest.approx(expected, rel=1e-5), route
        assert scored["n_samples"] == errors.size == {"360_day": 360}.get(calendar, 366 if calendar == "standard"
                                                                           else 365) * 12, route
        assert not [note for note in metrics.get("notes", []) if note["model"] == "climatology"], route

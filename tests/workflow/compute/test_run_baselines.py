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
    assert {(note["split"], note["model"]) for note in metrics["notes"]} == {("val", "climatology"),
                                                                            ("test", "climatology")}
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
    routes = {"in-memory": {}, "streamed": {"data": {**settings["data"], "in_memory_limit_gb": 1e-4}},
              "cluster": {"compute": {"scheduler": cluster.scheduler_address, "chunk_mb": 0.01}}}
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

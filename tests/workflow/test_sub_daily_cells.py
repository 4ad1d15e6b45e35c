"""Sub-daily means in several files, end to end: paired by their time cells (CF 7.1 bounds)
whatever instant of its cell each file stamps, and refused in training, predict and evaluate
when the steps paired have different cells (break37a C3)."""

import datetime

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.console import run_main

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)
N_STEPS = 365 * 8  # a noleap year of 3-hourly means


def _write(path, name, values, stamped, *, moved=0):
    """3-hourly ``time: mean`` values over [00:00, 03:00], [03:00, 06:00] … from 2000 (time_bnds), each
    stamped at its cell's ``stamped`` instant ("end" as CESM, "middle" as CMIP6); stamps and bounds then
    ``moved`` minutes, as `cdo shifttime` moves both."""
    hours = np.arange(N_STEPS) * 3.0
    cells = np.stack([hours, hours + 3.0], axis=1) + moved / 60
    stamps = {"end": cells[:, 1], "middle": cells.mean(axis=1)}[stamped]
    units = "hours since 2000-01-01"
    xr.Dataset(
        {name: (("time", "lat", "lon"), values.astype(np.float32),
                {"units": "W m-2" if name == "rsds" else "kg m-2 s-1", "cell_methods": "area: time: mean"}),
         "time_bnds": (("time", "bnds"), cells, {"units": units, "calendar": "noleap"})},
        coords={"time": ("time", stamps, {"units": units, "calendar": "noleap", "bounds": "time_bnds",
                                          "standard_name": "time"}),
                "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def means(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cells")
    rng = np.random.default_rng(7)
    rsds = rng.uniform(0.0, 800.0, (N_STEPS, 2, 3))
    pr = 1e-8 * rsds + 1e-7 * rng.standard_normal((N_STEPS, 2, 3)) + 1e-5
    paths = {"rsds": _write(folder / "rsds.nc", "rsds", rsds, "middle"),
             "pr_end": _write(folder / "pr_end.nc", "pr", pr, "end"),
             "pr_middle": _write(folder / "pr_middle.nc", "pr", pr, "middle"),
             "pr_moved": _write(folder / "pr_moved.nc", "pr", pr, "end", moved=-90)}
    runs = {}
    for stamped in ("end", "middle"):
        config = build_config({"data": {"paths": [str(paths[f"pr_{stamped}"]), str(paths["rsds"])], "target": "pr",
                                        "predictors": ["rsds"]},
                               "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 512, "seed": 1},
                               "evaluation": {"figures": False, "baselines": []}})  # the tests read predictions
        runs[stamped] = run_training(config, run_dir=folder / f"run_{stamped}").run_dir
    return folder, paths, runs


def test_means_stamped_at_their_cells_ends_train_as_the_same_means_stamped_at_their_middles(means):
    """The end-stamped pr beside mid-stamped rsds was refused ('every step of pr lies 1:30 after the step of
    rsds … a choice'); the same cells pair the same values, so the run is the mid-stamped one's."""
    _, _, runs = means
    with (xr.open_dataset(runs["end"] / "predictions.nc", decode_times=TIME) as end,
          xr.open_dataset(runs["middle"] / "predictions.nc", decode_times=TIME) as middle):
        np.testing.assert_array_equal(end["pr_pred"].values, middle["pr_pred"].values)
        np.testing.assert_array_equal(end["pr"].values, middle["pr"].values)
        np.testing.assert_array_equal(end["time_bnds"].values, middle["time_bnds"].values)
        first = cftime.DatetimeNoLeap(2000, 1, 1)
        assert list(end["time_bnds"].values[0]) == [first, first + datetime.timedelta(hours=3)]


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_new_data_whose_bounds_were_moved_with_their_stamps_are_refused_in_one_line(means, tmp_path, capfd,
                                                                                  monkeypatch, command):
    """Followed on pr, the old advice `cdo shifttime,-90minutes` moved its bounds too (cells [22:30, 01:30]
    at rsds's stamps): predict wrote those bounds into its file without a word. Refused, nothing written."""
    _, paths, runs = means
    out = tmp_path / ("out.nc" if command == "predict" else "scores")
    result = run_main(command, str(runs["middle"]), "--data", str(paths["pr_moved"]), "--data", str(paths["rsds"]),
                      "--out", str(out), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("climann: error: pr at 2000-01-01 01:30 is a value over 1999-12-31 22:30 to 2000-01-01 "
                           "01:30 (its time bounds) and rsds paired with it, at 2000-01-01 01:30, over 2000-01-01 to "
                           f"2000-01-01 03:00 ({N_STEPS} of {N_STEPS} paired steps differ so)")
    assert not out.exists()

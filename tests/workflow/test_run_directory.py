"""Tests for climann/workflow/run_directory.py: the files of a run directory."""

from __future__ import annotations

import json

import numpy as np

import pytest

from climann.data.sample_data import write_sample_dataset
from climann.data.splits import TimeSplit
from climann.evaluation.figures import runs
from climann.evaluation.predictions import predictions_dataset, write_predictions
from climann.model import History
from climann.workflow.config import build_config
from climann.workflow.preparation import open_selected, pointwise_source
from climann.workflow.run_directory import figures_from_file, scored_steps_record
from tests.evaluation.test_figures import LABELS, assert_readable_png, held_grid_bytes, make_run, map_titles


def test_a_chunked_runs_figures_draw_the_area_mean_series_once_over_every_step(tmp_path, monkeypatch):
    """The maps come from the test block of predictions.nc; the area-mean series from the
    area means of every time step summed chunk by chunk, drawn once (it was drawn over the
    test block first and then redrawn: ≈ 0.5 s of a run's figures)."""
    layout, truth, predictions = make_run()
    path = write_predictions(predictions_dataset(layout, truth, predictions["model"], LABELS,
                                                 baselines={"linear": predictions["linear"]}),
                             tmp_path / "predictions.nc", layout)
    labels = np.asarray(LABELS)
    split = TimeSplit({name: labels == name for name in ("train", "val", "test")},
                      {"train": "", "val": "", "test": ""})
    area_means = {name: np.arange(len(LABELS), dtype=float) + offset
                  for offset, name in enumerate(("truth", "model", "linear"))}
    drawn = []
    draw_series = runs.plot_area_mean_series
    # the route's own call and draw_figures' (both in runs: the route is climann plot's too)
    monkeypatch.setattr(runs, "plot_area_mean_series",
                        lambda *args, **kwargs: drawn.append((args, kwargs)) or draw_series(*args, **kwargs))
    history = History(train_loss=[1.0, 0.5], val_loss=[1.2, 0.7])
    figures, every = figures_from_file(path, layout, split, history, area_means, loss_name="mse", limit_gb=1.0,
                                       directory=tmp_path / "figures", dpi=50)
    assert every == 1
    [(args, kwargs)] = drawn
    assert len(args[0]) == len(LABELS) and list(kwargs["split_labels"]) == LABELS  # every step, not the test block
    assert args[1] is area_means
    names = [figure.name for figure in figures]
    assert names.count("area_mean_series.png") == 1 and names[-1] == "area_mean_series.png"
    assert len(names) == len(set(names))
    for figure in figures:
        assert_readable_png(figure)


def chunked_figures(folder, labels, *, limit_bytes, n_years=3):
    """figures_from_file of a predictions file with the linear and climatology baselines (4
    grids) on 72 cells, with a limit of ``limit_bytes``."""
    layout, truth, predictions = make_run(n_years=n_years)
    path = write_predictions(predictions_dataset(layout, truth, predictions["model"], labels,
                                                 baselines={k: predictions[k] for k in ("linear", "climatology")}),
                             folder / "predictions.nc", layout)
    labels = np.asarray(labels)
    split = TimeSplit({name: labels == name for name in ("train", "val", "test")}, {"train": "", "val": "", "test": ""})
    area_means = {name: np.zeros(labels.size) for name in ("truth", "model", "linear", "climatology")}
    return figures_from_file(path, layout, split, History(train_loss=[1.0], val_loss=[1.2]), area_means,
                             loss_name="mse", limit_gb=limit_bytes / 2**30, directory=folder / "figures", dpi=40)


def test_a_chunked_runs_test_grids_stay_under_the_limit_when_the_stride_leaves_more_than_1_in_n_years(
        tmp_path, monkeypatch):
    """3 test years of 12 steps × 72 cells × 4 float64 grids = 82,944 bytes against a limit of
    50,000: ⌈82,944 / 50,000⌉ = 2, but every 2nd year of 3 is 2 years (55,296 bytes, over the
    limit): every 3rd, the first year alone (27,648 bytes). Reads the grids given and the
    titles: no figure is written."""
    held, titles = held_grid_bytes(monkeypatch), map_titles(monkeypatch, save=False)
    labels = ["train"] * 48 + ["val"] * 12 + ["test"] * 36
    figures, every = chunked_figures(tmp_path, labels, limit_bytes=50_000, n_years=8)
    assert held == [12 * 72 * 8 * 4] and every == 3
    first = make_run(n_years=8)[0].time.values[60].year  # the test block's first year
    assert f"mean over {first}, test split" in titles["map_test_mean.png"]


def test_a_chunked_runs_test_block_of_one_year_is_drawn_whole_and_records_no_stride(tmp_path, monkeypatch):
    """A limit below the block's grids gives n = 2, but every 2nd year of a block of one year
    is every year: n is 1, and the run's metrics.json gets no figures_every_nth_test_year.
    Reads the bytes of the grids given to draw_figures: no map is drawn."""
    held = held_grid_bytes(monkeypatch, drawn=False)
    figures, every = chunked_figures(tmp_path, LABELS, limit_bytes=6 * 72 * 8 * 4 - 1)
    assert every == 1 and held == [6 * 72 * 8 * 4]


@pytest.mark.parametrize(
    ("limit_gb", "record"),
    [pytest.param(1e-4, {"evaluated_every_nth_time_step": 1}, id="streamed"),
     pytest.param(1.0, {}, id="in-memory")],
)
def test_a_streamed_runs_metrics_say_every_time_step_was_scored(tmp_path, limit_gb, record):
    """288 cells × 48 steps × (features + target + weight) float32 ≈ 0.5 MB: beyond 1e-4 GB
    (≈ 107 kB) the run streams and is scored chunk by chunk on every step; within 1 GB it has
    no such key."""
    sample = write_sample_dataset(tmp_path / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)], "in_memory_limit_gb": limit_gb}})
    source = pointwise_source(config, open_selected(config))
    assert scored_steps_record(source, config) == record


def test_the_grid_summary_leaves_out_cells_without_a_position():
    """NEMO's eliminated land processors (NaN once read) at the grid's first cell and inside:
    the extent and the first and last cells are those of the placed cells, by hand."""
    from climann.data.layout import Coordinate, GeographicGrid, GridLayout
    from climann.workflow.run_directory import grid_summary

    lat2d, lon2d = np.meshgrid([-30.0, 0.0, 30.0], [10.0, 20.0, 30.0, 40.0], indexing="ij")
    gone = np.zeros(lat2d.shape, bool)
    gone[0, 0] = gone[2, 0] = gone[2, 3] = True
    layout = GridLayout(
        time=Coordinate("time", np.arange(2)), latitude=Coordinate("y", np.arange(3)), longitude=Coordinate("x", np.arange(4)),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "y", "x"), target_name="tos",
        target_attrs={}, index_dims=("y", "x"),
        geographic=GeographicGrid(Coordinate("nav_lat", np.where(gone, np.nan, lat2d)),
                                  Coordinate("nav_lon", np.where(gone, np.nan, lon2d))),
    )
    assert grid_summary(layout) == {"n_lat": 3, "n_lon": 4, "lat_range": [-30.0, 30.0], "lon_range": [10.0, 40.0],
                                    "lon_ends": [10.0, 40.0], "first_cell": [-30.0, 20.0], "last_cell": [30.0, 30.0]}


def test_the_model_file_records_the_training_time_step_and_time_cell_methods(tmp_path):
    import cftime
    import xarray as xr

    from climann.model import Network
    from climann.workflow.pipeline import run_training

    times = [cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 15) for k in range(36)]
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 1, (36, 3, 4)).astype(np.float32)
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), 250 + 10 * values, {"units": "K", "cell_methods": "area: mean time: maximum"}),
         "pred": (("time", "lat", "lon"), values, {"units": "1", "cell_methods": "area: mean"}),
         "other": (("time", "lat", "lon"), values, {"units": "1", "cell_methods": "time: point"})},
        coords={"time": times, "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})},
    ).to_netcdf(tmp_path / "monthly.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "monthly.nc")], "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    metadata = Network.load(run_training(config, run_dir=tmp_path / "run").run_dir / "model.npz").metadata
    assert metadata["time_step"] == {"name": "monthly", "months": 1, "microseconds": 0}
    # the time part only; pred says nothing about time; other is no input of the model
    assert metadata["time_cell_methods"] == {"tas": "time: maximum"}


def test_the_maps_name_a_partial_test_block_as_metrics_json_does(tmp_path, monkeypatch):
    """A test block of January to June 2002: metrics.json says '2002-01 to 2002-06'; the maps'
    titles said 'mean over 2002', a whole year. Drawn by the run and again by climann plot."""
    from climann.workflow.pipeline import run_training
    from tests.conftest import grid_dataset
    from tests.evaluation.test_figures import plot_run

    path = tmp_path / "partial.nc"
    grid_dataset(n_years=3).isel(time=slice(0, 30)).to_netcdf(path)  # 2000-01 … 2002-06
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": []},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"dpi": 30}})
    titles = map_titles(monkeypatch, save=False)
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    assert json.loads((run_dir / "metrics.json").read_text())["split_periods"]["test"] == "2002-01 to 2002-06"
    for drawn in ("run", "plot"):
        for name in ("map_test_mean.png", "error_maps_test.png", "anomaly_correlation_test.png"):
            assert "over 2002-01 to 2002-06, test split" in titles.pop(name).replace("\n", " "), (drawn, name)
        if drawn == "run":
            plot_run(run_dir)


def test_a_grid_round_a_pole_is_summarised_and_compared_as_round_it(tmp_path):
    """The summary of a polar stereographic sea-ice grid records the pole it lies round, and
    predict's note on other data names the training grid's longitudes so (break21c: "lon
    -41.99…-48.01 across the dateline"); a grid beside no pole records none."""
    import xarray as xr

    from climann.workflow.pipeline import run_training
    from climann.workflow.predict import load_run, predict_files
    from tests.grid_files import write_nsidc_cdr

    path = write_nsidc_cdr(tmp_path / "cdr.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "cdr_seaice_conc",
                                    "predictors": ["melt_onset_day_cdr_seaice_conc"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    grid = load_run(run.run_dir).network.metadata["grid"]
    assert grid["pole"] == "North Pole"
    with xr.open_dataset(path) as whole:
        whole.isel(x=slice(3, None)).to_netcdf(tmp_path / "part.nc")
    notes = "\n".join(predict_files(run.run_dir, [str(tmp_path / "part.nc")], tmp_path / "p.nc").notes)
    assert "lon all, round the North Pole → 5×3" in notes
    assert "across the dateline" not in notes


def test_a_global_tripolar_grid_is_summarised_and_compared_as_every_longitude(tmp_path):
    """break40a A7: predict's note named a global tripolar grid's longitudes "22.5…7.5 across
    the prime meridian" (its bent northern rows fill the gaps between the other columns); its
    summary records that it goes round the globe, and the note says "lon all" for it and for a
    cut of its southern rows, as it does for a grid round a pole."""
    import xarray as xr

    from climann.workflow.pipeline import run_training
    from climann.workflow.predict import load_run, predict_files
    from tests.grid_files import write_tripolar

    path = write_tripolar(tmp_path / "siconc_SIday.nc", n_time=3 * 365)
    config = build_config({"data": {"paths": [str(path)], "target": "siconc", "features": ["lat", "season"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    assert load_run(run.run_dir).network.metadata["grid"]["every_longitude"] is True
    with xr.open_dataset(path) as whole:
        whole.isel(j=slice(0, 6)).to_netcdf(tmp_path / "south.nc")
    notes = "\n".join(predict_files(run.run_dir, [str(tmp_path / "south.nc")], tmp_path / "p.nc").notes)
    assert "(12×8, lat -82.5…88.5, lon all → 6×8, lat -82.5…-7.5, lon all)" in notes
    assert "across the" not in notes

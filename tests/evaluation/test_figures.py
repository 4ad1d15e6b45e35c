import json
import re
import shutil
from pathlib import Path

import cftime
import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.layout import Coordinate, GridLayout
from climann.errors import ClimannError
from climann.evaluation.figures import (
    FIGURE_FILES,
    draw_figures,
    label_runs,
    plot_anomaly_correlation_map,
    plot_area_mean_series,
    plot_error_maps,
    plot_learning_curves,
    plot_mean_truth_prediction_error,
    plot_predicted_vs_observed,
    plot_truth_prediction_error,
    redraw_figures,
    symmetric_limit,
    value_limits,
)
from climann.evaluation.figures import runs
from climann.evaluation.figures.maps import _truth_prediction_error_panels
from climann.evaluation.figures.style import ERROR_COLORMAP, _cell_edges
from climann.data.sample_data import write_sample_dataset
from climann.evaluation.predictions import predictions_dataset, write_predictions
from tests.conftest import grid_dataset

LABELS = ["train"] * 24 + ["val"] * 6 + ["test"] * 6
TEST = np.array(LABELS) == "test"
GRIDS = [
    pytest.param({"lat_descending": True}, id="descending-lat-0-360"),
    pytest.param({"lon_start": -180.0}, id="lon-180-180"),
]


def make_run(**options):
    """A layout, truth, network prediction and baselines on a small grid, with NaN cells."""
    dataset = grid_dataset(n_lat=6, n_lon=12, **options)
    coordinate = lambda name: Coordinate(name, dataset[name].values, dict(dataset[name].attrs))  # noqa: E731
    layout = GridLayout(
        time=coordinate("time"), latitude=coordinate("lat"), longitude=coordinate("lon"),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "lat", "lon"),
        target_name="tas", target_attrs=dict(dataset["tas"].attrs),
    )
    truth = dataset["tas"].values.astype(np.float64)
    truth[:, 0, :3] = np.nan  # masked cells (e.g. ocean in a land-only variable)
    rng = np.random.default_rng(0)
    model = truth + rng.normal(0.2, 1.0, truth.shape)
    model[:, 2, 5] = np.nan  # a cell the network never predicted
    baselines = {"linear": truth - 3.0, "climatology": truth + rng.normal(0.0, 2.0, truth.shape)}
    return layout, truth, {"model": model, **baselines}


def assert_readable_png(path, *, min_height=100, min_width=150):
    image = matplotlib.image.imread(path)
    assert image.shape[0] >= min_height and image.shape[1] >= min_width
    assert image[..., :3].std() > 0.05  # not blank


def map_titles(monkeypatch, *, save: bool = True) -> dict[str, str]:
    """The title (suptitle) of each map drawn from now on, by file name. ``save=False``: for a
    test that reads only the titles, no figure is written (the maps' and the plots' PNGs,
    most of a redraw's time), each is closed where it would have been saved."""
    import matplotlib.pyplot as plt

    from climann.evaluation.figures import maps, plots

    titles, write = {}, maps._save

    def record(figure, path, dpi):
        titles[Path(path).name] = figure.get_suptitle()
        return write(figure, path, dpi) if save else unsaved(figure, path, dpi)

    def unsaved(figure, path, dpi):
        plt.close(figure)
        return Path(path)

    monkeypatch.setattr(maps, "_save", record)
    if not save:
        monkeypatch.setattr(plots, "_save", unsaved)
    return titles


def held_grid_bytes(monkeypatch, *, drawn: bool = True) -> list[int]:
    """The bytes of the grids each call of draw_figures is given (truth, predictions, climatology).
    ``drawn=False``: for a test that reads only these bytes, draw_figures then draws nothing."""
    held, draw = [], runs.draw_figures

    def measured(layout, truth, predictions, *args, climatology=None, **kwargs):
        grids = [truth, *predictions.values(), *([] if climatology is None else [climatology])]
        held.append(sum(grid.nbytes for grid in grids))
        return draw(layout, truth, predictions, *args, climatology=climatology, **kwargs) if drawn else []

    monkeypatch.setattr(runs, "draw_figures", measured)
    return held


@pytest.fixture(params=GRIDS)
def run(request):
    return make_run(**request.param)


def draw_each(kind, layout, truth, predictions, path):
    model = predictions["model"]
    if kind == "map":
        return plot_truth_prediction_error(layout, truth, model, time_index=33, split="test", path=path, dpi=50)
    if kind == "mean_map":
        return plot_mean_truth_prediction_error(layout, truth, model, time_steps=TEST, split="test", path=path, dpi=50)
    if kind == "error_maps":
        return plot_error_maps(layout, truth, model, time_steps=TEST, split="test", path=path, dpi=50)
    if kind == "learning_curves":
        return plot_learning_curves([1.0, 0.5, 0.3, 0.25], [1.1, 0.6, np.nan, 0.4], loss_name="mse", path=path, dpi=50)
    if kind == "anomaly_correlation_map":
        return plot_anomaly_correlation_map(layout, truth, model, predictions["climatology"], time_steps=TEST,
                                            split="test", path=path, dpi=50)
    if kind == "predicted_vs_observed":
        return plot_predicted_vs_observed(model[TEST], truth[TEST], units="K", name="tas", split="test", path=path, dpi=50)
    series = {"truth": np.nanmean(truth, axis=(1, 2)), **{k: np.nanmean(v, axis=(1, 2)) for k, v in predictions.items()}}
    return plot_area_mean_series(layout.time.values, series, units="K", name="tas", split_labels=LABELS, path=path, dpi=50)


@pytest.mark.parametrize("kind", list(FIGURE_FILES))
def test_every_figure_is_a_readable_png(tmp_path, run, kind):
    path = draw_each(kind, *run, tmp_path / f"{kind}.png")
    assert path == tmp_path / f"{kind}.png"
    assert_readable_png(path)
    assert [p.name for p in tmp_path.iterdir()] == [f"{kind}.png"]  # no temporary file left


def test_draw_figures_writes_the_six_files(tmp_path, run):
    layout, truth, predictions = run
    paths = draw_figures(layout, truth, predictions, LABELS, [1.0, 0.5], [1.2, 0.7],
                         loss_name="mse", directory=tmp_path, dpi=50)
    assert sorted(p.name for p in paths) == sorted(FIGURE_FILES.values())
    for path in paths:
        assert_readable_png(path)


def test_draw_figures_leaves_the_area_mean_series_to_a_caller_that_has_every_step(tmp_path, run, monkeypatch):
    """A run evaluated chunk by chunk passes the test block's grids only and draws the series
    over every step itself: drawn once, not twice."""
    layout, truth, predictions = run
    map_titles(monkeypatch, save=False)  # which figures are drawn, not their files (test_draw_figures_writes_the_six_files)
    drawn = []
    monkeypatch.setattr(runs, "plot_area_mean_series", lambda *a, **k: drawn.append(k["path"]) or k["path"])
    paths = draw_figures(layout, truth, predictions, LABELS, [1.0, 0.5], [1.2, 0.7], loss_name="mse",
                         directory=tmp_path, dpi=50, area_mean_series=False)
    assert drawn == [] and FIGURE_FILES["area_mean_series"] not in {p.name for p in paths}
    assert sorted(p.name for p in paths) == sorted(set(FIGURE_FILES.values()) - {FIGURE_FILES["area_mean_series"]})


def test_the_anomaly_correlation_map_shows_each_cells_correlation_on_a_fixed_diverging_scale(tmp_path, monkeypatch):
    from climann.evaluation.figures import maps

    layout, truth, predictions = make_run()
    climatology = predictions["climatology"]
    drawn = {}
    monkeypatch.setattr(maps, "_map_figure", lambda layout, panels, **k: drawn.update(panels=panels, **k))
    plot_anomaly_correlation_map(layout, truth, predictions["model"], climatology, time_steps=TEST, split="test",
                                 path=tmp_path / "acc.png")
    (panel,) = drawn["panels"]
    assert (panel.vmin, panel.vmax, panel.cmap) == (-1.0, 1.0, ERROR_COLORMAP)
    model_anomaly, truth_anomaly = (predictions["model"] - climatology)[TEST], (truth - climatology)[TEST]
    for i, j in [(1, 1), (3, 7), (5, 11)]:
        expected = np.corrcoef(model_anomaly[:, i, j], truth_anomaly[:, i, j])[0, 1]
        assert panel.field[i, j] == pytest.approx(expected)
    assert np.isnan(panel.field[0, :3]).all() and np.isnan(panel.field[2, 5])  # no data there: grey
    assert "anomaly correlation" in drawn["title"] and "test split" in drawn["title"]
    assert "calendar month" in panel.title


def test_the_mean_truth_map_is_grey_only_where_the_truth_has_no_value(tmp_path, monkeypatch):
    """fix53d: the truth map of a block's mean greyed the cells the network never predicted (GLEAM v4's E
    where its predictor Ep has no value), "grey: no data" where E has data. Its grey cells are now the
    truth's own missing ones; such a cell shows the truth's mean (numpy by hand), the prediction and
    error maps grey there; elsewhere the means are over the steps both hold, the error their bias."""
    from climann.evaluation.figures import maps

    layout, truth, predictions = make_run()
    model = predictions["model"].copy()
    model[TEST.nonzero()[0][:2], 4, 7] = np.nan  # a cell predicted at some of the block's steps only
    drawn = {}
    monkeypatch.setattr(maps, "_map_figure", lambda layout, panels, **k: drawn.update(panels=panels, **k))
    plot_mean_truth_prediction_error(layout, truth, model, time_steps=TEST, split="test", path=tmp_path / "m.png")
    shown_truth, shown_model, error = (panel.field for panel in drawn["panels"])
    np.testing.assert_array_equal(np.isnan(shown_truth), np.isnan(truth[TEST]).all(axis=0))
    assert shown_truth[2, 5] == pytest.approx(truth[TEST, 2, 5].mean()) and np.isnan(shown_model[2, 5])
    assert np.isnan(error[2, 5])
    both = TEST.nonzero()[0][2:]
    assert shown_truth[4, 7] == pytest.approx(truth[both, 4, 7].mean())
    assert error[4, 7] == pytest.approx((model[both, 4, 7] - truth[both, 4, 7]).mean())


def test_draw_figures_takes_the_climatology_from_the_training_steps_without_the_baseline(tmp_path, monkeypatch):
    layout, truth, predictions = make_run()
    map_titles(monkeypatch, save=False)  # the climatology given, not the figures' files
    seen = {}
    monkeypatch.setattr(runs, "plot_anomaly_correlation_map",
                        lambda layout, truth, model, climatology, **k: seen.setdefault("climatology", climatology))
    draw_figures(layout, truth, {"model": predictions["model"]}, LABELS, [], [], loss_name="mse",
                 directory=tmp_path, dpi=50)
    train = np.array(LABELS) == "train"
    months = np.array([time.month for time in layout.time.values])
    same_month = truth[train & (months == months[33])]
    count = np.isfinite(same_month).sum(axis=0)
    expected = np.where(count > 0, np.nansum(same_month, axis=0) / np.maximum(count, 1), np.nan)
    assert count.max() == 2 and np.isnan(expected).sum() == 3  # two training years; the masked cells
    np.testing.assert_allclose(seen["climatology"][33], expected)


def test_the_test_map_shows_the_middle_of_the_test_block(tmp_path, monkeypatch):
    layout, truth, predictions = make_run()
    seen = {}
    monkeypatch.setattr(runs, "plot_truth_prediction_error", lambda *a, time_index, **k: seen.setdefault("t", time_index))
    for other_map in ("plot_mean_truth_prediction_error", "plot_error_maps", "plot_anomaly_correlation_map"):
        monkeypatch.setattr(runs, other_map, lambda *a, path, **k: path)  # not looked at; the plots still drawn
    draw_figures(layout, truth, predictions, LABELS, [], [], loss_name="mse", directory=tmp_path, dpi=50)
    assert seen["t"] == 33  # test steps 30…35
    assert not (tmp_path / FIGURE_FILES["learning_curves"]).exists()  # no history: no curves


def test_draw_figures_needs_a_test_block(tmp_path):
    layout, truth, predictions = make_run()
    with pytest.raises(ClimannError, match="test split"):
        draw_figures(layout, truth, predictions, ["train"] * 36, [1.0], [1.0], loss_name="mse", directory=tmp_path)


def test_predicted_vs_observed_handles_a_million_points(tmp_path):
    rng = np.random.default_rng(1)
    truth = rng.normal(280.0, 10.0, 1_000_000)
    path = plot_predicted_vs_observed(truth + rng.normal(0, 1, truth.size), truth, units="K", name="tas",
                                      split="test", path=tmp_path / "scatter.png", dpi=50)
    assert_readable_png(path)


def test_error_colours_are_symmetric_about_zero():
    layout, truth, predictions = make_run()
    panels = _truth_prediction_error_panels(layout, truth[33], predictions["model"][33])
    error = panels[2]
    assert error.cmap == ERROR_COLORMAP and error.vmin == -error.vmax > -np.inf
    assert error.vmax == pytest.approx(np.nanpercentile(np.abs(predictions["model"][33] - truth[33]), 99.5))
    assert (panels[0].vmin, panels[0].vmax) == (panels[1].vmin, panels[1].vmax)  # one scale for truth and prediction


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(np.array([np.nan, -2.0, 1.0]), 2.0, id="nan-ignored-negative-wins"),
        pytest.param(np.array([0.5, 3.0, -1.0]), 3.0, id="positive-wins"),
        pytest.param(np.array([np.nan, np.nan]), 1.0, id="all-nan"),
        pytest.param(np.zeros(4), 1.0, id="all-zero"),
    ],
)
def test_symmetric_limit(values, expected):
    assert symmetric_limit(values) == pytest.approx(expected, rel=0.02)


def test_value_limits_ignore_nan_and_cover_all_fields():
    low, high = value_limits(np.array([np.nan, 1.0, 2.0]), np.array([[3.0, np.nan]]))
    assert low == pytest.approx(1.0, abs=0.02) and high == pytest.approx(3.0, abs=0.02)
    assert value_limits(np.array([np.nan])) == (0.0, 1.0)
    assert value_limits(np.array([5.0, 5.0])) == (4.5, 5.5)


def test_label_runs():
    assert label_runs(LABELS + [""]) == [("train", 0, 24), ("val", 24, 30), ("test", 30, 36), ("", 36, 37)]


def test_cell_edges_work_for_descending_centres():
    np.testing.assert_allclose(_cell_edges(np.array([45.0, 0.0, -45.0])), [67.5, 22.5, -22.5, -67.5])


def write_run_dir(folder, layout, truth, predictions, *, loss="mae"):
    baselines = {k: v for k, v in predictions.items() if k != "model"}
    dataset = predictions_dataset(layout, truth, predictions["model"], LABELS, baselines=baselines)
    write_predictions(dataset, folder / "predictions.nc", layout)
    (folder / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.25,\n3,0.2,0.3\n")
    (folder / "metrics.json").write_text(json.dumps({"target": "tas", "units": "K"}))
    (folder / "config.toml").write_text(f'[training]\nepochs = 3\nloss = "{loss}"\n')


def test_redraw_figures_redraws_all_six(tmp_path, run):
    write_run_dir(tmp_path, *run)
    paths = redraw_figures(tmp_path, dpi=50)
    assert {p.name for p in paths} == set(FIGURE_FILES.values())
    assert all(p.parent == tmp_path / "figures" for p in paths)
    for path in paths:
        assert_readable_png(path)


def write_old_split(folder):
    """predictions.nc as climann wrote it before split became integer flags: strings."""
    import xarray as xr

    path = folder / "predictions.nc"
    with xr.open_dataset(path, decode_times=False) as dataset:
        old = dataset.load().assign(split=("time", np.array(LABELS, dtype=object)))
    path.unlink()
    old.to_netcdf(path)


@pytest.mark.parametrize("split", [pytest.param("flags", id="int-flags"), pytest.param("strings", id="old-strings")])
def test_redraw_reads_the_grid_and_history(tmp_path, monkeypatch, split):
    layout, truth, predictions = make_run(lat_descending=True)
    write_run_dir(tmp_path, layout, truth, predictions, loss="mae")
    if split == "strings":
        write_old_split(tmp_path)
    seen = {}

    def capture(layout, truth, predictions, split_labels, train, val, *, loss_name, directory, dpi, **options):
        seen.update(layout=layout, truth=truth, predictions=predictions, labels=list(split_labels),
                    train=train, val=val, loss=loss_name)
        return []

    monkeypatch.setattr(runs, "draw_figures", capture)
    redraw_figures(tmp_path)
    assert seen["layout"].target_units == "K" and seen["loss"] == "mae"
    np.testing.assert_array_equal(seen["layout"].latitude.values, layout.latitude.values)  # north first, as written
    assert isinstance(seen["layout"].time.values[0], cftime.datetime)
    np.testing.assert_array_equal(seen["layout"].time.values, layout.time.values[TEST])  # the test block's maps
    np.testing.assert_allclose(seen["truth"], truth[TEST].astype(np.float32))
    assert set(seen["predictions"]) == {"model", "linear", "climatology"}
    assert seen["labels"] == ["test"] * TEST.sum() and seen["train"] == [0.5, 0.25, 0.2]
    assert np.isnan(seen["val"][1])


def test_redraw_of_a_run_whose_predictions_file_has_no_split_says_so(tmp_path, run):
    """A prediction file (``climann predict``'s, no ``split``) where the run's own was expected."""
    import xarray as xr

    write_run_dir(tmp_path, *run)
    path = tmp_path / "predictions.nc"
    with xr.open_dataset(path, decode_times=False) as dataset:
        predicted = dataset.load().drop_vars("split")
    path.unlink()
    predicted.to_netcdf(path)
    with pytest.raises(ClimannError, match="predictions.nc has no 'split' variable: it is a prediction file"):
        redraw_figures(tmp_path)


def test_redraw_without_a_run_directory_says_so(tmp_path):
    with pytest.raises(ClimannError, match="predictions.nc not found"):
        redraw_figures(tmp_path / "missing")


def test_redraw_writes_the_report_again_with_links_to_the_figures(tmp_path, run):
    write_run_dir(tmp_path, *run)
    metrics = {"target": "tas", "units": "K", "area_weighted": True, "splits": {"test": {"model": {"mse": 1.0}}}}
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    (tmp_path / "report.md").write_text("# climann run: tas\n\nan old report without figure links\n")
    redraw_figures(tmp_path, dpi=50)
    links = [line for line in (tmp_path / "report.md").read_text().splitlines() if line.startswith("![")]
    assert links == [f"![{Path(name).stem.replace('_', ' ')}](figures/{name})" for name in FIGURE_FILES.values()]


def test_redraw_never_replaces_a_report_climann_did_not_write(tmp_path, run):
    write_run_dir(tmp_path, *run)
    (tmp_path / "report.md").write_text("my notes on this run\n")
    with pytest.raises(ClimannError, match="report.md was not written by climann, and `climann plot .*` would "
                                           "replace it"):
        redraw_figures(tmp_path, dpi=50)
    assert (tmp_path / "report.md").read_text() == "my notes on this run\n" and not (tmp_path / "figures").exists()


def test_redraw_draws_the_skill_by_season_and_region_from_the_metrics(tmp_path, run):
    write_run_dir(tmp_path, *run)
    skill = {"model": {"mse": 1.0, "skill_vs_climatology": 0.5}, "climatology": {"mse": 2.0, "skill_vs_climatology": 0.0}}
    metrics = {"target": "tas", "units": "K", "area_weighted": True, "splits": {"test": skill},
               "seasons": {"test": {season: skill for season in ("DJF", "MAM", "JJA", "SON")}},
               "regions": {"test": {"tropics": skill}}}
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    paths = redraw_figures(tmp_path, dpi=50)
    assert paths[-1] == tmp_path / "figures" / "skill_by_season_region_test.png"
    assert_readable_png(paths[-1])
    assert "![skill by season region test](figures/skill_by_season_region_test.png)" in (
        tmp_path / "report.md").read_text()


def test_a_colour_bar_has_an_arrow_at_each_end_the_field_goes_beyond():
    """Values clipped by the colour scale are never hidden: an arrow at that end of the bar."""
    from climann.evaluation.figures.maps import MapPanel, _colorbar_extend

    field = np.array([[1.0, 2.0], [3.0, np.nan]])
    ends = {(0.0, 4.0): "neither", (1.5, 4.0): "min", (0.0, 2.5): "max", (1.5, 2.5): "both"}
    for (low, high), expected in ends.items():
        assert _colorbar_extend(MapPanel("t", field, "viridis", low, high, "K")) == expected


@pytest.mark.parametrize("latitudes, expected", [
    pytest.param(np.linspace(-75.0, 75.0, 6), 1.0, id="global-equal-degrees"),
    pytest.param(np.array([-3.75, -1.25, 1.25, 3.75]), 360 / 10 / 6, id="equatorial-strip-stretched"),
])
def test_a_map_wider_than_six_to_one_has_its_latitude_stretched_and_labelled(latitudes, expected):
    import matplotlib.pyplot as plt

    from climann.evaluation.figures.maps import MAX_MAP_RATIO, MapPanel, _draw_map

    layout, _, _ = make_run()
    layout = GridLayout(
        time=layout.time, latitude=Coordinate("lat", latitudes, dict(layout.latitude.attrs)),
        longitude=layout.longitude, time_units=layout.time_units, calendar=layout.calendar,
        file_dims=layout.file_dims, target_name="tas", target_attrs=layout.target_attrs,
    )
    figure, axis = plt.subplots()
    field = np.arange(latitudes.size * 12, dtype=float).reshape(latitudes.size, 12)
    _draw_map(figure, axis, layout, MapPanel("t", field, ERROR_COLORMAP, 0.0, 1.0, "x"))
    assert axis.get_aspect() == pytest.approx(expected)
    # the drawn map: longitude extent over the stretched latitude extent, at most the maximum ratio
    lon_extent, lat_extent = np.ptp(axis.get_xlim()), np.ptp(axis.get_ylim())
    assert lon_extent / (lat_extent * axis.get_aspect()) <= MAX_MAP_RATIO + 1e-9
    assert ("stretched" in axis.get_ylabel()) == (expected > 1)
    plt.close(figure)


STRIDE_LINE = ',\n  "figures_every_nth_test_year": 2'
TEST_YEARS = (1997, 1998, 1999)


@pytest.fixture(scope="module")
def streamed_run(tmp_path_factory):
    """A run streamed from disk: 20 years of the 15° sample (288 cells; ≈ 2.5 MB of samples)
    with [data] in_memory_limit_gb = 3e-4 (≈ 322 kB), test block 1997–1999. Its test figures'
    5 grids (truth, network, linear, climatology, persistence) of 36 steps take 414,720 bytes:
    they show every 2nd year (1997 and 1999, 276,480 bytes)."""
    folder = tmp_path_factory.mktemp("streamed")
    sample = write_sample_dataset(folder / "sample.nc", years=20, resolution=15.0, seed=3)
    # its own figures, which no test looks at (they plot copies again), at a low resolution
    result = CliRunner().invoke(app, ["train", "--data", str(sample), "--epochs", "1", "--out", str(folder / "run"),
                                      "--set", "data.in_memory_limit_gb=3e-4", "--set", "evaluation.dpi=40"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((folder / "run" / "metrics.json").read_text())
    assert metrics["evaluated_every_nth_time_step"] == 1 and metrics["figures_every_nth_test_year"] == 2
    return folder / "run"


def copied_run(streamed_run, folder, *, config=None):
    """A copy of the streamed run whose config.toml's limit is ``config`` (GB), or that has no
    such key ("no key"), or no config.toml ("no file")."""
    run_dir = shutil.copytree(streamed_run, folder / "run")
    path = run_dir / "config.toml"
    if config == "no file":
        path.unlink()
    elif config is not None:
        line = "" if config == "no key" else f"in_memory_limit_gb = {config}\n"
        text, count = re.subn(r"in_memory_limit_gb = .*\n", line, path.read_text())
        assert count == 1
        path.write_text(text)
    return run_dir


def plot_run(run_dir):
    result = CliRunner().invoke(app, ["plot", str(run_dir), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    return json.loads((run_dir / "metrics.json").read_text())


def test_plot_of_a_streamed_run_holds_its_grids_under_the_runs_limit_and_records_the_years_drawn(
        streamed_run, tmp_path, monkeypatch):
    """With the run's limit lowered to 1.5e-4 GB (161,061 bytes), every 3rd test year: 1997
    alone (138,240 bytes); metrics.json says 3, not the 2 of the figures the run drew, and
    nothing else of it changes; the maps' titles name 1997."""
    run_dir = copied_run(streamed_run, tmp_path, config=1.5e-4)
    original = (run_dir / "metrics.json").read_text()
    held, titles, reads = held_grid_bytes(monkeypatch), map_titles(monkeypatch, save=False), []  # titles: no PNG read
    read = getattr(runs, "_read_grids", None)  # the route's reads, also of the area means' chunks

    def measured_read(*args):
        grids = read(*args)
        reads.append(sum(grid.nbytes for grid in grids.values()))
        return grids

    monkeypatch.setattr(runs, "_read_grids", measured_read, raising=False)
    metrics = plot_run(run_dir)
    every = metrics["figures_every_nth_test_year"]
    shown = [year for year in TEST_YEARS if (year - TEST_YEARS[0]) % every == 0]
    assert every == 3 and shown == [1997]
    limit = 1.5e-4 * 2**30
    assert held == [12 * 288 * 8 * 5] and held[0] <= limit and reads and max(reads) <= limit
    for name in ("map_test_mean.png", "error_maps_test.png", "anomaly_correlation_test.png"):
        assert re.search(r"over 1997,\s+test\s+split", titles[name]), titles[name]
    assert " on 1997-" in titles["map_test.png"]
    assert (run_dir / "metrics.json").read_text() == original.replace(
        '"figures_every_nth_test_year": 2', '"figures_every_nth_test_year": 3')


@pytest.mark.parametrize("config", [pytest.param(1.0, id="limit-raised"), pytest.param("no key", id="old-config"),
                                    pytest.param("no file", id="no-config")])
def test_plot_that_draws_every_test_year_removes_a_stale_stride(streamed_run, tmp_path, monkeypatch, config):
    """Under a limit that holds every test year (1 GB; the default 2 GB of a config without
    the key or of a run without config.toml), the figures show 1997–1999 and metrics.json
    loses its figures_every_nth_test_year, and only that."""
    run_dir = copied_run(streamed_run, tmp_path, config=config)
    original = (run_dir / "metrics.json").read_text()
    titles = map_titles(monkeypatch, save=False)
    metrics = plot_run(run_dir)
    assert "figures_every_nth_test_year" not in metrics
    assert (run_dir / "metrics.json").read_text() == original.replace(STRIDE_LINE, "")
    assert STRIDE_LINE in original
    assert "mean over 1997–1999, test split" in titles["map_test_mean.png"]
    assert not list(run_dir.glob(".*.tmp"))


def test_plot_under_the_runs_own_limit_draws_what_it_drew_and_leaves_its_metrics_file_alone(
        streamed_run, tmp_path, monkeypatch):
    """The run's own limit: every 2nd year again (1997 and 1999), which the titles say;
    metrics.json, already true, is not rewritten."""
    run_dir = copied_run(streamed_run, tmp_path)
    before, titles = (run_dir / "metrics.json").stat(), map_titles(monkeypatch, save=False)
    assert plot_run(run_dir)["figures_every_nth_test_year"] == 2
    after = (run_dir / "metrics.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "mean over 1997–1999, every 2nd year, test split" in titles["map_test_mean.png"]


def test_error_maps_of_a_temperature_named_by_its_scale_are_labelled_in_its_symbol(monkeypatch, tmp_path):
    """IRI's "Kelvin_scale" (NMME): an error, RMSE and bias are in K (break30a A5), and so are the truth and the
    prediction, as in the run's captions (break32a: one spelling of a run's units)."""
    import dataclasses

    from climann.evaluation.figures import maps

    layout, truth, predictions = make_run()
    layout = dataclasses.replace(layout, target_attrs={**layout.target_attrs, "units": "Kelvin_scale"})
    panels = _truth_prediction_error_panels(layout, truth[33], predictions["model"][33])
    assert [panel.label for panel in panels] == ["tas (K)", "tas (K)", "tas error (K)"]
    drawn = []
    monkeypatch.setattr(maps, "_map_figure", lambda layout, panels, **options: drawn.extend(panels))
    maps.plot_error_maps(layout, truth, predictions["model"], time_steps=TEST, split="test", path=tmp_path / "e.png")
    assert [panel.label for panel in drawn] == ["tas RMSE (K)", "tas bias (K)"]


def test_long_colour_bar_labels_are_wrapped_clear_of_each_other(tmp_path, monkeypatch):
    """break44a A8: under the three maps of RG's ARGO_TEMPERATURE_ANOMALY in "degree celcius (ITS-90)" the colour-bar
    labels ran into each other and past the figure's edge. Each is wrapped to its map: drawn, no two labels overlap
    and each lies inside the figure."""
    from climann.evaluation.figures import maps

    layout, truth, predictions = make_run()
    # four columns of the six rows: maps about as narrow as RG's 40 × 42 box (2.2 in), where the labels collided
    truth, model = truth[..., :4], predictions["model"][..., :4]
    longitude = Coordinate(layout.longitude.name, layout.longitude.values[:4], layout.longitude.attrs)
    layout = GridLayout(time=layout.time, latitude=layout.latitude, longitude=longitude,
                        time_units=layout.time_units, calendar=layout.calendar, file_dims=layout.file_dims,
                        target_name="ARGO_TEMPERATURE_ANOMALY",
                        target_attrs={**layout.target_attrs, "units": "degree celcius (ITS-90)"})
    drawn = {}
    write = maps._save

    def record(figure, path, dpi):
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        labels = [axis.xaxis.label for axis in figure.axes if axis.xaxis.label.get_text().startswith("ARGO_")]
        drawn["boxes"] = [label.get_window_extent(renderer) for label in labels]
        drawn["figure"] = figure.bbox
        drawn["texts"] = [label.get_text() for label in labels]
        return write(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    plot_truth_prediction_error(layout, truth, model, time_index=33, split="test", path=tmp_path / "map.png", dpi=100)
    boxes = sorted(drawn["boxes"], key=lambda box: box.x0)
    assert len(boxes) == 3 and all("\n" in text for text in drawn["texts"])
    assert all(left.x1 <= right.x0 for left, right in zip(boxes, boxes[1:]))
    assert all(box.x0 >= drawn["figure"].x0 and box.x1 <= drawn["figure"].x1 for box in boxes)


@pytest.mark.parametrize("n_epochs", [1, 2, 15])
def test_the_learning_curves_tick_whole_epochs_even_for_a_run_of_one(tmp_path, monkeypatch, n_epochs):
    """fix47k saw a one-epoch run's epoch axis ticked 0.945 … 1.050: MaxNLocator(integer=True)
    falls back to fractions where fewer than two whole numbers fit. Every tick inside the axis is a
    whole epoch from 1 to the run's last."""
    from climann.evaluation.figures import plots

    drawn = {}

    def keep(figure, path, dpi):
        figure.canvas.draw()
        drawn["axis"] = figure.axes[0]
        return Path(path)

    monkeypatch.setattr(plots, "_save", keep)
    losses = list(np.linspace(1.0, 0.5, n_epochs))
    plot_learning_curves(losses, losses, loss_name="mse", path=tmp_path / "curves.png", dpi=50)
    axis = drawn["axis"]
    low, high = axis.get_xlim()
    ticks = [float(tick) for tick in axis.get_xticks() if low <= tick <= high]
    assert ticks and all(tick == round(tick) and 1 <= tick <= n_epochs for tick in ticks), ticks

"""Tests for climann/evaluation/figures/runs.py: the figures of a run on a grid of one cell."""

import dataclasses
import json
import logging
import re

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.layout import Coordinate, GeographicGrid, GridLayout
from climann.evaluation.figures import draw_figures, plots, redraw_figures
from climann.evaluation.figures import runs as figure_runs
from climann.evaluation.predictions import predictions_dataset, split_labels, write_predictions

LABELS = ["train"] * 24 + ["val"] * 6 + ["test"] * 6
NOT_MAPS = {"predicted_vs_observed_test.png", "learning_curves.png", "area_mean_series.png"}


def station_run(latitude=12.5, longitude=-7.25):
    """A layout of one cell (a station at ``latitude``, ``longitude``), 36 months of truth,
    the network's prediction and a climatology baseline."""
    times = np.array([cftime.datetime(2000 + step // 12, step % 12 + 1, 16, calendar="noleap") for step in range(36)])
    layout = GridLayout(
        time=Coordinate("time", times), latitude=Coordinate("lat", np.array([latitude]), {"units": "degrees_north"}),
        longitude=Coordinate("lon", np.array([longitude]), {"units": "degrees_east"}),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "lat", "lon"),
        target_name="tas", target_attrs={"units": "K", "long_name": "Near-Surface Air Temperature"},
    )
    rng = np.random.default_rng(0)
    truth = (290 + 5 * np.sin(np.arange(36) * 2 * np.pi / 12))[:, None, None] + rng.normal(0, 1, (36, 1, 1))
    predictions = {"model": truth + rng.normal(0.2, 0.5, truth.shape), "climatology": truth + rng.normal(0, 1, truth.shape)}
    return layout, truth, predictions


def test_a_station_run_draws_no_maps_and_says_where_the_station_is(tmp_path, caplog):
    layout, truth, predictions = station_run()
    with caplog.at_level(logging.INFO, logger="climann"):
        paths = draw_figures(layout, truth, predictions, LABELS, [1.0, 0.5], [1.2, 0.7], loss_name="mse",
                             directory=tmp_path, dpi=40)
    assert {path.name for path in paths} == NOT_MAPS
    assert {path.name for path in tmp_path.iterdir()} == NOT_MAPS
    assert [record.getMessage() for record in caplog.records if "no maps" in record.getMessage()] == [
        "no maps: the grid is one cell (12.5°N, 7.25°W), which a map shows as one square of one colour; "
        "its values over time are in area_mean_series.png"]


def test_a_redrawn_station_run_has_no_maps_not_even_of_its_ensemble_spread_and_its_report_says_why(tmp_path):
    layout, truth, predictions = station_run()
    spread = np.full(truth.shape, 0.3)
    dataset = predictions_dataset(layout, truth, predictions["model"], LABELS,
                                  baselines={"climatology": predictions["climatology"]}, spread=spread, n_members=3)
    write_predictions(dataset, tmp_path / "predictions.nc", layout)
    (tmp_path / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.25,0.3\n")
    (tmp_path / "metrics.json").write_text(json.dumps({"target": "tas", "units": "K", "splits": {}}))
    paths = redraw_figures(tmp_path, dpi=40)
    assert {path.name for path in paths} == NOT_MAPS
    assert {path.name for path in (tmp_path / "figures").iterdir()} == NOT_MAPS
    report = (tmp_path / "report.md").read_text()
    assert ("No maps: the grid is one cell, which a map shows as one square of one colour; its values over time "
            "are in area_mean_series.png.") in report.splitlines()


def test_a_row_of_two_cells_keeps_its_maps(tmp_path):
    layout, truth, predictions = station_run()
    layout = dataclasses.replace(layout, longitude=Coordinate("lon", np.array([-7.25, -2.25])))
    two = lambda grid: np.concatenate([grid, grid + 1.0], axis=2)  # noqa: E731
    paths = draw_figures(layout, two(truth), {name: two(grid) for name, grid in predictions.items()}, LABELS,
                         [1.0, 0.5], [1.2, 0.7], loss_name="mse", directory=tmp_path, dpi=40)
    assert {path.name for path in paths} == NOT_MAPS | {"map_test.png", "map_test_mean.png", "error_maps_test.png",
                                                        "anomaly_correlation_test.png"}


@pytest.mark.parametrize("longitude, cells, expected", [
    pytest.param([-7.25], 1, "tas at the single grid cell (12.5°N, 7.25°W), 2000–2002: truth, model and baselines",
                 id="station"),
    pytest.param([-7.25, -2.25], 2, "tas: area-weighted mean over the grid, 2000–2002: truth, model and baselines",
                 id="two-cells"),
])
def test_the_series_of_a_station_is_titled_with_where_it_is_not_as_an_area_mean(tmp_path, monkeypatch, longitude,
                                                                               cells, expected):
    titles, save = {}, plots._save
    monkeypatch.setattr(plots, "_save", lambda figure, path, dpi: titles.update(
        {path.name: (figure.axes[0].get_title(), figure.axes[0].get_ylabel())}) or save(figure, path, dpi))
    only_the_series_drawn(monkeypatch)
    layout, truth, predictions = station_run()
    layout = dataclasses.replace(layout, longitude=Coordinate("lon", np.array(longitude)))
    draw_figures(layout, np.repeat(truth, cells, axis=2),
                 {name: np.repeat(grid, cells, axis=2) for name, grid in predictions.items()}, LABELS, [], [],
                 loss_name="mse", directory=tmp_path, dpi=30)
    assert titles["area_mean_series.png"] == (expected, "tas (K)" if cells == 1 else "area-mean tas (K)")


@pytest.mark.parametrize("target_exists", [pytest.param(True, id="to-a-folder"), pytest.param(False, id="to-nothing")])
def test_a_runs_figures_folder_that_is_a_link_is_drawn_through_or_refused(tmp_path, target_exists):
    """`climann plot RUN` with RUN/figures -> scratch/figs: drawn there, the link kept; a link to
    nothing ended in "unexpected error: FileExistsError"."""
    from climann.errors import ClimannError

    layout, truth, predictions = station_run()
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    write_predictions(predictions_dataset(layout, truth, predictions["model"], LABELS), run_dir / "predictions.nc",
                      layout)
    (run_dir / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n")
    (run_dir / "figures").symlink_to(tmp_path / "scratch" / "figs")
    if not target_exists:
        with pytest.raises(ClimannError, match=rf"^{run_dir}/figures is a symbolic link to {tmp_path}/scratch/figs, "
                                               "which does not exist; create that directory first$"):
            redraw_figures(run_dir, dpi=30)
        assert not (tmp_path / "scratch").exists()
    else:
        (tmp_path / "scratch" / "figs").mkdir(parents=True)
        paths = redraw_figures(run_dir, dpi=30)
        assert (run_dir / "figures").is_symlink()
        assert sorted(path.name for path in (tmp_path / "scratch" / "figs").iterdir()) == sorted(p.name for p in paths)


@pytest.mark.parametrize("weights_epoch", [pytest.param(3, id="last-epoch-kept"), pytest.param(None, id="older-run")])
def test_the_learning_curves_mark_the_epoch_whose_weights_model_npz_holds(tmp_path, monkeypatch, weights_epoch):
    """tour13: the demo's curves starred the lowest validation loss (epoch 14) while model.npz held epoch 15."""
    from climann.model import Network

    layout, truth, predictions = station_run()
    write_predictions(predictions_dataset(layout, truth, predictions["model"], LABELS), tmp_path / "predictions.nc",
                      layout)
    (tmp_path / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.25,0.3\n3,0.2,0.4\n")
    Network([2, 3, 1], seed=0).save(tmp_path / "model.npz",
                                    metadata={} if weights_epoch is None else {"weights_epoch": weights_epoch})
    marks = {}
    original = plots._save

    def keep(figure, path, dpi):
        if path.name == "learning_curves.png":
            marks.update({line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
                          for line in figure.axes[0].get_lines()})
        return original(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    redraw_figures(tmp_path, dpi=40)
    assert marks["lowest validation loss (epoch 2)"] == ([2], [0.3])
    kept = [label for label in marks if label.startswith("weights kept")]
    if weights_epoch is None:
        assert kept == []  # nothing recorded: nothing claimed
    else:
        assert kept == ["weights kept in model.npz (epoch 3)"] and marks[kept[0]] == ([3], [0.4])


def _station_run_directory(run_dir, *, created):
    """A climann run of one cell whose provenance.json says it was created at ``created``."""
    layout, truth, predictions = station_run()
    run_dir.mkdir()
    write_predictions(predictions_dataset(layout, truth, predictions["model"], LABELS), run_dir / "predictions.nc",
                      layout)
    (run_dir / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n")
    (run_dir / "provenance.json").write_text(json.dumps({"created": created, "climann_version": "0.1.0"}))
    return run_dir


def test_plot_refuses_a_users_figure_in_a_run_made_since_figures_are_marked(tmp_path):
    """tour13: `climann plot RUN` replaced the user's own matplotlib figure saved as
    figures/learning_curves.png (and a text file of that name) in a run made on 2 Dec 2026."""
    from climann.errors import ClimannError
    from tests.conftest import write_user_image

    run_dir = _station_run_directory(tmp_path / "run", created="2026-12-02T14:04:19+00:00")
    mine = write_user_image(run_dir / "figures" / "learning_curves.png", "matplotlib")
    (run_dir / "figures" / "map_test.png").write_text("fake")
    with pytest.raises(ClimannError) as refused:
        redraw_figures(run_dir, dpi=30)
    assert str(refused.value) == (
        f"{run_dir}/figures/map_test.png was not written by climann; {run_dir}/figures/learning_curves.png carries no "
        "climann mark, in a run or folder made since climann marks every figure it draws (2026-12-01): it is not "
        f"climann's; climann plot {run_dir} redraws the run's figures under those names, and replaces only climann's "
        "own: move them away first")
    assert (run_dir / "figures" / "learning_curves.png").read_bytes() == mine
    assert sorted(path.name for path in (run_dir / "figures").iterdir()) == ["learning_curves.png", "map_test.png"]
    assert not (run_dir / "report.md").exists()


def test_plot_replaces_the_unmarked_figures_of_a_run_made_before_figures_were_marked(tmp_path):
    from climann.evaluation.figures.style import is_marked_figure
    from tests.conftest import write_user_image

    run_dir = _station_run_directory(tmp_path / "run", created="2026-11-30T10:00:00+00:00")
    write_user_image(run_dir / "figures" / "learning_curves.png", "matplotlib")  # as climann drew it then
    redraw_figures(run_dir, dpi=30)
    assert is_marked_figure(run_dir / "figures" / "learning_curves.png")


def iced_run():
    """A 3×4 grid (latitude bounds 80–60–40–20°N) of 36 months whose first row is ice (no value)
    from January to April and open from May on, colder than the rest: the truth, the network,
    persistence (missing at the newly open cells in May) and a climatology missing at one cell."""
    times = np.array([cftime.datetime(2000 + step // 12, step % 12 + 1, 16, calendar="noleap") for step in range(36)])
    layout = GridLayout(
        time=Coordinate("time", times), latitude=Coordinate("lat", np.array([70.0, 50.0, 30.0]), {"units": "degrees_north"}),
        longitude=Coordinate("lon", np.array([45.0, 135.0, 225.0, 315.0]), {"units": "degrees_east"}),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "lat", "lon"),
        target_name="tos", target_attrs={"units": "degC"},
        latitude_bounds=np.array([[80.0, 60.0], [60.0, 40.0], [40.0, 20.0]]),
        longitude_bounds=np.array([[0.0, 90.0], [90.0, 180.0], [180.0, 270.0], [270.0, 360.0]]),
    )
    rng = np.random.default_rng(5)
    truth = np.array([-1.0, 12.0, 24.0])[None, :, None] + rng.normal(0, 0.3, (36, 3, 4))
    truth[np.arange(36) % 12 < 4, 0, :] = np.nan
    model = truth + rng.normal(0.1, 0.2, truth.shape)
    persistence = np.concatenate([np.full((1, 3, 4), np.nan), truth[:-1]])
    climatology = truth + rng.normal(-0.4, 0.1, truth.shape)
    climatology[:, 0, 1] = np.nan
    return layout, truth, {"model": model, "persistence": persistence, "climatology": climatology}


def hand_errors(truth, predictions, fraction=None):
    """Each prediction's area-weighted mean error at each step over the cells where it, the
    truth and the network are present: weights (sin φ₂ − sin φ₁) of the bounds above, times each
    step's ``fraction`` (n_time, n_lat, n_lon) when given."""
    edges = np.deg2rad([[80.0, 60.0], [60.0, 40.0], [40.0, 20.0]])
    area = np.abs(np.sin(edges[:, 0]) - np.sin(edges[:, 1]))[:, None] * np.ones((3, 4))
    errors = {}
    for name, grid in predictions.items():
        both = np.isfinite(truth) & np.isfinite(predictions["model"]) & np.isfinite(grid)
        step_weights = [area if fraction is None else area * fraction[t] for t in range(len(truth))]
        errors[name] = np.array([np.sum((grid[t] - truth[t])[both[t]] * step_weights[t][both[t]])
                                 / step_weights[t][both[t]].sum() if both[t].any() else np.nan
                                 for t in range(len(truth))])
    return errors


def drawn_errors(monkeypatch):
    """The lines of the lower panel of every area_mean_series.png saved, by series order."""
    drawn, save = [], plots._save

    def keep(figure, path, dpi):
        if path.name == "area_mean_series.png":
            drawn.append([np.asarray(line.get_ydata(), float) for line in figure.axes[1].get_lines()])
        return save(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    return drawn


#: The figures a run draws beside area_mean_series.png (by the names :mod:`climann.evaluation.figures.runs`
#: calls them by, in memory and from predictions.nc).
OTHER_FIGURES = ("plot_truth_prediction_error", "plot_mean_truth_prediction_error", "plot_error_maps",
                 "plot_anomaly_correlation_map", "plot_predicted_vs_observed", "plot_learning_curves")


def only_the_series_drawn(monkeypatch):
    """The run's other figures not drawn, for a test that looks at the area-mean series alone:
    each is computed and drawn from the grids on its own (most of such a test's time went to
    maps it never looked at), so leaving them out changes nothing the series is drawn from."""
    for name in OTHER_FIGURES:
        monkeypatch.setattr(figure_runs, name, lambda *args, path, **kwargs: path)


def test_the_area_mean_series_compares_each_baseline_with_the_truth_on_the_cells_both_have(tmp_path, monkeypatch):
    """In memory and redrawn from predictions.nc (`climann plot RUN`): the lower panel is each
    baseline's area-mean error on its own cells with the truth. Persistence of May lacks the
    newly open cold row; averaging the truth over it drew persistence 3.7 degC too warm."""
    layout, truth, predictions = iced_run()
    drawn = drawn_errors(monkeypatch)
    only_the_series_drawn(monkeypatch)
    draw_figures(layout, truth, predictions, LABELS, [], [], loss_name="mse", directory=tmp_path / "memory", dpi=30)
    dataset = predictions_dataset(layout, truth, predictions["model"], LABELS,
                                  baselines={name: grid for name, grid in predictions.items() if name != "model"})
    write_predictions(dataset, tmp_path / "predictions.nc", layout)
    (tmp_path / "metrics.json").write_text(json.dumps({"target": "tos", "units": "degC", "splits": {}}))
    redraw_figures(tmp_path, dpi=30)
    expected = hand_errors(truth, predictions)
    assert len(drawn) == 2
    for lines, rtol in zip(drawn, (1e-9, 1e-5)):  # the file holds float32
        for name, line in zip(predictions, lines):
            np.testing.assert_allclose(line, expected[name], rtol=rtol, atol=1e-6, err_msg=name)
    may = 4
    assert abs(drawn[0][1][may]) < 0.5  # persistence's error on the open rows, not the 3.7 degC of the cold row


def test_the_area_mean_series_of_a_mean_where_sea_ice_weighs_each_steps_ice_area(tmp_path, monkeypatch):
    """break36a A1: of a target that is a mean where sea ice (weights of each step's ice area, that
    change with time), the lower panel is each baseline's error weighed by area × that step's
    siconc by hand, in memory and redrawn from predictions.nc in chunks of steps."""
    layout, truth, predictions = iced_run()
    fraction = np.random.default_rng(9).uniform(0.05, 1.0, truth.shape)
    layout = dataclasses.replace(
        layout, target_attrs={"units": "m", "cell_methods": "area: time: mean where sea_ice (comment: mask=siconc)"},
        area_fraction=Coordinate("siconc", fraction, {"standard_name": "sea_ice_area_fraction", "units": "1"}))
    drawn = drawn_errors(monkeypatch)
    only_the_series_drawn(monkeypatch)
    draw_figures(layout, truth, predictions, LABELS, [], [], loss_name="mse", directory=tmp_path / "memory", dpi=30)
    dataset = predictions_dataset(layout, truth, predictions["model"], LABELS,
                                  baselines={name: grid for name, grid in predictions.items() if name != "model"})
    write_predictions(dataset, tmp_path / "predictions.nc", layout)
    (tmp_path / "metrics.json").write_text(json.dumps({"target": "tos", "units": "m", "splits": {}}))
    monkeypatch.setattr(figure_runs, "_time_chunks", lambda n_time, **_: [slice(start, min(start + 5, n_time))
                                                                           for start in range(0, n_time, 5)])
    redraw_figures(tmp_path, dpi=30)
    expected = hand_errors(truth, predictions, fraction)
    assert len(drawn) == 2
    for lines, rtol in zip(drawn, (1e-9, 1e-5)):  # the file holds float32
        for name, line in zip(predictions, lines):
            np.testing.assert_allclose(line, expected[name], rtol=rtol, atol=1e-6, err_msg=name)


def ocean_model_run(fraction=None):
    """A tripolar-like ocean grid of 4 × 5 cells on index dims (j, i) with 2-D latitude and longitude
    and the model's own ``areacello`` (random, unlike the areas of the coordinates: a model's cells
    are not the sphere's), 36 months of truth (land: NaN) and a network's prediction; with
    ``fraction`` of shape (4, 5), a mean ``where sea`` over that ``sftof``."""
    n_y, n_x = 4, 5
    j, i = np.meshgrid(np.arange(n_y), np.arange(n_x), indexing="ij")
    latitude, longitude = -60 + 35 * j + 3 * np.sin(i), 20 + 60 * i + 5 * j
    times = np.array([cftime.datetime(2000 + step // 12, step % 12 + 1, 16, calendar="noleap") for step in range(36)])
    rng = np.random.default_rng(3)
    areacello = rng.uniform(1e9, 9e10, (n_y, n_x))
    areacello[0, 0] = np.nan  # land: CMIP's areacello holds no area there
    attrs = {"units": "degC", "cell_measures": "area: areacello"}
    if fraction is not None:
        attrs["cell_methods"] = "area: mean where sea"
    layout = GridLayout(
        time=Coordinate("time", times), latitude=Coordinate("j", np.arange(n_y)), longitude=Coordinate("i", np.arange(n_x)),
        time_units="days since 2000-01-01", calendar="noleap", file_dims=("time", "j", "i"),
        target_name="tos", target_attrs=attrs, index_dims=("j", "i"),
        geographic=GeographicGrid(
            Coordinate("latitude", latitude, {"units": "degrees_north", "standard_name": "latitude"}),
            Coordinate("longitude", longitude, {"units": "degrees_east", "standard_name": "longitude"})),
        cell_areas=areacello, cell_measure=Coordinate("areacello", areacello, {"standard_name": "cell_area", "units": "m2"}),
        area_fraction=None if fraction is None else Coordinate(
            "sftof", fraction, {"standard_name": "sea_area_fraction", "units": "1"}),
    )
    truth = 10 + 0.3 * latitude[None] + rng.normal(0, 1, (36, n_y, n_x))
    truth[:, 0, 0] = np.nan
    model = truth + rng.normal(0.5, 1.0, truth.shape) + 0.05 * latitude[None]
    return layout, truth, {"model": model}


@pytest.mark.parametrize("fraction", [
    pytest.param(None, id="whole-cells"),
    pytest.param(np.random.default_rng(4).uniform(0.1, 1.0, (4, 5)), id="where-sea-sftof"),
])
def test_the_redrawn_area_mean_series_weighs_by_the_files_areacello_not_computed_areas(tmp_path, monkeypatch,
                                                                                       fraction):
    """fix37d: `climann plot RUN` redrew the area-mean series of a tripolar grid by the areas of its
    2-D coordinates, not by the areacello the run's scores weighed with: the truth's mean was 9.25 degC
    where numpy's areacello-weighted mean is 10.32 (1.35 degC apart at worst). Both panels, in memory
    and redrawn, are numpy's means weighed by areacello (× sftof of a mean where sea)."""
    layout, truth, predictions = ocean_model_run(fraction)
    drawn, save = [], plots._save

    def keep(figure, path, dpi):
        if path.name == "area_mean_series.png":
            drawn.append([[np.asarray(line.get_ydata(), float) for line in axis.get_lines()] for axis in figure.axes[:2]])
        return save(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    only_the_series_drawn(monkeypatch)
    draw_figures(layout, truth, predictions, LABELS, [], [], loss_name="mse", directory=tmp_path / "memory", dpi=30)
    write_predictions(predictions_dataset(layout, truth, predictions["model"], LABELS), tmp_path / "predictions.nc",
                      layout)
    (tmp_path / "metrics.json").write_text(json.dumps({"target": "tos", "units": "degC", "splits": {}}))
    redraw_figures(tmp_path, dpi=30)
    weights = np.nan_to_num(layout.cell_areas) * (1.0 if fraction is None else fraction)
    sea = np.isfinite(truth[0])
    mean = lambda grid: (grid[:, sea] * weights[sea]).sum(axis=1) / weights[sea].sum()  # noqa: E731
    expected_truth, expected_error = mean(truth), mean(predictions["model"] - truth)
    assert len(drawn) == 2
    for (top, bottom), rtol in zip(drawn, (1e-12, 1e-6)):  # the file holds float32
        np.testing.assert_allclose(top[0], expected_truth, rtol=rtol)
        np.testing.assert_allclose(bottom[0], expected_error, rtol=rtol, atol=1e-6)


def djf_times(first_winter, last_winter, *, days=(16,), calendar="noleap"):
    """The December, January and February steps of the winters ``first_winter`` … ``last_winter``
    (a winter is dated by its January: that of 2002 begins in December 2001), on each of ``days``."""
    return np.array([cftime.datetime(winter - (month == 12), month, day, calendar=calendar)
                     for winter in range(first_winter, last_winter + 1) for month in (12, 1, 2) for day in days])


def test_every_nth_test_year_of_a_djf_run_keeps_whole_winters():
    """Daily 360_day DJF, test block the winters 2001–2004 (4 × 90 steps of one 8-byte value
    each: 2880 bytes) under a limit of 1500 bytes: every 2nd winter, 2001 and 2003, each
    whole (December of the year before with its January and February), 1440 bytes; not the
    calendar years 2000 (a December alone), 2002 and 2004 of the old route."""
    from climann.evaluation.figures import every_nth_test_year

    times = djf_times(2001, 2004, days=range(1, 31), calendar="360_day")
    steps, every = every_nth_test_year(times, np.ones(times.size, bool), n_cells=1, n_grids=1,
                                       limit_gb=1500 / 2**30, months=(12, 1, 2))
    winter = np.array([time.year + (time.month == 12) for time in times])  # by hand
    assert every == 2 and steps.tolist() == np.flatnonzero(np.isin(winter, [2001, 2003])).tolist()
    assert [(times[steps[0]].year, times[steps[0]].month), (times[steps[-1]].year, times[steps[-1]].month)] == [
        (2000, 12), (2003, 2)]


def test_every_nth_test_year_is_at_most_the_years_of_the_block():
    """24 months (1998–1999) under a limit that holds not even one year: the first year alone,
    recorded as every 2nd year (the block's two years), not as ⌈bytes / limit⌉ = 1536."""
    from climann.evaluation.figures import every_nth_test_year

    times = np.array([cftime.datetime(1998 + step // 12, step % 12 + 1, 16, calendar="noleap") for step in range(24)])
    steps, every = every_nth_test_year(times, np.ones(24, bool), n_cells=1024, n_grids=2, limit_gb=2**-20)
    assert every == 2 and steps.tolist() == list(range(12))


def test_a_redrawn_djf_run_shows_whole_winters_of_its_test_block_and_says_which(tmp_path, monkeypatch):
    """`climann plot` of a run with seasons = ["DJF"] (config.toml), winters 2000–2004, test
    block 2002–2004 (9 steps of 2×2 cells and 3 grids, 864 bytes) under a limit of 600 bytes:
    the maps show the winters 2002 and 2004 (Dec 2001–Feb 2002, Dec 2003–Feb 2004; 576
    bytes), titled as such; metrics.json records 2."""
    from climann.evaluation.figures import runs

    times = djf_times(2000, 2004)
    layout, truth, predictions = station_run()
    layout = dataclasses.replace(layout, time=Coordinate("time", times),
                                 longitude=Coordinate("lon", np.array([-7.25, -2.25])),
                                 latitude=Coordinate("lat", np.array([12.5, 17.5]), {"units": "degrees_north"}))
    rng = np.random.default_rng(1)
    truth = 290 + rng.normal(0, 1, (times.size, 2, 2))
    labels = ["train"] * 3 + ["val"] * 3 + ["test"] * 9
    dataset = predictions_dataset(layout, truth, truth + 0.5, labels, baselines={"climatology": truth - 0.5})
    write_predictions(dataset, tmp_path / "predictions.nc", layout)
    (tmp_path / "config.toml").write_text(f'[data]\nseasons = ["DJF"]\nin_memory_limit_gb = {600 / 2**30!r}\n')
    (tmp_path / "metrics.json").write_text(json.dumps({"target": "tas", "units": "K", "splits": {}}))
    drawn, draw = [], runs.draw_figures

    def recorded(shown, *args, **kwargs):
        drawn.append(([(time.year, time.month) for time in shown.time.values], kwargs["test_period"]))
        return draw(shown, *args, **kwargs)

    monkeypatch.setattr(runs, "draw_figures", recorded)
    only_the_series_drawn(monkeypatch)  # the times shown to the maps, recorded above, not their drawing
    redraw_figures(tmp_path, dpi=30)
    assert drawn == [([(2001, 12), (2002, 1), (2002, 2), (2003, 12), (2004, 1), (2004, 2)],
                      "2002–2004, every 2nd year (December counted with the next year)")]
    assert json.loads((tmp_path / "metrics.json").read_text())["figures_every_nth_test_year"] == 2


@pytest.mark.parametrize("station", [pytest.param(True, id="a-named-station"), pytest.param(False, id="a-cell"),
                                     pytest.param("grdc", id="a-grdc-station")])
def test_a_station_prediction_file_is_titled_by_its_station(station):
    """``climann plot`` of one station's predictions called it 'the single grid cell
    (22.5°S, 127.5°E)' though the file names it (``station_name``, CF ``cf_role =
    timeseries_id``, section 9.5): the layout read from the file keeps the name."""
    import xarray as xr

    from climann.evaluation.figures.maps import cell_place
    from climann.evaluation.figures.runs import layout_from_predictions

    times = [cftime.datetime(2015, month, 16, calendar="noleap") for month in (1, 2, 3)]
    values = np.zeros((3, 1, 1), np.float32)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), values, {"units": "K"}),
         "tas_pred": (("time", "lat", "lon"), values, {"units": "K"})},
        coords={"time": ("time", times), "lat": ("lat", [-22.5], {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", [127.5], {"standard_name": "longitude", "units": "degrees_east"})},
    )
    if station == "grdc":  # fix37c: GRDC's cf_role is on its number, the name in station_name: titled by the number
        dataset = dataset.assign_coords(id=((), np.int32(6335060), {"cf_role": "timeseries_id"}),
                                        station_name=((), "LOBITH", {"long_name": "name of station"}))
    elif station:
        dataset = dataset.assign_coords(station_name=((), "BBB", {"cf_role": "timeseries_id"}))
    place = cell_place(layout_from_predictions(dataset, "tas"))
    expected = {"grdc": "station LOBITH, id 6335060 (22.5°S, 127.5°E)", True: "station BBB (22.5°S, 127.5°E)"}
    assert place == expected.get(station, "the single grid cell (22.5°S, 127.5°E)")


@pytest.mark.parametrize("named", [pytest.param(False, id="a-borehole-cell"), pytest.param(True, id="a-station")])
def test_the_series_of_one_cell_at_a_chosen_depth_names_the_depth(named):
    """break38b C3: a borehole's ground temperature at 3 m (select = {depth = 3}) was titled "ground_temperature at
    the single grid cell (78.18°N, 16.47°E)", no depth, as the series of every depth would be."""
    import xarray as xr

    from climann.evaluation.figures.maps import cell_place
    from climann.evaluation.figures.runs import layout_from_predictions

    times = [cftime.datetime(2015, month, 16, calendar="noleap") for month in (1, 2, 3)]
    values = np.zeros((3, 1, 1), np.float32)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), values, {"units": "K"}),
         "tas_pred": (("time", "lat", "lon"), values, {"units": "K"})},
        coords={"time": ("time", times), "lat": ("lat", [78.18], {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", [16.47], {"standard_name": "longitude", "units": "degrees_east"}),
                "depth": ((), np.float32(3.0), {"units": "m", "positive": "down", "standard_name": "depth"})},
    )
    if named:
        dataset = dataset.assign_coords(station_name=((), "JANSSONHAUGEN", {"cf_role": "timeseries_id"}))
    place = cell_place(layout_from_predictions(dataset, "tas"))
    where = "station JANSSONHAUGEN" if named else "the single grid cell"
    assert place == f"{where} (78.18°N, 16.47°E), depth = 3 m"


def _revisit_composites(path, *, seed=6):
    """A Landsat-like series on a 3 × 4 grid (break35a A5's dates): Landsat 8 every 16 days
    from 2014-01-05, Landsat 9 from 2022 (the test years) 8 days after it, 45 % of the overpasses
    cloudy and dropped, each stamped a few minutes off 10:00."""
    import netCDF4
    import pandas as pd

    rng = np.random.default_rng(seed)
    dates = sorted([*pd.date_range("2014-01-05", "2023-12-31", freq="16D"),
                    *pd.date_range("2022-01-13", "2023-12-31", freq="16D")])
    kept = rng.random(len(dates)) > 0.45
    dates = [date + pd.Timedelta(hours=10, minutes=int(rng.integers(0, 3)), seconds=int(rng.integers(0, 59)))
             for date, keep in zip(dates, kept) if keep]
    times = pd.DatetimeIndex(dates)
    season = np.sin(2 * np.pi * (times.day_of_year.values - 110) / 365.25)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", 3)
        nc.createDimension("lon", 4)
        time = nc.createVariable("time", "i8", ("time",))
        time.units, time.calendar, time.standard_name = "seconds since 2014-01-01", "proleptic_gregorian", "time"
        time[:] = (times - pd.Timestamp("2014-01-01")).total_seconds().astype("i8")
        for name, values, units in (("lat", [45.40, 45.41, 45.42], "degrees_north"),
                                    ("lon", [9.10, 9.11, 9.12, 9.13], "degrees_east")):
            axis = nc.createVariable(name, "f8", (name,))
            axis.units, axis[:] = units, values
        lst = nc.createVariable("lst", "f4", ("time", "lat", "lon"))
        lst.units = "K"
        lst[:] = 290 + 12 * season[:, None, None] + rng.normal(0, 1, (len(times), 3, 4))
        ndvi = nc.createVariable("ndvi", "f4", ("time", "lat", "lon"))
        ndvi.units = "1"
        ndvi[:] = 0.5 + 0.2 * season[:, None, None] + rng.normal(0, 0.05, (len(times), 3, 4))
    return path


def test_the_anomaly_map_and_every_warning_name_the_climatology_metrics_json_holds(tmp_path, monkeypatch, caplog):
    """break35a A5: the run keys its climatology by its whole axis's usual step (16-day
    revisits); the anomaly correlation map's caption and the warnings said while the run
    directory was written keyed it by the test block's times alone (Landsat 8 and 9 together:
    "14-day"). Drawn by the run and again by `climann plot`, the caption names what metrics.json
    holds, and no message names another period."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from climann.evaluation.baselines import season_name
    from climann.evaluation.figures import maps
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    path = _revisit_composites(tmp_path / "revisits.nc")
    captions = []

    def captioned(figure, where, dpi):
        if "anomaly_correlation" in str(where):
            captions.extend(axis.get_title() for axis in figure.axes if axis.get_title())
        return unsaved(figure, where, dpi)

    def unsaved(figure, where, dpi):  # every figure drawn (what it says is computed), none written: no test looks
        plt.close(figure)
        return Path(where)

    monkeypatch.setattr(maps, "_save", captioned)
    monkeypatch.setattr(plots, "_save", unsaved)
    config = build_config({"data": {"paths": [str(path)], "target": "lst", "predictors": ["ndvi"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"dpi": 40}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
        redraw_figures(run_dir, dpi=40)
    said = [record.getMessage() for record in caplog.records]
    per = json.loads((run_dir / "metrics.json").read_text())["climatology_per"]
    assert per == "16-day period of the year"
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as run:
        test = run["time"].values[split_labels(run["split"]) == "test"]
    assert season_name(test) != per  # the test block alone suggests another period
    assert len(captions) == 2  # drawn by the run, then by climann plot
    assert all(f"years' mean of each {per}" in " ".join(caption.split()) for caption in captions), captions
    periods = {found for message in said for found in re.findall(r"[\d.]+-day period of the year", message)}
    assert periods == {per}

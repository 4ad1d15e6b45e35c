"""Tests for climann/evaluation/figures/runs.py: the figures of a run on a grid of one cell."""

import dataclasses
import json
import logging

import cftime
import numpy as np
import pytest

from climann.data.layout import Coordinate, GridLayout
from climann.evaluation.figures import draw_figures, plots, redraw_figures
from climann.evaluation.predictions import predictions_dataset, write_predictions

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

"""Every figure of a run: drawn after training, or redrawn later from the run directory's files."""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.grids import geographic_grid, grid_mapping_of
from climann.data.layout import Coordinate, GridLayout
from climann.errors import ClimannError
from climann.evaluation.predictions import PREDICTED_SUFFIX, split_labels
from climann.evaluation.report import group_block, write_report
from climann.evaluation.scores import area_mean_series
from climann.evaluation.baselines import climatology_prediction
from climann.evaluation.figures.maps import (
    plot_anomaly_correlation_map,
    plot_error_maps,
    plot_mean_truth_prediction_error,
    plot_spread_map,
    plot_truth_prediction_error,
)
from climann.evaluation.figures.plots import (
    plot_area_mean_series,
    plot_learning_curves,
    plot_predicted_vs_observed,
    plot_skill_by_group,
)
from climann.evaluation.figures.style import ENSEMBLE_FIGURE_FILES, FIGURE_FILES, METRICS_FIGURE_FILES


#: The ``<target>_*`` variables of a predictions file that are not a baseline's prediction.
NOT_BASELINES = ("pred", "error", "extrapolated", "spread")


def _area_means(layout: GridLayout, truth: np.ndarray, predictions: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Area-weighted mean of each time step of the truth and of every prediction, all taken
    on the cells where the truth and the network's prediction are both present."""
    area = layout.cell_area_weights()
    common = np.isfinite(truth) & np.isfinite(predictions["model"])
    grids = {"truth": truth, **predictions}
    return {label: area_mean_series(np.where(common, grid, np.nan), area) for label, grid in grids.items()}


def draw_figures(
    layout: GridLayout,
    truth: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    split_labels: Sequence[str],
    history_train: Sequence[float],
    history_val: Sequence[float],
    *,
    loss_name: str,
    directory: str | Path,
    dpi: int = 150,
    climatology: np.ndarray | None = None,
    member_losses: Sequence[tuple[Sequence[float], Sequence[float]]] | None = None,
    area_mean_series: bool = True,
) -> list[Path]:
    """Draw every figure of a run into ``directory`` (names in :data:`FIGURE_FILES`).

    The test block's figures: maps of its middle time step and of its mean, error maps,
    predicted versus observed; then the learning curves (left out when ``history_train``
    is empty), the area-mean series over all time steps and the map of the anomaly
    correlation over the test block (left out without a climatology).

    Parameters
    ----------
    layout : GridLayout
    truth : ndarray, shape (n_time, n_lat, n_lon)
    predictions : mapping of str to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` (the network) and any baselines.
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"`` or ``""``.
    history_train, history_val : sequence of float
        The loss per epoch.
    loss_name : str
    directory : str or Path
        An existing folder.
    dpi : int
    climatology : ndarray, shape (n_time, n_lat, n_lon), optional
        The training years' climatology of each step, the reference of the anomalies;
        default: ``predictions["climatology"]``, else computed from the truth of the steps
        labelled ``"train"`` (none: no anomaly correlation map).
    member_losses : sequence of (train_loss, val_loss), optional
        An ensemble's members' losses per epoch: the learning curves show each member
        (:func:`~climann.evaluation.figures.plots.plot_learning_curves`).
    area_mean_series : bool, default True
        Draw the area-mean series from these grids. False when the caller draws it over
        more time steps than it passes here (a run evaluated chunk by chunk passes the test
        block's grids only, and has the area means of every step).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ClimannError
        If no time step is labelled ``"test"``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    labels = np.asarray(split_labels, dtype=str)
    test = labels == "test"
    if not test.any():
        raise ClimannError("no time step is in the test split: nothing to draw the test figures from")
    model, name, units = predictions["model"], layout.target_name, layout.target_units
    test_steps = np.flatnonzero(test)
    paths = [
        plot_truth_prediction_error(layout, truth, model, time_index=int(test_steps[len(test_steps) // 2]),
                                    split="test", path=directory / FIGURE_FILES["map"], dpi=dpi),
        plot_mean_truth_prediction_error(layout, truth, model, time_steps=test, split="test",
                                         path=directory / FIGURE_FILES["mean_map"], dpi=dpi),
        plot_error_maps(layout, truth, model, time_steps=test, split="test",
                        path=directory / FIGURE_FILES["error_maps"], dpi=dpi),
        plot_predicted_vs_observed(model[test], truth[test], units=units, name=name, split="test",
                                   path=directory / FIGURE_FILES["predicted_vs_observed"], dpi=dpi),
    ]
    if len(history_train):
        paths.append(plot_learning_curves(history_train, history_val, loss_name=loss_name,
                                          path=directory / FIGURE_FILES["learning_curves"], dpi=dpi,
                                          member_losses=member_losses))
    if area_mean_series:
        paths.append(plot_area_mean_series(layout.time.values, _area_means(layout, truth, predictions), units=units,
                                           name=name, split_labels=labels,
                                           path=directory / FIGURE_FILES["area_mean_series"], dpi=dpi))
    if climatology is None:
        climatology = predictions.get("climatology")
    if climatology is None and (labels == "train").any():
        climatology = climatology_prediction(truth, layout.time.values, labels == "train")
    if climatology is not None:
        paths.append(plot_anomaly_correlation_map(layout, truth, model, climatology, time_steps=test, split="test",
                                                  path=directory / FIGURE_FILES["anomaly_correlation_map"], dpi=dpi))
    return paths


def draw_skill_figure(metrics: dict, *, directory: str | Path, dpi: int = 150) -> list[Path]:
    """The figure of skill by season and region (:func:`plot_skill_by_group`) of the test
    block (the last block scored when there is none), as a list: empty when there is
    nothing to draw."""
    block = group_block(metrics)
    if block is None:
        return []
    path = Path(directory) / METRICS_FIGURE_FILES["skill_by_group"]
    path.parent.mkdir(parents=True, exist_ok=True)
    drawn = plot_skill_by_group(metrics, block=block, path=path, dpi=dpi)
    return [drawn] if drawn else []


def _open_predictions(path: Path) -> xr.Dataset:
    if not path.is_file():
        raise ClimannError(f"{path} not found: give a run directory written by `climann train`")
    return xr.open_dataset(path, engine="netcdf4", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))


def _target_name(dataset: xr.Dataset, path: Path) -> str:
    """The variable that has a ``<name>_pred`` twin."""
    names = [str(name) for name in dataset.data_vars if f"{name}_pred" in dataset.data_vars]
    if len(names) != 1:
        raise ClimannError(f"{path} is not a climann predictions file: no single variable with a '_pred' twin")
    return names[0]


def layout_from_predictions(dataset: xr.Dataset, target: str) -> GridLayout:
    """The grid of a predictions dataset, enough to draw its figures (no 1-D bounds, no
    files); on a curvilinear grid with its 2-D latitude and longitude.

    Parameters
    ----------
    dataset : xarray.Dataset
        As written by :func:`climann.evaluation.predictions.write_predictions`, times decoded
        to cftime; the truth ``<target>`` may be absent (a ``climann predict`` output for
        data without the target): the grid and attributes are then those of ``<target>_pred``.
    target : str
        The target variable.

    Returns
    -------
    GridLayout
    """
    field = target if target in dataset else f"{target}_pred"
    time_name = str(dataset["split"].dims[0]) if "split" in dataset else find_coordinate(dataset, "time")
    names = (time_name, find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude"))
    time, latitude, longitude = (
        Coordinate(name, dataset[name].values, dict(dataset[name].attrs)) for name in names
    )
    encoding = dataset[time_name].encoding
    mapping = grid_mapping_of(dataset, field)
    attrs = dict(dataset[field].attrs)
    if field != target and "long_name" in attrs:  # the quantity's name, as the truth's would be
        attrs["long_name"] = str(attrs["long_name"]).removesuffix(PREDICTED_SUFFIX)
        if attrs["long_name"] == target:
            del attrs["long_name"]
    return GridLayout(
        time=time, latitude=latitude, longitude=longitude,
        geographic=geographic_grid(dataset, names[1:], mapping), grid_mapping=mapping,
        index_dims=tuple(name for name in names[1:] if name not in dataset.coords),
        time_units=str(encoding.get("units", "")), calendar=str(encoding.get("calendar", "standard")),
        file_dims=tuple(str(dim) for dim in dataset[field].dims),
        target_name=target, target_attrs=attrs,
    )


def _read_history(path: Path) -> tuple[list[float], list[float]]:
    """Training and validation loss per epoch from ``history.csv`` (NaN where blank); empty
    when there is no such file."""
    if not path.is_file():
        return [], []
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    number = lambda text: float(text) if text not in (None, "") else float("nan")  # noqa: E731
    return [number(row.get("train_loss")) for row in rows], [number(row.get("val_loss")) for row in rows]


def _loss_name(run_dir: Path) -> str:
    """The training loss from ``config.toml`` ([training] loss), else ``metrics.json``, else 'loss'."""
    try:
        return str(tomllib.loads((run_dir / "config.toml").read_text())["training"]["loss"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        pass
    try:
        return str(json.loads((run_dir / "metrics.json").read_text())["loss"])
    except (OSError, KeyError, TypeError, ValueError):
        return "loss"


def _ensemble_size(spread: xr.DataArray) -> int | None:
    """The members of ``<target>_spread``, from its long_name ("… of the 5 members)")."""
    import re

    match = re.search(r"of the (\d+) members", str(spread.attrs.get("long_name", "")))
    return int(match.group(1)) if match else None


def redraw_figures(run_dir: str | Path, *, dpi: int = 150) -> list[Path]:
    """Draw a run's figures again from its files, into ``run_dir/figures/``, and write
    ``report.md`` again with links to them (when ``metrics.json`` is there).

    Reads ``predictions.nc`` (truth, prediction, baselines, splits; an ensemble's spread, for
    its map), ``history.csv`` (the learning curves; an ensemble's first member's) and
    ``config.toml`` (the loss's name).

    Parameters
    ----------
    run_dir : str or Path
        A run directory written by ``climann train``.
    dpi : int

    Returns
    -------
    list of Path
        The figures written.

    Raises
    ------
    ClimannError
        If ``run_dir`` has no readable predictions file.
    """
    run_dir = Path(run_dir)
    path = run_dir / "predictions.nc"
    with _open_predictions(path) as dataset:
        target = _target_name(dataset, path)
        layout = layout_from_predictions(dataset, target)
        dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
        grid = lambda name: dataset[name].transpose(*dims).values.astype(np.float64)  # noqa: E731
        baselines = [str(n)[len(target) + 1:] for n in dataset.data_vars
                     if str(n).startswith(f"{target}_") and str(n)[len(target) + 1:] not in NOT_BASELINES]
        predictions = {"model": grid(f"{target}_pred"), **{b: grid(f"{target}_{b}") for b in baselines}}
        truth, labels = grid(target), split_labels(dataset["split"])
        spread = grid(f"{target}_spread") if f"{target}_spread" in dataset else None
        n_members = _ensemble_size(dataset[f"{target}_spread"]) if spread is not None else None
    train_loss, val_loss = _read_history(run_dir / "history.csv")
    (run_dir / "figures").mkdir(exist_ok=True)
    figures = draw_figures(layout, truth, predictions, labels, train_loss, val_loss,
                           loss_name=_loss_name(run_dir), directory=run_dir / "figures", dpi=dpi)
    try:
        metrics = json.loads((run_dir / "metrics.json").read_text())
    except (OSError, ValueError):
        metrics = None
    if isinstance(metrics, dict):
        figures += draw_skill_figure(metrics, directory=run_dir / "figures", dpi=dpi)
        n_members = (metrics.get("ensemble") or {}).get("size", n_members)
    if spread is not None and (labels == "test").any():
        figures.append(plot_spread_map(layout, spread, truth, predictions["model"], n_members=n_members,
                                       time_steps=labels == "test", split="test",
                                       path=run_dir / "figures" / ENSEMBLE_FIGURE_FILES["spread_map"], dpi=dpi))
    write_report(run_dir)  # its links to the figures
    return figures


"""Maps: truth, prediction and error for a time step or a period; RMSE and bias per cell."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator, MultipleLocator

from climann.data.layout import GridLayout
from climann.evaluation.coastlines import draw_coastlines
from climann.evaluation.metrics import nanmean_over_time
from climann.evaluation.scores import cell_scores
from climann.evaluation.figures.style import (
    ERROR_COLORMAP,
    NO_DATA_COLOR,
    RMSE_COLORMAP,
    VALUE_COLORMAP,
    _cell_edges,
    _period,
    _save,
    _with_units,
    symmetric_limit,
    value_limits,
)


class MapPanel(NamedTuple):
    """One map of a figure: what it shows, and its colours."""

    title: str
    field: np.ndarray  # (n_lat, n_lon)
    cmap: str
    vmin: float
    vmax: float
    label: str  # the colorbar's, with units


def _degree_step(extent: float) -> float:
    """A tick spacing in degrees that gives at most about 7 ticks."""
    return next((step for step in (1, 2, 5, 10, 15, 30, 45, 60, 90) if extent / step <= 7), 90)


def _draw_map(figure: plt.Figure, axis: plt.Axes, layout: GridLayout, panel: MapPanel) -> None:
    """One map on ``axis``: cells, coastlines, degree axes, a colorbar below it."""
    lon_edges, lat_edges = _cell_edges(layout.longitude.values), _cell_edges(layout.latitude.values)
    axis.set_facecolor(NO_DATA_COLOR)
    mesh = axis.pcolormesh(
        lon_edges, lat_edges, np.ma.masked_invalid(panel.field), shading="flat",
        cmap=panel.cmap, vmin=panel.vmin, vmax=panel.vmax,
    )
    axis.set_xlim(lon_edges.min(), lon_edges.max())
    axis.set_ylim(lat_edges.min(), lat_edges.max())  # north up, whatever the file's order
    draw_coastlines(axis, lon_edges, lat_edges)
    axis.xaxis.set_major_locator(MultipleLocator(_degree_step(np.ptp(lon_edges))))
    axis.yaxis.set_major_locator(MultipleLocator(_degree_step(np.ptp(lat_edges))))
    axis.set_aspect("equal")
    axis.set_title(panel.title)
    axis.set_xlabel("longitude (°E)")
    axis.set_ylabel("latitude (°N)")
    extend = "both" if panel.vmin < 0 < panel.vmax else "max" if panel.vmin == 0 else "neither"
    colorbar = figure.colorbar(mesh, ax=axis, orientation="horizontal", shrink=0.85, aspect=30,
                               label=panel.label, extend=extend)
    colorbar.ax.xaxis.set_major_locator(MaxNLocator(nbins=6, symmetric=panel.vmin == -panel.vmax))


def _map_figure_size(layout: GridLayout, n_panels: int) -> tuple[float, float]:
    """Inches for a row of maps: each map about 2.3 in high and as wide as its aspect asks,
    plus room for the latitude axis (beside) and titles and colorbar (above and below), so
    colorbars are as wide as their maps and titles clear of each other, globally and regionally."""
    lon_extent, lat_extent = (np.ptp(_cell_edges(c.values)) for c in (layout.longitude, layout.latitude))
    ratio = lon_extent / lat_extent if lat_extent > 0 else 1.0
    width = float(np.clip(2.3 * ratio, 2.2, 6.0))
    height = float(np.clip(width / ratio, 1.2, 5.0))
    return (width + 0.9) * n_panels, height + 2.1


def _map_figure(layout: GridLayout, panels: Sequence[MapPanel], *, title: str, path: str | Path, dpi: int) -> Path:
    """A row of maps with one title; grey cells are noted in it when there are any."""
    figure, axes = plt.subplots(1, len(panels), figsize=_map_figure_size(layout, len(panels)),
                                layout="constrained", squeeze=False)
    for axis, panel in zip(axes[0], panels):
        _draw_map(figure, axis, layout, panel)
    if any(np.isnan(panel.field).any() for panel in panels):
        title += "\n(grey: no data)"
    figure.suptitle(title)
    return _save(figure, path, dpi)


def _truth_prediction_error_panels(
    layout: GridLayout, truth_map: np.ndarray, predicted_map: np.ndarray
) -> list[MapPanel]:
    """Truth and prediction on one colour scale, error (prediction − truth) zero-centred."""
    name, units = layout.target_name, layout.target_units
    low, high = value_limits(truth_map, predicted_map)
    error_map = predicted_map - truth_map
    limit = symmetric_limit(error_map)
    return [
        MapPanel("truth", truth_map, VALUE_COLORMAP, low, high, _with_units(name, units)),
        MapPanel("prediction", predicted_map, VALUE_COLORMAP, low, high, _with_units(name, units)),
        MapPanel("error (prediction − truth)", error_map, ERROR_COLORMAP, -limit, limit,
                 _with_units(f"{name} error", units)),
    ]


def _variable_title(layout: GridLayout) -> str:
    """'tas (Near-Surface Air Temperature)', or the name alone."""
    long_name = layout.target_attrs.get("long_name")
    return f"{layout.target_name} ({long_name})" if long_name else layout.target_name


def plot_truth_prediction_error(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_index: int,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Three maps for one time step: truth, prediction and error (prediction − truth).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
        NaN where there is no data.
    time_index : int
        Which time step to draw.
    split : str
        The block the time step belongs to, named in the title.
    path : str or Path
        The PNG to write (atomically).
    dpi : int

    Returns
    -------
    Path
    """
    when = layout.time.values[time_index].strftime("%Y-%m-%d")
    panels = _truth_prediction_error_panels(layout, truth[time_index], predicted[time_index])
    title = f"{_variable_title(layout)} on {when}, {split} split: truth, prediction and error"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)


def plot_mean_truth_prediction_error(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_steps: np.ndarray,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Three maps of the mean over a block of time: truth, prediction and their difference.

    Both means are taken where truth and prediction are both present, so that the third map
    is exactly the mean error (the bias) of each cell.

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
    time_steps : ndarray of bool, shape (n_time,)
        The block's time steps.
    split : str
        The block's name, for the title.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    both = np.isfinite(truth) & np.isfinite(predicted)
    truth_mean = nanmean_over_time(np.where(both, truth, np.nan)[time_steps])
    predicted_mean = nanmean_over_time(np.where(both, predicted, np.nan)[time_steps])
    panels = _truth_prediction_error_panels(layout, truth_mean, predicted_mean)
    period = _period([time.year for time in layout.time.values[time_steps]])
    title = f"{_variable_title(layout)}, mean over {period}, {split} split: truth, prediction and error"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)


def plot_error_maps(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_steps: np.ndarray,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Two maps of each cell's errors over a block of time: RMSE (from 0) and bias (zero-centred).

    RMSE = √(mean (ŷ − y)²) and bias = mean (ŷ − y) over the block's time steps where both
    are present (:func:`climann.evaluation.scores.cell_scores`).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
    time_steps : ndarray of bool, shape (n_time,)
    split : str
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    name, units = layout.target_name, layout.target_units
    scores = cell_scores(predicted[time_steps], truth[time_steps])
    limit = symmetric_limit(scores["bias"])
    panels = [
        MapPanel("RMSE", scores["rmse"], RMSE_COLORMAP, 0.0, value_limits(scores["rmse"])[1],
                 _with_units(f"{name} RMSE", units)),
        MapPanel("bias (mean of prediction − truth)", scores["bias"], ERROR_COLORMAP, -limit, limit,
                 _with_units(f"{name} bias", units)),
    ]
    period = _period([time.year for time in layout.time.values[time_steps]])
    title = f"{_variable_title(layout)}: error of each grid cell over {period}, {split} split"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)



"""The figures of ``climann explain``: permutation importance as bars and as maps per grid
cell, partial dependence with its ICE quantiles (:mod:`climann.evaluation.importance`).

Each function draws from the content of ``importance.json`` or ``partial_dependence.json``
(and the maps from their grids), writes one PNG atomically and returns its path."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from climann.data.layout import GridLayout
from climann.data.shell import wrapped_lines
from climann.evaluation.cell_measures import recorded_weighting
from climann.evaluation.figures.maps import MapPanel, _draw_map, _map_figure_size
from climann.evaluation.figures.style import ERROR_COLORMAP, _figure, _save, symmetric_limit
from climann.data.units import in_parentheses
from climann.data.units import shown_squared_units

#: Panels per row of the maps and of the partial-dependence curves.
COLUMNS = 3


def input_label(name: str, columns: Sequence[str]) -> str:
    """An input as the bars name it: "orog", or with its columns when they are other than its
    name: "tas (tas_lag1, tas_lag12)", "season (season_sin, season_cos)"."""
    if list(columns) == [name]:
        return name
    shown = ", ".join(columns[:3]) + (f", … {len(columns) - 3} more" if len(columns) > 3 else "")
    return f"{name} ({shown})"


def _with(text: str, units: str) -> str:
    return f"{text} {in_parentheses(units)}" if units else text


def plot_importance_bars(importance: dict, *, path: str | Path, dpi: int = 150) -> Path:
    """Horizontal bars of each input's mean MSE increase, most important on top, with the
    standard deviation over the repeats as error bars.

    Parameters
    ----------
    importance : dict
        The content of ``importance.json`` (``inputs`` ranked, ``units``, ``period`` …).
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    inputs = importance["inputs"]
    names = [input_label(entry["name"], entry["columns"]) for entry in inputs]
    means = np.array([entry["mse_increase_mean"] for entry in inputs], dtype=np.float64)
    stds = np.array([entry["mse_increase_std"] for entry in inputs], dtype=np.float64)
    figure = _figure(figsize=(7.0, 1.2 + 0.45 * len(inputs)), layout="constrained")
    axis = figure.subplots()
    positions = np.arange(len(inputs))[::-1]
    axis.barh(positions, means, xerr=stds, color="tab:blue", ecolor="black", capsize=3)
    axis.axvline(0.0, color="black", linewidth=0.8)
    axis.set_yticks(positions, names)
    units = shown_squared_units(importance["units"])
    axis.set_xlabel(f"increase of the test MSE ({units}), {recorded_weighting(importance)}" if units
                    else f"increase of the test MSE, {recorded_weighting(importance)}")
    baseline = f"{importance['baseline_mse']:.3g}" + (f" {units}" if units else "")
    axis.set_title(
        f"{importance['target']}: permutation importance, test split {importance['period']}\n"
        f"(mean ± standard deviation over {importance['repeats']} permutations;\nthe MSE unpermuted is {baseline})"
    )
    return _save(figure, path, dpi)


def plot_importance_maps(
    layout: GridLayout, maps: np.ndarray, names: Sequence[str], importance: dict, *, path: str | Path,
    dpi: int = 150,
) -> Path:
    """A map per input of the MSE increase of each grid cell when that input is permuted,
    in the order of ``importance.json`` (most important first). Each map has its own
    zero-centred colour scale (a cell may also improve when an input is shuffled): one scale
    for all would leave the less important inputs blank, and their ranking is in the bars.

    Parameters
    ----------
    layout : GridLayout
    maps : ndarray, shape (n_inputs, n_lat, n_lon)
        In the order of ``names``; NaN where the cell has no test sample.
    names : sequence of str
    importance : dict
        The content of ``importance.json``.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    ranked = [entry["name"] for entry in importance["inputs"]]
    units = shown_squared_units(importance["units"])
    n_columns = min(COLUMNS, len(ranked))
    n_rows = math.ceil(len(ranked) / n_columns)
    width, height = _map_figure_size(layout, n_columns)
    figure = _figure(figsize=(width, height * n_rows), layout="constrained")
    axes = figure.subplots(n_rows, n_columns, squeeze=False)
    for axis, entry in zip(axes.flat, importance["inputs"]):
        title = f"{entry['rank']}. {entry['name']}: {entry['mse_increase_mean']:.3g} ± {entry['mse_increase_std']:.3g}"
        field = maps[list(names).index(entry["name"])]
        limit = symmetric_limit(field)
        panel = MapPanel(title, field, ERROR_COLORMAP, -limit, limit, _with("MSE increase", units))
        _draw_map(figure, axis, layout, panel)
    for axis in axes.flat[len(ranked):]:
        axis.set_visible(False)
    title = (f"{importance['target']}: where each input matters — increase of each cell's MSE over the test split "
             f"{importance['period']} when the input is permuted (mean of {importance['repeats']} permutations; "
             "each map its own colour scale; grey: no test sample)")
    # about 11 characters per inch, so that a figure of one map does not cut the title off
    figure.suptitle("\n".join(wrapped_lines(title, max(40, int(11 * width)))))
    return _save(figure, path, dpi)


def _samples_text(dependence: dict) -> str:
    """The samples a partial dependence file's curves are of, for its figure's title: "20240
    samples", or "mean of 20240 samples, ICE of 5000 drawn" when the ICE quantiles are of fewer
    (a file without ``average_n_samples``, of before 2 Dec 2026, averaged the drawn ones too:
    "5000 of 20240 samples")."""
    drawn, total = dependence["n_samples"], dependence["of_samples"]
    if drawn == total:
        return f"{total} samples"
    if dependence.get("average_n_samples") == total:
        return f"mean of {total} samples, ICE of {drawn} drawn"
    return f"{drawn} of {total} samples"


def plot_partial_dependence(dependence: dict, *, path: str | Path, dpi: int = 150) -> Path:
    """A panel per predictor: the partial dependence (mean prediction over every test sample,
    weighted as the run's scores weigh the cells) against the predictor's value in its units,
    with the 10–90 % band and median of the ICE curves (of the samples drawn, when there are more than 5000). When
    ``dependence["quantity"]`` is ``"anomaly"`` (a ``[data] target_anomaly`` run) the curves
    are of the anomaly the network adds to the climatology, and the axis says so.

    Parameters
    ----------
    dependence : dict
        The content of ``partial_dependence.json``.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    curves = dependence["predictors"]
    n_columns = max(1, min(COLUMNS, len(curves)))
    n_rows = max(1, math.ceil(len(curves) / n_columns))
    figure = _figure(figsize=(4.2 * n_columns, 3.4 * n_rows + 0.6), layout="constrained")
    axes = figure.subplots(n_rows, n_columns, squeeze=False)
    quantiles = dependence["quantiles"]
    low, high = f"{min(quantiles):g}", f"{max(quantiles):g}"
    anomaly = dependence.get("quantity") == "anomaly"
    quantity = (f"{dependence['target']} anomaly added to the climatology" if anomaly
                else f"predicted {dependence['target']}")
    for axis, curve in zip(axes.flat, curves):
        grid = np.asarray(curve["grid"], dtype=np.float64)
        band = curve["ice_quantiles"]
        axis.fill_between(grid, band[low], band[high], color="tab:blue", alpha=0.2,
                          label=f"ICE {100 * float(low):g}–{100 * float(high):g} %")
        if "0.5" in band:
            axis.plot(grid, band["0.5"], color="tab:blue", linestyle="--", linewidth=1.0, label="ICE median")
        axis.plot(grid, curve["average"], color="black", linewidth=1.8, marker=".", label="partial dependence")
        axis.set_xlabel(_with(curve["name"], curve["units"]))
        axis.set_ylabel(_with(quantity, dependence["units"]), **({"fontsize": "small"} if anomaly else {}))
        axis.grid(alpha=0.3)
    for axis in axes.flat[len(curves):]:
        axis.set_visible(False)
    if curves:
        axes.flat[0].legend(fontsize="small")
    title = (f"{dependence['target']}{' anomaly' if anomaly else ''}: partial dependence on each predictor, "
             f"test split {dependence['period']} ({_samples_text(dependence)})")
    # about 11 characters per inch: one panel is too narrow for the title on one line
    figure.suptitle("\n".join(wrapped_lines(title, max(40, int(11 * 4.2 * n_columns)))))
    return _save(figure, path, dpi)

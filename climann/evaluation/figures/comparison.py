"""The figure of ``climann compare``: several runs' learning curves beside their test scores.

Left, each run's loss J after each epoch (validation solid, training dashed) on a log scale;
right, each run's test MSE as a bar, with the climatology's test MSE of that run as a black
tick and the MSE skill score MSESS = 1 − MSE/MSE_clim written beyond both (the legend in a band
above the top bar, so that nothing overlaps). One colour per run in both panels, and one marker per
run on its curves; a run whose curves are those of a run drawn before it (the same seed and data,
:func:`coinciding_runs`) is drawn beneath that run's, wider and with hollow markers, named so in the
legend and the panel's title (break51 N1: the demo and a run of the config template, the same
settings, drew one curve over the other, and one run seemed missing)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator

from climann.data.splits import compact_periods
from climann.evaluation.figures.style import _figure, _save, label_text
from climann.data.units import shown_squared_units


def plot_comparison(
    labels: Sequence[str],
    train_loss: Sequence[Sequence[float]],
    val_loss: Sequence[Sequence[float]],
    test_mse: Sequence[float | None],
    climatology_mse: Sequence[float | None],
    skill: Sequence[float | None],
    *,
    loss_names: Sequence[str],
    learned: Sequence[str] | None = None,
    target: str,
    units: str,
    period: str,
    path: str | Path,
    dpi: int = 150,
    weighting: str = "area-weighted",
) -> Path:
    """Learning curves and test MSE of several runs side by side.

    Parameters
    ----------
    labels : sequence of str
        The runs' names, one per run (n_runs).
    train_loss, val_loss : sequence of sequences of float
        Each run's loss J per epoch (epoch 1 first; NaN where missing), from ``history.csv``.
    test_mse, climatology_mse, skill : sequence of float or None, length n_runs
        Each run's test MSE of the network and of the climatology (in ``units`` squared), and
        its MSESS = 1 − MSE/MSE_clim; None where undefined (not drawn).
    loss_names : sequence of str
        Each run's training loss (``mse``, …), named on the y axis.
    learned : sequence of str, optional
        What each run's network learns (``"the target"``, ``"the target's anomaly"`` …; see
        :func:`climann.workflow.compare.learned_quantity`). When the runs differ, their losses
        are of different standardised quantities: the curves panel says so under its title.
    target, units, period : str
        The target, its units and the test block's years, for the titles.
    path : str or Path
    dpi : int
    weighting : str
        How the test MSEs weigh the cells, for the x axis (``area-weighted``, ``weighted by cell area ×
        land_area_fraction (sftlf)``, :func:`climann.evaluation.cell_measures.weighting_text`).

    Returns
    -------
    Path
    """
    n_runs = len(labels)
    colors = colormaps["tab10" if n_runs <= 10 else "tab20"](np.arange(n_runs) % (10 if n_runs <= 10 else 20))
    figure = _figure(figsize=(12, 1.5 + max(3.5, 0.45 * n_runs)), layout="constrained")
    curves, bars = figure.subplots(1, 2, width_ratios=(1.4, 1))
    same = coinciding_runs(train_loss, val_loss)
    for index, (label, train, val, color) in enumerate(zip(labels, train_loss, val_loss, colors)):
        _plot_run_curves(curves, label, train, val, color=color, marker=RUN_MARKERS[index % len(RUN_MARKERS)],
                         under=None if same[index] is None else labels[same[index]])
    curves.set_yscale("log")
    curves.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    curves.set_xlabel("epoch")
    names = ", ".join(sorted(set(loss_names)))
    curves.set_ylabel(f"loss J ({names}) of the standardised target")
    coinciding = "; ".join(f"{labels[index]}'s are {labels[first]}'s" for index, first in enumerate(same)
                           if first is not None)
    curves.set_title("Learning curves: validation (solid) and training (dashed) loss" + (
        f"\nthe same curves, drawn wider beneath: {coinciding}" if coinciding else ""))
    if learned is not None and len(set(learned)) > 1:
        curves.set_ylabel(f"loss J ({names}) of each run's standardised quantity")
        kinds = "; ".join(f"{label}: {quantity}" for label, quantity in zip(labels, learned))
        curves.text(0.5, 0.01, f"not comparable: the runs learn different quantities ({kinds})",
                    transform=curves.transAxes, ha="center", va="bottom", fontsize="small", color="firebrick",
                    wrap=True)
    curves.grid(True, which="both", alpha=0.3)
    curves.legend(fontsize="small", ncol=1 if n_runs <= 6 else 2)

    positions = np.arange(n_runs)[::-1]
    mse = np.array([np.nan if value is None else value for value in test_mse], dtype=np.float64)
    bars.barh(positions, np.nan_to_num(mse), color=colors)
    reference = np.array([np.nan if value is None else value for value in climatology_mse], dtype=np.float64)
    shown = np.isfinite(reference)
    if shown.any():
        bars.plot(reference[shown], positions[shown], "|", color="black", markersize=22, markeredgewidth=2.5,
                  label="climatology's test MSE")
        # in a band kept free above the top bar: "lower right" covered the last bar (break35b D1)
        bars.set_ylim(-0.6, n_runs - 0.6 + LEGEND_BAND)
        bars.legend(loc="upper right", fontsize="small")
    scores = []
    for position, value, tick, score in zip(positions, mse, reference, skill):
        if np.isfinite(value):  # 3 digits each, the zeros of a rounding kept (break47e B2: 20 beside 17.8)
            text = f" {label_text(float(value))}" + ("" if score is None else f"  MSESS {score:.2f}")
            after = np.nanmax([value, tick])  # beyond the bar and its climatology tick, not under the tick
            scores.append(bars.annotate(text, (after, position), xytext=(TICK_GAP_POINTS, 0),
                                        textcoords="offset points", va="center", fontsize="small"))
    right = np.nanmax(np.concatenate([mse, reference, [0.0]]))
    bars.set_xlim(0, right if right > 0 else 1.0)
    bars.set_yticks(positions, labels)
    squared = shown_squared_units(units)
    bars.set_xlabel(f"test MSE ({squared}), {weighting}" if squared else f"test MSE, {weighting}")
    bars.set_title("Test MSE, and the MSE skill score\nagainst climatology MSESS = 1 − MSE/MSE_clim")
    figure.suptitle(f"{target}: {n_runs} runs compared, test split {compact_periods(period)}")
    bars.grid(True, axis="x", alpha=0.3)
    _room_for_texts(figure, bars, scores)
    return _save(figure, path, dpi)


#: Each run's marker on its curves, in order (then again): runs of one colour family stay told apart.
RUN_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
#: Markers on a curve of more epochs than this are drawn every few epochs, about this many.
MARKED_EPOCHS = 30


def coinciding_runs(train_loss: Sequence[Sequence[float]], val_loss: Sequence[Sequence[float]]
                    ) -> list[int | None]:
    """For each run, the first run before it whose learning curves are the same (both losses at
    every epoch, equal to a relative 1e-9, NaN where the other's is NaN), or None: the same
    settings, seed and data train the same network, and its curves would hide the other's.

    Parameters
    ----------
    train_loss, val_loss : sequence of sequences of float
        Each run's loss J per epoch, as :func:`plot_comparison` takes them.

    Returns
    -------
    list of int or None, length n_runs

    Examples
    --------
    >>> coinciding_runs([[0.5, 0.2], [0.5, 0.2], [0.5, 0.3]], [[0.4, 0.3], [0.4, 0.3], [0.4, 0.3]])
    [None, 0, None]
    """
    curves = [(np.asarray(train, dtype=np.float64), np.asarray(val, dtype=np.float64))
              for train, val in zip(train_loss, val_loss, strict=True)]
    found: list[int | None] = []
    for index, (train, val) in enumerate(curves):
        found.append(next((earlier for earlier in range(index) if found[earlier] is None
                           and _same_curve(curves[earlier][0], train) and _same_curve(curves[earlier][1], val)), None))
    return found


def _same_curve(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True))


def _plot_run_curves(curves: Axes, label: str, train: Sequence[float], val: Sequence[float], *, color: object,
                     marker: str, under: str | None) -> None:
    """One run's validation (solid) and training (dashed) curves in its colour and marker; a run
    whose curves are those of the run ``under`` (drawn before) wider, translucent and beneath it,
    with hollow markers larger than that run's, so that both show, and named so in the legend."""
    for losses, style, suffix in ((val, "-", "validation"), (train, "--", "training")):
        values = np.asarray(losses, dtype=np.float64)
        values = np.where(values > 0, values, np.nan)  # a log axis shows positive values only
        if not np.isfinite(values).any():
            continue
        width = 1.6 if suffix == "validation" else 1.0
        shown = {"markevery": max(1, int(np.ceil(values.size / MARKED_EPOCHS)))}
        if under is not None:
            shown.update(linewidth=width + 3.5, alpha=0.45, zorder=1.5, markersize=8, markerfacecolor="none",
                         markeredgewidth=1.2, label=f"{label} ({suffix}; the same as {under})")
        else:
            shown.update(linewidth=width, zorder=2.5, markersize=3.5, label=f"{label} ({suffix})")
        curves.plot(np.arange(1, values.size + 1), values, style, color=color, marker=marker, **shown)


#: The free band above the top bar that holds the legend, in bar spacings (a bar is 0.8 high).
LEGEND_BAND = 1.0
#: The gap between the end of a bar (or its climatology tick) and its text, in points.
TICK_GAP_POINTS = 4


def _room_for_texts(figure: Figure, axes: Axes, texts: Sequence[Annotation]) -> None:
    """Widen ``axes``' x range from 0 so that every text, anchored at a data x plus an offset
    in points, ends inside the axes: a text of width w (pixels, offset included) anchored at a
    needs a + w / W · R ≤ R on an axes W pixels wide showing 0 to R, so R ≥ a / (1 − w / W).
    The figure is laid out once first (constrained layout), which fixes W."""
    if not texts:
        return
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    width = axes.get_window_extent(renderer).width
    needed = [axes.get_xlim()[1]]
    for text in texts:
        start = axes.transData.transform((text.xy[0], 0.0))[0]
        share = (text.get_window_extent(renderer).x1 - start) / width
        if share < 0.9:  # a text wider than the axes cannot be helped by its range
            needed.append(text.xy[0] / (1.0 - share))
    axes.set_xlim(0, max(needed) * 1.04)

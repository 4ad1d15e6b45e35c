"""The figure of ``climann compare``: several runs' learning curves beside their test scores.

Left, each run's loss J after each epoch (validation solid, training dashed) on a log scale;
right, each run's test MSE as a bar, with the climatology's test MSE of that run as a black
tick and the MSE skill score MSESS = 1 − MSE/MSE_clim written beyond both (the legend in a band
above the top bar, so that nothing overlaps). One colour per run in both panels."""

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
    for label, train, val, color in zip(labels, train_loss, val_loss, colors):
        for losses, style, suffix in ((val, "-", "validation"), (train, "--", "training")):
            values = np.asarray(losses, dtype=np.float64)
            values = np.where(values > 0, values, np.nan)  # a log axis shows positive values only
            if np.isfinite(values).any():
                curves.plot(np.arange(1, values.size + 1), values, style, color=color,
                            marker="o" if values.size <= 30 else None, markersize=3,
                            linewidth=1.6 if suffix == "validation" else 1.0,
                            label=f"{label} ({suffix})")
    curves.set_yscale("log")
    curves.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    curves.set_xlabel("epoch")
    names = ", ".join(sorted(set(loss_names)))
    curves.set_ylabel(f"loss J ({names}) of the standardised target")
    curves.set_title("Learning curves: validation (solid) and training (dashed) loss")
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

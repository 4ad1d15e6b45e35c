"""Diagnostics that are not maps: learning curves, predicted versus observed, area-mean series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from climann.data.features import decimal_year
from climann.data.splits import compact_periods
from climann.evaluation.figures.style import (
    BLOCK_COLORS,
    SERIES_STYLES,
    _cell_edges,
    _figure,
    _period,
    _save,
    _with_units,
    label_text,
)


def plot_learning_curves(
    train_loss: Sequence[float],
    val_loss: Sequence[float],
    *,
    loss_name: str,
    path: str | Path,
    dpi: int = 150,
    member_losses: Sequence[tuple[Sequence[float], Sequence[float]]] | None = None,
    weights_epoch: int | None = None,
) -> Path:
    """Training and validation loss J after each epoch, on a log scale.

    With ``member_losses`` (an ensemble: each member's training and validation losses, in
    seed order) every member's two curves are drawn instead, thin, in the colours of
    training and validation.

    Parameters
    ----------
    train_loss, val_loss : sequence of float
        One value per epoch (epoch 1 first); NaN or a shorter ``val_loss`` where there is
        no validation loss.
    loss_name : str
        The loss function (``mse``, ``mae``, …), named in the title.
    path : str or Path
    dpi : int
    member_losses : sequence of (train_loss, val_loss), optional
    weights_epoch : int, optional
        The epoch whose weights the run kept (``model.npz``): marked on the validation curve
        (the training curve without one), so that the lowest validation loss, starred, is not
        read as the model kept when training ran on past it (no early stopping).

    Returns
    -------
    Path
    """
    if member_losses is not None and len(member_losses) > 1:
        return _plot_member_learning_curves(member_losses, loss_name=loss_name, path=path, dpi=dpi)
    figure = _figure(figsize=(7, 4.5), layout="constrained")
    axis = figure.subplots()
    marked = max(len(train_loss), len(val_loss)) <= 60  # markers on a short run only, else a blur
    for label, losses, marker in (("training", train_loss, "o"), ("validation", val_loss, "s")):
        values = np.asarray(losses, dtype=np.float64)
        values = np.where(values > 0, values, np.nan)  # a log axis shows positive values only
        if np.isfinite(values).any():  # a missing epoch leaves a gap in the line
            axis.plot(np.arange(1, values.size + 1), values, marker=marker if marked else None,
                      markersize=3.5, label=label)
    val = np.asarray(val_loss, dtype=np.float64)
    if np.isfinite(val).any():
        best = int(np.nanargmin(val))
        axis.plot(best + 1, val[best], "*", color="black", markersize=11, zorder=5,
                  label=f"lowest validation loss (epoch {best + 1})")
    _mark_weights_epoch(axis, weights_epoch, val if np.isfinite(val).any() else _positive(train_loss))
    axis.set_yscale("log")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_xlabel("epoch")
    axis.set_ylabel(f"loss J ({loss_name}, standardised target)")
    axis.set_title(f"Learning curves: loss J ({loss_name}) of the standardised target per epoch")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    return _save(figure, path, dpi)


def _mark_weights_epoch(axis: Axes, epoch: int | None, losses: np.ndarray) -> None:
    """A ring around ``losses`` at ``epoch`` (from 1): the weights the run kept."""
    if epoch is None or not 1 <= epoch <= losses.size or not np.isfinite(losses[epoch - 1]):
        return
    axis.plot(epoch, losses[epoch - 1], "o", markersize=14, markerfacecolor="none", markeredgecolor="tab:red",
              markeredgewidth=1.6, zorder=6, label=f"weights kept in model.npz (epoch {epoch})")


def _positive(losses: Sequence[float]) -> np.ndarray:
    values = np.asarray(losses, dtype=np.float64)
    return np.where(values > 0, values, np.nan)  # a log axis shows positive values only


def _plot_member_learning_curves(
    member_losses: Sequence[tuple[Sequence[float], Sequence[float]]], *, loss_name: str, path: str | Path, dpi: int,
) -> Path:
    """:func:`plot_learning_curves` of an ensemble: each member's training and validation loss."""
    figure = _figure(figsize=(7, 4.5), layout="constrained")
    axis = figure.subplots()
    n_members = len(member_losses)
    for index, (train_loss, val_loss) in enumerate(member_losses):
        for label, losses, color, style in (("training", train_loss, "tab:blue", "-"),
                                            ("validation", val_loss, "tab:orange", "--")):
            values = _positive(losses)
            if np.isfinite(values).any():
                axis.plot(np.arange(1, values.size + 1), values, color=color, linestyle=style, linewidth=1.0,
                          alpha=0.75, label=f"{label} (each of the {n_members} members)" if index == 0 else None)
    axis.set_yscale("log")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_xlabel("epoch")
    axis.set_ylabel(f"loss J ({loss_name}, standardised target)")
    axis.set_title(f"Learning curves of the {n_members} ensemble members: loss J ({loss_name}) per epoch")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    return _save(figure, path, dpi)


def plot_predicted_vs_observed(
    predicted: np.ndarray,
    truth: np.ndarray,
    *,
    units: str,
    name: str,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Density of (observed, predicted) pairs on hexagons with log counts, and the 1:1 line.

    Parameters
    ----------
    predicted, truth : ndarray, same shape (any)
        NaN where missing; pairs with a NaN are left out.
    units, name : str
        The variable's units and name, for the axes.
    split : str
        The block the values come from, for the title.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    predicted, truth = np.ravel(predicted), np.ravel(truth)
    both = np.isfinite(predicted) & np.isfinite(truth)
    x, y = truth[both], predicted[both]
    # the same range on both axes, covering every pair, so the 1:1 line is the diagonal
    low, high = (float(min(x.min(), y.min())), float(max(x.max(), y.max()))) if x.size else (0.0, 1.0)
    pad = 0.03 * (high - low) if high > low else 0.5
    low, high = low - pad, high + pad
    figure = _figure(figsize=(6.2, 5.4), layout="constrained")
    axis = figure.subplots()
    if x.size:
        cells = axis.hexbin(x, y, gridsize=90, bins="log", mincnt=1, cmap="viridis", extent=(low, high, low, high))
        figure.colorbar(cells, ax=axis, label="samples per hexagon (log scale)")
    axis.plot([low, high], [low, high], "--", color="tab:red", linewidth=1.2, label="1:1 line")
    axis.set_xlim(low, high)
    axis.set_ylim(low, high)
    axis.set_aspect("equal")
    axis.set_xlabel(_with_units(f"observed {name}", units))
    axis.set_ylabel(_with_units(f"predicted {name}", units))
    axis.set_title(f"{name}: predicted versus observed, {split} split\n({x.size:,} samples)")
    axis.legend(loc="upper left")
    axis.grid(True, alpha=0.3)
    return _save(figure, path, dpi)


def _as_numbers(times: Sequence) -> np.ndarray:
    """Times as decimal years (cftime dates, any calendar), or unchanged if already numbers."""
    values = np.asarray(times)
    return values.astype(np.float64) if values.dtype.kind in "iuf" else decimal_year(list(values))


def label_runs(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """Consecutive runs of equal labels, as (label, first index, last index + 1).

    Example
    -------
    >>> label_runs(["train", "train", "val", "test", "test"])
    [('train', 0, 2), ('val', 2, 3), ('test', 3, 5)]
    """
    runs: list[tuple[str, int, int]] = []
    for index, label in enumerate(labels):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], index + 1)
        else:
            runs.append((label, index, index + 1))
    return runs


#: Consecutive steps further apart than this many times the median step have steps missing
#: between them (a missing month, GRACE's 11-month gap; months of 28 to 31 days are 1.1 apart).
MISSING_STEP_RATIO = 1.5


def missing_step_breaks(years: np.ndarray) -> np.ndarray:
    """The indices ``i`` after which steps are missing: ``years[i + 1] − years[i]`` more than
    :data:`MISSING_STEP_RATIO` times the median step.

    Parameters
    ----------
    years : ndarray, shape (n_time,)
        Decimal years, increasing.

    Returns
    -------
    ndarray of int
        Empty for fewer than three steps (no median step to compare with).

    Examples
    --------
    >>> missing_step_breaks(np.array([2000.0, 2000.1, 2000.2, 2000.5, 2000.6])).tolist()
    [2]
    """
    steps = np.diff(np.asarray(years, dtype=np.float64))
    if steps.size < 2:
        return np.zeros(0, dtype=int)
    return np.flatnonzero(steps > MISSING_STEP_RATIO * np.median(steps))


def _with_gaps(years: np.ndarray, values: np.ndarray, breaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``years`` and ``values`` with a NaN value midway in each gap after ``breaks``
    (:func:`missing_step_breaks`): a line drawn through them stops at the missing steps
    (break44d A8: truth, model and climatology ran straight across GRACE's 11-month gap)."""
    years = np.asarray(years, dtype=np.float64)
    middles = (years[breaks] + years[breaks + 1]) / 2
    return (np.insert(years, breaks + 1, middles),
            np.insert(np.asarray(values, dtype=np.float64), breaks + 1, np.nan))


def _shade_blocks(axes: Sequence[Axes], years: np.ndarray, split_labels: Sequence[str]) -> None:
    """Shade the validation and test blocks, from half a step before to half a step after;
    beside missing steps (:func:`missing_step_breaks`) half the median step, not half the gap
    (break44d A8: the val block after GRACE's gap was shaded from its middle, 5 months early)."""
    years = np.asarray(years, dtype=np.float64)
    edges = _cell_edges(years) if years.size else years
    starts, ends = edges[:-1].copy(), edges[1:].copy()
    breaks = missing_step_breaks(years)
    if breaks.size:
        half = np.median(np.diff(years)) / 2
        ends[breaks] = years[breaks] + half
        starts[breaks + 1] = years[breaks + 1] - half
    labelled: set[str] = set()
    for label, first, stop in label_runs(list(split_labels)):
        if label not in BLOCK_COLORS:
            continue
        for axis in axes:
            axis.axvspan(starts[first], ends[stop - 1], color=BLOCK_COLORS[label], alpha=0.12, linewidth=0,
                         label=None if label in labelled or axis is not axes[0] else f"{label} block")
        labelled.add(label)


def plot_area_mean_series(
    times: Sequence,
    series: Mapping[str, np.ndarray],
    *,
    units: str,
    name: str,
    split_labels: Sequence[str],
    path: str | Path,
    dpi: int = 150,
    point: str | None = None,
) -> Path:
    """Area-weighted mean over time of the truth, the model and the baselines, with the
    difference of each prediction from the truth below; on a grid of one cell (``point``),
    that cell's values, and the title and axis say so rather than "area-weighted mean".

    The lower panel draws ``series[label] − series["truth"]`` as given: pass the series of
    :func:`~climann.evaluation.scores.compared_area_means`, whose predictions are compared with
    the truth on the cells where both are present, so that the difference is the area mean of
    each prediction's error (not a difference of means over different cells when a baseline
    lacks some, as persistence where sea ice has just melted). A long sub-daily series is drawn
    as daily means, and the title says so (:func:`dense_series_drawn`).

    Parameters
    ----------
    times : sequence of cftime.datetime (or decimal years), length n_time
    series : mapping of str to ndarray, shape (n_time,)
        ``"truth"`` and ``"model"`` plus any baselines (``"linear"``, ``"climatology"``, …),
        as :func:`~climann.evaluation.scores.compared_area_means` gives them.
    units, name : str
        The variable's units and name.
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"`` or ``""``; the val and test blocks are shaded.
    path : str or Path
    dpi : int
    point : str, optional
        Where the data of a grid of one cell are ('the single grid cell (12.5°N, 52.5°E)',
        'station BBB (22.5°S, 127.5°E)': :func:`~climann.evaluation.figures.maps.cell_place`);
        None for a grid of several cells.

    Returns
    -------
    Path
    """
    times, series, split_labels, drawn = dense_series_drawn(times, series, split_labels)
    years = _as_numbers(times)
    figure = _figure(figsize=(11, 6.2), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2.2, 1))
    extra = iter(f"C{index}" for index in range(4, 10))
    truth = np.asarray(series["truth"]) if "truth" in series else None
    thin = len(years) > DENSE_SERIES_STEPS  # still too many for lines of their width: thinner lines
    breaks = missing_step_breaks(years)  # the lines stop at missing steps
    for label, values in series.items():
        style = dict(SERIES_STYLES.get(label) or {"color": next(extra, "gray"), "linewidth": 0.9})
        style["linewidth"] = min(style["linewidth"], 0.5) if thin else style["linewidth"]
        top.plot(*_with_gaps(years, values, breaks), label=label, **style)
        if label != "truth" and truth is not None:
            bottom.plot(*_with_gaps(years, np.asarray(values) - truth, breaks), **style)
    bottom.axhline(0.0, color="black", linewidth=0.8)
    _shade_blocks((top, bottom), years, split_labels)
    top.set_ylabel(_with_units(name if point else f"area-mean {name}", units))
    bottom.set_ylabel(_with_units("prediction − truth", units))
    bottom.set_xlabel("year")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    where = f" at {point}" if point else ": area-weighted mean over the grid"
    labelled = [year for year, label in zip(years, split_labels) if label]  # not a step read for lags only
    top.set_title(f"{name}{where}, {_period(labelled or years)}: {drawn_series(list(series))}{drawn}")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    for axis in (top, bottom):
        axis.grid(True, alpha=0.3)
    return _save(figure, path, dpi)





#: A series of more steps than this is drawn as daily means when its steps are finer than a day
#: (break41a A6: two years of hourly values, 17 520 steps, drew a solid black band that hid the
#: model and the climatology), and with thinner lines when still longer.
DENSE_SERIES_STEPS = 2000


def dense_series_drawn(
    times: Sequence, series: Mapping[str, np.ndarray], split_labels: Sequence[str],
) -> tuple[Sequence, dict[str, np.ndarray], list[str], str]:
    """The series as :func:`plot_area_mean_series` draws them: when there are more than
    :data:`DENSE_SERIES_STEPS` steps and several in some day, each day's mean (of the steps
    present, NaN when none: ``numpy.nanmean``), stamped at the day's first step and labelled with
    its first step's block; else as given.

    Parameters
    ----------
    times : sequence of cftime.datetime (or decimal years), length n_time
    series : mapping of str to ndarray, shape (n_time,)
    split_labels : sequence of str, length n_time

    Returns
    -------
    tuple
        The times, series and labels drawn (length n_days or n_time), and what the title says
        of them (``" (daily means of 17520 steps)"``, or ``""``).
    """
    values = np.asarray(times)
    if len(values) <= DENSE_SERIES_STEPS or values.dtype.kind in "iuf" or not hasattr(values[0], "day"):
        return times, dict(series), list(split_labels), ""
    days = np.array([(time.year, time.month, time.day) for time in values])
    _, first, day_of_step = np.unique(days, axis=0, return_index=True, return_inverse=True)
    if first.size == len(values):  # one step a day or fewer: nothing to average
        return times, dict(series), list(split_labels), ""
    order = np.argsort(first)  # the days in the series' order
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    day_of_step = rank[day_of_step.ravel()]
    means = {}
    for label, series_values in series.items():
        data = np.asarray(series_values, dtype=np.float64)
        present = np.isfinite(data)
        sums = np.bincount(day_of_step, weights=np.where(present, data, 0.0), minlength=first.size)
        n_present = np.bincount(day_of_step, weights=present.astype(np.float64), minlength=first.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[label] = np.where(n_present > 0, sums / n_present, np.nan)
    starts = np.sort(first)
    return (values[starts], means, [split_labels[index] for index in starts],
            f" (daily means of {len(values)} steps)")


def drawn_series(labels: Sequence[str]) -> str:
    """What a series figure shows, for its title: 'truth, model and baselines' for a run's
    (the truth, the network and its baselines), 'truth and model' for a prediction file's (no
    baselines), 'model' for one without the truth."""
    shown = [label for label in ("truth", "model") if label in labels]
    shown += ["baselines"] if any(label not in ("truth", "model") for label in labels) else []
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


#: The models in the figure of skill by season and region (the climatology's skill is 0).
SKILL_MODELS = ("model", "linear", "persistence")


#: The lower end of the skill axis: skill runs from 1 (perfect) through 0 (as good as
#: climatology) to −∞; a bar below this is cut here and labelled with its value, so that a
#: very poor baseline does not squeeze the others flat.
SKILL_FLOOR = -1.0


def _no_skill_text(group: dict) -> str:
    """The mark of a season or region without skill to draw (``metrics.json``'s entries of that
    group): its climatology is exact there (MSE 0: the tropics of a sea-ice field, ice-free
    throughout), so 1 − MSE/0 is undefined; or it holds no values."""
    climatology = group.get("climatology") or {}
    if not climatology.get("n_samples"):
        return "n/a\n(no values)"
    if climatology.get("mse") == 0:
        return "n/a\n(climatology\nexact: MSE 0)"
    return "n/a"


def plot_skill_by_group(metrics: dict, *, block: str, path: str | Path, dpi: int = 150) -> Path | None:
    """Skill against climatology, 1 − MSE/MSE_climatology, of the network and the baselines
    by season and by region on one block: grouped bars, one panel each.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``, with ``seasons`` and/or ``regions``
        (:func:`climann.evaluation.groups.season_region_metrics`).
    block : str
        The block drawn, e.g. ``"test"``.
    path : str or Path
    dpi : int

    Returns
    -------
    Path or None
        None when there is no skill to draw (no climatology, or no season or region). A
        season or region without skill (its climatology exact, MSE 0, or no values) keeps its
        place, marked "n/a" with the reason.
    """
    panels = [(title, (metrics.get(key) or {}).get(block) or {})
              for key, title in (("seasons", "by season"), ("regions", "by region"))]
    panels = [(title, groups) for title, groups in panels if groups]
    names = [name for name in SKILL_MODELS
             if any(groups.get(group, {}).get(name, {}).get("skill_vs_climatology") is not None
                    for _, groups in panels for group in groups)]
    if not panels or not names:
        return None
    widths = [max(len(groups), 2) for _, groups in panels]
    figure = _figure(figsize=(3 + 0.9 * sum(widths), 4.5), layout="constrained")
    axes = figure.subplots(1, len(panels), sharey=True, width_ratios=widths, squeeze=False)
    for axis, (title, groups) in zip(axes[0], panels, strict=True):
        positions = np.arange(len(groups))
        width = 0.8 / len(names)
        for index, name in enumerate(names):
            skill = [groups[group].get(name, {}).get("skill_vs_climatology") for group in groups]
            values = np.array([np.nan if value is None else value for value in skill], dtype=np.float64)
            where = positions + (index - (len(names) - 1) / 2) * width
            axis.bar(where, np.maximum(values, SKILL_FLOOR), width, color=SERIES_STYLES.get(name, {}).get("color"),
                     label=name)
            for x, value in zip(where, values, strict=True):  # a bar cut at the floor says its value
                if value < SKILL_FLOOR:
                    # its digits kept (break47e B2: -19.96 drawn "-20" beside "-17.8")
                    axis.annotate(label_text(value), (x, SKILL_FLOOR), xytext=(0, 3),
                                  textcoords="offset points", ha="center", va="bottom", rotation=90, fontsize=7)
        for position, group in zip(positions, groups, strict=True):  # a group without a bar says why
            if all(groups[group].get(name, {}).get("skill_vs_climatology") is None for name in names):
                axis.text(position, 0.5, _no_skill_text(groups[group]), ha="center", va="center", fontsize=8,
                          color="0.35")
        axis.axhline(0, color="black", linewidth=0.8)
        axis.set_ylim(SKILL_FLOOR, 1)
        axis.set_xlim(-0.5, len(groups) - 0.5)  # every group's place, drawn or not (an empty first one)
        labels = [str(group).replace("_", "\n") for group in groups]
        axis.set_xticks(positions, labels, rotation=30 if len(groups) > 4 else 0, ha="right"
                        if len(groups) > 4 else "center")
        axis.set_title(title)
        axis.grid(True, axis="y", alpha=0.3)
    axes[0][0].set_ylabel("skill = 1 − MSE / MSE_climatology")
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(names))  # clear of the bars
    period = compact_periods(metrics.get("split_periods", {}).get(block, ""))
    figure.suptitle(f"Skill of {metrics.get('target', '')} against climatology, {block} block"
                    + (f" ({period})" if period else "")
                    + f": above 0 beats climatology; bars cut at {SKILL_FLOOR:g}".replace("-", "−"))  # the axis's minus
    return _save(figure, path, dpi)

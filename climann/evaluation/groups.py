"""Scores per season and per region, and the whole of a run's ``metrics.json`` (:func:`run_metrics`).

Per season, the time mask of each block is narrowed to the season's steps (block ∧ season,
:mod:`climann.evaluation.seasons`); per region, every model's scored cells to the region's
(:mod:`climann.evaluation.regions`). Everything else (area weights, which values each model is
scored on, the skill against climatology on the values both are scored on) is the whole
block's rule, so a region's or season's scores are those of the whole grid restricted. All of
them come from the sums of :mod:`climann.evaluation.sums`, per block and season and per block
and region, of one chunk (grids in memory) or many (a streamed or cluster run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from climann.evaluation.baselines import is_smoothed
from climann.evaluation.cell_measures import WHOLE_CELLS, is_area_weighted
from climann.evaluation.regions import Region, region_definitions
from climann.jsonfile import finite_or_none
from climann.evaluation.scores import metrics_from_score_sums, score_blocks, whole_grid_sums
from climann.evaluation.seasons import SEASONS, axis_seasons, block_season_masks, is_sub_annual, season_index
from climann.evaluation.sums import ScoreSums, group_metrics_from_sums

_log = logging.getLogger(__name__)

#: Why ``metrics.json`` has no ``seasons`` (recorded as ``seasons_note``).
NO_SEASONS = "the time steps are a year or more apart (yearly data, an ice core's samples): no seasons"


def scores_by_season(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    times: np.ndarray, *, climatology: np.ndarray | None = None,
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """``{block: {season: {model: scores}}}``: :func:`score_blocks` on block ∧ season.

    Parameters
    ----------
    predictions, truth, area, time_masks, climatology
        As for :func:`score_blocks`.
    times : ndarray of cftime.datetime, shape (n_time,)
    """
    return {block: score_blocks(predictions, truth, area, seasons, climatology=climatology)
            for block, seasons in block_season_masks(dict(time_masks), times).items()}


def scores_by_region(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    regions: Mapping[str, Region], *, climatology: np.ndarray | None = None,
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """``{block: {region: {model: scores}}}``: :func:`score_blocks` on the region's cells;
    regions without a cell on the grid left out."""
    by_region = {name: score_blocks(predictions, truth, area, time_masks, climatology=climatology, cells=region.cells)
                 for name, region in regions.items() if region.n_cells}
    return {block: {name: blocks[block] for name, blocks in by_region.items()} for block in time_masks}


def season_region_metrics(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    times: np.ndarray, regions: Mapping[str, Region], *, climatology: np.ndarray | None = None,
) -> dict:
    """The ``seasons`` (or ``seasons_note``), ``regions`` and ``region_definitions`` entries
    of ``metrics.json`` from the sums of the grid as one chunk
    (:func:`~climann.evaluation.scores.whole_grid_sums`, :func:`group_metrics_from_score_sums`);
    a warning for each region without a cell on the grid. ``climatology``: the reference of the
    ACC's anomalies (see :func:`score_blocks`)."""
    scored = {name: region for name, region in regions.items() if region.n_cells}
    total, names = whole_grid_sums(
        predictions, truth, area, time_masks, climatology=climatology,
        season_of_step=season_index(times) if is_sub_annual(times) else None,
        region_cells=np.stack([region.cells for region in scored.values()]) if scored else None,
    )
    return group_metrics_from_score_sums(total, list(time_masks), names, regions, seasons=axis_seasons(times),
                                         cell_weights=lambda: area, weighted_by="the area given")


def group_metrics_from_score_sums(
    total: ScoreSums, block_names: list[str], model_names: list[str], regions: Mapping[str, Region], *,
    target: str = "the target", seasons: Sequence[str] = tuple(SEASONS),
    cell_weights: Callable[[], np.ndarray] | None = None, weighted_by: str = "",
) -> dict:
    """The ``seasons`` (or, when ``total`` has no sums per season, ``seasons_note``),
    ``regions`` and ``region_definitions`` entries of ``metrics.json`` from the summed chunks
    of a run (:func:`~climann.evaluation.sums.group_metrics_from_sums`): the one place, for runs
    in memory, streamed or on a cluster, where the regions that cannot be scored are left out,
    each with a warning and the reason as its definition's ``not_scored``
    (:func:`unscored_regions`).

    Parameters
    ----------
    total : ScoreSums
        With sums per region over the regions of ``regions`` that have a cell, in their order.
    block_names, model_names : list of str
    regions : mapping of str to Region
        Every region asked for (those without a cell on the grid are left out of the scores).
    target : str
        The target's name, for the reason of a region whose cells hold no value of it.
    seasons : sequence of str
        The seasons the time axis holds (:func:`~climann.evaluation.seasons.axis_seasons`): the
        others (left out by a ``--seasons`` or ``--months`` selection, or new data of a few
        months) have no entry, rather than n/a with n = 0 in every block.
    cell_weights, weighted_by
        As for :func:`unscored_regions`: a region whose every cell weighs 0 is told so, not as
        one without values.
    """
    unscored = unscored_regions(total, regions, target, cell_weights=cell_weights, weighted_by=weighted_by)
    for name, reason in unscored.items():
        _log.warning("region %s %s: not scored", name, reason)
    with_cells = [name for name, region in regions.items() if region.n_cells]
    grouped = group_metrics_from_sums(total, block_names, model_names, with_cells, seasons=seasons)
    by_block = grouped.get("regions", {block: {} for block in block_names})
    definitions = region_definitions(regions)
    for name, reason in unscored.items():
        kind = 0 if not regions[name].n_cells else 2 if WEIGHED_ZERO in reason else 1
        definitions[name]["not_scored"] = NOT_SCORED[kind].format(target=target, weighted_by=weighted_by)
    return {**({"seasons": grouped["seasons"]} if "seasons" in grouped else {"seasons_note": NO_SEASONS}),
            "regions": {block: {name: scores for name, scores in scored.items() if name not in unscored}
                        for block, scored in by_block.items()},
            "region_definitions": definitions}


#: ``region_definitions``' ``not_scored``: a region without a cell on the grid, one whose cells
#: hold no value of the target to score in any block (an all-land box for an ocean field), and one
#: whose every cell weighs 0 in the scores (a "where land" target's sea, by its land fraction),
#: whatever values the target has there (break52c A7: told "no value of mrso" where mrso had values).
NOT_SCORED = ("no cell on the grid", "no value of {target} to score in its cells",
              "every cell weighs 0 in the scores ({weighted_by})")

#: The words of a region's warning whose every cell weighs 0.
WEIGHED_ZERO = "each of weight 0"


def unscored_regions(total: ScoreSums, regions: Mapping[str, Region], target: str, *,
                     cell_weights: Callable[[], np.ndarray] | None = None, weighted_by: str = "") -> dict[str, str]:
    """The regions that cannot be scored and why, as the warning says it: ``"has no cell on
    the grid"``; ``"has 768 cells, each of weight 0 in the scores (cell area × land_area_fraction
    (sftlf) is 0 there): no value of mrso can be scored"`` when the network is scored on none of
    its cells' values in any block because every cell weighs 0 (a "where land" target's sea);
    else ``"has 24 cells but no value of tos to score"`` (the target always missing there).

    Parameters
    ----------
    total : ScoreSums
        ``region_scored`` (shape (n_regions with a cell, n_blocks, n_models); the network first)
        over the regions of ``regions`` that have a cell, in their order.
    regions : mapping of str to Region
    target : str
    cell_weights : callable, optional
        Returns the scores' weights, shape (n_lat, n_lon) or (n_time, n_lat, n_lon)
        (:meth:`~climann.data.layout.GridLayout.cell_area_weights`); called only when a region
        with cells is not scored. Without it, the weights are not looked at.
    weighted_by : str
        What the weights are (``metrics.json`` ``weighted_by``), for the warning.
    """
    with_cells = [name for name, region in regions.items() if region.n_cells]
    unscored = {name: "has no cell on the grid" for name, region in regions.items() if not region.n_cells}
    weights = None
    if total.region_scored is not None:
        for index, name in enumerate(with_cells):
            if np.asarray(total.region_scored[index])[:, 0].any():
                continue
            if weights is None and cell_weights is not None:
                weights = np.nan_to_num(np.asarray(cell_weights(), dtype=np.float64))
            cells = regions[name].cells
            known = weights is not None and weights.shape[weights.ndim - cells.ndim:] == cells.shape
            if known and not (weights[..., cells] > 0).any():
                unscored[name] = (f"has {regions[name].n_cells} cells, {WEIGHED_ZERO} in the scores"
                                  f"{f' ({weighted_by} is 0 there)' if weighted_by else ''}: "
                                  f"no value of {target} can be scored")
            else:
                unscored[name] = f"has {regions[name].n_cells} cells but no value of {target} to score"
    return {name: unscored[name] for name in regions if name in unscored}


def run_metrics(
    total: ScoreSums, block_names: list[str], model_names: list[str], *, target: str, units: str, mode: str,
    season: str, regions: Mapping[str, Region], n_dropped: int, split_periods: Mapping[str, str],
    left_out: Mapping[str, str] | None = None, have_climatology: bool = True, window_days: int | None = None,
    seasons: Sequence[str] = tuple(SEASONS), scored_on: Mapping[str, dict] | None = None,
    months_left_out: Sequence[str] = (), weighted_by: str = WHOLE_CELLS, cell_areas: str | None = None,
    forecast_months: int | None = None, forecast_persistence: str | None = None,
    region: Mapping[str, float] | None = None, cell_weights: Callable[[], np.ndarray] | None = None,
) -> dict:
    """The content of a run's ``metrics.json`` from its summed chunks: the one assembly of the
    scores of a run in memory (one chunk), streamed or on a cluster, and of ``climann evaluate``.

    Parameters
    ----------
    total : ScoreSums
        The chunks' sums added up (see :mod:`climann.evaluation.sums`).
    block_names, model_names : list of str
        The order of the blocks and models in ``total``.
    target, units, mode : str
        The target's name and units; ``"pointwise"`` or ``"field"``.
    season, left_out, have_climatology, months_left_out, forecast_months, forecast_persistence
        As for :func:`~climann.evaluation.scores.metrics_from_score_sums`.
    regions, seasons, cell_weights
        As for :func:`group_metrics_from_score_sums`.
    window_days : int, optional
        The days of year the climatology was smoothed over (``[evaluation]
        climatology_window_days``), recorded as ``climatology_window_days`` when the climatology
        is per day of year (and hour) (:func:`~climann.evaluation.baselines.is_smoothed`).
    n_dropped : int
        Grid points without target or some feature.
    split_periods : mapping of block to str
        Each block's period, as the split describes it.
    scored_on : mapping of block to dict, optional
        Fingerprints of each block's cells and time steps
        (:func:`climann.evaluation.scored_blocks.layout_fingerprints`), recorded as ``scored_on``.
    weighted_by : str
        What weighs each cell (:func:`~climann.evaluation.cell_measures.cell_weights_text`),
        recorded as ``weighted_by``; ``area_weighted`` is false for one cell's
        (:data:`~climann.evaluation.cell_measures.ONE_CELL_TEXT`), true otherwise.
    cell_areas : str, optional
        Whose areas those are (:func:`~climann.evaluation.cell_measures.cell_areas_source`:
        ``"areacello"``, ``"computed"``), recorded as ``cell_areas`` when given.
    region : dict, optional
        The run's ``[data] region`` box and its cells
        (:func:`~climann.evaluation.scored_blocks.region_record`), recorded as ``region`` when given.

    Returns
    -------
    dict
        ``target``, ``units``, ``mode``, ``area_weighted``, ``weighted_by``, ``climatology_per`` (what the
        climatology baseline and the ACC's anomalies are taken per: "calendar month", "day of
        year", "day of year and hour"), ``climatology_window_days`` (see ``window_days``),
        ``splits``, ``n_samples``,
        ``notes`` and ``score_notes`` (when any: the reason of every undefined ACC of the blocks,
        seasons and regions), ``seasons`` or ``seasons_note``, ``regions``,
        ``region_definitions``, ``n_dropped``, ``split_periods``, ``scored_on`` and ``region`` (when
        given); undefined scores None.
    """
    scored = metrics_from_score_sums(total, block_names, model_names, season=season, left_out=left_out,
                                     have_climatology=have_climatology, months_left_out=months_left_out,
                                     forecast_months=forecast_months, forecast_persistence=forecast_persistence,
                                     region_names=[name for name, region in regions.items() if region.n_cells])
    grouped = group_metrics_from_score_sums(total, block_names, model_names, regions, target=target, seasons=seasons,
                                            cell_weights=cell_weights, weighted_by=weighted_by)
    smoothed = window_days is not None and is_smoothed(season)
    return {
        "target": target, "units": units, "mode": mode, "area_weighted": is_area_weighted(weighted_by),
        "weighted_by": weighted_by, **({"cell_areas": cell_areas} if cell_areas is not None else {}),
        "climatology_per": season,
        **({"climatology_window_days": int(window_days)} if smoothed else {}),
        **finite_or_none(scored),  # an undefined score (NaN) is None, as null in metrics.json
        **finite_or_none(grouped),
        "n_dropped": int(n_dropped), "split_periods": dict(split_periods),
        **({"scored_on": dict(scored_on)} if scored_on is not None else {}),
        **({"region": dict(region)} if region is not None else {}),
    }

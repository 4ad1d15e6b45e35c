"""Scores per season and per region: :func:`climann.evaluation.scores.score_blocks` on parts of a block.

Per season, the time mask of each block is narrowed to the season's steps (block ∧ season,
:mod:`climann.evaluation.seasons`); per region, every model's scored cells to the region's
(:mod:`climann.evaluation.regions`). Everything else (area weights, which values each model is
scored on, the skill against climatology on the values both are scored on) is the whole
block's rule, so a region's or season's scores are those of the whole grid restricted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from climann.evaluation.regions import Region, region_definitions
from climann.evaluation.scores import score_blocks
from climann.evaluation.seasons import block_season_masks, is_sub_annual

_log = logging.getLogger(__name__)

#: Why ``metrics.json`` has no ``seasons`` (recorded as ``seasons_note``).
NO_SEASONS = "the data have one time step per year: no seasons"


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
    of ``metrics.json``; a warning for each region without a cell on the grid. ``climatology``:
    the reference of the ACC's anomalies (see :func:`score_blocks`)."""
    for name, region in regions.items():
        if not region.n_cells:
            _log.warning("region %s has no cell on the grid: not scored", name)
    seasonal = ({"seasons": scores_by_season(predictions, truth, area, time_masks, times, climatology=climatology)}
                if is_sub_annual(times) else {"seasons_note": NO_SEASONS})
    by_region = scores_by_region(predictions, truth, area, time_masks, regions, climatology=climatology)
    return {**seasonal, "regions": by_region,
            "region_definitions": region_definitions(regions)}

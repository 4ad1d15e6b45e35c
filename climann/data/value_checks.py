"""The checks of a run's target and predictors that read every value, in one read of the data.

Five checks look at every value of the variables a run trains on, before training: the
fill-like values no attribute marks missing (:mod:`climann.data.fill_like`), the temperatures at
or below absolute zero that opening read as missing (:mod:`climann.data.absolute_zero`), the
negative values of quantities that cannot be negative (:mod:`climann.data.nonnegative`) and the
fill values that are values of the data (:mod:`climann.data.fill_among_values`) and the totals
accumulated since a start that grow without falling (:mod:`climann.data.running_totals`); and the
``-inf`` and ``+inf`` read as missing are counted for a note (:mod:`climann.data.infinite_values`).
The run's target is also looked at for land stored as a value (:mod:`climann.data.land_masks`,
:mod:`climann.data.constant_cells`), in the ranges of its cells over the steps checked, and for
values its own quality flag calls bad (:mod:`climann.data.quality_levels`). The values a valid
range read as missing are counted from the same reads of the files (:mod:`climann.data.valid_range_tails`),
and the spread of the variables of a type float32 does not hold exactly, which decides the type
they are held in (:mod:`climann.data.value_precision`), is recorded. Their
block reads are computed together (:func:`~climann.data.fill_like.read_together`): dask reads a
block that several of them look at once, and the data are read in one pass, not one per check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import xarray as xr

from climann.data.absolute_zero import (BELOW_ABSOLUTE_ZERO_KEY, planned_below_absolute_zero,
                                        warn_below_absolute_zero)
from climann.data.fill_among_values import planned_fill_among_values, warn_fill_among_values
from climann.data.bounded_quantities import upper_bound
from climann.data.constant_cells import planned_cell_ranges
from climann.data.fraction_percents import planned_percent_ranges, warn_fractions_in_percent
from climann.data.fill_like import (BlockReads, planned_fill_like_counts, read_together, refuse_codes_beyond_bound,
                                   refuse_huge_fill_like_values,
                                   warn_fill_like_values)
from climann.data.infinite_values import note_infinite_values, planned_infinite_counts
from climann.data.land_masks import warn_land_stored_as_value
from climann.data.nonnegative import planned_negative_values, warn_negative_values
from climann.data.quality_levels import planned_quality_counts, warn_low_quality_target
from climann.data.skewed_target import note_log_normal_target, planned_skewness
from climann.data.summed_accumulations import refuse_summed_running_totals
from climann.data.units import refuse_grib_accumulations
from climann.data.temperature_ranges import planned_temperature_extremes, warn_beyond_earth
from climann.data.running_totals import planned_running_totals, read_for_restart_date, refuse_running_totals
from climann.data.valid_range_tails import (planned_outside_valid_range, read_with_its_sample,
                                            warn_outside_valid_range)
from climann.data.value_precision import planned_spreads, record_spreads
from climann.data.units import full_scale
from climann.data.window_totals import refuse_window_mismatches
from climann.data.year_end_days import planned_year_end_cells, refuse_or_warn_year_end

__all__ = ["shared_reads", "warn_held_values"]


def shared_reads(dataset: xr.Dataset, names: Sequence[str]) -> list[str]:
    """The variables among ``names`` whose checks in :func:`warn_held_values` read blocks that keep
    the keys of the file's reads (:func:`~climann.data.fill_like.blocks_by_step` ``shared``): a
    temperature masked below absolute zero, read for that count as it was in the file, and one
    whose valid range's samples read every block of its files (their reads serve all). Other
    checks computed with these (``also``) read the same blocks with the same flags, once for all."""
    return [name for name in names if name in dataset.data_vars and (
        BELOW_ABSOLUTE_ZERO_KEY in dataset[name].encoding or read_with_its_sample(dataset[name]))]


def _wholes(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, float | None]:
    """Each variable's value of a whole in its units (100 in ``%``, 1000 in ``‰``:
    :func:`~climann.data.units.full_scale`), for the codes at the top of its type: a 0/1 field
    written in percent (0 and 100 %) holds no codes (fix45c)."""
    return {name: full_scale(units) for name in names
            if name in dataset.data_vars and isinstance(units := dataset[name].attrs.get("units"), str)}


def warn_held_values(dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
                     target: str | None = None, also: Sequence[BlockReads] = (),
                     training_advice: bool = True) -> list[Callable[[], object]]:
    """Refuse the fill-like values of 1e30 or more and warn about the others, the temperatures at
    or below absolute zero or beyond any of their kind on Earth
    (:func:`~climann.data.temperature_ranges.warn_beyond_earth`) and the negative values of
    quantities that cannot be negative that
    the variables ``names`` hold, and say at INFO how many ``-inf`` and ``+inf`` each holds
    (read as missing: :mod:`climann.data.infinite_values`), then warn of a tail of the data cut
    off by a valid range (:func:`~climann.data.valid_range_tails.warn_outside_valid_range`), every
    value read once for all; the spread of those of a type float32 does not hold exactly is
    recorded in their ``encoding`` (:func:`~climann.data.value_precision.record_spreads`), from
    which the sample source decides the type they are held in without reading them again.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened (:func:`climann.data.open.open_dataset`).
    names : sequence of str
        The variables to check (those absent are skipped).
    where : str
        The files, for the messages, when a variable does not record its own.
    file : str or Path or None
        The file to name in the commands when a variable does not record its one file; None for
        data from several files.
    target : str or None
        The run's target, whose land stored as a value is then looked for
        (:func:`~climann.data.land_masks.warn_land_stored_as_value`) in its cells' ranges over the
        steps checked (:func:`~climann.data.constant_cells.planned_cell_ranges`), and whose
        values at the bad levels of its own quality flag are warned of
        (:func:`~climann.data.quality_levels.warn_low_quality_target`, counted by
        :func:`~climann.data.quality_levels.planned_quality_counts`), read in the same
        computation: no second read of its values.
    also : sequence of BlockReads
        Other checks' reads of these values (the run's named predictors compared with its target,
        :func:`~climann.workflow.preparation.check_target_copies`), computed in the same read.
    training_advice : bool
        Whether to advise how the target could be trained on (in log10, a positive target
        strongly skewed to the right, :func:`~climann.data.skewed_target.note_log_normal_target`):
        for a run's own data, not for new data given to a trained run, whose target must be in
        the quantity the run was trained on.

    Returns
    -------
    list of callable
        The answer of each of ``also`` (:func:`~climann.data.fill_like.read_together`), in order.

    Raises
    ------
    ClimannError
        From :func:`~climann.data.fill_like.refuse_huge_fill_like_values` (a fill-like value of
        1e30 or more, no quantity) and
        :func:`~climann.data.absolute_zero.warn_below_absolute_zero` (many different values
        below absolute zero: no codes) and
        :func:`~climann.data.running_totals.refuse_running_totals` (totals accumulated since a
        start, by their words or their values; a total said by its words whose words give no date
        is refused after its values are read, with the date of each year they restart at) and
        :func:`~climann.data.window_totals.refuse_window_mismatches` (WRF's amounts over
        ``prec_acc_dt`` windows other than the time step).
    """
    present = [name for name in dict.fromkeys(names) if name in dataset.data_vars]
    refuse_grib_accumulations(dataset, present, where=where)  # on every route, not only a unit conversion's
    refuse_summed_running_totals(dataset, present, where=where)  # cdo daysum of ERA5-Land's totals (break54a A1)
    if not any(read_for_restart_date(name, dataset[name], dataset) for name in present):
        refuse_running_totals(dataset, present, where=where)  # said by their words: refused before any read
    refuse_window_mismatches(dataset, present, where=where)  # WRF's prec_acc_dt windows other than the step
    # a temperature masked below absolute zero is read for that count as it was in the file: its
    # other counts keep the keys of those reads, so that dask reads it once for all
    # so is one whose valid range's samples read every block of its files (their reads serve all)
    shared = shared_reads(dataset, present)
    nothing = BlockReads([], lambda parts: None)
    (fill_like, below, negative, extremes, among, infinite, running, cells, quality, outside, spreads, year_end,
     percents, skewness, *others) = read_together(
        planned_fill_like_counts(dataset, present, shared=shared, wholes=_wholes(dataset, present)),
        planned_below_absolute_zero(dataset, present),
        planned_negative_values(dataset, present, shared=shared),
        planned_temperature_extremes(dataset, present, shared=shared),
        planned_fill_among_values(dataset, present, shared=shared),
        planned_infinite_counts(dataset, present, shared=shared),
        planned_running_totals(dataset, present, shared=shared),
        planned_cell_ranges(dataset, target, shared=target in shared) if target is not None else nothing,
        planned_quality_counts(dataset, target, shared=target in shared) if target is not None else nothing,
        planned_outside_valid_range(dataset, present), planned_spreads(dataset, present, shared=shared),
        planned_year_end_cells(dataset, present, shared=shared),
        planned_percent_ranges(dataset, present, shared=shared),
        planned_skewness(dataset, target, shared=target in shared) if target is not None and training_advice else
        nothing, *also)
    record_spreads(dataset, spreads())
    note_infinite_values(dataset, infinite(), where=where)  # missing, like NaN: climann.data.infinite_values
    counts = fill_like()
    refuse_huge_fill_like_values(dataset, present, where=where, file=file, counts=counts)
    if target is not None:  # codes above 100 percent would be scored as truth
        bound = upper_bound(target, dataset[target]) if target in dataset.data_vars else None
        refuse_codes_beyond_bound(dataset, target, where=where, file=file, counts=counts, bound=bound)
    warn_fill_like_values(dataset, present, where=where, file=file, counts=counts)
    warn_below_absolute_zero(dataset, present, messages=below)
    unmarked = {name: [float(value.decoded[0]) for value in found] for name, found in counts.items()}
    warn_negative_values(dataset, present, where=where, file=file, found=negative(), unmarked=unmarked)
    warn_beyond_earth(dataset, extremes(), where=where, file=file)  # GHCN's tenths of °C read as °C
    ceilings = {name: max(tops) for name, found in counts.items()
                if (tops := [value.data_top for value in found if value.data_top is not None])}
    warn_fill_among_values(dataset, present, where=where, file=file, found=among(), ceilings=ceilings)
    refuse_running_totals(dataset, present, where=where, found=running())
    if target is not None and (ranges := cells()) is not None:
        warn_land_stored_as_value(dataset, target, where=where, file=file, cells=ranges)
    if target is not None and (counts := quality()) is not None:
        warn_low_quality_target(dataset, target, where=where, counts=counts)
    warn_outside_valid_range(dataset, present, found=outside)
    refuse_or_warn_year_end(dataset, year_end(), target, where=where)
    warn_fractions_in_percent(dataset, percents(), where=where)  # OISST v2.1's ice: 0 … 1 in '%'
    if training_advice and target is not None and target in dataset.data_vars:  # log-normal chlorophyll: log10
        note_log_normal_target(dataset, target, skewness(), where=where)
    return others

"""Hourly totals restarted each day, thinned by a run's ``time_stride``: refused on the steps before it.

ERA5-Land's accumulations restart each day (:mod:`climann.data.daily_totals`), which their values
show on an hourly axis; ``[data] time_stride = 24`` keeps one step a day, and the value kept at
00 UTC is the whole day before's total, read as that hour's value at its stamp (fix46c: exit 0,
since the rule that finds the restarts saw only the steps kept). The steps before the stride are
read for the restarts (:func:`refuse_strided_daily_totals`), a month of them, and such totals are
refused as an unthinned run refuses them
(:func:`~climann.data.running_totals.refuse_running_totals`).

A run's time range, months or seasons hide them as well: 5 days of a month of ERA5-Land show too
few restarts to be told from ERA5's hourly amounts (break51d A1: trained on as hourly amounts, exit
0, while the whole month was refused). The rule is read on the whole files, before any selection,
and its answer kept with each variable (:func:`with_whole_files_daily_totals`) for the checks of
the steps chosen.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.daily_totals import (WHOLE_FILES_KEY, checked_for_daily_reset, daily_restart, said_step,
                                       untold_restart)
from climann.data.fill_like import read_together, time_dimension
from climann.data.running_totals import planned_running_totals, refuse_running_totals
from climann.errors import ClimannError

__all__ = ["STRIDE_CHECK_DAYS", "refuse_strided_daily_totals", "with_whole_files_daily_totals"]

#: The days of hourly steps before a ``time_stride`` that :func:`refuse_strided_daily_totals` reads:
#: enough for :data:`~climann.data.daily_totals.MIN_RESET_DAYS` restarts after gaps, few enough to
#: cost little beside the run.
STRIDE_CHECK_DAYS = 31


def refuse_strided_daily_totals(dataset: xr.Dataset, names: Sequence[str], *, time_stride: int, where: str) -> None:
    """Refuse totals restarted each day (:func:`~climann.data.daily_totals.daily_reset_hour`) that
    a ``time_stride`` would thin to one step in ``time_stride``: their hourly steps before the stride
    (the first :data:`STRIDE_CHECK_DAYS` days of them) are read for the restart, which the steps
    kept no longer show (24: each value kept at 00 UTC is the day before's total, read as that
    hour's value). The refusal is the one an unthinned run gets
    (:func:`~climann.data.running_totals.refuse_running_totals`), with the stride named.

    Parameters
    ----------
    dataset : xarray.Dataset
        The run's data before the stride (after its time range and months).
    names : sequence of str
        The run's target and predictors.
    time_stride : int
        The run's ``[data] time_stride``.
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        Naming the totals, the stride, and the line that writes each hour's amount.
    """
    present = [name for name in dict.fromkeys(names) if name in dataset.data_vars
               and checked_for_daily_reset(name, dataset[name])]
    time = next((time_dimension(dataset[name]) for name in present), None)
    if time_stride <= 1 or time is None:
        return
    head = dataset.isel({time: slice(0, 24 * STRIDE_CHECK_DAYS)})
    (found,) = read_together(planned_running_totals(head, present))
    daily = {name: date for name, date in found().items()
             if daily_restart(date) is not None or untold_restart(date) is not None}
    try:
        refuse_running_totals(dataset, list(daily), where=where, found=daily)
    except ClimannError as error:
        step = said_step(next(iter(daily.values()), None))
        hourly = "hourly" if step == 1 else f"{step}-hourly"
        raise ClimannError(f"time_stride {time_stride} (--time-stride) keeps one step in {time_stride} of {hourly} "
                           f"totals restarted each day, whose values kept are not each step's own: {error}") from None


def with_whole_files_daily_totals(dataset: xr.Dataset, names: Sequence[str]) -> xr.Dataset:
    """``dataset`` with the answer of the daily-restart rule read on its whole files (the first
    :data:`STRIDE_CHECK_DAYS` days of hourly steps) kept in the ``encoding`` of each of ``names``
    that it reads (:data:`~climann.data.daily_totals.WHOLE_FILES_KEY`: a total restarted daily, one
    whose days are too few to tell, or "" for none), for the checks of the steps a time range,
    months or stride then choose (:func:`~climann.data.running_totals.planned_running_totals`).
    Nothing is read when the time axis is not hourly.

    Parameters
    ----------
    dataset : xarray.Dataset
        The run's data as opened, before any selection of time.
    names : sequence of str
        The variables to read (the run's target and predictors, or all when they are to be chosen).

    Returns
    -------
    xarray.Dataset
        A shallow copy, its variables' encodings updated; ``dataset`` itself when there is none to read.
    """
    present = [name for name in dict.fromkeys(names) if name in dataset.data_vars
               and checked_for_daily_reset(name, dataset[name])]
    time = next((time_dimension(dataset[name]) for name in present), None)
    if time is None or time not in dataset.coords or dataset.sizes[time] < 3:
        return dataset
    head = dataset.isel({time: slice(0, 24 * STRIDE_CHECK_DAYS)})
    apart = np.diff(np.asarray(head[time].values))  # timedelta64, or datetime.timedelta of cftime dates
    hourly = (np.asarray([gap == datetime.timedelta(hours=1) for gap in apart.tolist()]) if apart.dtype.kind == "O"
              else apart == np.timedelta64(1, "h") if apart.dtype.kind == "m" else np.zeros(1, bool))
    if not hourly.size or not hourly.mean() > 0.9:  # the rule reads hourly steps only
        return dataset
    (found,) = read_together(planned_running_totals(head, present))
    answers = found()
    kept = dataset.copy()
    for name in present:
        if time_dimension(dataset[name]) == time:
            answer = answers.get(name)
            daily = daily_restart(answer) is not None or untold_restart(answer) is not None
            kept[name].encoding[WHOLE_FILES_KEY] = str(answer) if daily else ""
    return kept

"""Sums of rates over time cells longer than the rate's period: units that no longer say the values.

A rate per period P (``mm/(3 h)``, ``mm/h``, ``mm/d``) summed over cells longer than P
(``cell_methods = "time: sum"``, CF 1.8 §7.3, over the cells of the time bounds, §7.1) is not a
rate per P any more: ``cdo daysum`` of MSWEP's 3-hourly ``mm/(3 h)`` writes the total of each
day's 8 values, and keeps the units, so each value is a total in mm over its day labelled
``mm/(3 h)``; every score read in those units was 8 times too large for its label (break50d A1).
Per-month units on daily steps are refused alike (:func:`climann.data.units.calendar_factor`);
this is the same conflict for rates whose period is a fixed length. A mean over the cell
(``time: mean``, ``cdo daymean``) of a rate is a rate in the same units, and is read.

A rate per second (``kg m-2 s-1``, ``m3 s-1``, ``W m-2``: the SI unit, not a product's step) said
summed over longer cells is refused too (fix51c): CF 1.8 Appendix E gives a ``sum`` the units of
what is summed, so each value would be the sum of as many per-second rates as the cell holds
seconds (86 400 a day), or of as many as the steps summed (24 of ``cdo daysum`` on hourly rates),
and nothing in the file says which; or the values are mean rates (CMIP's and ERA5's per-second
rates are means) and the cell method is wrong. ERA5- or CMIP-style ``pr`` in ``kg m-2 s-1`` with
``time: sum`` over days was read as the rate. The refusal gives the ``ncatted`` that says the
mean (each value the mean rate over its cell), and the way to means from sums of rates.

:func:`refuse_summed_rates` refuses such a variable in one line naming the cell's length and the
rate's period, with the ``ncatted`` that states the units of the sum: the amount of one period's
rate (``mm`` for ``mm/(3 h)``), whose ``time: sum`` over each cell then says what the values are
(the total over the cell, which converts to a rate by the cell's length).
"""

from __future__ import annotations

import datetime
import shlex
from collections import Counter

import numpy as np
import xarray as xr

from climann.data.cell_methods import over_each_cell, time_cell_method, with_time_method
from climann.data.coords import time_coordinate
from climann.errors import ClimannError

__all__ = ["rate_period", "refuse_summed_rates"]

#: The shortest period read as the length of the steps summed: ``mm/(3 h)``, ``mm/h``, ``mm/d``
#: name a product's step; a rate per second (``kg m-2 s-1``, ``m3 s-1``, ``W m-2``) names the SI
#: unit, not the steps summed, and its sum over longer cells is refused with its own advice
#: (:func:`_per_second_fix`).
_SHORTEST_STEP = datetime.timedelta(minutes=1)

#: How much longer than the rate's period a cell must be to be a sum of several periods: the
#: cells of ``cdo daysum`` on 3-hourly values span 21 hours (00:00 to 21:00), 7 periods.
_LONGER = 1.5

#: A rate per hour may be a sum of hourly steps or of half-hourly ones (GPM IMERG's ``3B-HHR``
#: files hold mm/hr rates each over 30 minutes): ``cdo daysum`` of them is 48 times the mean rate,
#: and read as a total in mm, twice the day's total (break53b A1). Its refusal gives both lines.
_HOUR = datetime.timedelta(hours=1)


def rate_period(units: str) -> datetime.timedelta | None:
    """The period P of a rate per P (``mm/(3 h)``: 3 hours; ``kg m-2 s-1``: 1 second; a power,
    ``W m-2``, an energy per second: 1 second), read by pint with cf_xarray's UDUNITS registry
    (:func:`climann.data.units.parse_units`); None when the units are not read, or not an amount
    per one time unit.

    Parameters
    ----------
    units : str
        UDUNITS units.

    Returns
    -------
    datetime.timedelta or None

    Examples
    --------
    >>> rate_period("mm/(3 h)"), rate_period("kg m-2 s-1"), rate_period("mm"), rate_period("mm/3h")
    (datetime.timedelta(seconds=10800), datetime.timedelta(seconds=1), None, datetime.timedelta(seconds=10800))
    >>> rate_period("W m-2")
    datetime.timedelta(seconds=1)
    """
    from climann.data.units import parse_units, unit_registry

    try:
        quantity = parse_units(str(units), variable="")
    except ClimannError:
        return None
    if not float(quantity.magnitude) > 0:
        return None
    # a power (W, W m-2, W m-3) is an energy per second, though pint's dimensions say [time]**-3
    power = (quantity / unit_registry().Quantity(1, "watt")).to_reduced_units().dimensionality
    if set(power) <= {"[length]"}:
        return datetime.timedelta(seconds=1)
    if quantity.dimensionality.get("[time]", 0) != -1:
        return None
    per_second = (quantity * unit_registry().Quantity(1, "second")).to_reduced_units()
    # the period: the seconds that make one unit of the rate the amount of one unit of its amount
    amount = per_second / per_second.magnitude
    period = float((amount / quantity).to("second").magnitude)
    return datetime.timedelta(seconds=round(period, 6)) if np.isfinite(period) and period > 0 else None


def _amount_units(units: str, period: datetime.timedelta) -> str | None:
    """The units of one period's rate times the period (``mm/(3 h)`` × 3 h: ``mm``), UDUNITS-spelt."""
    from climann.data.units import parse_units, unit_registry

    amount = (parse_units(str(units), variable="") * unit_registry().Quantity(period.total_seconds(), "second"))
    amount = amount.to_reduced_units()
    if not np.isclose(float(amount.magnitude), 1.0) or amount.dimensionality.get("[time]", 0):
        return None
    return f"{amount.units:cf}" or None


def _cell_length(dataset: xr.Dataset, name: str) -> tuple[datetime.timedelta, str] | None:
    """The most common length of the time cells of ``dataset`` and where it comes from: of the
    time bounds, the longer of the most common cell and the most common step from a cell's lower
    bound to the next one's (``cdo daysum``'s 00:00–21:00 are daily cells; a missing day is one
    step of 2 days among many of 1), else the most common spacing of the times; None when unknown."""
    times = np.asarray(dataset[name].values)
    if times.ndim != 1 or not all(hasattr(value, "calendar") for value in times):
        return None
    bounds_name = dataset[name].attrs.get("bounds")
    if bounds_name in dataset.variables and dataset[bounds_name].ndim == 2 and dataset[bounds_name].shape[1] == 2:
        bounds = np.sort(np.asarray(dataset[bounds_name].values), axis=1)
        if all(hasattr(value, "calendar") for value in bounds.ravel()):
            # the most common cell, and the most common step between cells' starts: the longer of the two
            # (a gap in the axis is one long step among many, never the cell; break50e N1, Daymet)
            modes = [Counter(span for span in spans if span > datetime.timedelta(0)).most_common(1) for spans in (
                [upper - lower for lower, upper in bounds],
                [later - earlier for earlier, later in zip(bounds[:-1, 0], bounds[1:, 0])])]
            if any(modes):
                return max(mode[0][0] for mode in modes if mode), f"its time bounds ('{bounds_name}')"
    if times.size < 2:
        return None
    return Counter(later - earlier for earlier, later in zip(times[:-1], times[1:])).most_common(1)[0][0], \
        "the spacing of its times"


def _span(length: datetime.timedelta) -> str:
    """``1 day``, ``3 hours``, ``30 days``, ``90 minutes``, ``1 second``."""
    seconds = length.total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"


def refuse_summed_rates(dataset: xr.Dataset, where: str) -> None:
    """Refuse a variable in a rate per a period (``mm/(3 h)``, ``kg m-2 s-1``) whose
    ``cell_methods`` say ``time: sum`` over time cells longer than that period: each value is the
    sum of several periods' rates, not a rate per the period, and its units would label every
    score wrongly.

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded to cftime, bounds in memory.
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        For the first such variable: the cell's length and where it comes from, the rate's
        period, and the ``ncatted`` that gives each file's copy the units of the sum (a rate per
        a product's step, :func:`_per_period_fix`), or the ``cell_methods`` of a mean (a rate per
        second, whose sum says nothing of how many values it summed, :func:`_per_second_fix`).
    """
    name = time_coordinate(dataset)
    if name is None or dataset[name].ndim != 1:
        return
    dim = dataset[name].dims[0]
    for key, variable in dataset.data_vars.items():
        if dim not in variable.dims or "units" not in variable.attrs:
            continue
        method = time_cell_method(variable.attrs.get("cell_methods"), dim)
        if over_each_cell(method) != "time: sum" and method != "time: sum":
            continue
        units = str(variable.attrs["units"])
        period = rate_period(units)
        cells = None if period is None else _cell_length(dataset, name)
        if cells is None or cells[0] <= period * _LONGER:
            continue
        length, said = cells
        ratio = length / period
        times = f"{ratio:.0f}" if float(ratio).is_integer() else f"{ratio:.3g}"
        if period < _SHORTEST_STEP:
            hours = length / datetime.timedelta(hours=1)
            hourly = f", of {hours:.0f} if cdo summed hourly rates" if hours >= 2 and hours.is_integer() else ""
            raise ClimannError(
                f"'{key}' in {where} is in '{units}', a rate per second, but its cell_methods say 'time: sum' over "
                f"time cells of {_span(length)} ({said}): a sum keeps the units of what it sums (CF 1.8 7.3, "
                f"Appendix E), so each value would be a sum of rates per second, of {times} if over every second of "
                f"its cell{hourly}, and nothing in the file says how many: read as the rate, every score would be "
                f"that many times too large for its units; "
                f"{_per_second_fix(dataset, str(key), dim, where)}")
        half = period == _HOUR  # GPM IMERG's half-hourly rates are in mm/hr (break53b A1)
        halves = f", of {2 * ratio:.0f} if they were of 30 minutes (GPM IMERG's half-hourly)" if half else ""
        raise ClimannError(
            f"'{key}' in {where} is in '{units}', a rate per {_span(period)}, but its cell_methods say "
            f"'time: sum' over time cells of {_span(length)} ({said}): a sum of {times} values per "
            f"{_span(period)} if the steps summed were of {_span(period)}{halves}, and the file does not say "
            f"their length (cdo daysum keeps the units of what it sums), so the values are not in '{units}' and "
            f"every score read in them would be that many times too large for its units; the total over each "
            f"cell is the sum times each step's length as a share of {_span(period)}"
            f"{' (1 if hourly, 0.5 if half-hourly)' if half else ''}: "
            f"{_per_period_fix(variable, str(key), period, where)}")


def _per_period_fix(variable: xr.DataArray, key: str, period: datetime.timedelta, where: str) -> str:
    """The way on for a sum of rates per a product's step: the ``ncatted`` that gives each file's
    copy the units of one period's amount (``mm`` for ``mm/(3 h)``), else the words of it."""
    from climann.data.shell import attribute_command, cdo_command, copies_of_files, ncatted_attribute
    from climann.data.sources import name_in_file, source_files

    units = str(variable.attrs["units"])
    amount = _amount_units(units, period)
    if amount is None:
        return ("give its values in the units of their sum (the amount over each cell, with 'time: sum'), or "
                "the mean rate over each cell with cell_methods 'time: mean' (cdo daymean, monmean in place of "
                "daysum, monsum)")
    files = source_files(variable) or [where]
    said = ("if the steps were of " f"{_span(period)}, the sum is the total, in the units of one period's amount, "
            f"'{amount}' (its 'time: sum' then says over which cell): " + copies_of_files(
                lambda arguments, file: attribute_command(
                    [ncatted_attribute("units", name_in_file(variable, key, file), "o", "c", amount)], arguments),
                files, name="units_of_sums"))
    if period == _HOUR and all(str(file).endswith(".nc") or str(file).endswith(".nc4") for file in files):
        said += ("; if they were of 30 minutes (GPM IMERG's half-hourly rates), half the sum is the total: "
                 + copies_of_files(lambda arguments, file: cdo_command(shlex.quote(
                     f"-setattribute,{name_in_file(variable, key, file)}@units={amount}") + " -mulc,0.5", arguments),
                     files, name="half_hourly_totals"))
    return (said + "; if the values are mean rates, give them with cell_methods 'time: mean'; better, from the "
            "steps themselves, cdo daymean or monmean in place of daysum or monsum keeps the rate's units and "
            "needs no factor")


def _per_second_fix(dataset: xr.Dataset, key: str, dim: str, where: str) -> str:
    """The way on for a rate per second said summed over longer cells: if the values are mean rates
    (CMIP's and ERA5's per-second rates are), the ``ncatted`` that says so in each file's copy, the
    time entries' ``sum`` made ``mean`` and the rest of its ``cell_methods`` kept
    (:func:`climann.data.cell_methods.with_time_method`); if they are sums of rates, the means
    that replace them."""
    from climann.data.shell import attribute_command, copies_of_files, ncatted_attribute
    from climann.data.sources import name_in_file, source_files

    variable = dataset[key]
    mean = with_time_method(str(variable.attrs["cell_methods"]), "sum", "mean", dim)
    files = source_files(variable) or [where]
    said = copies_of_files(lambda arguments, file: attribute_command(
        [ncatted_attribute("cell_methods", name_in_file(variable, key, file), "o", "c", mean)], arguments),
        files, name="mean_rates")
    return (f"if each value is the mean rate over its cell (as CMIP's and ERA5's rates per second are), its "
            f"cell_methods should say '{mean}': {said}; if each is a sum of rates, give their mean instead (cdo "
            f"daymean, monmean in place of daysum, monsum), or their total in the units of an amount")

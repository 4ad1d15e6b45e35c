"""What a value is over its time cell when its ``cell_methods`` do not say: a total or a mean.

A daily value stamped at 00:00 without time bounds is read as the day beginning there, and the
warning that says so names what each value is over that day: its ``cell_methods`` over time
decide (:func:`~climann.data.cell_methods.time_value_word`, CF 1.8 section 7.3); without them an
amount accumulated over the cell, in units of an amount (m or mm of water, kg m-2, J m-2: none
per unit time) and named as one (ECMWF's accumulated parameters ``tp``, ``e``, ``ssrd`` …,
:data:`~climann.data.grib_conversions.ACCUMULATED_PARAMETERS`; a CF ``standard_name`` ending in
``_amount``; "precipitation", "runoff" in its name or ``long_name``) is its total, and a rate
(per unit time) or a state (snow depth, soil moisture, sea surface height, in m or kg m-2 too)
its mean. ERA5's daily ``tp`` in m was "the mean of the day" (fix47d).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from climann.data.cell_methods import time_cell_method, time_value_word
from climann.data.grib_conversions import accumulated_short_name
from climann.data.units import is_rate, parse_units
from climann.errors import ClimannError

__all__ = ["is_accumulated_amount", "is_amount_rate", "time_value_word_of", "totals_as_read"]


#: Words of a name, ``long_name`` or CF ``standard_name`` of an amount accumulated over time
#: (``precipitation_amount``, ``integral_wrt_time_of_…``, "daily precipitation", "runoff").
_ACCUMULATION_WORDS = re.compile(r"_amount\b|^integral_wrt_time_of_|precip|\brain|snowfall|evapo|runoff|melt|"
                                 r"accumulat|^pr$|^tp$", re.IGNORECASE)

#: The dimensions (pint) of an amount in its units: a depth (m, mm of water), a mass per area
#: (kg m-2) and an energy per area (J m-2, ERA5's ssrd): none per unit time.
_AMOUNT_DIMENSIONS = ({"[length]": 1}, {"[mass]": 1, "[length]": -2}, {"[mass]": 1, "[time]": -2})


def is_accumulated_amount(name: str, attrs: Mapping[str, object]) -> bool:
    """Whether a variable is an amount accumulated over each time cell (a total, not a mean):
    units of an amount (:data:`_AMOUNT_DIMENSIONS`: m, mm, kg m-2, J m-2; none per unit time), or
    none, and either ECMWF's accumulated parameter (by its name, ``GRIB_shortName``, ``long_name``
    or CDO ``code``: :func:`~climann.data.grib_conversions.accumulated_short_name`;
    ``GRIB_stepType = "accum"``) or words of an
    amount in its name, ``long_name`` or ``standard_name`` (:data:`_ACCUMULATION_WORDS`). Snow
    depth, sea surface height and soil moisture, in m or kg m-2 too, are states: neither.

    Examples
    --------
    >>> is_accumulated_amount("tp", {"units": "m"}), is_accumulated_amount("precip", {"units": "mm"})
    (True, True)
    >>> is_accumulated_amount("tp", {"units": "mm day-1"}), is_accumulated_amount("zos", {"units": "m"})
    (False, False)
    """
    units = str(attrs.get("units", "")).strip()
    if units and not _amount_units(units):
        return False
    if str(attrs.get("GRIB_stepType", "")) == "accum" or accumulated_short_name(name, attrs):
        return True
    return any(_ACCUMULATION_WORDS.search(str(text)) for text in
               (name, attrs.get("long_name", ""), attrs.get("standard_name", "")))


def is_amount_rate(name: str, attrs: Mapping[str, object]) -> bool:
    """Whether a variable is the rate of an amount accumulated over time: units per unit time (``mm/month``,
    ``kg m-2 s-1``) and words of an amount in its name, ``long_name`` or ``standard_name``
    (:data:`_ACCUMULATION_WORDS`: CHIRPS's ``precip``). Its value over a time cell is its mean rate there,
    which in ``mm/month`` over a month is that month's total: said "the mean rate of the month", not "the
    mean" (break56b A5). A wind speed or a discharge, per unit time too, is neither.

    Examples
    --------
    >>> is_amount_rate("precip", {"units": "mm/month"}), is_amount_rate("ws", {"units": "m s-1"})
    (True, False)
    >>> is_amount_rate("precip", {"units": "mm"})
    False
    """
    return is_rate(str(attrs.get("units", "")) or None) and any(
        _ACCUMULATION_WORDS.search(str(text)) for text in (name, attrs.get("long_name", ""),
                                                           attrs.get("standard_name", "")))


def _amount_units(units: str) -> bool:
    """Whether ``units`` are of an amount (:data:`_AMOUNT_DIMENSIONS`); False when unreadable."""
    try:
        dimensions = dict(parse_units(units, variable="").dimensionality)
    except ClimannError:
        return False
    return dimensions in _AMOUNT_DIMENSIONS


def time_value_word_of(name: str, attrs: Mapping[str, object], time_name: str = "time") -> str:
    """What each value of a variable is over its time cell, in one word for a sentence: its
    ``cell_methods`` over time when they say it (:func:`~climann.data.cell_methods.time_value_word`),
    else ``"total"`` for an accumulated amount (:func:`is_accumulated_amount`: ERA5's daily ``tp``
    in m was called "the mean of the day" in the warning about its 00 UTC stamps, fix47d) and
    ``"mean"`` for a rate or a state.

    Examples
    --------
    >>> time_value_word_of("tp", {"units": "m"}), time_value_word_of("t2m", {"units": "K"})
    ('total', 'mean')
    >>> time_value_word_of("tp", {"units": "m", "cell_methods": "time: maximum"})
    'value'
    >>> time_value_word_of("t2m", {"units": "K", "GRIB_stepType": "max"})
    'value'
    """
    method = attrs.get("cell_methods")
    if time_cell_method(str(method or ""), time_name) is not None:
        return time_value_word(str(method), time_name)
    if str(attrs.get("GRIB_stepType", "")).strip().lower() in ("max", "min"):
        return "value"  # the CDS's daily maximum was "the mean of the day" (break52a A6)
    return "total" if is_accumulated_amount(name, attrs) else "mean"


def totals_as_read(cell_methods: Mapping[str, str] | None, units: Mapping[str, str],
                   records: Mapping[str, Mapping] | None = None) -> dict[str, str]:
    """A run's recorded ``cell_methods`` of its inputs (``cell_methods``, by variable) with ``time: sum``
    for each variable that training read as the total of each time cell though its ``cell_methods``
    say nothing of time (:func:`time_value_word_of`: an accumulated amount in ``units``, by its name or
    its recorded ``standard_name`` in ``records``), so that a rate converts to it by each cell's
    length (:func:`climann.data.units.convert_dataset`). TerraClimate's monthly ``ppt`` in ``mm``
    (``precipitation_amount``) was read by train as "the total of the month beginning there" while
    evaluate refused it in ``mm/day`` as an amount that does not say its period (break54b A6): an
    amount accumulated over a cell can only be that cell's total, so both now read it so.

    Parameters
    ----------
    cell_methods : mapping of str to str, optional
        Each variable's ``cell_methods`` as the run recorded them (``""`` or absent: none).
    units : mapping of str to str
        Each variable's units in the run.
    records : mapping of str to mapping, optional
        What the run knows of each variable (:func:`climann.data.quantities.quantity_record`).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> totals_as_read({}, {"ppt": "mm", "tmax": "degC"}, {"ppt": {"standard_name": "precipitation_amount"}})
    {'ppt': 'time: sum'}
    """
    methods = dict(cell_methods or {})
    for name, to in units.items():
        attrs = {**dict((records or {}).get(name) or {}), "units": to}
        if time_cell_method(str(methods.get(name) or "")) is None and is_accumulated_amount(name, attrs):
            methods[name] = "time: sum"
    return methods

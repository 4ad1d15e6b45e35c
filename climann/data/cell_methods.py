"""What a variable's values stand for over time: the time part of its CF ``cell_methods``.

``cell_methods`` (CF conventions 1.8, section 7.3) is a list of entries
``name: [name: …] method [where type [over type]] [within|over period] [(comment)]``, each
saying how the values were obtained along the named axes: ``"area: mean time: maximum"`` is
an area mean of daily maxima, ``"time: point"`` an instantaneous value, ``"time: mean within
years time: mean over years"`` a climatology (section 7.4). The names are dimension names,
standard names of scalar coordinates, or ``area``.

A model trained on monthly means (``time: mean``) given monthly maxima (``time: maximum``)
under the same variable name predicts from, or is scored against, another quantity; only
this attribute tells the two apart. climann compares the time part only: the entries naming
the time axis (by its name or ``time``), methods and qualifiers, comments left out (an
``(interval: 1 hr)`` says how the mean was sampled, not what it is).

cf_xarray's ``parse_cell_methods_attr`` reads ``cell_measures``-like pairs (``area:
areacella``) and fails on ``area: time: mean`` or ``where land``, so the grammar is read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CellMethod", "over_each_cell", "parse_cell_methods", "time_cell_method", "time_value_word",
           "with_time_method", "within_years_method", "without_time_entries"]

_COMMENT = re.compile(r"\([^)]*\)")
_NAME = re.compile(r"(\S+?)\s*:(?=\s|$)")
_PORTION = re.compile(r"\bwhere\s+\S+(?:\s+over\s+(?!days\b|years\b|hours\b)\S+)?")


@dataclass(frozen=True)
class CellMethod:
    """One entry of ``cell_methods``: the axes it applies to and the method with its
    qualifiers (``"maximum"``, ``"mean where land"``, ``"mean within years"``)."""

    names: tuple[str, ...]
    method: str

    def __str__(self) -> str:
        return " ".join(f"{name}:" for name in self.names) + f" {self.method}"


def parse_cell_methods(text: str) -> list[CellMethod]:
    """The entries of a CF ``cell_methods`` attribute, in order (CF 1.8 section 7.3).

    Parameters
    ----------
    text : str
        The attribute, e.g. ``"area: mean where land time: maximum (interval: 1 hr)"``.

    Returns
    -------
    list of CellMethod
        Comments in parentheses are left out; an entry without a method, or text before the
        first name, is skipped (a malformed attribute says nothing it can be held to).

    Examples
    --------
    >>> [str(entry) for entry in parse_cell_methods("area: time: mean where land lat: maximum")]
    ['area: time: mean where land', 'lat: maximum']
    """
    text = _COMMENT.sub(" ", str(text))
    entries: list[CellMethod] = []
    names: list[str] = []
    position = 0
    for found in _NAME.finditer(text):
        method = " ".join(text[position:found.start()].split())
        if names and method:
            entries.append(CellMethod(tuple(names), method))
            names = []
        names.append(found.group(1))
        position = found.end()
    method = " ".join(text[position:].split())
    if names and method:
        entries.append(CellMethod(tuple(names), method))
    return entries


def time_cell_method(text: str | None, time_name: str = "time") -> str | None:
    """The time part of a ``cell_methods`` attribute: its entries over the time axis, as
    ``"time: <method>"`` joined by spaces; None when the attribute is absent or says nothing
    about time (nothing to compare).

    A ``where type [over type]`` qualifier (CF 1.8 section 7.3.3) names the portion of the
    cell the values describe (land, sea ice), not how time was treated, and is left out:
    ``area: mean where land time: mean`` (CMIP6's ``Lmon`` style) and ``area: time: mean
    where land`` have the same time part, ``time: mean``. The climatological qualifiers
    ``within``/``over`` a period (section 7.4) stay.

    Parameters
    ----------
    text : str or None
        The attribute.
    time_name : str
        The time dimension's name in the file (``time``, ``t``, ``time_counter``); ``time``,
        the standard name, is always recognised.

    Examples
    --------
    >>> time_cell_method("area: mean time: maximum")
    'time: maximum'
    >>> time_cell_method("area: mean") is None
    True
    >>> time_cell_method("area: time: mean where land")  # the portion of the cell, not time
    'time: mean'
    """
    if not text:
        return None
    parts = [f"time: {_PORTION.sub(' ', entry.method).strip()}" for entry in parse_cell_methods(text)
             if {"time", time_name} & set(entry.names)]
    return " ".join(" ".join(part.split()) for part in parts) or None


_MEAN_OVER_YEARS = re.compile(r"^time: (?P<within>.+?) within years time: mean over years$")


def within_years_method(method: str | None) -> str | None:
    """The time part of a climatology of means over years (CF §7.4), ``time: X within years
    time: mean over years``, as the quantity each year gave: ``time: X``, what a series of
    ``time: X`` values averages to, year by year, for each period of the year (a model trained
    on monthly means predicts a monthly climatology's means). Any other time part (a series', a
    climatology of another statistic over years) as it is.

    Parameters
    ----------
    method : str or None
        A time part, from :func:`time_cell_method`.

    Examples
    --------
    >>> within_years_method("time: maximum within years time: mean over years")
    'time: maximum'
    >>> within_years_method("time: mean within years time: maximum over years")
    'time: mean within years time: maximum over years'
    """
    found = _MEAN_OVER_YEARS.match(method or "")
    return method if found is None else f"time: {found['within']}"


def with_time_method(text: str, old: str, new: str, time_name: str = "time") -> str:
    """The ``cell_methods`` attribute with the method ``old`` of its entries over time replaced
    by ``new``, the rest (other axes, qualifiers, comments) kept as written.

    Converting a monthly total in ``mm month-1`` to a rate by the days of its month
    (:func:`climann.data.units.convert_variable`) turns a ``time: sum`` into a ``time: mean``.

    Parameters
    ----------
    text : str
        The attribute.
    old, new : str
        Methods (CF 1.8 section 7.3, Appendix E: ``sum``, ``mean``, …).
    time_name : str
        The time dimension's name; ``time`` is always recognised.

    Examples
    --------
    >>> with_time_method("area: mean time: sum (interval: 1 day)", "sum", "mean")
    'area: mean time: mean (interval: 1 day)'
    >>> with_time_method("area: time: sum where land", "sum", "mean")
    'area: time: mean where land'
    """
    names = "|".join(map(re.escape, dict.fromkeys(["time", time_name])))
    entry = re.compile(rf"((?:^|\s)(?:[^\s:()]+:\s+)*(?:{names}):\s+(?:[^\s:()]+:\s+)*){re.escape(old)}(?=\s|\(|$)")
    return entry.sub(lambda found: found.group(1) + new, str(text))


#: Methods that, applied within the days (or hours …) of a cell and then over those days, are
#: the same method over the whole cell: a sum of sums is the sum, a maximum of maxima the
#: maximum; a mean of daily means the mean (days of equal length).
_SAME_OVER_PARTS = ("sum", "mean", "maximum", "minimum")
_WITHIN_OVER = re.compile(r"time: (?P<method>\w+) within (?P<part>\w+) time: (?P=method) over (?P=part)")


def over_each_cell(time_method: str | None) -> str | None:
    """A time part (:func:`time_cell_method`) of a variable on ordinary time cells, as the
    method over each whole cell: ``"time: sum within days time: sum over days"`` is
    ``"time: sum"``.

    CF 1.8 section 7.4 gives ``within``/``over`` to climatological statistics, on a time axis
    with a ``climatology`` attribute; Daymet v4 (ORNL DAAC) writes the same two entries on its
    monthly and annual totals (``prcp``: ``area: mean time: sum within days time: sum over
    days``), whose time cells are ordinary months: the daily totals summed over the days of the
    month, the monthly total. For ``sum``, ``mean``, ``maximum`` and ``minimum`` the method
    within the parts then over them is the method over the cell; other pairs (the mean of
    daily maxima, ``time: maximum within days time: mean over days``) are left as they are.
    Call it only for variables whose time axis is no climatology.

    Examples
    --------
    >>> over_each_cell("time: sum within days time: sum over days")
    'time: sum'
    >>> over_each_cell("time: maximum within days time: mean over days")
    'time: maximum within days time: mean over days'
    """
    if time_method is None:
        return None
    found = _WITHIN_OVER.fullmatch(time_method)
    if found is None or found["method"] not in _SAME_OVER_PARTS:
        return time_method
    return f"time: {found['method']}"


def without_time_entries(text: str | None, time_name: str = "time") -> str:
    """The ``cell_methods`` attribute's entries over other axes than time (``"area: mean"``),
    comments left out: what an advice that states the time method afresh keeps."""
    return " ".join(str(entry) for entry in parse_cell_methods(str(text or ""))
                    if not {"time", time_name} & set(entry.names))


#: What one value is over its time cell, by the method of the last time entry (CF 1.8 section
#: 7.3: entries are applied in the order written, so the last is the one over the whole cell);
#: any other method (``maximum``, ``point`` …) gives "value".
_VALUE_WORDS = {"sum": "total", "mean": "mean"}


def time_extreme(text: str | None, time_name: str = "time") -> str | None:
    """``"maximum"`` or ``"minimum"`` when a variable's value is that extreme over its time cell
    (the last entry over time, CF 1.8 section 7.3, as :func:`time_value_word`), else None: the
    yearly value of monthly maxima (ETCCDI's ``rx1dayETCCDI``, ``time: maximum``) is their
    maximum, ``cdo yearmax``, not their mean (break45d A3: 8.3 mm below the annual Rx1day).

    Examples
    --------
    >>> time_extreme("area: mean time: maximum"), time_extreme("time: minimum within days time: mean over days")
    ('maximum', None)
    """
    entries = [entry for entry in parse_cell_methods(str(text or "")) if {"time", time_name} & set(entry.names)]
    if not entries:
        return None
    method = entries[-1].method.split()[0]
    return method if method in ("maximum", "minimum") else None


def time_value_word(text: str | None, time_name: str = "time") -> str:
    """What a variable's value is over its time cell, in one word for a sentence: ``"total"``
    (``time: sum``), ``"mean"`` (``time: mean``, or nothing said about time: the reading
    climann assumes) or ``"value"`` (any other method).

    The last entry over time decides (CF 1.8 section 7.3, methods applied in the order
    written): xclim's growing degree days, ``time: mean within days time: sum over days``,
    are a sum over the days of the month of daily means, a monthly total (break35b D2).

    Parameters
    ----------
    text : str or None
        The ``cell_methods`` attribute.
    time_name : str
        The time dimension's name in the file; ``time`` is always recognised.

    Examples
    --------
    >>> time_value_word("area: mean time: mean within days time: sum over days")
    'total'
    >>> time_value_word("time: maximum")
    'value'
    >>> time_value_word(None)
    'mean'
    """
    entries = [entry for entry in parse_cell_methods(str(text or "")) if {"time", time_name} & set(entry.names)]
    if not entries:
        return "mean"
    return _VALUE_WORDS.get(entries[-1].method.split()[0], "value")

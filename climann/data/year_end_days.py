"""Days of the year that wrap past 31 December: a southern-hemisphere greenup at day 360 one year and 5 the next.

A day of year (DOY: 1 on 1 January, 365 or 366 on 31 December) lies on a circle as a direction
does (:mod:`climann.data.circular`): 365 and 1 are one day apart, but as numbers 364. A date that
falls around the year end at a cell — the greenup of a southern-hemisphere grassland, the onset of a
northern snow cover, a winter minimum — is written 300…365 one year and 1…40 the next, and a
network trained with J = 1/(2m) Σ(ŷ − y)², its MSE and its climatology (the mean of 360 and 5 is
182.5, midwinter for midsummer) are all wrong, without a sign (break42a A7: test climatology RMSE
135.0 days where the circular error ((y − c + 182.5) mod 365) − 182.5 gives 10.43).

A variable is a day of year (:func:`is_day_of_year`) by its units (``day of year``, ``DOY``,
``julian day`` …: :data:`DAY_OF_YEAR_UNITS`) or, with no units, units ``1`` or ``day``, by its
``long_name`` (:data:`DAY_OF_YEAR_WORDS`) or, when that says nothing of it, by its name
(:func:`day_of_year_name`: ``doy``, ``dayofyear``, ``julian_day``, a phenology onset or end of
season, ``sos``, ``greenup``, ``snow_onset``) with no ``long_name`` and every value within 1…366 (fix44e: ``doy(time,
lat, lon)`` in plain ``day`` of an onset wrapping at the new year trained as straight days, test RMSE
122.6 days). It wraps at a cell (:func:`planned_year_end_cells`,
every value read, in the read of :mod:`climann.data.value_checks`) when all its values there lie
within 0…366, some within :data:`YEAR_END_REACH` days after 1 January (≤ 60) and some within as
many before 31 December (≥ 306), and none in the middle of the year (:data:`MIDDLE`, 121…245): the
dates cross the year end. A day of year that never wraps trains as before.

Wrapped, a target is refused (no score of it would be right), a predictor is warned of (the
model is a function of its inputs, its scores stay right). The way out is the same xarray line
(:func:`unwrapping_command`): in the cells that wrap, the days before the middle of the year
(≤ 183) are counted on from the year before (+ 365: 5 becomes 370), so that each cell's dates
are numbers on a line again; the copy's units are ``day`` (a day of year is a count of days).

The same check reads new data (``climann evaluate RUN --data``, ``climann predict``): a day of
year there is refused or warned of as in training. Units ``day`` alone say a count of days, no
date: the advice for a day of year's unreadable units (``day of year`` → ``day``,
:func:`climann.data.units.warn_unreadable_units`) writes a ``long_name`` that says day of year
with them when the file's does not, or the copy's dates crossing 31 December were trained on and
scored as numbers (fix43b: a run trained on the days counted on scored the raw dates given so
with RMSE 158.8 days, against 0.088 for the same dates counted on, 2016–2019).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_place, time_dimension
from climann.data.notes import note_once
from climann.data.shell import in_place_note, source_and_copy, xarray_command
from climann.data.sources import name_in_file, variable_where
from climann.data.units import DAY_OF_YEAR_UNITS, DAY_OF_YEAR_WORDS
from climann.errors import ClimannError

__all__ = ["DAY_OF_YEAR_WORDS", "MIDDLE", "YEAR_END_REACH", "YearEndCells", "day_of_year_name", "is_day_of_year",
           "planned_year_end_cells", "refuse_or_warn_year_end", "unwrapping_command"]

_log = logging.getLogger(__name__)

#: Units that do not contradict a day of year said by the long_name.
_PLAIN_UNITS = ("", "1", "day", "days", "d")
#: Days after 1 January and before 31 December within which a date is near the year end.
YEAR_END_REACH = 60
#: The middle of the year (days of year, inclusive) that a date crossing the year end never reaches.
MIDDLE = (121, 245)
#: The day of the year before which a wrapping cell's dates are counted on from the year before.
_SPLIT = 183


#: Names of a day of year, beside :data:`DAY_OF_YEAR_WORDS` (``doy``, ``day_of_year``, ``julian_day``):
#: ``dayofyear``, ``jday``, and the dates of phenology and season events (MODIS MCD12Q2's ``Greenup`` …
#: ``Dormancy``, TIMESAT's ``sos``/``eos``/``pos``, ``onset``, ``snow_onset``, ``monsoon_onset_date``).
_DAY_OF_YEAR_NAMES = re.compile(
    r"(?:^|[_\-.])(?:dayofyear|jday|julday|onset|sos|eos|pos|(?:mid_?)?green_?up|(?:mid_?)?green_?down|dormancy|"
    r"senescence|maturity|(?:start|end|peak)_of_(?:the_)?(?:growing_)?season)(?:[_\-.](?:date|day|doy))?$",
    re.IGNORECASE)


def day_of_year_name(name: str) -> bool:
    """Whether a variable's name says a day of the year: the words of :data:`DAY_OF_YEAR_WORDS`
    (``doy``, ``day_of_year``, ``julian_day``) or a name of :data:`_DAY_OF_YEAR_NAMES` (``dayofyear``,
    ``sos``, ``greenup``, ``snow_onset``). Evidence only with plain units and values within 1…366
    (:func:`planned_year_end_cells`): ``sos`` in days since 1970 is a date, not a day of year.

    Examples
    --------
    >>> day_of_year_name("doy"), day_of_year_name("snow_onset"), day_of_year_name("los"), day_of_year_name("pose")
    (True, True, False, False)
    """
    return bool(DAY_OF_YEAR_WORDS.search(name) or _DAY_OF_YEAR_NAMES.search(name))


def _named_only(name: str, attrs: Mapping) -> bool:
    """Whether only the name says a day of year (:func:`day_of_year_name`): plain units, and no
    ``long_name`` (one that says something else is the file's word on what it is, and the way out
    of a name read wrongly)."""
    units = str(attrs.get("units", "")).strip()
    return units.lower() in _PLAIN_UNITS and not str(attrs.get("long_name", "")).strip() and day_of_year_name(name)


def is_day_of_year(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a day of the year, by its units or, with plain units, its long_name.

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``units``, ``long_name``).

    Examples
    --------
    >>> is_day_of_year("greenup", {"units": "day of year"}), is_day_of_year("sos", {"long_name": "start DOY"})
    (True, True)
    >>> is_day_of_year("los", {"units": "days", "long_name": "length of season"})
    False
    """
    units = str(attrs.get("units", "")).strip()
    if DAY_OF_YEAR_UNITS.fullmatch(units):
        return True
    return units.lower() in _PLAIN_UNITS and bool(DAY_OF_YEAR_WORDS.search(str(attrs.get("long_name", ""))))


@dataclass(frozen=True)
class YearEndCells:
    """Of one day-of-year variable: how many cells (stations, points) wrap past 31 December.

    Attributes
    ----------
    wrapping : int
        The cells whose values lie near both ends of the year and never in its middle.
    present : int
        The cells that hold a value.
    whole : bool
        Whether the values of every cell together do so: dates of one season around the year end,
        some cells' all after 1 January, others' all before 31 December.
    named_only : bool
        Whether only its name (and its values within 1…366) says a day of year, not its units or
        long_name (:func:`day_of_year_name`).
    """

    wrapping: int
    present: int
    whole: bool = False
    named_only: bool = False


def _block_flags(block: np.ndarray, time_axis: int | None) -> tuple[np.ndarray, ...]:
    """Of one block, per cell along ``time_axis``: whether any value is ≤ 60, ≥ 306, in the middle
    of the year, outside 0…366 (no calendar day of year), present, and below 1 (no day of a year
    counted from 1, for a day of year said by its name alone)."""
    values = np.asarray(block, dtype=np.float64)
    values = values[np.newaxis] if time_axis is None else np.moveaxis(values, time_axis, 0)
    present = ~np.isnan(values)
    low = present & (values <= YEAR_END_REACH)
    high = present & (values >= 366 - YEAR_END_REACH)
    middle = present & (values >= MIDDLE[0]) & (values <= MIDDLE[1])
    outside = present & ((values < 0) | (values > 366))
    below_one = present & (values < 1)
    return tuple(flags.any(axis=0) for flags in (low, high, middle, outside, present, below_one))


def planned_year_end_cells(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads that count, for each day-of-year variable of ``names`` (:func:`is_day_of_year`),
    the cells whose values wrap past 31 December (see the module), every value read, to be
    computed with the other checks of every value (:func:`~climann.data.fill_like.read_together`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    names : sequence of str
        The variables (those absent, of no numbers or no day of year have no reads).
    shared : sequence of str
        Those whose blocks keep the file's keys, as the other checks read them.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: ``{name: YearEndCells}`` of the variables that wrap at one cell or more.
    """
    tasks, layout = [], []
    for name in names:
        if name not in dataset.data_vars or dataset[name].dtype.kind not in "iuf":
            continue
        variable = dataset[name]
        named_only = _named_only(name, variable.attrs)
        if not (named_only or is_day_of_year(name, variable.attrs)):
            continue
        time = time_dimension(variable)
        axis = None if time is None else variable.dims.index(time)
        shape = tuple(size for number, size in enumerate(variable.shape) if number != axis)
        places = []
        for block, offsets in blocks_by_place(variable.data, shared=name in shared):
            tasks.append(dask.delayed(_block_flags)(block, axis))
            places.append(tuple(offset for number, offset in enumerate(offsets) if number != axis))
        layout.append((name, shape, places, named_only))

    def finish(parts: Sequence[tuple[np.ndarray, ...]]) -> dict[str, YearEndCells]:
        found, start = {}, 0
        for name, shape, places, named_only in layout:
            flags = [np.zeros(shape, bool) for _ in range(6)]
            for place, part in zip(places, parts[start:start + len(places)], strict=True):
                region = tuple(slice(first, first + size) for first, size in zip(place, part[0].shape, strict=True))
                for joined, block in zip(flags, part, strict=True):
                    joined[region] |= block
            start += len(places)
            low, high, middle, outside, present, below_one = flags
            if outside.any() or (named_only and below_one.any()):
                continue  # not calendar days of the year (or counted on past 31 December already)
            if low.any() and high.any() and not middle.any():
                found[name] = YearEndCells(int((low & high).sum()), int(present.sum()), whole=True,
                                           named_only=named_only)
            elif wrapping := int((low & high & ~middle).sum()):
                found[name] = YearEndCells(wrapping, int(present.sum()), named_only=named_only)
        return found

    return BlockReads(tasks, finish)


def unwrapping_command(variable: xr.DataArray, name: str, *, whole: bool = False) -> str:
    """One xarray line that writes a copy of ``variable``'s file in which, at each cell whose
    dates wrap past 31 December (see the module), the days of the year up to 183 are counted on from
    the year before (+ 365), units ``day``; other cells as they are. With ``whole`` (the values of
    every cell together lie around the year end, :class:`YearEndCells`) every value up to 183 is:
    a cell whose dates all fall after 1 January is counted on like its neighbours.

    Parameters
    ----------
    variable : xarray.DataArray
        The day of year as opened (its ``encoding["source"]`` names its file).
    name : str
        Its name in climann.

    whole : bool
        Every cell's values, not only those of the cells that wrap.

    Returns
    -------
    str
    """
    stored = name_in_file(variable, name)
    time = time_dimension(variable)
    along = f"{time!r}" if time is not None else "()"
    low, high = YEAR_END_REACH, 366 - YEAR_END_REACH
    what = str(variable.attrs.get("long_name") or name)
    attrs = {"units": "day", "long_name": f"{what}, counted on past 31 December (366 = 1 January) where it wraps"}
    if whole:
        return xarray_command([f"g = d[{stored!r}]", f"d[{stored!r}] = g.where(g > {_SPLIT}, g + 365)"
                               f".assign_attrs({attrs!r})"], source_and_copy(variable, suffix="unwrapped"),
                              suffix="unwrapped")
    statements = [
        f"g = d[{stored!r}]",
        f"w = (g <= {low}).any({along}) & (g >= {high}).any({along}) & ~((g >= {MIDDLE[0]}) & (g <= {MIDDLE[1]}))"
        f".any({along})",
        f"d[{stored!r}] = g.where(~w | (g > {_SPLIT}), g + 365).assign_attrs({attrs!r})",
    ]
    return xarray_command(statements, source_and_copy(variable, suffix="unwrapped"), suffix="unwrapped")


_WHY = ("a day of the year lies on a circle: 365 and 1 are one day apart, but as numbers 364, so squared errors, means "
        "and the climatology read dates across the year end as far apart (the mean of 360 and 5 is 182.5)")


def refuse_or_warn_year_end(dataset: xr.Dataset, found: Mapping[str, YearEndCells], target: str | None, *,
                            where: str) -> None:
    """Refuse a target whose days of the year wrap past 31 December at some cells (``found``,
    :func:`planned_year_end_cells`); warn of a predictor that does, one line each.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    found : mapping of str to YearEndCells
        The day-of-year variables that wrap.
    target : str or None
        The run's target.
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        If the target wraps, with the xarray line that counts its dates on past 31 December
        (:func:`unwrapping_command`).
    """
    for name, cells in found.items():
        variable = dataset[name]
        copy = source_and_copy(variable, suffix="unwrapped")
        line = f"{unwrapping_command(variable, name, whole=cells.whole)}{in_place_note(copy)}"
        at = (f"(all its {cells.present} cells together, {cells.wrapping} of them each"
              if cells.whole else f"at {cells.wrapping} of its {cells.present} cells (each")
        how = (f" (by its name, in units '{variable.attrs.get('units', '')}' with every value within 1…366; if it "
               f"is no day of year, give it a long_name that says what it is)" if cells.named_only else "")
        said = (f"'{name}' in {variable_where(variable, where)} is a day of the year{how} whose values cross 31 "
                f"December {at}: some within {YEAR_END_REACH} days after 1 January, some within {YEAR_END_REACH} days "
                f"before 31 December, none between days {MIDDLE[0]} and {MIDDLE[1]}): {_WHY}")
        if name == target:
            raise ClimannError(f"the target {said}, so its loss and every score of it would be wrong; count the dates "
                               f"on past 31 December (366 = 1 January) in a copy: {line}")
        note_once(_log, logging.WARNING, f"the predictor {said}, so the network reads dates near the year end as far "
                                         f"apart (its scores stay right); to give them as a line: {line}")

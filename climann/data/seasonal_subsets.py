"""Seasonal subsets: a series of monthly or finer steps that holds the same calendar months of
every year and none of the others (June to August of 1991–2020, as ``cdo selseas,JJA`` cuts).

Such a series is read on its own step (monthly, daily), with the months between seasons as gaps:
its climatology is per calendar month (or day of year), persistence and lags count calendar
months (or days), and the first step of each season has no step before it in the data. These
functions name the subset, so that ``climann info`` and the warnings about persistence and lags
missing at the start of each season say why.
"""

from __future__ import annotations

from calendar import month_name
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The meteorological seasons by their months, in the order they run (DJF: December with the
#: January and February after it).
_SEASON_LETTERS = {(12, 1, 2): "DJF", (3, 4, 5): "MAM", (6, 7, 8): "JJA", (9, 10, 11): "SON"}


@dataclass(frozen=True)
class SeasonalSubset:
    """The calendar months a seasonal subset holds of every year.

    Attributes
    ----------
    months : tuple of int
        The months (1–12) in the order they run through the season: (12, 1, 2) for DJF, whose
        December goes with the January and February after it; in calendar order when the months
        held are not one run.
    """

    months: tuple[int, ...]

    @property
    def text(self) -> str:
        """The months in words: "June to August (JJA)", "December to February (DJF)", "July
        and August", "January, March and May"."""
        if self.is_one_run and len(self.months) > 2:
            letters = _SEASON_LETTERS.get(self.months)
            named = f"{month_name[self.months[0]]} to {month_name[self.months[-1]]}"
            return f"{named} ({letters})" if letters else named
        names = [month_name[month] for month in self.months]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def is_one_run(self) -> bool:
        """Whether the months follow one another (across the new year: December, January)."""
        return all((later - earlier) % 12 == 1 for earlier, later in zip(self.months[:-1], self.months[1:]))

    @property
    def selection(self) -> str:
        """The option that selects these months: ``--seasons DJF`` for a meteorological
        season, else ``--months 11,12,1,2,3``."""
        letters = _SEASON_LETTERS.get(self.months)
        return f"--seasons {letters}" if letters else f"--months {','.join(map(str, self.months))}"

    @property
    def season_start(self) -> str:
        """The month whose step before is between seasons, as messages name it: "June"."""
        return month_name[self.months[0]]


def seasons_cut_by_calendar_years(times: Sequence, labels: Sequence[str]) -> tuple[SeasonalSubset | None, list[str]]:
    """The seasons of a seasonal subset across the new year (DJF) that a split by calendar
    years puts in two blocks, as messages name them: ``"December 2012 in train, January to
    February 2013 in val"``.

    A split by calendar years (:func:`~climann.data.splits.split_time_blocks` without
    ``--seasons``) cuts one winter at each boundary between its blocks: the months of one
    season, strongly autocorrelated, on both sides (December 2012 trained on, January 2013
    scored in ``val``). With ``--seasons DJF`` the split counts December with the next year
    (:func:`~climann.data.splits.season_years`), and no winter is cut.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order, each dated in the month its value is of.
    labels : sequence of str, shape (n_time,)
        The block of each step (``""`` for none: :meth:`~climann.data.splits.TimeSplit.labels`).

    Returns
    -------
    subset : SeasonalSubset or None
        The subset (:func:`seasonal_subset`); None when the axis is none or its season does not
        cross the new year (then nothing is cut).
    cut : list of str
        One text per season held in more than one block; empty when none is.
    """
    subset = seasonal_subset(times)
    if subset is None or not subset.is_one_run or subset.months[0] <= subset.months[-1]:
        return None, []
    by_season: dict[int, list[tuple[object, str]]] = {}
    for time, label in zip(times, labels):
        if label:
            later = time.month < subset.months[0]  # January, February of DJF: the season of the year before's December
            by_season.setdefault(time.year - later, []).append((time, str(label)))
    cut = []
    for steps in by_season.values():
        blocks: dict[str, list] = {}
        for time, label in steps:
            blocks.setdefault(label, []).append(time)
        if len(blocks) > 1:
            cut.append(", ".join(f"{_months_text(held)} in {label}" for label, held in blocks.items()))
    return subset, cut


def _months_text(times: Sequence) -> str:
    """``"December 2012"``, ``"January to February 2013"``: the months of one block of a season."""
    first, last = times[0], times[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{month_name[first.month]} {first.year}"
    return f"{month_name[first.month]} to {month_name[last.month]} {last.year}"


def seasonal_subset(times: Sequence) -> SeasonalSubset | None:
    """The seasonal subset a time axis is, or None.

    A seasonal subset holds some but not all of the 12 calendar months, the same ones in every
    year between its first and last (those two may hold part of them: a DJF series from December
    1991 to February 2020), over at least two calendar years; and the pattern repeats: each month
    held is held in two years, or each month left out is missing in two years between the first
    and last months. A year from June to June with August and September missing (GRACE's
    mission gaps) holds October to May once: months missing, not a season (break53c A4: it was
    called "a seasonal subset, October to July of each year only").

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order; each dated in the month its value is of (the middle of its time cell).

    Returns
    -------
    SeasonalSubset or None
        None for fewer than two years, for an axis holding all 12 months (a series with a few
        months missing), and for one whose years hold different months.

    Examples
    --------
    >>> import cftime
    >>> june_to_august = [cftime.DatetimeGregorian(year, month, 16) for year in (1991, 1992) for month in (6, 7, 8)]
    >>> seasonal_subset(june_to_august).text
    'June to August (JJA)'
    """
    by_year: dict[int, set[int]] = {}
    for time in times:
        by_year.setdefault(time.year, set()).add(time.month)
    if len(by_year) < 2:
        return None
    held = set().union(*by_year.values())
    years = sorted(by_year)
    if len(held) == 12 or any(by_year[year] != held for year in years[1:-1]):
        return None
    if not (_held_twice(by_year, held) or _left_out_twice(times, held)):
        return None  # months missing once (GRACE's 2018-08/09 in a year cut June to June), no season: break53c A4
    return SeasonalSubset(_in_season_order(held))


def _held_twice(by_year: Mapping[int, set[int]], held: set[int]) -> bool:
    """Whether every month held is held in at least two years (June to August of 1991 and 1992)."""
    return all(sum(month in months for months in by_year.values()) >= 2 for month in held)


def _left_out_twice(times: Sequence, held: set[int]) -> bool:
    """Whether every month left out lies between the axis's first and last months in at least
    two years (a season cut at both ends of the series: August 1991, JJA of 1992, June 1993):
    missing each time, not once."""
    first, last = (times[0].year, times[0].month), (times[-1].year, times[-1].month)
    years = range(first[0], last[0] + 1)
    return all(sum(first <= (year, month) <= last for year in years) >= 2
               for month in set(range(1, 13)) - held)


def _in_season_order(held: set[int]) -> tuple[int, ...]:
    """The months held, starting after the longest run of months left out (DJF: 12, 1, 2), so
    that a season across the new year runs in order; in calendar order when the months held
    are not one run."""
    ordered = sorted(held)
    gaps = [((later - earlier) % 12 or 12, index) for index, (earlier, later)
            in enumerate(zip(ordered, [*ordered[1:], ordered[0]]))]
    _, before_start = max(gaps)
    start = (before_start + 1) % len(ordered)
    return tuple(ordered[start:] + ordered[:start])

"""Train / validation / test splits as contiguous blocks of time, never at random.

Neighbouring time steps of a climate field are correlated: a random split would let the
network see the day after each test day. Contiguous blocks of whole years keep the test
period unseen.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import cftime
import numpy as np

from climann.data.seasonal_subsets import seasonal_subset
from climann.data.time_axis import (
    YEAR_SPAN, TimeStep, date_text, month_number, month_start, year_span, year_text, years_later,
)
from climann.errors import ClimannError

SPLIT_NAMES = ("train", "val", "test")


@dataclass(frozen=True)
class TimeSplit:
    """Which time steps belong to each block.

    Attributes
    ----------
    time_masks : dict of str to ndarray of bool, each shape (n_time,)
        ``{"train": …, "val": …, "test": …}``.
    descriptions : dict of str to str
        Human-readable extent of each block, e.g. ``"1980–1993"``, or its first and last
        dates where it does not cover those years whole (:func:`with_dated_descriptions`).
    year_ranges : dict of str to (first, last), optional
        The blocks as inclusive year ranges, when they are made of whole years.
    notes : tuple of str
        What the split did that the blocks' names do not say, for ``train.log``: a first or
        last year of a few steps counted with its neighbour (:func:`edge_years`).
    """

    time_masks: dict[str, np.ndarray]
    descriptions: dict[str, str]
    year_ranges: dict[str, tuple[int, int]] | None = None
    notes: tuple[str, ...] = ()

    def labels(self) -> np.ndarray:
        """The block name of each time step ('' for none), shape (n_time,)."""
        n_time = len(next(iter(self.time_masks.values())))
        labels = np.full(n_time, "", dtype=object)
        for name, mask in self.time_masks.items():
            labels[mask] = name
        return labels.astype(str)


#: The default fractions of the time steps (or years) in the train, val and test blocks
#: (``[data] split_fractions``).
DEFAULT_SPLIT_FRACTIONS = (0.7, 0.15, 0.15)


def _block_sizes(n_units: int, fractions: Sequence[float]) -> list[int]:
    """Split ``n_units`` into len(fractions) positive integer sizes close to the fractions."""
    sizes = [max(1, int(round(fraction * n_units))) for fraction in fractions[1:]]
    return [n_units - sum(sizes), *sizes]


#: A first or last year of the data holding fewer time steps than this share of the median
#: year between them is a stamping edge, not a year (:func:`edge_years`) …
EDGE_YEAR_SHARE = 0.01

#: … in a series of at least this many steps in that median year (sub-daily and daily data).
#: At a coarser step one step is more than 1 % of a year, and a first or last year of a few
#: pentads, months or one yearly map is real data of part of a year, warned of where it makes
#: a block alone (:func:`part_year_blocks`).
EDGE_YEAR_MIN_STEPS = 100


def edge_years(years: np.ndarray) -> dict[int, int]:
    """The first or last years of the data that are stamping edges, not years, each mapped to
    the neighbouring year it is counted with.

    Hourly data stamped in local time are brought to UTC by CF's time-zone offset: ``hours since
    2021-01-01 00:00:00 +08:00`` begins on 2020-12-31 16:00, and the 8 hours of 2020 count as a
    calendar year of their own (rerun41 R3: a split by years trained on them alone, model RMSE
    2.39e5 µg/m³ with exit 0). A first (last) year is such an edge when it holds fewer steps
    than :data:`EDGE_YEAR_SHARE` of the median number of steps of the years between the first and
    the last, in a series of at least :data:`EDGE_YEAR_MIN_STEPS` steps in that median year. The
    rule counts steps, not days, so that it holds at every time step: a time-zone offset (at most
    14 hours) moves 14 of 8 760 hourly steps, or one of 365 daily steps, into the year beside
    (0.16 %, 0.27 %); one yearly map, a month of monthly means or a pentad of pentad means is a
    step of real data (over 1 % of a year), which :func:`part_year_blocks` warns of instead.

    Parameters
    ----------
    years : ndarray of int, shape (n_time,)
        The (season) year of each step, in time order.

    Returns
    -------
    dict of int to int
        ``{2020: 2021}`` for the example above; empty when no year is such an edge (fewer than
        three years, no middle year of :data:`EDGE_YEAR_MIN_STEPS` steps).
    """
    distinct, counts = np.unique(np.asarray(years), return_counts=True)
    if distinct.size < 3:
        return {}
    typical = float(np.median(counts[1:-1]))  # the years between the first and the last: whole ones
    if typical < EDGE_YEAR_MIN_STEPS:
        return {}
    ends = ((distinct[0], distinct[1], counts[0]), (distinct[-1], distinct[-2], counts[-1]))
    return {int(edge): int(neighbour) for edge, neighbour, count in ends if count < EDGE_YEAR_SHARE * typical}


def split_time_blocks(years: np.ndarray, fractions: Sequence[float], *, gap_years: int = 0) -> TimeSplit:
    """Assign each time step to train, val or test as consecutive blocks of years.

    With at least three distinct years (after the gaps) the blocks are made of whole years
    (first the training years, then validation, then test), ``gap_years`` unused years
    between consecutive blocks; with fewer, of consecutive time steps. A first or last year
    that is a stamping edge (:func:`edge_years`: the 8 hours of 2020 of hourly data in local
    time +08:00 brought to UTC) and would make a block alone is counted with its neighbouring
    year, and the split made again (of two years left: by steps); the split's ``notes`` say
    so. An edge inside a block of other years is left there: those blocks hold a year's data
    and are those of runs trained before.

    Parameters
    ----------
    years : ndarray of int, shape (n_time,)
        Calendar year of each time step, in time order.
    fractions : sequence of 3 floats
        Fractions for train, val and test, adding up to 1.
    gap_years : int
        Years left out between train and val and between val and test.

    Returns
    -------
    TimeSplit

    Raises
    ------
    ClimannError
        If a block would be empty.
    """
    years = np.asarray(years)
    split = _consecutive_blocks(years, fractions, gap_years=gap_years)
    edges = {edge: neighbour for edge, neighbour in edge_years(years).items()
             if any(np.array_equal(mask, years == edge) for mask in split.time_masks.values())}
    if not edges:
        return split
    joined = years.copy()
    for edge, neighbour in edges.items():
        joined[years == edge] = neighbour
    notes = [_edge_year_note(years, edge, neighbour, split) for edge, neighbour in edges.items()]
    try:
        split = _consecutive_blocks(joined, fractions, gap_years=gap_years)
    except ClimannError as error:
        raise ClimannError(f"{error}; {'; '.join(notes)}") from None
    if split.year_ranges is not None:  # named, and recorded in config.toml, by the years they hold
        split = split_by_year_ranges(years, {name: (years[mask].min(), years[mask].max())
                                             for name, mask in split.time_masks.items()})
    else:
        left = np.unique(joined).size
        notes[-1] += (f"; the {left} year{'s' * (left != 1)} left are too few for blocks of whole years, so the "
                      f"series is split by consecutive time steps")
    return dataclasses.replace(split, notes=tuple(notes))


def _edge_year_note(years: np.ndarray, edge: int, neighbour: int, split: TimeSplit) -> str:
    """``"the data's first year, 2020, holds 8 time steps, under 1 % of the 8760 …: counted with
    2021 …"`` (``train.log``)."""
    distinct, counts = np.unique(years, return_counts=True)
    count, typical = int((years == edge).sum()), int(np.median(counts[1:-1]))
    first = edge == distinct[0]
    block = next(name for name, mask in split.time_masks.items() if np.array_equal(mask, years == edge))
    return (f"the data's {'first' if first else 'last'} year, {year_text(edge)}, holds {count} time "
            f"step{'s' * (count != 1)}, under {EDGE_YEAR_SHARE * 100:g} % of the {typical} of the median year "
            f"between the first and the last (an edge of the stamping, as of local times brought to UTC): counted "
            f"with {year_text(neighbour)} in the split by years, not made a {block} block of its own")


def _consecutive_blocks(years: np.ndarray, fractions: Sequence[float], *, gap_years: int) -> TimeSplit:
    """:func:`split_time_blocks` of ``years`` as they are (each distinct year a year)."""
    distinct = np.unique(years)
    usable = distinct.size - 2 * gap_years
    by_year = usable >= len(SPLIT_NAMES)
    if not by_year and gap_years:
        raise ClimannError(
            f"the data cover {distinct.size} years: too few for three blocks with {gap_years}-year gaps"
        )
    units = distinct if by_year else np.arange(years.size)
    sizes = _block_sizes(usable if by_year else units.size, fractions)
    if min(sizes) < 1:
        steps = f"{years.size} time step{'s' * (years.size != 1)} ({distinct.size} year{'s' * (distinct.size != 1)})"
        raise ClimannError(
            f"the data cover {steps}: too few to split into train, val and test blocks with fractions "
            f"{list(fractions)}; give a longer series (several files: --data 'folder/*.nc')"
        )
    ranges, start = {}, 0
    for name, size in zip(SPLIT_NAMES, sizes):
        chosen = units[start : start + size]
        ranges[name] = (chosen[0], chosen[-1])
        start += size + (gap_years if by_year else 0)
    if by_year:
        return split_by_year_ranges(years, ranges)
    steps = np.arange(years.size)
    masks = {name: (steps >= first) & (steps <= last) for name, (first, last) in ranges.items()}
    return TimeSplit(masks, {name: f"time step {first}" if first == last else f"time steps {first}–{last}"
                             for name, (first, last) in ranges.items()})


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def next_year_months(months: Collection[int]) -> tuple[int, ...]:
    """The selected months that belong to the next year's season: those of the run of
    consecutive selected months that crosses from December into January, before January.

    A climate scientist dates a season that crosses the year boundary by the year of its
    January: DJF 2000 is December 1999, January and February 2000. Splitting by calendar
    years would put one winter in two blocks (December 1999 in val, its January in test),
    leaking its autocorrelation across them. So with ``--seasons DJF`` December counts with
    the next year, with ``--months 11,12,1,2,3`` November and December do; a selection
    that does not hold both December and January, or holds every month, keeps calendar years.

    Parameters
    ----------
    months : collection of int
        The selected calendar months (1–12; ``--months``, ``--seasons``); empty: all.

    Returns
    -------
    tuple of int
        Those months in calendar order, e.g. ``(12,)`` for DJF; empty for calendar years.
    """
    chosen = set(months)
    if not {1, 12} <= chosen or len(chosen) == 12:
        return ()
    first = 12
    while first - 1 in chosen:
        first -= 1
    return tuple(range(first, 13))


def season_years(times: Sequence[cftime.datetime], months: Collection[int] = ()) -> np.ndarray:
    """The year each time step's season is counted in, shape (n_time,): its calendar year,
    plus one for the months of :func:`next_year_months` (December 1999 of a DJF selection
    is in the winter of 2000) unless the series ends in their year: a last December whose
    January is not in the data stays with its own year, so that the split's last block is
    never that one month alone (its winter is in no other block either).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
    months : collection of int
        The selected calendar months; empty: all (calendar years).
    """
    later = next_year_months(months)
    last = max((time.year for time in times), default=0)
    return np.array([years_later(time.year, int(time.month in later and time.year < last),
                                 has_year_zero=getattr(time, "has_year_zero", True)) for time in times], dtype=np.int64)


def season_year_note(months: Collection[int]) -> str:
    """What a block's years mean with a selection crossing the year boundary, appended to
    its description: ``" (December counted with the next year)"``; empty otherwise."""
    later = next_year_months(months)
    if not later:
        return ""
    names = _MONTH_NAMES[later[0] - 1] + ("" if len(later) == 1 else f"–{_MONTH_NAMES[later[-1] - 1]}")
    return f" ({names} counted with the next year)"


def year_runs(years: Sequence[int]) -> list[tuple[int, int]]:
    """The runs of consecutive years among ``years``, first and last of each, in order:
    ``[(1980, 1985), (2015, 2020)]`` for a block made of a historical and a scenario file."""
    unique = np.unique(np.asarray(years, dtype=np.int64))
    breaks = np.flatnonzero(np.diff(unique) > 1)
    starts, ends = np.concatenate([[0], breaks + 1]), np.concatenate([breaks, [len(unique) - 1]])
    return [(int(unique[start]), int(unique[end])) for start, end in zip(starts, ends)]


def years_text(years: Sequence[int], *, before_zero: bool | None = None) -> str:
    """A block's years as people write them, each run of consecutive years on its own:
    ``"1980–1993"``, or ``"1980–1985, 2015–2020"`` when the block skips years (never a span
    that reads as years the block does not hold). When the data hold a year before year 0
    (``before_zero``; None: when ``years`` do) every span is written with ``" to "`` (an en
    dash before a minus reads as a double dash), and only the years before 0 carry a sign, so
    that the blocks of one split read alike (``"-0029 to -0002"``, ``"-0001 to 0004"``,
    ``"0005 to 0010"``; break41c P1: ``-0001 to +0004`` beside ``0005–0010``)."""
    years = np.asarray(years)
    before_zero = bool(years.size and years.min() < 0) if before_zero is None else before_zero
    return ", ".join(year_span(first, last, signed=False, spaced=before_zero) for first, last in year_runs(years))


#: What a run of years at a regular step counts, by the step in years: ``"805 decades"``.
_STEP_NAMES = {10: "decades", 100: "centuries", 1000: "millennia"}

_YEAR = re.compile(r"[+-]?\d+")
_NOTE = re.compile(r"^(?P<parts>.*?)(?P<note> \([^()]*\))?$")


def _stepped_run(years: Sequence[int], *, signed: bool) -> str:
    """``"-20050 … -12010 (805 decades)"`` for years at one regular step (3 at least)."""
    step, count = years[1] - years[0], len(years)
    plural = _STEP_NAMES.get(step)
    counted = f"{count} {plural}" if plural else f"{count} steps of {step} years"
    return f"{year_text(years[0], signed=signed)} … {year_text(years[-1], signed=signed)} ({counted})"


def _runs_at_steps(years: Sequence[int]) -> list[list[int]]:
    """``years`` cut into runs, left to right: three or more at one increasing step make a run
    (it ends where the step changes: a gap, or another step); any other year is a run of one."""
    runs, start = [], 0
    while start < len(years):
        end = start + 1
        step = years[end] - years[start] if end < len(years) else 0
        while step > 0 and end < len(years) and years[end] - years[end - 1] == step:
            end += 1
        if end - start < 3:
            end = start + 1
        runs.append(list(years[start:end]))
        start = end
    return runs


def compact_periods(description: str) -> str:
    """A block's description (``metrics.json`` ``split_periods``) as the terminal, ``train.log``,
    ``report.md`` and figure titles show it: each run of three or more single years at one
    regular step as its first and last years and their count, ``"-20050 … -12010 (805
    decades)"`` for decadal means that :func:`years_text` lists one by one (a decade is a run of
    one year: 805 of them would fill a screen, break32b A4); runs at other steps ``(40 steps of
    5 years)``; a gap or a change of step starts a new run, so a gap stays visible. Spans of
    consecutive years (``"1980–1993"``), dates and a closing note (``(train files)``) are kept.
    Years that still make more than :data:`MAX_PERIODS_SHOWN` periods (irregular samples far
    apart, an ice core's) are shown as the first and last and their counts.

    Parameters
    ----------
    description : str
        As :class:`TimeSplit` ``descriptions`` give it (also from an older run's ``metrics.json``).

    Returns
    -------
    str

    Examples
    --------
    >>> compact_periods("-20050, -20040, -20030, -20020, -17000, -16000 (test files)")
    '-20050 … -20020 (4 decades), -17000, -16000 (test files)'
    """
    match = _NOTE.match(description)
    parts, note = match["parts"].split(", "), match["note"] or ""
    spans = [_year_span_bounds(part) for part in parts]
    signed = False  # the sign only where a year is negative, as years_text writes them (break41c P1)
    shown: list[str] = []
    start = 0
    while start < len(parts):
        end = start
        while end < len(parts) and _YEAR.fullmatch(parts[end]):
            end += 1
        if end == start:
            shown.append(parts[start])
            start += 1
            continue
        for run in _runs_at_steps([int(part) for part in parts[start:end]]):
            shown.extend([_stepped_run(run, signed=signed)] if len(run) >= 3
                         else [year_text(year, signed=signed) for year in run])
        start = end
    if len(shown) > MAX_PERIODS_SHOWN and None not in spans:
        return _irregular_years(spans, signed=signed) + note  # type: ignore[arg-type]
    return ", ".join(shown) + note


#: A block of more periods than this, even after runs at one step are compacted (an ice core's
#: irregular samples, decades apart: 346 of them, 4 517 characters, break35a A9), is shown as its
#: first and last years and their count (:func:`_irregular_years`).
MAX_PERIODS_SHOWN = 12

_SPAN = re.compile(r"(?P<first>[+-]?\d+)(?:–| to )(?P<last>[+-]?\d+)")


def _year_span_bounds(part: str) -> tuple[int, int] | None:
    """The first and last year of one period of :func:`years_text` (``"1980"``, ``"1980–1993"``,
    ``"-22978 to -22977"``); None for anything else (a date)."""
    if _YEAR.fullmatch(part):
        return int(part), int(part)
    match = _SPAN.fullmatch(part)
    return None if match is None else (int(match["first"]), int(match["last"]))


def _irregular_years(spans: Sequence[tuple[int, int]], *, signed: bool) -> str:
    """``"-27822 … -4858 (346 years hold values, in 340 periods)"``: a block's first and last
    years, the years that hold values and the separate periods they make."""
    count = sum(last - first + 1 for first, last in spans)
    return (f"{year_text(spans[0][0], signed=signed)} … {year_text(spans[-1][1], signed=signed)} ({count} years "
            f"hold values, in {len(spans)} "
            "separate periods)")


def split_by_year_ranges(years: np.ndarray, ranges: Mapping[str, Sequence[int]]) -> TimeSplit:
    """Blocks given as inclusive year ranges, ``{"train": (1980, 1993), "val": …, "test": …}``,
    each named by the years of the data it holds (:func:`years_text`: ``"2000–2003, 2006–2007"``
    for a range 2000–2007 of data without 2004–2005); ``year_ranges`` keeps the ranges.

    Raises
    ------
    ClimannError
        If a block has no time step in the data, or two blocks overlap.
    """
    years = np.asarray(years)
    masks, descriptions = {}, {}
    for name in SPLIT_NAMES:
        first, last = ranges[name]
        masks[name] = (years >= first) & (years <= last)
        if not masks[name].any():
            raise ClimannError(f"the {name} block {year_span(first, last)} has no time step; the data cover "
                               f"{year_span(years.min(), years.max())}")
        # the years it holds: "2000–2003, 2006–2007"; written alike in every block
        descriptions[name] = years_text(years[masks[name]], before_zero=bool(years.min() < 0))
    if (sum(mask.astype(int) for mask in masks.values()) > 1).any():
        raise ClimannError(f"the split blocks overlap: {descriptions}")
    year_ranges = {name: (int(ranges[name][0]), int(ranges[name][1])) for name in SPLIT_NAMES}
    return TimeSplit(time_masks=masks, descriptions=descriptions, year_ranges=year_ranges)


def split_by_blocks(time_blocks: Sequence[str], years: Sequence[int]) -> TimeSplit:
    """Blocks read from different files (a split by dataset): each time step's block is given.

    Parameters
    ----------
    time_blocks : sequence of str, length n_time
        ``"train"``, ``"val"`` or ``"test"`` for each step.
    years : sequence of int, length n_time
        The year of each step, for the descriptions.

    Raises
    ------
    ClimannError
        If a block has no time step (e.g. its files hold no step in the selected period).
    """
    labels, years = np.asarray(time_blocks), np.asarray(years)
    masks, descriptions = {}, {}
    for name in SPLIT_NAMES:
        masks[name] = labels == name
        if not masks[name].any():
            raise ClimannError(f"the {name} block's files have no time step in the selected period")
        descriptions[name] = f"{years_text(years[masks[name]], before_zero=bool(years.min() < 0))} ({name} files)"
    return TimeSplit(time_masks=masks, descriptions=descriptions)


def _opens_its_year(time: cftime.datetime, step: TimeStep, first_month: int, start_year: int) -> bool:
    """Whether no step of an unbroken series at ``step`` fits between the start of ``time``'s
    (season) year — the first day of ``first_month`` in ``start_year``, the year before the
    season year when it crosses the year boundary — and ``time``."""
    start = cftime.datetime(start_year, first_month, 1, calendar=time.calendar, has_year_zero=time.has_year_zero)
    if step.months:
        return month_number(time) - month_number(start) < step.months
    return time - step.duration < start


def _closes_its_year(time: cftime.datetime, step: TimeStep, last_month: int, year: int) -> bool:
    """Whether no step of an unbroken series at ``step`` fits between ``time`` and the end of
    its (season) ``year`` (of its last selected month)."""
    last = month_number(cftime.datetime(year, last_month, 1, calendar=time.calendar, has_year_zero=time.has_year_zero))
    if step.months:
        return last - month_number(time) < step.months
    return time + step.duration >= month_start(last + 1, time)


def _step_date(time: cftime.datetime, step: TimeStep | None) -> str:
    """``1995-03`` at a monthly or coarser step, ``1995-03-10`` at a daily or coarser one,
    with the hour at a finer one (``1995-03-10 00:00``, also at midnight: ``2004-12-31``
    alone would read as the whole day); without a step, the date (with ``HH:MM`` when not
    midnight)."""
    if step is None:
        return date_text(time)
    if step.months:
        return date_text(time, precision="month")
    return date_text(time, precision="minute" if step.duration < datetime.timedelta(days=1) else "day")


def _dates_span(first: cftime.datetime, last: cftime.datetime, step: TimeStep | None) -> str:
    """``"1995-03 to 1997-12"``, or one date for a block of one step (``"2030-07"``)."""
    first_text, last_text = _step_date(first, step), _step_date(last, step)
    return first_text if first_text == last_text else f"{first_text} to {last_text}"


def with_dated_descriptions(
    split: TimeSplit, times: Sequence[cftime.datetime], *, step: TimeStep | None, months: Collection[int] = (),
) -> TimeSplit:
    """The split with each block that does not cover its first and last years whole named by
    its first and last steps' dates (``"1995-03-10 to 1997-12-31"``); a block that does keeps
    its years (``"1995–1997"``, the form of ``metrics.json`` ``split_periods``).

    A block covers its first year whole when no step of an unbroken series at the axis's
    nominal step fits between 1 January (with ``months``, the first day of the earliest
    selected month) and its first step; its last year likewise up to 31 December (the last
    day of the latest selected month). A ``time_range`` of ``1995-03-10,1999-02-20`` on daily
    data thus names the train block ``1995-03-10 to 1997-12-31`` and the test block
    ``1999-01-01 to 1999-02-20``; monthly means stamped on the 16th cover their years. A block
    of one step is named by that step alone (``"2030-07"``), sub-daily dates always with the
    hour (``"2004-01-01 00:00 to 2004-12-31 00:00"``). A block of time steps (a series of
    fewer than three years is split by steps) keeps its steps and is dated beside them
    (``"time steps 0–12263 (2021-01-01 00:00 to 2022-05-26 23:00)"``, break41a A7). With
    months crossing the year boundary the years are season years (:func:`season_years`): a
    DJF year runs from 1 December of the year before to the end of February, and the
    description says so (:func:`season_year_note`).

    Parameters
    ----------
    split : TimeSplit
        Blocks of whole years of ``times`` (their descriptions begin with those years).
    times : sequence of cftime.datetime, shape (n_time,)
        The time axis the split's masks are over.
    step : TimeStep or None
        The step of the axis's values (:func:`climann.data.time_axis.series_time_step`: of a
        single time, the run's recorded step or its time bounds'); None: the descriptions of
        several times are kept (irregular steps), a block of a single time is named by its date
        (``"2030-07-16"``), since nothing says it covers a year.
    months : collection of int
        The calendar months the data were selected to (``--months``, ``--seasons``); empty: all.

    Returns
    -------
    TimeSplit
        ``split`` with its descriptions so dated; masks and ``year_ranges`` unchanged.
    """
    times = np.asarray(times)
    all_years = season_years(times, months)
    before_zero = bool(len(all_years) and np.min(all_years) < 0)  # every block written alike (years_text)
    descriptions = dict(split.descriptions)
    for name, mask in split.time_masks.items():
        chosen = times[mask]
        if len(chosen) and hasattr(chosen[0], "calendar") and descriptions[name].startswith("time step"):
            # a block of steps (fewer than three years) is also dated: "time steps 0–12263" said not where it lies
            descriptions[name] += f" ({_dates_span(chosen[0], chosen[-1], step)})"
            continue
        # irregular steps (CPC's pentads): the years kept, but for season years whose first or last season the
        # block does not hold from its first month to its last (rerun41 R4: "1999–2006 (December counted with
        # the next year)" of a block from January 1999), named by their dates as monthly data's are
        irregular = step is None and len(chosen) > 1
        if not len(chosen) or not hasattr(chosen[0], "calendar") or (irregular and not next_year_months(months)):
            continue
        block_years = all_years[mask]
        runs = year_runs(block_years)  # a block of split_files may skip years: each run named on its own
        if not descriptions[name].startswith(years_text(block_years, before_zero=before_zero)):
            runs = [(int(block_years[0]), int(block_years[-1]))]
        years = ", ".join(year_span(first, last, signed=False, spaced=before_zero) for first, last in runs)
        if not descriptions[name].startswith(years):
            continue  # not a block of these years (steps, or the years a user gave beyond the data)
        parts = []
        for first_year, last_year in runs:
            steps = chosen[(block_years >= first_year) & (block_years <= last_year)]
            first, last = steps[0], steps[-1]
            whole = (_holds_whole_seasons(first, last, months) if irregular else
                     _covers_years(first, last, (first_year, last_year), step=step, months=months))
            parts.append(year_span(first_year, last_year, signed=False, spaced=before_zero) if whole
                         else _dates_span(first, last, step))
        descriptions[name] = ", ".join(parts) + descriptions[name][len(years):]
    return dataclasses.replace(split, descriptions=descriptions)


def _holds_whole_seasons(first: cftime.datetime, last: cftime.datetime, months: Collection[int]) -> bool:
    """Whether steps from ``first`` to ``last`` of irregular spacing (no nominal step: CPC's pentads)
    hold their first and last season years from the season's first selected month (December of a
    DJF selection, :func:`next_year_months`) to its last (February): judged by month alone."""
    chosen = set(months)
    start = min(next_year_months(months))
    end = max(month for month in chosen if month < start)
    return first.month == start and last.month == end


def _covers_years(first: cftime.datetime, last: cftime.datetime, years: tuple[int, int], *,
                  step: TimeStep | None, months: Collection[int]) -> bool:
    """Whether steps from ``first`` to ``last`` of an unbroken series at ``step`` cover their
    (season) ``years``, first and last inclusive, whole (:func:`with_dated_descriptions`)."""
    later = next_year_months(months)
    first_month, last_month = (min(months), max(months)) if months else (1, 12)
    if later:  # the season year runs from the first of these months to the last of the others
        first_month, last_month = later[0], max(set(months) - set(later))
    trailing = last.month in later and last.year == years[1]  # the series' last December, kept in its year
    start_year = years_later(years[0], -bool(later), has_year_zero=first.has_year_zero)
    return (step is not None and _opens_its_year(first, step, first_month, start_year)
            and _closes_its_year(last, step, last_month, years[1]) and not trailing)


def part_year_blocks(
    split: TimeSplit, times: Sequence[cftime.datetime], *, step: TimeStep | None, months: Collection[int] = (),
) -> dict[str, int]:
    """The blocks of a split by years that hold less than one year: every step of the block
    in one (season) year (:func:`season_years`) whose dates do not span it from its first
    month to its last, as a series beginning or ending in the middle of a year gives its first
    or last block (data from 2000-02 to 2006-01 split by years: a test block of January 2006
    alone). Their scores are of part of the seasonal cycle, a one-step block's of one map. A
    year whose days or hours have gaps is spanned whole (break34a A4: a daily station series
    with 215 of 365 days was told to leave its complete years out, one after the other). A step
    of a year or longer is a whole year (break40c C4: ESA CCI's yearly biomass maps were told
    that a block of one, 2021, held less than a year, and the way out, leaving it out, only
    moved the warning to 2020). Of a seasonal subset (:func:`~climann.data.seasonal_subsets.seasonal_subset`:
    June to August of every year, no months selected) a year is its season: the AVHRR NDVI
    summers of 2009–2011 were three blocks of "less than a year" (break51b A2).

    Parameters
    ----------
    split : TimeSplit
        Blocks over ``times``; only one made of years (``year_ranges``, given or of fractions)
        is checked: blocks of time steps (fewer than three years) or of files are what they say.
    times : sequence of cftime.datetime, shape (n_time,)
    step : TimeStep or None
        The axis's nominal step (as :func:`with_dated_descriptions`); None, or a step of 12
        months or more (360 days or more: a year of the ``360_day`` calendar): none is reported.
    months : collection of int
        The selected calendar months; empty: all.

    Returns
    -------
    dict of str to int
        The number of time steps of each such block, in block order; empty when none.
    """
    if split.year_ranges is None or step is None or step.months >= 12 or step.approximate_days >= 360:
        return {}  # one value of a yearly (or longer) step is of a whole year
    times, later = np.asarray(times), next_year_months(months)
    all_years = season_years(times, months)
    spanned = months or _season_of(times)
    short = {}
    for name, mask in split.time_masks.items():
        chosen, block_years = times[mask], all_years[mask]
        if not len(chosen) or not hasattr(chosen[0], "calendar") or block_years.min() != block_years.max():
            continue
        year = int(block_years[0])
        # the series' last December, kept with the winter before it, adds to that winter
        winter = [time for time in chosen if not (time.month in later and time.year == year)]
        if not winter or not _spans_its_year(winter[0], winter[-1], year, months=spanned):
            short[name] = int(mask.sum())
    return short


def _season_of(times: np.ndarray) -> tuple[int, ...]:
    """The months of every year of ``times`` when they are a seasonal subset within calendar
    years (JJA; a DJF subset split by calendar years spans January to December), else ()."""
    subset = seasonal_subset(times) if len(times) and hasattr(times[0], "calendar") else None
    return subset.months if subset is not None and not next_year_months(subset.months) else ()


def _spans_its_year(first: cftime.datetime, last: cftime.datetime, year: int, *, months: Collection[int]) -> bool:
    """Whether dates from ``first`` to ``last`` span their (season) ``year`` from its first
    (selected) month to its last: by the span of the dates, not their count, so that a year of
    a series with gaps (AERONET's daily averages, on ~60 % of the days; an hourly file in local
    time lacking the year's last UTC hour) is a whole year, and one of 8 months is not."""
    later = next_year_months(months)
    first_month, last_month = (min(months), max(months)) if months else (1, 12)
    if later:  # the season year runs from the first of these months to the last of the others
        first_month, last_month = later[0], max(set(months) - set(later))
    return (first.year, first.month) <= (year - bool(later), first_month) and (last.year, last.month) >= (year,
                                                                                                           last_month)


def with_season_year_note(split: TimeSplit, months: Collection[int]) -> TimeSplit:
    """The split with :func:`season_year_note` after each description of years (not of time
    steps), e.g. ``"1998–1999 (December counted with the next year)"``; unchanged for
    selections that keep calendar years."""
    note = season_year_note(months)
    if not note:
        return split
    descriptions = {name: text + note if _names_years(text) else text for name, text in split.descriptions.items()}
    return dataclasses.replace(split, descriptions=descriptions)


def _names_years(description: str) -> bool:
    """Whether a block's description names any of it by years (``"2010–2014"``, ``"1990,
    2001-03 to 2004-12"``, ``"-20000 to -19994"``: :func:`~climann.data.time_axis.year_span`'s
    years, signed and of any number of digits), which the season-year note explains; one named only by dates
    (``"2009-12 to 2014-12"``, :func:`with_dated_descriptions`) or time steps says what it
    holds already: "December counted with the next year" after it read as if its last
    December were not in it (break28b A7)."""
    return any(YEAR_SPAN.fullmatch(part.strip()) for part in description.split(","))

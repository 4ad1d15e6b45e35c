"""Time values that cannot be dated as they stand: a missing stamp, a reference date
before the Gregorian reform in the mixed Julian/Gregorian calendar, and time axes that are
not a series of dates (a climatology, a time without a calendar).

A time step whose stamp is the ``_FillValue`` (or ``missing_value``) or NaN has no date.
xarray's decoder puts the reference date there (it decodes NaN as 0), and the step then
sorts to the start of the series as if it were a real date; it is refused instead, naming
the step, the dates of its neighbours and the command that drops it. Dropping it here
would hide a hole the user may want to fill from another copy of the file.

In the ``standard`` (``gregorian``) calendar dates before 1582-10-15 are Julian (CF 1.11
§4.4.1), and CF advises against a reference date before it: software that counts the days
since ``1-1-1`` with proleptic Gregorian arithmetic (the old NCEP/NCAR reanalysis files,
``hours since 1-1-1 00:00:0.0``) writes values that CF readers date two days early. When
the stamps are all on the first of a month at midnight in the proleptic reading and none
is in the mixed one, the file was written the proleptic way and is refused with the
``ncatted`` line that says so; when they are all month starts in the mixed reading, it was
written as CF reads it; otherwise (daily or mid-month stamps) a warning names the ambiguity.

A reference date in year 0 (``days since 0000-01-01``) in a calendar without a year 0
(``standard``, ``gregorian``, ``julian``: 1 BC is followed by AD 1, CF §4.4.1) dates nothing:
refused in one line (:func:`year_zero_message`). Year 0 exists in the proleptic Gregorian
calendar as ISO 8601 counts it (cftime's ``proleptic_gregorian``), the calendar of MATLAB's
``datenum`` (1 = 1 January of year 0), where such files come from: the line gives the
``ncatted`` that says so and the first date it then reads, to be checked.

A climatology (CF §7.4: a ``climatology`` attribute on the time axis naming its climatology
bounds, e.g. 12 months averaged over 1990-2019) holds climatological months or seasons, not a
series of years, and calendar ``none`` (CF: no calendar, e.g. an idealised perpetual run)
makes the values no dates: both are refused in one line saying what to give instead. So are
monthly means by hour of day (ERA5's "monthly averaged reanalysis by hour of day": the 24
hours stamped on the first of each month, :func:`hours_of_monthly_means_message`): they read
as an hourly series with gaps, whose hours are no consecutive steps.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import cftime
import numpy as np

from climann.data.cell_methods import time_cell_method
from climann.data.julian_days import counts_from_julian_day_origin
from climann.data.shell import attribute_command, cdo_command, input_and_copy, ncatted_attribute, shown_path
from climann.data.time_axis import year_text
from climann.errors import ClimannError

if TYPE_CHECKING:
    pass

#: The first day of the Gregorian calendar; earlier dates of the ``standard`` calendar are Julian (CF §4.4.1).
GREGORIAN_REFORM = (1582, 10, 15)

#: Calendars that switch from Julian to Gregorian at :data:`GREGORIAN_REFORM`.
MIXED_CALENDARS = ("standard", "gregorian")

_SINCE = re.compile(r"^\s*\w+\s+since\s+", re.IGNORECASE)

#: Where a file's placeholder stands in a :class:`TimeValuesError` message.
FILE_PLACEHOLDER = "{file}"
#: Where the input and output files of a shell command stand in such a message (see
#: :func:`climann.data.shell.input_and_copy`).
COMMAND_FILES_PLACEHOLDER = "{input} {copy}"


class TimeValuesError(ClimannError):
    """Time values that cannot be dated as written. The message holds :data:`FILE_PLACEHOLDER`
    where the file's name goes and :data:`COMMAND_FILES_PLACEHOLDER` where a command's files
    go (the decoder does not know the file); see :meth:`in_file`."""

    def in_file(self, path: Path) -> str:
        """The message for the file ``path``: its name in the text, its path (shell-quoted,
        with the corrected copy beside it) in the commands; a Zarr store's attribute changes as
        zarr-python's edit of the store (:func:`~climann.data.shell.attribute_command`)."""
        files = input_and_copy(path)
        text = re.sub(r"`ncatted ((?:-a \S+ )+)" + re.escape(COMMAND_FILES_PLACEHOLDER) + "`",
                      lambda found: f"`{attribute_command(_ncatted_words(found[1]), files)}`", str(self))
        # CDO writes over a file there: its lines open with the guard (followed twice, nothing replaced)
        text = re.sub(r"`cdo ([^`]*) " + re.escape(COMMAND_FILES_PLACEHOLDER) + "`",
                      lambda found: f"`{cdo_command(found[1], files)}`", text)
        return text.replace(COMMAND_FILES_PLACEHOLDER, files).replace(FILE_PLACEHOLDER, Path(path).name)


class ClimatologyError(TimeValuesError):
    """A time axis that is a climatology by its CF ``climatology`` attribute (§7.4), refused by
    the decoder for training: the opener reads the file again with the climatology's stamps,
    and leaves it out when a dated series lies beside it
    (:func:`climann.data.climatology_axes.without_climatologies_beside_series`)."""


def _ncatted_words(text: str) -> list[str]:
    """The ``-a`` words of an ncatted command's text (``-a calendar,time,o,c,360_day -a …``)."""
    words = shlex.split(text)
    return [f"-a {shlex.quote(word)}" for option, word in zip(words[::2], words[1::2]) if option == "-a"]


def is_time_axis(name: object, dims: tuple, attrs: dict) -> bool:
    """A 1-D variable of time since a date that is its dimension's coordinate (``time(time)``)
    or says it is time (``standard_name = "time"`` or ``axis = "T"``, NEMO's ``time_centered``);
    data variables holding dates (a day of onset, missing over the ocean) are not."""
    if len(dims) != 1 or not _SINCE.match(str(attrs.get("units", ""))):
        return False
    return name == dims[0] or attrs.get("standard_name") == "time" or str(attrs.get("axis", "")).upper() == "T"


def not_a_series_message(name: str, attrs: dict, size: int) -> str | None:
    """One line for a time axis that is not a series of dates: a climatology (CF §7.4) or a
    time without a calendar (``calendar = "none"``); None for a series.

    Parameters
    ----------
    name : str
        The time variable.
    attrs : dict
        Its attributes (``climatology``, ``calendar``).
    size : int
        Its number of steps.
    """
    if attrs.get("climatology"):
        return climatology_message(climatology_attribute_said(name, attrs), size)
    return no_calendar_message(name, attrs)


def no_calendar_message(name: str, attrs: dict) -> str | None:
    """One line for a time axis without a calendar (``calendar = "none"``: its values are no
    dates), None otherwise."""
    if str(attrs.get("calendar", "")).strip().lower() == "none":
        return (
            f"{FILE_PLACEHOLDER}: time '{name}' has calendar 'none' (CF: no calendar), so its values are not dates "
            "and climann cannot tell months, seasons or years; set the calendar the model ran in, e.g. "
            f"`ncatted {ncatted_attribute('calendar', name, 'o', 'c', '360_day')} {COMMAND_FILES_PLACEHOLDER}` "
            "(or noleap, standard …)"
        )
    return None


def climatology_attribute_said(name: str, attrs: dict) -> str:
    """How a time axis says it is a climatology (CF §7.4), for the messages about it."""
    return f"time '{name}' is a climatology (climatology = '{attrs['climatology']}', CF §7.4)"


def climatology_message(said: str, size: int, *, variable: str | None = None,
                        series: tuple[str, str | Path] | None = None, other_files: int = 0) -> str:
    """One line for a climatology (CF §7.4), ``said`` how the file says it is one: not a series
    of years to train on, and what to give instead (for 12 steps, how to use it as a monthly
    predictor: ``cdo ymonadd`` of the series' zeros and the climatology, each input one
    variable, ``-selname`` on both: CDO aborts when its inputs hold different numbers of
    variables, break39a F2; a trained run predicts on it as it is, :func:`climatology_steps_note`).

    Parameters
    ----------
    said : str
        How the file says it is a climatology.
    size : int
        Its number of steps.
    variable : str, optional
        The climatology's variable (the first on its axis), named in the ``cdo`` line.
    series : (str, path), optional
        A variable of the series given beside it and the file that holds it: the ``cdo`` line then
        runs as printed. Without ``variable`` and ``series`` (a climatology given alone), the parts
        not known are said in words, not left as ``VAR``/``SERIES.nc``/``CLIM`` placeholders
        (fix45b: those reached the user from a refusal that knew the file's variable and the
        series beside it).
    other_files : int
        How many more files the series is in (then one copy for each).

    Returns
    -------
    str
        With :data:`FILE_PLACEHOLDER` and :data:`COMMAND_FILES_PLACEHOLDER`.
    """
    return (
        f"{FILE_PLACEHOLDER}: {said}: "
        f"{_its_steps_are(size)} averaged over years, not a series of years, and climann "
        "trains on time series; give the series it was computed from (e.g. each year's monthly means)"
        + (f"; as a predictor of a monthly series, repeat it over the series' months, {_repeated(variable, series)}"
           + (f" (the series' first file: for a series in {other_files + 1} files, a copy for each)" if other_files
              else "") + ", and give that copy beside the series" if size == 12 else "")
        + f"; a trained run predicts on it as it is (`climann predict` of that run with --data {FILE_PLACEHOLDER})"
    )


def _repeated(variable: str | None, series: tuple[str, str | Path] | None) -> str:
    """The ``cdo`` line that repeats the climatology's ``variable`` over the months of ``series``
    (a variable of the series and its file), renamed back to ``variable`` (``VARIABLE_climatology``
    when the series' variable has that name); in words when either is not known."""
    if variable is None or series is None:
        own = f"'{variable}'" if variable is not None else "variable"
        return (f"with cdo's ymonadd: zero times a variable of the series (-mulc,0 -selname on the series' file, "
                f"given first) plus this file's {own} (-selname), named as this file's (-chname), into a copy")
    name, file = series
    # named as the climatology's, unless that is the series' own name: the copy beside the series
    # would then be refused as a second series of it (break51a A1: HadCRUT5's anomaly and absolute 'tas')
    copy_name = variable if variable != name else f"{variable}_climatology"
    return (f"e.g. `cdo {shlex.quote(f'-chname,{name},{copy_name}')} -ymonadd -mulc,0 "
            f"{shlex.quote(f'-selname,{name}')} "
            f"{shown_path(file)} {shlex.quote(f'-selname,{variable}')} {COMMAND_FILES_PLACEHOLDER}`")


#: What the steps of a climatology of so many steps are, by their number (CF §7.4).
_CLIMATOLOGY_PERIODS = {12: "month", 4: "season", 1: "year"}

#: The start of the note of :func:`climatology_steps_note`, by which a climatology read as new data is known.
CLIMATOLOGY_STEPS_NOTE = "it is read as its steps are"


def climatology_steps_note(said: str, size: int) -> str:
    """One line for a climatology (CF §7.4) given as new data to a trained run (``predict``,
    ``evaluate --data``), ``said`` how the file says it is one: its steps are read as the steps
    they are, each period's mean over the years (PMIP's time-slice experiments, a scenario's
    monthly climatology), predicted as such; the persistence baseline, which needs consecutive
    steps of a series of years, is not scored on it
    (:func:`climann.evaluation.baselines.persistence_left_out`).

    Parameters
    ----------
    said : str
        How the file says it is a climatology (:func:`climatology_attribute_said`, or its
        ``cell_methods``), after :data:`FILE_PLACEHOLDER`.
    size : int
        Its number of steps: 12 are months, 4 seasons, 1 the year.

    Returns
    -------
    str
        With :data:`FILE_PLACEHOLDER` (see :meth:`TimeValuesError.in_file`).
    """
    period = _CLIMATOLOGY_PERIODS.get(size)
    each = (f"the {period}'s mean over the years" if size == 1 else
            f"each {period}'s mean over the years" if period else "each period's mean over the years")
    return (
        f"{FILE_PLACEHOLDER}: {said}; {CLIMATOLOGY_STEPS_NOTE}: {size} step{'s' * (size != 1)}, {each} "
        "(dated by their stamps), predicted from the predictors' means of the same periods; scores compare "
        "climatological means, and persistence, which needs a series of years, is not scored"
    )


def _its_steps_are(size: int) -> str:
    """``its 12 steps are climatological periods``, ``its 1 step is a climatological period``
    (break35b D3: "its 1 steps are")."""
    if size == 1:
        return "its 1 step is a climatological period"
    return f"its {size} steps are climatological periods"


def is_climatology_method(cell_methods: str | None, time_name: str = "time") -> bool:
    """Whether a ``cell_methods`` attribute says its values are a climatology over years (CF
    §7.4: ``time: mean within years time: mean over years``, any methods)."""
    method = time_cell_method(cell_methods, time_name) or ""
    return bool(re.search(r"\bwithin years\b", method) and re.search(r"\bover years\b", method))


#: The largest offset from the reference date, in seconds, that a date can lie at: cftime and
#: NumPy count time in 64-bit microseconds (2**63 µs, about ±292 000 years).
LARGEST_OFFSET_SECONDS = 2.0**63 / 1e6


def beyond_any_date(values: np.ndarray, seconds_per_unit: float | None) -> np.ndarray:
    """Which finite time values lie further from their reference date than any date can
    (:data:`LARGEST_OFFSET_SECONDS`): an unmarked fill such as NEMO's 1e30 seconds, which
    dates nothing; all False when the units' length is unknown.

    Parameters
    ----------
    values : ndarray of float, shape (n_time,)
    seconds_per_unit : float or None
        Seconds per unit of the ``since`` units (86400 for days).
    """
    if seconds_per_unit is None:
        return np.zeros(values.shape, bool)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.isfinite(values) & (np.abs(values) * seconds_per_unit >= LARGEST_OFFSET_SECONDS)


def missing_stamps_message(name: str, dim: str, values: np.ndarray, dates: list[str], fill: object,
                           stored: str | None = None) -> str:
    """One line for a time axis with steps that have no value (NaN after the fill value was
    masked, or a value :func:`beyond_any_date`), naming the first such step, its neighbours'
    ``dates`` and the ``ncks`` line that keeps the other steps.

    Parameters
    ----------
    name, dim : str
        The time variable and its dimension.
    values : ndarray of float, shape (n_time,)
        The time values, NaN where missing.
    dates : list of str
        The dates of the neighbours of the first missing step (one or two), as text.
    fill : object
        The variable's ``_FillValue`` or ``missing_value``, or None.
    stored : str, optional
        What the first such step holds, when it is not the fill value or NaN.
    """
    missing = np.flatnonzero(~np.isfinite(values))
    first = int(missing[0])
    stored = stored or (f"the fill value {fill}" if fill is not None else "NaN")
    # the neighbours are the valid steps on either side of the first missing one: after the last
    # valid step when the missing ones run to the end, before the first when they start the axis
    before, after = np.isfinite(values[:first]).any(), np.isfinite(values[first + 1:]).any()
    where = "between" if before and after else "after" if before else "before"
    around = f", {where} {' and '.join(dates)}" if dates else ""
    if missing.size > 1:
        what = f"{missing.size} steps of time '{name}' have no date ({stored}), the first step {first}"
    else:
        what = f"time step {first} (counting from 0) of '{name}' has no date ({stored})"
    last, kept = values.size - 1, _kept_ranges(np.isfinite(values))
    slabs = " ".join(f"-d {dim},{start},{'' if stop == last else stop}" for start, stop in kept)
    drop = f" or drop it, e.g. `ncks {slabs} {COMMAND_FILES_PLACEHOLDER}`" if slabs else ""
    return (
        f"{FILE_PLACEHOLDER}: {what}{around}; a step without a date cannot be placed in the series: correct its "
        f"value{drop} (ncks counts steps from 0, as here)"
    )


def _kept_ranges(valid: np.ndarray) -> list[tuple[int, int]]:
    """The runs of valid steps as (first, last) index pairs."""
    edges = np.diff(np.concatenate([[0], valid.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist()))


def neighbour_steps(values: np.ndarray) -> list[int]:
    """The valid steps next to the first missing one (before and after, when there)."""
    first = int(np.flatnonzero(~np.isfinite(values))[0])
    valid = np.flatnonzero(np.isfinite(values))
    before, after = valid[valid < first], valid[valid > first]
    return [int(step) for step in (*before[-1:], *after[:1])]


#: Calendars without a year 0 (1 BC is followed by AD 1; CF §4.4.1), as cftime counts them.
NO_YEAR_ZERO_CALENDARS = (*MIXED_CALENDARS, "julian")

_SINCE_YEAR_ZERO = re.compile(r"^\s*\w+\s+since\s+\+?0+-", re.IGNORECASE)


def year_zero_message(name: str, values: np.ndarray, units: str, calendar: str) -> str | None:
    """One line refusing time ``values`` in ``units`` since a date in year 0 in a ``calendar``
    without one (:data:`NO_YEAR_ZERO_CALENDARS`), None otherwise.

    In the ``standard`` and ``gregorian`` calendars it says that year 0 exists in the proleptic
    Gregorian calendar of ISO 8601 and MATLAB's ``datenum`` (``datenum(0, 1, 1) = 1``), with the
    ``ncatted`` that names that calendar and the first date it gives (dates after 1582 are the
    same in both calendars; a datenum stored as it is counts from 0000-01-00, a day later). A
    ``julian`` file is told to count from a date after year 0.

    Parameters
    ----------
    name : str
        The time variable, as in the file.
    values : ndarray of float, shape (n_time,)
        Its values.
    units, calendar : str
        Its ``units`` and ``calendar`` attributes (``standard`` when it has none).

    Returns
    -------
    str or None
        With :data:`FILE_PLACEHOLDER` and :data:`COMMAND_FILES_PLACEHOLDER`.
    """
    if calendar.strip().lower() not in NO_YEAR_ZERO_CALENDARS or not _SINCE_YEAR_ZERO.match(units):
        return None
    reference = _SINCE.sub("", units).strip()
    problem = (f"{FILE_PLACEHOLDER}: time '{name}' counts from {reference} in the '{calendar}' calendar, which has "
               f"no year 0 (1 BC is followed by AD 1, CF §4.4.1), so its values are no dates")
    if calendar.strip().lower() == "julian":
        return f"{problem}; store them from a date after year 0 (units '{_SINCE.match(units)[0].strip()} 0001-01-01 …')"
    finite = values[np.isfinite(values)]
    first = ""
    if finite.size:
        date = cftime.num2date(float(finite[0]), units, calendar="proleptic_gregorian")
        first = f"its first step then reads {str(date)[:16].removesuffix(' 00:00')}; "
    return (f"{problem}; year 0 exists in the proleptic Gregorian calendar (ISO 8601) that MATLAB's datenum counts "
            f"in: if the file was written so, say it, "
            f"`ncatted {ncatted_attribute('calendar', name, 'o', 'c', 'proleptic_gregorian')} "
            f"{COMMAND_FILES_PLACEHOLDER}` ({first}a datenum stored unchanged reads one day late, as datenum "
            f"counts from 0000-01-00)")


def early_reference(units: str, calendar: str) -> str | None:
    """The reference date of ``units`` as written when it lies before 1582-10-15 in a mixed
    Julian/Gregorian calendar (``standard``, ``gregorian``), else None."""
    if calendar.lower() not in MIXED_CALENDARS or not _SINCE.match(units):
        return None
    try:
        reference = cftime.num2date(0, units, calendar="standard")
    except (ValueError, TypeError):
        return None  # xarray's decoder says what is wrong with the units
    if (reference.year, reference.month, reference.day) >= GREGORIAN_REFORM:
        return None
    return _SINCE.sub("", units).strip()


def written_reading(values: np.ndarray, units: str) -> str | None:
    """Which arithmetic time values since a pre-1582 reference were evidently computed with:
    ``"proleptic_gregorian"`` when every stamp is on the first of a month at midnight in the
    proleptic Gregorian reading and none is in the mixed Julian/Gregorian one (there they fall
    days before, in the month before), ``"standard"`` the other way round, None when the stamps
    say neither (daily or mid-month stamps are dates in both readings).

    Parameters
    ----------
    values : ndarray of float, shape (n_time,)
        The time values, all finite.
    units : str
        ``<unit> since <date>``, the date before 1582-10-15.
    """
    if values.size < 2:
        return None
    proleptic = [_month_start(date) for date in cftime.num2date(values, units, calendar="proleptic_gregorian")]
    mixed = [_month_start(date) for date in cftime.num2date(values, units, calendar="standard")]
    if all(proleptic) and not any(mixed):
        return "proleptic_gregorian"
    if all(mixed) and not any(proleptic):
        return "standard"
    return None


def days_early(value: float, units: str) -> float:
    """How many days earlier the mixed Julian/Gregorian reading dates ``value`` (``units``
    since a pre-1582 date) than the proleptic Gregorian one: 2 for dates after 1582 counted
    from ``1-1-1``."""
    proleptic = cftime.num2date(value, units, calendar="proleptic_gregorian")
    mixed = cftime.num2date(value, units, calendar="standard")
    return float(cftime.date2num(proleptic, "days since 1-1-1", "proleptic_gregorian")
                 - cftime.date2num(mixed, "days since 1-1-1", "proleptic_gregorian"))


def misdating(days: Sequence[float]) -> str:
    """How the other reading would date the stamps, from :func:`days_early` of several of them:
    "2 days early", "4 to 9 days late", or "from 1 day early to 9 days late" for stamps on both
    sides of 1582-10-15 (the readings differ by 10 days more after the switch) or of a
    century year that only the Julian calendar makes a leap year."""

    def text(value: float) -> str:
        count = abs(value)
        side = "early" if value > 0 else "late"
        return f"{count:g} day{'' if count == 1 else 's'} {side}"

    low, high = min(days), max(days)
    if low == high:
        return text(high)
    if low < 0 < high:
        return f"from {text(high)} to {text(low)}"
    nearer, farther = sorted((low, high), key=abs)
    return f"{abs(nearer):g} to {text(farther)}"


def _month_start(date: cftime.datetime) -> bool:
    return (date.day, date.hour, date.minute, date.second, date.microsecond) == (1, 0, 0, 0, 0)


def early_reference_message(
    name: str, units: str, calendar: str, *, proleptic: bool, days: float | Sequence[float]
) -> str:
    """One line on a pre-1582 reference date in a mixed calendar: why the dates are ambiguous
    (CF §4.4.1), the ``days`` that the two readings differ by (see :func:`days_early`; one
    value, or one per stamp checked: :func:`misdating`) and the ``ncatted`` line that names the
    arithmetic the file was written with."""
    shift = misdating([days] if isinstance(days, int | float) else list(days))
    reference = _SINCE.sub("", units).strip()
    proleptic_fix = ncatted_attribute("calendar", name, "o", "c", "proleptic_gregorian")
    fix = f"`ncatted {proleptic_fix} {COMMAND_FILES_PLACEHOLDER}`"
    if proleptic:
        return (
            f"{FILE_PLACEHOLDER}: time '{name}' counts from {reference} in the '{calendar}' calendar, where dates "
            f"before 1582-10-15 are Julian (CF §4.4.1), but its stamps fall on the first of each month only when "
            f"counted in the proleptic Gregorian calendar (read as written, each would be dated {shift}, "
            f"in another month): say so in the file, {fix}"
        )
    return (
        f"{FILE_PLACEHOLDER}: time '{name}' counts from {reference} in the '{calendar}' calendar, where dates before "
        f"1582-10-15 are Julian (CF §4.4.1); files written with proleptic Gregorian arithmetic (e.g. the old "
        f"NCEP/NCAR reanalysis) are then dated {shift}; if this file is one, {fix}"
    )


def early_reference_problem(name: str, values: np.ndarray, units: str, calendar: str) -> tuple[str | None, bool]:
    """What to say of time ``values`` in ``units`` since a date before 1582-10-15 in a mixed
    Julian/Gregorian ``calendar``, and whether to refuse: refused when the stamps show the
    proleptic Gregorian arithmetic (see :func:`written_reading`), nothing when they show the
    mixed one (CF's reading), else a warning. ``(None, False)`` for other references and calendars.

    Parameters
    ----------
    name : str
        The time variable.
    values : ndarray of float, shape (n_time,)
        Its values, all finite.
    units, calendar : str
        Its ``units`` and ``calendar`` attributes (``standard`` when it has none).

    Returns
    -------
    message : str or None
        One line with :data:`FILE_PLACEHOLDER` for the file's name and
        :data:`COMMAND_FILES_PLACEHOLDER` for its command's files.
    refuse : bool
    """
    if early_reference(units, calendar) is None or counts_from_julian_day_origin(units, calendar):
        return None, False  # a Julian Day's origin is a Julian date as CF reads it (climann.data.julian_days)
    reading = written_reading(values, units)
    if reading == "standard":
        return None, False
    proleptic = reading == "proleptic_gregorian"
    # the first stamp, the last and evenly between: the shift changes in 1582 and at century years
    checked = np.unique(np.linspace(0, values.size - 1, min(values.size, 25)).round().astype(int))
    days = [days_early(float(values[index]), units) for index in checked] or [0.0]
    return early_reference_message(name, units, calendar, proleptic=proleptic, days=days), proleptic


def hours_of_monthly_means_message(name: str, dates: Sequence) -> str | None:
    """One line for a time axis that holds the same times of day on the same day of each month
    and nothing else: monthly means by hour of day (the CDS's ERA5 ``monthly averaged
    reanalysis by hour of day``, 00:00 … 23:00 on the first of each month), None otherwise.

    Read as a series they are an hourly axis with gaps: the hours of one month's mean diurnal
    cycle would be consecutive steps (persistence "the hour before", a climatology per day of
    year and hour that shifts with leap years), so they are refused with the two ways to a
    series: one hour of each month (``cdo selhour``) or the mean over the hours (``cdo
    monmean``).

    Parameters
    ----------
    name : str
        The time variable.
    dates : sequence of cftime.datetime or numpy.datetime64, shape (n_time,)
        Its decoded values.
    """
    import pandas as pd

    values = np.asarray(dates)
    if values.size < 4:
        return None
    if np.issubdtype(values.dtype, np.datetime64):
        stamps = pd.DatetimeIndex(values)
        fields = zip(stamps.year, stamps.month, stamps.day, stamps.hour, stamps.minute)
    elif hasattr(values.flat[0], "calendar"):
        fields = ((value.year, value.month, value.day, value.hour, value.minute) for value in values)
    else:
        return None
    by_month: dict[tuple[int, int], set] = {}
    for year, month, day, hour, minute in fields:  # stops at the first month that is no such month
        held = by_month.setdefault((year, month), set())
        if held and next(iter(held))[0] != day:
            return None  # two dates in one month: a series (daily, hourly …)
        if len(by_month) > 1 and len(held) == 0 and len(by_month[list(by_month)[-2]]) < 2:
            return None  # one time in a month: a monthly (or coarser) series
        held.add((day, hour, minute))
    if len(by_month) < 2 or any(len(held) < 2 for held in by_month.values()):
        return None
    first_month = min(by_month)
    day = next(iter(by_month[first_month]))[0]
    times_of_day = {frozenset((hour, minute) for _, hour, minute in held) for held in by_month.values()}
    if {next(iter(held))[0] for held in by_month.values()} != {day} or len(times_of_day) != 1:
        return None  # the same hours on the same day of every month, as the CDS writes them
    hours = sorted(times_of_day.pop())
    shown = [f"{hour:02d}:{minute:02d}" for hour, minute in (hours[0], hours[-1])]
    return (
        f"{FILE_PLACEHOLDER}: time '{name}' holds {len(hours)} times of day ({shown[0]} to {shown[1]}) on one date of "
        f"each month ({year_text(first_month[0])}-{first_month[1]:02d}-{day:02d} and so on), and nothing between: "
        "monthly means by hour of day (ERA5's 'monthly averaged reanalysis by hour of day'), whose hours are no "
        "consecutive steps of a series; take one hour of each month "
        f"(e.g. `cdo selhour,12 {COMMAND_FILES_PLACEHOLDER}`) or the monthly mean over the hours "
        f"(`cdo monmean {COMMAND_FILES_PLACEHOLDER}`)"
    )


#: The most by which elapsed time counted with leap seconds (CF's ``utc`` calendar) exceeds the
#: same span counted without them, in seconds: TAI − UTC, 37 s since 2017-01-01 (IERS Bulletin C);
#: 27 leap seconds were inserted from 1972 on, so a span starting later differs by less.
UTC_LEAP_SECONDS = 37

#: The shortest step of a ``utc`` time axis read as ``standard``: stamps of steps of an hour or more
#: lie on whole minutes, which a shift of at most :data:`UTC_LEAP_SECONDS` moves to no other day.
UTC_SHORTEST_STEP = 3600.0


def utc_as_standard_message(name: str, values: np.ndarray, units: str) -> tuple[str, bool]:
    """What reading the time axis ``name`` in CF's ``utc`` calendar as ``standard`` means: a
    note, or a refusal (``(message, True)``) when it could matter.

    CF-1.11 §4.4.2 defines ``utc`` as the Gregorian calendar whose elapsed times count the leap
    seconds, and ``tai`` as one without them (the ``standard`` calendar's reading, which cftime
    has as ``tai`` too). cftime cannot count leap seconds; read as ``standard``, a stamp is late
    by the leap seconds inserted between the reference date and it, at most
    :data:`UTC_LEAP_SECONDS`. For a step of an hour or more (daily, monthly data) that moves no
    stamp to another step, day or month, and the axis is read so with this note. Shorter steps
    (the 37 s are a larger part of them, and stamps may lie within 37 s of a day's edge) are
    refused with the ``ncatted`` line that declares the values free of leap seconds.

    Parameters
    ----------
    name : str
        The time variable.
    values : ndarray of float, shape (n_time,)
        Its values, in ``units``.
    units : str
        ``<unit> since <date>``.

    Returns
    -------
    tuple of (str, bool)
        The message (with :data:`FILE_PLACEHOLDER` and :data:`COMMAND_FILES_PLACEHOLDER`) and
        whether it is a refusal.
    """
    seconds = cftime.num2date([0, 1], units, calendar="standard")
    per_unit = (seconds[1] - seconds[0]).total_seconds()
    steps = np.abs(np.diff(np.asarray(values, dtype=np.float64))) * per_unit
    steps = steps[np.isfinite(steps) & (steps > 0)]
    shortest = float(steps.min()) if steps.size else None
    calendar = "the utc calendar (CF-1.11 §4.4.2: elapsed time counting leap seconds)"
    if shortest is not None and shortest < UTC_SHORTEST_STEP:
        fix = f"`ncatted {ncatted_attribute('calendar', name, 'o', 'c', 'standard')} {COMMAND_FILES_PLACEHOLDER}`"
        return (
            f"{FILE_PLACEHOLDER}: time '{name}' is in {calendar}, which cftime cannot count; read without leap "
            f"seconds its stamps may lie up to {UTC_LEAP_SECONDS} s late, too much for its step of "
            f"{shortest:g} s (climann reads utc only for steps of an hour or more); if its values count no leap "
            f"seconds, say so: {fix}", True)
    return (
        f"{FILE_PLACEHOLDER}: time '{name}' is in {calendar}, read as the standard calendar: leap seconds are not "
        f"counted, so its stamps may lie up to {UTC_LEAP_SECONDS} s late, which moves none to another step or day",
        False)

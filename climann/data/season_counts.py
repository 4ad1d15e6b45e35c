"""Time axes that count growing seasons since a date, refused with the line that dates them.

ISIMIP's crop outputs (GGCMI, ``…_yield-mai-noirr_global_annual-gs_1981_2020.nc``) hold
``time`` in ``units = "growing seasons since 1661-01-01 00:00:00"``: one value a growing
season, numbered from the reference year. A growing season is no unit of time (CF §4.4: a
count of a unit of time since a reference date; UDUNITS-2 knows no season), and the season's
length and the date it ends differ from place to place, so no date follows from the units:
xarray stops with "unable to decode time units" and advice about its own parameters. climann
refuses in one line, naming the reading a user can state (step ``n`` is the season of the year
``reference + n``), with an xarray line that writes that reading into a copy as days since the
same date, each step on the reference's day of its year (the ``years since`` way out of
:mod:`climann.data.time_units` counts days the same way for calendars of fixed-length years).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import dated_copies, input_and_copy, xarray_command, xarray_values
from climann.data.sources import files_text

#: Why a time axis in growing seasons names no dates, as its refusal says.
SEASON_COUNT_REASON = "a growing season is no unit of time"

#: ``growing seasons since DATE`` (ISIMIP), also with an underscore or in the singular.
_SEASONS_SINCE = re.compile(r"^\s*growing[ _]seasons?\s+since\s+(?P<reference>.+?)\s*$", re.IGNORECASE)


def counts_growing_seasons(units: str) -> bool:
    """Whether ``units`` count growing seasons since a date (``growing seasons since 1661-01-01``)."""
    return _SEASONS_SINCE.match(str(units)) is not None


def season_count_message(name: str, variable: xr.Variable, calendar: str, path: Path,
                         bounds: str | None = None, *, alike: Sequence[Path] = ()) -> str | None:
    """Why the time ``name`` of ``path`` in growing seasons since a date cannot be read, and how
    to date it; None for other units.

    Parameters
    ----------
    name : str
        The time variable's name.
    variable : xarray.Variable
        Its values as stored (not decoded), with its ``units``.
    calendar : str
        Its calendar (``standard`` when the file gives none).
    path : Path
        Its file; the advice writes a copy beside it (:func:`~climann.data.shell.input_and_copy`).
    bounds : str, optional
        The axis's bounds variable, rewritten by the same line.
    alike : sequence of Path
        The other files given whose time ``name`` has the same units and calendar (a folder of
        GGCMI crops): the advice is then one loop that writes a dated copy of each of them and
        ``path`` into a new folder beside them (``with_dates``), and the ``--data`` that takes
        the copies. A copy beside each original, as the one-file line writes, would be taken
        with the originals by a glob over their folder, which meets this refusal again, and a
        line for the first file alone meets it at the next (rerun34).

    Returns
    -------
    str or None
        One line: the units, why they are no dates and, when every value is a whole number, the
        xarray line that writes step ``n`` as the reference's day of the year ``reference + n``,
        in days since the reference date, with the cell of that year to the next as its bounds
        (the file's own bounds, in seasons, rewritten the same way).
    """
    import cftime

    match = _SEASONS_SINCE.match(str(variable.attrs.get("units", "")))
    if match is None:
        return None
    reference = match["reference"]
    files = list(dict.fromkeys([Path(path), *map(Path, alike)]))
    said = (f"time '{name}' in {files_text(files)} has units '{variable.attrs['units']}': {SEASON_COUNT_REASON} "
            f"(CF and UDUNITS know none), so its values name no dates")
    try:
        start = cftime.num2date(0, f"days since {reference}", calendar)
    except (ValueError, TypeError):
        return f"{said}; write the time axis as days since a date (CF §4.4)"
    values = np.asarray(variable.values, dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values % 1 != 0):
        return f"{said}, and not all are whole seasons; write the time axis as days since a date (CF §4.4)"
    statements = []
    if bounds is None:  # each step's cell its year, so that it pairs with other files by year
        bounds = f"{name}_bnds"
        statements += ["import numpy as np", f"d[{bounds!r}] = (({name!r}, 'bnds'), "
                       f"np.stack([d[{name!r}].values, d[{name!r}].values + 1], 1))",
                       f"d[{name!r}].attrs['bounds'] = {bounds!r}"]
    statements += year_dates_statements(name, bounds, reference, calendar)
    written = (f"`{xarray_command(statements, input_and_copy(path))}`" if len(files) == 1
               else dated_copies(statements, files))
    return (f"{said}; if step n is the season of the year {start.year} + n (ISIMIP's crop outputs), write each as "
            f"that year (the cell from its {start:%m-%d} to the next year's) in days since the same date: {written}")


def year_dates_statements(name: str, bounds: str | None, reference: str, calendar: str) -> list[str]:
    """The Python statements on the dataset ``d`` of :func:`~climann.data.shell.xarray_command`
    that write whole years since ``reference`` (the time ``name`` and its ``bounds``) as days
    since the same date, year ``n`` on the reference's day of the year ``reference + n`` in
    ``calendar`` (cftime's dates: the calendar's own year lengths, as CDO's ``-setreftime``
    reads calendar years). A value that is not a whole year stops the line (an assertion): it
    names no such date.

    Parameters
    ----------
    name : str
        The time variable.
    bounds : str or None
        Its bounds variable, rewritten the same way.
    reference : str
        The date of the units (``1661-01-01 00:00:00``), which cftime reads in ``calendar``.
    calendar : str
        A CF calendar cftime knows.

    Returns
    -------
    list of str
    """
    import cftime

    start = cftime.num2date(0, f"days since {reference}", calendar)
    days = f"days since {reference}"
    date = (f"cftime.datetime({start.year} + int(n), {start.month}, {start.day}, {start.hour}, {start.minute}, "
            f"{start.second}, calendar={calendar!r})")
    statements = ["import cftime",
                  f"f = lambda v: cftime.date2num([{date} for n in v.ravel()], {days!r}, {calendar!r})"
                  ".reshape(v.shape)"]
    for each in [name, *([bounds] if bounds else [])]:
        statements += [f"assert (d[{each!r}].values % 1 == 0).all(), 'not whole years'",
                       xarray_values(each, f"f(d[{each!r}].values)"),
                       f"d[{each!r}].encoding.update(dtype='f8', _FillValue=None)"]
    return [*statements, f"d[{name!r}].attrs['units'] = {days!r}"]

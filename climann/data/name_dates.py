"""The date a file's name gives it, when the file holds none.

PRISM's monthly grids from ``gdal_translate`` (``PRISM_ppt_stable_4kmM3_198101_bil.nc``), NCEP
Stage IV's hours (``st4.2021010112.01h.nc``), GPM's Level-3 months
(``3A-MO.GPM.DPR.V9-20211125.20150101-S000000-E235959.01.V07A.HDF5``) say their date only in their
names. :func:`name_dates` finds the date-like numbers of a name (``YYYYMM``, ``YYYYMMDD``,
``YYYYMMDDHH``, TRMM's ``YYYYMMDD.HH``, ``YYYY-MM-DD``, MODIS's ``AYYYYDDD`` within 1700…2200),
:func:`named_dating` the one that dates each of
a set of files (the one number that differs from name to name where every name also holds the
same version date), and :func:`named_dates_statements` the Python statements that give a copy
that date as a CF time (CF 1.8 §4.4): used by the refusal of undated files
(:mod:`climann.data.undated_files`) and by the copy of a TRMM/GPM grid
(:mod:`climann.data.pps_grids`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

__all__ = ["PRISM_DAY_NAME", "name_dates", "named_dates_statements", "named_dating"]


#: The numbers of a file's name, each a word for :data:`_NAMED_DATE_FORMS` (an ISO 8601
#: ``YYYY-MM-DD`` as one, a basic ISO 8601 date and time ``YYYYMMDDThhmmss``, SMAP's
#: ``SMAP_L4_SM_gph_20190101T013000_Vv7032_001.h5``, as one, and a day with its hour after a dot,
#: :data:`_DOTTED_TIME_FORMS`, as one); written with ``[0-9]`` and without ``!`` or ``$`` so the
#: printed loop needs no backslash and stays in double quotes.
_NAME_NUMBERS = ("[0-9]{8}T[0-9]{6}|[0-9]{8}[.][0-9]{4}(?=[^0-9])|[0-9]{8}[.][0-9]{2}(?=[^0-9])"
                 "|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]+")

#: The dates a file's name may hold as one of its numbers (:data:`_NAME_NUMBERS`): its length
#: and :func:`~datetime.datetime.strptime` form, the form as said, and whether it names a month
#: (PRISM's ``PRISM_ppt_stable_4kmM3_198101_bil``), a day or an hour (``st4.2021010112``).
_NAMED_DATE_FORMS = {6: ("%Y%m", "YYYYMM", "month"), 8: ("%Y%m%d", "YYYYMMDD", "day"),
                     10: ("%Y%m%d%H", "YYYYMMDDHH", "hour")}
_ISO_DATE_FORM = ("%Y-%m-%d", "YYYY-MM-DD", "day")

#: A date with its time of day (``20190101T013000``: SMAP L4's 3-hourly granules, 8 a day):
#: read whole, not as the day ``20190101`` and a number ``013000`` (fix45d: the day alone dated
#: each granule at 00:00, its 01:30 lost, and 8 granules a day at one time).
_ISO_TIME_FORM = ("%Y%m%dT%H%M%S", "YYYYMMDDThhmmss", "time")

#: A day and its hour as two numbers of the name, ``YYYYMMDD.HH`` (TRMM TMPA's 3-hourly
#: ``3B42.19980101.03.7.HDF.nc4``, GES DISC: the 3-hour window centred on 03:00) or
#: ``YYYYMMDD.hhmm`` (GLDAS's and NLDAS's ``A20000101.0300``), read whole (break50d A2: the day
#: alone dated the 8 files of a day at 00:00, and followed, they were refused as two fields).
_DOTTED_TIME_FORMS = {11: ("%Y%m%d.%H", "YYYYMMDD.HH", "hour"), 13: ("%Y%m%d.%H%M", "YYYYMMDD.hhmm", "time")}

#: ``YYYYMMDD.NN`` where no two files of one day differ in ``NN``: a day and a version after it
#: (``sst.20200101.01.nc``, every day's file ``.01``), read as the day alone (fix53d: read as the
#: hour 01, every file dated an hour late). The hour only where files of one day differ by it
#: (TRMM's ``3B42.19980101.00``, ``.03``, …: :func:`named_dating`).
_DOTTED_DAY_FORM = ("%Y%m%d", "YYYYMMDD.NN, NN a version and not an hour as no two files of one day differ in it",
                    "day")

#: MODIS's (and NASA LP DAAC's, NSIDC's) ``A%Y%j`` after the letter ``A``: the year and the day
#: of the year of the period's first day (``MOD10CM.A2003032.061.2020233010101.hdf``: February 2003;
#: break44b B7, where those names got one ncap2 line to fill in by hand for each file).
_YEAR_DAY_FORM = ("%Y%j", "AYYYYDDD, the year and day of the year", "day")

#: The years a number of a file's name is taken as a date within: not a resolution or a count.
_NAMED_YEARS = range(1700, 2201)


def name_dates(path: Path, *, year_day: bool = True) -> list[tuple[tuple[int, str], tuple[str, str, str], str]]:
    """The date-like numbers of ``path``'s name: each one's place (its index among the name's
    numbers, :data:`_NAME_NUMBERS`, and the character before it, ``""`` at the start), its form
    (:data:`_NAMED_DATE_FORMS`) and the number, for those that read as a date of
    :data:`_NAMED_YEARS` in their form; MODIS's ``AYYYYDDD`` only with ``year_day``."""
    import datetime as dt

    found = []
    for place, match in enumerate(re.finditer(_NAME_NUMBERS, path.name)):
        number, before = match.group(), path.name[max(match.start() - 1, 0):match.start()]
        form = (_DOTTED_TIME_FORMS.get(len(number)) if "." in number
                else _ISO_TIME_FORM if "T" in number else _ISO_DATE_FORM if "-" in number
                else _YEAR_DAY_FORM if year_day and len(number) == 7 and before == "A"
                else _NAMED_DATE_FORMS.get(len(number)))
        if form is None:
            continue
        try:
            date = dt.datetime.strptime(number, form[0])
        except ValueError:
            continue
        if date.year in _NAMED_YEARS:
            found.append(((place, before), form, number))
    return found


def named_dating(paths: Sequence[Path], *,
                 year_day: bool = True) -> tuple[tuple[int, str], tuple[str, str, str]] | None:
    """The place and form of the date that dates each of ``paths`` by its name
    (:func:`name_dates`): the one date-like number of every name, or, where every name holds
    the same date-like numbers at the same places, the one of them whose value differs from name
    to name (GPM's ``3A-MO.GPM.DPR.V9-20211125.20150101-S000000-E235959.01.V07A.HDF5``: the
    algorithm's version date 20211125 in every name, the month's 20150101, break43b A5); None when
    a name holds none, the names differ in them, or more than one differs
    (``AQUA_MODIS.20030101_20030131``: a period), but for a start and an end of one day, each a date
    and a time of day: CATDS SMOS L3's daily ``SM_RE07_MIR_CLF31A_20140101T000000_20140101T235959_…``
    is dated by its start (break50a A1). A day and two digits after a dot (``YYYYMMDD.NN``) dates
    the files at that hour only where two files of one day differ in them (TRMM's 3-hourly
    ``3B42.19980101.03``); else they are a version (``sst.20200101.01.nc``) and the day alone dates
    each file (:data:`_DOTTED_DAY_FORM`)."""
    dated = [name_dates(path, year_day=year_day) for path in paths]
    if not dated or any(not dates for dates in dated):
        return None
    layouts = {tuple((place, form) for place, form, _ in dates) for dates in dated}
    if len(layouts) != 1:
        return None
    layout = layouts.pop()
    if len(layout) == 1:
        return _hour_or_version(layout[0], [dates[0][2] for dates in dated])
    varying = [index for index in range(len(layout)) if len({dates[index][2] for dates in dated}) > 1]
    if len(varying) == 2 and all(layout[index][1] == _ISO_TIME_FORM for index in varying) and all(
            dates[varying[0]][2][:8] == dates[varying[1]][2][:8] < dates[varying[1]][2] and
            dates[varying[0]][2] < dates[varying[1]][2] for dates in dated):
        return layout[varying[0]]  # a start and an end within one day: the start dates the file
    if len(varying) != 1:
        return None
    return _hour_or_version(layout[varying[0]], [dates[varying[0]][2] for dates in dated])


def _hour_or_version(dating: tuple[tuple[int, str], tuple[str, str, str]],
                     numbers: Sequence[str]) -> tuple[tuple[int, str], tuple[str, str, str]]:
    """``dating`` as it is, but a day and two digits after a dot (``YYYYMMDD.NN``) that no two
    files of one day differ in (``numbers``, each name's): the day alone, :data:`_DOTTED_DAY_FORM`."""
    if dating[1] != _DOTTED_TIME_FORMS[11]:
        return dating
    endings: dict[str, set[str]] = {}
    for number in numbers:
        endings.setdefault(number[:8], set()).add(number[9:])
    return dating if any(len(ending) > 1 for ending in endings.values()) else (dating[0], _DOTTED_DAY_FORM)


#: A PRISM daily grid's name (``PRISM_ppt_stable_4kmD2_20200101_bil``): its day D is the 24 hours
#: ending 12 UTC on D (PRISM Climate Group, "Descriptions of PRISM Spatial Climate Datasets": the
#: "PRISM day" runs 1200 UTC to 1200 UTC, named by the day it ends on).
PRISM_DAY_NAME = re.compile(r"^PRISM_\w+_4kmD\d", re.IGNORECASE)


def named_dates_statements(place: int, form: tuple[str, str, str], *, day_ends_at_noon: bool = False) -> list[str]:
    """The Python statements (on the dataset ``d`` of :func:`~climann.data.shell.dated_copies`,
    the file ``sys.argv[1]``) that give a copy the date of its name as a CF scalar time in
    ``days since 1970-01-01``, calendar ``standard`` (CF §4.4.1): a month's middle with the
    month as its bounds (``time_bnds``, CF §7.1), as monthly means are dated; a day's or an
    hour's start (of ``YYYYMMDD.NN`` read as a day and a version, the day's); a date and time
    (``YYYYMMDDThhmmss``) as it is. With ``day_ends_at_noon`` (PRISM's daily names,
    :data:`PRISM_DAY_NAME`) a day D is the 24 hours from 12 UTC on D−1 to 12 UTC on D, given as its
    bounds, the time their middle: stamped at 00:00 of D without bounds, each value was read as the
    day beginning there, 12 hours late (break55b A4)."""
    attrs = "'units': 'days since 1970-01-01', 'calendar': 'standard', 'standard_name': 'time'"
    day = "[:8]" if form == _DOTTED_DAY_FORM else ""  # the day of YYYYMMDD.NN, without its version
    statements = [
        "import os, re, datetime as dt",
        f"s = dt.datetime.strptime(re.findall('{_NAME_NUMBERS}', os.path.basename(sys.argv[1]))[{place}]{day}, "
        f"'{form[0]}')",
        "o = dt.datetime(1970, 1, 1)",
    ]
    if form[2] == "day" and day_ends_at_noon:
        return [*statements,
                "b = [(s - o).total_seconds() / 86400 - 0.5, (s - o).total_seconds() / 86400 + 0.5]",
                f"d = d.assign_coords(time=((), sum(b) / 2, {{{attrs}, 'bounds': 'time_bnds'}}))",
                "d['time_bnds'] = (('nv',), b)"]
    if form[2] != "month":
        return [*statements, f"d = d.assign_coords(time=((), (s - o).total_seconds() / 86400, {{{attrs}}}))"]
    return [*statements,
            "e = dt.datetime(s.year + s.month // 12, s.month % 12 + 1, 1)",
            "b = [(s - o).total_seconds() / 86400, (e - o).total_seconds() / 86400]",
            f"d = d.assign_coords(time=((), sum(b) / 2, {{{attrs}, 'bounds': 'time_bnds'}}))",
            "d['time_bnds'] = (('nv',), b)"]

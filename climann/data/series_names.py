"""One quantity under two names across the files of a series: refused, with the rename that joins it.

A folder of yearly files in which the files of 1990-1994 hold ``tas`` and those of 1995-1999
hold ``t2m`` (the same air temperature, renamed by a new download tool or another producer)
would otherwise give a run half of ``tas``'s series: the files without ``tas`` add nothing to
it, and the run's common period silently ends in 1994 (break19b F6). The files say what they
hold: ``t2m`` has the ``standard_name`` of ``tas`` (CF conventions section 3.3), its units are
of the same kind, its ``cell_methods`` are the same (CF section 7.3: ``tasmax``, the daily
maximum, shares the standard_name but not the method), it is never in a file together with
``tas``, and its time steps lie outside ``tas``'s. Such a variable is refused naming both
names and the files of each, with the ``[data] rename`` (``--rename``) that joins them
(:mod:`climann.data.renames`): which name is right is the user's to say, never guessed.

Only variables with time steps are parts of a series: a static field of the same quantity
(``tas_1961_1990(lat, lon)``, a climatology beside ``tas``) is not ``tas`` at other times. Nor
is a name that the run's own renames gave (``[data] rename = {"ta_850.nc" = {ta =
"ta_plev_85000"}}``, the way out of :mod:`climann.data.series_files`' level check: the user
said it is another variable), nor a variable that :mod:`climann.data.series_files` would call
another quantity than the run's beside it in one series (another level, sign convention or
statistic: ``one_series``, its comparisons, passed in).

Only a variable the run uses is checked (its target or a predictor, after the run's
renames); one that the run also uses under the other name (``tas`` as the target and ``t2m``
as a predictor) is the user's choice and passes. Everything is read from the files' headers
and their time coordinates (:mod:`climann.data.used_files`). The files of a variable whose
time steps all lie outside the run's ``time_range`` do not count: with ``--time-range
1990,1999``, ``t2m`` of 2000-2019 beside ``tas`` of 1990-1999 loses the run nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from climann.data.renames import FileRenames, advised_table, table_options, toml_rename_table
from climann.data.time_range import outside_time_range
from climann.errors import ClimannError


@dataclass(frozen=True)
class Quantity:
    """What a file's header says of one data variable: its CF ``standard_name``, its
    ``cell_methods`` (blanks normalised), the kind of its units (their pint dimensionality,
    ``None`` when it has none or they cannot be read), the first and last of its time
    values (``None`` when they cannot be read or it has none), whether it has time steps (a
    dimension whose coordinate has units ``<unit> since <date>``, CF section 4.4), whether
    the run's renames gave it its name, and the pattern of the rename rule its file takes
    ("" for none: a rule for it must then be one of that rule's, verify25 F8)."""

    standard_name: str
    cell_methods: str
    units_kind: str | None
    period: tuple[object, object] | None
    timed: bool = True
    renamed: bool = False
    rule: str = ""


def _nominal(date: object) -> object:
    """A date as (year, month, day, hour, minute, second), comparable across calendars (a
    noleap model's 1990-2009 and a standard calendar's cover the same years, verify20 F14);
    anything else as it is."""
    fields = ("year", "month", "day", "hour", "minute", "second")
    return tuple(getattr(date, field) for field in fields) if all(hasattr(date, f) for f in fields) else date


def _periods_apart(one: Sequence[Quantity], other: Sequence[Quantity]) -> bool:
    """Whether the time steps of ``other`` all lie outside those of ``one``, dates compared by
    their year, month, day and time whatever their calendars (true when a period cannot be
    read: the names and attributes then say enough)."""
    if any(quantity.period is None for quantity in (*one, *other)):
        return True
    try:
        first = min(_nominal(q.period[0]) for q in one)
        last = max(_nominal(q.period[1]) for q in one)
        return all(_nominal(q.period[1]) < first or _nominal(q.period[0]) > last for q in other)
    except TypeError:  # dates and numbers do not compare: other checks name them
        return True


def _files_text(paths: Sequence[Path]) -> str:
    """``a.nc`` or ``a.nc … e.nc (5 files)``."""
    names = sorted(path.name for path in paths)
    return names[0] if len(names) == 1 else f"{names[0]} … {names[-1]} ({len(names)} files)"


def refuse_series_under_two_names(
    quantities: Mapping[Path, Mapping[str, Quantity]], wanted: Collection[str], *,
    one_series: Callable[[str, Path, str, Path], bool] = lambda *_: True, time_range: Sequence[str] = (),
    renames: FileRenames | None = None,
) -> None:
    """Refuse a used variable that some of the files lack while another variable with time
    steps, the same quantity by its header and not named by the run's renames, is in some of
    those files and in none of its own, at other times (see the module description).

    Parameters
    ----------
    quantities : mapping of Path to {variable name: Quantity}
        Each file's data variables (after the run's renames) with what their headers say.
    wanted : collection of str
        The variables the run uses.
    one_series : callable, optional
        ``one_series(name, holding_file, other, filling_file)``: whether ``other`` of
        ``filling_file`` would join ``name`` of ``holding_file`` as one series by the
        comparisons of :mod:`climann.data.series_files` (level, sign convention, statistic);
        passed in by :mod:`climann.data.used_files`, which reads the headers.
    time_range : sequence of two str, optional
        The run's period (``[data] time_range``, ``--time-range``): a variable of a file whose
        time steps all lie outside it does not count (the run would take none of them).

    Raises
    ------
    ClimannError
        Naming the variable, the other name, the files of each, and the rename that joins them;
        a ``time_range`` date that is not a date of a file's calendar
        (:func:`~climann.data.time_range.range_bounds`).
    renames : FileRenames, optional
        The user's own rename rules of the files (the names in ``quantities`` are after them): the
        rename advised is merged with them (:func:`~climann.data.renames.advised_table`).
    """
    given = list(quantities)
    quantities = {path: {name: quantity for name, quantity in held.items()
                         if quantity.period is None or not outside_time_range(quantity.period, time_range)}
                  for path, held in quantities.items()}
    quantities = {path: held for path, held in quantities.items() if held}
    for name in sorted(wanted):
        holding = [path for path, held in quantities.items() if name in held]
        lacking = [path for path, held in quantities.items() if name not in held]
        if not holding or not lacking:
            continue
        own = [quantities[path][name] for path in holding]
        kind = own[0]
        if not kind.standard_name or any(q.standard_name != kind.standard_name or not q.timed for q in own):
            continue
        others = {other for path in lacking for other in quantities[path]} - set(wanted)
        for other in sorted(others):
            filling = [path for path in lacking if other in quantities[path]]
            theirs = [quantities[path][other] for path in filling]
            same = all((q.standard_name, q.cell_methods, q.units_kind, q.timed, q.renamed)
                       == (kind.standard_name, kind.cell_methods, kind.units_kind, True, False) for q in theirs)
            together = any(other in quantities[path] for path in holding)
            if (not together and same and _periods_apart(own, theirs)
                    and all(one_series(name, holding[0], other, path) for path in filling)):
                raise ClimannError(
                    f"'{name}' is in {_files_text(holding)} but not in {_files_text(filling)}, which hold '{other}' "
                    f"instead, the same quantity by its header (standard_name {kind.standard_name}"
                    f"{', ' + kind.cell_methods if kind.cell_methods else ''}) at other times: without a rename "
                    f"the run would use only the part of the series named '{name}'; if they are one series: "
                    f"{_joining_renames(theirs, other, name, filling=filling, renames=renames, files=given)}, "
                    f"or leave the files of '{other}' out of --data"
                )


def _joining_renames(theirs: Sequence[Quantity], other: str, name: str, *, filling: Sequence[Path] = (),
                     renames: FileRenames | None = None, files: Sequence[Path] = ()) -> str:
    """The ``--rename`` (and ``[data] rename``) that names ``other`` ``name`` in its files
    (``filling``, what each holds: ``theirs``): ``'*'`` when the run has no renames of its own;
    else in the rule each file takes (a file takes the first rule whose pattern matches it, so a
    ``'*'`` rule given after another rule that takes the file would never apply to it), a file
    that takes none (or a rule of paths) by its name, merged with the user's rules
    (:func:`~climann.data.renames.advised_table`) into the whole table, given in place of theirs
    (fix45b: the rule alone, followed as ``--rename``, replaced a ``[data] rename`` of the
    configuration file and so dropped the user's other renames of those files)."""
    if renames is None or not renames.rules:
        patterns = list(dict.fromkeys(quantity.rule or "*" for quantity in theirs))
        advised = {pattern: {other: name} for pattern in patterns}
    else:
        advised = {(quantity.rule if quantity.rule and "/" not in quantity.rule else path.name): {other: name}
                   for path, quantity in zip(filling, theirs)}
    table, merged = advised_table(advised, renames, files or filling)
    options = table_options(table)
    within = " in place of the --rename options and [data] rename given" if merged else ""
    return f"{options} ([data] rename = {toml_rename_table(table)}){within}"

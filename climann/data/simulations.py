"""Files of one variable joined along time: one simulation's, never two models spliced.

A folder of model output often holds one variable from several simulations over different
years: EURO-CORDEX's ``tas_EUR-44_MPI-M-MPI-ESM-LR_…_SMHI-RCA4_…_2001-2003.nc`` beside
``tas_EUR-44_MOHC-HadGEM2-ES_…_KNMI-RACMO22E_…_2004-2005.nc``, CMIP6 files of two models or two
ensemble members. Joined along time, they would make one series that switches model at the
file boundary: trained on one model, validated and tested on the other, without a word (break30a
A4). Before anything else is said of the files (their calendars, their overlaps), the files
that hold a variable on their time axis must agree on the global attributes that name the
simulation (:data:`SIMULATION_ATTRIBUTES`):

- CMIP6 ``source_id`` and ``variant_label`` (Taylor et al., "CMIP6 Global Attributes, DRS,
  Filenames, Directory Structure, and CV's");
- CMIP5 ``model_id`` and the member's ``realization``, ``initialization_method`` and
  ``physics_version`` (Taylor et al., "CMIP5 Data Reference Syntax (DRS) and Controlled
  Vocabularies");
- CORDEX ``driving_model_id``, ``driving_model_ensemble_member``, ``model_id`` (the regional
  model) and ``rcm_version_id`` (Christensen et al., "CORDEX Archive Design"), and CORDEX-CMIP6's
  ``driving_source_id``, ``driving_variant_label`` and ``version_realization`` (CORDEX-CMIP6
  archive specifications).

The experiment (``experiment_id``) is not among them: a historical run continued by its
scenario (``historical`` 1850–2014 and ``ssp585`` 2015–2100 of one model and member) is one
series. Neither is a CMIP6 scenario's own member label when its ``parent_variant_label`` (or
``parent_source_id``) names the other file's: the run it continues. A file without such an
attribute is not judged by it (a file renamed or written by a user's own tool says nothing).

A file of one member may say which in a member coordinate of one value instead (a CF scalar
coordinate ``realization = "r1i1p1f1"``, CMIP6's ``member_id``, a ``number`` of an ensemble:
:func:`~climann.data.members.member_values`). Two such labels are judged as two values of
``variant_label`` (a scenario's member naming the other as its ``parent_variant_label`` is
one run): the series was joined, and ``info`` showed the first file's label as the series'
(fix31c).

Two simulations are refused in one line naming the attribute, its two values, one file of
each, and the way out, true of every command that opens files (``train``, ``predict``,
``evaluate --data``, ``info``): one simulation's files at a time, or, for ``train``, one
simulation per block of a split by files (``--split-files train=… test=…``,
:mod:`climann.data.split_files`), where each block is opened on its own. Files of the
different simulations at the very same time steps (two members over the same years) are not
joined along time: they are judged, and refused, as one variable held twice
(:mod:`climann.data.duplicate_files`). Only global attributes and time coordinates are read.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.members import member_values
from climann.data.shell import shared_glob, working_path
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

__all__ = ["SIMULATION_ATTRIBUTES", "check_one_simulation", "data_options", "member_labels", "years_spanned"]

#: Global attributes that name the simulation a file comes from → what two values say, and the
#: attribute by which a continuing run names its parent's value (CMIP6), or None. In the order
#: the refusal names them: the model before the member.
SIMULATION_ATTRIBUTES: dict[str, tuple[str, str | None]] = {
    "source_id": ("two models", "parent_source_id"),
    "model_id": ("two models", None),
    "driving_source_id": ("two driving models", None),
    "driving_model_id": ("two driving models", None),
    "rcm_version_id": ("two versions of the regional model", None),
    "version_realization": ("two versions of the regional model", None),
    "variant_label": ("two ensemble members", "parent_variant_label"),
    "realization": ("two ensemble members", None),
    "initialization_method": ("two ensemble members", None),
    "physics_version": ("two ensemble members", None),
    "driving_model_ensemble_member": ("two members of the driving model", None),
    "driving_variant_label": ("two members of the driving model", None),
}


def _attribute(dataset: xr.Dataset, name: str) -> str:
    """A global attribute as text, "" when absent or blank."""
    return str(dataset.attrs.get(name, "")).strip()


def _times_key(dataset: xr.Dataset, time: str) -> tuple:
    """The file's time steps as a key (their calendar first: dates of two calendars are never
    compared): equal keys, the very same steps."""
    values = np.asarray(dataset[time].values).ravel()
    return getattr(values[0], "calendar", "") if len(values) else "", tuple(map(str, values))


def _series_holders(datasets: Mapping[Path, xr.Dataset]) -> dict[str, list[Path]]:
    """{variable: the files holding it on their time axis (or at a scalar time: one step of a
    series)}, for variables held by two files or more."""
    holders: dict[str, list[Path]] = {}
    for path, dataset in datasets.items():
        time = time_coordinate(dataset)
        if time is None:
            continue
        dims = dataset[time].dims
        for name in data_variable_names(dataset):
            if not dims or set(dims) <= set(dataset[name].dims):
                holders.setdefault(name, []).append(path)
    return {name: paths for name, paths in holders.items() if len(paths) > 1}


def _one_run(values: Mapping[Path, str], parents: Mapping[Path, str]) -> bool:
    """Whether the files' values of one attribute name one run: all equal, or linked by the
    parent's value that a continuing run names (a scenario whose ``parent_variant_label`` is
    its historical run's ``variant_label``)."""
    groups = {value: {value} for value in values.values()}
    for path, parent in parents.items():
        if parent in groups and path in values and values[path] != parent:
            joined = groups[parent] | groups[values[path]]
            groups.update(dict.fromkeys(joined, joined))
    return len({frozenset(group) for group in groups.values()}) == 1


class _Differing(NamedTuple):
    """A name of the run that files give two values of."""

    source: str  # "global attribute" or "member coordinate"
    name: str
    kind: str  # what two values say: "two models"
    values: dict[Path, str]  # {file: its value}


def member_labels(dataset: xr.Dataset) -> dict[str, str]:
    """{member coordinate: its one value as text} of a file of one member (a scalar member
    coordinate, or a member dimension of length one); none for a file of several.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, opened.

    Returns
    -------
    dict of str to str
        Empty for a file of several members or of none.
    """
    return {name: _label_text(values[0]) for name, values in member_values(dataset).items()
            if len(values) == 1 and name in dataset.variables}


def _label_text(value: object) -> str:
    """A member label as text, a number as the same text whether stored as integer or float."""
    return format(value, "g") if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _differing(datasets: Mapping[Path, xr.Dataset], paths: list[Path]) -> list[_Differing]:
    """What names the run (a global attribute of :data:`SIMULATION_ATTRIBUTES`, then a member
    coordinate) that the files ``paths`` (those that have it) give more than one run's value of."""
    found = []
    for attribute, (kind, parent) in SIMULATION_ATTRIBUTES.items():
        values = {path: value for path in paths if (value := _attribute(datasets[path], attribute))}
        parents = {path: value for path in paths if parent and (value := _attribute(datasets[path], parent))}
        if len(set(values.values())) > 1 and not _one_run(values, parents):
            found.append(_Differing("global attribute", attribute, kind, values))
    labels = {path: member_labels(datasets[path]) for path in paths}
    # a scenario's member naming its historical run's as its parent continues it, as for variant_label
    parents = {path: value for path in paths if (value := _attribute(datasets[path], "parent_variant_label"))}
    for name in dict.fromkeys(name for held in labels.values() for name in held):
        values = {path: held[name] for path, held in labels.items() if name in held}
        if len(set(values.values())) > 1 and not _one_run(values, parents):
            found.append(_Differing("member coordinate", name, "two ensemble members", values))
    return found


def _at_the_same_times(datasets: Mapping[Path, xr.Dataset], values: Mapping[Path, str]) -> bool:
    """Whether each value's files hold the very same time steps as every other value's (two
    members over the same years: one variable held twice, not a series joined along time)."""
    steps: dict[str, set] = {}
    for path, value in values.items():
        dataset = datasets[path]
        steps.setdefault(value, set()).add(_times_key(dataset, time_coordinate(dataset)))
    return len({frozenset(keys) for keys in steps.values()}) == 1


#: Number words for the count of simulations a refusal names ("three models").
_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}

#: At most so many simulations are named one by one in a refusal; the rest are counted.
_LISTED = 6


def _counted(kind: str, count: int) -> str:
    """``"three models"`` of ``kind`` ``"two models"`` (:data:`SIMULATION_ATTRIBUTES`) for ``count`` values."""
    return kind.replace("two ", f"{_COUNTS.get(count, str(count))} ", 1)


def _groups(datasets: Mapping[Path, xr.Dataset], differing: _Differing) -> dict[str, list[Path]]:
    """{value: every file given that has it}, for each value of the differing attribute or member
    coordinate, in the order of the files' names (whatever order the command opened them in:
    ``info`` and ``train`` name the same ones); a value's files beyond those holding the variable
    (its other variables) go with it."""
    values = dict(differing.values)
    for path, dataset in datasets.items():
        if path not in values:
            held = (_attribute(dataset, differing.name) if differing.source == "global attribute"
                    else member_labels(dataset).get(differing.name, ""))
            if held in set(differing.values.values()):
                values[path] = held
    groups: dict[str, list[Path]] = {}
    for path in sorted(values, key=lambda path: (path.name, str(path))):
        groups.setdefault(values[path], []).append(path)
    return groups


def years_spanned(datasets: Mapping[Path, xr.Dataset], paths: list[Path]) -> tuple[int, int] | None:
    """The first and last year of the time steps of the files ``paths``; None when a file's
    times are not dates.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        Each file opened, by its path.
    paths : list of Path
        The files whose years are wanted, keys of ``datasets``.

    Returns
    -------
    tuple of (int, int) or None
    """
    years = []
    for path in paths:
        time = time_coordinate(datasets[path])
        try:
            values = xr.DataArray(np.asarray(datasets[path][time].values).ravel()).dt.year.values
        except (AttributeError, TypeError):
            return None
        years += [int(values.min()), int(values.max())] if values.size else []
    return (min(years), max(years)) if years else None


def _overlapping(spans: Mapping[str, tuple[int, int] | None]) -> bool:
    """Whether two of the simulations' year ``spans`` overlap (runs of one period side by side,
    not one after the other)."""
    known = sorted(span for span in spans.values() if span is not None)
    return any(later[0] <= earlier[1] for earlier, later in zip(known, known[1:]))


def _simulation_glob(paths: list[Path], value: str) -> Path | None:
    """A glob that matches the files ``paths`` of one simulation and no other file of their folder:
    the start and end their names share (:func:`~climann.data.shell.shared_glob`), else the
    simulation's own name between stars (``nex/*_ACCESS-CM2_*``: NEX-GDDP-CMIP6's files of three
    variables share neither); None when no such glob takes exactly them."""
    pattern = shared_glob(paths)
    if pattern is not None or len({path.parent for path in paths}) > 1 or not re.fullmatch(r"[\w.+-]+", value):
        return pattern
    folder, wanted = paths[0].parent, sorted(os.path.abspath(path) for path in paths)
    for candidate in (f"*_{value}_*", f"*{value}*"):
        if sorted(os.path.abspath(match) for match in folder.glob(candidate)) == wanted:
            return folder / candidate
    return None


def _files_word(paths: list[Path], value: str) -> str:
    """The files ``paths`` as one argument of ``--split-files`` (``GLOB[,GLOB]``): a glob that
    matches them and no other file of their folder (:func:`_simulation_glob`), else the file, else
    the files joined by commas."""
    pattern = _simulation_glob(paths, value) if len(paths) > 1 else None
    return working_path(pattern) if pattern is not None else ",".join(working_path(path) for path in paths)


def data_options(paths: Sequence[Path], value: str) -> str:
    """The files ``paths`` of one simulation (``value``: its name, ``r1i1p1f1``) as ``--data`` options: one with
    a quoted glob (:func:`_simulation_glob`), else one ``--data`` a file (``--data`` takes a file, folder or glob,
    never a list joined by commas: break47a A1, the advised ``--data a.nc,b.nc,…`` matched no file)."""
    pattern = _simulation_glob(list(paths), value) if len(paths) > 1 else None
    chosen = [pattern] if pattern is not None else paths
    return " ".join(f"--data {shlex.quote(working_path(path))}" for path in chosen)


def _split_key(dataset: xr.Dataset) -> tuple:
    """What the blocks of a split by files must share, as train opens them
    (:func:`~climann.data.open.split_blocks`): the calendar (its canonical name, ``365_day`` and
    ``noleap`` one; ``standard`` and ``proleptic_gregorian`` one, as train reads them after 1582)
    and the grid: each dimension of the file's first series besides time, its size and its
    coordinate's values rounded to 1e-3 (sorted, longitudes modulo 360: train aligns a block
    north-to-south or in −180…180 by value)."""
    from climann.data.calendars import calendar_name

    time = time_coordinate(dataset)
    values = np.asarray(dataset[time].values).ravel() if time is not None else np.array([])
    calendar = calendar_name(getattr(values[0], "calendar", "standard")) if values.size else ""
    calendar = "standard" if calendar == "proleptic_gregorian" else calendar
    series = next((name for name in data_variable_names(dataset) if time is not None
                   and set(dataset[time].dims) <= set(dataset[name].dims)), None)
    grid = []
    for dim in dataset[series].dims if series is not None else ():
        if time is not None and dim in dataset[time].dims:
            continue
        coordinate = dataset[dim] if dim in dataset.variables and dataset[dim].dtype.kind in "iuf" else None
        if coordinate is None:
            grid.append((dim, dataset.sizes[dim], ()))
            continue
        numbers = np.asarray(coordinate.values, dtype=np.float64)
        numbers = numbers % 360 if "east" in str(coordinate.attrs.get("units", "")).lower() else numbers
        grid.append((dim, numbers.size, tuple(np.round(np.sort(numbers), 3))))
    return calendar, tuple(grid)


def _split_blocks(groups: Mapping[str, list[Path]], datasets: Mapping[Path, xr.Dataset]) -> list[str] | None:
    """Three simulations, one for each block of a split by files (train, val, test), on one grid
    and in one calendar (:func:`_split_key`), the first three such in the order of ``groups``;
    None when no three share them. A block of several simulations is refused as files are
    (break46a A3: the train block of four models was refused as printed, "comes from four
    models"), and blocks on other grids or in other calendars are refused too (break46a A5)."""
    keys: dict[tuple, list[str]] = {}
    for value, paths in groups.items():
        keys.setdefault(_split_key(datasets[paths[0]]), []).append(value)
    return next((values[:3] for values in keys.values() if len(values) >= 3), None)


def _way_out(groups: Mapping[str, list[Path]], shared: list[Path], datasets: Mapping[Path, xr.Dataset]) -> str:
    """The way out of files of several simulations: one simulation's files per run, the run then
    scored on another's with ``evaluate --data``; with three simulations or more on one grid and in
    one calendar, also a split by files whose blocks are one simulation each (a split needs train,
    val and test, :mod:`climann.data.split_files`, and train refuses a block of two simulations);
    without three such, the words that say why no split is given."""
    words = {value: _files_word(paths, value) for value, paths in groups.items()}
    static = "".join(f"--data {shlex.quote(working_path(path))} " for path in shared)
    first, second = (data_options(paths, value) for value, paths in list(groups.items())[:2])
    # the user's own command with other files: a printed "climann train --data … --out RUN" dropped its --target,
    # --predictors and --select, and pasted was refused "no target given" (break57d A4)
    advice = (f"give one simulation's files at a time, e.g. give {static}{first} in place of the --data given (the "
              f"other options as before), then score that run on another with climann evaluate RUN {second} "
              f"--out SCORES")
    if len(words) < 3:
        return advice
    chosen = _split_blocks(groups, datasets)
    if chosen is None:
        return (f"{advice} (a split by files, one simulation a block, needs three of them on one grid and in one "
                f"calendar: no three of these are)")
    blocks = dict(zip(("train", "val", "test"), (words[value] for value in chosen)))
    split = " ".join(f"--split-files {shlex.quote(f'{block}={files}')}" for block, files in blocks.items())
    return f"{advice}; or train on some and test on another: give {static}{split} in place of the --data given"


def _refusal(name: str, differing: list[_Differing], datasets: Mapping[Path, xr.Dataset]) -> ClimannError:
    """One line: the first differing attribute, each of its values with a file of each (all of them,
    in the order of the files' names), the others, whether the simulations follow one another or
    cover the same years, and a way out that runs as written (break41c A1: three models were named
    as two, a different two by ``info`` and ``train``, and the advised ``--split-files train=…,
    test=…`` was refused for its missing val block)."""
    source, attribute, kind, _ = differing[0]
    groups = _groups(datasets, differing[0])
    # each value's file of the variable itself, not its first file of another variable (break57d A4: so's)
    holding = {value: next((path for path in paths if path in differing[0].values), paths[0])
               for value, paths in groups.items()}
    shown = [f"{value} in {holding[value].name}" for value in list(groups)[:_LISTED]]
    more = f" and {len(groups) - _LISTED} more" if len(groups) > _LISTED else ""
    listed = (", ".join(shown[:-1]) + f" and {shown[-1]}" if not more else ", ".join(shown) + more)
    firsts = list(holding.values())
    also = [f"{other} {', '.join(dict.fromkeys(held[path] for path in firsts if path in held))}"
            for _, other, _, held in differing[1:] if len({held[path] for path in firsts if path in held}) > 1]
    also_text = f" (and {'; '.join(also)})" if also else ""
    spans = {value: years_spanned(datasets, paths) for value, paths in groups.items()}
    if _overlapping(spans):
        each = ", ".join(f"{value} {span[0]}–{span[1]}" for value, span in spans.items() if span is not None)
        why = f"they cover the same years ({each}), runs side by side, not one series"
    else:
        why = "joined along time they would make one series that changes simulation between files"
    shared = [path for path in datasets if all(path not in paths for paths in groups.values())
              and _holds_no_series(datasets[path])]
    return ClimannError(
        f"'{name}' comes from {_counted(kind, len(groups))} in the files given: {source} {attribute} is {listed}"
        f"{also_text}; {why}: {_way_out(groups, shared, datasets)}"
    )


def _holds_no_series(dataset: xr.Dataset) -> bool:
    """Whether a file holds no variable along a time axis (a static field every run may read:
    ``orog``, ``sftlf``)."""
    time = time_coordinate(dataset)
    return time is None or not any(dim in dataset[name].dims for name in data_variable_names(dataset)
                                   for dim in dataset[time].dims)


def check_one_simulation(datasets: Mapping[Path, xr.Dataset]) -> None:
    """Refuse files that would join one variable's series from two simulations.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        The files of one set (one run's ``--data``, or one block of a split by files), opened
        lazily; only their global attributes and time coordinates are read.

    Raises
    ------
    ClimannError
        When two files that hold one variable on their time axis, at different time steps, give
        different values of a global attribute of :data:`SIMULATION_ATTRIBUTES` (and neither
        names the other as its parent run) or of a member coordinate of one value, naming the
        variable, the attribute, its two values, a file of each and the way out.
    """
    for name, paths in _series_holders(datasets).items():
        differing = [found for found in _differing(datasets, paths) if not _at_the_same_times(datasets, found.values)]
        if differing:
            raise _refusal(name, differing, datasets)

"""The files each variable was read from, named in the messages about it.

A run's data are often a folder of one-variable files (CMIP's ``pr_Amon_….nc``,
``clt_Amon_….nc`` and a static ``areacella_fx_….nc``). A message about one variable — its
units converted, its level or cell method unlike the training data's, fill-like values in it —
names the files that hold that variable, not the first files of the folder (with twenty
variables, those never include the culprit). :func:`climann.data.open.open_dataset` records
them in each data variable's ``encoding`` as it combines the files (:func:`with_source_files`);
every message about a variable asks :func:`variable_where`. Encoding, not attributes: it
describes the files read, and xarray does not write keys it does not know into an output file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import FILE_TIME_COORDINATE
from climann.data.coords import SOURCE_FILES_KEY as SOURCE_FILES_KEY


#: How many file names a message lists before "and N more files".
LISTED_FILES = 2


#: The key, in a data variable's ``encoding``, of the time steps of each of its
#: :data:`SOURCE_FILES_KEY` files (their coordinate values, in the same order).
SOURCE_TIMES_KEY = "climann_source_times"


#: The key, in a data variable's ``encoding``, of how each of its :data:`SOURCE_FILES_KEY`
#: files names it: (the pattern of the ``[data] rename`` rule that file takes, "" for none;
#: the variable's name in that file), in the same order. Advice that renames the variable
#: names it as the file holds it, with the rule that applies to the file (verify25 F8).
SOURCE_NAMES_KEY = "climann_source_names"


#: The key, in the ``encoding`` of a variable of one file as opened, of its own name in that
#: file when a ``[data] rename`` rule renamed it (:meth:`climann.data.renames.FileRenames.applied`):
#: what a file's own records (valid range, absolute zero) are made before the files are
#: combined, and their commands name (break28b A3).
FILE_NAME_KEY = "climann_file_name"


#: The ``encoding`` key of the combined time bounds: the files that held them (those of the
#: target when the others took its stamps), named in messages about the cells, not every file.
BOUNDS_FILES_KEY = "climann_bounds_files"


#: The key, in a data variable's ``encoding``, of whether every file that holds it gave its time
#: CF bounds (7.1) as opened (its own, or made from what the file says: a forecast's lead window,
#: ECMWF's month cells): True or False, absent when not recorded (one file, a dataset built in
#: memory). Files combined with the target at other stamps lose their bounds (the target's give
#: the combined cells), so a check of a variable's own period asks this, not the combined data
#: (break47d A1: ERA5 ``tp`` given bounds was refused as "no bounds" beside CEMS-Flood's ``dis24``).
OWN_TIME_BOUNDS_KEY = "climann_own_time_bounds"


#: The key, in the ``encoding`` of a run's target, of the files given beside it on its grid, each with a time axis
#: without bounds, that hold none of the variables the run uses (left out unopened,
#: :func:`~climann.data.used_files.files_in_use`): E-OBS's ``rr`` spread beside a run of ``tg`` on ``rr`` and
#: ``tg_spread``. A line that gives the run's files time bounds is for them too: their stamps are read as those of
#: the files it copies, and a ``--data`` of the copies alone lost them (:meth:`GridLayout.time_files
#: <climann.data.layout.GridLayout.time_files>`, fix54e).
UNUSED_FILES_KEY = "climann_unused_files"


def with_unused_files(dataset: xr.Dataset, target: str | None, files: Sequence[str | Path]) -> xr.Dataset:
    """``dataset`` whose ``target`` records ``files`` (:data:`UNUSED_FILES_KEY`); unchanged when
    there are none or ``target`` is not a data variable of it."""
    if not files or target is None or target not in dataset.data_vars:
        return dataset
    variable = dataset[target].variable.copy(deep=False)
    variable.encoding = {**variable.encoding, UNUSED_FILES_KEY: tuple(str(file) for file in files)}
    return dataset.assign({target: variable})


def own_time_bounds(variable: xr.DataArray | xr.Variable) -> bool | None:
    """Whether every file ``variable`` was read from had time bounds (:data:`OWN_TIME_BOUNDS_KEY`);
    None when not recorded."""
    recorded = variable.encoding.get(OWN_TIME_BOUNDS_KEY)
    return None if recorded is None else bool(recorded)


def own_period_bounded(dataset: xr.Dataset, variable: xr.DataArray, dim: str) -> bool:
    """Whether ``variable``'s own files give the period of each of its values by time bounds
    (CF 7.1): as recorded for each variable when files were combined
    (:func:`~climann.data.sources.own_time_bounds`), whose bounds a file beside the target at
    other stamps loses (break47d A1: ERA5 ``tp`` given bounds, beside CEMS-Flood's ``dis24``
    without, was refused as "no bounds"); else the bounds of ``dataset``'s time (one file, or
    made after the files were combined), unless they are recorded as held by other files only
    (the target's, beside a variable whose own files had none; a predictor's, beside a target
    whose own files had none: break48d A5, ERA5's 1-hour cells took GEFF's daily fwi's
    persistence away)."""
    own = own_time_bounds(variable)
    if own:
        return True
    bounds = dataset[dim].attrs.get("bounds") or dataset[dim].encoding.get("bounds")
    if bounds not in dataset.variables:
        return False
    held = dataset[bounds].encoding.get(BOUNDS_FILES_KEY)
    return own is None or not held or bool(set(map(str, held)) & set(source_files(variable)))


def with_source_files(dataset: xr.Dataset, holders: Mapping[str, Sequence[str | Path]], *,
                      times: Mapping[str, Sequence[np.ndarray]] | None = None,
                      names: Mapping[str, Sequence[tuple[str, str]]] | None = None,
                      bounded: Mapping[str, bool] | None = None) -> xr.Dataset:
    """``dataset`` whose data variables named in ``holders`` record the files that hold them
    (:data:`SOURCE_FILES_KEY`) and, given in ``times``, each file's time steps
    (:data:`SOURCE_TIMES_KEY`), and, given in ``names``, each file's rename rule and own name
    of the variable (:data:`SOURCE_NAMES_KEY`), and, given in ``bounded``, whether each of its
    files had time bounds as opened (:data:`OWN_TIME_BOUNDS_KEY`); copies of those variables,
    lazy as given."""
    recorded = {}
    for name, files in holders.items():
        if name in dataset.data_vars and files:
            variable = dataset[name].variable.copy(deep=False)
            variable.encoding = {**variable.encoding, SOURCE_FILES_KEY: tuple(str(file) for file in files)}
            if times is not None and name in times:
                variable.encoding[SOURCE_TIMES_KEY] = tuple(times[name])
            if names is not None and name in names:
                variable.encoding[SOURCE_NAMES_KEY] = tuple(tuple(pair) for pair in names[name])
            if bounded is not None and name in bounded:
                variable.encoding[OWN_TIME_BOUNDS_KEY] = bool(bounded[name])
            recorded[name] = variable
    return dataset.assign(recorded) if recorded else dataset


def dates_in(dates: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Which of ``dates`` are among ``chosen``: :func:`numpy.isin`, by hashing for dates held as
    objects (the ``cftime`` dates climann decodes time to), which ``numpy.isin`` compares pair by
    pair — 6 to 10 s for the 3 650 steps of ten years of daily data, called for each fill-like
    value of each variable: minutes before training started, quadratic in the steps (break28a
    A2); linear here, with the same equality.

    Parameters
    ----------
    dates, chosen : numpy.ndarray
        Shapes (n,) and (k,): time coordinate values (``datetime64`` or ``cftime`` objects).

    Returns
    -------
    numpy.ndarray
        Shape (n,), bool.
    """
    dates, chosen = np.asarray(dates), np.asarray(chosen)
    if dates.dtype != object and chosen.dtype != object:
        return np.isin(dates, chosen)
    try:
        held = set(chosen.ravel().tolist())
        return np.fromiter((date in held for date in dates.ravel().tolist()), dtype=bool, count=dates.size)
    except TypeError:  # unhashable, or dates of two calendars that cftime will not compare: as numpy does
        return np.isin(dates, chosen)


def as_file_stamps(variable: xr.DataArray, times: np.ndarray) -> np.ndarray:
    """``times`` (values of the variable's time coordinate) as its files stamp them: where the
    steps were dated by the middles of their CF time cells (:mod:`climann.data.time_cells`),
    the files' own stamps kept in :data:`~climann.data.coords.FILE_TIME_COORDINATE`, in the
    coordinate's order; else ``times`` themselves. What each file holds is recorded by its
    stamps (:data:`SOURCE_TIMES_KEY`, the records of :mod:`climann.data.file_encodings`), so a
    step of the combined data is matched to its file by these (verify26 G1: a series with
    ``time_bnds`` matched none, and no file's unmarked fill values were looked for)."""
    times = np.asarray(times)
    if FILE_TIME_COORDINATE not in variable.coords or variable[FILE_TIME_COORDINATE].ndim != 1:
        return times
    stamps = variable[FILE_TIME_COORDINATE]
    coordinate = np.asarray(variable[stamps.dims[0]].values)
    return np.asarray(stamps.values)[dates_in(coordinate, times)]


def files_at(variable: xr.DataArray, times: np.ndarray) -> tuple[str, ...]:
    """The files of ``variable`` that hold any of the time steps ``times`` (coordinate values),
    for a message about values found there: of a series combined from an old packed file and
    newer ones, the file that holds the step, not all of them. Every file of the variable when
    their steps are not recorded (one file, a static field) or ``times`` is empty."""
    files = source_files(variable)
    steps = variable.encoding.get(SOURCE_TIMES_KEY)
    if steps is None or len(steps) != len(files) or not len(times):
        return files
    stamps = as_file_stamps(variable, times)
    holding = tuple(file for file, held in zip(files, steps) if dates_in(np.asarray(held), stamps).any())
    return holding or files


def held_by(variable: xr.DataArray, stamps: np.ndarray, files: Sequence[str]) -> np.ndarray:
    """Which of ``stamps`` (steps as the files stamp them, :func:`as_file_stamps`) the files
    ``files`` of ``variable`` hold (:data:`SOURCE_TIMES_KEY`): a message that counts the values
    of "file B" counts B's steps, not those of every file read with it (verify26 G3). All of
    them when the steps of the variable's files are not recorded."""
    stamps = np.asarray(stamps)
    steps = variable.encoding.get(SOURCE_TIMES_KEY)
    every = source_files(variable)
    if steps is None or len(steps) != len(every):
        return np.ones(len(stamps), dtype=bool)
    named = {str(file) for file in files}
    held = [np.asarray(times) for file, times in zip(every, steps) if file in named]
    return dates_in(stamps, np.concatenate(held)) if held else np.ones(len(stamps), dtype=bool)


def source_names(variable: xr.DataArray | xr.Variable) -> tuple[tuple[str, str, str], ...]:
    """(file, pattern of the rename rule it takes or "", the variable's name in it) of each file
    ``variable`` was read from (:data:`SOURCE_NAMES_KEY`); empty when not recorded."""
    files, names = source_files(variable), variable.encoding.get(SOURCE_NAMES_KEY, ())
    if len(files) != len(names):
        return ()
    return tuple((file, str(pattern), str(name)) for file, (pattern, name) in zip(files, names))


def source_files(variable: xr.DataArray | xr.Variable) -> tuple[str, ...]:
    """The files ``variable`` was read from; empty when not recorded (a dataset built in memory)."""
    return tuple(variable.encoding.get(SOURCE_FILES_KEY, ()))


def files_text(files: Sequence[str | Path], *, listed: int = LISTED_FILES) -> str:
    """Files for a message, by name: ``pr.nc``, ``a.nc, b.nc``, ``a.nc, b.nc and 1 more file`` or
    ``a.nc, b.nc and 3 more files`` (``listed`` names before the count)."""
    names = names_apart(*files)  # by their folders where names coincide (Daymet's tiles: break53d A2)
    more = len(names) - listed
    return ", ".join(names[:listed]) + (f" and {more} more file{'s' if more > 1 else ''}" if more > 0 else "")


def names_apart(*paths: str | os.PathLike) -> list[str]:
    """The names of ``paths`` for a message that tells them apart: each file's name, with as many of
    its folders before it as make the names differ (``11935_2015/tmax.nc`` and ``11936_2015/tmax.nc``,
    Daymet's tiles; "x differs … between tmax.nc and tmax.nc" named neither, break53d A2). Paths
    that are one file keep their names.

    Examples
    --------
    >>> names_apart("tiles/2015/11935_2015/tmax.nc", "tiles/2015/11936_2015/tmax.nc")
    ['11935_2015/tmax.nc', '11936_2015/tmax.nc']
    >>> names_apart("a/pr.nc", "b/tas.nc")
    ['pr.nc', 'tas.nc']
    """
    parts = [Path(str(path)).parts for path in paths]
    depth = 1
    while True:
        names = ["/".join(each[-depth:]) for each in parts]
        if len(set(names)) == len(names) or all(depth >= len(each) for each in parts):
            return names
        depth += 1


def two_names(first: str | os.PathLike, second: str | os.PathLike) -> str:
    """``A and B``: two files named apart (:func:`names_apart`)."""
    return " and ".join(names_apart(first, second))


def variable_where(variable: xr.DataArray, where: str) -> str:
    """Where ``variable`` comes from, for a message about it: the files that hold it
    (:func:`files_text` of :func:`source_files`), else ``where`` (the files of the whole set).

    Examples
    --------
    >>> import xarray as xr
    >>> pr = xr.DataArray([1.0], dims="time")
    >>> pr.encoding[SOURCE_FILES_KEY] = ("/data/cmip/pr_Amon_2005.nc",)
    >>> variable_where(pr, "areacella_fx.nc, clt_Amon.nc and 1 more file")
    'pr_Amon_2005.nc'
    """
    files = source_files(variable)
    return files_text(files) if files else where


def variable_file(variable: xr.DataArray) -> str | None:
    """The one file ``variable`` was read from, for a command that changes it; None when it
    comes from several files or is not recorded."""
    files = source_files(variable)
    return files[0] if len(files) == 1 else None


def name_in_file(variable: xr.DataArray, name: str | None = None, file: str | Path | None = None) -> str:
    """The name a command on a user's file (``ncatted -a units,NAME,…``, ``ncap2 -s 'NAME@…'``)
    is to give ``variable``: its own name in ``file`` (default: the file its ``encoding["source"]``
    names, else its one file), as :data:`SOURCE_NAMES_KEY` records it, not the name a
    ``[data] rename`` rule gave it (``tp`` in ERA5's file read as ``pr``: a command naming
    ``pr`` cannot change that file, break28b A3). ``name`` (default ``variable.name``) when the
    files' names are not recorded, or when no one file is meant and its files name it
    differently.

    Examples
    --------
    >>> import xarray as xr
    >>> pr = xr.DataArray([1.0], dims="time", name="pr")
    >>> pr.encoding.update({SOURCE_FILES_KEY: ("era5.nc",), SOURCE_NAMES_KEY: (("era5*", "tp"),)})
    >>> name_in_file(pr)
    'tp'
    """
    name = str(variable.name) if name is None else str(name)
    records = source_names(variable)
    if not records and file is None:  # one file as opened, before the files are combined
        return str(variable.encoding.get(FILE_NAME_KEY, name))
    meant = file if file is not None else variable.encoding.get("source")
    held = [own for path, _, own in records if meant is None or _same_file(path, meant)] or \
        [own for _, _, own in records]
    return held[0] if len(set(held)) == 1 else name


def _same_file(first: str | Path, second: str | Path) -> bool:
    """Whether two paths name one file (as given, or resolved)."""
    return str(first) == str(second) or Path(first).resolve() == Path(second).resolve()

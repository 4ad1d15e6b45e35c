"""The files of a split by dataset (``[data] split_files``): each read by one block only, and
the files shared by every block (``[data] paths``) static fields.

With ``split_files`` each block — train, val, test — is opened from its own files together
with the files of ``[data] paths``, which every block shares. A shared file is meant for static
fields, the same in every block: CMIP's ``fx`` fields (``orog``, ``sftlf``, ``areacella``:
no time axis), or an ERA5-style invariant field stored at a single time step (a land-sea mask
with ``time = 1`` whose variables are in no other file, taken as static when the files are
combined, see :mod:`climann.data.calendars`). A series of a variable that no block's file
holds (a forcing over all the blocks' years) is taken by each block over its own period only
(:mod:`climann.data.time_axes`), and passes too. A shared file with a series of a variable
that the blocks' files also hold (``tas`` for 1986–1990 beside blocks of ``tas``), and that the
run reads (its target, a predictor, a lagged or area-mean variable), would join that series in
every block: the same time steps trained on, then scored as unseen test
data. So would a file that two places name (``[data] paths`` and a block, or two blocks), as
a ``--data 'tas_*.nc'`` glob does that also matches the blocks' files. Both are refused in
one line naming the file and the way out. So are blocks whose selected coordinate is a level
of different kinds (:func:`refuse_mixed_level_kinds`: a depth in one file, a parametric ocean
model level of the same name in another), which no one ``[data] select`` takes alike.
A target that only the shared files hold is taken by each block over its own steps: blocks
over the same dates (IMERG Final for training, Early for testing, over the same years beside
one GloFAS ``dis24`` file) would each take the same target values, the test block scored on
the very values trained on (break46b A1: identical climatology and persistence scores in
train and test, exit 0). :func:`refuse_shared_target_on_shared_dates` refuses them.

Files are told apart by what they are, not by their names: a symbolic or hard link to a file
of another block is that file (device and inode). The same dates in different files are
allowed: two scenarios over the same years (ssp126 in train, ssp585 in test over 2015–2100)
are a normal design; a copy of a file under another name cannot be told from such a file by
its header and is not looked for.

Only the files' headers are read (no values, no time decoding), as
:mod:`climann.data.used_files` does.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from climann.data.coords import find_coordinate
from climann.data.time_axis import date_text
from climann.data.levels import LENGTH_KIND, PRESSURE_KIND, level_kind, level_kind_text
from climann.data.open import file_header, open_input
from climann.data.renames import FileRenames
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

if TYPE_CHECKING:
    import xarray as xr

#: Where a file of a split by dataset is named, for messages: ``[data] paths`` is ``--data``.
SHARED = "[data] paths (--data)"


@dataclass(frozen=True)
class _TimeVarying:
    """The variables of a file that have its time dimension, and the number of its steps."""

    variables: tuple[str, ...]
    n_steps: int


#: A place that names a file (``[data] paths``, a block of ``split_files``) and the file's path there.
_Place = tuple[str, Path]


def _identity(path: Path) -> tuple[int, int]:
    """Device and inode: one file under several names (links) has one identity."""
    status = os.stat(path)
    return status.st_dev, status.st_ino


def _places(shared: Sequence[Path], blocks: Mapping[str, Sequence[Path]]) -> dict[tuple[int, int], list[_Place]]:
    """Each file's identity with the places that name it and its name there, in the order
    given, each place once."""
    places: dict[tuple[int, int], list[_Place]] = {}
    named = [(SHARED, path) for path in shared] + [
        (f"the {name} block of split_files", path) for name, files in blocks.items() for path in files]
    for place, path in named:
        found = places.setdefault(_identity(path), [])
        if place not in [known for known, _ in found]:
            found.append((place, path))
    return places


def refuse_files_in_two_places(shared: Sequence[Path], blocks: Mapping[str, Sequence[Path]]) -> None:
    """Refuse a file that ``[data] paths`` and a block of ``split_files``, or two blocks, both
    name (by its identity: a link to a file is that file).

    Parameters
    ----------
    shared : sequence of Path
        The expanded ``[data] paths``, read by every block.
    blocks : mapping of str to sequence of Path
        The expanded files of each block, ``{"train": [...], "val": [...], "test": [...]}``.

    Raises
    ------
    ClimannError
        Naming the first such file, its two places and the way out.
    """
    for places in _places(shared, blocks).values():
        if len(places) < 2:
            continue
        (first, path), (second, other) = places[:2]
        second += f" (as {other.name})" if other.name != path.name else ""
        if first == SHARED:
            raise ClimannError(
                f"{path.name} is in {first}, which every block of split_files reads, and in {second}: its time "
                f"steps would be trained on and scored as unseen; give only static fields (orog, sftlf) in paths, "
                f"or none (a --data glob must not match the blocks' files)")
        raise ClimannError(
            f"{path.name} is in {first} and in {second}: its time steps would be trained on and scored as unseen; "
            f"list it under one block only")


def _time_varying(path: Path, renames: FileRenames) -> _TimeVarying | None:
    """The file's variables (after its renames) that vary along its time axis; None without
    a time axis, or when its header cannot be read (it is refused with its own message when
    opened)."""
    try:
        header = open_input(path, decode_cf=False, chunks={})
    except Exception:  # noqa: BLE001 — refused with its own message when opened
        return None
    with header:
        try:
            time = find_coordinate(header, "time")
        except ClimannError:
            return None
        dimension = header[time].dims[0] if header[time].dims else None
        mapping = renames.mapping(path)
        names = tuple(mapping.get(name, name) for name in data_variable_names(header)
                      if dimension is not None and dimension in header[name].dims)
        return _TimeVarying(names, header.sizes[dimension]) if names else None


def _variables_of(files: Sequence[Path], renames: FileRenames) -> set[str]:
    """The data variables of ``files`` (after their renames), from their headers."""
    names: set[str] = set()
    for path in files:
        try:
            header = open_input(path, decode_cf=False, chunks={})
        except Exception:  # noqa: BLE001 — refused with its own message when opened
            continue
        with header:
            mapping = renames.mapping(path)
            names.update(mapping.get(name, name) for name in data_variable_names(header))
    return names


def refuse_time_varying_shared_files(
    shared: Sequence[Path], blocks: Mapping[str, Sequence[Path]], renames: FileRenames,
    variables: Collection[str] | None = None,
) -> None:
    """Refuse a file of ``[data] paths`` whose time steps would join the blocks' series.

    A shared file passes when it has no time axis, or when none of its time-varying variables
    is in a block's file: a static field stored at one time step (see
    :mod:`climann.data.calendars`), or the series of a variable that only it holds (a forcing
    over every block's years, which each block takes over its own period:
    :mod:`climann.data.time_axes`). A variable that it and a block's files both hold would be
    combined along time into that variable's series in every block. Only the variables the run
    reads count: a series in the shared file of a variable the run does not use (``rsdt`` beside
    the static ``orog`` it predicts from) is never read, so no block trains on it.

    Parameters
    ----------
    shared : sequence of Path
        The expanded ``[data] paths``.
    blocks : mapping of str to sequence of Path
        The expanded files of each block.
    renames : FileRenames
        The renames of all these files (``[data] rename``): variables are compared by their
        names after them.
    variables : collection of str, optional
        The variables the run reads (after the renames:
        :func:`climann.workflow.preparation.used_variables`); None while they are still to be
        chosen from the data, when every variable may be one.

    Raises
    ------
    ClimannError
        Naming the first such file, the used variables it shares with the blocks and the way out.
    """
    varying = {path: found for path, found in ((p, _time_varying(p, renames)) for p in shared) if found is not None}
    in_blocks = _variables_of([p for files in blocks.values() for p in files], renames) if varying else set()
    for path, found in varying.items():
        both = [name for name in found.variables if name in in_blocks and (variables is None or name in variables)]
        if not both:
            continue
        steps = "one time step" if found.n_steps == 1 else f"{found.n_steps} time steps"
        raise ClimannError(
            f"{path.name} in {SHARED} holds {', '.join(both)} at {steps}, as the blocks' files do, and every "
            f"block of split_files reads it: its steps would be trained on and scored as unseen; list it under "
            f"one block of split_files, or leave it out of paths (shared files are for static fields: orog, sftlf)")


def shared_only_target(
    target: str, shared: Sequence[Path], blocks: Mapping[str, Sequence[Path]], renames: FileRenames,
) -> bool:
    """Whether ``target`` (after the renames) is held by the shared files of ``[data] paths``
    and by no block's file, from the files' headers: each block then takes it from the same
    series, over its own time steps."""
    if not shared or target not in _variables_of(shared, renames):
        return False
    return target not in _variables_of([path for files in blocks.values() for path in files], renames)


def refuse_shared_target_on_shared_dates(
    parts: Sequence[xr.Dataset], names: Sequence[str], *, target: str, shared: Sequence[Path],
) -> None:
    """Refuse blocks that take a target held only by the shared files at the same dates.

    Each block takes the shared series of the target over its own time steps (the steps of its
    files, :mod:`climann.data.time_axes`). Blocks whose steps are other dates take other values
    of it; two blocks with a date in common take the same target value there: the later block
    is scored on (or, val, stops the training on) the values the earlier one is fitted to.

    Parameters
    ----------
    parts : sequence of xarray.Dataset
        Each block opened and subset, in the order of ``names``: its time coordinate holds its steps.
    names : sequence of str
        The blocks' names (``train``, ``val``, ``test``).
    target : str
        The run's target, held by the shared files only (:func:`shared_only_target`).
    shared : sequence of Path
        The expanded ``[data] paths``, named in the message.

    Raises
    ------
    ClimannError
        In one line naming the two blocks, their common dates and the ways out.
    """
    steps = []
    for part in parts:
        time = find_coordinate(part, "time") if target in part.data_vars else None
        steps.append(part[time].values if time is not None and time in part[target].dims else None)
    # train against test first, the latest block first: the test block's steps are the ones scored as unseen
    for earlier, later in [(earlier, later) for earlier in range(len(parts))
                           for later in range(len(parts) - 1, earlier, -1)]:
        if steps[earlier] is None or steps[later] is None:
            continue
        seen = set(steps[earlier].tolist())
        dates = [date_text(value) for value, key in zip(steps[later], steps[later].tolist()) if key in seen]
        if not dates:
            continue
        held = ", ".join(path.name for path in shared[:2]) + (" …" if len(shared) > 2 else "")
        raise ClimannError(
            f"the target '{target}' is only in {SHARED} ({held}), which every block of split_files reads, and "
            f"the {names[later]} block shares {len(dates)} of its dates ({dates[0]} to {dates[-1]}) with the "
            f"{names[earlier]} block: the {names[later]} block would take the {names[earlier]} block's "
            f"{target} values, scored on the very values trained on; list {target}'s files under each block "
            f"(its own values in each), or give blocks of different periods (each takes the shared "
            f"{target} over its own steps); to score a trained run on other predictor files: climann "
            f"evaluate RUN --data")


def _level_kinds(files: Sequence[Path], name: str, renames: FileRenames) -> dict[Path, tuple[str, object]]:
    """The kind of level (:func:`~climann.data.levels.level_kind`) the coordinate ``name`` (after
    each file's renames) is in each of ``files`` that has it, with the coordinate, from their
    headers; a file whose header cannot be read is left out (refused with its own message when
    opened)."""
    found = {}
    for path in files:
        try:
            header = file_header(path)
        except Exception:  # noqa: BLE001 — refused with its own message when opened
            continue
        own = {new: old for old, new in renames.mapping(path).items()}.get(name, name)
        kind = level_kind(header[own]) if own in header.variables else None
        if kind is not None:
            found[path] = (kind, header[own])
    return found


def refuse_mixed_level_kinds(
    blocks: Mapping[str, Sequence[Path]], renames: FileRenames, select: Mapping[str, object] | None,
) -> None:
    """Refuse blocks of ``split_files`` whose coordinate of a ``[data] select`` is a level of
    different kinds in their files (:func:`~climann.data.levels.level_kind`): a depth in CMIP6's
    MPI-ESM and CESM2 files (``lev`` in m and cm, positive down), a parametric ocean sigma-z
    level in MIROC's (``lev``, standard_name ``ocean_sigma_z_coordinate``). No one selection
    takes the same level of both: ``lev=6`` is read in cm of CESM2's and ``lev=600 centimeters``
    is refused of MIROC's, whose model level 6 has no one depth (break42b A1: each file's own
    advice led to the other's refusal).

    Parameters
    ----------
    blocks : mapping of str to sequence of Path
        The expanded files of each block.
    renames : FileRenames
        The renames of all these files.
    select : mapping of str to object, optional
        ``[data] select``.

    Raises
    ------
    ClimannError
        In one line naming the files of each kind and the way out.
    """
    for name in select or {}:
        kinds = _level_kinds([path for files in blocks.values() for path in files], name, renames)
        by_kind: dict[str, list[Path]] = {}
        for path, (kind, _) in kinds.items():
            by_kind.setdefault(kind, []).append(path)
        if len(by_kind) < 2:
            continue
        held = "; ".join(f"{', '.join(path.name for path in paths[:3])}{' …' if len(paths) > 3 else ''}: "
                         f"{_kind_text(kind, [kinds[path][1] for path in paths])}" for kind, paths in by_kind.items())
        model = [kind for kind in by_kind if kind not in (PRESSURE_KIND, LENGTH_KIND)]
        why = ("a model level has no one depth, height or pressure (each cell's is computed from its formula_terms)"
               if model else "a pressure is no height or depth")
        way = ("interpolate the model levels to depths or pressures first, or train on files of the model levels only"
               if model else "interpolate to one kind of level first")
        raise ClimannError(
            f"the files of split_files mix kinds of level along '{name}', of which [data] select takes one value "
            f"({held}): {why}, so no one selection takes the same level of all; give every block data of one kind "
            f"({way})")


def _kind_text(kind: str, coordinates: Sequence) -> str:
    """:func:`~climann.data.levels.level_kind_text` of the files' ``coordinates`` of one kind:
    of the one, or, of several (in m and in cm), without units."""
    if len(coordinates) == 1:
        return level_kind_text(kind, coordinates[0])
    ways = {str(coordinate.attrs.get("positive", "")).strip().lower() for coordinate in coordinates}
    return level_kind_text(kind, positive=ways.pop() if len(ways) == 1 else None)


def check_split_files(
    shared: Sequence[Path], blocks: Mapping[str, Sequence[Path]], renames: FileRenames,
    variables: Collection[str] | None = None, select: Mapping[str, object] | None = None,
) -> None:
    """Refuse a split by dataset whose blocks could share time steps (see the module
    description): a file in two places (:func:`refuse_files_in_two_places`), or a shared file
    with time steps of the blocks' variables that the run reads
    (:func:`refuse_time_varying_shared_files`).

    Parameters
    ----------
    shared : sequence of Path
        The expanded ``[data] paths``, read by every block.
    blocks : mapping of str to sequence of Path
        The expanded files of each block.
    renames : FileRenames
        The renames of all these files.
    variables : collection of str, optional
        The variables the run reads; None (still to be chosen from the data): all of them.
    select : mapping of str to object, optional
        ``[data] select``: a coordinate of it that is a level of different kinds in the blocks'
        files is refused (:func:`refuse_mixed_level_kinds`).

    Raises
    ------
    ClimannError
        In one line naming the file and the way out.
    """
    refuse_files_in_two_places(shared, blocks)
    refuse_time_varying_shared_files(shared, blocks, renames, variables)
    refuse_mixed_level_kinds(blocks, renames, select)

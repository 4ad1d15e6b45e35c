"""Two files of one variable at the very same time steps: a second copy, or two different fields.

A folder of downloads often holds one variable twice over the same years: the same file
fetched twice (``tas_…_200001-200412 (1).nc``, a browser's second copy), a corrected
re-download (``…_v2.nc``), two scenarios of one model (CMIP's ``…_ssp245_…`` and
``…_ssp585_…``) or two ensemble members (``…_r1i1p1f1_…`` and ``…_r2i1p1f1_…``). Combined
along their coordinates, one file's values would silently stand for both (xarray's
``compat = "override"`` keeps one), chosen by the files' order. Before the files are combined
(:mod:`climann.data.open`), each such pair is judged:

- file names that differ in a CMIP experiment (``ssp245``/``ssp585``, ``historical``) or
  variant label (``r1i1p1f1``/``r2i1p1f1``; CMIP6 file names, Taylor et al., "CMIP6 Global
  Attributes, DRS, Filenames, Directory Structure, and CV's") are two fields: refused in one
  line without reading their values; so are files renamed by a user (``tas_a.nc``,
  ``tas_b.nc``) whose CMIP6 global attributes ``experiment_id``, ``variant_label`` or
  ``source_id`` (the same document), or CMIP5's and CORDEX's that name a simulation
  (``model_id``, ``driving_model_id`` …, :data:`~climann.data.simulations.SIMULATION_ATTRIBUTES`),
  differ, naming the attribute;
- otherwise their values are compared (read once, block by block, missing values equal to
  missing values): the same values are one field held twice. Exactly the same when both files
  store the field alike (the same type and packing); within the two files' rounding when they
  do not (:func:`rounding_tolerance`: half a packing step of each file packed with its own
  ``scale_factor``, CF-1.8 §8.1, as ``ncpdq``, ERA5 and TerraClimate pack each file; half a
  unit in the last place of a float), so that a corrected download packed like the original,
  a whole step or more apart, is never taken for a copy. The later file's copy is left out
  with a note naming it; different values are refused in one line naming both files,
  by how much they differ and the way out (leave one out, or give one a new name with
  ``[data] rename``). A copy that names the cells' areas (CF ``cell_measures``, section 7.2) where
  the file it copies names none is kept in its place, with a warning: it is what a line climann
  advised wrote into a new folder (NEMO's e1t·e2t, :func:`~climann.data.defaults.nemo_area_advice`),
  and the original given first had the scores weighed by computed areas with no word (fix57c);
  two files whose ``cell_measures`` name different areas are refused, the files' order choosing
  the scores' weights.

Ensembles are told apart before the values are compared: member files whose member is a global
attribute alone (20CRv3's ``ensemble_member = 1``, CMIP6's ``realization_index``, :data:`MEMBER_ATTRIBUTES`)
are refused as members with the line that joins them on a member axis, as files of a member coordinate
are: the target's files first, the other variables whose files are members alike counted, the glob
of one member's files given where their names hold a CMIP variant label; the join is written into a
new ``members`` folder (:func:`~climann.data.member_joins.joined_members_path`), never beside the
files, where the next glob over their folder took it, and a join given beside the files it joins
is refused as such, with the way out to give it in place of them (break52c A1: it was joined
again, with r1 as a control); one field's members split over two files along a member axis
(ECMWF's control forecast, scalar ``number = 0``, beside its perturbed forecasts, ``number`` 1…10)
are on one grid, and are refused with the line
that joins them along it, never with a rename (that trained on the control alone, break42c B3),
unless the lone field's values are none of the members' (:func:`_unlike_members`: ERA5's spread
file without its ``GRIB_dataType``, break48c A1), refused as a spread or another quantity with the
rename of each such variable of its file; an ensemble's mean beside its spread under one name
(:mod:`climann.data.ensemble_spreads`) is refused naming every spread of the file, with the rename
that keeps them all (break48c A4).

A field without a time dimension (``orog``, ``sftlf``, a land mask) held by two files is
compared by its values alone, within the same precision (the same model's ``sftlf`` is the
same in every experiment; two files neither of which has a time are maps of a series without
dates, refused as such by :mod:`climann.data.undated_files` when they are combined):
the same values are used once (the files then combine as they are: each year's file may carry
it), different values are refused naming both files.

Files whose times overlap only in part are the business of :mod:`climann.data.time_overlap`.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.ensemble_spreads import ensemble_spread_reason
from climann.data.member_joins import joined_members_path, member_join_python
from climann.data.members import is_member_axis, member_values
from climann.data.paths import is_grib_file
from climann.data.notes import note_once
from climann.data.renames import (FileRenames, advised_table, rename_options, rename_table, several_clashes_message,
                                  toml_rename_table)
from climann.data.shell import (copies_in_place_advice, copies_of_files, copy_in_place_advice,
                                original_and_copy, python_command, shown_path, superseded_copies, whole_write,
                                working_path, xarray_command)
from climann.data.simulations import SIMULATION_ATTRIBUTES, data_options
from climann.data.undated_files import misdated_accumulations_message
from climann.data.unit_text import after_number
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from climann.data.sources import LISTED_FILES, names_apart, two_names

__all__ = ["without_duplicate_files"]

_log = logging.getLogger(__name__)

#: A CMIP variant label (member): realization, initialization, physics and forcing indices.
_VARIANT_LABEL = re.compile(r"^r\d+i\d+p\d+(f\d+)?$")

#: CMIP experiment names that say a scenario or a simulation of its own (CMIP5 and CMIP6 CVs).
_EXPERIMENT = re.compile(r"^(ssp\d{3}\S*|rcp\d{2}\S*|historical\S*|piControl\S*|amip\S*|abrupt-\S+|1pctCO2\S*|"
                         r"hist-\S+|esm-\S+)$", re.IGNORECASE)


def _name_kind(first: Path, second: Path) -> str | None:
    """What the two file names say the files are when they differ in a CMIP experiment or
    variant label: "two scenarios (ssp245, ssp585)", "two ensemble members (r1i1p1f1,
    r2i1p1f1)"; None when they do not say (a copy, a version)."""
    parts = first.stem.split("_"), second.stem.split("_")
    if len(parts[0]) != len(parts[1]):
        return None
    for one, other in zip(*parts):
        if one == other:
            continue
        if _VARIANT_LABEL.match(one) and _VARIANT_LABEL.match(other):
            return f"two ensemble members ({one}, {other})"
        if _EXPERIMENT.match(one) and _EXPERIMENT.match(other):
            return f"two scenarios ({one}, {other})"
    return None


#: Global attributes that tell two fields of one variable apart, with what a difference says:
#: CMIP6's ``experiment_id`` (Taylor et al., "CMIP6 Global Attributes, DRS, Filenames, Directory
#: Structure, and CV's") and those that name the simulation, CMIP6's, CMIP5's and CORDEX's
#: (:data:`climann.data.simulations.SIMULATION_ATTRIBUTES`: two EURO-CORDEX models at the same
#: times were told apart only by their values).
_ATTRIBUTES = {"experiment_id": "two scenarios",
               **{attribute: kind for attribute, (kind, _) in SIMULATION_ATTRIBUTES.items()}}


def _attribute_kind(first: xr.Dataset, second: xr.Dataset) -> str | None:
    """What the two files' global attributes :data:`_ATTRIBUTES` say when both have one and it
    differs: "two scenarios (global attribute experiment_id: ssp245, ssp585)"; None otherwise."""
    for attribute, kind in _ATTRIBUTES.items():
        one, other = (str(dataset.attrs.get(attribute, "")).strip() for dataset in (first, second))
        if one and other and one != other:
            return f"{kind} (global attribute {attribute}: {one}, {other})"
    return None


def _member_kind(first: xr.Dataset, second: xr.Dataset) -> tuple[str, str] | None:
    """The member axis and what it says when the two files are members of one ensemble: a
    member coordinate (CF ``standard_name = "realization"``, or a name such as
    ``ensemble_member``; :func:`climann.data.members.member_values`) of one value in each file,
    different ones (HadCRUT5's scalar ``realization``, UKCP18's size-1 ``ensemble_member``):
    ``("realization", "two ensemble members (realization 1, 2)")``; None otherwise."""
    one, other = member_values(first), member_values(second)
    for axis in one:
        if axis in other and len(one[axis]) == len(other[axis]) == 1 and one[axis] != other[axis]:
            return axis, f"two ensemble members ({axis} {one[axis][0]}, {other[axis][0]})"
    return None


#: Global attributes that give a file's ensemble member where no coordinate does (20CRv3's member
#: files, ``TMP2m.1900_mem001.nc``: ``ensemble_member = 1``; CMIP5's ``realization``, CMIP6's
#: ``realization_index``), with the member axis a join along them is named (one of
#: :data:`~climann.data.members.MEMBER_NAMES`).
MEMBER_ATTRIBUTES = {"ensemble_member": "ensemble_member", "member_id": "member_id", "member": "member",
                     "realization": "realization", "realization_index": "realization"}


def _member_attribute_kind(first: xr.Dataset, second: xr.Dataset) -> tuple[str, str] | None:
    """The global attribute of :data:`MEMBER_ATTRIBUTES` that both files have, different, and what
    it says: ``("ensemble_member", "two ensemble members (global attribute ensemble_member: 1, 2)")``;
    None otherwise, or where a member coordinate is there (:func:`_member_kind` reads it)."""
    if member_values(first) or member_values(second):
        return None
    for attribute in MEMBER_ATTRIBUTES:
        one, other = (str(dataset.attrs.get(attribute, "")).strip() for dataset in (first, second))
        if one and other and one != other:
            return attribute, f"two ensemble members (global attribute {attribute}: {one}, {other})"
    return None


def _opening(path: Path) -> str:
    """The xarray call that opens ``path`` in a printed line: through cfgrib without an index
    file beside the user's for a GRIB file."""
    grib = ", engine='cfgrib', backend_kwargs={'indexpath': ''}" if is_grib_file(path) else ""
    return f"xr.open_dataset({working_path(path)!r}{grib})"


def _one_member_data(files: Sequence[Path], member: Path) -> str:
    """The ``--data`` that gives the member of ``member`` alone: its folder when every member has a
    folder of its own (``--data data/r1i1p1f1``), else a glob of the CMIP variant label its name holds
    (``--data 'data/*_r1i1p1f1_*'``) when that takes none of the other members' files; "" otherwise."""
    folders = {os.path.abspath(Path(path).parent) for path in files}
    if len(folders) == len(files):
        return f" (--data {shown_path(Path(member).parent)}, without the other members' folders)"
    label = next((part for part in Path(member).stem.split("_") if _VARIANT_LABEL.match(part)), None)
    if label is None or any(label in Path(path).stem.split("_") for path in files if Path(path) != Path(member)):
        return ""
    pattern = f"{working_path(Path(member).parent)}/*_{label}_*{Path(member).suffix}"
    return f" (--data {shlex.quote(pattern)} in place of the glob that takes every member's)"


def _members_refusal(name: str, members: Mapping[object, Sequence[Path]], axis: str, kind: str, *,
                     attribute: str | None = None, others: Sequence[str] = ()) -> ClimannError:
    """The refusal of member files of one variable (``members``: each member given → its files that
    hold the variable, one or one per time step), with the ways out: one member's files
    (:func:`_one_member_data`), or the members joined along their axis
    (:func:`climann.data.member_joins.member_join_python`: each member's files along time first, into
    a new folder, never beside the files a glob over their folder takes), which ``select`` then
    chooses from. Where the member is a global ``attribute`` alone (:data:`MEMBER_ATTRIBUTES`), the
    join makes it the axis' coordinate. ``others``: the other variables whose files are members
    alike, named after ``name`` (the target first: break52c A1 named gpp, one of 24 such pairs)."""
    first, second = (paths[0] for paths in list(members.values())[:2])
    every = [path for paths in members.values() for path in paths]
    python, joined = member_join_python(members, axis, attribute=attribute)
    counts = {len(paths) for paths in members.values()}
    each = "" if counts == {1} else (f" (each member's {'/'.join(map(str, sorted(counts)))} files along time, "
                                     "then the members)")
    alike = (f"; {len(others)} other variable{'s' if len(others) > 1 else ''} of these files "
             f"({', '.join(others[:6])}{' …' if len(others) > 6 else ''}) {'are' if len(others) > 1 else 'is'} members "
             "alike") if others else ""
    return ClimannError(
        f"'{name}' is in both {two_names(first, second)} at the same times: {kind}{alike}; climann trains on one "
        f"member at a time: give one member's files{_one_member_data(every, first)}, or join the members' files "
        f"along '{axis}'{each} ({python_command(python)}) and give {working_path(joined)} in place of them, a member "
        f"axis from which select chooses one ([data] select = {{{axis} = ...}}; predict --select {axis}=VALUE for "
        f"the others)"
    )


def _member_files(name: str, datasets: Sequence[xr.Dataset], files: Sequence[Path],
                  member_of: Callable[[xr.Dataset], object]) -> dict[object, list[Path]]:
    """Each member → the files of ``files`` that hold ``name`` along their time as that member
    (``member_of`` a file's dataset: its member, None for none), whatever their times: a member's
    file per month are one series (break52d A1: one month of 120 was joined)."""
    members: dict[object, list[Path]] = {}
    for held, path in zip(datasets, files, strict=True):
        time = time_coordinate(held)
        if name in held.data_vars and time is not None and time in held[name].dims:
            member = member_of(held)
            if member is not None:
                members.setdefault(member, []).append(Path(path))
    return members


def _joined_copy(first: Path, second: Path, datasets: tuple[xr.Dataset, xr.Dataset]) -> tuple[int, str] | None:
    """Which of the two files is a join of the other's members that a line climann advised wrote
    (named ``<the other's name>_members.nc``, ``…_members_2.nc``, in any folder:
    :func:`~climann.data.member_joins.joined_members_path`), and its member axis, when it holds one
    of several members (:func:`~climann.data.members.member_values`); None otherwise."""
    for at, (original, joined) in enumerate(((second, first), (first, second))):
        if re.fullmatch(rf"{re.escape(original.stem)}_members(_\d+)?", joined.stem):
            axes = [axis for axis, values in member_values(datasets[at]).items() if len(values) > 1]
            if axes:
                return at, axes[0]
    return None


def _joined_copy_refusal(name: str, files: Sequence[Path], datasets: Sequence[xr.Dataset], pair: tuple[int, int]
                         ) -> ClimannError | None:
    """The refusal of a join of member files given beside the files it joined (break52c A1: the join
    written beside r1's files was taken by the next run's glob, and the refusal then joined it with
    r1's file as a control, realization 0, 1, 2 of which 0 and 1 were the same member, and so on);
    the way out gives the joined file in place of the others. None unless one of the ``pair`` is such a join."""
    found = _joined_copy(files[pair[0]], files[pair[1]], (datasets[pair[0]], datasets[pair[1]]))
    if found is None:
        return None
    joined_at = pair[found[0]]
    joined, axis = files[joined_at], found[1]
    values = member_values(datasets[joined_at])[axis]
    time = time_coordinate(datasets[joined_at])
    held = [Path(path) for at, (path, dataset) in enumerate(zip(files, datasets)) if at != joined_at
            and name in dataset.data_vars and time is not None and time_coordinate(dataset) == time
            and time in dataset.dims and _times_key(dataset) == _times_key(datasets[joined_at])]
    listed = ", ".join(repr(working_path(path)) for path in held)
    return ClimannError(
        f"'{name}' is in both {two_names(files[pair[0]], files[pair[1]])} at the same times: {joined.name} is "
        f"named as the members' files joined along '{axis}' ({axis} {values[0]}…{values[-1]}), as the line climann "
        f"advises writes, and is given beside the files it joins: give the joined file in place of them (leave "
        f"{listed} out of --data), or one member's files without it")


def _member_axis_apart(first: xr.DataArray, second: xr.DataArray, datasets: Sequence[xr.Dataset]) -> str | None:
    """The member axis along which ``first`` and ``second`` differ, on the same grid otherwise:
    ECMWF's ensemble control forecast (cfgrib: scalar ``number = 0``) beside its perturbed
    forecasts (a ``number`` dimension 1…10), which are one field's members, not two grids; None
    when their dimensions differ otherwise."""
    for one, other, dataset in ((first, second, datasets[1]), (second, first, datasets[0])):
        extra = [dim for dim in other.dims if dim not in one.dims]
        if (len(extra) == 1 and is_member_axis(dataset, extra[0])
                and tuple(dim for dim in other.dims if dim != extra[0]) == one.dims
                and other.isel({extra[0]: 0}).shape == one.shape
                and (extra[0] not in one.coords or one[extra[0]].ndim == 0)):
            return extra[0]
    return None


def _member_text(variable: xr.DataArray, axis: str) -> str:
    """``"number 0"``, ``"number 1…10"`` or ``"no number"``: which members a file's variable holds."""
    if axis not in variable.coords:
        return f"no {axis}" if axis not in variable.dims else f"{variable.sizes[axis]} members along {axis}"
    values = np.atleast_1d(variable[axis].values)
    return f"{axis} {values[0]}" if values.size == 1 else f"{axis} {values[0]}…{values[-1]}"


def _member_halves_refusal(name: str, first: Path, second: Path, variables: tuple[xr.DataArray, xr.DataArray],
                           axis: str, *, every: Sequence[Path] = (), renames: FileRenames | None = None
                           ) -> ClimannError:
    """The refusal of one field's members split over two files along ``axis`` (:func:`_member_axis_apart`),
    with the line that joins them along it; a new name for one would train on one half alone. The file
    without the axis and without a member number of its own (cfgrib's scalar ``number = 0`` of a control)
    may also be another product under the member's name, near enough to pass for one (observations of the
    forecasts' own times, fix54d): the rename that keeps it apart is said too."""
    one, other = variables
    python, numbered = _members_join(first, second, variables, axis)
    lone, alone = (first, one) if axis not in one.dims else (second, other)
    apart = ""
    if axis not in alone.coords:  # a scalar member number (cfgrib's number = 0) says it is the control
        options = rename_options({lone.name: {name: f"{name}_{_lone_word(lone)}"}}, renames,
                                 list(every) or [first, second])
        apart = (f"; if {lone.name}'s is another product under that name (observations of the members' times), "
                 f"give it a name of its own instead: {options}")
    return ClimannError(
        f"'{name}' is in both {first.name} ({_member_text(one, axis)}) and {second.name} ({_member_text(other, axis)})"
        f" at the same times, on the same grid: members of one ensemble along '{axis}' (a control forecast beside "
        f"the perturbed ones), split over two files; climann trains on one member at a time: join them along "
        f"'{axis}' ({python_command(python)}{numbered}) and give that file instead, a member axis from which select "
        f"chooses one ([data] select = {{{axis} = ...}}; predict --select {axis}=VALUE for the others){apart}"
    )


def _members_join(first: Path, second: Path, variables: tuple[xr.DataArray, xr.DataArray], axis: str
                  ) -> tuple[str, str]:
    """The python statements that join the two files of :func:`_member_halves_refusal` along
    ``axis`` into a new file, and what they number the member of the file without the axis:
    the half without it gets it, of its own scalar coordinate's one value (cfgrib's ``number =
    0``), or, where it has none beside members numbered along the axis, of the number the
    members leave free, ECMWF's control's 0 (or one after the last): a dimension without a
    coordinate does not join one of numbers (break48c A1: "coordinate 'number' not present
    in all datasets"); ``numbered`` says so, "" otherwise. Written into a new folder
    (:func:`~climann.data.member_joins.joined_members_path`), not beside the files a glob over their folder
    takes."""
    joined_path = joined_members_path([first, second])
    joined = working_path(joined_path)
    parts, numbered = [], ""
    for path, variable in ((first, variables[0]), (second, variables[1])):
        expanded = ""
        if axis not in variable.dims:
            members = next(each for each in variables if axis in each.dims)
            if axis in variable.coords or axis not in members.coords:
                expanded = f".expand_dims({axis!r})"
            else:
                taken = [value.item() for value in np.asarray(members[axis].values).reshape(-1)]
                number = 0 if 0 not in taken else int(max(taken)) + 1
                expanded = f".expand_dims({{{axis!r}: [{number}]}})"
                numbered = (f"; {path.name}'s {variable.name}, without a {axis}, numbered {number} there: "
                            f"change it to its own if it has one")
        parts.append(_opening(path) + expanded)
    python = (f"import sys, os, xarray as xr; os.makedirs({working_path(joined_path.parent)!r}, exist_ok=True); "
              + whole_write(f"xr.concat([{', '.join(parts)}], {axis!r}, combine_attrs='drop_conflicts').to_netcdf",
                            repr(joined)))
    return python, numbered


#: How far from the members' mean a field beside them may lie, in the members' spread about it
#: (:func:`_unlike_members`), and be read as one of them. A field drawn as the members are (a
#: control forecast) lies on average sqrt((N + 1) / (N − 1)) times their spread from their mean
#: (N members, the spread with N in the denominator: E(c − m)² = σ²(1 + 1/N), E s² = σ²(N − 1)/N),
#: 1.73 for 2 members and 1.1 for 10; 4 leaves room for an ensemble whose members spread less
#: than its control strays. ERA5 EDA's t2m spread (~1 K) beside members of ~283 K lies ~280.
MEMBER_DISTANCE_LIMIT = 4.0

#: The share of the members' values below zero beyond which a field that is never negative is
#: not one of them (a spread of a wind component, of the members' size, beside members of both signs).
NEGATIVE_SHARE_LIMIT = 0.05

#: The most values (members × steps × cells) read to tell a field beside members from them.
_VALUES_READ = 20_000_000


def _unlike_members(lone: xr.DataArray, members: xr.DataArray, axis: str) -> str | None:
    """Why ``lone`` (without the member ``axis``) is no member of the ensemble ``members`` beside
    it, on the same grid and times (:func:`_member_axis_apart`), from a few of their common time
    steps (up to 4, spread over the record, at most :data:`_VALUES_READ` values): its root mean
    square distance from the members' mean above :data:`MEMBER_DISTANCE_LIMIT` times the root
    mean square of their spread (their standard deviation about the mean, per cell and step), or
    never negative where more than :data:`NEGATIVE_SHARE_LIMIT` of the members' values are (an
    ensemble spread, break48c A1: ERA5's t2m spread without its ``GRIB_dataType`` was told a
    control forecast). None when it may be one, or with fewer than 2 members (no spread to judge by)."""
    if members.sizes[axis] < 2:
        return None
    rest = [dim for dim in members.dims if dim != axis]
    # the steps are read along the time dimension, else the first other (a time coordinate on another dimension)
    named = time_coordinate(members.to_dataset(name="_"))
    time = named if named in rest else (rest[0] if rest else None)
    chosen = {}
    if time is not None:
        per_step = max(members.size // max(members.sizes[time], 1), 1)
        count = int(np.clip(_VALUES_READ // per_step, 1, 4))
        chosen = {time: np.unique(np.linspace(0, members.sizes[time] - 1, count).round().astype(int))}
    values, beside = dask.compute(members.isel(chosen).transpose(axis, *rest).data,
                                  lone.isel(chosen).transpose(*rest).data)
    values, beside = np.asarray(values, dtype=np.float64), np.asarray(beside, dtype=np.float64)
    finite = np.isfinite(beside) & np.isfinite(values).all(axis=0)
    if not finite.any():
        return None
    values, beside = values[:, finite], beside[finite]
    mean, spread = values.mean(axis=0), np.sqrt(np.mean(values.var(axis=0)))
    distance = np.sqrt(np.mean((beside - mean) ** 2)) / spread if spread > 0 else np.inf
    units = after_number(lone.attrs.get("units", members.attrs.get("units", "")))
    seen = (f"{beside.min():.3g} to {beside.max():.3g}{units} beside the members' {values.min():.3g} to "
            f"{values.max():.3g}{units}")
    if spread > 0 and distance > MEMBER_DISTANCE_LIMIT:
        usual = np.sqrt((values.shape[0] + 1) / (values.shape[0] - 1))
        return (f"its values lie {distance:.3g} times the members' spread from their mean, where a member lies "
                f"about {usual:.2g} ({seen})")
    negative = float(np.mean(values < 0))
    if negative > NEGATIVE_SHARE_LIMIT and (beside >= 0).all():
        return f"its values are never negative, where {negative:.0%} of the members' are ({seen})"
    return None


def _unlike_members_refusal(name: str, files: tuple[Path, Path], datasets: tuple[xr.Dataset, xr.Dataset],
                            axis: str, *, every: Sequence[Path], renames: FileRenames | None) -> ClimannError | None:
    """The refusal of a field beside an ensemble's members on their grid and times that is none
    of them (:func:`_unlike_members`: ERA5's spread without the ``GRIB_dataType`` that says so,
    break48c A1), naming every variable of its file so unlike (break48c A4: one a run) and the
    rename that keeps each beside the members, and the join should it be a control forecast all
    the same; None when ``name`` may be a member."""
    lone_at = 0 if axis not in datasets[0][name].dims else 1
    lone, members = datasets[lone_at], datasets[1 - lone_at]
    why = _unlike_members(lone[name], members[name], axis)
    if why is None:
        return None
    unlike = [name] + [other for other in data_variable_names(lone) if other != name and other in members.data_vars
                       and _member_axis_apart(members[other], lone[other], (members, lone)) == axis
                       and _unlike_members(lone[other], members[other], axis) is not None]
    path = files[lone_at]
    advised = {path.name: {each: f"{each}_{_lone_word(path)}" for each in unlike}}
    table, _ = advised_table(advised, renames, list(every))
    python, numbered = _members_join(*files, (datasets[0][name], datasets[1][name]), axis)
    others = f" (and {', '.join(repr(each) for each in unlike[1:])} likewise)" if unlike[1:] else ""
    return ClimannError(
        f"'{name}' is in both {files[0].name} ({_member_text(datasets[0][name], axis)}) and {files[1].name} "
        f"({_member_text(datasets[1][name], axis)}) at the same times, on the same grid, but {path.name}'s is no "
        f"member of the ensemble: {why}{others}; an ensemble spread or another quantity? give it a name of its own: "
        f"{rename_options(advised, renames, list(every))} (climann info and train; [data] rename = "
        f"{toml_rename_table(table)}); if it is a control forecast all the same, join the files along '{axis}' "
        f"({python_command(python)}{numbered})"
    )


def _run_renamed_refusal(name: str, files: tuple[Path, Path], datasets: tuple[xr.Dataset, xr.Dataset], axis: str,
                         *, every: Sequence[Path], renames: FileRenames | None) -> ClimannError | None:
    """On a trained run's new files (``predict``, ``evaluate --data``), the refusal of ``name``
    in an ensemble's file (members along ``axis``) and in another at the same times on the same
    grid, where the run read ``name`` of a training file by its own ``[data] rename`` under
    another name that no new file's name takes (:meth:`~climann.data.renames.FileRenames.run_rule`):
    two fields under one name, as in training, one of which is to be given the run's name. It
    was refused as members of one ensemble split over two files, a control forecast beside its
    perturbed ones, with a join along ``axis`` (fix53h: next year's forecasts beside the
    observations of their times, the run having renamed its forecast file's ``t2m`` to
    ``t2m_fc``). Both files' renames are given, each for the case that it holds what the run's
    file held; None when the run renames no such file (then the members' refusals apply)."""
    rule = renames.run_rule(name) if renames is not None else None
    if rule is None:
        return None
    pattern, own = rule
    at = 0 if axis in datasets[0][name].dims else 1
    ensemble, other = files[at], files[1 - at]
    options = [rename_options({path.name: {name: own}}, renames, list(every)) for path in (ensemble, other)]
    return ClimannError(
        f"'{name}' is in both {files[0].name} ({_member_text(datasets[0][name], axis)}) and {files[1].name} "
        f"({_member_text(datasets[1][name], axis)}) at the same times, on the same grid: two fields under one name, "
        f"as in the run's training files, whose '{name}' of {pattern} it read as '{own}' (its [data] rename), a rule "
        f"that takes neither of these files; give the file that holds what {pattern} held the run's name: "
        f"{options[0]} if it is {ensemble.name}'s ensemble, {options[1]} if it is {other.name}"
    )


def _lone_word(path: Path) -> str:
    """The word a field of ``path`` beside an ensemble's members gets: ``spread`` where the file's
    name says it (``…_ensemble_spread_…``), else ``other``."""
    return "spread" if re.search(r"spread|sprd", path.stem, re.IGNORECASE) else "other"


def _spread_refusal(name: str, files: tuple[Path, Path], datasets: tuple[xr.Dataset, xr.Dataset], *,
                    every: Sequence[Path] = (), renames: FileRenames | None = None) -> ClimannError | None:
    """The refusal of an ensemble's mean and its spread under one name in two files (20CRv3's
    ``air.2m.mon.mean.nc`` and ``air.2m.mon.mean.spread.nc``, both ``air`` in degK), naming the
    spread (:func:`~climann.data.ensemble_spreads.ensemble_spread_reason`) and the rename that
    keeps both, of every spread of the spread's file whose name the other file holds too (break48c
    A4: ERA5's t2m and msl spreads were told one a run); None unless exactly one of the two is a spread."""
    first, second = files
    reasons = [ensemble_spread_reason(dataset[name]) for dataset in datasets]
    if (reasons[0] is None) == (reasons[1] is None):
        return None
    at = 1 if reasons[1] is not None else 0
    spread, mean = files[at], files[1 - at]
    held, other = datasets[at], datasets[1 - at]
    named = [name] + [each for each in data_variable_names(held) if each != name and each in other.data_vars
                      and ensemble_spread_reason(held[each]) is not None
                      and ensemble_spread_reason(other[each]) is None]
    advised = {spread.name: {each: f"{each}_spread" for each in named}}
    table, _ = advised_table(advised, renames, list(every))
    also = f" ({', '.join(repr(each) for each in named[1:])} likewise)" if named[1:] else ""
    return ClimannError(
        f"'{name}' is in both {two_names(first, second)} at the same times: the files hold the field (an "
        f"ensemble's mean or member) and its ensemble spread ({spread.name}'s {name}: {reasons[at]}){also}, two "
        f"quantities; give the spread a name of its own: [data] rename = {toml_rename_table(table)} "
        f"({rename_options(advised, renames, list(every))}, climann info and train; {mean.name}'s "
        f"{'variables keep their names' if named[1:] else f'{name} keeps its name'})"
    )


def _storage(variable: xr.DataArray) -> tuple[np.dtype, float | None, float]:
    """The type a file stores ``variable`` in, and its packing (``scale_factor`` or None,
    ``add_offset``; CF-1.8 §8.1)."""
    encoding = variable.encoding
    scale = encoding.get("scale_factor")
    return (np.dtype(encoding.get("dtype", variable.dtype)), None if scale is None else abs(float(scale)),
            float(encoding.get("add_offset", 0.0)))


def _half_step(variable: xr.DataArray, magnitude: np.ndarray) -> np.ndarray:
    """Half the step between neighbouring values a file can store ``variable`` as, at the
    decoded ``magnitude`` (in its units): the most that storing a value rounds it by. Half a
    packing step for packed integers, half a unit in the last place of a stored float (times
    the scale when packed), 0 for unpacked integers (counts and codes are exact)."""
    stored, scale, offset = _storage(variable)
    if stored.kind in "iu":
        return np.full(np.shape(magnitude), 0.0 if scale is None else scale / 2)
    if stored.kind != "f":
        return np.zeros(np.shape(magnitude))
    unit = 1.0 if scale is None else scale
    with np.errstate(over="ignore", invalid="ignore"):
        spacing = np.spacing((np.abs(magnitude - offset) / unit).astype(stored)).astype(np.float64)
    return spacing * unit / 2


def rounding_tolerance(first: xr.DataArray, second: xr.DataArray, one: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The largest difference between the values ``one`` of ``first`` and ``other`` of
    ``second`` that storing one field in two files can make: none when both files store it
    alike (the same type and packing decode the same stored value to the same number, so any
    difference is in the data), else each file's rounding (:func:`_half_step`) added, and a
    millionth of that for the float64 arithmetic of unpacking. One field packed per file
    (``ncpdq``; ERA5's and TerraClimate's ``scale_factor`` of each file) is so a packing
    step apart at most; a corrected download packed like the original differs by whole steps.

    Parameters
    ----------
    first, second : xarray.DataArray
        The two files' variables as opened (their ``encoding`` says how they are stored).
    one, other : ndarray, same shape
        Their decoded values, in the variable's units.

    Returns
    -------
    ndarray, the shape of ``one``
    """
    if _storage(first) == _storage(second):
        return np.zeros(np.shape(one))
    magnitude = np.maximum(np.abs(one), np.abs(other))
    return (_half_step(first, magnitude) + _half_step(second, magnitude)) * (1 + 1e-6)


def _beyond_storage(first: xr.DataArray, second: xr.DataArray) -> tuple[float, float]:
    """The largest difference between two variables' values (in their units; inf where one is
    missing and the other not, 0 where both are), and the largest beyond what storing one
    field in the two files can make (:func:`rounding_tolerance`; 0 when none): one field
    packed per file (``ncpdq``, ERA5's and TerraClimate's ``scale_factor`` of each file) is
    decoded to values up to a packing step apart. Values other
    than numbers (dates, text): 0 and 0 when equal, else inf and inf. Read block by block (one
    dask reduction, local threads): both files once."""

    def gaps(one: np.ndarray, other: np.ndarray) -> np.ndarray:
        """(..., 2) the difference, and what of it lies beyond the stored precision."""
        one, other = np.asarray(one, np.float64), np.asarray(other, np.float64)
        with np.errstate(invalid="ignore"):
            gap = np.where((one == other) | (np.isnan(one) & np.isnan(other)), 0.0,
                           np.where(np.isnan(one) | np.isnan(other), np.inf, np.abs(one - other)))
            tolerance = rounding_tolerance(first, second, one, other)
            return np.stack([gap, np.where(gap <= tolerance, 0.0, gap)], axis=-1)

    if not all(np.dtype(variable.dtype).kind in "fiub" for variable in (first, second)):
        with dask.config.set(scheduler="threads"):  # dates, text: equal or not
            same = bool(first.variable.equals(second.variable))
        return (0.0, 0.0) if same else (np.inf, np.inf)
    found = xr.apply_ufunc(gaps, first.variable, second.variable, output_core_dims=[["gap"]],
                           dask="parallelized", output_dtypes=[np.float64],
                           dask_gufunc_kwargs={"output_sizes": {"gap": 2}})
    with dask.config.set(scheduler="threads"):
        largest = found.max(dim=[dim for dim in found.dims if dim != "gap"]).values
    return float(largest[0]), float(largest[1])


def _difference_text(first: xr.DataArray, largest: float) -> str:
    """How two fields' values differ, for the refusal: by up to how much, in their units."""
    if np.isinf(largest):
        return "their values differ (one is missing where the other has a value, or they are not numbers)"
    return f"their values differ (by up to {largest:.3g}{after_number(first.attrs.get('units', ''))})"


def _refusal(name: str, first: Path, second: Path, kind: str, *, static: bool = False,
             files: Sequence[Path] = (), renames: FileRenames | None = None,
             clashes: Mapping[str, Sequence[Path]] | None = None) -> ClimannError:
    """The refusal of two files of one field, naming the way out: where they are a file and its
    copies (a chain of fixes leaves ``X.nc``, ``X_fixed.nc``, ``X_fixed_2.nc``: ``files``, every file
    given), the latest copy in place of every other, all named at once. Where ``clashes``
    (:func:`_time_clashes`) hold more than one name, or a name in more than two files (CLIMDEX
    index files each holding ``Ann``, ``Jan`` … ``Dec``), every clash at once
    (:func:`~climann.data.renames.several_clashes_message`; one a run took 15 runs, break45d C1)."""
    where = "" if static else " at the same times"
    if (pair := original_and_copy(first, second)) is not None:  # both read, and a rename would train on the two
        chain = superseded_copies(first, second, files)
        advice = copy_in_place_advice(*pair) if chain is None else copies_in_place_advice(*chain)
        return ClimannError(f"'{name}' is in both {two_names(pair[0], pair[1])}{where}: {kind}; {advice}")
    if not static and clashes and (len(clashes) > 1 or any(len(paths) > 2 for paths in clashes.values())):
        return ClimannError(several_clashes_message(clashes, files, renames))
    return ClimannError(
        f"'{name}' is in both {two_names(first, second)}{where}: {kind}; climann uses one "
        f"{'field' if static else 'series'} of each variable: leave the one not wanted out of the files given, "
        f"or give one a new name with [data] rename = {rename_table(name, second, first, files, renames)}"
    )


#: What :func:`_name_kind` and :func:`_attribute_kind` say of two members: their labels, and the attribute telling them.
_TWO_MEMBERS = re.compile(r"^two ensemble members \((?:global attribute (?P<attribute>\S+): )?(?P<one>[^,]+), "
                          r"(?P<other>[^)]+)\)$")


def _one_member_refusal(name: str, first: Path, second: Path, kind: str, files: Sequence[Path],
                        datasets: Sequence[xr.Dataset]) -> ClimannError | None:
    """The refusal of two ensemble members of ``name`` at the same times (``kind``, :data:`_TWO_MEMBERS`), whose
    way out is the files of one member in the user's own command; None for another kind. A rename of one member
    (the general advice of :func:`_refusal`) made it a predictor of another member than the target's, refused in
    turn (break57d A3): two members are never one run's predictors."""
    said = _TWO_MEMBERS.match(kind)
    if said is None:
        return None
    attribute, kept, left = said["attribute"], said["one"].strip(), said["other"].strip()

    def of_member(path: Path, dataset: xr.Dataset, label: str) -> bool:
        if attribute is not None:
            return str(dataset.attrs.get(attribute, "")).strip() == label
        return label in path.stem.split("_")

    own = [path for path, dataset in zip(files, datasets, strict=True) if not of_member(path, dataset, left)]
    return ClimannError(
        f"'{name}' is in both {two_names(first, second)} at the same times: {kind}; climann uses one series of each "
        f"variable, all of one member (another member's series is no predictor of the target's): give "
        f"{data_options(own, kept)} in place of the --data given (the files of {kept}; the other options as "
        f"before), or those of {left} alike")


def _measures_text(variable: xr.DataArray) -> str:
    """The variable's CF ``cell_measures`` (section 7.2), its words joined by one space; "" for none."""
    return " ".join(str(variable.attrs.get("cell_measures", "")).split())


def _measured_copy(name: str, files: tuple[Path, Path], variables: tuple[xr.DataArray, xr.DataArray]) -> bool:
    """Whether, of two files holding ``name`` with the same values at the same times, the later is the
    one to keep: only it names the cells' areas (a CF ``cell_measures``, ``"area: e1e2t"``), as the copy
    does that a line climann advised wrote into a new folder (``cell_measures/``, ``cell_areas/``:
    :func:`~climann.data.defaults.nemo_area_advice`). Given with its original in one glob, the original
    came first and the copy was left out: the scores were weighed by areas climann computes instead of
    NEMO's e1t·e2t, with no word (fix57c).

    Raises
    ------
    ClimannError
        When both name cell measures, different ones: the files' order would choose the scores' weights.
    """
    one, other = (_measures_text(variable) for variable in variables)
    if one == other or not other:
        return False
    if not one:
        return True
    shown = names_apart(*files)
    raise ClimannError(
        f"'{name}' is in both {two_names(*files)} at the same times with the same values, but their cell_measures "
        f"differ ({one!r} in {shown[0]}, {other!r} in {shown[1]}): the scores are weighed by the cell areas it names, "
        "which the files' order would choose; leave the file whose cell_measures is not wanted out of the files given")


def _listed(names: Sequence[str], *, listed: int = LISTED_FILES) -> str:
    """``a.nc, b.nc and 3 more files``: names already told apart (:func:`~climann.data.sources.names_apart`)."""
    more = len(names) - listed
    return ", ".join(names[:listed]) + (f" and {more} more file{'s' if more > 1 else ''}" if more > 0 else "")


def _warn_measured_copies(name: str, pairs: Sequence[tuple[Path, Path]], measures: str) -> None:
    """Warn once that ``name``'s files ``pairs`` (each an original left out, the copy used in its place)
    are read from the copies, whose ``cell_measures`` names the cells' areas."""
    shown = names_apart(*(pair[0] for pair in pairs), *(pair[1] for pair in pairs))  # cell_measures/a.nc, a.nc
    originals, copies = (_listed(shown[:len(pairs)]), _listed(shown[len(pairs):]))
    several = len(pairs) > 1
    note_once(_log, logging.WARNING,
              f"'{name}' of {originals} is held again, with the same values at the same times, by "
              f"{'copies' if several else 'a copy'} whose cell_measures ({measures!r}) names the cells' areas "
              f"({copies}): {'those copies are' if several else 'that copy is'} used, so that the "
              f"scores are weighed by those areas; give the copies alone in --data, without the files they copy, to "
              "be rid of this warning")


def _time_beside_fields(name: str, datasets: Sequence[xr.Dataset], files: Sequence[Path], earlier: int,
                        index: int) -> ClimannError | None:
    """The refusal of two files whose field ``name``, with values that differ, has no time dimension
    beside a time coordinate of one step in each file, at two different times (the same field in
    each, a land mask, is one static field): each file's field is of its file's time, which
    its variables do not carry (SMAP L4's group copied with the root's ``time``: ``sm_surface(y, x)``
    beside ``time(time)`` of one value; break44b B4, where two such files were told "their values
    differ" with a rename per file, which would have made 128 static fields). The way out gives
    each file's fields the time dimension, in copies in a new folder; None when not so."""
    pair = (datasets[earlier], datasets[index])
    times = [time_coordinate(dataset) for dataset in pair]
    if (times[0] is None or times[0] != times[1] or any(times[0] not in dataset.dims for dataset in pair)
            or any(dataset.sizes[times[0]] != 1 for dataset in pair) or _times_key(pair[0]) == _times_key(pair[1])):
        return None
    time = times[0]
    holding = [file for file, dataset in zip(files, datasets) if name in dataset.data_vars]
    statement = (f"d = d.assign({{k: v.expand_dims({time!r}) for k, v in d.data_vars.items() "
                 f"if {time!r} not in v.dims and v.ndim >= 2}})")
    fix = copies_of_files(lambda arguments, _: xarray_command([statement], arguments), holding,
                          name="with_time")
    return ClimannError(
        f"'{name}' in {two_names(files[earlier], files[index])} has no time dimension, while each file has a time "
        f"coordinate '{time}' of one step, and their steps differ: each file's fields are of its own time, which they "
        f"do not carry; give them the time dimension, each file's in a copy: {fix}")


def _times_key(dataset: xr.Dataset) -> tuple:
    """The dataset's time steps as a key: equal keys, the very same times (looked up by hash, so
    that a thousand one-day files are not compared pairwise)."""
    return tuple(np.asarray(dataset[time_coordinate(dataset)].values).ravel())


def _time_clashes(datasets: Sequence[xr.Dataset], files: Sequence[Path]) -> dict[str, list[Path]]:
    """Each time-varying variable that several of ``files`` hold at the very same times, with
    values that differ (not a copy, :func:`_beyond_storage`) → those files, in order. Empty when
    a variable clashes at several sets of times (one file per month of two fields, PRISM's
    ``Band1``: told one set at a time, with the glob of each set, :func:`~climann.data.renames.rename_table`)."""
    held: dict[tuple, list[int]] = {}
    for index, dataset in enumerate(datasets):
        time = time_coordinate(dataset)
        if time is None or time not in dataset.dims:
            continue
        times = _times_key(dataset)
        for name in data_variable_names(dataset):
            if time in dataset[name].dims:
                held.setdefault((name, times), []).append(index)
    clashes: dict[str, list[Path]] = {}
    for (name, _), indices in held.items():
        if len(indices) < 2:
            continue
        if name in clashes:
            return {}
        first = datasets[indices[0]][name]
        if any(datasets[other][name].shape != first.shape or _beyond_storage(first, datasets[other][name])[1] > 0
               for other in indices[1:]):
            clashes[name] = [Path(files[index]) for index in indices]
    return clashes


def _member_clashes(datasets: Sequence[xr.Dataset], member_of: Callable[[xr.Dataset], object]) -> list[str]:
    """The variables held at the same times by files of two or more members (``member_of`` a file's
    dataset: its member, None for none), in the order first held."""
    held: dict[tuple, set] = {}
    for dataset in datasets:
        time, member = time_coordinate(dataset), member_of(dataset)
        if member is None or time is None or time not in dataset.dims:
            continue
        times = _times_key(dataset)
        for variable in data_variable_names(dataset):
            if time in dataset[variable].dims:
                held.setdefault((variable, times), set()).add(str(member))
    return list(dict.fromkeys(variable for (variable, _), members in held.items() if len(members) > 1))


def _checked_order(datasets: Sequence[xr.Dataset], target: str | None) -> list[tuple[int, str]]:
    """Each (file index, variable) to judge, the target's first (its clash is told first: break52c A1
    named gpp, one of 24 pairs, not the target mrso), each in the files' order."""
    pairs = [(index, name) for index, dataset in enumerate(datasets) for name in data_variable_names(dataset)]
    return sorted(pairs, key=lambda pair: pair[1] != target)  # stable: the files' order kept


def without_duplicate_files(datasets: Sequence[xr.Dataset], files: Sequence[Path],
                            renames: FileRenames | None = None, *,
                            target: str | None = None) -> tuple[list[xr.Dataset], list[Path]]:
    """The files' datasets with each variable that a later file holds again at the very same
    times (or, for a field without time, at all), with the same values (within the precision
    either file stores them in), left out of the later file (a file left with no variable is
    left out whole); a note names each copy left out.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        The files opened, on one grid, in the order given; lazy.
    files : sequence of Path
        Their paths, in the same order.
    renames : FileRenames, optional
        The run's renames of the files (the datasets' names are after them): a rename advised
        is merged with them (:func:`~climann.data.renames.rename_table`).
    target : str, optional
        The run's target: its files are judged first.

    Returns
    -------
    (list of xarray.Dataset, list of Path)
        The datasets and their paths, without the copies.

    Raises
    ------
    ClimannError
        When two files hold one variable at the very same times and their names or global
        attributes say two scenarios, members or models, or their values differ, naming both
        files (and the attribute, or by how much the values differ) and the way out; when two
        files hold a field without time whose values differ, naming both files and by how much.
    """
    kept = list(datasets)
    holders: dict[tuple, int] = {}  # (variable, its times or None) → the first file holding it there
    emptied = set()
    measured: dict[str, list[tuple[Path, Path]]] = {}  # name → (original left out, copy naming cell areas)
    for index, name in _checked_order(datasets, target):
        dataset = datasets[index]
        time = time_coordinate(dataset)
        if time is not None and time not in dataset.dims:
            continue  # one time held as a scalar: its fields are not told from another time's
        times = None if time is None else _times_key(dataset)
        static = times is None or time not in dataset[name].dims
        key = (name, None if static else times)
        earlier = holders.setdefault(key, index)
        if earlier == index:
            continue
        if static and time is None and time_coordinate(datasets[earlier]) is None:
            continue  # two files without time: maps of a series without dates (climann.data.undated_files)
        first, second = files[earlier], files[index]
        joined = None if static else _joined_copy_refusal(name, files, datasets, (earlier, index))
        if joined is not None:  # a join climann advised, beside the files it joins (break52c A1)
            raise joined
        members = None if static else _member_kind(datasets[earlier], dataset)
        if members is not None:  # said by the files' member coordinates (CF realization)
            def coordinate(held: xr.Dataset, axis: str = members[0]) -> object:
                values = member_values(held).get(axis, [])
                return values[0] if len(values) == 1 else None
            others = [other for other in _member_clashes(datasets, coordinate) if other != name]
            raise _members_refusal(name, _member_files(name, datasets, files, coordinate), *members, others=others)
        by_attribute = None if static else _member_attribute_kind(datasets[earlier], dataset)
        if by_attribute is not None:  # said by their global attributes alone (20CRv3's ensemble_member)
            attribute = by_attribute[0]

            def said(held: xr.Dataset, attribute: str = attribute) -> object:
                return None if member_values(held) else (str(held.attrs.get(attribute, "")).strip() or None)
            others = [other for other in _member_clashes(datasets, said) if other != name]
            raise _members_refusal(name, _member_files(name, datasets, files, said), MEMBER_ATTRIBUTES[attribute],
                                   by_attribute[1], attribute=attribute, others=others)
        misdated = None if static else misdated_accumulations_message(
            name, (first, datasets[earlier]), (second, dataset), files)
        if misdated is not None:  # their own attributes date them apart: the time coordinates are wrong
            raise ClimannError(misdated)
        kind = None if static else _name_kind(first, second) or _attribute_kind(datasets[earlier], dataset)
        if kind is not None and (members := _one_member_refusal(name, first, second, kind, files, datasets)):
            raise members
        if kind is not None:
            raise _refusal(name, first, second, kind, files=files, renames=renames,
                           clashes=_time_clashes(datasets, files))
        pair = (datasets[earlier][name], dataset[name])
        if not static and (spread := _spread_refusal(name, (first, second), (datasets[earlier], dataset),
                                                     every=files, renames=renames)) is not None:
            raise spread  # a spread's values differ from its mean's by the mean itself (break42c C2)
        axis = None if static else _member_axis_apart(*pair, (datasets[earlier], dataset))
        if axis is not None:  # ECMWF's control (number 0) beside its perturbed members: one grid (break42c B3)
            raise (_run_renamed_refusal(name, (first, second), (datasets[earlier], dataset), axis,
                                        every=files, renames=renames)
                   or _unlike_members_refusal(name, (first, second), (datasets[earlier], dataset), axis,
                                           every=files, renames=renames)
                   or _member_halves_refusal(name, first, second, pair, axis, every=files, renames=renames))
        if not (dataset[name].dims == datasets[earlier][name].dims
                and dataset[name].shape == datasets[earlier][name].shape):
            raise _refusal(name, first, second, "their values differ (on different grids)", static=static,
                           files=files, renames=renames)
        largest, beyond = _beyond_storage(datasets[earlier][name], dataset[name])
        if beyond > 0:
            if static and (untimed := _time_beside_fields(name, datasets, files, earlier, index)) is not None:
                raise untimed  # a field of each file's own step, not one static field (break44b B4)
            differ = _difference_text(dataset[name], largest)
            raise _refusal(name, first, second, differ if static else
                           f"{differ[:-1]}: a corrected download? two scenarios?)", static=static,
                           files=files, renames=renames, clashes=None if static else _time_clashes(datasets, files))
        if static:  # the same field beside each year's series (one file per year): combined as one
            continue
        if _measured_copy(name, (first, second), pair):  # the later names the cells' areas: it is kept
            holders[key] = index
            measured.setdefault(name, []).append((first, second))
            kept[earlier] = kept[earlier].drop_vars(name)
            emptied.add(earlier)
            continue
        note_once(_log, logging.INFO, f"'{name}' in {second.name} is a copy of {first.name} (the same values at "
                                      f"the same times): {second.name}'s is not used")
        kept[index] = kept[index].drop_vars(name)
        emptied.add(index)
    for name, pairs in measured.items():
        _warn_measured_copies(name, pairs, _measures_text(datasets[files.index(pairs[0][1])][name]))
    still = [index for index, dataset in enumerate(kept) if index not in emptied or data_variable_names(dataset)]
    return [kept[index] for index in still], [files[index] for index in still]

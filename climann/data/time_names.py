"""One name for the time axis of files that name it differently.

ERA5 downloaded from the Copernicus Climate Data Store before September 2024 calls its time
axis ``time``; from the new CDS, ``valid_time`` (both with ``standard_name = "time"``). A
variable split over both (the years downloaded before and after), or a target in one and a
predictor in the other, are one time axis under two names, which xarray cannot combine.

Each file's time axis is found by its CF attributes, not its name: the one dimension
coordinate whose ``units`` (``UNIT since DATE``) decoded it to dates. When the files' axes
have different names, each is renamed to one name, ``time`` when a file calls it so (CF's
examples and most files do), else the name of the first file's (in the order given); the
file's own names are recorded (:func:`climann.data.shell.with_file_time_names`), so that a
command quoted in advice names the file's variable. Nothing is guessed where the name is
taken by another variable of a file: refused in one line naming the files, their names and the
``--rename`` that gives them one.

A file with two time axes that its variables lie on (``tas(time, …)`` and ``rsdt(time_2, …)``,
what merging two files whose time variables differ in attributes leaves) is never guessed
from, whether both axes or only one say so by ``standard_name``: which axis a variable's dates
are on is not for climann to choose, and a second axis taken as an "extra dimension" would
have one date of it selected as a level. It is refused as it is opened
(:func:`check_one_time_axis`), naming both axes and their variables, with the ``ncks -v``
lines that split it into one file per axis (NCO manual, "ncks": ``-v`` extracts the variables
with their coordinates and CF bounds); the copies, given together, are one set whose axes
get one name as above. A ``--rename`` of one axis to the other's name cannot help: the file
holds both names.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import xarray as xr

from climann.data.coords import bounds_names, named_coordinates
from climann.data.forecast_times import is_dated
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.renames import FileRenames, rename_options
from climann.data.shell import (
    copy_command, copy_path, name_list, select_command, shown_path, source_and_copy, with_file_time_names,
    xarray_command,
)
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: The name the files' time axes get when they differ and one of them has it.
USUAL_TIME_NAME = "time"


def time_axes(dataset: xr.Dataset) -> list[str]:
    """The dimension coordinates of ``dataset`` decoded to dates (by their CF ``units``)."""
    return [str(name) for name in dataset.dims if name in dataset.coords and is_dated(dataset[name])]


def one_time_name(datasets: Sequence[xr.Dataset], labels: Sequence[str], *, renames: FileRenames | None = None,
                  files: Sequence[Path] = ()) -> list[xr.Dataset]:
    """The datasets with their time axes under one name when they name them differently.

    The name is ``time`` when a dataset calls its axis so, else the first one's; when
    another variable of a dataset that would be renamed has that name (a scalar reference
    time ``time`` beside a ``valid_time`` axis), the next of their names that is free.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Each file (or split block) as opened, times decoded, in the order given.
    labels : sequence of str
        What each was read from, a file name (also the ``--rename`` pattern the advice
        gives for it).
    renames : FileRenames, optional
        The user's own rename rules of ``files``: the ``--rename`` advised is merged with them
        (:func:`~climann.data.renames.rename_options`; fix44k: advised beside a rule the file
        already took, it renamed nothing, as rules do not chain, and the refusal came back).
    files : sequence of Path
        The files given, for ``renames``.

    Returns
    -------
    list of xarray.Dataset
        The same datasets, lazy as given; those whose time axis had another name renamed
        (one without a time axis, a static field, as it is).

    Raises
    ------
    ClimannError
        When a dataset has two time axes (:func:`check_one_time_axis`), or the names differ
        and every name is taken by another variable in a dataset that would be renamed.
    """
    axes = [time_axes(dataset) for dataset in datasets]
    names = list(dict.fromkeys(name for found in axes for name in found))
    if len(names) < 2:
        return list(datasets)
    for dataset, label in zip(datasets, labels):
        check_one_time_axis(dataset, label)
    candidates = sorted(names, key=lambda name: name != USUAL_TIME_NAME)  # stable: else in the given order
    taken = {name: next((index for index, found in enumerate(axes)
                         if found and found[0] != name and name in datasets[index].variables), None)
             for name in candidates}
    free = [name for name in candidates if taken[name] is None]
    if not free:
        index, name = taken[candidates[0]], candidates[0]
        # one rename, of that variable: the axes then take its name (fix44k: "or give them one yourself,
        # --rename 'new.nc:valid_time=time'" was refused, new.nc holding a 'time' still)
        raise ClimannError(_refusal(
            axes, labels, f"{labels[index]} has another variable named '{name}'",
            f"rename that variable, e.g. {rename_options({labels[index]: {name: f'{name}_2'}}, renames, files)}, and "
            "the axes take one name"))
    return [_renamed(dataset, found[0], free[0]) if found and found[0] != free[0] else dataset
            for dataset, found in zip(datasets, axes)]


def _without(names: list[str], files: str) -> str:
    """The command that writes a copy of the input of ``files`` without the coordinates ``names``:
    ``ncks -C -x -v`` (``-C``: not the coordinates of what is kept, NCO manual) for a file, an xarray
    line for a Zarr store (:func:`~climann.data.shell.copy_command`)."""
    return copy_command(f"ncks -C -x -v {name_list(names)} {files}", [f"d = d.drop_vars({names!r})"], files)


def check_one_time_axis(dataset: xr.Dataset, where: str) -> None:
    """Refuse a dataset whose data variables lie on two or more time axes (dimension
    coordinates decoded to dates by their CF ``units``, :func:`time_axes`), naming the axes,
    the variables on each and the ``ncks -v`` lines that split the file into one file per axis.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded.
    where : str
        The file's name, for the message.

    Raises
    ------
    ClimannError
        "two_time.nc has 2 time axes (time: tas; time_2: rsdt): which dates a variable is
        on is never guessed …; split it into one file per axis: ncks -v tas two_time.nc
        two_time_tas.nc; ncks -v rsdt two_time.nc two_time_rsdt.nc (or xarray: …), then
        give the copies together in place of two_time.nc …"; the copies are named after
        the file and their first variable (:func:`climann.data.shell.copy_path`).
    """
    on_axis = _variables_by_time_axis(dataset)
    if len(on_axis) < 2:
        return
    listed = "; ".join(f"{axis}: {', '.join(names)}" for axis, names in on_axis.items())
    path = dataset.encoding.get("source") or where
    copies = {axis: copy_path(path, names[0]) for axis, names in on_axis.items()}  # two_time_tas.nc
    commands = "; ".join(select_command(names, f"{shown_path(path)} {shown_path(copies[axis])}", suffix=names[0])
                         for axis, names in on_axis.items())
    # one printed line per copy, written whole and never over a file there (whole_write): ds[…].to_netcdf(copy)
    # replaced a file of that name, a line followed twice or a name taken since printed (break51a A3's kind)
    in_xarray = "; ".join(xarray_command([f"d = d[{names!r}]"], f"{shown_path(path)} {shown_path(copies[axis])}")
                          for axis, names in on_axis.items())
    alternative = "" if is_zarr_store(path) else f" (or xarray: {in_xarray})"
    raise ClimannError(
        f"{where} has {len(on_axis)} time axes ({listed}): which dates a variable is on is never guessed, nor is a "
        f"date of a time axis a level to select; split it into one file per axis: {commands}{alternative}, then give "
        f"the copies together in place of {where}: their time axes become one{_common_period(dataset, on_axis)}"
    )


def _common_period(dataset: xr.Dataset, on_axis: dict[str, list[str]]) -> str:
    """What giving the copies together keeps when the axes cover different periods: the common
    period only, and the steps of each axis outside it (break39a F1: 12 steps beside 286 kept
    12 of them, said only by a warning); give one copy alone to keep all of its steps."""
    spans = {axis: (dataset[axis].values.min(), dataset[axis].values.max(), dataset[axis].size) for axis in on_axis}
    start, end = max(first for first, _, _ in spans.values()), min(last for _, last, _ in spans.values())
    lost = {axis: size - int(((dataset[axis].values >= start) & (dataset[axis].values <= end)).sum())
            for axis, (_, _, size) in spans.items()}
    if not any(lost.values()):
        return ""
    said = ", ".join(f"'{axis}' {spans[axis][0]:%Y-%m-%d} to {spans[axis][1]:%Y-%m-%d} ({spans[axis][2]} steps)"
                     for axis in on_axis)
    dropped = ", ".join(f"{count} of '{axis}'s {spans[axis][2]}" for axis, count in lost.items() if count)
    kept = (f" the period both cover, {start:%Y-%m-%d} to {end:%Y-%m-%d}" if start <= end else " no common period")
    return (f"; but the axes cover different periods ({said}): together they keep{kept} ({dropped} steps "
            "dropped); to keep every step of one axis, give its copy alone")


#: ``encoding`` key of a time coordinate that :func:`time_on_its_dimension` made its dimension's
#: coordinate: the dimension's name in the file (XIOS's ``time_counter`` under ``time_centered``),
#: which a line run on the file reduces over (:func:`file_time_dimension`).
FILE_TIME_DIMENSION_KEY = "climann_file_time_dimension"


def file_time_dimension(dataset: xr.Dataset, time: str) -> str:
    """The name the files give the time dimension ``time`` of the opened ``dataset``: the
    dimension :func:`time_on_its_dimension` swapped for a dated coordinate (``time_counter`` of
    ``time_centered``), else ``time`` itself."""
    if time not in dataset.variables:
        return time
    return str(dataset.variables[time].encoding.get(FILE_TIME_DIMENSION_KEY, time))


def time_on_its_dimension(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """The dataset with one time coordinate on each dimension that holds dates, as that
    dimension's coordinate.

    Ocean and climate model output written by XIOS (NEMO in IPSL, EC-Earth, CNRM, HadGEM3
    and UKESM) puts dates on auxiliary coordinates of the dimension ``time_counter``:
    ``time_centered(time_counter)`` (the middles of the averaging periods) and, in files of
    instantaneous fields, ``time_instant(time_counter)``, named in each variable's
    ``coordinates`` attribute; ``time_counter`` itself holds either no dates (a record
    counter) or dates of its own (``standard_name = "time"``, often the same as
    ``time_centered``). Several coordinates on one dimension are one time axis, never two
    (two axes are two dimensions: :func:`check_one_time_axis`). Its dates are taken from

    - the dated coordinate that the data variables name in their ``coordinates`` attribute
      (CF 1.8 §5: a variable's own auxiliary coordinates), whether or not its values are
      the dimension coordinate's: XIOS's ``time_counter`` may hold the ends of the periods
      (``time_counter = "instant"``) while the means name ``time_centered``;
    - else the dimension coordinate, when it holds dates (CF §4.4, §5: every variable's).

    A named coordinate becomes the dimension (:meth:`xarray.Dataset.swap_dims`): the files
    of one model are combined along one axis whichever form XIOS wrote them in. The other
    dated coordinates of the dimension, their CF bounds and their names in the variables'
    ``coordinates`` are dropped.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded.
    where : str
        The file's name, for the message.

    Returns
    -------
    xarray.Dataset
        The same dataset (lazy) with at most one dated coordinate per dimension.

    Raises
    ------
    ClimannError
        If several dated coordinates lie on one dimension and neither rule decides: the
        variables name none of them (and the dimension holds no dates) or name different
        ones, with the ``ncks`` line that keeps one.
    """
    dataset = _auxiliary_time_as_coordinate(dataset, where)
    swaps, dropped = {}, []
    for dim in map(str, dataset.dims):
        dated = [str(name) for name, coord in dataset.coords.items() if coord.dims == (dim,) and is_dated(coord)]
        if dim in dated:  # beside dated steps, only other time coordinates compete (not a forecast's reference time)
            dated = [name for name in dated if name == dim or _is_time_coordinate(dataset[name])]
        if not dated or dated == [dim]:
            continue
        chosen = _time_coordinate_of(dataset, dim, dated, where)
        dropped += [name for name in dated if name != chosen]
        if chosen != dim:
            swaps[dim] = chosen
            dropped += [dim] if dim in dataset.variables else []
    if not swaps and not dropped:
        return dataset
    bounds = [str(dataset[name].attrs[key]) for name in dropped for key in ("bounds", "climatology")
              if str(dataset[name].attrs.get(key)) in dataset.variables]
    result = dataset.swap_dims(swaps).drop_vars(dropped + bounds)
    for dim, chosen in swaps.items():  # the file's own name of the dimension, for lines run on the file (break56a A1)
        result.variables[chosen].encoding[FILE_TIME_DIMENSION_KEY] = dim
    for variable in result.variables.values():
        for source in (variable.attrs, variable.encoding):
            if "coordinates" in source:
                source["coordinates"] = " ".join(name for name in str(source["coordinates"]).split()
                                                 if name not in dropped)
    return result


def _auxiliary_time_as_coordinate(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` with a dated 1-D data variable that is a time coordinate by its CF
    attributes (:func:`_is_time_coordinate`) made a coordinate, when it is the only one on a
    dimension that has no coordinate variable and that other data variables lie on
    (``time(t)`` beside ``tas(t, lat, lon)``, no ``coordinates`` attribute naming it): CF 1.8
    §5 identifies an auxiliary coordinate by its attributes (§4.4: ``standard_name = "time"``,
    ``axis = "T"``), as a latitude ``lat(y)`` is taken as the axis of ``y``
    (:mod:`climann.data.coordinate_values`). :func:`time_on_its_dimension` then makes it the
    dimension's coordinate; one warning names it."""
    candidates: dict[str, list[str]] = {}
    for name, variable in dataset.data_vars.items():
        if variable.ndim == 1 and _is_time_coordinate(variable) and is_dated(variable):
            candidates.setdefault(str(variable.dims[0]), []).append(str(name))
    chosen = [names[0] for dim, names in candidates.items()
              if len(names) == 1 and dim not in dataset.variables
              and any(dim in variable.dims for other, variable in dataset.data_vars.items() if other != names[0])]
    if not chosen:
        return dataset
    for name in chosen:
        note_once(_log, logging.WARNING,  # once per run: a run opens its files several times
                  f"{where}: '{name}' is taken as the time axis of dimension '{dataset[name].dims[0]}' (its "
                  "standard_name or axis say it is the time; no coordinates attribute names it)")
    return dataset.set_coords(chosen)


def _is_time_coordinate(coordinate: xr.DataArray) -> bool:
    """A time coordinate by CF ``standard_name = "time"`` or ``axis = "T"`` (CF 1.8 §4.4)."""
    return coordinate.attrs.get("standard_name") == "time" or coordinate.attrs.get("axis") == "T"


def _time_coordinate_of(dataset: xr.Dataset, dim: str, dated: list[str], where: str) -> str:
    """Of the dated coordinates on dimension ``dim``, the one :func:`time_on_its_dimension`
    takes: named by the variables on ``dim``, else ``dim`` itself; refused otherwise."""
    naming: dict[str, list[str]] = {}
    bounds = bounds_names(dataset)  # xarray writes a coordinate into its bounds' coordinates attribute
    for name, variable in dataset.data_vars.items():
        for coordinate in named_coordinates(variable) if name not in bounds else ():
            if coordinate in dated and coordinate != dim and dim in variable.dims:
                naming.setdefault(coordinate, []).append(str(name))
    extra = [name for name in dated if name != dim]
    if len(naming) == 1:
        return next(iter(naming))
    if not naming and dim in dated:
        return dim
    if not naming and len(extra) == 1:
        return extra[0]
    if not naming:
        raise ClimannError(
            f"{where}: dimension '{dim}' has several time coordinates ({', '.join(extra)}) and the variables do "
            f"not name one in their coordinates attribute; keep one, e.g. "
            f"{_without(extra[1:2], source_and_copy(dataset))}"
        )
    path = dataset.encoding.get("source") or where
    listed = "; ".join(f"{coordinate}: {', '.join(names)}" for coordinate, names in naming.items())
    commands = "; ".join(select_command(names, f"{shown_path(path)} {shown_path(copy_path(path, names[0]))}",
                                        suffix=names[0]) for names in naming.values())
    raise ClimannError(
        f"{where}: dimension '{dim}' has several time coordinates and the variables name different ones in their "
        f"coordinates attribute ({listed}): which dates a variable is on is never guessed; split it into one file "
        f"per time coordinate: {commands}"
    )


def _variables_by_time_axis(dataset: xr.Dataset) -> dict[str, list[str]]:
    """{time axis: the data variables on it}, each variable under the first axis it lies on;
    the variables on none (static fields: orography, a land mask) with the first axis, so
    that every variable is in one copy when the file is split. Axes no variable lies on are
    left out."""
    on_axis: dict[str, list[str]] = {}
    static, axes = [], time_axes(dataset)
    for name, variable in dataset.data_vars.items():
        axis = next((axis for axis in axes if axis in variable.dims), None)
        if axis is None:
            static.append(str(name))
        else:
            on_axis.setdefault(axis, []).append(str(name))
    if on_axis:
        first = next(iter(on_axis))
        on_axis[first] += static
    return on_axis


def _renamed(dataset: xr.Dataset, name: str, common: str) -> xr.Dataset:
    """``dataset`` with its time axis ``name`` (variable and dimension) called ``common``."""
    return with_file_time_names(dataset.rename({name: common}), common, name, name)


def _refusal(axes: Sequence[list[str]], labels: Sequence[str], reason: str, fix: str) -> str:
    """One line: which files name their time axis how, why they cannot be given one name
    here, and the ``--rename`` (``[data] rename``) that lets them take one (``fix``)."""
    by_name: dict[str, list[str]] = {}
    for label, found in zip(labels, axes):
        for name in found:
            by_name.setdefault(name, []).append(label)
    listed = "; ".join(f"'{name}' in {', '.join(files[:2])}{' …' if len(files) > 2 else ''}"
                       for name, files in by_name.items())
    return f"the files name their time axis differently ({listed}) and {reason}; {fix}"

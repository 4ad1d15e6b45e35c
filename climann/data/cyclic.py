"""A longitude column that repeats another modulo 360° (the cyclic point), dropped on reading.

Plotting tools and some model output add a copy of the first meridian at its end so that a
map closes (NCL's ``add_cyclic``, cartopy's ``add_cyclic_point``, ``cdo`` grids with a
cyclic halo): longitudes 0, 30, …, 330, 360, the 360° column the 0° one again. Read as
data it would be one place counted twice, as two samples in training and with double weight
in area means. Such a column is dropped when its values equal the column it repeats; when
they differ, which one is that meridian's is not known, and the file is refused.

"Equal" is judged at the precision the values are stored in: regridding or a model's
arithmetic in float32 leaves the copy one or two units in the last place (ulp) from the
original (250 K ± 1.5e-5 K in float32), which is no difference between two meridians but the
same number rounded twice. Values within :data:`REPEAT_ULPS` units in the last place of the
file's stored type (IEEE 754: the spacing of floating-point numbers at the value's magnitude;
for packed integers, CF-1.8 §8.1, one packing step is ``scale_factor``) are the same; any
larger difference is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate, is_grid_axis, time_coordinate, two_dimensional_coordinates
from climann.data.geometry import wrapped_difference
from climann.data.notes import note_once
from climann.data.shell import cut_command, input_and_copy, source_and_copy
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

#: Longitudes closer than this fraction of the grid spacing, modulo 360°, are one meridian
#: (as :data:`climann.data.grids.GRID_TOLERANCE`: float rounding when a file was written).
REPEAT_TOLERANCE = 1e-3

#: Values of a repeating column within this many units in the last place of the stored type
#: (:func:`storage_tolerance`) of the column it repeats are the same values rounded twice.
REPEAT_ULPS = 4

#: Where the longitudes dropped from the longitude coordinate are recorded (its
#: ``encoding``, never written to an output), for ``climann info`` to say so.
DROPPED_KEY = "climann_repeated_longitudes"

_log = logging.getLogger(__name__)

def repeated_columns(longitude: np.ndarray) -> dict[int, int]:
    """The columns whose longitude repeats another column's modulo 360°: those to drop.

    Of two columns on one meridian, the one dropped is the one outside the longitude range
    (0…360° or −180…180°, the half-open interval) that holds more of the columns, so that
    what is left is in one convention: of a halo on both sides (−30, 0, …, 330, 360) the
    −30° and 360° columns go and 0…330 stays. When both or neither lie in that range, the
    later column is dropped (0, …, 330, 360 keeps 0; −180, …, 180 keeps −180).

    Parameters
    ----------
    longitude : ndarray, shape (n_lon,)
        Degrees east, either convention.

    Returns
    -------
    dict of int to int
        Index of each column to drop → index of the column kept on its meridian; empty
        when every meridian appears once. Two longitudes are one meridian when they differ,
        modulo 360°, by at most :data:`REPEAT_TOLERANCE` of the smallest spacing.

    Examples
    --------
    >>> repeated_columns(np.array([0.0, 120.0, 240.0, 360.0]))
    {3: 0}
    >>> repeated_columns(np.array([-120.0, 0.0, 120.0, 240.0, 360.0]))
    {0: 3, 4: 1}
    """
    values = np.asarray(longitude, np.float64)
    steps = np.abs(wrapped_difference(values[1:], values[:-1]))
    steps = steps[steps > 0]
    tolerance = REPEAT_TOLERANCE * (float(steps.min()) if steps.size else 1.0)
    if _closest_on_the_circle(values) > 2 * tolerance:  # no meridian twice: no pair to look for (fix56c)
        return {}
    inside = _in_the_usual_range(values)
    repeats = {}
    for column in range(1, values.size):
        same = np.flatnonzero(np.abs(wrapped_difference(values[:column], values[column])) <= tolerance)
        if same.size:
            earlier = int(same[0])
            if inside[column] and not inside[earlier]:
                repeats[earlier] = column
            else:
                repeats[column] = earlier
    return dict(sorted(repeats.items()))


def _closest_on_the_circle(values: np.ndarray) -> float:
    """The least distance around the circle between two of the longitudes ``values`` (degrees;
    inf for fewer than two): that of two neighbours once sorted modulo 360°, wrap included. A
    grid whose closest two are further apart than the tolerance repeats no meridian, told in
    O(n log n) without the pairwise search of :func:`repeated_columns` (1 250 columns of a
    0.25° file: 1 250 array operations, at each of several readings of each of 365 daily files)."""
    if values.size < 2:
        return np.inf
    ordered = np.sort(np.mod(values, 360.0))
    return float(min(np.diff(ordered).min(), 360.0 - ordered[-1] + ordered[0]))


def _in_the_usual_range(values: np.ndarray) -> np.ndarray:
    """Which longitudes lie in [0, 360) or in [−180, 180), whichever holds more of them
    ([0, 360) on a tie), shape (n_lon,) of bool."""
    ranges = [(values >= 0.0) & (values < 360.0), (values >= -180.0) & (values < 180.0)]
    return max(ranges, key=lambda inside: int(inside.sum()))


def _regular_longitude(dataset: xr.Dataset) -> str | None:
    """The 1-D geographic longitude dimension coordinate, or None (curvilinear, rotated or
    projected grids, index-only columns, no longitude)."""
    try:
        if two_dimensional_coordinates(dataset) is not None:
            return None
        name = find_coordinate(dataset, "longitude")
    except ClimannError:
        return None
    if name not in dataset.coords or dataset[name].dims != (name,) or is_grid_axis(dataset[name]):
        return None
    return name


def storage_tolerance(variable: xr.DataArray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The largest difference between ``first`` and ``second`` (values of ``variable``) that is
    rounding at the precision the file stores them in: :data:`REPEAT_ULPS` units in the last
    place of the stored type.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened; its ``encoding`` says the stored type (``dtype``) and packing
        (``scale_factor``, ``add_offset``, CF-1.8 §8.1).
    first, second : ndarray, same shape
        Decoded values, in the variable's units.

    Returns
    -------
    ndarray, the shape of ``first``
        In the variable's units: for a float type, ``REPEAT_ULPS`` × the spacing of that type
        at the larger magnitude (:func:`numpy.spacing`: 1.53e-5 at 250 in float32), times
        ``|scale_factor|`` when packed; for packed integers ``REPEAT_ULPS`` steps of
        ``|scale_factor|`` (and half a step for the rounding of unpacking in floats);
        0 for unpacked integers (counts and codes are exact).
    """
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    scale = abs(float(variable.encoding.get("scale_factor", 1.0)))
    offset = float(variable.encoding.get("add_offset", 0.0))
    if stored.kind in "iu":  # whole packing steps apart: half a step more absorbs the unpacking's float rounding
        return np.full(np.shape(first), (REPEAT_ULPS + 0.5) * scale if "scale_factor" in variable.encoding else 0.0)
    if stored.kind != "f":
        return np.zeros(np.shape(first))
    magnitude = np.maximum(np.abs(first - offset), np.abs(second - offset)) / scale
    with np.errstate(over="ignore", invalid="ignore"):
        spacing = np.spacing(magnitude.astype(stored)).astype(np.float64)
    return REPEAT_ULPS * spacing * scale


def _largest_differences(dataset: xr.Dataset, longitude: str,
                         repeats: dict[int, int]) -> dict[str, tuple[float, float]]:
    """For each data variable on the longitude, the largest difference between the repeating
    columns and the columns they repeat beyond the precision they are stored in
    (:func:`storage_tolerance`; 0 when none; inf when a value is missing in one column only)
    and the largest within it, on the first and last time steps (a few reads, not the whole
    file); NaN equals NaN."""
    time = time_coordinate(dataset)
    later, earlier = list(repeats), list(repeats.values())
    pairs = {}
    for name in data_variable_names(dataset):
        variable = dataset[name]
        if longitude not in variable.dims or not np.issubdtype(variable.dtype, np.number):
            continue
        if time in variable.dims and variable.sizes[time] > 2:
            variable = variable.isel({time: [0, -1]})
        pairs[name] = (variable.isel({longitude: later}).data, variable.isel({longitude: earlier}).data)
    with dask.config.set(scheduler="synchronous"):  # small metadata-like reads, not the data pipeline
        computed = dask.compute(pairs)[0]
    differences = {}
    for name, (repeating, repeated) in computed.items():
        repeating, repeated = np.asarray(repeating, np.float64), np.asarray(repeated, np.float64)
        gap = np.abs(repeating - repeated)
        beyond = ~(gap <= storage_tolerance(dataset[name], repeating, repeated))  # a NaN gap is beyond
        gaps = gap[beyond & (repeating != repeated) & ~(np.isnan(repeating) & np.isnan(repeated))]
        finite = gaps[np.isfinite(gaps)]
        within = gap[~beyond]
        differences[name] = (0.0 if not gaps.size else float(finite.max()) if finite.size else np.inf,
                             float(within.max()) if within.size else 0.0)
    return differences


def grid_without_repeats(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` without the longitude columns that repeat another (see
    :func:`repeated_columns`), judged by the coordinates alone: the grid a file has once
    :func:`without_repeated_longitudes` has read it (which also checks the values). For
    comparing grids, e.g. with a file opened only for its coordinates."""
    longitude = _regular_longitude(dataset)
    if longitude is None:
        return dataset
    repeats = repeated_columns(np.asarray(dataset[longitude].values, np.float64))
    return dataset.drop_isel({longitude: list(repeats)}) if repeats else dataset


def without_repeated_longitudes(dataset: xr.Dataset, *, files: Sequence[Path] = ()) -> xr.Dataset:
    """``dataset`` without the longitude columns that repeat another modulo 360°.

    A global grid saved with its cyclic point (0 … 360°, or −180 … 180° with both ends) has
    one meridian twice. When every data variable holds the same values in both columns (on
    the first and last time steps; the same to :data:`REPEAT_ULPS` units in the last place of
    their stored type, :func:`storage_tolerance`) one is dropped (the later, or the one outside
    the range most columns lie in: :func:`repeated_columns`), with its bounds, and a note
    is logged (``train.log``); the dropped longitudes are recorded in the longitude
    coordinate's ``encoding`` under :data:`DROPPED_KEY`. Curvilinear, rotated-pole and
    projected grids are returned unchanged.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened lazily; only the repeated columns of two time steps are read.
    files : sequence of Path
        The files read, named in the note and messages.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ClimannError
        If a variable's values differ between a column and the column it repeats by more
        than their storage precision: which one holds that meridian's values is not known.
    """
    where = ", ".join(Path(path).name for path in files[:3]) + (" …" if len(files) > 3 else "") or "the data"
    longitude = _regular_longitude(dataset)
    if longitude is None:
        return dataset
    values = np.asarray(dataset[longitude].values, np.float64)
    repeats = repeated_columns(values)
    if not repeats:
        return dataset
    differences = _largest_differences(dataset, longitude, repeats)
    first, counterpart = next(iter(repeats.items()))
    pair = f"{longitude} {values[first]:g}° repeats {longitude} {values[counterpart]:g}° (modulo 360°)"
    differing = {name: beyond for name, (beyond, _) in differences.items() if beyond > 0}
    if differing:
        name, largest = next(iter(differing.items()))
        units = str(dataset[name].attrs.get("units", ""))
        kept = [index for index in range(values.size) if index not in repeats]
        arguments = input_and_copy(files[0]) if len(files) == 1 else source_and_copy(dataset, dataset[name])
        fix = (cut_command({longitude: (kept[0], kept[-1])}, arguments) if kept == list(range(kept[0], kept[-1] + 1))
               else "remove one of the two columns")
        how = (f"by up to {largest:.3g}{' ' + units if units else ''}" if np.isfinite(largest)
               else "missing in one, present in the other")
        raise ClimannError(
            f"{where}: {pair}, but '{name}' differs between the two columns ({how}), so which holds "
            "that meridian's values is not known; "
            f"keep one column, e.g. {fix}"
        )
    kept = [index for index in range(values.size) if index not in repeats]
    trimmed = dataset.isel({longitude: kept})
    trimmed[longitude].encoding[DROPPED_KEY] = tuple(float(values[index]) for index in repeats)
    rounded = max((within for _, within in differences.values()), default=0.0)
    same = f"the same values to their stored precision (up to {rounded:.3g} apart)" if rounded else "the same values"
    note = (f"{where}: {pair if len(repeats) == 1 else f'{pair} and {len(repeats) - 1} more'} with {same} "
            f"(a cyclic column): dropped, {len(kept)} longitudes remain")
    # once per run: the files of one grid (one per year) have the same words after their names
    note_once(_log, logging.INFO, note, key=(__name__, note[len(where) + 2:]))
    return trimmed

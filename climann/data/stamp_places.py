"""Where in their time cells a time axis is stamped, and new data stamped there too.

A run pairs its predictors with the target by the periods they cover (their CF time bounds,
section 7.1) and the predictors take the target's stamps (:mod:`climann.data.time_axes`):
GloFAS' daily discharge, stamped at the end of its day (cfgrib's ``valid_time``), gives daily
GLEAM evaporation stamped at the start of the same day the day's end. ``climann predict`` on
the predictors alone has no target to take stamps from; it stamps their cells where the
target's were (:func:`stamp_place` is recorded in the model file), so that its predictions
carry the time stamps of the run's ``predictions.nc`` and of the target's files, and its
season features are dated as in training (break55c A1: each day was stamped at its start,
a day before the run's own predictions of the same day).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.coords import FILE_TIME_COORDINATE, time_coordinate

#: The places in a time cell a stamp can be recorded at.
STAMP_PLACES = ("start", "middle", "end")


def _places(bounds: np.ndarray) -> dict[str, np.ndarray]:
    """The start, middle and end of each cell of ``bounds``, shape (n_time, 2), dates."""
    starts, ends = bounds[:, 0], bounds[:, 1]
    middles = np.array([start + (end - start) / 2 for start, end in zip(starts, ends)], dtype=object)
    return {"start": starts, "middle": middles, "end": ends}


def stamp_place(stamps: Sequence[object], bounds: np.ndarray | None) -> str | None:
    """Where every stamp lies in its time cell: ``"start"``, ``"middle"`` or ``"end"``.

    Parameters
    ----------
    stamps : sequence of dates, length n_time
        The time axis (cftime dates, as climann decodes them).
    bounds : ndarray of dates, shape (n_time, 2), or None
        Its CF time bounds.

    Returns
    -------
    str or None
        One of :data:`STAMP_PLACES`; None without bounds or steps, or with stamps at several or
        other places.
    """
    if bounds is None or not len(stamps) or np.shape(bounds) != (len(stamps), 2):
        return None
    stamps = np.asarray(stamps, dtype=object)
    for place, at in _places(np.asarray(bounds, dtype=object)).items():
        if all(abs(stamp - there) < datetime.timedelta(seconds=1) for stamp, there in zip(stamps, at)):
            return place
    return None


def at_stamp_place(dataset: xr.Dataset, place: str | None) -> xr.Dataset:
    """``dataset`` with its time axis stamped at ``place`` in each of its cells (its CF time
    bounds kept, the time coordinate's attributes and encoding too); as it is without a place,
    time bounds, or when already stamped there. A dataset dated by its cells' middles
    (:func:`~climann.data.time_cells.times_at_cell_middles`) keeps them, and the file's stamps
    beside them (:data:`~climann.data.coords.FILE_TIME_COORDINATE`, what prediction files write)
    are moved.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened by climann (time decoded to cftime dates).
    place : {"start", "middle", "end"} or None
        Where the run's target was stamped (:func:`stamp_place`).

    Returns
    -------
    xarray.Dataset
    """
    time = time_coordinate(dataset)
    if place not in STAMP_PLACES or time is None or time not in dataset.indexes:
        return dataset
    bounds_name = dataset[time].attrs.get("bounds")
    if bounds_name not in dataset.variables or dataset[bounds_name].ndim != 2:
        return dataset
    bounds = np.asarray(dataset[bounds_name].values, dtype=object)
    # dated by its cells' middles, the file's own stamps are kept beside them: those are what is written
    stamped = FILE_TIME_COORDINATE if FILE_TIME_COORDINATE in dataset.coords else time
    stamps = np.asarray(dataset[stamped].values, dtype=object)
    if not all(hasattr(value, "calendar") for value in bounds.ravel()) or stamp_place(stamps, bounds) == place:
        return dataset
    coordinate = dataset[stamped].variable
    restamped = xr.Variable(coordinate.dims, _places(bounds)[place], coordinate.attrs, coordinate.encoding)
    return dataset.assign_coords({stamped: restamped})

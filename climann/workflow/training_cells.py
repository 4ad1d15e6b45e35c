"""New data on training cells: where a run's per-cell training climatology is taken.

A run that keeps its training climatology cell by cell — ``[data] target_anomaly`` adds the
target's back to the network's output, ``[data] anomalies`` subtract the predictors' — can
apply it to new data only at training cells. The data's cells are found in the training grid
by their coordinate values (the model file's ``grid_axes``, see
:func:`climann.workflow.run_directory.grid_axes`; its row axis paired with the data's row axis
and its column axis with theirs, as each file's axes are found — by CF attributes, not by name
(:func:`climann.data.coords.find_coordinate`): ERA5's ``latitude`` is the training grid's
``lat``), equal within
:data:`climann.data.grids.GRID_TOLERANCE` of the grid spacing, longitudes modulo 360° — as the
whole training grid in another order is aligned
(:func:`climann.workflow.preparation.on_training_grid`). So the whole training grid or any
part of it (a region cut from the same product) takes the climatology of its own cells, and
the output keeps the data's grid. Rows or columns that are not the training grid's are
refused, naming them.

On a rotated-pole or projected grid the row and column axes are positions in the grid's
map projection (CF conventions section 5.6): the same values are the same cells only under
the same projection, which the model file records (``grid_mapping``, the attributes of the
grid-mapping variable) and ``pyproj.CRS.from_cf`` compares. A curvilinear grid whose rows and
columns are bare indices has no values to find its cells by: only its whole grid is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from climann.data.geometry import wrapped_difference
from climann.data.layout import Coordinate, GridLayout
from climann.data.grids import GRID_TOLERANCE
from climann.data.projections import crs_from_cf
from climann.errors import ClimannError

#: How far (degrees) a cell of new data may lie from the training grid's and still be the same
#: cell: coordinates written in float32 by one tool and float64 by another differ by ~1e-6°.
SAME_CELL_DEGREES = 1e-3

#: The entries of a grid summary (:func:`climann.workflow.run_directory.grid_summary`) that
#: place a grid: its extent, and its first and last cell (which give its order).
PLACING_ENTRIES = ("lat_range", "lon_range", "first_cell", "last_cell")


@dataclass(frozen=True)
class TrainingCells:
    """The training grid's rows and columns that the data's rows and columns are.

    Attributes
    ----------
    rows : ndarray of int, shape (n_lat,)
        For each row of the data, its row in the training grid.
    columns : ndarray of int, shape (n_lon,)
        For each column of the data, its column in the training grid.
    whole : bool
        The data hold every training cell (in the training order, once aligned).
    """

    rows: np.ndarray
    columns: np.ndarray
    whole: bool

    def cut(self, per_cell: np.ndarray) -> np.ndarray:
        """A field on the training grid, shape (k, n_lat_training, n_lon_training), at the
        data's cells: shape (k, n_lat, n_lon)."""
        return per_cell[:, self.rows[:, None], self.columns[None, :]]


def axis_positions(training: np.ndarray, values: np.ndarray, *, longitude: bool) -> np.ndarray:
    """The index in ``training`` (shape (n,)) of each of ``values`` (shape (k,)), −1 where none is
    within :data:`~climann.data.grids.GRID_TOLERANCE` of the training spacing; ``longitude``:
    compared modulo 360° (−100 is 260)."""
    training, values = np.asarray(training, np.float64), np.asarray(values, np.float64)
    steps = np.abs(np.diff(training))
    tolerance = GRID_TOLERANCE * (float(steps[steps > 0].min()) if (steps > 0).any() else 0.0)
    gaps = values[:, None] - training[None, :]
    matches = np.abs(wrapped_difference(gaps, 0.0) if longitude else gaps) <= tolerance
    return np.where(matches.any(axis=1), np.argmax(matches, axis=1), -1)


def data_axis_names(grid_axes: Mapping[str, Sequence[float]], rows: str, columns: str) -> dict[str, str]:
    """The data's name of each training grid axis: the training grid's name → the data's.

    ``grid_axes`` holds the row (latitude) axis first and the column (longitude) axis second
    (:func:`climann.workflow.run_directory.grid_axes`), under the training files' names; new
    data name theirs as they will (``lat``/``lon`` in CMIP files, ``latitude``/``longitude`` in
    ERA5 and E-OBS), their roles found by CF attributes. Both axes recorded: paired by role.
    One (the other an index-only dimension): by name, its role unrecorded.

    Parameters
    ----------
    grid_axes : mapping of axis name to values
        The training grid's 1-D row and column axes (the model file's ``grid_axes``).
    rows, columns : str
        The names of the data's row (latitude) and column (longitude) axes.

    Returns
    -------
    dict of str to str
        Training axis name → the data's axis name; axes without a counterpart left out.

    Examples
    --------
    >>> data_axis_names({"lat": [0.0], "lon": [0.0]}, "latitude", "longitude")
    {'lat': 'latitude', 'lon': 'longitude'}
    """
    if len(grid_axes) == 2:
        return dict(zip(grid_axes, (rows, columns)))
    return {name: name for name in grid_axes if name in (rows, columns)}


def axes_named_as_data(grid_axes: Mapping[str, Sequence[float]], rows: str, columns: str) -> dict[str, Sequence[float]]:
    """The training grid's axes (``grid_axes``) under the data's names of the same axes
    (:func:`data_axis_names`): ``{"latitude": [...], "longitude": [...]}`` for ERA5-named data
    of a run trained on ``lat``/``lon``."""
    names = data_axis_names(grid_axes, rows, columns)
    return {names[name]: values for name, values in grid_axes.items() if name in names}


def training_cells(grid_axes: Mapping[str, Sequence[float]], layout: GridLayout) -> TrainingCells | None:
    """The training cells of the data's grid, found by coordinate value.

    Parameters
    ----------
    grid_axes : mapping of axis name to values
        The training grid's 1-D row and column axes (the model file's ``grid_axes``), paired
        with the data's by role whatever either names them (:func:`data_axis_names`).
    layout : GridLayout
        The new data's grid.

    Returns
    -------
    TrainingCells or None
        None when the axes cannot tell (a model file without ``grid_axes``, an index-only
        row or column axis).

    Raises
    ------
    ClimannError
        If a row or column of the data is not one of the training grid's, naming them.
    """
    axes = (layout.latitude, layout.longitude)
    grid_axes = axes_named_as_data(grid_axes, layout.latitude.name, layout.longitude.name)
    if any(axis.name not in grid_axes or axis.name in layout.index_dims for axis in axes):
        return None
    found = [axis_positions(np.asarray(grid_axes[axis.name]), axis.values,
                            longitude=axis is layout.longitude and layout.geographic is None) for axis in axes]
    outside = [_values_text(axis, positions < 0, word)
               for axis, positions, word in zip(axes, found, ("rows", "columns")) if (positions < 0).any()]
    if outside:
        several = len(outside) > 1 or (np.concatenate(found) < 0).sum() > 1
        raise ClimannError(f"the data's {' and '.join(outside)} {'are' if several else 'is'} not on the training grid "
                           f"({_grid_text(grid_axes, axes)})")
    rows, columns = found
    whole = (np.array_equal(rows, np.arange(len(grid_axes[axes[0].name])))
             and np.array_equal(columns, np.arange(len(grid_axes[axes[1].name]))))
    return TrainingCells(rows, columns, whole)


def _values_text(axis: Coordinate, outside: np.ndarray, word: str) -> str:
    """``lat 67.5, 75 (2 of 11 rows)``."""
    values = np.asarray(axis.values, np.float64)[outside]
    shown = ", ".join(f"{value:g}" for value in values[:3]) + (" …" if values.size > 3 else "")
    return f"{axis.name} {shown} ({values.size} of {outside.size} {word})"


def _grid_text(grid_axes: Mapping[str, Sequence[float]], axes: Sequence[Coordinate]) -> str:
    """``17×36, lat 60…-60, lon -180…170``: the training axes in their order."""
    values = [np.asarray(grid_axes[axis.name], np.float64) for axis in axes]
    return (f"{values[0].size}×{values[1].size}, "
            + ", ".join(f"{axis.name} {v[0]:g}…{v[-1]:g}" for axis, v in zip(axes, values)))


def same_projection(recorded: Mapping | None, layout: GridLayout) -> bool:
    """Whether the data's grid mapping is the training grid's (``recorded``, its attributes
    from the model file): equal as coordinate reference systems (``pyproj.CRS.from_cf``, CF
    section 5.6 and appendix F), or with equal attributes when pyproj cannot read them.
    False when either is unknown."""
    import pyproj

    if recorded is None or layout.grid_mapping is None:
        return False
    own = grid_mapping_record(layout.grid_mapping)
    try:
        return crs_from_cf(recorded) == crs_from_cf(own)
    except (pyproj.exceptions.CRSError, KeyError, ValueError):
        return dict(recorded) == own


def grid_mapping_record(mapping: Coordinate) -> dict:
    """The grid-mapping variable's attributes as JSON values (numbers and lists of numbers)."""
    return {str(key): value if isinstance(value, str) else np.asarray(value).tolist()
            for key, value in mapping.attrs.items()}


def same_summarised_grid(trained: Mapping, new: Mapping, entries: Sequence[str] = PLACING_ENTRIES) -> bool:
    """Whether two grids whose cells cannot be found by value are the same grid, as their
    summaries (:func:`climann.workflow.run_directory.grid_summary`) tell: the same numbers of
    rows and columns, and each of ``entries`` that ``trained`` records within
    :data:`SAME_CELL_DEGREES` of the other's.

    Parameters
    ----------
    trained, new : mapping
        Grid summaries (``n_lat``, ``n_lon``, ``lat_range``, ``lon_range`` and, since they
        were recorded, ``first_cell`` and ``last_cell``; degrees).
    entries : sequence of str
        The entries compared: :data:`PLACING_ENTRIES`, or the extent alone (``lat_range``,
        ``lon_range``) to tell the same grid in another order.

    Returns
    -------
    bool
    """
    if (trained["n_lat"], trained["n_lon"]) != (new["n_lat"], new["n_lon"]):
        return False
    return all(np.allclose(trained[key], new[key], rtol=0, atol=SAME_CELL_DEGREES) for key in entries if key in trained)

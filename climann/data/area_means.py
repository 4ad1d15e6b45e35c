"""Area-weighted means of a variable over the whole grid or a region, as time series features.

Pattern-scaling emulators predict a local field from a large-scale mean (the global-mean
temperature, the Niño-3.4 SST). The mean is taken over the file's whole grid (or the given
region of it), not over the cells selected for training, so that a model trained on one
region still sees the global signal. The series stay lazy (dask) until the batch boundary.

An area mean is only the same quantity over the same area: each series carries the extent of
the cells it averages (:class:`AreaExtent`, in its attribute
:data:`~climann.data.layout.AREA_EXTENT_ATTRIBUTE`),
which a trained model records and new data must cover
(:func:`climann.workflow.new_data.check_area_means`).

An area mean of the *target* at the same time step is accepted (pattern scaling gives the
global-mean temperature of a scenario as an input), but its scores assume that true mean is
known at prediction time: :func:`target_area_mean_names` names such inputs, and a run's
``metrics.json`` records them (:mod:`climann.evaluation.target_means`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climann.data.area_fractions import WHOLE_CELL_AREA_MEANS_KEY
from climann.data.boxes import longitude_in_box
from climann.data.coords import find_coordinate
from climann.data.geometry import bounds_from_centres, longitude_span, wrapped_difference
from climann.data.layout import AREA_EXTENT_ATTRIBUTE, GridLayout
from climann.data.notes import note_once
from climann.data.subset import box_text, select_region
from climann.data.value_precision import loses_in_float32
from climann.data.variables import grid_layout, on_grid, require_variable
from climann.errors import ClimannError

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AreaExtent:
    """The area a mean is taken over: the outer edges of its cells, and their size.

    Attributes
    ----------
    south, north : float
        Degrees north, the southern edge of the southernmost cell and the northern edge of
        the northernmost.
    west, east : float
        Degrees east, from the western edge eastward to the eastern edge (``east - west`` in
        (0, 360]; 360: all longitudes), whatever the grid's longitude convention or order.
    cell_lat, cell_lon : float
        The widest cell along latitude and longitude, degrees: half of it is the tolerance of
        :meth:`covers` (edges estimated from centres may be off by that much).
    """

    south: float
    north: float
    west: float
    east: float
    cell_lat: float
    cell_lon: float

    @property
    def all_longitudes(self) -> bool:
        return self.east - self.west >= 360.0 - 1e-6

    def record(self) -> list[float]:
        """``[south, north, west, east, cell_lat, cell_lon]``, for a model file or an attribute."""
        return [float(v) for v in (self.south, self.north, self.west, self.east, self.cell_lat, self.cell_lon)]

    @classmethod
    def from_record(cls, values: Sequence[float]) -> AreaExtent:
        return cls(*(float(v) for v in values))

    def covers(self, other: AreaExtent) -> bool:
        """Whether this extent holds ``other`` to within half a cell of the coarser of the two
        grids (longitudes compared modulo 360°, so a box across the dateline is one box)."""
        lat_tolerance = max(self.cell_lat, other.cell_lat) / 2 + 1e-6
        lon_tolerance = max(self.cell_lon, other.cell_lon) / 2 + 1e-6
        if self.south > other.south + lat_tolerance or self.north < other.north - lat_tolerance:
            return False
        width, other_width = self.east - self.west, other.east - other.west
        if width >= 360.0 - lon_tolerance:
            return True
        offset = (other.west - self.west + lon_tolerance) % 360.0 - lon_tolerance
        return offset + other_width <= width + lon_tolerance

    def __str__(self) -> str:
        """``lat 30…60, lon 350…10`` (the eastern edge past 360° read round the circle); an area
        that reaches a pole (a polar grid's cells around it) spans all longitudes there, and
        its outer edge is its latitude: ``lat 79.4…90, all longitudes round the pole``."""
        if self.all_longitudes:
            longitudes = "all longitudes"
        elif self.north >= 90.0 - 1e-9 or self.south <= -90.0 + 1e-9:
            longitudes = "all longitudes round the pole"
        else:
            longitudes = f"lon {self.west:g}…{self.east - 360.0 if self.east > 360.0 else self.east:g}"
        return f"lat {self.south:g}…{self.north:g}, {longitudes}"


def axes_extent(latitude: np.ndarray, longitude: np.ndarray, *, latitude_bounds: np.ndarray | None = None,
                longitude_bounds: np.ndarray | None = None) -> AreaExtent:
    """The extent of a regular grid from its 1-D axes (degrees, any order), with the cell
    edges from the CF bounds, shape (n, 2), when given, else midway between the centres
    (:func:`~climann.data.geometry.bounds_from_centres`)."""
    if latitude_bounds is None:
        latitude_bounds = bounds_from_centres(latitude, latitude=True)
    if longitude_bounds is None:
        longitude_bounds = bounds_from_centres(longitude, longitude=True)
    lows = np.min(longitude_bounds, axis=1)
    widths = np.abs(wrapped_difference(longitude_bounds[:, 1], longitude_bounds[:, 0]))
    lows = np.where(np.abs(longitude_bounds[:, 1] - longitude_bounds[:, 0]) > 180, np.max(longitude_bounds, axis=1),
                    lows)  # a cell across the seam, e.g. (357.5, 2.5) in a file's own convention
    west, east = longitude_span(lows, widths)
    return AreaExtent(float(np.min(latitude_bounds)), float(np.max(latitude_bounds)), west, east,
                      float(np.max(np.abs(np.diff(latitude_bounds, axis=1)))), float(widths.max()))


def layout_extent(layout: GridLayout) -> AreaExtent:
    """The extent of a grid's cells (:class:`AreaExtent`). On a curvilinear, rotated-pole or
    projected grid, from the cells' true latitude and longitude, each cell taken as wide as the
    median step between neighbouring centres; cells without a position are left out."""
    if layout.geographic is None:
        return axes_extent(layout.latitude.values, layout.longitude.values,
                           latitude_bounds=layout.latitude_bounds, longitude_bounds=layout.longitude_bounds)
    latitude, longitude = layout.geographic_coordinates()
    steps = [np.abs(np.diff(latitude, axis=axis)) for axis in (0, 1)]
    steps += [np.abs(wrapped_difference(np.diff(longitude, axis=axis), 0.0)) for axis in (0, 1)]
    cell = float(np.nanmax([np.nanmedian(step) if step.size else np.nan for step in steps]))
    placed = np.isfinite(latitude) & np.isfinite(longitude)
    latitude, longitude = latitude[placed], longitude[placed]
    west, east = longitude_span(longitude - cell / 2, np.full(longitude.size, cell))
    return AreaExtent(max(float(latitude.min()) - cell / 2, -90.0), min(float(latitude.max()) + cell / 2, 90.0),
                      west, east, cell, cell)


def region_label(box: Sequence[float]) -> str:
    """A short name for a region box: ``(-5, 5, 190, 240)`` → ``"5S-5N_190E-240E"``."""

    def latitude(value: float) -> str:
        return f"{abs(value):g}{'S' if value < 0 else 'N'}"

    def longitude(value: float) -> str:
        return f"{abs(value):g}{'W' if value < 0 else 'E'}"

    south, north, west, east = box
    return f"{latitude(south)}-{latitude(north)}_{longitude(west)}-{longitude(east)}"


def regional_boxes(values: Sequence[float], name: str) -> list[tuple[float, float, float, float]]:
    """``[s, n, w, e, s, n, w, e, …]`` as boxes of four.

    Raises
    ------
    ClimannError
        If the number of values is not a positive multiple of four or a latitude is beyond ±90°.
    """
    if not values or len(values) % 4:
        raise ClimannError(
            f"[data] regional_means.{name} must be [south, north, west, east] (or several boxes of four), "
            f"got {list(values)}"
        )
    boxes = [tuple(float(v) for v in values[i : i + 4]) for i in range(0, len(values), 4)]
    for box in boxes:
        if abs(box[0]) > 90 or abs(box[1]) > 90:
            raise ClimannError(f"[data] regional_means.{name}: latitude beyond ±90° in {list(box)}")
    return boxes  # type: ignore[return-value]


def area_mean_series(
    dataset: xr.Dataset, name: str, *, region: Sequence[float] = (), where: str = "the data", of_run: bool = False
) -> xr.DataArray:
    """Lazy area-weighted mean of a variable at each time step, x̄(t) = Σ w x / Σ w.

    The weights ``w`` are those of every score of the variable as a target,
    :meth:`~climann.data.layout.GridLayout.cell_area_weights` (one function): the cells' areas
    (the file's ``cell_measures``, else from ``lat_bnds``/``lon_bnds``, else from edges midway
    between the centres), times the land (sea, sea-ice) fraction of a variable that is a mean
    where land (``cell_methods = "area: mean where land"``, CMIP6 ``mrso``: CF 1.8 section 7.3.3;
    the CMIP and ILAMB global land means) when the data hold it
    (:mod:`climann.data.area_fractions`). Runs trained before 7 December 2026 weighed whole cells
    (``[data] area_means_by_fraction = false``, :data:`~climann.data.area_fractions.WHOLE_CELL_AREA_MEANS_KEY`):
    a coast of wet part-land cells counted as if all land (break52c A4). Missing cells are left out
    of both sums; a time step without any value is NaN.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened lazily; dims (time, lat, lon) of ``name`` in any order.
    name : str
        A time-varying variable.
    region : (south, north, west, east), optional
        Average over this box only (any longitude convention; ``west > east`` crosses the
        dateline or prime meridian). Empty: the whole grid.
    where : str
        The files, for messages.
    of_run : bool, default False
        ``region`` is a trained run's ``[data] regional_means`` box applied to new data: a
        refusal says so (:func:`~climann.data.subset.select_region`).

    Returns
    -------
    xarray.DataArray, dims (time,)
        Backed by dask when the dataset is: nothing is read here.

    Raises
    ------
    ClimannError
        A missing or static variable, or a region without cells.
    """
    variable = require_variable(dataset, name, where)
    names = {kind: find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")}
    grid = (names["time"], names["latitude"], names["longitude"])
    if region:
        dataset = select_region(dataset, region, of_run=of_run, regional_mean=name)
        variable = dataset[name]
        _warn_one_cell_box(dataset, name, region, (names["latitude"], names["longitude"]), where)
    field = on_grid(variable, grid, needs_time=True)
    whole_cells = bool(dataset[grid[0]].encoding.get(WHOLE_CELL_AREA_MEANS_KEY))  # as trained before 7 Dec 2026
    weights = grid_layout(dataset, name, ()).cell_area_weights(whole_cells=whole_cells)
    # (n_time, n_lat, n_lon) for a fraction of each step (where sea_ice: siconc)
    area = xr.DataArray(weights, dims=grid if np.ndim(weights) == 3 else grid[1:])
    present = field.notnull()
    weighted_sum = (field.fillna(0) * area).sum(grid[1:])
    total = (present * area).sum(grid[1:])
    # float32 as the variable is, unless it is a type float32 does not hold (float64): then its
    # mean is decided on as it is (climann.data.value_precision), not rounded first
    mean = (weighted_sum / total.where(total > 0)).astype(np.float64 if loses_in_float32(field.dtype) else np.float32)
    extent = layout_extent(grid_layout(dataset, name, ()))
    return mean.drop_vars([c for c in mean.coords if c != grid[0]]).rename(name).assign_attrs(
        {AREA_EXTENT_ATTRIBUTE: extent.record()})


def _warn_one_cell_box(dataset: xr.Dataset, name: str, box: Sequence[float], axes: tuple[str, str],
                       where: str) -> None:
    """Warn once when the cells of ``dataset`` inside a ``[data] regional_means`` box (selected
    already) are one: the feature is that cell's values, not a mean over the box (break46b A7: a
    grid's nearest cell written at a gauge gave a "mean" of 225 cells bit-identical to the plain
    predictor, without a word)."""
    dims = {dim for axis in axes for dim in dataset[axis].dims}
    if int(np.prod([dataset.sizes[dim] for dim in dims])) != 1:
        return
    latitude, longitude = (float(np.ravel(dataset[axis].values)[0]) for axis in axes)
    column = f"{name}_mean_{region_label(box)}"
    note_once(_log, logging.WARNING, (
        f"{where}: one cell of {name} in the regional_means box ({box_text(box)}), at {latitude:g}°N "
        f"{longitude:g}°E: a box holding one cell is that cell, so the feature {column} is {name} there, not a "
        f"mean over the box; give the box's cells (climann averages them, area-weighted; beside a target at one "
        f"place, the refusal of the grid's file writes their mean at the place), or name {name} in --predictors "
        f"if that cell is meant"), key=("one-cell box", column))


def area_mean_names(global_means: Sequence[str], regional_means: Mapping[str, Sequence[float]] | None) -> list[str]:
    """The feature names of :func:`area_mean_features`, in its order (nothing is read)."""
    names = [f"{name}_global_mean" for name in global_means]
    for name, values in (regional_means or {}).items():
        names += [f"{name}_mean_{region_label(box)}" for box in regional_boxes(values, name)]
    return names


def area_mean_features(
    dataset: xr.Dataset,
    *,
    global_means: Sequence[str] = (),
    regional_means: Mapping[str, Sequence[float]] | None = None,
    where: str = "the data",
    of_run: bool = False,
) -> dict[str, xr.DataArray]:
    """The area-mean feature columns by name, each a lazy series over time.

    ``<name>_global_mean`` for each of ``global_means``; ``<name>_mean_<region>`` (see
    :func:`region_label`) for each box of ``regional_means = {name: [s, n, w, e, …]}``.
    ``of_run``: the boxes are a trained run's, applied to new data (see :func:`area_mean_series`).
    """
    return {
        column: area_mean_series(dataset, name, region=box, where=where, of_run=of_run)
        for column, name, box in area_mean_requests(global_means, regional_means)
    }


def area_mean_requests(
    global_means: Sequence[str], regional_means: Mapping[str, Sequence[float]] | None
) -> list[tuple[str, str, tuple[float, ...]]]:
    """``(column, variable, box)`` of each area-mean feature, in the order of
    :func:`area_mean_names`; ``box`` is ``()`` for a global mean (nothing is read)."""
    requests = [(name, ()) for name in global_means]
    requests += [(name, box) for name, values in (regional_means or {}).items() for box in regional_boxes(values, name)]
    return [(column, name, box) for column, (name, box) in zip(area_mean_names(global_means, regional_means), requests)]


def axes_box_extent(latitude: np.ndarray, longitude: np.ndarray, box: Sequence[float]) -> AreaExtent | None:
    """:func:`axes_extent` of the cells of a regular grid inside ``box = (south, north, west,
    east)`` as :func:`~climann.data.subset.select_region` selects them (the whole grid for an
    empty box); None when no cell is inside."""
    latitude, longitude = np.asarray(latitude, np.float64), np.asarray(longitude, np.float64)
    if box:
        latitude = latitude[(latitude >= box[0]) & (latitude <= box[1])]
        longitude = longitude[longitude_in_box(longitude, box[2], box[3])]
    return axes_extent(latitude, longitude) if latitude.size and longitude.size else None


def target_area_mean_names(
    target: str, global_means: Sequence[str], regional_means: Mapping[str, Sequence[float]] | None
) -> list[str]:
    """The area-mean feature columns that average ``target`` itself at the same time step
    (``tas_global_mean``, ``tas_mean_40N-50N_0E-10E``), in the order of :func:`area_mean_names`;
    nothing is read.

    Every box counts, also one outside the cells scored: its mean is the target's value
    elsewhere at the same step, which shares the scored cells' large-scale anomaly (a warm
    month is warm over a whole region) and is known only once the step is observed.

    Examples
    --------
    >>> target_area_mean_names("tas", ["tas", "rsdt"], {"tas": [40, 50, 0, 10], "psl": [40, 50, 0, 10]})
    ['tas_global_mean', 'tas_mean_40N-50N_0E-10E']
    """
    return [column for column, name, _ in area_mean_requests(global_means, regional_means) if name == target]

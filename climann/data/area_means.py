"""Area-weighted means of a variable over the whole grid or a region, as time series features.

Pattern-scaling emulators predict a local field from a large-scale mean (the global-mean
temperature, the Niño-3.4 SST). The mean is taken over the file's whole grid (or the given
region of it), not over the cells selected for training, so that a model trained on one
region still sees the global signal. The series stay lazy (dask) until the batch boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.subset import select_region
from climann.data.variables import grid_layout, on_grid, require_variable
from climann.errors import ClimannError


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
    dataset: xr.Dataset, name: str, *, region: Sequence[float] = (), where: str = "the data"
) -> xr.DataArray:
    """Lazy area-weighted mean of a variable at each time step, x̄(t) = Σ w x / Σ w.

    The weights ``w`` are the cells' areas (from ``lat_bnds``/``lon_bnds`` when present, else
    from edges midway between the centres; see
    :meth:`~climann.data.layout.GridLayout.cell_area_weights`); missing cells are left out of
    both sums; a time step without any value is NaN.

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
        dataset = select_region(dataset, region)
        variable = dataset[name]
    field = on_grid(variable, grid, needs_time=True)
    weights = grid_layout(dataset, name, ()).cell_area_weights()
    area = xr.DataArray(weights, dims=grid[1:])
    present = field.notnull()
    weighted_sum = (field.fillna(0) * area).sum(grid[1:])
    total = (present * area).sum(grid[1:])
    mean = (weighted_sum / total.where(total > 0)).astype("float32")
    return mean.drop_vars([c for c in mean.coords if c != grid[0]]).rename(name)


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
) -> dict[str, xr.DataArray]:
    """The area-mean feature columns by name, each a lazy series over time.

    ``<name>_global_mean`` for each of ``global_means``; ``<name>_mean_<region>`` (see
    :func:`region_label`) for each box of ``regional_means = {name: [s, n, w, e, …]}``.
    """
    requests = [(name, ()) for name in global_means]
    requests += [(name, box) for name, values in (regional_means or {}).items() for box in regional_boxes(values, name)]
    names = area_mean_names(global_means, regional_means)
    return {
        column: area_mean_series(dataset, name, region=box, where=where)
        for column, (name, box) in zip(names, requests)
    }

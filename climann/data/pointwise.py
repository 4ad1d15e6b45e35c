"""Pointwise samples: each grid cell at each time step is one sample.

The features at a cell (predictor values there, plus features derived from its
coordinates) map to the target's value at that cell. Samples with a missing target or any
missing feature are dropped and counted.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.features import decimal_year, longitude_sin_cos, season_sin_cos
from climann.data.layout import Coordinate, GridLayout
from climann.errors import ClimannError


@dataclass(frozen=True)
class PointwiseSamples:
    """Samples as plain arrays, and the layout that puts them back on the grid.

    Attributes
    ----------
    inputs : ndarray, shape (n_samples, n_features), float32
        Unscaled feature values.
    target : ndarray, shape (n_samples, 1), float32
        The target's values.
    flat_index : ndarray of int64, shape (n_samples,)
        Each sample's position in the canonical grid (see :class:`GridLayout`).
    feature_names : tuple of str
        Names of the columns of ``inputs``.
    layout : GridLayout
    n_dropped : int
        Grid points skipped because the target or a feature was missing.
    """

    inputs: np.ndarray
    target: np.ndarray
    flat_index: np.ndarray
    feature_names: tuple[str, ...]
    layout: GridLayout
    n_dropped: int

    @property
    def time_index(self) -> np.ndarray:
        """Time step of each sample, shape (n_samples,)."""
        return self.layout.time_index(self.flat_index)


def data_variable_names(dataset: xr.Dataset) -> list[str]:
    """Names of the data variables that can be features: bounds variables excluded."""
    bounds = {
        str(variable.attrs[key])
        for variable in dataset.variables.values()
        for key in ("bounds", "climatology")
        if key in variable.attrs
    }
    return [str(name) for name in dataset.data_vars if name not in bounds]


def require_variable(dataset: xr.Dataset, name: str, where: str = "the data") -> xr.DataArray:
    """Return variable ``name`` or raise an error listing the available ones.

    Raises
    ------
    ClimannError
        "variable 'tass' not in sample.nc; available: tas, rsdt; did you mean 'tas'?"
    """
    available = data_variable_names(dataset)
    if name in available:
        return dataset[name]
    close = difflib.get_close_matches(name, available, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ClimannError(
        f"variable '{name}' not in {where}; available: {', '.join(available) or 'none'}{hint}"
    )


def _on_grid(variable: xr.DataArray, grid_dims: Sequence[str], *, needs_time: bool) -> xr.DataArray:
    """Drop size-1 extra dimensions and order the rest as (time, lat, lon)."""
    extra = [dim for dim in variable.dims if dim not in grid_dims]
    variable = variable.squeeze([dim for dim in extra if variable.sizes[dim] == 1], drop=True)
    extra = [dim for dim in variable.dims if dim not in grid_dims]
    if extra:
        sizes = ", ".join(f"{dim} ({variable.sizes[dim]} values)" for dim in extra)
        raise ClimannError(
            f"variable '{variable.name}' has extra dimensions {sizes}; select one value of each"
        )
    time_dim, lat_dim, lon_dim = grid_dims
    required = (lat_dim, lon_dim, time_dim) if needs_time else (lat_dim, lon_dim)
    missing = [dim for dim in required if dim not in variable.dims]
    if missing:
        raise ClimannError(
            f"variable '{variable.name}' lacks dimension(s) {', '.join(missing)}: "
            f"its dims are {variable.dims}"
        )
    return variable.transpose(*[dim for dim in grid_dims if dim in variable.dims])


def grid_layout(dataset: xr.Dataset, target: str, source_files: Sequence[str]) -> GridLayout:
    """Describe the target's grid: coordinates, time encoding, attributes and dim order."""
    names = {kind: find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")}
    time = dataset[names["time"]]
    values = time.values
    if len(values) and not hasattr(values[0], "calendar"):
        raise ClimannError(f"time coordinate '{time.name}' could not be decoded to dates")
    calendar = time.encoding.get("calendar", values[0].calendar if len(values) else "standard")
    units = time.encoding.get("units", f"days since {values[0].year:04d}-01-01" if len(values) else "")

    def coordinate(name: str) -> Coordinate:
        return Coordinate(name, dataset[name].values, dict(dataset[name].attrs))

    return GridLayout(
        time=coordinate(names["time"]),
        latitude=coordinate(names["latitude"]),
        longitude=coordinate(names["longitude"]),
        time_units=str(units),
        calendar=str(calendar),
        file_dims=tuple(str(d) for d in dataset[target].dims if d in names.values()),
        target_name=target,
        target_attrs={k: v for k, v in dataset[target].attrs.items()},
        source_files=tuple(str(f) for f in source_files),
    )


def _derived_columns(layout: GridLayout, features: Sequence[str]) -> dict[str, tuple[str, np.ndarray]]:
    """Derived feature columns by name: (the axis they vary along, values along it)."""
    columns: dict[str, tuple[str, np.ndarray]] = {}
    if "lat" in features:
        columns["lat"] = ("lat", np.asarray(layout.latitude.values, dtype=np.float64))
    if "lon" in features:
        lon_sin, lon_cos = longitude_sin_cos(layout.longitude.values)
        columns["lon_sin"], columns["lon_cos"] = ("lon", lon_sin), ("lon", lon_cos)
    if "season" in features:
        season_sin, season_cos = season_sin_cos(layout.time.values)
        columns["season_sin"], columns["season_cos"] = ("time", season_sin), ("time", season_cos)
    if "year" in features:
        columns["year"] = ("time", decimal_year(layout.time.values))
    return columns


def _broadcastable(values: np.ndarray, axis: str, shape: tuple[int, int, int]) -> np.ndarray:
    """View of an array that varies along ``axis`` only, broadcastable to (time, lat, lon)."""
    n_time, n_lat, n_lon = shape
    view_shape = {
        "grid": shape,
        "cell": (1, n_lat, n_lon),
        "time": (n_time, 1, 1),
        "lat": (1, n_lat, 1),
        "lon": (1, 1, n_lon),
    }[axis]
    return values.reshape(view_shape)


def _gather(values: np.ndarray, axis: str, flat_index: np.ndarray, layout: GridLayout) -> np.ndarray:
    """Pick each sample's value from an array that varies along ``axis`` only."""
    n_lon = layout.shape[2]
    position = {
        "grid": flat_index,  # (time, lat, lon)
        "cell": flat_index % layout.n_cells,  # (lat, lon): static fields
        "time": flat_index // layout.n_cells,
        "lat": (flat_index % layout.n_cells) // n_lon,
        "lon": flat_index % n_lon,
    }[axis]
    return values.reshape(-1)[position]


def build_pointwise_samples(
    dataset: xr.Dataset,
    *,
    target: str,
    predictors: Sequence[str],
    features: Sequence[str],
    source_files: Sequence[str] = (),
) -> PointwiseSamples:
    """Build pointwise samples from a (lazy) dataset.

    This is the batch boundary: the target and predictors are read here, once.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened with :func:`climann.data.open.open_dataset`.
    target : str
        Variable to predict; dims (time, lat, lon) in any order, plus size-1 extra dims.
    predictors : sequence of str
        Variables on the same grid: (time, lat, lon) or static (lat, lon).
    features : sequence of str
        Derived features, keys of :data:`climann.config.DERIVED_FEATURES`.
    source_files : sequence of str
        Recorded in the layout.

    Returns
    -------
    PointwiseSamples

    Raises
    ------
    ClimannError
        Missing variables or coordinates, unselected extra dimensions, predictors on
        another grid, or no sample left with every value present.
    """
    where = ", ".join(Path(f).name for f in source_files) or "the data"
    variables = {name: require_variable(dataset, name, where) for name in (target, *predictors)}
    layout = grid_layout(dataset, target, source_files)
    grid_dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    on_grid = {
        name: _on_grid(variable, grid_dims, needs_time=(name == target))
        for name, variable in variables.items()
    }
    loaded = xr.Dataset(on_grid).astype(np.float32).load()  # one read of everything needed
    columns = {
        name: ("grid" if loaded[name].ndim == 3 else "cell", loaded[name].values)
        for name in predictors
    }
    columns.update(_derived_columns(layout, features))
    target_values = loaded[target].values
    valid = np.isfinite(target_values)
    for axis, values in columns.values():
        valid &= np.isfinite(_broadcastable(values, axis, layout.shape))
    flat_index = np.flatnonzero(valid)
    if flat_index.size == 0:
        raise ClimannError(f"no sample has '{target}' and every feature present in {where}")
    inputs = np.empty((flat_index.size, len(columns)), dtype=np.float32)
    for column, (axis, values) in enumerate(columns.values()):
        inputs[:, column] = _gather(values, axis, flat_index, layout)
    return PointwiseSamples(
        inputs=inputs,
        target=target_values.reshape(-1)[flat_index].reshape(-1, 1),
        flat_index=flat_index.astype(np.int64),
        feature_names=tuple(columns),
        layout=layout,
        n_dropped=int(valid.size - flat_index.size),
    )

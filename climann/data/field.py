"""Field samples: each time step is one sample, the whole target map its output vector.

This is the emulator style of ClimateBench: predictor fields at time t (flattened, or
area-averaged to one number each) plus time features → the target at every grid cell at t.
Cells where the target is missing are masked outputs (they contribute nothing to the loss);
predictor cells that are missing at every time step (e.g. soil moisture over the ocean) are
left out of the inputs; time steps with any other missing input are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.area_means import area_mean_features
from climann.data.layout import GridLayout
from climann.data.pointwise import area_weighted_mean, derived_columns
from climann.data.variables import grid_layout, on_grid, require_variable
from climann.errors import ClimannError

FIELD_INPUTS = ("mean", "flatten")


@dataclass(frozen=True)
class FieldSamples:
    """Field samples as plain arrays.

    Attributes
    ----------
    inputs : ndarray, shape (n_samples, n_features), float32
    target : ndarray, shape (n_samples, n_cells), float32
        The target map of each sample, cells in (lat, lon) order; NaN where missing.
    mask : ndarray of bool, shape (n_samples, n_cells)
        True where the target is present.
    time_index : ndarray of int, shape (n_samples,)
        The time step of each sample.
    feature_names : tuple of str
    layout : GridLayout
    n_dropped : int
        Time steps dropped because an input was missing.
    """

    inputs: np.ndarray
    target: np.ndarray
    mask: np.ndarray
    time_index: np.ndarray
    feature_names: tuple[str, ...]
    layout: GridLayout
    n_dropped: int

    @property
    def flat_index(self) -> np.ndarray:
        """Grid position of every present target value, in ``target[mask]`` order."""
        rows, cells = np.nonzero(self.mask)
        return self.time_index[rows] * self.layout.n_cells + cells


def _predictor_columns(
    name: str, values: np.ndarray, area: np.ndarray, field_inputs: str
) -> dict[str, np.ndarray]:
    """Input columns of one time-varying predictor, each shape (n_time,)."""
    if field_inputs == "mean":
        return {f"{name}_mean": area_weighted_mean(values, area)}
    flat = values.reshape(values.shape[0], -1)
    kept = np.flatnonzero(np.isfinite(flat).any(axis=0))  # cells with data at some time
    return {f"{name}_cell{cell}": flat[:, cell] for cell in kept}


def build_field_samples(
    dataset: xr.Dataset,
    *,
    target: str,
    predictors: Sequence[str],
    features: Sequence[str],
    field_inputs: str = "mean",
    global_means: Sequence[str] = (),
    source_files: Sequence[str] = (),
    area_means: Mapping[str, xr.DataArray] | None = None,
) -> FieldSamples:
    """Build field samples from a (lazy) dataset; reads the target and predictors once.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
        Variable whose maps are predicted, dims (time, lat, lon).
    predictors : sequence of str
        Time-varying variables on the same grid (a static field is the same for every
        sample and carries no information here).
    features : sequence of str
        Derived features that vary in time: ``season``, ``year``.
    field_inputs : {"mean", "flatten"}
        Each predictor as its area-weighted mean (one feature) or as its cells (one
        feature per cell).
    global_means : sequence of str
        Further variables given as their area-weighted mean over this dataset's grid.
    source_files : sequence of str
    area_means : mapping of str to xarray.DataArray, optional
        Further input columns by name: lazy series on this dataset's time axis (e.g. global
        or regional means over a larger grid, see :mod:`climann.data.area_means`).

    Raises
    ------
    ClimannError
        Static predictors, latitude/longitude features, or no complete sample.
    """
    where = ", ".join(Path(f).name for f in source_files) or "the data"
    if field_inputs not in FIELD_INPUTS:
        raise ClimannError(f"field_inputs '{field_inputs}' is not one of {', '.join(FIELD_INPUTS)}")
    spatial = [name for name in features if name in ("lat", "lon")]
    if spatial:
        raise ClimannError(
            f"feature(s) {', '.join(spatial)} vary across the map, not in time; field mode cannot use them"
        )
    layout = grid_layout(dataset, target, source_files)
    grid_dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    names = dict.fromkeys((target, *predictors))
    fields = {name: on_grid(require_variable(dataset, name, where), grid_dims, needs_time=False) for name in names}
    static = [name for name, field in fields.items() if layout.time.name not in field.dims]
    if static:
        raise ClimannError(
            f"'{static[0]}' is a static (lat, lon) field: in field mode each sample is a time step, "
            "so it is the same for every sample and adds nothing; remove it"
        )
    series = {**area_mean_features(dataset, global_means=global_means, where=where), **(area_means or {})}
    loaded = xr.Dataset({**fields, **series}).astype(np.float32).load()
    area = layout.cell_area_weights()
    columns: dict[str, np.ndarray] = {}
    for name in predictors:
        columns.update(_predictor_columns(name, loaded[name].values, area, field_inputs))
    for name in series:
        columns[name] = loaded[name].values
    for name, (_, values) in derived_columns(layout, features).items():
        columns[name] = values
    inputs = (
        np.stack(list(columns.values()), axis=1).astype(np.float32) if columns
        else np.empty((layout.shape[0], 0), np.float32)
    )
    target_maps = loaded[target].values.reshape(layout.shape[0], -1)
    keep = np.isfinite(inputs).all(axis=1) & np.isfinite(target_maps).any(axis=1)
    if not keep.any():
        raise ClimannError(f"no time step has '{target}' and every input present in {where}")
    return FieldSamples(
        inputs=inputs[keep],
        target=target_maps[keep],
        mask=np.isfinite(target_maps[keep]),
        time_index=np.flatnonzero(keep),
        feature_names=tuple(columns),
        layout=layout,
        n_dropped=int((~keep).sum()),
    )

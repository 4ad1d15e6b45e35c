"""Field samples: each time step is one sample, the whole target map its output vector.

This is the emulator style of ClimateBench: predictor fields at time t (flattened, or
area-averaged to one number each) plus time features → the target at every grid cell at t.
Lagged fields (k nominal steps earlier, by date: :mod:`climann.data.time_axis`) and
anomalies from the training years' monthly climatology are inputs in the same two forms.
Cells where the target is missing are masked outputs (they contribute nothing to the loss);
predictor cells that are missing at every time step (e.g. soil moisture over the ocean) are
left out of the inputs; time steps with any other missing input are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climann.data.area_means import area_mean_features
from climann.data.climatology import month_of_each_step
from climann.data.layout import GridLayout
from climann.data.sources import files_text
from climann.data.pointwise import _log_lag_gaps, _shifted, area_weighted_mean, derived_columns, own_series_lag_names
from climann.data.lags import lagged_steps
from climann.data.value_precision import held_dtypes, widest
from climann.data.variables import grid_layout, on_grid, require_variable
from climann.errors import ClimannError

FIELD_INPUTS = ("mean", "flatten")


@dataclass(frozen=True)
class FieldSamples:
    """Field samples as plain arrays.

    Attributes
    ----------
    inputs : ndarray, shape (n_samples, n_features), float32 (float64 when a variable is held
        in float64, :mod:`climann.data.value_precision`)
    target : ndarray, shape (n_samples, n_cells), float32 or float64 (as the target is held)
        The target map of each sample, cells in (lat, lon) order; NaN where missing.
    mask : ndarray of bool, shape (n_samples, n_cells)
        True where the target is present.
    time_index : ndarray of int, shape (n_samples,)
        The time step of each sample.
    feature_names : tuple of str
    layout : GridLayout
    n_dropped : int
        Time steps dropped because an input was missing.
    climatologies : dict of str to ndarray, shape (12, n_lat, n_lon)
        The monthly climatologies the anomaly inputs were taken from, by variable.
    target_field : ndarray, shape (n_time, n_lat, n_lon), float32, or None
        The target as the file has it at every time step, also those dropped because an
        input was missing: the truth written and the persistence baseline's source (as
        :class:`~climann.data.pointwise.PointwiseSamples` keep it).
    """

    inputs: np.ndarray
    target: np.ndarray
    mask: np.ndarray
    time_index: np.ndarray
    feature_names: tuple[str, ...]
    layout: GridLayout
    n_dropped: int
    climatologies: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    target_field: np.ndarray | None = None

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


def _lag_columns(
    layout: GridLayout, lags: Mapping[str, Sequence[int]], loaded: xr.Dataset, area: np.ndarray, field_inputs: str,
    own_lags: Mapping[tuple[str, int], str],
) -> dict[str, np.ndarray]:
    """Input columns of the lagged variables: ``<name>_lag<k>_mean`` (or ``…_cell<i>``), the
    field k nominal steps before each time (by date), NaN where that time is not in the data;
    a lag in ``own_lags`` (:func:`~climann.data.pointwise.own_series_lag_names`) is the loaded
    variable it names, taken from its variable's own series."""
    all_lags = sorted({lag for name, steps in lags.items() for lag in steps if (name, lag) not in own_lags})
    n_time = layout.shape[0]
    starts = layout.time_segment_starts()
    lagged = lagged_steps(layout.time.values, all_lags, segment_starts=starts,
                          name=layout.time.name, storage=layout.time_storage) if all_lags else None
    if lagged is not None:
        _log_lag_gaps(lagged, 1, layout.time.values,  # one sample per time step
                      dates=layout.selection_dates(), first_counted=layout.steps_before_range, starts=starts,
                      blocks=layout.time_blocks)
    columns: dict[str, np.ndarray] = {}
    for name, steps in lags.items():
        for lag in steps:
            if (name, lag) in own_lags:
                earlier = loaded[own_lags[name, lag]].values
            else:
                earlier = _shifted(loaded[name].values, start=0, first=0, earlier=lagged.earlier[lag], n_steps=n_time)
            columns.update(_predictor_columns(f"{name}_lag{lag}", earlier, area, field_inputs))
    return columns


def _anomaly_columns(
    layout: GridLayout, climatologies: Mapping[str, np.ndarray], loaded: xr.Dataset, area: np.ndarray,
    field_inputs: str,
) -> dict[str, np.ndarray]:
    """Input columns of the anomalies x_t − clim[month(t)]: ``<name>_anomaly_mean`` (or
    ``…_cell<i>``); each climatology of shape (12, n_lat, n_lon) on this grid."""
    months = month_of_each_step(layout.time.values)
    columns: dict[str, np.ndarray] = {}
    for name, climatology in climatologies.items():
        anomaly = loaded[name].values - climatology[months - 1]
        columns.update(_predictor_columns(f"{name}_anomaly", anomaly, area, field_inputs))
    return columns


def refuse_static_target(dataset: xr.Dataset, target: str, *, where: str) -> None:
    """Refuse a target without the time axis (``orog(lat, lon)``, GFED's ``basis_regions``) in any
    mode: a sample is the target at a time step (and a cell), split by years, and a map has none
    (before fix44e: pointwise runs stopped on "unexpected error: ValueError: Dimensions {'time'}
    do not exist").

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, with a time axis (a file without one is refused before).
    target : str
        The target's name (nothing is checked when it is absent, or of a NetCDF-4 user type:
        :func:`~climann.data.user_types.refuse_user_type_variables` says what it holds).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        If the target lacks the dataset's time dimension; the message names it and the way out.
    """
    from climann.data.coords import find_coordinate
    from climann.errors import ClimannError

    from climann.data.user_types import user_type_kind

    if target not in dataset.data_vars or user_type_kind(dataset[target]) is not None:
        return  # a VLEN or compound target is refused for what it holds (refuse_user_type_variables)
    time_dim = find_coordinate(dataset, "time")
    if time_dim in dataset[target].dims:
        return
    dims = ", ".join(map(str, dataset[target].dims)) or "none"
    raise ClimannError(
        f"the target '{target}' in {where} has no time axis (its dimensions: {dims}): each sample is the target at a "
        f"time step, split into training, validation and test years, and a map has one value per cell; choose a "
        f"target that varies in time (--target), and give '{target}' as a predictor if it helps (--predictors)")


def static_fields_refusal(static: Sequence[str], *, target: str, predictors: Sequence[str]) -> str:
    """Why field mode cannot use the static (lat, lon) fields ``static``, every one named in one
    sentence with the way out for all (break35b C1: ``orog``, then ``sftlf``, refused one at a time).

    Parameters
    ----------
    static : sequence of str
        The variables without the time dimension, in the order they were asked for.
    target : str
        The target (a static target cannot be predicted per time step).
    predictors : sequence of str
        ``[data] predictors``: the example ``--predictors`` keeps the others.

    Returns
    -------
    str
        The message of the refusal.
    """
    named = ", ".join(f"'{name}'" for name in static)
    what = "is a static (lat, lon) field" if len(static) == 1 else "are static (lat, lon) fields"
    why = f"{named} {what}: in field mode each sample is a time step"
    if target in static:
        return f"{why}, and the target '{target}' has none to predict; choose a target that varies in time"
    it = "it" if len(static) == 1 else "them"
    others = [name for name in predictors if name not in static]
    lists = ["predictors" if name in predictors else "lags/anomalies" for name in static]
    where = " and ".join(dict.fromkeys(lists))
    example = f" (--predictors {','.join(others)})" if others and where == "predictors" else ""
    return (f"{why}, so {'it is' if len(static) == 1 else 'each is'} the same for every sample and adds nothing; "
            f"remove {it} from [data] {where}{example}")


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
    lags: Mapping[str, Sequence[int]] | None = None,
    anomalies: Mapping[str, np.ndarray] | None = None,
    require_target: bool = True,
    season_dated_by: str = "cell_middle",
    dtype: str = "float32",
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
    lags : mapping of str to sequence of int, optional
        ``{"rsdt": [1, 12]}`` adds the field 1 and 12 nominal steps earlier (by date, as in
        pointwise mode: missing across a gap or before the start, and that time step is
        dropped), as ``rsdt_lag1_mean`` (or its cells with ``flatten``). The target may be lagged.
    anomalies : mapping of str to ndarray, shape (12, n_lat, n_lon), optional
        ``{name: climatology}`` (the training years', see
        :func:`climann.data.climatology.monthly_climatology`): adds ``<name>_anomaly_mean``
        (or its cells), the area mean of x_t − clim[month(t)].
    require_target : bool
        Keep only time steps with some target value (training, scoring); False for
        prediction, where the target may be absent and only the inputs must be present.
    season_dated_by : {"cell_middle", "stamp"}
        How ``season`` and ``year`` date a time step (``[data] season_dated_by``, see
        :func:`climann.data.time_cells.season_feature_times`).
    dtype : {"float32", "float64"}
        ``[model] dtype``: the least precision the variables are held in; float32 holds in
        float64 those whose variation it would lose (:func:`~climann.data.value_precision.held_dtypes`).

    Raises
    ------
    ClimannError
        Static predictors, lagged or anomaly variables, latitude/longitude features, lags on
        an irregular time axis, or no complete sample.
    """
    where = files_text(source_files) or "the data"
    if field_inputs not in FIELD_INPUTS:
        raise ClimannError(f"field_inputs '{field_inputs}' is not one of {', '.join(FIELD_INPUTS)}")
    spatial = [name for name in features if name in ("lat", "lon")]
    if spatial:
        raise ClimannError(
            f"feature(s) {', '.join(spatial)} vary across the map, not in time; field mode cannot use them: "
            f"leave them out of [data] features (e.g. --features season, or --features '' for none)"
        )
    layout = grid_layout(dataset, target, source_files)
    grid_dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    lags = {name: tuple(steps) for name, steps in (lags or {}).items() if steps}
    anomalies = dict(anomalies or {})
    own_lags = own_series_lag_names(dataset, lags)
    names = dict.fromkeys((target, *predictors, *lags, *anomalies, *own_lags.values()))
    fields = {name: on_grid(require_variable(dataset, name, where, role="target" if name == target else "variable",
                                             taken=tuple(names)),
                          grid_dims, needs_time=False) for name in names}
    static = [name for name, field in fields.items() if layout.time.name not in field.dims]
    if static:
        raise ClimannError(static_fields_refusal(static, target=target, predictors=predictors))
    series = {**area_mean_features(dataset, global_means=global_means, where=where), **(area_means or {})}
    held = held_dtypes({**fields, **series}, dtype=dtype, where=where)
    layout = dataclasses.replace(layout, value_dtype=held[target].name,
                                 input_levels=layout.levels_of([*names, *global_means]))
    loaded = xr.Dataset({name: variable.astype(held[name]) for name, variable in {**fields, **series}.items()}).load()
    inputs_dtype = widest(held)  # small (a row per time step): float64 when any variable is
    area = layout.cell_area_weights(whole_cells=True)  # the inputs' area means are over whole cells
    columns: dict[str, np.ndarray] = {}
    for name in predictors:
        columns.update(_predictor_columns(name, loaded[name].values, area, field_inputs))
    columns.update(_lag_columns(layout, lags, loaded, area, field_inputs, own_lags))
    for name in series:
        columns[name] = loaded[name].values
    columns.update(_anomaly_columns(layout, anomalies, loaded, area, field_inputs))
    for name, (_, values) in derived_columns(layout, features, season_dated_by=season_dated_by).items():
        columns[name] = values
    inputs = (
        np.stack(list(columns.values()), axis=1).astype(inputs_dtype) if columns
        else np.empty((layout.shape[0], 0), inputs_dtype)
    )
    target_maps = loaded[target].values.reshape(layout.shape[0], -1)
    keep = np.isfinite(inputs).all(axis=1)
    if require_target:
        keep &= np.isfinite(target_maps).any(axis=1)
    if not keep.any():
        raise ClimannError(f"no time step has '{target}' and every input present in {where}")
    return FieldSamples(
        inputs=inputs[keep],
        target=target_maps[keep],
        mask=np.isfinite(target_maps[keep]),
        time_index=np.flatnonzero(keep),
        feature_names=tuple(columns),
        layout=layout,
        n_dropped=int((~keep[layout.steps_before_range:]).sum()),  # not the step read before the period
        climatologies=anomalies,
        target_field=target_maps.reshape(layout.shape).astype(held[target], copy=False),
    )

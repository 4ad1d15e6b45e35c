"""``predictions.nc``: truth, prediction and error on the input's grid, as CF-1.8 NetCDF."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann._version import __version__
from climann.atomic import atomic_path
from climann.data.layout import Coordinate, GridLayout
from climann.errors import ClimannError

_FILL_VALUE = np.float32(1e20)
_CF_ATTRIBUTES = ("units", "standard_name", "long_name")


def _coordinate(coordinate: Coordinate) -> xr.Variable:
    """The coordinate with its CF attributes, less ``bounds``: the bounds variables of the
    input are not copied, and a dangling reference would break CF."""
    attrs = {key: value for key, value in coordinate.attrs.items() if key != "bounds"}
    return xr.Variable(coordinate.name, coordinate.values, attrs)


def _field(layout: GridLayout, grid: np.ndarray, attrs: dict) -> xr.DataArray:
    """A (time, lat, lon) grid as a DataArray in the input file's dimension order, referring
    to the grid mapping when the input has one."""
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    mapping = {"grid_mapping": layout.grid_mapping.name} if layout.grid_mapping is not None else {}
    array = xr.DataArray(grid.astype(np.float32), dims=dims, attrs={**attrs, **mapping})
    return array.transpose(*layout.file_dims)


def _grid_variables(layout: GridLayout) -> tuple[dict[str, xr.Variable], dict[str, xr.Variable]]:
    """Coordinates and metadata variables of the horizontal grid: the row and column axes
    (unless index-only), on a curvilinear grid the 2-D latitude and longitude with their
    cell bounds, and the grid-mapping variable."""
    coords = {c.name: _coordinate(c) for c in (layout.latitude, layout.longitude) if c.name not in layout.index_dims}
    metadata: dict[str, xr.Variable] = {}
    grid, dims = layout.geographic, (layout.latitude.name, layout.longitude.name)
    if grid is not None:
        with_bounds = grid.latitude_bounds is not None and grid.longitude_bounds is not None
        for coordinate, bounds in ((grid.latitude, grid.latitude_bounds), (grid.longitude, grid.longitude_bounds)):
            attrs = dict(coordinate.attrs)
            if with_bounds:
                attrs["bounds"] = bounds.name
                metadata[bounds.name] = xr.Variable((*dims, grid.vertex_dim), bounds.values, bounds.attrs)
            coords[coordinate.name] = xr.Variable(dims, coordinate.values, attrs)
    if layout.grid_mapping is not None:
        metadata[layout.grid_mapping.name] = xr.Variable((), np.int32(0), layout.grid_mapping.attrs)
    return coords, metadata


def predictions_dataset(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    split_labels: Sequence[str],
    *,
    history: str = "",
    baselines: Mapping[str, np.ndarray] | None = None,
    extrapolated: np.ndarray | None = None,
) -> xr.Dataset:
    """Build the predictions dataset.

    Parameters
    ----------
    layout : GridLayout
        The input's grid and target metadata.
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
        NaN where there is no sample.
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"`` or ``""`` for each time step.
    history : str
        The command line that made the file.
    baselines : mapping of str to ndarray, shape (n_time, n_lat, n_lon), optional
        Baseline predictions, written as ``<target>_<name>`` (e.g. ``tas_climatology``).
    extrapolated : ndarray, shape (n_time, n_lat, n_lon), optional
        1 where a feature of the sample lies outside its training range, 0 where none does,
        NaN where there is no sample (see :mod:`climann.evaluation.extrapolation`); written
        as ``<target>_extrapolated`` (:func:`extrapolated_variable`).

    Returns
    -------
    xarray.Dataset
        Variables ``<target>``, ``<target>_pred``, ``<target>_error`` (ŷ − y) and ``split``;
        on a curvilinear, rotated-pole or projected grid also the 2-D latitude and longitude
        (coordinates, with their cell bounds) and the grid-mapping variable, which the
        fields name in their ``coordinates`` and ``grid_mapping`` attributes.
    """
    name = layout.target_name
    grid_coords, grid_metadata = _grid_variables(layout)
    kept = {key: layout.target_attrs[key] for key in _CF_ATTRIBUTES if key in layout.target_attrs}
    long_name = kept.get("long_name", name)
    units = {"units": kept["units"]} if "units" in kept else {}
    # predictions are the same physical quantity as the truth; an error (a difference) is not
    same_quantity = {**units, **({"standard_name": kept["standard_name"]} if "standard_name" in kept else {})}
    data_vars = {
        name: _field(layout, truth, kept),
        f"{name}_pred": _field(layout, predicted, {**same_quantity, "long_name": f"{long_name} predicted by climann"}),
        f"{name}_error": _field(
            layout, predicted - truth, {**units, "long_name": f"{long_name} prediction error (prediction minus truth)"}
        ),
        **{
            f"{name}_{baseline}": _field(
                layout, grid, {**same_quantity, "long_name": f"{long_name} predicted by the {baseline} baseline"}
            )
            for baseline, grid in (baselines or {}).items()
        },
        **grid_metadata,
        "split": xr.DataArray(
            np.asarray(split_labels, dtype=str).astype(object), dims=layout.time.name,
            attrs={"long_name": "data split of each time step (train, val, test; empty: unused)"},
        ),
    }
    if extrapolated is not None:
        data_vars[f"{name}_extrapolated"] = extrapolated_variable(layout, extrapolated)
    coords = {layout.time.name: _coordinate(layout.time), **grid_coords}
    attrs = {
        "Conventions": "CF-1.8",
        "title": f"climann predictions of {name}",
        "source": f"climann {__version__}",
        "history": history,
        "input_files": ", ".join(Path(f).name for f in layout.source_files),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def extrapolated_variable(layout: GridLayout, flags: np.ndarray) -> xr.DataArray:
    """``<target>_extrapolated``: a CF flag variable, int8, 1 where a sample's features lie
    outside the training range, 0 inside, −1 (its ``_FillValue``) where there is no sample.

    Parameters
    ----------
    layout : GridLayout
    flags : ndarray (or dask array), shape (n_time, n_lat, n_lon)
        1.0, 0.0 or NaN.
    """
    array = _field(layout, flags, {}).fillna(-1).astype(np.int8)
    array.attrs = {
        "long_name": f"{layout.target_name} prediction from inputs outside the range seen in training",
        "flag_values": np.array([0, 1], dtype=np.int8),
        "flag_meanings": "within_training_range outside_training_range",
        **({"grid_mapping": layout.grid_mapping.name} if layout.grid_mapping is not None else {}),
    }
    array.encoding = {"dtype": "int8", "_FillValue": np.int8(-1)}
    return array


def write_predictions(dataset: xr.Dataset, path: str | Path, layout: GridLayout) -> Path:
    """Write ``dataset`` to ``path`` atomically, times encoded with the input's units and calendar.

    No encoding is copied from the input files: every variable gets float32 with a
    ``_FillValue`` of 1e20, and coordinates none.
    """
    path = Path(path)
    with atomic_path(path) as temporary:
        dataset.to_netcdf(temporary, format="NETCDF4", encoding=prediction_encoding(dataset, layout))
    return path


def prediction_encoding(dataset: xr.Dataset, layout: GridLayout) -> dict[str, dict]:
    """The encoding :func:`write_predictions` writes with: float32 variables with a
    ``_FillValue`` of 1e20, times in the input's units and calendar, coordinates unfilled."""
    encoding: dict[str, dict] = {
        str(name): {"dtype": "float32", "_FillValue": _FILL_VALUE}
        for name, variable in dataset.data_vars.items()
        if variable.dtype.kind == "f"
    }
    encoding[layout.time.name] = {
        "units": layout.time_units, "calendar": layout.calendar, "dtype": "float64", "_FillValue": None,
    }
    for coordinate in (layout.latitude.name, layout.longitude.name):
        if coordinate in dataset.variables:
            encoding[coordinate] = {"_FillValue": None}
    grid = layout.geographic
    if grid is not None:
        for coordinate in (grid.latitude, grid.longitude, grid.latitude_bounds, grid.longitude_bounds):
            if coordinate is not None and coordinate.name in dataset.variables:
                encoding[coordinate.name] = {"dtype": "float64", "_FillValue": None}
    return encoding


def check_predictions_encodable(layout: GridLayout, baselines: Sequence[str] = ()) -> None:
    """Refuse, before any training, an input whose encoding ``predictions.nc`` could not keep.

    Every time is encoded in the layout's units and calendar (``cftime.date2num``), and a
    one-time-step predictions dataset with the layout's coordinates, attributes and the
    baselines' variables is written to a temporary NetCDF file with the encoding of
    :func:`write_predictions`: what would fail after training fails here, in a second.

    Parameters
    ----------
    layout : GridLayout
    baselines : sequence of str
        Names of the baselines that will be written (``tas_persistence``, …).

    Raises
    ------
    ClimannError
        Naming the time encoding (or attribute) that cannot be written.
    """
    values = np.asarray(layout.time.values)
    single = dataclasses.replace(
        layout, time=Coordinate(layout.time.name, values[:1], layout.time.attrs), time_blocks=layout.time_blocks[:1]
    )
    grid = np.full((1, *layout.shape[1:]), np.nan, dtype=np.float32)
    try:
        cftime.date2num(list(values), layout.time_units, layout.calendar)
        dataset = predictions_dataset(single, grid, grid, ["train"], baselines={name: grid for name in baselines})
        with tempfile.TemporaryDirectory(prefix="climann-check-") as directory:
            dataset.to_netcdf(Path(directory) / "predictions.nc", format="NETCDF4",
                              encoding=prediction_encoding(dataset, single))
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError, RuntimeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ClimannError(
            f"predictions.nc could not be written with the input's time encoding (units '{layout.time_units}', "
            f"calendar '{layout.calendar}') or attributes: {reason}; fix them in the input file before training"
        ) from None

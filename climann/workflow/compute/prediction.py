"""Prediction files written chunk by chunk: NetCDF, or Zarr when the path ends in ``.zarr``.

Each chunk's grids (:func:`climann.workflow.compute.evaluation.evaluate_chunk`) are one block of a dask
array per variable; xarray writes the blocks as dask computes them (on the workers when a
cluster is the scheduler, in threads otherwise), so neither the client nor any worker ever
holds the whole output. The variables, attributes and encoding are those of
:func:`climann.evaluation.predictions.predictions_dataset` and ``write_predictions``: the same
file as the in-memory path writes. Writes are atomic (a temporary name, then a rename).

With a cluster, the workers write into the output file (NetCDF, one chunk at a time under a
lock) or store (Zarr, in parallel): the output path, like the input files, must be on a
filesystem the workers share with the client (as on an HPC cluster).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dask
import numpy as np
import xarray as xr

from climann.atomic import atomic_directory, atomic_path
from climann.workflow.compute.cluster import ordered_sum_delayed
from climann.workflow.compute.evaluation import (
    ChunkEvaluation,
    evaluate_chunk,
    extrapolation_from_series,
)
from climann.data.layout import GridLayout
from climann.errors import ClimannError
from climann.evaluation.extrapolation import Extrapolation
from climann.evaluation.predictions import (
    negative_prediction_counts, predicted_period, prediction_encoding, predictions_dataset, record_dimensions,
    warn_negative_predictions,
)
from climann.evaluation.sums import network_scores
from climann.model.threads import one_blas_thread

__all__ = ["chunked_grids", "is_zarr", "joined_series", "predict_chunked", "require_zarr", "write_dataset"]


def is_zarr(path: str | Path) -> bool:
    """Whether ``path`` names a Zarr store (it ends in ``.zarr``)."""
    return Path(path).suffix == ".zarr"


def require_zarr(path: str | Path) -> None:
    """Raise a ClimannError, before any work, if ``path`` is a Zarr store and zarr is missing."""
    import importlib.util

    if is_zarr(path) and importlib.util.find_spec("zarr") is None:
        raise ClimannError(f"writing the Zarr store {path} needs the zarr package: pip install 'climann[zarr]'")


def chunked_grids(
    context: ChunkEvaluation, blocks: Sequence[tuple[int, int]]
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """Lazy grids of truth and predictions, one block per chunk, their summed scores and their
    area means.

    Parameters
    ----------
    context : ChunkEvaluation
    blocks : sequence of (start, stop)
        Consecutive chunks covering the whole time axis.

    Returns
    -------
    grids : dict of str to dask.array.Array, shape (n_time, n_lat, n_lon)
        ``"truth"``, each of ``context.models`` and, with ``context.ranges``, ``"extrapolated"``.
    sums : dask.delayed.Delayed
        The chunks' :class:`ScoreSums` added up in time order; computed with the grids, each
        chunk is read and predicted once.
    series : dask.delayed.Delayed
        Computed, a dict of str to ndarray, shape (n_time,): the area-weighted mean of each grid
        at each time step (:func:`~climann.workflow.compute.evaluation.area_means`), and with
        ``context.ranges`` the counts of
        :func:`~climann.workflow.compute.evaluation.extrapolation_series`; the chunks' series
        joined in time order by one task (:func:`joined_series`).
    """
    import dask.array as da

    shared = dask.delayed(context, traverse=False)
    # each chunk's (grids, sums, series) unpacked once: unpacking a Delayed of nout=3 makes three
    # new ones (each tokenised), and it was unpacked again for every grid and series name
    results = [tuple(dask.delayed(evaluate_chunk, nout=3, pure=True)(shared, start, stop)) for start, stop in blocks]
    n_lat, n_lon = context.source.layout.shape[1:]
    grids = {
        name: da.concatenate([
            da.from_delayed(chunk_grids[name], shape=(stop - start, n_lat, n_lon), dtype=np.float64)
            for (chunk_grids, _, _), (start, stop) in zip(results, blocks, strict=True)
        ])
        for name in context.grid_names
    }
    # one task for every series: as a dask array each, a series cost a task per chunk to take it
    # out of the chunk's results, one to concatenate and one to hand it over (≈ 8 tasks per name
    # and chunk: 250 of a sample run's 470)
    series = dask.delayed(joined_series, pure=True)([chunk_series for _, _, chunk_series in results])
    return grids, ordered_sum_delayed([sums for _, sums, _ in results]), series


def joined_series(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The chunks' series (:func:`~climann.workflow.compute.evaluation.evaluate_chunk`'s third
    result) joined in time order: for each name, ``numpy.concatenate`` of its parts.

    Parameters
    ----------
    parts : sequence of dict of str to ndarray, each shape (n_steps_of_the_chunk,)
        Consecutive chunks, each with the same names.

    Returns
    -------
    dict of str to ndarray, shape (Σ n_steps_of_the_chunk,)
    """
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def write_dataset(dataset: xr.Dataset, path: str | Path, layout: GridLayout, *, also: Sequence[Any] = ()) -> list:
    """Write a predictions dataset of dask arrays as its chunks are computed; atomically.

    Parameters
    ----------
    dataset : xarray.Dataset
        From :func:`climann.evaluation.predictions.predictions_dataset` with dask arrays.
    path : str or Path
        A NetCDF file, or a Zarr store (a directory) when it ends in ``.zarr``.
    layout : GridLayout
        For the time encoding.
    also : sequence of dask collections
        Computed in the same pass (e.g. the summed scores of the same chunks).

    Returns
    -------
    list
        The computed values of ``also``.

    Raises
    ------
    ClimannError
        If the file cannot be written.
    """
    require_zarr(path)
    encoding = prediction_encoding(dataset, layout)
    path = Path(path)
    negative = negative_prediction_counts(dataset, layout.target_name)  # counted in the pass that writes
    computed = _written(dataset, path, layout, encoding, [*also, negative])
    warn_negative_predictions(computed.pop(), dataset, layout.target_name, path)
    return computed


def _written(dataset: xr.Dataset, path: Path, layout: GridLayout, encoding: dict, also: Sequence[Any]) -> list:
    """:func:`write_dataset`'s writing: the computed values of ``also``."""
    if is_zarr(path):
        with atomic_directory(path, what="Zarr store") as temporary, warnings.catch_warnings():
            # Consolidated metadata (one file to open the store from) is not in the Zarr 3
            # specification yet, zarr warns; xarray expects it, and warns when reading without.
            warnings.filterwarnings("ignore", message="Consolidated metadata", category=UserWarning)
            dataset, encoding = zarr_strings(dataset, encoding)
            write = dataset.to_zarr(temporary, mode="w", encoding=encoding, compute=False, consolidated=True)
            return _compute(write, *also)
    with atomic_path(path, what="predictions file") as temporary:
        write = dataset.to_netcdf(temporary, format="NETCDF4", encoding=encoding, compute=False,
                                  unlimited_dims=record_dimensions(dataset, layout))
        return _compute(write, *also)


def zarr_strings(dataset: xr.Dataset, encoding: dict[str, dict]) -> tuple[xr.Dataset, dict[str, dict]]:
    """The string coordinates of ``dataset`` (``member_id``) as variable-length UTF-8 text, for a
    Zarr store, with their ``encoding`` as characters (for NetCDF) left out.

    Zarr writes fixed-length strings (NumPy ``U`` and ``S``, the characters NetCDF needs) in data
    types without a Zarr 3 specification, with zarr's raw ``UnstableSpecificationWarning`` (break29b
    A8); variable-length UTF-8 (zarr's ``string``) is in the specification, and reads back as text.
    Bytes that are not UTF-8 are left as they are: nothing is guessed about their encoding.

    Parameters
    ----------
    dataset : xarray.Dataset
        The predictions, as :func:`write_dataset` writes them.
    encoding : dict of str to dict
        From :func:`~climann.evaluation.predictions.prediction_encoding`.

    Returns
    -------
    (xarray.Dataset, dict of str to dict)
        The dataset with those coordinates as object arrays of ``str``, and the encoding without
        their ``dtype``.
    """
    texts = {}
    for name, coordinate in dataset.coords.items():
        if coordinate.dtype.kind not in "SU":
            continue
        values = coordinate.values
        if values.dtype.kind == "S":
            try:
                values = np.char.decode(values, "utf-8")
            except UnicodeDecodeError:
                continue
        if values.dtype.kind == "U":
            texts[name] = coordinate.copy(data=values.astype(object))
    encoding = {name: ({key: value for key, value in settings.items() if key != "dtype"} if name in texts
                       else settings) for name, settings in encoding.items()}
    return dataset.assign_coords(texts), encoding


def _compute(write: Any, *also: Any) -> list:
    """Compute ``write`` and ``also`` in one pass; the values of ``also``. In threads (no
    cluster), each of dask's threads predicts with one BLAS thread: threads × BLAS threads ≤
    cores, and every chunk computed alike (:func:`climann.model.threads.one_blas_thread`)."""
    with one_blas_thread():
        return list(dask.compute(write, *also)[1:])


def predict_chunked(
    context: ChunkEvaluation, blocks: Sequence[tuple[int, int]], out: str | Path, *, history: str, had_target: bool,
) -> tuple[int, dict | None, Extrapolation | None]:
    """``climann predict``'s file, chunk by chunk: ``<target>_pred`` (and ``<target>``,
    ``<target>_error`` when the data have the target) on the data's grid.

    Parameters
    ----------
    context : ChunkEvaluation
        With ``models = ("model",)`` and one block (every time step) for the scores.
    blocks : sequence of (start, stop)
    out : str or Path
        NetCDF file, or Zarr store when it ends in ``.zarr``.
    history : str
        The command line.
    had_target : bool

    Returns
    -------
    n_samples : int
        Values predicted.
    scores : dict or None
        Area-weighted scores against the target, when the data have it, with ``n_samples``
        the values scored (the target and the prediction present).
    extrapolation : Extrapolation or None
        The samples outside the training range, when ``context.ranges`` are given; the file
        then has ``<target>_extrapolated``.
    """
    layout = context.source.layout
    grids, sums, series = chunked_grids(context, blocks)
    output = predictions_dataset(layout, grids["truth"], grids["model"], [""] * layout.shape[0], history=history,
                                 extrapolated=grids.get("extrapolated"))
    if not had_target:
        output = output.drop_vars([layout.target_name, f"{layout.target_name}_error"])
    # not the steps read from before --time-range for the lags (in no block of context, so not scored)
    total, series = write_dataset(predicted_period(output.drop_vars("split"), layout), out, layout,
                                  also=[sums, series])
    before = layout.steps_before_range
    counts = {name: values[before:] for name, values in series.items() if name.startswith("extrapolation:")}
    n_samples = int(total.samples.sum())
    extrapolation = extrapolation_from_series(counts, context.ranges) if context.ranges is not None else None
    if not had_target:
        return n_samples, None, extrapolation
    return n_samples, network_scores(total), extrapolation


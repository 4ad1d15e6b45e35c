"""The floating type a variable's values are held in between its files and the network: float32,
or float64 where float32 would lose their variation.

climann reads values in float32 (half the memory of float64, and the network trains in it). A
float32 keeps 24 binary digits: a value ``x`` is rounded to within half of
``numpy.spacing(numpy.float32(x))``, 6e-8 of ``x``. For most data that rounding is nothing
beside how the values vary (a temperature of 300 K to 3e-5 K, where it varies by kelvins). It
is everything for a variable whose variation is small against its size (break40a A1): GRACE's
C20 Stokes coefficient, −4.8416945e-4 varying by 1e-10, rounds to within 2.7e-11 in float32, so
180 monthly values became 15 and the baselines were scored on the rounded ones; so would a
pressure in Pa with anomalies of a few mPa, or a time-like quantity with a large offset.

Each variable of a type float32 does not hold exactly (float64, and integers of 32 bits or
more: ``int16`` and ``float32`` data lose nothing) is therefore decided on once, when a sample
source is made, from its values on the checked time steps (the sample the data checks read,
:func:`climann.data.fill_like.checked_steps`): it is held in float64 when, at some grid cell,
float32's spacing at the cell's largest magnitude exceeds :data:`FLOAT32_SHARE` of the standard
deviation of its values over time (over the cells for a static field). Such a variable is held
in float64 from the read on: its baselines, climatologies and predictions file keep its digits,
and it is standardised, z = (x − μ) / σ, in float64 before the network sees z in its own type.
Every other variable is held in float32, as before; ``[model] dtype = "float64"`` holds every
variable in float64.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import checked_steps, time_dimension
from climann.data.notes import note_once

__all__ = ["FLOAT32_SHARE", "HELD_DTYPES", "held_dtypes", "loses_in_float32", "widest"]

_log = logging.getLogger(__name__)

#: The largest float32 spacing, as a share of a cell's standard deviation over time, that is
#: negligible: rounding within half of it adds (share)²/12 of the variance, 1e-9 at this share
#: (a baseline's RMSE changes by less than 1e-8 of itself), where a share of 1 merges values.
FLOAT32_SHARE = 1e-4

#: The floating types values may be held in (``[model] dtype``'s choices).
HELD_DTYPES = ("float32", "float64")


def loses_in_float32(dtype: np.dtype) -> bool:
    """Whether float32 may not hold values of ``dtype`` exactly: float64 (and wider), and
    integers of 32 bits or more; float16/float32 and integers up to 16 bits it holds."""
    dtype = np.dtype(dtype)
    return (dtype.kind == "f" and dtype.itemsize > 4) or (dtype.kind in "iu" and dtype.itemsize >= 4)


def _spread(variable: xr.DataArray) -> tuple[object, object]:
    """The standard deviation over time and the largest magnitude at each cell, on the checked
    time steps (over the whole field for a static one), lazy; NaN skipped."""
    values = checked_steps(variable)
    time = time_dimension(variable)
    values = values.astype(np.float64) if values.dtype.kind in "iu" else values
    if time is None:
        return values.std().data, abs(values).max().data
    return values.std(time).data, abs(values).max(time).data


def _lost(std: np.ndarray, largest: np.ndarray) -> tuple[float, float, float] | None:
    """(standard deviation, largest magnitude, float32 spacing) of the cell whose variation
    float32 loses most, or None when it loses no cell's (cells that do not vary lose none)."""
    std, largest = np.ravel(np.asarray(std, dtype=np.float64)), np.ravel(np.asarray(largest, dtype=np.float64))
    varying = np.isfinite(std) & (std > 0) & np.isfinite(largest)
    if not varying.any():
        return None
    std, largest = std[varying], largest[varying]
    with np.errstate(over="ignore"):
        narrow = largest.astype(np.float32)
    spacing = np.where(np.isfinite(narrow), np.spacing(np.abs(narrow)).astype(np.float64), np.inf)
    share = spacing / std
    worst = int(np.argmax(share))
    return (float(std[worst]), float(largest[worst]), float(spacing[worst])) if share[worst] > FLOAT32_SHARE else None


def held_dtypes(variables: Mapping[str, xr.DataArray], *, dtype: str = "float32",
                where: str = "the data") -> dict[str, np.dtype]:
    """The floating type each variable is held in: ``dtype``, or float64 where float32 would
    lose its variation (see the module's description); those widened are said in a note.

    Parameters
    ----------
    variables : mapping of str to xarray.DataArray
        By name; lazy (only their checked time steps of the types float32 does not hold
        exactly are read, in one computation).
    dtype : {"float32", "float64"}
        ``[model] dtype``: the least precision to hold them in.
    where : str
        The files, for the note.

    Returns
    -------
    dict of str to numpy.dtype
        float32 or float64, by name.
    """
    held = {name: np.dtype(dtype) for name in variables}
    if np.dtype(dtype) == np.float64:
        return held
    checked = [name for name, variable in variables.items() if loses_in_float32(variable.dtype)]
    if not checked:
        return held
    with warnings.catch_warnings():  # a cell missing at every checked step (land in an ocean field) has no spread
        warnings.simplefilter("ignore", RuntimeWarning)
        found = dask.compute(*[_spread(variables[name]) for name in checked])
    for name, (std, largest) in zip(checked, found, strict=True):
        lost = _lost(std, largest)
        if lost is not None:
            held[name] = np.dtype(np.float64)
            note_once(_log, logging.INFO, _note(name, *lost, where=where), key=(__name__, where, name))
    return held


def _note(name: str, std: float, largest: float, spacing: float, *, where: str) -> str:
    """The note that ``name`` is held in float64, with the numbers that decided it."""
    return (f"{where}: '{name}' is held in float64, not float32: its values vary by {std:.3g} (standard deviation "
            f"over time at a cell) at a size of {largest:.8g}, where float32's spacing is {spacing:.3g}, which would "
            "merge or blur them (baselines and predictions would be scored and written on rounded values); "
            "memory for it doubles")


def widest(dtypes: Mapping[str, np.dtype] | list) -> np.dtype:
    """float64 if any of ``dtypes`` (a mapping's values or a list) is, else float32."""
    values = list(dtypes.values()) if isinstance(dtypes, Mapping) else list(dtypes)
    return np.dtype(np.float64) if any(np.dtype(value) == np.float64 for value in values) else np.dtype(np.float32)

"""CF valid ranges: values outside ``valid_min``, ``valid_max`` or ``valid_range`` are missing.

xarray masks ``_FillValue`` and ``missing_value`` when it opens a file but leaves the valid
range alone (pydata/xarray#8359), so a product that flags land only by a value outside its
``valid_range`` would be read as data. The rules applied here (CF-1.8 §2.5.1 and §8.1, the
NetCDF User Guide's attribute conventions):

- a value below ``valid_min`` or above ``valid_max`` is missing; ``valid_range = [min, max]``
  gives both (and wins when both forms are present, as the NUG says they must not be);
- for packed data (``scale_factor`` / ``add_offset``) the limits are in the packed (stored)
  units and are checked before unpacking — unless their type is that of ``scale_factor`` /
  ``add_offset`` (the unpacked type) rather than the stored type, in which case they are in
  unpacked units (NUG; netCDF-Java reads them the same way).

Checking a packed value ``p`` against packed limits equals checking the unpacked value
``p · scale_factor + add_offset`` against the limits unpacked with the same arithmetic (the
map is monotonic), so the mask is applied to the values xarray decoded, lazily.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Attributes that define the valid values; dropped once applied (they would be wrong in
#: another unit or packing, e.g. when copied to an output file).
VALID_RANGE_ATTRIBUTES = ("valid_range", "valid_min", "valid_max")


def _unpacked_type(encoding: dict) -> np.dtype | None:
    """The type of ``scale_factor``/``add_offset`` (the unpacked type), None if not packed."""
    packing = [encoding[key] for key in ("scale_factor", "add_offset") if key in encoding]
    return np.result_type(*[np.asarray(value).dtype for value in packing]) if packing else None


def _unpacked(limit: np.ndarray, encoding: dict, dtype: np.dtype) -> np.ndarray:
    """Packed limits unpacked as xarray unpacks the data: in ``dtype``, times
    ``scale_factor``, plus ``add_offset``."""
    values = np.asarray(limit).astype(dtype)
    if "scale_factor" in encoding:
        values = values * np.asarray(encoding["scale_factor"]).astype(dtype)
    if "add_offset" in encoding:
        values = values + np.asarray(encoding["add_offset"]).astype(dtype)
    return values.astype(dtype)


def valid_limits(variable: xr.DataArray) -> tuple[float, float] | None:
    """The valid minimum and maximum of a decoded variable, in its decoded (unpacked) units.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened by xarray (``mask_and_scale``): packing in ``encoding``, the valid range
        still in ``attrs``.

    Returns
    -------
    (float, float) or None
        ``-inf`` or ``inf`` for a side without a limit; None when no limit is given.
    """
    attrs = variable.attrs
    if "valid_range" in attrs and np.asarray(attrs["valid_range"]).size == 2:
        low, high = np.asarray(attrs["valid_range"])
    elif "valid_min" in attrs or "valid_max" in attrs:
        low = np.asarray(attrs.get("valid_min", -np.inf))
        high = np.asarray(attrs.get("valid_max", np.inf))
    else:
        return None
    unpacked_type = _unpacked_type(variable.encoding)
    limits = []
    for limit, infinite in ((np.asarray(low), -np.inf), (np.asarray(high), np.inf)):
        if not np.isfinite(limit.astype(np.float64)):
            limits.append(infinite)
        elif unpacked_type is None or limit.dtype == unpacked_type != variable.encoding.get("dtype"):
            limits.append(float(limit))
        else:
            limits.append(float(_unpacked(limit, variable.encoding, variable.dtype)))
    return min(limits), max(limits)  # a negative scale_factor swaps the ends


def mask_invalid(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with values outside each data variable's valid range set to NaN.

    Lazy: dask-backed variables stay dask-backed. Coordinates are left as they are. The
    valid-range attributes of the masked variables are dropped (see
    :data:`VALID_RANGE_ATTRIBUTES`); a variable without them is returned unchanged.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened by xarray (each variable's ``encoding`` is that file's packing).

    Returns
    -------
    xarray.Dataset
    """
    masked = {}
    for name, variable in dataset.data_vars.items():
        limits = valid_limits(variable)
        if limits is None or not np.issubdtype(variable.dtype, np.number):
            continue
        low, high = limits
        attrs = {key: value for key, value in variable.attrs.items() if key not in VALID_RANGE_ATTRIBUTES}
        kept = variable.where((variable >= low) & (variable <= high))
        kept.attrs, kept.encoding = attrs, dict(variable.encoding)
        masked[name] = kept
    return dataset.assign(masked) if masked else dataset

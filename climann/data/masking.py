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

- with ``_Unsigned = "true"`` (integers stored in a signed type but meant unsigned, as
  NetCDF-3 has no unsigned types) the limits of the stored type are read as unsigned too:
  a ``valid_max`` of ``-2s`` is 65534 (NUG, "Attribute Conventions": ``_Unsigned``; the
  limits have the variable's type and so its signedness, as netCDF4-python and
  netCDF-Java read them); ``_Unsigned = "false"`` on an unsigned type, the reverse. The flag
  is read in any case (``"True"``), as the data are (:mod:`climann.data.stored_values`).

Checking a packed value ``p`` against packed limits equals checking the unpacked value
``p · scale_factor + add_offset`` against the limits unpacked with the same arithmetic (the
map is monotonic), so the mask is applied to the values xarray decoded, lazily.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.notes import note_once
from climann.data.shell import input_and_copy
from climann.data.sources import variable_file, variable_where
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Values that mark missing data in many files, sometimes left without the attribute that
#: says so: the netCDF default fill of float and double (9.96921e36; NUG "Fill Values"),
#: CMIP's 1e20, and the -9999, -99999 and -999 of observation products. Never guessed
#: missing: a variable that holds them is named in a warning (:func:`warn_fill_like_values`).
FILL_LIKE_VALUES = (9.969209968386869e36, 1e20, -9999.0, -99999.0, -999.0)

#: At most this many evenly spaced time steps are read to look for them.
FILL_LIKE_CHECKED_STEPS = 24

#: Attributes that define the valid values; dropped once applied (they would be wrong in
#: another unit or packing, e.g. when copied to an output file).
VALID_RANGE_ATTRIBUTES = ("valid_range", "valid_min", "valid_max")


def _unpacked_type(encoding: dict) -> np.dtype | None:
    """The type of ``scale_factor``/``add_offset`` (the unpacked type), None if not packed."""
    packing = [encoding[key] for key in ("scale_factor", "add_offset") if key in encoding]
    return np.result_type(*[np.asarray(value).dtype for value in packing]) if packing else None


def _unpacked(limit: np.ndarray, encoding: dict, dtype: np.dtype) -> np.ndarray:
    """Packed limits unpacked exactly as xarray unpacks the data (the same operations in
    the same order and type: in ``dtype``, times ``scale_factor``, plus ``add_offset``)."""
    values = np.array(limit).astype(dtype)
    if "scale_factor" in encoding:
        values *= encoding["scale_factor"]
    if "add_offset" in encoding:
        values += encoding["add_offset"]
    return values


def _with_signedness(limit: np.ndarray, encoding: dict) -> np.ndarray:
    """An integer limit reinterpreted (same bits) as unsigned when ``_Unsigned`` is "true",
    as signed when it is "false"; other limits unchanged. ``-2s`` becomes 65534, the byte
    ``-56b`` 200."""
    unsigned = str(encoding.get("_Unsigned", "")).strip().lower()
    kind = {"true": "i", "false": "u"}.get(unsigned)
    if kind is None or limit.dtype.kind != kind:
        return limit
    return limit.view(np.dtype(f"{'u' if kind == 'i' else 'i'}{limit.dtype.itemsize}"))


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
    attrs, encoding = variable.attrs, variable.encoding
    if "valid_range" in attrs and np.asarray(attrs["valid_range"]).size == 2:
        given = list(_with_signedness(np.asarray(attrs["valid_range"]), encoding).reshape(2))
    elif "valid_min" in attrs or "valid_max" in attrs:
        given = [None if attrs.get(key) is None else _with_signedness(np.asarray(attrs[key]), encoding)
                 for key in ("valid_min", "valid_max")]
    else:
        return None
    unpacked_type = _unpacked_type(encoding)
    present = [np.asarray(limit) for limit in given if limit is not None]
    in_unpacked_units = unpacked_type is None or all(
        limit.dtype == unpacked_type != encoding.get("dtype") for limit in present
    )
    ends = np.array([-np.inf if given[0] is None else float(given[0]), np.inf if given[1] is None else float(given[1])])
    if not in_unpacked_units:
        ends = _unpacked(ends, encoding, variable.dtype)
    low, high = np.sort(ends.astype(np.float64))  # a negative scale_factor swaps the ends
    return float(low), float(high)


def _warn_ambiguous_limit_type(name: str, variable: xr.DataArray, limits: tuple[float, float]) -> None:
    """Warn when packed integer data have valid-range limits stored as floating-point numbers
    of neither the packed nor the unpacked type (a double ``valid_range`` beside a float
    ``scale_factor``): CF §8.1 wants the packed type, the NUG allows the unpacked one, and a
    third type says neither. They are read in packed units, as netCDF-Java and netCDF4-python
    read them (:func:`valid_limits`); limits meant in the data's units then drop most values,
    so the warning gives both readings and the ``ncatted`` that stores them in the unpacked type."""
    encoding, attrs = variable.encoding, variable.attrs
    packed, unpacked = np.dtype(encoding.get("dtype", variable.dtype)), _unpacked_type(encoding)
    if unpacked is None or packed.kind not in "iu":
        return
    keys = ["valid_range"] if "valid_range" in attrs else [key for key in ("valid_min", "valid_max") if key in attrs]
    stored = [np.asarray(attrs[key]) for key in keys]
    if not any(value.dtype.kind == "f" and value.dtype not in (packed, unpacked) for value in stored):
        return
    given = ", ".join(f"{float(number):g}" for value in stored for number in value.reshape(-1))
    source = encoding.get("source")
    where = f" in {Path(source).name}" if source else ""
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    type_letter = _NCATTED_TYPES.get(unpacked.str[1:], "f")
    commands = "; ".join(f"`ncatted -a {key},{name},o,{type_letter},{_attribute_text(attrs[key])} {files}`"
                         for key in keys)
    note_once(_log, logging.WARNING,
              f"'{name}'{where} has {'/'.join(keys)} {given} stored as {stored[0].dtype}, neither its packed type "
              f"({packed}) nor its unpacked type ({unpacked}) (CF §8.1): read in packed units, as netCDF-Java and "
              f"netCDF4-python read it, so values outside {limits[0]:g} … {limits[1]:g} {attrs.get('units', '')} "
              f"are missing; if the limits are in the data's units, store them in the unpacked type: {commands}")


def _attribute_text(value: object) -> str:
    """An attribute's numbers as ncatted writes them: ``200,360``."""
    return ",".join(f"{float(number):g}" for number in np.asarray(value).reshape(-1))


#: Attributes that hold numbers: the fill values and valid range in the stored type, the
#: packing in the unpacked type (NUG attribute conventions; CF-1.8 §2.5.1, §8.1).
NUMERIC_ATTRIBUTES = ("_FillValue", "missing_value", "scale_factor", "add_offset", *VALID_RANGE_ATTRIBUTES)

#: ncatted's type letters for NumPy types (NCO manual, "ncatted": ``f`` float, ``s`` short …).
_NCATTED_TYPES = {"f4": "f", "f8": "d", "i1": "b", "u1": "ub", "i2": "s", "u2": "us", "i4": "l", "u4": "ul",
                  "i8": "ll", "u8": "ull"}


def refuse_text_attributes(dataset: xr.Dataset) -> None:
    """Refuse a data variable whose fill value, packing or valid range is stored as text.

    xarray would ignore a text ``missing_value`` or ``valid_range`` (its values read as data)
    and fail on a text ``scale_factor`` only when the data are read; a text that looks like a
    number is not read as one, since the file's writer did not store the number it meant.

    Raises
    ------
    ClimannError
        Naming the variable, the file, the attribute and the ``ncatted`` command that stores
        it as a number.
    """
    source = dataset.encoding.get("source")
    where = Path(str(source)).name if source else "the file"
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    for name, variable in dataset.data_vars.items():
        for key in NUMERIC_ATTRIBUTES:
            value = variable.attrs.get(key, variable.encoding.get(key))
            if value is None or np.asarray(value).dtype.kind not in "USO":
                continue
            text = " ".join(str(part) for part in np.atleast_1d(value))
            stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
            letter = "f" if key in ("scale_factor", "add_offset") else _NCATTED_TYPES.get(stored.str[1:], "f")
            raise ClimannError(
                f"'{name}' in {where} has {key} stored as text ('{text}'), not as a number; store it as a number: "
                f"ncatted -a {key},{name},o,{letter},{','.join(text.split())} {files}"
            )


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

    Raises
    ------
    ClimannError
        If a fill value, packing or valid-range attribute is not numeric
        (:func:`refuse_text_attributes`).
    """
    refuse_text_attributes(dataset)
    masked = {}
    for name, variable in dataset.data_vars.items():
        if not np.issubdtype(variable.dtype, np.number):
            continue
        try:
            limits = valid_limits(variable)
        except (TypeError, ValueError):
            given = {key: variable.attrs[key] for key in VALID_RANGE_ATTRIBUTES if key in variable.attrs}
            raise ClimannError(
                f"'{name}' has valid-range attributes that are not numbers ({given}); correct them in the file"
            ) from None
        if limits is None:
            continue
        _warn_ambiguous_limit_type(name, variable, limits)
        low, high = limits
        attrs = {key: value for key, value in variable.attrs.items() if key not in VALID_RANGE_ATTRIBUTES}
        kept = variable.where((variable >= low) & (variable <= high))
        kept.attrs, kept.encoding = attrs, dict(variable.encoding)
        masked[name] = kept
    return dataset.assign(masked) if masked else dataset


def _candidates(dtype: np.dtype) -> list[tuple[float, np.ndarray]]:
    """The fill-like values a variable of ``dtype`` can hold, each also in that type (a
    float32 1e20 is not the float64 1e20)."""
    found = []
    for value in FILL_LIKE_VALUES:
        if dtype.kind in "iu":
            limits = np.iinfo(dtype)
            if not (limits.min <= value <= limits.max and float(value).is_integer()):
                continue
        found.append((value, np.asarray(value).astype(dtype)))
    return found


def fill_like_counts(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, dict[float, tuple[int, int]]]:
    """How many values of each variable equal each of :data:`FILL_LIKE_VALUES`, counted on at
    most :data:`FILL_LIKE_CHECKED_STEPS` evenly spaced time steps, in one computation.

    Returns
    -------
    dict
        Variable name → {fill-like value → (count, number of values checked)}, only the
        values found.
    """
    chosen, counts = {}, []
    for name in names:
        variable = dataset[name]
        if variable.dtype.kind not in "fiu":
            continue
        time = [dim for dim in variable.dims if dim in variable.coords and variable[dim].size
                and hasattr(variable[dim].values.flat[0], "calendar")]
        if time and variable.sizes[time[0]] > FILL_LIKE_CHECKED_STEPS:
            steps = np.linspace(0, variable.sizes[time[0]] - 1, FILL_LIKE_CHECKED_STEPS).round().astype(int)
            variable = variable.isel({time[0]: np.unique(steps)})
        for value, typed in _candidates(variable.dtype):
            chosen.setdefault(name, []).append((value, variable.size))
            counts.append((variable == typed).sum().data)
    computed = iter(dask.compute(*counts))
    found: dict[str, dict[float, tuple[int, int]]] = {}
    for name, values in chosen.items():
        for value, size in values:
            count = int(next(computed))
            if count:
                found.setdefault(name, {})[value] = (count, size)
    return found


def warn_fill_like_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None
) -> None:
    """Warn, one line per variable, when a variable holds one of :data:`FILL_LIKE_VALUES`
    that no ``_FillValue`` or ``missing_value`` marks as missing: they are used as data (a
    field of 280 K with 1e20 over land would be trained on as it is), and climann does not
    guess; the warning gives the ``ncatted`` that marks them (NUG "Fill Values", CF §2.5.1).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened (fill values and valid ranges already NaN).
    names : sequence of str
        The variables to check (those absent are skipped).
    where : str
        The files, for the message, when the variable does not record its own
        (:func:`climann.data.sources.variable_where`).
    file : str or Path or None
        The file to name in the ``ncatted`` command, with its corrected copy beside it (see
        :func:`climann.data.shell.input_and_copy`), when the variable does not record its one
        file (:func:`climann.data.sources.variable_file`); None for data from several files
        (``IN.nc OUT.nc``).
    """
    present = [name for name in names if name in dataset.data_vars]
    for name, found in fill_like_counts(dataset, present).items():
        value, (count, size) = max(found.items(), key=lambda item: item[1][0])
        stored = np.dtype(dataset[name].encoding.get("dtype", dataset[name].dtype))
        own = variable_file(dataset[name]) or file
        _log.warning(
            "'%s' in %s holds %g at %d of the %d values checked, a usual fill value that no _FillValue or "
            "missing_value marks as missing, so they are used as data; if they are missing values: "
            "ncatted -a _FillValue,%s,o,%s,%g %s",
            name, variable_where(dataset[name], where), value, count, size, name,
            _NCATTED_TYPES.get(stored.str[1:], "f"), value, "IN.nc OUT.nc" if own is None else input_and_copy(own),
        )

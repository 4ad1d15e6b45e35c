"""CF valid ranges: values outside ``valid_min``, ``valid_max`` or ``valid_range`` are missing.

xarray masks ``_FillValue`` and ``missing_value`` when it opens a file but leaves the valid
range alone (pydata/xarray#8359), so a product that flags land only by a value outside its
``valid_range`` would be read as data. The rules applied here (CF-1.8 §2.5.1 and §8.1, the
NetCDF User Guide's attribute conventions):

- a value below ``valid_min`` or above ``valid_max`` is missing; ``valid_range = [min, max]``
  gives both (and wins when both forms are present, as the NUG says they must not be);
- for packed data (``scale_factor`` / ``add_offset``) the limits are in the packed (stored)
  units and are checked before unpacking (CF-1.8 §8.1) — unless every limit has the type of
  ``scale_factor`` / ``add_offset`` (the unpacked type) rather than the stored type, in which
  case they are in unpacked units (NUG; netCDF-Java 5 reads them the same way), or a limit is
  a number no value of the packed type equals (``valid_min = 90000.0`` on ``short`` data:
  beyond its range, or a fraction), which cannot be a packed value and so is in the data's
  units (:func:`limits_in_data_units`). Limits of a third type (a double beside a float
  ``scale_factor``) are warned about either way, the warning giving the reading and the one
  ``ncatted`` that stores every limit in the unpacked type (:func:`limit_type_warnings`).
  netCDF4-python (1.7.5) reads every limit in packed units and ignores one that no value of the
  packed type equals; netCDF-Java 5 reads a limit not of the unpacked type as packed;

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
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.absolute_zero import masked_below_absolute_zero
from climann.data.fill_like import (  # noqa: F401  (their home before climann.data.fill_like)
    FILL_LIKE_CHECKED_STEPS,
    FILL_LIKE_VALUES,
    fill_like_counts,
    warn_fill_like_values,
)
from climann.data.flags import codes_beyond_units_range, decoded_codes, flag_codes, status_codes, zero_amount_codes
from climann.data.hdf4_calibration import refuse_hdf4_calibration
from climann.data.notes import note_once
from climann.data.shell import (
    input_and_copy, attribute_command, ncatted_number, ncatted_type,
)
from climann.data.stored_values import exact_cast, read_type, unpacked, with_signedness
from climann.data.text_numbers import NUMERIC_ATTRIBUTES as _NUMERIC_ATTRIBUTES
from climann.data.text_numbers import note_text_numbers
from climann.data.text_numbers import refuse_text_attributes  # noqa: F401  (its home before climann.data.text_numbers)
from climann.data.valid_range_tails import sample_outside_valid_range
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Attributes that define the valid values; dropped once applied (they would be wrong in
#: another unit or packing, e.g. when copied to an output file).
VALID_RANGE_ATTRIBUTES = ("valid_range", "valid_min", "valid_max")


def _unpacked_type(encoding: dict) -> np.dtype | None:
    """The type of ``scale_factor``/``add_offset`` (the unpacked type), None if not packed."""
    packing = [encoding[key] for key in ("scale_factor", "add_offset") if key in encoding]
    return np.result_type(*[np.asarray(value).dtype for value in packing]) if packing else None


def _given_limits(attrs: dict, encoding: dict) -> list[tuple[str, np.ndarray | None]] | None:
    """The limits as stored, ``[(key, value or None), (key, value or None)]`` for the minimum
    and the maximum (``valid_range`` wins), integers read with the data's signedness; None
    when no limit is given."""
    if "valid_range" in attrs and np.asarray(attrs["valid_range"]).size == 2:
        both = with_signedness(np.asarray(attrs["valid_range"]), encoding).reshape(2)
        return [("valid_range", both[0]), ("valid_range", both[1])]
    if "valid_min" in attrs or "valid_max" in attrs:
        return [(key, None if attrs.get(key) is None else with_signedness(np.asarray(attrs[key]), encoding))
                for key in ("valid_min", "valid_max")]
    return None


def limits_in_data_units(variable: xr.DataArray) -> bool:
    """Whether a variable's valid-range limits are in its decoded (unpacked) units rather than
    in packed units (see the module's rules): it is not packed; every limit has the unpacked
    type (NUG); or a limit is a number no value of the packed type equals, which cannot be a
    packed value (``90000.0`` on ``short`` data).

    Parameters
    ----------
    variable : xarray.DataArray
        As opened by xarray, its limits in ``attrs``, its packing in ``encoding``.

    Returns
    -------
    bool
    """
    encoding = variable.encoding
    unpacked_type = _unpacked_type(encoding)
    present = [np.asarray(value) for _, value in _given_limits(variable.attrs, encoding) or () if value is not None]
    if unpacked_type is None or not present:
        return True
    if all(limit.dtype == unpacked_type != encoding.get("dtype") for limit in present):
        return True
    packed = read_type(variable)
    return any(exact_cast(limit, packed) is None for limit in present)


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
    given = _given_limits(variable.attrs, variable.encoding)
    if given is None:
        return None
    (_, low), (_, high) = given
    ends = np.array([-np.inf if low is None else float(low), np.inf if high is None else float(high)])
    if not limits_in_data_units(variable):
        ends = unpacked(ends, variable.encoding, variable.dtype)
    low, high = np.sort(ends.astype(np.float64))  # a negative scale_factor swaps the ends
    return float(low), float(high)


def _limit_problem(name: str, variable: xr.DataArray, limits: tuple[float, float]) -> tuple[str, list[str]] | None:
    """For packed integers with limits of a type that says neither unit: floating-point
    numbers of neither the packed nor the unpacked type (a double ``valid_range`` beside a
    float ``scale_factor``: CF §8.1 wants the packed type, the NUG allows the unpacked one, a
    third type says neither), or numbers no packed value equals beside limits not all of the
    unpacked type. Returns the warning without its command and the ``-a`` of ``ncatted`` that
    store those limits in the unpacked type; None for limits whose type says their units."""
    encoding, attrs = variable.encoding, variable.attrs
    packed, unpacked_type = np.dtype(encoding.get("dtype", variable.dtype)), _unpacked_type(encoding)
    if unpacked_type is None or packed.kind not in "iu":
        return None
    keys = ["valid_range"] if "valid_range" in attrs else [key for key in ("valid_min", "valid_max") if key in attrs]
    stored = {key: np.asarray(attrs[key]) for key in keys}
    to_store = [key for key, value in stored.items() if value.dtype != unpacked_type]
    third = [key for key in to_store if stored[key].dtype.kind == "f" and stored[key].dtype != packed]
    in_data_units = limits_in_data_units(variable)
    if not third and not (in_data_units and to_store):
        return None
    given = ", ".join(f"{key} {_attribute_text(value)} ({value.dtype})" for key, value in stored.items())
    kept = f"values outside {limits[0]:g} … {limits[1]:g} {attrs.get('units', '')}".rstrip() + " are missing"
    if in_data_units:
        read = read_type(variable)
        unpackable = [f"{float(number):g}" for value in stored.values() for number in value.reshape(-1)
                      if exact_cast(np.asarray(number), read) is None]
        reading = (f"no {read} value equals {' or '.join(unpackable)}, so the limits are not packed values: read in "
                   f"the data's units, {kept} (netCDF4-python ignores a limit no packed value equals; netCDF-Java 5 "
                   "reads it as a packed value)")
        advice = "store them in the unpacked type to say so"
    else:
        reading = f"read in packed units, as netCDF-Java 5 and netCDF4-python read them, so {kept}"
        advice = "if the limits are in the data's units, store them in the unpacked type"
    letter = ncatted_type(unpacked_type)
    fixes = [f"-a {key},{name},o,{letter},{_attribute_text(stored[key], unpacked_type)}" for key in to_store]
    source = encoding.get("source")
    where = f" in {Path(source).name}" if source else ""
    types = (f"{'/'.join(third) if len(third) < len(stored) else 'stored'} in neither its packed type ({packed}) "
             f"nor its unpacked type ({unpacked_type})" if third else f"not all in its unpacked type ({unpacked_type})")
    return f"'{name}'{where} has {given}, {types} (CF §8.1): {reading}; {advice}", fixes


def warn_limit_types(dataset: xr.Dataset, limits: Mapping[str, tuple[float, float]]) -> None:
    """Warn about each variable of one file whose valid-range limits have a type that says
    neither packed nor unpacked units (:func:`_limit_problem`), each warning giving the one
    ``ncatted`` that stores the limits of every such variable of the file in the unpacked
    type (two commands each writing the corrected copy from the file would keep only the
    second one's change).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened.
    limits : mapping
        Variable name → its limits in decoded units (:func:`valid_limits`).
    """
    problems = {name: found for name, limit in limits.items()
                if (found := _limit_problem(name, dataset[name], limit)) is not None}
    if not problems:
        return
    sources = [dataset.encoding.get("source"), *(dataset[name].encoding.get("source") for name in problems)]
    source = next((item for item in sources if item), None)
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    command = attribute_command([fix for _, fixes in problems.values() for fix in fixes], files)
    for text, _ in problems.values():
        note_once(_log, logging.WARNING, f"{text}: `{command}`")


def _attribute_text(value: object, dtype: np.dtype | None = None) -> str:
    """An attribute's numbers as ncatted is to read them into type ``dtype`` (default: the
    attribute's own), each to that type's digits: ``200,360``."""
    value = np.asarray(value)
    return ",".join(ncatted_number(number, dtype or value.dtype) for number in value.reshape(-1))


#: Their home is climann.data.text_numbers, which reads or refuses them when stored as text.
NUMERIC_ATTRIBUTES = _NUMERIC_ATTRIBUTES


def mask_invalid(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with values outside each data variable's valid range set to NaN, and the
    values of a temperature below absolute zero (codes such as HadISST's -1000 for sea ice;
    :mod:`climann.data.absolute_zero`).

    Lazy: dask-backed variables stay dask-backed. Coordinates are left as they are. Each
    variable with a valid range records a lazy sample of what it reads as missing, for the
    warning when that is a tail of the data rather than a few codes
    (:func:`~climann.data.valid_range_tails.warn_outside_valid_range`). The
    valid-range attributes of the masked variables are dropped (see
    :data:`VALID_RANGE_ATTRIBUTES`), and the flag attributes of a variable whose flag values are
    all outside its valid range or its fill values: status codes of continuous data, which no
    longer holds them (:func:`~climann.data.flags.status_codes`, :data:`STATUS_FLAG_ATTRIBUTES`;
    NSIDC's sea-ice concentration), or, without a valid range, all beyond the range its units
    allow (:func:`~climann.data.flags.codes_beyond_units_range`: those values read as missing);
    a variable without them is returned unchanged.

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
        If a fill value, packing or valid-range attribute is text that is not exactly its
        number (:func:`~climann.data.text_numbers.refuse_text_attributes`), a ``scale_factor``
        beside HDF4 calibration attributes reads two ways
        (:func:`~climann.data.hdf4_calibration.refuse_hdf4_calibration`), or a temperature holds
        many different values below absolute zero (:func:`~climann.data.absolute_zero.masked_below_absolute_zero`).
    """
    note_text_numbers(dataset)  # text that says its number was read as it; other text refused
    refuse_text_attributes(dataset)
    refuse_hdf4_calibration(dataset)
    masked, limits_of = {}, {}
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
        codes = status_codes(variable, limits, str(name))
        if limits is None and codes is None:
            beyond = codes_beyond_units_range(variable, str(name))
            if beyond is not None:  # flags beyond a percentage's or an amount's range: climann.data.flags
                masked[name] = _without_codes(str(name), variable, *beyond,
                                              zero=zero_amount_codes(str(name), variable))
            continue
        dropped = (*VALID_RANGE_ATTRIBUTES, *(() if codes is None else STATUS_FLAG_ATTRIBUTES))
        attrs = {key: value for key, value in variable.attrs.items() if key not in dropped}
        zero = [] if codes is None else zero_amount_codes(str(name), variable)  # no_snow: 0 mm, a value
        if codes is not None:
            _note_status_codes(str(name), variable, codes, zero)
        if limits is None:  # flags that are all fill values, masked already
            kept = variable.copy(deep=False)
        else:
            limits_of[name] = low, high = limits
            kept = _within(variable, low, high)
        zero_values = decoded_codes(variable, np.array([code for code, _ in zero])) if zero else np.empty(0)
        if zero:
            kept = kept.where(~variable.isin(zero_values.astype(variable.dtype)), 0)
        kept.attrs, kept.encoding = attrs, dict(variable.encoding)
        if limits is not None:  # what they read as missing: a cut tail is warned of (climann.data.valid_range_tails)
            kept.encoding.update(sample_outside_valid_range(
                variable, limits, status_codes=codes is not None,
                zero_codes=_zero_codes_said(str(name), variable, zero, zero_values) if zero else None))
        masked[name] = kept
    warn_limit_types(dataset, limits_of)
    # a temperature below absolute zero is a code (HadISST's -1000 for sea ice); see climann.data.absolute_zero
    return masked_below_absolute_zero(dataset.assign(masked) if masked else dataset, limits_of, given=dataset)


def _within(variable: xr.DataArray, low: float, high: float) -> xr.DataArray:
    """``variable.where((variable >= low) & (variable <= high))``: the values outside ``[low,
    high]`` NaN, in the type xarray's ``where`` promotes to (one that holds NaN: integers to
    float32 or float64), lazily in one dask operation (:func:`_within_block` of each block).
    xarray's form built four dask operations per file and variable and aligned the variable's
    coordinates at each: a folder of 300 daily GHRSST files of six variables spent 85 s of
    305 s there (issue 15)."""
    dtype = xr.Variable((), np.zeros((), variable.dtype)).where(True).dtype  # xarray's own promotion
    values = variable.data
    if hasattr(values, "map_blocks"):
        masked = values.map_blocks(_within_block, low, high, dtype, dtype=dtype)
    else:
        masked = _within_block(np.asarray(values), low, high, dtype)
    return variable.copy(deep=False, data=masked)


def _within_block(block: np.ndarray, low: float, high: float, dtype: np.dtype) -> np.ndarray:
    """A block of values with those outside ``[low, high]`` (and NaN) set to NaN, as ``dtype``."""
    return np.where((block >= low) & (block <= high), block.astype(dtype, copy=False), np.nan).astype(dtype,
                                                                                                    copy=False)


#: The flag attributes of a variable whose flags are status codes read as missing
#: (:func:`~climann.data.flags.status_codes`): dropped with the valid range, as its data no
#: longer hold those codes (an output file that copied them would name codes it never holds).
STATUS_FLAG_ATTRIBUTES = ("flag_values", "flag_meanings")


def _without_codes(name: str, variable: xr.DataArray, codes: np.ndarray, decoded: np.ndarray,
                   limits: tuple[float, float], said: str, *, zero: Sequence[tuple[object, str]] = ()
                   ) -> xr.DataArray:
    """``variable`` (lazy) with its flag values that lie beyond the range its units or its
    quantity allow read as missing, its flag attributes dropped (:data:`STATUS_FLAG_ATTRIBUTES`),
    said in one note (:func:`~climann.data.flags.codes_beyond_units_range`; ``said``: what
    bounds the range); the values they remove are counted when the run checks its variables
    (:func:`~climann.data.valid_range_tails.warn_outside_valid_range`). The flag values ``zero``
    that say the quantity's substance is absent (:func:`~climann.data.flags.zero_amount_codes`:
    0 "no_snow", 255 "no_snow") are read as 0 of it, a value, as beside a valid range."""
    coded = variable.isin(decoded.astype(variable.dtype))
    kept = variable.where(~coded)
    if zero:
        kept = kept.where(~variable.isin(decoded_codes(variable, np.array([code for code, _ in zero]))
                                         .astype(variable.dtype)), 0)
    kept.attrs = {key: value for key, value in variable.attrs.items() if key not in STATUS_FLAG_ATTRIBUTES}
    kept.encoding = dict(variable.encoding)
    source = variable.encoding.get("source")
    meanings = str(variable.attrs.get("flag_meanings", "")).strip()
    shown = " ".join(f"{code:g}" for code in codes)
    only_codes = variable.where(coded)
    only_codes.attrs, only_codes.encoding = dict(variable.attrs), dict(variable.encoding)
    kept.encoding.update(sample_outside_valid_range(only_codes, limits, codes=f"{shown} ({said})"))
    units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
    zeros = "".join(f"; its flag value {code:g} ({meaning}) says there is none of it: read as 0{units}, a value"
                    for code, meaning in zero)
    what = (f"its flag_values {shown}{f' ({meanings})' if meanings else ''} lie {said}, so they are status codes of "
            "a continuous quantity (CF-1.8 §3.5), read as missing" if codes.size
            else f"its flag_values {' '.join(f'{code:g}' for code in flag_codes(variable, 'flag_values'))} "
                 f"({meanings})")
    note_once(_log, logging.INFO, (
        f"'{name}' in {Path(source).name if source else 'the data'}: {what}{zeros}; its other values are data"),
        by_file=True)
    return kept


def _note_status_codes(name: str, variable: xr.DataArray, codes: np.ndarray,
                       zero: Sequence[tuple[object, str]] = ()) -> None:
    """Say once per run that a variable's flag values are status codes, read as missing, and
    those that say its substance is absent (``zero``, :func:`~climann.data.flags.zero_amount_codes`)
    read as 0 of it."""
    source = variable.encoding.get("source")
    where = Path(source).name if source else "the data"
    shown = " ".join(f"{code:g}" for code in codes)
    meanings = str(variable.attrs.get("flag_meanings", "")).strip()
    units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
    zeros = "".join(f"; its flag value {code:g} ({meaning}) says there is none of it: read as 0{units}, a value"
                    for code, meaning in zero)
    note_once(_log, logging.INFO, (
        f"'{name}' in {where}: its flag_values {shown}{f' ({meanings})' if meanings else ''} lie outside its valid "
        "range or are its fill values, so they are status codes of a continuous quantity (CF-1.8 §3.5), read as "
        f"missing{' but those that say the quantity is absent' if zero else ''}{zeros}; its other values are data"),
        by_file=True)


def _zero_codes_said(name: str, variable: xr.DataArray, zero: Sequence[tuple[object, str]],
                     decoded: np.ndarray) -> tuple[np.ndarray, str, str]:
    """For the warning that counts them (:mod:`climann.data.valid_range_tails`): the flag values
    read as 0 (``zero``, decoded as ``decoded``), their text (``"0 (no_snow)"``) and the
    ``ncatted`` that marks them missing instead (beside the fill values the variable has), on a
    corrected copy of its file."""
    from climann.data.fill_like import marking_fix
    from climann.data.sources import name_in_file

    shown = ", ".join(f"{code:g} ({meaning})" for code, meaning in zero)
    mark = marking_fix(name_in_file(variable, name), variable, float(decoded[0]), also=[float(value) for value
                                                                                       in decoded[1:]])
    source = variable.encoding.get("source")
    command = "" if mark is None else attribute_command([mark], input_and_copy(source) if source else "IN.nc OUT.nc")
    return decoded, shown, command
